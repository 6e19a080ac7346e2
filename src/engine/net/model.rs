//! The wide one-hidden-layer network itself (THEORY.md, "The wide network"): its parameter
//! layout, init, forward pass, Jᵀv (the backward pass), and its empirical kernels.
//!
//! θ = (w_1..w_M, b_1..b_M, a_1..a_M, c, ε_1..ε_N), one flat vector of k = 3M + 1 + N.
//! f(x) = (σa/√M) Σ_j a_j φ(σw w_j x̃ + σb b_j) + σc c, and on training point n
//! g_n = f(x_n) + σn ε_n. With σn = 0 (`--noise-prior 0`) there are no noise parameters:
//! θ = (w, b, a, c), k = 3M + 1, and g = f must interpolate y by itself.
//! Pre-activations are recomputed on every pass, so nothing N×M is stored.

use std::marker::PhantomData;

use ndarray::{Array1, Array2};
use rand::RngExt;
use rand_distr::StandardNormal;

use super::kernel::{Act, Scales, TrainMode};
use super::lanes;
use super::phi::{Erf, Phi, Relu};
use super::simd;
use crate::data::Dataset;
use crate::error::{Result, invalid};
use crate::limits::{MAX_PARAMS, check_noise_prior};

/// Lanes the hot loops work in: a whole number of SIMD registers on every x86-64 level.
const LANES: usize = 8;

/// A net bound to a dataset: the standardized inputs, the width, φ, what is trained, and σn.
#[derive(Debug, Clone)]
pub struct Net {
    /// The data in its own units.
    pub data: Dataset,
    /// x̃_n = (x_n − x̄)/s_x (population std).
    pub xt: Vec<f64>,
    pub y: Vec<f64>,
    pub x_mean: f64,
    pub x_std: f64,
    /// M, the hidden units.
    pub width: usize,
    pub act: Act,
    pub train: TrainMode,
    /// σn, the noise parameters' prior sd (`--noise-prior`, by default the data's noise σ);
    /// 0: the net has no noise parameters.
    pub sigma: f64,
    pub scales: Scales,
}

/// The most data points the net takes: its theory factors N×N kernel matrices (O(N³)).
pub const MAX_NET_POINTS: usize = 2000;

/// The largest width accepted for N points: k = 3M + 1 + N within the parameter limit.
pub fn max_width(n: usize) -> usize {
    MAX_PARAMS.saturating_sub(1 + n) / 3
}

impl Net {
    pub fn new(data: Dataset, width: usize, act: Act, train: TrainMode, sigma: f64) -> Result<Net> {
        check_noise_prior(sigma)?;
        if width == 0 {
            return Err(invalid!("--width must be at least 1 (got 0)"));
        }
        let n = data.n();
        if n > MAX_NET_POINTS {
            return Err(invalid!(
                "the net takes at most {MAX_NET_POINTS} points (got {n}): its theory factors N×N kernel matrices"
            ));
        }
        if width > max_width(n) {
            return Err(invalid!(
                "--width {width} is too large: the limit is {} for N = {n} (k = 3M + 1 + N at most {MAX_PARAMS} parameters)",
                max_width(n)
            ));
        }
        let nf = n as f64;
        let x_mean = data.x.sum() / nf;
        let x_std = (data.x.iter().map(|v| (v - x_mean) * (v - x_mean)).sum::<f64>() / nf).sqrt();
        if !(x_std > 0.0 && x_std.is_finite()) || x_std < 1e-12 * x_mean.abs() {
            return Err(invalid!("the net standardizes x, so the x values must not all be equal"));
        }
        let xt = data.x.iter().map(|v| (v - x_mean) / x_std).collect();
        let y = data.y.to_vec();
        Ok(Net { data, xt, y, x_mean, x_std, width, act, train, sigma, scales: Scales::default() })
    }

    pub fn n(&self) -> usize {
        self.xt.len()
    }
    /// Whether θ holds the noise parameters ε (σn > 0).
    pub fn has_noise_params(&self) -> bool {
        self.sigma > 0.0
    }
    /// How many noise parameters θ holds: N, or 0 at σn = 0.
    pub fn noise_params(&self) -> usize {
        if self.has_noise_params() { self.n() } else { 0 }
    }
    /// k = 3M + 1 + N (3M + 1 at σn = 0).
    pub fn k(&self) -> usize {
        3 * self.width + 1 + self.noise_params()
    }
    /// k − N: the zero-loss set's dimension when positive (the noise parameters make every N
    /// fittable). At σn = 0 it may be ≤ 0: then there is no zero-loss ridge, and GD ends at
    /// the least-squares fit closest to θ0.
    pub fn ridge_dim(&self) -> i64 {
        self.k() as i64 - self.n() as i64
    }
    /// x in data units → x̃.
    pub fn standardize(&self, x: f64) -> f64 {
        (x - self.x_mean) / self.x_std
    }
    /// Index of c in θ (w, b, a come before it, ε after).
    pub fn c_index(&self) -> usize {
        3 * self.width
    }
    /// Whether parameter i moves in training (w and b are frozen under `--train last`).
    pub fn is_trained(&self, i: usize) -> bool {
        self.train == TrainMode::All || i >= 2 * self.width
    }

