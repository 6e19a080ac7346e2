//! Key s: the session as it stands, written to a new folder whole or not at all (see
//! `crate::export::files`). The status line names the folder or says why nothing was written.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::ensemble::EndpointSource;
use crate::export::files::{self, Sink, WriteError};
use crate::export::net_views::{self, NetRidgeShown};
use crate::export::views::{self, CELLS, Compare, Gap, Panel, RunShown, Sweep};
use crate::export::{net_plot, plot, risk_plot};
use crate::format::thousands;
use crate::net::Prediction;
use crate::optim::stop_words;
use crate::predict;
use crate::report::{self, Provenance};
use crate::tui::session::net::NetState;
use crate::tui::session::{COMPARED, Current, Session, View};
use crate::tui::ui;

/// Exports to --out (or a new timestamped folder here), with -2, -3, … when that folder exists
/// (each `s` gets its own), and returns the status line.
pub fn export(session: &Session) -> String {
    let base = match &session.out {
        Some(d) => d.clone(),
        None => default_dir(),
    };
    match export_to(session, &base, &files::Disk) {
        Ok((dir, note)) => format!("exported to {}{note}", dir.display()),
        Err(e) => format!("export failed: {e}"),
    }
}

/// A folder name from the time (`export_to` numbers it when two exports fall in one second).
fn default_dir() -> PathBuf {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    PathBuf::from(files::timestamped_name(secs))
}

/// Writes the session's files through `sink` into a new folder, `base` or the first free
/// `base-2`, `base-3`, …; returns the folder and a note for the status line (what was left out
/// and why).
pub fn export_to(session: &Session, base: &Path, sink: &dyn Sink) -> Result<(PathBuf, String), WriteError> {
    let (files, note) = session_files(session);
    let dir = files::write_numbered_dir(base, &files, sink)?;
    Ok((dir, note))
}

/// The files of a session: name and contents, all computed before anything is written.
pub fn session_files(session: &Session) -> (Vec<(String, Vec<u8>)>, String) {
    let line = session.line();
    // On the net, its own run and nets; else the current line's.
    let net = session.net();
    let mut files = vec![("data.csv".to_string(), session.data.to_csv().into_bytes())];
    let mut loss = String::from("step,loss\n");
    let history = match session.current() {
        Current::Net(n) => &n.history,
        Current::Line(l) => &l.history,
    };
    for (step, l) in history.points() {
        let _ = writeln!(loss, "{step},{l:?}");
    }
    files.push(("loss.csv".into(), loss.into_bytes()));
    files.push(("endpoints.csv".into(), endpoints_csv(session).into_bytes()));
    let mut note = String::new();
    let hist = &line.hist;
    if net.is_some() {
        note = " (no summary.json on the net: `overparam ensemble --model net` with the quit line's options gives it)"
            .into();
    } else if hist.slopes.is_empty() {
        note = " (no summary.json: the histogram is empty, e adds runs)".into();
    } else {
        let cfg = session.cfg();
        let endpoints = EndpointSource::of(cfg.optimizer);
        let provenance = Provenance { endpoints, command: Some(session.reproduce_histogram(hist.slopes.len())) };
        match report::ensemble_json(&line.model, &cfg, &hist.slopes, hist.unconverged, hist.elapsed_s, provenance) {
            Ok(j) => files.push(("summary.json".into(), j.into_bytes())),
            Err(e) => note = format!(" (no summary.json: {e})"),
        }
    }
    match view_figures(session) {
        Ok(figures) => files.extend(figures.into_iter().map(|(n, svg)| (n.to_string(), svg.into_bytes()))),
        Err(e) => note += &format!(" (no figures: {e})"),
    }
    files.push(("screen.txt".into(), screen_text(session).into_bytes()));
    files.push(("command.txt".into(), format!("{}\n", session.command_line()).into_bytes()));
    (files, note)
}

