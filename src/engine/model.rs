//! The three models of one line, each with its parameters held as one explicit vector θ
//! (THEORY.md, "Models"): traditional θ = [c]; slightly θ = [c, ξ_1..ξ_N];
//! very θ = [c, ξ_{1,1}..ξ_{1,M}, ξ_{2,1}, …] (point n's M sources stored together).

use ndarray::{Array1, ArrayView1};
use rand::{Rng as _, RngExt};
use rand_distr::StandardNormal;
use serde::Serialize;

use crate::data::Dataset;
use crate::error::{Result, invalid};
use crate::limits::{MAX_PARAMS, check_sigma};
use crate::rng::uniform_pm1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Slope only: one optimum, the least-squares fit.
    Traditional,
    /// Slope plus one N(0,1) noise parameter per point.
    Slightly,
    /// Slope plus M U(−1,1) noise sources per point, scaled by √(3/M).
    Very,
    /// A wide one-hidden-layer network (nonlinear; its engine is `crate::net`).
    Net,
}

impl ModelKind {
    pub const ALL: [ModelKind; 4] = [ModelKind::Traditional, ModelKind::Slightly, ModelKind::Very, ModelKind::Net];
    /// The three linear models (`Model`); the explorer cycles these.
    pub const LINEAR: [ModelKind; 3] = [ModelKind::Traditional, ModelKind::Slightly, ModelKind::Very];
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Traditional => "traditional",
            ModelKind::Slightly => "slightly",
            ModelKind::Very => "very",
            ModelKind::Net => "net",
        }
    }
    /// Whether this is one of the linear models of `Model` (the net has its own engine).
    pub fn is_linear(self) -> bool {
        self != ModelKind::Net
    }
    pub fn is_overparameterized(self) -> bool {
        self != ModelKind::Traditional
    }
}

/// The geometry GD measures distance in: plain Euclidean, or weighted by the prior variances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    Euclidean,
    Prior,
}

/// A model bound to a dataset and a noise level σ.
#[derive(Debug, Clone)]
pub struct Model {
    pub kind: ModelKind,
    pub data: Dataset,
    /// Noise std σ: the noise part is scaled by σ so every init parameter keeps its unit prior.
    pub sigma: f64,
    /// Noise parameters per point: 0 (traditional), 1 (slightly), M (very).
    pub sources: usize,
    /// The coefficient of each ξ in f_n: σ (slightly), σ·√(3/M) (very).
    pub scale: f64,
    xx: f64,
    xy: f64,
}

