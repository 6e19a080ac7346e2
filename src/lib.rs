//! overparam: see why hugely overparameterized models don't overfit.
//!
//! The engine (`data`, `model`, `optim`, `theory`, `ensemble`) knows nothing of terminals; the
//! headless commands (`cli`) and the explorer (`tui`) are two front ends over it.

pub mod args;
pub mod bench;
pub mod cli;
pub mod data;
pub mod ensemble;
pub mod error;
pub mod export;
pub mod format;
pub mod model;
pub mod net;
pub mod optim;
pub mod predict;
pub mod ridge;
pub mod rng;
pub mod theory;

pub use error::{Error, Result};

/// The seed a bare `overparam` uses, so it is the same experiment every time.
pub const DEFAULT_SEED: u64 = 42;
pub mod tui;
