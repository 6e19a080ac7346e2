//! The JSON documents shared by the headless commands and the explorer's export: one source of
//! truth, so `ensemble --format json` and summary.json cannot drift apart. Field names are a
//! stable interface.

use serde::Serialize;

use crate::data::Dataset;
use crate::ensemble::{self, EndpointSource, EnsembleConfig};
use crate::error::Error;
use crate::model::{Model, ModelKind};
use crate::optim::Optimizer;
use crate::theory::{Ks, Normal};

#[derive(Serialize)]
pub struct DataJson {
    x: Vec<f64>,
    y: Vec<f64>,
}

impl From<&Dataset> for DataJson {
    fn from(d: &Dataset) -> Self {
        DataJson { x: d.x.to_vec(), y: d.y.to_vec() }
    }
}

#[derive(Serialize)]
pub struct EnsembleJson<'a> {
    model: ModelKind,
    runs: u64,
    /// Runs that stopped (at --steps or the rounding floor) before |∇L| < tol.
    unconverged: u64,
    optimizer: Optimizer,
    seed: u64,
    slopes: &'a [f64],
    mean: f64,
    std: f64,
    mle: f64,
    posterior: Normal,
    gd_endpoint: Normal,
    ks_posterior: Ks,
    ks_gd_endpoint: Ks,
    elapsed_s: f64,
    data: DataJson,
    /// Whether `slopes` are closed-form limits of `optimizer` or really trained runs.
    endpoints: EndpointSource,
    /// The explorer's export only: the headless command that reproduces these slopes.
    #[serde(skip_serializing_if = "Option::is_none")]
    command: Option<Reproduce>,
}

/// The headless command behind an exported summary, and how closely it reproduces it.
#[derive(Debug, Clone, Serialize)]
pub struct Reproduce {
    pub command: String,
    /// "exactly": the same slopes, bit for bit; "to within --tol": it trains each run to
    /// |∇L| < tol, so its slopes approach these closed-form limits without equalling them.
    pub matches: &'static str,
}

/// Where the slopes of an ensemble document came from, and (for an export) how to get them again.
pub struct Provenance {
    pub endpoints: EndpointSource,
    pub command: Option<Reproduce>,
}

/// The `ensemble --format json` document for these endpoint slopes (runs 0.. of `cfg`): one
/// source of truth for the command and the explorer's exported summary.json.
pub fn ensemble_json(
    model: &Model,
    cfg: &EnsembleConfig,
    slopes: &[f64],
    unconverged: u64,
    elapsed_s: f64,
    provenance: Provenance,
) -> anyhow::Result<String> {
    let s = ensemble::summarize(model, cfg.optimizer, slopes);
    ensure_finite(&[("mean slope", s.mean), ("slope std", s.std), ("posterior std", s.posterior.std)])?;
    let j = EnsembleJson {
        model: model.kind,
        runs: slopes.len() as u64,
        unconverged,
        optimizer: cfg.optimizer,
        seed: cfg.seed,
        slopes,
        mean: s.mean,
        std: s.std,
        mle: s.mle,
        posterior: s.posterior,
        gd_endpoint: s.gd_endpoint,
        ks_posterior: s.ks_posterior,
        ks_gd_endpoint: s.ks_gd_endpoint,
        elapsed_s,
        data: (&model.data).into(),
        endpoints: provenance.endpoints,
        command: provenance.command,
    };
    let mut text = serde_json::to_string_pretty(&j)?;
    text.push('\n');
    Ok(text)
}

/// The last guard: no non-finite number is ever reported as a result.
pub fn ensure_finite(values: &[(&str, f64)]) -> Result<(), Error> {
    match values.iter().find(|(_, v)| !v.is_finite()) {
        Some((name, v)) => Err(Error::NonFinite(format!("{name} came out as {v}"))),
        None => Ok(()),
    }
}
