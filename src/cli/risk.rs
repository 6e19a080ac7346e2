//! `overparam risk`: does it overfit? The net's test error against its width (THEORY.md, "Does
//! it overfit?"): the closed form over inits per feature draw, nets trained for real
//! (`--trained R`), the infinite-width value, the lines' errors and the threshold.

use std::fmt::Write as _;
use std::io::Write;

use serde::Serialize;

use super::output::{json, text};
use crate::args::{Common, TableFormat};
use crate::error::{Error, invalid};
use crate::format::sig4;
use crate::model::ModelKind;
use crate::net::{Act, TrainMode, train::refusal};
use crate::optim::Optimizer;
use crate::report::ensure_finite;
use crate::risk::TestKind;
use crate::risk::curve::{self, CurveSpec, InfiniteRow, LineRisks, Summary};
use crate::risk::trained::{TrainedSummary, trained_errors};

/// What `risk` was asked for, beside the shared flags.
pub(super) struct Request<'a> {
    pub widths: &'a [usize],
    pub sigmas: &'a [f64],
    pub draws: u64,
    pub trained: Option<u64>,
}

/// One width at one σn: the closed form and the trained nets.
#[derive(Debug, Clone, Serialize)]
struct Row {
    width: usize,
    noise_prior: f64,
    k: usize,
    /// Of the k, those GD trains: the risk figures' x axis.
    p: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    closed_form: Option<Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trained: Option<TrainedSummary>,
}

#[derive(Debug, Clone, Serialize)]
struct RiskJson {
    seed: u64,
    n: usize,
    act: Act,
    train: TrainMode,
    test: TestKind,
    test_points: usize,
    test_error: String,
    draws: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    optimizer: Option<Optimizer>,
    /// The width where the trained parameters reaching f equal N.
    threshold_width: f64,
    /// The threshold in trained parameters p: N.
    threshold_params: usize,
    rows: Vec<Row>,
    infinite: Vec<InfiniteRow>,
    lines: LineRisks,
    /// The lines' trained parameters: traditional, slightly, very.
    line_params: [usize; 3],
}

fn risk_json(common: &Common, req: &Request) -> Result<RiskJson, Error> {
    if common.model != ModelKind::Net {
        return Err(invalid!(
            "risk draws the net's test error against its width: use --model net (the lines are its reference rows)"
        ));
    }
    let (data, test) = common.train_test()?;
    let train = common.train.unwrap_or(TrainMode::Last);
    let sigmas = if req.sigmas.is_empty() { vec![0.0, common.noise] } else { req.sigmas.to_vec() };
    let spec = CurveSpec {
        act: common.act.unwrap_or_default(),
        train,
        widths: if req.widths.is_empty() { crate::risk::curve::WIDTHS.to_vec() } else { req.widths.to_vec() },
        sigmas,
        draws: req.draws,
        seed: common.seed,
    };
    let optimizer = match req.trained {
        Some(_) => Some(optimizer(common)?),
        None => None,
    };
    let c = curve::curve(&data, &test, &spec, common.noise, crate::args::DEFAULT_SOURCES)?;
    let mut rows = Vec::new();
    for r in c.rows {
        let trained = match (req.trained, optimizer) {
            (Some(runs), Some(opt)) => {
                let net = crate::net::NetSpec { width: r.width, act: spec.act, train }.build(&data, r.sigma)?;
                let cfg = common.ensemble_config(opt);
                Some(TrainedSummary::of(&trained_errors(&net, &cfg, &test, 0..runs)?))
            }
            _ => None,
        };
        rows.push(Row { width: r.width, noise_prior: r.sigma, k: r.k, p: r.p, closed_form: r.closed, trained });
    }
    let mut checks: Vec<(&str, f64)> = Vec::new();
    for r in &rows {
        checks.extend(r.closed_form.iter().map(|s| ("expected test error", s.mean)));
        checks.extend(r.trained.iter().map(|s| ("trained test error", s.mean)));
    }
    checks.extend(c.infinite.iter().map(|i| ("infinite-width test error", i.expected.total)));
    ensure_finite(&checks)?;
    Ok(RiskJson {
        seed: common.seed,
        n: data.n(),
        act: spec.act,
        train,
        test_points: test.len(),
        test_error: test.describe(),
        test: test.kind,
        draws: spec.draws,
        optimizer,
        threshold_width: c.threshold_width,
        threshold_params: c.threshold_params,
        rows,
        infinite: c.infinite,
        lines: c.lines,
        line_params: c.line_params,
    })
}

