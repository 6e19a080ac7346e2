//! The shape of the code, read from its `use` lines and inline paths: no file imports one that
//! imports it back (no cycles, counted on files), the explorer's drawing (`tui/ui`) and state
//! (`tui/session`) never import its controller (`tui/app`), the state never names ratatui or
//! crossterm, and the engine names no front end and no terminal.
//!
//! Each file's paths are resolved to the file that defines what they name: `crate::model` through
//! lib.rs's re-exports to `engine/model.rs`, `super::keys::Key` to `tui/keys.rs`, a re-exported
//! item (`tui::App`) to the file it comes from.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Files = BTreeMap<String, String>;

/// Every .rs file under src/, keyed by its path from src/ ("tui/app/mod.rs").
fn read_src() -> Files {
    fn walk(dir: &Path, root: &Path, out: &mut Files) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, root, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let key = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(key, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Files::new();
    walk(&root, &root, &mut files);
    files
}

/// The module path of a file: "tui/app/mod.rs" → ["tui", "app"]; lib.rs and main.rs → [].
fn module_of(file: &str) -> Vec<String> {
    let stem = file.trim_end_matches(".rs");
    let mut parts: Vec<String> = stem.split('/').map(String::from).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The file that defines module `path`, if it is one.
fn file_of(files: &Files, path: &[String]) -> Option<String> {
    if path.is_empty() {
        return Some("lib.rs".into());
    }
    let j = path.join("/");
    [format!("{j}.rs"), format!("{j}/mod.rs")].into_iter().find(|f| files.contains_key(f))
}

/// Source without comments, string literals and char literals (lifetimes kept).
fn strip(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < c.len() {
        match (c[i], c.get(i + 1).copied()) {
            ('/', Some('/')) => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            ('/', Some('*')) => {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            ('r', Some('#' | '"')) if i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_') => {
                let mut j = i + 1;
                let mut hashes = 0;
                while c.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if c.get(j) != Some(&'"') {
                    out.push(c[i]);
                    i += 1;
                    continue;
                }
                j += 1;
                'raw: while j < c.len() {
                    if c[j] == '"' && (0..hashes).all(|h| c.get(j + 1 + h) == Some(&'#')) {
                        j += 1 + hashes;
                        break 'raw;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
            }
            ('"', _) => {
                i += 1;
                while i < c.len() && c[i] != '"' {
                    i += if c[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("\"\"");
            }
            ('\'', _) => {
                // A char literal ('a', '\n', '\u{..}') or a lifetime ('a): only the former closes.
                let close = if c.get(i + 1) == Some(&'\\') {
                    (i + 2..c.len().min(i + 12)).find(|&j| c[j] == '\'')
                } else {
                    (c.get(i + 2) == Some(&'\'')).then_some(i + 2)
                };
                match close {
                    Some(j) => {
                        out.push_str("' '");
                        i = j + 1;
                    }
                    None => {
                        out.push('\'');
                        i += 1;
                    }
                }
            }
            (ch, _) => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Sep,
    Punct(char),
}

fn tokens(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(c[start..i].iter().collect()));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push(Tok::Sep);
            i += 2;
        } else {
            if !ch.is_whitespace() {
                out.push(Tok::Punct(ch));
            }
            i += 1;
        }
    }
    out
}

/// A path as written, and the inline module it was written in (for `self` and `super`).
#[derive(Debug, Clone)]
struct Written {
    segs: Vec<String>,
    inline: Vec<String>,
    is_pub_use: bool,
}

/// Expands a use tree starting at `toks[*i]` into full paths under `prefix`.
fn use_tree(toks: &[Tok], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    loop {
        match toks.get(*i) {
            Some(Tok::Ident(s)) if s == "as" => {
                *i += 2;
            }
            Some(Tok::Ident(s)) => {
                path.push(s.clone());
                *i += 1;
            }
            Some(Tok::Sep) => *i += 1,
            Some(Tok::Punct('*')) => {
                *i += 1;
            }
            Some(Tok::Punct('{')) => {
                *i += 1;
                loop {
                    match toks.get(*i) {
                        Some(Tok::Punct('}')) => {
                            *i += 1;
                            return;
                        }
                        Some(Tok::Punct(',')) => *i += 1,
                        None => return,
                        _ => use_tree(toks, i, path.clone(), out),
                    }
                }
            }
            _ => {
                if path.last().is_some_and(|s| s == "self") {
                    path.pop();
                }
                out.push(path);
                return;
            }
        }
    }
}

/// Every path a file writes: its use trees (expanded) and its inline paths that start at
/// `crate`, `super` or `self`, or at a name the file's module or one of its inline modules
/// declares.
fn written_paths(src: &str) -> Vec<Written> {
    let toks = tokens(&strip(src));
    let mut out = Vec::new();
    // Inline modules (`mod tests { … }`) and the brace depth each one closes at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            Tok::Ident(k) if k == "mod" => {
                if let (Some(Tok::Ident(name)), Some(Tok::Punct('{'))) = (toks.get(i + 1), toks.get(i + 2)) {
                    inline.push((name.clone(), depth));
                    depth += 1;
                    i += 3;
                    continue;
                }
            }
            Tok::Ident(k) if k == "use" => {
                let is_pub = i > 0 && toks[i - 1] == Tok::Ident("pub".into())
                    || (i > 3 && toks[i - 1] == Tok::Punct(')') && toks[i - 4] == Tok::Ident("pub".into()));
                let mut j = i + 1;
                let mut paths = Vec::new();
                use_tree(&toks, &mut j, Vec::new(), &mut paths);
                let here: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
                out.extend(paths.into_iter().map(|segs| Written { segs, inline: here.clone(), is_pub_use: is_pub }));
                i = j;
                continue;
            }
            Tok::Ident(first) if toks.get(i + 1) == Some(&Tok::Sep) => {
                let after_sep = i > 0 && toks[i - 1] == Tok::Sep;
                if !after_sep {
                    let mut segs = vec![first.clone()];
                    let mut j = i + 1;
                    while toks.get(j) == Some(&Tok::Sep) {
                        match toks.get(j + 1) {
                            Some(Tok::Ident(s)) => segs.push(s.clone()),
                            _ => break,
                        }
                        j += 2;
                    }
                    let here: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
                    out.push(Written { segs, inline: here, is_pub_use: false });
                    i = j;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The code's import graph: file → the files it names.
struct Graph {
    edges: BTreeMap<String, BTreeSet<String>>,
    /// file → the external crates it names (ratatui, crossterm, …).
    externs: BTreeMap<String, BTreeSet<String>>,
}

fn graph(files: &Files) -> Graph {
    let written: BTreeMap<&String, Vec<Written>> = files.iter().map(|(f, s)| (f, written_paths(s))).collect();
    // Re-exports: (module file, name) → the module path it stands for, or the file it comes from.
    let mut aliases: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for _ in 0..4 {
        for (file, ws) in &written {
            for w in ws.iter().filter(|w| w.is_pub_use && w.inline.is_empty()) {
                if let Some(last) = w.segs.last() {
                    let module = module_of(file);
                    if let Some(target) = absolute(files, &aliases, &module, &w.inline, &w.segs) {
                        aliases.insert(((*file).clone(), last.clone()), target);
                    }
                }
            }
        }
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut externs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, ws) in &written {
        let module = module_of(file);
        let e = edges.entry((*file).clone()).or_default();
        // A `pub use` is a facade (it names, it does not depend): paths through it are
        // resolved to where they lead instead.
        for w in ws.iter().filter(|w| !w.is_pub_use) {
            match absolute(files, &aliases, &module, &w.inline, &w.segs) {
                Some(target) => {
                    if let Some(t) = deepest_file(files, &aliases, &target)
                        && &t != *file
                    {
                        e.insert(t);
                    }
                }
                None => {
                    if let Some(first) = w.segs.first() {
                        externs.entry((*file).clone()).or_default().insert(first.clone());
                    }
                }
            }
        }
    }
    Graph { edges, externs }
}

/// The absolute module path `segs` names, written in `module` (inside inline modules `inline`);
/// None for a path into another crate.
fn absolute(
    files: &Files,
    aliases: &BTreeMap<(String, String), Vec<String>>,
    module: &[String],
    inline: &[String],
    segs: &[String],
) -> Option<Vec<String>> {
    let first = segs.first()?;
    let mut rest = segs.iter().skip(1);
    let mut cur: Vec<String> = match first.as_str() {
        "crate" => Vec::new(),
        "self" if inline.is_empty() => module.to_vec(),
        "self" => return None,
        "super" if inline.is_empty() => module[..module.len().saturating_sub(1)].to_vec(),
        // `super` inside `mod tests { … }` is the file's own module.
        "super" => module.to_vec(),
        "Self" => return None,
        name => {
            // A child module of this one, or a name this module re-exports.
            let mut child = module.to_vec();
            child.push(name.to_string());
            if file_of(files, &child).is_some() {
                child
            } else if let Some(t) = file_of(files, module).and_then(|f| aliases.get(&(f, name.to_string()))) {
                t.clone()
            } else {
                return None;
            }
        }
    };
    for s in rest.by_ref() {
        if s == "super" {
            cur.pop();
        } else {
            cur.push(s.clone());
        }
    }
    Some(cur)
}

/// The file that defines the last module on `path`, following re-exports.
fn deepest_file(files: &Files, aliases: &BTreeMap<(String, String), Vec<String>>, path: &[String]) -> Option<String> {
    let mut cur: Vec<String> = Vec::new();
    for (i, s) in path.iter().enumerate() {
        let mut next = cur.clone();
        next.push(s.clone());
        if file_of(files, &next).is_some() {
            cur = next;
            continue;
        }
        let here = file_of(files, &cur)?;
        match aliases.get(&(here.clone(), s.clone())) {
            Some(t) if t.as_slice() != path => {
                let mut full = t.clone();
                full.extend(path[i + 1..].iter().cloned());
                return deepest_file(files, aliases, &full);
            }
            _ => return Some(here),
        }
    }
    file_of(files, &cur)
}

/// Groups of files that import each other round a cycle (Tarjan's strongly connected components).
fn cycles(g: &Graph) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        for w in t.g.edges.get(v).into_iter().flatten() {
            if !t.index.contains_key(w.as_str()) {
                visit(t, w);
                let lw = t.low[w.as_str()];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(w.as_str()) {
                let iw = t.index[w.as_str()];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t =
        T { g, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on: BTreeSet::new(), out: Vec::new() };
    for v in g.edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

/// Each broken rule, one line each.
fn broken_rules(files: &Files) -> Vec<String> {
    let g = graph(files);
    let mut out = Vec::new();
    for (file, targets) in &g.edges {
        let under = |dir: &str| file.starts_with(dir);
        for t in targets {
            if (under("tui/ui/") || under("tui/session/")) && t.starts_with("tui/app/") {
                out.push(format!("{file} imports the controller {t}: drawing and state never import tui/app"));
            }
            if under("engine/") && (t.starts_with("tui/") || t.starts_with("cli/") || t.starts_with("export/")) {
                out.push(format!("{file} imports the front end {t}: the engine knows no front end"));
            }
        }
    }
    for (file, crates) in &g.externs {
        for c in crates {
            let terminal = c == "ratatui" || c == "crossterm";
            if terminal && file.starts_with("tui/session/") {
                out.push(format!("{file} names {c}: the session knows nothing of ratatui or the terminal"));
            }
            if terminal && file.starts_with("engine/") {
                out.push(format!("{file} names {c}: the engine knows nothing of terminals"));
            }
        }
    }
    for c in cycles(&g) {
        out.push(format!("import cycle: {}", c.join(" ↔ ")));
    }
    out
}

#[test]
fn the_code_keeps_its_shape() {
    let files = read_src();
    for room in ["tui/session/mod.rs", "tui/app/mod.rs", "tui/ui/mod.rs", "tui/jobs/mod.rs", "tui/term/mod.rs"] {
        assert!(files.contains_key(room), "{room} is missing: the explorer's rooms moved");
    }
    let broken = broken_rules(&files);
    assert!(broken.is_empty(), "the code's shape is broken:\n{}", broken.join("\n"));
}

/// The checker itself: it resolves paths as the compiler does, and fails on each kind of break.
mod checker {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Files {
        list.iter().map(|(p, s)| (p.to_string(), s.to_string())).collect()
    }

    const BASE: &[(&str, &str)] = &[
        ("lib.rs", "pub mod engine; pub mod tui;\npub use engine::{model, data};"),
        ("engine/mod.rs", "pub mod model; pub mod data;"),
        ("engine/model.rs", "use crate::data::Dataset;\npub struct Model;"),
        ("engine/data.rs", "pub struct Dataset;"),
        ("tui/mod.rs", "pub mod app; pub mod session; pub mod ui;\npub use app::App;"),
        ("tui/app/mod.rs", "use super::session::Session;\nuse super::ui::draw;\npub struct App;"),
        ("tui/session/mod.rs", "use crate::model::Model; // use super::app::App;\npub struct Session;"),
        ("tui/ui/mod.rs", "use super::session::Session;\nfn f() { let s = \"crate::tui::app::App\"; }"),
    ];

    #[test]
    fn a_clean_tree_passes_and_paths_resolve_through_re_exports() {
        let f = files(BASE);
        assert_eq!(broken_rules(&f), Vec::<String>::new());
        let g = graph(&f);
        assert!(g.edges["engine/model.rs"].contains("engine/data.rs"), "{:?}", g.edges);
        assert!(g.edges["tui/session/mod.rs"].contains("engine/model.rs"));
        // A `pub use` is a facade, not a dependency: tui/mod.rs names app without importing it.
        assert!(!g.edges["tui/mod.rs"].contains("tui/app/mod.rs"));
        // A path in a comment or a string is no import.
        assert!(!g.edges["tui/ui/mod.rs"].contains("tui/app/mod.rs"));
        assert!(!g.edges["tui/session/mod.rs"].contains("tui/app/mod.rs"));
    }

    fn with(path: &str, src: &str) -> Files {
        let mut f = files(BASE);
        f.insert(path.into(), src.into());
        f
    }

    #[test]
    fn drawing_that_imports_the_controller_fails() {
        let f = with("tui/ui/mod.rs", "use super::{session::Session, app::App};");
        let broken = broken_rules(&f);
        assert!(broken.iter().any(|b| b.contains("tui/ui/mod.rs imports the controller tui/app/mod.rs")), "{broken:?}");
        // Written inline, or through a re-export, it fails all the same.
        let f = with("tui/session/mod.rs", "fn f(a: &crate::tui::App) {}");
        assert!(broken_rules(&f).iter().any(|b| b.contains("tui/session/mod.rs imports the controller")));
    }

    #[test]
    fn a_session_naming_ratatui_fails() {
        let f = with("tui/session/mod.rs", "use ratatui::layout::Rect;");
        assert!(broken_rules(&f).iter().any(|b| b.contains("names ratatui")));
    }

    #[test]
    fn a_cycle_fails_and_an_engine_naming_a_front_end_fails() {
        let f = with("engine/data.rs", "pub fn check() { crate::model::Model; }");
        let broken = broken_rules(&f);
        assert!(broken.iter().any(|b| b == "import cycle: engine/data.rs ↔ engine/model.rs"), "{broken:?}");
        let f = with("engine/data.rs", "use crate::tui::session::Session;");
        assert!(broken_rules(&f).iter().any(|b| b.contains("the engine knows no front end")));
    }

    #[test]
    fn super_inside_a_test_module_is_the_file_itself() {
        let f = with("tui/ui/mod.rs", "#[cfg(test)]\nmod tests { use super::*; use super::super::session::Session; }");
        let g = graph(&f);
        assert!(g.edges["tui/ui/mod.rs"].contains("tui/session/mod.rs"), "{:?}", g.edges);
        assert!(broken_rules(&f).is_empty());
    }
}
