//! What a page says about itself: title, publication date, canonical URL, outlet and byline,
//! each with where it was found.
//!
//! Sources in order of trust, as news pages mark them up (Open Graph, `article:*` properties,
//! schema.org JSON-LD, `<time>`):
//! - title: `og:title`, then `<title>` without the site name, then the first `<h1>`;
//! - published: `article:published_time` (and its common aliases), JSON-LD `datePublished`,
//!   `<time datetime>`;
//! - url: `<link rel="canonical">`, then `og:url`;
//! - outlet: `og:site_name`, then the JSON-LD publisher's name;
//! - byline: JSON-LD author names, then `<meta name="author">`.

use serde_json::Value;

use super::dom::{DOCUMENT, Dom, NodeId};
use crate::text::normalize;

/// A value and where it came from (e.g. `og:title`).
pub type Sourced = Option<(String, &'static str)>;

/// The page's own metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMeta {
    /// Headline.
    pub title: Sourced,
    /// Publication date, `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`).
    pub published: Sourced,
    /// Canonical URL.
    pub url: Sourced,
    /// Site or publication name.
    pub outlet: Sourced,
    /// Authors, comma-separated.
    pub byline: Sourced,
    /// JSON-LD `articleBody`, when the page carries one.
    pub article_body: Option<String>,
}

/// The elements metadata is read from, found in one walk of the page.
#[derive(Default)]
struct Found {
    meta: Vec<NodeId>,
    link: Vec<NodeId>,
    script: Vec<NodeId>,
    title: Option<NodeId>,
    h1: Option<NodeId>,
    time: Vec<NodeId>,
}

impl Found {
    fn of(dom: &Dom) -> Self {
        let mut found = Self::default();
        for id in dom.descendants(DOCUMENT) {
            match dom.tag(id) {
                Some("meta") => found.meta.push(id),
                Some("link") => found.link.push(id),
                Some("script") => found.script.push(id),
                Some("title") => {
                    found.title.get_or_insert(id);
                }
                Some("h1") => {
                    found.h1.get_or_insert(id);
                }
                Some("time") => found.time.push(id),
                _ => {}
            }
        }
        found
    }
}

/// Read a page's metadata.
#[must_use]
pub fn read(dom: &Dom) -> PageMeta {
    let found = Found::of(dom);
    let metas = meta_tags(dom, &found.meta);
    let meta = |keys: &[&str]| {
        keys.iter().find_map(|k| {
            metas
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        })
    };
    let ld = json_ld(dom, &found.script);
    let outlet = meta(&["og:site_name"])
        .map(|v| (v, "og:site_name"))
        .or_else(|| ld_publisher(&ld).map(|v| (v, "json-ld publisher")))
        .or_else(|| meta(&["application-name"]).map(|v| (v, "application-name")));
    let site = outlet.as_ref().map(|(o, _)| o.as_str());
    let h1 = found
        .h1
        .map(|h| clean(&dom.text(h)))
        .filter(|h| !h.is_empty());
    let title = meta(&["og:title", "twitter:title"])
        .map(|v| (headline_of(&v, site, h1.as_deref()), "og:title"))
        .or_else(|| {
            let title = found.title.map(|t| clean(&dom.text(t)))?;
            Some((headline_of(&title, site, h1.as_deref()), "title"))
        })
        .or_else(|| ld_field(&ld, "headline").map(|v| (v, "json-ld headline")))
        .or_else(|| h1.clone().map(|h| (h, "h1")))
        .filter(|(t, _)| !t.is_empty());
    let published = meta(&[
        "article:published_time",
        "og:article:published_time",
        "datepublished",
        "date",
        "pubdate",
        "publishdate",
        "publish-date",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
        "cxenseparse:recs:publishtime",
    ])
    .and_then(|v| date_of(&v))
    .map(|v| (v, "article:published_time"))
    .or_else(|| {
        ld_field(&ld, "datePublished")
            .and_then(|v| date_of(&v))
            .map(|v| (v, "json-ld datePublished"))
    })
    .or_else(|| {
        found
            .time
            .iter()
            .find_map(|&t| dom.attr(t, "datetime").and_then(date_of))
            .map(|v| (v, "time"))
    });
    let url = link_canonical(dom, &found.link)
        .map(|v| (v, "canonical"))
        .or_else(|| meta(&["og:url"]).map(|v| (v, "og:url")));
    let byline = ld_authors(&ld).map(|v| (v, "json-ld author")).or_else(|| {
        meta(&[
            "author",
            "article:author",
            "byl",
            "parsely-author",
            "sailthru.author",
        ])
        .filter(|v| !v.contains("://"))
        .map(|v| (v, "meta author"))
    });
    PageMeta {
        title,
        published,
        url,
        outlet,
        byline,
        article_body: ld_field(&ld, "articleBody"),
    }
}

