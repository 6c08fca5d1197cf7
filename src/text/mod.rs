//! Text: raw input into paragraphs and sentences, normalised and hashed. Pure functions, no I/O.
//!
//! [`segment`] splits raw text into paragraphs that remember their lines; [`normalize`] gives
//! each its display text and its comparison key; [`hashing`] hashes them; [`sentences`] finds
//! sentence boundaries; [`dates`] reads dates written in English; [`regexes`] builds the
//! word-bounded patterns the other stages use.

pub mod dates;
pub mod hashing;
pub mod normalize;
pub mod regexes;
pub mod segment;
pub mod sentences;
