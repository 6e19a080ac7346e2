//! The little dense linear algebra the net's theory needs, written out (no linear-algebra
//! crate): a Cholesky factorization with its solves, a symmetric eigendecomposition for the
//! pseudo-inverse (σn = 0 leaves kernel matrices singular), and λmax of a symmetric matrix.
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
                    "a kernel matrix is not positive definite (pivot {j} is {d:e}); raise --noise-prior (or set it to 0)"
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

/// A symmetric matrix's eigendecomposition A = V·diag(λ)·Vᵀ, by cyclic Jacobi rotations
/// (accurate for small eigenvalues too, which the pseudo-inverse's cut depends on). O(N³) per
/// sweep, a handful of sweeps.
#[derive(Debug, Clone)]
pub struct SymEigen {
    pub values: Array1<f64>,
    /// The eigenvectors, one per column.
    pub vectors: Array2<f64>,
}

impl SymEigen {
    pub fn new(a: ArrayView2<f64>) -> Result<SymEigen> {
        let n = a.nrows();
        // Symmetric from the lower triangle, as Cholesky reads it; row-major, so the rotations
        // run on plain slices (ndarray's checked indexing cost more than the arithmetic).
        let mut m: Vec<f64> = (0..n * n).map(|i| a[[(i / n).max(i % n), (i / n).min(i % n)]]).collect();
        if !m.iter().all(|v| v.is_finite()) {
            return Err(Error::NonFinite("a kernel matrix has a non-finite entry".into()));
        }
        let mut v: Vec<f64> = (0..n * n).map(|i| if i / n == i % n { 1.0 } else { 0.0 }).collect();
        // Each sweep rotates every pair still coupled; an entry negligible beside its diagonal
        // pair is set to zero instead, so the sweeps end (quadratic convergence: a handful).
        for _ in 0..JACOBI_SWEEPS {
            let mut rotated = false;
            for p in 0..n {
                for q in p + 1..n {
                    rotated |= rotate(&mut m, &mut v, n, p, q);
                }
            }
            if !rotated {
                break;
            }
        }
        let values = Array1::from_iter((0..n).map(|i| m[i * n + i]));
        let vectors = Array2::from_shape_vec((n, n), v).map_err(|e| Error::Invalid(e.to_string()))?;
        Ok(SymEigen { values, vectors })
    }
}

/// Sweeps of Jacobi rotations at most (a symmetric matrix takes well under 20).
const JACOBI_SWEEPS: usize = 60;

/// One Jacobi rotation zeroing m[p][q] (p < q) of the row-major n×n `m`, accumulated into
/// `v`; an entry already below rounding beside m[p][p] and m[q][q] is just set to zero. True
/// when it rotated.
fn rotate(m: &mut [f64], v: &mut [f64], n: usize, p: usize, q: usize) -> bool {
    let at = |r: usize, c: usize| r * n + c;
    let apq = m[at(p, q)];
    let (app, aqq) = (m[at(p, p)], m[at(q, q)]);
    if apq.abs() <= 1e-18 * (app.abs() * aqq.abs()).sqrt() || apq.abs() < f64::MIN_POSITIVE {
        m[at(p, q)] = 0.0;
        m[at(q, p)] = 0.0;
        return false;
    }
    let theta = (aqq - app) / (2.0 * apq);
    let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
    let t = if theta == 0.0 { 1.0 } else { t };
    let c = 1.0 / (t * t + 1.0).sqrt();
    let s = t * c;
    for k in 0..n {
        let (mkp, mkq) = (m[at(k, p)], m[at(k, q)]);
        m[at(k, p)] = c * mkp - s * mkq;
        m[at(k, q)] = s * mkp + c * mkq;
    }
    for k in 0..n {
        let (mpk, mqk) = (m[at(p, k)], m[at(q, k)]);
        m[at(p, k)] = c * mpk - s * mqk;
        m[at(q, k)] = s * mpk + c * mqk;
    }
    for k in 0..n {
        let (vkp, vkq) = (v[at(k, p)], v[at(k, q)]);
        v[at(k, p)] = c * vkp - s * vkq;
        v[at(k, q)] = s * vkp + c * vkq;
    }
    true
}

