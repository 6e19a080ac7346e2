//! The drift view: how little the parameters move. The histogram of per-noise-parameter changes
//! θ − θ0 for the current run, |θ−θ0|/|θ0|, and a sweep over the number of sources M with its
//! fitted power law.

use ndarray::{Array1, ArrayView1};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use super::theme::Theme;

use crate::data::Dataset;
use crate::format::{sig4, thousands};
use crate::ridge::{self, SweepRow};

/// The M values the view sweeps.
pub const SWEEP_SOURCES: [usize; 4] = [1, 10, 100, 1000];

/// The sweep is computed once per dataset and init; the histogram is drawn from θ each frame.
#[derive(Debug, Clone)]
pub struct DriftView {
    pub seed: u64,
    pub init: u64,
    rows: Vec<SweepRow>,
    exponent: Option<f64>,
}

impl DriftView {
    pub fn new(data: &Dataset, sigma: f64, seed: u64, init: u64) -> DriftView {
        let rows = ridge::sweep(data, sigma, &SWEEP_SOURCES, seed, init).unwrap_or_default();
        let ms: Vec<f64> = rows.iter().map(|r| r.sources as f64).collect();
        let rel: Vec<f64> = rows.iter().map(|r| r.rel_change).collect();
        let exponent = ridge::power_law_exponent(&ms, &rel);
        DriftView { seed, init, rows, exponent }
    }

    pub fn render(
        &self,
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
        let head = format!(
            "|θ−θ0|/|θ0| {} · max |Δξ| {} · |Δc| {}",
            sig4(d.rel_change),
            sig4(d.max_change),
            sig4(d.slope_change)
        );
        buf.set_stringn(area.x, area.y, head, w, style(Color::White));
        let table_h = if area.height >= 10 { self.rows.len() as u16 + 2 } else { 0 };
        let hist = Rect { y: area.y + 1, height: area.height.saturating_sub(1 + table_h), ..area };
        if theta.len() > 1 && hist.height >= 3 {
            // Only the noise parameters: c is reported on its own line.
            render_histogram(delta.slice(ndarray::s![1..]), sources_per_point, hist, buf, theme);
        } else if hist.height >= 1 {
            buf.set_stringn(hist.x, hist.y, "traditional: only c, which must move to fit the data", w, Style::new());
        }
        if table_h > 0 {
            let y0 = area.y + area.height - table_h;
            buf.set_stringn(
                area.x,
                y0,
                format!(
                    "{:>6} {:>10} {:>13} {:>14}   GD's θ* from this init",
                    "M", "k (very)", "|θ−θ0|/|θ0|", "max |Δξ|"
                ),
                w,
                style(Color::Gray),
            );
            for (i, r) in self.rows.iter().enumerate() {
                let line = format!(
                    "{:>6} {:>10} {:>13} {:>14}",
                    r.sources,
                    thousands(r.k as u64),
                    sig4(r.rel_change),
                    sig4(r.max_change)
                );
                buf.set_stringn(area.x, y0 + 1 + i as u16, line, w, Style::new());
            }
            let fit = self.exponent.map_or("—".into(), |e| {
                format!("|θ−θ0|/|θ0| ∝ M^{e:.2}, theory M^-0.5: more parameters, each moves less")
            });
            buf.set_stringn(area.x, y0 + 1 + self.rows.len() as u16, fit, w, style(Color::LightCyan));
        }
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
    let axis = if sources_per_point > 1 {
        format!("Δξ {}…{}; a point's {sources_per_point} ξ move as one", sig4(lo), sig4(hi))
    } else {
        format!("Δξ {}…{} over {} ξ", sig4(lo), sig4(hi), thousands(dxi.len() as u64))
    };
    buf.set_stringn(area.x, area.y + area.height - 1, axis, area.width as usize, Style::new());
}
