//! The drift views (key p): how little the parameters move. For the lines, the histogram of
//! the noise parameters' changes θ − θ0 of the current run, |θ−θ0|/|θ0|, and the sweep over
//! the number of sources M with its fitted power law; for the net, its width sweep.

use ndarray::{Array1, ArrayView1};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use super::theme::Theme;
use super::widgets::{block, first_fit, fit_items, table, wrap_words};
use crate::format::{sig4, thousands};
use crate::ridge;
use crate::tui::session::Session;
use crate::tui::session::drift::DriftView;
use crate::tui::session::line::LineState;
use crate::tui::session::net::NetState;
use crate::tui::session::net_drift::{NetDrift, SWEEP_WIDTHS};
use ratatui::Frame;

/// Draws the linear run's drift view: θ0 → θ now, and the sweep.
pub fn render_line(
    view: &DriftView,
    theta0: &Array1<f64>,
    theta: &Array1<f64>,
    sources_per_point: usize,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    if area.width < 20 || area.height < 4 {
        return;
    }
    let style = |c: Color| if theme.color { Style::new().fg(c) } else { Style::new() };
    let w = area.width as usize;
    let d = ridge::drift(theta0, theta);
    let delta = theta - theta0;
    let head = [
        format!("|θ−θ0|/|θ0| {}", sig4(d.rel_change)),
        format!("max |Δξ| {}", sig4(d.max_change)),
        format!("|Δc| {}", sig4(d.slope_change)),
    ];
    buf.set_stringn(area.x, area.y, fit_items(&head, " · ", w), w, style(Color::White));
    let table_h = if area.height >= 10 { view.rows.len() as u16 + 2 } else { 0 };
    let hist = Rect { y: area.y + 1, height: area.height.saturating_sub(1 + table_h), ..area };
    if theta.len() > 1 && hist.height >= 3 {
        // Only the noise parameters: c is reported on its own line.
        render_histogram(delta.slice(ndarray::s![1..]), sources_per_point, hist, buf, theme);
    } else if hist.height >= 1 {
        buf.set_stringn(hist.x, hist.y, "traditional: only c, which must move to fit the data", w, Style::new());
    }
    if table_h > 0 {
        let y0 = area.y + area.height - table_h;
        let rows: Vec<Vec<String>> = view
            .rows
            .iter()
            .map(|r| vec![r.sources.to_string(), thousands(r.k as u64), sig4(r.rel_change), sig4(r.max_change)])
            .collect();
        let lines = table(&["M", "k (very)", "|θ−θ0|/|θ0|", "max |Δξ|"], &rows, w);
        for (i, line) in lines.into_iter().enumerate() {
            let note = if i == 0 { "   GD's θ* from this init" } else { "" };
            let line = if line.chars().count() + note.chars().count() <= w { format!("{line}{note}") } else { line };
            buf.set_stringn(area.x, y0 + i as u16, line, w, style(if i == 0 { Color::Gray } else { Color::Reset }));
        }
        let fit = view.exponent.map_or("—".into(), |e| {
            first_fit(
                &[
                    format!("|θ−θ0|/|θ0| ∝ M^{e:.2}, theory M^-0.5: more parameters, each moves less"),
                    format!("|θ−θ0|/|θ0| ∝ M^{e:.2}, theory M^-0.5"),
                    format!("∝ M^{e:.2} (theory M^-0.5)"),
                ],
                w,
            )
        });
        buf.set_stringn(area.x, y0 + 1 + view.rows.len() as u16, fit, w, style(Color::LightCyan));
    }
}

/// Bars of the noise parameters' changes Δξ, with their range underneath.
fn render_histogram(dxi: ArrayView1<f64>, sources_per_point: usize, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let bins = (area.width as usize).max(1);
    let (counts, lo, hi) = ridge::change_histogram(dxi, bins);
    let plot_h = area.height.saturating_sub(1) as usize;
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let eighths = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let bar_style = if theme.color { Style::new().fg(Color::Blue) } else { Style::new() };
    for (i, &c) in counts.iter().enumerate() {
        let height = c as f64 / top * plot_h as f64;
        let full = height.floor() as usize;
        for row in 0..plot_h {
            let y = area.y + (plot_h - 1 - row) as u16;
            let ch = if row < full {
                if theme.ascii { '#' } else { '█' }
            } else if row == full && height - full as f64 > 0.125 && c > 0 {
                if theme.ascii { '#' } else { eighths[((height - full as f64) * 8.0) as usize % 8] }
            } else {
                continue;
            };
            if let Some(cell) = buf.cell_mut((area.x + i as u16, y)) {
                cell.set_char(ch).set_style(bar_style);
            }
        }
    }
    // Every source of one point gets the same gradient, so they all move by the same amount.
    let range = format!("Δξ {} to {}", sig4(lo), sig4(hi));
    let axis = if sources_per_point > 1 {
        first_fit(&[format!("{range}; a point's {sources_per_point} ξ move as one"), range], area.width as usize)
    } else {
        first_fit(&[format!("{range} over {} ξ", thousands(dxi.len() as u64)), range], area.width as usize)
    };
    buf.set_stringn(area.x, area.y + area.height - 1, axis, area.width as usize, Style::new());
}

