//! WAL checkpoints on a thread of their own, so the writer does not stop to make them.
//!
//! In WAL mode every commit appends the pages it changed to the `-wal` file, and a checkpoint
//! copies them back into the database file and syncs both. SQLite's automatic checkpoint runs
//! inside the commit that pushes the WAL past `wal_autocheckpoint`, on the writer's thread,
//! and the writer is the one stage of an ingest that cannot run in parallel: on 300,000 articles
//! the checkpoints were 13% of its time on a core, besides its waits for the syncs.
//!
//! A [`Checkpointer`] is told of each commit and runs a PASSIVE checkpoint on its own
//! connection, which copies what is committed without blocking the writer. SQLite starts the WAL
//! over only at a write transaction that finds it wholly copied, which a checkpoint racing the
//! writer seldom leaves; so the writer keeps its automatic checkpoint as a backstop, at a higher
//! mark ([`BACKSTOP_PAGES`]): when it fires, the background has copied all but the last
//! commits, and the next transaction starts the WAL over.

use std::path::Path;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

/// The writer's own automatic checkpoint mark while a [`Checkpointer`] runs, in pages (1 GiB
/// of 16 KiB pages): the most the WAL holds between two restarts.
pub const BACKSTOP_PAGES: u32 = 65_536;

/// A thread that checkpoints the archive's WAL after each commit it is told of.
#[derive(Debug)]
pub struct Checkpointer {
    commits: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Start checkpointing the archive at `path` (already in WAL mode). Best effort: if the
    /// thread cannot open its connection, it ends, and the writer's automatic checkpoint does
    /// the work as before.
    #[must_use]
    pub fn start(path: &Path) -> Self {
        // One commit waiting is enough: a checkpoint copies everything committed before it.
        let (commits, told) = sync_channel::<()>(1);
        let path = path.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || {
                let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                let Ok(conn) = Connection::open_with_flags(&path, flags) else {
                    return;
                };
                if conn.execute_batch("PRAGMA synchronous = NORMAL").is_err() {
                    return;
                }
                while told.recv().is_ok() {
                    // A checkpoint that fails (the archive busy with another checkpoint) leaves
                    // the pages in the WAL for the next one or the writer's backstop.
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            })
            .ok();
        Self {
            commits: thread.is_some().then_some(commits),
            thread,
        }
    }

    /// A transaction has committed: checkpoint when the thread is free.
    pub fn committed(&self) {
        if let Some(commits) = &self.commits {
            // Full: a checkpoint is already due, and will copy this commit too. Disconnected:
            // the thread could not open the archive; the writer's backstop checkpoints.
            let _ = commits.try_send(());
        }
    }
}

impl Drop for Checkpointer {
    /// Finish the checkpoint under way, if any, and end the thread.
    fn drop(&mut self) {
        self.commits = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Committed pages reach the database file with the writer's automatic checkpoint off.
    #[test]
    fn commits_are_copied_into_the_database_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        let writer = Connection::open(&path).unwrap();
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
                 CREATE TABLE t (x BLOB);",
            )
            .unwrap();
        let file_size = || std::fs::metadata(&path).unwrap().len();
        let before = file_size();
        let checkpointer = Checkpointer::start(&path);
        for _ in 0..4 {
            writer
                .execute("INSERT INTO t VALUES (zeroblob(1000000))", [])
                .unwrap();
            checkpointer.committed();
        }
        // Ending the thread lets it finish: a commit told while a checkpoint ran waits in the
        // channel, or another told before it does, and its checkpoint comes after the commit.
        drop(checkpointer);
        assert!(
            file_size() >= before + 4_000_000,
            "the database file holds the four megabytes: {} bytes",
            file_size()
        );
    }
}
