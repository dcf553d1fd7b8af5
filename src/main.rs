//! Starts the app in the browser.

fn main() {
    glossa::browser::crash::install_panic_banner();
    // Marks for the benchmark: wasm start and first render, on the page's own timeline.
    let performance = web_sys::window().and_then(|w| w.performance());
    if let Some(p) = &performance {
        let _ = p.mark("glossa-start");
    }
    leptos::mount::mount_to_body(glossa::components::App);
    if let Some(p) = &performance {
        let _ = p.mark("glossa-mounted");
    }
}
