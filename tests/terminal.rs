#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The explorer in a real terminal: tmux runs the built binary, keys are sent, the pane is
//! captured. Skipped (with a message) only when tmux is not installed.

use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket]).args(args).output().expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn capture(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-S", "-100", "-t", "t"])
    }
    fn pane(&self, format: &str) -> String {
        self.cmd(&["list-panes", "-t", "t", "-F", format]).trim().to_string()
    }
    /// Waits until the pane shows `what` (or a few seconds pass); returns the last capture.
    fn wait_for(&self, what: &str) -> String {
        self.wait_until(|s| s.contains(what))
    }
    /// Waits until a capture satisfies `done` (a frame can be caught half drawn), or 10 s pass.
    fn wait_until(&self, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.capture();
            if done(&s) || start.elapsed() > Duration::from_secs(10) {
                return s;
            }
            sleep(Duration::from_millis(50));
        }
    }
    /// The exit status tmux recorded for a dead pane ("" if it has not reaped it yet).
    fn dead_status(&self) -> String {
        let start = Instant::now();
        loop {
            let st = self.pane("#{pane_dead_status}");
            if !st.is_empty() || start.elapsed() > Duration::from_secs(3) {
                return st;
            }
            sleep(Duration::from_millis(50));
        }
    }
    /// Waits (10 s at most) for the program in the pane to end.
    fn wait_dead(&self) {
        let start = Instant::now();
        while self.pane("#{pane_dead}") != "1" && start.elapsed() < Duration::from_secs(10) {
            sleep(Duration::from_millis(100));
        }
    }
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.cmd(&["kill-server"]);
    }
}

/// Whether tmux is here. Under CI (which installs it) its absence is a failure, not a skip.
fn tmux_present() -> bool {
    let present = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    assert!(present || std::env::var_os("CI").is_none(), "CI must install tmux (.ci/run does)");
    present
}

fn start(name: &str, size: (u16, u16)) -> Tmux {
    let bin = env!("CARGO_BIN_EXE_overparam");
    start_cmd(name, size, &format!("exec env TERM=xterm-256color {bin}"))
}

fn start_cmd(name: &str, size: (u16, u16), command: &str) -> Tmux {
    let t = Tmux { socket: format!("overparam-{name}-{}", std::process::id()) };
    t.cmd(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        &size.0.to_string(),
        "-y",
        &size.1.to_string(),
        command,
        ";",
        "set-option",
        "-t",
        "t",
        "remain-on-exit",
        "on",
    ]);
    t
}

fn step_count(screen: &str) -> Option<u64> {
    let line = screen.lines().find(|l| l.contains("step   "))?;
    let after = line.split("step").nth(1)?;
    let digits: String =
        after.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit() || *c == ',').collect();
    digits.replace(',', "").parse().ok()
}

#[test]
fn explorer_in_a_real_terminal() {
    if !tmux_present() {
        println!("skipped: tmux is not installed");
        return;
    }
    let t = start("main", (80, 24));
    // The slopes pane's title at 80 columns: "gd limit · 2000 inits · …".
    let titles = ["Data", "Loss", "inits", "Inspector"];
    let s = t.wait_until(|s| titles.iter().all(|title| s.contains(title)) && step_count(s).is_some());
    for title in titles {
        assert!(s.contains(title), "no {title} pane:\n{s}");
    }
    assert_eq!(t.pane("#{alternate_on}"), "1");
    assert_eq!(step_count(&s), Some(0), "{s}");

    t.keys(&["n", "n", "n"]);
    let s = t.wait_for("step    3");
    assert_eq!(step_count(&s), Some(3), "{s}");

    t.keys(&["?"]);
    let s = t.wait_until(|s| s.contains("Keys") && s.contains("one step"));
    assert!(s.contains("Keys") && s.contains("one step"), "no help:\n{s}");
    t.keys(&["Escape"]);

    t.keys(&["q"]);
    t.wait_dead();
    assert_eq!(t.pane("#{pane_dead}"), "1", "q did not quit");
    let status = t.dead_status();
    assert!(status == "0" || status.is_empty(), "q exits with status 0, not {status}");
    assert_eq!(t.pane("#{alternate_on}"), "0", "alternate screen left on");
    let s = t.wait_for("overparam --seed 42");
    assert!(s.contains("overparam --seed 42 --model slightly --optimizer gd"), "no command line:\n{s}");
}

