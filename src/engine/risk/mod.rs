//! Does it overfit? The test error of a fitted function, and its expectation over inits in
//! closed form (THEORY.md, "Does it overfit?").
//!
//! - [`test_set`]: [`TestSet`], where the error is measured (a grid against the true line for
//!   generated data, a held-out share for a data file), and [`test_error`], the one definition.

pub mod test_set;

pub use test_set::{GRID_POINTS, TestKind, TestSet, check_holdout, split_holdout, test_error};
