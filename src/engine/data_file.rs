//! A data file read as a stream: the header is checked first, and reading stops at the row limit,
//! the byte limit and the line limit as each is reached, whatever the source (a file, a pipe,
//! `/dev/zero`). Memory is then bounded by the rows accepted (16 bytes each) and one line.
//!
//! Kept apart from `data` (which builds the `Dataset`) so the limits can be tested small.

use std::collections::VecDeque;
use std::io::{self, Read};

/// What a data file may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Data rows (blank lines not counted).
    pub rows: usize,
    /// Bytes read in all, counted as read (a pipe or a device reports no size).
    pub bytes: u64,
    /// Bytes in one record: a line, or lines joined by a quoted field.
    pub line: usize,
}

/// What went wrong, and on which line (0: the file as a whole).
pub type FileError = (usize, String);

/// The x and y read from a CSV with a header: `x,y`, or any header naming `columns` (x's, then
/// y's). Blank lines are skipped; every value read is a finite number.
pub fn read_xy(
    source: impl Read,
    columns: Option<[&str; 2]>,
    limits: Limits,
) -> std::result::Result<(Vec<f64>, Vec<f64>), FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(Scanner::new(source, limits));
    let mut record = csv::ByteRecord::new();
    let header = match next_record(&mut reader, &mut record, true)? {
        Some(line) => Header::read(&record, line, columns)?,
        None => return Err((0, "the file is empty; expected a header `x,y` and rows".into())),
    };
    // A header of blanks is an empty file when nothing follows it.
    let blank_header = record.len() == 1 && record[0].is_empty();
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    while let Some(line) = next_record(&mut reader, &mut record, false)? {
        if record.len() == 1 && record[0].is_empty() {
            continue; // a line of blanks
        }
        if blank_header {
            return Err(header.refusal());
        }
        if record.len() != header.width {
            let msg = match columns {
                None => format!("expected 2 values `x,y`, found {}", record.len()),
                Some(_) => format!("expected {} values as in the header, found {}", header.width, record.len()),
            };
            return Err((line, msg));
        }
        xs.push(parse_value(&record[header.x], &header.x_name).map_err(|msg| (line, msg))?);
        ys.push(parse_value(&record[header.y], &header.y_name).map_err(|msg| (line, msg))?);
        if xs.len() > limits.rows {
            return Err((line, format!("too many rows: the limit is {} points", limits.rows)));
        }
    }
    if blank_header {
        return Err((0, "the file is empty; expected a header `x,y` and rows".into()));
    }
    if xs.is_empty() {
        return Err((0, "no data rows after the header".into()));
    }
    xs.shrink_to_fit();
    ys.shrink_to_fit();
    Ok((xs, ys))
}

/// The header's columns: which two are x and y, and how many a row must have.
struct Header {
    x: usize,
    y: usize,
    width: usize,
    /// The columns as messages name them: `x` and `y`, or their header names.
    x_name: String,
    y_name: String,
    /// The header as read, for the refusal of a blank one.
    shown: String,
}

impl Header {
    fn read(record: &csv::ByteRecord, line: usize, columns: Option<[&str; 2]>) -> Result<Header, FileError> {
        let names: Vec<String> = record.iter().map(|f| String::from_utf8_lossy(f).trim().to_string()).collect();
        let utf8 = record.iter().all(|f| std::str::from_utf8(f).is_ok());
        let shown = show_field(&names.join(","));
        let not_utf8 = if utf8 { "" } else { ", which is not UTF-8 text" };
        let Some([cx, cy]) = columns else {
            if names != ["x", "y"] {
                let hint = if names.len() > 2 { ": pick two columns with --columns X,Y" } else { "" };
                return Err((line, format!("the header must be `x,y` (found `{shown}`{not_utf8}){hint}")));
            }
            return Ok(Header { x: 0, y: 1, width: 2, x_name: "x".into(), y_name: "y".into(), shown });
        };
        let find = |name: &str| -> Result<usize, FileError> {
            let mut at = names.iter().enumerate().filter(|(_, n)| *n == name).map(|(i, _)| i);
            match (at.next(), at.next()) {
                (Some(i), None) => Ok(i),
                (None, _) => Err((
                    line,
                    format!("--columns: no column `{}` in the header (found `{shown}`{not_utf8})", show_field(name)),
                )),
                (Some(_), Some(_)) => Err((
                    line,
                    format!(
                        "--columns: the header has more than one column `{}`, so which is meant is unclear",
                        show_field(name)
                    ),
                )),
            }
        };
        let (x, y) = (find(cx)?, find(cy)?);
        let name = |c: &str| format!("`{}`", show_field(c));
        Ok(Header { x, y, width: names.len(), x_name: name(cx), y_name: name(cy), shown })
    }