#[test]
fn too_small_then_resized_and_ctrl_c_restores() {
    if !tmux_present() {
        println!("skipped: tmux is not installed");
        return;
    }
    let t = start("small", (40, 10));
    let s = t.wait_for("too small");
    assert!(s.contains("terminal too small: need 60×20"), "{s}");
    t.cmd(&["resize-window", "-t", "t", "-x", "100", "-y", "30"]);
    let s = t.wait_for("Inspector");
    assert!(s.contains("Inspector"), "no redraw after resize:\n{s}");
    t.keys(&["C-c"]);
    t.wait_dead();
    assert_eq!(t.pane("#{pane_dead}"), "1", "Ctrl-C quits");
    assert_eq!(t.pane("#{alternate_on}"), "0");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    if !tmux_present() {
        println!("skipped: tmux is not installed");
        return;
    }
    // SIGHUP is what a dropped SSH link sends.
    // (tmux does not always record the exit status of a pane that dies this way, so the test
    // checks what the user sees: the program gone and the terminal back to normal.)
    for sig in ["TERM", "HUP"] {
        let t = start(&format!("sig{sig}"), (80, 24));
        t.wait_for("Inspector");
        assert_eq!(t.pane("#{alternate_on}"), "1");
        let pid = t.pane("#{pane_pid}");
        Command::new("kill").args([&format!("-{sig}"), &pid]).status().unwrap();
        t.wait_dead();
        assert_eq!(t.pane("#{pane_dead}"), "1", "SIG{sig} ends it");
        assert_eq!(t.pane("#{alternate_on}"), "0", "SIG{sig} leaves the alternate screen");
    }
}

#[test]
fn ctrl_z_suspends_and_fg_redraws() {
    if !tmux_present() {
        println!("skipped: tmux is not installed");
        return;
    }
    // A job-control shell, as over SSH.
    let t = start_cmd("susp", (80, 24), "env TERM=xterm-256color PS1='$ ' bash --norc --noprofile -i");
    t.wait_for("$");
    t.keys(&[&format!("{} --seed 7", env!("CARGO_BIN_EXE_overparam")), "Enter"]);
    t.wait_for("Inspector");
    assert_eq!(t.pane("#{alternate_on}"), "1");
    t.keys(&["C-z"]);
    let s = t.wait_for("Stopped");
    assert!(s.contains("Stopped"), "the shell reports the job stopped:\n{s}");
    assert_eq!(t.pane("#{alternate_on}"), "0", "suspended: the terminal is the shell's again");
    t.keys(&["fg", "Enter"]);
    let s = t.wait_until(|s| s.contains("Inspector") && s.contains("seed    7"));
    assert!(s.contains("Inspector") && s.contains("seed    7"), "fg redraws the whole explorer:\n{s}");
    assert_eq!(t.pane("#{alternate_on}"), "1");
    t.keys(&["q"]);
    // The typed command is in the scrollback too: look for the printed one, which goes on.
    let printed = |s: &str| s.lines().any(|l| l.starts_with("overparam --seed 7 --model slightly"));
    let s = t.wait_until(printed);
    assert!(printed(&s), "quit prints the command line:\n{s}");
    assert_eq!(t.pane("#{alternate_on}"), "0");
}

