//! The headless commands: the engine's numbers as text, JSON or CSV for scripts and tests.
//! JSON field names are a stable interface. The net's commands are in `net`.

mod net;

use std::fmt::Write as _;
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::args::{Command, Common, DataFormat, Format, TableFormat};
use crate::ensemble::{self, EndpointSource};
use crate::error::{Error, invalid};
use crate::format::{sig4, thousands};
use crate::model::{Model, ModelKind};
use crate::optim::{Optimizer, Run, Status, stability_bound, stop_words};
use crate::report::{DataJson, Provenance, ensemble_json, ensure_finite};
use crate::theory::{self, Ks, Normal};

/// Runs a headless command, writing its output to stdout.
pub fn run(command: &Command, common: &Common) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = render(command, common, &mut out).and_then(|()| out.flush().map_err(Into::into));
    match result {
        // A closed pipe (`overparam data | head`) is not an error worth a message.
        Err(e) if e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) => {
            Ok(())
        }
        other => other,
    }
}

/// Runs a command, writing what it prints to `out`. Everything is computed before the first
/// byte is written, so an error never leaves half an output behind.
pub fn render(command: &Command, common: &Common, out: &mut dyn Write) -> anyhow::Result<()> {
    common.check_model_options()?;
    match command {
        Command::Data { format } => data_cmd(common, *format, out),
        Command::Bench { quick } => bench_cmd(*quick, out),
        // Shell helpers do not depend on the model.
        Command::Completions { shell } => crate::shell::completions(*shell, out),
        Command::Man => crate::shell::man(out),
        Command::Tour { .. } => Err(invalid!("the tour opens the explorer: run `overparam tour` in a terminal").into()),
        // The one place the headless commands ask which kind of model: the net has its own.
        _ if !common.model.is_linear() => net::render(command, common, out),
        Command::Train { dump_curve: true, .. } => Err(invalid!("--dump-curve applies to --model net only").into()),
        Command::Sweep { widths, .. } if !widths.is_empty() => {
            Err(invalid!("--widths applies to --model net only (the very model's sweep takes --sources)").into())
        }
        Command::Predict { .. } => Err(invalid!("predict shows the net's two theories: add --model net").into()),
        Command::Train { format, dump_params, .. } => train(common, *format, *dump_params, out),
        Command::Ensemble { runs, format } => ensemble_cmd(common, *runs, *format, out),
        Command::Compare { format } => compare(common, *format, out),
        Command::Sweep { format, .. } => sweep_cmd(common, *format, out),
        Command::Plot { out: dir, runs } => {
            for w in crate::export::plot::plot(common, dir, runs.unwrap_or(crate::export::LINEAR_PLOT_RUNS), out)? {
                eprintln!("warning: {w}");
            }
            Ok(())
        }
    }
}

/// An ensemble table's last rows: a warning when runs stopped short of tol (their `what` are not
/// endpoints), and the time taken.
fn ensemble_footer(t: &mut Table, unconverged: u64, runs: u64, tol: f64, elapsed: f64, what: &str) {
    if unconverged > 0 {
        t.row(
            "warning",
            format!(
                "{} of {} runs stopped before |∇L| < tol {} (raise --steps): their {what} are not endpoints",
                thousands(unconverged),
                thousands(runs),
                sig4(tol)
            ),
        );
    }
    t.row("time", format!("{} s ({} runs/s)", sig4(elapsed), sig4(runs as f64 / elapsed.max(1e-9))));
}

