//! The histograms on screen (and the risk view's trained nets), fed by the worker: what it is
//! asked for, the batches it sends back (one `apply_batch`, whether the batch came from the
//! worker or from `fill_now` on this thread), and the keys that add or clear runs.

use std::sync::Arc;

use super::App;
use crate::tui::jobs::worker::{Batch, HistogramId, Job, Subject, Task};
use crate::tui::session::line::RUNS_PER_FILL;
use crate::tui::session::net::NETS_PER_FILL;
use crate::tui::session::{Current, MAX_RUNS, View};

impl App {
    /// What each histogram on screen (and the risk view's trained nets, while it shows) still
    /// needs, as the worker's tasks.
    fn tasks(&self) -> Vec<Task> {
        let s = &self.session;
        let mut tasks: Vec<Task> = s
            .shown_lines()
            .into_iter()
            .filter_map(|i| {
                let line = s.lines[i].as_ref()?;
                let runs = line.hist.slopes.len() as u64..line.hist.target;
                let subject = Subject::Linear(Arc::clone(&line.model));
                line.hist.filling().then_some(Task { histogram: HistogramId::Line(i), subject, runs })
            })
            .collect();
        if let Some(net) = s.net_shown().filter(|n| n.hist.filling()) {
            let subject = Subject::Net { net: Arc::clone(&net.net), at: net.readout_points() };
            tasks.push(Task {
                histogram: HistogramId::Net,
                subject,
                runs: net.hist.values.len() as u64..net.hist.target,
            });
        }
        if let Some(risk) = s.risk_shown() {
            for (i, p) in risk.trained.iter().enumerate() {
                let Some(net) = p.net.as_ref().filter(|_| p.filling()) else { continue };
                let subject = Subject::TestError { net: Arc::clone(net), test: Arc::clone(&risk.test_set) };
                tasks.push(Task { histogram: HistogramId::Trained(i), subject, runs: p.errors.len() as u64..p.target });
            }
        }
        tasks
    }

    /// Points the worker at the histograms on screen (a new generation drops stale batches). An
    /// empty job stops whatever the worker was computing for histograms no longer shown.
    pub(super) fn request_fill(&mut self) {
        self.generation += 1;
        self.pending = None;
        let Some(worker) = &self.worker else { return };
        let tasks = self.tasks();
        let busy = !tasks.is_empty();
        worker.submit(Job { generation: self.generation, cfg: self.session.cfg(), tasks });
        if busy {
            self.pending = Some(self.generation);
        }
    }

    /// Takes finished batches; returns whether a histogram changed.
    pub fn poll_worker(&mut self) -> bool {
        let mut batches = Vec::new();
        if let Some(w) = &self.worker {
            while let Some(b) = w.try_recv() {
                batches.push(b);
            }
        }
        let mut changed = false;
        for b in batches {
            if Some(b.generation) == self.pending {
                changed |= self.apply_batch(b, false);
            }
        }
        changed
    }

    /// Adds a batch to its histogram, if it is the next one that histogram waits for (`force`:
    /// summarize whatever the count). Whether the histogram changed.
    fn apply_batch(&mut self, b: Batch, force: bool) -> bool {
        match b.histogram {
            HistogramId::Net => {
                let Some(net) = self.session.net.as_mut() else { return false };
                if b.start != net.hist.values.len() as u64 {
                    return false;
                }
                match b.slopes {
                    Ok(v) => net.hist.add(v, &b.curves, b.unconverged, b.elapsed_s),
                    Err(e) => net.hist.error = Some(e.to_string()),
                }
                let (at, cmp) = (net.at_theory, net.cmp_theory);
                net.hist.summarize(&at, &cmp, force);
            }
            HistogramId::Trained(i) => {
                let Some(p) = self.session.risk.as_mut().and_then(|r| r.trained.get_mut(i)) else { return false };
                if b.start != p.errors.len() as u64 {
                    return false;
                }
                match b.slopes {
                    Ok(v) => {
                        p.errors.extend(v);
                        p.unconverged += b.unconverged;
                    }
                    Err(e) => {
                        self.session.message = Some(format!("risk view, nets at M = {}: {e}", p.width));
                        p.error = Some(e.to_string());
                    }
                }
            }
            HistogramId::Line(i) => {
                let Some(line) = self.session.lines.get_mut(i).and_then(Option::as_mut) else { return false };
                if b.start != line.hist.slopes.len() as u64 {
                    return false;
                }
                match b.slopes {
                    Ok(v) => line.hist.add(v, b.unconverged, b.elapsed_s),
                    Err(e) => line.hist.error = Some(e.to_string()),
                }
                let model = Arc::clone(&line.model);
                line.hist.summarize(&model, force);
            }
        }
        true
    }

    /// Fills the histograms on screen to their targets on this thread (tests and benchmarks).
    pub fn fill_now(&mut self) {
        let cfg = self.session.cfg();
        for task in self.tasks() {
            if let Some(batch) = task.batch(self.generation, &cfg, task.runs.clone(), &|| false) {
                self.apply_batch(batch, true);
            }
        }
    }

    /// Asks the current histogram for `runs` endpoints in all (at most `MAX_RUNS`).
    pub fn set_histogram_target(&mut self, runs: u64) {
        let s = &mut self.session;
        match s.current() {
            Current::Net(_) => {
                if let Some(net) = s.net.as_mut() {
                    net.hist.error = None;
                    net.hist.target = runs.min(MAX_RUNS);
                }
            }
            Current::Line(_) => {
                let i = crate::tui::session::line_index(s.linear);
                if let Some(line) = s.lines[i].as_mut() {
                    line.hist.error = None;
                    line.hist.target = runs.min(MAX_RUNS);
                }
            }
        }
        self.request_fill();
    }

    /// Asks the net's histogram, when shown, for `runs` nets in all (at most `MAX_RUNS`).
    pub fn set_net_target(&mut self, runs: u64) {
        if self.session.net_shown().is_some()
            && let Some(net) = self.session.net.as_mut()
        {
            net.hist.error = None;
            net.hist.target = runs.min(MAX_RUNS);
            self.request_fill();
        }
    }

    /// e: more runs for every histogram on screen, and more trained nets in the risk view.
    pub(super) fn add_runs(&mut self) {
        let s = &mut self.session;
        for i in s.shown_lines() {
            let Some(line) = &mut s.lines[i] else { continue };
            let hist = &mut line.hist;
            hist.error = None;
            hist.target = (hist.target.max(hist.slopes.len() as u64) + RUNS_PER_FILL).min(MAX_RUNS);
        }
        if s.net_shown().is_some()
            && let Some(net) = s.net.as_mut()
        {
            let hist = &mut net.hist;
            hist.error = None;
            hist.target = (hist.target.max(hist.values.len() as u64) + NETS_PER_FILL).min(MAX_RUNS);
        }
        if s.view == View::Risk
            && let Some(risk) = s.risk.as_mut()
        {
            risk.more_runs(MAX_RUNS);
        }
        self.request_fill();
    }

    /// c: every histogram on screen emptied, asking for no runs (the risk view's trained nets too).
    pub(super) fn clear_runs(&mut self) {
        let s = &mut self.session;
        for i in s.shown_lines() {
            if let Some(line) = &mut s.lines[i] {
                line.hist = line.hist.cleared();
            }
        }
        if s.net_shown().is_some()
            && let Some(net) = s.net.as_mut()
        {
            net.hist = net.hist.cleared();
        }
        if s.view == View::Risk
            && let Some(risk) = s.risk.as_mut()
        {
            risk.clear_runs();
        }
        self.request_fill();
    }
}
