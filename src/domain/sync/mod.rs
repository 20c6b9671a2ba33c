//! Sharing a document through a CouchDB server, decided without the network.
//!
//! The server holds one CouchDB document per article (`art:<document>`: text, title, tags)
//! and one per annotation (`ann:<document>:<annotation>`), so two people editing different
//! annotations of one article never touch the same server document and never conflict.
//! Everything here is pure and tested natively: the server documents and their validation
//! (a server is not trusted: every document is checked before it reaches an annotation),
//! the ledger of what the server is known to hold (what is waiting to be pushed is the
//! difference between it and the open document, so nothing needs a separate queue), how a
//! page of the changes feed becomes edits of the open document, and how a conflict keeps
//! both versions. The HTTP calls live in `web/sync.rs`; the panel and the loop that drives
//! them in `ui/sharing/`.

mod digest;
pub mod docs;
pub mod feed;
pub mod incoming;
pub mod ledger;
pub mod pieces;

pub use docs::{AnnotationBody, ArticleBody, ServerDoc, SyncDocError};
pub use incoming::{Incoming, RemoteEdit, SyncNotice, apply_edits};
pub use ledger::{Known, Ledger, Outgoing};
