#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The net without noise parameters (`--noise-prior 0`) against THEORY.md: its size, where GD
//! ends (the least-squares fit closest to θ0, through the pseudo-inverse) and the NNGP
//! posterior's test error at σn = 0 and σn = 1 ("Does it overfit?").

use std::sync::Arc;

use ndarray::{Array1, Array2};
use overparam::data::{DataSpec, Dataset};
use overparam::net::linalg::Cholesky;
use overparam::net::{Act, Net, NetRun, NetSpec, NetTheory, TrainMode};
use overparam::optim::{LrChoice, Optimizer};

fn demo() -> Dataset {
    DataSpec::default().generate().unwrap()
}

fn net(data: &Dataset, width: usize, train: TrainMode, sigma_n: f64) -> Arc<Net> {
    NetSpec { width, act: Act::Relu, train }.build(data, sigma_n).unwrap()
}

#[test]
fn without_noise_parameters_k_is_3m_plus_1_and_the_ridge_may_vanish() {
    let data = demo();
    let n = net(&data, 10, TrainMode::All, 0.0);
    assert_eq!((n.k(), n.ridge_dim(), n.noise_params()), (31, 31 - 100, 0));
    let n = net(&data, 64, TrainMode::Last, 0.0);
    assert_eq!((n.k(), n.ridge_dim()), (193, 93));
    let with = net(&data, 64, TrainMode::Last, 1.0);
    assert_eq!((with.k(), with.ridge_dim()), (293, 193));
    // The same network parameters either way: ε is drawn and dropped.
    let rng = || overparam::rng::stream(42, overparam::rng::Stream::Init, 3);
    let (t0, t1) = (n.init(&mut rng()), with.init(&mut rng()));
    assert_eq!(t0.as_slice().unwrap(), &t1.as_slice().unwrap()[..193]);
    // g = f: the residual is y − f.
    let f = n.f(t0.as_slice().unwrap(), &n.xt);
    let r = n.residuals(t0.as_slice().unwrap());
    for i in 0..100 {
        assert!((r[i] - (n.y[i] - f[i])).abs() < 1e-12);
    }
    // A negative or NaN prior is refused.
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        let e = NetSpec { width: 4, act: Act::Relu, train: TrainMode::All }.build(&data, bad).unwrap_err();
        assert!(e.to_string().contains("--noise-prior"), "{e}");
    }
}

/// The last layer's features at θ0, one row a point: (σa/√M)·φ(σw w_j x̃ + σb b_j), then σc.
fn features(n: &Net, theta: &[f64]) -> Array2<f64> {
    let m = n.width;
    let sa = 1.0 / (m as f64).sqrt();
    Array2::from_shape_fn(
        (n.n(), m + 1),
        |(i, j)| {
            if j == m { 1.0 } else { sa * (theta[j] * n.xt[i] + theta[m + j]).max(0.0) }
        },
    )
}

