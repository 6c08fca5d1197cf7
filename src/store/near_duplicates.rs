//! Near-duplicate detection in the writer: each new article's LSH buckets are looked up among
//! the earlier articles', candidates are verified by their exact shingle similarity (at most
//! [`MAX_VERIFIED`] per article: the earliest and those sharing the most buckets), and the
//! article's buckets are filed for the articles after it.
//!
//! The writer does this for a few thousand articles at a time rather than one by one, with the
//! same result. `article_lsh` is keyed by bucket, a hash, so one article's sixteen lookups and
//! sixteen inserts land on sixteen random pages of a large index: each is a descent through
//! pages that are no longer in the CPU's caches. Gathered and sorted, a run's lookups and
//! inserts walk the index in key order, and consecutive ones share their pages. Articles of
//! the same run that share a bucket find each other in memory, in input order, as they would
//! have through the table.
//!
//! New buckets are filed in `article_lsh_pending` (schema V22), not in `article_lsh`: once the
//! archive holds some hundred thousand articles, the 32,000 rows of a batch of 2,000 land on
//! most of `article_lsh`'s leaf pages, and every page a transaction touches is written to the
//! WAL and back to the file at its commit. The small table takes them instead, and
//! [`PendingNearDuplicates::file_pending`] moves them into `article_lsh` in key order, one
//! pass over it for [`FILE_EVERY_ROWS`] rows, and at the end of every run. Lookups read both
//! tables, so a bucket's first and latest articles are the same as with one.

use foldhash::{HashMap, HashMapExt};
use rusqlite::Connection;

use crate::clean::minhash::{self, Shingles};
use crate::pipeline::Prepared;

/// Articles gathered before their buckets are looked up and filed: bounds the memory held
/// (each article's shingles, some kilobytes) in a one-transaction rebuild.
const MAX_PENDING: usize = 2000;

/// One bucket's first article in each of the two tables, and its latest [`BUCKET_SAMPLE`] in
/// one; each runs once per distinct bucket of a run (the latest only where the bucket has a
/// first). Most buckets are empty, so the first articles of both tables come in one statement.
/// One statement with `bucket IN (...)` and `DISTINCT` built two temporary tables at every run
/// (the list and the distinct set), which cost more than the index probes.
pub(crate) const SELECT_FIRST_CANDIDATES: &str = "
    SELECT (SELECT article_id FROM article_lsh WHERE bucket = ?1 ORDER BY article_id LIMIT 1),
           (SELECT article_id FROM article_lsh_pending WHERE bucket = ?1
            ORDER BY article_id LIMIT 1)";
pub(crate) const SELECT_LATEST_FILED: &str =
    "SELECT article_id FROM article_lsh WHERE bucket = ?1 ORDER BY article_id DESC LIMIT ?2";
pub(crate) const SELECT_LATEST_PENDING: &str = "
    SELECT article_id FROM article_lsh_pending WHERE bucket = ?1
    ORDER BY article_id DESC LIMIT ?2";
pub(crate) const INSERT_PENDING_BUCKET: &str =
    "INSERT OR IGNORE INTO article_lsh_pending (bucket, article_id) VALUES (?1, ?2)";
const COUNT_PENDING_BUCKETS: &str = "SELECT count(*) FROM article_lsh_pending";
/// One range of bucket values moved from the pending table into `article_lsh`: the pending
/// table's key order is `article_lsh`'s, so the insert walks both in order.
pub(crate) const FILE_PENDING_RANGE: &str = "
    INSERT OR IGNORE INTO article_lsh (bucket, article_id)
        SELECT bucket, article_id FROM article_lsh_pending
        WHERE bucket >= ?1 AND bucket <= ?2 ORDER BY bucket, article_id";
const CLEAR_PENDING_BUCKETS: &str = "DELETE FROM article_lsh_pending";

/// Ranges of bucket values [`FILE_PENDING_RANGE`] files one at a time. A statement that writes
/// many rows and may fail halfway (here, on a row's foreign key) keeps a journal of the original
/// of every page it changes, to undo just itself, in memory (the writer's `temp_store`); one
/// statement for all pending rows journaled every page of `article_lsh` it touched, and an
/// ingest of 40,000 articles into a 700,000-article archive peaked at 826-837 MiB, not 470.
/// Buckets are hashes, spread evenly, so each range holds and touches about a sixty-fourth.
const FILE_PENDING_RANGES: u32 = 64;
// `file_pending` splits the 64-bit bucket space into equal ranges by a shift.
const _: () = assert!(FILE_PENDING_RANGES.is_power_of_two());

