//! The loss history of a run, bounded however long the run: a fixed-capacity buffer on a uniform
//! step grid that halves its resolution when full, so memory and drawing cost never grow with
//! the step count.

/// Points kept at most (each a (step, loss) pair).
pub const CAPACITY: usize = 4096;

#[derive(Debug, Clone)]
pub struct LossHistory {
    points: Vec<(u64, f64)>,
    /// Steps between kept points.
    stride: u64,
    /// The next step that will be kept.
    next: u64,
}

impl Default for LossHistory {
    fn default() -> Self {
        LossHistory { points: Vec::with_capacity(CAPACITY), stride: 1, next: 0 }
    }
}

impl LossHistory {
    /// Records the loss at `step`. Non-finite losses are dropped, so no chart ever sees them.
    pub fn push(&mut self, step: u64, loss: f64) {
        if step < self.next || !loss.is_finite() {
            return;
        }
        if self.points.len() == CAPACITY {
            // Keep every other point: the grid stays uniform at twice the stride.
            let mut i = 0;
            self.points.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.stride *= 2;
        }
        self.points.push((step, loss));
        self.next = step + self.stride;
    }

    pub fn clear(&mut self) {
        *self = LossHistory::default();
    }

    pub fn points(&self) -> &[(u64, f64)] {
        &self.points
    }

    pub fn last(&self) -> Option<(u64, f64)> {
        self.points.last().copied()
    }

    /// The history reduced to at most 2·`buckets` points (each bucket's min and max, in step
    /// order), with `f` applied to the loss: what a pane `buckets` columns wide can show.
    pub fn downsample(&self, buckets: usize, f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
        let pts = &self.points;
        let Some(&(last, _)) = pts.last() else {
            return Vec::new();
        };
        let buckets = buckets.max(1);
        if pts.len() <= 2 * buckets {
            return pts.iter().map(|&(s, l)| (s as f64, f(l))).collect();
        }
        let span = last.max(1) as f64;
        let bucket = |step: u64| (((step as f64 / span) * buckets as f64) as usize).min(buckets - 1);
        let mut out = Vec::with_capacity(2 * buckets + 2);
        let mut start = 0;
        while start < pts.len() {
            let b = bucket(pts[start].0);
            let mut end = start;
            let (mut lo, mut hi) = (pts[start], pts[start]);
            while end < pts.len() && bucket(pts[end].0) == b {
                if pts[end].1 < lo.1 {
                    lo = pts[end];
                }
                if pts[end].1 > hi.1 {
                    hi = pts[end];
                }
                end += 1;
            }
            let (a, z) = if lo.0 <= hi.0 { (lo, hi) } else { (hi, lo) };
            out.push((a.0 as f64, f(a.1)));
            if z.0 != a.0 {
                out.push((z.0 as f64, f(z.1)));
            }
            start = end;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_and_uniform() {
        let mut h = LossHistory::default();
        for s in 0..1_000_000u64 {
            h.push(s, 1.0 / (s as f64 + 1.0));
        }
        assert!(h.points().len() <= CAPACITY);
        assert_eq!(h.points()[0].0, 0);
        let d: Vec<u64> = h.points().windows(2).map(|w| w[1].0 - w[0].0).collect();
        assert!(d.windows(2).all(|w| w[0] == w[1]));
        assert!(h.last().is_some_and(|(s, _)| s > 990_000));
        let ds = h.downsample(100, f64::log10);
        assert!(ds.len() <= 200 && ds.len() > 50);
        assert!(ds.iter().all(|p| p.1.is_finite()));
    }

    #[test]
    fn drops_non_finite() {
        let mut h = LossHistory::default();
        h.push(0, f64::NAN);
        h.push(1, f64::INFINITY);
        h.push(2, 3.0);
        assert_eq!(h.points(), &[(2, 3.0)]);
    }
}
