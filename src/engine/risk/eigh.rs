//! The symmetric eigendecomposition A = U·diag(λ)·Uᵀ (Householder tridiagonalization, then the
//! implicit QL iteration: EISPACK's tred2/tql2, as in JAMA), for the pseudo-inverse of a kernel
//! matrix at σn = 0 and, from the same factorization, (K + σn²I)⁻¹ at any σn.

use ndarray::{Array1, Array2, ArrayView2};

/// Eigenvalues and eigenvectors of a symmetric matrix.
#[derive(Debug, Clone)]
pub struct Eigh {
    /// λ_i, in no particular order.
    pub values: Array1<f64>,
    /// Row i is the unit eigenvector of λ_i.
    pub vectors: Array2<f64>,
}

/// Decomposes the symmetric `a` (only its lower triangle is read). O(n³).
pub fn eigh(a: ArrayView2<f64>) -> Eigh {
    let n = a.nrows();
    let mut v: Vec<Vec<f64>> =
        (0..n).map(|i| (0..n).map(|j| if j <= i { a[[i, j]] } else { a[[j, i]] }).collect()).collect();
    let mut d = vec![0.0; n];
    let mut e = vec![0.0; n];
    if n > 0 {
        // Both stages work on Vᵀ (A is symmetric, so the start is the same), so that their
        // inner loops and tql2's rotations run along rows.
        tred2(&mut v, &mut d, &mut e);
        tql2(&mut v, &mut d, &mut e);
    }
    let vectors = Array2::from_shape_fn((n, n), |(i, k)| v[i][k]);
    Eigh { values: Array1::from(d), vectors }
}

/// Householder reduction to tridiagonal form: d the diagonal, e the subdiagonal (e[0] unused),
/// `v` the accumulated transformation V, stored transposed (v[a][b] = V[b][a]).
fn tred2(v: &mut [Vec<f64>], d: &mut [f64], e: &mut [f64]) {
    let n = d.len();
    for (j, dj) in d.iter_mut().enumerate() {
        *dj = v[j][n - 1];
    }
    for i in (1..n).rev() {
        let scale: f64 = d[..i].iter().map(|x| x.abs()).sum();
        let mut h = 0.0;
        if scale == 0.0 {
            e[i] = d[i - 1];
            for j in 0..i {
                d[j] = v[j][i - 1];
                v[j][i] = 0.0;
                v[i][j] = 0.0;
            }
        } else {
            for dk in d[..i].iter_mut() {
                *dk /= scale;
                h += *dk * *dk;
            }
            let f = d[i - 1];
            let mut g = h.sqrt();
            if f > 0.0 {
                g = -g;
            }
            e[i] = scale * g;
            h -= f * g;
            d[i - 1] = f - g;
            e[..i].fill(0.0);
            for j in 0..i {
                let f = d[j];
                v[i][j] = f;
                let row = &v[j];
                let mut g = e[j] + row[j] * f;
                for ((vk, dk), ek) in row[j + 1..i].iter().zip(&d[j + 1..i]).zip(&mut e[j + 1..i]) {
                    g += vk * dk;
                    *ek += vk * f;
                }
                e[j] = g;
            }
            let mut f = 0.0;
            for j in 0..i {
                e[j] /= h;
                f += e[j] * d[j];
            }
            let hh = f / (h + h);
            for j in 0..i {
                e[j] -= hh * d[j];
            }
            for j in 0..i {
                let (f, g) = (d[j], e[j]);
                for ((vk, ek), dk) in v[j][j..i].iter_mut().zip(&e[j..i]).zip(&d[j..i]) {
                    *vk -= f * ek + g * dk;
                }
                d[j] = v[j][i - 1];
                v[j][i] = 0.0;
            }
        }
        d[i] = h;
    }
    for i in 0..n - 1 {
        v[i][n - 1] = v[i][i];
        v[i][i] = 1.0;
        let h = d[i + 1];
        if h != 0.0 {
            for k in 0..=i {
                d[k] = v[i + 1][k] / h;
            }
            let (head, tail) = v.split_at_mut(i + 1);
            let house = &tail[0][..=i];
            for row in head.iter_mut() {
                let g: f64 = house.iter().zip(&row[..=i]).map(|(a, b)| a * b).sum();
                for (vk, dk) in row[..=i].iter_mut().zip(&d[..=i]) {
                    *vk -= g * dk;
                }
            }
        }
        v[i + 1][..=i].fill(0.0);
    }
    for j in 0..n {
        d[j] = v[j][n - 1];
        v[j][n - 1] = 0.0;
    }
    v[n - 1][n - 1] = 1.0;
    e[0] = 0.0;
}

