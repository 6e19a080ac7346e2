//! The explorer's views as figures: ridge.svg (the loss on a slice through the endpoint), drift.svg
//! (how far the parameters moved, and the sweep over M), compare.svg (every model's endpoints at
//! x* on one axis) and the net's gap.svg. Each is drawn from plain numbers, so `overparam plot`
//! and the explorer's `s` draw the same figure from what they computed.

use ndarray::Array1;
use plotters::prelude::*;

use crate::format::{sig4, thousands};
use crate::model::Model;
use crate::predict::AtPoint;
use crate::ridge::{LOSS_FLOOR, RidgeSlice, SweepRow};
use crate::theory::{self, Normal};

use super::figure::{
    Area, Axis, Chart, Key, chart, draw_legend, err, padded, split_legend, svg, svg_sized, tick_label, widened,
};

pub(crate) const TRUE: RGBColor = RGBColor(0, 150, 60);
pub(crate) const MLE: RGBColor = RGBColor(220, 140, 0);
pub(crate) const RUN: RGBColor = RGBColor(190, 40, 170);
pub(crate) const POSTERIOR: RGBColor = RGBColor(0, 120, 200);
pub(crate) const PREDICTED: RGBColor = RGBColor(210, 40, 40);
pub(crate) const BARS: RGBColor = RGBColor(120, 150, 220);
/// The zero-loss line, the fitted power law.
pub(crate) const RIDGE: RGBColor = RGBColor(0, 150, 60);
pub(crate) const START: RGBColor = RGBColor(60, 60, 60);
/// The heat map runs from white (the lowest loss shown) to this.
const SHADE: RGBColor = RGBColor(30, 50, 130);
/// Decades of loss the heat map's shades span below its top.
pub(crate) const SHADED_DECADES: f64 = 8.0;
/// Cells of the heat map, across × along.
pub(crate) const CELLS: (usize, usize) = (48, 32);

/// "1 dimension", "9,901 dimensions".
pub(crate) fn dimensions(n: usize) -> String {
    format!("{} dimension{}", thousands(n as u64), if n == 1 { "" } else { "s" })
}

/// One run as the ridge and drift figures show it.
pub struct RunShown<'a> {
    pub model: &'a Model,
    pub optimizer: &'a str,
    pub init: u64,
    pub steps: u64,
    pub theta0: &'a Array1<f64>,
    pub theta: &'a Array1<f64>,
}

/// ridge.svg: for a ridge, log-loss on the slice through θ* (across: θ0 → θ*; along: the null
/// direction of J that changes the slope) with the zero-loss line, θ0, θ* and the run's path
/// (`path`: the slice's coordinates of θ along the run, θ now last); for the traditional model
/// (`slice` None) the loss against its one parameter, a single minimum, with the run's path on it.
pub fn ridge_svg(run: &RunShown<'_>, slice: Option<&RidgeSlice>, path: &[(f64, f64)]) -> anyhow::Result<String> {
    match slice {
        Some(s) => slice_svg(run, s, path),
        None => parabola_svg(run, path),
    }
}

/// The colour of log10 loss `v` on a scale from `lo` (white) to `hi` (`SHADE`).
pub(crate) fn shade(v: f64, lo: f64, hi: f64) -> RGBColor {
    let t = ((v - lo) / (hi - lo).max(1e-12)).clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(mix(255, SHADE.0), mix(255, SHADE.1), mix(255, SHADE.2))
}

