//! localStorage, with every way it can fail turned into a [`StorageError`] the app can show:
//! absent or blocked storage (private modes, disabled cookies, sandboxed frames), a full
//! quota (each browser spells it differently), and anything else the browser throws.
//!
//! All of the app's keys start with [`PREFIX`]; keys of other apps on the same origin are
//! never read, written or counted as ours.

use wasm_bindgen::JsCast;

pub const PREFIX: &str = "article-annotator:";

/// Browsers give an origin about 5 M UTF-16 characters of localStorage (Chromium: 10 MiB
/// counting two bytes a character). Used to refuse a write that cannot fit before trying.
pub const ASSUMED_QUOTA_CHARS: usize = 5 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// No localStorage at all, or access throws (blocked by settings or policy).
    Unavailable(String),
    /// The quota is full; `needed` is the size of what we tried to write, in characters.
    QuotaExceeded {
        needed: usize,
    },
    /// Refused before writing: the entry (`needed` characters) is larger than the space left
    /// (`available` characters, by our estimate of the quota).
    DoesNotFit {
        needed: usize,
        available: usize,
    },
    Other(String),
}

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StorageError::Unavailable(why) => write!(
                f,
                "this browser does not let Article Annotator store anything ({why}); your work stays in this tab until you export it"
            ),
            StorageError::QuotaExceeded { needed } => write!(
                f,
                "the browser's storage for this page is full (this save needs {}), so nothing was written; export your work, then delete documents you no longer need",
                human_size(*needed * 2)
            ),
            StorageError::DoesNotFit { needed, available } => write!(
                f,
                "this document needs {} but only {} of the browser's storage for this page is left, so nothing was written; export it, then delete documents you no longer need",
                human_size(*needed * 2),
                human_size(*available * 2)
            ),
            StorageError::Other(why) => write!(f, "saving failed: {why}"),
        }
    }
}

impl std::error::Error for StorageError {}

pub fn human_size(bytes: usize) -> String {
    if bytes >= 1_048_576 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else if bytes >= 1024 {
        format!("{:.0} KB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

fn classify(error: wasm_bindgen::JsValue, needed: usize) -> StorageError {
    let name = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.name()))
        .unwrap_or_default();
    let code = js_sys::Reflect::get(&error, &"code".into())
        .ok()
        .and_then(|c| c.as_f64())
        .unwrap_or(0.0) as u32;
    let quota = matches!(
        name.as_str(),
        "QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED"
    ) || code == 22
        || code == 1014;
    if quota {
        return StorageError::QuotaExceeded { needed };
    }
    let message = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into());
    if name == "SecurityError" {
        return StorageError::Unavailable(message);
    }
    StorageError::Other(format!("{name} {message}").trim().to_string())
}

/// The origin's localStorage, if the browser lets us use it.
#[derive(Clone)]
pub struct Store {
    storage: web_sys::Storage,
}

impl Store {
    pub fn open() -> Result<Store, StorageError> {
        let window =
            web_sys::window().ok_or_else(|| StorageError::Unavailable("no window".into()))?;
        let storage = window
            .local_storage()
            // Whatever the browser throws here means the same to the person: no storage.
            .map_err(|e| match classify(e, 0) {
                StorageError::Other(why) => StorageError::Unavailable(why),
                other => other,
            })?
            .ok_or_else(|| StorageError::Unavailable("localStorage is switched off".into()))?;
        Ok(Store { storage })
    }

    pub fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.storage.get_item(key).map_err(|e| classify(e, 0))
    }

    pub fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        // Counted only on failure: for a big article that is megabytes to walk.
        self.storage
            .set_item(key, value)
            .map_err(|e| classify(e, key.len() + value.encode_utf16().count()))
    }

    pub fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.storage.remove_item(key).map_err(|e| classify(e, 0))
    }

    /// Our keys (those starting with [`PREFIX`]).
    pub fn keys(&self) -> Vec<String> {
        let count = self.storage.length().unwrap_or(0);
        (0..count)
            .filter_map(|i| self.storage.key(i).ok().flatten())
            .filter(|k| k.starts_with(PREFIX))
            .collect()
    }

    /// Characters used by every key on this origin (ours and others', since they share the
    /// quota).
    pub fn used_chars(&self) -> usize {
        let count = self.storage.length().unwrap_or(0);
        (0..count)
            .filter_map(|i| self.storage.key(i).ok().flatten())
            .map(|k| {
                let value = self.storage.get_item(&k).ok().flatten().unwrap_or_default();
                k.encode_utf16().count() + value.encode_utf16().count()
            })
            .sum()
    }
}
