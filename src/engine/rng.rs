//! Reproducible random streams. Every stream is keyed by (seed, purpose, index), so run r of an
//! ensemble draws the same init whatever the thread count, the optimizer, or the order runs finish.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The generator used everywhere: xoshiro256++ (fast, 256-bit state, passes BigCrush).
pub type Rng = Xoshiro256PlusPlus;

/// What a stream is for; part of its key so streams never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Data = 1,
    Init = 2,
    Sgd = 3,
    /// The ridge view's null direction on the net.
    Ridge = 4,
    /// Which points of a data file are held out for the test error.
    Holdout = 5,
}

/// SplitMix64 finaliser: a bijective mix of 64 bits.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator for stream `purpose`, index `index`, under the user's `seed`.
pub fn stream(seed: u64, purpose: Stream, index: u64) -> Rng {
    let key = mix(mix(mix(seed) ^ purpose as u64) ^ index);
    Rng::seed_from_u64(key)
}

/// A uniform draw on [−1, 1) from 53 random bits.
#[inline(always)]
pub fn uniform_pm1(bits: u64) -> f64 {
    const SCALE: f64 = 2.0 / (1u64 << 53) as f64;
    (bits >> 11) as f64 * SCALE - 1.0
}
