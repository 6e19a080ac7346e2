//! `overparam bench`: every speed and memory figure the project promises, measured in one run
//! on this machine. The criterion benches (`cargo bench`) measure the same code paths.

use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::data::DataSpec;
use crate::ensemble::{self, EnsembleConfig};
use crate::error::Result;
use crate::model::{Model, ModelKind};
use crate::optim::{LrChoice, Optimizer, Run};

/// A streaming pass over θ that reads and writes every element once (θ ← θ + 0): the memory
/// floor a GD step of the same vector is compared with.
#[inline(never)]
pub fn stream_pass(theta: &mut [f64]) {
    let d = black_box(0.0);
    theta.iter_mut().for_each(|v| *v += d);
}

/// Seconds per call of `f`: the fastest of several batches, each long enough to time well.
pub fn time_per_call(mut f: impl FnMut(), budget: Duration) -> f64 {
    let mut batch = 1u64;
    loop {
        let t = Instant::now();
        for _ in 0..batch {
            f();
        }
        if t.elapsed() > budget / 50 {
            break;
        }
        batch *= 2;
    }
    let deadline = Instant::now() + budget;
    let mut best = f64::INFINITY;
    while Instant::now() < deadline {
        let t = Instant::now();
        for _ in 0..batch {
            f();
        }
        best = best.min(t.elapsed().as_secs_f64() / batch as f64);
    }
    best
}

pub fn very_model(n: usize, m: usize) -> Result<Arc<Model>> {
    let data = DataSpec { n, ..DataSpec::default() }.generate()?;
    Model::new(ModelKind::Very, data, 1.0, m).map(Arc::new)
}

/// Seconds per GD step of the very model, and per streaming pass over the same θ.
pub fn gd_step_time(n: usize, m: usize, budget: Duration) -> Result<(f64, f64)> {
    let model = very_model(n, m)?;
    let mut run = Run::new(Arc::clone(&model), Optimizer::Gd, LrChoice::default(), 1, 0)?;
    let step = time_per_call(
        || {
            // Replaying keeps the run far from convergence, so every step is a full update.
            if run.steps >= 10_000 {
                run.replay();
            }
            black_box(run.step().ok());
        },
        budget,
    );
    let mut theta = run.theta0.to_vec();
    let stream = time_per_call(|| stream_pass(black_box(&mut theta)), budget);
    Ok((step, stream))
}

/// Endpoint slopes per second for an ensemble of `runs` (all cores).
pub fn ensemble_rate(model: &Arc<Model>, optimizer: Optimizer, runs: u64) -> Result<f64> {
    let cfg = EnsembleConfig { optimizer, lr: LrChoice::default(), max_steps: 1_000_000, tol: 1e-9, seed: 1 };
    ensemble::endpoint_slopes(model, &cfg, 0..runs.min(8))?; // warm up the thread pool
    let t = Instant::now();
    let slopes = ensemble::endpoint_slopes(model, &cfg, 0..runs)?;
    black_box(slopes);
    Ok(runs as f64 / t.elapsed().as_secs_f64())
}

/// Peak resident set size of this process in bytes (Linux), if known.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// One row of the report.
pub struct Row {
    pub what: String,
    pub measured: String,
    pub target: String,
    pub ok: Option<bool>,
}

fn us(s: f64) -> String {
    format!("{:.3} µs", s * 1e6)
}

/// Runs every measurement and returns the rows; `quick` shortens each for tests.
pub fn engine_rows(quick: bool) -> Result<Vec<Row>> {
    let budget = Duration::from_millis(if quick { 20 } else { 400 });
    let mut rows = Vec::new();
    let (step, stream) = gd_step_time(100, 100, budget)?;
    rows.push(Row {
        what: "GD step, very, N=100 M=100 (k=10,001), 1 thread".into(),
        measured: us(step),
        target: "≤ 1.2 µs".into(),
        ok: Some(step <= 1.2e-6),
    });
    rows.push(Row {
        what: "  streaming read+write of the same θ".into(),
        measured: us(stream),
        target: String::new(),
        ok: None,
    });
    rows.push(Row {
        what: "  step ÷ stream".into(),
        measured: format!("{:.2}×", step / stream),
        target: "≤ 2×".into(),
        ok: Some(step / stream <= 2.0),
    });
    let (step_m, stream_m) = gd_step_time(100, 1000, budget)?;
    rows.push(Row {
        what: "GD step, very, N=100 M=1,000 (k=100,001)".into(),
        measured: format!("{} ({:.2}× stream)", us(step_m), step_m / stream_m),
        target: "≤ 2× stream".into(),
        ok: Some(step_m / stream_m <= 2.0),
    });
    let model = very_model(100, 100)?;
    let threads = rayon::current_num_threads();
    let exact = ensemble_rate(&model, Optimizer::Exact, if quick { 2_000 } else { 200_000 })?;
    rows.push(Row {
        what: format!("ensemble, very, exact ({threads} threads)"),
        measured: format!("{:.0} slopes/s", exact),
        target: "≥ 100,000/s".into(),
        ok: Some(exact >= 100_000.0),
    });
    for (opt, runs) in [(Optimizer::Cg, 2_000), (Optimizer::Sgd, 100), (Optimizer::Gd, 20)] {
        let runs = if quick { runs / 10 } else { runs }.max(2);
        let rate = ensemble_rate(&model, opt, runs)?;
        rows.push(Row {
            what: format!("ensemble, very, {} ({threads} threads)", opt.name()),
            measured: format!("{rate:.1} slopes/s"),
            target: "per-step bound".into(),
            ok: None,
        });
    }
    let mut base: Option<(f64, f64)> = None;
    for n in [100usize, 1_000, 10_000] {
        let (step, _) = gd_step_time(n, 100, budget)?;
        let m = very_model(n, 100)?;
        let rate = ensemble_rate(&m, Optimizer::Exact, if quick { 200 } else { (2_000_000 / n) as u64 })?;
        let k = n * 100 + 1;
        let (s0, r0) = *base.get_or_insert((step, rate));
        rows.push(Row {
            what: format!("scaling N={n} (k={k})"),
            measured: format!(
                "step {} ({:.1}× N=100) · exact {:.0}/s ({:.1}× slower)",
                us(step),
                step / s0,
                rate,
                r0 / rate
            ),
            target: format!("~{}× (linear in k)", n / 100),
            ok: None,
        });
    }
    Ok(rows)
}

/// Explorer figures: frame time, bytes per frame, first frame, memory. Filled in with the explorer.
pub fn explorer_rows(_quick: bool) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    if let Some(rss) = peak_rss() {
        rows.push(Row {
            what: "peak RSS of this process".into(),
            measured: format!("{:.1} MB", rss as f64 / 1e6),
            target: "≤ 30 MB".into(),
            ok: Some(rss as f64 <= 30e6),
        });
    }
    Ok(rows)
}

/// The report as an aligned table.
pub fn report(rows: &[Row]) -> String {
    let w0 = rows.iter().map(|r| r.what.chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.measured.chars().count()).max().unwrap_or(0);
    let w2 = rows.iter().map(|r| r.target.chars().count()).max().unwrap_or(0);
    let mut s = String::new();
    for r in rows {
        let mark = match r.ok {
            Some(true) => "ok",
            Some(false) => "MISSED",
            None => "",
        };
        let pad = |t: &str, w: usize| format!("{t}{}", " ".repeat(w - t.chars().count()));
        let _ = writeln!(s, "{}  {}  {}  {mark}", pad(&r.what, w0), pad(&r.measured, w1), pad(&r.target, w2));
    }
    s
}
