//! The test error's closed forms (THEORY.md, "Does it overfit?") against Monte Carlo over inits
//! of the exact endpoint, the infinite-width values, and the double-descent numbers of issue 18.
#![allow(clippy::unwrap_used)]

use ndarray::{Array1, Array2};
use overparam::data::{DataSpec, Dataset};
use overparam::ensemble::limit_slope;
use overparam::model::{Metric, Model, ModelKind};
use overparam::net::kernel::Scales;
use overparam::net::linalg::Cholesky;
use overparam::net::{Act, TrainMode};
use overparam::risk::curve::{CurveSpec, closed_rows, draw_expected, infinite, line_risks, standardizer};
use overparam::risk::gram::Features;
use overparam::risk::{TestSet, test_error};
use overparam::rng::{Stream, stream};
use overparam::theory::mean_std;
use rand::RngExt;
use rand_distr::StandardNormal;

fn demo() -> (Dataset, TestSet) {
    let d = DataSpec::default().generate().unwrap();
    let t = TestSet::grid(&d, 1.0);
    (d, t)
}

/// The features as an explicit matrix (points × (units + 1)), the last column the constant σc.
fn phi_matrix(f: &Features, xs: &[f64], act: Act) -> Array2<f64> {
    let m = f.u.len();
    let s = 1.0 / (m as f64).sqrt();
    Array2::from_shape_fn((xs.len(), m + 1), |(i, j)| {
        if j == m {
            return 1.0;
        }
        let z = f.u[j] * xs[i] + f.v[j];
        s * match act {
            Act::Relu => z.max(0.0),
            Act::Erf => overparam::net::phi::erf(z),
        }
    })
}

/// Test errors of `runs` exact last-layer GD endpoints from random (a, c, ε) over fixed features:
/// θ* = θ0 + J⁺(y − Jθ0), J = [Φ, σn I], solved without the closed form's eigendecomposition.
/// None when the features are not independent below the threshold (a unit off on every point).
fn monte_carlo(d: &Dataset, t: &TestSet, f: &Features, sigma: f64, runs: u64) -> Option<Vec<f64>> {
    let st = standardizer(d);
    let xt: Vec<f64> = d.x.iter().map(|x| (x - st.0) / st.1).collect();
    let xg: Vec<f64> = t.x.iter().map(|x| (x - st.0) / st.1).collect();
    let (phi, phig) = (phi_matrix(f, &xt, Act::Relu), phi_matrix(f, &xg, Act::Relu));
    let (n, p) = phi.dim();
    let y = d.y.clone();
    // Fewer features than points without noise parameters: least squares (ΦᵀΦ full rank), the
    // fit closest to a0 is the only one. Otherwise a* = a0 + Φᵀ z, (ΦΦᵀ + σn²I) z = r.
    let below = sigma == 0.0 && p < n;
    let gram = if below { phi.t().dot(&phi) } else { phi.dot(&phi.t()) + Array2::<f64>::eye(n) * sigma * sigma };
    let chol = Cholesky::new(gram.view()).ok()?;
    let errs = (0..runs)
        .map(|r| {
            let mut rng = stream(99, Stream::Init, r);
            let a0 = Array1::from_iter((0..p).map(|_| rng.sample::<f64, _>(StandardNormal)));
            let e0 = Array1::from_iter((0..n).map(|_| rng.sample::<f64, _>(StandardNormal)));
            let res = &y - &phi.dot(&a0) - &(&e0 * sigma);
            let a = if below {
                &a0 + &chol.solve(phi.t().dot(&res).view())
            } else {
                &a0 + &phi.t().dot(&chol.solve(res.view()))
            };
            test_error(t, phig.dot(&a).as_slice().unwrap())
        })
        .collect();
    Some(errs)
}

