//! The small things kept in this browser besides the library: the theme, the organisation
//! that signs exported ClaimReviews, and a student's classroom session per document. Each
//! read falls back to "nothing stored" when storage is missing or the value is damaged (a
//! setting is chosen again in a click; the library's documents are never behind these).

use super::adapter::Store;
use super::error::StorageError;
use super::keys;

/// The theme stored in this browser (`system`, `light` or `dark`).
pub fn theme() -> Option<String> {
    Store::open().ok()?.get(keys::THEME).ok()?
}

pub fn set_theme(name: &str) -> Result<(), StorageError> {
    Store::open()?.set(keys::THEME, name)
}

/// The organisation name; empty when none is stored or storage cannot be read.
pub fn organisation() -> String {
    Store::open()
        .ok()
        .and_then(|store| store.get_json::<String>(keys::FACTCHECK_ORGANISATION).ok())
        .flatten()
        .unwrap_or_default()
}

pub fn set_organisation(name: &str) -> Result<(), StorageError> {
    Store::open()?.set_json(keys::FACTCHECK_ORGANISATION, &name)
}

/// The classroom session stored for document `document_id`, as the classroom wrote it (its
/// typed, versioned form is `domain::classroom::session`).
pub fn classroom_session(document_id: &str) -> Option<String> {
    Store::open()
        .ok()?
        .get(&keys::classroom_session(document_id))
        .ok()?
}

pub fn set_classroom_session(document_id: &str, session: &str) -> Result<(), StorageError> {
    Store::open()?.set(&keys::classroom_session(document_id), session)
}
