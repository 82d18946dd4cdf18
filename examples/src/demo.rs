//! `make demo`: the main job on bundled data, no downloads.
//!
//! 1. CDNOW (Fader, Hardie and Lee 2005): features, CLV, RFM and behavioural segments,
//!    churn with its out-of-time AUC.
//! 2. A seeded synthetic shop: every feature family, segments with plain-language names,
//!    CLV per acquisition channel, the checkout funnel, cohorts and a monthly transition
//!    matrix.
//!
//! Writes `OUT/customers.csv`, `OUT/shop_customers.csv`, `OUT/cart_follow_up.csv`,
//! `OUT/segmenter.json` and `OUT/report.html`. `--quick` uses a smaller synthetic shop (used by
//! `make test`).
//!
//! Privacy: every segment, cohort, channel, funnel or transition statistic over fewer than
//! `--min-group K` customers (default 10) is suppressed (shown as `n<k`, never as zero).
//! `--pseudonymise-key KEY` (or the environment variable `SEGCORE_PSEUDONYMISE_KEY`) replaces
//! every customer id in the CSV files by `HMAC-SHA256(KEY, id)` (16 hex characters); without a
//! key (the default) ids are written as they are, for readable output. The model file
//! `segmenter.json` never holds customer ids.

use std::path::PathBuf;
use std::time::Instant;

use segcore::analytics::anomaly::{AnomalyParams, DropOffAnomaly};
use segcore::analytics::channels::{channel_value, ChannelRow};
use segcore::analytics::cohorts::Cohorts;
use segcore::analytics::funnel::{FunnelAnalysis, Period};
use segcore::analytics::privacy::{Privacy, SafeProfiles, WithPrivacy};
use segcore::churn::dataset::out_of_time;
use segcore::churn::metrics::{calibration_table, lift_at, roc_auc};
use segcore::churn::{GradientBoostingChurn, LogisticChurn};
use segcore::clv::TransactionModel;
use segcore::data::synthetic::SyntheticShop;
use segcore::data::time::{format_date, parse_time, TimeFormat};
use segcore::data::{datasets, Categorical, Events, Logs, MISSING};
use segcore::dynamic::transition_matrix;
use segcore::pipeline::{Column, CustomerTable, Segmentation, Segmenter};
use segcore::report::{count_num, fmt_num, LineChart, Mark, Report, Series};
use segcore::{Result, SegError};

fn day(s: &str) -> Result<i64> {
    parse_time(s, TimeFormat::IsoDate)
        .ok_or_else(|| SegError::param("date", format!("bad date {s}")))
}

fn step(t: &mut Instant, what: &str) {
    println!("  {what} ({:.2} s)", t.elapsed().as_secs_f64());
    *t = Instant::now();
}

fn num<'a>(t: &'a CustomerTable, name: &str) -> &'a [f64] {
    match t.get(name) {
        Some(Column::Num(v)) => v,
        _ => &[],
    }
}

fn text<'a>(t: &'a CustomerTable, name: &str) -> &'a [String] {
    match t.get(name) {
        Some(Column::Text(v)) => v,
        _ => &[],
    }
}

/// The profile table; a segment below the privacy minimum shows `n<k` in every number column.
fn profile_rows(p: &SafeProfiles, seg: &Segmentation) -> Vec<Vec<String>> {
    let idx = |n: &str| p.features.iter().position(|f| f == n);
    p.segments
        .iter()
        .map(|s| {
            let name = seg
                .model
                .segment_names
                .get(s.segment)
                .cloned()
                .unwrap_or_default();
            let Some(mean) = s.mean.as_ref().filter(|_| !s.suppressed) else {
                let mut row = vec![s.segment.to_string(), name];
                row.extend(std::iter::repeat_n("n<k".to_string(), 7));
                return row;
            };
            let m = |n: &str| idx(n).map_or("–".into(), |j| fmt_num(mean[j]));
            vec![
                s.segment.to_string(),
                name,
                s.size.map_or("–".into(), |v| v.to_string()),
                s.share.map_or("–".into(), |v| format!("{:.1}%", 100.0 * v)),
                m("recency"),
                m("frequency"),
                m("avg_order_value"),
                s.clv_mean.map_or("–".into(), fmt_num),
                s.churn_mean
                    .map_or("–".into(), |v| format!("{:.1}%", 100.0 * v)),
            ]
        })
        .collect()
}

