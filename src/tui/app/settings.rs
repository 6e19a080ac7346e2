//! Settings changes: the model shown, the optimizer and learning rate, the net's width,
//! activation and training, x*, a new init, new data. Each either applies whole (the run and its
//! histogram follow, from the same seed and init) or changes nothing and says why.

use std::sync::Arc;

use super::App;
use crate::args::{Common, Preset};
use crate::data::DataSpec;
use crate::model::{Model, ModelKind};
use crate::net::{Act, NetSpec, TrainMode};
use crate::optim::{LrChoice, Optimizer, Run};
use crate::tui::session::line::{Histogram, LineState};
use crate::tui::session::net::{NetHistogram, NetState, shown_range};
use crate::tui::session::{Current, Session, View, line_index};

/// ] and [ keep the learning rate within this factor of its default either way.
pub const LR_SCALE_LIMIT: f64 = 1_048_576.0;
/// x* moves by this fraction of the data's x range per key.
const AT_STEP: f64 = 0.05;
/// The net widths w and W move between, up to the widest the explorer opens (a key there still
/// answers within a frame; `overparam bench` measures it).
const MIN_NET_WIDTH: usize = 8;
const MAX_NET_WIDTH: usize = crate::tui::session::MAX_EXPLORER_WIDTH;

impl App {
    /// Builds linear model `kind`'s run for the session's data and settings, if it is not built.
    pub(super) fn ensure_line(&mut self, kind: ModelKind) -> crate::Result<()> {
        let s = &mut self.session;
        let i = line_index(kind);
        if s.lines[i].is_none() {
            let model = Arc::new(Model::new(kind, s.data.clone(), s.common.noise, s.common.source_count()?)?);
            let line = LineState::new(model, s.optimizer, s.lr, s.seed, s.init)?;
            s.lines[i] = Some(line.with_test(Arc::clone(&s.test)));
        }
        Ok(())
    }

    /// Builds the net for the session's data and settings, if it is not built.
    pub(super) fn ensure_net(&mut self) -> crate::Result<()> {
        let s = &mut self.session;
        if s.net.is_none() {
            let (opt, lr, seed, init) = (s.optimizer, s.lr, s.seed, s.init);
            let net = NetState::new(&s.data, s.common.noise_prior(), s.net_spec, s.at, opt, lr, seed, init)?;
            s.net = Some(net.with_test(Arc::clone(&s.test)));
            self.set_background(self.background);
        }
        Ok(())
    }

    /// m and M: the next model (or the one before) that can be built on this data, with a note
    /// for each skipped.
    pub(super) fn switch_model(&mut self, by: usize) {
        let n = ModelKind::ALL.len();
        let mut i = ModelKind::ALL.iter().position(|&k| k == self.session.current).unwrap_or(0);
        for _ in 0..n {
            i = (i + by) % n;
            let kind = ModelKind::ALL[i];
            let built = if kind == ModelKind::Net { self.switch_to_net() } else { self.switch_to_line(kind) };
            match built {
                Ok(()) => return,
                Err(e) => self.session.message = Some(format!("{}: {e}", kind.name())),
            }
        }
    }

    fn switch_to_line(&mut self, kind: ModelKind) -> crate::Result<()> {
        self.ensure_line(kind)?;
        self.session.current = kind;
        self.session.linear = kind;
        self.apply_settings();
        self.update_drift();
        Ok(())
    }

    /// Shows the net, built from the session's settings; an optimizer refused for the net
    /// (cg, whitened) gives way to gd, saying so.
    fn switch_to_net(&mut self) -> crate::Result<()> {
        let s = &mut self.session;
        let (old_opt, old_lr) = (s.optimizer, s.lr);
        let note = crate::net::train::refusal(s.optimizer).map(|why| format!("{why}: using gd"));
        if note.is_some() {
            (s.optimizer, s.lr) = (Optimizer::Gd, LrChoice::default());
        }
        if let Err(e) = self.ensure_net() {
            (self.session.optimizer, self.session.lr) = (old_opt, old_lr);
            return Err(e);
        }
        self.session.current = ModelKind::Net;
        self.session.running = false;
        self.apply_settings();
        if note.is_some() {
            self.session.message = note;
        }
        Ok(())
    }

