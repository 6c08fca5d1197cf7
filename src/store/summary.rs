//! The summary tables (`entity_stats`, `entity_pairs`, `source_stats`, `speaker_stats`), kept
//! current by the writer.
//!
//! Each is a GROUP BY over the detail tables (see migrations V8 and V21), which is too slow to
//! run per query on a large archive: ranking entities over 100,000 articles reads millions of
//! mention rows. The writer instead adds each new article's share to in-memory deltas and
//! upserts them once per batch, just before it commits, in the same transaction as the articles
//! they count. The same keys recur across a batch's articles, so a batch costs one upsert per
//! distinct key rather than one per article and key.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rusqlite::Connection;

use crate::clean::boilerplate::Role;
use crate::pipeline::Prepared;

/// Deltas past this many keys are written out early, so a one-transaction rebuild stays flat.
const MAX_KEYS: usize = 200_000;

/// Additions to the summary tables not yet written.
#[derive(Debug, Default)]
pub(crate) struct Summaries {
    /// `entity_id` → (articles, mentions).
    entities: HashMap<i64, (i64, i64)>,
    /// `(entity_id, partner_id)` with `entity_id < partner_id` → (paragraphs, articles).
    pairs: HashMap<(i64, i64), (i64, i64)>,
    /// Outlet (`""` for none) → what its new articles add.
    sources: HashMap<String, SourceDelta>,
    /// Outlets whose row is counted again from `articles` when flushed: an archived article
    /// moved to another outlet or gained a date, which deltas cannot take back (a minimum).
    recount: HashSet<String>,
    /// `speaker_id` → (quotes, articles).
    speakers: HashMap<i64, (i64, i64)>,
}

/// What new articles add to one outlet's `source_stats` row.
#[derive(Debug, Default)]
struct SourceDelta {
    articles: i64,
    words: i64,
    content_paragraphs: i64,
    boilerplate_paragraphs: i64,
    first_published: Option<String>,
    last_published: Option<String>,
}

impl Summaries {
    /// Count one new article: its mentions in title and content paragraphs (a paragraph counts
    /// if any of its positions in the article is not boilerplate, as in `v_entity_mentions`).
    /// `paragraph_ids` are the stored ids of the article's paragraphs, by position;
    /// `entity_of` gives each mention's `entities.id`.
    pub(crate) fn add_article(
        &mut self,
        article: &Prepared,
        paragraph_ids: &[i64],
        entity_of: impl Fn(usize) -> i64,
    ) {
        let visible: HashSet<i64> = article
            .paragraphs
            .iter()
            .zip(paragraph_ids)
            .filter(|(p, _)| p.role != Role::Boilerplate)
            .map(|(_, &id)| id)
            .collect();
        let mut mentions: HashMap<i64, i64> = HashMap::new();
        let mut named: Vec<(i64, i64)> = Vec::new();
        for (i, m) in article.mentions.iter().enumerate() {
            let paragraph_id = paragraph_ids[m.paragraph];
            if visible.contains(&paragraph_id) {
                let entity_id = entity_of(i);
                *mentions.entry(entity_id).or_default() += 1;
                named.push((paragraph_id, entity_id));
            }
        }
        for (entity_id, n) in mentions {
            let entry = self.entities.entry(entity_id).or_default();
            entry.0 += 1;
            entry.1 += n;
        }
        // Each paragraph's distinct entities, in ascending id order: every pair within one
        // group is a co-occurrence, already with the smaller id first.
        named.sort_unstable();
        named.dedup();
        let mut in_article: HashSet<(i64, i64)> = HashSet::new();
        for group in named.chunk_by(|a, b| a.0 == b.0) {
            for (i, &(_, a)) in group.iter().enumerate() {
                for &(_, b) in &group[i + 1..] {
                    self.pairs.entry((a, b)).or_default().0 += 1;
                    in_article.insert((a, b));
                }
            }
        }
        for pair in in_article {
            self.pairs.entry(pair).or_default().1 += 1;
        }
    }

    /// Count one new article under its outlet, with its numbers of content and boilerplate
    /// paragraphs.
    pub(crate) fn add_source(&mut self, article: &Prepared, content: i64, boilerplate: i64) {
        let delta = self
            .sources
            .entry(article.outlet.clone().unwrap_or_default())
            .or_default();
        delta.articles += 1;
        delta.words += i64::try_from(article.words).unwrap_or(i64::MAX);
        delta.content_paragraphs += content;
        delta.boilerplate_paragraphs += boilerplate;
        if let Some(published) = &article.published {
            if delta.first_published.as_ref().is_none_or(|f| published < f) {
                delta.first_published = Some(published.clone());
            }
            if delta.last_published.as_ref().is_none_or(|l| published > l) {
                delta.last_published = Some(published.clone());
            }
        }
    }

    /// Count `outlet`'s row again from `articles` when the deltas are written.
    pub(crate) fn recount_source(&mut self, outlet: &str) {
        self.recount.insert(outlet.to_string());
    }

    /// Count one new article's quotations: the speaker of each.
    pub(crate) fn add_quotes(&mut self, speakers: impl IntoIterator<Item = i64>) {
        let mut in_article: HashMap<i64, i64> = HashMap::new();
        for speaker_id in speakers {
            *in_article.entry(speaker_id).or_default() += 1;
        }
        for (speaker_id, quotes) in in_article {
            let entry = self.speakers.entry(speaker_id).or_default();
            entry.0 += quotes;
            entry.1 += 1;
        }
    }

