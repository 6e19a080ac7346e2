//! Test error against width (`overparam risk`, `risk.svg`, the explorer's risk view): for each
//! width and σn, the closed-form expected error over inits for each of `draws` feature draws
//! (`--train last`), summarized; the infinite-width values; the lines' reference rows.

use rayon::prelude::*;
use serde::Serialize;

use super::closed::{Expected, Spectral, expected_errors, ntk_gp_expected};
use super::gram::{Features, feature_gram, nngp_gram};
use super::test_set::TestSet;
use crate::data::Dataset;
use crate::error::{Result, invalid};
use crate::model::{Metric, Model, ModelKind};
use crate::net::kernel::{Act, Scales, TrainMode};
use crate::net::model::max_width;
use crate::theory::{endpoint_distribution, mean_std};

/// Most feature draws per width.
pub const MAX_DRAWS: u64 = 100_000;
/// Most widths in one curve.
pub const MAX_WIDTHS: usize = 64;

/// The widths a risk curve spans unless told: 1, 2, 4, …, 16384 (`risk`, risk.svg, the risk view).
pub const WIDTHS: [usize; 15] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];

/// What a width curve is computed for.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveSpec {
    pub act: Act,
    pub train: TrainMode,
    pub widths: Vec<usize>,
    /// The noise parameters' prior sd σn for each curve (0: none).
    pub sigmas: Vec<f64>,
    pub draws: u64,
    pub seed: u64,
}

impl CurveSpec {
    /// Refuses empty or zero widths, widths past the net's limit, bad σn and no draws.
    pub fn validate(&self, n: usize) -> Result<()> {
        if self.widths.is_empty() {
            return Err(invalid!("--widths takes at least one width"));
        }
        if self.widths.len() > MAX_WIDTHS {
            return Err(invalid!("--widths takes at most {MAX_WIDTHS} widths (got {})", self.widths.len()));
        }
        let limit = max_width(n);
        if let Some(&w) = self.widths.iter().find(|&&w| w == 0 || w > limit) {
            return Err(invalid!("--widths takes widths from 1 to {limit} for N = {n} (got {w})"));
        }
        if self.sigmas.is_empty() {
            return Err(invalid!("--noise-prior takes at least one value"));
        }
        for &s in &self.sigmas {
            crate::limits::check_noise_prior(s)?;
        }
        if self.draws == 0 || self.draws > MAX_DRAWS {
            return Err(invalid!("--draws takes 1 to {MAX_DRAWS} (got {})", self.draws));
        }
        Ok(())
    }
}

/// The closed form's values over draws at one width and σn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub mean: f64,
    pub median: f64,
    /// Standard error of the mean over draws (0 for one draw).
    pub se: f64,
    /// Means over draws of the two parts.
    pub mean_error: f64,
    pub variance: f64,
}

impl Summary {
    pub fn of(values: &[Expected]) -> Summary {
        let totals: Vec<f64> = values.iter().map(|e| e.total).collect();
        let (mean, sd) = mean_std(&totals);
        let n = values.len().max(1) as f64;
        Summary {
            mean,
            median: median(&totals),
            se: sd / n.sqrt(),
            mean_error: values.iter().map(|e| e.mean_error).sum::<f64>() / n,
            variance: values.iter().map(|e| e.variance).sum::<f64>() / n,
        }
    }
}

/// The median (mean of the middle two for an even count).
pub fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let h = s.len() / 2;
    if s.len() % 2 == 1 { s[h] } else { 0.5 * (s[h - 1] + s[h]) }
}

/// One width at one σn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WidthRow {
    pub width: usize,
    pub sigma: f64,
    /// The net's parameters: 3M + 1 + N, or 3M + 1 without noise parameters.
    pub k: usize,
    /// Of them, those trained (`trained_params`): the risk figures' x axis.
    pub p: usize,
    /// The closed form over draws (`--train last` only).
    pub closed: Option<Summary>,
}

/// The infinite-width value at one σn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InfiniteRow {
    pub sigma: f64,
    /// "nngp" (last layer: the posterior) or "ntk-gp" (all layers).
    pub kind: &'static str,
    pub expected: Expected,
}

/// The lines' expected errors: the traditional line's and a posterior sample's of the other two.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LineRisks {
    pub traditional: Expected,
    pub slightly: Expected,
    pub very: Expected,
}

/// The whole curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    pub rows: Vec<WidthRow>,
    pub infinite: Vec<InfiniteRow>,
    pub lines: LineRisks,
    /// The interpolation threshold as a width: trained parameters reaching f = N
    /// (last layer: M + 1 = N; all layers: 3M + 1 = N).
    pub threshold_width: f64,
    /// The same threshold in trained parameters: p = N.
    pub threshold_params: usize,
    /// The lines' trained parameters, traditional, slightly, very: the slope alone, plus one
    /// noise parameter a point, plus `sources` a point (1, 1 + N, 1 + sources·N).
    pub line_params: [usize; 3],
}

