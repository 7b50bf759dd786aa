//! The notebook's whole view state, and its encoding in the URL.
//!
//! Every control of every page is a field of [`State`]. The page keeps the state in the URL's
//! fragment (`#…`), so a copied link reproduces the view exactly, and static hosts never see it.
//!
//! # Encoding (version 1)
//!
//! `v=1&m=<manifest hash>&p=<page>&<key>=<value>&…`: `&`-separated `key=value` pairs with short
//! keys; a field equal to its default is left out, so a fresh page has a short link. Values are
//! percent-encoded outside `[A-Za-z0-9._~-]` (and `:`, `,` inside lists are separators); lists
//! are comma-separated; maps are `name:value` lists; floats use Rust's shortest round-trip form,
//! so `decode(encode(s)) == s` exactly (a property test checks it).
//!
//! `m` is the first 12 hex digits of the SHA-256 of the `manifest.json` the link was made on: when
//! the data has changed since, the page says so. `v` is the encoding version: a link from a newer
//! version is reported and the defaults are used. Unknown keys are ignored (forward compatible);
//! a malformed value falls back to that field's default and is reported.
//!
//! | key | field | | key | field |
//! |---|---|---|---|---|
//! | `p` | page `a`/`f`/`m` | | `fs` | funnel steps |
//! | `d` | data directory | | `fw` | funnel window, seconds |
//! | `as` | sector `ga`/`gp` | | `fm` | funnel modes (`o,d,i,1,r`) |
//! | `ar` | GP identity role | | `fg` | funnel grouping `day` or `from,to` dates |
//! | `ak` | conversion kinds | | `ms` | spine series shown |
//! | `al` | lookback, days | | `mk` | KPI (band, what-if) |
//! | `ah` | kernel time, days | | `mb` | media of the band |
//! | `ae` | kernel `h`/`e` | | `ml` | λ per media |
//! | `au` | rule | | `ma` | ridge penalty |
//! | `ac` | compare all rules | | `mh` | what-if horizon, weeks |
//! | `ax` | lag `c`/`x` | | `mw` | budget change per media, % |

use std::collections::BTreeMap;

use mensura_engine::attribution::{DecayKernel, LagMode, Rule};
use mensura_engine::funnel::FunnelModes;

/// The URL encoding version this build writes and reads.
pub const URL_VERSION: u32 = 1;

/// Which page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    #[default]
    Attribution,
    Funnels,
    Mmm,
}

impl Page {
    pub const ALL: [Self; 3] = [Self::Attribution, Self::Funnels, Self::Mmm];

    pub fn code(self) -> &'static str {
        match self {
            Self::Attribution => "a",
            Self::Funnels => "f",
            Self::Mmm => "m",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Attribution => "Attribution",
            Self::Funnels => "Funnels",
            Self::Mmm => "Marketing mix",
        }
    }

    fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == s)
    }
}

/// Gnosis App or Gnosis Pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum SectorChoice {
    #[default]
    Ga,
    Gp,
}

impl SectorChoice {
    pub fn code(self) -> &'static str {
        match self {
            Self::Ga => "ga",
            Self::Gp => "gp",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Ga => "Gnosis App",
            Self::Gp => "Gnosis Pay",
        }
    }
}

/// Which decay kernel the half-life slider drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KernelKind {
    /// `2^(−lag/h)`: a true half-life.
    #[default]
    HalfLife,
    /// `exp(−lag/τ)`: upstream's kernel (τ = 7 reproduces the marts).
    EFolding,
}

impl KernelKind {
    pub fn kernel(self, days: f64) -> DecayKernel {
        match self {
            Self::HalfLife => DecayKernel::HalfLife {
                half_life_days: days,
            },
            Self::EFolding => DecayKernel::EFolding { efold_days: days },
        }
    }
}

/// The attribution page's controls.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrState {
    pub sector: SectorChoice,
    /// Gnosis Pay only: one identity role, or `None` for all roles together.
    pub role: Option<String>,
    /// Conversion kinds included; empty means all.
    pub kinds: Vec<String>,
    pub lookback_days: u32,
    /// The kernel's time constant in days (the half-life, or the e-folding time).
    pub kernel_days: f64,
    pub kernel: KernelKind,
    pub rule: Rule,
    /// Show every rule side by side.
    pub compare: bool,
    pub lag: LagMode,
}

impl Default for AttrState {
    fn default() -> Self {
        Self {
            sector: SectorChoice::Ga,
            role: None,
            kinds: Vec::new(),
            lookback_days: 30,
            kernel_days: 7.0,
            kernel: KernelKind::HalfLife,
            rule: Rule::TimeDecay,
            compare: false,
            lag: LagMode::Calendar,
        }
    }
}

