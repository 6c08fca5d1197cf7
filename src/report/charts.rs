//! The report's charts: static SVG drawn with plotters, inline in the page.
//!
//! plotters' SVG backend writes plain SVG (no script, no font files: text is laid out with
//! its built-in metrics and drawn with the reader's sans-serif font), so a chart is a few
//! kilobytes and reads offline. Each mark then gets a `<title>` (the browser's tooltip) and a
//! `class` naming what it shows: plotters draws rectangles and circles in the order it is
//! given them, so the marks are found again by their colour, in that order.

use plotters::prelude::*;

use super::Rows;

/// Colours of the four quad classes, from the Okabe-Ito palette (distinct for colour-blind
/// readers): verbal cooperation, material cooperation, verbal conflict, material conflict.
pub const QUAD_COLOURS: [(&str, RGBColor); 4] = [
    ("verbal_cooperation", RGBColor(0x00, 0x9E, 0x73)),
    ("material_cooperation", RGBColor(0x00, 0x72, 0xB2)),
    ("verbal_conflict", RGBColor(0xE6, 0x9F, 0x00)),
    ("material_conflict", RGBColor(0xD5, 0x5E, 0x00)),
];

/// The two directions of a dyad (Okabe-Ito blue and vermillion).
pub const DIRECTION_COLOURS: [RGBColor; 2] =
    [RGBColor(0x00, 0x72, 0xB2), RGBColor(0xD5, 0x5E, 0x00)];

/// A drawn chart: its SVG and how many marks (bars or points) it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The `<svg>` element.
    pub svg: String,
    /// Marks drawn: one per non-zero bar segment, or per point.
    pub marks: usize,
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// `YYYY-MM` as a month number (years × 12 + months − 1).
fn month_number(month: &str) -> Option<i32> {
    let (y, m) = month.split_once('-')?;
    Some(y.parse::<i32>().ok()? * 12 + m.get(..2)?.parse::<i32>().ok()? - 1)
}

fn month_label(n: i32) -> String {
    format!("{:04}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1)
}

/// Events per month (rows of `events-by-month`), stacked by quad class, on a time axis from
/// the first month to the last.
#[must_use]
pub fn events_by_month(rows: &Rows) -> Chart {
    let months: Vec<(i32, [f64; 4])> = (0..rows.len())
        .filter_map(|i| {
            let n = month_number(&rows.text(i, "month"))?;
            let counts = QUAD_COLOURS.map(|(column, _)| rows.number(i, column));
            Some((n, counts))
        })
        .collect();
    let first = months.iter().map(|m| m.0).min().unwrap_or(0);
    let last = months.iter().map(|m| m.0).max().unwrap_or(0);
    let top = months
        .iter()
        .map(|m| m.1.iter().sum::<f64>())
        .fold(1.0, f64::max);
    let mut titles = Vec::new();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 360)).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(48)
                .build_cartesian_2d(f64::from(first)..f64::from(last + 1), 0.0..top * 1.1)?;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let y_labels = (top.ceil() as usize + 1).min(11);
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(TRANSPARENT)
                .y_labels(y_labels)
                .x_labels(12)
                .x_label_formatter(&|x| {
                    #[allow(clippy::cast_possible_truncation)]
                    month_label(x.floor() as i32)
                })
                .y_desc("events")
                .y_label_formatter(&|y| {
                    if (y - y.round()).abs() < 1e-9 {
                        format!("{y:.0}")
                    } else {
                        String::new()
                    }
                })
                .draw()?;
            for (n, counts) in &months {
                let mut base = 0.0;
                for ((column, colour), count) in QUAD_COLOURS.iter().zip(counts) {
                    if *count <= 0.0 {
                        continue;
                    }
                    let x = f64::from(*n);
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(x + 0.1, base), (x + 0.9, base + count)],
                        colour.filled(),
                    )))?;
                    titles.push(format!(
                        "{}: {count} {}",
                        month_label(*n),
                        column.replace('_', " ")
                    ));
                    base += count;
                }
            }
            root.present()?;
            Ok(())
        })();
        drop(drawn);
    }
    let colours: Vec<String> = QUAD_COLOURS.iter().map(|(_, c)| hex(*c)).collect();
    let marks = titles.len();
    Chart {
        svg: with_titles(&svg, "<rect", &colours, &titles, "bar"),
        marks,
    }
}

