//! Reading a tour file: TOML checked whole (settings parsed as the command line parses them,
//! live values known, keys bound, states named) before anything starts; a mistake is one line
//! naming the line it is on.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::live;
use super::tour::{Chapter, Check, State, Tour};
use super::view::View;
use crate::args::{Cli, Common};
use crate::tui::keys::{Key, action_for};

/// The built-in tour, built into the binary.
pub const BUILT_IN: &str = include_str!("../../../assets/tour.toml");
/// A name for the built-in tour in messages.
pub const BUILT_IN_NAME: &str = "assets/tour.toml";

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    title: String,
    #[serde(rename = "chapter")]
    chapters: Vec<Spanned<RawChapter>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChapter {
    title: String,
    settings: Spanned<String>,
    #[serde(default)]
    view: Option<Spanned<String>>,
    #[serde(default)]
    run: bool,
    text: Spanned<String>,
    #[serde(rename = "try")]
    try_this: Spanned<String>,
    check: Spanned<String>,
    done: Spanned<String>,
}

/// A tour file's mistake: the line it is on and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct TourError {
    pub line: usize,
    pub what: String,
}

/// Reads and checks the tour at `path` (the built-in one when None). The error is one line
/// naming the file, the line and what is wrong.
pub fn load(path: Option<&Path>) -> crate::Result<Tour> {
    let (name, text) = match path {
        None => (BUILT_IN_NAME.to_string(), BUILT_IN.to_string()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| crate::error::invalid!("cannot read the tour {}: {}", p.display(), io_reason(&e)))?;
            (p.display().to_string(), text)
        }
    };
    parse(&text).map_err(|e| crate::error::invalid!("{name}:{}: {}", e.line, e.what))
}

/// The OS's reason alone ("No such file or directory"), without the error code.
fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    s.split(" (os error").next().unwrap_or(&s).to_string()
}

/// Parses and checks a whole tour.
pub fn parse(text: &str) -> Result<Tour, TourError> {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let file: File = toml::from_str(text).map_err(|e| TourError {
        line: e.span().map_or(1, |s| line_of(s.start)),
        what: e.message().trim().replace('\n', " "),
    })?;
    if file.chapters.is_empty() {
        return Err(TourError { line: 1, what: "a tour needs at least one [[chapter]]".into() });
    }
    let mut chapters = Vec::with_capacity(file.chapters.len());
    for raw in file.chapters {
        let at = |s: &Spanned<String>| line_of(s.span().start);
        let raw = raw.into_inner();
        let err = |line: usize, what: String| TourError { line, what };
        let common = settings(raw.settings.get_ref()).map_err(|w| err(at(&raw.settings), w))?;
        let view = match &raw.view {
            None => View::Slopes,
            Some(v) => view(v.get_ref()).map_err(|w| err(at(v), w))?,
        };
        for field in [&raw.text, &raw.try_this, &raw.done] {
            live::check(field.get_ref()).map_err(|w| err(at(field), w))?;
        }
        let check = check(raw.check.get_ref()).map_err(|w| err(at(&raw.check), w))?;
        chapters.push(Chapter {
            title: raw.title,
            settings: raw.settings.get_ref().trim().to_string(),
            common,
            view,
            run: raw.run,
            text: raw.text.into_inner(),
            try_this: raw.try_this.into_inner(),
            check,
            done: raw.done.into_inner(),
        });
    }
    Ok(Tour::new(file.title, chapters))
}

/// The explorer's settings from command-line flags, as `overparam FLAGS` would read them.
fn settings(flags: &str) -> Result<Common, String> {
    use clap::Parser;
    let words = std::iter::once("overparam").chain(flags.split_whitespace());
    let cli = Cli::try_parse_from(words).map_err(|e| {
        let line = crate::args::one_line(&e);
        format!("settings: {}", line.trim_start_matches("error: "))
    })?;
    if cli.command.is_some() {
        return Err(format!("settings: `{flags}` names a command; a chapter takes flags only"));
    }
    if cli.explorer.ascii || cli.explorer.out.is_some() || cli.explorer.fps != 30 {
        return Err("settings: --ascii, --fps and --out belong to `overparam tour`, not to a chapter".into());
    }
    Ok(cli.common)
}

