//! `overparam plot --model net`: the wide network's figures as SVG (plotters' SVG backend, no
//! fonts, as in `plot`): functions.svg (the trained nets' band against the NTK-GP and the
//! posterior, THEORY.md "The wide network"), data.svg, endpoints.svg (f(x*) over the nets) and
//! loss.svg. Everything is computed and finite-checked before the folder is written.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use plotters::prelude::*;

use crate::args::{Common, FigureView};
use crate::data::Dataset;
use crate::error::Error;
use crate::format::{sig4, thousands};
use crate::net::{self, Band, Net, NetRun, NetSpec, NetTheory, Prediction, TrainMode};
use crate::optim::{Optimizer, stop_words};
use crate::theory::{self, Normal};

use super::figure::{
    Chart, Key, chart, draw_legend, draw_points, err, padded, points_key_estimate, split_legend, svg, widened,
};
use super::net_views::{self, NetRidgeShown};
use super::views::{self, CELLS, Compare, Gap, Panel};

/// Points of the grid the curves and bands are drawn on (the span of `train --dump-curve`).
const GRID: usize = 101;
/// Loss points kept at most while the run trains (every k-th step, k doubling as it runs).
const MAX_LOSS_POINTS: usize = 2000;
/// Histogram bins of f(x*).
const BINS: usize = 30;

pub const POINTS: RGBColor = RGBColor(90, 90, 90);
pub const TRUE: RGBColor = RGBColor(0, 150, 60);
pub const RUN: RGBColor = RGBColor(190, 40, 170);
/// The trained nets (ensemble band and histogram).
pub const NETS: RGBColor = RGBColor(230, 140, 0);
pub const NTK_GP: RGBColor = RGBColor(210, 40, 40);
pub const POSTERIOR: RGBColor = RGBColor(0, 120, 200);
pub const MARK: RGBColor = RGBColor(60, 60, 60);

/// The figures asked for, each as (file name, SVG), computed before any file is written.
pub struct NetFigures {
    pub files: Vec<(&'static str, String)>,
    /// Nets that stopped before |∇L| < tol.
    pub unconverged: u64,
}

/// A band's edge two stds out, (x, mean + sign·2·std) at each grid point: the upper edge for
/// sign 1, the lower for −1.
fn edge(band: &Band, xs: &[f64], sign: f64) -> Vec<(f64, f64)> {
    xs.iter().zip(band.mean.iter().zip(&band.std)).map(|(&x, (m, s))| (x, m + sign * 2.0 * s)).collect()
}

/// Both edges' values, for the figure's range.
fn edge_values(band: &Band) -> impl Iterator<Item = f64> + '_ {
    band.mean.iter().zip(&band.std).flat_map(|(m, s)| [m - 2.0 * s, m + 2.0 * s])
}

/// Everything the four figures are drawn from.
struct Numbers {
    data: Dataset,
    net: Arc<Net>,
    opt: Optimizer,
    truth: Option<f64>,
    at: Vec<f64>,
    grid: Vec<f64>,
    /// f(x*) of each net at the first test point.
    f_star: Vec<f64>,
    /// The compare view's x* (the data's far end), and f there of each net.
    x_cmp: f64,
    f_cmp: Vec<f64>,
    nets: Band,
    ntk_gp: Band,
    posterior: Band,
    /// The theories at the first test point.
    star: Prediction,
    run: NetRun,
    run_curve: Vec<f64>,
    losses: Vec<(u64, f64)>,
    /// How the run from --init stopped, in the engine's words.
    stop: String,
    unconverged: u64,
}

/// Keeps every `stride`-th loss handed to it, doubling the stride whenever the buffer fills:
/// memory stays below 2·MAX_LOSS_POINTS however long the run.
struct LossLog {
    stride: u64,
    seen: u64,
    points: Vec<(u64, f64)>,
}

impl LossLog {
    fn new() -> LossLog {
        LossLog { stride: 1, seen: 0, points: Vec::new() }
    }
    fn push(&mut self, step: u64, loss: f64) {
        self.seen += 1;
        if !(self.seen - 1).is_multiple_of(self.stride) {
            return;
        }
        self.points.push((step, loss));
        if self.points.len() >= 2 * MAX_LOSS_POINTS {
            self.stride *= 2;
            let mut i = 0;
            self.points.retain(|_| {
                i += 1;
                i % 2 == 1
            });
        }
    }
}

