//! `overparam plot`: the article's figures as SVG, drawn with plotters' pure-Rust SVG backend.
//! Without a font feature plotters measures text with a fixed estimate and writes it as SVG
//! `<text>`, so the viewer's own fonts draw it: no system fonts or C libraries are needed.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use plotters::prelude::*;

use crate::args::{Common, FigureView};
use crate::data::Dataset;
use crate::format::{sig4, thousands};
use crate::geometry::clip_line;
use crate::history::LossHistory;
use crate::model::{Model, ModelKind};
use crate::optim::{Optimizer, Run, Status, stop_words};
use crate::ridge::RidgeSlice;
use crate::theory::{self, Normal};

use super::figure::{
    Axis, Chart, Key, caption_size, chart, draw_legend, draw_points, err, padded, points_key_estimate, split_legend,
    svg, widened,
};
use super::views::{self, Compare, Panel, RunShown, Sweep};

/// Loss points drawn at most: each of this many buckets keeps its lowest and highest point.
const LOSS_BUCKETS: usize = 1000;

pub(crate) const POINTS: RGBColor = RGBColor(90, 90, 90);
pub(crate) use super::views::{BARS, MLE, POSTERIOR, PREDICTED, RUN, TRUE};

/// The figures asked for, each as (file name, SVG), computed before any file is written, and
/// what the user must be told about them (runs that stopped before |∇L| < tol).
pub struct Figures {
    pub files: Vec<(&'static str, String)>,
    pub warnings: Vec<String>,
}

/// The run from --init, its loss history as the explorer keeps it, and how it stopped.
struct Trained {
    run: Run,
    losses: Vec<(f64, f64)>,
    /// The stop words when it stopped short of tol.
    stop: Option<String>,
}

fn train(common: &Common, model: &Arc<Model>, opt: Optimizer) -> anyhow::Result<Trained> {
    let mut run = Run::new(Arc::clone(model), opt, common.lr_choice(), common.seed, common.init)?;
    // Bounded however long the run: a uniform step grid that coarsens as it fills.
    let mut history = LossHistory::default();
    run.run_until(common.max_steps(), common.tol, None, |step, loss| history.push(step, loss))?;
    let mut losses = history.downsample(LOSS_BUCKETS, |l| l);
    if losses.last().is_none_or(|&(s, _)| s < run.steps as f64) {
        losses.push((run.steps as f64, run.loss()));
    }
    // The figures say how the run stopped only when it stopped short of tol.
    let stop =
        if run.converged() { None } else { stop_words(&run.status, opt, run.steps, common.max_steps(), common.tol) };
    Ok(Trained { run, losses, stop })
}

/// The run from --init again, stopped after 1, 2, 4, … steps to read θ on the ridge slice: its
/// path (each point the slice's coordinates, or (c, 0) for the traditional model).
fn ridge_path(
    common: &Common,
    model: &Arc<Model>,
    opt: Optimizer,
    slice: Option<&RidgeSlice>,
) -> anyhow::Result<Vec<(f64, f64)>> {
    let mut run = Run::new(Arc::clone(model), opt, common.lr_choice(), common.seed, common.init)?;
    let at = |theta: &ndarray::Array1<f64>| slice.map_or((theta[0], 0.0), |s| s.coords(theta));
    let mut path = vec![at(&run.theta)];
    let mut until = 1u64;
    while run.status == Status::Running && run.steps < common.max_steps() {
        let before = run.steps;
        run.run_until(until.min(common.max_steps()), common.tol, None, |_, _| {})?;
        path.push(at(&run.theta));
        if run.steps == before && until >= common.max_steps() {
            break; // nothing more to read
        }
        until = until.saturating_mul(2);
    }
    Ok(path)
}

/// The figures `views` names: the run from --init, the endpoints of `runs` inits, the ridge
/// slice through the run's endpoint, the sweep over M and every model at x*.
pub fn figures(common: &Common, runs: u64, views: &[FigureView]) -> anyhow::Result<Figures> {
    let data = common.dataset()?;
    let model = common.model_on(common.model, &data)?;
    let opt = common.optimizer.unwrap_or(Optimizer::Gd);
    common.check_lr_applies(opt)?;
    let t = train(common, &model, opt)?;
    let mut warnings = Vec::new();
    if let Some(stop) = &t.stop {
        // The words say it did not reach tol: "not converged", or "will not go below tol".
        warnings.push(format!(
            "the run from init {} {stop} (tol {}): its figures show where it stopped, not its endpoint",
            t.run.init_index,
            sig4(common.tol)
        ));
    }
    let truth = common.data.is_none().then_some(common.slope);
    let mut files = Vec::new();
    for &view in views {
        let svg = match view {
            FigureView::Data => data_svg(&data, &model, truth, &t.run, t.stop.as_deref())?,
            FigureView::Endpoints => endpoints_figure(common, &model, opt, runs, truth, &mut warnings)?,
            FigureView::Loss => loss_svg(&model, &t.run, &t.losses, t.stop.as_deref())?,
            FigureView::Ridge => ridge_figure(common, &model, opt, &t.run)?,
            FigureView::Drift => drift_figure(common, &data, &t.run)?,
            FigureView::Compare => compare_svg_of(common, &data, opt, runs, &mut warnings)?,
            FigureView::Functions | FigureView::Gap | FigureView::Risk => continue,
        };
        files.push((view.file(), svg));
    }
    Ok(Figures { files, warnings })
}

/// endpoints.svg: the explorer's histogram, GD's endpoints in closed form, cg and sgd really run.
fn endpoints_figure(
    common: &Common,
    model: &Arc<Model>,
    opt: Optimizer,
    runs: u64,
    truth: Option<f64>,
    warnings: &mut Vec<String>,
) -> anyhow::Result<String> {
    let cfg = common.ensemble_config(opt);
    let ends = crate::ensemble::limit_or_trained(model, &cfg, 0..runs)?;
    let unconverged = ends.iter().filter(|e| !e.converged).count();
    if unconverged > 0 {
        // Where more steps would not help (constant-step SGD on the traditional model), the
        // engine's words, as `ensemble` and the explorer say them.
        let why = crate::optim::sgd_note(common.model, opt).unwrap_or("raise --steps");
        warnings.push(format!(
            "{} of {} runs stopped before |∇L| < tol {} ({why}): their slopes are not endpoints",
            thousands(unconverged as u64),
            thousands(runs),
            sig4(cfg.tol)
        ));
    }
    let slopes: Vec<f64> = ends.iter().map(|e| e.slope).collect();
    endpoints_svg(model, opt, truth, &slopes, unconverged)
}

fn ridge_figure(common: &Common, model: &Arc<Model>, opt: Optimizer, run: &Run) -> anyhow::Result<String> {
    let slice = match model.kind {
        ModelKind::Traditional => None,
        _ => Some(RidgeSlice::new(model, &run.theta0, opt.metric())?),
    };
    let path = ridge_path(common, model, opt, slice.as_ref())?;
    views::ridge_svg(&shown(run), slice.as_ref(), &path)
}

fn shown(run: &Run) -> RunShown<'_> {
    RunShown {
        model: &run.model,
        optimizer: run.optimizer.name(),
        init: run.init_index,
        steps: run.steps,
        theta0: &run.theta0,
        theta: &run.theta,
    }
}

