//! Everything that touches browser APIs, kept apart from the components so it can be tested
//! with `wasm-bindgen-test` and read at a glance.

pub mod download;
pub mod formats_worker;
pub mod highlight;
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
