#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The explorer without a terminal: the key table drives an `App`, which renders into a
//! `TestBackend`. Snapshots are deterministic: the histogram is filled inline and no rates show.

mod svgcheck;

mod explorer_app;

use clap::Parser;
use explorer_app::{app, screen};
use overparam::args::Cli;
use overparam::model::ModelKind;
use overparam::optim::Status;
use overparam::tui::App;
use overparam::tui::keys::{BINDINGS, Key};
use overparam::tui::session::View;

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
    assert!(a.session.help);
    snap("help", &a);
    a.press(Key::Esc);
    assert!(!a.session.help);
}

#[test]
fn snapshot_diverged() {
    let mut a = app(&["--lr-scale", "4"]);
    a.fill_now();
    a.press(Key::Char(' '));
    for _ in 0..20 {
        a.tick();
    }
    assert!(!a.session.running, "a diverged run pauses");
    assert!(matches!(a.session.line().run.status, Status::Diverged(_)));
    snap("diverged", &a);
    let s = screen(&a, 80, 24);
    assert!(s.contains("diverged"), "{s}");
}

#[test]
fn starts_paused_on_the_slightly_model() {
    let a = app(&[]);
    assert!(!a.session.running);
    assert_eq!(a.session.current, ModelKind::Slightly);
    assert_eq!(a.session.line().run.steps, 0);
}

#[test]
fn stepping_changes_step_and_loss() {
    let mut a = app(&[]);
    let loss0 = a.session.line().stats.loss;
    a.press(Key::Char('n'));
    assert_eq!(a.session.line().run.steps, 1);
    assert!(a.session.line().stats.loss < loss0);
    a.press(Key::Right);
    a.press(Key::Char('N'));
    assert_eq!(a.session.line().run.steps, 102);
    a.press(Key::Char('r'));
    assert_eq!(a.session.line().run.steps, 0);
    assert_eq!(a.session.line().stats.loss, loss0);
}

#[test]
fn gd_on_slightly_converges_to_its_closed_form_endpoint() {
    let mut a = app(&[]);
    a.press(Key::Char(' '));
    let mut frames = 0;
    while a.session.running && frames < 2000 {
        a.tick();
        frames += 1;
    }
    // About 10⁵ steps at 256 a frame: 10–20 s at 30 frames/s.
    assert!((300..=600).contains(&frames), "{frames} frames");
    assert_eq!(a.session.line().run.status, Status::Converged);
    let limit = a.session.line().run.limit()[0];
    assert!((a.session.line().stats.slope - limit).abs() < 1e-9);
}

#[test]
fn switching_models_keeps_each_run() {
    let mut a = app(&[]);
    a.run_steps(500);
    let slope = a.session.line().stats.slope;
    a.press(Key::Char('m'));
    assert_eq!(a.session.current, ModelKind::Very);
    assert_eq!(a.session.line().run.steps, 0);
    a.run_steps(7);
    a.press(Key::Tab);
    assert_eq!(a.session.current, ModelKind::Net);
    a.press(Key::Tab);
    assert_eq!(a.session.current, ModelKind::Traditional);
    a.press(Key::BackTab);
    a.press(Key::BackTab);
    assert_eq!(a.session.current, ModelKind::Very);
    assert_eq!(a.session.line().run.steps, 7);
    a.press(Key::Char('M'));
    assert_eq!(a.session.current, ModelKind::Slightly);
    assert_eq!(a.session.line().run.steps, 500);
    assert_eq!(a.session.line().stats.slope, slope);
}

#[test]
fn divergence_pauses_and_a_smaller_lr_recovers() {
    let mut a = app(&[]);
    a.press(Key::Char(']'));
    a.press(Key::Char(']')); // 4/λmax: past 2/λmax
    a.press(Key::Char('N'));
    assert!(a.session.line().diverged().is_some());
    assert!(a.session.line().history.points().iter().all(|p| p.1.is_finite()));
    let msg = a.session.line().diverged().map(|e| e.to_string()).unwrap();
    assert!(msg.contains("2/λmax"), "{msg}");
    a.press(Key::Char(' '));
    assert!(!a.session.running, "a diverged run does not start");
    a.press(Key::Char('0'));
    assert!(a.session.line().diverged().is_none());
    assert_eq!(a.session.line().run.steps, 0);
    a.press(Key::Char('N'));
    assert!(a.session.line().diverged().is_none());
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
        assert_eq!(a.session.line().hist.error, None, "{:?}", a.session.optimizer);
        assert!(a.session.line().hist.slopes.len() >= 2000, "{:?}", a.session.optimizer);
        assert_eq!(a.session.line().hist.optimizer, a.session.optimizer);
    }
    a.press(Key::Char('c'));
    assert!(a.session.line().hist.slopes.is_empty());
    a.press(Key::Char('e'));
    a.fill_now();
    assert_eq!(a.session.line().hist.slopes.len(), 2000);
}

