//! Offsets in every unit, converted in one place.
//!
//! Inside the core every offset is a **UTF-8 byte** offset into the document text, always on a
//! code point boundary, so `&text[start..end]` is the quote. The edges speak other units: the DOM
//! gives UTF-16 code units; W3C, spaCy, brat and Label Studio count code points; doccano counts
//! UTF-16. [`TextIndex`] converts between them exactly, and refuses offsets that fall inside a
//! code point or a surrogate pair.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use unicode_segmentation::UnicodeSegmentation;

/// A unit in which an offset into a text is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// UTF-8 bytes: Rust strings, the core's own unit.
    Utf8,
    /// UTF-16 code units: the DOM, JavaScript strings, doccano.
    Utf16,
    /// Unicode code points: W3C Web Annotation, spaCy/Prodigy, brat, Label Studio.
    CodePoint,
}

impl Unit {
    /// Every unit, for tests and exports that write all of them.
    pub const ALL: [Unit; 3] = [Unit::Utf8, Unit::Utf16, Unit::CodePoint];

    /// How many of this unit one character takes.
    fn width(self, c: char) -> usize {
        match self {
            Unit::Utf8 => c.len_utf8(),
            Unit::Utf16 => c.len_utf16(),
            Unit::CodePoint => 1,
        }
    }

    /// The name used in files and messages.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Utf8 => "utf-8 bytes",
            Unit::Utf16 => "utf-16 code units",
            Unit::CodePoint => "unicode code points",
        }
    }
}

/// Why an offset could not be converted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OffsetError {
    /// The offset lies past the end of the text.
    OutOfRange {
        offset: usize,
        len: usize,
        unit: Unit,
    },
    /// The offset falls inside a code point (or inside a UTF-16 surrogate pair).
    InsideCharacter { offset: usize, unit: Unit },
}

impl fmt::Display for OffsetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OffsetError::OutOfRange { offset, len, unit } => write!(
                f,
                "offset {offset} is past the end of the text ({len} {})",
                unit.name()
            ),
            OffsetError::InsideCharacter { offset, unit } => write!(
                f,
                "offset {offset} ({}) falls inside a character",
                unit.name()
            ),
        }
    }
}

impl std::error::Error for OffsetError {}

/// Every `STRIDE` code points the index keeps the offset in all three units, so a conversion
/// is a binary search plus a walk of at most `STRIDE` characters.
const STRIDE: usize = 64;

/// One checkpoint: the same position counted in each unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Mark {
    utf8: usize,
    utf16: usize,
    code_point: usize,
}

impl Mark {
    fn get(&self, unit: Unit) -> usize {
        match unit {
            Unit::Utf8 => self.utf8,
            Unit::Utf16 => self.utf16,
            Unit::CodePoint => self.code_point,
        }
    }

    fn advance(&mut self, c: char) {
        self.utf8 += c.len_utf8();
        self.utf16 += c.len_utf16();
        self.code_point += 1;
    }

    /// This mark moved over `bytes`, whole characters of UTF-8, counted by their first bytes.
    fn past(mut self, bytes: &[u8]) -> Self {
        self.utf8 += bytes.len();
        for &byte in bytes {
            if starts_char(byte) {
                self.code_point += 1;
                self.utf16 += utf16_width(byte);
            }
        }
        self
    }
}

/// True for a byte that starts a character: continuation bytes are 0b10xx_xxxx, -64 and up as
/// an i8 is any other.
fn starts_char(byte: u8) -> bool {
    (byte as i8) >= -0x40
}

/// UTF-16 code units of the character that starts with `byte`: two from four bytes (0xF0 on).
fn utf16_width(first: u8) -> usize {
    1 + usize::from(first >= 0xF0)
}

/// The checkpoints of one text, kept apart from the text so a caller can build them once and
/// keep them as long as the text does not change (a document's text never does).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMarks {
    marks: Vec<Mark>,
    end: Mark,
}

