//! The controller: the only code that decides what changes in a session. A key becomes an
//! `Action` through the key table; `actions` has one arm per action; `step` steps the current
//! run (a line's or the net's, one path); `fill` keeps the histograms fed by the worker;
//! `settings` changes the model, optimizer, learning rate, net and data; `views` keeps each
//! view's computed data current; `export` writes the session out. No terminal here: tests and
//! benchmarks drive an `App` directly and render `app.session` into any backend.

mod actions;
pub mod export;
mod fill;
mod settings;
mod step;
mod tour;
mod views;

use std::time::Instant;

use super::jobs::background::Mode;
use super::jobs::worker::Worker;
use super::keys::{Key, action_for};
use super::session::{Rates, Session};
use crate::args::{Common, ExplorerArgs};
use crate::model::ModelKind;

pub use settings::LR_SCALE_LIMIT;

/// What the event loop should do after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Continue,
    Suspend,
    Quit,
}

pub struct App {
    /// What the explorer knows; drawing reads it, only the controller writes it.
    pub session: Session,
    /// The explorer's own flags (a tour's chapter builds a new session with them).
    explorer: ExplorerArgs,
    /// The --data file the explorer was opened on, for D to come back to.
    data_file: Option<std::path::PathBuf>,
    /// The histogram filler (None in tests until `attach_worker`: renders stay deterministic).
    worker: Option<Worker>,
    /// Where `background` jobs run (see `set_background`).
    background: Mode,
    /// Bumped by every request to the worker; batches of an older one are dropped.
    generation: u64,
    /// The generation whose batches are still wanted.
    pending: Option<u64>,
}

impl App {
    /// The explorer on the given settings, without a terminal or a worker (the histogram is
    /// empty until `attach_worker` or `fill_now`).
    pub fn new(common: &Common, explorer: &ExplorerArgs) -> crate::Result<App> {
        let session = Session::new(common, explorer)?;
        let mut app = App {
            session,
            explorer: explorer.clone(),
            data_file: common.data.clone(),
            worker: None,
            background: Mode::Inline,
            generation: 0,
            pending: None,
        };
        app.ensure_line(app.session.linear)?;
        if app.session.current == ModelKind::Net {
            if let Some(why) = crate::net::train::refusal(app.session.optimizer) {
                return Err(crate::error::invalid!("{why}"));
            }
            app.ensure_net()?;
        }
        Ok(app)
    }

    /// Starts filling histograms in the background.
    pub fn attach_worker(&mut self, worker: Worker) {
        self.worker = Some(worker);
        self.set_background(Mode::Thread);
        self.request_fill();
    }

    /// Where work too long for a frame (the net's kernel change, the drift sweep) runs: on
    /// threads of its own in the explorer, inline without a worker (tests).
    pub fn set_background(&mut self, mode: Mode) {
        self.background = mode;
        if let Some(net) = &mut self.session.net {
            net.mode = mode;
        }
    }

    /// The measured stepping and drawing speeds (the event loop measures them).
    pub fn set_rates(&mut self, rates: Rates) {
        self.session.rates = Some(rates);
    }

    /// The size of the frame about to be drawn (the event loop knows it).
    pub fn set_screen_size(&mut self, width: u16, height: u16) {
        self.session.screen_size = (width, height);
    }

    /// Whether anything moves on its own: a running run, a filling histogram, a view's job.
    pub fn animating(&self) -> bool {
        let s = &self.session;
        s.running || s.net_drift_due() || s.net_ridge_due() || s.risk_due() || (self.worker.is_some() && s.filling())
    }

    /// One frame's work: finished batches and jobs taken, the run stepped for at most half a
    /// frame. Whether anything on screen changed.
    pub fn tick(&mut self) -> bool {
        let mut changed = self.poll_worker();
        if let Some(net) = &mut self.session.net {
            changed |= net.poll_kernel();
        }
        // Half a frame at most, so keys and redraws stay prompt on huge models.
        let deadline = Instant::now() + self.session.frame_budget;
        if self.session.running {
            self.run_steps_until(self.session.steps_per_frame, Some(deadline));
            changed = true;
        }
        changed |= self.update_net_ridge();
        changed |= self.update_risk();
        self.update_net_drift();
        if let Some(d) = &mut self.session.net_drift {
            changed |= d.poll();
        }
        let met = self.session.tour_open().is_some_and(|t| t.met);
        self.check_tour(None);
        changed || met != self.session.tour_open().is_some_and(|t| t.met)
    }

    /// Handles one key through the key table.
    pub fn press(&mut self, key: Key) -> Outcome {
        // ? opens the keys, ? again what the panes show; Esc (or ? on the second page) closes.
        if self.session.help && key == Key::Char('?') && !self.session.help_panes {
            self.session.help_panes = true;
            return Outcome::Continue;
        }
        if self.session.help && matches!(key, Key::Esc | Key::Char('?')) {
            self.session.help = false;
            self.session.help_panes = false;
            return Outcome::Continue;
        }
        if self.press_in_list(key) {
            return Outcome::Continue;
        }
        let Some(action) = action_for(key) else { return Outcome::Continue };
        let outcome = self.act(action);
        self.check_tour(Some(action));
        outcome
    }
}
