#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `overparam plot`: the SVG figures parse, and hold the series and labels they promise, with
//! numbers from the same engine as the headless commands.

mod svgcheck;

use std::path::Path;
use svgcheck::{has, texts};

use assert_cmd::Command;

fn overparam() -> Command {
    Command::cargo_bin("overparam").unwrap()
}

/// Runs `plot` into `dir`; returns what it warned on stderr.
fn plot(dir: &Path, extra: &[&str]) -> String {
    let views = ["--views", "data,endpoints,loss"];
    let out = overparam().arg("plot").arg("--out").arg(dir).args(extra).args(views).output().unwrap();
    assert!(out.status.success(), "plot failed: {}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8(out.stdout).unwrap();
    assert_eq!(said, format!("wrote {}: data.svg endpoints.svg loss.svg\n", dir.display()));
    String::from_utf8(out.stderr).unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = overparam().args(args).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap()
}

const TRUE: &str = "#00963C";
const MLE: &str = "#DC8C00";
const RUN: &str = "#BE28AA";
const POSTERIOR: &str = "#0078C8";
const PREDICTED: &str = "#D22828";
const BARS: &str = "#7896DC";

/// The drawn series of one stroke colour, each as its pixel points, without the legend's samples
/// (a level stroke exactly 20 pixels long).
fn series(doc: &roxmltree::Document, stroke: &str) -> Vec<Vec<(f64, f64)>> {
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(stroke))
        .map(|n| {
            let pts = n.attribute("points").unwrap_or("");
            pts.split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect::<Vec<(f64, f64)>>()
        })
        .filter(|p| !(p.len() == 2 && p[0].1 == p[1].1 && (p[1].0 - p[0].0 - 20.0).abs() < 0.5))
        .collect()
}

/// Least squares pixel = a + b·value.
fn fit(pairs: &[(f64, f64)]) -> (f64, f64) {
    let n = pairs.len() as f64;
    let (mv, mp) = pairs.iter().fold((0.0, 0.0), |(a, b), &(v, p)| (a + v / n, b + p / n));
    let (sxy, sxx) =
        pairs.iter().fold((0.0, 0.0), |(a, b), &(v, p)| (a + (v - mv) * (p - mp), b + (v - mv) * (v - mv)));
    let b = sxy / sxx;
    (mp - b * mv, b)
}

/// The x axis's tick labels (numbers centred under the plot) against their pixel x.
fn x_ticks(doc: &roxmltree::Document) -> (f64, f64) {
    let ticks: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("middle"))
        .filter_map(|n| Some((n.text()?.trim().parse().ok()?, n.attribute("x")?.parse().ok()?)))
        .collect();
    assert!(ticks.len() >= 4, "x ticks: {ticks:?}");
    fit(&ticks)
}

/// data.svg: each line is y = c·x with the slope `train` reports, drawn inside the plot box
/// (both ends on the line: a clamped end would be off it).
/// The flags among `args` (flag, value pairs) that choose the data.
fn data_flags<'a>(args: &[&'a str]) -> Vec<&'a str> {
    const DATA: [&str; 7] = ["--seed", "--n", "--x", "--slope", "--noise", "--data", "--preset"];
    args.chunks(2).filter(|p| DATA.contains(&p[0])).flatten().copied().collect()
}

fn check_data(dir: &Path, args: &[&str]) -> Vec<String> {
    let src = std::fs::read_to_string(dir.join("data.svg")).unwrap();
    let doc = roxmltree::Document::parse(&src).unwrap();
    // `data` takes the data's flags only (it refuses the rest, as a flag it does not use).
    let data = json(&[&["data"], &data_flags(args)[..]].concat());
    let train = json(&[&["train"], args].concat());
    let (xs, ys) = (data["x"].as_array().unwrap(), data["y"].as_array().unwrap());
    let circles: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .map(|n| (n.attribute("cx").unwrap().parse().unwrap(), n.attribute("cy").unwrap().parse().unwrap()))
        .collect();
    assert_eq!(circles.len(), xs.len() + 1, "every point and the legend's marker");
    let px = fit(&xs.iter().zip(&circles).map(|(x, c)| (f(x), c.0)).collect::<Vec<_>>());
    let py = fit(&ys.iter().zip(&circles).map(|(y, c)| (f(y), c.1)).collect::<Vec<_>>());
    for (stroke, c) in [(TRUE, 1.0), (MLE, f(&train["mle"])), (RUN, f(&train["slope"]))] {
        let drawn = series(&doc, stroke);
        assert_eq!(drawn.len(), 1, "{stroke}: one line");
        assert_eq!(drawn[0].len(), 2, "{stroke}: a segment");
        for &(x, y) in &drawn[0] {
            let at = (x - px.0) / px.1;
            assert!((y - (py.0 + py.1 * c * at)).abs() <= 1.5, "{stroke}: ({x},{y}) is off y = {c}·x");
        }
    }
    texts(&doc)
}

