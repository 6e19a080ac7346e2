//! The dataset: generated from a seed (the classic demo by default) or read from a CSV file.

use std::io::IsTerminal;
use std::path::Path;

use ndarray::Array1;
use rand::RngExt;
use rand_distr::StandardNormal;
use serde::Serialize;

use super::data_file::{self, Limits};
use crate::error::{Error, Result, invalid};
use crate::format::sig4;
use crate::rng::{Stream, stream};

/// The seed a bare `overparam` uses, so it is the same experiment every time.
pub const DEFAULT_SEED: u64 = 42;

/// Largest N accepted: beyond this the data alone would take gigabytes.
pub const MAX_POINTS: usize = 10_000_000;
/// Largest |x| or |y| accepted: CG squares J·Jᵀr, which grows like the sixth power of these.
pub const MAX_ABS_VALUE: f64 = 1e40;
/// Largest data file read (10⁷ rows of two numbers fit well within it), counted as it is read.
pub const MAX_FILE_BYTES: u64 = 1 << 30;
/// Longest line (record) read: a header or a row, wide tables included. A file of NUL bytes is
/// refused at its first line after this much.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// How the x values are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum XLayout {
    /// x_n = 10·n/N, n = 0..N−1: the article's grid 0, 0.1, …, 9.9 for N = 100.
    #[default]
    Grid,
    /// x ~ N(0, 1).
    Normal,
    /// x ~ U(0, 10).
    Uniform,
}

/// How to generate a dataset: y = slope·x + noise·N(0, 1).
#[derive(Debug, Clone, PartialEq)]
pub struct DataSpec {
    pub n: usize,
    pub slope: f64,
    pub noise: f64,
    pub x: XLayout,
    pub seed: u64,
}

impl Default for DataSpec {
    /// The classic demo.
    fn default() -> Self {
        DataSpec { n: 100, slope: 1.0, noise: 1.0, x: XLayout::Grid, seed: DEFAULT_SEED }
    }
}

/// The points (x_n, y_n) and the sums every closed form uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub x: Array1<f64>,
    pub y: Array1<f64>,
}

impl DataSpec {
    pub fn validate(&self) -> Result<()> {
        if self.n < 2 {
            return Err(invalid!("--n must be at least 2 (got {})", self.n));
        }
        if self.n > MAX_POINTS {
            return Err(invalid!("--n {} is too large: the limit is {MAX_POINTS} points", self.n));
        }
        crate::limits::check_sigma(self.noise)?;
        if !self.slope.is_finite() {
            return Err(invalid!("--slope must be a finite number (got {})", self.slope));
        }
        Ok(())
    }

    /// Draws the dataset. The same spec always gives the same points.
    pub fn generate(&self) -> Result<Dataset> {
        self.validate()?;
        let mut rng = stream(self.seed, Stream::Data, 0);
        let n = self.n;
        let x: Array1<f64> = match self.x {
            XLayout::Grid => Array1::from_iter((0..n).map(|i| 10.0 * i as f64 / n as f64)),
            XLayout::Normal => Array1::from_iter((0..n).map(|_| rng.sample::<f64, _>(StandardNormal))),
            XLayout::Uniform => Array1::from_iter((0..n).map(|_| 10.0 * rng.random::<f64>())),
        };
        let y =
            Array1::from_iter(x.iter().map(|&xi| self.slope * xi + self.noise * rng.sample::<f64, _>(StandardNormal)));
        Dataset::new(x, y)
    }
}

