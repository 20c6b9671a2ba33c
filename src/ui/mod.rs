//! Leptos components.
pub fn start() {}
