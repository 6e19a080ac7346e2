//! The real terminal: setup and restore on every exit path (quit, Ctrl-C, panic, SIGTERM,
//! SIGINT, SIGHUP), Ctrl-Z, the input reader, frame pacing on slow links, and the event loop
//! that feeds keys to the controller and draws the session.

pub mod ansi16;
pub mod input;
pub mod pacing;

use std::io::{self, Stdout, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::KeyEventKind;
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::app::{App, Outcome};
use super::jobs::worker;
use super::keys::Key;
use super::session::Rates;
use super::ui::render;
use crate::args::{Common, ExplorerArgs};
use input::Input;
use pacing::Pacer;

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
    leave_screen();
}

/// Ends any half-written synchronized frame, leaves the alternate screen, shows the cursor.
fn leave_screen() {
    let mut out = io::stdout();
    let _ = out.write_all(pacing::SYNC_END);
    let _ = execute!(out, LeaveAlternateScreen, cursor::Show);
}

/// The terminal's side of the loop: its input, and how many of our requests it still owes.
struct Link {
    input: input::Reader,
    pacer: Pacer,
}

impl Link {
    /// Gives the terminal back: leaves the screen, then (still in raw mode) waits for the answers
    /// owed, with a last request so that the restored screen is on view when we return, and so
    /// that no late answer reaches the shell as typed text.
    fn give_back(&mut self) {
        leave_screen();
        let mut out = io::stdout();
        if self.pacer.waiting() && out.write_all(pacing::REQUEST).and_then(|()| out.flush()).is_ok() {
            self.pacer.asked(Instant::now());
        }
        let deadline = Instant::now() + self.pacer.settle_time(Instant::now());
        while self.pacer.waiting() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match self.input.poll(left) {
                Ok(Some(Input::Answer)) => self.pacer.answered(Instant::now()),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        let _ = terminal::disable_raw_mode();
    }
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

/// How long SIGTERM, SIGINT or SIGQUIT leaves the event loop to give the terminal back itself (reading
/// the answers it is owed) before the signal thread restores the terminal and exits anyway.
const QUIT_GRACE: Duration = Duration::from_secs(2);

/// SIGHUP (a dropped SSH link: no terminal left to wait for): restore what can be and exit at
/// once, from a thread of its own. SIGTERM, SIGINT (`kill -INT`: raw mode makes Ctrl-C a key)
/// and SIGQUIT (Ctrl-\ in a shell) wake the event loop through the input reader, which gives
/// the terminal back as `q` does, prints the command line, and exits with 128 + the signal;
/// this thread exits anyway after `QUIT_GRACE`, should the loop be stuck. SIGCONT sets
/// `resumed`.
fn install_signals(resumed: Arc<AtomicBool>) -> io::Result<()> {
    use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    signal_hook::flag::register(SIGCONT, resumed)?;
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        if let Some(sig) = signals.forever().next() {
            if sig != SIGHUP {
                std::thread::sleep(QUIT_GRACE);
            }
            let _guard = TERMINAL.lock();
            leave();
            std::process::exit(128 + sig);
        }
    })?;
    Ok(())
}

/// Ctrl-Z: raw mode delivers it as a key, so restore the terminal, stop ourselves with SIGTSTP,
/// and re-enter (with a full redraw) once `fg` continues us.
fn suspend(term: &mut Term, link: &mut Link) -> io::Result<()> {
    link.give_back();
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    enter()?;
    link.pacer = Pacer::new(Instant::now());
    term.clear()
}

/// The explorer draws on a terminal and reads keys from one: from a pipe, CI or `nohup`, say so
/// (bad input, exit 2) and name the headless commands that give the same numbers.
fn require_terminal() -> crate::Result<()> {
    use std::io::IsTerminal;
    const HEADLESS: &str =
        "for the same numbers headless, run `overparam train` (one run) or `overparam ensemble` (many inits)";
    if !(io::stdin().is_terminal() && io::stdout().is_terminal()) {
        return Err(crate::error::invalid!("the explorer needs a terminal (stdin and stdout); {HEADLESS}"));
    }
    // A terminal that cannot move the cursor (TERM unset, empty or dumb, as under Emacs's shell
    // or some CI consoles) would get a screen of escape codes.
    let term = std::env::var("TERM").unwrap_or_default();
    if term.is_empty() || term == "dumb" {
        let shown = if term.is_empty() { "unset".to_string() } else { format!("`{term}`") };
        return Err(crate::error::invalid!(
            "the explorer needs a terminal that can draw (TERM is {shown}); {HEADLESS}"
        ));
    }
    // Terminals of these families draw whether or not this host has their terminfo (an SSH
    // login from kitty or WezTerm often has none): crossterm needs no terminfo.
    const FAMILIES: [&str; 14] = [
        "xterm",
        "screen",
        "tmux",
        "rxvt",
        "alacritty",
        "kitty",
        "wezterm",
        "foot",
        "vt1",
        "vt2",
        "linux",
        "konsole",
        "gnome",
        "st-",
    ];
    let family = FAMILIES.iter().any(|f| term.starts_with(f) || term.contains(&format!("-{f}")));
    if !family && terminfo_knows(&term, |k| std::env::var_os(k)) == Some(false) {
        return Err(crate::error::invalid!(
            "the explorer does not know the terminal `{term}` (TERM names no terminal this system describes); {HEADLESS}"
        ));
    }
    Ok(())
}

