//! Drawing: a pure function of the `Session`, generic over the backend (TestBackend in tests).
//! One file per pane; `draw_pane` is the one dispatch (pane × view × the current run), and the
//! focused pane is marked once. Every chart gets only finite, bounded data, and only as many
//! points as its pane can show.

pub mod ascii;
pub mod compare;
pub mod data;
pub mod density;
pub mod drift;
pub mod help;
pub mod inspector;
pub mod layout;
pub mod loss;
pub mod ridge;
pub mod risk;
pub mod slopes;
pub mod theme;
pub mod tour;
pub mod widgets;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::session::view::{Pane, resolve};
use crate::tui::session::{Current, Session, View};
use theme::Theme;

pub use widgets::{count, num};

/// Below this many columns and rows the panes cannot show their numbers; a message says so.
pub const MIN_COLS: u16 = 60;
pub const MIN_ROWS: u16 = 20;

/// Draws the whole explorer into `frame`.
pub fn render(session: &Session, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme { color: session.color, ascii: session.ascii };
    if area.width < MIN_COLS || area.height < MIN_ROWS {
        let msg = format!("terminal too small: need {MIN_COLS}×{MIN_ROWS} (have {}×{})", area.width, area.height);
        let p = Paragraph::new(msg).wrap(Wrap { trim: true }).alignment(Alignment::Center);
        let y = area.height / 2;
        frame.render_widget(p, Rect { y, height: area.height - y, ..area });
        return;
    }
    let [main, footer] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    // The tour's narration below the panes, which shrink to make room.
    let main = match session.tour_open() {
        Some(t) => {
            let h = tour::height(area.height);
            let [panes, narration] = Layout::vertical([Constraint::Min(0), Constraint::Length(h)]).areas(main);
            tour::draw(session, t, &theme, frame, narration);
            panes
        }
        None => main,
    };
    let focused = resolve(session.view, session.focus);
    for (pane, r) in layout::layout(session.view, session.focus, session.zoomed, main) {
        draw_pane(session, pane, &theme, frame, r);
        if pane == focused {
            layout::mark_focus(frame.buffer_mut(), r, &theme);
        }
    }
    help::draw_footer(&theme, frame, footer, session.net().is_some(), session.tour_open().is_some());
    if session.help && session.help_panes {
        help::draw_panes_help(session, &theme, frame, area);
    } else if session.help {
        help::draw_help(&theme, frame, area);
    }
    if session.ascii {
        ascii::transliterate(frame.buffer_mut());
    }
}

/// One pane, as the view and the current run want it.
fn draw_pane(s: &Session, pane: Pane, theme: &Theme, frame: &mut Frame, r: Rect) {
    match (pane, s.view, s.current()) {
        (Pane::View, View::Compare, _) => compare::draw(s, theme, frame, r),
        (Pane::View, View::Risk, _) => risk::draw(s, theme, frame, r),
        (Pane::Data, _, Current::Line(l)) => data::draw_line(s, l, theme, frame, r),
        (Pane::Data, _, Current::Net(n)) => data::draw_net(s, n, theme, frame, r),
        (Pane::View, View::Slopes, Current::Line(l)) => slopes::draw_line(s, l, theme, frame, r),
        (Pane::View, View::Slopes, Current::Net(n)) => slopes::draw_net(s, n, theme, frame, r),
        (Pane::View, View::Ridge, Current::Line(l)) => ridge::draw_line(l, theme, frame, r),
        (Pane::View, View::Ridge, Current::Net(n)) => ridge::draw_net(s, n, theme, frame, r),
        (Pane::View, View::Drift, Current::Line(l)) => drift::draw_line(s, l, theme, frame, r),
        (Pane::View, View::Drift, Current::Net(n)) => drift::draw_net(s, n, theme, frame, r),
        (Pane::Loss, _, Current::Line(l)) => loss::draw(s, &l.history, l.stats.loss, l.test.as_ref(), theme, frame, r),
        (Pane::Loss, _, Current::Net(n)) => loss::draw(s, &n.history, n.stats.loss, n.test.as_ref(), theme, frame, r),
        (Pane::Inspector, _, Current::Line(l)) => inspector::draw_line(s, l, theme, frame, r),
        (Pane::Inspector, _, Current::Net(n)) => inspector::draw_net(s, n, theme, frame, r),
    }
}
