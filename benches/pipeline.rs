//! Per-stage benchmarks over the seeds, in bytes per second: `cargo bench --bench pipeline`.
//!
//! Each stage runs alone on the five sample articles (segmentation, normalization, boilerplate,
//! entities, discovery, quotes, events, MinHash, the whole `prepare`), so a regression shows in the
//! stage that caused it. The end-to-end figures (ingest against a bare SQLite load, at 10k and
//! 100k articles) come from `bench/run.sh`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dossier::clean::boilerplate::{self, Role};
use dossier::clean::minhash;
use dossier::extract::Resources;
use dossier::extract::entities::{EntityRef, EntityType};
use dossier::extract::{discover, events, quotes};
use dossier::pipeline::{self, NoLineCounts};
use dossier::source::{DocFormat, Meta};
use dossier::text::{normalize, segment};

const SEEDS: &[&str] = &[
    include_str!("../seeds/000_eb7c7dcc405d1360.txt"),
    include_str!("../seeds/001_05349aeaac386fd4.txt"),
    include_str!("../seeds/002_c8283d8010635bc2.txt"),
    include_str!("../seeds/003_3cde689f60b82d13.txt"),
    include_str!("../seeds/004_66863c9943df5b81.txt"),
];

/// One seed with what the later stages take as input.
struct Article {
    raw: &'static str,
    prepared: pipeline::Prepared,
    texts: Vec<String>,
}

impl Article {
    fn texts(&self) -> Vec<&str> {
        self.texts.iter().map(String::as_str).collect()
    }
}

fn mentions(a: &Article, r: &Resources) -> usize {
    r.gazetteer.extract(&a.texts(), Some(2021)).len()
}

fn discovered(a: &Article) -> usize {
    let texts = a.texts();
    let read = vec![true; texts.len()];
    let claimed = vec![Vec::new(); texts.len()];
    discover::discover(&texts, &read, &claimed).1.len()
}

fn quoted(a: &Article, r: &Resources) -> usize {
    let p = &a.prepared;
    let read: Vec<bool> = p
        .paragraphs
        .iter()
        .map(|q| q.role != Role::Boilerplate)
        .collect();
    let is_person = |e: EntityRef| match e {
        EntityRef::Gazetteer(i) => r.gazetteer.entities[i].kind == EntityType::Person,
        EntityRef::Discovered(i) => p.discovered[i].kind == EntityType::Person,
    };
    quotes::extract(&a.texts(), &read, &p.mentions, &is_person).len()
}

fn coded(a: &Article, r: &Resources) -> usize {
    let p = &a.prepared;
    let texts = a.texts();
    let (mentions, demonyms) = r.gazetteer.extract_with_demonyms(&texts, Some(2021));
    let content: Vec<bool> = p
        .paragraphs
        .iter()
        .map(|q| q.role == Role::Content)
        .collect();
    let actors = events::ArticleActors {
        gazetteer: &r.gazetteer,
        discovered: &p.discovered,
    };
    events::extract(
        &texts,
        &content,
        &mentions,
        &demonyms,
        Some("2021-06-01"),
        &actors,
        &r.taxonomy,
    )
    .len()
}

/// A stage under test: one article in, a count out (so the work is not optimised away).
type Stage<'a> = Box<dyn Fn(&Article) -> usize + 'a>;

fn stages(c: &mut Criterion) {
    let resources = Resources::built_in();
    let r = &resources;
    let meta = Meta {
        published: Some("2021".into()),
        ..Meta::default()
    };
    let articles: Vec<Article> = SEEDS
        .iter()
        .map(|raw| {
            let prepared = pipeline::prepare(raw, DocFormat::Text, &meta, &NoLineCounts, r);
            let texts = prepared.paragraphs.iter().map(|q| q.text.clone()).collect();
            Article {
                raw,
                prepared,
                texts,
            }
        })
        .collect();
    let stages: Vec<(&str, Stage<'_>)> = vec![
        ("segment", Box::new(|a| segment::segment(a.raw).len())),
        (
            "normalize",
            Box::new(|a| normalize::key(&normalize::display(a.raw)).len()),
        ),
        (
            "boilerplate",
            Box::new(|a| boilerplate::classify(&a.texts, None, &[]).len()),
        ),
        ("entities", Box::new(|a| mentions(a, r))),
        ("discover", Box::new(discovered)),
        ("quotes", Box::new(|a| quoted(a, r))),
        ("events", Box::new(|a| coded(a, r))),
        (
            "minhash",
            Box::new(|a| minhash::buckets(&minhash::shingles(a.texts())).len()),
        ),
        (
            "prepare",
            Box::new(|a| {
                pipeline::prepare(a.raw, DocFormat::Text, &meta, &NoLineCounts, r)
                    .paragraphs
                    .len()
            }),
        ),
    ];
    let mut group = c.benchmark_group("stage");
    group.throughput(Throughput::Bytes(
        SEEDS.iter().map(|s| s.len() as u64).sum(),
    ));
    for (name, stage) in &stages {
        group.bench_function(*name, |b| {
            b.iter(|| articles.iter().map(|a| stage(black_box(a))).sum::<usize>());
        });
    }
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
