//! CSV readers: column mapping, delimiters, headers, id types, time formats, and bad rows
//! reported with their 1-based file line (the header is line 1) or counted when skipped.

use std::collections::BTreeMap;

use segcore::SegError;
use segcore::data::csv::{
    CsvOptions, Delimiter, IdType, ReadReport, read_events_from_reader, read_feedback_from_reader,
    read_transactions, read_transactions_from_reader,
};
use segcore::data::{EventKind, ScoreScale, TimeFormat};

fn tx(text: &str, opts: &CsvOptions) -> segcore::Result<(segcore::data::Transactions, ReadReport)> {
    read_transactions_from_reader(text.as_bytes(), "t.csv", opts)
}

fn csv_err(e: SegError) -> (u64, String, String) {
    match e {
        SegError::Csv {
            path,
            line,
            column,
            reason,
        } => {
            assert_eq!(path, "t.csv");
            (line, column, reason)
        }
        other => panic!("expected a Csv error, got {other:?}"),
    }
}

#[test]
fn reads_all_transaction_columns() {
    let text = "customer_id,timestamp,amount,order_id,quantity,product_id,category,channel,discount\n\
                c2,2024-01-02,10.5,o1,2,p1,toys,web,1\n\
                c1,2024-01-01T10:00:00Z,-3,o2,1,p2,books,app,no\n";
    let (t, report) = tx(text, &CsvOptions::default()).unwrap();
    assert_eq!(report.rows_read, 2);
    assert_eq!(report.rows_skipped, 0);
    assert_eq!(
        t.customers().strs().unwrap(),
        &["c1".to_string(), "c2".to_string()]
    );
    assert_eq!(t.customer(), &[1, 0]);
    assert_eq!(t.timestamp(), &[1_704_153_600, 1_704_103_200]);
    assert_eq!(t.amount(), &[10.5, -3.0]);
    assert_eq!(t.quantity(), Some(&[2.0, 1.0][..]));
    assert_eq!(t.order_id().unwrap().get(1), Some("o2"));
    assert_eq!(t.product().unwrap().get(0), Some("p1"));
    assert_eq!(t.category().unwrap().get(0), Some("toys"));
    assert_eq!(t.channel().unwrap().get(1), Some("app"));
    assert_eq!(t.discount(), Some(&[true, false][..]));
}

#[test]
fn optional_columns_absent_and_columns_in_any_order() {
    let text = "amount,extra,timestamp,customer_id\n5,zz,1700000000,42\n";
    let (t, _) = tx(text, &CsvOptions::default()).unwrap();
    assert_eq!(t.customers().ints(), Some(&[42_i64][..]));
    assert!(t.quantity().is_none() && t.category().is_none() && t.discount().is_none());
    assert_eq!(t.timestamp(), &[1_700_000_000]);
}

#[test]
fn renamed_columns_and_other_delimiters() {
    let text = "user;when;total\n7;20240105;12,5\n";
    // ';' delimiter: "12,5" is not a number (no locale decimal commas)
    let opts = CsvOptions::default()
        .delimiter(Delimiter::Byte(b';'))
        .column("customer_id", "user")
        .column("timestamp", "when")
        .column("amount", "total")
        .time_format(TimeFormat::Yyyymmdd);
    let (line, col, reason) = csv_err(tx(text, &opts).unwrap_err());
    assert_eq!((line, col.as_str()), (2, "total"));
    assert_eq!(reason, "`12,5` is not a number");
    let text = "user\twhen\ttotal\n7\t20240105\t12.5\n";
    let opts = opts.delimiter(Delimiter::parse("tab").unwrap());
    let (t, _) = tx(text, &opts).unwrap();
    assert_eq!(t.amount(), &[12.5]);
    assert_eq!(t.timestamp(), &[1_704_412_800]);
}

#[test]
fn quoted_fields_with_delimiters() {
    let text =
        "customer_id,timestamp,amount,category\n\"Smith, J\",2024-01-01,1,\"home, garden\"\n";
    let (t, _) = tx(text, &CsvOptions::default()).unwrap();
    assert_eq!(t.customers().label(0), "Smith, J");
    assert_eq!(t.category().unwrap().get(0), Some("home, garden"));
}

