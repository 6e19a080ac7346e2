//! The drift view on the net (key p): how far this run's parameters moved, parameter by
//! parameter, and a sweep over the width M of GD runs from the same seed and init, with the
//! fitted exponents of |θ−θ0|/|θ0| and of the kernel change (THEORY.md, "Finite width": M^−½).
//! The sweep trains for real (and measures kernels, O(N²M)), so it runs on a thread of its own
//! and the table fills in as each width finishes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::tui::jobs::background::{Background, Mode};

use super::net::NetState;
use crate::data::Dataset;
use crate::net::{NetRun, NetSpec, NetTheory};
use crate::optim::{LrChoice, Optimizer};

/// The widths the sweep trains at (each 4× the last: the exponent needs a span).
pub const SWEEP_WIDTHS: [usize; 4] = [16, 64, 256, 1024];

/// One finished width.
#[derive(Debug, Clone, Copy)]
pub struct DriftRow {
    pub width: usize,
    pub k: usize,
    pub rel_change: f64,
    pub theory: f64,
    pub kernel_change: f64,
    pub converged: bool,
}

/// The sweep for one dataset, architecture, seed and init.
#[derive(Debug)]
pub struct NetDrift {
    /// What the sweep belongs to: it is stale when any of these changes.
    pub key: (u64, u64, NetSpec),
    job: Background<std::result::Result<DriftRow, String>>,
    pub rows: Vec<DriftRow>,
    pub error: Option<String>,
}

impl NetDrift {
    /// Starts the sweep (on a thread of its own with `Mode::Thread`; dropping it stops it).
    pub fn new(net: &NetState, seed: u64, init: u64, max_steps: u64, tol: f64, mode: Mode) -> NetDrift {
        let spec = net.spec;
        let (data, sigma, theory) = (net.net.data.clone(), net.net.sigma, Arc::clone(&net.theory));
        let job = Background::start(mode, move |feed| {
            for width in SWEEP_WIDTHS {
                let row = train_width(
                    NetSpec { width, ..spec },
                    &data,
                    sigma,
                    &theory,
                    (seed, init),
                    (max_steps, tol),
                    &|| feed.cancelled(),
                );
                match row {
                    Ok(Some(row)) => {
                        if !feed.send(Ok(row)) {
                            return;
                        }
                    }
                    Ok(None) => return, // cancelled
                    Err(e) => {
                        feed.send(Err(e.to_string()));
                        return;
                    }
                }
            }
        });
        let mut drift =
            NetDrift { key: (seed, init, NetSpec { width: 0, ..spec }), job, rows: Vec::new(), error: None };
        drift.poll();
        drift
    }

    pub fn done(&self) -> bool {
        self.error.is_some() || self.rows.len() == SWEEP_WIDTHS.len() || self.job.finished()
    }

    /// Takes the widths finished since the last call. True when any arrived.
    pub fn poll(&mut self) -> bool {
        let got = self.job.drain();
        let any = !got.is_empty();
        for r in got {
            match r {
                Ok(row) => self.rows.push(row),
                Err(e) => self.error = Some(e),
            }
        }
        if self.job.finished() && self.error.is_none() && self.rows.len() < SWEEP_WIDTHS.len() {
            self.error = Some("the width sweep stopped short (internal error)".into());
        }
        any
    }
}

/// Trains one width of the sweep by GD to the end, in slices so `cancelled` is seen within
/// about 50 ms. None when cancelled.
fn train_width(
    spec: NetSpec,
    data: &Dataset,
    sigma: f64,
    theory: &NetTheory,
    (seed, init): (u64, u64),
    (max_steps, tol): (u64, f64),
    cancelled: &dyn Fn() -> bool,
) -> crate::Result<Option<DriftRow>> {
    let net = spec.build(data, sigma)?;
    let mut run = NetRun::new(net, Optimizer::Gd, LrChoice::default(), seed, init)?;
    while !(run.is_done() || run.steps >= max_steps) {
        if cancelled() {
            return Ok(None);
        }
        run.run_until(max_steps, tol, Some(Instant::now() + Duration::from_millis(50)), |_, _| {})?;
    }
    let k = run.net.k();
    Ok(Some(DriftRow {
        width: run.net.width,
        k,
        rel_change: run.rel_change(),
        theory: theory.rel_change(k),
        kernel_change: run.kernel_change(),
        converged: run.converged(),
    }))
}

impl NetDrift {
    /// Fitted exponents of |θ−θ0|/|θ0| and of the kernel change against M, once two widths are in.
    pub fn exponents(&self) -> Option<(f64, f64)> {
        let ms: Vec<f64> = self.rows.iter().map(|r| r.width as f64).collect();
        let rel: Vec<f64> = self.rows.iter().map(|r| r.rel_change).collect();
        let ker: Vec<f64> = self.rows.iter().map(|r| r.kernel_change).collect();
        Some((crate::ridge::power_law_exponent(&ms, &rel)?, crate::ridge::power_law_exponent(&ms, &ker)?))
    }
}
