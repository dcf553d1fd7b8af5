//! The article text with its spans, drawn in paragraph blocks. After an edit only the blocks
//! whose spans changed are repainted, and `content-visibility: auto` lets the browser skip
//! blocks far from the viewport, so a book-length text stays smooth.

use super::editor::EditorState;
use super::AppState;
use crate::browser::near_view::{NearView, Rendering};
use glossa_core::blocks::{
    blocks as cut_blocks, fingerprint, right_to_left, segments_in, spans_per_block,
};
use glossa_core::{Document, Span, SpanId, Unit};
use leptos::html::Div;
use leptos::prelude::*;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use wasm_bindgen::JsCast;

/// One drawn piece of text and the spans over it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// UTF-8 byte offset of the piece in the document.
    pub start: usize,
    pub text: String,
    /// The covering spans, outer first, as `s1 s7`: read back by clicks and matched by CSS.
    pub spans: String,
    /// The letters of the labels of spans that begin here (never the only signal).
    pub badge: String,
    /// Their names, which a screen reader says where the eye sees the letters.
    pub said: String,
    pub style: String,
}

/// One paragraph block and the pieces it shows.
#[derive(Clone)]
struct Block {
    /// Tells blocks of different documents apart in the keyed list.
    generation: u64,
    range: Range<usize>,
    /// UTF-16 offset of the block's first character: the DOM selection is measured from it.
    utf16_start: usize,
    /// The block's text, shown plain until the block nears the viewport.
    plain: String,
    /// About how many lines it takes in a wide window (its line breaks, and 150 characters a
    /// line): the style sheet's guess at its height until it is first drawn (main.css).
    lines: usize,
    /// True once the block has come near the viewport: only then are its pieces built.
    shown: ArcRwSignal<bool>,
    /// For a part of a long paragraph after its first, the paragraph's direction ("rtl" or
    /// "ltr"); a block that starts a paragraph finds its own.
    dir: Option<&'static str>,
    pieces: ArcRwSignal<Vec<Piece>>,
}

/// Blocks join paragraphs up to this many bytes.
const BLOCK_BYTES: usize = 2048;
/// A paragraph longer than this is shown in parts, each starting on a new line: a text pasted
/// without line breaks would otherwise be one block, laid out and repainted whole.
const LONGEST_BLOCK_BYTES: usize = 16 * 1024;
/// Blocks drawn with their spans at once, before the browser says what it renders: three
/// blocks of up to 2 KB fill a tall screen, and the rest are drawn after the first
/// paint (with eight, a 100 kB first open built and laid out five screens nobody sees yet).
const FIRST_SHOWN: usize = 3;
/// Blocks a chapter holds (see the view).
const CHAPTER_BLOCKS: usize = 16;
/// The class of a chapter whose text is not laid out yet (see [`far_chapters_wait`]).
const UNSEEN: &str = "unseen";
/// The chapters still waiting.
const WAITING: &str = ".chapter.unseen";
/// How long a waiting chapter waits at most for the page to be idle before it is shown.
const CHAPTER_IDLE_WAIT_MS: i32 = 1000;

/// True where far chapters wait, unseen, to be laid out: where the style sheet cannot skip
/// them itself (its `@supports` of the typed `attr()` their height guess needs, in main.css;
/// Chromium can). Firefox and WebKit lay out every `content-visibility: auto` block at the
/// first layout and only then skip the far ones: the 1 MB text was painted 0.26 s after the
/// wasm's start in Firefox here, 1.25 s in WebKit; 0.085 and 0.35 with chapters waiting. A
/// chapter past the first is `content-visibility: hidden` until it comes near the viewport or
/// the page is idle, one chapter at a time, so the whole text is soon there for find in page
/// and screen readers.
fn far_chapters_wait() -> bool {
    !web_sys::css::supports(
        "(contain-intrinsic-size: auto calc(attr(data-lines type(<number>), 448) * 1lh))",
    )
    .unwrap_or(false)
}

/// Lets a waiting chapter be laid out.
fn show_chapter(chapter: &web_sys::Element) {
    let _ = chapter.class_list().remove_1(UNSEEN);
}

/// Lets the chapter holding `element` be laid out, if it waits unseen: before anything is
/// scrolled to far text.
pub fn show_chapter_of(element: &web_sys::Element) {
    if let Ok(Some(chapter)) = element.closest(WAITING) {
        show_chapter(&chapter);
    }
}