/// The headless command's stdout.
fn headless(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_overparam")).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn compare_view_zoom_and_export_in_a_real_terminal() {
    if !tmux_present() {
        println!("skipped: tmux is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("session");
    let bin = env!("CARGO_BIN_EXE_overparam");
    let cmd = format!("exec env TERM=xterm-256color {bin} --optimizer exact --out {}", dir.display());
    let t = start_cmd("export", (100, 30), &cmd);
    t.wait_for("Inspector");

    // The compare view: every model fills, live, from the one worker.
    t.keys(&["C"]);
    let full = |s: &str| ["traditional", "slightly", "very"].iter().all(|m| s.contains(&format!("{m} · 2000 runs")));
    let s = t.wait_until(full);
    assert!(full(&s) && s.contains("x* = 9.900"), "the compare view did not fill:\n{s}");

    // Focus the loss pane and zoom it: it alone fills the screen, double-bordered; z goes back.
    t.keys(&["f", "z"]);
    let s = t.wait_until(|s| s.starts_with("╔Loss"));
    assert!(s.starts_with("╔Loss") && !s.contains("Inspector") && !s.contains("very ·"), "not zoomed:\n{s}");
    t.keys(&["z"]);
    let s = t.wait_until(|s| s.contains("Inspector") && s.contains("very ·"));
    assert!(s.contains("╔Loss"), "the focus stays marked:\n{s}");

    t.keys(&["s"]);
    let s = t.wait_for("exported to");
    assert!(s.contains("exported to"), "the status line names the folder:\n{s}");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(read("data.csv"), headless(&["data"]));
    let mut got: serde_json::Value = serde_json::from_str(&read("summary.json")).unwrap();
    let mut want: serde_json::Value =
        serde_json::from_str(&headless(&["ensemble", "--runs", "2000", "--optimizer", "exact", "--format", "json"]))
            .unwrap();
    got["elapsed_s"] = 0.into();
    want["elapsed_s"] = 0.into();
    // The export adds the command that reproduces it; the rest is what `ensemble` prints.
    assert!(got.as_object_mut().unwrap().remove("command").is_some());
    assert_eq!(got, want, "summary.json is what `ensemble` prints");
    // endpoints.csv: every model's 2000 runs, each the ensemble's run of the same index.
    let csv = read("endpoints.csv");
    for model in ["traditional", "slightly", "very"] {
        let ens =
            headless(&["ensemble", "--runs", "2000", "--optimizer", "exact", "--model", model, "--format", "csv"]);
        let want: Vec<String> = ens.lines().skip(1).map(str::to_string).collect();
        let got: Vec<String> = csv
            .lines()
            .filter(|l| l.starts_with(&format!("{model},")))
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                format!("{},{}", f[1], f[3])
            })
            .collect();
        assert_eq!(got, want, "{model}'s endpoints");
    }
    let screen = read("screen.txt");
    assert_eq!(screen.lines().count(), 30);
    assert!(screen.contains("very · 2000 runs") && screen.contains("╔Loss"), "{screen}");
    assert!(read("loss.csv").starts_with("step,loss\n"));

    t.keys(&["q"]);
    let printed = |s: &str| s.lines().any(|l| l.starts_with("overparam --seed 42"));
    let s = t.wait_until(printed);
    let line = s.lines().find(|l| l.starts_with("overparam --seed 42")).unwrap_or_default();
    assert_eq!(format!("{line}\n"), read("command.txt"), "command.txt is the quit line");
}

