//! The test error's rows (issue 18): the closed-form width curve on one core against its 2 s
//! target, and what one erf feature draw costs (erf has no kink shortcut: O((N + G)·N·M)).

use std::hint::black_box;
use std::time::Instant;

use super::Row;
use crate::data::DataSpec;
use crate::error::{Result, invalid};
use crate::net::{Act, TrainMode};
use crate::risk::TestSet;
use crate::risk::curve::{CurveSpec, closed_rows, draw_expected};

/// The curve's target: 15 widths × 16 draws × 2 values of σn on one core.
pub const CURVE_TARGET_S: f64 = 2.0;

/// Seconds for the closed-form curve of `widths` × `draws` × σn ∈ {0, 1} on the demo data, on
/// one thread.
pub fn curve_time(act: Act, widths: &[usize], draws: u64) -> Result<f64> {
    let data = DataSpec::default().generate()?;
    let test = TestSet::grid(&data, 1.0);
    let spec =
        CurveSpec { act, train: TrainMode::Last, widths: widths.to_vec(), sigmas: vec![0.0, 1.0], draws, seed: 1 };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().map_err(|e| invalid!("thread pool: {e}"))?;
    let t = Instant::now();
    black_box(pool.install(|| closed_rows(&data, &test, &spec)));
    Ok(t.elapsed().as_secs_f64())
}

pub fn risk_rows(quick: bool) -> Result<Vec<Row>> {
    let widths: Vec<usize> = (0..15).map(|i| 1 << i).collect();
    let draws = if quick { 2 } else { 16 };
    let s = curve_time(Act::Relu, &widths, draws)?;
    let mut rows = vec![Row {
        what: format!("risk closed-form curve, ReLU, 15 widths 1…16384 × {draws} draws × 2 σn, demo, 1 thread"),
        measured: format!("{s:.3} s"),
        target: if quick { String::new() } else { format!("≤ {CURVE_TARGET_S} s") },
        ok: (!quick).then_some(s <= CURVE_TARGET_S),
    }];
    let data = DataSpec::default().generate()?;
    let test = TestSet::grid(&data, 1.0);
    let m = if quick { 256 } else { 4096 };
    let t = Instant::now();
    black_box(draw_expected(&data, &test, Act::Erf, m, 0, 1, &[0.0, 1.0]));
    let e = t.elapsed().as_secs_f64();
    rows.push(Row {
        what: format!("risk closed form, erf, one draw at M={m} (blocked: (N+G)·N·M multiply-adds), 1 thread"),
        measured: format!("{e:.3} s ({:.2} GFlop/s)", 2.0 * ((100 + 991) * 100 * m) as f64 / e / 1e9),
        target: String::new(),
        ok: None,
    });
    Ok(rows)
}
