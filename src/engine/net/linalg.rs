//! The little dense linear algebra the net's theory needs, written out (no linear-algebra
//! crate): a Cholesky factorization with its solves, and λmax of a symmetric matrix.
//! Kernel matrices are ill-conditioned (THEORY.md, "Conditioning"): never an explicit inverse.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

use crate::error::{Error, Result};

/// The lower-triangular factor L of a symmetric positive definite A = L·Lᵀ.
#[derive(Debug, Clone)]
pub struct Cholesky {
    l: Array2<f64>,
}

impl Cholesky {
    /// Factors `a` (only its lower triangle is read). Fails when `a` is not numerically
    /// positive definite.
    pub fn new(a: ArrayView2<f64>) -> Result<Cholesky> {
        let n = a.nrows();
        let mut l = Array2::<f64>::zeros((n, n));
        for j in 0..n {
            let row_j: Vec<f64> = l.row(j).iter().take(j).copied().collect();
            let d = a[[j, j]] - row_j.iter().map(|v| v * v).sum::<f64>();
            if !(d > 0.0 && d.is_finite()) {
                return Err(Error::NonFinite(format!(
                    "a kernel matrix is not positive definite (pivot {j} is {d:e}); raise --noise"
                )));
            }
            let djj = d.sqrt();
            l[[j, j]] = djj;
            for i in j + 1..n {
                let s: f64 = l.row(i).iter().zip(&row_j).map(|(a, b)| a * b).sum();
                l[[i, j]] = (a[[i, j]] - s) / djj;
            }
        }
        Ok(Cholesky { l })
    }

    pub fn n(&self) -> usize {
        self.l.nrows()
    }

    /// x with A·x = b: L y = b forward, then Lᵀ x = y backward.
    pub fn solve(&self, b: ArrayView1<f64>) -> Array1<f64> {
        let n = self.n();
        let l = &self.l;
        let mut y = b.to_owned();
        for i in 0..n {
            let s: f64 = (0..i).map(|k| l[[i, k]] * y[k]).sum();
            y[i] = (y[i] - s) / l[[i, i]];
        }
        for i in (0..n).rev() {
            let s: f64 = (i + 1..n).map(|k| l[[k, i]] * y[k]).sum();
            y[i] = (y[i] - s) / l[[i, i]];
        }
        y
    }

    /// X with A·X = B, column by column.
    pub fn solve_matrix(&self, b: ArrayView2<f64>) -> Array2<f64> {
        let mut x = Array2::zeros(b.raw_dim());
        for (j, col) in b.columns().into_iter().enumerate() {
            x.column_mut(j).assign(&self.solve(col));
        }
        x
    }
}

/// The largest eigenvalue of a symmetric positive semi-definite matrix by power iteration: the
/// Rayleigh quotient, which approaches λmax from below, until it changes by < 1e-13 relative.
pub fn lambda_max(a: ArrayView2<f64>) -> f64 {
    let n = a.nrows();
    if n == 0 {
        return 0.0;
    }
    // Start from a fixed vector with a component along every direction a kernel matrix favours.
    let mut v = Array1::from_iter((0..n).map(|i| 1.0 + 0.01 * i as f64));
    let norm = v.dot(&v).sqrt();
    v /= norm;
    let mut lambda = 0.0;
    for _ in 0..10_000 {
        let w = a.dot(&v);
        let next = v.dot(&w);
        let wn = w.dot(&w).sqrt();
        if !(wn > 0.0 && wn.is_finite()) {
            return next.max(0.0);
        }
        v = w / wn;
        if (next - lambda).abs() <= 1e-13 * next.abs() {
            return next;
        }
        lambda = next;
    }
    lambda
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn cholesky_solves_and_lambda_max_of_rank_one_plus_identity() {
        // x xᵀ + a·I: λmax = |x|² + a (THEORY.md, "Curvature").
        let x = Array1::from(vec![0.3, -1.2, 2.0, 0.5]);
        let a = 0.7;
        let m = Array2::from_shape_fn((4, 4), |(i, j)| x[i] * x[j] + if i == j { a } else { 0.0 });
        let lm = lambda_max(m.view());
        assert!((lm - (x.dot(&x) + a)).abs() < 1e-10, "{lm}");
        let ch = Cholesky::new(m.view()).unwrap();
        let b = Array1::from(vec![1.0, 2.0, -3.0, 0.25]);
        let sol = ch.solve(b.view());
        let back = m.dot(&sol);
        for i in 0..4 {
            assert!((back[i] - b[i]).abs() < 1e-12);
        }
        let bm = Array2::from_shape_fn((4, 2), |(i, j)| (i + 3 * j) as f64);
        let xm = ch.solve_matrix(bm.view());
        let diff = &m.dot(&xm) - &bm;
        assert!(diff.iter().all(|v| v.abs() < 1e-12));
    }

    #[test]
    fn not_positive_definite_is_an_error() {
        let m = Array2::from_shape_vec((2, 2), vec![1.0, 2.0, 2.0, 1.0]).unwrap();
        assert!(Cholesky::new(m.view()).is_err());
    }
}