/// `train`'s steps line (the lines and the net alike): why the run stopped, in the engine's
/// words, and |∇L| where it did (with the tol it could not get below, at the floor).
pub(crate) fn stop_text(status: &Status, optimizer: Optimizer, steps: u64, grad_norm: f64, common: &Common) -> String {
    let words = stop_words(status, optimizer, steps, common.max_steps(), common.tol).unwrap_or_default();
    let tol = if *status == Status::Stalled { format!(", tol {}", sig4(common.tol)) } else { String::new() };
    format!("{words}; |∇L| = {}{tol}", sig4(grad_norm))
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
    elapsed_s: f64,
    data: DataJson,
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

fn train(common: &Common, format: Format, dump: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let opt = common.optimizer.unwrap_or(Optimizer::Gd);
    common.check_lr_applies(opt)?;
    let data = common.dataset()?;
    let model = common.model_on(common.model, &data)?;
    let (run, elapsed) = train_run(common, &model, opt)?;
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
    ])?;
    match format {
        Format::Json => {
            let j = TrainJson {
                model: model.kind,
                k: model.k(),
                n: model.n(),
                sources: model.sources,
                seed: common.seed,
                init: common.init,
                optimizer: opt,
                lr: run.lr,
                steps: run.steps,
                converged: run.converged(),
                loss,
                grad_norm,
                slope: run.slope(),
                slope_init: run.slope_init(),
                slope_limit,
                mle,
                posterior,
                gd_endpoint: endpoint,
                ridge_dim: model.ridge_dim(),
                rel_change: run.rel_change(),
                elapsed_s: elapsed,
                data: (&data).into(),
                theta0: dump.then(|| run.theta0.to_vec()),
                theta: dump.then(|| run.theta.to_vec()),
            };
            json(out, &j)
        }
        Format::Text => {
            let mut t = Table::default();
            t.row(
                "model",
                format!(
                    "{} (k = {} parameter{}, N = {} points, ridge dimension {})",
                    model_title(model.kind),
                    thousands(model.k() as u64),
                    if model.k() == 1 { "" } else { "s" },
                    model.n(),
                    thousands(model.ridge_dim() as u64)
                ),
            );
            t.row("seed", format!("{} (init {})", common.seed, common.init));
            t.row("optimizer", optimizer_line(&model, &run));
            let stop = stop_text(&run.status, run.optimizer, run.steps, grad_norm, common);
            t.row("steps", format!("{} ({stop})", thousands(run.steps)));
            t.row("loss", format!("{} (½ Σ residual²; init {})", sig4(loss), sig4(run.loss0())));
            t.row(
                "slope",
                format!(
                    "{} (init {}; closed-form endpoint {})",
                    sig4(run.slope()),
                    sig4(run.slope_init()),
                    sig4(slope_limit)
                ),
            );
            t.row("MLE slope", sig4(mle));
            t.row("posterior", format!("{} ± {} (Bayes, prior N(0,1))", sig4(posterior.mean), sig4(posterior.std)));
            let predicted = if endpoint.std == 0.0 {
                format!("{} (a single point, the MLE, whatever the init: a peak, not a ridge)", sig4(endpoint.mean))
            } else {
                format!(
                    "{} ± {} (predicted over random inits for {})",
                    sig4(endpoint.mean),
                    sig4(endpoint.std),
                    opt.name()
                )
            };
            t.row("endpoints", predicted);
            t.row("|θ−θ0|/|θ0|", sig4(run.rel_change()));
            t.row("time", format!("{} s", sig4(elapsed)));
            let mut s = t.finish();
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
            ensemble_footer(&mut t, unconverged, runs, cfg.tol, elapsed, "slopes");
            text(out, &t.finish())
        }
    }
}

/// "mean …, std …  KS distance … (p …)": an ensemble against one theory's distribution.
fn against(theory: Normal, ks: Ks) -> String {
    format!("mean {}, std {}  {}", sig4(theory.mean), sig4(theory.std), ks_text(ks))
}

fn ks_text(ks: Ks) -> String {
    // The asymptotic p-value underflows to 0 far out in the tail: say so rather than print 0.
    let p = if ks.p < 1e-15 { "< 1e-15".to_string() } else { format!("= {}", sig4(ks.p)) };
    format!("KS distance {} (p {p})", sig4(ks.d))
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
            s.push_str("\nThe article (its own unseeded data): MLE 1.010 · slightly 1.046 · very 1.031; posterior std 0.0174.\n");
            text(out, &s)
        }
    }
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

fn bench_cmd(quick: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    // The session's memory first: the peak-RSS figure is a high-water mark for the process.
    let session_rss = crate::bench::session_peak_rss()?;
    let mut rows = crate::bench::explorer_rows(quick, session_rss)?;
    rows.extend(crate::bench::engine_rows(quick)?);
    rows.extend(crate::bench::net_rows(quick)?);
    let mut s = format!(
        "overparam bench: {} cores, {} build\n\n",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        if cfg!(debug_assertions) { "debug (figures are slow: use --release)" } else { "release" }
    );
    s.push_str(&crate::bench::report(&rows));
    text(out, &s)
}

fn data_cmd(common: &Common, format: DataFormat, out: &mut dyn Write) -> anyhow::Result<()> {
    let data = common.dataset()?;
    match format {
        DataFormat::Csv => text(out, &data.to_csv()),
        DataFormat::Json => json(out, &DataJson::from(&data)),
    }
}

fn json<T: Serialize>(out: &mut dyn Write, v: &T) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v)?;
    writeln!(out)?;
    Ok(())
}

fn text(out: &mut dyn Write, s: &str) -> anyhow::Result<()> {
    out.write_all(s.as_bytes())?;
    Ok(())
}

/// Two aligned columns: a name and its value.
#[derive(Default)]
struct Table {
    rows: Vec<(String, String)>,
}

impl Table {
    fn row(&mut self, name: &str, value: impl Into<String>) {
        self.rows.push((name.to_string(), value.into()));
    }
    fn finish(self) -> String {
        let w = self.rows.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0);
        let mut s = String::new();
        for (n, v) in self.rows {
            let pad = w - n.chars().count();
            let _ = writeln!(s, "{n}{}  {v}", " ".repeat(pad));
        }
        s
    }
}
