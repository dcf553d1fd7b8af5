//! Paragraph blocks: the units the view draws and repaints. A long text is cut into paragraphs
//! so an edit repaints only the paragraphs it touches, and the browser can skip laying out the
//! ones far from the viewport. Offsets are UTF-8 bytes.

use crate::document::Span;
use crate::offsets::on_grapheme_boundary;
use crate::segments::Segment;
use std::hash::{Hash, Hasher};
use std::ops::Range;

/// Cuts `text` into paragraphs: each ends after a run of line breaks, so the blank line between
/// two paragraphs stays with the first and the blocks cover the text exactly once, in order.
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            // Take the whole run of line breaks (and the CRs and spaces between them).
            let mut j = i + 1;
            while j < bytes.len() && matches!(bytes[j], b'\n' | b'\r' | b' ' | b'\t') {
                j += 1;
            }
            // Trailing spaces before the next paragraph belong to it, not to the gap.
            while j > i + 1 && matches!(bytes[j - 1], b' ' | b'\t') {
                j -= 1;
            }
            out.push(start..j);
            start = j;
            i = j;
        } else {
            i += 1;
        }
    }
    if start < bytes.len() {
        out.push(start..bytes.len());
    }
    out
}

/// Paragraphs joined into blocks of at least `min_len` bytes (the last may be shorter), so a
/// book is a few hundred blocks rather than thousands: each block costs the browser some work
/// per frame, and an edit repaints only the blocks it touches. A paragraph longer than
/// `max_len` is cut into parts (see [`parts`]), so a text without line breaks is not one
/// block that the browser lays out, and every edit repaints, whole.
pub fn blocks(text: &str, min_len: usize, max_len: usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for p in paragraphs(text)
        .into_iter()
        .flat_map(|p| parts(text, p, max_len))
    {
        match out.last_mut() {
            Some(last) if last.end - last.start < min_len && p.end - last.start <= max_len => {
                last.end = p.end
            }
            _ => out.push(p),
        }
    }
    out
}

/// `range` of `text` cut into parts of at most `max_len` bytes where it is longer: each part
/// ends after a sentence (". ", "! ", "? ", or CJK full stops) in its second half if there is
/// one, else after a space, else on a grapheme boundary, so no word or emoji is split.
pub fn parts(text: &str, range: Range<usize>, max_len: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = range.start;
    while max_len > 0 && range.end - start > max_len {
        let mut limit = start + max_len;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &text[start..limit];
        let mut half = window.len() / 2;
        while !window.is_char_boundary(half) {
            half += 1;
        }
        let after_sentence = window
            .char_indices()
            .rev()
            .take_while(|&(i, _)| i >= half)
            .find(|&(i, c)| {
                matches!(c, '。' | '！' | '？')
                    || (c == ' ' && i > 0 && matches!(window.as_bytes()[i - 1], b'.' | b'!' | b'?'))
            })
            .map(|(i, c)| i + c.len_utf8());
        let after_space = || window[half..].rfind(' ').map(|i| half + i + 1);
        let cut = after_sentence
            .or_else(after_space)
            .map(|i| start + i)
            .filter(|&at| on_grapheme_boundary(text, at))
            .unwrap_or_else(|| {
                // The window's last grapheme boundary; for one grapheme longer than the window
                // (marks piled on one letter), the first boundary after it.
                (start + 1..=limit)
                    .rev()
                    .chain(limit + 1..range.end)
                    .find(|&at| on_grapheme_boundary(text, at))
                    .unwrap_or(range.end)
            });
        if cut >= range.end {
            break;
        }
        out.push(start..cut);
        start = cut;
    }
    out.push(start..range.end);
    out
}

/// Whether a paragraph that begins with `text` runs right to left, as the Unicode bidi
/// algorithm decides from its first letter (Hebrew, Arabic, Syriac, Thaana, N'Ko… against any
/// other script); `None` when it has no letter. The parts of a long paragraph after the first
/// take its direction from this, not from their own first letter.
pub fn right_to_left(text: &str) -> Option<bool> {
    text.chars().find(|c| c.is_alphabetic()).map(|c| {
        matches!(c,
            '\u{0590}'..='\u{08FF}'
            | '\u{FB1D}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}'
            | '\u{10800}'..='\u{10FFF}'
            | '\u{1E800}'..='\u{1EFFF}')
    })
}

