//! The histogram pane: the lines' endpoint slopes over many inits against the posterior and
//! the predicted endpoint distribution; on the net, f(x*) over trained nets against the NTK-GP
//! and the posterior.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType};

use super::density::{self, DensityPlot};
use super::theme::{Series, Theme};
use super::widgets::{
    block, corner_note, edge_arrow, first_fit, legend, mark_label, num, off_scale, series, wrap_words,
};
use crate::model::ModelKind;
use crate::net::TrainMode;
use crate::optim::Optimizer;
use crate::theory::{self, Normal};
use crate::tui::session::Session;
use crate::tui::session::line::Histogram;
use crate::tui::session::line::LineState;
use crate::tui::session::net::NetState;

/// A density pane's picture: its range, bars and curves (`sets`, built on `plot`), the title
/// that fits, the legend, the middle x label, a note where the picture needs words, and the
/// arrow of a mark past the range (left edge when true).
struct Picture<'a> {
    range: [f64; 2],
    ymax: f64,
    sets: Vec<Dataset<'a>>,
    title: String,
    items: Vec<(Series, String)>,
    mid_label: String,
    note: Option<(String, Style)>,
    arrow: Option<(bool, Series)>,
}

fn draw_picture(mut p: Picture, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [lo, hi] = p.range;
    // An off-scale mark's value is the one the picture cannot show: first in the legend.
    if let Some((_, s)) = p.arrow
        && let Some(i) = p.items.iter().position(|(x, _)| *x == s)
    {
        let item = p.items.remove(i);
        p.items.insert(0, item);
    }
    let inner = Block::bordered().inner(area);
    // A note takes the top rows of the plot for itself: the y range grows so that every bar and
    // curve (clipped at ymax) stays below it, and no caption is drawn over a curve.
    let note = p.note.map(|(text, style)| (wrap_words(&text, inner.width.saturating_sub(2) as usize), style));
    let plot_rows = inner.height.saturating_sub(2) as f64;
    let note_rows = note.as_ref().map_or(0, |(l, _)| l.len().min(3)) as f64;
    let ymax = if note_rows > 0.0 && plot_rows > note_rows + 1.0 {
        p.ymax * plot_rows / (plot_rows - note_rows)
    } else {
        p.ymax
    };
    let chart = Chart::new(p.sets)
        .block(block(theme, p.title).title_bottom(legend(theme, &p.items, area.width.saturating_sub(2) as usize)))
        .x_axis(Axis::default().bounds(p.range).style(theme.axis()).labels(vec![
            Span::raw(num(lo)),
            Span::raw(p.mid_label),
            Span::raw(num(hi)),
        ]))
        .y_axis(Axis::default().bounds([0.0, ymax]));
    frame.render_widget(chart, area);
    if let Some((lines, style)) = note {
        corner_note(frame, inner, lines.join(" "), style);
    }
    if let Some((left, s)) = p.arrow {
        edge_arrow(frame, inner, left, theme.series(s));
    }
}

/// The bars, the two theory curves (the second dotted), and each mark within the range.
fn density_sets<'a>(
    theme: &Theme,
    plot: &'a DensityPlot,
    curves: &'a [Vec<(f64, f64)>; 2],
    marks: &'a [(Series, [(f64, f64); 2])],
) -> Vec<Dataset<'a>> {
    let mut sets = vec![
        series(theme, &plot.bars, Series::Bars, GraphType::Bar),
        series(theme, &curves[0], Series::Posterior, GraphType::Line),
        series(theme, &curves[1], Series::Predicted, GraphType::Scatter),
    ];
    sets.extend(marks.iter().map(|(s, seg)| series(theme, seg, *s, GraphType::Line)));
    sets
}

/// The slopes pane's range: five spreads either side of the posterior mean, widened to show the
/// MLE, the predicted mean and the true slope when they are near (they are, on the demo).
fn line_range(post: Normal, pred: Normal, marks: impl Iterator<Item = f64>) -> [f64; 2] {
    let spread = post.std.max(pred.std);
    let (mut lo, mut hi) = (post.mean - 5.0 * spread, post.mean + 5.0 * spread);
    for v in marks {
        if (v - post.mean).abs() < 20.0 * spread {
            lo = lo.min(v - spread);
            hi = hi.max(v + spread);
        }
    }
    [lo, hi]
}

