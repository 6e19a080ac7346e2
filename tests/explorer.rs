#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The explorer without a terminal: the key table drives an `App`, which renders into a
//! `TestBackend`. Snapshots are deterministic: the histogram is filled inline and no rates show.

use clap::Parser;
use overparam::args::Cli;
use overparam::model::ModelKind;
use overparam::optim::Status;
use overparam::tui::App;
use overparam::tui::app::View;
use overparam::tui::keys::{BINDINGS, Key};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app(args: &[&str]) -> App {
    let cli = Cli::parse_from(std::iter::once("overparam").chain(args.iter().copied()));
    let mut app = App::new(&cli.common, &cli.explorer).unwrap();
    app.color = true;
    app
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| overparam::tui::render(app, f)).unwrap();
    term.backend().to_string()
}

fn snap(name: &str, app: &App) {
    for (w, h) in [(80, 24), (160, 48)] {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(app, w, h));
    }
}

#[test]
fn snapshots_each_model() {
    for model in ["traditional", "slightly", "very"] {
        let mut a = app(&["--model", model]);
        a.fill_now();
        a.run_steps(2000);
        snap(&format!("model_{model}"), &a);
    }
}

#[test]
fn snapshot_help() {
    let mut a = app(&[]);
    a.press(Key::Char('?'));
    assert!(a.help);
    snap("help", &a);
    a.press(Key::Esc);
    assert!(!a.help);
}

#[test]
fn snapshot_diverged() {
    let mut a = app(&["--lr-scale", "4"]);
    a.fill_now();
    a.press(Key::Char(' '));
    for _ in 0..20 {
        a.tick();
    }
    assert!(!a.running, "a diverged run pauses");
    assert!(matches!(a.slot().run.status, Status::Diverged(_)));
    snap("diverged", &a);
    let s = screen(&a, 80, 24);
    assert!(s.contains("diverged"), "{s}");
}

#[test]
fn starts_paused_on_the_slightly_model() {
    let a = app(&[]);
    assert!(!a.running);
    assert_eq!(a.current, ModelKind::Slightly);
    assert_eq!(a.slot().run.steps, 0);
}

#[test]
fn stepping_changes_step_and_loss() {
    let mut a = app(&[]);
    let loss0 = a.slot().stats.loss;
    a.press(Key::Char('n'));
    assert_eq!(a.slot().run.steps, 1);
    assert!(a.slot().stats.loss < loss0);
    a.press(Key::Right);
    a.press(Key::Char('N'));
    assert_eq!(a.slot().run.steps, 102);
    a.press(Key::Char('r'));
    assert_eq!(a.slot().run.steps, 0);
    assert_eq!(a.slot().stats.loss, loss0);
}

#[test]
fn gd_on_slightly_converges_to_its_closed_form_endpoint() {
    let mut a = app(&[]);
    a.press(Key::Char(' '));
    let mut frames = 0;
    while a.running && frames < 2000 {
        a.tick();
        frames += 1;
    }
    // About 10⁵ steps at 256 a frame: 10–20 s at 30 frames/s.
    assert!((300..=600).contains(&frames), "{frames} frames");
    assert_eq!(a.slot().run.status, Status::Converged);
    let limit = a.slot().run.limit()[0];
    assert!((a.slot().stats.slope - limit).abs() < 1e-9);
}

#[test]
fn switching_models_keeps_each_run() {
    let mut a = app(&[]);
    a.run_steps(500);
    let slope = a.slot().stats.slope;
    a.press(Key::Char('m'));
    assert_eq!(a.current, ModelKind::Very);
    assert_eq!(a.slot().run.steps, 0);
    a.run_steps(7);
    a.press(Key::Tab);
    assert_eq!(a.current, ModelKind::Traditional);
    a.press(Key::BackTab);
    assert_eq!(a.slot().run.steps, 7);
    a.press(Key::Char('M'));
    assert_eq!(a.current, ModelKind::Slightly);
    assert_eq!(a.slot().run.steps, 500);
    assert_eq!(a.slot().stats.slope, slope);
}