/// Per-segment bars: a suppressed segment has no bar and says so.
fn segment_bars(
    s: &mut segcore::report::Section,
    title: &str,
    p: &SafeProfiles,
    names: &[String],
    value: impl Fn(&segcore::analytics::privacy::SafeSegmentProfile) -> Option<f64>,
) {
    let labels = p
        .segments
        .iter()
        .map(|g| names.get(g.segment).cloned().unwrap_or_default())
        .collect();
    let values: Vec<f64> = p
        .segments
        .iter()
        .map(|g| value(g).filter(|_| !g.suppressed).unwrap_or(f64::NAN))
        .collect();
    let notes = p
        .segments
        .iter()
        .zip(&values)
        .map(|(g, &v)| {
            if g.suppressed {
                "n<k (suppressed)".to_string()
            } else {
                count_num(v)
            }
        })
        .collect();
    s.bars_annotated(title, labels, values, notes);
}

/// The events of the customers with `keep[code]` (same columns).
fn events_of(ev: &Events, keep: &[bool]) -> Result<Events> {
    let rows: Vec<usize> = (0..ev.len())
        .filter(|&r| {
            keep.get(ev.customer()[r] as usize)
                .copied()
                .unwrap_or(false)
        })
        .collect();
    let ids: Vec<String> = rows
        .iter()
        .map(|&r| ev.customers().label(ev.customer()[r]))
        .collect();
    let kinds: Vec<String> = rows
        .iter()
        .map(|&r| ev.kind(r).as_str().to_string())
        .collect();
    let ts: Vec<i64> = rows.iter().map(|&r| ev.timestamp()[r]).collect();
    let cat = |c: &Categorical| -> Vec<String> {
        rows.iter()
            .map(|&r| match c.codes[r] {
                MISSING => String::new(),
                k => c.levels[k as usize].clone(),
            })
            .collect()
    };
    let mut b = Events::builder(ids, ts, kinds);
    if let Some(c) = ev.category() {
        b = b.category(cat(c));
    }
    if let Some(c) = ev.channel() {
        b = b.channel(cat(c));
    }
    if let Some(c) = ev.session() {
        b = b.session(cat(c));
    }
    if let Some(c) = ev.platform() {
        b = b.platform(cat(c));
    }
    if let Some(v) = ev.value() {
        b = b.value(rows.iter().map(|&r| v[r]).collect());
    }
    b.build()
}

/// Writes the reminder list (most recent abandoned cart per customer) as CSV.
fn write_follow_up(
    path: &std::path::Path,
    list: &[segcore::analytics::funnel::AbandonedCart],
    privacy: &Privacy,
) -> Result<()> {
    let clean = |t: &str| t.replace([',', '\n', '"'], " ");
    let mut out = format!("{},abandoned_at,stage,value,segment\n", privacy.id_column());
    for c in list {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            clean(&c.customer),
            format_date(c.abandoned_at),
            clean(&c.stage),
            c.value.map_or(String::new(), |v| format!("{v:.2}")),
            clean(c.segment.as_deref().unwrap_or("")),
        ));
    }
    std::fs::write(path, out).map_err(|e| SegError::Io {
        path: path.display().to_string(),
        source: e,
    })
}

/// Channel value rows as small multiples: customers, retention, mean CLV, churn (and CLV/CAC
/// when any cost was given). A suppressed channel is labelled `n<k` and has no bars.
fn channel_panels(s: &mut segcore::report::Section, title: &str, rows: &[ChannelRow]) {
    let cats: Vec<String> = rows
        .iter()
        .map(|r| {
            if r.suppressed {
                format!("{} (n<k)", r.channel)
            } else {
                r.channel.clone()
            }
        })
        .collect();
    let col = |f: &dyn Fn(&ChannelRow) -> Option<f64>| -> Vec<f64> {
        rows.iter().map(|r| f(r).unwrap_or(f64::NAN)).collect()
    };
    let mut series = vec![
        Series::new("customers", col(&|r| r.customers.map(|n| n as f64))),
        Series::new("retention (repeat-purchase rate)", col(&|r| r.retention)),
        Series::new("mean CLV (1 year)", col(&|r| r.mean_clv)),
        Series::new("mean churn probability", col(&|r| r.mean_churn)),
    ];
    if rows.iter().any(|r| r.clv_to_cac.is_some()) {
        series.push(Series::new("CLV / CAC", col(&|r| r.clv_to_cac)));
    }
    s.bar_panels(title, cats, series);
}

