//! The data pane: the points with the true, least-squares and current lines; on the net, f of
//! the current net with the ensemble, NTK-GP and posterior bands, and x*.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Chart, GraphType};

use super::theme::{Series, Theme};
use super::widgets::{block, first_fit, legend, num, range_of, series};
use crate::geometry::{Segment, clip_line};
use crate::net::TrainMode;
use crate::theory::{self, Normal};
use crate::tui::session::Session;
use crate::tui::session::line::LineState;
use crate::tui::session::net::{NetState, shown_range};

/// Data points drawn at most (a stride through larger datasets).
const MAX_POINTS_DRAWN: usize = 2000;

/// Bands are drawn at mean ± this many sd.
const BAND_SD: f64 = 2.0;

pub fn draw_line(app: &Session, slot: &LineState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let d = &app.data;
    let (x0, x1) = range_of(d.x.iter().copied());
    let (y0, y1) = range_of(d.y.iter().copied());
    let pad = |lo: f64, hi: f64| {
        let p = ((hi - lo) * 0.05).max(1e-9);
        [lo - p, hi + p]
    };
    let (xb, yb) = (pad(x0.min(0.0), x1), pad(y0.min(0.0), y1.max(0.0)));
    let stride = d.n().div_ceil(MAX_POINTS_DRAWN).max(1);
    let points: Vec<(f64, f64)> = d.x.iter().zip(d.y.iter()).step_by(stride).map(|(&x, &y)| (x, y)).collect();
    let mle = theory::mle(&slot.model);
    let truth = app.common.data.is_none().then_some(app.common.slope);
    let run = slot.stats.slope;
    let lines: Vec<(Series, Option<Segment>)> = vec![
        (Series::True, truth.and_then(|t| clip_line(t, xb, yb))),
        (Series::Mle, clip_line(mle, xb, yb)),
        (Series::Run, clip_line(run, xb, yb)),
    ];
    let mut sets = Vec::new();
    for (s, seg) in &lines {
        if let Some(seg) = seg {
            sets.push(series(theme, seg, *s, GraphType::Line));
        }
    }
    // The points last, over the lines: the data pane always shows its data.
    sets.push(series(theme, &points, Series::Points, GraphType::Scatter));
    let mut items = Vec::new();
    if let Some(t) = truth {
        items.push((Series::True, format!("true {}", num(t))));
    }
    items.push((Series::Mle, format!("MLE {}", num(mle))));
    items.push((Series::Run, format!("run {}", num(run))));
    let title = format!("Data · N={}", d.n());
    let chart = Chart::new(sets)
        .block(block(theme, title).title_bottom(legend(theme, &items, area.width.saturating_sub(2) as usize)))
        .x_axis(
            Axis::default()
                .bounds(xb)
                .style(theme.axis())
                .labels(vec![Span::raw(num(xb[0])), Span::raw(format!("x {}", num(xb[1])))]),
        )
        .y_axis(
            Axis::default().bounds(yb).style(theme.axis()).labels(vec![Span::raw(num(yb[0])), Span::raw(num(yb[1]))]),
        );
    frame.render_widget(chart, area);
}

/// The upper and lower edges of a band over `grid`, every `every`th point.
fn edges(grid: &[f64], band: impl Iterator<Item = Normal> + Clone, every: usize) -> [Vec<(f64, f64)>; 2] {
    let edge = |sign: f64| {
        grid.iter()
            .zip(band.clone())
            .step_by(every)
            .map(|(&x, d)| (x, d.mean + sign * BAND_SD * d.std))
            .filter(|p| p.1.is_finite())
            .collect()
    };
    [edge(1.0), edge(-1.0)]
}

