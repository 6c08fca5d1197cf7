//! Dated events: who did what to whom, and when, coded on CAMEO.
//!
//! A shallow, precision-first coder in the manner of TABARI and PETRARCH, without a parser:
//!
//! 1. **Sentences** of content paragraphs ([`crate::text::sentences`]), and the **dates** each one
//!    names ([`crate::extract::timex`]), resolved against the article's publication date. A sentence
//!    without a date gives no event.
//! 2. **Actions**: phrase patterns from `data/cameo/patterns.tsv` ([`crate::extract::cameo`]). A phrase
//!    under negation ("did not meet"), a modal ("will visit", "could sign"), an infinitive
//!    ("plans to impose") or a habitual adverb ("regularly meets") is not an event.
//! 3. **Source**: the subject, i.e. the nearest actor before the phrase in its clause that is
//!    not the object of a preposition ("talks *with Tokyo*"), widened to a compound subject ("A
//!    and B met", "the leaders of A, B and C"); a pronoun subject is resolved to the last person
//!    ("he") or the last group of actors ("they"). In a passive ("was seized by X") the source
//!    follows "by" and the target comes before.
//! 4. **Target**: the first actor after the phrase in its clause (not a place named after "in" or
//!    "at"); else the second member of a compound subject ("Tokyo and Seoul agreed").
//! 5. **Date**: the date expression nearest to the phrase in the sentence.
//!
//! Actors are countries (metonyms such as "Seoul" included), people, organisations and demonyms
//! heading a noun ("a South Korean court"); a demonym that only qualifies a named person
//! ("Japanese Prime Minister Shinzo Abe") yields to the person.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::extract::cameo::{Flags, Taxonomy};
use crate::extract::discover::Discovered;
use crate::extract::entities::{EntityRef, EntityType, Gazetteer, Mention};
use crate::extract::timex::{self, Anchor, DateMention, DateSpan};
use crate::text::regexes;
use crate::text::sentences;

/// One reading of an event in an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Index of the paragraph.
    pub paragraph: usize,
    /// Character range of the sentence in the paragraph.
    pub sentence: Range<usize>,
    /// The sentence's text.
    pub sentence_text: String,
    /// Index into [`crate::extract::cameo::Taxonomy::codes`].
    pub code: usize,
    /// The acting entity.
    pub source: EntityRef,
    /// The entity acted on, if named.
    pub target: Option<EntityRef>,
    /// When.
    pub date: DateSpan,
    /// The date expression as written.
    pub date_text: String,
    /// What the date was resolved against.
    pub anchor: Anchor,
    /// The pattern that fired.
    pub rule: String,
    /// How sure the coder is, 0–1.
    pub confidence: f64,
    /// A joint action of source and target ("A and B met"): the same event as target → source.
    pub reciprocal: bool,
}

/// What the coder needs to know about an entity.
pub trait Actors {
    /// The entity's type.
    fn kind(&self, entity: EntityRef) -> EntityType;
    /// The country a place belongs to, as an entity (for "visited Washington").
    fn country_of_place(&self, entity: EntityRef) -> Option<EntityRef>;
}

/// [`Actors`] for the gazetteer and one article's discovered entities.
#[derive(Clone, Copy)]
pub struct ArticleActors<'a> {
    /// The gazetteer ([`EntityRef::Gazetteer`] indexes its entities).
    pub gazetteer: &'a Gazetteer,
    /// The article's discovered entities ([`EntityRef::Discovered`] indexes them).
    pub discovered: &'a [Discovered],
}

impl Actors for ArticleActors<'_> {
    fn kind(&self, entity: EntityRef) -> EntityType {
        match entity {
            EntityRef::Gazetteer(i) => self.gazetteer.entities[i].kind,
            EntityRef::Discovered(i) => self.discovered[i].kind,
        }
    }

    fn country_of_place(&self, entity: EntityRef) -> Option<EntityRef> {
        match entity {
            EntityRef::Gazetteer(i) => self.gazetteer.country_of(i).map(EntityRef::Gazetteer),
            EntityRef::Discovered(_) => None,
        }
    }
}

/// Each paragraph's mentions, in their order: one pass, so that an article of many paragraphs
/// does not read every mention once per paragraph.
pub(crate) fn by_paragraph(mentions: &[Mention], paragraphs: usize) -> Vec<Vec<&Mention>> {
    let mut out = vec![Vec::new(); paragraphs];
    for m in mentions {
        if let Some(list) = out.get_mut(m.paragraph) {
            list.push(m);
        }
    }
    out
}

/// An actor mention in byte offsets of its paragraph.
#[derive(Debug, Clone, Copy)]
struct Actor {
    start: usize,
    end: usize,
    entity: EntityRef,
    person: bool,
    /// A place that may stand for its country's government only as a visit's target.
    place_only: bool,
}