#[test]
fn whitespace_delimiter_handles_runs_of_blanks() {
    let text = " customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n\n 00002\t19970112  5   77.00  \n";
    let opts = CsvOptions::default()
        .delimiter(Delimiter::Whitespace)
        .column("timestamp", "date")
        .column("quantity", "number_of_cds")
        .column("amount", "dollar_value");
    let (t, r) = tx(text, &opts).unwrap();
    assert_eq!(r.rows_read, 2);
    assert_eq!(t.customers().ints(), Some(&[1_i64, 2][..]));
    assert_eq!(t.amount(), &[11.77, 77.0]);
    assert_eq!(t.quantity(), Some(&[1.0, 5.0][..]));
    // the blank line 3 is skipped, so the bad row is line 4
    let bad = text.replace("77.00", "x");
    let (line, col, _) = csv_err(tx(&bad, &opts).unwrap_err());
    assert_eq!((line, col.as_str()), (4, "dollar_value"));
}

#[test]
fn no_header_with_names_and_default_order() {
    let text = "1,2024-01-01,5\n2,2024-01-02,6\n";
    let (t, r) = tx(text, &CsvOptions::default().has_header(false)).unwrap();
    assert_eq!((r.rows_read, t.amount()), (2, &[5.0, 6.0][..]));
    let text = "2024-01-01|x|9|1\n";
    let opts = CsvOptions::default()
        .delimiter(Delimiter::Byte(b'|'))
        .names(&["timestamp", "junk", "customer_id", "amount"]);
    let (t, _) = tx(text, &opts).unwrap();
    assert_eq!(t.customers().ints(), Some(&[9_i64][..]));
    // names without a required field are a parameter error
    let e = tx(
        text,
        &CsvOptions::default().names(&["timestamp", "junk", "customer_id", "total"]),
    )
    .unwrap_err();
    assert!(
        matches!(&e, SegError::InvalidParameter { name, reason } if name == "names" && reason.starts_with("missing required column `amount`")),
        "{e}"
    );
    // without a header, data errors are on line 1
    let (line, col, _) =
        csv_err(tx("1,2024-13-01,5\n", &CsvOptions::default().has_header(false)).unwrap_err());
    assert_eq!((line, col.as_str()), (1, "timestamp"));
}

#[test]
fn id_types() {
    let text = "customer_id,timestamp,amount\n007,0,1\n7,0,1\n10,0,1\n";
    let (t, _) = tx(text, &CsvOptions::default()).unwrap();
    // auto: all integers -> integer ids, 007 == 7
    assert_eq!(t.customers().ints(), Some(&[7_i64, 10][..]));
    let (t, _) = tx(text, &CsvOptions::default().id_type(IdType::Str)).unwrap();
    assert_eq!(t.customers().len(), 3);
    let mixed = "customer_id,timestamp,amount\n7,0,1\nx7,0,1\n";
    let (t, _) = tx(mixed, &CsvOptions::default()).unwrap();
    assert_eq!(
        t.customers().strs().unwrap(),
        &["7".to_string(), "x7".to_string()]
    );
    let (line, col, reason) =
        csv_err(tx(mixed, &CsvOptions::default().id_type(IdType::Int)).unwrap_err());
    assert_eq!(
        (line, col.as_str(), reason.as_str()),
        (3, "customer_id", "`x7` is not an integer id")
    );
    let (line, _, reason) = csv_err(
        tx(
            "customer_id,timestamp,amount\n,0,1\n",
            &CsvOptions::default(),
        )
        .unwrap_err(),
    );
    assert_eq!((line, reason.as_str()), (2, "empty customer id"));
}

