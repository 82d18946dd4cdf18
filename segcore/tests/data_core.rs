//! Edge cases of the customer index, per-customer grouping and the shared-index logs.

use segcore::SegError;
use segcore::data::{
    CustomerIndex, CustomerKey, Events, Feedback, Groups, IdColumn, Logs, Transactions,
};

#[test]
fn int_index_sorts_numerically_including_extremes() {
    let ids = vec![i64::MAX, -5, 0, i64::MIN, -5, 10];
    let (index, codes) = CustomerIndex::build(&IdColumn::Int(ids));
    assert_eq!(index.ints(), Some(&[i64::MIN, -5, 0, 10, i64::MAX][..]));
    assert_eq!(codes, vec![4, 1, 2, 0, 1, 3]);
    assert_eq!(index.label(1), "-5");
    assert_eq!(index.key(0), CustomerKey::Int(i64::MIN));
    assert!(index.strs().is_none());
}

#[test]
fn str_index_sorts_by_bytes() {
    let ids: IdColumn = vec!["b", "B", "a", "é", "A", "a"].into();
    let (index, codes) = CustomerIndex::build(&ids);
    // byte order: uppercase before lowercase, multi-byte UTF-8 last
    assert_eq!(
        index.strs().unwrap(),
        &["A", "B", "a", "b", "é"].map(String::from)[..]
    );
    assert_eq!(codes, vec![3, 1, 2, 4, 0, 2]);
    assert_eq!(index.key(4), CustomerKey::Str("é"));
}

#[test]
fn codes_do_not_depend_on_row_order() {
    let (a, _) = CustomerIndex::build(&IdColumn::from(vec!["x", "y", "z"]));
    let (b, _) = CustomerIndex::build(&IdColumn::from(vec!["z", "x", "y", "x"]));
    assert_eq!(a, b);
}

