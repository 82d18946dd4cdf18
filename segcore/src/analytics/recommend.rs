//! Item-to-item co-purchase recommendations and popular items per segment.
//!
//! A *basket* is everything a customer bought ([`Basket::Customer`], default) or one order
//! ([`Basket::Order`], needs the order id column). Returns (negative amounts) and rows without a
//! product are ignored. For items `i`, `j` bought in `n_i`, `n_j` of `N` baskets and together
//! in `n_ij`:
//! * lift `= n_ij · N / (n_i · n_j)` (1 = independent),
//! * cosine `= n_ij / √(n_i · n_j)`.
//!
//! Pairs seen together in fewer than `min_support` baskets (default 2) are dropped; each item
//! keeps its `max_neighbours` best (default 50). Recommendations for a customer add up the
//! scores of the neighbours of everything they bought and exclude what they already have.
//! Pair counting is quadratic in basket size.
//!
//! ```
//! use segcore::analytics::recommend::CoPurchase;
//! use segcore::data::Transactions;
//! let tx = Transactions::builder(vec![1_i64, 1, 2, 2, 3, 3], vec![0_i64; 6], vec![1.0; 6])
//!     .product(vec!["tent", "stove", "tent", "stove", "tent", "mat"]).build().unwrap();
//! let m = CoPurchase::params().fit(&tx).unwrap();
//! let s = m.similar("tent", 5).unwrap();
//! assert_eq!(s[0].item, "stove"); // mat is bought with a tent only once (< min_support 2)
//! assert_eq!(m.recommend(&["tent"], 5)[0].item, "stove");
//! ```

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::privacy::{check_min_group, is_suppressed};
use crate::data::{Categorical, MISSING, Transactions};
use crate::model::ModelKind;
use crate::{Result, SegError};

/// Pair score.
///
/// ```
/// assert_eq!(segcore::analytics::recommend::Similarity::default(), segcore::analytics::recommend::Similarity::Cosine);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Similarity {
    /// `n_ij / √(n_i n_j)`.
    #[default]
    Cosine,
    /// `n_ij N / (n_i n_j)`.
    Lift,
}

/// What counts as one basket.
///
/// ```
/// assert_eq!(segcore::analytics::recommend::Basket::default(), segcore::analytics::recommend::Basket::Customer);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Basket {
    /// All purchases of a customer.
    #[default]
    Customer,
    /// One order (order id column).
    Order,
}

/// Builder for [`CoPurchase`].
///
/// ```
/// use segcore::analytics::recommend::{CoPurchase, Similarity};
/// let p = CoPurchase::params().similarity(Similarity::Lift).min_support(3);
/// assert_eq!(p.min_support, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoPurchaseParams {
    /// Pair score (default cosine).
    pub similarity: Similarity,
    /// Basket definition (default customer).
    pub basket: Basket,
    /// Minimum baskets holding both items (default 2).
    pub min_support: u64,
    /// Neighbours kept per item (default 50).
    pub max_neighbours: usize,
}

impl Default for CoPurchaseParams {
    fn default() -> Self {
        CoPurchaseParams {
            similarity: Similarity::Cosine,
            basket: Basket::Customer,
            min_support: 2,
            max_neighbours: 50,
        }
    }
}

/// A neighbour of an item in a fitted [`CoPurchase`].
///
/// ```
/// let n = segcore::analytics::recommend::Neighbour { item: 1, score: 0.5, support: 3 };
/// assert_eq!(n.support, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Neighbour {
    /// Index into [`CoPurchase::items`].
    pub item: u32,
    /// Pair score.
    pub score: f64,
    /// Baskets holding both.
    pub support: u64,
}

/// A scored item.
///
/// ```
/// let s = segcore::analytics::recommend::ItemScore { item: "tent".into(), score: 1.0, support: 2 };
/// assert_eq!(s.item, "tent");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemScore {
    /// Product id.
    pub item: String,
    /// Score (summed over the items it complements).
    pub score: f64,
    /// Co-purchase support (summed likewise).
    pub support: u64,
}

