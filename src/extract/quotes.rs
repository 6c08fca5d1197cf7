//! Quotations attributed to named people.
//!
//! Input: an article's paragraphs, which to read (not boilerplate), and its entity mentions
//! with which of them are people. Output: [`Quote`]s with their speaker and the character
//! offsets of the quoted words (without the marks).
//!
//! A quote is text in quotation marks, curly or straight, of three words or more (so scare quotes
//! such as "comfort women" are not quotes). Its speaker, in this order:
//! 1. named right after it with a verb of saying: "…,” said X", "…,” X said", "…,” X, a
//!    professor at …, wrote";
//! 2. the first person named before it in its own sentence, when that sentence has a verb of
//!    saying outside the quotation marks ("Kishida now calls Seoul an “important neighbour”");
//! 3. the last person named in the previous sentence of the same paragraph, when that sentence
//!    attributes speech or this one has a verb of saying or a personal pronoun outside the
//!    marks (a second quote after "… said Brad Glosserman.", or "he argued for a “…”"); but a
//!    quote that follows an attributed one in the same paragraph continues its speaker, not
//!    whoever the attribution mentioned ("“…,” X said, accusing Y of … “…”");
//! 4. for a "he said" / "she added" quote whose paragraph names no one before it, the first
//!    person named in the previous paragraph's last sentence (its subject, as a rule: news copy
//!    names a speaker once, then goes on with pronouns), or else that paragraph's last speaker.
//!
//! A quote credited to no one named is not a quote: rather none than a wrong speaker.

use std::sync::LazyLock;

use regex::Regex;

use crate::extract::entities::{EntityRef, Mention};
use crate::text::regexes;
use crate::text::sentences;

/// A quotation and its speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Index of the paragraph.
    pub paragraph: usize,
    /// The person quoted.
    pub speaker: EntityRef,
    /// 0-based character offset of the first quoted character (after the opening mark).
    pub char_start: usize,
    /// 0-based character offset just after the last quoted character (before the closing mark).
    pub char_end: usize,
    /// The quoted words.
    pub text: String,
}

/// Verbs that attribute speech or a stated view.
/// (ASCII word boundaries: see [`crate::text::regexes`].)
static SPEECH: LazyLock<Regex> = LazyLock::new(|| {
    regexes::built_in(
        r"(?i)\b(?:said|says|say|told|tells|telling|wrote|writes|added|adds|argued|argues|arguing|noted|notes|explained|explains|stated|states|warned|warns|warning|believes|thinks|suggested|suggests|claimed|claims|claiming|insisted|insists|calls|called|calling|described|describes|urged|urges|urging|declared|declares|declaring|vowed|vows|pledged|pledges|promised|promises|stressed|stresses|asked|asks|recognized|recognised|recognizes|acknowledged|admitted|announced|announces|according to|put it|in a statement|in an interview|in a paper)\b",
    )
});

static PRONOUN: LazyLock<Regex> =
    LazyLock::new(|| regexes::built_in(r"\b(?:he|she|He|She|his|her|His|Her)\b"));

/// A quotation's span in characters: the marks at `open` and `close` (exclusive of the text).
struct Span {
    open: usize,
    close: usize,
}

