//! The net's state in the explorer: one run from one init (stepped in chunks like the linear
//! models), the theory at x* and over the shown x range, and the histogram of f(x*) over nets
//! trained by the worker with the ensemble band of their functions.

use std::sync::Arc;

use super::super::jobs::background::{Background, Mode};
use super::test_error::TestTrack;
use crate::data::Dataset;
use crate::error::Result;
use crate::history::LossHistory;
use crate::net::{Net, NetRun, NetSpec, NetTheory, Prediction};
use crate::optim::{LrChoice, Optimizer};
use crate::risk::TestSet;
use crate::theory::{self, Ks, Normal};

/// Points of the coarse grid f is kept on, per finished net (the ensemble band) and for the
/// theory bands: enough for a smooth curve in a pane, and O(1) memory however many nets.
pub const GRID: usize = 49;
/// Nets the histogram fills to on its own, and adds per `e`.
pub const NETS_PER_FILL: u64 = 200;

/// The x range the data pane shows for the net: the data's, and half of it on each side, so
/// extrapolation shows.
pub fn shown_range(data: &Dataset) -> [f64; 2] {
    let (lo, hi) = crate::net::data_range(data);
    let half = 0.5 * (hi - lo);
    [lo - half, hi + half]
}

/// The grid over `shown_range` (the span of `train --dump-curve`).
pub fn grid(data: &Dataset) -> Vec<f64> {
    crate::net::curve_grid(data, GRID)
}

/// Figures of the current θ, recomputed once per batch of steps.
#[derive(Debug, Clone, Copy, Default)]
pub struct NetStats {
    pub loss: f64,
    pub grad: f64,
    pub rel_change: f64,
    pub kernel_change: f64,
    /// The step `kernel_change` was measured at (it costs O(N²M), so a running net measures it
    /// at log-spaced steps and whenever it stops).
    pub kernel_step: u64,
    /// f(x*) now.
    pub f_star: f64,
}

/// The histogram's summary: mean ± sd and the KS distance to each theory.
#[derive(Debug, Clone, Copy)]
pub struct NetSummary {
    pub runs: usize,
    pub mean: f64,
    pub std: f64,
    pub ks_ntk_gp: Ks,
    pub ks_posterior: Ks,
}

impl NetSummary {
    fn of(values: &[f64], at: &Prediction) -> NetSummary {
        let (mean, std) = theory::mean_std(values);
        NetSummary {
            runs: values.len(),
            mean,
            std,
            ks_ntk_gp: theory::ks_test(values, at.ntk_gp),
            ks_posterior: theory::ks_test(values, at.posterior),
        }
    }
}

/// f(x*) over trained nets, and the running mean and variance of f over the grid (Welford), so
/// the ensemble band costs O(GRID) memory whatever the count.
#[derive(Debug, Clone)]
pub struct NetHistogram {
    pub optimizer: Optimizer,
    pub lr: LrChoice,
    pub values: Vec<f64>,
    pub target: u64,
    pub summary: Option<NetSummary>,
    pub error: Option<String>,
    pub unconverged: u64,
    pub elapsed_s: f64,
    /// f at the compare view's point (`predict::test_point`) of the same nets, so the net sits
    /// on the compare view's shared axis.
    pub compare_values: Vec<f64>,
    /// Their mean, sd and KS distance to the posterior there.
    pub compare_summary: Option<NetSummary>,
    band_mean: Vec<f64>,
    band_m2: Vec<f64>,
}

