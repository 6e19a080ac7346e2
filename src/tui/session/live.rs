//! Live values a tour's prose names in braces (`KS now: {ks_posterior}`), each read from the
//! session as it stands when drawn, so no number is typed into the prose. `…` stands for one not
//! known yet (a histogram still filling, a view not computed).

use super::tour::State;
use super::{COMPARED, Current, Session};
use crate::format::sig4;
use crate::theory;

/// How a live value is read from the session (None: not known yet).
pub type Read = fn(&Session) -> Option<String>;

/// Every name, what it reads, and how.
pub const VALUES: &[(&str, &str, Read)] = &[
    ("model", "the current model's name", |s| Some(s.current.name().to_string())),
    ("k", "its number of parameters", |s| Some(thousands(k_n_ridge(s).0))),
    ("n", "the number of data points", |s| Some(thousands(s.data.n()))),
    ("ridge_dim", "the dimension of the zero-loss ridge, k − N", |s| Some(crate::format::ridge_dim(k_n_ridge(s).2))),
    ("optimizer", "the optimizer", |s| Some(s.optimizer.name().to_string())),
    ("seed", "the seed", |s| Some(s.seed.to_string())),
    ("init", "the current run's init", |s| Some(s.init_index().to_string())),
    ("steps", "the current run's steps", |s| Some(thousands(s.steps() as usize))),
    ("loss", "the current run's loss", |s| {
        Some(sig4(match s.current() {
            Current::Line(l) => l.stats.loss,
            Current::Net(n) => n.stats.loss,
        }))
    }),
    ("slope", "the current line's slope now", |s| line(s).map(|l| sig4(l.stats.slope))),
    ("mle", "the least-squares slope", |s| line(s).map(|l| sig4(theory::mle(&l.model)))),
    ("true_slope", "the slope the data were drawn with", |s| s.common.data.is_none().then(|| sig4(s.common.slope))),
    ("post_mean", "the posterior's mean slope", |s| line(s).map(|l| sig4(theory::posterior(&l.model).mean))),
    ("post_sd", "the posterior's sd of the slope", |s| line(s).map(|l| sig4(theory::posterior(&l.model).std))),
    ("pred_sd", "the sd of GD's endpoints in theory", |s| {
        line(s).map(|l| sig4(theory::endpoint_distribution(&l.model, l.hist.optimizer.metric()).std))
    }),
    ("rel_change", "|θ−θ0|/|θ0| of the current run", |s| {
        Some(sig4(match s.current() {
            Current::Line(l) => l.stats.rel_change,
            Current::Net(n) => n.stats.rel_change,
        }))
    }),
    ("runs", "endpoints in the current histogram", |s| {
        Some(thousands(match s.current() {
            Current::Line(l) => l.hist.slopes.len(),
            Current::Net(n) => n.hist.values.len(),
        }))
    }),
    ("mean", "the histogram's mean slope", |s| summary(s).map(|m| sig4(m.mean))),
    ("sd", "the histogram's sd", |s| summary(s).map(|m| sig4(m.std))),
    ("ks_posterior", "KS distance of the histogram to the posterior", |s| {
        summary(s).map(|m| format!("{:.3}", m.ks_posterior.d))
    }),
    ("ks_predicted", "KS distance to GD's predicted endpoints", |s| {
        summary(s).map(|m| format!("{:.3}", m.ks_gd_endpoint.d))
    }),
    ("mean_traditional", "the traditional model's mean endpoint slope", |s| compared(s, 0)),
    ("mean_slightly", "the slightly model's mean endpoint slope", |s| compared(s, 1)),
    ("mean_very", "the very model's mean endpoint slope", |s| compared(s, 2)),
    ("drift_exponent", "the fitted power of |θ−θ0|/|θ0| in M (drift view)", |s| {
        s.drift.as_ref().and_then(|d| d.exponent).map(|e| format!("{e:.2}"))
    }),
    ("width", "the net's width M", |s| Some(s.net_spec.width.to_string())),
    ("x_star", "the point x* where the net is read", |s| Some(sig4(s.at))),
    ("f_star", "the current net's f(x*)", |s| net(s).map(|n| sig4(n.stats.f_star))),
    ("f_lin", "f(x*) where the linearized net would end", |s| net(s).and_then(|n| n.f_lin_star).map(sig4)),
    ("kernel_change", "how far the net's kernel moved", |s| net(s).map(|n| sig4(n.stats.kernel_change))),
    ("nets", "trained nets in the net's histogram", |s| net(s).map(|n| thousands(n.hist.values.len()))),
    ("net_mean", "the nets' mean f(x*)", |s| net_summary(s).map(|m| sig4(m.mean))),
    ("net_sd", "the nets' sd of f(x*)", |s| net_summary(s).map(|m| sig4(m.std))),
    ("ks_ntk", "KS distance of the nets' f(x*) to the NTK-GP", |s| {
        net_summary(s).map(|m| format!("{:.3}", m.ks_ntk_gp.d))
    }),
    ("ks_bayes", "KS distance of the nets' f(x*) to the posterior", |s| {
        net_summary(s).map(|m| format!("{:.3}", m.ks_posterior.d))
    }),
    ("ntk_mean", "the NTK-GP's mean at x*", |s| net(s).map(|n| sig4(n.at_theory.ntk_gp.mean))),
    ("bayes_mean", "the posterior's mean at x*", |s| net(s).map(|n| sig4(n.at_theory.posterior.mean))),
    ("bayes_sd", "the posterior's sd at x*", |s| net(s).map(|n| sig4(n.at_theory.posterior.std))),
    ("test_error", "the current run's test error now", |s| {
        let t = match s.current() {
            Current::Line(l) => l.test.as_ref(),
            Current::Net(n) => n.test.as_ref(),
        };
        t.map(|t| t.error).filter(|e| e.is_finite()).map(sig4)
    }),
    ("noise_prior", "the net's noise parameters' prior sd σn (0: none)", |s| net(s).map(|n| sig4(n.net.sigma))),
    ("risk_peak", "risk view: the largest error without noise parameters, and its width", |s| {
        risk_rows(s, false)
            .into_iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(m, e)| format!("{} at M = {m}", sig4(e)))
    }),
    ("risk_widest", "risk view: the error without noise parameters at the widest M", |s| {
        risk_rows(s, false).last().map(|(_, e)| sig4(*e))
    }),
    ("risk_noise_max", "risk view: the largest error with noise parameters from M = 32 up", |s| {
        risk_rows(s, true).into_iter().filter(|(m, _)| *m >= 32).map(|(_, e)| e).reduce(f64::max).map(sig4)
    }),
    ("risk_traditional", "risk view: the traditional line's expected test error", |s| {
        risk(s).map(|c| sig4(c.lines.traditional.total))
    }),
    ("gap_sd", "|NTK-GP mean − posterior mean| / posterior sd at x*", |s| {
        net(s).map(|n| {
            let (g, p) = (n.at_theory.ntk_gp, n.at_theory.posterior);
            format!("{:.2}", ((g.mean - p.mean) / p.std).abs())
        })
    }),
];

