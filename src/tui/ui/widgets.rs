//! The pieces every pane is drawn with: the bordered block, chart series, legends, number
//! formats, the first title that fits, word wrapping, and a note over a plot.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Dataset, GraphType, Paragraph, Wrap};

use super::theme::{Series, Theme};

pub fn block<'a>(theme: &Theme, title: impl Into<Line<'a>>) -> Block<'a> {
    Block::bordered().border_style(theme.border()).title(title.into().style(theme.title()))
}

/// One series of a chart in the theme's marker and style.
pub fn series<'a>(theme: &Theme, data: &'a [(f64, f64)], s: Series, g: GraphType) -> Dataset<'a> {
    Dataset::default().data(data).marker(theme.marker(s)).graph_type(g).style(theme.series(s))
}

/// A compact number: 4 significant digits.
pub fn num(v: f64) -> String {
    crate::format::sig4(v)
}

/// A step count with thin grouping: 12,800 / 1.2M.
pub fn count(v: u64) -> String {
    match v {
        0..=99_999 => crate::format::thousands(v),
        100_000..=999_999 => format!("{:.0}k", v as f64 / 1e3),
        _ => format!("{:.2}M", v as f64 / 1e6),
    }
}

/// A number in at most `room` columns, rounded to the digits that fit; None drops the item.
/// The one rule for numbers on screen (`crate::format::fit`).
pub fn num_in(v: f64, room: usize) -> Option<String> {
    crate::format::fit(v, room)
}

/// A legend in `room` columns: the items in order while each fits whole.
pub fn legend<'a>(theme: &Theme, items: &[(Series, String)], room: usize) -> Line<'a> {
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (s, label) in items {
        let (sym, text) = (theme.symbol(*s), format!(" {label}  "));
        let w = sym.chars().count() + text.chars().count();
        // The last item's two trailing spaces may go.
        if used + w - 2 > room {
            break;
        }
        used += w;
        spans.push(Span::styled(sym, theme.series(*s)));
        spans.push(Span::raw(text));
    }
    Line::from(spans)
}

/// The first of `titles` that fits `room` columns; else as many whole words of the last as fit.
pub fn first_fit(titles: &[String], room: usize) -> String {
    match titles.iter().find(|t| t.chars().count() <= room) {
        Some(t) => t.clone(),
        None => words_in(titles.last().map_or("", String::as_str), room),
    }
}

/// The whole words of `text` (split at spaces) that fit `room` columns from its start; a
/// trailing separator (`·`, `,`, `:`) left by a dropped word goes too.
pub fn words_in(text: &str, room: usize) -> String {
    let mut out = String::new();
    for word in text.split(' ') {
        let add = if out.is_empty() { word.chars().count() } else { out.chars().count() + 1 + word.chars().count() };
        if add > room {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let trimmed = out.trim_end_matches([' ', '·', ',', ':', ';']);
    trimmed.to_string()
}

/// `items` joined by `sep` while each fits whole in `room` columns; the rest are dropped.
pub fn fit_items(items: &[String], sep: &str, room: usize) -> String {
    let mut out = String::new();
    for item in items.iter().filter(|i| !i.is_empty()) {
        let extra = if out.is_empty() { 0 } else { sep.chars().count() };
        if out.chars().count() + extra + item.chars().count() > room {
            break;
        }
        if !out.is_empty() {
            out.push_str(sep);
        }
        out.push_str(item);
    }
    out
}

/// A table in `room` columns: right-aligned columns one space apart, each as wide as its
/// widest cell, kept from the left while whole columns fit (the rest are dropped, never cut).
pub fn table(header: &[&str], rows: &[Vec<String>], room: usize) -> Vec<String> {
    let width = |c: usize| {
        let cells = rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count());
        cells.chain(header.get(c).map(|h| h.chars().count())).max().unwrap_or(0)
    };
    let mut widths = Vec::new();
    let mut used = 0;
    for c in 0..header.len() {
        let w = width(c) + usize::from(c > 0);
        if used + w > room {
            break;
        }
        used += w;
        widths.push(width(c));
    }
    let line = |cells: &[String]| -> String {
        let parts: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(c, w)| format!("{:>w$}", cells.get(c).map_or("", String::as_str)))
            .collect();
        parts.join(" ")
    };
    let head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    std::iter::once(line(&head)).chain(rows.iter().map(|r| line(r))).collect()
}

