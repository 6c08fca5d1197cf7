//! Reads the commands need from the archive (the named queries arrive with `dossier query`).

use std::cell::RefCell;
use std::sync::{Mutex, PoisonError};

use foldhash::HashMap;
use rusqlite::OptionalExtension;

use crate::clean::boilerplate;
use crate::error::Result;
use crate::pipeline::LineCounts;
use crate::store::Store;
use crate::text::hashing::ContentHash;

/// The article whose paragraphs were recorded from the document with this raw hash; `None`
/// when the document is not archived, or its article was recorded from another copy (then the
/// document's own line numbers are not in the archive).
fn canonical_article(store: &Store, document: &ContentHash) -> Result<Option<i64>> {
    const CANONICAL: &str = "
        SELECT a.id FROM documents d JOIN articles a ON a.id = d.article_id
        WHERE d.sha256 = ?1 AND a.document_id = d.id";
    store
        .conn()
        .prepare_cached(CANONICAL)
        .and_then(|mut s| s.query_row([document.hex()], |r| r.get(0)).optional())
        .map_err(|e| store.error(e))
}

/// Line ranges `(line_start, line_end)` of the boilerplate paragraphs of the document with this
/// raw hash. `None` when the document is not archived, or when its article's paragraphs were
/// recorded from another copy (then its own line numbers are not in the archive).
pub fn boilerplate_lines(
    store: &Store,
    document: &ContentHash,
) -> Result<Option<Vec<(usize, usize)>>> {
    const LINES: &str = "
        SELECT line_start, line_end FROM article_paragraphs
        WHERE article_id = ?1 AND role = 'boilerplate' ORDER BY position";
    let conn = store.conn();
    let Some(article) = canonical_article(store, document)? else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(LINES).map_err(|e| store.error(e))?;
    let rows = stmt
        .query_map([article], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })
        .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
        .map_err(|e| store.error(e))?;
    // Line numbers are stored from usize values, so they convert back.
    Ok(Some(
        rows.into_iter()
            .map(|(s, e)| {
                (
                    usize::try_from(s).unwrap_or(0),
                    usize::try_from(e).unwrap_or(0),
                )
            })
            .collect(),
    ))
}

/// The line counts of the writer's open batch, which it adds to `line_counts` just before the
/// batch commits (one upsert per distinct line and outlet, in key order, instead of one per
/// document and line: a site's boilerplate lines recur in most of its documents).
///
/// The writer reads the table plus these ([`WriterLineCounts`]). The prepare workers read only
/// committed counts, and adding these gives them what the writer will see, short only of the
/// articles still in flight, so far fewer articles fail the writer's
/// [`crate::pipeline::counts_agree`] check and are classified (or prepared) a second time on
/// the writer's thread. Holds at most one batch of documents' lines.
#[derive(Debug, Default)]
pub struct PendingLineCounts(Mutex<HashMap<String, HashMap<i64, u32>>>);

impl PendingLineCounts {
    /// Count one document's distinct short lines under its outlet.
    pub fn add(&self, outlet: &str, keys: &[i64]) {
        let mut pending = self.lock();
        let lines = pending.entry(outlet.to_string()).or_default();
        for &key in keys {
            *lines.entry(key).or_default() += 1;
        }
    }

    /// Forget everything (the batch was rolled back).
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many distinct lines (per outlet) are counted.
    pub(crate) fn len(&self) -> usize {
        self.lock().values().map(HashMap::len).sum()
    }

    /// Take every count, as `(line_key, outlet, documents)` in the order of `line_counts`'
    /// primary key (the key's hex digits, then the outlet).
    pub fn take(&self) -> Vec<(i64, String, u32)> {
        let pending = std::mem::take(&mut *self.lock());
        let mut counts: Vec<_> = pending
            .into_iter()
            .flat_map(|(outlet, lines)| {
                lines
                    .into_iter()
                    .map(move |(key, n)| (key, outlet.clone(), n))
            })
            .collect();
        // The hex digits of the key's 64 bits sort as the bits do, unsigned.
        counts
            .sort_unstable_by(|a, b| (a.0.cast_unsigned(), &a.1).cmp(&(b.0.cast_unsigned(), &b.1)));
        counts
    }