fn slice_svg(run: &RunShown<'_>, slice: &RidgeSlice, path: &[(f64, f64)]) -> anyhow::Result<String> {
    let model = run.model;
    let span = 1.3 * slice.distance.max(1e-6);
    let (lo, hi) = widened(-span, span);
    let at = |i: usize, n: usize| lo + (hi - lo) * (i as f64 + 0.5) / n as f64;
    let ss: Vec<f64> = (0..CELLS.0).map(|i| at(i, CELLS.0)).collect();
    let ts: Vec<f64> = (0..CELLS.1).map(|j| at(j, CELLS.1)).collect();
    let grid = slice.log_loss_grid_fast(model, &ss, &ts, LOSS_FLOOR);
    let top = grid.iter().copied().filter(|v| v.is_finite()).fold(LOSS_FLOOR.log10() + 1.0, f64::max).ceil();
    // Eight decades of shades below the top, so the valley shows its width; lower is white.
    let floor = (top - SHADED_DECADES).max(LOSS_FLOOR.log10());
    let title = format!(
        "{} model: the loss is zero along a ridge of {} · {} from init {}, {} steps",
        model.kind.name(),
        dimensions(model.ridge_dim()),
        run.optimizer,
        run.init,
        thousands(run.steps)
    );
    let mut keys = vec![
        Key::bar(format!("loss ≤ 1e{floor}"), shade(floor, floor, top), 1.0),
        Key::bar(
            format!("loss 1e{}", ((floor + top) / 2.0).round()),
            shade(((floor + top) / 2.0).round(), floor, top),
            1.0,
        ),
        Key::bar(format!("loss 1e{top}"), shade(top, floor, top), 1.0),
        Key::line("zero loss: the likelihood's ridge", RIDGE),
        Key::dot("θ0 (start)", START),
        Key::dot("θ* (GD's end, closed form)", MLE),
        Key::line(format!("{}'s path, now at the dot", run.optimizer), RUN),
    ];
    keys.dedup_by(|a, b| a.label == b.label);
    let x_name = format!("across: along θ0 → θ* (|θ* − θ0| = {})", sig4(slice.distance));
    svg(|root| {
        let (top_area, legend) = split_legend(root, &keys);
        let names = (x_name.as_str(), "along: null(J), the slope changes");
        let mut c = chart(&top_area, &title, 16, (-span..span, -span..span), names)?;
        let (ws, wt) = ((hi - lo) / CELLS.0 as f64, (hi - lo) / CELLS.1 as f64);
        c.draw_series(ss.iter().enumerate().flat_map(|(i, &s)| {
            let grid = &grid;
            ts.iter().enumerate().map(move |(j, &t)| {
                let color = shade(grid[j * CELLS.0 + i], floor, top);
                Rectangle::new([(s - ws / 2.0, t - wt / 2.0), (s + ws / 2.0, t + wt / 2.0)], color.filled())
            })
        }))
        .map_err(err)?;
        c.draw_series(LineSeries::new([(0.0, lo), (0.0, hi)], RIDGE.stroke_width(2))).map_err(err)?;
        draw_path(&mut c, path)?;
        c.draw_series([Circle::new((-slice.distance, 0.0), 5, START.filled())]).map_err(err)?;
        c.draw_series([Circle::new((0.0, 0.0), 5, MLE.filled())]).map_err(err)?;
        draw_legend(legend.as_ref(), &keys)
    })
}

/// The run's path as a line, and θ now as a dot at its end.
fn draw_path(c: &mut Chart<'_, '_>, path: &[(f64, f64)]) -> anyhow::Result<()> {
    c.draw_series(LineSeries::new(path.iter().copied(), RUN.stroke_width(2))).map_err(err)?;
    if let Some(&now) = path.last() {
        c.draw_series([Circle::new(now, 4, RUN.filled())]).map_err(err)?;
    }
    Ok(())
}

/// The traditional model: L(c) = ½Σ(y − c·x)², one minimum at the MLE.
fn parabola_svg(run: &RunShown<'_>, path: &[(f64, f64)]) -> anyhow::Result<String> {
    let model = run.model;
    let mle = theory::mle(model);
    let loss = |c: f64| {
        let r = model.residuals(Array1::from(vec![c]).view());
        0.5 * r.dot(&r)
    };
    let (c0, c1) = padded(path.iter().map(|p| p.0).chain([mle, 2.0 * mle - run.theta0[0]]));
    let curve: Vec<(f64, f64)> =
        (0..=200).map(|i| c0 + (c1 - c0) * f64::from(i) / 200.0).map(|c| (c, loss(c))).collect();
    let on_curve: Vec<(f64, f64)> = path.iter().map(|p| (p.0, loss(p.0))).collect();
    let (y0, y1) = padded(curve.iter().map(|p| p.1).chain([0.0]));
    let title = format!(
        "traditional model: a peak, not a ridge · one minimum, at the MLE {} · {} from init {}, {} steps",
        sig4(mle),
        run.optimizer,
        run.init,
        thousands(run.steps)
    );
    let keys = vec![
        Key::line("loss L(c) = ½Σ(y − c·x)²", POSTERIOR),
        Key::line(format!("minimum: the MLE {}", sig4(mle)), MLE),
        Key::dot("θ0 (start)", START),
        Key::line(format!("{}'s path, now at the dot", run.optimizer), RUN),
    ];
    svg(|root| {
        let (top, legend) = split_legend(root, &keys);
        let mut c = chart(&top, &title, 16, (c0..c1, y0..y1), ("the one parameter: slope c", "loss"))?;
        c.draw_series(LineSeries::new(curve, POSTERIOR.stroke_width(2))).map_err(err)?;
        c.draw_series(LineSeries::new([(mle, y0), (mle, y1)], MLE.stroke_width(2))).map_err(err)?;
        if let Some(&start) = on_curve.first() {
            c.draw_series([Circle::new(start, 5, START.filled())]).map_err(err)?;
        }
        draw_path(&mut c, &on_curve)?;
        draw_legend(legend.as_ref(), &keys)
    })
}

