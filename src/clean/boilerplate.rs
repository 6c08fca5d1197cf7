//! Boilerplate classification: which paragraphs are the article and which are site furniture.
//!
//! Input: the normalized paragraphs of one document, in order, and the title the metadata gave
//! (if any). Output: one [`Label`] per paragraph, with the [`Role`] and the rule that decided it.
//! Nothing is removed; the caller stores every paragraph with its label.
//!
//! The method follows jusText (Pomikálek 2011) adapted to plain text, plus signals plain text
//! gives that HTML extractors get from the DOM:
//! 1. Hard rules mark a paragraph boilerplate outright: a pattern from `data/boilerplate.tsv`
//!    (ads, share and comment prompts, datelines, credits; each bounded by a word count), link
//!    density (URL, hashtag and handle characters over 0.2 of the text, jusText's link density),
//!    no words at all (prices, counters), a repeat of the title or of another short line, a pull
//!    quote (a short line repeated inside a longer paragraph), a photo caption, and a headline-shaped
//!    line inside the body (an inline link to another story).
//! 2. The rest are classed by length and stopword density: `short` under 70 characters; `good`
//!    over 200 characters with stopword density at least 0.32; `near-good` otherwise when the
//!    density is at least 0.30 or the paragraph has the shape of prose; `bad` otherwise.
//! 3. Context revision as in jusText: a short paragraph takes its neighbours' class (looking past
//!    short and near-good ones); a near-good one is content unless both neighbours are bad. The
//!    document's ends count as neutral, so a truncated last paragraph of real text stays content.
//!
//! Losing article text is worse than keeping an ad, so every doubt resolves toward content.

use std::sync::LazyLock;

use foldhash::{HashMap, HashMapExt, HashSet};
use regex::{Regex, RegexBuilder};

use crate::text::normalize;
use crate::text::regexes::{self, ascii_word_boundaries};

/// The role a paragraph plays in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The headline.
    Title,
    /// Article text.
    Content,
    /// Site furniture: ads, navigation, prompts, repeated headlines, captions.
    Boilerplate,
}

impl Role {
    /// The name stored in `article_paragraphs.role`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Content => "content",
            Self::Boilerplate => "boilerplate",
        }
    }
}

/// A paragraph's role and the rule that chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// Title, content or boilerplate.
    pub role: Role,
    /// Why: a pattern name from `data/boilerplate.tsv` or one of the built-in rule names.
    pub rule: &'static str,
}

impl Label {
    const fn new(role: Role, why: &'static str) -> Self {
        Self { role, rule: why }
    }
}

/// jusText: paragraphs shorter than this (in characters) are `short`.
const LENGTH_LOW: usize = 70;
/// jusText: `good` paragraphs are longer than this.
const LENGTH_HIGH: usize = 200;
/// jusText: stopword density for `near-good`.
const STOPWORDS_LOW: f64 = 0.30;
/// jusText: stopword density for `good`.
const STOPWORDS_HIGH: f64 = 0.32;
/// jusText: link density above which a paragraph is bad.
const MAX_LINK_DENSITY: f64 = 0.2;
/// Lines repeated within a document up to this length are furniture (longer ones may be quotes).
const REPEAT_MAX_CHARS: usize = 100;
/// A pull quote is at least this long (shorter substrings match by chance) ...
const PULL_QUOTE_MIN_CHARS: usize = 20;
/// ... and at most this long.
const PULL_QUOTE_MAX_CHARS: usize = 200;
/// How far from a pull quote, in paragraphs either way, the text it repeats is looked for: a
/// page sets its pull quotes beside the passage they lift, and a bound keeps a transcript of
/// thousands of paragraphs linear.
const PULL_QUOTE_WINDOW: usize = 100;
/// Headline-shaped lines: word range and length bound.
const HEADLINE_WORDS: std::ops::RangeInclusive<usize> = 3..=30;
const HEADLINE_MAX_CHARS: usize = 250;
/// An inline link to another story has at least this many words (sub-headings have fewer).
const INLINE_HEADLINE_MIN_WORDS: usize = 6;

/// A paragraph over the short limit that reads as prose with at least this many words is good.
const PROSE_MIN_WORDS: usize = 10;

/// One row of `data/boilerplate.tsv`.
struct Pattern {
    name: &'static str,
    max_words: usize,
    regex: Regex,
}

/// The patterns in file order, and the largest `max_words` among them (longer paragraphs skip
/// pattern matching altogether).
struct Patterns {
    rows: Vec<Pattern>,
    max_words: usize,
}

static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    parse_patterns(include_str!("../../data/boilerplate.tsv"))
        // The file is compiled in and its parse is tested, so it cannot fail here.
        .unwrap_or_else(|e| panic!("data/boilerplate.tsv: {e}"))
});

static STOPWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/stopwords-en.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Whether a token, stripped of the punctuation around it, is a stopword; `scratch` holds its
/// lowercase form when it is not plain ASCII lowercase.
fn is_stopword(token: &str, scratch: &mut String) -> bool {
    let w = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
    // Most words are ASCII lowercase already: look them up as they are.
    if w.bytes().all(|b| b.is_ascii_lowercase() || b == b'\'') {
        return STOPWORDS.contains(w);
    }
    scratch.clear();
    if w.is_ascii() {
        scratch.push_str(w);
        scratch.make_ascii_lowercase();
    } else {
        scratch.extend(
            w.chars()
                .map(|c| if c == '’' { '\'' } else { c })
                .flat_map(char::to_lowercase),
        );
    }
    STOPWORDS.contains(scratch.as_str())
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    regexes::built_in(
        r"(?i)\b(https?://|www\.)\S+|\b[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|org|net|co|io|me|ly|gl|info|news|kr|jp|cn|uk|us)(/\S*)?|[#@][\p{L}\p{N}_]+",
    )
});

