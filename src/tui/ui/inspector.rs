//! The inspector: the current run's model, optimizer, learning rate against its bound, step,
//! loss, movement, the histogram's KS distances, why it stopped, the seed and the speeds.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::widgets::{block, count, fit_items, kv, kv_num, num, num_in, wrap_words};
use crate::optim::{Optimizer, Status};
use crate::risk::TestKind;
use crate::tui::session::line::LineState;
use crate::tui::session::net::NetState;
use crate::tui::session::test_error::TestTrack;
use crate::tui::session::{Session, divergence_note};

/// The inspector on a linear model.
pub fn draw_line(app: &Session, slot: &LineState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let run = &slot.run;
    let m = &slot.model;
    // SGD's rate is a factor on the Kaczmarz step 1/|∇f_n|², stable below 2.
    let relative = app.optimizer == Optimizer::Sgd;
    let w = area.width.saturating_sub(2) as usize;
    let dims = [format!("k {}", m.k()), format!("N {}", m.n()), format!("ridge {}", m.ridge_dim())];
    let mut lines = vec![
        kv(theme, "model", m.kind.name().to_string()),
        Line::from(fit_items(&dims, " · ", w)),
        kv(theme, "optim", app.optimizer.name().to_string()),
    ];
    lines.extend(lr_lines(theme, app.lr_and_bound(), relative, app.optimizer, w));
    lines.push(kv(theme, "step", count(run.steps)));
    lines.extend(kv_num(theme, "loss", slot.stats.loss, w));
    // The line's test error rides on its slope's row, (c − slope)²·mean x² on the grid: the
    // inspector's rows are few, and the speed line needs its own. It goes whole or not at all.
    if let Some(mut slope) = kv_num(theme, "slope", slot.stats.slope, w) {
        let room = w.saturating_sub(slope.width() + " · test ".len());
        if let Some(t) = slot.test.as_ref().and_then(|t| num_in(t.error, room)) {
            slope.spans.push(Span::styled(" · test ", theme.label()));
            slope.spans.push(Span::raw(t));
        }
        lines.push(slope);
    }
    lines.extend(kv_num(theme, "|θ−θ0|/|θ0|", slot.stats.rel_change, w));
    lines.extend(kv_num(theme, "|∇L|", slot.stats.grad, w));
    // Both KS distances of the histogram: against the posterior, and against the predicted
    // endpoint distribution of its optimizer (whitened GD closes the gap between them).
    if let Some(sum) = &slot.hist.summary {
        let ks = [format!("post {:.3}", sum.ks_posterior.d), format!("pred {:.3}", sum.ks_gd_endpoint.d)];
        lines.push(Line::from(vec![Span::styled("KS ", theme.label()), Span::raw(fit_items(&ks, " · ", w - 3))]));
    }
    // The message (why a run stopped) outranks the seed and speed lines when space is short.
    let end = End {
        status: &run.status,
        linearized: false,
        optimizer: run.optimizer,
        init: run.init_index,
        seed_stays: false,
        test: None,
    };
    finish(app, theme, frame, area, lines, end);
}

