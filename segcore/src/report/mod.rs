//! A self-contained HTML report: HTML tables and charts drawn to inline SVG by `plotters`
//! (no scripts, no fonts, no network).
//!
//! Every chart is wrapped as `<figure class="chart" data-chart="<kind>">` (kinds: `bars`,
//! `histogram`, `heatmap`, `grouped-bars`, `bar-panels`, `line`, `funnel`), so a browser check can count them.
//! A chart with nothing to draw shows a "no data" note (and carries `data-empty`) instead of failing;
//! non-finite values are shown as "–" (bars, heatmap cells), left out and counted (histogram) or
//! break the line (line charts).
//!
//! ```
//! use segcore::report::Report;
//! let mut r = Report::new("Customers");
//! r.section("Data")
//!     .paragraph("3 customers")
//!     .table(&["segment", "size"], vec![vec!["A".into(), "2".into()], vec!["B".into(), "1".into()]])
//!     .histogram("recency (days)", &[1.0, 2.0, 2.5, 40.0], 10);
//! let html = r.to_html();
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert!(html.contains("<svg") && html.contains("recency (days)"));
//! ```

mod charts;
mod format;

use std::fmt::Write;

pub use format::{cell_num, count_num, escape, fmt_num};

/// A named series of values (one per category) for [`Section::grouped_bars`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// One value per category.
    pub values: Vec<f64>,
}

impl Series {
    /// A named series.
    ///
    /// ```
    /// let s = segcore::report::Series::new("2024", vec![1.0, 2.0]);
    /// assert_eq!(s.values.len(), 2);
    /// ```
    pub fn new(name: impl Into<String>, values: Vec<f64>) -> Self {
        Series {
            name: name.into(),
            values,
        }
    }
}

/// How a heatmap cell is marked.
///
/// ```
/// assert_eq!(segcore::report::Mark::default(), segcore::report::Mark::Plain);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mark {
    /// Drawn as usual.
    #[default]
    Plain,
    /// Highlighted: outlined in red with a ⚑ (e.g. a funnel anomaly).
    Flagged,
    /// Suppressed for privacy (fewer than `k` customers): grey, labelled `n<k`, no value.
    Suppressed,
}

/// A named polyline of (x, y) points for a [`LineChart`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Curve {
    /// Legend name (empty: not in the legend).
    pub name: String,
    /// Points in drawing order; a non-finite point breaks the line.
    pub points: Vec<(f64, f64)>,
}

/// A line chart: curves on shared axes, optionally with the y = x diagonal (calibration plots,
/// cumulative gains) and a fixed y range.
///
/// ```
/// use segcore::report::{LineChart, Report};
/// let chart = LineChart::new("Calibration")
///     .axes("predicted", "observed")
///     .curve("model", vec![(0.1, 0.12), (0.5, 0.45), (0.9, 0.88)])
///     .diagonal(true);
/// let mut r = Report::new("t");
/// r.section("s").line(chart);
/// assert!(r.to_html().contains("data-chart=\"line\""));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineChart {
    /// Chart title.
    pub title: String,
    /// X axis title.
    pub x_label: String,
    /// Y axis title.
    pub y_label: String,
    /// The curves.
    pub curves: Vec<Curve>,
    /// Draw the dashed y = x diagonal (and make the axes share one range).
    pub diagonal: bool,
    /// Fixed y range (lo, hi) instead of the data's.
    pub y_range: Option<(f64, f64)>,
}

impl LineChart {
    /// An empty line chart with a title.
    ///
    /// ```
    /// assert!(segcore::report::LineChart::new("lift").curves.is_empty());
    /// ```
    pub fn new(title: impl Into<String>) -> Self {
        LineChart {
            title: title.into(),
            ..Default::default()
        }
    }

    /// Sets the axis titles.
    ///
    /// ```
    /// let c = segcore::report::LineChart::new("t").axes("decile", "rate");
    /// assert_eq!(c.y_label, "rate");
    /// ```
    pub fn axes(mut self, x_label: impl Into<String>, y_label: impl Into<String>) -> Self {
        self.x_label = x_label.into();
        self.y_label = y_label.into();
        self
    }

