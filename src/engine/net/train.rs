//! Training the net: one run from one init (`NetRun`, stepped by the shared loop
//! `optim::drive`, so stopping rules, the step cap, the rounding floor and deadlines behave as
//! for the linear models), and ensembles of runs in parallel (run r uses init r).
//!
//! Optimizers: `gd` (full batch, default η = 1/λmax(Θ̂0), bound 2/λmax(Θ̂0), Θ̂0 this init's
//! empirical NTK with its noise block); `sgd` (one point at a time, reshuffled each epoch,
//! constant η, default 1/max_n Θ̂0(x_n,x_n), bound 2/max_n Θ̂0(x_n,x_n): a single point's update
//! moves its own residual by −η·|∇g_n|²·r_n); `exact` (last layer: the exact projection;
//! all layers: the linearized limit from this init, θ0 + J0ᵀΘ̂0⁻¹(Y − g0), whose f is f_lin).

use std::ops::Range;
use std::sync::Arc;

use ndarray::{Array1, Array2};
use rayon::prelude::*;

use super::kernel::TrainMode;
use super::linalg::{SymSolve, lambda_max};
use super::model::Net;
use crate::ensemble::{EnsembleConfig, MAX_RUNS};
use crate::error::{Error, Result, invalid};
use crate::optim::{DIVERGENCE_FACTOR, LrChoice, Optimizer, SgdState, Status, Stepper, checked_lr, drive};
use crate::rng::{Stream, stream};

/// Why an optimizer cannot train the net, or None when it can.
pub fn refusal(opt: Optimizer) -> Option<&'static str> {
    match opt {
        Optimizer::Cg => {
            Some("cg is refused for the net: it is a method for linear least squares, and the net is nonlinear")
        }
        Optimizer::Whitened => Some(
            "whitened is refused for the net: every prior variance of the net is 1, so whitened GD would be plain gd",
        ),
        _ => None,
    }
}

/// One training run of the net from one init.
#[derive(Debug, Clone)]
pub struct NetRun {
    pub net: Arc<Net>,
    pub optimizer: Optimizer,
    /// The learning rate η in use (gd and sgd; absolute for both); None for exact.
    pub lr: Option<f64>,
    /// The stability bound on η and its name (2/λmax(Θ̂0) for gd), None for exact.
    pub lr_bound: Option<(f64, &'static str)>,
    /// λmax of Θ̂0 = Θ0(X,X) + σn²I, this init's empirical NTK with its noise block.
    pub lambda_max: f64,
    pub seed: u64,
    /// Which init of this seed (run r of an ensemble uses init r).
    pub init_index: u64,
    pub theta0: Array1<f64>,
    pub theta: Array1<f64>,
    pub steps: u64,
    pub status: Status,
    /// True for `exact` with all layers trained: θ is the linearized model's endpoint, and f
    /// is reported as f_lin (a real net does not end exactly there).
    pub linearized: bool,
    /// Θ̂0 (with the noise block).
    ntk0: Array2<f64>,
    loss0: f64,
    r: Vec<f64>,
    sgd: Option<SgdState>,
    stall: (f64, u32),
}

impl NetRun {
    /// A run from init `init_index` of `seed`. Computes this init's empirical NTK (O(N²M)).
    pub fn new(net: Arc<Net>, optimizer: Optimizer, lr: LrChoice, seed: u64, init_index: u64) -> Result<NetRun> {
        if let Some(why) = refusal(optimizer) {
            return Err(invalid!("{why}"));
        }
        let theta0 = net.init(&mut stream(seed, Stream::Init, init_index));
        let ntk0 = net.train_ntk(theta0.as_slice().unwrap_or(&[]));
        let lambda_max = lambda_max(ntk0.view());
        let diag_max = (0..net.n()).map(|i| ntk0[[i, i]]).fold(0.0, f64::max);
        let (lr_value, lr_bound) = match optimizer {
            Optimizer::Gd => (Some(lr.lr.unwrap_or(lr.scale / lambda_max)), Some((2.0 / lambda_max, "2/λmax(Θ̂0)"))),
            Optimizer::Sgd => {
                (Some(lr.lr.unwrap_or(lr.scale / diag_max)), Some((2.0 / diag_max, "2/max_n Θ̂0(x_n,x_n)")))
            }
            _ => (None, None),
        };
        let lr_value = checked_lr(lr_value)?;
        let loss0 = net.loss(theta0.as_slice().unwrap_or(&[]));
        let n = net.n();
        let mut run = NetRun {
            net,
            optimizer,
            lr: lr_value,
            lr_bound,
            lambda_max,
            seed,
            init_index,
            theta: theta0.clone(),
            theta0,
            steps: 0,
            status: Status::Running,
            linearized: false,
            ntk0,
            loss0,
            r: vec![0.0; n],
            sgd: None,
            stall: (f64::INFINITY, 0),
        };
        run.reset_state();
        Ok(run)
    }

