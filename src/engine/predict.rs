//! Predictions at one test point x*: the shared axis on which every model's endpoints compare
//! (for a line, f(x*) = c·x*). One place decides, per model kind, what an endpoint predicts at x*
//! and what the theory says it should; the compare view, the export and the figures ask here.

use crate::data::Dataset;
use crate::model::{Metric, Model, ModelKind};
use crate::theory::{self, Normal};

/// The theory of one model's predictions at x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtPoint {
    pub x: f64,
    /// The Bayes posterior of f(x).
    pub posterior: Normal,
    /// The predicted distribution of f(x) at the optimizer's endpoints over random inits.
    pub predicted: Normal,
    /// The least-squares fit's f(x).
    pub mle: f64,
}

/// The test point x*: the data's x farthest from 0 (the right end of the demo's grid, 9.9), where
/// the fits differ most. Never 0: the data validation rejects Σx² = 0.
pub fn test_point(data: &Dataset) -> f64 {
    data.x.iter().copied().fold(0.0, |best: f64, v| if v.abs() > best.abs() { v } else { best })
}

/// What a run's endpoint (as the histograms keep it: the slope, for the linear models) predicts at x.
pub fn endpoint_at(kind: ModelKind, endpoint: f64, x: f64) -> f64 {
    match kind {
        ModelKind::Traditional | ModelKind::Slightly | ModelKind::Very => endpoint * x,
        // A net's endpoint is already its f(x*).
        ModelKind::Net => endpoint,
    }
}

/// The slope a run's endpoint stands for, when its model has one (the linear models do).
pub fn slope_of(kind: ModelKind, endpoint: f64) -> Option<f64> {
    match kind {
        ModelKind::Traditional | ModelKind::Slightly | ModelKind::Very => Some(endpoint),
        ModelKind::Net => None,
    }
}

/// The net's theory at x as the compare view draws it (THEORY.md, "The wide network"): the
/// posterior, and where training ends (the NTK-GP; the posterior itself for the last layer).
/// The net has no least-squares fit: `mle` is NaN, and NaN marks are never drawn.
pub fn net_theory_at(p: &crate::net::Prediction) -> AtPoint {
    AtPoint { x: p.x, posterior: p.posterior, predicted: p.ntk_gp, mle: f64::NAN }
}

/// THEORY.md's closed forms ("The posterior", "Where gradient descent ends") carried to x: for a
/// line, N(m, s²) of the slope is N(m·x, s²·x²) of c·x.
pub fn theory_at(model: &Model, metric: Metric, x: f64) -> AtPoint {
    match model.kind {
        // `Model` is never a net (Model::new refuses it); the net's theory is crate::net::NetTheory.
        ModelKind::Traditional | ModelKind::Slightly | ModelKind::Very | ModelKind::Net => {
            let scale = |d: Normal| Normal { mean: d.mean * x, std: d.std * x.abs() };
            AtPoint {
                x,
                posterior: scale(theory::posterior(model)),
                predicted: scale(theory::endpoint_distribution(model, metric)),
                mle: theory::mle(model) * x,
            }
        }
    }
}

/// The compare view's shared axis over `theories` (one per model, at one x): five spreads either
/// side of the first model's posterior mean, widened to show each model's MLE, predicted mean and
/// the true value (`truth`, at x) when they are near.
pub fn shared_range(theories: &[AtPoint], truth: Option<f64>) -> [f64; 2] {
    let spread = theories.iter().map(|p| p.posterior.std.max(p.predicted.std)).fold(0.0, f64::max);
    let spread = if spread > 0.0 { spread } else { 1.0 };
    let center = theories.first().map_or(0.0, |p| p.posterior.mean);
    let (mut lo, mut hi) = (center - 5.0 * spread, center + 5.0 * spread);
    let marks = theories.iter().flat_map(|p| [p.mle, p.predicted.mean]).chain(truth);
    for v in marks.filter(|v| v.is_finite()) {
        if (v - center).abs() < 20.0 * spread {
            lo = lo.min(v - spread);
            hi = hi.max(v + spread);
        }
    }
    [lo, hi]
}
