//! Drawing: a pure function of the `App`, generic over the backend (TestBackend in tests).
//! Every chart gets only finite, bounded data, and only as many points as its pane can show.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Clear, Dataset, GraphType, Paragraph, Wrap};

use super::app::{App, Slot, View};
use super::compare_view;
use super::density::{self, DensityPlot};
use super::history::LossHistory;
use super::keys::{Action, BINDINGS};
use super::net;
use super::panes::{self, Pane};
use super::theme::{Series, Theme};
use crate::geometry::{Segment, clip_line};
use crate::model::ModelKind;
use crate::optim::Status;
use crate::theory;

/// Below this the panes cannot show their numbers; a message says so instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;
/// Data points drawn at most (a stride through larger datasets).
const MAX_POINTS_DRAWN: usize = 2000;

/// Draws the whole explorer into `frame`.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme { color: app.color, ascii: app.ascii };
    app.screen_size.set((area.width, area.height));
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!("terminal too small: need {MIN_WIDTH}×{MIN_HEIGHT} (have {}×{})", area.width, area.height);
        let p = Paragraph::new(msg).wrap(Wrap { trim: true }).alignment(Alignment::Center);
        let y = area.height / 2;
        frame.render_widget(p, Rect { y, height: area.height - y, ..area });
        return;
    }
    let [main, footer] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);

    let slot = app.slot();
    for (pane, r) in panes::layout(app.view, app.focus, app.zoomed, main) {
        if let Some(n) = app.net_slot() {
            match (pane, app.view) {
                (Pane::Data, _) => net::draw::draw_data(app, n, &theme, frame, r),
                (Pane::View, View::Compare) => compare_view::draw(app, &theme, frame, r),
                (Pane::View, View::Drift) => net::draw::draw_drift(app, n, &theme, frame, r),
                (Pane::View, View::Ridge) => net::draw::draw_ridge(app, n, &theme, frame, r),
                (Pane::View, _) => net::draw::draw_hist(app, n, &theme, frame, r),
                (Pane::Loss, _) => draw_loss(app, &n.history, n.stats.loss, &theme, frame, r),
                (Pane::Inspector, _) => net::draw::draw_inspector(app, n, &theme, frame, r),
            }
            if pane == panes::resolve(app.view, app.focus) {
                panes::mark_focus(frame.buffer_mut(), r, &theme);
            }
            continue;
        }
        match pane {
            Pane::Data => draw_data(app, slot, &theme, frame, r),
            Pane::View => match app.view {
                View::Slopes => draw_slopes(app, slot, &theme, frame, r),
                View::Ridge => draw_ridge(slot, &theme, frame, r),
                View::Drift => draw_drift(app, slot, &theme, frame, r),
                View::Compare => compare_view::draw(app, &theme, frame, r),
            },
            Pane::Loss => draw_loss(app, &slot.history, slot.stats.loss, &theme, frame, r),
            Pane::Inspector => draw_inspector(app, slot, &theme, frame, r),
        }
        if pane == panes::resolve(app.view, app.focus) {
            panes::mark_focus(frame.buffer_mut(), r, &theme);
        }
    }
    draw_footer(&theme, frame, footer, app.current == ModelKind::Net);
    if app.help {
        draw_help(&theme, frame, area);
    }
}

/// The ridge view (key v) in the slopes pane.
fn draw_ridge(slot: &Slot, theme: &Theme, frame: &mut Frame, area: Rect) {
    let title = match slot.model.kind {
        ModelKind::Traditional => "Ridge? · traditional: one minimum".to_string(),
        _ => format!("Ridge · {} · loss 0 in {} dimensions", slot.run.optimizer.name(), slot.model.ridge_dim()),
    };
    let b = block(theme, title).title_bottom(Line::from(slot.ridge.caption()).style(theme.label()));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    slot.ridge.render(&slot.model, &slot.run.theta, inner, frame.buffer_mut(), theme);
}

