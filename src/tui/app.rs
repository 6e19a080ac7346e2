//! The explorer's state and what each key does to it. No terminal here: tests and benchmarks
//! drive an `App` directly and render it into any backend.

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crate::args::{Common, ExplorerArgs};
use crate::data::{DataSpec, Dataset, XLayout};
use crate::ensemble::{self, EnsembleConfig, Summary};
use crate::model::{Model, ModelKind};
use crate::optim::{LrChoice, Optimizer, Run, Status, stability_bound};

use super::background::Mode;
use super::compare_view::COMPARED;
use super::drift_view::DriftView;
use super::history::LossHistory;
use super::keys::{Action, Key, action_for};
use super::net::slot::NETS_PER_FILL;
use super::net::{NetHistogram, NetSlot};
use super::panes::{self, Pane};
use super::ridge_view::RidgeView;
use super::worker::{self, Job, Subject, Task, Worker};
use crate::net::{Act, NetSpec, TrainMode};

/// ] and [ keep the learning rate within this factor of its default either way.
pub const LR_SCALE_LIMIT: f64 = 1_048_576.0;
/// Runs the histogram fills to on its own, and adds per `e`.
pub const RUNS_PER_FILL: u64 = 2000;
/// The histogram never holds more runs than this (memory, and the per-frame binning).
pub const MAX_RUNS: u64 = 200_000;
/// Steps per frame at start: a GD run of the slightly model (~10⁵ steps) converges in ~13 s
/// at 30 frames/s.
pub const DEFAULT_STEPS_PER_FRAME: u64 = 256;
const MAX_STEPS_PER_FRAME: u64 = 1 << 20;
/// The worker's slot number for the net's histogram (the linear models use 0..3).
const NET_SLOT: usize = 3;
/// x* moves by this fraction of the data's x range per key.
const AT_STEP: f64 = 0.05;
/// The widths w and W move between: at 4096 one GD step on 100 points is ≈ 2 ms, well inside
/// half a frame (a single step cannot be split).
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 4096;

/// A GD learning rate at the stability bound itself neither converges nor diverges: the fast
/// direction flips sign every step for ever. Say so instead of running on.
fn at_the_bound(slot: &Slot) -> Option<String> {
    let (lr, bound) = (slot.run.lr?, stability_bound(&slot.model, slot.run.optimizer)?);
    let gd = matches!(slot.run.optimizer, Optimizer::Gd | Optimizer::Whitened);
    (gd && (lr / bound.0 - 1.0).abs() < 1e-9)
        .then(|| format!("lr = {} exactly: the fastest direction flips sign each step for ever. [ halves it", bound.1))
}

/// Why a run stopped, short enough for the inspector: the step, the learning rate and the bound
/// it broke.
pub fn divergence_note(status: &Status, optimizer: Optimizer) -> Option<String> {
    let Status::Diverged(e) = status else { return None };
    match e {
        crate::Error::Diverged { step, lr, bound, bound_name, .. } => {
            let what = if optimizer == Optimizer::Sgd { "step ×" } else { "lr" };
            let name =
                if bound_name.starts_with("2/") { bound_name.split(' ').next().unwrap_or(bound_name) } else { "bound" };
            Some(format!("diverged at step {step}: {what} {lr:.3e} ≥ {name} {bound:.3e}. [ halves it, 0 resets"))
        }
        e => Some(e.to_string()),
    }
}

/// Steps the net's run like `App::run_steps_until` steps a linear one (the same loop as
/// `train`, stopping at `deadline`), then refreshes its figures. Returns why it stopped, if it did.
fn net_steps(net: &mut NetSlot, k: u64, max_steps: u64, tol: f64, deadline: Option<Instant>) -> Option<String> {
    if net.run.is_done() {
        return None;
    }
    let target = net.run.steps.saturating_add(k).min(max_steps);
    let history = &mut net.history;
    let result = net.run.run_until(target, tol, deadline, |step, loss| history.push(step, loss));
    // Stepping by hand measures everything; a running net keeps its frames short.
    net.refresh(deadline.is_none());
    match (result, &net.run.status) {
        (Err(_), _) | (_, Status::Diverged(_)) => divergence_note(&net.run.status, net.run.optimizer),
        (Ok(()), Status::Converged) if net.run.linearized => {
            Some("the linearized end from this init (exact): a real net ends near it, not on it".to_string())
        }
        (Ok(()), Status::Converged) => Some(format!("converged: |∇L| < {tol:e}")),
        (Ok(()), Status::Stalled) => Some("at the rounding floor: |∇L| will not go below tol".to_string()),
        (Ok(()), Status::Running) if net.run.steps >= max_steps => Some(format!("stopped at --steps {max_steps}")),
        (Ok(()), Status::Running) => None,
    }
}

/// What the big lower-left pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The histogram of endpoint slopes over many inits, with the theory curves.
    Slopes,
    /// Log-loss on a slice through the endpoint: the ridge itself.
    Ridge,
    /// How far the parameters moved, and how that shrinks as M grows.
    Drift,
    /// Every model's endpoints side by side, as predictions at one test point x*.
    Compare,
}

