//! The named queries of `dossier query`: one `.sql` file each, the file name is the query name.
//!
//! Each file opens with a header that documents it and drives `--list` and parameter checks:
//!
//! ```sql
//! -- top-entities: Entities ranked by the number of articles that mention them.
//! -- :type   text, optional     person | country | ...
//! -- :limit  integer = 20       rows to return
//! ```
//!
//! A parameter is `text`, `integer`, `real`, `date` (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`),
//! `entity` (a name or alias, any case), `article` (an article id) or one of a list of words
//! (`person|country|…`), and `required`, `optional` (NULL when not given) or has a default.
//! Values are only ever bound (`:name`), never formatted into SQL. Every ORDER BY ends in a
//! unique tie-breaker.
//!
//! A query never answers an empty table to a mistyped value: a word outside its list is refused
//! with the closest one, and [`Query::check`] looks entities and articles up in the archive
//! first. An unknown one is refused with the closest names (or the ids there are); a person's
//! family or given name alone (`Kishida`, `Yoon`) stands for the one person it names.

use std::sync::LazyLock;

use regex::Regex;
pub mod datasette;

use rusqlite::types::Value;

use crate::error::{Error, Result};
use crate::store::{Store, read};

/// A named query.
#[derive(Debug)]
pub struct Query {
    /// The command-line name (the file name without `.sql`).
    pub name: &'static str,
    /// The SQL text, header included.
    pub sql: &'static str,
}

macro_rules! q {
    ($n:literal) => {
        Query {
            name: $n,
            sql: include_str!(concat!($n, ".sql")),
        }
    };
}

/// Every named query, sorted by name.
pub const ALL: &[Query] = &[
    q!("article"),
    q!("cooccurrence"),
    q!("dyad"),
    q!("dyads"),
    q!("events-by-month"),
    q!("imports"),
    q!("near-duplicates"),
    q!("quotes"),
    q!("reused-paragraphs"),
    q!("search"),
    q!("sources"),
    q!("speakers"),
    q!("stats"),
    q!("timeline"),
    q!("top-entities"),
];

/// The kind of value a parameter takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Any text.
    Text,
    /// A whole number.
    Integer,
    /// A number.
    Real,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    Date,
    /// An entity's name or alias, any case, that the archive knows.
    Entity,
    /// The id of an article in the archive.
    Article,
    /// One of these words.
    Choice(Vec<String>),
}

/// Whether a parameter must be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// It must be given.
    Required,
    /// NULL when not given.
    Optional,
    /// This value when not given.
    Default(String),
}

/// A parameter, as the header declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Name without the colon.
    pub name: String,
    /// Value kind.
    pub kind: Kind,
    /// Required, optional or defaulted.
    pub requirement: Requirement,
    /// What it does.
    pub description: String,
}

impl Param {
    /// `:limit integer = 20` style summary for `--list`.
    #[must_use]
    pub fn summary(&self) -> String {
        let kind = match &self.kind {
            Kind::Text => "text",
            Kind::Integer => "integer",
            Kind::Real => "real",
            Kind::Date => "date",
            Kind::Entity => "entity",
            Kind::Article => "article id",
            Kind::Choice(words) => &words.join("|"),
        };
        match &self.requirement {
            Requirement::Required => format!("{} ({kind}, required)", self.name),
            Requirement::Optional => format!("{} ({kind})", self.name),
            Requirement::Default(d) => format!("{} ({kind}, default {d})", self.name),
        }
    }
}

static PARAM_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^--\s*:([a-z_]+)\s+(text|integer|real|date|entity|article|[a-z_]+(?:\|[a-z_]+)+)\s*(?:,\s*(required|optional)|=\s*(\S+))\s+(.*)$")
        .unwrap_or_else(|e| panic!("{e}"))
});