/// The histogram of endpoint slopes of a linear model over many inits, with the posterior and
/// the predicted endpoint distribution of its optimizer.
pub fn draw_line(app: &Session, slot: &LineState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (model, hist) = (&slot.model, &slot.hist);
    let post = theory::posterior(model);
    let pred = theory::endpoint_distribution(model, hist.optimizer.metric());
    let mle = theory::mle(model);
    let truth = app.common.data.is_none().then_some(app.common.slope);
    let [lo, hi] = line_range(post, pred, [Some(mle), Some(pred.mean), truth].into_iter().flatten());
    let cols = Block::bordered().inner(area).width.max(1) as usize;
    // Cached: a frame bins only the slopes that arrived since the last one.
    let counts = hist.bin_counts([lo, hi], density::bins_for(cols), None);
    let peak = post.pdf(post.mean).max(if pred.std > 0.0 { pred.pdf(pred.mean) } else { 0.0 });
    // The traditional model's single bar goes off the scale: a peak, not a ridge.
    let plot = DensityPlot::new(&counts, hist.slopes.len(), [lo, hi], cols, peak, model.kind != ModelKind::Traditional);
    let curves = [plot.curve(post, 1), plot.curve(pred, 3)];
    let run = slot.stats.slope;
    let run_in = run.is_finite().then_some(run);
    let marks: Vec<(Series, [(f64, f64); 2])> =
        [(Series::True, truth), (Series::Mle, Some(mle)), (Series::Run, run_in)]
            .into_iter()
            .filter_map(|(s, v)| v.filter(|v| (lo..=hi).contains(v)).map(|v| (s, plot.mark(v))))
            .collect();
    let room = area.width.saturating_sub(2) as usize;
    let fill = if hist.filling() && app.rates.is_some() { " filling" } else { "" };
    let run_label = mark_label("run", run, [lo, hi]);
    let wide = room >= 60;
    let mut items = vec![(Series::Posterior, if wide { "posterior" } else { "Bayes" }.to_string())];
    if pred.std > 0.0 {
        items.push((Series::Predicted, if wide { "predicted" } else { "pred" }.into()));
    }
    if truth.is_some() {
        items.push((Series::True, "true".into()));
    }
    items.extend([(Series::Mle, "MLE".into()), (Series::Run, run_label)]);
    let picture = Picture {
        range: [lo, hi],
        ymax: plot.ymax,
        sets: density_sets(theme, &plot, &curves, &marks),
        title: first_fit(&line_titles(hist, fill), room),
        items,
        mid_label: num((lo + hi) / 2.0),
        note: line_note(hist, model.kind, theme),
        arrow: off_scale(run, [lo, hi]).map(|left| (left, Series::Run)),
    };
    draw_picture(picture, theme, frame, area);
}

/// The slopes pane's titles, longest first: which optimizer made the endpoints (each init's
/// closed-form limit for gd and whitened, said in words where it fits), how many, mean ± std
/// and the KS distance to the posterior. `fill` is " filling" while the worker adds runs.
fn line_titles(hist: &Histogram, fill: &str) -> Vec<String> {
    let opt = hist.optimizer.name();
    let closed = matches!(hist.optimizer, Optimizer::Gd | Optimizer::Whitened);
    let runs = hist.slopes.len();
    let (long, short, unit) = if closed {
        (format!("closed-form ends of {opt} from {runs} inits{fill}"), format!("{opt} limit"), "inits")
    } else {
        (format!("ends of {opt} from {runs} trained runs{fill}"), opt.to_string(), "runs")
    };
    let count = format!("{runs} {unit}{fill}");
    match &hist.summary {
        Some(s) => {
            let (m, sd, ks) = (s.mean, s.std, s.ks_posterior.d);
            vec![
                format!("Slopes: {long} · {m:.4} ± {sd:.4} · KS {ks:.3}"),
                format!("Slopes: {long} · {m:.3}±{sd:.3} · KS {ks:.3}"),
                format!("Slopes: {long} · KS {ks:.3}"),
                format!("Slopes · {short} · {count} · {m:.3}±{sd:.3} · KS {ks:.3}"),
                format!("{short} · {count} · {m:.3}±{sd:.3} · KS {ks:.3}"),
                // The KS distance is what this pane is about: keep it when nothing else fits.
                format!("{short} · {count} · KS {ks:.3}"),
                format!("{short}·{count}·KS {ks:.3}"),
                format!("{opt}·KS {ks:.3}"),
            ]
        }
        None => vec![format!("Slopes: {long}"), format!("Slopes · {short} · {count}"), format!("{short} · {count}")],
    }
}

