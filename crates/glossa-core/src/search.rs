//! Text search that ignores case and accents, whose hits are byte ranges of the original text,
//! so they can be tagged directly even where folding changes a character's length (İ, ẞ, Ω…)
//! or drops it (a combining accent).

use crate::fold_table::LETTERS;
use crate::offsets::on_grapheme_boundary;
use std::ops::Range;

/// Folds one character for matching: lower-cased, and without its accents, so "jose alvarez"
/// finds "José Álvarez" (precomposed or with combining accents), "lodz" finds "Łódź" and
/// "αθηνα" finds "Αθήνα". Always to at most one character, so the folded text lines up with
/// the original. Final sigma is folded with sigma, so ΟΔΟΣ finds "οδος" and "οδοσ" alike;
/// dotted İ folds to a plain i, so "istanbul" finds "İstanbul". Combining accents (and Arabic
/// vowel marks) fold to nothing. Letters that are letters of their own in their script
/// (Cyrillic й, Devanagari vowel signs) and ß (two letters in "ss") are left as they are.
fn fold(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    if ignored_mark(c) {
        return None;
    }
    let plain = u16::try_from(u32::from(c))
        .ok()
        .and_then(|code| LETTERS.binary_search_by_key(&code, |&(from, _)| from).ok())
        .and_then(|i| char::from_u32(u32::from(LETTERS[i].1)));
    if let Some(plain) = plain {
        return Some(plain);
    }
    let mut lower = c.to_lowercase();
    Some(match (lower.next(), lower.next()) {
        (Some('ς'), None) => 'σ',
        (Some(one), None) => one,
        // Should Unicode add another multi-character lower case, leave that letter as it is.
        _ => c,
    })
}

/// Combining accents (Latin, Greek; the Combining Diacritical Marks blocks) and Arabic
/// harakat, which search ignores.
fn ignored_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}')
}

/// `s` as search compares it: each character folded (see `fold`). Its length in bytes may
/// differ from `s`'s; [`find_all`] maps offsets back.
pub fn fold_str(s: &str) -> String {
    s.chars().filter_map(fold).collect()
}

/// Every occurrence of `query` in `text`, ignoring case and accents, left to right and not
/// overlapping, as **UTF-8 byte** ranges of `text`. A hit starts and ends on whole characters
/// of the original text and never splits a grapheme cluster: "e" finds "e\u{301}" whole, with
/// its accent. An empty query finds nothing.
pub fn find_all(text: &str, query: &str) -> Vec<Range<usize>> {
    let needle = fold_str(query);
    if needle.is_empty() {
        return Vec::new();
    }
    // The folded text has the original's characters one for one, except that some change
    // length and accents go. Keep (folded, original) offset pairs after each such character;
    // between two of them both texts advance alike. The last pair at a folded offset is past
    // any accents there, so a hit's end takes in its accents and a start skips them.
    let mut folded = String::with_capacity(text.len());
    let mut shifts: Vec<(usize, usize)> = vec![(0, 0)];
    for (at, c) in text.char_indices() {
        let f = fold(c);
        if let Some(f) = f {
            folded.push(f);
        }
        if f.map(char::len_utf8) != Some(c.len_utf8()) {
            shifts.push((folded.len(), at + c.len_utf8()));
        }
    }
    let original = |f: usize| {
        let (folded_at, at) = shifts[shifts.partition_point(|&(fo, _)| fo <= f) - 1];
        at + (f - folded_at)
    };

    let mut hits = Vec::new();
    let mut from = 0;
    while let Some(found) = folded[from..].find(&needle) {
        let (fs, fe) = (from + found, from + found + needle.len());
        let (s, e) = (original(fs), original(fe));
        if on_grapheme_boundary(text, s) && on_grapheme_boundary(text, e) {
            hits.push(s..e);
            from = fe;
        } else {
            // It splits a grapheme: look again one character on.
            from = fs + folded[fs..].chars().next().map_or(1, char::len_utf8);
        }
    }
    hits
}

/// The hits that are whole words: no letter or digit (or a combining mark on one) right
/// before or after, so "US" finds "the US" and not "discussions". In scripts written without
/// spaces (Chinese, Japanese) a hit is rarely a whole word in this sense.
pub fn whole_words(text: &str, hits: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let word_char = |c: Option<char>| c.is_some_and(word_char);
    hits.into_iter()
        .filter(|h| {
            !word_char(text[..h.start].chars().next_back())
                && !word_char(text[h.end..].chars().next())
        })
        .collect()
}

