//! Which blocks of a page are the article: the main-content extractor.
//!
//! The method draws on readability (a container scored by the prose it holds), jusText (blocks
//! classed by length and link density, short ones judged by their neighbours) and trafilatura
//! (markup hints first, furniture pruned by its class names), and uses only what any language's
//! pages share: the DOM, the amount of text, links and punctuation.
//!
//! 1. **Furniture by markup.** `nav`, `aside`, `footer`, `header`, `form`, ARIA landmarks for
//!    navigation, banners and complementary content, and elements whose `class` or `id` names a
//!    kind of furniture (share, related, comments, newsletter, ad, cookie, breadcrumb…) are
//!    furniture, with everything inside, unless they hold the article's own marked body
//!    (`<article>`, `<main>`, `itemprop="articleBody"`, a class such as `article-body`): a
//!    layout wrapper called `has-sidebar` is not a sidebar.
//! 2. **Blocks by shape.** A block is `good` when it is long, ends sentences and is mostly not
//!    links; `near-good` when shorter but still sentence-like; `links` when most of it is link
//!    text; `short` otherwise. A block the page's JSON-LD `articleBody` holds word for word is
//!    `good` whatever its shape: the site says it is the article (and when that body is whole,
//!    prose it does not hold counts against its container).
//! 3. **The container.** Every element scores the characters of the good blocks inside it, half
//!    those of near-good ones, minus those of link-heavy and furniture blocks and a third of the
//!    short ones; a marked article body scores a quarter more. The best-scoring element is the
//!    article's container: the smallest one that takes in the article's prose without taking in
//!    more furniture than prose.
//! 4. **Blocks in the container.** Prose is content; short blocks between the first and last
//!    prose block are content too (subheads, short paragraphs, list items), those before or
//!    after are furniture (bylines, dates, share labels). Furniture inside stays furniture;
//!    captions are furniture. Prose right above the container, with nothing but short blocks
//!    and captions between, joins it (a lead paragraph set apart above the body).
//!
//! Nothing is dropped: every block comes out, labelled, with the rule that decided it.

use std::sync::LazyLock;

use super::blocks::{self, Block, Kind};
use super::dom::{Dom, NodeId};
use crate::text::normalize;

/// A block's role and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the block is the article's text (else furniture or the headline).
    pub content: bool,
    /// The rule.
    pub rule: &'static str,
}

/// Class or id words that name furniture. An attribute's words are split at anything but
/// letters and digits and at lower-to-upper case changes (`RelatedLinks-list` is `related`,
/// `links`, `list`), and each word and each pair of neighbours (`read more` is `readmore`) is
/// looked up, lower case.
const FURNITURE_WORDS: &[&str] = &[
    "comment",
    "comments",
    "commentlist",
    "disqus",
    "share",
    "shares",
    "sharing",
    "sharebar",
    "sharetools",
    "socialshare",
    "related",
    "relatedlinks",
    "recommended",
    "recommendations",
    "recirc",
    "recirculation",
    "outbrain",
    "taboola",
    "newsletter",
    "newsletters",
    "subscribe",
    "subscription",
    "subscriptions",
    "signup",
    "promo",
    "promos",
    "promotion",
    "promoted",
    "advert",
    "adverts",
    "advertisement",
    "advertising",
    "ad",
    "ads",
    "adv",
    "adslot",
    "adunit",
    "dfp",
    "gpt",
    "sponsor",
    "sponsored",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "popup",
    "modal",
    "breadcrumb",
    "breadcrumbs",
    "crumbs",
    "sidebar",
    "widget",
    "widgets",
    "footer",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "masthead",
    "toolbar",
    "pagination",
    "pager",
    "trending",
    "popular",
    "mostread",
    "mostpopular",
    "morestories",
    "readmore",
    "readnext",
    "upnext",
    "byline",
    "bylines",
    "dateline",
    "timestamp",
    "caption",
    "credit",
    "credits",
    "banner",
    "paywall",
    "login",
    "signin",
    "author",
    "authors",
    "bio",
    "tags",
    "tagcloud",
    "taglist",
    "keywords",
    "topics",
    "print",
    "skip",
    "ticker",
    "rating",
    "ratings",
    "reaction",
    "reactions",
    "follow",
    "donate",
    "sronly",
    "visuallyhidden",
    "screenreader",
    "offscreen",
    "rail",
    "header",
    "meta",
    "teaser",
    "teasers",
    "cta",
    "toc",
    "aside",
    "disclaimer",
    "feedback",
    "overlay",
    "lightbox",
    "carousel",
    "slideshow",
    "image",
    "img",
    "photo",
    "photos",
    "picture",
    "figure",
    "gallery",
    "thumbnail",
    "thumb",
];

