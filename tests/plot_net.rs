#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `overparam plot --model net`: the five SVG figures parse, hold the series they promise (told
//! apart by stroke colour and legend label), and show the same numbers as `predict` and
//! `ensemble` for the same settings. Small nets and few runs, so the debug build stays quick.

mod svgcheck;

use std::path::Path;
use svgcheck::{has, texts};

use assert_cmd::Command;
use overparam::export::net_plot::{NETS, NTK_GP, POINTS, POSTERIOR, RUN, TRUE};
use overparam::format::sig4;
use plotters::style::RGBColor;

const SMALL: [&str; 6] = ["--model", "net", "--width", "64", "--runs", "12"];

fn overparam() -> Command {
    Command::cargo_bin("overparam").unwrap()
}

/// Runs `plot --out dir` with `args`; returns stderr.
fn plot(dir: &Path, args: &[&str]) -> String {
    let out = overparam().arg("plot").arg("--out").arg(dir).args(args).output().unwrap();
    assert!(out.status.success(), "plot failed: {}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8(out.stdout).unwrap();
    let all = "functions.svg data.svg endpoints.svg loss.svg ridge.svg drift.svg compare.svg gap.svg risk.svg";
    assert_eq!(said, format!("wrote {}: {all}\n", dir.display()));
    String::from_utf8(out.stderr).unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = overparam().args(args).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Polylines drawn in colour `c`.
fn strokes(doc: &roxmltree::Document, c: RGBColor) -> usize {
    let h = hex(c);
    doc.descendants().filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(h.as_str())).count()
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap()
}

#[test]
fn the_four_figures_parse_and_agree_with_predict_and_ensemble() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    let warned = plot(&dir, &SMALL);
    assert_eq!(warned, "", "every net converges at the defaults");
    let predict = json(&["predict", "--model", "net"]);
    let ens = json(&["ensemble", "--model", "net", "--width", "64", "--runs", "12"]);
    let p = &predict["points"][0];
    let x_star = f(&predict["at"][0]);
    assert_eq!(f(&ens["at"][0]), x_star);

    // functions.svg: the nets' band and the two theory bands, with their numbers at x*.
    let src = read(&dir, "functions.svg");
    let doc = roxmltree::Document::parse(&src).unwrap();
    let t = texts(&doc);
    assert!(has(&t, "wide network (width 64, relu, all layers) · 12 nets, gd"), "{t:?}");
    let e = &ens["points"][0];
    for label in [
        format!("trained nets: at x* {} ± {}", sig4(f(&e["mean"])), sig4(f(&e["std"]))),
        format!("NTK-GP: at x* {} ± {}", sig4(f(&p["ntk_gp"]["mean"])), sig4(f(&p["ntk_gp"]["std"]))),
        format!("posterior (Bayes): at x* {} ± {}", sig4(f(&p["posterior"]["mean"])), sig4(f(&p["posterior"]["std"]))),
        format!("x* = {}", sig4(x_star)),
        "data".to_string(),
    ] {
        assert!(has(&t, &label), "functions.svg lacks {label}: {t:?}");
    }
    // The nets: a mean line, two edges and the legend sample; the theories dashed (many pieces).
    assert_eq!(strokes(&doc, NETS), 4);
    assert!(strokes(&doc, NTK_GP) > 30, "the NTK-GP's dashed lines");
    assert!(strokes(&doc, POSTERIOR) > 30, "the posterior's dashed lines");
    let filled = doc.descendants().filter(|n| n.has_tag_name("polygon") && n.attribute("fill") == Some(&hex(NETS)));
    assert_eq!(filled.count(), 1, "the nets' band is filled");
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("circle")).count(), 101, "100 points and the legend's");

    // data.svg: points, the true line and the run from --init.
    let src = read(&dir, "data.svg");
    let doc = roxmltree::Document::parse(&src).unwrap();
    let t = texts(&doc);
    for label in ["N = 100 · gd from init 0", "true line, slope 1.000", "trained net f, init 0"] {
        assert!(has(&t, label), "data.svg lacks {label}: {t:?}");
    }
    assert_eq!(strokes(&doc, TRUE), 2, "the true line and its legend sample");
    assert_eq!(strokes(&doc, RUN), 2, "the run's curve and its legend sample");
    let fill = hex(POINTS);
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some(&fill)).count(),
        101
    );

    // endpoints.svg: the histogram holds every net once, the theories are named with their numbers.
    let src = read(&dir, "endpoints.svg");
    let doc = roxmltree::Document::parse(&src).unwrap();
    let t = texts(&doc);
    for label in [
        format!("f(x* = {}) of 12 nets (gd) · {} ± {}", sig4(x_star), sig4(f(&e["mean"])), sig4(f(&e["std"]))),
        format!("NTK-GP {} ± {}", sig4(f(&p["ntk_gp"]["mean"])), sig4(f(&p["ntk_gp"]["std"]))),
        format!("posterior (Bayes) {} ± {}", sig4(f(&p["posterior"]["mean"])), sig4(f(&p["posterior"]["std"]))),
        format!("KS vs NTK-GP {:.3}, vs posterior {:.3}", f(&e["ks_ntk_gp"]["d"]), f(&e["ks_posterior"]["d"])),
    ] {
        assert!(has(&t, &label), "endpoints.svg lacks {label}: {t:?}");
    }
    assert_eq!(histogram_count(&doc), 12);
    assert_eq!(strokes(&doc, NTK_GP), 2);
    assert_eq!(strokes(&doc, POSTERIOR), 2);

    // loss.svg: the run's step count as `train` reports it, on a log axis of whole decades.
    let train = json(&["train", "--model", "net", "--width", "64"]);
    let src = read(&dir, "loss.svg");
    let doc = roxmltree::Document::parse(&src).unwrap();
    let t = texts(&doc);
    let steps = train["steps"].as_u64().unwrap();
    assert!(has(&t, &format!("{} steps, converged", overparam::format::thousands(steps))), "{t:?}");
    let decades: Vec<(i32, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| {
            let e: i32 = n.text()?.trim().strip_prefix("1e")?.parse().ok()?;
            Some((e, n.attribute("y")?.parse().ok()?))
        })
        .collect();
    assert!(decades.len() >= 5, "{t:?}");
    let per: Vec<f64> = decades.windows(2).map(|w| (w[1].1 - w[0].1) / f64::from(w[0].0 - w[1].0)).collect();
    assert!(per.iter().all(|d| (d - per[0]).abs() <= 1.0 && *d > 0.0), "uneven decades: {decades:?}");
}

