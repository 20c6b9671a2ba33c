//! Where the library lives in localStorage: one key per document plus an index, all under
//! the app's prefix. Reads return typed results; writes never leave an entry half-written
//! (a failed `setItem` keeps the old value, and a write over the quota fails as a whole).

use crate::domain::document::Document;
use crate::domain::format::library::{
    EntryError, IndexEntry, LibraryIndex, StoredEntry, read_entry, read_index, write_entry,
    write_index,
};
use crate::web::storage::{ASSUMED_QUOTA_CHARS, PREFIX, StorageError, Store, human_size};

pub const INDEX_KEY: &str = "article-annotator:v1:index";
pub const LAST_OPEN_KEY: &str = "article-annotator:v1:last-open";
const DOC_PREFIX: &str = "article-annotator:v1:doc:";
/// What one more index row can add; kept free so the index always fits after an entry.
const INDEX_MARGIN_CHARS: usize = 2048;

pub fn document_key(id: &str) -> String {
    format!("{DOC_PREFIX}{id}")
}

pub fn document_id_of_key(key: &str) -> Option<&str> {
    key.strip_prefix(DOC_PREFIX)
}

/// A stored document that could not be opened, kept as it is for the user to download.
#[derive(Clone, Debug, PartialEq)]
pub struct Unreadable {
    pub key: String,
    pub error: EntryError,
}

#[derive(Clone)]
pub struct LibraryStore {
    store: Store,
}

impl LibraryStore {
    pub fn open() -> Result<LibraryStore, StorageError> {
        Store::open().map(|store| LibraryStore { store })
    }

    /// The index; rebuilt from the entries when it is missing or unreadable.
    pub fn index(&self) -> (LibraryIndex, Vec<Unreadable>) {
        if let Ok(Some(raw)) = self.store.get(INDEX_KEY)
            && let Ok(index) = read_index(&raw)
        {
            return (index, Vec::new());
        }
        let (entries, unreadable) = self.all_entries();
        (LibraryIndex::rebuild(&entries), unreadable)
    }

    /// Every stored document, and those that could not be read.
    pub fn all_entries(&self) -> (Vec<StoredEntry>, Vec<Unreadable>) {
        let mut entries = Vec::new();
        let mut unreadable = Vec::new();
        for key in self.store.keys() {
            if document_id_of_key(&key).is_none() {
                continue;
            }
            let Ok(Some(raw)) = self.store.get(&key) else {
                continue;
            };
            match read_entry(&raw) {
                Ok(entry) => entries.push(entry),
                Err(error) => unreadable.push(Unreadable { key, error }),
            }
        }
        (entries, unreadable)
    }

    pub fn entry(&self, id: &str) -> Option<Result<StoredEntry, EntryError>> {
        let raw = self.store.get(&document_key(id)).ok().flatten()?;
        Some(read_entry(&raw))
    }

    pub fn raw(&self, key: &str) -> Option<String> {
        self.store.get(key).ok().flatten()
    }

    /// The revision the index holds for `id` (what another tab last saved).
    pub fn stored_revision(&self, id: &str) -> Option<u64> {
        let raw = self.store.get(INDEX_KEY).ok().flatten()?;
        let index = read_index(&raw).ok()?;
        index
            .documents
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.revision)
    }

    /// Writes a document at `revision`, then the index. An entry that does not fit is
    /// refused by `setItem` itself, which then leaves the stored entry as it was (the Web
    /// Storage standard requires it), and comes back as [`StorageError::QuotaExceeded`].
    /// Nothing is read first: measuring the old entry and every other key meant copying
    /// megabytes out of storage on each save of a big article.
    pub fn save(&self, document: &Document, revision: u64, now: &str) -> Result<(), StorageError> {
        let key = document_key(&document.id.0);
        let entry = write_entry(document, revision, now);
        let new_chars = key.len() + entry.encode_utf16().count();
        let old_chars = self
            .raw(&key)
            .map(|v| key.len() + v.encode_utf16().count())
            .unwrap_or(0);
        let available = self.available_chars() + old_chars;
        // Room for the index to grow too, so the entry is never written without it.
        if new_chars + INDEX_MARGIN_CHARS > available {
            return Err(StorageError::DoesNotFit {
                needed: new_chars,
                available,
            });
        }
        self.store.set(&key, &entry)?;
        let (mut index, _) = self.index();
        index.upsert(IndexEntry::for_document(document, revision, now));
        self.store.set(INDEX_KEY, &write_index(&index))?;
        Ok(())
    }

    pub fn delete(&self, id: &str) -> Result<(), StorageError> {
        self.store.remove(&document_key(id))?;
        let (mut index, _) = self.index();
        index.remove(id);
        self.store.set(INDEX_KEY, &write_index(&index))
    }

    pub fn last_open(&self) -> Option<String> {
        self.store.get(LAST_OPEN_KEY).ok().flatten()
    }

    pub fn set_last_open(&self, id: &str) {
        let _ = self.store.set(LAST_OPEN_KEY, id);
    }

    /// Characters still free by our estimate of the quota (every key on the origin counts).
    pub fn available_chars(&self) -> usize {
        ASSUMED_QUOTA_CHARS.saturating_sub(self.store.used_chars())
    }

    /// Bytes used and the assumed quota in bytes (two bytes a character, as browsers count).
    pub fn usage_bytes(&self) -> (usize, usize) {
        (self.store.used_chars() * 2, ASSUMED_QUOTA_CHARS * 2)
    }

    /// Stored documents that cannot be read, found by reading every entry (the index may
    /// still list them from when they were fine).
    pub fn unreadable(&self) -> Vec<Unreadable> {
        self.all_entries().1
    }

    /// Used and assumed-available space, as text for the storage meter.
    pub fn usage(&self) -> String {
        let used = self.store.used_chars() * 2;
        format!(
            "{} of about {} used",
            human_size(used),
            human_size(ASSUMED_QUOTA_CHARS * 2)
        )
    }

    pub fn is_ours(key: &str) -> bool {
        key.starts_with(PREFIX)
    }
}