#[test]
fn time_formats_in_files() {
    let cases = [
        (
            "2024-02-29T12:00:00+05:30",
            TimeFormat::IsoDateTime,
            1_709_188_200_i64,
        ),
        ("2024-02-29T12:00:00+05:30", TimeFormat::Auto, 1_709_188_200),
        ("2024-03-10 08:00-08:00", TimeFormat::Auto, 1_710_086_400),
        ("2024-03-10T08:00:00Z", TimeFormat::Auto, 1_710_057_600),
        ("20240229", TimeFormat::Yyyymmdd, 1_709_164_800),
        ("2024-02-29", TimeFormat::IsoDate, 1_709_164_800),
        ("1709188200", TimeFormat::EpochSeconds, 1_709_188_200),
    ];
    for (text, fmt, want) in cases {
        let csv = format!("customer_id,timestamp,amount\n1,{text},1\n");
        let (t, _) = tx(&csv, &CsvOptions::default().time_format(fmt)).unwrap();
        assert_eq!(t.timestamp(), &[want], "{text} as {fmt:?}");
    }
    // the format is enforced
    let csv = "customer_id,timestamp,amount\n1,2024-02-29,1\n";
    let e = tx(
        csv,
        &CsvOptions::default().time_format(TimeFormat::Yyyymmdd),
    )
    .unwrap_err();
    assert_eq!(
        csv_err(e),
        (
            2,
            "timestamp".into(),
            "unparseable time `2024-02-29`".into()
        )
    );
}

#[test]
fn out_of_range_times_in_files() {
    for (ok, text, fmt) in [
        ("2024-01-01", "2200-01-01", TimeFormat::Auto),
        (
            "2024-01-01T00:00Z",
            "1899-12-31T23:00:00Z",
            TimeFormat::IsoDateTime,
        ),
        ("0", "99999999999", TimeFormat::EpochSeconds),
        ("0", "-99999999999", TimeFormat::Auto),
        ("20240101", "22000101", TimeFormat::Yyyymmdd),
    ] {
        let csv = format!("customer_id,timestamp,amount\n1,{ok},1\n2,{text},1\n");
        let e = tx(&csv, &CsvOptions::default().time_format(fmt)).unwrap_err();
        assert_eq!(
            csv_err(e),
            (
                3,
                "timestamp".into(),
                format!("time `{text}` is outside 1900-01-01..2199-12-31")
            ),
            "{text}"
        );
    }
}

#[test]
fn missing_required_column_is_reported_on_line_1() {
    let e = tx(
        "customer_id,date,amount\n1,2024-01-01,3\n",
        &CsvOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "CSV_ERROR");
    let (line, col, reason) = csv_err(e);
    assert_eq!((line, col.as_str()), (1, "timestamp"));
    assert_eq!(
        reason,
        "missing required column `timestamp` in the header (found: customer_id, date, amount)"
    );
    // a renamed column is looked up by its file name
    let e = tx(
        "customer_id,timestamp,amount\n1,2024-01-01,3\n",
        &CsvOptions::default().column("amount", "revenue"),
    )
    .unwrap_err();
    assert_eq!(csv_err(e).1, "revenue");
}

#[test]
fn unknown_field_in_mapping_is_a_parameter_error() {
    let e = tx("a\n", &CsvOptions::default().column("price", "p")).unwrap_err();
    assert!(matches!(&e, SegError::InvalidParameter { name, .. } if name == "columns"));
    // a field of another log is accepted and ignored
    let opts = CsvOptions::default()
        .column("kind", "event")
        .column("score", "rating");
    let (t, _) = tx("customer_id,timestamp,amount\n1,0,2\n", &opts).unwrap();
    assert_eq!(t.amount(), &[2.0]);
}

#[test]
fn bad_rows_report_their_line() {
    let header = "customer_id,timestamp,amount,quantity,discount\n";
    let cases = [
        (
            "1,2024-01-01,NaN,1,0",
            "amount",
            "NaN is not a finite number",
        ),
        (
            "1,2024-01-01,inf,1,0",
            "amount",
            "inf is not a finite number",
        ),
        ("1,2024-01-01,,1,0", "amount", "empty value"),
        (
            "1,2024-01-01,1,-1,0",
            "quantity",
            "-1 is not a valid quantity (finite and >= 0)",
        ),
        (
            "1,2024-01-01,1,1,maybe",
            "discount",
            "`maybe` is not a flag (use 1/0, true/false or yes/no)",
        ),
        (
            "1,2024-02-30,1,1,0",
            "timestamp",
            "unparseable time `2024-02-30`",
        ),
        ("1,2024-01-01,1,1", "*", "4 fields, expected 5"),
        ("1,2024-01-01,1,1,0,9", "*", "6 fields, expected 5"),
    ];
    for (row, col, reason) in cases {
        let text = format!("{header}2,2024-01-01,1,1,0\n3,2024-01-02,2,1,1\n{row}\n");
        let e = tx(&text, &CsvOptions::default()).unwrap_err();
        assert_eq!(
            csv_err(e),
            (4, col.to_string(), reason.to_string()),
            "{row}"
        );
    }
}