impl OffsetMarks {
    /// Walks `text` once (O(n)), by bytes rather than decoded characters: a character starts
    /// at each byte that does not continue one, and takes two UTF-16 units if it starts with
    /// 0xF0 or more (four bytes). The 1 MB text is indexed at each open.
    pub fn new(text: &str) -> Self {
        let mut marks = Vec::with_capacity(text.len() / STRIDE + 1);
        let (mut utf16, mut code_point) = (0, 0);
        for (utf8, &byte) in text.as_bytes().iter().enumerate() {
            if starts_char(byte) {
                if code_point % STRIDE == 0 {
                    marks.push(Mark {
                        utf8,
                        utf16,
                        code_point,
                    });
                }
                code_point += 1;
                utf16 += utf16_width(byte);
            }
        }
        let end = Mark {
            utf8: text.len(),
            utf16,
            code_point,
        };
        if marks.is_empty() {
            marks.push(end);
        }
        OffsetMarks { marks, end }
    }

    /// An index over `text`, which must be the text these marks were built from.
    pub fn index<'a>(&'a self, text: &'a str) -> TextIndex<'a> {
        debug_assert_eq!(text.len(), self.end.utf8, "marks of another text");
        TextIndex {
            text,
            marks: Cow::Borrowed(self),
        }
    }
}

/// Converts offsets into one text between units. Build it once per text (O(n)); each
/// conversion is then O(log n + 64).
#[derive(Clone, Debug)]
pub struct TextIndex<'a> {
    text: &'a str,
    marks: Cow<'a, OffsetMarks>,
}

impl<'a> TextIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        TextIndex {
            text,
            marks: Cow::Owned(OffsetMarks::new(text)),
        }
    }

    /// The text this index was built for.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The length of the text in `unit`.
    pub fn len(&self, unit: Unit) -> usize {
        self.marks.end.get(unit)
    }

    /// True for the empty text.
    pub fn is_empty(&self) -> bool {
        self.marks.end.utf8 == 0
    }

    /// Converts `offset`, counted in `from`, to the same position counted in `to`.
    pub fn convert(&self, offset: usize, from: Unit, to: Unit) -> Result<usize, OffsetError> {
        Ok(self.locate(offset, from)?.get(to))
    }

    /// Converts a `[start, end)` range between units.
    pub fn convert_range(
        &self,
        (start, end): (usize, usize),
        from: Unit,
        to: Unit,
    ) -> Result<(usize, usize), OffsetError> {
        Ok((self.convert(start, from, to)?, self.convert(end, from, to)?))
    }

    /// Converts a `[start, end)` range between units, widening it where an end falls inside a
    /// character so the whole character is in: a DOM selection can end between the two halves
    /// of an emoji's surrogate pair, and half an emoji is never what the user meant.
    pub fn convert_range_widened(
        &self,
        (start, end): (usize, usize),
        from: Unit,
        to: Unit,
    ) -> Result<(usize, usize), OffsetError> {
        let start = self.floor(start, from)?;
        let mut end_at = self.floor(end, from)?;
        if end_at.get(from) < end {
            // `end` is inside the character that starts at `end_at`.
            if let Some(c) = self.text[end_at.utf8..].chars().next() {
                end_at.advance(c);
            }
        }
        Ok((start.get(to), end_at.get(to)))
    }

    /// Finds the position `offset` (in `unit`) in every unit.
    fn locate(&self, offset: usize, unit: Unit) -> Result<Mark, OffsetError> {
        let at = self.floor(offset, unit)?;
        if at.get(unit) == offset {
            Ok(at)
        } else {
            Err(OffsetError::InsideCharacter { offset, unit })
        }
    }

    /// The start of the character that holds `offset` (in `unit`), in every unit: `offset`
    /// itself when it lies between two characters.
    fn floor(&self, offset: usize, unit: Unit) -> Result<Mark, OffsetError> {
        let OffsetMarks { marks, end } = self.marks.as_ref();
        if offset > end.get(unit) {
            return Err(OffsetError::OutOfRange {
                offset,
                len: end.get(unit),
                unit,
            });
        }
        if offset == end.get(unit) {
            return Ok(*end);
        }
        // The last checkpoint at or before the offset.
        let i = marks.partition_point(|m| m.get(unit) <= offset) - 1;
        let mut at = marks[i];
        if unit == Unit::Utf8 {
            // In bytes the character is found without counting: the characters before it are
            // then counted by their first bytes, not decoded (an export converts every span).
            let start = (at.utf8..=offset)
                .rev()
                .find(|&b| self.text.is_char_boundary(b))
                .unwrap_or(at.utf8);
            return Ok(at.past(&self.text.as_bytes()[at.utf8..start]));
        }
        for c in self.text[at.utf8..].chars() {
            if at.get(unit) + unit.width(c) > offset {
                break;
            }
            at.advance(c);
        }
        Ok(at)
    }
}