/// Fitted co-purchase model (serialisable, kind `CoPurchase`).
///
/// ```
/// # use segcore::analytics::recommend::CoPurchase;
/// # let tx = segcore::data::Transactions::builder(vec![1_i64, 1], vec![0_i64; 2], vec![1.0; 2]).product(vec!["a", "b"]).build().unwrap();
/// let m = CoPurchase::params().min_support(1).fit(&tx).unwrap();
/// let back: CoPurchase = segcore::model::from_json(&segcore::model::to_json(&m).unwrap()).unwrap();
/// assert_eq!(back, m);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoPurchase {
    /// The parameters used.
    pub params: CoPurchaseParams,
    /// Product ids (sorted).
    pub items: Vec<String>,
    /// Baskets holding each item.
    pub item_baskets: Vec<u64>,
    /// Number of baskets.
    pub n_baskets: u64,
    /// Best neighbours of each item, best first.
    pub neighbours: Vec<Vec<Neighbour>>,
}

impl ModelKind for CoPurchase {
    const KIND: &'static str = "CoPurchase";
}

fn products(tx: &Transactions) -> Result<&Categorical> {
    tx.product()
        .ok_or_else(|| SegError::param("transactions", "a product column is needed"))
}

/// Distinct product codes each customer bought (amount >= 0), sorted.
fn customer_items(tx: &Transactions, prod: &Categorical) -> Vec<Vec<u32>> {
    let n = tx.customers().len();
    let mut out = vec![Vec::new(); n];
    for r in 0..tx.len() {
        let p = prod.codes[r];
        if p != MISSING && tx.amount()[r] >= 0.0 {
            out[tx.customer()[r] as usize].push(p);
        }
    }
    for v in out.iter_mut() {
        v.sort_unstable();
        v.dedup();
    }
    out
}

impl CoPurchaseParams {
    /// Sets the pair score.
    ///
    /// ```
    /// use segcore::analytics::recommend::{CoPurchase, Similarity};
    /// assert_eq!(CoPurchase::params().similarity(Similarity::Lift).similarity, Similarity::Lift);
    /// ```
    pub fn similarity(mut self, s: Similarity) -> Self {
        self.similarity = s;
        self
    }
    /// Sets the basket definition.
    ///
    /// ```
    /// use segcore::analytics::recommend::{Basket, CoPurchase};
    /// assert_eq!(CoPurchase::params().basket(Basket::Order).basket, Basket::Order);
    /// ```
    pub fn basket(mut self, b: Basket) -> Self {
        self.basket = b;
        self
    }
    /// Sets the minimum pair support.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::recommend::CoPurchase::params().min_support(5).min_support, 5);
    /// ```
    pub fn min_support(mut self, s: u64) -> Self {
        self.min_support = s;
        self
    }
    /// Sets the number of neighbours kept per item.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::recommend::CoPurchase::params().max_neighbours(5).max_neighbours, 5);
    /// ```
    pub fn max_neighbours(mut self, n: usize) -> Self {
        self.max_neighbours = n;
        self
    }