/// How funnel groups are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FunnelGrouping {
    /// Per user per UTC day (the daily mart's grain).
    #[default]
    PerDay,
    /// Per user over an inclusive date range (days since 1970-01-01).
    Range { from: i32, to: i32 },
}

/// The funnel page's controls.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelState {
    pub steps: Vec<String>,
    pub window_s: u64,
    pub modes: FunnelModes,
    pub grouping: FunnelGrouping,
}

impl Default for FunnelState {
    fn default() -> Self {
        let preset = &crate::analysis::FUNNEL_PRESETS[0];
        Self {
            steps: preset.steps.iter().map(|s| (*s).to_owned()).collect(),
            window_s: preset.window_s,
            modes: FunnelModes::default(),
            grouping: FunnelGrouping::PerDay,
        }
    }
}

/// The MMM page's controls. Names are full spine column names (`kpi_…`, `media_…`).
#[derive(Debug, Clone, PartialEq)]
pub struct MmmState {
    /// Series shown in the spine explorer; empty means the page's default.
    pub series: String,
    /// KPI of the baseline band and the what-if; empty means the page's default.
    pub kpi: String,
    /// Media of the baseline band; empty means the page's default.
    pub band_media: String,
    /// Adstock retention λ per media (default 0.5).
    pub lambdas: BTreeMap<String, f64>,
    /// Ridge penalty on standardised predictors.
    pub alpha: f64,
    /// What-if horizon: the last this many weeks.
    pub horizon_weeks: u32,
    /// Budget change per media over the horizon, in percent (−100 … +200).
    pub budget_pct: BTreeMap<String, i32>,
}

impl Default for MmmState {
    fn default() -> Self {
        Self {
            series: String::new(),
            kpi: String::new(),
            band_media: String::new(),
            lambdas: BTreeMap::new(),
            alpha: 1.0,
            horizon_weeks: 13,
            budget_pct: BTreeMap::new(),
        }
    }
}

impl MmmState {
    /// The retention rate of `media` (default 0.5).
    pub fn lambda(&self, media: &str) -> f64 {
        self.lambdas
            .get(media)
            .copied()
            .unwrap_or(mensura_engine::mmm::adstock::DEFAULT_LAMBDA)
    }
}

/// Everything a link restores.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    pub page: Page,
    /// First 12 hex digits of the manifest's SHA-256, when known.
    pub manifest: Option<String>,
    /// Data directory relative to the page (default: `data/`, then the bundled fixtures `data/fixtures/`).
    pub data: Option<String>,
    pub attr: AttrState,
    pub funnel: FunnelState,
    pub mmm: MmmState,
}

/// Something in a link that could not be used as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlIssue {
    /// The link was made by another encoding version; the defaults are shown.
    Version(String),
    /// A value could not be read; that control keeps its default.
    BadValue { key: String, value: String },
}

impl std::fmt::Display for UrlIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Version(v) => write!(
                f,
                "this link uses encoding version {v}, which this page does not read \
                 (it reads version {URL_VERSION}); the default view is shown"
            ),
            Self::BadValue { key, value } => write!(
                f,
                "the link's value `{value}` for `{key}` is not valid; that control was reset"
            ),
        }
    }
}

fn rule_code(r: Rule) -> &'static str {
    match r {
        Rule::FirstTouch => "first",
        Rule::LastTouch => "last",
        Rule::Linear => "linear",
        Rule::TimeDecay => "decay",
        Rule::PositionBased => "position",
    }
}

fn rule_of(s: &str) -> Option<Rule> {
    Rule::ALL.into_iter().find(|r| rule_code(*r) == s)
}

/// A funnel mode's flag inside [`FunnelModes`].
pub type ModeField = fn(&mut FunnelModes) -> &mut bool;

const MODE_CODES: [(&str, ModeField); 5] = [
    ("o", |m| &mut m.strict_order),
    ("d", |m| &mut m.strict_deduplication),
    ("i", |m| &mut m.strict_increase),
    ("1", |m| &mut m.strict_once),
    ("r", |m| &mut m.allow_reentry),
];

