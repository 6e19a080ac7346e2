//! Frame pacing over slow links. After each frame the explorer asks the terminal where its cursor
//! is (DSR 6, `ESC [ 6 n`); the answer comes back only once the terminal has processed every byte
//! before it, so while an answer is outstanding the frame is still on its way and the next one
//! is skipped (the run keeps stepping). A terminal that never answers gets today's behaviour:
//! a frame every tick. Each frame is wrapped in synchronized output (DEC mode 2026), so a slow
//! link never shows half a frame; terminals without it ignore the mode.

use std::io::{self, Write};
use std::time::{Duration, Instant};

/// Asks for the cursor position; every VT100-compatible terminal answers `ESC [ row ; col R`.
pub const REQUEST: &[u8] = b"\x1b[6n";
/// Begin and end synchronized output (DEC private mode 2026).
pub const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
pub const SYNC_END: &[u8] = b"\x1b[?2026l";

/// With no answer yet this long after the first request, the terminal is taken not to answer.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(1);
/// A terminal that has answered before but goes quiet this long gets one more frame: a bound
/// on how long the screen can go stale, at one frame per this at most.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(5);
/// How long quitting or suspending waits for the answers still owed, so they reach us and not
/// the shell (which would print them as `^[[24;1R`).
pub const SETTLE_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether the next frame may be written, from the requests sent and the answers seen.
#[derive(Debug, Clone)]
pub struct Pacer {
    /// Requests written whose answers have not come back.
    outstanding: u32,
    /// When the first request went out (None before any).
    first_request: Option<Instant>,
    /// Whether the terminal has ever answered.
    answers: bool,
    /// The last answer, or the last frame forced out by `STALL_TIMEOUT`.
    progress: Instant,
}

impl Pacer {
    pub fn new(now: Instant) -> Pacer {
        Pacer { outstanding: 0, first_request: None, answers: false, progress: now }
    }

    /// A request has been written.
    pub fn asked(&mut self, now: Instant) {
        self.outstanding = self.outstanding.saturating_add(1);
        self.first_request.get_or_insert(now);
    }

    /// An answer came back: everything before its request is on screen.
    pub fn answered(&mut self, now: Instant) {
        self.outstanding = self.outstanding.saturating_sub(1);
        self.answers = true;
        self.progress = now;
    }

    /// Whether the terminal is taken not to answer (never answered within `PROBE_TIMEOUT`).
    pub fn silent(&self, now: Instant) -> bool {
        !self.answers && self.first_request.is_some_and(|t| now.duration_since(t) >= PROBE_TIMEOUT)
    }

    /// Whether nothing has been asked yet (the first frame, or the first after a resume).
    pub fn unasked(&self) -> bool {
        self.first_request.is_none()
    }

    /// Whether answers are still owed.
    pub fn waiting(&self) -> bool {
        self.outstanding > 0
    }

    /// Whether a frame may be written now: nothing is in flight, or the terminal does not
    /// answer, or it has been quiet past `STALL_TIMEOUT`.
    pub fn may_draw(&self, now: Instant) -> bool {
        self.outstanding == 0
            || self.silent(now)
            || (self.answers && now.duration_since(self.progress) >= STALL_TIMEOUT)
    }

    /// A frame was written while a request was outstanding (silent or stalled terminal).
    pub fn forced(&mut self, now: Instant) {
        if self.outstanding > 0 {
            self.progress = now;
        }
    }

    /// How long quitting should wait for the answers owed: none from a silent terminal.
    pub fn settle_time(&self, now: Instant) -> Duration {
        if self.waiting() && !self.silent(now) { SETTLE_TIMEOUT } else { Duration::ZERO }
    }
}

/// Written before a frame: the first frame also asks at once, so the answer that tells whether
/// the terminal answers at all comes back after one round trip, not after a whole frame.
pub fn begin_frame(w: &mut impl Write, probe: bool) -> io::Result<()> {
    if probe {
        w.write_all(REQUEST)?;
    }
    w.write_all(SYNC_BEGIN)
}

/// Written after a frame (then flushed): the end of the synchronized update and the request.
pub fn end_frame(w: &mut impl Write) -> io::Result<()> {
    w.write_all(SYNC_END)?;
    w.write_all(REQUEST)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_frame_in_flight_while_the_terminal_answers() {
        let t0 = Instant::now();
        let mut p = Pacer::new(t0);
        assert!(p.may_draw(t0));
        p.asked(t0); // the probe
        p.asked(t0); // after frame 1
        assert!(!p.may_draw(t0 + Duration::from_millis(500)));
        p.answered(t0 + Duration::from_millis(100)); // the probe's answer: the terminal answers
        // Frame 1 still on its way (a slow link): no frame, however long, up to STALL_TIMEOUT.
        assert!(!p.may_draw(t0 + Duration::from_secs(4)));
        assert!(!p.silent(t0 + Duration::from_secs(4)));
        p.answered(t0 + Duration::from_secs(4));
        assert!(p.may_draw(t0 + Duration::from_secs(4)));
        assert_eq!(p.settle_time(t0), Duration::ZERO);
    }

    #[test]
    fn a_silent_terminal_falls_back_after_the_probe_timeout() {
        let t0 = Instant::now();
        let mut p = Pacer::new(t0);
        p.asked(t0);
        p.asked(t0);
        assert!(!p.may_draw(t0 + PROBE_TIMEOUT / 2));
        assert_eq!(p.settle_time(t0), SETTLE_TIMEOUT);
        let later = t0 + PROBE_TIMEOUT;
        assert!(p.silent(later) && p.may_draw(later));
        assert_eq!(p.settle_time(later), Duration::ZERO, "quitting never waits on a silent terminal");
        // A late answer (a round trip longer than the probe timeout) turns pacing back on until
        // every frame drawn meanwhile has been answered.
        for _ in 0..10 {
            p.asked(later);
        }
        p.answered(later + Duration::from_secs(2));
        assert!(!p.may_draw(later + Duration::from_secs(2)));
    }

    #[test]
    fn a_stalled_terminal_gets_a_frame_per_stall_timeout() {
        let t0 = Instant::now();
        let mut p = Pacer::new(t0);
        p.asked(t0);
        p.answered(t0);
        p.asked(t0);
        assert!(!p.may_draw(t0 + STALL_TIMEOUT / 2));
        let t1 = t0 + STALL_TIMEOUT;
        assert!(p.may_draw(t1));
        p.forced(t1);
        p.asked(t1);
        assert!(!p.may_draw(t1 + STALL_TIMEOUT / 2));
    }

    #[test]
    fn frames_are_bracketed_and_followed_by_the_request() {
        let mut w = Vec::new();
        begin_frame(&mut w, true).unwrap_or_default();
        w.extend_from_slice(b"frame");
        end_frame(&mut w).unwrap_or_default();
        assert_eq!(w, b"\x1b[6n\x1b[?2026hframe\x1b[?2026l\x1b[6n");
    }
}