    /// Draws θ0 from `rng`: c, then ε_1..ε_N, then (w_j, b_j, a_j) unit by unit, every one
    /// N(0, 1). The order makes a width-M init the prefix of a width-2M one (same c, ε and
    /// first M units), so runs at different widths are comparable. At σn = 0 the ε are drawn
    /// and dropped, so the network's own parameters are the same with noise parameters or not.
    pub fn init(&self, rng: &mut crate::rng::Rng) -> Array1<f64> {
        let (m, n) = (self.width, self.n());
        let mut theta = Array1::zeros(self.k());
        theta[3 * m] = rng.sample(StandardNormal);
        for i in 0..n {
            let e: f64 = rng.sample(StandardNormal);
            if self.has_noise_params() {
                theta[3 * m + 1 + i] = e;
            }
        }
        for j in 0..m {
            theta[j] = rng.sample(StandardNormal);
            theta[m + j] = rng.sample(StandardNormal);
            theta[2 * m + j] = rng.sample(StandardNormal);
        }
        theta
    }

    /// f at standardized inputs `xs` (no noise part), written to `out`.
    pub fn forward(&self, theta: &[f64], xs: &[f64], out: &mut [f64]) {
        match self.act {
            Act::Relu => self.forward_wide::<Relu>(theta, xs, out),
            Act::Erf => self.forward_wide::<Erf>(theta, xs, out),
        }
    }

    // The hot loops are compiled three times: for the baseline x86-64, with AVX2 and with
    // AVX-512, picked at run time by `lanes::dispatch`; the full blocks of units use `simd`'s
    // explicit vectors. Rust never fuses a·b + c unasked, and where φ asks (`Phi::madd`, erf)
    // every copy fuses alike, in one correct rounding, so every copy gives the same bits.
    fn forward_wide<P: Phi>(&self, theta: &[f64], xs: &[f64], out: &mut [f64]) {
        lanes::dispatch(Forward::<P> { net: self, theta, xs, out, phi: PhantomData })
    }

