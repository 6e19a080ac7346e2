//! The activations φ and their derivatives, written once over [`Arith`] so the portable loops
//! (`f64`) and the explicit vectors (`simd`) run the same operations and give the same bits.
//!
//! erf has no hardware instruction. It is a Chebyshev series of erf(z)/z in u = z²/18 − 1 on
//! |z| ≤ 6 (beyond, erf = ±1 to double precision): mul, add and sub only, no table and no
//! branch, so eight lanes run it at once. erf'(z) = (2/√π)·e^{−z²} with e^x written out the same
//! way (Cody–Waite reduction, a degree-13 Taylor polynomial, 2^k from the exponent bits).

use super::lanes::Arith;

/// φ for the hot loops, chosen once per call so the inner loops have no branch.
pub(super) trait Phi {
    /// ReLU: φ(z) = z·φ'(z), so Σ v φ(z) follows from the sums of φ' (see `Net::jt_impl`).
    const RELU: bool = false;
    /// φ(z), lane by lane.
    ///
    /// # Safety
    /// The CPU supports `A`'s instruction set.
    unsafe fn fv<A: Arith>(z: A) -> A;
    /// φ'(z), lane by lane.
    ///
    /// # Safety
    /// As `fv`.
    unsafe fn dv<A: Arith>(z: A) -> A;

    #[inline(always)]
    fn f(z: f64) -> f64 {
        // SAFETY: f64 needs no instruction set.
        unsafe { Self::fv(z) }
    }
    #[inline(always)]
    fn d(z: f64) -> f64 {
        // SAFETY: f64 needs no instruction set.
        unsafe { Self::dv(z) }
    }
}

pub(super) struct Relu;
impl Phi for Relu {
    const RELU: bool = true;
    #[inline(always)]
    unsafe fn fv<A: Arith>(z: A) -> A {
        unsafe { z.relu() }
    }
    #[inline(always)]
    unsafe fn dv<A: Arith>(z: A) -> A {
        unsafe { z.gate(A::splat(1.0)) }
    }
}

pub(super) struct Erf;
impl Phi for Erf {
    #[inline(always)]
    unsafe fn fv<A: Arith>(z: A) -> A {
        unsafe { erf_lanes(z) }
    }
    #[inline(always)]
    unsafe fn dv<A: Arith>(z: A) -> A {
        unsafe { A::splat(std::f64::consts::FRAC_2_SQRT_PI).mul(exp_neg_lanes(z.mul(z))) }
    }
}

/// erf(z), error below 1e-15 (a test checks 2e-15 against `erf_series`); beyond |z| = 6 the
/// series' value at 6, within 3e-16 of ±1.
pub fn erf(z: f64) -> f64 {
    Erf::f(z)
}

/// erf'(z) = (2/√π)·e^{−z²}, relative error below 1e-14 (the hot loops call `Erf::d`).
#[cfg(test)]
fn erf_d(z: f64) -> f64 {
    Erf::d(z)
}

/// Beyond this |z|, erf(z) = ±1 to double precision.
const ERF_END: f64 = 6.0;

/// erf(z)/z = c₀ + Σ_{k≥1} c_k T_k(u), u = z²/18 − 1, on |z| ≤ 6 (c₀ already halved). Computed
/// at 60 digits from 160 Chebyshev nodes; |c_k| < 1e-18 beyond the last, so dropping the rest
/// costs less than 1e-17 in erf.
// 41 so that the 40 after c₀ pair up in `erf_lanes`.
const ERF_CHEB: [f64; 41] = [
    0.367449818042992,
    -0.31346560667104406,
    0.18068036754729297,
    -0.10948259780540116,
    0.06650028321506818,
    -0.0397628416152263,
    0.023194768790993588,
    -0.013132045071459708,
    0.007193664033012412,
    -0.003805440047020257,
    0.0019417349790361435,
    -0.0009550486382425634,
    0.00045268145600345204,
    -0.00020677121401621907,
    9.103378630424625e-05,
    -3.864376344861996e-05,
    1.5824027438876403e-05,
    -6.253838171562172e-06,
    2.386845548862012e-06,
    -8.802851959574693e-07,
    3.1392692693417673e-07,
    -1.0832563596400346e-07,
    3.619311734690902e-08,
    -1.1716764549277863e-08,
    3.6776422490784716e-09,
    -1.119956011908256e-09,
    3.3112128776045585e-10,
    -9.510584528579965e-11,
    2.655426660738333e-11,
    -7.2116504210327656e-12,
    1.9061956015534205e-12,
    -4.906644970425955e-13,
    1.2306392983660209e-13,
    -3.009145261936385e-14,
    7.177145113765522e-15,
    -1.6706262049115716e-15,
    3.797008593690607e-16,
    -8.430385922536826e-17,
    1.8293595456022488e-17,
    -3.881432784301225e-18,
    8.05593200478416e-19,
];

