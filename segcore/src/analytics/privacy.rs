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
//! * [`Privacy`] bundles the settings (key, `k`, pseudonym length) that every output accepts:
//!   [`crate::pipeline::CustomerTable::write_csv_private`] writes pseudonymised ids,
//!   [`Privacy::profiles`] suppresses the segment profile table,
//!   [`Privacy::pseudonymise_carts`] the follow-up list, and [`WithPrivacy::with_privacy`] sets
//!   `k` on the funnel, cohort, experiment and anomaly parameters (`channel_value` and
//!   `popular_by_segment` take `privacy.k` as their `min_group`).
//! * Model files hold no customer ids (see `tests/privacy_models.rs`).
//!
//! ```
//! use segcore::analytics::privacy::{pseudonymise_one, suppress};
//! let p = pseudonymise_one(b"secret", "customer-42", Some(16)).unwrap();
//! assert_eq!(p.len(), 16);
//! assert_eq!(suppress(9, 10, 0.5), None);
//! assert_eq!(suppress(10, 10, 0.5), Some(0.5));
//! ```

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::analytics::funnel::AbandonedCart;
use crate::cluster::profile::Profiles;
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

/// The privacy settings every output accepts: an optional pseudonymisation key, the minimum
/// group size `k` below which a group statistic is suppressed, and the pseudonym length.
///
/// * With a key, customer ids in every per-customer output (the customer table's CSV, the
///   follow-up list of abandoned carts) are replaced by `HMAC-SHA256(key, id)` in hex
///   ([`pseudonymise_one`]); without one they are written as they are.
/// * Every group statistic (segment profiles, cohorts, channels, experiments, funnel by segment
///   or period, anomaly periods) over fewer than `k` customers is suppressed: reported with
///   `suppressed = true` and no numbers, never as zero. Pass it to the analyses with
///   [`WithPrivacy::with_privacy`] (or `privacy.k` where a function takes `min_group`).
///
/// `Debug` never prints the key.
///
/// ```
/// use segcore::analytics::privacy::Privacy;
/// let p = Privacy::default().key("secret").hex_len(Some(16));
/// p.validate().unwrap();
/// assert_eq!(p.k, 10);
/// assert_eq!(p.id("customer-42").unwrap().len(), 16);
/// assert_eq!(Privacy::default().id("customer-42").unwrap(), "customer-42");
/// assert!(p.suppressed(9) && !p.suppressed(10));
/// assert!(!format!("{p:?}").contains("secret"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Privacy {
    /// The pseudonymisation key (`None`: ids are written as they are). Keep it secret: anyone
    /// with it can recompute the pseudonym of a known id.
    pub key: Option<Vec<u8>>,
    /// Minimum number of customers behind any reported group statistic (default 10).
    pub k: usize,
    /// Pseudonym length in hex characters, 8..=64 (`None`: all 64).
    pub hex_len: Option<usize>,
}

impl Default for Privacy {
    fn default() -> Self {
        Privacy {
            key: None,
            k: DEFAULT_MIN_GROUP,
            hex_len: None,
        }
    }
}

impl std::fmt::Debug for Privacy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Privacy")
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .field("k", &self.k)
            .field("hex_len", &self.hex_len)
            .finish()
    }
}

impl Privacy {
    /// Settings that pseudonymise with `key` and suppress groups below the default `k` = 10.
    ///
    /// ```
    /// let p = segcore::analytics::privacy::Privacy::with_key("secret");
    /// assert!(p.pseudonymises() && p.k == 10);
    /// ```
    pub fn with_key(key: impl Into<Vec<u8>>) -> Self {
        Privacy::default().key(key)
    }

    /// Reads the key from the environment variable `var` (unset or empty: no key) and keeps
    /// the other settings at their defaults.
    ///
    /// ```
    /// let p = segcore::analytics::privacy::Privacy::from_env("SEGCORE_DOC_UNSET_VARIABLE");
    /// assert!(!p.pseudonymises());
    /// ```
    pub fn from_env(var: &str) -> Self {
        match std::env::var_os(var) {
            Some(v) if !v.is_empty() => Privacy::with_key(v.to_string_lossy().as_bytes()),
            _ => Privacy::default(),
        }
    }

