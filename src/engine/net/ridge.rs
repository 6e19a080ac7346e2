//! The net's ridge: the loss on the plane through θ* spanned by θ0 → θ* and a null direction of
//! the Jacobian at θ* (THEORY.md, "The wide network": "The ridge is curved").
//!
//! θ(α, β) = θ* + α·across + β·null, across = θ* − θ0 (θ0 sits at α = −1), null ⊥ across with
//! J(θ*)·null = 0 and |null| = |across|. For the linear models the zero-loss set is flat, so the
//! null line α = 0 stays at zero loss; the net's g is curved in θ, so along a tangent null
//! direction the residual grows like β² and the loss like β⁴: the zero-loss set leaves the plane.
//! With `--train last` the model is linear in what is trained and the null line is exact.

use ndarray::Array1;
use rand_distr::{Distribution, StandardNormal};

use super::kernel::TrainMode;
use super::linalg::SymSolve;
use super::model::Net;
use crate::error::{Result, invalid};
use crate::rng::{Stream, stream};

/// The plane the ridge view and ridge.svg show: α, β ∈ [−SPAN, SPAN] in units of |θ* − θ0|
/// (θ0 sits at α = −1).
pub const SPAN: f64 = 1.5;
/// β of the zero-loss points found from the null line (each with both signs).
pub const CURVE_BETAS: [f64; 4] = [0.375, 0.75, 1.125, 1.5];

/// Gauss–Newton steps taken towards the zero-loss set from each point of the null line.
const NEWTON_STEPS: usize = 4;

/// The plane through θ* and its axes.
#[derive(Debug, Clone)]
pub struct NetPlane {
    pub theta_star: Array1<f64>,
    /// θ* − θ0.
    pub across: Array1<f64>,
    /// A null direction of J(θ*) over the trained parameters, ⊥ across, |null| = |across|.
    pub null: Array1<f64>,
    /// |θ* − θ0|, the length of both axes.
    pub distance: f64,
}

/// A point of the zero-loss set near the plane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZeroPoint {
    /// Its projection onto the plane.
    pub alpha: f64,
    pub beta: f64,
    /// Its distance from the plane, in units of |θ* − θ0|.
    pub off: f64,
    /// The loss there (zero up to the Gauss–Newton steps' convergence).
    pub loss: f64,
}

/// Jᵀv (length k) at θ over the trained parameters: `add_jt` on a copy, less the copy.
fn jt(net: &Net, theta: &[f64], v: &[f64]) -> Array1<f64> {
    let mut moved = theta.to_vec();
    net.add_jt(&mut moved, v, 1.0);
    Array1::from_iter(moved.iter().zip(theta).map(|(a, b)| a - b))
}

/// The orthogonal projection onto null(J) within the trained coordinates:
/// v − Jᵀ(JJᵀ)⁻¹Jv, with JJᵀ = Θ̂ (the empirical NTK with its noise block) factored once
/// (its pseudo-inverse at σn = 0).
struct NullProjector<'a> {
    net: &'a Net,
    theta: &'a [f64],
    chol: SymSolve,
}

impl NullProjector<'_> {
    fn apply(&self, v: &Array1<f64>) -> Array1<f64> {
        let masked =
            Array1::from_iter(v.iter().enumerate().map(|(i, &x)| if self.net.is_trained(i) { x } else { 0.0 }));
        let jv = Array1::from(self.net.jvp(self.theta, masked.as_slice().unwrap_or(&[])));
        let w = self.chol.solve(jv.view());
        &masked - &jt(self.net, self.theta, w.as_slice().unwrap_or(&[]))
    }
    /// Projected twice: the second pass removes what rounding left in range(Jᵀ).
    fn project(&self, v: &Array1<f64>) -> Array1<f64> {
        self.apply(&self.apply(v))
    }
}

impl NetPlane {
    /// The plane through `theta_star` for a run from `theta0`; the null direction starts from
    /// draw `index` of the ridge stream of `seed`. O(N²M + N³).
    pub fn new(net: &Net, theta0: &Array1<f64>, theta_star: &Array1<f64>, seed: u64, index: u64) -> Result<NetPlane> {
        let across = theta_star - theta0;
        let distance = across.dot(&across).sqrt();
        if !(distance > 0.0 && distance.is_finite()) {
            return Err(invalid!("θ has not moved from θ0: there is no θ0 → θ* axis yet"));
        }
        let th = theta_star.as_slice().unwrap_or(&[]);
        let proj =
            NullProjector { net, theta: th, chol: SymSolve::new(net.train_ntk(th).view(), net.has_noise_params())? };
        let mut rng = stream(seed, Stream::Ridge, index);
        let u = Array1::from_iter((0..net.k()).map(|_| StandardNormal.sample(&mut rng)));
        let n = proj.project(&u);
        // Within null(J), take out the part along across's own null component, so null ⊥ across
        // exactly and stays in null(J). When across lies in range(Jᵀ) (the last layer, where
        // J does not move), that component is rounding and n is already ⊥ across.
        let m = proj.project(&across);
        let mm = m.dot(&across);
        let null = if mm > 1e-16 * distance * distance { &n - &(&m * (n.dot(&across) / mm)) } else { n };
        let norm = null.dot(&null).sqrt();
        if !(norm > 0.0 && norm.is_finite()) {
            return Err(invalid!("the Jacobian has no null direction here"));
        }
        let null = null * (distance / norm);
        Ok(NetPlane { theta_star: theta_star.clone(), across, null, distance })
    }

