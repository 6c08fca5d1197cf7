//! A page's bytes to text: by its byte-order mark, else as UTF-8 when the bytes are valid UTF-8,
//! else by the charset it declares (`<meta charset>` or `http-equiv` in its first 1,024 bytes,
//! as browsers prescan), else by detection ([`chardetng`], Firefox's detector).
//!
//! Valid UTF-8 is taken before a declared legacy charset: text in Windows-1251, EUC-KR or
//! `Shift_JIS` with any byte over 127 is almost never valid UTF-8, while pages re-saved as UTF-8
//! that still declare their old charset are common, and reading those by the declaration turns
//! every accented letter into two wrong ones.
//!
//! Bytes that are invalid in the chosen charset become U+FFFD and are counted, so the caller can
//! say so; the page is still read. Decoding is by `encoding_rs`, the WHATWG Encoding Standard.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

/// How a page's charset was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// A byte-order mark.
    Bom,
    /// The bytes are valid UTF-8.
    Utf8,
    /// `<meta charset>` or `<meta http-equiv="Content-Type">`.
    Declared,
    /// Guessed from the bytes.
    Detected,
}

/// A decoded page.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text (borrowed when the bytes were valid UTF-8 as they stand).
    pub text: Cow<'a, str>,
    /// The charset it was read in.
    pub encoding: &'static Encoding,
    /// How that charset was chosen.
    pub basis: Basis,
    /// Whether some bytes were invalid in that charset (replaced by U+FFFD).
    pub malformed: bool,
}

/// Decode a page's bytes (see the module docs for the order of evidence).
#[must_use]
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        let (text, malformed) = encoding.decode_with_bom_removal(bytes);
        // Keep the BOM out of the text but the text otherwise whole: a UTF-8 page with a BOM
        // is borrowed as it stands (its BOM then leads the text, as in text input).
        let text = match (encoding == UTF_8, std::str::from_utf8(bytes)) {
            (true, Ok(whole)) => Cow::Borrowed(whole),
            _ => text,
        };
        return Decoded {
            text,
            encoding,
            basis: Basis::Bom,
            malformed,
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding: UTF_8,
            basis: Basis::Utf8,
            malformed: false,
        };
    }
    let (encoding, basis) = match prescan(bytes) {
        Some(declared) => (declared, Basis::Declared),
        None => {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
            detector.feed(bytes, true);
            (
                detector.guess(None, chardetng::Utf8Detection::Allow),
                Basis::Detected,
            )
        }
    };
    let (text, malformed) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text,
        encoding,
        basis,
        malformed,
    }
}

/// The charset a page declares in its first 1,024 bytes: `<meta charset=X>` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=X">`. A declared UTF-16 means
/// UTF-8 (the bytes were not UTF-16, or a BOM would have said so), as the standard says.
fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower = head.to_ascii_lowercase();
    let mut at = 0;
    while let Some(found) = memchr::memmem::find(&lower[at..], b"<meta") {
        let start = at + found + 5;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(label) = charset_in(tag)
            && let Some(encoding) = Encoding::for_label(label)
        {
            return Some(encoding.output_encoding());
        }
        at = end;
    }
    None
}

/// The value after `charset=` in a `<meta …>` tag's bytes (lowercase), quotes and spaces off.
fn charset_in(tag: &[u8]) -> Option<&[u8]> {
    let at = memchr::memmem::find(tag, b"charset")?;
    let rest = tag[at + 7..].trim_ascii_start();
    let rest = rest.strip_prefix(b"=")?.trim_ascii_start();
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(charset: &str, body: &[u8]) -> Vec<u8> {
        let mut page =
            format!("<html><head><meta charset=\"{charset}\"></head><body><p>").into_bytes();
        page.extend_from_slice(body);
        page.extend_from_slice(b"</p></body></html>");
        page
    }

    #[test]
    fn legacy_charsets_are_read_by_their_declaration() {
        let (cyrillic, _, _) = encoding_rs::WINDOWS_1251.encode("Москва и Киев");
        let bytes = page("windows-1251", &cyrillic);
        let decoded = decode(&bytes);
        assert_eq!(decoded.encoding, encoding_rs::WINDOWS_1251);
        assert_eq!(decoded.basis, Basis::Declared);
        assert!(decoded.text.contains("Москва и Киев"));

        let (korean, _, _) = encoding_rs::EUC_KR.encode("서울과 도쿄");
        let bytes = page("euc-kr", &korean);
        let decoded = decode(&bytes);
        assert!(decoded.text.contains("서울과 도쿄"));

        let (japanese, _, _) = encoding_rs::SHIFT_JIS.encode("東京と大阪の会談");
        let http_equiv = [
            b"<meta http-equiv='Content-Type' content='text/html; charset=Shift_JIS'><p>"
                .as_slice(),
            &japanese,
        ]
        .concat();
        let decoded = decode(&http_equiv);
        assert_eq!(decoded.encoding, encoding_rs::SHIFT_JIS);
        assert!(decoded.text.contains("東京と大阪の会談"));
        assert!(!decoded.malformed);
    }

    #[test]
    fn undeclared_legacy_text_is_detected() {
        let (cyrillic, _, _) = encoding_rs::WINDOWS_1251
            .encode("Правительство объявило о новых переговорах с соседними странами.");
        let bytes = [b"<p>".as_slice(), &cyrillic].concat();
        let decoded = decode(&bytes);
        assert_eq!(decoded.basis, Basis::Detected);
        assert!(decoded.text.contains("Правительство"));
    }

    #[test]
    fn valid_utf8_wins_over_a_stale_declaration_and_a_bom_is_honoured() {
        let bytes = page("iso-8859-1", "Zürich".as_bytes());
        let decoded = decode(&bytes);
        assert_eq!((decoded.encoding, decoded.basis), (UTF_8, Basis::Utf8));
        assert!(matches!(decoded.text, Cow::Borrowed(_)));

        let mut bom = vec![0xFF, 0xFE];
        for unit in "<p>Zürich</p>".encode_utf16() {
            bom.extend_from_slice(&unit.to_le_bytes());
        }
        let decoded = decode(&bom);
        assert_eq!(decoded.basis, Basis::Bom);
        assert_eq!(decoded.text, "<p>Zürich</p>");
    }

    #[test]
    fn invalid_bytes_are_replaced_and_reported() {
        let bytes = page("shift_jis", b"\x82\xa0 ok \x85\xff");
        let decoded = decode(&bytes);
        assert!(decoded.malformed);
        assert!(decoded.text.contains('\u{fffd}'));
    }
}
