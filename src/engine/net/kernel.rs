//! The infinite-width kernels of the net in closed form (THEORY.md, "The wide network",
//! "Kernels"): the NNGP K (the prior over functions) and the NTK Θ, for ReLU and erf.
//!
//! Inputs are standardized x̃; every function here works on x̃, never on data units.

use ndarray::Array2;
use serde::Serialize;

/// The hidden-layer nonlinearity φ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Act {
    /// φ(z) = max(z, 0): the arc-cosine kernel.
    #[default]
    Relu,
    /// φ(z) = erf(z): the arcsine kernel.
    Erf,
}

impl Act {
    pub fn name(self) -> &'static str {
        match self {
            Act::Relu => "relu",
            Act::Erf => "erf",
        }
    }
}

/// Which parameters training moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum TrainMode {
    /// Every parameter (w, b, a, c, ε): the NTK regime.
    #[default]
    All,
    /// w and b frozen at init: the model is linear in what is trained (a, c, ε).
    Last,
}

impl TrainMode {
    pub fn name(self) -> &'static str {
        match self {
            TrainMode::All => "all",
            TrainMode::Last => "last",
        }
    }
}

/// The prior scales σw, σb, σa, σc (all 1 in overparam; kept explicit so the formulas read as
/// THEORY.md writes them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scales {
    pub w: f64,
    pub b: f64,
    pub a: f64,
    pub c: f64,
}

impl Default for Scales {
    fn default() -> Self {
        Scales { w: 1.0, b: 1.0, a: 1.0, c: 1.0 }
    }
}

impl Scales {
    /// S(x, x') = σw² x̃ x̃' + σb²: the covariance of the pre-activations.
    #[inline]
    pub fn s(&self, x1: f64, x2: f64) -> f64 {
        self.w * self.w * x1 * x2 + self.b * self.b
    }
}

/// V = E φ(u)φ(v) and V̇ = E φ'(u)φ'(v) for (u, v) ~ N(0, [[S11, S12], [S12, S22]]).
pub fn v_vdot(act: Act, s11: f64, s22: f64, s12: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    match act {
        Act::Relu => {
            let prod = s11 * s22;
            let norm = prod.sqrt();
            let cos = if norm > 0.0 { (s12 / norm).clamp(-1.0, 1.0) } else { 1.0 };
            let t = cos.acos();
            let v = ((prod - s12 * s12).max(0.0).sqrt() + (PI - t) * s12) / (2.0 * PI);
            (v, (PI - t) / (2.0 * PI))
        }
        Act::Erf => {
            let d = (1.0 + 2.0 * s11) * (1.0 + 2.0 * s22);
            let v = (2.0 / PI) * (2.0 * s12 / d.sqrt()).clamp(-1.0, 1.0).asin();
            let vdot = (4.0 / PI) / (d - 4.0 * s12 * s12).max(f64::MIN_POSITIVE).sqrt();
            (v, vdot)
        }
    }
}

/// K(x, x') and Θ(x, x') at two standardized inputs: K = σa²V + σc²; Θ = K + σa²·S·V̇ (all
/// layers) or Θ = K (last layer only).
pub fn k_theta(act: Act, train: TrainMode, sc: &Scales, x1: f64, x2: f64) -> (f64, f64) {
    let (s11, s22, s12) = (sc.s(x1, x1), sc.s(x2, x2), sc.s(x1, x2));
    let (v, vdot) = v_vdot(act, s11, s22, s12);
    let k = sc.a * sc.a * v + sc.c * sc.c;
    let theta = match train {
        TrainMode::All => k + sc.a * sc.a * s12 * vdot,
        TrainMode::Last => k,
    };
    (k, theta)
}

/// The matrices K(A, B) and Θ(A, B) over two lists of standardized inputs (no noise block).
pub fn k_theta_matrices(act: Act, train: TrainMode, sc: &Scales, a: &[f64], b: &[f64]) -> (Array2<f64>, Array2<f64>) {
    let mut k = Array2::zeros((a.len(), b.len()));
    let mut t = Array2::zeros((a.len(), b.len()));
    for (i, &x1) in a.iter().enumerate() {
        for (j, &x2) in b.iter().enumerate() {
            let (kv, tv) = k_theta(act, train, sc, x1, x2);
            k[[i, j]] = kv;
            t[[i, j]] = tv;
        }
    }
    (k, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relu_diagonal_matches_theory() {
        // THEORY.md: K(x,x) = σa²S₁₁/2 + σc², Θ(x,x) = σa²S₁₁ + σc².
        let sc = Scales::default();
        for x in [-3.0, -0.5, 0.0, 0.7, 2.5] {
            let s11 = sc.s(x, x);
            let (k, t) = k_theta(Act::Relu, TrainMode::All, &sc, x, x);
            assert!((k - (s11 / 2.0 + 1.0)).abs() < 1e-12, "K({x},{x}) = {k}");
            assert!((t - (s11 + 1.0)).abs() < 1e-12, "Θ({x},{x}) = {t}");
            let (k2, t2) = k_theta(Act::Relu, TrainMode::Last, &sc, x, x);
            assert_eq!((k2, t2), (k, k));
        }
    }

    #[test]
    fn erf_diagonal_and_symmetry() {
        let sc = Scales::default();
        for x in [-2.0, 0.0, 1.3] {
            let s = sc.s(x, x);
            let (k, t) = k_theta(Act::Erf, TrainMode::All, &sc, x, x);
            let v = (2.0 / std::f64::consts::PI) * (2.0 * s / (1.0 + 2.0 * s)).asin();
            let vdot = (4.0 / std::f64::consts::PI) / (1.0 + 4.0 * s).sqrt();
            assert!((k - (v + 1.0)).abs() < 1e-12);
            assert!((t - (v + 1.0 + s * vdot)).abs() < 1e-12);
            let (k12, t12) = k_theta(Act::Erf, TrainMode::All, &sc, x, 0.4);
            let (k21, t21) = k_theta(Act::Erf, TrainMode::All, &sc, 0.4, x);
            assert!((k12 - k21).abs() < 1e-15 && (t12 - t21).abs() < 1e-15);
        }
    }
}