    /// Counts baskets and pairs and keeps each item's best neighbours.
    ///
    /// ```
    /// # use segcore::analytics::recommend::{Basket, CoPurchase};
    /// let tx = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![1.0]).product(vec!["a"]).build().unwrap();
    /// assert!(CoPurchase::params().basket(Basket::Order).fit(&tx).is_err()); // no order ids
    /// ```
    pub fn fit(&self, tx: &Transactions) -> Result<CoPurchase> {
        if self.min_support == 0 {
            return Err(SegError::param("min_support", "must be at least 1"));
        }
        if self.max_neighbours == 0 {
            return Err(SegError::param("max_neighbours", "must be at least 1"));
        }
        let prod = products(tx)?;
        let baskets: Vec<Vec<u32>> = match self.basket {
            Basket::Customer => customer_items(tx, prod),
            Basket::Order => {
                let ord = tx.order_id().ok_or_else(|| {
                    SegError::param("basket", "order baskets need the order id column")
                })?;
                let mut b = vec![Vec::new(); ord.levels.len()];
                for r in 0..tx.len() {
                    let (o, p) = (ord.codes[r], prod.codes[r]);
                    if o != MISSING && p != MISSING && tx.amount()[r] >= 0.0 {
                        b[o as usize].push(p);
                    }
                }
                for v in b.iter_mut() {
                    v.sort_unstable();
                    v.dedup();
                }
                b
            }
        };
        let n_items = prod.levels.len();
        let mut item_baskets = vec![0u64; n_items];
        let mut pairs: FxHashMap<(u32, u32), u64> = FxHashMap::default();
        let mut n_baskets = 0u64;
        for b in baskets.iter().filter(|b| !b.is_empty()) {
            n_baskets += 1;
            for (x, &i) in b.iter().enumerate() {
                item_baskets[i as usize] += 1;
                for &j in &b[x + 1..] {
                    *pairs.entry((i, j)).or_insert(0) += 1;
                }
            }
        }
        if n_baskets == 0 {
            return Err(SegError::Empty {
                what: "baskets with a product".into(),
            });
        }
        let mut neighbours: Vec<Vec<Neighbour>> = vec![Vec::new(); n_items];
        for (&(i, j), &s) in &pairs {
            if s < self.min_support {
                continue;
            }
            let (ni, nj) = (
                item_baskets[i as usize] as f64,
                item_baskets[j as usize] as f64,
            );
            let score = match self.similarity {
                Similarity::Cosine => s as f64 / (ni * nj).sqrt(),
                Similarity::Lift => s as f64 * n_baskets as f64 / (ni * nj),
            };
            neighbours[i as usize].push(Neighbour {
                item: j,
                score,
                support: s,
            });
            neighbours[j as usize].push(Neighbour {
                item: i,
                score,
                support: s,
            });
        }
        for v in neighbours.iter_mut() {
            v.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
            v.truncate(self.max_neighbours);
        }
        Ok(CoPurchase {
            params: self.clone(),
            items: prod.levels.clone(),
            item_baskets,
            n_baskets,
            neighbours,
        })
    }
}

impl CoPurchase {
    /// Default parameters.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::recommend::CoPurchase::params().min_support, 2);
    /// ```
    pub fn params() -> CoPurchaseParams {
        CoPurchaseParams::default()
    }

    fn code(&self, item: &str) -> Option<usize> {
        self.items.binary_search_by(|x| x.as_str().cmp(item)).ok()
    }

