//! The footer and the help screen, both drawn from the one key table (`tui::keys::BINDINGS`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::theme::Theme;
use super::widgets::block;
use crate::tui::keys::{Action, BINDINGS, Binding};

/// The footer: the tour, help and quit always, then as many keys as fit in table order; the
/// tour's own keys (first in the table) only while it is open, the net's only while the net is
/// current.
pub fn draw_footer(theme: &Theme, frame: &mut Frame, area: Rect, net: bool, tour: bool) {
    let item = |b: &Binding| -> Vec<Span<'static>> {
        let key = b.key_label.split(' ').next().unwrap_or(b.key_label);
        vec![Span::styled(key.to_string(), theme.key()), Span::raw(format!(" {}  ", b.footer.unwrap_or("")))]
    };
    let width = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    let always = |a: Action| matches!(a, Action::Tour | Action::Help | Action::Quit);
    let fixed: Vec<Span> = BINDINGS.iter().filter(|b| always(b.action)).flat_map(item).collect();
    let mut spans: Vec<Span> = Vec::new();
    let budget = (area.width as usize).saturating_sub(width(&fixed));
    let shown = |b: &&Binding| {
        b.footer.is_some() && !always(b.action) && (net || !b.action.net_only()) && (tour || !b.action.tour_only())
    };
    for b in BINDINGS.iter().filter(shown) {
        let s = item(b);
        if width(&spans) + width(&s) > budget {
            break;
        }
        spans.extend(s);
    }
    spans.extend(fixed);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn draw_help(theme: &Theme, frame: &mut Frame, area: Rect) {
    // One column when every key fits; else two, with the descriptions cut to fit.
    let one_col = BINDINGS.len() as u16 + 2 <= area.height;
    let cols = if one_col { 1 } else { 2 };
    let rows = BINDINGS.len().div_ceil(cols);
    let w = if one_col { 70.min(area.width.saturating_sub(2)) } else { area.width };
    let h = (rows as u16 + 2).min(area.height);
    let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
    let col_w = (w.saturating_sub(2) as usize / cols).max(1);
    let entry = |b: &Binding| -> Vec<Span<'static>> {
        let key = format!(" {:<9} ", b.key_label);
        let room = col_w.saturating_sub(key.chars().count() + 1);
        let mut help: String = b.help.chars().take(room).collect();
        if b.help.chars().count() > room && room > 0 {
            help.pop();
            help.push('…');
        }
        let pad = col_w.saturating_sub(key.chars().count() + help.chars().count());
        vec![Span::styled(key, theme.key()), Span::raw(format!("{help}{}", " ".repeat(pad)))]
    };
    let lines: Vec<Line> = (0..rows)
        .map(|i| Line::from((0..cols).filter_map(|c| BINDINGS.get(c * rows + i)).flat_map(entry).collect::<Vec<_>>()))
        .collect();
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(lines).block(block(theme, "Keys (? or Esc closes)")), r);
}