/// Trained nets' optimizer: gd unless given; cg and whitened refused with the net's reason.
fn optimizer(common: &Common) -> Result<Optimizer, Error> {
    let opt = common.optimizer.unwrap_or(Optimizer::Gd);
    if let Some(why) = refusal(opt) {
        return Err(invalid!("{why}"));
    }
    common.check_lr_applies(opt)?;
    Ok(opt)
}

pub(super) fn render(common: &Common, req: &Request, format: TableFormat, out: &mut dyn Write) -> anyhow::Result<()> {
    let j = risk_json(common, req)?;
    match format {
        TableFormat::Json => json(out, &j),
        TableFormat::Csv => text(out, &csv(&j)),
        TableFormat::Text => text(out, &table(&j)),
    }
}

fn opt_cell(v: Option<f64>) -> String {
    v.map(sig4).unwrap_or_default()
}

fn csv(j: &RiskJson) -> String {
    let mut s = String::from(
        "row,noise_prior,width,k,p,expected,mean_error,variance,median,se,trained_mean,trained_se,trained_converged\n",
    );
    for r in &j.rows {
        let c = r.closed_form.as_ref();
        let t = r.trained.as_ref();
        let _ = writeln!(
            s,
            "net,{},{},{},{},{},{},{},{},{},{},{},{}",
            r.noise_prior,
            r.width,
            r.k,
            r.p,
            c.map(|c| c.mean.to_string()).unwrap_or_default(),
            c.map(|c| c.mean_error.to_string()).unwrap_or_default(),
            c.map(|c| c.variance.to_string()).unwrap_or_default(),
            c.map(|c| c.median.to_string()).unwrap_or_default(),
            c.map(|c| c.se.to_string()).unwrap_or_default(),
            t.map(|t| t.mean.to_string()).unwrap_or_default(),
            t.map(|t| t.se.to_string()).unwrap_or_default(),
            t.map(|t| t.converged.to_string()).unwrap_or_default(),
        );
    }
    for i in &j.infinite {
        let e = i.expected;
        let _ = writeln!(s, "{},{},inf,,,{},{},{},,,,,", i.kind, i.sigma, e.total, e.mean_error, e.variance);
    }
    let lines = [("traditional", j.lines.traditional), ("slightly", j.lines.slightly), ("very", j.lines.very)];
    for ((name, e), p) in lines.into_iter().zip(j.line_params) {
        let _ = writeln!(s, "{name},,,{p},{p},{},{},{},,,,,", e.total, e.mean_error, e.variance);
    }
    s
}

