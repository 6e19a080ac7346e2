//! Where training ends, in closed form (THEORY.md, "The wide network", "Where training ends"):
//! over inits, the NTK Gaussian process (all layers) and the Bayesian posterior (the prior
//! f ~ GP(0, K), noise σn²), at any test point; and the parameter drift it predicts.
//!
//! Train block with the noise parameters: K̂ = K(X,X) + σn²I, Θ̂ = Θ(X,X) + σn²I (both factored
//! once, by Cholesky; at σn = 0, with no noise parameters, by eigendecomposition, and every
//! inverse below is then the pseudo-inverse: kernel interpolation). At x*: K* = K(x*,X), Θ* = Θ(x*,X), K** = K(x*,x*).
//! - NTK-GP: mean Θ*Θ̂⁻¹Y, variance K** + A K̂ Aᵀ − 2 A K*ᵀ with A = Θ*Θ̂⁻¹.
//! - Posterior: mean K*K̂⁻¹Y, variance K** − K*K̂⁻¹K*ᵀ.
//!
//! With `--train last`, Θ = K and the two coincide: training the last layer samples the posterior.

use ndarray::{Array1, Array2};
use serde::Serialize;

use super::kernel::{Scales, TrainMode, k_theta, k_theta_matrices};
use super::linalg::SymSolve;
use super::model::Net;
use crate::error::Result;
use crate::theory::Normal;

/// The two predicted distributions of f(x*) over random inits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prediction {
    /// x* in data units.
    pub x: f64,
    /// Where trained nets end (all layers: the NTK-GP; last layer: the posterior).
    pub ntk_gp: Normal,
    /// The Bayesian posterior.
    pub posterior: Normal,
}

/// One distribution's mean and std at each of a list of points (the NTK-GP's or the
/// posterior's over test points or a grid, or the trained nets'): `train` prints it, the
/// figures draw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
}

impl Band {
    /// The distribution `pick` chooses (e.g. `|p| p.ntk_gp`) at each prediction.
    pub fn of(preds: &[Prediction], pick: impl Fn(&Prediction) -> Normal) -> Band {
        Band { mean: preds.iter().map(|p| pick(p).mean).collect(), std: preds.iter().map(|p| pick(p).std).collect() }
    }
}

/// The infinite-width kernels on the training inputs, factored: everything a prediction needs.
#[derive(Debug, Clone)]
pub struct NetTheory {
    act: super::kernel::Act,
    train: TrainMode,
    scales: Scales,
    xt: Vec<f64>,
    x_mean: f64,
    x_std: f64,
    /// K(X,X) and Θ(X,X), without the noise block.
    pub k_train: Array2<f64>,
    pub theta_train: Array2<f64>,
    /// K̂ and Θ̂ (with the noise block), factored.
    chol_k: SymSolve,
    chol_t: SymSolve,
    /// K̂ with the noise block (for A K̂ Aᵀ).
    k_hat: Array2<f64>,
    alpha_k: Array1<f64>,
    alpha_t: Array1<f64>,
    y: Array1<f64>,
}

/// The kernel matrices at test points, as `predict --dump-kernels` prints them (no noise block).
#[derive(Debug, Clone, Serialize)]
pub struct KernelDump {
    pub k_xx: Vec<Vec<f64>>,
    pub theta_xx: Vec<Vec<f64>>,
    pub k_sx: Vec<Vec<f64>>,
    pub theta_sx: Vec<Vec<f64>>,
    pub k_ss: Vec<Vec<f64>>,
}

fn rows(m: &Array2<f64>) -> Vec<Vec<f64>> {
    m.rows().into_iter().map(|r| r.to_vec()).collect()
}

impl NetTheory {
    /// Builds and factors the kernels of `net`'s architecture on its training inputs. O(N³).
    pub fn new(net: &Net) -> Result<NetTheory> {
        let (k_train, theta_train) = k_theta_matrices(net.act, net.train, &net.scales, &net.xt, &net.xt);
        let s2 = net.sigma * net.sigma;
        let mut k_hat = k_train.clone();
        let mut t_hat = theta_train.clone();
        for i in 0..net.n() {
            k_hat[[i, i]] += s2;
            t_hat[[i, i]] += s2;
        }
        let definite = net.has_noise_params();
        let chol_k = SymSolve::new(k_hat.view(), definite)?;
        let chol_t = SymSolve::new(t_hat.view(), definite)?;
        let y = Array1::from(net.y.clone());
        let alpha_k = chol_k.solve(y.view());
        let alpha_t = chol_t.solve(y.view());
        Ok(NetTheory {
            act: net.act,
            train: net.train,
            scales: net.scales,
            xt: net.xt.clone(),
            x_mean: net.x_mean,
            x_std: net.x_std,
            k_train,
            theta_train,
            chol_k,
            chol_t,
            k_hat,
            alpha_k,
            alpha_t,
            y,
        })
    }

    fn standardize(&self, x: f64) -> f64 {
        (x - self.x_mean) / self.x_std
    }

    /// Both predictions at x* (data units). O(N²).
    pub fn at(&self, x: f64) -> Prediction {
        let xs = self.standardize(x);
        let n = self.xt.len();
        let mut ks = Array1::zeros(n);
        let mut ts = Array1::zeros(n);
        for (i, &xi) in self.xt.iter().enumerate() {
            let (k, t) = k_theta(self.act, self.train, &self.scales, xs, xi);
            ks[i] = k;
            ts[i] = t;
        }
        let (kss, _) = k_theta(self.act, self.train, &self.scales, xs, xs);
        let post_mean = ks.dot(&self.alpha_k);
        let post_var = kss - ks.dot(&self.chol_k.solve(ks.view()));
        let a = self.chol_t.solve(ts.view());
        let ntk_mean = ts.dot(&self.alpha_t);
        let ntk_var = kss + a.dot(&self.k_hat.dot(&a)) - 2.0 * a.dot(&ks);
        let normal = |mean: f64, var: f64| Normal { mean, std: var.max(0.0).sqrt() };
        Prediction { x, ntk_gp: normal(ntk_mean, ntk_var), posterior: normal(post_mean, post_var) }
    }

    /// `at` for every x (data units).
    pub fn predict(&self, xs: &[f64]) -> Vec<Prediction> {
        xs.iter().map(|&x| self.at(x)).collect()
    }

    /// The predicted |θ − θ0|/|θ0| for k parameters: √((YᵀΘ̂⁻¹Y + tr Θ̂⁻¹K̂)/k) (THEORY.md,
    /// "Finite width"). O(N³).
    pub fn rel_change(&self, k: usize) -> f64 {
        let z = self.chol_t.solve_matrix(self.k_hat.view());
        let tr: f64 = (0..z.nrows()).map(|i| z[[i, i]]).sum();
        ((self.y.dot(&self.alpha_t) + tr) / k as f64).sqrt()
    }

    /// The kernel matrices at test points xs (data units): K(X,X), Θ(X,X), K(x*,X), Θ(x*,X),
    /// K(x*,x*), none with the noise block.
    pub fn kernels(&self, xs: &[f64]) -> KernelDump {
        let st: Vec<f64> = xs.iter().map(|&x| self.standardize(x)).collect();
        let (k_sx, t_sx) = k_theta_matrices(self.act, self.train, &self.scales, &st, &self.xt);
        let (k_ss, _) = k_theta_matrices(self.act, self.train, &self.scales, &st, &st);
        KernelDump {
            k_xx: rows(&self.k_train),
            theta_xx: rows(&self.theta_train),
            k_sx: rows(&k_sx),
            theta_sx: rows(&t_sx),
            k_ss: rows(&k_ss),
        }
    }
}
