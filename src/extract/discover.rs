//! Discovery of people and organisations the gazetteer lacks, from the shape of the text.
//!
//! Input: an article's paragraphs (display text), which of them to read (not boilerplate), and
//! the spans the gazetteer already claimed. Output: the new entities and their mentions.
//!
//! - **People** come from attribution and titles: "said NAME", "NAME said", "according to
//!   NAME", "NAME, a professor …", "Professor NAME", "ambassador to Japan, NAME,". A name is two
//!   to four capitalised words (initials and hyphenated romanised given names such as "Han-kwon"
//!   allowed), none of them a function word, a month, or a place or country the gazetteer knows.
//! - **Organisations** come from their head word: "… University", "University of …", "Institute
//!   of …", "Centre for …", "Ministry of …", "… Corp.", "… Foundation", and so on: a run of
//!   capitalised words (with "of", "for", "and", "on", "the", "&" between) holding one.
//! - Within the article, a later family name alone ("Glosserman") is the person named in full
//!   earlier ("Brad Glosserman"). The family name is the first word of a name whose given name
//!   is hyphenated (Korean romanisation: "Kim Han-kwon"), else the last.
//!
//! Pure: no I/O. Never overrides the gazetteer: a span it claimed for a person or organisation
//! is not rediscovered, but an organisation's name may contain a place ("Catholic University of
//! America"), and then the organisation is the mention.

use std::sync::LazyLock;

use foldhash::HashSet;
use regex::Regex;

use crate::extract::entities::EntityType;
use crate::text::regexes;

/// An entity found in the text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Discovered {
    /// Its name as written in full.
    pub name: String,
    /// Person, organisation or agreement.
    pub kind: EntityType,
}

/// A span of a paragraph the gazetteer (or a demonym) already took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    /// 0-based character offsets, end exclusive.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// What took it.
    pub kind: Claimed,
}

/// What a [`Claim`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claimed {
    /// A person or organisation: never rediscovered.
    Name,
    /// A country, or a nationality ("Rwandan"): cut off the front of a person's name.
    Country,
    /// A place: an organisation's name may hold it, and a person's given name may be one
    /// ("Vladimir", "Florence").
    Place,
}

impl Claim {
    fn overlaps(&self, start: usize, end: usize) -> bool {
        self.start < end && start < self.end
    }
}

/// A mention of a discovered entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Index of the paragraph.
    pub paragraph: usize,
    /// Index into the discovered entities.
    pub entity: usize,
    /// 0-based character offsets, end exclusive.
    pub char_start: usize,
    /// See `char_start`.
    pub char_end: usize,
    /// The text as written.
    pub surface: String,
}

/// A capitalised name word: "Brad", "Han-kwon", "O'Brien", "J.".
const WORD: &str = r"(?:\p{Lu}\p{Ll}+(?:['’]\p{Lu}\p{Ll}+)?(?:-\p{L}\p{Ll}+)?|\p{Lu}\.)";

/// What joins the words of a name: spaces, with the particles of Arabic, Dutch, German,
/// Iberian, French and Italian names between ("Ursula von der Leyen", "Mohammed bin Salman",
/// "Luiz da Silva", "Abdel Fattah al-Sisi").
const JOIN: &str = r"(?:\s+(?:(?:von\s+der|van\s+der|van\s+den|de\s+la|bin|ibn|von|van|de|da|do|dos|das|du|del|della|di|le|la)\s+)?(?:(?:al|el|ad|ash|as|az)-)?)";

/// Lower-case words that belong inside a name (see [`JOIN`]).
const PARTICLES: &[&str] = &[
    "von", "van", "der", "den", "de", "la", "bin", "ibn", "da", "do", "dos", "das", "du", "del",
    "della", "di", "le",
];

/// Two to four name words; particles only before the last ("Ursula von der Leyen", "Abdel
/// Fattah al-Sisi"), which keeps the pattern small (particles between every word made entity
/// discovery a sixth of ingest's time).
static NAME: LazyLock<String> =
    LazyLock::new(|| format!(r"(?P<name>{WORD}(?:\s+{WORD}){{0,2}}{JOIN}{WORD})"));

const ROLE: &str = r"(?:professor|analyst|researcher|director|fellow|scholar|expert|lecturer|chairman|chairwoman|chair|president|minister|spokesman|spokeswoman|spokesperson|ambassador|envoy|nominee|official|adviser|advisor|editor|correspondent|author|economist|historian|lawmaker|senator|diplomat|head|chief|founder|dean|executive|manager|commentator|columnist|journalist|reporter|secretary|general|commander|governor|mayor|judge|lawyer|attorney|activist|leader|member|representative|strategist|specialist|consultant|partner|vice)";

const TITLE: &str = r"(?:Professor|Prof\.|Dr\.?|Mr\.?|Ms\.?|Mrs\.?|Ambassador|Senator|Sen\.|Rep\.|Representative|General|Gen\.|Admiral|Adm\.|Governor|Gov\.|Judge|Justice|Lieutenant|Colonel|Col\.|Captain|Capt\.|Sir|Dame|Lord)";