#[test]
fn quit_line_reproduces_the_settings() {
    let mut a = app(&["--seed", "43", "--model", "very", "--lr-scale", "2", "--init", "3", "--n", "20"]);
    assert_eq!(
        a.session.command_line(),
        "overparam --seed 43 --n 20 --model very --optimizer gd --lr-scale 2 --init 3"
    );
    a.press(Key::Char('i'));
    a.press(Key::Char('d'));
    a.press(Key::Char('['));
    a.press(Key::Char('['));
    a.press(Key::Char('o'));
    assert_eq!(
        a.session.command_line(),
        "overparam --seed 44 --n 20 --model very --optimizer sgd --lr-scale 0.5 --init 4"
    );
    assert_eq!(a.press(Key::Char('q')), overparam::tui::app::Outcome::Quit);
    assert_eq!(a.press(Key::Ctrl('c')), overparam::tui::app::Outcome::Quit);
    // Re-running the printed line rebuilds the same run: data, init, optimizer, learning rate.
    let line = a.session.command_line();
    let args: Vec<&str> = line.split_whitespace().collect();
    let again = App::new(&Cli::try_parse_from(&args).unwrap().common, &a_explorer()).unwrap();
    assert_eq!(again.session.data, a.session.data);
    assert_eq!(again.session.current, a.session.current);
    assert_eq!(again.session.optimizer, a.session.optimizer);
    assert_eq!(again.session.line().run.theta0, a.session.line().run.theta0);
    assert_eq!(again.session.line().run.lr, a.session.line().run.lr);
}

fn a_explorer() -> overparam::args::ExplorerArgs {
    Cli::try_parse_from(["overparam"]).unwrap().explorer
}

#[test]
fn footer_and_help_come_from_the_table() {
    let mut a = app(&[]);
    let s = screen(&a, 160, 48);
    let footer = s.lines().last().unwrap().to_string();
    for b in BINDINGS.iter().filter(|b| b.footer.is_some()) {
        // The net's own keys show only while the net is current, the tour's while it is open.
        let shown = !b.action.net_only() && !b.action.tour_only();
        assert_eq!(footer.contains(b.footer.unwrap()), shown, "{:?} in {footer}", b.action);
    }
    let mut net = app(&["--model", "net", "--width", "32", "--n", "20"]);
    let net_footer = screen(&net, 160, 48).lines().last().unwrap().to_string();
    for b in BINDINGS.iter().filter(|b| b.footer.is_some() && b.action.net_only()) {
        assert!(net_footer.contains(b.footer.unwrap()), "{:?} not in {net_footer}", b.action);
    }
    net.press(Key::Char('?'));
    assert!(screen(&net, 160, 48).contains("net: move x* left"));
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
    // T opens the built-in tour, whose chapters set their own settings (no --steps cap, nets of
    // width 1024): too slow for thousands of keys. Its keys are driven in tests/tour.rs; without
    // a tour open, Enter, ⌫, L, ↑ and ↓ stay in here.
    let keys: Vec<Key> = BINDINGS
        .iter()
        .flat_map(|b| b.keys.iter().copied())
        .filter(|&k| k != Key::Char('T'))
        .chain([Key::Char('x'), Key::Char('Z'), Key::Ctrl('a')])
        .collect();
    let mut a = app(&["--n", "12", "--sources", "7", "--steps", "500"]);
    // Long jobs on threads of their own, as in the explorer: a view left (or a setting changed)
    // stops its job, where inline every erf risk curve would run to its end (seconds each).
    a.set_background(overparam::tui::jobs::background::Mode::Thread);
    // s exports: into a scratch folder (export, export-2, … then a name clash, reported).
    let scratch = tempfile::tempdir().unwrap();
    a.session.out = Some(scratch.path().join("export"));
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
        a.session.steps_per_frame = a.session.steps_per_frame.min(512);
        if r % 7 == 0 {
            a.tick();
        }
        if r % 11 == 0 {
            // A few nets at a time: each is trained for real.
            if let Some(n) = a.session.net_shown() {
                let have = n.hist.values.len() as u64;
                a.set_net_target(have + 2);
            }
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
    assert_eq!(a.session.line().run.steps, 1_000_000);
    a.fill_now();
    assert!(a.session.line().history.points().len() <= overparam::history::CAPACITY);
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
        assert_eq!(a.session.view, View::Ridge);
        insta::assert_snapshot!(format!("ridge_{model}_80x24"), screen(&a, 80, 24));
    }
}

#[test]
fn snapshot_drift_view() {
    for model in ["very", "slightly"] {
        let a = viewed(model, 15_000, 'p');
        assert_eq!(a.session.view, View::Drift);
        insta::assert_snapshot!(format!("drift_{model}_80x24"), screen(&a, 80, 24));
    }
}

