//! Entity mentions: the gazetteer in `data/gazetteer/` matched against an article's paragraphs.
//!
//! Input: the display-normalized paragraphs of one article, in order, and its publication year.
//! Output: [`Mention`]s, each naming a gazetteer entity by index, with 0-based character offsets
//! into its paragraph (end exclusive), the surface as written, and whether it is a metonym.
//!
//! Method:
//! - One Aho-Corasick automaton over every alias (leftmost-longest, ASCII case-insensitive),
//!   plus generated spelling variants (hyphens and spaces in romanised names, curly and straight
//!   apostrophes), plus demonyms ("Japanese"), which are never mentions: matching them keeps
//!   "South Korean" from being read as "South Korea", and they hint which country a sentence is
//!   about.
//! - A match counts only on word boundaries (so "Japan's" is Japan, "Japanese" is not), and only
//!   in the alias's case: acronyms exactly ("US", not "us"), names with their first letter as
//!   written and the rest in any case ("Korean peninsula"), or in capitals throughout.
//! - A capital standing for a government ("Seoul said") is a metonym of the country; after a
//!   preposition of place ("in Seoul") it is the city.
//! - Ambiguous aliases (`?` in the gazetteer: "Moon", "Park", "Lee", "Supreme Court") count only
//!   with context: the entity named unambiguously elsewhere in the article; for people, a title
//!   before the name ("President Moon"), or the article dated within their years in office with
//!   their country named; for organisations, their country named most recently before.
//!
//! Pure: no I/O. The gazetteer is compiled in, built once per run as part of
//! [`Resources`](crate::extract::Resources) and passed down.

use aho_corasick::{
    AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind, StartKind,
};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

/// The kinds of entity (`entities.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityType {
    /// A person.
    Person,
    /// A country.
    Country,
    /// An organisation, alliance, company or news outlet.
    Organization,
    /// A place: city, region, sea, island, shrine.
    Location,
    /// A treaty, agreement or pact.
    Agreement,
    /// A named event: a war, a summit.
    NamedEvent,
}

impl EntityType {
    /// The name stored in `entities.type`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Country => "country",
            Self::Organization => "organization",
            Self::Location => "location",
            Self::Agreement => "agreement",
            Self::NamedEvent => "named_event",
        }
    }
}

/// An entity of the gazetteer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Canonical name.
    pub name: String,
    /// Kind.
    pub kind: EntityType,
    /// Canonical name of its country, if any.
    pub country: Option<String>,
    /// Years in office (people), as inclusive ranges.
    pub years: Vec<(u16, u16)>,
    /// Aliases as written in the gazetteer (without markers), with whether each is a metonym.
    pub aliases: Vec<(String, bool)>,
}

/// What a spelling in the automaton stands for. Spellings that differ only in case share one
/// pattern, which lists every form; a match takes the first form its case agrees with.
#[derive(Debug, Clone)]
enum Target {
    /// An alias of an entity.
    Alias {
        /// The spelling (case rules compare against it).
        spelled: String,
        /// The alias it is a spelling of.
        alias: String,
        /// Candidate entities (several when an ambiguous alias is shared).
        entities: Vec<usize>,
        metonym: bool,
        ambiguous: bool,
    },
    /// A demonym: no mention, a hint of this country.
    Demonym { spelled: String, country: usize },
}

impl Target {
    fn accepts(&self, surface: &str) -> bool {
        match self {
            Self::Alias { spelled, .. } => case_matches(surface, spelled),
            Self::Demonym { spelled, .. } => {
                surface.starts_with(char::is_uppercase) && surface.eq_ignore_ascii_case(spelled)
            }
        }
    }
}

/// The compiled gazetteer.
pub struct Gazetteer {
    /// Every entity, in file order.
    pub entities: Vec<Entity>,
    /// The forms of each automaton pattern.
    targets: Vec<Vec<Target>>,
    /// The patterns, matched anchored at a word's start.
    automaton: AhoCorasick,
    /// The bytes a pattern can begin with, either ASCII case.
    first_bytes: [bool; 256],
    /// Location entity of each metonym's city reading, by alias.
    cities: HashMap<String, usize>,
    /// The country entity of each entity (itself for a country), computed once.
    countries: Vec<Option<usize>>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Gazetteer({} entities, {} patterns)",
            self.entities.len(),
            self.targets.len()
        )
    }
}

/// Which entity a mention names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityRef {
    /// Index into [`Gazetteer::entities`].
    Gazetteer(usize),
    /// Index into the article's discovered entities (see [`crate::extract::discover`]).
    Discovered(usize),
}

/// One mention of an entity in a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Index of the paragraph in the article.
    pub paragraph: usize,
    /// The entity named.
    pub entity: EntityRef,
    /// 0-based character offset of the first character.
    pub char_start: usize,
    /// 0-based character offset after the last character.
    pub char_end: usize,
    /// The text as written.
    pub surface: String,
    /// A place standing for a government.
    pub is_metonym: bool,
}