    /// f at standardized inputs, as a vector.
    pub fn f(&self, theta: &[f64], xs: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; xs.len()];
        self.forward(theta, xs, &mut out);
        out
    }

    /// f at points in data units.
    pub fn f_data(&self, theta: &[f64], xs: &[f64]) -> Vec<f64> {
        let xt: Vec<f64> = xs.iter().map(|&x| self.standardize(x)).collect();
        self.f(theta, &xt)
    }

    // Four points at a time share each load of (w, b, a); lanes over j let the sums vectorise.
    #[inline(always)]
    fn forward_impl<P: Phi, V: lanes::V8>(&self, theta: &[f64], xs: &[f64], out: &mut [f64]) {
        let m = self.width;
        let (w, b, a) = (&theta[..m], &theta[m..2 * m], &theta[2 * m..3 * m]);
        let c = theta[3 * m];
        let (sw, sb) = (self.scales.w, self.scales.b);
        let sa = self.scales.a / (m as f64).sqrt();
        let split = m - m % LANES;
        for (xq, oq) in xs.chunks(4).zip(out.chunks_mut(4)) {
            let mut xv = [0.0; 4];
            for (v, x) in xv.iter_mut().zip(xq) {
                *v = sw * x;
            }
            let mut acc = [[0.0f64; LANES]; 4];
            // The full blocks go to `simd` when it has them, else to the loop below.
            let blocks = if V::SIMD {
                // SAFETY: V's instruction set was checked before this copy was called.
                acc = unsafe { simd::forward_lanes::<V, P>(w, b, a, sb, &xv, split) };
                0
            } else {
                split
            };
            for ((wj, bj), aj) in w[..blocks]
                .chunks_exact(LANES)
                .zip(b[..blocks].chunks_exact(LANES))
                .zip(a[..blocks].chunks_exact(LANES))
            {
                for (q, accq) in acc.iter_mut().enumerate() {
                    for l in 0..LANES {
                        accq[l] = P::madd(aj[l], P::f(P::madd(wj[l], xv[q], sb * bj[l])), accq[l]);
                    }
                }
            }
            for (q, o) in oq.iter_mut().enumerate() {
                let mut s = lane_sum(&acc[q]);
                for j in split..m {
                    s = P::madd(a[j], P::f(P::madd(w[j], xv[q], sb * b[j])), s);
                }
                *o = sa * s + self.scales.c * c;
            }
        }
    }

    /// r_n = y_n − g_n = y_n − f(x_n) − σn ε_n, written to `r` (length N).
    pub fn residuals_into(&self, theta: &[f64], r: &mut [f64]) {
        self.forward(theta, &self.xt, r);
        let eps = &theta[3 * self.width + 1..];
        if eps.is_empty() {
            for (rn, &yn) in r.iter_mut().zip(&self.y) {
                *rn = yn - *rn;
            }
            return;
        }
        for ((rn, &yn), &en) in r.iter_mut().zip(&self.y).zip(eps) {
            *rn = yn - *rn - self.sigma * en;
        }
    }
    pub fn residuals(&self, theta: &[f64]) -> Vec<f64> {
        let mut r = vec![0.0; self.n()];
        self.residuals_into(theta, &mut r);
        r
    }
    /// L = ½ Σ r².
    pub fn loss(&self, theta: &[f64]) -> f64 {
        let r = self.residuals(theta);
        0.5 * r.iter().map(|v| v * v).sum::<f64>()
    }

    /// θ += coef·Jᵀv over the trained parameters, J = ∂g/∂θ at θ as it was on entry (each unit's
    /// update reads only its own parameters). Returns |Jᵀv|². With v = r this is a GD step of
    /// learning rate coef and |∇L|²; with coef = 0 it only measures.
    pub fn add_jt(&self, theta: &mut [f64], v: &[f64], coef: f64) -> f64 {
        let m = self.width;
        let mut g2 = self.add_jt_hidden(theta, &self.xt, v, coef);
        let sum_v: f64 = v.iter().sum();
        let gc = self.scales.c * sum_v;
        g2 += gc * gc;
        theta[3 * m] += coef * gc;
        for (e, &vn) in theta[3 * m + 1..].iter_mut().zip(v) {
            let ge = self.sigma * vn;
            g2 += ge * ge;
            *e += coef * ge;
        }
        g2
    }

    /// `add_jt` for one training point n with weight v: θ += coef·v·∇g_n. Returns |v·∇g_n|².
    pub fn add_jt_point(&self, theta: &mut [f64], n: usize, v: f64, coef: f64) -> f64 {
        let m = self.width;
        let mut g2 = self.add_jt_hidden(theta, &self.xt[n..=n], &[v], coef);
        let gc = self.scales.c * v;
        theta[3 * m] += coef * gc;
        g2 += gc * gc;
        if self.has_noise_params() {
            let ge = self.sigma * v;
            theta[3 * m + 1 + n] += coef * ge;
            g2 += ge * ge;
        }
        g2
    }

    fn add_jt_hidden(&self, theta: &mut [f64], xs: &[f64], v: &[f64], coef: f64) -> f64 {
        match (self.act, self.train) {
            (Act::Relu, TrainMode::All) => self.jt_wide::<Relu, true>(theta, xs, v, coef),
            (Act::Relu, TrainMode::Last) => self.jt_wide::<Relu, false>(theta, xs, v, coef),
            (Act::Erf, TrainMode::All) => self.jt_wide::<Erf, true>(theta, xs, v, coef),
            (Act::Erf, TrainMode::Last) => self.jt_wide::<Erf, false>(theta, xs, v, coef),
        }
    }

    fn jt_wide<P: Phi, const ALL: bool>(&self, theta: &mut [f64], xs: &[f64], v: &[f64], coef: f64) -> f64 {
        lanes::dispatch(Jt::<P, ALL> { net: self, theta, xs, v, coef, phi: PhantomData })
    }

    // For each block of LANES units, Σ_n over the points with the sums in registers:
    // A = Σ v φ(z), B = Σ v x̃ φ'(z), C = Σ v φ'(z); then ∂/∂a = (σa/√M)A, ∂/∂w = (σa/√M)a σw B,
    // ∂/∂b = (σa/√M)a σb C.
    #[inline(always)]
    fn jt_impl<P: Phi, V: lanes::V8, const ALL: bool>(
        &self,
        theta: &mut [f64],
        xs: &[f64],
        v: &[f64],
        coef: f64,
    ) -> f64 {
        let m = self.width;
        let (sw, sb) = (self.scales.w, self.scales.b);
        let sa = self.scales.a / (m as f64).sqrt();
        let xw: Vec<f64> = xs.iter().map(|x| sw * x).collect();
        let vx: Vec<f64> = xs.iter().zip(v).map(|(x, v)| x * v).collect();
        let (w, rest) = theta.split_at_mut(m);
        let (b, rest) = rest.split_at_mut(m);
        let a = &mut rest[..m];
        // The first `split` units LANES at a time, then the rest one at a time.
        let split = m - m % LANES;
        let g2 = if V::SIMD {
            // SAFETY: V's instruction set was checked before this copy was called.
            unsafe { simd::jt_lanes::<V, P, ALL>(w, b, a, (sw, sb, sa), &xw, v, &vx, coef, split) }
        } else {
            jt_blocks::<P, ALL>(w, b, a, (sw, sb, sa), &xw, v, &vx, coef, split)
        };
        let mut total = lane_sum(&g2);
        for j in split..m {
            let (mut s_a, mut s_b, mut s_c) = (0.0, 0.0, 0.0);
            for ((&x, &vn), &vxn) in xw.iter().zip(v).zip(&vx) {
                let z = P::madd(w[j], x, sb * b[j]);
                s_a = P::madd(vn, P::f(z), s_a);
                if ALL {
                    let d = P::d_over_d(z);
                    s_b = P::madd(vxn, d, s_b);
                    s_c = P::madd(vn, d, s_c);
                }
            }
            let ga = sa * s_a;
            total += ga * ga;
            if ALL {
                let (s_b, s_c) = (P::D * s_b, P::D * s_c);
                let gw = sa * a[j] * sw * s_b;
                let gb = sa * a[j] * sb * s_c;
                total += gw * gw + gb * gb;
                w[j] += coef * gw;
                b[j] += coef * gb;
            }
            a[j] += coef * ga;
        }
        total
    }

    /// ∇L = −Jᵀr as a vector of length k (zero on frozen parameters).
    pub fn gradient(&self, theta: &[f64]) -> Array1<f64> {
        let r = self.residuals(theta);
        let mut moved = theta.to_vec();
        self.add_jt(&mut moved, &r, -1.0);
        Array1::from_iter(moved.iter().zip(theta).map(|(a, b)| a - b))
    }
    /// |∇L| = |Jᵀr|.
    pub fn grad_norm(&self, theta: &[f64]) -> f64 {
        let r = self.residuals(theta);
        let mut scratch = theta.to_vec();
        self.add_jt(&mut scratch, &r, 0.0).sqrt()
    }
    /// |∇g_n|² at θ for every training point: the diagonal of the empirical kernel with its
    /// noise block.
    pub fn point_grad_sq(&self, theta: &[f64]) -> Vec<f64> {
        (0..self.n())
            .map(|i| {
                let x = &self.xt[i..=i];
                self.empirical_kernels(theta, x, x).1[[0, 0]] + self.sigma * self.sigma
            })
            .collect()
    }

    /// The empirical kernels at θ between standardized inputs `xa` and `xb` (no noise block):
    /// K̂ = (σa²/M) Σ_j φ(z_aj)φ(z_bj) + σc² (the finite-width NNGP) and Θ̂ = Σ over the
    /// trained parameters of ∂f(a)/∂θ ∂f(b)/∂θ: K̂ + (σa²/M) Σ_j a_j² φ'φ' S(a, b) for all
    /// layers, K̂ for the last layer. O(|a|·|b|·M), in blocks of units so memory stays O((|a|+|b|)·512).
    pub fn empirical_kernels(&self, theta: &[f64], xa: &[f64], xb: &[f64]) -> (Array2<f64>, Array2<f64>) {
        match self.act {
            Act::Relu => self.kernels_impl::<Relu>(theta, xa, xb),
            Act::Erf => self.kernels_impl::<Erf>(theta, xa, xb),
        }
    }

    fn kernels_impl<P: Phi>(&self, theta: &[f64], xa: &[f64], xb: &[f64]) -> (Array2<f64>, Array2<f64>) {
        const BLOCK: usize = 512;
        let m = self.width;
        let (w, b, a) = (&theta[..m], &theta[m..2 * m], &theta[2 * m..3 * m]);
        let (sw, sb) = (self.scales.w, self.scales.b);
        let (na, nb) = (xa.len(), xb.len());
        let same = xa == xb;
        let all = self.train == TrainMode::All;
        let mut kf = Array2::<f64>::zeros((na, nb));
        let mut kd = Array2::<f64>::zeros((na, nb));
        let features = |xs: &[f64], j0: usize, j1: usize| {
            let len = j1 - j0;
            let mut phi = vec![0.0; xs.len() * len];
            let mut dphi = vec![0.0; if all { xs.len() * len } else { 0 }];
            for (p, &x) in xs.iter().enumerate() {
                for j in j0..j1 {
                    let z = sw * w[j] * x + sb * b[j];
                    phi[p * len + j - j0] = P::f(z);
                    if all {
                        dphi[p * len + j - j0] = a[j] * P::d(z);
                    }
                }
            }
            (phi, dphi)
        };
        for j0 in (0..m).step_by(BLOCK) {
            let j1 = (j0 + BLOCK).min(m);
            let len = j1 - j0;
            let (fa, da) = features(xa, j0, j1);
            let (fb, db) = if same { (fa.clone(), da.clone()) } else { features(xb, j0, j1) };
            lanes::dispatch(Gram { out: &mut kf, a: &fa, b: &fb, len, upper: same });
            if all {
                lanes::dispatch(Gram { out: &mut kd, a: &da, b: &db, len, upper: same });
            }
        }
        let s2 = self.scales.a * self.scales.a / m as f64;
        let c2 = self.scales.c * self.scales.c;
        let mut k = Array2::zeros((na, nb));
        let mut t = Array2::zeros((na, nb));
        for p in 0..na {
            for q in 0..nb {
                let (pp, qq) = if same && q < p { (q, p) } else { (p, q) };
                let kv = s2 * kf[[pp, qq]] + c2;
                k[[p, q]] = kv;
                t[[p, q]] = if all { kv + s2 * kd[[pp, qq]] * self.scales.s(xa[p], xb[q]) } else { kv };
            }
        }
        (k, t)
    }

    /// The empirical NTK on the training block with the noise block: Θ̂ = Θ(X, X) + σn² I.
    pub fn train_ntk(&self, theta: &[f64]) -> Array2<f64> {
        let (_, mut t) = self.empirical_kernels(theta, &self.xt, &self.xt);
        for i in 0..self.n() {
            t[[i, i]] += self.sigma * self.sigma;
        }
        t
    }

    /// J·u (length N), forward mode, J = ∂g/∂θ at θ over the trained parameters (the J of
    /// `add_jt` and `train_ntk`; u's frozen entries are ignored). O(N·M), not a hot loop.
    /// ∂g_n·u = (σa/√M) Σ_j [u_aj φ(z) + a_j φ'(z)(σw x̃_n u_wj + σb u_bj)] + σc u_c + σn u_εn.
    pub fn jvp(&self, theta: &[f64], u: &[f64]) -> Vec<f64> {
        match self.act {
            Act::Relu => self.jvp_impl::<Relu>(theta, u),
            Act::Erf => self.jvp_impl::<Erf>(theta, u),
        }
    }

    fn jvp_impl<P: Phi>(&self, theta: &[f64], u: &[f64]) -> Vec<f64> {
        let m = self.width;
        let all = self.train == TrainMode::All;
        let (w, b, a) = (&theta[..m], &theta[m..2 * m], &theta[2 * m..3 * m]);
        let (uw, ub, ua) = (&u[..m], &u[m..2 * m], &u[2 * m..3 * m]);
        let (sw, sb) = (self.scales.w, self.scales.b);
        let sa = self.scales.a / (m as f64).sqrt();
        let base = self.scales.c * u[3 * m];
        let eps = &u[3 * m + 1..];
        self.xt
            .iter()
            .enumerate()
            .map(|(n, &x)| {
                let ue = eps.get(n).copied().unwrap_or(0.0);
                let mut s = 0.0;
                for j in 0..m {
                    let z = sw * w[j] * x + sb * b[j];
                    s += ua[j] * P::f(z);
                    if all {
                        s += a[j] * P::d(z) * (sw * x * uw[j] + sb * ub[j]);
                    }
                }
                sa * s + base + self.sigma * ue
            })
            .collect()
    }
}