/// Pending buckets moved into `article_lsh` at once, at the latest (about 32,000 articles'):
/// a batch's 32,000 new rows then touch every page of a table of this size (some 900 pages of
/// 16 KiB), and `article_lsh` is walked once per sixteen batches of 2,000 articles, not at
/// every batch. Larger saves more passes over `article_lsh` but makes each batch touch more
/// pending pages; the two balance near this size for an archive of a few hundred thousand to
/// a million articles.
pub(crate) const FILE_EVERY_ROWS: usize = 1 << 19;
const SELECT_CONTENT: &str = "
    SELECT p.text FROM article_paragraphs ap JOIN paragraphs p ON p.id = ap.paragraph_id
    WHERE ap.article_id = ?1 AND ap.role = 'content' ORDER BY ap.position";
const INSERT_NEAR_DUPLICATE: &str = "
    INSERT OR IGNORE INTO near_duplicates (article_id, duplicate_of, similarity) VALUES (?1, ?2, ?3)";

/// Candidates verified per article at most: the earliest (a re-posted story's original) and
/// those sharing the most LSH buckets. A story re-posted thousands of times shares its buckets
/// with every earlier copy; verifying each would make a flood's ingest grow with the square of
/// its copies.
pub(crate) const MAX_VERIFIED: usize = 8;

/// Articles read from each of a new article's buckets: the bucket's first and its latest this
/// many. A bucket of a flood holds every copy; reading them all made each copy's work grow with
/// the copies before it. The latest copies are the ones most alike (a live story's next update
/// edits the last), and the first is the original.
pub(crate) const BUCKET_SAMPLE: usize = 64;

/// Shingle sets of archived articles kept between verifications: a flood's original is verified
/// against every copy, and reading and shingling its text each time was most of the writer's
/// work on a flood. Cleared when full.
const CACHED_SHINGLES: usize = 1024;

/// A bucket's articles worth meeting, in id order: the first, and the latest [`BUCKET_SAMPLE`].
fn sample(ids: &[i64]) -> impl Iterator<Item = i64> + '_ {
    let latest = ids.len().saturating_sub(BUCKET_SAMPLE).max(1);
    ids.first()
        .copied()
        .into_iter()
        .chain(ids[latest.min(ids.len())..].iter().copied())
}

/// The candidates worth verifying, from the earlier articles met in `article_id`'s buckets
/// (one entry per shared bucket): the earliest, then the most often met, the latest first on
/// ties, [`MAX_VERIFIED`] in all, in id order.
fn verified(mut met: Vec<i64>, article_id: i64) -> Vec<i64> {
    met.retain(|&c| c < article_id);
    met.sort_unstable();
    let mut shared: Vec<(i64, usize)> = Vec::new();
    for id in met {
        match shared.last_mut() {
            Some((last, n)) if *last == id => *n += 1,
            _ => shared.push((id, 1)),
        }
    }
    if shared.len() <= MAX_VERIFIED {
        return shared.into_iter().map(|(id, _)| id).collect();
    }
    let earliest = shared[0].0;
    let mut rest: Vec<(i64, usize)> = shared[1..].to_vec();
    rest.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    let mut chosen: Vec<i64> = std::iter::once(earliest)
        .chain(rest.into_iter().take(MAX_VERIFIED - 1).map(|(id, _)| id))
        .collect();
    chosen.sort_unstable();
    chosen
}

/// A new article waiting for its near-duplicate check.
#[derive(Debug)]
struct Pending {
    article_id: i64,
    buckets: Vec<i64>,
    shingles: Shingles,
}

/// New articles, in input order, whose near-duplicates are not yet looked for, and the shingles
/// of archived articles verified lately.
#[derive(Debug, Default)]
pub(crate) struct PendingNearDuplicates {
    pending: Vec<Pending>,
    cached: HashMap<i64, Shingles>,
}

