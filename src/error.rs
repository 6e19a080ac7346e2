//! The library's errors: bad input (the caller's fault, exit 2) and runs that diverge (exit 1).

use thiserror::Error;

/// Everything the engine can refuse or fail at.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// A value the user gave is out of range or inconsistent.
    #[error("{0}")]
    Invalid(String),
    /// A data file could not be used; `line` is 1-based (0 when the whole file is at fault).
    #[error("{path}: {}{msg}", if *.line > 0 { format!("line {}: ", line) } else { String::new() })]
    DataFile { path: String, line: usize, msg: String },
    /// A result that is not a finite number (refused rather than printed).
    #[error("the run produced a non-finite result: {0}")]
    NonFinite(String),
    /// Floating-point overflow with a learning rate inside its stability bound.
    #[error("the numbers overflowed at step {step}: the data or the noise are too large for double precision")]
    Overflow { step: u64 },
    /// Training left the stable region: the loss became non-finite or exploded.
    #[error(
        "run diverged at step {step}: learning rate {lr:.4e} is past the stability bound {bound_name} = {bound:.4e} (loss grew from {loss0:.4e} to {loss})"
    )]
    Diverged { step: u64, lr: f64, bound: f64, bound_name: &'static str, loss0: f64, loss: String },
    /// The net diverged with a learning rate inside the bound measured at its init: its kernel
    /// grew during training, so the bound moved.
    #[error(
        "run diverged at step {step}: learning rate {lr:.4e} is inside the init's bound {bound_name} = {bound:.4e}, but the net's kernel grew in training (loss grew from {loss0:.4e} to {loss}); lower --lr-scale"
    )]
    Unstable { step: u64, lr: f64, bound: f64, bound_name: &'static str, loss0: f64, loss: String },
}

impl Error {
    /// The process exit code a front end should use: 2 for bad input, 1 for a failed run.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid(_) | Error::DataFile { .. } => 2,
            Error::Diverged { .. } | Error::Unstable { .. } | Error::Overflow { .. } | Error::NonFinite(_) => 1,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Shorthand for an `Error::Invalid` with a formatted message.
macro_rules! invalid {
    ($($arg:tt)*) => { $crate::error::Error::Invalid(format!($($arg)*)) };
}
pub(crate) use invalid;
