//! The expected test error over inits, in closed form (THEORY.md, "Does it overfit?"), for every
//! model linear in what it trains: with A = K + σn²I (its pseudo-inverse at σn = 0),
//! m(x) = k(x)ᵀA⁺y and v(x) = k(x,x) − k(x)ᵀA⁺k(x),
//! E_init R = mean_x (m(x) − target(x))² + mean_x v(x): the posterior mean's error and the
//! posterior variance (the price of one sample over the mean).
//!
//! One eigendecomposition K = UΛUᵀ serves every σn: A⁺ = U·diag(1/(λ + σn²))·Uᵀ, dropping
//! eigenvalues below N·ε·λmax at σn = 0. The variance term needs only C = K*ᵀK*/G (N×N) and
//! D_i = u_iᵀCu_i: mean_x k(x)ᵀA⁺k(x) = Σ_i D_i/(λ_i + σn²). Cost O(G·N² + N³) per Gram.

use ndarray::{Array1, Array2};
use serde::Serialize;

use super::eigh::{Eigh, eigh};
use super::gram::Gram;

/// The expected test error over inits and its two parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Expected {
    /// mean_x (m(x) − target)²: the posterior mean's error.
    pub mean_error: f64,
    /// mean_x v(x): the posterior variance.
    pub variance: f64,
    /// Their sum: the expected error of one trained net (one posterior sample).
    pub total: f64,
}

impl Expected {
    pub fn new(mean_error: f64, variance: f64) -> Expected {
        let variance = variance.max(0.0);
        Expected { mean_error, variance, total: mean_error + variance }
    }
}

/// K's eigendecomposition with what every σn reuses.
pub struct Spectral {
    eig: Eigh,
    /// u_iᵀy.
    uy: Array1<f64>,
    /// D_i = u_iᵀ C u_i, C = K*ᵀK*/G.
    d: Array1<f64>,
    /// mean_x k(x, x).
    mean_kss: f64,
    /// Eigenvalues at or below this count as 0 for the pseudo-inverse.
    tol: f64,
}

impl Spectral {
    pub fn new(gram: &Gram, y: &[f64]) -> Spectral {
        let n = gram.k.nrows();
        let eig = eigh(gram.k.view());
        let lmax = eig.values.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        let tol = n as f64 * f64::EPSILON * lmax;
        let y = Array1::from(y.to_vec());
        let uy = eig.vectors.dot(&y);
        let c = test_gram(gram);
        let uc = eig.vectors.dot(&c);
        let d = Array1::from_iter(uc.rows().into_iter().zip(eig.vectors.rows()).map(|(a, u)| a.dot(&u)));
        let g = gram.kss.len().max(1) as f64;
        Spectral { eig, uy, d, mean_kss: gram.kss.iter().sum::<f64>() / g, tol }
    }

    /// 1/(λ_i + σn²), or 0 for an eigenvalue the pseudo-inverse drops (σn = 0).
    fn inverse(&self, sigma: f64) -> Array1<f64> {
        let s2 = sigma * sigma;
        self.eig.values.mapv(|l| {
            if sigma > 0.0 {
                1.0 / (l.max(0.0) + s2)
            } else if l > self.tol {
                1.0 / l
            } else {
                0.0
            }
        })
    }

    /// α = A⁺y: m(x) = k(x)ᵀα.
    pub fn alpha(&self, sigma: f64) -> Array1<f64> {
        let inv = self.inverse(sigma);
        self.eig.vectors.t().dot(&(&self.uy * &inv))
    }

    /// The expected error at σn = `sigma` against `target` at the Gram's test points.
    pub fn expected(&self, gram: &Gram, target: &[f64], sigma: f64) -> Expected {
        let m = gram.ks.dot(&self.alpha(sigma));
        let g = target.len().max(1) as f64;
        let mean_error = m.iter().zip(target).map(|(a, t)| (a - t) * (a - t)).sum::<f64>() / g;
        let explained: f64 = self.d.iter().zip(self.inverse(sigma).iter()).map(|(d, i)| d * i).sum();
        Expected::new(mean_error, self.mean_kss - explained)
    }
}

/// C = K*ᵀK*/G (a matrix product, blocked by ndarray's GEMM).
fn test_gram(gram: &Gram) -> Array2<f64> {
    let g = gram.ks.nrows().max(1) as f64;
    gram.ks.t().dot(&gram.ks) / g
}

/// The expected errors at each σn of `sigmas`, from one decomposition.
pub fn expected_errors(gram: &Gram, y: &[f64], target: &[f64], sigmas: &[f64]) -> Vec<Expected> {
    let sp = Spectral::new(gram, y);
    sigmas.iter().map(|&s| sp.expected(gram, target, s)).collect()
}

/// All layers trained, width → ∞: the NTK-GP's mean Θ*Θ̂⁺Y and variance
/// K** + aᵀK̂a − 2aᵀk*, a = Θ̂⁺θ*, turned into the expected error. `theta` holds the NTK blocks
/// (Θ, Θ*, unused diagonal), `k` the NNGP's.
pub fn ntk_gp_expected(k: &Gram, theta: &Gram, y: &[f64], target: &[f64], sigma: f64) -> Expected {
    let n = k.k.nrows();
    let tsp = Spectral::new(&Gram { k: theta.k.clone(), ks: Array2::zeros((0, n)), kss: vec![] }, y);
    let inv = tsp.inverse(sigma);
    let u = &tsp.eig.vectors;
    // Θ̂⁺ = Uᵀ diag(inv) U; a_g = Θ̂⁺ θ*_g, all g at once: (Θ* Uᵀ) diag(inv) U.
    let proj = theta.ks.dot(&u.t()) * &inv;
    let a = proj.dot(u);
    let mut k_hat = k.k.clone();
    for i in 0..n {
        k_hat[[i, i]] += sigma * sigma;
    }
    let mean = a.dot(&Array1::from(y.to_vec()));
    let ak = a.dot(&k_hat);
    let g = target.len().max(1) as f64;
    let mut err = 0.0;
    let mut var = 0.0;
    for (gi, t) in target.iter().enumerate() {
        let ag = a.row(gi);
        err += (mean[gi] - t) * (mean[gi] - t);
        var += (k.kss[gi] + ak.row(gi).dot(&ag) - 2.0 * ag.dot(&k.ks.row(gi))).max(0.0);
    }
    Expected::new(err / g, var / g)
}