#[test]
fn divergence_pauses_and_a_smaller_lr_recovers() {
    let mut a = app(&[]);
    a.press(Key::Char(']'));
    a.press(Key::Char(']')); // 4/λmax: past 2/λmax
    a.press(Key::Char('N'));
    assert!(a.slot().diverged().is_some());
    assert!(a.slot().history.points().iter().all(|p| p.1.is_finite()));
    let msg = a.slot().diverged().map(|e| e.to_string()).unwrap();
    assert!(msg.contains("2/λmax"), "{msg}");
    a.press(Key::Char(' '));
    assert!(!a.running, "a diverged run does not start");
    a.press(Key::Char('0'));
    assert!(a.slot().diverged().is_none());
    assert_eq!(a.slot().run.steps, 0);
    a.press(Key::Char('N'));
    assert!(a.slot().diverged().is_none());
}

#[test]
fn optimizers_cycle_and_histogram_follows() {
    // sgd and cg endpoints are really run: keep them short.
    let mut a = app(&["--steps", "3000"]);
    for _ in 0..5 {
        a.press(Key::Char('o'));
        a.fill_now();
        a.press(Key::Char('N'));
        // Every optimizer fills its histogram at a stable learning rate; none errors.
        assert_eq!(a.slot().hist.error, None, "{:?}", a.optimizer);
        assert!(a.slot().hist.slopes.len() >= 2000, "{:?}", a.optimizer);
        assert_eq!(a.slot().hist.optimizer, a.optimizer);
    }
    a.press(Key::Char('c'));
    assert!(a.slot().hist.slopes.is_empty());
    a.press(Key::Char('e'));
    a.fill_now();
    assert_eq!(a.slot().hist.slopes.len(), 2000);
}

#[test]
fn quit_line_reproduces_the_settings() {
    let mut a = app(&["--seed", "43", "--model", "very", "--lr-scale", "2", "--init", "3", "--n", "20"]);
    assert_eq!(a.command_line(), "overparam --seed 43 --n 20 --model very --optimizer gd --lr-scale 2 --init 3");
    a.press(Key::Char('i'));
    a.press(Key::Char('d'));
    a.press(Key::Char('['));
    a.press(Key::Char('['));
    a.press(Key::Char('o'));
    assert_eq!(a.command_line(), "overparam --seed 44 --n 20 --model very --optimizer sgd --lr-scale 0.5 --init 4");
    assert_eq!(a.press(Key::Char('q')), overparam::tui::app::Outcome::Quit);
    assert_eq!(a.press(Key::Ctrl('c')), overparam::tui::app::Outcome::Quit);
    // Re-running the printed line rebuilds the same run: data, init, optimizer, learning rate.
    let line = a.command_line();
    let args: Vec<&str> = line.split_whitespace().collect();
    let again = App::new(&Cli::try_parse_from(&args).unwrap().common, &a_explorer()).unwrap();
    assert_eq!(again.data, a.data);
    assert_eq!(again.current, a.current);
    assert_eq!(again.optimizer, a.optimizer);
    assert_eq!(again.slot().run.theta0, a.slot().run.theta0);
    assert_eq!(again.slot().run.lr, a.slot().run.lr);
}

fn a_explorer() -> overparam::args::ExplorerArgs {
    Cli::try_parse_from(["overparam"]).unwrap().explorer
}

#[test]
fn footer_and_help_come_from_the_table() {
    let mut a = app(&[]);
    let s = screen(&a, 160, 48);
    for b in BINDINGS.iter().filter(|b| b.footer.is_some()) {
        assert!(s.contains(b.footer.unwrap()), "footer lacks {:?}", b.action);
    }
    a.press(Key::Char('?'));
    let s = screen(&a, 160, 48);
    for b in BINDINGS {
        assert!(s.contains(b.help), "help lacks {}", b.help);
    }
}

#[test]
fn every_size_renders() {
    let mut a = app(&[]);
    a.fill_now();
    a.run_steps(100);
    for w in 1..=200 {
        for h in 1..=60 {
            let s = screen(&a, w, h);
            if w < 60 || h < 20 {
                assert!(w < 40 || h < 3 || s.contains("terminal too small: need 60×20"), "{w}x{h}: {s}");
            }
        }
    }
}

