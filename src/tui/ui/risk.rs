//! The risk view (key R): does it overfit? The last-layer net's expected test error against
//! width on log–log axes, without noise parameters (σn = 0) and with them (σn = σ), the
//! interpolation threshold, the traditional line's error as the floor, nets trained for real
//! (mean ± se) as the worker fills them in, and the current model highlighted: the net's width
//! on its curve, or the current line's value in the title.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Chart, GraphType, Paragraph, Wrap};

use super::theme::{Series, Theme};
use super::widgets::{block, first_fit, legend, num, series};
use crate::model::ModelKind;
use crate::risk::curve::Curve;
use crate::tui::session::Session;
use crate::tui::session::risk::{RISK_DRAWS, RISK_WIDTHS, RiskView};

/// log10, floored so that 0 stays on the chart.
fn lg(v: f64) -> f64 {
    v.max(1e-300).log10()
}

/// (log10 M, log10 mean error) of the curve at σn = `sigma`.
fn points(c: &Curve, sigma: f64) -> Vec<(f64, f64)> {
    c.rows
        .iter()
        .filter(|r| r.sigma == sigma)
        .filter_map(|r| r.closed.as_ref().map(|s| (lg(r.width as f64), lg(s.mean))))
        .filter(|p| p.1.is_finite())
        .collect()
}

/// The curve's value at log10 width `x`, linear between its points in log–log.
fn at(pts: &[(f64, f64)], x: f64) -> Option<f64> {
    let i = pts.iter().position(|p| p.0 >= x)?;
    if i == 0 || pts[i].0 == x {
        return Some(pts[i].1);
    }
    let (a, b) = (pts[i - 1], pts[i]);
    Some(a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0))
}

/// (log10 M, log10 error).
type Point = (f64, f64);

/// The trained nets' means (log–log) and their ± se bars, the lower end floored at `lo`.
fn trained(view: &RiskView, lo: f64) -> (Vec<Point>, Vec<Vec<Point>>) {
    let mut dots = Vec::new();
    let mut bars = Vec::new();
    for p in &view.trained {
        let Some(t) = p.summary().filter(|t| t.mean.is_finite() && t.se.is_finite()) else { continue };
        let x = lg(p.width as f64);
        dots.push((x, lg(t.mean)));
        if t.se > 0.0 {
            let below = if t.mean > t.se { lg(t.mean - t.se) } else { lo };
            bars.push(vec![(x, below.max(lo)), (x, lg(t.mean + t.se))]);
        }
    }
    (dots, bars)
}

/// The trained nets' legend item: how many so far while they fill, "± se" once done.
fn trained_label(view: &RiskView) -> String {
    let have: usize = view.trained.iter().map(|p| p.errors.len()).sum();
    let want: u64 = view.trained.iter().map(|p| p.target.max(p.errors.len() as u64)).sum();
    if want == 0 {
        "nets: e adds".to_string()
    } else if view.filling() {
        format!("nets {have}/{want}")
    } else if view.trained.iter().any(|p| p.error.is_some()) {
        format!("nets {have} (failed)")
    } else {
        format!("{have} nets±se")
    }
}

pub fn draw(s: &Session, theme: &Theme, frame: &mut Frame, area: Rect) {
    let title = format!("Risk · test error vs width · relu, last layer · {RISK_DRAWS} draws");
    let Some(view) = &s.risk else { return };
    let Some(c) = &view.curve else {
        let msg = view.error.clone().unwrap_or_else(|| "computing the closed form…".into());
        frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }).block(block(theme, title)), area);
        return;
    };
    let zero = points(c, 0.0);
    let noisy = points(c, view.sigma);
    let line = lg(c.lines.traditional.total);
    let x1 = lg(*RISK_WIDTHS.last().unwrap_or(&1) as f64);
    let ends = view.trained.iter().filter_map(|p| p.summary()).flat_map(|t| [lg(t.mean), lg(t.mean + t.se)]);
    let ys = zero.iter().chain(&noisy).map(|p| p.1).chain(ends.filter(|y| y.is_finite()));
    let (mut lo, mut hi) = ys.fold((line, line), |(a, b), y| (a.min(y), b.max(y)));
    lo = lo.floor();
    hi = hi.ceil().max(lo + 1.0);
    let thr = lg(c.threshold_width);
    let threshold = vec![(thr, lo), (thr, hi)];
    let floor = vec![(0.0, line), (x1, line)];
    let mut sets = vec![
        series(theme, &threshold, Series::Test, GraphType::Line),
        series(theme, &floor, Series::True, GraphType::Line),
        series(theme, &zero, Series::Predicted, GraphType::Line),
        series(theme, &noisy, Series::Posterior, GraphType::Line),
    ];
    // The current model: the net's width on its σ curve.
    let here: Vec<(f64, f64)> = match s.net() {
        Some(n) if s.current == ModelKind::Net => {
            let x = lg(n.spec.width as f64);
            at(&noisy, x).map(|y| vec![(x, y)]).unwrap_or_default()
        }
        _ => Vec::new(),
    };
    sets.push(series(theme, &here, Series::Run, GraphType::Scatter));
    // Nets trained for real: mean ± se at their widths, as they fill in.
    let (dots, bars) = trained(view, lo);
    let bar_marker = if theme.plain() { Marker::Custom('|') } else { Marker::Braille };
    sets.extend(bars.iter().map(|b| series(theme, b, Series::Trained, GraphType::Line).marker(bar_marker)));
    sets.push(series(theme, &dots, Series::Trained, GraphType::Scatter));
    // The lines' errors in the title, the current one marked ◀: the longest that fits.
    let mark = |k: ModelKind| if s.current == k { "◀" } else { "" };
    let (t, sl, v) = (num(c.lines.traditional.total), num(c.lines.slightly.total), num(c.lines.very.total));
    let (mt, ms, mv) = (mark(ModelKind::Traditional), mark(ModelKind::Slightly), mark(ModelKind::Very));
    let title = first_fit(
        &[
            format!("{title} · lines: traditional {t}{mt} slightly {sl}{ms} very {v}{mv}"),
            format!("Risk vs width · lines: traditional {t}{mt} slightly {sl}{ms} very {v}{mv}"),
            format!("Risk trad {t}{mt} sl {sl}{ms} very {v}{mv}"),
        ],
        area.width.saturating_sub(4) as usize,
    );
    let items = [
        (Series::Predicted, "σn=0".to_string()),
        (Series::Posterior, format!("σn={}", num(view.sigma))),
        (Series::Trained, trained_label(view)),
        (Series::Test, format!("M={}", c.threshold_width)),
        (Series::True, "traditional".to_string()),
    ];
    let x_labels = vec![Span::raw("1"), Span::raw("128"), Span::raw("16384")];
    let y_labels = (lo as i64..=hi as i64).map(|d| Span::raw(format!("1e{d}"))).collect::<Vec<_>>();
    let chart = Chart::new(sets)
        .block(block(theme, title).title_bottom(legend(theme, &items, area.width.saturating_sub(2) as usize)))
        .x_axis(Axis::default().bounds([0.0, x1]).style(theme.axis()).labels(x_labels))
        .y_axis(Axis::default().bounds([lo, hi]).style(theme.axis()).labels(y_labels));
    frame.render_widget(chart, area);
}