/// Offices written before a holder's name: "German Chancellor Olaf Scholz".
const OFFICE: &str = r"(?:President|Vice[- ]President|Prime\s+Minister|Premier|Chancellor|(?:Foreign|Defen[cs]e|Finance|Trade|Interior|Justice)\s+Minister|Minister|Secretary(?:\s+of\s+State)?|Secretary-General|King|Queen|Crown\s+Prince|Emperor|Chairman|Chairwoman|Speaker|Spokesman|Spokeswoman|Envoy|Mayor)";

/// Regexes that capture a person's name in context.
static PERSON_CONTEXTS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    let name = &*NAME;
    let speech = r"(?:said|says|told|wrote|writes|added|argued|argues|noted|notes|explained|explains|stated|warned|warns|believes|thinks|suggested|suggests|claimed|claims|cautioned|insisted|observed|recalled|predicted|acknowledged|conceded|countered)";
    [
        format!(r"\b{speech}\s+(?:(?:{TITLE}|analyst|expert|researcher|professor|scholar)\s+)*{name}"),
        format!(r"\baccording\s+to\s+(?:{TITLE}\s+)?{name}"),
        // "Jan Novak said", and after an apposition, "…'s envoy, Jan Novak, said".
        format!(r"{name},?\s+{speech}\b"),
        format!(r"{name},\s+(?:a|an|the)\s+(?:[\p{{L}}-]+\s+){{0,4}}?{ROLE}\b"),
        format!(r"\b{TITLE}\s+{name}"),
        format!(r"\b{OFFICE}\s+{name}"),
        format!(r"(?i:\b{ROLE}s?)(?:\s+(?:to|of|at|for|in)\s+(?:the\s+)?[\p{{Lu}}][\p{{L}}.-]*(?:\s+[\p{{Lu}}][\p{{L}}.-]*)*)?,\s+{name},"),
        // A role in lower case right before the name: "the group's leader Ali Hassan",
        // "his counterpart Maria Lopez", "foreign minister Jan Novak".
        format!(r"\b(?:{ROLE}|counterpart|spokesperson|negotiator|prosecutor|premier)\s+{name}"),
        // An office "of" its country or body, then the holder: "Prime Minister of Ruritania
        // Jan Novak" (the place is the gazetteer's and is cut off the name).
        format!(r"\b{OFFICE}\s+of\s+(?:the\s+)?{name}"),
    ]
    .iter()
    .map(|p| regexes::built_in(p))
    .collect()
});

/// A speaker's label in a broadcast transcript: "Jan Novak(Governor, Province) :". Tried only
/// on paragraphs with a bracket closed before a colon.
static TRANSCRIPT_LABEL: LazyLock<Regex> =
    LazyLock::new(|| regexes::built_in(&format!(r"^\s*{}\s*\([^)\n]{{2,80}}\)\s*:", &*NAME)));

/// Titles and offices after which a single capitalised word is a person's family name:
/// "Mr Novak", "Prime Minister Novak", "Foreign Minister Novak".
static SINGLE_NAME_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    regexes::built_in(&format!(
        r"\b(?:Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Sir|Dame|Senator|Ambassador|Governor|{OFFICE})\s+(?P<name>\p{{Lu}}\p{{Ll}}{{2,}}(?:-\p{{Lu}}\p{{Ll}}+)?)\b"
    ))
});

/// Capitalised words that never begin or make up a person's name (month names are
/// [`crate::text::dates::MONTHS`]).
static NOT_NAME: LazyLock<Vec<&str>> =
    LazyLock::new(|| crate::text::words(include_str!("../../data/words/discover-not-name.txt")));

fn not_name(word: &str) -> bool {
    NOT_NAME.contains(&word) || crate::text::dates::MONTHS.contains(&word)
}

/// Words that make a run of capitalised words an organisation's name.
static ORG_HEADS: LazyLock<Vec<&str>> =
    LazyLock::new(|| crate::text::words(include_str!("../../data/words/discover-org-heads.txt")));

/// Last words of an agreement's name: "Indus Waters Treaty", "Paris Agreement".
static AGREEMENT_HEADS: LazyLock<Vec<&str>> = LazyLock::new(|| {
    crate::text::words(include_str!(
        "../../data/words/discover-agreement-heads.txt"
    ))
});

/// Words between the capitalised words of an organisation's name.
const ORG_CONNECTORS: &[&str] = &["of", "for", "and", "on", "the", "&", "de"];

