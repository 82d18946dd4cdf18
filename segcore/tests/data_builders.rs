//! Bad input to the log builders: every error names its kind, column and row.
//! Reference epoch values were computed with GNU date, e.g. `date -u -d 2024-02-29T06:30:00Z +%s`.

use segcore::SegError;
use segcore::data::time::{MAX_TIMESTAMP, MIN_TIMESTAMP, TimeFormat, parse_time};
use segcore::data::{EventKind, Events, Feedback, Groups, ScoreScale, TimeColumn, Transactions};

fn invalid(e: SegError) -> (String, usize, String) {
    match e {
        SegError::InvalidValue {
            column,
            row,
            reason,
        } => (column, row, reason),
        other => panic!("expected InvalidValue, got {other:?}"),
    }
}

fn mismatch(e: SegError) -> (String, usize, usize) {
    match e {
        SegError::LengthMismatch {
            column,
            expected,
            found,
        } => (column, expected, found),
        other => panic!("expected LengthMismatch, got {other:?}"),
    }
}

#[test]
fn transactions_empty_is_refused() {
    let e = Transactions::builder(Vec::<i64>::new(), Vec::<i64>::new(), vec![])
        .build()
        .unwrap_err();
    assert!(matches!(&e, SegError::Empty { what } if what == "transactions"));
    assert_eq!(e.code(), "EMPTY_INPUT");
}

#[test]
fn transactions_length_mismatch_names_the_column() {
    let e = Transactions::builder(vec![1_i64, 2, 3], vec![0_i64, 1], vec![1.0, 2.0, 3.0])
        .build()
        .unwrap_err();
    assert_eq!(mismatch(e), ("timestamp".into(), 3, 2));
    let e = Transactions::builder(vec![1_i64, 2], vec![0_i64, 1], vec![1.0])
        .build()
        .unwrap_err();
    assert_eq!(mismatch(e), ("amount".into(), 2, 1));
    let e = Transactions::builder(vec![1_i64, 2], vec![0_i64, 1], vec![1.0, 2.0])
        .category(vec!["a", "b", "c"])
        .build()
        .unwrap_err();
    assert_eq!(mismatch(e), ("category".into(), 2, 3));
    let e = Transactions::builder(vec![1_i64, 2], vec![0_i64, 1], vec![1.0, 2.0])
        .discount(vec![true])
        .build()
        .unwrap_err();
    assert_eq!(mismatch(e), ("discount".into(), 2, 1));
}

#[test]
fn transactions_non_finite_amounts_name_the_row() {
    for (bad, text) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
    ] {
        let e = Transactions::builder(vec![1_i64, 1, 2], vec![0_i64, 1, 2], vec![1.0, 2.0, bad])
            .build()
            .unwrap_err();
        assert_eq!(
            invalid(e),
            ("amount".into(), 2, format!("{text} is not a valid value"))
        );
    }
}

#[test]
fn transactions_negative_and_zero_amounts_are_returns_and_freebies() {
    let tx = Transactions::builder(vec![1_i64, 1, 2], vec![0_i64, 1, 2], vec![10.0, -10.0, 0.0])
        .build()
        .unwrap();
    assert_eq!(tx.amount(), &[10.0, -10.0, 0.0]);
}

#[test]
fn transactions_bad_quantity() {
    let e = Transactions::builder(vec![1_i64, 2], vec![0_i64, 1], vec![1.0, 2.0])
        .quantity(vec![1.0, -2.0])
        .build()
        .unwrap_err();
    let (col, row, reason) = invalid(e);
    assert_eq!((col.as_str(), row), ("quantity", 1));
    assert!(reason.starts_with("-2 is not a valid quantity"), "{reason}");
    let e = Transactions::builder(vec![1_i64, 2], vec![0_i64, 1], vec![1.0, 2.0])
        .quantity(vec![f64::NAN, 1.0])
        .build()
        .unwrap_err();
    assert_eq!(invalid(e).1, 0);
}

#[test]
fn unparseable_text_time_names_row_and_value() {
    let t = TimeColumn::Text(
        vec!["2024-01-01".into(), "2024-01-02".into(), "yesterday".into()],
        TimeFormat::Auto,
    );
    let e = Transactions::builder(vec![1_i64, 2, 3], t, vec![1.0, 2.0, 3.0])
        .build()
        .unwrap_err();
    assert_eq!(
        invalid(e),
        ("timestamp".into(), 2, "unparseable time `yesterday`".into())
    );
    // an impossible date
    let t = TimeColumn::Text(vec!["2023-02-29".into()], TimeFormat::IsoDate);
    let e = Events::builder(vec![1_i64], t, vec!["search"])
        .build()
        .unwrap_err();
    assert_eq!(invalid(e).1, 0);
}

