#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The command line's edges (issues 20 and 21): closed pipes, flags that clash wherever they are
//! written, flags a command does not use, long and odd values, and the help texts.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;

fn overparam() -> Command {
    Command::cargo_bin("overparam").unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = overparam().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Runs with args, asserts the exit code and a one-line message containing `needle`; returns it.
fn fails(args: &[&str], code: i32, needle: &str) -> String {
    let out = overparam().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{args:?}: stderr {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: the message must be one line:\n{err}");
    assert!(err.starts_with("error:"), "{args:?}: `{err}`");
    assert!(err.contains(needle), "{args:?}: `{err}` lacks `{needle}`");
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.stdout.is_empty(), "nothing on stdout on error");
    err
}

// ---- Pipes ----

/// How the program ended with its stdout a pipe whose reader went away: after reading the first
/// line (`head -1`), or (`first_line` false) before it wrote anything.
fn closed_pipe(args: &[&str], first_line: bool) -> (std::process::ExitStatus, String) {
    let exe = assert_cmd::cargo::cargo_bin("overparam");
    let mut child = Process::new(exe).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    if first_line {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "{args:?} wrote nothing");
    } else {
        drop(stdout);
    }
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (child.wait().unwrap(), err)
}

/// Quiet, as Unix tools are: exit 0 or killed by SIGPIPE (141 in a shell), nothing on stderr.
fn ends_quietly(args: &[&str], first_line: bool) {
    let (status, err) = closed_pipe(args, first_line);
    let by_sigpipe = {
        use std::os::unix::process::ExitStatusExt;
        status.signal() == Some(13)
    };
    assert!(status.success() || by_sigpipe, "{args:?} (first line read: {first_line}): {status}, stderr {err}");
    assert!(err.is_empty(), "{args:?}: nothing on stderr, got `{err}`");
}

/// Every command that writes rows, in text, CSV and JSON: each output here is larger than a pipe
/// holds (64 KiB), so reading one line and closing makes the program's later writes fail.
#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let big: [&[&str]; 12] = [
        &["train", "--model", "very", "--dump-params"],
        &["train", "--model", "very", "--dump-params", "--format", "json"],
        &["ensemble", "--runs", "20000", "--format", "csv"],
        &["ensemble", "--runs", "20000", "--format", "json"],
        &["data", "--n", "20000"],
        &["data", "--n", "20000", "--format", "json"],
        &["train", "--model", "net", "--preset", "small", "--width", "4096", "--dump-params"],
        &["train", "--model", "net", "--preset", "small", "--width", "4096", "--dump-params", "--format", "json"],
        &["ensemble", "--model", "net", "--preset", "small", "--width", "16", "--runs", "3000", "--format", "csv"],
        &["ensemble", "--model", "net", "--preset", "small", "--width", "16", "--runs", "3000", "--format", "json"],
        &["predict", "--model", "net", "--n", "200", "--dump-kernels"],
        &["predict", "--model", "net", "--n", "200", "--dump-kernels", "--format", "json"],
    ];
    for args in big {
        ends_quietly(args, true);
    }
    // Outputs smaller than a pipe: the reader is gone before the first write.
    let small: [&[&str]; 11] = [
        &["train"],
        &["train", "--format", "json"],
        &["ensemble", "--runs", "50"],
        &["compare"],
        &["compare", "--format", "json"],
        &["sweep"],
        &["sweep", "--format", "json"],
        &["sweep", "--model", "net", "--preset", "small", "--widths", "16,32"],
        &["predict", "--model", "net"],
        &["completions", "bash"],
        &["man"],
    ];
    for args in small {
        ends_quietly(args, false);
    }
}

// ---- Flags: presets ----

