//! Key s: the session as it stands, written to a new folder whole or not at all (see
//! `crate::export::files`). The status line names the folder or says why nothing was written.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::app::App;
use super::compare_view::COMPARED;
use crate::export::files::{self, Sink, WriteError};
use crate::predict;

/// Exports to --out (or a new timestamped folder here) and returns the status line.
pub fn export(app: &App) -> String {
    let dir = match &app.out {
        Some(d) => d.clone(),
        None => default_dir(),
    };
    match export_to(app, &dir, &files::Disk) {
        Ok(note) => format!("exported to {}{note}", dir.display()),
        Err(e) => format!("export failed: {e}"),
    }
}

/// A folder name from the time, with -2, -3, … if one of that name exists (two exports in a second).
fn default_dir() -> PathBuf {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let base = files::timestamped_name(secs);
    (1..100)
        .map(|i| PathBuf::from(if i == 1 { base.clone() } else { format!("{base}-{i}") }))
        .find(|p| !p.exists())
        .unwrap_or_else(|| PathBuf::from(base))
}

/// Writes the session's files into the new folder `dir` through `sink`; returns a note for the
/// status line (what was left out and why).
pub fn export_to(app: &App, dir: &Path, sink: &dyn Sink) -> Result<String, WriteError> {
    let (files, note) = session_files(app);
    files::write_new_dir_with(dir, &files, sink)?;
    Ok(note)
}

/// The files of a session: name and contents, all computed before anything is written.
pub fn session_files(app: &App) -> (Vec<(String, Vec<u8>)>, String) {
    let slot = app.slot();
    let mut files = vec![("data.csv".to_string(), app.data.to_csv().into_bytes())];
    let mut loss = String::from("step,loss\n");
    for (step, l) in slot.history.points() {
        let _ = writeln!(loss, "{step},{l:?}");
    }
    files.push(("loss.csv".into(), loss.into_bytes()));
    files.push(("endpoints.csv".into(), endpoints_csv(app).into_bytes()));
    let mut note = String::new();
    let hist = &slot.hist;
    if hist.slopes.is_empty() {
        note = " (no summary.json: the histogram is empty, e adds runs)".into();
    } else {
        match crate::cli::ensemble_json(&slot.model, &app.cfg(), &hist.slopes, hist.unconverged, hist.elapsed_s) {
            Ok(j) => files.push(("summary.json".into(), j.into_bytes())),
            Err(e) => note = format!(" (no summary.json: {e})"),
        }
    }
    files.push(("screen.txt".into(), screen_text(app).into_bytes()));
    files.push(("command.txt".into(), format!("{}\n", app.command_line()).into_bytes()));
    (files, note)
}

/// One row per finished run of every model with a histogram: run r started from init r.
fn endpoints_csv(app: &App) -> String {
    let x = predict::test_point(&app.data);
    let mut s = String::from("model,init,optimizer,slope,x_star,f_x_star\n");
    let kinds = std::iter::once(app.current).chain(COMPARED.iter().copied().filter(|&k| k != app.current));
    for kind in kinds {
        let Some(slot) = app.slot_of(kind) else { continue };
        let opt = slot.hist.optimizer.name();
        for (i, &v) in slot.hist.slopes.iter().enumerate() {
            let f = predict::endpoint_at(kind, v, x);
            // A model without a slope leaves the column empty.
            let c = predict::slope_of(kind, v).map_or(String::new(), |c| format!("{c:?}"));
            let _ = writeln!(s, "{},{i},{opt},{c},{x:?},{f:?}", kind.name());
        }
    }
    s
}

/// The screen as last drawn, as plain text: the app rendered at that size, one line a row.
pub fn screen_text(app: &App) -> String {
    let (w, h) = app.screen_size.get();
    let mut term = match Terminal::new(TestBackend::new(w.max(1), h.max(1))) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    if term.draw(|f| super::render(app, f)).is_err() {
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