/// The speed reference for a GD step (`overparam bench`): one fused multiply-add per (x_n, w_j)
/// pair, Σ_n Σ_j w_j·x_n in the step's lanes and vectors. 2·N·M flops.
pub fn madd_pass(w: &[f64], xs: &[f64]) -> f64 {
    lanes::dispatch(Madd { w, xs })
}

/// `Net::forward` as a `lanes::Kernel`.
struct Forward<'a, P> {
    net: &'a Net,
    theta: &'a [f64],
    xs: &'a [f64],
    out: &'a mut [f64],
    phi: PhantomData<P>,
}

impl<P: Phi> lanes::Kernel for Forward<'_, P> {
    type Out = ();
    #[inline(always)]
    unsafe fn run<V: lanes::V8>(self) {
        self.net.forward_impl::<P, V>(self.theta, self.xs, self.out)
    }
}

/// `Net::add_jt`'s hidden units as a `lanes::Kernel`.
struct Jt<'a, P, const ALL: bool> {
    net: &'a Net,
    theta: &'a mut [f64],
    xs: &'a [f64],
    v: &'a [f64],
    coef: f64,
    phi: PhantomData<P>,
}

impl<P: Phi, const ALL: bool> lanes::Kernel for Jt<'_, P, ALL> {
    type Out = f64;
    #[inline(always)]
    unsafe fn run<V: lanes::V8>(self) -> f64 {
        self.net.jt_impl::<P, V, ALL>(self.theta, self.xs, self.v, self.coef)
    }
}