/// For each block, the indexes (into `spans`) of the spans that overlap it. One sweep over the
/// spans, which must be sorted by start (as `Document::spans` returns them).
pub fn spans_per_block(blocks: &[Range<usize>], spans: &[Span]) -> Vec<Vec<usize>> {
    let mut out = Vec::with_capacity(blocks.len());
    let mut active: Vec<usize> = Vec::new();
    let mut next = 0;
    for block in blocks {
        active.retain(|&i| spans[i].end > block.start);
        while next < spans.len() && spans[next].start < block.end {
            if spans[next].end > block.start {
                active.push(next);
            }
            next += 1;
        }
        out.push(active.clone());
    }
    out
}

/// A fingerprint of what a block shows: its spans' ids, ranges and labels. When it is unchanged
/// after an edit, the block need not be repainted. `salt` covers what all blocks share (the
/// label colours).
pub fn fingerprint(spans: &[Span], overlapping: &[usize], salt: u64) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    salt.hash(&mut h);
    for &i in overlapping {
        let s = &spans[i];
        (s.id, s.start, s.end, &s.label).hash(&mut h);
    }
    h.finish()
}

/// The segments of `range`, given the spans that overlap it. Covering spans are listed outer
/// first by their whole length, so a block shows the same nesting as the whole text.
pub fn segments_in(range: Range<usize>, spans: &[&Span]) -> Vec<Segment> {
    crate::segments::cut(range, spans.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::offsets::Unit;
    use crate::segments::segments;

    #[test]
    fn paragraphs_cover_the_text_once_and_keep_blank_lines_with_the_first() {
        let text = "Title\r\n\r\n  First para.\nSecond line\n\n\nLast";
        let blocks = paragraphs(text);
        let pieces: Vec<&str> = blocks.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            pieces,
            [
                "Title\r\n\r\n",
                "  First para.\n",
                "Second line\n\n\n",
                "Last"
            ]
        );
        assert_eq!(pieces.concat(), text);
        assert!(paragraphs("").is_empty());
        assert_eq!(paragraphs("\n\nx"), vec![0..2, 2..3]);
    }

    #[test]
    fn blocks_join_short_paragraphs_and_still_cover_the_text_once() {
        let text = "One.\n\nTwo is longer.\nThree.\n\nFour.";
        let joined = blocks(text, 10, 1000);
        let pieces: Vec<&str> = joined.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(pieces, ["One.\n\nTwo is longer.\n", "Three.\n\nFour."]);
        assert_eq!(pieces.concat(), text);
        assert_eq!(blocks(text, 0, usize::MAX), paragraphs(text));
        assert!(blocks("", 100, 1000).is_empty());
    }

    #[test]
    fn a_long_paragraph_is_cut_after_sentences_never_inside_a_word_or_emoji() {
        let sentence = "José said 1.2 million people 🇶🇦 would leave. ";
        let text = sentence.repeat(2_000).trim_end().to_string() + "\n\nNext paragraph.";
        let cut = blocks(&text, 2048, 16 * 1024);
        assert_eq!(
            cut.iter().map(|r| &text[r.clone()]).collect::<String>(),
            text
        );
        assert!(cut.windows(2).all(|w| w[0].end == w[1].start));
        // The last two: the paragraph's remainder, then the next paragraph.
        assert_eq!(&text[cut[cut.len() - 1].clone()], "Next paragraph.");
        for r in &cut[..cut.len() - 2] {
            assert!(r.len() <= 16 * 1024, "{r:?}");
            assert!(r.len() >= 8 * 1024, "{r:?}");
            assert!(
                text[r.clone()].ends_with("leave. "),
                "{:?}",
                &text[r.end - 20..r.end]
            );
        }
        // No sentence ends: cut after a space; no space either: on a grapheme boundary.
        let words = "word ".repeat(10_000);
        for r in parts(&words, 0..words.len(), 4096) {
            assert!(words[r.clone()].ends_with(' ') || r.end == words.len());
        }
        let flags = "🇶🇦".repeat(5_000);
        let cut = parts(&flags, 0..flags.len(), 4097);
        assert!(cut.len() > 1);
        for r in cut {
            assert_eq!(r.len() % 8, 0, "a flag is 8 bytes and is never split");
        }
        // Two-byte letters and no sentence ends: the search for a space starts on a whole
        // character, wherever half the window falls.
        let accents = "éé ".repeat(5_000);
        for max in [4096, 4097, 4098, 4099] {
            let cut = parts(&accents, 0..accents.len(), max);
            assert_eq!(
                cut.iter().map(|r| &accents[r.clone()]).collect::<String>(),
                accents
            );
            for r in &cut[..cut.len() - 1] {
                assert!(accents[r.clone()].ends_with(' '), "{r:?}");
            }
        }
        // One grapheme longer than a part (a letter under thousands of marks) stays whole.
        let piled = format!("a{}b{} c", "\u{301}".repeat(5_000), "\u{301}".repeat(3));
        let cut = parts(&piled, 0..piled.len(), 4096);
        assert_eq!(
            cut.iter().map(|r| &piled[r.clone()]).collect::<String>(),
            piled
        );
        assert!(cut.iter().all(|r| !r.is_empty()));
        assert_eq!(cut[0], 0..10_001);
        // Short paragraphs are left as they are.
        assert_eq!(parts("Short.", 0..6, 4096), vec![0..6]);
    }

    #[test]
    fn a_paragraph_runs_the_way_of_its_first_letter() {
        assert_eq!(right_to_left("قال الوزير CNN"), Some(true));
        assert_eq!(right_to_left("  12, \"שלום\" said"), Some(true));
        assert_eq!(right_to_left("CNN قال"), Some(false));
        assert_eq!(right_to_left("李明 said"), Some(false));
        assert_eq!(right_to_left("12 — 🇶🇦"), None);
    }

    #[test]
    fn block_segments_agree_with_whole_text_segments() {
        let text = "Hamas said\n\n100 captives were freed,\nQatar said.\n";
        let mut d = Document::new("d", "t", text, 0);
        d.add_span("claim", 0, 33, Unit::Utf8).unwrap();
        d.add_span("actor", 0, 5, Unit::Utf8).unwrap();
        d.add_span("figure", 12, 24, Unit::Utf8).unwrap();
        d.add_span("actor", 37, 42, Unit::Utf8).unwrap();
        let blocks = paragraphs(text);
        let per_block = spans_per_block(&blocks, d.spans());
        let whole = segments(text.len(), d.spans());
        for (block, overlapping) in blocks.iter().zip(&per_block) {
            let spans: Vec<&Span> = overlapping.iter().map(|&i| &d.spans()[i]).collect();
            for seg in segments_in(block.clone(), &spans) {
                // Every byte of the block segment is covered by the same spans as in the whole.
                let outer = whole
                    .iter()
                    .find(|w| w.start <= seg.start && seg.end <= w.end)
                    .expect("block segments never cross whole-text cuts");
                assert_eq!(outer.spans, seg.spans);
            }
        }
        // The claim runs through the first two blocks; the second actor only in the third.
        assert_eq!(per_block[0].len(), 2);
        assert_eq!(per_block[1].len(), 2);
        assert_eq!(per_block[2].len(), 1);
    }

    #[test]
    fn fingerprints_change_only_where_spans_change() {
        let text = "One.\nTwo.\nThree.";
        let mut d = Document::new("d", "t", text, 0);
        d.add_span("actor", 0, 3, Unit::Utf8).unwrap();
        let blocks = paragraphs(text);
        let prints = |d: &Document| {
            spans_per_block(&blocks, d.spans())
                .iter()
                .map(|o| fingerprint(d.spans(), o, 0))
                .collect::<Vec<_>>()
        };
        let before = prints(&d);
        d.add_span("figure", 5, 8, Unit::Utf8).unwrap();
        let after = prints(&d);
        assert_eq!(before[0], after[0]);
        assert_ne!(before[1], after[1]);
        assert_eq!(before[2], after[2]);
    }
}