/// The drift view's sweep: GD's end from one init of the very model at each M.
pub struct Sweep<'a> {
    pub rows: &'a [SweepRow],
    pub exponent: Option<f64>,
}

/// drift.svg: left, the histogram of the run's θ − θ0 over its noise parameters (none for the
/// traditional model); right, |θ−θ0|/|θ0| against M (the very model, GD's closed-form end from
/// the same init) on log–log axes, with the fitted power law (THEORY.md: about M^−½).
pub fn drift_svg(run: &RunShown<'_>, sweep: &Sweep<'_>) -> anyhow::Result<String> {
    let delta: Vec<f64> = run.theta.iter().zip(run.theta0.iter()).skip(1).map(|(a, b)| a - b).collect();
    let d = crate::ridge::drift(run.theta0, run.theta);
    let fit = sweep.exponent.map_or("no fit".to_string(), |b| format!("fit M^{b:.2}"));
    let mut keys = Vec::new();
    if !delta.is_empty() {
        keys.push(Key::bar("noise parameters (count)", BARS, 0.7));
    }
    keys.push(Key::dot("|θ−θ0|/|θ0| at each M", RUN));
    keys.push(Key::line(fit, RIDGE));
    keys.push(Key::line("M^−0.5 through the first M", START));
    let title = format!(
        "how far the parameters move · {} model, {} from init {}: |θ−θ0|/|θ0| = {}, slope moved {}",
        run.model.kind.name(),
        run.optimizer,
        run.init,
        sig4(d.rel_change),
        sig4(d.slope_change)
    );
    svg(|root| {
        let (top, legend) = split_legend(root, &keys);
        let top = top.titled(&title, ("sans-serif", super::figure::caption_size(&title, 16))).map_err(err)?;
        if delta.is_empty() {
            sweep_panel(&top, sweep)?;
        } else {
            let (left, right) = top.split_horizontally(360);
            changes_panel(&left, &delta, run.model.k())?;
            sweep_panel(&right, sweep)?;
        }
        draw_legend(legend.as_ref(), &keys)
    })
}

/// The histogram of `delta` (θ − θ0 of the noise parameters), 40 bins.
fn changes_panel(area: &Area<'_>, delta: &[f64], k: usize) -> anyhow::Result<()> {
    let title =
        format!("θ − θ0 of the {} noise parameters (k = {})", thousands(delta.len() as u64), thousands(k as u64));
    histogram_panel(area, delta, &title)
}

/// The histogram of `delta` (changes of parameters), 40 bins, titled `title`.
pub(crate) fn histogram_panel(area: &Area<'_>, delta: &[f64], title: &str) -> anyhow::Result<()> {
    let (raw_lo, raw_hi) = padded(delta.iter().copied());
    let (lo, hi) = widened(raw_lo, raw_hi);
    let bins = 40;
    let counts = theory::bin(delta, [lo, hi], bins);
    let peak = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let bw = (hi - lo) / bins as f64;
    let mut c = chart(area, title, 13, (raw_lo..raw_hi, 0.0..peak), ("θ − θ0", "parameters per bin"))?;
    c.draw_series(counts.iter().enumerate().filter(|(_, n)| **n > 0).map(|(i, &n)| {
        let x = lo + i as f64 * bw;
        Rectangle::new([(x, 0.0), (x + bw, n as f64)], BARS.mix(0.7).filled())
    }))
    .map_err(err)?;
    Ok(())
}

/// Decade ticks (whole powers of ten, every 1, 2 or 5 decades) spanning [lo, hi] of log10 values.
pub(crate) fn decade_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = (lo.floor(), hi.ceil().max(lo.floor() + 1.0));
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().find(|s| (hi - lo) / s <= 7.0).unwrap_or(20.0);
    ((lo / step).floor() as i64..=(hi / step).ceil() as i64).map(|i| i as f64 * step).collect()
}

