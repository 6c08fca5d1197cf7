//! Deterministic benchmark corpus: JSON Lines of realistic articles built from the seeds.
//!
//! ```sh
//! cargo run --release --example gen-corpus -- --articles 100000 --seed 1 > corpus.jsonl
//! ```
//!
//! Sentences come from the seeds' content paragraphs (as dossier itself classifies them), with
//! names, countries, years and dates varied. Each article gets a site header and footer of
//! boilerplate. About 10% of records are exact duplicates of an earlier one (another URL), about
//! 5% are near-duplicates (other boilerplate, a few words edited), and about 20% of paragraphs are
//! drawn from a shared pool, as syndicated copy is. Output depends only on `--articles` and
//! `--seed`: the random generator is `SplitMix64`, written here so no crate upgrade changes it.

use std::io::{BufWriter, Write};

use dossier::clean::boilerplate::Role;
use dossier::pipeline::{NoLineCounts, prepare};
use dossier::source::{DocFormat, Meta};
use dossier::text::dates::MONTHS;

const SEEDS: &[&str] = &[
    include_str!("../seeds/000_eb7c7dcc405d1360.txt"),
    include_str!("../seeds/001_05349aeaac386fd4.txt"),
    include_str!("../seeds/002_c8283d8010635bc2.txt"),
    include_str!("../seeds/003_3cde689f60b82d13.txt"),
    include_str!("../seeds/004_66863c9943df5b81.txt"),
];

const COUNTRIES: &[&str] = &[
    "Japan",
    "South Korea",
    "China",
    "North Korea",
    "Russia",
    "Taiwan",
    "the United States",
    "Australia",
    "India",
    "the Philippines",
    "Vietnam",
    "Indonesia",
];
const CAPITALS: &[&str] = &[
    "Tokyo",
    "Seoul",
    "Beijing",
    "Pyongyang",
    "Moscow",
    "Taipei",
    "Washington",
    "Canberra",
    "New Delhi",
    "Manila",
    "Hanoi",
    "Jakarta",
];
const PEOPLE: &[&str] = &[
    "Fumio Kishida",
    "Yoon Suk Yeol",
    "Moon Jae-in",
    "Shinzo Abe",
    "Lee Jae-myung",
    "Shigeru Ishiba",
    "Park Geun-hye",
    "Joe Biden",
    "Donald Trump",
    "Barack Obama",
    "Antony Blinken",
    "Taro Kono",
    "Kim Jong Un",
    "Xi Jinping",
    "Yoshihide Suga",
];
const OUTLETS: &[&str] = &[
    "Example Times",
    "Pacific Wire",
    "Asia Ledger",
    "The Daily Dispatch",
    "Harbour Herald",
    "Continental Review",
    "Morning Courier",
    "Global Observer",
];
const HEADERS: &[&[&str]] = &[
    &["Advertisement"],
    &["Skip to main content", "World", "Asia", "Politics"],
    &[
        "21.3 C",
        "Seoul",
        "Monday, March 6, 2023",
        "",
        "Subscribe now",
    ],
    &["Home > World > Asia"],
    &["Reading Time: 3 minutes", "Share this article"],
];
const FOOTERS: &[&[&str]] = &[
    &["Share this article", "Follow us on Twitter"],
    &[
        "Related Articles",
        "",
        "Please enter your comment!",
        "Please enter your name here",
    ],
    &["© 2024 Example Media. All rights reserved."],
    &["Advertisement", "loading", "Advertisement"],
    &[
        "Most Popular",
        "1. Markets rally as yen weakens",
        "2. Typhoon heads north",
    ],
    &[
        "Sign up for our newsletter",
        "Privacy Policy | Terms of Use",
    ],
];

/// `SplitMix64` (Steele, Lea, Flood 2014): small, fast, and fixed forever.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct Args {
    articles: usize,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        articles: 10_000,
        seed: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--articles" => {
                args.articles = value.parse().map_err(|e| format!("--articles: {e}"))?;
            }
            "--seed" => args.seed = value.parse().map_err(|e| format!("--seed: {e}"))?,
            other => return Err(format!("unknown option {other}; use --articles N --seed S")),
        }
    }
    Ok(args)
}

/// Sentences of the seeds' content paragraphs.
fn sentence_pool() -> Vec<String> {
    let resources = dossier::extract::Resources::built_in();
    let mut pool = Vec::new();
    for seed in SEEDS {
        for p in prepare(
            seed,
            DocFormat::Text,
            &Meta::default(),
            &NoLineCounts,
            &resources,
        )
        .paragraphs
        {
            if p.role != Role::Content {
                continue;
            }
            let mut start = 0;
            let text = p.text.as_str();
            for (i, _) in text.match_indices(". ") {
                let sentence = text[start..=i].trim();
                if sentence.split_whitespace().count() >= 6 {
                    pool.push(sentence.to_string());
                }
                start = i + 2;
            }
            let rest = text[start..].trim();
            if rest.split_whitespace().count() >= 6 {
                pool.push(rest.to_string());
            }
        }
    }
    pool
}

