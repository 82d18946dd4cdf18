//! Helpers shared by the live-scoring integration tests (included with `#[path]`).
#![allow(dead_code)]

use segcore::data::Transactions;
use segcore::pipeline::live::{CustomerState, OrderEvent};

/// The row `r` of `tx` as a live order event (every optional column carried over).
pub fn event(tx: &Transactions, r: usize) -> OrderEvent {
    let mut e = OrderEvent::new(tx.timestamp()[r], tx.amount()[r]);
    if let Some(q) = tx.quantity() {
        e = e.quantity(q[r]);
    }
    if let Some(d) = tx.discount() {
        e = e.discount(d[r]);
    }
    if let Some(id) = tx.order_id().and_then(|c| c.get(r)) {
        e = e.order_id(id);
    }
    if let Some(c) = tx.category().and_then(|c| c.get(r)) {
        e = e.category(c);
    }
    if let Some(c) = tx.channel().and_then(|c| c.get(r)) {
        e = e.channel(c);
    }
    e
}

/// Row indices of `tx` in time order (ties in row order).
pub fn time_order(tx: &Transactions) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..tx.len()).collect();
    rows.sort_by_key(|&r| (tx.timestamp()[r], r));
    rows
}

/// Replays every row of `tx`, in time order, into one state per customer code.
pub fn replay(tx: &Transactions, period: Option<i64>) -> Vec<CustomerState> {
    let mut states = vec![CustomerState::new(period).unwrap(); tx.customers().len()];
    for r in time_order(tx) {
        states[tx.customer()[r] as usize].add(event(tx, r)).unwrap();
    }
    states
}

/// `a` and `b` agree to 1e-9 relative (absolute near zero); NaN equals NaN.
pub fn close(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}
