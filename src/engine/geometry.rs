//! Lines in a plot box: the explorer's data pane and `overparam plot`'s data.svg draw y = c·x
//! clipped here, so a line that leaves the box keeps its slope (a plotting library that clamps
//! an out-of-range end to the edge would bend it).

/// Two points of a straight line.
pub type Segment = [(f64, f64); 2];

/// The segment of y = c·x inside the box [x0,x1]×[y0,y1], if any.
pub fn clip_line(c: f64, [x0, x1]: [f64; 2], [y0, y1]: [f64; 2]) -> Option<Segment> {
    if !c.is_finite() {
        return None;
    }
    let (mut a, mut b) = (x0, x1);
    if c != 0.0 {
        let (u, v) = (y0 / c, y1 / c);
        let (lo, hi) = if u < v { (u, v) } else { (v, u) };
        a = a.max(lo);
        b = b.min(hi);
    } else if !(y0..=y1).contains(&0.0) {
        return None;
    }
    (a < b).then_some([(a, c * a), (b, c * b)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipped_ends_stay_on_the_line_and_in_the_box() {
        let (xb, yb) = ([0.0, 10.0], [-1.0, 5.0]);
        // Steep: leaves through the top at x = 5/3.
        let [(a, ya), (b, yb_)] = clip_line(3.0, xb, yb).unwrap_or_default();
        assert_eq!((a, ya), (0.0, 0.0));
        assert!((b - 5.0 / 3.0).abs() < 1e-12 && (yb_ - 5.0).abs() < 1e-12);
        // Negative: leaves through the bottom at x = 1/2.
        let [_, (b, y)] = clip_line(-2.0, xb, yb).unwrap_or_default();
        assert!((b - 0.5).abs() < 1e-12 && (y + 1.0).abs() < 1e-12);
        assert_eq!(clip_line(0.2, xb, yb), Some([(0.0, 0.0), (10.0, 2.0)]));
        assert_eq!(clip_line(0.0, xb, [1.0, 2.0]), None);
        assert_eq!(clip_line(f64::NAN, xb, yb), None);
    }
}