    /// Whether the deltas have grown enough to be written out before the batch ends.
    pub(crate) fn is_large(&self) -> bool {
        self.entities.len() + self.pairs.len() + self.sources.len() + self.speakers.len() > MAX_KEYS
    }

    /// Forget the deltas (their batch was rolled back).
    pub(crate) fn clear(&mut self) {
        self.entities.clear();
        self.pairs.clear();
        self.sources.clear();
        self.recount.clear();
        self.speakers.clear();
    }

    /// Add the deltas to the tables, in key order, and forget them.
    pub(crate) fn flush(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut entities: Vec<_> = self.entities.drain().collect();
        entities.sort_unstable();
        let mut upsert = conn.prepare_cached(UPSERT_ENTITY_STATS)?;
        for (entity_id, (articles, mentions)) in entities {
            upsert.execute([entity_id, articles, mentions])?;
        }
        let mut pairs: Vec<_> = self.pairs.drain().collect();
        pairs.sort_unstable();
        let mut upsert = conn.prepare_cached(UPSERT_ENTITY_PAIR)?;
        for ((entity_id, partner_id), (paragraphs, articles)) in pairs {
            upsert.execute([entity_id, partner_id, paragraphs, articles])?;
        }
        self.flush_sources(conn)?;
        let mut speakers: Vec<_> = self.speakers.drain().collect();
        speakers.sort_unstable();
        let mut upsert = conn.prepare_cached(UPSERT_SPEAKER_STATS)?;
        for (speaker_id, (quotes, articles)) in speakers {
            upsert.execute([speaker_id, quotes, articles])?;
        }
        Ok(())
    }

    /// Add the outlets' deltas, then count the outlets marked for it again from `articles`,
    /// which by now holds every article the deltas were made of.
    fn flush_sources(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut sources: Vec<_> = self
            .sources
            .drain()
            .filter(|(outlet, _)| !self.recount.contains(outlet))
            .collect();
        sources.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut upsert = conn.prepare_cached(UPSERT_SOURCE_STATS)?;
        for (outlet, d) in sources {
            upsert.execute(rusqlite::params![
                outlet,
                d.articles,
                d.words,
                d.content_paragraphs,
                d.boilerplate_paragraphs,
                d.first_published,
                d.last_published,
            ])?;
        }
        let mut recount: Vec<_> = self.recount.drain().collect();
        recount.sort_unstable();
        for outlet in recount {
            conn.prepare_cached(DELETE_SOURCE_STATS)?
                .execute([&outlet])?;
            conn.prepare_cached(RECOUNT_SOURCE_STATS)?
                .execute([&outlet])?;
        }
        Ok(())
    }
}

const UPSERT_ENTITY_STATS: &str = "
    INSERT INTO entity_stats (entity_id, articles, mentions) VALUES (?1, ?2, ?3)
    ON CONFLICT (entity_id) DO UPDATE SET
        articles = articles + excluded.articles,
        mentions = mentions + excluded.mentions";
const UPSERT_ENTITY_PAIR: &str = "
    INSERT INTO entity_pairs (entity_id, partner_id, paragraphs, articles) VALUES (?1, ?2, ?3, ?4)
    ON CONFLICT (entity_id, partner_id) DO UPDATE SET
        paragraphs = paragraphs + excluded.paragraphs,
        articles = articles + excluded.articles";
/// Both dates: the earlier (or later) of the two, or the one that is not NULL.
const UPSERT_SOURCE_STATS: &str = "
    INSERT INTO source_stats (outlet, articles, words, content_paragraphs, boilerplate_paragraphs,
                              first_published, last_published)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
    ON CONFLICT (outlet) DO UPDATE SET
        articles = articles + excluded.articles,
        words = words + excluded.words,
        content_paragraphs = content_paragraphs + excluded.content_paragraphs,
        boilerplate_paragraphs = boilerplate_paragraphs + excluded.boilerplate_paragraphs,
        first_published = coalesce(min(first_published, excluded.first_published),
                                   first_published, excluded.first_published),
        last_published = coalesce(max(last_published, excluded.last_published),
                                  last_published, excluded.last_published)";
const DELETE_SOURCE_STATS: &str = "DELETE FROM source_stats WHERE outlet = ?1";
/// One outlet's row as V21 defines it, read through the index `articles_sources`; none if the
/// outlet has no articles left.
const RECOUNT_SOURCE_STATS: &str = "
    INSERT INTO source_stats (outlet, articles, words, content_paragraphs, boilerplate_paragraphs,
                              first_published, last_published)
    SELECT coalesce(outlet, ''), count(*), coalesce(sum(words), 0),
           coalesce(sum(content_paragraphs), 0), coalesce(sum(boilerplate_paragraphs), 0),
           min(published), max(published)
    FROM articles
    WHERE coalesce(outlet, '') = ?1
    GROUP BY coalesce(outlet, '')";
const UPSERT_SPEAKER_STATS: &str = "
    INSERT INTO speaker_stats (speaker_id, quotes, articles) VALUES (?1, ?2, ?3)
    ON CONFLICT (speaker_id) DO UPDATE SET
        quotes = quotes + excluded.quotes,
        articles = articles + excluded.articles";