    /// Sets the key.
    ///
    /// ```
    /// let p = segcore::analytics::privacy::Privacy::default().key(b"k".to_vec());
    /// assert_eq!(p.key.as_deref(), Some(&b"k"[..]));
    /// ```
    pub fn key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Sets the minimum group size `k`.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::privacy::Privacy::default().k(5).k, 5);
    /// ```
    pub fn k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// Sets the pseudonym length in hex characters (8..=64; `None`: 64).
    ///
    /// ```
    /// assert_eq!(segcore::analytics::privacy::Privacy::default().hex_len(Some(20)).hex_len, Some(20));
    /// ```
    pub fn hex_len(mut self, hex_len: Option<usize>) -> Self {
        self.hex_len = hex_len;
        self
    }

    /// Checks the settings: `k >= 1`, a non-empty key if any, `hex_len` in 8..=64.
    ///
    /// ```
    /// use segcore::analytics::privacy::Privacy;
    /// assert!(Privacy::default().k(0).validate().is_err());
    /// assert!(Privacy::with_key("").validate().is_err());
    /// assert!(Privacy::with_key("k").hex_len(Some(4)).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        check_min_group(self.k)?;
        match &self.key {
            Some(key) => check_key_len(key, self.hex_len),
            None => check_key_len(b"-", self.hex_len),
        }
    }

    /// True when ids are pseudonymised (a key is set).
    ///
    /// ```
    /// assert!(!segcore::analytics::privacy::Privacy::default().pseudonymises());
    /// ```
    pub fn pseudonymises(&self) -> bool {
        self.key.is_some()
    }

    /// Name of the id column in outputs: `customer_pseudonym` with a key, else `customer_id`.
    ///
    /// ```
    /// use segcore::analytics::privacy::Privacy;
    /// assert_eq!(Privacy::with_key("k").id_column(), "customer_pseudonym");
    /// ```
    pub fn id_column(&self) -> &'static str {
        if self.pseudonymises() {
            "customer_pseudonym"
        } else {
            "customer_id"
        }
    }

    /// The id as written in outputs: its pseudonym with a key, else the id itself.
    ///
    /// ```
    /// use segcore::analytics::privacy::{pseudonymise_one, Privacy};
    /// let p = Privacy::with_key("k");
    /// assert_eq!(p.id("c1").unwrap(), pseudonymise_one(b"k", "c1", None).unwrap());
    /// ```
    pub fn id(&self, raw: &str) -> Result<String> {
        self.validate()?;
        match &self.key {
            Some(key) => pseudonymise_one(key, raw, self.hex_len),
            None => Ok(raw.to_string()),
        }
    }

    /// The ids of every customer of an index as written in outputs, in code order.
    ///
    /// ```
    /// use segcore::analytics::privacy::Privacy;
    /// use segcore::data::{CustomerIndex, IdColumn};
    /// let (index, _) = CustomerIndex::build(&IdColumn::Int(vec![7, 3]));
    /// assert_eq!(Privacy::default().ids(&index).unwrap(), vec!["3", "7"]);
    /// assert_ne!(Privacy::with_key("k").ids(&index).unwrap()[0], "3");
    /// ```
    pub fn ids(&self, index: &CustomerIndex) -> Result<Vec<String>> {
        self.validate()?;
        match &self.key {
            Some(key) => pseudonymise_index(key, index, self.hex_len),
            None => Ok((0..index.len() as u32).map(|c| index.label(c)).collect()),
        }
    }

    /// True when a group of `n_customers` is below `k` and must not be reported.
    ///
    /// ```
    /// assert!(segcore::analytics::privacy::Privacy::default().suppressed(3));
    /// ```
    pub fn suppressed(&self, n_customers: u64) -> bool {
        is_suppressed(n_customers, self.k)
    }

    /// `Some(value)` when the group has at least `k` customers, else `None`.
    ///
    /// ```
    /// let p = segcore::analytics::privacy::Privacy::default();
    /// assert_eq!(p.cell(12, 0.5), Some(0.5));
    /// assert_eq!(p.cell(2, 0.5), None);
    /// ```
    pub fn cell<T>(&self, n_customers: u64, value: T) -> Option<T> {
        suppress(n_customers, self.k, value)
    }

    /// Replaces the customer id of every abandoned cart of a follow-up list by its output id
    /// ([`Privacy::id`]); the dense `customer_code` (a row number, not an id) is kept.
    ///
    /// ```
    /// use segcore::analytics::funnel::FunnelAnalysis;
    /// use segcore::analytics::privacy::{pseudonymise_one, Privacy};
    /// let ev = segcore::data::Events::builder(vec!["c-9", "c-9"], vec![0_i64, 10], vec!["product_view", "add_to_cart"]).build().unwrap();
    /// let mut list = FunnelAnalysis::params().fit(&ev).unwrap().follow_up(100, 3600, None::<&[String]>).unwrap();
    /// Privacy::with_key("k").pseudonymise_carts(&mut list).unwrap();
    /// assert_eq!(list[0].customer, pseudonymise_one(b"k", "c-9", None).unwrap());
    /// ```
    pub fn pseudonymise_carts(&self, carts: &mut [AbandonedCart]) -> Result<()> {
        for c in carts.iter_mut() {
            c.customer = self.id(&c.customer)?;
        }
        Ok(())
    }

    /// The segment profile table with every segment of fewer than `k` customers suppressed
    /// (its size, share and every statistic hidden; it keeps its label and name).
    ///
    /// ```
    /// use segcore::analytics::privacy::Privacy;
    /// use segcore::cluster::profile::{profile_segments, ProfileExtras, Vocabulary};
    /// let x = ndarray::Array2::from_shape_fn((12, 1), |(i, _)| i as f64);
    /// let labels: Vec<usize> = (0..12).map(|i| usize::from(i >= 10)).collect();
    /// let p = profile_segments(&["frequency".to_string()], x.view(), &labels,
    ///     &ProfileExtras::default(), &Vocabulary::default()).unwrap();
    /// let safe = Privacy::default().profiles(&p).unwrap();
    /// assert!(!safe.segments[0].suppressed && safe.segments[0].size == Some(10));
    /// assert!(safe.segments[1].suppressed && safe.segments[1].mean.is_none());
    /// ```
    pub fn profiles(&self, profiles: &Profiles) -> Result<SafeProfiles> {
        self.validate()?;
        let segments = profiles
            .segments
            .iter()
            .map(|s| {
                if self.suppressed(s.size as u64) {
                    SafeSegmentProfile {
                        segment: s.segment,
                        name: s.name.clone(),
                        suppressed: true,
                        size: None,
                        share: None,
                        mean: None,
                        median: None,
                        z: None,
                        clv_total: None,
                        clv_mean: None,
                        churn_mean: None,
                    }
                } else {
                    SafeSegmentProfile {
                        segment: s.segment,
                        name: s.name.clone(),
                        suppressed: false,
                        size: Some(s.size),
                        share: Some(s.share),
                        mean: Some(s.mean.clone()),
                        median: Some(s.median.clone()),
                        z: Some(s.z.clone()),
                        clv_total: s.clv_total,
                        clv_mean: s.clv_mean,
                        churn_mean: s.churn_mean,
                    }
                }
            })
            .collect();
        Ok(SafeProfiles {
            k: self.k,
            features: profiles.features.clone(),
            segments,
        })
    }
}

