//! Events: each coded mention joins the event it agrees with (same root code, source and target,
//! either way round for a joint action, and dates that agree at the coarser precision) or
//! starts a new one. The merge rule lives here, beside the statements that apply it.

use rusqlite::Connection;

use super::int;
use crate::extract::cameo::Taxonomy;
use crate::extract::entities::EntityRef;
use crate::extract::timex::{DateSpan, Precision};
use crate::pipeline::Prepared;

/// The events a mention agrees with, among those of its source, target and root code: dates
/// that agree at the coarser of the two precisions (`?6` is the mention's precision; `?7`..`?12`
/// its span widened to a year, to a month, and as it is). Widened spans are aligned to whole
/// units, so agreeing is overlapping the mention's span widened to the coarser precision.
macro_rules! agreeing_events {
    ($range:literal) => {
        concat!(
            "SELECT id, date_start, date_end, date_precision FROM events
             WHERE source_id = ?1 AND target_id IS ?2 AND root_code = ?3 AND ",
            $range,
            " AND CASE
                 WHEN date_precision = 'year' OR ?6 = 'year' THEN date_start <= ?8 AND date_end >= ?7
                 WHEN date_precision = 'month' OR ?6 = 'month' THEN date_start <= ?10 AND date_end >= ?9
                 ELSE date_start <= ?12 AND date_end >= ?11
             END"
        )
    };
}
/// Agreeing events within one calendar year start in the mention's first year (`?7`, which it
/// must end in or after) or later, to the end of its last year (`?5`): found by their length
/// and start date through a covering index, a year of the dyad's events rather than two.
pub(super) const SELECT_ONE_YEAR_EVENTS: &str = agreeing_events!(
    "substr(date_end, 1, 4) - substr(date_start, 1, 4) = 0 AND date_start BETWEEN ?7 AND ?5"
);
/// Agreeing events over two calendar years (across a new year) start from the year before the
/// mention's (`?4`) to the end of its last year (`?5`).
pub(super) const SELECT_TWO_YEAR_EVENTS: &str = agreeing_events!(
    "substr(date_end, 1, 4) - substr(date_start, 1, 4) = 1 AND date_start BETWEEN ?4 AND ?5"
);
/// Longer ones ("1910-45", "the 1990s") are few: found by their length (`?4` and `?5` are
/// bound but unused). Separate statements rather than one UNION: SQLite re-prepared the UNION
/// for a third of the mentions (its plan depended on the bound values).
pub(super) const SELECT_LONG_EVENTS: &str =
    agreeing_events!("substr(date_end, 1, 4) - substr(date_start, 1, 4) > 1");
pub(super) const INSERT_EVENT: &str = "
    INSERT INTO events (date_start, date_end, date_precision, code, root_code, quad_class,
                        goldstein, source_id, target_id, num_mentions, num_articles)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 0)";
pub(super) const INSERT_EVENT_MENTION: &str = "
    INSERT INTO event_mention_spans (event_id, article_id, paragraph_id, char_start, char_end,
                                     date_text, date_anchor, rule, confidence)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
/// Run before the mention is stored: an article not yet among the event's adds one.
pub(super) const COUNT_EVENT: &str = "
    UPDATE events SET num_mentions = num_mentions + 1,
        num_articles = num_articles
            + NOT EXISTS (SELECT 1 FROM event_mention_spans WHERE event_id = ?1 AND article_id = ?2)
    WHERE id = ?1";
pub(super) const REFINE_EVENT_DATE: &str =
    "UPDATE events SET date_start = ?2, date_end = ?3, date_precision = ?4 WHERE id = ?1";

