//! The one owner of what Article Annotator keeps in this browser. [`keys`] declares every
//! key; [`library`] owns the documents, the index and which revision each write gets;
//! [`settings`] the small values (theme, fact-check organisation, classroom sessions);
//! [`sync`] what sharing a document keeps (its ledger, the name given on an open server).
//! Underneath them, [`adapter`] is the only code that touches localStorage, through
//! gloo-storage, and turns every failure into a [`StorageError`] the app shows. Components
//! call `library` and `settings`, never the adapter or the browser's storage, and only the
//! modules `tests/architecture.rs` names may call their writing functions.
//!
//! [`manager`] wraps `navigator.storage` (the origin's estimate and persistence), which is
//! about the whole origin rather than any key.

pub mod adapter;
mod error;
pub mod keys;
pub mod library;
pub mod manager;
pub mod settings;
pub mod sync;

pub use crate::domain::article_input::limits::human_size;
pub use error::{ASSUMED_QUOTA_CHARS, StorageError, classify};
