//! Every feature family on small hand-built logs with hand-checked values, the cutoff
//! (future rows excluded and counted, no leakage) and thread-count independence.

use segcore::data::{Events, Feedback, Logs, Transactions};
use segcore::features::{Family, FeatureConfig, FeatureSet, Fill, compute};

const D: i64 = 86_400;
const AS_OF: i64 = 100 * D;
const H: i64 = 3_600;

struct Tx {
    id: Vec<&'static str>,
    t: Vec<i64>,
    amount: Vec<f64>,
    cat: Vec<&'static str>,
    qty: Vec<f64>,
    channel: Vec<&'static str>,
    order: Vec<&'static str>,
    discount: Vec<bool>,
}

impl Tx {
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        id: &'static str,
        t: i64,
        amount: f64,
        cat: &'static str,
        qty: f64,
        ch: &'static str,
        order: &'static str,
        disc: bool,
    ) {
        self.id.push(id);
        self.t.push(t);
        self.amount.push(amount);
        self.cat.push(cat);
        self.qty.push(qty);
        self.channel.push(ch);
        self.order.push(order);
        self.discount.push(disc);
    }
    fn build(self) -> Transactions {
        Transactions::builder(self.id, self.t, self.amount)
            .category(self.cat)
            .quantity(self.qty)
            .channel(self.channel)
            .order_id(self.order)
            .discount(self.discount)
            .build()
            .unwrap()
    }
}

#[derive(Default)]
struct Ev {
    id: Vec<&'static str>,
    t: Vec<i64>,
    kind: Vec<&'static str>,
    cat: Vec<&'static str>,
    channel: Vec<&'static str>,
    session: Vec<&'static str>,
}

impl Ev {
    fn row(
        &mut self,
        id: &'static str,
        t: i64,
        kind: &'static str,
        cat: &'static str,
        ch: &'static str,
        session: &'static str,
    ) {
        self.id.push(id);
        self.t.push(t);
        self.kind.push(kind);
        self.cat.push(cat);
        self.channel.push(ch);
        self.session.push(session);
    }
    fn build(self) -> Events {
        Events::builder(self.id, self.t, self.kind)
            .category(self.cat)
            .channel(self.channel)
            .session(self.session)
            .build()
            .unwrap()
    }
}