/// out[p][q] += dot(a_p, b_q) over the rows (each `len` long) of `a` and `b`, summed exactly as
/// `dot` sums (eight lanes, then the tail), four rows by four rows at a time so that each load
/// serves four products: the empirical kernels' O(N²M) part, which a key's new run waits for.
/// With `upper`, only q ≥ p is wanted (a few q < p next to the diagonal are written too).
struct Gram<'a> {
    out: &'a mut Array2<f64>,
    a: &'a [f64],
    b: &'a [f64],
    len: usize,
    upper: bool,
}

impl lanes::Kernel for Gram<'_> {
    type Out = ();
    #[inline(always)]
    unsafe fn run<V: lanes::V8>(self) {
        let Gram { out, a, b, len, upper } = self;
        let (na, nb) = (a.len() / len.max(1), b.len() / len.max(1));
        for p0 in (0..na).step_by(4) {
            for q0 in (if upper { p0 } else { 0 }..nb).step_by(4) {
                if V::SIMD && p0 + 4 <= na && q0 + 4 <= nb {
                    // SAFETY: the caller's contract: V's instruction set is enabled.
                    let tile = unsafe { gram_tile::<V>(a, b, len, p0, q0) };
                    for (i, t) in tile.iter().enumerate() {
                        for (k, s) in t.iter().enumerate() {
                            out[[p0 + i, q0 + k]] += s;
                        }
                    }
                } else {
                    for p in p0..(p0 + 4).min(na) {
                        for q in q0..(q0 + 4).min(nb) {
                            out[[p, q]] += dot(&a[p * len..(p + 1) * len], &b[q * len..(q + 1) * len]);
                        }
                    }
                }
            }
        }
    }
}

