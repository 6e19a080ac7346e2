//! Files a user takes away: a folder written whole or not at all (`files`), shared by the
//! explorer's session export and `overparam plot`'s SVG figures (`plot` for the linear models,
//! `net_plot` for the wide network, both drawn with `figure`'s canvas, chart and legend).

mod figure;
pub mod files;
pub mod net_plot;
pub mod plot;
pub mod risk_plot;

/// `plot --runs` when not given, for the linear models (their GD endpoints come in closed form).
pub const LINEAR_PLOT_RUNS: u64 = 2000;
/// `plot --runs` when not given, for the net: each net is trained for real (≈ 0.1–0.5 s each).
pub const NET_PLOT_RUNS: u64 = 100;
