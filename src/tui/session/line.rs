//! A linear model's state in the explorer: its run from one init, the figures of θ now, its loss
//! history, its ridge slice, and the histogram of endpoint slopes over many inits.

use std::cell::RefCell;
use std::sync::Arc;

use super::ridge::RidgeView;
use super::test_error::TestTrack;
use crate::ensemble::{self, Summary};
use crate::history::LossHistory;
use crate::model::{Model, ModelKind};
use crate::optim::{LrChoice, Optimizer, Run, Status};
use crate::risk::TestSet;

/// Runs the histogram fills to on its own, and adds per `e`.
pub const RUNS_PER_FILL: u64 = 2000;

/// Figures of the current θ, recomputed once per batch of steps (each is O(k)), not per frame.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub loss: f64,
    pub grad: f64,
    pub rel_change: f64,
    pub slope: f64,
}

/// The endpoint slopes of many inits for one model under one optimizer and learning rate.
#[derive(Debug, Clone)]
pub struct Histogram {
    pub optimizer: Optimizer,
    pub lr: LrChoice,
    pub slopes: Vec<f64>,
    pub target: u64,
    pub summary: Option<Summary>,
    pub error: Option<String>,
    /// Runs that stopped before |∇L| < tol (cg and sgd; the closed-form limits always converge).
    pub unconverged: u64,
    /// Worker time spent on these runs.
    pub elapsed_s: f64,
    /// The one cache drawing writes: bin counts kept between frames, because the compare view
    /// re-binning up to 3 × `MAX_RUNS` slopes each frame costs more than the frame (see `bin_counts`).
    bins: RefCell<Option<Bins>>,
}

/// Bin counts of a histogram's values over one range, and how many slopes they cover.
#[derive(Debug, Clone)]
struct Bins {
    key: ([f64; 2], usize, Option<(ModelKind, f64)>),
    counted: usize,
    counts: Vec<u64>,
}

impl Histogram {
    pub fn new(optimizer: Optimizer, lr: LrChoice) -> Histogram {
        Histogram {
            optimizer,
            lr,
            slopes: Vec::new(),
            target: RUNS_PER_FILL,
            summary: None,
            error: None,
            unconverged: 0,
            elapsed_s: 0.0,
            bins: RefCell::new(None),
        }
    }
    /// Empty, and asking for no runs (c clears).
    pub fn cleared(&self) -> Histogram {
        Histogram { target: 0, ..Histogram::new(self.optimizer, self.lr) }
    }
    /// Counts of the endpoints in `bins` equal bins over `range` (out-of-range ones left out):
    /// of each slope, or with `at` = (kind, x) of what it predicts at x (`predict::endpoint_at`).
    /// Kept between frames, so a frame bins only the slopes that arrived since the last one
    /// (the compare view holds up to 3 × `MAX_RUNS`); a new range, width or x starts again.
    /// Slopes only grow: emptying a histogram makes a new one (c, a new optimizer).
    pub fn bin_counts(&self, range: [f64; 2], bins: usize, at: Option<(ModelKind, f64)>) -> Vec<u64> {
        let key = (range, bins.max(1), at);
        let mut cache = self.bins.borrow_mut();
        let b = match cache.as_mut() {
            Some(b) if b.key == key && b.counted <= self.slopes.len() => b,
            _ => cache.insert(Bins { key, counted: 0, counts: vec![0; key.1] }),
        };
        let new =
            self.slopes[b.counted..].iter().map(|&v| at.map_or(v, |(kind, x)| crate::predict::endpoint_at(kind, v, x)));
        crate::theory::bin_into(&mut b.counts, range, new);
        b.counted = self.slopes.len();
        b.counts.clone()
    }
    /// Adds a batch of endpoint slopes, with how many of them stopped short and the time they
    /// took (counted only when the batch is kept). A non-finite one stops the filling with an
    /// error rather than being dropped, which would leave the histogram waiting for it for ever.
    pub fn add(&mut self, batch: Vec<f64>, unconverged: u64, elapsed_s: f64) {
        if batch.iter().all(|v| v.is_finite()) {
            self.slopes.extend(batch);
            self.unconverged += unconverged;
            self.elapsed_s += elapsed_s;
        } else {
            self.error = Some("a run ended at a non-finite slope: no endpoint to show".into());
        }
    }
    pub fn filling(&self) -> bool {
        self.error.is_none() && (self.slopes.len() as u64) < self.target
    }
    /// Redoes the summary when the count grew by 5 % (or when `force`d, or at the end): the KS
    /// test sorts every slope.
    pub fn summarize(&mut self, model: &Model, force: bool) {
        let n = self.slopes.len();
        let last = self.summary.as_ref().map_or(0, |s| s.runs);
        if n > 0 && (force || n * 20 >= last * 21 || !self.filling()) && n != last {
            self.summary = Some(ensemble::summarize(model, self.optimizer, &self.slopes));
        } else if n == 0 {
            self.summary = None;
        }
    }
}

