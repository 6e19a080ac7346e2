//! risk.svg (`overparam plot --model net`): does it overfit? The last-layer net's expected test
//! error against its trained parameters p on log–log axes, one curve per σn (0: no noise
//! parameters, p = M + 1; and --noise, p = M + 1 + N), the interpolation threshold p = N marked,
//! nets trained for real as points with ± se bars, the three lines as points at their p, the
//! traditional line's error as the horizontal reference (THEORY.md, "Does it overfit?").

use plotters::prelude::*;

use crate::args::Common;
use crate::error::Error;
use crate::format::{sig4, thousands};
use crate::net::{Act, NetSpec, TrainMode};
use crate::optim::Optimizer;
use crate::report::ensure_finite;
use crate::risk::curve::{self, Curve, CurveSpec, WIDTHS, trained_params};
use crate::risk::trained::{TRAINED_RUNS, TRAINED_WIDTHS, TrainedSummary, trained_errors};

use super::figure::{Key, caption_size, draw_legend, err, split_legend, svg};
use super::views::{decade_ticks, log_log_chart};

/// Feature draws per width.
const DRAWS: u64 = 16;

pub const NO_NOISE: RGBColor = RGBColor(210, 40, 40);
pub const NOISE: RGBColor = RGBColor(0, 120, 200);
pub const TRAINED: RGBColor = RGBColor(230, 140, 0);
pub const LINE: RGBColor = RGBColor(0, 150, 60);
pub const MARK: RGBColor = RGBColor(60, 60, 60);

/// The numbers the figure is drawn from.
pub struct RiskNumbers {
    pub curve: Curve,
    /// The features' φ.
    pub act: Act,
    pub sigma: f64,
    pub trained: Vec<(usize, TrainedSummary)>,
    pub test: String,
    /// The trained nets' optimizer, as the other figures name it.
    pub optimizer: String,
    /// Feature draws per width behind each closed-form point.
    pub draws: u64,
}

/// Computes the curve (last layer, σn = 0 and --noise) and trains the nets.
pub fn numbers(common: &Common, opt: Optimizer) -> Result<RiskNumbers, Error> {
    let (data, test) = common.train_test()?;
    let act = common.act.unwrap_or_default();
    let spec = CurveSpec {
        act,
        train: TrainMode::Last,
        widths: WIDTHS.to_vec(),
        sigmas: vec![0.0, common.noise],
        draws: DRAWS,
        seed: common.seed,
    };
    let c = curve::curve(&data, &test, &spec, common.noise, crate::args::DEFAULT_SOURCES)?;
    let cfg = common.ensemble_config(opt);
    let mut trained = Vec::new();
    for m in TRAINED_WIDTHS {
        let net = NetSpec { width: m, act, train: TrainMode::Last }.build(&data, common.noise)?;
        trained.push((m, TrainedSummary::of(&trained_errors(&net, &cfg, &test, 0..TRAINED_RUNS)?)));
    }
    let mut checks: Vec<(&str, f64)> =
        c.rows.iter().filter_map(|r| r.closed.as_ref()).map(|s| ("expected test error", s.mean)).collect();
    checks.extend(trained.iter().map(|(_, t)| ("trained test error", t.mean)));
    ensure_finite(&checks)?;
    let optimizer = optimizer_name(opt);
    Ok(RiskNumbers { curve: c, act, sigma: common.noise, trained, test: test.describe(), optimizer, draws: DRAWS })
}

/// How the trained nets' optimizer is named in the legend.
pub fn optimizer_name(opt: Optimizer) -> String {
    if opt == Optimizer::Exact { "exact (linearized)".to_string() } else { opt.name().to_string() }
}

/// ", 5 of 24 UNCONVERGED" when some trained nets stopped before |∇L| < tol, else "".
fn unconverged(n: &RiskNumbers) -> String {
    let runs: u64 = n.trained.iter().map(|(_, t)| t.runs).sum();
    let off = runs - n.trained.iter().map(|(_, t)| t.converged).sum::<u64>();
    if off == 0 { String::new() } else { format!(", {off} of {runs} UNCONVERGED") }
}

/// Nets trained at each width: "8", or "3–8" while an explorer export is still filling.
fn runs_each(n: &RiskNumbers) -> String {
    let runs = n.trained.iter().map(|(_, t)| t.runs);
    let (lo, hi) = (runs.clone().min().unwrap_or(0), runs.max().unwrap_or(0));
    if lo == hi { lo.to_string() } else { format!("{lo}–{hi}") }
}

/// A curve as drawn: its colour, its legend label and its (log p, log error) points.
type Curve2 = (RGBColor, String, Vec<(f64, f64)>);

/// The lines as drawn: each one's trained parameters and expected error, named.
fn line_points(c: &Curve) -> [(String, f64, f64); 3] {
    let l = &c.lines;
    let names = ["traditional", "slightly", "very"];
    let errs = [l.traditional.total, l.slightly.total, l.very.total];
    [0, 1, 2].map(|i| (names[i].to_string(), c.line_params[i] as f64, errs[i]))
}

