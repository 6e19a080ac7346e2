//! Optimizers and a training run that can be stepped (the explorer) or run to the end (the CLI).

use std::sync::Arc;

use ndarray::Array1;
use rand::seq::SliceRandom;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{Metric, Model, ModelKind};
use crate::rng::{Rng, Stream, stream};

/// Default cap on steps for a run to the end.
pub const DEFAULT_MAX_STEPS: u64 = 1_000_000;
/// Default stopping tolerance on |∇L|.
pub const DEFAULT_TOL: f64 = 1e-9;
/// A loss this many times its start counts as divergence.
pub const DIVERGENCE_FACTOR: f64 = 1e6;
/// GD carries its residual forward by recurrence; it is recomputed from θ this often.
pub const RESIDUAL_RESYNC: u32 = 64;
/// Below |r| = this × |y| the carried residual is recomputed every step: rounding in θ
/// (≈ 1e-16 · |y|) is then within a few decades of it.
pub const RESIDUAL_FLOOR: f64 = 1e-11;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Optimizer {
    /// Plain gradient descent, learning rate 1/λmax by default.
    Gd,
    /// One point at a time (randomized Kaczmarz), reshuffled each epoch.
    Sgd,
    /// Conjugate gradient on the least-squares loss (CGLS).
    Cg,
    /// Jump to the closed-form limit of plain GD.
    Exact,
    /// GD preconditioned by the prior variances: its endpoints sample the posterior.
    Whitened,
}

impl Optimizer {
    pub const ALL: [Optimizer; 5] =
        [Optimizer::Gd, Optimizer::Sgd, Optimizer::Cg, Optimizer::Exact, Optimizer::Whitened];
    pub fn name(self) -> &'static str {
        match self {
            Optimizer::Gd => "gd",
            Optimizer::Sgd => "sgd",
            Optimizer::Cg => "cg",
            Optimizer::Exact => "exact",
            Optimizer::Whitened => "whitened",
        }
    }
    /// The metric whose closest ridge point this optimizer reaches.
    pub fn metric(self) -> Metric {
        if self == Optimizer::Whitened { Metric::Prior } else { Metric::Euclidean }
    }
    /// Whether the learning rate is a free setting (gd, whitened) or a relative step (sgd).
    pub fn uses_lr(self) -> bool {
        matches!(self, Optimizer::Gd | Optimizer::Whitened | Optimizer::Sgd)
    }
}

/// How a run picks its learning rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LrChoice {
    /// An absolute learning rate (gd, whitened), overriding the default.
    pub lr: Option<f64>,
    /// Multiplies the default: 1/λmax for gd and whitened, the Kaczmarz step 1/|J_n|² for sgd.
    pub scale: f64,
}

impl Default for LrChoice {
    fn default() -> Self {
        LrChoice { lr: None, scale: 1.0 }
    }
}

impl LrChoice {
    /// The learning rate a run of `opt` on `model` uses: for sgd, the factor on the Kaczmarz step;
    /// None for cg and exact, which have none.
    pub fn resolve(&self, model: &Model, opt: Optimizer) -> Option<f64> {
        match opt {
            Optimizer::Gd | Optimizer::Whitened => {
                Some(self.lr.unwrap_or(self.scale / model.lambda_max_in(opt.metric())))
            }
            Optimizer::Sgd => Some(self.lr.unwrap_or(self.scale)),
            Optimizer::Cg | Optimizer::Exact => None,
        }
    }
}

/// The stability bound on the learning rate and its name: 2/λmax for GD, 2 for the Kaczmarz factor.
pub fn stability_bound(model: &Model, opt: Optimizer) -> Option<(f64, &'static str)> {
    match opt {
        Optimizer::Gd => Some((2.0 / model.lambda_max(), "2/λmax")),
        Optimizer::Whitened => Some((2.0 / model.lambda_max_in(Metric::Prior), "2/λmax (whitened)")),
        Optimizer::Sgd => Some((2.0, "2 (relative Kaczmarz step)")),
        _ => None,
    }
}

