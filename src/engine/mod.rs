//! The engine: data, models (the three lines and the wide net), optimizers and the one run loop,
//! closed-form theory, ensembles, and what the front ends read from them. No terminal code here;
//! the headless commands (`crate::cli`) and the explorer (`crate::tui`) are front ends over it.
//! Each module is re-exported at the crate root, so `crate::model` is `crate::engine::model`.

pub mod data;
pub mod data_file;
pub mod ensemble;
pub mod geometry;
pub mod history;
pub mod limits;
pub mod model;
pub mod net;
pub mod optim;
pub mod predict;
pub mod report;
pub mod ridge;
pub mod risk;
pub mod rng;
pub mod theory;