/// Byte spans of the capitalised words of `text`: an uppercase letter and the letters, digits
/// and `.&-` after it ("Corp.", "U.S.", "AT&T", "Al-Sisi"), the matches of
/// `\p{Lu}[\p{L}\p{N}.&-]*`, found by a scan of the characters that asks the regex engine only
/// about the few that are not ASCII (the pattern's own scan was 2.7% of the workers' time on
/// long articles).
fn capitalised_words(text: &str) -> Vec<(usize, usize)> {
    static UPPER: LazyLock<Regex> = LazyLock::new(|| regexes::built_in(r"\A\p{Lu}"));
    static WORD: LazyLock<Regex> = LazyLock::new(|| regexes::built_in(r"\A[\p{L}\p{N}]"));
    let class = |c: char, at: usize, ascii: fn(&char) -> bool, other: &Regex| {
        if c.is_ascii() {
            ascii(&c)
        } else {
            other.is_match(&text[at..at + c.len_utf8()])
        }
    };
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if let Some(start) = open {
            if matches!(c, '.' | '&' | '-') || class(c, i, char::is_ascii_alphanumeric, &WORD) {
                continue;
            }
            out.push((start, i));
            open = None;
        }
        if class(c, i, char::is_ascii_uppercase, &UPPER) {
            open = Some(i);
        }
    }
    out.extend(open.map(|start| (start, text.len())));
    out
}

/// Run discovery over one article. `read[i]` says whether paragraph `i` is read; `claimed[i]`
/// holds the character spans the gazetteer claimed in it, each with whether that claim was a
/// person or organisation (which discovery never overrides).
#[must_use]
pub fn discover(
    paragraphs: &[&str],
    read: &[bool],
    claimed: &[Vec<Claim>],
) -> (Vec<Discovered>, Vec<Found>) {
    let mut entities: Vec<Discovered> = Vec::new();
    let mut found: Vec<Found> = Vec::new();
    let index_of = |entities: &mut Vec<Discovered>, d: Discovered| -> usize {
        entities.iter().position(|e| *e == d).unwrap_or_else(|| {
            entities.push(d);
            entities.len() - 1
        })
    };
    for (p, text) in paragraphs.iter().enumerate() {
        if !read.get(p).copied().unwrap_or(false) {
            continue;
        }
        let claims = claimed.get(p).map_or(&[][..], Vec::as_slice);
        let mut spans = candidates(text);
        spans.sort_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)));
        let mut last_end = 0;
        for (start, end, mut d) in spans {
            if start < last_end {
                continue; // inside a span already taken
            }
            // A person's name captured with a country or office the gazetteer knows in front
            // of it ("Kosovo Albin Kurti" after "Prime Minister of"): the name is the rest.
            let (start, end) = if d.kind == EntityType::Person {
                match after_claims(text, start, end, claims) {
                    Some(span) => span,
                    None => continue,
                }
            } else {
                (start, end)
            };
            if start < last_end {
                continue;
            }
            if d.kind == EntityType::Person {
                d.name = text[start..end].to_string();
            }
            let (cs, ce) = (char_offset(text, start), char_offset(text, end));
            let overlaps = |kind_matters: bool| {
                claims
                    .iter()
                    .any(|c| c.overlaps(cs, ce) && (c.kind == Claimed::Name || kind_matters))
            };
            // People never take a span the gazetteer matched at all; organisations only
            // yield to the gazetteer's people and organisations, not to places inside them.
            let person_over_place = d.kind == EntityType::Person
                && claims
                    .iter()
                    .filter(|c| c.overlaps(cs, ce))
                    .all(|c| c.kind == Claimed::Place && c.start == cs && c.end < ce);
            if (overlaps(d.kind == EntityType::Person) && !person_over_place) || !plausible(&d) {
                continue;
            }
            last_end = end;
            let entity = index_of(&mut entities, d);
            found.push(Found {
                paragraph: p,
                entity,
                char_start: cs,
                char_end: ce,
                surface: text[start..end].to_string(),
            });
        }
    }
    let entities = join_single_names(entities, &mut found);
    add_family_names(paragraphs, read, claimed, &entities, &mut found);
    found.sort_by_key(|f| (f.paragraph, f.char_start));
    (entities, found)
}

/// A person first met by family name alone ("Mr Novak") and named in full elsewhere in the
/// article ("Jan Novak") is one person: the lone name's mentions go to the full name, and the
/// lone name is dropped from the article's entities.
fn join_single_names(entities: Vec<Discovered>, found: &mut [Found]) -> Vec<Discovered> {
    let full_of = |i: usize| -> Option<usize> {
        let d = &entities[i];
        if d.kind != EntityType::Person || d.name.contains(char::is_whitespace) {
            return None;
        }
        let mut full = entities.iter().enumerate().filter(|(j, e)| {
            *j != i
                && e.kind == EntityType::Person
                && e.name.contains(char::is_whitespace)
                && family_name(&e.name) == d.name
        });
        match (full.next(), full.next()) {
            (Some((j, _)), None) => Some(j),
            _ => None,
        }
    };
    let target: Vec<usize> = (0..entities.len())
        .map(|i| full_of(i).unwrap_or(i))
        .collect();
    let kept: Vec<usize> = (0..entities.len()).filter(|&i| target[i] == i).collect();
    let new_index = |i: usize| kept.iter().position(|&k| k == target[i]).unwrap_or(0);
    for f in found.iter_mut() {
        f.entity = new_index(f.entity);
    }
    let mut entities = entities;
    let mut i = 0;
    entities.retain(|_| {
        let keep = target[i] == i;
        i += 1;
        keep
    });
    entities
}

