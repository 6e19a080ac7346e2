//! The net's headless commands: train, ensemble, predict and sweep for `--model net`.
//! JSON field names are a stable interface (README, "The wide network").

use std::fmt::Write as _;
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::output::{
    Table, TestJson, against, ensemble_footer, json, params_csv, stop_text, test_row, text, warn_sigma,
};
use crate::args::{Command, Common, Format, TableFormat};
use crate::data::{Dataset, SigmaCheck};
use crate::error::{Error, invalid};
use crate::format::{sig4, thousands};
use crate::model::ModelKind;
use crate::net::theory::KernelDump;
use crate::net::{self, Act, Band, Net, NetRun, NetTheory, Prediction, TrainMode, train::refusal};
use crate::optim::Optimizer;
use crate::report::{DataJson, ensure_finite};
use crate::risk::{TestSet, test_error};
use crate::theory::{self, Ks, Normal};

/// Points in `train --dump-curve`'s grid.
const CURVE_POINTS: usize = 101;
/// Inits per width in `sweep` (run r uses init `--init` + r).
const SWEEP_INITS: u64 = 4;
/// Test points of `sweep` when --at is not given.
const SWEEP_POINTS: usize = 9;
/// `sweep`'s widths when --widths is not given.
const SWEEP_WIDTHS: [usize; 4] = [64, 256, 1024, 4096];

/// Runs a command for the net; `cli::render` has already run the commands that do not depend on
/// the model.
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
        Command::Plot { out: dir, runs, views } => {
            let runs = runs.unwrap_or(crate::export::NET_PLOT_RUNS);
            for w in crate::export::net_plot::plot(common, optimizer(common, Optimizer::Gd)?, dir, runs, views, out)? {
                crate::say!("warning: {w}");
            }
            Ok(())
        }
        Command::Data { .. }
        | Command::Bench { .. }
        | Command::Completions { .. }
        | Command::Man
        | Command::Tour { .. }
        | Command::Risk { .. } => {
            unreachable!("cli::render runs the commands that do not depend on the model")
        }
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

/// ", noise prior σn = S" when σn is not σ; ", no noise parameters (σn = 0)" at 0.
fn noise_prior_words(sigma_n: f64, sigma: f64) -> String {
    if sigma_n == 0.0 {
        ", no noise parameters (σn = 0)".into()
    } else if sigma_n != sigma {
        format!(", noise prior σn = {}", sig4(sigma_n))
    } else {
        String::new()
    }
}

