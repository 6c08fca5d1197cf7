//! The ingest engine: read inputs, prepare them in parallel, store them in input order.
//!
//! Three stages, so every core works:
//! - the reader reads the inputs in order and numbers them;
//! - prepare workers (one per core) hash each input and run [`pipeline::prepare`] unless the
//!   document is already archived (each asks its own read-only connection, so re-ingesting a
//!   corpus costs little more than hashing it) or an earlier input of this run has the same
//!   bytes (`Claims`: the copy of a story that a feed lists twice is prepared once);
//! - the writer (the calling thread) puts the results back in input order and stores each in
//!   batched transactions: a sighting for a known document, else document, article,
//!   paragraphs and sighting. Input order is kept, so ids and "the earlier article" mean what
//!   they would sequentially.
//!
//! A budget of inputs and bytes in flight (`InFlight`) keeps memory flat whatever the inputs'
//! number and size, while letting the workers run well ahead of the writer when it stops to end
//! a batch. Bad inputs are handed to the [`Report`] as they happen, counted and skipped. When
//! `stop` is set (Ctrl-C), the reader stops and what was read is stored and committed.
//!
//! With [`ThreadTimes`], each stage thread's time on a core and time waiting for one (Linux's
//! `/proc/thread-self/schedstat`) is recorded, which shows how well the stages share the cores:
//! a thread that waits long for a core while it is the one the others wait on is what holds
//! the run back.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::{Ended, Report};
use crate::error::{Error, Result};
use crate::extract::Resources;
use crate::pipeline::{self, Prepared};
use crate::source::{self, RawInput, Source};
use crate::store::Store;
use crate::store::read::{self, PendingLineCounts};
use crate::store::write::{self, Batch};
use crate::text::hashing::ContentHash;

/// How to ingest.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Jaccard similarity from which two articles are recorded as near-duplicates.
    pub near_duplicate_threshold: f64,
    /// Inputs per transaction.
    pub batch_size: usize,
    /// The writer's page cache, in MiB.
    pub cache_mib: u32,
}

/// Input bytes that may be in flight at once, read and not yet stored: what keeps memory flat
/// whatever the inputs' sizes, and what lets the workers run ahead of the writer.
///
/// The writer takes no items while it ends a batch (the batch's full-text indexing,
/// near-duplicate lookups and commit: a quarter to half a second every 2,000 long articles).
/// With room for only 64 items the workers filled the queue in a fraction of that and then
/// waited, so a core idled at every batch end: 42 core-seconds of a 100k `long` ingest of 116 s.
/// With this budget it was 18 to 23 core-seconds in four runs, and 11 once the queues no longer
/// woke a thread under a lock ([`Handoff`]; see docs/performance.md).
/// A budget in bytes gives the workers that room whatever the articles' size: about 650 long
/// articles, or one input of up to the 16 MiB cap, which then travels alone. A prepared article
/// takes about four times its input's size, so the budget holds some 16 MiB of memory.
const IN_FLIGHT_BYTES: usize = 4 << 20;

/// Inputs that may be in flight at once whatever their size, so that many tiny inputs (a feed
/// of headlines) stay within bounds too.
const IN_FLIGHT_INPUTS: usize = 1024;

/// Lock `mutex`, also after a thread panicked holding it: every state guarded in this module is
/// whole between operations, and a stage that panics must still let the others finish.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Wait on `condvar` with `guard`, as [`lock`] does after a panic.
fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar.wait(guard).unwrap_or_else(PoisonError::into_inner)
}

/// The inputs in flight between the reader, which reserves each one (and its size) before
/// handing it on, and the writer, which releases it once the input is stored. Inputs are
/// reserved in input order and the writer stores them in that order, so the input the writer
/// waits for is always reserved, or is the reader's next and then fits: the stages cannot wait
/// on each other in a circle.
#[derive(Default)]
struct InFlight {
    state: Mutex<Flight>,
    freed: Condvar,
}

#[derive(Default)]
struct Flight {
    inputs: usize,
    bytes: usize,
    /// The writer has stopped: nothing will be released any more.
    closed: bool,
}

impl InFlight {
    /// Wait until one more input of `bytes` fits within [`IN_FLIGHT_INPUTS`] and
    /// [`IN_FLIGHT_BYTES`], or nothing is in flight (an input larger than the budget goes
    /// alone), and reserve it. False once the writer has stopped.
    fn reserve(&self, bytes: usize) -> bool {
        let mut flight = lock(&self.state);
        while !flight.closed
            && flight.inputs > 0
            && (flight.inputs >= IN_FLIGHT_INPUTS || flight.bytes + bytes > IN_FLIGHT_BYTES)
        {
            flight = wait(&self.freed, flight);
        }
        flight.inputs += 1;
        flight.bytes += bytes;
        !flight.closed
    }

    /// An input of `bytes` is stored (or dropped).
    fn release(&self, bytes: usize) {
        let mut flight = lock(&self.state);
        flight.inputs = flight.inputs.saturating_sub(1);
        flight.bytes = flight.bytes.saturating_sub(bytes);
        drop(flight);
        self.freed.notify_all();
    }

