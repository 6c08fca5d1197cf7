//! Documents, sightings, articles, paragraphs and their links: the rows every new article
//! writes first, deduplicated by their hashes.

use foldhash::{HashMap, HashSet, HashSetExt};
use rusqlite::{Connection, OptionalExtension, named_params};

use super::entities::{entity_ids, insert_mentions, insert_quotes};
use super::events::insert_events;
use super::{ArticleContext, Outcome, inserted_id, int};
use crate::clean::boilerplate::Role;
use crate::pipeline::Prepared;
use crate::source::RawInput;
use crate::store::summary::Summaries;
use crate::text::hashing::ContentHash;

/// A new document names its article at once: the foreign key is checked at commit (V11), by
/// when the article it names has been written too. Its raw text is stored as given (V17), and a
/// page not in UTF-8 keeps its bytes as given beside their decoding (V18).
pub(super) const INSERT_DOCUMENT: &str = "
    INSERT INTO documents (sha256, raw, bytes, article_id, format, encoding, raw_bytes)
    VALUES (:sha256, :raw, :bytes, :article_id, :format, :encoding, :raw_bytes)";
/// An article's id is chosen before it is written (see [`article_for`]).
pub(super) const INSERT_ARTICLE: &str = "
    INSERT INTO articles (id, sha256, document_id, title, url, outlet, published, published_source,
                          words, content_paragraphs, boilerplate_paragraphs, byline, metadata_sources)
    VALUES (:id, :sha256, :document_id, :title, :url, :outlet, :published, :published_source,
            :words, :content_paragraphs, :boilerplate_paragraphs, :byline, :metadata_sources)";
pub(super) const SELECT_ARTICLE: &str = "SELECT id FROM articles WHERE sha256 = ?1";
/// The id SQLite would give the next article: one past the largest (a lookup at the end of the
/// table's b-tree), so ids stay what they were when SQLite chose them.
pub(super) const NEXT_ARTICLE_ID: &str = "SELECT coalesce(max(id), 0) + 1 FROM articles";
/// A later copy of an article fills in metadata the first copy lacked; it never overwrites.
pub(super) const FILL_ARTICLE: &str = "
    UPDATE articles SET
        title = coalesce(title, :title),
        url = coalesce(url, :url),
        outlet = coalesce(outlet, :outlet),
        published_source = CASE WHEN published IS NULL THEN :published_source ELSE published_source END,
        published = coalesce(published, :published),
        byline = coalesce(byline, :byline)
    WHERE id = :id";
pub(super) const LINK_DOCUMENT: &str =
    "UPDATE documents SET article_id = :article_id WHERE id = :id";
pub(super) const INSERT_PARAGRAPH: &str = "
    INSERT INTO paragraphs (sha256, text, words) VALUES (?1, ?2, ?3)
    ON CONFLICT (sha256) DO NOTHING";
/// A stored paragraph's id, read from the hash's index alone (the index holds the row id, so
/// the table's row is not visited).
pub(super) const SELECT_PARAGRAPH: &str = "SELECT id FROM paragraphs WHERE sha256 = ?1";
/// Positional parameters here and in [`INSERT_PARAGRAPH`], which run once per paragraph: a
/// named one is looked up by name, among the statement's names, at every bind.
pub(super) const INSERT_ARTICLE_PARAGRAPH: &str = "
    INSERT INTO article_paragraphs (article_id, position, paragraph_id, role, rule, line_start, line_end)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
