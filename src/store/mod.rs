//! The archive: the one place that talks to SQLite.
//!
//! # Compatibility
//! [`Store::open`] refuses, before writing a single byte: a file that is not SQLite, an SQLite
//! database that is not dossier's (its `PRAGMA application_id` is another program's, or it has
//! tables but no id), and a dossier database with a migration newer than this binary embeds.
//! Then it applies the embedded migrations (refinery, grouped: all pending migrations and their
//! history rows commit together or not at all), with foreign-key enforcement off while they run
//! (`migrate` says why).
//!
//! # Pragmas
//! - `page_size = 16384` for a new archive (an existing one keeps its size; `VACUUM` outside
//!   WAL mode changes it): a stored document averages a few KiB, and at the 4 KiB default most
//!   pages held one with the rest of the page empty. Measured on 10k generated articles: the
//!   archive 6% smaller and ingest about 10% faster than at 4 KiB (8 KiB lay between).
//! - `journal_mode = WAL`: readers (`dossier query`, the `sqlite3` shell, Datasette) keep
//!   working while an ingest writes.
//! - `synchronous = NORMAL`: with WAL, a power cut can lose the last commits but never corrupt
//!   the file, and commits do not wait for an fsync each.
//! - `wal_autocheckpoint` of 16,384 pages (256 MiB) for a writer, instead of 1,000: each
//!   commit of a batch appends its changed pages to the WAL, and a checkpoint reads them back
//!   and writes them into the file. With SQLite's default a checkpoint followed every batch, so
//!   a page changed by every batch (the end of an index that grows in order, an index's upper
//!   levels) was written back every time; a larger WAL writes back only its last version. 100k
//!   generated articles, 2 interleaved pairs: pread calls 303k -> 178k, pwrite 738k -> 612k,
//!   system time 12.3/10.9 -> 11.1/9.8 s, wall 88.6/86.2 -> 85.9/79.3 s (and 2 earlier pairs
//!   before V10 also went faster, by 0.2 and 6%). The cost is disk: the WAL grows to 256 MiB
//!   and a batch while an ingest runs, and is removed when the last connection closes.
//! - `foreign_keys = ON`, `busy_timeout` of [`BUSY_TIMEOUT`]: a second writer waits its turn
//!   instead of failing with "database is locked".
//! - `cache_size` of 256 MiB for a writer, 64 MiB for a reader, 16 MiB for an ingest worker's
//!   reader, which only looks keys up ([`Store::lookups`]). The writer's hash-keyed indexes
//!   (paragraphs, documents, articles, LSH buckets, line counts) take a new key at a random
//!   place each time, so once they outgrow the cache nearly every insert reads a page back from
//!   the OS. SQLite's 2 MiB default collapsed early; 64 MiB held to about 10k articles.
//!   Measured on 100k generated articles: 64 → 256 MiB took ingest from 145 to 125 s and its
//!   system time from 27 to 14 s, and peak RSS from 166 to 375 MiB. The cache is a cap, so RSS
//!   stops growing once it is full, under the 512 MiB budget. `dossier ingest --cache-mib`
//!   trades memory for speed beyond that ([`Store::writer_cache_mib`]).
//! - `temp_store = MEMORY`: statement journals and sorts stay off the disk.
//!
//! # Transactions
//! Writers batch many articles into one transaction (`BEGIN IMMEDIATE`, so the write lock is
//! taken up front and a busy database is waited for, not failed on mid-transaction). Any error
//! rolls back the open batch, so an article is stored whole or not at all (see `write`).

pub mod checkpoint;
pub mod merge;
pub(crate) mod near_duplicates;
pub mod profile;
pub mod read;
pub(crate) mod summary;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::error::{Error, Result};

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// dossier's `PRAGMA application_id`: "DOSS" in ASCII.
pub const APPLICATION_ID: u32 = 0x444f_5353;

/// How long a connection waits for another writer before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_mins(1);

