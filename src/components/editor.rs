//! The editor: the article with its spans, the label toolbar, the span list and the details of
//! the selected span. Every action has a key; `?` lists them.

use super::details::DetailsPanel;
use super::export_menu::ExportMenu;
use super::labels::LabelEditor;
use super::search::SearchBar;
use super::span_list::SpanList;
use super::text_view::{span_ids, span_pieces, TextView};
use super::AppState;
use crate::browser::highlight::TextLocator;
use crate::browser::{after_paint, download::download_glossa_json, selection, storage};
use glossa_core::words::{count, shorten};
use glossa_core::{
    snap, Edit, EditError, History, Label, OffsetError, OffsetMarks, Snap, SpanId, TextIndex, Unit,
};
use leptos::ev;
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What the editor's parts share: the selected span, the relation being drawn, and the text.
/// From this many changes in one step, the editor says it is working before the page is
/// busy laying them out (thousands of spans take a moment).
const SLOW_STEP: usize = 1_000;

#[derive(Clone, Copy)]
pub struct EditorState {
    pub app: AppState,
    pub selected: RwSignal<Option<SpanId>>,
    pub snap_to_words: RwSignal<bool>,
    /// The span a relation starts from while the user picks its other end.
    pub linking: RwSignal<Option<SpanId>>,
    /// Where the label menu floats (page coordinates), while a selection waits for a label.
    /// Page pixels. Whole numbers: formatting floats would pull float printing into the wasm.
    pub menu_at: RwSignal<Option<(i32, i32)>>,
    pub help_open: RwSignal<bool>,
    /// Enter in the text while a search is open: walk to the next hit (`true`: the previous).
    /// The search bar walks; the focus is in the text once a hit is selected there.
    pub walk_hits: RwSignal<Option<bool>>,
    pub text_ref: NodeRef<Div>,
    /// Counts the text view's redraws of its pieces: what points into them (the search's
    /// painted hits) is checked after each, and made again where its pieces went.
    pub drawn: RwSignal<u32>,
    /// Every change goes through the history, so each can be undone and redone.
    pub history: StoredValue<History>,
    /// Whether undo and redo have anything to do, for their buttons.
    pub can_undo_redo: Memo<(bool, bool)>,
    /// What the last action did, in the status line (nothing went wrong, so not an alert),
    /// until the next change or selection.
    pub notice: RwSignal<Option<String>>,
    /// The open document's labels on their own: what shows them (buttons, menus, the label
    /// editor) is not redrawn by every tag, only when the labels change.
    pub labels: Memo<Vec<Label>>,
    /// The open document's offset checkpoints, by document id: its text never changes, so
    /// they are built once, not on every selection (a megabyte takes milliseconds).
    marks: StoredValue<Option<(String, OffsetMarks)>>,
}

impl EditorState {
    fn new(app: AppState) -> Self {
        EditorState {
            app,
            selected: RwSignal::new(None),
            snap_to_words: RwSignal::new(true),
            linking: RwSignal::new(None),
            menu_at: RwSignal::new(None),
            help_open: RwSignal::new(false),
            walk_hits: RwSignal::new(None),
            text_ref: NodeRef::new(),
            drawn: RwSignal::new(0),
            // Kept with the document, so undo survives a reload.
            history: app.history,
            // Every step changes the document, and so does a document read again from storage
            // (another tab's edits, or one taken over) with its stored history: the buttons
            // follow the document.
            can_undo_redo: Memo::new(move |_| {
                app.document.track();
                app.history.with_value(|h| (h.can_undo(), h.can_redo()))
            }),
            notice: RwSignal::new(None),
            labels: Memo::new(move |_| {
                app.document
                    .with(|d| d.as_ref().map(|d| d.labels.labels.clone()))
                    .unwrap_or_default()
            }),
            marks: StoredValue::new(None),
        }
    }

    /// Runs `f` with the open document and an index over its text.
    pub fn with_index<R>(
        &self,
        f: impl FnOnce(&glossa_core::Document, &TextIndex) -> R,
    ) -> Option<R> {
        self.app.document.with_untracked(|d| {
            let d = d.as_ref()?;
            let fresh = self
                .marks
                .with_value(|m| m.as_ref().is_some_and(|(id, _)| *id == d.id));
            if !fresh {
                self.marks
                    .set_value(Some((d.id.clone(), OffsetMarks::new(&d.text))));
            }
            self.marks.with_value(|m| {
                let (_, marks) = m.as_ref()?;
                Some(f(d, &marks.index(&d.text)))
            })
        })
    }

    /// Runs `step` on the history and the open document and saves (the undo and redo buttons
    /// follow the document). `None` when no document is open or it is read-only.
    fn with_history<R>(
        &self,
        step: impl FnOnce(&mut History, &mut glossa_core::Document) -> R,
    ) -> Option<R> {
        let history = self.history;
        let mut out = None;
        self.clear_notice();
        self.app
            .edit(|doc| history.update_value(|h| out = Some(step(h, doc))))?;
        out
    }