/// Class or id words (and neighbour pairs, as for [`FURNITURE_WORDS`]) that mark the article's
/// body.
const BODY_WORDS: &[&str] = &[
    "articlebody",
    "articletext",
    "articlecontent",
    "storybody",
    "storycontent",
    "storytext",
    "entrycontent",
    "entrybody",
    "postcontent",
    "postbody",
    "posttext",
    "postentry",
    "bodytext",
    "contentbody",
    "maincontent",
    "richtext",
    "articlemain",
    "textbody",
    "newsbody",
    "blogcontent",
    "blogpost",
    "singlecontent",
    "fieldbody",
    "articledetail",
    "detailbody",
    "articlecopy",
    "storycopy",
    "bodycopy",
];

/// Elements that hold text, not blocks: never the article's container.
const TEXT_ELEMENTS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "dt",
    "dd",
    "tr",
    "td",
    "th",
    "span",
    "a",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "font",
    "blockquote",
    "pre",
    "figcaption",
    "caption",
    "label",
    "small",
    "time",
    "code",
    "q",
    "cite",
    "sup",
    "sub",
    "abbr",
    "mark",
];

/// Landmark roles that are furniture.
const FURNITURE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "menu",
    "menubar",
    "search",
    "dialog",
    "alertdialog",
    "toolbar",
    "tablist",
];
/// Tags that are furniture.
const FURNITURE_TAGS: &[&str] = &["nav", "aside", "footer", "header", "form", "menu"];

/// What a block is by its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Good,
    NearGood,
    Links,
    Short,
}

/// The size of a text in characters, where a Chinese, Japanese or Korean character counts three
/// (it carries about as much as a short word).
fn size(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x11FF | 0x3040..=0x30FF | 0x3400..=0x9FFF | 0xAC00..=0xD7AF => 3,
            _ => 1,
        })
        .sum()
}

/// Whether the text reads as sentences: it has a sentence-ending mark and enough words.
fn sentence_like(text: &str) -> bool {
    let enders = text
        .chars()
        .filter(|c| {
            matches!(
                c,
                '.' | '!' | '?' | '。' | '！' | '？' | '…' | ':' | ';' | '"' | '”' | '»' | '」'
            )
        })
        .count();
    enders > 0 && (text.split_whitespace().count() >= 8 || size(text) >= 60)
}

fn shape(block: &Block) -> Shape {
    let chars = block.chars().max(1);
    #[allow(clippy::cast_precision_loss)]
    let link_density = block.link_chars as f64 / chars as f64;
    let size = size(&block.text);
    if link_density > 0.5 || (link_density > 0.3 && size < 150) {
        Shape::Links
    } else if size >= 150 && sentence_like(&block.text) || size >= 300 {
        Shape::Good
    } else if size >= 50 && sentence_like(&block.text) {
        Shape::NearGood
    } else {
        Shape::Short
    }
}

/// A word list as a set: every class and id of a page is looked up in both lists.
type WordSet = foldhash::HashSet<&'static str>;

static BODY_SET: LazyLock<WordSet> = LazyLock::new(|| BODY_WORDS.iter().copied().collect());
static FURNITURE_SET: LazyLock<WordSet> =
    LazyLock::new(|| FURNITURE_WORDS.iter().copied().collect());
/// Readers' comments: furniture however much prose they hold (a long thread can outweigh the
/// article it follows), so the half-the-prose guard of [`furniture_map`], which is for class
/// names only, does not apply to them.
static COMMENT_SET: LazyLock<WordSet> = LazyLock::new(|| {
    [
        "comment",
        "comments",
        "commentlist",
        "disqus",
        "respond",
        "replies",
        "discussion",
    ]
    .into_iter()
    .collect()
});

/// What an element's own markup says: whether it marks the article's body, and the furniture
/// rule it names, if any.
#[derive(Debug, Clone, Copy, Default)]
struct Hint {
    body: bool,
    furniture: Option<&'static str>,
}

