//! Report charts: every chart kind renders to inline SVG inside `figure.chart`, the page is
//! self-contained (no scripts, no external references), text is escaped, heatmap cells carry their
//! values, empty data gives a "no data" note and non-finite values are shown, not dropped silently.
//!
//! `sample_report_has_every_chart_kind` also writes `target/report-sample.html`, which
//! `bash tools/report-check/run.sh target/report-sample.html target/report-sample.png` opens in
//! headless Chromium.

use segcore::report::{LineChart, Report, Series, cell_num};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// The `<figure class="chart" ...>...</figure>` blocks of a page, in order.
fn figures(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(a) = rest.find("<figure class=\"chart\"") {
        let from = &rest[a..];
        let end = from
            .find("</figure>")
            .map_or(from.len(), |e| e + "</figure>".len());
        out.push(&from[..end]);
        rest = &from[end..];
    }
    out
}

fn kind(fig: &str) -> &str {
    let key = "data-chart=\"";
    let a = fig.find(key).map_or(0, |a| a + key.len());
    let b = fig[a..].find('"').map_or(a, |b| a + b);
    &fig[a..b]
}

/// Text contents of the SVG `<text>` elements of a figure, trimmed.
fn svg_texts(fig: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = fig;
    while let Some(a) = rest.find("<text") {
        let from = &rest[a..];
        let Some(open_end) = from.find('>') else {
            break;
        };
        let Some(close) = from.find("</text>") else {
            break;
        };
        out.push(from[open_end + 1..close].trim().to_string());
        rest = &from[close..];
    }
    out
}

/// Expected P(alive) under BG/NBD for a customer with x repeat purchases, recency t_x, age T
/// (parameters of the CDNOW fit), used only as plausible matrix data.
fn p_alive(x: f64, t_x: f64, t: f64) -> f64 {
    let (r, alpha, a, b) = (0.243, 4.414, 0.793, 2.426);
    if x == 0.0 {
        return 1.0;
    }
    let ratio = ((alpha + t) / (alpha + t_x)).powf(r + x);
    1.0 / (1.0 + a / (b + x - 1.0) * ratio)
}

