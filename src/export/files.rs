//! Files a user takes away, written so that a reader never sees half of one. Each file goes to
//! a temporary name in its folder (`.NAME.partial`), is synced, and only then takes its name.
//!
//! - `write_numbered_dir` (the explorer's `s`): a new folder per export. The file is linked into
//!   place (a link, unlike a rename, never replaces a file), then the folder is synced; on any
//!   failure everything written so far, and the folder itself, is removed. An existing folder or
//!   file is never written into.
//! - `write_into_dir` (`overparam plot --out DIR`): DIR is made if missing (parents too) or used
//!   as it is, and each file is renamed over the old one of its name, so a reader or a crash sees
//!   the old file or the new, never a part. All temporaries are written before the first rename;
//!   a failure or a caught signal (TERM, INT, HUP, QUIT) before then removes what this run made
//!   (temporaries and the folders it created) and leaves the old files as they were. After a
//!   KILL the next run into DIR finds its own leftover temporaries and replaces them.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Why a folder could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The folder (or a file of that name) exists already: nothing is overwritten.
    #[error("{0} already exists: nothing written (choose another --out)")]
    Exists(PathBuf),
    /// Where a folder is wanted there is something else (a file), or a folder where a file is.
    #[error("{path} is {what}: nothing written (choose another --out)")]
    InTheWay { path: PathBuf, what: &'static str },
    /// Another writer holds the folder longer than `LOCK_WAIT`.
    #[error("{0} is being written by another overparam: nothing written (try again when it has finished)")]
    Busy(PathBuf),
    /// The OS's reason, once: it is a field, not the error's source, so a chain printed with
    /// `{:#}` does not repeat it.
    #[error("cannot write {path}: {reason}")]
    Io { path: PathBuf, reason: io::Error },
    /// A signal arrived before the files took their names; what this run made is removed.
    #[error("stopped by signal {0}: nothing written")]
    Interrupted(i32),
}

impl WriteError {
    /// As the library's error, so the headless commands exit 2 for a name clash (the user's
    /// choice) and 1 for a failing disk.
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            WriteError::Exists(_) | WriteError::InTheWay { .. } => crate::Error::Invalid(self.to_string()).into(),
            e => e.into(),
        }
    }

    fn io(path: &Path, reason: io::Error) -> WriteError {
        WriteError::Io { path: path.to_path_buf(), reason }
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

/// The temporary a file is written to before it takes `name`.
fn temporary(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.partial"))
}

/// Folders tried by `write_numbered_dir`: `base`, then `base-2` … `base-99`.
pub const NUMBERED: u32 = 99;

/// Writes `files` through `sink` into a new folder, whole or not at all: the first of `base`,
/// `base-2`, `base-3`, … that does not exist yet (so repeated exports to one --out each get a
/// folder; its parent must exist); returns the folder written. Creating the folder is the test,
/// so two writers never share one.
pub fn write_numbered_dir(base: &Path, files: &[(String, Vec<u8>)], sink: &dyn Sink) -> Result<PathBuf, WriteError> {
    for i in 1..=NUMBERED {
        let dir = if i == 1 { base.to_path_buf() } else { numbered(base, i) };
        match fs::create_dir(&dir) {
            Ok(()) => return fill_new_dir(&dir, files, sink).map(|()| dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(WriteError::Io { path: dir, reason: e }),
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
        let temp = temporary(dir, name);
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
                WriteError::Io { path: target, reason: e }
            });
        }
        done.push(target);
    }
    // The new names are durable only once the folder's own entries are.
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| WriteError::io(dir, e))
}

/// What `write_into_dir` did: the names, among those written, that replaced a file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub replaced: Vec<String>,
}