#[test]
fn lookups_across_id_types() {
    let (ints, _) = CustomerIndex::build(&IdColumn::Int(vec![7, 42]));
    assert_eq!(ints.find_str(" 42 "), Some(1));
    assert_eq!(ints.find_str("+7"), Some(0));
    assert_eq!(ints.find_str("forty-two"), None);
    assert_eq!(ints.find_int(8), None);
    let (strs, _) = CustomerIndex::build(&IdColumn::from(vec!["7", "x"]));
    assert_eq!(strs.find_int(7), Some(0));
    assert_eq!(strs.find_str("7 "), None);
    match strs.code_of("nobody").unwrap_err() {
        SegError::UnknownCustomer { id } => assert_eq!(id, "nobody"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn empty_index() {
    let (index, codes) = CustomerIndex::build(&IdColumn::Str(vec![]));
    assert!(index.is_empty() && codes.is_empty());
    assert_eq!(index.to_column(), IdColumn::Str(vec![]));
    let (other, _) = CustomerIndex::build(&IdColumn::Int(vec![3]));
    let (u, ra, rb) = index.union(&other);
    // an empty string index plus an int index is a string index
    assert_eq!(u.strs().unwrap(), &["3".to_string()]);
    assert!(ra.is_empty());
    assert_eq!(rb, vec![0]);
}

#[test]
fn union_of_int_and_string_ids() {
    let (a, _) = CustomerIndex::build(&IdColumn::Int(vec![10, 9]));
    let (b, _) = CustomerIndex::build(&IdColumn::from(vec!["9", "anon"]));
    let (u, ra, rb) = a.union(&b);
    // string order: "10" < "9" < "anon"
    assert_eq!(
        u.strs().unwrap(),
        &["10", "9", "anon"].map(String::from)[..]
    );
    assert_eq!(ra, vec![1, 0]); // a's codes: 0 = 9, 1 = 10
    assert_eq!(rb, vec![1, 2]);
    for (c, &r) in ra.iter().enumerate() {
        assert_eq!(u.label(r), a.label(c as u32));
    }
}

#[test]
fn groups_edge_cases() {
    // no rows at all
    let g = Groups::build(&[], &[], 3).unwrap();
    assert_eq!(g.offsets, vec![0, 0, 0, 0]);
    assert!((0..3).all(|c| g.rows_of(c).is_empty()));
    assert_eq!(g.n_customers(), 3);
    // zero customers
    let g = Groups::build(&[], &[], 0).unwrap();
    assert_eq!(g.n_customers(), 0);
    assert!(g.rows_of(0).is_empty());
    // ties keep row order; negative times sort first
    let g = Groups::build(&[0, 0, 0, 0], &[5, -3, 5, 5], 1).unwrap();
    assert_eq!(g.rows_of(0), &[1, 0, 2, 3]);
}

#[test]
fn groups_many_customers_use_every_row_once() {
    // more than 1024 groups so the parallel sort path runs
    let n_customers = 3_000usize;
    let n = 20_000usize;
    let customer: Vec<u32> = (0..n).map(|i| ((i * 7919) % n_customers) as u32).collect();
    let timestamp: Vec<i64> = (0..n).map(|i| ((i * 104_729) % 1_000) as i64).collect();
    let g = Groups::build(&customer, &timestamp, n_customers).unwrap();
    let mut seen = vec![false; n];
    for c in 0..n_customers {
        let rows = g.rows_of(c);
        assert!(rows.iter().all(|&r| customer[r as usize] as usize == c));
        assert!(
            rows.windows(2)
                .all(|w| (timestamp[w[0] as usize], w[0]) < (timestamp[w[1] as usize], w[1]))
        );
        for &r in rows {
            assert!(!seen[r as usize]);
            seen[r as usize] = true;
        }
    }
    assert!(seen.iter().all(|&s| s));
    // the same on one thread
    let g1 = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| Groups::build(&customer, &timestamp, n_customers))
        .unwrap();
    assert_eq!(g, g1);
}

#[test]
fn logs_share_one_index_across_logs() {
    let tx = Transactions::builder(vec!["b", "d"], vec![0_i64, 1], vec![1.0, 2.0])
        .build()
        .unwrap();
    let ev = Events::builder(vec!["a", "b", "e"], vec![0_i64, 1, 2], vec!["page_view"; 3])
        .build()
        .unwrap();
    let fb = Feedback::builder(
        vec!["c", "e"],
        vec![0_i64, 1],
        vec![9.0, 3.0],
        vec!["nps", "csat"],
    )
    .build()
    .unwrap();
    let logs = Logs::new(tx, Some(ev), Some(fb)).unwrap();
    let idx = logs.customers();
    assert_eq!(
        idx.strs().unwrap(),
        &["a", "b", "c", "d", "e"].map(String::from)[..]
    );
    let labels = |codes: &[u32]| codes.iter().map(|&c| idx.label(c)).collect::<Vec<_>>();
    assert_eq!(labels(logs.transactions().customer()), ["b", "d"]);
    assert_eq!(labels(logs.events().unwrap().customer()), ["a", "b", "e"]);
    assert_eq!(labels(logs.feedback().unwrap().customer()), ["c", "e"]);
    // every log carries the shared index
    assert_eq!(logs.transactions().customers(), idx);
    assert_eq!(logs.events().unwrap().customers(), idx);
    assert_eq!(logs.feedback().unwrap().customers(), idx);
}

#[test]
fn logs_with_feedback_but_no_events() {
    let tx = Transactions::builder(vec![5_i64], vec![0_i64], vec![1.0])
        .build()
        .unwrap();
    let fb = Feedback::builder(
        vec![3_i64, 5],
        vec![0_i64, 1],
        vec![4.0, 5.0],
        vec!["stars", "stars"],
    )
    .build()
    .unwrap();
    let logs = Logs::new(tx, None, Some(fb)).unwrap();
    // int ids stay int ids
    assert_eq!(logs.customers().ints(), Some(&[3_i64, 5][..]));
    assert_eq!(logs.transactions().customer(), &[1]);
    assert_eq!(logs.feedback().unwrap().customer(), &[0, 1]);
}

#[test]
fn logs_mixing_int_and_string_ids_become_strings() {
    let tx = Transactions::builder(vec![1_i64, 2], vec![0_i64, 1], vec![1.0, 2.0])
        .build()
        .unwrap();
    let ev = Events::builder(vec!["2", "guest"], vec![0_i64, 1], vec!["search", "search"])
        .build()
        .unwrap();
    let logs = Logs::new(tx, Some(ev), None).unwrap();
    let idx = logs.customers();
    assert_eq!(
        idx.strs().unwrap(),
        &["1", "2", "guest"].map(String::from)[..]
    );
    // int 2 and string "2" are the same customer
    assert_eq!(logs.transactions().customer(), &[0, 1]);
    assert_eq!(logs.events().unwrap().customer(), &[1, 2]);
    let (index, tx, ev, fb) = logs.into_parts();
    assert_eq!(
        (index.len(), tx.len(), ev.map(|e| e.len()), fb.is_none()),
        (3, 2, Some(2), true)
    );
}

#[test]
fn select_keeps_the_index_and_optional_columns() {
    let tx = Transactions::builder(vec![1_i64, 2, 3], vec![0_i64, 1, 2], vec![1.0, 2.0, 3.0])
        .category(vec!["x", "", "y"])
        .quantity(vec![1.0, 2.0, 3.0])
        .build()
        .unwrap();
    let sub = tx.select(&[2, 0, 2]);
    assert_eq!(sub.amount(), &[3.0, 1.0, 3.0]);
    assert_eq!(sub.customer(), &[2, 0, 2]);
    assert_eq!(sub.customers().len(), 3);
    assert_eq!(sub.category().unwrap().get(0), Some("y"));
    assert_eq!(sub.quantity(), Some(&[3.0, 1.0, 3.0][..]));
    let none = tx.select(&[]);
    assert!(none.is_empty());
}
