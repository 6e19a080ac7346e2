#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The wide network against THEORY.md, "The wide network": its kernels, its gradients, where GD
//! takes it, and the two theories of its ensembles.

use std::sync::Arc;

use overparam::data::{DataSpec, Dataset, XLayout};
use overparam::ensemble::EnsembleConfig;
use overparam::net::kernel::{Scales, k_theta};
use overparam::net::{self, Act, Net, NetRun, NetSpec, NetTheory, TrainMode};
use overparam::optim::{LrChoice, Optimizer, Status};
use overparam::rng::{Stream, stream};
use overparam::theory::{self, Normal};

fn small() -> Dataset {
    DataSpec { n: 10, x: XLayout::Normal, ..DataSpec::default() }.generate().unwrap()
}

fn net(data: &Dataset, width: usize, act: Act, train: TrainMode) -> Arc<Net> {
    NetSpec { width, act, train }.build(data, 1.0).unwrap()
}

/// RMS over a few inits of the empirical kernels' distance from the closed forms, at five inputs.
fn kernel_error(act: Act, train: TrainMode, width: usize, inits: u64) -> (f64, f64) {
    let data = small();
    let n = net(&data, width, act, train);
    let xs = [-2.0, -0.3, 0.0, 0.8, 2.5];
    let sc = Scales::default();
    let (mut ek, mut et) = (0.0, 0.0);
    for i in 0..inits {
        let theta = n.init(&mut stream(9, Stream::Init, i));
        let (k, t) = n.empirical_kernels(theta.as_slice().unwrap(), &xs, &xs);
        for (p, &x1) in xs.iter().enumerate() {
            for (q, &x2) in xs.iter().enumerate() {
                let (kc, tc) = k_theta(act, train, &sc, x1, x2);
                ek += (k[[p, q]] - kc).powi(2);
                et += (t[[p, q]] - tc).powi(2);
            }
        }
    }
    let count = (inits as usize * xs.len() * xs.len()) as f64;
    ((ek / count).sqrt(), (et / count).sqrt())
}

#[test]
fn kernels_equal_monte_carlo_of_the_empirical_kernels_with_error_like_m_to_the_minus_half() {
    for act in [Act::Relu, Act::Erf] {
        let widths = [256usize, 1024, 4096, 16384];
        let errs: Vec<(f64, f64)> = widths.iter().map(|&m| kernel_error(act, TrainMode::All, m, 24)).collect();
        let ms: Vec<f64> = widths.iter().map(|&m| m as f64).collect();
        let bk = overparam::ridge::power_law_exponent(&ms, &errs.iter().map(|e| e.0).collect::<Vec<_>>()).unwrap();
        let bt = overparam::ridge::power_law_exponent(&ms, &errs.iter().map(|e| e.1).collect::<Vec<_>>()).unwrap();
        assert!((-0.62..=-0.38).contains(&bk), "{act:?}: K error ∝ M^{bk}: {errs:?}");
        assert!((-0.62..=-0.38).contains(&bt), "{act:?}: Θ error ∝ M^{bt}: {errs:?}");
        // At M = 16384 the error is a few parts in a hundred of the O(1) kernels.
        assert!(errs[3].0 < 0.05 && errs[3].1 < 0.08, "{act:?}: {errs:?}");
    }
    // Last layer: Θ = K, for the closed form and the empirical kernel alike.
    let (ek, et) = kernel_error(Act::Relu, TrainMode::Last, 4096, 4);
    assert!((ek - et).abs() < 1e-12, "{ek} vs {et}");
}

/// ∂f(x)/∂θ_i by central differences, for every parameter.
fn fd_jacobian(n: &Net, theta: &[f64], x: f64) -> Vec<f64> {
    (0..theta.len())
        .map(|i| {
            let h = 1e-6;
            let mut tp = theta.to_vec();
            tp[i] += h;
            let mut tm = theta.to_vec();
            tm[i] -= h;
            (n.f(&tp, &[x])[0] - n.f(&tm, &[x])[0]) / (2.0 * h)
        })
        .collect()
}

