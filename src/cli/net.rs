//! The net's headless commands: train, ensemble, predict and sweep for `--model net`.
//! JSON field names are a stable interface (README, "The wide network").

use std::fmt::Write as _;
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::{DataJson, Table, against, ensure_finite, json, text};
use crate::args::{Command, Common, Format, TableFormat};
use crate::error::{Error, invalid};
use crate::format::{sig4, thousands};
use crate::model::ModelKind;
use crate::net::theory::KernelDump;
use crate::net::{self, Act, Band, Net, NetRun, NetTheory, TrainMode, train::refusal};
use crate::optim::Optimizer;
use crate::theory::{self, Ks, Normal};

/// Points in `train --dump-curve`'s grid.
const CURVE_POINTS: usize = 101;
/// Inits per width in `sweep` (run r uses init `--init` + r).
const SWEEP_INITS: u64 = 4;
/// Test points of `sweep` when --at is not given.
const SWEEP_POINTS: usize = 9;
/// `sweep`'s widths when --widths is not given.
const SWEEP_WIDTHS: [usize; 4] = [64, 256, 1024, 4096];

pub(super) fn render(command: &Command, common: &Common, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
        Command::Train { format, dump_params, dump_curve } => train(common, *format, *dump_params, *dump_curve, out),
        Command::Ensemble { runs, format } => ensemble(common, *runs, *format, out),
        Command::Predict { format, dump_kernels } => predict(common, *format, *dump_kernels, out),
        Command::Sweep { format, widths } => sweep(common, *format, widths, out),
        Command::Compare { .. } => Err(invalid!(
            "compare is the article's table of the three linear models; for the net use train, ensemble, predict or sweep"
        )
        .into()),
        Command::Data { format } => super::data_cmd(common, *format, out),
        Command::Bench { quick } => super::bench_cmd(*quick, out),
        Command::Plot { out: dir, runs } => {
            let runs = runs.unwrap_or(crate::export::NET_PLOT_RUNS);
            for w in crate::export::net_plot::plot(common, optimizer(common, Optimizer::Gd)?, dir, runs, out)? {
                eprintln!("warning: {w}");
            }
            Ok(())
        }
        Command::Completions { .. } | Command::Man | Command::Tour { .. } => super::render(command, common, out),
    }
}

/// The optimizer for the net: given or `default`, refused with its reason for cg and whitened.
fn optimizer(common: &Common, default: Optimizer) -> Result<Optimizer, Error> {
    let opt = common.optimizer.unwrap_or(default);
    if let Some(why) = refusal(opt) {
        return Err(invalid!("{why}"));
    }
    common.check_lr_applies(opt)?;
    Ok(opt)
}

fn title(net: &Net) -> String {
    format!(
        "wide network (k = {} parameters: width {}, {}, {}; N = {} points, ridge dimension {})",
        thousands(net.k() as u64),
        thousands(net.width as u64),
        net.act.name(),
        match net.train {
            TrainMode::All => "all layers trained",
            TrainMode::Last => "last layer trained (w, b frozen)",
        },
        net.n(),
        thousands(net.ridge_dim() as u64)
    )
}

#[derive(Serialize)]
struct Curve {
    x: Vec<f64>,
    f: Vec<f64>,
    f_init: Vec<f64>,
    f_lin: Vec<f64>,
    ntk_gp: Band,
    posterior: Band,
}

#[derive(Serialize)]
struct TrainJson {
    model: ModelKind,
    k: usize,
    n: usize,
    width: usize,
    act: Act,
    train: TrainMode,
    seed: u64,
    init: u64,
    optimizer: Optimizer,
    /// True for `exact` with all layers: f is the linearized f_lin, not a trained net.
    linearized: bool,
    lr: Option<f64>,
    lr_bound: Option<f64>,
    lambda_max: f64,
    steps: u64,
    converged: bool,
    loss: f64,
    grad_norm: f64,
    rel_change: f64,
    rel_change_theory: f64,
    kernel_change: f64,
    at: Vec<f64>,
    f: Vec<f64>,
    f_init: Vec<f64>,
    f_lin: Vec<f64>,
    ntk_gp: Band,
    posterior: Band,
    ridge_dim: usize,
    elapsed_s: f64,
    data: DataJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    curve: Option<Curve>,
    #[serde(skip_serializing_if = "Option::is_none")]
    theta0: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    theta: Option<Vec<f64>>,
}