/// The risk view's curve, once whole (a part of it would name a false peak or widest width).
fn risk(s: &Session) -> Option<&crate::risk::curve::Curve> {
    s.risk.as_ref().filter(|r| r.done() && r.error.is_none()).and_then(|r| r.curve.as_ref())
}

/// (width, mean closed-form error) of the risk curve with (`noise`) or without noise parameters.
fn risk_rows(s: &Session, noise: bool) -> Vec<(usize, f64)> {
    let Some(c) = risk(s) else { return Vec::new() };
    let rows = c.rows.iter().filter(|r| (r.sigma > 0.0) == noise);
    rows.filter_map(|r| r.closed.as_ref().map(|m| (r.width, m.mean))).filter(|(_, e)| e.is_finite()).collect()
}

fn thousands(v: usize) -> String {
    crate::format::thousands(v as u64)
}

fn line(s: &Session) -> Option<&super::line::LineState> {
    match s.current() {
        Current::Line(l) => Some(l),
        Current::Net(_) => None,
    }
}

fn net(s: &Session) -> Option<&super::net::NetState> {
    s.net()
}

fn summary(s: &Session) -> Option<&crate::ensemble::Summary> {
    line(s).and_then(|l| l.hist.summary.as_ref())
}

fn net_summary(s: &Session) -> Option<&super::net::NetSummary> {
    net(s).and_then(|n| n.hist.summary.as_ref())
}

fn compared(s: &Session, i: usize) -> Option<String> {
    let line = s.line_of(*COMPARED.get(i)?)?;
    line.hist.summary.as_ref().map(|m| sig4(m.mean))
}

/// (k, N, k − N) of the current run.
fn k_n_ridge(s: &Session) -> (usize, usize, i64) {
    match s.current() {
        Current::Line(l) => (l.model.k(), l.model.n(), l.model.ridge_dim() as i64),
        Current::Net(n) => (n.net.k(), n.net.n(), n.net.ridge_dim()),
    }
}

/// The names in `text`'s braces, in order.
fn names(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// Whether every name in `text`'s braces is a live value.
pub fn check(text: &str) -> Result<(), String> {
    for name in names(text) {
        if !VALUES.iter().any(|(n, _, _)| *n == name) {
            let known: Vec<&str> = VALUES.iter().map(|(n, _, _)| *n).collect();
            return Err(format!("unknown live value {{{name}}} (known: {})", known.join(", ")));
        }
    }
    Ok(())
}

/// `text` with each `{name}` replaced by its value now.
pub fn fill(text: &str, s: &Session) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.split_once('}') {
            Some((name, tail)) => {
                let value = VALUES.iter().find(|(n, _, _)| *n == name).and_then(|(_, _, f)| f(s));
                // Not known yet: "…"; never a NaN or an infinity on screen.
                let shown = value.filter(|v| !v.contains("NaN") && !v.contains("inf"));
                out.push_str(shown.as_deref().unwrap_or("…"));
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether the session is in `state` now (a tour's check waits for it).
pub fn holds(state: &State, s: &Session) -> bool {
    match state {
        State::Converged => match s.current() {
            Current::Line(l) => l.run.converged(),
            Current::Net(n) => n.run.converged(),
        },
        State::Optimizer(o) => s.optimizer == *o,
        State::Runs(n) => {
            let have = match s.current() {
                Current::Line(l) => l.hist.slopes.len(),
                Current::Net(n) => n.hist.values.len(),
            };
            have as u64 >= *n
        }
    }
}