/// endpoints.svg: the posterior peaks at THEORY.md's posterior mean (as `ensemble` reports it),
/// the predicted curve at the optimizer's predicted mean (absent for a point mass), and the
/// title has the ensemble's own mean ± std and KS.
fn check_endpoints(dir: &Path, args: &[&str], runs: &str) -> Vec<String> {
    let src = std::fs::read_to_string(dir.join("endpoints.svg")).unwrap();
    let doc = roxmltree::Document::parse(&src).unwrap();
    let ens = json(&[&["ensemble", "--runs", runs], args].concat());
    let (a, b) = x_ticks(&doc);
    // The middle of the curve's flat top (pixels round it to a few level points).
    let peak_at = |curve: &[(f64, f64)]| {
        let top = curve.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let xs: Vec<f64> = curve.iter().filter(|p| p.1 == top).map(|p| p.0).collect();
        (xs.iter().sum::<f64>() / xs.len() as f64 - a) / b
    };
    let tol = 2.0 / b.abs();
    let post = series(&doc, POSTERIOR);
    assert_eq!(post.len(), 1);
    assert_eq!(post[0].len(), 401, "the posterior curve");
    let mean = f(&ens["posterior"]["mean"]);
    assert!((peak_at(&post[0]) - mean).abs() < tol, "posterior peaks at {} not {mean}", peak_at(&post[0]));
    let pred = series(&doc, PREDICTED);
    if f(&ens["gd_endpoint"]["std"]) > 0.0 {
        assert_eq!(pred.len(), 1);
        let m = f(&ens["gd_endpoint"]["mean"]);
        assert!((peak_at(&pred[0]) - m).abs() < tol, "predicted peaks at {} not {m}", peak_at(&pred[0]));
    } else {
        assert!(pred.is_empty(), "a point mass has no curve");
    }
    let mle = series(&doc, MLE);
    assert_eq!(mle.len(), 1);
    assert!(((mle[0][0].0 - a) / b - f(&ens["mle"])).abs() < tol, "the MLE mark");
    let t = texts(&doc);
    let sig4 = |v: f64| overparam::format::sig4(v);
    let title = format!("{} ± {}", sig4(f(&ens["mean"])), sig4(f(&ens["std"])));
    assert!(has(&t, &title), "endpoints.svg title lacks {title}: {t:?}");
    assert!(has(&t, &format!("KS {:.3}", f(&ens["ks_posterior"]["d"]))), "{t:?}");
    let runs = overparam::format::thousands(runs.parse().unwrap());
    assert!(has(&t, &format!("{runs} inits")), "{t:?}");
    t
}

fn bars(dir: &Path) -> usize {
    let src = std::fs::read_to_string(dir.join("endpoints.svg")).unwrap();
    let doc = roxmltree::Document::parse(&src).unwrap();
    doc.descendants().filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(BARS)).count() - 1
}

/// loss.svg: the run's loss as a line of `want` points (a range), ending at the right edge.
fn check_loss(dir: &Path, want: std::ops::RangeInclusive<usize>) -> Vec<String> {
    let src = std::fs::read_to_string(dir.join("loss.svg")).unwrap();
    let doc = roxmltree::Document::parse(&src).unwrap();
    let line = series(&doc, RUN);
    assert_eq!(line.len(), 1, "one loss line");
    assert!(want.contains(&line[0].len()), "{} loss points, want {want:?}", line[0].len());
    assert!(line[0].windows(2).all(|w| w[0].0 <= w[1].0), "in step order");
    texts(&doc)
}

#[test]
fn gd_figures_show_the_theory_and_the_runs_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    assert_eq!(plot(&dir, &[]), "", "no warnings");
    let train = json(&["train"]);
    let sig4 = |v: f64| overparam::format::sig4(v);

    let t = check_data(&dir, &[]);
    assert!(has(&t, "slightly model · N = 100 · gd from init 0"), "{t:?}");
    assert!(!has(&t, "stopped"), "{t:?}");
    assert!(has(&t, "true slope 1.000"), "{t:?}");
    assert!(has(&t, &format!("MLE {}", sig4(f(&train["mle"])))), "{t:?}");
    assert!(has(&t, &format!("run {}", sig4(f(&train["slope"])))), "{t:?}");

    // gd's histogram is its closed-form limit: the ensemble's exact endpoints, the same numbers.
    let t = check_endpoints(&dir, &["--optimizer", "exact"], "2000");
    for label in ["posterior (Bayes)", "predicted for gd", "endpoints", "true 1.000", "endpoint slope c"] {
        assert!(has(&t, label), "endpoints.svg lacks {label}: {t:?}");
    }
    assert!(bars(&dir) > 20, "histogram bars");

    // gd gives its loss every step: ~10⁵ steps kept as at most 1000 buckets' extremes.
    let t = check_loss(&dir, 1000..=2001);
    let steps = overparam::format::thousands(train["steps"].as_u64().unwrap());
    assert!(has(&t, &format!("{steps} steps")), "{t:?}");
    // A real log axis: its labels are powers of ten, evenly spaced down the page.
    let src = std::fs::read_to_string(dir.join("loss.svg")).unwrap();
    let doc = roxmltree::Document::parse(&src).unwrap();
    let decades: Vec<(i32, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| {
            let s = n.text()?.trim();
            let e: i32 = s.strip_prefix("1e")?.parse().ok()?;
            Some((e, n.attribute("y")?.parse().ok()?))
        })
        .collect();
    assert!(decades.len() >= 5, "{t:?}");
    let per_decade: Vec<f64> = decades.windows(2).map(|w| (w[1].1 - w[0].1) / f64::from(w[0].0 - w[1].0)).collect();
    for d in &per_decade {
        assert!((d - per_decade[0]).abs() <= 1.0, "uneven decades: {decades:?}");
    }
}