/// erf lane by lane: z clamped to [−6, 6] (NaN stays NaN), then z·(the series above) by
/// Clenshaw's recurrence, b_k = 2u·b_{k+1} + (c_k − b_{k+2}): the bracket does not wait on the
/// product, so each step costs one multiply and one add of latency.
///
/// # Safety
/// The CPU supports `A`'s instruction set.
#[inline(always)]
unsafe fn erf_lanes<A: Arith>(z: A) -> A {
    unsafe {
        let zc = z.max_to(A::splat(-ERF_END)).min_to(A::splat(ERF_END));
        let u = zc.mul(zc).mul(A::splat(1.0 / 18.0)).sub(A::splat(1.0));
        let u2 = u.add(u);
        // Two steps a turn, each writing over the older b, so no register is copied.
        let (mut b1, mut b2) = (A::splat(0.0), A::splat(0.0));
        for c in ERF_CHEB[1..].rchunks_exact(2) {
            b2 = u2.mul(b1).add(A::splat(c[1]).sub(b2));
            b1 = u2.mul(b2).add(A::splat(c[0]).sub(b1));
        }
        zc.mul(u.mul(b1).add(A::splat(ERF_CHEB[0]).sub(b2)))
    }
}

/// e^{−s} lane by lane for s ≥ 0 (s above 700 is taken as 700: e^{−700} ≈ 1e−304, not 0).
/// k = round(−s/ln 2) by adding 1.5·2⁵² + 1023, which also leaves k + 1023 in the low bits,
/// so 2^k is those bits shifted into the exponent; r = −s − k·ln 2 in two parts (|r| ≤ ln2/2);
/// e^r by Taylor to degree 13 (truncation below 1e−17).
///
/// # Safety
/// The CPU supports `A`'s instruction set.
#[inline(always)]
unsafe fn exp_neg_lanes<A: Arith>(s: A) -> A {
    const SHIFT: f64 = 6_755_399_441_055_744.0 + 1023.0;
    // ln 2 = LN2_HI + LN2_LO, LN2_HI with 32 significant bits so k·LN2_HI is exact (fdlibm's).
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    // 1/k! for k = 13 down to 0.
    const INV_FACT: [f64; 14] = [
        1.0 / 6_227_020_800.0,
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ];
    unsafe {
        let x = A::splat(0.0).sub(s.min_to(A::splat(700.0)));
        let t = x.mul(A::splat(std::f64::consts::LOG2_E)).add(A::splat(SHIFT));
        let k = t.sub(A::splat(SHIFT));
        let r = x.sub(k.mul(A::splat(LN2_HI))).sub(k.mul(A::splat(LN2_LO)));
        let mut p = A::splat(INV_FACT[0]);
        for &c in &INV_FACT[1..] {
            p = p.mul(r).add(A::splat(c));
        }
        p.mul(t.shl52())
    }
}

/// erf to about 1e-15 relative: the Maclaurin series for |z| < 2, else 1 − erfc by its
/// continued fraction (both converge fast there). Slow; the reference `erf` is tested against.
#[cfg(test)]
fn erf_series(z: f64) -> f64 {
    let a = z.abs();
    let v = if a < 2.0 {
        // erf z = (2/√π) Σ (−1)ⁿ z^{2n+1} / (n! (2n+1))
        let z2 = a * a;
        let (mut term, mut sum) = (a, a);
        let mut n = 0.0;
        while term.abs() > 1e-17 * sum.abs() {
            n += 1.0;
            term *= -z2 / n;
            sum += term / (2.0 * n + 1.0);
            if n > 200.0 {
                break;
            }
        }
        std::f64::consts::FRAC_2_SQRT_PI * sum
    } else if a > 6.0 {
        1.0
    } else {
        // erfc a = e^{−a²}/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + …)))), evaluated bottom-up.
        let mut frac = 0.0;
        for k in (1..=200).rev() {
            frac = (k as f64 / 2.0) / (a + frac);
        }
        1.0 - (-a * a).exp() / std::f64::consts::PI.sqrt() / (a + frac)
    };
    if z < 0.0 { -v } else { v }
}