/// `\b` in a pattern means an ASCII word boundary: the furniture phrases are English (see
/// [`crate::text::regexes`]).
fn parse_patterns(tsv: &'static str) -> Result<Patterns, String> {
    let mut rows = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.splitn(3, '\t');
        let (Some(name), Some(max_words), Some(regex)) = (cols.next(), cols.next(), cols.next())
        else {
            return Err(format!("line {}: expected 3 tab-separated columns", n + 1));
        };
        let max_words = max_words
            .parse()
            .map_err(|e| format!("line {}: max_words: {e}", n + 1))?;
        let regex = RegexBuilder::new(&ascii_word_boundaries(regex))
            .case_insensitive(true)
            .build()
            .map_err(|e| format!("line {}: {e}", n + 1))?;
        rows.push(Pattern {
            name,
            max_words,
            regex,
        });
    }
    let max_words = rows.iter().map(|p| p.max_words).max().unwrap_or(0);
    Ok(Patterns { rows, max_words })
}

/// Features of one paragraph, computed once.
struct Features<'a> {
    text: &'a str,
    key: String,
    chars: usize,
    words: usize,
    stopword_density: f64,
    link_density: f64,
    has_letters: bool,
    ends_sentence: bool,
    starts_upper: bool,
    /// Share of words that start with a lowercase letter: prose has verbs and function words in
    /// lowercase; headings, names and menus are capitalised.
    lowercase_share: f64,
}

impl<'a> Features<'a> {
    /// `key` is [`normalize::key`] of `text`.
    fn new(text: &'a str, key: &str) -> Self {
        let key = key.to_lowercase();
        let chars = text.chars().count();
        // One pass over the tokens.
        let (mut words, mut stop, mut lowercase, mut has_letters) = (0usize, 0usize, 0usize, false);
        let mut word = String::new();
        for token in text.split_whitespace() {
            words += usize::from(normalize::is_word(token));
            lowercase += usize::from(token.chars().next().is_some_and(char::is_lowercase));
            has_letters =
                has_letters || token.chars().filter(|c| c.is_alphabetic()).nth(1).is_some();
            stop += usize::from(is_stopword(token, &mut word));
        }
        let link_chars: usize = URL
            .find_iter(text)
            .map(|m| m.as_str().chars().count())
            .sum();
        #[allow(clippy::cast_precision_loss)] // counts are far below 2^52
        let (stopword_density, link_density) = (
            if words == 0 {
                0.0
            } else {
                stop as f64 / words as f64
            },
            if chars == 0 {
                0.0
            } else {
                link_chars as f64 / chars as f64
            },
        );
        let ends_sentence = text
            .trim_end()
            .ends_with(['.', '!', '?', ':', ';', '"', '”', '’', ')', '…']);
        #[allow(clippy::cast_precision_loss)] // counts are far below 2^52
        let lowercase_share = if words == 0 {
            0.0
        } else {
            lowercase as f64 / words as f64
        };
        let starts_upper = text
            .chars()
            .find(|c| c.is_alphanumeric())
            .is_some_and(|c| c.is_uppercase() || c.is_numeric());
        Self {
            text,
            key,
            chars,
            words,
            stopword_density,
            link_density,
            has_letters,
            ends_sentence,
            starts_upper,
            lowercase_share,
        }
    }

    /// Reads like a sentence of prose: ends like one, with lowercase words in it.
    fn is_sentence(&self, min_words: usize) -> bool {
        self.words >= min_words
            && self
                .text
                .trim_end()
                .ends_with(['.', '!', '?', '"', '”', '’', '…'])
            && self.lowercase_share >= 0.3
    }

    fn is_headline_shaped(&self) -> bool {
        HEADLINE_WORDS.contains(&self.words)
            && self.chars <= HEADLINE_MAX_CHARS
            && self.starts_upper
            && !self.text.trim_end().ends_with('.')
    }
}

/// jusText's context-free classes, before revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Good,
    NearGood,
    Short,
    Bad,
    /// Boilerplate that interrupts an article body (an ad, a caption, a pull quote) rather than
    /// surrounding it: not evidence that the body has ended. See [`FURNITURE_RULES`].
    Furniture,
}

/// Hard rules for things that sit inside article bodies. When revising a near-good paragraph
/// they are looked past, so a quote between an ad and a caption stays content.
const FURNITURE_RULES: &[&str] = &[
    "advertisement",
    "credit",
    "pull-quote",
    "inline-headline",
    "widget",
    "share",
    "repeated-title",
    "repeated-line",
    "bracketed",
];

/// Classify every paragraph of one document. `paragraphs` are display-normalized texts;
/// `meta_title` is the title the metadata gave, if any.
///
/// `repeats[i]` is the number of other documents of the same outlet that contain paragraph `i`
/// (0 where unknown; see [`CORPUS_MAX_CHARS`]): the corpus-level repetition signal.
#[must_use]
pub fn classify<S: AsRef<str>>(
    paragraphs: &[S],
    meta_title: Option<&str>,
    repeats: &[u32],
) -> Vec<Label> {
    let keys: Vec<String> = paragraphs
        .iter()
        .map(|p| normalize::key(p.as_ref()))
        .collect();
    classify_keyed(paragraphs, &keys, meta_title, repeats)
}

