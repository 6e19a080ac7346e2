//! The ridge view (key v): log-loss as a heat map on a 2-D slice through the endpoint θ*, with
//! the zero-loss line, the init, the endpoint and the GD path projected onto the slice. For the
//! traditional model, the loss against its one parameter: a single minimum.

use ndarray::Array1;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use super::theme::Theme;

use crate::model::{Metric, Model, ModelKind};
use crate::ridge::RidgeSlice;

/// Most projected path points kept; past this every other one is dropped.
const PATH_CAP: usize = 512;
/// Losses below this count as zero (the ridge) on the log scale.
pub const LOSS_FLOOR: f64 = 1e-12;
/// Decades of loss the shades span, one shade each below the top.
const DECADES: f64 = 4.0;

/// What the ridge view draws for one run: the slice through its endpoint and its path so far.
#[derive(Debug, Clone)]
pub struct RidgeView {
    slice: Option<RidgeSlice>,
    mle: f64,
    /// Projected (across, along) coordinates of θ along the run, oldest first.
    path: Vec<(f64, f64)>,
    /// Keep one point in `stride` recorded calls (doubles each time the path is halved).
    stride: u64,
    calls: u64,
}

impl RidgeView {
    /// The view for a run from θ0 whose optimizer measures distance in `metric`.
    pub fn new(model: &Model, theta0: &Array1<f64>, metric: Metric) -> RidgeView {
        let slice = match model.kind {
            ModelKind::Traditional => None,
            _ => RidgeSlice::new(model, theta0, metric).ok(),
        };
        let mut view = RidgeView { slice, mle: model.xy() / model.xx(), path: Vec::new(), stride: 1, calls: 0 };
        view.record(theta0);
        view
    }

    /// Adds θ's projection to the path (O(k)); the path stays bounded by thinning.
    pub fn record(&mut self, theta: &Array1<f64>) {
        let point = match &self.slice {
            Some(slice) => slice.coords(theta),
            None => (theta[0], 0.0),
        };
        self.calls += 1;
        let keep = point.0.is_finite() && point.1.is_finite() && (self.calls - 1).is_multiple_of(self.stride);
        if !keep {
            return;
        }
        self.path.push(point);
        if self.path.len() >= PATH_CAP {
            let first = self.path[0];
            let mut kept: Vec<_> = self.path.iter().copied().step_by(2).collect();
            kept[0] = first;
            self.path = kept;
            self.stride *= 2;
        }
    }

    /// One line saying what the axes are.
    pub fn caption(&self) -> String {
        match &self.slice {
            Some(s) => format!("→ across: θ0→θ* ({}) · ↑ along: loss stays 0", crate::format::sig4(s.distance)),
            None => "a peak, not a ridge: one minimum, the MLE".into(),
        }
    }

    /// Draws the view into `area` of `buf`. `current` is the run's θ now.
    pub fn render(&self, model: &Model, current: &Array1<f64>, area: Rect, buf: &mut Buffer, theme: &Theme) {
        if area.width < 8 || area.height < 4 {
            return;
        }
        let legend_y = area.y + area.height - 1;
        let plot = Rect { height: area.height - 1, ..area };
        match &self.slice {
            Some(slice) => self.render_slice(slice, model, current, plot, buf, theme),
            None => self.render_parabola(model, current, plot, buf, theme),
        }
        let legend = if self.slice.is_some() {
            if theme.ascii {
                "| ridge  o start  * θ*  . path  @ now  .:*# loss/10"
            } else {
                "│ ridge  o start  ◆ θ*  · path  @ now  ░▒▓█ loss ×10"
            }
        } else if theme.ascii {
            "* minimum (MLE)  . loss L(c)  @ now"
        } else {
            "◆ minimum (MLE)  • loss L(c)  @ now"
        };
        buf.set_stringn(area.x, legend_y, legend, area.width as usize, Style::new());
    }

    fn render_slice(
        &self,
        slice: &RidgeSlice,
        model: &Model,
        current: &Array1<f64>,
        area: Rect,
        buf: &mut Buffer,
        theme: &Theme,
    ) {
        let (w, h) = (area.width as usize, area.height as usize);
        // The init sits at s = −distance; show it with a margin, symmetric about the ridge. The
        // centre cell is exactly (0, 0), so the ridge and the path land on whole cells.
        let (cx, cy) = (((w - 1) / 2).max(1), ((h - 1) / 2).max(1));
        let s_max = 1.3 * slice.distance.max(1e-6);
        let t_max = s_max * cy as f64 / cx as f64 * 2.0; // cells are about twice as tall as wide
        let ss: Vec<f64> = (0..w).map(|i| (i as f64 - cx as f64) / cx as f64 * s_max).collect();
        let ts: Vec<f64> = (0..h).map(|j| (cy as f64 - j as f64) / cy as f64 * t_max).collect();
        let grid = slice.log_loss_grid(model, &ss, &ts, LOSS_FLOOR);
        heat_map(&grid, DECADES, area, buf, theme);
        let to_cell = |s: f64, t: f64| -> Option<(u16, u16)> {
            let i = cx as f64 + (s / s_max * cx as f64).round();
            let j = cy as f64 - (t / t_max * cy as f64).round();
            (i.is_finite() && j.is_finite() && (0.0..w as f64).contains(&i) && (0.0..h as f64).contains(&j))
                .then(|| (area.x + i as u16, area.y + j as u16))
        };
        let mark = |buf: &mut Buffer, at: Option<(u16, u16)>, ch: char, c: Color| mark(buf, at, ch, c, theme);
        // The zero-loss line: the whole along axis at s = 0.
        for &t in &ts {
            mark(buf, to_cell(0.0, t), if theme.ascii { '|' } else { '│' }, Color::White);
        }
        for &(s, t) in &self.path {
            mark(buf, to_cell(s, t), if theme.ascii { '.' } else { '·' }, Color::LightMagenta);
        }
        if let Some(&(s, t)) = self.path.first() {
            mark(buf, to_cell(s, t), 'o', Color::LightGreen);
        }
        mark(buf, to_cell(0.0, 0.0), if theme.ascii { '*' } else { '◆' }, Color::LightYellow);
        let (s, t) = slice.coords(current);
        mark(buf, to_cell(s, t), '@', Color::LightMagenta);
    }

