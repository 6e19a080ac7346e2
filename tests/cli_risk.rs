#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `overparam risk` (issue 18): its numbers against the engine's closed forms and THEORY.md,
//! nets trained for real against the closed form, its three formats, and bad input.

use assert_cmd::Command;
use serde_json::Value;

fn overparam() -> Command {
    Command::cargo_bin("overparam").unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = overparam().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).unwrap()
}

/// One line on stderr naming `needle`, exit 2, nothing on stdout.
fn refused(args: &[&str], needle: &str) {
    let out = overparam().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: stderr {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line:\n{err}");
    assert!(err.starts_with("error:") && err.contains(needle), "{args:?}: `{err}` lacks `{needle}`");
    assert!(!err.contains("panicked") && out.stdout.is_empty());
}

#[test]
fn risk_json_has_the_theory_numbers_and_the_threshold() {
    let j = json(&["risk", "--model", "net", "--widths", "10,16384", "--draws", "4", "--format", "json"]);
    assert_eq!(j["n"], 100);
    assert_eq!(j["train"], "last");
    assert_eq!(j["test"]["kind"], "grid");
    assert_eq!(j["test_points"], 991);
    assert_eq!(j["threshold_width"], 99.0);
    assert_eq!(j["threshold_params"], 100);
    assert_eq!(j["line_params"], serde_json::json!([1, 101, 10001]));
    // Default σn: 0 and --noise (1): rows ordered by σn, then width.
    let rows = j["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        (rows[0]["noise_prior"].as_f64(), rows[0]["width"].as_u64(), rows[0]["k"].as_u64()),
        (Some(0.0), Some(10), Some(31))
    );
    assert_eq!((rows[3]["noise_prior"].as_f64(), rows[3]["k"].as_u64()), (Some(1.0), Some(3 * 16384 + 1 + 100)));
    assert_eq!((rows[0]["p"].as_u64(), rows[3]["p"].as_u64()), (Some(11), Some(16384 + 1 + 100)));
    for r in rows {
        let c = &r["closed_form"];
        let (mean, err, var) =
            (c["mean"].as_f64().unwrap(), c["mean_error"].as_f64().unwrap(), c["variance"].as_f64().unwrap());
        assert!((mean - (err + var)).abs() < 1e-12 * mean.max(1.0), "{r}");
        assert!(c["se"].as_f64().unwrap() > 0.0 && c["median"].as_f64().unwrap() > 0.0);
    }
    let inf = j["infinite"].as_array().unwrap();
    assert_eq!(inf[0]["kind"], "nngp");
    assert!((inf[0]["expected"]["total"].as_f64().unwrap() - 0.839).abs() < 1e-3);
    assert!((inf[1]["expected"]["total"].as_f64().unwrap() - 0.0565).abs() < 1e-4);
    // Wide nets approach it; σn = 1 at M = 16384 within 3%.
    let wide = rows[3]["closed_form"]["mean"].as_f64().unwrap();
    assert!((wide / 0.0565 - 1.0).abs() < 0.03, "{wide}");
    assert!((j["lines"]["traditional"]["total"].as_f64().unwrap() - 0.0136).abs() < 5e-5);
}

#[test]
fn risk_text_and_csv_say_what_they_measure() {
    let t = ok(&["risk", "--model", "net", "--widths", "64,128", "--draws", "2"]);
    assert!(t.contains("mean squared error against the true line y = 1·x on 991 points over [0, 9.9]"), "{t}");
    assert!(t.contains("interpolation threshold: trained parameters p = N = 100 at M = 99"), "{t}");
    assert!(t.contains("── p > N = 100 at every width: the noise parameters are a ridge"), "{t}");
    assert_eq!(t.matches("interpolation threshold").count(), 1, "σn = 0 alone has one: {t}");
    assert!(t.contains("\n    64     193      65 ") && t.contains("\n    64     293     165 "), "k and p: {t}");
    assert!(t.contains("  very          10001 "), "the lines' p: {t}");
    assert!(t.contains("σn = 0 (no noise parameters"), "{t}");
    assert!(t.contains("(width → ∞: the NNGP posterior)") && t.contains("traditional"), "{t}");
    let threshold = t.find("interpolation threshold").unwrap();
    assert!(t.find("\n    64 ").unwrap() < threshold && threshold < t.find("\n   128 ").unwrap(), "{t}");
    let c = ok(&["risk", "--model", "net", "--widths", "8", "--draws", "2", "--noise-prior", "0.5", "--format", "csv"]);
    let lines: Vec<&str> = c.lines().collect();
    assert!(lines[0].starts_with("row,noise_prior,width,k,p,expected,"));
    assert!(lines[1].starts_with("net,0.5,8,125,109,"), "{c}");
    assert!(lines[2].starts_with("nngp,0.5,inf,"), "{c}");
    assert_eq!(lines.len(), 6);
    // All layers: no closed form at finite width, the NTK-GP at infinite width.
    let a = json(&["risk", "--model", "net", "--train", "all", "--widths", "8", "--format", "json"]);
    assert!(a["rows"][0].get("closed_form").is_none());
    assert_eq!(a["infinite"][0]["kind"], "ntk-gp");
    assert_eq!(a["threshold_width"], 33.0);
}

#[test]
fn trained_last_layer_nets_match_the_closed_form() {
    // M = 1024, σn = 1: 64 nets trained by GD (init r, whose features are draw r) against the
    // closed form over the same 64 draws.
    let j = json(&[
        "risk",
        "--model",
        "net",
        "--widths",
        "1024",
        "--noise-prior",
        "1",
        "--draws",
        "64",
        "--trained",
        "64",
        "--format",
        "json",
    ]);
    let r = &j["rows"][0];
    let closed = r["closed_form"]["mean"].as_f64().unwrap();
    let (mean, se) = (r["trained"]["mean"].as_f64().unwrap(), r["trained"]["se"].as_f64().unwrap());
    assert_eq!(r["trained"]["converged"], 64);
    assert!((mean - closed).abs() < 3.0 * se, "trained {mean} ± {se}, closed form {closed}");
    assert!(se < 0.2 * closed, "se {se}: the test must be able to fail");
}

#[test]
fn risk_refuses_bad_input_in_one_line() {
    fn with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
        ["risk", "--model", "net"].into_iter().chain(extra.iter().copied()).collect()
    }
    refused(&with(&["--noise-prior", "-1"]), "--noise-prior");
    refused(&with(&["--noise-prior", "nan"]), "--noise-prior");
    refused(&with(&["--noise-prior", "0,inf"]), "--noise-prior");
    refused(&with(&["--widths", ""]), "--widths");
    refused(&with(&["--widths", "0"]), "--widths");
    refused(&with(&["--widths", "4,0"]), "--widths");
    refused(&with(&["--draws", "0"]), "--draws");
    refused(&with(&["--trained", "0"]), "--trained");
    refused(&with(&["--width", "8"]), "--width");
    refused(&with(&["--steps", "10"]), "without --trained nothing is trained");
    refused(&with(&["--widths", "99999999"]), "--widths takes widths from 1 to");
    refused(&["risk"], "use --model net");
}
