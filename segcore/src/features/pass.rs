//! The per-customer pass: bucket the transactions by customer once, then, block of customers
//! by block in parallel, gather the block's transaction columns into contiguous buffers in
//! (customer, time, row) order, cut each customer's rows at `as_of`, build their orders and
//! purchase occasions, and let every family write its columns of that customer's row. Each
//! block writes only its own rows, and every number of a row comes from that customer's
//! rows in time order, so the output does not depend on the number of threads.

use rayon::prelude::*;

use super::bucket::Buckets;
use super::rfm::PurchaseSummary;
use crate::data::TimeUnit;
use crate::data::{Events, Feedback, Groups, MISSING, Transactions};

/// Customers per parallel block.
pub(crate) const BLOCK: usize = 2048;

/// One order: purchase rows (amount >= 0) sharing an order id, or, without an order id,
/// sharing a timestamp.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Order {
    /// Time of the order's earliest row.
    pub time: i64,
    /// Sum of the amounts of its rows.
    pub value: f64,
    /// Sum of the quantities of its rows (0 without a quantity column).
    pub quantity: f64,
    /// The order's earliest row: position in the customer's [`TxSlice`].
    pub first_row: u32,
}

/// One purchase occasion: the orders of one merge period (or one order when not merging).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Occasion {
    /// Time of its earliest order.
    pub time: i64,
    /// Sum of its orders' values.
    pub value: f64,
}

/// The CLV summary of one customer (days): x, t_x, T, mean repeat spend, purchaser flag.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Summary {
    pub x: f64,
    pub t_x: f64,
    pub t: f64,
    pub mean_repeat_spend: f64,
    pub purchaser: bool,
}

/// Everything a family may read about one customer.
pub(crate) struct Customer<'a> {
    pub as_of: i64,
    /// The customer's transactions `<= as_of` in time order (purchases and returns).
    pub tx: TxSlice<'a>,
    /// Orders in time order.
    pub orders: &'a [Order],
    /// Purchase occasions in time order.
    pub occasions: &'a [Occasion],
    pub summary: Summary,
    pub ev: Option<&'a Events>,
    /// Event rows `<= as_of`, time order.
    pub ev_rows: &'a [u32],
    pub fb: Option<&'a Feedback>,
    /// Feedback rows `<= as_of`, time order.
    pub fb_rows: &'a [u32],
}

pub(crate) const DAY: f64 = 86_400.0;

/// Seconds to days.
pub(crate) fn days(secs: i64) -> f64 {
    secs as f64 / DAY
}

/// The rows of `c` with timestamp `<= as_of`.
pub(crate) fn rows_until<'a>(g: &'a Groups, ts: &[i64], c: usize, as_of: i64) -> &'a [u32] {
    let rows = g.rows_of(c);
    let end = rows.partition_point(|&r| ts[r as usize] <= as_of);
    &rows[..end]
}

/// Builds the orders of one customer from their time-ordered transactions into `out`.
pub(crate) fn build_orders(
    tx: &TxSlice<'_>,
    out: &mut Vec<Order>,
    keyed: &mut Vec<(u8, i64, u32)>,
) {
    out.clear();
    let qty = tx.quantity;
    match tx.order {
        None => {
            for (i, (&t, &a)) in tx.ts.iter().zip(tx.amount).enumerate() {
                if a < 0.0 {
                    continue;
                }
                let q = qty.map_or(0.0, |q| q[i]);
                match out.last_mut() {
                    Some(o) if o.time == t => {
                        o.value += a;
                        o.quantity += q;
                    }
                    _ => out.push(Order {
                        time: t,
                        value: a,
                        quantity: q,
                        first_row: i as u32,
                    }),
                }
            }
        }
        Some(ids) => {
            keyed.clear();
            for (i, &a) in tx.amount.iter().enumerate() {
                if a < 0.0 {
                    continue;
                }
                if ids[i] == MISSING {
                    keyed.push((1, tx.ts[i], i as u32));
                } else {
                    keyed.push((0, ids[i] as i64, i as u32));
                }
            }
            // by key, then position: each order's first entry is its earliest row
            keyed.sort_unstable();
            let mut i = 0;
            while i < keyed.len() {
                let (k, v, first) = keyed[i];
                let mut o = Order {
                    time: tx.ts[first as usize],
                    value: 0.0,
                    quantity: 0.0,
                    first_row: first,
                };
                while i < keyed.len() && keyed[i].0 == k && keyed[i].1 == v {
                    let r = keyed[i].2 as usize;
                    o.value += tx.amount[r];
                    o.quantity += qty.map_or(0.0, |q| q[r]);
                    i += 1;
                }
                out.push(o);
            }
            // time order of the orders = order of their first rows
            out.sort_unstable_by_key(|o| o.first_row);
        }
    }
}

