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

/// How many pages are drawn at most (more only where the side panel is taller than two).
/// Further down, the first page drawn gives way to a gap of its height, and comes back when the
/// gap nears the view: with the list read to its 2,000th span and every row drawn, a tag moved
/// all the rows after its own and took 55 ms to its next task; now about as long as at the top.
const PAGES_DRAWN: usize = 3;

/// How near the side panel's view (px) a page is drawn, above or below.
const NEAR_PX: i32 = 300;

/// Once the rows are drawn, gives the keyboard's focus to the row in the list item before
/// `row`'s (or after it), as if every row were drawn.
fn focus_beside(row: web_sys::Element, before: bool) {
    set_timeout(
        move || {
            let beside = match before {
                true => row.previous_element_sibling(),
                false => row.next_element_sibling(),
            };
            let button = beside.and_then(|li| li.first_element_child());
            if let Some(button) = button.and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = button.focus();
            }
        },
        std::time::Duration::ZERO,
    );
}

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
    // The first page drawn, and the heights (whole px) of the pages above it, each given way to
    // the gap at the list's top.
    let first = RwSignal::new(0usize);
    let above = StoredValue::new(Vec::<i32>::new());
    let from_the_top = move || {
        above.set_value(Vec::new());
        first.set(0);
        shown.set(PAGE);
    };
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
            let start = (first.get() * PAGE).min(total);
            let page = &matching[start..total.min(start + shown.get())];
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

    let more = NodeRef::<leptos::html::Button>::new();
    // The top of the side panel's view, in window px.
    let panel_top = move || {
        let panel = list_ref.get_untracked()?.closest(".side").ok().flatten()?;
        Some(panel.get_bounding_client_rect().top())
    };
    // One page more at the list's end. Past PAGES_DRAWN, the first page drawn gives way to the
    // gap (which grows by just its height: nothing in view moves), once it is more than NEAR_PX
    // above the view: then the gap's foot is not near either, and no page comes and goes in turn, however
    // tall the panel.
    let show_more = move || {
        // The keyboard on "Show more" (Tab from the last row drawn brings it near) goes on to
        // the first row it adds.
        let was_last = list_ref
            .get_untracked()
            .and_then(|l| l.last_element_child());
        let on_button = more.get_untracked().zip(document().active_element());
        if let (Some(row), true) = (was_last, on_button.is_some_and(|(b, a)| a == **b)) {
            focus_beside(row, false);
        }
        let gone_by = list_ref.get_untracked().and_then(|list| {
            // The gap is the list's first child; the rows follow it.
            let rows = list.children();
            let top = |i: u32| Some(rows.item(1 + i)?.get_bounding_client_rect().top());
            let (top, foot) = (top(0)?, top(PAGE as u32)?);
            (foot < panel_top()? - f64::from(NEAR_PX)).then_some((foot - top).round() as i32)
        });
        match gone_by {
            Some(height) if shown.get_untracked() >= PAGES_DRAWN * PAGE => {
                above.update_value(|a| a.push(height));
                first.update(|p| *p += 1);
            }
            _ => shown.update(|n| *n += PAGE),
        }
    };
    // The gap comes near: the pages from the one NEAR_PX above the view down come back in its
    // place (one when scrolled up to its foot, more when the panel was scrolled far up at
    // once), and as many pages at the end go.
    let come_back = move |to_foot: bool| {
        let list = list_ref.get_untracked();
        let gap = list.as_ref().and_then(|l| l.first_element_child());
        // The keyboard on "Show earlier" (Shift+Tab from the first row drawn brings it near)
        // goes on to the row above the one it came from, as it would with every row drawn.
        let was_first = list.as_ref().and_then(|l| l.children().item(1));
        let on_button = gap.as_ref().zip(document().active_element());
        if let (Some(row), true) = (
            was_first,
            on_button.is_some_and(|(g, a)| g.contains(Some(&a))),
        ) {
            focus_beside(row, true);
        }
        let into_gap = match (to_foot, gap, panel_top()) {
            (false, Some(gap), Some(top)) => {
                top - f64::from(NEAR_PX) - gap.get_bounding_client_rect().top()
            }
            _ => f64::INFINITY,
        };
        above.update_value(|a| {
            // Within the gap, page k starts at the sum of the heights before it.
            let mut height: i32 = a.iter().sum();
            while let Some(last) = a.pop() {
                height -= last;
                if f64::from(height) <= into_gap || to_foot {
                    break;
                }
            }
            first.set(a.len());
        });
    };

    // The next page is drawn when the "Show more" button at the list's end comes near the side
    // panel's view, those before when the gap above does (the buttons stay, for keyboard users).
    let near_ends = StoredValue::new_local(None::<NearView>);
    on_cleanup(move || near_ends.set_value(None));
    Effect::new(move |_| {
        // So many spans fewer that the pages drawn are past the list's end (an undo of a
        // thousand tags): the list starts again from its top.
        if rows.with(|(r, _)| r.is_empty()) && first.get_untracked() != 0 {
            from_the_top();
        }
        let gap = list_ref.get().and_then(|l| l.first_element_child());
        let ends: Vec<web_sys::Element> = [more.get().map(Into::into), gap]
            .into_iter()
            .flatten()
            .collect();
        let Some(any) = ends.first() else {
            return;
        };
        if near_ends.with_value(Option::is_none) {
            let root = any.closest(".side").ok().flatten();
            near_ends.set_value(NearView::new(
                root.as_ref(),
                &format!("{NEAR_PX}px 0px"),
                move |end| {
                    if end.class_list().contains("gap") {
                        come_back(false);
                        return true;
                    }
                    // "Show more" above the view (the panel scrolled past the list, to the
                    // labels): a page there would push what is in view a page down.
                    let above = panel_top()
                        .is_some_and(|top| end.get_bounding_client_rect().bottom() < top);
                    if !above {
                        show_more();
                    }
                    !above
                },
            ));
        }
        // Watched afresh with each page: an end still near after one is told again at once.
        near_ends.with_value(|near| {
            if let Some(near) = near {
                for end in &ends {
                    near.forget(end);
                    near.watch(end);
                }
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
                <select aria-label="Filter spans by label" on:change=move |ev| { filter.set(event_target_value(&ev)); from_the_top(); }>
                    <option value="">"all labels"</option>
                    {move || editor.labels.get().into_iter().map(|l| view! { <option value=l.name.clone()>{l.name.clone()}</option> }).collect_view()}
                </select>
            </label>
            <ol class="rows" node_ref=list_ref>
                // The pages above those drawn: as tall as they were, "Show earlier" at its foot.
                <li class="gap" style=move || match first.get() {
                    0 => "display:none".to_string(),
                    _ => format!("height:{}px", above.with_value(|a| a.iter().sum::<i32>())),
                }>
                    <button on:click=move |_| come_back(true)>
                        {move || format!("Show earlier (from span {})", first.get().saturating_sub(1) * PAGE + 1)}
                    </button>
                </li>
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
            <Show when=move || rows.with(|(r, total)| first.get() * PAGE + r.len() < *total)>
                <button node_ref=more on:click=move |_| show_more()>
                    {move || rows.with(|(r, total)| format!("Show more ({} of {total} shown)", first.get() * PAGE + r.len()))}
                </button>
            </Show>
        </section>
    }
}