    fn reset_state(&mut self) {
        self.sgd = (self.optimizer == Optimizer::Sgd).then(|| SgdState::new(self.net.n(), self.seed, self.init_index));
    }

    /// Back to θ0, step 0, same init and optimizer.
    pub fn replay(&mut self) {
        self.theta.assign(&self.theta0);
        self.steps = 0;
        self.stall = (f64::INFINITY, 0);
        self.status = Status::Running;
        self.linearized = false;
        self.reset_state();
    }

    fn th(&self) -> &[f64] {
        self.theta.as_slice().unwrap_or(&[])
    }
    fn th0(&self) -> &[f64] {
        self.theta0.as_slice().unwrap_or(&[])
    }

    /// u = Θ̂0⁻¹(Y − g0): the linearized endpoint is θ0 + J0ᵀu, and f_lin = f0 + Θ0(x*,X)u.
    /// At σn = 0, Θ̂0 = J0J0ᵀ may be singular (3M + 1 < N): u = Θ̂0⁺(Y − g0), and θ0 + J0ᵀu =
    /// θ0 + J0⁺(Y − g0) is the least-squares fit closest to θ0.
    fn lin_weights(&self) -> Result<Array1<f64>> {
        let r0 = Array1::from(self.net.residuals(self.th0()));
        Ok(SymSolve::new(self.ntk0.view(), self.net.has_noise_params())?.solve(r0.view()))
    }

    pub fn loss0(&self) -> f64 {
        self.loss0
    }
    /// The loss now (of the linearized model when `linearized`).
    pub fn loss(&self) -> f64 {
        match self.lin_residual() {
            Some(r) => 0.5 * r.dot(&r),
            None => self.net.loss(self.th()),
        }
    }
    /// |∇L| now (of the linearized model when `linearized`: |J0ᵀr| = √(rᵀΘ̂0 r)).
    pub fn grad_norm(&self) -> f64 {
        match self.lin_residual() {
            Some(r) => r.dot(&self.ntk0.dot(&r)).max(0.0).sqrt(),
            None => self.net.grad_norm(self.th()),
        }
    }
    /// The linearized model's residual Y − g0 − Θ̂0u, when this run is linearized.
    fn lin_residual(&self) -> Option<Array1<f64>> {
        if !self.linearized {
            return None;
        }
        let u = self.lin_weights().ok()?;
        let r0 = Array1::from(self.net.residuals(self.th0()));
        Some(&r0 - &self.ntk0.dot(&u))
    }

