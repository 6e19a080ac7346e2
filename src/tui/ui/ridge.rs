//! The ridge views (key v): log-loss as a heat map on a 2-D slice through the endpoint θ*, with
//! the zero-loss line, the init, the endpoint and the path projected onto the slice; for the
//! traditional model, the loss against its one parameter (a single minimum); for the net, the
//! plane its ridge view computed.

use ndarray::Array1;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use super::theme::Theme;
use super::widgets::{block, first_fit};
use crate::model::Model;
use crate::model::ModelKind;
use crate::ridge::RidgeSlice;
use crate::tui::session::Session;
use crate::tui::session::line::LineState;
use crate::tui::session::net::NetState;
use crate::tui::session::net_ridge::{NetRidge, PlaneFigures, SPAN};
use crate::tui::session::ridge::{LOSS_FLOOR, RidgeView};
use ratatui::Frame;
use ratatui::text::Line;

/// Decades of loss the shades span, one shade each below the top.
const DECADES: f64 = 4.0;
/// On the net's plane: wide, so the rise along the null line shows.
const NET_DECADES: f64 = 8.0;

/// Draws a linear run's ridge view into `area` of `buf`. `current` is the run's θ now.
pub fn render_line(
    view: &RidgeView,
    model: &Model,
    current: &Array1<f64>,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    if area.width < 8 || area.height < 4 {
        return;
    }
    let legend_y = area.y + area.height - 1;
    let plot = Rect { height: area.height - 1, ..area };
    match &view.slice {
        Some(slice) => render_slice(view, slice, model, current, plot, buf, theme),
        None => render_parabola(view, model, current, plot, buf, theme),
    }
    let legends: &[&str] = match (view.slice.is_some(), theme.ascii) {
        (true, true) => &[
            "| loss 0: the likelihood's ridge  o start  * θ*  . path  @ now  .:*# loss/10",
            "| ridge  o start  * θ*  . path  @ now  .:*# loss/10",
            "| ridge o start * θ* . path @ now .:*# /10",
            "| ridge o start * θ* . path @ now",
        ],
        (true, false) => &[
            "│ loss 0: the likelihood's ridge  o start  ◆ θ*  · path  @ now  ░▒▓█ loss ×10",
            "│ ridge  o start  ◆ θ*  · path  @ now  ░▒▓█ loss ×10",
            "│ ridge o start ◆ θ* · path @ now ░▒▓█ ×10",
            "│ ridge o start ◆ θ* · path @ now",
        ],
        (false, true) => &["* minimum (MLE)  . loss L(c)  @ now", "* MLE . L(c) @ now"],
        (false, false) => &["◆ minimum (MLE)  • loss L(c)  @ now", "◆ MLE • L(c) @ now"],
    };
    let legends: Vec<String> = legends.iter().map(|l| l.to_string()).collect();
    buf.set_stringn(area.x, legend_y, first_fit(&legends, area.width as usize), area.width as usize, Style::new());
}

fn render_slice(
    view: &RidgeView,
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
    for &(s, t) in &view.path {
        mark(buf, to_cell(s, t), if theme.ascii { '.' } else { '·' }, Color::LightMagenta);
    }
    if let Some(&(s, t)) = view.path.first() {
        mark(buf, to_cell(s, t), 'o', Color::LightGreen);
    }
    mark(buf, to_cell(0.0, 0.0), if theme.ascii { '*' } else { '◆' }, Color::LightYellow);
    let (s, t) = slice.coords(current);
    mark(buf, to_cell(s, t), '@', Color::LightMagenta);
}

