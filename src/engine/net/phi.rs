//! The activations φ and their derivatives, written once over [`Arith`] so the portable loops
//! (`f64`) and the explicit vectors (`simd`) run the same operations and give the same bits.
//!
//! erf has no hardware instruction. It is a piecewise polynomial: 16 pieces in u = a(4.5 − 0.32a),
//! a = |z| up to 5.999 (beyond, erf = ±1 to double precision), degree 10 on each, the piece's
//! coefficients picked per lane from a table (one permute on AVX-512), evaluated with fused
//! multiply-adds (correctly rounded on every path, so the bits stay the same), no branch: eight
//! lanes run it at once, within 1e-15 of erf (3.3e-16 measured). erf'(z) = (2/√π)·e^{−z²} with
//! e^x written out the same way (Cody–Waite reduction by ln2/16, a 16-entry table for 2^{j/16},
//! degree-6 Taylor, 2^e from the sum's bits); the hot loops sum e^{−z²} and apply 2/√π once
//! (`Phi::D`).

use super::lanes::Arith;

/// φ for the hot loops, chosen once per call so the inner loops have no branch.
pub(super) trait Phi {
    /// ReLU: φ(z) = z·φ'(z), so Σ v φ(z) follows from the sums of φ' (see `Net::jt_impl`).
    const RELU: bool = false;
    /// Whether the hot loops fuse a·b + c into one rounding (`madd`): z = w·x̃ + σb·b and each
    /// term of their sums. erf's own arithmetic is fused, and this saves it four operations per
    /// point and unit in a step; ReLU's loops stay unfused, their bits as before.
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

/// erf(z), within 1e-15 of it (a test checks against a reference to 1e-17); beyond |z| = 5.999
/// the value there, within 1e-16 of ±1.
pub fn erf(z: f64) -> f64 {
    Erf::f(z)
}

/// erf'(z) = (2/√π)·e^{−z²}, relative error below 1e-14 (the hot loops sum e^{−z²}).
#[cfg(test)]
fn erf_d(z: f64) -> f64 {
    Erf::d(z)
}

/// Beyond this |z|, erf(z) = ±1 to double precision (erfc 5.999 = 2.2e−17). Below 6 so that
/// u stays below 15.5: the last piece is 15.
const ERF_END: f64 = 5.999;

/// erf's pieces: u = a·(S − B·a), a = min(|z|, 5.999) (u from 0 to 15.48, finer near 0 where
/// erf bends most), is split at k ± ½, and on piece k erf is a degree-10 polynomial in
/// t = u − k. Piece 0 (u ≤ ½) has no constant term, so erf(z)/z stays accurate as z → 0.
const ERF_S: f64 = 4.5;
const ERF_B: f64 = 0.32;

/// `ERF_PIECES[i][k]`: the coefficient of tⁱ on piece k, so `pick` finds the sixteen pieces'
/// coefficients of one power in one table. Fitted at 50 digits by Chebyshev interpolation of
/// erf(a(k + t)) on t ∈ [−½, ½] (piece 0: erf(a(t))/t on [0, ½]), a(u) the inverse of u(a) for
/// the doubles S and B; rounded to f64, every piece is within 9e−17 of erf (the tests check
/// 1e−15 against a reference to 1e−17).
const ERF_PIECES: [[f64; 16]; 11] = [
    [
        0.0,
        0.25057630689106714,
        0.4841584807659213,
        0.6789600706011725,
        0.8225084137909865,
        0.9145908694645166,
        0.965085156616651,
        0.9882290076663617,
        0.996847712851868,
        0.9993616108771972,
        0.999908600775036,
        0.9999916062446401,
        0.9999995747307248,
        0.9999999908210709,
        0.9999999999499258,
        0.999999999999984,
    ],
    [
        0.250750926021225,
        0.24618915120439488,
        0.21722592901656995,
        0.17024515364246054,
        0.1168564562354787,
        0.0690599032902235,
        0.03440540173068197,
        0.014070192985877184,
        0.004563843894563741,
        0.0011217296079111309,
        0.0001961564633095057,
        2.227435726775267e-05,
        1.4256601864031781e-06,
        4.03781153024502e-08,
        3.1160000187704175e-10,
        1.7217576743426635e-13,
    ],
    [
        0.003962483769224298,
        -0.008613083155092446,
        -0.01980019946185098,
        -0.026169068035193036,
        -0.026175224756003184,
        -0.02097518998310388,
        -0.013598225723562802,
        -0.0070597642245233995,
        -0.0028656263666971245,
        -0.0008755799129703891,
        -0.00019038900488552786,
        -2.7092541457360828e-05,
        -2.2121990318170558e-06,
        -8.275556253211792e-08,
        -9.056609471456772e-10,
        -8.599111359256951e-13,
    ],
    [
        -0.004002353204680151,
        -0.0041752073417143185,
        -0.0030813945789846513,
        -0.0010735015461534267,
        0.0010000201510590593,
        0.0022865227500621444,
        0.002454711161804878,
        0.0018202244987690927,
        0.0009896074210997232,
        0.0003924077581539156,
        0.00010920691885933642,
        1.9868459256934067e-05,
        2.098826082683033e-06,
        1.0466523427105015e-07,
        1.6312766548960845e-09,
        2.6440741660828682e-12,
    ],
    [
        -0.00019073069260435179,
        0.00011619560670629295,
        0.00041557570131584676,
        0.0005507337477368626,
        0.0004479960912463213,
        0.00018086447933360716,
        -8.186186831364285e-05,
        -0.0002078612015583631,
        -0.0001888334092272725,
        -0.00010723990055408861,
        -4.031290537320986e-05,
        -9.689958777528116e-06,
        -1.3524854646752716e-06,
        -9.112473985585184e-08,
        -2.0363777998324034e-09,
        -5.608367242676128e-12,
    ],
    [
        5.2091756602264516e-05,
        6.609585717890146e-05,
        4.802041840107671e-05,
        3.3297613353990693e-06,
        -4.1783532176972266e-05,
        -5.893018225746722e-05,
        -4.1411745771458227e-05,
        -8.858995406089646e-06,
        1.3335182427573661e-05,
        1.6549574193757025e-05,
        9.60437494923637e-06,
        3.2472905714136058e-06,
        6.200083839950779e-07,
        5.760206441766525e-08,
        1.865454823833358e-09,
        8.713744266382208e-12,
    ],
    [
        4.385871566566829e-06,
        -1.5811007875001689e-07,
        -5.722020391979224e-06,
        -8.389464076803337e-06,
        -5.781079392177711e-06,
        2.6795825086573303e-07,
        4.957367451789988e-06,
        5.113324121073546e-06,
        2.0469410603341025e-06,
        -6.754898871112983e-07,
        -1.3122455699601027e-06,
        -7.334607581844279e-07,
        -2.0463815597404248e-07,
        -2.7106277262145124e-08,
        -1.2937598747055755e-09,
        -1.0233739540712125e-11,
    ],
    [
        -4.3623119073866886e-07,
        -8.0658199584985e-07,
        -6.810974474474049e-07,
        -1.6484648082538817e-08,
        7.149427318490664e-07,
        8.859103108063031e-07,
        3.699747158856755e-07,
        -2.8740932813383137e-07,
        -4.916862797049555e-07,
        -2.430847046779085e-07,
        3.327173990393633e-08,
        9.847992209715815e-08,
        4.746030538508561e-08,
        9.535646048052234e-09,
        6.8931356965372e-10,
        9.206784064760467e-12,
    ],
    [
        -6.261068713820957e-08,
        -2.1273096432069824e-08,
        5.407597248756717e-08,
        1.0141402591300704e-07,
        6.67127890535076e-08,
        -2.7102202758636825e-08,
        -8.892526410937103e-08,
        -6.135025473688072e-08,
        9.763325681424438e-09,
        4.187786468659062e-08,
        2.196605487239731e-08,
        -2.7978169954850865e-09,
        -6.96502461794203e-09,
        -2.456496941829871e-09,
        -2.8331488598259133e-10,
        -6.58289795928816e-12,
    ],
    [
        1.5946454444240273e-09,
        7.2662461223041e-09,
        8.133046370338755e-09,
        1.152594686361896e-09,
        -8.400186667941893e-09,
        -1.0404735156607109e-08,
        -2.023866708378413e-09,
        7.082932404669104e-09,
        6.82388623157658e-09,
        8.849879405100824e-11,
        -3.370122292083736e-09,
        -1.6082695801383127e-09,
        3.425349411755327e-10,
        4.2976253600204225e-10,
        9.0465026536455e-11,
        4.0410013284039534e-12,
    ],
    [
        6.170955210694854e-10,
        4.256988177062276e-10,
        -3.1498106695772544e-10,
        -9.888051945568961e-10,
        -7.30246554141078e-10,
        3.885546428891183e-10,
        1.103677335825216e-09,
        5.219035426607521e-10,
        -5.123153940198759e-10,
        -6.411604754927402e-10,
        -2.280346578024708e-11,
        2.689375935491648e-10,
        8.942121795308249e-11,
        -3.8244279476204095e-11,
        -2.0225062331644525e-11,
        -1.6770976883812877e-12,
    ],
];

/// erf lane by lane, branch-free: a = min(|z|, 5.999) (NaN stays NaN), u = a·(S − B·a),
/// k = round(u) by adding and taking away 1.5·2⁵² (whose sum's low four bits are k, for `pick`),
/// t = u − k (exact), then piece k's polynomial in t as A + t⁴B + t⁸C, three fused Horner chains
/// that overlap (a third of one chain's wait), one table pick a term, and z's sign.
///
/// # Safety
/// The CPU supports `A`'s instruction set.
#[inline(always)]
unsafe fn erf_lanes<A: Arith>(z: A) -> A {
    const ROUND: f64 = 6_755_399_441_055_744.0;
    unsafe {
        let a = z.abs().min_to(A::splat(ERF_END));
        let u = a.mul_add(A::splat(-ERF_B), A::splat(ERF_S)).mul(a);
        let kr = u.add(A::splat(ROUND));
        let t = u.sub(kr.sub(A::splat(ROUND)));
        let (t2, a) = (t.mul(t), erf_chain(kr, t, 0));
        let (t4, b) = (t2.mul(t2), erf_chain(kr, t, 4));
        let c = &ERF_PIECES[8..];
        let c = kr.pick(&c[2]).mul_add(t, kr.pick(&c[1])).mul_add(t, kr.pick(&c[0]));
        let t8 = t4.mul(t4);
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
/// n = round(−16s/ln 2) by adding 1.5·2⁵² + 16·1023, which leaves n + 16·1023 = 16(e + 1023) + j
/// in the low bits: shifted into the exponent and the mantissa's top four bits they are
/// (1 + j/16)·2^e, and j picks 2^{j/16}/(1 + j/16) from a table. Then ρ = s + n·ln2/16 in two
/// parts (|ρ| ≤ ln2/32) and e^{−s} = e^{−ρ} · 2^{j/16}/(1 + j/16) · (1 + j/16)·2^e, e^{−ρ} by
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
    // 2^{j/16}/(1 + j/16), j = 0..15, to the nearest double (50-digit arithmetic).
    const POW2_J16: [f64; 16] = [
        1.0,
        0.98284591287286,
        0.9693402068135624,
        0.9589799029530035,
        0.9513656920021768,
        0.9461773806274164,
        0.9431560397461889,
        0.9420908152604471,
        0.9428090415820634,
        0.9451687334012796,
        0.9490528156356559,
        0.9543646411551137,
        0.9610244745756737,
        0.9689667091714755,
        0.9781376460849827,
        0.9884937091082051,
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
        p.mul(t.pick(&POW2_J16)).mul(t.shl48())
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
        // a(u), the inverse of u = a·(S − B·a): the pieces' borders are at u = k + ½.
        let border =
            |u: f64| (super::ERF_S - (super::ERF_S.powi(2) - 4.0 * super::ERF_B * u).sqrt()) / (2.0 * super::ERF_B);
        let edges = [
            [0.0, -0.0, 6.0, -7.0, 26.5, f64::INFINITY, f64::NAN, 1e-310],
            [-6.0, 7.0, -26.5, f64::NEG_INFINITY, 3.3, -1e-310, 27.0, 0.5],
            // Pieces' borders, and the clamp at 5.999 and either side of it.
            [border(0.5), -border(1.5), border(7.5), border(14.5), -border(15.0), 5.999, -5.999, 5.999 - 1e-15],
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
        // a(u), the inverse of u = a·(S − B·a), at u = k + ½.
        let (s, b) = (super::ERF_S, super::ERF_B);
        let borders = (0..16).flat_map(|k| {
            let a = (s - (s * s - 4.0 * b * (k as f64 + 0.5)).sqrt()) / (2.0 * b);
            [a, f64::from_bits(a.to_bits() - 1), f64::from_bits(a.to_bits() + 1)]
        });
        let grid = (0..40_001).map(|i| -8.0 + 16.0 * i as f64 / 40_000.0 + 1e-7);
        let mut worst = (0.0f64, 0.0);
        for z in grid.chain(borders.clone()).chain(borders.map(|u| -u)).chain([6.0, 5.999, 5.0, 2.0, 1.0]) {
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
        // Beyond |z| = 5.999 the value there, within 1e-16 of ±1 (erfc 6 = 2e-17), and never past it.
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
        // erf to the nearest double (50-digit arithmetic).
        for (z, v) in [
            (0.1, 0.1124629160182849),
            (0.5, 0.5204998778130465),
            (1.0, 0.8427007929497149),
            (1.5, 0.9661051464753108),
            (2.0, 0.9953222650189527),
            (2.5, 0.999593047982555),
            (3.0, 0.9999779095030014),
            (4.0, 0.9999999845827421),
            (5.5, 0.9999999999999927),
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