    /// The `n` items most co-purchased with `item`.
    ///
    /// ```
    /// # use segcore::analytics::recommend::CoPurchase;
    /// # let tx = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![1.0]).product(vec!["a"]).build().unwrap();
    /// let m = CoPurchase::params().fit(&tx).unwrap();
    /// assert!(m.similar("zzz", 3).is_err());
    /// ```
    pub fn similar(&self, item: &str, n: usize) -> Result<Vec<ItemScore>> {
        let i = self
            .code(item)
            .ok_or_else(|| SegError::param("item", format!("unknown item `{item}`")))?;
        Ok(self
            .neighbours
            .get(i)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|nb| {
                Some(ItemScore {
                    item: self.items.get(nb.item as usize)?.clone(),
                    score: nb.score,
                    support: nb.support,
                })
            })
            .take(n)
            .collect())
    }

    /// Complementary items for a set of owned items (unknown names are ignored): neighbour
    /// scores summed over the owned items, owned items excluded, best `n` first (ties by name).
    ///
    /// ```
    /// # use segcore::analytics::recommend::CoPurchase;
    /// # let tx = segcore::data::Transactions::builder(vec![1_i64, 1], vec![0_i64; 2], vec![1.0; 2]).product(vec!["a", "b"]).build().unwrap();
    /// let m = CoPurchase::params().min_support(1).fit(&tx).unwrap();
    /// assert_eq!(m.recommend(&["a"], 3)[0].item, "b");
    /// assert!(m.recommend(&["a", "b"], 3).is_empty());
    /// ```
    pub fn recommend<S: AsRef<str>>(&self, owned: &[S], n: usize) -> Vec<ItemScore> {
        let owned: Vec<usize> = owned.iter().filter_map(|s| self.code(s.as_ref())).collect();
        let mut score: FxHashMap<u32, (f64, u64)> = FxHashMap::default();
        let mut owned_sorted = owned.clone();
        owned_sorted.sort_unstable();
        owned_sorted.dedup();
        for &i in &owned_sorted {
            for nb in self
                .neighbours
                .get(i)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                if nb.item as usize >= self.items.len() {
                    continue; // inconsistent model file: ignore the entry
                }
                let e = score.entry(nb.item).or_insert((0.0, 0));
                e.0 += nb.score;
                e.1 += nb.support;
            }
        }
        let mut out: Vec<ItemScore> = score
            .into_iter()
            .filter(|(j, _)| owned_sorted.binary_search(&(*j as usize)).is_err())
            .map(|(j, (s, sup))| ItemScore {
                item: self.items[j as usize].clone(),
                score: s,
                support: sup,
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
        out.truncate(n);
        out
    }

    /// Complementary items for one customer of `tx` (by customer code), excluding everything
    /// they already bought.
    ///
    /// ```
    /// # use segcore::analytics::recommend::CoPurchase;
    /// # let tx = segcore::data::Transactions::builder(vec![1_i64, 1, 2], vec![0_i64; 3], vec![1.0; 3]).product(vec!["a", "b", "a"]).build().unwrap();
    /// let m = CoPurchase::params().min_support(1).fit(&tx).unwrap();
    /// assert_eq!(m.recommend_for_customer(&tx, 1, 3).unwrap()[0].item, "b");
    /// ```
    pub fn recommend_for_customer(
        &self,
        tx: &Transactions,
        customer: u32,
        n: usize,
    ) -> Result<Vec<ItemScore>> {
        let prod = products(tx)?;
        if customer as usize >= tx.customers().len() {
            return Err(SegError::param(
                "customer",
                format!("code {customer} is out of range"),
            ));
        }
        let mut owned: Vec<&str> = Vec::new();
        for r in 0..tx.len() {
            if tx.customer()[r] == customer && tx.amount()[r] >= 0.0 {
                if let Some(p) = prod.get(r) {
                    owned.push(p);
                }
            }
        }
        Ok(self.recommend(&owned, n))
    }

    /// Complementary items for many customers of `tx` at once (by customer code), each
    /// excluding what that customer already bought; one pass over `tx`, results in the order of
    /// `customers`.
    ///
    /// ```
    /// # use segcore::analytics::recommend::CoPurchase;
    /// # let tx = segcore::data::Transactions::builder(vec![1_i64, 1, 2], vec![0_i64; 3], vec![1.0; 3]).product(vec!["a", "b", "a"]).build().unwrap();
    /// let m = CoPurchase::params().min_support(1).fit(&tx).unwrap();
    /// let r = m.recommend_for_customers(&tx, &[1, 0], 3).unwrap();
    /// assert_eq!(r[0][0].item, "b");
    /// assert!(r[1].is_empty()); // customer 1 owns both items
    /// ```
    pub fn recommend_for_customers(
        &self,
        tx: &Transactions,
        customers: &[u32],
        n: usize,
    ) -> Result<Vec<Vec<ItemScore>>> {
        let prod = products(tx)?;
        let n_cust = tx.customers().len();
        if let Some(&c) = customers.iter().find(|&&c| c as usize >= n_cust) {
            return Err(SegError::param(
                "customer",
                format!("code {c} is out of range"),
            ));
        }
        let items = customer_items(tx, prod);
        Ok(customers
            .iter()
            .map(|&c| {
                let owned: Vec<&str> = items[c as usize]
                    .iter()
                    .filter_map(|&p| prod.levels.get(p as usize).map(String::as_str))
                    .collect();
                self.recommend(&owned, n)
            })
            .collect())
    }
}

