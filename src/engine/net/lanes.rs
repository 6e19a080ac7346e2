//! The lanes the net's hot loops and its activations are written over, below both: [`Arith`]
//! (one f64, or eight in a vector: the activations in `phi` are written once over it), [`V8`]
//! (eight lanes, loaded and stored: the loops in `simd` and `model` are written over it), its
//! three kinds (`Scalar`, `Avx2`, `Avx512`), and [`dispatch`], the one place the instruction
//! set is picked. Every kind rounds alike, so every path gives the same bits.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

/// The lane-by-lane arithmetic the activations (`phi`) are written in: one f64 (the portable
/// loops) or eight. Every implementation rounds alike, so all give the same bits.
pub(super) trait Arith: Copy {
    /// # Safety
    /// The CPU supports the type's instruction set (every method below likewise).
    unsafe fn splat(x: f64) -> Self;
    unsafe fn add(self, o: Self) -> Self;
    unsafe fn sub(self, o: Self) -> Self;
    unsafe fn mul(self, o: Self) -> Self;
    /// self·b + c in one rounding: correctly rounded on every path (`f64::mul_add`, the vectors'
    /// fused multiply-add), so fusing gives the same bits everywhere.
    unsafe fn mul_add(self, b: Self, c: Self) -> Self;
    /// |self| (the sign bit cleared, as `f64::abs`).
    unsafe fn abs(self) -> Self;
    /// self with the sign bit of `s` (as `f64::copysign`).
    unsafe fn with_sign_of(self, s: Self) -> Self;
    /// `table[i]`, i the low 4 bits of self's bits, lane by lane (`phi`'s piecewise erf).
    unsafe fn pick(self, table: &[f64; 16]) -> Self;
    /// `hi` where self > hi, else self (so NaN stays NaN).
    unsafe fn min_to(self, hi: Self) -> Self;
    /// The f64 whose bits are self's shifted left by 48: (1 + j/16)·2^e when self's low 15 bits
    /// hold 16·(e + 1023) + j, j < 16 (`phi`'s e^x).
    unsafe fn shl48(self) -> Self;
    /// max(self, 0), 0 for NaN as `f64::max(z, 0.0)`.
    unsafe fn relu(self) -> Self;
    /// `o` where self > 0, else +0.
    unsafe fn gate(self, o: Self) -> Self;
}

impl Arith for f64 {
    #[inline(always)]
    unsafe fn splat(x: f64) -> Self {
        x
    }
    #[inline(always)]
    unsafe fn add(self, o: Self) -> Self {
        self + o
    }
    #[inline(always)]
    unsafe fn sub(self, o: Self) -> Self {
        self - o
    }
    #[inline(always)]
    unsafe fn mul(self, o: Self) -> Self {
        self * o
    }
    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        f64::mul_add(self, b, c)
    }
    #[inline(always)]
    unsafe fn abs(self) -> Self {
        f64::abs(self)
    }
    #[inline(always)]
    unsafe fn with_sign_of(self, s: Self) -> Self {
        self.copysign(s)
    }
    #[inline(always)]
    unsafe fn pick(self, table: &[f64; 16]) -> Self {
        table[(self.to_bits() & 15) as usize]
    }
    #[inline(always)]
    unsafe fn min_to(self, hi: Self) -> Self {
        if self > hi { hi } else { self }
    }
    #[inline(always)]
    unsafe fn shl48(self) -> Self {
        f64::from_bits(self.to_bits() << 48)
    }
    #[inline(always)]
    unsafe fn relu(self) -> Self {
        self.max(0.0)
    }
    #[inline(always)]
    unsafe fn gate(self, o: Self) -> Self {
        if self > 0.0 { o } else { 0.0 }
    }
}

/// `[A; K]`'s methods: each element does what it would alone.
macro_rules! lanewise {
    (binary: $($op:ident),*) => {$(
        #[inline(always)]
        unsafe fn $op(mut self, o: Self) -> Self {
            for i in 0..K {
                self[i] = unsafe { self[i].$op(o[i]) };
            }
            self
        }
    )*};
    (unary: $($op:ident),*) => {$(
        #[inline(always)]
        unsafe fn $op(mut self) -> Self {
            for v in &mut self {
                *v = unsafe { v.$op() };
            }
            self
        }
    )*};
}

