//! Configuration defaults and validation errors.

use mensura_synth::{
    CivilDate, Error, MAX_BATCH_ROWS, MAX_DAYS, MAX_USERS, MIN_DAYS, MIN_DAYS_WITH_EDGE_CASES,
    SynthConfig, generate,
};

use crate::support::pseudo;

#[test]
fn the_default_is_valid_and_ends_where_documented() {
    let c = SynthConfig::default();
    assert!(c.validate().is_ok());
    assert_eq!((c.users, c.gp_safes, c.days), (2_000, 1_000, 400));
    assert_eq!(c.start, CivilDate::new(2025, 4, 1));
    assert_eq!(c.end(), CivilDate::new(2026, 5, 6));
    let e = SynthConfig::ending(CivilDate::new(2026, 6, 28), 730);
    assert_eq!(e.end(), CivilDate::new(2026, 6, 28));
    assert_eq!(e.start, CivilDate::new(2024, 6, 28));
}

#[test]
fn each_bad_field_is_its_own_error() {
    let ok = SynthConfig::default();
    let check = |c: SynthConfig| c.validate().expect_err("invalid");

    assert!(matches!(
        check(SynthConfig {
            users: 0,
            ..ok.clone()
        }),
        Error::Users { got: 0, .. }
    ));
    assert!(matches!(
        check(SynthConfig {
            users: MAX_USERS + 1,
            ..ok.clone()
        }),
        Error::Users { .. }
    ));
    assert!(matches!(
        check(SynthConfig {
            gp_safes: 0,
            ..ok.clone()
        }),
        Error::GpSafes { got: 0, .. }
    ));
    assert!(matches!(
        check(SynthConfig {
            days: MIN_DAYS_WITH_EDGE_CASES - 1,
            ..ok.clone()
        }),
        Error::Days {
            min: MIN_DAYS_WITH_EDGE_CASES,
            ..
        }
    ));
    assert!(matches!(
        check(SynthConfig {
            days: MAX_DAYS + 1,
            ..ok.clone()
        }),
        Error::Days { .. }
    ));
    assert!(matches!(
        check(SynthConfig {
            days: MIN_DAYS - 1,
            edge_cases: false,
            ..ok.clone()
        }),
        Error::Days { min: MIN_DAYS, .. }
    ));
    assert!(
        SynthConfig {
            days: MIN_DAYS,
            edge_cases: false,
            ..ok.clone()
        }
        .validate()
        .is_ok()
    );
    assert!(
        SynthConfig {
            days: MIN_DAYS_WITH_EDGE_CASES,
            ..ok.clone()
        }
        .validate()
        .is_ok()
    );
    assert!(matches!(
        check(SynthConfig {
            start: CivilDate::new(2025, 2, 29),
            ..ok.clone()
        }),
        Error::Start { .. }
    ));
    assert!(matches!(
        check(SynthConfig {
            start: CivilDate::new(1999, 12, 31),
            ..ok.clone()
        }),
        Error::Start { .. }
    ));
    assert!(matches!(
        check(SynthConfig {
            batch_rows: 0,
            ..ok.clone()
        }),
        Error::BatchRows { got: 0, .. }
    ));
    assert!(matches!(
        check(SynthConfig {
            batch_rows: MAX_BATCH_ROWS + 1,
            ..ok.clone()
        }),
        Error::BatchRows { .. }
    ));

    let message = check(SynthConfig {
        days: 3,
        ..ok.clone()
    })
    .to_string();
    assert!(
        message.contains("days") && message.contains('3'),
        "{message}"
    );
    let message = check(SynthConfig {
        start: CivilDate::new(2025, 13, 1),
        ..ok
    })
    .to_string();
    assert!(message.contains("2025-13-01"), "{message}");
}

#[test]
fn generate_refuses_an_invalid_config() {
    let bad = SynthConfig {
        users: 0,
        ..SynthConfig::default()
    };
    assert!(matches!(generate(&bad, &pseudo), Err(Error::Users { .. })));
}

#[test]
fn dates_parse_and_print() {
    let d: CivilDate = "2024-02-29".parse().expect("leap day");
    assert_eq!(d, CivilDate::new(2024, 2, 29));
    assert_eq!(d.to_string(), "2024-02-29");
    assert_eq!(CivilDate::from_days(d.days_since_epoch()), d);
    assert!(matches!(
        "2023-02-29".parse::<CivilDate>(),
        Err(Error::Date(_))
    ));
    assert!(matches!(
        "yesterday".parse::<CivilDate>(),
        Err(Error::Date(_))
    ));
}
