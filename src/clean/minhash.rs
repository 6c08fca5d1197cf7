//! Near-duplicate detection: word shingles, MinHash signatures and LSH bands.
//!
//! An article's content is reduced to the set of its 5-word shingles (over the normalized keys
//! of its content paragraphs, lowercased, punctuation dropped). Its MinHash signature holds 128
//! minima, one per hash permutation; the signature is cut into 16 bands of 8, and each band is
//! hashed into one 64-bit bucket. Two articles that share a bucket are candidates; with 16 × 8,
//! a pair with Jaccard similarity 0.8 shares a bucket with probability 0.95, one with 0.5 only
//! 0.06. Candidates are then verified by their exact Jaccard similarity.
//!
//! Every hash here is fixed (FNV-1a and `SplitMix64` constants): buckets are stored in the
//! archive, so they must mean the same in every version of dossier.

use std::sync::Arc;

use crate::text::normalize;

/// Words per shingle.
pub const SHINGLE_WORDS: usize = 5;
/// Hash permutations in a signature.
pub const PERMUTATIONS: usize = 128;
/// LSH bands; `PERMUTATIONS / BANDS` rows each.
pub const BANDS: usize = 16;
const ROWS: usize = PERMUTATIONS / BANDS;
/// Permutations [`buckets`] computes in one pass over a shingle set: four minima and their
/// eight keys fit the registers of x86-64 beside the loop's own.
const PERMUTATIONS_PER_PASS: usize = 4;
const _: () = assert!(PERMUTATIONS.is_multiple_of(PERMUTATIONS_PER_PASS));

/// The default similarity at or above which two articles are near-duplicates.
pub const DEFAULT_THRESHOLD: f64 = 0.8;

/// A set of hashed shingles, sorted and without repeats: half the memory of a hash set, and
/// two sets intersect in one merge. Shared, not copied, by the near-duplicate check that keeps
/// a batch's sets until it runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shingles(Arc<[u64]>);

impl Shingles {
    fn from_hashes(mut hashes: Vec<u64>) -> Self {
        hashes.sort_unstable();
        hashes.dedup();
        Self(hashes.into())
    }

    /// How many distinct shingles.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none (a text of fewer than five words).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The shingle hashes, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.0.iter().copied()
    }
}

/// FNV-1a of a word's letters and digits, lowercased, as UTF-8 (`None` if it has none),
/// streamed without building the lowercased word.
fn word_hash(word: &str) -> Option<u64> {
    if word.is_ascii() {
        // Most words: the same bytes as the general path below, without decoding characters.
        let mut bytes = word
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_lowercase())
            .peekable();
        bytes.peek()?;
        return Some(fnv1a(bytes, 0));
    }
    word_hash_unicode(word)
}

/// [`word_hash`] for any text.
fn word_hash_unicode(word: &str) -> Option<u64> {
    let mut utf8 = [0u8; 4];
    let mut bytes = word
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .flat_map(|c| {
            let n = c.encode_utf8(&mut utf8).len();
            utf8.into_iter().take(n)
        })
        .peekable();
    bytes.peek()?;
    Some(fnv1a(bytes, 0))
}