    /// Makes one undoable change; a refusal is shown to the user.
    pub fn change(&self, edit: Edit) -> bool {
        self.try_change(edit).unwrap_or_else(|e| {
            self.say(e.to_string());
            false
        })
    }

    /// Makes one undoable change; a refusal is the caller's to show, beside what the user
    /// was doing (the label editor's fields).
    pub fn try_change(&self, edit: Edit) -> Result<bool, glossa_core::EditError> {
        self.clear_notice();
        self.app.change(edit).unwrap_or(Ok(false))
    }

    /// Takes back the last change (`redo` false) or makes it again. A step of thousands of
    /// changes (Tag all hits) says so first, in a frame of its own.
    pub fn undo(&self, redo: bool) {
        let size = self.history.with_value(|h| h.next_size(redo));
        let doing = if redo { "Redoing" } else { "Undoing" };
        let editor = *self;
        self.tell_first(
            size,
            || format!("{doing} {size} changes…"),
            move || editor.undo_now(redo),
        );
    }

    /// Runs `work`, a step of `changes` changes, at once; or, from [`SLOW_STEP`] changes,
    /// after `saying` is shown in the status line and painted (the page is then busy a while).
    pub fn tell_first(
        &self,
        changes: usize,
        saying: impl FnOnce() -> String,
        work: impl FnOnce() + 'static,
    ) {
        if changes < SLOW_STEP {
            return work();
        }
        self.tell(saying());
        let alive = self.history;
        leptos::task::spawn_local(async move {
            after_paint().await;
            // Unless the editor was left in that frame (its state is gone with it).
            if alive.try_with_value(|_| ()).is_some() {
                work();
            }
        });
    }

    fn undo_now(&self, redo: bool) {
        let size = self.history.with_value(|h| h.next_size(redo));
        let result = self.with_history(|h, doc| if redo { h.redo(doc) } else { h.undo(doc) });
        // Said in the status line (a live region): the change itself may be far off screen.
        let (did, nothing) = if redo {
            ("Redid", "Nothing to redo.")
        } else {
            ("Undid", "Nothing to undo.")
        };
        match result {
            Some(Ok(true)) => self.tell(format!("{did} {}.", count(size, "change"))),
            Some(Ok(false)) => self.tell(nothing),
            Some(Err(e)) => self.say(format!(
                "That step no longer fits the document and was dropped: {e}"
            )),
            None => {}
        }
        // The selected span may be gone (undone) or back.
        let gone = self.selected.get_untracked().is_some_and(|id| {
            self.app
                .document
                .with_untracked(|d| d.as_ref().is_none_or(|d| d.span(id).is_none()))
        });
        if gone {
            self.selected.set(None);
        }
    }

    /// Shows what went wrong, as an alert.
    pub fn say(&self, message: impl Into<String>) {
        self.app.problem.set(Some(message.into()));
    }

    /// Shows what an action did, in the status line.
    pub fn tell(&self, message: impl Into<String>) {
        self.notice.set(Some(message.into()));
    }

    /// Setting the signal tells its readers even when nothing changes: only when there is one.
    fn clear_notice(&self) {
        if self.notice.with_untracked(Option::is_some) {
            self.notice.set(None);
        }
    }

    /// Runs `f` with the open document and the text selection as a byte range of it; `None`
    /// when nothing is selected in the text.
    fn with_selection<R>(
        &self,
        f: impl FnOnce(&glossa_core::Document, Result<(usize, usize), OffsetError>) -> R,
    ) -> Option<R> {
        let container = self.text_ref.get_untracked()?;
        let (a, b) = selection::selected_range(&container)?;
        self.with_index(|d, ix| {
            f(
                d,
                ix.convert_range_widened((a as usize, b as usize), Unit::Utf16, Unit::Utf8),
            )
        })
    }

    /// The text selection as a byte range, snapped as the toggle says.
    fn selection_bytes(&self) -> Option<Result<(usize, usize), String>> {
        let mode = if self.snap_to_words.get_untracked() {
            Snap::Word
        } else {
            Snap::Grapheme
        };
        self.with_selection(|d, bytes| {
            bytes.map_err(|e| e.to_string()).and_then(|(s, e)| {
                snap(&d.text, s, e, mode)
                    .ok_or_else(|| "Nothing to tag there: select a word.".to_string())
            })
        })
    }

    /// The selected text exactly as the document has it, for the clipboard: the page's own
    /// copy puts a line break between the parts a long paragraph is shown in.
    pub fn selected_text(&self) -> Option<String> {
        self.with_selection(|d, bytes| {
            let (s, e) = bytes.ok()?;
            d.text.get(s..e).map(str::to_string)
        })
        .flatten()
    }