/// The parameters GD moves in a net of width `m` on `n` points: the last layer's M + 1 (all
/// layers: 3M + 1), plus the N noise parameters when σn > 0. Where they reach N the net can
/// interpolate: p = N is the threshold, and every line but the traditional one is past it.
pub fn trained_params(m: usize, n: usize, sigma: f64, train: TrainMode) -> usize {
    let weights = match train {
        TrainMode::Last => m + 1,
        TrainMode::All => 3 * m + 1,
    };
    weights + if sigma > 0.0 { n } else { 0 }
}

/// x̃ = (x − x̄)/s_x with the training data's mean and population std (as `Net::new`).
pub fn standardizer(data: &Dataset) -> (f64, f64) {
    let n = data.n() as f64;
    let mean = data.x.sum() / n;
    let std = (data.x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
    (mean, std)
}

fn standardize(xs: &[f64], (mean, std): (f64, f64)) -> Vec<f64> {
    xs.iter().map(|x| (x - mean) / std).collect()
}

/// The net's parameter count at width m with or without noise parameters.
pub fn net_k(m: usize, n: usize, sigma: f64) -> usize {
    3 * m + 1 + if sigma > 0.0 { n } else { 0 }
}

/// The expected errors of draw `index` at width `m` for each σn (last layer).
pub fn draw_expected(
    data: &Dataset,
    test: &TestSet,
    act: Act,
    m: usize,
    index: u64,
    seed: u64,
    sigmas: &[f64],
) -> Vec<Expected> {
    let st = standardizer(data);
    let sc = Scales::default();
    let feats = Features::draw(seed, index, data.n(), m, &sc);
    let gram =
        feature_gram(act, &feats, &sc, &standardize(data.x.as_slice().unwrap_or(&[]), st), &standardize(&test.x, st));
    expected_errors(&gram, data.y.as_slice().unwrap_or(&[]), &test.target, sigmas)
}

/// The infinite-width expected errors for each σn: the NNGP posterior (last layer) or the
/// NTK-GP (all layers).
pub fn infinite(data: &Dataset, test: &TestSet, act: Act, train: TrainMode, sigmas: &[f64]) -> Vec<InfiniteRow> {
    let st = standardizer(data);
    let sc = Scales::default();
    let xt = standardize(&data.x.to_vec(), st);
    let xg = standardize(&test.x, st);
    let y = data.y.to_vec();
    let k = nngp_gram(act, &sc, &xt, &xg);
    match train {
        TrainMode::Last => {
            let sp = Spectral::new(&k, &y);
            sigmas
                .iter()
                .map(|&s| InfiniteRow { sigma: s, kind: "nngp", expected: sp.expected(&k, &test.target, s) })
                .collect()
        }
        TrainMode::All => {
            let theta = ntk_gram(act, &sc, &xt, &xg);
            sigmas
                .iter()
                .map(|&s| InfiniteRow {
                    sigma: s,
                    kind: "ntk-gp",
                    expected: ntk_gp_expected(&k, &theta, &y, &test.target, s),
                })
                .collect()
        }
    }
}

fn ntk_gram(act: Act, sc: &Scales, xt: &[f64], xg: &[f64]) -> super::gram::Gram {
    use crate::net::kernel::k_theta;
    use ndarray::Array2;
    let t = |a: f64, b: f64| k_theta(act, TrainMode::All, sc, a, b).1;
    super::gram::Gram {
        k: Array2::from_shape_fn((xt.len(), xt.len()), |(i, j)| t(xt[i], xt[j])),
        ks: Array2::from_shape_fn((xg.len(), xt.len()), |(g, j)| t(xg[g], xt[j])),
        kss: xg.iter().map(|&x| t(x, x)).collect(),
    }
}

/// The lines' expected errors on `test` with noise σ (`sources` for the very model): a slope
/// c ~ N(μ, s²) (plain GD's endpoint) errs by mean (μx − target)² + s²·mean x².
pub fn line_risks(data: &Dataset, test: &TestSet, sigma: f64, sources: usize) -> Result<LineRisks> {
    let one = |kind: ModelKind| -> Result<Expected> {
        let model = Model::new(kind, data.clone(), sigma, sources)?;
        let dist = endpoint_distribution(&model, Metric::Euclidean);
        let g = test.len().max(1) as f64;
        let err = test.x.iter().zip(&test.target).map(|(x, t)| (dist.mean * x - t).powi(2)).sum::<f64>() / g;
        Ok(Expected::new(err, dist.std * dist.std * test.mean_x2()))
    };
    Ok(LineRisks {
        traditional: one(ModelKind::Traditional)?,
        slightly: one(ModelKind::Slightly)?,
        very: one(ModelKind::Very)?,
    })
}

/// The closed form for every (width, draw), in parallel, one decomposition per pair serving
/// every σn; rows ordered by σn, then width.
pub fn closed_rows(data: &Dataset, test: &TestSet, spec: &CurveSpec) -> Vec<WidthRow> {
    closed_rows_until(data, test, spec, &|| false).unwrap_or_default()
}

/// `closed_rows`, asking `stop` before each (width, draw): None once it has said yes.
pub fn closed_rows_until(
    data: &Dataset,
    test: &TestSet,
    spec: &CurveSpec,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<WidthRow>> {
    let pairs: Vec<(usize, u64)> = spec.widths.iter().flat_map(|&m| (0..spec.draws).map(move |d| (m, d))).collect();
    let per: Option<Vec<Vec<Expected>>> = pairs
        .par_iter()
        .map(|&(m, d)| (!stop()).then(|| draw_expected(data, test, spec.act, m, d, spec.seed, &spec.sigmas)))
        .collect();
    let per = per?;
    let mut rows = Vec::new();
    for (si, &sigma) in spec.sigmas.iter().enumerate() {
        for (at, &m) in spec.widths.iter().enumerate() {
            let start = at * spec.draws as usize;
            let vals: Vec<Expected> = per[start..start + spec.draws as usize].iter().map(|v| v[si]).collect();
            let (k, p) = (net_k(m, data.n(), sigma), trained_params(m, data.n(), sigma, spec.train));
            rows.push(WidthRow { width: m, sigma, k, p, closed: Some(Summary::of(&vals)) });
        }
    }
    Some(rows)
}

/// The whole curve: the closed form at each width (last layer; all layers have none at finite
/// width), the infinite-width rows, the lines' rows and the threshold. `sigma` is the data's
/// noise σ and `sources` the very model's, for the lines.
pub fn curve(data: &Dataset, test: &TestSet, spec: &CurveSpec, sigma: f64, sources: usize) -> Result<Curve> {
    let mut c = skeleton(data, test, spec, sigma, sources)?;
    c.rows = width_rows(data, test, spec, &|| false).unwrap_or_default();
    Ok(c)
}

/// `curve` a width at a time, for a view that draws it as it comes: `each` gets the curve so far
/// (the widths done, in order, every σn, ordered as `curve` orders them) after each width and
/// returns false to stop it; `stop` is asked before each draw (erf's widest take a second
/// each). None when stopped. The end is `curve`'s: each width's draws are its own.
pub fn curve_by_width(
    data: &Dataset,
    test: &TestSet,
    spec: &CurveSpec,
    (sigma, sources): (f64, usize),
    stop: &(dyn Fn() -> bool + Sync),
    mut each: impl FnMut(&Curve) -> bool,
) -> Result<Option<Curve>> {
    let mut c = skeleton(data, test, spec, sigma, sources)?;
    // Per width done, its rows in σn order.
    let mut done: Vec<Vec<WidthRow>> = Vec::new();
    for &m in &spec.widths {
        let Some(rows) = width_rows(data, test, &CurveSpec { widths: vec![m], ..spec.clone() }, stop) else {
            return Ok(None);
        };
        done.push(rows);
        c.rows = (0..spec.sigmas.len()).flat_map(|si| done.iter().filter_map(move |w| w.get(si).cloned())).collect();
        if !each(&c) {
            return Ok(None);
        }
    }
    Ok(Some(c))
}

/// The rows of `spec`'s widths: the closed form (last layer), or counts alone (all layers);
/// None once `stop` says so.
fn width_rows(
    data: &Dataset,
    test: &TestSet,
    spec: &CurveSpec,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<WidthRow>> {
    match spec.train {
        TrainMode::Last => closed_rows_until(data, test, spec, stop),
        TrainMode::All => Some(
            spec.sigmas
                .iter()
                .flat_map(|&s| spec.widths.iter().map(move |&m| (m, s)))
                .map(|(m, s)| WidthRow {
                    width: m,
                    sigma: s,
                    k: net_k(m, data.n(), s),
                    p: trained_params(m, data.n(), s, TrainMode::All),
                    closed: None,
                })
                .collect(),
        ),
    }
}

/// The curve without its rows: the infinite-width rows, the lines and the thresholds.
fn skeleton(data: &Dataset, test: &TestSet, spec: &CurveSpec, sigma: f64, sources: usize) -> Result<Curve> {
    spec.validate(data.n())?;
    let n = data.n() as f64;
    let threshold_width = match spec.train {
        TrainMode::Last => n - 1.0,
        TrainMode::All => (n - 1.0) / 3.0,
    };
    Ok(Curve {
        rows: Vec::new(),
        infinite: infinite(data, test, spec.act, spec.train, &spec.sigmas),
        lines: line_risks(data, test, sigma, sources)?,
        threshold_width,
        threshold_params: data.n(),
        line_params: [1, 1 + data.n(), 1 + sources * data.n()],
    })
}
