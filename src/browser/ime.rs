//! Keeps input methods (Japanese, Chinese, Korean) out of the article text.
//!
//! An input method writes its composition into the focused editable element, and the browser
//! lets no script refuse that text (`beforeinput` for a composition cannot be cancelled): in the
//! text view it would change the shown text under every offset. So when a composition starts
//! there, the focus moves to an unseen field at the caret, which takes the composition; when it
//! ends, the focus and the selection go back, and the committed text is handed on (a label key
//! typed through an input method still tags).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlElement, HtmlTextAreaElement};

/// The unseen field and its listeners; dropping it removes both.
pub struct ImeSink {
    field: HtmlTextAreaElement,
    on_start: Closure<dyn Fn(Event)>,
    on_end: Closure<dyn Fn(Event)>,
}

impl ImeSink {
    /// Watches compositions that start inside the element `text` gives; `committed` gets what
    /// each one committed, once the focus and selection are back in the text.
    pub fn install(
        text: impl Fn() -> Option<HtmlElement> + 'static,
        committed: impl Fn(String) + 'static,
    ) -> Option<ImeSink> {
        let document = web_sys::window()?.document()?;
        let field: HtmlTextAreaElement =
            document.create_element("textarea").ok()?.dyn_into().ok()?;
        field.set_class_name("ime-sink");
        let _ = field.set_attribute("aria-hidden", "true");
        field.set_tab_index(-1);
        document.body()?.append_child(&field).ok()?;

        let text = std::rc::Rc::new(text);
        let saved = std::rc::Rc::new(std::cell::RefCell::new(None::<web_sys::Range>));
        let on_start = {
            let (field, text, saved) = (field.clone(), text.clone(), saved.clone());
            Closure::<dyn Fn(Event)>::new(move |ev: Event| {
                let inside = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                    .zip(text())
                    .is_some_and(|(node, text)| text.contains(Some(&node)));
                if !inside {
                    return;
                }
                let range = super::selection::current_range();
                // At the caret, so the input method's own window opens beside it.
                if let Some(rect) = range.as_ref().map(|r| r.get_bounding_client_rect()) {
                    // Whole pixels: formatting an f64 would bring float printing into the wasm (~10 KB).
                    let place = format!(
                        "left:{}px;top:{}px",
                        rect.left() as i32,
                        rect.bottom() as i32
                    );
                    let _ = field.set_attribute("style", &place);
                }
                *saved.borrow_mut() = range;
                field.set_value("");
                super::selection::focus_in_place(&field);
            })
        };
        let on_end = {
            let (field, saved) = (field.clone(), saved.clone());
            let committed = std::rc::Rc::new(committed);
            Closure::<dyn Fn(Event)>::new(move |_: Event| {
                let (field, text, saved, committed) = (
                    field.clone(),
                    text.clone(),
                    saved.clone(),
                    committed.clone(),
                );
                // The committed text is in the field only after the end event.
                let back = Closure::once_into_js(move || {
                    let typed = field.value();
                    field.set_value("");
                    // The user went elsewhere meanwhile (a click ends a composition too): the
                    // focus stays where they put it, and what was typed is dropped.
                    let still_here = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.active_element())
                        .is_some_and(|a| &a == field.unchecked_ref::<web_sys::Element>());
                    if !still_here {
                        saved.borrow_mut().take();
                        return;
                    }
                    if let Some(text) = text() {
                        super::selection::focus_in_place(&text);
                    }
                    if let Some(range) = saved.borrow_mut().take() {
                        super::selection::select_range(&range);
                    }
                    committed(typed);
                });
                if let Some(window) = web_sys::window() {
                    let _ = window.set_timeout_with_callback(back.unchecked_ref());
                }
            })
        };
        let window = web_sys::window()?;
        let _ = window.add_event_listener_with_callback(
            "compositionstart",
            on_start.as_ref().unchecked_ref(),
        );
        let _ = field
            .add_event_listener_with_callback("compositionend", on_end.as_ref().unchecked_ref());
        Some(ImeSink {
            field,
            on_start,
            on_end,
        })
    }
}

impl Drop for ImeSink {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "compositionstart",
                self.on_start.as_ref().unchecked_ref(),
            );
        }
        let _ = self.field.remove_event_listener_with_callback(
            "compositionend",
            self.on_end.as_ref().unchecked_ref(),
        );
        self.field.remove();
    }
}
