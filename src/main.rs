use std::process::ExitCode;

use clap::Parser;
use overparam::args::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version: print as clap does.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{}", overparam::args::one_line(&e));
            return ExitCode::from(2);
        }
    };
    let result = match &cli.command {
        Some(overparam::args::Command::Tour { file, explorer }) => {
            overparam::tui::run_tour(&cli.explorer.and(explorer), file.as_deref())
        }
        Some(command) => overparam::cli::run(command, &cli.common),
        None => overparam::tui::run(&cli.common, &cli.explorer),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = err.downcast_ref::<overparam::Error>().map_or(1, overparam::Error::exit_code);
            eprintln!("error: {err:#}");
            ExitCode::from(code as u8)
        }
    }
}
