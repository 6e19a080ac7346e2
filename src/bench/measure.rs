//! Timing and memory helpers the rows are measured with.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// A streaming pass over θ that reads and writes every element once (θ ← θ + 0): the memory
/// floor a GD step of the same vector is compared with.
#[inline(never)]
pub fn stream_pass(theta: &mut [f64]) {
    let d = black_box(0.0);
    theta.iter_mut().for_each(|v| *v += d);
}

/// Seconds per call of `f`: the fastest of several batches, each long enough to time well.
pub fn time_per_call(mut f: impl FnMut(), budget: Duration) -> f64 {
    let mut batch = 1u64;
    loop {
        let t = Instant::now();
        for _ in 0..batch {
            f();
        }
        if t.elapsed() > budget / 50 {
            break;
        }
        batch *= 2;
    }
    let deadline = Instant::now() + budget;
    let mut best = f64::INFINITY;
    while Instant::now() < deadline {
        let t = Instant::now();
        for _ in 0..batch {
            f();
        }
        best = best.min(t.elapsed().as_secs_f64() / batch as f64);
    }
    best
}

/// Peak resident set size of this process in bytes (Linux), if known.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// CPU time this thread has used, in seconds (wall time where the OS gives no thread clock).
pub fn thread_cpu_s() -> f64 {
    #[cfg(target_os = "linux")]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
        t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
    }
    #[cfg(not(target_os = "linux"))]
    {
        static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64()
    }
}

pub fn us(s: f64) -> String {
    format!("{:.3} µs", s * 1e6)
}

/// Peak RSS of this binary run with `args` in a process of its own (polled from /proc), if it
/// succeeded.
pub fn child_peak_rss(args: &[&str]) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let mut child = std::process::Command::new(exe)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = None;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_path)
            && let Some(kb) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        {
            peak = Some(kb * 1024);
        }
        match child.try_wait() {
            Ok(Some(st)) => return st.success().then_some(peak).flatten(),
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(_) => return None,
        }
    }
}
