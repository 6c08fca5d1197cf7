//! The benchmark's baseline: a bare SQLite load of a JSON Lines corpus with dossier's pragmas.
//!
//! ```sh
//! cargo run --release --example bare-load -- corpus.jsonl baseline.sqlite
//! ```
//!
//! It does what any archive of these articles must do and nothing more: SHA-256 dedup of
//! documents and of paragraphs (non-blank lines, trimmed), the article-to-paragraph link table,
//! and an FTS5 index, in batched transactions of the same size as dossier's.
//! No normalization, classification or extraction: the ratio of dossier's time to this one is the
//! cost of dossier's own pipeline.

use std::io::BufRead;

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

const SCHEMA: &str = "
    PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
    PRAGMA cache_size = -65536;
    CREATE TABLE documents (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, raw TEXT NOT NULL);
    CREATE TABLE paragraphs (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, text TEXT NOT NULL);
    CREATE TABLE links (document_id INTEGER NOT NULL, position INTEGER NOT NULL,
        paragraph_id INTEGER NOT NULL, PRIMARY KEY (document_id, position)) WITHOUT ROWID;
    CREATE VIRTUAL TABLE paragraphs_fts USING fts5 (text, content = 'paragraphs', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2');";

/// Index a batch's new paragraphs before it commits, as dossier does.
const INDEX: &str =
    "INSERT INTO paragraphs_fts (rowid, text) SELECT id, text FROM paragraphs WHERE id > ?1";

fn max_paragraph(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(id), 0) FROM paragraphs", [], |r| {
        r.get(0)
    })
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(corpus), Some(db)) = (args.next(), args.next()) else {
        return Err("usage: bare-load CORPUS.jsonl DATABASE.sqlite".into());
    };
    let _ = std::fs::remove_file(&db);
    let conn = Connection::open(&db)?;
    conn.execute_batch(SCHEMA)?;
    let reader = std::io::BufReader::new(std::fs::File::open(&corpus)?);
    let mut pending = 0;
    conn.execute_batch("BEGIN")?;
    let mut indexed = max_paragraph(&conn)?;
    for line in reader.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(&line)?;
        let text = value["text"].as_str().ok_or("record without text")?;
        let sha = hex(&Sha256::digest(text.as_bytes()));
        let inserted: Option<i64> = conn
            .prepare_cached("INSERT INTO documents (sha256, raw) VALUES (?1, ?2) ON CONFLICT DO NOTHING RETURNING id")?
            .query_row(params![sha, text], |r| r.get(0))
            .optional()?;
        if let Some(document_id) = inserted {
            for (position, para) in text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .enumerate()
            {
                let psha = hex(&Sha256::digest(para.as_bytes()));
                let id: Option<i64> = conn
                    .prepare_cached("INSERT INTO paragraphs (sha256, text) VALUES (?1, ?2) ON CONFLICT DO NOTHING RETURNING id")?
                    .query_row(params![psha, para], |r| r.get(0))
                    .optional()?;
                let id = match id {
                    Some(id) => id,
                    None => conn
                        .prepare_cached("SELECT id FROM paragraphs WHERE sha256 = ?1")?
                        .query_row([&psha], |r| r.get(0))?,
                };
                conn.prepare_cached("INSERT INTO links VALUES (?1, ?2, ?3)")?
                    .execute(params![document_id, i64::try_from(position)?, id])?;
            }
        }
        pending += 1;
        if pending == dossier::store::write::BATCH_SIZE {
            conn.execute(INDEX, [indexed])?;
            conn.execute_batch("COMMIT; BEGIN")?;
            indexed = max_paragraph(&conn)?;
            pending = 0;
        }
    }
    conn.execute(INDEX, [indexed])?;
    conn.execute_batch("COMMIT")?;
    Ok(())
}
