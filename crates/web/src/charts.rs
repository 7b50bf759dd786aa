//! The charts: plain functions from a view model to a drawing, generic over plotters'
//! [`DrawingBackend`].
//!
//! In the browser they draw on a `<canvas>` (plotters-canvas); in the native tests they draw to an
//! SVG string that is snapshot-tested, so a change to a chart shows up as a reviewable diff. They
//! hold no state and read no clock; fonts are the backend's (the canvas measures text, the native
//! tests use plotters' fixed-width estimate).
//!
//! Every chart has a title, labelled axes with units, and a legend when it has several series.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::format;

/// A drawing error, as text (the page shows it in place of the chart).
pub type DrawResult = Result<(), String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("cannot draw the chart: {e:?}")
}

/// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(120, 120, 120),
];

const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(33, 37, 41);
const MARK: RGBColor = RGBColor(200, 30, 30);

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Horizontal grouped bars: one row per category, one bar per series.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub title: String,
    /// The value axis label, with its unit.
    pub value_label: String,
    /// Top to bottom.
    pub categories: Vec<String>,
    /// `(name, one value per category)`.
    pub series: Vec<(String, Vec<f64>)>,
    /// Text after each category's bars (e.g. `412 of 2 000 conversions`); may be empty.
    pub notes: Vec<String>,
}

/// Draws [`Bars`].
pub fn bars<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, b: &Bars) -> DrawResult {
    area.fill(&WHITE).map_err(err)?;
    let n = b.categories.len().max(1);
    let k = b.series.len().max(1);
    let values = b.series.iter().flat_map(|s| s.1.iter().copied());
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let span = (hi - lo).max(1e-9);
    let (lo, hi) = (
        if lo < 0.0 { lo - 0.05 * span } else { 0.0 },
        // Room on the right for the notes, or for the legend of grouped bars.
        hi + if b.notes.is_empty() && b.series.len() < 2 {
            0.08
        } else {
            0.45
        } * span,
    );
    let label_px = b
        .categories
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(4) as u32
        * 7
        + 12;
    let cats = &b.categories;
    let pos = |i: usize| (n - 1 - i) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(&b.title, (FONT, 16).into_font().color(&INK))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(label_px.min(240))
        .build_cartesian_2d(lo..hi, 0.0..n as f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .light_line_style(WHITE)
        .x_desc(&b.value_label)
        .x_label_formatter(&|x| format::number(*x))
        .label_style((FONT, 12))
        .axis_desc_style((FONT, 13))
        .draw()
        .map_err(err)?;
    // Category labels, drawn beside the axis (plotters' float axes place ticks themselves).
    for (i, c) in cats.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(lo, pos(i) + 0.5));
        area.draw(&Text::new(
            c.clone(),
            (px - 6, py),
            (FONT, 12)
                .into_font()
                .color(&INK)
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err)?;
    }
    let h = 0.8 / k as f64;
    for (si, (name, vals)) in b.series.iter().enumerate() {
        let c = color(si);
        let s = chart
            .draw_series(vals.iter().enumerate().map(move |(i, v)| {
                let y0 = pos(i) + 0.1 + (k - 1 - si) as f64 * h;
                Rectangle::new([(0.0, y0), (*v, y0 + h)], c.filled())
            }))
            .map_err(err)?;
        if b.series.len() > 1 {
            s.label(name.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
        }
    }
    if !b.notes.is_empty() {
        let ends: Vec<f64> = (0..n)
            .map(|i| {
                b.series
                    .iter()
                    .filter_map(|s| s.1.get(i).copied())
                    .fold(0.0f64, f64::max)
            })
            .collect();
        chart
            .draw_series(b.notes.iter().enumerate().map(|(i, t)| {
                Text::new(
                    t.clone(),
                    (ends[i] + 0.01 * span, pos(i) + 0.5),
                    (FONT, 12)
                        .into_font()
                        .color(&INK)
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                )
            }))
            .map_err(err)?;
    }
    if b.series.len() > 1 {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(INK)
            .label_font((FONT, 12))
            .draw()
            .map_err(err)?;
    }
    area.present().map_err(err)
}

/// A grid of coloured cells with text, marks and a highlighted cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Column labels, left to right.
    pub x_ticks: Vec<String>,
    /// Row labels, top to bottom.
    pub y_ticks: Vec<String>,
    /// `values[row][col]`; `None` is drawn grey (no value).
    pub values: Vec<Vec<Option<f64>>>,
    /// The colour scale's domain.
    pub range: (f64, f64),
    /// A diverging scale (red below the middle, blue above) instead of a sequential one.
    pub diverging: bool,
    /// Text inside each cell.
    pub text: Vec<Vec<String>>,
    /// Cells drawn with a red frame (rank flips, |r| > 0.9).
    pub marked: Vec<Vec<bool>>,
    /// A cell drawn with a thick dark frame (the current parameters).
    pub highlight: Option<(usize, usize)>,
    /// What the colour means, with its unit.
    pub legend: String,
}

