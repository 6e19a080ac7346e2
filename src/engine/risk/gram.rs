//! The kernel-shaped inputs of the closed form (THEORY.md, "Does it overfit?"): K on the training
//! inputs (N×N), K* between the test points and them (G×N), and the diagonal K** at the test
//! points, for a finite net's frozen features (`--train last`) or at infinite width (the NNGP).
//! No G×M or N×M matrix is formed.
//!
//! The features of a width-M net: φ_j(x) = (σa/√M)·φ(u_j x̃ + v_j), u = σw w, v = σb b, plus the
//! constant σc; k(x, x') = Σ_j φ_j(x)φ_j(x') + σc².
//! - ReLU on one input: unit j is on where u_j x̃ + v_j > 0, i.e. past its kink t_j = −v_j/u_j
//!   (u_j > 0) or before it (u_j < 0). Units on at both x ≤ x' are the u > 0 ones with t < x and
//!   the u < 0 ones with t > x', and each adds x x'·u² + (x + x')·uv + v². So with the units
//!   sorted by kink and prefix sums of (u², uv, v²), every entry costs O(1) after an
//!   O(M log M) sort and a binary search per point: O(M log M + (N + G)·(N + log M)) in all.
//! - erf has no such shortcut: blocks of units, every entry a sum over all of them:
//!   O((N + G)·N·M) flops (about 1.6·10⁹ for G = 991, N = 100, M = 16384).

use ndarray::Array2;
use rand::RngExt;
use rand_distr::StandardNormal;

use crate::net::TrainMode;
use crate::net::kernel::{Act, Scales, k_theta};
use crate::net::phi::erf;
use crate::rng::{Stream, stream};

/// K (N×N), K* (G×N) and diag K** (G).
#[derive(Debug, Clone)]
pub struct Gram {
    pub k: Array2<f64>,
    pub ks: Array2<f64>,
    pub kss: Vec<f64>,
}

/// A net's hidden-unit weights u = σw w and biases v = σb b (frozen under `--train last`).
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    pub u: Vec<f64>,
    pub v: Vec<f64>,
}

impl Features {
    /// The features of init `index` of `seed` for a width-`m` net on `n` points: the (w, b) that
    /// `Net::init` draws for that init (c, then ε_1..ε_N, then (w_j, b_j, a_j) unit by unit), so
    /// draw r is the features trained net r has.
    pub fn draw(seed: u64, index: u64, n: usize, m: usize, sc: &Scales) -> Features {
        let mut rng = stream(seed, Stream::Init, index);
        for _ in 0..=n {
            let _: f64 = rng.sample(StandardNormal);
        }
        let (mut u, mut v) = (Vec::with_capacity(m), Vec::with_capacity(m));
        for _ in 0..m {
            let w: f64 = rng.sample(StandardNormal);
            let b: f64 = rng.sample(StandardNormal);
            let _a: f64 = rng.sample(StandardNormal);
            u.push(sc.w * w);
            v.push(sc.b * b);
        }
        Features { u, v }
    }

    pub fn width(&self) -> usize {
        self.u.len()
    }
}

/// The Gram blocks of a finite net's features at standardized inputs `xt` (training) and `xg`
/// (test).
pub fn feature_gram(act: Act, feats: &Features, sc: &Scales, xt: &[f64], xg: &[f64]) -> Gram {
    match act {
        Act::Relu => relu_gram(feats, sc, xt, xg),
        Act::Erf => erf_gram(feats, sc, xt, xg),
    }
}

/// The infinite-width blocks: the NNGP kernel K of THEORY.md ("Kernels").
pub fn nngp_gram(act: Act, sc: &Scales, xt: &[f64], xg: &[f64]) -> Gram {
    let k = Array2::from_shape_fn((xt.len(), xt.len()), |(i, j)| k_theta(act, TrainMode::Last, sc, xt[i], xt[j]).0);
    let ks = Array2::from_shape_fn((xg.len(), xt.len()), |(g, j)| k_theta(act, TrainMode::Last, sc, xg[g], xt[j]).0);
    let kss = xg.iter().map(|&x| k_theta(act, TrainMode::Last, sc, x, x).0).collect();
    Gram { k, ks, kss }
}

