//! The pure part of ingest: one raw input in, one [`Prepared`] article out. No I/O, no database.
//!
//! Stages, in order: [`segment`] the raw text into paragraphs with line numbers,
//! [`normalize`] each, [`classify`](crate::boilerplate::classify) their roles,
//! pick the title, and hash: the document over its raw bytes, each paragraph over its normalized
//! key, the article over its content paragraphs' keys.

use crate::boilerplate::{self, Role};
use crate::dates;
use crate::hashing::ContentHash;
use crate::minhash::{self, Shingles};
use crate::normalize;
use crate::segment;
use crate::source::Meta;

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
    /// Where `published` came from: `metadata` or `text`.
    pub published_source: Option<&'static str>,
    /// Words in content paragraphs.
    pub words: usize,
    /// Every paragraph, in order.
    pub paragraphs: Vec<PreparedParagraph>,
    /// 5-word shingles of the content, for near-duplicate verification.
    pub shingles: Shingles,
    /// LSH buckets of the content's MinHash signature (empty for very short content).
    pub buckets: Vec<i64>,
}

/// Run the text pipeline over one raw input.
#[must_use]
pub fn prepare(raw: &str, meta: &Meta) -> Prepared {
    let segments = segment::segment(raw);
    let texts: Vec<String> = segments
        .iter()
        .map(|s| normalize::display(&s.joined()))
        .collect();
    let labels = boilerplate::classify(&texts, meta.title.as_deref());

    let paragraphs: Vec<PreparedParagraph> = segments
        .iter()
        .zip(texts)
        .zip(labels)
        .map(|((seg, text), label)| PreparedParagraph {
            sha256: ContentHash::of(normalize::key(&text).as_bytes()),
            words: normalize::word_count(&text),
            text,
            role: label.role,
            rule: label.rule,
            line_start: seg.line_start,
            line_end: seg.line_end,
        })
        .collect();

    let content: Vec<&PreparedParagraph> = paragraphs
        .iter()
        .filter(|p| p.role == Role::Content)
        .collect();
    // A page with no content (all furniture) still gets an article of its own: hash everything,
    // marked so it cannot collide with a real article's content hash.
    let sha256 = if content.is_empty() {
        let keys: Vec<String> = paragraphs.iter().map(|p| normalize::key(&p.text)).collect();
        ContentHash::of_lines(
            std::iter::once("\u{0}no-content").chain(keys.iter().map(String::as_str)),
        )
    } else {
        let keys: Vec<String> = content.iter().map(|p| normalize::key(&p.text)).collect();
        ContentHash::of_lines(keys.iter().map(String::as_str))
    };
    let title = meta
        .title
        .clone()
        .map(|t| normalize::display(&t))
        .filter(|t| !t.is_empty())
        .or_else(|| {
            paragraphs
                .iter()
                .find(|p| p.role == Role::Title)
                .map(|p| p.text.clone())
        });
    let (published, published_source) = match &meta.published {
        Some(date) => (Some(date.clone()), Some("metadata")),
        None => match dates::publication_date(paragraphs.iter().map(|p| p.text.as_str())) {
            Some(date) => (Some(date.to_string()), Some("text")),
            None => (None, None),
        },
    };
    let shingles = minhash::shingles(content.iter().map(|p| p.text.as_str()));
    let buckets = minhash::buckets(&shingles);
    Prepared {
        sha256,
        shingles,
        buckets,
        title,
        published,
        published_source,
        words: content.iter().map(|p| p.words).sum(),
        paragraphs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let pa = prepare(&a, &Meta::default());
        let pb = prepare(&b, &Meta::default());
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
        let p = prepare(BODY, &meta);
        assert_eq!(p.title.as_deref(), Some("Given Title"));
        assert_eq!(p.published.as_deref(), Some("2020-02"));
        assert_eq!(p.published_source, Some("metadata"));
        assert!(p.words > 30);
    }

    #[test]
    fn all_furniture_page_gets_its_own_hash() {
        let a = prepare("Advertisement\n\nShare this article\n", &Meta::default());
        let b = prepare("Advertisement\n", &Meta::default());
        assert_ne!(a.sha256, b.sha256);
        assert_eq!(a.words, 0);
    }
}
