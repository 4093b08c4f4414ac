//! Texts and ids of a LimeSurvey structure as the instrument needs them: HTML removed, codes
//! made into ids that follow the instrument's rules.

use std::collections::HashSet;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// A LimeSurvey text (HTML allowed) as a label: tags dropped, the common character references
/// decoded, runs of white space made one space. `a < b` stays as written: only `<` followed by a
/// letter, `/` or `!` opens a tag.
pub(super) fn clean(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        let opens_tag = c == '<'
            && after
                .chars()
                .next()
                .is_some_and(|n| n.is_ascii_alphabetic() || n == '/' || n == '!');
        if opens_tag {
            if let Some(end) = after.find('>') {
                out.push(' ');
                rest = &after[end + 1..];
                continue;
            }
        }
        if c == '&' {
            if let Some((decoded, len)) = entity(after) {
                out.push(decoded);
                rest = &after[len..];
                continue;
            }
        }
        out.push(c);
        rest = after;
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The character of a reference such as `amp;` or `#233;` at the start of `text`, and its length.
fn entity(text: &str) -> Option<(char, usize)> {
    let (end, _) = text.char_indices().take(12).find(|(_, c)| *c == ';')?;
    let name = text.get(..end)?;
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "#39" => '\'',
        "nbsp" => ' ',
        _ => {
            let number = name.strip_prefix('#')?;
            let value = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(value)?
        }
    };
    Some((decoded, end + 1))
}

/// A LimeSurvey code as an id: lower case, every character other than `a`–`z`, `0`–`9` and `_`
/// made `_` (LimeSurvey codes are letters and digits, so this rarely changes more than case).
pub(super) fn id_of(code: &str) -> String {
    code.trim()
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `id` made unique among `used` (`id`, `id_2`, `id_3`, …) and recorded there; an empty id
/// becomes `fallback` first.
pub(super) fn unique(id: String, fallback: &str, used: &mut HashSet<String>) -> String {
    let base = if id.is_empty() {
        fallback.to_string()
    } else {
        id
    };
    let mut candidate = base.clone();
    let mut n = 1;
    while used.contains(&candidate) {
        n += 1;
        candidate = format!("{base}_{n}");
    }
    used.insert(candidate.clone());
    candidate
}

/// The form in which two names of one scale would be read as the same: accents, case, white
/// space and punctuation dropped. Stricter than the instrument's own comparison, so a scale
/// whose names differ here is never refused for two names that read alike.
pub(super) fn key(text: &str) -> String {
    text.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The number a cell holding `text` would be read as (digits, optionally `.` and zeros), if any.
pub(super) fn as_number(text: &str) -> Option<u64> {
    let t = text.trim();
    let (whole, zeros) = match t.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (t, None),
    };
    let digits = !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit());
    let zeros = zeros.is_none_or(|z| !z.is_empty() && z.bytes().all(|b| b == b'0'));
    (digits && zeros).then(|| whole.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_reduced_to_its_text() {
        assert_eq!(
            clean("<p>Hoe vaak&nbsp;zet u <b>dit</b> in?</p>\n<br />"),
            "Hoe vaak zet u dit in?"
        );
        assert_eq!(
            clean("a < b &amp; c &#233;&#xE9; &bogus;"),
            "a < b & c éé &bogus;"
        );
    }

    #[test]
    fn codes_become_unique_ids() {
        let mut used = HashSet::new();
        assert_eq!(unique(id_of("Q1"), "q", &mut used), "q1");
        assert_eq!(unique(id_of("q1"), "q", &mut used), "q1_2");
        assert_eq!(unique(id_of("-oth-"), "q", &mut used), "_oth_");
        assert_eq!(unique(String::new(), "q", &mut used), "q");
    }

    #[test]
    fn numbers_as_a_cell_reads_them() {
        assert_eq!(as_number("7"), Some(7));
        assert_eq!(as_number("7.00"), Some(7));
        assert_eq!(as_number("7."), None);
        assert_eq!(as_number("7a"), None);
        assert_eq!(key("Weet  niet!"), key("weet niet"));
    }
}