    /// f at points in data units: the trained net (f_lin when `linearized`).
    pub fn f_at(&self, xs: &[f64]) -> Result<Vec<f64>> {
        if self.linearized { self.f_lin(xs) } else { Ok(self.net.f_data(self.th(), xs)) }
    }
    /// f at init, at points in data units.
    pub fn f_init(&self, xs: &[f64]) -> Vec<f64> {
        self.net.f_data(self.th0(), xs)
    }
    /// f_lin(x*) = f0(x*) + Θ0(x*,X)·Θ̂0⁻¹·(Y − g0): where GD would end if the net stayed
    /// linear around this init (THEORY.md, "One init, linearized"). O(|xs|·N·M + N³).
    pub fn f_lin(&self, xs: &[f64]) -> Result<Vec<f64>> {
        let u = self.lin_weights()?;
        let st: Vec<f64> = xs.iter().map(|&x| self.net.standardize(x)).collect();
        let (_, t) = self.net.empirical_kernels(self.th0(), &st, &self.net.xt);
        let f0 = self.net.f(self.th0(), &st);
        Ok(f0.iter().zip(t.dot(&u)).map(|(a, b)| a + b).collect())
    }
    /// |θ − θ0| / |θ0|.
    pub fn rel_change(&self) -> f64 {
        let d = &self.theta - &self.theta0;
        d.dot(&d).sqrt() / self.theta0.dot(&self.theta0).sqrt()
    }
    /// |Θ_T − Θ_0|_F / |Θ_0|_F on the training block (the empirical NTK now against at init;
    /// 0 for a linearized run, whose kernel is Θ0 by definition). O(N²M).
    pub fn kernel_change(&self) -> f64 {
        self.kernel_change_job()()
    }
    /// `kernel_change` of θ as it is now, to be computed elsewhere (off a UI thread).
    pub fn kernel_change_job(&self) -> impl FnOnce() -> f64 + Send + 'static {
        let (net, theta, ntk0, linearized) =
            (Arc::clone(&self.net), self.th().to_vec(), self.ntk0.clone(), self.linearized);
        move || {
            if linearized {
                return 0.0;
            }
            let now = net.train_ntk(&theta);
            let s2 = net.sigma * net.sigma;
            let mut num = 0.0;
            let mut den = 0.0;
            for ((i, j), &t0) in ntk0.indexed_iter() {
                let base = if i == j { t0 - s2 } else { t0 };
                num += (now[[i, j]] - t0).powi(2);
                den += base * base;
            }
            (num / den).sqrt()
        }
    }
    pub fn is_done(&self) -> bool {
        !matches!(self.status, Status::Running)
    }
    pub fn converged(&self) -> bool {
        self.status == Status::Converged
    }

    fn diverged(&mut self, loss: f64) -> Error {
        let shown = if loss.is_finite() { format!("{loss:.4e}") } else { "a non-finite value".into() };
        let (lr, (bound, bound_name)) = (self.lr.unwrap_or(f64::NAN), self.lr_bound.unwrap_or((f64::NAN, "")));
        let err = if self.lr.is_none() {
            Error::NonFinite(format!("the closed-form end came out as {shown}"))
        } else if lr >= bound {
            Error::Diverged { step: self.steps, lr, bound, bound_name, loss0: self.loss0, loss: shown }
        } else {
            Error::Unstable { step: self.steps, lr, bound, bound_name, loss0: self.loss0, loss: shown }
        };
        self.status = Status::Diverged(err.clone());
        err
    }

    fn check(&mut self, loss: f64) -> Result<()> {
        if !loss.is_finite() || loss > DIVERGENCE_FACTOR * self.loss0.max(f64::MIN_POSITIVE) {
            return Err(self.diverged(loss));
        }
        Ok(())
    }

    /// One step (exact: the jump to its end). Returns the loss before it when it comes for free.
    pub fn step(&mut self) -> Result<Option<f64>> {
        Ok(self.step_estimate()?.0.map(|(_, loss)| loss))
    }

    fn gd_step(&mut self) -> Result<(f64, f64)> {
        let lr = self.lr.unwrap_or(0.0);
        let net = &*self.net;
        let theta = self.theta.as_slice_mut().unwrap_or(&mut []);
        net.residuals_into(theta, &mut self.r);
        let loss = 0.5 * self.r.iter().map(|v| v * v).sum::<f64>();
        let g2 = net.add_jt(theta, &self.r, lr);
        self.steps += 1;
        self.check(loss)?;
        Ok((loss, g2.sqrt()))
    }

    /// One point of this epoch's shuffled order; the loss and the full |∇L| at each epoch's end.
    fn sgd_step(&mut self) -> Result<f64> {
        let lr = self.lr.unwrap_or(0.0);
        let net = &*self.net;
        let Some(sgd) = self.sgd.as_mut() else { return Ok(f64::INFINITY) };
        let point = sgd.next_point();
        let epoch_end = sgd.epoch_end();
        let theta = self.theta.as_slice_mut().unwrap_or(&mut []);
        let mut f = [0.0];
        net.forward(theta, &net.xt[point..=point], &mut f);
        let eps = theta.get(net.c_index() + 1 + point).copied().unwrap_or(0.0);
        let r = net.y[point] - f[0] - net.sigma * eps;
        net.add_jt_point(theta, point, r, lr);
        self.steps += 1;
        if epoch_end || !r.is_finite() {
            let loss = self.loss();
            self.check(loss)?;
            return Ok(self.grad_norm());
        }
        Ok(f64::INFINITY)
    }

