//! The report's HTML: one page, styles inline, charts inline, no script.

use std::fmt::Write as _;

use super::charts::{self, QUAD_COLOURS};
use super::{Data, Options, Rows, TIMELINE_CAP};

/// Text made safe for HTML.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r"
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --bg: #fff; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 1.5rem; font: 15px/1.5 system-ui, -apple-system,
       'Segoe UI', Roboto, sans-serif; color: var(--ink); background: var(--bg); }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; } h2 { font-size: 1.25rem; margin: 2rem 0 .5rem;
  border-bottom: 2px solid var(--rule); padding-bottom: .25rem; } h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
.meta, .note { color: var(--muted); font-size: .9rem; }
nav { display: flex; flex-wrap: wrap; gap: .2rem .9rem; } nav a { white-space: nowrap; }
figure { margin: .5rem 0; } figure svg { width: 100%; height: auto; display: block; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; font-size: .9rem; margin: .25rem 0 0; padding: 0; list-style: none; }
.legend span { display: inline-block; width: .9rem; height: .9rem; margin-right: .35rem; vertical-align: -2px; border-radius: 2px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .6rem; margin: 0; }
.cards div { border: 1px solid var(--rule); border-radius: 6px; padding: .5rem .7rem; }
.cards dt { color: var(--muted); font-size: .8rem; } .cards dd { margin: 0; font-size: 1.25rem; font-weight: 600; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--rule); }
th { background: #f4f4f6; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.empty { padding: .75rem 1rem; background: #f4f4f6; border-radius: 6px; color: var(--muted); }
a { color: var(--accent); }
@media (max-width: 640px) { body { padding: .75rem; font-size: 14px; } th, td { padding: .25rem .3rem; } }
@media print { nav { display: none; } body { max-width: none; padding: 0; font-size: 11px; }
  section { break-inside: avoid-page; } a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; } .scroll { overflow: visible; } }
";

/// A table column: the query's key, its heading, whether it is a number.
type Column = (&'static str, &'static str, bool);

/// The columns of `dyad` and `dyads` rows they share: who acted on whom, how, on average.
const PAIR_COLUMNS: &[Column] = &[
    ("source", "source", false),
    ("target", "target", false),
    ("events", "events", true),
    ("verbal_cooperation", "verbal coop.", true),
    ("material_cooperation", "material coop.", true),
    ("verbal_conflict", "verbal conflict", true),
    ("material_conflict", "material conflict", true),
    ("goldstein_mean", "mean Goldstein", true),
];

/// The whole page.
pub fn page(data: &Data, options: &Options) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let filters = describe_filters(options);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>dossier report: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header><h1>dossier report</h1><p class=\"meta\">Archive <code>{}</code>, dossier {}. {}</p>\n\
         <nav><a href=\"#overview\">Overview</a><a href=\"#events\">Events over time</a>\
         <a href=\"#dyad\">Dyad</a><a href=\"#entities\">Top entities</a><a href=\"#dyads\">Busiest dyads</a>\
         <a href=\"#timeline\">Timeline</a><a href=\"#quotes\">Most quoted</a><a href=\"#duplicates\">Near-duplicates</a></nav></header>\n",
        escape(&options.archive),
        escape(&options.archive),
        env!("CARGO_PKG_VERSION"),
        escape(&filters),
    );
    overview(&mut out, data);
    events(&mut out, data);
    dyad(&mut out, data);
    top_entities(&mut out, data);
    busiest(&mut out, data);
    timeline(&mut out, data);
    quotes(&mut out, data);
    duplicates(&mut out, data);
    out.push_str("<footer class=\"note\"><p>Every figure comes from dossier's named queries (<code>dossier query --list</code>); the section notes name them.</p></footer>\n</body>\n</html>\n");
    out
}

fn describe_filters(options: &Options) -> String {
    let mut parts = Vec::new();
    if let Some(from) = &options.from {
        parts.push(format!("from {from}"));
    }
    if let Some(to) = &options.to {
        parts.push(format!("to {to}"));
    }
    if !options.entities.is_empty() {
        parts.push(format!("involving {}", options.entities.join(", ")));
    }
    if parts.is_empty() {
        "The whole archive.".to_string()
    } else {
        format!(
            "Events, the dyad and the timeline: {}; the other sections cover the whole archive.",
            parts.join(", ")
        )
    }
}

fn empty(out: &mut String, what: &str) {
    let _ = writeln!(out, "<p class=\"empty\">{}</p>", escape(what));
}

