//! The background histogram filler: endpoint slopes of many inits for the histograms on screen
//! (and the risk view's trained nets' test errors), computed off the UI thread in small batches
//! (one thread serves them all in turn), so the UI never waits for it.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::thread::JoinHandle;

use rayon::prelude::*;

use crate::ensemble::{self, EnsembleConfig};
use crate::error::Result;
use crate::model::Model;
use crate::net::{Net, NetRun};
use crate::risk::{self, TestSet};

/// Runs per batch: small enough that a new request (model switch, clear) is picked up quickly.
const BATCH: u64 = 64;
/// Multiply-adds a net run does between looks at whether its job went stale (≈ 10–50 ms).
const NET_SLICE_WORK: usize = 20_000_000;

/// What the histograms are asked to hold: one task per histogram, served in turn a batch at a
/// time, so every histogram on screen fills at once (the compare view has one per model).
#[derive(Debug, Clone)]
pub struct Job {
    /// Tags the answers, so the app can drop batches for a request it has since replaced.
    pub generation: u64,
    pub cfg: EnsembleConfig,
    pub tasks: Vec<Task>,
}

/// Which histogram a task fills and a batch belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistogramId {
    /// A linear model's, by its place in `ModelKind::LINEAR`.
    Line(usize),
    Net,
    /// The risk view's trained nets at one width, by its place in the view's widths.
    Trained(usize),
}

/// Runs `runs` of `subject` for histogram `histogram`.
#[derive(Debug, Clone)]
pub struct Task {
    pub histogram: HistogramId,
    pub subject: Subject,
    pub runs: Range<u64>,
}

impl Task {
    /// Runs `runs` of this task as one batch of request `generation`; None when `stale()` said
    /// to stop. A panic in a batch becomes its error: it must not take the worker (and the
    /// histogram) down silently.
    pub fn batch(
        &self,
        generation: u64,
        cfg: &EnsembleConfig,
        runs: Range<u64>,
        stale: &(dyn Fn() -> bool + Sync),
    ) -> Option<Batch> {
        let clock = std::time::Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            subject_endpoints(&self.subject, cfg, runs.clone(), stale)
        }))
        .unwrap_or_else(|_| Err(crate::Error::Invalid("internal error while computing endpoints".into())));
        let (slopes, curves, unconverged) = match result {
            Ok(Some((v, c, u))) => (Ok(v), c, u),
            Ok(None) => return None,
            Err(e) => (Err(e), Vec::new(), 0),
        };
        let elapsed_s = clock.elapsed().as_secs_f64();
        Some(Batch { generation, histogram: self.histogram, start: runs.start, slopes, curves, unconverged, elapsed_s })
    }
}

/// What a histogram holds endpoints of.
#[derive(Debug, Clone)]
pub enum Subject {
    /// A linear model: endpoint slopes.
    Linear(Arc<Model>),
    /// The net: f at `at[0]` (x*) per trained net, and f at the rest of `at` (the grid the
    /// ensemble band is kept on).
    Net { net: Arc<Net>, at: Vec<f64> },
    /// The net: each trained net's test error on `test` (the risk view's points).
    TestError { net: Arc<Net>, test: Arc<TestSet> },
}

impl Subject {
    /// Runs per batch: a net is trained for real, so one per core, and a stale net job also
    /// stops mid-run (see `net_endpoints`).
    fn batch(&self) -> u64 {
        match self {
            Subject::Linear(_) => BATCH,
            Subject::Net { .. } | Subject::TestError { .. } => rayon::current_num_threads().max(1) as u64,
        }
    }
}

/// Endpoints of a batch: values (slopes, or f(x*)), f over the grid per net (empty for linear
/// models), and how many runs stopped short of |∇L| < tol. None when the job went stale.
pub type Ends = Option<(Vec<f64>, Vec<Vec<f64>>, u64)>;

/// The endpoints of `runs` of `subject`; `stale` is asked between slices of a net's training.
pub fn subject_endpoints(
    subject: &Subject,
    cfg: &EnsembleConfig,
    runs: Range<u64>,
    stale: &(dyn Fn() -> bool + Sync),
) -> Result<Ends> {
    match subject {
        Subject::Linear(model) => endpoints(model, cfg, runs).map(|(v, u)| Some((v, Vec::new(), u))),
        Subject::Net { net, at } => net_endpoints(net, cfg, runs, at, stale),
        Subject::TestError { net, test } => {
            let Some(ends) = trained_nets(net, cfg, runs, &test.x, stale)? else { return Ok(None) };
            let unconverged = ends.iter().filter(|(_, converged)| !converged).count() as u64;
            let errors = ends.iter().map(|(f, _)| risk::test_error(test, f)).collect();
            Ok(Some((errors, Vec::new(), unconverged)))
        }
    }
}

