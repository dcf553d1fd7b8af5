//! Starts the app in the browser.

fn main() {
    glossa::browser::crash::install_panic_banner();
    // Marks for the benchmark: wasm start and first render, on the page's own timeline.
    let performance = web_sys::window().and_then(|w| w.performance());
    if let Some(p) = &performance {
        let _ = p.mark("glossa-start");
    }
    // The IndexedDB copy of the documents is put back first where it is further along than
    // local storage (the browser was killed before local storage reached the disk).
    wasm_bindgen_futures::spawn_local(async move {
        glossa::browser::mirror::restore().await;
        // In the task that mounts the app: no frame shows both.
        glossa::browser::remove_opening_note();
        leptos::mount::mount_to_body(glossa::components::App);
        if let Some(p) = &performance {
            let _ = p.mark("glossa-mounted");
        }
        // The service worker's registration (assets/pwa.js) waits for this.
        if let (Some(window), Ok(mounted)) =
            (web_sys::window(), web_sys::Event::new("glossa-mounted"))
        {
            let _ = window.dispatch_event(&mounted);
        }
    });
}
