//! What the drift view (key p) knows of the linear models: a sweep over the number of sources M
//! (GD's endpoint from this init at each) and its fitted power law. The run's own θ − θ0 is
//! read from the run when drawn.

use crate::data::Dataset;
use crate::ridge::{self, SweepRow};

/// The sweep is computed once per dataset and init; the histogram is drawn from θ each frame.
#[derive(Debug, Clone)]
pub struct DriftView {
    pub seed: u64,
    pub init: u64,
    /// GD's θ* from this init at each M.
    pub rows: Vec<SweepRow>,
    /// The fitted power of |θ−θ0|/|θ0| in M.
    pub exponent: Option<f64>,
}

impl DriftView {
    pub fn new(data: &Dataset, sigma: f64, seed: u64, init: u64) -> DriftView {
        let rows = ridge::sweep(data, sigma, &ridge::SWEEP_SOURCES, seed, init).unwrap_or_default();
        let ms: Vec<f64> = rows.iter().map(|r| r.sources as f64).collect();
        let rel: Vec<f64> = rows.iter().map(|r| r.rel_change).collect();
        let exponent = ridge::power_law_exponent(&ms, &rel);
        DriftView { seed, init, rows, exponent }
    }
}