/// Sums of (u², uv, v²) over a set of units.
#[derive(Debug, Clone, Copy, Default)]
struct Moments([f64; 3]);

impl Moments {
    fn add(self, u: f64, v: f64) -> Moments {
        let [a, b, c] = self.0;
        Moments([a + u * u, b + u * v, c + v * v])
    }
    /// Σ (u x + v)(u x' + v) over the units.
    fn at(self, x: f64, x2: f64) -> f64 {
        let [uu, uv, vv] = self.0;
        x * x2 * uu + (x + x2) * uv + vv
    }
}

/// Units with u > 0 sorted by kink, units with u < 0 sorted by kink, and the always-on sum.
struct Kinks {
    up_t: Vec<f64>,
    /// up_pre[i]: moments of the first i units of `up_t` (kinks below).
    up_pre: Vec<Moments>,
    down_t: Vec<f64>,
    /// down_suf[i]: moments of units i.. of `down_t` (kinks above).
    down_suf: Vec<Moments>,
    flat: Moments,
}

impl Kinks {
    fn new(feats: &Features) -> Kinks {
        let mut up: Vec<(f64, f64, f64)> = Vec::new();
        let mut down: Vec<(f64, f64, f64)> = Vec::new();
        let mut flat = Moments::default();
        for (&u, &v) in feats.u.iter().zip(&feats.v) {
            if u > 0.0 {
                up.push((-v / u, u, v));
            } else if u < 0.0 {
                down.push((-v / u, u, v));
            } else if v > 0.0 {
                flat = flat.add(u, v);
            }
        }
        up.sort_by(|a, b| a.0.total_cmp(&b.0));
        down.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut up_pre = vec![Moments::default(); up.len() + 1];
        for (i, &(_, u, v)) in up.iter().enumerate() {
            up_pre[i + 1] = up_pre[i].add(u, v);
        }
        let mut down_suf = vec![Moments::default(); down.len() + 1];
        for (i, &(_, u, v)) in down.iter().enumerate().rev() {
            down_suf[i] = down_suf[i + 1].add(u, v);
        }
        Kinks {
            up_t: up.iter().map(|p| p.0).collect(),
            up_pre,
            down_t: down.iter().map(|p| p.0).collect(),
            down_suf,
            flat,
        }
    }

    /// (moments of the u > 0 units on at x, moments of the u < 0 units on at x).
    fn at(&self, x: f64) -> (Moments, Moments) {
        let i = self.up_t.partition_point(|&t| t < x);
        let j = self.down_t.partition_point(|&t| t <= x);
        (self.up_pre[i], self.down_suf[j])
    }
}

fn relu_gram(feats: &Features, sc: &Scales, xt: &[f64], xg: &[f64]) -> Gram {
    let kinks = Kinks::new(feats);
    let scale = sc.a * sc.a / feats.width().max(1) as f64;
    let c2 = sc.c * sc.c;
    let train: Vec<(f64, (Moments, Moments))> = xt.iter().map(|&x| (x, kinks.at(x))).collect();
    let test: Vec<(f64, (Moments, Moments))> = xg.iter().map(|&x| (x, kinks.at(x))).collect();
    let entry = |p: &(f64, (Moments, Moments)), q: &(f64, (Moments, Moments))| {
        let (lo, hi) = if p.0 <= q.0 { (p, q) } else { (q, p) };
        let on = lo.1.0.at(p.0, q.0) + hi.1.1.at(p.0, q.0) + kinks.flat.at(p.0, q.0);
        scale * on + c2
    };
    let k = Array2::from_shape_fn((xt.len(), xt.len()), |(i, j)| entry(&train[i], &train[j]));
    let ks = Array2::from_shape_fn((xg.len(), xt.len()), |(g, j)| entry(&test[g], &train[j]));
    let kss = test.iter().map(|p| entry(p, p)).collect();
    Gram { k, ks, kss }
}

/// Units per block of the erf Gram.
const BLOCK: usize = 64;