/// Code the events of an article. `read[i]` says whether paragraph `i` is content; `mentions`
/// and `demonyms` come from entity extraction; `published` is the article's date (ISO, any
/// precision).
#[must_use]
pub fn extract(
    paragraphs: &[&str],
    read: &[bool],
    mentions: &[Mention],
    demonyms: &[Mention],
    published: Option<&str>,
    actors: &dyn Actors,
    taxonomy: &Taxonomy,
) -> Vec<Event> {
    let mut ctx = timex::Context::new(published);
    let mut state = State::default();
    let mut out = Vec::new();
    let mentions_in = by_paragraph(mentions, paragraphs.len());
    let demonyms_in = by_paragraph(demonyms, paragraphs.len());
    for (p, text) in paragraphs.iter().enumerate() {
        if !read.get(p).copied().unwrap_or(false) {
            continue;
        }
        let byte_of = char_to_byte(text);
        let mut people: Vec<Actor> = Vec::new();
        let mut list: Vec<Actor> = mentions_in[p]
            .iter()
            .filter_map(|m| {
                let kind = actors.kind(m.entity);
                let (entity, place_only) = match kind {
                    EntityType::Country | EntityType::Person | EntityType::Organization => {
                        (m.entity, false)
                    }
                    EntityType::Location => (actors.country_of_place(m.entity)?, true),
                    _ => return None,
                };
                let actor = Actor {
                    start: byte_of(m.char_start),
                    end: byte_of(m.char_end),
                    entity,
                    person: kind == EntityType::Person,
                    place_only,
                };
                if actor.person {
                    people.push(actor);
                }
                Some(actor)
            })
            .collect();
        // A demonym heads an actor ("a South Korean court") unless a named person or
        // organisation follows it within a few words (a title: "Japanese Prime Minister Abe").
        for d in &demonyms_in[p] {
            let (start, end) = (byte_of(d.char_start), byte_of(d.char_end));
            let qualifies = list.iter().any(|a| {
                !a.place_only
                    && a.start >= end
                    && a.start - end < 40
                    && !text[end..a.start].contains([',', '.', ';'])
                    && words(&text[end..a.start]) <= 4
            });
            if !qualifies && agent_follows(text, end) {
                list.push(Actor {
                    start,
                    end,
                    entity: d.entity,
                    person: false,
                    place_only: false,
                });
            }
        }
        let list = without_overlaps(list);
        for range in sentences::split(text) {
            let sentence = &text[range.clone()];
            let mut dates = timex::find(sentence, &mut ctx);
            // "the 2015 agreement": a year that qualifies a noun dates nothing.
            dates.retain(|d| !year_as_modifier(sentence, &d.range));
            let in_sentence: Vec<Actor> = list
                .iter()
                .filter(|a| a.start >= range.start && a.end <= range.end)
                .map(|a| Actor {
                    start: a.start - range.start,
                    end: a.end - range.start,
                    ..*a
                })
                .collect();
            let coded_before = out.len();
            if !dates.is_empty() {
                let sentence_chars =
                    text[..range.start].chars().count()..text[..range.end].chars().count();
                for coded in code_sentence(sentence, &dates, &in_sentence, &mut state, taxonomy) {
                    out.push(Event {
                        paragraph: p,
                        sentence: sentence_chars.clone(),
                        sentence_text: sentence.to_string(),
                        ..coded
                    });
                }
            }
            if out.len() == coded_before {
                remember_pair(sentence, &in_sentence, &mut state);
            }
            if let Some(last) = people
                .iter()
                .rev()
                .find(|a| a.start >= range.start && a.end <= range.end)
            {
                state.last_person = Some(last.entity);
            }
        }
    }
    out
}

/// What earlier sentences tell about pronouns.
#[derive(Debug, Default)]
struct State {
    last_person: Option<EntityRef>,
    last_group: Vec<EntityRef>,
}

/// "Ruritania and Freedonia …" in a sentence that coded nothing: the pair that a later "the
/// two sides" refers to.
fn remember_pair(sentence: &str, actors: &[Actor], state: &mut State) {
    if let Some(pair) = actors.windows(2).rev().find(|w| {
        !w[0].place_only
            && !w[1].place_only
            && w[0].entity != w[1].entity
            && sentence[w[0].end..w[1].start].trim() == "and"
    }) {
        state.last_group = vec![pair[0].entity, pair[1].entity];
    }
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Byte offset of each character offset in `text` (and of its end).
fn char_to_byte(text: &str) -> impl Fn(usize) -> usize + '_ {
    let offsets: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    move |c| offsets.get(c).copied().unwrap_or(text.len())
}

/// An appeal or demand whose that-clause runs up to the phrase.
static DEMANDED_THAT: LazyLock<Regex> = LazyLock::new(|| {
    regexes::built_in(
        r"(?i)\b(?:demand|demanded|demands|demanding|insisted|urged|urges|asked|asks|requested|requests|called\s+for|calls\s+for|recommended|proposed)\b[^.;:]*\bthat\b[^.;:]*$",
    )
});

/// A decision announced before an intended action: "announced that it will withdraw …",
/// "announced plans to end …": the action is coded as done, not as a threat.
static DECIDED: LazyLock<Regex> =
    LazyLock::new(|| regexes::built_in(r"(?i)\b(?:announc|decid|confirm)\w*\b"));

static CLAUSE_BREAK: LazyLock<Regex> = LazyLock::new(|| {
    regexes::built_in(
        r"(?i)[;:]|\s[—–]\s|,\s+(?:and|but|which|who|where|while|whereas|although|though)\b|\s(?:but|while|whereas|although|though|because|where|after|before|when|as|that|which|who|whom|until|unless|if)\s",
    )
});

/// Words before a phrase that make it no event: negation, modality, an infinitive, habit.
static BLOCKERS: LazyLock<Vec<&str>> =
    LazyLock::new(|| crate::text::words(include_str!("../../data/words/event-blockers.txt")));
/// Words a subject and its verb may have between them.
static ADVERBS: LazyLock<Vec<&str>> =
    LazyLock::new(|| crate::text::words(include_str!("../../data/words/event-adverbs.txt")));
static BE: &[&str] = &["was", "were", "is", "are", "been", "being", "be"];
/// Prepositions whose object is not a subject.
static NOT_SUBJECT: LazyLock<Vec<&str>> =
    LazyLock::new(|| crate::text::words(include_str!("../../data/words/event-not-subject.txt")));
/// Prepositions of place and time whose object is not a target.
static NOT_TARGET: LazyLock<Vec<&str>> =
    LazyLock::new(|| crate::text::words(include_str!("../../data/words/event-not-target.txt")));
/// Nouns for the people and bodies that act for a country, after PETRARCH's agents dictionary:
/// "a South Korean *court*", "Japan's foreign *minister*". A demonym or possessive before one
/// stands for an actor; before anything else ("North Korean missile data", "Washington's
/// vision") it does not.
static AGENTS: LazyLock<Vec<&str>> =
    LazyLock::new(|| crate::text::words(include_str!("../../data/words/event-agents.txt")));

