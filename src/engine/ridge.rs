//! The ridge itself, and how little the parameters move (THEORY.md, "Where gradient descent
//! ends" and "Useful derived figures").
//!
//! A 2-D slice through the endpoint θ*: the `across` axis runs along θ0 → θ* (in range(Jᵀ), where
//! the loss is quadratic); the `along` axis is the unit direction of null(J) that changes the
//! slope most (the ridge: the loss stays zero).

use ndarray::{Array1, ArrayView1};
use serde::Serialize;

use crate::error::{Result, invalid};
use crate::model::{Metric, Model, ModelKind};

/// Losses below this count as zero (the ridge) on a log scale: the explorer's ridge view and ridge.svg.
pub const LOSS_FLOOR: f64 = 1e-12;

/// The slice's frame: origin θ*, unit axes, and the init's distance from the ridge.
#[derive(Debug, Clone)]
pub struct RidgeSlice {
    pub theta_star: Array1<f64>,
    /// Unit vector from θ0 towards θ* (across the ridge).
    pub across: Array1<f64>,
    /// Unit null-space direction of J with the largest slope component (along the ridge).
    pub along: Array1<f64>,
    /// |θ* − θ0|.
    pub distance: f64,
    /// J·across and J·along (length N): the loss at θ* + s·across + t·along is ½|s·Ja + t·Jb|².
    j_across: Array1<f64>,
    j_along: Array1<f64>,
}

impl RidgeSlice {
    /// The slice through the endpoint of GD (in `metric`) from θ0. Needs an overparameterized
    /// model: the traditional model has a single minimum, not a ridge.
    pub fn new(model: &Model, theta0: &Array1<f64>, metric: Metric) -> Result<RidgeSlice> {
        if model.kind == ModelKind::Traditional {
            return Err(invalid!("the traditional model has a single minimum, not a ridge"));
        }
        let theta_star = model.endpoint(theta0.view(), metric);
        let diff = &theta_star - theta0;
        let distance = diff.dot(&diff).sqrt();
        let across = if distance > 0.0 { diff / distance } else { unit(model.k(), 0) };
        // Project e_c onto null(J): e_c − Jᵀ(JJᵀ)⁻¹ J e_c, with J e_c = x and, by
        // Sherman–Morrison, (JJᵀ)⁻¹ x = (x − x·X/(a+X))/a = x/(a+X).
        let w = &model.data.x / (model.a() + model.xx());
        let mut along = unit(model.k(), 0) - model.apply_jt(w.view());
        let norm = along.dot(&along).sqrt();
        along /= norm;
        let j_across = model.apply_j(across.view());
        let j_along = model.apply_j(along.view());
        Ok(RidgeSlice { theta_star, across, along, distance, j_across, j_along })
    }

    /// The point θ* + s·across + t·along.
    pub fn point(&self, s: f64, t: f64) -> Array1<f64> {
        &self.theta_star + &(&self.across * s) + &(&self.along * t)
    }

    /// Coordinates (s, t) of θ projected onto the slice.
    pub fn coords(&self, theta: &Array1<f64>) -> (f64, f64) {
        let d = theta - &self.theta_star;
        (d.dot(&self.across), d.dot(&self.along))
    }

    /// The loss at θ* + s·across + t·along in O(N): the models are linear and r(θ*) ≈ 0, so the
    /// residual there is −(s·J·across + t·J·along) plus θ*'s own (tiny) residual, which is kept.
    pub fn loss(&self, model: &Model, s: f64, t: f64) -> f64 {
        let r_star = model.residuals(self.theta_star.view());
        let r = &r_star - &(&self.j_across * s) - &(&self.j_along * t);
        0.5 * r.dot(&r)
    }

    /// log10 of the loss at every (s, t) with s from `ss` (columns) and t from `ts` (rows),
    /// row-major, floored at `floor` so the ridge itself is finite. O(N) per point.
    pub fn log_loss_grid(&self, model: &Model, ss: &[f64], ts: &[f64], floor: f64) -> Vec<f64> {
        let r_star = model.residuals(self.theta_star.view());
        let mut out = Vec::with_capacity(ss.len() * ts.len());
        for &t in ts {
            let base = &r_star - &(&self.j_along * t);
            for &s in ss {
                let r = &base - &(&self.j_across * s);
                out.push((0.5 * r.dot(&r)).max(floor).log10());
            }
        }
        out
    }
}