/// Customers a, b, c, d (events only), e (feedback only). Future rows: 1 transaction,
/// 1 event, 1 feedback.
fn shop() -> (Tx, Ev, Feedback) {
    let mut tx = Tx {
        id: vec![],
        t: vec![],
        amount: vec![],
        cat: vec![],
        qty: vec![],
        channel: vec![],
        order: vec![],
        discount: vec![],
    };
    tx.row("a", 10 * D, 20.0, "books", 1.0, "web", "o1", false);
    tx.row("a", 10 * D + H, 30.0, "toys", 2.0, "web", "o2", true);
    tx.row("a", 40 * D, 50.0, "books", 1.0, "app", "o3", false);
    tx.row("a", 45 * D, -10.0, "books", 1.0, "app", "o3", false);
    tx.row("a", 80 * D, 100.0, "music", 4.0, "app", "o4", false);
    tx.row("a", 80 * D, 20.0, "books", 1.0, "app", "o4", false);
    tx.row("b", 95 * D, 15.0, "toys", 1.0, "email", "o5", true);
    tx.row("b", 150 * D, 99.0, "toys", 1.0, "email", "o8", true); // after as_of
    tx.row("c", 32 * D, 5.0, "books", 1.0, "web", "o6", false);
    tx.row("c", 45 * D + 2 * H, 7.0, "toys", 1.0, "web", "o7", false);

    let mut ev = Ev::default();
    // a: campaigns
    for t in [20, 50, 85] {
        ev.row("a", t * D, "email_sent", "", "email", "");
    }
    ev.row("a", 21 * D, "email_open", "", "email", "");
    ev.row("a", 86 * D, "email_open", "", "email", "");
    ev.row("a", 86 * D, "email_click", "", "email", "");
    ev.row("a", 101 * D, "email_open", "", "email", ""); // after as_of
    ev.row("a", 89 * D, "push_sent", "", "", "");
    ev.row("a", 90 * D, "push_open", "", "push", "");
    ev.row("a", 92 * D, "click", "", "sms", "");
    ev.row("a", 30 * D, "social_visit", "", "social", "");
    ev.row("a", 95 * D, "social_visit", "", "social", "");
    for t in [50, 75, 80, 99] {
        ev.row("a", t * D, "app_session", "", "app", "");
    }
    // a: product views (day 60 = Mon 1970-03-02, 75 = Tue 03-17, 95 = Mon 04-06, 98 = Thu 04-09)
    ev.row("a", 60 * D + 10 * H, "product_view", "books", "", "");
    ev.row("a", 75 * D + 20 * H, "product_view", "toys", "", "");
    ev.row("a", 95 * D + 2 * H, "product_view", "books", "", "");
    ev.row("a", 98 * D + 13 * H, "product_view", "", "", "");
    // c: inferred sessions (no session id)
    ev.row("c", 30 * D, "add_to_cart", "books", "", "");
    ev.row("c", 30 * D + 600, "checkout_start", "", "", "");
    ev.row("c", 30 * D + 1200, "shipping", "", "", "");
    ev.row("c", 30 * D + 4800, "page_view", "", "", "");
    ev.row("c", 45 * D, "add_to_cart", "toys", "", "");
    // d: session ids
    ev.row("d", 50 * D, "add_to_cart", "books", "", "s1");
    ev.row("d", 50 * D + 60, "checkout_start", "", "", "s1");
    ev.row("d", 50 * D + 120, "shipping", "", "", "s1");
    ev.row("d", 60 * D, "add_to_cart", "toys", "", "s2");
    ev.row("d", 60 * D + 300, "purchase", "", "", "s2");
    ev.row("d", 70 * D, "page_view", "", "", "s3");
    ev.row("d", 80 * D, "add_to_cart", "toys", "", "s4");
    ev.row("d", 80 * D + 60, "payment", "", "", "s4");
    ev.row("d", 80 * D + 10 * H, "purchase", "", "", "s5");
    ev.row("d", 90 * D, "add_to_cart", "books", "", "s6");
    ev.row("d", 92 * D, "purchase", "", "", "s7");

    let fb = Feedback::builder(
        vec!["a", "a", "a", "a", "e"],
        vec![20 * D, 50 * D, 90 * D, 101 * D, 10 * D],
        vec![9.0, 2.0, 4.0, 3.0, 7.0],
        vec!["nps", "csat", "stars", "nps", "nps"],
    )
    .build()
    .unwrap();
    (tx, ev, fb)
}

fn logs() -> Logs {
    let (tx, ev, fb) = shop();
    Logs::new(tx.build(), Some(ev.build()), Some(fb)).unwrap()
}

