//! Text measurement for the SVG charts: widths, line breaking and ellipsis, with no font files
//! needed at build or run time.
//!
//! Charts set their text in [`FONT_FAMILY`]. Liberation Sans is metric-compatible with Arial
//! (every glyph has Arial's advance width), and Helvetica-alikes are close, so one table serves
//! the whole stack: the advance widths of Liberation Sans 2.1.5 Regular and Bold in font units
//! (2048 per em), generated with fontTools by `tools/fonts/make_metrics.py` into
//! `text_metrics.rs`. A table, not a font parser, because a chart's layout (wrapped labels,
//! legends, whether a percentage fits inside its segment) is decided before any renderer sees the
//! SVG, and the same numbers must come out on every machine, with or without fonts installed.
//!
//! The table covers ASCII, Latin-1 Supplement, Latin Extended-A and -B, the combining diacritics
//! (advance 0, so decomposed text measures like composed text), General Punctuation (‘ ’ “ ” – —
//! … • ‰, thin and narrow no-break spaces) and a few symbols (€ ™ − ≤ ≥ ≈ ≠ arrows). The rules:
//!
//! - a string's width is the sum of its characters' advances × `size` / 2048;
//! - **kerning and other shaping are ignored**, so a renderer that kerns may draw a label
//!   slightly narrower (rarely wider) than measured;
//! - a character outside the table (CJK, Greek, emoji, …) measures as the **fallback**, the
//!   advance of 'n' in the same face — the usual average letter, though a renderer substitutes
//!   another font for such characters and their real width may differ;
//! - control characters measure 0, and so does the soft hyphen (renderers do not draw it inside
//!   a line).
//!
//! Line breaking ([`wrap`]) and cutting ([`ellipsize`]) never split a grapheme cluster, so an
//! accent stays on its letter.

use unicode_segmentation::UnicodeSegmentation;

use super::text_metrics::{BOLD, BOLD_FALLBACK, REGULAR, REGULAR_FALLBACK, UNITS_PER_EM};

/// The font stack of every chart, as an SVG/CSS `font-family` value. The widths of this module
/// are those of its first font, Liberation Sans, which has Arial's metrics.
pub const FONT_FAMILY: &str = "'Liberation Sans', Arial, Helvetica, sans-serif";

/// The advance of `c` in font units (see the module docs for characters outside the table).
fn advance(c: char, bold: bool) -> u16 {
    if c.is_control() {
        return 0;
    }
    let (table, fallback) = if bold {
        (BOLD, BOLD_FALLBACK)
    } else {
        (REGULAR, REGULAR_FALLBACK)
    };
    match table.binary_search_by_key(&c, |&(ch, _)| ch) {
        Ok(i) => table.get(i).map_or(fallback, |&(_, w)| w),
        Err(_) => fallback,
    }
}

/// The width of `text` in font units. Summed as integers so that a line measured piece by piece
/// and the same line measured whole give the same pixel width, bit for bit.
fn units(text: &str, bold: bool) -> u64 {
    text.chars().map(|c| u64::from(advance(c, bold))).sum()
}

/// Font units to pixels at font size `size` px: the one conversion every function here uses.
fn px(units: u64, size: f64) -> f64 {
    // Exact: a label's units stay far below 2^53.
    units as f64 * size / f64::from(UNITS_PER_EM)
}

/// The width in px of `text` set in Liberation Sans (bold or regular) at font size `size` px:
/// the sum of the characters' advance widths, without kerning. Characters outside the table
/// measure as an 'n'; control characters as nothing (see the module docs).
///
/// ```
/// use doe_democratie::render::text::text_width;
///
/// // 'n' is 1139/2048 em wide in Liberation Sans Regular.
/// assert_eq!(text_width("n", 2048.0, false), 1139.0);
/// assert!(text_width("één", 12.0, true) > text_width("één", 12.0, false));
/// ```
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    px(units(text, bold), size)
}

/// Spaces a line may break at. The no-break spaces (U+00A0, U+2007, U+202F) are whitespace to
/// Unicode but hold their neighbours together, as in "45 %" or "n = 12".
fn is_breaking_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{00A0}' | '\u{2007}' | '\u{202F}')
}

/// Characters a word may break after: hyphen-minus, the Unicode hyphen and the slash.
fn is_break_after(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '/')
}