/// [`classify`] of paragraphs whose keys are made already: `keys[i]` is
/// [`normalize::key`] of `paragraphs[i]`.
#[must_use]
pub fn classify_keyed<S: AsRef<str>>(
    paragraphs: &[S],
    keys: &[String],
    meta_title: Option<&str>,
    repeats: &[u32],
) -> Vec<Label> {
    debug_assert_eq!(paragraphs.len(), keys.len(), "one key per paragraph");
    let features: Vec<Features<'_>> = paragraphs
        .iter()
        .zip(keys)
        .map(|(p, key)| Features::new(p.as_ref(), key))
        .collect();
    let repeats = || repeats.iter().copied().chain(std::iter::repeat(0));
    let syndicated = is_syndicated_copy(&features, repeats());
    let mut labels: Vec<Option<Label>> = features
        .iter()
        .zip(repeats())
        .map(|(f, seen)| hard_rule(f).or_else(|| repeated_across_documents(f, seen, syndicated)))
        .collect();

    let title = find_title(&features, &labels, meta_title, syndicated);
    if let Some((index, rule)) = title {
        labels[index] = Some(Label::new(Role::Title, rule));
        let key = &features[index].key;
        for (i, f) in features.iter().enumerate() {
            if i != index && &f.key == key {
                labels[i] = Some(Label::new(Role::Boilerplate, "repeated-title"));
            }
        }
    }
    mark_repeated_lines(&features, &mut labels);
    mark_pull_quotes(&features, &mut labels);
    mark_captions(&features, &mut labels);
    if let Some((index, _)) = title {
        mark_standfirst(&features, &mut labels, index);
    }

    // Context-free classes for what no hard rule decided.
    let mut classes: Vec<Class> = features
        .iter()
        .zip(&labels)
        .map(|(f, label)| match label {
            Some(l) if FURNITURE_RULES.contains(&l.rule) => Class::Furniture,
            Some(l) if l.role == Role::Boilerplate => Class::Bad,
            Some(_) => Class::Good, // the title counts as good for its neighbours
            None => context_free_class(f),
        })
        .collect();

    // A headline-shaped line after the body has begun is a link to another story.
    let body_start = (0..features.len())
        .find(|&i| labels[i].is_none() && matches!(classes[i], Class::Good | Class::NearGood));
    if let Some(body_start) = body_start {
        for i in body_start + 1..features.len() {
            let f = &features[i];
            if labels[i].is_none()
                && f.words >= INLINE_HEADLINE_MIN_WORDS
                && f.chars < LENGTH_LOW + 30
                && f.is_headline_shaped()
                && !f.ends_sentence
                && i + 1 < features.len()
            {
                labels[i] = Some(Label::new(Role::Boilerplate, "inline-headline"));
                classes[i] = Class::Furniture;
            }
        }
    }

    let revised = revise(&classes, &features);
    labels
        .into_iter()
        .zip(revised)
        .map(|(label, (class, rule))| {
            label.unwrap_or(match class {
                Class::Good => Label::new(Role::Content, rule),
                _ => Label::new(Role::Boilerplate, rule),
            })
        })
        .collect()
}

/// Lines up to this many characters take part in the corpus-level repetition signal; longer
/// paragraphs are article text even when syndicated.
pub const CORPUS_MAX_CHARS: usize = 200;
/// A line in this many other documents of one outlet is that site's furniture ...
const CORPUS_REPEATS: u32 = 3;
/// ... unless it reads as a sentence: then it takes this many (a recurring background sentence
/// is still article text; a tagline repeated on every page is not).
const CORPUS_REPEATS_SENTENCE: u32 = 10;

/// The highest [`repeat_level`]: a line seen at least as often as every threshold.
pub const MAX_REPEAT_LEVEL: u8 = 2;

/// What a line's count in other documents means to the classifier: 0 (below every threshold),
/// 1 (at least the fragment threshold) or 2 (at least the sentence threshold). Two counts with
/// the same level classify alike.
#[must_use]
pub fn repeat_level(seen: u32) -> u8 {
    const _: () = assert!(CORPUS_REPEATS < CORPUS_REPEATS_SENTENCE);
    u8::from(seen >= CORPUS_REPEATS) + u8::from(seen >= CORPUS_REPEATS_SENTENCE)
}

/// A line the outlet repeats is its furniture; a sentence needs more repeats, and in a copy of
/// a syndicated story (see [`is_syndicated_copy`]) a sentence is never furniture by repetition.
fn repeated_across_documents(f: &Features<'_>, seen: u32, syndicated: bool) -> Option<Label> {
    let needed = if f.is_sentence(6) {
        if syndicated {
            return None;
        }
        CORPUS_REPEATS_SENTENCE
    } else {
        CORPUS_REPEATS
    };
    (f.chars <= CORPUS_MAX_CHARS && seen >= needed)
        .then_some(Label::new(Role::Boilerplate, "repeated-across-documents"))
}