/// The compiled-in gazetteer files.
const BUILT_IN: &[(EntityType, &str)] = &[
    (
        EntityType::Country,
        include_str!("../../data/gazetteer/countries.tsv"),
    ),
    (
        EntityType::Person,
        include_str!("../../data/gazetteer/people.tsv"),
    ),
    (
        EntityType::Organization,
        include_str!("../../data/gazetteer/organizations.tsv"),
    ),
    (
        EntityType::Location,
        include_str!("../../data/gazetteer/places.tsv"),
    ),
    (
        EntityType::Location,
        include_str!("../../data/gazetteer/world-cities.tsv"),
    ),
    (
        EntityType::Location,
        include_str!("../../data/gazetteer/world-regions.tsv"),
    ),
    (
        EntityType::Agreement,
        include_str!("../../data/gazetteer/agreements.tsv"),
    ),
    (
        EntityType::NamedEvent,
        include_str!("../../data/gazetteer/events.tsv"),
    ),
];
/// The hand-made demonyms, then the generated ones for every country.
const DEMONYMS: &str = concat!(
    include_str!("../../data/gazetteer/demonyms.tsv"),
    include_str!("../../data/gazetteer/world-demonyms.tsv")
);

impl Gazetteer {
    /// The built-in gazetteer (`data/gazetteer/`).
    ///
    /// # Panics
    ///
    /// Never in a released binary: the tests parse the same compiled-in files.
    #[must_use]
    pub fn built_in() -> Self {
        // The built-in files are checked by the tests below (`gazetteer_parses`), so this parse
        // cannot fail in a released binary.
        Self::parse(BUILT_IN, DEMONYMS).unwrap_or_else(|e| panic!("built-in gazetteer: {e}"))
    }

    /// The built-in gazetteer with a user file's rows:
    /// see [`with_user_file`](Self::with_user_file).
    pub fn with_user_file(path: &std::path::Path) -> Result<Self, crate::Error> {
        with_user_file(path)
    }
}

/// The built-in gazetteer plus a user file: tab-separated `type, name, country, years, aliases`
/// (type one of `person`, `country`, `organization`, `location`, `agreement`, `named_event`; the
/// other columns as in the built-in files). A row naming an existing entity adds to its aliases.
fn with_user_file(path: &std::path::Path) -> Result<Gazetteer, crate::Error> {
    let bad = |message: String| crate::Error::Gazetteer {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| crate::Error::io(path, e))?;
    let kinds = [
        EntityType::Country,
        EntityType::Person,
        EntityType::Organization,
        EntityType::Location,
        EntityType::Agreement,
        EntityType::NamedEvent,
    ];
    // One text per type, a line for every line of the file, so errors keep its line numbers.
    let mut converted: Vec<(EntityType, String)> =
        kinds.iter().map(|k| (*k, String::new())).collect();
    for (n, line) in text.lines().enumerate() {
        let row = (!line.trim().is_empty() && !line.starts_with('#'))
            .then(|| line.split('\t').map(str::trim).collect::<Vec<_>>());
        let kind = match &row {
            Some(cols) => Some(
                kinds
                    .iter()
                    .copied()
                    .find(|k| k.as_str() == cols[0])
                    .ok_or_else(|| bad(format!("line {}: unknown type {:?} (person, country, organization, location, agreement, named_event)", n + 1, cols[0])))?,
            ),
            None => None,
        };
        for (k, out) in &mut converted {
            if let (Some(cols), Some(kind)) = (&row, kind)
                && *k == kind
            {
                let col = |i: usize| cols.get(i).copied().unwrap_or("");
                let fields = match kind {
                    EntityType::Country | EntityType::Agreement | EntityType::NamedEvent => {
                        vec![col(1), col(4)]
                    }
                    EntityType::Person => vec![col(1), col(2), col(3), col(4)],
                    EntityType::Organization | EntityType::Location => vec![col(1), col(2), col(4)],
                };
                out.push_str(&fields.join("\t"));
            }
            out.push('\n');
        }
    }
    let mut files = BUILT_IN.to_vec();
    files.extend(converted.iter().map(|(k, t)| (*k, t.as_str())));
    Gazetteer::parse(&files, DEMONYMS).map_err(bad)
}

fn rows(tsv: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    tsv.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| (n + 1, l.split('\t').map(str::trim).collect()))
}

fn parse_years(field: &str) -> Result<Vec<(u16, u16)>, String> {
    field
        .split(',')
        .filter(|r| !r.trim().is_empty())
        .map(|r| {
            let (from, to) = r
                .split_once('-')
                .ok_or_else(|| format!("years {r:?}: expected FROM-TO"))?;
            let from: u16 = from.trim().parse().map_err(|_| format!("years {r:?}"))?;
            let to: u16 = if to.trim().is_empty() {
                9999
            } else {
                to.trim().parse().map_err(|_| format!("years {r:?}"))?
            };
            Ok((from, to))
        })
        .collect()
}