/// How a range's ends are moved before it becomes a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Snap {
    /// Keep the ends where they are (they must already be on code point boundaries).
    None,
    /// Widen to whole grapheme clusters, so an emoji, a flag or a combining mark is never cut.
    Grapheme,
    /// Widen to whole words, then trim white space and punctuation from the ends.
    Word,
}

/// True when byte `at` of `text` splits neither a character nor a grapheme cluster (an emoji,
/// a flag, a letter with its combining marks).
pub(crate) fn on_grapheme_boundary(text: &str, at: usize) -> bool {
    text.is_char_boundary(at)
        && unicode_segmentation::GraphemeCursor::new(at, text.len(), true)
            .is_boundary(text, 0)
            .unwrap_or(false)
}

/// Moves a byte range `[start, end)` of `text` outwards to grapheme or word boundaries.
/// Offsets must already lie on code point boundaries. Returns `None` when nothing but white
/// space or punctuation would remain under `Snap::Word`.
pub fn snap(text: &str, start: usize, end: usize, mode: Snap) -> Option<(usize, usize)> {
    snap_from(text, start, end, mode, fresh_start(text, start.min(end)))
}

/// [`snap`], segmenting the text from `from`, a position where its boundaries start afresh.
fn snap_from(
    text: &str,
    start: usize,
    end: usize,
    mode: Snap,
    from: usize,
) -> Option<(usize, usize)> {
    let (start, end) = (start.min(end), start.max(end));
    let len = text.len();
    match mode {
        Snap::None => Some((start, end)),
        Snap::Grapheme => Some(widen(
            text[from..]
                .grapheme_indices(true)
                .map(|(at, g)| (from + at, g)),
            len,
            start,
            end,
        )),
        Snap::Word => {
            let (mut s, mut e) = widen(word_pieces_from(text, from), len, start, end);
            // Part of a word joined to another by a hyphen widens to the whole compound: a
            // drag from inside "Luc" in "Jean-Luc" meant the name, not its half.
            if s < start {
                s = hyphen_joined(text, from, s, true);
            }
            if e > end {
                e = hyphen_joined(text, from, e, false);
            }
            // A drag that began or ended on a space, a comma or a quotation mark should not
            // take it along; signs that are part of a figure or a name ($, %, a minus, #, @)
            // and emoji stay. One pass forwards: the first and last graphemes to keep.
            let mut kept: Option<(usize, usize)> = None;
            for (at, g) in text[s..e].grapheme_indices(true) {
                let (g_start, g_end) = (s + at, s + at + g.len());
                if !edge_mark(g, text[g_end..e].chars().next()) {
                    kept = Some((kept.map_or(g_start, |k| k.0), g_end));
                }
            }
            // An abbreviation's last full stop stays ("U.S.", "a.m."): a letter after a stop.
            kept.map(|(mut ks, ke)| {
                let abbreviation = text[ks..ke].chars().rev().nth(1) == Some('.')
                    && text[..ke].ends_with(char::is_alphabetic)
                    && text[ke..e].starts_with('.');
                let mut ke = ke + usize::from(abbreviation);
                // A bracket or quotation mark opened (or closed) inside keeps its partner, if
                // the drag took it: "100 captives (≈ €5 million)", not "… €5 million".
                let mut depth = [0isize; 5];
                for c in text[ks..ke].chars() {
                    if let Some(i) = PAIRS.iter().position(|p| p.0 == c) {
                        depth[i] += 1;
                    } else if let Some(i) = PAIRS.iter().position(|p| p.1 == c) {
                        depth[i] -= 1;
                    }
                }
                for ((open, close), depth) in PAIRS.into_iter().zip(depth) {
                    if depth > 0 && text[ke..e].starts_with(close) {
                        ke += close.len_utf8();
                    } else if depth < 0 && text[s..ks].ends_with(open) {
                        ks -= open.len_utf8();
                    }
                }
                (ks, ke)
            })
        }
    }
}