/// `dot` of rows p0..p0+4 of `a` with rows q0..q0+4 of `b`, in sixteen vector sums.
///
/// # Safety
/// The CPU supports `V`'s instruction set; a has p0 + 4 rows and b has q0 + 4 rows of `len`.
#[inline(always)]
unsafe fn gram_tile<V: lanes::V8>(a: &[f64], b: &[f64], len: usize, p0: usize, q0: usize) -> [[f64; 4]; 4] {
    let split = len - len % LANES;
    let mut acc = [[unsafe { V::splat(0.0) }; 4]; 4];
    let mut c = 0;
    while c < split {
        // SAFETY: c + 8 ≤ len, within each row.
        // Written out, not `map`ped: a closure would not carry V's target features.
        let (ra, rb) = (|i: usize| (p0 + i) * len + c, |k: usize| (q0 + k) * len + c);
        let av = unsafe { [V::load(&a[ra(0)..]), V::load(&a[ra(1)..]), V::load(&a[ra(2)..]), V::load(&a[ra(3)..])] };
        let bv = unsafe { [V::load(&b[rb(0)..]), V::load(&b[rb(1)..]), V::load(&b[rb(2)..]), V::load(&b[rb(3)..])] };
        for i in 0..4 {
            for k in 0..4 {
                acc[i][k] = unsafe { acc[i][k].add(av[i].mul(bv[k])) };
            }
        }
        c += LANES;
    }
    let mut sums = [[0.0; 4]; 4];
    for i in 0..4 {
        for k in 0..4 {
            let mut lanes = [0.0; LANES];
            unsafe { acc[i][k].store(&mut lanes) };
            let (ra, rb) = (&a[(p0 + i) * len..(p0 + i + 1) * len], &b[(q0 + k) * len..(q0 + k + 1) * len]);
            let mut s = lane_sum(&lanes);
            for (x, y) in ra[split..].iter().zip(&rb[split..]) {
                s += x * y;
            }
            sums[i][k] = s;
        }
    }
    sums
}

/// `madd_pass` as a `lanes::Kernel`: fused in vectors; unfused in the portable loop, where a
/// software fused multiply-add would be no reference at all.
struct Madd<'a> {
    w: &'a [f64],
    xs: &'a [f64],
}