/// Splits a word after each hyphen or slash that has a letter (or other non-break character)
/// before it in the piece and one after it; a hyphen before a digit stays, since it is a minus
/// sign or a range ("-5", "2013-2014").
fn word_pieces(word: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut has_body = false;
    let mut chars = word.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if !is_break_after(c) {
            has_body = true;
            continue;
        }
        let Some(&(next_i, next)) = chars.peek() else {
            break;
        };
        let before_digit = c != '/' && next.is_ascii_digit();
        if has_body && !is_break_after(next) && !before_digit {
            pieces.push(&word[start..next_i]);
            start = next_i;
            has_body = false;
        }
    }
    pieces.push(&word[start..]);
    pieces
}

/// The lines being filled by [`wrap`].
struct Lines {
    done: Vec<String>,
    line: String,
    line_units: u64,
    space_units: u64,
    max_width: f64,
    size: f64,
    bold: bool,
}

impl Lines {
    fn fits(&self, units: u64) -> bool {
        px(units, self.size) <= self.max_width
    }

    fn break_line(&mut self) {
        self.done.push(std::mem::take(&mut self.line));
        self.line_units = 0;
    }

    /// Adds a piece of a word, after a space when `spaced` (a new word) or glued to the line
    /// (the rest of a word broken after a hyphen or slash).
    fn push(&mut self, piece: &str, spaced: bool) {
        let piece_units = units(piece, self.bold);
        if !self.line.is_empty() {
            let glue = if spaced { self.space_units } else { 0 };
            let joined = self.line_units + glue + piece_units;
            if self.fits(joined) {
                if spaced {
                    self.line.push(' ');
                }
                self.line.push_str(piece);
                self.line_units = joined;
                return;
            }
            self.break_line();
        }
        if self.fits(piece_units) {
            self.line.push_str(piece);
            self.line_units = piece_units;
        } else {
            self.push_by_graphemes(piece);
        }
    }

