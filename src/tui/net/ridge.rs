//! The ridge view on the net (key v): log-loss on the plane through θ* (the run's θ) spanned
//! by θ0 → θ* and a null direction of J(θ*), with θ0, θ*, θ now and the zero-loss points
//! Gauss–Newton reaches from the null line. Unlike the linear models' ridge the net's zero-loss
//! set is curved: it leaves the plane, and the view says so with the measured exponent. The
//! plane costs O(cells·N·M), so it is computed off the frame (`Background`).

use std::sync::Arc;

use ndarray::Array1;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use super::super::background::{Background, Feed, Mode};
use super::super::ridge_view::{LOSS_FLOOR, heat_map, mark};
use super::super::theme::Theme;
use super::slot::NetSlot;
use crate::format::sig4;
use crate::net::Net;
use crate::net::ridge::{NetPlane, ZeroPoint, kinks, straight};

/// Samples of the plane: α (columns) and β (rows), odd so θ* is a sample.
const GRID_W: usize = 121;
const GRID_H: usize = 41;
/// The plane shown: α, β ∈ [−SPAN, SPAN] in units of |θ* − θ0| (θ0 sits at α = −1).
const SPAN: f64 = 1.5;
/// β of the zero-loss points found from the null line (both signs).
const CURVE_BETAS: [f64; 4] = [0.375, 0.75, 1.125, 1.5];
/// Decades of loss the shades span: wide, so the rise along the null line shows.
const DECADES: f64 = 8.0;

/// What the view shows for one θ*.
#[derive(Debug, Clone)]
pub struct PlaneFigures {
    plane: NetPlane,
    /// log10 loss, GRID_H rows (β from +SPAN down) of GRID_W (α from −SPAN).
    grid: Vec<f64>,
    /// Loss along the null line ∝ β^p near θ* (None: it stays at zero, a straight ridge).
    pub exponent: Option<f64>,
    /// ReLU pre-activations GD left on the kink.
    pub kinks: usize,
    pub curve: Vec<ZeroPoint>,
    /// The model is linear in what it trains (`--train last`).
    pub straight: bool,
}

impl PlaneFigures {
    fn compute(net: &Net, theta0: &Array1<f64>, theta: &Array1<f64>, seed: u64, init: u64, feed: &Feed<Msg>) -> Msg {
        let stop = || feed.cancelled();
        let plane = NetPlane::new(net, theta0, theta, seed, init).map_err(|e| e.to_string())?;
        let axis = |n: usize, i: usize| -SPAN + 2.0 * SPAN * i as f64 / (n - 1) as f64;
        let alphas: Vec<f64> = (0..GRID_W).map(|i| axis(GRID_W, i)).collect();
        let betas: Vec<f64> = (0..GRID_H).map(|j| -axis(GRID_H, j)).collect();
        let grid = plane.log_loss_grid(net, &alphas, &betas, LOSS_FLOOR, &stop).ok_or("cancelled")?;
        let both: Vec<f64> = CURVE_BETAS.iter().flat_map(|&b| [-b, b]).collect();
        let curve = plane.zero_loss_curve(net, &both, &stop).map_err(|e| e.to_string())?.ok_or("cancelled")?;
        Ok(PlaneFigures {
            exponent: plane.null_line_exponent(net),
            kinks: kinks(net, theta.as_slice().unwrap_or(&[])),
            straight: straight(net),
            plane,
            grid,
            curve,
        })
    }

    /// The sample nearest (α, β).
    fn at(&self, alpha: f64, beta: f64) -> f64 {
        let idx = |v: f64, n: usize| ((v + SPAN) / (2.0 * SPAN) * (n - 1) as f64).round().clamp(0.0, (n - 1) as f64);
        let (i, j) = (idx(alpha, GRID_W) as usize, (GRID_H - 1) - idx(beta, GRID_H) as usize);
        self.grid[j * GRID_W + i]
    }
}

type Msg = Result<PlaneFigures, String>;

/// The view's state: the plane shown, and the one being computed.
#[derive(Debug)]
pub struct NetRidge {
    /// The net and θ the figures (shown or on their way) belong to.
    net: Arc<Net>,
    theta: Array1<f64>,
    /// The run the plane belongs to: its θ0 and the step of θ. A run that starts again (new
    /// init, optimizer, replay) makes the plane stale.
    theta0: Array1<f64>,
    steps: u64,
    job: Option<Background<Msg>>,
    pub shown: Option<Msg>,
}