fn sample() -> (Report, Vec<&'static str>) {
    let mut r = Report::new("Retention <sample> & co");
    let mut kinds = Vec::new();
    let segments = s(&["Champions", "Loyal", "At risk", "Hibernating", "New"]);
    let sizes = [412.0, 903.0, 655.0, 1710.0, 320.0];
    let clv = [612.4, 233.1, 140.9, 22.5, 95.0];
    let notes: Vec<String> = sizes
        .iter()
        .zip(clv)
        .map(|(n, c)| format!("{} customers · CLV {}", cell_num(*n), cell_num(c)))
        .collect();
    r.section("Segments")
        .paragraph("Segment sizes and expected 12-month CLV.")
        .bars_annotated("Segment sizes", segments.clone(), sizes.to_vec(), notes)
        .bars("Mean CLV by segment", segments.clone(), clv.to_vec())
        .heatmap_axes(
            "Segment profiles (z-scores)",
            "segment",
            "feature",
            segments.clone(),
            s(&["recency", "frequency", "monetary", "tenure"]),
            vec![
                -1.2, 1.8, 1.5, 0.9, -0.4, 0.9, 0.3, 1.1, 0.8, -0.2, 0.4, 0.6, 1.6, -0.9, -0.7,
                -0.3, -1.0, -0.6, -0.5, -1.4,
            ],
        );
    kinds.extend(["bars", "bars", "heatmap"]);
    let rfm: Vec<f64> = (0..25)
        .map(|k| ((k % 5 + 1) * (k / 5 + 1)) as f64 * 7.0)
        .collect();
    let pa_rows: Vec<String> = (0..8).map(|x| x.to_string()).collect();
    let pa_cols: Vec<String> = (0..8).map(|k| format!("{}", k * 5)).collect();
    let mut pa = Vec::new();
    for x in 0..8 {
        for k in 0..8 {
            pa.push(p_alive(x as f64, (k * 5) as f64, 39.0));
        }
    }
    r.section("RFM and P(alive)")
        .heatmap_axes(
            "RFM grid: customers by R and F score",
            "R score",
            "F score",
            s(&["5", "4", "3", "2", "1"]),
            s(&["1", "2", "3", "4", "5"]),
            rfm,
        )
        .heatmap_axes(
            "Expected P(alive) by frequency × recency (weeks), T = 39",
            "frequency",
            "recency",
            pa_rows,
            pa_cols,
            pa,
        )
        .histogram(
            "P(alive) of all customers",
            &(0..400)
                .map(|i| p_alive((i % 9) as f64, (i % 37) as f64, 39.0))
                .collect::<Vec<_>>(),
            20,
        );
    kinds.extend(["heatmap", "heatmap", "histogram"]);
    let mut cohort = Vec::new();
    for c in 0..6 {
        for m in 0..6 {
            cohort.push(if m + c < 6 {
                if m == 0 {
                    1.0
                } else {
                    0.42 * (0.86_f64).powi(m) + 0.01 * c as f64
                }
            } else {
                f64::NAN
            });
        }
    }
    r.section("Funnel and cohorts")
        .funnel(
            "Checkout funnel",
            s(&[
                "visit",
                "product view",
                "add to cart",
                "checkout",
                "payment",
                "order",
            ]),
            vec![10000.0, 6400.0, 2100.0, 1500.0, 610.0, 560.0],
            vec![false, false, true, false, true, false],
        )
        .line(
            LineChart::new("Funnel conversion over time")
                .axes("week", "conversion to order")
                .curve(
                    "visit → order",
                    (1..=12)
                        .map(|w| (w as f64, 0.05 + 0.004 * (w as f64 * 0.7).sin()))
                        .collect(),
                )
                .curve(
                    "cart → order",
                    (1..=12)
                        .map(|w| (w as f64, 0.26 + 0.02 * (w as f64 * 0.5).cos()))
                        .collect(),
                ),
        )
        .heatmap_axes(
            "Cohort retention",
            "cohort",
            "months since first order",
            s(&[
                "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06",
            ]),
            (0..6).map(|m| m.to_string()).collect(),
            cohort,
        )
        .heatmap_axes(
            "Segment transitions (row: from, column: to)",
            "from",
            "to",
            segments.clone(),
            segments.clone(),
            vec![
                0.71, 0.18, 0.06, 0.03, 0.02, 0.12, 0.60, 0.18, 0.08, 0.02, 0.04, 0.10, 0.52, 0.32,
                0.02, 0.01, 0.02, 0.07, 0.89, 0.01, 0.10, 0.25, 0.15, 0.30, 0.20,
            ],
        );
    kinds.extend(["funnel", "line", "heatmap", "heatmap"]);
    let deciles: Vec<(f64, f64)> = (1..=10)
        .map(|d| {
            let p = d as f64 / 10.0 - 0.05;
            (p, (p + 0.04 * (d as f64).sin()).clamp(0.0, 1.0))
        })
        .collect();
    let gains: Vec<(f64, f64)> = (0..=10)
        .map(|d| {
            let f = d as f64 / 10.0;
            (f, 1.0 - (1.0 - f).powf(2.2))
        })
        .collect();
    r.section("Churn")
        .line(
            LineChart::new("Churn calibration by decile")
                .axes("mean predicted churn", "observed churn rate")
                .curve("model", deciles)
                .diagonal(true),
        )
        .line(
            LineChart::new("Cumulative gains")
                .axes("share of customers targeted", "share of churners caught")
                .curve("model", gains)
                .diagonal(true)
                .y_range(0.0, 1.0),
        );
    kinds.extend(["line", "line"]);
    r.section("Channels").grouped_bars(
        "Value by acquisition channel",
        s(&["organic", "paid search", "social", "email", "referral"]),
        vec![
            Series::new(
                "revenue per customer",
                vec![180.0, 120.0, 75.0, 210.0, 160.0],
            ),
            Series::new("expected CLV", vec![240.0, 150.0, 60.0, 320.0, 205.0]),
            Series::new("acquisition cost", vec![0.0, 85.0, 40.0, 5.0, 30.0]),
        ],
    );
    kinds.push("grouped-bars");
    r.section("Channels").bar_panels(
        "Channel value (small multiples)",
        s(&["app", "email", "sms (n<k)", "web"]),
        vec![
            Series::new("customers", vec![289.0, 385.0, f64::NAN, 1498.0]),
            Series::new("retention", vec![0.88, 0.86, f64::NAN, 0.59]),
            Series::new("mean CLV", vec![363.3, 191.6, f64::NAN, 155.7]),
        ],
    );
    kinds.push("bar-panels");
    r.section("Edge cases")
        .bars("No segments yet", Vec::new(), Vec::new())
        .bars(
            "Bars with a missing value <&>",
            s(&["a", "b <i>", "c"]),
            vec![1.0, f64::NAN, 3.0],
        );
    kinds.extend(["bars", "bars"]);
    (r, kinds)
}

