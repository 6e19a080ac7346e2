//! Many independent inits, each trained to its endpoint, in parallel and reproducibly: run r's
//! init depends only on (seed, r).

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Result, invalid};
use crate::model::{Metric, Model};
use crate::optim::{LrChoice, Optimizer, Run, stability_bound};
use crate::rng::{Stream, stream};
use crate::theory::{self, Ks, Normal};

/// Largest ensemble accepted (the slopes alone are 8 bytes each, and JSON prints ~25 bytes each).
pub const MAX_RUNS: u64 = 10_000_000;

/// How each run of an ensemble is trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnsembleConfig {
    pub optimizer: Optimizer,
    pub lr: LrChoice,
    pub max_steps: u64,
    pub tol: f64,
    pub seed: u64,
}

/// Where one run of an ensemble ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Endpoint {
    pub slope: f64,
    /// False when the run stopped at the step cap (or the rounding floor) before |∇L| < tol.
    pub converged: bool,
}

/// The endpoint of run `index`. `exact` needs only (c0, xᵀe0) of the init, so it draws the full
/// init without storing it.
pub fn endpoint(model: &Arc<Model>, cfg: &EnsembleConfig, index: u64) -> Result<Endpoint> {
    if cfg.optimizer == Optimizer::Exact {
        return Ok(Endpoint { slope: limit_slope(model, cfg.seed, index, cfg.optimizer.metric()), converged: true });
    }
    let mut run = Run::new(Arc::clone(model), cfg.optimizer, cfg.lr, cfg.seed, index)?;
    run.run_to_end(cfg.max_steps, cfg.tol)?;
    Ok(Endpoint { slope: run.slope(), converged: run.converged() })
}

/// The slope GD in `metric` converges to from init `index` of `seed`, in closed form: it draws
/// the full init but keeps only (c0, xᵀe0), which is all the endpoint slope depends on.
pub fn limit_slope(model: &Model, seed: u64, index: u64, metric: Metric) -> f64 {
    let (c0, xe0) = model.init_summary(&mut stream(seed, Stream::Init, index));
    model.endpoint_slope(c0, xe0, metric)
}

/// `limit_slope` of runs `range`, in run order, computed in parallel.
pub fn limit_slopes(model: &Model, seed: u64, range: Range<u64>, metric: Metric) -> Vec<f64> {
    range.into_par_iter().map(|i| limit_slope(model, seed, i, metric)).collect()
}

/// Endpoints of runs `range`, in run order, computed in parallel.
pub fn endpoints(model: &Arc<Model>, cfg: &EnsembleConfig, range: Range<u64>) -> Result<Vec<Endpoint>> {
    if range.end > MAX_RUNS {
        return Err(invalid!("--runs is too large: the limit is {MAX_RUNS}"));
    }
    range.into_par_iter().map(|i| endpoint(model, cfg, i)).collect()
}

/// Endpoint slopes of runs `range`, in run order, computed in parallel.
pub fn endpoint_slopes(model: &Arc<Model>, cfg: &EnsembleConfig, range: Range<u64>) -> Result<Vec<f64>> {
    Ok(endpoints(model, cfg, range)?.into_iter().map(|e| e.slope).collect())
}

/// How the endpoints of an optimizer are obtained where speed matters (the explorer's histograms,
/// `overparam plot`): one place decides, per optimizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EndpointSource {
    /// GD, whitened GD and exact end at their closed-form limit (THEORY.md, "Where gradient
    /// descent ends"), computed from (c0, xᵀe0) of each init: always converged.
    #[serde(rename = "closed-form limit")]
    ClosedFormLimit,
    /// cg and sgd have no closed form for their endpoint: each run is really trained.
    #[serde(rename = "trained")]
    Trained,
}

impl EndpointSource {
    pub fn of(optimizer: Optimizer) -> EndpointSource {
        match optimizer {
            Optimizer::Gd | Optimizer::Whitened | Optimizer::Exact => EndpointSource::ClosedFormLimit,
            Optimizer::Cg | Optimizer::Sgd => EndpointSource::Trained,
        }
    }
    /// As summary.json and the figures say it.
    pub fn name(self) -> &'static str {
        match self {
            EndpointSource::ClosedFormLimit => "closed-form limit",
            EndpointSource::Trained => "trained",
        }
    }
}

/// Endpoints of runs `range` as `EndpointSource::of(cfg.optimizer)` says: the closed-form limit in
/// the optimizer's metric, or really trained. A learning rate past the stability bound has no
/// endpoint: that is reported as divergence.
pub fn limit_or_trained(model: &Arc<Model>, cfg: &EnsembleConfig, range: Range<u64>) -> Result<Vec<Endpoint>> {
    match EndpointSource::of(cfg.optimizer) {
        EndpointSource::ClosedFormLimit => {
            if let (Some(lr), Some((bound, name))) =
                (cfg.lr.resolve(model, cfg.optimizer), stability_bound(model, cfg.optimizer))
                && lr >= bound
            {
                return Err(invalid!(
                    "lr {lr:.3e} ≥ {} {bound:.3e}: every run diverges",
                    name.split(' ').next().unwrap_or(name)
                ));
            }
            if range.end > MAX_RUNS {
                return Err(invalid!("--runs is too large: the limit is {MAX_RUNS}"));
            }
            let slopes = limit_slopes(model, cfg.seed, range, cfg.optimizer.metric());
            Ok(slopes.into_iter().map(|slope| Endpoint { slope, converged: true }).collect())
        }
        EndpointSource::Trained => endpoints(model, cfg, range),
    }
}

/// What an ensemble's slopes say against the theory.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub runs: usize,
    pub mean: f64,
    pub std: f64,
    pub mle: f64,
    pub posterior: Normal,
    pub gd_endpoint: Normal,
    pub ks_posterior: Ks,
    pub ks_gd_endpoint: Ks,
}

/// Mean, std and KS tests of `slopes` against the posterior and the predicted endpoint
/// distribution of `optimizer` (its metric's closed form).
pub fn summarize(model: &Model, optimizer: Optimizer, slopes: &[f64]) -> Summary {
    let (mean, std) = theory::mean_std(slopes);
    let posterior = theory::posterior(model);
    let gd_endpoint = theory::endpoint_distribution(model, optimizer.metric());
    Summary {
        runs: slopes.len(),
        mean,
        std,
        mle: theory::mle(model),
        posterior,
        gd_endpoint,
        ks_posterior: theory::ks_test(slopes, posterior),
        ks_gd_endpoint: theory::ks_test(slopes, gd_endpoint),
    }
}
