//! The background histogram filler: endpoint slopes of many inits for the histograms on screen,
//! computed off the UI thread in small batches (one thread serves them all in turn), so the UI
//! never waits for it.

use std::ops::Range;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::thread::JoinHandle;

use crate::ensemble::{self, EnsembleConfig};
use crate::error::Result;
use crate::model::Model;
use crate::optim::{Optimizer, stability_bound};

/// Runs per batch: small enough that a new request (model switch, clear) is picked up quickly.
const BATCH: u64 = 64;

/// What the histograms are asked to hold: one task per histogram, served in turn a batch at a
/// time, so every histogram on screen fills at once (the compare view has one per model).
#[derive(Debug, Clone)]
pub struct Job {
    /// Tags the answers, so the app can drop batches for a request it has since replaced.
    pub generation: u64,
    pub cfg: EnsembleConfig,
    pub tasks: Vec<Task>,
}

/// Runs `runs` of `model` for the histogram of slot `slot`.
#[derive(Debug, Clone)]
pub struct Task {
    pub slot: usize,
    pub model: Arc<Model>,
    pub runs: Range<u64>,
}

/// Slopes of runs `start..start + slopes.len()` for slot `slot`, or why they could not be
/// computed, with how many of them stopped short of |∇L| < tol and the time they took.
#[derive(Debug)]
pub struct Batch {
    pub generation: u64,
    pub slot: usize,
    pub start: u64,
    pub slopes: Result<Vec<f64>>,
    pub unconverged: u64,
    pub elapsed_s: f64,
}

/// Endpoint slopes of `runs`. GD and whitened GD end at their closed-form limit (THEORY.md,
/// "Where gradient descent ends"), so they are computed from (c0, xᵀe0) of each init, exactly
/// as the ensemble's `exact` does; cg and sgd are really run. A learning rate past the
/// stability bound has no endpoint: that is reported as divergence.
pub fn endpoint_slopes(model: &Arc<Model>, cfg: &EnsembleConfig, runs: Range<u64>) -> Result<Vec<f64>> {
    Ok(endpoints(model, cfg, runs)?.0)
}

/// `endpoint_slopes` and how many of the runs stopped before |∇L| < tol.
pub fn endpoints(model: &Arc<Model>, cfg: &EnsembleConfig, runs: Range<u64>) -> Result<(Vec<f64>, u64)> {
    match cfg.optimizer {
        Optimizer::Gd | Optimizer::Whitened | Optimizer::Exact => {
            if let (Some(lr), Some((bound, name))) =
                (cfg.lr.resolve(model, cfg.optimizer), stability_bound(model, cfg.optimizer))
                && lr >= bound
            {
                return Err(crate::Error::Invalid(format!(
                    "lr {lr:.3e} ≥ {} {bound:.3e}: every run diverges",
                    name.split(' ').next().unwrap_or(name)
                )));
            }
            Ok((ensemble::limit_slopes(model, cfg.seed, runs, cfg.optimizer.metric()), 0))
        }
        Optimizer::Cg | Optimizer::Sgd => {
            let ends = ensemble::endpoints(model, cfg, runs)?;
            let unconverged = ends.iter().filter(|e| !e.converged).count() as u64;
            Ok((ends.into_iter().map(|e| e.slope).collect(), unconverged))
        }
    }
}

/// A handle on the filler thread. Dropping it stops the thread after its current batch.
pub struct Worker {
    jobs: Option<Sender<Job>>,
    results: Receiver<Batch>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    pub fn spawn() -> std::io::Result<Worker> {
        let (job_tx, job_rx) = channel::<Job>();
        let (res_tx, res_rx) = channel::<Batch>();
        let handle = std::thread::Builder::new().name("histogram".into()).spawn(move || fill(&job_rx, &res_tx))?;
        Ok(Worker { jobs: Some(job_tx), results: res_rx, handle: Some(handle) })
    }

    /// Replaces whatever the worker was doing with `job`.
    pub fn submit(&self, job: Job) {
        if let Some(tx) = &self.jobs {
            let _ = tx.send(job);
        }
    }

    /// A finished batch, if one is waiting (never blocks).
    pub fn try_recv(&self) -> Option<Batch> {
        self.results.try_recv().ok()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.jobs = None; // closes the channel: the thread ends after its batch
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The thread body: always work on the newest job, one batch of one task at a time, taking the
/// tasks in turn.
fn fill(jobs: &Receiver<Job>, results: &Sender<Batch>) {
    let mut current: Option<Job> = None;
    let mut turn = 0usize;
    loop {
        // Take the newest request; block only when there is nothing to do.
        let next = match &current {
            Some(_) => match jobs.try_recv() {
                Ok(j) => Some(j),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            },
            None => match jobs.recv() {
                Ok(j) => Some(j),
                Err(_) => return,
            },
        };
        if let Some(mut j) = next {
            j.tasks.retain(|t| !t.runs.is_empty());
            current = Some(j);
            continue; // drain to the newest
        }
        let Some(job) = current.as_mut() else {
            continue;
        };
        if job.tasks.is_empty() {
            current = None;
            continue;
        }
        turn %= job.tasks.len();
        let task = &mut job.tasks[turn];
        let start = task.runs.start;
        let end = (start + BATCH).min(task.runs.end);
        let clock = std::time::Instant::now();
        // A bug in a batch must not take the thread (and the histogram) down silently.
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| endpoints(&task.model, &job.cfg, start..end)))
                .unwrap_or_else(|_| Err(crate::Error::Invalid("internal error while computing endpoints".into())));
        let failed = result.is_err();
        let (slopes, unconverged) = match result {
            Ok((v, u)) => (Ok(v), u),
            Err(e) => (Err(e), 0),
        };
        let batch = Batch {
            generation: job.generation,
            slot: task.slot,
            start,
            slopes,
            unconverged,
            elapsed_s: clock.elapsed().as_secs_f64(),
        };
        if results.send(batch).is_err() {
            return;
        }
        task.runs.start = end;
        if failed || end >= task.runs.end {
            job.tasks.remove(turn);
        } else {
            turn += 1;
        }
    }
}
