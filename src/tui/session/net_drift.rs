//! The drift view on the net (key p): how far this run's parameters moved, parameter by
//! parameter, and a sweep over the width M of GD runs from the same seed and init, with the
//! fitted exponents of |θ−θ0|/|θ0| and of the kernel change (THEORY.md, "Finite width": M^−½).
//! The sweep trains for real (and measures kernels, O(N²M)), so it runs on a thread of its own
//! and the table fills in as each width finishes.

use std::sync::Arc;

use crate::tui::jobs::background::{Background, Mode};

use super::net::NetState;
use crate::net::NetSpec;

use crate::net::drift::train_width;
pub use crate::net::drift::{DriftRow, SWEEP_WIDTHS};

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

impl NetDrift {
    /// Fitted exponents of |θ−θ0|/|θ0| and of the kernel change against M, once two widths are in.
    pub fn exponents(&self) -> Option<(f64, f64)> {
        crate::net::drift::exponents(&self.rows)
    }
}