    /// θ* + α·across + β·null.
    pub fn point(&self, alpha: f64, beta: f64) -> Array1<f64> {
        &self.theta_star + &(&self.across * alpha) + &(&self.null * beta)
    }

    /// (α, β) of θ projected onto the plane.
    pub fn coords(&self, theta: &Array1<f64>) -> (f64, f64) {
        let d = theta - &self.theta_star;
        let l2 = self.distance * self.distance;
        (d.dot(&self.across) / l2, d.dot(&self.null) / l2)
    }

    /// Distance of θ from the plane, in units of |θ* − θ0|.
    pub fn off_plane(&self, theta: &Array1<f64>) -> f64 {
        let (a, b) = self.coords(theta);
        let d = theta - &self.point(a, b);
        d.dot(&d).sqrt() / self.distance
    }

    pub fn loss(&self, net: &Net, alpha: f64, beta: f64) -> f64 {
        net.loss(self.point(alpha, beta).as_slice().unwrap_or(&[]))
    }

    /// log10 of the loss at every (α, β), α from `alphas` (columns), β from `betas` (rows),
    /// row-major, floored at `floor`. O(N·M) per point; None once `stop` says so (checked per row).
    pub fn log_loss_grid(
        &self,
        net: &Net,
        alphas: &[f64],
        betas: &[f64],
        floor: f64,
        stop: &dyn Fn() -> bool,
    ) -> Option<Vec<f64>> {
        let mut out = Vec::with_capacity(alphas.len() * betas.len());
        for &b in betas {
            if stop() {
                return None;
            }
            let row = &self.theta_star + &(&self.null * b);
            for &a in alphas {
                let th = &row + &(&self.across * a);
                out.push(net.loss(th.as_slice().unwrap_or(&[])).max(floor).log10());
            }
        }
        Some(out)
    }

    /// |r(θ* + β·null) − r(θ*)| for each β: the residual's change along the null line, O(β²)
    /// for a curved model (J·null = 0 kills the first order), rounding for a linear one.
    pub fn null_line_change(&self, net: &Net, betas: &[f64]) -> Vec<f64> {
        let r0 = Array1::from(net.residuals(self.theta_star.as_slice().unwrap_or(&[])));
        betas
            .iter()
            .map(|&b| {
                let p = self.point(0.0, b);
                let d = &Array1::from(net.residuals(p.as_slice().unwrap_or(&[]))) - &r0;
                d.dot(&d).sqrt()
            })
            .collect()
    }

    /// The power p in "the loss added along the null line ∝ β^p" near θ* (½|Δr|², fitted over
    /// β = 0.001, 0.002, 0.004): 4 where g is smooth (the residual is O(β²)); 2 where GD left a
    /// ReLU pre-activation on its kink (a crease: g has no second-order expansion there). None
    /// when the change is rounding (a straight ridge).
    pub fn null_line_exponent(&self, net: &Net) -> Option<f64> {
        let betas = [0.001, 0.002, 0.004];
        let change = self.null_line_change(net, &betas);
        let scale = net.y.iter().map(|v| v * v).sum::<f64>().sqrt().max(1.0);
        if !change.iter().all(|&c| c > 1e-10 * scale) {
            return None;
        }
        let loss: Vec<f64> = change.iter().map(|c| 0.5 * c * c).collect();
        crate::ridge::power_law_exponent(&betas, &loss)
    }

