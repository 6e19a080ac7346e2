//! Closed forms from THEORY.md: the MLE, the Bayes posterior of the slope, and the exact
//! distribution of GD endpoint slopes over random inits. All O(1) given X and XY.

use serde::Serialize;

use crate::model::{Metric, Model, ModelKind};

/// A normal distribution by mean and standard deviation (std 0 = a point mass).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Normal {
    pub mean: f64,
    pub std: f64,
}

impl Normal {
    pub fn pdf(&self, v: f64) -> f64 {
        if self.std <= 0.0 {
            return 0.0;
        }
        let z = (v - self.mean) / self.std;
        (-0.5 * z * z).exp() / (self.std * (2.0 * std::f64::consts::PI).sqrt())
    }
    pub fn cdf(&self, v: f64) -> f64 {
        if self.std <= 0.0 {
            return if v < self.mean { 0.0 } else { 1.0 };
        }
        // Φ(z) = (1 + erf(z/√2))/2, to 1e-15 absolute (the net's erf).
        0.5 + 0.5 * crate::net::phi::erf((v - self.mean) / (self.std * std::f64::consts::SQRT_2))
    }
}

/// The least-squares slope c_MLE = XY/X.
pub fn mle(model: &Model) -> f64 {
    model.xy() / model.xx()
}

/// The posterior of c under prior N(0,1) and noise N(0,σ²): mean XY/(σ²+X), variance σ²/(σ²+X).
pub fn posterior(model: &Model) -> Normal {
    let s2 = model.sigma * model.sigma;
    Normal { mean: model.xy() / (s2 + model.xx()), std: (s2 / (s2 + model.xx())).sqrt() }
}

/// The distribution of the GD endpoint slope over random inits, for a metric:
/// Euclidean: mean XY/(a+X), variance (a² + σ²X)/(a+X)²; prior metric: exactly the posterior.
/// Traditional: a point mass at the MLE whatever the init.
pub fn endpoint_distribution(model: &Model, metric: Metric) -> Normal {
    if model.kind == ModelKind::Traditional {
        return Normal { mean: mle(model), std: 0.0 };
    }
    let a = model.alpha(metric);
    let (x, s2) = (model.xx(), model.sigma * model.sigma);
    Normal { mean: model.xy() / (a + x), std: ((a * a + s2 * x) / ((a + x) * (a + x))).sqrt() }
}

/// The stability bound 2/λmax for plain GD in a metric.
pub fn lr_bound(model: &Model, metric: Metric) -> f64 {
    2.0 / model.lambda_max_in(metric)
}

/// Kolmogorov–Smirnov distance and asymptotic p-value of samples against a normal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ks {
    pub d: f64,
    pub p: f64,
}

/// Relative tolerance within which a sample counts as sitting on a point mass.
const POINT_MASS_TOL: f64 = 1e-9;

/// KS test of `samples` against `dist`. For a point mass (std 0) the distance is the fraction
/// of samples farther than 1e-9 (relative) from it: 0 when every run landed on it.
pub fn ks_test(samples: &[f64], dist: Normal) -> Ks {
    let n = samples.len();
    if n == 0 {
        return Ks { d: 0.0, p: 1.0 };
    }
    if dist.std <= 0.0 {
        let tol = POINT_MASS_TOL * dist.mean.abs().max(1.0);
        let off = samples.iter().filter(|v| (*v - dist.mean).abs() > tol).count();
        let d = off as f64 / n as f64;
        return Ks { d, p: if off == 0 { 1.0 } else { 0.0 } };
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let nf = n as f64;
    let d = sorted
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let f = dist.cdf(v);
            (f - i as f64 / nf).max((i + 1) as f64 / nf - f)
        })
        .fold(0.0, f64::max);
    let sq = nf.sqrt();
    Ks { d, p: kolmogorov_q((sq + 0.12 + 0.11 / sq) * d) }
}

/// Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}, the Kolmogorov tail probability.
pub fn kolmogorov_q(lambda: f64) -> f64 {
    if lambda < 0.2 {
        return 1.0;
    }
    let mut sum = 0.0;
    for j in 1..=100 {
        let jf = j as f64;
        let term = (-2.0 * jf * jf * lambda * lambda).exp();
        sum += if j % 2 == 1 { term } else { -term };
        if term < 1e-17 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

/// How many of `values` fall in each of `counts.len()` equal bins over [lo, hi), added to
/// `counts` (values outside, and NaN, in none).
pub fn bin_into(counts: &mut [u64], [lo, hi]: [f64; 2], values: impl IntoIterator<Item = f64>) {
    let bins = counts.len();
    let bw = (hi - lo) / bins.max(1) as f64;
    for v in values {
        let b = ((v - lo) / bw).floor();
        if b >= 0.0 && (b as usize) < bins {
            counts[b as usize] += 1;
        }
    }
}

/// `bin_into` fresh counts: a histogram of `values` in `bins` bins over [lo, hi).
pub fn bin(values: &[f64], range: [f64; 2], bins: usize) -> Vec<u64> {
    let mut counts = vec![0; bins.max(1)];
    bin_into(&mut counts, range, values.iter().copied());
    counts
}

/// Mean and (sample, n−1) standard deviation.
pub fn mean_std(v: &[f64]) -> (f64, f64) {
    let n = v.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    // Shifted by the first value, so identical values give exactly that value and std 0.
    let shift = v[0];
    let dm = v.iter().map(|x| x - shift).sum::<f64>() / n as f64;
    if n == 1 {
        return (shift, 0.0);
    }
    let var = v.iter().map(|x| (x - shift - dm) * (x - shift - dm)).sum::<f64>() / (n - 1) as f64;
    (shift + dm, var.sqrt())
}
