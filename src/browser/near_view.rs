//! Telling when an element comes near the viewport, for what is drawn only once the user gets
//! close to it: the span list's next rows (an `IntersectionObserver`), the spans of a far
//! paragraph (the browser's own word that it starts rendering it).

use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use web_sys::{
    Element, Event, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit,
};

/// Calls `on_near` with each watched element that comes within `margin` (CSS, as
/// `"1500px 0px"`) of the viewport, or of `root` (a scrolling ancestor), and with each one
/// newly watched that already is; an element stops being watched when `on_near` returns true.
/// Clipping by a scrolling ancestor counts: a row hidden below the side panel's fold is not
/// near the viewport. All watching stops when this is dropped.
pub struct NearView {
    observer: IntersectionObserver,
    _on_near: Closure<dyn Fn(js_sys::Array, IntersectionObserver)>,
}

impl NearView {
    pub fn new(
        root: Option<&Element>,
        margin: &str,
        on_near: impl Fn(&Element) -> bool + 'static,
    ) -> Option<NearView> {
        let on_near = Closure::<dyn Fn(js_sys::Array, IntersectionObserver)>::new(
            move |entries: js_sys::Array, observer: IntersectionObserver| {
                for entry in entries.iter() {
                    let entry: IntersectionObserverEntry = entry.unchecked_into();
                    let target = entry.target();
                    if entry.is_intersecting() && on_near(&target) {
                        observer.unobserve(&target);
                    }
                }
            },
        );
        let options = IntersectionObserverInit::new();
        options.set_root_margin(margin);
        if let Some(root) = root {
            options.set_root(Some(root));
        }
        let observer =
            IntersectionObserver::new_with_options(on_near.as_ref().unchecked_ref(), &options)
                .ok()?;
        Some(NearView {
            observer,
            _on_near: on_near,
        })
    }

    pub fn watch(&self, element: &Element) {
        self.observer.observe(element);
    }

    pub fn forget(&self, element: &Element) {
        self.observer.unobserve(element);
    }
}

impl Drop for NearView {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Tells `on_change` each time the browser starts (true) or stops (false) rendering a
/// `content-visibility: auto` element inside `within` (Chromium renders those within 1.5 screens
/// of the viewport). The browser watches such elements anyway, so this costs no observer of our
/// own. None where the browser does not tell ([`Rendering::told`]). Stops when dropped.
pub struct Rendering {
    within: Element,
    listener: Closure<dyn Fn(Event)>,
}

/// The event that says a `content-visibility: auto` element starts or stops being rendered.
const STATE_CHANGE: &str = "contentvisibilityautostatechange";

impl Rendering {
    /// True where the browser tells (every browser since 2024).
    pub fn told() -> bool {
        web_sys::window().is_some_and(|window| {
            js_sys::Reflect::get(&window, &"ContentVisibilityAutoStateChangeEvent".into())
                .is_ok_and(|event| !event.is_undefined())
        })
    }

    pub fn new(within: &Element, on_change: impl Fn(&Element, bool) + 'static) -> Option<Self> {
        if !Self::told() {
            return None;
        }
        let listener = Closure::<dyn Fn(Event)>::new(move |ev: Event| {
            let skipped = js_sys::Reflect::get(&ev, &"skipped".into()).map(|s| s.as_bool());
            if let (Ok(Some(skipped)), Some(target)) = (skipped, ev.target()) {
                if let Ok(element) = target.dyn_into::<Element>() {
                    on_change(&element, !skipped);
                }
            }
        });
        // Captured: the event does not bubble up from the element.
        within
            .add_event_listener_with_callback_and_bool(
                STATE_CHANGE,
                listener.as_ref().unchecked_ref(),
                true,
            )
            .ok()?;
        Some(Rendering {
            within: within.clone(),
            listener,
        })
    }
}

impl Drop for Rendering {
    fn drop(&mut self) {
        let _ = self.within.remove_event_listener_with_callback_and_bool(
            STATE_CHANGE,
            self.listener.as_ref().unchecked_ref(),
            true,
        );
    }
}