/// Page cache of a writer, in MiB, unless `dossier ingest --cache-mib` says otherwise (see the
/// module documentation).
pub const WRITER_CACHE_MIB: u32 = 256;
/// [`WRITER_CACHE_MIB`] in KiB.
pub(crate) const WRITER_CACHE_KIB: u32 = WRITER_CACHE_MIB * 1024;

/// Page cache of a reader that streams through the archive once ([`Store::stream`]), in KiB.
const STREAM_CACHE_KIB: u32 = 4096;

/// Page cache of a reader that only looks keys up ([`Store::lookups`]), in KiB.
const LOOKUP_CACHE_KIB: u32 = 16_384;

/// Prepared statements kept per connection: more than the writer's distinct statements.
const STATEMENT_CACHE: usize = 64;

/// An open archive.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The schema version the archive had before this open migrated it, if it did.
    upgraded_from: Option<i64>,
    /// Whether this open made a new archive (the file was new, or empty).
    created: bool,
    /// See [`Store::note`].
    note: Option<String>,
    /// The handle that took the migration lock; declared after `conn` so it closes after it.
    _lock: Option<std::fs::File>,
}

impl Store {
    /// Open (creating if needed) the archive at `path` for writing, check it is dossier's and not
    /// newer than this binary, and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        // Create the file ourselves first: the OS says why it cannot be ("Read-only file
        // system", "Permission denied") where SQLite only says "unable to open". Another
        // process may win the race to create it; that is fine.
        let lock = match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                // Opened for writing, so a read-only medium or file is said plainly here, not
                // as SQLite's "attempt to write a readonly database" halfway through a run.
                match std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(path)
                {
                    Ok(file) => file,
                    Err(e) if read_only(&e) => {
                        return Err(Error::ReadOnlyArchive {
                            path: path.to_path_buf(),
                            reason: e.to_string(),
                        });
                    }
                    Err(e) => return Err(Error::io(path, e)),
                }
            }
            Err(e) => return Err(Error::io(path, e)),
        };
        // Two processes opening a new archive at once must not both check and migrate it:
        // refinery reads the applied versions before its own transaction, so the loser would
        // see a half-made schema. An advisory lock (flock, which does not touch SQLite's fcntl
        // locks) serialises check-and-migrate. The handle lives as long as the connection:
        // closing a descriptor of the file would drop SQLite's POSIX locks on it.
        lock.lock().map_err(|e| Error::io(path, e))?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| db_error(path, e))?;
        let found = check_compatible(&conn, path)?;
        configure(&conn, path, true)?;
        migrate(&mut conn, path)?;
        lock.unlock().map_err(|e| Error::io(path, e))?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            upgraded_from: found.filter(|&v| v < supported_version()),
            created: found.is_none(),
            note: None,
            _lock: Some(lock),
        })
    }

    /// Open an existing archive read-only (for queries). Never creates or migrates.
    ///
    /// An archive on read-only media (a CD, a read-only mount or folder) is opened immutable:
    /// a reader of a WAL archive needs its `-shm` file, which it cannot create there. Such an
    /// archive was closed cleanly (its log checkpointed into the file) before it was copied;
    /// if a non-empty `-wal` file lies beside it, its last commits cannot be read, and
    /// [`Store::note`] says so.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Err(Error::NotFound {
                path: path.to_path_buf(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let opened = Connection::open_with_flags(path, flags)
            .and_then(|conn| check_compatible_raw(&conn).map(|found| (conn, found)));
        let mut note = None;
        let (conn, found) = match opened {
            Err(e) if cannot_share(&e) => {
                let conn = Connection::open_with_flags(
                    immutable_uri(path),
                    flags | OpenFlags::SQLITE_OPEN_URI,
                )
                .map_err(|e| db_error(path, e))?;
                let found = check_compatible(&conn, path)?;
                note = unread_log(path);
                (conn, found)
            }
            Err(e) => return Err(db_error(path, e)),
            Ok((conn, _)) => {
                let found = check_compatible(&conn, path)?;
                (conn, found)
            }
        };
        let supported = supported_version();
        if found.is_none_or(|v| v < supported) {
            return Err(Error::SchemaTooOld {
                path: path.to_path_buf(),
                found: found.unwrap_or(0),
                supported,
            });
        }
        configure(&conn, path, false)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            upgraded_from: None,
            created: false,
            note,
            _lock: None,
        })
    }

    /// Something the user should know about how the archive was opened, if anything (a log
    /// on read-only media that could not be read).
    #[must_use]
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The connection, for the writer and the query runner.
    #[must_use]
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version this open upgraded the archive from (`None` when it was new or
    /// already current).
    #[must_use]
    pub fn upgraded_from(&self) -> Option<i64> {
        self.upgraded_from
    }

    /// Whether this open made a new archive.
    #[must_use]
    pub fn created(&self) -> bool {
        self.created
    }

    /// Shrink this connection's page cache to 4 MiB, for a reader that goes through the archive
    /// once in order (`reprocess` reading every document): a cache holds pages read again, and
    /// such a reader reads none again.
    pub fn stream(&self) -> Result<()> {
        set_cache_kib(self.conn(), STREAM_CACHE_KIB).map_err(|e| self.error(e))
    }

    /// Shrink this connection's page cache to 16 MiB, for a reader that only looks keys up
    /// (an ingest worker asking whether a document or a line is archived): the upper levels of
    /// the indexes it descends, and the lines that recur, stay cached; the leaves of a hash-keyed
    /// index are read about once each, and would fill a reader's 64 MiB as the archive grows, once
    /// per worker.
    pub fn lookups(&self) -> Result<()> {
        set_cache_kib(self.conn(), LOOKUP_CACHE_KIB).map_err(|e| self.error(e))
    }

    /// Give this writer a page cache of `mib` MiB instead of [`WRITER_CACHE_MIB`]. A cache that
    /// holds the hash-keyed indexes saves reading their pages back at every new key: at a
    /// million articles they pass a gigabyte, and an ingest with 1,536 MiB took 14.3 minutes
    /// against 19.6 (see docs/performance.md). Memory grows by about the difference.
    pub fn writer_cache_mib(&self, mib: u32) -> Result<()> {
        set_cache_kib(self.conn(), mib.saturating_mul(1024)).map_err(|e| self.error(e))
    }

    /// Wrap an SQLite error with this archive's path.
    #[must_use]
    pub fn error(&self, source: rusqlite::Error) -> Error {
        db_error(&self.path, source)
    }
}