/// Spelling variants an alias is also matched as.
fn variants(alias: &str) -> Vec<String> {
    let mut out = vec![alias.to_string()];
    if alias.contains('-') && alias.chars().any(char::is_lowercase) {
        out.push(alias.replace('-', " "));
        out.push(alias.replace('-', ""));
    }
    for v in out.clone() {
        if v.contains('\'') {
            out.push(v.replace('\'', "’"));
        }
        if v.contains('–') {
            out.push(v.replace('–', "-"));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// An alias while the gazetteer is read: who it names and how.
#[derive(Debug, Default)]
struct AliasEntry {
    /// Entities it names.
    owners: Vec<usize>,
    /// A place standing for a government.
    metonym: bool,
    /// Counts only with context.
    ambiguous: bool,
}

/// Aliases by spelling.
type AliasTable = HashMap<String, AliasEntry>;

/// Record an alias (`?` and `~` markers parsed) of `entity`; return it as stored on the entity.
fn add_alias(aliases: &mut AliasTable, raw: &str, entity: usize) -> (String, bool) {
    let (ambiguous, raw) = raw.strip_prefix('?').map_or((false, raw), |r| (true, r));
    let (metonym, alias) = raw.strip_prefix('~').map_or((false, raw), |r| (true, r));
    let entry = aliases.entry(alias.to_string()).or_default();
    if !entry.owners.contains(&entity) {
        entry.owners.push(entity);
    }
    entry.metonym |= metonym;
    entry.ambiguous |= ambiguous;
    (alias.to_string(), metonym)
}

/// Read the entity files into entities and their aliases.
fn read_entities(files: &[(EntityType, &str)]) -> Result<(Vec<Entity>, AliasTable), String> {
    let mut entities: Vec<Entity> = Vec::new();
    let mut aliases = AliasTable::new();
    // Each entity by kind and name, so a second row finds the first without a scan of them all.
    let mut by_name: HashMap<(EntityType, String), usize> = HashMap::new();
    for (kind, tsv) in files {
        for (line, cols) in rows(tsv) {
            let err = |m: String| format!("{} line {line}: {m}", kind.as_str());
            let col = |i: usize| cols.get(i).copied().unwrap_or("");
            let name = Some(col(0))
                .filter(|n| !n.is_empty())
                .ok_or_else(|| err("no name".into()))?;
            let (country, years, alias_field) = match kind {
                EntityType::Country => (name, "", col(1)),
                EntityType::Person => (col(1), col(2), col(3)),
                EntityType::Organization | EntityType::Location => (col(1), "", col(2)),
                EntityType::Agreement | EntityType::NamedEvent => ("", "", col(1)),
            };
            // A second row for an entity (a user file adding aliases) extends the first.
            if let Some(&existing) = by_name.get(&(*kind, name.to_string())) {
                for a in alias_field
                    .split('|')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                {
                    let added = add_alias(&mut aliases, a, existing);
                    if !entities[existing].aliases.contains(&added) {
                        entities[existing].aliases.push(added);
                    }
                }
                continue;
            }
            let index = entities.len();
            let mut entity = Entity {
                name: name.to_string(),
                kind: *kind,
                country: Some(country).filter(|c| !c.is_empty()).map(str::to_string),
                years: parse_years(years).map_err(err)?,
                aliases: Vec::new(),
            };
            let listed: Vec<&str> = alias_field
                .split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .collect();
            // The name itself is an alias, ambiguous if the list marks it so.
            if !listed.iter().any(|a| a.trim_start_matches('?') == name) {
                entity.aliases.push(add_alias(&mut aliases, name, index));
            }
            for a in listed {
                entity.aliases.push(add_alias(&mut aliases, a, index));
            }
            by_name.insert((*kind, entity.name.clone()), index);
            entities.push(entity);
        }
    }
    Ok((entities, aliases))
}

/// The place each metonym names when read as a place ("in Seoul"): an existing location
/// entity of that name, or a new one in the metonym's country.
fn city_readings(entities: &mut Vec<Entity>, aliases: &AliasTable) -> HashMap<String, usize> {
    let mut cities = HashMap::new();
    let mut metonyms: Vec<(&String, &AliasEntry)> =
        aliases.iter().filter(|(_, a)| a.metonym).collect();
    metonyms.sort_by(|a, b| a.0.cmp(b.0));
    for (alias, entry) in metonyms {
        let city = alias.strip_prefix("the ").unwrap_or(alias);
        if let Some(i) = entities
            .iter()
            .position(|e| e.kind == EntityType::Location && e.name == city)
        {
            cities.insert(alias.clone(), i);
        } else if let Some(&country) = entry
            .owners
            .iter()
            .find(|&&o| entities[o].kind == EntityType::Country)
        {
            cities.insert(alias.clone(), entities.len());
            let country = entities[country].name.clone();
            entities.push(Entity {
                name: city.to_string(),
                kind: EntityType::Location,
                country: Some(country),
                years: Vec::new(),
                aliases: vec![(city.to_string(), false)],
            });
        }
    }
    cities
}

/// Every spelling to match, with what it stands for: aliases with their variants, and demonyms.
fn forms(
    aliases: &AliasTable,
    demonyms: &str,
    entities: &[Entity],
) -> Result<Vec<(String, Target)>, String> {
    let mut forms = Vec::new();
    let mut sorted: Vec<(&String, &AliasEntry)> = aliases.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (alias, entry) in sorted {
        for v in variants(alias) {
            forms.push((
                v.clone(),
                Target::Alias {
                    spelled: v,
                    alias: alias.clone(),
                    entities: entry.owners.clone(),
                    metonym: entry.metonym,
                    ambiguous: entry.ambiguous,
                },
            ));
        }
    }
    for (line, cols) in rows(demonyms) {
        let (Some(demonym), Some(country)) = (cols.first(), cols.get(1)) else {
            return Err(format!(
                "demonyms line {line}: expected demonym and country"
            ));
        };
        let country = entities
            .iter()
            .position(|e| e.kind == EntityType::Country && e.name == *country)
            .ok_or_else(|| format!("demonyms line {line}: unknown country {country}"))?;
        for v in variants(demonym) {
            forms.push((
                v.clone(),
                Target::Demonym {
                    spelled: v,
                    country,
                },
            ));
        }
    }
    Ok(forms)
}

impl Gazetteer {
    /// Parse gazetteer files: `(kind, tsv)` pairs and the demonym table.
    pub fn parse(files: &[(EntityType, &str)], demonyms: &str) -> Result<Self, String> {
        let (mut entities, mut aliases) = read_entities(files)?;
        let cities = city_readings(&mut entities, &aliases);
        // A metonym belongs to its country (the city reading is `cities`); any other alias
        // shared by several entities is ambiguous.
        for entry in aliases.values_mut() {
            if entry.metonym {
                entry
                    .owners
                    .retain(|&e| entities[e].kind == EntityType::Country);
            }
            entry.ambiguous |= entry.owners.len() > 1;
        }
        // One pattern per case-folded spelling, listing its forms.
        let mut by_folded: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        for (spelled, target) in forms(&aliases, demonyms, &entities)? {
            let index = *by_folded
                .entry(spelled.to_ascii_lowercase())
                .or_insert_with(|| {
                    patterns.push(spelled.clone());
                    targets.push(Vec::new());
                    targets.len() - 1
                });
            targets[index].push(target);
        }
        let mut first_bytes = [false; 256];
        for b in patterns.iter().filter_map(|p| p.as_bytes().first()) {
            first_bytes[usize::from(b.to_ascii_lowercase())] = true;
            first_bytes[usize::from(b.to_ascii_uppercase())] = true;
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .start_kind(StartKind::Anchored)
            // The contiguous NFA. A full DFA runs a third fewer instructions (callgrind, 1,000
            // generated articles: 284M -> 198M in extraction) but its 7 MiB table misses the
            // cache: in perf samples of a 10k ingest, matching took 20% longer with it (4 runs).
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns)
            .map_err(|e| e.to_string())?;
        let country_index: HashMap<&str, usize> = entities
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EntityType::Country)
            .map(|(i, e)| (e.name.as_str(), i))
            .collect();
        let countries = entities
            .iter()
            .enumerate()
            .map(|(i, e)| match e.kind {
                EntityType::Country => Some(i),
                _ => e
                    .country
                    .as_deref()
                    .and_then(|c| country_index.get(c).copied()),
            })
            .collect();
        Ok(Self {
            entities,
            targets,
            automaton,
            first_bytes,
            cities,
            countries,
        })
    }

    /// Find the mentions in an article's paragraphs (display text, in order).
    #[must_use]
    pub fn extract(&self, paragraphs: &[&str], published_year: Option<u16>) -> Vec<Mention> {
        self.extract_with_demonyms(paragraphs, published_year).0
    }

    /// [`Gazetteer::extract`], and the demonyms ("South Korean", "Japanese") as mentions of
    /// their countries. Demonyms are not entity mentions (a "Japanese company" does not name
    /// Japan), but the event coder reads "a South Korean court" as a South Korean actor.
    #[must_use]
    pub fn extract_with_demonyms(
        &self,
        paragraphs: &[&str],
        published_year: Option<u16>,
    ) -> (Vec<Mention>, Vec<Mention>) {
        let candidates = self.candidates(paragraphs);
        // Article context: what is named unambiguously, and which countries come up.
        let mut named: HashSet<usize> = HashSet::new();
        let mut countries: HashSet<usize> = HashSet::new();
        for c in &candidates {
            match &c.target {
                Target::Alias {
                    entities,
                    ambiguous: false,
                    ..
                } => {
                    named.extend(entities.iter().copied());
                    for &e in entities {
                        if let Some(country) = self.country_of(e) {
                            countries.insert(country);
                        }
                    }
                }
                Target::Demonym { country, .. } => {
                    countries.insert(*country);
                }
                Target::Alias { .. } => {}
            }
        }
        let mut mentions = Vec::new();
        let mut demonyms = Vec::new();
        // Countries in the order the article brings them up, most recent last.
        let mut recent: Vec<usize> = Vec::new();
        for c in candidates {
            let text = paragraphs[c.paragraph];
            let (entity, is_metonym) = match &c.target {
                Target::Demonym { country, .. } => {
                    recent.push(*country);
                    let char_start = text[..c.start].chars().count();
                    let surface = &text[c.start..c.end];
                    demonyms.push(Mention {
                        paragraph: c.paragraph,
                        entity: EntityRef::Gazetteer(*country),
                        char_start,
                        char_end: char_start + surface.chars().count(),
                        surface: surface.to_string(),
                        is_metonym: false,
                    });
                    continue;
                }
                Target::Alias {
                    alias,
                    entities,
                    metonym,
                    ambiguous,
                    ..
                } => {
                    let entity = if *ambiguous {
                        match self.resolve(
                            entities,
                            text,
                            c.start,
                            &named,
                            &countries,
                            &recent,
                            published_year,
                        ) {
                            Some(e) => e,
                            None => continue,
                        }
                    } else {
                        entities[0]
                    };
                    if *metonym && follows_preposition_of_place(text, c.start) {
                        match self.cities.get(alias) {
                            Some(&city) => (city, false),
                            None => (entity, true),
                        }
                    } else {
                        (entity, *metonym)
                    }
                }
            };
            if let Some(country) = self.country_of(entity) {
                recent.push(country);
            }
            let char_start = text[..c.start].chars().count();
            let surface = &text[c.start..c.end];
            mentions.push(Mention {
                paragraph: c.paragraph,
                entity: EntityRef::Gazetteer(entity),
                char_start,
                char_end: char_start + surface.chars().count(),
                surface: surface.to_string(),
                is_metonym,
            });
        }
        (mentions, demonyms)
    }

    /// Automaton matches that sit on word boundaries in an accepted case, in document order.
    fn candidates(&self, paragraphs: &[&str]) -> Vec<Candidate> {
        let mut out = Vec::new();
        for (paragraph, text) in paragraphs.iter().enumerate() {
            // A match starts a word: it is looked for, anchored, only where a character that is
            // not a letter or digit (or nothing) comes before, and the longest there is taken.
            let mut taken = 0; // the end of the last match taken
            let mut after_word = false; // a letter or digit comes before this character
            for (start, c) in text.char_indices() {
                let at_start = !after_word;
                after_word = c.is_alphanumeric();
                if !at_start
                    || start < taken
                    || !self.first_bytes[usize::from(text.as_bytes()[start])]
                {
                    continue;
                }
                let input = Input::new(text)
                    .span(start..text.len())
                    .anchored(Anchored::Yes);
                let Some(m) = self.automaton.find(input) else {
                    continue;
                };
                let end = m.end();
                if text[end..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
                {
                    continue;
                }
                // A hyphen then a lowercase letter continues the word: "Han-kwon", "Seoul-based".
                let mut rest = text[end..].chars();
                if rest.next() == Some('-') && rest.next().is_some_and(char::is_lowercase) {
                    continue;
                }
                // A rejected match may hide a shorter one further in ("partners in the Blue
                // Pacific" hides "Blue Pacific"): the next word is tried next.
                let surface = &text[start..end];
                if let Some(target) = self.targets[m.pattern().as_usize()]
                    .iter()
                    .find(|t| t.accepts(surface))
                {
                    out.push(Candidate {
                        paragraph,
                        start,
                        end,
                        target: target.clone(),
                    });
                    taken = end;
                }
            }
        }
        out
    }

    /// The country entity an entity belongs to (itself for a country).
    #[must_use]
    pub fn country_of(&self, entity: usize) -> Option<usize> {
        self.countries[entity]
    }

    #[allow(clippy::too_many_arguments)] // the context an ambiguous name is read in
    fn resolve(
        &self,
        candidates: &[usize],
        text: &str,
        start: usize,
        named: &HashSet<usize>,
        countries: &HashSet<usize>,
        recent: &[usize],
        year: Option<u16>,
    ) -> Option<usize> {
        let unique = |found: Vec<usize>| {
            if found.len() == 1 {
                Some(found[0])
            } else {
                None
            }
        };
        // Named unambiguously elsewhere in the article.
        if let Some(e) = unique(
            candidates
                .iter()
                .copied()
                .filter(|e| named.contains(e))
                .collect(),
        ) {
            return Some(e);
        }
        let in_office = |e: usize| {
            year.is_some_and(|y| {
                self.entities[e]
                    .years
                    .iter()
                    .any(|&(from, to)| from <= y && y <= to)
            })
        };
        let people: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&e| self.entities[e].kind == EntityType::Person)
            .collect();
        if !people.is_empty() {
            let titled = follows_title(text, start);
            let from_country: Vec<usize> = people
                .iter()
                .copied()
                .filter(|&e| self.country_of(e).is_some_and(|c| countries.contains(&c)))
                .collect();
            let dated: Vec<usize> = from_country
                .iter()
                .copied()
                .filter(|&e| in_office(e))
                .collect();
            if let Some(e) = unique(dated) {
                return Some(e);
            }
            if titled {
                return unique(if from_country.is_empty() {
                    people
                } else {
                    from_country
                });
            }
            return None;
        }
        // Organisations: the one whose country came up most recently, else the only one whose
        // country the article names.
        for &country in recent.iter().rev() {
            let of_country: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&e| self.country_of(e) == Some(country))
                .collect();
            if !of_country.is_empty() {
                return unique(of_country);
            }
        }
        unique(
            candidates
                .iter()
                .copied()
                .filter(|&e| self.country_of(e).is_some_and(|c| countries.contains(&c)))
                .collect(),
        )
    }
}

struct Candidate {
    paragraph: usize,
    start: usize,
    end: usize,
    target: Target,
}

/// Does `surface` (matched ignoring ASCII case) appear in a case the alias allows?
fn case_matches(surface: &str, alias: &str) -> bool {
    if surface == alias {
        return true;
    }
    // A leading "the" is capitalised at the start of a sentence.
    let (surface, alias) = match (surface.strip_prefix("The "), alias.strip_prefix("the ")) {
        (Some(s), Some(a)) => (s, a),
        _ => (surface, alias),
    };
    if surface == alias {
        return true;
    }
    let letters = |s: &str| s.chars().filter(|c| c.is_alphabetic()).count();
    let acronym = !alias.chars().any(char::is_lowercase);
    if acronym {
        return false;
    }
    // Shouted headlines: "JAPAN AND SOUTH KOREA".
    if !surface.chars().any(char::is_lowercase) && letters(surface) >= 4 {
        return true;
    }
    // The first letter as written, the rest in any case ("Korean peninsula", "Yoon Suk-Yeol").
    let mut s = surface.chars();
    let mut a = alias.chars();
    s.next() == a.next() && s.as_str().eq_ignore_ascii_case(a.as_str())
}

/// The word before `at` in `text`, lowercased, without punctuation.
fn previous_word(text: &str, at: usize) -> Option<String> {
    let word = text[..at]
        .trim_end()
        .rsplit(|c: char| c.is_whitespace())
        .next()?;
    let word: String = word
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_lowercase();
    (!word.is_empty()).then_some(word)
}

fn follows_preposition_of_place(text: &str, at: usize) -> bool {
    const PLACE: &[&str] = &[
        "in",
        "at",
        "near",
        "outside",
        "inside",
        "into",
        "to",
        "from",
        "via",
        "toward",
        "towards",
        "across",
        "around",
        "throughout",
        "visit",
        "visits",
        "visited",
        "visiting",
    ];
    previous_word(text, at).is_some_and(|w| PLACE.contains(&w.as_str()))
}

fn follows_title(text: &str, at: usize) -> bool {
    const TITLES: &[&str] = &[
        "president",
        "president-elect",
        "minister",
        "premier",
        "pm",
        "mr",
        "mrs",
        "ms",
        "dr",
        "secretary",
        "ambassador",
        "chairman",
        "chairwoman",
        "leader",
        "general",
        "gen",
        "senator",
        "sen",
        "governor",
        "gov",
        "emperor",
        "king",
        "queen",
        "chancellor",
        "envoy",
        "former",
        "late",
        "then-president",
        "then-prime",
        "spokesperson",
        "spokesman",
        "spokeswoman",
    ];
    previous_word(text, at).is_some_and(|w| TITLES.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in gazetteer, built once for these tests.
    static BUILT: std::sync::LazyLock<Gazetteer> = std::sync::LazyLock::new(Gazetteer::built_in);

    fn names(paragraphs: &[&str], year: Option<u16>) -> Vec<(String, String, bool)> {
        let g = &*BUILT;
        g.extract(paragraphs, year)
            .into_iter()
            .map(|m| {
                let EntityRef::Gazetteer(e) = m.entity else {
                    unreachable!("the gazetteer discovers nothing")
                };
                (m.surface, g.entities[e].name.clone(), m.is_metonym)
            })
            .collect()
    }

    #[track_caller]
    fn case(paragraph: &str, year: Option<u16>, want: &[(&str, &str)]) {
        let got: Vec<(String, String)> = names(&[paragraph], year)
            .into_iter()
            .map(|(s, n, _)| (s, n))
            .collect();
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(s, n)| ((*s).to_string(), (*n).to_string()))
            .collect();
        assert_eq!(got, want, "{paragraph:?}");
    }

    #[test]
    fn gazetteer_parses() {
        let g = &*BUILT;
        assert!(
            g.entities
                .iter()
                .filter(|e| e.kind == EntityType::Country)
                .count()
                > 190
        );
        assert!(
            g.entities
                .iter()
                .filter(|e| e.kind == EntityType::Person)
                .count()
                > 150
        );
        for (name, kind) in [
            ("Yoon Suk Yeol", EntityType::Person),
            ("South Korea", EntityType::Country),
            ("Dokdo", EntityType::Location),
            ("GSOMIA", EntityType::Agreement),
        ] {
            let found = g.entities.iter().any(|e| {
                e.kind == kind && (e.name == name || e.aliases.iter().any(|(a, _)| a == name))
            });
            assert!(found, "{name}");
        }
    }

    #[test]
    fn user_rows_extend_the_gazetteer() {
        let mut files = BUILT_IN.to_vec();
        let extra = "Jane Doe\tSouth Korea\t2030-\tDoe\nSouth Korea\t~Sejong";
        files.push((EntityType::Person, "Jane Doe\tSouth Korea\t2030-\tDoe"));
        files.push((EntityType::Country, "South Korea\t~Sejong"));
        let g = Gazetteer::parse(&files, DEMONYMS).unwrap();
        let found: Vec<String> = g
            .extract(
                &["Doe met officials in Sejong; Sejong said no."],
                Some(2031),
            )
            .into_iter()
            .map(|m| match m.entity {
                EntityRef::Gazetteer(e) => format!("{}={}", m.surface, g.entities[e].name),
                EntityRef::Discovered(_) => unreachable!(),
            })
            .collect();
        assert_eq!(
            found,
            ["Doe=Jane Doe", "Sejong=Sejong", "Sejong=South Korea"],
            "{extra}"
        );
        assert_eq!(
            g.entities
                .iter()
                .filter(|e| e.name == "South Korea")
                .count(),
            1
        );
    }

    #[test]
    fn countries_metonyms_and_demonyms() {
        case(
            "Seoul and Tokyo clashed, and Japan's minister met U.S. officials.",
            None,
            &[
                ("Seoul", "South Korea"),
                ("Tokyo", "Japan"),
                ("Japan", "Japan"),
                ("U.S.", "United States"),
            ],
        );
        case("Japanese and South Korean officials met.", None, &[]);
        case(
            "He is in Tokyo this weekend; Tokyo accused Seoul.",
            None,
            &[
                ("Tokyo", "Tokyo"),
                ("Tokyo", "Japan"),
                ("Seoul", "South Korea"),
            ],
        );
        case(
            "Let us meet in the US and the White House.",
            None,
            &[
                ("US", "United States"),
                ("the White House", "United States"),
            ],
        );
        case(
            "the Korean peninsula and the KOREAN PENINSULA",
            None,
            &[
                ("Korean peninsula", "Korean Peninsula"),
                ("KOREAN PENINSULA", "Korean Peninsula"),
            ],
        );
        assert!(names(&["Seoul said"], None)[0].2, "a metonym is flagged");
    }

    #[test]
    fn people_and_variants() {
        case(
            "President Yoon Suk-yeol met Yoon Suk Yeol's rival.",
            None,
            &[
                ("Yoon Suk-yeol", "Yoon Suk Yeol"),
                ("Yoon Suk Yeol", "Yoon Suk Yeol"),
            ],
        );
        case(
            "Kim Jong-un and Kim Jong Un",
            None,
            &[
                ("Kim Jong-un", "Kim Jong Un"),
                ("Kim Jong Un", "Kim Jong Un"),
            ],
        );
        case("Kishida’s call", None, &[("Kishida", "Fumio Kishida")]);
        // Part of a hyphenated name is not a name: Kim Han-kwon is not Han Duck-soo.
        case(
            "Kim Han-kwon, a Seoul-based professor, spoke in 2023 in South Korea.",
            Some(2023),
            &[("South Korea", "South Korea")],
        );
    }

    /// Issue 28: the world's cities (data/gazetteer/world-cities.tsv, from GeoNames): a large
    /// one counts alone, a smaller one only where the article names its country, and a name
    /// written with letters outside ASCII is found in ASCII too.
    #[test]
    fn world_cities_count_by_size_and_context() {
        case(
            "Talks resumed in Curitiba on Monday.",
            None,
            &[("Curitiba", "Curitiba")],
        );
        case("Delegates met in Izmir.", None, &[("Izmir", "İzmir")]);
        case("The ferry left Bergen at dawn.", None, &[]);
        case(
            "Norway's fisheries minister spoke in Bergen.",
            None,
            &[("Norway", "Norway"), ("Bergen", "Bergen")],
        );
        case(
            "Poland hosted the summit in Krakow.",
            None,
            &[("Poland", "Poland"), ("Krakow", "Kraków")],
        );
    }

    /// Issue 28: first-level regions (data/gazetteer/world-regions.tsv, from ISO 3166-2 with
    /// CLDR's English names): with or without their type word, in ASCII, and a region that is
    /// not famous counts only where the article names its country.
    #[test]
    fn world_regions_by_type_word_spelling_and_context() {
        // The bare name and the form with the type word name one region; a lowercase type
        // word is the same form.
        case(
            "Floods swept Sindh, and Sindh Province asked for tents.",
            None,
            &[("Sindh", "Sindh"), ("Sindh Province", "Sindh")],
        );
        case(
            "Aid lorries reached Borno State; Borno state officials counted the damage.",
            None,
            &[("Borno State", "Borno"), ("Borno state", "Borno")],
        );
        // A city keeps its name; the state of that name needs its type word.
        case(
            "Traders left Lagos for the rest of Lagos State.",
            None,
            &[("Lagos", "Lagos"), ("Lagos State", "Lagos State")],
        );
        // Accents: the ASCII spelling finds the region.
        case(
            "Avocado growers in Michoacan blocked a road.",
            None,
            &[("Michoacan", "Michoacán")],
        );
        // A region that is not famous needs its country named in the article.
        case("Turnout in Tachira was high.", None, &[]);
        case(
            "Venezuela's electoral board said turnout in Tachira was high.",
            None,
            &[("Venezuela", "Venezuela"), ("Tachira", "Táchira")],
        );
        case(
            "Turnout in Tachira State was high.",
            None,
            &[("Tachira State", "Táchira")],
        );
        // A direction word is no region, even where the country is named.
        case(
            "Ghana's president toured the Central and Western areas.",
            None,
            &[("Ghana", "Ghana")],
        );
    }

    /// Demonyms for every country are hints, never mentions; and every country news names is
    /// in countries.tsv, with its alternate names and capital.
    #[test]
    fn world_demonyms_and_countries() {
        case(
            "Rwandan, Congolese and Emirati envoys met Kosovar and Kosovan students and two Malawians.",
            None,
            &[],
        );
        // "Congo" alone could be either Congo: it counts where the article settles which.
        case("Talks on Congo resumed.", None, &[]);
        case(
            "Kinshasa accused its neighbour, and Congo recalled its envoy.",
            None,
            &[
                ("Kinshasa", "Democratic Republic of the Congo"),
                ("Congo", "Democratic Republic of the Congo"),
            ],
        );
        case(
            "Pristina and Belgrade met; Kosovo, Czechia and Eswatini signed.",
            None,
            &[
                ("Pristina", "Kosovo"),
                ("Belgrade", "Serbia"),
                ("Kosovo", "Kosovo"),
                ("Czechia", "Czech Republic"),
                ("Eswatini", "Eswatini"),
            ],
        );
        let g = &*BUILT;
        let congolese = g
            .extract_with_demonyms(&["Congolese troops moved."], None)
            .1;
        assert_eq!(congolese.len(), 1);
        assert_eq!(
            congolese[0].entity,
            EntityRef::Gazetteer(
                g.entities
                    .iter()
                    .position(|e| e.name == "Democratic Republic of the Congo")
                    .unwrap()
            )
        );
    }

    /// A generated region never takes the name of an entity of a hand-made file or of the world
    /// cities (rows of one name would merge): regenerate it after editing those
    /// (scripts/build-gazetteer.sh).
    #[test]
    fn world_regions_names_are_their_own() {
        let regions = BUILT_IN
            .iter()
            .find(|(_, tsv)| tsv.contains("First-level administrative regions"))
            .map(|(_, tsv)| *tsv)
            .unwrap();
        let others: HashSet<&str> = BUILT_IN
            .iter()
            .filter(|(_, tsv)| *tsv != regions)
            .flat_map(|(_, tsv)| rows(tsv).map(|(_, cols)| cols[0]))
            .collect();
        for (line, cols) in rows(regions) {
            assert!(
                !others.contains(cols[0]),
                "world-regions.tsv line {line}: {} is another entity's name",
                cols[0]
            );
        }
    }

    #[test]
    fn ambiguous_names_need_context() {
        // No context: the moon is the moon, and Park is a park.
        case("They walked in the park with Moon.", None, &[]);
        // A title before the name.
        case(
            "South Korean President Moon said",
            None,
            &[("Moon", "Moon Jae-in")],
        );
        // Dated within the term, with the country named.
        case(
            "Kishida's call with Moon angered Seoul.",
            Some(2021),
            &[
                ("Kishida", "Fumio Kishida"),
                ("Moon", "Moon Jae-in"),
                ("Seoul", "South Korea"),
            ],
        );
        case(
            "Kishida's call with Moon angered Seoul.",
            Some(2012),
            &[("Kishida", "Fumio Kishida"), ("Seoul", "South Korea")],
        );
        // The full name elsewhere in the article.
        assert_eq!(
            names(&["Lee Jae-myung arrived.", "Lee said"], Some(2019))[1].1,
            "Lee Jae-myung"
        );
        // An organisation by the country in play.
        case(
            "a South Korean court followed a Supreme Court ruling",
            None,
            &[("Supreme Court", "Supreme Court of Korea")],
        );
        case(
            "a South Korean court seized a Japanese company's assets after a Supreme Court ruling",
            None,
            &[("Supreme Court", "Supreme Court of Korea")],
        );
    }

    #[test]
    fn rejected_matches_do_not_hide_others() {
        // Case variants of one alias: the lowercase form is listed and counts.
        case(
            "during the second world war",
            None,
            &[("second world war", "World War II")],
        );
        // A longer alias in the wrong case does not swallow the shorter one inside it.
        case(
            "and partners in the Blue Pacific program",
            None,
            &[("Blue Pacific", "Partners in the Blue Pacific")],
        );
    }

    /// The entities found in a paragraph, with their kinds.
    fn typed(paragraph: &str, year: Option<u16>) -> Vec<(String, String, EntityType)> {
        let g = &*BUILT;
        g.extract(&[paragraph], year)
            .into_iter()
            .map(|m| {
                let EntityRef::Gazetteer(e) = m.entity else {
                    unreachable!("the gazetteer discovers nothing")
                };
                (m.surface, g.entities[e].name.clone(), g.entities[e].kind)
            })
            .collect()
    }

    #[track_caller]
    fn typed_case(paragraph: &str, year: Option<u16>, want: &[(&str, &str, EntityType)]) {
        let want: Vec<(String, String, EntityType)> = want
            .iter()
            .map(|(s, n, k)| ((*s).to_string(), (*n).to_string(), *k))
            .collect();
        assert_eq!(typed(paragraph, year), want, "{paragraph:?}");
    }

    /// The gazetteer beyond Japan, the Koreas and the US: armed groups, seas and straits, UN
    /// agencies by acronym, and foreign ministers by surname after their full name.
    #[test]
    fn world_organisations_places_and_people() {
        use EntityType::{Location, Organization, Person};
        typed_case(
            "Al-Shabaab fighters ambushed a convoy on Tuesday, and Boko Haram claimed a raid.",
            None,
            &[
                ("Al-Shabaab", "al-Shabaab", Organization),
                ("Boko Haram", "Boko Haram", Organization),
            ],
        );
        typed_case(
            "Freighters avoided the Bab el-Mandeb after the Houthis fired at ships in the Gulf of Aden.",
            None,
            &[
                ("Bab el-Mandeb", "Bab el-Mandeb", Location),
                ("Houthis", "Houthis", Organization),
                ("Gulf of Aden", "Gulf of Aden", Location),
            ],
        );
        typed_case(
            "UNRWA, OCHA and the WFP said trucks were stuck near the Aegean coast.",
            None,
            &[
                ("UNRWA", "UNRWA", Organization),
                (
                    "OCHA",
                    "UN Office for the Coordination of Humanitarian Affairs",
                    Organization,
                ),
                ("WFP", "World Food Programme", Organization),
                ("Aegean", "Aegean Sea", Location),
            ],
        );
        typed_case(
            "Subrahmanyam Jaishankar hosted Penny Wong for talks; Wong called them frank.",
            Some(2023),
            &[
                ("Subrahmanyam Jaishankar", "Subrahmanyam Jaishankar", Person),
                ("Penny Wong", "Penny Wong", Person),
                ("Wong", "Penny Wong", Person),
            ],
        );
        // Accented names are found in ASCII too, and a surname after the full name.
        typed_case(
            "Aleksandar Vucic phoned Recep Tayyip Erdoğan, and Vučić later thanked Erdogan.",
            Some(2024),
            &[
                ("Aleksandar Vucic", "Aleksandar Vučić", Person),
                ("Recep Tayyip Erdoğan", "Recep Tayyip Erdoğan", Person),
                ("Vučić", "Aleksandar Vučić", Person),
                ("Erdogan", "Recep Tayyip Erdoğan", Person),
            ],
        );
        // An ambiguous acronym counts only with its country in play; a month is not a person.
        typed_case(
            "Sudan's army said the RSF shelled a market.",
            Some(2024),
            &[
                ("Sudan", "Sudan", EntityType::Country),
                ("RSF", "Rapid Support Forces", Organization),
            ],
        );
        typed_case("RSF condemned the jailing of a reporter.", Some(2024), &[]);
        typed_case(
            "Britain's parliament voted in May.",
            Some(2018),
            &[("Britain", "United Kingdom", EntityType::Country)],
        );
    }
}
