#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `overparam plot --out DIR`'s folder and files: DIR made or reused, each file replaced whole,
//! errors in one line, a full stdout told apart from a failed write, thinned data figures, and
//! plots killed at several moments leaving nothing half-made.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

/// The figures of a line, in the order a folder lists them.
const FIGURES: [&str; 6] = ["compare.svg", "data.svg", "drift.svg", "endpoints.svg", "loss.svg", "ridge.svg"];

fn overparam() -> Command {
    Command::cargo_bin("overparam").unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

/// A whole figure: it parses as SVG.
fn whole(path: &Path) -> bool {
    let text = std::fs::read_to_string(path).unwrap();
    text.trim_end().ends_with("</svg>") && roxmltree::Document::parse(&text).is_ok()
}

#[test]
fn the_readmes_example_replaces_the_committed_figures() {
    // A fresh clone: assets/figures is there, holding the committed figures.
    let tmp = tempfile::tempdir().unwrap();
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/figures");
    let figures = tmp.path().join("assets/figures");
    std::fs::create_dir_all(&figures).unwrap();
    for name in names(&committed) {
        std::fs::copy(committed.join(&name), figures.join(&name)).unwrap();
    }
    let out = overparam().current_dir(tmp.path()).args(["plot", "--out", "assets/figures"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "wrote assets/figures: data.svg endpoints.svg loss.svg ridge.svg drift.svg compare.svg (replaced data.svg endpoints.svg loss.svg ridge.svg drift.svg compare.svg)\n"
    );
    assert_eq!(names(&figures), names(&committed), "no temporaries, nothing else");
    // The same figures as a run into a new folder (made with its parents).
    let out = overparam().current_dir(tmp.path()).args(["plot", "--out", "new/figs/here"]).output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "wrote new/figs/here: data.svg endpoints.svg loss.svg ridge.svg drift.svg compare.svg\n"
    );
    for name in FIGURES {
        let (a, b) = (
            std::fs::read(figures.join(name)).unwrap(),
            std::fs::read(tmp.path().join("new/figs/here").join(name)).unwrap(),
        );
        assert!(a == b, "{name} differs between the two runs");
    }
}

#[test]
fn only_the_figures_are_replaced_and_the_line_says_which() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("loss.svg"), "old").unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = overparam().arg("plot").arg("--out").arg(&dir).args(["--runs", "50"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "wrote {}: data.svg endpoints.svg loss.svg ridge.svg drift.svg compare.svg (replaced loss.svg)\n",
            dir.display()
        )
    );
    assert_eq!(
        names(&dir),
        ["compare.svg", "data.svg", "drift.svg", "endpoints.svg", "loss.svg", "notes.txt", "ridge.svg"]
    );
    assert!(FIGURES.iter().all(|f| whole(&dir.join(f))));
    assert_eq!(std::fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn folder_errors_are_one_line_with_the_os_reason_once() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain");
    std::fs::write(&file, "").unwrap();
    // Tests run as root, so permissions stop nothing: a parent that is a regular file does.
    let cases: [(PathBuf, i32, String); 3] = [
        (
            file.join("figs"),
            1,
            format!("error: cannot write {}: Not a directory (os error 20)\n", file.join("figs").display()),
        ),
        (
            file.clone(),
            2,
            format!("error: {} is a file, not a folder: nothing written (choose another --out)\n", file.display()),
        ),
        (
            tmp.path().join("taken"),
            2,
            format!(
                "error: {} is a folder, not a file: nothing written (choose another --out)\n",
                tmp.path().join("taken/endpoints.svg").display()
            ),
        ),
    ];
    std::fs::create_dir_all(tmp.path().join("taken/endpoints.svg")).unwrap();
    for (dir, code, says) in cases {
        let out = overparam().arg("plot").arg("--out").arg(&dir).args(["--runs", "20"]).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{}", dir.display());
        assert_eq!(String::from_utf8(out.stderr).unwrap(), says);
        assert!(out.stdout.is_empty());
    }
    assert_eq!(names(tmp.path()), ["plain", "taken"]);
    assert_eq!(names(&tmp.path().join("taken")), ["endpoints.svg"], "nothing written beside it");
}

#[test]
fn a_full_stdout_is_told_apart_from_a_failed_write() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("overparam"))
        .arg("plot")
        .arg("--out")
        .arg(&dir)
        .args(["--runs", "20"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "error: the figures are written ({}: data.svg endpoints.svg loss.svg ridge.svg drift.svg compare.svg), but stdout failed: No space left on device (os error 28)\n",
            dir.display()
        )
    );
    assert_eq!(names(&dir), FIGURES);
    assert!(FIGURES.iter().all(|f| whole(&dir.join(f))));

    // A closed pipe is not worth a message, as for the other commands.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("overparam"))
        .arg("plot")
        .arg("--out")
        .arg(&dir)
        .args(["--runs", "20"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
}

/// The dots of the data (the colour of `plot`'s points) in data.svg.
fn dots(svg: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants().filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some("#5A5A5A")).count()
}

#[test]
fn a_million_points_are_thinned_to_what_the_figure_shows_and_it_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let (big, small) = (tmp.path().join("big"), tmp.path().join("small"));
    let fast = ["--steps", "5", "--runs", "10", "--views", "data"];
    let out = overparam().arg("plot").arg("--out").arg(&big).args(["--n", "1000000"]).args(fast).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let svg = std::fs::read_to_string(big.join("data.svg")).unwrap();
    assert!(svg.len() < 3_000_000, "data.svg is {} bytes", svg.len());
    let label = regex_free_label(&svg);
    let drawn: usize = label.split(' ').nth(1).unwrap().replace(',', "").parse().unwrap();
    assert!(label.contains(" of 1,000,000 points drawn, one per "), "{label}");
    // The legend's own dot is one more.
    assert_eq!(dots(&svg), drawn + 1, "{label}");
    assert!((1000..=20_000).contains(&drawn), "{label}");

    // 10,000 points or fewer are all drawn, as before.
    let out = overparam().arg("plot").arg("--out").arg(&small).args(["--n", "10000"]).args(fast).output().unwrap();
    assert!(out.status.success());
    let svg = std::fs::read_to_string(small.join("data.svg")).unwrap();
    assert_eq!(dots(&svg), 10_001);
    assert!(!svg.contains("points drawn"));
}