/// The run from --init trained to its end, with its loss: at every step where it comes for free
/// (gd, exact), else read once an epoch (sgd reports none on its own).
fn train_logged(common: &Common, run: &mut NetRun) -> anyhow::Result<Vec<(u64, f64)>> {
    let mut log = LossLog::new();
    if run.optimizer == Optimizer::Sgd {
        log.push(0, run.loss0());
        let epoch = run.net.n() as u64;
        while !run.is_done() && run.steps < common.max_steps() {
            let until = (run.steps + epoch).min(common.max_steps());
            run.run_until(until, common.tol, None, |_, _| {})?;
            log.push(run.steps, run.loss());
        }
    } else {
        run.run_until(common.max_steps(), common.tol, None, |step, loss| log.push(step, loss))?;
    }
    if log.points.last().is_none_or(|p| p.0 < run.steps) {
        log.points.push((run.steps, run.loss()));
    }
    Ok(log.points)
}

/// The numbers of the figures; the nets are trained only when a figure shows them (`runs` 0: none).
fn compute(common: &Common, opt: Optimizer, runs: u64) -> anyhow::Result<Numbers> {
    let data = common.dataset()?;
    let net = common.net_on(&data)?;
    let at = common.test_points(&net)?;
    let grid = net::curve_grid(&data, GRID);
    let theory = NetTheory::new(&net)?;
    let mut run = NetRun::new(Arc::clone(&net), opt, common.lr_choice(), common.seed, common.init)?;
    let losses = train_logged(common, &mut run)?;
    let run_curve = run.f_at(&grid)?;
    let stop = stop_words(&run.status, opt, run.steps, common.max_steps(), common.tol).unwrap_or_default();
    // One ensemble reads each net at the test points and along the grid (run r uses init r).
    let cfg = crate::ensemble::EnsembleConfig { optimizer: opt, ..common.ensemble_config(opt) };
    let x_cmp = crate::predict::test_point(&data);
    let points: Vec<f64> = at.iter().chain([&x_cmp]).chain(&grid).copied().collect();
    let ends = net::train::endpoints(&net, &cfg, 0..runs, &points)?;
    let unconverged = ends.iter().filter(|e| !e.converged).count() as u64;
    let column = |j: usize| -> Vec<f64> { ends.iter().map(|e| e.f[j]).collect() };
    let (mut mean, mut std) = (Vec::with_capacity(GRID), Vec::with_capacity(GRID));
    for j in (0..grid.len()).filter(|_| runs > 0) {
        let (m, s) = theory::mean_std(&column(at.len() + 1 + j));
        mean.push(m);
        std.push(s);
    }
    let bands = theory.predict(&grid);
    let n = Numbers {
        f_star: column(0),
        x_cmp,
        f_cmp: column(at.len()),
        nets: Band { mean, std },
        ntk_gp: Band::of(&bands, |p| p.ntk_gp),
        posterior: Band::of(&bands, |p| p.posterior),
        star: theory.at(at[0]),
        truth: common.data.is_none().then_some(common.slope),
        data,
        net,
        opt,
        at,
        grid,
        run,
        run_curve,
        losses,
        stop,
        unconverged,
    };
    check_finite(&n)?;
    Ok(n)
}

/// NaN never reaches a figure: every number drawn is checked first.
fn check_finite(n: &Numbers) -> Result<(), Error> {
    let series: [(&str, &[f64]); 9] = [
        ("f(x*) of a net", &n.f_star),
        ("the nets' mean", &n.nets.mean),
        ("the nets' std", &n.nets.std),
        ("the NTK-GP mean", &n.ntk_gp.mean),
        ("the NTK-GP std", &n.ntk_gp.std),
        ("the posterior mean", &n.posterior.mean),
        ("the posterior std", &n.posterior.std),
        ("the run's f", &n.run_curve),
        ("x*", &n.at),
    ];
    let star = [n.star.ntk_gp.mean, n.star.ntk_gp.std, n.star.posterior.mean, n.star.posterior.std];
    for (name, v) in series.iter().copied().chain([("the theories at x*", &star[..])]) {
        if let Some(bad) = v.iter().find(|v| !v.is_finite()) {
            return Err(Error::NonFinite(format!("{name} came out as {bad}")));
        }
    }
    if let Some(bad) = n.losses.iter().find(|(_, l)| !l.is_finite()) {
        return Err(Error::NonFinite(format!("the loss at step {} came out as {}", bad.0, bad.1)));
    }
    Ok(())
}