/// Nets `runs` (run r from init r) trained by `cfg`'s optimizer, in parallel, each read at
/// `at`: the value at `at[0]` and the curve at the rest (see `trained_nets`).
pub fn net_endpoints(
    net: &Arc<Net>,
    cfg: &EnsembleConfig,
    runs: Range<u64>,
    at: &[f64],
    stale: &(dyn Fn() -> bool + Sync),
) -> Result<Ends> {
    let Some(ends) = trained_nets(net, cfg, runs, at, stale)? else { return Ok(None) };
    let mut values = Vec::with_capacity(ends.len());
    let mut curves = Vec::with_capacity(ends.len());
    let mut unconverged = 0;
    for (f, converged) in ends {
        values.push(f.first().copied().unwrap_or(f64::NAN));
        curves.push(f.get(1..).unwrap_or(&[]).to_vec());
        unconverged += u64::from(!converged);
    }
    Ok(Some((values, curves, unconverged)))
}

/// A trained net's f at the points asked, and whether it converged.
type NetEnd = (Vec<f64>, bool);

/// Nets `runs` trained by `cfg`'s optimizer, in parallel: each one's f at `at` and whether it
/// converged. Training goes in slices of about `NET_SLICE_WORK` multiply-adds (the same loop
/// and stopping rule as `train`, which stops exactly where one long call would), and stops,
/// returning None, once `stale()`.
fn trained_nets(
    net: &Arc<Net>,
    cfg: &EnsembleConfig,
    runs: Range<u64>,
    at: &[f64],
    stale: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<NetEnd>>> {
    let slice = (NET_SLICE_WORK / (net.n() * net.width).max(1)).max(1) as u64;
    runs.into_par_iter()
        .map(|i| {
            let mut run = NetRun::new(Arc::clone(net), cfg.optimizer, cfg.lr, cfg.seed, i)?;
            while !run.is_done() && run.steps < cfg.max_steps {
                if stale() {
                    return Ok(None);
                }
                let target = run.steps.saturating_add(slice).min(cfg.max_steps);
                run.run_until(target, cfg.tol, None, |_, _| {})?;
            }
            Ok(Some((run.f_at(at)?, run.converged())))
        })
        .collect::<Result<Option<Vec<_>>>>()
}

/// Slopes of runs `start..start + slopes.len()` for histogram `histogram`, or why they could not be
/// computed, with how many of them stopped short of |∇L| < tol and the time they took.
#[derive(Debug)]
pub struct Batch {
    pub generation: u64,
    pub histogram: HistogramId,
    pub start: u64,
    pub slopes: Result<Vec<f64>>,
    /// The net's f over the grid, one per value (empty for the linear models).
    pub curves: Vec<Vec<f64>>,
    pub unconverged: u64,
    pub elapsed_s: f64,
}

/// Endpoint slopes of `runs`, as `ensemble::limit_or_trained` decides (closed-form limits for
/// gd, whitened and exact; cg and sgd really run), and how many stopped before |∇L| < tol.
pub fn endpoints(model: &Arc<Model>, cfg: &EnsembleConfig, runs: Range<u64>) -> Result<(Vec<f64>, u64)> {
    let ends = ensemble::limit_or_trained(model, cfg, runs)?;
    let unconverged = ends.iter().filter(|e| !e.converged).count() as u64;
    Ok((ends.into_iter().map(|e| e.slope).collect(), unconverged))
}

/// A handle on the filler thread. Dropping it stops the thread after its current batch.
pub struct Worker {
    jobs: Option<Sender<Job>>,
    /// The newest job's generation, read by net runs mid-training to stop when theirs is stale.
    latest: Arc<AtomicU64>,
    results: Receiver<Batch>,
    handle: Option<JoinHandle<()>>,
}

/// Makes the calling thread yield to the UI thread: nice +10 for this thread alone (Linux
/// gives each thread its own nice value). With the histogram on every core, a tick otherwise
/// loses the CPU for a scheduler slice (4–8 ms) at a time. Best effort: a refusal changes nothing.
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 5);
    }
}

