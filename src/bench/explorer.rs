//! The explorer's rows, measured on a real session: frames, ticks, keys, bytes per frame,
//! idle bytes and frame rate in tmux, the compare view and the net.

use std::time::{Duration, Instant};

use super::Row;
use super::measure::*;
use super::screen::*;

/// Peak RSS of a whole explorer session: 10⁶ GD steps of the very model drawn frame by frame
/// at 120×40, and 10⁵ endpoint slopes in its histogram. Must run first in a fresh process, as
/// the high-water mark covers everything before it.
pub fn session_peak_rss() -> anyhow::Result<Option<u64>> {
    let mut app = explorer_app(&["--model", "very", "--steps", "2000000", "--tol", "1e-300"])?;
    let (mut term, _) = counting_terminal(120, 40)?;
    while app.session.line().run.steps < 1_000_000 {
        app.run_steps(4096);
        term.draw(|f| crate::tui::render(&app.session, f))?;
    }
    app.set_histogram_target(100_000);
    app.fill_now();
    term.draw(|f| crate::tui::render(&app.session, f))?;
    anyhow::ensure!(
        app.session.line().hist.slopes.len() == 100_000,
        "histogram holds {}",
        app.session.line().hist.slopes.len()
    );
    Ok(peak_rss())
}

/// Bytes written by an idle, paused explorer over `secs` seconds after `keys`, measured on the
/// real binary in tmux (pipe-pane records everything it writes). None when tmux is not installed.
pub fn idle_bytes_in_tmux(secs: f64, flags: &[&str], keys: &[&str]) -> Option<u64> {
    use std::process::Command;
    let exe = std::env::current_exe().ok()?;
    let sock = format!("overparam-bench-{}", std::process::id());
    let tmux = |args: &[&str]| Command::new("tmux").arg("-L").arg(&sock).args(args).output().ok();
    tmux(&["-V"]).filter(|o| o.status.success())?;
    let log = std::env::temp_dir().join(format!("{sock}.bytes"));
    let cmd = format!("{} --seed 42 {}", exe.display(), flags.join(" "));
    tmux(&["-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "120", "-y", "40", &cmd])?;
    std::thread::sleep(Duration::from_millis(300));
    for k in keys {
        tmux(&["send-keys", "-t", "b", k])?;
    }
    // Let it draw and fill its histogram, then record only the idle time.
    std::thread::sleep(Duration::from_millis(4000));
    tmux(&["pipe-pane", "-t", "b", "-o", &format!("cat > {}", log.display())])?;
    std::thread::sleep(Duration::from_secs_f64(secs));
    tmux(&["pipe-pane", "-t", "b"])?;
    let bytes = std::fs::metadata(&log).map(|m| m.len()).ok();
    tmux(&["send-keys", "-t", "b", "q"]);
    std::thread::sleep(Duration::from_millis(200));
    tmux(&["kill-server"]);
    let _ = std::fs::remove_file(&log);
    bytes
}

/// The frame rate the inspector shows after 3 s of running in tmux at 80×24, which answers each
/// frame's request at once: pacing costs no frames at full speed. None without tmux.
pub fn running_fps_in_tmux() -> Option<f64> {
    use std::process::Command;
    let exe = std::env::current_exe().ok()?;
    let sock = format!("overparam-bench-fps-{}", std::process::id());
    let tmux = |args: &[&str]| Command::new("tmux").arg("-L").arg(&sock).args(args).output().ok();
    tmux(&["-V"]).filter(|o| o.status.success())?;
    let cmd = format!("{} --seed 42", exe.display());
    tmux(&["-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "80", "-y", "24", &cmd])?;
    std::thread::sleep(Duration::from_millis(1000));
    tmux(&["send-keys", "-t", "b", "Space"]);
    std::thread::sleep(Duration::from_millis(3000));
    let screen = tmux(&["capture-pane", "-p", "-t", "b"]).map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    tmux(&["send-keys", "-t", "b", "q"]);
    std::thread::sleep(Duration::from_millis(200));
    tmux(&["kill-server"]);
    let screen = screen?;
    let line = screen.lines().find(|l| l.contains(" fps"))?;
    line.split(" fps").next()?.rsplit(['·', ' ']).find(|s| !s.is_empty())?.parse().ok()
}

/// Explorer figures: frame time, bytes per frame, idle bytes, first frame, session memory.
/// `session_rss` is measured first, by the caller, in a fresh process.
pub fn explorer_rows(quick: bool, session_rss: Option<u64>) -> anyhow::Result<Vec<Row>> {
    let budget = Duration::from_millis(if quick { 20 } else { 400 });
    let mut rows = frame_rows(budget)?;
    rows.extend(tmux_rows(quick));
    rows.extend(compare_rows(budget)?);
    rows.extend(super::explorer_net::explorer_net_rows(quick, budget)?);
    rows.extend(super::explorer_risk::explorer_risk_rows(quick)?);
    if let Some(rss) = session_rss {
        rows.push(Row {
            what: "peak RSS: session of 10⁶ steps + 10⁵ runs (very)".into(),
            measured: format!("{:.1} MB", rss as f64 / 1e6),
            target: "≤ 30 MB".into(),
            ok: Some(rss as f64 <= 30e6),
        });
    }
    Ok(rows)
}

/// The first frame, a full frame with a long history, and the bytes a running frame sends.
fn frame_rows(budget: Duration) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    // First frame: from nothing to a drawn explorer (the histogram fills afterwards).
    let t = Instant::now();
    let app = explorer_app(&[])?;
    let (mut term, _) = counting_terminal(120, 40)?;
    term.draw(|f| crate::tui::render(&app.session, f))?;
    let first = t.elapsed().as_secs_f64();
    rows.push(Row {
        what: "explorer: first frame after launch (120×40)".into(),
        measured: format!("{:.2} ms", first * 1e3),
        target: "≤ 50 ms".into(),
        ok: Some(first <= 0.05),
    });
    // A full frame with a 10⁶-step loss history and a full histogram.
    let mut app = explorer_app(&["--steps", "2000000", "--tol", "1e-300"])?;
    app.run_steps(1_000_000);
    app.fill_now();
    let mut test_term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40))?;
    let frame = frame_time(&mut test_term, &app, budget);
    rows.push(Row {
        what: "explorer: full frame, 120×40, 10⁶-step history".into(),
        measured: format!("{:.3} ms", frame * 1e3),
        target: "≤ 1 ms".into(),
        ok: Some(frame <= 1e-3),
    });
    // Bytes per frame while a run animates (GD on the slightly model, default speed).
    let mut app = explorer_app(&[])?;
    app.fill_now();
    let (mut term, written) = counting_terminal(120, 40)?;
    term.draw(|f| crate::tui::render(&app.session, f))?;
    let frames = 120u64;
    let before = written.bytes.get();
    for _ in 0..frames {
        app.run_steps(app.session.steps_per_frame);
        // As the explorer sends it: synchronized, and followed by its request.
        crate::tui::term::pacing::begin_frame(term.backend_mut(), false)?;
        term.draw(|f| crate::tui::render(&app.session, f))?;
        crate::tui::term::pacing::end_frame(term.backend_mut())?;
    }
    let per_frame = (written.bytes.get() - before) as f64 / frames as f64;
    rows.push(Row {
        what: "explorer: bytes per frame while running (120×40)".into(),
        measured: format!("{per_frame:.0} B"),
        target: "≤ 6 KB".into(),
        ok: Some(per_frame <= 6144.0),
    });
    Ok(rows)
}

/// What the real binary does in tmux: its frame rate running, and the bytes it writes idle.
/// Skipped under --quick, or without tmux, saying which.
fn tmux_rows(quick: bool) -> Vec<Row> {
    let skipped = if quick { "n/a (skipped by --quick)" } else { "n/a (needs tmux)" };
    let mut rows = Vec::new();
    let fps = if quick { None } else { running_fps_in_tmux() };
    rows.push(Row {
        what: "explorer: frame rate running in tmux (paced by its answers)".into(),
        measured: fps.map_or(skipped.into(), |f| format!("{f:.0} fps")),
        target: "30 (the --fps cap)".into(),
        ok: fps.map(|f| f >= 29.0),
    });
    // The net's row at width 64 so its histogram (200 trained nets) has filled within the
    // settle time: how much a frame costs has nothing to do with whether one is drawn.
    for (what, flags, keys) in [
        ("", &[][..], &[][..]),
        (", compare view", &[][..], &["C"][..]),
        (", net (--width 64, its histogram full)", &["--width", "64"][..], &["m", "m"][..]),
    ] {
        let idle = if quick { None } else { idle_bytes_in_tmux(2.0, flags, keys) };
        rows.push(Row {
            what: format!("explorer: bytes written over 2 s paused and idle{what}"),
            measured: idle.map_or(skipped.into(), |b| format!("{b} B")),
            target: "0".into(),
            ok: idle.map(|b| b == 0),
        });
    }
    rows
}

/// The compare view: a full frame with every model's histogram full, and bytes per frame while
/// a run animates and the one worker fills all three histograms in turn.
fn compare_rows(budget: Duration) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    let mut app = explorer_app(&[])?;
    app.press(crate::tui::keys::Key::Char('C'));
    app.fill_now();
    let mut test_term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40))?;
    let frame = frame_time(&mut test_term, &app, budget);
    rows.push(Row {
        what: "explorer: compare view frame, 120×40, 3×2000 runs".into(),
        measured: format!("{:.3} ms", frame * 1e3),
        target: "≤ 1 ms".into(),
        ok: Some(frame <= 1e-3),
    });
    // Every histogram at its cap (the frame cost grows with the runs binned, not with k: 10
    // sources keep the 6·10⁵ closed-form endpoints quick to compute).
    let mut app = explorer_app(&["--optimizer", "exact", "--sources", "10"])?;
    app.press(crate::tui::keys::Key::Char('C'));
    // Round the model cycle once, filling only the compared lines (not the net, whose nets
    // are trained for real).
    for _ in crate::model::ModelKind::ALL {
        if crate::tui::session::COMPARED.contains(&app.session.current) {
            app.set_histogram_target(crate::tui::session::MAX_RUNS);
        }
        app.press(crate::tui::keys::Key::Char('m'));
    }
    app.fill_now();
    let filled: usize =
        crate::tui::session::COMPARED.iter().filter_map(|&k| app.session.line_of(k)).map(|s| s.hist.slopes.len()).sum();
    anyhow::ensure!(filled as u64 == 3 * crate::tui::session::MAX_RUNS, "the compare view holds {filled} runs");
    let frame = frame_time(&mut test_term, &app, budget);
    rows.push(Row {
        what: "explorer: compare view frame, 120×40, 3×200,000 runs (MAX_RUNS)".into(),
        measured: format!("{:.3} ms", frame * 1e3),
        target: "≤ 1 ms".into(),
        ok: Some(frame <= 1e-3),
    });
    let mut app = explorer_app(&[])?;
    app.attach_worker(crate::tui::jobs::worker::Worker::spawn()?);
    app.press(crate::tui::keys::Key::Char('C'));
    app.press(crate::tui::keys::Key::Char(' '));
    let (mut term, written) = counting_terminal(120, 40)?;
    term.draw(|f| crate::tui::render(&app.session, f))?;
    let before = written.bytes.get();
    let mut frames = 0u64;
    // At 30 frames/s until every histogram is full (at most 20 s).
    while frames < 600 && (frames < 30 || app.animating()) {
        std::thread::sleep(Duration::from_millis(33));
        app.tick();
        term.draw(|f| crate::tui::render(&app.session, f))?;
        frames += 1;
    }
    let per_frame = (written.bytes.get() - before) as f64 / frames as f64;
    rows.push(Row {
        what: "explorer: bytes per frame, compare view filling + running".into(),
        measured: format!("{per_frame:.0} B"),
        target: "≤ 6 KB".into(),
        ok: Some(per_frame <= 6144.0),
    });
    Ok(rows)
}