/// What the event loop should do after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Continue,
    Suspend,
    Quit,
}

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
    /// The bin counts last drawn, kept between frames (see `bin_counts`).
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
    fn new(optimizer: Optimizer, lr: LrChoice) -> Histogram {
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
    fn add(&mut self, batch: Vec<f64>, unconverged: u64, elapsed_s: f64) {
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
    fn summarize(&mut self, model: &Model, force: bool) {
        let n = self.slopes.len();
        let last = self.summary.as_ref().map_or(0, |s| s.runs);
        // The KS test sorts every slope: redo it only when the count grew by 5 % (or at the end).
        if n > 0 && (force || n * 20 >= last * 21 || !self.filling()) && n != last {
            self.summary = Some(ensemble::summarize(model, self.optimizer, &self.slopes));
        } else if n == 0 {
            self.summary = None;
        }
    }
}

/// One model's own run, kept while the user looks at the others.
#[derive(Debug, Clone)]
pub struct Slot {
    pub model: Arc<Model>,
    pub run: Run,
    pub history: LossHistory,
    pub stats: Stats,
    pub hist: Histogram,
    /// The slice through this run's endpoint and its projected path.
    pub ridge: RidgeView,
}

impl Slot {
    pub fn diverged(&self) -> Option<&crate::Error> {
        match &self.run.status {
            Status::Diverged(e) => Some(e),
            _ => None,
        }
    }
    /// Why the run stopped, short enough for the inspector: the step, the learning rate and
    /// the bound it broke.
    pub fn divergence_note(&self) -> Option<String> {
        divergence_note(&self.run.status, self.run.optimizer)
    }

    fn refresh(&mut self) {
        let run = &self.run;
        self.stats =
            Stats { loss: run.loss(), grad: run.grad_norm(), rel_change: run.rel_change(), slope: run.slope() };
        self.history.push(run.steps, self.stats.loss);
        self.ridge.record(&run.theta);
    }

    /// A new slice for the run as it stands: its θ now is where the path starts (θ0 for a new
    /// init or a replay), in the metric of its optimizer.
    fn restart_ridge(&mut self) {
        self.ridge = RidgeView::new(&self.model, &self.run.theta, self.run.optimizer.metric());
    }
}

/// Measured speeds; None in tests so renders stay deterministic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    pub steps_per_s: f64,
    pub frames_per_s: f64,
}

pub struct App {
    pub common: Common,
    pub seed: u64,
    pub data: Dataset,
    slots: [Option<Slot>; 3],
    /// The net's run and histogram, built when the net is first shown.
    pub net: Option<NetSlot>,
    /// The net's width, activation and what it trains (w, W, t, g change them).
    pub net_spec: NetSpec,
    /// The test point x* (data units) where the net's f is read out.
    pub at: f64,
    /// The drift view's width sweep on the net, trained on a thread of its own.
    pub net_drift: Option<super::net::drift::NetDrift>,
    /// The ridge view's plane on the net, computed off the frame.
    pub net_ridge: Option<super::net::ridge::NetRidge>,
    pub current: ModelKind,
    /// The linear model last shown: what `slot()` answers while the net is current.
    linear: ModelKind,
    /// The init a newly built run starts from: --init, then the latest `i`.
    pub init: u64,
    pub optimizer: Optimizer,
    pub lr: LrChoice,
    pub running: bool,
    pub steps_per_frame: u64,
    pub log_loss: bool,
    pub ascii: bool,
    /// False under NO_COLOR: series are then told apart by marker alone.
    pub color: bool,
    pub help: bool,
    /// Time a frame may spend stepping: half the frame time at --fps.
    pub frame_budget: std::time::Duration,
    pub view: View,
    /// The drift view's sweep over M, computed when the view is first shown for this data and init.
    pub drift: Option<DriftView>,
    pub message: Option<String>,
    pub rates: Option<Rates>,
    /// The pane f focuses and z shows full screen.
    pub focus: Pane,
    pub zoomed: bool,
    /// Where s exports the session (--out); None: a timestamped folder in the current directory.
    pub out: Option<PathBuf>,
    /// The size of the last frame drawn, so an export's screen.txt is the screen as shown.
    pub screen_size: Cell<(u16, u16)>,
    worker: Option<Worker>,
    /// Where `background` jobs run (see `set_background`).
    background: Mode,
    generation: u64,
    pending: Option<u64>,
}

/// Largest N for which a linear session works out the net's default x* at start-up.
const DEFAULT_AT_MAX_N: usize = 400;

fn slot_index(kind: ModelKind) -> usize {
    ModelKind::LINEAR.iter().position(|&k| k == kind).unwrap_or(0)
}

impl App {
    /// The explorer on the given settings, without a terminal or a worker (the histogram is
    /// empty until `attach_worker` or `fill_now`).
    pub fn new(common: &Common, explorer: &ExplorerArgs) -> crate::Result<App> {
        let data = common.dataset()?;
        if common.at.len() > 1 {
            return Err(crate::error::invalid!("the explorer takes one --at (a list is for the headless commands)"));
        }
        // x*: --at, else where the NTK-GP and posterior differ most on this data (the engine's
        // default, whatever model the explorer starts on).
        let net = common.net_spec().build(&data, common.noise);
        // Solving for the default x* is O(N³): a linear session on large data skips it.
        let solvable = !common.model.is_linear() || data.n() <= DEFAULT_AT_MAX_N;
        let at = match (common.at.first(), &net) {
            (Some(&x), Ok(net)) => {
                crate::net::check_at(&[x], net)?;
                x
            }
            (None, Ok(net)) if solvable => crate::net::default_at(net)?,
            (_, Err(e)) if !common.model.is_linear() => return Err(e.clone()),
            // The net cannot be built on this data (switching to it says why), or the default
            // is not worth solving for: --at as given, else the compare view's point.
            (Some(&x), _) => x,
            (None, _) => crate::predict::test_point(&data),
        };
        let linear = if common.model.is_linear() { common.model } else { ModelKind::Slightly };
        let mut app = App {
            common: common.clone(),
            seed: common.seed,
            data,
            slots: [None, None, None],
            net: None,
            net_drift: None,
            net_ridge: None,
            net_spec: common.net_spec(),
            at,
            current: common.model,
            linear,
            init: common.init,
            optimizer: common.optimizer.unwrap_or(Optimizer::Gd),
            lr: common.lr_choice(),
            running: false,
            steps_per_frame: DEFAULT_STEPS_PER_FRAME,
            log_loss: true,
            ascii: explorer.ascii,
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            help: false,
            frame_budget: std::time::Duration::from_secs_f64(0.5 / f64::from(explorer.fps.max(1))),
            view: View::Slopes,
            drift: None,
            message: None,
            rates: None,
            focus: Pane::View,
            zoomed: false,
            out: explorer.out.clone(),
            screen_size: Cell::new((120, 40)),
            worker: None,
            background: Mode::Inline,
            generation: 0,
            pending: None,
        };
        app.ensure_slot(linear)?;
        if app.current == ModelKind::Net {
            if let Some(why) = crate::net::train::refusal(app.optimizer) {
                return Err(crate::error::invalid!("{why}"));
            }
            app.ensure_net()?;
        }
        Ok(app)
    }

