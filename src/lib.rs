//! Article Annotator: mark claims, sources and entities in an article, entirely in the browser.
//!
//! Three layers, each depending only on the ones before it:
//! - [`domain`]: pure Rust, no browser, tested natively;
//! - `web`: thin browser edges (storage, files, DOM selection ↔ offsets);
//! - `ui`: Leptos components.
//!
//! The browser layers only exist in the WebAssembly build, so `cargo test` on the host builds
//! the domain alone.

pub mod domain;

#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(target_arch = "wasm32")]
pub mod ui;
