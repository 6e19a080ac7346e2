//! A new folder of files, written whole or not at all: each file goes to a temporary name in the
//! folder and is renamed into place once complete; on any failure everything written so far,
//! and the folder itself, is removed. An existing folder is never written into.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why a folder could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The folder (or a file of that name) exists already: nothing is overwritten.
    #[error("{0} already exists: nothing written (choose another --out)")]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

impl WriteError {
    /// As the library's error, so the headless commands exit 2 for a name clash (the user's
    /// choice) and 1 for a failing disk.
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            WriteError::Exists(_) => crate::Error::Invalid(self.to_string()).into(),
            e => e.into(),
        }
    }
}

/// Where the bytes of a file go: the disk, or in tests a writer that fails as a full disk does.
pub trait Sink {
    /// Writes `bytes` to the new file `path` (which must not exist) and makes them durable.
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
}

/// The real file system.
pub struct Disk;

impl Sink for Disk {
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut f = File::create_new(path)?;
        f.write_all(bytes)?;
        f.sync_all()
    }
}

/// Creates `dir` (its parent must exist) and writes `files` into it, whole or not at all.
pub fn write_new_dir(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), WriteError> {
    write_new_dir_with(dir, files, &Disk)
}

/// `write_new_dir` through `sink`.
pub fn write_new_dir_with(dir: &Path, files: &[(String, Vec<u8>)], sink: &dyn Sink) -> Result<(), WriteError> {
    let io_err = |path: &Path, source: io::Error| WriteError::Io { path: path.to_path_buf(), source };
    match fs::create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(WriteError::Exists(dir.to_path_buf())),
        Err(e) => return Err(io_err(dir, e)),
    }
    let mut done: Vec<PathBuf> = Vec::new();
    for (name, bytes) in files {
        let target = dir.join(name);
        let temp = dir.join(format!(".{name}.partial"));
        let result = sink.write_new(&temp, bytes).and_then(|()| {
            // Never over an existing file, even one that appeared since the folder was made.
            if target.exists() {
                return Err(io::Error::new(io::ErrorKind::AlreadyExists, "file exists"));
            }
            fs::rename(&temp, &target)
        });
        if let Err(e) = result {
            let _ = fs::remove_file(&temp);
            for f in &done {
                let _ = fs::remove_file(f);
            }
            let _ = fs::remove_dir(dir);
            return Err(if e.kind() == io::ErrorKind::AlreadyExists {
                WriteError::Exists(target)
            } else {
                io_err(&target, e)
            });
        }
        done.push(target);
    }
    Ok(())
}

/// A folder name from the UTC time: overparam-YYYYMMDD-HHMMSS.
pub fn timestamped_name(unix_secs: u64) -> String {
    let (days, rem) = (unix_secs / 86_400, unix_secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!("overparam-{y:04}{m:02}{d:02}-{:02}{:02}{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn files() -> Vec<(String, Vec<u8>)> {
        vec![("a.csv".into(), b"x,y\n1,2\n".to_vec()), ("b.txt".into(), vec![b'z'; 10_000])]
    }

    /// Writes half of each file, then fails as a full disk does.
    struct FullDisk;
    impl Sink for FullDisk {
        fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
            let mut f = File::create_new(path)?;
            f.write_all(&bytes[..bytes.len() / 2])?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "No space left on device"))
        }
    }

    /// The first file goes through, the second hits a full disk.
    struct FullAfterOne(std::cell::Cell<u32>);
    impl Sink for FullAfterOne {
        fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
            self.0.set(self.0.get() + 1);
            if self.0.get() == 1 { Disk.write_new(path, bytes) } else { FullDisk.write_new(path, bytes) }
        }
    }

    #[test]
    fn writes_every_file_whole_and_no_temporaries() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        write_new_dir(&dir, &files()).unwrap();
        let mut names: Vec<String> =
            fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names, ["a.csv", "b.txt"]);
        assert_eq!(fs::read(dir.join("b.txt")).unwrap(), vec![b'z'; 10_000]);
    }

    #[test]
    fn an_existing_folder_is_a_clash_and_is_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("a.csv"), "mine").unwrap();
        let e = write_new_dir(&dir, &files()).unwrap_err();
        assert!(matches!(e, WriteError::Exists(_)), "{e}");
        assert!(e.to_string().contains("already exists"), "{e}");
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "mine");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        assert_eq!(e.into_anyhow().downcast_ref::<crate::Error>().map(crate::Error::exit_code), Some(2));
    }

    #[test]
    fn a_folder_that_cannot_be_made_is_reported() {
        // Tests run as root, so permissions stop nothing: a parent that is a regular file does.
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("plain");
        fs::write(&file, "").unwrap();
        let e = write_new_dir(&file.join("out"), &files()).unwrap_err();
        assert!(matches!(e, WriteError::Io { .. }), "{e}");
        assert!(e.to_string().starts_with("cannot write"), "{e}");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_full_disk_leaves_nothing_behind() {
        for sink in [&FullDisk as &dyn Sink, &FullAfterOne(std::cell::Cell::new(0))] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("out");
            let e = write_new_dir_with(&dir, &files(), sink).unwrap_err();
            assert!(e.to_string().contains("No space left"), "{e}");
            assert!(!dir.exists(), "the half-written folder was left behind");
            assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
        }
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(timestamped_name(0), "overparam-19700101-000000");
        // 2024-02-29 23:59:59 UTC, a leap day.
        assert_eq!(timestamped_name(1_709_251_199), "overparam-20240229-235959");
    }
}