/// Whether this system's terminfo describes `term`: Some(true) when an entry is found, Some(false)
/// when there is a terminfo database and none of it names `term`, None when there is no database
/// to ask (a minimal container), so nothing is refused on its silence.
fn terminfo_knows(term: &str, var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<bool> {
    use std::path::PathBuf;
    let first = term.chars().next()?;
    let mut dirs: Vec<PathBuf> = Vec::new();
    dirs.extend(var("TERMINFO").map(PathBuf::from));
    dirs.extend(var("HOME").map(|h| PathBuf::from(h).join(".terminfo")));
    if let Some(list) = var("TERMINFO_DIRS") {
        dirs.extend(std::env::split_paths(&list).filter(|p| !p.as_os_str().is_empty()));
    }
    dirs.extend(["/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo", "/usr/lib/terminfo"].map(PathBuf::from));
    let databases: Vec<&PathBuf> = dirs.iter().filter(|d| d.is_dir()).collect();
    if databases.is_empty() {
        return None;
    }
    // ncurses files an entry under its first letter, or (macOS) under its hex code.
    let subdirs = [first.to_string(), format!("{:x}", u32::from(first))];
    Some(databases.iter().any(|d| subdirs.iter().any(|s| d.join(s).join(term).is_file())))
}

/// Opens the explorer; returns once the user quits, with the terminal restored, and prints the
/// command line that reproduces the session.
pub fn run(common: &Common, explorer: &ExplorerArgs) -> anyhow::Result<()> {
    let app = App::new(common, explorer)?;
    run_app(app, explorer)
}

/// Opens the explorer on a tour (`--file`, else the built-in one), checked whole before the
/// terminal is touched; returns as `run` does.
pub fn run_tour(explorer: &ExplorerArgs, file: Option<&Path>) -> anyhow::Result<()> {
    let tour = super::session::tour_file::load(file)?;
    let app = App::with_tour(tour, explorer)?;
    run_app(app, explorer)
}

fn run_app(mut app: App, explorer: &ExplorerArgs) -> anyhow::Result<()> {
    require_terminal()?;
    app.set_rates(Rates { steps_per_s: 0.0, frames_per_s: 0.0 });
    let resumed = Arc::new(AtomicBool::new(false));
    install_signals(Arc::clone(&resumed))?;
    install_panic_hook();
    let mut link = Link { input: input::Reader::new()?, pacer: Pacer::new(Instant::now()) };
    enter()?;
    let result = Terminal::new(CrosstermBackend::new(ansi16::Ansi16::new(io::stdout())))
        .map_err(anyhow::Error::from)
        .and_then(|mut term| event_loop(&mut term, &mut app, &mut link, explorer.fps, &resumed));
    {
        let _guard = TERMINAL.lock();
        link.give_back();
    }
    // Quit or a signal, the settings are printed: without the line they would be lost.
    if result.is_ok() {
        let _ = writeln!(io::stdout(), "{}", app.session.command_line());
    }
    if let Ok(Some(signal)) = result {
        std::process::exit(128 + signal);
    }
    result?;
    Ok(())
}

type Term = Terminal<CrosstermBackend<ansi16::Ansi16<Stdout>>>;

/// One synchronized frame, then the request whose answer says it is on screen.
fn draw(term: &mut Term, app: &mut App, pacer: &mut Pacer) -> io::Result<()> {
    let _guard = TERMINAL.lock();
    // An export's screen.txt is the screen as last shown.
    let size = term.size()?;
    app.set_screen_size(size.width, size.height);
    let now = Instant::now();
    // The very first frame is preceded by a request too: see `pacing::begin_frame`.
    let probe = pacer.unasked();
    pacer.forced(now);
    pacing::begin_frame(term.backend_mut(), probe)?;
    term.draw(|f| render(&app.session, f))?;
    pacing::end_frame(term.backend_mut())?;
    if probe {
        pacer.asked(now);
    }
    pacer.asked(now);
    Ok(())
}

/// What one input asks of the loop.
enum Step {
    /// `q` (None), or SIGTERM/SIGINT (Some(signal)).
    Quit(Option<i32>),
    Redraw,
    Nothing,
}

/// A key goes to the controller (which may quit or suspend), a resize redraws, a terminal's
/// answer paces the frames, a signal quits.
fn take_input(input: Input, term: &mut Term, app: &mut App, link: &mut Link, resumed: &AtomicBool) -> io::Result<Step> {
    Ok(match input {
        Input::Key(k) if k.kind != KeyEventKind::Release => {
            let Some(key) = Key::from_event(&k) else { return Ok(Step::Nothing) };
            match app.press(key) {
                Outcome::Quit => return Ok(Step::Quit(None)),
                Outcome::Suspend => {
                    let _guard = TERMINAL.lock();
                    suspend(term, link)?;
                    resumed.store(false, Ordering::Relaxed);
                }
                Outcome::Continue => {}
            }
            Step::Redraw
        }
        Input::Resize => {
            term.autoresize()?;
            Step::Redraw
        }
        Input::Answer => {
            link.pacer.answered(Instant::now());
            Step::Nothing
        }
        Input::Terminate(signal) => Step::Quit(Some(signal)),
        Input::Key(_) => Step::Nothing,
    })
}

/// Runs until `q` (None) or SIGTERM/SIGINT (Some(signal)).
fn event_loop(
    term: &mut Term,
    app: &mut App,
    link: &mut Link,
    fps: u32,
    resumed: &AtomicBool,
) -> anyhow::Result<Option<i32>> {
    let frame_time = Duration::from_secs_f64(1.0 / f64::from(fps.max(1)));
    // The first frame before any histogram work: the worker starts only after it is on screen.
    draw(term, app, &mut link.pacer)?;
    app.attach_worker(worker::Worker::spawn()?);

    let mut next_frame = Instant::now() + frame_time;
    let mut dirty = false;
    let (mut meter_start, mut meter_frames, mut meter_steps) = (Instant::now(), 0u32, app.session.steps());
    loop {
        if resumed.swap(false, Ordering::Relaxed) {
            // Continued after a stop we did not arrange (e.g. kill -STOP): take the terminal back.
            enter()?;
            term.clear()?;
            link.pacer = Pacer::new(Instant::now());
            dirty = true;
        }
        let animating = app.animating();
        let timeout = if animating || dirty { next_frame.saturating_duration_since(Instant::now()) } else { IDLE_WAIT };
        if let Some(input) = link.input.poll(timeout)? {
            match take_input(input, term, app, link, resumed)? {
                Step::Quit(signal) => return Ok(signal),
                Step::Redraw => dirty = true,
                Step::Nothing => {}
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
        // Skip the frame (never the steps) while the last one is still on its way.
        if dirty && link.pacer.may_draw(now) {
            meter_frames += 1;
            let secs = meter_start.elapsed().as_secs_f64();
            if secs >= 1.0 {
                let steps = app.session.steps();
                app.set_rates(Rates {
                    steps_per_s: steps.saturating_sub(meter_steps) as f64 / secs,
                    frames_per_s: f64::from(meter_frames) / secs,
                });
                (meter_start, meter_frames, meter_steps) = (Instant::now(), 0, steps);
            }
            draw(term, app, &mut link.pacer)?;
            dirty = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::terminfo_knows;

    #[test]
    fn terminfo_is_asked_and_its_silence_refuses_nothing() {
        let tmp = std::env::temp_dir().join(format!("overparam-terminfo-{}", std::process::id()));
        std::fs::create_dir_all(tmp.join("x")).unwrap_or_default();
        std::fs::write(tmp.join("x").join("xterm-test"), b"").unwrap_or_default();
        let only = |dir: std::path::PathBuf| move |k: &str| (k == "TERMINFO").then(|| dir.clone().into_os_string());
        // Only TERMINFO is set here, but the system's own folders are asked too.
        assert_eq!(terminfo_knows("xterm-test", only(tmp.clone())), Some(true));
        let system = ["/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo", "/usr/lib/terminfo"];
        if system.iter().any(|d| std::path::Path::new(d).is_dir()) {
            assert_eq!(terminfo_knows("no-such-terminal-7", only(tmp.clone())), Some(false));
        }
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