    /// o: the next optimizer (on the net, the next one it takes: cg and whitened are skipped,
    /// saying why once). An absolute --lr means different things to gd and sgd: each optimizer
    /// starts from its own default.
    pub(super) fn next_optimizer(&mut self) {
        let s = &mut self.session;
        let net = s.net().is_some();
        let mut i = Optimizer::ALL.iter().position(|&o| o == s.optimizer).unwrap_or(0);
        loop {
            i = (i + 1) % Optimizer::ALL.len();
            if !net || crate::net::train::refusal(Optimizer::ALL[i]).is_none() {
                break;
            }
        }
        s.optimizer = Optimizer::ALL[i];
        if s.lr.lr.is_some() {
            s.lr = LrChoice::default();
            if !net {
                s.message = Some(format!("learning rate reset to {}'s default", s.optimizer.name()));
            }
        }
        self.apply_settings();
        if net {
            self.session
                .message
                .get_or_insert_with(|| "cg and whitened are not for the net (nonlinear; prior variances all 1)".into());
        }
    }

    /// ] and [: the learning rate ×2 or ÷2, within `LR_SCALE_LIMIT` of its default either way
    /// (so the quit line stays a command the CLI accepts).
    pub(super) fn scale_lr(&mut self, factor: f64) {
        let s = &mut self.session;
        if !s.optimizer.uses_lr() {
            s.message = Some(format!("{} has no learning rate", s.optimizer.name()));
            return;
        }
        let (lo, hi) = (LR_SCALE_LIMIT.recip(), LR_SCALE_LIMIT);
        let default = match s.current() {
            Current::Net(n) => n.run.lambda_max.recip(),
            Current::Line(l) => LrChoice::default().resolve(&l.model, s.optimizer).unwrap_or(1.0),
        };
        let (old, new) = match s.lr.lr {
            Some(v) => (v, (v * factor).clamp(lo * default, hi * default)),
            None => (s.lr.scale, (s.lr.scale * factor).clamp(lo, hi)),
        };
        if new == old {
            s.message = Some("the learning rate stays within 2^±20 of its default (0 resets it)".into());
            return;
        }
        match s.lr.lr {
            Some(_) => s.lr.lr = Some(new),
            None => s.lr.scale = new,
        }
        self.apply_settings();
    }

    /// 0: the learning rate back to the optimizer's default.
    pub(super) fn default_lr(&mut self) {
        self.session.lr = LrChoice::default();
        self.apply_settings();
    }

    /// Applies the session's optimizer and learning rate to the current run, which starts again
    /// from its init (an endpoint then belongs to one optimizer, and the quit line reproduces
    /// it), and the histograms on screen follow. A setting the run refuses changes nothing.
    pub(super) fn apply_settings(&mut self) {
        let s = &mut self.session;
        let (opt, lr) = (s.optimizer, s.lr);
        let applied = match s.current {
            ModelKind::Net => match s.net.as_mut() {
                Some(net) if net.run.optimizer != opt || net.lr != lr => {
                    let old = (net.run.optimizer, net.lr);
                    net.set_optimizer(opt, lr).map_err(|e| (old, e))
                }
                _ => Ok(()),
            },
            _ => match s.lines[line_index(s.linear)].as_mut() {
                Some(line) if line.run.optimizer != opt || line.run.lr != lr.resolve(&line.model, opt) => {
                    let old = (line.run.optimizer, line.hist.lr);
                    let set = line.run.set_optimizer(opt, lr).map_err(|e| (old, e));
                    if set.is_ok() {
                        line.run.replay();
                        line.restart_figures();
                    }
                    set
                }
                _ => Ok(()),
            },
        };
        if let Err((old, e)) = applied {
            // Nothing changes: the run, the histogram and the quit line stay as they were.
            (s.optimizer, s.lr) = old;
            s.message = Some(e.to_string());
            return;
        }
        self.align_histograms();
        self.request_fill();
    }

    /// Makes the histograms on screen match the optimizer and learning rate in use.
    pub(super) fn align_histograms(&mut self) {
        let s = &mut self.session;
        let (opt, lr) = (s.optimizer, s.lr);
        if s.net_shown().is_some()
            && let Some(net) = s.net.as_mut()
            && (net.hist.optimizer != opt || net.hist.lr != lr)
        {
            net.hist = NetHistogram::new(opt, lr);
        }
        for i in s.shown_lines() {
            if let Some(line) = &mut s.lines[i]
                && (line.hist.optimizer != opt || line.hist.lr != lr)
            {
                line.hist = Histogram::new(opt, lr);
            }
        }
    }

    /// w, W, t, g: new net settings. The net is rebuilt, its run and histogram restart from the
    /// same seed and init. A setting the net refuses changes nothing.
    pub(super) fn set_net_spec(&mut self, spec: NetSpec) {
        let s = &mut self.session;
        if spec == s.net_spec {
            s.message = Some(format!("width stays within {MIN_NET_WIDTH}..{MAX_NET_WIDTH}"));
            return;
        }
        // Short enough for the inspector at 80×24 (two lines of 28 columns).
        let what = format!("M {} · {} · {}", spec.width, spec.act.name(), spec.train.name());
        let old = s.net_spec;
        s.net_spec = spec;
        self.rebuild_net(&what, |s| s.net_spec = old);
    }

