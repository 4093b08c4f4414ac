//! The encoding of an instrument file: UTF-8, or an error that says where the first byte that is
//! not UTF-8 is and which encoding to convert from.
//!
//! The respondent-data readers have their own check (`data::decode_utf8`, sharing the guess of
//! the encoding), which reports a validation problem; an instrument is no respondent data and the
//! instrument layer does not depend on the data layer.

use crate::error::{Error, Result};

/// The text of an instrument file, or [`Error::InstrumentFormat`] naming `source_name`, the line
/// and column of the first bad byte, its offset and the encoding it looks like. A UTF-8
/// byte-order mark is left in place (the JSON reader drops it).
pub(super) fn decode<'a>(bytes: &'a [u8], source_name: &str) -> Result<&'a str> {
    let refuse = |at: usize, message: String| {
        let (line, column) = position(bytes, at);
        Err(Error::InstrumentFormat {
            source_name: source_name.to_string(),
            line,
            column,
            message,
        })
    };
    let little = bytes.starts_with(&[0xFF, 0xFE]);
    if little || bytes.starts_with(&[0xFE, 0xFF]) {
        let endian = if little { "little" } else { "big" };
        return refuse(
            0,
            format!(
                "the file is UTF-16 ({endian} endian, as Windows 'Unicode' text is saved); \
                 convert it from UTF-16 to UTF-8"
            ),
        );
    }
    // JSON never contains a NUL byte (not even escaped in a string), but UTF-16 without a
    // byte-order mark has one beside every ASCII character, and is otherwise valid UTF-8.
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return refuse(
            at,
            format!(
                "the file is not UTF-8 JSON (a NUL byte at offset {at}); it looks like UTF-16 \
                 without a byte-order mark; convert it from UTF-16 to UTF-8"
            ),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.valid_up_to();
            let byte = bytes.get(at).copied().unwrap_or_default();
            refuse(
                at,
                format!(
                    "the file is not UTF-8 (byte 0x{byte:02X} at offset {at}); {}",
                    guess_encoding(bytes)
                ),
            )
        }
    }
}

/// 1-based line and column (in bytes, like serde_json's) of byte offset `at`.
fn position(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = bytes.get(..at).unwrap_or(bytes);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, at - line_start + 1)
}

/// Which encoding to convert from, guessed from the bytes of a file that is not UTF-8; shared
/// with the respondent-data readers.
pub(crate) fn guess_encoding(bytes: &[u8]) -> &'static str {
    // Bytes 0x80–0x9F are control characters in ISO-8859-1 but letters and punctuation in
    // Windows-1252 (curly quotes, €), which is what Dutch Excel on Windows writes.
    if bytes.iter().any(|b| (0x80..=0x9f).contains(b)) {
        "it looks like Windows-1252 (Excel on Windows); convert it from Windows-1252 to UTF-8"
    } else if bytes.iter().any(|&b| b >= 0xa0) {
        "it looks like ISO-8859-1 (Latin-1) or Windows-1252; convert it from that to UTF-8"
    } else {
        "convert it to UTF-8"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_bytes() {
        assert_eq!(position(b"abc", 0), (1, 1));
        assert_eq!(position(b"a\nbc", 3), (2, 2));
        assert_eq!(position(b"a\n", 2), (2, 1));
    }

    #[test]
    fn utf8_with_a_byte_order_mark_passes_through() {
        assert_eq!(decode(b"\xef\xbb\xbf{}", "x").unwrap(), "\u{feff}{}");
    }
}