impl lanes::Kernel for Madd<'_> {
    type Out = f64;
    #[inline(always)]
    unsafe fn run<V: lanes::V8>(self) -> f64 {
        if V::SIMD {
            // SAFETY: the caller's contract: V's instruction set (and FMA with it) is enabled.
            unsafe { simd::madd_lanes::<V>(self.w, self.xs) }.iter().map(lane_sum).sum()
        } else {
            madd_impl(self.w, self.xs)
        }
    }
}

#[inline(always)]
fn madd_impl(w: &[f64], xs: &[f64]) -> f64 {
    // Four points at a time, as the forward pass: independent sums, so no add waits on another.
    let mut acc = [[0.0f64; LANES]; 4];
    for xq in xs.chunks(4) {
        let mut xv = [0.0; 4];
        xv[..xq.len()].copy_from_slice(xq);
        for wc in w.chunks_exact(LANES) {
            for (q, accq) in acc.iter_mut().enumerate() {
                for l in 0..LANES {
                    accq[l] += wc[l] * xv[q];
                }
            }
        }
    }
    acc.iter().map(lane_sum).sum()
}

/// The portable twin of `simd::jt_lanes`, same bits: Jᵀv's step on the first `split` hidden
/// units, LANES at a time, returning each lane's |g|².
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn jt_blocks<P: Phi, const ALL: bool>(
    w: &mut [f64],
    b: &mut [f64],
    a: &mut [f64],
    (sw, sb, sa): (f64, f64, f64),
    xw: &[f64],
    v: &[f64],
    vx: &[f64],
    coef: f64,
    split: usize,
) -> [f64; LANES] {
    let mut g2 = [0.0f64; LANES];
    for ((wj, bj), aj) in w[..split]
        .chunks_exact_mut(LANES)
        .zip(b[..split].chunks_exact_mut(LANES))
        .zip(a[..split].chunks_exact_mut(LANES))
    {
        let (mut sa_acc, mut sb_acc, mut sc_acc) = ([0.0f64; LANES], [0.0f64; LANES], [0.0f64; LANES]);
        for ((&x, &vn), &vxn) in xw.iter().zip(v).zip(vx) {
            for l in 0..LANES {
                let z = P::madd(wj[l], x, sb * bj[l]);
                if P::RELU && ALL {
                    // φ' is a 0/1 gate: select instead of multiplying.
                    let on = z > 0.0;
                    sb_acc[l] += if on { vxn } else { 0.0 };
                    sc_acc[l] += if on { vn } else { 0.0 };
                    continue;
                }
                sa_acc[l] = P::madd(vn, P::f(z), sa_acc[l]);
                if ALL {
                    let d = P::d_over_d(z);
                    sb_acc[l] = P::madd(vxn, d, sb_acc[l]);
                    sc_acc[l] = P::madd(vn, d, sc_acc[l]);
                }
            }
        }
        if P::RELU && ALL {
            // Σ v φ(z) = Σ_{z>0} v (σw w x̃ + σb b) = σw w B + σb b C.
            for l in 0..LANES {
                sa_acc[l] = sw * wj[l] * sb_acc[l] + sb * bj[l] * sc_acc[l];
            }
        }
        for l in 0..LANES {
            let ga = sa * sa_acc[l];
            g2[l] += ga * ga;
            if ALL {
                // The sums of φ'/D, to sums of φ' (×1 for ReLU: the same bits).
                let (sb_l, sc_l) = (P::D * sb_acc[l], P::D * sc_acc[l]);
                let gw = sa * aj[l] * sw * sb_l;
                let gb = sa * aj[l] * sb * sc_l;
                g2[l] += gw * gw + gb * gb;
                wj[l] += coef * gw;
                bj[l] += coef * gb;
            }
            aj[l] += coef * ga;
        }
    }
    g2
}

#[inline(always)]
fn lane_sum(acc: &[f64; LANES]) -> f64 {
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
}

/// A dot product in LANES independent sums, so it vectorises.
#[inline(always)]
fn dot(x: &[f64], y: &[f64]) -> f64 {
    let mut acc = [0.0f64; LANES];
    let split = x.len() - x.len() % LANES;
    for (xc, yc) in x[..split].chunks_exact(LANES).zip(y[..split].chunks_exact(LANES)) {
        for l in 0..LANES {
            acc[l] += xc[l] * yc[l];
        }
    }
    let mut s = lane_sum(&acc);
    for (a, b) in x[split..].iter().zip(&y[split..]) {
        s += a * b;
    }
    s
}

#[cfg(test)]
mod tests {
    use std::marker::PhantomData;

    use super::{Act, Erf, Net, Phi, Relu, TrainMode, lanes};
    use crate::data::DataSpec;

