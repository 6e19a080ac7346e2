#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `overparam plot`'s figures of the explorer's views (ridge.svg, drift.svg, compare.svg, the
//! net's gap.svg) and `--views`: every figure passes the structural checks (ticks cover the
//! data, the legend covers no series, one number format in titles), and shows the numbers of the
//! headless commands and THEORY.md's closed forms.

mod svgcheck;

use std::path::Path;
use svgcheck::{has, texts};

use assert_cmd::Command;
use overparam::format::sig4;

fn overparam() -> Command {
    Command::cargo_bin("overparam").unwrap()
}

/// Runs `plot --out dir args`, checks it said it wrote `names`; returns stderr.
fn plot(dir: &Path, args: &[&str], names: &str) -> String {
    let out = overparam().arg("plot").arg("--out").arg(dir).args(args).output().unwrap();
    assert!(out.status.success(), "plot failed: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), format!("wrote {}: {names}\n", dir.display()));
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

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const LINE_FIGURES: &str = "data.svg endpoints.svg loss.svg ridge.svg drift.svg compare.svg";

#[test]
fn every_line_figure_passes_the_structural_checks_for_every_model_and_optimizer() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, args) in [
        &["--model", "slightly"][..],
        &["--model", "very"],
        &["--model", "traditional"],
        &["--model", "slightly", "--optimizer", "sgd", "--runs", "30"],
        &["--model", "very", "--optimizer", "whitened", "--sources", "20"],
        &["--preset", "small", "--model", "very"],
    ]
    .into_iter()
    .enumerate()
    {
        let dir = tmp.path().join(format!("figs{i}"));
        plot(&dir, args, LINE_FIGURES);
        for name in LINE_FIGURES.split(' ') {
            svgcheck::check(&format!("{args:?} {name}"), &read(&dir, name));
        }
    }
}

#[test]
fn the_loss_axis_labels_decades_past_both_ends_and_has_no_one_entry_legend() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    plot(&dir, &["--views", "loss"], "loss.svg");
    let src = read(&dir, "loss.svg");
    let doc = roxmltree::Document::parse(&src).unwrap();
    // The run ends near 1e-19: a label at or below its last loss (the review found 1e-15).
    let train = json(&["train"]);
    let last = f(&train["loss"]).log10();
    let decades: Vec<i32> = texts(&doc).iter().filter_map(|t| t.strip_prefix("1e")?.parse().ok()).collect();
    assert!(decades.iter().any(|&e| f64::from(e) <= last), "{decades:?} vs loss 1e{last}");
    assert!(svgcheck::legend_box(&doc).is_none(), "one series, no legend");
    assert!(has(&texts(&doc), &format!("{} steps", overparam::format::thousands(train["steps"].as_u64().unwrap()))));
}

/// The pixel box of each heat cell and its colour, from ridge.svg.
fn cells(doc: &roxmltree::Document) -> Vec<(f64, f64, String)> {
    doc.descendants()
        .filter(|n| {
            n.has_tag_name("rect") && n.attribute("stroke") == Some("none") && n.attribute("opacity") == Some("1")
        })
        .filter_map(|n| {
            // Narrower than the legend's 20-pixel samples.
            let w: f64 = n.attribute("width")?.parse().ok()?;
            (w > 5.0 && w < 19.5).then(|| {
                (
                    n.attribute("x").unwrap().parse().unwrap(),
                    n.attribute("y").unwrap().parse().unwrap(),
                    n.attribute("fill").unwrap().to_string(),
                )
            })
        })
        .collect()
}