    /// Starts filling histograms in the background.
    pub fn attach_worker(&mut self, worker: Worker) {
        self.worker = Some(worker);
        self.set_background(Mode::Thread);
        self.request_fill();
    }

    /// Where work too long for a frame (the net's kernel change, the drift sweep) runs: on
    /// threads of its own in the explorer, inline without a worker (tests).
    pub fn set_background(&mut self, mode: Mode) {
        self.background = mode;
        if let Some(net) = &mut self.net {
            net.mode = mode;
        }
    }

    /// The current linear model's slot (the last one shown while the net is current).
    pub fn slot(&self) -> &Slot {
        // The current slot always exists: `new` and every model switch build it first.
        match &self.slots[slot_index(self.linear)] {
            Some(s) => s,
            None => unreachable!("current slot is always built"),
        }
    }
    fn slot_mut(&mut self) -> &mut Slot {
        match &mut self.slots[slot_index(self.linear)] {
            Some(s) => s,
            None => unreachable!("current slot is always built"),
        }
    }

    /// The run and histogram of model `kind`, if it has been built.
    pub fn slot_of(&self, kind: ModelKind) -> Option<&Slot> {
        if kind == ModelKind::Net {
            return None;
        }
        self.slots[slot_index(kind)].as_ref()
    }

    /// The net's slot when the net is the current model.
    pub fn net_slot(&self) -> Option<&NetSlot> {
        if self.current == ModelKind::Net { self.net.as_ref() } else { None }
    }
    fn net_mut(&mut self) -> Option<&mut NetSlot> {
        if self.current == ModelKind::Net { self.net.as_mut() } else { None }
    }

    /// The current run's step count, whichever the model.
    pub fn steps(&self) -> u64 {
        match self.net_slot() {
            Some(n) => n.run.steps,
            None => self.slot().run.steps,
        }
    }

    /// Builds the net for the session's data and settings, if it is not built.
    fn ensure_net(&mut self) -> crate::Result<()> {
        if self.net.is_none() {
            self.net = Some(NetSlot::new(
                &self.data,
                self.common.noise,
                self.net_spec,
                self.at,
                self.optimizer,
                self.lr,
                self.seed,
                self.init,
            )?);
            self.set_background(self.background);
        }
        Ok(())
    }

    /// Whether the net's histogram is on screen and filling.
    fn net_filling(&self) -> bool {
        self.net_shown().is_some_and(|n| n.hist.filling())
    }

    /// The net, when its histogram is on screen: the net is current, or the compare view shows it.
    pub fn net_shown(&self) -> Option<&NetSlot> {
        if self.current == ModelKind::Net || self.view == View::Compare { self.net.as_ref() } else { None }
    }
    fn net_shown_mut(&mut self) -> Option<&mut NetSlot> {
        if self.current == ModelKind::Net || self.view == View::Compare { self.net.as_mut() } else { None }
    }
    /// The slots whose histograms are on screen: every compared model in the compare view (those
    /// that could be built), else the current one.
    fn shown_slots(&self) -> Vec<usize> {
        if self.view == View::Compare {
            COMPARED.iter().map(|&k| slot_index(k)).filter(|&i| self.slots[i].is_some()).collect()
        } else if self.current == ModelKind::Net {
            Vec::new()
        } else {
            vec![slot_index(self.current)]
        }
    }

    /// Builds every compared model's slot, noting any that cannot be built on this data.
    fn ensure_compared(&mut self) {
        for &kind in COMPARED {
            if let Err(e) = self.ensure_slot(kind) {
                self.message = Some(format!("{}: {e}", kind.name()));
            }
        }
        // The net joins once it has been shown: building it trains for real (its histogram
        // costs seconds, not milliseconds), so C alone does not start that.
    }

    fn ensure_slot(&mut self, kind: ModelKind) -> crate::Result<()> {
        let i = slot_index(kind);
        if self.slots[i].is_none() {
            let model = Arc::new(Model::new(kind, self.data.clone(), self.common.noise, self.common.source_count()?)?);
            let run = Run::new(Arc::clone(&model), self.optimizer, self.lr, self.seed, self.init)?;
            let ridge = RidgeView::new(&model, &run.theta0, run.optimizer.metric());
            let mut slot = Slot {
                model,
                run,
                history: LossHistory::default(),
                stats: Stats::default(),
                hist: Histogram::new(self.optimizer, self.lr),
                ridge,
            };
            slot.refresh();
            self.slots[i] = Some(slot);
        }
        Ok(())
    }

    /// Whether anything moves on its own: a running run or a filling histogram.
    pub fn animating(&self) -> bool {
        self.running
            || (self.view == View::Drift
                && self.net_slot().is_some()
                && self.net_drift.as_ref().is_some_and(|d| !d.done()))
            || self.net_ridge_due()
            || (self.worker.is_some()
                && (self.net_filling()
                    || self.shown_slots().iter().any(|&i| self.slots[i].as_ref().is_some_and(|s| s.hist.filling()))))
    }

