//! A small read-only DOM built by html5ever's tree builder: nodes in one vector, linked by index,
//! each with the source lines it came from.
//!
//! html5ever parses by the HTML5 standard (the same recovery from broken markup as a browser);
//! this module only stores its result. Nodes live in a `Vec` and refer to each other by index,
//! so a tree of any depth is built, walked and dropped without recursion: 100,000 nested
//! `<div>`s cost memory, never the stack. Every walk in [`crate::html`] uses an explicit stack.
//!
//! Each node records the line the tokenizer was on when the node was made and, for elements,
//! when it was closed ([`TreeSink::pop`]); a text node's last line is where its last piece was
//! appended. That is what `line_start` and `line_end` of an HTML article's paragraphs point to.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use html5ever::interface::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts};
use html5ever::{Attribute, LocalName, QualName, TokenizerResult, local_name, ns};

/// Index of a node in [`Dom::nodes`].
pub type NodeId = usize;

/// The document node, always the first.
pub const DOCUMENT: NodeId = 0;

/// What a node is.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// The document, or a template's contents.
    Document,
    /// An element: its local name (lowercase for HTML) and attributes.
    Element {
        /// Local name.
        name: LocalName,
        /// Whether it is in the HTML namespace (not SVG or `MathML`).
        html: bool,
        /// Attributes, by local name.
        attrs: Vec<(LocalName, StrTendril)>,
    },
    /// Character data.
    Text(StrTendril),
    /// A comment, doctype or processing instruction: no text of the page.
    Other,
}

/// One node and its links.
#[derive(Debug, Clone)]
pub struct Node {
    /// Parent, if attached.
    pub parent: Option<NodeId>,
    /// First child.
    pub first_child: Option<NodeId>,
    /// Last child.
    pub last_child: Option<NodeId>,
    /// Previous sibling.
    pub prev: Option<NodeId>,
    /// Next sibling.
    pub next: Option<NodeId>,
    /// What it is.
    pub kind: NodeKind,
    /// 1-based source line where it starts.
    pub line: u32,
    /// 1-based source line where it ends, where the tokenizer says so (a text's last piece, an
    /// element popped by the tree builder); else where it starts.
    pub line_end: u32,
}

/// A parsed page.
#[derive(Debug, Default)]
pub struct Dom {
    /// Every node; [`DOCUMENT`] first.
    pub nodes: Vec<Node>,
}

impl Dom {
    /// Parse a page (already decoded) by the HTML5 standard. Never fails: broken markup is
    /// repaired as a browser would.
    ///
    /// Containers are nested at most [`MAX_NESTING`] deep: deeper start tags of elements that
    /// need an end tag are left out with their end tags, and their content goes into the
    /// deepest container kept. The HTML5 tree builder checks the open elements at every start
    /// tag, so a page of 100,000 nested `<div>`s otherwise costs minutes; browsers cap nesting
    /// too (Chromium at 512).
    #[must_use]
    pub fn parse(html: &str) -> Self {
        let builder = TreeBuilder::new(Sink::default(), TreeBuilderOpts::default());
        let tokenizer = Tokenizer::new(
            DepthCap {
                inner: builder,
                open: Cell::new(0),
                left_out: RefCell::new(Vec::new()),
            },
            TokenizerOpts::default(),
        );
        let input = BufferQueue::default();
        input.push_back(StrTendril::from_slice(html));
        // Script and encoding stops are not acted on: the page was decoded already, and
        // dossier runs no scripts.
        while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {}
        tokenizer.end();
        tokenizer.sink.inner.sink.dom.into_inner()
    }

    /// The element's local name, if `id` is an HTML element.
    #[must_use]
    pub fn tag(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[id].kind {
            NodeKind::Element {
                name, html: true, ..
            } => Some(name),
            _ => None,
        }
    }

    /// Whether `id` is a foreign (SVG or `MathML`) element.
    #[must_use]
    pub fn is_foreign(&self, id: NodeId) -> bool {
        matches!(&self.nodes[id].kind, NodeKind::Element { html: false, .. })
    }

    /// An attribute's value.
    #[must_use]
    pub fn attr(&self, id: NodeId, name: &str) -> Option<&str> {
        match &self.nodes[id].kind {
            NodeKind::Element { attrs, .. } => {
                attrs.iter().find(|(n, _)| &**n == name).map(|(_, v)| &**v)
            }
            _ => None,
        }
    }