fn fnv1a(bytes: impl IntoIterator<Item = u8>, seed: u64) -> u64 {
    bytes
        .into_iter()
        .fold(0xcbf2_9ce4_8422_2325 ^ seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `(a, b)` of each permutation, fixed forever: `SplitMix64` outputs, `a` forced odd.
static PERMUTATION_KEYS: std::sync::LazyLock<[(u64, u64); PERMUTATIONS]> =
    std::sync::LazyLock::new(|| {
        let mut keys = [(0, 0); PERMUTATIONS];
        for (i, key) in keys.iter_mut().enumerate() {
            let i = i as u64 * 2;
            *key = (mix(i.wrapping_add(0x9e37_79b9_7f4a_7c15)) | 1, mix(i + 1));
        }
        keys
    });

/// The 5-word shingles of an article's content paragraphs (display text, in order).
#[must_use]
pub fn shingles<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> Shingles {
    let keys: Vec<String> = paragraphs.into_iter().map(normalize::key).collect();
    shingles_of_keys(keys.iter().map(String::as_str))
}

/// [`shingles`] of paragraphs already made into keys ([`normalize::key`]).
#[must_use]
pub fn shingles_of_keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> Shingles {
    // Each word is hashed once (lowercased, letters and digits only); a shingle's hash combines
    // its words' hashes in order, so no shingle text is ever built.
    let mut words: Vec<u64> = Vec::new();
    for key in keys {
        words.extend(key.split_whitespace().filter_map(word_hash));
    }
    Shingles::from_hashes(
        words
            .windows(SHINGLE_WORDS)
            .map(|window| {
                window.iter().fold(
                    0x5151_5151_5151_5151_u64,
                    |h, &w| mix(h.rotate_left(17) ^ w),
                )
            })
            .collect(),
    )
}

/// The LSH buckets of a shingle set: one 64-bit value per band, as stored in `article_lsh`.
/// Empty for an article too short to have a shingle.
#[must_use]
pub fn buckets(shingles: &Shingles) -> Vec<i64> {
    if shingles.is_empty() {
        return Vec::new();
    }
    // A few permutations at a time over the shingles laid out flat: their minima and keys stay
    // in registers, and the minima are independent, so the CPU overlaps the permutations'
    // multiplies instead of making each wait for the comparison before it (one permutation
    // per pass is a chain of dependent minima).
    let hashes = &shingles.0;
    let mut signature = [u64::MAX; PERMUTATIONS];
    let (passes, _) = signature.as_chunks_mut::<PERMUTATIONS_PER_PASS>();
    let (keys, _) = PERMUTATION_KEYS.as_chunks::<PERMUTATIONS_PER_PASS>();
    for (pass, keys) in passes.iter_mut().zip(keys) {
        let mut minima = [u64::MAX; PERMUTATIONS_PER_PASS];
        for &s in hashes.iter() {
            for (min, &(a, b)) in minima.iter_mut().zip(keys) {
                // Permutation i: x -> a·x + b (mod 2^64) with `a` odd, a bijection; shingle
                // hashes are already well mixed, so this is the classic multiply-add family.
                *min = (*min).min(s.wrapping_mul(a).wrapping_add(b));
            }
        }
        *pass = minima;
    }
    signature
        .chunks(ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let bytes = std::iter::once(band as u64)
                .chain(rows.iter().copied())
                .flat_map(u64::to_le_bytes);
            i64::from_le_bytes(fnv1a(bytes, 0x5eed).to_le_bytes())
        })
        .collect()
}

/// Exact Jaccard similarity of two shingle sets (0 when both are empty).
#[must_use]
pub fn jaccard(a: &Shingles, b: &Shingles) -> f64 {
    // Both are sorted: count the shared ones in one merge.
    let (mut x, mut y) = (a.iter().peekable(), b.iter().peekable());
    let mut shared = 0;
    while let (Some(&p), Some(&q)) = (x.peek(), y.peek()) {
        match p.cmp(&q) {
            std::cmp::Ordering::Less => {
                x.next();
            }
            std::cmp::Ordering::Greater => {
                y.next();
            }
            std::cmp::Ordering::Equal => {
                shared += 1;
                x.next();
                y.next();
            }
        }
    }
    let union = a.len() + b.len() - shared;
    #[allow(clippy::cast_precision_loss)] // shingle counts are far below 2^52
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &[&str] = &[
        "South Korea said on Tuesday it had formally restored a military intelligence-sharing pact with Japan, the latest step in a rapid thaw between the two allies after years of disputes over wartime history.",
        "The move came days after President Yoon Suk Yeol held a summit in Tokyo with Prime Minister Fumio Kishida, the first such visit by a South Korean leader in 12 years.",
        "Officials in both capitals said further talks on export controls and on the compensation of former forced labourers would follow in the coming months.",
    ];

    #[test]
    fn jaccard_counts_shared_shingles_over_all() {
        let set = |v: &[u64]| Shingles::from_hashes(v.to_vec());
        assert!((jaccard(&set(&[3, 1, 2, 2]), &set(&[4, 2, 3])) - 0.5).abs() < 1e-12);
        assert!((jaccard(&set(&[1, 5, 9]), &set(&[9, 5, 1])) - 1.0).abs() < 1e-12);
        assert!(jaccard(&set(&[1, 2]), &set(&[3, u64::MAX])).abs() < 1e-12);
        assert!(jaccard(&set(&[]), &set(&[])).abs() < 1e-12);
        assert_eq!(set(&[7, 7, 1]).iter().collect::<Vec<_>>(), [1, 7]);
    }

    #[test]
    fn identical_text_shares_every_bucket() {
        let a = shingles(TEXT.iter().copied());
        assert!(a.len() > 50);
        assert_eq!(buckets(&a), buckets(&shingles(TEXT.iter().copied())));
        assert_eq!(buckets(&a).len(), BANDS);
        assert!((jaccard(&a, &a) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn light_edits_stay_similar_and_share_a_bucket() {
        let a = shingles(TEXT.iter().copied());
        let edited: Vec<String> = TEXT
            .iter()
            .map(|p| p.replace("formally", "now").replace("coming", "next"))
            .collect();
        let b = shingles(edited.iter().map(String::as_str));
        let j = jaccard(&a, &b);
        assert!(j > 0.8 && j < 1.0, "{j}");
        let (ba, bb) = (buckets(&a), buckets(&b));
        assert!(ba.iter().zip(&bb).any(|(x, y)| x == y));
    }

    #[test]
    fn different_text_is_dissimilar() {
        let a = shingles(TEXT[..1].iter().copied());
        let b = shingles(TEXT[1..].iter().copied());
        assert!(jaccard(&a, &b) < 0.1);
        assert!(buckets(&shingles(["too short"])).is_empty());
    }

    #[test]
    fn quotes_and_case_do_not_matter() {
        let a = shingles(["“It’s a start,” he said to the reporters outside the ministry."]);
        let b = shingles(["\"it's a start,\" He said to the reporters outside the ministry."]);
        assert!((jaccard(&a, &b) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn ascii_words_hash_as_any_text_does() {
        for word in [
            "Seoul", "U.S.", "It's", "Yoon-Suk", "2024", "--", "", "a1B2", "O'Brien,", "(Tokyo)",
        ] {
            assert_eq!(word_hash(word), word_hash_unicode(word), "{word}");
        }
        assert_eq!(word_hash("--"), None);
        assert_eq!(word_hash("SEOUL"), word_hash("seoul"));
    }

    /// Buckets are stored in `article_lsh`: a new version must compute the same values, or
    /// near-duplicates of articles archived before would never be found. The figures are those
    /// of the first release's code.
    #[test]
    fn buckets_never_change_between_versions() {
        assert_eq!(
            buckets(&shingles(TEXT.iter().copied())),
            [
                -8_022_536_173_871_113_190,
                -6_734_093_300_006_898_568,
                -5_801_333_270_211_976_012,
                9_178_698_879_602_677_907,
                -4_631_481_270_493_977_468,
                2_353_700_756_295_748_026,
                35_432_158_330_593_163,
                -7_807_683_222_925_755_584,
                -4_779_626_942_238_915_409,
                4_681_938_437_225_650_768,
                -8_974_140_720_635_143_960,
                2_558_481_571_756_553_622,
                -3_952_348_354_451_083_132,
                2_462_794_699_535_755_358,
                5_943_424_119_078_543_877,
                -6_678_692_728_229_008_553,
            ]
        );
    }
}
