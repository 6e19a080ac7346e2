//! What every SVG figure is drawn with (the lines' in `plot`, the net's in `net_plot`): the
//! canvas, a chart's caption and margins, the data's dots, the legend box, and the range and
//! error helpers.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::data::Dataset;
use crate::format::thousands;

/// Figure size in SVG pixels.
pub(crate) const SIZE: (u32, u32) = (720, 450);

/// The canvas a figure is drawn on.
pub(crate) type Area<'s> = DrawingArea<SVGBackend<'s>, Shift>;
/// A chart with both axes in f64.
pub(crate) type Chart<'a, 's> = ChartContext<'a, SVGBackend<'s>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws one figure on a white canvas of `SIZE` and returns its SVG text.
pub(crate) fn svg(draw: impl FnOnce(&Area<'_>) -> anyhow::Result<()>) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A chart over `x` × `y` with the figures' margins and a caption of font size `size`.
pub(crate) fn chart<'a, 's>(
    root: &'a Area<'s>,
    title: &str,
    size: u32,
    x: Range<f64>,
    y: Range<f64>,
) -> anyhow::Result<Chart<'a, 's>> {
    ChartBuilder::on(root)
        .caption(title, ("sans-serif", size))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(x, y)
        .map_err(err)
}

/// Points up to which every point is drawn (the committed figures' N = 100 among them).
pub(crate) const DRAW_ALL_UP_TO: usize = 10_000;
/// Dots drawn at most (≈ 90 bytes of SVG each) when there are more points than `DRAW_ALL_UP_TO`.
pub(crate) const MAX_DOTS: usize = 20_000;

/// The data as small dots, labelled "data". Above `DRAW_ALL_UP_TO` points the dots are thinned
/// to what the figure can show (see `thin`), and the label says how many were drawn.
pub(crate) fn draw_points(chart: &mut Chart<'_, '_>, data: &Dataset, color: RGBColor) -> anyhow::Result<()> {
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
    chart
        .draw_series(dots.into_iter().map(|p| Circle::new(p, 2, color.filled())))
        .map_err(err)?
        .label(label)
        .legend(move |(x, y)| Circle::new((x + 10, y), 3, color.filled()));
    Ok(())
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

/// The legend: a framed, nearly opaque white box at `position`.
pub(crate) fn draw_legend<'a, 's: 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, SVGBackend<'s>, CT>,
    position: SeriesLabelPosition,
) -> anyhow::Result<()> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(err)
}

/// A caption's font size: `size`, or less when a long title (one with a run's stop words)
/// would run past the figure's edges; a sans-serif character is taken as 0.45 of the size wide.
pub(crate) fn caption_size(title: &str, size: u32) -> u32 {
    let room = f64::from(SIZE.0 - 24);
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

pub(crate) fn legend_line(c: RGBColor) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pixels as the points' whole parts.
    fn floor(p: &(f64, f64)) -> (i32, i32) {
        (p.0.floor() as i32, p.1.floor() as i32)
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
