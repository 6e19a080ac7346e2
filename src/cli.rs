//! The headless commands: the engine's numbers as text, JSON or CSV.

use crate::args::{Command, Common};

pub fn run(_command: &Command, _common: &Common) -> anyhow::Result<()> {
    anyhow::bail!("not yet")
}