/// Each flag a preset sets, written before or after the subcommand, on either side of the preset:
/// refused in one line naming both, never run with one silently dropped.
#[test]
fn a_preset_clashes_with_the_flags_it_sets_wherever_they_are_written() {
    for (flag, value, shown) in
        [("--n", "50", "--n <N>"), ("--x", "uniform", "--x <X>"), ("--data", "d.csv", "--data <FILE>")]
    {
        for preset in ["small", "demo"] {
            let orders: [Vec<&str>; 4] = [
                vec!["--preset", preset, "train", flag, value],
                vec![flag, value, "train", "--preset", preset],
                vec!["--preset", preset, flag, value, "train"],
                vec!["train", "--preset", preset, flag, value],
            ];
            for args in orders {
                let err = fails(&args, 2, "cannot be used with");
                assert!(err.contains("--preset <PRESET>") && err.contains(shown), "{args:?}: {err}");
            }
        }
    }
    // The preset alone, on either side, is the preset's data.
    for args in [["--preset", "small", "data"], ["data", "--preset", "small"]] {
        assert_eq!(ok(&args).lines().count(), 11, "{args:?}: N = 10 and a header");
    }
    // --lr and --lr-scale likewise.
    for args in [["--lr", "1e-4", "train", "--lr-scale", "2"], ["--lr-scale", "2", "train", "--lr", "1e-4"]] {
        fails(&args, 2, "'--lr <LR>' cannot be used with '--lr-scale <LR_SCALE>'");
    }
}

// ---- Flags a command does not use ----

#[test]
fn a_flag_the_command_does_not_use_is_a_usage_error_naming_it() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/example.csv");
    let cases: [(&[&str], &str); 13] = [
        (
            &["data", "--optimizer", "cg", "--lr", "5"],
            "`data` does not use --optimizer or --lr (it prints the dataset)",
        ),
        (&["sweep", "--lr", "0.1"], "`sweep` does not use --lr"),
        (&["sweep", "--steps", "10"], "`sweep` does not use --steps"),
        (&["predict", "--model", "net", "--lr-scale", "2"], "`predict` does not use --lr-scale"),
        (&["predict", "--model", "net", "--init", "3"], "`predict` does not use --init"),
        (&["bench", "--data", example], "`bench` does not use --data"),
        (&["bench", "--quick", "--seed", "3"], "`bench` does not use --seed"),
        (&["ensemble", "--init", "3"], "`ensemble` does not use --init"),
        (&["compare", "--model", "very"], "`compare` does not use --model"),
        (&["man", "--n", "5"], "`man` does not use --n"),
        (&["--n", "5", "tour"], "`tour` does not use --n"),
        (&["train", "--data", example, "--n", "5"], "--n has no effect with --data"),
        (&["--ascii", "train"], "--ascii before `train` is the explorer's flag"),
    ];
    for (args, needle) in cases {
        fails(args, 2, needle);
    }
    fails(&["--x", "normal", "data", "--data", example, "--slope", "2"], 2, "--x or --slope has no effect with --data");
    // What each command does use still runs.
    ok(&["data", "--n", "5", "--seed", "3", "--x", "normal", "--noise", "2", "--slope", "3"]);
    ok(&["sweep", "--sources", "1,10", "--init", "2", "--seed", "3"]);
    ok(&["--seed", "3", "ensemble", "--runs", "10", "--optimizer", "gd", "--steps", "100000", "--tol", "1e-8"]);
    ok(&["predict", "--model", "net", "--act", "erf", "--train", "last", "--at", "1,2", "--noise", "0.5"]);
}

// ---- Messages ----

#[test]
fn long_and_odd_values_are_cut_and_named() {
    let long = "7".repeat(130_000);
    let err = fails(&["train", "--n", &long], 2, "not a whole number");
    assert!(err.len() < 200, "a 130,000-character value is cut: {} bytes", err.len());
    // Once, cut at 40 characters: "invalid value '77…7…' for '--n <N>': not a whole number".
    assert_eq!(err.matches('7').count(), 40, "{err}");
    assert!(err.contains(&format!("'{}…'", "7".repeat(40))), "{err}");
    let err = fails(&["train", "--model", &"x".repeat(5000)], 2, "--model");
    assert!(err.len() < 300, "{} bytes", err.len());
    fails(&["train", &format!("--{}", "y".repeat(5000))], 2, "unexpected argument");
    // A newline in a value stays on the one line, escaped.
    fails(&["train", "--n", "5\n6"], 2, "'5\\n6'");
    // --slope out of range names --slope.
    fails(&["train", "--slope", "1e308"], 2, "--slope 1e308 is too large");
    fails(&["data", "--slope", "1e200"], 2, "--slope 1e200 is too large");
    // Spaces around a number: refused alike by --n and --seed (clap's own parser).
    fails(&["train", "--n", " 5"], 2, "invalid value ' 5' for '--n <N>'");
    fails(&["train", "--seed", " 5"], 2, "invalid value ' 5' for '--seed <SEED>'");
    fails(&["train", "--lr", " 0.1"], 2, "invalid value ' 0.1' for '--lr <LR>'");
}