/// Set a connection's page cache to `kib` KiB.
pub(crate) fn set_cache_kib(conn: &Connection, kib: u32) -> rusqlite::Result<()> {
    conn.execute_batch(&format!("PRAGMA cache_size = -{kib}"))
}

/// The newest migration that added tables the extractors fill (V8, the summaries). An archive
/// upgraded from an older schema holds articles that no extractor of those tables has read, so
/// `ingest` suggests `reprocess`; later migrations (V9 and V11 rebuilt a table with another
/// constraint, V10 dropped an index, V12 to V14 moved mentions, quotes, event mentions and
/// documents into tables read through views of the same rows, V15 and V16 added a run status
/// and re-declared the full-text index, V17 stored every raw text again) need no such re-read.
pub const LAST_EXTRACTION_MIGRATION: i64 = 8;

/// The newest migration this binary embeds.
#[must_use]
pub fn supported_version() -> i64 {
    embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| i64::from(m.version()))
        .max()
        .unwrap_or(0)
}

/// Whether an I/O error says the file or its file system cannot be written.
fn read_only(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
    )
}

/// Whether SQLite could not open a reader beside other readers: on read-only media it cannot
/// create the `-shm` file a WAL archive's readers share.
fn cannot_share(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
    )
}

/// `file:PATH?immutable=1`, the path percent-encoded as URIs need.
fn immutable_uri(path: &Path) -> String {
    use std::fmt::Write as _;
    use std::os::unix::ffi::OsStrExt as _;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for &b in absolute.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/._~-".contains(&b) {
            uri.push(char::from(b));
        } else {
            let _ = write!(uri, "%{b:02X}");
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// A note when a non-empty write-ahead log lies beside an archive opened immutable.
fn unread_log(path: &Path) -> Option<String> {
    let mut log = path.as_os_str().to_owned();
    log.push("-wal");
    let log = PathBuf::from(log);
    let size = std::fs::metadata(&log).ok()?.len();
    (size > 0).then(|| {
        format!(
            "{}: the archive is on read-only media and its write-ahead log {} ({size} bytes) \
             cannot be read there, so its last commits are not shown; copy the archive after \
             every program that writes it has closed it",
            path.display(),
            log.display()
        )
    })
}

fn db_error(path: &Path, source: rusqlite::Error) -> Error {
    if source.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) {
        return Error::NotSqlite {
            path: path.to_path_buf(),
        };
    }
    Error::Database {
        path: path.to_path_buf(),
        source,
    }
}

