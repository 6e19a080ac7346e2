//! The risk view (key R): does it overfit? The last-layer net's expected test error against
//! its trained parameters p on log–log axes, without noise parameters (σn = 0, p = M + 1) and
//! with them (σn = σ, p = M + 1 + N), the interpolation threshold p = N, the three lines as
//! points (1, 1 + N, 1 + 100N parameters) with the traditional line's error as the floor, nets
//! trained for real (mean ± se) as the worker fills them in, and the current model marked: a
//! line's point, or the net's width on the curve of its σn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Chart, GraphType, Paragraph, Wrap};

use super::theme::{Series, Theme};
use super::widgets::{block, first_fit, legend, num, series};
use crate::model::ModelKind;
use crate::net::TrainMode;
use crate::risk::curve::{Curve, trained_params};
use crate::tui::session::Session;
use crate::tui::session::risk::{RISK_DRAWS, RISK_WIDTHS, RiskView};

/// log10, floored so that 0 stays on the chart.
fn lg(v: f64) -> f64 {
    v.max(1e-300).log10()
}

/// (log10 p, log10 mean error) of the curve at σn = `sigma`.
fn points(c: &Curve, sigma: f64) -> Vec<(f64, f64)> {
    c.rows
        .iter()
        .filter(|r| r.sigma == sigma)
        .filter_map(|r| r.closed.as_ref().map(|s| (lg(r.p as f64), lg(s.mean))))
        .filter(|p| p.1.is_finite())
        .collect()
}

/// The curve's value at log10 p `x`, linear between its points in log–log.
fn at(pts: &[(f64, f64)], x: f64) -> Option<f64> {
    let i = pts.iter().position(|p| p.0 >= x)?;
    if i == 0 || pts[i].0 == x {
        return Some(pts[i].1);
    }
    let (a, b) = (pts[i - 1], pts[i]);
    Some(a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0))
}

/// (log10 p, log10 error).
type Point = (f64, f64);

/// The trained nets' means at their p (log–log) and their ± se bars (a bar's lower end is −∞
/// when the se reaches the mean: the caller floors it).
fn trained(view: &RiskView, n: usize) -> (Vec<Point>, Vec<Vec<Point>>) {
    let mut dots = Vec::new();
    let mut bars = Vec::new();
    for p in &view.trained {
        let Some(t) = p.summary().filter(|t| t.mean.is_finite() && t.se.is_finite()) else { continue };
        let x = lg(trained_params(p.width, n, view.sigma, TrainMode::Last) as f64);
        dots.push((x, lg(t.mean)));
        if t.se > 0.0 {
            let below = if t.mean > t.se { lg(t.mean - t.se) } else { f64::MIN };
            bars.push(vec![(x, below), (x, lg(t.mean + t.se))]);
        }
    }
    (dots, bars)
}

/// The trained nets' legend item: how many so far while they fill, "± se" once done.
fn trained_label(view: &RiskView) -> String {
    // Widths the data refuses (no net) ask for nothing: their reason is the message.
    let built = || view.trained.iter().filter(|p| p.net.is_some());
    let have: usize = built().map(|p| p.errors.len()).sum();
    let want: u64 = built().map(|p| p.target.max(p.errors.len() as u64)).sum();
    if want == 0 {
        "nets: e adds".to_string()
    } else if view.filling() {
        format!("nets {have}/{want}")
    } else if view.trained.iter().any(|p| p.error.is_some()) {
        format!("nets {have} (failed)")
    } else {
        format!("{have} nets")
    }
}