fn scale(h: &Heatmap, v: f64) -> RGBColor {
    let (lo, hi) = h.range;
    let t = ((v - lo) / (hi - lo).max(1e-12)).clamp(0.0, 1.0);
    let mix = |a: (f64, f64, f64), b: (f64, f64, f64), t: f64| {
        RGBColor(
            (a.0 + (b.0 - a.0) * t) as u8,
            (a.1 + (b.1 - a.1) * t) as u8,
            (a.2 + (b.2 - a.2) * t) as u8,
        )
    };
    let white = (250.0, 250.0, 250.0);
    if h.diverging {
        if t < 0.5 {
            mix((202.0, 0.0, 32.0), white, t * 2.0)
        } else {
            mix(white, (5.0, 113.0, 176.0), (t - 0.5) * 2.0)
        }
    } else {
        mix((247.0, 251.0, 255.0), (8.0, 81.0, 156.0), t)
    }
}

/// Draws a [`Heatmap`], with a colour ramp on the right.
pub fn heatmap<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, h: &Heatmap) -> DrawResult {
    area.fill(&WHITE).map_err(err)?;
    let (w, _) = area.dim_in_pixel();
    let (main, side) = area.split_horizontally(w.saturating_sub(90));
    let nx = h.x_ticks.len().max(1);
    let ny = h.y_ticks.len().max(1);
    let label_px = h
        .y_ticks
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(4) as u32
        * 7
        + 16;
    let mut chart = ChartBuilder::on(&main)
        .caption(&h.title, (FONT, 16).into_font().color(&INK))
        .margin(10)
        .x_label_area_size(48)
        .y_label_area_size(label_px.min(240) + 20)
        .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .x_desc(&h.x_label)
        .y_desc(&h.y_label)
        .axis_desc_style((FONT, 13))
        .draw()
        .map_err(err)?;
    let top = |r: usize| (ny - 1 - r) as f64;
    let tick = (FONT, 11).into_font().color(&INK);
    for (i, t) in h.x_ticks.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        main.draw(&Text::new(
            t.clone(),
            (px, py + 6),
            tick.pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(err)?;
    }
    for (i, t) in h.y_ticks.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(0.0, top(i) + 0.5));
        main.draw(&Text::new(
            t.clone(),
            (px - 6, py),
            tick.pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err)?;
    }
    let mut cells = Vec::new();
    let mut frames = Vec::new();
    let mut texts = Vec::new();
    for (r, row) in h.values.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (x0, y0) = (c as f64, top(r));
            let fill = v.map_or(RGBColor(220, 220, 220), |v| scale(h, v));
            cells.push(Rectangle::new(
                [(x0, y0), (x0 + 1.0, y0 + 1.0)],
                fill.filled(),
            ));
            if h.marked
                .get(r)
                .and_then(|m| m.get(c))
                .copied()
                .unwrap_or(false)
            {
                frames.push(Rectangle::new(
                    [(x0 + 0.06, y0 + 0.06), (x0 + 0.94, y0 + 0.94)],
                    MARK.stroke_width(3),
                ));
            }
            if let Some(t) = h.text.get(r).and_then(|t| t.get(c)) {
                let dark = v.is_some_and(|v| {
                    let t = (v - h.range.0) / (h.range.1 - h.range.0).max(1e-12);
                    if h.diverging {
                        (t - 0.5).abs() > 0.3
                    } else {
                        t > 0.6
                    }
                });
                texts.push(Text::new(
                    t.clone(),
                    (x0 + 0.5, y0 + 0.5),
                    (FONT, 11)
                        .into_font()
                        .color(if dark { &WHITE } else { &INK })
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ));
            }
        }
    }
    chart.draw_series(cells).map_err(err)?;
    chart.draw_series(frames).map_err(err)?;
    if let Some((r, c)) = h.highlight {
        let (x0, y0) = (c as f64, top(r));
        chart
            .draw_series([Rectangle::new(
                [(x0 + 0.02, y0 + 0.02), (x0 + 0.98, y0 + 0.98)],
                INK.stroke_width(3),
            )])
            .map_err(err)?;
    }
    chart.draw_series(texts).map_err(err)?;
    // The colour ramp.
    let (_, sh) = side.dim_in_pixel();
    let steps = 20;
    let (y_top, y_bot) = (40i32, sh as i32 - 60);
    let step_px = (y_bot - y_top) / steps;
    for i in 0..steps {
        let v = h.range.1 - (h.range.1 - h.range.0) * f64::from(i) / f64::from(steps - 1);
        side.draw(&Rectangle::new(
            [(10, y_top + i * step_px), (30, y_top + (i + 1) * step_px)],
            scale(h, v).filled(),
        ))
        .map_err(err)?;
    }
    let style = (FONT, 11).into_font().color(&INK);
    side.draw(&Text::new(
        format::number(h.range.1),
        (34, y_top),
        style.clone(),
    ))
    .map_err(err)?;
    side.draw(&Text::new(
        format::number(h.range.0),
        (34, y_top + steps * step_px - 10),
        style.clone(),
    ))
    .map_err(err)?;
    side.draw(&Text::new(h.legend.clone(), (4, y_top - 24), style))
        .map_err(err)?;
    area.present().map_err(err)
}