/// The net's figures `views` names (`runs` nets from inits 0..runs, the run from --init).
pub fn figures(common: &Common, opt: Optimizer, runs: u64, views: &[FigureView]) -> anyhow::Result<NetFigures> {
    let trains = views.iter().any(|v| matches!(v, FigureView::Functions | FigureView::Endpoints | FigureView::Compare));
    let n = compute(common, opt, if trains { runs } else { 0 })?;
    let mut files = Vec::new();
    for &view in views {
        let svg = match view {
            FigureView::Functions => functions_svg(&n)?,
            FigureView::Data => data_svg(&n)?,
            FigureView::Endpoints => endpoints_svg(&n)?,
            FigureView::Loss => loss_svg(&n)?,
            FigureView::Compare => compare_svg(common, &n)?,
            FigureView::Gap => gap_svg(&n)?,
            FigureView::Ridge => ridge_svg(common, &n)?,
            FigureView::Drift => drift_svg(common, &n)?,
            FigureView::Risk => super::risk_plot::risk_svg(&super::risk_plot::numbers(common, opt)?)?,
        };
        files.push((view.file(), svg));
    }
    Ok(NetFigures { files, unconverged: n.unconverged })
}

/// Writes the net's figures `views` names (every one when it names none: functions.svg,
/// data.svg, endpoints.svg, loss.svg, ridge.svg, drift.svg, compare.svg, gap.svg, risk.svg) into `dir` and says so; returns the
/// warnings for stderr (unconverged nets), as `plot::plot` does.
pub fn plot(
    common: &Common,
    opt: Optimizer,
    dir: &Path,
    runs: u64,
    views: &[FigureView],
    out: &mut dyn Write,
) -> anyhow::Result<Vec<String>> {
    let views = super::chosen(views, &super::NET_VIEWS, true)?;
    let f = figures(common, opt, runs, &views)?;
    super::plot::write_figures(dir, f.files, out)?;
    let mut warnings = Vec::new();
    if f.unconverged > 0 {
        warnings.push(format!(
            "{} of {} nets stopped before |∇L| < tol {} (raise --steps): the figures say so",
            thousands(f.unconverged),
            thousands(runs),
            sig4(common.tol)
        ));
    }
    Ok(warnings)
}

/// "width 1,024, relu, all layers"
pub(crate) fn net_line(net: &Net) -> String {
    let train = if net.train == TrainMode::All { "all layers" } else { "last layer" };
    format!("width {}, {}, {train}", thousands(net.width as u64), net.act.name())
}

/// " · 3 of 100 unconverged" when some nets stopped early, else "".
fn unconverged_note(n: &Numbers) -> String {
    if n.unconverged == 0 {
        return String::new();
    }
    format!(" · {} of {} UNCONVERGED", thousands(n.unconverged), thousands(n.f_star.len() as u64))
}

fn optimizer_name(n: &Numbers) -> String {
    if n.opt == Optimizer::Exact && n.net.train == TrainMode::All {
        "exact (linearized)".into()
    } else {
        n.opt.name().to_string()
    }
}

/// The trained nets' band (mean ± 2 sd over inits) against the NTK-GP's and the posterior's
/// (THEORY.md, "The wide network"), the data, and x* marked.
fn functions_svg(n: &Numbers) -> anyhow::Result<String> {
    let (x0, x1) = (n.grid[0], n.grid[n.grid.len() - 1]);
    let (y0, y1) = padded(
        n.data
            .y
            .iter()
            .copied()
            .chain(edge_values(&n.nets))
            .chain(edge_values(&n.ntk_gp))
            .chain(edge_values(&n.posterior)),
    );
    let title = format!(
        "wide network ({}) · {} nets, {}{}",
        net_line(&n.net),
        thousands(n.f_star.len() as u64),
        optimizer_name(n),
        unconverged_note(n)
    );
    let (m, sd) = theory::mean_std(&n.f_star);
    let mut keys = vec![
        Key::line(format!("trained nets: at x* {} ± {}", sig4(m), sig4(sd)), NETS),
        Key::line(format!("NTK-GP: at x* {} ± {}", sig4(n.star.ntk_gp.mean), sig4(n.star.ntk_gp.std)), NTK_GP),
        Key::line(
            format!("posterior (Bayes): at x* {} ± {}", sig4(n.star.posterior.mean), sig4(n.star.posterior.std)),
            POSTERIOR,
        ),
        points_key_estimate(n.data.n(), POINTS),
    ];
    let stars: Vec<f64> = n.at.iter().copied().filter(|x| (x0..=x1).contains(x)).collect();
    if let Some(&x) = stars.first() {
        keys.push(Key::line(format!("x* = {}", sig4(x)), MARK));
    }
    let (ya, yb) = widened(y0, y1);
    svg(|root| {
        let (top, legend) = split_legend(root, &keys);
        let mut chart = chart(&top, &title, 17, (x0..x1, y0..y1), ("x", "f(x): mean ± 2 sd"))?;
        // The nets' band filled underneath; the theories as lines on top, told apart by colour
        // and by dash (NTK-GP long dashes, posterior short ones), so print in grey still reads.
        draw_nets_band(&mut chart, n)?;
        draw_theory_bands(&mut chart, n)?;
        for &x in &stars {
            chart.draw_series(DashedLineSeries::new([(x, ya), (x, yb)], 3, 3, MARK.stroke_width(1))).map_err(err)?;
        }
        keys[3] = draw_points(&mut chart, &n.data, POINTS)?;
        draw_legend(legend.as_ref(), &keys)
    })
}