const PROFILE_HEADERS: [&str; 9] = [
    "segment",
    "name",
    "customers",
    "share",
    "mean recency (days)",
    "mean frequency",
    "mean order value",
    "mean CLV (1 year)",
    "mean churn risk",
];

fn print_profiles(rows: &[Vec<String>]) {
    println!(
        "  {:<3} {:<34} {:>8} {:>7} {:>9} {:>9} {:>9} {:>10} {:>8}",
        "k", "segment name", "size", "share", "recency", "freq", "AOV", "CLV", "churn"
    );
    for r in rows {
        println!(
            "  {:<3} {:<34} {:>8} {:>7} {:>9} {:>9} {:>9} {:>10} {:>8}",
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]
        );
    }
}

fn counts_by(labels: &[String]) -> Vec<(String, usize)> {
    let mut m = std::collections::BTreeMap::new();
    for l in labels.iter().filter(|l| !l.is_empty()) {
        *m.entry(l.clone()).or_insert(0usize) += 1;
    }
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1));
    v
}

fn data_section(report: &mut Report, title: &str, logs: &Logs, seg: &Segmentation) {
    let tx = logs.transactions();
    let s = report.section(title);
    s.paragraph(format!(
        "{} customers, {} transactions ({} exact duplicate rows), {} events, {} survey responses; features as of {}.",
        logs.customers().len(),
        tx.len(),
        tx.duplicate_rows(),
        logs.events().map_or(0, |e| e.len()),
        logs.feedback().map_or(0, |f| f.len()),
        format_date(seg.features.as_of)
    ));
    for name in [
        "recency",
        "frequency",
        "avg_order_value",
        "tenure",
        "clv",
        "p_alive",
        "churn_probability",
    ] {
        let v = num(&seg.customers, name);
        if !v.is_empty() {
            s.histogram(name, v, 30);
        }
    }
}