    /// Tags the text selection with `label`; with no text selection, relabels the selected
    /// span. Returns false when there was nothing to tag.
    pub fn tag(&self, label: &str) -> bool {
        self.menu_at.set(None);
        match self.selection_bytes() {
            Some(Ok((start, end))) => {
                let added: Option<Result<SpanId, EditError>> =
                    self.with_history(|h, doc| h.add_span(doc, label, start, end, Unit::Utf8));
                match added {
                    Some(Ok(id)) => {
                        self.selected.set(Some(id));
                        selection::clear_selection();
                        self.app.problem.set(None);
                    }
                    Some(Err(e)) => self.say(e.to_string()),
                    None => {}
                }
                true
            }
            Some(Err(message)) => {
                self.say(message);
                true
            }
            None => match self.selected.get_untracked() {
                Some(id) => {
                    self.relabel(id, label);
                    true
                }
                None => {
                    // Said for a label key as for a label button: a key that seems to do
                    // nothing leaves a screen reader's user guessing.
                    self.say("Select some text first, then choose a label.");
                    false
                }
            },
        }
    }

    /// Gives span `id` another label, keeping its id, note and relations.
    pub fn relabel(&self, id: SpanId, label: &str) {
        self.change(Edit::Relabel {
            id,
            label: label.to_string(),
        });
    }

    /// Removes the selected span (and its relations).
    pub fn remove_selected(&self) {
        if let Some(id) = self.selected.get_untracked() {
            // Said in the status line (a live region), as undo is: the span just goes.
            let what = self.app.document.with_untracked(|d| {
                let d = d.as_ref()?;
                let s = d.span(id)?;
                Some(format!(
                    "Removed {} “{}”.",
                    s.label,
                    shorten(d.quote(s), 60)
                ))
            });
            if self.change(Edit::RemoveSpan { id }) {
                self.selected.set(None);
                if let Some(what) = what {
                    self.tell(what);
                }
            }
        }
    }

    /// Selects a span, scrolls it into view and flashes it.
    pub fn select(&self, id: Option<SpanId>) {
        self.selected.set(id);
        self.clear_notice();
        let (Some(id), Some(text)) = (id, self.text_ref.get_untracked()) else {
            return;
        };
        let pieces = span_pieces(&text, id);
        if !pieces.is_empty() {
            flash_into_view(&pieces);
            return;
        }
        // A span in a paragraph still shown plain has no pieces yet: the paragraph is brought
        // to the screen, where it is drawn, then the span is shown.
        let Some(at) = self
            .with_index(|d, ix| {
                let span = d.span(id)?;
                ix.convert(span.start, Unit::Utf8, Unit::Utf16).ok()
            })
            .flatten()
        else {
            return;
        };
        if let Some(block) = TextLocator::new(&text).block(at as u32) {
            super::text_view::show_chapter_of(block);
            block.scroll_into_view();
        }
        let selected = self.selected;
        leptos::task::spawn_local(async move {
            for _ in 0..4 {
                after_paint().await;
                if selected.try_get_untracked().flatten() != Some(id) {
                    return;
                }
                let pieces = span_pieces(&text, id);
                if !pieces.is_empty() {
                    flash_into_view(&pieces);
                    return;
                }
            }
        });
    }

    /// Selects the span `step` places after the selected one in text order (1: the next, -1:
    /// the previous), going round from the last to the first with `wrap`; without it, false
    /// when there is none (Tab then leaves the text).
    pub fn step(&self, step: isize, wrap: bool) -> bool {
        let next = self.app.document.with_untracked(|d| {
            let spans = d.as_ref()?.spans();
            if spans.is_empty() {
                return None;
            }
            let at = self
                .selected
                .get_untracked()
                .and_then(|id| spans.iter().position(|s| s.id == id));
            let n = spans.len() as isize;
            let i = match at {
                Some(i) if !wrap && !(0..n).contains(&(i as isize + step)) => return None,
                Some(i) => (i as isize + step).rem_euclid(n),
                None if step > 0 => 0,
                None => n - 1,
            };
            Some(spans[i as usize].id)
        });
        if next.is_some() {
            self.select(next);
        }
        next.is_some()
    }

    /// Grows (`grow`) or shrinks the selected span by one word at its end, or at its start
    /// with `at_start`.
    pub fn resize_by_word(&self, at_start: bool, grow: bool) {
        let Some(id) = self.selected.get_untracked() else {
            return;
        };
        let range = self.app.document.with_untracked(|d| {
            let d = d.as_ref()?;
            let span = d.span(id)?;
            glossa_core::words::step_word(&d.text, span.start, span.end, at_start, grow)
        });
        match range {
            Some((start, end)) => {
                self.change(Edit::Resize { id, start, end });
            }
            None => self.say("The span cannot change that way."),
        }
    }

    /// Links the span being linked to `target`: a claim is said by an actor; anything else is
    /// about its target.
    pub fn finish_link(&self, target: SpanId) {
        let Some(from) = self.linking.get_untracked() else {
            return;
        };
        self.linking.set(None);
        if from == target {
            return;
        }
        // The default kind that fits the two labels (a claim is said by an actor), else about.
        let kind = self.app.document.with_untracked(|d| {
            let d = d.as_ref()?;
            let (a, b) = (d.span(from)?, d.span(target)?);
            glossa_core::suggested_relations(&a.label, &b.label).next()
        });
        let kind = kind.unwrap_or("about");
        if self.change(Edit::AddRelation {
            kind: kind.to_string(),
            from,
            to: target,
        }) {
            // Said (the status is a live region): the link shows only in the side panel.
            self.tell(format!("Linked: {kind}."));
        }
    }
}

