//! The ridge view on the net (key v): log-loss on the plane through θ* (the run's θ) spanned
//! by θ0 → θ* and a null direction of J(θ*), with θ0, θ*, θ now and the zero-loss points
//! Gauss–Newton reaches from the null line. Unlike the linear models' ridge the net's zero-loss
//! set is curved: it leaves the plane. The plane costs O(cells·N·M), so it is computed off the
//! frame (`Background`); `ui::ridge` draws it.

use std::sync::Arc;

use ndarray::Array1;

use super::net::NetState;
use super::ridge::LOSS_FLOOR;
use crate::format::sig4;
use crate::net::Net;
use crate::net::ridge::{NetPlane, ZeroPoint, kinks, straight};
use crate::tui::jobs::background::{Background, Feed, Mode};

/// Samples of the plane: α (columns) and β (rows), odd so θ* is a sample.
const GRID_W: usize = 121;
const GRID_H: usize = 41;
use crate::net::ridge::CURVE_BETAS;
pub use crate::net::ridge::SPAN;

/// What the view shows for one θ*.
#[derive(Debug, Clone)]
pub struct PlaneFigures {
    pub plane: NetPlane,
    /// log10 loss, GRID_H rows (β from +SPAN down) of GRID_W (α from −SPAN).
    grid: Vec<f64>,
    /// Loss along the null line ∝ β^p near θ* (None: it stays at zero, a straight ridge).
    pub exponent: Option<f64>,
    /// ReLU pre-activations GD left on the kink.
    pub kinks: usize,
    pub curve: Vec<ZeroPoint>,
    /// The model is linear in what it trains (`--train last`).
    pub straight: bool,
}

impl PlaneFigures {
    fn compute(net: &Net, theta0: &Array1<f64>, theta: &Array1<f64>, seed: u64, init: u64, feed: &Feed<Msg>) -> Msg {
        let stop = || feed.cancelled();
        let plane = NetPlane::new(net, theta0, theta, seed, init).map_err(|e| e.to_string())?;
        let axis = |n: usize, i: usize| -SPAN + 2.0 * SPAN * i as f64 / (n - 1) as f64;
        let alphas: Vec<f64> = (0..GRID_W).map(|i| axis(GRID_W, i)).collect();
        let betas: Vec<f64> = (0..GRID_H).map(|j| -axis(GRID_H, j)).collect();
        let grid = plane.log_loss_grid(net, &alphas, &betas, LOSS_FLOOR, &stop).ok_or("cancelled")?;
        let both: Vec<f64> = CURVE_BETAS.iter().flat_map(|&b| [-b, b]).collect();
        let curve = plane.zero_loss_curve(net, &both, &stop).map_err(|e| e.to_string())?.ok_or("cancelled")?;
        Ok(PlaneFigures {
            exponent: plane.null_line_exponent(net),
            kinks: kinks(net, theta.as_slice().unwrap_or(&[])),
            straight: straight(net),
            plane,
            grid,
            curve,
        })
    }

    /// The sample nearest (α, β).
    pub fn at(&self, alpha: f64, beta: f64) -> f64 {
        let idx = |v: f64, n: usize| ((v + SPAN) / (2.0 * SPAN) * (n - 1) as f64).round().clamp(0.0, (n - 1) as f64);
        let (i, j) = (idx(alpha, GRID_W) as usize, (GRID_H - 1) - idx(beta, GRID_H) as usize);
        self.grid[j * GRID_W + i]
    }
}

/// A plane's figures, or why there is none.
pub type Msg = Result<PlaneFigures, String>;

/// The view's state: the plane shown, and the one being computed.
#[derive(Debug)]
pub struct NetRidge {
    /// The net and θ the figures (shown or on their way) belong to.
    net: Arc<Net>,
    theta: Array1<f64>,
    /// The run the plane belongs to: its θ0 and the step of θ. A run that starts again (new
    /// init, optimizer, replay) makes the plane stale.
    theta0: Array1<f64>,
    steps: u64,
    job: Option<Background<Msg>>,
    pub shown: Option<Msg>,
}

impl NetRidge {
    /// Whether the plane shown (or on its way) is for `theta`.
    pub fn shows(&self, theta: &Array1<f64>) -> bool {
        self.theta == theta
    }

    /// θ* of the plane shown, if one is.
    pub fn shown_theta(&self) -> Option<&Array1<f64>> {
        match &self.shown {
            Some(Ok(f)) => Some(&f.plane.theta_star),
            _ => None,
        }
    }

    /// Whether a plane is on its way.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Takes a finished plane, and starts one when the view has none, or when the run stands
    /// (paused or done) at a θ other than the one shown; a stale job is dropped (cancelled).
    /// True when what shows changed.
    pub fn update(slot: &mut Option<NetRidge>, net: &NetState, running: bool, mode: Mode, seed: u64) -> bool {
        let run = &net.run;
        if slot.as_ref().is_some_and(|r| r.steps > run.steps || r.theta0 != run.theta0) {
            *slot = None; // another run: its plane is computed afresh, never the old one shown
        }
        let changed = slot.as_mut().is_some_and(NetRidge::take);
        let same_net = slot.as_ref().is_some_and(|r| Arc::ptr_eq(&r.net, &net.net));
        let same = same_net && slot.as_ref().is_some_and(|r| r.theta == run.theta);
        if same || (same_net && running) {
            return changed;
        }
        let (n, theta0, theta, init) = (Arc::clone(&net.net), run.theta0.clone(), run.theta.clone(), run.init_index);
        let job = Background::start(mode, move |feed: &Feed<Msg>| {
            let msg = PlaneFigures::compute(&n, &theta0, &theta, seed, init, feed);
            if !feed.cancelled() {
                feed.send(msg);
            }
        });
        // A plane of another net (another width, mode or data) is not shown meanwhile.
        let shown = slot.take().filter(|_| same_net).and_then(|r| r.shown);
        let mut r = NetRidge {
            net: Arc::clone(&net.net),
            theta: run.theta.clone(),
            theta0: run.theta0.clone(),
            steps: run.steps,
            job: Some(job),
            shown,
        };
        r.take();
        *slot = Some(r);
        true
    }

    /// Shows what the job sent, if anything; true when what shows changed (a plane arrived, or
    /// the job ended, which takes "updating…" off).
    fn take(&mut self) -> bool {
        let Some(job) = self.job.as_mut() else { return false };
        let got = job.drain().pop();
        let ended = job.finished();
        if ended {
            self.job = None;
        }
        let arrived = got.is_some();
        if let Some(msg) = got {
            self.shown = Some(msg);
        }
        arrived || ended
    }

    /// One line naming the axes.
    /// The axes in words, longest first (the drawing takes the first that fits).
    pub fn caption(&self) -> Vec<String> {
        match &self.shown {
            Some(Ok(f)) => {
                let busy = if self.busy() { " · updating" } else { "" };
                let d = sig4(f.plane.distance);
                vec![
                    format!("→ θ0 to θ*, |θ*−θ0| = {d} · ↑ null direction of J(θ*){busy}"),
                    format!("→ θ0 to θ* (|θ*−θ0| {d}) · ↑ null of J{busy}"),
                    format!("→ θ0 to θ* · ↑ null of J{busy}"),
                ]
            }
            _ => Vec::new(),
        }
    }
}