/// Brackets and quotation marks that pair up, kept together by snapping.
const PAIRS: [(char, char); 5] = [('(', ')'), ('[', ']'), ('“', '”'), ('«', '»'), ('（', '）')];

/// The start (`back`) or end of the words joined by hyphens that the word starting or ending
/// at `at` is one of: "Jean-Luc", "US-led", "COVID-19", "Jean-Pierre-Luc". A letter must be on
/// one side of each hyphen at least ("10-20" is a range of two figures). `from` is where
/// segmenting may start (see [`fresh_start`]); no such run crosses a space, so it is before it.
fn hyphen_joined(text: &str, from: usize, mut at: usize, back: bool) -> usize {
    const HYPHENS: [char; 2] = ['-', '\u{2010}'];
    let part = crate::search::word_char;
    loop {
        let (before, after) = text.split_at(at);
        let (joined, next) = if back {
            let Some(word) = before[from..].strip_suffix(HYPHENS) else {
                break;
            };
            (
                word.chars().next_back().zip(after.chars().next()),
                from + word.trim_end_matches(part).len(),
            )
        } else {
            let Some(word) = after.strip_prefix(HYPHENS) else {
                break;
            };
            (
                before.chars().next_back().zip(word.chars().next()),
                text.len() - word.trim_start_matches(part).len(),
            )
        };
        match joined {
            Some((a, b)) if part(a) && part(b) && (a.is_alphabetic() || b.is_alphabetic()) => {
                at = next
            }
            _ => break,
        }
    }
    at
}

/// A position at or before `at` where grapheme and word boundaries start afresh, whatever
/// comes before: the text's start, just after a line feed, or just after a space that an
/// ASCII character other than a space follows. Segmenting from there rather than from the
/// start of the text gives the same pieces, and a tag on a book's last page costs what one on
/// its first does (near the end of 1 MB it took 17 ms natively, 63 ms in a text rich in flags).
pub(crate) fn fresh_start(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    (1..=at.min(bytes.len()))
        .rev()
        .find(|&p| {
            bytes[p - 1] == b'\n'
                || (bytes[p - 1] == b' '
                    && bytes.get(p).is_some_and(|b| b.is_ascii() && *b != b' '))
        })
        .unwrap_or(0)
}

/// [`word_pieces`] of `text` from `from` (see [`fresh_start`]) on, at their places in `text`.
pub(crate) fn word_pieces_from(text: &str, from: usize) -> impl Iterator<Item = (usize, &str)> {
    word_pieces(&text[from..]).map(move |(at, piece)| (from + at, piece))
}

/// Word pieces for snapping and for growing a span by a word: Unicode's words, with a
/// possessive's "'s" as pieces of its own, so a drag over "Qatar" in "Qatar's" stays "Qatar",
/// while a name with an apostrophe inside (O'Brien, Côte d'Ivoire) stays whole.
fn word_pieces(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_word_bound_indices().flat_map(|(at, word)| {
        let stem = ["'s", "’s", "'S", "’S"]
            .iter()
            .find_map(|p| word.strip_suffix(p))
            .filter(|stem| !stem.is_empty());
        match stem {
            Some(stem) => {
                let (mark, s) = (stem.len(), word.len() - 1);
                [
                    Some((at, stem)),
                    Some((at + mark, &word[mark..s])),
                    Some((at + s, &word[s..])),
                ]
            }
            None => [Some((at, word)), None, None],
        }
        .into_iter()
        .flatten()
    })
}

