//! The headless commands: the engine's numbers as text, JSON or CSV for scripts and tests.
//! JSON field names are a stable interface.
//!
//! This file dispatches: the commands that do not depend on the model (data, bench, the shell
//! helpers) are run here, then the one branch on the model kind sends the rest to `lines` (the
//! three linear models) or `net`. Both print with `output`'s writers and rows; neither calls back.

mod flags;
mod lines;
mod net;
mod output;
mod risk;

pub use flags::check_flags;

use std::io::Write;

use crate::args::{BenchPart, Command, Common, DataFormat};
use crate::report::DataJson;
use output::{json, text};

/// Runs a headless command, writing its output to stdout.
pub fn run(command: &Command, common: &Common) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = render(command, common, &mut out).and_then(|()| out.flush().map_err(Into::into));
    match result {
        // A closed pipe (`overparam data | head`) ends the program quietly, as Unix tools do.
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

/// True when `e`, or anything it wraps, is a write to a pipe whose reader has gone.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// Runs a command, writing what it prints to `out`. Everything is computed before the first
/// byte is written, so an error never leaves half an output behind.
pub fn render(command: &Command, common: &Common, out: &mut dyn Write) -> anyhow::Result<()> {
    common.check_model_options()?;
    match command {
        Command::Data { format } => data_cmd(common, *format, out),
        Command::Bench { quick, only } => bench_cmd(*quick, *only, out),
        // Shell helpers do not depend on the model.
        Command::Completions { shell } => crate::shell::completions(*shell, out),
        Command::Man => crate::shell::man(out),
        Command::Tour { .. } => {
            Err(crate::error::invalid!("the tour opens the explorer: run `overparam tour` in a terminal").into())
        }
        Command::Risk { format, widths, noise_prior, draws, trained } => risk::render(
            common,
            &risk::Request { widths, sigmas: noise_prior, draws: *draws, trained: *trained },
            *format,
            out,
        ),
        // The one place the headless commands ask which kind of model: the net has its own.
        _ if common.model.is_linear() => lines::render(command, common, out),
        _ => net::render(command, common, out),
    }
}

fn bench_cmd(quick: bool, only: Option<BenchPart>, out: &mut dyn Write) -> anyhow::Result<()> {
    let part = |p: BenchPart| only.is_none_or(|o| o == p);
    let mut rows = Vec::new();
    if part(BenchPart::Explorer) {
        // The session's memory first: the peak-RSS figure is a high-water mark for the process.
        let session_rss = crate::bench::session_peak_rss()?;
        rows.extend(crate::bench::explorer_rows(quick, session_rss)?);
    }
    if part(BenchPart::Engine) {
        rows.extend(crate::bench::engine_rows(quick)?);
    }
    if part(BenchPart::Net) {
        rows.extend(crate::bench::net_rows(quick)?);
    }
    if part(BenchPart::Risk) {
        rows.extend(crate::bench::risk_rows(quick)?);
    }
    if part(BenchPart::Data) {
        rows.extend(crate::bench::data_rows(quick)?);
    }
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
    // Own data: σ beside its residual sd, on stderr where stdout is the CSV itself.
    let check = common.sigma_check(&data);
    match format {
        DataFormat::Csv => text(out, &data.to_csv())?,
        DataFormat::Json => {
            #[derive(serde::Serialize)]
            struct Json {
                #[serde(flatten)]
                data: DataJson,
                #[serde(skip_serializing_if = "Option::is_none")]
                sigma_check: Option<crate::data::SigmaCheck>,
            }
            let sigma_check = check.clone();
            json(out, &Json { data: DataJson::from(&data), sigma_check })?
        }
    }
    if let Some(c) = check.as_ref().filter(|_| format == DataFormat::Csv) {
        crate::say!("note: {}", c.summary());
    }
    output::warn_sigma(check);
    Ok(())
}
