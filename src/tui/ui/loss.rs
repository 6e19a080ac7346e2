//! The loss pane: the current run's training loss over its steps, on a log or linear axis.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Chart, GraphType};

use super::theme::{Series, Theme};
use super::widgets::{block, count, num, range_of, series};
use crate::history::LossHistory;
use crate::tui::session::Session;

pub fn draw(app: &Session, history: &LossHistory, loss: f64, theme: &Theme, frame: &mut Frame, area: Rect) {
    let inner_w = area.width.saturating_sub(8).max(1) as usize;
    let scale = if app.log_loss { "log" } else { "linear" };
    let title = format!("Loss {} ({scale})", num(loss));
    let last = history.last().map_or(1, |(s, _)| s.max(1));
    let xb = [0.0, last as f64];
    let x_labels = vec![Span::raw("0"), Span::raw(count(last))];
    let rows = area.height.saturating_sub(3).max(2) as i64;
    let (points, yb, y_labels) = if app.log_loss {
        // Log scale without a log axis: plot log10 of the loss (saturating near zero) and
        // write the decade labels ourselves.
        let pts = history.downsample(2 * inner_w, |l| l.max(1e-300).log10());
        let (lo, hi) = range_of(pts.iter().map(|p| p.1));
        let (mut lo, mut hi) = if lo.is_finite() { (lo.floor() as i64, hi.ceil() as i64) } else { (0, 1) };
        lo = lo.max(hi - 60);
        if hi <= lo {
            hi = lo + 1;
        }
        // A label every `step` decades, at most one per two rows; the range is widened to a whole
        // number of steps so the evenly spaced labels sit exactly on decades.
        let step = ((hi - lo) / (rows / 2).max(1) + 1).max(1);
        let n = (hi - lo + step - 1) / step;
        hi = lo + n * step;
        let labels = (0..=n).map(|i| Span::raw(format!("1e{}", lo + i * step))).collect();
        (pts, [lo as f64, hi as f64], labels)
    } else {
        let pts = history.downsample(2 * inner_w, |l| l);
        let hi = pts.iter().fold(0.0f64, |a, p| a.max(p.1)).max(1e-300) * 1.05;
        let labels = vec![Span::raw("0"), Span::raw(num(hi / 2.0)), Span::raw(num(hi))];
        (pts, [0.0, hi], labels)
    };
    let sets = vec![series(theme, &points, Series::Run, GraphType::Line)];
    let chart = Chart::new(sets)
        .block(block(theme, title))
        .x_axis(Axis::default().bounds(xb).style(theme.axis()).labels(x_labels))
        .y_axis(Axis::default().bounds(yb).style(theme.axis()).labels(y_labels));
    frame.render_widget(chart, area);
}
