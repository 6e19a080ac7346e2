//! Measurements behind `overparam bench` and the criterion benches.

/// A streaming pass over θ that reads and writes every element once (θ ← θ + 0): the memory
/// floor a GD step of the same vector is compared with.
#[inline(never)]
pub fn stream_pass(theta: &mut [f64]) {
    let d = std::hint::black_box(0.0);
    theta.iter_mut().for_each(|v| *v += d);
}