/// The trained nets' band filled, its mean a thick line and its edges thin ones.
fn draw_nets_band(chart: &mut Chart<'_, '_>, n: &Numbers) -> anyhow::Result<()> {
    let mut outline = edge(&n.nets, &n.grid, 1.0);
    outline.extend(edge(&n.nets, &n.grid, -1.0).into_iter().rev());
    chart.draw_series([Polygon::new(outline, NETS.mix(0.25).filled())]).map_err(err)?;
    chart
        .draw_series(LineSeries::new(n.grid.iter().copied().zip(n.nets.mean.iter().copied()), NETS.stroke_width(3)))
        .map_err(err)?;
    for sign in [1.0, -1.0] {
        chart.draw_series(LineSeries::new(edge(&n.nets, &n.grid, sign), NETS.stroke_width(1))).map_err(err)?;
    }
    Ok(())
}

/// The NTK-GP's and the posterior's bands, each a dashed mean and two thin dashed edges.
fn draw_theory_bands(chart: &mut Chart<'_, '_>, n: &Numbers) -> anyhow::Result<()> {
    for (band, color, dash) in [(&n.ntk_gp, NTK_GP, 8), (&n.posterior, POSTERIOR, 3)] {
        chart
            .draw_series(DashedLineSeries::new(
                n.grid.iter().copied().zip(band.mean.iter().copied()),
                dash,
                4,
                color.stroke_width(2),
            ))
            .map_err(err)?;
        for sign in [1.0, -1.0] {
            chart
                .draw_series(DashedLineSeries::new(edge(band, &n.grid, sign), dash, 4, color.stroke_width(1)))
                .map_err(err)?;
        }
    }
    Ok(())
}

/// The points, the true line (generated data) and the trained f of the run from --init.
fn data_svg(n: &Numbers) -> anyhow::Result<String> {
    let (x0, x1) = (n.grid[0], n.grid[n.grid.len() - 1]);
    let truth_line: Vec<(f64, f64)> = n.truth.map(|t| vec![(x0, t * x0), (x1, t * x1)]).unwrap_or_default();
    let (y0, y1) = padded(n.data.y.iter().chain(&n.run_curve).copied().chain(truth_line.iter().map(|p| p.1)));
    let title = format!(
        "wide network ({}) · N = {} · {} from init {}",
        net_line(&n.net),
        thousands(n.data.n() as u64),
        optimizer_name(n),
        n.run.init_index
    );
    let converged = if n.run.converged() { "" } else { " (UNCONVERGED)" };
    let mut keys = vec![points_key_estimate(n.data.n(), POINTS)];
    if let Some(t) = n.truth {
        keys.push(Key::line(format!("true line, slope {}", sig4(t)), TRUE));
    }
    keys.push(Key::line(format!("trained net f, init {}{converged}", n.run.init_index), RUN));
    svg(|root| {
        let (top, legend) = split_legend(root, &keys);
        let mut chart = chart(&top, &title, 18, (x0..x1, y0..y1), ("x", "y"))?;
        if n.truth.is_some() {
            chart.draw_series(LineSeries::new(truth_line, TRUE.stroke_width(2))).map_err(err)?;
        }
        chart
            .draw_series(LineSeries::new(n.grid.iter().copied().zip(n.run_curve.iter().copied()), RUN.stroke_width(2)))
            .map_err(err)?;
        // The points last, over the curves, so the data always shows.
        keys[0] = draw_points(&mut chart, &n.data, POINTS)?;
        draw_legend(legend.as_ref(), &keys)
    })
}

