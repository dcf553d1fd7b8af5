//! The span list beside the text: every span in text order with its label, quote and note
//! marker, counts per label, a label filter, and for each claim who said it.

use super::editor::EditorState;
use super::text_view::mark_selected;
use crate::browser::near_view::NearView;
use glossa_core::words::shorten;
use glossa_core::SpanId;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// How many rows the list draws at first, and adds whenever its end scrolls near: a book can
/// have ten thousand spans, and every row drawn is laid out and painted again on each edit
/// (with 200 rows a tag's frame on a 1 MB text took ~21 ms, with 50 ~13 ms).
const PAGE: usize = 50;

#[derive(Clone, PartialEq)]
struct Row {
    id: SpanId,
    label: String,
    /// The label's letter, as the text shows it beside the span.
    badge: char,
    color: String,
    quote: String,
    note: bool,
    said_by: Vec<String>,
}

#[component]
pub fn SpanList() -> impl IntoView {
    let editor = expect_context::<EditorState>();
    let filter = RwSignal::new(String::new());
    let shown = RwSignal::new(PAGE);
    // The selected span's row is marked by hand, just the two rows that change: a closure per
    // row reading the selection ran again on every row at each select, and each unsubscribed
    // and subscribed again in lists linear in the rows (2,000 rows drawn: 92 ms of a tag's 144).
    let list_ref = NodeRef::<leptos::html::Ol>::new();
    mark_selected(
        editor.selected,
        Box::new(move || list_ref.get().map(Into::into)),
        |list, id| {
            list.query_selector(&format!("[data-span=\"{id}\"]"))
                .ok()
                .flatten()
                .and_then(|row| row.dyn_into().ok())
                .into_iter()
                .collect()
        },
        |row, on| {
            let _ = row.class_list().toggle_with_force("current", on);
            let _ = match on {
                true => row.set_attribute("aria-current", "true"),
                false => row.remove_attribute("aria-current"),
            };
        },
    );

    // The spans per label, in one pass over the spans per edit.
    let counts = Memo::new(move |_| {
        editor.app.document.with(|d| {
            let Some(d) = d.as_ref() else {
                return Vec::new();
            };
            let mut per_label = vec![0usize; d.labels.len()];
            for span in d.spans() {
                if let Some(i) = d.labels.iter().position(|l| l.name == span.label) {
                    per_label[i] += 1;
                }
            }
            d.labels
                .iter()
                .zip(per_label)
                .map(|(l, n)| (l.name.clone(), l.color.clone(), d.labels.badge(&l.name), n))
                .collect::<Vec<_>>()
        })
    });

    let rows = Memo::new(move |_| {
        let wanted = filter.get();
        editor.app.document.with(|d| {
            let Some(d) = d.as_ref() else {
                return (Vec::new(), 0);
            };
            let matching: Vec<_> = d
                .spans()
                .iter()
                .filter(|s| wanted.is_empty() || s.label == wanted)
                .collect();
            let total = matching.len();
            let page = &matching[..total.min(shown.get())];
            // Who said each claim on this page, from one pass over the relations.
            // As plain numbers: sorting them shares the sort the text's segments use (a sort
            // of its own added 3 KB to the wasm).
            let mut on_page: Vec<usize> = page.iter().map(|s| s.id.0 as usize).collect();
            on_page.sort_unstable();
            let said_by: Vec<(SpanId, String)> = d
                .relations()
                .iter()
                .filter(|r| {
                    r.kind == "said-by" && on_page.binary_search(&(r.from.0 as usize)).is_ok()
                })
                .filter_map(|r| d.span(r.to).map(|a| (r.from, shorten(d.quote(a), 40))))
                .collect();
            let rows = page
                .iter()
                .map(|s| Row {
                    id: s.id,
                    label: s.label.clone(),
                    badge: d.labels.badge(&s.label),
                    color: d
                        .labels
                        .get(&s.label)
                        .map(|l| l.color.clone())
                        .unwrap_or_default(),
                    quote: shorten(d.quote(s), 70),
                    note: s.note.is_some(),
                    said_by: said_by
                        .iter()
                        .filter(|(claim, _)| *claim == s.id)
                        .map(|(_, who)| who.clone())
                        .collect(),
                })
                .collect::<Vec<_>>();
            (rows, total)
        })
    });

    // The next page is drawn when the "Show more" button at the list's end comes within 300 px
    // below the side panel's view (the button stays, for keyboard users).
    let more = NodeRef::<leptos::html::Button>::new();
    let near_end = StoredValue::new_local(None::<NearView>);
    on_cleanup(move || near_end.set_value(None));
    Effect::new(move |_| {
        rows.track();
        let Some(button) = more.get() else {
            return;
        };
        if near_end.with_value(Option::is_none) {
            let root = button.closest(".side").ok().flatten();
            near_end.set_value(NearView::new(
                root.as_ref(),
                "0px 0px 300px 0px",
                move |_| {
                    shown.update(|n| *n += PAGE);
                    true
                },
            ));
        }
        // Watched afresh with each page: a button still near after one is told again at once.
        near_end.with_value(|near| {
            if let Some(near) = near {
                near.forget(&button);
                near.watch(&button);
            }
        });
    });

    view! {
        <section class="span-list" aria-label="Span list">
            <h3>"Spans"</h3>
            <p class="counts">
                {move || counts.get().into_iter().map(|(name, color, badge, n)| view! {
                    <span class="count" style=format!("--label-color:{color}")>
                        <span class="chip" aria-hidden="true">{badge.to_string()}</span>
                        {format!("{name}: {n}")}
                    </span>
                }).collect_view()}
            </p>
            <label class="filter">"Show "
                <select aria-label="Filter spans by label" on:change=move |ev| { filter.set(event_target_value(&ev)); shown.set(PAGE); }>
                    <option value="">"all labels"</option>
                    {move || editor.labels.get().into_iter().map(|l| view! { <option value=l.name.clone()>{l.name.clone()}</option> }).collect_view()}
                </select>
            </label>
            <ol class="rows" node_ref=list_ref>
                <For each=move || rows.get().0 key=|r| (r.id, r.label.clone(), r.quote.clone(), r.note, r.said_by.clone()) let:row>
                    {
                        let id = row.id;
                        let letter = row.badge.to_string();
                        // Marked as drawn; then as the selection changes (above).
                        let current = editor.selected.get_untracked() == Some(id);
                        view! {
                            <li>
                                <button class="row" class:current=current data-span=id.to_string()
                                    aria-current=current.then_some("true")
                                    on:click=move |_| match editor.linking.get_untracked() {
                                        // While linking, a row is the link's other end.
                                        Some(_) => editor.finish_link(id),
                                        None => editor.select(Some(id)),
                                    }>
                                    <span class="chip" aria-hidden="true" style=format!("--label-color:{}", row.color)>{letter}</span>
                                    <span class="sr-only">{format!("{} ", row.label)}</span>
                                    <span class="quote">{row.quote.clone()}</span>
                                    {row.note.then(|| view! { <span class="note-mark" title="Has a note">"✎"</span> })}
                                    {(!row.said_by.is_empty()).then(|| view! {
                                        <span class="said-by">"said by "
                                            {row.said_by.iter().enumerate().map(|(i, who)| view! {
                                                {(i > 0).then_some(", ")}<bdi>{who.clone()}</bdi>
                                            }).collect_view()}
                                        </span>
                                    })}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ol>
            <Show when=move || rows.with(|(r, total)| r.len() < *total)>
                <button node_ref=more on:click=move |_| shown.update(|n| *n += PAGE)>
                    {move || rows.with(|(r, total)| format!("Show more ({} of {total} shown)", r.len()))}
                </button>
            </Show>
        </section>
    }
}