fn render_parabola(
    view: &RidgeView,
    model: &Model,
    current: &Array1<f64>,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let (w, h) = (area.width as usize, area.height as usize);
    let (x, y) = (&model.data.x, &model.data.y);
    let loss = |c: f64| 0.5 * (y - &(x * c)).mapv(|r| r * r).sum();
    let half =
        (current[0] - view.mle).abs().max(view.path.first().map_or(0.0, |p| (p.0 - view.mle).abs())).max(0.05) * 1.3;
    let cs: Vec<f64> = (0..w).map(|i| view.mle - half + 2.0 * half * i as f64 / (w - 1) as f64).collect();
    let ls: Vec<f64> = cs.iter().map(|&c| loss(c)).collect();
    let (lmin, lmax) = (loss(view.mle), ls.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    let row = |l: f64| -> u16 {
        let f = if lmax > lmin { (l - lmin) / (lmax - lmin) } else { 0.0 };
        area.y + ((1.0 - f.clamp(0.0, 1.0)) * (h - 1) as f64).round() as u16
    };
    let col = |c: f64| -> Option<u16> {
        let f = (c - view.mle + half) / (2.0 * half) * (w - 1) as f64;
        (f.is_finite() && (0.0..=(w - 1) as f64).contains(&f.round())).then(|| area.x + f.round() as u16)
    };
    let style = |c: Color| if theme.color { Style::new().fg(c) } else { Style::new() };
    for (i, &l) in ls.iter().enumerate() {
        if let Some(cell) = buf.cell_mut((area.x + i as u16, row(l))) {
            cell.set_char(if theme.ascii { '.' } else { '•' }).set_style(style(Color::Gray));
        }
    }
    if let Some(cell) = col(view.mle).and_then(|cx| buf.cell_mut((cx, row(lmin)))) {
        cell.set_char(if theme.ascii { '*' } else { '◆' }).set_style(style(Color::LightYellow));
    }
    if let Some(cell) = col(current[0]).and_then(|cx| buf.cell_mut((cx, row(loss(current[0]))))) {
        cell.set_char('@').set_style(style(Color::LightMagenta));
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

/// Draws the net's ridge view into `area`; `current` is the run's θ now.
pub fn render_net(ridge: &NetRidge, current: &Array1<f64>, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.width < 20 || area.height < 5 {
        return;
    }
    let style = |c: Color| if theme.color { Style::new().fg(c) } else { Style::new() };
    let w = area.width as usize;
    let f = match &ridge.shown {
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
    heat_map(&grid, NET_DECADES, plot, buf, theme);
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

/// What the plane shows, in words that fit `w` columns: one line, or two when there is room.
fn statement(f: &PlaneFigures, w: usize) -> Vec<String> {
    let pick = |options: &[String]| first_fit(options, w);
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

/// "1 dimension", "9,901 dimensions".
fn dimensions(n: usize) -> String {
    let unit = if n == 1 { "dimension" } else { "dimensions" };
    format!("{} {unit}", crate::format::thousands(n as u64))
}

/// The ridge view (key v) in the slopes pane.
pub fn draw_line(slot: &LineState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let room = area.width.saturating_sub(2) as usize;
    let dims = dimensions(slot.model.ridge_dim());
    let titles = match slot.model.kind {
        ModelKind::Traditional => vec![
            "Ridge? · traditional: one minimum, a valley floor of one point".into(),
            "Ridge? · traditional: one minimum".into(),
            "one minimum".into(),
        ],
        _ => vec![
            format!("Ridge · {} · the loss's zero valley is the likelihood's ridge: {dims}", slot.run.optimizer.name()),
            format!("Likelihood ridge · {} · loss 0 in {dims}", slot.run.optimizer.name()),
            format!("Likelihood ridge: loss 0 in {dims}"),
            format!("Ridge: loss 0 in {dims}"),
        ],
    };
    let caption = first_fit(&slot.ridge.caption(), room);
    let b = block(theme, first_fit(&titles, room)).title_bottom(Line::from(caption).style(theme.label()));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    render_line(&slot.ridge, &slot.model, &slot.run.theta, inner, frame.buffer_mut(), theme);
}

/// The ridge view (key v) on the net.
pub fn draw_net(app: &Session, net: &NetState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let s = net.spec;
    let dims = net.net.ridge_dim();
    let dims =
        if dims > 0 { format!("loss 0 in {}", dimensions(dims as usize)) } else { "no ridge: k ≤ N".to_string() };
    let room = area.width.saturating_sub(2) as usize;
    let titles = [
        format!("Ridge · net M={} · {} · {} · {dims}", s.width, s.act.name(), s.train.name()),
        format!("Ridge · net M={} · {dims}", s.width),
        format!("Ridge · net · {dims}"),
    ];
    let title = first_fit(&titles, room);
    let caption = app.net_ridge.as_ref().map(|r| first_fit(&r.caption(), room)).unwrap_or_default();
    let b = block(theme, title).title_bottom(Line::from(caption).style(theme.label()));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if let Some(r) = &app.net_ridge {
        render_net(r, &net.run.theta, inner, frame.buffer_mut(), theme);
    }
}