/// One segment of a [`SafeProfiles`] table: as [`crate::cluster::profile::SegmentProfile`], with
/// every number `None` when the segment is suppressed.
///
/// ```
/// # use segcore::analytics::privacy::SafeSegmentProfile;
/// let s = SafeSegmentProfile { segment: 0, name: "a".into(), suppressed: true, size: None, share: None,
///     mean: None, median: None, z: None, clv_total: None, clv_mean: None, churn_mean: None };
/// assert!(s.suppressed);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SafeSegmentProfile {
    /// Segment label.
    pub segment: usize,
    /// Plain-language name.
    pub name: String,
    /// Fewer than `k` customers: every number hidden.
    pub suppressed: bool,
    /// Customers in the segment.
    pub size: Option<usize>,
    /// Share of all customers.
    pub share: Option<f64>,
    /// Mean of each feature.
    pub mean: Option<Vec<f64>>,
    /// Median of each feature.
    pub median: Option<Vec<f64>>,
    /// z-score of the segment mean against the population.
    pub z: Option<Vec<f64>>,
    /// Total CLV, when given.
    pub clv_total: Option<f64>,
    /// Mean CLV, when given.
    pub clv_mean: Option<f64>,
    /// Mean churn probability, when given.
    pub churn_mean: Option<f64>,
}

/// The segment profile table after suppression ([`Privacy::profiles`]).
///
/// ```
/// let t = segcore::analytics::privacy::SafeProfiles { k: 10, features: vec![], segments: vec![] };
/// assert_eq!(t.k, 10);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SafeProfiles {
    /// The minimum group size applied.
    pub k: usize,
    /// Feature names (order of `mean`, `median`, `z`).
    pub features: Vec<String>,
    /// One row per segment, by label.
    pub segments: Vec<SafeSegmentProfile>,
}

/// Analyses whose parameters carry a minimum group size: `params.with_privacy(&privacy)` sets it
/// to `privacy.k`.
///
/// ```
/// use segcore::analytics::cohorts::Cohorts;
/// use segcore::analytics::privacy::{Privacy, WithPrivacy};
/// assert_eq!(Cohorts::params().with_privacy(&Privacy::default().k(25)).min_group, 25);
/// ```
pub trait WithPrivacy: Sized {
    /// These parameters with the minimum group size of `privacy`.
    fn with_privacy(self, privacy: &Privacy) -> Self;
}

macro_rules! with_privacy {
    ($($t:ty),*) => {$(
        impl WithPrivacy for $t {
            fn with_privacy(mut self, privacy: &Privacy) -> Self {
                self.min_group = privacy.k;
                self
            }
        }
    )*};
}

with_privacy!(
    crate::analytics::funnel::FunnelParams,
    crate::analytics::cohorts::CohortParams,
    crate::analytics::experiments::ExperimentParams,
    crate::analytics::anomaly::AnomalyParams
);
