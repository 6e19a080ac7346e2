//! The explorer for tests: an `App` opened on command-line flags, in colour, and its screen
//! rendered into a `TestBackend`. Shared by the explorer's test files (`mod explorer_app;`).
#![allow(dead_code, clippy::unwrap_used)]

use clap::Parser;
use overparam::args::Cli;
use overparam::tui::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The explorer as `overparam ARGS…` opens it, drawing in colour.
pub fn app(args: &[&str]) -> App {
    let cli = Cli::parse_from(std::iter::once("overparam").chain(args.iter().copied()));
    let mut app = App::new(&cli.common, &cli.explorer).unwrap();
    app.session.color = true;
    app
}

/// The screen at w×h, as the test backend prints it.
pub fn screen(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| overparam::tui::render(&app.session, f)).unwrap();
    term.backend().to_string()
}