#[test]
fn sample_report_has_every_chart_kind() {
    let (report, kinds) = sample();
    let html = report.to_html();
    let figs = figures(&html);
    assert_eq!(figs.len(), kinds.len());
    for (fig, k) in figs.iter().zip(&kinds) {
        assert_eq!(kind(fig), *k);
        if fig.contains("data-empty") {
            assert!(!fig.contains("<svg"), "empty chart has no svg");
            assert!(fig.contains("no data"));
        } else {
            assert!(fig.contains("<svg"), "chart without svg: {fig:.200}");
            assert!(fig.contains("<rect") || fig.contains("<polyline"));
            assert!(!fig.contains("data-error"), "{fig:.400}");
        }
    }
    for k in [
        "bars",
        "histogram",
        "heatmap",
        "grouped-bars",
        "bar-panels",
        "line",
        "funnel",
    ] {
        assert!(kinds.contains(&k));
    }
    assert_eq!(figs.iter().filter(|f| f.contains("data-empty")).count(), 1);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../target");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(format!("{dir}/report-sample.html"), &html).unwrap();
}

#[test]
fn page_is_self_contained() {
    let html = sample().0.to_html();
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"));
    assert!(!lower.contains("<link"));
    assert!(!lower.contains("<img"));
    assert!(!lower.contains("<iframe"));
    assert!(!lower.contains("url("));
    assert!(!lower.contains(" src="));
    let svgs = lower.matches("<svg").count();
    let xmlns = lower.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(
        svgs,
        figures(&html).len() - 1,
        "one svg per non-empty chart"
    );
    assert_eq!(xmlns, svgs, "each svg declares its namespace once");
    let all_refs = lower.matches("http://").count() + lower.matches("https://").count();
    assert_eq!(all_refs, xmlns, "no reference other than the SVG namespace");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.ends_with("</html>\n"));
}

#[test]
fn text_is_escaped_in_captions_labels_and_titles() {
    let html = sample().0.to_html();
    assert!(html.contains("<title>Retention &lt;sample&gt; &amp; co</title>"));
    assert!(html.contains("<figcaption>Bars with a missing value &lt;&amp;&gt;</figcaption>"));
    // the bar label is SVG text, escaped by the SVG backend
    let fig = figures(&html)
        .into_iter()
        .find(|f| f.contains("missing value"))
        .unwrap();
    assert!(svg_texts(fig).iter().any(|t| t == "b &lt;i&gt;"));
    assert!(!html.contains("<i>"));

    let mut r = Report::new("x");
    r.section("s")
        .heatmap_axes("h", "r\"ow", "c'ol", s(&["<r>"]), s(&["&c"]), vec![1.0])
        .line(
            LineChart::new("l")
                .axes("<x>", "y")
                .curve("<c>", vec![(0.0, 1.0), (1.0, 2.0)]),
        );
    let html = r.to_html();
    for raw in ["<r>", "&c<", "<x>", "<c>"] {
        assert!(!html.contains(raw), "{raw} not escaped");
    }
    let texts = svg_texts(&html);
    for want in ["&lt;r&gt;", "&amp;c", "&lt;x&gt;", "&lt;c&gt;"] {
        assert!(
            texts.iter().any(|t| t == want),
            "{want} missing from {texts:?}"
        );
    }
}