/// Percent-encodes `s` outside the unreserved set.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"._~-".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes percent-encoding; `None` on a malformed escape or invalid UTF-8.
fn unesc(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else if bytes[i] == b'+' {
            out.push(b' ');
            i += 1;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn list(items: &[String]) -> String {
    items.iter().map(|s| esc(s)).collect::<Vec<_>>().join(",")
}

fn unlist(s: &str) -> Option<Vec<String>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    s.split(',').map(unesc).collect()
}

fn map<V: std::fmt::Display>(m: &BTreeMap<String, V>) -> String {
    m.iter()
        .map(|(k, v)| format!("{}:{v}", esc(k)))
        .collect::<Vec<_>>()
        .join(",")
}

fn unmap<V: std::str::FromStr>(s: &str) -> Option<BTreeMap<String, V>> {
    let mut out = BTreeMap::new();
    if s.is_empty() {
        return Some(out);
    }
    for item in s.split(',') {
        let (k, v) = item.split_once(':')?;
        out.insert(unesc(k)?, v.parse().ok()?);
    }
    Some(out)
}

/// Encodes `state` as a URL fragment body (without the `#`).
pub fn encode(state: &State) -> String {
    let d = State::default();
    let mut kv: Vec<(&str, String)> = vec![("v", URL_VERSION.to_string())];
    if let Some(m) = &state.manifest {
        kv.push(("m", esc(m)));
    }
    kv.push(("p", state.page.code().into()));
    if let Some(data) = &state.data {
        kv.push(("d", esc(data)));
    }
    let (a, da) = (&state.attr, &d.attr);
    if a.sector != da.sector {
        kv.push(("as", a.sector.code().into()));
    }
    if let Some(role) = &a.role {
        kv.push(("ar", esc(role)));
    }
    if !a.kinds.is_empty() {
        kv.push(("ak", list(&a.kinds)));
    }
    if a.lookback_days != da.lookback_days {
        kv.push(("al", a.lookback_days.to_string()));
    }
    if a.kernel_days.to_bits() != da.kernel_days.to_bits() {
        kv.push(("ah", a.kernel_days.to_string()));
    }
    if a.kernel != da.kernel {
        kv.push((
            "ae",
            match a.kernel {
                KernelKind::HalfLife => "h",
                KernelKind::EFolding => "e",
            }
            .into(),
        ));
    }
    if a.rule != da.rule {
        kv.push(("au", rule_code(a.rule).into()));
    }
    if a.compare {
        kv.push(("ac", "1".into()));
    }
    if a.lag != da.lag {
        kv.push((
            "ax",
            match a.lag {
                LagMode::Calendar => "c",
                LagMode::Exact => "x",
            }
            .into(),
        ));
    }
    let (f, df) = (&state.funnel, &d.funnel);
    if f.steps != df.steps {
        kv.push(("fs", list(&f.steps)));
    }
    if f.window_s != df.window_s {
        kv.push(("fw", f.window_s.to_string()));
    }
    if f.modes != df.modes {
        let mut modes = f.modes;
        let on: Vec<&str> = MODE_CODES
            .iter()
            .filter_map(|(code, field)| (*field(&mut modes)).then_some(*code))
            .collect();
        kv.push(("fm", on.join(",")));
    }
    match f.grouping {
        FunnelGrouping::PerDay => {}
        FunnelGrouping::Range { from, to } => kv.push(("fg", format!("{from},{to}"))),
    }
    let (m, dm) = (&state.mmm, &d.mmm);
    for (key, value) in [("ms", &m.series), ("mk", &m.kpi), ("mb", &m.band_media)] {
        if !value.is_empty() {
            kv.push((key, esc(value)));
        }
    }
    if !m.lambdas.is_empty() {
        kv.push(("ml", map(&m.lambdas)));
    }
    if m.alpha.to_bits() != dm.alpha.to_bits() {
        kv.push(("ma", m.alpha.to_string()));
    }
    if m.horizon_weeks != dm.horizon_weeks {
        kv.push(("mh", m.horizon_weeks.to_string()));
    }
    if !m.budget_pct.is_empty() {
        kv.push(("mw", map(&m.budget_pct)));
    }
    kv.into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes a URL fragment (with or without the leading `#`). Never fails: what cannot be read
/// keeps its default and is listed in the issues.
pub fn decode(fragment: &str) -> (State, Vec<UrlIssue>) {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let mut state = State::default();
    let mut issues = Vec::new();
    if fragment.is_empty() {
        return (state, issues);
    }
    let pairs: Vec<(&str, &str)> = fragment
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    match pairs.iter().find(|(k, _)| *k == "v") {
        Some((_, v)) if *v == URL_VERSION.to_string() => {}
        Some((_, v)) => {
            issues.push(UrlIssue::Version((*v).to_owned()));
            return (state, issues);
        }
        // A link without a version predates nothing: read it as the current version.
        None => {}
    }
    for (key, value) in pairs {
        if !apply(&mut state, key, value) {
            issues.push(UrlIssue::BadValue {
                key: key.to_owned(),
                value: value.to_owned(),
            });
        }
    }
    (state, issues)
}

/// Applies one `key=value`; false when the value is malformed (the field keeps its default).
fn apply(s: &mut State, key: &str, value: &str) -> bool {
    fn set<T>(slot: &mut T, v: Option<T>) -> bool {
        match v {
            Some(v) => {
                *slot = v;
                true
            }
            None => false,
        }
    }
    let finite_pos = |v: &str| v.parse::<f64>().ok().filter(|x| x.is_finite() && *x > 0.0);
    match key {
        "v" => true,
        "m" => set(&mut s.manifest, unesc(value).map(Some)),
        "p" => set(&mut s.page, Page::from_code(value)),
        "d" => set(&mut s.data, unesc(value).map(Some)),
        "as" => set(
            &mut s.attr.sector,
            match value {
                "ga" => Some(SectorChoice::Ga),
                "gp" => Some(SectorChoice::Gp),
                _ => None,
            },
        ),
        "ar" => set(&mut s.attr.role, unesc(value).map(Some)),
        "ak" => set(&mut s.attr.kinds, unlist(value)),
        "al" => set(
            &mut s.attr.lookback_days,
            value.parse().ok().filter(|d| *d > 0),
        ),
        "ah" => set(&mut s.attr.kernel_days, finite_pos(value)),
        "ae" => set(
            &mut s.attr.kernel,
            match value {
                "h" => Some(KernelKind::HalfLife),
                "e" => Some(KernelKind::EFolding),
                _ => None,
            },
        ),
        "au" => set(&mut s.attr.rule, rule_of(value)),
        "ac" => set(&mut s.attr.compare, Some(value == "1")),
        "ax" => set(
            &mut s.attr.lag,
            match value {
                "c" => Some(LagMode::Calendar),
                "x" => Some(LagMode::Exact),
                _ => None,
            },
        ),
        "fs" => set(&mut s.funnel.steps, unlist(value).filter(|v| !v.is_empty())),
        "fw" => set(&mut s.funnel.window_s, value.parse().ok()),
        "fm" => {
            let mut modes = FunnelModes::default();
            for code in value.split(',').filter(|c| !c.is_empty()) {
                match MODE_CODES.iter().find(|(c, _)| *c == code) {
                    Some((_, field)) => *field(&mut modes) = true,
                    None => return false,
                }
            }
            // ClickHouse accepts allow_reentry only with strict_order (the engine refuses it too).
            set(
                &mut s.funnel.modes,
                Some(modes).filter(|m| !m.allow_reentry || m.strict_order),
            )
        }
        "fg" => set(
            &mut s.funnel.grouping,
            value.split_once(',').and_then(|(a, b)| {
                let (from, to) = (a.parse().ok()?, b.parse().ok()?);
                Some(FunnelGrouping::Range { from, to })
            }),
        ),
        "ms" => set(&mut s.mmm.series, unesc(value)),
        "mk" => set(&mut s.mmm.kpi, unesc(value)),
        "mb" => set(&mut s.mmm.band_media, unesc(value)),
        "ml" => set(
            &mut s.mmm.lambdas,
            unmap::<f64>(value).filter(|m| m.values().all(|l| (0.0..1.0).contains(l))),
        ),
        "ma" => set(
            &mut s.mmm.alpha,
            value
                .parse::<f64>()
                .ok()
                .filter(|a| a.is_finite() && *a >= 0.0),
        ),
        "mh" => set(
            &mut s.mmm.horizon_weeks,
            value.parse().ok().filter(|h| *h > 0),
        ),
        "mw" => set(&mut s.mmm.budget_pct, unmap(value)),
        // Unknown keys come from newer pages; ignore them.
        _ => true,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_default_state_has_a_short_link() {
        let s = State::default();
        assert_eq!(encode(&s), "v=1&p=a");
        assert_eq!(decode(&encode(&s)), (s, vec![]));
        assert_eq!(decode(""), (State::default(), vec![]));
    }

    #[test]
    fn a_full_link_reads_back() {
        let mut s = State {
            page: Page::Mmm,
            manifest: Some("0123456789ab".into()),
            data: Some("data/bench/".into()),
            ..State::default()
        };
        s.attr.sector = SectorChoice::Gp;
        s.attr.role = Some("safe_self".into());
        s.attr.kinds = vec!["gpay_payment".into()];
        s.attr.kernel_days = 0.75;
        s.attr.kernel = KernelKind::EFolding;
        s.attr.rule = Rule::PositionBased;
        s.mmm.lambdas.insert("media_a".into(), 0.3);
        s.mmm.budget_pct.insert("media_a".into(), -20);
        let link = encode(&s);
        assert_eq!(
            link,
            "v=1&m=0123456789ab&p=m&d=data%2Fbench%2F&as=gp&ar=safe_self&ak=gpay_payment\
             &ah=0.75&ae=e&au=position&ml=media_a:0.3&mw=media_a:-20"
        );
        assert_eq!(decode(&format!("#{link}")), (s, vec![]));
    }

    #[test]
    fn bad_values_are_reported_and_reset() {
        let (s, issues) = decode("v=1&al=abc&ah=-3&p=a&zz=9");
        assert_eq!(s, State::default());
        assert_eq!(issues.len(), 2);
        let (s, issues) = decode("v=1&p=f&fm=r");
        assert_eq!(
            s.funnel.modes,
            FunnelModes::default(),
            "allow_reentry alone"
        );
        assert_eq!(issues.len(), 1);
        let (s, issues) = decode("v=9&p=m");
        assert_eq!(s, State::default());
        assert_eq!(issues, vec![UrlIssue::Version("9".into())]);
    }

    fn name() -> impl Strategy<Value = String> {
        "[a-z_.:,&=% é]{1,12}"
    }

    fn state() -> impl Strategy<Value = State> {
        let attr = (
            prop::bool::ANY,
            prop::option::of(name()),
            prop::collection::vec(name(), 0..3),
            1u32..400,
            (1e-3f64..1e3),
            prop::bool::ANY,
            0usize..5,
            prop::bool::ANY,
            prop::bool::ANY,
        )
            .prop_map(
                |(gp, role, kinds, lookback, days, ef, rule, compare, exact)| AttrState {
                    sector: if gp {
                        SectorChoice::Gp
                    } else {
                        SectorChoice::Ga
                    },
                    role,
                    kinds,
                    lookback_days: lookback,
                    kernel_days: days,
                    kernel: if ef {
                        KernelKind::EFolding
                    } else {
                        KernelKind::HalfLife
                    },
                    rule: Rule::ALL[rule],
                    compare,
                    lag: if exact {
                        LagMode::Exact
                    } else {
                        LagMode::Calendar
                    },
                },
            );
        let funnel = (
            prop::collection::vec(name(), 1..6),
            0u64..10_000_000,
            prop::array::uniform5(prop::bool::ANY),
            prop::option::of((-1000i32..30_000, -1000i32..30_000)),
        )
            .prop_map(|(steps, window_s, m, range)| FunnelState {
                steps,
                window_s,
                modes: FunnelModes {
                    strict_order: m[0],
                    strict_deduplication: m[1],
                    strict_increase: m[2],
                    strict_once: m[3],
                    allow_reentry: m[4] && m[0],
                },
                grouping: range.map_or(FunnelGrouping::PerDay, |(from, to)| {
                    FunnelGrouping::Range { from, to }
                }),
            });
        let mmm = (
            prop::option::of(name()),
            prop::option::of(name()),
            prop::collection::btree_map(name(), 0.0f64..0.999, 0..4),
            0.0f64..100.0,
            1u32..60,
            prop::collection::btree_map(name(), -100i32..200, 0..4),
        )
            .prop_map(|(series, kpi, lambdas, alpha, horizon_weeks, budget_pct)| {
                MmmState {
                    series: series.unwrap_or_default(),
                    kpi: kpi.unwrap_or_default(),
                    band_media: String::new(),
                    lambdas,
                    alpha,
                    horizon_weeks,
                    budget_pct,
                }
            });
        (
            0usize..3,
            prop::option::of("[0-9a-f]{12}"),
            prop::option::of(name()),
            attr,
            funnel,
            mmm,
        )
            .prop_map(|(page, manifest, data, attr, funnel, mmm)| State {
                page: Page::ALL[page],
                manifest,
                data,
                attr,
                funnel,
                mmm,
            })
    }

    proptest! {
        #[test]
        fn every_state_survives_the_url(s in state()) {
            let link = encode(&s);
            prop_assert!(!link.contains('#') && !link.contains(' '));
            let (back, issues) = decode(&link);
            prop_assert_eq!(issues, vec![]);
            prop_assert_eq!(back, s);
        }
    }
}
