//! What every SVG figure is drawn with (the lines' in `plot` and `views`, the net's in
//! `net_plot`): the canvas, a chart with round ticks at both ends of each axis, the data's dots,
//! the legend (a framed box below the plot, never over a series), and the range and error helpers.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::data::Dataset;
use crate::format::thousands;

/// Figure size in SVG pixels.
pub(crate) const SIZE: (u32, u32) = (720, 450);

/// The canvas a figure is drawn on.
pub(crate) type Area<'s> = DrawingArea<SVGBackend<'s>, Shift>;
/// An f64 axis whose tick labels sit at given values (`ticks`: both ends of the axis among them),
/// with no light grid lines between them.
#[derive(Clone)]
pub(crate) struct Axis {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Axis {
    /// An axis over [ticks' first, ticks' last] labelled at `ticks` (at least two, increasing).
    pub(crate) fn at(ticks: Vec<f64>) -> Axis {
        let (a, b) = (ticks[0], ticks[ticks.len() - 1]);
        Axis { inner: (a..b).into(), ticks }
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;
    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }
    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() { Vec::new() } else { self.ticks.clone() }
    }
}
/// A chart with both axes in f64.
pub(crate) type Chart<'a, 's> = ChartContext<'a, SVGBackend<'s>, Cartesian2d<Axis, Axis>>;