#[test]
fn heatmap_cells_show_their_values() {
    let rows = s(&["0", "1", "2"]);
    let cols = s(&["0", "10", "20"]);
    let mut values = Vec::new();
    for x in 0..3 {
        for k in 0..3 {
            values.push(p_alive(x as f64, (k * 10) as f64, 39.0));
        }
    }
    let mut r = Report::new("t");
    r.section("s").heatmap_axes(
        "P(alive)",
        "frequency",
        "recency",
        rows.clone(),
        cols.clone(),
        values.clone(),
    );
    let html = r.to_html();
    let figs = figures(&html);
    assert_eq!(figs.len(), 1);
    let texts = svg_texts(figs[0]);
    // axis titles, row and column labels
    assert!(texts.iter().any(|t| t == "frequency"));
    assert!(texts.iter().any(|t| t == "recency"));
    // every cell, in row-major order, right after the labels
    let cells: Vec<String> = values.iter().map(|v| cell_num(*v)).collect();
    let at = texts.iter().position(|t| *t == cells[0]).unwrap();
    let shown: Vec<&String> = texts[at..]
        .iter()
        .filter(|t| !rows.contains(t) || cells.contains(t))
        .collect();
    assert_eq!(shown.len(), cells.len());
    for (got, want) in shown.iter().zip(&cells) {
        assert_eq!(*got, want);
    }
    // P(alive) is 1 with no repeat purchase and, for x > 0, rises with recency (time of the last purchase)
    assert_eq!(cells[0], "1.00");
    assert!(values[5] > values[4] && values[4] > values[3] && values[3] > 0.0 && values[5] < 1.0);
    assert_eq!(
        figs[0].matches("<rect").count(),
        9 + 1,
        "9 cells + the background"
    );
}

#[test]
fn empty_data_shows_a_note_for_every_kind() {
    let mut r = Report::new("t");
    r.section("s")
        .bars("b", Vec::new(), Vec::new())
        .histogram("h", &[], 10)
        .histogram("h-nan", &[f64::NAN, f64::INFINITY], 10)
        .heatmap("m", Vec::new(), Vec::new(), Vec::new())
        .heatmap("m-nan", s(&["a"]), s(&["b"]), vec![f64::NAN])
        .grouped_bars("g", Vec::new(), Vec::new())
        .grouped_bars("g2", s(&["a"]), vec![Series::new("x", Vec::new())])
        .line(LineChart::new("l"))
        .line(LineChart::new("l-nan").curve("c", vec![(f64::NAN, 1.0)]))
        .funnel("f", Vec::new(), Vec::new(), Vec::new());
    let html = r.to_html();
    let figs = figures(&html);
    assert_eq!(figs.len(), 10);
    for f in &figs {
        assert!(f.contains("data-empty=\"1\""), "{f}");
        assert!(f.contains("no data"));
        assert!(!f.contains("<svg"));
    }
    assert!(html.contains("no defined values (2 not defined)"));
    assert!(html.contains("1 point(s) not defined"));
}

#[test]
fn non_finite_values_are_shown_not_dropped_silently() {
    let mut r = Report::new("t");
    r.section("s")
        .bars("b", s(&["a", "b"]), vec![2.0, f64::NAN])
        .histogram("h", &[1.0, 2.0, 3.0, f64::NAN, f64::NEG_INFINITY], 3)
        .heatmap("m", s(&["r"]), s(&["a", "b"]), vec![0.5, f64::INFINITY])
        .line(LineChart::new("l").curve(
            "c",
            vec![
                (0.0, 0.0),
                (1.0, 1.0),
                (2.0, f64::NAN),
                (3.0, 2.0),
                (4.0, 3.0),
            ],
        ))
        .grouped_bars(
            "g",
            s(&["a", "b"]),
            vec![Series::new("x", vec![1.0, f64::NAN])],
        )
        .funnel("f", s(&["a", "b"]), vec![10.0, f64::NAN], vec![]);
    let html = r.to_html();
    let figs = figures(&html);
    assert_eq!(figs.len(), 6);
    for f in &figs {
        assert!(f.contains("<svg"), "{f:.300}");
        assert!(!f.contains("data-error"));
        assert!(!f.contains("NaN") && !f.contains("inf"), "{f}");
    }
    // bars: the missing value is printed as a dash and counted
    assert!(svg_texts(figs[0]).iter().any(|t| t == "–"));
    assert!(figs[0].contains("1 value(s) not defined"));
    // histogram: 3 finite values, 2 not defined
    assert!(figs[1].contains("n = 3, median 2.00, mean 2.00, 2 not defined"));
    // heatmap: the infinite cell shows a dash, the finite one its value
    let t = svg_texts(figs[2]);
    assert!(t.iter().any(|x| x == "0.50") && t.iter().any(|x| x == "–"));
    assert!(figs[2].contains("1 value(s) not defined"));
    // line: the NaN point splits the curve into two polylines (plus the legend sample)
    assert!(figs[3].contains("1 point(s) not defined"));
    let stroked = figs[3].matches("stroke-width=\"2\" points=").count();
    assert_eq!(stroked, 2 + 1);
    assert!(figs[4].contains("1 value(s) not defined"));
    assert!(figs[5].contains("1 value(s) not defined"));
}

