//! Saved web pages: bytes to text ([`charset`]), text to a DOM ([`dom`], by html5ever), the
//! DOM to blocks of visible text ([`blocks`]), each labelled the article's or the page's
//! ([`content`]), and the page's own metadata ([`meta`]).
//!
//! [`read`] gives every block of visible text as a paragraph with its role (the headline, the
//! article's content, or boilerplate), the rule that decided it and the source lines of its
//! element, as the text pipeline gives plain text's paragraphs: nothing is dropped.

pub mod blocks;
pub mod charset;
pub mod content;
pub mod dom;
pub mod meta;

use crate::clean::boilerplate::Role;
use crate::text::normalize;

pub use meta::PageMeta;

/// Whether `name` (lower case) is the name of an HTML element a page is built of: a file with
/// none of these tags is not a page.
#[must_use]
pub fn is_html_tag(name: &str) -> bool {
    const TAGS: &[&str] = &[
        "html",
        "head",
        "body",
        "title",
        "meta",
        "link",
        "script",
        "style",
        "div",
        "p",
        "span",
        "a",
        "br",
        "img",
        "table",
        "tr",
        "td",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "article",
        "section",
        "main",
        "header",
        "footer",
        "nav",
        "aside",
        "frameset",
        "frame",
        "iframe",
        "form",
        "b",
        "i",
        "em",
        "strong",
        "blockquote",
        "pre",
        "figure",
        "noscript",
        "time",
        "base",
    ];
    TAGS.contains(&name)
}

/// What a page with no visible text at all is told it is.
pub const NO_TEXT: &str = "the page has no visible text (an empty body)";

/// One block of a page's text, labelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageBlock {
    /// The text, white space folded.
    pub text: String,
    /// Headline, content or boilerplate.
    pub role: Role,
    /// The rule that chose the role.
    pub rule: &'static str,
    /// 1-based first source line of the block's text.
    pub line_start: usize,
    /// 1-based last source line, inclusive.
    pub line_end: usize,
}

/// A page read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// Every block of visible text, in document order.
    pub blocks: Vec<PageBlock>,
    /// What the page says about itself.
    pub meta: PageMeta,
    /// What a page without visible text is instead (a frameset, a redirect), said for the user.
    pub empty: Option<String>,
}

/// Read a decoded page: its blocks, labelled, and its metadata.
#[must_use]
pub fn read(html: &str) -> Page {
    let dom = dom::Dom::parse(html);
    let meta = meta::read(&dom);
    let root = meta::body(&dom);
    let (blocks, decisions) = content::extract(&dom, root, meta.article_body.as_deref());
    let title_key = meta.title.as_ref().map(|(t, _)| normalize::key(t));
    let mut headline = headline(&blocks, &decisions, title_key.as_deref());
    let blocks = blocks
        .into_iter()
        .zip(decisions)
        .enumerate()
        .map(|(i, (block, decision))| {
            let (role, why) = if headline == Some(i) {
                headline = None;
                (Role::Title, "html:headline")
            } else if decision.content {
                (Role::Content, decision.rule)
            } else {
                (Role::Boilerplate, decision.rule)
            };
            PageBlock {
                text: block.text,
                role,
                rule: why,
                line_start: block.line_start as usize,
                line_end: block.line_end as usize,
            }
        })
        .collect::<Vec<PageBlock>>();
    let empty = blocks.is_empty().then(|| why_empty(&dom));
    Page {
        blocks,
        meta,
        empty,
    }
}

/// What a page with no visible text is: a frameset (its text is in the pages it frames), a
/// redirect, or an empty body.
fn why_empty(dom: &dom::Dom) -> String {
    let frames: Vec<&str> = dom
        .elements("frame")
        .chain(dom.elements("iframe"))
        .filter_map(|f| dom.attr(f, "src"))
        .take(3)
        .collect();
    if dom.elements("frameset").next().is_some() {
        return format!(
            "a frameset page: its text is in the pages it frames{}; read those instead",
            if frames.is_empty() {
                String::new()
            } else {
                format!(" ({})", frames.join(", "))
            }
        );
    }
    let refresh = dom.elements("meta").find_map(|m| {
        dom.attr(m, "http-equiv")
            .filter(|h| h.trim().eq_ignore_ascii_case("refresh"))
            .and(dom.attr(m, "content"))
    });
    if let Some(content) = refresh {
        let target = content.split_once(';').and_then(|(_, rest)| {
            let rest = rest.trim_start();
            let rest = match rest.get(..3) {
                Some(url) if url.eq_ignore_ascii_case("url") => rest[3..].trim_start(),
                _ => rest,
            };
            let rest = rest.strip_prefix('=').unwrap_or(rest).trim();
            let rest = rest.trim_matches(['\'', '"']).trim();
            (!rest.is_empty()).then_some(rest)
        });
        return match target {
            Some(url) => {
                format!("a redirect to {url} with no text of its own; read that page instead")
            }
            None => "a page that only refreshes itself, with no text of its own".to_string(),
        };
    }
    NO_TEXT.to_string()
}

