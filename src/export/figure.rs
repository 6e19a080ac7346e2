//! What every SVG figure is drawn with (the lines' in `plot`, the net's in `net_plot`): the
//! canvas, a chart's caption and margins, the data's dots, the legend box, and the range and
//! error helpers.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::data::Dataset;

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

/// The data as small dots, labelled "data".
pub(crate) fn draw_points(chart: &mut Chart<'_, '_>, data: &Dataset, color: RGBColor) -> anyhow::Result<()> {
    chart
        .draw_series(data.x.iter().zip(data.y.iter()).map(|(&x, &y)| Circle::new((x, y), 2, color.filled())))
        .map_err(err)?
        .label("data")
        .legend(move |(x, y)| Circle::new((x + 10, y), 3, color.filled()));
    Ok(())
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