/// A table of `columns` (key, heading, numeric) of `rows`.
fn table(out: &mut String, rows: &Rows, columns: &[Column], id: &str) {
    let _ = write!(out, "<div class=\"scroll\"><table id=\"{id}\"><thead><tr>");
    for (_, heading, numeric) in columns {
        let class = if *numeric { " class=\"n\"" } else { "" };
        let _ = write!(out, "<th{class}>{}</th>", escape(heading));
    }
    out.push_str("</tr></thead><tbody>\n");
    for i in 0..rows.len() {
        out.push_str("<tr>");
        for (key, _, numeric) in columns {
            let class = if *numeric { " class=\"n\"" } else { "" };
            let _ = write!(out, "<td{class}>{}</td>", escape(&rows.text(i, key)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

fn overview(out: &mut String, data: &Data) {
    out.push_str("<section id=\"overview\"><h2>Overview</h2>\n<dl class=\"cards\">");
    for i in 0..data.stats.len() {
        let _ = write!(
            out,
            "<div><dt>{}</dt><dd>{}</dd></div>",
            escape(&data.stats.text(i, "item")),
            escape(&data.stats.text(i, "value"))
        );
    }
    out.push_str("</dl>\n<h3>Sources</h3>\n");
    if data.sources.is_empty() {
        empty(out, "No articles in the archive yet.");
    } else {
        table(
            out,
            &data.sources,
            &[
                ("outlet", "outlet", false),
                ("articles", "articles", true),
                ("first_published", "first published", false),
                ("last_published", "last published", false),
                ("words", "words", true),
            ],
            "sources",
        );
    }
    out.push_str(
        "<p class=\"note\">Queries <code>stats</code> and <code>sources</code>.</p></section>\n",
    );
}

fn legend(out: &mut String) {
    out.push_str("<ul class=\"legend\">");
    for (column, colour) in QUAD_COLOURS {
        let _ = write!(
            out,
            "<li><span style=\"background:#{:02X}{:02X}{:02X}\"></span>{}</li>",
            colour.0,
            colour.1,
            colour.2,
            column.replace('_', " ")
        );
    }
    out.push_str("</ul>");
}

fn events(out: &mut String, data: &Data) {
    out.push_str("<section id=\"events\"><h2>Events over time</h2>\n");
    for (entity, rows) in &data.months {
        if let Some(entity) = entity {
            let _ = writeln!(out, "<h3>Involving {}</h3>", escape(entity));
        }
        if rows.is_empty() {
            empty(
                out,
                "No dated events to chart (events dated only to a year have no month).",
            );
            continue;
        }
        let chart = charts::events_by_month(rows);
        let _ = write!(
            out,
            "<figure class=\"chart\" data-chart=\"events-by-month\" data-marks=\"{}\">{}<figcaption>",
            chart.marks, chart.svg
        );
        legend(out);
        out.push_str("</figcaption></figure>\n");
    }
    out.push_str("<p class=\"note\">Events per month, stacked by quad class; hover a bar for its count. Query <code>events-by-month</code>.</p></section>\n");
}

fn dyad(out: &mut String, data: &Data) {
    out.push_str("<section id=\"dyad\"><h2>A dyad's trend</h2>\n");
    let Some(((a, b), rows)) = &data.dyad else {
        empty(
            out,
            "No events between two actors yet, so no dyad to follow.",
        );
        out.push_str("</section>\n");
        return;
    };
    let _ = writeln!(out, "<h3>{} and {}</h3>", escape(a), escape(b));
    if rows.is_empty() {
        empty(out, "No events between these two in the period.");
    } else {
        let chart = charts::dyad_trend(rows, [a.as_str(), b.as_str()]);
        let _ = writeln!(
            out,
            "<figure class=\"chart\" data-chart=\"dyad\" data-marks=\"{}\">{}<figcaption><ul class=\"legend\">\
             <li><span style=\"background:#0072B2\"></span>{} → {}</li>\
             <li><span style=\"background:#D55E00\"></span>{} → {}</li></ul></figcaption></figure>",
            chart.marks,
            chart.svg,
            escape(a),
            escape(b),
            escape(b),
            escape(a)
        );
        table(
            out,
            rows,
            &[&[("year", "year", false)], PAIR_COLUMNS].concat(),
            "dyad-table",
        );
    }
    out.push_str("<p class=\"note\">The pair given with <code>-p a=… -p b=…</code>, else the busiest pair. Query <code>dyad</code>.</p></section>\n");
}

fn top_entities(out: &mut String, data: &Data) {
    out.push_str("<section id=\"entities\"><h2>Top entities</h2>\n<div class=\"grid\">");
    for (kind, rows) in &data.top {
        let _ = write!(
            out,
            "<div><h3>{}</h3>",
            escape(&format!("{kind}s").replace("ys", "ies"))
        );
        if rows.is_empty() {
            empty(out, "None named yet.");
        } else {
            table(
                out,
                rows,
                &[
                    ("name", "name", false),
                    ("articles", "articles", true),
                    ("mentions", "mentions", true),
                ],
                &format!("top-{kind}"),
            );
        }
        out.push_str("</div>");
    }
    out.push_str("</div>\n<p class=\"note\">By the number of articles that name them. Query <code>top-entities</code>.</p></section>\n");
}

fn busiest(out: &mut String, data: &Data) {
    out.push_str("<section id=\"dyads\"><h2>The busiest dyads</h2>\n");
    if data.dyads.is_empty() {
        empty(out, "No events yet.");
    } else {
        table(
            out,
            &data.dyads,
            &[
                PAIR_COLUMNS,
                &[("first_year", "first", false), ("last_year", "last", false)],
            ]
            .concat(),
            "dyads-table",
        );
    }
    out.push_str(
        "<p class=\"note\">One direction per row. Query <code>dyads</code>.</p></section>\n",
    );
}

fn timeline(out: &mut String, data: &Data) {
    out.push_str("<section id=\"timeline\"><h2>Timeline</h2>\n");
    for (entity, rows, total) in &data.timelines {
        if let Some(entity) = entity {
            let _ = writeln!(out, "<h3>Involving {}</h3>", escape(entity));
        }
        if rows.is_empty() {
            empty(out, "No events in this period.");
            continue;
        }
        if *total > rows.len() {
            let _ = writeln!(
                out,
                "<p class=\"note\">The first {} of {total} events; {} left out (<code>dossier query timeline -p limit=…</code> gives them all).</p>",
                rows.len(),
                total - rows.len()
            );
        }
        out.push_str("<div class=\"scroll\"><table class=\"timeline\"><thead><tr><th>date</th><th>source</th><th>action</th><th>target</th><th class=\"n\">Goldstein</th><th>evidence</th></tr></thead><tbody>\n");
        for i in 0..rows.len() {
            #[allow(clippy::cast_possible_truncation)]
            let id = rows.number(i, "event_id") as i64;
            let evidence = escape(&rows.text(i, "evidence"));
            let evidence = match data.urls.get(&id) {
                Some(url) => format!("<a href=\"{}\">{evidence}</a>", escape(url)),
                None => evidence,
            };
            let _ = writeln!(
                out,
                "<tr data-event=\"{id}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{evidence}</td></tr>",
                escape(&rows.text(i, "date")),
                escape(&rows.text(i, "source")),
                escape(&rows.text(i, "code_name")),
                escape(&rows.text(i, "target")),
                escape(&rows.text(i, "goldstein")),
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
    let _ = writeln!(
        out,
        "<p class=\"note\">In date order, at most {TIMELINE_CAP} rows; the evidence links to the first article that tells it. Query <code>timeline</code>.</p></section>"
    );
}

fn quotes(out: &mut String, data: &Data) {
    out.push_str("<section id=\"quotes\"><h2>Most-quoted people</h2>\n");
    if data.speakers.is_empty() {
        empty(out, "No quotations attributed yet.");
    } else {
        table(
            out,
            &data.speakers,
            &[
                ("speaker", "speaker", false),
                ("quotes", "quotes", true),
                ("articles", "articles", true),
                ("sample", "a quotation (their first)", false),
            ],
            "speakers",
        );
    }
    out.push_str("<p class=\"note\">Query <code>speakers</code>; every quotation: <code>quotes</code>.</p></section>\n");
}

fn duplicates(out: &mut String, data: &Data) {
    out.push_str("<section id=\"duplicates\"><h2>Near-duplicates and re-used paragraphs</h2>\n<h3>Near-duplicate articles</h3>\n");
    if data.near_duplicates.is_empty() {
        empty(out, "No near-duplicate articles.");
    } else {
        table(
            out,
            &data.near_duplicates,
            &[
                ("article_id", "article", true),
                ("title", "title", false),
                ("duplicate_of", "copy of", true),
                ("duplicate_of_title", "its title", false),
                ("similarity", "similarity", true),
            ],
            "near-duplicates",
        );
    }
    out.push_str("<h3>Paragraphs several articles carry</h3>\n");
    if data.reused.is_empty() {
        empty(out, "No paragraph is content in more than one article.");
    } else {
        table(
            out,
            &data.reused,
            &[
                ("articles", "articles", true),
                ("article_ids", "ids", false),
                ("text", "paragraph", false),
            ],
            "reused",
        );
    }
    out.push_str("<p class=\"note\">Queries <code>near-duplicates</code> and <code>reused-paragraphs</code>.</p></section>\n");
}
