//! What every headless command prints with: JSON and text writers, the two-column `Table`, and
//! the lines' (the linear models') and the net's shared rows (steps, ensembles against a theory,
//! θ0 and θ in full).

use std::fmt::Write as _;
use std::io::Write;

use ndarray::Array1;
use serde::Serialize;

use crate::args::Common;
use crate::format::{sig4, thousands};
use crate::optim::{Optimizer, Status, stop_words};
use crate::theory::{Ks, Normal};

/// Serialized whole first, then written: a write error stays an I/O error (a closed pipe ends
/// the program quietly, as `cli::run` knows it), never a serializer's.
pub(super) fn json<T: Serialize>(out: &mut dyn Write, v: &T) -> anyhow::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(v)?;
    bytes.push(b'\n');
    out.write_all(&bytes)?;
    Ok(())
}

pub(super) fn text(out: &mut dyn Write, s: &str) -> anyhow::Result<()> {
    out.write_all(s.as_bytes())?;
    Ok(())
}

/// Two aligned columns: a name and its value.
#[derive(Default)]
pub(super) struct Table {
    rows: Vec<(String, String)>,
}

impl Table {
    pub(super) fn row(&mut self, name: &str, value: impl Into<String>) {
        self.rows.push((name.to_string(), value.into()));
    }
    pub(super) fn finish(self) -> String {
        let w = self.rows.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0);
        let mut s = String::new();
        for (n, v) in self.rows {
            let pad = w - n.chars().count();
            let _ = writeln!(s, "{n}{}  {v}", " ".repeat(pad));
        }
        s
    }
}

/// An ensemble table's last rows: a warning when runs stopped short of tol (their `what` are not
/// endpoints), with why (`never`: the engine's words when more steps would not help; otherwise
/// raise --steps), and the time taken.
pub(super) fn ensemble_footer(
    t: &mut Table,
    unconverged: u64,
    runs: u64,
    tol: f64,
    elapsed: f64,
    what: &str,
    never: Option<&str>,
) {
    if unconverged > 0 {
        t.row(
            "warning",
            format!(
                "{} of {} runs stopped before |∇L| < tol {} ({}): their {what} are not endpoints",
                thousands(unconverged),
                thousands(runs),
                sig4(tol),
                never.unwrap_or("raise --steps")
            ),
        );
    }
    t.row("time", format!("{} s ({} runs/s)", sig4(elapsed), sig4(runs as f64 / elapsed.max(1e-9))));
}

/// `train`'s steps line (the lines and the net alike): why the run stopped, in the engine's
/// words, and |∇L| where it did (with the tol it could not get below, at the floor).
pub(super) fn stop_text(status: &Status, optimizer: Optimizer, steps: u64, grad_norm: f64, common: &Common) -> String {
    let words = stop_words(status, optimizer, steps, common.max_steps(), common.tol).unwrap_or_default();
    let tol = if *status == Status::Stalled { format!(", tol {}", sig4(common.tol)) } else { String::new() };
    format!("{words}; |∇L| = {}{tol}", sig4(grad_norm))
}

/// `train`'s test set in its JSON: what the error is measured against, in words and in parts.
#[derive(serde::Serialize)]
pub(super) struct TestJson {
    pub describe: String,
    pub points: usize,
    #[serde(flatten)]
    pub kind: crate::risk::TestKind,
}

impl TestJson {
    pub fn of(test: &crate::risk::TestSet) -> TestJson {
        TestJson { describe: test.describe(), points: test.len(), kind: test.kind.clone() }
    }
}

/// `train`'s test error row: the number, then which test set.
pub(super) fn test_row(test: &crate::risk::TestSet, error: f64) -> String {
    format!("{} ({})", sig4(error), test.describe())
}

/// "mean …, std …  KS distance … (p …)": an ensemble against one theory's distribution.
pub(super) fn against(theory: Normal, ks: Ks) -> String {
    format!("mean {}, std {}  {}", sig4(theory.mean), sig4(theory.std), ks_text(ks))
}

fn ks_text(ks: Ks) -> String {
    // The asymptotic p-value underflows to 0 far out in the tail: say so rather than print 0.
    let p = if ks.p < 1e-15 { "< 1e-15".to_string() } else { format!("= {}", sig4(ks.p)) };
    format!("KS distance {} (p {p})", sig4(ks.d))
}

/// `train --dump-params`'s text: a blank line, then θ0 and θ in full, one index a line.
pub(super) fn params_csv(theta0: &Array1<f64>, theta: &Array1<f64>) -> String {
    let mut s = String::from("\nindex,theta0,theta\n");
    for (i, (a, b)) in theta0.iter().zip(theta).enumerate() {
        let _ = writeln!(s, "{i},{a:?},{b:?}");
    }
    s
}

/// A line on stderr; a closed or full stderr is ignored rather than a panic (`eprintln!` panics
/// when it cannot write), since the line was a note about output that went elsewhere.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// The σ warning on stderr, when one's own data asks for it (after the output is written).
pub(super) fn warn_sigma(check: Option<crate::data::SigmaCheck>) {
    if let Some(w) = check.and_then(|c| c.warning) {
        crate::say!("warning: {w}");
    }
}
