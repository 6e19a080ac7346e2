//! The net's ridge and drift views as figures (the lines' are in `views`): ridge.svg, the loss on
//! the plane through the run's θ* with the zero-loss points found from its null line, and
//! drift.svg, the run's θ − θ0 and the sweep over widths (THEORY.md, "The wide network" and
//! "Finite width"). Drawn from the engine's numbers (`net::ridge`, `net::drift`).

use ndarray::Array1;
use plotters::prelude::*;

use crate::format::{sig4, thousands};
use crate::net::drift::DriftRow;
use crate::net::ridge::{NetPlane, SPAN, ZeroPoint};
use crate::ridge::LOSS_FLOOR;

use super::figure::{Area, Axis, Key, chart_on, draw_legend, err, split_legend, svg};
use super::views::{
    CELLS, MLE, POSTERIOR, PREDICTED, RIDGE, RUN, SHADED_DECADES, START, clip_segment, decade_ticks, histogram_panel,
    no_panel, shade,
};

/// What the net's ridge figure shows: the plane, the log-loss on its cells, the zero-loss points,
/// and what the ridge is like near θ*.
pub struct NetRidgeShown<'a> {
    pub plane: &'a NetPlane,
    /// log10 loss, CELLS.1 rows (β from −SPAN up) of CELLS.0 cells (α from −SPAN), at `cell_centres`.
    pub grid: &'a [f64],
    pub curve: &'a [ZeroPoint],
    /// The loss along the null line ∝ β^p (None: it stays at zero, a straight ridge).
    pub exponent: Option<f64>,
    pub kinks: usize,
    pub straight: bool,
    /// "wide network (width 1,024, relu, all layers) · gd from init 0, 4,903 steps"
    pub what: String,
}

/// The centres of `n` cells across [−SPAN, SPAN], the plane the ridge view computes.
pub fn cell_centres(n: usize) -> Vec<f64> {
    (0..n).map(|i| -SPAN + 2.0 * SPAN * (i as f64 + 0.5) / n as f64).collect()
}

/// Ticks every half unit of |θ* − θ0| across [−SPAN, SPAN].
fn plane_axis() -> Axis {
    let halves = (2.0 * SPAN).round() as i64;
    Axis::at((-halves..=halves).map(|i| i as f64 / 2.0).collect())
}

/// What the ridge is like near θ*, in words.
fn statement(r: &NetRidgeShown<'_>) -> String {
    if r.straight {
        return "straight: zero loss all along the null line".into();
    }
    let kinks = if r.kinks > 0 { format!(", {} ReLU kinks at θ*", thousands(r.kinks as u64)) } else { String::new() };
    match r.exponent {
        Some(p) => format!("curved: the loss rises ∝ β^{p:.1} along the null line{kinks}"),
        None => format!("the null line stays at zero loss to rounding{kinks}"),
    }
}

/// ridge.svg for the net: log-loss on the plane θ* + α·(θ* − θ0) + β·null, θ0 at α = −1, θ*
/// at the origin, and the zero-loss points Gauss–Newton reaches from the null line (projected;
/// how far off the plane they lie is in the legend).
pub fn net_ridge_svg(r: &NetRidgeShown<'_>) -> anyhow::Result<String> {
    let (lo, hi) = (-SPAN, SPAN);
    let top = r.grid.iter().copied().filter(|v| v.is_finite()).fold(LOSS_FLOOR.log10() + 1.0, f64::max).ceil();
    let floor = (top - SHADED_DECADES).max(LOSS_FLOOR.log10());
    let mid = ((floor + top) / 2.0).round();
    let off = r.curve.iter().map(|z| z.off).fold(0.0, f64::max);
    let keys = vec![
        Key::bar(format!("loss ≤ 1e{floor}"), shade(floor, floor, top), 1.0),
        Key::bar(format!("loss 1e{mid}"), shade(mid, floor, top), 1.0),
        Key::bar(format!("loss 1e{top}"), shade(top, floor, top), 1.0),
        Key::dot("θ0 (start)", START),
        Key::dot("θ* (the run's end)", MLE),
        Key::dot(format!("zero-loss points from the null line, up to {} off the plane", sig4(off)), RIDGE),
    ];
    let title = format!("{} · {}", r.what, statement(r));
    let x_name = format!("α: along θ0 → θ* (|θ* − θ0| = {})", sig4(r.plane.distance));
    let (xs, ys) = (cell_centres(CELLS.0), cell_centres(CELLS.1));
    let (wx, wy) = ((hi - lo) / CELLS.0 as f64, (hi - lo) / CELLS.1 as f64);
    svg(|root| {
        let (top_area, legend) = split_legend(root, &keys);
        let names = (x_name.as_str(), "β: along a null direction of J(θ*)");
        let mut c = chart_on(&top_area, &title, 15, (plane_axis(), plane_axis()), names)?;
        c.draw_series(ys.iter().enumerate().flat_map(|(j, &b)| {
            xs.iter().enumerate().map(move |(i, &a)| {
                let color = shade(r.grid[j * CELLS.0 + i], floor, top);
                Rectangle::new([(a - wx / 2.0, b - wy / 2.0), (a + wx / 2.0, b + wy / 2.0)], color.filled())
            })
        }))
        .map_err(err)?;
        let inside = |z: &&ZeroPoint| (lo..=hi).contains(&z.alpha) && (lo..=hi).contains(&z.beta);
        c.draw_series(r.curve.iter().filter(inside).map(|z| Circle::new((z.alpha, z.beta), 4, RIDGE.filled())))
            .map_err(err)?;
        c.draw_series([Circle::new((-1.0, 0.0), 5, START.filled())]).map_err(err)?;
        c.draw_series([Circle::new((0.0, 0.0), 5, MLE.filled())]).map_err(err)?;
        draw_legend(legend.as_ref(), &keys)
    })
}