/// The relative cut of the pseudo-inverse: eigenvalues below it times λmax count as zero. About
/// N·ε for a few hundred points: rounding's share of the spectrum is dropped, while a wide net's
/// features (whose ΦΦᵀ reaches condition numbers of 1e10 on the demo data) are kept whole.
pub const PINV_RCOND: f64 = 1e-13;

/// Solves with a symmetric positive semi-definite A: by Cholesky when A is definite (a noise
/// block σn²I > 0), by the pseudo-inverse A⁺ from the eigendecomposition when it may be singular
/// (σn = 0): x = A⁺b, the least-squares solution of least norm.
#[derive(Debug, Clone)]
pub enum SymSolve {
    Cholesky(Cholesky),
    Pinv(SymEigen),
}

impl SymSolve {
    /// Cholesky when `definite`, else the pseudo-inverse.
    pub fn new(a: ArrayView2<f64>, definite: bool) -> Result<SymSolve> {
        if definite { Cholesky::new(a).map(SymSolve::Cholesky) } else { SymEigen::new(a).map(SymSolve::Pinv) }
    }

    /// x = A⁻¹b (A⁺b when A is singular).
    pub fn solve(&self, b: ArrayView1<f64>) -> Array1<f64> {
        match self {
            SymSolve::Cholesky(c) => c.solve(b),
            SymSolve::Pinv(e) => {
                let top = e.values.iter().fold(0.0f64, |a, &v| a.max(v.abs()));
                let cut = PINV_RCOND * top;
                let proj = e.vectors.t().dot(&b);
                let scaled =
                    Array1::from_iter(proj.iter().zip(&e.values).map(|(&p, &l)| if l > cut { p / l } else { 0.0 }));
                e.vectors.dot(&scaled)
            }
        }
    }

    /// X = A⁻¹B (A⁺B), column by column.
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
    fn eigen_reconstructs_and_the_pseudo_inverse_solves_least_squares() {
        // A = B Bᵀ of rank 2 in 4 dimensions: A⁺b is the min-norm least-squares solution, so
        // A·A⁺b is b's projection onto A's range and A⁺b lies in that range.
        let b = Array2::from_shape_vec((4, 2), vec![1.0, 0.5, -2.0, 1.0, 0.3, 3.0, 0.0, -1.0]).unwrap();
        let a = b.dot(&b.t());
        let e = SymEigen::new(a.view()).unwrap();
        let back = e.vectors.dot(&Array2::from_diag(&e.values)).dot(&e.vectors.t());
        assert!((&back - &a).iter().all(|v| v.abs() < 1e-12));
        assert_eq!(e.values.iter().filter(|v| v.abs() > 1e-9).count(), 2);
        let rhs = Array1::from(vec![1.0, 2.0, -3.0, 0.25]);
        let x = SymSolve::new(a.view(), false).unwrap().solve(rhs.view());
        // The projection of rhs onto range(B), directly: B (BᵀB)⁻¹ Bᵀ rhs.
        let btb = b.t().dot(&b);
        let det = btb[[0, 0]] * btb[[1, 1]] - btb[[0, 1]] * btb[[1, 0]];
        let inv =
            Array2::from_shape_vec((2, 2), vec![btb[[1, 1]], -btb[[0, 1]], -btb[[1, 0]], btb[[0, 0]]]).unwrap() / det;
        let proj = b.dot(&inv.dot(&b.t().dot(&rhs)));
        let ax = a.dot(&x);
        for i in 0..4 {
            assert!((ax[i] - proj[i]).abs() < 1e-10, "{ax} vs {proj}");
        }
        // x in range(A): x = B z for some z, so its part orthogonal to range(B) vanishes.
        let xp = b.dot(&inv.dot(&b.t().dot(&x)));
        assert!((&xp - &x).iter().all(|v| v.abs() < 1e-10));
        // On a definite matrix both ways agree.
        let d = &a + &Array2::<f64>::eye(4);
        let (c1, c2) = (SymSolve::new(d.view(), true).unwrap(), SymSolve::new(d.view(), false).unwrap());
        let (x1, x2) = (c1.solve(rhs.view()), c2.solve(rhs.view()));
        assert!((&x1 - &x2).iter().all(|v| v.abs() < 1e-10));
    }

    #[test]
    fn not_positive_definite_is_an_error() {
        let m = Array2::from_shape_vec((2, 2), vec![1.0, 2.0, 2.0, 1.0]).unwrap();
        assert!(Cholesky::new(m.view()).is_err());
    }
}