/// The label buttons, for the toolbar and for the menu beside a selection.
#[component]
fn LabelButtons(#[prop(optional)] compact: bool) -> impl IntoView {
    let editor = expect_context::<EditorState>();
    move || {
        editor
            .labels
            .get()
            .into_iter()
            .map(|label| {
                let name = label.name.clone();
                // Shown capitalised by the style sheet (::first-letter).
                let caption = name.clone();
                let title = match label.hotkey {
                    Some(k) => format!("Tag the selection as {name} (key {k})"),
                    None => format!("Tag the selection as {name}"),
                };
                view! {
                    <button class="label-button" title=title
                        style=format!("--label-color:{}", label.color)
                        // Keep the text selection: a mousedown on a button would clear it.
                        on:mousedown=|ev| ev.prevent_default()
                        on:click=move |_| { editor.tag(&name); }>
                        {caption}
                        {(!compact).then(|| label.hotkey.map(|k| view! { <kbd aria-hidden="true">{k.to_string()}</kbd> }))}
                    </button>
                }
            })
            .collect_view()
    }
}

/// The status line's words on keys when nothing is selected, naming the keys this document's
/// labels have (an imported label set may have two, or none).
fn key_hint(keys: &[char]) -> String {
    let keys: Vec<String> = keys.iter().map(char::to_string).collect();
    let press = match keys.as_slice() {
        [] => return " ? lists all keys.".into(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} or {last}", first.join(", ")),
    };
    format!(" Or press {press}; ? lists all keys.")
}

/// The shortcuts, shown by `?`.
const SHORTCUTS: &[(&str, &str)] = &[
    (
        "1 – 9",
        "Tag the selection with that label, or relabel the selected span",
    ),
    (
        "Shift + arrows",
        "Extend the selection (click in the text first for a caret)",
    ),
    (
        "Tab / Shift+Tab, J / K",
        "Next / previous span (Tab past the last leaves the text)",
    ),
    (
        "Enter",
        "Write the selected span's note (Shift+Tab comes back)",
    ),
    (
        "Alt+Shift+→ / ←",
        "Grow / shrink the selected span by a word at its end",
    ),
    ("Alt+Shift+Ctrl+→ / ←", "Shrink / grow it at its start"),
    (
        "R",
        "Link the selected span: then click the actor who said it (or what it is about), or pick \
         it with J / K and press Enter",
    ),
    ("Delete / Backspace", "Remove the selected span"),
    ("Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y (⌘Z, ⌘⇧Z)", "Undo, redo"),
    (
        "Ctrl+F (⌘F) or /",
        "Search the text; then Enter / Shift+Enter walk its hits, in the text too",
    ),
    ("Escape", "Clear the selection, close menus"),
    ("?", "Show or hide this list"),
];

#[component]
fn CheatSheet() -> impl IntoView {
    let editor = expect_context::<EditorState>();
    // It takes the focus as it opens, and gives it back where it was as it closes (it was
    // left where it was, then fell to the page's body).
    let back = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |was_open: Option<bool>| {
        let open = editor.help_open.get();
        if open {
            back.set_value(document().active_element().and_then(|e| e.dyn_into().ok()));
            super::focus_when_drawn("keys-close".into());
        } else if was_open == Some(true) {
            match back.try_update_value(Option::take).flatten() {
                Some(e) if e.is_connected() && e.tag_name() != "BODY" => {
                    selection::focus_in_place(&e)
                }
                _ => super::focus_when_drawn(super::text_view::TEXT_ID.into()),
            }
        }
        open
    });
    view! {
        <Show when=move || editor.help_open.get()>
            // Escape closes it and only it (the editor's Escape also drops the selection).
            <div class="cheatsheet" role="dialog" aria-label="Keyboard shortcuts"
                on:keydown=move |ev| if ev.key() == "Escape" {
                    ev.stop_propagation();
                    editor.help_open.set(false);
                }>
                <h2>"Keyboard shortcuts"</h2>
                <dl>
                    {SHORTCUTS.iter().map(|(keys, what)| view! { <dt><kbd>{*keys}</kbd></dt><dd>{*what}</dd> }).collect_view()}
                </dl>
                <button id="keys-close" on:click=move |_| editor.help_open.set(false)>"Close"</button>
            </div>
        </Show>
    }
}

/// The one character of `s`, if it is one.
fn single_char(s: &str) -> Option<char> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// A full-width form ("１", "Ａ", as East Asian input methods type them) as its ASCII
/// character; any other character as it is.
fn half_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    }
}

/// The label of the open document whose key is the first of `keys` that is one.
fn label_by_key(state: &AppState, keys: impl IntoIterator<Item = char>) -> Option<String> {
    state.document.with_untracked(|d| {
        let labels = &d.as_ref()?.labels;
        keys.into_iter()
            .find_map(|k| labels.by_hotkey(k).map(|l| l.name.clone()))
    })
}