#[test]
fn empirical_ntk_from_the_gradients_equals_finite_differences_of_f() {
    let data = small();
    for act in [Act::Relu, Act::Erf] {
        for train in [TrainMode::All, TrainMode::Last] {
            let n = net(&data, 7, act, train);
            let theta = n.init(&mut stream(3, Stream::Init, 1));
            let theta = theta.as_slice().unwrap();
            let xs = [-1.3, 0.2, 1.7];
            let jac: Vec<Vec<f64>> = xs.iter().map(|&x| fd_jacobian(&n, theta, x)).collect();
            let (_, t) = n.empirical_kernels(theta, &xs, &xs);
            for p in 0..3 {
                for q in 0..3 {
                    let fd: f64 = (0..n.k()).filter(|&i| n.is_trained(i)).map(|i| jac[p][i] * jac[q][i]).sum();
                    assert!(
                        (fd - t[[p, q]]).abs() < 1e-6 * (1.0 + fd.abs()),
                        "{act:?} {train:?} ({p},{q}): {fd} vs {}",
                        t[[p, q]]
                    );
                }
            }
            // And the loss gradient from the same backward pass.
            let g = n.gradient(theta);
            for i in 0..n.k() {
                let h = 1e-6;
                let mut tp = theta.to_vec();
                tp[i] += h;
                let mut tm = theta.to_vec();
                tm[i] -= h;
                let fd = if n.is_trained(i) { (n.loss(&tp) - n.loss(&tm)) / (2.0 * h) } else { 0.0 };
                assert!((fd - g[i]).abs() < 1e-5 * (1.0 + fd.abs()), "{act:?} {train:?} param {i}: {fd} vs {}", g[i]);
            }
            assert!((n.grad_norm(theta) - g.dot(&g).sqrt()).abs() < 1e-9 * g.dot(&g).sqrt());
        }
    }
}

#[test]
fn a_width_m_init_is_the_prefix_of_a_width_2m_init() {
    let data = small();
    let (a, b) = (net(&data, 16, Act::Relu, TrainMode::All), net(&data, 32, Act::Relu, TrainMode::All));
    let ta = a.init(&mut stream(5, Stream::Init, 2));
    let tb = b.init(&mut stream(5, Stream::Init, 2));
    assert_eq!(ta[a.c_index()], tb[b.c_index()]);
    for j in 0..16 {
        assert_eq!((ta[j], ta[16 + j], ta[32 + j]), (tb[j], tb[32 + j], tb[64 + j]), "unit {j}");
    }
    for i in 0..data.n() {
        assert_eq!(ta[a.c_index() + 1 + i], tb[b.c_index() + 1 + i]);
    }
}

fn run_to_end(n: &Arc<Net>, opt: Optimizer, init: u64, tol: f64) -> NetRun {
    let mut run = NetRun::new(Arc::clone(n), opt, LrChoice::default(), 42, init).unwrap();
    run.run_to_end(1_000_000, tol).unwrap();
    run
}

#[test]
fn last_layer_gd_and_sgd_reach_the_exact_projection() {
    let data = DataSpec { n: 20, ..DataSpec::default() }.generate().unwrap();
    for width in [4usize, 64] {
        let n = net(&data, width, Act::Relu, TrainMode::Last);
        for init in 0..2 {
            let exact = run_to_end(&n, Optimizer::Exact, init, 1e-9);
            assert!(!exact.linearized && exact.converged());
            for opt in [Optimizer::Gd, Optimizer::Sgd] {
                let run = run_to_end(&n, opt, init, 1e-11);
                assert_eq!(run.status, Status::Converged, "{opt:?} M={width}");
                let d = &run.theta - &exact.theta;
                let rel = d.dot(&d).sqrt() / exact.theta.dot(&exact.theta).sqrt();
                assert!(rel < 1e-6, "{opt:?} M={width} init {init}: θ off the projection by {rel:e}");
                // Frozen layers did not move.
                assert!((0..2 * width).all(|i| run.theta[i] == run.theta0[i]));
            }
        }
    }
}

