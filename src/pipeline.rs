//! The pure part of ingest: one raw input in, one [`Prepared`] article out. No I/O, no database.
//!
//! Stages, in order:
//! 1. [`segment`] the raw text into paragraphs with line numbers and [`normalize`] each (display
//!    text and comparison key, hashed);
//! 2. label each title, content or boilerplate ([`classify`](crate::clean::boilerplate::classify)),
//!    with how often the corpus repeats its line ([`LineCounts`]);
//! 3. the article's hash over its content paragraphs' keys, its title and publication date
//!    (metadata first, else from the text), and its MinHash shingles and LSH buckets;
//! 4. read the content with the [`Resources`]: gazetteer entities and discovered ones, quotes
//!    with their speakers, and dated CAMEO events.
//!
//! The writer ([`crate::store::write`]) stores what comes out; the engines run this in parallel.

use crate::clean::boilerplate::{self, Role};
use crate::clean::minhash::{self, Shingles};
use crate::extract::Resources;
use crate::extract::discover::{self, Claim, Claimed, Discovered};
use crate::extract::entities::{EntityRef, EntityType, Gazetteer, Mention};
use crate::extract::events::{self, Event};
use crate::extract::quotes::{self, Quote};
use crate::html;
use crate::source::{DocFormat, Meta};
use crate::text::dates;
use crate::text::hashing::ContentHash;
use crate::text::normalize;
use crate::text::segment;

/// How often lines were seen in other documents: the corpus-level repetition signal, read from
/// the archive during ingest and counted over the whole archive during reprocess.
pub trait LineCounts {
    /// Number of other documents of `outlet` (`""` when unknown) that contain the line.
    fn documents_with(&self, line_key: i64, outlet: &str) -> u32;
}

/// No corpus knowledge: every line is new.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLineCounts;

impl LineCounts for NoLineCounts {
    fn documents_with(&self, _line_key: i64, _outlet: &str) -> u32 {
        0
    }
}

/// The key a line is counted under: the first 64 bits of its paragraph hash.
#[must_use]
pub fn line_key(sha256: &ContentHash) -> i64 {
    sha256.prefix_i64()
}

/// Would `counts` classify this prepared article's lines as it was classified? (Its short lines'
/// repetition levels are unchanged.) When not, it must be prepared again with `counts`.
///
/// `counts` must be at least the counts it was prepared with (ingest only adds documents), so
/// a line already at the top level needs no lookup.
#[must_use]
pub fn counts_agree(prepared: &Prepared, outlet: Option<&str>, counts: &dyn LineCounts) -> bool {
    let outlet = outlet.unwrap_or("");
    prepared.paragraphs.iter().all(|p| {
        p.line_key.is_none_or(|k| {
            p.repeat_level == boilerplate::MAX_REPEAT_LEVEL
                || boilerplate::repeat_level(counts.documents_with(k, outlet)) == p.repeat_level
        })
    })
}

/// `prepared` as [`prepare`] would make it with `counts`, which must be at least the counts it
/// was prepared with. Costs one lookup per short line when the lines' repetition levels are
/// unchanged (the article is returned as it is), and a classification when the levels changed
/// but every paragraph keeps its role and rule (only the levels are updated: nothing after
/// classification reads them). Only an article whose roles change is prepared again from `raw`.
#[must_use]
pub fn with_counts(
    mut prepared: Box<Prepared>,
    raw: &str,
    format: DocFormat,
    meta: &Meta,
    counts: &dyn LineCounts,
    resources: &Resources,
) -> Box<Prepared> {
    if counts_agree(&prepared, meta.outlet.as_deref(), counts) {
        return prepared;
    }
    let outlet = meta.outlet.as_deref().unwrap_or("");
    let repeats: Vec<u32> = prepared
        .paragraphs
        .iter()
        .map(|p| p.line_key.map_or(0, |k| counts.documents_with(k, outlet)))
        .collect();
    let texts: Vec<&str> = prepared
        .paragraphs
        .iter()
        .map(|p| p.text.as_str())
        .collect();
    let labels = boilerplate::classify(&texts, meta.title.as_deref(), &repeats);
    let unchanged = labels
        .iter()
        .zip(&prepared.paragraphs)
        .all(|(label, p)| label.role == p.role && label.rule == p.rule);
    if !unchanged {
        return Box::new(prepare(raw, format, meta, counts, resources));
    }
    for (p, seen) in prepared.paragraphs.iter_mut().zip(repeats) {
        p.repeat_level = boilerplate::repeat_level(seen);
    }
    prepared
}