/// One row per finished run of every model with a histogram: run r started from init r.
fn endpoints_csv(session: &Session) -> String {
    let x = predict::test_point(&session.data);
    let mut s = String::from("model,init,optimizer,slope,x_star,f_x_star\n");
    let kinds = std::iter::once(session.current).chain(COMPARED.iter().copied().filter(|&k| k != session.current));
    for kind in kinds {
        let Some(line) = session.line_of(kind) else { continue };
        let opt = line.hist.optimizer.name();
        for (i, &v) in line.hist.slopes.iter().enumerate() {
            let f = predict::endpoint_at(kind, v, x);
            // A model without a slope leaves the column empty.
            let c = predict::slope_of(kind, v).map_or(String::new(), |c| format!("{c:?}"));
            let _ = writeln!(s, "{},{i},{opt},{c},{x:?},{f:?}", kind.name());
        }
    }
    // The net's nets (no slope), read where the screen shows them: at the compare view's
    // shared x* there, else at the net's own x*.
    if let Some(net) = &session.net {
        let opt = net.hist.optimizer.name();
        let (at, values) = if session.view == View::Compare {
            (net.cmp_theory.x, &net.hist.compare_values)
        } else {
            (net.at, &net.hist.values)
        };
        for (i, &f) in values.iter().enumerate() {
            let _ = writeln!(s, "net,{i},{opt},,{at:?},{f:?}");
        }
    }
    s
}

/// The figures of the view on screen, drawn as `overparam plot` draws them, from what the
/// session holds now: for a line, data.svg, endpoints.svg (once the histogram has runs) and
/// loss.svg under the slopes, ridge.svg, drift.svg (once its sweep is in) and compare.svg
/// under their views; compare.svg with the net once it has been shown; the net's own below.
fn view_figures(session: &Session) -> anyhow::Result<Vec<(&'static str, String)>> {
    if session.view == View::Compare {
        return Ok(vec![("compare.svg", compare_figure(session)?)]);
    }
    let line = match session.current() {
        Current::Line(line) => line,
        Current::Net(net) => return net_view_figures(session, net),
    };
    let run = &line.run;
    let model = &line.model;
    let shown = RunShown {
        model,
        optimizer: run.optimizer.name(),
        init: run.init_index,
        steps: run.steps,
        theta0: &run.theta0,
        theta: &run.theta,
    };
    let mut out = Vec::new();
    match session.view {
        View::Slopes => {
            let truth = session.common.data.is_none().then_some(session.common.slope);
            let c = &session.common;
            let stop =
                stop_words(&run.status, run.optimizer, run.steps, c.max_steps(), c.tol).filter(|_| !run.converged());
            out.push(("data.svg", plot::data_svg(&session.data, model, truth, run, stop.as_deref())?));
            let hist = &line.hist;
            if !hist.slopes.is_empty() {
                let svg = plot::endpoints_svg(model, hist.optimizer, truth, &hist.slopes, hist.unconverged as usize)?;
                out.push(("endpoints.svg", svg));
            }
            let losses: Vec<(f64, f64)> = line.history.points().iter().map(|&(s, l)| (s as f64, l)).collect();
            out.push(("loss.svg", plot::loss_svg(model, run, &losses, stop.as_deref())?));
        }
        View::Ridge => {
            let slice = line.ridge.slice.as_ref();
            let mut path = line.ridge.path.clone();
            path.push(slice.map_or((run.theta[0], 0.0), |s| s.coords(&run.theta)));
            out.push(("ridge.svg", views::ridge_svg(&shown, slice, &path)?));
        }
        View::Drift => {
            if let Some(d) = &session.drift {
                out.push(("drift.svg", views::drift_svg(&shown, &Sweep { rows: &d.rows, exponent: d.exponent })?));
            }
        }
        View::Compare => {}
        View::Risk => out.extend(risk_figure(session)?),
    }
    Ok(out)
}

/// risk.svg of the risk view once its curve is whole: the closed-form curves and the nets
/// trained so far (none while the widths still come in).
fn risk_figure(session: &Session) -> anyhow::Result<Option<(&'static str, String)>> {
    let whole = session.risk.as_ref().filter(|r| r.done() && r.error.is_none());
    let Some((risk, curve)) = whole.and_then(|r| Some((r, r.curve.clone()?))) else { return Ok(None) };
    let finite = |t: &crate::risk::trained::TrainedSummary| t.mean.is_finite() && t.se.is_finite();
    let n = risk_plot::RiskNumbers {
        curve,
        act: risk.act,
        sigma: risk.sigma,
        trained: risk.trained.iter().filter_map(|p| Some((p.width, p.summary().filter(finite)?))).collect(),
        test: risk.test.clone(),
        optimizer: risk_plot::optimizer_name(risk.cfg.optimizer),
        draws: crate::tui::session::risk::RISK_DRAWS,
    };
    Ok(Some(("risk.svg", risk_plot::risk_svg(&n)?)))
}

