//! A histogram of endpoints drawn as densities under the theory's normal curves: the slopes
//! pane, the net's f(x*) pane and the compare view's panels all draw it this way. One bar
//! point per half column, the curves sampled at the same points, and a y range that a lone
//! tall bar cannot stretch so far that the curves go flat.

use crate::theory::Normal;

/// Bins for a chart `cols` columns wide: one per two columns, at least four.
pub fn bins_for(cols: usize) -> usize {
    (cols / 2).max(4)
}

/// The bars and the y range of one histogram, and where its curves are sampled.
pub struct DensityPlot {
    pub bars: Vec<(f64, f64)>,
    pub ymax: f64,
    lo: f64,
    hi: f64,
    samples: usize,
}

impl DensityPlot {
    /// `counts` over [lo, hi] (as `bin` gives them) out of `n` values in all, for a chart `cols`
    /// columns wide whose curves reach `peak` at most. The y range is 1.2·peak; where the bars
    /// stand higher and `bars_may_rise` (a ridge: the histogram is what the pane is about),
    /// it rises with them up to 2·peak, and taller bars are clipped. A peak (one optimum, a
    /// point mass) keeps the curves' range and its single bar goes off the scale.
    pub fn new(counts: &[u64], n: usize, [lo, hi]: [f64; 2], cols: usize, peak: f64, bars_may_rise: bool) -> Self {
        let bins = counts.len().max(1);
        let bw = (hi - lo) / bins as f64;
        let n = n.max(1) as f64;
        let density = |c: u64| c as f64 / (n * bw);
        let hist_max = counts.iter().map(|&c| density(c)).fold(0.0, f64::max);
        // Without a curve to scale to (no theory, or a NaN one), the bars set the range.
        let curves = peak.is_finite() && peak > 0.0;
        let mut ymax = if curves { peak * 1.2 } else { hist_max * 1.05 };
        if curves && bars_may_rise && hist_max > ymax {
            ymax = hist_max.min(2.0 * peak) * 1.05;
        }
        let ymax = ymax.max(f64::MIN_POSITIVE);
        let samples = 2 * cols.max(1);
        let mut plot = DensityPlot { bars: Vec::new(), ymax, lo, hi, samples };
        plot.bars = (0..samples)
            .filter_map(|i| {
                let x = plot.at(i);
                let b = (((x - lo) / bw) as usize).min(bins - 1);
                let c = counts.get(b).copied().unwrap_or(0);
                (c > 0).then(|| (x, density(c).min(ymax)))
            })
            .collect();
        plot
    }

    /// The middle of half column i.
    fn at(&self, i: usize) -> f64 {
        self.lo + (i as f64 + 0.5) * (self.hi - self.lo) / self.samples as f64
    }

    /// `d`'s density at every `every`-th bar point, clipped to the range; none for a point mass
    /// (or a theory that came out NaN: nothing is drawn rather than a line along the top).
    pub fn curve(&self, d: Normal, every: usize) -> Vec<(f64, f64)> {
        if !(d.std > 0.0 && d.mean.is_finite()) {
            return Vec::new();
        }
        (0..self.samples).step_by(every.max(1)).map(|i| (self.at(i), d.pdf(self.at(i)).min(self.ymax))).collect()
    }

    /// A vertical mark at v, floor to top.
    pub fn mark(&self, v: f64) -> [(f64, f64); 2] {
        [(v, 0.0), (v, self.ymax)]
    }
}

#[cfg(test)]
mod tests {
    use super::DensityPlot;
    use crate::theory::{Normal, bin};

    #[test]
    fn bars_are_densities_and_the_range_rises_only_for_a_ridge() {
        let counts = bin(&[0.1, 0.1, 0.1, 0.6, 2.0, -1.0], [0.0, 1.0], 4);
        assert_eq!(counts, vec![3, 0, 1, 0]);
        // 3 of 6 values in a bin 0.25 wide: density 2; the curve peaks at 1.
        let ridge = DensityPlot::new(&counts, 6, [0.0, 1.0], 8, 1.0, true);
        assert!((ridge.ymax - 2.0 * 1.05).abs() < 1e-12, "{}", ridge.ymax);
        assert!(ridge.bars.iter().any(|&(_, d)| (d - 2.0).abs() < 1e-12));
        let peak = DensityPlot::new(&counts, 6, [0.0, 1.0], 8, 1.0, false);
        assert!((peak.ymax - 1.2).abs() < 1e-12);
        assert!(peak.bars.iter().all(|&(_, d)| d <= 1.2), "clipped at the top");
        // 16 bar points, the first bin's four of them.
        assert_eq!(ridge.bars.iter().filter(|(x, _)| *x < 0.25).count(), 4);
        assert_eq!(ridge.curve(Normal { mean: 0.5, std: 0.1 }, 3).len(), 6);
        assert!(ridge.curve(Normal { mean: 0.5, std: 0.0 }, 1).is_empty());
        assert!(ridge.curve(Normal { mean: f64::NAN, std: 0.1 }, 1).is_empty());
        // No usable curve (a NaN theory): the bars set the range.
        let bars_only = DensityPlot::new(&counts, 6, [0.0, 1.0], 8, f64::NAN, true);
        assert!((bars_only.ymax - 2.0 * 1.05).abs() < 1e-12, "{}", bars_only.ymax);
    }
}