    /// For each β, the zero-loss point Gauss–Newton reaches from θ* + β·null (each step the
    /// least-norm one to r = 0 of the linearized model, θ += Jᵀ(JJᵀ)⁻¹r), projected onto the
    /// plane. With the last layer trained it stays on the null line. O(N²M + N³) per step;
    /// None once `stop` says so.
    pub fn zero_loss_curve(&self, net: &Net, betas: &[f64], stop: &dyn Fn() -> bool) -> Result<Option<Vec<ZeroPoint>>> {
        let mut out = Vec::with_capacity(betas.len());
        for &b in betas {
            let mut th = self.point(0.0, b);
            for _ in 0..NEWTON_STEPS {
                if stop() {
                    return Ok(None);
                }
                let s = th.as_slice_mut().unwrap_or(&mut []);
                let r = Array1::from(net.residuals(s));
                let w = SymSolve::new(net.train_ntk(s).view(), net.has_noise_params())?.solve(r.view());
                net.add_jt(s, w.as_slice().unwrap_or(&[]), 1.0);
            }
            let (alpha, beta) = self.coords(&th);
            let loss = net.loss(th.as_slice().unwrap_or(&[]));
            out.push(ZeroPoint { alpha, beta, off: self.off_plane(&th), loss });
        }
        Ok(Some(out))
    }
}

/// How many ReLU pre-activations z_nj = σw w_j x̃_n + σb b_j sit on the kink at θ (|z| below
/// 1e-9): GD parks some there, and the zero-loss set has a crease through them. 0 for erf.
pub fn kinks(net: &Net, theta: &[f64]) -> usize {
    if net.act != super::kernel::Act::Relu || net.train == TrainMode::Last {
        return 0;
    }
    let m = net.width;
    let (sw, sb) = (net.scales.w, net.scales.b);
    net.xt.iter().map(|&x| (0..m).filter(|&j| (sw * theta[j] * x + sb * theta[m + j]).abs() < 1e-9).count()).sum()
}

