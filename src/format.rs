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

/// `v` to `digits` significant digits (1..=4), as `sig4` writes 4: fixed for magnitudes
/// 1e-3..1e4, scientific otherwise.
pub fn sig(v: f64, digits: usize) -> String {
    let d = digits.clamp(1, 4);
    if !v.is_finite() {
        return "—".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let sci = format!("{v:.*e}", d - 1);
    let mag: i32 = sci.rsplit('e').next().and_then(|e| e.parse().ok()).unwrap_or(0);
    match mag {
        m if (-3..d as i32).contains(&m) => format!("{:.*}", (d as i32 - 1 - m) as usize, v),
        // 596.5 to two digits is 600: the digits past the second are zeros, not cut.
        m if (d as i32..4).contains(&m) => format!("{:.0}", sci.parse::<f64>().unwrap_or(v)),
        _ => sci,
    }
}

/// THE rule for a number on screen: `v` in at most `room` columns, rounded, never cut. The
/// most significant digits that fit (4, then 3, 2, 1, each fixed or scientific as `sig`
/// writes it); None when not even one digit fits, and the caller drops the whole item.
pub fn fit(v: f64, room: usize) -> Option<String> {
    (1..=4).rev().map(|d| sig(v, d)).find(|s| s.chars().count() <= room)
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
    use super::{fit, on_grid, sig, sig4, thousands};

    #[test]
    fn fit_rounds_to_the_room_and_never_cuts() {
        assert_eq!(fit(0.012_78, 7).as_deref(), Some("0.01278"));
        assert_eq!(fit(0.012_78, 5).as_deref(), Some("0.013"));
        assert_eq!(fit(0.4590, 4).as_deref(), Some("0.46"));
        assert_eq!(fit(0.4590, 3).as_deref(), Some("0.5"));
        assert_eq!(fit(0.4590, 2), None);
        assert_eq!(fit(596.54, 3).as_deref(), Some("597"));
        assert_eq!(fit(596.54, 2), None);
        assert_eq!(fit(12_345.6, 5).as_deref(), Some("1.2e4"));
        assert_eq!(fit(3.045e-4, 4).as_deref(), Some("3e-4"));
        assert_eq!(fit(-2.5, 4).as_deref(), Some("-2.5"));
        assert_eq!(fit(9.996, 4).as_deref(), Some("10.0"));
        assert_eq!(sig(596.54, 2), "600");
        assert_eq!(sig(9.96, 1), "10");
        assert_eq!(sig(1.5e-5, 2), "1.5e-5");
        // Every fit is the value rounded to the digits it shows.
        for v in [0.012_78, 1.0199, 596.54, 12_345.6, 3.045e-4, -7.058, 0.999_96] {
            for room in 1..12 {
                if let Some(s) = fit(v, room) {
                    let shown: f64 = s.parse().unwrap_or(f64::NAN);
                    assert!(s.chars().count() <= room);
                    assert!((shown - v).abs() <= 0.5 * 10f64.powi(v.abs().log10().floor() as i32) + 1e-12, "{v} {s}");
                }
            }
        }
    }

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