    /// Adds a curve.
    ///
    /// ```
    /// let c = segcore::report::LineChart::new("t").curve("a", vec![(0.0, 1.0)]);
    /// assert_eq!(c.curves[0].name, "a");
    /// ```
    pub fn curve(mut self, name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        self.curves.push(Curve {
            name: name.into(),
            points,
        });
        self
    }

    /// Draws (or not) the y = x diagonal.
    ///
    /// ```
    /// assert!(segcore::report::LineChart::new("t").diagonal(true).diagonal);
    /// ```
    pub fn diagonal(mut self, on: bool) -> Self {
        self.diagonal = on;
        self
    }

    /// Fixes the y range, e.g. `(0.0, 1.0)` for rates.
    ///
    /// ```
    /// let c = segcore::report::LineChart::new("t").y_range(0.0, 1.0);
    /// assert_eq!(c.y_range, Some((0.0, 1.0)));
    /// ```
    pub fn y_range(mut self, lo: f64, hi: f64) -> Self {
        self.y_range = (lo.is_finite() && hi.is_finite() && hi > lo).then_some((lo, hi));
        self
    }
}

/// One block of content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph of text.
    Paragraph(String),
    /// A table with a header row.
    Table {
        /// Column headers.
        headers: Vec<String>,
        /// Rows of cells.
        rows: Vec<Vec<String>>,
    },
    /// A histogram of finite values (non-finite values are counted and reported).
    Histogram {
        /// Chart title.
        title: String,
        /// The values.
        values: Vec<f64>,
        /// Number of bins.
        bins: usize,
    },
    /// A horizontal bar chart.
    Bars {
        /// Chart title.
        title: String,
        /// Bar labels.
        labels: Vec<String>,
        /// Bar values.
        values: Vec<f64>,
        /// Text printed at the end of each bar instead of its value (empty: the values).
        notes: Vec<String>,
    },
    /// A matrix shown as a shaded grid with the value in each cell (RFM grid, P(alive) matrix,
    /// cohort retention, transition matrix).
    Heatmap {
        /// Chart title.
        title: String,
        /// Title of the row axis (may be empty).
        row_axis: String,
        /// Title of the column axis (may be empty).
        col_axis: String,
        /// Row labels.
        rows: Vec<String>,
        /// Column labels.
        cols: Vec<String>,
        /// Values, row-major, `rows.len() * cols.len()`.
        values: Vec<f64>,
        /// Cell marks, row-major (missing entries: [`Mark::Plain`]).
        marks: Vec<Mark>,
    },
    /// Vertical bars grouped by category, one bar per series.
    GroupedBars {
        /// Chart title.
        title: String,
        /// Category labels (x axis).
        categories: Vec<String>,
        /// The series, each with one value per category.
        series: Vec<Series>,
    },
    /// Small multiples: one horizontal bar panel per series, each on its own scale, the
    /// categories in the same order in every panel (e.g. customers, retention, mean CLV and churn
    /// by channel).
    BarPanels {
        /// Chart title.
        title: String,
        /// Category labels (one bar per category in each panel).
        categories: Vec<String>,
        /// One panel per series.
        series: Vec<Series>,
    },
    /// A line chart.
    Line(LineChart),
    /// A funnel: stages with their reach, flagged stages highlighted.
    Funnel {
        /// Chart title.
        title: String,
        /// Stage names, first to last.
        stages: Vec<String>,
        /// How many reached each stage.
        reach: Vec<f64>,
        /// Which stages are flagged (missing entries: not flagged).
        flagged: Vec<bool>,
    },
}

/// A titled section of a [`Report`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Section {
    /// Section title.
    pub title: String,
    /// Content in order.
    pub blocks: Vec<Block>,
}

