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
