//! Work too long for a frame (the net's O(N²M) kernels, the drift view's width sweep, the ridge
//! view's loss plane) done on a thread of its own, so a tick never waits on it. The job sends
//! its results one by one; the UI drains what has arrived each tick. Dropping the handle
//! cancels the job: it sees `Feed::cancelled` between slices and stops.
//!
//! Without a worker (tests, and `bench`'s in-process app) jobs run inline when started, so a
//! screen rendered right after is deterministic.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};

/// Where jobs run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// On the caller's thread, to the end, before `start` returns.
    Inline,
    /// On a thread of their own.
    Thread,
}

/// A job's side: send results, and ask whether anyone still wants them.
pub struct Feed<T> {
    tx: Sender<T>,
    cancel: Arc<AtomicBool>,
}

impl<T> Feed<T> {
    /// Sends one result; false once the handle is gone (the job should stop).
    pub fn send(&self, value: T) -> bool {
        self.tx.send(value).is_ok() && !self.cancelled()
    }
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// The UI's side of a job.
#[derive(Debug)]
pub struct Background<T> {
    rx: Receiver<T>,
    cancel: Arc<AtomicBool>,
    finished: bool,
}

impl<T: Send + 'static> Background<T> {
    /// Starts `job`. A thread that cannot be spawned runs the job inline instead.
    pub fn start(mode: Mode, job: impl FnOnce(&Feed<T>) + Send + 'static) -> Background<T> {
        let (tx, rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let feed = Feed { tx, cancel: Arc::clone(&cancel) };
        match mode {
            Mode::Inline => job(&feed),
            Mode::Thread => {
                // The job comes back when the spawn fails, so it can still run here.
                let slot = Arc::new(std::sync::Mutex::new(Some((job, feed))));
                let theirs = Arc::clone(&slot);
                let spawned = std::thread::Builder::new().name("figures".into()).spawn(move || {
                    super::worker::lower_priority();
                    let taken = theirs.lock().ok().and_then(|mut s| s.take());
                    if let Some((job, feed)) = taken {
                        job(&feed);
                    }
                });
                if spawned.is_err()
                    && let Some((job, feed)) = slot.lock().ok().and_then(|mut s| s.take())
                {
                    job(&feed);
                }
            }
        }
        Background { rx, cancel, finished: false }
    }

    /// Every result that has arrived since the last call (never blocks).
    pub fn drain(&mut self) -> Vec<T> {
        let mut out = Vec::new();
        loop {
            match self.rx.try_recv() {
                Ok(v) => out.push(v),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.finished = true;
                    break;
                }
            }
        }
        out
    }

    /// Blocks until the job has ended, and returns what it sent since the last drain.
    pub fn wait(&mut self) -> Vec<T> {
        let mut out: Vec<T> = self.rx.iter().collect();
        self.finished = true;
        out.shrink_to_fit();
        out
    }

    /// True once the job has ended (returned, or panicked) and everything it sent was drained.
    pub fn finished(&self) -> bool {
        self.finished
    }
}

impl<T> Drop for Background<T> {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_job_delivers_in_order_and_ends() {
        let mut job = Background::start(Mode::Thread, |feed: &Feed<u32>| {
            for i in 0..5 {
                feed.send(i);
            }
        });
        let mut got = job.drain();
        got.extend(job.wait());
        assert_eq!(got, vec![0, 1, 2, 3, 4]);
        assert!(job.finished());
    }

    #[test]
    fn an_inline_job_has_finished_when_start_returns() {
        let mut job = Background::start(Mode::Inline, |feed: &Feed<&str>| {
            feed.send("done");
        });
        assert_eq!(job.drain(), vec!["done"]);
        assert!(job.finished());
    }

    #[test]
    fn dropping_the_handle_cancels_the_job() {
        let (tx, rx) = mpsc::channel();
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let job = Background::start(Mode::Thread, move |feed: &Feed<u32>| {
            let _ = go_rx.recv(); // wait until the handle is gone
            let _ = tx.send(feed.cancelled());
        });
        drop(job);
        let _ = go_tx.send(());
        assert_eq!(rx.recv().ok(), Some(true));
    }

    #[test]
    fn a_panicking_job_ends_without_taking_the_ui_down() {
        let mut job = Background::start(Mode::Thread, |_feed: &Feed<u32>| panic!("a bug in a job"));
        assert!(job.wait().is_empty());
        assert!(job.finished());
    }
}