#[test]
fn a_one_width_sweep_says_why_it_has_no_powers() {
    let s = ok(&["sweep", "--model", "net", "--preset", "small", "--widths", "16"]);
    assert!(s.contains("powers between successive widths: none with one width (--widths takes two or more)"), "{s}");
    let s = ok(&["sweep", "--model", "net", "--preset", "small", "--widths", "16,32"]);
    let line = s.lines().find(|l| l.starts_with("powers between")).unwrap();
    assert!(line.contains("|θ−θ0|/|θ0| -") || line.contains("|θ−θ0|/|θ0| 0"), "{line}");
}

#[test]
fn traditional_sgd_is_said_never_to_settle_in_the_engines_words() {
    let words = overparam::optim::sgd_note(overparam::model::ModelKind::Traditional, overparam::optim::Optimizer::Sgd)
        .expect("traditional sgd never settles");
    assert_eq!(words, "constant-step SGD never settles: each step fits one point");
    let s = ok(&["ensemble", "--model", "traditional", "--optimizer", "sgd", "--runs", "5", "--steps", "2000"]);
    let warning = s.lines().find(|l| l.starts_with("warning")).expect("a warning");
    assert!(warning.contains(words) && !warning.contains("raise --steps"), "{warning}");
    let t = ok(&["train", "--model", "traditional", "--optimizer", "sgd", "--steps", "2000"]);
    assert!(t.lines().any(|l| l.starts_with("note") && l.contains(words)), "{t}");
    // Where more steps would help, the advice stays.
    let s = ok(&["ensemble", "--model", "very", "--optimizer", "sgd", "--runs", "5", "--steps", "10"]);
    assert!(s.contains("(raise --steps)") && !s.contains(words), "{s}");
    assert_eq!(overparam::optim::sgd_note(overparam::model::ModelKind::Very, overparam::optim::Optimizer::Sgd), None);
}

#[test]
fn compare_sets_the_articles_numbers_beside_its_data_only() {
    let article = "The article (its own unseeded data)";
    assert!(ok(&["compare"]).contains(article));
    assert!(ok(&["compare", "--seed", "7"]).contains(article), "any seed is the demo's setup");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/example.csv");
    for args in [
        vec!["compare", "--data", example],
        vec!["compare", "--preset", "small"],
        vec!["compare", "--n", "50"],
        vec!["compare", "--slope", "2"],
    ] {
        let s = ok(&args);
        assert!(!s.contains(article), "{args:?}:\n{s}");
    }
}

#[test]
fn help_speaks_to_users_and_bench_gives_one_figure() {
    let mut all = ok(&["--help"]);
    for c in ["train", "ensemble", "compare", "bench", "sweep", "predict", "plot", "data", "tour"] {
        all += &ok(&[c, "--help"]);
    }
    for internal in ["crate::", "src/", "engine is"] {
        assert!(!all.contains(internal), "help shows `{internal}`");
    }
    let bench = ok(&["bench", "--help"]);
    let figure = "about 1.5 minutes in a release build on 2 cores";
    assert!(bench.contains(figure) && !bench.contains("half a minute"), "{bench}");
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(figure), "README says the same figure");
    assert!(!flat.contains("about 2 minutes"), "README has one figure");
}

#[test]
fn bench_quick_says_quick_skipped_the_tmux_rows() {
    let s = ok(&["bench", "--quick"]);
    assert!(!s.contains("needs tmux"), "{s}");
    assert!(s.contains("n/a (skipped by --quick)"), "{s}");
}

/// A warning on a full or closed stderr is dropped, not a panic: the output on stdout is whole
/// and the command succeeds.
#[test]
fn a_warning_to_a_full_stderr_does_not_panic() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Process::new(env!("CARGO_BIN_EXE_overparam"))
        .args(["ensemble", "--model", "very", "--optimizer", "sgd", "--runs", "5", "--steps", "10"])
        .stdout(Stdio::piped())
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ensemble"));
}
