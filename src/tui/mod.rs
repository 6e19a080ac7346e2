//! The terminal explorer (a front end over the engine). Placeholder until the explorer lands.

use crate::args::{Common, ExplorerArgs};

/// Opens the explorer; returns once the user quits, with the terminal restored.
pub fn run(_common: &Common, _explorer: &ExplorerArgs) -> anyhow::Result<()> {
    anyhow::bail!("the explorer is not built yet")
}
