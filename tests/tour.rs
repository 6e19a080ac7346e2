#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The tour: every built-in chapter set up as it says and drawn whole at 80×24 and 160×48, every
//! live value known, every "try this" met by the key it names, a teacher's file (README's
//! example) read and run, and each kind of mistake in a file told in one line.

use assert_cmd::Command;
use overparam::args::ExplorerArgs;
use overparam::model::ModelKind;
use overparam::optim::Optimizer;
use overparam::tui::App;
use overparam::tui::keys::Key;
use overparam::tui::session::View;
use overparam::tui::session::live;
use overparam::tui::session::tour::{State, Tour};
use overparam::tui::session::tour_file as tour;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn explorer(out: &std::path::Path) -> ExplorerArgs {
    ExplorerArgs { fps: 30, ascii: false, out: Some(out.to_path_buf()) }
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| overparam::tui::render(&app.session, f)).unwrap();
    term.backend().to_string()
}

fn built_in() -> Tour {
    tour::load(None).unwrap()
}

/// The tour on chapter `i` (0-based), reached with Enter as a reader would.
fn at_chapter(i: usize, out: &std::path::Path) -> App {
    let mut app = App::with_tour(built_in(), &explorer(out)).unwrap();
    app.session.color = true;
    for _ in 0..i {
        app.press(Key::Enter);
    }
    assert_eq!(app.session.tour.as_ref().unwrap().at, i);
    app
}

/// The narration's text rows on a rendered screen (inside the box titled "Tour").
fn narration(screen: &str) -> Vec<String> {
    let rows: Vec<&str> = screen.lines().map(|l| l.trim_matches('"')).collect();
    let top = rows.iter().position(|r| r.starts_with("┌Tour")).expect("the narration is on screen");
    rows[top + 1..]
        .iter()
        .take_while(|r| !r.starts_with('└'))
        .map(|r| r.trim_start_matches('│').trim_end_matches('│').trim_end().to_string())
        .collect()
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

#[test]
fn every_chapter_is_set_up_as_it_says_and_drawn_at_both_sizes() {
    let tmp = tempfile::tempdir().unwrap();
    let chapters = built_in().chapters;
    for (i, ch) in chapters.iter().enumerate() {
        let app = at_chapter(i, tmp.path());
        let s = &app.session;
        assert_eq!(s.current, ch.common.model, "chapter {}: the model it names", i + 1);
        assert_eq!(s.optimizer, ch.common.optimizer.unwrap_or(Optimizer::Gd), "chapter {}", i + 1);
        assert_eq!(s.view, ch.view, "chapter {}: the view it names", i + 1);
        for (w, h) in [(80, 24), (160, 48)] {
            let shown = screen(&app, w, h);
            assert!(shown.contains(&format!("Tour {}/{}", i + 1, chapters.len())), "{shown}");
            insta::assert_snapshot!(format!("tour_{}_{w}x{h}", i + 1), shown);
        }
    }
}

/// All of a chapter's prose reaches the screen, wrapped between words: at 160×48 at once, at
/// 80×24 by scrolling with ↓.
#[test]
fn no_chapter_text_is_cut() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, ch) in built_in().chapters.iter().enumerate() {
        let mut app = at_chapter(i, tmp.path());
        let want = words(&live::fill(&ch.text, &app.session));
        let big = screen(&app, 160, 48);
        assert!(!big.contains("↓ more"), "chapter {} needs scrolling at 160×48:\n{big}", i + 1);
        let shown = narration(&big).join(" ");
        assert!(words(&shown).starts_with(&want), "chapter {}:\n{shown}\nwant {want:?}", i + 1);
        // 80×24: the text's rows, scrolled one at a time; each new row appends the next words.
        let mut seen: Vec<String> = Vec::new();
        for _ in 0..20 {
            let rows = narration(&screen(&app, 80, 24));
            for r in rows.iter().filter(|r| !r.is_empty() && !r.starts_with("Try:")) {
                if !seen.contains(r) {
                    seen.push(r.clone());
                }
            }
            app.press(Key::Down);
        }
        let got = words(&seen.join(" "));
        assert!(got.starts_with(&want), "chapter {} at 80×24:\n{got:?}\nwant {want:?}", i + 1);
        assert!(seen.iter().all(|r| r.chars().count() <= 78), "chapter {}: a row past the box", i + 1);
    }
}

/// Each chapter's key, pressed as the chapter asks (and the run let finish where it waits for
/// a state), meets its check; the narration then says what happened.
#[test]
fn every_try_this_is_met_by_its_key() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, ch) in built_in().chapters.iter().enumerate() {
        let mut app = at_chapter(i, tmp.path());
        let met = |app: &App| app.session.tour.as_ref().unwrap().met;
        assert!(!met(&app), "chapter {} is met before anything was done", i + 1);
        for _ in 0..12 {
            app.press(ch.check.key);
            // What a reader waits for: the run to end.
            if ch.check.until == Some(State::Converged) {
                app.run_steps(1_000_000);
            }
            app.tick();
            if met(&app) {
                break;
            }
        }
        assert!(met(&app), "chapter {}: `{:?}` never met its check", i + 1, ch.check);
        let shown = screen(&app, 160, 48);
        assert!(shown.contains('✓'), "chapter {}: the narration does not say it is done:\n{shown}", i + 1);
    }
}