/// K values side by side, each doing what it would alone: φ on `[V; 4]` runs four independent
/// dependency chains interleaved, which a long recurrence (erf's) needs to keep the machine busy.
impl<A: Arith, const K: usize> Arith for [A; K] {
    #[inline(always)]
    unsafe fn splat(x: f64) -> Self {
        [unsafe { A::splat(x) }; K]
    }
    lanewise!(binary: add, sub, mul, with_sign_of, min_to, gate);
    lanewise!(unary: abs, shl48, relu);
    #[inline(always)]
    unsafe fn mul_add(mut self, b: Self, c: Self) -> Self {
        for i in 0..K {
            self[i] = unsafe { self[i].mul_add(b[i], c[i]) };
        }
        self
    }
    #[inline(always)]
    unsafe fn pick(mut self, table: &[f64; 16]) -> Self {
        for v in &mut self {
            *v = unsafe { v.pick(table) };
        }
        self
    }
}

/// Eight f64 lanes.
pub(super) trait V8: Arith {
    /// False for `Scalar`: the portable loops in `model.rs` are used instead.
    const SIMD: bool = true;
    /// # Safety
    /// `p` has at least 8 elements, and the CPU supports the vector's instruction set (every
    /// method below likewise).
    unsafe fn load(p: &[f64]) -> Self;
    /// # Safety
    /// `p` has at least 8 elements.
    unsafe fn store(self, p: &mut [f64]);
}

/// No vectors: the portable loops run instead (the operations below exist to satisfy the trait,
/// and mean the same thing lane by lane; the edge test in `phi` runs them).
#[derive(Clone, Copy)]
pub(super) struct Scalar([f64; 8]);

impl Scalar {
    fn map(self, f: impl Fn(f64) -> f64) -> Self {
        Scalar(self.0.map(f))
    }
    fn zip(self, o: Self, f: impl Fn(f64, f64) -> f64) -> Self {
        Scalar(std::array::from_fn(|l| f(self.0[l], o.0[l])))
    }
}

// Each lane does what `Arith for f64` does.
impl Arith for Scalar {
    unsafe fn splat(x: f64) -> Self {
        Scalar([x; 8])
    }
    unsafe fn add(self, o: Self) -> Self {
        self.zip(o, |a, b| a + b)
    }
    unsafe fn sub(self, o: Self) -> Self {
        self.zip(o, |a, b| a - b)
    }
    unsafe fn mul(self, o: Self) -> Self {
        self.zip(o, |a, b| a * b)
    }
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        Scalar(std::array::from_fn(|l| self.0[l].mul_add(b.0[l], c.0[l])))
    }
    unsafe fn abs(self) -> Self {
        self.map(f64::abs)
    }
    unsafe fn with_sign_of(self, s: Self) -> Self {
        self.zip(s, f64::copysign)
    }
    unsafe fn pick(self, table: &[f64; 16]) -> Self {
        // SAFETY: f64 needs no instruction set.
        self.map(|a| unsafe { a.pick(table) })
    }
    unsafe fn min_to(self, hi: Self) -> Self {
        // SAFETY: f64 needs no instruction set.
        self.zip(hi, |a, h| unsafe { a.min_to(h) })
    }
    unsafe fn shl48(self) -> Self {
        // SAFETY: f64 needs no instruction set.
        self.map(|a| unsafe { a.shl48() })
    }
    unsafe fn relu(self) -> Self {
        self.map(|z| z.max(0.0))
    }
    unsafe fn gate(self, o: Self) -> Self {
        self.zip(o, |z, v| if z > 0.0 { v } else { 0.0 })
    }
}

impl V8 for Scalar {
    const SIMD: bool = false;
    unsafe fn load(p: &[f64]) -> Self {
        let mut v = [0.0; 8];
        v.copy_from_slice(&p[..8]);
        Scalar(v)
    }
    unsafe fn store(self, p: &mut [f64]) {
        p[..8].copy_from_slice(&self.0);
    }
}

#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
pub(super) struct Avx2(__m256d, __m256d);