/// The distinct keys of a raw text's short lines (those that take part in line counting; none
/// of a page's).
#[must_use]
pub fn line_keys(raw: &str, format: DocFormat) -> Vec<i64> {
    if format == DocFormat::Html {
        return Vec::new();
    }
    let mut keys: Vec<i64> = segment::segment(raw)
        .iter()
        .map(|s| normalize::display(&s.joined()))
        .filter(|t| counted(t))
        .map(|t| line_key(&ContentHash::of(normalize::key(&t).as_bytes())))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn counted(text: &str) -> bool {
    !text.is_empty() && text.chars().count() <= boilerplate::CORPUS_MAX_CHARS
}

/// A paragraph ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedParagraph {
    /// Hash of the normalized key.
    pub sha256: ContentHash,
    /// Display-normalized text.
    pub text: String,
    /// Word count.
    pub words: usize,
    /// Title, content or boilerplate.
    pub role: Role,
    /// The rule that chose the role.
    pub rule: &'static str,
    /// 1-based first raw line.
    pub line_start: usize,
    /// 1-based last raw line, inclusive.
    pub line_end: usize,
    /// The key this paragraph is counted under in `line_counts`, if it is short enough to be.
    pub line_key: Option<i64>,
    /// The [`boilerplate::repeat_level`] of its count in other documents when it was classified.
    pub repeat_level: u8,
}

/// An article ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// Hash of the content paragraphs.
    pub sha256: ContentHash,
    /// Title from the metadata, else from the text.
    pub title: Option<String>,
    /// Publication date: from the metadata, else from a dateline near the top of the text.
    pub published: Option<String>,
    /// Where `published` came from: `metadata` (the sidecar, the JSON record or the page's own
    /// metadata) or `text`.
    pub published_source: Option<&'static str>,
    /// Where it was published: the metadata's URL, else the page's canonical one.
    pub url: Option<String>,
    /// The publication: the metadata's, else the page's site name.
    pub outlet: Option<String>,
    /// The authors a page names.
    pub byline: Option<String>,
    /// Where each field came from, in order: (`title`, `og:title`), (`published`, `text`)…
    pub sources: Vec<(&'static str, &'static str)>,
    /// Why a page holds no article (no visible text, a frameset, a redirect): the input is
    /// refused with this message rather than archived.
    pub empty: Option<String>,
    /// Words in content paragraphs.
    pub words: usize,
    /// Every paragraph, in order.
    pub paragraphs: Vec<PreparedParagraph>,
    /// 5-word shingles of the content, for near-duplicate verification.
    pub shingles: Shingles,
    /// LSH buckets of the content's MinHash signature (empty for very short content).
    pub buckets: Vec<i64>,
    /// Entity mentions in every paragraph (boilerplate included; queries leave those out).
    pub mentions: Vec<Mention>,
    /// People and organisations the gazetteer lacks, found in this article.
    pub discovered: Vec<Discovered>,
    /// Quotations attributed to named people.
    pub quotes: Vec<Quote>,
    /// Dated, coded events read in its content.
    pub events: Vec<Event>,
}

/// One paragraph as segmentation and labelling give it, before hashing.
struct Labelled {
    text: String,
    role: Role,
    rule: &'static str,
    line_start: usize,
    line_end: usize,
}

/// Run the pipeline over one raw input, read as `format`. `counts` tells how often its short
/// lines were seen in other documents of the same outlet (plain text only: a page's structure
/// says what its furniture is).
#[must_use]
pub fn prepare(
    raw: &str,
    format: DocFormat,
    meta: &Meta,
    counts: &dyn LineCounts,
    resources: &Resources,
) -> Prepared {
    match format {
        DocFormat::Text => prepare_text(raw, meta, counts, resources),
        DocFormat::Html => prepare_page(raw, meta, resources),
    }
}