#[test]
fn last_layer_ensemble_matches_the_posterior_at_a_large_width() {
    // `exact` is the end GD reaches (the test above), one Cholesky per init.
    let data = small();
    let n = net(&data, 4096, Act::Relu, TrainMode::Last);
    let th = NetTheory::new(&n).unwrap();
    let at = [-0.5, 1.0, 3.0];
    let cfg =
        EnsembleConfig { optimizer: Optimizer::Exact, lr: LrChoice::default(), max_steps: 1, tol: 1e-6, seed: 42 };
    let ends = net::train::endpoints(&n, &cfg, 0..400, &at).unwrap();
    for (i, &x) in at.iter().enumerate() {
        let p = th.at(x);
        // Last layer: Θ = K, so the NTK-GP is the posterior.
        assert!((p.ntk_gp.mean - p.posterior.mean).abs() < 1e-12 && (p.ntk_gp.std - p.posterior.std).abs() < 1e-12);
        let f: Vec<f64> = ends.iter().map(|e| e.f[i]).collect();
        let ks = theory::ks_test(&f, p.posterior);
        eprintln!("last layer, x* = {x}: KS against the posterior {ks:?}");
        assert!(ks.p > 1e-3, "x* = {x}: KS against the posterior {ks:?}");
    }
}

/// Mean within 3 standard errors, std within 15%.
fn close_to(f: &[f64], d: Normal, what: &str) {
    let (mean, std) = theory::mean_std(f);
    let se = std / (f.len() as f64).sqrt();
    assert!((mean - d.mean).abs() < 3.0 * se, "{what}: mean {mean} vs {} (se {se})", d.mean);
    assert!((std / d.std - 1.0).abs() < 0.15, "{what}: std {std} vs {}", d.std);
}

#[test]
fn all_layers_at_width_4096_sample_the_ntk_gp_not_the_posterior() {
    // x ~ N(0,1), N = 10: the data span about [−2.2, 1.8]; 1.8 is where the NTK-GP and the
    // posterior are furthest apart (0.53 posterior std), 3.0 lies outside the data.
    let data = small();
    let n = net(&data, 4096, Act::Relu, TrainMode::All);
    let th = NetTheory::new(&n).unwrap();
    let edge = data.x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let at = [-0.5, edge, 3.0];
    let cfg =
        EnsembleConfig { optimizer: Optimizer::Gd, lr: LrChoice::default(), max_steps: 1_000_000, tol: 1e-7, seed: 42 };
    let ends = net::train::endpoints(&n, &cfg, 0..200, &at).unwrap();
    assert!(ends.iter().all(|e| e.converged));
    for (i, &x) in at.iter().enumerate() {
        let f: Vec<f64> = ends.iter().map(|e| e.f[i]).collect();
        close_to(&f, th.at(x).ntk_gp, &format!("NTK-GP at x* = {x}"));
    }
    let f: Vec<f64> = ends.iter().map(|e| e.f[1]).collect();
    let p = th.at(edge);
    let (ks_post, ks_ntk) = (theory::ks_test(&f, p.posterior), theory::ks_test(&f, p.ntk_gp));
    eprintln!("x* = {edge}: KS against the NTK-GP {ks_ntk:?}, against the posterior {ks_post:?}");
    assert!(ks_ntk.p > 1e-3, "{ks_ntk:?}");
    assert!(ks_post.p < 1e-4, "the ensemble should be measurably off the posterior: {ks_post:?}");
}

#[test]
fn all_layers_exact_is_the_linearized_end_and_gd_is_close_to_it() {
    let data = small();
    let n = net(&data, 1024, Act::Relu, TrainMode::All);
    let at = [0.3, 3.0];
    let exact = run_to_end(&n, Optimizer::Exact, 0, 1e-9);
    assert!(exact.linearized && exact.converged());
    let lin = exact.f_lin(&at).unwrap();
    assert_eq!(exact.f_at(&at).unwrap(), lin);
    let gd = run_to_end(&n, Optimizer::Gd, 0, 1e-9);
    assert_eq!(gd.f_lin(&at).unwrap(), lin, "f_lin depends only on the init");
    let f = gd.f_at(&at).unwrap();
    for (a, b) in f.iter().zip(&lin) {
        assert!((a - b).abs() < 0.1, "trained {a} vs linearized {b}");
        assert!(a != b, "a real net is not exactly linear");
    }
    // Training fits the data: every residual is tiny.
    assert!(gd.loss() < 1e-15, "{}", gd.loss());
    assert!(gd.kernel_change() > 0.0 && gd.kernel_change() < 0.1);
}