/// The drift view (key p) in the slopes pane.
fn draw_drift(app: &App, slot: &Slot, theme: &Theme, frame: &mut Frame, area: Rect) {
    let b = block(theme, format!("Drift · {} · how far θ moved from θ0", slot.model.kind.name()));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if let Some(drift) = &app.drift {
        drift.render(&slot.run.theta0, &slot.run.theta, slot.model.sources, inner, frame.buffer_mut(), theme);
    }
}

pub(super) fn block<'a>(theme: &Theme, title: impl Into<Line<'a>>) -> Block<'a> {
    Block::bordered().border_style(theme.border()).title(title.into().style(theme.title()))
}

/// One series of a chart in the theme's marker and style.
pub fn set<'a>(theme: &Theme, data: &'a [(f64, f64)], s: Series, g: GraphType) -> Dataset<'a> {
    Dataset::default().data(data).marker(theme.marker(s)).graph_type(g).style(theme.series(s))
}

/// A compact number: 4 significant digits.
pub fn num(v: f64) -> String {
    crate::format::sig4(v)
}

/// A step count with thin grouping: 12,800 / 1.2M.
pub fn count(v: u64) -> String {
    match v {
        0..=99_999 => crate::format::thousands(v),
        100_000..=999_999 => format!("{:.0}k", v as f64 / 1e3),
        _ => format!("{:.2}M", v as f64 / 1e6),
    }
}

pub(super) fn legend<'a>(theme: &Theme, items: &[(Series, String)]) -> Line<'a> {
    let mut spans = vec![Span::raw(" ")];
    for (s, label) in items {
        spans.push(Span::styled(theme.symbol(*s), theme.series(*s)));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    Line::from(spans)
}

fn draw_data(app: &App, slot: &Slot, theme: &Theme, frame: &mut Frame, area: Rect) {
    let d = &app.data;
    let fold = |it: &mut dyn Iterator<Item = f64>| {
        it.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let (x0, x1) = fold(&mut d.x.iter().copied());
    let (y0, y1) = fold(&mut d.y.iter().copied());
    let pad = |lo: f64, hi: f64| {
        let p = ((hi - lo) * 0.05).max(1e-9);
        [lo - p, hi + p]
    };
    let (xb, yb) = (pad(x0.min(0.0), x1), pad(y0.min(0.0), y1.max(0.0)));
    let stride = d.n().div_ceil(MAX_POINTS_DRAWN).max(1);
    let points: Vec<(f64, f64)> = d.x.iter().zip(d.y.iter()).step_by(stride).map(|(&x, &y)| (x, y)).collect();
    let mle = theory::mle(&slot.model);
    let truth = app.common.data.is_none().then_some(app.common.slope);
    let run = slot.stats.slope;
    let lines: Vec<(Series, Option<Segment>)> = vec![
        (Series::True, truth.and_then(|t| clip_line(t, xb, yb))),
        (Series::Mle, clip_line(mle, xb, yb)),
        (Series::Run, clip_line(run, xb, yb)),
    ];
    let mut sets = vec![set(theme, &points, Series::Points, GraphType::Scatter)];
    for (s, seg) in &lines {
        if let Some(seg) = seg {
            sets.push(set(theme, seg, *s, GraphType::Line));
        }
    }
    let mut items = Vec::new();
    if let Some(t) = truth {
        items.push((Series::True, format!("true {}", num(t))));
    }
    items.push((Series::Mle, format!("MLE {}", num(mle))));
    items.push((Series::Run, format!("run {}", num(run))));
    let title = format!("Data · N={}", d.n());
    let chart = Chart::new(sets)
        .block(block(theme, title).title_bottom(legend(theme, &items)))
        .x_axis(
            Axis::default()
                .bounds(xb)
                .style(theme.axis())
                .labels(vec![Span::raw(num(xb[0])), Span::raw(format!("x {}", num(xb[1])))]),
        )
        .y_axis(
            Axis::default().bounds(yb).style(theme.axis()).labels(vec![Span::raw(num(yb[0])), Span::raw(num(yb[1]))]),
        );
    frame.render_widget(chart, area);
}

fn draw_loss(app: &App, history: &LossHistory, loss: f64, theme: &Theme, frame: &mut Frame, area: Rect) {
    let inner_w = area.width.saturating_sub(8).max(1) as usize;
    let scale = if app.log_loss { "log" } else { "linear" };
    let title = format!("Loss {} ({scale})", num(loss));
    let last = history.last().map_or(1, |(s, _)| s.max(1));
    let xb = [0.0, last as f64];
    let x_labels = vec![Span::raw("0"), Span::raw(count(last))];
    let rows = area.height.saturating_sub(3).max(2) as i64;
    let (points, yb, y_labels) = if app.log_loss {
        // Log scale without a log axis: plot log10 of the loss (saturating near zero) and
        // write the decade labels ourselves.
        let pts = history.downsample(2 * inner_w, |l| l.max(1e-300).log10());
        let (lo, hi) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.1), b.max(p.1)));
        let (mut lo, mut hi) = if lo.is_finite() { (lo.floor() as i64, hi.ceil() as i64) } else { (0, 1) };
        lo = lo.max(hi - 60);
        if hi <= lo {
            hi = lo + 1;
        }
        // A label every `step` decades, at most one per two rows; the range is widened to a whole
        // number of steps so the evenly spaced labels sit exactly on decades.
        let step = ((hi - lo) / (rows / 2).max(1) + 1).max(1);
        let n = (hi - lo + step - 1) / step;
        hi = lo + n * step;
        let labels = (0..=n).map(|i| Span::raw(format!("1e{}", lo + i * step))).collect();
        (pts, [lo as f64, hi as f64], labels)
    } else {
        let pts = history.downsample(2 * inner_w, |l| l);
        let hi = pts.iter().fold(0.0f64, |a, p| a.max(p.1)).max(1e-300) * 1.05;
        let labels = vec![Span::raw("0"), Span::raw(num(hi / 2.0)), Span::raw(num(hi))];
        (pts, [0.0, hi], labels)
    };
    let sets = vec![set(theme, &points, Series::Run, GraphType::Line)];
    let chart = Chart::new(sets)
        .block(block(theme, title))
        .x_axis(Axis::default().bounds(xb).style(theme.axis()).labels(x_labels))
        .y_axis(Axis::default().bounds(yb).style(theme.axis()).labels(y_labels));
    frame.render_widget(chart, area);
}