/// Merges time-ordered orders into occasions: orders in the same UTC period of `period`
/// seconds form one occasion; `None` makes every order an occasion.
pub(crate) fn build_occasions(orders: &[Order], period: Option<i64>, out: &mut Vec<Occasion>) {
    out.clear();
    let mut last_bucket = i64::MIN;
    for o in orders {
        let bucket = match period {
            Some(p) => o.time.div_euclid(p),
            None => i64::MIN,
        };
        match out.last_mut() {
            Some(occ) if period.is_some() && bucket == last_bucket => occ.value += o.value,
            _ => out.push(Occasion {
                time: o.time,
                value: o.value,
            }),
        }
        last_bucket = bucket;
    }
}

/// The CLV summary of time-ordered occasions as of `as_of`, in days.
pub(crate) fn summarize(occ: &[Occasion], as_of: i64) -> Summary {
    match (occ.first(), occ.last()) {
        (Some(first), Some(last)) => {
            let x = occ.len() - 1;
            let mrs = if x == 0 {
                0.0
            } else {
                occ[1..].iter().map(|o| o.value).sum::<f64>() / x as f64
            };
            Summary {
                x: x as f64,
                t_x: days(last.time - first.time),
                t: days(as_of - first.time),
                mean_repeat_spend: mrs,
                purchaser: true,
            }
        }
        _ => Summary::default(),
    }
}

/// One customer's transactions, contiguous, in time order (ties in row order).
#[derive(Clone, Copy)]
pub(crate) struct TxSlice<'a> {
    pub ts: &'a [i64],
    pub amount: &'a [f64],
    /// Present when the column exists and a family needs it.
    pub quantity: Option<&'a [f64]>,
    pub category: Option<&'a [u32]>,
    pub channel: Option<&'a [u32]>,
    pub order: Option<&'a [u32]>,
    pub discount: Option<&'a [bool]>,
}

/// Which optional transaction columns the selected families read.
#[derive(Clone, Copy, Default)]
pub(crate) struct Needs {
    pub quantity: bool,
    pub category: bool,
    pub channel: bool,
    pub discount: bool,
}

/// A block's transactions gathered in (customer, time, row) order.
#[derive(Default)]
struct TxBlock {
    pairs: Vec<(i64, u32)>,
    amount: Vec<f64>,
    quantity: Vec<f64>,
    category: Vec<u32>,
    channel: Vec<u32>,
    order: Vec<u32>,
    discount: Vec<bool>,
    ts: Vec<i64>,
}

impl TxBlock {
    /// Gathers `rows` (bucketed by customer, `offsets` relative to the block) and sorts each
    /// customer's rows by time, then row.
    fn gather(&mut self, tx: &Transactions, needs: Needs, rows: &[u32], offsets: &[usize]) {
        self.pairs.clear();
        self.pairs
            .extend(rows.iter().map(|&r| (tx.timestamp[r as usize], r)));
        for w in offsets.windows(2) {
            let g = &mut self.pairs[w[0]..w[1]];
            if g.windows(2).any(|p| p[0] > p[1]) {
                g.sort_unstable();
            }
        }
        let pairs = &self.pairs;
        self.ts.clear();
        self.ts.extend(pairs.iter().map(|p| p.0));
        self.amount.clear();
        self.amount
            .extend(pairs.iter().map(|p| tx.amount[p.1 as usize]));
        fn fill<T: Copy>(dst: &mut Vec<T>, src: Option<&[T]>, want: bool, pairs: &[(i64, u32)]) {
            dst.clear();
            if let (true, Some(src)) = (want, src) {
                dst.extend(pairs.iter().map(|p| src[p.1 as usize]));
            }
        }
        fill(
            &mut self.quantity,
            tx.quantity.as_deref(),
            needs.quantity,
            pairs,
        );
        fill(
            &mut self.discount,
            tx.discount.as_deref(),
            needs.discount,
            pairs,
        );
        fn codes(c: &Option<crate::data::Categorical>) -> Option<&[u32]> {
            c.as_ref().map(|c| &c.codes[..])
        }
        fill(
            &mut self.category,
            codes(&tx.category),
            needs.category,
            pairs,
        );
        fill(&mut self.channel, codes(&tx.channel), needs.channel, pairs);
        fill(&mut self.order, codes(&tx.order_id), true, pairs);
    }