fn title(net: &Net) -> String {
    format!(
        "wide network (k = {} parameters: width {}, {}, {}{}; N = {} points, ridge dimension {})",
        thousands(net.k() as u64),
        thousands(net.width as u64),
        net.act.name(),
        match net.train {
            TrainMode::All => "all layers trained",
            TrainMode::Last => "last layer trained (w, b frozen)",
        },
        if net.has_noise_params() { "" } else { ", no noise parameters (σn = 0)" },
        net.n(),
        match net.ridge_dim() {
            d if d > 0 => thousands(d as u64),
            _ => "none: k ≤ N, GD ends at the least-squares fit closest to θ0".into(),
        }
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
    /// k − N; ≤ 0 at σn = 0 with fewer parameters than points (no zero-loss ridge).
    ridge_dim: i64,
    /// σn, the noise parameters' prior sd (0: the net has none).
    noise_prior: f64,
    /// The run's test error, and what it is measured against.
    test_error: f64,
    test_set: TestJson,
    elapsed_s: f64,
    data: DataJson,
    /// With --data: σ beside the data's residual sd (see `data::sigma_check`).
    #[serde(skip_serializing_if = "Option::is_none")]
    sigma_check: Option<SigmaCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    curve: Option<Curve>,
    #[serde(skip_serializing_if = "Option::is_none")]
    theta0: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    theta: Option<Vec<f64>>,
}

/// `train --model net`'s run, trained to the end, read at x* and against the two theories there.
struct Trained {
    opt: Optimizer,
    data: Dataset,
    /// Where the test error is measured, and the run's error there.
    test: TestSet,
    test_error: f64,
    net: Arc<Net>,
    at: Vec<f64>,
    run: NetRun,
    elapsed: f64,
    preds: Vec<Prediction>,
    /// The trained net's f, the init's and the linearized model's, at each x*.
    f: Vec<f64>,
    f_init: Vec<f64>,
    f_lin: Vec<f64>,
    loss: f64,
    grad_norm: f64,
    rel: f64,
    rel_theory: f64,
    kernel_change: f64,
    curve: Option<Curve>,
}

impl Trained {
    /// Trains the run and checks every number `train` prints is finite.
    fn new(common: &Common, dump_curve: bool) -> Result<Self, Error> {
        let opt = optimizer(common, Optimizer::Gd)?;
        let (data, test) = common.train_test()?;
        let net = common.net_on(&data)?;
        let at = common.test_points(&net)?;
        let start = Instant::now();
        let mut run = NetRun::new(Arc::clone(&net), opt, common.lr_choice(), common.seed, common.init)?;
        run.run_to_end(common.max_steps(), common.tol)?;
        let elapsed = start.elapsed().as_secs_f64();
        let test_error = test_error(&test, &run.f_at(&test.x)?);
        let theory = NetTheory::new(&net)?;
        let preds = theory.predict(&at);
        let (f, f_init, f_lin) = (run.f_at(&at)?, run.f_init(&at), run.f_lin(&at)?);
        let (loss, grad_norm, rel, kc) = (run.loss(), run.grad_norm(), run.rel_change(), run.kernel_change());
        let rel_theory = theory.rel_change(net.k());
        let mut checks = vec![
            ("loss", loss),
            ("|∇L|", grad_norm),
            ("|θ−θ0|/|θ0|", rel),
            ("kernel change", kc),
            ("test error", test_error),
        ];
        checks.extend(f.iter().chain(&f_init).chain(&f_lin).map(|&v| ("f", v)));
        checks.extend(preds.iter().flat_map(|p| [("NTK-GP std", p.ntk_gp.std), ("posterior std", p.posterior.std)]));
        ensure_finite(&checks)?;
        let curve = if dump_curve { Some(Curve::new(&run, &theory, &data)?) } else { None };
        if let Some(c) = &curve {
            ensure_finite(&c.f.iter().chain(&c.f_lin).map(|&v| ("f on the curve", v)).collect::<Vec<_>>())?;
        }
        Ok(Trained {
            opt,
            data,
            test,
            test_error,
            net,
            at,
            run,
            elapsed,
            preds,
            f,
            f_init,
            f_lin,
            loss,
            grad_norm,
            rel,
            rel_theory,
            kernel_change: kc,
            curve,
        })
    }

    /// True when the learning rate was past the init's bound and the run converged all the same.
    fn catapulted(&self) -> bool {
        let run = &self.run;
        matches!((run.lr, run.lr_bound), (Some(lr), Some((bound, _))) if lr >= bound && run.converged())
    }
}

impl Curve {
    /// The run and the theories over `train --dump-curve`'s grid.
    fn new(run: &NetRun, theory: &NetTheory, data: &Dataset) -> Result<Self, Error> {
        let xs = net::curve_grid(data, CURVE_POINTS);
        let bands = theory.predict(&xs);
        Ok(Curve {
            f: run.f_at(&xs)?,
            f_init: run.f_init(&xs),
            f_lin: run.f_lin(&xs)?,
            ntk_gp: Band::of(&bands, |p| p.ntk_gp),
            posterior: Band::of(&bands, |p| p.posterior),
            x: xs,
        })
    }

    /// `train --dump-curve`'s text: a blank line, then one grid point a line.
    fn csv(&self) -> String {
        let mut s = String::from("\nx,f,f_init,f_lin,ntk_gp_mean,ntk_gp_std,posterior_mean,posterior_std\n");
        for i in 0..self.x.len() {
            let _ = writeln!(
                s,
                "{:?},{:?},{:?},{:?},{:?},{:?},{:?},{:?}",
                self.x[i],
                self.f[i],
                self.f_init[i],
                self.f_lin[i],
                self.ntk_gp.mean[i],
                self.ntk_gp.std[i],
                self.posterior.mean[i],
                self.posterior.std[i]
            );
        }
        s
    }
}

fn train(common: &Common, format: Format, dump: bool, dump_curve: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let t = Trained::new(common, dump_curve)?;
    // Own data: σ is --noise's (1 unless given), set beside the data's own scatter.
    let check = common.sigma_check(&t.data);
    match format {
        Format::Json => json(out, &train_json(common, t, dump, check.clone()))?,
        Format::Text => {
            let mut s = train_table(common, &t, check.as_ref());
            if let Some(c) = &t.curve {
                s.push_str(&c.csv());
            }
            if dump {
                s.push_str(&params_csv(&t.run.theta0, &t.run.theta));
            }
            text(out, &s)?
        }
    }
    warn_sigma(check);
    Ok(())
}

fn train_json(common: &Common, t: Trained, dump: bool, sigma_check: Option<SigmaCheck>) -> TrainJson {
    let (net, run) = (&t.net, &t.run);
    TrainJson {
        model: ModelKind::Net,
        k: net.k(),
        n: net.n(),
        width: net.width,
        act: net.act,
        train: net.train,
        seed: common.seed,
        init: common.init,
        optimizer: t.opt,
        linearized: run.linearized,
        lr: run.lr,
        lr_bound: run.lr_bound.map(|b| b.0),
        lambda_max: run.lambda_max,
        steps: run.steps,
        converged: run.converged(),
        loss: t.loss,
        grad_norm: t.grad_norm,
        rel_change: t.rel,
        rel_change_theory: t.rel_theory,
        kernel_change: t.kernel_change,
        f: t.f,
        f_init: t.f_init,
        f_lin: t.f_lin,
        ntk_gp: Band::of(&t.preds, |p| p.ntk_gp),
        posterior: Band::of(&t.preds, |p| p.posterior),
        at: t.at,
        ridge_dim: net.ridge_dim(),
        noise_prior: net.sigma,
        test_error: t.test_error,
        test_set: TestJson::of(&t.test),
        elapsed_s: t.elapsed,
        data: (&t.data).into(),
        sigma_check,
        curve: t.curve,
        theta0: dump.then(|| run.theta0.to_vec()),
        theta: dump.then(|| run.theta.to_vec()),
    }
}

/// `train`'s text: one row a quantity, then one row a test point.
fn train_table(common: &Common, t: &Trained, check: Option<&SigmaCheck>) -> String {
    let run = &t.run;
    let mut table = Table::default();
    table.row("model", title(&t.net));
    if let Some(c) = check {
        table.row("noise", c.summary());
    }
    table.row("seed", format!("{} (init {})", common.seed, common.init));
    table.row("optimizer", optimizer_line(run));
    let stop = stop_text(&run.status, run.optimizer, run.steps, t.grad_norm, common);
    table.row("steps", format!("{} ({stop})", thousands(run.steps)));
    let lin = if run.linearized { " of the linearized model" } else { "" };
    table.row("loss", format!("{} (½ Σ residual²{lin}; init {})", sig4(t.loss), sig4(run.loss0())));
    table.row("|θ−θ0|/|θ0|", format!("{} (theory over inits {})", sig4(t.rel), sig4(t.rel_theory)));
    table.row(
        "kernel change",
        format!(
            "{} (|Θ_T − Θ_0|_F / |Θ_0|_F on the training block{})",
            sig4(t.kernel_change),
            if run.linearized { ": 0 for the linearized model" } else { "" }
        ),
    );
    point_rows(&mut table, t);
    table.row("test error", test_row(&t.test, t.test_error));
    if t.catapulted() {
        table.row("note", "the learning rate is past the init's bound, yet the run converged: the net catapulted (its kernel shrank until the step was stable)");
    }
    table.row("time", format!("{} s", sig4(t.elapsed)));
    table.finish()
}

/// One row a test point: the run's f there, and the two theories.
fn point_rows(table: &mut Table, t: &Trained) {
    let fname = if t.run.linearized { "f_lin (linearized)" } else { "f (trained)" };
    for (i, p) in t.preds.iter().enumerate() {
        table.row(
            &format!("x* = {}", sig4(p.x)),
            format!(
                "{fname} {} · init {} · f_lin {} · NTK-GP {} ± {} · posterior {} ± {}",
                sig4(t.f[i]),
                sig4(t.f_init[i]),
                sig4(t.f_lin[i]),
                sig4(p.ntk_gp.mean),
                sig4(p.ntk_gp.std),
                sig4(p.posterior.mean),
                sig4(p.posterior.std)
            ),
        );
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

/// `ensemble --model net`'s numbers as its JSON has them, with the net and the tol they came from.
struct NetEnsemble {
    j: EnsembleJson,
    net: Arc<Net>,
    tol: f64,
}

impl NetEnsemble {
    /// Trains `runs` inits, reads each at x*, and sets the values there against the theories.
    fn new(common: &Common, runs: u64) -> Result<Self, Error> {
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
        let points = ensemble_points(&theory, &at, &values);
        ensure_finite(
            &points
                .iter()
                .flat_map(|p| [("mean f", p.mean), ("std of f", p.std), ("NTK-GP std", p.ntk_gp.std)])
                .collect::<Vec<_>>(),
        )?;
        let j = EnsembleJson {
            model: ModelKind::Net,
            width: net.width,
            act: net.act,
            train: net.train,
            runs,
            unconverged,
            optimizer: cfg.optimizer,
            linearized: cfg.optimizer == Optimizer::Exact && net.train == TrainMode::All,
            seed: cfg.seed,
            at,
            values,
            points,
            elapsed_s: elapsed,
            data: (&data).into(),
        };
        Ok(NetEnsemble { j, net, tol: cfg.tol })
    }
}

/// The ensemble's f at each x* (`values`: one array a run) against the theories there.
fn ensemble_points(theory: &NetTheory, at: &[f64], values: &[Vec<f64>]) -> Vec<PointJson> {
    at.iter()
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
        .collect()
}

fn ensemble(common: &Common, runs: u64, format: TableFormat, out: &mut dyn Write) -> anyhow::Result<()> {
    let e = NetEnsemble::new(common, runs)?;
    match format {
        TableFormat::Json => json(out, &e.j),
        TableFormat::Csv => text(out, &ensemble_csv(&e.j)),
        TableFormat::Text => text(out, &ensemble_table(&e)),
    }
}

/// A header of the x*, then one row a run.
fn ensemble_csv(j: &EnsembleJson) -> String {
    let mut csv = String::from("run");
    for x in &j.at {
        let _ = write!(csv, ",f({x:?})");
    }
    csv.push('\n');
    for (i, v) in j.values.iter().enumerate() {
        let _ = write!(csv, "{i}");
        for f in v {
            let _ = write!(csv, ",{f:?}");
        }
        csv.push('\n');
    }
    csv
}

/// What was run, then for each x* the values' mean and std against the two theories.
fn ensemble_table(e: &NetEnsemble) -> String {
    let j = &e.j;
    let mut t = Table::default();
    t.row(
        "ensemble",
        format!(
            "{} runs of the {}, optimizer {}{}, seed {}",
            thousands(j.runs),
            title(&e.net),
            j.optimizer.name(),
            if j.linearized { " (linearized: f_lin of each init, not trained nets)" } else { "" },
            j.seed
        ),
    );
    for p in &j.points {
        t.row(&format!("x* = {}", sig4(p.x)), format!("f: mean {}, std {}", sig4(p.mean), sig4(p.std)));
        t.row("  NTK-GP", against(p.ntk_gp, p.ks_ntk_gp));
        t.row("  posterior", against(p.posterior, p.ks_posterior));
    }
    // Without noise parameters GD near the threshold needs astronomically many steps: more
    // --steps is no advice there, and the stop is a ridge of its own.
    let never = (e.net.sigma == 0.0).then_some("no noise parameters: early stopping acts as a ridge");
    ensemble_footer(&mut t, j.unconverged, j.runs, e.tol, j.elapsed_s, "values", never);
    t.finish()
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
    /// σn, the noise parameters' prior sd (0: none).
    noise_prior: f64,
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
    let net = crate::net::NetSpec { width: 1, ..common.net_spec() }.build(&data, common.noise_prior())?;
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
                noise_prior: common.noise_prior(),
                points: preds
                    .iter()
                    .map(|p| PredictPoint { x: p.x, ntk_gp: p.ntk_gp, posterior: p.posterior })
                    .collect(),
                at,
                kernels,
            },
        ),
        Format::Text => {
            let mut s = predict_table(common, &net, &preds);
            if let Some(k) = &kernels {
                s.push_str(&kernels_text(k));
            }
            text(out, &s)
        }
    }
}

