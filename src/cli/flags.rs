//! Flags a command does not use, and flags that clash wherever they are written: refused in one
//! line naming the flag, before anything runs. clap checks clashes within one side of the
//! subcommand; the shared flags may be written on either side, so the checks here see both.

use clap::CommandFactory;

use crate::args::{Cli, Command, Given};
use crate::error::{Result, invalid};
use crate::model::ModelKind;

/// Flags that say where the data come from or how they are generated.
const DATA: [&str; 7] = ["seed", "n", "slope", "noise", "x", "data", "preset"];
/// Flags that say which model, and its size.
const MODEL: [&str; 7] = ["model", "sources", "width", "act", "train", "at", "noise_prior"];
/// Flags that say how a run trains and stops.
const RUN: [&str; 6] = ["optimizer", "lr", "lr_scale", "steps", "tol", "init"];
/// Flags for the test error, which only `train` (and the explorer) report.
const TEST: [&str; 1] = ["holdout"];
/// The flags only the explorer takes (before the subcommand, or after `tour`).
const EXPLORER: [&str; 3] = ["fps", "ascii", "out"];
/// Pairs that cannot be given together, wherever each is written.
const CLASHES: [(&str, &str); 4] = [("preset", "n"), ("preset", "x"), ("preset", "data"), ("lr", "lr_scale")];
/// Flags for generated data, which a data file makes moot.
const GENERATOR: [&str; 3] = ["n", "x", "slope"];

/// Refuses a flag the command would ignore, and a clash clap could not see (one flag before the
/// subcommand, the other after it).
pub fn check_flags(cli: &Cli, given: &Given) -> Result<()> {
    let mut cmd = Cli::command();
    cmd.build();
    for (a, b) in CLASHES {
        if given.any(a) && given.any(b) {
            return Err(invalid!("the argument '{}' cannot be used with '{}'", shown(&cmd, a), shown(&cmd, b)));
        }
    }
    let name = cli.command.as_ref().map(command_name);
    if let Some(name) = name.filter(|n| *n != "tour")
        && let Some(flag) = EXPLORER.iter().find(|f| given.before_command(f))
    {
        return Err(invalid!("{} before `{name}` is the explorer's flag: `{name}` does not use it", flag_name(flag)));
    }
    if given.any("data") {
        let moot: Vec<&str> = GENERATOR.iter().copied().filter(|f| given.any(f)).collect();
        if !moot.is_empty() {
            return Err(invalid!("{} has no effect with --data: the data come from the file", flags_list(&moot)));
        }
    }
    let Some(command) = &cli.command else { return Ok(()) };
    let (uses, why) = uses(command, cli);
    let unused: Vec<&str> = DATA
        .iter()
        .chain(&MODEL)
        .chain(&RUN)
        .chain(&TEST)
        .copied()
        .filter(|f| given.any(f) && !uses.contains(f))
        .collect();
    if unused.is_empty() {
        return Ok(());
    }
    let name = command_name(command);
    let why = if why.is_empty() { String::new() } else { format!(" ({why})") };
    Err(invalid!("`{name}` does not use {}{why}", flags_list(&unused)))
}

/// The shared flags `command` reads, and what it is, for the message naming the others.
fn uses(command: &Command, cli: &Cli) -> (Vec<&'static str>, &'static str) {
    let common = &cli.common;
    let all = || DATA.iter().chain(&MODEL).chain(&RUN).copied().collect::<Vec<_>>();
    let but = |skip: &[&str]| all().into_iter().filter(|f| !skip.contains(f)).collect::<Vec<_>>();
    let mut data: Vec<&'static str> = DATA.to_vec();
    if common.data.is_some() {
        // The file is the data: nothing is generated, so neither seed nor noise shapes it.
        data.retain(|f| !["seed", "noise"].contains(f));
    }
    match command {
        Command::Data { .. } => (data, "it prints the dataset"),
        Command::Bench { .. } => (vec![], "it measures fixed setups"),
        Command::Completions { .. } | Command::Man => {
            (vec![], "it prints a file generated from the flags' definitions")
        }
        // The tour's chapters set everything; only the explorer's own flags apply.
        Command::Tour { .. } => (vec![], "each chapter sets its own data, model and optimizer"),
        Command::Train { .. } => (all().into_iter().chain(TEST).collect(), ""),
        Command::Plot { .. } => (all(), ""),
        // Run r is init r, whatever --init says.
        Command::Ensemble { .. } => (but(&["init"]), "its run r starts from init r"),
        // The three linear models side by side; --model net is refused with its own reason.
        Command::Compare { .. } if common.model == ModelKind::Net => (all(), ""),
        Command::Compare { .. } => (but(&["model"]), "it compares the traditional, slightly and very models"),
        // The net's theories at infinite width, without training.
        Command::Predict { .. } => (
            but(&["optimizer", "lr", "lr_scale", "steps", "tol", "init", "width"]),
            "it is the infinite-width theory alone, without training",
        ),
        Command::Risk { trained: None, .. } => (
            but(&["width", "at", "init", "sources", "optimizer", "lr", "lr_scale", "steps", "tol"]),
            "its widths are --widths, and without --trained nothing is trained",
        ),
        Command::Risk { .. } => {
            (but(&["width", "at", "init", "sources"]), "its widths are --widths, its runs inits 0..R")
        }
        Command::Sweep { .. } if common.model == ModelKind::Net => (but(&["width"]), "its widths are --widths"),
        // The very model's closed-form endpoints, one per M: nothing is trained step by step.
        Command::Sweep { .. } => (
            but(&["optimizer", "lr", "lr_scale", "steps", "tol"]),
            "it sweeps the very model's M with the closed-form endpoint, nothing trained step by step",
        ),
    }
}

/// The subcommand as typed.
fn command_name(command: &Command) -> &'static str {
    match command {
        Command::Train { .. } => "train",
        Command::Ensemble { .. } => "ensemble",
        Command::Compare { .. } => "compare",
        Command::Bench { .. } => "bench",
        Command::Sweep { .. } => "sweep",
        Command::Risk { .. } => "risk",
        Command::Predict { .. } => "predict",
        Command::Plot { .. } => "plot",
        Command::Data { .. } => "data",
        Command::Tour { .. } => "tour",
        Command::Completions { .. } => "completions",
        Command::Man => "man",
    }
}

/// `--lr-scale` for the id `lr_scale`.
fn flag_name(id: &str) -> String {
    format!("--{}", id.replace('_', "-"))
}

/// "--n", "--n or --x", "--n, --x or --slope".
fn flags_list(ids: &[&str]) -> String {
    let names: Vec<String> = ids.iter().map(|f| flag_name(f)).collect();
    match names.as_slice() {
        [rest @ .., last] if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// The flag as clap's messages show it: `--preset <PRESET>` (`cmd` built).
fn shown(cmd: &clap::Command, id: &str) -> String {
    cmd.get_arguments().find(|a| a.get_id() == id).map_or_else(|| flag_name(id), |a| a.to_string())
}