impl NetHistogram {
    pub fn new(optimizer: Optimizer, lr: LrChoice) -> NetHistogram {
        NetHistogram {
            optimizer,
            lr,
            values: Vec::new(),
            target: NETS_PER_FILL,
            summary: None,
            error: None,
            unconverged: 0,
            elapsed_s: 0.0,
            compare_values: Vec::new(),
            compare_summary: None,
            band_mean: vec![0.0; GRID],
            band_m2: vec![0.0; GRID],
        }
    }
    /// Empty, and asking for no nets (c clears).
    pub fn cleared(&self) -> NetHistogram {
        NetHistogram { target: 0, ..NetHistogram::new(self.optimizer, self.lr) }
    }
    pub fn filling(&self) -> bool {
        self.error.is_none() && (self.values.len() as u64) < self.target
    }
    /// Adds finished nets: f(x*) of each, and the rest of what it was read at (`readout_points`:
    /// the compare point, then the grid), with how many stopped short and the time they took
    /// (counted only when the batch is kept). A non-finite value stops the filling with an error
    /// rather than being dropped.
    pub fn add(&mut self, values: Vec<f64>, curves: &[Vec<f64>], unconverged: u64, elapsed_s: f64) {
        let finite = values.iter().chain(curves.iter().flatten()).all(|v| v.is_finite());
        if !finite || curves.len() != values.len() || curves.iter().any(|c| c.len() != GRID + 1) {
            self.error = Some("a net ended at a non-finite value: no endpoint to show".into());
            return;
        }
        self.unconverged += unconverged;
        self.elapsed_s += elapsed_s;
        self.compare_values.extend(curves.iter().map(|c| c[0]));
        for curve in curves.iter().map(|c| &c[1..]) {
            let n = (self.values.len() + 1) as f64;
            for ((m, m2), &v) in self.band_mean.iter_mut().zip(self.band_m2.iter_mut()).zip(curve) {
                let d = v - *m;
                *m += d / n;
                *m2 += d * (v - *m);
            }
            self.values.push(0.0); // counted now, set below
        }
        let start = self.values.len() - values.len();
        self.values[start..].copy_from_slice(&values);
    }
    /// The ensemble band over the grid: mean and sd of f at each grid point (None below 2 nets).
    pub fn band(&self) -> Option<Vec<Normal>> {
        let n = self.values.len();
        (n >= 2).then(|| {
            self.band_mean
                .iter()
                .zip(&self.band_m2)
                .map(|(&mean, &m2)| Normal { mean, std: (m2 / (n - 1) as f64).max(0.0).sqrt() })
                .collect()
        })
    }
    /// Redoes the summary when the count grew by 5 % (or when `force`): the KS tests sort.
    pub fn summarize(&mut self, at: &Prediction, compare: &Prediction, force: bool) {
        let n = self.values.len();
        let last = self.summary.as_ref().map_or(0, |s| s.runs);
        if n == 0 {
            self.summary = None;
            self.compare_summary = None;
        } else if n != last && (force || n * 20 >= last * 21 || !self.filling()) {
            self.summary = Some(NetSummary::of(&self.values, at));
            self.compare_summary = Some(NetSummary::of(&self.compare_values, compare));
        }
    }
}

/// The net of the current data and settings, its run, and its histogram.
#[derive(Debug)]
pub struct NetState {
    pub spec: NetSpec,
    /// x*, in data units.
    pub at: f64,
    pub net: Arc<Net>,
    pub theory: Arc<NetTheory>,
    /// Both theories at x*.
    pub at_theory: Prediction,
    /// Both theories at the compare view's point.
    pub cmp_theory: Prediction,
    /// The grid f is shown on, and both theories there.
    pub grid: Vec<f64>,
    pub bands: Vec<Prediction>,
    pub run: NetRun,
    /// The learning rate as the session chose it for this run.
    pub lr: LrChoice,
    /// f_lin(x*) from this run's init: where GD would end if the net stayed linear.
    pub f_lin_star: Option<f64>,
    /// The current run's f over the grid.
    pub curve: Vec<f64>,
    pub history: LossHistory,
    /// The run's test error, once a test set is given (`with_test`).
    pub test: Option<TestTrack>,
    pub stats: NetStats,
    pub hist: NetHistogram,
    /// Where the kernel change is measured: inline, or on a thread of its own (with a worker).
    pub mode: Mode,
    kernel_job: KernelJob,
}

/// The kernel change being measured off the UI thread, for the step it was started at; at
/// most one at a time (`again`: θ moved meanwhile, measure once more when it ends).
#[derive(Debug, Default)]
struct KernelJob {
    job: Option<(u64, Background<f64>)>,
    again: bool,
}