pub fn draw(s: &Session, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(view) = &s.risk else { return };
    // While the widths come in, how many of them the curve has.
    let (done, all) = view.progress();
    let so_far = if view.done() { String::new() } else { format!(" {done}/{all} widths") };
    let act = view.act.name();
    let title = format!("Risk{so_far} · test error vs trained parameters p · {act}, last layer · {RISK_DRAWS} draws");
    let Some(c) = &view.curve else {
        let msg = view.error.clone().unwrap_or_else(|| "computing the closed form…".into());
        frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }).block(block(theme, title)), area);
        return;
    };
    let n = c.threshold_params;
    let zero = points(c, 0.0);
    let noisy = points(c, view.sigma);
    let errors = [c.lines.traditional.total, c.lines.slightly.total, c.lines.very.total];
    let lines: Vec<Point> = c.line_params.iter().zip(errors).map(|(&p, e)| (lg(p as f64), lg(e))).collect();
    let (dots, bars) = trained(view, n);
    let ys = zero.iter().chain(&noisy).chain(&lines).chain(&dots).map(|p| p.1);
    let tops = bars.iter().filter_map(|b| b.last()).map(|p| p.1);
    let (mut lo, mut hi) =
        ys.chain(tops).filter(|y| y.is_finite()).fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
    lo = lo.floor();
    hi = hi.ceil().max(lo + 1.0);
    // The axis holds every width from the start, so it stays put while the widths come in.
    let widest = trained_params(RISK_WIDTHS[RISK_WIDTHS.len() - 1], n, view.sigma, TrainMode::Last);
    let x1 = x_end(lines.iter().map(|p| p.0).fold(lg(widest as f64), f64::max));
    let thr = lg(n as f64);
    let threshold = vec![(thr, lo), (thr, hi)];
    let floor = vec![(0.0, lines[0].1), (x1, lines[0].1)];
    let bars: Vec<Vec<Point>> =
        bars.into_iter().map(|b| b.into_iter().map(|(x, y)| (x, y.max(lo))).collect()).collect();
    let mut sets = vec![
        series(theme, &threshold, Series::Test, GraphType::Line),
        series(theme, &floor, Series::True, GraphType::Line),
        series(theme, &zero, Series::Predicted, GraphType::Line),
        series(theme, &noisy, Series::Posterior, GraphType::Line),
    ];
    // Not |: that is the threshold's glyph, a column or two away from M = 16's bar.
    let bar_marker = if theme.plain() { Marker::Custom('!') } else { Marker::Braille };
    sets.extend(bars.iter().map(|b| series(theme, b, Series::Trained, GraphType::Line).marker(bar_marker)));
    sets.push(series(theme, &dots, Series::Trained, GraphType::Scatter));
    sets.push(series(theme, &lines, Series::Lines, GraphType::Scatter));
    let here = current(s, (n, view.sigma), &zero, &noisy, &lines);
    // ◆ in every theme (--ascii's last pass makes it *): no other series uses it.
    sets.push(series(theme, &here, Series::Run, GraphType::Scatter).marker(Marker::Custom('◆')));
    // The lines' errors in the title too, the current one marked ◀: the longest that fits.
    let mark = |k: ModelKind| if s.current == k { "◀" } else { "" };
    let (t, sl, v) = (num(errors[0]), num(errors[1]), num(errors[2]));
    let (mt, ms, mv) = (mark(ModelKind::Traditional), mark(ModelKind::Slightly), mark(ModelKind::Very));
    let mut titles = vec![
        format!("{title} · lines: traditional {t}{mt} slightly {sl}{ms} very {v}{mv}"),
        format!("Risk{so_far} vs parameters · lines: traditional {t}{mt} slightly {sl}{ms} very {v}{mv}"),
        format!("Risk{so_far} trad {t}{mt} sl {sl}{ms} very {v}{mv}"),
    ];
    if !view.done() {
        // While the widths come in on a narrow screen: the count alone rather than a cut list.
        titles.extend([format!("Risk {done}/{all} trad {t}{mt} sl {sl}{ms} very {v}{mv}"), format!("Risk{so_far}")]);
    }
    if let Some(e) = &view.error {
        // Stopped part way: what it has, and why, rather than a curve passing for whole.
        titles = vec![format!("Risk {done}/{all} widths · {e}"), format!("Risk {done}/{all} widths, stopped")];
    }
    let title = first_fit(&titles, area.width.saturating_sub(4) as usize);
    let items = [
        (Series::Predicted, "σn=0".to_string()),
        (Series::Posterior, format!("σn={}", num(view.sigma))),
        (Series::Trained, trained_label(view)),
        (Series::Lines, "lines".to_string()),
        (Series::Test, format!("p=N={n}")),
    ];
    let x_labels = [0.0, x1 / 2.0, x1].map(|x| Span::raw(format!("{:.0}", 10f64.powf(x)))).to_vec();
    let y_labels = (lo as i64..=hi as i64).map(|d| Span::raw(format!("1e{d}"))).collect::<Vec<_>>();
    let chart = Chart::new(sets)
        .block(block(theme, title).title_bottom(legend(theme, &items, area.width.saturating_sub(2) as usize)))
        .x_axis(Axis::default().bounds([0.0, x1]).style(theme.axis()).labels(x_labels))
        .y_axis(Axis::default().bounds([lo, hi]).style(theme.axis()).labels(y_labels));
    frame.render_widget(chart, area);
}

/// The x axis's end, log10 p: 2^e for the smallest even e that holds `x`, so that its three
/// labels (the only count ratatui centres exactly) are the powers of two 1, 2^(e/2), 2^e.
fn x_end(x: f64) -> f64 {
    let e = (x / 2f64.log10()).ceil().max(2.0);
    let e = e + e % 2.0;
    e * 2f64.log10()
}

/// The current model's point: a line's own, or the net's width on the curve of its σn when
/// that is one the view draws (σn = 0, or `drawn`, the view's σ).
fn current(s: &Session, (n, drawn): (usize, f64), zero: &[Point], noisy: &[Point], lines: &[Point]) -> Vec<Point> {
    let line = |i: usize| lines.get(i).map(|&p| vec![p]).unwrap_or_default();
    match s.current {
        ModelKind::Traditional => line(0),
        ModelKind::Slightly => line(1),
        ModelKind::Very => line(2),
        ModelKind::Net => {
            let Some(net) = s.net() else { return Vec::new() };
            // On the curve of its own σn, if the view draws one (not for --noise-prior ≠ 0, σ).
            let sigma = net.net.sigma;
            let curve = if sigma == 0.0 {
                zero
            } else if sigma == drawn {
                noisy
            } else {
                return Vec::new();
            };
            let x = lg(trained_params(net.spec.width, n, sigma, TrainMode::Last) as f64);
            at(curve, x).map(|y| vec![(x, y)]).unwrap_or_default()
        }
    }
}