/// Whether a lone capitalised word after a title is a family name: not a word that cannot be
/// a name ("President Obama" yes, "General Assembly", "Prime Minister's Office" no), and not
/// the first of several capitalised words (a full name, which the other contexts take).
fn single_name(text: &str, start: usize, end: usize) -> bool {
    let word = &text[start..end];
    if not_name(word) || ORG_HEADS.contains(&word) {
        return false;
    }
    // What follows the word: the end, punctuation or a lower-case word; not a capitalised
    // word (then it is a given name) nor a stray symbol that hides one ("Anne · Ann Novak").
    let next = text[end..].trim_start_matches([' ', '\t']);
    next.chars().next().is_none_or(|c| {
        c.is_lowercase()
            || matches!(
                c,
                '.' | ',' | ';' | ':' | '\'' | '’' | ')' | '"' | '”' | '\n' | '?' | '!'
            )
    })
}

/// The part of a captured name after the gazetteer's claims at its start, trimmed again;
/// `None` when a claim sits inside the name or fewer than two words remain (a lone name keeps
/// its one word).
fn after_claims(text: &str, start: usize, end: usize, claims: &[Claim]) -> Option<(usize, usize)> {
    let (cs, ce) = (char_offset(text, start), char_offset(text, end));
    let inside: Vec<&Claim> = claims.iter().filter(|c| c.overlaps(cs, ce)).collect();
    // A place as the first word may be a given name ("Vladimir Novak"): kept, and the claim
    // yields to the person when nothing else is claimed.
    if inside.is_empty()
        || inside
            .iter()
            .all(|c| c.kind == Claimed::Place && c.start == cs)
    {
        return Some((start, end));
    }
    // Otherwise the claims must open the name ("Kosovo" in "Kosovo Albin Kurti"), and the
    // name is what follows the last of them.
    let first = inside.iter().map(|c| c.start).min().unwrap_or(cs);
    let cut = inside.iter().map(|c| c.end).max().unwrap_or(cs);
    let single = !text[start..end].contains(char::is_whitespace);
    if single || first > cs || cut >= ce {
        return None;
    }
    let byte = text.char_indices().nth(cut).map_or(text.len(), |(b, _)| b);
    let rest = &text[byte..end];
    let new_start = byte + (rest.len() - rest.trim_start().len());
    trim_name(text, new_start, end)
}

/// Every span of a paragraph that may name an organisation, agreement or person, by shape and
/// context, longest first where they start together.
fn candidates(text: &str) -> Vec<(usize, usize, Discovered)> {
    let mut spans: Vec<(usize, usize, Discovered)> = Vec::new();
    for (start, end, kind) in organisations(text) {
        spans.push((
            start,
            end,
            Discovered {
                name: text[start..end].to_string(),
                kind,
            },
        ));
    }
    let transcript = (text.contains("):") || text.contains(") :")).then_some(&*TRANSCRIPT_LABEL);
    for re in PERSON_CONTEXTS.iter().chain(transcript) {
        // Capturing is costly; most paragraphs match no context at all.
        if !re.is_match(text) {
            continue;
        }
        for c in re.captures_iter(text) {
            let Some(m) = c.name("name") else { continue };
            if let Some((start, end)) = trim_name(text, m.start(), m.end()) {
                spans.push((
                    start,
                    end,
                    Discovered {
                        name: text[start..end].to_string(),
                        kind: EntityType::Person,
                    },
                ));
            }
        }
    }
    if SINGLE_NAME_CONTEXT.is_match(text) {
        for c in SINGLE_NAME_CONTEXT.captures_iter(text) {
            let Some(m) = c.name("name") else { continue };
            if single_name(text, m.start(), m.end()) {
                spans.push((
                    m.start(),
                    m.end(),
                    Discovered {
                        name: m.as_str().to_string(),
                        kind: EntityType::Person,
                    },
                ));
            }
        }
    }
    spans
}

