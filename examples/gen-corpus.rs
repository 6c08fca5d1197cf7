//! Deterministic benchmark corpus: JSON Lines of realistic articles built from the seeds.
//!
//! ```sh
//! cargo run --release --example gen-corpus -- --articles 100000 --seed 1 > corpus.jsonl
//! cargo run --release --example gen-corpus -- --profile flood --outlets 8 --articles 20000
//! ```
//!
//! Sentences come from the seeds' content paragraphs (as dossier itself classifies them), with
//! names, countries, years and dates varied. Each article gets a site header and footer of
//! boilerplate. Profiles give the shapes real archives have:
//!
//! - `standard` (the default): articles of about 2.6 KB in 4 to 12 paragraphs. About 10% of
//!   records are exact duplicates of an earlier one (another URL), about 5% are near-duplicates
//!   (other boilerplate, a few words edited), and about 20% of paragraphs are drawn from a shared
//!   pool, as syndicated copy is.
//! - `long`: the same mix in articles of 6 to 7 KB, about 17 paragraphs.
//! - `flood`: one wire story re-posted N times, each copy with one paragraph edited (a place, a
//!   counter), by `--outlets` outlets in turn (default 1), each with its own header and footer.
//! - `mixed`: the real mix: about 70% unique articles (a third of them long), 10% exact copies,
//!   5% near-duplicates, and 15% copies of a few stories re-posted at once, each of them 10 to
//!   2,560 times by one outlet or several.
//!
//! Output depends only on the options: the random generator is `SplitMix64`, written here so no
//! crate upgrade changes it. Memory is bounded whatever `--articles` is: copies are drawn from a
//! window of recent articles and a handful of running floods.

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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Profile {
    Standard,
    Long,
    Flood,
    Mixed,
}

struct Args {
    articles: usize,
    seed: u64,
    profile: Profile,
    outlets: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        articles: 10_000,
        seed: 1,
        profile: Profile::Standard,
        outlets: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--articles" => {
                args.articles = value.parse().map_err(|e| format!("--articles: {e}"))?;
            }
            "--seed" => args.seed = value.parse().map_err(|e| format!("--seed: {e}"))?,
            "--profile" => {
                args.profile = match value.as_str() {
                    "standard" => Profile::Standard,
                    "long" => Profile::Long,
                    "flood" => Profile::Flood,
                    "mixed" => Profile::Mixed,
                    other => {
                        return Err(format!(
                            "unknown profile {other}; use standard, long, flood or mixed"
                        ));
                    }
                }
            }
            "--outlets" => {
                args.outlets = value.parse().map_err(|e| format!("--outlets: {e}"))?;
                if !(1..=OUTLETS.len()).contains(&args.outlets) {
                    return Err(format!("--outlets: 1 to {}", OUTLETS.len()));
                }
            }
            other => {
                return Err(format!(
                    "unknown option {other}; use --articles N --seed S --profile P --outlets K"
                ));
            }
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