fn drift_figure(common: &Common, data: &Dataset, run: &Run) -> anyhow::Result<String> {
    // The M whose very model fits the parameter limit on this data (all four on the demo's).
    let sources: Vec<usize> = crate::ridge::SWEEP_SOURCES
        .into_iter()
        .filter(|&m| data.n().checked_mul(m).is_some_and(|k| k < crate::limits::MAX_PARAMS))
        .collect();
    let rows = crate::ridge::sweep(data, common.noise, &sources, common.seed, run.init_index)?;
    let ms: Vec<f64> = rows.iter().map(|r| r.sources as f64).collect();
    let rel: Vec<f64> = rows.iter().map(|r| r.rel_change).collect();
    let exponent = crate::ridge::power_law_exponent(&ms, &rel);
    views::drift_svg(&shown(run), &Sweep { rows: &rows, exponent })
}

/// The panels of the three lines at x* (`runs` endpoints each, under `opt`).
pub(crate) fn line_panels(
    common: &Common,
    data: &Dataset,
    opt: Optimizer,
    runs: u64,
    x: f64,
) -> anyhow::Result<(Vec<Panel>, u64)> {
    let cfg = common.ensemble_config(opt);
    let mut panels = Vec::new();
    let mut short = 0;
    for kind in ModelKind::LINEAR {
        // A model too large for this data (the very model on a million points) says so in its panel.
        let model = match common.model_on(kind, data) {
            Ok(m) => m,
            Err(e) => {
                let name = kind.name().to_string();
                panels.push(Panel { name, values: Err(e.to_string()), theory: None, unconverged: 0, unit: "runs" });
                continue;
            }
        };
        let values = crate::ensemble::limit_or_trained(&model, &cfg, 0..runs).map_err(|e| e.to_string());
        let unconverged = values.as_ref().map_or(0, |v| v.iter().filter(|e| !e.converged).count() as u64);
        short += unconverged;
        panels.push(Panel {
            name: kind.name().to_string(),
            values: values.map(|v| v.iter().map(|e| crate::predict::endpoint_at(kind, e.slope, x)).collect()),
            theory: Some(crate::predict::theory_at(&model, opt.metric(), x)),
            unconverged,
            unit: "runs",
        });
    }
    Ok((panels, short))
}

