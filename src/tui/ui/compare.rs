//! The compare view (key C): every model's histogram of endpoints as small multiples on one
//! shared axis, the prediction f(x*) at the test point x*, each with its own theory curves.
//! Adding a model is one entry in `session::COMPARED` (and its arm in `crate::predict`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Block, Chart, GraphType, Paragraph};

use super::density::{self, DensityPlot};
use super::theme::{Series, Theme};
use super::widgets::{edge_arrow, first_fit, legend, mark_label, num, off_scale, series, words_in};
use crate::predict::{self, AtPoint};
use crate::tui::session::line::LineState;
use crate::tui::session::net::NetState;
use crate::tui::session::{COMPARED, Session};

/// One small multiple: a model's endpoints at x* and its theory there.
struct Panel<'a> {
    name: &'static str,
    /// Where f(x*) of each finished run comes from.
    values: Values<'a>,
    theory: AtPoint,
    /// mean and sd of f(x*), and the KS distance to the posterior.
    summary: Option<(f64, f64, f64)>,
    error: Option<&'a str>,
    filling: bool,
}

/// A panel's endpoints: a linear model's slopes (binned at x* through the histogram's cache, so
/// a frame costs only the runs that arrived since the last), or the nets' f(x*) as they are.
enum Values<'a> {
    Linear(&'a LineState),
    Net(&'a [f64]),
}

impl Values<'_> {
    fn len(&self) -> usize {
        match self {
            Values::Linear(slot) => slot.hist.slopes.len(),
            Values::Net(v) => v.len(),
        }
    }
    /// Counts in `bins` equal bins over `range` of f at x.
    fn bin_counts(&self, range: [f64; 2], bins: usize, x: f64) -> Vec<u64> {
        match self {
            Values::Linear(slot) => slot.hist.bin_counts(range, bins, Some((slot.model.kind, x))),
            Values::Net(v) => crate::theory::bin(v, range, bins),
        }
    }
}

