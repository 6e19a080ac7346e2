//! The engine's rows: a GD step of the very model against a memory pass, the rounding floor,
//! ensembles per optimizer, and how they scale with N.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Row;
use super::measure::*;
use crate::data::DataSpec;
use crate::ensemble::{self, EnsembleConfig};
use crate::error::Result;
use crate::model::{Model, ModelKind};
use crate::optim::{LrChoice, Optimizer, Run};

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

/// Seconds per GD step of the very model in the rounding-floor stretch (r recomputed from θ
/// every step), and per ordinary step: batches of the two alternate, and each keeps its fastest,
/// so a busy machine slows both alike.
pub fn floor_step_time(n: usize, m: usize, budget: Duration) -> Result<(f64, f64)> {
    let model = very_model(n, m)?;
    let mut normal_run = Run::new(Arc::clone(&model), Optimizer::Gd, LrChoice::default(), 1, 0)?;
    let mut floor_run = normal_run.clone();
    while !floor_run.at_rounding_floor() && floor_run.steps < 1_000_000 {
        floor_run.step()?;
    }
    if !floor_run.at_rounding_floor() {
        return Err(crate::error::invalid!("the bench run never reached the rounding floor"));
    }
    const BATCH: u32 = 2_000;
    let (mut normal, mut floor) = (f64::INFINITY, f64::INFINITY);
    let deadline = Instant::now() + budget;
    while Instant::now() < deadline {
        // Replaying keeps this run far from convergence, so every step is an ordinary one.
        if normal_run.steps >= 10_000 {
            normal_run.replay();
        }
        let t = Instant::now();
        for _ in 0..BATCH {
            black_box(normal_run.step().ok());
        }
        normal = normal.min(t.elapsed().as_secs_f64() / f64::from(BATCH));
        // Stepping on stays at the floor: the loss cannot get below rounding.
        let t = Instant::now();
        for _ in 0..BATCH {
            black_box(floor_run.step().ok());
        }
        floor = floor.min(t.elapsed().as_secs_f64() / f64::from(BATCH));
    }
    if !floor_run.at_rounding_floor() {
        return Err(crate::error::invalid!("the bench run left the rounding floor"));
    }
    Ok((floor, normal))
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

/// Runs every measurement and returns the rows; `quick` shortens each for tests.
pub fn engine_rows(quick: bool) -> Result<Vec<Row>> {
    let budget = Duration::from_millis(if quick { 20 } else { 400 });
    let mut rows = step_rows(budget)?;
    rows.extend(ensemble_rows(quick)?);
    rows.extend(scaling_rows(quick, budget)?);
    Ok(rows)
}

/// The very model's GD step against a read+write pass over θ, at the rounding floor, and at M = 1,000.
fn step_rows(budget: Duration) -> Result<Vec<Row>> {
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
    let (floor, normal) = floor_step_time(100, 100, 2 * budget)?;
    rows.push(Row {
        what: "  rounding-floor stretch step ÷ normal step".into(),
        measured: format!("{:.2}× ({} vs {})", floor / normal, us(floor), us(normal)),
        target: "≤ 1.5×".into(),
        ok: Some(floor / normal <= 1.5),
    });
    let (step_m, stream_m) = gd_step_time(100, 1000, budget)?;
    rows.push(Row {
        what: "GD step, very, N=100 M=1,000 (k=100,001)".into(),
        measured: format!("{} ({:.2}× stream)", us(step_m), step_m / stream_m),
        target: "≤ 2× stream".into(),
        ok: Some(step_m / stream_m <= 2.0),
    });
    Ok(rows)
}

/// Ensembles of the very model: the closed-form limits, and each trained optimizer against the
/// bound its per-step cost sets.
fn ensemble_rows(quick: bool) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    let model = very_model(100, 100)?;
    let threads = rayon::current_num_threads();
    let exact = ensemble_rate(&model, Optimizer::Exact, if quick { 2_000 } else { 200_000 })?;
    rows.push(Row {
        what: format!("ensemble, very, exact ({threads} threads)"),
        measured: format!("{} slopes/s", crate::format::thousands(exact as u64)),
        target: "≥ 100,000/s".into(),
        ok: Some(exact >= 100_000.0),
    });
    for (opt, runs) in [(Optimizer::Cg, 2_000), (Optimizer::Sgd, 100), (Optimizer::Gd, 20)] {
        let runs = if quick { runs / 10 } else { runs }.max(2);
        let rate = ensemble_rate(&model, opt, runs)?;
        // The bound: every thread busy with nothing but steps, at the measured cost per step.
        let sequential = runs.min(20);
        let t = Instant::now();
        let mut steps = 0;
        for i in 0..sequential {
            let mut one = Run::new(Arc::clone(&model), opt, LrChoice::default(), 1, i)?;
            one.run_to_end(1_000_000, 1e-9)?;
            steps += one.steps;
        }
        let per_run = t.elapsed().as_secs_f64() / sequential as f64;
        let bound = threads as f64 / per_run;
        rows.push(Row {
            what: format!("ensemble, very, {} ({threads} threads)", opt.name()),
            measured: format!(
                "{} slopes/s ({} steps a run; {:.0}% of {} cores × 1 run's time)",
                crate::format::sig4(rate),
                crate::format::thousands(steps / sequential),
                100.0 * rate / bound,
                threads
            ),
            target: "at the per-step bound".into(),
            ok: None,
        });
    }
    Ok(rows)
}

/// How a step and an exact ensemble scale with N (k = 100·N + 1).
fn scaling_rows(quick: bool, budget: Duration) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
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