#[test]
fn random_keys_and_resizes_never_panic() {
    let keys: Vec<Key> = BINDINGS
        .iter()
        .flat_map(|b| b.keys.iter().copied())
        .chain([Key::Char('x'), Key::Char('Z'), Key::Ctrl('a')])
        .collect();
    let mut a = app(&["--n", "12", "--sources", "7", "--steps", "500"]);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut w, mut h) = (80u16, 24u16);
    for i in 0..4000 {
        let r = next();
        a.press(keys[(r % keys.len() as u64) as usize]);
        a.steps_per_frame = a.steps_per_frame.min(512);
        if r % 7 == 0 {
            a.tick();
        }
        if r % 11 == 0 {
            a.fill_now();
        }
        if r % 13 == 0 {
            w = (next() % 220) as u16 + 1;
            h = (next() % 70) as u16 + 1;
        }
        if i % 3 == 0 {
            screen(&a, w, h);
        }
    }
}

#[test]
fn a_long_run_keeps_its_history_bounded_and_renders() {
    // How fast it renders is measured by `cargo bench --bench explorer` and `overparam bench`.
    let mut a = app(&["--steps", "2000000", "--tol", "1e-300"]);
    a.run_steps(1_000_000);
    assert_eq!(a.slot().run.steps, 1_000_000);
    a.fill_now();
    assert!(a.slot().history.points().len() <= overparam::tui::history::CAPACITY);
    let s = screen(&a, 120, 40);
    assert!(s.contains("step    1.00M"), "{s}");
}

/// An app on `model` after `steps` steps, with `view_key` pressed.
fn viewed(model: &str, steps: u64, view_key: char) -> App {
    let mut a = app(&["--model", model]);
    a.run_steps(steps);
    a.press(Key::Char(view_key));
    a
}

#[test]
fn snapshot_ridge_view() {
    for (model, steps) in [("slightly", 20_000), ("very", 4_000), ("traditional", 1)] {
        let a = viewed(model, steps, 'v');
        assert_eq!(a.view, View::Ridge);
        insta::assert_snapshot!(format!("ridge_{model}_80x24"), screen(&a, 80, 24));
    }
}

#[test]
fn snapshot_drift_view() {
    for model in ["very", "slightly"] {
        let a = viewed(model, 15_000, 'p');
        assert_eq!(a.view, View::Drift);
        insta::assert_snapshot!(format!("drift_{model}_80x24"), screen(&a, 80, 24));
    }
}

#[test]
fn ridge_view_shows_the_valley_the_path_and_the_endpoint() {
    let mut a = viewed("very", 3_000, 'v');
    for color in [true, false] {
        a.color = color;
        let s = screen(&a, 80, 24);
        assert!(s.contains("Ridge · gd · loss 0 in 9901 dimensions"), "{s}");
        // the valley: the zero-loss line, shades rising away from it, the start and now
        for ch in ['│', '░', '▒', '▓', '█', 'o', '@', '·'] {
            assert!(s.contains(ch), "color {color}: no `{ch}` in\n{s}");
        }
    }
    // ASCII markers too (fonts without block elements)
    a.press(Key::Char('a'));
    let s = screen(&a, 80, 24);
    for ch in ['|', '#', 'o', '@'] {
        assert!(s.contains(ch), "ascii: no `{ch}`");
    }
    // v again returns to the histogram
    a.press(Key::Char('v'));
    assert_eq!(a.view, View::Slopes);
}

#[test]
fn ridge_path_runs_straight_across_the_ridge() {
    // GD stays in θ0 + range(Jᵀ): projected on the slice, every point of its path has t = 0.
    let mut a = viewed("slightly", 0, 'v');
    for _ in 0..20 {
        a.run_steps(500);
    }
    let screen = screen(&a, 80, 24);
    let rows: Vec<String> = screen.lines().map(|r| r.chars().take(50).collect()).collect();
    // The heat map: the rows between the pane's title and its legend.
    let top = rows.iter().position(|r| r.contains("Ridge ·")).unwrap();
    let legend = rows.iter().position(|r| r.contains("o start")).unwrap();
    let heat = &rows[top + 1..legend];
    let path_rows: Vec<&String> =
        heat.iter().filter(|r| r.contains('·') || r.contains('o') || r.contains('@')).collect();
    assert_eq!(path_rows.len(), 1, "start, path and now share one row:\n{screen}");
    let row: Vec<char> = path_rows[0].chars().collect();
    let at = |c: char| row.iter().position(|&x| x == c).unwrap();
    assert!(at('o') < at('·') && at('·') < at('@'), "start, then path, then now: {}", path_rows[0]);
}

