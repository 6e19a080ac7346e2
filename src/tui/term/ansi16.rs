//! Keeps the explorer to the 16 basic ANSI colours. crossterm writes even the named colours as
//! 256-colour codes (`38;5;9`), which a 16-colour terminal may not understand; this writer holds
//! each frame until it is flushed and rewrites those codes as the classic 30–37/90–97 (and
//! 40–47/100–107) ones. Everything else passes through unchanged.

use std::io::{self, Write};

/// A writer that rewrites 256-colour codes for colours 0–15 into basic ANSI codes on flush.
pub struct Ansi16<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Ansi16<W> {
    pub fn new(inner: W) -> Self {
        Ansi16 { inner, pending: Vec::new() }
    }
}

impl<W: Write> Write for Ansi16<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        let out = to_basic_colours(&self.pending);
        self.pending.clear();
        self.inner.write_all(&out)?;
        self.inner.flush()
    }
}

/// Rewrites every SGR sequence (`ESC [ … m`) so colours 0–15 use the basic codes.
pub fn to_basic_colours(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            // The parameters run to the final byte (0x40–0x7e).
            let start = i + 2;
            let end = bytes[start..].iter().position(|b| (0x40..=0x7e).contains(b)).map(|p| start + p);
            if let Some(end) = end
                && bytes[end] == b'm'
                && let Ok(params) = std::str::from_utf8(&bytes[start..end])
            {
                out.extend_from_slice(b"\x1b[");
                out.extend_from_slice(rewrite_sgr(params).as_bytes());
                out.push(b'm');
                i = end + 1;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn rewrite_sgr(params: &str) -> String {
    let p: Vec<&str> = params.split(';').collect();
    let mut out: Vec<String> = Vec::with_capacity(p.len());
    let mut i = 0;
    while i < p.len() {
        let colour = p.get(i + 2).and_then(|n| n.parse::<u8>().ok()).filter(|n| *n < 16);
        match (p[i], p.get(i + 1), colour) {
            ("38", Some(&"5"), Some(n)) => {
                out.push(if n < 8 { 30 + n } else { 90 + n - 8 }.to_string());
                i += 3;
            }
            ("48", Some(&"5"), Some(n)) => {
                out.push(if n < 8 { 40 + n } else { 100 + n - 8 }.to_string());
                i += 3;
            }
            (other, _, _) => {
                out.push(other.to_string());
                i += 1;
            }
        }
    }
    out.join(";")
}

#[cfg(test)]
mod tests {
    use super::to_basic_colours;

    fn t(s: &str) -> String {
        String::from_utf8(to_basic_colours(s.as_bytes())).unwrap_or_default()
    }

    #[test]
    fn named_colours_become_basic_codes() {
        assert_eq!(t("\x1b[38;5;1mx"), "\x1b[31mx");
        assert_eq!(t("\x1b[38;5;9mx"), "\x1b[91mx");
        assert_eq!(t("\x1b[48;5;0m"), "\x1b[40m");
        assert_eq!(t("\x1b[48;5;15m"), "\x1b[107m");
        assert_eq!(t("a\x1b[1;38;5;12;48;5;3mb"), "a\x1b[1;94;43mb");
    }

    #[test]
    fn everything_else_passes_through() {
        for s in
            ["\x1b[38;5;200m", "\x1b[38;2;1;2;3m", "\x1b[0m", "\x1b[39m", "\x1b[2J\x1b[1;1H", "plain ⣿ text", "\x1b["]
        {
            assert_eq!(t(s), s);
        }
    }

    #[test]
    fn a_real_frame_uses_no_256_colour_codes() {
        use ratatui::style::{Color, Style};
        let mut w = super::Ansi16::new(Vec::new());
        let backend = ratatui::backend::CrosstermBackend::new(&mut w);
        let opts =
            ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 20, 2)) };
        let mut term = ratatui::Terminal::with_options(backend, opts).unwrap_or_else(|e| panic!("{e}"));
        let colours = [Color::Red, Color::LightRed, Color::Blue, Color::Gray, Color::DarkGray, Color::LightCyan];
        term.draw(|f| {
            for (i, c) in colours.iter().enumerate() {
                f.buffer_mut().set_string(i as u16, 0, "x", Style::new().fg(*c).bg(Color::Black));
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
        drop(term);
        let written = String::from_utf8_lossy(&w.inner).into_owned();
        assert!(!written.contains("38;5;") && !written.contains("48;5;"), "{written:?}");
        assert!(written.contains("\x1b[31;40mx\x1b[91;40mx"), "red and light red, on black: {written:?}");
    }
}