/// The first read of an archive, with SQLite's own error: whether it can be read at all.
fn check_compatible_raw(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA application_id", [], |r| r.get(0))
}

/// Refuse foreign and newer databases, and return the archive's schema version (`None` for a
/// new, empty database). Reads only.
fn check_compatible(conn: &Connection, path: &Path) -> Result<Option<i64>> {
    let application_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| db_error(path, e))?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a 32-bit header field
    let application_id = application_id as u32;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(|e| db_error(path, e))?;
    if application_id != APPLICATION_ID {
        if application_id == 0 && tables == 0 {
            return Ok(None); // a new, empty database: ours to initialise
        }
        return Err(Error::NotDossier {
            path: path.to_path_buf(),
            application_id,
        });
    }
    let found: Option<i64> = conn
        .query_row(
            "SELECT max(version) FROM refinery_schema_history",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| db_error(path, e))?
        .flatten();
    let supported = supported_version();
    match found {
        Some(found) if found > supported => Err(Error::SchemaTooNew {
            path: path.to_path_buf(),
            found,
            supported,
        }),
        _ => Ok(found),
    }
}

/// Apply the pending migrations, with foreign-key enforcement off and temporary files on disk
/// while they run.
///
/// A migration that rebuilds a table (SQLite cannot change a constraint in place) drops the old
/// table, which fails while other rows still name it if enforcement is on; and enforcement can
/// only be switched outside a transaction, while refinery runs every pending migration in one.
/// So it is off for the run, and each such migration checks the foreign keys of the tables it
/// touches before it ends (see V11).
///
/// Temporary files are on disk while they run: a statement that copies a table and one that
/// drops it keep a journal of the pages they change, to undo just themselves, and in memory
/// (the writer's `temp_store`) that journal was the size of the table. Upgrading a 100k archive
/// from V11 to V14 (mentions, quotes, event mentions and documents copied) peaked at 685 MiB.
fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let set = |conn: &Connection, pragmas: &str| {
        conn.execute_batch(pragmas).map_err(|e| db_error(path, e))
    };
    set(conn, "PRAGMA foreign_keys = OFF; PRAGMA temp_store = FILE")?;
    // V17 checks every raw text against its hash, which plain SQL cannot compute.
    conn.create_scalar_function(
        "dossier_sha256",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text = ctx.get_raw(0);
            Ok(text
                .as_str_or_null()
                .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?
                .map(|t| crate::text::hashing::ContentHash::of(t.as_bytes()).hex()))
        },
    )
    .map_err(|e| db_error(path, e))?;
    let migrated = embedded::migrations::runner()
        .set_grouped(true)
        .run(conn)
        .map(drop)
        .map_err(|e| Error::Migration {
            path: path.to_path_buf(),
            source: Box::new(e),
        });
    // Back to the writer's settings (see `configure`).
    set(conn, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY")?;
    migrated
}