/// How long `write_into_dir` waits for another writer of the same folder before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Writes `files` into `dir`, made if missing (its parents too), each file whole in place of the
/// old one of its name (see the module's notes). For the command line only: while it writes,
/// TERM, INT, HUP and QUIT are caught, and once what this run made is removed (or, for a signal
/// that came after the first rename, once every file has its name) the process ends as the
/// signal's default action would end it. (The explorer keeps its own signal handling and uses
/// `write_numbered_dir`.)
pub fn write_into_dir(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Written, WriteError> {
    let flags = signals().map_err(|e| WriteError::io(dir, e))?;
    flags.caught.store(0, Ordering::SeqCst);
    flags.default_now.store(false, Ordering::SeqCst);
    let caught = || match flags.caught.load(Ordering::SeqCst) {
        0 => None,
        s => i32::try_from(s).ok(),
    };
    let result = write_into_dir_with(dir, files, &Disk, &caught);
    flags.default_now.store(true, Ordering::SeqCst);
    if let Some(signal) = caught() {
        // Every file is whole (or this run's are removed): end as the signal asked.
        let _ = signal_hook::low_level::emulate_default_handler(signal);
        std::process::exit(128 + signal);
    }
    result
}

/// The signals `write_into_dir` catches: whichever arrived last (0 for none), and whether one
/// now takes its default action (outside `write_into_dir`) or is only noted.
struct Flags {
    caught: Arc<AtomicUsize>,
    default_now: Arc<AtomicBool>,
}

/// Registers the handlers once per process (signal-hook keeps them for its lifetime).
fn signals() -> io::Result<&'static Flags> {
    static FLAGS: OnceLock<Result<Flags, String>> = OnceLock::new();
    let flags = FLAGS.get_or_init(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
        let flags = Flags { caught: Arc::new(AtomicUsize::new(0)), default_now: Arc::new(AtomicBool::new(true)) };
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT] {
            // First: outside a write, the default action, as if nothing were registered.
            signal_hook::flag::register_conditional_default(signal, Arc::clone(&flags.default_now))
                .and_then(|_| signal_hook::flag::register_usize(signal, Arc::clone(&flags.caught), signal as usize))
                .map_err(|e| e.to_string())?;
        }
        Ok(flags)
    });
    flags.as_ref().map_err(|e| io::Error::other(format!("cannot catch signals: {e}")))
}