/// The inspector on the net.
pub fn draw_net(app: &Session, net: &NetState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let run = &net.run;
    let n = &net.net;
    let s = &net.stats;
    let w = area.width.saturating_sub(2) as usize;
    let head = [format!("net · M {}", n.width), n.act.name().to_string(), n.train.name().to_string()];
    let dims = [format!("k {}", n.k()), format!("N {}", n.n()), format!("ridge {}", n.ridge_dim())];
    let mut lines = vec![
        Line::from(fit_items(&head, " · ", w)),
        Line::from(fit_items(&dims, " · ", w)),
        kv(theme, "optim", run.optimizer.name().to_string()),
    ];
    lines.extend(lr_lines(theme, (run.lr, run.lr_bound), false, run.optimizer, w));
    let label = |k: &str| Span::styled(k.to_string(), theme.label());
    // Each line's items go whole, labels with their values, while they fit.
    let pairs = |items: Vec<(String, Option<String>)>| -> Line<'static> {
        let mut spans = Vec::new();
        let mut used = 0;
        for (k, v) in items {
            let Some(v) = v else { continue };
            let n = k.chars().count() + v.chars().count();
            if used + n > w {
                break;
            }
            used += n;
            spans.extend([label(&k), Span::raw(v)]);
        }
        Line::from(spans)
    };
    let at = if s.kernel_step == run.steps { String::new() } else { format!(" @{}", count(s.kernel_step)) };
    lines.push(pairs(vec![("step ".into(), Some(count(run.steps))), (" · loss ".into(), num_in(s.loss, w))]));
    // The test row goes below the loss, where the room allows once a message has its own.
    let test = test_line(theme, net.test.as_ref(), &run.status, w).map(|l| (lines.len(), l));
    lines.extend([
        pairs(vec![("|θ−θ0|/|θ0| ".into(), num_in(s.rel_change, w.saturating_sub(12)))]),
        pairs(vec![("kernel Δ ".into(), num_in(s.kernel_change, w.saturating_sub(9))), (at, Some(String::new()))]),
        pairs(vec![
            ("f(x*) ".into(), Some(if s.f_star.is_finite() { num(s.f_star) } else { "—".into() })),
            (" · lin ".into(), Some(net.f_lin_star.map_or("—".into(), num))),
        ]),
    ]);
    if let Some(sum) = &net.hist.summary {
        let ks = [format!("NTK {:.3}", sum.ks_ntk_gp.d), format!("Bayes {:.3}", sum.ks_posterior.d)];
        lines.push(Line::from(vec![label("KS "), Span::raw(fit_items(&ks, " · ", w - 3))]));
    }
    // The seed stays: it is what reproduces the run. A message outranks the speed line.
    let end = End {
        status: &run.status,
        linearized: run.linearized,
        optimizer: run.optimizer,
        init: run.init_index,
        seed_stays: true,
        test,
    };
    finish(app, theme, frame, area, lines, end);
}

/// The run's test error beside its training loss ("held out" for a data file's points). Not
/// for a diverged run: its row goes to the words saying why and what to press.
fn test_line(theme: &Theme, test: Option<&TestTrack>, status: &Status, w: usize) -> Option<Line<'static>> {
    let t = test.filter(|_| !matches!(status, Status::Diverged(_)))?;
    let what = match t.set.kind {
        TestKind::Grid { .. } => " (vs truth)",
        TestKind::Holdout { .. } => " (held out)",
    };
    let mut line = kv_num(theme, "test", t.error, w)?;
    if line.width() + what.chars().count() <= w {
        line.spans.push(Span::styled(what, theme.label()));
    }
    Some(line)
}