    /// A blank first line followed by rows: the header is missing.
    fn refusal(&self) -> FileError {
        (1, format!("the header must be `x,y` (found `{}`)", self.shown))
    }
}

/// Reads the next record into `record` and returns the line it starts on, or None at the end.
fn next_record<R: Read>(
    reader: &mut csv::Reader<Scanner<R>>,
    record: &mut csv::ByteRecord,
    header: bool,
) -> Result<Option<usize>, FileError> {
    match reader.read_byte_record(record) {
        Ok(true) => Ok(Some(reader.get_mut().take_start())),
        Ok(false) => Ok(None),
        Err(e) => Err(reader.get_mut().refusal(&e, header)),
    }
}

/// One field as a finite number; `what` names its column in the message.
fn parse_value(field: &[u8], what: &str) -> std::result::Result<f64, String> {
    let Ok(text) = std::str::from_utf8(field) else {
        return Err(format!("{what} value `{}` is not UTF-8 text", show_field(&String::from_utf8_lossy(field))));
    };
    let text = text.trim();
    let shown = show_field(text);
    let v: f64 = text.parse().map_err(|_| format!("{what} value `{shown}` is not a number"))?;
    if !v.is_finite() {
        return Err(format!("{what} value `{shown}` is not finite"));
    }
    Ok(v)
}

/// A field as it can be shown in a one-line message: escaped, and cut at 40 characters.
pub(crate) fn show_field(field: &str) -> String {
    let escaped: String = field.escape_debug().collect();
    match escaped.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &escaped[..i]),
        None => escaped,
    }
}

/// Where the scanner is in the CSV grammar (csv-core's, for the settings `read_xy` uses), so it
/// knows where records begin and end without holding them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between records: line ends here are blank lines.
    StartRecord,
    StartField,
    InField,
    InQuoted,
    /// A quote inside a quoted field: the field's end, or the first of `""`.
    AfterQuote,
}

/// Why the scanner stopped the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stop {
    Bytes,
    /// A record past the line limit: the line it began on, and its first bytes.
    Line {
        line: usize,
        start: Vec<u8>,
    },
}

/// How many bytes of a record are kept for messages.
const SHOWN_BYTES: usize = 64;

/// The source as the csv reader sees it, less a leading byte-order mark, with the limits enforced
/// as bytes arrive; it notes the line each record starts on, for messages.
struct Scanner<R> {
    inner: R,
    limits: Limits,
    /// Bytes read so far.
    bytes: u64,
    /// The line the next byte is on (1-based).
    line: usize,
    state: State,
    /// Bytes of the record being scanned, and its first ones.
    record: usize,
    start: Vec<u8>,
    /// The lines records begin on, not yet taken by the reader (a few: the reader reads ahead).
    starts: VecDeque<usize>,
    /// The first bytes, held back while the byte-order mark is looked for.
    head: Option<Vec<u8>>,
    stopped: Option<Stop>,
}

impl<R: Read> Scanner<R> {
    fn new(inner: R, limits: Limits) -> Self {
        Scanner {
            inner,
            limits,
            bytes: 0,
            line: 1,
            state: State::StartRecord,
            record: 0,
            start: Vec::new(),
            starts: VecDeque::new(),
            head: None,
            stopped: None,
        }
    }

    /// The line the record just read began on.
    fn take_start(&mut self) -> usize {
        self.starts.pop_front().unwrap_or(self.line)
    }

