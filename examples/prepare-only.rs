//! The workers' half of an ingest, on one thread and without a database: every record of a JSON
//! Lines corpus through `pipeline::prepare`, for instruction counts that do not depend on
//! scheduling.
//!
//! ```sh
//! cargo build --release --example prepare-only
//! valgrind --tool=callgrind --toggle-collect='dossier::pipeline::prepare' \
//!     target/release/examples/prepare-only bench/out/corpus-1000-seed1.jsonl
//! ```
//!
//! Run it on two corpus sizes (say 1,000 and 2,000 articles): the difference between the two
//! counts, function by function, is what 1,000 more articles cost once the one-time work
//! (compiling the patterns, each thread's lazy-DFA warm-up) is done, which is what dominates at
//! 100k articles. Line counts are taken as zero (no archive), so boilerplate classification
//! sees no repeated lines; `published` is read from the records. Prints the number of
//! paragraphs and events prepared.

use std::io::{BufRead, Write};

use dossier::pipeline::{self, NoLineCounts};
use dossier::source::{DocFormat, Meta};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: prepare-only CORPUS.jsonl")?;
    let file = std::fs::File::open(&path).map_err(|e| format!("{path}: {e}"))?;
    let reader = std::io::BufReader::new(file);
    let resources = dossier::extract::Resources::built_in();
    let (mut paragraphs, mut events) = (0, 0);
    for (n, line) in reader.lines().enumerate() {
        let record: serde_json::Value = serde_json::from_str(&line?)?;
        let text = record["text"]
            .as_str()
            .ok_or_else(|| format!("{path}:{}: no text", n + 1))?;
        let meta = Meta {
            published: record["published"].as_str().map(str::to_string),
            ..Meta::default()
        };
        let prepared = pipeline::prepare(text, DocFormat::Text, &meta, &NoLineCounts, &resources);
        paragraphs += prepared.paragraphs.len();
        events += prepared.events.len();
    }
    writeln!(
        std::io::stdout(),
        "{paragraphs} paragraphs, {events} events"
    )?;
    Ok(())
}