fn train(common: &Common, format: Format, dump: bool, dump_curve: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let opt = optimizer(common, Optimizer::Gd)?;
    let data = common.dataset()?;
    let net = common.net_on(&data)?;
    let at = common.test_points(&net)?;
    let start = Instant::now();
    let mut run = NetRun::new(Arc::clone(&net), opt, common.lr_choice(), common.seed, common.init)?;
    run.run_to_end(common.max_steps(), common.tol)?;
    let elapsed = start.elapsed().as_secs_f64();
    let theory = NetTheory::new(&net)?;
    let preds = theory.predict(&at);
    let (f, f_init, f_lin) = (run.f_at(&at)?, run.f_init(&at), run.f_lin(&at)?);
    let (loss, grad_norm, rel, kc) = (run.loss(), run.grad_norm(), run.rel_change(), run.kernel_change());
    let rel_theory = theory.rel_change(net.k());
    let mut checks = vec![("loss", loss), ("|∇L|", grad_norm), ("|θ−θ0|/|θ0|", rel), ("kernel change", kc)];
    checks.extend(f.iter().chain(&f_init).chain(&f_lin).map(|&v| ("f", v)));
    checks.extend(preds.iter().flat_map(|p| [("NTK-GP std", p.ntk_gp.std), ("posterior std", p.posterior.std)]));
    ensure_finite(&checks)?;
    let curve = if dump_curve {
        let xs = net::curve_grid(&data, CURVE_POINTS);
        let bands = theory.predict(&xs);
        Some(Curve {
            f: run.f_at(&xs)?,
            f_init: run.f_init(&xs),
            f_lin: run.f_lin(&xs)?,
            ntk_gp: Band::of(&bands, |p| p.ntk_gp),
            posterior: Band::of(&bands, |p| p.posterior),
            x: xs,
        })
    } else {
        None
    };
    if let Some(c) = &curve {
        ensure_finite(&c.f.iter().chain(&c.f_lin).map(|&v| ("f on the curve", v)).collect::<Vec<_>>())?;
    }
    match format {
        Format::Json => json(
            out,
            &TrainJson {
                model: ModelKind::Net,
                k: net.k(),
                n: net.n(),
                width: net.width,
                act: net.act,
                train: net.train,
                seed: common.seed,
                init: common.init,
                optimizer: opt,
                linearized: run.linearized,
                lr: run.lr,
                lr_bound: run.lr_bound.map(|b| b.0),
                lambda_max: run.lambda_max,
                steps: run.steps,
                converged: run.converged(),
                loss,
                grad_norm,
                rel_change: rel,
                rel_change_theory: rel_theory,
                kernel_change: kc,
                f,
                f_init,
                f_lin,
                ntk_gp: Band::of(&preds, |p| p.ntk_gp),
                posterior: Band::of(&preds, |p| p.posterior),
                at,
                ridge_dim: net.ridge_dim(),
                elapsed_s: elapsed,
                data: (&data).into(),
                curve,
                theta0: dump.then(|| run.theta0.to_vec()),
                theta: dump.then(|| run.theta.to_vec()),
            },
        ),
        Format::Text => {
            let mut t = Table::default();
            t.row("model", title(&net));
            t.row("seed", format!("{} (init {})", common.seed, common.init));
            t.row("optimizer", optimizer_line(&run));
            let stop = super::stop_text(&run.status, run.optimizer, run.steps, grad_norm, common);
            t.row("steps", format!("{} ({stop})", thousands(run.steps)));
            let lin = if run.linearized { " of the linearized model" } else { "" };
            t.row("loss", format!("{} (½ Σ residual²{lin}; init {})", sig4(loss), sig4(run.loss0())));
            t.row("|θ−θ0|/|θ0|", format!("{} (theory over inits {})", sig4(rel), sig4(rel_theory)));
            t.row(
                "kernel change",
                format!(
                    "{} (|Θ_T − Θ_0|_F / |Θ_0|_F on the training block{})",
                    sig4(kc),
                    if run.linearized { ": 0 for the linearized model" } else { "" }
                ),
            );
            let fname = if run.linearized { "f_lin (linearized)" } else { "f (trained)" };
            for (i, p) in preds.iter().enumerate() {
                t.row(
                    &format!("x* = {}", sig4(p.x)),
                    format!(
                        "{fname} {} · init {} · f_lin {} · NTK-GP {} ± {} · posterior {} ± {}",
                        sig4(f[i]),
                        sig4(f_init[i]),
                        sig4(f_lin[i]),
                        sig4(p.ntk_gp.mean),
                        sig4(p.ntk_gp.std),
                        sig4(p.posterior.mean),
                        sig4(p.posterior.std)
                    ),
                );
            }
            if let (Some(lr), Some((bound, _))) = (run.lr, run.lr_bound)
                && lr >= bound
                && run.converged()
            {
                t.row("note", "the learning rate is past the init's bound, yet the run converged: the net catapulted (its kernel shrank until the step was stable)");
            }
            t.row("time", format!("{} s", sig4(elapsed)));
            let mut s = t.finish();
            if let Some(c) = &curve {
                s.push_str("\nx,f,f_init,f_lin,ntk_gp_mean,ntk_gp_std,posterior_mean,posterior_std\n");
                for i in 0..c.x.len() {
                    let _ = writeln!(
                        s,
                        "{:?},{:?},{:?},{:?},{:?},{:?},{:?},{:?}",
                        c.x[i],
                        c.f[i],
                        c.f_init[i],
                        c.f_lin[i],
                        c.ntk_gp.mean[i],
                        c.ntk_gp.std[i],
                        c.posterior.mean[i],
                        c.posterior.std[i]
                    );
                }
            }
            if dump {
                s.push_str("\nindex,theta0,theta\n");
                for (i, (a, b)) in run.theta0.iter().zip(run.theta.iter()).enumerate() {
                    let _ = writeln!(s, "{i},{a:?},{b:?}");
                }
            }
            text(out, &s)
        }
    }
}

