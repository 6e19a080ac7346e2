//! Does it overfit? The test error of a fitted function, and its expectation over inits in
//! closed form (THEORY.md, "Does it overfit?").
//!
//! - [`test_set`]: [`TestSet`], where the error is measured (a grid against the true line for
//!   generated data, a held-out share for a data file), and [`test_error`], the one definition.

pub mod closed;
pub mod curve;
pub mod eigh;
pub mod gram;
pub mod test_set;
pub mod trained;

pub use closed::{Expected, expected_errors};
pub use curve::{Curve, CurveSpec, LineRisks, Summary, WidthRow, curve};
pub use test_set::{
    DEFAULT_HOLDOUT, GRID_POINTS, TestKind, TestSet, check_holdout, split_holdout, test_error, train_test,
};
