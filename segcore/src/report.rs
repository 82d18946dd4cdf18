//! A self-contained HTML report: tables and inline SVG charts, no scripts, no network.
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

use std::fmt::Write;

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
    },
    /// A matrix shown as a shaded grid (e.g. a transition matrix or cohort table).
    Heatmap {
        /// Chart title.
        title: String,
        /// Row labels.
        rows: Vec<String>,
        /// Column labels.
        cols: Vec<String>,
        /// Values, row-major, `rows.len() * cols.len()`.
        values: Vec<f64>,
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

    /// Adds a horizontal bar chart.
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
        self.blocks.push(Block::Bars {
            title: title.into(),
            labels,
            values,
        });
        self
    }

    /// Adds a heatmap of a row-major matrix.
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
        self.blocks.push(Block::Heatmap {
            title: title.into(),
            rows,
            cols,
            values,
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

/// Escapes text for HTML.
///
/// ```
/// assert_eq!(segcore::report::escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Formats a number compactly for tables and axes.
///
/// ```
/// assert_eq!(segcore::report::fmt_num(1234.5678), "1,234.57");
/// assert_eq!(segcore::report::fmt_num(0.012345), "0.0123");
/// assert_eq!(segcore::report::fmt_num(f64::NAN), "–");
/// ```
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    let s = if a >= 1.0 || a == 0.0 {
        format!("{v:.2}")
    } else {
        // three significant digits
        let digits = (-a.log10()).floor() as usize + 3;
        format!("{v:.digits$}")
    };
    // thousands separators on the integer part
    let (int, frac) = match s.find('.') {
        Some(p) => (&s[..p], &s[p..]),
        None => (s.as_str(), ""),
    };
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped}{frac}")
}

const W: f64 = 420.0;
const H: f64 = 160.0;
const COLOR: &str = "#3b6ea8";

fn svg_histogram(out: &mut String, title: &str, values: &[f64], bins: usize) {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let undefined = values.len() - finite.len();
    let _ = write!(out, "<figure><figcaption>{}</figcaption>", escape(title));
    if finite.is_empty() {
        let _ = write!(
            out,
            "<p>no defined values ({undefined} not defined)</p></figure>"
        );
        return;
    }
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let width = if hi > lo {
        (hi - lo) / bins as f64
    } else {
        1.0
    };
    let mut counts = vec![0usize; bins];
    for v in &finite {
        let b = (((v - lo) / width) as usize).min(bins - 1);
        counts[b] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let bw = W / bins as f64;
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{}\" role=\"img\">",
        H + 20.0
    );
    for (i, &c) in counts.iter().enumerate() {
        let h = H * c as f64 / max;
        let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{COLOR}\"><title>{}–{}: {c}</title></rect>",
            i as f64 * bw + 0.5,
            H - h,
            (bw - 1.0).max(0.5),
            h,
            fmt_num(lo + i as f64 * width),
            fmt_num(lo + (i + 1) as f64 * width)
        );
    }
    let _ = write!(
        out,
        "<text x=\"0\" y=\"{}\" font-size=\"11\">{}</text><text x=\"{W}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text></svg>",
        H + 14.0,
        fmt_num(lo),
        H + 14.0,
        fmt_num(hi)
    );
    let _ = write!(
        out,
        "<p class=\"note\">n = {}, median {}, mean {}{}</p></figure>",
        finite.len(),
        fmt_num(median(&finite)),
        fmt_num(finite.iter().sum::<f64>() / finite.len() as f64),
        if undefined > 0 {
            format!(", {undefined} not defined")
        } else {
            String::new()
        }
    );
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        s[n / 2]
    } else {
        0.5 * (s[n / 2 - 1] + s[n / 2])
    }
}

fn svg_bars(out: &mut String, title: &str, labels: &[String], values: &[f64]) {
    let n = labels.len().min(values.len());
    let max = values
        .iter()
        .take(n)
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, |a, b| a.max(b.abs()))
        .max(f64::MIN_POSITIVE);
    let row = 18.0;
    let label_w = 160.0;
    let _ = write!(
        out,
        "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\">",
        escape(title),
        W + label_w + 60.0,
        row * n as f64 + 4.0
    );
    for i in 0..n {
        let v = if values[i].is_finite() {
            values[i]
        } else {
            0.0
        };
        let w = W * v.abs() / max;
        let y = i as f64 * row;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text><rect x=\"{}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{COLOR}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{}</text>",
            label_w - 4.0,
            y + 13.0,
            escape(&labels[i]),
            label_w,
            y + 2.0,
            w,
            row - 4.0,
            label_w + w + 4.0,
            y + 13.0,
            fmt_num(values[i])
        );
    }
    out.push_str("</svg></figure>");
}

fn svg_heatmap(out: &mut String, title: &str, rows: &[String], cols: &[String], values: &[f64]) {
    let cell = 44.0;
    let label_w = 160.0;
    let top = 40.0;
    let max = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, |a, b| a.max(b.abs()))
        .max(f64::MIN_POSITIVE);
    let _ = write!(
        out,
        "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\">",
        escape(title),
        label_w + cell * cols.len() as f64 + 4.0,
        top + cell * rows.len() as f64 + 4.0
    );
    for (j, c) in cols.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            label_w + cell * (j as f64 + 0.5),
            top - 6.0,
            escape(c)
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + cell * i as f64;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            label_w - 4.0,
            y + cell * 0.6,
            escape(r)
        );
        for j in 0..cols.len() {
            let v = values.get(i * cols.len() + j).copied().unwrap_or(f64::NAN);
            let alpha = if v.is_finite() {
                0.08 + 0.9 * v.abs() / max
            } else {
                0.0
            };
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{COLOR}\" fill-opacity=\"{alpha:.3}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
                label_w + cell * j as f64,
                y,
                cell - 2.0,
                cell - 2.0,
                label_w + cell * (j as f64 + 0.5),
                y + cell * 0.6,
                fmt_num(v)
            );
        }
    }
    out.push_str("</svg></figure>");
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
td:first-child,th:first-child{{text-align:left}}figure{{display:inline-block;margin:.5em 1.5em .5em 0;vertical-align:top}}\
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
                    } => svg_histogram(&mut out, title, values, *bins),
                    Block::Bars {
                        title,
                        labels,
                        values,
                    } => svg_bars(&mut out, title, labels, values),
                    Block::Heatmap {
                        title,
                        rows,
                        cols,
                        values,
                    } => svg_heatmap(&mut out, title, rows, cols, values),
                }
            }
            out.push_str("</section>");
        }
        out.push_str("</body></html>\n");
        out
    }
}
