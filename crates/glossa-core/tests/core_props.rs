//! Property tests of the annotation core over texts drawn from a Unicode torture alphabet:
//! quotes agree in every unit, offsets round-trip, segments tile the text, undo and redo
//! restore every state and a journal of the applied edits rebuilds it, incremental segments equal a full recompute, and search hits are
//! exact byte ranges.

use glossa_core::search::fold_str;
use glossa_core::{
    resegment, segments, update_segments, Document, Edit, History, Journal, Label, LabelRemoval,
    OffsetError, Segment, Span, SpanId, Unit,
};
use proptest::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

/// Pieces that break naive offset code: multi-byte letters, combining marks, CJK, right-to-left
/// scripts, emoji with ZWJ, flags and skin tones, CRLF, NBSP, tabs, and letters whose lower
/// case has another length.
const PIECES: &[&str] = &[
    "a",
    "Qatar",
    " ",
    "said",
    "é",
    "e\u{301}",
    "中文",
    "العربية",
    "שלום",
    "😀",
    "👨\u{200d}👩\u{200d}👧",
    "🇶🇦",
    "👍🏽",
    "\r\n",
    "\u{a0}",
    "\t",
    ",",
    "İ",
    "ẞ",
    "\u{212a}",
    "Σ",
];

const LABELS: &[&str] = &["actor", "figure", "claim", "place"];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..30).prop_map(|p| p.concat())
}

/// Every code point boundary of `text`, both ends included.
fn boundaries(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect()
}

/// A byte range on code point boundaries, chosen by two raw numbers; `None` if empty.
fn range(text: &str, a: usize, b: usize) -> Option<(usize, usize)> {
    let bounds = boundaries(text);
    let (x, y) = (bounds[a % bounds.len()], bounds[b % bounds.len()]);
    (x != y).then(|| (x.min(y), x.max(y)))
}

/// A document with spans placed by `raw` (start, end, label choice).
fn document(text: &str, raw: &[(usize, usize, usize)]) -> Document {
    let mut d = Document::new("d", "t", text, 0);
    for &(a, b, l) in raw {
        if let Some((s, e)) = range(text, a, b) {
            d.add_span(LABELS[l % 3], s, e, Unit::Utf8).unwrap();
        }
    }
    d
}

fn spans_strategy() -> impl Strategy<Value = Vec<(usize, usize, usize)>> {
    prop::collection::vec((any::<usize>(), any::<usize>(), 0..3usize), 0..12)
}

/// Everything a user sees and saves, so two documents can be compared without the id
/// counters (which only move forward, so an id never names two spans).
fn content(d: &Document) -> (String, String, String, Vec<Span>, String, String) {
    (
        d.id.clone(),
        d.title.clone(),
        d.text.clone(),
        d.spans().to_vec(),
        serde_json::to_string(d.relations()).unwrap(),
        serde_json::to_string(&d.labels).unwrap(),
    )
}