/// The implicit QL iteration on the tridiagonal (d, e); `vt` holds Vᵀ (row i is column i of V)
/// and ends holding the eigenvectors as rows.
fn tql2(vt: &mut [Vec<f64>], d: &mut [f64], e: &mut [f64]) {
    let n = d.len();
    for i in 1..n {
        e[i - 1] = e[i];
    }
    e[n - 1] = 0.0;
    let mut f = 0.0;
    let mut tst1: f64 = 0.0;
    let eps = f64::EPSILON;
    for l in 0..n {
        tst1 = tst1.max(d[l].abs() + e[l].abs());
        let mut m = l;
        while m < n - 1 && e[m].abs() > eps * tst1 {
            m += 1;
        }
        if m > l {
            for _ in 0..100 {
                let mut g = d[l];
                let mut p = (d[l + 1] - g) / (2.0 * e[l]);
                let mut r = p.hypot(1.0);
                if p < 0.0 {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                let dl1 = d[l + 1];
                let mut h = g - d[l];
                for di in d.iter_mut().skip(l + 2) {
                    *di -= h;
                }
                f += h;
                p = d[m];
                let (mut c, mut c2, mut c3) = (1.0, 1.0, 1.0);
                let el1 = e[l + 1];
                let (mut s, mut s2) = (0.0, 0.0);
                for i in (l..m).rev() {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = p.hypot(e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    let (lo, hi) = vt.split_at_mut(i + 1);
                    for (a, b) in lo[i].iter_mut().zip(hi[0].iter_mut()) {
                        let h = *b;
                        *b = s * *a + c * h;
                        *a = c * *a - s * h;
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
                if e[l].abs() <= eps * tst1 {
                    break;
                }
            }
        }
        d[l] += f;
        e[l] = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigenpairs_of_a_random_symmetric_matrix() {
        for n in [1, 2, 7, 40] {
            let a = Array2::from_shape_fn((n, n), |(i, j)| {
                let (i, j) = (i.min(j) as f64, i.max(j) as f64);
                (1.3 * i + 0.7 * j).sin() + if i == j { 0.1 * i } else { 0.0 }
            });
            let eg = eigh(a.view());
            for i in 0..n {
                let u = eg.vectors.row(i);
                assert!((u.dot(&u) - 1.0).abs() < 1e-12);
                let au = a.dot(&u);
                for k in 0..n {
                    assert!((au[k] - eg.values[i] * u[k]).abs() < 1e-11, "n {n} pair {i}");
                }
                for j in 0..i {
                    assert!(u.dot(&eg.vectors.row(j)).abs() < 1e-12);
                }
            }
        }
    }

    #[test]
    fn rank_one_has_one_nonzero_eigenvalue() {
        let x = [1.0, -2.0, 0.5, 3.0];
        let a = Array2::from_shape_fn((4, 4), |(i, j)| x[i] * x[j]);
        let mut vals = eigh(a.view()).values.to_vec();
        vals.sort_by(f64::total_cmp);
        assert!((vals[3] - 14.25).abs() < 1e-12);
        assert!(vals[..3].iter().all(|v| v.abs() < 1e-13), "{vals:?}");
    }
}
