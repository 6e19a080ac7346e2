//! The dataset: generated from a seed (the classic demo by default) or read from a CSV file.

use std::path::Path;

use ndarray::Array1;
use rand::RngExt;
use rand_distr::StandardNormal;
use serde::Serialize;

use crate::error::{Error, Result, invalid};
use crate::rng::{Stream, stream};

/// The seed a bare `overparam` uses, so it is the same experiment every time.
pub const DEFAULT_SEED: u64 = 42;

/// Largest N accepted: beyond this the data alone would take gigabytes.
pub const MAX_POINTS: usize = 10_000_000;
/// Largest |x| or |y| accepted: CG squares J·Jᵀr, which grows like the sixth power of these.
pub const MAX_ABS_VALUE: f64 = 1e40;
/// Largest data file read (10⁷ rows of two numbers fit well within it).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

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
        let name = path.display().to_string();
        let file_err = |line: usize, msg: String| Error::DataFile { path: name.clone(), line, msg };
        let text = read_data_file(path).map_err(|msg| file_err(0, msg))?;
        // A byte-order mark is not part of the header.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let lines = LineIndex::new(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(text.as_bytes());
        let (xs, ys) = read_header(&mut reader, &lines)
            .and_then(|()| read_rows(&mut reader, &lines))
            .map_err(|(line, msg)| file_err(line, msg))?;
        if xs.is_empty() {
            return Err(file_err(0, "no data rows after the header".into()));
        }
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

/// What went wrong reading a data file, and on which line (0: the file as a whole).
type FileError = (usize, String);

/// A data file's text: refused when too large, unreadable or blank.
fn read_data_file(path: &Path) -> std::result::Result<String, String> {
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() > MAX_FILE_BYTES
    {
        return Err(format!("the file is {} MB: the limit is {} MB", meta.len() >> 20, MAX_FILE_BYTES >> 20));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ => e.to_string(),
        };
        format!("cannot read data file: {why}")
    })?;
    if text.trim().is_empty() {
        return Err("the file is empty; expected a header `x,y` and rows".into());
    }
    Ok(text)
}

/// Line numbers from byte offsets, so CRLF endings and blank lines count as a reader would.
struct LineIndex<'t> {
    text: &'t str,
    newlines: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    fn new(text: &'t str) -> Self {
        LineIndex { text, newlines: text.match_indices('\n').map(|(i, _)| i).collect() }
    }

    /// The line of what the reader reports at `byte`: it reports where it began reading a
    /// record, at the previous line's terminator.
    fn line_at(&self, byte: u64) -> usize {
        let start = self.text.as_bytes().iter().skip(byte as usize).take_while(|b| matches!(b, b'\r' | b'\n')).count();
        let byte = byte as usize + start;
        self.newlines.partition_point(|&o| o < byte) + 1
    }
}

/// Checks the header is `x,y`.
fn read_header(reader: &mut csv::Reader<&[u8]>, lines: &LineIndex) -> std::result::Result<(), FileError> {
    let header = reader.headers().map_err(|e| (1, format!("unreadable header: {}", one_line(&e.to_string()))))?.clone();
    let header_line = header.position().map_or(1, |p| lines.line_at(p.byte()));
    if header.len() != 2 || &header[0] != "x" || &header[1] != "y" {
        return Err((
            header_line,
            format!("the header must be `x,y` (found `{}`)", show_field(&header.iter().collect::<Vec<_>>().join(","))),
        ));
    }
    Ok(())
}

/// The rows' x and y, blank lines skipped; every value a finite number, at most `MAX_POINTS` rows.
fn read_rows(
    reader: &mut csv::Reader<&[u8]>,
    lines: &LineIndex,
) -> std::result::Result<(Vec<f64>, Vec<f64>), FileError> {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
            (line, format!("unreadable row: {}", one_line(&e.to_string())))
        })?;
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        if record.len() == 1 && record[0].is_empty() {
            continue; // a blank line
        }
        if record.len() != 2 {
            return Err((line, format!("expected 2 values `x,y`, found {}", record.len())));
        }
        xs.push(parse_value(&record[0], "x").map_err(|msg| (line, msg))?);
        ys.push(parse_value(&record[1], "y").map_err(|msg| (line, msg))?);
        if xs.len() > MAX_POINTS {
            return Err((line, format!("too many rows: the limit is {MAX_POINTS} points")));
        }
    }
    Ok((xs, ys))
}

/// One field as a finite number; `what` names its column in the message.
fn parse_value(field: &str, what: &str) -> std::result::Result<f64, String> {
    let shown = show_field(field);
    let v: f64 = field.parse().map_err(|_| format!("{what} value `{shown}` is not a number"))?;
    if !v.is_finite() {
        return Err(format!("{what} value `{shown}` is not finite"));
    }
    Ok(v)
}

/// A field as it can be shown in a one-line message: escaped, and cut at 40 characters.
fn show_field(field: &str) -> String {
    let escaped: String = field.escape_debug().collect();
    match escaped.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &escaped[..i]),
        None => escaped,
    }
}

/// A message folded onto one line.
fn one_line(msg: &str) -> String {
    msg.split_whitespace().collect::<Vec<_>>().join(" ")
}
