//! The terminal explorer: terminal setup and restore, signals, and the event loop. State and
//! keys live in `app`, drawing in `ui`, the histogram filler in `worker`.

pub mod ansi16;
pub mod app;
pub mod compare_view;
pub mod drift_view;
pub mod export;
pub mod history;
pub mod keys;
pub mod net;
pub mod panes;
pub mod ridge_view;
pub mod theme;
pub mod ui;
pub mod worker;

use std::io::{self, Stdout, Write};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyEventKind};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub use app::App;
pub use ui::render;

use crate::args::{Common, ExplorerArgs};
use app::{Outcome, Rates};
use keys::Key;

/// Held while drawing, so a signal thread restoring the terminal never cuts a frame in half.
static TERMINAL: Mutex<()> = Mutex::new(());

/// How long an idle loop sleeps between looks at the signal flags (no drawing happens).
const IDLE_WAIT: Duration = Duration::from_millis(500);

fn enter() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, cursor::Hide)
}

/// Leaves raw mode and the alternate screen; safe to call twice or from a panic hook.
fn leave() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
}

/// Restores the terminal before the default panic message, so the message is readable. Only a
/// panic on the main thread ends the app; the histogram worker catches its own and reports it
/// in the pane, so its message is not written over the screen.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Off the main thread (the worker and its rayon pool) the worker catches the panic.
        if std::thread::current().name() != Some("main") {
            return;
        }
        leave();
        previous(info);
    }));
}

/// SIGTERM and SIGHUP (a dropped SSH link): restore the terminal and exit at once, from a
/// thread of their own, so the app need not poll for them. SIGCONT sets `resumed`.
fn install_signals(resumed: Arc<AtomicBool>) -> io::Result<()> {
    use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGTERM};
    signal_hook::flag::register(SIGCONT, resumed)?;
    // SIGINT too: raw mode turns Ctrl-C into a key, but `kill -INT` still sends the signal.
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        if let Some(sig) = signals.forever().next() {
            let _guard = TERMINAL.lock();
            leave();
            std::process::exit(128 + sig);
        }
    })?;
    Ok(())
}

/// Ctrl-Z: raw mode delivers it as a key, so restore the terminal, stop ourselves with SIGTSTP,
/// and re-enter (with a full redraw) once `fg` continues us.
fn suspend(term: &mut Terminal<CrosstermBackend<ansi16::Ansi16<Stdout>>>) -> io::Result<()> {
    leave();
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    enter()?;
    term.clear()
}

/// Opens the explorer; returns once the user quits, with the terminal restored, and prints the
/// command line that reproduces the session.
pub fn run(common: &Common, explorer: &ExplorerArgs) -> anyhow::Result<()> {
    let mut app = App::new(common, explorer)?;
    app.rates = Some(Rates { steps_per_s: 0.0, frames_per_s: 0.0 });
    let resumed = Arc::new(AtomicBool::new(false));
    install_signals(Arc::clone(&resumed))?;
    install_panic_hook();
    enter()?;
    let result = Terminal::new(CrosstermBackend::new(ansi16::Ansi16::new(io::stdout())))
        .map_err(anyhow::Error::from)
        .and_then(|mut term| event_loop(&mut term, &mut app, explorer.fps, &resumed));
    {
        let _guard = TERMINAL.lock();
        leave();
    }
    result?;
    let mut out = io::stdout();
    writeln!(out, "{}", app.command_line())?;
    Ok(())
}

fn event_loop(
    term: &mut Terminal<CrosstermBackend<ansi16::Ansi16<Stdout>>>,
    app: &mut App,
    fps: u32,
    resumed: &AtomicBool,
) -> anyhow::Result<()> {
    let frame_time = Duration::from_secs_f64(1.0 / f64::from(fps.max(1)));
    let draw = |term: &mut Terminal<CrosstermBackend<ansi16::Ansi16<Stdout>>>, app: &App| -> io::Result<()> {
        let _guard = TERMINAL.lock();
        term.draw(|f| render(app, f)).map(|_| ())
    };
    // The first frame before any histogram work: the worker starts only after it is on screen.
    draw(term, app)?;
    app.attach_worker(worker::Worker::spawn()?);

    let mut next_frame = Instant::now() + frame_time;
    let mut dirty = false;
    let (mut meter_start, mut meter_frames, mut meter_steps) = (Instant::now(), 0u32, app.steps());
    loop {
        if resumed.swap(false, Ordering::Relaxed) {
            // Continued after a stop we did not arrange (e.g. kill -STOP): take the terminal back.
            enter()?;
            term.clear()?;
            dirty = true;
        }
        let animating = app.animating();
        let timeout = if animating || dirty { next_frame.saturating_duration_since(Instant::now()) } else { IDLE_WAIT };
        if event::poll(timeout)? {
            match event::read()? {
                Event::Key(k) if k.kind != KeyEventKind::Release => {
                    if let Some(key) = Key::from_event(&k) {
                        match app.press(key) {
                            Outcome::Quit => return Ok(()),
                            Outcome::Suspend => {
                                let _guard = TERMINAL.lock();
                                suspend(term)?;
                                resumed.store(false, Ordering::Relaxed);
                            }
                            Outcome::Continue => {}
                        }
                        dirty = true;
                    }
                }
                Event::Resize(..) => {
                    term.autoresize()?;
                    dirty = true;
                }
                _ => {}
            }
            continue; // drain input before drawing
        }
        if !(animating || dirty) {
            continue;
        }
        let now = Instant::now();
        if now < next_frame {
            continue;
        }
        next_frame = (next_frame + frame_time).max(now);
        if app.tick() {
            dirty = true;
        }
        if dirty {
            meter_frames += 1;
            let secs = meter_start.elapsed().as_secs_f64();
            if secs >= 1.0 {
                let steps = app.steps();
                app.rates = Some(Rates {
                    steps_per_s: steps.saturating_sub(meter_steps) as f64 / secs,
                    frames_per_s: f64::from(meter_frames) / secs,
                });
                (meter_start, meter_frames, meter_steps) = (Instant::now(), 0, steps);
            }
            draw(term, app)?;
            dirty = false;
        }
    }
}