    /// What a read error means for the user.
    fn refusal(&mut self, e: &csv::Error, header: bool) -> FileError {
        match (&self.stopped, e.kind()) {
            (Some(Stop::Bytes), _) => {
                let most = size(self.limits.bytes);
                (0, format!("more than {most} of data: the limit is {most}"))
            }
            (Some(Stop::Line { line, start }), _) => {
                let most = size(self.limits.line as u64);
                let found = show_field(&String::from_utf8_lossy(start));
                if header {
                    (*line, format!("the header must be `x,y` (found `{found}`, a line of more than {most})"))
                } else {
                    (*line, format!("a row of more than {most} (starting `{found}`): the limit is {most}"))
                }
            }
            (None, csv::ErrorKind::Io(io)) => (0, format!("cannot read data file: {io}")),
            (None, _) => {
                let line = self.starts.pop_front().unwrap_or(self.line);
                (line, format!("unreadable row: {}", one_line(&e.to_string())))
            }
        }
    }

    /// Scans `buf`, the bytes just read, stopping at a limit.
    fn scan(&mut self, buf: &[u8]) -> io::Result<()> {
        self.bytes += buf.len() as u64;
        let mut i = 0;
        while i < buf.len() {
            if self.state == State::StartRecord {
                // Line ends between records are blank lines.
                for &b in &buf[i..] {
                    match b {
                        b'\n' => self.line += 1,
                        b'\r' => {}
                        _ => break,
                    }
                    i += 1;
                }
                if i == buf.len() {
                    break;
                }
                self.starts.push_back(self.line);
                self.record = 0;
                self.start.clear();
                self.state = State::StartField;
            }
            // Inside a field, a run of bytes changes nothing but the record's length.
            let rest = &buf[i..];
            let run = match self.state {
                State::InField => rest.iter().position(|b| matches!(b, b',' | b'\r' | b'\n')),
                State::InQuoted => rest.iter().position(|b| matches!(b, b'"' | b'\n')),
                _ => Some(0),
            };
            let run = run.unwrap_or(rest.len());
            if run > 0 {
                self.take(&rest[..run])?;
                i += run;
                continue;
            }
            let b = rest[0];
            self.take(&rest[..1])?;
            i += 1;
            self.state = match (self.state, b) {
                (State::InQuoted, b'"') => State::AfterQuote,
                (State::InQuoted, _) => State::InQuoted,
                (_, b',') => State::StartField,
                (_, b'\r' | b'\n') => State::StartRecord,
                (State::StartField, b'"') | (State::AfterQuote, b'"') => State::InQuoted,
                _ => State::InField,
            };
            if b == b'\n' {
                self.line += 1;
            }
        }
        Ok(())
    }

    /// Adds `bytes` to the record being scanned, stopping at the line limit.
    fn take(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.record += bytes.len();
        let keep = SHOWN_BYTES.saturating_sub(self.start.len()).min(bytes.len());
        self.start.extend_from_slice(&bytes[..keep]);
        if self.record > self.limits.line {
            let line = self.starts.back().copied().unwrap_or(self.line);
            let start = std::mem::take(&mut self.start);
            return Err(self.stop(Stop::Line { line, start }));
        }
        Ok(())
    }

    fn stop(&mut self, why: Stop) -> io::Error {
        self.stopped = Some(why);
        io::Error::other("data file limit reached")
    }

    /// The first bytes of the source, a byte-order mark dropped.
    fn head(&mut self) -> io::Result<Vec<u8>> {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        let mut head = Vec::with_capacity(BOM.len());
        let mut chunk = [0u8; 3];
        while head.len() < BOM.len() {
            let n = self.inner.read(&mut chunk[..BOM.len() - head.len()])?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&chunk[..n]);
        }
        if head == BOM {
            head.clear();
        }
        Ok(head)
    }
}

impl<R: Read> Read for Scanner<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stopped.is_some() {
            return Err(io::Error::other("data file limit reached"));
        }
        if self.head.is_none() {
            self.head = Some(self.head()?);
        }
        // Never past the byte limit: the bytes up to it are scanned (the header first), then one
        // more byte is asked for, and if there is one the stream stops.
        let left = usize::try_from(self.limits.bytes.saturating_sub(self.bytes)).unwrap_or(usize::MAX);
        let len = buf.len().min(left.max(1));
        let buf = &mut buf[..len];
        let n = match self.head.as_mut() {
            Some(head) if !head.is_empty() => {
                let n = head.len().min(buf.len());
                buf[..n].copy_from_slice(&head[..n]);
                head.drain(..n);
                n
            }
            _ => self.inner.read(buf)?,
        };
        if left == 0 && n > 0 {
            return Err(self.stop(Stop::Bytes));
        }
        self.scan(&buf[..n])?;
        Ok(n)
    }
}