/// Where a run stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Running,
    Converged,
    /// Stopped short of tol: rounding keeps |∇L| from getting smaller.
    Stalled,
    Diverged(Error),
}

/// Why a run stopped, in the words every front end uses; None while it runs on.
///
/// `train` and the figures add their own numbers after these words; the explorer adds its keys.
/// A run cut at --steps says it stopped early, not converged (early stopping acts as a ridge).
/// A divergence names the step, the learning rate (sgd: the factor on the Kaczmarz step) and
/// the bound it broke.
pub fn stop_words(status: &Status, optimizer: Optimizer, steps: u64, max_steps: u64, tol: f64) -> Option<String> {
    match status {
        Status::Converged => Some(format!("converged: |∇L| < {tol:e}")),
        Status::Stalled => Some("stalled at the floating-point floor: |∇L| will not go below tol".to_string()),
        // Never to pass for converged: near k = N without noise parameters GD would need
        // astronomically many steps, and where it stops it has fitted less than the ridge.
        Status::Running if steps >= max_steps => {
            Some(format!("stopped early at --steps {max_steps}, not converged: early stopping acts as a ridge"))
        }
        Status::Running => None,
        Status::Diverged(Error::Diverged { step, lr, bound, bound_name, .. }) => {
            let what = if optimizer == Optimizer::Sgd { "step ×" } else { "lr" };
            let name =
                if bound_name.starts_with("2/") { bound_name.split(' ').next().unwrap_or(bound_name) } else { "bound" };
            Some(format!("diverged at step {step}: {what} {lr:.3e} ≥ {name} {bound:.3e}"))
        }
        Status::Diverged(e) => Some(e.to_string()),
    }
}

/// Why runs of `kind` under `optimizer` never reach tol however many steps they take, in the
/// words every front end uses (the headless warnings and the explorer's slopes pane); None when
/// more steps would get there. The traditional model cannot fit every point, so a constant SGD
/// step keeps pulling its slope towards whichever point it last fitted.
pub fn sgd_note(kind: ModelKind, optimizer: Optimizer) -> Option<&'static str> {
    (kind == ModelKind::Traditional && optimizer == Optimizer::Sgd)
        .then_some("constant-step SGD never settles: each step fits one point")
}

/// A resolved learning rate, checked: a positive finite number, or None (an optimizer without
/// one). The lines and the net alike.
pub(crate) fn checked_lr(lr: Option<f64>) -> Result<Option<f64>> {
    match lr {
        Some(v) if !(v.is_finite() && v > 0.0) => {
            Err(crate::error::invalid!("the learning rate must be a positive number (got {v})"))
        }
        _ => Ok(lr),
    }
}

#[derive(Debug, Clone)]
struct CgState {
    /// Residual r = y − Jθ.
    r: Array1<f64>,
    /// Search direction.
    p: Array1<f64>,
    /// |Jᵀr|².
    gamma: f64,
}

#[derive(Debug, Clone)]
struct GdState {
    /// r = y − Jθ, carried forward by recurrence.
    r: Array1<f64>,
    /// Below |r|² = this the residual is recomputed every step (RESIDUAL_FLOOR² · |y|²).
    floor: f64,
    /// |r|² at the last step (2 × its loss), so the floor test costs nothing.
    rr: f64,
    /// Steps since r was last computed from θ.
    age: u32,
}

impl GdState {
    fn new(model: &Model, theta: &Array1<f64>) -> GdState {
        let floor = RESIDUAL_FLOOR * RESIDUAL_FLOOR * model.data.y.dot(&model.data.y);
        GdState { r: model.residuals(theta.view()), floor, rr: f64::INFINITY, age: 0 }
    }
}

/// SGD's visiting order, shared by the lines and the net: the points in an order reshuffled
/// at the start of every epoch, from the run's own (seed, Sgd, init) stream.
#[derive(Debug, Clone)]
pub(crate) struct SgdState {
    order: Vec<usize>,
    pos: usize,
    rng: Rng,
}

