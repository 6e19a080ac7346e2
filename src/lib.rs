//! overparam: see why hugely overparameterized models don't overfit.
//!
//! Three parts: the engine (`engine/`: data, models, optimizers, theory, ensembles) knows nothing
//! of terminals; the headless commands (`cli/`, `export/`) and the explorer (`tui/`) are two front
//! ends over it. The engine's modules are re-exported here, so `crate::model` names
//! `crate::engine::model`.

pub mod args;
pub mod bench;
pub mod cli;
pub mod engine;
pub mod error;
pub mod export;
pub mod format;
pub mod shell;

pub use engine::data::DEFAULT_SEED;
pub use engine::{
    data, ensemble, geometry, history, limits, model, net, optim, predict, report, ridge, risk, rng, theory,
};
pub use error::{Error, Result};
pub mod tui;