/// True for a grapheme that word snapping trims from an end of a selection: white space, and
/// punctuation that separates words rather than belonging to them. A hyphen or full stop
/// before a digit is a minus or a decimal point (`next`: the selected character after it).
fn edge_mark(grapheme: &str, next: Option<char>) -> bool {
    let mut chars = grapheme.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return grapheme.chars().all(char::is_whitespace);
    };
    if (c == '-' || c == '.') && next.is_some_and(|n| n.is_ascii_digit()) {
        return false;
    }
    // Invisible marks too: direction marks and embeddings, a zero-width space or a byte order
    // mark beside a word would end up in its quote, unseen.
    c.is_whitespace()
        || ",.;:!?…-–—()[]{}\"'“”‘’«»‹›„‚¿¡、。，；：！？「」『』（）《》،؛؟".contains(c)
        || matches!(c, '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')
}

/// Widens `[start, end)` to the boundaries of the pieces produced by `pieces`.
fn widen<'t>(
    pieces: impl Iterator<Item = (usize, &'t str)>,
    len: usize,
    start: usize,
    end: usize,
) -> (usize, usize) {
    let (mut s, mut e) = (start, end);
    for (at, piece) in pieces {
        let piece_end = at + piece.len();
        if at < start && start < piece_end {
            s = at;
        }
        if at < end && end < piece_end {
            e = piece_end;
        }
        // An empty range inside a piece covers that whole piece.
        if start == end && at <= start && start < piece_end {
            s = at;
            e = piece_end;
        }
        if at >= end {
            break;
        }
    }
    (s, e.min(len))
}

/// A text whose word and grapheme boundaries are hard to get right, and its ranges, for tests
/// that compare segmenting from a fresh start with segmenting from the top.
#[cfg(test)]
pub(crate) const SEGMENTS_TORTURE: &str =
    "Qatar’s PM said \"-3.5%\" 👨‍👩‍👧 e\u{301}té;\r\n  東京 🇶🇦🇶🇦 \
     قال المتحدث, x\u{301} Talks’ end.\n\nA b";

/// Every code point boundary of `text`, its end included.
#[cfg(test)]
pub(crate) fn char_bounds(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect()
}

