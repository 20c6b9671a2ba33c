//! Sharing a library through a CouchDB server (optional; local-first stays the default). The
//! decisions are the domain's (`domain::sync`), the HTTP calls `web::sync`'s; here are the
//! panel, the sign-in, the panel's server actions and the engine that keeps the open document
//! live. Remote changes reach the document only through `actions::apply_remote`. This module
//! only puts the parts together: none of them imports it.

pub mod context;
pub mod engine;
pub mod library;
mod memory;
pub mod panel;
mod push;
pub mod sign_in;
pub mod watch;

pub use panel::{SharingButton, SharingPanel, SharingStatus};

/// Creates sharing's signals, keeps them for `use_sharing`, and watches the open document: a
/// document shared before fetches the engine and goes live again on its own.
pub fn provide_sharing(state: crate::ui::state::AppState) {
    let sharing = context::Sharing::new();
    context::provide(sharing);
    watch::watch(state, sharing);
}