#[test]
fn net_last_layer_closed_form_equals_monte_carlo_of_exact_endpoints() {
    // N = 20: 5 units (6 features) is below the threshold, 200 above; σn = 0 and 1.
    let d = DataSpec { n: 20, ..Default::default() }.generate().unwrap();
    let t = TestSet::grid(&d, 1.0);
    // The first draw whose features are independent on the data (least squares unique).
    for m in [5, 200] {
        let index = (0..20).find(|&i| {
            let f = Features::draw(42, i, d.n(), m, &Scales::default());
            monte_carlo(&d, &t, &f, 0.0, 1).is_some()
        });
        let index = index.unwrap();
        let f = Features::draw(42, index, d.n(), m, &Scales::default());
        let closed = draw_expected(&d, &t, Act::Relu, m, index, 42, &[0.0, 1.0]);
        for (i, sigma) in [0.0, 1.0].into_iter().enumerate() {
            let mc = monte_carlo(&d, &t, &f, sigma, 4000).unwrap();
            let (mean, sd) = mean_std(&mc);
            let se = sd / (mc.len() as f64).sqrt();
            let want = closed[i].total;
            // Rounding aside (1e-8 relative): below the threshold at σn = 0 every init ends at the
            // one least-squares fit, and the closed form's variance is 0 too.
            assert!((mean - want).abs() < 3.0 * se + 1e-8 * want, "M {m} σn {sigma}: MC {mean} ± {se}, closed {want}");
            assert!(se < 0.05 * want, "M {m} σn {sigma}: the test must be able to fail (se {se}, value {want})");
            if m == 5 && sigma == 0.0 {
                assert!(closed[i].variance < 1e-9 * want && sd < 1e-9 * want, "{:?}, sd {sd}", closed[i]);
            } else if sigma == 1.0 {
                assert!(closed[i].variance > 0.1 * closed[i].mean_error, "{:?}", closed[i]);
            }
        }
    }
}

#[test]
fn lines_closed_form_equals_monte_carlo_of_exact_endpoints() {
    let (d, t) = demo();
    let lines = line_risks(&d, &t, 1.0, 100).unwrap();
    // Traditional: every init ends at the MLE.
    let mle = d.xy() / d.xx();
    assert!((lines.traditional.total - (mle - 1.0).powi(2) * t.mean_x2()).abs() < 1e-15);
    assert!((lines.traditional.total - 0.0136).abs() < 5e-5, "THEORY.md: 0.0136, got {}", lines.traditional.total);
    for (kind, want) in [(ModelKind::Slightly, lines.slightly), (ModelKind::Very, lines.very)] {
        let model = Model::new(kind, d.clone(), 1.0, 100).unwrap();
        let errs: Vec<f64> =
            (0..4000).map(|r| (limit_slope(&model, 7, r, Metric::Euclidean) - 1.0).powi(2) * t.mean_x2()).collect();
        let (mean, sd) = mean_std(&errs);
        let se = sd / 4000f64.sqrt();
        assert!((mean - want.total).abs() < 3.0 * se, "{kind:?}: MC {mean} ± {se}, closed {}", want.total);
        assert!(want.variance > 0.5 * want.mean_error, "{kind:?}: a sample pays the posterior variance");
    }
}

#[test]
fn infinite_width_values_match_theory() {
    let (d, t) = demo();
    let inf = infinite(&d, &t, Act::Relu, TrainMode::Last, &[0.0, 1.0]);
    assert!((inf[0].expected.total - 0.839).abs() < 0.001, "{:?}", inf[0]);
    assert!((inf[1].expected.mean_error - 0.0262).abs() < 1e-4, "{:?}", inf[1]);
    assert!((inf[1].expected.variance - 0.0303).abs() < 1e-4, "{:?}", inf[1]);
    assert!((inf[1].expected.total - 0.0565).abs() < 1e-4, "{:?}", inf[1]);
    // At M = 65536 the last layer is within 3% (σn = 1) and 10% (σn = 0) of it.
    let wide: Vec<_> = (0..4).map(|i| draw_expected(&d, &t, Act::Relu, 65536, i, 42, &[0.0, 1.0])).collect();
    for (i, tol) in [(0, 0.10), (1, 0.03)] {
        let mean = wide.iter().map(|v| v[i].total).sum::<f64>() / 4.0;
        let want = inf[i].expected.total;
        assert!((mean / want - 1.0).abs() < tol, "σn index {i}: M = 65536 gives {mean}, NNGP {want}");
    }
}

#[test]
fn double_descent_at_sigma_0_and_none_at_sigma_1() {
    let (d, t) = demo();
    let widths: Vec<usize> = (0..15).map(|i| 1 << i).collect();
    let spec = CurveSpec {
        act: Act::Relu,
        train: TrainMode::Last,
        widths: widths.clone(),
        sigmas: vec![0.0, 1.0],
        draws: 16,
        seed: 42,
    };
    let rows = closed_rows(&d, &t, &spec);
    let mean = |sigma: f64, m: usize| {
        rows.iter().find(|r| r.sigma == sigma && r.width == m).unwrap().closed.clone().unwrap().mean
    };
    let at10 = CurveSpec { widths: vec![10], ..spec.clone() };
    let r10 = closed_rows(&d, &t, &at10);
    let (peak_w, peak) = widths.iter().map(|&m| (m, mean(0.0, m))).max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    assert!((50..=400).contains(&peak_w), "σn = 0 peaks at M = {peak_w}, not in [N/2, 4N]");
    assert!(peak >= 5.0 * r10[0].closed.as_ref().unwrap().mean, "peak {peak} vs M = 10 {:?}", r10[0].closed);
    assert!(peak >= 3.0 * mean(0.0, 16384), "peak {peak} vs M = 16384 {}", mean(0.0, 16384));
    let floor = mean(1.0, 16384);
    for &m in widths.iter().filter(|&&m| m >= 32) {
        assert!(mean(1.0, m) <= 1.5 * floor, "σn = 1, M = {m}: {} > 1.5 × {floor}", mean(1.0, m));
    }
}