    fn documents_with(&self, line_key: i64, outlet: &str) -> u32 {
        self.lock()
            .get(outlet)
            .and_then(|lines| lines.get(&line_key))
            .copied()
            .unwrap_or(0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, HashMap<i64, u32>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Committed counts plus the writer's pending ones: a prepare worker's best view of the counts
/// the writer will check against.
///
/// A line found at the highest repetition level is remembered, by outlet, with the count it
/// had then, and not looked up again: counts only grow while a run writes, so its level cannot
/// change, and the level is all the classifier reads of a count. These are a site's furniture,
/// met in most of its documents. At most [`LineCountsAhead::REMEMBERED`] lines.
#[derive(Debug)]
pub struct LineCountsAhead<'s> {
    table: LineCountsTable<'s>,
    pending: &'s PendingLineCounts,
    remembered: RefCell<HashMap<String, HashMap<i64, u32>>>,
}

impl<'s> LineCountsAhead<'s> {
    /// The most lines remembered at the highest level.
    pub const REMEMBERED: usize = 65_536;

    /// Counts from `archive`'s committed table and the writer's `pending` ones.
    #[must_use]
    pub fn new(archive: &'s Store, pending: &'s PendingLineCounts) -> Self {
        Self {
            table: LineCountsTable(archive),
            pending,
            remembered: RefCell::default(),
        }
    }
}

impl LineCounts for LineCountsAhead<'_> {
    fn documents_with(&self, line_key: i64, outlet: &str) -> u32 {
        let mut remembered = self.remembered.borrow_mut();
        if let Some(&n) = remembered
            .get(outlet)
            .and_then(|lines| lines.get(&line_key))
        {
            return n;
        }
        let n = self
            .table
            .documents_with(line_key, outlet)
            .saturating_add(self.pending.documents_with(line_key, outlet));
        if boilerplate::repeat_level(n) == boilerplate::MAX_REPEAT_LEVEL
            && remembered.values().map(HashMap::len).sum::<usize>() < Self::REMEMBERED
        {
            remembered
                .entry(outlet.to_string())
                .or_default()
                .insert(line_key, n);
        }
        n
    }
}

/// The archive's `line_counts` table as the pipeline's corpus-level repetition signal, for a
/// reader (a prepare worker, `eval`).
///
/// A failed lookup counts as unseen: the signal only ever turns text into boilerplate, so
/// failing open keeps the text. The writer, whose classification is the one stored, uses
/// [`WriterLineCounts`] instead.
#[derive(Debug)]
pub struct LineCountsTable<'s>(pub &'s Store);

impl LineCounts for LineCountsTable<'_> {
    fn documents_with(&self, line_key: i64, outlet: &str) -> u32 {
        documents_with(self.0, line_key, outlet).unwrap_or(0)
    }
}

/// `line_counts` as the writer sees it: the table inside its open transaction plus the batch's
/// pending counts, keeping the first failed lookup for [`WriterLineCounts::finish`].
///
/// A lookup can fail because SQLite rolled the whole transaction back under it (it may, on a
/// full disk or an I/O error); carrying on as if the line were unseen would then write the
/// rest of the batch outside any transaction.
#[derive(Debug)]
pub struct WriterLineCounts<'s> {
    store: &'s Store,
    pending: &'s PendingLineCounts,
    error: RefCell<Option<rusqlite::Error>>,
}

impl<'s> WriterLineCounts<'s> {
    /// Counts read through the writer's connection, plus those of its open batch.
    #[must_use]
    pub fn new(store: &'s Store, pending: &'s PendingLineCounts) -> Self {
        Self {
            store,
            pending,
            error: RefCell::new(None),
        }
    }

    /// The first lookup that failed, if any.
    pub fn finish(self) -> Result<()> {
        match self.error.into_inner() {
            Some(e) => Err(self.store.error(e)),
            None => Ok(()),
        }
    }
}

impl LineCounts for WriterLineCounts<'_> {
    fn documents_with(&self, line_key: i64, outlet: &str) -> u32 {
        let stored = documents_with(self.store, line_key, outlet).unwrap_or_else(|e| {
            self.error.borrow_mut().get_or_insert(e);
            0
        });
        stored.saturating_add(self.pending.documents_with(line_key, outlet))
    }
}

