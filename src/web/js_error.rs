//! What the browser said when it refused something, in the words a notice shows: one wording
//! for files, sharing's requests, the service worker, the selection and storage.

use wasm_bindgen::{JsCast, JsValue};

/// An `Error`'s message (its name when the message is empty), a thrown string as it is, or
/// that the browser gave no reason.
pub fn describe(value: &JsValue) -> String {
    match value.dyn_ref::<js_sys::Error>() {
        Some(error) => {
            let message = String::from(error.message());
            if message.is_empty() {
                String::from(error.name())
            } else {
                message
            }
        }
        None => value
            .as_string()
            .unwrap_or_else(|| "the browser gave no reason".to_string()),
    }
}