/// Does an agent noun follow byte `at` within three words, before any punctuation?
fn agent_follows(text: &str, at: usize) -> bool {
    let rest = text[at..].trim_start_matches(['\'', '’', 's']);
    for word in rest.split_whitespace().take(3) {
        let clean = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if AGENTS.contains(&clean.as_str()) {
            return true;
        }
        if word.ends_with([',', ';', ':', '.']) {
            return false;
        }
    }
    false
}

/// Is the actor ending at byte `end` a possessive ("Washington's", "Hamas'")?
fn possessive(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    rest.starts_with("'s")
        || rest.starts_with("’s")
        || (text[..end].ends_with('s') && (rest.starts_with("' ") || rest.starts_with("’ ")))
}

/// A group named by a noun before the phrase: "the two leaders met", "both sides agreed".
static GROUP_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    regexes::built_in(
        r"(?i)\b(?:the\s+two|both|the)\s+(?:\w+\s+)?(?:leaders|sides|countries|nations|neighbou?rs|governments|ministers|delegations|presidents|parties|allies|rivals)\s+(?:\w+ly\s+)?$",
    )
});

static PRONOUNS_ONE: &[&str] = &["he", "she"];
static PRONOUNS_GROUP: &[&str] = &["they", "both"];

/// The lowercased words of `text`, last first (punctuation stops the walk: `None`).
fn words_back(text: &str) -> impl Iterator<Item = Option<String>> + '_ {
    text.split_whitespace().rev().map(|w| {
        let ends_clause = w.ends_with([',', ';', ':', '.', '"', '”']);
        let word = w
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
            .to_lowercase();
        (!ends_clause).then_some(word)
    })
}

/// The word right before byte `at`, skipping "the" and "a".
fn preceding_word(sentence: &str, at: usize) -> Option<String> {
    sentence[..at]
        .split_whitespace()
        .rev()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .find(|w| {
            !matches!(
                w.as_str(),
                "the" | "a" | "an" | "its" | "their" | "his" | "her"
            )
        })
}

/// What the words before a phrase make of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mood {
    /// Done: "met", "has signed".
    Done,
    /// Scheduled for a date: "are due to meet on Friday", "is scheduled to sign".
    Scheduled,
    /// Announced for the future or as a plan: "will visit", "would remain", "plans to
    /// impose", "is set to sign".
    Intended,
    /// Not an event: negation ("did not meet"), speculation ("could sign"), a condition ("if
    /// they meet"), habit ("regularly meets"), or an infinitive of something else ("failed to
    /// agree", "in order to meet").
    Blocked,
}

/// Words before "to" that announce the action after it as intended. Verbs that are events
/// themselves ("agreed to", "pledged to", "threatened to", "offered to") are not here: the
/// governing verb is the event, and the infinitive after it is not another.
const INTENT_BEFORE_TO: &[&str] = &[
    "plans",
    "planned",
    "plan",
    "planning",
    "intends",
    "intended",
    "intend",
    "aims",
    "aimed",
    "seeks",
    "sought",
    "wants",
    "wanted",
    "hopes",
    "hoped",
    "ready",
    "prepared",
    "going",
    "set",
    "expected",
    "decided",
    "decides",
    "announced",
    "willing",
    "determined",
    "resolved",
    "committed",
    "moving",
];

/// Words before "to" that schedule the action after it.
const SCHEDULED_BEFORE_TO: &[&str] = &["due", "scheduled", "slated", "poised"];

/// The mood of the phrase at byte `at`: negation, modals, infinitives and habit before it.
fn mood(sentence: &str, at: usize) -> Mood {
    let before = &sentence[..at];
    if before.trim_end().ends_with("n't") || before.trim_end().ends_with("n’t") {
        return Mood::Blocked;
    }
    let words: Vec<Option<String>> = words_back(before).take(4).collect();
    let mut adverbs_only = true;
    for (i, word) in words.iter().enumerate().take(3) {
        let Some(word) = word else { break };
        if word.ends_with("n't") || word.ends_with("n’t") {
            return Mood::Blocked;
        }
        if matches!(word.as_str(), "will" | "shall") || (word == "would" && adverbs_only) {
            return Mood::Intended;
        }
        if BLOCKERS.contains(&word.as_str()) {
            return Mood::Blocked;
        }
        // "to impose" (but not "moved to Tokyo, Seoul imposed"): an infinitive right before
        // the phrase, adverbs aside; what comes before "to" says whether it is intended.
        if word == "to" && adverbs_only {
            let governor = words.get(i + 1).cloned().flatten().unwrap_or_default();
            return if SCHEDULED_BEFORE_TO.contains(&governor.as_str()) {
                Mood::Scheduled
            } else if INTENT_BEFORE_TO.contains(&governor.as_str()) {
                Mood::Intended
            } else {
                Mood::Blocked
            };
        }
        if !ADVERBS.contains(&word.as_str()) {
            adverbs_only = false;
        }
    }
    Mood::Done
}

/// Is the word before byte `at` a determiner ("a visit", "their talks")? Then a verb pattern
/// has matched a noun.
fn after_determiner(sentence: &str, at: usize) -> bool {
    words_back(&sentence[..at])
        .next()
        .flatten()
        .is_some_and(|w| {
            matches!(
                w.as_str(),
                "a" | "an"
                    | "the"
                    | "his"
                    | "her"
                    | "its"
                    | "their"
                    | "our"
                    | "this"
                    | "these"
                    | "those"
                    | "whose"
                    | "every"
                    | "each"
            )
        })
}

fn is_passive(sentence: &str, at: usize) -> bool {
    for word in words_back(&sentence[..at]).take(2) {
        let Some(word) = word else { return false };
        if BE.contains(&word.as_str()) {
            return true;
        }
        if !ADVERBS.contains(&word.as_str()) {
            return false;
        }
    }
    false
}

