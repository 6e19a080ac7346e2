//! The risk view in the explorer, as a user meets it: R on a running session, ReLU and erf. The
//! closed-form curve arrives a width at a time from its own thread while the worker trains the
//! view's nets on every core and a line keeps running on screen, frame after frame at the frame
//! rate.

use std::time::{Duration, Instant};

use super::Row;
use super::measure::thread_cpu_s;
use super::screen::{counting_terminal, explorer_app};
use crate::tui::keys::Key;

/// What the risk view cost: when its curve was whole, when its nets were all in, and the
/// longest tick meanwhile (CPU of the UI thread, and wall clock).
struct RiskFill {
    curve_s: f64,
    nets_s: f64,
    nets: usize,
    frames: u64,
    worst_cpu: f64,
    worst_tick: f64,
}

pub fn explorer_risk_rows(quick: bool) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    for act in ["relu", "erf"] {
        let mut app = explorer_app(&["--model", "slightly", "--act", act])?;
        app.attach_worker(crate::tui::jobs::worker::Worker::spawn()?);
        let f = risk_fill(&mut app, quick)?;
        let half = app.session.frame_budget.as_secs_f64();
        let threads = rayon::current_num_threads();
        let relu = act == "relu";
        rows.extend([
            Row {
                what: format!(
                    "explorer: risk view ({act}), R to its whole closed-form curve (worker training its nets)"
                ),
                measured: format!("{:.2} s", f.curve_s),
                target: if relu { "≤ 1 s".into() } else { String::new() },
                ok: relu.then_some(f.curve_s <= 1.0),
            },
            Row {
                what: format!(
                    "explorer: risk view ({act}), {} trained nets in ({threads} threads) while a line runs",
                    f.nets
                ),
                measured: format!("{:.1} s", f.nets_s),
                target: String::new(),
                ok: None,
            },
            Row {
                what: format!(
                    "explorer: risk view ({act}), most work in one tick meanwhile (its CPU), {} frames",
                    f.frames
                ),
                measured: format!("{:.1} ms", f.worst_cpu * 1e3),
                target: format!("≤ {:.1} ms (half a frame) + 5%", half * 1e3),
                ok: Some(f.worst_cpu <= half * 1.05),
            },
            Row {
                what: format!("explorer: risk view ({act}), longest tick by the wall clock meanwhile"),
                measured: format!("{:.1} ms", f.worst_tick * 1e3),
                target: format!("≤ {:.1} ms (a frame: a key waits no longer)", 2.0 * half * 1e3),
                ok: Some(f.worst_tick <= 2.0 * half),
            },
        ]);
    }
    Ok(rows)
}

/// Presses R on a running session and runs frames until the view's nets are all in (with
/// `quick`, only the first width's first batch).
fn risk_fill(app: &mut crate::tui::App, quick: bool) -> anyhow::Result<RiskFill> {
    let (mut term, _) = counting_terminal(120, 40)?;
    let frame = 2 * app.session.frame_budget;
    app.press(Key::Char(' '));
    app.press(Key::Char('R'));
    let start = Instant::now();
    let (mut curve_s, mut frames, mut worst_cpu, mut worst_tick) = (None, 0u64, 0.0f64, 0.0f64);
    loop {
        let t = Instant::now();
        let Some(risk) = app.session.risk.as_ref() else { anyhow::bail!("R did not open the risk view") };
        if let Some(e) = risk.error.as_ref().or(risk.trained.iter().find_map(|p| p.error.as_ref())) {
            anyhow::bail!("the risk view failed: {e}");
        }
        if curve_s.is_none() && risk.done() {
            curve_s = Some(start.elapsed().as_secs_f64());
        }
        let have: usize = risk.trained.iter().map(|p| p.errors.len()).sum();
        if curve_s.is_some() && (!risk.filling() || (quick && have > 0)) {
            break;
        }
        if !app.session.running {
            app.press(Key::Char('i'));
            app.press(Key::Char(' '));
        }
        let cpu = thread_cpu_s();
        app.tick();
        worst_tick = worst_tick.max(t.elapsed().as_secs_f64());
        worst_cpu = worst_cpu.max(thread_cpu_s() - cpu);
        term.draw(|f| crate::tui::render(&app.session, f))?;
        frames += 1;
        std::thread::sleep(frame.saturating_sub(t.elapsed()));
        if start.elapsed() > Duration::from_secs(600) {
            anyhow::bail!("the risk view's nets did not fill in 10 minutes");
        }
    }
    let nets = app.session.risk.as_ref().map_or(0, |r| r.trained.iter().map(|p| p.errors.len()).sum());
    Ok(RiskFill {
        curve_s: curve_s.unwrap_or(f64::NAN),
        nets_s: start.elapsed().as_secs_f64(),
        nets,
        frames,
        worst_cpu,
        worst_tick,
    })
}