#[test]
fn funnel_flags_stages_in_another_colour_with_a_legend() {
    let mut r = Report::new("t");
    r.section("s").funnel(
        "f",
        s(&["visit", "cart", "order"]),
        vec![200.0, 50.0, 40.0],
        vec![false, true, false],
    );
    let html = r.to_html();
    let fig = figures(&html)[0];
    let texts = svg_texts(fig);
    assert!(texts.iter().any(|t| t == "flagged stage"));
    assert!(texts.iter().any(|t| t == "stage reach"));
    assert!(texts.iter().any(|t| t == "50.0 (25.0%)  ⚑ flagged"));
    assert!(texts.iter().any(|t| t == "40.0 (20.0%)"));
    // one flagged bar plus its legend swatch in red; two normal bars plus swatch in blue
    assert_eq!(fig.matches("fill=\"#D62728\"").count(), 2);
    assert_eq!(fig.matches("fill=\"#3B6EA8\"").count(), 3);

    let mut r = Report::new("t");
    r.section("s")
        .funnel("f", s(&["a", "b"]), vec![2.0, 1.0], vec![false, false]);
    let html = r.to_html();
    assert!(!html.contains("flagged stage"));
}

#[test]
fn extreme_and_degenerate_values_still_draw() {
    let big = 1e308;
    let mut r = Report::new("t");
    r.section("s")
        .bars("b", s(&["a", "b", "c"]), vec![big, -big, 5e-324])
        .histogram("h", &[big, -big, 0.0], 4)
        .histogram("h-one", &[3.0, 3.0, 3.0], 4)
        .heatmap("m", s(&["r"]), s(&["a", "b"]), vec![big, -big])
        .heatmap("m-flat", s(&["r"]), s(&["a", "b"]), vec![2.0, 2.0])
        .line(LineChart::new("l").curve("c", vec![(0.0, -big), (1.0, big)]))
        .line(LineChart::new("l-flat").curve("c", vec![(1.0, 1.0), (1.0, 1.0)]))
        .line(
            LineChart::new("l-diag")
                .curve("c", vec![(0.5, 0.5)])
                .diagonal(true),
        )
        .line(
            LineChart::new("l-range")
                .curve("c", vec![(0.0, 0.5), (1.0, 1e12), (2.0, -big)])
                .y_range(0.0, 1.0),
        )
        .grouped_bars("g", s(&["a", "b"]), vec![Series::new("x", vec![big, -big])])
        .funnel("f", s(&["a", "b"]), vec![0.0, 0.0], vec![true]);
    let html = r.to_html();
    let figs = figures(&html);
    assert_eq!(figs.len(), 11);
    for f in &figs {
        assert!(f.contains("<svg"), "{f:.300}");
        assert!(!f.contains("data-error"), "{f:.600}");
        assert!(!f.contains("NaN") && !f.contains("inf"), "{f}");
    }
    assert!(figs[8].contains("2 point(s) outside the y range, drawn at its edge"));
    // a single distinct value: one full bin
    assert!(figs[2].contains("n = 3, median 3.00, mean 3.00"));
}
