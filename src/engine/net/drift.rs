//! How far the net's parameters move as the width grows (THEORY.md, "Finite width": M^−½): GD
//! from the same seed and init at each width of a sweep, |θ−θ0|/|θ0| against its closed form,
//! and the kernel change. The explorer's drift view trains it on a thread of its own (one width
//! at a time, cancellable); `plot --model net`'s drift.svg trains it in one go.

use std::time::{Duration, Instant};

use super::{NetRun, NetSpec, NetTheory};
use crate::data::Dataset;
use crate::optim::{LrChoice, Optimizer};

/// The widths the sweep trains at (each 4× the last: the exponent needs a span).
pub const SWEEP_WIDTHS: [usize; 4] = [16, 64, 256, 1024];

/// One finished width.
#[derive(Debug, Clone, Copy)]
pub struct DriftRow {
    pub width: usize,
    pub k: usize,
    pub rel_change: f64,
    /// |θ−θ0|/|θ0| in closed form at this k.
    pub theory: f64,
    pub kernel_change: f64,
    pub converged: bool,
}

/// Trains one width of the sweep by GD to the end, in slices so `cancelled` is seen within
/// about 50 ms. None when cancelled.
pub fn train_width(
    spec: NetSpec,
    data: &Dataset,
    sigma: f64,
    theory: &NetTheory,
    (seed, init): (u64, u64),
    (max_steps, tol): (u64, f64),
    cancelled: &dyn Fn() -> bool,
) -> crate::Result<Option<DriftRow>> {
    let net = spec.build(data, sigma)?;
    let mut run = NetRun::new(net, Optimizer::Gd, LrChoice::default(), seed, init)?;
    while !(run.is_done() || run.steps >= max_steps) {
        if cancelled() {
            return Ok(None);
        }
        run.run_until(max_steps, tol, Some(Instant::now() + Duration::from_millis(50)), |_, _| {})?;
    }
    let k = run.net.k();
    Ok(Some(DriftRow {
        width: run.net.width,
        k,
        rel_change: run.rel_change(),
        theory: theory.rel_change(k),
        kernel_change: run.kernel_change(),
        converged: run.converged(),
    }))
}

/// Fitted exponents of |θ−θ0|/|θ0| and of the kernel change against the width, once two
/// widths are in.
pub fn exponents(rows: &[DriftRow]) -> Option<(f64, f64)> {
    let ms: Vec<f64> = rows.iter().map(|r| r.width as f64).collect();
    let rel: Vec<f64> = rows.iter().map(|r| r.rel_change).collect();
    let ker: Vec<f64> = rows.iter().map(|r| r.kernel_change).collect();
    Some((crate::ridge::power_law_exponent(&ms, &rel)?, crate::ridge::power_law_exponent(&ms, &ker)?))
}
