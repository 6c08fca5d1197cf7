//! SHA-256 content hashes, shown as lowercase hex.

use std::fmt;

use sha2::{Digest, Sha256};

/// A SHA-256 digest. `Display` gives the 64-character lowercase hex form stored in the archive.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    /// Hash bytes.
    #[must_use]
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// Hash a sequence of parts, each followed by a newline (so `["ab"]` and `["a", "b"]` differ).
    #[must_use]
    pub fn of_lines<'a>(parts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part.as_bytes());
            hasher.update(b"\n");
        }
        Self(hasher.finalize().into())
    }

    /// The first 64 bits as a signed integer (big-endian), for compact keys.
    #[must_use]
    pub fn prefix_i64(&self) -> i64 {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(&self.0[..8]);
        i64::from_be_bytes(bytes)
    }

    /// The lowercase hex form.
    #[must_use]
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not `write!` per byte: the writer formats a hash for every paragraph and document
        // lookup, and thirty-two trips through the formatter were 3% of its instructions.
        let mut hex = [0u8; 64];
        hex::encode_to_slice(self.0, &mut hex).map_err(|_| fmt::Error)?;
        f.write_str(std::str::from_utf8(&hex).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        assert_eq!(
            ContentHash::of(b"").hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            ContentHash::of(b"abc").hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(ContentHash::of_lines(["abc"]), ContentHash::of(b"abc\n"));
        assert_ne!(
            ContentHash::of_lines(["ab"]),
            ContentHash::of_lines(["a", "b"])
        );
    }
}
