//! `overparam bench`: every speed and memory figure the project promises, measured in one run
//! on this machine, by concern: `engine` (the linear models), `net`, `explorer` (a real
//! session, frames and keys, tmux for the idle and rate rows), `explorer_net` and
//! `explorer_risk`, with `measure`'s timers and `screen`'s explorer under measurement. The
//! criterion benches (`cargo bench`) measure the same code paths.

pub mod data;
pub mod engine;
pub mod explorer;
pub mod explorer_net;
pub mod explorer_risk;
pub mod measure;
pub mod net;
pub mod risk;
pub mod screen;

use std::fmt::Write as _;

pub use data::data_rows;
pub use engine::engine_rows;
pub use explorer::{explorer_rows, session_peak_rss};
pub use measure::stream_pass;
pub use net::net_rows;
pub use risk::risk_rows;
pub use screen::{counting_terminal, explorer_app};

/// One row of the report.
pub struct Row {
    pub what: String,
    pub measured: String,
    pub target: String,
    pub ok: Option<bool>,
}

/// The report as an aligned table.
pub fn report(rows: &[Row]) -> String {
    let w0 = rows.iter().map(|r| r.what.chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.measured.chars().count()).max().unwrap_or(0);
    let w2 = rows.iter().map(|r| r.target.chars().count()).max().unwrap_or(0);
    let mut s = String::new();
    for r in rows {
        let mark = match r.ok {
            Some(true) => "ok",
            Some(false) => "MISSED",
            None => "",
        };
        let pad = |t: &str, w: usize| format!("{t}{}", " ".repeat(w - t.chars().count()));
        let _ = writeln!(s, "{}  {}  {}  {mark}", pad(&r.what, w0), pad(&r.measured, w1), pad(&r.target, w2));
    }
    s
}