#[test]
fn ridge_view_shows_the_valley_the_path_and_the_endpoint() {
    let mut a = viewed("very", 3_000, 'v');
    for color in [true, false] {
        a.session.color = color;
        let s = screen(&a, 80, 24);
        assert!(s.contains("Likelihood ridge: loss 0 in 9,901 dimensions"), "{s}");
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
    assert_eq!(a.session.view, View::Slopes);
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
    let top = rows.iter().position(|r| r.contains("Likelihood ridge")).unwrap();
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
    for needle in ["Drift · very", "|θ−θ0|/|θ0| 0.12", "1000  100,001", "∝ M^-0.5"] {
        assert!(s.contains(needle), "no `{needle}` in\n{s}");
    }
    let before = a.session.drift.as_ref().map(|d| d.init);
    a.press(Key::Char('i'));
    assert_ne!(a.session.drift.as_ref().map(|d| d.init), before, "the sweep follows the new init");
    a.press(Key::Char('p'));
    assert_eq!(a.session.view, View::Slopes);
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
    while !a.session.line().run.is_done() {
        a.run_steps(1000);
    }
    let mut train = Run::new(a.session.line().model.clone(), Optimizer::Gd, LrChoice::default(), 42, 0).unwrap();
    train.run_to_end(1_000_000, 1e-9).unwrap();
    assert_eq!(a.session.line().run.steps, train.steps, "same loop, same stopping step");
    assert_eq!(a.session.line().run.theta, train.theta);
    assert!(matches!(a.session.line().run.status, Status::Converged));
}

#[test]
fn changing_optimizer_or_lr_replays_from_the_init() {
    let mut a = app(&["--preset", "small", "--model", "very"]);
    a.press(Key::Char('N'));
    assert_eq!(a.session.line().run.steps, 100);
    for key in ['o', ']', '0', '['] {
        a.press(Key::Char('n'));
        a.press(Key::Char(key));
        assert_eq!(a.session.line().run.steps, 0, "after `{key}` the run starts again");
        assert_eq!(a.session.line().run.theta, a.session.line().run.theta0);
    }
}

#[test]
fn lr_at_the_bound_is_explained_and_lr_stays_bounded() {
    let mut a = app(&[]);
    a.press(Key::Char(']')); // 1/λmax → exactly 2/λmax
    a.press(Key::Char(' '));
    a.tick();
    assert!(!a.session.running, "a run that can neither converge nor diverge pauses");
    assert!(a.session.message.as_deref().unwrap_or("").contains("flips sign"), "{:?}", a.session.message);
    for _ in 0..100 {
        a.press(Key::Char('['));
    }
    assert!(a.session.lr.scale >= 1.0 / overparam::tui::app::LR_SCALE_LIMIT);
    let line = a.session.command_line();
    let args: Vec<&str> = line.split_whitespace().collect();
    assert!(Cli::try_parse_from(&args).is_ok(), "the quit line parses: {line}");
    for _ in 0..100 {
        a.press(Key::Char(']'));
    }
    assert!(a.session.lr.scale <= overparam::tui::app::LR_SCALE_LIMIT);
    let line = a.session.command_line();
    let args: Vec<&str> = line.split_whitespace().collect();
    assert!(Cli::try_parse_from(&args).is_ok(), "the quit line parses: {line}");
}

#[test]
fn views_and_run_state_follow_model_switches() {
    let mut a = app(&[]);
    for k in ['m', 'M', 'p', 'i', 'm'] {
        a.press(Key::Char(k));
    }
    let drift = a.session.drift.as_ref().map(|d| (d.seed, d.init));
    assert_eq!(drift, Some((a.session.seed, a.session.line().run.init_index)), "the drift sweep is for the run shown");
    // switching, running, onto a finished run pauses instead of ticking for ever
    let mut a = app(&["--model", "traditional"]);
    a.run_steps(10);
    assert!(a.session.line().run.is_done());
    a.press(Key::Char('m'));
    a.press(Key::Char(' '));
    assert!(a.session.running);
    a.press(Key::Char('M'));
    a.tick();
    assert!(!a.session.running, "nothing to run: paused, so the loop can go idle");
}

// ---- compare view, focus and zoom, export (issue 10) -------------------------------------------

#[test]
fn snapshot_compare_view() {
    let mut a = app(&[]);
    a.press(Key::Char('C'));
    assert_eq!(a.session.view, View::Compare);
    a.fill_now();
    snap("compare", &a);
}

#[test]
fn compare_view_shows_every_linear_model_at_x_star_with_its_theory() {
    let mut a = app(&[]);
    a.press(Key::Char('C'));
    a.fill_now();
    let x = overparam::predict::test_point(&a.session.data);
    assert_eq!(x, 9.9, "the demo's grid ends at 9.9");
    for (w, h) in [(80, 24), (160, 48)] {
        let s = screen(&a, w, h);
        assert!(s.contains("x* = 9.900"), "the axis is named:\n{s}");
        for kind in ModelKind::LINEAR {
            let slot = a.session.line_of(kind).unwrap();
            assert_eq!(slot.hist.slopes.len(), 2000, "{kind:?} filled");
            let sum = slot.hist.summary.as_ref().unwrap();
            // The title's KS is the histogram's own: the map c ↦ c·x* leaves KS unchanged.
            let ks = format!("KS {:.3}", sum.ks_posterior.d);
            let title = s.lines().find(|l| l.contains(&format!("{} ·", kind.name()))).unwrap_or_default();
            assert!(title.contains(&ks), "{kind:?} title lacks {ks}: {title}");
            assert!(title.contains("2000"), "{title}");
            if w == 160 {
                // mean ± sd at x* is the slope's mean ± sd times x* (a line through 0).
                let mean = overparam::tui::ui::num(sum.mean * x);
                assert!(title.contains(&mean), "{kind:?} title lacks mean {mean}: {title}");
            }
        }
    }
    // The theory at x* is THEORY.md's closed form scaled by x*.
    let slot = a.session.line_of(ModelKind::Very).unwrap();
    let at = overparam::predict::theory_at(&slot.model, overparam::model::Metric::Euclidean, x);
    let post = overparam::theory::posterior(&slot.model);
    assert!((at.posterior.mean - post.mean * x).abs() < 1e-12 && (at.posterior.std - post.std * x).abs() < 1e-12);
}

#[test]
fn compare_view_adds_and_clears_runs_for_every_model() {
    let mut a = app(&[]);
    a.press(Key::Char('C'));
    a.press(Key::Char('c'));
    for kind in ModelKind::LINEAR {
        assert!(a.session.line_of(kind).unwrap().hist.slopes.is_empty());
    }
    a.press(Key::Char('e'));
    a.fill_now();
    for kind in ModelKind::LINEAR {
        assert_eq!(a.session.line_of(kind).unwrap().hist.slopes.len(), 2000);
    }
    // A new optimizer empties and refills every histogram, for the new optimizer (gd → sgd →
    // cg → exact: only exact's closed form is filled, to keep the test quick).
    for _ in 0..3 {
        a.press(Key::Char('o'));
    }
    a.fill_now();
    for kind in ModelKind::LINEAR {
        assert_eq!(a.session.line_of(kind).unwrap().hist.optimizer, a.session.optimizer);
    }
    a.press(Key::Char('C'));
    assert_eq!(a.session.view, View::Slopes);
}

#[test]
fn the_worker_fills_every_compared_histogram() {
    let mut a = app(&["--model", "traditional"]);
    a.press(Key::Char('C'));
    a.attach_worker(overparam::tui::jobs::worker::Worker::spawn().unwrap());
    // Not a timing test: a bound on the wait so a broken worker fails rather than hangs.
    for _ in 0..6000 {
        a.poll_worker();
        if ModelKind::LINEAR.iter().all(|&k| !a.session.line_of(k).unwrap().hist.filling()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let mut b = app(&["--model", "traditional"]);
    b.press(Key::Char('C'));
    b.fill_now();
    for kind in ModelKind::LINEAR {
        let (got, want) = (&a.session.line_of(kind).unwrap().hist, &b.session.line_of(kind).unwrap().hist);
        assert_eq!(got.slopes, want.slopes, "{kind:?}: the worker's endpoints are the inline ones");
    }
    assert!(!a.animating());
}

#[test]
fn focus_moves_between_panes_and_zoom_shows_one_full_screen() {
    use overparam::tui::session::view::Pane;
    for view_key in [None, Some('v'), Some('p'), Some('C')] {
        for model in ["traditional", "slightly", "very"] {
            let mut a = app(&["--model", model, "--n", "20", "--sources", "5"]);
            a.session.color = false; // the mark must show without colour
            if let Some(k) = view_key {
                a.press(Key::Char(k));
            }
            let panes = overparam::tui::session::view::panes(a.session.view);
            let mut seen = Vec::new();
            for _ in 0..panes.len() {
                a.press(Key::Char('f'));
                seen.push(a.session.focus);
                let s = screen(&a, 80, 24);
                assert_eq!(s.matches('╔').count(), 1, "one focused pane, double-bordered:\n{s}");
            }
            assert_eq!(seen.len(), panes.len());
            for p in panes {
                assert!(seen.contains(p), "{p:?} never focused in {:?}", a.session.view);
            }
            a.session.focus = Pane::Loss;
            a.press(Key::Char('z'));
            assert!(a.session.zoomed);
            let s = screen(&a, 80, 24);
            let first = s.lines().next().unwrap_or_default();
            assert!(first.contains("╔Loss"), "the loss pane fills the screen:\n{s}");
            assert!(!s.contains("Inspector") && !s.contains("Data ·"), "{s}");
            a.press(Key::Char('z'));
            assert!(screen(&a, 80, 24).contains("Inspector"));
        }
    }
}

fn read(dir: &std::path::Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn export_writes_every_file_matching_the_headless_commands() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("session");
    let mut a = app(&["--optimizer", "exact"]);
    a.session.out = Some(dir.clone());
    a.fill_now();
    a.run_steps(10);
    // What the screen showed last (its size is what screen.txt uses; the event loop tells the app).
    let shown = screen(&a, 100, 30);
    a.set_screen_size(100, 30);
    a.press(Key::Char('s'));
    let msg = a.session.message.clone().unwrap();
    assert_eq!(msg, format!("exported to {}", dir.display()));
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "command.txt",
            "data.csv",
            "data.svg",
            "endpoints.csv",
            "endpoints.svg",
            "loss.csv",
            "loss.svg",
            "screen.txt",
            "summary.json"
        ]
    );

    let run = |args: &[&str]| -> String {
        let cli = Cli::parse_from(std::iter::once("overparam").chain(args.iter().copied()));
        let mut out = Vec::new();
        overparam::cli::render(cli.command.as_ref().unwrap(), &cli.common, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    assert_eq!(read(&dir, "data.csv"), run(&["data"]));
    let mut got: serde_json::Value = serde_json::from_str(&read(&dir, "summary.json")).unwrap();
    let mut want: serde_json::Value =
        serde_json::from_str(&run(&["ensemble", "--runs", "2000", "--optimizer", "exact", "--format", "json"]))
            .unwrap();
    got["elapsed_s"] = 0.into();
    want["elapsed_s"] = 0.into();
    // Only the export says which command reproduces it: otherwise the ensemble command's JSON.
    let command = got.as_object_mut().unwrap().remove("command").unwrap();
    assert_eq!(
        command["command"],
        "overparam --seed 42 --model slightly ensemble --optimizer exact --runs 2000 --format json"
    );
    assert_eq!(command["matches"], "exactly");
    assert_eq!(got, want, "summary.json is the ensemble command's JSON");
    assert_eq!(got["endpoints"], "closed-form limit");
    assert_eq!(read(&dir, "command.txt"), format!("{}\n", a.session.command_line()));
    // screen.txt is the screen as shown, as plain text.
    let plain: String = shown.lines().map(|l| format!("{}\n", l.trim_matches('"').trim_end())).collect();
    assert_eq!(read(&dir, "screen.txt"), plain);

    let loss = read(&dir, "loss.csv");
    assert_eq!(loss.lines().next(), Some("step,loss"));
    assert_eq!(loss.lines().count() - 1, a.session.line().history.points().len());
    let endpoints = read(&dir, "endpoints.csv");
    let mut lines = endpoints.lines();
    assert_eq!(lines.next(), Some("model,init,optimizer,slope,x_star,f_x_star"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2000);
    let slopes = &a.session.line().hist.slopes;
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[0], "slightly");
        assert_eq!(r[1].parse::<usize>().unwrap(), i);
        assert_eq!(r[2], "exact");
        let c: f64 = r[3].parse().unwrap();
        assert_eq!(c, slopes[i]);
        let f: f64 = r[5].parse().unwrap();
        assert_eq!(f, c * 9.9);
    }

    // Again with the same --out: the next free name, session-2, then session-3; the first
    // folder is never written into.
    std::fs::write(dir.join("data.csv"), "mine").unwrap();
    for i in [2, 3] {
        a.press(Key::Char('s'));
        let next = tmp.path().join(format!("session-{i}"));
        assert_eq!(a.session.message.clone().unwrap(), format!("exported to {}", next.display()));
        assert_eq!(read(&next, "data.csv"), run(&["data"]));
    }
    assert_eq!(read(&dir, "data.csv"), "mine");
    a.press(Key::Char('n'));
    assert!(screen(&a, 80, 24).contains("Inspector"));
}

/// The SVG figures among an export's files, by name.
fn figures(a: &App) -> Vec<(String, String)> {
    let (files, _) = overparam::tui::app::export::session_files(&a.session);
    files.into_iter().filter(|(n, _)| n.ends_with(".svg")).map(|(n, b)| (n, String::from_utf8(b).unwrap())).collect()
}

#[test]
fn export_writes_the_figures_of_the_view_on_screen() {
    let mut a = app(&[]);
    a.fill_now();
    a.run_steps(300);
    let names = |f: &[(String, String)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>().join(" ");
    let slopes = figures(&a);
    assert_eq!(names(&slopes), "data.svg endpoints.svg loss.svg");
    // endpoints.svg is the histogram on screen: its 2,000 runs, mean ± sd and KS.
    let sum = a.session.line().hist.summary.clone().unwrap();
    let t = &slopes[1].1;
    let sig4 = overparam::format::sig4;
    let want = format!("2,000 inits · {} ± {} · KS {:.3}", sig4(sum.mean), sig4(sum.std), sum.ks_posterior.d);
    assert!(t.contains(&want), "endpoints.svg lacks {want}");
    // loss.svg: the run as far as it went, its steps in the title.
    assert!(slopes[2].1.contains("· 300 steps"), "loss.svg");
    for (key, want) in [('v', "ridge.svg"), ('p', "drift.svg"), ('C', "compare.svg")] {
        a.press(Key::Char(key));
        let f = figures(&a);
        assert_eq!(names(&f), want, "after {key}");
        svgcheck::check(want, &f[0].1);
        a.press(Key::Char(key)); // back to the slopes
    }
    // The ridge figure ends its path at θ now: 300 steps across, not yet on the ridge.
    a.press(Key::Char('v'));
    assert!(figures(&a)[0].1.contains("gd from init 0, 300 steps"));
    a.press(Key::Char('v'));
    // compare.svg: every model's histogram at x* = 9.9, as the view shows it.
    a.press(Key::Char('C'));
    a.fill_now();
    let svg = &figures(&a)[0].1;
    for kind in ModelKind::LINEAR {
        let h = &a.session.line_of(kind).unwrap().hist;
        let ks = h.summary.as_ref().unwrap().ks_posterior.d;
        let title = format!("{} · 2,000 runs · f(x*) ", kind.name());
        assert!(svg.contains(&title), "compare.svg lacks {title}");
        assert!(svg.contains(&format!("KS {ks:.3}")), "{kind:?}: KS {ks:.3}");
    }
    for (_, svg) in slopes {
        svgcheck::check("slopes view", &svg);
    }
}

/// Runs a headless command line as summary.json records it ("overparam …").
fn headless_line(line: &str) -> serde_json::Value {
    let cli = Cli::parse_from(line.split_whitespace());
    let mut out = Vec::new();
    overparam::cli::render(cli.command.as_ref().unwrap(), &cli.common, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn summary_json_says_its_endpoints_are_closed_form_limits_and_how_to_get_them_again() {
    let tmp = tempfile::tempdir().unwrap();
    // gd's histogram is its closed-form limits: `ensemble --optimizer exact`, bit for bit (the
    // learning rate changes the path, not the limit, so it is left out of the command).
    let mut a = app(&["--optimizer", "gd", "--lr-scale", "0.5", "--model", "very", "--sources", "20"]);
    a.set_histogram_target(300);
    a.fill_now();
    a.session.out = Some(tmp.path().join("gd"));
    a.press(Key::Char('s'));
    let got: serde_json::Value = serde_json::from_str(&read(&tmp.path().join("gd"), "summary.json")).unwrap();
    assert_eq!(got["optimizer"], "gd");
    assert_eq!(got["endpoints"], "closed-form limit");
    let line = got["command"]["command"].as_str().unwrap();
    assert_eq!(
        line,
        "overparam --seed 42 --model very --sources 20 ensemble --optimizer exact --runs 300 --format json"
    );
    assert_eq!(got["command"]["matches"], "exactly");
    let want = headless_line(line);
    assert_eq!(got["slopes"], want["slopes"]);
    assert_eq!((&got["mean"], &got["std"], &got["ks_posterior"]), (&want["mean"], &want["std"], &want["ks_posterior"]));

    // whitened's limits sample the posterior (prior metric): no headless command has them in
    // closed form, so the nearest is the trained one, which agrees to within tol.
    let mut a = app(&["--preset", "small", "--optimizer", "whitened"]);
    a.set_histogram_target(40);
    a.fill_now();
    a.session.out = Some(tmp.path().join("whitened"));
    a.press(Key::Char('s'));
    let got: serde_json::Value = serde_json::from_str(&read(&tmp.path().join("whitened"), "summary.json")).unwrap();
    assert_eq!((&got["optimizer"], &got["endpoints"]), (&"whitened".into(), &"closed-form limit".into()));
    assert_eq!(got["command"]["matches"], "to within --tol");
    let want = headless_line(got["command"]["command"].as_str().unwrap());
    assert_eq!(want["endpoints"], "trained");
    let (g, w) = (got["slopes"].as_array().unwrap(), want["slopes"].as_array().unwrap());
    assert_eq!(g.len(), 40);
    for (g, w) in g.iter().zip(w) {
        assert!((g.as_f64().unwrap() - w.as_f64().unwrap()).abs() < 1e-6, "{g} vs {w}");
    }
    // The trained cg histogram: the same runs, the same slopes.
    let mut a = app(&["--preset", "small", "--optimizer", "cg"]);
    a.set_histogram_target(40);
    a.fill_now();
    a.session.out = Some(tmp.path().join("cg"));
    a.press(Key::Char('s'));
    let got: serde_json::Value = serde_json::from_str(&read(&tmp.path().join("cg"), "summary.json")).unwrap();
    assert_eq!(got["endpoints"], "trained");
    let want = headless_line(got["command"]["command"].as_str().unwrap());
    assert_eq!(got["slopes"], want["slopes"]);
}

#[test]
fn screen_txt_is_the_too_small_message_when_that_was_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = app(&[]);
    a.session.out = Some(tmp.path().join("small"));
    let _ = screen(&a, 100, 30);
    a.set_screen_size(100, 30);
    let shown = screen(&a, 50, 12);
    a.set_screen_size(50, 12);
    assert!(shown.contains("terminal too small"), "{shown}");
    a.press(Key::Char('s'));
    let plain: String = shown.lines().map(|l| format!("{}\n", l.trim_matches('"').trim_end())).collect();
    assert_eq!(read(&tmp.path().join("small"), "screen.txt"), plain, "the 50×12 screen, not the 100×30 one");
}

#[test]
fn export_failures_are_reported_and_leave_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = app(&[]);
    a.fill_now();
    // Tests run as root: a parent that is a regular file stops the write where chmod would not.
    let file = tmp.path().join("plain");
    std::fs::write(&file, "").unwrap();
    a.session.out = Some(file.join("session"));
    a.press(Key::Char('s'));
    let msg = a.session.message.clone().unwrap();
    assert!(msg.starts_with("export failed: cannot write"), "{msg}");

    // A full disk: each file half written, then ENOSPC.
    struct Full;
    impl overparam::export::files::Sink for Full {
        fn write_new(&self, path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
            use std::io::Write;
            let mut f = std::fs::File::create_new(path)?;
            f.write_all(&bytes[..bytes.len() / 2])?;
            Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device"))
        }
    }
    let dir = tmp.path().join("full");
    let e = overparam::tui::app::export::export_to(&a.session, &dir, &Full).unwrap_err();
    assert!(e.to_string().contains("No space left"), "{e}");
    assert!(!dir.exists());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "only the plain file is there");

    // An empty histogram: everything but summary.json, and the status line says why.
    a.press(Key::Char('c'));
    a.session.out = Some(tmp.path().join("empty"));
    a.press(Key::Char('s'));
    let msg = a.session.message.clone().unwrap();
    assert!(msg.contains("no summary.json"), "{msg}");
    assert!(tmp.path().join("empty/data.csv").exists() && !tmp.path().join("empty/summary.json").exists());
}

#[test]
fn compare_view_and_zoom_render_at_every_size() {
    let mut a = app(&[]);
    a.press(Key::Char('C'));
    a.fill_now();
    for zoomed in [false, true] {
        a.session.zoomed = zoomed;
        for w in (1..=200).step_by(3) {
            for h in (1..=60).step_by(2) {
                let s = screen(&a, w, h);
                if w >= 80 && h >= 24 {
                    // Every model's title keeps its KS figure.
                    assert!(s.matches("KS 0.").count() >= 3, "{w}x{h}:\n{s}");
                }
            }
        }
    }
}

/// D cycles the data, demo → small → the --data file → demo, keeping the model, optimizer and
/// init, so the very model's gap (visible on the small preset) is one key away.
#[test]
fn d_cycles_the_data_keeping_the_model() {
    let mut a = app(&["--model", "very", "--init", "3"]);
    a.press(Key::Char('D'));
    assert_eq!(a.session.data.n(), 10);
    assert_eq!((a.session.current, a.session.line().run.init_index), (ModelKind::Very, 3));
    assert!(a.session.message.as_deref().is_some_and(|m| m.contains("small preset")));
    assert!(a.session.command_line().contains("--preset small"), "{}", a.session.command_line());
    a.press(Key::Char('D'));
    assert_eq!(a.session.data.n(), 100);
    assert!(a.session.command_line().contains("--preset demo"), "{}", a.session.command_line());

    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("mine.csv");
    std::fs::write(&file, "x,y\n1,1.1\n2,2.3\n3,2.8\n4,4.2\n5,5.1\n").unwrap();
    let mut b = app(&["--data", file.to_str().unwrap()]);
    // The file's 5 points less the one --holdout 0.2 keeps for the test error.
    for want in [100, 10, 4] {
        b.press(Key::Char('D'));
        assert_eq!(b.session.data.n(), want, "{:?}", b.session.message);
    }
    assert!(b.session.command_line().contains("--data "), "{}", b.session.command_line());
}

/// One's own data whose residual sd is far from σ: the inspector says so in the engine's words
/// (the same as `train` prints), and the quit line carries --columns.
#[test]
fn own_data_far_from_sigma_warns_in_the_inspector() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("tight.csv");
    let rows: String =
        (1..=20).map(|i| format!("{i},{},{}\n", 2.0 * i as f64 + 0.01 * ((i % 3) as f64 - 1.0), i)).collect();
    std::fs::write(&file, format!("x,y,id\n{rows}")).unwrap();
    let a = app(&["--data", file.to_str().unwrap(), "--columns", "x,y"]);
    let data = overparam::data::Dataset::read_csv(&file, &["x".to_string(), "y".to_string()]).unwrap();
    // The explorer trains on what --holdout 0.2 leaves (drawn from the seed), as `train` does.
    let (data, _) = overparam::risk::split_holdout(&data, 0.2, 42).unwrap();
    let words = overparam::data::sigma_check(&data, 1.0).warning.unwrap();
    assert_eq!(a.session.sigma_warning.as_deref(), Some(words.as_str()));
    let shown: String = screen(&a, 160, 48).lines().map(|l| l.trim_matches('"')).collect::<Vec<_>>().join(" ");
    assert!(shown.contains("warning: the data's residual sd"), "{shown}");
    assert!(a.session.command_line().contains("--columns x,y"), "{}", a.session.command_line());
}

/// With --ascii every byte drawn is ASCII, in every view of every model, the help and the tour
/// (borders, `·`, `θ`, `±`, arrows included).
#[test]
fn ascii_mode_draws_only_ascii_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = app(&["--ascii", "--n", "12", "--width", "16", "--out", tmp.path().to_str().unwrap()]);
    a.fill_now();
    let mut seen = 0;
    for _model in 0..4 {
        for view in ['v', 'p', 'C', 'R', 'z'] {
            for (w, h) in [(80, 24), (160, 48)] {
                let s = screen(&a, w, h);
                let bad: String = s.chars().filter(|c| !c.is_ascii()).collect();
                assert!(bad.is_empty(), "{:?} {view} {w}x{h}: {bad}\n{s}", a.session.current);
                seen += 1;
            }
            a.press(Key::Char(view));
        }
        a.press(Key::Char('m'));
    }
    a.press(Key::Char('?'));
    assert!(screen(&a, 80, 24).is_ascii());
    a.press(Key::Esc);
    a.press(Key::Char('T'));
    let s = screen(&a, 80, 24);
    assert!(s.contains("+Tour 1/") && s.is_ascii(), "{s}");
    a.press(Key::Char('L'));
    let s = screen(&a, 80, 24);
    assert!(s.contains("+Chapters") && s.is_ascii(), "{s}");
    assert!(seen >= 32);
}

