//! The wide network (`--model net`): a one-hidden-layer net trained by real gradient descent,
//! and the two theories of where its training ends (THEORY.md, "The wide network").
//!
//! - [`kernel`]: the infinite-width kernels K (NNGP) and Θ (NTK) in closed form, ReLU and erf.
//! - [`model`]: [`Net`], the network on a dataset: parameter layout, init, forward pass, Jᵀv
//!   (one GD step), empirical kernels.
//! - [`theory`]: [`NetTheory`], the NTK-GP and the Bayesian posterior of f(x*) over inits.
//! - [`train`]: [`NetRun`], one run stepped by the shared loop `optim::drive`, and parallel
//!   ensembles.
//! - [`linalg`]: Cholesky and λmax, written out.
//!
//! A front end builds a [`Net`] from the data ([`NetSpec::build`]), then `NetRun::new(net,
//! optimizer, lr, seed, init)` and steps it with `run_until(max_steps, tol, deadline, record)`.

pub mod kernel;
pub mod linalg;
pub mod model;
pub mod theory;
pub mod train;

use std::sync::Arc;

pub use kernel::{Act, TrainMode};
pub use model::Net;
pub use theory::{NetTheory, Prediction};
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
    /// The net on `data` with noise scale σn = `sigma`.
    pub fn build(&self, data: &Dataset, sigma: f64) -> Result<Arc<Net>> {
        Net::new(data.clone(), self.width, self.act, self.train, sigma).map(Arc::new)
    }
}

/// The default test point: half the data's x range beyond its largest x, where extrapolation
/// separates the NTK-GP from the posterior.
pub fn default_at(data: &Dataset) -> f64 {
    let lo = data.x.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = data.x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    hi + 0.5 * (hi - lo)
}

/// Checks test points: finite, and not so far out that the kernels overflow.
pub fn check_at(at: &[f64]) -> Result<()> {
    for &x in at {
        if !x.is_finite() {
            return Err(invalid!("--at takes finite numbers (got {x})"));
        }
        if x.abs() > 1e100 {
            return Err(invalid!("--at {x:e} is too far out: |x| must be at most 1e100"));
        }
    }
    Ok(())
}