/// Draws one figure on a white canvas of `SIZE` and returns its SVG text.
pub(crate) fn svg(draw: impl FnOnce(&Area<'_>) -> anyhow::Result<()>) -> anyhow::Result<String> {
    svg_sized(SIZE, draw)
}

/// Draws one figure on a white canvas of `size` and returns its SVG text.
pub(crate) fn svg_sized(
    size: (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Tick values for an axis over [lo, hi]: whole multiples of a round step (1, 2 or 5 × 10ⁿ,
/// five to ten of them), the first at or below `lo` and the last at or above `hi`, so the axis
/// they span holds every value in [lo, hi] and both its ends are labelled.
pub(crate) fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() && hi > lo { (lo, hi) } else { (0.0, 1.0) };
    let raw = (hi - lo) / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    // A hair of slack, so a range already on round ticks keeps them (0.25 / 5 is 0.05000000000000001).
    let step =
        [1.0, 2.0, 5.0].iter().map(|m| m * magnitude).find(|s| *s >= raw * (1.0 - 1e-9)).unwrap_or(10.0 * magnitude);
    // i·step, not a running sum, so a tick is 0.3 and not 0.30000000000000004.
    let (first, last) = ((lo / step + 1e-9).floor() as i64, (hi / step - 1e-9).ceil() as i64);
    (first..=last).map(|i| i as f64 * step).collect()
}

/// A tick's label: the value to 9 decimals at most, trailing zeros dropped (ticks are round).
pub(crate) fn tick_label(v: &f64) -> String {
    let r = (v * 1e9).round() / 1e9;
    if r == 0.0 { "0".to_string() } else { format!("{r}") }
}

/// [lo, hi] widened to its round ticks' ends: the range an axis over [lo, hi] shows.
pub(crate) fn widened(lo: f64, hi: f64) -> (f64, f64) {
    let t = ticks(lo, hi);
    (t[0], t[t.len() - 1])
}

/// An axis over [lo, hi] widened to its round ticks' ends.
pub(crate) fn axis(lo: f64, hi: f64) -> Axis {
    Axis::at(ticks(lo, hi))
}

/// A chart over `x` × `y` (each widened to its round ticks) with the figures' margins, a caption
/// of font size `size` (less for a long one) and the axes' names.
pub(crate) fn chart<'a, 's>(
    root: &'a Area<'s>,
    title: &str,
    size: u32,
    (x, y): (Range<f64>, Range<f64>),
    names: (&str, &str),
) -> anyhow::Result<Chart<'a, 's>> {
    chart_on(root, title, size, (axis(x.start, x.end), axis(y.start, y.end)), names)
}

/// `chart` on axes of one's own ticks.
pub(crate) fn chart_on<'a, 's>(
    root: &'a Area<'s>,
    title: &str,
    size: u32,
    (x, y): (Axis, Axis),
    (x_name, y_name): (&str, &str),
) -> anyhow::Result<Chart<'a, 's>> {
    let width = root.dim_in_pixel().0;
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", caption_size_in(title, size, width)))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(x, y)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_name)
        .y_desc(y_name)
        .x_label_formatter(&tick_label)
        .y_label_formatter(&tick_label)
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// Points up to which every point is drawn (the committed figures' N = 100 among them).
pub(crate) const DRAW_ALL_UP_TO: usize = 10_000;
/// Dots drawn at most (≈ 90 bytes of SVG each) when there are more points than `DRAW_ALL_UP_TO`.
pub(crate) const MAX_DOTS: usize = 20_000;

/// The longest label `draw_points` can give `n` points, for the room the legend takes.
pub(crate) fn points_key_estimate(n: usize, color: RGBColor) -> Key {
    if n <= DRAW_ALL_UP_TO {
        return Key::dot("data", color);
    }
    Key::dot(format!("data: {0} of {0} points drawn, one per 64×64 pixels", thousands(n as u64)), color)
}

/// The data as small dots; returns their legend entry ("data"). Above `DRAW_ALL_UP_TO` points the
/// dots are thinned to what the figure can show (see `thin`), and the label says how many were drawn.
pub(crate) fn draw_points(chart: &mut Chart<'_, '_>, data: &Dataset, color: RGBColor) -> anyhow::Result<Key> {
    let points = data.x.iter().copied().zip(data.y.iter().copied());
    let (dots, label) = if data.n() <= DRAW_ALL_UP_TO {
        (points.collect(), "data".to_string())
    } else {
        let (dots, cell) = thin(points, |p| chart.backend_coord(p));
        let per = if cell == 1 { "pixel".to_string() } else { format!("{cell}×{cell} pixels") };
        let label = format!(
            "data: {} of {} points drawn, one per {per}",
            thousands(dots.len() as u64),
            thousands(data.n() as u64)
        );
        (dots, label)
    };
    chart.draw_series(dots.into_iter().map(|p| Circle::new(p, 2, color.filled()))).map_err(err)?;
    Ok(Key::dot(label, color))
}

/// The first point in each square of `cell` × `cell` pixels (by `pixel`, the figure's mapping),
/// with the smallest `cell` that keeps at most `MAX_DOTS`. With `cell` 1 the figure is the one
/// every point would draw: points on one pixel draw one dot. Returns the points kept and `cell`.
pub(crate) fn thin(
    points: impl Iterator<Item = (f64, f64)> + Clone,
    pixel: impl Fn(&(f64, f64)) -> (i32, i32),
) -> (Vec<(f64, f64)>, i32) {
    let mut cell = 1;
    loop {
        let mut seen = std::collections::HashSet::new();
        let mut kept = Vec::new();
        for p in points.clone() {
            let (px, py) = pixel(&p);
            if seen.insert((px.div_euclid(cell), py.div_euclid(cell))) {
                kept.push(p);
                if kept.len() > MAX_DOTS {
                    break;
                }
            }
        }
        // A figure of SIZE has at most 720 × 450 pixels: cell 23 leaves fewer than MAX_DOTS squares.
        if kept.len() <= MAX_DOTS || cell >= 64 {
            kept.truncate(MAX_DOTS);
            return (kept, cell);
        }
        cell += 1;
    }
}

/// What a legend entry's sample looks like.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    /// A level line 20 pixels long.
    Line(RGBColor),
    /// A filled box (bars, shades) of this opacity.
    Bar(RGBColor, f64),
    /// A dot (points).
    Dot(RGBColor),
}

/// One legend entry.
#[derive(Debug, Clone)]
pub(crate) struct Key {
    pub label: String,
    pub swatch: Swatch,
}

impl Key {
    pub(crate) fn line(label: impl Into<String>, c: RGBColor) -> Key {
        Key { label: label.into(), swatch: Swatch::Line(c) }
    }
    pub(crate) fn bar(label: impl Into<String>, c: RGBColor, opacity: f64) -> Key {
        Key { label: label.into(), swatch: Swatch::Bar(c, opacity) }
    }
    pub(crate) fn dot(label: impl Into<String>, c: RGBColor) -> Key {
        Key { label: label.into(), swatch: Swatch::Dot(c) }
    }
}

/// The legend's font size, its rows' height and an entry's width beyond its text.
const KEY_FONT: f64 = 13.0;
const KEY_ROW: i32 = 18;
const KEY_EXTRA: f64 = 44.0;

/// An entry's width: its sample, its text (a sans-serif character taken as 0.55 of the font
/// size wide, generously) and a gap.
fn key_width(k: &Key) -> f64 {
    KEY_EXTRA + 0.55 * KEY_FONT * k.label.chars().count() as f64
}

/// The entries in rows, each as wide as the figure allows.
fn key_rows(keys: &[Key], width: u32) -> Vec<Vec<&Key>> {
    let room = f64::from(width) - 24.0;
    let mut rows: Vec<Vec<&Key>> = Vec::new();
    let mut used = f64::INFINITY;
    for k in keys {
        let w = key_width(k);
        if used + w > room {
            rows.push(Vec::new());
            used = 0.0;
        }
        used += w;
        if let Some(row) = rows.last_mut() {
            row.push(k);
        }
    }
    rows
}

/// The legend's box height for `keys` laid out in a figure `width` wide.
fn legend_height(keys: &[Key], width: u32) -> i32 {
    key_rows(keys, width).len() as i32 * KEY_ROW + 8
}

/// Splits the figure into the plot's area and, below it, the legend's: the legend is outside
/// the plot, so it never covers a series. `keys` are the entries (or ones at least as long, when
/// a label is known only once drawn). No legend area for fewer than two entries: the axes and
/// the title name a single series.
pub(crate) fn split_legend<'s>(root: &Area<'s>, keys: &[Key]) -> (Area<'s>, Option<Area<'s>>) {
    if keys.len() < 2 {
        return (root.clone(), None);
    }
    let (w, h) = root.dim_in_pixel();
    let (top, bottom) = root.split_vertically(h as i32 - legend_height(keys, w) - 8);
    (top, Some(bottom))
}

/// Draws `keys` in a framed white box at the top of `area` (from `split_legend`), centred.
pub(crate) fn draw_legend(area: Option<&Area<'_>>, keys: &[Key]) -> anyhow::Result<()> {
    let Some(area) = area.filter(|_| keys.len() >= 2) else { return Ok(()) };
    let w = area.dim_in_pixel().0;
    let rows = key_rows(keys, w);
    let height = legend_height(keys, w);
    let widest = rows.iter().map(|r| r.iter().map(|k| key_width(k)).sum::<f64>()).fold(0.0, f64::max);
    let x0 = ((f64::from(w) - widest) / 2.0).max(4.0) as i32;
    let x1 = (x0 + widest as i32).min(w as i32 - 4);
    area.draw(&Rectangle::new([(x0, 0), (x1, height)], WHITE.filled())).map_err(err)?;
    area.draw(&Rectangle::new([(x0, 0), (x1, height)], BLACK.stroke_width(1))).map_err(err)?;
    for (r, row) in rows.iter().enumerate() {
        let y = 4 + r as i32 * KEY_ROW + KEY_ROW / 2;
        let mut x = f64::from(x0) + 8.0;
        for k in row {
            draw_swatch(area, k.swatch, (x as i32, y))?;
            let style = ("sans-serif", KEY_FONT).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(k.label.clone(), (x as i32 + 26, y), style)).map_err(err)?;
            x += key_width(k);
        }
    }
    Ok(())
}

fn draw_swatch(area: &Area<'_>, swatch: Swatch, (x, y): (i32, i32)) -> anyhow::Result<()> {
    match swatch {
        Swatch::Line(c) => area.draw(&PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))),
        Swatch::Bar(c, o) => area.draw(&Rectangle::new([(x, y - 5), (x + 20, y + 5)], c.mix(o).filled())),
        Swatch::Dot(c) => area.draw(&Circle::new((x + 10, y), 3, c.filled())),
    }
    .map_err(err)
}