fn optimizer_line(run: &NetRun) -> String {
    match (run.optimizer, run.lr, run.lr_bound) {
        (Optimizer::Sgd, Some(lr), Some((bound, name))) => format!(
            "sgd, one point at a time, constant step {} (stability bound {name} = {})",
            sig4(lr),
            sig4(bound)
        ),
        (opt, Some(lr), Some((bound, name))) => format!(
            "{}, learning rate {} (stability bound {name} = {}; λmax(Θ̂0) = {})",
            opt.name(),
            sig4(lr),
            sig4(bound),
            sig4(run.lambda_max)
        ),
        _ if run.linearized => {
            "exact, linearized: the closed-form end of the net linearized at this init (a real net does not end exactly there)".into()
        }
        _ => "exact: the closed-form projection (the model is linear in its trained last layer)".into(),
    }
}

#[derive(Serialize)]
struct PointJson {
    x: f64,
    mean: f64,
    std: f64,
    ntk_gp: Normal,
    posterior: Normal,
    ks_ntk_gp: Ks,
    ks_posterior: Ks,
}

#[derive(Serialize)]
struct EnsembleJson {
    model: ModelKind,
    width: usize,
    act: Act,
    train: TrainMode,
    runs: u64,
    unconverged: u64,
    optimizer: Optimizer,
    linearized: bool,
    seed: u64,
    at: Vec<f64>,
    /// f at each x*, one array per run.
    values: Vec<Vec<f64>>,
    points: Vec<PointJson>,
    elapsed_s: f64,
    data: DataJson,
}

