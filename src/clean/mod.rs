//! Cleaning: which paragraphs are the article, and which articles are copies of each other.
//!
//! [`boilerplate`] labels each paragraph title, content or boilerplate with the rule that
//! decided it (from its own shape, its neighbours and how often the corpus repeats it);
//! [`minhash`] reduces an article's content to a signature that finds near-duplicates.

pub mod boilerplate;
pub mod minhash;