fn clean(text: &str) -> String {
    normalize::display(text)
}

/// `<meta>` tags as (lowercase property or name or itemprop, content).
fn meta_tags(dom: &Dom, metas: &[NodeId]) -> Vec<(String, String)> {
    metas
        .iter()
        .filter_map(|&m| {
            let name = dom
                .attr(m, "property")
                .or_else(|| dom.attr(m, "name"))
                .or_else(|| dom.attr(m, "itemprop"))?;
            let content = dom.attr(m, "content")?;
            Some((name.trim().to_ascii_lowercase(), clean(content)))
        })
        .collect()
}

fn link_canonical(dom: &Dom, links: &[NodeId]) -> Option<String> {
    links.iter().find_map(|&l| {
        let rel = dom.attr(l, "rel")?;
        rel.split_whitespace()
            .any(|r| r.eq_ignore_ascii_case("canonical"))
            .then(|| dom.attr(l, "href").map(|h| h.trim().to_string()))
            .flatten()
            .filter(|h| h.starts_with("http"))
    })
}

/// A page title without the site's name: the page's `<h1>` when the title holds it whole
/// ("Gazette - World - Pact signed" with an `<h1>` "Pact signed"), else [`without_site_name`].
fn headline_of(title: &str, site: Option<&str>, h1: Option<&str>) -> String {
    if let Some(h1) = h1
        && h1.split_whitespace().count() >= 3
        && h1.len() < title.len()
        && title.to_lowercase().contains(&h1.to_lowercase())
    {
        return h1.to_string();
    }
    without_site_name(title, site)
}

/// A `<title>` without the site name: of the parts around ` | `, ` - `, ` – `, ` — ` or ` :: `,
/// drop the one that is the outlet's name, else the last when it is the shorter.
fn without_site_name(title: &str, site: Option<&str>) -> String {
    for separator in [" | ", " - ", " – ", " — ", " :: ", " · ", " • "] {
        let Some((head, tail)) = title.rsplit_once(separator) else {
            continue;
        };
        let (head, tail) = (head.trim(), tail.trim());
        if let Some(site) = site {
            let site = site.to_lowercase();
            if tail.to_lowercase() == site {
                return head.to_string();
            }
            if let Some((first, rest)) = title.split_once(separator)
                && first.trim().to_lowercase() == site
            {
                return rest.trim().to_string();
            }
        }
        if tail.split_whitespace().count() <= 4 && head.len() > tail.len() {
            return head.to_string();
        }
    }
    title.to_string()
}

/// A date as `YYYY-MM-DD` from an ISO 8601 timestamp or date (`2019-11-19T10:00:00Z`).
fn date_of(value: &str) -> Option<String> {
    let v = value.trim();
    let b = v.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
    {
        let date = &v[..10];
        let month: u32 = v[5..7].parse().ok()?;
        let day: u32 = v[8..10].parse().ok()?;
        return ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| date.to_string());
    }
    None
}

/// Every JSON-LD object on the page, `@graph` members included, flattened.
fn json_ld(dom: &Dom, scripts: &[NodeId]) -> Vec<Value> {
    let mut out = Vec::new();
    for &script in scripts {
        let is_ld = dom
            .attr(script, "type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
        if !is_ld {
            continue;
        }
        let Ok(value) = serde_json::from_str::<Value>(dom.text(script).trim()) else {
            continue;
        };
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(items) => stack.extend(items),
                Value::Object(mut map) => {
                    if let Some(graph) = map.remove("@graph") {
                        stack.push(graph);
                    }
                    out.push(Value::Object(map));
                }
                _ => {}
            }
        }
    }
    out
}

/// Whether a JSON-LD object is an article of some kind (`NewsArticle`, `BlogPosting`…).
fn is_article(v: &Value) -> bool {
    let types: Vec<&str> = match v.get("@type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    types.iter().any(|t| {
        t.ends_with("Article") || t.ends_with("Posting") || *t == "Report" || *t == "WebPage"
    })
}