/// The smallest and largest of `values` (infinities when there are none).
pub fn range_of(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// A note over the top right of a plot's inner area, where the picture needs words.
pub fn corner_note(frame: &mut Frame, inner: Rect, text: String, style: Style) {
    let r = Rect { x: inner.x + 1, y: inner.y, width: inner.width.saturating_sub(2), height: inner.height.min(3) };
    frame.render_widget(
        Paragraph::new(Span::styled(text, style)).wrap(Wrap { trim: true }).alignment(Alignment::Right),
        r,
    );
}

/// Where a value falls against a plot's range [lo, hi]: THE rule for an off-scale mark is an
/// arrow at the edge it is past (`edge_arrow`) and its value in the legend (`mark_label`).
pub fn off_scale(v: f64, [lo, hi]: [f64; 2]) -> Option<bool> {
    match v {
        v if v < lo => Some(true),
        v if v > hi => Some(false),
        _ => None,
    }
}

/// A mark's legend label: `name value`, with the arrow of its edge when off the scale.
pub fn mark_label(name: &str, v: f64, range: [f64; 2]) -> String {
    if !v.is_finite() {
        return format!("{name} —");
    }
    match off_scale(v, range) {
        Some(true) => format!("◀{name} {}", num(v)),
        Some(false) => format!("{name} {}▶", num(v)),
        None => format!("{name} {}", num(v)),
    }
}

/// The arrow of an off-scale mark, at the left or right edge of a plot's inner area, half way
/// up, in the series' style.
pub fn edge_arrow(frame: &mut Frame, inner: Rect, left: bool, style: Style) {
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let x = if left { inner.x } else { inner.right() - 1 };
    let y = inner.y + inner.height / 2;
    if let Some(cell) = frame.buffer_mut().cell_mut((x, y)) {
        cell.set_char(if left { '◀' } else { '▶' }).set_style(style);
    }
}

/// A label and its value, the label padded to 8 columns.
pub fn kv(theme: &Theme, k: &str, v: String) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{k:<8}"), theme.label()), Span::raw(v)])
}

/// A label and a number rounded to the room left in `room` columns; None when no digit fits.
pub fn kv_num(theme: &Theme, k: &str, v: f64, room: usize) -> Option<Line<'static>> {
    let label = if k.chars().count() < 8 { format!("{k:<8}") } else { format!("{k} ") };
    num_in(v, room.saturating_sub(label.chars().count()))
        .map(|n| Line::from(vec![Span::styled(label, theme.label()), Span::raw(n)]))
}

/// `text` in lines of at most `width` characters, broken between words (a word longer than a
/// line is cut).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let (n, used) = (word.chars().count(), line.chars().count());
        if used > 0 && used + 1 + n <= width {
            line.push(' ');
            line.push_str(word);
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
        }
        let chars: Vec<char> = word.chars().collect();
        let mut pieces = chars.chunks(width).map(|c| c.iter().collect::<String>()).peekable();
        while let Some(piece) = pieces.next() {
            if pieces.peek().is_some() {
                lines.push(piece);
            } else {
                line = piece;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::{fit_items, mark_label, off_scale, table, words_in, wrap_words};

    #[test]
    fn an_off_scale_value_names_its_edge() {
        assert_eq!(off_scale(0.48, [0.93, 1.11]), Some(true));
        assert_eq!(off_scale(2.0, [0.93, 1.11]), Some(false));
        assert_eq!(off_scale(1.0, [0.93, 1.11]), None);
        assert_eq!(mark_label("run", 0.480_2, [0.93, 1.11]), "◀run 0.4802");
        assert_eq!(mark_label("net", 2.0, [0.93, 1.11]), "net 2.000▶");
        assert_eq!(mark_label("run", 1.0, [0.93, 1.11]), "run 1.000");
        assert_eq!(mark_label("run", f64::NAN, [0.93, 1.11]), "run —");
    }

    #[test]
    fn items_words_and_columns_go_whole() {
        assert_eq!(
            words_in("kernel Δ ∝ M^-0.82 (theory O(M^-0.5)): wider moves less", 30),
            "kernel Δ ∝ M^-0.82 (theory"
        );
        assert_eq!(words_in("a · b · c", 4), "a");
        let items = ["256/frame".to_string(), "7,698/s".into(), "30 fps".into()];
        assert_eq!(fit_items(&items, " · ", 27), "256/frame · 7,698/s");
        assert_eq!(fit_items(&items, " · ", 28), "256/frame · 7,698/s · 30 fps");
        assert_eq!(fit_items(&items, " · ", 5), "");
        let rows = vec![vec!["16".to_string(), "0.4590".into()], vec!["1024".into(), "0.01278".into()]];
        assert_eq!(table(&["M", "kernel Δ"], &rows, 13), ["   M kernel Δ", "  16   0.4590", "1024  0.01278"]);
        assert_eq!(table(&["M", "kernel Δ"], &rows, 12), ["   M", "  16", "1024"]);
    }

    #[test]
    fn wrap_words_breaks_between_words_and_cuts_only_long_ones() {
        assert_eq!(
            wrap_words("M 32 · relu · last: restarted (seed 42, init 0)", 28),
            ["M 32 · relu · last:", "restarted (seed 42, init 0)"]
        );
        assert_eq!(wrap_words("abcdefghij xy", 4), ["abcd", "efgh", "ij", "xy"]);
        assert_eq!(wrap_words("", 5), [""]);
        assert!(wrap_words("a b c d e f", 3).iter().all(|l| l.chars().count() <= 3));
    }
}