fn documents_with(store: &Store, line_key: i64, outlet: &str) -> rusqlite::Result<u32> {
    let documents = store
        .conn()
        .prepare_cached("SELECT documents FROM line_counts WHERE line_key = ?1 AND outlet = ?2")?
        .query_row(rusqlite::params![line_key_hex(line_key), outlet], |r| {
            r.get::<_, i64>(0)
        })
        .optional()?;
    Ok(documents.map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)))
}

/// The stored form of a line key: 16 lowercase hex digits, the start of `paragraphs.sha256`.
#[must_use]
pub fn line_key_hex(line_key: i64) -> String {
    format!("{:016x}", u64::from_be_bytes(line_key.to_be_bytes()))
}

/// Is a document with this raw hash archived (in a committed transaction, for other
/// connections)?
pub fn document_exists(store: &Store, document: &ContentHash) -> Result<bool> {
    store
        .conn()
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM documents WHERE sha256 = ?1)")
        .and_then(|mut s| s.query_row([document.hex()], |r| r.get(0)))
        .map_err(|e| store.error(e))
}

/// One archived document with the metadata of its first sighting, for `dossier reprocess`.
#[derive(Debug)]
pub struct ArchivedDocument {
    /// `documents.id`.
    pub id: i64,
    /// The raw text (a page's decoding, when it was not UTF-8).
    pub raw: String,
    /// Text or a page.
    pub format: crate::source::DocFormat,
    /// Title, URL, outlet and date from the document's first sighting.
    pub meta: crate::source::Meta,
}

const DOCUMENTS: &str = "
    SELECT d.id, d.raw, s.title, s.url, s.outlet, s.published, s.external_id, d.format
    FROM documents d
    JOIN sightings s ON s.id = (SELECT min(id) FROM sightings WHERE document_id = d.id)
    ORDER BY d.id";

/// Every archived document in id order (the order they were first ingested), streamed to `each`.
/// An error from `each` stops the walk and is returned.
pub fn each_document(
    store: &Store,
    each: &mut dyn FnMut(ArchivedDocument) -> Result<()>,
) -> Result<()> {
    let mut stmt = store
        .conn()
        .prepare(DOCUMENTS)
        .map_err(|e| store.error(e))?;
    let mut rows = stmt.query([]).map_err(|e| store.error(e))?;
    while let Some(row) = rows.next().map_err(|e| store.error(e))? {
        let meta = crate::source::Meta {
            title: row.get(2).map_err(|e| store.error(e))?,
            url: row.get(3).map_err(|e| store.error(e))?,
            outlet: row.get(4).map_err(|e| store.error(e))?,
            published: row.get(5).map_err(|e| store.error(e))?,
            external_id: row.get(6).map_err(|e| store.error(e))?,
        };
        let id = row.get(0).map_err(|e| store.error(e))?;
        let raw = row.get(1).map_err(|e| store.error(e))?;
        let format: String = row.get(7).map_err(|e| store.error(e))?;
        let format = crate::source::DocFormat::from_name(&format);
        each(ArchivedDocument {
            id,
            raw,
            format,
            meta,
        })?;
    }
    Ok(())
}

/// How many documents the archive holds.
pub fn document_count(store: &Store) -> Result<u64> {
    store
        .conn()
        .query_row("SELECT count(*) FROM documents", [], |r| r.get::<_, i64>(0))
        .map(|n| u64::try_from(n).unwrap_or(0))
        .map_err(|e| store.error(e))
}

/// Whether some entity has `name` as its name or an alias (any case).
pub fn entity_named(store: &Store, name: &str) -> Result<bool> {
    const NAMED: &str =
        "SELECT EXISTS (SELECT 1 FROM v_entity_names WHERE name = ?1 COLLATE NOCASE)";
    store
        .conn()
        .prepare_cached(NAMED)
        .and_then(|mut s| s.query_row([name], |r| r.get(0)))
        .map_err(|e| store.error(e))
}