/// The figure: log10 of trained parameters p against log10 of the test error, the legend below
/// the plot.
pub fn risk_svg(n: &RiskNumbers) -> anyhow::Result<String> {
    let lg = |v: f64| v.max(1e-300).log10();
    let c = &n.curve;
    let nn = c.threshold_params;
    let lines = line_points(c);
    let mut ys: Vec<f64> = c.rows.iter().filter_map(|r| r.closed.as_ref()).map(|s| lg(s.mean)).collect();
    ys.extend(lines.iter().map(|l| lg(l.2)));
    ys.extend(n.trained.iter().flat_map(|(_, t)| [lg(t.mean + t.se), lg((t.mean - t.se).max(t.mean * 0.1))]));
    let (y0, y1) = ys.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let xs = c.rows.iter().map(|r| r.p as f64).chain(lines.iter().map(|l| l.1));
    let x1 = lg(xs.fold(1.0, f64::max));
    let (xt, yt) = (decade_ticks(0.0, x1), decade_ticks(y0, y1));
    let (xa, xb, ya, yb) = (xt[0], xt[xt.len() - 1], yt[0], yt[yt.len() - 1]);
    let curves: Vec<Curve2> = [(0.0, NO_NOISE), (n.sigma, NOISE)]
        .into_iter()
        .map(|(sigma, color)| {
            let pts: Vec<(f64, f64)> = c
                .rows
                .iter()
                .filter(|r| r.sigma == sigma)
                .filter_map(|r| r.closed.as_ref().map(|s| (lg(r.p as f64), lg(s.mean))))
                .collect();
            let inf = c.infinite.iter().find(|i| i.sigma == sigma).map(|i| i.expected.total);
            let name = if sigma == 0.0 {
                "σn = 0 (no noise parameters, p = M + 1)".to_string()
            } else {
                format!("σn = {} (p = M + 1 + N)", sig4(sigma))
            };
            let inf = inf.map_or(String::new(), |v| format!("; width → ∞ {}", sig4(v)));
            (color, format!("{name}: closed form{inf}"), pts)
        })
        .collect();
    let mut keys = vec![
        Key::line(format!("threshold: p = N = {nn} (M = {})", c.threshold_width), MARK),
        Key::line(format!("traditional line {}", sig4(lines[0].2)), LINE),
        Key::dot(
            format!(
                "the lines at their p: traditional (1), slightly ({}) {}, very ({}) {}",
                thousands(lines[1].1 as u64),
                sig4(lines[1].2),
                thousands(lines[2].1 as u64),
                sig4(lines[2].2)
            ),
            LINE,
        ),
    ];
    keys.extend(curves.iter().map(|(color, label, _)| Key::line(label.clone(), *color)));
    if !n.trained.is_empty() {
        keys.push(Key::dot(
            format!("{} nets trained by {} ± se (σn = {}){}", runs_each(n), n.optimizer, sig4(n.sigma), unconverged(n)),
            TRAINED,
        ));
    }
    let title = format!(
        "does it overfit? test error against trained parameters ({}, last layer, {} draws) · {}",
        n.act.name(),
        n.draws,
        n.test
    );
    svg(|root| {
        let (top, legend) = split_legend(root, &keys);
        let caption = (title.as_str(), caption_size(&title, 16));
        let names =
            ("trained parameters p (log): the net's M + 1 output weights, + N noise parameters", "test error (log)");
        let mut ch = log_log_chart(&top, caption, (xt, yt), names)?;
        let thr = lg(nn as f64);
        ch.draw_series(LineSeries::new(vec![(thr, ya), (thr, yb)], MARK.stroke_width(1))).map_err(err)?;
        let line = lg(lines[0].2);
        ch.draw_series(LineSeries::new(vec![(xa, line), (xb, line)], LINE.stroke_width(2))).map_err(err)?;
        for (color, _, pts) in &curves {
            ch.draw_series(LineSeries::new(pts.clone(), color.stroke_width(2))).map_err(err)?;
            ch.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled()))).map_err(err)?;
        }
        ch.draw_series(lines.iter().map(|l| Circle::new((lg(l.1), lg(l.2)), 6, LINE.filled()))).map_err(err)?;
        for (m, t) in &n.trained {
            let x = lg(trained_params(*m, nn, n.sigma, TrainMode::Last) as f64);
            let (lo, hi) = (lg((t.mean - t.se).max(t.mean * 0.1)), lg(t.mean + t.se));
            ch.draw_series(LineSeries::new(vec![(x, lo), (x, hi)], TRAINED.stroke_width(2))).map_err(err)?;
            ch.draw_series([Circle::new((x, lg(t.mean)), 5, TRAINED.filled())]).map_err(err)?;
        }
        draw_legend(legend.as_ref(), &keys)
    })
}
