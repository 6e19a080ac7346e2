//! The net's rows: a GD step against the machine's multiply-add rate, ensembles, peak memory.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Row;
use super::measure::*;
use crate::data::DataSpec;
use crate::ensemble::EnsembleConfig;
use crate::error::Result;
use crate::optim::{LrChoice, Optimizer};

/// Seconds per full-batch GD step of the net (all layers) at N points and width M, and flops
/// per second of `madd_pass` over the same N·M pairs.
pub fn net_step_time(n: usize, m: usize, act: crate::net::Act, budget: Duration) -> Result<(f64, f64)> {
    let data = DataSpec { n, ..DataSpec::default() }.generate()?;
    let net = crate::net::NetSpec { width: m, act, train: crate::net::TrainMode::All }.build(&data, 1.0)?;
    let mut run = crate::net::NetRun::new(Arc::clone(&net), Optimizer::Gd, LrChoice::default(), 1, 0)?;
    let step = time_per_call(
        || {
            if run.steps >= 2_000 {
                run.replay();
            }
            black_box(run.step().ok());
        },
        budget,
    );
    let w: Vec<f64> = run.theta0.iter().take(m).copied().collect();
    let madd = time_per_call(|| _ = black_box(crate::net::model::madd_pass(black_box(&w), black_box(&net.xt))), budget);
    Ok((step, 2.0 * (n * m) as f64 / madd))
}

/// Seconds for `runs` GD-trained nets to convergence on the demo data (N = 100) at `width`, on
/// every core.
pub fn net_ensemble_time(width: usize, runs: u64) -> Result<f64> {
    let data = DataSpec::default().generate()?;
    let net = crate::net::NetSpec { width, act: crate::net::Act::Relu, train: crate::net::TrainMode::All }
        .build(&data, 1.0)?;
    let cfg =
        EnsembleConfig { optimizer: Optimizer::Gd, lr: LrChoice::default(), max_steps: 1_000_000, tol: 1e-9, seed: 1 };
    let t = Instant::now();
    black_box(crate::net::train::endpoints(&net, &cfg, 0..runs, &[5.0])?);
    Ok(t.elapsed().as_secs_f64())
}

/// The net's rows: GD step speed against its targets and the multiply-add loop, cost per N·M,
/// and an ensemble at the default width.
pub fn net_rows(quick: bool) -> Result<Vec<Row>> {
    let budget = Duration::from_millis(if quick { 20 } else { 400 });
    let mut rows = Vec::new();
    let mut base = None;
    use crate::net::Act::{Erf, Relu};
    for (n, m, act, target) in [
        (30usize, 4096usize, Relu, Some(150e-6)),
        (100, 1024, Relu, Some(120e-6)),
        (100, 256, Relu, None),
        (100, 4096, Relu, None),
        (400, 1024, Relu, None),
        (100, 1024, Erf, None),
    ] {
        let (step, madd_rate) = net_step_time(n, m, act, budget)?;
        let rate = 11.0 * (n * m) as f64 / step;
        let per = step / (n * m) as f64;
        let b = *base.get_or_insert(per);
        rows.push(Row {
            what: format!("net GD step, N={n} M={m} ({}, all layers), 1 thread", act.name()),
            measured: format!(
                "{} ({:.2} GFlop/s, {:.2} ns per N·M, {:.2}× the first row's)",
                us(step),
                rate / 1e9,
                per * 1e9,
                per / b
            ),
            target: target.map_or(String::new(), |t| format!("≤ {:.0} µs", t * 1e6)),
            ok: target.map(|t| step <= t),
        });
        if act == Erf {
            rows.push(erf_ratio_row(erf_step_ratio(n, m, budget)?));
        }
        if target.is_some() {
            rows.push(Row {
                what: "  step's flop rate ÷ multiply-add loop's".into(),
                measured: format!("{:.2} ({:.2} GFlop/s loop)", rate / madd_rate, madd_rate / 1e9),
                target: "≥ 0.33".into(),
                ok: Some(rate / madd_rate >= 1.0 / 3.0),
            });
        }
    }
    let width = crate::args::DEFAULT_WIDTH;
    let runs = if quick { 4 } else { 200 };
    let secs = net_ensemble_time(width, runs)?;
    let threads = rayon::current_num_threads();
    let for200 = secs * 200.0 / runs as f64;
    rows.push(Row {
        what: format!("net ensemble: 200 GD nets, N=100, width {width} ({threads} threads)"),
        measured: format!("{:.1} s{}", for200, if quick { " (from 4 runs)" } else { "" }),
        target: "≤ 30 s".into(),
        ok: Some(for200 <= 30.0),
    });
    let rss = if quick { None } else { net_ensemble_peak_rss() };
    rows.push(Row {
        what: "peak RSS: ensemble of 1,000 nets at M=4096 (exact, N=100)".into(),
        measured: match rss {
            Some(b) => format!("{:.1} MB", b as f64 / 1e6),
            None if quick => "n/a (skipped by --quick)".into(),
            None => "n/a (could not be measured here)".into(),
        },
        target: "≤ 50 MB".into(),
        ok: rss.map(|b| b <= 50_000_000),
    });
    Ok(rows)
}

/// An erf step costs at most this many ReLU steps of the same size: erf has no instruction, so
/// each z costs a 16-piece polynomial of degree 10 (and e^{−z²} in the backward pass) where
/// ReLU's costs a max or a compare.
pub const ERF_STEP_RATIO: f64 = 8.0;

/// An erf step's time over a ReLU step's at N points and width M: each the fastest of three
/// measurements taken in turn, so a busy spell on the machine slows both alike.
pub fn erf_step_ratio(n: usize, m: usize, budget: Duration) -> Result<f64> {
    let (mut relu, mut erf) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..3 {
        relu = relu.min(net_step_time(n, m, crate::net::Act::Relu, budget / 2)?.0);
        erf = erf.min(net_step_time(n, m, crate::net::Act::Erf, budget / 2)?.0);
    }
    Ok(erf / relu)
}

/// An erf step against a ReLU step of the same size, and its target.
fn erf_ratio_row(ratio: f64) -> Row {
    Row {
        what: "  erf step ÷ ReLU step of the same size".into(),
        measured: format!("{ratio:.2}×"),
        target: format!("≤ {ERF_STEP_RATIO:.0}×"),
        ok: Some(ratio <= ERF_STEP_RATIO),
    }
}

/// Peak RSS of `overparam ensemble --model net --width 4096 --runs 1000` in a process of its own
/// (a high-water mark, so it cannot share this one), read from /proc while it runs. Exact ends
/// keep it to seconds; each net still builds its full θ and empirical kernel.
pub fn net_ensemble_peak_rss() -> Option<u64> {
    child_peak_rss(&["ensemble", "--model", "net", "--width", "4096", "--runs", "1000", "--optimizer", "exact"])
}