#[test]
fn sgd_figures_have_a_loss_curve_and_trained_endpoints() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    let args = ["--optimizer", "sgd"];
    assert_eq!(plot(&dir, &[&args[..], &["--runs", "100"]].concat()), "");
    let train = json(&[&["train"], &args[..]].concat());
    check_data(&dir, &args);
    // sgd's endpoints are really trained: the same runs as `ensemble --optimizer sgd`.
    let t = check_endpoints(&dir, &args, "100");
    assert!(has(&t, "predicted for sgd"), "{t:?}");
    // One loss per epoch (N = 100 steps): ~2000 epochs, kept as at most 1000 buckets' extremes.
    let steps = train["steps"].as_u64().unwrap();
    assert!(steps > 100_000, "{steps}");
    let t = check_loss(&dir, 1000..=2001);
    assert!(has(&t, &format!("{} steps", overparam::format::thousands(steps))), "{t:?}");

    // Cut short: 30 epochs, 30 losses; the run, its figures and the histogram all say so.
    let dir = tmp.path().join("short");
    let warned = plot(&dir, &["--optimizer", "sgd", "--steps", "3000", "--runs", "50"]);
    assert!(
        warned.contains("warning: the run from init 0 stopped early at --steps 3000, not converged: early stopping acts as a ridge (tol "),
        "{warned}"
    );
    assert!(warned.contains("warning: 50 of 50 runs stopped before |∇L| < tol"), "{warned}");
    assert_eq!(warned.lines().count(), 2, "{warned}");
    check_loss(&dir, 30..=30);
    let t = check_endpoints(&dir, &["--optimizer", "sgd", "--steps", "3000"], "50");
    assert!(has(&t, "50 stopped short"), "{t:?}");
    for name in ["data.svg", "loss.svg"] {
        let src = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(src.contains("stopped early at --steps 3000"), "{name} does not say the run stopped short");
    }
}

#[test]
fn a_line_leaving_the_box_keeps_its_slope() {
    // One SGD step from init 0 fits one point: slope 1.63, which leaves the data's y-range
    // through the top well before the right edge.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    let args = ["--optimizer", "sgd", "--steps", "1"];
    plot(&dir, &[&args[..], &["--runs", "10"]].concat());
    assert!(f(&json(&[&["train"], &args[..]].concat())["slope"]) > 1.5);
    check_data(&dir, &args);
}

#[test]
fn exact_and_traditional_figures() {
    let tmp = tempfile::tempdir().unwrap();
    // exact: one jump, so the loss has two points, at the init and at the endpoint.
    let dir = tmp.path().join("exact");
    let args = ["--optimizer", "exact", "--model", "very", "--sources", "20"];
    assert_eq!(plot(&dir, &[&args[..], &["--runs", "500"]].concat()), "");
    let t = check_data(&dir, &args);
    assert!(has(&t, "very model · N = 100 · exact from init 0"), "{t:?}");
    check_endpoints(&dir, &args, "500");
    let t = check_loss(&dir, 2..=2);
    assert!(has(&t, "1 steps"), "{t:?}");

    // traditional: every init ends at the MLE, one bar, no predicted curve; the run's line is
    // the MLE's.
    let dir = tmp.path().join("traditional");
    let args = ["--model", "traditional"];
    assert_eq!(plot(&dir, &[&args[..], &["--runs", "300"]].concat()), "");
    check_data(&dir, &args);
    check_endpoints(&dir, &args, "300");
    assert_eq!(bars(&dir), 1, "a spike, not a spread");
}

#[test]
fn plot_writes_into_an_existing_folder_and_reports_bad_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    std::fs::create_dir(&dir).unwrap();
    let out = overparam().arg("plot").arg("--out").arg(&dir).args(["--runs", "20"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("wrote {}: data.svg endpoints.svg loss.svg ridge.svg drift.svg compare.svg\n", dir.display())
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 6);

    // A parent that is a regular file (tests run as root: permissions would not stop it).
    let file = tmp.path().join("plain");
    std::fs::write(&file, "").unwrap();
    let out = overparam().arg("plot").arg("--out").arg(file.join("figs")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: cannot write") && err.lines().count() == 1, "{err}");
    assert_eq!(err.matches("os error").count(), 1, "the OS's reason once: {err}");
}

#[test]
fn plot_rejects_options_that_do_not_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    let out =
        overparam().arg("plot").arg("--out").arg(&dir).args(["--optimizer", "cg", "--lr", "0.1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--lr has no effect with the cg optimizer"), "{err}");
    assert!(!dir.exists(), "nothing written on bad input");
    let out = overparam().arg("plot").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "--out is required");
}