/// The digit on a number key ("Digit1", "Numpad1"), whatever the keyboard layout types with it.
fn digit_key(code: &str) -> Option<char> {
    let digit = code
        .strip_prefix("Digit")
        .or_else(|| code.strip_prefix("Numpad"))?;
    single_char(digit).filter(char::is_ascii_digit)
}

/// The Latin letter on a letter key ("KeyZ" is z), whatever the keyboard layout types with it.
fn latin_key(code: &str) -> Option<char> {
    single_char(code.strip_prefix("Key")?)
        .filter(char::is_ascii_uppercase)
        .map(|c| c.to_ascii_lowercase())
}

/// True when a key press belongs to a form field or to a question being asked (a label key
/// there relabelled the span behind it), not to the editor.
fn typing_in_a_field(ev: &ev::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.closest("[role=alertdialog]").ok().flatten().is_some()
        })
}

/// Scrolls a span's first piece to the middle of the window and flashes its pieces. Only when
/// the view jumps to a span: one just tagged is where the eye already is, and the 0.9 s
/// animation repaints every frame. The class is taken off and put back, with a layout read
/// between, so it plays again.
fn flash_into_view(pieces: &[web_sys::HtmlElement]) {
    let Some(first) = pieces.first() else {
        return;
    };
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    first.scroll_into_view_with_scroll_into_view_options(&options);
    for piece in pieces {
        let _ = piece.class_list().remove_1("flash");
    }
    let _ = first.offset_width();
    for piece in pieces {
        let _ = piece.class_list().add_1("flash");
    }
}

