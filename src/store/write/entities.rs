//! Entity mentions, quotes and discovered entities, and the gazetteer's entities and aliases
//! brought into the archive.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rusqlite::{Connection, OptionalExtension};

use super::{inserted_id, int};
use crate::extract::discover::Discovered;
use crate::extract::entities::{EntityRef, Gazetteer};
use crate::pipeline::Prepared;
use crate::store::summary::Summaries;

pub(super) const INSERT_MENTION: &str = "
    INSERT INTO mention_spans (article_id, id, entity_id, paragraph_id, char_start, char_end, is_metonym)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
/// The id after the highest mention id: that of the last article's last mention, since ids rise
/// in article order (schema V12: articles are only appended, and a rebuild clears every mention
/// first), found in one descent of the table's key instead of a scan.
pub(super) const NEXT_MENTION_ID: &str = "
    SELECT coalesce((SELECT id FROM mention_spans ORDER BY article_id DESC, id DESC LIMIT 1), 0) + 1";

/// The `entities.id` of each entity an article names: the gazetteer's, which the batch knows,
/// and the article's discovered entities, stored (or found) here.
pub(super) struct EntityIds<'a> {
    gazetteer: &'a [i64],
    discovered: Vec<i64>,
}

impl EntityIds<'_> {
    /// The id of `entity`.
    pub(super) fn of(&self, entity: EntityRef) -> i64 {
        match entity {
            EntityRef::Gazetteer(i) => self.gazetteer[i],
            EntityRef::Discovered(i) => self.discovered[i],
        }
    }
}

/// Store the entities `article` discovered and return the ids of everything it names, with
/// `gazetteer` the ids of the gazetteer's entities.
pub(super) fn entity_ids<'a>(
    conn: &Connection,
    article: &Prepared,
    gazetteer: &'a [i64],
) -> rusqlite::Result<EntityIds<'a>> {
    let discovered = article
        .discovered
        .iter()
        .map(|d| upsert_discovered(conn, d))
        .collect::<rusqlite::Result<_>>()?;
    Ok(EntityIds {
        gazetteer,
        discovered,
    })
}

/// Store an article's quotes against its paragraphs' ids.
pub(super) fn insert_quotes(
    conn: &Connection,
    article_id: i64,
    paragraph_ids: &[i64],
    article: &Prepared,
    ids: &EntityIds<'_>,
    summaries: &mut Summaries,
) -> rusqlite::Result<()> {
    let mut quote = conn.prepare_cached(INSERT_QUOTE)?;
    for q in &article.quotes {
        quote.execute(rusqlite::params![
            article_id,
            paragraph_ids[q.paragraph],
            ids.of(q.speaker),
            int(q.char_start),
            int(q.char_end),
        ])?;
    }
    summaries.add_quotes(article.quotes.iter().map(|q| ids.of(q.speaker)));
    Ok(())
}

/// Store an article's entity mentions against its paragraphs' ids, and add them to the batch's
/// summaries.
pub(super) fn insert_mentions(
    conn: &Connection,
    article_id: i64,
    paragraph_ids: &[i64],
    article: &Prepared,
    ids: &EntityIds<'_>,
    summaries: &mut Summaries,
) -> rusqlite::Result<()> {
    if !article.mentions.is_empty() {
        let first_id: i64 = conn
            .prepare_cached(NEXT_MENTION_ID)?
            .query_row([], |r| r.get(0))?;
        let mut insert = conn.prepare_cached(INSERT_MENTION)?;
        for (id, m) in (first_id..).zip(&article.mentions) {
            insert.execute(rusqlite::params![
                article_id,
                id,
                ids.of(m.entity),
                paragraph_ids[m.paragraph],
                int(m.char_start),
                int(m.char_end),
                m.is_metonym,
            ])?;
        }
    }
    summaries.add_article(article, paragraph_ids, |i| {
        ids.of(article.mentions[i].entity)
    });
    Ok(())
}

pub(super) const INSERT_QUOTE: &str = "
    INSERT INTO quote_spans (article_id, paragraph_id, speaker_id, char_start, char_end)
    VALUES (?1, ?2, ?3, ?4, ?5)";