/// A power of ten's label: "1e-3" (its exponent, the value being log10 of the quantity).
pub(crate) fn decade_label(v: &f64) -> String {
    format!("1e{}", v.round() as i64)
}

/// A log–log chart on `area`: both axes in log10 units over decade ticks `xt` × `yt`, labelled
/// 1, 10, 100, … across and 1eN up, captioned `caption` (font `size`), axes named `names`.
pub(crate) fn log_log_chart<'a, 's>(
    area: &'a Area<'s>,
    (caption, size): (&str, u32),
    (xt, yt): (Vec<f64>, Vec<f64>),
    (x_name, y_name): (&str, &str),
) -> anyhow::Result<Chart<'a, 's>> {
    let mut c = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", size))
        .margin(12)
        // Room for the last x label ("100000"), centred on the axis's end.
        .margin_right(28)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(Axis::at(xt), Axis::at(yt))
        .map_err(err)?;
    c.configure_mesh()
        .x_desc(x_name)
        .y_desc(y_name)
        .x_label_formatter(&|v| tick_label(&10f64.powf(*v)))
        .y_label_formatter(&decade_label)
        .draw()
        .map_err(err)?;
    Ok(c)
}

/// |θ−θ0|/|θ0| against M on log–log axes, the fitted power law and the M^−½ reference.
fn sweep_panel(area: &Area<'_>, sweep: &Sweep<'_>) -> anyhow::Result<()> {
    let pts: Vec<(f64, f64)> = sweep
        .rows
        .iter()
        .filter(|r| r.rel_change > 0.0)
        .map(|r| ((r.sources as f64).log10(), r.rel_change.log10()))
        .collect();
    let (x0, x1) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (y0, y1) = padded(pts.iter().map(|p| p.1));
    if !x0.is_finite() {
        return no_panel(area, "the sweep has no rows");
    }
    let (xt, yt) = (decade_ticks(x0, x1), decade_ticks(y0 - 0.5, y1 + 0.2));
    let (xa, xb, ya, yb) = (xt[0], xt[xt.len() - 1], yt[0], yt[yt.len() - 1]);
    let caption = ("the very model, its end from the same init at each M", 13);
    let mut c = log_log_chart(area, caption, (xt, yt), ("noise sources per point M (log)", "|θ−θ0|/|θ0| (log)"))?;
    c.draw_series(pts.iter().map(|&p| Circle::new(p, 4, RUN.filled()))).map_err(err)?;
    if let (Some(b), Some(&first)) = (sweep.exponent, pts.first()) {
        // The least-squares line in log–log: slope b through the points' centroid.
        let n = pts.len() as f64;
        let (mx, my) = pts.iter().fold((0.0, 0.0), |(a, c), p| (a + p.0 / n, c + p.1 / n));
        let line = |slope: f64, through: (f64, f64)| clip_segment(slope, through, [xa, xb], [ya, yb]);
        c.draw_series(LineSeries::new(line(b, (mx, my)), RIDGE.stroke_width(2))).map_err(err)?;
        c.draw_series(LineSeries::new(line(-0.5, first), START.stroke_width(1))).map_err(err)?;
    }
    Ok(())
}

/// The part of the line through `through` with slope `slope` inside the box [x0, x1] × [y0, y1].
pub(crate) fn clip_segment(
    slope: f64,
    (px, py): (f64, f64),
    [x0, x1]: [f64; 2],
    [y0, y1]: [f64; 2],
) -> Vec<(f64, f64)> {
    let y = |x: f64| py + slope * (x - px);
    let x_at = |v: f64| if slope == 0.0 { f64::NAN } else { px + (v - py) / slope };
    let mut ends: Vec<(f64, f64)> =
        [x0, x1].into_iter().map(|x| (x, y(x))).filter(|p| (y0..=y1).contains(&p.1)).collect();
    ends.extend([y0, y1].into_iter().map(|v| (x_at(v), v)).filter(|p| (x0..=x1).contains(&p.0)));
    ends.sort_by(|a, b| a.0.total_cmp(&b.0));
    ends.dedup_by(|a, b| (a.0 - b.0).abs() < 1e-12);
    if ends.len() >= 2 { vec![ends[0], ends[ends.len() - 1]] } else { Vec::new() }
}