/// The nets in the histogram: each bar's height in counts, read against the y axis's labels.
fn histogram_count(doc: &roxmltree::Document) -> u64 {
    // The y axis's labels are right-aligned: (value, pixel y).
    let ticks: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("end"))
        .filter_map(|n| Some((n.text()?.trim().parse().ok()?, n.attribute("y")?.parse().ok()?)))
        .collect();
    let zero = ticks.iter().find(|(v, _)| *v == 0.0).expect("a 0 tick").1;
    let top = ticks.iter().copied().fold((0.0, zero), |a, t| if t.0 > a.0 { t } else { a });
    let per_count = (zero - top.1) / top.0;
    assert!(per_count > 10.0, "a count is {per_count} px: too small to read back");
    let fill = hex(NETS);
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(&fill))
        .filter_map(|n| {
            let y: f64 = n.attribute("y")?.parse().ok()?;
            let h: f64 = n.attribute("height")?.parse().ok()?;
            // Bars stand on the axis; the legend's sample does not.
            ((y + h - zero).abs() <= 1.0).then(|| (h / per_count).round() as u64)
        })
        .sum()
}

#[test]
fn unconverged_nets_are_warned_about_and_titled() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    let warned = plot(&dir, &[&SMALL[..], &["--steps", "5"]].concat());
    assert_eq!(warned.lines().count(), 1, "{warned}");
    assert!(warned.starts_with("warning: 12 of 12 nets stopped before |∇L| < tol"), "{warned}");
    for name in ["functions.svg", "endpoints.svg"] {
        let src = read(&dir, name);
        let t = texts(&roxmltree::Document::parse(&src).unwrap());
        assert!(has(&t, "12 of 12 UNCONVERGED"), "{name}: {t:?}");
    }
    let t = texts(&roxmltree::Document::parse(&read(&dir, "loss.svg")).unwrap());
    assert!(has(&t, "5 steps, UNCONVERGED"), "{t:?}");
}

#[test]
fn exact_is_called_linearized() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    plot(&dir, &[&SMALL[..], &["--optimizer", "exact"]].concat());
    for name in ["functions.svg", "data.svg", "endpoints.svg", "loss.svg", "risk.svg"] {
        let t = texts(&roxmltree::Document::parse(&read(&dir, name)).unwrap());
        assert!(has(&t, "exact (linearized)"), "{name}: {t:?}");
    }
}

#[test]
fn bad_options_are_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    for (extra, says) in [
        (&["--optimizer", "cg"][..], "cg is refused for the net"),
        (&["--optimizer", "whitened"][..], "whitened is refused for the net"),
        (&["--optimizer", "exact", "--lr", "0.1"][..], "--lr has no effect with the exact optimizer"),
        (&["--sources", "3"][..], "--sources applies to the very model"),
        // Values in usage errors are quoted and cut, as clap quotes them (issue 21).
        (&["--at", "nan"][..], "invalid value 'nan' for '--at <AT>': not a finite number"),
        (&["--runs", "0"][..], "--runs"),
        (&["--width", "0"][..], "--width"),
    ] {
        let out = overparam().arg("plot").arg("--out").arg(&dir).args(["--model", "net"]).args(extra).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(says) && err.lines().count() == 1, "{extra:?}: {err}");
        assert!(!dir.exists(), "{extra:?} wrote a folder");
    }
    // An existing folder is written into: the figures of those names are replaced, whole, and
    // the line says which; other files stay.
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("functions.svg"), "old").unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = overparam().arg("plot").arg("--out").arg(&dir).args(SMALL).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "wrote {}: functions.svg data.svg endpoints.svg loss.svg ridge.svg drift.svg compare.svg gap.svg risk.svg (replaced functions.svg)\n",
            dir.display()
        )
    );
    assert!(roxmltree::Document::parse(&read(&dir, "functions.svg")).is_ok());
    assert_eq!(read(&dir, "notes.txt"), "mine");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 10);
}

