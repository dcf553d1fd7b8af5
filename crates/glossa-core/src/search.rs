//! Case-insensitive text search whose hits are byte ranges of the original text, so they can be
//! tagged directly even where lower-casing changes a character's length (İ, ẞ, Ω…).

use std::ops::Range;
use unicode_segmentation::GraphemeCursor;

/// Lower-cases one character for matching, always to exactly one character so that the folded
/// text's characters line up one to one with the original's. Final sigma is folded with sigma,
/// so ΟΔΟΣ finds "οδος" and "οδοσ" alike; dotted İ (the one letter whose lower case is two
/// characters) is folded to a plain i, so "istanbul" finds "İstanbul".
fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c == 'İ' {
        return 'i';
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some('ς'), None) => 'σ',
        (Some(one), None) => one,
        // Should Unicode add another multi-character lower case, leave that letter as it is.
        _ => c,
    }
}

/// `s` as search compares it: each character lower-cased (see `fold`). Its length in bytes
/// may differ from `s`'s; [`find_all`] maps offsets back.
pub fn fold_str(s: &str) -> String {
    s.chars().map(fold).collect()
}

/// True when `at` does not split a grapheme cluster of `text` (an emoji, a flag, a letter with
/// its combining marks).
fn on_grapheme_boundary(text: &str, at: usize) -> bool {
    GraphemeCursor::new(at, text.len(), true)
        .is_boundary(text, 0)
        .unwrap_or(false)
}

/// Every occurrence of `query` in `text`, ignoring case, left to right and not overlapping, as
/// **UTF-8 byte** ranges of `text`. A hit starts and ends on whole characters of the original
/// text and never splits a grapheme cluster, so "e" does not match the "e" of "e\u{301}".
/// An empty query finds nothing.
pub fn find_all(text: &str, query: &str) -> Vec<Range<usize>> {
    let needle = fold_str(query);
    if needle.is_empty() {
        return Vec::new();
    }
    // The folded text has the original's characters one for one, but some change length. Keep
    // (folded, original) offset pairs where the lengths start to differ; between two of them
    // both texts advance alike.
    let mut folded = String::with_capacity(text.len());
    let mut shifts: Vec<(usize, usize)> = vec![(0, 0)];
    for (at, c) in text.char_indices() {
        let f = fold(c);
        folded.push(f);
        if f.len_utf8() != c.len_utf8() {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(hits, vec![7..11]);
        let women = find_all(text, "👩");
        assert_eq!(women.len(), 1);
        assert_eq!(women[0].end, text.len());
        // Arabic and CJK match as written.
        let text = "قال الوزير 中文";
        let at = text.find("中文").unwrap();
        assert_eq!(find_all(text, "中文"), vec![at..at + 6]);
        assert_eq!(find_all(text, "الوزير").len(), 1);
    }
}