#[cfg(target_arch = "x86_64")]
impl Arith for Avx2 {
    #[inline(always)]
    unsafe fn splat(x: f64) -> Self {
        unsafe { Avx2(_mm256_set1_pd(x), _mm256_set1_pd(x)) }
    }
    #[inline(always)]
    unsafe fn add(self, o: Self) -> Self {
        unsafe { Avx2(_mm256_add_pd(self.0, o.0), _mm256_add_pd(self.1, o.1)) }
    }
    #[inline(always)]
    unsafe fn sub(self, o: Self) -> Self {
        unsafe { Avx2(_mm256_sub_pd(self.0, o.0), _mm256_sub_pd(self.1, o.1)) }
    }
    #[inline(always)]
    unsafe fn mul(self, o: Self) -> Self {
        unsafe { Avx2(_mm256_mul_pd(self.0, o.0), _mm256_mul_pd(self.1, o.1)) }
    }
    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        // The caller enabled FMA with AVX2 (`on_avx2`).
        unsafe { Avx2(_mm256_fmadd_pd(self.0, b.0, c.0), _mm256_fmadd_pd(self.1, b.1, c.1)) }
    }
    #[inline(always)]
    unsafe fn abs(self) -> Self {
        unsafe {
            let sign = _mm256_set1_pd(-0.0);
            Avx2(_mm256_andnot_pd(sign, self.0), _mm256_andnot_pd(sign, self.1))
        }
    }
    #[inline(always)]
    unsafe fn with_sign_of(self, s: Self) -> Self {
        // Written out, not in a closure: a closure would not carry the target features.
        unsafe {
            let sign = _mm256_set1_pd(-0.0);
            Avx2(
                _mm256_or_pd(_mm256_andnot_pd(sign, self.0), _mm256_and_pd(sign, s.0)),
                _mm256_or_pd(_mm256_andnot_pd(sign, self.1), _mm256_and_pd(sign, s.1)),
            )
        }
    }
    #[inline(always)]
    unsafe fn pick(self, table: &[f64; 16]) -> Self {
        unsafe {
            let low = _mm256_set1_epi64x(15);
            let (i0, i1) = (
                _mm256_and_si256(_mm256_castpd_si256(self.0), low),
                _mm256_and_si256(_mm256_castpd_si256(self.1), low),
            );
            Avx2(_mm256_i64gather_pd::<8>(table.as_ptr(), i0), _mm256_i64gather_pd::<8>(table.as_ptr(), i1))
        }
    }
    #[inline(always)]
    unsafe fn min_to(self, hi: Self) -> Self {
        // minpd(h, a) = h < a ? h : a, which is a when a is NaN.
        unsafe { Avx2(_mm256_min_pd(hi.0, self.0), _mm256_min_pd(hi.1, self.1)) }
    }
    #[inline(always)]
    unsafe fn shl48(self) -> Self {
        unsafe {
            Avx2(
                _mm256_castsi256_pd(_mm256_slli_epi64::<48>(_mm256_castpd_si256(self.0))),
                _mm256_castsi256_pd(_mm256_slli_epi64::<48>(_mm256_castpd_si256(self.1))),
            )
        }
    }
    #[inline(always)]
    unsafe fn relu(self) -> Self {
        // maxpd returns its second operand when either is NaN: 0, as f64::max(NaN, 0.0).
        unsafe {
            let z = _mm256_setzero_pd();
            Avx2(_mm256_max_pd(self.0, z), _mm256_max_pd(self.1, z))
        }
    }
    #[inline(always)]
    unsafe fn gate(self, o: Self) -> Self {
        unsafe {
            let z = _mm256_setzero_pd();
            let (m0, m1) = (_mm256_cmp_pd::<_CMP_GT_OQ>(self.0, z), _mm256_cmp_pd::<_CMP_GT_OQ>(self.1, z));
            Avx2(_mm256_and_pd(m0, o.0), _mm256_and_pd(m1, o.1))
        }
    }
}

