#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The explorer with and without the net's noise parameters: the live test error beside the
//! training loss (two named series on one axis), the inspector's test row, key E, and the quit
//! line carrying --noise-prior.

mod explorer_app;

use clap::Parser;
use explorer_app::{app, screen};
use overparam::args::Cli;
use overparam::risk::{TestSet, test_error};
use overparam::tui::keys::Key;

/// A net without noise parameters near its threshold: 17 trained parameters for 20 points.
const NEAR: [&str; 10] = ["--model", "net", "--noise-prior", "0", "--width", "16", "--train", "last", "--n", "20"];

#[test]
fn without_noise_parameters_the_test_error_falls_then_rises() {
    let mut a = app(&NEAR);
    // 100,000 steps, each chunk measured as a frame is: 10 at a time at first, then 1,000.
    for _ in 0..30 {
        a.run_steps(10);
    }
    while a.session.net.as_ref().unwrap().run.steps < 100_000 {
        a.run_steps(1000);
    }
    let net = a.session.net.as_ref().expect("the net is current");
    assert_eq!(net.net.k(), 49);
    let track = net.test.as_ref().expect("a test error");
    let errors: Vec<f64> = track.history.points().iter().map(|p| p.1).collect();
    let (first, last) = (errors[0], *errors.last().unwrap());
    let (best, at) = errors.iter().enumerate().fold((f64::INFINITY, 0), |b, (i, &e)| if e < b.0 { (e, i) } else { b });
    assert!(best < first / 5.0 && last > 2.0 * best, "falls then rises: {first} → {best} (point {at}) → {last}");
    // The error now is the engine's definition on the session's grid, for the run's f now.
    let grid = TestSet::grid(&a.session.data, 1.0);
    let want = test_error(&grid, &net.run.f_at(&grid.x).unwrap());
    assert!((track.error - want).abs() < 1e-12 * want, "{} vs {want}", track.error);
    let s = screen(&a, 80, 24);
    assert!(s.contains("train loss") && s.contains("test error"), "{s}");
    assert!(s.contains("stopped early") || a.session.message.is_none(), "{s}");
    insta::assert_snapshot!("noise_prior_0_loss_and_test_80x24", s);
}

#[test]
fn the_inspector_shows_both_and_a_line_has_its_test_error_too() {
    let mut a = app(&["--model", "traditional", "--optimizer", "exact"]);
    a.run_steps(1);
    let line = a.session.lines[0].as_ref().unwrap();
    let c = line.run.slope();
    let grid = TestSet::grid(&a.session.data, 1.0);
    // R = (c − slope)²·mean(x²) on the grid (THEORY.md, "Does it overfit?"): 0.0136 on the demo.
    let want = (c - 1.0).powi(2) * grid.mean_x2();
    let got = line.test.as_ref().unwrap().error;
    assert!((got - want).abs() < 1e-12 && (got - 0.0136).abs() < 5e-4, "{got} vs {want}");
    let s = screen(&a, 100, 30);
    let slope = overparam::format::sig4(c);
    assert!(s.contains(&format!("slope   {slope} · test {}", overparam::format::sig4(got))), "{s}");
    // The speed line keeps its row.
    assert!(s.contains("/frame"), "{s}");
}

#[test]
fn key_e_toggles_the_noise_parameters_and_the_quit_line_carries_them() {
    let mut a = app(&["--model", "net", "--width", "16", "--n", "20"]);
    assert_eq!(a.session.net.as_ref().unwrap().net.k(), 3 * 16 + 1 + 20);
    assert!(!a.session.command_line().contains("--noise-prior"), "{}", a.session.command_line());
    a.press(Key::Char('E'));
    let net = a.session.net.as_ref().unwrap();
    assert_eq!((net.net.k(), net.net.sigma), (49, 0.0));
    assert!(a.session.message.as_deref().unwrap_or("").contains("noise parameters off"), "{:?}", a.session.message);
    assert!(a.session.command_line().contains(" --noise-prior 0"), "{}", a.session.command_line());
    // The same network init: only ε is gone.
    let with = app(&["--model", "net", "--width", "16", "--n", "20"]);
    let (t0, t1) = (&net.run.theta0, &with.session.net.as_ref().unwrap().run.theta0);
    assert_eq!(t0.as_slice().unwrap(), &t1.as_slice().unwrap()[..49]);
    a.press(Key::Char('E'));
    let net = a.session.net.as_ref().unwrap();
    assert_eq!((net.net.k(), net.net.sigma), (69, 1.0));
    assert!(!a.session.command_line().contains("--noise-prior"), "{}", a.session.command_line());
    // On a line model the key says it is the net's, and the line is unchanged.
    let mut l = app(&["--model", "slightly"]);
    l.press(Key::Char('E'));
    assert!(l.session.message.as_deref().unwrap_or("").contains("(m shows the net)"), "{:?}", l.session.message);
    assert!(!l.session.command_line().contains("--noise-prior"), "{}", l.session.command_line());
}

#[test]
fn a_data_file_trains_the_explorer_on_what_the_holdout_leaves_as_train_does() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.csv");
    let csv = overparam::data::DataSpec { n: 30, ..Default::default() }.generate().unwrap().to_csv();
    std::fs::write(&file, csv).unwrap();
    let path = file.to_str().unwrap();
    let a = app(&["--data", path, "--holdout", "0.3"]);
    assert_eq!((a.session.data.n(), a.session.test.len()), (21, 9));
    let cli = Cli::parse_from(["overparam", "--data", path, "--holdout", "0.3"]);
    let (train, test) = cli.common.train_test().unwrap();
    assert_eq!((train.x.to_vec(), test.x.clone()), (a.session.data.x.to_vec(), a.session.test.x.clone()));
    let line = a.session.line();
    let track = line.test.as_ref().unwrap();
    assert!(matches!(track.set.kind, overparam::risk::TestKind::Holdout { points: 9, .. }), "{:?}", track.set.kind);
    // c·x against the held-out y.
    let c = line.run.slope();
    let want = test.x.iter().zip(&test.target).map(|(x, y)| (c * x - y).powi(2)).sum::<f64>() / 9.0;
    assert!((track.error - want).abs() < 1e-12 * want, "{} vs {want}", track.error);
}

#[test]
fn a_run_cut_at_steps_says_it_stopped_early_in_the_inspector() {
    let mut a = app(&[&NEAR[..], &["--steps", "2000"]].concat());
    a.press(Key::Char(' '));
    while a.session.running {
        a.run_steps(500);
    }
    let words = "stopped early at --steps 2000, not converged: early stopping acts as a ridge";
    assert_eq!(a.session.message.as_deref(), Some(words));
    let shown: String =
        screen(&a, 160, 48).lines().map(|l| l.trim_matches('"').trim_end()).collect::<Vec<_>>().join(" ");
    assert!(shown.contains("stopped early at --steps 2000"), "{shown}");
    assert!(shown.contains("Inspector ‖ paused") && !shown.contains("✓"), "never passes for converged: {shown}");
}