/// Later mentions of discovered people by family name alone.
fn add_family_names(
    paragraphs: &[&str],
    read: &[bool],
    claimed: &[Vec<Claim>],
    entities: &[Discovered],
    found: &mut Vec<Found>,
) {
    // Each person's family name and where the person is first named.
    let mut seen: HashSet<usize> = HashSet::default();
    let mut first_seen: Vec<(usize, String, (usize, usize))> = Vec::new();
    for f in found.iter() {
        let d = &entities[f.entity];
        if d.kind == EntityType::Person && seen.insert(f.entity) {
            first_seen.push((
                f.entity,
                family_name(&d.name).to_string(),
                (f.paragraph, f.char_start),
            ));
        }
    }
    // A family name shared by two discovered people is no one's.
    let mut people_by_family: foldhash::HashMap<&str, usize> = foldhash::HashMap::default();
    for d in entities.iter().filter(|d| d.kind == EntityType::Person) {
        *people_by_family.entry(family_name(&d.name)).or_default() += 1;
    }
    first_seen.retain(|(_, family, _)| {
        !family.is_empty() && people_by_family.get(family.as_str()) == Some(&1)
    });
    if first_seen.is_empty() {
        return;
    }
    // One pass over the text for every family name at once, so a long document with many
    // people costs its length, not its length times its people.
    let Ok(families) = aho_corasick::AhoCorasick::new(first_seen.iter().map(|(_, f, _)| f)) else {
        return;
    };
    let taken: HashSet<(usize, usize)> =
        found.iter().map(|f| (f.paragraph, f.char_start)).collect();
    let mut found_in: Vec<Vec<(usize, usize)>> = vec![Vec::new(); paragraphs.len()];
    for f in found.iter() {
        found_in[f.paragraph].push((f.char_start, f.char_end));
    }
    let mut extra = Vec::new();
    for (p, text) in paragraphs.iter().enumerate() {
        if !read.get(p).copied().unwrap_or(false) {
            continue;
        }
        for m in families.find_overlapping_iter(*text) {
            let (entity, family, (first_p, first_c)) = &first_seen[m.pattern().as_usize()];
            let (start, end) = (m.start(), m.end());
            if p < *first_p {
                continue;
            }
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '-')
                || after.is_some_and(|c| c.is_alphanumeric() || c == '-')
            {
                continue;
            }
            let (cs, ce) = (char_offset(text, start), char_offset(text, end));
            if (p == *first_p && cs <= *first_c) || taken.contains(&(p, cs)) {
                continue;
            }
            let inside_found = found_in[p].iter().any(|&(s, e)| s <= cs && ce <= e);
            let claimed_here = claimed
                .get(p)
                .is_some_and(|c| c.iter().any(|c| c.overlaps(cs, ce)));
            if !inside_found && !claimed_here {
                extra.push(Found {
                    paragraph: p,
                    entity: *entity,
                    char_start: cs,
                    char_end: ce,
                    surface: family.clone(),
                });
            }
        }
    }
    found.extend(extra);
}

/// Chinese and Korean family names, which come first in a name.
static EAST_ASIAN_FAMILY_NAMES: LazyLock<Vec<&str>> = LazyLock::new(|| {
    crate::text::words(include_str!("../../data/words/east-asian-family-names.txt"))
});

/// The family name: the first word of a Chinese or Korean name ("Lu Zhengyang", "Kim
/// Han-kwon": a listed family name, or a given name hyphenated in lower case), else the last
/// ("Brad Glosserman", "Natasha Singh-Reid").
///
/// A name with particles keeps them ("von der Leyen"); an Arabic article is dropped ("Sisi" of
/// "Abdel Fattah al-Sisi", as news writes it alone).
fn family_name(name: &str) -> &str {
    let words: Vec<(usize, &str)> = name
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - name.as_ptr() as usize, w))
        .collect();
    if let Some(&(at, _)) = words.iter().skip(1).find(|(_, w)| PARTICLES.contains(w)) {
        return &name[at..];
    }
    // "Han-kwon", "Moon-seok": a romanised given name; "Singh-Reid" is a double surname.
    let hyphenated_given = words.len() >= 2
        && words[1..].iter().any(|(_, w)| {
            w.split_once('-')
                .is_some_and(|(_, after)| after.starts_with(char::is_lowercase))
                && !has_article(w)
        });
    let family_first =
        (2..=3).contains(&words.len()) && EAST_ASIAN_FAMILY_NAMES.contains(&words[0].1);
    let last = if hyphenated_given || family_first {
        words[0].1
    } else {
        words[words.len() - 1].1
    };
    match last.split_once('-') {
        Some((_, rest)) if has_article(last) => rest,
        _ => last,
    }
}

/// Whether a word opens with an Arabic article: "al-Sisi", "el-Sheikh", "Al-Hayya".
fn has_article(word: &str) -> bool {
    word.split_once('-').is_some_and(|(a, rest)| {
        matches!(a, "al" | "el" | "ad" | "ash" | "as" | "az" | "Al" | "El")
            && rest.starts_with(char::is_uppercase)
    })
}

/// Cut leading titles and non-name words off a captured name; `None` if fewer than two words
/// remain or a word cannot be part of a name.
fn trim_name(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let mut start = start;
    loop {
        let rest = &text[start..end];
        let first = rest.split_whitespace().next()?;
        if not_name(first) {
            start += rest.find(char::is_whitespace)?;
            start += text[start..].len() - text[start..].trim_start().len();
        } else {
            break;
        }
    }
    let words: Vec<&str> = text[start..end].split_whitespace().collect();
    if words.len() < 2 || words.iter().any(|w| not_name(w)) {
        return None;
    }
    Some((start, end))
}