/// The block that is the headline: the `<h1>` (or a heading with the page's title) nearest
/// before the first content block, else the first `<h1>`; never a content block.
fn headline(
    blocks: &[blocks::Block],
    decisions: &[content::Decision],
    title_key: Option<&str>,
) -> Option<usize> {
    let is_headline = |i: usize| {
        let block = &blocks[i];
        !decisions[i].content
            && (block.kind == blocks::Kind::Heading(1)
                || (matches!(block.kind, blocks::Kind::Heading(_))
                    && title_key.is_some_and(|t| normalize::key(&block.text) == t)))
    };
    let first_content = decisions
        .iter()
        .position(|d| d.content)
        .unwrap_or(blocks.len());
    (0..first_content)
        .rev()
        .find(|&i| is_headline(i))
        .or_else(|| (0..blocks.len()).find(|&i| is_headline(i)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!doctype html>
<html><head><title>Port deal signed | Coast Times</title>
<meta property="og:site_name" content="Coast Times"></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<header class="site-header"><a href="/">Coast Times</a></header>
<main>
<article>
<h1>Port deal signed</h1>
<div class="byline">By Mara Olsen</div>
<div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
<div class="article-body">
<p>The two governments signed an agreement on Tuesday to expand the northern port, ending
three years of negotiations over who would pay for the new berths.</p>
<p>Officials said construction would begin next spring and employ about 2,000 workers, most
of them from the surrounding districts.</p>
<h2>Opposition</h2>
<p>Fishing cooperatives said they had not been consulted and would challenge the plan in
court, arguing that dredging would destroy spawning grounds.</p>
<figure><img src="x.jpg"><figcaption>The northern port at dawn. Photo: Agency</figcaption></figure>
<p>The ministry said an environmental review had been completed in 2022 and found no
lasting harm to the bay's fish stocks.</p>
</div>
<div class="related-stories"><h3>Related</h3><ul>
<li><a href="/a">Port workers strike over pay as talks stall again</a></li>
<li><a href="/b">New ferry route opens to the islands next month</a></li></ul></div>
</article>
</main>
<footer><p>© 2024 Coast Times. All rights reserved. Contact us for licensing.</p></footer>
</body></html>"##;

    #[test]
    fn the_article_is_content_and_the_furniture_is_labelled() {
        let page = read(PAGE);
        let content: Vec<&str> = page
            .blocks
            .iter()
            .filter(|b| b.role == Role::Content)
            .map(|b| b.text.as_str())
            .collect();
        assert_eq!(content.len(), 5, "{content:#?}");
        assert!(content[0].starts_with("The two governments"));
        assert_eq!(content[2], "Opposition");
        assert!(content[4].starts_with("The ministry said"));
        let title = page.blocks.iter().find(|b| b.role == Role::Title).unwrap();
        assert_eq!(title.text, "Port deal signed");
        assert_eq!(title.rule, "html:headline");
        let rule_of = |needle: &str| {
            page.blocks
                .iter()
                .find(|b| b.text.contains(needle))
                .map(|b| (b.role, b.rule))
                .unwrap()
        };
        assert_eq!(rule_of("Home").0, Role::Boilerplate);
        assert_eq!(rule_of("By Mara Olsen").0, Role::Boilerplate);
        assert_eq!(rule_of("Share on Facebook").0, Role::Boilerplate);
        assert_eq!(
            rule_of("northern port at dawn"),
            (Role::Boilerplate, "html:caption")
        );
        assert_eq!(rule_of("Port workers strike").0, Role::Boilerplate);
        assert_eq!(rule_of("All rights reserved").0, Role::Boilerplate);
        assert_eq!(page.meta.title, Some(("Port deal signed".into(), "title")));
        let first = page
            .blocks
            .iter()
            .find(|b| b.text.starts_with("The two"))
            .unwrap();
        assert_eq!((first.line_start, first.line_end), (13, 14));
    }

    #[test]
    fn the_pages_own_json_ld_body_marks_short_paragraphs_as_the_article() {
        let short = [
            "Rain closed the mountain pass on Monday.",
            "Road crews cleared it by noon.",
            "Buses ran late for the rest of the day.",
            "Schools in the valley stayed open.",
            "More snow is due on Thursday night.",
        ];
        let body: String = short.join(" ");
        let page = format!(
            r#"<html><head><script type="application/ld+json">{{"@type": "NewsArticle",
            "articleBody": "{body}"}}</script></head>
            <body><div id="a">{}</div>
            <div id="b"><p>Our newsletter brings the week's mountain news to your inbox every
            Friday morning, with trail reports, weather warnings and a photo from a reader.</p></div>
            </body></html>"#,
            short.iter().fold(String::new(), |mut html, p| {
                html.push_str("<p>");
                html.push_str(p);
                html.push_str("</p>");
                html
            })
        );
        let page = read(&page);
        let content: Vec<&str> = page
            .blocks
            .iter()
            .filter(|b| b.role == Role::Content)
            .map(|b| b.text.as_str())
            .collect();
        assert_eq!(content, short);
    }

    #[test]
    fn a_long_comment_thread_never_outweighs_the_article() {
        let paragraph = "The council voted on Monday to rebuild the old harbour wall, which storms \
            breached twice last winter, and to pay for it from the regional flood fund.";
        let comment = "I have lived by this harbour for forty years and I can tell you that the \
            wall was never properly maintained, whatever the council says now about the storms.";
        let page = format!(
            "<html><body><div class=\"story\">{}</div><section id=\"comments\">{}</section></body></html>",
            format!("<p>{paragraph}</p>").repeat(2),
            format!("<div class=\"note\"><p>{comment}</p></div>").repeat(6),
        );
        let page = read(&page);
        let role_of = |text: &str| {
            page.blocks
                .iter()
                .find(|b| b.text.starts_with(text))
                .unwrap()
                .role
        };
        assert_eq!(role_of("The council voted"), Role::Content);
        assert_eq!(role_of("I have lived"), Role::Boilerplate);
    }
}
