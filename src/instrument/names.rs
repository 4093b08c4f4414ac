//! How a cell's text is matched to a level, category or item: by id, label or alias, with case,
//! accents, width and invisible characters ignored.
//!
//! Exports from Excel or a survey tool write `Vaak` for `Vaak, dit is een gangbare praktijk`,
//! `Fryslan` for `Fryslân`, `Wijkmanager` for `wijkmanagers`: the instrument lists such short
//! forms as aliases (`aliases_nl`, `aliases_en`), and every spelling is compared folded.

use std::collections::HashMap;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::{Category, Item, Level, MissingCode, SizeClass};
use crate::error::{Error, Result};

/// Zero-width and invisible characters that make two texts look alike but compare different.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// The form in which names are compared: invisible characters dropped, compatibility forms
/// (full-width letters, ligatures) decomposed, accents removed, lower case, surrounding and
/// repeated inner white space reduced to single spaces. `Fryslân`, `FRYSLAN` and ` fryslan ` all
/// fold to `fryslan`.
///
/// ```
/// use doe_democratie::instrument::fold;
/// assert_eq!(fold("  Fryslân "), "fryslan");
/// assert_eq!(fold("Met  enige\u{200b} regelmaat"), "met enige regelmaat");
/// assert_eq!(fold("ＶＡＡＫ"), "vaak");
/// ```
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text
            .split_ascii_whitespace()
            .fold(String::new(), |mut s, w| {
                if !s.is_empty() {
                    s.push(' ');
                }
                s.extend(w.chars().map(|c| c.to_ascii_lowercase()));
                s
            });
    }
    let bare: String = text
        .chars()
        .filter(|&c| !is_invisible(c))
        .nfkd()
        .filter(|&c| !is_combining_mark(c))
        .flat_map(char::to_lowercase)
        .collect();
    bare.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Something a user may name in a cell: a level, a size class, a category, an item.
pub trait Named {
    /// The stable id.
    fn id(&self) -> &str;
    /// The Dutch labels (label, then short label where there is one), as printed.
    fn labels_nl(&self) -> Vec<&str>;
    /// The English labels, as `labels_nl`.
    fn labels_en(&self) -> Vec<&str>;
    /// The Dutch aliases.
    fn aliases_nl(&self) -> &[String];
    /// The English aliases.
    fn aliases_en(&self) -> &[String];

    /// The labels, Dutch then English.
    fn labels(&self) -> Vec<&str> {
        let mut labels = self.labels_nl();
        labels.extend(self.labels_en());
        labels
    }
    /// The aliases, Dutch then English.
    fn aliases(&self) -> Vec<&str> {
        self.aliases_nl()
            .iter()
            .chain(self.aliases_en())
            .map(String::as_str)
            .collect()
    }
    /// Every name besides the id: the labels, then the aliases.
    fn names(&self) -> Vec<&str> {
        let mut names = self.labels();
        names.extend(self.aliases());
        names
    }
    /// What a user may type, for messages: the Dutch labels, then the Dutch aliases.
    fn typed_nl(&self) -> Vec<&str> {
        let mut typed = self.labels_nl();
        typed.extend(self.aliases_nl().iter().map(String::as_str));
        typed
    }
}

/// Every named part of an instrument has `id`, `label_nl`, `label_en`, `aliases_nl` and
/// `aliases_en`; `$short` adds the short labels a type has (an item's chart label, which is
/// often a spreadsheet's column header).
macro_rules! named {
    ($t:ty $(, $short_nl:ident, $short_en:ident)?) => {
        impl Named for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn labels_nl(&self) -> Vec<&str> {
                #[allow(unused_mut)]
                let mut labels = vec![self.label_nl.as_str()];
                $(labels.extend(self.$short_nl.as_deref());)?
                labels
            }
            fn labels_en(&self) -> Vec<&str> {
                #[allow(unused_mut)]
                let mut labels = vec![self.label_en.as_str()];
                $(labels.extend(self.$short_en.as_deref());)?
                labels
            }
            fn aliases_nl(&self) -> &[String] {
                &self.aliases_nl
            }
            fn aliases_en(&self) -> &[String] {
                &self.aliases_en
            }
        }
    };
}

named!(Level);
named!(SizeClass);
named!(Category);
named!(MissingCode);
named!(Item, short_label_nl, short_label_en);

/// Finds a level by id, label or alias, compared [`fold`]ed. Ids are matched first: when one
/// level's label is another level's id, the id wins, so the id a survey stores reads back as
/// the same level.
pub fn find_named<T: Named>(levels: &[T], text: &str) -> Option<usize> {
    let key = fold(text);
    if key.is_empty() {
        return None;
    }
    levels.iter().position(|l| fold(l.id()) == key).or_else(|| {
        levels
            .iter()
            .position(|l| l.names().into_iter().any(|n| fold(n) == key))
    })
}

/// Every alias of `levels` names one of them only: an alias that folds to another level's id,
/// label or alias is refused, naming both. `at` locates the list in the instrument.
pub(crate) fn check_aliases<T: Named>(at: &str, levels: &[T]) -> Result<()> {
    // Ids and labels first, so an alias listed early cannot claim a later level's label.
    let mut owner: HashMap<String, &str> = HashMap::new();
    for l in levels {
        for name in std::iter::once(l.id()).chain(l.labels()) {
            owner.entry(fold(name)).or_insert(l.id());
        }
    }
    for l in levels {
        for alias in l.aliases() {
            let key = fold(alias);
            if key.is_empty() {
                return Err(Error::instrument(
                    format!("{at}[{}]", l.id()),
                    "empty alias",
                ));
            }
            match owner.entry(key).or_insert(l.id()) {
                &mut other if other != l.id() => {
                    return Err(Error::instrument(
                        format!("{at}[{}]", l.id()),
                        format!(
                            "alias '{alias}' is ambiguous: it also names '{other}' \
                             (names are compared ignoring case and accents)"
                        ),
                    ))
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// What the user may type for `levels`, for a message: `'gemeentesecretaris' (municipal_secretary),
/// 'wijkmanagers' or 'Wijkmanager' (district_manager), …`.
pub(crate) fn typed_names<T: Named>(levels: &[T]) -> String {
    levels
        .iter()
        .map(|l| {
            let typed: Vec<String> = l.typed_nl().iter().map(|n| format!("'{n}'")).collect();
            format!("{} ({})", typed.join(" or "), l.id())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_accents_width_and_invisible_characters() {
        assert_eq!(fold("Fryslân"), "fryslan");
        assert_eq!(fold("FRYSLÂN"), "fryslan");
        assert_eq!(fold("Frysla\u{0302}n"), "fryslan");
        assert_eq!(fold("ＧＭ０００１"), "gm0001");
        assert_eq!(fold("Vaak\u{00ad}"), "vaak");
        assert_eq!(
            fold("\tSoms,  op beperkte schaal "),
            "soms, op beperkte schaal"
        );
        assert_eq!(fold(""), "");
        assert_eq!(fold("   "), "");
    }
}