fn draw_slopes(app: &App, slot: &Slot, theme: &Theme, frame: &mut Frame, area: Rect) {
    let model = &slot.model;
    let hist = &slot.hist;
    let post = theory::posterior(model);
    let pred = theory::endpoint_distribution(model, hist.optimizer.metric());
    let mle = theory::mle(model);
    let truth = app.common.data.is_none().then_some(app.common.slope);
    let spread = post.std.max(pred.std);
    let (mut lo, mut hi) = (post.mean - 5.0 * spread, post.mean + 5.0 * spread);
    for v in [Some(mle), Some(pred.mean), truth].into_iter().flatten() {
        // Widen to show the MLE and the true slope when they are near (they are, on the demo).
        if (v - post.mean).abs() < 20.0 * spread {
            lo = lo.min(v - spread);
            hi = hi.max(v + spread);
        }
    }
    let inner = Block::bordered().inner(area);
    let cols = inner.width.max(1) as usize;
    // Cached: a frame bins only the slopes that arrived since the last one.
    let counts = hist.bin_counts([lo, hi], density::bins_for(cols), None);
    let peak = post.pdf(post.mean).max(if pred.std > 0.0 { pred.pdf(pred.mean) } else { 0.0 });
    // The traditional model's single bar goes off the scale: a peak, not a ridge.
    let plot = DensityPlot::new(&counts, hist.slopes.len(), [lo, hi], cols, peak, model.kind != ModelKind::Traditional);
    let (post_pts, pred_pts) = (plot.curve(post, 1), plot.curve(pred, 3));
    let run = slot.stats.slope;
    let run_in = run.is_finite().then(|| run.clamp(lo, hi));
    let marks: Vec<(Series, [(f64, f64); 2])> =
        [(Series::True, truth), (Series::Mle, Some(mle)), (Series::Run, run_in)]
            .into_iter()
            .filter_map(|(s, v)| v.filter(|v| (lo..=hi).contains(v)).map(|v| (s, plot.mark(v))))
            .collect();

    let mut sets = vec![
        set(theme, &plot.bars, Series::Bars, GraphType::Bar),
        set(theme, &post_pts, Series::Posterior, GraphType::Line),
        set(theme, &pred_pts, Series::Predicted, GraphType::Scatter),
    ];
    for (s, seg) in &marks {
        sets.push(set(theme, seg, *s, GraphType::Line));
    }

    let opt = hist.optimizer.name();
    let how = match hist.optimizer {
        crate::optim::Optimizer::Gd | crate::optim::Optimizer::Whitened => " limit",
        _ => "",
    };
    // The longest title that fits: which optimizer made the endpoints, how many, mean ± std
    // and the KS distance to the posterior.
    let fill = if hist.filling() && app.rates.is_some() { "…" } else { "" };
    let runs = hist.slopes.len();
    let titles: Vec<String> = match &hist.summary {
        Some(s) => vec![
            format!(
                "Slopes: endpoints of {opt}{how} · {runs}{fill} runs · {:.4} ± {:.4} · KS {:.3}",
                s.mean, s.std, s.ks_posterior.d
            ),
            format!(
                "Slopes · {opt}{how} · {runs}{fill} runs · {:.3}±{:.3} · KS {:.3}",
                s.mean, s.std, s.ks_posterior.d
            ),
            format!("Slopes · {opt}{how} · {runs}{fill} · {:.3}±{:.3} · KS {:.2}", s.mean, s.std, s.ks_posterior.d),
            format!("Slopes·{opt}{how}·{runs}{fill} runs·{:.3}±{:.3}·KS {:.3}", s.mean, s.std, s.ks_posterior.d),
            // The KS distance is what this pane is about: keep it when nothing else fits.
            format!("Slopes·{opt}{how}·{runs}{fill}·KS {:.3}", s.ks_posterior.d),
            format!("{opt}·KS {:.3}", s.ks_posterior.d),
        ],
        None => vec![
            format!("Slopes: endpoints of {opt}{how} · {runs}{fill} runs"),
            format!("Slopes · {opt}{how} · {runs}{fill} runs"),
        ],
    };
    let room = area.width.saturating_sub(2) as usize;
    let title = titles.iter().find(|t| t.chars().count() <= room).unwrap_or(&titles[titles.len() - 1]).clone();
    let run_label = match run {
        r if !r.is_finite() => "run —".to_string(),
        r if r < lo => format!("◀run {}", num(r)),
        r if r > hi => format!("run {}▶", num(r)),
        r => format!("run {}", num(r)),
    };
    let wide = room >= 60;
    let mut items = vec![(Series::Posterior, if wide { "posterior" } else { "Bayes" }.to_string())];
    if pred.std > 0.0 {
        items.push((Series::Predicted, if wide { "predicted" } else { "pred" }.into()));
    }
    if truth.is_some() {
        items.push((Series::True, "true".into()));
    }
    items.push((Series::Mle, "MLE".into()));
    items.push((Series::Run, run_label));
    let chart = Chart::new(sets)
        .block(block(theme, title).title_bottom(legend(theme, &items)))
        .x_axis(Axis::default().bounds([lo, hi]).style(theme.axis()).labels(vec![
            Span::raw(num(lo)),
            Span::raw(num((lo + hi) / 2.0)),
            Span::raw(num(hi)),
        ]))
        .y_axis(Axis::default().bounds([0.0, plot.ymax]));
    frame.render_widget(chart, area);

    // A note over the plot where the picture needs words.
    let note = if let Some(e) = &hist.error {
        Some((format!("no endpoints: {e}"), theme.bad()))
    } else if hist.slopes.is_empty() && !hist.filling() {
        Some(("no runs: e adds some".to_string(), theme.label()))
    } else if model.kind == ModelKind::Traditional && hist.optimizer == crate::optim::Optimizer::Sgd {
        Some(("constant-step SGD never settles: each step fits one point".to_string(), theme.label()))
    } else if model.kind == ModelKind::Traditional && !hist.slopes.is_empty() {
        Some(("every init ends at the MLE: a peak, not a ridge".to_string(), theme.label()))
    } else {
        None
    };
    if let Some((text, style)) = note {
        let r = Rect { x: inner.x + 1, y: inner.y, width: inner.width.saturating_sub(2), height: inner.height.min(3) };
        frame.render_widget(
            Paragraph::new(Span::styled(text, style)).wrap(Wrap { trim: true }).alignment(Alignment::Right),
            r,
        );
    }
}

