//! Chart blocks drawn to inline SVG with `plotters` (SVG backend only, no font files: text is
//! emitted as SVG `<text>`, laid out from a fixed per-character width estimate).
//!
//! Each chart is wrapped as `<figure class="chart" data-chart="<kind>">` with the title in a
//! `<figcaption>`. A chart with nothing to draw gets `data-empty` and a "no data" note instead of an
//! SVG; a chart the library could not draw gets `data-error` and the reason.

use std::fmt::Write;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format::{cell_num, count_num, escape, fmt_num, median};
use super::{Curve, LineChart, Mark, Series};

const FONT: &str = "sans-serif";
const BLUE: RGBColor = RGBColor(59, 110, 168);
const FLAG: RGBColor = RGBColor(214, 39, 40);
const GREY: RGBColor = RGBColor(150, 150, 150);
const INK: RGBColor = RGBColor(34, 34, 34);
/// Series colours, in order (a colour-blind-friendly set).
const PALETTE: [RGBColor; 6] = [
    RGBColor(59, 110, 168),
    RGBColor(230, 138, 44),
    RGBColor(90, 158, 90),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(23, 190, 207),
];
const WIDTH: u32 = 640;

type Drawn = Result<(), String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// A text style of `px` CSS pixels (plotters writes font-size = size / 1.24).
fn text(px: f64) -> TextStyle<'static> {
    (FONT, px * 1.24).into_font().color(&INK)
}

/// Rough width of a label in pixels at 11px sans-serif.
fn label_px(s: &str) -> u32 {
    (s.chars().count() as f64 * 6.4).ceil() as u32 + 12
}

/// Formats axis ticks with as many decimals as the tick spacing over `lo..hi` with about `n`
/// ticks needs (thousands grouped).
fn tick_fmt(lo: f64, hi: f64, n: usize) -> impl Fn(&f64) -> String {
    let raw = (hi - lo).abs() / n.max(1) as f64;
    let decimals = if raw.is_finite() && raw > 0.0 {
        (-raw.log10()).ceil().clamp(0.0, 6.0) as usize
    } else {
        2
    };
    move |v: &f64| {
        if !v.is_finite() {
            return "–".into();
        }
        let s = format!("{:.*}", decimals, v);
        let s = if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
            s[1..].to_string()
        } else {
            s
        };
        super::format::group_thousands(&s)
    }
}

/// Draws a legend row of colour swatches and names.
fn legend_row(
    area: &DrawingArea<SVGBackend, Shift>,
    x0: i32,
    items: &[(String, RGBColor, bool)],
) -> Drawn {
    let mut x = x0;
    for (name, color, is_line) in items {
        if *is_line {
            area.draw(&PathElement::new(
                vec![(x, 12), (x + 16, 12)],
                color.stroke_width(2),
            ))
            .map_err(err)?;
        } else {
            area.draw(&Rectangle::new([(x, 6), (x + 12, 18)], color.filled()))
                .map_err(err)?;
        }
        area.draw(&Text::new(
            name.clone(),
            (x + 20, 12),
            text(11.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
        x += label_px(name) as i32 + 32;
    }
    Ok(())
}

fn palette(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Writes a whole figure: caption, then either the SVG drawn by `draw` or a note.
pub(super) fn figure(
    out: &mut String,
    kind: &str,
    title: &str,
    size: Option<(u32, u32)>,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Drawn,
    notes: &[String],
) {
    let caption = escape(title);
    let Some(size) = size else {
        let _ = write!(
            out,
            "<figure class=\"chart\" data-chart=\"{kind}\" data-empty=\"1\"><figcaption>{caption}</figcaption><p class=\"note\">no data</p>"
        );
        for n in notes {
            let _ = write!(out, "<p class=\"note\">{}</p>", escape(n));
        }
        out.push_str("</figure>");
        return;
    };
    let mut svg = String::new();
    // Inputs are sanitised before drawing (finite, clamped, non-empty ranges); the unwind guard is a
    // last line of defence so that a plotting-library panic costs one chart, not the report.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE)
            .map_err(err)
            .and_then(|_| draw(&root))
            .and_then(|_| root.present().map_err(err))
    }))
    .unwrap_or_else(|_| Err("the plotting library failed on this data".to_string()));
    match result {
        Ok(()) => {
            let _ = write!(
                out,
                "<figure class=\"chart\" data-chart=\"{kind}\"><figcaption>{caption}</figcaption>{svg}"
            );
        }
        Err(e) => {
            let _ = write!(
                out,
                "<figure class=\"chart\" data-chart=\"{kind}\" data-error=\"1\"><figcaption>{caption}</figcaption><p class=\"note\">chart could not be drawn: {}</p>",
                escape(&e)
            );
        }
    }
    for n in notes {
        let _ = write!(out, "<p class=\"note\">{}</p>", escape(n));
    }
    out.push_str("</figure>");
}

/// Largest magnitude drawn; larger values are drawn at this bound (their printed value is exact).
/// Keeps every axis span finite and within what the axis tick layout handles.
const LIMIT: f64 = 1e15;

/// Clamps a finite value into the drawable range (non-finite values become 0).
fn clampv(v: f64) -> f64 {
    if v.is_finite() {
        v.clamp(-LIMIT, LIMIT)
    } else {
        0.0
    }
}

/// An axis range plotters can lay out: finite, ordered, and not narrower than a relative 1e-9
/// (a single value is widened around itself).
fn safe_range(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = (clampv(lo.min(hi)), clampv(hi.max(lo)));
    let scale = lo.abs().max(hi.abs());
    if hi - lo > scale * 1e-9 && hi - lo > f64::MIN_POSITIVE * 1e10 {
        (lo, hi)
    } else {
        let c = 0.5 * lo + 0.5 * hi;
        let half = (c.abs() * 0.05).max(0.5);
        (c - half, c + half)
    }
}

/// Finite (min, max) of values, widened to include 0 and to a drawable range.
fn span_with_zero(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(clampv(v));
        hi = hi.max(clampv(v));
    }
    if hi - lo <= 0.0 {
        hi = lo + 1.0;
    }
    safe_range(lo, hi)
}