impl Query {
    /// The one-line description from the header.
    #[must_use]
    pub fn description(&self) -> &'static str {
        let first = self.sql.lines().next().unwrap_or_default();
        first.split_once(": ").map_or("", |(_, d)| d.trim())
    }

    /// The parameters the header declares.
    #[must_use]
    pub fn params(&self) -> Vec<Param> {
        self.sql
            .lines()
            .take_while(|l| l.starts_with("--"))
            .filter_map(|l| PARAM_LINE.captures(l))
            .map(|c| Param {
                name: c[1].to_string(),
                kind: match &c[2] {
                    "integer" => Kind::Integer,
                    "real" => Kind::Real,
                    "date" => Kind::Date,
                    "entity" => Kind::Entity,
                    "article" => Kind::Article,
                    "text" => Kind::Text,
                    words => Kind::Choice(words.split('|').map(str::to_string).collect()),
                },
                requirement: match (c.get(3).map(|m| m.as_str()), c.get(4)) {
                    (Some("required"), _) => Requirement::Required,
                    (_, Some(default)) => Requirement::Default(default.as_str().to_string()),
                    _ => Requirement::Optional,
                },
                description: c[5].trim().to_string(),
            })
            .collect()
    }

    /// Check `given` (`name=value` pairs) against the header and return every declared
    /// parameter's value, ready to bind: given, default, or NULL.
    pub fn bind(&self, given: &[String]) -> Result<Vec<(String, Value)>> {
        let params = self.params();
        let mut values: Vec<Option<Value>> = vec![None; params.len()];
        for pair in given {
            let Some((name, raw)) = pair.split_once('=') else {
                return Err(self.param_error(pair, "expected NAME=VALUE"));
            };
            let Some(i) = params.iter().position(|p| p.name == name) else {
                let known: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
                let known = if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                };
                return Err(
                    self.param_error(name, &format!("unknown parameter (parameters: {known})"))
                );
            };
            values[i] = Some(parse(&params[i], raw).map_err(|m| self.param_error(name, &m))?);
        }
        params
            .iter()
            .zip(values)
            .map(|(p, v)| {
                let value = match (v, &p.requirement) {
                    (Some(v), _) => v,
                    (None, Requirement::Default(d)) => {
                        parse(p, d).map_err(|m| self.param_error(&p.name, &m))?
                    }
                    (None, Requirement::Optional) => Value::Null,
                    (None, Requirement::Required) => {
                        return Err(
                            self.param_error(&p.name, "required; pass it with `-p NAME=VALUE`")
                        );
                    }
                };
                Ok((format!(":{}", p.name), value))
            })
            .collect()
    }

    /// Look the entity and article parameters of `bound` up in the archive: an unknown one is
    /// an error naming the closest matches, and a person's family or given name alone becomes
    /// that person's name when it names only one.
    pub fn check(
        &self,
        store: &Store,
        bound: Vec<(String, Value)>,
    ) -> Result<Vec<(String, Value)>> {
        let params = self.params();
        bound
            .into_iter()
            .map(|(name, value)| {
                let param = params.iter().find(|p| name == format!(":{}", p.name));
                let checked = match (param.map(|p| &p.kind), value) {
                    (Some(Kind::Entity), Value::Text(text)) => {
                        Value::Text(self.entity(store, &name[1..], text)?)
                    }
                    (Some(Kind::Article), Value::Integer(id)) => {
                        self.article(store, &name[1..], id)?;
                        Value::Integer(id)
                    }
                    (_, value) => value,
                };
                Ok((name, checked))
            })
            .collect()
    }

    /// `text` if it names an entity, else the one person it is the family or given name of.
    fn entity(&self, store: &Store, param: &str, text: String) -> Result<String> {
        if read::entity_named(store, &text)? {
            return Ok(text);
        }
        let mut people = read::people_by_surname(store, &text)?;
        match people.len() {
            1 => return Ok(people.remove(0)),
            0 => {}
            n => {
                people.truncate(5);
                let more = if n > 5 { ", …" } else { "" };
                return Err(self.param_error(
                    param,
                    &format!(
                        "`{text}` names {n} people in the archive ({}{more}); give the full name",
                        people.join(", ")
                    ),
                ));
            }
        }
        let closest = closest(&text, read::entity_names(store)?);
        let hint = if closest.is_empty() {
            "no name comes close; `dossier query top-entities` lists the entities".to_string()
        } else {
            format!("closest: {}", closest.join(", "))
        };
        Err(self.param_error(
            param,
            &format!("no entity named `{text}` in the archive ({hint})"),
        ))
    }

    /// Refuse an article id the archive does not hold, saying which it holds.
    fn article(&self, store: &Store, param: &str, id: i64) -> Result<()> {
        if read::article_exists(store, id)? {
            return Ok(());
        }
        let held = match read::article_ids(store)? {
            None => "the archive holds no articles yet".to_string(),
            Some((low, high)) => format!("its ids run from {low} to {high}"),
        };
        Err(self.param_error(param, &format!("no article with id {id} ({held})")))
    }

    fn param_error(&self, name: &str, message: &str) -> Error {
        Error::Param {
            query: self.name.to_string(),
            name: name.to_string(),
            message: message.to_string(),
        }
    }
}