fn configure(conn: &Connection, path: &Path, write: bool) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| db_error(path, e))?;
    // The writer runs some thirty distinct statements per article; rusqlite's default cache of
    // 16 made it re-prepare them in turn (measured: 8% of ingest time in `prepare`).
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    let pragmas = if write {
        format!(
            "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
             PRAGMA wal_autocheckpoint = 16384; PRAGMA foreign_keys = ON;
             PRAGMA cache_size = -{WRITER_CACHE_KIB}; PRAGMA temp_store = MEMORY;"
        )
    } else {
        "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; PRAGMA query_only = ON;".to_string()
    };
    conn.execute_batch(&pragmas).map_err(|e| db_error(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_gets_schema_and_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        let store = Store::open(&path).unwrap();
        let id: i64 = store
            .conn()
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, i64::from(APPLICATION_ID));
        let page_size: i64 = store
            .conn()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        assert_eq!(page_size, 16384);
        drop(store);
        Store::open(&path).unwrap(); // reopening is fine
        Store::open_read_only(&path).unwrap();
    }

    #[test]
    fn each_kind_of_connection_gets_its_page_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        let cache_kib = |store: &Store| -> i64 {
            -store
                .conn()
                .query_row("PRAGMA cache_size", [], |r| r.get::<_, i64>(0))
                .unwrap()
        };
        let writer = Store::open(&path).unwrap();
        assert_eq!(cache_kib(&writer), i64::from(WRITER_CACHE_KIB));
        let reader = Store::open_read_only(&path).unwrap();
        assert_eq!(cache_kib(&reader), 65_536);
        reader.lookups().unwrap();
        assert_eq!(cache_kib(&reader), i64::from(LOOKUP_CACHE_KIB));
        reader.stream().unwrap();
        assert_eq!(cache_kib(&reader), i64::from(STREAM_CACHE_KIB));
        writer.writer_cache_mib(1536).unwrap();
        assert_eq!(cache_kib(&writer), 1536 * 1024);
    }

    /// Migrations run with enforcement off (see [`migrate`]); the writer gets it back on, and a
    /// document naming a missing article is refused when its transaction commits (V11).
    #[test]
    fn foreign_keys_hold_after_migrating_and_documents_are_checked_at_commit() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.sqlite")).unwrap();
        let conn = store.conn();
        let on: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(on, 1);
        let sha = "a".repeat(64);
        conn.execute_batch("BEGIN").unwrap();
        // Accepted by the statement: the article may follow in the same transaction.
        conn.execute(
            "INSERT INTO documents (sha256, raw, bytes, article_id) VALUES (?1, 'x', 1, 7)",
            [&sha],
        )
        .unwrap();
        let commit = conn.execute_batch("COMMIT").unwrap_err();
        assert!(commit.to_string().contains("FOREIGN KEY"), "{commit}");
        conn.execute_batch("ROLLBACK").unwrap();
        let documents: i64 = conn
            .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
            .unwrap();
        assert_eq!(documents, 0);
        // Articles still check their document at once.
        let err = conn
            .execute(
                "INSERT INTO articles (sha256, document_id, words) VALUES (?1, 99, 0)",
                [&sha],
            )
            .unwrap_err();
        assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
    }

    #[test]
    fn refuses_foreign_and_newer_databases() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("other.sqlite");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        assert!(matches!(Store::open(&other), Err(Error::NotDossier { .. })));

        let text = dir.path().join("text.sqlite");
        std::fs::write(
            &text,
            "hello, not a database at all, just some text ........",
        )
        .unwrap();
        let before = std::fs::read(&text).unwrap();
        assert!(matches!(Store::open(&text), Err(Error::NotSqlite { .. })));
        assert_eq!(std::fs::read(&text).unwrap(), before);

        let newer = dir.path().join("newer.sqlite");
        drop(Store::open(&newer).unwrap());
        Connection::open(&newer)
            .unwrap()
            .execute(
                "INSERT INTO refinery_schema_history (version, name, applied_on, checksum)
                 VALUES (999, 'future', '2030-01-01', '0')",
                [],
            )
            .unwrap();
        match Store::open(&newer) {
            Err(Error::SchemaTooNew {
                found: 999,
                supported,
                ..
            }) => {
                assert_eq!(supported, supported_version());
            }
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
    }
}