/// The risk view's nets trained for real: asked for when the view shows, filled by the worker
/// (inline here) with the engine's numbers, drawn and exported, more with e, none with c, and
/// begun again under a new optimizer.
#[test]
fn the_risk_views_trained_nets_fill_in_with_the_engines_numbers() {
    use overparam::net::{Act, NetSpec, TrainMode};
    use overparam::risk::trained::{TRAINED_RUNS, TRAINED_WIDTHS, trained_errors};
    let mut a = app(&["--model", "slightly"]);
    a.fill_now();
    a.press(Key::Char('R'));
    let r = a.session.risk.as_ref().unwrap();
    assert!(r.filling() && r.trained.iter().all(|p| p.errors.is_empty() && p.target == TRAINED_RUNS));
    assert!(screen(&a, 160, 48).contains("nets 0/24"), "{}", screen(&a, 160, 48));
    a.fill_now();
    let (cfg, data, test) = (a.session.cfg(), a.session.data.clone(), a.session.test.clone());
    let r = a.session.risk.as_ref().unwrap();
    assert!(!r.filling());
    assert_eq!(r.trained.iter().map(|p| p.width).collect::<Vec<_>>(), TRAINED_WIDTHS);
    for p in &r.trained {
        // The nets `plot`'s risk.svg trains: ReLU, last layer, σn = σ, runs 0…7 of the seed.
        let net = NetSpec { width: p.width, act: Act::Relu, train: TrainMode::Last }.build(&data, 1.0).unwrap();
        let want: Vec<f64> =
            trained_errors(&net, &cfg, &test, 0..TRAINED_RUNS).unwrap().iter().map(|e| e.error).collect();
        assert_eq!(p.errors, want, "M = {}", p.width);
        assert_eq!(p.unconverged, 0);
    }
    let wide = screen(&a, 160, 48);
    assert!(wide.contains("24 nets"), "{wide}");
    insta::assert_snapshot!("risk_trained_80x24", screen(&a, 80, 24));
    // Exported as shown: the three widths' means ± se in risk.svg.
    let (files, _) = overparam::tui::app::export::session_files(&a.session);
    let svg = files.iter().find(|(n, _)| n == "risk.svg").map(|(_, b)| String::from_utf8(b.clone()).unwrap()).unwrap();
    svgcheck::check("risk.svg", &svg);
    assert!(svg.contains("8 nets trained by gd ± se (σn = 1.000)"), "risk.svg's legend");
    let trained = format!("fill=\"#{:02X}{:02X}{:02X}\"", 230, 140, 0);
    assert_eq!(svg.matches(&trained).count(), 3 + 1, "three dots and the legend's swatch");
    // e: eight more at each width; leaving the view stops them; c: none.
    a.press(Key::Char('e'));
    assert!(screen(&a, 160, 48).contains("nets 24/48"));
    a.press(Key::Char('R'));
    a.fill_now();
    a.press(Key::Char('R'));
    assert!(a.session.risk.as_ref().unwrap().trained.iter().all(|p| p.errors.len() == 8), "not trained while hidden");
    a.press(Key::Char('c'));
    let r = a.session.risk.as_ref().unwrap();
    assert!(!r.filling() && r.trained.iter().all(|p| p.errors.is_empty()));
    assert!(screen(&a, 160, 48).contains("nets: e adds"));
    // A new optimizer trains them again, under it.
    a.press(Key::Char('e'));
    a.fill_now();
    a.press(Key::Char('o'));
    a.tick();
    let r = a.session.risk.as_ref().unwrap();
    assert_eq!(r.cfg, a.session.cfg());
    assert_ne!(r.cfg.optimizer, cfg.optimizer);
    assert!(r.filling() && r.trained.iter().all(|p| p.errors.is_empty()));
}