fn draw_inspector(app: &App, slot: &Slot, theme: &Theme, frame: &mut Frame, area: Rect) {
    let run = &slot.run;
    let m = &slot.model;
    let kv = |k: &str, v: String| Line::from(vec![Span::styled(format!("{k:<8}"), theme.label()), Span::raw(v)]);
    let (lr, bound) = app.lr_and_bound();
    let mut lines = vec![
        kv("model", m.kind.name().to_string()),
        Line::from(format!("k {} · N {} · ridge {}", m.k(), m.n(), m.ridge_dim())),
        kv("optim", app.optimizer.name().to_string()),
    ];
    match (lr, bound) {
        (Some(lr), Some((b, name))) => {
            let over = lr >= b;
            let bad = if over { theme.bad() } else { Style::new() };
            // SGD's rate is a factor on the Kaczmarz step 1/|∇f_n|², stable below 2.
            let sgd = app.optimizer == crate::optim::Optimizer::Sgd;
            lines.push(Line::from(vec![
                Span::styled(format!("{:<8}", if sgd { "step ×" } else { "lr" }), theme.label()),
                Span::styled(format!("{lr:.3e}"), bad),
                Span::styled(if over { " ✗ unstable" } else { "" }, bad),
            ]));
            let name = if sgd { "bound" } else { name.split(' ').next().unwrap_or(name) };
            lines.push(kv(name, format!("{b:.3e}")));
        }
        _ => lines.push(kv("lr", format!("none ({})", app.optimizer.name()))),
    }
    lines.push(kv("step", count(run.steps)));
    lines.push(kv("loss", num(slot.stats.loss)));
    lines.push(kv("slope", num(slot.stats.slope)));
    lines.push(Line::from(vec![Span::styled("|θ−θ0|/|θ0| ", theme.label()), Span::raw(num(slot.stats.rel_change))]));
    lines.push(kv("|∇L|", num(slot.stats.grad)));
    // Both KS distances of the histogram: against the posterior, and against the predicted
    // endpoint distribution of its optimizer (whitened GD closes the gap between them).
    if let Some(sum) = &slot.hist.summary {
        lines.push(Line::from(vec![
            Span::styled("KS ", theme.label()),
            Span::raw(format!("post {:.3} · pred {:.3}", sum.ks_posterior.d, sum.ks_gd_endpoint.d)),
        ]));
    }
    let mut tail = inspector_tail(app, theme, run.init_index);
    let (state, style) = match &run.status {
        Status::Diverged(_) => ("✗ diverged", theme.bad()),
        Status::Converged => ("✓ converged", theme.good()),
        Status::Stalled => ("■ at rounding floor", theme.label()),
        Status::Running if app.running => ("▶ running", theme.good()),
        Status::Running => ("‖ paused", theme.label()),
    };
    let inner_w = area.width.saturating_sub(2).max(1) as usize;
    let inner_h = area.height.saturating_sub(2) as usize;
    // The message (why a run stopped) outranks the seed and speed lines when space is short.
    let msg = app.message.clone().or_else(|| slot.divergence_note());
    if let Some(msg) = msg {
        let wrapped = wrap_words(&msg, inner_w);
        let room = inner_h.saturating_sub(lines.len()).max(1);
        let keep_tail = room.saturating_sub(wrapped.len()).min(tail.len());
        let msg_style = if slot.diverged().is_some() { theme.bad() } else { Style::new() };
        lines.extend(wrapped.into_iter().take(room - keep_tail).map(|l| Line::styled(l, msg_style)));
        tail.truncate(keep_tail);
    }
    lines.extend(tail);
    let title = Line::from(vec![Span::styled("Inspector ", theme.title()), Span::styled(state, style)]);
    frame.render_widget(Paragraph::new(lines).block(block(theme, title)), area);
}

