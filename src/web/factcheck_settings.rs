//! The fact-checking settings kept in this browser: the organisation that signs exported
//! ClaimReviews. One small string in localStorage (via gloo-storage), under the app's prefix.

use gloo_storage::{LocalStorage, Storage};

pub const ORGANISATION_KEY: &str = "article-annotator:factcheck:organisation";

/// The stored organisation name; empty when none is stored or storage cannot be read.
pub fn load_organisation() -> String {
    LocalStorage::get::<String>(ORGANISATION_KEY).unwrap_or_default()
}

/// Stores the organisation name; the error says why it could not be kept.
pub fn save_organisation(name: &str) -> Result<(), String> {
    LocalStorage::set(ORGANISATION_KEY, name).map_err(|error| error.to_string())
}