#[test]
fn sgd_loss_is_read_every_epoch_and_stops_where_train_does() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    plot(&dir, &[&SMALL[..], &["--optimizer", "sgd"]].concat());
    let train = json(&["train", "--model", "net", "--width", "64", "--optimizer", "sgd"]);
    let steps = train["steps"].as_u64().unwrap();
    let src = read(&dir, "loss.svg");
    let doc = roxmltree::Document::parse(&src).unwrap();
    let t = texts(&doc);
    assert!(has(
        &t,
        &format!("loss of sgd on the wide network (init 0) · {} steps", overparam::format::thousands(steps))
    ));
    // One point per epoch of N = 100 steps (sgd reports no loss on its own), and the end.
    let h = hex(RUN);
    let line = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(h.as_str()))
        .map(|n| n.attribute("points").unwrap().split_whitespace().count())
        .max()
        .unwrap();
    assert_eq!(line as u64, steps.div_ceil(100) + 1, "{steps} steps");
}

#[test]
fn risk_svg_draws_both_curves_the_threshold_the_line_and_trained_nets() {
    use overparam::export::risk_plot::{LINE, MARK, NO_NOISE, NOISE, TRAINED};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("figs");
    plot(&dir, &SMALL);
    let doc_src = read(&dir, "risk.svg");
    let doc = roxmltree::Document::parse(&doc_src).unwrap();
    let t = texts(&doc);
    let risk = json(&["risk", "--model", "net"]);
    let line = sig4(f(&risk["lines"]["traditional"]["total"]));
    for label in [
        "threshold: p = N = 100 (M = 99)".to_string(),
        format!("traditional line {line}"),
        format!(
            "the lines at their p: traditional (1), slightly (101) {}, very (10,001) {}",
            sig4(f(&risk["lines"]["slightly"]["total"])),
            sig4(f(&risk["lines"]["very"]["total"]))
        ),
        format!(
            "σn = 0 (no noise parameters, p = M + 1): closed form; width → ∞ {}",
            sig4(f(&risk["infinite"][0]["expected"]["total"]))
        ),
        format!(
            "σn = 1.000 (p = M + 1 + N): closed form; width → ∞ {}",
            sig4(f(&risk["infinite"][1]["expected"]["total"]))
        ),
        "8 nets trained by gd ± se (σn = 1.000)".to_string(),
    ] {
        assert!(has(&t, &label), "risk.svg lacks {label}: {t:?}");
    }
    // One threshold, one reference line, each curve once (plus its legend swatch), three error bars.
    assert_eq!(strokes(&doc, MARK), 2);
    assert_eq!(strokes(&doc, LINE), 2);
    assert_eq!(strokes(&doc, NO_NOISE), 2);
    assert_eq!(strokes(&doc, NOISE), 2);
    assert_eq!(strokes(&doc, TRAINED), 3);
    // The curve's points: 15 widths a curve.
    let dots = |c: RGBColor| {
        doc.descendants().filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some(hex(c).as_str())).count()
    };
    assert_eq!((dots(NO_NOISE), dots(NOISE)), (15, 15));
    // The lines: three points (and the legend's swatch); the trained nets: three (and its swatch).
    assert_eq!((dots(LINE), dots(TRAINED)), (3 + 1, 3 + 1));
    // Across, trained parameters p: σn = 0 from p = 2 (M = 1), σn = 1 from p = 102, the
    // threshold at p = N = 100, the lines at 1, 101 and 10,001.
    let xs = |c: RGBColor| -> Vec<f64> {
        let mut v: Vec<f64> = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some(hex(c).as_str()))
            .map(|n| n.attribute("cx").unwrap().parse().unwrap())
            .collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let (zero, noisy, lines) = (xs(NO_NOISE), xs(NOISE), xs(LINE));
    let px = |p: f64| zero[0] + (p.log10() - 2f64.log10()) / (16385f64.log10() - 2f64.log10()) * (zero[14] - zero[0]);
    assert!((noisy[0] - px(102.0)).abs() < 1.0, "σn = 1 starts at p = 102: {} vs {}", noisy[0], px(102.0));
    for (got, p) in lines.iter().filter(|x| **x > px(1.0) - 1.0).zip([1.0, 101.0, 10001.0]) {
        assert!((got - px(p)).abs() < 1.0, "a line at p = {p}: {got} vs {}", px(p));
    }
}
