//! The net's panes: its data and functions (the current net, the ensemble band, the NTK-GP and
//! posterior bands, x*), the histogram of f(x*) over trained nets, and its inspector.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, GraphType, Paragraph, Wrap};

use super::super::app::{App, divergence_note};
use super::super::density::{self, DensityPlot};
use super::super::theme::{Series, Theme};
use super::super::ui::{block, count, legend, num, set};
use super::slot::{NetSlot, shown_range};
use crate::net::TrainMode;
use crate::optim::{Optimizer, Status};
use crate::theory::Normal;

/// Bands are drawn at mean ± this many sd.
const BAND_SD: f64 = 2.0;

/// The first of `titles` that fits `room` columns (else the last).
fn fit(titles: &[String], room: usize) -> String {
    titles.iter().find(|t| t.chars().count() <= room).or(titles.last()).cloned().unwrap_or_default()
}

/// The upper and lower edges of a band over `grid`, every `every`th point.
fn edges(grid: &[f64], band: impl Iterator<Item = Normal> + Clone, every: usize) -> [Vec<(f64, f64)>; 2] {
    let edge = |sign: f64| {
        grid.iter()
            .zip(band.clone())
            .step_by(every)
            .map(|(&x, d)| (x, d.mean + sign * BAND_SD * d.std))
            .filter(|p| p.1.is_finite())
            .collect()
    };
    [edge(1.0), edge(-1.0)]
}