impl Section {
    /// Adds a paragraph.
    ///
    /// ```
    /// let mut r = segcore::report::Report::new("t");
    /// r.section("s").paragraph("hello");
    /// assert!(r.to_html().contains("<p>hello</p>"));
    /// ```
    pub fn paragraph(&mut self, text: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Paragraph(text.into()));
        self
    }

    /// Adds a table.
    ///
    /// ```
    /// let mut r = segcore::report::Report::new("t");
    /// r.section("s").table(&["a"], vec![vec!["<1>".into()]]);
    /// assert!(r.to_html().contains("&lt;1&gt;"));
    /// ```
    pub fn table(&mut self, headers: &[&str], rows: Vec<Vec<String>>) -> &mut Self {
        self.blocks.push(Block::Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows,
        });
        self
    }

    /// Adds a histogram.
    ///
    /// ```
    /// let mut r = segcore::report::Report::new("t");
    /// r.section("s").histogram("x", &[1.0, f64::NAN], 5);
    /// assert!(r.to_html().contains("1 not defined"));
    /// ```
    pub fn histogram(
        &mut self,
        title: impl Into<String>,
        values: &[f64],
        bins: usize,
    ) -> &mut Self {
        self.blocks.push(Block::Histogram {
            title: title.into(),
            values: values.to_vec(),
            bins: bins.max(1),
        });
        self
    }

    /// Adds a horizontal bar chart (the value is printed at each bar's end).
    ///
    /// ```
    /// let mut r = segcore::report::Report::new("t");
    /// r.section("s").bars("CLV by channel", vec!["web".into()], vec![12.5]);
    /// assert!(r.to_html().contains("web"));
    /// ```
    pub fn bars(
        &mut self,
        title: impl Into<String>,
        labels: Vec<String>,
        values: Vec<f64>,
    ) -> &mut Self {
        self.bars_annotated(title, labels, values, Vec::new())
    }

    /// Adds a horizontal bar chart with a text of your own at each bar's end (e.g. a second figure:
    /// "1,204 customers · CLV 310").
    ///
    /// ```
    /// let mut r = segcore::report::Report::new("t");
    /// r.section("s").bars_annotated("size", vec!["A".into()], vec![3.0], vec!["3 (CLV 9)".into()]);
    /// assert!(r.to_html().contains("3 (CLV 9)"));
    /// ```
    pub fn bars_annotated(
        &mut self,
        title: impl Into<String>,
        labels: Vec<String>,
        values: Vec<f64>,
        notes: Vec<String>,
    ) -> &mut Self {
        self.blocks.push(Block::Bars {
            title: title.into(),
            labels,
            values,
            notes,
        });
        self
    }

    /// Adds a heatmap of a row-major matrix, the value printed in each cell.
    ///
    /// ```
    /// let mut r = segcore::report::Report::new("t");
    /// r.section("s").heatmap("moves", vec!["a".into()], vec!["b".into()], vec![0.5]);
    /// assert!(r.to_html().contains("0.50"));
    /// ```
    pub fn heatmap(
        &mut self,
        title: impl Into<String>,
        rows: Vec<String>,
        cols: Vec<String>,
        values: Vec<f64>,
    ) -> &mut Self {
        self.heatmap_axes(title, "", "", rows, cols, values)
    }

    /// Adds a heatmap with axis titles, e.g. the P(alive) matrix ("frequency" × "recency").
    ///
    /// ```
    /// let mut r = segcore::report::Report::new("t");
    /// r.section("s").heatmap_axes("P(alive)", "frequency", "recency",
    ///     vec!["0".into(), "1".into()], vec!["0".into()], vec![1.0, 0.25]);
    /// let html = r.to_html();
    /// assert!(html.contains("frequency") && html.contains("0.25"));
    /// ```
    pub fn heatmap_axes(
        &mut self,
        title: impl Into<String>,
        row_axis: impl Into<String>,
        col_axis: impl Into<String>,
        rows: Vec<String>,
        cols: Vec<String>,
        values: Vec<f64>,
    ) -> &mut Self {
        self.heatmap_marked(title, row_axis, col_axis, rows, cols, values, Vec::new())
    }

    /// Adds a heatmap with axis titles and a [`Mark`] per cell (row-major): flagged cells are
    /// outlined in red with a ⚑, suppressed cells are grey and labelled `n<k` (their value is not
    /// shown even if given). A note under the chart explains the marks used.
    ///
    /// ```
    /// use segcore::report::{Mark, Report};
    /// let mut r = Report::new("t");
    /// r.section("s").heatmap_marked("weekly drop-off", "stage", "week",
    ///     vec!["cart".into()], vec!["w1".into(), "w2".into(), "w3".into()],
    ///     vec![0.4, 0.7, f64::NAN], vec![Mark::Plain, Mark::Flagged, Mark::Suppressed]);
    /// let html = r.to_html();
    /// assert!(html.contains("⚑ 0.70") && html.contains("n&lt;k"));
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn heatmap_marked(
        &mut self,
        title: impl Into<String>,
        row_axis: impl Into<String>,
        col_axis: impl Into<String>,
        rows: Vec<String>,
        cols: Vec<String>,
        values: Vec<f64>,
        marks: Vec<Mark>,
    ) -> &mut Self {
        self.blocks.push(Block::Heatmap {
            title: title.into(),
            row_axis: row_axis.into(),
            col_axis: col_axis.into(),
            rows,
            cols,
            values,
            marks,
        });
        self
    }

    /// Adds small multiples: one horizontal bar panel per series on its own scale (two panels
    /// per row), e.g. customers, retention, mean CLV and churn by channel. Non-finite values are
    /// shown as "–"; a series of whole numbers is printed without decimals.
    ///
    /// ```
    /// use segcore::report::{Report, Series};
    /// let mut r = Report::new("t");
    /// r.section("s").bar_panels("channel value", vec!["web".into(), "app".into()],
    ///     vec![Series::new("customers", vec![300.0, 120.0]), Series::new("mean CLV", vec![41.5, 77.0])]);
    /// let html = r.to_html();
    /// assert!(html.contains("data-chart=\"bar-panels\"") && html.contains("mean CLV"));
    /// ```
    pub fn bar_panels(
        &mut self,
        title: impl Into<String>,
        categories: Vec<String>,
        series: Vec<Series>,
    ) -> &mut Self {
        self.blocks.push(Block::BarPanels {
            title: title.into(),
            categories,
            series,
        });
        self
    }

    /// Adds vertical bars grouped by category, one colour per series (e.g. revenue and CLV per
    /// channel).
    ///
    /// ```
    /// use segcore::report::{Report, Series};
    /// let mut r = Report::new("t");
    /// r.section("s").grouped_bars("value by channel", vec!["web".into(), "app".into()],
    ///     vec![Series::new("revenue", vec![3.0, 4.0]), Series::new("CLV", vec![5.0, 2.0])]);
    /// assert!(r.to_html().contains("data-chart=\"grouped-bars\""));
    /// ```
    pub fn grouped_bars(
        &mut self,
        title: impl Into<String>,
        categories: Vec<String>,
        series: Vec<Series>,
    ) -> &mut Self {
        self.blocks.push(Block::GroupedBars {
            title: title.into(),
            categories,
            series,
        });
        self
    }

    /// Adds a line chart (see [`LineChart`]).
    ///
    /// ```
    /// use segcore::report::{LineChart, Report};
    /// let mut r = Report::new("t");
    /// r.section("s").line(LineChart::new("gains").curve("model", vec![(0.0, 0.0), (1.0, 1.0)]));
    /// assert!(r.to_html().contains("gains"));
    /// ```
    pub fn line(&mut self, chart: LineChart) -> &mut Self {
        self.blocks.push(Block::Line(chart));
        self
    }

    /// Adds a funnel: stages with their reach; flagged stages drawn in red with a legend.
    ///
    /// ```
    /// let mut r = segcore::report::Report::new("t");
    /// r.section("s").funnel("checkout", vec!["view".into(), "cart".into()], vec![100.0, 20.0],
    ///     vec![false, true]);
    /// let html = r.to_html();
    /// assert!(html.contains("flagged stage") && html.contains("20.0%"));
    /// ```
    pub fn funnel(
        &mut self,
        title: impl Into<String>,
        stages: Vec<String>,
        reach: Vec<f64>,
        flagged: Vec<bool>,
    ) -> &mut Self {
        self.blocks.push(Block::Funnel {
            title: title.into(),
            stages,
            reach,
            flagged,
        });
        self
    }
}