#[test]
fn out_of_range_times_are_refused() {
    let e = Transactions::builder(
        vec![1_i64, 2],
        vec![0_i64, MAX_TIMESTAMP + 1],
        vec![1.0, 2.0],
    )
    .build()
    .unwrap_err();
    assert_eq!(
        invalid(e),
        (
            "timestamp".into(),
            1,
            "timestamp 7258118400 s is outside 1900-01-01..2199-12-31".into()
        )
    );
    let e = Transactions::builder(vec![1_i64], vec![MIN_TIMESTAMP - 1], vec![1.0])
        .build()
        .unwrap_err();
    assert_eq!(invalid(e).1, 0);
    // the bounds themselves are accepted
    let tx = Transactions::builder(
        vec![1_i64, 2],
        vec![MIN_TIMESTAMP, MAX_TIMESTAMP],
        vec![1.0, 2.0],
    )
    .build()
    .unwrap();
    assert_eq!(tx.timestamp(), &[-2_208_988_800, 7_258_118_399]);
    // text outside the range
    let t = TimeColumn::Text(vec!["1899-12-31".into()], TimeFormat::Auto);
    let e = Feedback::builder(vec![1_i64], t, vec![5.0], vec!["nps"])
        .build()
        .unwrap_err();
    assert_eq!(invalid(e).0, "timestamp");
    // milliseconds are range-checked after flooring
    let e = Transactions::builder(
        vec![1_i64],
        TimeColumn::Millis(vec![(MAX_TIMESTAMP + 1) * 1000]),
        vec![1.0],
    )
    .build()
    .unwrap_err();
    assert_eq!(invalid(e).1, 0);
}

#[test]
fn millis_floor_to_seconds_also_before_1970() {
    let tx = Transactions::builder(
        vec![1_i64, 1],
        TimeColumn::Millis(vec![1_999, -1]),
        vec![1.0, 1.0],
    )
    .build()
    .unwrap();
    assert_eq!(tx.timestamp(), &[1, -1]);
}

#[test]
fn events_bad_input() {
    let e = Events::builder(vec![1_i64, 2], vec![0_i64, 1], vec!["search", "  "])
        .build()
        .unwrap_err();
    assert_eq!(invalid(e), ("kind".into(), 1, "empty event kind".into()));
    let e = Events::builder(
        vec![1_i64, 2],
        vec![0_i64, 1],
        vec!["search", "add_to_cart"],
    )
    .value(vec![f64::NAN, f64::NEG_INFINITY])
    .build()
    .unwrap_err();
    let (col, row, _) = invalid(e);
    assert_eq!((col.as_str(), row), ("value", 1));
    let e = Events::builder(vec![1_i64, 2], vec![0_i64, 1], vec!["search"])
        .build()
        .unwrap_err();
    assert_eq!(mismatch(e), ("kind".into(), 2, 1));
    let e = Events::builder(vec![1_i64], vec![0_i64], vec!["search"])
        .session(vec!["a", "b"])
        .build()
        .unwrap_err();
    assert_eq!(mismatch(e), ("session".into(), 1, 2));
    let e = Events::builder(Vec::<i64>::new(), Vec::<i64>::new(), Vec::<String>::new())
        .build()
        .unwrap_err();
    assert!(matches!(&e, SegError::Empty { what } if what == "events"));
}

#[test]
fn events_other_kinds_get_codes_after_the_standard_ones() {
    let ev = Events::builder(
        vec![1_i64, 1, 1, 1],
        vec![0_i64, 1, 2, 3],
        vec!["wishlist", "Add To Cart", "review", "wishlist"],
    )
    .value(vec![f64::NAN, 5.0, f64::NAN, f64::NAN])
    .build()
    .unwrap();
    assert_eq!(ev.kind_code(), &[15, 3, 16, 15]);
    assert_eq!(
        ev.other_kinds(),
        &["wishlist".to_string(), "review".to_string()]
    );
    assert_eq!(ev.kind(2), EventKind::Other("review".into()));
    assert!(ev.value().unwrap()[0].is_nan());
}

#[test]
fn feedback_bad_input() {
    let e = Feedback::builder(
        vec![1_i64, 2],
        vec![0_i64, 0],
        vec![3.0, 4.0],
        vec!["csat", "likert"],
    )
    .build()
    .unwrap_err();
    assert_eq!(
        invalid(e),
        (
            "scale".into(),
            1,
            "unknown score scale `likert` (use csat, nps or stars)".into()
        )
    );
    let e = Feedback::builder(
        vec![1_i64, 2],
        vec![0_i64, 0],
        vec![3.0, 0.0],
        vec!["csat", "stars"],
    )
    .build()
    .unwrap_err();
    assert_eq!(
        invalid(e),
        (
            "score".into(),
            1,
            "0 is outside the stars range 1..5".into()
        )
    );
    let e = Feedback::builder(vec![1_i64], vec![0_i64], vec![f64::NAN], vec!["nps"])
        .build()
        .unwrap_err();
    assert_eq!(invalid(e).0, "score");
    let e = Feedback::builder(vec![1_i64], vec![0_i64], vec![1.0], vec!["nps", "nps"])
        .build()
        .unwrap_err();
    assert_eq!(mismatch(e), ("scale".into(), 1, 2));
    let e = Feedback::builder(
        Vec::<i64>::new(),
        Vec::<i64>::new(),
        vec![],
        Vec::<String>::new(),
    )
    .build()
    .unwrap_err();
    assert!(matches!(&e, SegError::Empty { what } if what == "feedback"));
    // the ends of each scale are valid
    let fb = Feedback::builder(
        vec![1_i64, 1, 1, 1],
        vec![0_i64, 1, 2, 3],
        vec![0.0, 10.0, 1.0, 5.0],
        vec!["NPS", "nps", " Stars ", "csat"],
    )
    .build()
    .unwrap();
    assert_eq!(
        fb.scale(),
        &[
            ScoreScale::Nps,
            ScoreScale::Nps,
            ScoreScale::Stars,
            ScoreScale::Csat
        ]
    );
    assert_eq!(fb.normalised(), vec![0.0, 1.0, 0.0, 1.0]);
}