/// Vary names, places and numbers so every generated sentence is new text.
fn vary(sentence: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(sentence.len() + 16);
    for word in sentence.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        let core = word.trim_matches(|c: char| !c.is_alphanumeric());
        let replaced = if core.len() == 4
            && core.starts_with(['1', '2'])
            && core.chars().all(|c| c.is_ascii_digit())
        {
            Some((1950 + rng.below(76)).to_string())
        } else if CAPITALS.contains(&core) && rng.chance(50) {
            Some((*rng.pick(CAPITALS)).to_string())
        } else if MONTHS.contains(&core) {
            Some((*rng.pick(&MONTHS)).to_string())
        } else if ["Japan", "China", "Russia", "Taiwan"].contains(&core) && rng.chance(40) {
            Some((*rng.pick(COUNTRIES)).to_string())
        } else if [
            "Kishida", "Yoon", "Moon", "Abe", "Obama", "Trump", "Biden", "Lee", "Ishiba",
        ]
        .contains(&core)
            && rng.chance(50)
        {
            Some((*rng.pick(PEOPLE)).to_string())
        } else {
            None
        };
        match replaced {
            Some(new) => out.push_str(&word.replacen(core, &new, 1)),
            None => out.push_str(word),
        }
    }
    out
}

fn paragraph(pool: &[String], rng: &mut Rng) -> String {
    let n = 1 + rng.below(3);
    (0..n)
        .map(|_| {
            let sentence = &pool[rng.below(pool.len())];
            vary(sentence, rng)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn with_boilerplate(body: &[String], title: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = rng.pick(HEADERS).iter().map(ToString::to_string).collect();
    lines.push(String::new());
    lines.push(title.to_string());
    for p in body {
        lines.push(String::new());
        lines.push(p.clone());
    }
    lines.push(String::new());
    lines.extend(rng.pick(FOOTERS).iter().map(ToString::to_string));
    lines.join("\n")
}

/// Edit a few words: a near-duplicate, as a re-post with light copy-editing is.
fn edit(body: &[String], rng: &mut Rng) -> Vec<String> {
    let mut body = body.to_vec();
    for _ in 0..=rng.below(3) {
        let i = rng.below(body.len());
        let words: Vec<&str> = body[i].split(' ').collect();
        let w = rng.below(words.len());
        let mut edited: Vec<String> = words.iter().map(ToString::to_string).collect();
        edited[w] = (*rng.pick(&["reportedly", "also", "now", "again", "formally"])).to_string();
        body[i] = edited.join(" ");
    }
    body
}

struct Record {
    body: Vec<String>,
    title: String,
    text: String,
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let pool = sentence_pool();
    let mut rng = Rng(args.seed);
    let shared: Vec<String> = (0..2000).map(|_| paragraph(&pool, &mut rng)).collect();
    // A window of recent articles to copy from; bounded, so memory stays flat.
    let mut recent: Vec<Record> = Vec::new();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for id in 0..args.articles {
        let roll = rng.below(100);
        let record = if roll < 10 && !recent.is_empty() {
            let r = &recent[rng.below(recent.len())];
            Record {
                body: r.body.clone(),
                title: r.title.clone(),
                text: r.text.clone(),
            }
        } else if roll < 15 && !recent.is_empty() {
            let r = &recent[rng.below(recent.len())];
            let body = edit(&r.body, &mut rng);
            let text = with_boilerplate(&body, &r.title, &mut rng);
            Record {
                body,
                title: r.title.clone(),
                text,
            }
        } else {
            let body: Vec<String> = (0..4 + rng.below(9))
                .map(|_| {
                    if rng.chance(20) {
                        rng.pick(&shared).clone()
                    } else {
                        paragraph(&pool, &mut rng)
                    }
                })
                .collect();
            let title: String = body[0].split(' ').take(8).collect::<Vec<_>>().join(" ");
            let title = title.trim_end_matches(['.', ',']).to_string();
            let text = with_boilerplate(&body, &title, &mut rng);
            Record { body, title, text }
        };
        let line = serde_json::json!({
            "id": id,
            "text": record.text,
            "title": record.title,
            "url": format!("https://example.com/{}/{id}", rng.below(1000)),
            "outlet": rng.pick(OUTLETS),
            "published": format!("{}-{:02}-{:02}", 2015 + rng.below(11), 1 + rng.below(12), 1 + rng.below(28)),
        });
        if writeln!(out, "{line}").is_err() {
            return; // a closed pipe (| head) ends the corpus quietly
        }
        if recent.len() < 500 {
            recent.push(record);
        } else {
            let slot = rng.below(recent.len());
            recent[slot] = record;
        }
    }
    let _ = out.flush();
}
