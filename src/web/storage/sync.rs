//! What sharing keeps in this browser: per shared document, its ledger (what the server is
//! known to hold and how far its changes were read, `domain::sync::ledger`), and the name a
//! person gave on a server where nobody signs in. No password, token or cookie is kept here:
//! the server's session lives in its own cookie.

use super::adapter::Store;
use super::error::StorageError;
use super::keys;

/// The stored ledger of document `document_id`, as `Ledger::to_json` wrote it.
pub fn ledger(document_id: &str) -> Option<String> {
    Store::open()
        .ok()?
        .get(&keys::sync_ledger(document_id))
        .ok()?
}

pub fn set_ledger(document_id: &str, json: &str) -> Result<(), StorageError> {
    Store::open()?.set(&keys::sync_ledger(document_id), json)
}

/// Stops sharing document `document_id` in this browser (the document itself stays).
pub fn forget_ledger(document_id: &str) -> Result<(), StorageError> {
    Store::open()?.remove(&keys::sync_ledger(document_id))
}

/// The name typed on a server where nobody signs in (a label, not a secret).
pub fn sharing_name() -> Option<String> {
    Store::open().ok()?.get(keys::SHARING_NAME).ok()?
}

pub fn set_sharing_name(name: &str) -> Result<(), StorageError> {
    Store::open()?.set(keys::SHARING_NAME, name)
}