    /// The writer has stopped, for whatever reason: wake the reader so that it stops too.
    fn close(&self) {
        lock(&self.state).closed = true;
        self.freed.notify_all();
    }
}

/// The inputs read, in input order, for the workers to take. Not a channel, for the reason
/// [`Handoff`] gives: a worker holding a channel's lock must not be the one the writer's
/// wake-up takes the core from. The lock is held only to push or take one job, and a worker
/// that finds none waits without it. [`InFlight`] bounds what the queue holds.
#[derive(Default)]
struct Jobs {
    state: Mutex<Queued>,
    added: Condvar,
}

#[derive(Default)]
struct Queued {
    jobs: VecDeque<(u64, Job)>,
    /// Workers waiting for a job.
    waiting: usize,
    /// The reader has stopped: no more jobs will come.
    reader_gone: bool,
}

impl Jobs {
    /// Queue a job, waking a waiting worker.
    fn push(&self, seq: u64, job: Job) {
        let mut queued = lock(&self.state);
        queued.jobs.push_back((seq, job));
        let wake = queued.waiting > 0;
        drop(queued);
        if wake {
            self.added.notify_one();
        }
    }

    /// The next job, waiting for one; `None` once the reader has stopped and none is left.
    fn take(&self) -> Option<(u64, Job)> {
        let mut queued = lock(&self.state);
        loop {
            if let Some(job) = queued.jobs.pop_front() {
                return Some(job);
            }
            if queued.reader_gone {
                return None;
            }
            queued.waiting += 1;
            queued = wait(&self.added, queued);
            queued.waiting -= 1;
        }
    }

    /// The reader has stopped, by return or by panic: the workers finish what is queued.
    fn reader_gone(&self) {
        lock(&self.state).reader_gone = true;
        self.added.notify_all();
    }

    /// The writer has stopped: drop what is queued, so the workers stop at once.
    fn writer_gone(&self) {
        let dropped = std::mem::take(&mut lock(&self.state).jobs);
        drop(dropped);
    }
}

/// Tells the workers, when the reader's stage ends by return or by panic, that no more jobs
/// will come.
struct ReaderGone<'a>(&'a Jobs);

impl Drop for ReaderGone<'_> {
    fn drop(&mut self) {
        self.0.reader_gone();
    }
}

/// What the workers have prepared, on its way to the writer.
///
/// Not a channel. Handing an item over through `std::sync::mpsc` wakes the waiting writer while
/// the channel's own lock is held; the writer, at a higher priority than the workers, takes the
/// core at once, and the worker is left holding the lock until the writer has stored its item
/// and waits again. The other worker, wanting to hand over its own item, then waited for that
/// lock with its core idle: at 10,000 `long` articles, 731 such waits of 1.1 ms on average,
/// the largest of the idle times a system-wide trace of the scheduler showed. Here a worker wakes
/// the writer only after letting go of the lock, and only when the writer may be waiting (the
/// handoff was empty); the writer takes everything handed over at once.
struct Handoff {
    state: Mutex<Handed>,
    arrived: Condvar,
}

struct Handed {
    items: Vec<(u64, Item)>,
    /// Workers still running: the writer waits for items only while some are.
    workers: usize,
    /// The writer has stopped: workers hand nothing over any more.
    writer_gone: bool,
}

impl Handoff {
    fn new(workers: usize) -> Self {
        Self {
            state: Mutex::new(Handed {
                items: Vec::new(),
                workers,
                writer_gone: false,
            }),
            arrived: Condvar::new(),
        }
    }

    /// Hand an item to the writer. False if the writer has stopped.
    fn send(&self, seq: u64, item: Item) -> bool {
        let mut handed = lock(&self.state);
        if handed.writer_gone {
            return false;
        }
        let writer_may_wait = handed.items.is_empty();
        handed.items.push((seq, item));
        drop(handed);
        if writer_may_wait {
            self.arrived.notify_one();
        }
        true
    }

    /// Move everything handed over into `into` (empty), waiting until something is. False
    /// when every worker has stopped and nothing is left.
    fn receive(&self, into: &mut Vec<(u64, Item)>) -> bool {
        let mut handed = lock(&self.state);
        while handed.items.is_empty() {
            if handed.workers == 0 {
                return false;
            }
            handed = wait(&self.arrived, handed);
        }
        std::mem::swap(&mut handed.items, into);
        true
    }

    /// A worker has stopped, by return or by panic.
    fn worker_gone(&self) {
        let mut handed = lock(&self.state);
        handed.workers = handed.workers.saturating_sub(1);
        drop(handed);
        self.arrived.notify_one();
    }

    /// The writer has stopped: workers stop at their next item, and what waits is dropped.
    fn writer_gone(&self) {
        let mut handed = lock(&self.state);
        handed.writer_gone = true;
        let dropped = std::mem::take(&mut handed.items);
        drop(handed);
        drop(dropped);
    }
}

/// Tells the other stages, when the writer's stage ends by return or by panic, that it has
/// stopped: the reader and the workers then stop too.
struct WriterGone<'a>(&'a InFlight, &'a Jobs, &'a Handoff);

impl Drop for WriterGone<'_> {
    fn drop(&mut self) {
        self.0.close();
        self.1.writer_gone();
        self.2.writer_gone();
    }
}