/// The clause around the phrase `at`: byte range from the last break before it to the first
/// break after it.
fn clause(sentence: &str, at: &Range<usize>) -> Range<usize> {
    let mut start = 0;
    let mut end = sentence.len();
    for m in CLAUSE_BREAK.find_iter(sentence) {
        if m.end() <= at.start {
            start = m.end();
        } else if m.start() >= at.end {
            end = m.start();
            break;
        }
    }
    start..end
}

/// Actors in text order, overlapping ones (a demonym inside a longer name, two readings of one
/// title) made one: the longer is kept.
fn without_overlaps(mut actors: Vec<Actor>) -> Vec<Actor> {
    actors.sort_by_key(|a| (a.start, a.end));
    let mut kept: Vec<Actor> = Vec::with_capacity(actors.len());
    for actor in actors {
        match kept.last_mut() {
            Some(previous) if actor.start < previous.end => {
                if actor.end - actor.start > previous.end - previous.start {
                    *previous = actor;
                }
            }
            _ => kept.push(actor),
        }
    }
    kept
}

/// The actors of a compound subject ending with `last` ("A, B and C").
fn compound(sentence: &str, actors: &[Actor], last: usize) -> Vec<Actor> {
    let mut group = vec![actors[last]];
    let mut i = last;
    while i > 0 {
        let prev = actors[i - 1];
        let gap = &sentence[prev.end..actors[i].start];
        let joined = gap.trim().is_empty()
            || gap.trim() == ","
            || ((gap.trim_start().starts_with("and ")
                || gap.trim_start().starts_with(", and ")
                || gap.trim_start().starts_with(", ")
                || gap.trim_start().starts_with("& "))
                && words(gap) <= 6
                && !gap
                    .trim_start()
                    .trim_start_matches(',')
                    .contains([',', ';', '.']));
        if !joined || prev.place_only {
            break;
        }
        if !group.iter().any(|a| a.entity == prev.entity) {
            group.insert(0, prev);
        }
        i -= 1;
    }
    group
}

/// The sentence with its date expressions (and a preposition right before one) blanked out, at
/// the same byte offsets, so a date inside a phrase does not break it ("offered on 10 January
/// 2024 to mediate").
fn without_dates(sentence: &str, dates: &[DateMention]) -> String {
    let mut bytes = sentence.as_bytes().to_vec();
    for d in dates {
        let mut start = d.range.start;
        let before = sentence[..start].trim_end();
        if let Some(word) = before.rsplit(char::is_whitespace).next()
            && matches!(
                word.to_ascii_lowercase().as_str(),
                "on" | "in" | "at" | "by" | "since" | "until" | "from"
            )
        {
            start = before.len() - word.len();
        }
        for b in &mut bytes[start..d.range.end] {
            *b = b' ';
        }
    }
    // Only whole characters were blanked (date expressions and words are whole characters).
    String::from_utf8(bytes).unwrap_or_else(|_| sentence.to_string())
}

/// Every pattern match, grouped by the word it starts at (longest first within a group), the
/// groups without overlaps (each group spans as far as its longest phrase); statements last
/// (a sentence's statement is coded only if nothing else in it is).
fn phrases(sentence: &str, taxonomy: &Taxonomy) -> Vec<Vec<(Range<usize>, usize)>> {
    let mut found = taxonomy.matches(sentence);
    found.sort_by_key(|(r, i)| (r.start, std::cmp::Reverse(r.end), *i));
    let mut groups: Vec<Vec<(Range<usize>, usize)>> = Vec::new();
    for (r, i) in found {
        match groups.last_mut() {
            Some(group) if group[0].0.start == r.start => group.push((r, i)),
            Some(group) if r.start < group[0].0.end => {}
            _ => groups.push(vec![(r, i)]),
        }
    }
    groups.sort_by_key(|g| taxonomy.patterns[g[0].1].flags.say);
    groups
}

/// The code pattern `i` gives at `phrase`, after its mood; `None` when it is no event there.
fn code_of(sentence: &str, phrase: &Range<usize>, i: usize, taxonomy: &Taxonomy) -> Option<usize> {
    let pattern = &taxonomy.patterns[i];
    // Inside a hyphenated word ("US-brokered", "self-declared") a verb is an adjective.
    if sentence[..phrase.start].ends_with('-')
        || (!pattern.flags.noun && after_determiner(sentence, phrase.start))
    {
        return None;
    }
    // What someone demanded or urged be done has not happened: "demanded that Ruritania
    // withdraw its troops" codes the demand alone.
    if DEMANDED_THAT.is_match(&sentence[..phrase.start]) {
        return None;
    }
    match mood(sentence, phrase.start) {
        Mood::Blocked => None,
        Mood::Done | Mood::Scheduled => Some(pattern.code),
        Mood::Intended => {
            let decided = DECIDED.is_match(&sentence[..phrase.start]);
            taxonomy.intended(pattern.code, decided)
        }
    }
}

/// A coded event before its paragraph and sentence are filled in.
fn code_sentence(
    sentence: &str,
    dates: &[DateMention],
    actors: &[Actor],
    state: &mut State,
    taxonomy: &Taxonomy,
) -> Vec<Event> {
    let mut out = Vec::new();
    for group in phrases(&without_dates(sentence, dates), taxonomy) {
        // Phrases starting at one word, longest first: the first that codes an event wins
        // ("fired a missile at Ruritania" is an attack; "fired a missile into the sea", a test).
        for (phrase, i) in group {
            let pattern = &taxonomy.patterns[i];
            if pattern.flags.say && !out.is_empty() {
                break;
            }
            let scene = Phrase {
                sentence,
                dates,
                actors,
                span: phrase,
                pattern: i,
            };
            if let Some(events) = scene.code(state, taxonomy) {
                out.extend(events);
                break;
            }
        }
    }
    out
}

