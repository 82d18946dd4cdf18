//! Marked heatmaps (flagged and suppressed cells) and bar panels (small multiples).

use segcore::report::{Mark, Report, Series};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn only_figure(html: &str) -> &str {
    let a = html.find("<figure class=\"chart\"").unwrap();
    let b = html[a..].find("</figure>").unwrap();
    &html[a..a + b]
}

/// (x, text) of every SVG `<text>` element.
fn texts(fig: &str) -> Vec<(f64, String)> {
    let mut out = Vec::new();
    let mut rest = fig;
    while let Some(a) = rest.find("<text") {
        let from = &rest[a..];
        let open_end = from.find('>').unwrap();
        let close = from.find("</text>").unwrap();
        let tag = &from[..open_end];
        let x = tag
            .find(" x=\"")
            .map(|i| {
                let v = &tag[i + 4..];
                v[..v.find('"').unwrap()].parse::<f64>().unwrap()
            })
            .unwrap_or(f64::NAN);
        out.push((x, from[open_end + 1..close].trim().to_string()));
        rest = &from[close..];
    }
    out
}

#[test]
fn heatmap_marks_flag_and_suppress_cells() {
    let mut r = Report::new("t");
    r.section("s").heatmap_marked(
        "weekly drop-off",
        "segment",
        "week",
        s(&["all", "small"]),
        s(&["w1", "w2", "w3"]),
        vec![0.41, 0.72, 0.44, 0.123, 0.5, f64::NAN],
        vec![
            Mark::Plain,
            Mark::Flagged,
            Mark::Plain,
            Mark::Suppressed,
            Mark::Suppressed,
            Mark::Plain,
        ],
    );
    let html = r.to_html();
    let fig = only_figure(&html);
    let cells: Vec<String> = texts(fig).into_iter().map(|t| t.1).collect();
    assert!(cells.contains(&"0.41".to_string()));
    assert!(cells.contains(&"⚑ 0.72".to_string()));
    assert_eq!(cells.iter().filter(|c| *c == "n&lt;k").count(), 2);
    // a suppressed cell's value is never printed
    assert!(!cells.iter().any(|c| c.contains("0.12") || c == "0.50"));
    // one red outline for the one flagged cell
    assert_eq!(fig.matches("#D62728").count(), 1, "{fig}");
    assert!(fig.contains("1 flagged cell(s)"));
    assert!(fig.contains("2 cell(s) suppressed"));
    // only the plain undefined cell counts as not defined
    assert!(fig.contains("1 value(s) not defined"));
}

#[test]
fn bar_panels_draw_one_panel_per_series_in_place() {
    let mut r = Report::new("t");
    let cats = s(&["app", "email", "web"]);
    r.section("s").bar_panels(
        "channel value",
        cats.clone(),
        vec![
            Series::new("customers", vec![289.0, 85.0, 1498.0]),
            Series::new("retention", vec![0.88, f64::NAN, 0.59]),
            Series::new("mean CLV", vec![363.25, 191.5, 155.75]),
        ],
    );
    let html = r.to_html();
    let fig = only_figure(&html);
    assert!(fig.contains("data-chart=\"bar-panels\""));
    assert!(!fig.contains("data-error") && !fig.contains("data-empty"));
    let t = texts(fig);
    let has = |s: &str| t.iter().any(|x| x.1 == s);
    for name in ["customers", "retention", "mean CLV"] {
        assert!(has(name), "legend {name}");
    }
    // every panel labels every category
    for c in &cats {
        assert_eq!(t.iter().filter(|x| &x.1 == c).count(), 3, "{c}");
    }
    for v in ["289", "85", "1,498", "0.88", "363", "192", "–"] {
        assert!(has(v), "{v} in {t:?}");
    }
    // a series of whole numbers prints no decimals
    assert!(!has("85.0"));
    assert!(fig.contains("1 value(s) not defined"));
    // panels sit side by side: the second panel's labels are right of the first panel (460 px)
    let app_x: Vec<f64> = t.iter().filter(|x| x.1 == "app").map(|x| x.0).collect();
    assert!(
        app_x[0] < 460.0 && app_x[1] > 460.0 && app_x[2] < 460.0,
        "{app_x:?}"
    );
}

#[test]
fn bar_panels_without_data_show_a_note() {
    let mut r = Report::new("t");
    r.section("s")
        .bar_panels("none", Vec::new(), vec![Series::new("a", vec![])]);
    r.section("s2")
        .bar_panels("nan", s(&["x"]), vec![Series::new("a", vec![f64::NAN])]);
    let html = r.to_html();
    assert_eq!(html.matches("data-empty").count(), 2);
}
