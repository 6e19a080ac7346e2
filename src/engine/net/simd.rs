//! The net's two hot loops (forward pass, Jᵀv) written with explicit vectors of eight f64
//! lanes, one lane per unit j mod 8, because the compiler's own vectoriser packs them across
//! points instead and runs at a quarter of the machine's rate (and cannot vectorise erf at all).
//! Each lane does exactly the operations of `Net::forward_impl` / `Net::jt_impl` in the same
//! order (fused multiply-adds exactly where the portable loop has them: erf's, `Phi::madd`, all
//! correctly rounded), and φ is one function over `lanes::Arith` for both, so every path gives
//! the same bits; `model.rs` keeps the portable loops, used for the last `M mod 8` units
//! and on CPUs without AVX2. The vectors themselves and `dispatch`, which picks the instruction
//! set, are in `lanes`.

use super::lanes::V8;
use super::phi::Phi;

/// Σ_j a_j φ(w_j·xw_q + sb·b_j) over the first `split` units (a multiple of 8), for up to
/// four points `xw` (already times σw), in lanes: out[q] = the eight lane sums for point q.
///
/// # Safety
/// The CPU supports `V`'s instruction set; w, b, a have at least `split` elements.
#[inline(always)]
pub(super) unsafe fn forward_lanes<V: V8, P: Phi>(
    w: &[f64],
    b: &[f64],
    a: &[f64],
    sb: f64,
    xw: &[f64; 4],
    split: usize,
) -> [[f64; 8]; 4] {
    unsafe {
        let sbv = V::splat(sb);
        let x = [V::splat(xw[0]), V::splat(xw[1]), V::splat(xw[2]), V::splat(xw[3])];
        let mut acc = [V::splat(0.0); 4];
        let mut j = 0;
        while j < split {
            let (wj, bj, aj) = (V::load(&w[j..]), V::load(&b[j..]), V::load(&a[j..]));
            let bs = sbv.mul(bj);
            let f = P::fv([
                P::madd_v(wj, x[0], bs),
                P::madd_v(wj, x[1], bs),
                P::madd_v(wj, x[2], bs),
                P::madd_v(wj, x[3], bs),
            ]);
            for q in 0..4 {
                acc[q] = P::madd_v(aj, f[q], acc[q]);
            }
            j += 8;
        }
        let mut out = [[0.0; 8]; 4];
        for q in 0..4 {
            acc[q].store(&mut out[q]);
        }
        out
    }
}

/// Jᵀv over the first `split` units: for each block of eight units, A = Σ_n v_n φ(z), and with
/// all layers B = Σ_n v_n x̃_n φ'(z) and C = Σ_n v_n φ'(z) (ReLU with all layers: B and C gated,
/// then A = σw w B + σb b C, see `relu_sums`); then the gradients and the update θ += coef·g;
/// returns the lanes of Σ g².
///
/// # Safety
/// The CPU supports `V`'s instruction set; w, b, a have at least `split` elements.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(super) unsafe fn jt_lanes<V: V8, P: Phi, const ALL: bool>(
    w: &mut [f64],
    b: &mut [f64],
    a: &mut [f64],
    (sw, sb, sa): (f64, f64, f64),
    xw: &[f64],
    v: &[f64],
    vx: &[f64],
    coef: f64,
    split: usize,
) -> [f64; 8] {
    unsafe {
        let (swv, sbv, sav, coefv) = (V::splat(sw), V::splat(sb), V::splat(sa), V::splat(coef));
        let dv = V::splat(P::D);
        let mut g2 = V::splat(0.0);
        let mut j = 0;
        while j < split {
            let (wj, bj, aj) = (V::load(&w[j..]), V::load(&b[j..]), V::load(&a[j..]));
            let bs = sbv.mul(bj);
            let [sa_acc, sb_acc, sc_acc] = if P::RELU && ALL {
                relu_sums::<V>(wj, bj, bs, (swv, sbv), xw, v, vx)
            } else {
                phi_sums::<V, P, ALL>(wj, bs, xw, v, vx)
            };
            let ga = sav.mul(sa_acc);
            g2 = g2.add(ga.mul(ga));
            if ALL {
                // The sums of φ'/D, to sums of φ' (×1 for ReLU: the same bits).
                let (sb_acc, sc_acc) = (dv.mul(sb_acc), dv.mul(sc_acc));
                let gw = sav.mul(aj).mul(swv).mul(sb_acc);
                let gb = sav.mul(aj).mul(sbv).mul(sc_acc);
                g2 = g2.add(gw.mul(gw).add(gb.mul(gb)));
                wj.add(coefv.mul(gw)).store(&mut w[j..]);
                bj.add(coefv.mul(gb)).store(&mut b[j..]);
            }
            aj.add(coefv.mul(ga)).store(&mut a[j..]);
            j += 8;
        }
        let mut out = [0.0; 8];
        g2.store(&mut out);
        out
    }
}