fn parse(param: &Param, raw: &str) -> std::result::Result<Value, String> {
    match &param.kind {
        Kind::Text => Ok(Value::Text(raw.to_string())),
        Kind::Integer => raw
            .trim()
            .parse()
            .map(Value::Integer)
            .map_err(|_| format!("expected a whole number, got {raw:?}")),
        Kind::Real => raw
            .trim()
            .parse()
            .map(Value::Real)
            .map_err(|_| format!("expected a number, got {raw:?}")),
        Kind::Date => crate::source::parse_published(raw).map(Value::Text),
        Kind::Entity => Ok(Value::Text(raw.trim().to_string())),
        Kind::Article => raw
            .trim()
            .parse()
            .map(Value::Integer)
            .map_err(|_| format!("expected an article id (a whole number), got {raw:?}")),
        Kind::Choice(words) => {
            let word = raw.trim().to_lowercase();
            if words.contains(&word) {
                return Ok(Value::Text(word));
            }
            let guess = closest(&word, words.iter().cloned());
            let guess = guess
                .first()
                .map(|g| format!(" (did you mean `{g}`?)"))
                .unwrap_or_default();
            Err(format!(
                "expected one of {}, got {raw:?}{guess}",
                words.join(", ")
            ))
        }
    }
}

/// The names most like `text` (at most three, best first, shorter first among equals): by
/// Jaro-Winkler similarity of the whole name, or a little less for its best-matching word (so
/// `Kroea` finds `South Korea` before longer names with the word), any case, at least 0.85.
fn closest(text: &str, names: impl IntoIterator<Item = String>) -> Vec<String> {
    const LEAST: f64 = 0.85;
    const WORD: f64 = 0.02;
    let wanted = text.to_lowercase();
    let mut scored: Vec<(f64, String)> = names
        .into_iter()
        .filter_map(|name| {
            let lower = name.to_lowercase();
            let whole = strsim::jaro_winkler(&wanted, &lower);
            let word = lower
                .split_whitespace()
                .map(|w| strsim::jaro_winkler(&wanted, w))
                .fold(0.0, f64::max);
            let score = whole.max(word - WORD);
            (score >= LEAST).then_some((score, name))
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.len().cmp(&b.1.len()))
            .then_with(|| a.1.cmp(&b.1))
    });
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, name)| name).collect()
}

