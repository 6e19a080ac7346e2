#![allow(clippy::unwrap_used, clippy::expect_used)]
//! One's own data (`--data FILE`, `--data -`, `--columns`): read as a stream within its limits
//! whatever the source, and σ set beside the data's own scatter.
//!
//! The memory cases run the binary under an address-space cap (`ulimit -v` in `sh -c`), with a
//! deadline, so a reader that slurps its input fails the test instead of taking the machine.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_overparam");
/// The address space the capped runs get: far less than the inputs they are fed.
const CAP_KB: u64 = 768 * 1024;
/// Longest a capped run may take (a debug build on a shared 2-core machine).
const DEADLINE: Duration = Duration::from_secs(30);

/// What a run left: exit code, stdout, stderr, and how long it took.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Runs the binary with `args` under the memory cap, its stdin fed by `feed` (then closed) or
/// empty; kills it at the deadline.
fn capped(args: &[&str], feed: Option<Box<dyn FnOnce(std::process::ChildStdin) + Send>>) -> Ran {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("ulimit -v {CAP_KB} && exec \"$0\" \"$@\"")).arg(BIN).args(args);
    cmd.stdin(if feed.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("sh runs");
    let feeder = feed.map(|f| {
        let stdin = child.stdin.take().expect("piped stdin");
        std::thread::spawn(move || f(stdin))
    });
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > DEADLINE {
            child.kill().ok();
            child.wait().ok();
            panic!("{args:?} still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = start.elapsed();
    if let Some(f) = feeder {
        f.join().unwrap();
    }
    Ran { code: status.code(), stdout: out_t.join().unwrap(), stderr: err_t.join().unwrap(), took }
}

/// Asserts a refusal: exit 2, one line on stderr containing `needle`, nothing on stdout.
fn refused(ran: &Ran, needle: &str) {
    let err = &ran.stderr;
    assert_eq!(ran.code, Some(2), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "one line:\n{err}");
    assert!(err.starts_with("error: ") && err.contains(needle), "`{err}` lacks `{needle}`");
    assert!(!err.contains("panicked"), "{err}");
    assert!(ran.stdout.is_empty(), "nothing on stdout on error");
}

/// A feeder writing `head` and then `body` over and over until the reader stops reading.
fn endless(head: &'static str, body: &'static str) -> Option<Box<dyn FnOnce(std::process::ChildStdin) + Send>> {
    Some(Box::new(move |mut stdin| {
        let block = body.repeat((1 << 16) / body.len());
        if stdin.write_all(head.as_bytes()).is_err() {
            return;
        }
        while stdin.write_all(block.as_bytes()).is_ok() {}
    }))
}

fn feed(text: &'static str) -> Option<Box<dyn FnOnce(std::process::ChildStdin) + Send>> {
    Some(Box::new(move |mut stdin| {
        stdin.write_all(text.as_bytes()).ok();
    }))
}

fn temp_csv(content: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content.as_bytes()).unwrap();
    file
}

#[test]
fn devices_that_never_end_are_refused_at_the_header_at_once() {
    for dev in ["/dev/zero", "/dev/urandom"] {
        let ran = capped(&["train", "--data", dev], None);
        refused(&ran, &format!("error: {dev}: line 1: the header must be `x,y` (found `"));
        assert!(ran.took < Duration::from_secs(5), "{dev} took {:?}", ran.took);
    }
    let ran = capped(&["train", "--data", "/dev/zero"], None);
    assert!(ran.stderr.contains("a line of more than 1 MB"), "{}", ran.stderr);
}

#[test]
fn a_file_of_1000_mb_of_nul_bytes_fails_on_its_header_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zeros.csv");
    // Sparse: 1,000 MB reported, nothing written; the old reader took 32 s and 7.2 GB on it.
    std::fs::File::create(&path).unwrap().set_len(1000 << 20).unwrap();
    let ran = capped(&["train", "--data", path.to_str().unwrap()], None);
    refused(&ran, "line 1: the header must be `x,y` (found `\\0\\0\\0");
    assert!(ran.took < Duration::from_secs(5), "took {:?}", ran.took);
    // Past the limit by its reported size: refused before a byte is read.
    std::fs::File::create(&path).unwrap().set_len(1200 << 20).unwrap();
    refused(&capped(&["train", "--data", path.to_str().unwrap()], None), "the file is 1200 MB: the limit is 1024 MB");
}