/// Σ of a block with eight accumulators, so the compiler can vectorise it. Every residual in the
/// crate goes through this one function, so the same θ always gives the same bits.
#[inline(always)]
pub(crate) fn block_sum(b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = b.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for j in 0..8 {
            acc[j] += c[j];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for v in rest {
        s += v;
    }
    s
}

/// Adds `delta` to every element of a block and returns `block_sum` of the result, in one pass:
/// the same eight accumulators in the same order, so the same bits as a separate `block_sum`.
#[inline(always)]
pub(crate) fn add_and_sum(b: &mut [f64], delta: f64) -> f64 {
    let mut acc = [0.0f64; 8];
    let mut chunks = b.chunks_exact_mut(8);
    for c in &mut chunks {
        for j in 0..8 {
            c[j] += delta;
            acc[j] += c[j];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for v in chunks.into_remainder() {
        *v += delta;
        s += *v;
    }
    s
}

impl Model {
    /// `sources` is M for the very model and ignored otherwise.
    pub fn new(kind: ModelKind, data: Dataset, sigma: f64, sources: usize) -> Result<Model> {
        check_sigma(sigma)?;
        let sources = match kind {
            ModelKind::Traditional => 0,
            ModelKind::Slightly => 1,
            ModelKind::Very => {
                if sources == 0 {
                    return Err(invalid!("--sources must be at least 1"));
                }
                sources
            }
            ModelKind::Net => return Err(invalid!("the net is not a linear model: build it with crate::net")),
        };
        let k = data.n().checked_mul(sources).and_then(|v| v.checked_add(1));
        match k {
            Some(k) if k <= MAX_PARAMS => {}
            _ => {
                return Err(invalid!(
                    "{} points × {} sources is too many parameters: the limit is {} (about {} MB per parameter vector)",
                    data.n(),
                    sources,
                    MAX_PARAMS,
                    MAX_PARAMS * 8 / 1_000_000
                ));
            }
        }
        let scale = match kind {
            ModelKind::Traditional | ModelKind::Net => 0.0,
            ModelKind::Slightly => sigma,
            ModelKind::Very => sigma * (3.0 / sources as f64).sqrt(),
        };
        let (xx, xy) = (data.xx(), data.xy());
        Ok(Model { kind, data, sigma, sources, scale, xx, xy })
    }

    pub fn n(&self) -> usize {
        self.data.n()
    }
    /// Number of parameters k.
    pub fn k(&self) -> usize {
        1 + self.n() * self.sources
    }
    /// X = Σ x².
    pub fn xx(&self) -> f64 {
        self.xx
    }
    /// XY = Σ x·y.
    pub fn xy(&self) -> f64 {
        self.xy
    }
    /// a in JJᵀ = x xᵀ + a·I: 0, σ², 3σ² (THEORY.md, "Curvature").
    pub fn a(&self) -> f64 {
        self.scale * self.scale * self.sources as f64
    }
    /// The largest eigenvalue of JᵀJ: X + a.
    pub fn lambda_max(&self) -> f64 {
        self.xx + self.a()
    }
    /// The largest eigenvalue of J D Jᵀ for a metric (D = prior variances for `Prior`).
    pub fn lambda_max_in(&self, metric: Metric) -> f64 {
        self.xx + self.alpha(metric)
    }
    /// Dimension of the zero-loss set: k − N when overparameterized, else 0 (a point).
    pub fn ridge_dim(&self) -> usize {
        if self.kind.is_overparameterized() { self.k() - self.n() } else { 0 }
    }
    /// Prior variance of each noise parameter: 1 (slightly, N(0,1)), 1/3 (very, U(−1,1)).
    pub fn prior_var_xi(&self) -> f64 {
        match self.kind {
            ModelKind::Very => 1.0 / 3.0,
            _ => 1.0,
        }
    }
    /// The shift in J D Jᵀ = x xᵀ + α·I: a for Euclidean, σ² for the prior metric.
    pub fn alpha(&self, metric: Metric) -> f64 {
        match (self.kind, metric) {
            (ModelKind::Traditional, _) => 0.0,
            (_, Metric::Euclidean) => self.a(),
            (_, Metric::Prior) => self.sigma * self.sigma,
        }
    }

    /// Draws every parameter of an init: c ~ N(0,1); ξ ~ N(0,1) (slightly) or U(−1,1) (very).
    pub fn init(&self, rng: &mut crate::rng::Rng) -> Array1<f64> {
        let mut theta = Array1::zeros(self.k());
        self.init_into(theta.as_slice_mut().unwrap_or(&mut []), rng);
        theta
    }

    /// `init` into an existing buffer of length k (no allocation).
    pub fn init_into(&self, theta: &mut [f64], rng: &mut crate::rng::Rng) {
        theta[0] = rng.sample(StandardNormal);
        match self.kind {
            ModelKind::Traditional | ModelKind::Net => {}
            ModelKind::Slightly => theta[1..].iter_mut().for_each(|v| *v = rng.sample(StandardNormal)),
            ModelKind::Very => theta[1..].iter_mut().for_each(|v| *v = uniform_pm1(rng.next_u64())),
        }
    }

    /// Draws an init and returns only (c0, xᵀe0): what the endpoint slope depends on. Draws
    /// exactly the numbers `init` draws, in the same order, without storing them.
    pub fn init_summary(&self, rng: &mut crate::rng::Rng) -> (f64, f64) {
        let c0: f64 = rng.sample(StandardNormal);
        let x = &self.data.x;
        let xe = match self.kind {
            ModelKind::Traditional | ModelKind::Net => 0.0,
            ModelKind::Slightly => x.iter().map(|&xn| xn * self.scale * rng.sample::<f64, _>(StandardNormal)).sum(),
            ModelKind::Very => {
                let mut buf = vec![0.0; self.sources];
                x.iter()
                    .map(|&xn| {
                        buf.iter_mut().for_each(|v| *v = uniform_pm1(rng.next_u64()));
                        xn * self.scale * block_sum(&buf)
                    })
                    .sum()
            }
        };
        (c0, xe)
    }

    /// The noise part e_n = scale·Σ_i ξ_{n,i} of each prediction.
    pub fn noise_part(&self, theta: ArrayView1<f64>) -> Array1<f64> {
        match self.kind {
            ModelKind::Traditional | ModelKind::Net => Array1::zeros(self.n()),
            _ => {
                let xi = theta.slice(ndarray::s![1..]);
                let xi = xi.as_slice().map(<[f64]>::to_vec).unwrap_or_else(|| xi.to_vec());
                Array1::from_iter(xi.chunks_exact(self.sources).map(|b| self.scale * block_sum(b)))
            }
        }
    }

    /// J v: the predictions of parameter vector v (f = Jθ; the models are linear).
    pub fn apply_j(&self, v: ArrayView1<f64>) -> Array1<f64> {
        &self.data.x * v[0] + &self.noise_part(v)
    }

    /// Jᵀ r: a vector of length k.
    pub fn apply_jt(&self, r: ArrayView1<f64>) -> Array1<f64> {
        let mut out = Array1::zeros(self.k());
        out[0] = self.data.x.dot(&r);
        if self.sources > 0 {
            let tail = out.slice_mut(ndarray::s![1..]);
            let mut tail = tail;
            for (n, &rn) in r.iter().enumerate() {
                tail.slice_mut(ndarray::s![n * self.sources..(n + 1) * self.sources]).fill(self.scale * rn);
            }
        }
        out
    }

    /// r = y − f.
    pub fn residuals(&self, theta: ArrayView1<f64>) -> Array1<f64> {
        &self.data.y - &self.apply_j(theta)
    }
    /// L = ½ Σ r².
    pub fn loss(&self, theta: ArrayView1<f64>) -> f64 {
        let r = self.residuals(theta);
        0.5 * r.dot(&r)
    }
    /// ∇L = −Jᵀ r.
    pub fn gradient(&self, theta: ArrayView1<f64>) -> Array1<f64> {
        -self.apply_jt(self.residuals(theta).view())
    }
    /// |∇L| from the residuals in O(N): |Jᵀr|² = (xᵀr)² + a·|r|².
    pub fn grad_norm_of(&self, r: ArrayView1<f64>) -> f64 {
        let xr = self.data.x.dot(&r);
        (xr * xr + self.a() * r.dot(&r)).sqrt()
    }
    pub fn grad_norm(&self, theta: ArrayView1<f64>) -> f64 {
        self.grad_norm_of(self.residuals(theta).view())
    }

    /// One full-batch step θ ← θ − η·D·∇L (D = I, or the prior variances) given the residual
    /// r = y − Jθ, which it carries forward too. Returns (loss, |∇L|) at θ before the step.
    ///
    /// ∇L = −Jᵀr, so the step adds η·xᵀr to c and the same η·d·scale·r_n to every source of
    /// point n: one write pass over θ. The models are linear, so the residual moves by
    /// −J·Δθ = −η·(x·xᵀr + α·r) in O(N); the caller recomputes it from θ now and then
    /// (`Run` does every `RESIDUAL_RESYNC` steps) so rounding cannot drift.
    pub fn gd_update(&self, theta: &mut [f64], r: &mut [f64], lr: f64, metric: Metric) -> (f64, f64) {
        let (loss, g, _) = self.gd_update_with(theta, r, lr, metric, |_| false);
        (loss, g)
    }

    /// `gd_update`, except that when `fresh(|r|²)` says so (near the rounding floor, or a
    /// periodic resync) r is recomputed from the new θ in the same pass that writes it: bit for
    /// bit `residuals(θ)`, since each block is summed as `block_sum` sums it, while it is written.
    /// Returns (loss, |∇L|, whether r was recomputed).
    pub fn gd_update_with(
        &self,
        theta: &mut [f64],
        r: &mut [f64],
        lr: f64,
        metric: Metric,
        fresh: impl FnOnce(f64) -> bool,
    ) -> (f64, f64, bool) {
        let x = self.data.x.as_slice().unwrap_or(&[]);
        let (mut xr, mut rr) = (0.0, 0.0);
        for (&xn, &rn) in x.iter().zip(r.iter()) {
            xr += xn * rn;
            rr += rn * rn;
        }
        let fresh = fresh(rr);
        let d = if metric == Metric::Prior { self.prior_var_xi() } else { 1.0 };
        let coef = lr * d * self.scale;
        theta[0] += lr * xr;
        if fresh {
            // r = y − (x·c + e) at the new θ, exactly as `residuals` computes it.
            let (c, y) = (theta[0], self.data.y.as_slice().unwrap_or(&[]));
            if self.sources > 0 {
                for (((block, rn), &xn), &yn) in
                    theta[1..].chunks_exact_mut(self.sources).zip(r.iter_mut()).zip(x).zip(y)
                {
                    let sum = add_and_sum(block, coef * *rn);
                    *rn = yn - (xn * c + self.scale * sum);
                }
            } else {
                for ((rn, &xn), &yn) in r.iter_mut().zip(x).zip(y) {
                    *rn = yn - (xn * c + 0.0);
                }
            }
        } else {
            if self.sources > 0 {
                for (block, &rn) in theta[1..].chunks_exact_mut(self.sources).zip(r.iter()) {
                    let delta = coef * rn;
                    // In eights, as `add_and_sum`: one vector each, no long loop set up per block.
                    let mut eights = block.chunks_exact_mut(8);
                    for c in &mut eights {
                        c.iter_mut().for_each(|v| *v += delta);
                    }
                    eights.into_remainder().iter_mut().for_each(|v| *v += delta);
                }
            }
            let alpha = self.alpha(metric);
            for (rn, &xn) in r.iter_mut().zip(x) {
                *rn -= lr * (xn * xr + alpha * *rn);
            }
        }
        (0.5 * rr, (xr * xr + self.a() * rr).sqrt(), fresh)
    }

    /// One Kaczmarz step on point n: θ ← θ + scale_factor·r_n/|J_n|²·J_nᵀ. Returns false (and
    /// changes nothing) when J_n = 0, i.e. the point carries no gradient.
    pub fn kaczmarz_step(&self, theta: &mut [f64], n: usize, step_scale: f64) -> bool {
        let (xn, yn) = (self.data.x[n], self.data.y[n]);
        let jn2 = xn * xn + self.a();
        if jn2 == 0.0 {
            return false;
        }
        let m = self.sources;
        let (c, rest) = theta.split_at_mut(1);
        let block = &mut rest[n * m..(n + 1) * m];
        let r = yn - c[0] * xn - self.scale * block_sum(block);
        let alpha = step_scale * r / jn2;
        let delta = alpha * self.scale;
        block.iter_mut().for_each(|v| *v += delta);
        c[0] += alpha * xn;
        true
    }

    /// The closed-form endpoint of gradient descent from θ0 (THEORY.md, "Where gradient descent
    /// ends"): θ* = θ0 + D Jᵀ (J D Jᵀ)⁻¹ (y − Jθ0), with J D Jᵀ = x xᵀ + α·I inverted by
    /// Sherman–Morrison. Traditional: the unique minimiser [XY/X].
    pub fn endpoint(&self, theta0: ArrayView1<f64>, metric: Metric) -> Array1<f64> {
        if self.kind == ModelKind::Traditional {
            return Array1::from_elem(1, self.xy / self.xx);
        }
        let alpha = self.alpha(metric);
        let r0 = self.residuals(theta0);
        let xr = self.data.x.dot(&r0);
        let u = (&r0 - &(&self.data.x * (xr / (alpha + self.xx)))) / alpha;
        let d = if metric == Metric::Prior { self.prior_var_xi() } else { 1.0 };
        let mut step = self.apply_jt(u.view());
        step.slice_mut(ndarray::s![1..]).mapv_inplace(|v| v * d);
        // xᵀu = xᵀr0/(α + X) exactly; computing it from u would cancel badly when α = σ² is tiny.
        step[0] = xr / (alpha + self.xx);
        &theta0 + &step
    }

    /// The endpoint slope from an init summary (c0, xᵀe0): c* = c0 + xᵀr0/(α + X).
    pub fn endpoint_slope(&self, c0: f64, xe0: f64, metric: Metric) -> f64 {
        if self.kind == ModelKind::Traditional {
            return self.xy / self.xx;
        }
        let xr0 = self.xy - c0 * self.xx - xe0;
        c0 + xr0 / (self.alpha(metric) + self.xx)
    }
}

#[cfg(test)]
mod tests {
    use super::{add_and_sum, block_sum};

    #[test]
    fn add_and_sum_is_block_sum_of_the_updated_block_bit_for_bit() {
        for len in [0usize, 1, 7, 8, 9, 100, 1001] {
            let orig: Vec<f64> = (0..len).map(|i| ((i * 7919) % 1000) as f64 * 1e-3 - 0.5 + 1e-17 * i as f64).collect();
            let delta = 0.1234567890123;
            let mut fused = orig.clone();
            let s = add_and_sum(&mut fused, delta);
            let mut apart = orig.clone();
            apart.iter_mut().for_each(|v| *v += delta);
            assert_eq!(fused, apart, "len {len}");
            assert_eq!(s.to_bits(), block_sum(&apart).to_bits(), "len {len}");
        }
    }
}