/// The learning rate against its stability bound (marked when past it), or "none".
/// `relative`: the rate is a factor on a step of its own (the lines' SGD), not a step size.
fn lr_lines(
    theme: &Theme,
    (lr, bound): (Option<f64>, Option<(f64, &'static str)>),
    relative: bool,
    optimizer: Optimizer,
    w: usize,
) -> Vec<Line<'static>> {
    let (Some(lr), Some((b, name))) = (lr, bound) else {
        return vec![kv(theme, "lr", format!("none ({})", optimizer.name()))];
    };
    let over = lr >= b;
    let bad = if over { theme.bad() } else { Style::new() };
    // SGD's rate is a factor on its own step, not a step size: named apart from the step count.
    let label = format!("{:<8}", if relative { "lr factor " } else { "lr" });
    let warn = if over && label.chars().count() + 9 + 11 <= w {
        " ✗ unstable"
    } else if over {
        " ✗"
    } else {
        ""
    };
    let room = w.saturating_sub(label.chars().count() + warn.chars().count());
    let bound_label = if name.starts_with("2/λmax") { "2/λmax" } else { "bound" };
    let mut lines = vec![Line::from(vec![
        Span::styled(label, theme.label()),
        Span::styled(num_in(lr, room).unwrap_or_default(), bad),
        Span::styled(warn, bad),
    ])];
    lines.extend(kv_num(theme, bound_label, b, w));
    lines
}

/// The inspector's lines that never give way to a message: model, dimensions, optimizer, lr and
/// its bound.
const MIN_LINES: usize = 5;
/// What stays when a message needs more room still: the model and its dimensions.
const MIN_FIGURES: usize = 2;

/// How the run stands, for the inspector's last lines and title.
struct End<'a> {
    status: &'a Status,
    /// The net's exact end of its linearization (the `exact` optimizer on all layers).
    linearized: bool,
    optimizer: Optimizer,
    init: u64,
    /// Whether the seed line stays when a message needs the room (the net's rule), or gives way.
    seed_stays: bool,
    /// A row to insert at its index when the message (if any) and the seed line leave room.
    test: Option<(usize, Line<'static>)>,
}

/// The message (or why the run diverged), the seed and speed lines, and the block titled with
/// the run's state, drawn under `lines`.
fn finish(app: &Session, theme: &Theme, frame: &mut Frame, area: Rect, mut lines: Vec<Line<'static>>, end: End) {
    let mut tail = tail(app, theme, end.init, area.width.saturating_sub(2) as usize);
    let (state, style) = match end.status {
        Status::Diverged(_) => ("✗ diverged", theme.bad()),
        Status::Converged if end.linearized => ("✓ linearized end", theme.good()),
        Status::Converged => ("✓ converged", theme.good()),
        Status::Stalled => ("■ at rounding floor", theme.label()),
        Status::Running if app.running => ("▶ running", theme.good()),
        Status::Running => ("‖ paused", theme.label()),
    };
    let inner_w = area.width.saturating_sub(2).max(1) as usize;
    let inner_h = area.height.saturating_sub(2) as usize;
    let msg = app.message.clone().or_else(|| divergence_note(end.status, end.optimizer));
    // Own data whose spread σ does not match: said until another message takes the room.
    let msg = msg.or_else(|| app.sigma_warning.as_ref().map(|w| format!("warning: {w}")));
    let msg_rows = msg.as_ref().map_or(0, |m| wrap_words(m, inner_w).len());
    let tail_rows = if msg.is_some() && end.seed_stays { 1 } else { tail.len() };
    if let Some((at, row)) = end.test
        && lines.len() + 1 + msg_rows + tail_rows <= inner_h
    {
        lines.insert(at.min(lines.len()), row);
    }
    if let Some(msg) = msg {
        let wrapped = wrap_words(&msg, inner_w);
        if end.seed_stays {
            tail.truncate(1);
        }
        let fixed = if end.seed_stays { tail.len() } else { 0 };
        // The message is read whole: the last figures give way for it, down to the model, its
        // dimensions, the optimizer and the learning rate against its bound.
        // When even that leaves the message too little room, the lr lines go too: never a
        // message cut after its first lines.
        let floor = if MIN_LINES + fixed + wrapped.len() > inner_h { MIN_FIGURES } else { MIN_LINES };
        while lines.len() > floor && lines.len() + fixed + wrapped.len() > inner_h {
            lines.pop();
        }
        let room = inner_h.saturating_sub(lines.len() + fixed).max(1);
        let keep_tail = if end.seed_stays { tail.len() } else { room.saturating_sub(wrapped.len()).min(tail.len()) };
        let shown = if end.seed_stays { room } else { room - keep_tail };
        let msg_style = if matches!(end.status, Status::Diverged(_)) { theme.bad() } else { Style::new() };
        lines.extend(wrapped.into_iter().take(shown).map(|l| Line::styled(l, msg_style)));
        tail.truncate(keep_tail);
    }
    lines.extend(tail);
    let title = Line::from(vec![Span::styled("Inspector ", theme.title()), Span::styled(state, style)]);
    frame.render_widget(Paragraph::new(lines).block(block(theme, title)), area);
}

/// The inspector's last lines, for every model: seed and init, then stepping and drawing speed.
fn tail(app: &Session, theme: &Theme, init: u64, width: usize) -> Vec<Line<'static>> {
    let w = width.saturating_sub(8);
    let rates = match app.rates {
        Some(r) => [format!("{}/s", count(r.steps_per_s as u64)), format!("{:.0} fps", r.frames_per_s)],
        None => ["—/s".into(), "— fps".into()],
    };
    let speed = [format!("{}/frame", count(app.steps_per_frame)), rates[0].clone(), rates[1].clone()];
    vec![
        Line::from(vec![
            Span::styled(format!("{:<8}", "seed"), theme.label()),
            Span::raw(fit_items(&[app.seed.to_string(), format!("init {init}")], " · ", w)),
        ]),
        Line::styled(fit_items(&speed, " · ", width), theme.label()),
    ]
}
