//! Text helpers for the report: HTML escaping and compact number formatting.

/// Escapes text for HTML.
///
/// ```
/// assert_eq!(segcore::report::escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Formats a number compactly for tables and axes.
///
/// ```
/// assert_eq!(segcore::report::fmt_num(1234.5678), "1,234.57");
/// assert_eq!(segcore::report::fmt_num(0.012345), "0.0123");
/// assert_eq!(segcore::report::fmt_num(f64::NAN), "–");
/// ```
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    let s = if a >= 1.0 || a == 0.0 {
        format!("{v:.2}")
    } else {
        // three significant digits
        let digits = (-a.log10()).floor() as usize + 3;
        format!("{v:.digits$}")
    };
    group_thousands(&s)
}

/// Formats a number for a small space (heatmap cells, bar ends, axis ticks): two decimals below 10,
/// one below 100, none above; thousands grouped; "–" for a non-finite value.
///
/// ```
/// use segcore::report::cell_num;
/// assert_eq!(cell_num(0.4567), "0.46");
/// assert_eq!(cell_num(42.25), "42.2");
/// assert_eq!(cell_num(12345.6), "12,346");
/// assert_eq!(cell_num(f64::INFINITY), "–");
/// ```
pub fn cell_num(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    let s = if a < 10.0 {
        format!("{v:.2}")
    } else if a < 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    };
    group_thousands(&s)
}

/// Formats a count: whole numbers without decimals, thousands grouped (other values as
/// [`cell_num`]); "–" for a non-finite value.
///
/// ```
/// use segcore::report::count_num;
/// assert_eq!(count_num(87.0), "87");
/// assert_eq!(count_num(12345.0), "12,345");
/// assert_eq!(count_num(2.5), "2.50");
/// ```
pub fn count_num(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        group_thousands(&format!("{v:.0}"))
    } else {
        cell_num(v)
    }
}

pub(crate) fn group_thousands(s: &str) -> String {
    let (int, frac) = match s.find('.') {
        Some(p) => (&s[..p], &s[p..]),
        None => (s, ""),
    };
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped}{frac}")
}

/// Median of finite values (NaN for none).
pub(crate) fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        s[n / 2]
    } else {
        0.5 * (s[n / 2 - 1] + s[n / 2])
    }
}