/// One model's panel of compare.svg: f(x*) of its runs' endpoints (or why there are none) and
/// its theory at x*.
pub struct Panel {
    pub name: String,
    pub values: Result<Vec<f64>, String>,
    /// None when the model could not be built on this data (`values` then says why).
    pub theory: Option<AtPoint>,
    /// Runs that stopped before |∇L| < tol.
    pub unconverged: u64,
    /// "runs" or "nets".
    pub unit: &'static str,
}

/// compare.svg's numbers: every model's panel at one x*.
pub struct Compare {
    pub x: f64,
    /// The true line's f(x*) (generated data only).
    pub truth: Option<f64>,
    pub optimizer: String,
    pub panels: Vec<Panel>,
}

/// Bins of each compare panel's histogram.
const COMPARE_BINS: usize = 60;

/// compare.svg: the explorer's compare view, one panel per model on one shared axis f(x*), each
/// with its endpoints' histogram (density), its posterior and predicted density, the MLE and the
/// true value, and its count, mean ± sd and KS distance to the posterior.
pub fn compare_svg(c: &Compare) -> anyhow::Result<String> {
    let theories: Vec<AtPoint> = c.panels.iter().filter_map(|p| p.theory).collect();
    let [lo, hi] = crate::predict::shared_range(&theories, c.truth);
    let mut keys = vec![
        Key::bar("endpoints (density)", BARS, 0.6),
        Key::line("posterior (Bayes)", POSTERIOR),
        Key::line(format!("predicted for {}", c.optimizer), PREDICTED),
    ];
    if c.panels.iter().any(|p| p.unit == "nets") {
        keys[2].label += " (the nets: NTK-GP)";
    }
    if c.truth.is_some() {
        keys.push(Key::line("true", TRUE));
    }
    keys.push(Key::line("MLE", MLE));
    let height = 60 + 150 * c.panels.len().max(1) as u32;
    let title = format!("every model at x* = {}, the data's far end: f(x*) = c·x* · {}", sig4(c.x), c.optimizer);
    svg_sized((super::figure::SIZE.0, height), |root| {
        let (top, legend) = split_legend(root, &keys);
        let top = top.titled(&title, ("sans-serif", super::figure::caption_size(&title, 16))).map_err(err)?;
        let rows = top.split_evenly((c.panels.len().max(1), 1));
        for (p, area) in c.panels.iter().zip(&rows) {
            compare_panel(area, p, [lo, hi], c.truth)?;
        }
        draw_legend(legend.as_ref(), &keys)
    })
}

/// "slightly · 2,000 runs · f(x*) 10.10 ± 0.1687 · KS 0.019"
fn panel_title(p: &Panel, values: &[f64], post: Normal) -> String {
    let (m, s) = theory::mean_std(values);
    let ks = theory::ks_test(values, post).d;
    let mut t = format!(
        "{} · {} {} · f(x*) {} ± {} · KS {ks:.3}",
        p.name,
        thousands(values.len() as u64),
        p.unit,
        sig4(m),
        sig4(s)
    );
    if p.unconverged > 0 {
        t += &format!(" · {} stopped short", thousands(p.unconverged));
    }
    t
}