/// One line of a [`Lines`] chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    /// One value per x; `None` breaks the line.
    pub values: Vec<Option<f64>>,
    pub dashed: bool,
}

/// A horizontal band (e.g. a baseline's 5–95 % range) with a centre line.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub lo: f64,
    pub mid: f64,
    pub hi: f64,
    pub label: String,
}

/// Lines over weeks or days, with optional shaded x positions and vertical markers.
#[derive(Debug, Clone, PartialEq)]
pub struct Lines {
    pub title: String,
    pub y_label: String,
    /// Day numbers (days since 1970-01-01), increasing.
    pub x: Vec<i32>,
    pub lines: Vec<Line>,
    pub band: Option<Band>,
    /// x positions shaded in a light colour (low-spend weeks), with the legend text.
    pub shaded: Vec<bool>,
    pub shaded_label: String,
    /// Weeks shaded in a second colour (holidays).
    pub holidays: Vec<i32>,
    /// Vertical dashed markers `(x, label)` (hard forks).
    pub markers: Vec<(i32, String)>,
}

/// Draws [`Lines`].
pub fn lines<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, l: &Lines) -> DrawResult {
    area.fill(&WHITE).map_err(err)?;
    let x0 = f64::from(l.x.first().copied().unwrap_or(0));
    let x1 = f64::from(l.x.last().copied().unwrap_or(1)).max(x0 + 1.0);
    let mut ys: Vec<f64> = l
        .lines
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .filter(|v| v.is_finite())
        .collect();
    if let Some(b) = &l.band {
        ys.extend([b.lo, b.hi]);
    }
    let (mut lo, mut hi) = ys
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.01).max(1e-9);
    let (lo, hi) = (
        if lo >= 0.0 {
            (lo - pad).max(0.0)
        } else {
            lo - pad
        },
        hi + pad,
    );
    let mut chart = ChartBuilder::on(area)
        .caption(&l.title, (FONT, 16).into_font().color(&INK))
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(x0 - 3.5..x1 + 3.5, lo..hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(240, 240, 240))
        .x_labels(6)
        .x_label_formatter(&|x| mensura_engine::date::format_date(x.round() as i32))
        .y_label_formatter(&|y| format::number(*y))
        .y_desc(&l.y_label)
        .x_desc("week (UTC)")
        .label_style((FONT, 11))
        .axis_desc_style((FONT, 13))
        .draw()
        .map_err(err)?;
    let shade = RGBColor(255, 221, 150);
    if l.shaded.iter().any(|s| *s) {
        chart
            .draw_series(
                l.x.iter()
                    .zip(&l.shaded)
                    .filter(|(_, s)| **s)
                    .map(|(x, _)| {
                        let x = f64::from(*x);
                        Rectangle::new([(x - 3.5, lo), (x + 3.5, hi)], shade.mix(0.6).filled())
                    }),
            )
            .map_err(err)?
            .label(l.shaded_label.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], shade.filled()));
    }
    let holiday = RGBColor(200, 200, 230);
    if !l.holidays.is_empty() {
        chart
            .draw_series(l.holidays.iter().map(|x| {
                let x = f64::from(*x);
                Rectangle::new([(x - 3.5, lo), (x + 3.5, hi)], holiday.mix(0.6).filled())
            }))
            .map_err(err)?
            .label("holiday week")
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], holiday.filled()));
    }
    if let Some(b) = &l.band {
        let band = RGBColor(0, 158, 115);
        chart
            .draw_series([Rectangle::new(
                [(x0 - 3.5, b.lo), (x1 + 3.5, b.hi)],
                band.mix(0.15).filled(),
            )])
            .map_err(err)?
            .label(b.label.as_str())
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 12, y + 5)], band.mix(0.4).filled())
            });
        chart
            .draw_series(LineSeries::new(
                [(x0 - 3.5, b.mid), (x1 + 3.5, b.mid)],
                band.stroke_width(2),
            ))
            .map_err(err)?;
    }
    for (x, label) in &l.markers {
        let x = f64::from(*x);
        chart
            .draw_series(DashedLineSeries::new(
                [(x, lo), (x, hi)],
                6,
                4,
                MARK.stroke_width(1),
            ))
            .map_err(err)?;
        chart
            .draw_series([Text::new(
                label.clone(),
                (x, hi),
                (FONT, 11).into_font().color(&MARK),
            )])
            .map_err(err)?;
    }
    for (i, line) in l.lines.iter().enumerate() {
        let c = color(i);
        let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (x, v) in l.x.iter().zip(&line.values) {
            match v.filter(|v| v.is_finite()) {
                Some(v) => segments
                    .last_mut()
                    .map(|s| s.push((f64::from(*x), v)))
                    .unwrap_or(()),
                None if segments.last().is_some_and(|s| !s.is_empty()) => segments.push(Vec::new()),
                None => {}
            }
        }
        let style = c.stroke_width(2);
        let mut first = true;
        for seg in segments.into_iter().filter(|s| !s.is_empty()) {
            let drawn = if line.dashed {
                chart
                    .draw_series(DashedLineSeries::new(seg, 5, 4, style))
                    .map_err(err)?
            } else {
                chart
                    .draw_series(LineSeries::new(seg, style))
                    .map_err(err)?
            };
            if first {
                drawn.label(line.name.as_str()).legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 14, y)], c.stroke_width(2))
                });
                first = false;
            }
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(INK)
        .label_font((FONT, 11))
        .draw()
        .map_err(err)?;
    area.present().map_err(err)
}