fn table(j: &RiskJson) -> String {
    let mut s = String::new();
    let layers = match j.train {
        TrainMode::Last => "last layer trained",
        TrainMode::All => "all layers trained",
    };
    let _ = writeln!(
        s,
        "overparam risk: test error against width (net, {}, {layers}; N = {}, seed {})",
        j.act.name(),
        j.n,
        j.seed
    );
    let _ = writeln!(s, "test error: {}", j.test_error);
    match j.train {
        TrainMode::Last => {
            let _ = writeln!(
                s,
                "expected: over inits of (a, c, ε) in closed form, for each of {} feature draws (draw r: init r's w, b); mean error + variance = expected",
                j.draws
            );
        }
        TrainMode::All => {
            let _ =
                writeln!(s, "all layers: no closed form at finite width; the NTK-GP gives the infinite-width value");
        }
    }
    let trained = j.rows.iter().any(|r| r.trained.is_some());
    let mut sigmas: Vec<f64> = j.rows.iter().map(|r| r.noise_prior).collect();
    sigmas.dedup();
    for sigma in sigmas {
        let _ = writeln!(s);
        let what = if sigma == 0.0 {
            "no noise parameters: k = 3M + 1, f must fit y".to_string()
        } else {
            format!("noise parameters with prior sd {}: k = 3M + 1 + N", sig4(sigma))
        };
        let p_is = match (j.train, sigma > 0.0) {
            (TrainMode::Last, false) => "p = M + 1",
            (TrainMode::Last, true) => "p = M + 1 + N",
            (TrainMode::All, false) => "p = 3M + 1",
            (TrainMode::All, true) => "p = 3M + 1 + N",
        };
        let what = format!("{what}; trained {p_is}");
        let _ = writeln!(s, "σn = {} ({what})", sig4(sigma));
        let mut head = format!(
            "{:>6} {:>7} {:>7} {:>10} {:>10} {:>10} {:>10} {:>10}",
            "width", "k", "p", "expected", "mean err", "variance", "median", "se"
        );
        if trained {
            head.push_str(&format!(" {:>10} {:>10} {:>6}", "trained", "± se", "conv"));
        }
        let _ = writeln!(s, "{head}");
        // With noise parameters p = M + 1 + N > N at every width: no threshold to cross.
        let mut marked = sigma > 0.0;
        if marked {
            let _ = writeln!(
                s,
                "{:>6} ── p > N = {} at every width: the noise parameters are a ridge",
                "", j.threshold_params
            );
        }
        for r in j.rows.iter().filter(|r| r.noise_prior == sigma) {
            if !marked && r.width as f64 >= j.threshold_width {
                marked = true;
                let _ = writeln!(
                    s,
                    "{:>6} ── interpolation threshold: trained parameters p = N = {} at M = {}",
                    "", j.threshold_params, j.threshold_width
                );
            }
            let c = r.closed_form.as_ref();
            let mut line = format!(
                "{:>6} {:>7} {:>7} {:>10} {:>10} {:>10} {:>10} {:>10}",
                r.width,
                r.k,
                r.p,
                opt_cell(c.map(|c| c.mean)),
                opt_cell(c.map(|c| c.mean_error)),
                opt_cell(c.map(|c| c.variance)),
                opt_cell(c.map(|c| c.median)),
                opt_cell(c.map(|c| c.se))
            );
            if let Some(t) = &r.trained {
                line.push_str(&format!(
                    " {:>10} {:>10} {:>6}",
                    sig4(t.mean),
                    sig4(t.se),
                    format!("{}/{}", t.converged, t.runs)
                ));
            }
            let _ = writeln!(s, "{}", line.trim_end());
        }
        if let Some(i) = j.infinite.iter().find(|i| i.sigma == sigma) {
            let e = i.expected;
            let _ = writeln!(
                s,
                "{:>6} {:>7} {:>7} {:>10} {:>10} {:>10}  (width → ∞: the {})",
                "∞",
                "",
                "",
                sig4(e.total),
                sig4(e.mean_error),
                sig4(e.variance),
                if i.kind == "nngp" { "NNGP posterior" } else { "NTK-GP" }
            );
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "the lines, for reference (p: trained parameters; expected = mean error + variance):");
    let _ = writeln!(s, "  {:<11} {:>7} {:>10} {:>10} {:>10}", "", "p", "expected", "mean err", "variance");
    let lines = [
        ("traditional", j.lines.traditional, "the least-squares line: the right model, the truth being a line"),
        ("slightly", j.lines.slightly, "a posterior sample of the slope (GD's endpoint)"),
        ("very", j.lines.very, "plain GD's endpoint slope"),
    ];
    for ((name, e, what), p) in lines.into_iter().zip(j.line_params) {
        let _ = writeln!(
            s,
            "  {name:<11} {p:>7} {:>10} {:>10} {:>10}  {what}",
            sig4(e.total),
            sig4(e.mean_error),
            sig4(e.variance)
        );
    }
    s
}
