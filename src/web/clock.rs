//! Time and identity, which the domain deliberately does not have: the current time as an
//! ISO 8601 string and in milliseconds, and fresh random ids.

/// The current time as `2026-11-27T20:31:48.123Z`.
pub fn now_iso() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// Milliseconds since the epoch, for coalescing rapid edits in the history.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Today as `YYYY-MM-DD`.
pub fn today() -> String {
    now_iso().chars().take(10).collect()
}

/// A fresh id: a prefix and 12 random hex digits (48 bits), enough that annotation sets made
/// by a whole class on different machines can be merged without collisions.
pub fn new_id(prefix: &str) -> String {
    let mut bytes = [0u8; 6];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        for byte in bytes.iter_mut() {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    let mut id = String::from(prefix);
    for byte in bytes {
        id.push_str(&format!("{byte:02x}"));
    }
    id
}
