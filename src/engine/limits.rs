//! The input limits the data and every model share: the noise std σ and the parameter count.
//! Their own file, so the data and the models each ask it without asking each other.

use crate::error::{Result, invalid};

/// The noise std σ accepted: σ² and the closed forms' sums stay ordinary floating-point numbers.
pub const SIGMA_MIN: f64 = 1e-35;
pub const SIGMA_MAX: f64 = 1e35;

/// Rejects a σ outside [SIGMA_MIN, SIGMA_MAX].
pub fn check_sigma(sigma: f64) -> Result<()> {
    if !(SIGMA_MIN..=SIGMA_MAX).contains(&sigma) {
        return Err(invalid!("--noise must be between {SIGMA_MIN:e} and {SIGMA_MAX:e} (got {sigma})"));
    }
    Ok(())
}

/// Rejects a noise prior σn (`--noise-prior`) that is neither 0 (no noise parameters) nor a
/// σ `check_sigma` accepts.
pub fn check_noise_prior(sigma: f64) -> Result<()> {
    if sigma == 0.0 || (SIGMA_MIN..=SIGMA_MAX).contains(&sigma) {
        return Ok(());
    }
    Err(invalid!("--noise-prior must be 0 or between {SIGMA_MIN:e} and {SIGMA_MAX:e} (got {sigma})"))
}

/// Largest parameter count accepted: one θ vector is then 160 MB, and a run keeps a few.
pub const MAX_PARAMS: usize = 20_000_000;
