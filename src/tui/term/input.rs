//! Keys, resizes and the terminal's answers, read from the terminal by us. crossterm's reader
//! keeps cursor-position reports to itself (`event::read` filters them out and
//! `cursor::position` blocks for up to 2 s), and frame pacing needs every answer without ever
//! blocking the loop, so the explorer parses its input here: the few keys the key table can
//! name, as crossterm `KeyEvent`s, and `ESC [ row ; col R` as an answer.

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rustix::event::{PollFd, PollFlags, Timespec};

/// One thing read from the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Key(KeyEvent),
    /// The window changed size (SIGWINCH).
    Resize,
    /// A cursor-position report: the terminal has processed everything written before its request.
    Answer,
    /// SIGTERM, SIGINT or SIGQUIT: quit now, but give the terminal back properly (its owed
    /// answers read).
    Terminate(i32),
}

/// An escape sequence longer than this without its final byte is noise, not a sequence.
const MAX_SEQUENCE: usize = 64;
/// How long a lone ESC waits for the rest of a sequence before it counts as the Esc key.
const ESC_WAIT: Duration = Duration::from_millis(25);

/// Reads stdin (a terminal, checked by the caller) and SIGWINCH, without blocking past a timeout.
pub struct Reader {
    winch: UnixStream,
    sig: signal_hook::SigId,
    /// One pipe per quitting signal, so the loop wakes at once and knows which.
    quits: Vec<(i32, UnixStream, signal_hook::SigId)>,
    pending: Vec<u8>,
    ready: VecDeque<Input>,
}

impl Reader {
    pub fn new() -> io::Result<Reader> {
        let (winch, notify) = UnixStream::pair()?;
        winch.set_nonblocking(true)?;
        notify.set_nonblocking(true)?;
        let sig = signal_hook::low_level::pipe::register(signal_hook::consts::SIGWINCH, notify)?;
        let mut quits = Vec::new();
        use signal_hook::consts::{SIGINT, SIGQUIT, SIGTERM};
        for signal in [SIGTERM, SIGINT, SIGQUIT] {
            let (read, notify) = UnixStream::pair()?;
            read.set_nonblocking(true)?;
            notify.set_nonblocking(true)?;
            quits.push((signal, read, signal_hook::low_level::pipe::register(signal, notify)?));
        }
        Ok(Reader { winch, sig, quits, pending: Vec::new(), ready: VecDeque::new() })
    }

    fn tty() -> BorrowedFd<'static> {
        rustix::stdio::stdin()
    }

    /// The next input, waiting at most `timeout` for one.
    pub fn poll(&mut self, timeout: Duration) -> io::Result<Option<Input>> {
        if let Some(input) = self.ready.pop_front() {
            return Ok(Some(input));
        }
        let (tty_ready, winch_ready, quit) = {
            let tty = Self::tty();
            let mut fds = vec![PollFd::new(&tty, PollFlags::IN), PollFd::new(&self.winch, PollFlags::IN)];
            fds.extend(self.quits.iter().map(|(_, r, _)| PollFd::new(r, PollFlags::IN)));
            match wait(&mut fds, timeout) {
                Ok(0) => return Ok(None),
                Ok(_) => {
                    let quit = self.quits.iter().zip(&fds[2..]).find(|(_, f)| !f.revents().is_empty());
                    (!fds[0].revents().is_empty(), !fds[1].revents().is_empty(), quit.map(|((s, _, _), _)| *s))
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(None),
                Err(e) => return Err(e),
            }
        };
        if let Some(signal) = quit {
            // Read the pipe empty, or every later poll (the one reading the owed answers as
            // the terminal is given back) would wake for it again and never see the answers.
            let mut sink = [0u8; 64];
            for (_, r, _) in &self.quits {
                while rustix::io::read(r.as_fd(), &mut sink).is_ok_and(|n| n > 0) {}
            }
            return Ok(Some(Input::Terminate(signal)));
        }
        if winch_ready {
            let mut sink = [0u8; 64];
            while rustix::io::read(self.winch.as_fd(), &mut sink).is_ok_and(|n| n > 0) {}
            self.ready.push_back(Input::Resize);
        }
        if tty_ready {
            self.read_tty()?;
            if self.pending == [0x1b] {
                // A lone ESC: the Esc key, unless the rest of a sequence is on its way.
                let tty = Self::tty();
                let mut fds = [PollFd::new(&tty, PollFlags::IN)];
                if wait(&mut fds, ESC_WAIT).is_ok_and(|n| n > 0) {
                    self.read_tty()?;
                }
                parse(&mut self.pending, &mut self.ready, true);
            }
        }
        Ok(self.ready.pop_front())
    }

    fn read_tty(&mut self) -> io::Result<()> {
        let mut buf = [0u8; 1024];
        match rustix::io::read(Self::tty(), &mut buf) {
            // End of input (the terminal went away): nothing more will come; SIGHUP ends us.
            Ok(0) => std::thread::sleep(Duration::from_millis(50)),
            Ok(n) => self.pending.extend_from_slice(&buf[..n]),
            Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => {}
            Err(e) => return Err(e.into()),
        }
        parse(&mut self.pending, &mut self.ready, false);
        Ok(())
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        signal_hook::low_level::unregister(self.sig);
        for (_, _, id) in &self.quits {
            signal_hook::low_level::unregister(*id);
        }
    }
}

