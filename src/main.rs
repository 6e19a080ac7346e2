use std::process::ExitCode;

use overparam::args::Command;

fn main() -> ExitCode {
    let (cli, given) = match overparam::args::parse_from(std::env::args_os()) {
        Ok(parsed) => parsed,
        Err(e) if !e.use_stderr() => {
            // --help and --version: print as clap does.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            overparam::say!("{}", overparam::args::one_line(&e));
            return ExitCode::from(2);
        }
    };
    let result =
        overparam::cli::check_flags(&cli, &given).map_err(anyhow::Error::from).and_then(|()| match &cli.command {
            Some(Command::Tour { file, explorer }) => {
                overparam::tui::run_tour(&cli.explorer.and(explorer), file.as_deref())
            }
            Some(command) => overparam::cli::run(command, &cli.common),
            None => overparam::tui::run(&cli.common, &cli.explorer),
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = err.downcast_ref::<overparam::Error>().map_or(1, overparam::Error::exit_code);
            overparam::say!("error: {err:#}");
            ExitCode::from(code as u8)
        }
    }
}
