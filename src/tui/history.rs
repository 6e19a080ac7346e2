//! The explorer's loss history is the engine's (`crate::history`), shared with `overparam plot`.

pub use crate::history::*;
