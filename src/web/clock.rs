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

/// Resolves once the browser has painted the next frame (or after 100 ms, when no frame
/// comes: a hidden tab), so work that runs in one piece afterwards has what was shown before
/// it on screen.
pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            // Resolving twice is harmless; if the browser refuses both, the promise resolves
            // never and the caller's sign stays up: so resolve at once instead.
            let frame = window.request_animation_frame(&resolve);
            let timer = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, FRAME_WAIT_MS);
            if frame.is_err() && timer.is_err() {
                // Nothing can be lost: this only wakes the caller.
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
        } else {
            // No window (not a page): nothing to wait for. Nothing can be lost either.
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    // The promise only ever resolves (with undefined); there is no error to keep.
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

const FRAME_WAIT_MS: i32 = 100;