/// 12 demo points and the grid test set against their true line.
fn twelve_points() -> (Dataset, TestSet) {
    let d = DataSpec { n: 12, ..DataSpec::default() }.generate().unwrap();
    let t = TestSet::grid(&d, 1.0);
    (d, t)
}

/// The last-layer curve's spec at these widths, σn values and draws (seed 7).
fn last_layer(act: Act, widths: Vec<usize>, sigmas: Vec<f64>, draws: u64) -> CurveSpec {
    CurveSpec { act, train: TrainMode::Last, widths, sigmas, draws, seed: 7 }
}

/// The risk figures' x axis: the parameters GD trains. The last-layer net's M + 1 output
/// weights (+ N noise parameters when σn > 0), all layers' 3M + 1; the lines' 1, 1 + N,
/// 1 + sources·N; the threshold p = N.
#[test]
fn trained_parameters_count_what_gd_moves() {
    use overparam::risk::curve::{curve, trained_params};
    let (d, t) = twelve_points();
    let spec = last_layer(Act::Relu, vec![1, 11, 64], vec![0.0, 0.5], 1);
    let c = curve(&d, &t, &spec, 1.0, 100).unwrap();
    let p: Vec<(usize, f64, usize)> = c.rows.iter().map(|r| (r.width, r.sigma, r.p)).collect();
    assert_eq!(p, [(1, 0.0, 2), (11, 0.0, 12), (64, 0.0, 65), (1, 0.5, 14), (11, 0.5, 24), (64, 0.5, 77)]);
    // M + 1 = N where the threshold width says, and p = N there.
    assert_eq!((c.threshold_width, c.threshold_params), (11.0, 12));
    assert_eq!(c.line_params, [1, 13, 1201]);
    assert_eq!(trained_params(11, 12, 0.0, TrainMode::All), 34);
    assert_eq!(trained_params(11, 12, 1.0, TrainMode::All), 46);
    // Each row's k counts the frozen features too: k − p is the 2M frozen weights and biases.
    assert!(c.rows.iter().all(|r| r.k - r.p == 2 * r.width));
}

/// The explorer's curve, a width at a time, ends where `risk`'s does, bit for bit, and shows
/// the widths done so far at each step, every σn, narrowest first; false stops it.
#[test]
fn the_curve_by_width_grows_to_the_whole_curve() {
    use overparam::risk::curve::{curve, curve_by_width};
    let (d, t) = twelve_points();
    for act in [Act::Relu, Act::Erf] {
        let spec = last_layer(act, vec![1, 8, 64], vec![0.0, 1.0], 3);
        let whole = curve(&d, &t, &spec, 1.0, 100).unwrap();
        let mut seen = Vec::new();
        let end = curve_by_width(&d, &t, &spec, (1.0, 100), &|| false, |c| {
            seen.push(c.rows.iter().map(|r| (r.sigma, r.width)).collect::<Vec<_>>());
            true
        })
        .unwrap();
        assert_eq!(end.as_ref(), Some(&whole), "{act:?}");
        assert_eq!(
            seen,
            [
                vec![(0.0, 1), (1.0, 1)],
                vec![(0.0, 1), (0.0, 8), (1.0, 1), (1.0, 8)],
                vec![(0.0, 1), (0.0, 8), (0.0, 64), (1.0, 1), (1.0, 8), (1.0, 64)]
            ]
        );
        let mut calls = 0;
        assert_eq!(
            curve_by_width(&d, &t, &spec, (1.0, 100), &|| false, |_| {
                calls += 1;
                false
            })
            .unwrap(),
            None
        );
        assert_eq!(calls, 1, "stopped after the first width");
        // Asked before each draw: stopped within the first width, nothing is sent.
        let asked = std::sync::atomic::AtomicUsize::new(0);
        let stop = || asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= 2;
        let mut sent = 0;
        let stopped = curve_by_width(&d, &t, &spec, (1.0, 100), &stop, |_| {
            sent += 1;
            true
        });
        assert_eq!((stopped.unwrap(), sent), (None, 0), "stopped within the first width's three draws");
    }
}
