//! THE key table: one entry per action drives the handler, the footer and the help overlay, so
//! the three can never disagree (gitui's key_list).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as the table names it (independent of crossterm, so tests can press keys by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Right,
    Up,
    Down,
    Enter,
    Backspace,
    Tab,
    BackTab,
    Esc,
}

impl Key {
    /// The table's key for a terminal key event, if it is one the table can name.
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        Some(match ev.code {
            KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
            KeyCode::Char(c) => Key::Char(c),
            KeyCode::Right => Key::Right,
            KeyCode::Up => Key::Up,
            KeyCode::Down => Key::Down,
            KeyCode::Enter => Key::Enter,
            KeyCode::Backspace => Key::Backspace,
            KeyCode::Tab if ev.modifiers.contains(KeyModifiers::SHIFT) => Key::BackTab,
            KeyCode::Tab => Key::Tab,
            KeyCode::BackTab => Key::BackTab,
            KeyCode::Esc => Key::Esc,
            _ => return None,
        })
    }
}

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    TourNext,
    TourBack,
    TourList,
    TourUp,
    TourDown,
    Tour,
    RunPause,
    Step,
    Step100,
    Faster,
    Slower,
    NextModel,
    PrevModel,
    AtLeft,
    AtRight,
    WidthUp,
    WidthDown,
    ToggleTrain,
    ToggleNoiseParams,
    NextAct,
    NextOptimizer,
    LrUp,
    LrDown,
    LrDefault,
    Replay,
    NewInit,
    NewData,
    NextData,
    AddRuns,
    ClearRuns,
    ToggleLog,
    ToggleAscii,
    ToggleRidge,
    ToggleDrift,
    ToggleRisk,
    ToggleCompare,
    FocusNext,
    Zoom,
    Export,
    Help,
    Suspend,
    Quit,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in the footer and the help.
    pub key_label: &'static str,
    pub action: Action,
    /// Short label for the footer; None keeps the action out of the footer (help only).
    pub footer: Option<&'static str>,
    pub help: &'static str,
}

const fn b(
    keys: &'static [Key],
    key_label: &'static str,
    action: Action,
    footer: Option<&'static str>,
    help: &'static str,
) -> Binding {
    Binding { keys, key_label, action, footer, help }
}

use Key::{BackTab, Backspace, Char, Ctrl, Down, Enter, Esc, Right, Tab, Up};

