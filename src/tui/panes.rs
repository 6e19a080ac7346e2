//! Which panes a view shows, where they go, and how the focused one is marked. Focus and zoom
//! work the same for every view: the view lists its panes, this module lays them out.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};

use super::app::View;
use super::theme::Theme;

/// A pane of the screen, for focus (f) and zoom (z).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The data and the fitted lines.
    Data,
    /// The view's own pane: slopes, ridge, drift or compare.
    View,
    Loss,
    Inspector,
}

/// The panes `view` shows, in focus order. The compare view's small multiples take the whole
/// left column, so it has no data pane.
pub fn panes(view: View) -> &'static [Pane] {
    match view {
        View::Compare => &[Pane::View, Pane::Loss, Pane::Inspector],
        _ => &[Pane::Data, Pane::View, Pane::Loss, Pane::Inspector],
    }
}

/// `focus` if `view` shows it, else the view's own pane.
pub fn resolve(view: View, focus: Pane) -> Pane {
    if panes(view).contains(&focus) { focus } else { Pane::View }
}

/// The pane after `focus` in `view`'s focus order.
pub fn next(view: View, focus: Pane) -> Pane {
    let list = panes(view);
    let i = list.iter().position(|&p| p == resolve(view, focus)).unwrap_or(0);
    list[(i + 1) % list.len()]
}

/// Where each shown pane goes in `main`: the focused one alone when zoomed.
pub fn layout(view: View, focus: Pane, zoomed: bool, main: Rect) -> Vec<(Pane, Rect)> {
    if zoomed {
        return vec![(resolve(view, focus), main)];
    }
    let right_w = (main.width * 36 / 100).clamp(30, 46);
    let [left, right] = Layout::horizontal([Constraint::Min(0), Constraint::Length(right_w)]).areas(main);
    let [data, own] = Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(left);
    let insp_h = 15.min(right.height.saturating_sub(6));
    let [loss, inspector] = Layout::vertical([Constraint::Min(0), Constraint::Length(insp_h)]).areas(right);
    match view {
        View::Compare => vec![(Pane::View, left), (Pane::Loss, loss), (Pane::Inspector, inspector)],
        _ => vec![(Pane::Data, data), (Pane::View, own), (Pane::Loss, loss), (Pane::Inspector, inspector)],
    }
}

/// Redraws the border of `area` with double lines (and the key colour), leaving titles alone:
/// the focus shows without colour too.
pub fn mark_focus(buf: &mut Buffer, area: Rect, theme: &Theme) {
    let area = area.intersection(buf.area);
    if area.width < 2 || area.height < 2 {
        return;
    }
    let style = theme.focus();
    let (x1, y1) = (area.right() - 1, area.bottom() - 1);
    for y in area.top()..=y1 {
        for x in area.left()..=x1 {
            let edge = y == area.top() || y == y1 || x == area.left() || x == x1;
            if !edge {
                continue;
            }
            if let Some(cell) = buf.cell_mut((x, y)) {
                let double = match cell.symbol() {
                    "─" => "═",
                    "│" => "║",
                    "┌" => "╔",
                    "┐" => "╗",
                    "└" => "╚",
                    "┘" => "╝",
                    _ => continue,
                };
                cell.set_symbol(double).set_style(style);
            }
        }
    }
}
