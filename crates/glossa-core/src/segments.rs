//! Render segments: the text cut at every span boundary, so the view can draw nested and
//! overlapping spans as a flat run of pieces.

use crate::document::{Span, SpanId};
use std::ops::Range;

/// A maximal piece of text `[start, end)` (UTF-8 bytes) covered by the same spans. `spans`
/// lists the covering spans outer first (longest first), so the last one is the innermost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    pub spans: Vec<SpanId>,
}

/// Cuts a text of `len` bytes into segments that cover it exactly once, in order.
/// `spans` must be sorted by start, longer first (as `Document::spans` returns them).
pub fn segments(len: usize, spans: &[Span]) -> Vec<Segment> {
    cut(0..len, spans.iter())
}

/// The segments of `range` alone. `spans` must be sorted by start and include every span that
/// overlaps `range` (others are skipped).
pub(crate) fn cut<'a>(
    range: Range<usize>,
    spans: impl Iterator<Item = &'a Span> + Clone,
) -> Vec<Segment> {
    let inside = |at: &usize| range.start < *at && *at < range.end;
    let mut cuts: Vec<usize> = vec![range.start, range.end];
    for s in spans.clone() {
        cuts.extend([s.start, s.end].into_iter().filter(inside));
    }
    cuts.sort_unstable();
    cuts.dedup();

    let mut spans = spans.filter(|s| s.end > range.start).peekable();
    let mut out = Vec::with_capacity(cuts.len());
    // Spans open at the current cut, kept outer first.
    let mut open: Vec<&Span> = Vec::new();
    for w in cuts.windows(2) {
        let (start, end) = (w[0], w[1]);
        open.retain(|s| s.end > start);
        // Closing spans keeps the order; new ones go in their places (a few spans deep: a
        // sorted insert, not a sort, which would add kilobytes to the app's wasm).
        let outer_first = |s: &Span| (std::cmp::Reverse(s.end - s.start), s.start, s.id);
        while let Some(s) = spans.next_if(|s| s.start <= start) {
            if s.end > start {
                let at = open.partition_point(|o| outer_first(o) < outer_first(s));
                open.insert(at, s);
            }
        }
        out.push(Segment {
            start,
            end,
            spans: open.iter().map(|s| s.id).collect(),
        });
    }
    out
}

/// Recomputes only the segments a change can have touched. `old` are the segments before the
/// change, `changed` the bytes whose covering spans changed (for a resize, from the lower of
/// the old and new starts to the higher of the old and new ends) and `spans` the document's
/// spans after it. Returns which of `old` to replace and what with; splicing them in gives
/// exactly `segments(len, spans)`.
pub fn resegment(
    old: &[Segment],
    changed: Range<usize>,
    spans: &[Span],
) -> (Range<usize>, Vec<Segment>) {
    if old.is_empty() || changed.start >= changed.end {
        return (0..0, Vec::new());
    }
    // A cut at either end of `changed` may come or go, so widen to the segments just outside
    // it: their outer cuts belong to unchanged spans (or the text's ends) and stay.
    let first = old
        .partition_point(|s| s.end < changed.start)
        .min(old.len() - 1);
    let last = old
        .partition_point(|s| s.start <= changed.end)
        .saturating_sub(1)
        .max(first);
    let (from, to) = (old[first].start, old[last].end);
    let overlapping = spans
        .iter()
        .take_while(move |s| s.start < to)
        .filter(move |s| s.end > from);
    (first..last + 1, cut(from..to, overlapping))
}

/// Applies a change to `segments` in place, recomputing only what it touched; see
/// [`resegment`]. Returns the index range of the new segments.
pub fn update_segments(
    segments: &mut Vec<Segment>,
    changed: Range<usize>,
    spans: &[Span],
) -> Range<usize> {
    let (replaced, new) = resegment(segments, changed, spans);
    let at = replaced.start;
    let count = new.len();
    segments.splice(replaced, new);
    at..at + count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::offsets::Unit;

    #[test]
    fn an_actor_inside_a_claim_makes_three_segments_plus_the_rest() {
        let mut d = Document::new("d", "t", "He said X is true. Then.", 0);
        let claim = d.add_span("claim", 0, 18, Unit::Utf8).unwrap();
        let actor = d.add_span("actor", 0, 2, Unit::Utf8).unwrap();
        let segs = segments(d.text.len(), d.spans());
        let expect = vec![
            Segment {
                start: 0,
                end: 2,
                spans: vec![claim, actor],
            },
            Segment {
                start: 2,
                end: 18,
                spans: vec![claim],
            },
            Segment {
                start: 18,
                end: d.text.len(),
                spans: vec![],
            },
        ];
        assert_eq!(segs, expect);
    }

    #[test]
    fn empty_text_has_no_segments() {
        assert!(segments(0, &[]).is_empty());
        assert_eq!(resegment(&[], 0..1, &[]), (0..0, vec![]));
    }

    #[test]
    fn a_change_recomputes_only_the_segments_around_it() {
        let text = "Hamas said 100 captives were freed, Qatar said.";
        let mut d = Document::new("d", "t", text, 0);
        d.add_span("actor", 0, 5, Unit::Utf8).unwrap();
        d.add_span("actor", 36, 41, Unit::Utf8).unwrap();
        let mut segs = segments(text.len(), d.spans());
        assert_eq!(segs.len(), 4);

        // Adding the figure splits the middle segment only.
        let figure = d.add_span("figure", 11, 14, Unit::Utf8).unwrap();
        let new = update_segments(&mut segs, 11..14, d.spans());
        assert_eq!(segs, segments(text.len(), d.spans()));
        assert_eq!(new, 1..4);
        assert_eq!(segs[2].spans, vec![figure]);

        // Removing it again merges the pieces back: the cuts at 11 and 14 go.
        d.remove_span(figure).unwrap();
        update_segments(&mut segs, 11..14, d.spans());
        assert_eq!(segs, segments(text.len(), d.spans()));
        assert_eq!(segs.len(), 4);

        // A span at the very start and end of the text.
        let all = d.add_span("claim", 0, text.len(), Unit::Utf8).unwrap();
        update_segments(&mut segs, 0..text.len(), d.spans());
        assert_eq!(segs, segments(text.len(), d.spans()));
        d.resize_span(all, 6, 10).unwrap();
        update_segments(&mut segs, 0..text.len(), d.spans());
        assert_eq!(segs, segments(text.len(), d.spans()));
    }
}