/// `predict`'s text: a title, then one row a test point.
fn predict_table(common: &Common, net: &Net, preds: &[Prediction]) -> String {
    let mut s = format!(
        "Where wide nets end at x* (infinite width; {}, {} trained; seed {}, N = {}, noise σ = {}{})\n\n",
        net.act.name(),
        if net.train == TrainMode::All { "all layers" } else { "last layer" },
        common.seed,
        net.n(),
        sig4(common.noise),
        noise_prior_words(common.noise_prior(), common.noise)
    );
    let _ = writeln!(
        s,
        "{:>10}  {:>21}  {:>21}  {:>16}",
        "x*", "NTK-GP (trained nets)", "posterior (Bayes)", "gap / post. std"
    );
    for p in preds {
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
    s
}

/// `predict --dump-kernels`'s text: each matrix under its name, one row a line.
fn kernels_text(k: &KernelDump) -> String {
    let mut s = String::new();
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
    s
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
    let net = crate::net::NetSpec { width, ..common.net_spec() }.build(data, common.noise_prior())?;
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

/// `sweep`'s optimizer: a real net's (gd or sgd), and only its widths from --widths.
fn sweep_optimizer(common: &Common) -> Result<Optimizer, Error> {
    if common.width.is_some() {
        return Err(invalid!("sweep takes its widths from --widths, not --width"));
    }
    let opt = optimizer(common, Optimizer::Gd)?;
    if opt == Optimizer::Exact {
        return Err(invalid!(
            "sweep trains real nets (gd or sgd): exact would be the linearized end, whose gap from f_lin is 0"
        ));
    }
    Ok(opt)
}

/// Trains every width's inits and fits power laws to how far they moved.
fn sweep_json(common: &Common, widths: &[usize]) -> Result<SweepJson, Error> {
    let opt = sweep_optimizer(common)?;
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
    Ok(SweepJson {
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
    })
}

fn sweep(common: &Common, format: Format, widths: &[usize], out: &mut dyn Write) -> anyhow::Result<()> {
    let j = sweep_json(common, widths)?;
    match format {
        Format::Json => json(out, &j),
        Format::Text => text(out, &sweep_table(&j)),
    }
}

/// `sweep`'s text: a title, one row a width, then the fitted powers.
fn sweep_table(j: &SweepJson) -> String {
    let at: Vec<String> = j.at.iter().map(|&x| sig4(x)).collect();
    let mut s = format!(
        "How the net leaves its linearization as the width M grows ({}, {}, {}; seed {}, inits {}..{}, N = {}, f read at x* = {})\n\n",
        j.act.name(),
        if j.train == TrainMode::All { "all layers" } else { "last layer" },
        j.optimizer.name(),
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
    s.push_str(&sweep_powers(j));
    s
}

/// The power laws fitted over all widths and the powers between successive ones.
fn sweep_powers(j: &SweepJson) -> String {
    let e = |v: Option<f64>| v.map_or("—".to_string(), |e| format!("M^{e:.3}"));
    let each = |v: &[Option<f64>]| {
        v.iter().map(|e| e.map_or("—".to_string(), |e| format!("{e:.2}"))).collect::<Vec<_>>().join(", ")
    };
    // One width has no power between widths: say what would give one rather than print none.
    let between = if j.rel_change_slopes.is_empty() {
        "powers between successive widths: none with one width (--widths takes two or more)".to_string()
    } else {
        format!(
            "powers between successive widths: |θ−θ0|/|θ0| {}; kernel change {}; |f_T − f_lin| {}",
            each(&j.rel_change_slopes),
            each(&j.kernel_change_slopes),
            each(&j.lin_gap_slopes)
        )
    };
    format!(
        "\nfitted power laws: |θ−θ0|/|θ0| ∝ {}, kernel change ∝ {}, |f_T − f_lin| ∝ {}\n{between}\n(theory: M^-0.5 for the drift, at most M^-0.5 for the other two; means over {SWEEP_INITS} inits, |f_T − f_lin| as an RMS over inits and x*)\n",
        e(j.rel_change_exponent),
        e(j.kernel_change_exponent),
        e(j.lin_gap_exponent),
    )
}
