//! Issue 8: property tests over the whole text pipeline (segmentation, normalisation, boilerplate,
//! entities, quotes, dates, events) on generated noisy articles.
//!
//! The inputs are built from real article lines (the seeds and the held-out evaluation
//! articles) cut, joined, re-cased and salted with the noise scraped text carries: stray line
//! endings, BOMs, zero-width and control characters, combining marks, other scripts, emoji,
//! curly and unbalanced quotes, truncation mid-word. Plus some wholly arbitrary strings.
//!
//! For every input, [`prepare`] must not panic and must hold these invariants:
//! - every non-blank raw line belongs to exactly one paragraph, paragraphs in line order;
//! - every mention's and quote's character offsets slice its paragraph to its surface text;
//! - every event's sentence range slices its paragraph to the sentence, its date range is
//!   ordered, its code exists and its confidence is in 0–1;
//! - preparing is deterministic, and CRLF line endings give the same result as LF;
//! - archived, the input comes back byte for byte from `documents.raw`, whether the archive
//!   stores it or rebuilds it from the article's paragraphs (schema V14).
//!
//! The case count is bounded (see `CASES`) so CI stays fast; raise it with `PROPTEST_CASES`
//! for a longer run.

// A broken fixture folder should fail the test loudly.
#![allow(clippy::unwrap_used)]

use std::sync::{LazyLock, Mutex};

use dossier::extract::Resources;
use dossier::pipeline::{NoLineCounts, Prepared, prepare};
use dossier::source::{DocFormat, Meta, RawInput};
use dossier::store::Store;
use dossier::store::write::{self, Batch};
use dossier::text::hashing::ContentHash;
use dossier::text::segment::split_lines;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

/// The built-in reference data, built once for every case.
static RESOURCES: LazyLock<Resources> = LazyLock::new(Resources::built_in);

/// Cases per property in CI.
const CASES: u32 = 300;

/// Real lines to build articles from: every line of the shipped seeds and evaluation articles.
static LINES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut lines = Vec::new();
    for dir in ["seeds", "tests/fixtures/eval"] {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            lines.extend(text.lines().map(str::to_string));
        }
    }
    assert!(lines.len() > 100, "too few source lines: {}", lines.len());
    lines
});

/// Characters scraped text is salted with.
const NOISE: &[&str] = &[
    "\u{feff}",
    "\u{200b}",
    "\u{200d}",
    "\u{00a0}",
    "\u{2028}",
    "\u{0301}",
    "\u{0000}",
    "\u{0007}",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\n\n",
    "  ",
    "“",
    "”",
    "\"",
    "'",
    "‘",
    "’",
    "«",
    "»",
    "「",
    "」",
    "—",
    "–",
    "…",
    "...",
    ".",
    ",",
    ";",
    ":",
    "(",
    ")",
    "[",
    "]",
    "U.S.",
    "Mr.",
    "Jan.",
    "St.",
    "한국",
    "日本",
    "東京",
    "Москва",
    "العربية",
    "🇯🇵",
    "👍🏽",
    "ﬁ",
    "Ⅻ",
    "İ",
    "ß",
    "ǅ",
    "𝐁𝐨𝐥𝐝",
    "2019",
    "1910-45",
    "last Thursday",
    "the next day",
    "in the 1990s",
    "9 January 2019",
    "Share this:",
    "Advertisement",
    "Read more",
    "Seoul",
    "Tokyo",
    "Washington",
    "said",
];

/// One edit to a real line.
#[derive(Debug, Clone)]
enum Edit {
    Keep,
    /// Cut at a character boundary, keeping the start.
    Truncate(usize),
    /// Insert a noise string at a character position.
    Insert(usize, usize),
    Upper,
    Lower,
    /// Run into the next line, as when a scraper loses a block boundary.
    JoinNext,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        6 => Just(Edit::Keep),
        1 => any::<usize>().prop_map(Edit::Truncate),
        3 => (any::<usize>(), 0..NOISE.len()).prop_map(|(at, n)| Edit::Insert(at, n)),
        1 => Just(Edit::Upper),
        1 => Just(Edit::Lower),
        1 => Just(Edit::JoinNext),
    ]
}

fn char_boundary(text: &str, at: usize) -> usize {
    let count = text.chars().count();
    let n = if count == 0 { 0 } else { at % (count + 1) };
    text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)
}