/// A character of a word, for whole-word search and for hyphenated words when snapping: a
/// letter, a digit, or a combining mark on one.
pub(crate) fn word_char(c: char) -> bool {
    c.is_alphanumeric() || ignored_mark(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_leave_out_hits_inside_words() {
        let text = "The US and discussions; US-led, “US” USA e\u{301}US";
        let all = find_all(text, "us");
        assert_eq!(all.len(), 6);
        let whole: Vec<&str> = whole_words(text, all)
            .into_iter()
            .map(|h| &text[h])
            .collect();
        assert_eq!(whole, ["US", "US", "US"]);
    }

    #[test]
    fn finds_every_hit_ignoring_case() {
        let text = "Qatar said QATAR and qatar.";
        let hits = find_all(text, "qAtAr");
        assert_eq!(hits, vec![0..5, 11..16, 21..26]);
        assert!(find_all(text, "").is_empty());
        assert!(find_all(text, "Doha").is_empty());
        // Not overlapping: "aa" in "aaa" is one hit.
        assert_eq!(find_all("aaa", "AA"), vec![0..2]);
    }

    #[test]
    fn offsets_stay_right_when_case_changes_a_length() {
        // The Kelvin sign and capital sharp s (3 bytes) lower-case to 1 and 2 bytes; the hits
        // after them must not shift.
        let text = "\u{212a}elvin ẞ ÉTÉ été İstanbul";
        let hits = find_all(text, "été");
        assert_eq!(hits.len(), 2);
        for h in &hits {
            assert_eq!(text[h.clone()].to_lowercase(), "été");
        }
        assert_eq!(find_all(text, "kelvin"), vec![0..8]);
        assert_eq!(&text[find_all(text, "ß")[0].clone()], "ẞ");
        let h = find_all(text, "ISTANBUL")[0].clone();
        assert_eq!(&text[h], "İstanbul");
        assert_eq!(find_all(text, "İSTANBUL"), find_all(text, "istanbul"));
        // Greek final sigma.
        assert_eq!(find_all("ΟΔΟΣ οδος", "οδοσ").len(), 2);
    }

    #[test]
    fn never_splits_a_grapheme() {
        let text = "cafe\u{301} cafe 👨‍👩‍👧 👩";
        let hits = find_all(text, "cafe");
        // The first "cafe" is found with its accent, whole.
        assert_eq!(hits, vec![0..6, 7..11]);
        let women = find_all(text, "👩");
        assert_eq!(women.len(), 1);
        assert_eq!(women[0].end, text.len());
        // Arabic and CJK match as written.
        let text = "قال الوزير 中文";
        let at = text.find("中文").unwrap();
        assert_eq!(find_all(text, "中文"), vec![at..at + 6]);
        assert_eq!(find_all(text, "الوزير").len(), 1);
    }

    #[test]
    fn accents_are_ignored_both_ways_precomposed_or_combining() {
        let text = "José Álvarez met Jose\u{301} Alvarez in Łódź; Søren, Nguyễn, Αθήνα, ΆΘΗΝΑ.";
        let quotes = |query: &str| -> Vec<&str> {
            find_all(text, query)
                .into_iter()
                .map(|h| &text[h])
                .collect()
        };
        assert_eq!(
            quotes("jose alvarez"),
            ["José Álvarez", "Jose\u{301} Alvarez"]
        );
        assert_eq!(quotes("JOSÉ"), ["José", "Jose\u{301}"]);
        assert_eq!(quotes("jose\u{301}"), ["José", "Jose\u{301}"]);
        assert_eq!(quotes("lodz"), ["Łódź"]);
        assert_eq!(quotes("soren"), ["Søren"]);
        assert_eq!(quotes("nguyen"), ["Nguyễn"]);
        assert_eq!(quotes("αθηνα"), ["Αθήνα", "ΆΘΗΝΑ"]);
        // A query of accents alone finds nothing.
        assert!(find_all(text, "\u{301}").is_empty());
        // Arabic vowel marks are ignored; letters of their own stay apart.
        assert_eq!(find_all("قَالَ قال", "قال").len(), 2);
        assert!(find_all("йод", "иод").is_empty());
        assert!(find_all("straße", "strasse").is_empty());
    }

    #[test]
    fn the_fold_table_is_sorted_and_folds_to_plain_lower_case() {
        assert!(LETTERS.windows(2).all(|w| w[0].0 < w[1].0));
        for &(from, to) in &LETTERS {
            let (from, to) = (
                char::from_u32(from.into()).unwrap(),
                char::from_u32(to.into()).unwrap(),
            );
            assert_eq!(
                fold(to),
                Some(to),
                "{from} folds to {to}, which folds again"
            );
            assert!(to.is_lowercase() || !to.is_alphabetic(), "{from} → {to}");
        }
    }
}