impl PendingNearDuplicates {
    /// Queue a stored article for the check (articles too short to shingle have no buckets
    /// and are never near-duplicates).
    pub(crate) fn add(&mut self, article_id: i64, article: &Prepared) {
        if article.buckets.len() == minhash::BANDS {
            self.pending.push(Pending {
                article_id,
                buckets: article.buckets.clone(),
                shingles: article.shingles.clone(),
            });
        }
    }

    /// Whether enough articles wait that they should be checked now.
    pub(crate) fn is_large(&self) -> bool {
        self.pending.len() >= MAX_PENDING
    }

    /// Forget the queued articles (their batch was rolled back) and the cached shingles.
    pub(crate) fn clear(&mut self) {
        self.pending.clear();
        self.cached.clear();
    }

    /// Move every pending bucket into `article_lsh`, in the open transaction: at the end of a
    /// run, and whenever [`FILE_EVERY_ROWS`] have gathered.
    pub(crate) fn file_pending(conn: &Connection) -> rusqlite::Result<()> {
        let mut file = conn.prepare_cached(FILE_PENDING_RANGE)?;
        let width = 1_u64 << (u64::BITS - FILE_PENDING_RANGES.trailing_zeros());
        for range in 0..u64::from(FILE_PENDING_RANGES) {
            // The ranges in order of signed value: from i64::MIN up, each `width` wide.
            let low = i64::MIN.wrapping_add_unsigned(range * width);
            let high = low.wrapping_add_unsigned(width - 1);
            file.execute([low, high])?;
        }
        conn.execute(CLEAR_PENDING_BUCKETS, [])?;
        Ok(())
    }