fn erf_gram(feats: &Features, sc: &Scales, xt: &[f64], xg: &[f64]) -> Gram {
    let (n, g) = (xt.len(), xg.len());
    let scale = sc.a * sc.a / feats.width().max(1) as f64;
    let mut k = Array2::from_elem((n, n), sc.c * sc.c);
    let mut ks = Array2::from_elem((g, n), sc.c * sc.c);
    let mut kss = vec![sc.c * sc.c; g];
    let mut pt = vec![0.0; n * BLOCK];
    let mut pg = vec![0.0; g * BLOCK];
    for start in (0..feats.width()).step_by(BLOCK) {
        let end = (start + BLOCK).min(feats.width());
        let b = end - start;
        let fill = |xs: &[f64], out: &mut [f64]| {
            for (i, &x) in xs.iter().enumerate() {
                for j in 0..b {
                    out[i * BLOCK + j] = erf(feats.u[start + j] * x + feats.v[start + j]);
                }
            }
        };
        fill(xt, &mut pt);
        fill(xg, &mut pg);
        let dot = |a: &[f64], c: &[f64]| a[..b].iter().zip(&c[..b]).map(|(p, q)| p * q).sum::<f64>();
        for i in 0..n {
            let ri = &pt[i * BLOCK..];
            for j in 0..n {
                k[[i, j]] += scale * dot(ri, &pt[j * BLOCK..]);
            }
        }
        for (gi, kg) in kss.iter_mut().enumerate() {
            let rg = &pg[gi * BLOCK..];
            *kg += scale * dot(rg, rg);
            for j in 0..n {
                ks[[gi, j]] += scale * dot(rg, &pt[j * BLOCK..]);
            }
        }
    }
    Gram { k, ks, kss }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// k(x, x') summed unit by unit, as the definition reads.
    fn direct(act: Act, f: &Features, sc: &Scales, x: f64, x2: f64) -> f64 {
        let phi = |z: f64| match act {
            Act::Relu => z.max(0.0),
            Act::Erf => erf(z),
        };
        let s: f64 = f.u.iter().zip(&f.v).map(|(&u, &v)| phi(u * x + v) * phi(u * x2 + v)).sum();
        sc.a * sc.a * s / f.width() as f64 + sc.c * sc.c
    }

    #[test]
    fn both_grams_equal_the_sum_over_units() {
        let sc = Scales::default();
        let mut f = Features::draw(5, 2, 10, 300, &sc);
        // A unit with u = 0 (always on, v > 0), one always off, and one with its kink on a point.
        f.u.extend([0.0, 0.0, 1.0]);
        f.v.extend([0.7, -0.3, -0.5]);
        let xt = [-1.6, -0.5, 0.0, 0.5, 0.5, 1.7];
        let xg = [-2.0, -0.25, 0.5, 1.0, 3.0];
        for act in [Act::Relu, Act::Erf] {
            let gr = feature_gram(act, &f, &sc, &xt, &xg);
            for (i, &a) in xt.iter().enumerate() {
                for (j, &b) in xt.iter().enumerate() {
                    assert!((gr.k[[i, j]] - direct(act, &f, &sc, a, b)).abs() < 1e-12, "{act:?} K {i} {j}");
                }
                for (g, &c) in xg.iter().enumerate() {
                    assert!((gr.ks[[g, i]] - direct(act, &f, &sc, c, a)).abs() < 1e-12, "{act:?} K* {g} {i}");
                }
            }
            for (g, &c) in xg.iter().enumerate() {
                assert!((gr.kss[g] - direct(act, &f, &sc, c, c)).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn features_are_the_nets_own_init() {
        let d = crate::data::DataSpec { n: 12, ..Default::default() }.generate().unwrap();
        let net = crate::net::Net::new(d, 9, Act::Relu, TrainMode::Last, 1.0).unwrap();
        let theta = net.init(&mut stream(42, Stream::Init, 3));
        let f = Features::draw(42, 3, 12, 9, &Scales::default());
        assert_eq!(f.u, theta.as_slice().unwrap()[..9].to_vec());
        assert_eq!(f.v, theta.as_slice().unwrap()[9..18].to_vec());
    }
}