impl NetRidge {
    /// Whether the plane shown (or on its way) is for `theta`.
    pub fn shows(&self, theta: &Array1<f64>) -> bool {
        self.theta == theta
    }

    /// θ* of the plane shown, if one is.
    pub fn shown_theta(&self) -> Option<&Array1<f64>> {
        match &self.shown {
            Some(Ok(f)) => Some(&f.plane.theta_star),
            _ => None,
        }
    }

    /// Whether a plane is on its way.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Takes a finished plane, and starts one when the view has none, or when the run stands
    /// (paused or done) at a θ other than the one shown; a stale job is dropped (cancelled).
    /// True when what shows changed.
    pub fn refresh(slot: &mut Option<NetRidge>, net: &NetSlot, running: bool, mode: Mode, seed: u64) -> bool {
        let run = &net.run;
        if slot.as_ref().is_some_and(|r| r.steps > run.steps || r.theta0 != run.theta0) {
            *slot = None; // another run: its plane is computed afresh, never the old one shown
        }
        let changed = slot.as_mut().is_some_and(NetRidge::take);
        let same_net = slot.as_ref().is_some_and(|r| Arc::ptr_eq(&r.net, &net.net));
        let same = same_net && slot.as_ref().is_some_and(|r| r.theta == run.theta);
        if same || (same_net && running) {
            return changed;
        }
        let (n, theta0, theta, init) = (Arc::clone(&net.net), run.theta0.clone(), run.theta.clone(), run.init_index);
        let job = Background::start(mode, move |feed: &Feed<Msg>| {
            let msg = PlaneFigures::compute(&n, &theta0, &theta, seed, init, feed);
            if !feed.cancelled() {
                feed.send(msg);
            }
        });
        // A plane of another net (another width, mode or data) is not shown meanwhile.
        let shown = slot.take().filter(|_| same_net).and_then(|r| r.shown);
        let mut r = NetRidge {
            net: Arc::clone(&net.net),
            theta: run.theta.clone(),
            theta0: run.theta0.clone(),
            steps: run.steps,
            job: Some(job),
            shown,
        };
        r.take();
        *slot = Some(r);
        true
    }

    /// Shows what the job sent, if anything; true when what shows changed (a plane arrived, or
    /// the job ended, which takes "updating…" off).
    fn take(&mut self) -> bool {
        let Some(job) = self.job.as_mut() else { return false };
        let got = job.drain().pop();
        let ended = job.finished();
        if ended {
            self.job = None;
        }
        let arrived = got.is_some();
        if let Some(msg) = got {
            self.shown = Some(msg);
        }
        arrived || ended
    }

    /// One line naming the axes.
    pub fn caption(&self) -> String {
        match &self.shown {
            Some(Ok(f)) => {
                let busy = if self.busy() { " · updating…" } else { "" };
                format!("→ θ0→θ* ({}) · ↑ null direction of J(θ*){busy}", sig4(f.plane.distance))
            }
            _ => String::new(),
        }
    }