impl SgdState {
    pub(crate) fn new(n: usize, seed: u64, init_index: u64) -> SgdState {
        // pos = n: reshuffle before the first step.
        SgdState { order: (0..n).collect(), pos: n, rng: stream(seed, Stream::Sgd, init_index) }
    }
    /// The next point to visit (a new epoch reshuffles first).
    pub(crate) fn next_point(&mut self) -> usize {
        if self.pos >= self.order.len() {
            self.order.shuffle(&mut self.rng);
            self.pos = 0;
        }
        self.pos += 1;
        self.order[self.pos - 1]
    }
    /// True when the last point given ended an epoch.
    pub(crate) fn epoch_end(&self) -> bool {
        self.pos >= self.order.len()
    }
}

/// One training run from one init.
#[derive(Debug, Clone)]
pub struct Run {
    pub model: Arc<Model>,
    pub optimizer: Optimizer,
    /// The learning rate in use (sgd: the factor on the Kaczmarz step); None for cg and exact.
    pub lr: Option<f64>,
    pub seed: u64,
    /// Which init of this seed (run r of an ensemble uses init r).
    pub init_index: u64,
    pub theta0: Array1<f64>,
    pub theta: Array1<f64>,
    pub steps: u64,
    pub status: Status,
    loss0: f64,
    cg: Option<CgState>,
    sgd: Option<SgdState>,
    gd: Option<GdState>,
    /// The last true |∇L| seen when an estimate fell below tol, and how many times in a row
    /// it failed to improve: the rounding floor.
    stall: (f64, u32),
}

impl Run {
    /// A run from init `init_index` of `seed`. The init depends only on (seed, init_index).
    pub fn new(model: Arc<Model>, optimizer: Optimizer, lr: LrChoice, seed: u64, init_index: u64) -> Result<Run> {
        let theta0 = model.init(&mut stream(seed, Stream::Init, init_index));
        Run::from_init(model, optimizer, lr, seed, init_index, theta0)
    }

    /// A run from a given θ0 (length k).
    pub fn from_init(
        model: Arc<Model>,
        optimizer: Optimizer,
        lr: LrChoice,
        seed: u64,
        init_index: u64,
        theta0: Array1<f64>,
    ) -> Result<Run> {
        let lr_value = checked_lr(lr.resolve(&model, optimizer))?;
        let loss0 = model.loss(theta0.view());
        let mut run = Run {
            model,
            optimizer,
            lr: lr_value,
            seed,
            init_index,
            theta: theta0.clone(),
            theta0,
            steps: 0,
            status: Status::Running,
            loss0,
            cg: None,
            sgd: None,
            gd: None,
            stall: (f64::INFINITY, 0),
        };
        run.reset_state();
        Ok(run)
    }

    fn reset_state(&mut self) {
        self.cg = None;
        self.sgd = None;
        self.gd = None;
        match self.optimizer {
            Optimizer::Gd | Optimizer::Whitened => {
                self.gd = Some(GdState::new(&self.model, &self.theta));
            }
            Optimizer::Cg => {
                let r = self.model.residuals(self.theta.view());
                let s = self.model.apply_jt(r.view());
                let gamma = s.dot(&s);
                self.cg = Some(CgState { r, p: s, gamma });
            }
            Optimizer::Sgd => {
                self.sgd = Some(SgdState::new(self.model.n(), self.seed, self.init_index));
            }
            _ => {}
        }
    }

    /// Back to θ0, step 0, same init and optimizer.
    pub fn replay(&mut self) {
        self.theta.assign(&self.theta0);
        self.steps = 0;
        self.stall = (f64::INFINITY, 0);
        self.status = Status::Running;
        self.reset_state();
    }

    /// Switch optimizer (and learning rate) and carry on from the current θ.
    pub fn set_optimizer(&mut self, optimizer: Optimizer, lr: LrChoice) -> Result<()> {
        let lr_value = checked_lr(lr.resolve(&self.model, optimizer))?;
        self.optimizer = optimizer;
        self.lr = lr_value;
        if matches!(self.status, Status::Diverged(_)) {
            self.theta.assign(&self.theta0);
            self.steps = 0;
        }
        self.status = Status::Running;
        self.reset_state();
        Ok(())
    }

