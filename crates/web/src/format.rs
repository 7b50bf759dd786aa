//! Numbers and durations formatted for people.
//!
//! The notebook shows credit, counts, money and durations; each has one formatter here so that a
//! number reads the same in a table, a chart label and a tooltip. Full precision stays available
//! to machines through `data-value` attributes and the CSV download.

/// A count with thin thousands separators: `12 345`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// A quantity with a sensible number of decimals for its size: `0.042`, `3.14`, `32.4`, `1 234`,
/// `2.5 M`. Never `NaN`: a missing or non-finite value prints as an em dash.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let a = x.abs();
    if a >= 1e9 {
        format!("{:.2} B", x / 1e9)
    } else if a >= 1e6 {
        format!("{:.2} M", x / 1e6)
    } else if a >= 1e4 {
        let rounded = x.round();
        let sign = if rounded < 0.0 { "-" } else { "" };
        format!("{sign}{}", count(rounded.abs() as u64))
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 0.1 || a == 0.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// An optional quantity; `None` prints as an em dash.
pub fn opt_number(x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), number)
}

/// A share in `[0, 1]` as a percentage: `42.3 %`.
pub fn percent(share: f64) -> String {
    if !share.is_finite() {
        return "—".into();
    }
    let p = share * 100.0;
    if p.abs() >= 10.0 || p == 0.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.2} %")
    }
}

/// A signed percentage change: `+4.2 %`, `−1.0 %`.
pub fn signed_percent(share: f64) -> String {
    if !share.is_finite() {
        return "—".into();
    }
    let p = share * 100.0;
    if p < 0.0 {
        format!("−{:.1} %", -p)
    } else {
        format!("+{p:.1} %")
    }
}

/// A signed quantity: `+1 234`, `−3.5`.
pub fn signed_number(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    if x < 0.0 {
        format!("−{}", number(-x))
    } else {
        format!("+{}", number(x))
    }
}

/// A duration in seconds as the two largest units: `45 s`, `12 min`, `3 h 20 min`, `2 d 4 h`.
pub fn duration_s(s: f64) -> String {
    if !s.is_finite() || s < 0.0 {
        return "—".into();
    }
    let s = s.round() as u64;
    let (d, h, m) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    if d > 0 {
        if h > 0 {
            format!("{d} d {h} h")
        } else {
            format!("{d} d")
        }
    } else if h > 0 {
        if m > 0 {
            format!("{h} h {m} min")
        } else {
            format!("{h} h")
        }
    } else if m > 0 {
        format!("{m} min")
    } else {
        format!("{s} s")
    }
}

/// A day count: `1 day`, `0.5 days`, `30 days`.
pub fn days(d: f64) -> String {
    if (d - 1.0).abs() < 1e-12 {
        "1 day".into()
    } else if d.fract() == 0.0 {
        format!("{d:.0} days")
    } else if d < 10.0 {
        format!("{} days", trim_float(d, 2))
    } else {
        format!("{} days", trim_float(d, 1))
    }
}

/// `x` with at most `decimals` decimals and no trailing zeros: `3.5`, `0.75`, `12`.
pub fn trim_float(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// A byte size: `38.7 KB`, `1.2 MB`.
pub fn bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} KB", n / 1e3)
    } else {
        format!("{n} B")
    }
}

/// A spine column name without its family prefix, with spaces: `pools tvl usd`.
pub fn series_label(column: &str) -> String {
    let bare = ["kpi_", "media_", "ctrl_"]
        .iter()
        .find_map(|p| column.strip_prefix(p))
        .unwrap_or(column);
    bare.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_people_write_them() {
        let cases = [
            (0.0, "0.00"),
            (0.042, "0.042"),
            (3.14259, "3.14"),
            (32.44, "32.4"),
            (123.4, "123"),
            (12_345.6, "12\u{2009}346"),
            (-12_345.6, "-12\u{2009}346"),
            (2_500_000.0, "2.50 M"),
            (f64::NAN, "—"),
        ];
        for (x, want) in cases {
            assert_eq!(number(x), want, "{x}");
        }
        assert_eq!(count(1_234_567), "1\u{2009}234\u{2009}567");
        assert_eq!(count(999), "999");
        assert_eq!(percent(0.4234), "42.3 %");
        assert_eq!(percent(0.0123), "1.23 %");
        assert_eq!(signed_percent(-0.01), "−1.0 %");
        assert_eq!(signed_number(1234.0), "+1234");
    }

    #[test]
    fn durations_use_the_two_largest_units() {
        assert_eq!(duration_s(45.0), "45 s");
        assert_eq!(duration_s(720.0), "12 min");
        assert_eq!(duration_s(12_000.0), "3 h 20 min");
        assert_eq!(duration_s(187_200.0), "2 d 4 h");
        assert_eq!(days(0.5), "0.5 days");
        assert_eq!(days(1.0), "1 day");
        assert_eq!(days(30.0), "30 days");
        assert_eq!(bytes(38_738), "38.7 KB");
        assert_eq!(series_label("kpi_pools_tvl_usd"), "pools tvl usd");
    }
}
