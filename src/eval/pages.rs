//! `dossier eval --html-truth FILE PAGES...`: score the article text dossier keeps from saved
//! pages against each page's true article body, with the benchmark's metric ([`shingles`]).
//!
//! The truth file is the Zyte article extraction benchmark's `ground-truth.json`: an object
//! from page id to `{"articleBody": …}`; a page's id is its file name without `.html`. The
//! pages are ingested into a scratch archive through the normal pipeline (the user's archive
//! is not touched), and a page's extracted text is its article's `title` and `content`
//! paragraphs in order, one per line. A page refused as holding no article extracts nothing.
//!
//! The extraction alone ([`crate::html::read`] on the decoded page: parsing, content and
//! metadata) is also timed, pages per second over one pass after a warm-up pass, on one
//! thread and on as many as ingest uses, for comparison with other extractors
//! (`bench/html-extract.sh`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::shingles::{self, PageScore, Summary};
use crate::cli::InputFormat;
use crate::engine::ingest::ingest_one;
use crate::error::{Error, Result};
use crate::extract::Resources;
use crate::source::{self, DocFormat, RawInput, Source};
use crate::store::write::Batch;
use crate::store::{Store, read, write};

/// One page of the truth file.
#[derive(Debug, Deserialize)]
struct Truth {
    #[serde(rename = "articleBody")]
    article_body: String,
}

/// One page's score.
#[derive(Debug, Serialize)]
pub struct PageResult {
    /// The page's id (its file name without the extension).
    pub page: String,
    /// Its counts.
    #[serde(flatten)]
    pub score: PageScore,
    /// tp / (tp + fp).
    pub precision: f64,
    /// tp / (tp + fn).
    pub recall: f64,
}

/// Scores over a folder of pages.
#[derive(Debug, Serialize)]
pub struct PagesReport {
    /// Per page, in id order.
    pub pages: Vec<PageResult>,
    /// The benchmark's figures.
    pub summary: Summary,
    /// Pages per second of the extraction alone (decoded page to labelled blocks and
    /// metadata), on one thread.
    pub pages_per_second: f64,
    /// The threads `dossier ingest` prepares inputs on here (one per core).
    pub threads: usize,
    /// Pages per second of the extraction alone on that many threads, as ingest runs it.
    pub pages_per_second_parallel: f64,
}

/// Pages per second of [`crate::html::read`] over `inputs`, shared among `threads`: one
/// warm-up pass (reference data is built on first use), then the timed one.
fn extraction_speed(inputs: &[(String, RawInput)], threads: usize) -> f64 {
    let chunk = inputs.len().div_ceil(threads.max(1)).max(1);
    let mut elapsed = 0.0;
    for _ in 0..2 {
        let started = Instant::now();
        std::thread::scope(|scope| {
            for part in inputs.chunks(chunk) {
                scope.spawn(move || {
                    for (_, input) in part {
                        std::hint::black_box(crate::html::read(&input.raw));
                    }
                });
            }
        });
        elapsed = started.elapsed().as_secs_f64();
    }
    #[allow(clippy::cast_precision_loss)]
    if elapsed > 0.0 {
        inputs.len() as f64 / elapsed
    } else {
        0.0
    }
}

/// Score the pages under `paths` that the truth file names; also returns what the user should
/// hear (pages without truth, truth without pages, pages refused).
pub fn evaluate(
    truth: &Path,
    paths: &[PathBuf],
    resources: &Resources,
) -> Result<(PagesReport, Vec<String>)> {
    let text = std::fs::read_to_string(truth).map_err(|e| Error::io(truth, e))?;
    let truth_pages: BTreeMap<String, Truth> =
        serde_json::from_str(&text).map_err(|e| Error::json(truth, 0, &e))?;
    let (inputs, mut notes) = load(paths, &truth_pages)?;
    for id in truth_pages.keys() {
        if !inputs.iter().any(|(page, _)| page == id) {
            notes.push(format!(
                "warning: {id}: in the truth file but no page found; not scored"
            ));
        }
    }

    let pages_per_second = extraction_speed(&inputs, 1);
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let pages_per_second_parallel = extraction_speed(&inputs, threads);

    let scratch = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let store = Store::open(&scratch.path().join("eval.sqlite"))?;
    let mut batch = Batch::new(&store, write::begin_import(&store, "ingest")?, resources);
    let mut refused = Vec::new();
    for (page, input) in &inputs {
        match ingest_one(&mut batch, input, resources) {
            Ok(()) => {}
            Err(e @ Error::EmptyPage { .. }) => {
                notes.push(format!("note: {e}; scored as extracting nothing"));
                refused.push(page.clone());
            }
            Err(e) => return Err(e),
        }
    }
    batch.finish()?;

    let mut pages = Vec::new();
    for (page, input) in &inputs {
        let extracted = match read::article_of(&store, &input.sha())? {
            Some(article) if !refused.contains(page) => read::kept_text(&store, article)?,
            _ => String::new(),
        };
        let counts = shingles::score(&extracted, &truth_pages[page].article_body);
        pages.push(PageResult {
            page: page.clone(),
            precision: counts.precision(),
            recall: counts.recall(),
            score: counts,
        });
    }
    let scores: Vec<PageScore> = pages.iter().map(|p| p.score).collect();
    Ok((
        PagesReport {
            summary: shingles::summarise(&scores),
            pages,
            pages_per_second,
            threads,
            pages_per_second_parallel,
        },
        notes,
    ))
}

/// Pages by id, and notes for the user.
type Loaded = (Vec<(String, RawInput)>, Vec<String>);

/// The pages under `paths` with an entry in the truth, read as pages, by id.
fn load(paths: &[PathBuf], truth: &BTreeMap<String, Truth>) -> Result<Loaded> {
    let expanded = source::expand(paths, InputFormat::Auto);
    let mut notes = Vec::new();
    let mut inputs: Vec<(String, RawInput)> = Vec::new();
    for source in expanded.sources {
        let source = source?;
        let Source::File { path, format, .. } = &source else {
            continue;
        };
        if *format != InputFormat::Html {
            continue;
        }
        let id = page_id(path);
        if !truth.contains_key(&id) {
            notes.push(format!(
                "warning: {}: not in the truth file; skipped",
                path.display()
            ));
            continue;
        }
        source::read(&source, &mut |item| {
            match item {
                Ok(input) if input.format == DocFormat::Html => inputs.push((id.clone(), input)),
                Ok(_) => {}
                Err(e) => notes.push(format!("warning: {e}; not scored")),
            }
            Ok(())
        })?;
    }
    inputs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((inputs, notes))
}

/// A page's id: its file name without the extension(s) (`ID.html`, `ID.html.gz` is not read).
fn page_id(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