    /// The net rebuilt under a changed setting (`what` names it): restarted from the same seed
    /// and init, or, when the net refuses the setting, `undo` puts it back beside the old net
    /// and the message says why. Off the net, the setting waits for m.
    fn rebuild_net(&mut self, what: &str, undo: impl FnOnce(&mut Session)) {
        let old_net = self.session.net.take();
        if self.session.current != ModelKind::Net {
            self.session.message = Some(format!("net: {what} (m shows the net)"));
            return;
        }
        if let Err(e) = self.ensure_net() {
            undo(&mut self.session);
            self.session.net = old_net;
            self.session.message = Some(e.to_string());
            return;
        }
        let s = &mut self.session;
        s.running = false;
        s.message = Some(format!("{what}: restarted (seed {}, init {})", s.seed, s.init));
        self.request_fill();
    }

    /// The net's width doubled or halved, within `MIN_NET_WIDTH..=MAX_NET_WIDTH`.
    pub(super) fn scale_width(&mut self, up: bool) {
        let spec = self.session.net_spec;
        let width = if up { (spec.width * 2).min(MAX_NET_WIDTH) } else { (spec.width / 2).max(MIN_NET_WIDTH) };
        self.set_net_spec(NetSpec { width, ..spec });
    }

    /// t: all layers trained, or the last only.
    pub(super) fn toggle_train(&mut self) {
        let spec = self.session.net_spec;
        let train = if spec.train == TrainMode::All { TrainMode::Last } else { TrainMode::All };
        self.set_net_spec(NetSpec { train, ..spec });
    }

    /// E: the net's noise parameters off (σn = 0: k = 3M + 1, f must fit y itself) or back on
    /// (the default, σn = --noise). The net restarts from the same init.
    pub(super) fn toggle_noise_params(&mut self) {
        let s = &mut self.session;
        let old = s.common.noise_prior;
        s.common.noise_prior = if s.common.noise_prior() == 0.0 { None } else { Some(0.0) };
        let what = match s.common.noise_prior() {
            0.0 => "noise parameters off (σn = 0: k = 3M + 1)".to_string(),
            v => format!("noise parameters on (σn = {})", crate::format::sig4(v)),
        };
        self.rebuild_net(&what, |s| s.common.noise_prior = old);
    }

    /// g: ReLU or erf.
    pub(super) fn toggle_act(&mut self) {
        let spec = self.session.net_spec;
        let act = if spec.act == Act::Relu { Act::Erf } else { Act::Relu };
        self.set_net_spec(NetSpec { act, ..spec });
    }

    /// , and .: x* one step left or right, within the range the net's data pane shows. The
    /// histogram of f(x*) starts again from run 0; the run goes on.
    pub(super) fn move_at(&mut self, dir: f64) {
        let s = &mut self.session;
        let [lo, hi] = shown_range(&s.data);
        let at = crate::format::on_grid((s.at + dir * AT_STEP * 0.5 * (hi - lo)).clamp(lo, hi));
        if at == s.at {
            s.message = Some(format!("x* stays within the shown range [{lo}, {hi}]"));
            return;
        }
        s.at = at;
        let x = crate::format::sig4(at);
        s.message = Some(match s.net.as_mut() {
            Some(net) => {
                net.set_at(at);
                format!("x* = {x}: the histogram of f(x*) restarts from run 0 (seed {})", s.seed)
            }
            None => format!("x* = {x}"),
        });
        self.request_fill();
    }

    /// r: the current run back to θ0.
    pub(super) fn replay(&mut self) {
        let s = &mut self.session;
        if s.current == ModelKind::Net {
            if let Some(net) = s.net.as_mut() {
                net.replay();
            }
        } else if let Some(line) = s.lines[line_index(s.linear)].as_mut() {
            line.run.replay();
            line.restart_figures();
        }
    }

    /// i: the current run from the next init.
    pub(super) fn new_init(&mut self) {
        let s = &mut self.session;
        let (opt, lr, seed) = (s.optimizer, s.lr, s.seed);
        let next = s.init_index().wrapping_add(1);
        let started = if s.current == ModelKind::Net {
            s.net.as_mut().map(|net| net.new_init(next, lr))
        } else {
            s.lines[line_index(s.linear)].as_mut().map(|line| {
                line.run = Run::new(Arc::clone(&line.model), opt, lr, seed, next)?;
                line.restart_figures();
                Ok(())
            })
        };
        match started {
            Some(Ok(())) => {
                self.session.init = next;
                self.update_drift();
            }
            Some(Err(e)) if self.session.current == ModelKind::Net => self.session.message = Some(e.to_string()),
            _ => {}
        }
    }