    /// Draws the view into `area`; `current` is the run's θ now.
    pub fn render(&self, current: &Array1<f64>, area: Rect, buf: &mut Buffer, theme: &Theme) {
        if area.width < 20 || area.height < 5 {
            return;
        }
        let style = |c: Color| if theme.color { Style::new().fg(c) } else { Style::new() };
        let w = area.width as usize;
        let f = match &self.shown {
            Some(Ok(f)) => f,
            Some(Err(e)) => {
                buf.set_stringn(area.x, area.y, format!("no plane: {e}"), w, Style::new());
                buf.set_stringn(area.x, area.y + 1, "space runs the net; the plane follows", w, Style::new());
                return;
            }
            None => {
                buf.set_stringn(area.x, area.y, "computing the loss on the plane…", w, Style::new());
                return;
            }
        };
        let mut text = statement(f, w);
        text.truncate(if area.height >= 9 { 2 } else { 1 });
        let plot = Rect { height: area.height - 1 - text.len() as u16, ..area };
        let (pw, ph) = (plot.width as usize, plot.height as usize);
        // The centre cell is exactly θ*.
        let (cx, cy) = (((pw - 1) / 2).max(1) as f64, ((ph - 1) / 2).max(1) as f64);
        let mut grid = Vec::with_capacity(pw * ph);
        for j in 0..ph {
            for i in 0..pw {
                grid.push(f.at((i as f64 - cx) / cx * SPAN, (cy - j as f64) / cy * SPAN));
            }
        }
        heat_map(&grid, DECADES, plot, buf, theme);
        let to_cell = |a: f64, b: f64| -> Option<(u16, u16)> {
            let i = cx + (a / SPAN * cx).round();
            let j = cy - (b / SPAN * cy).round();
            (i.is_finite() && j.is_finite() && (0.0..pw as f64).contains(&i) && (0.0..ph as f64).contains(&j))
                .then(|| (plot.x + i as u16, plot.y + j as u16))
        };
        for z in &f.curve {
            mark(buf, to_cell(z.alpha, z.beta), if theme.ascii { '~' } else { '∘' }, Color::White, theme);
        }
        mark(buf, to_cell(-1.0, 0.0), 'o', Color::LightGreen, theme);
        // Not '*' in ASCII, which is a shade.
        mark(buf, to_cell(0.0, 0.0), if theme.ascii { '+' } else { '◆' }, Color::LightYellow, theme);
        let (a, b) = if current.len() == f.plane.theta_star.len() { f.plane.coords(current) } else { (0.0, 0.0) };
        if (a, b) != (0.0, 0.0) {
            mark(buf, to_cell(a, b), '@', Color::LightMagenta, theme);
        }
        let legend = match (theme.ascii, w >= 54) {
            (true, true) => "o θ0  + θ*  ~ zero loss nearby  @ now  .:*# loss/100",
            (true, false) => "o θ0 + θ* ~ loss 0 @ now .:*# /100",
            (false, true) => "o θ0  ◆ θ*  ∘ zero loss nearby  @ now  ░▒▓█ loss ×100",
            (false, false) => "o θ0 ◆ θ* ∘ loss 0 @ now ░▒▓█ ×100",
        };
        let mut y = plot.y + plot.height;
        buf.set_stringn(area.x, y, legend, w, Style::new());
        for line in text {
            y += 1;
            buf.set_stringn(area.x, y, line, w, style(Color::LightCyan));
        }
    }
}

/// What the plane shows, in words that fit `w` columns: one line, or two when there is room.
fn statement(f: &PlaneFigures, w: usize) -> Vec<String> {
    let pick = |options: &[String]| {
        options.iter().find(|t| t.chars().count() <= w).or(options.last()).cloned().unwrap_or_default()
    };
    if f.straight {
        return vec![pick(&[
            "straight ridge: the null line is zero loss (linear in what trains, like the linear models)".into(),
            "straight: the null line is zero loss (linear in a, c, ε)".into(),
            "straight: null line at zero loss".into(),
        ])];
    }
    let off = f.curve.iter().map(|z| z.off).fold(0.0, f64::max);
    // A smooth net's loss rises like β⁴ along the null line (THEORY.md). With ReLU kinks on θ*
    // the null line crosses creases where the residual moves at first order, so no single power
    // holds; how far the zero-loss points lie off the plane says "curved" either way.
    let (how, short) = match (f.kinks, f.exponent) {
        (0, Some(e)) => (format!("along the null line loss ∝ β^{e:.1}"), format!("β^{e:.1}")),
        (0, None) => ("the loss rises along the null line".to_string(), String::new()),
        (k, _) => (format!("creased at {k} ReLU kinks"), format!("{k} ReLU kinks")),
    };
    let pct = 100.0 * off;
    vec![
        pick(&[
            format!("curved: {how}; zero loss {pct:.1}%·|θ*−θ0| off the plane"),
            format!("curved: zero loss {pct:.1}% off the plane · {short}"),
            format!("curved: zero loss {pct:.1}% off the plane"),
            "curved: zero loss leaves the plane".to_string(),
        ]),
        pick(&[
            "unlike the linear models, whose ridge is straight (zero loss all along it)".into(),
            "linear models: a straight ridge".into(),
        ]),
    ]
}
