//! The engines behind `ingest` and `reprocess`: threads, channels and batched transactions
//! around the pure [`pipeline`](crate::pipeline) and the [`store`](crate::store) writer. The
//! commands wire them to the terminal through a [`Report`] and to Ctrl-C through a stop flag.

pub mod ingest;
pub mod reprocess;

use crate::error::Error;
use crate::store::write::Counts;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It ran to its end, with these counts.
    Finished(Counts),
    /// It was stopped: an ingest committed what it had read (these counts); a reprocess was
    /// rolled back (no counts).
    Interrupted(Counts),
}

/// What an engine tells the one who runs it, as it goes (a progress bar and stderr, for the
/// commands). Every method does nothing by default.
pub trait Report {
    /// `amount` more was stored: bytes of input for ingest, documents for reprocess.
    fn advanced(&self, _amount: u64) {}
    /// The sources read so far amount to `bytes`.
    fn reached(&self, _bytes: u64) {}
    /// An input failed; the run goes on.
    fn failed(&self, _error: &Error) {}
    /// Something the user should hear about an input that was read, e.g. a date left out.
    fn warning(&self, _warning: &str) {}
}

/// A [`Report`] that says nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Report for Silent {}