/// Find quotations in `paragraphs[i]` for every `read[i]`, with speakers among the mentions
/// for which `is_person` holds.
#[must_use]
pub fn extract(
    paragraphs: &[&str],
    read: &[bool],
    mentions: &[Mention],
    is_person: &dyn Fn(EntityRef) -> bool,
) -> Vec<Quote> {
    let mut out = Vec::new();
    // What the previous paragraph read leaves for a pronoun: the first person named in its last
    // sentence, and its last quote's speaker.
    let mut before: (Option<EntityRef>, Option<EntityRef>) = (None, None);
    let mentions_in = super::events::by_paragraph(mentions, paragraphs.len());
    for (p, text) in paragraphs.iter().enumerate() {
        if !read.get(p).copied().unwrap_or(false) {
            continue;
        }
        let chars: Vec<char> = text.chars().collect();
        let people: Vec<&Mention> = mentions_in[p]
            .iter()
            .copied()
            .filter(|m| is_person(m.entity))
            .collect();
        let mut speaker_here: Option<EntityRef> = None;
        let sentences: Vec<(usize, usize)> = sentences::split(text)
            .into_iter()
            .map(|r| {
                (
                    text[..r.start].chars().count(),
                    text[..r.end].chars().count(),
                )
            })
            .collect();
        let previous = std::mem::replace(&mut before, (last_subject(&sentences, &people), None));
        let spans = quote_spans(&chars);
        for span in &spans {
            let quoted: String = chars[span.open + 1..span.close].iter().collect();
            if quoted
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count()
                < 3
            {
                continue;
            }
            let outside = |from: usize, to: usize| -> String {
                // The sentence's words outside every quotation.
                (from..to.min(chars.len()))
                    .filter(|&i| !spans.iter().any(|s| s.open <= i && i <= s.close))
                    .map(|i| chars[i])
                    .collect()
            };
            let sentence = sentences
                .iter()
                .position(|&(s, e)| s <= span.open && span.open < e);
            let speaker = after(&chars, span, &people)
                .or_else(|| label(&chars, span, &people))
                .or_else(|| {
                    let (s, e) = sentences[sentence?];
                    SPEECH.is_match(&outside(s, e)).then(|| {
                        people
                            .iter()
                            .find(|m| m.char_start >= s && m.char_end <= span.open)
                            .map(|m| m.entity)
                    })?
                })
                .or_else(|| {
                    let index = sentence?;
                    let (prev_s, prev_e) = sentences[index.checked_sub(1)?];
                    let (s, e) = sentences[index];
                    let here = outside(s, e);
                    let attributed = SPEECH.is_match(&outside(prev_s, prev_e))
                        || SPEECH.is_match(&here)
                        || PRONOUN.is_match(&here);
                    attributed.then(|| {
                        speaker_here.or_else(|| {
                            people
                                .iter()
                                .rev()
                                .find(|m| m.char_start >= prev_s && m.char_end <= prev_e)
                                .map(|m| m.entity)
                        })
                    })?
                })
                .or_else(|| {
                    let (s, e) = sentences[sentence?];
                    let here = outside(s, e);
                    let named_before = people.iter().any(|m| m.char_start < span.open);
                    (!named_before && PRONOUN.is_match(&here) && SPEECH.is_match(&here))
                        .then(|| speaker_here.or(previous.0).or(previous.1))?
                });
            if let Some(speaker) = speaker {
                speaker_here = Some(speaker);
                before.1 = Some(speaker);
                // Offsets of the quoted words without the spaces inside the marks.
                let lead = quoted.chars().take_while(|c| c.is_whitespace()).count();
                let text = quoted.trim();
                let char_start = span.open + 1 + lead;
                out.push(Quote {
                    paragraph: p,
                    speaker,
                    char_start,
                    char_end: char_start + text.chars().count(),
                    text: text.to_string(),
                });
            }
        }
    }
    out
}

/// The speaker a transcript or interview labels before the quotation, alone at the start of
/// the paragraph: "Jan Novak (Governor, Province) : “…”", "Novak: “…”".
fn label(chars: &[char], span: &Span, people: &[&Mention]) -> Option<EntityRef> {
    let head: String = chars[..span.open].iter().collect();
    let head = head.trim_end();
    let head = head.strip_suffix(':')?.trim_end();
    // The role in brackets after the name, if any.
    let name_end = match head.strip_suffix(')') {
        Some(inner) => inner.rfind('(')?,
        None => head.len(),
    };
    let name = head[..name_end].trim();
    let start = head.len() - head.trim_start().len();
    let end = start + name.len();
    let (start, end) = (head[..start].chars().count(), head[..end].chars().count());
    people
        .iter()
        .find(|m| m.char_start == start && m.char_end == end)
        .map(|m| m.entity)
}

/// The first person named in a paragraph's last sentence: usually its subject.
fn last_subject(sentences: &[(usize, usize)], people: &[&Mention]) -> Option<EntityRef> {
    let &(start, _) = sentences.last()?;
    people
        .iter()
        .filter(|m| m.char_start >= start)
        .min_by_key(|m| m.char_start)
        .map(|m| m.entity)
}