/// The people whose name begins or ends with the word `word` (any case): `Kishida` finds
/// `Fumio Kishida`, `Yoon` finds `Yoon Suk Yeol`. Sorted by name.
pub fn people_by_surname(store: &Store, word: &str) -> Result<Vec<String>> {
    const PEOPLE: &str = "
        SELECT DISTINCT e.name FROM v_entity_names n JOIN entities e ON e.id = n.entity_id
        WHERE e.type = 'person'
          AND (n.name LIKE ?1 || ' %' ESCAPE '\\' OR n.name LIKE '% ' || ?1 ESCAPE '\\')
        ORDER BY e.name";
    let escaped = word
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    store
        .conn()
        .prepare_cached(PEOPLE)
        .and_then(|mut s| {
            s.query_map([escaped], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(|e| store.error(e))
}

/// Every name and alias of every entity, once each.
pub fn entity_names(store: &Store) -> Result<Vec<String>> {
    const NAMES: &str = "SELECT DISTINCT name FROM v_entity_names";
    store
        .conn()
        .prepare_cached(NAMES)
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(|e| store.error(e))
}

/// The lowest and highest article id, or `None` for an archive without articles.
pub fn article_ids(store: &Store) -> Result<Option<(i64, i64)>> {
    const IDS: &str = "SELECT min(id), max(id) FROM articles";
    let (low, high): (Option<i64>, Option<i64>) = store
        .conn()
        .prepare_cached(IDS)
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))))
        .map_err(|e| store.error(e))?;
    Ok(low.zip(high))
}

/// Whether an article has this id.
pub fn article_exists(store: &Store, id: i64) -> Result<bool> {
    const EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM articles WHERE id = ?1)";
    store
        .conn()
        .prepare_cached(EXISTS)
        .and_then(|mut s| s.query_row([id], |r| r.get(0)))
        .map_err(|e| store.error(e))
}

/// The article a document's content is, if the document is archived.
pub fn article_of(store: &Store, document: &ContentHash) -> Result<Option<i64>> {
    const ARTICLE: &str = "SELECT article_id FROM documents WHERE sha256 = ?1";
    store
        .conn()
        .prepare_cached(ARTICLE)
        .and_then(|mut s| s.query_row([document.hex()], |r| r.get(0)).optional())
        .map(Option::flatten)
        .map_err(|e| store.error(e))
}

