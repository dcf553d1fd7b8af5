//! The Glossa app: a thin browser layer over `glossa-core`, and the Leptos components that show it.
//!
//! - [`browser`] binds the core to the browser: local storage, the DOM selection, downloads.
//! - [`components`] are what the user sees.

pub mod browser;
pub mod components;