/// An HTML report made of sections.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// Page title.
    pub title: String,
    /// Sections in order.
    pub sections: Vec<Section>,
}

impl Report {
    /// A new empty report.
    ///
    /// ```
    /// assert!(segcore::report::Report::new("x").sections.is_empty());
    /// ```
    pub fn new(title: impl Into<String>) -> Self {
        Report {
            title: title.into(),
            sections: Vec::new(),
        }
    }

    /// Appends a section and returns it for filling.
    ///
    /// ```
    /// let mut r = segcore::report::Report::new("x");
    /// r.section("one").paragraph("p");
    /// assert_eq!(r.sections[0].title, "one");
    /// ```
    pub fn section(&mut self, title: impl Into<String>) -> &mut Section {
        self.sections.push(Section {
            title: title.into(),
            blocks: Vec::new(),
        });
        let last = self.sections.len() - 1;
        &mut self.sections[last]
    }

    /// Renders the whole report as one HTML page with inline SVG (opens without network).
    ///
    /// ```
    /// let html = segcore::report::Report::new("My <shop>").to_html();
    /// assert!(html.contains("<title>My &lt;shop&gt;</title>"));
    /// ```
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title><style>\
body{{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}}\
table{{border-collapse:collapse;margin:.5em 0 1em;font-size:13px}}\
th,td{{border:1px solid #ccc;padding:3px 8px;text-align:right}}th{{background:#eef2f7}}\
td:first-child,th:first-child{{text-align:left}}figure{{display:inline-block;margin:.5em 1.5em 1em 0;vertical-align:top}}figure.chart svg{{display:block;max-width:100%;height:auto}}\
figcaption{{font-weight:600;font-size:13px;margin-bottom:4px}}.note{{color:#666;font-size:12px;margin:2px 0}}\
nav a{{margin-right:1em}}</style></head><body><h1>{t}</h1>",
            t = escape(&self.title)
        );
        if self.sections.len() > 1 {
            out.push_str("<nav>");
            for (i, s) in self.sections.iter().enumerate() {
                let _ = write!(out, "<a href=\"#s{i}\">{}</a>", escape(&s.title));
            }
            out.push_str("</nav>");
        }
        for (i, s) in self.sections.iter().enumerate() {
            let _ = write!(out, "<section id=\"s{i}\"><h2>{}</h2>", escape(&s.title));
            for b in &s.blocks {
                match b {
                    Block::Paragraph(p) => {
                        let _ = write!(out, "<p>{}</p>", escape(p));
                    }
                    Block::Table { headers, rows } => {
                        out.push_str("<table><thead><tr>");
                        for h in headers {
                            let _ = write!(out, "<th>{}</th>", escape(h));
                        }
                        out.push_str("</tr></thead><tbody>");
                        for r in rows {
                            out.push_str("<tr>");
                            for c in r {
                                let _ = write!(out, "<td>{}</td>", escape(c));
                            }
                            out.push_str("</tr>");
                        }
                        out.push_str("</tbody></table>");
                    }
                    Block::Histogram {
                        title,
                        values,
                        bins,
                    } => charts::histogram(&mut out, title, values, *bins),
                    Block::Bars {
                        title,
                        labels,
                        values,
                        notes,
                    } => charts::bars(&mut out, title, labels, values, notes),
                    Block::Heatmap {
                        title,
                        row_axis,
                        col_axis,
                        rows,
                        cols,
                        values,
                        marks,
                    } => charts::heatmap(
                        &mut out, title, row_axis, col_axis, rows, cols, values, marks,
                    ),
                    Block::BarPanels {
                        title,
                        categories,
                        series,
                    } => charts::bar_panels(&mut out, title, categories, series),
                    Block::GroupedBars {
                        title,
                        categories,
                        series,
                    } => charts::grouped_bars(&mut out, title, categories, series),
                    Block::Line(chart) => charts::line(&mut out, chart),
                    Block::Funnel {
                        title,
                        stages,
                        reach,
                        flagged,
                    } => charts::funnel(&mut out, title, stages, reach, flagged),
                }
            }
            out.push_str("</section>");
        }
        out.push_str("</body></html>\n");
        out
    }
}