/// The per-parameter change of the current run, and the sweep's table.
pub fn render_net(drift: &NetDrift, net: &NetState, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.width < 20 || area.height < 4 {
        return;
    }
    let style = |c: Color| if theme.color { Style::new().fg(c) } else { Style::new() };
    let w = area.width as usize;
    let (th0, th) = (&net.run.theta0, &net.run.theta);
    let trained: Vec<f64> =
        (0..th.len()).filter(|&i| net.net.is_trained(i)).map(|i| th[i] - th0[i]).filter(|v| v.is_finite()).collect();
    let max = trained.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let head = [
        format!("|θ−θ0|/|θ0| {}", sig4(net.stats.rel_change)),
        format!("kernel Δ {}", sig4(net.stats.kernel_change)),
        format!("max |Δθ| {} over {} trained", sig4(max), thousands(trained.len() as u64)),
    ];
    buf.set_stringn(area.x, area.y, fit_items(&head, " · ", w), w, style(Color::White));
    let table_h = if area.height >= 10 { SWEEP_WIDTHS.len() as u16 + 2 } else { 0 };
    let hist = Rect { y: area.y + 1, height: area.height.saturating_sub(1 + table_h), ..area };
    if hist.height >= 3 {
        net_histogram(&trained, hist, buf, theme);
    }
    if table_h == 0 {
        return;
    }
    let y0 = area.y + area.height - table_h;
    let rows: Vec<Vec<String>> = SWEEP_WIDTHS
        .iter()
        .enumerate()
        .map(|(i, &width)| match drift.rows.get(i) {
            Some(r) => vec![
                r.width.to_string(),
                thousands(r.k as u64),
                sig4(r.rel_change),
                sig4(r.theory),
                sig4(r.kernel_change),
                if r.converged { String::new() } else { "(step cap)".into() },
            ],
            None if i == drift.rows.len() && drift.error.is_none() => vec![width.to_string(), "training".into()],
            None => vec![width.to_string()],
        })
        .collect();
    let lines = table(&["M", "k", "|θ−θ0|/|θ0|", "theory", "kernel Δ", ""], &rows, w);
    for (i, line) in lines.into_iter().enumerate() {
        let note = if i == 0 { "   GD from this init" } else { "" };
        let line = if line.chars().count() + note.chars().count() <= w { format!("{line}{note}") } else { line };
        buf.set_stringn(area.x, y0 + i as u16, line, w, style(if i == 0 { Color::Gray } else { Color::Reset }));
    }
    let fit = match (&drift.error, drift.exponents()) {
        (Some(e), _) => wrap_words(&format!("sweep stopped: {e}"), w).swap_remove(0),
        (None, Some((a, b))) if drift.done() => first_fit(
            &[
                format!(
                    "|θ−θ0|/|θ0| ∝ M^{a:.2} (theory -0.5), kernel Δ ∝ M^{b:.2} (theory O(M^-0.5)): wider moves less"
                ),
                format!("|θ−θ0|/|θ0| ∝ M^{a:.2} (theory -0.5), kernel Δ ∝ M^{b:.2}"),
                format!("|θ−θ0|/|θ0| ∝ M^{a:.2}, kernel Δ ∝ M^{b:.2}"),
                format!("∝ M^{a:.2}, kernel Δ ∝ M^{b:.2}"),
            ],
            w,
        ),
        _ => first_fit(
            &[
                "fitting once every width is trained (theory: M^-0.5)".into(),
                "fitting once every width is trained".into(),
            ],
            w,
        ),
    };
    buf.set_stringn(area.x, y0 + 1 + SWEEP_WIDTHS.len() as u16, fit, w, style(Color::LightCyan));
}

/// Bars of the trained parameters' changes Δθ, with their range underneath.
fn net_histogram(values: &[f64], area: Rect, buf: &mut Buffer, theme: &Theme) {
    if values.is_empty() {
        return;
    }
    let (counts, lo, hi) = ridge::change_histogram(ArrayView1::from(values), (area.width as usize).max(1));
    let plot_h = area.height.saturating_sub(1) as usize;
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bar_style = if theme.color { Style::new().fg(Color::Blue) } else { Style::new() };
    let glyph = if theme.ascii || !theme.color { '#' } else { '█' };
    for (i, &c) in counts.iter().enumerate() {
        let height = (c as f64 / top * plot_h as f64).ceil() as usize;
        for row in 0..height.min(plot_h) {
            let y = area.y + (plot_h - 1 - row) as u16;
            if let Some(cell) = buf.cell_mut((area.x + i as u16, y)) {
                cell.set_char(glyph).set_style(bar_style);
            }
        }
    }
    let range = format!("Δθ {} to {}", sig4(lo), sig4(hi));
    let axis = first_fit(&[format!("{range} over the trained parameters"), range], area.width as usize);
    buf.set_stringn(area.x, area.y + area.height - 1, axis, area.width as usize, Style::new());
}

/// The drift view (key p) in the slopes pane.
pub fn draw_line(app: &Session, slot: &LineState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let name = slot.model.kind.name();
    let titles = [format!("Drift · {name} · how far θ moved from θ0"), format!("Drift · {name}")];
    let b = block(theme, first_fit(&titles, area.width.saturating_sub(2) as usize));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if let Some(drift) = &app.drift {
        render_line(drift, &slot.run.theta0, &slot.run.theta, slot.model.sources, inner, frame.buffer_mut(), theme);
    }
}

/// The drift view (key p) on the net.
pub fn draw_net(app: &Session, net: &NetState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let s = net.spec;
    let titles = [
        format!("Drift · net M={} · {} · {} · how far θ moved from θ0", s.width, s.act.name(), s.train.name()),
        format!("Drift · net M={} · {} · {}", s.width, s.act.name(), s.train.name()),
        format!("Drift · net M={}", s.width),
    ];
    let b = block(theme, first_fit(&titles, area.width.saturating_sub(2) as usize));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if let Some(d) = &app.net_drift {
        render_net(d, net, inner, frame.buffer_mut(), theme);
    }
}