    /// The children of `id`, in order.
    pub fn children(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::successors(self.nodes[id].first_child, |&c| self.nodes[c].next)
    }

    /// `id` and everything below it, in document order (pre-order), without recursion.
    pub fn descendants(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let mut next = Some(id);
        std::iter::from_fn(move || {
            let current = next?;
            next = self.nodes[current].first_child.or_else(|| {
                // Up until a node with a next sibling, stopping at `id`.
                let mut up = current;
                loop {
                    if up == id {
                        return None;
                    }
                    if let Some(sibling) = self.nodes[up].next {
                        return Some(sibling);
                    }
                    up = self.nodes[up].parent?;
                }
            });
            Some(current)
        })
    }

    /// The elements of a tag, in document order.
    pub fn elements<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = NodeId> + 'a {
        self.descendants(DOCUMENT)
            .filter(move |&n| self.tag(n) == Some(tag))
    }

    /// The text below `id`, pieces joined as they stand (white space not folded).
    #[must_use]
    pub fn text(&self, id: NodeId) -> String {
        let mut out = String::new();
        for n in self.descendants(id) {
            if let NodeKind::Text(t) = &self.nodes[n].kind {
                out.push_str(t);
            }
        }
        out
    }
}

/// How deep containers nest at most (see [`Dom::parse`]).
pub const MAX_NESTING: usize = 512;

/// Elements that stay open until their end tag (no optional end tag, no implied close): the
/// nesting [`DepthCap`] counts.
const CONTAINERS: &[&str] = &[
    "div",
    "section",
    "article",
    "main",
    "aside",
    "nav",
    "header",
    "footer",
    "blockquote",
    "span",
    "ul",
    "ol",
    "dl",
    "figure",
    "form",
    "fieldset",
    "details",
    "center",
    "font",
];

/// Hands tokens to the tree builder, leaving out container start tags nested deeper than
/// [`MAX_NESTING`] and the end tags that close them.
struct DepthCap {
    inner: TreeBuilder<Handle, Sink>,
    /// Container start tags passed on and not yet closed.
    open: Cell<usize>,
    /// Names of the start tags left out whose end tags have not come yet.
    left_out: RefCell<Vec<LocalName>>,
}

impl TokenSink for DepthCap {
    type Handle = Handle;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<Handle> {
        if let Token::TagToken(tag) = &token
            && !tag.self_closing
            && CONTAINERS.contains(&&*tag.name)
        {
            match tag.kind {
                TagKind::StartTag if self.open.get() >= MAX_NESTING => {
                    self.left_out.borrow_mut().push(tag.name.clone());
                    return TokenSinkResult::Continue;
                }
                TagKind::StartTag => self.open.set(self.open.get() + 1),
                TagKind::EndTag => {
                    let mut left_out = self.left_out.borrow_mut();
                    if let Some(at) = left_out.iter().rposition(|n| *n == tag.name) {
                        left_out.remove(at);
                        return TokenSinkResult::Continue;
                    }
                    drop(left_out);
                    self.open.set(self.open.get().saturating_sub(1));
                }
            }
        }
        self.inner.process_token(token, line_number)
    }

