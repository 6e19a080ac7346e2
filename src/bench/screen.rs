//! The explorer under measurement: a session opened from flags, a terminal that counts the
//! bytes a frame sends, and the time to draw one frame.

use std::time::Duration;

use super::measure::time_per_call;

/// Seconds to draw one full frame of `app` into `term`.
pub fn frame_time(
    term: &mut ratatui::Terminal<ratatui::backend::TestBackend>,
    app: &crate::tui::App,
    budget: Duration,
) -> f64 {
    time_per_call(
        || {
            let _ = term.draw(|f| crate::tui::render(&app.session, f));
        },
        budget,
    )
}

/// A writer that only counts the bytes it is given: what a frame would send to the terminal.
#[derive(Debug, Default, Clone)]
pub struct CountingWriter {
    pub bytes: std::rc::Rc<std::cell::Cell<u64>>,
}

impl std::io::Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.set(self.bytes.get() + buf.len() as u64);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A real crossterm terminal of a fixed size whose output is counted, not shown.
pub fn counting_terminal(
    w: u16,
    h: u16,
) -> std::io::Result<(ratatui::Terminal<ratatui::backend::CrosstermBackend<CountingWriter>>, CountingWriter)> {
    let writer = CountingWriter::default();
    let backend = ratatui::backend::CrosstermBackend::new(writer.clone());
    let options =
        ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, w, h)) };
    Ok((ratatui::Terminal::with_options(backend, options)?, writer))
}

/// The explorer on the given command-line flags, as `overparam [flags]` would open it.
pub fn explorer_app(flags: &[&str]) -> anyhow::Result<crate::tui::App> {
    use clap::Parser;
    let cli = crate::args::Cli::try_parse_from(std::iter::once("overparam").chain(flags.iter().copied()))?;
    Ok(crate::tui::App::new(&cli.common, &cli.explorer)?)
}
