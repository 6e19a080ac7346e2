//! What the risk view (key R) knows: does it overfit? The last-layer net's expected test error
//! against width in closed form (THEORY.md, "Does it overfit?"), at σn = 0 and at the
//! session's σ, with the infinite-width values and the lines' errors. It is computed on a thread
//! of its own a width at a time (ReLU about half a second in all; erf, whose Gram blocks cost
//! O((G + N)·N·M) a draw, some seconds), keyed by the data, φ and σ; nets trained for real at a
//! few widths (σn = σ) fill in beside it from the histogram worker.

use std::sync::Arc;

use crate::data::Dataset;
use crate::ensemble::EnsembleConfig;
use crate::net::{Act, Net, NetSpec, TrainMode};
use crate::risk::TestSet;
use crate::risk::curve::{self, Curve, CurveSpec};
use crate::risk::trained::{TRAINED_RUNS, TRAINED_WIDTHS, TrainedSummary};
use crate::tui::jobs::background::{Background, Mode};
use crate::tui::jobs::worker::lower_priority;

/// The view's widths: those of every risk curve.
pub const RISK_WIDTHS: [usize; 15] = curve::WIDTHS;
/// Feature draws per width (the closed form at each, averaged).
pub const RISK_DRAWS: u64 = 8;

/// What a curve belongs to besides its data: stale when any changes (seed, φ, σ, the very
/// model's sources). New data always comes with a new test set, so the view's `test_set`
/// (`is_for`) tells the data apart without reading it each tick.
pub type RiskKey = (u64, Act, u64, usize);

/// The key under `seed`, φ, σ and the very model's `sources`.
pub fn risk_key(seed: u64, act: Act, (sigma, sources): (f64, usize)) -> RiskKey {
    (seed, act, sigma.to_bits(), sources)
}

/// Nets trained for real at one width (σn = σ, the session's optimizer), filled in by the
/// worker beside the closed form.
#[derive(Debug)]
pub struct TrainedPoint {
    pub width: usize,
    /// None when the data refuses this width (`error` says why).
    pub net: Option<Arc<Net>>,
    /// Test errors of runs 0, 1, … in order.
    pub errors: Vec<f64>,
    pub unconverged: u64,
    /// Runs asked for.
    pub target: u64,
    pub error: Option<String>,
}

impl TrainedPoint {
    pub fn filling(&self) -> bool {
        self.error.is_none() && (self.errors.len() as u64) < self.target
    }

    /// No nets yet.
    fn clear(&mut self) {
        self.errors.clear();
        self.unconverged = 0;
    }

    /// Mean ± se of the runs so far; None before the first.
    pub fn summary(&self) -> Option<TrainedSummary> {
        let converged = (self.errors.len() as u64).saturating_sub(self.unconverged);
        (!self.errors.is_empty()).then(|| TrainedSummary::new(&self.errors, converged))
    }
}

/// The trained nets of `data` at `TRAINED_WIDTHS`, none run yet (a width the data refuses has
/// its reason as its error).
fn trained_points(data: &Dataset, act: Act, sigma: f64) -> Vec<TrainedPoint> {
    TRAINED_WIDTHS
        .iter()
        .map(|&width| {
            let built = NetSpec { width, act, train: TrainMode::Last }.build(data, sigma);
            let (net, error) = match built {
                Ok(net) => (Some(net), None),
                Err(e) => (None, Some(e.to_string())),
            };
            TrainedPoint { width, net, errors: Vec::new(), unconverged: 0, target: TRAINED_RUNS, error }
        })
        .collect()
}

#[derive(Debug)]
pub struct RiskView {
    pub key: RiskKey,
    /// The features' φ: the session's net's.
    pub act: Act,
    /// σ of the second curve (the first is σn = 0).
    pub sigma: f64,
    /// What the test error is measured against, in words (`TestSet::describe`).
    pub test: String,
    /// The points themselves, shared with the trained nets' jobs.
    pub test_set: Arc<TestSet>,
    job: Background<Result<Curve, String>>,
    /// The curve so far: the widths done, from the narrowest.
    pub curve: Option<Curve>,
    /// Whether every width has arrived (the job has ended).
    complete: bool,
    pub error: Option<String>,
    /// Nets trained for real at a few widths, filled in by the worker.
    pub trained: Vec<TrainedPoint>,
    /// How the trained nets were trained: other settings make them stale.
    pub cfg: EnsembleConfig,
}

