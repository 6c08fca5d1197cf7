//! A page's visible text as blocks: one per paragraph, heading, list item, quotation, table cell
//! or run of text between block-level elements, in document order, each with the element that
//! holds it, its link text and its source lines.
//!
//! What a reader never sees is not read: `<script>`, `<style>`, `<template>`, forms' controls,
//! embedded media, SVG and `MathML`, and elements hidden by `hidden`, `aria-hidden="true"` or an
//! inline `display: none` / `visibility: hidden`. A `<br>` ends a block, as a new paragraph
//! reads in plain text.

use super::dom::{Dom, NodeId, NodeKind};

/// What kind of element a block's text is in (the nearest that says).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A paragraph, a `<div>`'s own text, or anything else.
    Text,
    /// `<h1>`…`<h6>`, with its level.
    Heading(u8),
    /// A list item or definition.
    Item,
    /// A `<blockquote>`.
    Quote,
    /// A `<figcaption>`, `<caption>` or anything else inside a `<figure>`.
    Caption,
    /// A table row, its cells' text side by side.
    Row,
    /// Preformatted text (`<pre>`).
    Pre,
}

/// One block of visible text. A table's row is one block, its cells' text side by side (a
/// cell that holds paragraphs or other blocks gives those as blocks of their own).
#[derive(Debug, Clone)]
pub struct Block {
    /// The text, white space folded to single spaces, trimmed.
    pub text: String,
    /// Characters of that text inside links (spaces not counted).
    pub link_chars: usize,
    /// The nearest block-level element holding the text.
    pub owner: NodeId,
    /// What kind of element it is in.
    pub kind: Kind,
    /// 1-based first source line.
    pub line_start: u32,
    /// 1-based last source line.
    pub line_end: u32,
}

impl Block {
    /// Characters in the block.
    #[must_use]
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// Elements whose content is never shown as text.
const INVISIBLE: &[&str] = &[
    "script", "style", "noscript", "template", "head", "title", "iframe", "object", "embed",
    "canvas", "video", "audio", "map", "button", "select", "option", "datalist", "textarea",
    "input", "dialog", "frameset", "frame", "meta", "link",
];

/// Elements that start and end a block of text.
const BLOCK_LEVEL: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "caption",
    "ul",
    "legend",
    "menu",
    "br",
    "html",
];