/// The histogram of f(x*) over the nets (counts per bin), with the NTK-GP and the posterior
/// densities scaled to expected counts per bin.
fn endpoints_svg(n: &Numbers) -> anyhow::Result<String> {
    let (gp, post) = (n.star.ntk_gp, n.star.posterior);
    let spread = gp.std.max(post.std).max(f64::MIN_POSITIVE);
    let (lo, hi) = padded(n.f_star.iter().copied().chain([
        gp.mean - 4.0 * spread,
        gp.mean + 4.0 * spread,
        post.mean - 4.0 * spread,
        post.mean + 4.0 * spread,
    ]));
    let (lo, hi) = widened(lo, hi);
    let bw = (hi - lo) / BINS as f64;
    // Every finite value lies in [lo, hi]; the curves are scaled to the values counted (a
    // non-finite one is in no bin).
    let counts = theory::bin(&n.f_star, [lo, hi], BINS);
    let runs = counts.iter().sum::<u64>() as f64;
    let expected = |d: Normal, x: f64| d.pdf(x) * runs * bw;
    let peak = counts.iter().map(|&c| c as f64).fold(expected(gp, gp.mean).max(expected(post, post.mean)), f64::max);
    let curve = |d: Normal| -> Vec<(f64, f64)> {
        (0..=400).map(|i| lo + (hi - lo) * i as f64 / 400.0).map(|x| (x, expected(d, x))).collect()
    };
    let title = endpoints_title(n);
    let theories = [("NTK-GP", gp, NTK_GP), ("posterior (Bayes)", post, POSTERIOR)];
    let mut keys = vec![Key::bar("trained nets", NETS, 0.6)];
    keys.extend(
        theories.iter().map(|(name, d, c)| Key::line(format!("{name} {} ± {}", sig4(d.mean), sig4(d.std)), *c)),
    );
    svg(|root| {
        let (top, legend) = split_legend(root, &keys);
        let mut chart = chart(&top, &title, 15, (lo..hi, 0.0..peak * 1.05), ("f(x*)", "nets per bin"))?;
        chart
            .draw_series(counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, &c)| {
                let x = lo + i as f64 * bw;
                Rectangle::new([(x, 0.0), (x + bw, c as f64)], NETS.mix(0.6).filled())
            }))
            .map_err(err)?;
        for (_, d, color) in theories {
            chart.draw_series(LineSeries::new(curve(d), color.stroke_width(2))).map_err(err)?;
        }
        draw_legend(legend.as_ref(), &keys)
    })
}

/// "f(x* = …) of … nets (gd) · mean ± std · KS vs NTK-GP …, vs posterior …"
fn endpoints_title(n: &Numbers) -> String {
    let (m, s) = theory::mean_std(&n.f_star);
    format!(
        "f(x* = {}) of {} nets ({}) · {} ± {} · KS vs NTK-GP {:.3}, vs posterior {:.3}{}",
        sig4(n.at[0]),
        thousands(n.f_star.len() as u64),
        optimizer_name(n),
        sig4(m),
        sig4(s),
        theory::ks_test(&n.f_star, n.star.ntk_gp).d,
        theory::ks_test(&n.f_star, n.star.posterior).d,
        unconverged_note(n)
    )
}

/// The run's loss (½ Σ residual², noise block included) on a logarithmic axis.
fn loss_svg(n: &Numbers) -> anyhow::Result<String> {
    let stop = if n.run.converged() { n.stop.clone() } else { format!("UNCONVERGED ({})", n.stop) };
    let title = format!(
        "loss of {} on the wide network (init {}) · {} steps, {stop}",
        optimizer_name(n),
        n.run.init_index,
        thousands(n.run.steps)
    );
    super::plot::log_loss_svg(title, &n.losses)
}