impl RiskView {
    /// Starts the curve on a thread of its own with `Mode::Thread` (dropping the view stops it
    /// before its next feature draw). φ for the features, σ for the second curve and the lines,
    /// `sources` for the very model.
    pub fn new(
        data: &Dataset,
        test: Arc<TestSet>,
        cfg: EnsembleConfig,
        (act, sigma, sources): (Act, f64, usize),
        mode: Mode,
    ) -> RiskView {
        let seed = cfg.seed;
        let key = risk_key(seed, act, (sigma, sources));
        let trained = trained_points(data, act, sigma);
        let theirs = Arc::clone(&test);
        let described = test.describe();
        let data = data.clone();
        let job = Background::start(mode, move |feed| {
            let spec = CurveSpec {
                act,
                train: TrainMode::Last,
                widths: RISK_WIDTHS.to_vec(),
                sigmas: vec![0.0, sigma],
                draws: RISK_DRAWS,
                seed,
            };
            // Each width as it is done: the view draws the curve from the left as it comes. A
            // dropped view stops it before the next draw.
            let run = || {
                let each = |c: &Curve| feed.send(Ok(c.clone()));
                curve::curve_by_width(&data, &theirs, &spec, (sigma, sources), &|| feed.cancelled(), each)
            };
            // Off the frame, on threads that yield to the UI's (as the histogram worker's do).
            let pool = (mode == Mode::Thread)
                .then(|| rayon::ThreadPoolBuilder::new().start_handler(|_| lower_priority()).build().ok())
                .flatten();
            let done = match pool {
                Some(pool) => pool.install(run),
                None => run(),
            };
            if let Err(e) = done {
                feed.send(Err(e.to_string()));
            }
        });
        let mut view = RiskView {
            key,
            act,
            sigma,
            test: described,
            test_set: test,
            job,
            curve: None,
            complete: false,
            error: None,
            trained,
            cfg,
        };
        view.poll();
        view
    }

    /// Whether this view is of `test`'s data (the session's test set, made anew with its data)
    /// under `key`.
    pub fn is_for(&self, test: &Arc<TestSet>, key: RiskKey) -> bool {
        self.key == key && Arc::ptr_eq(&self.test_set, test)
    }

    /// Whether the curve has every width (or failed).
    pub fn done(&self) -> bool {
        self.complete || self.error.is_some()
    }

    /// Widths in the curve so far, of all.
    pub fn progress(&self) -> (usize, usize) {
        let per_width = 2; // σn = 0 and σ
        (self.curve.as_ref().map_or(0, |c| c.rows.len() / per_width), RISK_WIDTHS.len())
    }

    /// Whether trained nets are still to come.
    pub fn filling(&self) -> bool {
        self.trained.iter().any(TrainedPoint::filling)
    }

    /// The trained nets begun again under `cfg` (the optimizer, rate or step cap changed).
    pub fn retrain(&mut self, cfg: EnsembleConfig) {
        self.cfg = cfg;
        for p in &mut self.trained {
            p.clear();
            // No error but the data's refusal of this width.
            if p.net.is_some() {
                p.error = None;
            }
        }
    }

    /// e: `TRAINED_RUNS` more nets asked for at each width the data allows (at most `max`).
    pub fn more_runs(&mut self, max: u64) {
        for p in self.trained.iter_mut().filter(|p| p.net.is_some()) {
            p.error = None;
            p.target = (p.target.max(p.errors.len() as u64) + TRAINED_RUNS).min(max);
        }
    }

    /// c: no nets, none asked for.
    pub fn clear_runs(&mut self) {
        for p in &mut self.trained {
            p.clear();
            p.target = 0;
        }
    }

    /// Takes the curve as far as it has come. True when it changed.
    pub fn poll(&mut self) -> bool {
        let mut any = false;
        for r in self.job.drain() {
            any = true;
            match r {
                Ok(c) => self.curve = Some(c),
                Err(e) => self.error = Some(e),
            }
        }
        if self.job.finished() && !self.complete {
            self.complete = true;
            any = true;
            if self.error.is_none() && self.progress().0 < RISK_WIDTHS.len() {
                self.error = Some("the risk curve stopped short (internal error)".into());
            }
        }
        any
    }
}