/// Tells the writer, when a worker ends by return or by panic, that it has stopped.
struct WorkerGone<'a>(&'a Handoff);

impl Drop for WorkerGone<'_> {
    fn drop(&mut self) {
        self.0.worker_gone();
    }
}

/// The documents the workers have taken up in this run, by hash, each with the number of the
/// earliest input that has its bytes. A worker does not prepare an input whose bytes an earlier
/// input has (the writer stores that one first, and then finds this one archived); an earlier
/// input whose copy a later one got to first is prepared all the same. Skipping is only ever
/// an optimisation: the writer decides, and prepares an input itself if it must.
///
/// The workers' own lookup finds documents once their batch is committed, so only the inputs
/// in flight and in the writer's open batch need to be here: the map is emptied when it reaches
/// [`Claims::CAPACITY`], which keeps memory flat (about 1 MiB) whatever the input size.
#[derive(Default)]
struct Claims(Mutex<HashMap<ContentHash, u64>>);

impl Claims {
    /// Several open batches' worth ([`write::BATCH_SIZE`] inputs each, with the items in flight).
    const CAPACITY: usize = 8 * write::BATCH_SIZE;

    /// Whether an input numbered before `seq` has the bytes hashed `sha`; if not, `seq` is
    /// noted as the earliest that has them.
    fn earlier(&self, sha: ContentHash, seq: u64) -> bool {
        // A panicked worker's lock is still usable: the map holds no invariant across entries.
        let mut claims = lock(&self.0);
        if claims.len() >= Self::CAPACITY && !claims.contains_key(&sha) {
            claims.clear();
        }
        let first = claims.entry(sha).or_insert(seq);
        *first = (*first).min(seq);
        *first < seq
    }
}

/// What the reader hands the workers, numbered in input order.
enum Job {
    /// An input to prepare.
    Input(RawInput),
    /// An input that could not be read.
    Failed(Error),
    /// A source is done; its size in bytes, if known.
    SourceDone(Option<u64>),
}

/// What the workers hand the writer.
enum Item {
    /// An input, its raw hash, and the pipeline's result unless the document was archived.
    Input {
        input: Box<RawInput>,
        sha: ContentHash,
        prepared: Option<Box<Prepared>>,
    },
    /// An input that could not be read.
    Failed(Error),
    /// A source is done; its size in bytes, if known (for the progress bar).
    SourceDone(Option<u64>),
}

/// Ingest `sources` into the archive at `db` (open as `store`), as one run of the run log.
/// Returns the run's counts, and whether `stop` cut it short (then what was read is committed
/// and the run is marked interrupted).
#[allow(clippy::too_many_arguments)] // the run's inputs, each needed; grouping them would only rename them
pub fn run(
    store: &Store,
    db: &Path,
    sources: Vec<Result<Source>>,
    options: Options,
    resources: &Resources,
    report: &dyn Report,
    stop: &AtomicBool,
    thread_times: Option<&ThreadTimes>,
) -> Result<Ended> {
    store.writer_cache_mib(options.cache_mib)?;
    let import_id = write::begin_import(store, "ingest")?;
    let mut batch = Batch::new(store, import_id, resources);
    batch.near_duplicate_threshold = options.near_duplicate_threshold;
    batch.commit_every(options.batch_size);
    batch.checkpoint_in_background()?;
    let pending = batch.line_counts_ahead();
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let in_flight = InFlight::default();
    let jobs = Jobs::default();
    let handoff = Handoff::new(workers);
    let claims = Claims::default();
    let written = std::thread::scope(|scope| {
        let (in_flight, jobs, handoff) = (&in_flight, &jobs, &handoff);
        let reader = scope.spawn(move || {
            let _gone = ReaderGone(jobs);
            let read = read_all(sources, jobs, in_flight, stop);
            ThreadTimes::record(thread_times, "reader");
            read
        });
        let pool: Vec<_> = (0..workers)
            .map(|_| {
                let (pending, claims) = (&*pending, &claims);
                scope.spawn(move || {
                    let _gone = WorkerGone(handoff);
                    yield_to_writer();
                    let worked = work(db, jobs, handoff, pending, claims, resources);
                    ThreadTimes::record(thread_times, "worker");
                    worked
                })
            })
            .collect();
        let written = {
            let _gone = WriterGone(in_flight, jobs, handoff);
            write_all(&mut batch, handoff, in_flight, report, resources)
        };
        ThreadTimes::record(thread_times, "writer");
        let mut result = written;
        for handle in pool.into_iter().chain(std::iter::once(reader)) {
            let joined = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            result = result.and(joined);
        }
        result
    });
    written?;
    Ok(if stop.load(Ordering::SeqCst) {
        Ended::Interrupted(batch.interrupt()?)
    } else {
        Ended::Finished(batch.finish()?)
    })
}

/// Niceness of the prepare workers: below the writer's, so that the writer, the one stage that
/// cannot run in parallel, gets a core whenever it has work, and the workers use what it
/// leaves. On two cores at equal priority the writer of a 40,000-article run waited 11 s for a
/// core while the workers held both, and the whole run waited on it.
const WORKER_NICENESS: i32 = 10;