/// The speaker named right after a quotation: a verb of saying then a person, or a person then
/// (after an apposition) a verb of saying.
fn after(chars: &[char], span: &Span, people: &[&Mention]) -> Option<EntityRef> {
    let from = span.close + 1;
    if from >= chars.len() {
        return None; // the quote runs to the end of the paragraph
    }
    let window_end = (from + 160).min(chars.len());
    let window: String = chars[from..window_end].iter().collect();
    let lead = window.len() - window.trim_start_matches([',', ' ', '\u{a0}']).len();
    let lead_chars = window[..lead].chars().count();
    let rest = &window[lead..];
    let first_person = people
        .iter()
        .find(|m| m.char_start >= from && m.char_start < window_end)?;
    let person_at = first_person.char_start - from;
    if let Some(verb) = SPEECH.find(rest) {
        let verb_at = lead_chars + rest[..verb.start()].chars().count();
        // "…,” said X" / "…,” according to X": the verb first, the person right after it.
        if verb.start() == 0 && person_at <= verb_at + verb.as_str().chars().count() + 40 {
            return Some(first_person.entity);
        }
        // "…,” X said" / "…,” X, a professor at the institute, wrote".
        if person_at <= lead_chars + 2 && verb_at > person_at {
            return Some(first_person.entity);
        }
    }
    None
}