/// An item's popularity in a segment.
///
/// ```
/// let c = segcore::analytics::recommend::ItemCount { item: "a".into(), customers: 12, share: 0.5 };
/// assert_eq!(c.customers, 12);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemCount {
    /// Product id.
    pub item: String,
    /// Customers of the segment who bought it.
    pub customers: u64,
    /// `customers / segment size`.
    pub share: f64,
}

/// Popular items of one segment.
///
/// ```
/// # use segcore::analytics::recommend::popular_by_segment;
/// # let tx = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![1.0]).product(vec!["a"]).build().unwrap();
/// let p = popular_by_segment(&tx, &["x"], 3, 10).unwrap();
/// assert!(p[0].suppressed);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentItems {
    /// Segment label.
    pub segment: String,
    /// Fewer than `min_group` customers: hidden.
    pub suppressed: bool,
    /// Segment size (customers with a label).
    pub customers: Option<u64>,
    /// Top items by number of buying customers (ties by name).
    pub items: Option<Vec<ItemCount>>,
}

/// The `n` items bought by the most customers of each segment; `labels[c]` is the segment of
/// customer code `c` of `tx`. Items bought by fewer than `min_group` customers of the segment
/// are left out too (privacy).
///
/// ```
/// use segcore::analytics::recommend::popular_by_segment;
/// let tx = segcore::data::Transactions::builder(vec![1_i64, 2, 2], vec![0_i64; 3], vec![1.0; 3]).product(vec!["a", "a", "b"]).build().unwrap();
/// let p = popular_by_segment(&tx, &["s", "s"], 5, 1).unwrap();
/// let items = p[0].items.as_ref().unwrap();
/// assert_eq!((items[0].item.as_str(), items[0].customers, items[0].share), ("a", 2, 1.0));
/// ```
pub fn popular_by_segment<S: AsRef<str>>(
    tx: &Transactions,
    labels: &[S],
    n: usize,
    min_group: usize,
) -> Result<Vec<SegmentItems>> {
    check_min_group(min_group)?;
    let prod = products(tx)?;
    let n_cust = tx.customers().len();
    super::check_slice_len("labels", n_cust, labels.len())?;
    let (names, code) = super::intern_labels(labels);
    let items = customer_items(tx, prod);
    let n_items = prod.levels.len();
    let mut counts = vec![vec![0u64; n_items]; names.len()];
    let mut sizes = vec![0u64; names.len()];
    for c in 0..n_cust {
        let s = code[c] as usize;
        sizes[s] += 1;
        for &i in &items[c] {
            counts[s][i as usize] += 1;
        }
    }
    Ok(names
        .into_iter()
        .enumerate()
        .map(|(s, name)| {
            if is_suppressed(sizes[s], min_group) {
                return SegmentItems {
                    segment: name,
                    suppressed: true,
                    customers: None,
                    items: None,
                };
            }
            let mut order: Vec<usize> = (0..n_items)
                .filter(|&i| !is_suppressed(counts[s][i], min_group) && counts[s][i] > 0)
                .collect();
            order.sort_by(|&a, &b| counts[s][b].cmp(&counts[s][a]).then(a.cmp(&b)));
            order.truncate(n);
            SegmentItems {
                segment: name,
                suppressed: false,
                customers: Some(sizes[s]),
                items: Some(
                    order
                        .into_iter()
                        .map(|i| ItemCount {
                            item: prod.levels[i].clone(),
                            customers: counts[s][i],
                            share: counts[s][i] as f64 / sizes[s] as f64,
                        })
                        .collect(),
                ),
            }
        })
        .collect())
}