impl NetState {
    /// The net on `data` (noise σn = `sigma`), a run from init `init` of `seed`. O(N²M + N³).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        data: &Dataset,
        sigma: f64,
        spec: NetSpec,
        at: f64,
        optimizer: Optimizer,
        lr: LrChoice,
        seed: u64,
        init: u64,
    ) -> Result<NetState> {
        let net = spec.build(data, sigma)?;
        crate::net::check_at(&[at], &net)?;
        let theory = Arc::new(NetTheory::new(&net)?);
        let run = NetRun::new(Arc::clone(&net), optimizer, lr, seed, init)?;
        let grid = grid(data);
        let bands = theory.predict(&grid);
        let mut state = NetState {
            spec,
            at,
            at_theory: theory.at(at),
            cmp_theory: theory.at(crate::predict::test_point(data)),
            theory,
            net,
            grid,
            bands,
            run,
            lr,
            f_lin_star: None,
            curve: Vec::new(),
            history: LossHistory::default(),
            test: None,
            stats: NetStats::default(),
            hist: NetHistogram::new(optimizer, lr),
            mode: Mode::Inline,
            kernel_job: KernelJob::default(),
        };
        state.new_run_figures();
        Ok(state)
    }

    /// This net, its runs' test error measured on `set` from now on.
    pub fn with_test(mut self, set: Arc<TestSet>) -> Self {
        self.test = Some(TestTrack::new(set));
        self.new_run_figures();
        self
    }

    /// The figures that belong to the run's init, not its θ now.
    fn new_run_figures(&mut self) {
        self.f_lin_star = self.run.f_lin(&[self.at]).ok().and_then(|v| v.first().copied()).filter(|v| v.is_finite());
        self.history.clear();
        if let Some(t) = self.test.as_mut() {
            t.clear();
        }
        self.measure(true);
    }

    /// Recomputes the figures of θ now and records the loss. The kernel change (O(N²M), tens of
    /// ms at the default width) is remeasured only when `force`d or once the run has stopped,
    /// and then off the UI thread (see `measure_kernel`); until it arrives it shows with the
    /// step it was measured at.
    pub fn measure(&mut self, force: bool) {
        let run = &self.run;
        let f_star = run.f_at(&[self.at]).ok().and_then(|v| v.first().copied()).unwrap_or(f64::NAN);
        let last = self.stats.kernel_step;
        let due = force || (run.is_done() && run.steps != last) || run.steps < last;
        self.stats =
            NetStats { loss: run.loss(), grad: run.grad_norm(), rel_change: run.rel_change(), f_star, ..self.stats };
        self.curve = run.f_at(&self.grid).unwrap_or_default();
        self.history.push(run.steps, self.stats.loss);
        if let Some(t) = self.test.as_mut() {
            let pred = run.f_at(&t.set.x).unwrap_or_default();
            t.record(run.steps, &pred);
        }
        if due {
            self.measure_kernel();
        }
    }

    /// Starts measuring the kernel change of θ now, unless it is known or on its way. At θ0 it
    /// is 0 by definition.
    fn measure_kernel(&mut self) {
        let step = self.run.steps;
        if step == 0 {
            self.kernel_job = KernelJob::default(); // dropped: a job still running is cancelled
            (self.stats.kernel_change, self.stats.kernel_step) = (0.0, 0);
            return;
        }
        match &self.kernel_job.job {
            Some((s, _)) => {
                // One at a time: keys that step by hand can come faster than O(N²M) jobs end.
                self.kernel_job.again = *s != step;
                return;
            }
            None if self.stats.kernel_step == step => return,
            None => {}
        }
        let measure = self.run.kernel_change_job();
        let job = Background::start(self.mode, move |feed| {
            if !feed.cancelled() {
                feed.send(measure());
            }
        });
        self.kernel_job = KernelJob { job: Some((step, job)), again: false };
        self.poll_kernel();
    }

    /// Takes the kernel change if it has arrived (and starts the one owed, if θ moved while it
    /// was measured). True when the figures changed.
    pub fn poll_kernel(&mut self) -> bool {
        let Some((step, job)) = self.kernel_job.job.as_mut() else { return false };
        let step = *step;
        let got = job.drain().pop();
        if let Some(v) = got {
            (self.stats.kernel_change, self.stats.kernel_step) = (v, step);
        }
        if got.is_some() || job.finished() {
            let again = std::mem::take(&mut self.kernel_job).again;
            if again {
                self.measure_kernel();
            }
        }
        got.is_some()
    }

    /// Back to θ0 with the same init.
    pub fn replay(&mut self) {
        self.run.replay();
        self.history.clear();
        if let Some(t) = self.test.as_mut() {
            t.clear();
        }
        self.measure(true);
    }

    /// A new run from init `init` (same optimizer; the learning rate as the session chose it,
    /// so a default one is this init's 1/λmax).
    pub fn new_init(&mut self, init: u64, lr: LrChoice) -> Result<()> {
        self.run = NetRun::new(Arc::clone(&self.net), self.run.optimizer, lr, self.run.seed, init)?;
        self.lr = lr;
        self.new_run_figures();
        Ok(())
    }

    /// The run under another optimizer or learning rate, from the same init.
    pub fn set_optimizer(&mut self, optimizer: Optimizer, lr: LrChoice) -> Result<()> {
        self.run = NetRun::new(Arc::clone(&self.net), optimizer, lr, self.run.seed, self.run.init_index)?;
        self.lr = lr;
        self.new_run_figures();
        Ok(())
    }

    /// Moves x*: the histogram (of f at x*) starts again; the run goes on.
    pub fn set_at(&mut self, at: f64) {
        self.at = at;
        self.at_theory = self.theory.at(at);
        self.hist = NetHistogram::new(self.hist.optimizer, self.hist.lr);
        self.f_lin_star = self.run.f_lin(&[at]).ok().and_then(|v| v.first().copied()).filter(|v| v.is_finite());
        self.measure(true);
    }

    /// Where the worker reads each trained net: x* first, then the compare view's point, then
    /// the grid.
    pub fn readout_points(&self) -> Vec<f64> {
        [self.at, self.cmp_theory.x].into_iter().chain(self.grid.iter().copied()).collect()
    }
}
