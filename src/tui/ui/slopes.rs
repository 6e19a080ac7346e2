//! The histogram pane: the lines' endpoint slopes over many inits against the posterior and
//! the predicted endpoint distribution; on the net, f(x*) over trained nets against the NTK-GP
//! and the posterior.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Chart, GraphType};

use super::density::{self, DensityPlot};
use super::theme::{Series, Theme};
use super::widgets::{block, corner_note, first_fit, legend, num, series};
use crate::model::ModelKind;
use crate::net::TrainMode;
use crate::optim::Optimizer;
use crate::theory;
use crate::tui::session::Session;
use crate::tui::session::line::LineState;
use crate::tui::session::net::NetState;

pub fn draw_line(app: &Session, slot: &LineState, theme: &Theme, frame: &mut Frame, area: Rect) {
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
        series(theme, &plot.bars, Series::Bars, GraphType::Bar),
        series(theme, &post_pts, Series::Posterior, GraphType::Line),
        series(theme, &pred_pts, Series::Predicted, GraphType::Scatter),
    ];
    for (s, seg) in &marks {
        sets.push(series(theme, seg, *s, GraphType::Line));
    }

    let opt = hist.optimizer.name();
    let how = match hist.optimizer {
        Optimizer::Gd | Optimizer::Whitened => " limit",
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
    let title = first_fit(&titles, room);
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
    } else if model.kind == ModelKind::Traditional && hist.optimizer == Optimizer::Sgd {
        Some(("constant-step SGD never settles: each step fits one point".to_string(), theme.label()))
    } else if model.kind == ModelKind::Traditional && !hist.slopes.is_empty() {
        Some(("every init ends at the MLE: a peak, not a ridge".to_string(), theme.label()))
    } else {
        None
    };
    if let Some((text, style)) = note {
        corner_note(frame, inner, text, style);
    }
}

/// What made the histogram's values: the optimizer, or the closed form for exact.
fn made_by(net: &NetState) -> String {
    match (net.hist.optimizer, net.spec.train) {
        (Optimizer::Exact, TrainMode::All) => "exact (linearized f_lin)".into(),
        (Optimizer::Exact, TrainMode::Last) => "exact projection".into(),
        (o, _) => format!("{}-trained", o.name()),
    }
}

/// The histogram of f(x*) over trained nets, with the NTK-GP and posterior densities.
pub fn draw_net(app: &Session, net: &NetState, theme: &Theme, frame: &mut Frame, area: Rect) {
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
        series(theme, &plot.bars, Series::Bars, GraphType::Bar),
        series(theme, &post_pts, Series::Posterior, GraphType::Line),
        series(theme, &ntk_pts, Series::Predicted, GraphType::Scatter),
    ];
    if let Some(m) = &mark {
        sets.push(series(theme, m, Series::Run, GraphType::Line));
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
        .block(block(theme, first_fit(&titles, room)).title_bottom(legend(theme, &items)))
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
        corner_note(frame, inner, text, style);
    }
}