/// The query called `name`.
pub fn find(name: &str) -> Result<&'static Query> {
    ALL.iter()
        .find(|q| q.name == name)
        .ok_or_else(|| Error::UnknownQuery {
            name: name.to_string(),
            known: ALL.iter().map(|q| q.name).collect::<Vec<_>>().join(", "),
        })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn registry_is_sorted_and_every_header_parses() {
        let names: Vec<&str> = ALL.iter().map(|q| q.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        for q in ALL {
            assert!(
                q.sql.starts_with(&format!("-- {}: ", q.name)),
                "{}: header names the query",
                q.name
            );
            assert!(!q.description().is_empty(), "{}", q.name);
            let declared = q
                .sql
                .lines()
                .take_while(|l| l.starts_with("--"))
                .filter(|l| l.starts_with("-- :"))
                .count();
            assert_eq!(
                q.params().len(),
                declared,
                "{}: every `-- :param` line parses",
                q.name
            );
        }
    }

    /// An archive of one-paragraph articles, each paragraph's text and publication date given,
    /// for the search tests, and a connection to it.
    fn search_archive(
        paragraphs: impl Iterator<Item = (String, &'static str)>,
    ) -> (tempfile::TempDir, rusqlite::Connection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.sqlite");
        let store = crate::store::Store::open(&path).unwrap();
        let conn = store.conn();
        conn.execute_batch("BEGIN").unwrap();
        for (i, (text, published)) in paragraphs.enumerate() {
            let sha = format!("{i:064x}");
            conn.execute(
                "INSERT INTO documents (sha256, raw, bytes) VALUES (?1, 'x', 1)",
                [&sha],
            )
            .unwrap();
            let document = conn.last_insert_rowid();
            conn.execute(
                "INSERT INTO articles (sha256, document_id, words, published)
                 VALUES (?1, ?2, 6, ?3)",
                (&sha, document, published),
            )
            .unwrap();
            let article = conn.last_insert_rowid();
            conn.execute(
                "INSERT INTO paragraphs (sha256, text, words) VALUES (?1, ?2, 6)",
                (&sha, text),
            )
            .unwrap();
            let paragraph = conn.last_insert_rowid();
            conn.execute(
                "INSERT INTO article_paragraphs
                     (article_id, position, paragraph_id, role, rule, line_start, line_end)
                 VALUES (?1, 0, ?2, 'content', 'test', 1, 1)",
                (article, paragraph),
            )
            .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO paragraphs_fts (rowid, text) SELECT id, text FROM paragraphs; COMMIT",
        )
        .unwrap();
        drop(store);
        let conn = rusqlite::Connection::open(&path).unwrap();
        (dir, conn)
    }

    /// `search` with `given` parameters: its (article id, score) rows, and the statements SQLite
    /// ran for it besides the search itself (FTS5 reads its index, and sorts its ranking, with
    /// statements of its own).
    fn search(conn: &mut rusqlite::Connection, given: &[&str]) -> (Vec<(i64, f64)>, Vec<String>) {
        use rusqlite::trace::{TraceEvent, TraceEventCodes};
        let search = find("search").unwrap();
        let ran: Arc<Mutex<Vec<String>>> = Arc::default();
        let seen = Arc::clone(&ran);
        conn.trace_v2(
            TraceEventCodes::SQLITE_TRACE_STMT,
            Some(move |event: TraceEvent<'_>| {
                if let TraceEvent::Stmt(statement, _) = event {
                    let sql = statement.sql();
                    let mut seen = seen.lock().unwrap();
                    if !search.sql.starts_with(&*sql) && !seen.iter().any(|s| *s == sql) {
                        seen.push(sql.into_owned());
                    }
                }
            }),
        )
        .unwrap();
        let mut stmt = conn.prepare(search.sql).unwrap();
        let given: Vec<String> = given.iter().map(ToString::to_string).collect();
        for (name, value) in search.bind(&given).unwrap() {
            let index = stmt.parameter_index(&name).unwrap().unwrap();
            stmt.raw_bind_parameter(index, value).unwrap();
        }
        let mut found = Vec::new();
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next().unwrap() {
            found.push((row.get("article_id").unwrap(), row.get("score").unwrap()));
        }
        drop(rows);
        drop(stmt);
        conn.trace_v2(TraceEventCodes::empty(), None::<fn(TraceEvent<'_>)>)
            .unwrap();
        let ran = std::mem::take(&mut *ran.lock().unwrap());
        (found, ran)
    }

    /// Whether the statements `search` ran include FTS5's ranking of every match: a statement
    /// over the full-text table itself (its others read the index's shadow tables).
    fn ranked_every_match(ran: &[String]) -> bool {
        ran.iter().any(|sql| sql.contains("_fts' ORDER BY"))
    }

    /// Search picks the best-scored matches by a bounded sort of their scores when they hold
    /// its rows: FTS5's own ranking, one of its statements, sorts every match, which took
    /// half of a common word's search on 100k articles. A filter that the best matches do not
    /// pass makes it walk every match in that ranking, which shows the test sees that sort.
    #[test]
    fn search_sorts_only_the_best_matches_when_they_suffice() {
        // Every paragraph matches, with the same length: all scores tie.
        let (_dir, mut conn) = search_archive(
            (0..4000).map(|i| (format!("the alliance held for {i} years"), "2010-05-01")),
        );
        let (best, ran) = search(&mut conn, &["q=alliance"]);
        assert_eq!(best.len(), 20);
        assert!(!ranked_every_match(&ran), "{ran:#?}");
        let (none, ran) = search(&mut conn, &["q=alliance", "from=2011"]);
        assert!(none.is_empty());
        assert!(ranked_every_match(&ran), "{ran:#?}");
        // The rows kept are shown with the unique tie-breakers applied.
        assert!(
            best.windows(2)
                .all(|w| (w[0].1 - w[1].1).abs() < 1e-9 && w[0].0 < w[1].0),
            "{best:?}"
        );
    }

    /// When the filters leave fewer than `limit` of the best-scored matches, search finds its
    /// rows among all the others, best first: the same rows as a join of every match.
    #[test]
    fn search_looks_past_the_best_matches_when_filters_leave_too_few() {
        // Longer paragraphs score worse; only the 600 longest are published from 2020. The
        // articles after them do not match, so that the word scores above zero.
        let (_dir, mut conn) = search_archive((0..6000).map(|i| {
            let padding = " and more".repeat(i / 10);
            let published = if i >= 1400 {
                "2021-01-01"
            } else {
                "2010-01-01"
            };
            let word = if i < 2000 { "alliance" } else { "treaty" };
            (format!("the {word} held{padding}"), published)
        }));
        // The best 25 articles published from `from`, by a join of every match.
        let every = |conn: &rusqlite::Connection, from: &str| -> Vec<(i64, f64)> {
            conn.prepare(
                "SELECT a.id, round(bm25(paragraphs_fts), 3) AS score
                 FROM paragraphs_fts
                 JOIN article_paragraphs ap ON ap.paragraph_id = paragraphs_fts.rowid
                 JOIN articles a ON a.id = ap.article_id
                 WHERE paragraphs_fts MATCH 'alliance' AND a.published >= ?1
                 ORDER BY score, a.id LIMIT 25",
            )
            .unwrap()
            .query_map([from], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
        };
        let (found, _) = search(&mut conn, &["q=alliance", "from=2020", "limit=25"]);
        assert_eq!(found.len(), 25);
        assert_eq!(found, every(&conn, "2020"));
        let (unfiltered, _) = search(&mut conn, &["q=alliance", "limit=25"]);
        assert_eq!(unfiltered, every(&conn, "2000"));
        assert_eq!(unfiltered[0].0, 1);
        // Articles 1401..=1410 tie for best; the next ten follow, and five of the ten after.
        assert_eq!(found[0].0, 1401);
        assert!(
            found[..10]
                .iter()
                .all(|&(_, score)| (score - found[0].1).abs() < 1e-9)
        );
        assert!(found[10].1 > found[0].1);
    }

    /// An entity named in few paragraphs: only the matches among its paragraphs are scored,
    /// since the best matches of the whole archive may not name it, and all the others would be
    /// walked. The same rows as a join of every match, and no walk.
    #[test]
    fn search_with_a_rare_entity_scores_only_the_paragraphs_naming_it() {
        // 3,000 paragraphs match, longer ones scoring worse; the 40 worst of them name Ruritania.
        let (_dir, mut conn) = search_archive((0..6000).map(|i| {
            let padding = " and more".repeat(i / 10);
            let word = if i < 3000 { "alliance" } else { "treaty" };
            (
                format!("the {word} held{padding} in Ruritania"),
                "2010-01-01",
            )
        }));
        conn.execute_batch(
            "INSERT INTO entities (id, name, type, origin)
             VALUES (1, 'Ruritania', 'country', 'gazetteer');
             INSERT INTO mention_spans (article_id, id, entity_id, paragraph_id, char_start, char_end)
             SELECT ap.article_id, 1, 1, ap.paragraph_id, length(p.text) - 9, length(p.text)
             FROM article_paragraphs ap JOIN paragraphs p ON p.id = ap.paragraph_id
             WHERE ap.article_id BETWEEN 2961 AND 3000 OR ap.article_id > 5900;
             INSERT INTO entity_stats (entity_id, articles, mentions)
             SELECT 1, count(*), count(*) FROM mention_spans;",
        )
        .unwrap();
        let every: Vec<(i64, f64)> = conn
            .prepare(
                "SELECT a.id, round(bm25(paragraphs_fts), 3) AS score
                 FROM paragraphs_fts
                 JOIN article_paragraphs ap ON ap.paragraph_id = paragraphs_fts.rowid
                 JOIN articles a ON a.id = ap.article_id
                 JOIN mention_spans m ON m.article_id = a.id AND m.paragraph_id = ap.paragraph_id
                 WHERE paragraphs_fts MATCH 'alliance'
                 ORDER BY score, a.id LIMIT 10",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let (found, ran) = search(&mut conn, &["q=alliance", "entity=Ruritania", "limit=10"]);
        assert_eq!(found.len(), 10);
        assert_eq!(found, every);
        assert!(found.iter().all(|&(id, _)| (2961..=3000).contains(&id)));
        assert!(!ranked_every_match(&ran), "{ran:#?}");
        // Counted as common, the entity is found by the walk of every match: the same rows.
        conn.execute("UPDATE entity_stats SET mentions = 300000", [])
            .unwrap();
        let (walked, ran) = search(&mut conn, &["q=alliance", "entity=Ruritania", "limit=10"]);
        assert_eq!(walked, every);
        assert!(ranked_every_match(&ran), "{ran:#?}");
    }

    #[test]
    fn every_query_prepares_and_declares_exactly_its_parameters() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("q.sqlite")).unwrap();
        for q in ALL {
            let stmt = store
                .conn()
                .prepare(q.sql)
                .unwrap_or_else(|e| panic!("{}: {e}", q.name));
            let mut used: Vec<String> = (1..=stmt.parameter_count())
                .filter_map(|i| stmt.parameter_name(i).map(str::to_string))
                .collect();
            used.sort();
            used.dedup();
            let mut declared: Vec<String> =
                q.params().iter().map(|p| format!(":{}", p.name)).collect();
            declared.sort();
            assert_eq!(used, declared, "{}", q.name);
            assert!(stmt.readonly(), "{} must only read", q.name);
        }
    }

    #[test]
    fn binding() {
        let q = find("search").unwrap();
        let bound = q.bind(&["q=Kishida".into(), "from=2019".into()]).unwrap();
        assert!(bound.contains(&(":q".into(), Value::Text("Kishida".into()))));
        assert!(bound.contains(&(":limit".into(), Value::Integer(20))));
        assert!(bound.contains(&(":to".into(), Value::Null)));
        let err = |given: &[&str]| {
            q.bind(&given.iter().map(ToString::to_string).collect::<Vec<_>>())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(&[]),
            "query `search`: parameter `q`: required; pass it with `-p NAME=VALUE`"
        );
        assert_eq!(
            err(&["q=x", "limit=ten"]),
            "query `search`: parameter `limit`: expected a whole number, got \"ten\""
        );
        assert_eq!(
            err(&["q=x", "color=red"]),
            "query `search`: parameter `color`: unknown parameter (parameters: q, entity, from, to, limit)"
        );
        assert_eq!(
            err(&["q"]),
            "query `search`: parameter `q`: expected NAME=VALUE"
        );
        assert!(err(&["q=x", "from=July"]).contains("expected YYYY, YYYY-MM or YYYY-MM-DD"));
        assert!(
            find("nope")
                .unwrap_err()
                .to_string()
                .starts_with("no query named `nope`")
        );
    }
}