fn plausible(d: &Discovered) -> bool {
    let words = d.name.split_whitespace().count();
    match d.kind {
        EntityType::Person => (1..=4).contains(&words),
        _ => (2..=12).contains(&words),
    }
}

/// Byte spans of organisation names (runs of capitalised words, joined by connectors, holding
/// a head word) and agreement names (such runs ending in "Treaty", "Agreement", "Accord"…).
fn organisations(text: &str) -> Vec<(usize, usize, EntityType)> {
    let mut out = Vec::new();
    let words: Vec<(usize, usize)> = capitalised_words(text)
        .into_iter()
        .map(|(start, end)| {
            // A full stop after a word ends the sentence, unless the word is an abbreviation
            // ("Corp.", "U.S.").
            let word = &text[start..end];
            let sentence_end = word.strip_suffix('.').is_some_and(|stem| {
                // An abbreviation: a listed head ("Corp.") or dotted letters ("U.S.").
                !ORG_HEADS.contains(&word) && !stem.contains('.')
            });
            (start, if sentence_end { end - 1 } else { end })
        })
        .collect();
    let mut i = 0;
    while i < words.len() {
        // Extend a run while only a connector (or nothing) separates the next capitalised word.
        let mut j = i;
        while j + 1 < words.len() {
            let gap = text[words[j].1..words[j + 1].0].trim();
            let joined =
                gap.is_empty() || gap.split_whitespace().all(|w| ORG_CONNECTORS.contains(&w));
            if !joined
                || text[words[j].1..words[j + 1].0]
                    .contains(['\n', ',', ';', ':', '(', ')', '"', '“', '”', '’', '\''])
            {
                break;
            }
            j += 1;
        }
        // Drop a leading "The" and a trailing connector-free run that holds no head.
        let mut first = i;
        while first <= j && matches!(&text[words[first].0..words[first].1], "The" | "A" | "An") {
            first += 1;
        }
        // A run goes on into an office after its head ("Commission President Maren …"):
        // the name ends at the head.
        let word_at = |k: usize| &text[words[k].0..words[k].1];
        if let Some(m) = (first + 1..=j).find(|&m| {
            ORG_HEADS.contains(&word_at(m - 1))
                && text[words[m - 1].1..words[m].0].trim().is_empty()
                && not_name(word_at(m))
        }) {
            j = m - 1;
        }
        // A name takes two capitalised words at least (a sentence's first word is capitalised
        // anyway: "Security analysts" is no name), so most runs end here, before any lookup.
        if first < j {
            let run = &text[words[first].0..words[j].1];
            let has_head = run.split_whitespace().any(|w| ORG_HEADS.contains(&w));
            let agreement = run
                .split_whitespace()
                .last()
                .is_some_and(|w| AGREEMENT_HEADS.contains(&w));
            if agreement || has_head {
                let kind = if agreement {
                    EntityType::Agreement
                } else {
                    EntityType::Organization
                };
                // "Jan Novak of the Baltic Institute …": a person, then the body.
                match person_of(text, &words[first..=j]) {
                    Some((person_end, body_start)) => {
                        out.push((words[first].0, person_end, EntityType::Person));
                        out.push((body_start, words[j].1, kind));
                    }
                    None => out.push((words[first].0, words[j].1, kind)),
                }
            }
        }
        i = j + 1;
    }
    out
}

/// In a run "Jan Novak of the Baltic Institute for …", the end of the person's name and the
/// start of the body's: the words before "of" make a name (two or three name words, no
/// head word), and a head word follows.
fn person_of(text: &str, run: &[(usize, usize)]) -> Option<(usize, usize)> {
    let k = (2..=3).find(|&k| {
        k < run.len()
            && text[run[k - 1].1..run[k].0]
                .split_whitespace()
                .next()
                .is_some_and(|w| w == "of")
    })?;
    let name = &run[..k];
    let word = |&(s, e): &(usize, usize)| &text[s..e];
    let name_shaped = name.iter().all(|w| {
        let w = word(w);
        !ORG_HEADS.contains(&w) && !not_name(w) && w.chars().nth(1).is_some_and(char::is_lowercase)
    });
    let body_has_head = run[k..].iter().any(|w| ORG_HEADS.contains(&word(w)));
    (name_shaped && body_has_head).then(|| (run[k - 1].1, run[k].0))
}