impl Dataset {
    /// Checks the points are usable: at least two, finite, and not all at x = 0.
    pub fn new(x: Array1<f64>, y: Array1<f64>) -> Result<Dataset> {
        if x.len() != y.len() {
            return Err(invalid!("x and y differ in length ({} vs {})", x.len(), y.len()));
        }
        if x.len() < 2 {
            return Err(invalid!("need at least 2 data points (got {})", x.len()));
        }
        if x.len() > MAX_POINTS {
            return Err(invalid!("{} points is too many: the limit is {MAX_POINTS}", x.len()));
        }
        if x.iter().chain(y.iter()).any(|v| !v.is_finite()) {
            return Err(invalid!("data contains a non-finite value"));
        }
        // Squares and sums of squares of the data and residuals must stay within double precision.
        if let Some(v) = x.iter().chain(y.iter()).find(|v| v.abs() > MAX_ABS_VALUE) {
            return Err(invalid!("data value {v:e} is too large: |x| and |y| must be at most {MAX_ABS_VALUE:e}"));
        }
        let d = Dataset { x, y };
        if d.x.iter().all(|v| *v == 0.0) {
            return Err(invalid!("all x are 0, so the slope is undefined"));
        }
        // The closed forms divide by X and square y: their sums must be ordinary numbers.
        let yy = d.y.dot(&d.y);
        if !(d.xx().is_finite() && d.xy().is_finite() && yy.is_finite()) {
            return Err(invalid!("the data's sums Σx², Σxy, Σy² overflow: keep |x| and |y| smaller"));
        }
        if !d.xx().is_normal() {
            return Err(invalid!("Σx² = {:e} underflows: the x values are too close to 0 for a slope", d.xx()));
        }
        Ok(d)
    }

    /// Reads a CSV file with a header `x,y`.
    pub fn from_csv(path: &Path) -> Result<Dataset> {
        Dataset::read_csv(path, &[])
    }

    /// Reads a CSV file (`-`: stdin) as a stream, within the limits above: with a header `x,y`,
    /// or, given `columns` (`--columns X,Y`), any header naming those two.
    pub fn read_csv(path: &Path, columns: &[String]) -> Result<Dataset> {
        let columns = match columns {
            [] => None,
            [x, y] => Some([x.as_str(), y.as_str()]),
            other => {
                return Err(invalid!("--columns takes two header names, x's then y's (got {})", other.len()));
            }
        };
        let stdin = path == Path::new("-");
        let name = if stdin { "stdin".to_string() } else { path.display().to_string() };
        let file_err = |line: usize, msg: String| Error::DataFile { path: name.clone(), line, msg };
        let limits = Limits { rows: MAX_POINTS, bytes: MAX_FILE_BYTES, line: MAX_LINE_BYTES };
        let read = if stdin {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                return Err(file_err(0, "--data - reads stdin, which is a terminal: pipe a CSV into it".into()));
            }
            data_file::read_xy(stdin.lock(), columns, limits)
        } else {
            let file = open_data_file(path).map_err(|msg| file_err(0, msg))?;
            data_file::read_xy(file, columns, limits)
        };
        let (xs, ys) = read.map_err(|(line, msg)| file_err(line, msg))?;
        Dataset::new(Array1::from(xs), Array1::from(ys)).map_err(|e| file_err(0, e.to_string()))
    }

    pub fn n(&self) -> usize {
        self.x.len()
    }
    /// X = Σ x_n².
    pub fn xx(&self) -> f64 {
        self.x.dot(&self.x)
    }
    /// XY = Σ x_n y_n.
    pub fn xy(&self) -> f64 {
        self.x.dot(&self.y)
    }

    /// The dataset as CSV text with the header `x,y` (round-trips through `from_csv`).
    pub fn to_csv(&self) -> String {
        let mut out = String::from("x,y\n");
        for (x, y) in self.x.iter().zip(self.y.iter()) {
            out.push_str(&format!("{x:?},{y:?}\n"));
        }
        out
    }
}

/// How far apart σ and the data's residual sd may be before `sigma_check` warns: the posterior's
/// width scales with σ, so a factor of 2 is a posterior twice too wide or too narrow.
pub const SIGMA_MISMATCH: f64 = 2.0;

/// The σ in use set against the data's own scatter, for data read from a file (generated data
/// are drawn with σ itself). The line is the models' own, through the origin: y = m·x, m the MLE.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SigmaCheck {
    /// The noise std the models use (`--noise`, 1 unless given).
    pub sigma: f64,
    /// The least-squares slope m = Σxy/Σx².
    pub slope: f64,
    /// The residuals' sd about y = m·x: √(Σ(y − m·x)² / (N − 1)).
    pub residual_sd: f64,
    /// One line when σ and the residual sd differ by more than `SIGMA_MISMATCH`×.
    pub warning: Option<String>,
}