    /// The learning rate the current run uses and the bound it must stay under.
    pub fn lr_and_bound(&self) -> (Option<f64>, Option<(f64, &'static str)>) {
        if let Some(n) = self.net_slot() {
            return (n.run.lr, n.run.lr_bound);
        }
        let m = &self.slot().model;
        (self.lr.resolve(m, self.optimizer), stability_bound(m, self.optimizer))
    }

    // ---- stepping -------------------------------------------------------------------------

    /// Runs `k` steps of the current run (fewer if it converges or diverges), then refreshes the
    /// figures once. Pauses the run when it finishes or diverges.
    pub fn run_steps(&mut self, k: u64) {
        self.run_steps_until(k, None);
    }

    /// `run_steps`, stopping early at `deadline` so a frame never waits long for its steps.
    fn run_steps_until(&mut self, k: u64, deadline: Option<Instant>) {
        let max_steps = self.common.max_steps();
        let tol = self.common.tol;
        if let Some(net) = self.net_mut() {
            let stop = net_steps(net, k, max_steps, tol, deadline);
            if let Some(msg) = stop {
                self.running = false;
                self.message = Some(msg);
            }
            return;
        }
        let slot = self.slot_mut();
        if slot.run.is_done() {
            self.running = false;
            return;
        }
        let target = slot.run.steps.saturating_add(k).min(max_steps);
        let history = &mut slot.history;
        // The same loop as `overparam train`: it stops where train stops, at the same step.
        let result = slot.run.run_until(target, tol, deadline, |step, loss| history.push(step, loss));
        slot.refresh();
        let stop = match (result, &slot.run.status) {
            (Err(_), _) | (_, Status::Diverged(_)) => slot.divergence_note(),
            (Ok(()), Status::Converged) => Some(format!("converged: |∇L| < {tol:e}")),
            (Ok(()), Status::Stalled) => Some("at the rounding floor: |∇L| will not go below tol".to_string()),
            (Ok(()), Status::Running) if slot.run.steps >= max_steps => Some(format!("stopped at --steps {max_steps}")),
            (Ok(()), Status::Running) => at_the_bound(slot),
        };
        if let Some(msg) = stop {
            self.running = false;
            self.message = Some(msg);
        }
    }

    pub fn tick(&mut self) -> bool {
        let mut changed = self.poll_worker();
        if let Some(net) = &mut self.net {
            changed |= net.poll_kernel();
        }
        // Half a frame at most, so keys and redraws stay prompt on huge models.
        let deadline = Instant::now() + self.frame_budget;
        if self.running {
            self.run_steps_until(self.steps_per_frame, Some(deadline));
            changed = true;
        }
        changed |= self.refresh_net_ridge();
        self.refresh_net_drift();
        if let Some(d) = &mut self.net_drift {
            changed |= d.poll();
        }
        changed
    }

    // ---- the histogram ----------------------------------------------------------------------

    /// How the histograms' runs are trained: the session's optimizer, learning rate and seed.
    pub fn cfg(&self) -> EnsembleConfig {
        EnsembleConfig {
            optimizer: self.optimizer,
            lr: self.lr,
            max_steps: self.common.max_steps(),
            tol: self.common.tol,
            seed: self.seed,
        }
    }

    /// Makes the histograms on screen match the optimizer and learning rate in use.
    fn align_histogram(&mut self) {
        let (opt, lr) = (self.optimizer, self.lr);
        if let Some(net) = self.net_shown_mut()
            && (net.hist.optimizer != opt || net.hist.lr != lr)
        {
            net.hist = NetHistogram::new(opt, lr);
        }
        for i in self.shown_slots() {
            if let Some(slot) = &mut self.slots[i]
                && (slot.hist.optimizer != opt || slot.hist.lr != lr)
            {
                slot.hist = Histogram::new(opt, lr);
            }
        }
    }

    /// Points the worker at the histograms on screen (a new generation drops stale batches). An
    /// empty job stops whatever the worker was computing for histograms no longer shown.
    fn request_fill(&mut self) {
        self.generation += 1;
        self.pending = None;
        let Some(worker) = &self.worker else { return };
        let mut tasks: Vec<Task> = self
            .shown_slots()
            .into_iter()
            .filter_map(|i| {
                let slot = self.slots[i].as_ref()?;
                let runs = slot.hist.slopes.len() as u64..slot.hist.target;
                let subject = Subject::Linear(Arc::clone(&slot.model));
                slot.hist.filling().then_some(Task { slot: i, subject, runs })
            })
            .collect();
        if self.net_filling()
            && let Some(net) = &self.net
        {
            let subject = Subject::Net { net: Arc::clone(&net.net), at: net.readout_points() };
            tasks.push(Task { slot: NET_SLOT, subject, runs: net.hist.values.len() as u64..net.hist.target });
        }
        let busy = !tasks.is_empty();
        worker.submit(Job { generation: self.generation, cfg: self.cfg(), tasks });
        if busy {
            self.pending = Some(self.generation);
        }
    }

    /// Takes finished batches; returns whether a histogram changed.
    pub fn poll_worker(&mut self) -> bool {
        let mut changed = false;
        let mut batches = Vec::new();
        if let Some(w) = &self.worker {
            while let Some(b) = w.try_recv() {
                batches.push(b);
            }
        }
        for b in batches {
            if Some(b.generation) != self.pending {
                continue;
            }
            if b.slot == NET_SLOT {
                changed |= self.net_batch(b);
                continue;
            }
            let Some(slot) = self.slots.get_mut(b.slot).and_then(Option::as_mut) else { continue };
            if b.start != slot.hist.slopes.len() as u64 {
                continue;
            }
            match b.slopes {
                Ok(v) => slot.hist.add(v, b.unconverged, b.elapsed_s),
                Err(e) => slot.hist.error = Some(e.to_string()),
            }
            let model = Arc::clone(&slot.model);
            slot.hist.summarize(&model, false);
            changed = true;
        }
        changed
    }

    /// A batch of trained nets for the net's histogram; whether it changed.
    fn net_batch(&mut self, b: worker::Batch) -> bool {
        let Some(net) = self.net.as_mut() else { return false };
        if b.start != net.hist.values.len() as u64 {
            return false;
        }
        match b.slopes {
            Ok(v) => net.hist.add(v, &b.curves),
            Err(e) => net.hist.error = Some(e.to_string()),
        }
        net.hist.unconverged += b.unconverged;
        net.hist.elapsed_s += b.elapsed_s;
        let (at, cmp) = (net.at_theory, net.cmp_theory);
        net.hist.summarize(&at, &cmp, false);
        true
    }

    /// Asks the net's histogram, when shown, for `runs` nets in all (at most `MAX_RUNS`).
    pub fn set_net_target(&mut self, runs: u64) {
        if let Some(net) = self.net_shown_mut() {
            net.hist.error = None;
            net.hist.target = runs.min(MAX_RUNS);
            self.request_fill();
        }
    }

    /// Asks the current histogram for `runs` endpoints in all (at most `MAX_RUNS`).
    pub fn set_histogram_target(&mut self, runs: u64) {
        if let Some(net) = self.net_mut() {
            net.hist.error = None;
            net.hist.target = runs.min(MAX_RUNS);
            self.request_fill();
            return;
        }
        let hist = &mut self.slot_mut().hist;
        hist.error = None;
        hist.target = runs.min(MAX_RUNS);
        self.request_fill();
    }

    /// Fills the histograms on screen to their targets on this thread (tests and benchmarks).
    pub fn fill_now(&mut self) {
        let cfg = self.cfg();
        if let Some(net) = self.net_shown_mut() {
            let runs = net.hist.values.len() as u64..net.hist.target;
            if !runs.is_empty() && net.hist.error.is_none() {
                let clock = Instant::now();
                match worker::net_endpoints(&net.net, &cfg, runs, &net.readout_points(), &|| false) {
                    Ok(Some((v, curves, unconverged))) => {
                        net.hist.add(v, &curves);
                        net.hist.unconverged += unconverged;
                    }
                    Ok(None) => {}
                    Err(e) => net.hist.error = Some(e.to_string()),
                }
                net.hist.elapsed_s += clock.elapsed().as_secs_f64();
                let (at, cmp) = (net.at_theory, net.cmp_theory);
                net.hist.summarize(&at, &cmp, true);
            }
        }
        for i in self.shown_slots() {
            let Some(slot) = &mut self.slots[i] else { continue };
            let runs = slot.hist.slopes.len() as u64..slot.hist.target;
            if runs.is_empty() || slot.hist.error.is_some() {
                continue;
            }
            let clock = Instant::now();
            match worker::endpoints(&slot.model, &cfg, runs) {
                Ok((v, unconverged)) => slot.hist.add(v, unconverged, clock.elapsed().as_secs_f64()),
                Err(e) => slot.hist.error = Some(e.to_string()),
            }
            let model = Arc::clone(&slot.model);
            slot.hist.summarize(&model, true);
        }
    }

    // ---- keys -------------------------------------------------------------------------------

    /// Handles one key through the key table.
    pub fn press(&mut self, key: Key) -> Outcome {
        if self.help && matches!(key, Key::Esc | Key::Char('?')) {
            self.help = false;
            return Outcome::Continue;
        }
        match action_for(key) {
            Some(a) => self.act(a),
            None => Outcome::Continue,
        }
    }

    pub fn act(&mut self, action: Action) -> Outcome {
        if action == Action::Export {
            // Before the status line is cleared: screen.txt is the screen as it was shown.
            self.message = Some(super::export::export(self));
            return Outcome::Continue;
        }
        self.message = None;
        if self.current == ModelKind::Net && self.act_net(action) {
            return Outcome::Continue;
        }
        match action {
            Action::Quit => return Outcome::Quit,
            Action::Suspend => return Outcome::Suspend,
            Action::Help => self.help = !self.help,
            Action::RunPause => self.toggle_run(),
            Action::Step => self.manual_steps(1),
            Action::Step100 => self.manual_steps(100),
            Action::Faster => self.steps_per_frame = (self.steps_per_frame * 2).min(MAX_STEPS_PER_FRAME),
            Action::Slower => self.steps_per_frame = (self.steps_per_frame / 2).max(1),
            Action::NextModel => self.switch_model(1),
            Action::PrevModel => self.switch_model(ModelKind::ALL.len() - 1),
            Action::AtLeft => self.move_at(-1.0),
            Action::AtRight => self.move_at(1.0),
            Action::WidthUp => {
                self.set_net_spec(NetSpec { width: (self.net_spec.width * 2).min(MAX_WIDTH), ..self.net_spec })
            }
            Action::WidthDown => {
                self.set_net_spec(NetSpec { width: (self.net_spec.width / 2).max(MIN_WIDTH), ..self.net_spec })
            }
            Action::ToggleTrain => {
                let train = if self.net_spec.train == TrainMode::All { TrainMode::Last } else { TrainMode::All };
                self.set_net_spec(NetSpec { train, ..self.net_spec });
            }
            Action::NextAct => {
                let act = if self.net_spec.act == Act::Relu { Act::Erf } else { Act::Relu };
                self.set_net_spec(NetSpec { act, ..self.net_spec });
            }
            Action::NextOptimizer => {
                let i = Optimizer::ALL.iter().position(|&o| o == self.optimizer).unwrap_or(0);
                self.optimizer = Optimizer::ALL[(i + 1) % Optimizer::ALL.len()];
                // An absolute --lr means different things to gd and sgd: each optimizer starts
                // from its own default.
                if self.lr.lr.is_some() {
                    self.lr = LrChoice::default();
                    self.message = Some(format!("learning rate reset to {}'s default", self.optimizer.name()));
                }
                self.apply_settings();
            }
            Action::LrUp => self.scale_lr(2.0),
            Action::LrDown => self.scale_lr(0.5),
            Action::LrDefault => {
                self.lr = LrChoice::default();
                self.apply_settings();
            }
            Action::Replay => {
                let slot = self.slot_mut();
                slot.run.replay();
                slot.history.clear();
                slot.restart_ridge();
                slot.refresh();
            }
            Action::NewInit => {
                let (opt, lr, seed) = (self.optimizer, self.lr, self.seed);
                let slot = self.slot_mut();
                let next = slot.run.init_index.wrapping_add(1);
                if let Ok(run) = Run::new(Arc::clone(&slot.model), opt, lr, seed, next) {
                    slot.run = run;
                    slot.history.clear();
                    slot.restart_ridge();
                    slot.refresh();
                    self.init = next;
                    self.refresh_drift();
                }
            }
            Action::NewData => self.new_data(),
            Action::AddRuns => {
                for i in self.shown_slots() {
                    let Some(slot) = &mut self.slots[i] else { continue };
                    let hist = &mut slot.hist;
                    hist.error = None;
                    hist.target = (hist.target.max(hist.slopes.len() as u64) + RUNS_PER_FILL).min(MAX_RUNS);
                }
                if let Some(net) = self.net_shown_mut() {
                    let hist = &mut net.hist;
                    hist.error = None;
                    hist.target = (hist.target.max(hist.values.len() as u64) + NETS_PER_FILL).min(MAX_RUNS);
                }
                self.request_fill();
            }
            Action::ClearRuns => {
                for i in self.shown_slots() {
                    let Some(slot) = &mut self.slots[i] else { continue };
                    slot.hist = Histogram { target: 0, ..Histogram::new(slot.hist.optimizer, slot.hist.lr) };
                }
                if let Some(net) = self.net_shown_mut() {
                    net.hist = net.hist.cleared();
                }
                self.request_fill();
            }
            Action::ToggleLog => self.log_loss = !self.log_loss,
            Action::ToggleAscii => self.ascii = !self.ascii,
            Action::ToggleRidge => {
                self.view = if self.view == View::Ridge { View::Slopes } else { View::Ridge };
                self.request_fill();
            }
            Action::ToggleDrift => {
                self.view = if self.view == View::Drift { View::Slopes } else { View::Drift };
                self.refresh_drift();
                self.request_fill();
            }
            Action::ToggleCompare => {
                self.view = if self.view == View::Compare { View::Slopes } else { View::Compare };
                if self.view == View::Compare {
                    self.ensure_compared();
                }
                self.align_histogram();
                self.request_fill();
            }
            Action::FocusNext => self.focus = panes::next(self.view, self.focus),
            Action::Zoom => {
                self.focus = panes::resolve(self.view, self.focus);
                self.zoomed = !self.zoomed;
            }
            Action::Export => {}
        }
        Outcome::Continue
    }

    /// The actions that work differently on the net; false for those that do not (they fall
    /// through to the shared handling).
    fn act_net(&mut self, action: Action) -> bool {
        let (lr, max_steps, tol) = (self.lr, self.common.max_steps(), self.common.tol);
        let Some(net) = self.net.as_mut() else { return false };
        match action {
            Action::RunPause | Action::Step | Action::Step100 => {
                let note = divergence_note(&net.run.status, net.run.optimizer);
                if action == Action::RunPause && self.running {
                    self.running = false;
                    net.refresh(true);
                } else if let Some(note) = note {
                    self.message = Some(note);
                } else if net.run.is_done() {
                    let why = if net.run.converged() { "converged" } else { "stopped" };
                    self.message = Some(format!("{why} — r replays, i draws a new init"));
                } else if action == Action::RunPause {
                    self.running = true;
                } else {
                    self.running = false;
                    let k = if action == Action::Step { 1 } else { 100 };
                    self.message = net_steps(net, k, max_steps, tol, None);
                }
            }
            Action::Replay => net.replay(),
            Action::NewInit => {
                let next = net.run.init_index.wrapping_add(1);
                match net.new_init(next, lr) {
                    Ok(()) => self.init = next,
                    Err(e) => self.message = Some(e.to_string()),
                }
            }
            Action::NextOptimizer => {
                // cg and whitened are refused for the net: skip them, saying why once.
                let mut i = Optimizer::ALL.iter().position(|&o| o == self.optimizer).unwrap_or(0);
                loop {
                    i = (i + 1) % Optimizer::ALL.len();
                    if crate::net::train::refusal(Optimizer::ALL[i]).is_none() {
                        break;
                    }
                }
                self.optimizer = Optimizer::ALL[i];
                if self.lr.lr.is_some() {
                    self.lr = LrChoice::default();
                }
                self.apply_net_settings();
                self.message.get_or_insert_with(|| {
                    "cg and whitened are not for the net (nonlinear; prior variances all 1)".into()
                });
            }
            Action::LrUp | Action::LrDown => {
                if !self.optimizer.uses_lr() {
                    self.message = Some(format!("{} has no learning rate", self.optimizer.name()));
                    return true;
                }
                let factor = if action == Action::LrUp { 2.0 } else { 0.5 };
                let (lo, hi) = (LR_SCALE_LIMIT.recip(), LR_SCALE_LIMIT);
                let default = net.run.lambda_max.recip();
                match self.lr.lr {
                    Some(v) => self.lr.lr = Some((v * factor).clamp(lo * default, hi * default)),
                    None => self.lr.scale = (self.lr.scale * factor).clamp(lo, hi),
                }
                self.apply_net_settings();
            }
            Action::LrDefault => {
                self.lr = LrChoice::default();
                self.apply_net_settings();
            }
            Action::ToggleRidge => {
                self.view = if self.view == View::Ridge { View::Slopes } else { View::Ridge };
                self.refresh_net_ridge();
                self.request_fill();
            }
            Action::ToggleDrift => {
                self.view = if self.view == View::Drift { View::Slopes } else { View::Drift };
                self.refresh_net_drift();
                self.request_fill();
            }
            _ => return false,
        }
        true
    }

    /// The ridge view's plane on the net: taken when it arrives, started when the view shows
    /// none or the run stands at another θ (off the frame with a worker, inline without).
    fn refresh_net_ridge(&mut self) -> bool {
        if self.view != View::Ridge {
            return false;
        }
        let net = if self.current == ModelKind::Net { self.net.as_ref() } else { None };
        let Some(net) = net else { return false };
        super::net::ridge::NetRidge::refresh(&mut self.net_ridge, net, self.running, self.background, self.seed)
    }

    /// Whether the net's ridge view waits on a plane, or stands at a θ it has not drawn.
    fn net_ridge_due(&self) -> bool {
        self.view == View::Ridge
            && self.net_slot().is_some_and(|n| {
                self.net_ridge.as_ref().is_none_or(|r| r.busy() || (!self.running && !r.shows(&n.run.theta)))
            })
    }

    /// The drift view's sweep belongs to one dataset, seed, init, activation and training mode
    /// (not the width: it sweeps widths): a new one starts when they change while it shows.
    fn refresh_net_drift(&mut self) {
        if self.view != View::Drift {
            return;
        }
        let (seed, max_steps, tol) = (self.seed, self.common.max_steps(), self.common.tol);
        let Some(net) = self.net_slot() else { return };
        let key = (seed, net.run.init_index, NetSpec { width: 0, ..net.spec });
        if self.net_drift.as_ref().is_none_or(|d| d.key != key) {
            let drift =
                super::net::drift::NetDrift::new(net, seed, net.run.init_index, max_steps, tol, self.background);
            self.net_drift = Some(drift);
        }
    }

    /// The net's run under the session's optimizer and learning rate, from the same init; the
    /// histogram follows. A failure leaves everything as it was.
    fn apply_net_settings(&mut self) {
        let (opt, lr) = (self.optimizer, self.lr);
        let Some(net) = self.net.as_mut() else { return };
        let (old_opt, old_lr) = (net.run.optimizer, net.lr);
        if let Err(e) = net.set_optimizer(opt, lr) {
            (self.optimizer, self.lr) = (old_opt, old_lr);
            self.message = Some(e.to_string());
            return;
        }
        self.align_histogram();
        self.request_fill();
    }

    /// x* one step left or right, within the range the net's data pane shows. The histogram
    /// of f(x*) starts again from run 0; the run goes on.
    fn move_at(&mut self, dir: f64) {
        let [lo, hi] = super::net::slot::shown_range(&self.data);
        let at = (self.at + dir * AT_STEP * 0.5 * (hi - lo)).clamp(lo, hi);
        if at == self.at {
            self.message = Some(format!("x* stays within the shown range [{}, {}]", lo, hi));
            return;
        }
        self.at = at;
        if let Some(net) = self.net.as_mut() {
            net.set_at(at);
            self.message = Some(format!(
                "x* = {}: the histogram of f(x*) restarts from run 0 (seed {})",
                super::ui::num(at),
                self.seed
            ));
        } else {
            self.message = Some(format!("x* = {}", super::ui::num(at)));
        }
        self.request_fill();
    }

    /// New net settings: the net is rebuilt, its run and histogram restart from the same seed
    /// and init. A setting the net refuses changes nothing.
    fn set_net_spec(&mut self, spec: NetSpec) {
        if spec == self.net_spec {
            self.message = Some(format!("width stays within {MIN_WIDTH}..{MAX_WIDTH}"));
            return;
        }
        // Short enough for the inspector at 80×24 (two lines of 28 columns).
        let what = format!("M {} · {} · {}", spec.width, spec.act.name(), spec.train.name());
        let old = (self.net_spec, self.net.take());
        self.net_spec = spec;
        if self.current != ModelKind::Net {
            self.message = Some(format!("net: {what} (m shows the net)"));
            return;
        }
        if let Err(e) = self.ensure_net() {
            (self.net_spec, self.net) = old;
            self.message = Some(e.to_string());
            return;
        }
        self.running = false;
        self.message = Some(format!("{what}: restarted (seed {}, init {})", self.seed, self.init));
        self.request_fill();
    }

    /// The drift view's sweep belongs to one dataset and init: drop it when they change, and
    /// compute it (a few closed-form endpoints, milliseconds) when the view is showing.
    fn refresh_drift(&mut self) {
        let init = self.slot().run.init_index;
        let stale = self.drift.as_ref().is_some_and(|d| d.seed != self.seed || d.init != init);
        if stale {
            self.drift = None;
        }
        if self.view == View::Drift && self.drift.is_none() {
            self.drift = Some(DriftView::new(&self.data, self.common.noise, self.seed, init));
        }
    }

    fn toggle_run(&mut self) {
        if self.running {
            self.running = false;
            return;
        }
        let slot = self.slot();
        if let Some(note) = slot.divergence_note() {
            self.message = Some(note);
        } else if slot.run.is_done() {
            let why = if slot.run.converged() { "converged" } else { "at the rounding floor" };
            self.message = Some(format!("{why} — r replays, i draws a new init"));
        } else {
            self.running = true;
        }
    }

    fn manual_steps(&mut self, k: u64) {
        self.running = false;
        let slot = self.slot();
        if let Some(note) = slot.divergence_note() {
            self.message = Some(note);
            return;
        }
        self.run_steps(k);
    }

    fn switch_model(&mut self, by: usize) {
        let n = ModelKind::ALL.len();
        let mut i = ModelKind::ALL.iter().position(|&k| k == self.current).unwrap_or(0);
        // Skip a model that cannot be built on this data (too many parameters), with a note.
        for _ in 0..n {
            i = (i + by) % n;
            let kind = ModelKind::ALL[i];
            if kind == ModelKind::Net {
                if let Err(e) = self.switch_to_net() {
                    self.message = Some(format!("net: {e}"));
                    continue;
                }
                return;
            }
            match self.ensure_slot(kind) {
                Ok(()) => {
                    self.current = kind;
                    self.linear = kind;
                    self.apply_settings();
                    self.refresh_drift();
                    return;
                }
                Err(e) => self.message = Some(format!("{}: {e}", kind.name())),
            }
        }
    }

    /// Shows the net, built from the session's settings; an optimizer refused for the net
    /// (cg, whitened) gives way to gd, saying so.
    fn switch_to_net(&mut self) -> crate::Result<()> {
        let (old_opt, old_lr) = (self.optimizer, self.lr);
        let note = crate::net::train::refusal(self.optimizer).map(|why| format!("{why}: using gd"));
        if note.is_some() {
            self.optimizer = Optimizer::Gd;
            self.lr = LrChoice::default();
        }
        if let Err(e) = self.ensure_net() {
            (self.optimizer, self.lr) = (old_opt, old_lr);
            return Err(e);
        }
        self.current = ModelKind::Net;
        self.running = false;
        self.apply_net_settings_if_stale();
        if note.is_some() {
            self.message = note;
        }
        Ok(())
    }

    /// After a switch back to the net: its run follows the session's optimizer and learning rate.
    fn apply_net_settings_if_stale(&mut self) {
        let stale = self.net.as_ref().is_some_and(|n| n.run.optimizer != self.optimizer || n.lr != self.lr);
        if stale {
            self.apply_net_settings();
        } else {
            self.align_histogram();
            self.request_fill();
        }
    }

    fn scale_lr(&mut self, factor: f64) {
        if !self.optimizer.uses_lr() {
            self.message = Some(format!("{} has no learning rate", self.optimizer.name()));
            return;
        }
        // Bounded, so the quit line stays a command the CLI accepts.
        let (lo, hi) = (LR_SCALE_LIMIT.recip(), LR_SCALE_LIMIT);
        let default = LrChoice::default().resolve(&self.slot().model, self.optimizer).unwrap_or(1.0);
        let (old, new) = match self.lr.lr {
            Some(v) => (v, (v * factor).clamp(lo * default, hi * default)),
            None => (self.lr.scale, (self.lr.scale * factor).clamp(lo, hi)),
        };
        if new == old {
            self.message = Some("the learning rate stays within 2^±20 of its default (0 resets it)".into());
            return;
        }
        match self.lr.lr {
            Some(_) => self.lr.lr = Some(new),
            None => self.lr.scale = new,
        }
        self.apply_settings();
    }

    /// Applies the session's optimizer and learning rate to the current run, which starts again
    /// from its init: an endpoint then belongs to one optimizer, and the quit line reproduces it.
    fn apply_settings(&mut self) {
        let (opt, lr) = (self.optimizer, self.lr);
        let slot = self.slot_mut();
        if slot.run.optimizer != opt || slot.run.lr != lr.resolve(&slot.model, opt) {
            let (old_opt, old_lr) = (slot.run.optimizer, slot.hist.lr);
            match slot.run.set_optimizer(opt, lr) {
                Ok(()) => {
                    slot.run.replay();
                    slot.history.clear();
                    slot.restart_ridge();
                    slot.refresh();
                }
                Err(e) => {
                    // Nothing changes: the run, the histogram and the quit line stay as they were.
                    (self.optimizer, self.lr) = (old_opt, old_lr);
                    self.message = Some(e.to_string());
                    return;
                }
            }
        }
        self.align_histogram();
        self.request_fill();
    }

    fn new_data(&mut self) {
        if let Some(path) = &self.common.data {
            self.message = Some(format!("the data comes from {}: no new data to draw", path.display()));
            return;
        }
        let spec = DataSpec { seed: self.seed.wrapping_add(1), ..self.common.data_spec() };
        let data = match spec.generate() {
            Ok(d) => d,
            Err(e) => {
                self.message = Some(e.to_string());
                return;
            }
        };
        // Build the new current slot before dropping the old ones, so a failure changes nothing.
        let old =
            (self.seed, std::mem::replace(&mut self.data, data), std::mem::take(&mut self.slots), self.net.take());
        self.seed = spec.seed;
        let built = self
            .ensure_slot(self.linear)
            .and_then(|()| if self.current == ModelKind::Net { self.ensure_net() } else { Ok(()) });
        if let Err(e) = built {
            (self.seed, self.data, self.slots, self.net) = old;
            self.message = Some(e.to_string());
            return;
        }
        self.running = false;
        self.refresh_drift();
        if self.view == View::Compare {
            self.ensure_compared();
            self.align_histogram();
        }
        self.request_fill();
    }

    /// The command line that reproduces this session's settings.
    pub fn command_line(&self) -> String {
        let c = &self.common;
        let d = DataSpec::default();
        let mut out = format!("overparam --seed {}", self.seed);
        if let Some(path) = &c.data {
            out += &format!(" --data {}", shell_quote(&path.display().to_string()));
        } else if let Some(preset) = c.preset {
            out += match preset {
                crate::args::Preset::Small => " --preset small",
                crate::args::Preset::Demo => " --preset demo",
            };
            if c.slope != d.slope {
                out += &format!(" --slope {}", c.slope);
            }
        } else {
            if c.n != d.n {
                out += &format!(" --n {}", c.n);
            }
            if c.x != XLayout::Grid {
                out += match c.x {
                    XLayout::Normal => " --x normal",
                    XLayout::Uniform => " --x uniform",
                    XLayout::Grid => "",
                };
            }
            if c.slope != d.slope {
                out += &format!(" --slope {}", c.slope);
            }
        }
        if c.noise != d.noise {
            out += &format!(" --noise {}", c.noise);
        }
        out += &format!(" --model {} --optimizer {}", self.current.name(), self.optimizer.name());
        // The net's options only with the net: the headless commands refuse them elsewhere.
        if self.current == ModelKind::Net {
            let spec = self.net_spec;
            out += &format!(
                " --width {} --act {} --train {} --at {}",
                spec.width,
                spec.act.name(),
                spec.train.name(),
                self.at
            );
        }
        if let Ok(m) = c.source_count()
            && m != crate::args::DEFAULT_SOURCES
        {
            out += &format!(" --sources {m}");
        }
        match self.lr.lr {
            Some(v) => out += &format!(" --lr {v}"),
            None if self.lr.scale != 1.0 => out += &format!(" --lr-scale {}", self.lr.scale),
            None => {}
        }
        let init = self.net_slot().map_or(self.slot().run.init_index, |n| n.run.init_index);
        out += &format!(" --init {init}");
        if let Some(s) = c.steps {
            out += &format!(" --steps {s}");
        }
        if c.tol != crate::optim::DEFAULT_TOL {
            out += &format!(" --tol {:e}", c.tol);
        }
        if self.ascii {
            out += " --ascii";
        }
        out
    }
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=,:+".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod histogram_tests {
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
