//! Where each pane goes, and how the focused one is marked.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};

use super::theme::Theme;
use crate::tui::session::View;
use crate::tui::session::view::{Pane, resolve};

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