    fn exact_step(&mut self) -> Result<f64> {
        let loss = self.loss();
        let u = self.lin_weights()?;
        let mut theta = self.theta0.to_vec();
        self.net.add_jt(&mut theta, u.as_slice().unwrap_or(&[]), 1.0);
        self.theta = Array1::from(theta);
        self.linearized = self.net.train == TrainMode::All;
        self.steps += 1;
        self.status = Status::Converged;
        Ok(loss)
    }

    /// Runs until |∇L| < tol or `max_steps` steps (see `run_until`).
    pub fn run_to_end(&mut self, max_steps: u64, tol: f64) -> Result<()> {
        self.run_until(max_steps, tol, None, |_, _| {})
    }

    /// The shared run loop (`optim::drive`), also stopping (still running) at `deadline`, and
    /// handing `record` the loss at each step where it comes for free. Safe to call repeatedly
    /// in chunks: it stops exactly where one long call would.
    pub fn run_until(
        &mut self,
        max_steps: u64,
        tol: f64,
        deadline: Option<std::time::Instant>,
        mut record: impl FnMut(u64, f64),
    ) -> Result<()> {
        if let Status::Diverged(e) = &self.status {
            return Err(e.clone());
        }
        if self.optimizer == Optimizer::Exact {
            if self.steps == 0 {
                let loss = self.exact_step()?;
                record(0, loss);
            }
            return self.finish(tol);
        }
        drive(self, max_steps, tol, deadline, record)?;
        self.finish(tol)
    }

    fn finish(&mut self, tol: f64) -> Result<()> {
        if !self.theta.iter().all(|v| v.is_finite()) {
            return Err(self.diverged(f64::INFINITY));
        }
        let loss = self.loss();
        self.check(loss)?;
        if self.optimizer == Optimizer::Exact {
            self.status = if self.grad_norm() < tol { Status::Converged } else { Status::Stalled };
        }
        Ok(())
    }
}

impl Stepper for NetRun {
    fn steps(&self) -> u64 {
        self.steps
    }
    fn step_estimate(&mut self) -> Result<(Option<(u64, f64)>, f64)> {
        if let Status::Diverged(e) = &self.status {
            return Err(e.clone());
        }
        let before = self.steps;
        match self.optimizer {
            Optimizer::Gd => {
                let (loss, g) = self.gd_step()?;
                Ok((Some((before, loss)), g))
            }
            Optimizer::Sgd => Ok((None, self.sgd_step()?)),
            _ if self.steps > 0 => Ok((None, f64::INFINITY)),
            _ => Ok((Some((before, self.exact_step()?)), 0.0)),
        }
    }
    fn true_grad_norm(&self) -> f64 {
        self.grad_norm()
    }
    fn restart(&mut self) {}
    fn stall_state(&mut self) -> &mut (f64, u32) {
        &mut self.stall
    }
    fn set_status(&mut self, status: Status) {
        self.status = status;
    }
}

/// Where one run of a net ensemble ended: f at each test point.
#[derive(Debug, Clone, PartialEq)]
pub struct NetEndpoint {
    /// f at each test point (f_lin for a linearized run).
    pub f: Vec<f64>,
    /// False when the run stopped at the step cap (or the rounding floor) before |∇L| < tol.
    pub converged: bool,
    pub steps: u64,
}

/// The endpoint of run `index` (init `index` of `cfg.seed`), f read at `at` (data units).
pub fn endpoint(net: &Arc<Net>, cfg: &EnsembleConfig, index: u64, at: &[f64]) -> Result<NetEndpoint> {
    let mut run = NetRun::new(Arc::clone(net), cfg.optimizer, cfg.lr, cfg.seed, index)?;
    run.run_to_end(cfg.max_steps, cfg.tol)?;
    Ok(NetEndpoint { f: run.f_at(at)?, converged: run.converged(), steps: run.steps })
}

/// Endpoints of runs `range`, in run order, computed in parallel on rayon's pool.
pub fn endpoints(net: &Arc<Net>, cfg: &EnsembleConfig, range: Range<u64>, at: &[f64]) -> Result<Vec<NetEndpoint>> {
    if range.end > MAX_RUNS {
        return Err(invalid!("--runs is too large: the limit is {MAX_RUNS}"));
    }
    range.into_par_iter().map(|i| endpoint(net, cfg, i, at)).collect()
}
