//! The tour's narration pane: the chapter's prose with its live values filled in, what to try,
//! and, once done, what happened and the way on; the chapter list over it on L.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::theme::Theme;
use super::widgets::{block, first_fit, wrap_words};
use crate::tui::session::Session;
use crate::tui::session::live;
use crate::tui::session::tour::Tour;

/// Rows the narration takes below the panes: three eighths of the screen, within 7..=14.
pub fn height(rows: u16) -> u16 {
    (rows * 3 / 8).clamp(7, 14)
}

/// `text` with its live values filled in, as one paragraph per blank-line-separated block,
/// wrapped to `width`.
fn paragraphs(text: &str, s: &Session, width: usize) -> Vec<String> {
    live::fill(text, s)
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .flat_map(|p| wrap_words(&p, width))
        .collect()
}

/// The narration at `width` columns: the chapter's prose (it scrolls), and under it, always in
/// view, what to try, or once done, what happened and the way on.
pub fn lines(s: &Session, t: &Tour, width: usize, theme: &Theme) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let ch = t.chapter();
    let body = paragraphs(&ch.text, s, width).into_iter().map(Line::from).collect();
    let foot = if t.met {
        let on =
            if t.at + 1 == t.chapters.len() { "T leaves the tour, keeping all this." } else { "Enter: next chapter." };
        let done = format!("✓ {} {on}", live::fill(&ch.done, s));
        paragraphs(&done, s, width).into_iter().map(|l| Line::styled(l, theme.good())).collect()
    } else {
        let try_this = format!("Try: {}", ch.try_this);
        paragraphs(&try_this, s, width).into_iter().map(|l| Line::styled(l, theme.key())).collect()
    };
    (body, foot)
}

/// Draws the narration into `area`.
pub fn draw(s: &Session, t: &Tour, theme: &Theme, frame: &mut Frame, area: Rect) {
    let inner_w = area.width.saturating_sub(2).max(1) as usize;
    let inner_h = area.height.saturating_sub(2) as usize;
    let (body, mut foot) = lines(s, t, inner_w, theme);
    // The prose keeps at least two rows; what to try takes the rest it needs.
    foot.truncate(inner_h.saturating_sub(2.min(body.len())));
    let room = inner_h - foot.len();
    let top = (t.scroll as usize).min(body.len().saturating_sub(room));
    let more = match (top > 0, top + room < body.len()) {
        (true, true) => " ↑↓ more ",
        (false, true) => " ↓ more ",
        (true, false) => " ↑ more ",
        (false, false) => "",
    };
    let n = t.chapters.len();
    let titles = [
        format!("Tour {}/{n} · {} · {}", t.at + 1, t.chapter().title, t.title),
        format!("Tour {}/{n} · {}", t.at + 1, t.chapter().title),
        format!("Tour {}/{n}", t.at + 1),
    ];
    let title = first_fit(&titles, inner_w);
    let b = block(theme, title).title_bottom(Line::from(more).style(theme.label()));
    let mut shown: Vec<Line> = body.into_iter().skip(top).take(room).collect();
    shown.resize(room, Line::from(""));
    shown.extend(foot);
    frame.render_widget(Paragraph::new(shown).block(b), area);
    if let Some(sel) = t.list {
        draw_list(t, sel, theme, frame, area);
    }
}

/// The chapter list over the narration: every chapter, the one selected marked.
fn draw_list(t: &Tour, sel: usize, theme: &Theme, frame: &mut Frame, area: Rect) {
    let h = (t.chapters.len() as u16 + 2).min(area.height.max(3));
    let r = Rect { y: area.y + area.height.saturating_sub(h), height: h, ..area };
    let rows = h.saturating_sub(2) as usize;
    let first = sel.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = t
        .chapters
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, c)| {
            let mark = if i == sel { "▶" } else { " " };
            let style = if i == sel { theme.key() } else { Style::new() };
            Line::from(vec![Span::styled(format!("{mark} {:>2}. {}", i + 1, c.title), style)])
        })
        .collect();
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(lines).block(block(theme, "Chapters (↑ ↓, Enter opens, Esc closes)")), r);
}