    /// The loss at the init.
    pub fn loss0(&self) -> f64 {
        self.loss0
    }
    /// The loss at the current θ (O(k)).
    pub fn loss(&self) -> f64 {
        self.model.loss(self.theta.view())
    }
    /// |∇L| at the current θ (O(k)).
    pub fn grad_norm(&self) -> f64 {
        self.model.grad_norm(self.theta.view())
    }
    pub fn slope(&self) -> f64 {
        self.theta[0]
    }
    pub fn slope_init(&self) -> f64 {
        self.theta0[0]
    }
    /// The closed-form endpoint from this run's init, in this optimizer's metric.
    pub fn limit(&self) -> Array1<f64> {
        self.model.endpoint(self.theta0.view(), self.optimizer.metric())
    }
    /// |θ − θ0| / |θ0|.
    pub fn rel_change(&self) -> f64 {
        let d = &self.theta - &self.theta0;
        d.dot(&d).sqrt() / self.theta0.dot(&self.theta0).sqrt()
    }
    pub fn is_done(&self) -> bool {
        !matches!(self.status, Status::Running)
    }

    fn diverged(&mut self, loss: f64) -> Error {
        let bound = stability_bound(&self.model, self.optimizer);
        // Below its stability bound (or with no learning rate at all) a run cannot diverge:
        // the numbers themselves overflowed.
        let Some((bound, bound_name)) = bound.filter(|(b, _)| self.lr.is_some_and(|lr| lr >= *b)) else {
            let err = Error::Overflow { step: self.steps };
            self.status = Status::Diverged(err.clone());
            return err;
        };
        let err = Error::Diverged {
            step: self.steps,
            lr: self.lr.unwrap_or(f64::NAN),
            bound,
            bound_name,
            loss0: self.loss0,
            loss: if loss.is_finite() { format!("{loss:.4e}") } else { "a non-finite value".into() },
        };
        self.status = Status::Diverged(err.clone());
        err
    }

    /// Checks a loss for divergence: non-finite, or past 1e6 × the loss at the init.
    fn check(&mut self, loss: f64) -> Result<()> {
        if !loss.is_finite() || loss > DIVERGENCE_FACTOR * self.loss0.max(f64::MIN_POSITIVE) {
            return Err(self.diverged(loss));
        }
        Ok(())
    }

    /// One step. Returns the loss at θ before the step when it comes for free (gd, whitened,
    /// cg, exact), and an error once the run diverges. A finished run does not move.
    pub fn step(&mut self) -> Result<Option<f64>> {
        match &self.status {
            Status::Diverged(e) => return Err(e.clone()),
            _ if self.optimizer == Optimizer::Exact && self.steps > 0 => return Ok(None),
            _ => {}
        }
        let loss_before = match self.optimizer {
            Optimizer::Gd | Optimizer::Whitened => {
                let (loss, _) = self.gd_step()?;
                Some(loss)
            }
            Optimizer::Exact => {
                let loss = self.loss();
                self.theta = self.limit();
                self.steps += 1;
                self.status = Status::Converged;
                Some(loss)
            }
            Optimizer::Cg => {
                let loss = self.cg_step();
                self.steps += 1;
                self.check(loss)?;
                Some(loss)
            }
            Optimizer::Sgd => {
                self.sgd_step()?;
                None
            }
        };
        Ok(loss_before)
    }