/// Which of `lists` a class or id attribute names: its words (split at anything but letters
/// and digits and at lower-to-upper case changes, lower case) and each pair of neighbours
/// joined are looked up. `found[i]` is set when `lists[i]` holds one.
fn attribute_words(value: &str, lists: &[&WordSet], found: &mut [bool]) {
    let mut lower = String::with_capacity(value.len());
    // (start, end) of each word in `lower`.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    let mut previous_lower = false;
    for c in value.chars() {
        if !c.is_alphanumeric() {
            if let Some(s) = start.take() {
                spans.push((s, lower.len()));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase()
            && previous_lower
            && let Some(s) = start.take()
        {
            spans.push((s, lower.len()));
        }
        previous_lower = c.is_lowercase() || c.is_numeric();
        start.get_or_insert(lower.len());
        lower.extend(c.to_lowercase());
    }
    if let Some(s) = start {
        spans.push((s, lower.len()));
    }
    let mut look = |word: &str| {
        for (list, hit) in lists.iter().zip(found.iter_mut()) {
            *hit |= list.contains(&word);
        }
    };
    let mut pair = String::new();
    for (i, &(s, e)) in spans.iter().enumerate() {
        look(&lower[s..e]);
        if let Some(&(s2, e2)) = spans.get(i + 1) {
            pair.clear();
            pair.push_str(&lower[s..e]);
            pair.push_str(&lower[s2..e2]);
            look(&pair);
        }
    }
}

/// What an element's tag, role, itemprop, class and id say about it.
fn hint(dom: &Dom, id: NodeId) -> Hint {
    let Some(tag) = dom.tag(id) else {
        return Hint::default();
    };
    let mut found = [false; 3];
    for attr in ["class", "id"] {
        if let Some(value) = dom.attr(id, attr) {
            attribute_words(
                value,
                &[&BODY_SET, &FURNITURE_SET, &COMMENT_SET],
                &mut found,
            );
        }
    }
    let body = matches!(tag, "article" | "main")
        || found[0]
        || dom
            .attr(id, "itemprop")
            .is_some_and(|v| v.to_ascii_lowercase().contains("articlebody"));
    let furniture = if FURNITURE_TAGS.contains(&tag) {
        Some(match tag {
            "nav" | "menu" => "html:nav",
            "aside" => "html:aside",
            "footer" => "html:footer",
            "header" => "html:header",
            _ => "html:form",
        })
    } else if dom
        .attr(id, "role")
        .is_some_and(|r| FURNITURE_ROLES.contains(&r.trim().to_ascii_lowercase().as_str()))
    {
        Some("html:landmark")
    } else if found[2] {
        Some("html:comments")
    } else {
        found[1].then_some("html:furniture-class")
    };
    Hint { body, furniture }
}

/// Per element: the furniture rule it is under (its own or an ancestor's), in a walk from
/// `root`. An element that holds a marked article body, or half the page's prose, is not
/// furniture by its class name: page builders call every box a `widget`, and layouts put the
/// article in a `has-sidebar` wrapper.
fn furniture_map(
    dom: &Dom,
    root: NodeId,
    order: &[NodeId],
    hints: &[Hint],
    blocks: &[Block],
    shapes: &[Shape],
) -> Vec<Option<&'static str>> {
    let mut holds_body = vec![false; dom.nodes.len()];
    let mut prose = vec![0usize; dom.nodes.len()];
    for (block, shape) in blocks.iter().zip(shapes) {
        if *shape == Shape::Good {
            prose[block.owner] += size(&block.text);
        }
    }
    for &id in order.iter().rev() {
        if hints[id].body {
            holds_body[id] = true;
        }
        if id != root
            && let Some(parent) = dom.nodes[id].parent
        {
            holds_body[parent] |= holds_body[id];
            prose[parent] += prose[id];
        }
    }
    let total = prose[root];
    let mut map = vec![None; dom.nodes.len()];
    for &id in order {
        let inherited = dom.nodes[id].parent.and_then(|p| map[p]);
        map[id] = inherited.or_else(|| {
            if id == root || matches!(dom.tag(id), Some("html" | "body")) {
                return None;
            }
            let rule = hints[id].furniture?;
            let by_class = rule == "html:furniture-class";
            let holds_article = holds_body[id] || (total > 0 && prose[id] * 2 >= total);
            // Markup (`nav`, `header`, `form`…) around the marked body is layout, not
            // furniture; an `aside` is furniture even so.
            let layout = !by_class && holds_body[id] && dom.tag(id) != Some("aside");
            let named_around_article = by_class && holds_article;
            (!layout && !named_around_article).then_some(rule)
        });
    }
    map
}

/// What the container search weighs, per node (in a walk's order) and per block.
#[derive(Clone, Copy)]
struct Evidence<'a> {
    order: &'a [NodeId],
    hints: &'a [Hint],
    blocks: &'a [Block],
    shapes: &'a [Shape],
    furniture: &'a [Option<&'static str>],
    unclaimed: &'a [bool],
}