fn compare_panel(area: &Area<'_>, p: &Panel, [raw_lo, raw_hi]: [f64; 2], truth: Option<f64>) -> anyhow::Result<()> {
    let (lo, hi) = widened(raw_lo, raw_hi);
    let (values, at) = match (&p.values, p.theory) {
        (Ok(v), Some(at)) if !v.is_empty() => (v, at),
        (Err(e), _) => return no_panel(area, &format!("{} · no endpoints: {e}", p.name)),
        _ => return no_panel(area, &format!("{} · no endpoints yet", p.name)),
    };
    let bw = (hi - lo) / COMPARE_BINS as f64;
    let counts = theory::bin(values, [lo, hi], COMPARE_BINS);
    let n = values.len() as f64;
    let density: Vec<f64> = counts.iter().map(|&k| k as f64 / (n * bw)).collect();
    let (post, pred) = (at.posterior, at.predicted);
    let curve = |d: Normal| -> Vec<(f64, f64)> {
        (0..=300).map(|i| lo + (hi - lo) * f64::from(i) / 300.0).map(|x| (x, d.pdf(x))).collect()
    };
    let mut curves = vec![(curve(post), POSTERIOR, 2)];
    if pred.std > 0.0 {
        curves.insert(0, (curve(pred), PREDICTED, 4));
    }
    // The axis holds the bars and the curves whole: a point mass (the traditional model) too.
    let ymax = curves.iter().flat_map(|c| c.0.iter().map(|p| p.1)).chain(density.iter().copied()).fold(0.0, f64::max);
    let title = panel_title(p, values, post);
    let ymax = ymax.max(1e-12);
    let mut c = chart(area, &title, 13, (raw_lo..raw_hi, 0.0..ymax), ("f(x*)", "density"))?;
    c.draw_series(density.iter().enumerate().filter(|(_, d)| **d > 0.0).map(|(i, &d)| {
        let x = lo + i as f64 * bw;
        Rectangle::new([(x, 0.0), (x + bw, d)], BARS.mix(0.6).filled())
    }))
    .map_err(err)?;
    for (pts, color, width) in curves {
        c.draw_series(LineSeries::new(pts, color.mix(if width > 2 { 0.6 } else { 1.0 }).stroke_width(width)))
            .map_err(err)?;
    }
    let ytop = widened(0.0, ymax).1;
    for (v, color) in [(truth, TRUE), (Some(at.mle), MLE)] {
        if let Some(v) = v.filter(|v| v.is_finite() && (lo..=hi).contains(v)) {
            c.draw_series(LineSeries::new([(v, 0.0), (v, ytop)], color.stroke_width(2))).map_err(err)?;
        }
    }
    Ok(())
}

/// A panel with only its title: why it has no histogram.
pub(crate) fn no_panel(area: &Area<'_>, title: &str) -> anyhow::Result<()> {
    area.titled(title, ("sans-serif", 13)).map_err(err)?;
    Ok(())
}

/// gap.svg's numbers: the net's two theories along a grid of x.
pub struct Gap<'a> {
    pub grid: &'a [f64],
    pub ntk_gp: &'a [f64],
    pub post_mean: &'a [f64],
    pub post_sd: &'a [f64],
    /// The data's x range, shaded.
    pub data: (f64, f64),
    /// x* and the gap there.
    pub at: Option<(f64, f64)>,
    /// "width 1,024, relu, all layers"
    pub net: String,
}

/// (NTK-GP mean − posterior mean) / posterior sd at each grid point.
pub fn gap_values(g: &Gap<'_>) -> Vec<f64> {
    g.ntk_gp.iter().zip(g.post_mean).zip(g.post_sd).map(|((a, m), s)| (a - m) / s).collect()
}

/// gap.svg: how far apart the net's two theories are, in posterior sds, across x, with the data's
/// range shaded and x* marked: where training all layers lands away from Bayes.
pub fn gap_svg(g: &Gap<'_>) -> anyhow::Result<String> {
    let z = gap_values(g);
    let pts: Vec<(f64, f64)> = g.grid.iter().copied().zip(z.iter().copied()).collect();
    let (x0, x1) = (g.grid[0], g.grid[g.grid.len() - 1]);
    let (y0, y1) = padded(z.iter().copied().chain([0.0]));
    let (ya, yb) = widened(y0, y1);
    let mut keys = vec![
        Key::line("(NTK-GP mean − posterior mean) / posterior sd", PREDICTED),
        Key::bar("the data's x range", START, 0.12),
    ];
    let mut title = format!("where trained nets land, against Bayes · {}", g.net);
    if let Some((x, v)) = g.at {
        keys.push(Key::line(format!("x* = {}: {} sd", sig4(x), sig4(v)), START));
        title += &format!(" · {} posterior sd apart at x* = {}", sig4(v), sig4(x));
    }
    svg(|root| {
        let (top, legend) = split_legend(root, &keys);
        let mut c = chart(&top, &title, 16, (x0..x1, y0..y1), ("x", "gap, in posterior sds"))?;
        c.draw_series([Rectangle::new([(g.data.0, ya), (g.data.1, yb)], START.mix(0.12).filled())]).map_err(err)?;
        c.draw_series(LineSeries::new([(x0, 0.0), (x1, 0.0)], BLACK.mix(0.5).stroke_width(1))).map_err(err)?;
        c.draw_series(LineSeries::new(pts, PREDICTED.stroke_width(2))).map_err(err)?;
        if let Some((x, _)) = g.at {
            c.draw_series(DashedLineSeries::new([(x, ya), (x, yb)], 4, 3, START.stroke_width(1))).map_err(err)?;
        }
        draw_legend(legend.as_ref(), &keys)
    })
}
