//! File formats: each reader turns a file into an [`ImportBatch`](crate::domain::import::ImportBatch)
//! (partial, with problems), each writer turns a document into text.
//!
//! Every format gets its own module; this file only declares them and holds the few helpers
//! all readers share (decoding bytes, naming JSON value kinds for messages).

pub mod library;
pub mod native;
pub mod parts;

use serde_json::Value;

/// The byte order mark some editors put at the start of UTF-8 files.
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Decodes a file's bytes as UTF-8, dropping one leading byte order mark. The error is a
/// sentence a person can act on: which byte is wrong and what to do about it.
pub fn decode_utf8(bytes: &[u8]) -> Result<&str, String> {
    let without_bom = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if without_bom.starts_with(&[0xFF, 0xFE]) || without_bom.starts_with(&[0xFE, 0xFF]) {
        return Err("the file is UTF-16, not UTF-8; save it as UTF-8 and import it again".into());
    }
    std::str::from_utf8(without_bom).map_err(|error| {
        format!(
            "the file is not valid UTF-8 (byte {} is not part of a UTF-8 character); \
             save it as UTF-8 and import it again",
            error.valid_up_to() + (bytes.len() - without_bom.len())
        )
    })
}

/// What kind of JSON value this is, for messages: "a number", "an object", ….
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Serialises to pretty JSON (two-space indent) with a final newline.
///
/// serde_json only fails on map keys that are not strings or on a failing `Serialize`
/// implementation; the format types have neither, so the empty fallback is never taken.
pub(crate) fn to_pretty_json<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut json) => {
            json.push('\n');
            json
        }
        Err(_) => String::new(),
    }
}