    /// A piece wider than a whole line: broken between grapheme clusters, a line never empty.
    fn push_by_graphemes(&mut self, piece: &str) {
        for g in piece.graphemes(true) {
            let g_units = units(g, self.bold);
            if !self.line.is_empty() && !self.fits(self.line_units + g_units) {
                self.break_line();
            }
            self.line.push_str(g);
            self.line_units += g_units;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if !self.line.is_empty() {
            self.break_line();
        }
        self.done
    }
}

/// Breaks `text` into lines no wider than `max_width` px at font size `size` px, greedily: each
/// line takes as many words as fit. Lines break at spaces (runs of whitespace collapse to one
/// space, and no line starts or ends with one; no-break spaces hold) and, when the next piece does
/// not fit, after a hyphen or slash inside a word ("doe-" / "democratie"). A word wider than a
/// whole line is broken between characters (grapheme clusters). No line is wider than
/// `max_width`, except a line of one grapheme cluster when even that does not fit. Empty or
/// all-whitespace text gives no lines.
///
/// ```
/// use doe_democratie::render::text::{text_width, wrap};
///
/// let label = "Initiatiefnemers ondersteunen met tijd en deskundigheid";
/// let lines = wrap(label, 170.0, 12.0, false);
/// assert_eq!(lines, ["Initiatiefnemers ondersteunen", "met tijd en deskundigheid"]);
/// assert!(lines.iter().all(|l| text_width(l, 12.0, false) <= 170.0));
/// ```
pub fn wrap(text: &str, max_width: f64, size: f64, bold: bool) -> Vec<String> {
    let mut lines = Lines {
        done: Vec::new(),
        line: String::new(),
        line_units: 0,
        space_units: u64::from(advance(' ', bold)),
        max_width,
        size,
        bold,
    };
    for word in text.split(is_breaking_space).filter(|w| !w.is_empty()) {
        for (k, piece) in word_pieces(word).into_iter().enumerate() {
            lines.push(piece, k == 0);
        }
    }
    lines.finish()
}

/// `text` cut to fit `max_width` px at font size `size` px, ending in '…' where it was cut
/// (trailing whitespace before the '…' is dropped); `text` unchanged when it fits. The cut falls
/// between grapheme clusters. When not even '…' fits, the result is empty.
///
/// ```
/// use doe_democratie::render::text::{ellipsize, text_width};
///
/// assert_eq!(ellipsize("Zeer mee eens", 200.0, 12.0, false), "Zeer mee eens");
/// let cut = ellipsize("Initiatiefnemers ondersteunen", 100.0, 12.0, false);
/// assert_eq!(cut, "Initiatiefnemers…");
/// assert!(text_width(&cut, 12.0, false) <= 100.0);
/// ```
pub fn ellipsize(text: &str, max_width: f64, size: f64, bold: bool) -> String {
    let fits = |units: u64| px(units, size) <= max_width;
    if fits(units(text, bold)) {
        return text.to_owned();
    }
    let ellipsis = u64::from(advance('…', bold));
    if !fits(ellipsis) {
        return String::new();
    }
    // Advances are never negative, so once a prefix is too wide every longer one is too.
    let mut kept = 0;
    let mut prefix_units = 0;
    for (i, g) in text.grapheme_indices(true) {
        prefix_units += units(g, bold);
        if g.chars().all(char::is_whitespace) {
            continue;
        }
        if !fits(prefix_units + ellipsis) {
            break;
        }
        kept = i + g.len();
    }
    let mut out = text.get(..kept).unwrap_or_default().to_owned();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_covers_the_required_characters() {
        for table in [REGULAR, BOLD] {
            assert!(table.windows(2).all(|w| w[0].0 < w[1].0));
            for c in "‘’“”–—…•€‰\u{a0}ĳéÉ".chars() {
                assert!(
                    table.binary_search_by_key(&c, |&(ch, _)| ch).is_ok(),
                    "{c:?}"
                );
            }
        }
    }

    #[test]
    fn pieces_break_after_inner_hyphens_and_slashes_only() {
        assert_eq!(word_pieces("‘doe-democratie’"), ["‘doe-", "democratie’"]);
        assert_eq!(word_pieces("en/of"), ["en/", "of"]);
        assert_eq!(word_pieces("-5"), ["-5"]);
        assert_eq!(word_pieces("2013-2014"), ["2013-2014"]);
        assert_eq!(word_pieces("doe-"), ["doe-"]);
        assert_eq!(word_pieces("a--b"), ["a--", "b"]);
        assert_eq!(word_pieces("/pad/naar"), ["/pad/", "naar"]);
        assert_eq!(word_pieces(""), [""]);
    }

    #[test]
    fn wrap_breaks_after_a_hyphen_when_the_word_does_not_fit() {
        let text = "ruimte voor ‘doe-democratie’";
        let width = text_width("ruimte voor ‘doe-", 12.0, false);
        assert_eq!(
            wrap(text, width, 12.0, false),
            ["ruimte voor ‘doe-", "democratie’"]
        );
    }

    #[test]
    fn wrap_collapses_whitespace_and_keeps_no_break_spaces() {
        assert!(wrap("", 100.0, 12.0, false).is_empty());
        assert!(wrap(" \t\n ", 100.0, 12.0, false).is_empty());
        assert_eq!(wrap("  a \t b\n", 100.0, 12.0, false), ["a b"]);
        let width = text_width("n = 12 45", 12.0, false);
        assert_eq!(
            wrap("n = 12 45\u{a0}%", width, 12.0, false),
            ["n = 12", "45\u{a0}%"]
        );
    }

    #[test]
    fn wrap_breaks_long_words_between_graphemes() {
        let w = text_width("ab", 12.0, false);
        // "e" + combining acute stays one cluster.
        assert_eq!(
            wrap("abe\u{301}e\u{301}", w, 12.0, false),
            ["ab", "e\u{301}e\u{301}"]
        );
        // Narrower than any character: one cluster per line.
        assert_eq!(wrap("abc", 1.0, 12.0, false), ["a", "b", "c"]);
        assert_eq!(wrap("ab", f64::NAN, 12.0, false), ["a", "b"]);
    }

    #[test]
    fn ellipsize_edges() {
        assert_eq!(ellipsize("", 0.0, 12.0, false), "");
        assert_eq!(ellipsize("abc", 0.0, 12.0, false), "");
        let ellipsis = text_width("…", 12.0, false);
        assert_eq!(ellipsize("abc", ellipsis, 12.0, false), "…");
        let w = text_width("ab…", 12.0, false);
        assert_eq!(ellipsize("ab cd", w, 12.0, false), "ab…");
        assert_eq!(ellipsize("ab   cd", w, 12.0, false), "ab…");
    }
}
