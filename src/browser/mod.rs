//! Everything that touches browser APIs, kept apart from the components so it can be tested
//! with `wasm-bindgen-test` and read at a glance.

pub mod crash;
pub mod download;
pub mod formats_worker;
pub mod highlight;
pub mod ime;
pub mod mirror;
pub mod near_view;
pub mod selection;
pub mod storage;
pub mod tabs;

/// Milliseconds since the Unix epoch, from the browser's clock.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A new document id: time plus randomness, so two tabs never pick the same one.
pub fn new_document_id() -> String {
    let random = (js_sys::Math::random() * 1e9) as u64;
    format!("d{:x}{:x}", now_ms(), random)
}

/// Resolves once the next frame is drawn (a timeout set in an animation frame runs after it):
/// long work on this thread awaits it, so that what was just said ("Reading the files…")
/// shows before the page is busy.
pub async fn after_paint() {
    use wasm_bindgen::JsCast;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Some(window) = web_sys::window() else {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            return;
        };
        let frame = wasm_bindgen::closure::Closure::once_into_js(move || {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback(resolve.unchecked_ref());
            }
        });
        let _ = window.request_animation_frame(frame.unchecked_ref());
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The id of index.html's "Opening…" note, shown until the app has started.
pub const OPENING_ID: &str = "opening";

/// Takes index.html's "Opening…" note away: the app is up, or stopped (a panic's banner).
pub fn remove_opening_note() {
    if let Some(note) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(OPENING_ID))
    {
        note.remove();
    }
}

/// Runs `work` once the page is idle, within `wait_ms` even if it never is; in the next task
/// where the browser cannot tell (Safari).
pub fn when_idle(work: wasm_bindgen::JsValue, wait_ms: i32) {
    use js_sys::{Function, Object, Reflect};
    use wasm_bindgen::JsCast;
    let Some(w) = web_sys::window() else { return };
    let idle = Reflect::get(&w, &"requestIdleCallback".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok());
    let asked = idle.is_some_and(|idle| {
        let options = Object::new();
        Reflect::set(&options, &"timeout".into(), &wait_ms.into()).is_ok()
            && idle.call2(&w, &work, &options).is_ok()
    });
    if !asked {
        let _ = w.set_timeout_with_callback(work.unchecked_ref());
    }
}