/// The data pane on the net: points, f of the current net, the ensemble band of the nets trained
/// so far, the NTK-GP and posterior bands (mean ± 2 sd), and x*.
pub fn draw_net(app: &Session, net: &NetState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let d = &app.data;
    let [x0, x1] = shown_range(d);
    // A little room past the range, so a marker at its edge (the default x*) shows.
    let xb = [x0 - 0.03 * (x1 - x0), x1 + 0.03 * (x1 - x0)];
    let points: Vec<(f64, f64)> = d.x.iter().zip(d.y.iter()).map(|(&x, &y)| (x, y)).collect();
    let post = edges(&net.grid, net.bands.iter().map(|p| p.posterior), 1);
    let ntk = edges(&net.grid, net.bands.iter().map(|p| p.ntk_gp), 2);
    let ens_band = net.hist.band();
    let ens = ens_band.as_ref().map(|b| edges(&net.grid, b.iter().copied(), 1));
    // y: the data and the theory bands (the current net at init may be far off: it is clipped).
    let ys = d.y.iter().copied().chain(post.iter().chain(ntk.iter()).flatten().map(|p| p.1));
    let (lo, hi) = range_of(ys);
    let pad = ((hi - lo) * 0.05).max(1e-9);
    let yb = [lo - pad, hi + pad];
    let run: Vec<(f64, f64)> = net
        .grid
        .iter()
        .zip(&net.curve)
        .map(|(&x, &y)| (x, y.clamp(yb[0], yb[1])))
        .filter(|p| p.1.is_finite())
        .collect();
    let marker = [(net.at, yb[0]), (net.at, yb[1])];
    let mut sets = Vec::new();
    for e in &post {
        sets.push(series(theme, e, Series::Posterior, GraphType::Line));
    }
    for e in &ntk {
        sets.push(series(theme, e, Series::Predicted, GraphType::Scatter));
    }
    if let Some(ens) = &ens {
        for e in ens {
            sets.push(series(theme, e, Series::Ensemble, GraphType::Line));
        }
    }
    sets.push(series(theme, &marker, Series::Test, GraphType::Line));
    sets.push(series(theme, &run, Series::Run, GraphType::Line));
    sets.push(series(theme, &points, Series::Points, GraphType::Scatter));
    let items = net_legend(area.width >= 76, ens.is_some());
    let title = first_fit(&net_titles(net, d.n()), area.width.saturating_sub(2) as usize);
    let chart = Chart::new(sets)
        .block(block(theme, title).title_bottom(legend(theme, &items, area.width.saturating_sub(2) as usize)))
        .x_axis(Axis::default().bounds(xb).style(theme.axis()).labels(vec![
            Span::raw(num(xb[0])),
            Span::raw(format!("x* {}", num(net.at))),
            Span::raw(format!("x {}", num(xb[1]))),
        ]))
        .y_axis(
            Axis::default().bounds(yb).style(theme.axis()).labels(vec![Span::raw(num(yb[0])), Span::raw(num(yb[1]))]),
        );
    frame.render_widget(chart, area);
}

/// The net's data pane legend: long names when `wide`, the ensemble band once there is one.
fn net_legend(wide: bool, ensemble: bool) -> Vec<(Series, String)> {
    let name = |long: &'static str, short: &'static str| if wide { long } else { short }.to_string();
    let mut items = vec![(Series::Run, name("this net", "net"))];
    if ensemble {
        items.push((Series::Ensemble, name("trained ±2sd", "nets")));
    }
    items.push((Series::Predicted, name("NTK-GP ±2sd", "NTK")));
    items.push((Series::Posterior, name("Bayes ±2sd", "Bayes")));
    items.push((Series::Test, "x*".into()));
    items
}

/// The net's data pane titles, longest first.
fn net_titles(net: &NetState, n: usize) -> [String; 3] {
    let s = net.spec;
    let layers = if s.train == TrainMode::All { "all layers" } else { "last layer" };
    [
        format!("Net · {} · {layers} · M={} · N={n} · f(x), bands ±2sd", s.act.name(), s.width),
        format!("Net · {} · {} · M={} · N={n}", s.act.name(), s.train.name(), s.width),
        format!("Net·{}·{}·M={}", s.act.name(), s.train.name(), s.width),
    ]
}
