//! Stepping the current run, a line's or the net's, through one path: the same loop as
//! `overparam train` (it stops where train stops, at the same step, however the steps are
//! chunked), the figures measured once per chunk, and the words for why it stopped from the
//! engine (`optim::stop_words`), as `train` prints them.

use std::time::Instant;

use super::App;
use crate::model::ModelKind;
use crate::optim::{Optimizer, Status, stability_bound};
use crate::tui::session::line::LineState;
use crate::tui::session::line_index;
use crate::tui::session::net::NetState;
use crate::tui::session::{divergence_note, stop_note};

/// What stepping needs of a run, whichever the model.
trait Stepping {
    /// Where the run stands: its status, optimizer and steps.
    fn state(&self) -> (&Status, Optimizer, u64);
    /// Steps to `target` (or `deadline`), recording the loss, then measures the figures of θ.
    fn step_to(&mut self, target: u64, tol: f64, deadline: Option<Instant>) -> crate::Result<()>;
    /// The figures of θ now, in full (the run paused).
    fn paused(&mut self) {}
    /// Said instead of `stop_words` where this kind has more to say.
    fn own_note(&self) -> Option<String> {
        None
    }
}

impl Stepping for LineState {
    fn state(&self) -> (&Status, Optimizer, u64) {
        (&self.run.status, self.run.optimizer, self.run.steps)
    }
    fn step_to(&mut self, target: u64, tol: f64, deadline: Option<Instant>) -> crate::Result<()> {
        let history = &mut self.history;
        let result = self.run.run_until(target, tol, deadline, |step, loss| history.push(step, loss));
        self.measure();
        result
    }
    /// A GD learning rate at the stability bound itself neither converges nor diverges: the fast
    /// direction flips sign every step for ever. Say so instead of running on.
    fn own_note(&self) -> Option<String> {
        let (lr, bound) = (self.run.lr?, stability_bound(&self.model, self.run.optimizer)?);
        let gd = matches!(self.run.optimizer, Optimizer::Gd | Optimizer::Whitened);
        (self.run.status == Status::Running && gd && (lr / bound.0 - 1.0).abs() < 1e-9).then(|| {
            format!("lr = {} exactly: the fastest direction flips sign each step for ever. [ halves it", bound.1)
        })
    }
}

impl Stepping for NetState {
    fn state(&self) -> (&Status, Optimizer, u64) {
        (&self.run.status, self.run.optimizer, self.run.steps)
    }
    fn step_to(&mut self, target: u64, tol: f64, deadline: Option<Instant>) -> crate::Result<()> {
        let history = &mut self.history;
        let result = self.run.run_until(target, tol, deadline, |step, loss| history.push(step, loss));
        // Stepping by hand measures everything; a running net keeps its frames short.
        self.measure(deadline.is_none());
        result
    }
    fn paused(&mut self) {
        self.measure(true);
    }
    fn own_note(&self) -> Option<String> {
        (self.run.status == Status::Converged && self.run.linearized)
            .then(|| "the linearized end from this init (exact): a real net ends near it, not on it".to_string())
    }
}

/// Why the current run will not step, if it will not: it diverged, or it is done.
fn refusal(run: &dyn Stepping) -> Option<String> {
    let (status, optimizer, _) = run.state();
    match status {
        Status::Diverged(_) => divergence_note(status, optimizer),
        Status::Converged => Some("converged — r replays, i draws a new init".into()),
        Status::Stalled => Some("at the rounding floor — r replays, i draws a new init".into()),
        Status::Running => None,
    }
}

impl App {
    /// The current run, to step.
    fn stepping(&mut self) -> &mut dyn Stepping {
        let s = &mut self.session;
        if s.current == ModelKind::Net
            && let Some(net) = s.net.as_mut()
        {
            return net;
        }
        match &mut s.lines[line_index(s.linear)] {
            Some(line) => line,
            None => unreachable!("the last linear model shown is always built"),
        }
    }

    /// Runs `k` steps of the current run (fewer if it converges or diverges), then measures the
    /// figures once. Pauses the run when it stops, saying why.
    pub fn run_steps(&mut self, k: u64) {
        self.run_steps_until(k, None);
    }

    /// `run_steps`, stopping early at `deadline` so a frame never waits long for its steps.
    pub(super) fn run_steps_until(&mut self, k: u64, deadline: Option<Instant>) {
        let (max_steps, tol) = (self.session.common.max_steps(), self.session.common.tol);
        let run = self.stepping();
        let (status, _, steps) = run.state();
        if status != &Status::Running {
            self.session.running = false;
            return;
        }
        let result = run.step_to(steps.saturating_add(k).min(max_steps), tol, deadline);
        let (status, optimizer, steps) = run.state();
        let stop = match result {
            Err(e) if !matches!(status, Status::Diverged(_)) => Some(e.to_string()),
            _ => {
                let words = stop_note(status, optimizer, steps, max_steps, tol);
                // A kind's own words replace "converged", and fill in where the engine has none.
                if status == &Status::Converged { run.own_note().or(words) } else { words.or_else(|| run.own_note()) }
            }
        };
        if let Some(msg) = stop {
            self.session.running = false;
            self.session.message = Some(msg);
        }
    }

    /// Space: pauses a running run, or runs one that can go on (saying why one cannot).
    pub(super) fn toggle_run(&mut self) {
        if self.session.running {
            self.session.running = false;
            self.stepping().paused();
            return;
        }
        match refusal(self.stepping()) {
            Some(why) => self.session.message = Some(why),
            None => self.session.running = true,
        }
    }

    /// n and N: `k` steps by hand, the run paused.
    pub(super) fn manual_steps(&mut self, k: u64) {
        self.session.running = false;
        match refusal(self.stepping()) {
            Some(why) => self.session.message = Some(why),
            None => self.run_steps(k),
        }
    }
}