impl SigmaCheck {
    /// σ beside the residual sd, as one line: what the headless outputs print.
    pub fn summary(&self) -> String {
        format!(
            "σ = {} in use (--noise); residual sd about the least-squares line y = {}·x: {}",
            sig4(self.sigma),
            sig4(self.slope),
            sig4(self.residual_sd)
        )
    }
}

/// The residual sd of `data` about its least-squares line beside `sigma`, and the warning (its
/// words too) when they differ by more than `SIGMA_MISMATCH`×. One function, so the headless
/// commands and the explorer say the same.
pub fn sigma_check(data: &Dataset, sigma: f64) -> SigmaCheck {
    let slope = data.xy() / data.xx();
    let r = &data.y - &(&data.x * slope);
    let residual_sd = (r.dot(&r) / (data.n() - 1) as f64).sqrt();
    let (s, rs, line) = (sig4(sigma), sig4(residual_sd), format!("y = {}·x", sig4(slope)));
    let width = "the posterior's width rests on σ";
    let warning = if residual_sd == 0.0 {
        Some(format!("σ = {s} (--noise) but the data lie exactly on the line {line} (residual sd 0): {width}"))
    } else if residual_sd > SIGMA_MISMATCH * sigma || sigma > SIGMA_MISMATCH * residual_sd {
        let (factor, than) =
            if residual_sd > sigma { (residual_sd / sigma, "larger") } else { (sigma / residual_sd, "smaller") };
        let to_match = if crate::limits::check_sigma(residual_sd).is_ok() {
            format!("; --noise {rs} matches the data")
        } else {
            String::new()
        };
        Some(format!(
            "the data's residual sd about the least-squares line {line} is {rs}, {}× {than} than σ = {s} (--noise): {width}{to_match}",
            sig4(factor)
        ))
    } else {
        None
    };
    SigmaCheck { sigma, slope, residual_sd, warning }
}

/// A data file opened for reading: refused when its reported size is over the limit (a pipe or a
/// device reports none: the reader counts what it reads).
fn open_data_file(path: &Path) -> std::result::Result<std::fs::File, String> {
    let file = std::fs::File::open(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ => e.to_string(),
        };
        format!("cannot read data file: {why}")
    })?;
    if let Ok(meta) = file.metadata()
        && meta.len() > MAX_FILE_BYTES
    {
        return Err(format!("the file is {} MB: the limit is {} MB", meta.len() >> 20, MAX_FILE_BYTES >> 20));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(x: &[f64], y: &[f64]) -> Dataset {
        Dataset::new(Array1::from(x.to_vec()), Array1::from(y.to_vec())).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_sigma_check_reads_the_residuals_about_the_line_through_the_origin() {
        // y = 2x ± 1: m = 2 exactly (the residuals are orthogonal to x), residual sd √(4/3).
        let d = data(&[1.0, 1.0, 2.0, 2.0], &[3.0, 1.0, 5.0, 3.0]);
        let c = sigma_check(&d, 1.0);
        assert_eq!(c.slope, 2.0);
        assert!((c.residual_sd - (4.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!(c.warning, None);
        assert_eq!(
            c.summary(),
            "σ = 1.000 in use (--noise); residual sd about the least-squares line y = 2.000·x: 1.155"
        );
        let w = sigma_check(&d, 0.5).warning.unwrap_or_default();
        assert_eq!(
            w,
            "the data's residual sd about the least-squares line y = 2.000·x is 1.155, 2.309× larger than σ = 0.5000 (--noise): the posterior's width rests on σ; --noise 1.155 matches the data"
        );
        assert!(sigma_check(&d, 2.3).warning.is_none());
        assert!(sigma_check(&d, 2.4).warning.unwrap_or_default().contains("2.078× smaller than σ = 2.400"));
        let exact = sigma_check(&data(&[1.0, 2.0], &[2.0, 4.0]), 1.0);
        assert_eq!(
            exact.warning.as_deref(),
            Some(
                "σ = 1.000 (--noise) but the data lie exactly on the line y = 2.000·x (residual sd 0): the posterior's width rests on σ"
            )
        );
    }
}