/// The data pane on the net: points, f of the current net, the ensemble band of the nets trained
/// so far, the NTK-GP and posterior bands (mean ± 2 sd), and x*.
pub fn draw_data(app: &App, net: &NetSlot, theme: &Theme, frame: &mut Frame, area: Rect) {
    let d = &app.data;
    let [x0, x1] = shown_range(d);
    // A little room past the range, so a marker at its edge (the default x*) shows.
    let xb = [x0 - 0.03 * (x1 - x0), x1 + 0.03 * (x1 - x0)];
    let points: Vec<(f64, f64)> = d.x.iter().zip(d.y.iter()).map(|(&x, &y)| (x, y)).collect();
    let post = edges(&net.grid, net.bands.iter().map(|p| p.posterior), 1);
    let ntk = edges(&net.grid, net.bands.iter().map(|p| p.ntk_gp), 2);
    let ens_band = net.hist.band();
    let ens = ens_band.as_ref().map(|b| edges(&net.grid, b.iter().copied(), 1));
    // y: the data and the theory bands (the current net at init may be far off: it is clipped).
    let ys = d.y.iter().copied().chain(post.iter().chain(ntk.iter()).flatten().map(|p| p.1));
    let (lo, hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let pad = ((hi - lo) * 0.05).max(1e-9);
    let yb = [lo - pad, hi + pad];
    let run: Vec<(f64, f64)> = net
        .grid
        .iter()
        .zip(&net.curve)
        .map(|(&x, &y)| (x, y.clamp(yb[0], yb[1])))
        .filter(|p| p.1.is_finite())
        .collect();
    let marker = [(net.at, yb[0]), (net.at, yb[1])];
    let mut sets = vec![set(theme, &points, Series::Points, GraphType::Scatter)];
    for e in &post {
        sets.push(set(theme, e, Series::Posterior, GraphType::Line));
    }
    for e in &ntk {
        sets.push(set(theme, e, Series::Predicted, GraphType::Scatter));
    }
    if let Some(ens) = &ens {
        for e in ens {
            sets.push(set(theme, e, Series::Ensemble, GraphType::Line));
        }
    }
    sets.push(set(theme, &marker, Series::Test, GraphType::Line));
    sets.push(set(theme, &run, Series::Run, GraphType::Line));
    let wide = area.width >= 76;
    let name = |long: &'static str, short: &'static str| if wide { long } else { short }.to_string();
    let mut items = vec![(Series::Run, name("this net", "net"))];
    if ens.is_some() {
        items.push((Series::Ensemble, name("trained ±2sd", "nets")));
    }
    items.push((Series::Predicted, name("NTK-GP ±2sd", "NTK")));
    items.push((Series::Posterior, name("Bayes ±2sd", "Bayes")));
    items.push((Series::Test, "x*".into()));
    let room = area.width.saturating_sub(2) as usize;
    let s = net.spec;
    let layers = if s.train == TrainMode::All { "all layers" } else { "last layer" };
    let titles = [
        format!("Net · {} · {layers} · M={} · N={} · f(x), bands ±2sd", s.act.name(), s.width, d.n()),
        format!("Net · {} · {} · M={} · N={}", s.act.name(), s.train.name(), s.width, d.n()),
        format!("Net·{}·{}·M={}", s.act.name(), s.train.name(), s.width),
    ];
    let chart = Chart::new(sets)
        .block(block(theme, fit(&titles, room)).title_bottom(legend(theme, &items)))
        .x_axis(Axis::default().bounds(xb).style(theme.axis()).labels(vec![
            Span::raw(num(xb[0])),
            Span::raw(format!("x* {}", num(net.at))),
            Span::raw(format!("x {}", num(xb[1]))),
        ]))
        .y_axis(
            Axis::default().bounds(yb).style(theme.axis()).labels(vec![Span::raw(num(yb[0])), Span::raw(num(yb[1]))]),
        );
    frame.render_widget(chart, area);
}

/// What made the histogram's values: the optimizer, or the closed form for exact.
fn made_by(net: &NetSlot) -> String {
    match (net.hist.optimizer, net.spec.train) {
        (Optimizer::Exact, TrainMode::All) => "exact (linearized f_lin)".into(),
        (Optimizer::Exact, TrainMode::Last) => "exact projection".into(),
        (o, _) => format!("{}-trained", o.name()),
    }
}

/// The histogram of f(x*) over trained nets, with the NTK-GP and posterior densities.
pub fn draw_hist(app: &App, net: &NetSlot, theme: &Theme, frame: &mut Frame, area: Rect) {
    let hist = &net.hist;
    let (ntk, post) = (net.at_theory.ntk_gp, net.at_theory.posterior);
    let lo = (ntk.mean - 4.5 * ntk.std).min(post.mean - 4.5 * post.std);
    let hi = (ntk.mean + 4.5 * ntk.std).max(post.mean + 4.5 * post.std);
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo - 1.0, hi + 1.0) };
    let inner = Block::bordered().inner(area);
    let cols = inner.width.max(1) as usize;
    let counts = crate::theory::bin(&hist.values, [lo, hi], density::bins_for(cols));
    let peak = ntk.pdf(ntk.mean).max(post.pdf(post.mean));
    let plot = DensityPlot::new(&counts, hist.values.len(), [lo, hi], cols, peak, true);
    let (post_pts, ntk_pts) = (plot.curve(post, 1), plot.curve(ntk, 3));
    let f_now = net.stats.f_star;
    let mark = f_now.is_finite().then(|| plot.mark(f_now.clamp(lo, hi)));
    let mut sets = vec![
        set(theme, &plot.bars, Series::Bars, GraphType::Bar),
        set(theme, &post_pts, Series::Posterior, GraphType::Line),
        set(theme, &ntk_pts, Series::Predicted, GraphType::Scatter),
    ];
    if let Some(m) = &mark {
        sets.push(set(theme, m, Series::Run, GraphType::Line));
    }
    let by = made_by(net);
    let fill = if hist.filling() && app.rates.is_some() { "…" } else { "" };
    let runs = hist.values.len();
    let x = num(net.at);
    let titles: Vec<String> = match &hist.summary {
        Some(s) => {
            let (k1, k2) = (s.ks_ntk_gp.d, s.ks_posterior.d);
            vec![
                format!(
                    "f(x*={x}) of {by} nets · {runs}{fill} · {} ± {} · KS NTK-GP {k1:.3} · Bayes {k2:.3}",
                    num(s.mean),
                    num(s.std)
                ),
                format!("f(x*) · {by} · {runs}{fill} · {}±{} · KS NTK {k1:.3} Bayes {k2:.3}", num(s.mean), num(s.std)),
                format!(
                    "f(x*)·{}·{runs}{fill}·{}±{}·KS NTK {k1:.2} Bayes {k2:.2}",
                    hist.optimizer.name(),
                    num(s.mean),
                    num(s.std)
                ),
                format!("{}·{runs}{fill}·KS NTK {k1:.2} Bayes {k2:.2}", hist.optimizer.name()),
            ]
        }
        None => vec![
            format!("f(x*={x}) of {by} nets · {runs}{fill}"),
            format!("f(x*) · {} · {runs}{fill}", hist.optimizer.name()),
        ],
    };
    let room = area.width.saturating_sub(2) as usize;
    let wide = room >= 60;
    let mut items = vec![
        (Series::Predicted, if wide { "NTK-GP" } else { "NTK" }.to_string()),
        (Series::Posterior, if wide { "Bayes posterior" } else { "Bayes" }.to_string()),
    ];
    items.push((Series::Run, if f_now.is_finite() { format!("net {}", num(f_now)) } else { "net —".into() }));
    let chart = Chart::new(sets)
        .block(block(theme, fit(&titles, room)).title_bottom(legend(theme, &items)))
        .x_axis(Axis::default().bounds([lo, hi]).style(theme.axis()).labels(vec![
            Span::raw(num(lo)),
            Span::raw(format!("f(x*) {}", num((lo + hi) / 2.0))),
            Span::raw(num(hi)),
        ]))
        .y_axis(Axis::default().bounds([0.0, plot.ymax]));
    frame.render_widget(chart, area);
    let note = if let Some(e) = &hist.error {
        Some((format!("no endpoints: {e}"), theme.bad()))
    } else if hist.values.is_empty() && !hist.filling() {
        Some(("no nets: e adds some".to_string(), theme.label()))
    } else if hist.optimizer == Optimizer::Exact && net.spec.train == TrainMode::All {
        Some(("closed form: each init's linearized limit, not trained nets".to_string(), theme.label()))
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

/// The inspector on the net.
pub fn draw_inspector(app: &App, net: &NetSlot, theme: &Theme, frame: &mut Frame, area: Rect) {
    let run = &net.run;
    let n = &net.net;
    let kv = |k: &str, v: String| Line::from(vec![Span::styled(format!("{k:<8}"), theme.label()), Span::raw(v)]);
    let s = &net.stats;
    let f_now = if s.f_star.is_finite() { num(s.f_star) } else { "—".into() };
    let mut lines = vec![
        Line::from(format!("net · M {} · {} · {}", n.width, n.act.name(), n.train.name())),
        Line::from(format!("k {} · N {} · ridge {}", n.k(), n.n(), n.ridge_dim())),
        kv("optim", run.optimizer.name().to_string()),
    ];
    match (run.lr, run.lr_bound) {
        (Some(lr), Some((b, name))) => {
            let over = lr >= b;
            let bad = if over { theme.bad() } else { Style::new() };
            lines.push(Line::from(vec![
                Span::styled(format!("{:<8}", "lr"), theme.label()),
                Span::styled(format!("{lr:.3e}"), bad),
                Span::styled(if over { " ✗ unstable" } else { "" }, bad),
            ]));
            lines.push(kv(if name.starts_with("2/λmax") { "2/λmax" } else { "bound" }, format!("{b:.3e}")));
        }
        _ => lines.push(kv("lr", format!("none ({})", run.optimizer.name()))),
    }
    let label = |k: &str| Span::styled(k.to_string(), theme.label());
    lines.extend([
        Line::from(vec![label("step "), Span::raw(count(run.steps)), label(" · loss "), Span::raw(num(s.loss))]),
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
    let mut tail = crate::tui::ui::inspector_tail(app, theme, run.init_index);
    let (state, style) = match &run.status {
        Status::Diverged(_) => ("✗ diverged", theme.bad()),
        Status::Converged if run.linearized => ("✓ linearized end", theme.good()),
        Status::Converged => ("✓ converged", theme.good()),
        Status::Stalled => ("■ at rounding floor", theme.label()),
        Status::Running if app.running => ("▶ running", theme.good()),
        Status::Running => ("‖ paused", theme.label()),
    };
    let inner_w = area.width.saturating_sub(2).max(1) as usize;
    let inner_h = area.height.saturating_sub(2) as usize;
    // The seed stays: it is what reproduces the run. A message outranks the speed line.
    let msg = app.message.clone().or_else(|| divergence_note(&run.status, run.optimizer));
    if let Some(msg) = msg {
        tail.truncate(1);
        let room = inner_h.saturating_sub(lines.len() + tail.len()).max(1);
        let msg_style = if matches!(run.status, Status::Diverged(_)) { theme.bad() } else { Style::new() };
        let wrapped = super::super::ui::wrap_words(&msg, inner_w);
        lines.extend(wrapped.into_iter().take(room).map(|l| Line::styled(l, msg_style)));
    }
    lines.extend(tail);
    let title = Line::from(vec![Span::styled("Inspector ", theme.title()), Span::styled(state, style)]);
    frame.render_widget(Paragraph::new(lines).block(block(theme, title)), area);
}

/// The drift view (key p) on the net.
pub fn draw_drift(app: &App, net: &NetSlot, theme: &Theme, frame: &mut Frame, area: Rect) {
    let s = net.spec;
    let b = block(
        theme,
        format!("Drift · net M={} · {} · {} · how far θ moved from θ0", s.width, s.act.name(), s.train.name()),
    );
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if let Some(d) = &app.net_drift {
        d.render(net, inner, frame.buffer_mut(), theme);
    }
}

/// The ridge view (key v) on the net.
pub fn draw_ridge(app: &App, net: &NetSlot, theme: &Theme, frame: &mut Frame, area: Rect) {
    let s = net.spec;
    let dims = net.net.ridge_dim();
    let titles = [
        format!("Ridge · net M={} · {} · {} · loss 0 in {dims} dimensions", s.width, s.act.name(), s.train.name()),
        format!("Ridge · net M={} · {} · {} · loss 0 in {dims} dims", s.width, s.act.name(), s.train.name()),
        format!("Ridge · net · loss 0 in {dims} dims"),
    ];
    let title = fit(&titles, area.width.saturating_sub(2) as usize);
    let caption = app.net_ridge.as_ref().map(|r| r.caption()).unwrap_or_default();
    let b = block(theme, title).title_bottom(Line::from(caption).style(theme.label()));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if let Some(r) = &app.net_ridge {
        r.render(&net.run.theta, inner, frame.buffer_mut(), theme);
    }
}