/// Label every block of `blocks` (from [`blocks::blocks`] over `root`).
#[must_use]
pub fn decide(dom: &Dom, root: NodeId, blocks: &[Block], body_hint: Option<&str>) -> Vec<Decision> {
    let mut shapes: Vec<Shape> = blocks.iter().map(shape).collect();
    let unclaimed = claimed_by_page(blocks, &mut shapes, body_hint);
    let order: Vec<NodeId> = dom.descendants(root).collect();
    let mut hints = vec![Hint::default(); dom.nodes.len()];
    for &id in &order {
        hints[id] = hint(dom, id);
    }
    let furniture = furniture_map(dom, root, &order, &hints, blocks, &shapes);
    let container = container(
        dom,
        root,
        &Evidence {
            order: &order,
            hints: &hints,
            blocks,
            shapes: &shapes,
            furniture: &furniture,
            unclaimed: &unclaimed,
        },
    );
    let inside: Vec<bool> = blocks
        .iter()
        .map(|b| is_within(dom, b.owner, container))
        .collect();
    let prose = |i: usize| {
        inside[i]
            && furniture[blocks[i].owner].is_none()
            && blocks[i].kind != Kind::Caption
            && matches!(shapes[i], Shape::Good | Shape::NearGood)
    };
    let first = (0..blocks.len()).find(|&i| prose(i));
    let last = (0..blocks.len()).rev().find(|&i| prose(i));
    let between = |i: usize| first.is_some_and(|f| i > f) && last.is_some_and(|l| i < l);
    let mut out: Vec<Decision> = (0..blocks.len())
        .map(|i| {
            let block = &blocks[i];
            let no = |rule| Decision {
                content: false,
                rule,
            };
            let yes = |rule| Decision {
                content: true,
                rule,
            };
            if !inside[i] {
                return no("html:outside");
            }
            if let Some(rule) = furniture[block.owner] {
                return no(rule);
            }
            if block.kind == Kind::Caption {
                return no("html:caption");
            }
            if shapes[i] != Shape::Good
                && let Some(rule) = crate::clean::boilerplate::furniture_pattern(&block.text)
            {
                return no(rule);
            }
            match shapes[i] {
                // A long sentence inside the article stays prose however much of it is linked.
                Shape::Links
                    if between(i)
                        && size(&block.text) >= 100
                        && sentence_like(&block.text)
                        && block.kind != Kind::Item =>
                {
                    yes("html:linked-prose")
                }
                Shape::Links => no("html:links"),
                Shape::Good | Shape::NearGood => yes("html:prose"),
                Shape::Short if block.kind == Kind::Row => yes("html:table"),
                Shape::Short if between(i) => yes("html:between-prose"),
                Shape::Short => no("html:short-edge"),
            }
        })
        .collect();
    adjacent_prose(blocks, &shapes, &furniture, &mut out);
    out
}