/// `text` in lines of at most `width` characters, broken between words (a word longer than a
/// line is cut).
pub(super) fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let (n, used) = (word.chars().count(), line.chars().count());
        if used > 0 && used + 1 + n <= width {
            line.push(' ');
            line.push_str(word);
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
        }
        let chars: Vec<char> = word.chars().collect();
        let mut pieces = chars.chunks(width).map(|c| c.iter().collect::<String>()).peekable();
        while let Some(piece) = pieces.next() {
            if pieces.peek().is_some() {
                lines.push(piece);
            } else {
                line = piece;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The inspector's last lines, for every model: seed and init, then stepping and drawing speed.
pub(super) fn inspector_tail(app: &App, theme: &Theme, init: u64) -> Vec<Line<'static>> {
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

/// The footer: help and quit always, then as many keys as fit in table order; the net's own
/// keys (after `m model` in the table) only while the net is current.
fn draw_footer(theme: &Theme, frame: &mut Frame, area: Rect, net: bool) {
    let item = |b: &super::keys::Binding| -> Vec<Span<'static>> {
        let key = b.key_label.split(' ').next().unwrap_or(b.key_label);
        vec![Span::styled(key.to_string(), theme.key()), Span::raw(format!(" {}  ", b.footer.unwrap_or("")))]
    };
    let width = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    // Help and quit always show; the rest fill the line in table order.
    let fixed: Vec<Span> =
        BINDINGS.iter().filter(|b| matches!(b.action, Action::Help | Action::Quit)).flat_map(item).collect();
    let mut spans: Vec<Span> = Vec::new();
    let budget = (area.width as usize).saturating_sub(width(&fixed));
    let shown = |b: &&super::keys::Binding| {
        b.footer.is_some() && !matches!(b.action, Action::Help | Action::Quit) && (net || !b.action.net_only())
    };
    for b in BINDINGS.iter().filter(shown) {
        let s = item(b);
        if width(&spans) + width(&s) > budget {
            break;
        }
        spans.extend(s);
    }
    spans.extend(fixed);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_help(theme: &Theme, frame: &mut Frame, area: Rect) {
    // One column when every key fits; else two, with the descriptions cut to fit.
    let one_col = BINDINGS.len() as u16 + 2 <= area.height;
    let cols = if one_col { 1 } else { 2 };
    let rows = BINDINGS.len().div_ceil(cols);
    let w = if one_col { 70.min(area.width.saturating_sub(2)) } else { area.width };
    let h = (rows as u16 + 2).min(area.height);
    let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
    let col_w = (w.saturating_sub(2) as usize / cols).max(1);
    let entry = |b: &super::keys::Binding| -> Vec<Span<'static>> {
        let key = format!(" {:<9} ", b.key_label);
        let room = col_w.saturating_sub(key.chars().count() + 1);
        let mut help: String = b.help.chars().take(room).collect();
        if b.help.chars().count() > room && room > 0 {
            help.pop();
            help.push('…');
        }
        let pad = col_w.saturating_sub(key.chars().count() + help.chars().count());
        vec![Span::styled(key, theme.key()), Span::raw(format!("{help}{}", " ".repeat(pad)))]
    };
    let lines: Vec<Line> = (0..rows)
        .map(|i| Line::from((0..cols).filter_map(|c| BINDINGS.get(c * rows + i)).flat_map(entry).collect::<Vec<_>>()))
        .collect();
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(lines).block(block(theme, "Keys (? or Esc closes)")), r);
}

#[cfg(test)]
mod tests {
    use super::wrap_words;

    #[test]
    fn wrap_words_breaks_between_words_and_cuts_only_long_ones() {
        assert_eq!(
            wrap_words("M 32 · relu · last: restarted (seed 42, init 0)", 28),
            ["M 32 · relu · last:", "restarted (seed 42, init 0)"]
        );
        assert_eq!(wrap_words("abcdefghij xy", 4), ["abcd", "efgh", "ij", "xy"]);
        assert_eq!(wrap_words("", 5), [""]);
        assert!(wrap_words("a b c d e f", 3).iter().all(|l| l.chars().count() <= 3));
    }
}