fn prepare_text(
    raw: &str,
    meta: &Meta,
    counts: &dyn LineCounts,
    resources: &Resources,
) -> Prepared {
    let segments = segment::segment(raw);
    let texts: Vec<String> = segments
        .iter()
        .map(|s| normalize::display(&s.joined()))
        .collect();
    // Each paragraph's key, made once: its hash, the article's hash and the shingles use it.
    let keys: Vec<String> = texts.iter().map(|t| normalize::key(t)).collect();
    let hashes: Vec<ContentHash> = keys.iter().map(|k| ContentHash::of(k.as_bytes())).collect();
    let line_keys: Vec<Option<i64>> = texts
        .iter()
        .zip(&hashes)
        .map(|(t, h)| counted(t).then(|| line_key(h)))
        .collect();
    let outlet = meta.outlet.as_deref().unwrap_or("");
    let repeats: Vec<u32> = line_keys
        .iter()
        .map(|k| k.map_or(0, |k| counts.documents_with(k, outlet)))
        .collect();
    let labels = boilerplate::classify_keyed(&texts, &keys, meta.title.as_deref(), &repeats);
    let labelled = segments
        .iter()
        .zip(texts)
        .zip(labels)
        .map(|((seg, text), label)| Labelled {
            text,
            role: label.role,
            rule: label.rule,
            line_start: seg.line_start,
            line_end: seg.line_end,
        })
        .collect();
    let counted = line_keys.into_iter().zip(repeats).collect();
    let given = |value: &Option<String>| value.clone().map(|v| (v, "metadata"));
    let found = Found {
        title: given(&meta.title),
        published: given(&meta.published),
        url: given(&meta.url),
        outlet: given(&meta.outlet),
        byline: None,
    };
    assemble(labelled, &keys, hashes, counted, found, None, resources)
}

/// A page: blocks and roles from its structure ([`html::read`]), metadata from the sidecar or
/// record first, then from the page itself.
fn prepare_page(raw: &str, meta: &Meta, resources: &Resources) -> Prepared {
    let page = html::read(raw);
    let labelled: Vec<Labelled> = page
        .blocks
        .into_iter()
        .filter_map(|b| {
            let text = normalize::display(&b.text);
            (!text.is_empty()).then_some(Labelled {
                text,
                role: b.role,
                rule: b.rule,
                line_start: b.line_start,
                line_end: b.line_end,
            })
        })
        .collect();
    let keys: Vec<String> = labelled.iter().map(|p| normalize::key(&p.text)).collect();
    let hashes: Vec<ContentHash> = keys.iter().map(|k| ContentHash::of(k.as_bytes())).collect();
    let counted = vec![(None, 0); labelled.len()];
    let given = |value: &Option<String>| value.clone().map(|v| (v, "metadata"));
    let found = Found {
        title: given(&meta.title).or(page.meta.title),
        published: given(&meta.published).or(page.meta.published),
        url: given(&meta.url).or(page.meta.url),
        outlet: given(&meta.outlet).or(page.meta.outlet),
        byline: page.meta.byline,
    };
    let empty = labelled
        .is_empty()
        .then_some(page.empty.unwrap_or_else(|| html::NO_TEXT.to_string()));
    assemble(labelled, &keys, hashes, counted, found, empty, resources)
}