/// Where the risk view cannot train its nets (cg refuses the net) it says why, and marks the
/// current net only on a curve it draws (σn = 0 or σ, not --noise-prior 0.5).
#[test]
fn the_risk_view_says_why_it_has_no_nets_and_marks_only_drawn_curves() {
    let mut a = app(&["--model", "slightly", "--optimizer", "cg"]);
    a.press(Key::Char('R'));
    a.fill_now();
    let r = a.session.risk.as_ref().unwrap();
    assert!(r.trained.iter().all(|p| p.error.as_deref().is_some_and(|e| e.starts_with("cg is refused for the net"))));
    let msg = a.session.message.clone().unwrap();
    assert!(msg.starts_with("risk view, nets at M = ") && msg.contains("cg is refused"), "{msg}");
    assert!(screen(&a, 160, 48).contains("nets 0 (failed)"));
    // The net at σn = 0.5: no curve of its own, so no ◆; at σn = 0 it sits on that curve.
    for (prior, marked) in [("0.5", false), ("0", true)] {
        let mut b = app(&["--model", "net", "--width", "64", "--train", "last", "--noise-prior", prior]);
        b.press(Key::Char('R'));
        assert_eq!(screen(&b, 100, 30).contains('◆'), marked, "--noise-prior {prior}");
    }
}

