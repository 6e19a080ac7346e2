//! The terminal explorer, in five rooms:
//!
//! - `session/`: what the explorer knows (settings, data, each model's run and histogram, the
//!   view, focus, messages) and the queries on it. No keys, no ratatui.
//! - `app/`: the controller, the only code that decides what changes: one arm per key action,
//!   stepping, the histogram worker's bookkeeping, settings changes, export.
//! - `ui/`: drawing, a pure function of the session (`ui::render(&Session, frame)`), one file
//!   per pane.
//! - `jobs/`: work off the UI thread (the histogram worker, one-off background jobs).
//! - `term/`: the real terminal: setup and restore, signals, input, frame pacing, the event loop.
//!
//! `keys` is the one key table: the controller dispatches through it, `ui` draws the footer and
//! help from it. `ui` and `session` never import `app`, and `session` never names ratatui
//! (tests/architecture.rs checks this).
//!
//! To add a view: a `View` variant and its data in `session/` (computed by the controller in
//! `app/views.rs`), a key in `keys::BINDINGS` with its arm in `app/actions.rs`, a drawing file
//! in `ui/` and its arm in `ui::draw_pane`. To add a model kind: its run state beside
//! `session/line.rs` and `session/net.rs`, an arm in `session::Current`, and the arms the
//! compiler then asks for (stepping, the inspector, the panes).

pub mod app;
pub mod jobs;
pub mod keys;
pub mod session;
pub mod term;
pub mod ui;

pub use app::App;
pub use session::Session;
pub use term::{run, run_tour};
pub use ui::render;
