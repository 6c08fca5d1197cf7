//! Text: raw input into paragraphs and sentences, normalised and hashed. Pure functions, no I/O.
//!
//! [`segment`] splits raw text into paragraphs that remember their lines; [`normalize`] gives
//! each its display text and its comparison key; [`hashing`] hashes them; [`sentences`] finds
//! sentence boundaries; [`dates`] reads dates written in English; [`regexes`] builds the
//! word-bounded patterns the other stages use.

pub mod dates;
pub mod hashing;
pub mod normalize;
pub mod regexes;
pub mod segment;
pub mod sentences;

/// The entries of a word list in `data/words/`: one a line, blank lines and `#` comments
/// skipped, surrounding white space trimmed.
#[must_use]
pub fn words(list: &'static str) -> Vec<&'static str> {
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

#[cfg(test)]
mod tests {
    /// Every word list in `data/words/` opens with a header saying what it holds, and holds
    /// single words, each once (an edit that breaks this fails here, not in a run).
    #[test]
    fn word_lists_are_single_words_with_a_header() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/words");
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.starts_with("# "), "{}: no header", path.display());
            let words: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect();
            assert!(!words.is_empty(), "{}", path.display());
            let mut seen = std::collections::HashSet::new();
            for word in words {
                assert!(
                    !word.contains(char::is_whitespace),
                    "{}: {word:?}",
                    path.display()
                );
                assert!(seen.insert(word), "{}: {word:?} twice", path.display());
            }
            files += 1;
        }
        assert!(files >= 9);
    }
}