#[test]
fn an_endless_pipe_of_rows_stops_at_the_row_limit() {
    let ran = capped(&["data", "--data", "-"], endless("x,y\n", "1,2\n"));
    refused(&ran, "error: stdin: line 10000002: too many rows: the limit is 10000000 points");
}

#[test]
fn an_endless_pipe_of_blank_lines_stops_at_the_byte_limit() {
    let ran = capped(&["data", "--data", "-"], endless("x,y\n", "\n"));
    refused(&ran, "error: stdin: more than 1024 MB of data: the limit is 1024 MB");
}

#[test]
fn a_quoted_field_that_never_closes_stops_at_the_line_limit() {
    let ran = capped(&["data", "--data", "-"], endless("x,y\n1,\"", "2\n"));
    refused(&ran, "error: stdin: line 2: a row of more than 1 MB (starting `1,\\\"2\\n2\\n");
}

#[test]
fn data_dash_reads_stdin_like_a_file() {
    let text = "x,y\n1,2.5\n2,3.5\n4,9\n";
    let file = temp_csv(text);
    let from_file = capped(&["data", "--data", file.path().to_str().unwrap(), "--format", "json"], None);
    let from_stdin = capped(&["data", "--data", "-", "--format", "json"], feed(text));
    assert_eq!(from_stdin.code, Some(0), "{}", from_stdin.stderr);
    assert_eq!(from_stdin.stdout, from_file.stdout);
    let v: serde_json::Value = serde_json::from_str(&from_stdin.stdout).unwrap();
    assert_eq!(v["x"], serde_json::json!([1.0, 2.0, 4.0]));
    // Messages name stdin, with the line.
    refused(
        &capped(&["train", "--data", "-"], feed("x,y\n1,2\n3,z\n")),
        "error: stdin: line 3: y value `z` is not a number",
    );
    refused(&capped(&["train", "--data", "-"], feed("")), "error: stdin: the file is empty");
}

#[test]
fn text_that_is_not_utf8_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.csv");
    std::fs::write(&path, b"x,y\n1,2\n2,4\n3,\xb5\n").unwrap();
    let ran = capped(&["train", "--data", path.to_str().unwrap()], None);
    refused(&ran, "line 4: y value `\u{fffd}` is not UTF-8 text");
    std::fs::write(&path, b"\xff\xfex\0,\0y\0\n").unwrap();
    let ran = capped(&["train", "--data", path.to_str().unwrap()], None);
    refused(&ran, "line 1: the header must be `x,y` (found `");
    assert!(ran.stderr.contains("which is not UTF-8 text"), "{}", ran.stderr);
}

#[test]
fn columns_pick_two_of_a_wider_csv_by_name() {
    let file = temp_csv("id,height,weight\na,1,2.1\nb,2,3.9\nc,3,6.2\n");
    let path = file.path().to_str().unwrap();
    refused(
        &capped(&["train", "--data", path], None),
        "line 1: the header must be `x,y` (found `id,height,weight`): pick two columns with --columns X,Y",
    );
    let ran = capped(&["data", "--data", path, "--columns", "height,weight"], None);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(ran.stdout, "x,y\n1.0,2.1\n2.0,3.9\n3.0,6.2\n");
    let ran = capped(&["data", "--data", path, "--columns", "weight,height"], None);
    assert_eq!(ran.stdout, "x,y\n2.1,1.0\n3.9,2.0\n6.2,3.0\n");
    refused(
        &capped(&["train", "--data", path, "--columns", "height,mass"], None),
        "line 1: --columns: no column `mass` in the header (found `id,height,weight`)",
    );
    refused(&capped(&["train", "--data", path, "--columns", "height"], None), "--columns takes two header names");
    refused(&capped(&["train", "--columns", "height,weight"], None), "--data");
    let ragged = temp_csv("id,h,w\na,1,2\nb,2\n");
    refused(
        &capped(&["train", "--data", ragged.path().to_str().unwrap(), "--columns", "h,w"], None),
        "line 3: expected 3 values as in the header, found 2",
    );
    let bad = temp_csv("id,h,w\na,1,2\nb,2,heavy\n");
    refused(
        &capped(&["train", "--data", bad.path().to_str().unwrap(), "--columns", "h,w"], None),
        "line 3: `w` value `heavy` is not a number",
    );
}

