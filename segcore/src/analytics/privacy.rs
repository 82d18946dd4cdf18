//! Privacy-safe outputs: keyed pseudonymisation of customer ids and suppression of small groups.
//!
//! * [`pseudonymise`] replaces each id by `HMAC-SHA256(key, id)` in lower-case hex, optionally
//!   truncated. The key is the user's secret: without it the mapping cannot be recomputed or
//!   reversed by a dictionary of ids, and the same key gives the same pseudonym across runs and
//!   languages, so tables can still be joined.
//! * [`suppress`] hides a statistic computed over fewer than `k` customers
//!   ([`DEFAULT_MIN_GROUP`] = 10). Every segment, cohort, channel or period statistic in
//!   [`crate::analytics`] goes through it: a group below `k` is reported with `suppressed = true`
//!   and its numbers as `None`.
//!
//! ```
//! use segcore::analytics::privacy::{pseudonymise_one, suppress};
//! let p = pseudonymise_one(b"secret", "customer-42", Some(16)).unwrap();
//! assert_eq!(p.len(), 16);
//! assert_eq!(suppress(9, 10, 0.5), None);
//! assert_eq!(suppress(10, 10, 0.5), Some(0.5));
//! ```

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::data::CustomerIndex;
use crate::{Result, SegError};

/// Default minimum number of customers behind any reported group statistic.
///
/// ```
/// assert_eq!(segcore::analytics::privacy::DEFAULT_MIN_GROUP, 10);
/// ```
pub const DEFAULT_MIN_GROUP: usize = 10;

/// HMAC-SHA256 of `message` under `key`, as 32 raw bytes (RFC 2104 / RFC 4231).
///
/// ```
/// let mac = segcore::analytics::privacy::hmac_sha256(b"key", b"msg").unwrap();
/// assert_eq!(mac.len(), 32);
/// ```
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Result<[u8; 32]> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .map_err(|e| SegError::param("key", format!("unusable HMAC key: {e}")))?;
    mac.update(message);
    let bytes = mac.finalize().into_bytes();
    let mut out = [0u8; 32];
    out.copy_from_slice(&bytes);
    Ok(out)
}

/// Lower-case hex encoding of bytes.
///
/// ```
/// assert_eq!(segcore::analytics::privacy::to_hex(&[0x0b, 0xff]), "0bff");
/// ```
pub fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

fn check_key_len(key: &[u8], hex_len: Option<usize>) -> Result<()> {
    if key.is_empty() {
        return Err(SegError::param("key", "the pseudonymisation key is empty"));
    }
    if let Some(n) = hex_len {
        if !(8..=64).contains(&n) {
            return Err(SegError::param(
                "hex_len",
                format!("{n} is not in 8..=64 hex characters"),
            ));
        }
    }
    Ok(())
}

/// Pseudonym of one id: `HMAC-SHA256(key, id)` as hex, truncated to `hex_len` characters
/// (8..=64) if given. An empty key is refused.
///
/// ```
/// use segcore::analytics::privacy::pseudonymise_one;
/// let a = pseudonymise_one(b"k", "c1", None).unwrap();
/// assert_eq!(a.len(), 64);
/// assert_eq!(a, pseudonymise_one(b"k", "c1", None).unwrap());
/// assert_ne!(a, pseudonymise_one(b"other", "c1", None).unwrap());
/// ```
pub fn pseudonymise_one(key: &[u8], id: &str, hex_len: Option<usize>) -> Result<String> {
    check_key_len(key, hex_len)?;
    let mut h = to_hex(&hmac_sha256(key, id.as_bytes())?);
    if let Some(n) = hex_len {
        h.truncate(n);
    }
    Ok(h)
}

/// Pseudonyms of many ids (same rules as [`pseudonymise_one`]).
///
/// ```
/// let p = segcore::analytics::privacy::pseudonymise(b"k", &["a", "b"], Some(12)).unwrap();
/// assert_eq!(p.len(), 2);
/// assert!(p.iter().all(|s| s.len() == 12));
/// ```
pub fn pseudonymise<S: AsRef<str>>(
    key: &[u8],
    ids: &[S],
    hex_len: Option<usize>,
) -> Result<Vec<String>> {
    check_key_len(key, hex_len)?;
    ids.iter()
        .map(|id| pseudonymise_one(key, id.as_ref(), hex_len))
        .collect()
}

/// Pseudonyms of every customer of an index, in code order (ids as text, integers in decimal).
///
/// ```
/// use segcore::data::{CustomerIndex, IdColumn};
/// let (index, _) = CustomerIndex::build(&IdColumn::Int(vec![7, 3]));
/// let p = segcore::analytics::privacy::pseudonymise_index(b"k", &index, None).unwrap();
/// assert_eq!(p[0], segcore::analytics::privacy::pseudonymise_one(b"k", "3", None).unwrap());
/// ```
pub fn pseudonymise_index(
    key: &[u8],
    index: &CustomerIndex,
    hex_len: Option<usize>,
) -> Result<Vec<String>> {
    check_key_len(key, hex_len)?;
    (0..index.len() as u32)
        .map(|c| pseudonymise_one(key, &index.label(c), hex_len))
        .collect()
}

/// `Some(value)` when the group has at least `k` customers, else `None` (suppressed).
///
/// ```
/// assert_eq!(segcore::analytics::privacy::suppress(3, 3, "ok"), Some("ok"));
/// ```
pub fn suppress<T>(n_customers: u64, k: usize, value: T) -> Option<T> {
    if is_suppressed(n_customers, k) {
        None
    } else {
        Some(value)
    }
}

/// True when a group of `n_customers` is below the minimum `k` and must not be reported.
///
/// ```
/// assert!(segcore::analytics::privacy::is_suppressed(4, 10));
/// ```
pub fn is_suppressed(n_customers: u64, k: usize) -> bool {
    n_customers < k as u64
}

/// Checks a minimum group size (`k >= 1`).
///
/// ```
/// assert!(segcore::analytics::privacy::check_min_group(0).is_err());
/// ```
pub fn check_min_group(k: usize) -> Result<usize> {
    if k == 0 {
        return Err(SegError::param("min_group", "must be at least 1"));
    }
    Ok(k)
}