/// drift.svg for the net: left, the run's θ − θ0 over every parameter; right, |θ−θ0|/|θ0| and
/// the kernel change of GD from the same init at each width, on log–log axes, with the closed
/// form of |θ−θ0|/|θ0| and the fitted powers.
pub fn net_drift_svg(
    what: &str,
    theta0: &Array1<f64>,
    theta: &Array1<f64>,
    rows: &[DriftRow],
    exponents: Option<(f64, f64)>,
) -> anyhow::Result<String> {
    let delta: Vec<f64> = theta.iter().zip(theta0.iter()).map(|(a, b)| a - b).collect();
    let rel = crate::ridge::drift(theta0, theta).rel_change;
    let fits = exponents.map_or("no fit yet".to_string(), |(a, b)| format!("fits M^{a:.2} and M^{b:.2}"));
    let keys = vec![
        Key::bar("parameters (count)", super::views::BARS, 0.7),
        Key::dot("|θ−θ0|/|θ0| at each width", RUN),
        Key::line("its closed form", POSTERIOR),
        Key::dot("kernel change at each width", PREDICTED),
        Key::line(fits, RIDGE),
    ];
    let title = format!("how far the parameters move · {what}: |θ−θ0|/|θ0| = {}", sig4(rel));
    svg(|root| {
        let (top, legend) = split_legend(root, &keys);
        let top = top.titled(&title, ("sans-serif", super::figure::caption_size(&title, 16))).map_err(err)?;
        let (left, right) = top.split_horizontally(360);
        let k = thousands(delta.len() as u64);
        histogram_panel(&left, &delta, &format!("θ − θ0 of this run's {k} parameters"))?;
        widths_panel(&right, rows, exponents)?;
        draw_legend(legend.as_ref(), &keys)
    })
}

/// The sweep over widths on log–log axes.
fn widths_panel(area: &Area<'_>, rows: &[DriftRow], exponents: Option<(f64, f64)>) -> anyhow::Result<()> {
    let log = |v: f64| if v > 0.0 { Some(v.log10()) } else { None };
    let pts = |f: fn(&DriftRow) -> f64| -> Vec<(f64, f64)> {
        rows.iter().filter_map(|r| Some(((r.width as f64).log10(), log(f(r))?))).collect()
    };
    let (rel, theory, kernel) = (pts(|r| r.rel_change), pts(|r| r.theory), pts(|r| r.kernel_change));
    let all: Vec<(f64, f64)> = rel.iter().chain(&theory).chain(&kernel).copied().collect();
    if all.is_empty() {
        return no_panel(area, "the width sweep has no rows");
    }
    let fold = |f: fn(&(f64, f64)) -> f64| {
        all.iter().map(f).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)))
    };
    let ((x0, x1), (y0, y1)) = (fold(|p| p.0), fold(|p| p.1));
    let (xt, yt) = (decade_ticks(x0, x1), decade_ticks(y0 - 0.2, y1 + 0.2));
    let (xa, xb, ya, yb) = (xt[0], xt[xt.len() - 1], yt[0], yt[yt.len() - 1]);
    let caption = ("GD from the same init at each width M", 13);
    let mut c = super::views::log_log_chart(area, caption, (xt, yt), ("width M (log)", "relative change (log)"))?;
    c.draw_series(LineSeries::new(theory.iter().copied(), POSTERIOR.stroke_width(2))).map_err(err)?;
    c.draw_series(rel.iter().map(|&p| Circle::new(p, 4, RUN.filled()))).map_err(err)?;
    c.draw_series(kernel.iter().map(|&p| Circle::new(p, 4, PREDICTED.filled()))).map_err(err)?;
    if let Some((a, b)) = exponents {
        for (slope, points) in [(a, &rel), (b, &kernel)] {
            let n = points.len().max(1) as f64;
            let centre = points.iter().fold((0.0, 0.0), |(x, y), p| (x + p.0 / n, y + p.1 / n));
            let seg = clip_segment(slope, centre, [xa, xb], [ya, yb]);
            c.draw_series(LineSeries::new(seg, RIDGE.stroke_width(1))).map_err(err)?;
        }
    }
    Ok(())
}
