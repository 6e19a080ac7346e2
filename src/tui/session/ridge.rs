//! What the ridge view (key v) shows of a linear model's run: the 2-D slice through the endpoint
//! θ* (zero-loss line along, θ0→θ* across) and the GD path projected onto it. For the
//! traditional model, no slice: the loss against its one parameter has a single minimum.

use ndarray::Array1;

use crate::model::{Metric, Model, ModelKind};
use crate::ridge::RidgeSlice;

pub use crate::ridge::LOSS_FLOOR;
/// Most projected path points kept; past this every other one is dropped.
const PATH_CAP: usize = 512;

/// What the ridge view draws for one run: the slice through its endpoint and its path so far.
#[derive(Debug, Clone)]
pub struct RidgeView {
    /// The slice through θ* (None for the traditional model: no ridge, one minimum).
    pub slice: Option<RidgeSlice>,
    pub mle: f64,
    /// Projected (across, along) coordinates of θ along the run, oldest first.
    pub path: Vec<(f64, f64)>,
    /// Keep one point in `stride` recorded calls (doubles each time the path is halved).
    stride: u64,
    calls: u64,
}

impl RidgeView {
    /// The view for a run from θ0 whose optimizer measures distance in `metric`.
    pub fn new(model: &Model, theta0: &Array1<f64>, metric: Metric) -> RidgeView {
        let slice = match model.kind {
            ModelKind::Traditional => None,
            _ => RidgeSlice::new(model, theta0, metric).ok(),
        };
        let mut view = RidgeView { slice, mle: model.xy() / model.xx(), path: Vec::new(), stride: 1, calls: 0 };
        view.record(theta0);
        view
    }

    /// Adds θ's projection to the path (O(k)); the path stays bounded by thinning.
    pub fn record(&mut self, theta: &Array1<f64>) {
        let point = match &self.slice {
            Some(slice) => slice.coords(theta),
            None => (theta[0], 0.0),
        };
        self.calls += 1;
        let keep = point.0.is_finite() && point.1.is_finite() && (self.calls - 1).is_multiple_of(self.stride);
        if !keep {
            return;
        }
        self.path.push(point);
        if self.path.len() >= PATH_CAP {
            let first = self.path[0];
            let mut kept: Vec<_> = self.path.iter().copied().step_by(2).collect();
            kept[0] = first;
            self.path = kept;
            self.stride *= 2;
        }
    }

    /// One line saying what the axes are.
    /// The axes in words, longest first (the drawing takes the first that fits).
    pub fn caption(&self) -> Vec<String> {
        match &self.slice {
            Some(s) => {
                let d = crate::format::sig4(s.distance);
                vec![
                    format!("→ across the ridge: θ0 to θ*, |θ*−θ0| = {d} · ↑ along it: loss stays 0"),
                    format!("→ across: θ0 to θ*, |θ*−θ0| = {d} · ↑ along: loss 0"),
                    format!("→ θ0 to θ* (|θ*−θ0| {d}) · ↑ along"),
                ]
            }
            None => vec![
                "→ the slope c · ↑ loss L(c): one minimum, the MLE".into(),
                "→ the slope c · ↑ the loss L(c)".into(),
                "→ c · ↑ L(c)".into(),
            ],
        }
    }
}