/// A caption's font size: `size`, or less when a long title (one with a run's stop words)
/// would run past the figure's edges; a sans-serif character is taken as 0.45 of the size wide.
pub(crate) fn caption_size(title: &str, size: u32) -> u32 {
    caption_size_in(title, size, SIZE.0)
}

/// `caption_size` in an area `width` pixels wide.
pub(crate) fn caption_size_in(title: &str, size: u32, width: u32) -> u32 {
    let room = f64::from(width.saturating_sub(24));
    let fits = room / (0.45 * title.chars().count().max(1) as f64);
    (fits.floor() as u32).clamp(8, size)
}

pub(crate) fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("drawing the figure failed: {e}")
}

/// [lo, hi] of `v` with 5 % padding either side (never empty).
pub(crate) fn padded(v: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) =
        v.filter(|x| x.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let p = ((hi - lo) * 0.05).max(1e-9 * lo.abs().max(1.0));
    (lo - p, hi + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pixels as the points' whole parts.
    fn floor(p: &(f64, f64)) -> (i32, i32) {
        (p.0.floor() as i32, p.1.floor() as i32)
    }

    #[test]
    fn ticks_are_round_and_reach_past_both_ends() {
        let labels = |lo, hi| ticks(lo, hi).iter().map(tick_label).collect::<Vec<_>>().join(" ");
        assert_eq!(labels(0.93, 1.107), "0.9 0.95 1 1.05 1.1 1.15");
        assert_eq!(labels(0.0, 10.0), "0 2 4 6 8 10");
        assert_eq!(labels(-19.3, 5.0), "-20 -15 -10 -5 0 5");
        // An axis already on round ticks keeps them: widening is idempotent.
        for (lo, hi) in [(0.9325, 1.1075), (9.234, 10.96), (-3.7, 3.7), (1e-7, 3.3e-7)] {
            let (a, b) = widened(lo, hi);
            assert_eq!(widened(a, b), (a, b), "{lo}..{hi}");
            assert_eq!(ticks(a, b), ticks(lo, hi), "{lo}..{hi}");
        }
        for (lo, hi) in [(1e-7, 3.3e-7), (-2.5, 1e4), (9.234, 10.96), (0.0, 344.8)] {
            let t = ticks(lo, hi);
            assert!(t[0] <= lo && t[t.len() - 1] >= hi, "{lo}..{hi}: {t:?}");
            assert!((4..=8).contains(&t.len()), "{lo}..{hi}: {t:?}");
        }
        assert_eq!(tick_label(&(3.0 * 0.1)), "0.3");
        assert_eq!(tick_label(&-0.0), "0");
    }

    #[test]
    fn legend_rows_wrap_to_the_figure() {
        let keys: Vec<Key> = (0..8).map(|i| Key::line(format!("a legend entry of some length {i}"), BLACK)).collect();
        let rows = key_rows(&keys, SIZE.0);
        assert!(rows.len() >= 2 && rows.iter().all(|r| !r.is_empty()));
        for r in &rows {
            assert!(r.iter().map(|k| key_width(k)).sum::<f64>() <= f64::from(SIZE.0) - 24.0);
        }
    }

    #[test]
    fn thinning_keeps_one_point_per_pixel_when_that_is_few_enough() {
        // 100 × 100 pixels, each hit ten times: one dot each, the first point on it.
        let points = (0..100_000).map(|i| (f64::from(i % 100) + 0.1 * f64::from(i / 10_000), f64::from(i / 100 % 100)));
        let (kept, cell) = thin(points, floor);
        assert_eq!((kept.len(), cell), (10_000, 1));
        assert_eq!(kept[0], (0.0, 0.0));
        assert!(kept.iter().all(|p| p.0.fract() == 0.0), "the first point on each pixel");
    }

    #[test]
    fn thinning_coarsens_until_at_most_max_dots_are_left() {
        // 400 × 400 distinct pixels: 160,000 > MAX_DOTS, so squares of 3 × 3 (17,956 of them).
        let points = (0..160_000).map(|i| (f64::from(i % 400), f64::from(i / 400)));
        let (kept, cell) = thin(points, floor);
        assert_eq!(cell, 3);
        assert_eq!(kept.len(), 134 * 134);
        assert!(kept.len() <= MAX_DOTS);
    }
}
