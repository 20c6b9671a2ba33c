//! The only code that touches the browser's storage. It is built on gloo-storage's
//! `LocalStorage`: small JSON settings go through its typed `get`/`set`, and everything else
//! (library entries and the index, which the domain writes as versioned JSON text, and two
//! plain strings) as text through its storage handle, so what is stored stays exactly what
//! the formats say. Every failure, from the browser or from gloo-storage, becomes a
//! [`StorageError`] in [`classify`] terms.
//!
//! It also keeps the size of every key on the origin (ours and other apps', which share the
//! quota), so checking that a save fits never reads anything: sizes come from what was read
//! or written here, from the library index (which records each entry's size), from other
//! tabs' `storage` events, and, once per page load, from reading the few keys still unknown.
//!
//! gloo-storage throws when the browser has no usable localStorage, so [`Store::open`] makes
//! sure there is one before anything else is called.

use super::error::{StorageError, classify};
use super::keys;
use gloo_storage::{LocalStorage, Storage};
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::JsCast;

/// Characters each key takes (key and value, in UTF-16 code units as browsers count them).
#[derive(Default)]
struct Sizes {
    chars: HashMap<String, usize>,
    /// Every key on the origin has been measured since the page loaded (or storage was
    /// cleared); from then on writes and `storage` events keep the map right.
    complete: bool,
}

thread_local! {
    static SIZES: RefCell<Sizes> = RefCell::new(Sizes::default());
}

fn with_sizes<R>(f: impl FnOnce(&mut Sizes) -> R) -> Option<R> {
    SIZES.with(|sizes| sizes.try_borrow_mut().ok().map(|mut sizes| f(&mut sizes)))
}

/// UTF-16 code units in `text`, without building them: one per character, two for a
/// character outside the Basic Multilingual Plane (a 4-byte UTF-8 sequence).
pub fn utf16_len(text: &str) -> usize {
    text.bytes()
        .map(|byte| usize::from(byte & 0xC0 != 0x80) + usize::from(byte >= 0xF0))
        .sum()
}

fn entry_chars(key: &str, value: &str) -> usize {
    utf16_len(key) + utf16_len(value)
}

fn from_js(error: wasm_bindgen::JsValue, needed: usize) -> StorageError {
    let name = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.name()))
        .unwrap_or_default();
    let code = js_sys::Reflect::get(&error, &"code".into())
        .ok()
        .and_then(|c| c.as_f64())
        .unwrap_or(0.0) as u32;
    let message = crate::web::js_error::describe(&error);
    classify(&name, &message, code, needed)
}

fn from_gloo(error: gloo_storage::errors::StorageError, key: &str, needed: usize) -> StorageError {
    use gloo_storage::errors::StorageError as Gloo;
    match error {
        Gloo::JsError(js) => classify(&js.name, &js.message, 0, needed),
        Gloo::SerdeError(why) => StorageError::Corrupt {
            key: key.to_string(),
            reason: why.to_string(),
        },
        Gloo::KeyNotFound(_) => StorageError::Other(format!("nothing is stored under {key}")),
    }
}

/// The origin's localStorage, known to be usable.
#[derive(Clone)]
pub struct Store {
    storage: web_sys::Storage,
}

impl Store {
    pub fn open() -> Result<Store, StorageError> {
        let window =
            web_sys::window().ok_or_else(|| StorageError::Unavailable("no window".into()))?;
        window
            .local_storage()
            // Whatever the browser throws here means the same to the person: no storage.
            .map_err(|e| match from_js(e, 0) {
                StorageError::Other(why) => StorageError::Unavailable(why),
                other => other,
            })?
            .ok_or_else(|| StorageError::Unavailable("localStorage is switched off".into()))?;
        Ok(Store {
            storage: LocalStorage::raw(),
        })
    }