    fn end(&self) {
        self.inner.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.inner
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// A handle to a node that is not an element.
fn handle(id: NodeId) -> Handle {
    Handle {
        id,
        name: None,
        opaque: false,
    }
}

/// Builds a [`Dom`] from html5ever's tree-builder calls.
#[derive(Default)]
struct Sink {
    dom: RefCell<Dom>,
    line: Cell<u32>,
}

/// A node as the tree builder holds it: its index, and an element's name, which the builder
/// asks for often and which never changes.
#[derive(Clone, Debug)]
struct Handle {
    id: NodeId,
    name: Option<Rc<QualName>>,
    /// Whether its text is never read: a style sheet, or a script other than JSON-LD data.
    opaque: bool,
}

/// Whether an element's text is never read (see [`Handle::opaque`]). Not keeping it saves
/// copying what is often most of a page's bytes.
fn opaque(name: &LocalName, script_type: Option<&str>) -> bool {
    match &**name {
        "style" => true,
        "script" => {
            !script_type.is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
        }
        _ => false,
    }
}

impl Sink {
    fn new_node(&self, kind: NodeKind) -> NodeId {
        let line = self.line.get().max(1);
        let mut dom = self.dom.borrow_mut();
        dom.nodes.push(Node {
            parent: None,
            first_child: None,
            last_child: None,
            prev: None,
            next: None,
            kind,
            line,
            line_end: line,
        });
        dom.nodes.len() - 1
    }

    fn detach(dom: &mut Dom, id: NodeId) {
        let Node {
            parent, prev, next, ..
        } = dom.nodes[id];
        match next {
            Some(n) => dom.nodes[n].prev = prev,
            None => {
                if let Some(p) = parent {
                    dom.nodes[p].last_child = prev;
                }
            }
        }
        match prev {
            Some(p) => dom.nodes[p].next = next,
            None => {
                if let Some(p) = parent {
                    dom.nodes[p].first_child = next;
                }
            }
        }
        let node = &mut dom.nodes[id];
        node.parent = None;
        node.prev = None;
        node.next = None;
    }

    fn append_child(dom: &mut Dom, parent: NodeId, child: NodeId) {
        Self::detach(dom, child);
        let last = dom.nodes[parent].last_child;
        dom.nodes[child].parent = Some(parent);
        dom.nodes[child].prev = last;
        match last {
            Some(l) => dom.nodes[l].next = Some(child),
            None => dom.nodes[parent].first_child = Some(child),
        }
        dom.nodes[parent].last_child = Some(child);
    }

    fn insert_before(dom: &mut Dom, sibling: NodeId, child: NodeId) {
        Self::detach(dom, child);
        let parent = dom.nodes[sibling].parent;
        let prev = dom.nodes[sibling].prev;
        dom.nodes[child].parent = parent;
        dom.nodes[child].next = Some(sibling);
        dom.nodes[child].prev = prev;
        dom.nodes[sibling].prev = Some(child);
        match prev {
            Some(p) => dom.nodes[p].next = Some(child),
            None => {
                if let Some(p) = parent {
                    dom.nodes[p].first_child = Some(child);
                }
            }
        }
    }

    /// Text is merged into a text node just before where it goes, as browsers do.
    fn place(
        &self,
        child: NodeOrText<Handle>,
        before: Option<NodeId>,
        attach: impl FnOnce(&mut Dom, NodeId),
    ) {
        let id = match child {
            NodeOrText::AppendNode(node) => node.id,
            NodeOrText::AppendText(text) => {
                let line = self.line.get().max(1);
                let mut dom = self.dom.borrow_mut();
                if let Some(b) = before
                    && let NodeKind::Text(existing) = &mut dom.nodes[b].kind
                {
                    existing.push_tendril(&text);
                    dom.nodes[b].line_end = line;
                    return;
                }
                drop(dom);
                // A run of text reaches the tree builder when it ends: it began as many lines
                // up as it holds line breaks.
                let breaks = u32::try_from(text.matches('\n').count()).unwrap_or(u32::MAX);
                let id = self.new_node(NodeKind::Text(text));
                let node = &mut self.dom.borrow_mut().nodes[id];
                node.line = line.saturating_sub(breaks).max(1);
                id
            }
        };
        attach(&mut self.dom.borrow_mut(), id);
    }
}

impl TreeSink for Sink {
    type Handle = Handle;
    type Output = Dom;
    type ElemName<'a> = &'a QualName;

    fn finish(self) -> Dom {
        self.dom.into_inner()
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn set_current_line(&self, line_number: u64) {
        self.line
            .set(u32::try_from(line_number).unwrap_or(u32::MAX));
    }

    fn get_document(&self) -> Handle {
        if self.dom.borrow().nodes.is_empty() {
            self.new_node(NodeKind::Document);
        }
        handle(DOCUMENT)
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> &'a QualName {
        // The tree builder asks only for elements' names, and every element handle carries one
        // (see `create_element`); anything else reads as an unknown element.
        static UNKNOWN: std::sync::LazyLock<QualName> =
            std::sync::LazyLock::new(|| QualName::new(None, ns!(html), local_name!("")));
        target.name.as_deref().unwrap_or(&UNKNOWN)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let html = name.ns == ns!(html);
        let attrs = attrs.into_iter().map(|a| (a.name.local, a.value)).collect();
        let id = self.new_node(NodeKind::Element {
            name: name.local.clone(),
            html,
            attrs,
        });
        if flags.template {
            // A template's contents are inert: a document of their own, never walked.
            self.new_node(NodeKind::Document);
        }
        Handle {
            id,
            opaque: opaque(&name.local, self.dom.borrow().attr(id, "type")),
            name: Some(Rc::new(name)),
        }
    }

    fn create_comment(&self, _text: StrTendril) -> Handle {
        handle(self.new_node(NodeKind::Other))
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Handle {
        handle(self.new_node(NodeKind::Other))
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        if parent.opaque && matches!(child, NodeOrText::AppendText(_)) {
            return;
        }
        let before = self.dom.borrow().nodes[parent.id].last_child;
        self.place(child, before, |dom, id| {
            Self::append_child(dom, parent.id, id);
        });
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        if self.dom.borrow().nodes[element.id].parent.is_some() {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {
        let id = self.new_node(NodeKind::Other);
        Self::append_child(&mut self.dom.borrow_mut(), DOCUMENT, id);
    }

    fn pop(&self, node: &Handle) {
        let line = self.line.get().max(1);
        self.dom.borrow_mut().nodes[node.id].line_end = line;
    }

    fn get_template_contents(&self, target: &Handle) -> Handle {
        // `create_element` made the contents node right after the template.
        handle(target.id + 1)
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        x.id == y.id
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Handle, child: NodeOrText<Handle>) {
        let before = self.dom.borrow().nodes[sibling.id].prev;
        self.place(child, before, |dom, id| {
            Self::insert_before(dom, sibling.id, id);
        });
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        let mut dom = self.dom.borrow_mut();
        if let NodeKind::Element {
            attrs: existing, ..
        } = &mut dom.nodes[target.id].kind
        {
            for a in attrs {
                if !existing.iter().any(|(n, _)| *n == a.name.local) {
                    existing.push((a.name.local, a.value));
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        Self::detach(&mut self.dom.borrow_mut(), target.id);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        let mut dom = self.dom.borrow_mut();
        let mut child = dom.nodes[node.id].first_child;
        while let Some(c) = child {
            child = dom.nodes[c].next;
            Self::append_child(&mut dom, new_parent.id, c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_tree_a_browser_would() {
        let dom =
            Dom::parse("<!doctype html><p>one<p>two <b>bold</b>\n<table><tr><td>cell</table>");
        let ps: Vec<String> = dom.elements("p").map(|p| dom.text(p)).collect();
        assert_eq!(ps, ["one", "two bold\n"]);
        assert_eq!(
            dom.elements("td").map(|t| dom.text(t)).collect::<Vec<_>>(),
            ["cell"]
        );
    }

    #[test]
    fn records_source_lines() {
        let dom = Dom::parse("<html>\n<body>\n<p>first\nline</p>\n\n<p>second</p>\n</body>");
        let lines: Vec<u32> = dom.elements("p").map(|p| dom.nodes[p].line).collect();
        assert_eq!(lines, [3, 6]);
        let text = |p: NodeId| dom.nodes[dom.nodes[p].first_child.unwrap()].line;
        let starts: Vec<u32> = dom.elements("p").map(text).collect();
        assert_eq!(starts, [3, 6]);
    }

    #[test]
    fn deep_nesting_is_capped_walked_and_dropped_without_recursion() {
        let depth = 100_000;
        let html = format!(
            "{}deep{}<p>after</p>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let dom = Dom::parse(&html);
        let divs = dom.elements("div").count();
        assert_eq!(divs, MAX_NESTING);
        assert_eq!(dom.text(DOCUMENT), "deepafter");
        // The paragraph after the nest is outside it, as without the cap.
        let p = dom.elements("p").next().unwrap();
        let parent = dom.nodes[p].parent.unwrap();
        assert_eq!(dom.tag(parent), Some("body"));
    }

    #[test]
    fn attributes_and_foreign_elements() {
        let dom = Dom::parse(r#"<div id="a" class="x y"><svg><title>t</title></svg></div>"#);
        let div = dom.elements("div").next().unwrap();
        assert_eq!(dom.attr(div, "class"), Some("x y"));
        let svg = dom.children(div).next().unwrap();
        assert!(dom.is_foreign(svg));
    }
}
