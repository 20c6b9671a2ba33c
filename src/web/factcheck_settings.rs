//! The fact-checking settings kept in this browser: the organisation that signs exported
//! ClaimReviews. One small string in localStorage (via gloo-storage), under the app's prefix.
//! gloo-storage panics when the browser has no usable localStorage, so every call first makes
//! sure storage can be opened.

use gloo_storage::{LocalStorage, Storage};

pub const ORGANISATION_KEY: &str = "article-annotator:factcheck:organisation";

/// The stored organisation name; empty when none is stored or storage cannot be read.
pub fn load_organisation() -> String {
    if crate::web::storage::Store::open().is_err() {
        return String::new();
    }
    LocalStorage::get::<String>(ORGANISATION_KEY).unwrap_or_default()
}

/// Stores the organisation name; the error says why it could not be kept.
pub fn save_organisation(name: &str) -> Result<(), String> {
    crate::web::storage::Store::open().map_err(|error| error.to_string())?;
    LocalStorage::set(ORGANISATION_KEY, name).map_err(|error| error.to_string())
}