/// The drawn pieces of span `id` in the text, in text order (none for a span in a block still
/// shown plain).
pub fn span_pieces(text: &web_sys::Element, id: SpanId) -> Vec<web_sys::HtmlElement> {
    text.query_selector_all(&format!("[data-spans~=\"{id}\"]"))
        .map(|found| {
            (0..found.length())
                .filter_map(|i| found.item(i)?.dyn_into().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Marks the elements inside `within` that show the selected span (`find` gives a span's)
/// with `mark(element, true)`, and those of the span selected before with `false`: only the
/// elements that change are touched, however long the text or the list.
pub fn mark_selected(
    selected: RwSignal<Option<SpanId>>,
    // Boxed, as `find` and `mark` are plain functions: one copy of the effect's code serves
    // both callers (a generic copy each took 0.5 KB more of the wasm).
    within: Box<dyn Fn() -> Option<web_sys::Element>>,
    find: fn(&web_sys::Element, SpanId) -> Vec<web_sys::HtmlElement>,
    mark: fn(&web_sys::HtmlElement, bool),
) {
    Effect::new(move |previous: Option<Option<SpanId>>| {
        let current = selected.get();
        if let Some(within) = within() {
            for (id, on) in [(previous.flatten(), false), (current, true)] {
                for element in id.map(|id| find(&within, id)).unwrap_or_default() {
                    mark(&element, on);
                }
            }
        }
        current
    });
}

/// A faint tint of a `#rrggbb` colour (a fifth of it), for backgrounds under the text: light
/// on the light page, dark on the dark one.
fn tint(color: &str) -> String {
    format!("{color}33")
}

/// The pieces of one block. Nested spans show as stacked underlines, one per span, outer
/// lowest, and the innermost span tints the background.
fn pieces(doc: &Document, range: Range<usize>, overlapping: &[&Span]) -> Vec<Piece> {
    // Looked up among the block's spans: `doc.span` walks every span in the document.
    let color_of = |id: SpanId| {
        overlapping
            .iter()
            .find(|s| s.id == id)
            .and_then(|s| doc.labels.get(&s.label))
            .map(|l| l.color.as_str())
            .unwrap_or("#777777")
    };
    segments_in(range, overlapping)
        .into_iter()
        .map(|seg| {
            let mut style = String::new();
            if let Some(&inner) = seg.spans.last() {
                // The first shadow paints on top: outer spans sit lowest, each inner span adds
                // a bar above.
                let bars: Vec<String> = seg
                    .spans
                    .iter()
                    .enumerate()
                    .map(|(depth, &id)| {
                        format!("inset 0 -{}px 0 {}", 3 * (depth + 1), color_of(id))
                    })
                    .collect();
                style = format!(
                    "background-color:{};box-shadow:{};padding-bottom:{}px",
                    tint(color_of(inner)),
                    bars.join(","),
                    3 * seg.spans.len()
                );
            }
            let (mut badge, mut said) = (String::new(), String::new());
            for s in overlapping.iter().filter(|s| s.start == seg.start) {
                badge.push(doc.labels.badge(&s.label));
                said.push_str(if said.is_empty() { "" } else { ", " });
                said.push_str(&s.label);
            }
            if !said.is_empty() {
                // "claim, actor: Sheikh Mohammed …"
                said.push(':');
            }
            Piece {
                start: seg.start,
                text: doc.text[seg.start..seg.end].to_string(),
                spans: seg
                    .spans
                    .iter()
                    .map(|id| id.to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
                badge,
                said,
                style,
            }
        })
        .collect()
}

/// Makes a block's drawn pieces `now` from `drawn`: the pieces both start and end with stay as
/// they are, the ones between are replaced. The pieces are the block's only elements. False
/// when nothing changed.
fn patch(
    block: &web_sys::Element,
    drawn: &[Piece],
    now: &[Piece],
    selected: Option<SpanId>,
) -> bool {
    let head = drawn.iter().zip(now).take_while(|(a, b)| a == b).count();
    let tail = drawn[head..]
        .iter()
        .rev()
        .zip(now[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    if head + tail == drawn.len() && drawn.len() == now.len() {
        return false;
    }
    let Ok(elements) = block.query_selector_all(":scope > span") else {
        return false;
    };
    for at in head..drawn.len() - tail {
        if let Some(gone) = elements.item(at as u32) {
            gone.unchecked_into::<web_sys::Element>().remove();
        }
    }
    // The first piece kept after the changed ones, if any.
    let before = elements.item((drawn.len() - tail) as u32);
    let document = document();
    for piece in &now[head..now.len() - tail] {
        let Ok(element) = document.create_element("span") else {
            break;
        };
        let set = |name: &str, value: &str| {
            let _ = element.set_attribute(name, value);
        };
        set("data-start", &piece.start.to_string());
        if !piece.spans.is_empty() {
            set("data-spans", &piece.spans);
            // Pieces drawn again after an edit start out right.
            let chosen = selected.is_some_and(|id| span_ids(&piece.spans).contains(&id));
            set(
                "class",
                if chosen {
                    "spanned selected"
                } else {
                    "spanned"
                },
            );
        }
        if !piece.badge.is_empty() {
            set("data-badge", &piece.badge);
            set("data-said", &piece.said);
        }
        if !piece.style.is_empty() {
            set("style", &piece.style);
        }
        element.set_text_content(Some(&piece.text));
        let _ = block.insert_before(&element, before.as_ref());
    }
    true
}

/// What all blocks share and would all change with: the label colours.
fn label_salt(doc: &Document) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for l in doc.labels.iter() {
        (&l.name, &l.color).hash(&mut h);
    }
    h.finish()
}

/// Shows the first chapter still waiting once the page is idle, then the next the next time,
/// until none is left. Each is laid out there and then, in the idle time, so the next waits for
/// the next idle time (a frame at least, where the browser cannot tell when it is idle). From
/// the first time on (the chapters are in the page by then), each is also shown as it comes
/// within a screen of the viewport, by `near`.
fn show_waiting_chapters(text_ref: NodeRef<Div>, near: Option<NearView>) {
    let next = move || {
        let Some(text) = text_ref.try_get_untracked().flatten() else {
            return;
        };
        let near = near.or_else(|| {
            let near = NearView::new(None, "100% 0px", |chapter| {
                show_chapter(chapter);
                true
            })?;
            let waiting = text.query_selector_all(WAITING).ok()?;
            for i in 0..waiting.length() {
                if let Some(chapter) = waiting.item(i).and_then(|c| c.dyn_into().ok()) {
                    near.watch(&chapter);
                }
            }
            Some(near)
        });
        let Some(chapter) = text.query_selector(WAITING).ok().flatten() else {
            return;
        };
        show_chapter(&chapter);
        if let Some(near) = &near {
            near.forget(&chapter);
        }
        // Laid out now, in this idle time (WebKit here showed about 20 chapters a second).
        let _ = chapter.client_height();
        show_waiting_chapters(text_ref, near);
    };
    crate::browser::when_idle(
        wasm_bindgen::closure::Closure::once_into_js(next),
        CHAPTER_IDLE_WAIT_MS,
    );
}

/// Parses a piece's `data-spans` back into span ids, outer first.
pub fn span_ids(attribute: &str) -> Vec<SpanId> {
    attribute
        .split_whitespace()
        .filter_map(|s| s.strip_prefix('s')?.parse().ok().map(SpanId))
        .collect()
}

/// The text's element id: the keyboard's focus goes there when a document opens, and back
/// there from the note with Escape.
pub const TEXT_ID: &str = "doc-text";

/// The article text. `selected` gets an outline through one CSS rule, so selecting a span
/// touches no piece of the text.
#[component]
pub fn TextView(
    text_ref: NodeRef<Div>,
    /// Bumped after pieces are redrawn.
    drawn: RwSignal<u32>,
    selected: RwSignal<Option<SpanId>>,
    #[prop(into)] on_click: Callback<leptos::ev::MouseEvent>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let editor = expect_context::<EditorState>();
    let blocks = RwSignal::new(Vec::<Block>::new());
    // (document id, generation, fingerprint of each block as last painted)
    let painted = StoredValue::new((String::new(), 0u64, Vec::<u64>::new()));
    // Where the browser cannot say when it starts rendering a block (before 2024), every block
    // is drawn at once: slower to open a long text, but nothing is left undrawn.
    let drawn_lazily = Rendering::told();
    // Bumped when something changed the shown text after all (see `on:input` below).
    let redraw = RwSignal::new(0u32);
    // Bumped when blocks are shown: one signal to follow, not one per block (the 1 MB text has
    // about 450, and every run of the effect below unsubscribed and subscribed each again).
    let more_shown = RwSignal::new(0u32);
    // Far chapters wait to be laid out (see `far_chapters_wait`).
    let chapters_wait = far_chapters_wait();

    Effect::new(move |_| {
        redraw.track();
        more_shown.track();
        state.document.with(|doc| {
            let Some(doc) = doc else { return };
            let per_block;
            let new_layout = painted.with_value(|(id, _, _)| *id != doc.id);
            if new_layout {
                let ranges = cut_blocks(&doc.text, BLOCK_BYTES, LONGEST_BLOCK_BYTES);
                // Through the editor's index, built once per document for tagging and search
                // too (indexing the 1 MB text takes milliseconds).
                // Each block's UTF-16 start, then the text's end.
                let utf16_bounds: Vec<usize> = editor
                    .with_index(|_, ix| {
                        let at = |byte| ix.convert(byte, Unit::Utf8, Unit::Utf16).unwrap_or(0);
                        let starts = ranges.iter().map(|r| at(r.start));
                        starts.chain([at(doc.text.len())]).collect()
                    })
                    .unwrap_or_default();
                let generation = painted.with_value(|p| p.1) + 1;
                // Where the paragraph the next block goes on with starts.
                let mut paragraph_start = 0;
                let layout: Vec<Block> = ranges
                    .into_iter()
                    .enumerate()
                    .map(|(i, range)| {
                        let continues = range.start > paragraph_start;
                        let dir = continues.then(|| {
                            match right_to_left(&doc.text[paragraph_start..range.end]) {
                                Some(true) => "rtl",
                                _ => "ltr",
                            }
                        });
                        if let Some(at) = doc.text[range.clone()].rfind('\n') {
                            paragraph_start = range.start + at + 1;
                        }
                        let utf16_start = utf16_bounds.get(i).copied().unwrap_or(0);
                        let utf16_end = utf16_bounds.get(i + 1).copied().unwrap_or(utf16_start);
                        Block {
                            generation,
                            utf16_start,
                            lines: doc.text[range.clone()].matches('\n').count()
                                + utf16_end.saturating_sub(utf16_start) / 150,
                            plain: doc.text[range.clone()].to_string(),
                            range,
                            shown: ArcRwSignal::new(i < FIRST_SHOWN || !drawn_lazily),
                            dir,
                            pieces: ArcRwSignal::new(Vec::new()),
                        }
                    })
                    .collect();
                painted.set_value((doc.id.clone(), generation, vec![u64::MAX; layout.len()]));
                if chapters_wait && layout.len() > CHAPTER_BLOCKS {
                    show_waiting_chapters(text_ref, None);
                }
                per_block = spans_per_block(
                    &layout.iter().map(|b| b.range.clone()).collect::<Vec<_>>(),
                    doc.spans(),
                );
                blocks.set(layout);
            } else {
                per_block = blocks.with_untracked(|b| {
                    spans_per_block(
                        &b.iter().map(|b| b.range.clone()).collect::<Vec<_>>(),
                        doc.spans(),
                    )
                });
            }
            let salt = label_salt(doc);
            blocks.with_untracked(|layout| {
                painted.update_value(|(_, _, prints)| {
                    for ((block, overlapping), print) in
                        layout.iter().zip(&per_block).zip(prints.iter_mut())
                    {
                        // A block coming into view runs this again (`more_shown`) to draw it.
                        if !block.shown.get_untracked() {
                            continue;
                        }
                        let now = fingerprint(doc.spans(), overlapping, salt);
                        if now != *print {
                            let spans: Vec<&Span> =
                                overlapping.iter().map(|&i| &doc.spans()[i]).collect();
                            block.pieces.set(pieces(doc, block.range.clone(), &spans));
                            *print = now;
                        }
                    }
                });
            });
        });
    });

    // Blocks far from the viewport stay plain text, and get their spans as the browser starts
    // rendering them (within a couple of screens): it watches every block for
    // `content-visibility: auto` anyway (an observer of our own watching the same blocks cost
    // 2.4 ms of each frame that changed the layout on the 1 MB text). A browser may say a far
    // block is rendered before it finds it is far (WebKit says so of every block at first;
    // Chromium did of dozens while blocks were guessed 4em tall), so a block is drawn only if
    // it is still rendered two frames after the browser said so.
    let rendering = StoredValue::new_local(None::<Rendering>);
    on_cleanup(move || rendering.set_value(None));
    // (block index, rendered), in the order the browser told them, not acted on yet.
    let told = StoredValue::new_local(Vec::<(usize, bool)>::new());
    let act_on_told = move || {
        let Some(news) = told.try_update_value(std::mem::take) else {
            return;
        };
        blocks.with_untracked(|blocks| {
            let mut latest = vec![false; blocks.len()];
            for (i, rendered) in news {
                if let Some(latest) = latest.get_mut(i) {
                    *latest = rendered;
                }
            }
            let mut any = false;
            for (block, rendered) in blocks.iter().zip(latest) {
                if rendered && !block.shown.get_untracked() {
                    block.shown.set(true);
                    any = true;
                }
            }
            if any {
                more_shown.update(|n| *n = n.wrapping_add(1));
            }
        });
    };
    Effect::new(move |_| {
        if let (Some(text), true) = (text_ref.get(), rendering.with_value(Option::is_none)) {
            rendering.set_value(Rendering::new(&text, move |target, rendered| {
                let Some(i) = target.get_attribute("data-i").and_then(|i| i.parse().ok()) else {
                    return;
                };
                let first = told.with_value(Vec::is_empty);
                told.update_value(|t| t.push((i, rendered)));
                if first {
                    request_animation_frame(move || request_animation_frame(act_on_told));
                }
            }));
        }
    });
    // Printing (or saving as PDF) shows the whole text: the blocks still plain get their spans.
    let _print = window_event_listener_untyped("beforeprint", move |_| {
        blocks.with_untracked(|b| b.iter().for_each(|b| b.shown.set(true)));
        more_shown.update(|n| *n = n.wrapping_add(1));
    });
    // The selected span's pieces get a class. Toggled on just those elements: changing a
    // style sheet instead would restyle every piece of a long text.
    mark_selected(
        selected,
        Box::new(move || text_ref.get().map(Into::into)),
        span_pieces,
        |piece, on| {
            let _ = piece.class_list().toggle_with_force("selected", on);
        },
    );

    // One paragraph block, `index` in the text.
    let block_view = move |index: usize, block: Block| {
        let pieces = block.pieces.clone();
        let shown = block.shown.clone();
        let plain = block.plain.clone();
        let block_ref = NodeRef::<Div>::new();
        // The pieces are put in by hand, only those that changed: a keyed list
        // moved every piece after a new span in the DOM (a tag on the 1 MB text
        // moved about 120 nodes, 20 ms).
        Effect::new(move |before: Option<Vec<Piece>>| {
            let now = pieces.get();
            if let Some(block) = block_ref.get() {
                // Only a real redraw repaints what points into the text (a block
                // still plain, or pieces set again unchanged, change nothing).
                if patch(
                    &block,
                    before.as_deref().unwrap_or_default(),
                    &now,
                    selected.get_untracked(),
                ) {
                    drawn.update(|n| *n = n.wrapping_add(1));
                }
            }
            now
        });
        view! {
            <div class="block" class:part=block.dir.is_some() dir=block.dir data-u16=block.utf16_start data-i=index node_ref=block_ref data-lines=block.lines
                data-plain={let shown = shown.clone(); move || (!shown.get()).then_some("")}>
                // The text stays plain until the block nears the screen.
                {let shown = shown.clone(); move || (!shown.get()).then(|| plain.clone())}
            </div>
        }
    };

    view! {
        // Editable only so the keyboard gets a caret and Shift+arrows selections; every change
        // to the text itself is refused before it happens.
        <div class="doc-text" id=TEXT_ID node_ref=text_ref on:click=move |ev| on_click.run(ev)
            // No on-screen keyboard on a phone: the text takes no typing (the label menu tags).
            contenteditable="true" spellcheck="false" autocapitalize="off"
            inputmode="none"
            role="textbox" aria-readonly="true" aria-multiline="true" aria-label="Article text"
            on:beforeinput=|ev| ev.prevent_default()
            // Every change to the text is refused before it happens, but a few cannot be (an
            // input method's composition, when it reaches the text at all): one that got through
            // is undone by drawing the whole text again, as it is in the document.
            on:input=move |_| {
                painted.update_value(|(id, _, _)| id.clear());
                redraw.update(|n| *n += 1);
            }
            on:paste=|ev| ev.prevent_default()
            on:cut=|ev| ev.prevent_default()
            on:drop=|ev| ev.prevent_default()
            on:dragstart=|ev| ev.prevent_default()>
            // Blocks go in chapters, each skipped whole by the browser while far from the
            // screen: with the blocks of a long text side by side, every frame that changed the
            // layout went through all of them (on 1 MB, 439: 0.6 ms of Chromium's watch over
            // content-visibility and 0.4 of hit testing a tag, 0.1 each in chapters).
            <For each=move || blocks.with(|b| b.chunks(CHAPTER_BLOCKS).map(<[Block]>::to_vec).enumerate().collect::<Vec<_>>())
                key=|(i, c)| (c[0].generation, *i) let:((i, chapter))>
                {
                    let lines: usize = chapter.iter().map(|b| b.lines).sum();
                    let blocks = chapter.into_iter().enumerate();
                    // Where far chapters wait (see `far_chapters_wait`), the first is laid out
                    // at once and the others wait, each as tall as 16 blocks' guesses.
                    let waits = chapters_wait && i > 0;
                    view! {
                        <div class="chapter" class:unseen=waits data-lines=lines>
                            {blocks.map(|(k, block)| block_view(i * CHAPTER_BLOCKS + k, block)).collect_view()}
                        </div>
                    }
                }
            </For>
        </div>
    }
}