/// compare.svg with the net: the three lines' endpoints (as many runs as nets, under the same
/// optimizer) and the nets', all at the data's far end x*, as the explorer's compare view shows
/// them once the net has been shown.
fn compare_svg(common: &Common, n: &Numbers) -> anyhow::Result<String> {
    let x = n.x_cmp;
    let (mut panels, _) = super::plot::line_panels(common, &n.data, n.opt, n.f_cmp.len() as u64, x)?;
    panels.push(Panel {
        name: "net".to_string(),
        values: Ok(n.f_cmp.clone()),
        theory: Some(crate::predict::net_theory_at(&NetTheory::new(&n.net)?.at(x))),
        unconverged: n.unconverged,
        unit: "nets",
    });
    let truth = n.truth.map(|t| t * x);
    views::compare_svg(&Compare { x, truth, optimizer: optimizer_name(n), panels })
}

/// "wide network (width 1,024, relu, all layers) · gd from init 0, 4,903 steps"
fn run_line(n: &Numbers) -> String {
    format!(
        "wide network ({}) · {} from init {}, {} steps",
        net_line(&n.net),
        optimizer_name(n),
        n.run.init_index,
        thousands(n.run.steps)
    )
}

/// ridge.svg: the plane through the run's end, as the explorer's ridge view computes it.
fn ridge_svg(common: &Common, n: &Numbers) -> anyhow::Result<String> {
    use crate::net::ridge::{CURVE_BETAS, NetPlane, kinks, straight};
    let (net, run) = (&n.net, &n.run);
    let plane = NetPlane::new(net, &run.theta0, &run.theta, common.seed, run.init_index)?;
    let (alphas, betas) = (net_views::cell_centres(CELLS.0), net_views::cell_centres(CELLS.1));
    let never = || false;
    let grid = plane.log_loss_grid(net, &alphas, &betas, crate::ridge::LOSS_FLOOR, &never).unwrap_or_default();
    let both: Vec<f64> = CURVE_BETAS.iter().flat_map(|&b| [-b, b]).collect();
    let curve = plane.zero_loss_curve(net, &both, &never)?.unwrap_or_default();
    if let Some(bad) = grid.iter().find(|v| v.is_nan()) {
        return Err(Error::NonFinite(format!("the loss on the ridge plane came out as {bad}")).into());
    }
    net_views::net_ridge_svg(&NetRidgeShown {
        exponent: plane.null_line_exponent(net),
        kinks: kinks(net, run.theta.as_slice().unwrap_or(&[])),
        straight: straight(net),
        plane: &plane,
        grid: &grid,
        curve: &curve,
        what: run_line(n),
    })
}

/// drift.svg: the run's θ − θ0 and GD from the same init at each width of the explorer's sweep.
fn drift_svg(common: &Common, n: &Numbers) -> anyhow::Result<String> {
    use crate::net::drift::{SWEEP_WIDTHS, exponents, train_width};
    let theory = NetTheory::new(&n.net)?;
    let spec = common.net_spec();
    let mut rows = Vec::new();
    for width in SWEEP_WIDTHS {
        let key = (common.seed, n.run.init_index);
        let row = train_width(
            NetSpec { width, ..spec },
            &n.data,
            n.net.sigma,
            &theory,
            key,
            (common.max_steps(), common.tol),
            &|| false,
        )?;
        rows.extend(row);
    }
    net_views::net_drift_svg(&run_line(n), &n.run.theta0, &n.run.theta, &rows, exponents(&rows))
}

/// gap.svg: (NTK-GP mean − posterior mean) / posterior sd along the curve grid, x* marked.
fn gap_svg(n: &Numbers) -> anyhow::Result<String> {
    let at = (n.star.ntk_gp.mean - n.star.posterior.mean) / n.star.posterior.std;
    views::gap_svg(&Gap {
        grid: &n.grid,
        ntk_gp: &n.ntk_gp.mean,
        post_mean: &n.posterior.mean,
        post_sd: &n.posterior.std,
        data: net::data_range(&n.data),
        at: Some((n.at[0], at)),
        net: net_line(&n.net),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loss_log_stays_bounded_and_keeps_step_zero() {
        let mut log = LossLog::new();
        for step in 0..1_000_000 {
            log.push(step, 1.0 / (step + 1) as f64);
        }
        assert!(log.points.len() < 2 * MAX_LOSS_POINTS, "{}", log.points.len());
        assert!(log.points.len() >= MAX_LOSS_POINTS / 2, "{}", log.points.len());
        assert_eq!(log.points[0].0, 0);
        // Evenly spaced: every kept step is a multiple of the final stride, in order.
        assert!(log.points.windows(2).all(|w| w[1].0 - w[0].0 == log.stride));
    }
}
