//! The summary tables (`entity_stats`, `entity_pairs`), kept current by the writer.
//!
//! Each is a GROUP BY over `mentions` (see migration V8), which is too slow to run per query on
//! a large archive: ranking entities over 100,000 articles reads millions of mention rows. The
//! writer instead adds each new article's share to in-memory deltas and upserts them once per
//! batch, just before it commits, in the same transaction as the articles they count. The same
//! entities and pairs recur across a batch's articles, so a batch costs one upsert per distinct
//! key rather than one per article and key.

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

    /// Whether the deltas have grown enough to be written out before the batch ends.
    pub(crate) fn is_large(&self) -> bool {
        self.entities.len() + self.pairs.len() > MAX_KEYS
    }

    /// Forget the deltas (their batch was rolled back).
    pub(crate) fn clear(&mut self) {
        self.entities.clear();
        self.pairs.clear();
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