    /// One plain or whitened GD step; returns (loss, |∇L|) before it.
    fn gd_step(&mut self) -> Result<(f64, f64)> {
        let (metric, lr) = (self.optimizer.metric(), self.lr.unwrap_or(0.0));
        // Borrow the fields apart (no Arc clone on the hot path).
        let (model, theta_all) = (&*self.model, &mut self.theta);
        let gd = self.gd.get_or_insert_with(|| GdState::new(model, theta_all));
        // Near the rounding floor the carried residual would keep shrinking below the true one,
        // so it is recomputed from θ every step there (only the last stretch of a run).
        // (The last step's pass normally did it already: then age is 0.)
        if gd.age >= RESIDUAL_RESYNC || (gd.rr < gd.floor && gd.age > 0) {
            gd.r = model.residuals(theta_all.view());
            gd.age = 0;
        }
        gd.age += 1;
        let theta = theta_all.as_slice_mut().unwrap_or(&mut []);
        let r = gd.r.as_slice_mut().unwrap_or(&mut []);
        // When the next step would recompute r from θ, do it now, in the pass that writes θ.
        let (age, floor) = (gd.age, gd.floor);
        let (loss, g, fresh) = model.gd_update_with(theta, r, lr, metric, |rr| age >= RESIDUAL_RESYNC || rr < floor);
        if fresh {
            gd.age = 0;
        }
        gd.rr = 2.0 * loss;
        self.steps += 1;
        self.check(loss)?;
        Ok((loss, g))
    }

    /// One CGLS iteration; returns the loss before it.
    fn cg_step(&mut self) -> f64 {
        let model = Arc::clone(&self.model);
        let Some(cg) = self.cg.as_mut() else { return self.loss() };
        let loss = 0.5 * cg.r.dot(&cg.r);
        if cg.gamma == 0.0 {
            return loss;
        }
        let q = model.apply_j(cg.p.view());
        let qq = q.dot(&q);
        if !(qq.is_finite() && cg.gamma.is_finite()) {
            return f64::NAN; // overflowed: reported by the caller's check
        }
        if qq == 0.0 {
            return loss;
        }
        let alpha = cg.gamma / qq;
        self.theta.scaled_add(alpha, &cg.p);
        cg.r.scaled_add(-alpha, &q);
        let s = model.apply_jt(cg.r.view());
        let gamma = s.dot(&s);
        let beta = gamma / cg.gamma;
        cg.p = &s + &(&cg.p * beta);
        cg.gamma = gamma;
        loss
    }

    /// One Kaczmarz step on the next point of this epoch's shuffled order; checks divergence at
    /// the end of each epoch.
    fn sgd_step(&mut self) -> Result<()> {
        let n = self.model.n();
        let scale = self.lr.unwrap_or(1.0);
        let Some(sgd) = self.sgd.as_mut() else { return Ok(()) };
        let theta = self.theta.as_slice_mut().unwrap_or(&mut []);
        // Skip points with no gradient (x_n = 0 in the traditional model), at most one epoch's worth.
        for _ in 0..=n {
            if self.model.kaczmarz_step(theta, sgd.next_point(), scale) {
                break;
            }
        }
        self.steps += 1;
        let epoch_end = sgd.epoch_end();
        if epoch_end || !theta[0].is_finite() {
            let loss = self.loss();
            self.check(loss)?;
        }
        Ok(())
    }

    /// Whether the run is at the end of an SGD epoch (or not an SGD run): where a full-gradient
    /// check costs O(k) once per O(k) of work.
    fn at_check_point(&self) -> bool {
        self.sgd.as_ref().is_none_or(|s| s.pos >= self.model.n())
    }

    /// Runs until |∇L| < tol or `max_steps` steps. Errors if the run diverges; ends `Stalled`
    /// when rounding keeps |∇L| from getting below tol.
    pub fn run_to_end(&mut self, max_steps: u64, tol: f64) -> Result<()> {
        self.run_until(max_steps, tol, None, |_, _| {})
    }

    /// `run_to_end`, also stopping (still running) at `deadline` (checked every 64 steps), and
    /// handing `record` the loss at each step where it comes for free (gd, whitened, cg, exact)
    /// and at the end of each SGD epoch: the explorer's loss curve and loss.svg.
    pub fn run_until(
        &mut self,
        max_steps: u64,
        tol: f64,
        deadline: Option<std::time::Instant>,
        mut record: impl FnMut(u64, f64),
    ) -> Result<()> {
        if self.optimizer == Optimizer::Exact {
            let before = self.steps;
            if let Some(loss) = self.step()? {
                record(before, loss);
            }
            return self.finish(tol);
        }
        drive(self, max_steps, tol, deadline, record)?;
        self.finish(tol)
    }