fn compare_svg_of(
    common: &Common,
    data: &Dataset,
    opt: Optimizer,
    runs: u64,
    warnings: &mut Vec<String>,
) -> anyhow::Result<String> {
    let x = crate::predict::test_point(data);
    let (panels, short) = line_panels(common, data, opt, runs, x)?;
    if short > 0 {
        warnings.push(format!(
            "{} runs of compare.svg stopped before |∇L| < tol {}: its titles say which",
            thousands(short),
            sig4(common.tol)
        ));
    }
    let truth = common.data.is_none().then_some(common.slope * x);
    views::compare_svg(&Compare { x, truth, optimizer: opt.name().to_string(), panels })
}

/// Writes the figures `views` names (every one when it names none: data.svg, endpoints.svg,
/// loss.svg, ridge.svg, drift.svg, compare.svg) into `dir` (see `write_figures`) and says so;
/// returns the warnings for the caller to show (stderr, for the command).
pub fn plot(
    common: &Common,
    dir: &Path,
    runs: u64,
    views: &[FigureView],
    out: &mut dyn Write,
) -> anyhow::Result<Vec<String>> {
    let views = super::chosen(views, &super::LINE_VIEWS, false)?;
    let f = figures(common, runs, &views)?;
    write_figures(dir, f.files, out)?;
    Ok(f.warnings)
}

/// Writes `figures` into `dir`, made if missing, each file whole in place of the old one
/// (`files::write_into_dir`), then says so on `out`: "wrote DIR: a.svg b.svg", with
/// " (replaced a.svg)" when files of those names were there. When that line cannot be printed
/// the error says the figures were written all the same.
pub(crate) fn write_figures(dir: &Path, figures: Vec<(&str, String)>, out: &mut dyn Write) -> anyhow::Result<()> {
    let names = figures.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(" ");
    let list: Vec<(String, Vec<u8>)> = figures.into_iter().map(|(n, s)| (n.to_string(), s.into_bytes())).collect();
    let written = crate::export::files::write_into_dir(dir, &list).map_err(|e| e.into_anyhow())?;
    let mut line = format!("wrote {}: {names}", dir.display());
    if !written.replaced.is_empty() {
        line += &format!(" (replaced {})", written.replaced.join(" "));
    }
    // Flushed here, so a full or closed stdout is told apart from a failed write. (A closed pipe
    // stays quiet: the error is still an io::Error underneath.)
    writeln!(out, "{line}").and_then(|()| out.flush()).map_err(|e| {
        anyhow::Error::new(e)
            .context(format!("the figures are written ({}: {names}), but stdout failed", dir.display()))
    })
}