/// Store an article's events: each mention joins the event it tells (same root code, source
/// and target, either way round for a joint action, and dates that agree at the coarser
/// precision) or starts a new one. An event takes the most precise date its mentions give.
pub(super) fn insert_events(
    conn: &Connection,
    article_id: i64,
    paragraph_ids: &[i64],
    article: &Prepared,
    taxonomy: &Taxonomy,
    id_of: &dyn Fn(EntityRef) -> i64,
) -> rusqlite::Result<()> {
    let mut one_year = conn.prepare_cached(SELECT_ONE_YEAR_EVENTS)?;
    let mut two_years = conn.prepare_cached(SELECT_TWO_YEAR_EVENTS)?;
    let mut long = conn.prepare_cached(SELECT_LONG_EVENTS)?;
    for e in &article.events {
        let code = &taxonomy.codes[e.code];
        let source = id_of(e.source);
        let target = e.target.map(id_of);
        let mut keys = vec![(source, target)];
        if let (true, Some(t)) = (e.reciprocal, target) {
            keys.push((t, Some(source)));
        }
        let mut found: Option<(i64, DateSpan)> = None;
        let (from, to) = merge_window(&e.date);
        let year = e.date.widened(Precision::Year);
        let month = e.date.widened(Precision::Month);
        let spans = [year, month, e.date].map(|d| (d.start.to_string(), d.end.to_string()));
        for (s, t) in keys {
            let params = rusqlite::params![
                s,
                t,
                code.root(),
                from,
                to,
                e.date.precision.as_str(),
                spans[0].0,
                spans[0].1,
                spans[1].0,
                spans[1].1,
                spans[2].0,
                spans[2].1
            ];
            let mut rows: Vec<(i64, String, String, String)> = Vec::new();
            for select in [&mut one_year, &mut two_years, &mut long] {
                let found = select
                    .query_map(params, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
                for row in found {
                    rows.push(row?);
                }
            }
            rows.sort_unstable();
            found = rows.into_iter().find_map(|(id, start, end, precision)| {
                let span = stored_span(&start, &end, &precision)?;
                e.date
                    .agrees_at(&span, span.precision.min(e.date.precision))
                    .then_some((id, span))
            });
            if found.is_some() {
                break;
            }
        }
        let event_id = match found {
            Some((id, span)) => {
                if e.date.precision > span.precision {
                    conn.prepare_cached(REFINE_EVENT_DATE)?
                        .execute(rusqlite::params![
                            id,
                            e.date.start.to_string(),
                            e.date.end.to_string(),
                            e.date.precision.as_str()
                        ])?;
                }
                id
            }
            None => {
                conn.prepare_cached(INSERT_EVENT)?
                    .execute(rusqlite::params![
                        e.date.start.to_string(),
                        e.date.end.to_string(),
                        e.date.precision.as_str(),
                        code.code,
                        code.root(),
                        code.quad_class,
                        code.goldstein,
                        source,
                        target,
                    ])?;
                conn.last_insert_rowid()
            }
        };
        conn.prepare_cached(COUNT_EVENT)?
            .execute([event_id, article_id])?;
        conn.prepare_cached(INSERT_EVENT_MENTION)?
            .execute(rusqlite::params![
                event_id,
                article_id,
                paragraph_ids[e.paragraph],
                int(e.sentence.start),
                int(e.sentence.end),
                e.date_text,
                e.anchor.as_str(),
                e.rule,
                e.confidence,
            ])?;
    }
    Ok(())
}

/// The start dates (ISO, inclusive) between which a stored event of at most two calendar years
/// must start to agree with `date`. Agreement is overlap after widening both spans to the
/// coarser precision, at most a year: an agreeing event ends on or after the first day of
/// `date`'s first year and starts on or before the last day of its last year; one that spans at
/// most two calendar years therefore starts no earlier than the year before.
pub(super) fn merge_window(date: &DateSpan) -> (String, String) {
    let widened = date.widened(Precision::Year);
    let from = widened
        .start
        .checked_sub(jiff::Span::new().years(1))
        .unwrap_or(widened.start);
    (from.to_string(), widened.end.to_string())
}

/// A stored event date as a span.
pub(super) fn stored_span(start: &str, end: &str, precision: &str) -> Option<DateSpan> {
    Some(DateSpan {
        start: start.parse().ok()?,
        end: end.parse().ok()?,
        precision: Precision::parse(precision)?,
    })
}

pub(super) const UPSERT_CAMEO: &str = "
    INSERT INTO cameo_codes (code, root_code, name, quad_class, goldstein) VALUES (?1, ?2, ?3, ?4, ?5)
    ON CONFLICT (code) DO UPDATE SET root_code = excluded.root_code, name = excluded.name,
        quad_class = excluded.quad_class, goldstein = excluded.goldstein";

/// Bring the CAMEO taxonomy into the archive, so views can name codes without the binary.
pub(super) fn sync_cameo(conn: &Connection, taxonomy: &Taxonomy) -> rusqlite::Result<()> {
    let mut upsert = conn.prepare_cached(UPSERT_CAMEO)?;
    for c in &taxonomy.codes {
        upsert.execute(rusqlite::params![
            c.code,
            c.root(),
            c.name,
            c.quad_class,
            c.goldstein
        ])?;
    }
    Ok(())
}