/// Lower the calling thread's priority to [`WORKER_NICENESS`] (Linux: niceness is per thread).
/// Best effort: a system that refuses leaves every stage at the same priority.
fn yield_to_writer() {
    #[cfg(target_os = "linux")]
    {
        let this = rustix::thread::gettid();
        let _ = rustix::process::setpriority_process(Some(this), WORKER_NICENESS);
    }
}

/// Each stage thread's time on a core and waiting for one, recorded as it ends.
#[derive(Debug, Default)]
pub struct ThreadTimes(Mutex<Vec<(&'static str, Duration, Duration)>>);

impl ThreadTimes {
    /// Record the calling thread's times under `name`, if profiling (and the OS tells them).
    fn record(times: Option<&Self>, name: &'static str) {
        if let (Some(times), Some((ran, waited))) = (times, this_thread_times()) {
            lock(&times.0).push((name, ran, waited));
        }
    }

    /// One line per stage thread: its time on a core and waiting for one.
    #[must_use]
    pub fn report(&self) -> String {
        let mut rows = lock(&self.0).clone();
        if rows.is_empty() {
            return String::new();
        }
        rows.sort_by_key(|&(name, ..)| name);
        let mut out = format!(
            "{:<10}{:>10} {:>17}\n",
            "Threads:", "on a core", "waiting for one"
        );
        for (name, ran, waited) in rows {
            let _ = writeln!(
                out,
                "  {name:<7} {:>8.2} s {:>15.2} s",
                ran.as_secs_f64(),
                waited.as_secs_f64()
            );
        }
        out
    }
}

/// The calling thread's time on a core and waiting in the run queue for one, from Linux's
/// schedstat (`None` elsewhere).
fn this_thread_times() -> Option<(Duration, Duration)> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let mut fields = text.split_whitespace().map(|f| f.parse::<u64>().ok());
    let ran = fields.next()??;
    let waited = fields.next()??;
    Some((Duration::from_nanos(ran), Duration::from_nanos(waited)))
}

/// The reader stage: every input in order, numbered. Returns when done or when the writer has
/// stopped.
fn read_all(
    sources: Vec<Result<Source>>,
    jobs: &Jobs,
    in_flight: &InFlight,
    stop: &AtomicBool,
) -> Result<()> {
    let mut seq = 0u64;
    let mut send = |job: Job| {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        let bytes = match &job {
            Job::Input(input) => input.raw.len(),
            Job::Failed(_) | Job::SourceDone(_) => 0,
        };
        if !in_flight.reserve(bytes) {
            return false;
        }
        seq += 1;
        jobs.push(seq, job);
        true
    };
    for source in sources {
        let source = match source {
            Ok(source) => source,
            Err(e) => {
                if !send(Job::Failed(e)) {
                    return Ok(());
                }
                continue;
            }
        };
        // Reading stops at once when the workers hang up or the run is interrupted.
        let read = source::read(&source, &mut |item| {
            let job = match item {
                Ok(input) => Job::Input(input),
                Err(e) => Job::Failed(e),
            };
            if send(job) {
                Ok(())
            } else {
                Err(Error::Interrupted)
            }
        });
        match read {
            Err(Error::Interrupted) => return Ok(()),
            Err(e) => return Err(e),
            Ok(()) if !send(Job::SourceDone(source.size())) => return Ok(()),
            Ok(()) => {}
        }
    }
    Ok(())
}

/// A prepare worker: hash, and prepare what the archive does not have yet and no earlier input
/// of this run has, with the committed line counts plus those of the writer's open batch.
fn work(
    db: &Path,
    jobs: &Jobs,
    handoff: &Handoff,
    pending: &PendingLineCounts,
    claims: &Claims,
    resources: &Resources,
) -> Result<()> {
    let archive = Store::open_read_only(db)?;
    archive.lookups()?;
    let counts = read::LineCountsAhead::new(&archive, pending);
    while let Some((seq, job)) = jobs.take() {
        let item = match job {
            Job::Input(input) => {
                let sha = input.sha();
                let skip = read::document_exists(&archive, &sha)? || claims.earlier(sha, seq);
                let prepared = (!skip).then(|| {
                    Box::new(pipeline::prepare(
                        &input.raw,
                        input.format,
                        &input.meta,
                        &counts,
                        resources,
                    ))
                });
                Item::Input {
                    input: Box::new(input),
                    sha,
                    prepared,
                }
            }
            Job::Failed(e) => Item::Failed(e),
            Job::SourceDone(size) => Item::SourceDone(size),
        };
        if !handoff.send(seq, item) {
            return Ok(());
        }
    }
    Ok(())
}

/// The writer stage: put items back in input order and store each.
fn write_all(
    batch: &mut Batch<'_>,
    handoff: &Handoff,
    in_flight: &InFlight,
    report: &dyn Report,
    resources: &Resources,
) -> Result<()> {
    let mut done = 0;
    let mut next = 1u64;
    let mut waiting: BTreeMap<u64, Item> = BTreeMap::new();
    let mut arrived = Vec::new();
    while handoff.receive(&mut arrived) {
        waiting.extend(arrived.drain(..));
        while let Some(item) = waiting.remove(&next) {
            next += 1;
            let bytes = match item {
                Item::Input {
                    input,
                    sha,
                    prepared,
                } => {
                    batch.counts.inputs += 1;
                    report.advanced(input.raw.len() as u64);
                    for warning in &input.warnings {
                        report.warning(warning);
                    }
                    if let Some(refused) = store(batch, &input, &sha, prepared, resources)? {
                        batch.counts.failed += 1;
                        report.failed(&refused);
                    }
                    input.raw.len()
                }
                Item::Failed(e) => {
                    batch.counts.inputs += 1;
                    batch.counts.failed += 1;
                    report.failed(&e);
                    0
                }
                Item::SourceDone(size) => {
                    if let Some(size) = size {
                        done += size;
                        report.reached(done);
                    }
                    0
                }
            };
            in_flight.release(bytes);
        }
    }
    Ok(())
}

/// Store one input. The writer's own lookup is the authority on whether the document is new
/// (the workers see only committed batches); if a worker skipped the pipeline for it, the
/// document is archived and only a sighting is needed.
///
/// The workers classified with the line counts committed so far; the writer sees every earlier
/// document, its open batch included. If the exact counts would classify a line differently
/// (a repetition threshold crossed within the last batch), the article is classified again with
/// them ([`pipeline::with_counts`]), so the archive is what a sequential ingest would make,
/// whatever the timing.
///
/// Returns the error to report, writing nothing, when the input is a page with no article in
/// it (no visible text, a frameset, a redirect).
fn store(
    batch: &mut Batch<'_>,
    input: &RawInput,
    sha: &ContentHash,
    prepared: Option<Box<Prepared>>,
    resources: &Resources,
) -> Result<Option<Error>> {
    let known = batch.find_document(sha)?;
    let exact = batch.exact_line_counts();
    let prepared = match (known, prepared) {
        (Some(_), _) => None,
        (None, Some(p)) => Some(pipeline::with_counts(
            p,
            &input.raw,
            input.format,
            &input.meta,
            &exact,
            resources,
        )),
        (None, None) => Some(Box::new(pipeline::prepare(
            &input.raw,
            input.format,
            &input.meta,
            &exact,
            resources,
        ))),
    };
    exact.finish()?;
    if let Some(refused) = prepared.as_deref().and_then(|p| refusal(input, p)) {
        return Ok(Some(refused));
    }
    batch.article(input, sha, known, prepared.as_deref())?;
    Ok(None)
}

/// The error for a page that holds no article, naming the file (and line).
fn refusal(input: &RawInput, prepared: &Prepared) -> Option<Error> {
    prepared.empty.as_ref().map(|message| Error::EmptyPage {
        path: input.path.clone(),
        line: input.line,
        message: message.clone(),
    })
}

/// Store one input on this thread: a sighting if its raw bytes are archived, else the whole
/// pipeline. For small jobs (`dossier eval`) and tests; [`run`] does the same in parallel.
/// A page with no article in it is an error ([`Error::EmptyPage`]); nothing is written.
pub fn ingest_one(batch: &mut Batch<'_>, input: &RawInput, resources: &Resources) -> Result<()> {
    let sha = input.sha();
    let known = batch.find_document(&sha)?;
    let counts = batch.exact_line_counts();
    let prepared = known
        .is_none()
        .then(|| pipeline::prepare(&input.raw, input.format, &input.meta, &counts, resources));
    counts.finish()?;
    if let Some(refused) = prepared.as_ref().and_then(|p| refusal(input, p)) {
        return Err(refused);
    }
    batch.article(input, &sha, known, prepared.as_ref())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::mpsc::Receiver;

    use super::*;
    use crate::pipeline::LineCounts;
    use crate::source::Meta;

    #[test]
    fn claims_skip_only_copies_of_an_earlier_input() {
        let claims = Claims::default();
        let (story, other) = (ContentHash::of(b"story"), ContentHash::of(b"other"));
        assert!(
            !claims.earlier(story, 5),
            "the first input with these bytes"
        );
        assert!(claims.earlier(story, 9), "a later copy");
        assert!(!claims.earlier(other, 7), "other bytes");
        // A worker may take up an earlier input after a later copy: the earlier is prepared,
        // and from then on it is the one later copies defer to.
        assert!(!claims.earlier(story, 3));
        assert!(claims.earlier(story, 4));
        assert!(!claims.earlier(story, 3), "the same input asked again");
    }

    #[test]
    fn claims_stay_bounded() {
        let claims = Claims::default();
        let hash = |i: usize| ContentHash::of(&i.to_le_bytes());
        for i in 0..Claims::CAPACITY {
            assert!(!claims.earlier(hash(i), i as u64));
        }
        assert!(claims.earlier(hash(0), u64::MAX), "still held at capacity");
        // One more distinct document empties the map: older claims are forgotten (their
        // copies are then prepared again, which costs time, never correctness).
        assert!(!claims.earlier(hash(Claims::CAPACITY), u64::MAX - 1));
        assert_eq!(claims.0.lock().unwrap().len(), 1);
        assert!(!claims.earlier(hash(0), u64::MAX));
    }

    /// `reserve(bytes)` on a thread of its own: its answer arrives on the receiver.
    fn reserve_on_a_thread(in_flight: &Arc<InFlight>, bytes: usize) -> Receiver<bool> {
        let (tx, rx) = std::sync::mpsc::channel();
        let in_flight = Arc::clone(in_flight);
        std::thread::spawn(move || {
            let _ = tx.send(in_flight.reserve(bytes));
        });
        rx
    }

    /// Whether a reservation is still waiting after a moment.
    fn waits(reservation: &Receiver<bool>) -> bool {
        reservation
            .recv_timeout(Duration::from_millis(200))
            .is_err()
    }

    /// The answer of a reservation that must now go through.
    fn answer(reservation: &Receiver<bool>) -> bool {
        reservation.recv_timeout(Duration::from_secs(10)).unwrap()
    }

    #[test]
    fn in_flight_bytes_wait_for_the_writer_to_store() {
        let in_flight = Arc::new(InFlight::default());
        assert!(in_flight.reserve(IN_FLIGHT_BYTES / 2));
        assert!(in_flight.reserve(IN_FLIGHT_BYTES / 2), "up to the budget");
        let one_more = reserve_on_a_thread(&in_flight, 1);
        assert!(waits(&one_more), "one byte past the budget waits");
        in_flight.release(IN_FLIGHT_BYTES / 2);
        assert!(answer(&one_more));
    }

    #[test]
    fn an_input_larger_than_the_budget_travels_alone() {
        let in_flight = Arc::new(InFlight::default());
        assert!(in_flight.reserve(100));
        let large = reserve_on_a_thread(&in_flight, 2 * IN_FLIGHT_BYTES);
        assert!(waits(&large), "not beside another input");
        in_flight.release(100);
        assert!(answer(&large), "alone");
        let next = reserve_on_a_thread(&in_flight, 1);
        assert!(waits(&next), "nothing beside it either");
        in_flight.release(2 * IN_FLIGHT_BYTES);
        assert!(answer(&next));
    }

    #[test]
    fn many_small_inputs_are_bounded_by_their_number() {
        let in_flight = Arc::new(InFlight::default());
        for _ in 0..IN_FLIGHT_INPUTS {
            assert!(in_flight.reserve(10));
        }
        let one_more = reserve_on_a_thread(&in_flight, 10);
        assert!(waits(&one_more), "far below the bytes, at the number");
        in_flight.release(10);
        assert!(answer(&one_more));
    }

    #[test]
    fn a_stopped_writer_stops_the_reader_and_the_workers() {
        let in_flight = Arc::new(InFlight::default());
        let (jobs, handoff) = (Jobs::default(), Handoff::new(1));
        assert!(in_flight.reserve(IN_FLIGHT_BYTES));
        jobs.push(2, Job::SourceDone(None));
        let reader = reserve_on_a_thread(&in_flight, 1);
        assert!(waits(&reader));
        assert!(handoff.send(1, Item::SourceDone(None)));
        // The writer's stage ends by a panic, without releasing what it held.
        let writer = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let _gone = WriterGone(&in_flight, &jobs, &handoff);
                    panic!("the writer failed");
                })
                .join()
        });
        assert!(writer.is_err());
        assert!(!answer(&reader), "the reader is told to stop");
        assert!(!in_flight.reserve(1), "and so is every later reservation");
        assert!(
            !handoff.send(2, Item::SourceDone(None)),
            "a worker is told to stop"
        );
        assert!(
            lock(&handoff.state).items.is_empty(),
            "what waited is dropped"
        );
        assert!(lock(&jobs.state).jobs.is_empty(), "and what was queued");
    }

    #[test]
    fn the_writer_takes_what_is_handed_over_until_every_worker_is_gone() {
        let handoff = Handoff::new(2);
        let mut seqs = std::thread::scope(|scope| {
            let writer = scope.spawn(|| {
                let (mut seqs, mut arrived) = (Vec::new(), Vec::new());
                while handoff.receive(&mut arrived) {
                    seqs.extend(arrived.drain(..).map(|(seq, _)| seq));
                }
                seqs
            });
            for seqs in [[1, 3, 5], [2, 4, 6]] {
                let handoff = &handoff;
                scope.spawn(move || {
                    let _gone = WorkerGone(handoff);
                    for seq in seqs {
                        assert!(handoff.send(seq, Item::SourceDone(None)));
                        std::thread::sleep(Duration::from_millis(5));
                    }
                });
            }
            writer.join().unwrap()
        });
        seqs.sort_unstable();
        assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn workers_take_jobs_in_order_and_stop_when_the_reader_has() {
        let jobs = Jobs::default();
        let taken = std::thread::scope(|scope| {
            let worker = scope.spawn(|| {
                let mut seqs = Vec::new();
                while let Some((seq, _)) = jobs.take() {
                    seqs.push(seq);
                }
                seqs
            });
            // The worker waits for the first job, is woken by it, and takes the rest as they come.
            std::thread::sleep(Duration::from_millis(50));
            for seq in 1..=3 {
                jobs.push(seq, Job::SourceDone(None));
            }
            drop(ReaderGone(&jobs));
            worker.join().unwrap()
        });
        assert_eq!(taken, [1, 2, 3]);
    }

    #[test]
    fn a_worker_that_panics_still_lets_the_writer_finish() {
        let handoff = Handoff::new(1);
        let worker = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let _gone = WorkerGone(&handoff);
                    panic!("a worker failed");
                })
                .join()
        });
        assert!(worker.is_err());
        assert!(!handoff.receive(&mut Vec::new()));
    }

    fn input(text: &str) -> RawInput {
        RawInput::text("test.txt", text)
    }

    #[test]
    fn a_batch_rolled_back_under_the_writer_fails_instead_of_writing_outside_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.sqlite")).unwrap();
        let import_id = write::begin_import(&store, "test").unwrap();
        let resources = Resources::built_in();
        let mut batch = Batch::new(&store, import_id, &resources);
        ingest_one(
            &mut batch,
            &input("Seoul and Tokyo met.\n\nA second paragraph."),
            &resources,
        )
        .unwrap();
        // What SQLite does on its own after a full disk or an I/O error mid-batch.
        store.conn().execute_batch("ROLLBACK").unwrap();
        let err = ingest_one(&mut batch, &input("Washington replied."), &resources).unwrap_err();
        assert!(
            err.to_string().contains("rolled the open batch back"),
            "{err}"
        );
        drop(batch);
        let articles: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
            .unwrap();
        assert_eq!(articles, 0);
    }

    /// Every row `sql` gives, read by `row`.
    fn all_rows<T>(
        conn: &rusqlite::Connection,
        sql: &str,
        params: impl rusqlite::Params,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Vec<T> {
        conn.prepare(sql)
            .unwrap()
            .query_map(params, row)
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    /// Rows of `article_lsh` and of `article_lsh_pending`.
    fn buckets(store: &Store) -> (i64, i64) {
        let count = |table: &str| {
            store
                .conn()
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .unwrap()
        };
        (count("article_lsh"), count("article_lsh_pending"))
    }

    /// A batch files its articles' buckets in `article_lsh_pending`; a run that dies after
    /// committing (here, its batch dropped without `finish`) leaves them there, where the next
    /// run still finds the article as a near-duplicate's original, and files them in
    /// `article_lsh` when it ends.
    #[test]
    fn buckets_wait_in_the_pending_table_until_a_run_ends() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.sqlite")).unwrap();
        let resources = Resources::built_in();
        let seed = include_str!("../../seeds/003_3cde689f60b82d13.txt");

        let killed = write::begin_import(&store, "killed").unwrap();
        let mut batch = Batch::new(&store, killed, &resources);
        batch.commit_every(1);
        ingest_one(&mut batch, &input(seed), &resources).unwrap();
        drop(batch);
        assert_eq!(buckets(&store), (0, 16), "committed, not yet filed");

        let next = write::begin_import(&store, "next").unwrap();
        let mut batch = Batch::new(&store, next, &resources);
        let edited = seed.replace("bitterly", "deeply");
        ingest_one(&mut batch, &input(&edited), &resources).unwrap();
        batch.finish().unwrap();
        let pairs = all_rows(
            store.conn(),
            "SELECT article_id, duplicate_of FROM near_duplicates",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        );
        assert_eq!(pairs, [(2, 1)]);
        assert_eq!(buckets(&store), (32, 0), "both articles filed at the end");
    }

    /// The planner's statistics are refreshed where they went stale, not at every run: the
    /// first run analyses every table, a run that grows `articles` less than tenfold leaves
    /// its figures as they were, and one that grows it tenfold analyses it again.
    #[test]
    fn a_run_analyses_only_the_tables_that_grew_tenfold() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.sqlite")).unwrap();
        let resources = Resources::built_in();
        let mut next = 0;
        let mut run = |articles: usize| {
            let import_id = write::begin_import(&store, "test").unwrap();
            let mut batch = Batch::new(&store, import_id, &resources);
            for _ in 0..articles {
                next += 1;
                let text = format!(
                    "Report {next} from the coastal province\n\nFishing crews counted {next} \
                     boats in the harbour on the morning of the storm, the port office said."
                );
                ingest_one(&mut batch, &input(&text), &resources).unwrap();
            }
            batch.finish().unwrap();
        };
        // The row count sqlite_stat1 gives the articles' date index, as the planner sees it.
        let analysed = || -> i64 {
            let stat: String = store
                .conn()
                .query_row(
                    "SELECT stat FROM sqlite_stat1 WHERE idx = 'articles_published'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            stat.split(' ').next().unwrap().parse().unwrap()
        };

        run(2);
        assert_eq!(analysed(), 2, "the first run analyses");
        run(3);
        assert_eq!(
            analysed(),
            2,
            "five articles: not tenfold, left as they were"
        );
        run(40);
        assert_eq!(analysed(), 45, "tenfold: analysed again");
    }

    /// An archive of one outlet's five stories sharing a tagline, committed every `every`
    /// inputs: each tagline's rule, the stored line counts, and the writer's view of the
    /// tagline's count before the last commit.
    fn tagline_archive(every: usize) -> (Vec<String>, Vec<(String, i64)>, u32) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.sqlite")).unwrap();
        let import_id = write::begin_import(&store, "test").unwrap();
        let resources = Resources::built_in();
        let mut batch = Batch::new(&store, import_id, &resources);
        batch.commit_every(every);
        let tagline = "Example Daily, independent news from Asia since 1998";
        let key = pipeline::prepare(
            tagline,
            crate::source::DocFormat::Text,
            &Meta::default(),
            &pipeline::NoLineCounts,
            &resources,
        )
        .paragraphs[0]
            .line_key
            .unwrap();
        for n in 1..=5 {
            let mut article = input(&format!(
                "Story number {n} on the regional talks\n\n\
                 Officials from the {n} delegations met on Monday to discuss trade and security, \
                 according to a statement released after meeting number {n}.\n\n{tagline}"
            ));
            article.meta.outlet = Some("Example Daily".into());
            ingest_one(&mut batch, &article, &resources).unwrap();
        }
        let seen = batch
            .exact_line_counts()
            .documents_with(key, "Example Daily");
        batch.finish().unwrap();
        let conn = store.conn();
        let rules = all_rows(
            conn,
            "SELECT ap.rule FROM article_paragraphs ap JOIN paragraphs p ON p.id = ap.paragraph_id
             WHERE p.text = ?1 ORDER BY ap.article_id",
            [tagline],
            |r| r.get(0),
        );
        let counts = all_rows(
            conn,
            "SELECT line_key, documents FROM line_counts ORDER BY line_key, outlet",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        );
        (rules, counts, seen)
    }

    /// The writer counts its open batch's lines in memory and stores them when the batch
    /// commits; what it classifies and stores is the same however often it commits.
    #[test]
    fn line_counts_do_not_depend_on_the_batch_size() {
        let (rules, counts, seen) = tagline_archive(1);
        assert_eq!(seen, 5);
        let (rules_in_one, counts_in_one, seen_in_one) = tagline_archive(100);
        assert_eq!(
            seen_in_one, 5,
            "the open batch's counts are the writer's too"
        );
        assert_eq!(rules_in_one, rules);
        assert_eq!(counts_in_one, counts);
        assert!(
            counts.iter().any(|(_, documents)| *documents == 5),
            "{counts:?}"
        );
        assert_eq!(rules.len(), 5);
        assert!(
            rules[3..].iter().all(|r| r == "repeated-across-documents"),
            "{rules:?}"
        );
    }

    /// Two integer columns of a row.
    type IdPair = (i64, i64);

    /// Near-duplicate pairs `(article_id, duplicate_of)`, their count in `imports` and the rows
    /// of `paragraph_reuse`, for a seed, an unrelated one and two edited re-posts of the first,
    /// committed every `every`.
    fn near_duplicate_archive(every: usize) -> (Vec<IdPair>, i64, Vec<IdPair>) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.sqlite")).unwrap();
        let import_id = write::begin_import(&store, "test").unwrap();
        let resources = Resources::built_in();
        let mut batch = Batch::new(&store, import_id, &resources);
        batch.commit_every(every);
        let seed = include_str!("../../seeds/003_3cde689f60b82d13.txt");
        let inputs = [
            seed.to_string(),
            include_str!("../../seeds/001_05349aeaac386fd4.txt").to_string(),
            format!("Share this story\n\n{}", seed.replace("bitterly", "deeply")),
            format!(
                "{}\n\nMore from our partners",
                seed.replace("much lower", "far lower")
            ),
        ];
        for text in &inputs {
            ingest_one(&mut batch, &input(text), &resources).unwrap();
        }
        batch.finish().unwrap();
        let conn = store.conn();
        let pairs = all_rows(
            conn,
            "SELECT article_id, duplicate_of FROM near_duplicates ORDER BY 1, 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        );
        let counted = conn
            .query_row("SELECT near_duplicates FROM imports", [], |r| r.get(0))
            .unwrap();
        let reuse = all_rows(
            conn,
            "SELECT paragraph_id, articles FROM paragraph_reuse ORDER BY 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        );
        // As docs/schema.md defines the table.
        let defined = all_rows(
            conn,
            "SELECT paragraph_id, count(DISTINCT article_id) FROM article_paragraphs
             WHERE role = 'content' GROUP BY paragraph_id HAVING count(DISTINCT article_id) > 1
             ORDER BY 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        );
        assert_eq!(reuse, defined);
        (pairs, counted, reuse)
    }

    /// The writer looks for near-duplicates and counts re-used paragraphs a batch at a time;
    /// articles of the same batch find each other as if stored one by one.
    #[test]
    fn near_duplicates_and_reuse_do_not_depend_on_the_batch_size() {
        let one_by_one = near_duplicate_archive(1);
        let (pairs, counted, reuse) = &one_by_one;
        assert_eq!((pairs, *counted), (&vec![(3, 1), (4, 1), (4, 3)], 3));
        // The three copies share most content paragraphs.
        assert!(
            reuse.iter().filter(|(_, n)| *n == 3).count() > 5,
            "{reuse:?}"
        );
        assert_eq!(near_duplicate_archive(100), one_by_one);
    }
}
