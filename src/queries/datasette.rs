//! Datasette metadata for an archive: every named query as a canned query, the full-text index
//! configured for search, and titles for the tables and views.
//!
//! A canned query is the named query's SQL without its header, each `:param` wrapped so a form
//! left empty means what leaving the parameter out means on the command line: an optional one
//! is NULL (`nullif(:p, '')`), a defaulted one takes its default, and numbers are cast from the
//! text Datasette sends. Entity names are matched as the SQL matches them (name or alias, any
//! case); `dossier query` also accepts a family name alone, which Datasette cannot.

use serde_json::{Map, Value, json};

use super::{ALL, Kind, Param, Query, Requirement};

/// The tables and views people browse, with their titles.
const TITLES: &[(&str, &str)] = &[
    ("imports", "Run log"),
    ("documents", "Raw inputs, byte for byte"),
    ("sightings", "Every time an input was seen"),
    ("articles", "Articles (one per distinct content)"),
    (
        "paragraphs",
        "Paragraphs (content-addressed; full-text search)",
    ),
    (
        "article_paragraphs",
        "Articles' paragraphs in order, with roles",
    ),
    ("near_duplicates", "Near-duplicate article pairs"),
    ("entities", "Entities"),
    ("entity_aliases", "Entity aliases"),
    ("mentions", "Entity mentions"),
    ("quotes", "Quotations"),
    ("cameo_codes", "The CAMEO event taxonomy"),
    ("events", "Events (one per real-world event)"),
    ("event_mentions", "Where each event is told"),
    ("entity_stats", "How often each entity is named"),
    ("entity_pairs", "Entities named together"),
    ("source_stats", "Articles per outlet"),
    ("speaker_stats", "Quotations per speaker"),
    ("paragraph_reuse", "Paragraphs several articles carry"),
    ("v_article_text", "Article text, boilerplate left out"),
    ("v_timeline", "Timeline of events"),
    ("v_dyads", "Dyads: who acts on whom"),
    ("v_quotes", "Quotations with speakers and articles"),
    ("v_sources", "Outlets"),
    ("v_near_duplicates", "Near-duplicates with titles"),
    ("v_reused_paragraphs", "Reused paragraphs"),
    ("v_entity_mentions", "Entity mentions with names"),
    ("v_entity_names", "Entity names and aliases"),
    ("v_events", "Events with actors and codes"),
];

/// The metadata document for an archive Datasette serves as `database` (the file name without
/// `.sqlite`).
#[must_use]
pub fn metadata(database: &str) -> Value {
    let queries: Map<String, Value> = ALL
        .iter()
        .map(|q| (q.name.to_string(), canned(q)))
        .collect();
    let mut tables: Map<String, Value> = TITLES
        .iter()
        .map(|(name, title)| ((*name).to_string(), json!({ "title": title })))
        .collect();
    tables.insert(
        "paragraphs".into(),
        json!({
            "title": "Paragraphs (content-addressed; full-text search)",
            "fts_table": "paragraphs_fts",
            "fts_pk": "id",
            "searchmode": "raw",
        }),
    );
    json!({
        "title": "dossier archive",
        "description": "News articles archived by dossier: raw inputs, articles, paragraphs, \
                        entities, quotes and CAMEO events. The canned queries are dossier's \
                        named queries (`dossier query --list`).",
        "databases": {
            database: {
                "queries": queries,
                "tables": tables,
            }
        }
    })
}

/// One named query as a Datasette canned query.
fn canned(query: &Query) -> Value {
    let params = query.params();
    let body: String = query
        .sql
        .lines()
        .skip_while(|l| l.starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut sql = String::with_capacity(body.len());
    let mut rest = body.as_str();
    while let Some(at) = rest.find(':') {
        sql.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        match params.iter().find(|p| p.name == after[..name_len]) {
            Some(param) if name_len > 0 => sql.push_str(&wrapped(param)),
            _ => sql.push_str(&rest[at..=at + name_len]),
        }
        rest = &after[name_len..];
    }
    sql.push_str(rest);
    let described: Vec<String> = params
        .iter()
        .map(|p| format!("{}: {}", p.summary(), p.description))
        .collect();
    let mut description = query.description().to_string();
    if !described.is_empty() {
        description.push_str(" Parameters: ");
        description.push_str(&described.join("; "));
        description.push('.');
    }
    json!({
        "title": query.name,
        "description": description,
        "sql": sql.trim(),
        "params": params.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
    })
}

/// `:name` as the expression Datasette's text value must become.
fn wrapped(param: &Param) -> String {
    let given = format!("nullif(:{}, '')", param.name);
    let value = match &param.requirement {
        Requirement::Default(d) => format!("coalesce({given}, '{}')", d.replace('\'', "''")),
        Requirement::Required | Requirement::Optional => given,
    };
    match param.kind {
        Kind::Integer | Kind::Article => format!("CAST({value} AS INTEGER)"),
        Kind::Real => format!("CAST({value} AS REAL)"),
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_wrapped_with_their_defaults_and_types() {
        let q = crate::queries::find("near-duplicates").unwrap();
        let c = canned(q);
        let sql = c["sql"].as_str().unwrap();
        assert!(
            !sql.contains("-- near-duplicates"),
            "header left out: {sql}"
        );
        assert!(
            sql.contains("CAST(coalesce(nullif(:min, ''), '0') AS REAL)"),
            "{sql}"
        );
        assert!(
            sql.contains("LIMIT CAST(coalesce(nullif(:limit, ''), '100') AS INTEGER)"),
            "{sql}"
        );
        assert_eq!(c["params"], json!(["min", "limit"]));
    }

    #[test]
    fn every_query_is_a_canned_query_and_the_full_text_index_is_configured() {
        let m = metadata("dossier");
        let db = &m["databases"]["dossier"];
        assert_eq!(db["queries"].as_object().unwrap().len(), ALL.len());
        assert_eq!(db["tables"]["paragraphs"]["fts_table"], "paragraphs_fts");
    }
}
