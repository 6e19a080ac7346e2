//! What the explorer knows: the settings, the data, each model's run and histogram, the view,
//! focus and zoom, the message on screen, and each view's computed data. Queries answer "what
//! is on screen"; only the controller (`tui::app`) decides what changes. Nothing here knows
//! keys or ratatui.

pub mod command;
pub mod drift;
pub mod line;
pub mod live;
pub mod net;
pub mod net_drift;
pub mod net_ridge;
pub mod ridge;
pub mod risk;
pub mod test_error;
pub mod tour;
pub mod tour_file;
pub mod view;

use std::path::PathBuf;
use std::time::Duration;

use crate::args::{Common, ExplorerArgs};
use crate::data::Dataset;
use crate::ensemble::EnsembleConfig;
use crate::model::ModelKind;
use crate::net::NetSpec;
use crate::optim::{LrChoice, Optimizer, Status, stability_bound, stop_words};

use drift::DriftView;
use line::LineState;
use net::NetState;
use net_drift::NetDrift;
use net_ridge::NetRidge;
pub use view::{Pane, View};

/// The histogram never holds more runs than this (memory, and the per-frame binning).
pub const MAX_RUNS: u64 = 200_000;
/// Steps per frame at start: a GD run of the slightly model (~10⁵ steps) converges in ~13 s
/// at 30 frames/s.
pub const DEFAULT_STEPS_PER_FRAME: u64 = 256;
/// The linear models the compare view shows, top to bottom (the net, once built, comes last).
pub const COMPARED: &[ModelKind] = &[ModelKind::Traditional, ModelKind::Slightly, ModelKind::Very];
/// The widest net the explorer opens: a new init there costs O(N²M), about 20 ms at N = 100
/// (`overparam bench` measures 4 ms at 4096), so every key still answers within a frame.
pub const MAX_EXPLORER_WIDTH: usize = 16_384;
/// Largest N for which a linear session works out the net's default x* at start-up.
const DEFAULT_AT_MAX_N: usize = 400;

/// Measured speeds; None in tests so renders stay deterministic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    pub steps_per_s: f64,
    pub frames_per_s: f64,
}