/// The points, the true line, the least-squares line and one run's line: the article's figure.
pub(crate) fn data_svg(
    data: &Dataset,
    model: &Model,
    truth: Option<f64>,
    run: &Run,
    stop: Option<&str>,
) -> anyhow::Result<String> {
    let (x0, x1) = padded(data.x.iter().copied().chain([0.0]));
    let (y0, y1) = padded(data.y.iter().copied().chain([0.0]));
    let mle = theory::mle(model);
    let mut title = format!(
        "{} model · N = {} · {} from init {}",
        model.kind.name(),
        thousands(data.n() as u64),
        run.optimizer.name(),
        run.init_index
    );
    if let Some(stop) = stop {
        title += &format!(" · {stop}");
    }
    let mut lines = Vec::new();
    if let Some(t) = truth {
        lines.push((format!("true slope {}", sig4(t)), t, TRUE));
    }
    lines.push((format!("MLE {}", sig4(mle)), mle, MLE));
    lines.push((format!("run {}", sig4(run.slope())), run.slope(), RUN));
    let mut keys = vec![points_key_estimate(data.n(), POINTS)];
    keys.extend(lines.iter().map(|(label, _, color)| Key::line(label.clone(), *color)));
    svg(|root| {
        let (top, legend) = split_legend(root, &keys);
        let mut chart = chart(&top, &title, 20, (x0..x1, y0..y1), ("x", "y"))?;
        // The axes are widened to round ticks: the lines are clipped to what they show.
        let ((xa, xb), (ya, yb)) = (widened(x0, x1), widened(y0, y1));
        let mut shown = Vec::new();
        for (label, c, color) in lines {
            // Clipped to the box here: plotters would clamp an end that leaves it, bending the line.
            let Some(segment) = clip_line(c, [xa, xb], [ya, yb]) else { continue };
            chart.draw_series(LineSeries::new(segment, color.stroke_width(2))).map_err(err)?;
            shown.push(Key::line(label, color));
        }
        // The points last, over the lines, so the data always shows.
        let mut keys = vec![draw_points(&mut chart, data, POINTS)?];
        keys.extend(shown);
        draw_legend(legend.as_ref(), &keys)
    })
}

/// The endpoint histogram's x range, bin width, bars' densities and height.
struct Histogram {
    lo: f64,
    hi: f64,
    bw: f64,
    density: Vec<f64>,
    ymax: f64,
}

impl Histogram {
    /// Ten spreads of the theories around the posterior, widened to the MLE, the predicted mean
    /// and the truth where they are near, then to round ticks; 60 bins.
    fn new(slopes: &[f64], post: Normal, pred: Normal, marks: [Option<f64>; 3]) -> Histogram {
        let spread = post.std.max(pred.std);
        let (mut lo, mut hi) = (post.mean - 5.0 * spread, post.mean + 5.0 * spread);
        for v in marks.into_iter().flatten() {
            if (v - post.mean).abs() < 20.0 * spread {
                lo = lo.min(v - spread);
                hi = hi.max(v + spread);
            }
        }
        let (lo, hi) = widened(lo, hi);
        let bins = 60usize;
        let bw = (hi - lo) / bins as f64;
        let counts = theory::bin(slopes, [lo, hi], bins);
        let n = slopes.len().max(1) as f64;
        let density: Vec<f64> = counts.iter().map(|&c| c as f64 / (n * bw)).collect();
        let peak = post.pdf(post.mean).max(pred.pdf(pred.mean));
        // The axis holds every bar whole, the traditional model's point mass too.
        let ymax = density.iter().copied().fold(peak, f64::max) * 1.05;
        Histogram { lo, hi, bw, density, ymax }
    }

    fn draw_bars(&self, chart: &mut Chart<'_, '_>) -> anyhow::Result<()> {
        chart
            .draw_series(self.density.iter().enumerate().filter(|(_, d)| **d > 0.0).map(|(i, &d)| {
                let x = self.lo + i as f64 * self.bw;
                Rectangle::new([(x, 0.0), (x + self.bw, d)], BARS.mix(0.6).filled())
            }))
            .map_err(err)?;
        Ok(())
    }

    /// `d`'s density across the range.
    fn curve(&self, d: Normal) -> Vec<(f64, f64)> {
        let (lo, hi) = (self.lo, self.hi);
        (0..=400).map(|i| lo + (hi - lo) * i as f64 / 400.0).map(|x| (x, d.pdf(x))).collect()
    }
}

