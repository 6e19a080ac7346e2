//! The lines' headless commands (the three linear models): train, ensemble, compare and sweep.
//! JSON field names are a stable interface.

use std::fmt::Write as _;
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use super::output::{
    Table, TestJson, against, ensemble_footer, json, params_csv, stop_text, test_row, text, warn_sigma,
};
use crate::args::{Command, Common, Format, TableFormat};
use crate::data::{Dataset, SigmaCheck};
use crate::ensemble::{self, EndpointSource};
use crate::error::{Error, invalid};
use crate::format::{sig4, thousands};
use crate::model::{Model, ModelKind};
use crate::optim::{Optimizer, Run, sgd_note, stability_bound};
use crate::report::{DataJson, Provenance, ensemble_json, ensure_finite};
use crate::risk::{TestSet, test_error};
use crate::theory::{self, Normal};

/// Runs a command for one of the three linear models; `cli::render` has already run the
/// commands that do not depend on the model.
pub(super) fn render(command: &Command, common: &Common, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
        Command::Train { dump_curve: true, .. } => Err(invalid!("--dump-curve applies to --model net only").into()),
        Command::Sweep { widths, .. } if !widths.is_empty() => {
            Err(invalid!("--widths applies to --model net only (the very model's sweep takes --sources)").into())
        }
        Command::Predict { .. } => Err(invalid!("predict shows the net's two theories: add --model net").into()),
        Command::Train { format, dump_params, .. } => train(common, *format, *dump_params, out),
        Command::Ensemble { runs, format } => ensemble_cmd(common, *runs, *format, out),
        Command::Compare { format } => compare(common, *format, out),
        Command::Sweep { format, .. } => sweep_cmd(common, *format, out),
        Command::Plot { out: dir, runs, views } => {
            let runs = runs.unwrap_or(crate::export::LINEAR_PLOT_RUNS);
            for w in crate::export::plot::plot(common, dir, runs, views, out)? {
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

fn model_title(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Traditional => "traditional",
        ModelKind::Slightly => "slightly overparameterized",
        ModelKind::Very => "very overparameterized",
        ModelKind::Net => "wide network",
    }
}

#[derive(Serialize)]
struct TrainJson {
    model: ModelKind,
    k: usize,
    n: usize,
    sources: usize,
    seed: u64,
    init: u64,
    optimizer: Optimizer,
    lr: Option<f64>,
    steps: u64,
    converged: bool,
    loss: f64,
    grad_norm: f64,
    slope: f64,
    slope_init: f64,
    slope_limit: f64,
    mle: f64,
    posterior: Normal,
    gd_endpoint: Normal,
    ridge_dim: usize,
    rel_change: f64,
    /// The run's test error, and what it is measured against.
    test_error: f64,
    test_set: TestJson,
    elapsed_s: f64,
    data: DataJson,
    /// With --data: σ beside the data's residual sd (see `data::sigma_check`).
    #[serde(skip_serializing_if = "Option::is_none")]
    sigma_check: Option<SigmaCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    theta0: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    theta: Option<Vec<f64>>,
}

/// Trains one run to the end (or to the step cap) and returns it with the time it took.
fn train_run(common: &Common, model: &Arc<Model>, opt: Optimizer) -> Result<(Run, f64), Error> {
    let start = Instant::now();
    let mut run = Run::new(Arc::clone(model), opt, common.lr_choice(), common.seed, common.init)?;
    run.run_to_end(common.max_steps(), common.tol)?;
    Ok((run, start.elapsed().as_secs_f64()))
}

/// The test error of the line f(x) = c·x.
pub(super) fn line_test_error(test: &TestSet, c: f64) -> f64 {
    let pred: Vec<f64> = test.x.iter().map(|x| c * x).collect();
    test_error(test, &pred)
}

/// `train`'s run, trained to the end, and the theory it is read against.
struct Trained {
    opt: Optimizer,
    data: Dataset,
    /// Where the test error is measured, and the run's error there.
    test: TestSet,
    test_error: f64,
    model: Arc<Model>,
    run: Run,
    elapsed: f64,
    loss: f64,
    grad_norm: f64,
    /// The closed-form endpoint's slope from this run's init.
    slope_limit: f64,
    posterior: Normal,
    endpoint: Normal,
    mle: f64,
}

impl Trained {
    /// Trains the run and checks every number `train` prints is finite.
    fn new(common: &Common) -> Result<Self, Error> {
        let opt = common.optimizer.unwrap_or(Optimizer::Gd);
        common.check_lr_applies(opt)?;
        let (data, test) = common.train_test()?;
        let model = common.model_on(common.model, &data)?;
        let (run, elapsed) = train_run(common, &model, opt)?;
        let test_error = line_test_error(&test, run.slope());
        let posterior = theory::posterior(&model);
        let endpoint = theory::endpoint_distribution(&model, opt.metric());
        let (loss, grad_norm, slope_limit) = (run.loss(), run.grad_norm(), run.limit()[0]);
        let mle = theory::mle(&model);
        ensure_finite(&[
            ("loss", loss),
            ("|∇L|", grad_norm),
            ("slope", run.slope()),
            ("closed-form endpoint slope", slope_limit),
            ("|θ−θ0|/|θ0|", run.rel_change()),
            ("posterior std", posterior.std),
            ("endpoint std", endpoint.std),
            ("test error", test_error),
        ])?;
        Ok(Trained {
            opt,
            data,
            test,
            test_error,
            model,
            run,
            elapsed,
            loss,
            grad_norm,
            slope_limit,
            posterior,
            endpoint,
            mle,
        })
    }
}

fn train(common: &Common, format: Format, dump: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let t = Trained::new(common)?;
    // Own data: σ is --noise's (1 unless given), set beside the data's own scatter.
    let check = common.sigma_check(&t.data);
    match format {
        Format::Json => json(out, &train_json(common, &t, dump, check.clone()))?,
        Format::Text => {
            let mut s = train_table(common, &t, check.as_ref());
            if dump {
                s.push_str(&params_csv(&t.run.theta0, &t.run.theta));
            }
            text(out, &s)?
        }
    }
    warn_sigma(check);
    Ok(())
}

fn train_json(common: &Common, t: &Trained, dump: bool, sigma_check: Option<SigmaCheck>) -> TrainJson {
    let (model, run) = (&t.model, &t.run);
    TrainJson {
        model: model.kind,
        k: model.k(),
        n: model.n(),
        sources: model.sources,
        seed: common.seed,
        init: common.init,
        optimizer: t.opt,
        lr: run.lr,
        steps: run.steps,
        converged: run.converged(),
        loss: t.loss,
        grad_norm: t.grad_norm,
        slope: run.slope(),
        slope_init: run.slope_init(),
        slope_limit: t.slope_limit,
        mle: t.mle,
        posterior: t.posterior,
        gd_endpoint: t.endpoint,
        ridge_dim: model.ridge_dim(),
        rel_change: run.rel_change(),
        elapsed_s: t.elapsed,
        data: (&t.data).into(),
        test_error: t.test_error,
        test_set: TestJson::of(&t.test),
        sigma_check,
        theta0: dump.then(|| run.theta0.to_vec()),
        theta: dump.then(|| run.theta.to_vec()),
    }
}

/// `train`'s text: one row a quantity.
fn train_table(common: &Common, t: &Trained, check: Option<&SigmaCheck>) -> String {
    let (model, run) = (&t.model, &t.run);
    let mut table = Table::default();
    table.row("model", model_line(model));
    if let Some(c) = check {
        table.row("noise", c.summary());
    }
    table.row("seed", format!("{} (init {})", common.seed, common.init));
    table.row("optimizer", optimizer_line(model, run));
    let stop = stop_text(&run.status, run.optimizer, run.steps, t.grad_norm, common);
    table.row("steps", format!("{} ({stop})", thousands(run.steps)));
    table.row("loss", format!("{} (½ Σ residual²; init {})", sig4(t.loss), sig4(run.loss0())));
    table.row(
        "slope",
        format!(
            "{} (init {}; closed-form endpoint {})",
            sig4(run.slope()),
            sig4(run.slope_init()),
            sig4(t.slope_limit)
        ),
    );
    table.row("MLE slope", sig4(t.mle));
    table.row("posterior", format!("{} ± {} (Bayes, prior N(0,1))", sig4(t.posterior.mean), sig4(t.posterior.std)));
    table.row("endpoints", endpoints_line(t.endpoint, t.opt));
    table.row("|θ−θ0|/|θ0|", sig4(run.rel_change()));
    table.row("test error", test_row(&t.test, t.test_error));
    if let Some(never) = sgd_note(model.kind, run.optimizer).filter(|_| !run.converged()) {
        table.row("note", never);
    }
    table.row("time", format!("{} s", sig4(t.elapsed)));
    table.finish()
}

fn model_line(model: &Model) -> String {
    format!(
        "{} (k = {} parameter{}, N = {} points, ridge dimension {})",
        model_title(model.kind),
        thousands(model.k() as u64),
        if model.k() == 1 { "" } else { "s" },
        model.n(),
        thousands(model.ridge_dim() as u64)
    )
}

/// Where the theory puts `opt`'s endpoints over random inits.
fn endpoints_line(endpoint: Normal, opt: Optimizer) -> String {
    if endpoint.std == 0.0 {
        format!("{} (a single point, the MLE, whatever the init: a peak, not a ridge)", sig4(endpoint.mean))
    } else {
        format!("{} ± {} (predicted over random inits for {})", sig4(endpoint.mean), sig4(endpoint.std), opt.name())
    }
}

fn optimizer_line(model: &Model, run: &Run) -> String {
    match (run.lr, stability_bound(model, run.optimizer)) {
        (Some(lr), Some((_, name))) if run.optimizer == Optimizer::Sgd => {
            format!("sgd, step {} × 1/|∇f_n|² (stable below {name})", sig4(lr))
        }
        (Some(lr), Some((bound, name))) => {
            format!("{}, learning rate {} (stability bound {name} = {})", run.optimizer.name(), sig4(lr), sig4(bound))
        }
        _ => run.optimizer.name().to_string(),
    }
}

fn ensemble_cmd(common: &Common, runs: u64, format: TableFormat, out: &mut dyn Write) -> anyhow::Result<()> {
    let cfg = common.ensemble_config(Optimizer::Exact);
    common.check_lr_applies(cfg.optimizer)?;
    let data = common.dataset()?;
    let model = common.model_on(common.model, &data)?;
    let start = Instant::now();
    let ends = ensemble::endpoints(&model, &cfg, 0..runs)?;
    let elapsed = start.elapsed().as_secs_f64();
    let slopes: Vec<f64> = ends.iter().map(|e| e.slope).collect();
    let unconverged = ends.iter().filter(|e| !e.converged).count() as u64;
    drop(ends);
    let s = ensemble::summarize(&model, cfg.optimizer, &slopes);
    ensure_finite(&[("mean slope", s.mean), ("slope std", s.std), ("posterior std", s.posterior.std)])?;
    match format {
        TableFormat::Json => {
            // `ensemble` trains every run but exact's, which jumps to the closed form.
            let endpoints = match cfg.optimizer {
                Optimizer::Exact => EndpointSource::ClosedFormLimit,
                _ => EndpointSource::Trained,
            };
            let provenance = Provenance { endpoints, command: None };
            text(out, &ensemble_json(&model, &cfg, &slopes, unconverged, elapsed, provenance)?)
        }
        TableFormat::Csv => {
            let mut csv = String::from("run,slope\n");
            for (i, v) in slopes.iter().enumerate() {
                let _ = writeln!(csv, "{i},{v:?}");
            }
            text(out, &csv)
        }
        TableFormat::Text => {
            let mut t = Table::default();
            t.row(
                "ensemble",
                format!(
                    "{} runs of the {} model (k = {}), optimizer {}, seed {}",
                    thousands(runs),
                    model_title(model.kind),
                    thousands(model.k() as u64),
                    cfg.optimizer.name(),
                    cfg.seed
                ),
            );
            t.row("slopes", format!("mean {}, std {}", sig4(s.mean), sig4(s.std)));
            t.row("posterior", against(s.posterior, s.ks_posterior));
            t.row(
                "predicted",
                format!(
                    "{} (endpoints of {} over random inits)",
                    against(s.gd_endpoint, s.ks_gd_endpoint),
                    cfg.optimizer.name()
                ),
            );
            t.row("MLE slope", sig4(s.mle));
            let never = sgd_note(model.kind, cfg.optimizer);
            ensemble_footer(&mut t, unconverged, runs, cfg.tol, elapsed, "slopes", never);
            text(out, &t.finish())
        }
    }
}

#[derive(Serialize)]
struct Estimate {
    name: &'static str,
    model: ModelKind,
    slope: f64,
    /// (slope − posterior mean) / posterior std.
    posterior_z: f64,
}

#[derive(Serialize)]
struct CompareJson {
    seed: u64,
    init: u64,
    n: usize,
    sources: usize,
    optimizer: Optimizer,
    posterior: Normal,
    estimates: Vec<Estimate>,
}

fn compare(common: &Common, format: Format, out: &mut dyn Write) -> anyhow::Result<()> {
    let opt = common.optimizer.unwrap_or(Optimizer::Gd);
    common.check_lr_applies(opt)?;
    let data = common.dataset()?;
    let trad = common.model_on(ModelKind::Traditional, &data)?;
    let posterior = theory::posterior(&trad);
    let z = |v: f64| (v - posterior.mean) / posterior.std;
    let mle = theory::mle(&trad);
    let mut estimates =
        vec![Estimate { name: "least squares (MLE)", model: ModelKind::Traditional, slope: mle, posterior_z: z(mle) }];
    for (name, kind) in
        [("slightly overparameterized", ModelKind::Slightly), ("very overparameterized", ModelKind::Very)]
    {
        let model = common.model_on(kind, &data)?;
        let (run, _) = train_run(common, &model, opt)?;
        estimates.push(Estimate { name, model: kind, slope: run.slope(), posterior_z: z(run.slope()) });
    }
    match format {
        Format::Json => json(
            out,
            &CompareJson {
                seed: common.seed,
                init: common.init,
                n: data.n(),
                sources: common.source_count()?,
                optimizer: opt,
                posterior,
                estimates,
            },
        ),
        Format::Text => {
            let mut s = format!(
                "Slope estimates on one dataset (seed {}, N = {}, one init each: init {}, optimizer {})\n\n",
                common.seed,
                data.n(),
                common.init,
                opt.name()
            );
            let _ = writeln!(s, "{:<28} {:>9}  {:>22}", "estimate", "slope", "posterior stds from mean");
            for e in &estimates {
                let _ = writeln!(s, "{:<28} {:>9}  {:>+22.2}", e.name, sig4(e.slope), e.posterior_z);
            }
            let _ = writeln!(s, "{:<28} {:>9}  ± {}", "Bayes posterior", sig4(posterior.mean), sig4(posterior.std));
            if is_demo_data(common) {
                s.push_str("\nThe article (its own unseeded data): MLE 1.010 · slightly 1.046 · very 1.031; posterior std 0.0174.\n");
            }
            text(out, &s)
        }
    }
}

/// True for the generated demo data (the article's setup, any seed): the only data the
/// article's own numbers can be set beside.
fn is_demo_data(common: &Common) -> bool {
    let (spec, demo) = (common.data_spec(), crate::data::DataSpec::default());
    common.data.is_none()
        && spec.n == demo.n
        && spec.x == demo.x
        && spec.slope == demo.slope
        && spec.noise == demo.noise
}

#[derive(Serialize)]
struct SweepJson {
    seed: u64,
    init: u64,
    n: usize,
    rows: Vec<crate::ridge::SweepRow>,
    /// Fitted b in rel_change ≈ A·M^b.
    exponent: Option<f64>,
    /// Fitted b in max_change ≈ A·M^b.
    max_change_exponent: Option<f64>,
}

fn sweep_cmd(common: &Common, format: Format, out: &mut dyn Write) -> anyhow::Result<()> {
    let data = common.dataset()?;
    let mut sources = common.sources.clone();
    if sources.is_empty() {
        sources = crate::ridge::SWEEP_SOURCES.to_vec();
    }
    let rows = crate::ridge::sweep(&data, common.noise, &sources, common.seed, common.init)?;
    let ms: Vec<f64> = rows.iter().map(|r| r.sources as f64).collect();
    let rel: Vec<f64> = rows.iter().map(|r| r.rel_change).collect();
    let max: Vec<f64> = rows.iter().map(|r| r.max_change).collect();
    let j = SweepJson {
        seed: common.seed,
        init: common.init,
        n: data.n(),
        exponent: crate::ridge::power_law_exponent(&ms, &rel),
        max_change_exponent: crate::ridge::power_law_exponent(&ms, &max),
        rows,
    };
    match format {
        Format::Json => json(out, &j),
        Format::Text => {
            let mut s = format!(
                "How far GD moves the very model's parameters (seed {}, init {}, N = {}, closed-form endpoint)\n\n",
                j.seed, j.init, j.n
            );
            let _ = writeln!(
                s,
                "{:>8} {:>12} {:>14} {:>22} {:>12}",
                "sources", "k", "|θ−θ0|/|θ0|", "largest |ξ_i − ξ0_i|", "|c − c0|"
            );
            for r in &j.rows {
                let _ = writeln!(
                    s,
                    "{:>8} {:>12} {:>14} {:>22} {:>12}",
                    r.sources,
                    thousands(r.k as u64),
                    sig4(r.rel_change),
                    sig4(r.max_change),
                    sig4(r.slope_change)
                );
            }
            let fit = |e: Option<f64>| e.map_or("—".to_string(), |e| format!("M^{e:.3}"));
            let _ = writeln!(
                s,
                "\nfitted power law: |θ−θ0|/|θ0| ∝ {}, largest noise-parameter change ∝ {} (theory: M^-0.5 for both;\nthe slope itself must move to fit the data, whatever M)",
                fit(j.exponent),
                fit(j.max_change_exponent)
            );
            text(out, &s)
        }
    }
}