#[test]
fn the_ridge_figure_shows_zero_loss_along_the_ridge_and_the_run_reaching_it() {
    let tmp = tempfile::tempdir().unwrap();
    for (model, dims) in [("slightly", "1 dimension ·"), ("very", "9,901 dimensions")] {
        let dir = tmp.path().join(model);
        plot(&dir, &["--model", model, "--views", "ridge"], "ridge.svg");
        let src = read(&dir, "ridge.svg");
        let doc = roxmltree::Document::parse(&src).unwrap();
        let t = texts(&doc);
        assert!(has(&t, &format!("the loss is zero along a ridge of {dims}")), "{t:?}");
        // THEORY.md: along null(J) the residual does not change, so the loss depends on the
        // across coordinate alone: every column of cells has one colour.
        let c = cells(&doc);
        assert_eq!(c.len(), 48 * 32, "the heat map's cells");
        let mut columns: std::collections::BTreeMap<i64, std::collections::BTreeSet<&str>> = Default::default();
        for (x, _, fill) in &c {
            columns.entry(x.round() as i64).or_default().insert(fill);
        }
        assert!(columns.values().all(|s| s.len() == 1), "a column changes colour along the ridge");
        // ... and it is lightest at the ridge (the middle columns), darkest at the edges.
        let shade = |s: &str| u32::from_str_radix(&s[1..3], 16).unwrap();
        let col: Vec<u32> = columns.values().map(|s| shade(s.iter().next().unwrap())).collect();
        let mid = col.len() / 2;
        assert!(col[mid] > col[0] && col[mid - 1] > col[col.len() - 1], "{col:?}");
        // The run starts at θ0, on the axis θ0 → θ*, and ends on the ridge at θ*.
        let frame = svgcheck::legend_box(&doc).unwrap().0.range().start;
        let run: Vec<(f64, f64)> = doc
            .descendants()
            .filter(|n| {
                n.range().start < frame && n.has_tag_name("polyline") && n.attribute("stroke") == Some("#BE28AA")
            })
            .flat_map(|n| {
                n.attribute("points")
                    .unwrap()
                    .split_whitespace()
                    .map(|p| {
                        let (x, y) = p.split_once(',').unwrap();
                        (x.parse::<f64>().unwrap(), y.parse::<f64>().unwrap())
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let circles: Vec<(f64, f64, String)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle"))
            .map(|n| {
                (
                    n.attribute("cx").unwrap().parse().unwrap(),
                    n.attribute("cy").unwrap().parse().unwrap(),
                    n.attribute("fill").unwrap().to_string(),
                )
            })
            .collect();
        let start = circles.iter().find(|c| c.2 == "#3C3C3C").unwrap();
        let end = circles.iter().find(|c| c.2 == "#DC8C00").unwrap();
        let ridge: Vec<f64> = doc
            .descendants()
            .filter(|n| {
                n.range().start < frame && n.has_tag_name("polyline") && n.attribute("stroke") == Some("#00963C")
            })
            .flat_map(|n| {
                n.attribute("points")
                    .unwrap()
                    .split_whitespace()
                    .map(|p| p.split_once(',').unwrap().0.parse::<f64>().unwrap())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(ridge.iter().all(|&x| (x - end.0).abs() <= 1.0), "θ* sits on the zero-loss line");
        assert!((run[0].0 - start.0).abs() <= 1.0 && (run[0].1 - start.1).abs() <= 1.0, "the path starts at θ0");
        let last = run[run.len() - 1];
        assert!((last.0 - end.0).abs() <= 1.0 && (last.1 - end.1).abs() <= 1.0, "the run ends at θ*: {last:?} {end:?}");
        assert!((start.1 - end.1).abs() <= 1.0, "θ0 lies on the across axis through θ*");
    }
    // The traditional model: a single minimum, at the MLE, and no ridge.
    let dir = tmp.path().join("traditional");
    plot(&dir, &["--model", "traditional", "--views", "ridge"], "ridge.svg");
    let t = texts(&roxmltree::Document::parse(&read(&dir, "ridge.svg")).unwrap());
    let mle = f(&json(&["train", "--model", "traditional"])["mle"]);
    assert!(has(&t, &format!("a peak, not a ridge · one minimum, at the MLE {}", sig4(mle))), "{t:?}");
}

#[test]
fn the_drift_figure_shows_the_sweep_and_its_power_law() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    plot(&dir, &["--views", "drift"], "drift.svg");
    let src = read(&dir, "drift.svg");
    let doc = roxmltree::Document::parse(&src).unwrap();
    let t = texts(&doc);
    let sweep = json(&["sweep"]);
    let b = f(&sweep["exponent"]);
    assert!((-0.6..=-0.4).contains(&b), "THEORY.md: about M^-1/2, got {b}");
    assert!(has(&t, &format!("fit M^{b:.2}")), "{t:?}");
    let train = json(&["train"]);
    assert!(has(&t, &format!("|θ−θ0|/|θ0| = {}", sig4(f(&train["rel_change"])))), "{t:?}");
    assert!(has(&t, "θ − θ0 of the 100 noise parameters (k = 101)"), "{t:?}");
    // One dot per M of the sweep, on a log axis: equal steps in log M are equal in pixels, and
    // the dots fall as M grows.
    let dots: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some("#BE28AA"))
        .map(|n| (n.attribute("cx").unwrap().parse().unwrap(), n.attribute("cy").unwrap().parse().unwrap()))
        .collect();
    assert_eq!(dots.len(), 4 + 1, "4 widths and the legend's dot");
    let d = &dots[..4];
    assert!(d.windows(2).all(|w| w[1].1 > w[0].1), "falling (down the page): {d:?}");
    let steps: Vec<f64> = d.windows(2).map(|w| w[1].0 - w[0].0).collect();
    assert!(steps.iter().all(|s| (s - steps[0]).abs() <= 1.0), "{steps:?}");
    // The pixel drop per decade of M matches the ratio of the sweep's rel_change.
    let rows = sweep["rows"].as_array().unwrap();
    let ratio = |i: usize| (f(&rows[i + 1]["rel_change"]) / f(&rows[i]["rel_change"])).log10();
    let per = (d[1].1 - d[0].1) / ratio(0);
    for i in 1..3 {
        assert!(((d[i + 1].1 - d[i].1) / ratio(i) - per).abs() < 0.05 * per.abs() + 1.0, "dot {i}");
    }
}

#[test]
fn the_compare_figure_shows_every_model_at_x_star_with_the_ensembles_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    plot(&dir, &["--views", "compare", "--runs", "500"], "compare.svg");
    let src = read(&dir, "compare.svg");
    let doc = roxmltree::Document::parse(&src).unwrap();
    let t = texts(&doc);
    assert!(has(&t, "every model at x* = 9.900, the data's far end"), "{t:?}");
    for model in ["traditional", "slightly", "very"] {
        let ens = json(&["ensemble", "--model", model, "--runs", "500", "--optimizer", "exact"]);
        // KS is unchanged by the map c ↦ c·x*: the ensemble's own figure.
        let title = format!("{model} · 500 runs · f(x*) ");
        let line = t.iter().find(|l| l.starts_with(&title)).unwrap_or_else(|| panic!("no {title}: {t:?}"));
        assert!(line.ends_with(&format!("KS {:.3}", f(&ens["ks_posterior"]["d"]))), "{line}");
        let mean = sig4(f(&ens["mean"]) * 9.9);
        assert!(line.contains(&format!("f(x*) {mean} ±")), "{line} lacks {mean}");
    }
    // The traditional model's endpoints are one point mass: its bar stands whole under the
    // axis's top tick (the review found it clipped), as does every bar (svgcheck).
    svgcheck::check("compare.svg", &src);
}

#[test]
fn the_point_mass_is_drawn_whole_as_a_density() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    plot(&dir, &["--model", "traditional", "--views", "endpoints", "--runs", "300"], "endpoints.svg");
    let src = read(&dir, "endpoints.svg");
    let doc = roxmltree::Document::parse(&src).unwrap();
    svgcheck::check("endpoints.svg", &src);
    // Pixels to values from the tick labels: the one bar's area (width × height) is 1.
    let ticks = |anchor: &str, attr: &str| -> Vec<(f64, f64)> {
        doc.descendants()
            .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some(anchor))
            .filter_map(|n| Some((n.text()?.trim().parse().ok()?, n.attribute(attr)?.parse().ok()?)))
            .collect()
    };
    let scale = |t: &[(f64, f64)]| (t[t.len() - 1].1 - t[0].1) / (t[t.len() - 1].0 - t[0].0);
    let (sx, sy) = (scale(&ticks("middle", "x")), scale(&ticks("end", "y")));
    let bars: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#7896DC"))
        .map(|n| (n.attribute("width").unwrap().parse().unwrap(), n.attribute("height").unwrap().parse().unwrap()))
        .collect();
    assert_eq!(bars.len(), 2, "one bar and the legend's sample");
    let area = (bars[0].0 / sx) * (bars[0].1 / sy).abs();
    // (a bar about 10 pixels wide: its whole-pixel ends leave ±10 %; a clipped bar held 0.09)
    assert!((area - 1.0).abs() < 0.15, "the point mass's bar holds all the density: {area}");
}

#[test]
fn views_picks_the_figures_and_refuses_ones_the_model_has_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    // In the figures' own order, whatever the order asked.
    plot(&dir, &["--views", "compare,ridge", "--runs", "50"], "ridge.svg compare.svg");
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["compare.svg", "ridge.svg"]);
    for (args, want) in [
        (
            &["--views", "gap"][..],
            "error: --views gap: no such figure for the linear models (traditional, slightly, very); it has data, endpoints, loss, ridge, drift, compare\n",
        ),
        (
            &["--views", "data,functions"],
            "error: --views functions: no such figure for the linear models (traditional, slightly, very); it has data, endpoints, loss, ridge, drift, compare\n",
        ),
    ] {
        let bad = tmp.path().join("bad");
        let out = overparam().arg("plot").arg("--out").arg(&bad).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), want);
        assert!(!bad.exists(), "nothing written on bad input");
    }
    let out =
        overparam().arg("plot").arg("--out").arg(tmp.path().join("bad")).args(["--views", "bogus"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bogus"));
}

#[test]
fn the_nets_gap_and_compare_figures_agree_with_predict_and_ensemble() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    let small = ["--model", "net", "--width", "64", "--runs", "12"];
    let all = "functions.svg data.svg endpoints.svg loss.svg ridge.svg drift.svg compare.svg gap.svg risk.svg";
    plot(&dir, &small, all);
    for name in all.split(' ') {
        svgcheck::check(name, &read(&dir, name));
    }
    // ridge.svg: the plane through the run's end, with θ0 at α = −1 and θ* at the origin, and
    // the zero-loss points off the null line (the ridge is curved with every layer trained).
    let t = texts(&roxmltree::Document::parse(&read(&dir, "ridge.svg")).unwrap());
    assert!(has(&t, "wide network (width 64, relu, all layers) · gd from init 0"), "{t:?}");
    assert!(has(&t, "zero-loss points from the null line, up to "), "{t:?}");
    // drift.svg: GD from the same init at widths 16, 64, 256, 1024; |θ−θ0|/|θ0| of the run as
    // `train` reports it.
    let t = texts(&roxmltree::Document::parse(&read(&dir, "drift.svg")).unwrap());
    let train = json(&["train", "--model", "net", "--width", "64"]);
    assert!(has(&t, &format!("|θ−θ0|/|θ0| = {}", sig4(f(&train["rel_change"])))), "{t:?}");
    let k = overparam::format::thousands(train["k"].as_u64().unwrap());
    assert!(has(&t, &format!("θ − θ0 of this run's {k} parameters")), "{t:?}");
    let src = read(&dir, "drift.svg");
    let doc = roxmltree::Document::parse(&src).unwrap();
    for (fill, what) in [("#BE28AA", "|θ−θ0|/|θ0|"), ("#D22828", "kernel change")] {
        let dots = doc.descendants().filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some(fill)).count();
        assert_eq!(dots, 4 + 1, "{what}: one dot per width and the legend's");
    }
    // gap.svg: the theories' gap at x* in posterior sds, as `predict` gives them (THEORY.md:
    // about 1.09 sd at the default x*), and the data's range shaded.
    let p = &json(&["predict", "--model", "net"])["points"][0];
    let gap = (f(&p["ntk_gp"]["mean"]) - f(&p["posterior"]["mean"])) / f(&p["posterior"]["std"]);
    assert!((gap.abs() - 1.09).abs() < 0.01, "{gap}");
    let t = texts(&roxmltree::Document::parse(&read(&dir, "gap.svg")).unwrap());
    assert!(has(&t, &format!("{} posterior sd apart at x* = 0.2970", sig4(gap))), "{t:?}");
    assert!(has(&t, "the data's x range"), "{t:?}");
    // compare.svg: the three lines and the net, each at the shared x* = 9.9.
    let t = texts(&roxmltree::Document::parse(&read(&dir, "compare.svg")).unwrap());
    let ens = json(&["ensemble", "--model", "net", "--width", "64", "--runs", "12", "--at", "9.9"]);
    let e = &ens["points"][0];
    let line = t.iter().find(|l| l.starts_with("net · 12 nets · ")).unwrap_or_else(|| panic!("{t:?}"));
    assert!(line.contains(&format!("f(x*) {} ± {}", sig4(f(&e["mean"])), sig4(f(&e["std"])))), "{line}");
    for model in ["traditional", "slightly", "very"] {
        assert!(has(&t, &format!("{model} · 12 runs")), "{t:?}");
    }
}