fn count_undefined(values: &[f64]) -> usize {
    values.iter().filter(|v| !v.is_finite()).count()
}

fn undefined_note(n: usize) -> Vec<String> {
    if n > 0 {
        vec![format!("{n} value(s) not defined (shown as –)")]
    } else {
        Vec::new()
    }
}

fn length_note(what: &str, used: usize, given: usize) -> Option<String> {
    (given != used).then(|| format!("{what}: {given} given, {used} drawn (lengths differ)"))
}

/// One horizontal bar per row, top first: used by bar charts and funnels.
struct HBars<'a> {
    labels: &'a [String],
    values: &'a [f64],
    colors: Vec<RGBColor>,
    /// Text at the end of each bar.
    ends: Vec<String>,
    legend: Vec<(String, RGBColor)>,
    x_desc: &'a str,
}

fn hbars_size(h: &HBars) -> (u32, u32) {
    let legend = if h.legend.is_empty() { 0 } else { 22 };
    (WIDTH, 26 * h.labels.len() as u32 + 48 + legend)
}

fn draw_hbars(root: &DrawingArea<SVGBackend, Shift>, h: &HBars) -> Drawn {
    let n = h.labels.len();
    let (lo, hi) = span_with_zero(h.values.iter().copied());
    let label_w = h
        .labels
        .iter()
        .map(|l| label_px(l))
        .max()
        .unwrap_or(40)
        .clamp(40, 240);
    let end_w = h.ends.iter().map(|t| label_px(t)).max().unwrap_or(20);
    let legend_h = if h.legend.is_empty() { 0 } else { 22 };
    let (legend_area, area) = root.split_vertically(legend_h);
    let mut chart = ChartBuilder::on(&area)
        .margin_left(6)
        .margin_right(end_w.min(260))
        .margin_top(6)
        .x_label_area_size(34)
        .y_label_area_size(label_w)
        .build_cartesian_2d(lo..hi, 0.0..n as f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(6)
        .x_label_formatter(&tick_fmt(lo, hi, 6))
        .x_desc(h.x_desc)
        .label_style(text(11.0))
        .axis_desc_style(text(11.0))
        .light_line_style(RGBColor(240, 240, 240))
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()
        .map_err(err)?;
    let top = |i: usize| (n - i) as f64;
    // chart.backend_coord is absolute; root.draw takes coordinates relative to root
    let (bx, by) = root.get_base_pixel();
    chart
        .draw_series(h.values.iter().enumerate().map(|(i, &v)| {
            let v = clampv(v);
            Rectangle::new(
                [(0.0, top(i) - 0.15), (v, top(i) - 0.85)],
                h.colors[i].filled(),
            )
        }))
        .map_err(err)?;
    for (i, label) in h.labels.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(lo, top(i) - 0.5));
        let (x, y) = (x - bx, y - by);
        root.draw(&Text::new(
            label.clone(),
            (x - 6, y),
            text(11.0).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err)?;
        let v = h.values[i];
        let (ex, ey) = chart.backend_coord(&(clampv(v).max(0.0), top(i) - 0.5));
        let (ex, ey) = (ex - bx, ey - by);
        root.draw(&Text::new(
            h.ends[i].clone(),
            (ex + 4, ey),
            text(11.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
    }
    let items: Vec<(String, RGBColor, bool)> = h
        .legend
        .iter()
        .map(|(n, c)| (n.clone(), *c, false))
        .collect();
    legend_row(&legend_area, label_w as i32 + 6, &items)?;
    Ok(())
}

/// Horizontal bars; `notes` (when non-empty) replace the value printed at each bar's end.
pub(super) fn bars(
    out: &mut String,
    title: &str,
    labels: &[String],
    values: &[f64],
    notes: &[String],
) {
    let n = labels.len().min(values.len());
    let ends: Vec<String> = (0..n)
        .map(|i| match notes.get(i) {
            Some(t) if !notes.is_empty() => t.clone(),
            _ => cell_num(values[i]),
        })
        .collect();
    let h = HBars {
        labels: &labels[..n],
        values: &values[..n],
        colors: vec![BLUE; n],
        ends,
        legend: Vec::new(),
        x_desc: "",
    };
    let mut extra = undefined_note(count_undefined(&values[..n]));
    extra.extend(length_note(
        "labels/values",
        n,
        labels.len().max(values.len()),
    ));
    let size = (n > 0).then(|| hbars_size(&h));
    figure(
        out,
        "bars",
        title,
        size,
        |root| draw_hbars(root, &h),
        &extra,
    );
}

/// Funnel: stages top to bottom with their reach; flagged stages in red with a legend.
pub(super) fn funnel(
    out: &mut String,
    title: &str,
    stages: &[String],
    reach: &[f64],
    flagged: &[bool],
) {
    let n = stages.len().min(reach.len());
    let first = reach.first().copied().filter(|v| v.is_finite() && *v > 0.0);
    let is_flagged = |i: usize| flagged.get(i).copied().unwrap_or(false);
    let ends: Vec<String> = (0..n)
        .map(|i| {
            let pct = first
                .filter(|_| reach[i].is_finite())
                .map(|f| format!(" ({:.1}%)", 100.0 * reach[i] / f))
                .unwrap_or_default();
            let flag = if is_flagged(i) { "  ⚑ flagged" } else { "" };
            format!("{}{pct}{flag}", cell_num(reach[i]))
        })
        .collect();
    let any_flag = (0..n).any(is_flagged);
    let mut legend = vec![("stage reach".to_string(), BLUE)];
    if any_flag {
        legend.push(("flagged stage".to_string(), FLAG));
    }
    let h = HBars {
        labels: &stages[..n],
        values: &reach[..n],
        colors: (0..n)
            .map(|i| if is_flagged(i) { FLAG } else { BLUE })
            .collect(),
        ends,
        legend,
        x_desc: "reach",
    };
    let mut extra = undefined_note(count_undefined(&reach[..n]));
    extra.extend(length_note(
        "stages/reach",
        n,
        stages.len().max(reach.len()),
    ));
    let size = (n > 0).then(|| hbars_size(&h));
    figure(
        out,
        "funnel",
        title,
        size,
        |root| draw_hbars(root, &h),
        &extra,
    );
}

/// Histogram of the finite values in `bins` equal-width bins.
pub(super) fn histogram(out: &mut String, title: &str, values: &[f64], bins: usize) {
    let bins = bins.max(1);
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let undefined = values.len() - finite.len();
    let mut notes = Vec::new();
    let clamped: Vec<f64> = finite.iter().map(|&v| clampv(v)).collect();
    if finite.is_empty() {
        notes.push(format!("no defined values ({undefined} not defined)"));
        figure(out, "histogram", title, None, |_| Ok(()), &notes);
        return;
    }
    let lo = clamped.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = clamped.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = safe_range(lo, hi);
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0usize; bins];
    for v in &clamped {
        let b = (((v - lo) / width) as usize).min(bins - 1);
        counts[b] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    notes.push(format!(
        "n = {}, median {}, mean {}{}",
        finite.len(),
        fmt_num(median(&finite)),
        fmt_num(finite.iter().sum::<f64>() / finite.len() as f64),
        if undefined > 0 {
            format!(", {undefined} not defined")
        } else {
            String::new()
        }
    ));
    let x_hi = hi;
    let draw = |root: &DrawingArea<SVGBackend, Shift>| -> Drawn {
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(lo..x_hi, 0.0..max * 1.08)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(8)
            .y_labels(5)
            .x_label_formatter(&tick_fmt(lo, x_hi, 8))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("count")
            .label_style(text(11.0))
            .axis_desc_style(text(11.0))
            .light_line_style(RGBColor(240, 240, 240))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(counts.iter().enumerate().map(|(i, &c)| {
                let x0 = lo + i as f64 * width;
                Rectangle::new([(x0, 0.0), ((x0 + width).min(hi), c as f64)], BLUE.filled())
            }))
            .map_err(err)?;
        chart
            .draw_series(counts.iter().enumerate().map(|(i, &c)| {
                let x0 = lo + i as f64 * width;
                Rectangle::new(
                    [(x0, 0.0), ((x0 + width).min(hi), c as f64)],
                    WHITE.stroke_width(1),
                )
            }))
            .map_err(err)?;
        Ok(())
    };
    figure(out, "histogram", title, Some((WIDTH, 240)), draw, &notes);
}

/// Sequential colour from light (t = 0) to dark blue (t = 1).
fn shade(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    RGBColor(lerp(247.0, 8.0), lerp(251.0, 69.0), lerp(255.0, 148.0))
}

/// Heatmap with row/column labels, axis titles and the value printed in every cell.
#[allow(clippy::too_many_arguments)]
pub(super) fn heatmap(
    out: &mut String,
    title: &str,
    row_axis: &str,
    col_axis: &str,
    rows: &[String],
    cols: &[String],
    values: &[f64],
    marks: &[Mark],
) {
    let (nr, nc) = (rows.len(), cols.len());
    let mark = |k: usize| marks.get(k).copied().unwrap_or_default();
    let n_suppressed = (0..values.len().max(marks.len()))
        .filter(|&k| mark(k) == Mark::Suppressed)
        .count();
    let n_flagged = (0..marks.len())
        .filter(|&k| mark(k) == Mark::Flagged)
        .count();
    let undefined = values
        .iter()
        .enumerate()
        .filter(|(k, v)| !v.is_finite() && mark(*k) != Mark::Suppressed)
        .count();
    let mut notes = undefined_note(undefined);
    if n_flagged > 0 {
        notes.push(format!("⚑ {n_flagged} flagged cell(s), outlined in red"));
    }
    if n_suppressed > 0 {
        notes.push(format!(
            "n<k: {n_suppressed} cell(s) suppressed (fewer customers than the privacy minimum k)"
        ));
    }
    notes.extend(length_note(
        "cells",
        values.len().min(nr * nc),
        values.len(),
    ));
    let cell = |i: usize, j: usize| {
        if mark(i * nc + j) == Mark::Suppressed {
            f64::NAN
        } else {
            values.get(i * nc + j).copied().unwrap_or(f64::NAN)
        }
    };
    let finite: Vec<f64> = (0..nr * nc)
        .map(|k| cell(k / nc.max(1), k % nc.max(1)))
        .filter(|v| v.is_finite())
        .collect();
    if nr == 0 || nc == 0 || finite.is_empty() {
        figure(out, "heatmap", title, None, |_| Ok(()), &notes);
        return;
    }
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let label_w = rows
        .iter()
        .map(|r| label_px(r))
        .max()
        .unwrap_or(30)
        .clamp(30, 260);
    let widest_col = cols.iter().map(|c| label_px(c)).max().unwrap_or(30);
    let cell_w = widest_col.clamp(46, 110);
    let cell_h = 30;
    let axis_w = if row_axis.is_empty() { 0 } else { 20 };
    let width = (axis_w + label_w + cell_w * nc as u32 + 20).max(200);
    let height = 22 + 26 + cell_h * nr as u32 + 10;
    let draw = |root: &DrawingArea<SVGBackend, Shift>| -> Drawn {
        let x0 = (axis_w + label_w) as i32;
        let y0 = 48_i32;
        if !col_axis.is_empty() {
            let cx = x0 + (cell_w * nc as u32 / 2) as i32;
            root.draw(&Text::new(
                col_axis.to_string(),
                (cx, 10),
                text(11.0).pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(err)?;
        }
        if !row_axis.is_empty() {
            let cy = y0 + (cell_h * nr as u32 / 2) as i32;
            let style = text(11.0)
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Center, VPos::Center));
            root.draw(&Text::new(row_axis.to_string(), (10, cy), style))
                .map_err(err)?;
        }
        for (j, c) in cols.iter().enumerate() {
            let cx = x0 + (cell_w as i32) * j as i32 + cell_w as i32 / 2;
            root.draw(&Text::new(
                c.clone(),
                (cx, y0 - 10),
                text(11.0).pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(err)?;
        }
        for (i, r) in rows.iter().enumerate() {
            let y = y0 + (cell_h as i32) * i as i32;
            root.draw(&Text::new(
                r.clone(),
                (x0 - 6, y + cell_h as i32 / 2),
                text(11.0).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(err)?;
            for j in 0..nc {
                let v = cell(i, j);
                let x = x0 + (cell_w as i32) * j as i32;
                let (fill, ink) = if v.is_finite() {
                    let (l, h, v) = (clampv(lo), clampv(hi), clampv(v));
                    let t = if h > l {
                        (v / 2.0 - l / 2.0) / (h / 2.0 - l / 2.0)
                    } else {
                        0.5
                    };
                    (shade(t), if t > 0.55 { WHITE } else { INK })
                } else {
                    (RGBColor(230, 230, 230), GREY)
                };
                let m = mark(i * nc + j);
                root.draw(&Rectangle::new(
                    [(x, y), (x + cell_w as i32 - 2, y + cell_h as i32 - 2)],
                    fill.filled(),
                ))
                .map_err(err)?;
                if m == Mark::Flagged {
                    root.draw(&Rectangle::new(
                        [
                            (x + 1, y + 1),
                            (x + cell_w as i32 - 3, y + cell_h as i32 - 3),
                        ],
                        FLAG.stroke_width(2),
                    ))
                    .map_err(err)?;
                }
                let label = match m {
                    Mark::Plain => cell_num(v),
                    Mark::Flagged => format!("⚑ {}", cell_num(v)),
                    Mark::Suppressed => "n<k".to_string(),
                };
                root.draw(&Text::new(
                    label,
                    (x + cell_w as i32 / 2 - 1, y + cell_h as i32 / 2 - 1),
                    (FONT, 10.5 * 1.24)
                        .into_font()
                        .color(&ink)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ))
                .map_err(err)?;
            }
        }
        Ok(())
    };
    figure(out, "heatmap", title, Some((width, height)), draw, &notes);
}

/// Vertical bars grouped by category, one colour per series, with a legend.
pub(super) fn grouped_bars(
    out: &mut String,
    title: &str,
    categories: &[String],
    series: &[Series],
) {
    let nc = categories.len();
    let ns = series.len();
    let all: Vec<f64> = series
        .iter()
        .flat_map(|s| s.values.iter().take(nc).copied())
        .collect();
    let mut notes = undefined_note(count_undefined(&all));
    for s in series {
        notes.extend(length_note(&s.name, s.values.len().min(nc), s.values.len()));
    }
    if nc == 0 || ns == 0 || all.iter().all(|v| !v.is_finite()) {
        figure(out, "grouped-bars", title, None, |_| Ok(()), &notes);
        return;
    }
    let (lo, hi) = span_with_zero(all.iter().copied());
    let (lo, hi) = safe_range(lo, hi + 0.08 * (hi - lo));
    let width = (120 + nc as u32 * (ns as u32 * 22 + 26)).clamp(360, 1000);
    let longest = categories.iter().map(|c| label_px(c)).max().unwrap_or(20);
    let rotate = longest as f64 > (width as f64 - 80.0) / nc as f64;
    let x_area = if rotate { longest.min(140) + 10 } else { 30 };
    let draw = |root: &DrawingArea<SVGBackend, Shift>| -> Drawn {
        let (legend_area, area) = root.split_vertically(24);
        let mut chart = ChartBuilder::on(&area)
            .margin(8)
            .x_label_area_size(x_area)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..nc as f64, lo..hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&tick_fmt(lo, hi, 6))
            .label_style(text(11.0))
            .light_line_style(RGBColor(240, 240, 240))
            .draw()
            .map_err(err)?;
        let slot = 0.8 / ns as f64;
        for (k, s) in series.iter().enumerate() {
            let color = palette(k);
            chart
                .draw_series(s.values.iter().take(nc).enumerate().map(|(i, &v)| {
                    let v = clampv(v);
                    let x = i as f64 + 0.1 + k as f64 * slot;
                    Rectangle::new([(x, 0.0), (x + slot * 0.92, v)], color.filled())
                }))
                .map_err(err)?;
        }
        for (i, c) in categories.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(i as f64 + 0.5, lo));
            let t = if rotate {
                Text::new(
                    c.clone(),
                    (x, y + 6),
                    text(11.0)
                        .transform(FontTransform::Rotate270)
                        .pos(Pos::new(HPos::Right, VPos::Center)),
                )
            } else {
                Text::new(
                    c.clone(),
                    (x, y + 12),
                    text(11.0).pos(Pos::new(HPos::Center, VPos::Center)),
                )
            };
            root.draw(&t).map_err(err)?;
        }
        let items: Vec<(String, RGBColor, bool)> = series
            .iter()
            .enumerate()
            .map(|(k, s)| (s.name.clone(), palette(k), false))
            .collect();
        legend_row(&legend_area, 64, &items)?;
        Ok(())
    };
    let height = 24 + 220 + x_area;
    figure(
        out,
        "grouped-bars",
        title,
        Some((width, height)),
        draw,
        &notes,
    );
}

/// Small multiples: one horizontal bar panel per series (own scale), two panels per row.
pub(super) fn bar_panels(out: &mut String, title: &str, categories: &[String], series: &[Series]) {
    let nc = categories.len();
    let mut notes = Vec::new();
    let mut undefined = 0;
    for s in series {
        notes.extend(length_note(&s.name, s.values.len().min(nc), s.values.len()));
        undefined += (0..nc)
            .filter(|&i| !s.values.get(i).is_some_and(|v| v.is_finite()))
            .count();
    }
    notes.splice(0..0, undefined_note(undefined));
    let panels: Vec<(Vec<f64>, Vec<String>)> = series
        .iter()
        .map(|s| {
            let v: Vec<f64> = (0..nc)
                .map(|i| s.values.get(i).copied().unwrap_or(f64::NAN))
                .collect();
            let whole = v.iter().all(|x| !x.is_finite() || x.fract() == 0.0);
            let ends = v
                .iter()
                .map(|&x| if whole { count_num(x) } else { cell_num(x) })
                .collect();
            (v, ends)
        })
        .collect();
    let any = panels.iter().any(|(v, _)| v.iter().any(|x| x.is_finite()));
    if nc == 0 || series.is_empty() || !any {
        figure(out, "bar-panels", title, None, |_| Ok(()), &notes);
        return;
    }
    let per_row = series.len().min(2);
    let n_rows = series.len().div_ceil(per_row);
    let panel_w = if per_row == 1 { WIDTH } else { 460 };
    let panel_h = 26 * nc as u32 + 48 + 22 + 8;
    let size = (panel_w * per_row as u32, panel_h * n_rows as u32);
    let draw = |root: &DrawingArea<SVGBackend, Shift>| -> Drawn {
        let areas = root.split_evenly((n_rows, per_row));
        for (k, (s, (values, ends))) in series.iter().zip(&panels).enumerate() {
            let area = areas[k].margin(0, 8, 0, 0);
            let h = HBars {
                labels: categories,
                values,
                colors: vec![palette(k); nc],
                ends: ends.clone(),
                legend: vec![(s.name.clone(), palette(k))],
                x_desc: "",
            };
            draw_hbars(&area, &h)?;
        }
        Ok(())
    };
    figure(out, "bar-panels", title, Some(size), draw, &notes);
}

/// Line chart of one or more curves, optional y = x diagonal, with a legend.
pub(super) fn line(out: &mut String, chart: &LineChart) {
    let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let dropped: usize = chart
        .curves
        .iter()
        .map(|c| c.points.iter().filter(|p| !finite(p)).count())
        .sum();
    let mut notes = Vec::new();
    if dropped > 0 {
        notes.push(format!(
            "{dropped} point(s) not defined (line broken there)"
        ));
    }
    let pts: Vec<(f64, f64)> = chart
        .curves
        .iter()
        .flat_map(|c| c.points.iter().copied().filter(finite))
        .collect();
    if pts.is_empty() {
        figure(out, "line", &chart.title, None, |_| Ok(()), &notes);
        return;
    }
    let mut x = (f64::INFINITY, f64::NEG_INFINITY);
    let mut y = (f64::INFINITY, f64::NEG_INFINITY);
    for &(a, b) in &pts {
        let (a, b) = (clampv(a), clampv(b));
        x = (x.0.min(a), x.1.max(a));
        y = (y.0.min(b), y.1.max(b));
    }
    if chart.diagonal {
        let (lo, hi) = (x.0.min(y.0), x.1.max(y.1));
        x = (lo, hi);
        y = (lo, hi);
    }
    if let Some((lo, hi)) = chart.y_range {
        y = (lo, hi);
    }
    let (x, y) = (safe_range(x.0, x.1), safe_range(y.0, y.1));
    let outside = pts.iter().filter(|p| p.1 < y.0 || p.1 > y.1).count();
    if outside > 0 {
        notes.push(format!(
            "{outside} point(s) outside the y range, drawn at its edge"
        ));
    }
    let mut items: Vec<(String, RGBColor, bool)> = chart
        .curves
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.name.is_empty())
        .map(|(k, c)| (c.name.clone(), palette(k), true))
        .collect();
    if chart.diagonal {
        items.push(("y = x".to_string(), GREY, true));
    }
    let legend_h = if items.is_empty() { 0 } else { 24 };
    let draw = |root: &DrawingArea<SVGBackend, Shift>| -> Drawn {
        let (legend_area, area) = root.split_vertically(legend_h);
        let mut c = ChartBuilder::on(&area)
            .margin(10)
            .margin_right(18)
            .x_label_area_size(38)
            .y_label_area_size(58)
            .build_cartesian_2d(x.0..x.1, y.0..y.1)
            .map_err(err)?;
        c.configure_mesh()
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&tick_fmt(x.0, x.1, 8))
            .y_label_formatter(&tick_fmt(y.0, y.1, 6))
            .x_desc(chart.x_label.as_str())
            .y_desc(chart.y_label.as_str())
            .label_style(text(11.0))
            .axis_desc_style(text(11.0))
            .light_line_style(RGBColor(240, 240, 240))
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()
            .map_err(err)?;
        if chart.diagonal {
            let (lo, hi) = (x.0.max(y.0), x.1.min(y.1));
            if hi > lo {
                c.draw_series(DashedLineSeries::new(
                    vec![(lo, lo), (hi, hi)],
                    6,
                    4,
                    GREY.stroke_width(1),
                ))
                .map_err(err)?;
            }
        }
        for (k, curve) in chart.curves.iter().enumerate() {
            let color = palette(k);
            for mut run in runs(curve) {
                for p in run.iter_mut() {
                    p.1 = p.1.clamp(y.0, y.1);
                }
                c.draw_series(LineSeries::new(run.iter().copied(), color.stroke_width(2)))
                    .map_err(err)?;
                c.draw_series(run.iter().map(|&p| Circle::new(p, 2.5, color.filled())))
                    .map_err(err)?;
            }
        }
        legend_row(&legend_area, 68, &items)
    };
    figure(
        out,
        "line",
        &chart.title,
        Some((WIDTH, 300 + legend_h)),
        draw,
        &notes,
    );
}

/// Splits a curve into runs of consecutive finite points.
fn runs(curve: &Curve) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for &p in &curve.points {
        if p.0.is_finite() && p.1.is_finite() {
            if let Some(last) = out.last_mut() {
                last.push((clampv(p.0), clampv(p.1)));
            }
        } else if out.last().is_some_and(|r| !r.is_empty()) {
            out.push(Vec::new());
        }
    }
    out.retain(|r| !r.is_empty());
    out
}