#[test]
fn keys_move_through_the_tour_and_leave_and_return_keeping_the_state() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = at_chapter(0, tmp.path());
    let n = app.session.tour.as_ref().unwrap().chapters.len();
    app.press(Key::Backspace);
    assert_eq!(app.session.message.as_deref(), Some("this is the first chapter"));
    for i in 1..n {
        app.press(Key::Enter);
        assert_eq!(app.session.tour.as_ref().unwrap().at, i);
    }
    app.press(Key::Enter);
    assert_eq!(app.session.message.as_deref(), Some("this is the last chapter: T leaves the tour"));
    // Back to chapter 2 (the slightly model in the ridge view), then leave: the state stays.
    for _ in 0..n - 2 {
        app.press(Key::Backspace);
    }
    assert_eq!((app.session.current, app.session.view), (ModelKind::Slightly, View::Ridge));
    app.press(Key::Char('i'));
    app.press(Key::Char('T'));
    assert!(app.session.tour_open().is_none());
    assert!(!screen(&app, 100, 30).contains("┌Tour"));
    assert_eq!(app.session.init_index(), 1, "leaving keeps the run");
    app.press(Key::Char('T'));
    let t = app.session.tour_open().unwrap();
    assert_eq!((t.at, t.presses), (1, 1), "back where the reader was, the key counted");
    assert_eq!(app.session.init_index(), 1, "returning keeps the run too");
    // The chapter list: ↓ twice and Enter opens chapter 4.
    app.press(Key::Char('L'));
    assert!(screen(&app, 100, 30).contains("Chapters"));
    app.press(Key::Down);
    app.press(Key::Down);
    app.press(Key::Enter);
    assert_eq!(app.session.tour.as_ref().unwrap().at, 3);
    assert_eq!(app.session.view, View::Compare);
}

#[test]
fn the_footer_and_help_show_the_tours_keys_from_the_one_table() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = at_chapter(0, tmp.path());
    let foot = screen(&app, 80, 24).lines().last().unwrap().to_string();
    for k in ["Enter next", "⌫ back", "L chapters", "T tour"] {
        assert!(foot.contains(k), "{foot}");
    }
    app.press(Key::Char('T'));
    let foot = screen(&app, 80, 24).lines().last().unwrap().to_string();
    assert!(foot.contains("T tour") && !foot.contains("Enter next"), "{foot}");
    app.press(Key::Char('?'));
    let help = screen(&app, 160, 48);
    for k in ["tour: next chapter", "tour: list of chapters", "tour: open / leave / return"] {
        assert!(help.contains(k), "{help}");
    }
}

/// The example in README.md's "Write your own tour", as written there.
fn readme_example() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme.split("### Write your own tour").nth(1).expect("README has the section");
    let block = section.split("```toml\n").nth(1).expect("a toml block").split("```").next().unwrap();
    block.to_string()
}

#[test]
fn the_readme_example_parses_and_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tour::parse(&readme_example()).unwrap_or_else(|e| panic!("line {}: {}", e.line, e.what));
    let mut app = App::with_tour(t, &explorer(tmp.path())).unwrap();
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("┌Tour 1/"), "{shown}");
    let check = app.session.tour.as_ref().unwrap().chapter().check.clone();
    for _ in 0..check.times {
        app.press(check.key);
    }
    assert!(app.session.tour.as_ref().unwrap().met);
}

fn run_file(text: &str) -> (i32, String) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("lesson.toml");
    std::fs::write(&path, text).unwrap();
    let out = Command::cargo_bin("overparam")
        .unwrap()
        .current_dir(tmp.path())
        .args(["tour", "--file", "lesson.toml"])
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn each_kind_of_mistake_in_a_tour_file_is_one_line_naming_file_and_line() {
    let good = readme_example();
    let cases: Vec<(String, &str, &str)> = vec![
        (
            good.replacen("settings = \"", "settings = \"--colour blue ", 1),
            ":",
            "settings: unexpected argument '--colour'",
        ),
        (good.replacen("text = \"\"\"", "text = \"\"\"{slop} ", 1), ":", "unknown live value {slop}"),
        (good.replacen("check = \"", "check = \"Q ", 1), ":", "check: the key `Q` does nothing"),
        (good.replacen("check = \"", "check = \"ctrl-x ", 1), ":", "check: no key `ctrl-x`"),
        (good.replacen("view = \"", "view = \"sideways", 1), ":", "unknown view `sideways"),
        (good.replacen("[[chapter]]", "[[chapter]]\ncolour = 3", 1), ":", "unknown field `colour`"),
        ("title = \"x\"\n[[chapter]\n".to_string(), "lesson.toml:2: ", ""),
    ];
    for (text, at, what) in cases {
        let (code, err) = run_file(&text);
        assert_eq!(code, 2, "{err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.starts_with("error: lesson.toml:"), "names the file and the line: {err}");
        assert!(err.contains(at) && err.contains(what), "{err}\nwant {what}");
    }
    // The line is the mistake's own.
    let bad = good.replacen("check = \"", "check = \"Q ", 1);
    let line = bad.lines().position(|l| l.starts_with("check = \"Q")).unwrap() + 1;
    let (_, err) = run_file(&bad);
    assert!(err.starts_with(&format!("error: lesson.toml:{line}: ")), "{err}");
    // A good file without a terminal: the usual refusal, after the file was read whole.
    let (code, err) = run_file(&good);
    assert_eq!(code, 2);
    assert!(err.contains("the explorer needs a terminal"), "{err}");
    // No file at all.
    let out =
        Command::cargo_bin("overparam").unwrap().args(["tour", "--file", "/nonexistent/lesson.toml"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim(), "error: cannot read the tour /nonexistent/lesson.toml: No such file or directory");
}
