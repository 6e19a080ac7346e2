//! A tour: chapters (the built-in ones are `assets/tour.toml`), each setting the explorer up
//! from command-line flags, telling the reader what to look at in prose with live values
//! (`{ks_posterior}`, see `live`), and asking for one thing to try, checked when done; and the
//! reader's progress. `tour_file` reads and checks a tour; the controller applies a chapter,
//! `ui::tour` draws the narration.

use std::sync::Arc;

use super::view::View;
use crate::args::Common;
use crate::tui::keys::{Action, Key};

/// One chapter, checked: its settings parsed, its live values known, its key bound.
#[derive(Debug, Clone)]
pub struct Chapter {
    pub title: String,
    /// The command-line flags the chapter sets the explorer up with, as written.
    pub settings: String,
    pub common: Common,
    pub view: View,
    /// Start the run when the chapter opens.
    pub run: bool,
    pub text: String,
    pub try_this: String,
    pub check: Check,
    pub done: String,
}

/// What the reader is asked to do: press `key` (`times` times), and, when `until` names a state,
/// until the explorer is in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub key: Key,
    pub action: Action,
    pub times: u32,
    pub until: Option<State>,
}

/// A state of the explorer a check can wait for.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// The current run converged.
    Converged,
    /// The session's optimizer is this one.
    Optimizer(crate::optim::Optimizer),
    /// The histogram on screen holds at least this many runs.
    Runs(u64),
}

/// A whole tour, and where the reader is in it.
#[derive(Debug, Clone)]
pub struct Tour {
    pub title: String,
    pub chapters: Arc<Vec<Chapter>>,
    /// The chapter shown (0-based).
    pub at: usize,
    /// Whether the narration is on screen (T leaves and comes back).
    pub open: bool,
    /// Presses of the chapter's key so far.
    pub presses: u32,
    /// Whether the chapter's "try this" is done.
    pub met: bool,
    /// Lines of narration scrolled past.
    pub scroll: u16,
    /// The chapter list, when open, and the chapter selected in it.
    pub list: Option<usize>,
}

impl Tour {
    pub fn new(title: String, chapters: Vec<Chapter>) -> Tour {
        Tour { title, chapters: Arc::new(chapters), at: 0, open: true, presses: 0, met: false, scroll: 0, list: None }
    }
    pub fn chapter(&self) -> &Chapter {
        &self.chapters[self.at.min(self.chapters.len() - 1)]
    }
}
