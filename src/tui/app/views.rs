//! Each view's computed data kept current: the lines' drift sweep (milliseconds, inline), the
//! net's drift sweep and ridge plane (seconds, off the frame), and the compared models built.

use std::sync::Arc;

use super::App;
use crate::model::ModelKind;
use crate::net::NetSpec;
use crate::tui::session::drift::DriftView;
use crate::tui::session::net_drift::NetDrift;
use crate::tui::session::net_ridge::NetRidge;
use crate::tui::session::risk::{RiskView, risk_key};
use crate::tui::session::{COMPARED, View};

impl App {
    /// Shows `view`, or the slopes again when it is already shown, with its data brought up to date.
    pub(super) fn toggle_view(&mut self, view: View) {
        let s = &mut self.session;
        s.view = if s.view == view { View::Slopes } else { view };
        self.update_views();
        // The compare view shows every model's histogram under the session's optimizer.
        self.align_histograms();
        self.request_fill();
    }

    /// The data of the view shown, brought up to date.
    pub(super) fn update_views(&mut self) {
        match self.session.view {
            View::Ridge => {
                self.update_net_ridge();
            }
            View::Drift => {
                self.update_drift();
                self.update_net_drift();
            }
            View::Compare => self.ensure_compared(),
            View::Risk => {
                self.update_risk();
            }
            View::Slopes => {}
        }
    }

    /// The lines' drift sweep belongs to one dataset and init: dropped when they change, and
    /// computed (a few closed-form endpoints, milliseconds) when the view is showing.
    pub(super) fn update_drift(&mut self) {
        let s = &mut self.session;
        let init = s.line().run.init_index;
        if s.drift.as_ref().is_some_and(|d| d.seed != s.seed || d.init != init) {
            s.drift = None;
        }
        if s.view == View::Drift && s.drift.is_none() && s.net().is_none() {
            s.drift = Some(DriftView::new(&s.data, s.common.noise, s.seed, init));
        }
    }

    /// The net's drift sweep belongs to one dataset, seed, init, activation and training mode
    /// (not the width: it sweeps widths): a new one starts when they change while it shows.
    pub(super) fn update_net_drift(&mut self) {
        let s = &mut self.session;
        if s.view != View::Drift {
            return;
        }
        let (seed, max_steps, tol) = (s.seed, s.common.max_steps(), s.common.tol);
        let Some(net) = s.net() else { return };
        let key = (seed, net.run.init_index, NetSpec { width: 0, ..net.spec });
        if s.net_drift.as_ref().is_none_or(|d| d.key != key) {
            let drift = NetDrift::new(net, seed, net.run.init_index, max_steps, tol, self.background);
            s.net_drift = Some(drift);
        }
    }

    /// The risk curve belongs to the data, seed, φ and σ: a new one starts when they change
    /// while it shows, and an arrived one is taken. Its trained nets belong to the session's
    /// optimizer settings too: they start again (from the worker) when those change.
    pub(super) fn update_risk(&mut self) -> bool {
        let s = &mut self.session;
        if s.view != View::Risk {
            return false;
        }
        let act = s.net_spec.act;
        let sigma = s.common.noise;
        let sources = s.common.source_count().unwrap_or(crate::args::DEFAULT_SOURCES);
        let key = risk_key(s.seed, act, (sigma, sources));
        let cfg = s.cfg();
        let mut refill = true;
        match &mut s.risk {
            Some(r) if r.is_for(&s.test, key) => {
                refill = r.cfg != cfg;
                if refill {
                    r.retrain(cfg);
                }
            }
            // The session's own test set: the grid against the true line, or a data file's
            // held-out points.
            _ => {
                let test = Arc::clone(&s.test);
                s.risk = Some(RiskView::new(&s.data, test, cfg, (act, sigma, sources), self.background));
            }
        }
        if refill {
            self.request_fill();
        }
        self.session.risk.as_mut().is_some_and(|r| r.poll()) || refill
    }

    /// The net's ridge plane: taken when it arrives, started when the view shows none or the
    /// run stands at another θ (off the frame with a worker, inline without).
    pub(super) fn update_net_ridge(&mut self) -> bool {
        let s = &mut self.session;
        if s.view != View::Ridge {
            return false;
        }
        let Some(net) = s.net.as_ref().filter(|_| s.current == ModelKind::Net) else { return false };
        NetRidge::update(&mut s.net_ridge, net, s.running, self.background, s.seed)
    }

    /// Builds every compared model's run, noting any that cannot be built on this data. The net
    /// joins once it has been shown: building it trains for real (its histogram costs seconds,
    /// not milliseconds), so C alone does not start that.
    pub(super) fn ensure_compared(&mut self) {
        for &kind in COMPARED {
            if let Err(e) = self.ensure_line(kind) {
                self.session.message = Some(format!("{}: {e}", kind.name()));
            }
        }
    }
}