/// `write_into_dir` through `sink`, asking `stopped` between steps whether a signal came (and
/// which) without ending the process: what this run made is removed and `Interrupted` returned.
pub fn write_into_dir_with(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    sink: &dyn Sink,
    stopped: &dyn Fn() -> Option<i32>,
) -> Result<Written, WriteError> {
    let made = make_dirs(dir)?;
    let result = lock_and_fill(dir, files, sink, stopped);
    if result.is_err() {
        // Only what this run made, deepest first, and only if nothing else is in it.
        for d in made.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
    result
}

/// Makes `dir` and any missing parents; returns the folders made, outermost first.
fn make_dirs(dir: &Path) -> Result<Vec<PathBuf>, WriteError> {
    if dir.as_os_str().is_empty() {
        return Err(WriteError::InTheWay { path: dir.to_path_buf(), what: "an empty name, not a folder" });
    }
    let mut missing = Vec::new();
    for d in dir.ancestors().filter(|d| !d.as_os_str().is_empty()) {
        match fs::metadata(d) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => return Err(WriteError::InTheWay { path: d.to_path_buf(), what: "a file, not a folder" }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => missing.push(d.to_path_buf()),
            // The OS says why (a parent that is a file: "Not a directory").
            Err(e) => return Err(WriteError::io(d, e)),
        }
    }
    let mut made = Vec::new();
    for d in missing.into_iter().rev() {
        match fs::create_dir(&d) {
            Ok(()) => made.push(d),
            // Made meanwhile by another writer: used, and not ours to remove.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && d.is_dir() => {}
            Err(e) => {
                for m in made.iter().rev() {
                    let _ = fs::remove_dir(m);
                }
                return Err(WriteError::io(&d, e));
            }
        }
    }
    Ok(made)
}

/// Holds the folder's lock (so two writers never share temporaries: one under the lock is a
/// leftover of a killed run) while its files are written.
fn lock_and_fill(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    sink: &dyn Sink,
    stopped: &dyn Fn() -> Option<i32>,
) -> Result<Written, WriteError> {
    let handle = File::open(dir).map_err(|e| WriteError::io(dir, e))?;
    let start = Instant::now();
    loop {
        match handle.try_lock() {
            Ok(()) => break,
            Err(fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_WAIT => {
                if let Some(signal) = stopped() {
                    return Err(WriteError::Interrupted(signal));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(fs::TryLockError::WouldBlock) => return Err(WriteError::Busy(dir.to_path_buf())),
            Err(fs::TryLockError::Error(e)) => return Err(WriteError::io(dir, e)),
        }
    }
    let written = fill_dir(dir, files, sink, stopped)?;
    handle.sync_all().map_err(|e| WriteError::io(dir, e))?;
    Ok(written)
}

/// Writes every temporary, then renames each over its file. Before the first rename a failure
/// or a signal removes the temporaries (the old files stay as they were).
fn fill_dir(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    sink: &dyn Sink,
    stopped: &dyn Fn() -> Option<i32>,
) -> Result<Written, WriteError> {
    let mut written = Written::default();
    for (name, _) in files {
        let target = dir.join(name);
        match fs::symlink_metadata(&target) {
            Ok(m) if m.is_dir() => {
                return Err(WriteError::InTheWay { path: target, what: "a folder, not a file" });
            }
            Ok(_) => written.replaced.push(name.clone()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(WriteError::io(&target, e)),
        }
    }
    let mut temps: Vec<PathBuf> = Vec::new();
    let remove = |temps: &[PathBuf]| {
        for t in temps {
            let _ = fs::remove_file(t);
        }
    };
    for (name, bytes) in files {
        if let Some(signal) = stopped() {
            remove(&temps);
            return Err(WriteError::Interrupted(signal));
        }
        let temp = temporary(dir, name);
        // Under the lock a temporary is a leftover of a killed run: replaced.
        let result = match fs::remove_file(&temp) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => sink.write_new(&temp, bytes),
        };
        temps.push(temp);
        if let Err(e) = result {
            remove(&temps);
            return Err(WriteError::io(&dir.join(name), e));
        }
    }
    if let Some(signal) = stopped() {
        remove(&temps);
        return Err(WriteError::Interrupted(signal));
    }
    for (i, ((name, _), temp)) in files.iter().zip(&temps).enumerate() {
        if let Err(e) = fs::rename(temp, dir.join(name)) {
            remove(&temps[i..]);
            return Err(WriteError::io(&dir.join(name), e));
        }
    }
    Ok(written)
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
        write_numbered_dir(&dir, &files(), &Disk).unwrap();
        assert_eq!(names(&dir), ["a.csv", "b.txt"]);
        assert_eq!(fs::read(dir.join("b.txt")).unwrap(), vec![b'z'; 10_000]);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    }

    #[test]
    fn a_folder_that_cannot_be_made_is_reported() {
        // Tests run as root, so permissions stop nothing: a parent that is a regular file does.
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("plain");
        fs::write(&file, "").unwrap();
        let e = write_numbered_dir(&file.join("out"), &files(), &Disk).unwrap_err();
        assert!(matches!(e, WriteError::Io { .. }), "{e}");
        assert!(e.to_string().starts_with("cannot write"), "{e}");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_full_disk_leaves_nothing_behind() {
        for sink in [&FullDisk as &dyn Sink, &FullAfterOne(std::cell::Cell::new(0))] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("out");
            let e = write_numbered_dir(&dir, &files(), sink).unwrap_err();
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
        let e = write_numbered_dir(&dir, &files(), &Racer).unwrap_err();
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

    /// A folder holding `a.csv` ("old") and someone else's `keep.txt`.
    fn old_folder(tmp: &Path) -> PathBuf {
        let dir = tmp.join("figs");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("a.csv"), "old").unwrap();
        fs::write(dir.join("keep.txt"), "theirs").unwrap();
        dir
    }

    fn never() -> Option<i32> {
        None
    }

    #[test]
    fn into_dir_makes_missing_parents_and_replaces_nothing_there() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b/out");
        let w = write_into_dir_with(&dir, &files(), &Disk, &never).unwrap();
        assert_eq!(w, Written::default());
        assert_eq!(names(&dir), ["a.csv", "b.txt"]);
        assert_eq!(fs::read(dir.join("b.txt")).unwrap(), vec![b'z'; 10_000]);
    }

    #[test]
    fn into_dir_replaces_old_files_whole_and_says_which() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = old_folder(tmp.path());
        // A killed run's temporary is recognised and replaced, not a clash.
        fs::write(dir.join(".b.txt.partial"), "half").unwrap();
        let w = write_into_dir_with(&dir, &files(), &Disk, &never).unwrap();
        assert_eq!(w.replaced, ["a.csv"]);
        assert_eq!(names(&dir), ["a.csv", "b.txt", "keep.txt"]);
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "x,y\n1,2\n");
        assert_eq!(fs::read_to_string(dir.join("keep.txt")).unwrap(), "theirs");
        let w = write_into_dir_with(&dir, &files(), &Disk, &never).unwrap();
        assert_eq!(w.replaced, ["a.csv", "b.txt"]);
    }

    #[test]
    fn into_dir_on_a_full_disk_keeps_the_old_files_and_removes_its_own() {
        for sink in [&FullDisk as &dyn Sink, &FullAfterOne(std::cell::Cell::new(0))] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = old_folder(tmp.path());
            let e = write_into_dir_with(&dir, &files(), sink, &never).unwrap_err();
            assert!(e.to_string().contains("No space left"), "{e}");
            assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old");
            assert_eq!(names(&dir), ["a.csv", "keep.txt"], "no temporaries left");
            // Folders it made are removed with its files.
            let e = write_into_dir_with(&tmp.path().join("new/out"), &files(), sink, &never).unwrap_err();
            assert!(matches!(e, WriteError::Io { .. }), "{e}");
            assert_eq!(names(tmp.path()), ["figs"]);
        }
    }

    #[test]
    fn a_signal_before_the_renames_removes_what_the_run_made() {
        // The signal is seen after 0, 1 or 2 of the temporaries are written.
        for after in 0..=2 {
            let asked = std::cell::Cell::new(0);
            let stopped = || {
                asked.set(asked.get() + 1);
                (asked.get() > after).then_some(15)
            };
            let tmp = tempfile::tempdir().unwrap();
            let dir = old_folder(tmp.path());
            let e = write_into_dir_with(&dir, &files(), &Disk, &stopped).unwrap_err();
            assert!(matches!(e, WriteError::Interrupted(15)), "{e}");
            assert_eq!(names(&dir), ["a.csv", "keep.txt"]);
            assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old");
            asked.set(0);
            let e = write_into_dir_with(&tmp.path().join("new/out"), &files(), &Disk, &stopped).unwrap_err();
            assert!(matches!(e, WriteError::Interrupted(15)), "{e}");
            assert_eq!(names(tmp.path()), ["figs"], "the folders it made are removed");
        }
    }

    #[test]
    fn a_writer_waits_for_the_folders_lock_and_a_signal_ends_the_wait() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = old_folder(tmp.path());
        let held = File::open(&dir).unwrap();
        held.lock().unwrap();
        let writer = {
            let dir = dir.clone();
            std::thread::spawn(move || write_into_dir_with(&dir, &files(), &Disk, &never))
        };
        std::thread::sleep(Duration::from_millis(300));
        assert!(!writer.is_finished(), "it waits while another holds the folder");
        assert_eq!(names(&dir), ["a.csv", "keep.txt"]);
        // A signal while it waits ends the wait, with nothing written.
        let e = write_into_dir_with(&dir, &files(), &Disk, &|| Some(2)).unwrap_err();
        assert!(matches!(e, WriteError::Interrupted(2)), "{e}");
        assert_eq!(names(&dir), ["a.csv", "keep.txt"]);
        held.unlock().unwrap();
        assert_eq!(writer.join().unwrap().unwrap().replaced, ["a.csv"]);
        assert_eq!(names(&dir), ["a.csv", "b.txt", "keep.txt"]);
    }

    #[test]
    fn into_dir_refuses_what_is_in_the_way_and_says_the_os_reason_once() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("plain");
        fs::write(&file, "").unwrap();
        let e = write_into_dir_with(&file, &files(), &Disk, &never).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{} is a file, not a folder: nothing written (choose another --out)", file.display())
        );
        assert_eq!(e.into_anyhow().downcast_ref::<crate::Error>().map(crate::Error::exit_code), Some(2));
        let dir = tmp.path().join("figs");
        fs::create_dir_all(dir.join("b.txt")).unwrap();
        let e = write_into_dir_with(&dir, &files(), &Disk, &never).unwrap_err();
        assert!(
            e.to_string().ends_with("b.txt is a folder, not a file: nothing written (choose another --out)"),
            "{e}"
        );
        assert_eq!(names(&dir), ["b.txt"], "nothing written");
        // A parent that is a file (tests run as root: permissions would not stop it).
        let e = write_into_dir_with(&file.join("figs"), &files(), &Disk, &never).unwrap_err();
        let shown = format!("{:#}", e.into_anyhow());
        assert!(shown.starts_with("cannot write"), "{shown}");
        assert_eq!(shown.matches("os error").count(), 1, "{shown}");
        assert_eq!(names(tmp.path()), ["figs", "plain"]);
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(timestamped_name(0), "overparam-19700101-000000");
        // 2024-02-29 23:59:59 UTC, a leap day.
        assert_eq!(timestamped_name(1_709_251_199), "overparam-20240229-235959");
    }
}