#[test]
fn invalid_utf8_row() {
    let mut bytes = b"customer_id,timestamp,amount\n1,2024-01-01,1\n".to_vec();
    bytes.extend_from_slice(b"\xff\xfe,2024-01-01,1\n");
    let e = read_transactions_from_reader(&bytes[..], "t.csv", &CsvOptions::default()).unwrap_err();
    assert_eq!(csv_err(e).0, 3);
    let opts = CsvOptions::default().skip_bad_rows(true);
    let (_, r) = read_transactions_from_reader(&bytes[..], "t.csv", &opts).unwrap();
    assert_eq!(r.skipped_by_reason.get("invalid utf-8"), Some(&1));
}

#[test]
fn skip_bad_rows_counts_per_reason() {
    let text = "customer_id,timestamp,amount,quantity\n\
                1,2024-01-01,10,1\n\
                1,2024-01-01,10,1\n\
                2,not a date,10,1\n\
                3,2024-01-05,NaN,1\n\
                4,2024-01-05,abc,1\n\
                5,2024-01-06,7,-2\n\
                6,2300-01-01,7,1\n\
                ,2024-01-06,7,1\n\
                7,2024-01-06\n\
                8,2024-01-07,1e2,0\n\
                9,xx,1,1\n";
    let (t, r) = tx(text, &CsvOptions::default().skip_bad_rows(true)).unwrap();
    let expected: BTreeMap<String, usize> = [
        ("unparseable time", 2),
        ("non-finite number", 1),
        ("unparseable number", 1),
        ("negative quantity", 1),
        ("time out of range", 1),
        ("missing value", 1),
        ("wrong number of fields", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(r.skipped_by_reason, expected);
    assert_eq!((r.rows_read, r.rows_skipped, r.duplicate_rows), (3, 8, 1));
    assert_eq!(t.amount(), &[10.0, 10.0, 100.0]);
    assert_eq!(r.examples.len(), 8);
    assert_eq!(r.examples[0].line, 4);
    assert_eq!(r.examples[0].column, "timestamp");
    assert_eq!(r.examples[7].line, 12);
    // the same file without skipping stops at the first bad row, line 4
    let (line, _, _) = csv_err(tx(text, &CsvOptions::default()).unwrap_err());
    assert_eq!(line, 4);
}

#[test]
fn empty_inputs() {
    let e = tx("", &CsvOptions::default()).unwrap_err();
    assert!(
        matches!(&e, SegError::Empty { what } if what == "file `t.csv`"),
        "{e}"
    );
    let e = tx("customer_id,timestamp,amount\n", &CsvOptions::default()).unwrap_err();
    assert!(
        matches!(&e, SegError::Empty { what } if what.contains("no data rows")),
        "{e}"
    );
    let e = tx(
        "customer_id,timestamp,amount\n1,x,1\n",
        &CsvOptions::default().skip_bad_rows(true),
    )
    .unwrap_err();
    assert!(
        matches!(&e, SegError::Empty { what } if what.contains("after skipping 1 bad rows")),
        "{e}"
    );
}

#[test]
fn missing_file_is_an_io_error() {
    let e = read_transactions("/nonexistent/orders.csv", &CsvOptions::default()).unwrap_err();
    assert!(matches!(&e, SegError::Io { path, .. } if path == "/nonexistent/orders.csv"));
    assert_eq!(e.code(), "IO_ERROR");
}

#[test]
fn reads_from_a_file_on_disk() {
    let dir = std::env::temp_dir().join(format!("segcore-data-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("orders.csv");
    std::fs::write(
        &path,
        "\u{feff}customer_id,timestamp,amount\n1,2024-01-01,2\n",
    )
    .unwrap();
    let (t, _) = read_transactions(&path, &CsvOptions::default()).unwrap();
    assert_eq!(t.amount(), &[2.0]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn events_reader() {
    let text = "customer_id,timestamp,kind,category,channel,session_id,platform,value\n\
                u1,1700000000,page_view,,web,s1,ios,\n\
                u1,1700000060,Add To Cart,toys,web,s1,ios,19.99\n\
                u2,1700000100,wishlist,,,,,\n";
    let (ev, r) =
        read_events_from_reader(text.as_bytes(), "e.csv", &CsvOptions::default()).unwrap();
    assert_eq!(r.rows_read, 3);
    assert_eq!(ev.kind_code(), &[0, 3, 15]);
    assert_eq!(ev.kind(2), EventKind::Other("wishlist".into()));
    assert_eq!(ev.category().unwrap().get(1), Some("toys"));
    assert_eq!(ev.category().unwrap().get(0), None);
    assert_eq!(ev.session().unwrap().get(1), Some("s1"));
    assert_eq!(ev.platform().unwrap().get(0), Some("ios"));
    let v = ev.value().unwrap();
    assert!(v[0].is_nan() && v[2].is_nan());
    assert_eq!(v[1], 19.99);
    // bad rows
    for (row, col, reason) in [
        ("u3,1700000000,,,,,,", "kind", "empty event kind"),
        (
            "u3,1700000000,search,,,,,inf",
            "value",
            "infinite value (leave empty for unknown)",
        ),
        ("u3,1700000000,search,,,,,x", "value", "`x` is not a number"),
        (
            "u3,soon,search,,,,,",
            "timestamp",
            "unparseable time `soon`",
        ),
    ] {
        let bad = format!("{text}{row}\n");
        let e =
            read_events_from_reader(bad.as_bytes(), "e.csv", &CsvOptions::default()).unwrap_err();
        match e {
            SegError::Csv {
                path,
                line,
                column,
                reason: got,
            } => {
                assert_eq!(
                    (path.as_str(), line, column.as_str(), got.as_str()),
                    ("e.csv", 5, col, reason)
                );
            }
            other => panic!("{other:?}"),
        }
    }
    let e = read_events_from_reader(
        "customer_id,timestamp\n".as_bytes(),
        "e.csv",
        &CsvOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(&e, SegError::Csv { line: 1, column, .. } if column == "kind"));
}

#[test]
fn feedback_reader() {
    let text = "customer_id,timestamp,score,scale,topic\n1,2024-03-01,9,nps,delivery\n2,2024-03-01,4,CSAT,\n";
    let (fb, _) =
        read_feedback_from_reader(text.as_bytes(), "f.csv", &CsvOptions::default()).unwrap();
    assert_eq!(fb.scale(), &[ScoreScale::Nps, ScoreScale::Csat]);
    assert_eq!(fb.topic().unwrap().get(0), Some("delivery"));
    assert_eq!(fb.topic().unwrap().get(1), None);
    let opts = CsvOptions::default().skip_bad_rows(true);
    let bad =
        format!("{text}3,2024-03-02,11,nps,\n4,2024-03-02,3,likert,\n5,2024-03-02,0,stars,\n");
    let (fb, r) = read_feedback_from_reader(bad.as_bytes(), "f.csv", &opts).unwrap();
    assert_eq!(fb.len(), 2);
    assert_eq!(r.skipped_by_reason.get("score out of range"), Some(&2));
    assert_eq!(r.skipped_by_reason.get("unknown scale"), Some(&1));
    assert_eq!(r.examples[0].reason, "11 is outside the nps range 0..10");
    assert_eq!(
        (r.examples[0].line, r.examples[0].column.as_str()),
        (4, "score")
    );
    // without a scale column: refused, unless a default scale is given
    let no_scale = "customer_id,timestamp,score\n1,2024-03-01,9\n";
    let e = read_feedback_from_reader(no_scale.as_bytes(), "f.csv", &CsvOptions::default())
        .unwrap_err();
    assert!(matches!(&e, SegError::Csv { line: 1, column, .. } if column == "scale"));
    let opts = CsvOptions::default().default_scale(ScoreScale::Nps);
    let (fb, _) = read_feedback_from_reader(no_scale.as_bytes(), "f.csv", &opts).unwrap();
    assert_eq!(fb.scale(), &[ScoreScale::Nps]);
}