#[test]
fn the_net_in_a_real_terminal() {
    if !tmux_present() {
        println!("skipped: tmux is not installed");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_overparam");
    let t = start_cmd("net", (80, 24), &format!("exec env TERM=xterm-256color {bin} --width 32 --n 20 --at 10"));
    t.wait_until(|s| s.contains("Inspector") && s.contains("slightly"));
    t.keys(&["m", "m"]);
    let s = t.wait_until(|s| s.contains("Net · relu · all") && s.contains("net · M 32"));
    assert!(s.contains("Net · relu · all") && s.contains("net · M 32 · relu · all"), "not on the net:\n{s}");
    t.keys(&["Space"]);
    let s = t.wait_for("converged");
    assert!(s.contains("converged"), "the net did not train to convergence:\n{s}");
    let s = t.wait_until(|s| s.contains("KS NTK"));
    assert!(s.contains("KS NTK"), "the worker did not fill the histogram of f(x*):\n{s}");
    t.keys(&["<"]);
    let s = t.wait_for("restarts from run 0");
    assert!(s.contains("x* 9.525"), "x* did not move:\n{s}");
    t.keys(&["t"]);
    let s = t.wait_for("net · M 32 · relu · last");
    assert!(s.contains("restart"), "the change does not say it restarts:\n{s}");
    t.keys(&["q"]);
    t.wait_dead();
    assert_eq!(t.pane("#{pane_dead}"), "1", "q did not quit");
    assert_eq!(t.pane("#{alternate_on}"), "0", "alternate screen left on");
    // The line wraps at 80 columns: read it joined.
    let s = t.wait_until(|s| s.replace('\n', "").contains("--init 0")).replace('\n', "");
    assert!(
        s.contains("--model net --optimizer gd --width 32 --act relu --train last --at 9.525 --init 0"),
        "the quit line lacks the net's settings:\n{s}"
    );
}

/// `overparam tour` in a real terminal: through every chapter and back, leave and return, quit
/// with the terminal restored and the session's command line printed.
#[test]
fn the_tour_in_a_real_terminal() {
    if !tmux_present() {
        println!("skipped: tmux is not installed");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_overparam");
    let t = start_cmd("tour", (80, 24), &format!("exec env TERM=xterm-256color {bin} tour"));
    let n = 10;
    let s = t.wait_for(&format!("Tour 1/{n}"));
    assert!(s.contains("Ridges, not peaks") && s.contains("Enter next"), "{s}");
    assert_eq!(t.pane("#{alternate_on}"), "1");
    for i in 2..=n {
        t.keys(&["Enter"]);
        let s = t.wait_for(&format!("Tour {i}/{n}"));
        assert!(s.contains(&format!("Tour {i}/{n}")), "chapter {i} did not open:\n{s}");
    }
    for i in (1..n).rev() {
        t.keys(&["BSpace"]);
        let s = t.wait_for(&format!("Tour {i}/{n}"));
        assert!(s.contains(&format!("Tour {i}/{n}")), "back to chapter {i}:\n{s}");
    }
    t.keys(&["m"]);
    let s = t.wait_for("✓ Now k = 101");
    assert!(s.contains("✓ Now k = 101"), "chapter 1's check not met:\n{s}");
    t.keys(&["T"]);
    let s = t.wait_until(|s| !s.contains("┌Tour"));
    assert!(!s.contains("┌Tour") && s.contains("model   slightly"), "leaving keeps the state:\n{s}");
    t.keys(&["T"]);
    let s = t.wait_for("Tour 1/9");
    assert!(s.contains("✓ Now k = 101"), "back where the reader was:\n{s}");
    t.keys(&["q"]);
    t.wait_dead();
    assert_eq!(t.pane("#{pane_dead}"), "1", "q did not quit");
    let status = t.dead_status();
    assert!(status == "0" || status.is_empty(), "q exits with status 0, not {status}");
    assert_eq!(t.pane("#{alternate_on}"), "0", "alternate screen left on");
    let s = t.wait_for("overparam --seed 42 --model slightly");
    assert!(s.contains("overparam --seed 42 --model slightly"), "{s}");
}

/// SIGQUIT (Ctrl-\ in a shell), SIGTERM and SIGINT give the terminal back as q does and print
/// the command line that reopens the session (the settings are otherwise lost).
#[test]
fn sigquit_sigterm_and_sigint_restore_and_print_the_command_line() {
    if !tmux_present() {
        println!("skipped: tmux is not installed");
        return;
    }
    for sig in ["QUIT", "TERM", "INT"] {
        let t = start(&format!("print{sig}"), (80, 24));
        t.wait_for("Inspector");
        t.keys(&["n"]);
        t.wait_for("step    1");
        let pid = t.pane("#{pane_pid}");
        Command::new("kill").args([&format!("-{sig}"), &pid]).status().unwrap();
        t.wait_dead();
        assert_eq!(t.pane("#{pane_dead}"), "1", "SIG{sig} ends it");
        assert_eq!(t.pane("#{alternate_on}"), "0", "SIG{sig} leaves the alternate screen");
        let s = t.wait_for("overparam --seed 42 --model slightly");
        assert!(s.contains("overparam --seed 42 --model slightly --optimizer gd --init 0"), "SIG{sig}:\n{s}");
    }
}

/// A terminal that cannot draw (TERM dumb, unset, or one this system does not describe) is
/// refused in one line, before the screen is touched, naming the headless commands.
#[test]
fn a_dumb_terminal_is_refused_in_one_line() {
    if !tmux_present() {
        println!("skipped: tmux is not installed");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_overparam");
    let cases = [
        ("dumb", "TERM=dumb", "error: the explorer needs a terminal that can draw"),
        ("unset", "-u TERM", "error: the explorer needs a terminal that can draw"),
        ("unknown", "TERM=no-such-terminal-7", "error: the explorer does not know the terminal `no-such-terminal-7`"),
    ];
    for (name, env, says) in cases {
        // The shell prints the exit status: tmux does not always record a pane's own in time.
        let command = format!("sh -c 'env {env} {bin}; echo exit=$?'");
        let t = start_cmd(&format!("term{name}"), (80, 24), &command);
        let s = t.wait_for("exit=");
        // One line, wrapped by the 80-column pane.
        let text: String = s.lines().map(str::trim_end).collect();
        assert!(text.starts_with(says), "{s}");
        assert!(text.contains("run `overparam train` (one run)"), "{s}");
        assert!(text.contains("(many inits)exit=2"), "one line, then exit status 2:\n{s}");
        assert_eq!(t.pane("#{alternate_on}"), "0");
    }
}
