//! One's own data: the peak memory of reading the largest CSV `--data` accepts (10⁷ rows), which
//! the streamed reader keeps near the rows it holds, 16 B a point.

use std::io::Write as _;

use super::Row;
use super::measure::child_peak_rss;

/// Writes a CSV of `rows` points and trains the traditional model on it for one step in a
/// process of its own: its peak memory against the rows × 16 B it must hold.
pub fn data_rows(quick: bool) -> anyhow::Result<Vec<Row>> {
    let rows: u64 = if quick { 100_000 } else { crate::data::MAX_POINTS as u64 };
    let dir = tempfile_dir()?;
    let path = dir.join("largest.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
        writeln!(f, "x,y")?;
        for i in 0..rows {
            let x = i as f64 * 1e-3;
            writeln!(f, "{x},{}", x + ((i * 7919) % 1000) as f64 * 1e-3)?;
        }
        f.flush()?;
    }
    let file = path.to_string_lossy().into_owned();
    let peak = child_peak_rss(&["train", "--data", &file, "--model", "traditional", "--steps", "1"]);
    let _ = std::fs::remove_dir_all(&dir);
    let held = rows as f64 * 16.0;
    Ok(vec![Row {
        what: format!("peak RSS: train on a {}-row CSV (--data, streamed)", crate::format::thousands(rows)),
        measured: peak.map_or("n/a (could not be measured here)".into(), |b| {
            format!("{:.0} MB ({:.1}× rows × 16 B)", b as f64 / 1e6, b as f64 / held)
        }),
        target: "≤ 4× rows × 16 B".into(),
        ok: if quick { None } else { peak.map(|b| (b as f64) <= 4.0 * held) },
    }])
}

/// A fresh folder under the system's temporary directory.
fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("overparam-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
