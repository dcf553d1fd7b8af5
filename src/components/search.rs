//! Search in the text: every hit highlighted, Enter to walk through them, and **Tag all hits**
//! with one label in one undoable step (for a name that recurs through an article).

use super::editor::EditorState;
use super::library::open_id;
use crate::browser::{highlight, selection};
use glossa_core::words::count;
use glossa_core::{Edit, Unit};
use leptos::html::Input;
use leptos::prelude::*;
use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// The highlight's name, styled by `::highlight(glossa-search)` in the style sheet.
const HIGHLIGHT: &str = "glossa-search";
/// More hits than this are counted but not painted, so a one-letter query stays quick.
const MAX_PAINTED: usize = 5_000;

#[component]
pub fn SearchBar(input_ref: NodeRef<Input>) -> impl IntoView {
    let editor = expect_context::<EditorState>();
    let app = editor.app;
    let query = RwSignal::new(String::new());
    // Which hit Enter last showed, counted from 1 as the count says it ("3 of 12"); 0 until
    // the first Enter after the query changed.
    let shown = RwSignal::new(0usize);
    let whole_words = RwSignal::new(false);
    let tag_label = RwSignal::new(String::new());
    let tagging = RwSignal::new(false);

    // A document's text never changes: the hits are found again for another document, not
    // after every edit (a search over a megabyte takes 20 ms).
    let text_of = Memo::new(move |_| app.document.with(|d| d.as_ref().map(|d| d.id.clone())));
    // Byte ranges of every hit, case-insensitive.
    let hits = Memo::new(move |_| {
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::<Range<usize>>::new();
        }
        let whole = whole_words.get();
        text_of.track();
        app.document.with_untracked(|d| {
            d.as_ref()
                .map(|d| {
                    let found = d.search(&q);
                    if whole {
                        glossa_core::search::whole_words(&d.text, found)
                    } else {
                        found
                    }
                })
                .unwrap_or_default()
        })
    });

    // Paint the hits; the text view's DOM is not touched. Only the hits in paragraph blocks
    // drawn so far are painted: Chromium rebuilds its marker for every painted range at each
    // change to the page, so 5,000 hits of "the" painted over the 1 MB text cost every tag
    // about 15 ms (51 against 34 ms), and the blocks not drawn yet are not rendered anyway. A painted range points
    // into the text nodes of its block, so when the text view redraws pieces of the text (a
    // tag, a block drawn as it nears the screen) the hits in the pieces it took out, and those
    // in blocks drawn since, are painted, and only those: painting every hit again after each
    // tag made a tag on the 1 MB text take tens of ms more.
    let painted = Rc::new(RefCell::new(Painted::default()));
    Effect::new(move |_| {
        let found = hits.get();
        editor.drawn.track();
        let Some(container) = editor.text_ref.get() else {
            return;
        };
        let mut painted = painted.borrow_mut();
        // The same hits in another document may lie elsewhere in UTF-16.
        let document = text_of.get();
        if painted.found != found || painted.document != document {
            highlight::clear(HIGHLIGHT);
            let utf16 = editor
                .with_index(|_, ix| {
                    found
                        .iter()
                        .take(MAX_PAINTED)
                        .filter_map(|hit| {
                            let (a, b) = ix
                                .convert_range((hit.start, hit.end), Unit::Utf8, Unit::Utf16)
                                .ok()?;
                            Some((a as u32, b as u32))
                        })
                        .collect()
                })
                .unwrap_or_default();
            *painted = Painted {
                document,
                found,
                utf16,
                ranges: Vec::new(),
            };
        }
        if !painted.utf16.is_empty() {
            painted.repaint(&mut highlight::TextLocator::new(&container));
        }
    });
    on_cleanup(|| highlight::clear(HIGHLIGHT));

    // Scrolls hit `i` into view.
    let show = move |i: usize| {
        let n = hits.with_untracked(Vec::len);
        if n == 0 {
            return;
        }
        let i = i % n;
        shown.set(i + 1);
        let (Some(container), Some(hit)) = (
            editor.text_ref.get_untracked(),
            hits.with_untracked(|h| h.get(i).cloned()),
        ) else {
            return;
        };
        let Some(Ok((a, b))) = editor
            .with_index(|_, ix| ix.convert_range((hit.start, hit.end), Unit::Utf8, Unit::Utf16))
        else {
            return;
        };
        if let Some(range) = highlight::TextLocator::new(&container).range(a as u32, b as u32) {
            if let Ok(Some(parent)) = range.start_container().map(|n| n.parent_element()) {
                super::text_view::show_chapter_of(&parent);
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Center);
                parent.scroll_into_view_with_scroll_into_view_options(&options);
            }
            // Select the hit, so a label key tags it.
            selection::select_range(&range);
        }
    };

    let labels = move || {
        editor
            .labels
            .with(|l| l.iter().map(|l| l.name.clone()).collect::<Vec<_>>())
    };
    // The label the menu shows: the one last chosen while it still exists, else the first
    // (the menu is drawn anew each time the search finds hits again).
    let chosen = move || {
        let all = labels();
        let wanted = tag_label.get();
        if all.contains(&wanted) {
            wanted
        } else {
            all.into_iter().next().unwrap_or_default()
        }
    };

    // The first Enter shows the first hit (Shift: the last), then each walks on; from the
    // search box, or from the text once a hit is selected there (EditorState::walk_hits).
    let walk = move |back: bool| {
        // Nothing to walk without hits: `show` does nothing then.
        let n = hits.with_untracked(Vec::len).max(1);
        show(match (shown.get_untracked(), back) {
            (0, false) => 0,
            (0, true) => n - 1,
            (at, false) => at,
            (at, true) => at + n - 2,
        });
    };
    Effect::new(move |_| {
        if let Some(back) = editor.walk_hits.get() {
            untrack(|| walk(back));
            editor.walk_hits.set(None);
        }
    });

    // Busy, the button says so rather than being disabled (that dropped the keyboard's focus).
    let tag_all = move |_| {
        if tagging.get_untracked() {
            return;
        }
        let label = untrack(chosen);
        let found = hits.get_untracked();
        // Hits this label already tags are left out, and the count says so.
        let edits: Vec<Edit> = app.document.with_untracked(|d| {
            found
                .iter()
                .filter(|r| {
                    d.as_ref()
                        .is_some_and(|d| d.find_span(&label, r.start, r.end).is_none())
                })
                .map(|r| Edit::add_span(&label, r.start, r.end))
                .collect()
        });
        if edits.is_empty() {
            if found.is_empty() {
                editor.say("No hits to tag.");
            } else {
                editor.tell(format!("Every hit is already tagged as {label}."));
            }
            return;
        }
        let n = edits.len();
        let skipped = found.len() - n;
        let document = open_id(&app);
        let apply = move || {
            tagging.set(false);
            // The hits were found in this document; another may be open by now.
            if open_id(&app) != document {
                editor.say("Not tagged: another document was opened.");
                return;
            }
            if editor.change(Edit::group(edits)) {
                let already = match skipped {
                    0 => String::new(),
                    1 => " (1 already was)".into(),
                    _ => format!(" ({skipped} already were)"),
                };
                editor.tell(format!(
                    "Tagged {} as {label}{already}. Ctrl+Z takes {} back.",
                    count(n, "hit"),
                    if n == 1 { "it" } else { "them all" }
                ));
            }
        };
        // Thousands of new spans take a moment to lay out: the button waits meanwhile.
        tagging.set(true);
        editor.tell_first(n, || format!("Tagging {}…", count(n, "hit")), apply);
    };

    view! {
        <div class="search" role="search">
            <input type="search" node_ref=input_ref placeholder="Search" title="Search the text (Ctrl+F)" aria-label="Search the text"
                prop:value=move || query.get()
                on:input=move |ev| { query.set(event_target_value(&ev)); shown.set(0); }
                on:keydown=move |ev| {
                    match ev.key().as_str() {
                        "Enter" => {
                            ev.prevent_default();
                            walk(ev.shift_key());
                        }
                        // Escape clears the search, then goes back to the text.
                        "Escape" if query.with_untracked(String::is_empty) => {
                            super::focus_when_drawn(super::text_view::TEXT_ID.into());
                        }
                        "Escape" => query.set(String::new()),
                        _ => {}
                    }
                }/>
            <span class="hits" aria-live="polite">
                {move || {
                    let n = hits.with(Vec::len);
                    match (query.with(|q| q.trim().is_empty()), shown.get()) {
                        (true, _) => String::new(),
                        (false, at) if at > 0 && n > 0 => format!("{at} of {}", count(n, "hit")),
                        (false, _) => count(n, "hit"),
                    }
                }}
            </span>
            // Shown while there is a query; drawn once, so the first key of a search draws no more.
            <label class="toggle" class:idle=move || query.with(|q| q.trim().is_empty())
                title="Only hits that are whole words: US, not discussions">
                <input type="checkbox" prop:checked=move || whole_words.get()
                    on:change=move |ev| { whole_words.set(event_target_checked(&ev)); shown.set(0); }/>
                "Whole words"
            </label>
            <Show when=move || hits.with(|h| !h.is_empty())>
                <select aria-label="Label for all hits" on:change=move |ev| tag_label.set(event_target_value(&ev))>
                    {move || labels().into_iter().map(|l| view! { <option value=l.clone() prop:selected=chosen() == l>{l.clone()}</option> }).collect_view()}
                </select>
                <button on:click=tag_all disabled=move || app.read_only.get() aria-disabled=move || tagging.get().to_string() aria-busy=move || tagging.get().to_string()>"Tag all hits"</button>
            </Show>
        </div>
    }
}