/// Good prose just above the container, with only short blocks and captions between, joins it
/// (a summary or lead set apart above the body). Below the article it does not: what follows an
/// article's last paragraph is an author's note, a promotion or the comments far more often
/// than more of the article.
fn adjacent_prose(
    blocks: &[Block],
    shapes: &[Shape],
    furniture: &[Option<&'static str>],
    out: &mut [Decision],
) {
    let Some(first) = out.iter().position(|d| d.content) else {
        return;
    };
    for i in (0..first).rev() {
        let joinable = shapes[i] == Shape::Good
            && furniture[blocks[i].owner].is_none()
            && blocks[i].kind != Kind::Caption
            && out[i].rule == "html:outside";
        // Short blocks and captions (a photo between a summary and the body) do not separate.
        let passable = shapes[i] == Shape::Short || blocks[i].kind == Kind::Caption;
        if joinable {
            out[i] = Decision {
                content: true,
                rule: "html:adjacent-prose",
            };
        } else if !passable {
            break;
        }
    }
}

fn is_within(dom: &Dom, mut id: NodeId, ancestor: NodeId) -> bool {
    loop {
        if id == ancestor {
            return true;
        }
        match dom.nodes[id].parent {
            Some(p) => id = p,
            None => return false,
        }
    }
}

/// The element whose blocks weigh most: prose in, furniture and links out (see the module docs).
fn container(dom: &Dom, root: NodeId, page: &Evidence<'_>) -> NodeId {
    let Evidence {
        order,
        hints,
        blocks,
        shapes,
        furniture,
        unclaimed,
    } = *page;
    let mut score = vec![0.0f64; dom.nodes.len()];
    for ((block, shape), &unclaimed) in blocks.iter().zip(shapes).zip(unclaimed) {
        #[allow(clippy::cast_precision_loss)]
        let size = size(&block.text) as f64;
        let weight = if furniture[block.owner].is_some() || block.kind == Kind::Caption {
            -size
        } else if unclaimed {
            -size / 2.0
        } else {
            match shape {
                Shape::Good => size,
                Shape::NearGood => size / 2.0,
                Shape::Links => -size,
                // A data table's rows are short but the article's own.
                Shape::Short if block.kind == Kind::Row => size / 4.0,
                Shape::Short => -size / 3.0,
            }
        };
        score[block.owner] += weight;
    }
    // Sum up the tree, children before parents (a reversed pre-order), without recursion.
    for &id in order.iter().rev() {
        if id != root
            && let Some(parent) = dom.nodes[id].parent
        {
            score[parent] += score[id];
        }
    }
    let mut best = root;
    let mut best_score = f64::MIN;
    for &id in order {
        // A container holds blocks: a paragraph, heading or table row is never one (as in
        // readability, which scores the parents of paragraphs).
        let holder = dom.tag(id).is_some_and(|t| !TEXT_ELEMENTS.contains(&t));
        if !holder && id != root {
            continue;
        }
        let mut s = score[id];
        if s > 0.0 && hints[id].body {
            s *= 1.25;
        }
        // Ties go to the inner element.
        if s >= best_score {
            best = id;
            best_score = s;
        }
    }
    best
}

/// The page's own account of its body (JSON-LD `articleBody`), applied to the blocks: a block
/// it holds word for word (quotes and dashes aside) is prose, whatever its shape. When the
/// blocks it holds make up nearly all of it (it is the whole body, not a summary), the prose it
/// does not hold is marked in the returned vector: the container search counts it against the
/// element that holds it.
fn claimed_by_page(blocks: &[Block], shapes: &mut [Shape], body_hint: Option<&str>) -> Vec<bool> {
    let mut unclaimed = vec![false; blocks.len()];
    let Some(body) = body_hint
        .map(|b| normalize::key(&normalize::display(b)))
        .filter(|b| b.len() >= 150)
    else {
        return unclaimed;
    };
    let mut claimed_bytes = 0;
    let mut claimed = vec![false; blocks.len()];
    for (i, block) in blocks.iter().enumerate() {
        if block.text.len() >= 20 && body.contains(normalize::key(&block.text).as_str()) {
            claimed[i] = true;
            claimed_bytes += block.text.len();
            shapes[i] = Shape::Good;
        }
    }
    if claimed_bytes * 10 >= body.len() * 8 {
        for (i, shape) in shapes.iter().enumerate() {
            unclaimed[i] = !claimed[i] && matches!(shape, Shape::Good | Shape::NearGood);
        }
    }
    unclaimed
}

/// The blocks of a page and their decisions. `body_hint` is the page's JSON-LD `articleBody`,
/// if it has one.
#[must_use]
pub fn extract(dom: &Dom, root: NodeId, body_hint: Option<&str>) -> (Vec<Block>, Vec<Decision>) {
    let blocks = blocks::blocks(dom, root);
    let decisions = decide(dom, root, &blocks, body_hint);
    (blocks, decisions)
}