fn ensemble(common: &Common, runs: u64, format: TableFormat, out: &mut dyn Write) -> anyhow::Result<()> {
    let cfg = crate::ensemble::EnsembleConfig {
        optimizer: optimizer(common, Optimizer::Gd)?,
        ..common.ensemble_config(Optimizer::Gd)
    };
    let data = common.dataset()?;
    let net = common.net_on(&data)?;
    let at = common.test_points(&net)?;
    let theory = NetTheory::new(&net)?;
    let start = Instant::now();
    let ends = net::train::endpoints(&net, &cfg, 0..runs, &at)?;
    let elapsed = start.elapsed().as_secs_f64();
    let unconverged = ends.iter().filter(|e| !e.converged).count() as u64;
    let values: Vec<Vec<f64>> = ends.into_iter().map(|e| e.f).collect();
    let linearized = cfg.optimizer == Optimizer::Exact && net.train == TrainMode::All;
    let points: Vec<PointJson> = at
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f: Vec<f64> = values.iter().map(|v| v[i]).collect();
            let (mean, std) = theory::mean_std(&f);
            let p = theory.at(x);
            PointJson {
                x,
                mean,
                std,
                ntk_gp: p.ntk_gp,
                posterior: p.posterior,
                ks_ntk_gp: theory::ks_test(&f, p.ntk_gp),
                ks_posterior: theory::ks_test(&f, p.posterior),
            }
        })
        .collect();
    ensure_finite(
        &points
            .iter()
            .flat_map(|p| [("mean f", p.mean), ("std of f", p.std), ("NTK-GP std", p.ntk_gp.std)])
            .collect::<Vec<_>>(),
    )?;
    match format {
        TableFormat::Json => json(
            out,
            &EnsembleJson {
                model: ModelKind::Net,
                width: net.width,
                act: net.act,
                train: net.train,
                runs,
                unconverged,
                optimizer: cfg.optimizer,
                linearized,
                seed: cfg.seed,
                at: at.clone(),
                values,
                points,
                elapsed_s: elapsed,
                data: (&data).into(),
            },
        ),
        TableFormat::Csv => {
            let mut csv = String::from("run");
            for x in &at {
                let _ = write!(csv, ",f({x:?})");
            }
            csv.push('\n');
            for (i, v) in values.iter().enumerate() {
                let _ = write!(csv, "{i}");
                for f in v {
                    let _ = write!(csv, ",{f:?}");
                }
                csv.push('\n');
            }
            text(out, &csv)
        }
        TableFormat::Text => {
            let mut t = Table::default();
            t.row(
                "ensemble",
                format!(
                    "{} runs of the {}, optimizer {}{}, seed {}",
                    thousands(runs),
                    title(&net),
                    cfg.optimizer.name(),
                    if linearized { " (linearized: f_lin of each init, not trained nets)" } else { "" },
                    cfg.seed
                ),
            );
            for p in &points {
                t.row(&format!("x* = {}", sig4(p.x)), format!("f: mean {}, std {}", sig4(p.mean), sig4(p.std)));
                t.row("  NTK-GP", against(p.ntk_gp, p.ks_ntk_gp));
                t.row("  posterior", against(p.posterior, p.ks_posterior));
            }
            super::ensemble_footer(&mut t, unconverged, runs, cfg.tol, elapsed, "values");
            text(out, &t.finish())
        }
    }
}

#[derive(Serialize)]
struct PredictPoint {
    x: f64,
    ntk_gp: Normal,
    posterior: Normal,
}

#[derive(Serialize)]
struct PredictJson {
    model: ModelKind,
    act: Act,
    train: TrainMode,
    n: usize,
    seed: u64,
    noise: f64,
    at: Vec<f64>,
    points: Vec<PredictPoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kernels: Option<KernelDump>,
}

fn predict(common: &Common, format: Format, dump_kernels: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    if common.optimizer.is_some() || common.lr.is_some() || common.width.is_some() {
        return Err(
            invalid!("predict is the infinite-width theory alone: it takes no --optimizer, --lr or --width").into()
        );
    }
    let data = common.dataset()?;
    // The theory does not depend on the width; a width-1 net carries the data and settings.
    let net = crate::net::NetSpec { width: 1, ..common.net_spec() }.build(&data, common.noise)?;
    let at = common.test_points(&net)?;
    let theory = NetTheory::new(&net)?;
    let preds = theory.predict(&at);
    ensure_finite(
        &preds
            .iter()
            .flat_map(|p| {
                [
                    ("NTK-GP mean", p.ntk_gp.mean),
                    ("NTK-GP std", p.ntk_gp.std),
                    ("posterior mean", p.posterior.mean),
                    ("posterior std", p.posterior.std),
                ]
            })
            .collect::<Vec<_>>(),
    )?;
    let kernels = dump_kernels.then(|| theory.kernels(&at));
    match format {
        Format::Json => json(
            out,
            &PredictJson {
                model: ModelKind::Net,
                act: net.act,
                train: net.train,
                n: net.n(),
                seed: common.seed,
                noise: common.noise,
                points: preds
                    .iter()
                    .map(|p| PredictPoint { x: p.x, ntk_gp: p.ntk_gp, posterior: p.posterior })
                    .collect(),
                at,
                kernels,
            },
        ),
        Format::Text => {
            let mut s = format!(
                "Where wide nets end at x* (infinite width; {}, {} trained; seed {}, N = {}, noise σ = {})\n\n",
                net.act.name(),
                if net.train == TrainMode::All { "all layers" } else { "last layer" },
                common.seed,
                net.n(),
                sig4(common.noise)
            );
            let _ = writeln!(
                s,
                "{:>10}  {:>21}  {:>21}  {:>16}",
                "x*", "NTK-GP (trained nets)", "posterior (Bayes)", "gap / post. std"
            );
            for p in &preds {
                let _ = writeln!(
                    s,
                    "{:>10}  {:>21}  {:>21}  {:>16}",
                    sig4(p.x),
                    format!("{} ± {}", sig4(p.ntk_gp.mean), sig4(p.ntk_gp.std)),
                    format!("{} ± {}", sig4(p.posterior.mean), sig4(p.posterior.std)),
                    if p.posterior.std > 0.0 {
                        format!("{:+.2}", (p.ntk_gp.mean - p.posterior.mean) / p.posterior.std)
                    } else {
                        "—".to_string()
                    }
                );
            }
            if let Some(k) = &kernels {
                for (name, m) in [
                    ("K(X,X)", &k.k_xx),
                    ("Θ(X,X)", &k.theta_xx),
                    ("K(x*,X)", &k.k_sx),
                    ("Θ(x*,X)", &k.theta_sx),
                    ("K(x*,x*)", &k.k_ss),
                ] {
                    let _ = writeln!(s, "\n{name}");
                    for row in m {
                        let line: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
                        let _ = writeln!(s, "{}", line.join(","));
                    }
                }
            }
            text(out, &s)
        }
    }
}