/// A byte count as a limit is stated: in MB, KB, or bytes, whichever is whole.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// A message folded onto one line.
fn one_line(msg: &str) -> String {
    msg.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limits = Limits { rows: 3, bytes: 200, line: 40 };

    fn read(text: &[u8], columns: Option<[&str; 2]>, limits: Limits) -> Result<(Vec<f64>, Vec<f64>), FileError> {
        read_xy(text, columns, limits)
    }

    /// A source that never ends: the pattern over and over.
    struct Endless(&'static [u8], usize);
    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            for b in buf.iter_mut() {
                *b = self.0[self.1 % self.0.len()];
                self.1 += 1;
            }
            Ok(buf.len())
        }
    }

    #[test]
    fn rows_and_lines_are_read_with_their_line_numbers() {
        assert_eq!(read(b"x,y\n1,2\n3,4\n", None, SMALL), Ok((vec![1.0, 3.0], vec![2.0, 4.0])));
        assert_eq!(read(b"x,y\r\n\r\n1,2\r\n3,a\r\n", None, SMALL), Err((4, "y value `a` is not a number".into())));
        assert_eq!(
            read(b"\xEF\xBB\xBFx,y\n1,\"2\n3\"\n4,b\n", None, SMALL),
            Err((2, "y value `2\\n3` is not a number".into()))
        );
    }

    #[test]
    fn every_limit_stops_the_stream_as_it_is_reached() {
        let rows = read_xy(Endless(b"1,2\n", 0), None, SMALL);
        assert_eq!(rows, Err((1, "the header must be `x,y` (found `1,2`)".into())));
        let mut text = b"x,y\n".to_vec();
        text.extend(b"1,2\n".repeat(4));
        assert_eq!(read(&text, None, SMALL), Err((5, "too many rows: the limit is 3 points".into())));
        let blank = std::io::Read::chain(&b"x,y\n"[..], Endless(b"\n", 0));
        assert_eq!(read_xy(blank, None, SMALL), Err((0, "more than 200 bytes of data: the limit is 200 bytes".into())));
        let (line, msg) = read_xy(Endless(b"\0", 0), None, SMALL).unwrap_err();
        assert_eq!(line, 1);
        assert!(msg.starts_with("the header must be `x,y` (found `\\0\\0"), "{msg}");
        let quoted = std::io::Read::chain(&b"x,y\n1,\""[..], Endless(b"\n", 0));
        assert_eq!(read_xy(quoted, None, SMALL).map_err(|e| e.0), Err(2));
    }

    #[test]
    fn columns_are_picked_by_name() {
        let text = b"id,h,w\na,1,2\nb,3,4\n";
        assert_eq!(read(text, Some(["w", "h"]), SMALL), Ok((vec![2.0, 4.0], vec![1.0, 3.0])));
        let (_, msg) = read(text, None, SMALL).unwrap_err();
        assert!(msg.ends_with("pick two columns with --columns X,Y"), "{msg}");
        assert_eq!(
            read(text, Some(["h", "z"]), SMALL).unwrap_err().1,
            "--columns: no column `z` in the header (found `id,h,w`)"
        );
        assert!(read(b"a,a\n1,2\n", Some(["a", "a"]), SMALL).unwrap_err().1.contains("more than one column `a`"));
    }

    #[test]
    fn text_that_is_not_utf8_is_named_with_its_line() {
        let (line, msg) = read(b"x,y\n1,2\n3,\xff\n", None, SMALL).unwrap_err();
        assert_eq!((line, msg.as_str()), (3, "y value `\u{fffd}` is not UTF-8 text"));
        let (line, msg) = read(b"\xff\xfe,y\n", None, SMALL).unwrap_err();
        assert_eq!(line, 1);
        assert!(msg.contains("which is not UTF-8 text"), "{msg}");
    }
}
