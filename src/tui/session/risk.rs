//! What the risk view (key R) knows: does it overfit? The last-layer net's expected test error
//! against width in closed form (THEORY.md, "Does it overfit?"), at σn = 0 and at the
//! session's σ, with the infinite-width values and the lines' errors. It is computed on a thread
//! of its own (about half a second), keyed by the data and σ. Its features are ReLU whatever
//! the net's φ: erf's Gram blocks cost O(G·N·M) a draw (seconds at M = 16384).

use crate::data::Dataset;
use crate::net::{Act, TrainMode};
use crate::risk::TestSet;
use crate::risk::curve::{self, Curve, CurveSpec};
use crate::tui::jobs::background::{Background, Mode};

/// The view's widths: those of every risk curve.
pub const RISK_WIDTHS: [usize; 15] = curve::WIDTHS;
/// Feature draws per width (the closed form at each, averaged).
pub const RISK_DRAWS: u64 = 8;

/// What a curve belongs to: stale when any changes (seed, N, φ, σ, and the data's Σy).
pub type RiskKey = (u64, usize, Act, u64, u64);

/// The key of `data` under `seed`, φ and σ.
pub fn risk_key(data: &Dataset, seed: u64, act: Act, sigma: f64) -> RiskKey {
    (seed, data.n(), act, sigma.to_bits(), data.y.sum().to_bits())
}

#[derive(Debug)]
pub struct RiskView {
    pub key: RiskKey,
    /// σ of the second curve (the first is σn = 0).
    pub sigma: f64,
    /// What the test error is measured against, in words (`TestSet::describe`).
    pub test: String,
    job: Background<Result<Curve, String>>,
    pub curve: Option<Curve>,
    pub error: Option<String>,
}

impl RiskView {
    /// Starts the curve on a thread of its own with `Mode::Thread` (dropping the view stops it).
    pub fn new(data: &Dataset, test: TestSet, seed: u64, act: Act, sigma: f64, mode: Mode) -> RiskView {
        let key = risk_key(data, seed, act, sigma);
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
            feed.send(
                curve::curve(&data, &test, &spec, sigma, crate::args::DEFAULT_SOURCES).map_err(|e| e.to_string()),
            );
        });
        let mut view = RiskView { key, sigma, test: described, job, curve: None, error: None };
        view.poll();
        view
    }

    pub fn done(&self) -> bool {
        self.curve.is_some() || self.error.is_some()
    }

    /// Takes the curve once it has arrived. True when it did.
    pub fn poll(&mut self) -> bool {
        let mut any = false;
        for r in self.job.drain() {
            any = true;
            match r {
                Ok(c) => self.curve = Some(c),
                Err(e) => self.error = Some(e),
            }
        }
        if self.job.finished() && !self.done() {
            self.error = Some("the risk curve stopped short (internal error)".into());
        }
        any
    }
}