/// The legend's "data: … points drawn, …" text.
fn regex_free_label(svg: &str) -> String {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .find(|t| t.starts_with("data: "))
        .unwrap_or_else(|| panic!("no thinning label"))
        .to_string()
}

/// When the plot is killed: a fixed time after it starts, or as soon as its folder or its first
/// temporary appears (while it writes).
#[derive(Clone, Copy, Debug)]
enum Moment {
    After(u64),
    FolderAppears,
    TemporaryAppears,
}

/// Starts a slow plot into `dir` (from `tmp`), kills it with `signal` at `moment`; returns how it ended and
/// whether a temporary was there when the signal was sent.
fn kill_plot(
    tmp: &Path,
    dir: &Path,
    signal: rustix::process::Signal,
    moment: Moment,
) -> (std::process::ExitStatus, bool) {
    let mut child: Child = std::process::Command::new(assert_cmd::cargo::cargo_bin("overparam"))
        // Where a QUIT's core, if the system keeps cores, would go.
        .current_dir(tmp)
        .arg("plot")
        .arg("--out")
        .arg(dir)
        // Slow to compute (a million points) and to write (data.svg thinned to ~1.5 MB).
        .args(["--n", "1000000", "--steps", "200", "--runs", "100"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let temp = dir.join(".data.svg.partial");
    loop {
        let due = match moment {
            Moment::After(ms) => start.elapsed() >= Duration::from_millis(ms),
            Moment::FolderAppears => dir.exists(),
            Moment::TemporaryAppears => temp.exists() || dir.join(".endpoints.svg.partial").exists(),
        };
        if due || child.try_wait().unwrap().is_some() || start.elapsed() > Duration::from_secs(30) {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let mid_write = std::fs::read_dir(dir)
        .is_ok_and(|d| d.filter_map(Result::ok).any(|e| e.file_name().to_string_lossy().ends_with(".partial")));
    let _ = rustix::process::kill_process(rustix::process::Pid::from_child(&child), signal);
    (child.wait().unwrap(), mid_write)
}

#[test]
fn killed_plots_leave_the_old_files_or_the_new_and_the_next_run_works() {
    use rustix::process::Signal;
    let began = Instant::now();
    let moments =
        [Moment::After(0), Moment::After(150), Moment::FolderAppears, Moment::TemporaryAppears, Moment::After(600)];
    let caught = [Signal::TERM, Signal::INT, Signal::HUP, Signal::QUIT];
    let mut mid_writes = 0;
    for (i, (signal, moment)) in
        caught.iter().chain([&Signal::KILL]).flat_map(|s| moments.iter().map(move |m| (*s, *m))).enumerate()
    {
        let tmp = tempfile::tempdir().unwrap();
        // Half the runs write into a folder holding older figures, half into a new one (and its parent).
        let reuse = i % 2 == 0;
        let dir = if reuse { tmp.path().join("figs") } else { tmp.path().join("new/figs") };
        if reuse {
            std::fs::create_dir(&dir).unwrap();
            for f in FIGURES {
                std::fs::write(dir.join(f), "old").unwrap();
            }
        }
        let (status, mid_write) = kill_plot(tmp.path(), &dir, signal, moment);
        mid_writes += usize::from(mid_write);
        let case = format!("{signal:?} at {moment:?} (reuse {reuse}, mid-write {mid_write}): {status:?}");
        // It finished first, or the signal ended it as the signal does.
        assert!(status.success() || status.signal() == Some(signal.as_raw()), "{case}");
        if signal != Signal::KILL {
            // Caught: nothing of this run's is left but whole files.
            if reuse || dir.exists() {
                assert_eq!(names(&dir), FIGURES, "{case}");
                for f in FIGURES {
                    let p = dir.join(f);
                    assert!(std::fs::read(&p).unwrap() == b"old" || whole(&p), "{case}: {f} is half a figure");
                }
            } else {
                assert_eq!(names(tmp.path()), Vec::<String>::new(), "{case}: the folders it made are removed");
            }
        } else if dir.exists() {
            // Killed: perhaps its temporaries, but every figure is the old one or a whole new one.
            for f in FIGURES.iter().map(|f| dir.join(f)).filter(|p| p.exists()) {
                assert!(std::fs::read(&f).unwrap() == b"old" || whole(&f), "{case}: {} is half a figure", f.display());
            }
        }
        // The next run into the same folder works and leaves exactly the figures.
        let out = overparam().arg("plot").arg("--out").arg(&dir).args(["--runs", "20"]).output().unwrap();
        assert!(out.status.success(), "{case}: the next run failed: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(names(&dir), FIGURES, "{case}");
        assert!(FIGURES.iter().all(|f| whole(&dir.join(f))), "{case}");
        assert!(began.elapsed() < Duration::from_secs(240), "the test ran too long");
    }
    eprintln!("{mid_writes} of 25 signals were sent while a temporary was on disk");
    // Killing as soon as a temporary appears lands mid-write: the cases above saw it happen.
    assert!(mid_writes > 0, "no signal was sent while the plot was writing");
}