    fn slice(&self, tx: &Transactions, needs: Needs, s: usize, e: usize) -> TxSlice<'_> {
        TxSlice {
            ts: &self.ts[s..e],
            amount: &self.amount[s..e],
            quantity: (needs.quantity && tx.quantity.is_some()).then(|| &self.quantity[s..e]),
            category: (needs.category && tx.category.is_some()).then(|| &self.category[s..e]),
            channel: (needs.channel && tx.channel.is_some()).then(|| &self.channel[s..e]),
            order: tx.order_id.is_some().then(|| &self.order[s..e]),
            discount: (needs.discount && tx.discount.is_some()).then(|| &self.discount[s..e]),
        }
    }
}

/// The grouped logs a pass reads.
pub(crate) struct Grouped<'a> {
    pub as_of: i64,
    pub period: Option<i64>,
    pub tx: &'a Transactions,
    pub tx_buckets: &'a Buckets,
    pub needs: Needs,
    pub ev: Option<(&'a Events, &'a Groups)>,
    pub fb: Option<(&'a Feedback, &'a Groups)>,
}

/// Per-block working memory.
#[derive(Default)]
pub(crate) struct Work {
    block: TxBlock,
    orders: Vec<Order>,
    occasions: Vec<Occasion>,
    keyed: Vec<(u8, i64, u32)>,
}

/// Runs `fill(customer, row)` for every customer in parallel over fixed blocks, writing
/// `width` values per customer (`width >= 1`), and returns the row-major values and the
/// CLV summary columns.
pub(crate) fn run<S, I, F>(
    g: &Grouped<'_>,
    n: usize,
    width: usize,
    init: I,
    fill: F,
) -> (Vec<f64>, PurchaseSummary)
where
    S: Send,
    I: Fn() -> S + Sync + Send,
    F: Fn(&Customer<'_>, &mut [f64], &mut S) + Sync + Send,
{
    let width = width.max(1);
    let mut values = vec![0.0; n * width];
    let mut sum = PurchaseSummary {
        x: vec![0.0; n],
        t_x: vec![0.0; n],
        t: vec![0.0; n],
        mean_repeat_spend: vec![0.0; n],
        purchaser: vec![false; n],
        unit: TimeUnit::Days,
    };
    let empty: &[u32] = &[];
    let off = &g.tx_buckets.offsets;
    (
        values.par_chunks_mut(BLOCK * width),
        sum.x.par_chunks_mut(BLOCK),
        sum.t_x.par_chunks_mut(BLOCK),
        sum.t.par_chunks_mut(BLOCK),
        sum.mean_repeat_spend.par_chunks_mut(BLOCK),
        sum.purchaser.par_chunks_mut(BLOCK),
    )
        .into_par_iter()
        .enumerate()
        .for_each_init(
            || (Work::default(), init()),
            |(work, scratch), (b, (vals, x, t_x, t, mrs, buyer))| {
                let lo = b * BLOCK;
                let hi = lo + x.len();
                let base = off[lo];
                let rel: Vec<usize> = off[lo..=hi].iter().map(|o| o - base).collect();
                work.block
                    .gather(g.tx, g.needs, &g.tx_buckets.rows[base..off[hi]], &rel);
                for i in 0..x.len() {
                    let c = lo + i;
                    let (s, e) = (rel[i], rel[i + 1]);
                    let cut = s + work.block.ts[s..e].partition_point(|&t| t <= g.as_of);
                    let tx = work.block.slice(g.tx, g.needs, s, cut);
                    build_orders(&tx, &mut work.orders, &mut work.keyed);
                    build_occasions(&work.orders, g.period, &mut work.occasions);
                    let summary = summarize(&work.occasions, g.as_of);
                    (x[i], t_x[i], t[i], mrs[i], buyer[i]) = (
                        summary.x,
                        summary.t_x,
                        summary.t,
                        summary.mean_repeat_spend,
                        summary.purchaser,
                    );
                    let (ev, ev_rows) = match g.ev {
                        Some((e, gr)) => (Some(e), rows_until(gr, &e.timestamp, c, g.as_of)),
                        None => (None, empty),
                    };
                    let (fb, fb_rows) = match g.fb {
                        Some((f, gr)) => (Some(f), rows_until(gr, &f.timestamp, c, g.as_of)),
                        None => (None, empty),
                    };
                    let cu = Customer {
                        as_of: g.as_of,
                        tx,
                        orders: &work.orders,
                        occasions: &work.occasions,
                        summary,
                        ev,
                        ev_rows,
                        fb,
                        fb_rows,
                    };
                    fill(&cu, &mut vals[i * width..(i + 1) * width], scratch);
                }
            },
        );
    (values, sum)
}