/// Whether a document is one more copy of a story the outlet has posted before (a wire story
/// re-posted with small edits): most of its countable sentences, and at least two, are repeated
/// in other documents. Its repeated sentences are then the story's own prose, not the site's
/// furniture. A lone sentence repeated under many different stories (an "about us" line) is
/// still furniture, because the rest of those documents is not repeated.
fn is_syndicated_copy(features: &[Features<'_>], repeats: impl Iterator<Item = u32>) -> bool {
    let (mut sentences, mut repeated) = (0usize, 0usize);
    for (f, seen) in features.iter().zip(repeats) {
        if f.chars <= CORPUS_MAX_CHARS && f.is_sentence(6) {
            sentences += 1;
            repeated += usize::from(seen >= CORPUS_REPEATS_SENTENCE);
        }
    }
    repeated >= 2 && repeated * 2 >= sentences
}

/// The name of the `data/boilerplate.tsv` pattern a paragraph matches, if any (each pattern
/// only up to its word count): site furniture whatever page it is on. The HTML extractor asks
/// this of the blocks its markup leaves in doubt.
#[must_use]
pub fn furniture_pattern(text: &str) -> Option<&'static str> {
    let patterns = &*PATTERNS;
    let words = normalize::word_count(text);
    if words > patterns.max_words {
        return None;
    }
    patterns
        .rows
        .iter()
        .find(|p| words <= p.max_words && p.regex.is_match(text))
        .map(|p| p.name)
}

fn hard_rule(f: &Features<'_>) -> Option<Label> {
    let patterns = &*PATTERNS;
    if f.words <= patterns.max_words
        && let Some(p) = patterns
            .rows
            .iter()
            .find(|p| f.words <= p.max_words && p.regex.is_match(f.text))
    {
        return Some(Label::new(Role::Boilerplate, p.name));
    }
    if !f.has_letters {
        return Some(Label::new(Role::Boilerplate, "no-text"));
    }
    if f.link_density > MAX_LINK_DENSITY {
        return Some(Label::new(Role::Boilerplate, "link-dense"));
    }
    None
}

/// The title: the paragraph matching the metadata title; else, among the paragraphs before the
/// body starts, the first headline-shaped one that the page repeats, or else the first one. In
/// a copy of a syndicated story the headline is repeated across the outlet's documents as its
/// prose is, and is still the headline.
fn find_title(
    features: &[Features<'_>],
    labels: &[Option<Label>],
    meta_title: Option<&str>,
    syndicated: bool,
) -> Option<(usize, &'static str)> {
    if let Some(meta) = meta_title {
        let key = normalize::key(&normalize::display(meta)).to_lowercase();
        if let Some(i) = features.iter().position(|f| f.key == key) {
            return Some((i, "title-metadata"));
        }
    }
    let open = |label: &Option<Label>| match label {
        None => true,
        Some(l) => syndicated && l.rule == "repeated-across-documents",
    };
    let body_start = features
        .iter()
        .zip(labels)
        .position(|(f, l)| {
            open(l) && context_free_class(f) == Class::Good && !f.is_headline_shaped()
        })
        .unwrap_or(features.len());
    let candidates: Vec<usize> = (0..body_start)
        .filter(|&i| {
            let headline = open(&labels[i]) && features[i].is_headline_shaped();
            let suffixed = labels[i].as_ref().is_some_and(|l| l.rule == "breadcrumb")
                && site_suffixed_headline(features[i].text);
            headline || suffixed
        })
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for f in features {
        *counts.entry(f.key.as_str()).or_default() += 1;
    }
    if let Some(&i) = candidates
        .iter()
        .find(|&&i| counts[features[i].key.as_str()] > 1)
    {
        return Some((i, "title-repeated"));
    }
    candidates.first().map(|&i| (i, "title-first-headline"))
}

/// "Headline words here | Site Name": a page title with the site's name after a bar, which
/// the breadcrumb pattern would otherwise take.
fn site_suffixed_headline(text: &str) -> bool {
    let Some((head, site)) = text.rsplit_once(" | ") else {
        return false;
    };
    !head.contains(" | ")
        && head.split_whitespace().count() >= 5
        && head.starts_with(char::is_uppercase)
        && site.split_whitespace().count() <= 3
}

/// Short lines that occur more than once in a document are furniture ("Share", "Advertisement").
fn mark_repeated_lines(features: &[Features<'_>], labels: &mut [Option<Label>]) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for f in features {
        *counts.entry(f.key.as_str()).or_default() += 1;
    }
    for (f, label) in features.iter().zip(labels.iter_mut()) {
        if label.is_none()
            && f.chars <= REPEAT_MAX_CHARS
            && !f.ends_sentence
            && counts[f.key.as_str()] > 1
        {
            *label = Some(Label::new(Role::Boilerplate, "repeated-line"));
        }
    }
}

/// A short paragraph whose text stands again inside a longer one is a pull quote (or a teaser).
fn mark_pull_quotes(features: &[Features<'_>], labels: &mut [Option<Label>]) {
    for i in 0..features.len() {
        let f = &features[i];
        if labels[i].is_some() || !(PULL_QUOTE_MIN_CHARS..=PULL_QUOTE_MAX_CHARS).contains(&f.chars)
        {
            continue;
        }
        let needle = f
            .key
            .trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
        // One searcher per needle, not one per paragraph searched.
        let needle = memchr::memmem::Finder::new(needle);
        let window = i.saturating_sub(PULL_QUOTE_WINDOW)..features.len().min(i + PULL_QUOTE_WINDOW);
        let repeated = features[window.clone()]
            .iter()
            .zip(window)
            .any(|(g, j)| j != i && g.chars > f.chars && needle.find(g.key.as_bytes()).is_some());
        if repeated {
            labels[i] = Some(Label::new(Role::Boilerplate, "pull-quote"));
        }
    }
}

/// A page's caption marker ("Image caption,", "Media caption:") names the paragraph after it.
static CAPTION_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    regexes::built_in(r"(?i)^(?:image|media|photo|video|picture)\s+caption\s*[,:.]?$")
});