pub(super) const INSERT_DISCOVERED: &str = "
    INSERT INTO entities (name, type, country, origin) VALUES (?1, ?2, NULL, 'discovered')
    ON CONFLICT (type, name) DO NOTHING";
pub(super) const SELECT_ENTITY: &str = "SELECT id FROM entities WHERE type = ?2 AND name = ?1";
pub(super) const INSERT_DISCOVERED_ALIAS: &str = "
    INSERT OR IGNORE INTO entity_aliases (entity_id, alias, is_metonym, origin)
    VALUES (?1, ?2, 0, 'discovered')";

/// The id of a discovered entity, adding it (and its name as an alias) the first time. A name
/// the gazetteer has under the same type is the gazetteer's entity.
///
/// Looks first: most names an article discovers are archived already, and an insert, even one
/// that changes nothing, checks `entities.type` against its six values through a temporary
/// table SQLite builds at each run (see migration V9).
pub(super) fn upsert_discovered(conn: &Connection, d: &Discovered) -> rusqlite::Result<i64> {
    let params = rusqlite::params![d.name, d.kind.as_str()];
    let mut select = conn.prepare_cached(SELECT_ENTITY)?;
    if let Some(id) = select.query_row(params, |r| r.get(0)).optional()? {
        return Ok(id);
    }
    let inserted = inserted_id(conn, &mut *conn.prepare_cached(INSERT_DISCOVERED)?, params)?;
    match inserted {
        Some(id) => {
            conn.prepare_cached(INSERT_DISCOVERED_ALIAS)?
                .execute(rusqlite::params![id, d.name])?;
            Ok(id)
        }
        None => select.query_row(params, |r| r.get(0)),
    }
}

pub(super) const UPSERT_ENTITY: &str = "
    INSERT INTO entities (name, type, country, origin) VALUES (?1, ?2, ?3, 'gazetteer')
    ON CONFLICT (type, name) DO UPDATE SET country = excluded.country
    RETURNING id";
pub(super) const INSERT_ALIAS: &str = "
    INSERT OR IGNORE INTO entity_aliases (entity_id, alias, is_metonym, origin)
    VALUES (?1, ?2, ?3, 'gazetteer')";

/// Bring the gazetteer's entities and aliases into the archive and return their ids by index.
///
/// Every run does this, and an archive usually holds the gazetteer already: what is there is
/// read in two queries, and only new or changed rows are written.
pub(super) fn sync_gazetteer(
    conn: &Connection,
    gazetteer: &Gazetteer,
) -> rusqlite::Result<Vec<i64>> {
    let mut stored: HashMap<(String, String), (i64, Option<String>)> = HashMap::new();
    {
        let mut rows = conn.prepare("SELECT id, type, name, country FROM entities")?;
        let mut rows = rows.query([])?;
        while let Some(r) = rows.next()? {
            stored.insert((r.get(1)?, r.get(2)?), (r.get(0)?, r.get(3)?));
        }
    }
    let mut aliases: HashSet<(i64, String)> = HashSet::new();
    {
        let mut rows = conn.prepare("SELECT entity_id, alias FROM entity_aliases")?;
        let mut rows = rows.query([])?;
        while let Some(r) = rows.next()? {
            aliases.insert((r.get(0)?, r.get(1)?));
        }
    }
    let mut upsert = conn.prepare_cached(UPSERT_ENTITY)?;
    let mut alias = conn.prepare_cached(INSERT_ALIAS)?;
    let mut ids = Vec::with_capacity(gazetteer.entities.len());
    for e in &gazetteer.entities {
        let key = (e.kind.as_str().to_string(), e.name.clone());
        let id = match stored.get(&key) {
            Some((id, country)) if *country == e.country => *id,
            _ => upsert.query_row(rusqlite::params![e.name, e.kind.as_str(), e.country], |r| {
                r.get(0)
            })?,
        };
        for (name, metonym) in &e.aliases {
            if !aliases.contains(&(id, name.clone())) {
                alias.execute(rusqlite::params![id, name, metonym])?;
            }
        }
        ids.push(id);
    }
    Ok(ids)
}