#[derive(Serialize)]
struct SweepRow {
    width: usize,
    k: usize,
    rel_change: f64,
    rel_change_theory: f64,
    kernel_change: f64,
    lin_gap: f64,
    steps: f64,
}

#[derive(Serialize)]
struct SweepJson {
    seed: u64,
    init: u64,
    inits: u64,
    n: usize,
    act: Act,
    train: TrainMode,
    optimizer: Optimizer,
    at: Vec<f64>,
    rows: Vec<SweepRow>,
    rel_change_exponent: Option<f64>,
    kernel_change_exponent: Option<f64>,
    lin_gap_exponent: Option<f64>,
    /// The power between each pair of successive widths (one fewer than the rows).
    rel_change_slopes: Vec<Option<f64>>,
    kernel_change_slopes: Vec<Option<f64>>,
    lin_gap_slopes: Vec<Option<f64>>,
}

/// What one init of a sweep row measured.
struct InitDrift {
    rel: f64,
    kernel: f64,
    /// Σ over the test points of (f_T − f_lin)².
    gap_sq: f64,
    steps: u64,
}

/// One width of the sweep: `SWEEP_INITS` runs trained to the end, averaged.
fn sweep_row(
    common: &Common,
    data: &crate::data::Dataset,
    width: usize,
    opt: Optimizer,
    at: &[f64],
) -> Result<SweepRow, Error> {
    let net = crate::net::NetSpec { width, ..common.net_spec() }.build(data, common.noise)?;
    let per_init: Vec<InitDrift> = (common.init..common.init + SWEEP_INITS)
        .into_par_iter()
        .map(|init| {
            let mut run = NetRun::new(Arc::clone(&net), opt, common.lr_choice(), common.seed, init)?;
            run.run_to_end(common.max_steps(), common.tol)?;
            let (f, lin) = (run.f_at(at)?, run.f_lin(at)?);
            let sq: f64 = f.iter().zip(&lin).map(|(a, b)| (a - b) * (a - b)).sum();
            Ok(InitDrift { rel: run.rel_change(), kernel: run.kernel_change(), gap_sq: sq, steps: run.steps })
        })
        .collect::<Result<_, Error>>()?;
    let count = per_init.len() as f64;
    let mean = |g: fn(&InitDrift) -> f64| per_init.iter().map(g).sum::<f64>() / count;
    Ok(SweepRow {
        width,
        k: net.k(),
        rel_change: mean(|r| r.rel),
        rel_change_theory: NetTheory::new(&net)?.rel_change(net.k()),
        kernel_change: mean(|r| r.kernel),
        lin_gap: (mean(|r| r.gap_sq) / at.len() as f64).sqrt(),
        steps: mean(|r| r.steps as f64),
    })
}