/// A response curve with the current and the what-if point.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub points: Vec<(f64, f64)>,
    pub current: (f64, f64),
    pub what_if: (f64, f64),
}

/// Draws a [`Curve`].
pub fn curve<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &Curve) -> DrawResult {
    area.fill(&WHITE).map_err(err)?;
    let xs = c
        .points
        .iter()
        .map(|p| p.0)
        .chain([c.current.0, c.what_if.0]);
    let ys = c
        .points
        .iter()
        .map(|p| p.1)
        .chain([c.current.1, c.what_if.1, 0.0]);
    let (x_lo, x_hi) = xs.fold((0.0f64, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let (y_lo, y_hi) = ys.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let x_hi = if x_hi > x_lo { x_hi } else { x_lo + 1.0 };
    let pad = ((y_hi - y_lo) * 0.1).max(1e-9);
    let mut chart = ChartBuilder::on(area)
        .caption(&c.title, (FONT, 14).into_font().color(&INK))
        .margin(8)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(x_lo..x_hi * 1.02, (y_lo - pad)..(y_hi + pad))
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(240, 240, 240))
        .x_labels(5)
        .y_labels(5)
        .x_label_formatter(&|x| format::number(*x))
        .y_label_formatter(&|y| format::number(*y))
        .x_desc(&c.x_label)
        .y_desc(&c.y_label)
        .label_style((FONT, 10))
        .axis_desc_style((FONT, 12))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            c.points.iter().copied(),
            color(0).stroke_width(2),
        ))
        .map_err(err)?
        .label("predicted change")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 14, y)], color(0).stroke_width(2)));
    chart
        .draw_series([Circle::new(c.current, 5, INK.filled())])
        .map_err(err)?
        .label("current spend")
        .legend(|(x, y)| Circle::new((x + 6, y), 4, INK.filled()));
    chart
        .draw_series([Circle::new(c.what_if, 6, color(5).filled())])
        .map_err(err)?
        .label("what-if")
        .legend(|(x, y)| Circle::new((x + 6, y), 4, color(5).filled()));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(INK)
        .label_font((FONT, 10))
        .draw()
        .map_err(err)?;
    area.present().map_err(err)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn svg(
        w: u32,
        h: u32,
        draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult,
    ) -> String {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
            draw(&root).expect("draw");
        }
        out
    }

    #[test]
    fn credit_bars() {
        let b = Bars {
            title: "Credit per event kind (time decay)".into(),
            value_label: "credit (conversions)".into(),
            categories: vec![
                "mp.pageview".into(),
                "chain.swap_signed".into(),
                "gp.deposit".into(),
            ],
            series: vec![("time decay".into(), vec![412.5, 120.25, 3.0])],
            notes: vec![
                "1 204 of 2 000".into(),
                "300 of 2 000".into(),
                "9 of 2 000".into(),
            ],
        };
        insta::assert_snapshot!(svg(640, 260, |a| bars(a, &b)));
    }

    #[test]
    fn grouped_bars_have_a_legend() {
        let b = Bars {
            title: "All rules".into(),
            value_label: "credit (conversions)".into(),
            categories: vec!["a".into(), "b".into()],
            series: vec![
                ("first".into(), vec![3.0, 1.0]),
                ("last".into(), vec![1.5, 2.5]),
            ],
            notes: vec![],
        };
        insta::assert_snapshot!(svg(480, 220, |a| bars(a, &b)));
    }

    #[test]
    fn sensitivity_heatmap() {
        let h = Heatmap {
            title: "Sensitivity".into(),
            x_label: "half-life (days)".into(),
            y_label: "lookback (days)".into(),
            x_ticks: vec!["1".into(), "7".into(), "30".into()],
            y_ticks: vec!["7".into(), "30".into()],
            values: vec![
                vec![Some(0.2), Some(0.5), None],
                vec![Some(0.9), Some(0.4), Some(0.1)],
            ],
            range: (0.0, 1.0),
            diverging: false,
            text: vec![
                vec!["a".into(), "b".into(), "".into()],
                vec!["a".into(), "a".into(), "c".into()],
            ],
            marked: vec![vec![false, true, false], vec![false, false, true]],
            highlight: Some((1, 1)),
            legend: "leader share".into(),
        };
        insta::assert_snapshot!(svg(560, 300, |a| heatmap(a, &h)));
    }

    #[test]
    fn weekly_lines_with_band_and_markers() {
        let x: Vec<i32> = (0..10).map(|i| 19_000 + 7 * i).collect();
        let l = Lines {
            title: "KPI and its baseline".into(),
            y_label: "usd".into(),
            lines: vec![
                Line {
                    name: "kpi".into(),
                    values: (0..10)
                        .map(|i| (i != 4).then(|| f64::from(i * i)))
                        .collect(),
                    dashed: false,
                },
                Line {
                    name: "fit".into(),
                    values: (0..10).map(|i| Some(f64::from(i * 9))).collect(),
                    dashed: true,
                },
            ],
            band: Some(Band {
                lo: 2.0,
                mid: 5.0,
                hi: 9.0,
                label: "baseline (5–95 %)".into(),
            }),
            shaded: (0..10).map(|i| i < 3).collect(),
            shaded_label: "low-spend week".into(),
            holidays: vec![x[6]],
            markers: vec![(x[8], "fork".into())],
            x,
        };
        insta::assert_snapshot!(svg(640, 300, |a| lines(a, &l)));
    }

    #[test]
    fn response_curve() {
        let c = Curve {
            title: "media_a".into(),
            x_label: "spend over 13 weeks".into(),
            y_label: "KPI change".into(),
            points: (0..=10)
                .map(|i| (f64::from(i) * 10.0, (f64::from(i) * 10.0).sqrt() - 5.0))
                .collect(),
            current: (50.0, 0.0),
            what_if: (70.0, 1.2),
        };
        insta::assert_snapshot!(svg(360, 240, |a| curve(a, &c)));
    }
}