#[test]
fn the_default_learning_rate_is_one_over_lambda_max_and_past_the_bound_diverges() {
    let data = small();
    let n = net(&data, 64, Act::Relu, TrainMode::All);
    let run = NetRun::new(Arc::clone(&n), Optimizer::Gd, LrChoice::default(), 42, 0).unwrap();
    let ntk = n.train_ntk(run.theta0.as_slice().unwrap());
    // λmax against the Rayleigh quotient of many vectors: never above it.
    for i in 0..50u64 {
        let v = n.init(&mut stream(i, Stream::Init, 0)).slice(ndarray::s![..data.n()]).to_owned();
        assert!(v.dot(&ntk.dot(&v)) / v.dot(&v) <= run.lambda_max * (1.0 + 1e-12));
    }
    assert!((run.lr.unwrap() * run.lambda_max - 1.0).abs() < 1e-12);
    assert!((run.lr_bound.unwrap().0 * run.lambda_max - 2.0).abs() < 1e-12);
    // Just past the bound a net may catapult (its kernel shrinks and it converges after all);
    // well past it, it diverges.
    let mut bad = NetRun::new(Arc::clone(&n), Optimizer::Gd, LrChoice { lr: None, scale: 8.0 }, 42, 0).unwrap();
    let err = bad.run_to_end(100_000, 1e-9).unwrap_err();
    assert_eq!(err.exit_code(), 1);
    assert!(err.to_string().contains("2/λmax(Θ̂0)"), "{err}");
    for opt in [Optimizer::Cg, Optimizer::Whitened] {
        assert!(NetRun::new(Arc::clone(&n), opt, LrChoice::default(), 42, 0).is_err());
    }
}

#[test]
fn chunked_stepping_stops_where_one_run_stops_and_threads_do_not_change_draws() {
    let data = small();
    let n = net(&data, 32, Act::Relu, TrainMode::All);
    let whole = run_to_end(&n, Optimizer::Gd, 3, 1e-9);
    let mut chunked = NetRun::new(Arc::clone(&n), Optimizer::Gd, LrChoice::default(), 42, 3).unwrap();
    let mut cap = 0;
    while !chunked.is_done() {
        cap += 97;
        chunked.run_until(cap, 1e-9, None, |_, _| {}).unwrap();
        assert!(cap < 10_000_000);
    }
    assert_eq!((chunked.steps, &chunked.theta), (whole.steps, &whole.theta));
    let cfg =
        EnsembleConfig { optimizer: Optimizer::Gd, lr: LrChoice::default(), max_steps: 1_000_000, tol: 1e-9, seed: 42 };
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let a = one.install(|| net::train::endpoints(&n, &cfg, 0..6, &[0.5]).unwrap());
    let b = net::train::endpoints(&n, &cfg, 0..6, &[0.5]).unwrap();
    assert_eq!(a, b);
    assert_eq!(a[3].f, whole.f_at(&[0.5]).unwrap());
}

#[test]
fn theory_rel_change_predicts_the_drift() {
    let data = DataSpec { n: 30, ..DataSpec::default() }.generate().unwrap();
    let n = net(&data, 2048, Act::Relu, TrainMode::All);
    let th = NetTheory::new(&n).unwrap();
    let predicted = th.rel_change(n.k());
    let runs: Vec<f64> = (0..4).map(|i| run_to_end(&n, Optimizer::Exact, i, 1e-6).rel_change()).collect();
    let (mean, _) = theory::mean_std(&runs);
    assert!((mean / predicted - 1.0).abs() < 0.1, "{mean} vs {predicted}");
}
