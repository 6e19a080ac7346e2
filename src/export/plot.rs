//! `overparam plot`: the article's figures as SVG, drawn with plotters' pure-Rust SVG backend.
//! Without a font feature plotters measures text with a fixed estimate and writes it as SVG
//! `<text>`, so the viewer's own fonts draw it: no system fonts or C libraries are needed.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use plotters::prelude::*;

use crate::args::Common;
use crate::data::Dataset;
use crate::format::{sig4, thousands};
use crate::geometry::clip_line;
use crate::history::LossHistory;
use crate::model::Model;
use crate::optim::{Optimizer, Run, stop_words};
use crate::theory::{self, Normal};

use super::figure::{Chart, caption_size, chart, draw_legend, draw_points, err, legend_line, padded, svg};

/// Loss points drawn at most: each of this many buckets keeps its lowest and highest point.
const LOSS_BUCKETS: usize = 1000;

pub(crate) const POINTS: RGBColor = RGBColor(90, 90, 90);
pub(crate) const TRUE: RGBColor = RGBColor(0, 150, 60);
const MLE: RGBColor = RGBColor(220, 140, 0);
pub(crate) const RUN: RGBColor = RGBColor(190, 40, 170);
pub(crate) const POSTERIOR: RGBColor = RGBColor(0, 120, 200);
const PREDICTED: RGBColor = RGBColor(210, 40, 40);
const BARS: RGBColor = RGBColor(120, 150, 220);

/// Everything the figures show, computed before any file is written, and what the user must be
/// told about it (runs that stopped before |∇L| < tol).
pub struct Figures {
    pub data: String,
    pub endpoints: String,
    pub loss: String,
    pub warnings: Vec<String>,
}

/// The run from --init with its loss history, and the endpoints of `runs` inits.
pub fn figures(common: &Common, runs: u64) -> anyhow::Result<Figures> {
    let data = common.dataset()?;
    let model = common.model_on(common.model, &data)?;
    let opt = common.optimizer.unwrap_or(Optimizer::Gd);
    common.check_lr_applies(opt)?;
    let mut run = Run::new(Arc::clone(&model), opt, common.lr_choice(), common.seed, common.init)?;
    // Bounded however long the run: a uniform step grid that coarsens as it fills.
    let mut history = LossHistory::default();
    run.run_until(common.max_steps(), common.tol, None, |step, loss| history.push(step, loss))?;
    let mut losses = history.downsample(LOSS_BUCKETS, |l| l);
    if losses.last().is_none_or(|&(s, _)| s < run.steps as f64) {
        losses.push((run.steps as f64, run.loss()));
    }
    let mut warnings = Vec::new();
    // The figures say how the run stopped only when it stopped short of tol.
    let stop =
        if run.converged() { None } else { stop_words(&run.status, opt, run.steps, common.max_steps(), common.tol) };
    if let Some(stop) = &stop {
        // The words say it did not reach tol: "not converged", or "will not go below tol".
        warnings.push(format!(
            "the run from init {} {stop} (tol {}): data.svg and loss.svg show where it stopped, not its endpoint",
            run.init_index,
            sig4(common.tol)
        ));
    }
    let cfg = common.ensemble_config(opt);
    // The explorer's histogram: GD's endpoints in closed form, cg and sgd really run.
    let ends = crate::ensemble::limit_or_trained(&model, &cfg, 0..runs)?;
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
    let truth = common.data.is_none().then_some(common.slope);
    Ok(Figures {
        data: data_svg(&data, &model, truth, &run, stop.as_deref())?,
        endpoints: endpoints_svg(&model, opt, truth, &slopes, unconverged)?,
        loss: loss_svg(&model, &run, &losses, stop.as_deref())?,
        warnings,
    })
}

