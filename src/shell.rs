//! The edges of a user's shell: completion scripts and the man page, both generated from the
//! one clap definition so they never disagree with `--help`.

use std::io::Write;

use clap::CommandFactory;

use crate::args::Cli;

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "overparam", &mut buf);
    out.write_all(&buf)?;
    Ok(())
}

/// The man page, overparam(1), with every subcommand listed.
pub fn man(out: &mut dyn Write) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    out.write_all(&buf)?;
    Ok(())
}