/// The run on screen: a linear model's or the net's.
#[derive(Debug, Clone, Copy)]
pub enum Current<'a> {
    Line(&'a LineState),
    Net(&'a NetState),
}

pub struct Session {
    pub common: Common,
    pub seed: u64,
    pub data: Dataset,
    /// Where the runs' test error is measured: the grid against the true line for generated
    /// data, the held-out points of a data file.
    pub test: std::sync::Arc<crate::risk::TestSet>,
    /// The linear models' runs, in `ModelKind::LINEAR` order, each built when first shown.
    pub lines: [Option<LineState>; 3],
    /// The net's run and histogram, built when the net is first shown.
    pub net: Option<NetState>,
    /// The net's width, activation and what it trains (w, W, t, g change them).
    pub net_spec: NetSpec,
    /// The test point x* (data units) where the net's f is read out.
    pub at: f64,
    /// The drift view's width sweep on the net, trained on a thread of its own.
    pub net_drift: Option<NetDrift>,
    /// The ridge view's plane on the net, computed off the frame.
    pub net_ridge: Option<NetRidge>,
    pub current: ModelKind,
    /// The linear model last shown: what `line()` answers while the net is current.
    pub linear: ModelKind,
    /// The init a newly built run starts from: --init, then the latest `i`.
    pub init: u64,
    pub optimizer: Optimizer,
    pub lr: LrChoice,
    pub running: bool,
    pub steps_per_frame: u64,
    pub log_loss: bool,
    pub ascii: bool,
    /// False under NO_COLOR: series are then told apart by marker alone.
    pub color: bool,
    pub help: bool,
    /// The help's second page (? again): what the current view's panes show.
    pub help_panes: bool,
    /// Time a frame may spend stepping: half the frame time at --fps.
    pub frame_budget: Duration,
    pub view: View,
    /// The risk view's curve, computed on a thread of its own when the view is first shown.
    pub risk: Option<risk::RiskView>,
    /// The drift view's sweep over M, computed when the view is first shown for this data and init.
    pub drift: Option<DriftView>,
    pub message: Option<String>,
    pub rates: Option<Rates>,
    /// The pane f focuses and z shows full screen.
    pub focus: Pane,
    pub zoomed: bool,
    /// Where s exports the session (--out); None: a timestamped folder in the current directory.
    pub out: Option<PathBuf>,
    /// The size of the last frame drawn (set by the event loop), so an export's screen.txt is
    /// the screen as shown.
    pub screen_size: (u16, u16),
    /// The tour, once opened (`overparam tour`, or T), and where the reader is in it.
    pub tour: Option<tour::Tour>,
    /// For one's own data (--data), when σ and the data's residual sd differ by more than 2×:
    /// the engine's warning (`data::sigma_check`), worked out once, shown in the inspector.
    pub sigma_warning: Option<String>,
}

/// Where `kind` sits in `Session::lines`.
pub fn line_index(kind: ModelKind) -> usize {
    ModelKind::LINEAR.iter().position(|&k| k == kind).unwrap_or(0)
}

impl Session {
    /// The session the command line asks for, before any run is built (`app::App::new` builds
    /// them). Fails on settings the explorer cannot show.
    pub fn new(common: &Common, explorer: &ExplorerArgs) -> crate::Result<Session> {
        if let Some(w) = common.width.filter(|&w| w > MAX_EXPLORER_WIDTH) {
            return Err(crate::error::invalid!(
                "the explorer takes --width up to {MAX_EXPLORER_WIDTH}, where a key still answers within a frame (got {w}); wider nets run headless: `overparam train --model net --width {w}`"
            ));
        }
        // With --data the runs train on what --holdout leaves, as `train` does.
        let (data, test) = common.train_test()?;
        if common.at.len() > 1 {
            return Err(crate::error::invalid!("the explorer takes one --at (a list is for the headless commands)"));
        }
        let at = default_at(common, &data)?;
        let sigma_warning = common.sigma_check(&data).and_then(|c| c.warning);
        let linear = if common.model.is_linear() { common.model } else { ModelKind::Slightly };
        Ok(Session {
            common: common.clone(),
            seed: common.seed,
            data,
            test: std::sync::Arc::new(test),
            lines: [None, None, None],
            net: None,
            net_drift: None,
            net_ridge: None,
            net_spec: common.net_spec(),
            at,
            current: common.model,
            linear,
            init: common.init,
            optimizer: common.optimizer.unwrap_or(Optimizer::Gd),
            lr: common.lr_choice(),
            running: false,
            steps_per_frame: DEFAULT_STEPS_PER_FRAME,
            log_loss: true,
            // A non-UTF-8 locale (LANG=C) draws as --ascii does.
            ascii: explorer.ascii || locale_is_not_utf8(|k| std::env::var(k).ok()),
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            help: false,
            help_panes: false,
            frame_budget: Duration::from_secs_f64(0.5 / f64::from(explorer.fps.max(1))),
            view: View::Slopes,
            drift: None,
            risk: None,
            message: None,
            rates: None,
            focus: Pane::View,
            zoomed: false,
            out: explorer.out.clone(),
            screen_size: (120, 40),
            tour: None,
            sigma_warning,
        })
    }

    /// The run on screen.
    pub fn current(&self) -> Current<'_> {
        match self.net() {
            Some(n) => Current::Net(n),
            None => Current::Line(self.line()),
        }
    }

    /// The linear model's run: the current one, or, while the net is current, the last one
    /// shown (always built: construction and every model switch build it first).
    pub fn line(&self) -> &LineState {
        match &self.lines[line_index(self.linear)] {
            Some(s) => s,
            None => unreachable!("the last linear model shown is always built"),
        }
    }

    /// The run and histogram of linear model `kind`, if it has been built.
    pub fn line_of(&self, kind: ModelKind) -> Option<&LineState> {
        if kind == ModelKind::Net {
            return None;
        }
        self.lines[line_index(kind)].as_ref()
    }

    /// The net, when it is the current model.
    pub fn net(&self) -> Option<&NetState> {
        if self.current == ModelKind::Net { self.net.as_ref() } else { None }
    }

    /// The net, when its histogram is on screen: the net is current, or the compare view shows it.
    pub fn net_shown(&self) -> Option<&NetState> {
        if self.current == ModelKind::Net || self.view == View::Compare { self.net.as_ref() } else { None }
    }

    /// Where in `lines` the histograms on screen are: every compared model in the compare view
    /// (those that could be built), else the current one.
    pub fn shown_lines(&self) -> Vec<usize> {
        if self.view == View::Compare {
            COMPARED.iter().map(|&k| line_index(k)).filter(|&i| self.lines[i].is_some()).collect()
        } else if self.current == ModelKind::Net {
            Vec::new()
        } else {
            vec![line_index(self.current)]
        }
    }

    /// The risk view's curve and trained nets, while that view shows.
    pub fn risk_shown(&self) -> Option<&risk::RiskView> {
        self.risk.as_ref().filter(|_| self.view == View::Risk)
    }

    /// Whether a histogram on screen (or the risk view's trained nets) is still filling.
    pub fn filling(&self) -> bool {
        self.risk_shown().is_some_and(|r| r.filling())
            || self.net_shown().is_some_and(|n| n.hist.filling())
            || self.shown_lines().iter().any(|&i| self.lines[i].as_ref().is_some_and(|s| s.hist.filling()))
    }

    /// How the histograms' runs are trained: the session's optimizer, learning rate and seed.
    pub fn cfg(&self) -> EnsembleConfig {
        let (max_steps, tol) = (self.common.max_steps(), self.common.tol);
        EnsembleConfig { optimizer: self.optimizer, lr: self.lr, max_steps, tol, seed: self.seed }
    }

    /// The current run's step count, whichever the model.
    pub fn steps(&self) -> u64 {
        match self.current() {
            Current::Net(n) => n.run.steps,
            Current::Line(s) => s.run.steps,
        }
    }

    /// The current run's init.
    pub fn init_index(&self) -> u64 {
        match self.current() {
            Current::Net(n) => n.run.init_index,
            Current::Line(s) => s.run.init_index,
        }
    }

    /// The learning rate the current run uses and the bound it must stay under.
    pub fn lr_and_bound(&self) -> (Option<f64>, Option<(f64, &'static str)>) {
        match self.current() {
            Current::Net(n) => (n.run.lr, n.run.lr_bound),
            Current::Line(s) => (self.lr.resolve(&s.model, self.optimizer), stability_bound(&s.model, self.optimizer)),
        }
    }

    /// Whether the net's ridge view waits on a plane, or stands at a θ it has not drawn.
    pub fn net_ridge_due(&self) -> bool {
        self.view == View::Ridge
            && self.net().is_some_and(|n| {
                self.net_ridge.as_ref().is_none_or(|r| r.busy() || (!self.running && !r.shows(&n.run.theta)))
            })
    }

    /// The tour, when its narration is on screen.
    pub fn tour_open(&self) -> Option<&tour::Tour> {
        self.tour.as_ref().filter(|t| t.open)
    }

    /// Whether the risk view's curve is still being computed while its view shows.
    pub fn risk_due(&self) -> bool {
        self.view == View::Risk && self.risk.as_ref().is_some_and(|r| !r.done())
    }

    /// Whether the net's drift sweep is still training while its view shows.
    pub fn net_drift_due(&self) -> bool {
        self.view == View::Drift && self.net().is_some() && self.net_drift.as_ref().is_some_and(|d| !d.done())
    }
}

/// Why a run stopped, for the inspector: the engine's words, and for a divergence the keys that
/// mend it.
pub fn stop_note(status: &Status, optimizer: Optimizer, steps: u64, max_steps: u64, tol: f64) -> Option<String> {
    let words = stop_words(status, optimizer, steps, max_steps, tol)?;
    match status {
        Status::Diverged(crate::Error::Diverged { .. }) => Some(format!("{words}. [ halves it, 0 resets")),
        _ => Some(words),
    }
}

/// Why a run diverged, for the inspector; None in any other state.
pub fn divergence_note(status: &Status, optimizer: Optimizer) -> Option<String> {
    match status {
        Status::Diverged(_) => stop_note(status, optimizer, 0, u64::MAX, 0.0),
        _ => None,
    }
}

/// Whether the locale says the terminal cannot show UTF-8: the first of LC_ALL, LC_CTYPE and
/// LANG that is set names no UTF-8 charset (`LANG=C`, `POSIX`, `en_US.ISO-8859-1`). Unset, the
/// explorer assumes UTF-8, as terminals today do.
pub fn locale_is_not_utf8(var: impl Fn(&str) -> Option<String>) -> bool {
    let set = ["LC_ALL", "LC_CTYPE", "LANG"].into_iter().find_map(|k| var(k).filter(|v| !v.is_empty()));
    set.is_some_and(|v| {
        let v = v.to_ascii_lowercase();
        !(v.contains("utf-8") || v.contains("utf8"))
    })
}

/// x*: --at, else where the NTK-GP and posterior differ most on this data (the engine's default,
/// whatever model the explorer starts on).
fn default_at(common: &Common, data: &Dataset) -> crate::Result<f64> {
    let net = common.net_spec().build(data, common.noise_prior());
    // Solving for the default x* is O(N³): a linear session on large data skips it.
    let solvable = !common.model.is_linear() || data.n() <= DEFAULT_AT_MAX_N;
    Ok(match (common.at.first(), &net) {
        (Some(&x), Ok(net)) => {
            crate::net::check_at(&[x], net)?;
            x
        }
        (None, Ok(net)) if solvable => crate::net::default_at(net)?,
        (_, Err(e)) if !common.model.is_linear() => return Err(e.clone()),
        // The net cannot be built on this data (switching to it says why), or the default is
        // not worth solving for: --at as given, else the compare view's point.
        (Some(&x), _) => x,
        (None, _) => crate::predict::test_point(data),
    })
}

#[cfg(test)]
mod tests {
    use super::locale_is_not_utf8;

    #[test]
    fn the_locale_is_read_in_order_and_unset_means_utf8() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert!(locale_is_not_utf8(env(&[("LANG", "C")])));
        assert!(!locale_is_not_utf8(env(&[("LANG", "C.UTF-8")])));
        assert!(!locale_is_not_utf8(env(&[])), "unset: UTF-8 assumed");
        assert!(locale_is_not_utf8(env(&[("LC_ALL", "POSIX"), ("LANG", "en_US.UTF-8")])), "LC_ALL first");
        assert!(!locale_is_not_utf8(env(&[("LC_ALL", ""), ("LC_CTYPE", "de_DE.utf8"), ("LANG", "C")])));
    }
}
