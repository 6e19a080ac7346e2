//! A new folder of files, written whole or not at all: each file goes to a temporary name in the
//! folder and is linked into place once complete (a link, unlike a rename, never replaces a
//! file), then the folder is synced; on any failure everything written so far, and the folder
//! itself, is removed. An existing folder or file is never written into.

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
    match fs::create_dir(dir) {
        Ok(()) => fill_new_dir(dir, files, sink),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(WriteError::Exists(dir.to_path_buf())),
        Err(e) => Err(WriteError::Io { path: dir.to_path_buf(), source: e }),
    }
}

/// Folders tried by `write_numbered_dir`: `base`, then `base-2` … `base-99`.
pub const NUMBERED: u32 = 99;

/// `write_new_dir_with` into the first of `base`, `base-2`, `base-3`, … that does not exist yet
/// (so repeated exports to one --out each get a folder); returns the folder written. Creating
/// the folder is the test, so two writers never share one.
pub fn write_numbered_dir(base: &Path, files: &[(String, Vec<u8>)], sink: &dyn Sink) -> Result<PathBuf, WriteError> {
    for i in 1..=NUMBERED {
        let dir = if i == 1 { base.to_path_buf() } else { numbered(base, i) };
        match fs::create_dir(&dir) {
            Ok(()) => return fill_new_dir(&dir, files, sink).map(|()| dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(WriteError::Io { path: dir, source: e }),
        }
    }
    Err(WriteError::Exists(numbered(base, NUMBERED)))
}

/// `base` with `-i` appended to its last component.
fn numbered(base: &Path, i: u32) -> PathBuf {
    let mut name = base.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!("-{i}"));
    base.with_file_name(name)
}

/// Writes `files` into the new, empty folder `dir`; on failure removes what it wrote and the
/// folder (unless something else has appeared in it meanwhile).
fn fill_new_dir(dir: &Path, files: &[(String, Vec<u8>)], sink: &dyn Sink) -> Result<(), WriteError> {
    let mut done: Vec<PathBuf> = Vec::new();
    for (name, bytes) in files {
        let target = dir.join(name);
        let temp = dir.join(format!(".{name}.partial"));
        // A hard link fails with AlreadyExists rather than replace a file, which a rename would
        // do silently: never over an existing file, even one that appeared since the folder was made.
        let result = sink.write_new(&temp, bytes).and_then(|()| fs::hard_link(&temp, &target));
        let _ = fs::remove_file(&temp);
        if let Err(e) = result {
            for f in &done {
                let _ = fs::remove_file(f);
            }
            let _ = fs::remove_dir(dir);
            return Err(if e.kind() == io::ErrorKind::AlreadyExists {
                WriteError::Exists(target)
            } else {
                WriteError::Io { path: target, source: e }
            });
        }
        done.push(target);
    }
    // The new names are durable only once the folder's own entries are.
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| WriteError::Io { path: dir.to_path_buf(), source: e })
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

    /// Writes the file, then another writer takes its name before it is linked into place.
    struct Racer;
    impl Sink for Racer {
        fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
            Disk.write_new(path, bytes)?;
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let target = name.trim_start_matches('.').trim_end_matches(".partial");
            if target == "b.txt" {
                fs::write(path.with_file_name(target), "theirs")?;
            }
            Ok(())
        }
    }

    #[test]
    fn a_file_that_appears_meanwhile_is_a_clash_and_is_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let e = write_new_dir_with(&dir, &files(), &Racer).unwrap_err();
        assert!(matches!(&e, WriteError::Exists(p) if p.ends_with("b.txt")), "{e}");
        assert!(e.to_string().contains("already exists"), "{e}");
        assert_eq!(fs::read_to_string(dir.join("b.txt")).unwrap(), "theirs", "never overwritten");
        // Ours (a.csv and the temporary) are gone; the other writer's file keeps the folder.
        let names: Vec<String> =
            fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        assert_eq!(names, ["b.txt"]);
    }

    #[test]
    fn numbered_folders_take_the_next_free_name() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().join("out");
        for want in ["out", "out-2", "out-3"] {
            assert_eq!(write_numbered_dir(&base, &files(), &Disk).unwrap(), tmp.path().join(want));
        }
        fs::create_dir(tmp.path().join("out-4")).unwrap();
        assert_eq!(write_numbered_dir(&base, &files(), &Disk).unwrap(), tmp.path().join("out-5"));
        assert_eq!(fs::read_dir(tmp.path().join("out-4")).unwrap().count(), 0, "an existing folder is left alone");
        for i in 6..=NUMBERED {
            fs::create_dir(tmp.path().join(format!("out-{i}"))).unwrap();
        }
        let e = write_numbered_dir(&base, &files(), &Disk).unwrap_err();
        assert!(matches!(e, WriteError::Exists(_)) && e.to_string().contains("out-99 already exists"), "{e}");
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(timestamped_name(0), "overparam-19700101-000000");
        // 2024-02-29 23:59:59 UTC, a leap day.
        assert_eq!(timestamped_name(1_709_251_199), "overparam-20240229-235959");
    }
}