/// Part way through an erf curve (on its thread, as in the explorer): the title counts the
/// widths in, `s` writes no risk.svg yet, and the tour's risk numbers wait ("…").
#[test]
fn a_risk_view_part_way_says_so_and_exports_and_narrates_nothing_yet() {
    let mut a = app(&["--model", "slightly", "--act", "erf"]);
    a.set_background(overparam::tui::jobs::background::Mode::Thread);
    a.press(Key::Char('R'));
    let start = std::time::Instant::now();
    while a.session.risk.as_ref().unwrap().progress().0 == 0 {
        a.tick();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(start.elapsed().as_secs() < 120, "no width in two minutes");
    }
    let r = a.session.risk.as_ref().unwrap();
    // erf's widest widths take seconds each: the curve is still partial here.
    assert!(!r.done(), "{:?}", r.progress());
    let (done, all) = r.progress();
    let s = screen(&a, 80, 24);
    assert!(s.contains(&format!("Risk {done}/{all} widths")), "{s}");
    let (files, _) = overparam::tui::app::export::session_files(&a.session);
    assert!(!files.iter().any(|(n, _)| n == "risk.svg"), "a partial curve is not exported");
    let live = overparam::tui::session::live::fill("{risk_peak} {risk_widest}", &a.session);
    assert_eq!(live, "… …");
}