    /// Check every queued article, in order, against the archive and the articles queued before
    /// it: record in `near_duplicates` each earlier article whose shingle similarity reaches
    /// `threshold`, and file the queued articles' buckets in `article_lsh_pending` (moving them
    /// all into `article_lsh` once [`FILE_EVERY_ROWS`] wait there). Returns the pairs recorded.
    pub(crate) fn flush(&mut self, conn: &Connection, threshold: f64) -> rusqlite::Result<u64> {
        let pending = std::mem::take(&mut self.pending);
        let mut buckets: Vec<i64> = pending
            .iter()
            .flat_map(|a| a.buckets.iter().copied())
            .collect();
        buckets.sort_unstable();
        buckets.dedup();
        // Most buckets are empty: only those with articles are kept, each as its first article
        // and its latest, in id order, from both tables.
        let mut archived: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut first = conn.prepare_cached(SELECT_FIRST_CANDIDATES)?;
        let mut latest_filed = conn.prepare_cached(SELECT_LATEST_FILED)?;
        let mut latest_pending = conn.prepare_cached(SELECT_LATEST_PENDING)?;
        let sample_size = i64::try_from(BUCKET_SAMPLE).unwrap_or(i64::MAX);
        for bucket in buckets {
            let (filed, pending): (Option<i64>, Option<i64>) =
                first.query_row([bucket], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if filed.is_none() && pending.is_none() {
                continue;
            }
            let mut ids: Vec<i64> = filed.into_iter().chain(pending).collect();
            for (first, latest) in [(filed, &mut latest_filed), (pending, &mut latest_pending)] {
                if first.is_some() {
                    for id in latest.query_map([bucket, sample_size], |r| r.get(0))? {
                        ids.push(id?);
                    }
                }
            }
            ids.sort_unstable();
            ids.dedup();
            archived.insert(bucket, ids);
        }
        let queued_shingles: HashMap<i64, &Shingles> = pending
            .iter()
            .map(|a| (a.article_id, &a.shingles))
            .collect();
        let mut queued: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut found = 0;
        for article in &pending {
            let mut candidates: Vec<i64> = Vec::new();
            for bucket in &article.buckets {
                for earlier in [archived.get(bucket), queued.get(bucket)]
                    .into_iter()
                    .flatten()
                {
                    candidates.extend(sample(earlier));
                }
            }
            for candidate in verified(candidates, article.article_id) {
                let similarity = match queued_shingles.get(&candidate) {
                    Some(shingles) => minhash::jaccard(&article.shingles, shingles),
                    None => {
                        let shingles = self.archived_shingles(conn, candidate)?;
                        minhash::jaccard(&article.shingles, shingles)
                    }
                };
                if similarity >= threshold {
                    conn.prepare_cached(INSERT_NEAR_DUPLICATE)?
                        .execute(rusqlite::params![article.article_id, candidate, similarity])?;
                    found += 1;
                }
            }
            for &bucket in &article.buckets {
                queued.entry(bucket).or_default().push(article.article_id);
            }
        }
        let mut filed: Vec<(i64, i64)> = pending
            .iter()
            .flat_map(|a| a.buckets.iter().map(|&b| (b, a.article_id)))
            .collect();
        filed.sort_unstable();
        let mut insert = conn.prepare_cached(INSERT_PENDING_BUCKET)?;
        for (bucket, article_id) in filed {
            insert.execute([bucket, article_id])?;
        }
        // Counted, not tracked: another run may have filed or added rows meanwhile, and the
        // table's few hundred cached pages count in about a millisecond.
        let rows: i64 = conn
            .prepare_cached(COUNT_PENDING_BUCKETS)?
            .query_row([], |r| r.get(0))?;
        if usize::try_from(rows).is_ok_and(|rows| rows >= FILE_EVERY_ROWS) {
            Self::file_pending(conn)?;
        }
        Ok(found)
    }

    /// The shingles of an archived article's content, read once while they stay cached.
    fn archived_shingles(
        &mut self,
        conn: &Connection,
        article_id: i64,
    ) -> rusqlite::Result<&Shingles> {
        if !self.cached.contains_key(&article_id) {
            if self.cached.len() >= CACHED_SHINGLES {
                self.cached.clear();
            }
            let texts: Vec<String> = conn
                .prepare_cached(SELECT_CONTENT)?
                .query_map([article_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let shingles = minhash::shingles(texts.iter().map(String::as_str));
            self.cached.insert(article_id, shingles);
        }
        Ok(&self.cached[&article_id])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Filing walks the bucket values in ranges: every value, the extremes and the ranges'
    /// edges among them, reaches `article_lsh` once, and the pending table is left empty.
    #[test]
    fn filing_moves_every_pending_bucket_whatever_its_value() {
        let conn = Connection::open_in_memory().unwrap();
        for table in ["article_lsh", "article_lsh_pending"] {
            conn.execute_batch(&format!(
                "CREATE TABLE {table} (bucket INTEGER NOT NULL, article_id INTEGER NOT NULL,
                 PRIMARY KEY (bucket, article_id)) WITHOUT ROWID"
            ))
            .unwrap();
        }
        let edge = 1_i64 << 58;
        let values = [
            i64::MIN,
            i64::MIN + 1,
            -edge - 1,
            -edge,
            -1,
            0,
            1,
            edge - 1,
            edge,
            i64::MAX - 1,
            i64::MAX,
        ];
        for bucket in values {
            conn.execute(INSERT_PENDING_BUCKET, [bucket, 7]).unwrap();
        }
        // A row in both tables (which ingest never makes) is kept once, not an error.
        conn.execute(
            "INSERT INTO article_lsh (bucket, article_id) VALUES (0, 7)",
            [],
        )
        .unwrap();
        PendingNearDuplicates::file_pending(&conn).unwrap();
        let filed: Vec<i64> = conn
            .prepare("SELECT bucket FROM article_lsh ORDER BY bucket")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(filed, values);
        let left: i64 = conn
            .query_row(COUNT_PENDING_BUCKETS, [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }

    #[test]
    fn a_flood_verifies_the_original_and_the_closest_few() {
        // Article 100 met 1..=99 once each and 90..=92 in three buckets each.
        let mut met: Vec<i64> = (1..100).collect();
        met.extend([90, 91, 92, 90, 91, 92, 150]);
        let chosen = verified(met, 100);
        assert_eq!(chosen.len(), MAX_VERIFIED);
        assert_eq!(chosen[0], 1, "the original");
        for id in [90, 91, 92, 99] {
            assert!(chosen.contains(&id), "{chosen:?}");
        }
        assert!(!chosen.contains(&150), "only earlier articles");
        assert_eq!(verified(vec![5, 3, 5], 10), [3, 5]);
    }
}
