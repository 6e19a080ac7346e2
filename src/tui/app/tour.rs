//! The tour's keys and chapters: a chapter opens by building the session its settings name (the
//! same flags as the command line) with its view, whole or not at all; the reader's "try this"
//! is checked after every key and every frame. Nothing is forced: every other key still works.

use super::App;
use crate::tui::keys::{Action, Key};
use crate::tui::session::live;
use crate::tui::session::tour::Tour;
use crate::tui::session::tour_file;

impl App {
    /// The explorer opened on `tour`'s first chapter.
    pub fn with_tour(tour: Tour, explorer: &crate::args::ExplorerArgs) -> crate::Result<App> {
        let first = tour.chapter().common.clone();
        let mut app = App::new(&first, explorer)?;
        app.session.tour = Some(tour);
        app.open_chapter(0)?;
        Ok(app)
    }

    /// T: opens the built-in tour (at its first chapter) when none is loaded; else leaves the
    /// tour keeping the state, or comes back to the chapter where the reader was.
    pub(super) fn toggle_tour(&mut self) {
        match self.session.tour.as_mut() {
            Some(t) => {
                t.open = !t.open;
                t.list = None;
            }
            None => match tour_file::load(None) {
                Ok(t) => {
                    self.session.tour = Some(t);
                    if let Err(e) = self.open_chapter(0) {
                        self.session.tour = None;
                        self.session.message = Some(format!("tour: {e}"));
                    }
                }
                Err(e) => self.session.message = Some(format!("tour: {e}")),
            },
        }
    }

    /// Enter and Backspace: the next chapter or the one before, `by` chapters on.
    pub(super) fn turn_chapter(&mut self, by: isize) {
        let Some(t) = self.session.tour_open() else {
            self.session.message = Some("no tour open: T opens one".into());
            return;
        };
        let last = t.chapters.len() - 1;
        let at = t.at.saturating_add_signed(by).min(last);
        if at == t.at {
            let end = if by > 0 { "the last chapter: T leaves the tour" } else { "the first chapter" };
            self.session.message = Some(format!("this is {end}"));
            return;
        }
        self.go_to_chapter(at);
    }

    /// Opens chapter `at`, saying why in the status line when its settings cannot be shown.
    fn go_to_chapter(&mut self, at: usize) {
        if let Err(e) = self.open_chapter(at) {
            self.session.message = Some(format!("chapter {}: {e}", at + 1));
        }
    }

    /// L: the chapter list (↑ ↓ choose, Enter opens, Esc or L closes).
    pub(super) fn toggle_chapter_list(&mut self) {
        match self.session.tour.as_mut().filter(|t| t.open) {
            Some(t) => t.list = if t.list.is_some() { None } else { Some(t.at) },
            None => self.session.message = Some("no tour open: T opens one".into()),
        }
    }

    /// ↑ ↓: scroll the narration (or move in the chapter list).
    pub(super) fn scroll_tour(&mut self, down: bool) {
        let Some(t) = self.session.tour.as_mut().filter(|t| t.open) else { return };
        match t.list.as_mut() {
            Some(sel) if down => *sel = (*sel + 1).min(t.chapters.len() - 1),
            Some(sel) => *sel = sel.saturating_sub(1),
            None if down => t.scroll = t.scroll.saturating_add(1),
            None => t.scroll = t.scroll.saturating_sub(1),
        }
    }

    /// Keys while the chapter list is open: it takes ↑ ↓ Enter Esc L and nothing else.
    pub(super) fn press_in_list(&mut self, key: Key) -> bool {
        let Some(sel) = self.session.tour.as_ref().and_then(|t| t.list) else { return false };
        match key {
            Key::Up => self.scroll_tour(false),
            Key::Down => self.scroll_tour(true),
            Key::Enter => self.go_to_chapter(sel),
            Key::Esc | Key::Char('L') => {
                if let Some(t) = self.session.tour.as_mut() {
                    t.list = None;
                }
            }
            _ => {}
        }
        true
    }

    /// Builds the session chapter `at` asks for and shows it; on failure nothing changes.
    pub(super) fn open_chapter(&mut self, at: usize) -> crate::Result<()> {
        let Some(chapter) = self.session.tour.as_ref().map(|t| t.chapters[at].clone()) else { return Ok(()) };
        self.reopen(&chapter.common, chapter.view, chapter.run)?;
        if let Some(t) = self.session.tour.as_mut() {
            (t.at, t.presses, t.met, t.scroll, t.list, t.open) = (at, 0, false, 0, None, true);
        }
        self.check_tour(None);
        Ok(())
    }

    /// After a key (its action, if it had one) or a frame: whether the chapter's "try this" is
    /// done now. Once done it stays done until the chapter changes.
    pub(super) fn check_tour(&mut self, action: Option<Action>) {
        let Some(t) = self.session.tour_open() else { return };
        if t.met {
            return;
        }
        let check = &t.chapter().check;
        let pressed = u32::from(action == Some(check.action));
        let state = check.until.as_ref().is_none_or(|s| live::holds(s, &self.session));
        let times = check.times;
        if let Some(t) = self.session.tour.as_mut() {
            t.presses = t.presses.saturating_add(pressed);
            t.met = t.presses >= times && state;
        }
    }
}