/// The net's figures of the view on screen: under the slopes gap.svg (its two theories' bands,
/// the data pane's, apart in posterior sds), under `v` ridge.svg once the plane has arrived,
/// under `p` drift.svg with the widths trained so far.
fn net_view_figures(session: &Session, net: &NetState) -> anyhow::Result<Vec<(&'static str, String)>> {
    let run = &net.run;
    let what = format!(
        "wide network ({}) · {} from init {}, {} steps",
        net_plot::net_line(&net.net),
        run.optimizer.name(),
        run.init_index,
        thousands(run.steps)
    );
    let mut out = Vec::new();
    match session.view {
        View::Slopes => {
            let pick = |f: fn(&Prediction) -> f64| net.bands.iter().map(f).collect::<Vec<f64>>();
            let (gp, pm, ps) = (pick(|p| p.ntk_gp.mean), pick(|p| p.posterior.mean), pick(|p| p.posterior.std));
            let at = net.at_theory;
            let gap = (at.ntk_gp.mean - at.posterior.mean) / at.posterior.std;
            let g = Gap {
                grid: &net.grid,
                ntk_gp: &gp,
                post_mean: &pm,
                post_sd: &ps,
                data: crate::net::data_range(&session.data),
                at: Some((net.at, gap)),
                net: net_plot::net_line(&net.net),
            };
            out.push(("gap.svg", views::gap_svg(&g)?));
        }
        View::Ridge => {
            if let Some(Ok(f)) = session.net_ridge.as_ref().and_then(|r| r.shown.as_ref()) {
                let (alphas, betas) = (net_views::cell_centres(CELLS.0), net_views::cell_centres(CELLS.1));
                let grid: Vec<f64> = betas.iter().flat_map(|&b| alphas.iter().map(move |&a| f.at(a, b))).collect();
                let shown = NetRidgeShown {
                    plane: &f.plane,
                    grid: &grid,
                    curve: &f.curve,
                    exponent: f.exponent,
                    kinks: f.kinks,
                    straight: f.straight,
                    what,
                };
                out.push(("ridge.svg", net_views::net_ridge_svg(&shown)?));
            }
        }
        View::Drift => {
            if let Some(d) = session.net_drift.as_ref().filter(|d| !d.rows.is_empty()) {
                let svg = net_views::net_drift_svg(&what, &run.theta0, &run.theta, &d.rows, d.exponents())?;
                out.push(("drift.svg", svg));
            }
        }
        View::Compare => {}
        View::Risk => out.extend(risk_figure(session)?),
    }
    Ok(out)
}

/// compare.svg of the compare view as shown: each model's histogram at the shared x*, the net's
/// too once it has been shown.
fn compare_figure(session: &Session) -> anyhow::Result<String> {
    let x = predict::test_point(&session.data);
    let mut panels: Vec<Panel> = COMPARED
        .iter()
        .filter_map(|&k| session.line_of(k))
        .map(|l| Panel {
            name: l.model.kind.name().to_string(),
            values: Ok(l.hist.slopes.iter().map(|&c| predict::endpoint_at(l.model.kind, c, x)).collect()),
            theory: Some(predict::theory_at(&l.model, l.hist.optimizer.metric(), x)),
            unconverged: l.hist.unconverged,
            unit: "runs",
        })
        .collect();
    if let Some(net) = session.net_shown() {
        panels.push(Panel {
            name: "net".to_string(),
            values: Ok(net.hist.compare_values.clone()),
            theory: Some(predict::net_theory_at(&net.cmp_theory)),
            unconverged: net.hist.unconverged,
            unit: "nets",
        });
    }
    let truth = session.common.data.is_none().then_some(session.common.slope * x);
    views::compare_svg(&Compare { x, truth, optimizer: session.optimizer.name().to_string(), panels })
}

/// The screen as last drawn, as plain text: the session rendered at that size, one line a row.
pub fn screen_text(session: &Session) -> String {
    let (w, h) = session.screen_size;
    let mut term = match Terminal::new(TestBackend::new(w.max(1), h.max(1))) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    if term.draw(|f| ui::render(session, f)).is_err() {
        return String::new();
    }
    let buf = term.backend().buffer();
    let mut s = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            if let Some(cell) = buf.cell((x, y)) {
                line.push_str(cell.symbol());
            }
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}
