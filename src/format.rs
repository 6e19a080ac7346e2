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
    use super::{sig4, thousands};

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