/// The histogram of endpoint slopes over inits with the posterior and the predicted density.
pub(crate) fn endpoints_svg(
    model: &Model,
    opt: Optimizer,
    truth: Option<f64>,
    slopes: &[f64],
    unconverged: usize,
) -> anyhow::Result<String> {
    let post = theory::posterior(model);
    let pred = theory::endpoint_distribution(model, opt.metric());
    let mle = theory::mle(model);
    let h = Histogram::new(slopes, post, pred, [Some(mle), Some(pred.mean), truth]);
    let (mean, std) = theory::mean_std(slopes);
    let ks = theory::ks_test(slopes, post);
    crate::report::ensure_finite(&[("mean slope", mean), ("slope std", std), ("KS distance", ks.d)])?;
    let mut title = format!(
        "{} endpoints of {} · {} inits · {} ± {} · KS {:.3}",
        model.kind.name(),
        opt.name(),
        thousands(slopes.len() as u64),
        sig4(mean),
        sig4(std),
        ks.d
    );
    if unconverged > 0 {
        title += &format!(" · {} stopped short", thousands(unconverged as u64));
    }
    // The predicted curve wide underneath, the posterior thin on top: where they agree (the
    // point of the figure) both still show.
    let mut curves = Vec::new();
    if pred.std > 0.0 {
        curves.push((format!("predicted for {}", opt.name()), pred, PREDICTED, 5));
    }
    curves.push(("posterior (Bayes)".to_string(), post, POSTERIOR, 2));
    let mut marks = vec![(format!("MLE {}", sig4(mle)), mle, MLE)];
    if let Some(t) = truth {
        marks.push((format!("true {}", sig4(t)), t, TRUE));
    }
    marks.retain(|(_, v, _)| (h.lo..=h.hi).contains(v));
    let mut keys = vec![Key::bar("endpoints", BARS, 0.6)];
    keys.extend(curves.iter().map(|(label, _, color, _)| Key::line(label.clone(), *color)));
    keys.extend(marks.iter().map(|(label, _, color)| Key::line(label.clone(), *color)));
    let ytop = widened(0.0, h.ymax).1;
    svg(|root| {
        let (top, legend) = split_legend(root, &keys);
        let mut chart = chart(&top, &title, 18, (h.lo..h.hi, 0.0..h.ymax), ("endpoint slope c", "density"))?;
        h.draw_bars(&mut chart)?;
        for (_, d, color, width) in curves {
            let style = color.mix(if width > 2 { 0.6 } else { 1.0 }).stroke_width(width);
            chart.draw_series(LineSeries::new(h.curve(d), style)).map_err(err)?;
        }
        for (_, v, color) in marks {
            chart.draw_series(LineSeries::new([(v, 0.0), (v, ytop)], color.stroke_width(2))).map_err(err)?;
        }
        draw_legend(legend.as_ref(), &keys)
    })
}

/// The loss of the run (its history as kept, each bucket's extremes) on a logarithmic axis.
pub(crate) fn loss_svg(model: &Model, run: &Run, losses: &[(f64, f64)], stop: Option<&str>) -> anyhow::Result<String> {
    let pts: Vec<(u64, f64)> = losses.iter().map(|&(s, l)| (s as u64, l)).collect();
    let mut title = format!(
        "loss of {} on the {} model (init {}) · {} steps",
        run.optimizer.name(),
        model.kind.name(),
        run.init_index,
        thousands(run.steps)
    );
    if let Some(stop) = stop {
        title += &format!(" · {stop}");
    }
    log_loss_svg(title, &pts)
}

/// A loss curve on a logarithmic axis whose labelled decades reach past both ends of the curve
/// (plot's and the net's loss.svg alike); points that are not positive and finite are left out.
/// Drawn as log10 of the loss on a linear scale, labelled 1eN.
pub(crate) fn log_loss_svg(title: String, losses: &[(u64, f64)]) -> anyhow::Result<String> {
    let pts: Vec<(f64, f64)> =
        losses.iter().filter(|(_, l)| l.is_finite() && *l > 0.0).map(|&(s, l)| (s as f64, l.log10())).collect();
    let (lo, hi) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (-1.0, 1.0) };
    let yt = super::views::decade_ticks(lo, hi);
    let last = pts.last().map_or(1.0, |p| p.0.max(1.0));
    let xt = super::figure::ticks(0.0, last);
    svg(|root| {
        let mut chart = ChartBuilder::on(root)
            .caption(&title, ("sans-serif", caption_size(&title, 18)))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(Axis::at(xt), Axis::at(yt))
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("step")
            .y_desc("loss ½Σ residual² (log scale)")
            .x_label_formatter(&|v| thousands(v.max(0.0).round() as u64))
            .y_label_formatter(&super::views::decade_label)
            .draw()
            .map_err(err)?;
        // One series: the title and the axis name it, so no legend.
        chart.draw_series(LineSeries::new(pts, RUN.stroke_width(2))).map_err(err)?;
        Ok(())
    })
}
