//! Render segments: the text cut at every span boundary, so the view can draw nested and
//! overlapping spans as a flat run of pieces.

use crate::document::{Span, SpanId};

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
    let mut cuts: Vec<usize> = Vec::with_capacity(spans.len() * 2 + 2);
    cuts.push(0);
    cuts.push(len);
    for s in spans {
        cuts.push(s.start);
        cuts.push(s.end);
    }
    cuts.sort_unstable();
    cuts.dedup();

    let mut out = Vec::with_capacity(cuts.len());
    // Spans open at the current cut, kept outer first.
    let mut open: Vec<&Span> = Vec::new();
    let mut next = 0;
    for w in cuts.windows(2) {
        let (start, end) = (w[0], w[1]);
        open.retain(|s| s.end > start);
        while next < spans.len() && spans[next].start <= start {
            if spans[next].end > start {
                open.push(&spans[next]);
            }
            next += 1;
        }
        open.sort_by_key(|s| (std::cmp::Reverse(s.end - s.start), s.start, s.id));
        out.push(Segment {
            start,
            end,
            spans: open.iter().map(|s| s.id).collect(),
        });
    }
    out
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
    }
}
