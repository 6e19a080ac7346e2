//! The activations φ and their derivatives, written once over [`Arith`] so the portable loops
//! (`f64`) and the explicit vectors (`simd`) run the same operations and give the same bits.
//!
//! erf has no hardware instruction. It is a piecewise polynomial: 16 pieces in 3|z| up to
//! |z| = 6 (beyond, erf = ±1 to double precision), degree 11 on each, the piece's coefficients
//! picked per lane from a table (one permute on AVX-512), evaluated with fused multiply-adds
//! (correctly rounded on every path, so the bits stay the same), no branch: eight lanes run it
//! at once, within 1e-15 of erf (3.3e-16 measured). erf'(z) = (2/√π)·e^{−z²} with e^x written out
//! the same way (Cody–Waite reduction by ln2/16, a 16-entry table of 2^{j/16}, degree-6 Taylor,
//! 2^e from the exponent bits); the hot loops sum e^{−z²} and apply 2/√π once (`Phi::D`).

use super::lanes::Arith;

/// φ for the hot loops, chosen once per call so the inner loops have no branch.
pub(super) trait Phi {
    /// ReLU: φ(z) = z·φ'(z), so Σ v φ(z) follows from the sums of φ' (see `Net::jt_impl`).
    const RELU: bool = false;
    /// Whether the hot loops fuse a·b + c into one rounding (`madd`): z = w·x̃ + σb·b and each
    /// term of their sums. erf's own arithmetic is fused, and this saves it four operations a
    /// point in a step; ReLU's loops stay unfused, their bits as before.
    const FUSED: bool = false;
    /// φ' = D·(what `dv` gives): the hot loops sum `dv` and scale the sums by D once.
    const D: f64 = 1.0;
    /// φ(z), lane by lane.
    ///
    /// # Safety
    /// The CPU supports `A`'s instruction set.
    unsafe fn fv<A: Arith>(z: A) -> A;
    /// φ'(z)/D, lane by lane.
    ///
    /// # Safety
    /// As `fv`.
    unsafe fn dv<A: Arith>(z: A) -> A;

    /// a·b + c, in one rounding when `FUSED`.
    ///
    /// # Safety
    /// As `fv`.
    #[inline(always)]
    unsafe fn madd_v<A: Arith>(a: A, b: A, c: A) -> A {
        unsafe { if Self::FUSED { a.mul_add(b, c) } else { a.mul(b).add(c) } }
    }