impl RidgeSlice {
    /// `log_loss_grid` in O(N + cells): the loss is a quadratic form in (s, t), ½|r* − s·a − t·b|²
    /// with a = J·across and b = J·along, so six dot products give every cell (ridge.svg, whose
    /// grid would otherwise cost O(N) per cell on a million points). Rounding can take the
    /// expanded form below zero near the ridge: it is floored at `floor` as the direct one is.
    pub fn log_loss_grid_fast(&self, model: &Model, ss: &[f64], ts: &[f64], floor: f64) -> Vec<f64> {
        let r = model.residuals(self.theta_star.view());
        let (a, b) = (&self.j_across, &self.j_along);
        let (rr, aa, bb, ra, rb, ab) = (r.dot(&r), a.dot(a), b.dot(b), r.dot(a), r.dot(b), a.dot(b));
        let mut out = Vec::with_capacity(ss.len() * ts.len());
        for &t in ts {
            for &s in ss {
                let q = rr + s * s * aa + t * t * bb - 2.0 * s * ra - 2.0 * t * rb + 2.0 * s * t * ab;
                out.push((0.5 * q).max(floor).log10());
            }
        }
        out
    }
}

fn unit(k: usize, i: usize) -> Array1<f64> {
    let mut e = Array1::zeros(k);
    e[i] = 1.0;
    e
}

/// How far the parameters moved from θ0 to θ.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Drift {
    /// |θ − θ0| / |θ0|.
    pub rel_change: f64,
    /// The largest change of any noise parameter, max_i |ξ_i − ξ0_i| (the slope is reported
    /// apart: it must move O(1) to fit the data, whatever M).
    pub max_change: f64,
    /// |c − c0|.
    pub slope_change: f64,
}

pub fn drift(theta0: &Array1<f64>, theta: &Array1<f64>) -> Drift {
    let d = theta - theta0;
    Drift {
        rel_change: d.dot(&d).sqrt() / theta0.dot(theta0).sqrt(),
        max_change: d.iter().skip(1).fold(0.0, |m, v| m.max(v.abs())),
        slope_change: d.first().map_or(0.0, |v| v.abs()),
    }
}

/// Counts of the changes `delta` (θ − θ0, or a part of it) in `bins` equal bins over their
/// range, and the range used.
pub fn change_histogram(delta: ArrayView1<f64>, bins: usize) -> (Vec<u64>, f64, f64) {
    let lo = delta.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = delta.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let mut counts = vec![0u64; bins.max(1)];
    if !(lo.is_finite() && hi.is_finite()) {
        return (counts, 0.0, 0.0);
    }
    let width = (hi - lo).max(f64::MIN_POSITIVE);
    let nb = counts.len();
    for v in delta.iter() {
        let b = (((v - lo) / width) * nb as f64) as usize;
        counts[b.min(nb - 1)] += 1;
    }
    (counts, lo, hi)
}

/// One row of a sweep over the number of noise sources M.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SweepRow {
    pub sources: usize,
    pub k: usize,
    pub rel_change: f64,
    pub max_change: f64,
    pub slope_change: f64,
}

/// The least-squares exponent b in y ≈ A·x^b (a line in log–log).
pub fn power_law_exponent(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let pts: Vec<(f64, f64)> =
        xs.iter().zip(ys).filter(|(x, y)| **x > 0.0 && **y > 0.0).map(|(x, y)| (x.ln(), y.ln())).collect();
    if pts.len() < 2 {
        return None;
    }
    let n = pts.len() as f64;
    let (mx, my) = (pts.iter().map(|p| p.0).sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n);
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// The power between each pair of successive points, ln(y₂/y₁)/ln(x₂/x₁): where a single fit
/// hides that the law changes along the way (a 1/M part giving way to an M^−½ one). `None` for a
/// pair without two positive values.
pub fn local_exponents(xs: &[f64], ys: &[f64]) -> Vec<Option<f64>> {
    xs.windows(2).zip(ys.windows(2)).map(|(x, y)| power_law_exponent(x, y)).collect()
}

/// The numbers of noise sources M a sweep runs at when none are given (`sweep`, the explorer's
/// drift view): decades, enough to read the power law off.
pub const SWEEP_SOURCES: [usize; 4] = [1, 10, 100, 1000];

/// For each M, GD's endpoint (closed form) from one init of the very model on `data`, and how far
/// the parameters moved. The init of every M comes from the same (seed, init) stream.
pub fn sweep(
    data: &crate::data::Dataset,
    sigma: f64,
    sources: &[usize],
    seed: u64,
    init: u64,
) -> Result<Vec<SweepRow>> {
    sources
        .iter()
        .map(|&m| {
            let model = Model::new(ModelKind::Very, data.clone(), sigma, m)?;
            let theta0 = model.init(&mut crate::rng::stream(seed, crate::rng::Stream::Init, init));
            let theta = model.endpoint(theta0.view(), Metric::Euclidean);
            let d = drift(&theta0, &theta);
            Ok(SweepRow {
                sources: m,
                k: model.k(),
                rel_change: d.rel_change,
                max_change: d.max_change,
                slope_change: d.slope_change,
            })
        })
        .collect()
}