/// The edit a raw op number and three raw choices stand for, against the document as it is.
fn edit_for(d: &Document, op: u8, a: usize, b: usize, c: usize) -> Option<Edit> {
    let span = |n: usize| d.spans().get(n % d.spans().len().max(1)).map(|s| s.id);
    let label = |n: usize| LABELS[n % LABELS.len()].to_string();
    Some(match op % 14 {
        0 => {
            let (start, end) = range(&d.text, a, b)?;
            Edit::add_span(&label(c), start, end)
        }
        1 => Edit::RemoveSpan { id: span(a)? },
        2 => Edit::Relabel {
            id: span(a)?,
            label: label(c),
        },
        3 => {
            let (start, end) = range(&d.text, b, c)?;
            Edit::Resize {
                id: span(a)?,
                start,
                end,
            }
        }
        4 => Edit::SetNote {
            id: span(a)?,
            note: [None, Some(""), Some("check"), Some("شوف")][b % 4].map(str::to_string),
        },
        5 => Edit::SetAttribute {
            id: span(a)?,
            key: "verdict".into(),
            value: [None, Some("true"), Some("false"), Some("misleading")][b % 4]
                .map(str::to_string),
        },
        6 => Edit::AddRelation {
            kind: ["said-by", "about"][c % 2].into(),
            from: span(a)?,
            to: span(b)?,
        },
        7 => Edit::RemoveRelation {
            id: d.relations().get(a % d.relations().len().max(1))?.id,
        },
        8 => Edit::AddLabel {
            label: Label::new(
                &label(a),
                ["#9467bd", "purple"][b % 2],
                [None, Some('4'), Some('1')][c % 3],
            ),
            at: [None, Some(0), Some(9)][b % 3],
        },
        9 => Edit::RenameLabel {
            from: label(a),
            to: ["speaker", "place", "claim", " "][b % 4].into(),
        },
        10 => Edit::SetLabelColor {
            name: label(a),
            color: ["#000000", "#ABCDEF", "nope"][b % 3].into(),
        },
        11 => Edit::SetLabelHotkey {
            name: label(a),
            hotkey: [None, Some('1'), Some('x')][b % 3],
        },
        12 => Edit::RemoveLabel {
            name: label(a),
            spans: [
                None,
                Some(LabelRemoval::RemoveSpans),
                Some(LabelRemoval::MoveTo(label(b))),
            ][c % 3]
                .clone(),
        },
        _ => {
            let first = range(&d.text, a, b)?;
            let second = range(&d.text, b, c)?;
            Edit::group(vec![
                Edit::add_span(&label(c), first.0, first.1),
                Edit::add_span(&label(a), second.0, second.1),
                Edit::RemoveSpan { id: span(c)? },
            ])
        }
    })
}