/// One point's terms of `jt_lanes`' sums, as the portable loop adds them: A += v φ, and with
/// all layers B += v x̃ φ', C += v φ'.
///
/// # Safety
/// The CPU supports `V`'s instruction set.
#[inline(always)]
unsafe fn jt_accumulate<V: V8, P: Phi, const ALL: bool>(acc: &mut [V; 3], f: V, d: V, vn: f64, vxn: f64) {
    unsafe {
        acc[0] = P::madd_v(V::splat(vn), f, acc[0]);
        if ALL {
            acc[1] = P::madd_v(V::splat(vxn), d, acc[1]);
            acc[2] = P::madd_v(V::splat(vn), d, acc[2]);
        }
    }
}

/// `jt_lanes`' sums for any φ: A = Σ v φ(z), and with all layers B = Σ v x̃ φ'(z) and
/// C = Σ v φ'(z), four points at a time so φ's chains interleave, added in the points' order.
///
/// # Safety
/// The CPU supports `V`'s instruction set.
#[inline(always)]
unsafe fn phi_sums<V: V8, P: Phi, const ALL: bool>(wj: V, bs: V, xw: &[f64], v: &[f64], vx: &[f64]) -> [V; 3] {
    unsafe {
        let mut acc = [V::splat(0.0); 3];
        // Four points at a time (φ's chains interleaved), added in the order of the points.
        let quads = xw.len() - xw.len() % 4;
        for n in (0..quads).step_by(4) {
            // Written out, not `map`ped: a closure would not carry V's target features.
            let z = [
                P::madd_v(wj, V::splat(xw[n]), bs),
                P::madd_v(wj, V::splat(xw[n + 1]), bs),
                P::madd_v(wj, V::splat(xw[n + 2]), bs),
                P::madd_v(wj, V::splat(xw[n + 3]), bs),
            ];
            let (f, d) = (P::fv(z), if ALL { P::dv(z) } else { z });
            for i in 0..4 {
                jt_accumulate::<V, P, ALL>(&mut acc, f[i], d[i], v[n + i], vx[n + i]);
            }
        }
        for n in quads..xw.len() {
            let z = P::madd_v(wj, V::splat(xw[n]), bs);
            let (f, d) = (P::fv(z), if ALL { P::dv(z) } else { z });
            jt_accumulate::<V, P, ALL>(&mut acc, f, d, v[n], vx[n]);
        }
        acc
    }
}

/// `jt_lanes`' sums for ReLU with all layers: φ' is a 0/1 gate, so B and C are gated sums,
/// and A = σw w B + σb b C because φ(z) = z·φ'(z) (as `Net::jt_impl`).
///
/// # Safety
/// The CPU supports `V`'s instruction set.
#[inline(always)]
unsafe fn relu_sums<V: V8>(wj: V, bj: V, bs: V, (swv, sbv): (V, V), xw: &[f64], v: &[f64], vx: &[f64]) -> [V; 3] {
    unsafe {
        let (mut sb_acc, mut sc_acc) = (V::splat(0.0), V::splat(0.0));
        for ((&x, &vn), &vxn) in xw.iter().zip(v).zip(vx) {
            let z = wj.mul(V::splat(x)).add(bs);
            sb_acc = sb_acc.add(z.gate(V::splat(vxn)));
            sc_acc = sc_acc.add(z.gate(V::splat(vn)));
        }
        [swv.mul(wj).mul(sb_acc).add(sbv.mul(bj).mul(sc_acc)), sb_acc, sc_acc]
    }
}

/// `bench`'s reference loop: Σ_n Σ_j w_j·x_n over four points at a time, as the forward pass
/// walks them, one fused multiply-add per pair (2·N·M flops), in eight independent chains (two
/// blocks of units × four points) so the adds never wait on each other: the machine's rate.
///
/// # Safety
/// The CPU supports `V`'s instruction set (and FMA, for `Avx2`).
#[inline(always)]
pub(super) unsafe fn madd_lanes<V: V8>(w: &[f64], xs: &[f64]) -> [[f64; 8]; 4] {
    unsafe {
        let split = w.len() - w.len() % 16;
        let (mut acc, mut acc2) = ([V::splat(0.0); 4], [V::splat(0.0); 4]);
        for xq in xs.chunks(4) {
            let mut xv = [0.0; 4];
            xv[..xq.len()].copy_from_slice(xq);
            let x = [V::splat(xv[0]), V::splat(xv[1]), V::splat(xv[2]), V::splat(xv[3])];
            let mut j = 0;
            while j < split {
                let (w0, w1) = (V::load(&w[j..]), V::load(&w[j + 8..]));
                for q in 0..4 {
                    acc[q] = w0.mul_add(x[q], acc[q]);
                    acc2[q] = w1.mul_add(x[q], acc2[q]);
                }
                j += 16;
            }
        }
        let mut out = [[0.0; 8]; 4];
        for q in 0..4 {
            acc[q].add(acc2[q]).store(&mut out[q]);
        }
        out
    }
}
