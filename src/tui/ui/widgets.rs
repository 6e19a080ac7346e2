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

pub fn legend<'a>(theme: &Theme, items: &[(Series, String)]) -> Line<'a> {
    let mut spans = vec![Span::raw(" ")];
    for (s, label) in items {
        spans.push(Span::styled(theme.symbol(*s), theme.series(*s)));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    Line::from(spans)
}

/// The first of `titles` that fits `room` columns (else the last).
pub fn first_fit(titles: &[String], room: usize) -> String {
    titles.iter().find(|t| t.chars().count() <= room).or(titles.last()).cloned().unwrap_or_default()
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

/// A label and its value, the label padded to 8 columns.
pub fn kv(theme: &Theme, k: &str, v: String) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{k:<8}"), theme.label()), Span::raw(v)])
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
    use super::wrap_words;

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
