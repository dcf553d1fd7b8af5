//! Times the core on a large document: a seeded 1 MB text with 10,000 spans.
//!
//! `cargo run --release -p glossa-core --example bench_core [-- BYTES SPANS SEED]`
//!
//! Budgets (native release): adding or removing one span and recomputing its segments under
//! 1 ms; building every segment from scratch under 50 ms; writing and reading back the document
//! in each tool's format well under a second (each once took seconds to a minute).

use glossa_core::formats::{export, import, ExportOptions, Format, InputFile};
use glossa_core::{segments, update_segments, Document, Edit, History, TextIndex, Unit};
use std::time::{Duration, Instant};

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const WORDS: &[&str] = &[
    "the",
    "talks",
    "said",
    "Qatar",
    "captives",
    "were",
    "freed",
    "100",
    "€2.5",
    "billion",
    "Zoë",
    "Müller",
    "José",
    "Álvarez",
    "محمد",
    "李明",
    "שלום",
    "aid",
    "would",
    "reach",
    "😀",
    "👍🏽",
    "🇶🇦",
    "e\u{301}té",
    "minister",
    "announced",
    "truce",
];

/// A text of about `bytes` bytes in sentences and paragraphs, and the start of every word.
fn text(rng: &mut Rng, bytes: usize) -> (String, Vec<(usize, usize)>) {
    let mut text = String::with_capacity(bytes + 64);
    let mut words = Vec::new();
    while text.len() < bytes {
        let w = WORDS[rng.below(WORDS.len())];
        words.push((text.len(), text.len() + w.len()));
        text.push_str(w);
        text.push_str(match rng.below(40) {
            0 => ".\r\n\r\n",
            1..=3 => ", ",
            4 => ".\u{a0}",
            _ => " ",
        });
    }
    (text, words)
}

/// A random run of 1 to 12 words, as a byte range.
fn words_range(rng: &mut Rng, words: &[(usize, usize)]) -> (usize, usize) {
    let first = rng.below(words.len());
    let last = (first + rng.below(12)).min(words.len() - 1);
    (words[first].0, words[last].1)
}

fn label(rng: &mut Rng) -> &'static str {
    ["actor", "figure", "claim"][rng.below(3)]
}

/// Median, 99th percentile and worst of some timings.
fn summary(mut t: Vec<Duration>) -> String {
    t.sort();
    let at = |q: f64| t[((t.len() - 1) as f64 * q) as usize];
    format!(
        "median {:>9.1?}  p99 {:>9.1?}  max {:>9.1?}",
        at(0.5),
        at(0.99),
        t[t.len() - 1]
    )
}