/// The key table, in footer/help order.
pub const BINDINGS: &[Binding] = &[
    b(&[Enter], "Enter", Action::TourNext, Some("next"), "tour: next chapter"),
    b(&[Backspace], "⌫", Action::TourBack, Some("back"), "tour: chapter before"),
    b(&[Char('L')], "L", Action::TourList, Some("chapters"), "tour: list of chapters"),
    b(&[Down], "↓", Action::TourDown, None, "tour: scroll the text down"),
    b(&[Up], "↑", Action::TourUp, None, "tour: scroll the text up"),
    b(&[Char('T')], "T", Action::Tour, Some("tour"), "tour: open / leave / return"),
    b(&[Char(' ')], "space", Action::RunPause, Some("run/pause"), "run / pause the current run"),
    b(&[Char('n'), Right], "n →", Action::Step, Some("step"), "one step"),
    b(&[Char('N')], "N", Action::Step100, None, "100 steps"),
    b(&[Char('m'), Tab], "m Tab", Action::NextModel, Some("model"), "next model (keeps its run)"),
    b(&[Char('M'), BackTab], "M S-Tab", Action::PrevModel, None, "previous model"),
    b(&[Char(','), Char('<')], ", <", Action::AtLeft, Some("x*←"), "net: move x* left"),
    b(&[Char('.'), Char('>')], ". >", Action::AtRight, Some("x*→"), "net: move x* right"),
    b(&[Char('w')], "w", Action::WidthUp, Some("width×2"), "net: width ×2"),
    b(&[Char('W')], "W", Action::WidthDown, None, "net: width ÷2"),
    b(&[Char('t')], "t", Action::ToggleTrain, Some("all/last"), "net: all layers / last"),
    b(&[Char('E')], "E", Action::ToggleNoiseParams, None, "net: noise parameters ε on/off"),
    b(&[Char('g')], "g", Action::NextAct, Some("relu/erf"), "net: relu / erf"),
    b(&[Char('o')], "o", Action::NextOptimizer, Some("optimizer"), "gd→sgd→cg→exact→whitened"),
    b(&[Char(']')], "]", Action::LrUp, Some("lr×2"), "lr ×2 (unstable ≥ 2/λmax)"),
    b(&[Char('[')], "[", Action::LrDown, Some("lr÷2"), "learning rate ÷2"),
    b(&[Char('0')], "0", Action::LrDefault, None, "default lr (1/λmax)"),
    b(&[Char('+'), Char('=')], "+", Action::Faster, None, "faster: steps/frame ×2"),
    b(&[Char('-'), Char('_')], "-", Action::Slower, None, "slower: steps/frame ÷2"),
    b(&[Char('r')], "r", Action::Replay, Some("replay"), "replay the same init"),
    b(&[Char('i')], "i", Action::NewInit, Some("new init"), "new init (next index)"),
    b(&[Char('d')], "d", Action::NewData, None, "new data (next seed)"),
    b(&[Char('D')], "D", Action::NextData, None, "data: demo → small → file"),
    b(&[Char('e')], "e", Action::AddRuns, Some("+runs"), "add runs to what is shown"),
    b(&[Char('c')], "c", Action::ClearRuns, None, "clear runs shown"),
    b(&[Char('v')], "v", Action::ToggleRidge, Some("ridge"), "ridge view: loss near θ*"),
    b(&[Char('p')], "p", Action::ToggleDrift, None, "drift view: how far θ moved"),
    b(&[Char('R')], "R", Action::ToggleRisk, None, "risk view: does it overfit?"),
    b(&[Char('C')], "C", Action::ToggleCompare, Some("compare"), "compare: every model at x*"),
    b(&[Char('f')], "f", Action::FocusNext, None, "focus next pane (═ border)"),
    b(&[Char('z')], "z", Action::Zoom, Some("zoom"), "zoom focused pane / back"),
    b(&[Char('s')], "s", Action::Export, Some("export"), "export session to a folder"),
    b(&[Char('l')], "l", Action::ToggleLog, None, "loss axis: log / linear"),
    b(&[Char('a')], "a", Action::ToggleAscii, None, "ASCII markers / braille"),
    b(&[Char('?')], "?", Action::Help, Some("help"), "this help; ? again: panes"),
    b(&[Ctrl('z')], "C-z", Action::Suspend, None, "suspend (fg resumes)"),
    b(&[Char('q'), Esc, Ctrl('c')], "q Esc C-c", Action::Quit, Some("quit"), "quit, print the command"),
];

impl Action {
    /// Keys that only act in the tour: the footer shows them only while it is open.
    pub fn tour_only(self) -> bool {
        matches!(self, Action::TourNext | Action::TourBack | Action::TourList | Action::TourUp | Action::TourDown)
    }

    /// Keys that only act on the net: the footer shows them only while the net is current.
    pub fn net_only(self) -> bool {
        matches!(
            self,
            Action::AtLeft
                | Action::AtRight
                | Action::WidthUp
                | Action::WidthDown
                | Action::ToggleTrain
                | Action::ToggleNoiseParams
                | Action::NextAct
        )
    }
}

/// The action bound to `key`, if any.
pub fn action_for(key: Key) -> Option<Action> {
    BINDINGS.iter().find(|b| b.keys.contains(&key)).map(|b| b.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice() {
        let all: Vec<Key> = BINDINGS.iter().flat_map(|b| b.keys.iter().copied()).collect();
        for (i, k) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(k), "{k:?} bound twice");
        }
    }

    #[test]
    fn every_action_has_a_key() {
        for b in BINDINGS {
            assert!(!b.keys.is_empty());
            assert_eq!(action_for(b.keys[0]), Some(b.action));
        }
    }

    #[test]
    fn ctrl_c_and_shift_tab_are_read() {
        let ev = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(Key::from_event(&ev).and_then(action_for), Some(Action::Quit));
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&ev).and_then(action_for), Some(Action::PrevModel));
    }
}
