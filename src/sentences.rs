//! Sentence boundaries in English news prose.
//!
//! A sentence ends at `.`, `!` or `?` (with any closing quotes or brackets after it) followed
//! by white space and a capital letter, a digit or an opening quote, except after an
//! abbreviation ("Mr.", "U.S.", "Corp.", "Jan.") or a single initial ("J."). Text without a
//! final stop ends a sentence too. Returns byte ranges, in order, covering the text's sentences
//! (leading white space excluded).

use std::ops::Range;

/// Words that end in a full stop without ending a sentence (compared without the stop,
/// lowercased).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "lt", "col", "capt", "cmdr", "adm",
    "sen", "rep", "gov", "pres", "rev", "hon", "no", "nos", "vs", "etc", "inc", "corp", "co",
    "ltd", "bros", "dept", "est", "approx", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat",
    "sun", "u.s", "u.k", "u.n", "e.u", "p.r.c", "r.o.k", "d.p.r.k", "a.m", "p.m", "e.g", "i.e",
    "al", "mt", "ft",
];

/// Split `text` into sentences (byte ranges).
#[must_use]
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = skip_space(text, 0);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if matches!(c, '.' | '!' | '?') && at >= start {
            // Closing quotes and brackets belong to the sentence they end.
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '”' | '’' | '\'' | ')' | ']') {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
            let next_is_space = chars.get(j).is_some_and(|&(_, c)| c.is_whitespace());
            let mut k = j;
            while k < chars.len() && chars[k].1.is_whitespace() {
                k += 1;
            }
            let starts_sentence = chars.get(k).is_some_and(|&(_, c)| {
                c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘' | '\'' | '(')
            });
            if next_is_space && starts_sentence && !(c == '.' && abbreviation_before(text, at)) {
                out.push(start..end);
                start = skip_space(text, end);
                i = k;
                continue;
            }
        }
        i += 1;
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
        case("no stop at the end", &["no stop at the end"]);
        case("", &[]);
    }
}
