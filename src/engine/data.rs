//! The dataset: generated from a seed (the classic demo by default) or read from a CSV file.

use std::io::IsTerminal;
use std::path::Path;

use ndarray::Array1;
use rand::RngExt;
use rand_distr::StandardNormal;
use serde::Serialize;

use super::data_file::{self, Limits};
use crate::error::{Error, Result, invalid};
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
