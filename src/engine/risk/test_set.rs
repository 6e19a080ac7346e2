//! The test error's one definition (THEORY.md, "Does it overfit?"): for generated data, the mean
//! squared error against the true line y = slope·x on a grid of 991 points over the data's x
//! range; for a data file, which has no truth, the mean squared error on a held-out share of its
//! points, drawn from the seed.

use ndarray::Array1;
use rand::seq::SliceRandom;
use serde::Serialize;

use crate::data::Dataset;
use crate::error::{Result, invalid};
use crate::rng::{Stream, stream};

/// Points of the test grid for generated data (991 on the demo's [0, 9.9]: a step of 0.01).
pub const GRID_POINTS: usize = 991;

/// Which test error a [`TestSet`] measures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum TestKind {
    /// Against the true line y = slope·x on an even grid over [lo, hi].
    Grid { slope: f64, lo: f64, hi: f64 },
    /// Against held-out points of a data file: `share` of them, `points` in all.
    Holdout { share: f64, points: usize },
}

/// The test points and the values a fitted f is compared with there.
#[derive(Debug, Clone, PartialEq)]
pub struct TestSet {
    pub kind: TestKind,
    /// The test inputs, in data units.
    pub x: Vec<f64>,
    /// The targets: slope·x on the grid, the held-out y otherwise.
    pub target: Vec<f64>,
}

impl TestSet {
    /// The grid of `GRID_POINTS` points over the data's x range, against y = slope·x.
    pub fn grid(data: &Dataset, slope: f64) -> TestSet {
        let lo = data.x.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = data.x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let g = GRID_POINTS;
        let x: Vec<f64> = (0..g).map(|i| lo + (hi - lo) * i as f64 / (g - 1) as f64).collect();
        let target = x.iter().map(|v| slope * v).collect();
        TestSet { kind: TestKind::Grid { slope, lo, hi }, x, target }
    }

    pub fn len(&self) -> usize {
        self.x.len()
    }

    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// mean x² over the test points (the lines' error is (c − slope)² times this).
    pub fn mean_x2(&self) -> f64 {
        self.x.iter().map(|v| v * v).sum::<f64>() / self.len().max(1) as f64
    }

    /// What the error is measured against, in words every output uses.
    pub fn describe(&self) -> String {
        match &self.kind {
            TestKind::Grid { slope, lo, hi } => format!(
                "mean squared error against the true line y = {slope}·x on {} points over [{lo}, {hi}]",
                self.len()
            ),
            TestKind::Holdout { share, points } => {
                format!("mean squared error on {points} held-out points ({} of the data)", crate::format::sig4(*share))
            }
        }
    }
}

/// The test error of predictions `pred` at `test.x`: mean (pred − target)².
pub fn test_error(test: &TestSet, pred: &[f64]) -> f64 {
    let n = test.target.len().min(pred.len());
    if n == 0 {
        return 0.0;
    }
    test.target.iter().zip(pred).map(|(t, p)| (p - t) * (p - t)).sum::<f64>() / n as f64
}

/// The held-out share of a data file when none is given.
pub const DEFAULT_HOLDOUT: f64 = 0.2;

/// The data trained on and the test set: generated data whole, tested on the grid against
/// y = slope·x; a data file (`from_file`) less its held-out `share`, tested on those points.
pub fn train_test(data: Dataset, from_file: bool, share: f64, slope: f64, seed: u64) -> Result<(Dataset, TestSet)> {
    if from_file {
        return split_holdout(&data, share, seed);
    }
    let test = TestSet::grid(&data, slope);
    Ok((data, test))
}

/// Refuses a held-out share outside (0, 1).
pub fn check_holdout(share: f64) -> Result<()> {
    if !(share > 0.0 && share < 1.0) {
        return Err(invalid!("--holdout takes a share strictly between 0 and 1 (got {share})"));
    }
    Ok(())
}

/// Splits a data file's points: round(share·N) of them (at least 1), chosen from `seed`, are
/// held out as the test set; the rest (at least 2) are the training data, in their order.
pub fn split_holdout(data: &Dataset, share: f64, seed: u64) -> Result<(Dataset, TestSet)> {
    check_holdout(share)?;
    let n = data.n();
    let held = ((share * n as f64).round() as usize).max(1);
    if n < held + 2 {
        return Err(invalid!(
            "--holdout {share} leaves fewer than 2 of the {n} points to train on: lower it or give more data"
        ));
    }
    let mut idx: Vec<usize> = (0..n).collect();
    idx.shuffle(&mut stream(seed, Stream::Holdout, 0));
    let mut test_idx = idx[..held].to_vec();
    let mut train_idx = idx[held..].to_vec();
    test_idx.sort_unstable();
    train_idx.sort_unstable();
    let pick = |ids: &[usize], v: &Array1<f64>| Array1::from_iter(ids.iter().map(|&i| v[i]));
    let train = Dataset::new(pick(&train_idx, &data.x), pick(&train_idx, &data.y))?;
    let test = TestSet {
        kind: TestKind::Holdout { share, points: held },
        x: test_idx.iter().map(|&i| data.x[i]).collect(),
        target: test_idx.iter().map(|&i| data.y[i]).collect(),
    };
    Ok((train, test))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::data::DataSpec;

    #[test]
    fn demo_grid_is_991_points_a_hundredth_apart() {
        let d = DataSpec::default().generate().unwrap();
        let t = TestSet::grid(&d, 1.0);
        assert_eq!(t.len(), 991);
        assert_eq!((t.x[0], t.x[990]), (0.0, 9.9));
        assert!((t.x[1] - 0.01).abs() < 1e-12);
        // The true line itself has no error; f = 0 has mean x² = (Σ i²/100²)/991.
        assert_eq!(test_error(&t, &t.target.clone()), 0.0);
        let want = (0..991).map(|i| (i as f64 / 100.0).powi(2)).sum::<f64>() / 991.0;
        assert!((test_error(&t, &vec![0.0; 991]) - want).abs() < 1e-12);
        assert!((t.mean_x2() - want).abs() < 1e-12);
        assert!(t.describe().contains("y = 1·x on 991 points over [0, 9.9]"), "{}", t.describe());
    }

    #[test]
    fn holdout_splits_by_seed_and_refuses_bad_shares() {
        let d = DataSpec::default().generate().unwrap();
        let (train, test) = split_holdout(&d, 0.2, 42).unwrap();
        assert_eq!((train.n(), test.len()), (80, 20));
        let again = split_holdout(&d, 0.2, 42).unwrap();
        assert_eq!(again.1, test);
        assert_ne!(split_holdout(&d, 0.2, 43).unwrap().1.x, test.x);
        // Every point is in exactly one of the two.
        let mut all: Vec<f64> = train.x.iter().copied().chain(test.x.iter().copied()).collect();
        all.sort_by(f64::total_cmp);
        assert_eq!(all, d.x.to_vec());
        for share in [0.0, 1.0, -0.5, f64::NAN] {
            assert!(split_holdout(&d, share, 42).is_err(), "{share}");
        }
        assert!(split_holdout(&d, 0.99, 42).is_err(), "leaves 1 point");
    }
}