/// A string field of the first article object that has it (articles before web pages).
fn ld_field(ld: &[Value], field: &str) -> Option<String> {
    let mut articles: Vec<&Value> = ld.iter().filter(|v| is_article(v)).collect();
    articles.sort_by_key(|v| v.get("@type").and_then(Value::as_str) == Some("WebPage"));
    articles
        .iter()
        .find_map(|v| v.get(field).and_then(Value::as_str))
        .map(clean)
        .filter(|s| !s.is_empty())
}

fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(clean(s)),
        Value::Object(o) => o.get("name").and_then(Value::as_str).map(clean),
        _ => None,
    }
    .filter(|s| !s.is_empty() && !s.contains("://"))
}

fn ld_publisher(ld: &[Value]) -> Option<String> {
    ld.iter()
        .filter(|v| is_article(v))
        .find_map(|v| v.get("publisher").and_then(name_of))
}

fn ld_authors(ld: &[Value]) -> Option<String> {
    ld.iter().filter(|v| is_article(v)).find_map(|v| {
        let names: Vec<String> = match v.get("author")? {
            Value::Array(items) => items.iter().filter_map(name_of).collect(),
            one => name_of(one).into_iter().collect(),
        };
        (!names.is_empty()).then(|| names.join(", "))
    })
}

/// The page's `<body>`, or the document when it has none (a frameset).
#[must_use]
pub fn body(dom: &Dom) -> NodeId {
    dom.elements("body").next().unwrap_or(DOCUMENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_graph_and_article_properties_first() {
        let dom = Dom::parse(
            r#"<html><head><title>Talks resume | The Daily Ledger</title>
            <meta property="og:title" content="Talks resume in Geneva">
            <meta property="og:site_name" content="The Daily Ledger">
            <meta property="article:published_time" content="2024-03-05T08:30:00+01:00">
            <link rel="canonical" href="https://ledger.example/talks">
            <meta name="author" content="Ana Ruiz">
            </head><body><h1>Talks resume</h1></body></html>"#,
        );
        let meta = read(&dom);
        assert_eq!(
            meta.title,
            Some(("Talks resume in Geneva".into(), "og:title"))
        );
        assert_eq!(
            meta.published,
            Some(("2024-03-05".into(), "article:published_time"))
        );
        assert_eq!(
            meta.url,
            Some(("https://ledger.example/talks".into(), "canonical"))
        );
        assert_eq!(
            meta.outlet,
            Some(("The Daily Ledger".into(), "og:site_name"))
        );
        assert_eq!(meta.byline, Some(("Ana Ruiz".into(), "meta author")));
    }

    #[test]
    fn json_ld_and_the_title_element_next() {
        let dom = Dom::parse(
            r#"<html><head><title>Ministers meet - Northern Courier</title>
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"x"},
              {"@type":"NewsArticle","datePublished":"2023-11-02","articleBody":"Body.",
               "author":[{"@type":"Person","name":"Li Wei"},{"name":"Sam Okoro"}],
               "publisher":{"@type":"Organization","name":"Northern Courier"}}]}
            </script></head><body><time datetime="2020-01-01">old</time></body></html>"#,
        );
        let meta = read(&dom);
        assert_eq!(meta.title, Some(("Ministers meet".into(), "title")));
        // The site's name goes from an Open Graph title too, and a title that holds the
        // page's headline whole gives the headline.
        assert_eq!(
            headline_of("Talks resume | Daily Ledger", Some("Daily Ledger"), None),
            "Talks resume"
        );
        assert_eq!(
            headline_of(
                "Gazette Online - World - Island nations sign pact",
                None,
                Some("Island nations sign pact")
            ),
            "Island nations sign pact"
        );
        assert_eq!(
            meta.published,
            Some(("2023-11-02".into(), "json-ld datePublished"))
        );
        assert_eq!(
            meta.outlet,
            Some(("Northern Courier".into(), "json-ld publisher"))
        );
        assert_eq!(
            meta.byline,
            Some(("Li Wei, Sam Okoro".into(), "json-ld author"))
        );
        assert_eq!(meta.article_body.as_deref(), Some("Body."));
    }

    #[test]
    fn time_element_and_h1_last() {
        let dom = Dom::parse(
            "<body><h1>Floods in the south</h1><time datetime='2022-07-09T10:00'>9 July</time></body>",
        );
        let meta = read(&dom);
        assert_eq!(meta.title, Some(("Floods in the south".into(), "h1")));
        assert_eq!(meta.published, Some(("2022-07-09".into(), "time")));
        assert_eq!(meta.url, None);
    }
}