#[test]
fn last_layer_endpoint_at_sigma_n_zero_is_the_least_squares_fit_closest_to_theta0() {
    let data = demo();
    // Below the threshold (11 trained parameters, 100 points): the least-squares fit, whatever
    // θ0, solved directly from the normal equations ΦᵀΦ a = Φᵀy.
    let n = net(&data, 10, TrainMode::Last, 0.0);
    let mut run = NetRun::new(Arc::clone(&n), Optimizer::Exact, LrChoice::default(), 42, 0).unwrap();
    run.run_to_end(1, 1e-9).unwrap();
    let all = features(&n, run.theta0.as_slice().unwrap());
    // A unit whose ReLU is off on every point gives a zero column (ΦᵀΦ is then singular): its a
    // cannot move the fit, and the closest point keeps it at a0.
    let live: Vec<usize> = (0..=10).filter(|&j| all.column(j).iter().any(|v| *v != 0.0)).collect();
    assert!(live.len() < 11, "this init has a dead unit, the singular case");
    let phi = all.select(ndarray::Axis(1), &live);
    let y = Array1::from(n.y.clone());
    let a = Cholesky::new(phi.t().dot(&phi).view()).unwrap().solve(phi.t().dot(&y).view());
    let want = phi.dot(&a);
    let (th0, th) = (run.theta0.as_slice().unwrap(), run.theta.as_slice().unwrap());
    for j in (0..10).filter(|j| !live.contains(j)) {
        assert!((th[20 + j] - th0[20 + j]).abs() < 1e-12, "dead unit {j}'s a moved");
    }
    let got = n.f(run.theta.as_slice().unwrap(), &n.xt);
    for i in 0..100 {
        assert!((got[i] - want[i]).abs() < 1e-7 * (1.0 + want[i].abs()), "point {i}: {} vs {}", got[i], want[i]);
    }
    // The loss is the least-squares residual, far from zero: no ridge to land on.
    let ls = 0.5 * (&y - &want).mapv(|v| v * v).sum();
    assert!((run.loss() - ls).abs() < 1e-7 * ls && ls > 10.0, "{} vs {ls}", run.loss());
    assert!(!run.converged(), "the least-squares fit has |∇L| ≈ 0 only up to rounding");

    // Well past it (2001 trained parameters, enough kinks between every two neighbouring points): interpolation, at the closest point to θ0:
    // a* − a0 = Φᵀ(ΦΦᵀ)⁻¹(y − Φa0), by Cholesky of the (definite) ΦΦᵀ.
    let n = net(&data, 2000, TrainMode::Last, 0.0);
    let mut run = NetRun::new(Arc::clone(&n), Optimizer::Exact, LrChoice::default(), 42, 0).unwrap();
    run.run_to_end(1, 1e-6).unwrap();
    let th0 = run.theta0.as_slice().unwrap();
    let phi = features(&n, th0);
    let a0 = Array1::from_iter((0..=2000).map(|j| th0[4000 + j]));
    let u = Cholesky::new(phi.dot(&phi.t()).view()).unwrap().solve((&y - &phi.dot(&a0)).view());
    let want = &a0 + &phi.t().dot(&u);
    let th = run.theta.as_slice().unwrap();
    // ΦΦᵀ's condition number is about 1e10 here: both solves keep ~6 digits of the move a* − a0.
    let moved = (&want - &a0).iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for j in 0..=2000 {
        let err = (th[4000 + j] - want[j]).abs();
        assert!(err < 1e-5 * moved, "a_{j}: {} vs {} (largest move {moved})", th[4000 + j], want[j]);
    }
    assert_eq!(&th[..4000], &th0[..4000], "w and b stay frozen");
    // Interpolates, to the digits a condition number of 1e10 leaves (the init's loss is ~1e3).
    assert!(run.loss() < 1e-10, "interpolates: loss {}", run.loss());
}

/// 991 points on [0, 9.9] (THEORY.md, "Does it overfit?").
fn grid() -> Vec<f64> {
    (0..991).map(|i| i as f64 * 0.01).collect()
}

/// E_init R of the last layer at infinite width: the NNGP posterior's mean error plus its variance.
fn nngp_risk(sigma_n: f64) -> (f64, f64) {
    let data = demo();
    let theory = NetTheory::new(&net(&data, 1, TrainMode::Last, sigma_n)).unwrap();
    let preds = theory.predict(&grid());
    let k = preds.len() as f64;
    let bias = preds.iter().map(|p| (p.posterior.mean - p.x).powi(2)).sum::<f64>() / k;
    let var = preds.iter().map(|p| p.posterior.std.powi(2)).sum::<f64>() / k;
    (bias, var)
}

#[test]
fn the_nngp_posteriors_test_error_at_sigma_n_one_and_zero_is_theorys() {
    // THEORY.md: σn = 1: 0.0262 + 0.0303 = 0.0565; σn = 0 (kernel interpolation): 0.839.
    let (b1, v1) = nngp_risk(1.0);
    assert!((b1 - 0.0262).abs() < 5e-4 && (v1 - 0.0303).abs() < 5e-4, "{b1} + {v1}");
    let (b0, v0) = nngp_risk(0.0);
    assert!(((b0 + v0) - 0.839).abs() < 5e-3, "{b0} + {v0}");
}