/// Quotation spans: curly pairs, and straight quotes paired in order. An opening mark with no
/// closing one runs to the end of the paragraph (a quote continued in the next).
fn quote_spans(chars: &[char]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, &c) in chars.iter().enumerate() {
        match (c, open) {
            ('“', _) | ('"', None) => open = Some(i),
            ('”', Some(o)) => {
                out.push(Span { open: o, close: i });
                open = None;
            }
            ('"', Some(o)) if chars[o] == '"' => {
                out.push(Span { open: o, close: i });
                open = None;
            }
            _ => {}
        }
    }
    if let Some(o) = open {
        out.push(Span {
            open: o,
            close: chars.len(),
        });
    }
    // Single marks, curly or straight, outside the double ones: an opening mark after a space
    // or the start, a closing one before a space, punctuation or the end ("don’t" and "the
    // ministers’ talks" close nothing: a letter follows, or the mark ends a word no mark opened).
    let inside_double = |i: usize| out.iter().any(|s| s.open <= i && i <= s.close);
    let mut single = Vec::new();
    let mut open: Option<usize> = None;
    for (i, &c) in chars.iter().enumerate() {
        if inside_double(i) {
            open = None;
            continue;
        }
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let opens = matches!(c, '‘' | '\'')
            && before.is_none_or(|b| b.is_whitespace() || matches!(b, '(' | ':' | '—' | '–'))
            && after.is_some_and(char::is_alphanumeric);
        let closes = matches!(c, '’' | '\'')
            && before.is_some_and(|b| !b.is_whitespace())
            && after.is_none_or(|a| a.is_whitespace() || ",.;:!?)—–".contains(a));
        match open {
            Some(o) if closes => {
                single.push(Span { open: o, close: i });
                open = None;
            }
            None if opens => open = Some(i),
            _ => {}
        }
    }
    out.extend(single);
    out.sort_by_key(|s| s.open);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::entities::Gazetteer;

    /// The built-in gazetteer, built once for these tests.
    static GAZETTEER: std::sync::LazyLock<Gazetteer> =
        std::sync::LazyLock::new(Gazetteer::built_in);

    /// Quotes found with gazetteer people, as (speaker name, first words).
    fn quotes(paragraphs: &[&str]) -> Vec<(String, String)> {
        let mentions = GAZETTEER.extract(paragraphs, Some(2023));
        let is_person = |e: EntityRef| match e {
            EntityRef::Gazetteer(i) => {
                GAZETTEER.entities[i].kind == crate::extract::entities::EntityType::Person
            }
            EntityRef::Discovered(_) => false,
        };
        let read = vec![true; paragraphs.len()];
        extract(paragraphs, &read, &mentions, &is_person)
            .into_iter()
            .map(|q| {
                let EntityRef::Gazetteer(i) = q.speaker else {
                    unreachable!()
                };
                (
                    GAZETTEER.entities[i].name.clone(),
                    q.text
                        .split_whitespace()
                        .take(3)
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            })
            .collect()
    }

    #[track_caller]
    fn case(paragraphs: &[&str], want: &[(&str, &str)]) {
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect();
        assert_eq!(quotes(paragraphs), want, "{paragraphs:?}");
    }

    #[test]
    fn attribution_after_the_quote() {
        case(
            &[
                "“We reject every attempt to undermine the status quo,” said Ishiba, who spoke first.",
            ],
            &[("Shigeru Ishiba", "We reject every")],
        );
        case(
            &["“We will keep talking to Seoul,” Kishida said on Friday."],
            &[("Fumio Kishida", "We will keep")],
        );
        case(
            &["“It is at the heart of our vision,” according to Antony Blinken."],
            &[("Antony Blinken", "It is at")],
        );
    }

    /// A second quote in a paragraph continues the first one's speaker, not the person its
    /// attribution mentioned.
    #[test]
    fn a_continued_quote_keeps_its_speaker() {
        case(
            &[
                "“Nobody wants another crisis,” Kishida told reporters, accusing Kim Jong Un of raising tensions. “We will answer calmly and together with our partners.”",
            ],
            &[
                ("Fumio Kishida", "Nobody wants another"),
                ("Fumio Kishida", "We will answer"),
            ],
        );
    }

    /// "he said" in a paragraph that names no one goes back to the subject of the previous
    /// paragraph's last sentence, not to the last name it mentioned.
    #[test]
    fn a_pronoun_speaker_reaches_back_one_paragraph() {
        case(
            &[
                "Yoon Suk Yeol met Fumio Kishida in Tokyo on Thursday.",
                "“The two countries have turned a page,” he said after the meeting.",
            ],
            &[("Yoon Suk Yeol", "The two countries")],
        );
        case(
            &[
                "“We are ready to talk,” Kishida said.",
                "Seoul gave no answer on Friday.",
                "“We will keep the door open,” he added.",
            ],
            &[("Fumio Kishida", "We are ready")],
        );
    }

    #[test]
    fn attribution_before_and_in_the_previous_sentence() {
        case(
            &[
                "Fumio Kishida now calls South Korea an “important neighbor with whom we should cooperate”.",
            ],
            &[("Fumio Kishida", "important neighbor with")],
        );
        case(
            &["“This is one,” said Moon Jae-in in Seoul. “And this is another one.”"],
            &[
                ("Moon Jae-in", "This is one,"),
                ("Moon Jae-in", "And this is"),
            ],
        );
        case(
            &[
                "Lee Jae-myung spoke at length. During the campaign he argued for a “pragmatic and national approach”.",
            ],
            &[("Lee Jae-myung", "pragmatic and national")],
        );
    }

    #[test]
    fn a_quote_left_open_runs_to_the_end() {
        case(
            &["Fumio Kishida said: “We will keep talking to Seoul about this"],
            &[("Fumio Kishida", "We will keep")],
        );
        case(&["Fumio Kishida said it. “"], &[]);
    }

    #[test]
    fn what_is_not_a_quote() {
        // Scare quotes, and quotes credited to no one named.
        case(
            &["Fumio Kishida said the issue of “comfort women” remains."],
            &[],
        );
        case(
            &[
                "Donald Trump has distanced policy from alliances. “Yet it seems the objective is still cooperation.”",
            ],
            &[],
        );
        case(
            &["Seoul and Tokyo agreed to launch an “economic security dialogue” soon."],
            &[],
        );
        // Apostrophes open and close nothing.
        case(
            &[
                "Fumio Kishida said the ministers’ talks on Japan’s plan don’t change the '90s deal.",
            ],
            &[],
        );
    }

    #[test]
    fn single_marks_and_transcript_labels() {
        case(
            &["Fumio Kishida said: ‘We will rebuild every house that burned.’"],
            &[("Fumio Kishida", "We will rebuild")],
        );
        case(
            &["Fumio Kishida said it was 'a turning point for both countries', and left."],
            &[("Fumio Kishida", "a turning point")],
        );
        case(
            &[
                "Fumio Kishida(Prime Minister, Japan) : \"We will rebuild every house that burned.\"",
            ],
            &[("Fumio Kishida", "We will rebuild")],
        );
    }
}