/// Metadata found for an article, each value with where it came from.
struct Found {
    title: Option<(String, &'static str)>,
    published: Option<(String, &'static str)>,
    url: Option<(String, &'static str)>,
    outlet: Option<(String, &'static str)>,
    byline: Option<(String, &'static str)>,
}

/// The stages after labelling, the same for text and pages: hashes, title and date, shingles,
/// and the readers.
fn assemble(
    labelled: Vec<Labelled>,
    keys: &[String],
    hashes: Vec<ContentHash>,
    counted: Vec<(Option<i64>, u32)>,
    found: Found,
    empty: Option<String>,
    resources: &Resources,
) -> Prepared {
    let paragraphs: Vec<PreparedParagraph> = labelled
        .into_iter()
        .zip(hashes)
        .zip(counted)
        .map(|((p, sha256), (line_key, seen))| PreparedParagraph {
            sha256,
            line_key,
            repeat_level: boilerplate::repeat_level(seen),
            words: normalize::word_count(&p.text),
            text: p.text,
            role: p.role,
            rule: p.rule,
            line_start: p.line_start,
            line_end: p.line_end,
        })
        .collect();

    let content: Vec<&PreparedParagraph> = paragraphs
        .iter()
        .filter(|p| p.role == Role::Content)
        .collect();
    let content_keys: Vec<&str> = paragraphs
        .iter()
        .zip(keys)
        .filter(|(p, _)| p.role == Role::Content)
        .map(|(_, k)| k.as_str())
        .collect();
    // A page with no content (all furniture) still gets an article of its own: hash everything,
    // marked so it cannot collide with a real article's content hash.
    let sha256 = if content.is_empty() {
        ContentHash::of_lines(
            std::iter::once("\u{0}no-content").chain(keys.iter().map(String::as_str)),
        )
    } else {
        ContentHash::of_lines(content_keys.iter().copied())
    };
    let mut sources: Vec<(&'static str, &'static str)> = Vec::new();
    let title = found
        .title
        .map(|(t, from)| (normalize::display(&t), from))
        .filter(|(t, _)| !t.is_empty())
        .or_else(|| {
            paragraphs
                .iter()
                .find(|p| p.role == Role::Title)
                .map(|p| (p.text.clone(), "text"))
        })
        .map(|(t, from)| {
            sources.push(("title", from));
            t
        });
    let (published, published_source) = match found.published {
        Some((date, from)) => {
            sources.push(("published", from));
            (Some(date), Some("metadata"))
        }
        None => match dates::publication_date(paragraphs.iter().map(|p| p.text.as_str())) {
            Some(date) => {
                sources.push(("published", "text"));
                (Some(date.to_string()), Some("text"))
            }
            None => (None, None),
        },
    };
    let mut take = |field: &'static str, value: Option<(String, &'static str)>| {
        value.map(|(v, from)| {
            sources.push((field, from));
            v
        })
    };
    let url = take("url", found.url);
    let outlet = take("outlet", found.outlet);
    let byline = take("byline", found.byline);
    let read = read_content(&paragraphs, published.as_deref(), resources);
    let shingles = minhash::shingles_of_keys(content_keys);
    let buckets = minhash::buckets(&shingles);
    Prepared {
        sha256,
        shingles,
        buckets,
        mentions: read.mentions,
        discovered: read.discovered,
        quotes: read.quotes,
        events: read.events,
        title,
        published,
        published_source,
        url,
        outlet,
        byline,
        sources,
        empty,
        words: content.iter().map(|p| p.words).sum(),
        paragraphs,
    }
}

/// What the readers of an article's text find: entities, quotes and events.
struct Read {
    mentions: Vec<Mention>,
    discovered: Vec<Discovered>,
    quotes: Vec<Quote>,
    events: Vec<Event>,
}

/// Run the entity, quote and event readers over an article's paragraphs.
fn read_content(
    paragraphs: &[PreparedParagraph],
    published: Option<&str>,
    resources: &Resources,
) -> Read {
    let gazetteer = &resources.gazetteer;
    let year = published
        .and_then(|p| p.get(..4))
        .and_then(|y| y.parse().ok());
    let texts: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
    let (mentions, demonyms, discovered) = find_entities(&texts, paragraphs, year, gazetteer);
    let read: Vec<bool> = paragraphs
        .iter()
        .map(|p| p.role != Role::Boilerplate)
        .collect();
    let is_person = |e: EntityRef| match e {
        EntityRef::Gazetteer(i) => gazetteer.entities[i].kind == EntityType::Person,
        EntityRef::Discovered(i) => discovered[i].kind == EntityType::Person,
    };
    let quotes = quotes::extract(&texts, &read, &mentions, &is_person);
    let content: Vec<bool> = paragraphs.iter().map(|p| p.role == Role::Content).collect();
    let events = events::extract(
        &texts,
        &content,
        &mentions,
        &demonyms,
        published,
        &events::ArticleActors {
            gazetteer,
            discovered: &discovered,
        },
        &resources.taxonomy,
    );
    Read {
        mentions,
        discovered,
        quotes,
        events,
    }
}

/// Gazetteer mentions, then discovery of what it lacks (outside boilerplate). A gazetteer place
/// inside a discovered organisation's name ("Catholic University of America") yields to it.
fn find_entities(
    texts: &[&str],
    paragraphs: &[PreparedParagraph],
    year: Option<u16>,
    gazetteer: &Gazetteer,
) -> (Vec<Mention>, Vec<Mention>, Vec<Discovered>) {
    let (mut mentions, demonyms) = gazetteer.extract_with_demonyms(texts, year);
    let mut claimed: Vec<Vec<Claim>> = vec![Vec::new(); texts.len()];
    for m in &mentions {
        if let EntityRef::Gazetteer(e) = m.entity {
            let kind = match gazetteer.entities[e].kind {
                EntityType::Country => Claimed::Country,
                EntityType::Location => Claimed::Place,
                _ => Claimed::Name,
            };
            claimed[m.paragraph].push(Claim {
                start: m.char_start,
                end: m.char_end,
                kind,
            });
        }
    }
    // A nationality is no part of a name ("Rwandan Foreign Minister Jan Novak").
    for d in &demonyms {
        claimed[d.paragraph].push(Claim {
            start: d.char_start,
            end: d.char_end,
            kind: Claimed::Country,
        });
    }
    let read: Vec<bool> = paragraphs
        .iter()
        .map(|p| p.role != Role::Boilerplate)
        .collect();
    let (discovered, found) = discover::discover(texts, &read, &claimed);
    let mut found_in: Vec<Vec<(usize, usize)>> = vec![Vec::new(); texts.len()];
    for f in &found {
        found_in[f.paragraph].push((f.char_start, f.char_end));
    }
    mentions.retain(|m| {
        !found_in[m.paragraph]
            .iter()
            .any(|&(start, end)| start <= m.char_start && m.char_end <= end)
    });
    mentions.extend(found.into_iter().map(|f| Mention {
        paragraph: f.paragraph,
        entity: EntityRef::Discovered(f.entity),
        char_start: f.char_start,
        char_end: f.char_end,
        surface: f.surface,
        is_metonym: false,
    }));
    mentions.sort_by_key(|m| (m.paragraph, m.char_start));
    (mentions, demonyms, discovered)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in data, built once for these tests.
    static BUILT: std::sync::LazyLock<Resources> = std::sync::LazyLock::new(Resources::built_in);

    const BODY: &str = "The two governments agreed on Thursday to resume the talks that had been \
        suspended since the spring, officials in both capitals said, adding that they hoped the \
        meeting would be the first of several over the coming months.";

    #[test]
    fn crlf_spacing_quotes_and_boilerplate_do_not_change_the_article() {
        let a = format!(
            "Talks Resume Between The Two Neighbours\n\n{BODY}\n\n“It’s a start,” he said, speaking to reporters outside.\n"
        );
        let b = format!(
            "Advertisement\r\n\r\nTalks Resume Between The Two Neighbours\r\n\r\n  {}  \r\n\r\n\"It's a start,\" he said, speaking to reporters outside.\r\n\r\nShare this article\r\n",
            BODY.replace(", ", ",  ")
        );
        let pa = prepare(&a, DocFormat::Text, &Meta::default(), &NoLineCounts, &BUILT);
        let pb = prepare(&b, DocFormat::Text, &Meta::default(), &NoLineCounts, &BUILT);
        assert_eq!(pa.sha256, pb.sha256);
        assert_eq!(
            pa.title.as_deref(),
            Some("Talks Resume Between The Two Neighbours")
        );
        assert_eq!(pb.paragraphs.len(), 5);
        assert_eq!(pb.paragraphs[0].role, Role::Boilerplate);
    }

    #[test]
    fn metadata_title_and_date_win() {
        let meta = Meta {
            title: Some("Given Title".into()),
            published: Some("2020-02".into()),
            ..Meta::default()
        };
        let p = prepare(BODY, DocFormat::Text, &meta, &NoLineCounts, &BUILT);
        assert_eq!(p.title.as_deref(), Some("Given Title"));
        assert_eq!(p.published.as_deref(), Some("2020-02"));
        assert_eq!(p.published_source, Some("metadata"));
        assert!(p.words > 30);
    }

    /// No input makes the pipeline panic: every seed cut at many points, and with stray quote
    /// marks, hyphens and stops where they make the stages' edge cases.
    #[test]
    fn truncated_and_mangled_text_never_panics() {
        let seeds = [
            include_str!("../seeds/000_eb7c7dcc405d1360.txt"),
            include_str!("../seeds/001_05349aeaac386fd4.txt"),
            include_str!("../seeds/002_c8283d8010635bc2.txt"),
            include_str!("../seeds/003_3cde689f60b82d13.txt"),
            include_str!("../seeds/004_66863c9943df5b81.txt"),
        ];
        let meta = Meta {
            published: Some("2021-05".into()),
            ..Meta::default()
        };
        for seed in seeds {
            let cuts: Vec<usize> = seed.char_indices().map(|(i, _)| i).step_by(97).collect();
            for &cut in &cuts {
                let text = &seed[..cut];
                let _ = prepare(text, DocFormat::Text, &meta, &NoLineCounts, &BUILT);
                let mangled = format!("{text}“ \" - . Kim Han- “said"); // open quotes, dangling marks
                let p = prepare(&mangled, DocFormat::Text, &meta, &NoLineCounts, &BUILT);
                for m in &p.mentions {
                    let para: Vec<char> = p.paragraphs[m.paragraph].text.chars().collect();
                    let surface: String = para[m.char_start..m.char_end].iter().collect();
                    assert_eq!(surface, m.surface);
                }
            }
        }
    }

    #[test]
    fn all_furniture_page_gets_its_own_hash() {
        let a = prepare(
            "Advertisement\n\nShare this article\n",
            DocFormat::Text,
            &Meta::default(),
            &NoLineCounts,
            &BUILT,
        );
        let b = prepare(
            "Advertisement\n",
            DocFormat::Text,
            &Meta::default(),
            &NoLineCounts,
            &BUILT,
        );
        assert_ne!(a.sha256, b.sha256);
        assert_eq!(a.words, 0);
    }

    /// Lines seen in this many other documents: every line, or only the one with this key.
    struct Seen(u32, Option<i64>);

    impl LineCounts for Seen {
        fn documents_with(&self, line_key: i64, _outlet: &str) -> u32 {
            if self.1.is_none_or(|only| only == line_key) {
                self.0
            } else {
                0
            }
        }
    }

    #[test]
    fn classifying_again_with_more_counts_gives_what_preparing_with_them_gives() {
        // Short lines of three kinds: furniture a hard rule already labels (its level may
        // change while its role does not), a fragment and a short sentence (their roles change
        // at the fragment and at the sentence threshold).
        let raw = format!(
            "Talks Resume Between The Two Neighbours\n\nAdvertisement\n\n{BODY}\n\n\
             Seoul bureau\n\nThe ministry declined to comment on the report.\n\n{BODY}\n"
        );
        let meta = Meta {
            outlet: Some("example.com".into()),
            ..Meta::default()
        };
        let furniture = line_key(&ContentHash::of(normalize::key("Advertisement").as_bytes()));
        let levels = [0, 1, 2, 3, 4, 9, 10, 11, 50];
        let mut paths = [0; 3]; // unchanged, levels only, prepared again
        for (only, (i, &before)) in [None, Some(furniture)]
            .into_iter()
            .flat_map(|only| levels.iter().enumerate().map(move |l| (only, l)))
        {
            let early = prepare(&raw, DocFormat::Text, &meta, &Seen(before, only), &BUILT);
            for &after in &levels[i..] {
                let exact = prepare(&raw, DocFormat::Text, &meta, &Seen(after, only), &BUILT);
                let roles_kept = early
                    .paragraphs
                    .iter()
                    .zip(&exact.paragraphs)
                    .all(|(a, b)| (a.role, a.rule) == (b.role, b.rule));
                paths[if early == exact {
                    0
                } else if roles_kept {
                    1
                } else {
                    2
                }] += 1;
                let again = with_counts(
                    Box::new(early.clone()),
                    &raw,
                    DocFormat::Text,
                    &meta,
                    &Seen(after, only),
                    &BUILT,
                );
                assert_eq!(*again, exact, "prepared with {before}, then {after} seen");
            }
        }
        assert!(paths.iter().all(|&n| n > 0), "every path taken: {paths:?}");
    }
}
