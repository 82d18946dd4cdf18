//! The per-customer pass: group the logs once, cut each customer's rows at `as_of`, build
//! their orders and purchase occasions, and let every family write its columns of that
//! customer's row. Customers are processed in fixed blocks in parallel; each block writes
//! only its own rows, and every number of a row comes from that customer's rows in time
//! order, so the output does not depend on the number of threads.

use rayon::prelude::*;

use crate::data::{Events, Feedback, Groups, Transactions, MISSING};

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
    /// The order's earliest row (first in time order).
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
    pub tx: &'a Transactions,
    /// Transaction rows `<= as_of`, time order (purchases and returns).
    pub tx_rows: &'a [u32],
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

/// Builds the orders of one customer from their time-ordered rows into `out`.
pub(crate) fn build_orders(
    tx: &Transactions,
    rows: &[u32],
    out: &mut Vec<Order>,
    keyed: &mut Vec<(u8, i64, u32, usize)>,
) {
    out.clear();
    let ts = &tx.timestamp;
    let amount = &tx.amount;
    let qty = tx.quantity.as_deref();
    match tx.order_id.as_ref() {
        None => {
            for &r in rows {
                let r_ = r as usize;
                let a = amount[r_];
                if a < 0.0 {
                    continue;
                }
                let q = qty.map_or(0.0, |q| q[r_]);
                match out.last_mut() {
                    Some(o) if o.time == ts[r_] => {
                        o.value += a;
                        o.quantity += q;
                    }
                    _ => out.push(Order {
                        time: ts[r_],
                        value: a,
                        quantity: q,
                        first_row: r,
                    }),
                }
            }
        }
        Some(ids) => {
            keyed.clear();
            for (pos, &r) in rows.iter().enumerate() {
                let r_ = r as usize;
                if amount[r_] < 0.0 {
                    continue;
                }
                let code = ids.codes[r_];
                if code == MISSING {
                    keyed.push((1, ts[r_], r, pos));
                } else {
                    keyed.push((0, code as i64, r, pos));
                }
            }
            // by key, then by position in time order: each order's first entry is its earliest row
            keyed.sort_unstable_by_key(|&(k, v, _, pos)| (k, v, pos));
            let mut firsts: Vec<(usize, Order)> = Vec::new();
            let mut i = 0;
            while i < keyed.len() {
                let (k, v, r0, pos0) = keyed[i];
                let mut o = Order {
                    time: ts[r0 as usize],
                    value: 0.0,
                    quantity: 0.0,
                    first_row: r0,
                };
                while i < keyed.len() && keyed[i].0 == k && keyed[i].1 == v {
                    let r_ = keyed[i].2 as usize;
                    o.value += amount[r_];
                    o.quantity += qty.map_or(0.0, |q| q[r_]);
                    i += 1;
                }
                firsts.push((pos0, o));
            }
            firsts.sort_unstable_by_key(|&(pos, _)| pos);
            out.extend(firsts.into_iter().map(|(_, o)| o));
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

/// The grouped logs a pass reads.
pub(crate) struct Grouped<'a> {
    pub as_of: i64,
    pub period: Option<i64>,
    pub tx: &'a Transactions,
    pub tx_groups: &'a Groups,
    pub ev: Option<(&'a Events, &'a Groups)>,
    pub fb: Option<(&'a Feedback, &'a Groups)>,
}

/// Per-block working memory for the orders and occasions of the current customer.
#[derive(Default)]
pub(crate) struct Work {
    orders: Vec<Order>,
    occasions: Vec<Occasion>,
    keyed: Vec<(u8, i64, u32, usize)>,
}

/// Runs `fill(customer, row)` for every customer in parallel over fixed blocks, writing
/// `width` values per customer, and returns the row-major values and the summaries.
pub(crate) fn run<S, I, F>(
    g: &Grouped<'_>,
    n: usize,
    width: usize,
    init: I,
    fill: F,
) -> (Vec<f64>, Vec<Summary>)
where
    S: Send,
    I: Fn() -> S + Sync + Send,
    F: Fn(&Customer<'_>, &mut [f64], &mut S) + Sync + Send,
{
    let mut values = vec![0.0; n * width];
    let mut summaries = vec![Summary::default(); n];
    let empty: &[u32] = &[];
    let body = |(b, (vals, sums)): (usize, (&mut [f64], &mut [Summary])), st: &mut (Work, S)| {
        let (work, scratch) = st;
        for (i, summary_out) in sums.iter_mut().enumerate() {
            let c = b * BLOCK + i;
            let tx_rows = rows_until(g.tx_groups, &g.tx.timestamp, c, g.as_of);
            build_orders(g.tx, tx_rows, &mut work.orders, &mut work.keyed);
            build_occasions(&work.orders, g.period, &mut work.occasions);
            let summary = summarize(&work.occasions, g.as_of);
            *summary_out = summary;
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
                tx: g.tx,
                tx_rows,
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
    };
    if width == 0 {
        summaries.par_chunks_mut(BLOCK).enumerate().for_each_init(
            || (Work::default(), init()),
            |st, (b, sums)| body((b, (&mut [], sums)), st),
        );
    } else {
        values
            .par_chunks_mut(BLOCK * width)
            .zip(summaries.par_chunks_mut(BLOCK))
            .enumerate()
            .for_each_init(|| (Work::default(), init()), |st, x| body(x, st));
    }
    (values, summaries)
}
