//! Paragraph blocks: the units the view draws and repaints. A long text is cut into paragraphs
//! so an edit repaints only the paragraphs it touches, and the browser can skip laying out the
//! ones far from the viewport. Offsets are UTF-8 bytes.

use crate::document::Span;
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
/// per frame, and an edit repaints only the blocks it touches.
pub fn blocks(text: &str, min_len: usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for p in paragraphs(text) {
        match out.last_mut() {
            Some(last) if last.end - last.start < min_len => last.end = p.end,
            _ => out.push(p),
        }
    }
    out
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
    let mut cuts = vec![range.start, range.end];
    for s in spans {
        cuts.extend([s.start, s.end].into_iter().filter(|c| range.contains(c)));
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| {
            let mut covering: Vec<&&Span> = spans
                .iter()
                .filter(|s| s.start <= w[0] && w[1] <= s.end)
                .collect();
            covering.sort_by_key(|s| (std::cmp::Reverse(s.end - s.start), s.start, s.id));
            Segment {
                start: w[0],
                end: w[1],
                spans: covering.iter().map(|s| s.id).collect(),
            }
        })
        .collect()
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
        let joined = blocks(text, 10);
        let pieces: Vec<&str> = joined.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(pieces, ["One.\n\nTwo is longer.\n", "Three.\n\nFour."]);
        assert_eq!(pieces.concat(), text);
        assert_eq!(blocks(text, 0), paragraphs(text));
        assert!(blocks("", 100).is_empty());
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