fn sweep(common: &Common, format: Format, widths: &[usize], out: &mut dyn Write) -> anyhow::Result<()> {
    if common.width.is_some() {
        return Err(invalid!("sweep takes its widths from --widths, not --width").into());
    }
    let opt = optimizer(common, Optimizer::Gd)?;
    if opt == Optimizer::Exact {
        return Err(invalid!(
            "sweep trains real nets (gd or sgd): exact would be the linearized end, whose gap from f_lin is 0"
        )
        .into());
    }
    let widths = if widths.is_empty() { SWEEP_WIDTHS.to_vec() } else { widths.to_vec() };
    let data = common.dataset()?;
    // One point alone makes the RMS gap noisy: without --at, nine points spanning the data and
    // half its range on each side.
    let at = if common.at.is_empty() {
        net::curve_grid(&data, SWEEP_POINTS)
    } else {
        common.test_points(&*common.net_on(&data)?)?
    };
    let rows = widths.iter().map(|&w| sweep_row(common, &data, w, opt, &at)).collect::<Result<Vec<_>, Error>>()?;
    ensure_finite(
        &rows
            .iter()
            .flat_map(|r| [("rel_change", r.rel_change), ("kernel_change", r.kernel_change), ("lin_gap", r.lin_gap)])
            .collect::<Vec<_>>(),
    )?;
    let ms: Vec<f64> = rows.iter().map(|r| r.width as f64).collect();
    let fit = |g: fn(&SweepRow) -> f64| crate::ridge::power_law_exponent(&ms, &rows.iter().map(g).collect::<Vec<_>>());
    let slopes = |g: fn(&SweepRow) -> f64| crate::ridge::local_exponents(&ms, &rows.iter().map(g).collect::<Vec<_>>());
    let spec = common.net_spec();
    let j = SweepJson {
        seed: common.seed,
        init: common.init,
        inits: SWEEP_INITS,
        n: data.n(),
        act: spec.act,
        train: spec.train,
        optimizer: opt,
        rel_change_exponent: fit(|r| r.rel_change),
        kernel_change_exponent: fit(|r| r.kernel_change),
        lin_gap_exponent: fit(|r| r.lin_gap),
        rel_change_slopes: slopes(|r| r.rel_change),
        kernel_change_slopes: slopes(|r| r.kernel_change),
        lin_gap_slopes: slopes(|r| r.lin_gap),
        at,
        rows,
    };
    match format {
        Format::Json => json(out, &j),
        Format::Text => {
            let at: Vec<String> = j.at.iter().map(|&x| sig4(x)).collect();
            let mut s = format!(
                "How the net leaves its linearization as the width M grows ({}, {}, {}; seed {}, inits {}..{}, N = {}, f read at x* = {})\n\n",
                j.act.name(),
                if j.train == TrainMode::All { "all layers" } else { "last layer" },
                opt.name(),
                j.seed,
                j.init,
                j.init + SWEEP_INITS - 1,
                j.n,
                at.join(", ")
            );
            let _ = writeln!(
                s,
                "{:>7} {:>10} {:>13} {:>8} {:>14} {:>16} {:>9}",
                "width", "k", "|θ−θ0|/|θ0|", "theory", "kernel change", "|f_T − f_lin|", "steps"
            );
            for r in &j.rows {
                let _ = writeln!(
                    s,
                    "{:>7} {:>10} {:>13} {:>8} {:>14} {:>16} {:>9}",
                    r.width,
                    thousands(r.k as u64),
                    sig4(r.rel_change),
                    sig4(r.rel_change_theory),
                    sig4(r.kernel_change),
                    sig4(r.lin_gap),
                    thousands(r.steps.round() as u64)
                );
            }
            let e = |v: Option<f64>| v.map_or("—".to_string(), |e| format!("M^{e:.3}"));
            let each = |v: &[Option<f64>]| {
                v.iter().map(|e| e.map_or("—".to_string(), |e| format!("{e:.2}"))).collect::<Vec<_>>().join(", ")
            };
            let _ = writeln!(
                s,
                "\nfitted power laws: |θ−θ0|/|θ0| ∝ {}, kernel change ∝ {}, |f_T − f_lin| ∝ {}\npowers between successive widths: |θ−θ0|/|θ0| {}; kernel change {}; |f_T − f_lin| {}\n(theory: M^-0.5 for the drift, at most M^-0.5 for the other two; means over {SWEEP_INITS} inits, |f_T − f_lin| as an RMS over inits and x*)",
                e(j.rel_change_exponent),
                e(j.kernel_change_exponent),
                e(j.lin_gap_exponent),
                each(&j.rel_change_slopes),
                each(&j.kernel_change_slopes),
                each(&j.lin_gap_slopes)
            );
            text(out, &s)
        }
    }
}
