//! The drift view on the net (key p): how far this run's parameters moved, parameter by
//! parameter, and a sweep over the width M of GD runs from the same seed and init, with the
//! fitted exponents of |θ−θ0|/|θ0| and of the kernel change (THEORY.md, "Finite width": M^−½).
//! The sweep trains for real (and measures kernels, O(N²M)), so it runs on a thread of its own
//! and the table fills in as each width finishes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use super::super::background::{Background, Mode};
use super::super::theme::Theme;
use super::slot::NetSlot;
use crate::data::Dataset;
use crate::format::{sig4, thousands};
use crate::net::{NetRun, NetSpec, NetTheory};
use crate::optim::{LrChoice, Optimizer};

/// The widths the sweep trains at (each 4× the last: the exponent needs a span).
pub const SWEEP_WIDTHS: [usize; 4] = [16, 64, 256, 1024];

/// One finished width.
#[derive(Debug, Clone, Copy)]
pub struct DriftRow {
    pub width: usize,
    pub k: usize,
    pub rel_change: f64,
    pub theory: f64,
    pub kernel_change: f64,
    pub converged: bool,
}

/// The sweep for one dataset, architecture, seed and init.
#[derive(Debug)]
pub struct NetDrift {
    /// What the sweep belongs to: it is stale when any of these changes.
    pub key: (u64, u64, NetSpec),
    job: Background<std::result::Result<DriftRow, String>>,
    pub rows: Vec<DriftRow>,
    pub error: Option<String>,
}

impl NetDrift {
    /// Starts the sweep (on a thread of its own with `Mode::Thread`; dropping it stops it).
    pub fn new(net: &NetSlot, seed: u64, init: u64, max_steps: u64, tol: f64, mode: Mode) -> NetDrift {
        let spec = net.spec;
        let (data, sigma, theory) = (net.net.data.clone(), net.net.sigma, Arc::clone(&net.theory));
        let job = Background::start(mode, move |feed| {
            for width in SWEEP_WIDTHS {
                let row = train_width(
                    NetSpec { width, ..spec },
                    &data,
                    sigma,
                    &theory,
                    (seed, init),
                    (max_steps, tol),
                    &|| feed.cancelled(),
                );
                match row {
                    Ok(Some(row)) => {
                        if !feed.send(Ok(row)) {
                            return;
                        }
                    }
                    Ok(None) => return, // cancelled
                    Err(e) => {
                        feed.send(Err(e.to_string()));
                        return;
                    }
                }
            }
        });
        let mut drift =
            NetDrift { key: (seed, init, NetSpec { width: 0, ..spec }), job, rows: Vec::new(), error: None };
        drift.poll();
        drift
    }

    pub fn done(&self) -> bool {
        self.error.is_some() || self.rows.len() == SWEEP_WIDTHS.len() || self.job.finished()
    }

    /// Takes the widths finished since the last call. True when any arrived.
    pub fn poll(&mut self) -> bool {
        let got = self.job.drain();
        let any = !got.is_empty();
        for r in got {
            match r {
                Ok(row) => self.rows.push(row),
                Err(e) => self.error = Some(e),
            }
        }
        if self.job.finished() && self.error.is_none() && self.rows.len() < SWEEP_WIDTHS.len() {
            self.error = Some("the width sweep stopped short (internal error)".into());
        }
        any
    }
}

/// Trains one width of the sweep by GD to the end, in slices so `cancelled` is seen within
/// about 50 ms. None when cancelled.
fn train_width(
    spec: NetSpec,
    data: &Dataset,
    sigma: f64,
    theory: &NetTheory,
    (seed, init): (u64, u64),
    (max_steps, tol): (u64, f64),
    cancelled: &dyn Fn() -> bool,
) -> crate::Result<Option<DriftRow>> {
    let net = spec.build(data, sigma)?;
    let mut run = NetRun::new(net, Optimizer::Gd, LrChoice::default(), seed, init)?;
    while !(run.is_done() || run.steps >= max_steps) {
        if cancelled() {
            return Ok(None);
        }
        run.run_until(max_steps, tol, Some(Instant::now() + Duration::from_millis(50)), |_, _| {})?;
    }
    let k = run.net.k();
    Ok(Some(DriftRow {
        width: run.net.width,
        k,
        rel_change: run.rel_change(),
        theory: theory.rel_change(k),
        kernel_change: run.kernel_change(),
        converged: run.converged(),
    }))
}

