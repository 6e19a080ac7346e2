//! The wide network (`--model net`): a one-hidden-layer net trained by real gradient descent,
//! and the two theories of where its training ends (THEORY.md, "The wide network").
//!
//! - [`kernel`]: the infinite-width kernels K (NNGP) and Θ (NTK) in closed form, ReLU and erf.
//! - [`model`]: [`Net`], the network on a dataset: parameter layout, init, forward pass, Jᵀv
//!   (one GD step), empirical kernels.
//! - [`theory`]: [`NetTheory`], the NTK-GP and the Bayesian posterior of f(x*) over inits.
//! - [`train`]: [`NetRun`], one run stepped by the shared loop `optim::drive`, and parallel
//!   ensembles.
//! - [`linalg`]: Cholesky, the pseudo-inverse (σn = 0) and λmax, written out.
//! - [`ridge`]: [`ridge::NetPlane`], the loss on a plane through θ* (the ridge view).
//! - [`drift`]: the sweep over widths of how far the parameters move (the drift view).
//!
//! A front end builds a [`Net`] from the data ([`NetSpec::build`]), then `NetRun::new(net,
//! optimizer, lr, seed, init)` and steps it with `run_until(max_steps, tol, deadline, record)`.

pub mod drift;
pub mod kernel;
mod lanes;
pub mod linalg;
pub mod model;
pub mod phi;
pub mod ridge;
mod simd;
pub mod theory;
pub mod train;

use std::sync::Arc;

pub use kernel::{Act, TrainMode};
pub use model::Net;
pub use theory::{Band, NetTheory, Prediction};
pub use train::{NetEndpoint, NetRun};

use crate::data::Dataset;
use crate::error::{Result, invalid};

/// The net's settings apart from the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetSpec {
    pub width: usize,
    pub act: Act,
    pub train: TrainMode,
}

impl NetSpec {
    /// The net on `data` with noise prior σn = `sigma` (0: no noise parameters).
    pub fn build(&self, data: &Dataset, sigma: f64) -> Result<Arc<Net>> {
        Net::new(data.clone(), self.width, self.act, self.train, sigma).map(Arc::new)
    }
}

/// Candidates the default test point is chosen from.
const DEFAULT_AT_GRID: usize = 201;

/// The default test point (data units): of 201 evenly spaced points from half the data's x
/// range below its smallest x to half the range above its largest, the one where the all-layers
/// NTK-GP mean is furthest from the posterior mean, in posterior stds. It depends only on the
/// data, φ and σn (with `--train last` it is where training all layers would differ most).
pub fn default_at(net: &Net) -> Result<f64> {
    let all = Net { train: TrainMode::All, ..net.clone() };
    let theory = NetTheory::new(&all)?;
    let (lo, hi) = data_range(&net.data);
    let r = hi - lo;
    let xs: Vec<f64> =
        (0..DEFAULT_AT_GRID).map(|i| lo - 0.5 * r + 2.0 * r * i as f64 / (DEFAULT_AT_GRID - 1) as f64).collect();
    let preds = theory.predict(&xs);
    // Without noise parameters (σn = 0) the posterior interpolates: its std vanishes at the
    // training points, where both means are y and their gap is rounding. Stds below a
    // thousandth of the largest count as that thousandth, so rounding is never the pick.
    let floor = 1e-3 * preds.iter().map(|p| p.posterior.std).fold(0.0, f64::max);
    let mut best = (f64::NEG_INFINITY, hi);
    for p in &preds {
        let gap = (p.ntk_gp.mean - p.posterior.mean).abs() / p.posterior.std.max(floor).max(f64::MIN_POSITIVE);
        if gap > best.0 {
            best = (gap, p.x);
        }
    }
    // The grid point as typed (0.297, not 0.29700000000000065), so a quit line reads cleanly.
    Ok(crate::format::on_grid(best.1))
}

/// The smallest and largest x of the data.
pub fn data_range(data: &Dataset) -> (f64, f64) {
    let lo = data.x.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = data.x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}

/// `points` evenly spaced x (data units) from half the data's range below it to half above it:
/// the span of `train --dump-curve`.
pub fn curve_grid(data: &Dataset, points: usize) -> Vec<f64> {
    let (lo, hi) = data_range(data);
    let r = hi - lo;
    (0..points).map(|i| lo - 0.5 * r + 2.0 * r * i as f64 / (points.max(2) - 1) as f64).collect()
}

/// Farthest a test point may lie from the data's mean, in standard deviations of x: beyond it
/// the predicted variances are lost to rounding.
pub const MAX_AT_STDS: f64 = 1e6;

/// Checks test points: finite, and within `MAX_AT_STDS` of the data.
pub fn check_at(at: &[f64], net: &Net) -> Result<()> {
    for &x in at {
        if !x.is_finite() {
            return Err(invalid!("--at takes finite numbers (got {x})"));
        }
        if net.standardize(x).abs() > MAX_AT_STDS {
            return Err(invalid!(
                "--at {x:e} is too far from the data: at most {MAX_AT_STDS:e} standard deviations of x from its mean"
            ));
        }
    }
    Ok(())
}