/// A paragraph of `sentences.0` to `sentences.1` sentences.
fn paragraph(pool: &[String], sentences: (usize, usize), rng: &mut Rng) -> String {
    let n = sentences.0 + rng.below(sentences.1 + 1 - sentences.0);
    (0..n)
        .map(|_| {
            let sentence = &pool[rng.below(pool.len())];
            vary(sentence, rng)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn with_boilerplate(body: &[String], title: &str, rng: &mut Rng) -> String {
    let header = rng.pick(HEADERS);
    let footer = rng.pick(FOOTERS);
    page(header, body, title, footer)
}

fn page(header: &[&str], body: &[String], title: &str, footer: &[&str]) -> String {
    let mut lines: Vec<String> = header.iter().map(ToString::to_string).collect();
    lines.push(String::new());
    lines.push(title.to_string());
    for p in body {
        lines.push(String::new());
        lines.push(p.clone());
    }
    lines.push(String::new());
    lines.extend(footer.iter().map(ToString::to_string));
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

/// Sentences per paragraph in the standard articles and in the long ones.
const SHORT: (usize, usize) = (1, 3);
const LONG: (usize, usize) = (2, 3);

struct Record {
    body: Vec<String>,
    title: String,
    text: String,
    outlet: &'static str,
    published: String,
}

/// One story re-posted again and again: a wire story, a live update.
struct Flood {
    story: Vec<String>,
    title: String,
    published: (usize, usize, usize),
    /// Outlets re-posting it, each with its own header and footer.
    outlets: Vec<usize>,
    copies_left: usize,
    posted: usize,
}

impl Flood {
    fn new(pool: &[String], outlets: usize, copies: usize, rng: &mut Rng) -> Flood {
        let story: Vec<String> = (0..8).map(|_| paragraph(pool, SHORT, rng)).collect();
        let first = rng.below(OUTLETS.len());
        Flood {
            title: title_of(&story),
            story,
            published: (2015 + rng.below(11), 1 + rng.below(12), 1 + rng.below(28)),
            outlets: (0..outlets).map(|k| (first + k) % OUTLETS.len()).collect(),
            copies_left: copies,
            posted: 0,
        }
    }

    /// The next copy: one paragraph varied (a place, a name, a year) and a running count, under
    /// the next outlet's own header and footer.
    fn copy(&mut self, rng: &mut Rng) -> Record {
        self.posted += 1;
        self.copies_left = self.copies_left.saturating_sub(1);
        let mut body = self.story.clone();
        let i = rng.below(body.len());
        body[i] = vary(&body[i], rng);
        body.push(format!(
            "The count stood at {} in the latest update, number {} of the day.",
            100 + rng.below(9000),
            self.posted
        ));
        let outlet = self.outlets[self.posted % self.outlets.len()];
        let text = page(
            HEADERS[outlet % HEADERS.len()],
            &body,
            &self.title,
            FOOTERS[outlet % FOOTERS.len()],
        );
        let (y, m, d) = self.published;
        Record {
            body,
            title: self.title.clone(),
            text,
            outlet: OUTLETS[outlet],
            published: format!("{y}-{m:02}-{:02}", (d + self.posted / 200).min(28)),
        }
    }
}

fn title_of(body: &[String]) -> String {
    let title: String = body[0].split(' ').take(8).collect::<Vec<_>>().join(" ");
    title.trim_end_matches(['.', ',']).to_string()
}

/// A new article of `paragraphs` paragraphs; a fifth of them from the shared pool.
fn unique(
    pool: &[String],
    shared: &[String],
    paragraphs: usize,
    sentences: (usize, usize),
    rng: &mut Rng,
) -> Record {
    let body: Vec<String> = (0..paragraphs)
        .map(|_| {
            if rng.chance(20) {
                rng.pick(shared).clone()
            } else {
                paragraph(pool, sentences, rng)
            }
        })
        .collect();
    let title = title_of(&body);
    let text = with_boilerplate(&body, &title, rng);
    record(body, title, text, rng)
}

fn record(body: Vec<String>, title: String, text: String, rng: &mut Rng) -> Record {
    Record {
        body,
        title,
        text,
        outlet: OUTLETS[rng.below(OUTLETS.len())],
        published: format!(
            "{}-{:02}-{:02}",
            2015 + rng.below(11),
            1 + rng.below(12),
            1 + rng.below(28)
        ),
    }
}

/// A copy of a recent article: exact (the same text at another URL) or lightly edited.
fn copy_of(recent: &[Record], exact: bool, rng: &mut Rng) -> Record {
    let r = &recent[rng.below(recent.len())];
    let (body, text) = if exact {
        (r.body.clone(), r.text.clone())
    } else {
        let body = edit(&r.body, rng);
        let text = with_boilerplate(&body, &r.title, rng);
        (body, text)
    };
    record(body, r.title.clone(), text, rng)
}

/// The generator's state: a bounded window of recent articles to copy, and running floods.
struct Generator {
    profile: Profile,
    pool: Vec<String>,
    shared: Vec<String>,
    recent: Vec<Record>,
    floods: Vec<Flood>,
    rng: Rng,
}

impl Generator {
    fn next(&mut self, articles: usize) -> Record {
        let rng = &mut self.rng;
        let roll = rng.below(100);
        let have_recent = !self.recent.is_empty();
        match self.profile {
            Profile::Flood => self.floods[0].copy(rng),
            Profile::Standard | Profile::Long if roll < 15 && have_recent => {
                copy_of(&self.recent, roll < 10, rng)
            }
            Profile::Standard => {
                let n = 4 + rng.below(9);
                unique(&self.pool, &self.shared, n, SHORT, rng)
            }
            Profile::Long => {
                let n = 15 + rng.below(5);
                unique(&self.pool, &self.shared, n, LONG, rng)
            }
            Profile::Mixed if roll < 15 && have_recent => copy_of(&self.recent, roll < 10, rng),
            Profile::Mixed if roll < 30 => {
                let k = rng.below(8);
                if k >= self.floods.len() || self.floods[k].copies_left == 0 {
                    // Sizes 10 to 2,560 copies, each size as likely: most floods are small.
                    let copies = (10 << rng.below(9)).min(articles.max(10));
                    let outlets = if rng.chance(50) { 1 } else { 2 + rng.below(7) };
                    let flood = Flood::new(&self.pool, outlets, copies, rng);
                    if k >= self.floods.len() {
                        self.floods.push(flood);
                    } else {
                        self.floods[k] = flood;
                    }
                }
                let k = k.min(self.floods.len() - 1);
                self.floods[k].copy(rng)
            }
            Profile::Mixed => {
                if rng.chance(33) {
                    let n = 15 + rng.below(5);
                    unique(&self.pool, &self.shared, n, LONG, rng)
                } else {
                    let n = 4 + rng.below(9);
                    unique(&self.pool, &self.shared, n, SHORT, rng)
                }
            }
        }
    }

    fn remember(&mut self, record: Record) {
        if self.recent.len() < 500 {
            self.recent.push(record);
        } else {
            let slot = self.rng.below(self.recent.len());
            self.recent[slot] = record;
        }
    }
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
    let shared: Vec<String> = (0..2000)
        .map(|_| paragraph(&pool, SHORT, &mut rng))
        .collect();
    let floods = if args.profile == Profile::Flood {
        vec![Flood::new(&pool, args.outlets, args.articles, &mut rng)]
    } else {
        Vec::new()
    };
    let mut generator = Generator {
        profile: args.profile,
        pool,
        shared,
        recent: Vec::new(),
        floods,
        rng,
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for id in 0..args.articles {
        let record = generator.next(args.articles);
        let line = serde_json::json!({
            "id": id,
            "text": record.text,
            "title": record.title,
            "url": format!("https://example.com/{}/{id}", generator.rng.below(1000)),
            "outlet": record.outlet,
            "published": record.published,
        });
        if writeln!(out, "{line}").is_err() {
            return; // a closed pipe (| head) ends the corpus quietly
        }
        generator.remember(record);
    }
    let _ = out.flush();
}
