//! How numbers are written for people: 4 significant digits, thousands grouped.

/// A number to 4 significant digits: fixed for everyday magnitudes, scientific otherwise.
pub fn sig4(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    // The magnitude after rounding to 4 digits, so 9.99996 becomes 10.00, not 10.000.
    let sci = format!("{v:.3e}");
    let mag: i32 = sci.rsplit('e').next().and_then(|e| e.parse().ok()).unwrap_or(0);
    if (-3..4).contains(&mag) { format!("{:.*}", (3 - mag) as usize, v) } else { sci }
}

/// `v` rounded to 12 significant digits: a point made by arithmetic on a grid (0.1 · 3 =
/// 0.30000000000000004) becomes the grid point, whose shortest decimal is short (0.3). For
/// values a command line carries, so a quit line's `--at` reads as one would type it.
pub fn on_grid(v: f64) -> f64 {
    if !v.is_finite() || v == 0.0 {
        return v;
    }
    format!("{v:.11e}").parse().unwrap_or(v)
}

/// A ridge dimension k − N as shown: grouped when positive, "none" when k ≤ N (a net without
/// noise parameters and fewer than N of its own: no zero-loss set, GD ends at the
/// least-squares fit closest to θ0).
pub fn ridge_dim(dim: i64) -> String {
    if dim > 0 { thousands(dim as u64) } else { "none".into() }
}

/// A whole number with thousands separators.
pub fn thousands(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{on_grid, sig4, thousands};

    #[test]
    fn on_grid_drops_arithmetic_noise_and_nothing_else() {
        assert_eq!((0.1f64 * 3.0).to_string(), "0.30000000000000004");
        assert_eq!(on_grid(0.1 * 3.0).to_string(), "0.3");
        assert_eq!(on_grid(0.29700000000000065).to_string(), "0.297");
        // Values of 12 significant digits or fewer stay as they are.
        for v in [1.0, -2.5e-7, 123456.789, 1e300, 1e-300, 0.0] {
            assert_eq!(on_grid(v), v);
        }
        assert!(on_grid(f64::NAN).is_nan());
    }

    #[test]
    fn four_significant_digits() {
        assert_eq!(sig4(1.019_87), "1.020");
        assert_eq!(sig4(0.017_452_3), "0.01745");
        assert_eq!(sig4(596.54), "596.5");
        assert_eq!(sig4(1234.56), "1235");
        assert_eq!(sig4(12_345.6), "1.235e4");
        assert_eq!(sig4(9.999_96), "10.00");
        assert_eq!(sig4(0.000_999_96), "0.001000");
        assert_eq!(sig4(3.045e-4), "3.045e-4");
        assert_eq!(sig4(-2.5), "-2.500");
        assert_eq!(sig4(0.0), "0");
        assert_eq!(sig4(f64::NAN), "—");
        assert_eq!(thousands(1_000_001), "1,000,001");
        assert_eq!(thousands(999), "999");
    }
}