/// One phrase of a sentence, to be coded.
struct Phrase<'a> {
    sentence: &'a str,
    dates: &'a [DateMention],
    actors: &'a [Actor],
    /// Where it matched, in bytes.
    span: Range<usize>,
    /// Its index in [`Taxonomy::patterns`].
    pattern: usize,
}

impl Phrase<'_> {
    /// The phrase's event (two for "brought A and B together"), or `None`.
    fn code(&self, state: &mut State, taxonomy: &Taxonomy) -> Option<Vec<Event>> {
        let (sentence, phrase) = (self.sentence, &self.span);
        let pattern = &taxonomy.patterns[self.pattern];
        // A verb inside a name ("States" of "United States") is none.
        if self
            .actors
            .iter()
            .any(|a| a.start <= phrase.start && phrase.start < a.end)
        {
            return None;
        }
        let code = code_of(sentence, phrase, self.pattern, taxonomy)?;
        let date = nearest_date(self.dates, phrase)?;
        // A noun names an event of its own only with its date beside it ("talks with Freedonia
        // on Monday"), and after it when an actor owns it ("Ruritania's attack on Monday");
        // elsewhere it is a reference ("condemned Ruritania's invasion last summer").
        // So does a statement: "said on Monday" is one, "said the war that began in 2014 …"
        // is not.
        let near = distance(&date.range, phrase) <= NOUN_DATE_REACH;
        let owned = self.actors.iter().any(|a| {
            a.end <= phrase.start
                && possessive(sentence, a.end)
                && words(&sentence[a.end..phrase.start]) <= 3
        });
        if (pattern.flags.noun && !(near && (!owned || date.range.start >= phrase.end)))
            || (pattern.flags.say && !near)
        {
            return None;
        }
        let scope = clause(sentence, phrase);
        // A statement's speaker is never inside the quotation it reports.
        let unquoted: Vec<Actor>;
        let actors = if pattern.flags.say {
            let quoted = quoted_spans(sentence);
            unquoted = self
                .actors
                .iter()
                .filter(|a| !quoted.iter().any(|q| q.start <= a.start && a.end <= q.end))
                .copied()
                .collect();
            &unquoted[..]
        } else {
            self.actors
        };
        let coded = actors_of(sentence, actors, phrase, &scope, pattern.flags, state)?;
        let mut confidence: f64 = 0.9;
        if coded.pronoun {
            confidence -= 0.2;
        }
        if coded.target.is_some() && coded.target_fallback {
            confidence -= 0.1;
        }
        if !(scope.start <= date.range.start && date.range.end <= scope.end) {
            confidence -= 0.1;
        }
        let base = Event {
            paragraph: 0,
            sentence: 0..0,
            sentence_text: String::new(),
            code,
            source: coded.source,
            target: coded.target,
            date: date.span,
            date_text: sentence[date.range.clone()].to_string(),
            anchor: date.anchor,
            rule: pattern.rule.clone(),
            confidence: (confidence * 100.0).round() / 100.0,
            reciprocal: pattern.flags.symmetric && coded.compound,
        };
        Some(match coded.pair_second {
            Some(second) => vec![
                base.clone(),
                Event {
                    source: base.target.unwrap_or(base.source),
                    target: Some(second),
                    reciprocal: true,
                    ..base
                },
            ],
            None => vec![base],
        })
    }
}

fn nearest_date<'d>(dates: &'d [DateMention], phrase: &Range<usize>) -> Option<&'d DateMention> {
    dates.iter().min_by_key(|d| distance(&d.range, phrase))
}

/// Is the date at `range` a bare year after a determiner ("the 2015 deal", "a 2019 law")?
fn year_as_modifier(sentence: &str, range: &Range<usize>) -> bool {
    let text = &sentence[range.clone()];
    text.len() == 4
        && text.bytes().all(|b| b.is_ascii_digit())
        && matches!(
            words_back(&sentence[..range.start])
                .next()
                .flatten()
                .as_deref(),
            Some("the" | "a" | "its" | "their" | "his" | "her" | "this" | "that")
        )
}

