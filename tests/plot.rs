#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `overparam plot`: the SVG figures parse, and hold the series and labels they promise, with
//! numbers from the same engine as the headless commands.

use std::path::Path;

use assert_cmd::Command;

fn overparam() -> Command {
    Command::cargo_bin("overparam").unwrap()
}

fn plot(dir: &Path, extra: &[&str]) {
    let out = overparam().arg("plot").arg("--out").arg(dir).args(extra).output().unwrap();
    assert!(out.status.success(), "plot failed: {}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8(out.stdout).unwrap();
    assert_eq!(said, format!("wrote {}: data.svg endpoints.svg loss.svg\n", dir.display()));
}

/// Every text element's content, trimmed.
fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants().filter(|n| n.has_tag_name("text")).map(|n| n.text().unwrap_or("").trim().to_string()).collect()
}

fn count(doc: &roxmltree::Document, tag: &str) -> usize {
    doc.descendants().filter(|n| n.has_tag_name(tag)).count()
}

fn has(texts: &[String], needle: &str) -> bool {
    texts.iter().any(|t| t.contains(needle))
}

fn train_json(args: &[&str]) -> serde_json::Value {
    let out = overparam().args(["train", "--format", "json"]).args(args).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn figures_parse_and_show_their_series() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    plot(&dir, &[]);
    let train = train_json(&[]);
    let sig4 = |v: f64| overparam::format::sig4(v);

    let src = std::fs::read_to_string(dir.join("data.svg")).unwrap();
    let doc = roxmltree::Document::parse(&src).unwrap();
    let t = texts(&doc);
    assert!(has(&t, "slightly model · N = 100 · gd from init 0"), "{t:?}");
    assert!(has(&t, "true slope 1.000"), "{t:?}");
    assert!(has(&t, &format!("MLE {}", sig4(train["mle"].as_f64().unwrap()))), "{t:?}");
    assert!(has(&t, &format!("run {}", sig4(train["slope"].as_f64().unwrap()))), "{t:?}");
    // 100 points and the legend's marker; three lines, each with its legend sample.
    assert_eq!(count(&doc, "circle"), 101);
    assert!(count(&doc, "polyline") >= 3, "the true, MLE and run lines");

    let src = std::fs::read_to_string(dir.join("endpoints.svg")).unwrap();
    let doc = roxmltree::Document::parse(&src).unwrap();
    let t = texts(&doc);
    for label in ["posterior (Bayes)", "predicted for gd", "endpoints", "true 1.000", "2000 inits", "endpoint slope c"]
    {
        assert!(has(&t, label), "endpoints.svg lacks {label}: {t:?}");
    }
    let ens: serde_json::Value = serde_json::from_slice(
        &overparam().args(["ensemble", "--runs", "2000", "--format", "json"]).output().unwrap().stdout,
    )
    .unwrap();
    // gd's histogram is its closed-form limit: the ensemble's exact endpoints, the same numbers.
    let title = format!("{} ± {}", sig4(ens["mean"].as_f64().unwrap()), sig4(ens["std"].as_f64().unwrap()));
    assert!(has(&t, &title), "endpoints.svg title lacks {title}: {t:?}");
    assert!(has(&t, &format!("KS {:.3}", ens["ks_posterior"]["d"].as_f64().unwrap())), "{t:?}");
    assert!(count(&doc, "rect") > 20, "histogram bars");

    let src = std::fs::read_to_string(dir.join("loss.svg")).unwrap();
    let doc = roxmltree::Document::parse(&src).unwrap();
    let t = texts(&doc);
    assert!(has(&t, &format!("{} steps", train["steps"])), "{t:?}");
    // A real log axis: its labels are powers of ten, evenly spaced down the page.
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
fn plot_never_overwrites_and_reports_bad_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    std::fs::create_dir(&dir).unwrap();
    let out = overparam().arg("plot").arg("--out").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already exists") && err.lines().count() == 1, "{err}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);

    // A parent that is a regular file (tests run as root: permissions would not stop it).
    let file = tmp.path().join("plain");
    std::fs::write(&file, "").unwrap();
    let out = overparam().arg("plot").arg("--out").arg(file.join("figs")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: cannot write") && err.lines().count() == 1, "{err}");
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