/// Every `[start, end)` of `text` on code point boundaries, empty ones included.
#[cfg(test)]
pub(crate) fn char_ranges(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bounds = char_bounds(text);
    let ends = bounds.clone();
    bounds.into_iter().flat_map(move |s| {
        ends.clone()
            .into_iter()
            .filter(move |&e| e >= s)
            .map(move |e| (s, e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TORTURE: &str = "a é e\u{301} 中文 العربية שלום 👨‍👩‍👧 🇶🇦 👍🏽\r\n\tx\u{a0}y";

    #[test]
    fn lengths_in_each_unit() {
        let ix = TextIndex::new("a😀é");
        assert_eq!(ix.len(Unit::Utf8), 1 + 4 + 2);
        assert_eq!(ix.len(Unit::Utf16), 1 + 2 + 1);
        assert_eq!(ix.len(Unit::CodePoint), 3);
    }

    #[test]
    fn converts_every_boundary_of_the_torture_text() {
        let ix = TextIndex::new(TORTURE);
        let mut u16 = 0;
        for (cp, (byte, c)) in TORTURE.char_indices().enumerate() {
            assert_eq!(ix.convert(byte, Unit::Utf8, Unit::CodePoint), Ok(cp));
            assert_eq!(ix.convert(byte, Unit::Utf8, Unit::Utf16), Ok(u16));
            assert_eq!(ix.convert(u16, Unit::Utf16, Unit::Utf8), Ok(byte));
            assert_eq!(ix.convert(cp, Unit::CodePoint, Unit::Utf8), Ok(byte));
            u16 += c.len_utf16();
        }
        assert_eq!(ix.convert(TORTURE.len(), Unit::Utf8, Unit::Utf16), Ok(u16));
    }

    #[test]
    fn refuses_the_middle_of_a_surrogate_pair_and_of_a_code_point() {
        let ix = TextIndex::new("x😀y");
        assert_eq!(
            ix.convert(2, Unit::Utf16, Unit::Utf8),
            Err(OffsetError::InsideCharacter {
                offset: 2,
                unit: Unit::Utf16
            })
        );
        assert!(ix.convert(3, Unit::Utf8, Unit::CodePoint).is_err());
        assert_eq!(ix.convert(3, Unit::Utf16, Unit::Utf8), Ok(5));
        assert!(matches!(
            ix.convert(9, Unit::CodePoint, Unit::Utf8),
            Err(OffsetError::OutOfRange { .. })
        ));
    }

    #[test]
    fn a_range_ending_inside_a_character_is_widened_to_take_it_whole() {
        // x, an emoji (two UTF-16 units, four bytes), y, then a CJK character (three bytes).
        let ix = TextIndex::new("x😀y中");
        let widened = |range, from| ix.convert_range_widened(range, from, Unit::Utf8);
        assert_eq!(widened((2, 3), Unit::Utf16), Ok((1, 5)));
        assert_eq!(widened((0, 2), Unit::Utf16), Ok((0, 5)));
        assert_eq!(widened((2, 2), Unit::Utf16), Ok((1, 5)));
        assert_eq!(widened((3, 4), Unit::Utf16), Ok((5, 6)));
        assert_eq!(widened((7, 8), Unit::Utf8), Ok((6, 9)));
        assert!(matches!(
            widened((0, 6), Unit::Utf16),
            Err(OffsetError::OutOfRange { .. })
        ));
    }

    #[test]
    fn kept_marks_convert_like_a_fresh_index() {
        let text = "ab😀\r\né".repeat(100);
        let marks = OffsetMarks::new(&text);
        let (kept, fresh) = (marks.index(&text), TextIndex::new(&text));
        for u16 in 0..=fresh.len(Unit::Utf16) {
            assert_eq!(
                kept.convert(u16, Unit::Utf16, Unit::Utf8),
                fresh.convert(u16, Unit::Utf16, Unit::Utf8)
            );
        }
    }

    /// The checkpoints as first written: every `STRIDE` characters, decoded one by one.
    fn marks_char_by_char(text: &str) -> OffsetMarks {
        let mut marks = Vec::new();
        let mut at = Mark::default();
        for (i, c) in text.chars().enumerate() {
            if i % STRIDE == 0 {
                marks.push(at);
            }
            at.advance(c);
        }
        if marks.is_empty() {
            marks.push(at);
        }
        OffsetMarks { marks, end: at }
    }

    #[test]
    fn bytes_count_to_the_same_checkpoints_as_characters_one_by_one() {
        // Runs of ASCII around a checkpoint's length, broken by characters of every width, so
        // that each kind of character falls on a checkpoint.
        let pieces = ["é", "中", "😀", "\r\n", "e\u{301}", "👨‍👩‍👧", "🇶🇦"];
        let mut text = String::new();
        for len in 0..3 * STRIDE {
            text.push_str(&"x".repeat(len));
            text.push_str(pieces[len % pieces.len()]);
            assert_eq!(OffsetMarks::new(&text), marks_char_by_char(&text), "{len}");
        }
        for text in [
            "",
            "a",
            TORTURE,
            &"a".repeat(STRIDE),
            &"a".repeat(STRIDE + 1),
        ] {
            assert_eq!(OffsetMarks::new(text), marks_char_by_char(text));
        }
    }

    #[test]
    fn long_texts_cross_many_checkpoints() {
        let text = "ab😀\r\n".repeat(500);
        let ix = TextIndex::new(&text);
        for cp in 0..=ix.len(Unit::CodePoint) {
            let byte = ix.convert(cp, Unit::CodePoint, Unit::Utf8).unwrap();
            assert_eq!(text[..byte].chars().count(), cp);
            let u16 = ix.convert(byte, Unit::Utf8, Unit::Utf16).unwrap();
            assert_eq!(text[..byte].encode_utf16().count(), u16);
        }
    }

    #[test]
    fn grapheme_snap_keeps_families_flags_and_combining_marks_whole() {
        let text = "e\u{301}👨‍👩‍👧🇶🇦";
        // Byte 1 is the start of the combining acute: widen back to the 'e'.
        assert_eq!(snap(text, 1, 3, Snap::Grapheme), Some((0, 3)));
        // Inside the family (after the man): widen to the whole family.
        let family_end = 3 + "👨‍👩‍👧".len();
        assert_eq!(snap(text, 3, 7, Snap::Grapheme), Some((3, family_end)));
        // Half a flag becomes the whole flag.
        assert_eq!(
            snap(text, family_end, family_end + 4, Snap::Grapheme),
            Some((family_end, text.len()))
        );
    }

    #[test]
    fn word_snap_takes_whole_words_and_drops_edge_punctuation() {
        let text = "Qatar's Prime Minister, Sheikh";
        // "tar's Pri" becomes "Qatar's Prime".
        assert_eq!(snap(text, 2, 11, Snap::Word), Some((0, 13)));
        // ", " alone is nothing to tag.
        assert_eq!(snap(text, 22, 24, Snap::Word), None);
        // A drag that started on the space before "Sheikh".
        assert_eq!(snap(text, 23, 27, Snap::Word), Some((24, 30)));
        // "Qatar" dragged exactly, or with its apostrophe, stays "Qatar"; "Qata" widens to it.
        for end in [5, 6] {
            assert_eq!(snap(text, 0, end, Snap::Word), Some((0, 5)));
        }
        assert_eq!(snap(text, 0, 4, Snap::Word), Some((0, 5)));
        // An abbreviation keeps its last full stop; a sentence's is left out.
        let abbreviations = "In the U.S. at 10:30 a.m. Mr. Smith said so.";
        for (dragged, quote) in [
            ("U.S. ", "U.S."),
            ("a.m. ", "a.m."),
            ("Mr. ", "Mr"),
            ("so.", "so"),
        ] {
            assert_eq!(snapped(abbreviations, dragged), Some(quote));
        }
        // An apostrophe inside a name is no cut: part of "O'Brien" widens to all of it.
        let name = "Conan O’Brien and Côte d'Ivoire";
        assert_eq!(snapped(name, "Bri"), Some("O’Brien"));
        assert_eq!(snapped(name, "Ivo"), Some("d'Ivoire"));
    }

    #[test]
    fn part_of_a_hyphenated_word_widens_to_all_of_it() {
        let text =
            "Jean-Luc Mélenchon and the US-led COVID-19 talks, pages 10-20, Jean-Pierre-Luc's \
                    Hamas - Israel";
        for (dragged, quote) in [
            ("uc Mél", "Jean-Luc Mélenchon"),
            ("ea", "Jean-Luc"),
            ("ed", "US-led"),
            ("OV", "COVID-19"),
            ("0-2", "10-20"),
            ("ierr", "Jean-Pierre-Luc"),
            // Dragged from its very start, a word after a hyphen is what was meant.
            ("Luc Mélenchon", "Luc Mélenchon"),
            ("led", "led"),
            ("Israe", "Israel"),
        ] {
            assert_eq!(snapped(text, dragged), Some(quote), "{dragged}");
        }
        // "0" of "10" widens to "10" only: two figures with a hyphen are a range.
        let ten = text.find("10-20").unwrap();
        assert_eq!(
            snap(text, ten + 1, ten + 2, Snap::Word),
            Some((ten, ten + 2))
        );
    }

    #[test]
    fn word_snap_keeps_a_brackets_partner_and_leaves_invisible_marks_out() {
        let text = "Hamas freed 100 captives (≈ €5 million) and [a] “fair deal” in (2024) said «les \
                    “100” jours» then \u{202E}Hamas\u{202C} and 300\u{200E} and \u{2067}قال\u{2069}.";
        assert_eq!(
            snapped(text, "100 captives (≈ €5 million)"),
            Some("100 captives (≈ €5 million)")
        );
        assert_eq!(snapped(text, "(≈ €5 million) "), Some("≈ €5 million"));
        assert_eq!(
            snapped(text, "≈ €5 million) and"),
            Some("≈ €5 million) and")
        );
        assert_eq!(snapped(text, "and [a] "), Some("and [a]"));
        assert_eq!(snapped(text, "[a] “fair deal” "), Some("[a] “fair deal”"));
        assert_eq!(
            snapped(text, "“fair deal” in (2024)"),
            Some("“fair deal” in (2024)")
        );
        assert_eq!(snapped(text, "«les “100” jours»"), Some("les “100” jours"));
        assert_eq!(snapped(text, "\u{202E}Hamas\u{202C}"), Some("Hamas"));
        assert_eq!(snapped(text, "300\u{200E}"), Some("300"));
        assert_eq!(snapped(text, "\u{2067}قال\u{2069}."), Some("قال"));
    }

    /// The quote `snap` leaves of the first `dragged` in `text`.
    fn snapped<'t>(text: &'t str, dragged: &str) -> Option<&'t str> {
        let start = text.find(dragged).unwrap();
        snap(text, start, start + dragged.len(), Snap::Word).map(|(s, e)| &text[s..e])
    }

    #[test]
    fn snapping_from_a_fresh_start_equals_snapping_from_the_text_start() {
        let text = SEGMENTS_TORTURE;
        for (start, end) in char_ranges(text) {
            for mode in [Snap::Grapheme, Snap::Word] {
                assert_eq!(
                    snap(text, start, end, mode),
                    snap_from(text, start, end, mode, 0),
                    "{mode:?} {:?}",
                    &text[start..end]
                );
            }
        }
        // Long texts start afresh near the selection, not at the top.
        let book = "Qatar said so. ".repeat(10_000);
        // From the space before the last "so", back to the start of the last "said".
        assert_eq!(fresh_start(&book, book.len() - 5), book.len() - 9);
    }

    #[test]
    fn word_snap_keeps_the_signs_of_figures_and_names_and_emoji() {
        let text = "GDP fell -3.5% (−2.1%) in Q4, costing US$3bn, £940m, €20,000 and .75% of #1 \
                    for @UN_News; \"We are hoping,\" he said. Fans 🔥🔥 cheered 👍🏽 «loudly» 😂";
        for figure in [
            "-3.5%",
            "−2.1%",
            "US$3bn",
            "£940m",
            "€20,000",
            ".75%",
            "#1",
            "@UN_News",
        ] {
            assert_eq!(snapped(text, figure), Some(figure));
        }
        assert_eq!(snapped(text, " -3.5%"), Some("-3.5%"));
        assert_eq!(snapped(text, "(−2.1%) "), Some("−2.1%"));
        assert_eq!(snapped(text, "£940m, "), Some("£940m"));
        assert_eq!(snapped(text, "\"We are hoping,\""), Some("We are hoping"));
        assert_eq!(snapped(text, "🔥🔥"), Some("🔥🔥"));
        assert_eq!(snapped(text, "cheered 👍🏽 "), Some("cheered 👍🏽"));
        assert_eq!(snapped(text, "«loudly» "), Some("loudly"));
        assert_eq!(snapped(text, "😂"), Some("😂"));
        // Half a skin-toned thumb widens to the whole emoji.
        let thumb = text.find("👍🏽").unwrap();
        assert_eq!(
            snap(text, thumb + 4, thumb + 8, Snap::Word),
            Some((thumb, thumb + 8))
        );
        // A dash between words is not a minus.
        assert_eq!(snapped("Hamas - Israel", "Hamas - "), Some("Hamas"));
        assert_eq!(snapped("Hamas - Israel", " - Israel"), Some("Israel"));
        assert_eq!(snapped(text, "; \""), None);
    }
}