fn wait(fds: &mut [PollFd<'_>], timeout: Duration) -> io::Result<usize> {
    let ts = Timespec::try_from(timeout).unwrap_or(Timespec { tv_sec: 1, tv_nsec: 0 });
    rustix::event::poll(fds, Some(&ts)).map_err(io::Error::from)
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Input {
    Input::Key(KeyEvent::new(code, modifiers))
}

/// Moves every complete input at the front of `buf` into `out`, leaving an incomplete sequence
/// in `buf`. `esc_is_key`: a lone ESC at the end is the Esc key (nothing followed it in time).
pub fn parse(buf: &mut Vec<u8>, out: &mut VecDeque<Input>, esc_is_key: bool) {
    let mut i = 0;
    while i < buf.len() {
        let rest = &buf[i..];
        let (used, input) = match rest[0] {
            0x1b => match rest.get(1) {
                None if esc_is_key => (1, Some(key(KeyCode::Esc, KeyModifiers::NONE))),
                None => break,
                Some(b'[') => match csi(rest) {
                    Some(parsed) => parsed,
                    None if rest.len() > MAX_SEQUENCE => (rest.len(), None),
                    None => break,
                },
                Some(b'O') => match rest.get(2) {
                    Some(&b) => (3, arrow(b)),
                    None => break,
                },
                Some(0x1b) => (1, Some(key(KeyCode::Esc, KeyModifiers::NONE))),
                // ESC then a key: Alt+key, which the key table reads as the key.
                Some(_) => (1, None),
            },
            b'\r' => (1, Some(key(KeyCode::Enter, KeyModifiers::NONE))),
            b'\t' => (1, Some(key(KeyCode::Tab, KeyModifiers::NONE))),
            0x7f | 0x08 => (1, Some(key(KeyCode::Backspace, KeyModifiers::NONE))),
            0 => (1, Some(key(KeyCode::Char(' '), KeyModifiers::CONTROL))),
            c @ 0x01..=0x1a => (1, Some(key(KeyCode::Char((c - 1 + b'a') as char), KeyModifiers::CONTROL))),
            c @ 0x1c..=0x1f => (1, Some(key(KeyCode::Char((c - 0x1c + b'4') as char), KeyModifiers::CONTROL))),
            b => {
                let len = match b {
                    0xf0..=0xf7 => 4,
                    0xe0..=0xef => 3,
                    0xc0..=0xdf => 2,
                    _ => 1,
                };
                if rest.len() < len {
                    break;
                }
                match std::str::from_utf8(&rest[..len]).ok().and_then(|s| s.chars().next()) {
                    Some(c) => {
                        let m = if c.is_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
                        (len, Some(key(KeyCode::Char(c), m)))
                    }
                    None => (1, None),
                }
            }
        };
        out.extend(input);
        i += used;
    }
    buf.drain(..i);
}

/// A complete `ESC [ … final` sequence at the start of `s`: its length and what it means
/// (None for the keys and reports the explorer does not use). None if incomplete.
fn csi(s: &[u8]) -> Option<(usize, Option<Input>)> {
    let end = 2 + s[2..].iter().position(|b| (0x40..=0x7e).contains(b))?;
    let params = &s[2..end];
    let input = match s[end] {
        b'R' if params.iter().all(|b| b.is_ascii_digit() || *b == b';') => Some(Input::Answer),
        b'Z' => Some(key(KeyCode::BackTab, KeyModifiers::SHIFT)),
        b => arrow(b),
    };
    Some((end + 1, input))
}

/// The arrow keys the table names (↑ ↓ →), by their final byte in `ESC [` or `ESC O` form.
fn arrow(b: u8) -> Option<Input> {
    match b {
        b'A' => Some(key(KeyCode::Up, KeyModifiers::NONE)),
        b'B' => Some(key(KeyCode::Down, KeyModifiers::NONE)),
        b'C' => Some(key(KeyCode::Right, KeyModifiers::NONE)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8], esc_is_key: bool) -> (Vec<Input>, Vec<u8>) {
        let mut buf = bytes.to_vec();
        let mut out = VecDeque::new();
        parse(&mut buf, &mut out, esc_is_key);
        (out.into(), buf)
    }

    fn k(c: char) -> Input {
        key(KeyCode::Char(c), if c.is_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE })
    }

    #[test]
    fn keys_and_answers_are_told_apart() {
        let (got, left) = all(b"q\x1b[24;80R \x1b[C\x1b[ZN\x1b[1;1R", false);
        let want = vec![
            k('q'),
            Input::Answer,
            k(' '),
            key(KeyCode::Right, KeyModifiers::NONE),
            key(KeyCode::BackTab, KeyModifiers::SHIFT),
            k('N'),
            Input::Answer,
        ];
        assert_eq!(got, want);
        assert!(left.is_empty());
    }

    #[test]
    fn arrows_enter_and_backspace_are_read_in_both_forms() {
        let (got, left) = all(b"\x1b[A\x1bOB\x1b[B\r\x7f\x08\x1b[D", false);
        let k = |code| key(code, KeyModifiers::NONE);
        let want = [KeyCode::Up, KeyCode::Down, KeyCode::Down, KeyCode::Enter, KeyCode::Backspace, KeyCode::Backspace];
        assert_eq!(got, want.map(k).to_vec(), "← is no key of the table: read and dropped");
        assert!(left.is_empty());
    }

    #[test]
    fn control_keys_read_as_crossterm_reads_them() {
        let (got, _) = all(b"\x03\x1a\t\x1bOC", false);
        assert_eq!(
            got,
            vec![
                key(KeyCode::Char('c'), KeyModifiers::CONTROL),
                key(KeyCode::Char('z'), KeyModifiers::CONTROL),
                key(KeyCode::Tab, KeyModifiers::NONE),
                key(KeyCode::Right, KeyModifiers::NONE),
            ]
        );
    }

    #[test]
    fn a_split_answer_waits_for_its_end_and_is_never_an_esc() {
        let (got, left) = all(b"a\x1b[24;8", false);
        assert_eq!(got, vec![k('a')]);
        assert_eq!(left, b"\x1b[24;8");
        // A lone ESC is held until the reader knows nothing follows it.
        let (got, left) = all(b"\x1b", false);
        assert!(got.is_empty() && left == b"\x1b");
        let (got, left) = all(b"\x1b", true);
        assert_eq!(got, vec![key(KeyCode::Esc, KeyModifiers::NONE)]);
        assert!(left.is_empty());
    }

    #[test]
    fn other_sequences_and_utf8_pass_quietly() {
        // Left arrow (↑ and ↓ are the tour's keys now), F5, a DA1 reply, then é and a split ⣿.
        let (got, left) = all("\x1b[D\x1b[15~\x1b[?62;22cé".as_bytes(), false);
        assert_eq!(got, vec![k('é')]);
        assert!(left.is_empty());
        let (got, left) = all(&"⣿".as_bytes()[..2], false);
        assert!(got.is_empty() && left.len() == 2);
    }
}