/// The editor for the open document.
#[component]
pub fn Editor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let editor = EditorState::new(state);
    provide_context(editor);
    let selected = editor.selected;
    let search_ref = NodeRef::<leptos::html::Input>::new();
    // A reload (after an update, or the bug banner's Reload) comes back to the same place:
    // the span that was selected, else the paragraph at the top of the window. It went back
    // to the text's top.
    let _place = window_event_listener(ev::pagehide, move |_| {
        let Some(id) = super::library::open_id(&state) else {
            return;
        };
        // The block under the middle of the window's top line of text.
        let top = editor.text_ref.get_untracked().and_then(|t| {
            let x = t.get_bounding_client_rect().left() + 10.0;
            let block = document()
                .element_from_point(x as f32, 120.0)?
                .closest(".block")
                .ok()??;
            let top = block.get_bounding_client_rect().top() as i32;
            Some((block.get_attribute("data-i")?.parse().ok()?, top))
        });
        storage::save_place(&id, selected.get_untracked(), top);
    });
    if let Some((span, block)) =
        super::library::open_id(&state).and_then(|id| storage::take_place(&id))
    {
        leptos::task::spawn_local(async move {
            // Blocks far from the screen are laid out at a guessed height until drawn, and
            // none is drawn before the first frame: the place is found again after each of
            // the first frames, as the blocks around it are drawn.
            for _ in 0..4 {
                after_paint().await;
                if let Some((i, top)) = block {
                    super::scroll_to(
                        &format!(".doc-text .block[data-i=\"{i}\"]"),
                        web_sys::ScrollLogicalPosition::Start,
                    );
                    window().scroll_by_with_x_and_y(0.0, -f64::from(top));
                }
            }
            // Selected, without scrolling to it (it may be anywhere on the screen).
            let known = span.filter(|id| {
                state
                    .document
                    .with_untracked(|d| d.as_ref().is_some_and(|d| d.span(*id).is_some()))
            });
            if known.is_some() {
                let _ = selected.try_set(known);
            }
        });
    }

    let keys = window_event_listener(ev::keydown, move |ev| {
        let typed = ev.key();
        // Shortcuts go by the Latin letter on the key where the layout types another script
        // (Ctrl+Z types "я" on a Russian keyboard, J types "ת" on a Hebrew one), unless the
        // typed letter is a label's key.
        let key = match (single_char(&typed), latin_key(&ev.code())) {
            (Some(c), Some(latin)) if !c.is_ascii() && label_by_key(&state, [c]).is_none() => {
                latin.to_string()
            }
            _ => typed.clone(),
        };
        // On a Mac the command key does what Ctrl does elsewhere (⌘Z, ⌘⇧Z, ⌘F); any other
        // key with it belongs to the browser or the system (⌘1 picks a tab, ⌘C copies).
        let command_key = matches!(key.as_str(), "z" | "Z" | "f" | "F");
        // Ctrl+F opens Glossa's search from a field too (from the note, it typed into it).
        let find = (ev.ctrl_key() || ev.meta_key()) && matches!(key.as_str(), "f" | "F");
        if (typing_in_a_field(&ev) && !find) || (ev.meta_key() && (ev.ctrl_key() || !command_key)) {
            return;
        }
        let ctrl = ev.ctrl_key() || ev.meta_key();
        let in_text = editor.text_ref.get_untracked().is_some_and(|t| {
            ev.target()
                .and_then(|x| x.dyn_into::<web_sys::Node>().ok())
                .is_some_and(|n| t.contains(Some(&n)))
        });
        let handled = match (key.as_str(), ctrl, ev.alt_key(), ev.shift_key()) {
            ("ArrowRight" | "ArrowLeft", ctrl, true, true) => {
                let right = key == "ArrowRight";
                // At the end: right grows. At the start (Ctrl): left grows.
                if ctrl {
                    editor.resize_by_word(true, !right);
                } else {
                    editor.resize_by_word(false, right);
                }
                true
            }
            ("f" | "F", true, false, false) => {
                if let Some(input) = search_ref.get_untracked() {
                    let _ = input.focus();
                    input.select();
                }
                true
            }
            ("z" | "Z", true, false, shift) => {
                editor.undo(shift);
                true
            }
            ("y" | "Y", true, false, false) => {
                editor.undo(true);
                true
            }
            (_, true, _, _) | (_, _, true, _) => false,
            ("Delete" | "Backspace", ..) if selected.get_untracked().is_some() => {
                editor.remove_selected();
                // From a row of the Spans list, which goes with the span: the keyboard goes on
                // in the text (it was left on the page's body).
                if !in_text {
                    super::focus_when_drawn(super::text_view::TEXT_ID.into());
                }
                true
            }
            ("Escape", ..) => {
                selected.set(None);
                editor.linking.set(None);
                editor.menu_at.set(None);
                editor.help_open.set(false);
                selection::clear_selection();
                true
            }
            ("/", ..) => {
                if let Some(input) = search_ref.get_untracked() {
                    let _ = input.focus();
                }
                true
            }
            ("?", ..) => {
                editor.help_open.update(|o| *o = !*o);
                true
            }
            // Tab moves between spans only inside the text, and past the last (or before the
            // first) leaves it, for the note and the rest of the side panel.
            ("Tab", _, _, shift) if in_text => editor.step(if shift { -1 } else { 1 }, false),
            ("j" | "J", ..) => editor.step(1, true),
            ("k" | "K", ..) => editor.step(-1, true),
            // While a search is open, Enter walks its hits (the first Enter in the search box
            // selected one in the text, which took the focus).
            ("Enter", _, _, back)
                if in_text
                    && editor.linking.get_untracked().is_none()
                    && search_ref
                        .get_untracked()
                        .is_some_and(|input| !input.value().trim().is_empty()) =>
            {
                editor.walk_hits.set(Some(back));
                true
            }
            // While linking, the span picked with J / K is the other end (from the Spans list
            // too, where Enter would otherwise press the focused row); else the note.
            ("Enter", ..)
                if in_text
                    || editor.linking.get_untracked().is_some()
                        && ev
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .and_then(|t| t.closest(".span-list").ok().flatten())
                            .is_some() =>
            {
                match (editor.linking.get_untracked(), selected.get_untracked()) {
                    (Some(from), Some(target)) if from != target => {
                        // Back to the span linked from, then the link (and what is said of it).
                        editor.select(Some(from));
                        editor.finish_link(target);
                        true
                    }
                    (None, Some(_)) => document()
                        .get_element_by_id(super::details::NOTE_FIELD)
                        .and_then(|note| note.dyn_into::<web_sys::HtmlElement>().ok())
                        .is_some_and(|note| note.focus().is_ok()),
                    _ => false,
                }
            }
            ("r" | "R", ..) => match selected.get_untracked() {
                Some(id) => {
                    editor.linking.set(Some(id));
                    true
                }
                None => false,
            },
            _ => {
                match single_char(&typed) {
                    Some(c) => {
                        // The key's character first; then what is printed on the key: the
                        // digit, for layouts whose number row types other characters unshifted
                        // (French AZERTY's "1" key types "&", Czech's types "+"), or the Latin
                        // letter, for layouts of another script.
                        let printed = digit_key(&ev.code()).or(single_char(&key));
                        label_by_key(&state, [Some(c), printed].into_iter().flatten())
                            .is_some_and(|label| editor.tag(&label))
                    }
                    None => false,
                }
            }
        };
        if handled {
            ev.prevent_default();
        }
    });
    // The next document gets an editor of its own; this one's keys must go with it.
    on_cleanup(move || keys.remove());

    // A click (not a drag) on a highlighted piece selects its innermost span; clicking again
    // walks outwards through the spans nested there. While linking, it picks the other end.
    let on_text_click = move |ev: ev::MouseEvent| {
        let Some(container) = editor.text_ref.get_untracked() else {
            return;
        };
        if selection::selected_range(&container).is_some() {
            return;
        }
        let covering = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("[data-spans]").ok().flatten())
            .and_then(|piece| piece.get_attribute("data-spans"))
            .map(|a| span_ids(&a))
            .unwrap_or_default();
        if editor.linking.get_untracked().is_some() {
            // Prefer an actor under the pointer, as a claim is said by someone.
            let target = state.document.with_untracked(|d| {
                let d = d.as_ref()?;
                covering
                    .iter()
                    .rev()
                    .find(|&&id| d.span(id).is_some_and(|s| s.label == "actor"))
                    .or(covering.last())
                    .copied()
            });
            match target {
                Some(target) => editor.finish_link(target),
                None => editor.linking.set(None),
            }
            return;
        }
        let next = match selected.get_untracked() {
            Some(current) => match covering.iter().position(|&id| id == current) {
                Some(0) => covering.last().copied(),
                Some(i) => Some(covering[i - 1]),
                None => covering.last().copied(),
            },
            None => covering.last().copied(),
        };
        selected.set(next);
    };

    // An input method's composition never reaches the text (see browser::ime); a label key it
    // commits tags the selection (a Japanese input method commits "１" for the 1 key).
    let ime = crate::browser::ime::ImeSink::install(
        move || {
            editor
                .text_ref
                .try_get_untracked()
                .flatten()
                .map(|t| t.unchecked_into())
        },
        move |typed| {
            let key = single_char(typed.trim()).map(half_width);
            if let Some(label) = label_by_key(&state, key) {
                editor.tag(&label);
            }
        },
    );
    let ime = StoredValue::new_local(ime);
    on_cleanup(move || drop(ime.try_update_value(Option::take)));

    // Copy the document's own text, not the page's rendering of it.
    let on_copy = move |ev: ev::ClipboardEvent| {
        let (Some(text), Some(data)) = (editor.selected_text(), ev.clipboard_data()) else {
            return;
        };
        if data.set_data("text/plain", &text).is_ok() {
            ev.prevent_default();
        }
    };

    // On a touch screen a long press selects with no mouseup after it, and the handles move
    // it: there the menu follows the selection, once it rests, just below it (the system's
    // own copy menu sits above).
    let touch = StoredValue::new(false);
    let on_pointerdown = move |ev: ev::PointerEvent| touch.set_value(ev.pointer_type() == "touch");
    let resting = StoredValue::new(None::<TimeoutHandle>);
    let on_selection = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
        if !touch.get_value() {
            return;
        }
        if let Some(timer) = resting.try_update_value(Option::take).flatten() {
            timer.clear();
        }
        // The editor may be gone when it fires (a tap on New document right after one in the
        // text): then there is nothing to show.
        let show = move || {
            let Some(container) = editor.text_ref.try_get_untracked().flatten() else {
                return;
            };
            let place = selection::selected_range(&container).and(selection::below_selection());
            let _ = editor.menu_at.try_set(place);
        };
        resting
            .set_value(set_timeout_with_handle(show, std::time::Duration::from_millis(300)).ok());
    });
    let _ = document()
        .add_event_listener_with_callback("selectionchange", on_selection.as_ref().unchecked_ref());
    let on_selection = StoredValue::new_local(Some(on_selection));
    on_cleanup(move || {
        if let Some(timer) = resting.try_update_value(Option::take).flatten() {
            timer.clear();
        }
        if let Some(listener) = on_selection.try_update_value(Option::take).flatten() {
            let _ = document().remove_event_listener_with_callback(
                "selectionchange",
                listener.as_ref().unchecked_ref(),
            );
        }
    });

    // After a drag, offer the labels beside the selection.
    let on_mouseup = move |ev: ev::MouseEvent| {
        let Some(container) = editor.text_ref.get_untracked() else {
            return;
        };
        if selection::selected_range(&container).is_some() {
            let (x, y) = (ev.page_x(), ev.page_y());
            editor.menu_at.set(Some((x, y + 14)));
        } else {
            editor.menu_at.set(None);
        }
    };

    // A download is otherwise silent (and unseen by a screen reader): the status says it.
    let exported = move || editor.tell("Exported: the file is in your browser's downloads.");
    let export = move |_| {
        let result = state
            .document
            .with_untracked(|d| d.as_ref().map(download_glossa_json));
        match result {
            Some(Err(message)) => state.problem.set(Some(message)),
            Some(Ok(())) => exported(),
            None => {}
        }
    };

    // The status line: words of ours around a quote of the user's, which sits in a <bdi> so
    // right-to-left text or a bidi override in it cannot reorder our words; then words on keys,
    // which a touch screen does not show (the style sheet hides .keys there).
    let status = move || -> (String, Option<String>, String, String) {
        if let Some(from) = editor.linking.get() {
            // The span J / K picked is named too: it was shown only by its outline.
            let (quote, picked) = state.document.with(|d| {
                let Some(d) = d.as_ref() else {
                    return (String::new(), None);
                };
                let quote = d.span(from).map(|s| shorten(d.quote(s), 60));
                let picked = selected
                    .get()
                    .filter(|id| *id != from)
                    .and_then(|id| d.span(id));
                let picked =
                    picked.map(|s| format!("” to {} “{}”?", s.label, shorten(d.quote(s), 40)));
                (quote.unwrap_or_default(), picked)
            });
            return match picked {
                Some(to) => (
                    "Link “".into(),
                    Some(quote),
                    to,
                    " Enter links; Escape cancels.".into(),
                ),
                None => (
                    "Linking “".into(),
                    Some(quote),
                    "”: click the span it relates to.".into(),
                    " Or pick it with J / K and Enter; Escape cancels.".into(),
                ),
            };
        }
        if let Some(notice) = editor.notice.get() {
            return (notice, None, String::new(), String::new());
        }
        let selected_span = selected.get().and_then(|id| {
            state.document.with(|d| {
                let d = d.as_ref()?;
                let span = d.span(id)?;
                // Shortened as the link prompt's is: the details panel has it whole.
                Some((span.label.clone(), shorten(d.quote(span), 60)))
            })
        });
        // Read-only: the status names no key that would edit (each would be refused).
        let read_only = state.read_only.get();
        match selected_span {
            Some((label, quote)) => (
                format!("Selected: {label} “"),
                Some(quote),
                "”".into(),
                if read_only {
                    " — read-only here".into()
                } else {
                    " — Delete removes it, R links it, ? lists all keys".into()
                },
            ),
            None if read_only => (
                "Read-only here: select, search and export; “Edit here” to edit.".into(),
                None,
                String::new(),
                String::new(),
            ),
            None => (
                "Select text, then choose a label.".into(),
                None,
                String::new(),
                editor.labels.with(|labels| {
                    let keys: Vec<char> = labels.iter().filter_map(|l| l.hotkey).collect();
                    key_hint(&keys)
                }),
            ),
        }
    };

    // A menu past the window's foot (a selection on a phone screen's last line) would be out of
    // sight: the page scrolls just enough to show it, once it is drawn where it goes.
    let menu_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let (Some(menu), Some(_)) = (menu_ref.get(), editor.menu_at.get()) {
            request_animation_frame(move || {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                menu.scroll_into_view_with_scroll_into_view_options(&options);
            });
        }
    });

    view! {
        <section class="editor">
            <div class="toolbar" role="toolbar" aria-label="Labels and actions">
                // Another tab edits the document: what would change it is disabled here (each
                // also refuses on its own, with the read-only message, from the keyboard).
                <fieldset class="plain" role="none" disabled=move || state.read_only.get()>
                    <LabelButtons/>
                </fieldset>
                <label class="toggle">
                    <input type="checkbox" prop:checked=move || editor.snap_to_words.get()
                        on:change=move |ev| editor.snap_to_words.set(event_target_checked(&ev))/>
                    "Snap to words"
                </label>
                <SearchBar input_ref=search_ref/>
                <span class="spacer"></span>
                <button on:click=move |_| editor.undo(false) title="Undo (Ctrl+Z)"
                    disabled=move || state.read_only.get() || !editor.can_undo_redo.get().0>"Undo"</button>
                <button on:click=move |_| editor.undo(true) title="Redo (Ctrl+Shift+Z or Ctrl+Y)"
                    disabled=move || state.read_only.get() || !editor.can_undo_redo.get().1>"Redo"</button>
                <button on:click=move |_| editor.help_open.update(|o| *o = !*o) title="Keyboard shortcuts (?)">"Keys ?"</button>
                <button on:click=export>"Export JSON"</button>
                <ExportMenu done=move |_: usize| exported()/>
                <super::library::SaveIndicator/>
                <button on:click=move |_| state.open(None)>"New document"</button>
            </div>
            <h2 class="doc-title">{move || state.document.with(|d| d.as_ref().map(|d| d.title.clone()))}</h2>
            <p class="status" aria-live="polite">
                {move || {
                    let (before, quote, after, keys) = status();
                    view! { {before}{quote.map(|q| view! { <bdi>{q}</bdi> })}{after}<span class="keys">{keys}</span> }
                }}
            </p>
            <div class="workspace" class:linking=move || editor.linking.with(Option::is_some)>
                <div class="text-column" on:mouseup=on_mouseup on:pointerdown=on_pointerdown on:copy=on_copy>
                    <TextView text_ref=editor.text_ref drawn=editor.drawn selected=selected on_click=on_text_click/>
                </div>
                <aside class="side" aria-label="Spans">
                    <DetailsPanel/>
                    <SpanList/>
                    <LabelEditor/>
                </aside>
            </div>
            // Below 900 px the side panel comes after the whole text: a selected span offers
            // the way to its note, verdict and relations (the panel has the way back).
            <Show when=move || selected.with(Option::is_some)>
                <button class="to-details" on:click=move |_| super::scroll_to(".details", web_sys::ScrollLogicalPosition::Start)>
                    "Note, verdict, links ↓"
                </button>
            </Show>
            <Show when=move || editor.menu_at.with(Option::is_some) && !state.read_only.get()>
                <div class="label-menu" role="toolbar" aria-label="Tag the selection" node_ref=menu_ref
                    style=move || editor.menu_at.get().map(|(x, y)| format!("left:{x}px;top:{y}px;--x:{x}px")).unwrap_or_default()>
                    <LabelButtons compact=true/>
                </div>
            </Show>
            <CheatSheet/>
        </section>
    }
}