/// y = 2x + noise of sd about 0.1 (fixed values, so the residual sd is known).
const TIGHT: &str = "x,y\n1,2.1\n2,3.9\n3,6.1\n4,7.9\n5,10.1\n6,11.9\n";

#[test]
fn sigma_is_set_beside_the_datas_residual_sd() {
    let file = temp_csv(TIGHT);
    let path = file.path().to_str().unwrap();
    // σ = 1 against a residual sd near 0.1: the text says both, stderr warns once.
    let ran = capped(&["train", "--data", path], None);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let row = ran.stdout.lines().find(|l| l.starts_with("noise")).expect("a noise row");
    assert!(row.contains("σ = 1.000 in use (--noise); residual sd about the least-squares line y = "), "{row}");
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    assert!(ran.stderr.starts_with("warning: the data's residual sd about the least-squares line"), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("smaller than σ = 1.000 (--noise): the posterior's width rests on σ"),
        "{}",
        ran.stderr
    );
    // The JSON carries the same numbers; the warning's suggestion silences it.
    let ran = capped(&["train", "--data", path, "--format", "json"], None);
    let j: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let sd = j["sigma_check"]["residual_sd"].as_f64().unwrap();
    assert!((0.05..0.2).contains(&sd), "{sd}");
    assert_eq!(j["sigma_check"]["sigma"], 1.0);
    assert!(j["sigma_check"]["warning"].is_string());
    let noise = format!("{sd}");
    let ran = capped(&["train", "--data", path, "--noise", &noise], None);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stderr.is_empty(), "no warning when σ matches: {}", ran.stderr);
    // Within 2× either way: no warning.
    for factor in [0.6, 1.9] {
        let noise = format!("{}", sd * factor);
        let ran = capped(&["train", "--data", path, "--noise", &noise, "--model", "traditional"], None);
        assert!(ran.stderr.is_empty(), "σ = {noise}: {}", ran.stderr);
    }
    let ran = capped(&["train", "--data", path, "--noise", &format!("{}", sd * 2.1), "--model", "traditional"], None);
    assert!(ran.stderr.contains(", 2.100× smaller than σ = "), "{}", ran.stderr);
}

#[test]
fn the_net_and_the_data_command_say_it_too() {
    let file = temp_csv(TIGHT);
    let path = file.path().to_str().unwrap();
    let ran = capped(&["train", "--data", path, "--model", "net", "--width", "16", "--steps", "50"], None);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.lines().any(|l| l.starts_with("noise") && l.contains("residual sd")), "{}", ran.stdout);
    assert!(ran.stderr.starts_with("warning: the data's residual sd"), "{}", ran.stderr);
    // `data` keeps stdout a CSV: the σ line and the warning go to stderr.
    let ran = capped(&["data", "--data", path], None);
    assert_eq!(ran.stdout, "x,y\n1.0,2.1\n2.0,3.9\n3.0,6.1\n4.0,7.9\n5.0,10.1\n6.0,11.9\n");
    let lines: Vec<&str> = ran.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", ran.stderr);
    assert!(lines[0].starts_with("note: σ = 1.000 in use (--noise); residual sd"), "{}", lines[0]);
    assert!(lines[1].starts_with("warning: "), "{}", lines[1]);
    let ran = capped(&["data", "--data", path, "--format", "json"], None);
    let j: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert!(j["sigma_check"]["residual_sd"].as_f64().unwrap() < 0.2);
    // Generated data are drawn with σ itself: no row, no warning.
    let ran = capped(&["train", "--noise", "0.01"], None);
    assert!(!ran.stdout.lines().any(|l| l.starts_with("noise")), "{}", ran.stdout);
    assert!(ran.stderr.is_empty(), "{}", ran.stderr);
}