    /// The dispatched loops (explicit vectors on this CPU when it has them) give the same bits
    /// as the portable ones, for each φ and what is trained, on a width with a ragged tail and
    /// a point count not a multiple of four.
    #[test]
    fn vector_and_portable_loops_agree_bit_for_bit() {
        for (act, train) in [
            (Act::Relu, TrainMode::All),
            (Act::Relu, TrainMode::Last),
            (Act::Erf, TrainMode::All),
            (Act::Erf, TrainMode::Last),
        ] {
            match (act, train) {
                (Act::Relu, TrainMode::All) => loops_agree::<Relu, true>(act, train),
                (Act::Relu, TrainMode::Last) => loops_agree::<Relu, false>(act, train),
                (Act::Erf, TrainMode::All) => loops_agree::<Erf, true>(act, train),
                (Act::Erf, TrainMode::Last) => loops_agree::<Erf, false>(act, train),
            }
        }
    }

    /// The tiled Gram products give each pair's `dot` bit for bit: ragged row counts and
    /// lengths, the upper triangle and the full matrix.
    #[test]
    fn gram_tiles_agree_with_dot_bit_for_bit() {
        let (len, na, nb) = (77, 23, 10);
        let a: Vec<f64> = (0..na * len).map(|i| ((i * 7919) % 1000) as f64 / 997.0 - 0.5).collect();
        let b: Vec<f64> = (0..nb * len).map(|i| ((i * 104_729) % 1000) as f64 / 991.0 - 0.3).collect();
        for (rows_b, upper) in [(&a, true), (&b, false)] {
            let n2 = rows_b.len() / len;
            let mut fast = ndarray::Array2::<f64>::zeros((na, n2));
            lanes::dispatch(super::Gram { out: &mut fast, a: &a, b: rows_b, len, upper });
            for p in 0..na {
                for q in if upper { p } else { 0 }..n2 {
                    let want = super::dot(&a[p * len..(p + 1) * len], &rows_b[q * len..(q + 1) * len]);
                    assert_eq!(fast[[p, q]].to_bits(), want.to_bits(), "({p}, {q}) upper {upper}");
                }
            }
        }
    }

    fn loops_agree<P: Phi, const ALL: bool>(act: Act, train: TrainMode) {
        let bits = |v: &[f64]| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        let data = DataSpec { n: 23, ..DataSpec::default() }.generate().unwrap();
        let net = Net::new(data, 77, act, train, 1.0).unwrap();
        let theta = net.init(&mut crate::rng::stream(7, crate::rng::Stream::Init, 3));
        let th = theta.as_slice().unwrap();
        let (mut fast, mut slow) = (vec![0.0; 23], vec![0.0; 23]);
        net.forward(th, &net.xt, &mut fast);
        net.forward_impl::<P, lanes::Scalar>(th, &net.xt, &mut slow);
        assert_eq!(bits(&fast), bits(&slow), "{act:?} {train:?} forward");
        let r = net.residuals(th);
        let (mut a, mut b) = (th.to_vec(), th.to_vec());
        let ga = net.jt_wide::<P, ALL>(&mut a, &net.xt, &r, 0.01);
        let gb = net.jt_impl::<P, lanes::Scalar, ALL>(&mut b, &net.xt, &r, 0.01);
        assert_eq!(ga.to_bits(), gb.to_bits(), "{act:?} {train:?} |g|²");
        assert_eq!(bits(&a), bits(&b), "{act:?} {train:?} step");
        assert!(a.iter().zip(th).any(|(x, y)| x != y), "the step moved θ");
        // The AVX2 copy too, when this CPU would pick AVX-512 above.
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            let mut two = vec![0.0; 23];
            // SAFETY: AVX2 and FMA checked just above.
            unsafe {
                lanes::on_avx2(super::Forward::<P> {
                    net: &net,
                    theta: th,
                    xs: &net.xt,
                    out: &mut two,
                    phi: PhantomData,
                })
            };
            assert_eq!(bits(&two), bits(&slow), "{act:?} {train:?} forward, AVX2");
            let mut c = th.to_vec();
            // SAFETY: AVX2 and FMA checked just above.
            let gc = unsafe {
                lanes::on_avx2(super::Jt::<P, ALL> {
                    net: &net,
                    theta: &mut c,
                    xs: &net.xt,
                    v: &r,
                    coef: 0.01,
                    phi: PhantomData,
                })
            };
            assert_eq!(gc.to_bits(), gb.to_bits(), "{act:?} {train:?} |g|², AVX2");
            assert_eq!(bits(&c), bits(&b), "{act:?} {train:?} step, AVX2");
        }
    }
}