/// A photo credit ("Image: REUTERS/Jane Roe", "(AP Photo/John Doe)"), not a writing credit.
static PHOTO_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    regexes::built_in(
        r"(?i)^(?:image|photo|photograph|picture)s?\s*(?:credit)?\s*:|\b(?-i:[A-Z]{2,})/\p{Lu}\p{L}+",
    )
});

/// A verb of saying: prose that reports speech is no caption.
static SAYS: LazyLock<Regex> = LazyLock::new(|| {
    regexes::built_in(r"(?i)\b(?:said|says|told|added|stated|announced|according to)\b")
});

/// Longest credit line, in words, that marks the paragraph above it as a caption.
const PHOTO_CREDIT_MAX_WORDS: usize = 6;

/// Longest caption, in words, that a photo credit below it marks.
const CAPTION_MAX_WORDS: usize = 60;

/// Photo captions: the paragraph a caption marker introduces, and a one-sentence paragraph
/// right above a photo credit.
fn mark_captions(features: &[Features<'_>], labels: &mut [Option<Label>]) {
    for i in 0..features.len() {
        let marker = CAPTION_MARKER.is_match(features[i].text);
        // A credit line of its own under the picture (not one glued to its caption, and not
        // the "Image source" line some pages print above the caption).
        let credit = labels[i].as_ref().is_some_and(|l| l.rule == "credit")
            && features[i].words <= PHOTO_CREDIT_MAX_WORDS
            && PHOTO_CREDIT.is_match(features[i].text)
            && !features
                .get(i + 1)
                .is_some_and(|next| CAPTION_MARKER.is_match(next.text));
        if marker && i + 1 < features.len() && labels[i + 1].is_none() {
            labels[i + 1] = Some(Label::new(Role::Boilerplate, "caption"));
        }
        if credit && i > 0 && labels[i - 1].is_none() {
            let above = &features[i - 1];
            let one_sentence = !above.text.trim_end().trim_end_matches('.').contains(". ");
            // A caption shows; it does not report what someone said.
            let reported = SAYS.is_match(above.text);
            if above.words <= CAPTION_MAX_WORDS && one_sentence && !reported {
                labels[i - 1] = Some(Label::new(Role::Boilerplate, "caption"));
            }
        }
    }
}

/// Standfirsts: the lines right below the title that read as prose but stop short of a full
/// stop ("Talks have been held online since the spring"), bulleted or not, are content.
fn mark_standfirst(features: &[Features<'_>], labels: &mut [Option<Label>], title: usize) {
    for i in title + 1..features.len() {
        let f = &features[i];
        let text = f
            .text
            .trim_start_matches(['•', '*', '-', '–', '·', '▪', ' ']);
        let standfirst = labels[i].is_none()
            && f.words >= STANDFIRST_MIN_WORDS
            && f.lowercase_share >= 0.5
            && f.stopword_density >= STANDFIRST_STOPWORDS
            && !text.trim_end().ends_with(['.', ':'])
            && f.chars < LENGTH_HIGH;
        if !standfirst {
            break;
        }
        labels[i] = Some(Label::new(Role::Content, "standfirst"));
    }
}

/// Words a standfirst needs.
const STANDFIRST_MIN_WORDS: usize = 6;
/// Stopword density a standfirst needs.
const STANDFIRST_STOPWORDS: f64 = 0.2;

fn context_free_class(f: &Features<'_>) -> Class {
    if f.chars < LENGTH_LOW {
        return Class::Short;
    }
    if f.stopword_density >= STOPWORDS_HIGH {
        return if f.chars > LENGTH_HIGH {
            Class::Good
        } else {
            Class::NearGood
        };
    }
    // jusText's 200 characters suit HTML blocks; news paragraphs are often one sentence, so a
    // paragraph that reads as prose counts as good at any length over the short limit.
    if f.is_sentence(PROSE_MIN_WORDS) && f.stopword_density >= 0.15 {
        return Class::Good;
    }
    if f.stopword_density >= STOPWORDS_LOW || f.is_sentence(8) {
        return Class::NearGood;
    }
    // A sentence that reports a past action is news prose however dense with names and titles
    // ("SEOUL – Ruritanian Foreign Minister Jan Novak met Freedonian President Ana Silva on
    // Friday."); menus, tags and captions (which show, in the present tense) are not.
    if f.words >= PAST_SENTENCE_MIN_WORDS && f.ends_sentence && reports_past_action(f.text) {
        return if f.words >= NEAR_GOOD_SENTENCE_WORDS {
            Class::Good
        } else {
            Class::NearGood
        };
    }
    // A run of mostly lower-case words with some function words in it is prose dense with
    // names and figures ("Qin stressed that China firmly supports regional countries in
    // upholding …"), not a menu or a tag list (capitalised, with few or none).
    if f.words >= LONG_PROSE_WORDS
        && f.stopword_density >= LONG_PROSE_STOPWORDS
        && f.lowercase_share >= 0.5
    {
        return Class::NearGood;
    }
    Class::Bad
}

/// What lies beside a paragraph, looking past short (and optionally near-good) ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Neighbour {
    Good,
    Bad,
    NearGood,
    Edge,
}

fn neighbour(
    classes: &[Class],
    from: usize,
    forward: bool,
    skip_near_good: bool,
    skip_furniture: bool,
) -> Neighbour {
    let mut i = from;
    loop {
        if forward {
            i += 1;
            if i >= classes.len() {
                return Neighbour::Edge;
            }
        } else {
            if i == 0 {
                return Neighbour::Edge;
            }
            i -= 1;
        }
        match classes[i] {
            Class::Good => return Neighbour::Good,
            Class::Bad => return Neighbour::Bad,
            Class::Furniture if !skip_furniture => return Neighbour::Bad,
            Class::NearGood if !skip_near_good => return Neighbour::NearGood,
            Class::NearGood | Class::Short | Class::Furniture => {}
        }
    }
}

/// Words a short last paragraph after prose needs to be the article's own text cut short
/// ("Hundreds are living in sh") rather than a footer link ("Contact us").
const CUT_LAST_MIN_WORDS: usize = 4;

/// Words a name-dense sentence needs to count as prose by its past-tense verb.
const PAST_SENTENCE_MIN_WORDS: usize = 6;

/// Past-tense verbs without the -ed ending that news leads use.
const IRREGULAR_PAST: &[&str] = &[
    "met", "said", "told", "held", "took", "gave", "sent", "flew", "spoke", "made", "won", "led",
    "left", "began", "struck", "fought", "broke", "came", "went", "brought", "sought", "kept",
    "paid", "ran", "rose", "fell", "drew", "threw", "wrote", "stood", "lost", "found", "shot",
    "hit", "cut", "set", "put", "sold", "bought", "chose", "froze", "swore", "withdrew",
    "overtook",
];

/// Does the text hold a lower-case past-tense verb ("visited", "met") after its first word?
fn reports_past_action(text: &str) -> bool {
    text.split_whitespace().skip(1).any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphabetic());
        w.starts_with(|c: char| c.is_lowercase())
            && ((w.len() > 4 && w.ends_with("ed")) || IRREGULAR_PAST.contains(&w))
    })
}

