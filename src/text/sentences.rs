//! Sentence boundaries in English news prose.
//!
//! A sentence ends at `.`, `!` or `?` (with any closing quotes or brackets after it) followed
//! by white space and a capital letter, a digit or an opening quote, except after an
//! abbreviation ("Mr.", "U.S.", "Corp.", "Jan.") or a single initial ("J."). Text without a
//! final stop ends a sentence too. Returns byte ranges, in order, covering the text's sentences
//! (leading white space excluded).

use std::ops::Range;
use std::sync::LazyLock;

/// Words that end in a full stop without ending a sentence (compared without the stop,
/// lowercased).
static ABBREVIATIONS: LazyLock<Vec<&str>> = LazyLock::new(|| {
    crate::text::words(include_str!("../../data/words/sentence-abbreviations.txt"))
});

/// Split `text` into sentences (byte ranges).
#[must_use]
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = skip_space(text, 0);
    // Only a stop can end a sentence, and stops are ASCII: find them as bytes and read the
    // characters around each one.
    for at in memchr::memchr3_iter(b'.', b'!', b'?', text.as_bytes()) {
        if at < start {
            continue; // inside the closing quotes and white space of a sentence just ended
        }
        // Closing quotes and brackets belong to the sentence they end.
        let after_stop = &text[at + 1..];
        let closing = after_stop
            .find(|c: char| !matches!(c, '"' | '”' | '’' | '\'' | ')' | ']'))
            .unwrap_or(after_stop.len());
        let end = at + 1 + closing;
        let rest = &text[end..];
        let next_is_space = rest.starts_with(char::is_whitespace);
        let starts_sentence = rest.trim_start().chars().next().is_some_and(|c| {
            c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘' | '\'' | '(')
        });
        if next_is_space
            && starts_sentence
            && !(text.as_bytes()[at] == b'.' && abbreviation_before(text, at))
        {
            out.push(start..end);
            start = skip_space(text, end);
        }
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push(start..text.trim_end().len().max(start));
    }
    out
}

fn skip_space(text: &str, from: usize) -> usize {
    from + (text[from..].len() - text[from..].trim_start().len())
}

/// Is the word ending just before the full stop at `dot` an abbreviation or an initial?
fn abbreviation_before(text: &str, dot: usize) -> bool {
    let word = text[..dot]
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“'))
        .next()
        .unwrap_or("");
    let lower = word.to_lowercase();
    let single_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    single_initial || ABBREVIATIONS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn case(text: &str, want: &[&str]) {
        let got: Vec<&str> = split(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn splits_news_prose() {
        case(
            "Seoul agreed. Tokyo did not.",
            &["Seoul agreed.", "Tokyo did not."],
        );
        case(
            "The U.S. and Mr. Kim met on Jan. 9. Talks went on.",
            &["The U.S. and Mr. Kim met on Jan. 9.", "Talks went on."],
        );
        case(
            "“It works,” he said. “Really.” She left",
            &["“It works,” he said.", "“Really.”", "She left"],
        );
        case(
            "Antony J. Blinken spoke. Done!",
            &["Antony J. Blinken spoke.", "Done!"],
        );
        case(
            "Prices rose 2.5 percent. In 2019 they fell.",
            &["Prices rose 2.5 percent.", "In 2019 they fell."],
        );
        case(
            "Really?! Yes. \"Done.\" Then",
            &["Really?!", "Yes.", "\"Done.\"", "Then"],
        );
        case(
            "Seoul agreed.\u{a0}Tokyo did not.)  ",
            &["Seoul agreed.", "Tokyo did not.)"],
        );
        case("no stop at the end", &["no stop at the end"]);
        case("", &[]);
    }
}