#[cfg(test)]
mod tests {
    use super::super::lanes::{self, Kernel, V8};
    use super::{Erf, Phi, erf, erf_d, erf_series};

    /// erf and erf' of eight values in `V`'s lanes.
    struct Lanes([f64; 8]);
    impl Kernel for Lanes {
        type Out = [[f64; 8]; 2];
        unsafe fn run<V: V8>(self) -> Self::Out {
            let (mut f, mut d) = ([0.0; 8], [0.0; 8]);
            // SAFETY: the caller's contract: V's instruction set is enabled.
            unsafe {
                let z = V::load(&self.0);
                Erf::fv(z).store(&mut f);
                Erf::dv(z).store(&mut d);
            }
            [f, d]
        }
    }

    /// At the edges (±0, the clamp at ±6, past it, where e^{−z²} stops at e^{−700}, ±∞, NaN,
    /// subnormals) every vector path gives what one f64 gives, bit for bit (NaN as NaN).
    #[test]
    fn vector_erf_agrees_with_scalar_at_the_edges() {
        let edges = [
            [0.0, -0.0, 6.0, -7.0, 26.5, f64::INFINITY, f64::NAN, 1e-310],
            [-6.0, 7.0, -26.5, f64::NEG_INFINITY, 3.3, -1e-310, 27.0, 0.5],
        ];
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        for z in edges {
            let mut paths = vec![("dispatched", lanes::dispatch(Lanes(z)))];
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                // SAFETY: AVX2 and FMA checked just above.
                paths.push(("avx2", unsafe { lanes::on_avx2(Lanes(z)) }));
            }
            for (name, [f, d]) in paths {
                for l in 0..8 {
                    assert!(same(f[l], erf(z[l])), "{name} erf({}): {} vs {}", z[l], f[l], erf(z[l]));
                    assert!(same(d[l], erf_d(z[l])), "{name} erf'({}): {} vs {}", z[l], d[l], erf_d(z[l]));
                }
            }
        }
    }

    #[test]
    fn erf_matches_the_series_everywhere() {
        for i in 0..40_001 {
            let z = -8.0 + 16.0 * i as f64 / 40_000.0 + 1e-7;
            assert!((erf(z) - erf_series(z)).abs() < 2e-15, "erf({z}): {} vs {}", erf(z), erf_series(z));
        }
        assert_eq!(erf(0.0), 0.0);
        // Beyond |z| = 6 the series at its end, 2 ulp from ±1.
        assert!((erf(f64::INFINITY) - 1.0).abs() <= 3e-16, "{}", erf(f64::INFINITY));
        assert_eq!(erf(f64::NEG_INFINITY), -erf(f64::INFINITY));
        assert!(erf(f64::NAN).is_nan());
        assert!((erf(1e-10) - 1e-10 * std::f64::consts::FRAC_2_SQRT_PI).abs() < 1e-24);
    }

    #[test]
    fn erf_derivative_matches_libm() {
        for i in 0..20_001 {
            let z = -27.0 + 54.0 * i as f64 / 20_000.0;
            let want = std::f64::consts::FRAC_2_SQRT_PI * (-z * z).exp();
            if z.abs() < 26.0 {
                assert!((erf_d(z) - want).abs() <= 1e-14 * want, "erf'({z}): {} vs {want}", erf_d(z));
            } else {
                // Out here both are below 1e-290 (ours stops at e^−700 ≈ 1e-304, not 0).
                assert!(erf_d(z) < 1e-290 && want < 1e-290, "erf'({z}): {} vs {want}", erf_d(z));
            }
        }
        assert!(erf_d(f64::NAN).is_nan());
    }

    #[test]
    fn erf_known_values_and_continuity() {
        // erf(0.5), erf(1), erf(2), erf(3) to 16 digits.
        for (z, v) in [
            (0.5, 0.520_499_877_813_046_5),
            (1.0, 0.842_700_792_949_714_9),
            (2.0, 0.995_322_265_018_952_7),
            (3.0, 0.999_977_909_503_001_4),
        ] {
            assert!((erf_series(z) - v).abs() < 1e-14, "erf({z}) = {}", erf_series(z));
            assert!((erf_series(-z) + v).abs() < 1e-14);
            assert!((erf(z) - v).abs() < 2e-15, "erf({z}) = {}", erf(z));
        }
        assert!((erf_series(2.0 - 1e-12) - erf_series(2.0 + 1e-12)).abs() < 1e-13);
    }
}