fn time<R>(f: impl FnOnce() -> R) -> (R, Duration) {
    let start = Instant::now();
    let r = f();
    (r, start.elapsed())
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numbers: BYTES SPANS SEED"))
        .collect();
    let bytes = args.first().copied().unwrap_or(1_000_000);
    let span_count = args.get(1).copied().unwrap_or(10_000);
    let mut rng = Rng(args.get(2).copied().unwrap_or(42) as u64 | 1);

    let (text, words) = text(&mut rng, bytes);
    let mut doc = Document::new("bench", "Bench", &text, 0);
    let (_, build) = time(|| {
        while doc.spans().len() < span_count {
            let (s, e) = words_range(&mut rng, &words);
            let l = label(&mut rng);
            doc.add_span(l, s, e, Unit::Utf8).unwrap();
        }
    });
    println!(
        "text {} bytes, {} spans (added in {:.1?}, {:.1?} each)",
        text.len(),
        doc.spans().len(),
        build,
        build / span_count as u32
    );

    let (_, index) = time(|| TextIndex::new(&doc.text));
    println!("index for unit conversion: {index:.1?}");

    let full: Vec<Duration> = (0..20)
        .map(|_| time(|| segments(doc.text.len(), doc.spans())).1)
        .collect();
    let segs = segments(doc.text.len(), doc.spans());
    println!(
        "all segments from scratch ({} segments):  {}",
        segs.len(),
        summary(full)
    );

    // What every read from storage adds: checking a whole document (it changes nothing).
    let checks: Vec<Duration> = (0..20)
        .map(|_| {
            let mut copy = doc.clone();
            time(move || assert!(copy.repair().is_empty())).1
        })
        .collect();
    println!("repair check of the whole document:  {}", summary(checks));

    // One span added, then removed, each followed by recomputing its segments, through the
    // history as the app does it.
    let mut history = History::default();
    let mut segs = segs;
    let (mut add, mut remove, mut undo, mut redo) = (vec![], vec![], vec![], vec![]);
    for _ in 0..2000 {
        let (s, e) = words_range(&mut rng, &words);
        let l = label(&mut rng);
        let ((), t) = time(|| {
            history
                .do_edit(&mut doc, Edit::add_span(l, s, e))
                .expect("words are on boundaries");
            update_segments(&mut segs, s..e, doc.spans());
        });
        add.push(t);
        let id = doc.find_span(l, s, e).expect("just added");
        let span = doc.span(id).unwrap().clone();
        let ((), t) = time(|| {
            history
                .do_edit(&mut doc, Edit::RemoveSpan { id })
                .expect("exists");
            update_segments(&mut segs, span.start..span.end, doc.spans());
        });
        remove.push(t);
        let ((), t) = time(|| {
            history.undo(&mut doc).unwrap();
            update_segments(&mut segs, span.start..span.end, doc.spans());
        });
        undo.push(t);
        let ((), t) = time(|| {
            history.redo(&mut doc).unwrap();
            update_segments(&mut segs, span.start..span.end, doc.spans());
        });
        redo.push(t);
    }
    assert_eq!(
        segs,
        segments(doc.text.len(), doc.spans()),
        "incremental segments drifted"
    );
    println!("add one span + its segments:     {}", summary(add));
    println!("remove one span + its segments:  {}", summary(remove));
    println!("undo (restore) + its segments:   {}", summary(undo));
    println!("redo (remove) + its segments:    {}", summary(redo));

    let searches: Vec<Duration> = ["qatar", "ZOË", "李明", "e\u{301}té"]
        .iter()
        .map(|q| time(|| doc.search(q)).1)
        .collect();
    let hits = doc.search("qatar").len();
    println!(
        "search the whole text ({hits} hits for \"qatar\"): {}",
        summary(searches)
    );

    // "Tag all hits" on a common word: thousands of spans as one step, then undone and redone.
    let hits = doc.search("the");
    let spans_before = doc.spans().len();
    let edits: Vec<Edit> = hits
        .iter()
        .map(|r| Edit::add_span("figure", r.start, r.end))
        .collect();
    let (_, tag_all) = time(|| history.do_group(&mut doc, edits).expect("hits are ranges"));
    let added = doc.spans().len() - spans_before;
    let (_, undo_all) = time(|| history.undo(&mut doc).unwrap());
    assert_eq!(doc.spans().len(), spans_before, "undo took every hit back");
    let (_, redo_all) = time(|| history.redo(&mut doc).unwrap());
    assert_eq!(
        doc.spans().len(),
        spans_before + added,
        "redo tagged them again"
    );
    let (_, segs_all) = time(|| segments(doc.text.len(), doc.spans()));
    println!(
        "tag all {} hits of \"the\" ({added} new): {tag_all:.1?}, undo {undo_all:.1?}, redo {redo_all:.1?}, segments after {segs_all:.1?}",
        hits.len()
    );

    // Each tool's format, written and read back, as the converter and the app's worker do.
    for format in Format::ALL {
        let (exported, write) = time(|| {
            export(
                format,
                std::slice::from_ref(&doc),
                &ExportOptions::default(),
            )
        });
        let exported = exported.expect("the document exports");
        let files: Vec<InputFile> = exported.files.iter().map(|f| f.as_input()).collect();
        let (imported, read) = time(|| import(format, &files, 0));
        let spans = imported.expect("what was written reads back").documents[0]
            .spans()
            .len();
        println!(
            "{:<13} write {write:>9.1?}, read back {read:>9.1?} ({spans} of {} spans)",
            format.name(),
            doc.spans().len()
        );
    }
}