#[test]
fn unsorted_input_is_accepted_and_grouped_in_time_order() {
    let tx = Transactions::builder(
        vec!["b", "a", "b", "a", "b"],
        vec![500_i64, 40, 100, 10, 300],
        vec![1.0, 2.0, 3.0, 4.0, 5.0],
    )
    .build()
    .unwrap();
    let g = Groups::build(tx.customer(), tx.timestamp(), tx.customers().len()).unwrap();
    // a = code 0: rows 3 (t=10), 1 (t=40); b = code 1: rows 2 (100), 4 (300), 0 (500)
    assert_eq!(g.rows_of(0), &[3, 1]);
    assert_eq!(g.rows_of(1), &[2, 4, 0]);
}

#[test]
fn exact_duplicate_rows_are_counted_and_kept() {
    let tx = Transactions::builder(
        vec![1_i64, 1, 1, 1, 2],
        vec![5_i64, 5, 5, 5, 5],
        vec![9.5, 9.5, 9.5, 9.5, 9.5],
    )
    .category(vec!["x", "x", "x", "y", "x"])
    .build()
    .unwrap();
    // rows 1 and 2 repeat row 0; row 3 differs in category, row 4 in customer
    assert_eq!((tx.len(), tx.duplicate_rows()), (5, 2));
    let ev = Events::builder(
        vec![1_i64, 1, 1],
        vec![0_i64, 0, 0],
        vec!["search", "search", "page_view"],
    )
    .value(vec![f64::NAN, f64::NAN, f64::NAN])
    .build()
    .unwrap();
    assert_eq!(ev.duplicate_rows(), 1);
    let fb = Feedback::builder(
        vec![1_i64, 1],
        vec![0_i64, 0],
        vec![9.0, 9.0],
        vec!["nps", "NPS"],
    )
    .build()
    .unwrap();
    assert_eq!(fb.duplicate_rows(), 1);
}

#[test]
fn every_time_format_including_offsets() {
    use TimeFormat::*;
    // (text, format, expected UTC seconds from GNU date)
    let cases: [(&str, TimeFormat, Option<i64>); 22] = [
        ("1997-01-01", IsoDate, Some(852_076_800)),
        ("1997-01-01", Auto, Some(852_076_800)),
        ("19970101", Yyyymmdd, Some(852_076_800)),
        ("19970101", Auto, Some(852_076_800)),
        ("852076800", EpochSeconds, Some(852_076_800)),
        ("852076800", Auto, Some(852_076_800)),
        ("852076800.9", EpochSeconds, Some(852_076_800)),
        ("-86400", EpochSeconds, Some(-86_400)),
        (
            "2024-02-29T12:00:00+05:30",
            IsoDateTime,
            Some(1_709_188_200),
        ),
        ("2024-02-29T12:00:00+05:30", Auto, Some(1_709_188_200)),
        ("2024-03-10 08:00-08:00", IsoDateTime, Some(1_710_086_400)),
        ("2024-03-10T09:00:00+0100", IsoDateTime, Some(1_710_057_600)),
        ("2024-03-10T09:00:00+01", IsoDateTime, Some(1_710_057_600)),
        ("2024-03-10T08:00:00.123Z", IsoDateTime, Some(1_710_057_600)),
        ("2024-03-10T08:00:00", IsoDateTime, Some(1_710_057_600)),
        ("2023-12-31T23:59:59Z", Auto, Some(1_704_067_199)),
        ("2024-03-10", IsoDateTime, Some(1_710_028_800)),
        ("2024-03-10T25:00:00Z", IsoDateTime, None),
        ("2024-03-10T08:00:00+24:00", IsoDateTime, None),
        ("1997-01-01", Yyyymmdd, None),
        ("19970101", IsoDate, None),
        ("2200-01-01", Auto, None),
    ];
    for (text, fmt, want) in cases {
        assert_eq!(parse_time(text, fmt), want, "{text} as {fmt:?}");
    }
    // a whole column in one format
    let t = TimeColumn::Text(
        vec![
            "2024-02-29T12:00:00+05:30".into(),
            "2024-03-10 08:00-08:00".into(),
        ],
        IsoDateTime,
    );
    assert_eq!(
        t.to_seconds("ts").unwrap(),
        vec![1_709_188_200, 1_710_086_400]
    );
}