/// One linear model's own run, kept while the user looks at the others.
#[derive(Debug, Clone)]
pub struct LineState {
    pub model: Arc<Model>,
    pub run: Run,
    pub history: LossHistory,
    pub stats: Stats,
    pub hist: Histogram,
    /// The slice through this run's endpoint and its projected path.
    pub ridge: RidgeView,
    /// The run's test error, once a test set is given (`with_test`).
    pub test: Option<TestTrack>,
}

impl LineState {
    /// `model`'s run from init `init` of `seed`, under `optimizer` at `lr`.
    pub fn new(model: Arc<Model>, optimizer: Optimizer, lr: LrChoice, seed: u64, init: u64) -> crate::Result<Self> {
        let run = Run::new(Arc::clone(&model), optimizer, lr, seed, init)?;
        let ridge = RidgeView::new(&model, &run.theta0, run.optimizer.metric());
        let mut line = LineState {
            model,
            run,
            history: LossHistory::default(),
            stats: Stats::default(),
            hist: Histogram::new(optimizer, lr),
            ridge,
            test: None,
        };
        line.measure();
        Ok(line)
    }

    /// This run, its test error measured on `set` from now on.
    pub fn with_test(mut self, set: Arc<TestSet>) -> Self {
        self.test = Some(TestTrack::new(set));
        self.restart_figures();
        self
    }

    pub fn diverged(&self) -> Option<&crate::Error> {
        match &self.run.status {
            Status::Diverged(e) => Some(e),
            _ => None,
        }
    }

    /// Recomputes the figures of θ now, records the loss and θ's place on the ridge slice.
    pub fn measure(&mut self) {
        let run = &self.run;
        self.stats =
            Stats { loss: run.loss(), grad: run.grad_norm(), rel_change: run.rel_change(), slope: run.slope() };
        self.history.push(run.steps, self.stats.loss);
        if let Some(t) = self.test.as_mut() {
            t.record_line(run.steps, run.slope());
        }
        self.ridge.record(&run.theta);
    }

    /// Starts the figures again for the run as it stands: its θ now is where the path starts
    /// (θ0 for a new init or a replay), in the metric of its optimizer.
    pub fn restart_figures(&mut self) {
        self.history.clear();
        if let Some(t) = self.test.as_mut() {
            t.clear();
        }
        self.ridge = RidgeView::new(&self.model, &self.run.theta, self.run.optimizer.metric());
        self.measure();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejected_batch_counts_neither_its_runs_nor_its_time() {
        let mut h = Histogram::new(Optimizer::Sgd, LrChoice::default());
        h.add(vec![1.0, 2.0], 1, 0.5);
        h.add(vec![3.0, f64::NAN], 2, 4.0);
        assert_eq!(h.slopes, [1.0, 2.0]);
        assert_eq!((h.unconverged, h.elapsed_s), (1, 0.5));
        assert!(h.error.is_some() && !h.filling());
    }

    #[test]
    fn cached_bins_count_what_binning_afresh_counts() {
        let mut h = Histogram::new(Optimizer::Gd, LrChoice::default());
        let fresh = |h: &Histogram, range: [f64; 2], bins: usize, at: Option<(ModelKind, f64)>| {
            let uncached = Histogram { slopes: h.slopes.clone(), ..Histogram::new(Optimizer::Gd, LrChoice::default()) };
            uncached.bin_counts(range, bins, at)
        };
        let at = Some((ModelKind::Slightly, 9.9));
        for (i, batch) in [vec![0.1, 0.5, 0.55], vec![0.9, -1.0, 0.05], vec![0.3; 4]].into_iter().enumerate() {
            h.add(batch, 0, 0.0);
            for (range, bins, at) in [([0.0, 1.0], 4, None), ([0.0, 10.0], 5, at), ([0.0, 1.0], 8, None)] {
                let got = h.bin_counts(range, bins, at);
                assert_eq!(got, fresh(&h, range, bins, at), "batch {i}, {range:?} {bins} {at:?}");
            }
        }
        assert_eq!(h.bin_counts([0.0, 1.0], 4, None), [2, 4, 2, 1], "-1.0 is out of range");
        // Emptied (c) and refilled: counted afresh, not on top of the old counts.
        h.slopes.clear();
        h.add(vec![0.6], 0, 0.0);
        assert_eq!(h.bin_counts([0.0, 1.0], 4, None), [0, 0, 1, 0]);
    }
}
