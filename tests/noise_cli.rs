#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `--noise-prior` and the test error as a user meets them in `train`: the numbers against the
//! closed form, the words for a run cut short, the held-out split, and bad input.

use std::io::Write;

use assert_cmd::Command;
use overparam::data::DataSpec;
use overparam::net::{Act, NetSpec, TrainMode};
use serde_json::Value;

fn run(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("overparam").unwrap().args(args).output().unwrap()
}

fn json(args: &[&str]) -> Value {
    let out = run(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

/// Exit 2 with one line on stderr naming `needle`, nothing on stdout.
fn refused(args: &[&str], needle: &str) {
    let out = run(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("error:") && err.contains(needle), "{args:?}: {err}");
    assert!(out.stdout.is_empty());
}

/// mean over the 991-point grid of [0, 9.9] of g(x).
fn grid_mean(g: impl Fn(f64) -> f64) -> f64 {
    (0..991).map(|i| g(i as f64 * 0.01)).sum::<f64>() / 991.0
}

#[test]
fn the_lines_test_error_is_the_closed_form_on_the_grid() {
    for model in ["traditional", "slightly", "very"] {
        let j = json(&["train", "--model", model, "--format", "json"]);
        let c = f(&j["slope"]);
        let want = (c - 1.0).powi(2) * grid_mean(|x| x * x);
        assert!(
            (f(&j["test_error"]) - want).abs() < 1e-12 * want.max(1e-300),
            "{model}: {} vs {want}",
            j["test_error"]
        );
        assert_eq!(j["test_set"]["points"], 991);
        assert_eq!(j["test_set"]["kind"], "grid");
        assert!(j["test_set"]["describe"].as_str().unwrap().contains("991 points over [0, 9.9]"), "{}", j["test_set"]);
    }
    // The traditional line's error is THEORY.md's 0.0136 on the demo data.
    let j = json(&["train", "--model", "traditional", "--format", "json"]);
    assert!((f(&j["test_error"]) - 0.0136).abs() < 5e-4, "{}", j["test_error"]);
}

#[test]
fn the_nets_test_error_is_its_own_f_against_the_line() {
    let args = ["train", "--model", "net", "--noise-prior", "0", "--width", "40", "--train", "last"];
    let j = json(&[&args[..], &["--steps", "500", "--format", "json", "--dump-params"]].concat());
    assert_eq!((j["k"].as_u64(), j["ridge_dim"].as_i64(), f(&j["noise_prior"])), (Some(121), Some(21), 0.0));
    assert_eq!(j["converged"], false);
    // f rebuilt from the dumped θ, on the grid, against y = x.
    let theta: Vec<f64> = j["theta"].as_array().unwrap().iter().map(f).collect();
    let data = DataSpec::default().generate().unwrap();
    let net = NetSpec { width: 40, act: Act::Relu, train: TrainMode::Last }.build(&data, 0.0).unwrap();
    let grid: Vec<f64> = (0..991).map(|i| i as f64 * 0.01).collect();
    let fx = net.f_data(&theta, &grid);
    let want = fx.iter().zip(&grid).map(|(a, x)| (a - x).powi(2)).sum::<f64>() / 991.0;
    assert!((f(&j["test_error"]) - want).abs() < 1e-12 * want, "{} vs {want}", j["test_error"]);
    // The text says the run was cut short, and which test set the error is on.
    let out = run(&[&args[..], &["--steps", "500"]].concat());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("500 (stopped early at --steps 500, not converged: early stopping acts as a ridge"),
        "{text}"
    );
    assert!(text.contains("no noise parameters (σn = 0)"), "{text}");
    let row = text.lines().find(|l| l.starts_with("test error")).expect("a test error row");
    assert!(row.contains("mean squared error against the true line y = 1·x on 991 points over [0, 9.9]"), "{row}");
}

#[test]
fn below_the_threshold_the_net_has_no_ridge_and_says_so() {
    let out = run(&["train", "--model", "net", "--noise-prior", "0", "--width", "10", "--optimizer", "exact"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("k = 31 parameters")
            && text.contains("ridge dimension none: k ≤ N, GD ends at the least-squares fit closest to θ0"),
        "{text}"
    );
    let j =
        json(&["train", "--model", "net", "--noise-prior", "0", "--width", "10", "--format", "json", "--steps", "5"]);
    assert_eq!(j["ridge_dim"].as_i64(), Some(31 - 100));
    // By default σn = --noise: the noise parameters are there.
    let j = json(&["train", "--model", "net", "--width", "10", "--noise", "0.5", "--format", "json", "--steps", "5"]);
    assert_eq!((j["k"].as_u64(), f(&j["noise_prior"])), (Some(131), 0.5));
}

#[test]
fn a_data_file_holds_out_a_share_drawn_from_the_seed() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(run(&["data", "--n", "30", "--x", "uniform"]).stdout.as_slice()).unwrap();
    let path = file.path().to_str().unwrap();
    let train = |extra: &[&str]| json(&[&["train", "--data", path, "--format", "json"], extra].concat());
    let (a, b, other) = (train(&[]), train(&[]), train(&["--seed", "7"]));
    assert_eq!((a["n"].as_u64(), a["test_set"]["points"].as_u64()), (Some(24), Some(6)));
    assert_eq!(a["test_set"]["kind"], "holdout");
    assert!(a["test_set"]["describe"].as_str().unwrap().contains("6 held-out points"), "{}", a["test_set"]);
    assert_eq!(a["data"], b["data"], "the same seed holds out the same points");
    assert_ne!(a["data"]["x"], other["data"]["x"], "another seed, other points");
    let shares = train(&["--holdout", "0.5"]);
    assert_eq!((shares["n"].as_u64(), shares["test_set"]["points"].as_u64()), (Some(15), Some(15)));
    // The error is the mean squared error of c·x on the held-out points: every point is in one
    // of the two sets, so the held-out ones are the file's points missing from the training data.
    let all = json(&["data", "--data", path, "--format", "json"]);
    let c = f(&a["slope"]);
    let kept: Vec<f64> = a["data"]["x"].as_array().unwrap().iter().map(f).collect();
    let (xs, ys) = (all["x"].as_array().unwrap(), all["y"].as_array().unwrap());
    let held: Vec<(f64, f64)> =
        xs.iter().zip(ys).map(|(x, y)| (f(x), f(y))).filter(|(x, _)| !kept.contains(x)).collect();
    assert_eq!(held.len(), 6);
    let want = held.iter().map(|(x, y)| (c * x - y).powi(2)).sum::<f64>() / 6.0;
    assert!((f(&a["test_error"]) - want).abs() < 1e-12 * want, "{} vs {want}", a["test_error"]);
}

#[test]
fn bad_noise_priors_and_holdouts_are_refused_in_one_line() {
    for bad in ["-1", "nan", "inf", "x"] {
        refused(&["train", "--model", "net", "--noise-prior", bad], "--noise-prior");
    }
    refused(&["train", "--noise-prior", "0"], "--noise-prior applies to --model net only");
    refused(&["train", "--noise-prior", "0"], "traditional model is the one without noise parameters");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/example.csv");
    for bad in ["0", "1", "-0.2", "nan"] {
        refused(&["train", "--data", path, "--holdout", bad], "--holdout");
    }
    refused(&["train", "--holdout", "0.2"], "--data");
    refused(&["ensemble", "--data", path, "--holdout", "0.3"], "`ensemble` does not use --holdout");
}