/// Words over the slopes where the picture needs them.
fn line_note(hist: &Histogram, kind: ModelKind, theme: &Theme) -> Option<(String, Style)> {
    if let Some(e) = &hist.error {
        Some((format!("no endpoints: {e}"), theme.bad()))
    } else if hist.slopes.is_empty() && !hist.filling() {
        Some(("no runs: e adds some".to_string(), theme.label()))
    } else if let Some(words) = crate::optim::sgd_note(kind, hist.optimizer) {
        // The same words as `ensemble` and `train` print.
        Some((words.to_string(), theme.label()))
    } else if kind == ModelKind::Traditional && !hist.slopes.is_empty() {
        Some(("every init ends at the MLE: a peak, not a ridge".to_string(), theme.label()))
    } else {
        None
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
    let cols = Block::bordered().inner(area).width.max(1) as usize;
    let counts = crate::theory::bin(&hist.values, [lo, hi], density::bins_for(cols));
    let peak = ntk.pdf(ntk.mean).max(post.pdf(post.mean));
    let plot = DensityPlot::new(&counts, hist.values.len(), [lo, hi], cols, peak, true);
    let curves = [plot.curve(post, 1), plot.curve(ntk, 3)];
    let f_now = net.stats.f_star;
    let shown = f_now.is_finite() && off_scale(f_now, [lo, hi]).is_none();
    let marks: Vec<_> = shown.then(|| (Series::Run, plot.mark(f_now))).into_iter().collect();
    let room = area.width.saturating_sub(2) as usize;
    let wide = room >= 60;
    let items = vec![
        (Series::Predicted, if wide { "NTK-GP" } else { "NTK" }.to_string()),
        (Series::Posterior, if wide { "Bayes posterior" } else { "Bayes" }.to_string()),
        (Series::Run, mark_label("net", f_now, [lo, hi])),
    ];
    let fill = if hist.filling() && app.rates.is_some() { " filling" } else { "" };
    let picture = Picture {
        range: [lo, hi],
        ymax: plot.ymax,
        sets: density_sets(theme, &plot, &curves, &marks),
        title: first_fit(&net_titles(net, fill), room),
        items,
        mid_label: format!("f(x*) {}", num((lo + hi) / 2.0)),
        note: net_note(net, theme),
        arrow: off_scale(f_now, [lo, hi]).map(|left| (left, Series::Run)),
    };
    draw_picture(picture, theme, frame, area);
}

/// The net's histogram titles, longest first.
fn net_titles(net: &NetState, fill: &str) -> Vec<String> {
    let hist = &net.hist;
    let (by, runs, x, opt) = (made_by(net), hist.values.len(), num(net.at), hist.optimizer.name());
    match &hist.summary {
        Some(s) => {
            let (k1, k2, mean, sd) = (s.ks_ntk_gp.d, s.ks_posterior.d, num(s.mean), num(s.std));
            vec![
                format!(
                    "f(x*={x}) of {by} nets · {runs} nets{fill} · {mean} ± {sd} · KS NTK-GP {k1:.3} · Bayes {k2:.3}"
                ),
                format!("f(x*) · {by} · {runs} nets{fill} · {mean}±{sd} · KS NTK {k1:.3} Bayes {k2:.3}"),
                format!("f(x*)·{opt}·{runs} nets{fill}·{mean}±{sd}·KS NTK {k1:.2} Bayes {k2:.2}"),
                format!("{runs} nets{fill}·{mean}±{sd}·KS NTK {k1:.2} Bayes {k2:.2}"),
                format!("{opt}·{runs} nets{fill}·KS NTK {k1:.2} Bayes {k2:.2}"),
                format!("{opt}·KS NTK {k1:.2} Bayes {k2:.2}"),
            ]
        }
        None => {
            vec![format!("f(x*={x}) of {by} nets · {runs} nets{fill}"), format!("f(x*) · {opt} · {runs} nets{fill}")]
        }
    }
}

/// Words over the net's histogram where the picture needs them.
fn net_note(net: &NetState, theme: &Theme) -> Option<(String, Style)> {
    let hist = &net.hist;
    if let Some(e) = &hist.error {
        Some((format!("no endpoints: {e}"), theme.bad()))
    } else if hist.values.is_empty() && !hist.filling() {
        Some(("no nets: e adds some".to_string(), theme.label()))
    } else if hist.optimizer == Optimizer::Exact && net.spec.train == TrainMode::All {
        Some(("closed form: each init's linearized limit, not trained nets".to_string(), theme.label()))
    } else {
        None
    }
}
