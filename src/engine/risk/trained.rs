//! Test errors of nets trained for real: run r from init r of the seed, to its end (or the step
//! cap), its f on the test points. Beside the closed form, over the same feature draws.

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::test_set::{TestSet, test_error};
use crate::ensemble::EnsembleConfig;
use crate::error::Result;
use crate::net::{Net, NetRun};
use crate::theory::mean_std;

/// Widths where risk figures train nets for real beside the closed form (risk.svg, the
/// explorer's risk view), and how many at each: the same for both.
pub const TRAINED_WIDTHS: [usize; 3] = [16, 256, 2048];
pub const TRAINED_RUNS: u64 = 8;

/// One trained net's test error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrainedError {
    pub error: f64,
    /// False when it stopped at the step cap (or the rounding floor) before |∇L| < tol.
    pub converged: bool,
}

/// Trains run `index` of `net` and measures its test error.
pub fn trained_error(net: &Arc<Net>, cfg: &EnsembleConfig, test: &TestSet, index: u64) -> Result<TrainedError> {
    let mut run = NetRun::new(Arc::clone(net), cfg.optimizer, cfg.lr, cfg.seed, index)?;
    run.run_to_end(cfg.max_steps, cfg.tol)?;
    let f = run.f_at(&test.x)?;
    Ok(TrainedError { error: test_error(test, &f), converged: run.converged() })
}

/// `trained_error` for runs `range`, in parallel, in run order.
pub fn trained_errors(
    net: &Arc<Net>,
    cfg: &EnsembleConfig,
    test: &TestSet,
    range: Range<u64>,
) -> Result<Vec<TrainedError>> {
    range.into_par_iter().map(|i| trained_error(net, cfg, test, i)).collect()
}

/// Trained nets' errors summarized: mean ± se, median, how many converged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainedSummary {
    pub runs: u64,
    pub mean: f64,
    pub se: f64,
    pub median: f64,
    pub converged: u64,
}

impl TrainedSummary {
    pub fn of(v: &[TrainedError]) -> TrainedSummary {
        let errs: Vec<f64> = v.iter().map(|e| e.error).collect();
        TrainedSummary::new(&errs, v.iter().filter(|e| e.converged).count() as u64)
    }

    /// The summary of test errors `errs`, `converged` of which reached |∇L| < tol.
    pub fn new(errs: &[f64], converged: u64) -> TrainedSummary {
        let (mean, sd) = mean_std(errs);
        TrainedSummary {
            runs: errs.len() as u64,
            mean,
            se: sd / (errs.len().max(1) as f64).sqrt(),
            median: super::curve::median(errs),
            converged,
        }
    }
}
