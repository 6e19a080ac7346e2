//! Files a user takes away: a folder written whole or not at all (`files`), shared by the
//! explorer's session export and `overparam plot`'s SVG figures (`plot` for the linear models,
//! `net_plot` for the wide network, both drawn with `figure`'s canvas, chart and legend).

mod figure;
pub mod files;
pub mod net_plot;
pub mod net_views;
pub mod plot;
pub mod risk_plot;
pub mod views;

/// `plot --runs` when not given, for the linear models (their GD endpoints come in closed form).
pub const LINEAR_PLOT_RUNS: u64 = 2000;
/// `plot --runs` when not given, for the net: each net is trained for real (≈ 0.1–0.5 s each).
pub const NET_PLOT_RUNS: u64 = 100;

use crate::args::FigureView;
use crate::error::{Error, invalid};

/// The figures of the linear models, in the order they are written.
pub const LINE_VIEWS: [FigureView; 6] = [
    FigureView::Data,
    FigureView::Endpoints,
    FigureView::Loss,
    FigureView::Ridge,
    FigureView::Drift,
    FigureView::Compare,
];
/// The net's figures, in the order they are written.
pub const NET_VIEWS: [FigureView; 9] = [
    FigureView::Functions,
    FigureView::Data,
    FigureView::Endpoints,
    FigureView::Loss,
    FigureView::Ridge,
    FigureView::Drift,
    FigureView::Compare,
    FigureView::Gap,
    FigureView::Risk,
];

/// The figures `--views` asks for among `all` (every one when it names none), in `all`'s order;
/// a figure the model does not have is refused in one line.
pub fn chosen(asked: &[FigureView], all: &[FigureView], net: bool) -> Result<Vec<FigureView>, Error> {
    if let Some(v) = asked.iter().find(|v| !all.contains(v)) {
        let which = if net { "--model net" } else { "the linear models (traditional, slightly, very)" };
        let has: Vec<&str> = all.iter().map(|v| v.name()).collect();
        return Err(invalid!("--views {}: no such figure for {which}; it has {}", v.name(), has.join(", ")));
    }
    Ok(all.iter().copied().filter(|v| asked.is_empty() || asked.contains(v)).collect())
}
