//! Telling when an element comes near the viewport (an `IntersectionObserver`), for what is
//! drawn only once the user gets close to it: the spans of a far paragraph, the span list's
//! next rows.

use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

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