fn view(name: &str) -> Result<View, String> {
    match name {
        "slopes" => Ok(View::Slopes),
        "ridge" => Ok(View::Ridge),
        "drift" => Ok(View::Drift),
        "compare" => Ok(View::Compare),
        "risk" => Ok(View::Risk),
        other => Err(format!("unknown view `{other}` (one of slopes, ridge, drift, compare, risk)")),
    }
}

/// `KEY [TIMES] [until STATE]`, e.g. `i 3`, `space until converged`, `o until optimizer=whitened`.
fn check(spec: &str) -> Result<Check, String> {
    let mut words = spec.split_whitespace().peekable();
    let name = words.next().ok_or("check: name a key to press, e.g. `check = \"i 3\"`")?;
    let key = key_named(name).ok_or_else(|| format!("check: no key `{name}` (a key of the table: `?` lists them)"))?;
    let action = action_for(key).ok_or_else(|| format!("check: the key `{name}` does nothing in the explorer"))?;
    let mut times = 1;
    if let Some(n) = words.peek().and_then(|w| w.parse::<u32>().ok()) {
        times = n.max(1);
        words.next();
    }
    let until = match (words.next(), words.next()) {
        (None, _) => None,
        (Some("until"), Some(s)) => Some(state(s)?),
        _ => return Err(format!("check: `{spec}` is not `KEY [TIMES] [until STATE]`")),
    };
    if words.next().is_some() {
        return Err(format!("check: `{spec}` is not `KEY [TIMES] [until STATE]`"));
    }
    Ok(Check { key, action, times, until })
}

/// A key as a check names it: one character, or space, enter, backspace.
fn key_named(name: &str) -> Option<Key> {
    match name {
        "space" => Some(Key::Char(' ')),
        "enter" => Some(Key::Enter),
        "backspace" => Some(Key::Backspace),
        s if s.chars().count() == 1 => s.chars().next().map(Key::Char),
        _ => None,
    }
}

fn state(s: &str) -> Result<State, String> {
    if s == "converged" {
        return Ok(State::Converged);
    }
    if let Some(name) = s.strip_prefix("optimizer=") {
        return crate::optim::Optimizer::ALL
            .iter()
            .find(|o| o.name() == name)
            .map(|&o| State::Optimizer(o))
            .ok_or_else(|| format!("check: no optimizer `{name}`"));
    }
    if let Some(n) = s.strip_prefix("runs>=") {
        return n.parse().map(State::Runs).map_err(|_| format!("check: `{n}` is not a number of runs"));
    }
    Err(format!("check: unknown state `{s}` (converged, optimizer=NAME, runs>=N)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keys::Action;

    #[test]
    fn the_built_in_tour_parses() {
        let tour = parse(BUILT_IN).unwrap_or_else(|e| panic!("{BUILT_IN_NAME}:{}: {}", e.line, e.what));
        assert!(tour.chapters.len() >= 8, "{} chapters", tour.chapters.len());
    }

    #[test]
    fn checks_read_a_key_a_count_and_a_state() {
        let c = check("i 3").unwrap();
        assert_eq!((c.key, c.action, c.times, c.until), (Key::Char('i'), Action::NewInit, 3, None));
        let c = check("space until converged").unwrap();
        assert_eq!((c.action, c.until), (Action::RunPause, Some(State::Converged)));
        assert!(check("o until optimizer=whitened").is_ok());
        assert!(check("Q").unwrap_err().contains("does nothing"));
        assert!(check("ctrl-q").unwrap_err().contains("no key `ctrl-q`"));
        assert!(check("o until optimizer=adam").unwrap_err().contains("no optimizer"));
        assert!(check("o until sunny").unwrap_err().contains("unknown state"));
    }
}
