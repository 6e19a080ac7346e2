//! The inspector: the current run's model, optimizer, learning rate against its bound, step,
//! loss, movement, the histogram's KS distances, why it stopped, the seed and the speeds.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::widgets::{block, count, kv, num, wrap_words};
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
    let mut lines = vec![
        kv(theme, "model", m.kind.name().to_string()),
        Line::from(format!("k {} · N {} · ridge {}", m.k(), m.n(), m.ridge_dim())),
        kv(theme, "optim", app.optimizer.name().to_string()),
    ];
    lines.extend(lr_lines(theme, app.lr_and_bound(), relative, app.optimizer));
    lines.push(kv(theme, "step", count(run.steps)));
    lines.push(kv(theme, "loss", num(slot.stats.loss)));
    // The line's test error rides on its slope's row, (c − slope)²·mean x² on the grid: the
    // inspector's rows are few, and the speed line needs its own.
    let mut slope = kv(theme, "slope", num(slot.stats.slope));
    if let Some(t) = &slot.test {
        slope.spans.push(Span::styled(" · test ", theme.label()));
        slope.spans.push(Span::raw(num(t.error)));
    }
    lines.push(slope);
    lines.push(Line::from(vec![Span::styled("|θ−θ0|/|θ0| ", theme.label()), Span::raw(num(slot.stats.rel_change))]));
    lines.push(kv(theme, "|∇L|", num(slot.stats.grad)));
    // Both KS distances of the histogram: against the posterior, and against the predicted
    // endpoint distribution of its optimizer (whitened GD closes the gap between them).
    if let Some(sum) = &slot.hist.summary {
        lines.push(Line::from(vec![
            Span::styled("KS ", theme.label()),
            Span::raw(format!("post {:.3} · pred {:.3}", sum.ks_posterior.d, sum.ks_gd_endpoint.d)),
        ]));
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
    let f_now = if s.f_star.is_finite() { num(s.f_star) } else { "—".into() };
    let mut lines = vec![
        Line::from(format!("net · M {} · {} · {}", n.width, n.act.name(), n.train.name())),
        Line::from(format!("k {} · N {} · ridge {}", n.k(), n.n(), crate::format::ridge_dim(n.ridge_dim()))),
        kv(theme, "optim", run.optimizer.name().to_string()),
    ];
    lines.extend(lr_lines(theme, (run.lr, run.lr_bound), false, run.optimizer));
    let label = |k: &str| Span::styled(k.to_string(), theme.label());
    lines.extend([Line::from(vec![
        label("step "),
        Span::raw(count(run.steps)),
        label(" · loss "),
        Span::raw(num(s.loss)),
    ])]);
    // The test row goes below the loss, where the room allows once a message has its own.
    let test = test_line(theme, net.test.as_ref(), &run.status).map(|l| (lines.len(), l));
    lines.extend([
        Line::from(vec![label("|θ−θ0|/|θ0| "), Span::raw(num(s.rel_change))]),
        Line::from(vec![
            label("kernel Δ "),
            Span::raw(num(s.kernel_change)),
            label(&if s.kernel_step == run.steps { String::new() } else { format!(" @{}", count(s.kernel_step)) }),
        ]),
        Line::from(vec![
            label("f(x*) "),
            Span::raw(f_now),
            label(" · lin "),
            Span::raw(net.f_lin_star.map_or("—".into(), num)),
        ]),
    ]);
    if let Some(sum) = &net.hist.summary {
        lines.push(Line::from(vec![
            label("KS "),
            Span::raw(format!("NTK {:.3} · Bayes {:.3}", sum.ks_ntk_gp.d, sum.ks_posterior.d)),
        ]));
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
fn test_line(theme: &Theme, test: Option<&TestTrack>, status: &Status) -> Option<Line<'static>> {
    let t = test.filter(|_| !matches!(status, Status::Diverged(_)))?;
    let what = match t.set.kind {
        TestKind::Grid { .. } => "vs truth",
        TestKind::Holdout { .. } => "held out",
    };
    Some(Line::from(vec![
        Span::styled("test    ", theme.label()),
        Span::raw(num(t.error)),
        Span::styled(format!(" ({what})"), theme.label()),
    ]))
}

/// The learning rate against its stability bound (marked when past it), or "none".
/// `relative`: the rate is a factor on a step of its own (the lines' SGD), not a step size.
fn lr_lines(
    theme: &Theme,
    (lr, bound): (Option<f64>, Option<(f64, &'static str)>),
    relative: bool,
    optimizer: Optimizer,
) -> Vec<Line<'static>> {
    let (Some(lr), Some((b, name))) = (lr, bound) else {
        return vec![kv(theme, "lr", format!("none ({})", optimizer.name()))];
    };
    let over = lr >= b;
    let bad = if over { theme.bad() } else { Style::new() };
    vec![
        Line::from(vec![
            Span::styled(format!("{:<8}", if relative { "step ×" } else { "lr" }), theme.label()),
            Span::styled(format!("{lr:.3e}"), bad),
            Span::styled(if over { " ✗ unstable" } else { "" }, bad),
        ]),
        kv(theme, if name.starts_with("2/λmax") { "2/λmax" } else { "bound" }, format!("{b:.3e}")),
    ]
}

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
    let mut tail = tail(app, theme, end.init);
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
        let room = inner_h.saturating_sub(lines.len() + if end.seed_stays { tail.len() } else { 0 }).max(1);
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
fn tail(app: &Session, theme: &Theme, init: u64) -> Vec<Line<'static>> {
    let rates = match app.rates {
        Some(r) => format!("{}/s · {:.0} fps", count(r.steps_per_s as u64), r.frames_per_s),
        None => "—/s · — fps".into(),
    };
    vec![
        Line::from(vec![
            Span::styled(format!("{:<8}", "seed"), theme.label()),
            Span::raw(format!("{} · init {init}", app.seed)),
        ]),
        Line::styled(format!("{}/frame · {rates}", count(app.steps_per_frame)), theme.label()),
    ]
}
