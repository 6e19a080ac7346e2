//! The current run's test error, live (THEORY.md, "Does it overfit?"): measured with the
//! engine's one definition (`risk::test_error`) each time the run's figures are, and kept as a
//! bounded history beside the training loss, so the loss pane can draw both.

use std::sync::Arc;

use crate::history::LossHistory;
use crate::risk::{TestSet, test_error};

/// A run's test set, its error now and its error over the steps.
#[derive(Debug, Clone)]
pub struct TestTrack {
    pub set: Arc<TestSet>,
    pub history: LossHistory,
    /// The error at the last measurement (NaN before the first, or when f was not finite).
    pub error: f64,
}

impl TestTrack {
    pub fn new(set: Arc<TestSet>) -> TestTrack {
        TestTrack { set, history: LossHistory::default(), error: f64::NAN }
    }

    /// Records the error of predictions `pred` (at `set.x`) at `step`. A non-finite error is
    /// shown as unknown and kept out of the history.
    pub fn record(&mut self, step: u64, pred: &[f64]) {
        let e = test_error(&self.set, pred);
        self.error = if e.is_finite() && pred.len() == self.set.len() { e } else { f64::NAN };
        self.history.push(step, self.error);
    }

    /// Records the error of the line f(x) = c·x.
    pub fn record_line(&mut self, step: u64, c: f64) {
        let pred: Vec<f64> = self.set.x.iter().map(|x| c * x).collect();
        self.record(step, &pred);
    }

    pub fn clear(&mut self) {
        self.history.clear();
        self.error = f64::NAN;
    }
}