fn arg_value<'a>(args: &'a [String], name: &str) -> Option<&'a String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let out = arg_value(&args, "--out").map_or(PathBuf::from("out"), PathBuf::from);
    let mut privacy = Privacy::from_env("SEGCORE_PSEUDONYMISE_KEY").hex_len(Some(16));
    if let Some(key) = arg_value(&args, "--pseudonymise-key") {
        privacy = privacy.key(key.as_bytes());
    }
    if let Some(k) = arg_value(&args, "--min-group") {
        privacy = privacy.k(k.parse().map_err(|_| {
            SegError::param("--min-group", format!("{k} is not a positive integer"))
        })?);
    }
    privacy.validate()?;
    println!(
        "privacy: groups below k = {} customers suppressed; customer ids {}",
        privacy.k,
        if privacy.pseudonymises() {
            "pseudonymised (HMAC-SHA256, 16 hex characters)"
        } else {
            "written as they are (set --pseudonymise-key or SEGCORE_PSEUDONYMISE_KEY to pseudonymise)"
        }
    );
    std::fs::create_dir_all(&out).map_err(|e| SegError::Io {
        path: out.display().to_string(),
        source: e,
    })?;
    let mut report = Report::new("segcore — customer segments, lifetime value and churn");
    let total = Instant::now();

    // ---- 1. CDNOW ----------------------------------------------------------------------
    println!("[1/2] CDNOW: 23,570 customers who first bought in Q1 1997");
    let mut t = Instant::now();
    let logs = Logs::new(datasets::cdnow_master()?, None, None)?;
    step(&mut t, "loaded bundled transactions");
    let seg = Segmenter::params()
        .as_of(Some(day("1998-07-01")?))
        .seed(0)
        .fit(&logs)?;
    step(&mut t, "features, CLV, RFM, segments and churn fitted");
    if let Some(k) = &seg.choose_k {
        println!("  k = {} ({})", k.k, k.rule);
    }
    let safe = privacy.profiles(&seg.profiles)?;
    let rows = profile_rows(&safe, &seg);
    print_profiles(&rows);
    let (mut train, mut test) = out_of_time(
        &logs,
        day("1997-09-30")?,
        day("1997-12-31")?,
        90.0,
        &Default::default(),
    )?;
    let gbt =
        GradientBoostingChurn::params().fit(train.x.view(), train.y.as_deref().unwrap_or(&[]))?;
    let p_gbt = gbt.predict_proba(test.x.view())?;
    let fill = train.fill_missing();
    test.apply_fill(&fill)?;
    let lr =
        LogisticChurn::params().fit(train.x.view(), train.y.as_deref().unwrap_or(&[]), None)?;
    let p_lr = lr.predict_proba(test.x.view())?;
    let y = test.y.as_deref().unwrap_or(&[]);
    let auc_lr = roc_auc(y, p_lr.as_slice().unwrap_or(&[]))?;
    let auc_gbt = roc_auc(y, p_gbt.as_slice().unwrap_or(&[]))?;
    println!(
        "  churn, out of time (train 1997-09-30, test 1997-12-31, H = 90 days): ROC AUC logistic {auc_lr:.3}, gradient boosting {auc_gbt:.3}"
    );
    step(&mut t, "out-of-time churn evaluation");
    let rfm = counts_by(text(&seg.customers, "rfm_segment"));
    println!(
        "  RFM segments: {}",
        rfm.iter()
            .map(|(n, c)| format!("{n} {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    seg.customers
        .save_csv_private(out.join("customers.csv"), &privacy)?;
    std::fs::write(
        out.join("segmenter.json"),
        segcore::model::to_json(&seg.model)?,
    )
    .map_err(|e| SegError::Io {
        path: "segmenter.json".into(),
        source: e,
    })?;
    step(&mut t, "wrote customers.csv and segmenter.json");
    {
        let s = report.section("CDNOW segments");
        s.paragraph(format!("The profile table: behavioural segments with plain-language names, their size, behaviour, customer lifetime value over one year and churn risk over 90 days. Privacy: any group of fewer than k = {} customers is suppressed (n<k) throughout this report.", privacy.k));
        s.table(&PROFILE_HEADERS, rows);
        segment_bars(
            s,
            "customers per segment",
            &safe,
            &seg.model.segment_names,
            |p| p.size.map(|n| n as f64),
        );
        segment_bars(
            s,
            "total CLV per segment (1 year)",
            &safe,
            &seg.model.segment_names,
            |p| p.clv_total,
        );
        s.bars_annotated(
            "customers per RFM segment",
            rfm.iter().map(|r| r.0.clone()).collect(),
            rfm.iter()
                .map(|r| privacy.cell(r.1 as u64, r.1 as f64).unwrap_or(f64::NAN))
                .collect(),
            rfm.iter()
                .map(|r| {
                    privacy
                        .cell(r.1 as u64, r.1.to_string())
                        .unwrap_or_else(|| "n<k (suppressed)".into())
                })
                .collect(),
        );
        // RFM grid: customers by recency score (rows) and frequency score (columns)
        let mut grid = vec![0.0; 25];
        for sc in text(&seg.customers, "rfm_score") {
            let b = sc.as_bytes();
            if b.len() == 3 {
                let (r, f) = ((b[0] - b'0') as usize, (b[1] - b'0') as usize);
                if (1..=5).contains(&r) && (1..=5).contains(&f) {
                    grid[(5 - r) * 5 + (f - 1)] += 1.0;
                }
            }
        }
        let marks = grid
            .iter()
            .map(|&n| {
                if n > 0.0 && privacy.suppressed(n as u64) {
                    Mark::Suppressed
                } else {
                    Mark::Plain
                }
            })
            .collect();
        s.heatmap_marked(
            "RFM grid: customers by recency and frequency score",
            "recency score",
            "frequency score",
            (1..=5).rev().map(|r| r.to_string()).collect(),
            (1..=5).map(|f| f.to_string()).collect(),
            grid,
            marks,
        );
        // P(alive) matrix of the fitted BG/NBD at the largest age
        let bg = &seg.model.bg_nbd;
        let big_t = num(&seg.customers, "tenure")
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let freqs: Vec<f64> = (0..8).map(|i| (i * 3) as f64).collect();
        let recs: Vec<f64> = (0..8).map(|j| big_t * j as f64 / 7.0).collect();
        let mut pa = Vec::new();
        for &x in freqs.iter().rev() {
            for &r in &recs {
                pa.push(bg.p_alive_one(x, r, big_t).unwrap_or(f64::NAN));
            }
        }
        s.heatmap_axes(
            format!("P(alive) by frequency and recency (BG/NBD, age {big_t:.0} days)"),
            "repeat purchases",
            "days from first to last purchase",
            freqs.iter().rev().map(|x| format!("{x}")).collect(),
            recs.iter().map(|r| format!("{r:.0}")).collect(),
            pa,
        );
        s.paragraph(format!(
            "Churn, out of time: trained at 1997-09-30, tested at 1997-12-31 with a 90-day horizon: ROC AUC {auc_lr:.3} (logistic regression), {auc_gbt:.3} (gradient-boosted trees)."
        ));
        let cal = calibration_table(y, p_lr.as_slice().unwrap_or(&[]))?;
        s.line(
            LineChart::new("churn calibration by decile (logistic, test set)")
                .axes("mean predicted churn probability", "observed churn rate")
                .curve(
                    "logistic",
                    cal.iter()
                        .map(|b| (b.mean_predicted, b.observed_rate))
                        .collect(),
                )
                .diagonal(true),
        );
        let mut gains = vec![(0.0, 0.0)];
        let mut lift = Vec::new();
        for i in 1..=10 {
            let l = lift_at(y, p_lr.as_slice().unwrap_or(&[]), i as f64 / 10.0)?;
            gains.push((l.fraction, l.capture_rate));
            lift.push((l.fraction, l.lift));
        }
        s.line(
            LineChart::new("cumulative gains: churners captured by the top x% of risk scores")
                .axes("share of customers contacted", "share of churners captured")
                .curve("logistic", gains)
                .diagonal(true),
        );
        s.line(
            LineChart::new("lift: churn rate among the top x% of risk scores over the base rate")
                .axes("share of customers contacted", "lift")
                .curve("logistic", lift)
                .curve("no model", vec![(0.1, 1.0), (1.0, 1.0)]),
        );
    }
    data_section(
        &mut report,
        "CDNOW data and feature distributions",
        &logs,
        &seg,
    );

    // ---- 2. Synthetic shop -------------------------------------------------------------
    let n_shop = if quick { 3_000 } else { 20_000 };
    println!("[2/2] synthetic shop: {n_shop} customers, seed 7");
    let mut t = Instant::now();
    let shop = SyntheticShop::params()
        .n_customers(n_shop)
        .seed(7)
        .generate()?;
    step(
        &mut t,
        "generated orders, sessions, carts, campaigns and surveys",
    );
    let sseg = Segmenter::params().seed(0).fit(&shop)?;
    step(&mut t, "segmented");
    let ssafe = privacy.profiles(&sseg.profiles)?;
    let srows = profile_rows(&ssafe, &sseg);
    print_profiles(&srows);
    sseg.customers
        .save_csv_private(out.join("shop_customers.csv"), &privacy)?;

    // channel value: customers, retention, mean CLV and churn by acquisition and engagement
    // channel, CLV / CAC with illustrative costs per acquisition
    let n_cust = shop.customers().len();
    let clv_raw = num(&sseg.customers, "clv");
    let churn_raw = num(&sseg.customers, "churn_probability");
    let undefined = (0..n_cust)
        .filter(|&c| {
            !clv_raw.get(c).is_some_and(|v| v.is_finite())
                || !churn_raw.get(c).is_some_and(|v| v.is_finite())
        })
        .count();
    let clv: Vec<f64> = (0..n_cust)
        .map(|c| {
            clv_raw
                .get(c)
                .copied()
                .filter(|v| v.is_finite())
                .unwrap_or(0.0)
        })
        .collect();
    let churn: Vec<f64> = (0..n_cust)
        .map(|c| {
            churn_raw
                .get(c)
                .copied()
                .filter(|v| v.is_finite())
                .unwrap_or(1.0)
        })
        .collect();
    let cac: Vec<(String, f64)> = [
        ("app", 12.0),
        ("email", 4.0),
        ("sms", 6.0),
        ("social", 18.0),
        ("web", 10.0),
    ]
    .iter()
    .map(|(c, v)| (c.to_string(), *v))
    .collect();
    let channels = channel_value(&shop, &clv, &churn, &cac, privacy.k)?;
    println!("  channel value by acquisition channel (mean CLV, CLV / CAC):");
    for r in &channels.acquisition {
        match (r.mean_clv, r.clv_to_cac) {
            (Some(v), ratio) => println!(
                "    {:<8} {v:>8.2} {:>6} ({} customers)",
                r.channel,
                ratio.map_or("–".into(), |x| format!("{x:.2}")),
                r.customers.unwrap_or(0)
            ),
            _ => println!("    {:<8} suppressed (n<k)", r.channel),
        }
    }

    // the checkout funnel, overall and per segment, with weekly drop-off anomalies
    let labels: Vec<usize> = num(&sseg.customers, "segment")
        .iter()
        .map(|&l| {
            if l.is_finite() {
                l as usize
            } else {
                usize::MAX
            }
        })
        .collect();
    let names = sseg.model.segment_names.clone();
    let seg_name = |c: usize| {
        labels
            .get(c)
            .and_then(|&l| names.get(l))
            .cloned()
            .unwrap_or_default()
    };
    let seg_labels: Vec<String> = (0..n_cust).map(seg_name).collect();
    let anomaly_params = AnomalyParams::default().with_privacy(&privacy);
    let mut fun_rows = Vec::new();
    let mut flags: Vec<DropOffAnomaly> = Vec::new();
    let mut fun_chart: (Vec<String>, Vec<f64>) = (Vec::new(), Vec::new());
    let mut seg_fun_rows = Vec::new();
    // (group, weekly tables, flags) for the anomaly heatmap
    let mut weekly: Vec<(
        String,
        Vec<segcore::analytics::funnel::FunnelTable>,
        Vec<DropOffAnomaly>,
    )> = Vec::new();
    let mut follow_up = Vec::new();
    let mut stage_names: Vec<String> = Vec::new();
    if let Some(ev) = shop.events() {
        let f = FunnelAnalysis::params().with_privacy(&privacy).fit(ev)?;
        stage_names = f.stage_names().to_vec();
        if let Some(stages) = f.overall().stages {
            for st in stages {
                fun_chart.0.push(st.stage.clone());
                fun_chart.1.push(st.sessions as f64);
                fun_rows.push(vec![
                    st.stage.clone(),
                    st.sessions.to_string(),
                    format!("{:.1}%", 100.0 * st.session_reach),
                    st.drop_off
                        .map_or("–".into(), |d| format!("{:.1}%", 100.0 * d)),
                    st.loops_back.to_string(),
                ]);
            }
        }
        flags = f.anomalies(Period::Week, &anomaly_params)?;
        weekly.push((
            "all customers".into(),
            f.over_time(Period::Week),
            flags.clone(),
        ));
        for t in f.by_segment(&seg_labels)? {
            let mut row = vec![t.group.clone()];
            match &t.stages {
                Some(st) if !t.suppressed => {
                    row.push(t.customers.map_or("–".into(), |n| n.to_string()));
                    row.extend(
                        st.iter()
                            .map(|s| format!("{:.1}%", 100.0 * s.customer_reach)),
                    );
                }
                _ => row.extend(std::iter::repeat_n(
                    "n<k".to_string(),
                    stage_names.len() + 1,
                )),
            }
            seg_fun_rows.push(row);
        }
        for (label, name) in names.iter().enumerate() {
            let keep: Vec<bool> = labels.iter().map(|&l| l == label).collect();
            let sub = events_of(ev, &keep)?;
            if sub.is_empty() {
                continue;
            }
            let fs = FunnelAnalysis::params().with_privacy(&privacy).fit(&sub)?;
            let fl = fs.anomalies(Period::Week, &anomaly_params)?;
            weekly.push((name.clone(), fs.over_time(Period::Week), fl));
        }
        follow_up = f.follow_up(sseg.model.as_of, 14 * 86_400, Some(&seg_labels))?;
        privacy.pseudonymise_carts(&mut follow_up)?;
        println!(
            "  checkout funnel: {} stages, {} anomaly flags overall, {} in segments; {} carts to follow up",
            fun_rows.len(),
            flags.len(),
            weekly.iter().skip(1).map(|w| w.2.len()).sum::<usize>(),
            follow_up.len()
        );
    }
    write_follow_up(&out.join("cart_follow_up.csv"), &follow_up, &privacy)?;
    let cohorts = Cohorts::params()
        .with_privacy(&privacy)
        .fit(shop.transactions())?;
    step(&mut t, "channel value, funnel and cohorts");

    // monthly transitions: score the same shop at the last four month ends
    let as_of = sseg.model.as_of;
    let mut snaps = Vec::new();
    for m in (0..4).rev() {
        let cut = as_of - m * 30 * 86_400;
        let table = sseg.model.score(&shop, Some(cut))?;
        snaps.push(
            num(&table, "segment")
                .iter()
                .map(|&l| l as usize)
                .collect::<Vec<_>>(),
        );
    }
    let k = sseg.model.segment_names.len();
    let codes: Vec<u32> = (0..shop.customers().len() as u32).collect();
    let tr = transition_matrix(&codes, &snaps[2], &codes, &snaps[3], k)?;
    let moved: u64 = (0..k)
        .flat_map(|a| (0..k).filter(move |&b| b != a).map(move |b| (a, b)))
        .map(|(a, b)| tr.counts[[a, b]])
        .sum();
    println!("  last month: {moved} customers moved between segments");
    step(&mut t, "monthly snapshots and transitions");

    {
        let s = report.section("Synthetic shop segments");
        s.table(&PROFILE_HEADERS, srows);
        segment_bars(
            s,
            "customers per segment",
            &ssafe,
            &sseg.model.segment_names,
            |p| p.size.map(|n| n as f64),
        );
        segment_bars(
            s,
            "mean CLV per segment (1 year)",
            &ssafe,
            &sseg.model.segment_names,
            |p| p.clv_mean,
        );
        // transitions: a row (segment a month ago) of fewer than k customers is suppressed
        let mut marks = Vec::new();
        for a in 0..k {
            let n: u64 = (0..k).map(|b| tr.counts[[a, b]]).sum();
            let m = if n > 0 && privacy.suppressed(n) {
                Mark::Suppressed
            } else {
                Mark::Plain
            };
            marks.extend(std::iter::repeat_n(m, k));
        }
        s.heatmap_marked(
            "segment transitions over the last month (share of each row)",
            "segment a month ago",
            "segment now",
            sseg.model.segment_names.clone(),
            sseg.model.segment_names.clone(),
            tr.rates.iter().copied().collect(),
            marks,
        );
    }
    {
        let s = report.section("Synthetic shop: channel value");
        s.paragraph(format!(
            "Customers, retention (share with purchases on two or more days), mean CLV over one year and mean churn probability by acquisition channel (the channel of the first order) and by engagement channel (the channel with most events). CLV / CAC uses illustrative costs per acquired customer: {}.{}",
            cac.iter()
                .map(|(c, v)| format!("{c} {v}"))
                .collect::<Vec<_>>()
                .join(", "),
            if undefined > 0 {
                format!(" {undefined} customers without a CLV or churn estimate (they never bought: only engagement channels count them) are counted as CLV 0 and churn 1.")
            } else {
                String::new()
            }
        ));
        channel_panels(
            s,
            "channel value by acquisition channel",
            &channels.acquisition,
        );
        channel_panels(
            s,
            "channel value by engagement channel",
            &channels.engagement,
        );
    }
    {
        let s = report.section("Synthetic shop: checkout funnel");
        let flagged: Vec<bool> = fun_chart
            .0
            .iter()
            .map(|st| flags.iter().any(|f| &f.stage == st))
            .collect();
        s.funnel(
            "checkout funnel: sessions reaching each stage (flagged: a weekly drop-off anomaly)",
            fun_chart.0.clone(),
            fun_chart.1.clone(),
            flagged,
        );
        s.table(
            &["stage", "sessions", "reach", "drop-off", "loops back"],
            fun_rows,
        );
        let mut headers = vec!["segment".to_string(), "customers".to_string()];
        headers.extend(stage_names.iter().map(|n| format!("reach {n}")));
        let header_refs: Vec<&str> = headers.iter().map(|h| h.as_str()).collect();
        s.paragraph("Customer reach of each stage by segment:");
        s.table(&header_refs, seg_fun_rows);
        // anomaly heatmaps, one per stage with a flag: rows = all customers and each segment,
        // columns = the weeks flagged at that stage in any group (latest 14), cells = drop-off,
        // the flagged (group, week) cells outlined
        let mut flag_stages: Vec<usize> = weekly
            .iter()
            .flat_map(|w| w.2.iter())
            .filter_map(|f| stage_names.iter().position(|n| *n == f.stage))
            .collect();
        flag_stages.sort_unstable();
        flag_stages.dedup();
        for &st in &flag_stages {
            let stage = stage_names.get(st).cloned().unwrap_or_default();
            let mut weeks: Vec<i64> = weekly
                .iter()
                .flat_map(|w| w.2.iter())
                .filter(|f| f.stage == stage)
                .map(|f| f.period_start)
                .collect();
            weeks.sort_unstable();
            weeks.dedup();
            let weeks = &weeks[weeks.len().saturating_sub(14)..];
            let (mut rows, mut vals, mut marks) = (Vec::new(), Vec::new(), Vec::new());
            for (group, tables, fl) in &weekly {
                rows.push(group.clone());
                for &w in weeks {
                    let flagged = fl.iter().any(|f| f.period_start == w && f.stage == stage);
                    match tables.iter().find(|t| t.period_start == Some(w)) {
                        Some(t) if t.suppressed => {
                            vals.push(f64::NAN);
                            marks.push(Mark::Suppressed);
                        }
                        Some(t) => {
                            vals.push(
                                t.stages
                                    .as_ref()
                                    .and_then(|s| s.get(st))
                                    .and_then(|r| r.drop_off)
                                    .unwrap_or(f64::NAN),
                            );
                            marks.push(if flagged { Mark::Flagged } else { Mark::Plain });
                        }
                        None => {
                            vals.push(f64::NAN);
                            marks.push(Mark::Plain);
                        }
                    }
                }
            }
            s.heatmap_marked(
                format!(
                    "funnel anomalies at {stage} → {}: drop-off in the flagged weeks, by segment (⚑ flagged)",
                    stage_names.get(st + 1).cloned().unwrap_or_default()
                ),
                "",
                "week starting",
                rows,
                weeks.iter().map(|&w| format_date(w)).collect(),
                vals,
                marks,
            );
        }
        // the flag table: the 30 strongest flags (largest z), in group order
        let mut all_flags: Vec<(usize, &String, &DropOffAnomaly)> = weekly
            .iter()
            .enumerate()
            .flat_map(|(g, (group, _, fl))| fl.iter().map(move |f| (g, group, f)))
            .collect();
        let n_flags = all_flags.len();
        all_flags.sort_by(|a, b| b.2.z.total_cmp(&a.2.z));
        all_flags.truncate(30);
        all_flags.sort_by_key(|a| (a.0, a.2.period_start));
        let flag_rows: Vec<Vec<String>> = all_flags
            .iter()
            .map(|(_, group, f)| {
                vec![
                    group.to_string(),
                    format!("{} → {}", f.stage, f.next_stage),
                    f.period.clone(),
                    format!("{:.1}%", 100.0 * f.drop_off),
                    format!("{:.1}%", 100.0 * f.baseline_drop_off),
                    format!("{:+.1} pts", 100.0 * f.change),
                    format!("{:.2}", f.z),
                    f.sessions.to_string(),
                ]
            })
            .collect();
        s.paragraph(format!(
            "{n_flags} weekly drop-off anomalies (overall and per segment; a week is flagged when its drop-off rises significantly above the trailing baseline){}.",
            if n_flags > flag_rows.len() {
                format!("; the {} strongest (largest z) are listed", flag_rows.len())
            } else {
                String::new()
            }
        ));
        if !flag_rows.is_empty() {
            s.table(
                &[
                    "group", "stage", "week", "drop-off", "baseline", "change", "z", "sessions",
                ],
                flag_rows,
            );
        }
        s.paragraph(format!(
            "{} customers abandoned a cart in the last 14 days (follow-up list in cart_follow_up.csv{}).",
            follow_up.len(),
            if privacy.pseudonymises() { ", pseudonymised ids" } else { "" }
        ));
    }
    {
        let s = report.section("Synthetic shop: cohorts");
        let months = cohorts.months.min(12);
        let rows: Vec<String> = cohorts.cohorts.iter().map(|c| c.cohort.clone()).collect();
        let (mut vals, mut marks) = (Vec::new(), Vec::new());
        for c in &cohorts.cohorts {
            for m in 0..months {
                vals.push(
                    c.retention
                        .as_ref()
                        .and_then(|r| r.get(m).copied().flatten())
                        .unwrap_or(f64::NAN),
                );
                marks.push(if c.suppressed {
                    Mark::Suppressed
                } else if c.worse_than_earlier.as_ref().is_some_and(|f| f.month == m) {
                    Mark::Flagged
                } else {
                    Mark::Plain
                });
            }
        }
        s.heatmap_marked(
            "cohort retention (flagged: retains worse than earlier cohorts)",
            "acquisition month",
            "months since first purchase",
            rows,
            (0..months).map(|m| m.to_string()).collect(),
            vals,
            marks,
        );
    }
    data_section(
        &mut report,
        "Synthetic shop data and feature distributions",
        &shop,
        &sseg,
    );

    let html = report.to_html();
    std::fs::write(out.join("report.html"), html).map_err(|e| SegError::Io {
        path: "report.html".into(),
        source: e,
    })?;
    println!(
        "done in {:.1} s: wrote {}/customers.csv, shop_customers.csv, segmenter.json, report.html",
        total.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(())
}