/// The search hits as painted: in which document, which hits (UTF-8 bytes, and UTF-16 for the
/// page), and a range over each painted hit with the text nodes it starts and ends in.
#[derive(Default)]
struct Painted {
    document: Option<String>,
    found: Vec<Range<usize>>,
    utf16: Vec<(u32, u32)>,
    ranges: Vec<Option<(JsValue, [web_sys::Node; 2])>>,
}

impl Painted {
    /// Paints the hits in drawn blocks not painted yet, and paints again those whose text
    /// nodes are no longer in the page (their pieces were redrawn, or another document is shown).
    fn repaint(&mut self, locator: &mut highlight::TextLocator) {
        self.ranges.resize(self.utf16.len(), None);
        let (mut old, mut new) = (Vec::new(), Vec::new());
        for (&(a, b), painted) in self.utf16.iter().zip(&mut self.ranges) {
            if let Some((range, ends)) = painted {
                if ends.iter().all(|node| node.is_connected()) {
                    continue;
                }
                old.push(range.clone());
            }
            *painted = if locator.in_plain_block(a) {
                None
            } else {
                locator.static_range(a, b)
            };
            if let Some((range, _)) = painted {
                new.push(range.clone());
            }
        }
        let _ = highlight::change(HIGHLIGHT, &old, &new);
    }
}
