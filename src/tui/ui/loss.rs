//! The loss pane: the current run's training loss over its steps and, beside it on the same
//! axis, its test error (two named series), on a log or linear axis.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Chart, GraphType};

use super::theme::{Series, Theme};
use super::widgets::{block, count, first_fit, legend, num, range_of, series};
use crate::history::LossHistory;
use crate::tui::session::Session;
use crate::tui::session::test_error::TestTrack;

/// The training loss's series and the test error's.
const TRAIN: Series = Series::Run;
const TEST: Series = Series::True;

pub fn draw(
    app: &Session,
    history: &LossHistory,
    loss: f64,
    test: Option<&TestTrack>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let inner_w = area.width.saturating_sub(8).max(1) as usize;
    let scale = if app.log_loss { "log" } else { "linear" };
    let title = title(loss, test, scale, area.width.saturating_sub(2) as usize);
    let last = [Some(history), test.map(|t| &t.history)]
        .into_iter()
        .flatten()
        .filter_map(|h| h.last().map(|(s, _)| s))
        .max()
        .map_or(1, |s| s.max(1));
    let xb = [0.0, last as f64];
    let x_labels = vec![Span::raw("0"), Span::raw(count(last))];
    let rows = area.height.saturating_sub(3).max(2) as i64;
    let f: fn(f64) -> f64 = if app.log_loss { |l| l.max(1e-300).log10() } else { |l| l };
    let train_pts = history.downsample(2 * inner_w, f);
    let test_pts = test.map(|t| t.history.downsample(2 * inner_w, f)).unwrap_or_default();
    let all = || train_pts.iter().chain(&test_pts).map(|p| p.1);
    let (yb, y_labels) = if app.log_loss { log_axis(range_of(all()), rows) } else { linear_axis(all()) };
    let mut sets = vec![series(theme, &train_pts, TRAIN, GraphType::Line)];
    let room = area.width.saturating_sub(2) as usize;
    let mut items = vec![(TRAIN, "train loss".to_string())];
    if let Some(t) = test {
        sets.push(series(theme, &test_pts, TEST, GraphType::Line));
        // Both series are named whatever the room: the longest labels that fit side by side.
        let labels = [
            ("train loss".to_string(), format!("test error {}", num(t.error))),
            ("train loss".to_string(), "test error".to_string()),
            ("train".to_string(), "test".to_string()),
        ];
        // legend's layout: a space, then per item its symbol, a space, the label and two spaces
        // (the last item's two may go).
        let syms = theme.symbol(TRAIN).chars().count() + theme.symbol(TEST).chars().count();
        let width = |(a, b): &(String, String)| 1 + syms + 2 * 3 - 2 + a.chars().count() + b.chars().count();
        let (train, test) = labels.iter().find(|l| width(l) <= room).unwrap_or(&labels[2]).clone();
        items = vec![(TRAIN, train), (TEST, test)];
    }
    let chart = Chart::new(sets)
        .block(block(theme, title).title_bottom(legend(theme, &items, room)))
        .x_axis(Axis::default().bounds(xb).style(theme.axis()).labels(x_labels))
        .y_axis(Axis::default().bounds(yb).style(theme.axis()).labels(y_labels));
    frame.render_widget(chart, area);
}

/// "Loss 1.2 · test 0.05 (log)", shortened to what fits `room` columns.
fn title(loss: f64, test: Option<&TestTrack>, scale: &str, room: usize) -> String {
    let mut titles = Vec::new();
    if let Some(t) = test {
        titles.push(format!("Loss {} · test {} ({scale})", num(loss), num(t.error)));
        titles.push(format!("Loss {} · test {}", num(loss), num(t.error)));
        // Fewer digits before the test error gives way: rounded, never cut.
        let sig = crate::format::sig;
        titles.push(format!("Loss {} · test {}", sig(loss, 3), sig(t.error, 3)));
        titles.push(format!("Loss {} · test {}", sig(loss, 2), sig(t.error, 2)));
    }
    titles.push(format!("Loss {} ({scale})", num(loss)));
    first_fit(&titles, room)
}

/// Log scale without a log axis: the series are log10 of the values (saturating near zero), and
/// the decade labels are written here, a label every `step` decades, at most one per two rows;
/// the range is widened to a whole number of steps so the labels sit exactly on decades.
fn log_axis((lo, hi): (f64, f64), rows: i64) -> ([f64; 2], Vec<Span<'static>>) {
    let (mut lo, mut hi) = if lo.is_finite() { (lo.floor() as i64, hi.ceil() as i64) } else { (0, 1) };
    lo = lo.max(hi - 60);
    if hi <= lo {
        hi = lo + 1;
    }
    let step = ((hi - lo) / (rows / 2).max(1) + 1).max(1);
    let n = (hi - lo + step - 1) / step;
    hi = lo + n * step;
    let labels = (0..=n).map(|i| Span::raw(format!("1e{}", lo + i * step))).collect();
    ([lo as f64, hi as f64], labels)
}

/// 0 to 5% over the largest value, labelled at 0, half and top.
fn linear_axis(values: impl Iterator<Item = f64>) -> ([f64; 2], Vec<Span<'static>>) {
    let hi = values.fold(0.0f64, f64::max).max(1e-300) * 1.05;
    ([0.0, hi], vec![Span::raw("0"), Span::raw(num(hi / 2.0)), Span::raw(num(hi))])
}