/// Whether `id` is an element a reader does not see.
#[must_use]
pub fn invisible(dom: &Dom, id: NodeId) -> bool {
    if dom.is_foreign(id) {
        return true;
    }
    let Some(tag) = dom.tag(id) else {
        return false;
    };
    if INVISIBLE.contains(&tag) || dom.attr(id, "hidden").is_some() {
        return true;
    }
    if dom
        .attr(id, "aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    dom.attr(id, "style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
}

fn is_block_level(tag: &str) -> bool {
    BLOCK_LEVEL.contains(&tag)
}

/// The kind a tag gives the text inside it, if it says.
fn kind_of(tag: &str) -> Option<Kind> {
    Some(match tag {
        "h1" => Kind::Heading(1),
        "h2" => Kind::Heading(2),
        "h3" => Kind::Heading(3),
        "h4" => Kind::Heading(4),
        "h5" => Kind::Heading(5),
        "h6" => Kind::Heading(6),
        "li" | "dd" | "dt" => Kind::Item,
        "blockquote" => Kind::Quote,
        "figcaption" | "caption" | "figure" => Kind::Caption,
        "tr" => Kind::Row,
        "pre" => Kind::Pre,
        _ => return None,
    })
}

/// A block being filled.
struct Open {
    text: String,
    link_chars: usize,
    line_start: u32,
    line_end: u32,
    /// Whether the last character pushed was white space (or nothing yet).
    space: bool,
}

impl Open {
    fn new() -> Self {
        Self {
            text: String::new(),
            link_chars: 0,
            line_start: 0,
            line_end: 0,
            space: true,
        }
    }

    /// Add a text node's text, which starts on source line `line`.
    fn push(&mut self, text: &str, in_link: bool, mut line: u32) {
        for c in text.chars() {
            if c.is_whitespace() {
                if c == '\n' {
                    line += 1;
                }
                self.space = true;
                continue;
            }
            if self.space && !self.text.is_empty() {
                self.text.push(' ');
            }
            self.space = false;
            if self.line_start == 0 {
                self.line_start = line;
            }
            self.line_end = line;
            self.text.push(c);
            if in_link {
                self.link_chars += 1;
            }
        }
    }
}

/// The blocks of visible text under `root`, in document order.
#[must_use]
pub fn blocks(dom: &Dom, root: NodeId) -> Vec<Block> {
    enum Step {
        Enter(NodeId),
        Exit(NodeId),
    }
    let mut out = Vec::new();
    let mut open = Open::new();
    // The block-level elements and the kinds around the current node, innermost last.
    let mut owners: Vec<NodeId> = vec![root];
    let mut kinds: Vec<Kind> = Vec::new();
    let mut links = 0usize;
    let mut stack = vec![Step::Enter(root)];

    let flush = |open: &mut Open, out: &mut Vec<Block>, owner: NodeId, kind: Option<&Kind>| {
        let block = std::mem::replace(open, Open::new());
        if !block.text.is_empty() {
            out.push(Block {
                link_chars: block.link_chars.min(block.text.chars().count()),
                text: block.text,
                owner,
                kind: kind.copied().unwrap_or(Kind::Text),
                line_start: block.line_start,
                line_end: block.line_end,
            });
        }
    };

    while let Some(step) = stack.pop() {
        match step {
            Step::Enter(id) => {
                let node = &dom.nodes[id];
                match &node.kind {
                    NodeKind::Text(t) => {
                        open.push(t, links > 0, node.line);
                        continue;
                    }
                    NodeKind::Element { .. } | NodeKind::Document => {}
                    NodeKind::Other => continue,
                }
                if id != root && invisible(dom, id) {
                    continue;
                }
                let tag = dom.tag(id).unwrap_or("");
                let owner = *owners.last().unwrap_or(&root);
                if is_block_level(tag) {
                    flush(&mut open, &mut out, owner, kinds.last());
                    if tag == "br" || tag == "hr" {
                        continue;
                    }
                    owners.push(id);
                }
                if let Some(kind) = kind_of(tag) {
                    kinds.push(kind);
                }
                if tag == "a" {
                    links += 1;
                }
                if tag == "img" {
                    continue;
                }
                if tag == "td" || tag == "th" {
                    // Cells of a row read side by side, never run together.
                    open.space = true;
                }
                stack.push(Step::Exit(id));
                let mut child = dom.nodes[id].last_child;
                while let Some(c) = child {
                    stack.push(Step::Enter(c));
                    child = dom.nodes[c].prev;
                }
            }
            Step::Exit(id) => {
                let tag = dom.tag(id).unwrap_or("");
                if is_block_level(tag) || id == root {
                    let owner = *owners.last().unwrap_or(&root);
                    flush(&mut open, &mut out, owner, kinds.last());
                    if owners.len() > 1 && owners.last() == Some(&id) {
                        owners.pop();
                    }
                }
                if kind_of(tag).is_some() {
                    kinds.pop();
                }
                if tag == "a" {
                    links = links.saturating_sub(1);
                }
            }
        }
    }
    let owner = *owners.last().unwrap_or(&root);
    flush(&mut open, &mut out, owner, kinds.last());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::dom::DOCUMENT;

    fn texts(html: &str) -> Vec<(String, usize, Kind)> {
        let dom = Dom::parse(html);
        blocks(&dom, DOCUMENT)
            .into_iter()
            .map(|b| (b.text, b.link_chars, b.kind))
            .collect()
    }

    #[test]
    fn block_elements_and_line_breaks_make_blocks() {
        let got = texts(
            "<div>Lead <b>text</b>\n here<p>One <a href=x>link</a>.</p>tail<br>after</div>\
             <ul><li>item</li></ul><h2>Head</h2>",
        );
        let expected = [
            ("Lead text here", 0, Kind::Text),
            ("One link.", 4, Kind::Text),
            ("tail", 0, Kind::Text),
            ("after", 0, Kind::Text),
            ("item", 0, Kind::Item),
            ("Head", 0, Kind::Heading(2)),
        ];
        let expected: Vec<(String, usize, Kind)> = expected
            .iter()
            .map(|(t, l, k)| ((*t).to_string(), *l, *k))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn invisible_text_is_not_read() {
        let got = texts(
            "<p>seen</p><script>var x = 'no';</script><style>p{}</style>\
             <div hidden>no</div><div style='display: none'>no</div><span aria-hidden=true>no</span>\
             <svg><text>no</text></svg><noscript>no</noscript><p>also seen</p>",
        );
        let got: Vec<&str> = got.iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(got, ["seen", "also seen"]);
    }

    #[test]
    fn an_unclosed_script_hides_the_rest_as_a_browser_would() {
        let got = texts("<p>before</p><script>never closed <p>inside</p>");
        let got: Vec<&str> = got.iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(got, ["before"]);
    }
}