    /// The text stored under `key`.
    pub fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        let value = self.storage.get_item(key).map_err(|e| from_js(e, 0))?;
        with_sizes(|sizes| match &value {
            Some(value) => sizes.chars.insert(key.to_string(), entry_chars(key, value)),
            None => sizes.chars.remove(key),
        });
        Ok(value)
    }

    /// Stores `value` under `key`; a value that does not fit leaves the old one (the Web
    /// Storage standard requires it) and comes back as [`StorageError::QuotaExceeded`].
    pub fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let chars = entry_chars(key, value);
        self.storage
            .set_item(key, value)
            .map_err(|e| from_js(e, chars))?;
        with_sizes(|sizes| sizes.chars.insert(key.to_string(), chars));
        Ok(())
    }

    pub fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.storage.remove_item(key).map_err(|e| from_js(e, 0))?;
        with_sizes(|sizes| sizes.chars.remove(key));
        Ok(())
    }

    /// A JSON value (gloo-storage's typed read); `None` when nothing is stored.
    pub fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, StorageError> {
        match LocalStorage::get::<T>(key) {
            Ok(value) => Ok(Some(value)),
            Err(gloo_storage::errors::StorageError::KeyNotFound(_)) => Ok(None),
            Err(error) => Err(from_gloo(error, key, 0)),
        }
    }

    /// Stores `value` as JSON (gloo-storage's typed write).
    pub fn set_json<T: serde::Serialize>(&self, key: &str, value: &T) -> Result<(), StorageError> {
        // Tiny settings: serialising once more to know the size costs nothing.
        let chars = serde_json::to_string(value)
            .map(|text| entry_chars(key, &text))
            .unwrap_or(0);
        LocalStorage::set(key, value).map_err(|error| from_gloo(error, key, chars))?;
        with_sizes(|sizes| sizes.chars.insert(key.to_string(), chars));
        Ok(())
    }

    /// Every key on the origin (ours and other apps').
    pub fn all_keys(&self) -> Vec<String> {
        let count = self.storage.length().unwrap_or(0);
        (0..count)
            .filter_map(|i| self.storage.key(i).ok().flatten())
            .collect()
    }

    /// Our keys: those starting with `prefix`.
    pub fn keys(&self, prefix: &str) -> Vec<String> {
        let mut keys = self.all_keys();
        keys.retain(|k| k.starts_with(prefix));
        keys
    }

    /// Characters used by every key on the origin except `except`. Reads only keys whose size
    /// is not known yet, which after the first call this page load is none.
    pub fn used_chars_except(&self, except: Option<&str>) -> usize {
        self.used_chars_except_keys(except.as_slice())
    }

    /// Characters used by every key on the origin except those in `except`. The pieces of an
    /// entry in parts (`keys::is_piece`) are never read to be measured: until this page reads
    /// or writes them, their document's key carries the whole entry's size, from the index.
    pub fn used_chars_except_keys<K: AsRef<str>>(&self, except: &[K]) -> usize {
        let complete = with_sizes(|sizes| sizes.complete).unwrap_or(false);
        if !complete {
            for key in self.all_keys() {
                let known = with_sizes(|sizes| sizes.chars.contains_key(&key)).unwrap_or(false);
                if !known && !keys::is_piece(&key) {
                    // A value that cannot be read counts as empty; `get` records its size.
                    if self.get(&key).is_err() {
                        with_sizes(|sizes| sizes.chars.insert(key.clone(), utf16_len(&key)));
                    }
                }
            }
            with_sizes(|sizes| sizes.complete = true);
        }
        with_sizes(|sizes| {
            sizes
                .chars
                .iter()
                .filter(|(key, _)| !except.iter().any(|e| e.as_ref() == key.as_str()))
                .map(|(_, chars)| chars)
                .sum()
        })
        .unwrap_or(0)
    }

    /// The size of `key` as stored, when known without reading it.
    pub fn known_size(&self, key: &str) -> Option<usize> {
        with_sizes(|sizes| sizes.chars.get(key).copied()).flatten()
    }
}

/// This tab's own sessionStorage: a reload of the tab keeps it, other tabs have their own.
/// Only small values live there, never work, so it is not counted against the quota.
fn tab_storage() -> Result<web_sys::Storage, StorageError> {
    web_sys::window()
        .ok_or_else(|| StorageError::Unavailable("no window".into()))?
        .session_storage()
        .map_err(|e| from_js(e, 0))?
        .ok_or_else(|| StorageError::Unavailable("sessionStorage is switched off".into()))
}

/// The text this tab keeps under `key`.
pub fn tab_get(key: &str) -> Result<Option<String>, StorageError> {
    tab_storage()?.get_item(key).map_err(|e| from_js(e, 0))
}

/// Keeps `value` under `key` for this tab.
pub fn tab_set(key: &str, value: &str) -> Result<(), StorageError> {
    tab_storage()?
        .set_item(key, value)
        .map_err(|e| from_js(e, utf16_len(key) + utf16_len(value)))
}

/// What another record of a key's size says (the library index, written with each entry's
/// size); ignored when this page already measured the key itself.
pub fn assume_size(key: &str, chars: usize) {
    with_sizes(|sizes| {
        sizes.chars.entry(key.to_string()).or_insert(chars);
    });
}

/// Another tab wrote `key` (its new size; `None`: removed).
pub fn note_other_tab(key: &str, chars: Option<usize>) {
    with_sizes(|sizes| match chars {
        Some(chars) => sizes.chars.insert(key.to_string(), chars),
        None => sizes.chars.remove(key),
    });
}

/// Another tab cleared the whole storage: every size must be measured again.
pub fn forget_sizes() {
    with_sizes(|sizes| *sizes = Sizes::default());
}

/// The size a `storage` event's new value takes, counted by the browser without copying
/// the value into WebAssembly (an entry can be megabytes).
pub fn event_value_chars(event: &web_sys::StorageEvent) -> Option<usize> {
    let key = event.key()?;
    let value = js_sys::Reflect::get(event, &"newValue".into()).ok()?;
    let value = value.dyn_into::<js_sys::JsString>().ok()?;
    Some(utf16_len(&key) + value.length() as usize)
}