#[test]
fn snapshot_risk_view_and_its_numbers() {
    // The closed form arrives inline in tests: both curves, the threshold, the lines' errors.
    let mut a = app(&["--model", "slightly"]);
    a.press(Key::Char('R'));
    assert_eq!(a.session.view, View::Risk);
    let c = a.session.risk.as_ref().and_then(|r| r.curve.as_ref()).expect("the curve");
    assert_eq!(c.threshold_width, 99.0);
    assert!((c.lines.traditional.total - 0.0136).abs() < 5e-5);
    let s = screen(&a, 80, 24);
    assert!(s.contains("Risk trad 0.01358 sl 0.02312◀ very 0.02233"), "the current line is marked: {s}");
    let wide = screen(&a, 160, 48);
    assert!(wide.contains("Risk vs parameters · lines: traditional 0.01358 slightly 0.02312◀"), "{wide}");
    insta::assert_snapshot!("risk_slightly_80x24", s);
    // Without colour every series keeps a glyph of its own; --ascii draws ASCII only.
    a.session.color = false;
    insta::assert_snapshot!("risk_slightly_80x24_no_color", screen(&a, 80, 24));
    let mut b = app(&["--ascii", "--model", "net", "--width", "256"]);
    b.press(Key::Char('R'));
    let s = screen(&b, 80, 24);
    assert!(s.is_ascii(), "{s}");
    insta::assert_snapshot!("risk_net_80x24_ascii", s);
    // R again goes back to the slopes.
    b.press(Key::Char('R'));
    assert_eq!(b.session.view, View::Slopes);
}