pub(super) const INSERT_SIGHTING: &str = "
    INSERT INTO sightings (document_id, import_id, path, line, external_id, url, outlet, title, published, seen_at)
    VALUES (:document_id, :import_id, :path, :line, :external_id, :url, :outlet, :title, :published,
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";

pub(super) fn write_article(
    conn: &Connection,
    import_id: i64,
    ctx: &mut ArticleContext<'_>,
    input: &RawInput,
    document_sha: &ContentHash,
    known_document: Option<i64>,
    prepared: Option<&Prepared>,
) -> rusqlite::Result<Outcome> {
    let (document_id, outcome) = match (known_document, prepared) {
        (Some(id), _) => (id, Outcome::SeenDocument),
        (None, Some(article)) => {
            let target = article_for(conn, article)?;
            conn.prepare_cached(INSERT_DOCUMENT)?
                .execute(named_params! {
                    ":sha256": document_sha.hex(), ":raw": input.raw,
                    ":bytes": int(input.given_bytes().len()), ":article_id": target.id(),
                    ":format": input.format.as_str(), ":encoding": input.encoding,
                    ":raw_bytes": input.bytes,
                })?;
            let document_id = conn.last_insert_rowid();
            let outcome = store_article(conn, target, document_id, article, ctx)?;
            (document_id, outcome)
        }
        (None, None) => return Err(rusqlite::Error::InvalidQuery),
    };
    let meta = &input.meta;
    conn.prepare_cached(INSERT_SIGHTING)?.execute(named_params! {
        ":document_id": document_id, ":import_id": import_id,
        ":path": input.path.to_string_lossy(), ":line": input.line.and_then(|l| i64::try_from(l).ok()),
        ":external_id": meta.external_id, ":url": meta.url, ":outlet": meta.outlet,
        ":title": meta.title, ":published": meta.published,
    })?;
    Ok(outcome)
}

/// The article a new document's content is.
#[derive(Debug, Clone, Copy)]
pub(super) enum ArticleFor {
    /// Archived already, with this id.
    Archived(i64),
    /// Not archived yet: it will have this id, the one SQLite would give it.
    New(i64),
}

impl ArticleFor {
    pub(super) fn id(self) -> i64 {
        match self {
            Self::Archived(id) | Self::New(id) => id,
        }
    }
}

/// Look up the article with `article`'s content, or choose the id of a new one.
pub(super) fn article_for(conn: &Connection, article: &Prepared) -> rusqlite::Result<ArticleFor> {
    let archived = conn
        .prepare_cached(SELECT_ARTICLE)?
        .query_row([article.sha256.hex()], |r| r.get(0))
        .optional()?;
    match archived {
        Some(id) => Ok(ArticleFor::Archived(id)),
        None => conn
            .prepare_cached(NEXT_ARTICLE_ID)?
            .query_row([], |r| r.get(0))
            .map(ArticleFor::New),
    }
}

/// Record `article` as document `document_id`'s content: an archived article gets the metadata
/// its first copy lacked (never overwritten); a new one is written under its chosen id, with its
/// paragraphs, mentions, quotes and events.
pub(super) fn store_article(
    conn: &Connection,
    target: ArticleFor,
    document_id: i64,
    article: &Prepared,
    ctx: &mut ArticleContext<'_>,
) -> rusqlite::Result<Outcome> {
    let id = match target {
        ArticleFor::Archived(id) => {
            if article.outlet.is_some() || article.published.is_some() {
                recount_if_filled(conn, id, article, ctx.summaries)?;
            }
            conn.prepare_cached(FILL_ARTICLE)?.execute(named_params! {
                ":id": id, ":title": article.title, ":url": article.url, ":outlet": article.outlet,
                ":published": article.published, ":published_source": article.published_source,
                ":byline": article.byline,
            })?;
            return Ok(Outcome::NewDocument);
        }
        ArticleFor::New(id) => id,
    };
    let with_role = |role| int(article.paragraphs.iter().filter(|p| p.role == role).count());
    let (content, boilerplate) = (with_role(Role::Content), with_role(Role::Boilerplate));
    conn.prepare_cached(INSERT_ARTICLE)?
        .execute(named_params! {
            ":id": id, ":sha256": article.sha256.hex(), ":document_id": document_id,
            ":title": article.title, ":url": article.url, ":outlet": article.outlet,
            ":published": article.published, ":published_source": article.published_source,
            ":byline": article.byline, ":metadata_sources": metadata_sources(article),
            ":words": int(article.words),
            ":content_paragraphs": content,
            ":boilerplate_paragraphs": boilerplate,
        })?;
    ctx.summaries.add_source(article, content, boilerplate);
    let (paragraphs_new, paragraph_ids) =
        insert_paragraphs(conn, id, article, ctx.known_paragraphs, ctx.reuse)?;
    let ids = entity_ids(conn, article, ctx.entity_ids)?;
    insert_quotes(conn, id, &paragraph_ids, article, &ids, ctx.summaries)?;
    insert_events(conn, id, &paragraph_ids, article, ctx.taxonomy, &|e| {
        ids.of(e)
    })?;
    insert_mentions(conn, id, &paragraph_ids, article, &ids, ctx.summaries)?;
    ctx.near_duplicates.add(id, article);
    Ok(Outcome::NewArticle { paragraphs_new })
}

const SELECT_OUTLET_AND_DATE: &str = "SELECT outlet, published FROM articles WHERE id = ?1";

/// Before [`FILL_ARTICLE`]: if the copy gives archived article `id` the outlet or date it
/// lacked, its outlet's summary row (and the new outlet's) is counted again.
fn recount_if_filled(
    conn: &Connection,
    id: i64,
    article: &Prepared,
    summaries: &mut Summaries,
) -> rusqlite::Result<()> {
    let (outlet, published): (Option<String>, Option<String>) = conn
        .prepare_cached(SELECT_OUTLET_AND_DATE)?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let gains_outlet = outlet.is_none() && article.outlet.is_some();
    let gains_date = published.is_none() && article.published.is_some();
    if gains_outlet || gains_date {
        summaries.recount_source(outlet.as_deref().unwrap_or(""));
        summaries.recount_source(
            outlet
                .or_else(|| article.outlet.clone())
                .as_deref()
                .unwrap_or(""),
        );
    }
    Ok(())
}

/// `articles.metadata_sources`: a JSON object of where each field came from, or NULL.
fn metadata_sources(article: &Prepared) -> Option<String> {
    (!article.sources.is_empty()).then(|| {
        let map: serde_json::Map<String, serde_json::Value> = article
            .sources
            .iter()
            .map(|(field, from)| ((*field).to_string(), (*from).into()))
            .collect();
        serde_json::Value::Object(map).to_string()
    })
}

/// Paragraph ids by hash, for the paragraphs a run met most recently: two generations of at
/// most [`KnownParagraphs::GENERATION`] each. A paragraph met again moves to the current
/// generation; when that is full it becomes the previous one, and the previous one is dropped.
/// On the 100k benchmark corpus, 80 paragraphs (a few lines of each site's furniture) make 42%
/// of all article paragraphs, and another 5,000 a quarter more. Ids never change while a run
/// writes (paragraphs are only ever added), except that a rolled-back batch takes its new
/// paragraphs with it: then this is cleared.
#[derive(Debug, Default)]
pub(super) struct KnownParagraphs {
    current: HashMap<ContentHash, i64>,
    previous: HashMap<ContentHash, i64>,
}

impl KnownParagraphs {
    const GENERATION: usize = 16_384;

    pub(super) fn get(&mut self, sha256: &ContentHash) -> Option<i64> {
        if let Some(&known) = self.current.get(sha256) {
            return Some(known);
        }
        let known = self.previous.remove(sha256)?;
        self.insert(*sha256, known);
        Some(known)
    }

    pub(super) fn insert(&mut self, sha256: ContentHash, known: i64) {
        if self.current.len() >= Self::GENERATION {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(sha256, known);
    }

    pub(super) fn clear(&mut self) {
        self.current.clear();
        self.previous.clear();
    }
}

/// Store an article's paragraphs (those the archive lacks) and their links: the number of new
/// paragraphs, and every paragraph's id.
pub(super) fn insert_paragraphs(
    conn: &Connection,
    article_id: i64,
    article: &Prepared,
    known: &mut KnownParagraphs,
    reuse: &mut PendingReuse,
) -> rusqlite::Result<(u64, Vec<i64>)> {
    let mut new = 0;
    let mut ids = Vec::with_capacity(article.paragraphs.len());
    let mut insert = conn.prepare_cached(INSERT_PARAGRAPH)?;
    let mut select = conn.prepare_cached(SELECT_PARAGRAPH)?;
    let mut link = conn.prepare_cached(INSERT_ARTICLE_PARAGRAPH)?;
    // Paragraphs this article stored first, and content paragraphs stored by earlier articles.
    let mut fresh = HashSet::new();
    let mut seen_before = std::collections::BTreeSet::new();
    for (position, p) in article.paragraphs.iter().enumerate() {
        // Most paragraphs of a large archive are stored already (re-posts, syndication,
        // boilerplate), so look first: one index probe instead of a failed insert and a probe.
        let stored_paragraph = |r: &rusqlite::Row<'_>| r.get::<_, i64>(0);
        let (paragraph, inserted) = match known.get(&p.sha256) {
            Some(paragraph) => (paragraph, false),
            None => {
                let sha = p.sha256.hex();
                let stored = select.query_row([&sha], stored_paragraph).optional()?;
                let found = match stored {
                    Some(paragraph) => (paragraph, false),
                    None => match inserted_id(
                        conn,
                        &mut insert,
                        rusqlite::params![sha, p.text, int(p.words)],
                    )? {
                        Some(id) => (id, true),
                        None => (select.query_row([&sha], stored_paragraph)?, false),
                    },
                };
                known.insert(p.sha256, found.0);
                found
            }
        };
        let paragraph_id = paragraph;
        if inserted {
            new += 1;
        }
        link.execute(rusqlite::params![
            article_id,
            int(position),
            paragraph_id,
            p.role.as_str(),
            p.rule,
            int(p.line_start),
            int(p.line_end),
        ])?;
        if inserted {
            fresh.insert(paragraph_id);
        } else if p.role == Role::Content && !fresh.contains(&paragraph_id) {
            seen_before.insert(paragraph_id);
        }
        ids.push(paragraph_id);
    }
    for paragraph_id in seen_before {
        reuse.add(paragraph_id);
    }
    Ok((new, ids))
}

pub(super) const ADD_REUSE: &str =
    "UPDATE paragraph_reuse SET articles = articles + ?2 WHERE paragraph_id = ?1";
/// The articles that have the paragraph as content, if two or more. Counted by grouping on
/// `article_id`, which `article_paragraphs_paragraph_id` returns in order (a `DISTINCT`
/// aggregate would build a temporary table at every run).
pub(super) const INSERT_REUSE: &str = "
    INSERT INTO paragraph_reuse (paragraph_id, articles)
    SELECT ?1, count(*) FROM (SELECT article_id FROM article_paragraphs
                              WHERE paragraph_id = ?1 AND role = 'content' GROUP BY article_id)
    HAVING count(*) > 1";

/// Additions to `paragraph_reuse` not yet written: for each paragraph, the open batch's
/// articles that have it as content but did not store it first. Written in paragraph order
/// before the batch commits, one statement per paragraph rather than per article and
/// paragraph.
#[derive(Debug, Default)]
pub(super) struct PendingReuse(HashMap<i64, i64>);

impl PendingReuse {
    /// Paragraphs counted before they are written (a `reprocess` is one batch).
    const MAX: usize = 65_536;

    pub(super) fn add(&mut self, paragraph_id: i64) {
        *self.0.entry(paragraph_id).or_default() += 1;
    }

    pub(super) fn is_large(&self) -> bool {
        self.0.len() > Self::MAX
    }

    pub(super) fn clear(&mut self) {
        self.0.clear();
    }

    /// A listed paragraph gains the counted articles; one not listed yet is listed if two or
    /// more articles now have it as content, with their number. Either way the row ends as
    /// `paragraph_reuse` defines it, as if the articles had been counted one by one.
    pub(super) fn flush(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut added: Vec<(i64, i64)> = self.0.drain().collect();
        added.sort_unstable();
        let mut update = conn.prepare_cached(ADD_REUSE)?;
        for (paragraph_id, articles) in added {
            if update.execute([paragraph_id, articles])? == 0 {
                conn.prepare_cached(INSERT_REUSE)?.execute([paragraph_id])?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::hashing::ContentHash;

    #[test]
    fn known_paragraphs_keep_the_ones_met_again_and_stay_bounded() {
        let sha = |n: usize| ContentHash::of(n.to_string().as_bytes());
        let paragraph = |n: usize| i64::try_from(n).unwrap();
        let mut known = KnownParagraphs::default();
        let hot = sha(usize::MAX);
        known.insert(hot, paragraph(7));
        for n in 0..5 * KnownParagraphs::GENERATION {
            known.insert(sha(n), paragraph(n));
            if n % 1000 == 0 {
                let kept = known.get(&hot);
                assert_eq!(kept, Some(paragraph(7)), "met every 1,000 paragraphs, kept");
            }
        }
        assert_eq!(known.get(&sha(0)), None, "met once, long ago: dropped");
        let last = 5 * KnownParagraphs::GENERATION - 1;
        assert_eq!(known.get(&sha(last)), Some(paragraph(last)));
        assert!(known.current.len() + known.previous.len() <= 2 * KnownParagraphs::GENERATION);
        known.clear();
        assert_eq!(known.get(&hot), None);
    }
}