#[cfg(target_arch = "x86_64")]
impl V8 for Avx2 {
    #[inline(always)]
    unsafe fn load(p: &[f64]) -> Self {
        let p = &p[..8];
        unsafe { Avx2(_mm256_loadu_pd(p.as_ptr()), _mm256_loadu_pd(p.as_ptr().add(4))) }
    }
    #[inline(always)]
    unsafe fn store(self, p: &mut [f64]) {
        let p = &mut p[..8];
        unsafe {
            _mm256_storeu_pd(p.as_mut_ptr(), self.0);
            _mm256_storeu_pd(p.as_mut_ptr().add(4), self.1);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
pub(super) struct Avx512(__m512d);

#[cfg(target_arch = "x86_64")]
impl Arith for Avx512 {
    #[inline(always)]
    unsafe fn splat(x: f64) -> Self {
        unsafe { Avx512(_mm512_set1_pd(x)) }
    }
    #[inline(always)]
    unsafe fn add(self, o: Self) -> Self {
        unsafe { Avx512(_mm512_add_pd(self.0, o.0)) }
    }
    #[inline(always)]
    unsafe fn sub(self, o: Self) -> Self {
        unsafe { Avx512(_mm512_sub_pd(self.0, o.0)) }
    }
    #[inline(always)]
    unsafe fn mul(self, o: Self) -> Self {
        unsafe { Avx512(_mm512_mul_pd(self.0, o.0)) }
    }
    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        unsafe { Avx512(_mm512_fmadd_pd(self.0, b.0, c.0)) }
    }
    #[inline(always)]
    unsafe fn abs(self) -> Self {
        unsafe { Avx512(_mm512_abs_pd(self.0)) }
    }
    #[inline(always)]
    unsafe fn with_sign_of(self, s: Self) -> Self {
        // Bit by bit: the sign mask's bit set ? s's : self's (truth table 0xD8).
        unsafe {
            let sign = _mm512_castpd_si512(_mm512_set1_pd(-0.0));
            let (m, s) = (_mm512_castpd_si512(self.0), _mm512_castpd_si512(s.0));
            Avx512(_mm512_castsi512_pd(_mm512_ternarylogic_epi64::<0xD8>(m, s, sign)))
        }
    }
    #[inline(always)]
    unsafe fn pick(self, table: &[f64; 16]) -> Self {
        // vpermt2pd reads the low 4 bits of each index: table[..8] for 0–7, table[8..] for 8–15.
        unsafe {
            let (lo, hi) = (_mm512_loadu_pd(table.as_ptr()), _mm512_loadu_pd(table.as_ptr().add(8)));
            Avx512(_mm512_permutex2var_pd(lo, _mm512_castpd_si512(self.0), hi))
        }
    }
    #[inline(always)]
    unsafe fn min_to(self, hi: Self) -> Self {
        // As Avx2: the second operand comes back when either is NaN.
        unsafe { Avx512(_mm512_min_pd(hi.0, self.0)) }
    }
    #[inline(always)]
    unsafe fn shl48(self) -> Self {
        unsafe { Avx512(_mm512_castsi512_pd(_mm512_slli_epi64::<48>(_mm512_castpd_si512(self.0)))) }
    }
    #[inline(always)]
    unsafe fn relu(self) -> Self {
        unsafe { Avx512(_mm512_max_pd(self.0, _mm512_setzero_pd())) }
    }
    #[inline(always)]
    unsafe fn gate(self, o: Self) -> Self {
        unsafe {
            let on = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(self.0, _mm512_setzero_pd());
            Avx512(_mm512_maskz_mov_pd(on, o.0))
        }
    }
}

#[cfg(target_arch = "x86_64")]
impl V8 for Avx512 {
    #[inline(always)]
    unsafe fn load(p: &[f64]) -> Self {
        let p = &p[..8];
        unsafe { Avx512(_mm512_loadu_pd(p.as_ptr())) }
    }
    #[inline(always)]
    unsafe fn store(self, p: &mut [f64]) {
        let p = &mut p[..8];
        unsafe { _mm512_storeu_pd(p.as_mut_ptr(), self.0) }
    }
}

/// A hot loop written once over `V`, to run with the widest vectors this CPU has.
pub(super) trait Kernel {
    type Out;
    /// # Safety
    /// The CPU supports `V`'s instruction set.
    unsafe fn run<V: V8>(self) -> Self::Out;
}

/// Runs `k` with AVX-512 when the CPU has it, else AVX2 (with FMA, which the compiler never
/// uses unasked, so the bits stay the same; `Arith::mul_add` asks for it), else the portable
/// loops (`Scalar`, where `f64::mul_add` is the C library's fma: correctly rounded, slower). The one place
/// the instruction set is picked; the check is a cached load.
pub(super) fn dispatch<K: Kernel>(k: K) -> K::Out {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512F, checked just above.
        return unsafe { on_avx512(k) };
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports AVX2 and FMA, checked just above.
        return unsafe { on_avx2(k) };
    }
    // SAFETY: Scalar needs no instruction set.
    unsafe { k.run::<Scalar>() }
}

/// `k` compiled for AVX-512 (its `run` and what that inlines).
///
/// # Safety
/// The CPU supports AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn on_avx512<K: Kernel>(k: K) -> K::Out {
    unsafe { k.run::<Avx512>() }
}

/// `k` compiled for AVX2 and FMA.
///
/// # Safety
/// The CPU supports AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn on_avx2<K: Kernel>(k: K) -> K::Out {
    unsafe { k.run::<Avx2>() }
}