/// Most words of an in-text section heading.
const SUBHEAD_MAX_WORDS: usize = 8;

/// Words from which a paragraph with few stopwords is still prose (see `context_free_class`).
const LONG_PROSE_WORDS: usize = 12;
/// Stopword density such a long paragraph needs.
const LONG_PROSE_STOPWORDS: f64 = 0.12;

/// Words a near-good paragraph needs to be kept as a sentence between boilerplate.
const NEAR_GOOD_SENTENCE_WORDS: usize = 10;

/// jusText's context-sensitive revision, with document edges neutral rather than bad.
fn revise(classes: &[Class], features: &[Features<'_>]) -> Vec<(Class, &'static str)> {
    let mut out: Vec<(Class, &'static str)> = classes
        .iter()
        .map(|c| match c {
            Class::Good => (Class::Good, "prose"),
            Class::Bad | Class::Furniture => (Class::Bad, "low-stopwords"),
            other => (*other, ""),
        })
        .collect();
    for i in 0..classes.len() {
        if classes[i] != Class::Short {
            continue;
        }
        let f = &features[i];
        // A short paragraph that is plainly a sentence of prose looks past in-body furniture to
        // find its neighbours; anything else (an attribution under a pull quote) does not.
        let sentence = f.is_sentence(3);
        let prev = neighbour(classes, i, false, true, sentence);
        let next = neighbour(classes, i, true, true, sentence);
        let own_prose = sentence || f.stopword_density >= STOPWORDS_LOW - 0.05;
        // Right between near-good prose (or after it at the document's end, cut short), a short
        // sentence of prose belongs to it, whatever lies further out ("The other side followed
        // suit later in the day.").
        let beside_prev = neighbour(classes, i, false, false, false);
        let beside_next = neighbour(classes, i, true, false, false);
        let prose_beside = |n: Neighbour| matches!(n, Neighbour::NearGood | Neighbour::Good);
        // A heading right between paragraphs of prose is the article's own section heading.
        if f.is_headline_shaped()
            && f.words <= SUBHEAD_MAX_WORDS
            && prose_beside(beside_prev)
            && prose_beside(beside_next)
        {
            out[i] = (Class::Good, "subhead");
            continue;
        }
        if own_prose
            && prose_beside(beside_prev)
            && ((sentence && prose_beside(beside_next))
                || (beside_next == Neighbour::Edge && f.words >= CUT_LAST_MIN_WORDS))
        {
            out[i] = (Class::Good, "short-in-prose");
            continue;
        }
        out[i] = match (prev, next) {
            (Neighbour::Good, Neighbour::Good) => (Class::Good, "short-in-content"),
            (Neighbour::Bad | Neighbour::Edge, Neighbour::Bad)
            | (Neighbour::Bad, Neighbour::Edge) => (Class::Bad, "short-in-boilerplate"),
            (Neighbour::Edge, Neighbour::Edge) => (Class::Good, "short-document"),
            (Neighbour::Good, Neighbour::Edge) | (Neighbour::Edge, Neighbour::Good) => {
                if own_prose {
                    (Class::Good, "short-at-edge")
                } else {
                    (Class::Bad, "short-at-edge")
                }
            }
            _ => {
                let near_good_between = (prev == Neighbour::Bad
                    && neighbour(classes, i, false, false, false) == Neighbour::NearGood)
                    || (next == Neighbour::Bad
                        && neighbour(classes, i, true, false, false) == Neighbour::NearGood);
                if near_good_between {
                    (Class::Good, "short-near-content")
                } else if sentence {
                    (Class::Good, "short-sentence")
                } else {
                    (Class::Bad, "short-beside-boilerplate")
                }
            }
        };
    }
    for i in 0..classes.len() {
        if classes[i] != Class::NearGood {
            continue;
        }
        let prev = neighbour(classes, i, false, true, true);
        let next = neighbour(classes, i, true, true, true);
        // jusText drops a near-good paragraph between bad ones; a whole sentence of prose is
        // kept (a short closing paragraph of a story sits just above the page footer).
        out[i] = if matches!((prev, next), (Neighbour::Bad, Neighbour::Bad)) {
            if features[i].is_sentence(NEAR_GOOD_SENTENCE_WORDS) {
                (Class::Good, "near-good-sentence")
            } else {
                (Class::Bad, "near-good-in-boilerplate")
            }
        } else {
            (Class::Good, "near-good")
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str, meta_title: Option<&str>) -> Vec<(String, &'static str, &'static str)> {
        let paras: Vec<String> = text
            .split("\n\n")
            .map(normalize::display)
            .filter(|p| !p.is_empty())
            .collect();
        classify(&paras, meta_title, &[])
            .into_iter()
            .zip(paras)
            .map(|(l, p)| (p, l.role.as_str(), l.rule))
            .collect()
    }

    #[track_caller]
    fn case(text: &str, want: &[&str]) {
        let got: Vec<&str> = roles(text, None).iter().map(|r| r.1).collect();
        assert_eq!(got, want, "{:#?}", roles(text, None));
    }

    const PROSE: &str = "The two governments agreed on Thursday to resume the talks that \
        had been suspended since the spring, officials in both capitals said, adding that \
        they hoped the meeting would be the first of several over the coming months.";

    #[test]
    fn patterns_parse() {
        assert!(PATTERNS.rows.len() > 10);
        assert!(PATTERNS.max_words >= 30);
    }

    #[test]
    fn title_and_furniture() {
        case(
            &format!(
                "Advertisement\n\nLeaders Meet To Mend Ties After Years Of Dispute\n\n{PROSE}\n\nShare this article\n\nPlease enter your comment!"
            ),
            &[
                "boilerplate",
                "title",
                "content",
                "boilerplate",
                "boilerplate",
            ],
        );
    }

    /// Issue 28: credits, captions with their credit, agency datelines, dated bylines and a
    /// bare "Published" are furniture; the article around them is not.
    #[test]
    fn credits_captions_and_bylines() {
        for furniture in [
            "Harbour workers unload the first ship in a decade Photo source, Example Agency",
            "Harbour workers unload the first ship in a decade Image credit: J. Doe / Example",
            "Northwind Photo",
            "Lisbon Images",
            "OSLO – Reuters",
            "NAIROBI - Associated Press",
            "3 March 2024 - 09:41 By Ada Quill and Bram Otter",
            "• Published",
            "Updated",
        ] {
            let rules = roles(&format!("{PROSE}\n\n{furniture}\n\n{PROSE} More."), None);
            assert_eq!(rules[1].1, "boilerplate", "{furniture}: {rules:#?}");
            assert_eq!(
                (rules[0].1, rules[2].1),
                ("content", "content"),
                "{furniture}"
            );
        }
        // Sentences that merely mention pictures or agencies stay content.
        for text in [
            "The ministry said the photos were taken by Reuters on Monday and released later.",
            "Published figures show exports rose by a fifth, the agency said on Friday.",
        ] {
            let rules = roles(&format!("{PROSE}\n\n{text}\n\n{PROSE} More."), None);
            assert_eq!(rules[1].1, "content", "{text}: {rules:#?}");
        }
    }

    #[test]
    fn repeated_headline_is_boilerplate_after_the_first() {
        let h = "Leaders meet to mend ties after years of dispute";
        case(
            &format!("{h}\n\n{h}\n\n{PROSE}\n\n{h}\n\n{PROSE} Again."),
            &["title", "boilerplate", "content", "boilerplate", "content"],
        );
    }

    #[test]
    fn short_lines_take_their_neighbours_class() {
        case(
            &format!("{PROSE}\n\nA subheading\n\n{PROSE} More."),
            &["content", "content", "content"],
        );
        case(
            &format!("{PROSE}\n\nFollow us\n\nTelegram\n\nLatest news"),
            &["content", "boilerplate", "boilerplate", "boilerplate"],
        );
    }

    #[test]
    fn lines_repeated_across_an_outlets_documents() {
        let paras: Vec<String> = [
            PROSE,
            "Example News Network",
            "Example News is read in 40 countries and has offices in ten of them.",
            PROSE,
        ]
        .iter()
        .map(|p| normalize::display(p))
        .collect();
        let roles = |repeats: &[u32]| -> Vec<&str> {
            classify(&paras, None, repeats)
                .iter()
                .map(|l| l.rule)
                .collect()
        };
        let repeated = |repeats: &[u32]| -> Vec<bool> {
            roles(repeats)
                .iter()
                .map(|r| *r == "repeated-across-documents")
                .collect()
        };
        assert_eq!(repeated(&[0, 2, 2, 0]), [false, false, false, false]);
        // A sentence needs more repeats than a fragment.
        assert_eq!(repeated(&[0, 3, 3, 0]), [false, true, false, false]);
        assert_eq!(repeated(&[0, 3, 10, 0]), [false, true, true, false]);
        // Long paragraphs are text even when many documents carry them (syndication).
        assert_eq!(roles(&[50, 0, 0, 50])[0], "prose");
    }

    #[test]
    fn a_syndicated_storys_repeated_sentences_stay_content() {
        let story = [
            "Floodwaters rose across the delta on Tuesday, officials said.",
            "Rescue teams moved hundreds of families to schools on higher ground.",
            "The weather service expects more rain before the weekend.",
            "Example Wire",
        ];
        let paras: Vec<String> = story.iter().map(|p| normalize::display(p)).collect();
        let rules = |repeats: &[u32]| -> Vec<&str> {
            classify(&paras, None, repeats)
                .iter()
                .map(|l| l.rule)
                .collect()
        };
        // The outlet posted this story 500 times: its sentences are the story, its credit
        // line is furniture.
        let copied = rules(&[500, 500, 500, 500]);
        assert!(
            copied[..3]
                .iter()
                .all(|r| *r != "repeated-across-documents"),
            "{copied:?}"
        );
        assert_eq!(copied[3], "repeated-across-documents");
        // One sentence repeated under otherwise new stories is the site's.
        let about = rules(&[0, 0, 40, 0]);
        assert_eq!(about[2], "repeated-across-documents");
    }

    #[test]
    fn truncated_last_paragraph_is_content() {
        case(
            &format!("{PROSE}\n\nThe balance is frag"),
            &["content", "content"],
        );
    }

    #[test]
    fn link_dense_and_wordless_lines() {
        case(
            &format!(
                "{PROSE}\n\nBest rates #fx #won #yen https://example.com/rates/today\n\n1,250 $"
            ),
            &["content", "boilerplate", "boilerplate"],
        );
    }

    #[test]
    fn pull_quote_and_caption() {
        let quote = "“We will not accept any attempt to change the status quo by force,” the minister said, in remarks carried by the state broadcaster late on Friday evening.";
        case(
            &format!(
                "{PROSE}\n\nWe will not accept any attempt to change the status quo\n\n{quote}\n\nThe minister at a news conference in the capital on Friday. Photo: Reuters\n\n{PROSE} More."
            ),
            &[
                "content",
                "boilerplate",
                "content",
                "boilerplate",
                "content",
            ],
        );
    }

    #[test]
    fn captions_by_their_marker_or_the_credit_below() {
        // A caption marker names the next paragraph; a short photo credit the one above.
        case(
            &format!(
                "{PROSE}\n\nPicture caption,\n\nFishermen wait on the quay at dawn as the ban comes into force\n\n{PROSE} More.\n\nThe two foreign ministers shake hands before their meeting in Nairobi on Monday.\n\nPhoto: KENYA NEWS/Amos Otieno\n\n{PROSE} Again."
            ),
            &[
                "content",
                "boilerplate",
                "boilerplate",
                "content",
                "boilerplate",
                "boilerplate",
                "content",
            ],
        );
        // A credit glued to its own caption marks nothing above it, nor does a credit some
        // pages print before the caption marker.
        case(
            &format!(
                "{PROSE}\n\nThe talks are expected to resume next month in the capital, though officials in both countries have played down hopes of a breakthrough.\n\nPhoto source, EPA\n\nPicture caption,\n\nThe border crossing stayed closed on Tuesday\n\n{PROSE} More."
            ),
            &[
                "content",
                "content",
                "boilerplate",
                "boilerplate",
                "boilerplate",
                "content",
            ],
        );
    }

    #[test]
    fn standfirsts_subheads_and_dense_prose_are_content() {
        let body = format!("{PROSE}\n\n{PROSE} Further.");
        case(
            &format!(
                "Lima and Quito Reopen Their Border\n\n• Traders have waited for weeks at the crossing near the coast\n\n• Both governments promise that the customs checks will be faster\n\nBy Ana Torres\n\n{body}\n\nFishing Quotas Still Disputed\n\n{body}"
            ),
            &[
                "title",
                "content",
                "content",
                "boilerplate",
                "content",
                "content",
                "content",
                "content",
                "content",
            ],
        );
        // A one-sentence lead full of names and titles reports a past action: prose.
        case(
            &format!(
                "By Ana Torres\n\nLIMA – Peruvian Foreign Minister Javier Soto met Ecuadorian President Daniel Ruiz in Quito on Friday.\n\n{PROSE} More."
            ),
            &["boilerplate", "content", "content"],
        );
        // Few stopwords but plainly prose: names, figures and a verb, mostly lower case.
        case(
            &format!(
                "{PROSE}\n\nOfficials stressed that Lima strongly supports regional partners in expanding port capacity, upgrading rail freight corridors and modernising customs\n\n{PROSE} More."
            ),
            &["content", "content", "content"],
        );
        // A short sentence between paragraphs of near-good prose belongs to them.
        case(
            "Menu\n\nHome\n\nOn Thursday the Peruvian president said it was unacceptable and withdrew his envoy.\n\nThe Ecuadorian government followed suit later in the day.\n\nMr Noboa closed the border and declared a state of emergency in the province last Friday.\n\nContact us",
            &[
                "boilerplate",
                "boilerplate",
                "content",
                "content",
                "content",
                "boilerplate",
            ],
        );
    }

    #[test]
    fn mentions_of_furniture_words_inside_prose_stay_content() {
        case(
            &format!(
                "{PROSE}\n\nThe ministry said it would share the advertisement budget with newsletters and comment pages across the region next year, according to officials.\n\n{PROSE} More."
            ),
            &["content", "content", "content"],
        );
    }
}
