//! The footer and the help screen, both drawn from the one key table (`tui::keys::BINDINGS`),
//! and the help's second page: what each pane of the current view shows, from
//! `assets/panes.md`, the text the README's pane list is (a test holds them equal).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::theme::Theme;
use super::widgets::{block, first_fit, words_in, wrap_words};
use crate::tui::keys::{Action, BINDINGS, Binding};
use crate::tui::session::view::{Pane, panes, resolve};
use crate::tui::session::{Session, View};

/// What each pane shows, one `- **Title**: text` line per pane: the README's pane list too.
pub const PANES_TEXT: &str = include_str!("../../../assets/panes.md");

/// The entries of `PANES_TEXT`: (title, text), the text without markdown's backticks.
pub fn pane_entries() -> Vec<(&'static str, String)> {
    PANES_TEXT
        .lines()
        .filter_map(|l| l.strip_prefix("- **")?.split_once("**: "))
        .map(|(title, text)| (title, text.replace('`', "")))
        .collect()
}

/// The entry that explains `pane` in `view`, for the net or a line.
pub fn entry_title(pane: Pane, view: View, net: bool) -> &'static str {
    match (pane, view, net) {
        (Pane::Data, _, false) => "Data",
        (Pane::Data, _, true) => "Data (net)",
        (Pane::Loss, _, _) => "Loss",
        (Pane::Inspector, _, false) => "Inspector",
        (Pane::Inspector, _, true) => "Inspector (net)",
        (Pane::View, View::Slopes, false) => "Slopes",
        (Pane::View, View::Slopes, true) => "Slopes (net)",
        (Pane::View, View::Ridge, false) => "Ridge view",
        (Pane::View, View::Ridge, true) => "Ridge view (net)",
        (Pane::View, View::Drift, false) => "Drift view",
        (Pane::View, View::Drift, true) => "Drift view (net)",
        (Pane::View, View::Compare, _) => "Compare view",
        (Pane::View, View::Risk, _) => "Risk view",
    }
}

/// The help's second page: the current view's panes explained, the focused pane first, each
/// entry whole or not at all.
pub fn draw_panes_help(s: &Session, theme: &Theme, frame: &mut Frame, area: Rect) {
    let net = s.net().is_some();
    let first = resolve(s.view, s.focus);
    let order = std::iter::once(first).chain(panes(s.view).iter().copied().filter(|&p| p != first));
    let entries = pane_entries();
    let w = area.width.saturating_sub(2) as usize;
    let rows = area.height.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let mut left_out = 0;
    for pane in order {
        let title = entry_title(pane, s.view, net);
        let Some((_, text)) = entries.iter().find(|(t, _)| *t == title) else { continue };
        let wrapped = wrap_words(&format!("{title}: {text}"), w);
        // Keep one row for the line that says some were left out.
        if lines.len() + wrapped.len() + 1 > rows {
            left_out += 1;
            continue;
        }
        for (i, l) in wrapped.into_iter().enumerate() {
            lines.push(match (i, l.strip_prefix(title)) {
                (0, Some(rest)) => Line::from(vec![Span::styled(title, theme.key()), Span::raw(rest.to_string())]),
                _ => Line::from(l),
            });
        }
    }
    if left_out > 0 {
        let more = [
            "more panes: f puts the next one first; a larger terminal shows them all".into(),
            "more: f puts the next pane first".into(),
        ];
        lines.push(Line::styled(first_fit(&more, w), theme.label()));
    }
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block(theme, "What the panes show (Esc or ? closes)")), area);
}

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
        // Whole words only: a description gives way word by word, never cut.
        let help = words_in(b.help, room);
        let pad = col_w.saturating_sub(key.chars().count() + help.chars().count());
        vec![Span::styled(key, theme.key()), Span::raw(format!("{help}{}", " ".repeat(pad)))]
    };
    let lines: Vec<Line> = (0..rows)
        .map(|i| Line::from((0..cols).filter_map(|c| BINDINGS.get(c * rows + i)).flat_map(entry).collect::<Vec<_>>()))
        .collect();
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(block(
            theme,
            first_fit(
                &["Keys (? again: what the panes show · Esc closes)".into(), "Keys (? panes · Esc closes)".into()],
                w.saturating_sub(2) as usize,
            ),
        )),
        r,
    );
}
