//! Extraction: what an article's content names and tells.
//!
//! [`entities`] matches the gazetteer (people, countries with their metonyms, organisations,
//! places, agreements, named events); [`discover`] finds the people and organisations it lacks
//! from the shape of the text; [`quotes`] attributes quotations to speakers; [`events`] codes
//! dated actions on the [`cameo`] taxonomy, with dates from [`timex`].

pub mod cameo;
pub mod discover;
pub mod entities;
pub mod events;
pub mod quotes;
pub mod timex;

use std::path::Path;

/// The reference data extraction reads: the gazetteer and the CAMEO taxonomy. Built once per run
/// and passed down as a value (never process-global state), so one process may hold several,
/// as the tests do.
#[derive(Debug)]
pub struct Resources {
    /// People, countries, organisations, places, agreements and named events with their aliases.
    pub gazetteer: entities::Gazetteer,
    /// CAMEO codes and the verb patterns that map sentences onto them.
    pub taxonomy: cameo::Taxonomy,
}

impl Resources {
    /// The built-in data.
    ///
    /// # Panics
    ///
    /// Never in a released binary: the tests parse the same compiled-in files.
    #[must_use]
    pub fn built_in() -> Self {
        Self {
            gazetteer: entities::Gazetteer::built_in(),
            taxonomy: cameo::Taxonomy::built_in(),
        }
    }

    /// The built-in data, with a user gazetteer file's rows added when one is given
    /// (`--gazetteer FILE`); the file is checked here.
    pub fn load(user_gazetteer: Option<&Path>) -> crate::Result<Self> {
        Ok(Self {
            gazetteer: match user_gazetteer {
                Some(path) => entities::Gazetteer::with_user_file(path)?,
                None => entities::Gazetteer::built_in(),
            },
            taxonomy: cameo::Taxonomy::built_in(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::entities::EntityRef;

    /// The entity names `gazetteer` finds in `text`.
    fn named(resources: &Resources, text: &str) -> Vec<String> {
        resources
            .gazetteer
            .extract(&[text], Some(2024))
            .into_iter()
            .filter_map(|m| match m.entity {
                EntityRef::Gazetteer(i) => Some(resources.gazetteer.entities[i].name.clone()),
                EntityRef::Discovered(_) => None,
            })
            .collect()
    }

    /// Issue 27: reference data is a value, so one process holds two gazetteers at once and
    /// each answers for itself (a global one kept whichever was loaded first).
    #[test]
    fn issue_27_two_gazetteers_in_one_process() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("first.tsv");
        let second = dir.path().join("second.tsv");
        std::fs::write(&first, "person\tAda Quill\tSouth Korea\t2020-\tQuill\n").unwrap();
        std::fs::write(&second, "person\tBram Otter\tJapan\t2020-\tOtter\n").unwrap();
        let a = Resources::load(Some(&first)).unwrap();
        let b = Resources::load(Some(&second)).unwrap();
        let built_in = Resources::built_in();
        let text = "Ada Quill of South Korea met Bram Otter in Tokyo.";
        assert!(named(&a, text).contains(&"Ada Quill".to_string()));
        assert!(!named(&a, text).contains(&"Bram Otter".to_string()));
        assert!(named(&b, text).contains(&"Bram Otter".to_string()));
        assert!(!named(&b, text).contains(&"Ada Quill".to_string()));
        let plain = named(&built_in, text);
        assert!(
            !plain.iter().any(|n| n == "Ada Quill" || n == "Bram Otter"),
            "{plain:?}"
        );
        assert!(plain.contains(&"South Korea".to_string()));
    }
}