impl Worker {
    pub fn spawn() -> std::io::Result<Worker> {
        let (job_tx, job_rx) = channel::<Job>();
        let (res_tx, res_rx) = channel::<Batch>();
        let latest = Arc::new(AtomicU64::new(0));
        let seen = Arc::clone(&latest);
        // Its own pool, on every core, of threads that yield to the UI thread.
        let pool = rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("histogram-{i}"))
            .start_handler(|_| lower_priority())
            .build()
            .map_err(std::io::Error::other)?;
        let handle = std::thread::Builder::new().name("histogram".into()).spawn(move || {
            lower_priority();
            pool.install(move || fill(&job_rx, &res_tx, &seen));
        })?;
        Ok(Worker { jobs: Some(job_tx), latest, results: res_rx, handle: Some(handle) })
    }

    /// Replaces whatever the worker was doing with `job`.
    pub fn submit(&self, job: Job) {
        self.latest.store(job.generation, Ordering::Relaxed);
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
        self.latest.store(u64::MAX, Ordering::Relaxed); // and a net batch stops mid-run
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The thread body: always work on the newest job, one batch of one task at a time, taking the
/// tasks in turn.
fn fill(jobs: &Receiver<Job>, results: &Sender<Batch>, latest: &AtomicU64) {
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
        let end = (start + task.subject.batch()).min(task.runs.end);
        let generation = job.generation;
        let stale = || latest.load(Ordering::Relaxed) != generation;
        // None: stale, the newer job is waiting in the channel.
        let Some(batch) = task.batch(generation, &job.cfg, start..end, &stale) else { continue };
        let failed = batch.slopes.is_err();
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::data::DataSpec;
    use crate::model::ModelKind;
    use crate::optim::{LrChoice, Optimizer};

    #[test]
    fn one_worker_serves_every_task_in_turn() {
        let data = DataSpec::default().generate().unwrap();
        let cfg =
            EnsembleConfig { optimizer: Optimizer::Exact, lr: LrChoice::default(), max_steps: 10, tol: 1e-9, seed: 42 };
        let models: Vec<Arc<Model>> =
            ModelKind::LINEAR.iter().map(|&k| Arc::new(Model::new(k, data.clone(), 1.0, 10).unwrap())).collect();
        let tasks: Vec<Task> = models
            .iter()
            .enumerate()
            .map(|(i, m)| Task {
                histogram: HistogramId::Line(i),
                subject: Subject::Linear(Arc::clone(m)),
                runs: 0..2 * BATCH,
            })
            .collect();
        let w = Worker::spawn().unwrap();
        w.submit(Job { generation: 7, cfg, tasks });
        let mut order = Vec::new();
        for _ in 0..6 {
            let b = w.results.recv().unwrap();
            assert_eq!(b.generation, 7);
            let HistogramId::Line(i) = b.histogram else { panic!("only linear tasks were given") };
            let want = ensemble::limit_slopes(&models[i], 42, b.start..b.start + BATCH, cfg.optimizer.metric());
            assert_eq!(b.slopes.unwrap(), want);
            order.push((i, b.start));
        }
        let b = BATCH;
        assert_eq!(order, [(0, 0), (1, 0), (2, 0), (0, b), (1, b), (2, b)], "a batch of each in turn");
    }

    /// A ReLU net of `width` on 12 demo points, and GD to |∇L| < 1e-9 from the seed 42.
    fn small_net(width: usize, train: crate::net::TrainMode) -> (crate::data::Dataset, Arc<Net>, EnsembleConfig) {
        let data = DataSpec { n: 12, ..DataSpec::default() }.generate().unwrap();
        let net = crate::net::NetSpec { width, act: crate::net::Act::Relu, train }.build(&data, 1.0).unwrap();
        let cfg = EnsembleConfig {
            optimizer: Optimizer::Gd,
            lr: LrChoice::default(),
            max_steps: 1_000_000,
            tol: 1e-9,
            seed: 42,
        };
        (data, net, cfg)
    }

    #[test]
    fn a_stale_net_job_stops_between_slices() {
        use std::sync::atomic::AtomicUsize;
        let (_, net, cfg) = small_net(8, crate::net::TrainMode::All);
        let at = [1.0, 2.0];
        let fresh = net_endpoints(&net, &cfg, 0..2, &at, &|| false).unwrap().unwrap();
        assert_eq!(fresh.0.len(), 2);
        let end = crate::net::train::endpoint(&net, &cfg, 1, &at).unwrap();
        assert_eq!(
            (fresh.0[1], fresh.1[1].clone()),
            (end.f[0], vec![end.f[1]]),
            "run 1 is init 1, read at x* then the rest"
        );
        // Asked after every slice: a job that goes stale stops where it is, with no endpoints.
        let asked = AtomicUsize::new(0);
        let stale = || asked.fetch_add(1, Ordering::Relaxed) >= 1;
        assert!(net_endpoints(&net, &cfg, 0..2, &at, &stale).unwrap().is_none());
        assert!(net_endpoints(&net, &cfg, 0..2, &at, &|| true).unwrap().is_none());
    }

    #[test]
    fn a_test_error_task_is_the_engines_trained_errors_and_stops_when_stale() {
        let (data, net, cfg) = small_net(16, crate::net::TrainMode::Last);
        let test = Arc::new(TestSet::grid(&data, 1.0));
        let task = Task {
            histogram: HistogramId::Trained(1),
            subject: Subject::TestError { net: Arc::clone(&net), test: Arc::clone(&test) },
            runs: 0..4,
        };
        let b = task.batch(3, &cfg, 1..4, &|| false).unwrap();
        assert_eq!((b.generation, b.histogram, b.start), (3, HistogramId::Trained(1), 1));
        let want = crate::risk::trained::trained_errors(&net, &cfg, &test, 1..4).unwrap();
        assert_eq!(
            b.slopes.unwrap(),
            want.iter().map(|e| e.error).collect::<Vec<_>>(),
            "runs 1, 2, 3 as `risk --trained`"
        );
        assert_eq!(b.unconverged, want.iter().filter(|e| !e.converged).count() as u64);
        assert!(b.curves.is_empty());
        assert!(task.batch(3, &cfg, 1..4, &|| true).is_none(), "a stale job sends nothing");
    }
}