    fn render_parabola(&self, model: &Model, current: &Array1<f64>, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let (w, h) = (area.width as usize, area.height as usize);
        let (x, y) = (&model.data.x, &model.data.y);
        let loss = |c: f64| 0.5 * (y - &(x * c)).mapv(|r| r * r).sum();
        let half =
            (current[0] - self.mle).abs().max(self.path.first().map_or(0.0, |p| (p.0 - self.mle).abs())).max(0.05)
                * 1.3;
        let cs: Vec<f64> = (0..w).map(|i| self.mle - half + 2.0 * half * i as f64 / (w - 1) as f64).collect();
        let ls: Vec<f64> = cs.iter().map(|&c| loss(c)).collect();
        let (lmin, lmax) = (loss(self.mle), ls.iter().copied().fold(f64::NEG_INFINITY, f64::max));
        let row = |l: f64| -> u16 {
            let f = if lmax > lmin { (l - lmin) / (lmax - lmin) } else { 0.0 };
            area.y + ((1.0 - f.clamp(0.0, 1.0)) * (h - 1) as f64).round() as u16
        };
        let col = |c: f64| -> Option<u16> {
            let f = (c - self.mle + half) / (2.0 * half) * (w - 1) as f64;
            (f.is_finite() && (0.0..=(w - 1) as f64).contains(&f.round())).then(|| area.x + f.round() as u16)
        };
        let style = |c: Color| if theme.color { Style::new().fg(c) } else { Style::new() };
        for (i, &l) in ls.iter().enumerate() {
            if let Some(cell) = buf.cell_mut((area.x + i as u16, row(l))) {
                cell.set_char(if theme.ascii { '.' } else { '•' }).set_style(style(Color::Gray));
            }
        }
        if let Some(cell) = col(self.mle).and_then(|cx| buf.cell_mut((cx, row(lmin)))) {
            cell.set_char(if theme.ascii { '*' } else { '◆' }).set_style(style(Color::LightYellow));
        }
        if let Some(cell) = col(current[0]).and_then(|cx| buf.cell_mut((cx, row(loss(current[0]))))) {
            cell.set_char('@').set_style(style(Color::LightMagenta));
        }
    }
}

/// Draws log10-losses `grid` (row-major, `area`'s size) as shades, one per `decades`/4 decades
/// below the largest in view (floored at `LOSS_FLOOR`): the valley reads as bands. Shared by
/// the linear models' ridge view and the net's.
pub fn heat_map(grid: &[f64], decades: f64, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let (w, h) = (area.width as usize, area.height as usize);
    let hi = grid.iter().copied().filter(|v| v.is_finite()).fold(f64::NEG_INFINITY, f64::max);
    let lo = (hi - decades).max(LOSS_FLOOR.log10());
    let shades: [char; 5] = if theme.ascii { [' ', '.', ':', '*', '#'] } else { [' ', '░', '▒', '▓', '█'] };
    let palette = [Color::Reset, Color::Blue, Color::Cyan, Color::Yellow, Color::Red];
    for j in 0..h {
        for i in 0..w {
            let v = grid.get(j * w + i).copied().unwrap_or(f64::NAN);
            let level =
                if v.is_finite() && hi > lo { (((v - lo) / (hi - lo)) * 4.999).clamp(0.0, 4.0) as usize } else { 0 };
            let style = if theme.color { Style::new().fg(palette[level]) } else { Style::new() };
            if let Some(cell) = buf.cell_mut((area.x + i as u16, area.y + j as u16)) {
                cell.set_char(shades[level]).set_style(style);
            }
        }
    }
}

/// A marker over the heat map: `ch` at `at` (when on screen), in colour `c` on black.
pub fn mark(buf: &mut Buffer, at: Option<(u16, u16)>, ch: char, c: Color, theme: &Theme) {
    if let Some(cell) = at.and_then(|p| buf.cell_mut(p)) {
        let style = if theme.color { Style::new().fg(c).bg(Color::Black) } else { Style::new() };
        cell.set_char(ch).set_style(style);
    }
}