/// Byte spans between quotation marks (straight or curly double quotes; an unclosed one runs
/// to the end).
fn quoted_spans(sentence: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in sentence.char_indices() {
        match (c, open) {
            ('“', _) | ('"', None) => open = Some(i),
            ('”' | '"', Some(start)) => {
                out.push(start..i + c.len_utf8());
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        out.push(start..sentence.len());
    }
    out
}

/// How far a noun phrase's date may be from it, in bytes (about six words).
const NOUN_DATE_REACH: usize = 40;

/// Bytes between two ranges (0 when they touch or overlap).
fn distance(a: &Range<usize>, b: &Range<usize>) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

struct Coded {
    source: EntityRef,
    target: Option<EntityRef>,
    pronoun: bool,
    compound: bool,
    target_fallback: bool,
    pair_second: Option<EntityRef>,
}

/// The actors of one sentence around one phrase.
struct Scene<'a> {
    sentence: &'a str,
    actors: &'a [Actor],
    phrase: &'a Range<usize>,
    scope: &'a Range<usize>,
    flags: Flags,
}

impl Scene<'_> {
    /// Indices of actors that may be the subject: before the phrase in its clause.
    fn left(&self) -> Vec<usize> {
        (0..self.actors.len())
            .filter(|&k| {
                let a = self.actors[k];
                !a.place_only && a.start >= self.scope.start && a.end <= self.phrase.start
            })
            .collect()
    }

    /// End of the phrase's first word: actors inside the phrase start after it.
    fn first_word_end(&self) -> usize {
        self.sentence[self.phrase.clone()]
            .find(char::is_whitespace)
            .map_or(self.phrase.end, |w| self.phrase.start + w)
    }

    /// Indices of actors after the phrase in its clause (or inside it, when `inside`).
    fn right(&self, inside: bool) -> Vec<usize> {
        let first = self.first_word_end();
        (0..self.actors.len())
            .filter(|&k| {
                let a = self.actors[k];
                a.end <= self.scope.end
                    && (a.start >= self.phrase.end || (inside && a.start >= first))
            })
            .collect()
    }

    fn preposition(&self, k: usize) -> Option<String> {
        preceding_word(self.sentence, self.actors[k].start)
    }

    /// "talks between A and B": A is the source, B the target.
    fn between(&self) -> Option<Coded> {
        let right: Vec<EntityRef> = self
            .right(false)
            .into_iter()
            .filter(|&k| !self.actors[k].place_only)
            .map(|k| self.actors[k].entity)
            .collect();
        let source = *right.first()?;
        let target = right.iter().copied().find(|&e| e != source)?;
        Some(Coded {
            source,
            target: Some(target),
            pronoun: false,
            compound: true,
            target_fallback: false,
            pair_second: None,
        })
    }

    /// The subject of a that-clause right after the phrase ("demanded that Ruritania …",
    /// "warned that the Freedonian government would …").
    fn that_subject(&self, group: &[EntityRef]) -> Option<EntityRef> {
        let rest = &self.sentence[self.phrase.end..];
        let that = rest.find(" that ")? + self.phrase.end + " that ".len();
        if words(&self.sentence[self.phrase.end..that]) > 6 {
            return None;
        }
        self.actors
            .iter()
            .find(|a| {
                a.start >= that
                    && !a.place_only
                    && !group.contains(&a.entity)
                    && words(&self.sentence[that..a.start]) <= 2
            })
            .map(|a| a.entity)
    }

    /// The speaker right after a statement verb ("…, said Pakistani officials").
    fn speaker_after(&self) -> Option<EntityRef> {
        self.right(false)
            .into_iter()
            .find(|&k| {
                let a = self.actors[k];
                !a.place_only && words(&self.sentence[self.phrase.end..a.start]) <= 3
            })
            .map(|k| self.actors[k].entity)
    }

    /// "assets were seized by a South Korean court": source after "by", target before.
    fn passive(&self) -> Option<Coded> {
        let by = self.right(true).into_iter().find(|&k| {
            self.preposition(k).as_deref() == Some("by") && !self.actors[k].place_only
        })?;
        let source = self.actors[by].entity;
        let target = self
            .left()
            .iter()
            .rev()
            .map(|&k| self.actors[k].entity)
            .find(|&e| e != source);
        Some(Coded {
            source,
            target,
            pronoun: false,
            compound: false,
            target_fallback: false,
            pair_second: None,
        })
    }

    /// The subject group and whether a pronoun gave it: a pronoun right before the phrase
    /// wins; else the nearest actor before it that is not the object of a preposition (with
    /// the rest of a compound subject); else a pronoun opening the clause.
    fn subject(&self, state: &State) -> Option<(Vec<EntityRef>, bool)> {
        let before = &self.sentence[self.scope.start..self.phrase.start];
        // The subject's slot: the word before the phrase, past adverbs and what makes the
        // phrase intended ("it would send", "it was ready to mediate").
        let slot = words_back(before).map_while(|w| w).find(|w| {
            !ADVERBS.contains(&w.as_str())
                && !matches!(w.as_str(), "will" | "would" | "shall" | "to")
                && !INTENT_BEFORE_TO.contains(&w.as_str())
                && !SCHEDULED_BEFORE_TO.contains(&w.as_str())
        });
        let pronoun_group = |w: &str| -> Option<Vec<EntityRef>> {
            if PRONOUNS_ONE.contains(&w) {
                state.last_person.map(|p| vec![p])
            } else if PRONOUNS_GROUP.contains(&w) && !state.last_group.is_empty() {
                Some(state.last_group.clone())
            } else {
                None
            }
        };
        if let Some(group) = slot.as_deref().and_then(pronoun_group) {
            return Some((group, true));
        }
        // "Ruritania said it had recalled …": "it" is the country or body that spoke.
        if slot.as_deref() == Some("it") {
            let it_at = self.scope.start + before.rfind("it ").unwrap_or(0);
            return (0..self.actors.len())
                .rev()
                .map(|k| self.actors[k])
                .find(|a| !a.place_only && !a.person && a.end <= it_at)
                .map(|a| (vec![a.entity], true));
        }
        if !state.last_group.is_empty() && GROUP_SUBJECT.is_match(before) {
            return Some((state.last_group.clone(), true));
        }
        let nearest = self.left().into_iter().rev().find(|&k| {
            let a = self.actors[k];
            !self
                .preposition(k)
                .is_some_and(|w| NOT_SUBJECT.contains(&w.as_str()))
                && (!possessive(self.sentence, a.end)
                    || self.flags.noun
                    || agent_follows(self.sentence, a.end))
        });
        if let Some(k) = nearest {
            let group = compound(self.sentence, self.actors, k)
                .iter()
                .map(|a| a.entity)
                .collect();
            return Some((group, false));
        }
        let opening = before.split_whitespace().next().map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })?;
        pronoun_group(&opening).map(|g| (g, true))
    }

    /// May actor `k` be the target of a subject `group`?
    fn target_ok(&self, k: usize, group: &[EntityRef]) -> bool {
        let a = self.actors[k];
        if group.contains(&a.entity) || (a.place_only && !self.flags.place) {
            return false;
        }
        let gap = &self.sentence[self.phrase.end..a.start.max(self.phrase.end)];
        if self.flags.object && words(gap) > 3 {
            return false;
        }
        // "in Phnom Penh, Cambodia": a country in apposition to a place is a place too.
        let apposition = k > 0
            && self.actors[k - 1].place_only
            && self.sentence[self.actors[k - 1].end..a.start].trim() == ",";
        !apposition
            && (self.flags.place
                || !self
                    .preposition(k)
                    .is_some_and(|w| NOT_TARGET.contains(&w.as_str())))
    }

    /// Target (and, for "brought A and B together", the second of the pair), and whether it
    /// came from a fallback.
    fn target(&self, group: &[EntityRef]) -> (Option<EntityRef>, Option<EntityRef>, bool) {
        let source = group[0];
        if self.flags.pair {
            // "brought A and B together": A is the target, B meets A.
            let inside: Vec<usize> = self
                .right(true)
                .into_iter()
                .filter(|&k| self.actors[k].end <= self.phrase.end && !self.actors[k].place_only)
                .collect();
            return match inside.as_slice() {
                [a, b, ..] => {
                    let (a, b) = (self.actors[*a].entity, self.actors[*b].entity);
                    (Some(a), Some(b).filter(|&b| b != a), false)
                }
                [a] => (Some(self.actors[*a].entity), None, false),
                [] => (None, None, false),
            };
        }
        if self.flags.symmetric && group.len() > 1 {
            return (Some(group[1]), None, false);
        }
        let after = self
            .right(self.flags.inner)
            .into_iter()
            .find(|&k| self.target_ok(k, group))
            .map(|k| self.actors[k].entity);
        if after.is_some() {
            return (after.filter(|&t| t != source), None, false);
        }
        if self.flags.that
            && let Some(subject) = self.that_subject(group)
        {
            return (Some(subject), None, false);
        }
        if group.len() > 1 {
            return (Some(group[1]), None, false);
        }
        // "Seoul was sharing intelligence with Tokyo despite signing …": a partner named with
        // "with" before the phrase.
        let partner = self
            .left()
            .into_iter()
            .rev()
            .find(|&k| {
                self.actors[k].entity != source && self.preposition(k).as_deref() == Some("with")
            })
            .map(|k| self.actors[k].entity);
        (partner, None, partner.is_some())
    }
}

