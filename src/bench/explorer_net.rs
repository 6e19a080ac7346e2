//! The net in the explorer: its histogram filling against a real session at 30 frames/s, the
//! work in one tick, and the keys that rebuild it (a new init, a wider net) against a frame.

use std::time::{Duration, Instant};

use super::Row;
use super::measure::*;
use super::screen::{counting_terminal, explorer_app, frame_time};

/// The net in the explorer at its default width and data, as a user sees it: the worker fills
/// the histogram on every core while the net trains on screen, frame after frame at the frame
/// rate (a new init each time a run ends, so stepping never rests). Measures the histogram's
/// fill, the longest tick (steps + figures, within half a frame) and bytes per frame.
pub fn explorer_net_rows(quick: bool, budget: Duration) -> anyhow::Result<Vec<Row>> {
    let mut app = explorer_app(&["--model", "net"])?;
    let nets = if quick { 4 } else { 200 };
    app.set_histogram_target(nets);
    app.attach_worker(crate::tui::jobs::worker::Worker::spawn()?);
    let f = fill_while_training(&mut app, nets)?;
    let width = app.session.net_spec.width;
    let half = app.session.frame_budget.as_secs_f64();
    let mut rows = vec![Row {
        what: format!(
            "explorer: net histogram, {nets} GD nets (M = {width}, N = 100, {} threads) while a net trains on screen",
            rayon::current_num_threads()
        ),
        measured: format!("{:.1} s", f.seconds),
        target: if quick { "—".into() } else { "≤ 30 s on 2 cores".into() },
        ok: (!quick).then_some(f.seconds <= 30.0),
    }];
    rows.push(Row {
        what: format!("explorer: net, most work in one tick (its thread's CPU time), {} frames", f.frames),
        measured: format!("{:.1} ms", f.worst_cpu * 1e3),
        // Stepping stops at half a frame; what follows it (f on the grid, the summary) is small.
        target: format!("≤ {:.1} ms (half a frame) + 5%", half * 1e3),
        ok: Some(f.worst_cpu <= half * 1.05),
    });
    rows.push(Row {
        what: "explorer: net, longest tick by the wall clock (the OS may run the worker meanwhile)".into(),
        measured: format!("{:.1} ms", f.worst_tick * 1e3),
        target: format!("≤ {:.1} ms (a frame: a key waits no longer)", 2.0 * half * 1e3),
        ok: Some(f.worst_tick <= 2.0 * half),
    });
    rows.push(Row {
        what: "explorer: net, longest new init + run (keys i, Space) at that width".into(),
        measured: format!("{:.1} ms", f.worst_key * 1e3),
        target: format!("≤ {:.1} ms (a frame)", 2.0 * half * 1e3),
        ok: Some(f.worst_key <= 2.0 * half),
    });
    rows.push(wide_keys_row(half)?);
    rows.push(Row {
        what: "explorer: net, bytes per frame while running and filling (120×40)".into(),
        measured: format!("{:.0} B", f.bytes_per_frame),
        target: "≤ 6 KB".into(),
        ok: Some(f.bytes_per_frame <= 6144.0),
    });
    let mut test_term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40))?;
    let frame = frame_time(&mut test_term, &app, budget);
    rows.push(Row {
        what: "explorer: net, full frame, 120×40".into(),
        measured: format!("{:.3} ms", frame * 1e3),
        target: "≤ 1 ms".into(),
        ok: Some(frame <= 1e-3),
    });
    Ok(rows)
}

/// What filling the net's histogram cost while a net trained on screen, a new one each time a
/// run ended.
struct Fill {
    seconds: f64,
    frames: u64,
    worst_tick: f64,
    worst_key: f64,
    worst_cpu: f64,
    bytes_per_frame: f64,
}

/// Runs a real session at its frame rate until the net's histogram holds `nets` nets.
fn fill_while_training(app: &mut crate::tui::App, nets: u64) -> anyhow::Result<Fill> {
    use crate::tui::keys::Key;
    let (mut term, written) = counting_terminal(120, 40)?;
    term.draw(|f| crate::tui::render(&app.session, f))?;
    let frame = 2 * app.session.frame_budget;
    let (start, before) = (Instant::now(), written.bytes.get());
    let (mut frames, mut worst_tick, mut worst_key, mut worst_cpu) = (0u64, 0.0f64, 0.0f64, 0.0f64);
    app.press(Key::Char(' '));
    while app.session.net().is_some_and(|n| n.hist.values.len() < nets as usize && n.hist.error.is_none()) {
        let t = Instant::now();
        if !app.session.running {
            app.press(Key::Char('i'));
            app.press(Key::Char(' '));
            worst_key = worst_key.max(t.elapsed().as_secs_f64());
        }
        let (tick, cpu) = (Instant::now(), thread_cpu_s());
        app.tick();
        worst_tick = worst_tick.max(tick.elapsed().as_secs_f64());
        worst_cpu = worst_cpu.max(thread_cpu_s() - cpu);
        term.draw(|f| crate::tui::render(&app.session, f))?;
        frames += 1;
        std::thread::sleep(frame.saturating_sub(t.elapsed()));
        if start.elapsed() > Duration::from_secs(600) {
            anyhow::bail!("the net's histogram did not fill in 10 minutes");
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let bytes_per_frame = (written.bytes.get() - before) as f64 / frames.max(1) as f64;
    Ok(Fill { seconds, frames, worst_tick, worst_key, worst_cpu, bytes_per_frame })
}

/// The widest net the keys reach: a width change rebuilds the net, its theory and its run
/// (O(N²M + N³)), a new init its run (O(N²M)), both on the UI thread.
fn wide_keys_row(half: f64) -> anyhow::Result<Row> {
    use crate::tui::keys::Key;
    let half_widest = (crate::tui::session::MAX_EXPLORER_WIDTH / 2).to_string();
    let mut wide = explorer_app(&["--model", "net", "--width", &half_widest])?;
    let t = Instant::now();
    wide.press(Key::Char('w'));
    let widen = t.elapsed().as_secs_f64();
    let t = Instant::now();
    wide.press(Key::Char('i'));
    let init = t.elapsed().as_secs_f64();
    Ok(Row {
        what: format!("explorer: net, key w to width {} / then key i there", wide.session.net_spec.width),
        measured: format!("{:.1} ms / {:.1} ms", widen * 1e3, init * 1e3),
        target: format!("≤ {:.1} ms (a frame)", 2.0 * half * 1e3),
        ok: Some(widen.max(init) <= 2.0 * half),
    })
}