/// A noisy article from real lines: (line index, edit, separator) triples.
fn article() -> impl Strategy<Value = String> {
    let separators = prop_oneof![
        8 => Just("\n"),
        3 => Just("\n\n"),
        1 => Just("\r\n"),
        1 => Just("\r"),
        1 => Just(" "),
        1 => Just("\n \t \n"),
    ];
    prop::collection::vec((any::<usize>(), edit(), separators), 0..40).prop_map(|parts| {
        let lines = &*LINES;
        let mut out = String::new();
        for (index, edit, separator) in parts {
            let line = &lines[index % lines.len()];
            let text = match edit {
                Edit::Keep => line.clone(),
                Edit::Truncate(at) => line[..char_boundary(line, at)].to_string(),
                Edit::Insert(at, n) => {
                    let at = char_boundary(line, at);
                    format!("{}{}{}", &line[..at], NOISE[n], &line[at..])
                }
                Edit::Upper => line.to_uppercase(),
                Edit::Lower => line.to_lowercase(),
                Edit::JoinNext => {
                    out.push_str(line);
                    continue;
                }
            };
            out.push_str(&text);
            out.push_str(separator);
        }
        out
    })
}

/// Any text at all, weighted toward what breaks tokenisers: short runs of noise and words.
fn arbitrary() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(0..NOISE.len(), 0..60)
            .prop_map(|picks| picks.into_iter().map(|i| NOISE[i]).collect::<String>()),
        prop::collection::vec(any::<char>(), 0..300).prop_map(|c| c.into_iter().collect()),
    ]
}

fn meta() -> impl Strategy<Value = Meta> {
    let published = prop_oneof![
        Just(None),
        Just(Some("2019".to_string())),
        Just(Some("2015-12".to_string())),
        Just(Some("2023-03-16".to_string())),
        Just(Some("2000-02-29".to_string())),
    ];
    let title = prop_oneof![
        Just(None),
        Just(Some(String::new())),
        (0..LINES.len()).prop_map(|i| Some(LINES[i].clone())),
    ];
    (published, title).prop_map(|(published, title)| Meta {
        title,
        published,
        ..Meta::default()
    })
}

fn chars(text: &str, start: usize, end: usize) -> Option<String> {
    (start <= end).then(|| text.chars().skip(start).take(end - start).collect())
}

/// Every invariant of one prepared article, as a readable failure.
fn check(raw: &str, prepared: &Prepared) -> Result<(), TestCaseError> {
    // Lines: every non-blank raw line in exactly one paragraph, in order.
    let lines: Vec<&str> = split_lines(raw).collect();
    let mut owner = vec![0u32; lines.len() + 1];
    let mut last_end = 0;
    for p in &prepared.paragraphs {
        prop_assert!(p.line_start >= 1 && p.line_start <= p.line_end);
        prop_assert!(
            p.line_end <= lines.len(),
            "line {} of {}",
            p.line_end,
            lines.len()
        );
        prop_assert!(p.line_start > last_end, "paragraphs overlap or go back");
        last_end = p.line_end;
        for count in &mut owner[p.line_start..=p.line_end] {
            *count += 1;
        }
    }
    for (i, line) in lines.iter().enumerate() {
        let want = u32::from(!line.trim().is_empty());
        prop_assert_eq!(owner[i + 1], want, "raw line {} {:?}", i + 1, line);
    }

    // Offsets slice to their surfaces.
    for m in &prepared.mentions {
        let text = &prepared.paragraphs[m.paragraph].text;
        prop_assert_eq!(
            chars(text, m.char_start, m.char_end),
            Some(m.surface.clone())
        );
    }
    for q in &prepared.quotes {
        let text = &prepared.paragraphs[q.paragraph].text;
        prop_assert_eq!(chars(text, q.char_start, q.char_end), Some(q.text.clone()));
    }
    for e in &prepared.events {
        let text = &prepared.paragraphs[e.paragraph].text;
        prop_assert_eq!(
            chars(text, e.sentence.start, e.sentence.end),
            Some(e.sentence_text.clone())
        );
        prop_assert!(e.date.start <= e.date.end, "{:?}", e.date);
        prop_assert!(e.code < RESOURCES.taxonomy.codes.len());
        prop_assert!((0.0..=1.0).contains(&e.confidence));
        prop_assert!(e.sentence_text.contains(&e.date_text), "{:?}", e.date_text);
    }
    prop_assert_eq!(
        prepared.words,
        prepared
            .paragraphs
            .iter()
            .filter(|p| p.role == dossier::clean::boilerplate::Role::Content)
            .map(|p| p.words)
            .sum::<usize>()
    );
    Ok(())
}