/// Added to the torture alphabet for word snapping: the signs of figures and names, and the
/// punctuation it trims.
const SNAP_SIGNS: &[&str] = &[
    ".", ";", "\"", "(", ")", "’", "'", "s", "-", "−", "3", "3.5", "%", "$", "£", "#", "@",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn blocks_cover_the_text_once_and_cut_only_between_graphemes(
        pieces in prop::collection::vec(prop::sample::select(PIECES), 0..80),
        breaks in prop::collection::vec(any::<bool>(), 0..80),
        max in 1usize..48,
    ) {
        // Paragraphs too, sometimes, and parts much shorter than the pieces.
        let text: String = pieces
            .iter()
            .zip(breaks.iter().chain(std::iter::repeat(&false)))
            .map(|(p, &b)| if b { format!("{p}. \n\n") } else { format!("{p}. ") })
            .collect();
        let cut = glossa_core::blocks::blocks(&text, max / 2, max);
        prop_assert_eq!(cut.iter().map(|r| &text[r.clone()]).collect::<String>(), text.clone());
        let graphemes: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).collect();
        for r in &cut {
            prop_assert!(!r.is_empty());
            prop_assert!(graphemes.binary_search(&r.start).is_ok(), "{:?} in {:?}", r, text);
        }
    }

    #[test]
    fn word_snap_keeps_every_selected_grapheme_but_edge_marks(
        pieces in prop::collection::vec(prop::sample::select([PIECES, SNAP_SIGNS].concat()), 1..40),
        a in any::<prop::sample::Index>(),
        b in any::<prop::sample::Index>(),
    ) {
        let text: String = pieces.concat();
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let (start, end) = (a.get(&bounds).min(b.get(&bounds)), a.get(&bounds).max(b.get(&bounds)));
        let graphemes: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
        let on_grapheme = |at: usize| at == text.len() || graphemes.iter().any(|&(i, _)| i == at);
        // What must stay: every grapheme the drag touched that is not white space or one of
        // the punctuation marks snapping trims.
        let kept: Vec<(usize, usize)> = graphemes
            .iter()
            .filter(|&&(i, g)| i < *end && i + g.len() > *start || (start == end && i <= *start && *start < i + g.len()))
            .filter(|&&(_, g)| !(g.chars().all(char::is_whitespace) || [",", ".", ";", "\"", "(", ")", "’", "'", "-"].contains(&g)))
            .map(|&(i, g)| (i, i + g.len()))
            .collect();
        match glossa_core::snap(&text, *start, *end, glossa_core::Snap::Word) {
            Some((s, e)) => {
                prop_assert!(s < e && on_grapheme(s) && on_grapheme(e), "{s}..{e} of {text:?}");
                for &(gs, ge) in &kept {
                    prop_assert!(s <= gs && ge <= e, "{:?} lost from {:?} ({start}..{end})", &text[gs..ge], &text[s..e]);
                }
                let quote = &text[s..e];
                prop_assert!(!quote.starts_with(char::is_whitespace) && !quote.ends_with(char::is_whitespace));
            }
            None => prop_assert!(kept.is_empty(), "{kept:?} dropped"),
        }
    }

    #[test]
    fn a_utf16_range_widened_takes_the_fewest_whole_characters_that_hold_it(
        text in text(),
        a in any::<prop::sample::Index>(),
        b in any::<prop::sample::Index>(),
    ) {
        let ix = glossa_core::TextIndex::new(&text);
        let units = ix.len(Unit::Utf16);
        let (a, b) = (a.index(units + 1), b.index(units + 1));
        let (start, end) = (a.min(b), a.max(b));
        let (s, e) = ix.convert_range_widened((start, end), Unit::Utf16, Unit::Utf8).unwrap();
        // The UTF-16 start of each character, by the standard library's own encoding.
        let starts: Vec<(usize, usize)> = text
            .char_indices()
            .scan(0, |u16, (byte, c)| { let at = *u16; *u16 += c.len_utf16(); Some((at, byte)) })
            .chain([(units, text.len())])
            .collect();
        let floor = starts.iter().rev().find(|&&(u, _)| u <= start).unwrap();
        let ceil = starts.iter().find(|&&(u, _)| u >= end).unwrap();
        prop_assert_eq!((s, e), (floor.1, ceil.1), "{}..{} of {:?}", start, end, text);
        // Exact ends convert as they always did.
        if let Ok(exact) = ix.convert_range((start, end), Unit::Utf16, Unit::Utf8) {
            prop_assert_eq!(exact, (s, e));
        }
    }

    #[test]
    fn every_span_quotes_the_same_text_in_every_unit(text in text(), raw in spans_strategy()) {
        let mut d = document(&text, &raw);
        let utf16: Vec<u16> = text.encode_utf16().collect();
        let chars: Vec<char> = text.chars().collect();
        let ix_spans: Vec<Span> = d.spans().to_vec();
        for span in &ix_spans {
            let quote = d.quote(span).to_string();
            prop_assert_eq!(&text[span.start..span.end], quote.as_str());
            let ix = d.index();
            let (s16, e16) = ix.convert_range((span.start, span.end), Unit::Utf8, Unit::Utf16).unwrap();
            let (scp, ecp) = ix.convert_range((span.start, span.end), Unit::Utf8, Unit::CodePoint).unwrap();
            prop_assert_eq!(String::from_utf16(&utf16[s16..e16]).unwrap(), quote.clone());
            prop_assert_eq!(chars[scp..ecp].iter().collect::<String>(), quote.clone());
            // Tagging the same stretch in another unit finds the same span.
            prop_assert_eq!(d.add_span(&span.label, s16, e16, Unit::Utf16), Ok(span.id));
            prop_assert_eq!(d.add_span(&span.label, scp, ecp, Unit::CodePoint), Ok(span.id));
        }
        prop_assert_eq!(d.spans(), &ix_spans[..]);
    }

    #[test]
    fn offsets_round_trip_between_units(text in text()) {
        let ix = glossa_core::TextIndex::new(&text);
        for b in boundaries(&text) {
            for unit in Unit::ALL {
                let there = ix.convert(b, Unit::Utf8, unit).unwrap();
                prop_assert_eq!(ix.convert(there, unit, Unit::Utf8), Ok(b));
            }
        }
        // Every offset in every unit either round-trips or is refused as inside a character.
        for unit in Unit::ALL {
            for at in 0..=ix.len(unit) {
                match ix.convert(at, unit, Unit::Utf8) {
                    Ok(byte) => {
                        prop_assert!(text.is_char_boundary(byte));
                        prop_assert_eq!(ix.convert(byte, Unit::Utf8, unit), Ok(at));
                    }
                    Err(e) => prop_assert_eq!(e, OffsetError::InsideCharacter { offset: at, unit }),
                }
            }
            let past = ix.len(unit) + 1;
            let out_of_range = matches!(ix.convert(past, unit, Unit::Utf8), Err(OffsetError::OutOfRange { .. }));
            prop_assert!(out_of_range);
        }
    }

    #[test]
    fn segments_tile_the_text_and_list_exactly_the_covering_spans(text in text(), raw in spans_strategy()) {
        let d = document(&text, &raw);
        let segs = segments(text.len(), d.spans());
        let mut at = 0;
        for (i, seg) in segs.iter().enumerate() {
            prop_assert_eq!(seg.start, at);
            prop_assert!(seg.end > seg.start);
            prop_assert!(text.is_char_boundary(seg.end));
            let mut covering: Vec<&Span> = d.spans().iter()
                .filter(|s| s.start <= seg.start && seg.end <= s.end)
                .collect();
            // No span may cover part of a segment only.
            let partial = d.spans().iter()
                .any(|s| s.start < seg.end && seg.start < s.end && !(s.start <= seg.start && seg.end <= s.end));
            prop_assert!(!partial);
            covering.sort_by_key(|s| (std::cmp::Reverse(s.end - s.start), s.start, s.id));
            let want: Vec<SpanId> = covering.iter().map(|s| s.id).collect();
            prop_assert_eq!(&seg.spans, &want);
            // Maximal: neighbours are covered differently.
            if i > 0 {
                prop_assert_ne!(&segs[i - 1].spans, &seg.spans);
            }
            at = seg.end;
        }
        prop_assert_eq!(at, text.len());
    }

    #[test]
    fn undo_restores_every_earlier_state_and_redo_every_later_one(
        text in text(),
        raw in spans_strategy(),
        ops in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), any::<usize>()), 1..25),
    ) {
        let mut d = document(&text, &raw);
        if let (Some(a), Some(b)) = (d.spans().first().map(|s| s.id), d.spans().last().map(|s| s.id)) {
            if a != b {
                d.add_relation("said-by", a, b).unwrap();
            }
        }
        let mut history = History::default();
        let start = d.clone();
        let mut journal = Journal::starting_from(&start);
        let start_history = history.clone();
        let mut states = vec![content(&d)];
        for (i, &(op, a, b, c)) in ops.iter().enumerate() {
            let Some(edit) = edit_for(&d, op, a, b, c) else { continue };
            let before = d.clone();
            match history.do_edit(&mut d, edit.clone()) {
                Ok(true) => states.push(content(&d)),
                // A no-op or a refusal changes nothing at all, id counters included.
                Ok(false) | Err(_) => prop_assert_eq!(&d, &before, "{:?}", edit),
            }
            // Every edit keeps the document whole: reading it back from storage repairs nothing.
            let mut read_back = d.clone();
            prop_assert_eq!(read_back.repair(), Vec::<String>::new(), "{:?}", edit);
            prop_assert_eq!(&read_back, &d);
            // The history survives being saved and read back half-way.
            if i == ops.len() / 2 {
                journal.record(history.take_applied(), d.modified_ms);
                history = serde_json::from_str(&serde_json::to_string(&history).unwrap()).unwrap();
            }
        }
        prop_assert_eq!(history.undo_len(), states.len() - 1);
        for want in states.iter().rev().skip(1) {
            prop_assert_eq!(history.undo(&mut d), Ok(true));
            prop_assert_eq!(&content(&d), want);
        }
        prop_assert_eq!(history.undo(&mut d), Ok(false));
        for want in states.iter().skip(1) {
            prop_assert_eq!(history.redo(&mut d), Ok(true));
            prop_assert_eq!(&content(&d), want);
        }
        prop_assert_eq!(history.redo(&mut d), Ok(false));
        // Replaying every edit the history applied, undos and redos too (as a stored journal
        // does after a reload), rebuilds the document exactly, id counters included.
        journal.record(history.take_applied(), d.modified_ms);
        let mut rebuilt = start;
        journal.replay(&mut rebuilt).unwrap();
        prop_assert_eq!(&rebuilt, &d);
        // And the history stored with the start follows the journal to the one in memory,
        // through JSON as it is stored.
        let journal: Journal = serde_json::from_str(&serde_json::to_string(&journal).unwrap()).unwrap();
        let mut retraced = start_history;
        prop_assert!(journal.retrace(&mut retraced));
        prop_assert_eq!(&retraced, &history);
    }

    #[test]
    fn incremental_segments_equal_a_full_recompute(
        text in text(),
        raw in spans_strategy(),
        changes in prop::collection::vec((0..4u8, any::<usize>(), any::<usize>(), any::<usize>()), 1..8),
    ) {
        let mut d = document(&text, &raw);
        let mut segs = segments(text.len(), d.spans());
        for (op, a, b, c) in changes {
            let pick = |d: &Document| d.spans().get(a % d.spans().len().max(1)).cloned();
            // The bytes whose covering spans the change may alter.
            let changed = match op {
                0 => {
                    let Some((s, e)) = range(&text, a, b) else { continue };
                    d.add_span(LABELS[c % 3], s, e, Unit::Utf8).unwrap();
                    s..e
                }
                1 => {
                    let Some(span) = pick(&d) else { continue };
                    d.remove_span(span.id).unwrap();
                    span.start..span.end
                }
                2 => {
                    let Some(span) = pick(&d) else { continue };
                    let Some((s, e)) = range(&text, b, c) else { continue };
                    if d.resize_span(span.id, s, e).is_err() { continue }
                    s.min(span.start)..e.max(span.end)
                }
                _ => {
                    let Some(span) = pick(&d) else { continue };
                    if d.relabel_span(span.id, LABELS[c % 3]).is_err() { continue }
                    span.start..span.end
                }
            };
            let before = segs.clone();
            let (replaced, new) = resegment(&before, changed.clone(), d.spans());
            let new_at = update_segments(&mut segs, changed, d.spans());
            prop_assert_eq!(new_at.len(), new.len());
            prop_assert_eq!(&segs[new_at], &new[..]);
            prop_assert_eq!(&segs[..replaced.start], &before[..replaced.start]);
            let full: Vec<Segment> = segments(text.len(), d.spans());
            prop_assert_eq!(&segs, &full);
        }
    }

    #[test]
    fn search_hits_are_exact_byte_ranges_and_miss_nothing(
        text in text(),
        a in any::<usize>(),
        len in 1..4usize,
        upper in any::<bool>(),
    ) {
        let graphemes: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
        prop_assume!(!graphemes.is_empty());
        let first = a % graphemes.len();
        let last = (first + len).min(graphemes.len());
        let at = graphemes[first].0;
        let end = graphemes.get(last).map_or(text.len(), |g| g.0);
        let mut query = text[at..end].to_string();
        if upper {
            query = query.to_ascii_uppercase();
        }
        let hits = glossa_core::find_all(&text, &query);
        let mut previous_end = 0;
        for h in &hits {
            prop_assert!(h.start >= previous_end && h.start < h.end);
            prop_assert_eq!(fold_str(&text[h.clone()]), fold_str(&query));
            previous_end = h.end;
        }
        // The occurrence the query was cut from is found, or lies inside an earlier hit.
        prop_assert!(hits.iter().any(|h| h.start <= at && at < h.end), "{:?} in {:?}: {:?}", query, text, hits);
    }
}
