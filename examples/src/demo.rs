//! `make demo`: the main job on bundled data, no downloads.
//!
//! 1. CDNOW (Fader, Hardie and Lee 2005): features, CLV, RFM and behavioural segments,
//!    churn with its out-of-time AUC.
//! 2. A seeded synthetic shop: every feature family, segments with plain-language names,
//!    CLV per acquisition channel, the checkout funnel, cohorts and a monthly transition
//!    matrix.
//!
//! Writes `OUT/customers.csv`, `OUT/shop_customers.csv`, `OUT/segmenter.json` and
//! `OUT/report.html`. `--quick` uses a smaller synthetic shop (used by `make test`).

use std::path::PathBuf;
use std::time::Instant;

use segcore::analytics::cohorts::Cohorts;
use segcore::analytics::funnel::FunnelAnalysis;
use segcore::churn::dataset::out_of_time;
use segcore::churn::metrics::{calibration_table, lift_at, roc_auc};
use segcore::churn::{GradientBoostingChurn, LogisticChurn};
use segcore::cluster::profile::Profiles;
use segcore::clv::TransactionModel;
use segcore::data::synthetic::SyntheticShop;
use segcore::data::time::{format_date, parse_time, TimeFormat};
use segcore::data::{datasets, Logs};
use segcore::dynamic::transition_matrix;
use segcore::pipeline::{Column, CustomerTable, Segmentation, Segmenter};
use segcore::report::{fmt_num, LineChart, Report};
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

fn profile_rows(p: &Profiles, seg: &Segmentation) -> Vec<Vec<String>> {
    let idx = |n: &str| p.features.iter().position(|f| f == n);
    p.segments
        .iter()
        .map(|s| {
            let m = |n: &str| idx(n).map_or("–".into(), |j| fmt_num(s.mean[j]));
            vec![
                s.segment.to_string(),
                seg.model
                    .segment_names
                    .get(s.segment)
                    .cloned()
                    .unwrap_or_default(),
                s.size.to_string(),
                format!("{:.1}%", 100.0 * s.share),
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

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map_or(PathBuf::from("out"), PathBuf::from);
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
    let rows = profile_rows(&seg.profiles, &seg);
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
    seg.customers.save_csv(out.join("customers.csv"))?;
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
        s.paragraph("The profile table: behavioural segments with plain-language names, their size, behaviour, customer lifetime value over one year and churn risk over 90 days.");
        s.table(&PROFILE_HEADERS, rows);
        s.bars(
            "customers per segment",
            seg.profiles
                .segments
                .iter()
                .map(|p| seg.model.segment_names[p.segment].clone())
                .collect(),
            seg.profiles
                .segments
                .iter()
                .map(|p| p.size as f64)
                .collect(),
        );
        s.bars(
            "total CLV per segment (1 year)",
            seg.profiles
                .segments
                .iter()
                .map(|p| seg.model.segment_names[p.segment].clone())
                .collect(),
            seg.profiles
                .segments
                .iter()
                .map(|p| p.clv_total.unwrap_or(0.0))
                .collect(),
        );
        s.bars(
            "customers per RFM segment",
            rfm.iter().map(|r| r.0.clone()).collect(),
            rfm.iter().map(|r| r.1 as f64).collect(),
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
        s.heatmap_axes(
            "RFM grid: customers by recency and frequency score",
            "recency score",
            "frequency score",
            (1..=5).rev().map(|r| r.to_string()).collect(),
            (1..=5).map(|f| f.to_string()).collect(),
            grid,
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
        for i in 1..=10 {
            let l = lift_at(y, p_lr.as_slice().unwrap_or(&[]), i as f64 / 10.0)?;
            gains.push((l.fraction, l.capture_rate));
        }
        s.line(
            LineChart::new("cumulative gains: churners captured by the top x% of risk scores")
                .axes("share of customers contacted", "share of churners captured")
                .curve("logistic", gains)
                .diagonal(true),
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
    let srows = profile_rows(&sseg.profiles, &sseg);
    print_profiles(&srows);
    sseg.customers.save_csv(out.join("shop_customers.csv"))?;

    // CLV per acquisition channel
    let levels = sseg
        .features
        .levels
        .get("acquisition_channel")
        .cloned()
        .unwrap_or_default();
    let acq = num(&sseg.customers, "acquisition_channel");
    let clv = num(&sseg.customers, "clv");
    let mut by_channel: Vec<(String, f64, usize)> =
        levels.iter().map(|l| (l.clone(), 0.0, 0)).collect();
    for (&a, &v) in acq.iter().zip(clv) {
        if a.is_finite() && v.is_finite() && (a as usize) < by_channel.len() {
            by_channel[a as usize].1 += v;
            by_channel[a as usize].2 += 1;
        }
    }
    println!("  mean CLV by acquisition channel:");
    for (c, s, n) in &by_channel {
        if *n > 0 {
            println!("    {c:<8} {:>8.2} ({n} customers)", s / *n as f64);
        }
    }

    // funnel and cohorts
    let mut fun_rows = Vec::new();
    let mut flags = Vec::new();
    let mut fun_chart: (Vec<String>, Vec<f64>) = (Vec::new(), Vec::new());
    if let Some(ev) = shop.events() {
        let f = FunnelAnalysis::params().fit(ev)?;
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
        flags = f.anomalies(
            segcore::analytics::funnel::Period::Week,
            &Default::default(),
        )?;
        println!(
            "  checkout funnel: {} stages, {} anomaly flags",
            fun_rows.len(),
            flags.len()
        );
    }
    let cohorts = Cohorts::params().fit(shop.transactions())?;
    step(&mut t, "funnel and cohorts");

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
        s.bars(
            "mean CLV by acquisition channel",
            by_channel
                .iter()
                .filter(|c| c.2 > 0)
                .map(|c| c.0.clone())
                .collect(),
            by_channel
                .iter()
                .filter(|c| c.2 > 0)
                .map(|c| c.1 / c.2 as f64)
                .collect(),
        );
        s.heatmap_axes(
            "segment transitions over the last month (share of each row)",
            "segment a month ago",
            "segment now",
            sseg.model.segment_names.clone(),
            sseg.model.segment_names.clone(),
            tr.rates.iter().copied().collect(),
        );
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
        s.paragraph(format!("{} funnel anomaly flags.", flags.len()));
        let months = cohorts.months.min(12);
        let rows: Vec<String> = cohorts.cohorts.iter().map(|c| c.cohort.clone()).collect();
        let mut vals = Vec::new();
        for c in &cohorts.cohorts {
            for m in 0..months {
                vals.push(
                    c.retention
                        .as_ref()
                        .and_then(|r| r.get(m).copied().flatten())
                        .unwrap_or(f64::NAN),
                );
            }
        }
        s.heatmap_axes(
            "cohort retention",
            "acquisition month",
            "months since first purchase",
            rows,
            (0..months).map(|m| m.to_string()).collect(),
            vals,
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