    /// The last check of a run to the end: nothing non-finite or exploded is ever a result.
    fn finish(&mut self, tol: f64) -> Result<()> {
        let loss = self.loss();
        if !self.theta.iter().all(|v| v.is_finite()) {
            return Err(self.diverged(f64::INFINITY));
        }
        self.check(loss)?;
        if self.optimizer == Optimizer::Exact {
            self.status = if self.grad_norm() < tol { Status::Converged } else { Status::Stalled };
        }
        Ok(())
    }

    /// Whether a GD run is in its last stretch, where r is recomputed from θ every step.
    pub fn at_rounding_floor(&self) -> bool {
        self.gd.as_ref().is_some_and(|gd| gd.rr < gd.floor)
    }

    pub fn converged(&self) -> bool {
        self.status == Status::Converged
    }
}

/// What the shared run loop (`drive`) needs from one training run, whatever the model: the
/// linear models' `Run` and the net's `NetRun` both implement it, so stepping, the stopping
/// rules (tol on |∇L|, the --steps cap, the rounding floor) and the deadline are one code path.
/// Divergence is checked inside each step and comes back as its error.
pub trait Stepper {
    /// Steps taken so far.
    fn steps(&self) -> u64;
    /// One step: a loss when it comes for free, with the step it belongs to (the step before, for
    /// GD; the step after, for SGD's once-an-epoch check), and a cheap estimate of |∇L|
    /// (f64::INFINITY when this step gives none).
    fn step_estimate(&mut self) -> Result<(Option<(u64, f64)>, f64)>;
    /// The true |∇L| at the current θ.
    fn true_grad_norm(&self) -> f64;
    /// Restarts carried recurrences (residuals, search directions) from θ.
    fn restart(&mut self);
    /// The last true |∇L| seen when an estimate fell below tol, and how many times in a row it
    /// failed to improve.
    fn stall_state(&mut self) -> &mut (f64, u32);
    fn set_status(&mut self, status: Status);
}

/// Steps `s` until |∇L| < tol (Converged), `max_steps` steps, the rounding floor (Stalled) or
/// `deadline` (still Running), handing `record` the loss at each step where it comes for free.
/// Errors when the run diverges. The clock is read about every 0.1 ms of stepping and at least
/// every 64 steps, so a deadline is overrun by about one step, or 64 cheap ones.
pub fn drive<S: Stepper + ?Sized>(
    s: &mut S,
    max_steps: u64,
    tol: f64,
    deadline: Option<std::time::Instant>,
    mut record: impl FnMut(u64, f64),
) -> Result<()> {
    // The traditional model under SGD never settles: every point pulls c its own way.
    let (mut stride, mut since, mut last) = (1u32, 0u32, std::time::Instant::now());
    while s.steps() < max_steps {
        if let Some(deadline) = deadline {
            if since >= stride {
                let now = std::time::Instant::now();
                // Double the steps between reads while they take under 0.1 ms; halve past it.
                let fast = now.duration_since(last) < std::time::Duration::from_micros(100);
                stride = if fast { (stride * 2).min(64) } else { (stride / 2).max(1) };
                (since, last) = (0, now);
                if now >= deadline {
                    break;
                }
            }
            since += 1;
        }
        let (loss, estimate) = s.step_estimate()?;
        if let Some((at, loss)) = loss {
            record(at, loss);
        }
        if estimate < tol {
            let truth = s.true_grad_norm();
            if truth < tol {
                s.set_status(Status::Converged);
                break;
            }
            // The carried estimate drifted from the truth: restart the recurrences from θ,
            // and give up once restarts stop helping (the floating-point floor). Kept in
            // the run, so stepping in chunks stops exactly where one long run stops.
            let stall = s.stall_state();
            let (last, stalls) = *stall;
            let stalls = if truth > 0.9 * last { stalls + 1 } else { 0 };
            *stall = (truth, stalls);
            if stalls >= 3 {
                s.set_status(Status::Stalled);
                break;
            }
            s.restart();
        }
    }
    Ok(())
}