#[test]
fn drift_view_reports_the_sweep_and_moves_with_new_init() {
    let mut a = viewed("very", 40_000, 'p');
    let s = screen(&a, 80, 24);
    for needle in ["Drift · very", "|θ−θ0|/|θ0| 0.12", "1000    100,001", "∝ M^-0.5"] {
        assert!(s.contains(needle), "no `{needle}` in\n{s}");
    }
    let before = a.drift.as_ref().map(|d| d.init);
    a.press(Key::Char('i'));
    assert_ne!(a.drift.as_ref().map(|d| d.init), before, "the sweep follows the new init");
    a.press(Key::Char('p'));
    assert_eq!(a.view, View::Slopes);
}

#[test]
fn readme_lists_every_key() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for b in BINDINGS {
        let row = format!("| `{}` | {} |", b.key_label, b.help);
        assert!(readme.contains(&row), "README's key table lacks `{row}`");
    }
}

#[test]
fn the_explorer_stops_where_train_stops() {
    use overparam::optim::{LrChoice, Optimizer, Run};
    let mut a = app(&[]);
    while !a.slot().run.is_done() {
        a.run_steps(1000);
    }
    let mut train = Run::new(a.slot().model.clone(), Optimizer::Gd, LrChoice::default(), 42, 0).unwrap();
    train.run_to_end(1_000_000, 1e-9).unwrap();
    assert_eq!(a.slot().run.steps, train.steps, "same loop, same stopping step");
    assert_eq!(a.slot().run.theta, train.theta);
    assert!(matches!(a.slot().run.status, Status::Converged));
}

#[test]
fn changing_optimizer_or_lr_replays_from_the_init() {
    let mut a = app(&["--preset", "small", "--model", "very"]);
    a.press(Key::Char('N'));
    assert_eq!(a.slot().run.steps, 100);
    for key in ['o', ']', '0', '['] {
        a.press(Key::Char('n'));
        a.press(Key::Char(key));
        assert_eq!(a.slot().run.steps, 0, "after `{key}` the run starts again");
        assert_eq!(a.slot().run.theta, a.slot().run.theta0);
    }
}

#[test]
fn lr_at_the_bound_is_explained_and_lr_stays_bounded() {
    let mut a = app(&[]);
    a.press(Key::Char(']')); // 1/λmax → exactly 2/λmax
    a.press(Key::Char(' '));
    a.tick();
    assert!(!a.running, "a run that can neither converge nor diverge pauses");
    assert!(a.message.as_deref().unwrap_or("").contains("flips sign"), "{:?}", a.message);
    for _ in 0..100 {
        a.press(Key::Char('['));
    }
    assert!(a.lr.scale >= 1.0 / overparam::tui::app::LR_SCALE_LIMIT);
    let line = a.command_line();
    let args: Vec<&str> = line.split_whitespace().collect();
    assert!(Cli::try_parse_from(&args).is_ok(), "the quit line parses: {line}");
    for _ in 0..100 {
        a.press(Key::Char(']'));
    }
    assert!(a.lr.scale <= overparam::tui::app::LR_SCALE_LIMIT);
    let line = a.command_line();
    let args: Vec<&str> = line.split_whitespace().collect();
    assert!(Cli::try_parse_from(&args).is_ok(), "the quit line parses: {line}");
}

#[test]
fn views_and_run_state_follow_model_switches() {
    let mut a = app(&[]);
    for k in ['m', 'M', 'p', 'i', 'm'] {
        a.press(Key::Char(k));
    }
    let drift = a.drift.as_ref().map(|d| (d.seed, d.init));
    assert_eq!(drift, Some((a.seed, a.slot().run.init_index)), "the drift sweep is for the run shown");
    // switching, running, onto a finished run pauses instead of ticking for ever
    let mut a = app(&["--model", "traditional"]);
    a.run_steps(10);
    assert!(a.slot().run.is_done());
    a.press(Key::Char('m'));
    a.press(Key::Char(' '));
    assert!(a.running);
    a.press(Key::Char('M'));
    a.tick();
    assert!(!a.running, "nothing to run: paused, so the loop can go idle");
}