fn features(cfg: FeatureConfig) -> FeatureSet {
    compute(&logs(), &cfg.as_of(Some(AS_OF))).unwrap()
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

/// Asserts the named columns of customer `id` (a..e).
fn check(fs: &FeatureSet, id: &str, want: &[(&str, f64)]) {
    let c = fs.matrix.customers.code_of(id).unwrap() as usize;
    for &(name, w) in want {
        let col = fs
            .matrix
            .column(name)
            .unwrap_or_else(|| panic!("no column {name}"));
        assert!(
            same(col[c], w),
            "customer {id}, {name}: got {}, want {w}",
            col[c]
        );
    }
}

const NAN: f64 = f64::NAN;

#[test]
fn purchase_pattern_by_hand() {
    let fs = features(FeatureConfig::default().families(vec![Family::Purchase]));
    check(
        &fs,
        "a",
        &[
            ("recency", 20.0),
            ("frequency", 2.0),
            ("n_occasions", 3.0),
            ("n_orders", 4.0),
            ("tenure", 90.0),
            ("active_span", 70.0),
            ("total_spend", 210.0),
            ("mean_spend", 220.0 / 3.0),
            ("avg_order_value", 55.0),
            ("items_per_order", 2.25),
            ("gap_mean", 35.0),
            ("gap_std", 5.0),
            ("gap_cv", 1.0 / 7.0),
            ("purchases_30d", 1.0),
            ("purchases_90d", 2.0),
            ("purchases_365d", 3.0),
            ("purchase_trend", 1.0),
            ("return_rate", 10.0 / 220.0),
            ("discount_share", 0.2),
            ("mean_repeat_spend", 85.0),
        ],
    );
    check(
        &fs,
        "b",
        &[
            ("recency", 5.0),
            ("frequency", 0.0),
            ("n_orders", 1.0),
            ("tenure", 5.0),
            ("active_span", 0.0),
            ("total_spend", 15.0),
            ("mean_spend", 15.0),
            ("gap_mean", NAN),
            ("gap_std", NAN),
            ("gap_cv", NAN),
            ("purchases_30d", 1.0),
            ("purchase_trend", 1.0),
            ("return_rate", 0.0),
            ("discount_share", 1.0),
            ("mean_repeat_spend", 0.0),
        ],
    );
    // d only browses: documented values for customers without purchases
    check(
        &fs,
        "d",
        &[
            ("recency", NAN),
            ("frequency", 0.0),
            ("n_occasions", 0.0),
            ("n_orders", 0.0),
            ("tenure", NAN),
            ("active_span", NAN),
            ("total_spend", 0.0),
            ("mean_spend", NAN),
            ("avg_order_value", NAN),
            ("items_per_order", NAN),
            ("gap_mean", NAN),
            ("purchases_365d", 0.0),
            ("purchase_trend", 0.0),
            ("return_rate", NAN),
            ("discount_share", NAN),
            ("mean_repeat_spend", 0.0),
        ],
    );
    let s = &fs.summary;
    assert_eq!(
        (s.x[0], s.t_x[0], s.t[0], s.mean_repeat_spend[0]),
        (2.0, 70.0, 90.0, 85.0)
    );
    assert_eq!(s.purchaser, vec![true, true, true, false, false]);
    assert_eq!(
        (s.x[3], s.t_x[3], s.t[3], s.mean_repeat_spend[3]),
        (0.0, 0.0, 0.0, 0.0)
    );
}

#[test]
fn occasions_without_merging_are_orders() {
    let fs = features(
        FeatureConfig::default()
            .merge_period_secs(None)
            .families(vec![Family::Purchase]),
    );
    let gap1 = 1.0 / 24.0;
    let gaps = [gap1, 30.0 - gap1, 40.0];
    let mean = 70.0 / 3.0;
    let sd = (gaps.iter().map(|g| (g - mean) * (g - mean)).sum::<f64>() / 3.0).sqrt();
    check(
        &fs,
        "a",
        &[
            ("frequency", 3.0),
            ("n_occasions", 4.0),
            ("mean_spend", 55.0),
            ("mean_repeat_spend", 200.0 / 3.0),
            ("gap_mean", mean),
            ("gap_std", sd),
            ("active_span", 70.0),
            ("purchases_365d", 4.0),
        ],
    );
}

#[test]
fn preferences_by_hand() {
    let fs = features(FeatureConfig::default().families(vec![Family::Preferences]));
    assert_eq!(
        fs.levels["favourite_category"],
        vec!["books", "music", "toys"]
    );
    let p: [f64; 3] = [100.0 / 220.0, 90.0 / 220.0, 30.0 / 220.0];
    let h = -p.iter().map(|p| p * p.ln()).sum::<f64>();
    check(
        &fs,
        "a",
        &[
            ("share_top1", p[0]),
            ("share_top2", p[1]),
            ("share_top3", p[2]),
            ("category_entropy", h),
            ("distinct_categories", 3.0),
            ("favourite_category", 1.0),
        ],
    );
    check(
        &fs,
        "b",
        &[
            ("share_top1", 1.0),
            ("share_top2", 0.0),
            ("category_entropy", 0.0),
            ("distinct_categories", 1.0),
            ("favourite_category", 2.0),
        ],
    );
    check(
        &fs,
        "d",
        &[
            ("share_top1", 0.0),
            ("category_entropy", 0.0),
            ("distinct_categories", 0.0),
            ("favourite_category", -1.0),
        ],
    );
    let fs = features(
        FeatureConfig::default()
            .top_n(1)
            .families(vec![Family::Preferences]),
    );
    assert_eq!(fs.matrix.names[..2], ["share_top1", "category_entropy"]);
}

#[test]
fn channels_by_hand() {
    let fs = features(FeatureConfig::default().families(vec![Family::Channels]));
    assert_eq!(
        fs.levels["acquisition_channel"],
        vec!["app", "email", "web"]
    );
    check(
        &fs,
        "a",
        &[
            ("email_sends", 3.0),
            ("email_opens", 2.0),
            ("email_clicks", 1.0),
            ("email_open_rate", 2.0 / 3.0),
            ("email_click_rate", 1.0 / 3.0),
            ("push_sends", 1.0),
            ("push_opens", 1.0),
            ("push_clicks", 0.0),
            ("push_open_rate", 1.0),
            ("push_click_rate", 0.0),
            ("sms_sends", 0.0),
            ("sms_clicks", 1.0),
            ("sms_open_rate", NAN),
            ("sms_click_rate", NAN),
            ("social_visits", 2.0),
            ("app_sessions", 4.0),
            ("app_sessions_per_week", 3.0 / (30.0 / 7.0)),
            ("order_share_app", 0.5),
            ("order_share_email", 0.0),
            ("order_share_web", 0.5),
            ("acquisition_channel", 2.0),
        ],
    );
    check(
        &fs,
        "b",
        &[
            ("order_share_email", 1.0),
            ("acquisition_channel", 1.0),
            ("email_sends", 0.0),
        ],
    );
    check(
        &fs,
        "d",
        &[
            ("order_share_web", 0.0),
            ("acquisition_channel", -1.0),
            ("email_open_rate", NAN),
        ],
    );
}

#[test]
fn browsing_by_hand() {
    let fs = features(FeatureConfig::default().families(vec![Family::Browsing]));
    check(
        &fs,
        "a",
        &[
            ("views_recent", 3.0),
            ("views_recent_books", 1.0),
            ("views_recent_toys", 1.0),
            ("view_share_mon", 0.5),
            ("view_share_tue", 0.25),
            ("view_share_wed", 0.0),
            ("view_share_thu", 0.25),
            ("view_share_sun", 0.0),
            ("view_share_night", 0.25),
            ("view_share_morning", 0.25),
            ("view_share_afternoon", 0.25),
            ("view_share_evening", 0.25),
            ("peak_view_month", 3.0),
            ("peak_month_share", 0.5),
            ("browse_to_buy", 4.0 / 3.0),
        ],
    );
    check(
        &fs,
        "d",
        &[
            ("views_recent", 0.0),
            ("view_share_mon", 0.0),
            ("peak_view_month", 0.0),
            ("peak_month_share", 0.0),
            ("browse_to_buy", NAN),
        ],
    );
    check(&fs, "b", &[("browse_to_buy", 0.0)]);
}

#[test]
fn carts_by_hand() {
    let fs = features(FeatureConfig::default().families(vec![Family::Carts]));
    // c: add_to_cart -> checkout_start -> shipping, next purchase two days later: abandoned
    // at stage 3; the second cart is bought (a transaction two hours later)
    check(
        &fs,
        "c",
        &[
            ("carts_started", 2.0),
            ("carts_abandoned", 1.0),
            ("cart_abandonment_rate", 0.5),
            ("last_abandoned_stage", 3.0),
            ("days_since_last_abandonment", 70.0 - 1200.0 / 86_400.0),
        ],
    );
    // d: s1 abandoned (stage 3), s2 bought in session, s3 no cart, s4 bought 10 h later in
    // another session, s6 abandoned (stage 1; the purchase two days later is too late)
    check(
        &fs,
        "d",
        &[
            ("carts_started", 4.0),
            ("carts_abandoned", 2.0),
            ("cart_abandonment_rate", 0.5),
            ("last_abandoned_stage", 1.0),
            ("days_since_last_abandonment", 10.0),
        ],
    );
    check(
        &fs,
        "a",
        &[
            ("carts_started", 0.0),
            ("carts_abandoned", 0.0),
            ("cart_abandonment_rate", NAN),
            ("last_abandoned_stage", 0.0),
            ("days_since_last_abandonment", NAN),
        ],
    );
    // a one-hour window turns d's s4 into an abandoned cart at stage 4 (payment)
    let fs = features(
        FeatureConfig::default()
            .cart_window_secs(H)
            .families(vec![Family::Carts]),
    );
    check(
        &fs,
        "d",
        &[("carts_abandoned", 3.0), ("last_abandoned_stage", 1.0)],
    );
}

#[test]
fn carts_without_session_column_use_inactivity() {
    let tx = Transactions::builder(vec!["x"], vec![5 * D], vec![1.0])
        .build()
        .unwrap();
    let ev = Events::builder(
        vec!["x"; 5],
        vec![0, 600, 1_200, 3_001, 3_100],
        vec![
            "add_to_cart",
            "checkout_start",
            "shipping",
            "add_to_cart",
            "purchase",
        ],
    )
    .build()
    .unwrap();
    let logs = Logs::new(tx, Some(ev), None).unwrap();
    let cfg = FeatureConfig::default()
        .as_of(Some(10 * D))
        .cart_window_secs(1_000)
        .families(vec![Family::Carts]);
    let fs = compute(&logs, &cfg).unwrap();
    let row: Vec<f64> = fs.matrix.values.row(0).to_vec();
    assert_eq!(
        row,
        vec![2.0, 1.0, 0.5, 3.0, (10 * D - 1_200) as f64 / 86_400.0]
    );
    // with the default one-day window the purchase at 3,100 s also converts the first cart
    let fs = compute(&logs, &cfg.cart_window_secs(86_400)).unwrap();
    assert_eq!(fs.matrix.values.row(0).to_vec()[..3], [2.0, 0.0, 0.0]);
}

#[test]
fn feedback_by_hand() {
    let fs = features(FeatureConfig::default().families(vec![Family::Feedback]));
    check(
        &fs,
        "a",
        &[
            ("responses", 3.0),
            ("score_mean", (0.9 + 0.25 + 0.75) / 3.0),
            ("score_last", 0.75),
            ("satisfaction_band", 1.0),
            ("score_trend", 0.75 - (0.9 + 0.25) / 2.0),
        ],
    );
    check(
        &fs,
        "e",
        &[
            ("responses", 1.0),
            ("score_mean", 0.7),
            ("score_last", 0.7),
            ("satisfaction_band", 0.0),
            ("score_trend", NAN),
        ],
    );
    check(
        &fs,
        "b",
        &[
            ("responses", 0.0),
            ("score_mean", NAN),
            ("satisfaction_band", NAN),
        ],
    );
}

#[test]
fn future_rows_are_excluded_and_counted() {
    let fs = features(FeatureConfig::default());
    assert_eq!(fs.excluded.transactions, 1);
    assert_eq!(fs.excluded.events, 1);
    assert_eq!(fs.excluded.feedback, 1);
    assert_eq!(fs.excluded_future_rows, 3);
    assert_eq!(fs.as_of, AS_OF);
    // rows exactly at as_of are included
    let tx = Transactions::builder(vec![1_i64, 1], vec![AS_OF, AS_OF + 1], vec![4.0, 8.0])
        .build()
        .unwrap();
    let logs = Logs::new(tx, None, None).unwrap();
    let fs = compute(&logs, &FeatureConfig::default().as_of(Some(AS_OF))).unwrap();
    assert_eq!(fs.excluded_future_rows, 1);
    assert_eq!(fs.matrix.column("total_spend").unwrap()[0], 4.0);
    assert_eq!(fs.matrix.column("recency").unwrap()[0], 0.0);
    // the default cutoff is the start of the day after the latest row: nothing excluded
    let fs = compute(&logs, &FeatureConfig::default()).unwrap();
    assert_eq!((fs.as_of, fs.excluded_future_rows), (101 * D, 0));
}

fn assert_identical(a: &FeatureSet, b: &FeatureSet) {
    assert_eq!(a.matrix.names, b.matrix.names);
    assert_eq!(a.matrix.customers, b.matrix.customers);
    for (x, y) in a.matrix.values.iter().zip(b.matrix.values.iter()) {
        assert_eq!(x.to_bits(), y.to_bits());
    }
    assert_eq!(a.summary, b.summary);
    assert_eq!(a.levels, b.levels);
}

#[test]
fn nothing_after_as_of_leaks() {
    let base = features(FeatureConfig::default());
    let (mut tx, mut ev, _) = shop();
    // later purchases, returns, carts, campaign and browsing events for every customer
    for (i, id) in ["a", "b", "c", "d", "e"].into_iter().enumerate() {
        let t = AS_OF + 1 + i as i64 * H;
        tx.row(id, t, 500.0, "music", 3.0, "app", "late", true);
        tx.row(
            id,
            AS_OF + 20 * D,
            -50.0,
            "books",
            1.0,
            "web",
            "late2",
            false,
        );
        ev.row(id, t, "product_view", "toys", "", "");
        ev.row(id, t + 60, "add_to_cart", "toys", "", "s1");
        ev.row(id, t + 120, "purchase", "", "", "s6");
        ev.row(id, t, "email_open", "", "email", "");
        ev.row(id, t, "app_session", "", "app", "");
    }
    let fb = Feedback::builder(
        vec!["a", "a", "a", "a", "e", "a", "b", "e"],
        vec![
            20 * D,
            50 * D,
            90 * D,
            101 * D,
            10 * D,
            AS_OF + 1,
            AS_OF + 5,
            200 * D,
        ],
        vec![9.0, 2.0, 4.0, 3.0, 7.0, 0.0, 10.0, 1.0],
        vec!["nps", "csat", "stars", "nps", "nps", "nps", "nps", "nps"],
    )
    .build()
    .unwrap();
    let later = Logs::new(tx.build(), Some(ev.build()), Some(fb)).unwrap();
    let fs = compute(&later, &FeatureConfig::default().as_of(Some(AS_OF))).unwrap();
    assert_eq!(fs.excluded_future_rows, 3 + 10 + 25 + 3);
    assert_identical(&base, &fs);
}

/// A deterministic synthetic shop with more customers than one parallel block.
fn synthetic(n_rows: usize) -> Logs {
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |m: u64| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s % m
    };
    let cats = ["a", "b", "c", "d", "e"];
    let chans = ["web", "app", ""];
    let (mut id, mut t, mut amt, mut cat, mut ch) = (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..n_rows {
        id.push(next(7_000) as i64);
        t.push(next(400) as i64 * D + next(86_400) as i64);
        amt.push(next(20_000) as f64 / 100.0 - 10.0);
        cat.push(cats[next(5) as usize]);
        ch.push(chans[next(3) as usize]);
    }
    let tx = Transactions::builder(id, t, amt)
        .category(cat)
        .channel(ch)
        .build()
        .unwrap();
    let kinds = [
        "page_view",
        "product_view",
        "add_to_cart",
        "checkout_start",
        "payment",
        "purchase",
        "email_sent",
        "email_open",
        "app_session",
    ];
    let (mut id, mut t, mut k, mut c) = (vec![], vec![], vec![], vec![]);
    for _ in 0..n_rows {
        id.push(next(8_000) as i64);
        t.push(next(400) as i64 * D + next(86_400) as i64);
        k.push(kinds[next(kinds.len() as u64) as usize]);
        c.push(cats[next(5) as usize]);
    }
    let ev = Events::builder(id, t, k).category(c).build().unwrap();
    let n_fb = n_rows / 10;
    let fb = Feedback::builder(
        (0..n_fb).map(|_| next(7_500) as i64).collect::<Vec<_>>(),
        (0..n_fb).map(|_| next(400) as i64 * D).collect::<Vec<_>>(),
        (0..n_fb).map(|_| next(11) as f64).collect(),
        vec!["nps"; n_fb],
    )
    .build()
    .unwrap();
    Logs::new(tx, Some(ev), Some(fb)).unwrap()
}

#[test]
fn same_output_for_one_and_two_threads() {
    let logs = synthetic(60_000);
    assert!(logs.customers().len() > 4_096);
    let cfg = FeatureConfig::default().as_of(Some(300 * D));
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| compute(&logs, &cfg).unwrap())
    };
    let one = run(1);
    let two = run(2);
    assert!(one.excluded_future_rows > 0);
    assert_identical(&one, &two);
}

#[test]
fn fill_undefined_makes_the_matrix_finite() {
    let mut fs = features(FeatureConfig::default());
    assert!(fs.matrix.undefined_counts().iter().sum::<usize>() > 0);
    let used = fs.matrix.fill_undefined(Fill::Constant(0.0)).unwrap();
    assert!(used.iter().all(|&v| v == 0.0));
    assert!(fs.matrix.values.iter().all(|v| v.is_finite()));
    assert_eq!(fs.info.len(), fs.matrix.names.len());
    assert!(
        fs.info
            .iter()
            .all(|i| !i.unit.is_empty() && !i.undefined.is_empty())
    );
}

#[test]
fn bad_settings_are_refused() {
    let logs = logs();
    for cfg in [
        FeatureConfig::default().top_n(0),
        FeatureConfig::default().windows_days(vec![30, 30]),
        FeatureConfig::default().merge_period_secs(Some(0)),
        FeatureConfig::default().session_gap_secs(0),
        FeatureConfig::default().families(vec![]),
    ] {
        assert_eq!(
            compute(&logs, &cfg).unwrap_err().code(),
            "INVALID_PARAMETER"
        );
    }
}