fn char_offset(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(paragraphs: &[&str]) -> Vec<(String, &'static str, String)> {
        let read = vec![true; paragraphs.len()];
        let claimed = vec![Vec::new(); paragraphs.len()];
        let (entities, found) = discover(paragraphs, &read, &claimed);
        found
            .into_iter()
            .map(|f| {
                let kind = if entities[f.entity].kind == EntityType::Person {
                    "person"
                } else {
                    "organization"
                };
                (entities[f.entity].name.clone(), kind, f.surface)
            })
            .collect()
    }

    /// Each mention as (entity name, surface) is `want`.
    #[track_caller]
    fn surfaces(paragraphs: &[&str], want: &[(&str, &str)]) {
        let got: Vec<(String, String)> = run(paragraphs)
            .into_iter()
            .map(|(n, _, s)| (n, s))
            .collect();
        let got: Vec<(&str, &str)> = got.iter().map(|(n, s)| (n.as_str(), s.as_str())).collect();
        assert_eq!(got, want, "{paragraphs:?}");
    }

    #[track_caller]
    fn names(paragraphs: &[&str], want: &[(&str, &str)]) {
        let got: Vec<(String, String)> = run(paragraphs)
            .into_iter()
            .map(|(n, k, _)| (n, k.to_string()))
            .collect();
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(n, k)| ((*n).to_string(), (*k).to_string()))
            .collect();
        assert_eq!(got, want, "{paragraphs:?}");
    }

    #[test]
    fn capitalised_words_are_the_matches_of_the_pattern() {
        let pattern = Regex::new(r"\p{Lu}[\p{L}\p{N}.&-]*").unwrap();
        for text in [
            "The U.S. and AT&T met Al-Sisi at Ōsaka Corp. in 2024.",
            "iPhone maker's CEO Ünal Çelik-Öztürk; ÉCOLE Ⅻ Ⓐbc ǅemal MIT2 x",
            "Ends in Straße",
            "Ἀθῆναι and Москва, Ελλάδα; 東京 KBS. \u{301}A\u{301}b",
            "",
        ] {
            let want: Vec<(usize, usize)> = pattern
                .find_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect();
            assert_eq!(capitalised_words(text), want, "{text}");
        }
    }

    #[test]
    fn people_from_attribution_and_titles() {
        names(
            &["“It is hard,” said Andrew Yeo, an associate professor at the school."],
            &[("Andrew Yeo", "person")],
        );
        names(
            &["Professor Kim Han-kwon wrote in a paper."],
            &[("Kim Han-kwon", "person")],
        );
        names(
            &["The author, John Power, claimed it."],
            &[("John Power", "person")],
        );
        names(
            &["according to Brad Glosserman of the centre"],
            &[("Brad Glosserman", "person")],
        );
        names(
            &["Joe Biden’s nominee for ambassador to Japan, Rahm Emmanuel, favours quiet talks."],
            &[("Rahm Emmanuel", "person")],
        );
        names(
            &["Maria Lopez, a senior fellow at the council, disagreed."],
            &[("Maria Lopez", "person")],
        );
        // No context, or not a name.
        names(
            &[
                "Security analysts worry about the trade war.",
                "The Japanese government said nothing.",
            ],
            &[],
        );
    }

    #[test]
    fn organisations_by_shape() {
        names(
            &["the deputy director of Tama University’s Centre for Rulemaking Strategies in Tokyo"],
            &[
                ("Tama University", "organization"),
                ("Centre for Rulemaking Strategies", "organization"),
            ],
        );
        names(
            &["director of Asian Studies at the Catholic University of America."],
            &[("Catholic University of America", "organization")],
        );
        names(
            &[
                "a professor at the Institute of Foreign Affairs and National Security Research in Seoul",
            ],
            &[(
                "Institute of Foreign Affairs and National Security Research",
                "organization",
            )],
        );
        names(&["The University said nothing."], &[]);
        // A full stop ends the name unless the word is an abbreviation.
        names(
            &["Stock in Hanwha Ocean Co. rose after he joined the Asan Institute."],
            &[
                ("Hanwha Ocean Co.", "organization"),
                ("Asan Institute", "organization"),
            ],
        );
        names(
            &["Officials at the U.S. Naval War College said so."],
            &[("U.S. Naval War College", "organization")],
        );
    }

    #[test]
    fn later_family_names_resolve_to_the_full_name() {
        surfaces(
            &[
                "said Brad Glosserman, a director.",
                "“No,” Glosserman said.",
                "Kim Han-kwon, a professor, spoke. Kim added more.",
            ],
            &[
                ("Brad Glosserman", "Brad Glosserman"),
                ("Brad Glosserman", "Glosserman"),
                ("Kim Han-kwon", "Kim Han-kwon"),
                ("Kim Han-kwon", "Kim"),
            ],
        );
    }

    #[test]
    fn people_after_roles_offices_and_particles() {
        names(
            &["The movement's leader Tomas Varga spoke first, then spokesperson Ines Okafor."],
            &[("Tomas Varga", "person"), ("Ines Okafor", "person")],
        );
        names(
            &["It was signed by his counterpart Amara Diallo and by deputy chief Lena Vogt."],
            &[("Amara Diallo", "person"), ("Lena Vogt", "person")],
        );
        names(
            &["Presidential Aide Oskar Lind said the talks would go on."],
            &[("Oskar Lind", "person")],
        );
        names(
            &[
                "said Commission President Maren van der Berg, with Yusuf bin Rashid and Karim al-Tamimi.",
            ],
            &[("Maren van der Berg", "person")],
        );
        names(
            &["Interior Minister Karim al-Tamimi said the border stays shut."],
            &[("Karim al-Tamimi", "person")],
        );
        names(
            &["Crown Prince Yusuf bin Rashid arrived."],
            &[("Yusuf bin Rashid", "person")],
        );
    }

    #[test]
    fn family_names_by_shape_and_people_of_institutes() {
        // A Chinese or Korean family name comes first; a double surname is the last word.
        surfaces(
            &[
                "Ministry spokesman Zhao Lijun said so, as did minister Lena Marsh-Holt.",
                "Zhao added more. Marsh-Holt declined.",
                "Choi Min-ji(Governor, Coastal Province) : \"We are ready.\"",
            ],
            &[
                ("Zhao Lijun", "Zhao Lijun"),
                ("Lena Marsh-Holt", "Lena Marsh-Holt"),
                ("Zhao Lijun", "Zhao"),
                ("Lena Marsh-Holt", "Marsh-Holt"),
                ("Choi Min-ji", "Choi Min-ji"),
            ],
        );
        // "Name of the X Institute" is a person and a body.
        names(
            &["Omar Haddad of the Levant Institute for Policy Studies expects more aid."],
            &[
                ("Omar Haddad", "person"),
                ("Levant Institute for Policy Studies", "organization"),
            ],
        );
        // An apposition, then the verb.
        names(
            &["The bloc's envoy for maritime affairs, Ines Carvalho, said the talks would resume."],
            &[("Ines Carvalho", "person")],
        );
    }

    #[test]
    fn a_lone_family_name_after_a_title_is_a_person() {
        names(
            &["Talks stalled, Mr Halvorsen told reporters, and Prime Minister Okonjo agreed."],
            &[("Halvorsen", "person"), ("Okonjo", "person")],
        );
        // The full name elsewhere in the article wins; the lone name is its mention.
        surfaces(
            &[
                "Prime Minister Okonjo arrived on Monday.",
                "Grace Okonjo, the prime minister, said little.",
                "Later Okonjo left.",
            ],
            &[
                ("Grace Okonjo", "Okonjo"),
                ("Grace Okonjo", "Grace Okonjo"),
                ("Grace Okonjo", "Okonjo"),
            ],
        );
        // Not a name: an office's other words, or a given name followed by more.
        names(
            &[
                "The General Assembly met; the President's Office said so.",
                "Secretary of State Anne · Ann Novak spoke.",
            ],
            &[],
        );
        // The Arabic article is not part of the family name written alone.
        let found = run(&["said Karim al-Tamimi, the minister.", "Tamimi left."]);
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].2, "Tamimi");
    }

    #[test]
    fn claims_in_front_of_a_name_are_cut_off_and_places_may_be_given_names() {
        let claim = |text: &str, word: &str, kind| {
            let at = text.find(word).unwrap();
            Claim {
                start: text[..at].chars().count(),
                end: text[..at + word.len()].chars().count(),
                kind,
            }
        };
        let text = "said Prime Minister of Ruritania Jan Novak, adding more.";
        let (entities, _) = discover(
            &[text],
            &[true],
            &[vec![claim(text, "Ruritania", Claimed::Country)]],
        );
        assert_eq!(entities[0].name, "Jan Novak");
        let text = "Presidential Aide Florence Adeyemi said the swap would go ahead.";
        let (entities, found) = discover(
            &[text],
            &[true],
            &[vec![claim(text, "Florence", Claimed::Place)]],
        );
        assert_eq!(entities[0].name, "Florence Adeyemi");
        assert_eq!(found[0].surface, "Florence Adeyemi");
        // A person or organisation the gazetteer took is never rediscovered.
        let (entities, _) = discover(
            &[text],
            &[true],
            &[vec![claim(text, "Florence Adeyemi", Claimed::Name)]],
        );
        assert!(entities.is_empty());
    }

    #[test]
    fn gazetteer_claims_are_respected() {
        let text = "said Fumio Kishida, the prime minister, at the Catholic University of America.";
        let kishida = Claim {
            start: text[..5].chars().count(),
            end: text[..18].chars().count(),
            kind: Claimed::Name,
        };
        let america_at = text.find("America").unwrap();
        let america = Claim {
            start: text[..america_at].chars().count(),
            end: text[..america_at + 7].chars().count(),
            kind: Claimed::Country,
        };
        let (entities, _) = discover(&[text], &[true], &[vec![kishida, america]]);
        let names: Vec<&str> = entities.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Catholic University of America"]);
    }
}