/// Writes data.svg, endpoints.svg and loss.svg into `dir` (see `write_figures`) and says so;
/// returns the warnings for the caller to show (stderr, for the command).
pub fn plot(common: &Common, dir: &Path, runs: u64, out: &mut dyn Write) -> anyhow::Result<Vec<String>> {
    let f = figures(common, runs)?;
    write_figures(dir, vec![("data.svg", f.data), ("endpoints.svg", f.endpoints), ("loss.svg", f.loss)], out)?;
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
fn data_svg(
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
        data.n(),
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
    svg(|root| {
        let mut chart = chart(root, &title, caption_size(&title, 20), x0..x1, y0..y1)?;
        chart.configure_mesh().x_desc("x").y_desc("y").draw().map_err(err)?;
        draw_points(&mut chart, data, POINTS)?;
        for (label, c, color) in lines {
            // Clipped to the box here: plotters would clamp an end that leaves it, bending the line.
            let Some(segment) = clip_line(c, [x0, x1], [y0, y1]) else { continue };
            chart
                .draw_series(LineSeries::new(segment, color.stroke_width(2)))
                .map_err(err)?
                .label(label)
                .legend(legend_line(color));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
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
    /// and the truth where they are near; 60 bins.
    fn new(slopes: &[f64], post: Normal, pred: Normal, marks: [Option<f64>; 3]) -> Histogram {
        let spread = post.std.max(pred.std);
        let (mut lo, mut hi) = (post.mean - 5.0 * spread, post.mean + 5.0 * spread);
        for v in marks.into_iter().flatten() {
            if (v - post.mean).abs() < 20.0 * spread {
                lo = lo.min(v - spread);
                hi = hi.max(v + spread);
            }
        }
        let bins = 60usize;
        let bw = (hi - lo) / bins as f64;
        let counts = theory::bin(slopes, [lo, hi], bins);
        let n = slopes.len().max(1) as f64;
        let density: Vec<f64> = counts.iter().map(|&c| c as f64 / (n * bw)).collect();
        let peak = post.pdf(post.mean).max(pred.pdf(pred.mean));
        // The traditional model's endpoints are one spike: clip it rather than flatten the curves.
        let ymax = if pred.std > 0.0 { density.iter().copied().fold(peak, f64::max) } else { peak } * 1.15;
        Histogram { lo, hi, bw, density, ymax }
    }

    /// The bars, clipped to the figure's height.
    fn draw_bars(&self, chart: &mut Chart<'_, '_>) -> anyhow::Result<()> {
        chart
            .draw_series(self.density.iter().enumerate().filter(|(_, d)| **d > 0.0).map(|(i, &d)| {
                let x = self.lo + i as f64 * self.bw;
                Rectangle::new([(x, 0.0), (x + self.bw, d.min(self.ymax))], BARS.mix(0.6).filled())
            }))
            .map_err(err)?
            .label("endpoints")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], BARS.mix(0.6).filled()));
        Ok(())
    }

    /// `d`'s density across the range, clipped to the figure's height.
    fn curve(&self, d: Normal) -> Vec<(f64, f64)> {
        let (lo, hi) = (self.lo, self.hi);
        (0..=400).map(|i| lo + (hi - lo) * i as f64 / 400.0).map(|x| (x, d.pdf(x).min(self.ymax))).collect()
    }
}

/// The histogram of endpoint slopes over inits with the posterior and the predicted density.
fn endpoints_svg(
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
        slopes.len(),
        sig4(mean),
        sig4(std),
        ks.d
    );
    if unconverged > 0 {
        title += &format!(" · {unconverged} stopped short");
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
    svg(|root| {
        let mut chart = chart(root, &title, 18, h.lo..h.hi, 0.0..h.ymax)?;
        chart.configure_mesh().x_desc("endpoint slope c").y_desc("density").draw().map_err(err)?;
        h.draw_bars(&mut chart)?;
        for (label, d, color, width) in curves {
            let style = color.mix(if width > 2 { 0.6 } else { 1.0 }).stroke_width(width);
            chart.draw_series(LineSeries::new(h.curve(d), style)).map_err(err)?.label(label).legend(legend_line(color));
        }
        for (label, v, color) in marks.into_iter().filter(|(_, v, _)| (h.lo..=h.hi).contains(v)) {
            chart
                .draw_series(LineSeries::new([(v, 0.0), (v, h.ymax)], color.stroke_width(2)))
                .map_err(err)?
                .label(label)
                .legend(legend_line(color));
        }
        draw_legend(&mut chart, SeriesLabelPosition::MiddleRight)
    })
}

/// The loss of the run (its history as kept, each bucket's extremes) on a logarithmic axis.
fn loss_svg(model: &Model, run: &Run, losses: &[(f64, f64)], stop: Option<&str>) -> anyhow::Result<String> {
    let pts: Vec<(u64, f64)> = losses.iter().map(|&(s, l)| (s as u64, l)).collect();
    let mut title = format!(
        "loss of {} on the {} model (init {}) · {} steps",
        run.optimizer.name(),
        model.kind.name(),
        run.init_index,
        run.steps
    );
    if let Some(stop) = stop {
        title += &format!(" · {stop}");
    }
    log_loss_svg(title, &pts)
}

/// A loss curve on a logarithmic axis of whole decades (plot's and the net's loss.svg alike);
/// points that are not positive and finite are left out.
pub(crate) fn log_loss_svg(title: String, losses: &[(u64, f64)]) -> anyhow::Result<String> {
    let pts: Vec<(u64, f64)> = losses.iter().copied().filter(|(_, l)| l.is_finite() && *l > 0.0).collect();
    let (lo, hi) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.1), b.max(p.1)));
    // Whole decades, so the axis's labels sit on powers of ten.
    let (lo, hi) = if lo.is_finite() {
        (10f64.powf(lo.log10().floor()), 10f64.powf(hi.log10().ceil().max(lo.log10().floor() + 1.0)))
    } else {
        (1e-1, 1e1)
    };
    let last = pts.last().map_or(1, |p| p.0.max(1));
    svg(|root| {
        let mut chart = ChartBuilder::on(root)
            .caption(&title, ("sans-serif", caption_size(&title, 18)))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0..last, (lo..hi).log_scale())
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("step")
            .y_desc("loss ½Σ residual² (log scale)")
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(pts, RUN.stroke_width(2)))
            .map_err(err)?
            .label("loss")
            .legend(legend_line(RUN));
        draw_legend(&mut chart, SeriesLabelPosition::MiddleRight)
    })
}