    #[inline(always)]
    fn f(z: f64) -> f64 {
        // SAFETY: f64 needs no instruction set.
        unsafe { Self::fv(z) }
    }
    /// φ'(z)/D, as the hot loops sum it.
    #[inline(always)]
    fn d_over_d(z: f64) -> f64 {
        // SAFETY: f64 needs no instruction set.
        unsafe { Self::dv(z) }
    }
    /// φ'(z).
    #[inline(always)]
    fn d(z: f64) -> f64 {
        Self::D * Self::d_over_d(z)
    }
    #[inline(always)]
    fn madd(a: f64, b: f64, c: f64) -> f64 {
        // SAFETY: f64 needs no instruction set.
        unsafe { Self::madd_v(a, b, c) }
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
    const FUSED: bool = true;
    /// erf'(z) = (2/√π)·e^{−z²}: the loops sum e^{−z²}.
    const D: f64 = std::f64::consts::FRAC_2_SQRT_PI;
    #[inline(always)]
    unsafe fn fv<A: Arith>(z: A) -> A {
        unsafe { erf_lanes(z) }
    }
    #[inline(always)]
    unsafe fn dv<A: Arith>(z: A) -> A {
        unsafe { exp_neg_lanes(z.mul(z)) }
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

/// erf's pieces: u = 3|z| (|z| clamped to 6) is split at k ± ½, and on piece k erf is a
/// degree-11 polynomial in t = u − k. Piece 0 (u ≤ ½) is odd in t, so erf(z)/z stays accurate
/// as z → 0; piece 15 reaches on to u = 18 (|z| = 6, where erf = 1 − 2e−17).
const ERF_SCALE: f64 = 3.0;

/// `ERF_PIECES[i][k]`: the coefficient of tⁱ on piece k, so `pick` finds the sixteen pieces'
/// coefficients of one power in one table. Fitted at 50 digits by Chebyshev interpolation of
/// erf((k + t)/3) on t ∈ [−½, ½] (piece 15: [−½, 3]; piece 0: erf(t/3)/t in t²); rounded to
/// f64, every piece is within 1e−16 of erf (the tests check 1e−15 against a reference to 1e−30).
const ERF_PIECES: [[f64; 16]; 12] = [
    [
        0.0,
        0.3626481117660629,
        0.6542214138488397,
        0.8427007929497149,
        0.9406535612080801,
        0.981577874545901,
        0.9953222650189527,
        0.9990325715497522,
        0.9998375591548132,
        0.9999779095030014,
        0.999997571532527,
        0.9999997845057885,
        0.9999999845827421,
        0.9999999991115399,
        0.9999999999587907,
        0.9999999999984625,
    ],
    [
        0.37612638903183754,
        0.33657268099710536,
        0.2411648642181898,
        0.1383691658068649,
        0.06357036802198267,
        0.02338623146298991,
        0.006888995118030686,
        0.001624956073143806,
        0.0003069145578995933,
        4.641768398224928e-05,
        5.621336212184493e-06,
        5.451120345229764e-07,
        4.232744890622059e-08,
        2.631773643711597e-09,
        1.31028294328025e-10,
        5.223577893397902e-12,
    ],
    [
        0.0,
        -0.037396964555214164,
        -0.05359219204848736,
        -0.04612305526896777,
        -0.028253496898658737,
        -0.012992350812766788,
        -0.004592663412020097,
        -0.0012638547235577161,
        -0.0002728129403554927,
        -4.641768398205592e-05,
        -6.245929124563275e-06,
        -6.662480421942318e-07,
        -5.643659854936048e-08,
        -3.801450821253485e-09,
        -2.0382179163034012e-10,
        -8.703796051512563e-12,
    ],
    [
        -0.013930607001176598,
        -0.00969550932913495,
        -0.0009924480008999341,
        0.005124783918773168,
        0.006016948413604326,
        0.003945825061656526,
        0.0017860357713409406,
        0.000595148520616497,
        0.0001502997217698396,
        2.922594917401176e-05,
        4.418416528907846e-06,
        5.226794405071119e-07,
        4.859818207787988e-08,
        3.5631832463042707e-09,
        2.0651784668435037e-10,
        9.47838628110137e-12,
    ],
    [
        0.0,
        0.0019237121675566076,
        0.002095168001930085,
        0.0008541306537261563,
        -0.0002906738364165063,
        -0.0006148643391273977,
        -0.0004252466122408391,
        -0.00018463721263421354,
        -5.669569335207913e-05,
        -1.2893801115206706e-05,
        -2.223345145097389e-06,
        -2.9473936025343174e-07,
        -3.030854330041341e-08,
        -2.432615528023559e-09,
        -1.5307601544885367e-10,
        -7.593451786583729e-12,
    ],
    [
        0.00046435356658603273,
        0.00023768532571608362,
        -0.00015315555559918838,
        -0.0002847102177279652,
        -0.00014888959847373794,
        5.109017704721846e-06,
        5.38645708979661e-05,
        3.760440437326996e-05,
        1.5148478022973282e-05,
        4.183322136534435e-06,
        8.408728455751445e-07,
        1.2667215043741872e-07,
        1.4544617199661146e-08,
        1.2867384745119005e-09,
        8.836338024956307e-11,
        4.762988955070319e-12,
    ],
    [
        0.0,
        -6.580202352481429e-05,
        -5.073419652201549e-05,
        6.326883526924294e-06,
        3.067027658311144e-05,
        1.7272092536926293e-05,
        6.299952656469917e-07,
        -4.27855892869406e-06,
        -2.8085657751699603e-06,
        -1.0124020067837167e-06,
        -2.455574254256072e-07,
        -4.2874153887034e-08,
        -5.566249554739082e-09,
        -5.474652887663709e-10,
        -4.128282484979023e-11,
        -2.3957658695427987e-12,
    ],
    [
        -1.2284483843677117e-05,
        -4.199018133882238e-06,
        7.272951445934815e-06,
        6.9294553480425885e-06,
        4.4240811928940155e-08,
        -2.876760673066926e-06,
        -1.5449879689893836e-06,
        -4.4034858497003786e-08,
        3.125331623871491e-07,
        1.785878648036328e-07,
        5.5709438031981655e-08,
        1.1620809759459197e-08,
        1.7356957331127097e-09,
        1.9189674574004539e-10,
        1.6010160590856747e-11,
        9.510728329474888e-13,
    ],
    [
        0.0,
        1.6832329637159587e-06,
        8.039086926204761e-07,
        -7.280161538490926e-07,
        -7.351616656344598e-07,
        -1.1723259204616424e-08,
        2.424958850422317e-07,
        1.1044151617584474e-07,
        -2.579363130985865e-09,
        -2.0543342808128668e-08,
        -9.628768048247816e-09,
        -2.529993176970152e-09,
        -4.4598800751121935e-10,
        -5.624542838618687e-11,
        -5.240459727492835e-12,
        -2.8283132630034895e-13,
    ],
    [
        2.653897449526769e-07,
        4.9156621307820485e-08,
        -1.9681815423233406e-07,
        -9.57799184632423e-08,
        7.164628665350422e-08,
        6.359674238630314e-08,
        -2.544135751070113e-09,
        -1.8136028447664738e-08,
        -6.242883663067557e-09,
        7.065251504221913e-10,
        1.1738102917785584e-09,
        4.361066959403707e-10,
        9.465682842103739e-11,
        1.3911431928200503e-11,
        1.466161116546149e-12,
        5.799076940345826e-14,
    ],
    [
        0.0,
        -3.39103220649222e-08,
        -7.148145755180831e-09,
        2.0486694700495975e-08,
        8.157892155661337e-09,
        -6.717231757129888e-09,
        -4.4429127116126595e-09,
        6.085585899574717e-10,
        1.1542629144387953e-09,
        2.6870613803075465e-10,
        -6.876600881686156e-11,
        -5.6616511072871073e-11,
        -1.660100016767534e-11,
        -2.9637753815403914e-12,
        -3.6254435903196383e-13,
        -7.187086427501933e-15,
    ],
    [
        -4.7692090421193635e-09,
        -2.0495154330036946e-10,
        3.822297687631608e-09,
        4.914567462883649e-10,
        -1.9390315036915707e-09,
        -4.704416568317859e-10,
        5.781429620143101e-10,
        2.4018905529933697e-10,
        -7.235219951041115e-11,
        -6.086820428412742e-11,
        -7.305580122421775e-12,
        4.5985801205434046e-12,
        2.2704735268229232e-12,
        5.170956958118398e-13,
        7.457304639141294e-14,
        4.0124364212944395e-16,
    ],
];

/// erf lane by lane, branch-free: a = min(|z|, 6) (NaN stays NaN), u = 3a, k = round(min(u, 15))
/// by adding and taking away 1.5·2⁵² (whose sum's low four bits are k, for `pick`), t = u − k
/// (exact), then piece k's polynomial in t as A + t⁴B + t⁸C, three fused Horner chains of four
/// terms that overlap (a third of one chain's wait), one table pick a term, and z's sign.
///
/// # Safety
/// The CPU supports `A`'s instruction set.
#[inline(always)]
unsafe fn erf_lanes<A: Arith>(z: A) -> A {
    const ROUND: f64 = 6_755_399_441_055_744.0;
    unsafe {
        let u = z.abs().min_to(A::splat(ERF_END)).mul(A::splat(ERF_SCALE));
        let kr = u.min_to(A::splat(15.0)).add(A::splat(ROUND));
        let t = u.sub(kr.sub(A::splat(ROUND)));
        // Three chains of four terms, p = A + t⁴B + t⁸C, so they overlap.
        let (t2, a) = (t.mul(t), erf_chain(kr, t, 0));
        let (t4, b) = (t2.mul(t2), erf_chain(kr, t, 4));
        let (t8, c) = (t4.mul(t4), erf_chain(kr, t, 8));
        t8.mul_add(c, t4.mul_add(b, a)).with_sign_of(z)
    }
}

/// Σ_{m<4} c_{i+m} t^m with piece k's coefficients, k in `kr`'s low bits.
///
/// # Safety
/// The CPU supports `A`'s instruction set.
#[inline(always)]
unsafe fn erf_chain<A: Arith>(kr: A, t: A, i: usize) -> A {
    unsafe {
        let c = &ERF_PIECES[i..i + 4];
        kr.pick(&c[3]).mul_add(t, kr.pick(&c[2])).mul_add(t, kr.pick(&c[1])).mul_add(t, kr.pick(&c[0]))
    }
}

/// e^{−s} lane by lane for s ≥ 0 (s above 700 is taken as 700: e^{−700} ≈ 1e−304, not 0).
/// n = round(−16s/ln 2) by adding 1.5·2⁵² + 16·1023, which leaves n + 16·1023 in the low bits:
/// their low four j pick 2^{j/16} from a table, the rest e + 1023 for 2^e (n = 16e + j); then
/// ρ = s + n·ln2/16 in two parts (|ρ| ≤ ln2/32) and e^{−s} = 2^e · 2^{j/16} · e^{−ρ}, e^{−ρ} by
/// Taylor to degree 6 (truncation below 5e−16 relative; erf' needs 1e−14).
///
/// # Safety
/// The CPU supports `A`'s instruction set.
#[inline(always)]
unsafe fn exp_neg_lanes<A: Arith>(s: A) -> A {
    const SHIFT: f64 = 6_755_399_441_055_744.0 + 16.0 * 1023.0;
    // ln2/16 = L_HI + L_LO, L_HI with 32 significant bits so n·L_HI is exact (fdlibm's ln 2
    // split, over 16).
    const L_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000) / 16.0;
    const L_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76) / 16.0;
    // (−1)^k/k! for k = 6 down to 0.
    const TAYLOR: [f64; 7] = [1.0 / 720.0, -1.0 / 120.0, 1.0 / 24.0, -1.0 / 6.0, 0.5, -1.0, 1.0];
    // 2^{j/16}, j = 0..15, to the nearest double.
    const POW2_J16: [f64; 16] = [
        1.0,
        1.0442737824274138,
        1.0905077326652577,
        1.1387886347566916,
        1.189207115002721,
        1.241857812073484,
        1.2968395546510096,
        1.3542555469368927,
        std::f64::consts::SQRT_2,
        1.4768261459394993,
        1.5422108254079407,
        1.6104903319492543,
        1.681792830507429,
        1.7562521603732995,
        1.8340080864093424,
        1.9152065613971474,
    ];
    unsafe {
        let s = s.min_to(A::splat(700.0));
        let t = s.mul_add(A::splat(-16.0 * std::f64::consts::LOG2_E), A::splat(SHIFT));
        let n = t.sub(A::splat(SHIFT));
        let rho = n.mul_add(A::splat(L_LO), n.mul_add(A::splat(L_HI), s));
        let mut p = A::splat(TAYLOR[0]);
        for &c in &TAYLOR[1..] {
            p = p.mul_add(rho, A::splat(c));
        }
        p.mul(t.pick(&POW2_J16)).mul(t.pow2_16())
    }
}

/// A reference erf to about 1e-17 absolute (the tests check `erf` against it): for |z| < 3 the
/// Maclaurin series in double-double arithmetic (about 32 digits, so its cancellation costs
/// nothing); beyond, 1 − erfc by erfc's continued fraction, whose relative error (a few ulp of
/// erfc < 2.3e−5) is far below 1e−17 absolute. Slow.
#[cfg(test)]
fn erf_series(z: f64) -> f64 {
    let a = z.abs();
    let v = if a < 3.0 {
        // erf a = (2/√π) Σ (−1)ⁿ a^{2n+1} / (n! (2n+1)), each term from the last by −a²/n.
        let minus_a2 = dd::neg(dd::prod(a, a));
        let (mut term, mut sum) = (dd::Dd(a, 0.0), dd::Dd(a, 0.0));
        let mut n = 0.0;
        while term.0.abs() > 1e-34 {
            n += 1.0;
            term = dd::div(dd::mul(term, minus_a2), n);
            sum = dd::add(sum, dd::div(term, 2.0 * n + 1.0));
        }
        // 2/√π to double-double.
        let two_over_sqrt_pi = dd::Dd(std::f64::consts::FRAC_2_SQRT_PI, 1.533_545_961_316_588e-17);
        dd::mul(two_over_sqrt_pi, sum).0
    } else if a > 6.5 {
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

/// Double-double arithmetic (a value as an unevaluated sum hi + lo, about 32 digits) for
/// `erf_series`.
#[cfg(test)]
mod dd {
    #[derive(Clone, Copy)]
    pub struct Dd(pub f64, pub f64);

    /// a + b exactly, |a| ≥ |b|.
    fn quick(a: f64, b: f64) -> Dd {
        let s = a + b;
        Dd(s, b - (s - a))
    }
    /// a + b exactly.
    fn two_sum(a: f64, b: f64) -> Dd {
        let s = a + b;
        let bb = s - a;
        Dd(s, (a - (s - bb)) + (b - bb))
    }
    /// a·b exactly.
    pub fn prod(a: f64, b: f64) -> Dd {
        let p = a * b;
        Dd(p, a.mul_add(b, -p))
    }
    pub fn neg(x: Dd) -> Dd {
        Dd(-x.0, -x.1)
    }
    pub fn add(x: Dd, y: Dd) -> Dd {
        let s = two_sum(x.0, y.0);
        quick(s.0, s.1 + x.1 + y.1)
    }
    pub fn mul(x: Dd, y: Dd) -> Dd {
        let p = prod(x.0, y.0);
        quick(p.0, p.1 + (x.0 * y.1 + x.1 * y.0))
    }
    /// x / d: the quotient's first part, then the remainder's.
    pub fn div(x: Dd, d: f64) -> Dd {
        let q = x.0 / d;
        let p = prod(q, d);
        let r = add(x, neg(p));
        quick(q, r.0 / d)
    }
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
            // Pieces' borders (u = 3|z| = k + ½, ties to even) and where piece 15 begins to
            // reach past its half-width (u = 15).
            [1.0 / 6.0, -0.5, 1.5, 5.0, -14.5 / 3.0, 15.5 / 3.0, 2.5 / 3.0, 6.0 - 1e-15],
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
                    let want = Erf::d_over_d(z[l]);
                    assert!(same(d[l], want), "{name} erf'({})/D: {} vs {want}", z[l], d[l]);
                }
            }
        }
    }

    /// Within 1e-15 of the reference on a dense grid past ±6, at every border between pieces
    /// (and the doubles either side of it), at 0, ±∞ and NaN.
    #[test]
    fn erf_matches_the_reference_everywhere() {
        let borders = (0..16).flat_map(|k| {
            let u = (k as f64 + 0.5) / super::ERF_SCALE;
            [u, f64::from_bits(u.to_bits() - 1), f64::from_bits(u.to_bits() + 1)]
        });
        let grid = (0..40_001).map(|i| -8.0 + 16.0 * i as f64 / 40_000.0 + 1e-7);
        let mut worst = (0.0f64, 0.0);
        for z in grid.chain(borders.clone()).chain(borders.map(|u| -u)).chain([6.0, 5.0, 2.0, 1.0]) {
            let err = (erf(z) - erf_series(z)).abs();
            assert!(err <= 1e-15, "erf({z}): {} vs {}", erf(z), erf_series(z));
            if err > worst.0 {
                worst = (err, z);
            }
        }
        // Measured: 3.3e-16 (three ulps of 1, near ±6).
        assert!(worst.0 <= 4.5e-16, "worst {worst:?}");
        assert_eq!(erf(0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(erf(-0.0).to_bits(), (-0.0f64).to_bits());
        // Beyond |z| = 6 the value at 6, within 1e-16 of ±1 (erfc 6 = 2e-17), and never past it.
        assert!((erf(f64::INFINITY) - 1.0).abs() <= 1e-16 && erf(f64::INFINITY) <= 1.0, "{}", erf(f64::INFINITY));
        assert_eq!(erf(f64::NEG_INFINITY), -erf(f64::INFINITY));
        assert!(erf(f64::NAN).is_nan());
        // Near 0, erf(z) ≈ (2/√π) z to the last digits: relative, not only absolute, accuracy.
        for z in [1e-10, 1e-200, 3e-310] {
            let want = z * std::f64::consts::FRAC_2_SQRT_PI;
            assert!((erf(z) - want).abs() <= 4e-16 * want, "erf({z}) = {}", erf(z));
        }
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
        // erf to 19 digits (50-digit arithmetic).
        for (z, v) in [
            (0.1, 0.112_462_916_018_284_892_2),
            (0.5, 0.520_499_877_813_046_537_7),
            (1.0, 0.842_700_792_949_714_869_3),
            (1.5, 0.966_105_146_475_310_727_1),
            (2.0, 0.995_322_265_018_952_734_2),
            (2.5, 0.999_593_047_982_555_041_1),
            (3.0, 0.999_977_909_503_001_414_6),
            (4.0, 0.999_999_984_582_742_099_7),
            (5.5, 0.999_999_999_999_992_642_2),
        ] {
            // The reference to the literal's rounding (half an ulp, 5.6e-17 at most).
            assert!((erf_series(z) - v).abs() <= 6e-17, "reference erf({z}) = {}", erf_series(z));
            assert!((erf_series(-z) + v).abs() <= 6e-17);
            assert!((erf(z) - v).abs() <= 1e-15, "erf({z}) = {}", erf(z));
            assert_eq!(erf(-z), -erf(z));
        }
        // The reference's two methods meet at 3: across 2e-12 it rises by erf'(3)·2e-12.
        let rise = std::f64::consts::FRAC_2_SQRT_PI * (-9.0f64).exp() * 2e-12;
        assert!((erf_series(3.0 + 1e-12) - erf_series(3.0 - 1e-12) - rise).abs() <= 1.2e-16);
    }
}