impl Stepper for Run {
    fn steps(&self) -> u64 {
        self.steps
    }
    // A cheap estimate of |∇L|: GD's carried residual (before its step), CG's γ, or the true
    // gradient at the end of an SGD epoch.
    fn step_estimate(&mut self) -> Result<(Option<(u64, f64)>, f64)> {
        let before = self.steps;
        match self.optimizer {
            Optimizer::Gd | Optimizer::Whitened => {
                let (loss, g) = self.gd_step()?;
                Ok((Some((before, loss)), g))
            }
            Optimizer::Cg => {
                let loss = self.step()?;
                Ok((loss.map(|l| (before, l)), self.cg.as_ref().map_or(f64::INFINITY, |cg| cg.gamma.sqrt())))
            }
            _ => {
                self.step()?;
                if self.at_check_point() {
                    // SGD's loss is not free per step: once an epoch, beside the gradient check.
                    Ok((Some((self.steps, self.loss())), self.grad_norm()))
                } else {
                    Ok((None, f64::INFINITY))
                }
            }
        }
    }
    fn true_grad_norm(&self) -> f64 {
        self.grad_norm()
    }
    fn restart(&mut self) {
        self.reset_state();
    }
    fn stall_state(&mut self) -> &mut (f64, u32) {
        &mut self.stall
    }
    fn set_status(&mut self, status: Status) {
        self.status = status;
    }
}

#[cfg(test)]
mod tests {
    use super::{Optimizer, Status, checked_lr, stop_words};
    use crate::error::Error;

    #[test]
    fn stop_words_say_why_each_run_stopped() {
        let words = |status: &Status, opt: Optimizer, steps: u64| stop_words(status, opt, steps, 100, 1e-9);
        assert_eq!(words(&Status::Converged, Optimizer::Gd, 7).as_deref(), Some("converged: |∇L| < 1e-9"));
        assert_eq!(
            words(&Status::Stalled, Optimizer::Cg, 7).as_deref(),
            Some("stalled at the floating-point floor: |∇L| will not go below tol")
        );
        assert_eq!(
            words(&Status::Running, Optimizer::Gd, 100).as_deref(),
            Some("stopped early at --steps 100, not converged: early stopping acts as a ridge")
        );
        assert_eq!(words(&Status::Running, Optimizer::Gd, 99), None);
        // The step cap as given, with no thousands separators.
        assert_eq!(
            stop_words(&Status::Running, Optimizer::Sgd, 1_000_000, 1_000_000, 1e-9).as_deref(),
            Some("stopped early at --steps 1000000, not converged: early stopping acts as a ridge")
        );
        let diverged = |bound_name: &'static str| {
            Status::Diverged(Error::Diverged {
                step: 12,
                lr: 0.0015,
                bound: 0.001,
                bound_name,
                loss0: 1.0,
                loss: "1e9".into(),
            })
        };
        assert_eq!(
            words(&diverged("2/λmax"), Optimizer::Gd, 12).as_deref(),
            Some("diverged at step 12: lr 1.500e-3 ≥ 2/λmax 1.000e-3")
        );
        assert_eq!(
            words(&diverged("2/λmax (whitened)"), Optimizer::Whitened, 12).as_deref(),
            Some("diverged at step 12: lr 1.500e-3 ≥ 2/λmax 1.000e-3")
        );
        assert_eq!(
            words(&diverged("2 (relative Kaczmarz step)"), Optimizer::Sgd, 12).as_deref(),
            Some("diverged at step 12: step × 1.500e-3 ≥ bound 1.000e-3")
        );
        let overflow = Error::Overflow { step: 3 };
        assert_eq!(words(&Status::Diverged(overflow.clone()), Optimizer::Cg, 3), Some(overflow.to_string()));
    }

    #[test]
    fn a_learning_rate_is_positive_and_finite_or_absent() {
        assert_eq!(checked_lr(Some(0.5)).unwrap(), Some(0.5));
        assert_eq!(checked_lr(None).unwrap(), None);
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let e = checked_lr(Some(bad)).unwrap_err().to_string();
            assert!(e.contains("the learning rate must be a positive number"), "{e}");
        }
    }
}