fn run(raw: &str, meta: &Meta) -> Result<(), TestCaseError> {
    let prepared = prepare(raw, DocFormat::Text, meta, &NoLineCounts, &RESOURCES);
    check(raw, &prepared)?;
    prop_assert_eq!(
        &prepare(raw, DocFormat::Text, meta, &NoLineCounts, &RESOURCES),
        &prepared,
        "not deterministic"
    );
    if !raw.contains('\r') {
        let crlf = prepare(
            &raw.replace('\n', "\r\n"),
            DocFormat::Text,
            meta,
            &NoLineCounts,
            &RESOURCES,
        );
        prop_assert_eq!(&crlf, &prepared, "CRLF differs from LF");
    }
    Ok(())
}

fn config() -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(CASES),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/properties.proptest-regressions",
        ))),
        ..Config::default()
    }
}

/// An article as a tidy page gives it: real lines, one a paragraph, blank lines between, and
/// sometimes a final newline (the shape schema V14 to V16 stored rebuilt from its paragraphs).
fn clean_article() -> impl Strategy<Value = String> {
    let gap = prop_oneof![4 => Just("\n\n"), 1 => Just("\n"), 1 => Just("\n\n\n")];
    let end = prop_oneof![Just(""), Just("\n"), Just("\n\n")];
    (prop::collection::vec((any::<usize>(), gap), 1..30), end).prop_map(|(parts, end)| {
        let lines: Vec<&str> = LINES
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect();
        let mut out = String::new();
        for (i, (index, gap)) in parts.iter().enumerate() {
            if i > 0 {
                out.push_str(gap);
            }
            out.push_str(lines[index % lines.len()]);
        }
        out.push_str(end);
        out
    })
}

/// One archive for every case of [`archive_and_read_back`]: each case adds an input to it, so
/// later cases meet paragraphs that earlier ones stored (in their spelling).
struct Archive {
    store: Store,
    _dir: tempfile::TempDir,
}

static ARCHIVE: LazyLock<Mutex<Archive>> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("roundtrip.sqlite")).unwrap();
    Mutex::new(Archive { store, _dir: dir })
});

/// Archive `raw` as `dossier ingest` would (through the writer) and read it back from the view.
fn archive_and_read_back(raw: &str, meta: &Meta) -> Result<(), TestCaseError> {
    let archive = ARCHIVE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let store = &archive.store;
    let sha = ContentHash::of(raw.as_bytes());
    let mut batch = Batch::new(
        store,
        write::begin_import(store, "ingest").unwrap(),
        &RESOURCES,
    );
    let known = batch.find_document(&sha).unwrap();
    let prepared = prepare(raw, DocFormat::Text, meta, &NoLineCounts, &RESOURCES);
    let input = RawInput {
        meta: meta.clone(),
        ..RawInput::text("roundtrip.txt", raw)
    };
    batch
        .article(&input, &sha, known, known.is_none().then_some(&prepared))
        .unwrap();
    batch.finish().unwrap();
    let back: Vec<u8> = store
        .conn()
        .query_row(
            "SELECT CAST(raw AS BLOB) FROM documents WHERE sha256 = ?1",
            [sha.hex()],
            |r| r.get(0),
        )
        .unwrap();
    prop_assert_eq!(
        String::from_utf8_lossy(&back),
        String::from_utf8_lossy(raw.as_bytes())
    );
    prop_assert_eq!(back.as_slice(), raw.as_bytes());
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn archived_raw_comes_back_byte_for_byte(
        raw in prop_oneof![article(), clean_article(), arbitrary()],
        meta in meta(),
    ) {
        prop_assume!(!raw.trim().is_empty());
        archive_and_read_back(&raw, &meta)?;
    }

    #[test]
    fn noisy_articles_keep_every_invariant(raw in article(), meta in meta()) {
        run(&raw, &meta)?;
    }

    #[test]
    fn arbitrary_text_keeps_every_invariant(raw in arbitrary(), meta in meta()) {
        run(&raw, &meta)?;
    }
}