/// Whether the zero-loss set is flat for this net: the model is linear in what it trains.
pub fn straight(net: &Net) -> bool {
    net.train == TrainMode::Last
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::data::DataSpec;
    use crate::net::{Act, NetRun};
    use crate::optim::{LrChoice, Optimizer};
    use std::sync::Arc;

    fn net(act: Act, train: TrainMode) -> Arc<Net> {
        let data = DataSpec { n: 20, ..DataSpec::default() }.generate().unwrap();
        Arc::new(Net::new(data, 24, act, train, 0.5).unwrap())
    }

    fn converged(net: &Arc<Net>) -> NetRun {
        let mut run = NetRun::new(Arc::clone(net), Optimizer::Gd, LrChoice::default(), 42, 0).unwrap();
        run.run_to_end(1_000_000, 1e-10).unwrap();
        assert!(run.converged());
        run
    }

    #[test]
    fn jvp_matches_finite_differences() {
        for act in [Act::Relu, Act::Erf] {
            for train in [TrainMode::All, TrainMode::Last] {
                let net = net(act, train);
                let theta = net.init(&mut stream(3, Stream::Init, 0));
                let mut rng = stream(3, Stream::Ridge, 1);
                let u: Array1<f64> = Array1::from_iter((0..net.k()).map(|_| StandardNormal.sample(&mut rng)));
                let ut = Array1::from_iter(u.iter().enumerate().map(|(i, &v)| if net.is_trained(i) { v } else { 0.0 }));
                let jv = net.jvp(theta.as_slice().unwrap(), u.as_slice().unwrap());
                // g = y − r; central difference along the trained part of u, O(h²).
                let h = 1e-5;
                let rp = net.residuals((&theta + &(&ut * h)).as_slice().unwrap());
                let rm = net.residuals((&theta - &(&ut * h)).as_slice().unwrap());
                for n in 0..net.n() {
                    let fd = (rm[n] - rp[n]) / (2.0 * h);
                    assert!(
                        (jv[n] - fd).abs() < 1e-6 * fd.abs().max(1.0),
                        "{act:?} {train:?} n={n}: {} vs {fd}",
                        jv[n]
                    );
                }
                // And ⟨Ju, v⟩ = ⟨u, Jᵀv⟩ against the backward pass.
                let v: Vec<f64> = (0..net.n()).map(|i| (i as f64 * 0.37).sin()).collect();
                let lhs: f64 = jv.iter().zip(&v).map(|(a, b)| a * b).sum();
                let rhs = ut.dot(&jt(&net, theta.as_slice().unwrap(), &v));
                assert!((lhs - rhs).abs() < 1e-9 * lhs.abs().max(1.0), "{lhs} vs {rhs}");
            }
        }
    }

    #[test]
    fn the_null_direction_is_null_orthogonal_and_scaled() {
        for act in [Act::Relu, Act::Erf] {
            for train in [TrainMode::All, TrainMode::Last] {
                let net = net(act, train);
                let run = converged(&net);
                let p = NetPlane::new(&net, &run.theta0, &run.theta, 42, 0).unwrap();
                let jn = net.jvp(p.theta_star.as_slice().unwrap(), p.null.as_slice().unwrap());
                let jn = jn.iter().map(|v| v * v).sum::<f64>().sqrt();
                let ja = net.jvp(p.theta_star.as_slice().unwrap(), p.across.as_slice().unwrap());
                let ja = ja.iter().map(|v| v * v).sum::<f64>().sqrt();
                assert!(jn < 1e-12 * ja, "{act:?} {train:?}: |J·null| {jn} vs |J·across| {ja}");
                assert!(p.null.dot(&p.across).abs() < 1e-12 * p.distance * p.distance);
                assert!((p.null.dot(&p.null).sqrt() / p.distance - 1.0).abs() < 1e-12);
                for i in 0..net.k() {
                    if !net.is_trained(i) {
                        assert_eq!(p.null[i], 0.0, "a frozen parameter moves along null");
                    }
                }
                // The plane goes through θ* (the run's loss) and θ0 (at α = −1).
                assert_eq!(p.loss(&net, 0.0, 0.0), run.loss());
                assert!((p.loss(&net, -1.0, 0.0) - run.loss0()).abs() < 1e-10 * run.loss0());
            }
        }
    }

    #[test]
    fn the_loss_along_the_null_line_rises_like_beta_to_the_fourth_where_smooth_and_relu_leaves_kinks() {
        for act in [Act::Relu, Act::Erf] {
            let net = net(act, TrainMode::All);
            let run = converged(&net);
            let p = NetPlane::new(&net, &run.theta0, &run.theta, 42, 0).unwrap();
            let e = p.null_line_exponent(&net).unwrap();
            let kinks = kinks(&net, run.theta.as_slice().unwrap());
            // erf is smooth: the residual is O(β²), the loss O(β⁴). GD parks ReLU pre-activations
            // on the kink (none lies within 1e-9 of it at init): there the ridge has a crease and
            // the residual grows at first order.
            // No single power holds with kinks (the null line crosses creases, first order past
            // each, at β that depend on the draw), so only erf's is asserted.
            assert_eq!(kinks > 0, act == Act::Relu, "{act:?}: {kinks} kinks");
            assert_eq!(super::kinks(&net, run.theta0.as_slice().unwrap()), 0);
            if act == Act::Erf {
                assert!((e - 4.0).abs() < 0.1, "{act:?}: loss along the null line ∝ β^{e}");
            }
            // Off the null line the first order is back: across the ridge the loss is quadratic.
            let l = |a: f64| p.loss(&net, a, 0.0) - run.loss();
            let q = (l(0.02) / l(0.01)).log2();
            assert!((q - 2.0).abs() < 0.05, "{act:?}: across ∝ α^{q}");
        }
    }

    #[test]
    fn with_the_last_layer_the_null_line_is_zero_loss() {
        // The model is linear in a, c, ε: the null line is exactly on the ridge (straight).
        let net = net(Act::Relu, TrainMode::Last);
        let run = converged(&net);
        let p = NetPlane::new(&net, &run.theta0, &run.theta, 42, 0).unwrap();
        assert!(p.null_line_exponent(&net).is_none());
        let change = p.null_line_change(&net, &[0.5, 1.0, 2.0]);
        assert!(change.iter().all(|&c| c < 1e-12), "{change:?}");
        for b in [-1.0, 1.0] {
            assert!(p.loss(&net, 0.0, b) < run.loss() + 1e-20, "β = {b}: {}", p.loss(&net, 0.0, b));
        }
        let curve = p.zero_loss_curve(&net, &[-1.0, 1.0], &|| false).unwrap().unwrap();
        for z in curve {
            assert!(z.alpha.abs() < 1e-10 && z.off < 1e-10, "{z:?}");
        }
    }

    #[test]
    fn with_all_layers_the_zero_loss_set_bends_off_the_null_line() {
        let net = net(Act::Relu, TrainMode::All);
        let run = converged(&net);
        let p = NetPlane::new(&net, &run.theta0, &run.theta, 42, 0).unwrap();
        let curve = p.zero_loss_curve(&net, &[-1.0, -0.5, 0.5, 1.0], &|| false).unwrap().unwrap();
        for (z, b) in curve.iter().zip([-1.0, -0.5, 0.5, 1.0]) {
            // Zero loss there, while the plane at the same β is not, and it lies off the plane.
            assert!(z.loss < 1e-20, "{z:?}");
            assert!(p.loss(&net, 0.0, b) > 1e3 * z.loss.max(1e-24), "{z:?}");
            assert!((z.beta - b).abs() < 0.1 && z.off > 1e-6, "{z:?}");
        }
        // It leaves the plane at second order: about 4× as far at β = 1 as at β = ½.
        let ratio = curve[3].off / curve[2].off;
        assert!((2.5..6.0).contains(&ratio), "off-plane distance at β=1 over β=½: {ratio}");
    }
}