fn actors_of(
    sentence: &str,
    actors: &[Actor],
    phrase: &Range<usize>,
    scope: &Range<usize>,
    flags: Flags,
    state: &mut State,
) -> Option<Coded> {
    let scene = Scene {
        sentence,
        actors,
        phrase,
        scope,
        flags,
    };
    if !flags.noun && is_passive(sentence, phrase.start) {
        return scene.passive();
    }
    if flags.noun && sentence[phrase.clone()].to_lowercase().ends_with("between") {
        return scene.between();
    }
    let subject = scene.subject(state).or_else(|| {
        // "…, said the defence minister on Monday": a statement's speaker may follow it.
        flags
            .say
            .then(|| scene.speaker_after())
            .flatten()
            .map(|e| (vec![e], false))
    });
    let (group, pronoun) = subject?;
    let source = *group.first()?;
    if group.len() > 1 {
        state.last_group.clone_from(&group);
    } else if state.last_group.first() != Some(&source) {
        state.last_group = vec![source];
    }
    let (target, pair_second, target_fallback) = if flags.say {
        (None, None, false)
    } else {
        scene.target(&group)
    };
    if flags.target && target.is_none() {
        return None;
    }
    Some(Coded {
        source,
        target,
        pronoun,
        compound: group.len() > 1,
        target_fallback,
        pair_second,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Resources;

    /// The built-in data, built once for these tests.
    static BUILT: std::sync::LazyLock<Resources> = std::sync::LazyLock::new(Resources::built_in);

    fn name(e: EntityRef) -> String {
        match e {
            EntityRef::Gazetteer(i) => BUILT.gazetteer.entities[i].name.clone(),
            EntityRef::Discovered(i) => format!("discovered {i}"),
        }
    }

    /// Code one paragraph and describe each event as "date code source -> target (rule)".
    fn code(text: &str, published: Option<&str>) -> Vec<String> {
        let (mentions, demonyms) = BUILT.gazetteer.extract_with_demonyms(&[text], None);
        extract(
            &[text],
            &[true],
            &mentions,
            &demonyms,
            published,
            &ArticleActors {
                gazetteer: &BUILT.gazetteer,
                discovered: &[],
            },
            &BUILT.taxonomy,
        )
        .into_iter()
        .map(|e| {
            format!(
                "{} {} {} -> {}",
                e.date.display(),
                BUILT.taxonomy.codes[e.code].code,
                name(e.source),
                e.target.map_or("-".into(), name)
            )
        })
        .collect()
    }

    #[test]
    fn subjects_objects_and_dates() {
        assert_eq!(
            code(
                "In 2019, Japan imposed new export curbs on South Korea.",
                None
            ),
            ["2019 163 Japan -> South Korea"]
        );
        assert_eq!(
            code(
                "On March 3, 2021, Germany criticized Russia over the arrests.",
                None
            ),
            ["2021-03-03 111 Germany -> Russia"]
        );
        assert_eq!(
            code(
                "Last month, Paris and Berlin agreed to lift the duties.",
                Some("2022-06-15")
            ),
            ["2022-05 030 France -> Germany"]
        );
        // A passive: the actor after "by" acts.
        assert_eq!(
            code("In 2020, two tankers were seized by Iran near Oman.", None),
            ["2020 171 Iran -> -"]
        );
        assert_eq!(
            code(
                "In 2020, Britain was criticized by China for its visa offer.",
                None
            ),
            ["2020 111 China -> United Kingdom"]
        );
    }

    #[test]
    fn no_event_without_date_actor_or_with_negation_speculation_or_habit() {
        assert!(code("Japan imposed export curbs on South Korea.", None).is_empty());
        assert!(code("In 2019, the ministry imposed export curbs.", None).is_empty());
        assert!(code("In 2019, Japan did not impose curbs on South Korea.", None).is_empty());
        assert!(code("In 2025, Japan could impose curbs on South Korea.", None).is_empty());
        assert!(
            code(
                "In 2019, Japan failed to impose curbs on South Korea.",
                None
            )
            .is_empty()
        );
        // Habit is no event; the statement that reports it is one.
        assert_eq!(
            code(
                "Last week, Tokyo said it regularly meets Seoul.",
                Some("2020-01-10")
            ),
            ["2019-12-30/2020-01-05 010 Japan -> -"]
        );
    }

    #[test]
    fn intended_and_scheduled_actions() {
        // Cooperation announced for later is an intent to cooperate; conflict, a threat.
        assert_eq!(
            code("Chile will visit Peru on Friday.", Some("2024-03-06")),
            ["2024-03-08 036 Chile -> Peru"]
        );
        assert_eq!(
            code(
                "In 2019, Japan planned to impose curbs on South Korea.",
                None
            ),
            ["2019 131 Japan -> South Korea"]
        );
        // A decision announced is coded as done.
        assert_eq!(
            code(
                "On Sunday, France announced it will end its military presence in Niger.",
                Some("2023-09-25")
            ),
            ["2023-09-24 160 France -> Niger"]
        );
        // Scheduled for a date: the action itself.
        assert_eq!(
            code(
                "The presidents of Kenya and Uganda are due to begin talks on Wednesday.",
                Some("2022-07-04")
            ),
            ["2022-07-06 040 Kenya -> Uganda"]
        );
    }

    #[test]
    fn statements_only_when_nothing_else_and_near_their_date() {
        // Something else in the sentence wins over the statement.
        assert_eq!(
            code(
                "Brazil said on Tuesday that it had recalled its ambassador from Israel.",
                Some("2024-02-21")
            ),
            ["2024-02-20 161 Brazil -> Israel"]
        );
        // The speaker may follow the verb; an actor inside the quotation is never it.
        assert_eq!(
            code(
                "“Peru is wrong about Bolivia,” said the Chilean president on Monday.",
                Some("2024-03-06")
            ),
            ["2024-03-04 010 Chile -> -"]
        );
        // A date far from the verb dates something else.
        assert!(
            code(
                "Chile said the border dispute that began with Peru in 2014 was over.",
                None
            )
            .is_empty()
        );
    }

    #[test]
    fn demands_appeals_and_what_they_ask_for() {
        // The demand's target is the that-clause's subject; what it demands has not happened.
        assert_eq!(
            code(
                "On Monday, Moldova demanded that Russia withdraw its troops.",
                Some("2024-03-06")
            ),
            ["2024-03-04 100 Moldova -> Russia"]
        );
        assert_eq!(
            code(
                "On Monday, the European Union called on Serbia to resume talks.",
                Some("2024-03-06")
            ),
            ["2024-03-04 020 European Union -> Serbia"]
        );
        // A verb inside a name is none: "States" of "United States".
        assert_eq!(
            code(
                "On Monday, Spain extradited a businessman to the United States.",
                Some("2024-03-06")
            ),
            ["2024-03-04 063 Spain -> United States"]
        );
    }

    #[test]
    fn intents_reported_with_it_and_fallbacks_at_one_word() {
        // "it" is the body that spoke; the modal makes the action an intent.
        assert_eq!(
            code(
                "Canada said on Tuesday that it would send $40 million in aid to Haiti.",
                Some("2024-01-12")
            ),
            ["2024-01-09 033 Canada -> Haiti"]
        );
        assert_eq!(
            code(
                "Qatar said on Tuesday it was ready to mediate between Sudan and Chad.",
                Some("2024-01-12")
            ),
            ["2024-01-09 039 Qatar -> Sudan"]
        );
        // The longest phrase at a word codes nothing without its target; the next one does.
        assert_eq!(
            code(
                "North Korea fired a ballistic missile into the sea on Tuesday.",
                Some("2024-01-12")
            ),
            ["2024-01-09 150 North Korea -> -"]
        );
        assert_eq!(
            code(
                "Iran fired a wave of drones at Israel on Tuesday.",
                Some("2024-01-12")
            ),
            ["2024-01-09 195 Iran -> Israel"]
        );
    }

    #[test]
    fn amounts_and_dates_inside_a_phrase() {
        assert_eq!(
            code(
                "Japan provided $4.5 billion in financial assistance to Ukraine in 2024.",
                None
            ),
            ["2024 070 Japan -> Ukraine"]
        );
        assert_eq!(
            code(
                "Turkey offered on 10 January 2024 to mediate between Russia and Ukraine.",
                None
            ),
            ["2024-01-10 036 Turkey -> Russia"]
        );
    }

    #[test]
    fn nouns_between_groups_and_owners() {
        assert_eq!(
            code(
                "Fighting between Sudan and Chad broke out on Sunday.",
                Some("2024-05-01")
            ),
            ["2024-04-28 190 Sudan -> Chad"]
        );
        assert_eq!(
            code(
                "Ghana and Togo signed a border pact. The two countries met again in 2021.",
                None
            ),
            ["2021 040 Ghana -> Togo"]
        );
        // An owned noun with its date after it is an event; with the date elsewhere, a
        // reference.
        assert_eq!(
            code(
                "Tensions rose after Iran's missile attack on Israel on Tuesday.",
                Some("2024-10-03")
            ),
            ["2024-10-01 190 Iran -> Israel"]
        );
        assert!(
            code(
                "Leaders at a summit last summer discussed Russia's invasion of Ukraine.",
                Some("2023-02-01")
            )
            .is_empty()
        );
        // A verb inside a hyphenated adjective is none; a year qualifying a noun dates nothing.
        assert!(
            code(
                "Armenia and Azerbaijan published the US-brokered text.",
                Some("2025-08-12")
            )
            .is_empty()
        );
        assert!(code("Iran said the 2015 deal was dead.", None).is_empty());
    }

    #[test]
    fn compound_subjects_pronouns_and_demonym_actors() {
        assert_eq!(
            code(
                "When Japanese Prime Minister Fumio Kishida and Chinese President Xi Jinping met in 2022, they agreed to talk.",
                None
            ),
            [
                "2022 040 Fumio Kishida -> Xi Jinping",
                "2022 030 Fumio Kishida -> Xi Jinping"
            ]
        );
        assert_eq!(
            code(
                "On Friday, a French court seized the assets of a Russian bank.",
                Some("2024-02-12")
            ),
            ["2024-02-09 171 France -> Russia"]
        );
    }
}