/// A dyad's mean Goldstein value per year in each direction (rows of `dyad`), as two lines of
/// points; `sources` are the two directions' acting sides, in order.
#[must_use]
pub fn dyad_trend(rows: &Rows, sources: [&str; 2]) -> Chart {
    let mut series: [Vec<(f64, f64, f64)>; 2] = [Vec::new(), Vec::new()];
    for i in 0..rows.len() {
        let Ok(year) = rows.text(i, "year").parse::<i32>() else {
            continue;
        };
        let way = usize::from(rows.text(i, "source") != sources[0]);
        series[way].push((
            f64::from(year),
            rows.number(i, "goldstein_mean"),
            rows.number(i, "events"),
        ));
    }
    let years: Vec<f64> = series.iter().flatten().map(|p| p.0).collect();
    let first = years.iter().copied().fold(f64::INFINITY, f64::min);
    let last = years.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (first, last) = if first.is_finite() {
        (first - 0.5, last + 0.5)
    } else {
        (0.0, 1.0)
    };
    let mut titles = Vec::new();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 320)).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(12)
                .x_label_area_size(36)
                .y_label_area_size(48)
                .build_cartesian_2d(first..last, -10.0..10.0)?;
            chart
                .configure_mesh()
                .light_line_style(TRANSPARENT)
                .x_label_formatter(&|x| {
                    if (x - x.round()).abs() < 1e-9 {
                        format!("{x:.0}")
                    } else {
                        String::new()
                    }
                })
                .y_desc("mean Goldstein (−10 conflict … +10 cooperation)")
                .draw()?;
            chart.draw_series(LineSeries::new([(first, 0.0), (last, 0.0)], BLACK.mix(0.4)))?;
            for (way, points) in series.iter().enumerate() {
                let colour = DIRECTION_COLOURS[way];
                chart.draw_series(LineSeries::new(
                    points.iter().map(|p| (p.0, p.1)),
                    colour.stroke_width(2),
                ))?;
                for p in points {
                    chart.draw_series(std::iter::once(Circle::new(
                        (p.0, p.1),
                        5,
                        colour.filled(),
                    )))?;
                    titles.push(format!(
                        "{:.0}, {} → other: mean Goldstein {:.2} over {} events",
                        p.0, sources[way], p.1, p.2
                    ));
                }
            }
            root.present()?;
            Ok(())
        })();
        drop(drawn);
    }
    let colours: Vec<String> = DIRECTION_COLOURS.iter().map(|c| hex(*c)).collect();
    let marks = titles.len();
    Chart {
        svg: with_titles(&svg, "<circle", &colours, &titles, "point"),
        marks,
    }
}

/// Give the marks of `svg` (elements opening with `tag`, filled with one of `colours`), in
/// order, a class and a `<title>` each.
fn with_titles(svg: &str, tag: &str, colours: &[String], titles: &[String], class: &str) -> String {
    let mut out = String::with_capacity(svg.len() + titles.len() * 80);
    let mut rest = svg;
    let mut titles = titles.iter();
    while let Some(at) = rest.find(tag) {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find("/>").map(|e| at + e) else {
            break;
        };
        let element = &rest[at..end];
        let filled = colours
            .iter()
            .any(|c| element.contains(&format!("fill=\"{c}\"")));
        let title = if filled { titles.next() } else { None };
        match title {
            Some(title) => {
                out.push_str(element);
                out.push_str(" class=\"");
                out.push_str(class);
                out.push_str("\"><title>");
                out.push_str(&super::html::escape(title));
                out.push_str("</title></");
                out.push_str(&tag[1..]);
                out.push('>');
            }
            None => out.push_str(&rest[at..end + 2]),
        }
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}