/// An article's title and content paragraphs in order, one per line: the text it keeps.
pub fn kept_text(store: &Store, article: i64) -> Result<String> {
    const KEPT: &str = "
        SELECT p.text FROM article_paragraphs ap JOIN paragraphs p ON p.id = ap.paragraph_id
        WHERE ap.article_id = ?1 AND ap.role IN ('title', 'content') ORDER BY ap.position";
    store
        .conn()
        .prepare_cached(KEPT)
        .and_then(|mut s| {
            s.query_map([article], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .map(|lines| lines.join("\n"))
        .map_err(|e| store.error(e))
}

/// `(entity id, name, surface)` of every mention in an article's paragraphs that are not
/// boilerplate.
pub fn article_entities(store: &Store, article: i64) -> Result<Vec<(i64, String, String)>> {
    const MENTIONS: &str = "
        SELECT e.id, e.name, m.surface FROM mentions m JOIN entities e ON e.id = m.entity_id
        JOIN article_paragraphs ap ON ap.article_id = m.article_id AND ap.paragraph_id = m.paragraph_id
        WHERE m.article_id = ?1 AND ap.role <> 'boilerplate'";
    store
        .conn()
        .prepare_cached(MENTIONS)
        .and_then(|mut s| {
            s.query_map([article], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(|e| store.error(e))
}

/// `(speaker name, text)` of an article's quotes, in the order SQLite gives them.
pub fn article_quotes(store: &Store, article: i64) -> Result<Vec<(Option<String>, String)>> {
    const QUOTES: &str = "
        SELECT e.name, q.text FROM quotes q LEFT JOIN entities e ON e.id = q.speaker_id
        WHERE q.article_id = ?1";
    store
        .conn()
        .prepare_cached(QUOTES)
        .and_then(|mut s| {
            s.query_map([article], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
        .map_err(|e| store.error(e))
}

/// An event one of an article's mentions names, dated as `events` dates it (across articles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionedEvent {
    /// `events.date_start`.
    pub date_start: Option<String>,
    /// `events.date_end`.
    pub date_end: Option<String>,
    /// `events.date_precision`.
    pub precision: Option<String>,
    /// `events.root_code`.
    pub root: Option<String>,
    /// `events.source_id`.
    pub source: Option<i64>,
    /// `events.target_id`.
    pub target: Option<i64>,
    /// The mention's sentence.
    pub sentence: String,
    /// `events.code`, the full CAMEO code.
    pub code: String,
    /// `event_mentions.rule`, the pattern that fired.
    pub rule: String,
}

/// The events an article's mentions name, one row per mention, in the order SQLite gives them.
pub fn article_events(store: &Store, article: i64) -> Result<Vec<MentionedEvent>> {
    const EVENTS: &str = "
        SELECT e.date_start, e.date_end, e.date_precision, e.root_code, e.source_id, e.target_id,
               em.sentence, e.code, em.rule
        FROM event_mentions em JOIN events e ON e.id = em.event_id WHERE em.article_id = ?1";
    store
        .conn()
        .prepare_cached(EVENTS)
        .and_then(|mut s| {
            s.query_map([article], |r| {
                Ok(MentionedEvent {
                    date_start: r.get(0)?,
                    date_end: r.get(1)?,
                    precision: r.get(2)?,
                    root: r.get(3)?,
                    source: r.get(4)?,
                    target: r.get(5)?,
                    sentence: r.get(6)?,
                    code: r.get(7)?,
                    rule: r.get(8)?,
                })
            })?
            .collect()
        })
        .map_err(|e| store.error(e))
}

/// An entity's name, and every name it goes by: its name, its country's, and its aliases.
pub fn entity_names_of(store: &Store, entity: i64) -> Result<Option<(String, Vec<String>)>> {
    const ENTITY: &str = "SELECT name, country FROM entities WHERE id = ?1";
    const ALIASES: &str = "SELECT alias FROM entity_aliases WHERE entity_id = ?1";
    let conn = store.conn();
    let found: Option<(String, Option<String>)> = conn
        .prepare_cached(ENTITY)
        .and_then(|mut s| {
            s.query_row([entity], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(|e| store.error(e))?;
    let Some((name, country)) = found else {
        return Ok(None);
    };
    let aliases: Vec<String> = conn
        .prepare_cached(ALIASES)
        .and_then(|mut s| s.query_map([entity], |r| r.get(0))?.collect())
        .map_err(|e| store.error(e))?;
    let names = std::iter::once(name.clone())
        .chain(country)
        .chain(aliases)
        .collect();
    Ok(Some((name, names)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::line_key;
    use crate::text::hashing::ContentHash;

    #[test]
    fn a_worker_remembers_only_lines_at_the_highest_level() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.sqlite")).unwrap();
        let set = |key: i64, documents: u32| {
            store
                .conn()
                .execute(
                    "INSERT INTO line_counts (line_key, outlet, documents) VALUES (?1, 'o', ?2)
                     ON CONFLICT (line_key, outlet) DO UPDATE SET documents = excluded.documents",
                    rusqlite::params![line_key_hex(key), documents],
                )
                .unwrap();
        };
        let (furniture, fragment) = (1, 2);
        set(furniture, 10);
        set(fragment, 3);
        let pending = PendingLineCounts::default();
        let counts = LineCountsAhead::new(&store, &pending);
        assert_eq!(boilerplate::repeat_level(10), boilerplate::MAX_REPEAT_LEVEL);
        assert_eq!(counts.documents_with(furniture, "o"), 10);
        assert_eq!(counts.documents_with(fragment, "o"), 3);
        // The table changes under it (here even downwards, which a run never sees).
        set(furniture, 1);
        set(fragment, 20);
        pending.add("o", &[fragment]);
        assert_eq!(counts.documents_with(furniture, "o"), 10, "remembered");
        assert_eq!(counts.documents_with(fragment, "o"), 21, "looked up again");
        assert_eq!(counts.documents_with(furniture, "other outlet"), 0);
    }

    #[test]
    fn line_key_hex_is_the_start_of_the_paragraph_hash() {
        for text in ["a", "Advertisement", "Example Daily, independent news"] {
            let sha = ContentHash::of(text.as_bytes());
            assert_eq!(line_key_hex(line_key(&sha)), sha.hex()[..16]);
        }
    }
}