    /// A new session on `common`'s settings and data, shown in `view` (running or not); what
    /// belongs to the reader and the terminal (the tour, ASCII, colour, speeds, screen size, the
    /// export folder) carries over. Whole or not at all: on failure nothing changes.
    pub(super) fn reopen(&mut self, common: &Common, view: View, run: bool) -> crate::Result<()> {
        let mut fresh = Session::new(common, &self.explorer)?;
        let s = &mut self.session;
        (fresh.ascii, fresh.color, fresh.rates, fresh.screen_size) = (s.ascii, s.color, s.rates, s.screen_size);
        fresh.out = s.out.clone();
        fresh.tour = s.tour.take();
        let mut old = std::mem::replace(&mut self.session, fresh);
        if let Err(e) = self.build_session(view, run) {
            old.tour = self.session.tour.take();
            self.session = old;
            // The old session's runs are as they were; its histograms are asked for again.
            self.request_fill();
            return Err(e);
        }
        Ok(())
    }

    /// The runs a fresh session shows, in `view`, running or not.
    fn build_session(&mut self, view: View, run: bool) -> crate::Result<()> {
        self.ensure_line(self.session.linear)?;
        if self.session.current == ModelKind::Net {
            if let Some(why) = crate::net::train::refusal(self.session.optimizer) {
                return Err(crate::error::invalid!("{why}"));
            }
            self.ensure_net()?;
        }
        self.session.view = view;
        self.update_views();
        self.align_histograms();
        self.request_fill();
        self.session.running = run;
        Ok(())
    }

    /// D: the data cycles demo → small → the --data file (when one was given) → demo, with the
    /// model, optimizer, learning rate, net and init kept. The small preset (10 points) is where
    /// the very model's gap from the posterior shows.
    pub(super) fn cycle_data(&mut self) {
        let s = &self.session;
        let mut c = s.common.clone();
        (c.model, c.optimizer, c.lr, c.lr_scale) = (s.current, Some(s.optimizer), s.lr.lr, s.lr.scale);
        (c.seed, c.init) = (s.seed, s.init);
        (c.width, c.act, c.train) = (Some(s.net_spec.width), Some(s.net_spec.act), Some(s.net_spec.train));
        c.at.clear(); // x* belongs to the data: the new data's default
        let (preset, data, what) = match (&c.data, c.preset) {
            (None, Some(Preset::Small)) => match &self.data_file {
                Some(f) => (None, Some(f.clone()), format!("data: {}", f.display())),
                None => (Some(Preset::Demo), None, "data: the demo (100 points on a grid)".to_string()),
            },
            (Some(_), _) => (Some(Preset::Demo), None, "data: the demo (100 points on a grid)".to_string()),
            (None, _) => (Some(Preset::Small), None, "data: the small preset (10 points, x ~ N(0,1))".to_string()),
        };
        (c.preset, c.data) = (preset, data);
        let view = self.session.view;
        match self.reopen(&c, view, false) {
            Ok(()) => self.session.message = Some(what),
            Err(e) => self.session.message = Some(format!("{what}: {e}")),
        }
    }

    /// d: new data from the next seed (not for a --data file). The current run is built on it
    /// before the old ones go, so a failure changes nothing.
    pub(super) fn new_data(&mut self) {
        let s = &mut self.session;
        if let Some(path) = &s.common.data {
            s.message = Some(format!("the data comes from {}: no new data to draw", path.display()));
            return;
        }
        let spec = DataSpec { seed: s.seed.wrapping_add(1), ..s.common.data_spec() };
        let data = match spec.generate() {
            Ok(d) => d,
            Err(e) => {
                s.message = Some(e.to_string());
                return;
            }
        };
        let test = Arc::new(crate::risk::TestSet::grid(&data, s.common.slope));
        let old = (s.seed, std::mem::replace(&mut s.data, data), std::mem::take(&mut s.lines), s.net.take());
        let old_test = std::mem::replace(&mut s.test, test);
        s.seed = spec.seed;
        let net = s.current == ModelKind::Net;
        let built = self.ensure_line(self.session.linear).and_then(|()| if net { self.ensure_net() } else { Ok(()) });
        if let Err(e) = built {
            let s = &mut self.session;
            (s.seed, s.data, s.lines, s.net) = old;
            s.test = old_test;
            s.message = Some(e.to_string());
            return;
        }
        self.session.running = false;
        self.update_drift();
        if self.session.view == View::Compare {
            self.ensure_compared();
            self.align_histograms();
        }
        self.request_fill();
    }
}