impl<'a> Panel<'a> {
    /// A linear model's panel: its slopes mapped to x* (`predict::endpoint_at`). KS is unchanged
    /// by the map to x*, so the histogram's own figure is shown.
    fn linear(slot: &'a LineState, x: f64) -> Panel<'a> {
        let (hist, kind) = (&slot.hist, slot.model.kind);
        Panel {
            name: kind.name(),
            values: Values::Linear(slot),
            theory: predict::theory_at(&slot.model, hist.optimizer.metric(), x),
            summary: hist.summary.as_ref().map(|s| {
                (predict::endpoint_at(kind, s.mean, x), predict::endpoint_at(kind, s.std, x).abs(), s.ks_posterior.d)
            }),
            error: hist.error.as_deref(),
            filling: hist.filling(),
        }
    }

    /// The net's panel: f at the same x* of the nets its histogram trained.
    fn net(net: &'a NetState) -> Panel<'a> {
        let hist = &net.hist;
        Panel {
            name: "net",
            values: Values::Net(&hist.compare_values),
            theory: predict::net_theory_at(&net.cmp_theory),
            summary: hist.compare_summary.as_ref().map(|s| (s.mean, s.std, s.ks_posterior.d)),
            error: hist.error.as_deref(),
            filling: hist.filling(),
        }
    }

    /// The longest title that fits `room`: the model, the count, mean ± sd and KS against the
    /// posterior.
    fn title(&self, room: usize, filling: bool) -> String {
        let name = self.name;
        let runs = self.values.len();
        let fill = if filling { " filling" } else { "" };
        let titles: Vec<String> = match (self.error, self.summary) {
            (Some(e), _) => vec![format!("{name} · no endpoints: {e}"), format!("{name} · no endpoints")],
            (None, Some((m, sd, ks))) => vec![
                format!("{name} · {runs} runs{fill} · mean {} ± sd {} · KS {ks:.3}", num(m), num(sd)),
                format!("{name} · {runs} runs{fill} · {} ± {} · KS {ks:.3}", num(m), num(sd)),
                format!("{name}·{runs} runs{fill}·{}±{}·KS {ks:.3}", num(m), num(sd)),
                format!("{name}·{runs} runs{fill}·KS {ks:.3}"),
                format!("{name}·KS {ks:.3}"),
            ],
            (None, None) => vec![format!("{name} · {runs} runs{fill}"), name.to_string()],
        };
        first_fit(&titles, room)
    }
}

/// Draws the compare view into `area`.
pub fn draw(app: &Session, theme: &Theme, frame: &mut Frame, area: Rect) {
    let x = predict::test_point(&app.data);
    let mut panels: Vec<Panel> = COMPARED.iter().filter_map(|&k| app.line_of(k)).map(|s| Panel::linear(s, x)).collect();
    if let Some(net) = app.net_shown() {
        panels.push(Panel::net(net));
    }
    let truth = app.common.data.is_none().then_some(app.common.slope * x);
    let room = area.width.saturating_sub(2) as usize;
    let opt = app.optimizer.name();
    let titles = [
        format!("Compare · axis: prediction f(x*) = c·x* at x* = {}, the data's far end · {opt}", num(x)),
        format!("Compare · axis: f(x*) = c·x* at x* = {} · {opt}", num(x)),
        format!("Compare · f(x*) at x* = {} · {opt}", num(x)),
        format!("f(x*), x* = {}", num(x)),
    ];
    let title = first_fit(&titles, room);
    // Short names when the legend would not fit.
    let wide = room >= 64;
    let name = |long: &'static str, short: &'static str| if wide { long } else { short }.to_string();
    let mut items = vec![
        (Series::Bars, name("endpoints", "runs")),
        (Series::Posterior, name("posterior", "Bayes")),
        (Series::Predicted, name("predicted", "pred")),
    ];
    if truth.is_some() {
        items.push((Series::True, "true".into()));
    }
    items.push((Series::Mle, "MLE".into()));
    let outer = Block::bordered()
        .border_style(theme.border())
        .title(Line::from(title).style(theme.title()))
        .title_bottom(legend(theme, &items, area.width.saturating_sub(2) as usize));
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    if panels.is_empty() || inner.height < panels.len() as u16 + 1 {
        return;
    }
    let theories: Vec<_> = panels.iter().map(|p| p.theory).collect();
    let range = predict::shared_range(&theories, truth);
    // One row of shared axis labels under the panels; the panels split the rest and keep the
    // same columns, so one x is one column in every panel.
    let n = panels.len() as u16;
    let body = inner.height - 1;
    let mut y = inner.y;
    for (i, p) in panels.iter().enumerate() {
        let h = body / n + u16::from((i as u16) < body % n);
        let r = Rect { x: inner.x, y, width: inner.width, height: h };
        let filling = p.filling && app.rates.is_some();
        draw_panel(p, range, truth, filling, theme, frame, r);
        y += h;
    }
    let labels = Rect { x: inner.x, y: inner.bottom() - 1, width: inner.width, height: 1 };
    draw_axis_labels(range, theme, frame, labels);
}

/// lo at the left edge, the middle value (named f(x*)) centred, hi at the right edge.
fn draw_axis_labels([lo, hi]: [f64; 2], theme: &Theme, frame: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let (left, mid, right) = (num(lo), format!("f(x*) {}", num((lo + hi) / 2.0)), num(hi));
    let mut row: Vec<char> = vec![' '; w];
    let mut put = |at: usize, text: &str| {
        for (i, c) in text.chars().enumerate() {
            if let Some(slot) = row.get_mut(at + i) {
                *slot = c;
            }
        }
    };
    let mid_len = mid.chars().count();
    if w >= left.chars().count() + mid_len + right.chars().count() + 4 {
        put((w - mid_len) / 2, &mid);
    }
    put(0, &left);
    put(w.saturating_sub(right.chars().count()), &right);
    let text: String = row.into_iter().collect();
    frame.render_widget(Paragraph::new(Line::styled(text, theme.axis())), area);
}

fn draw_panel(
    p: &Panel,
    [lo, hi]: [f64; 2],
    truth: Option<f64>,
    filling: bool,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    if area.height == 0 {
        return;
    }
    // The rule for off-scale marks: an arrow at the edge, the value said (here in the panel's
    // title, its legend), first.
    let off: Vec<(bool, Series, String)> = [(Series::True, truth, "true"), (Series::Mle, Some(p.theory.mle), "MLE")]
        .into_iter()
        .filter_map(|(s, v, name)| {
            let v = v.filter(|v| v.is_finite())?;
            off_scale(v, [lo, hi]).map(|left| (left, s, mark_label(name, v, [lo, hi])))
        })
        .collect();
    let said = off.iter().map(|(_, _, l)| l.as_str()).collect::<Vec<_>>().join(" ");
    let w = area.width as usize;
    let title = if said.is_empty() {
        p.title(w, filling)
    } else {
        let rest = p.title(w.saturating_sub(said.chars().count() + 3), filling);
        if rest.is_empty() { words_in(&said, w) } else { format!("{said} · {rest}") }
    };
    frame.render_widget(Paragraph::new(Line::styled(title, theme.title())), Rect { height: 1, ..area });
    let chart_area = Rect { y: area.y + 1, height: area.height - 1, ..area };
    if chart_area.height == 0 {
        return;
    }
    let (post, pred) = (p.theory.posterior, p.theory.predicted);
    let cols = chart_area.width.max(1) as usize;
    let counts = p.values.bin_counts([lo, hi], density::bins_for(cols), p.theory.x);
    let peak = post.pdf(post.mean).max(if pred.std > 0.0 { pred.pdf(pred.mean) } else { 0.0 });
    // A ridge's histogram may stand above its curve; a peak (the traditional model) is clipped.
    let plot = DensityPlot::new(&counts, p.values.len(), [lo, hi], cols, peak, pred.std > 0.0);
    let (post_pts, pred_pts) = (plot.curve(post, 1), plot.curve(pred, 3));
    let marks: Vec<(Series, [(f64, f64); 2])> = [(Series::True, truth), (Series::Mle, Some(p.theory.mle))]
        .into_iter()
        .filter_map(|(s, v)| v.filter(|v| (lo..=hi).contains(v)).map(|v| (s, plot.mark(v))))
        .collect();
    let mut sets = vec![
        series(theme, &plot.bars, Series::Bars, GraphType::Bar),
        series(theme, &post_pts, Series::Posterior, GraphType::Line),
        series(theme, &pred_pts, Series::Predicted, GraphType::Scatter),
    ];
    // A point mass (the traditional model's endpoints) has no curve: its MLE mark is the prediction.
    for (s, seg) in &marks {
        sets.push(series(theme, seg, *s, GraphType::Line));
    }
    let chart =
        Chart::new(sets).x_axis(Axis::default().bounds([lo, hi])).y_axis(Axis::default().bounds([0.0, plot.ymax]));
    frame.render_widget(chart, chart_area);
    for (left, s, _) in off {
        edge_arrow(frame, chart_area, left, theme.series(s));
    }
}