impl NetDrift {
    /// Fitted exponents of |θ−θ0|/|θ0| and of the kernel change against M, once two widths are in.
    pub fn exponents(&self) -> Option<(f64, f64)> {
        let ms: Vec<f64> = self.rows.iter().map(|r| r.width as f64).collect();
        let rel: Vec<f64> = self.rows.iter().map(|r| r.rel_change).collect();
        let ker: Vec<f64> = self.rows.iter().map(|r| r.kernel_change).collect();
        Some((crate::ridge::power_law_exponent(&ms, &rel)?, crate::ridge::power_law_exponent(&ms, &ker)?))
    }

    /// The per-parameter change of the current run, and the sweep's table.
    pub fn render(&self, net: &NetSlot, area: Rect, buf: &mut Buffer, theme: &Theme) {
        if area.width < 20 || area.height < 4 {
            return;
        }
        let style = |c: Color| if theme.color { Style::new().fg(c) } else { Style::new() };
        let w = area.width as usize;
        let (th0, th) = (&net.run.theta0, &net.run.theta);
        let trained: Vec<f64> = (0..th.len())
            .filter(|&i| net.net.is_trained(i))
            .map(|i| th[i] - th0[i])
            .filter(|v| v.is_finite())
            .collect();
        let max = trained.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        let head = format!(
            "|θ−θ0|/|θ0| {} · kernel Δ {} · max |Δθ| {} over {} trained",
            sig4(net.stats.rel_change),
            sig4(net.stats.kernel_change),
            sig4(max),
            thousands(trained.len() as u64)
        );
        buf.set_stringn(area.x, area.y, head, w, style(Color::White));
        let table_h = if area.height >= 10 { SWEEP_WIDTHS.len() as u16 + 2 } else { 0 };
        let hist = Rect { y: area.y + 1, height: area.height.saturating_sub(1 + table_h), ..area };
        if hist.height >= 3 {
            histogram(&trained, hist, buf, theme);
        }
        if table_h == 0 {
            return;
        }
        let y0 = area.y + area.height - table_h;
        let title = format!(
            "{:>6} {:>8} {:>12} {:>10} {:>10}   GD from this init",
            "M", "k", "|θ−θ0|/|θ0|", "theory", "kernel Δ"
        );
        buf.set_stringn(area.x, y0, title, w, style(Color::Gray));
        for (i, &width) in SWEEP_WIDTHS.iter().enumerate() {
            let line = match self.rows.get(i) {
                Some(r) => format!(
                    "{:>6} {:>8} {:>12} {:>10} {:>10}{}",
                    r.width,
                    thousands(r.k as u64),
                    sig4(r.rel_change),
                    sig4(r.theory),
                    sig4(r.kernel_change),
                    if r.converged { "" } else { "  (step cap)" }
                ),
                None if i == self.rows.len() && self.error.is_none() => format!("{width:>6} training…"),
                None => format!("{width:>6}"),
            };
            buf.set_stringn(area.x, y0 + 1 + i as u16, line, w, Style::new());
        }
        let fit = match (&self.error, self.exponents()) {
            (Some(e), _) => format!("sweep stopped: {e}"),
            (None, Some((a, b))) if self.done() => {
                format!(
                    "|θ−θ0|/|θ0| ∝ M^{a:.2} (theory -0.5), kernel Δ ∝ M^{b:.2} (theory O(M^-0.5)): wider moves less"
                )
            }
            _ => "fitting once every width is trained (theory: M^-0.5)".into(),
        };
        buf.set_stringn(area.x, y0 + 1 + SWEEP_WIDTHS.len() as u16, fit, w, style(Color::LightCyan));
    }
}

/// Bars of the trained parameters' changes Δθ, with their range underneath.
fn histogram(values: &[f64], area: Rect, buf: &mut Buffer, theme: &Theme) {
    let bins = (area.width as usize).max(1);
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !(lo.is_finite() && hi.is_finite()) {
        return;
    }
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let mut counts = vec![0u64; bins];
    for &v in values {
        counts[(((v - lo) / span * bins as f64) as usize).min(bins - 1)] += 1;
    }
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
    let axis = format!("Δθ {}…{} over the trained parameters", sig4(lo), sig4(hi));
    buf.set_stringn(area.x, area.y + area.height - 1, axis, area.width as usize, Style::new());
}
