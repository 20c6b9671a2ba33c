//! The library in localStorage: one key per document plus the index, and the only code that
//! writes them. It computes no revision of its own: the open document's comes from the
//! saver (`domain::saving`), every other from [`next_revision`] over the revision the
//! index holds.
//!
//! Reading is cheap by design. The index is read once when the library opens and kept in
//! memory; another tab's write arrives as a `storage` event carrying the new index, which
//! replaces it ([`other_tab_wrote`]). The index carries what the Library list shows and each
//! entry's size, so start-up reads the index and the one entry it opens, and a save reads
//! nothing at all: the fit check uses the sizes the adapter keeps. Only the Library screen,
//! an export and an import read every entry ([`scan`]), which is when entries that cannot be
//! read are found.
//!
//! Writes never leave an entry half-written: a failed `setItem` keeps the old value, a write
//! over the quota fails as a whole, and the index is written after its entry.
//!
//! (Chromium delivers other tabs' writes to this tab's storage asynchronously in any case,
//! so reading the index before every save was never fresher than following the events.)

use super::adapter::{self, Store, utf16_len};
use super::error::{ASSUMED_QUOTA_CHARS, StorageError, human_size};
use super::keys;
use crate::domain::document::{Document, DocumentId};
use crate::domain::format::library::{
    EntryError, IndexEntry, LibraryIndex, StoredEntry, read_entry, read_index, write_entry,
    write_index,
};
use crate::domain::saving::next_revision;
use crate::web::clock;
use std::cell::RefCell;

/// What one more index row can add; kept free so the index always fits after an entry.
const INDEX_MARGIN_CHARS: usize = 2048;

/// A stored document that could not be opened, kept as it is for the user to download.
#[derive(Clone, Debug, PartialEq)]
pub struct Unreadable {
    pub key: String,
    pub error: EntryError,
}

/// Every stored document, read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scan {
    pub entries: Vec<StoredEntry>,
    pub unreadable: Vec<Unreadable>,
}

/// What another tab's write changed, as far as this tab cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtherTabWrite {
    /// The index changed: a document was saved, renamed or deleted there.
    Index,
    /// Another key (an entry, whose index follows; a setting; another app's key).
    Other,
}

struct Library {
    store: Store,
    index: LibraryIndex,
    last_open: Option<String>,
    /// The document this tab had open before a reload (sessionStorage).
    tab_open: Option<String>,
}

thread_local! {
    static LIBRARY: RefCell<Option<Library>> = const { RefCell::new(None) };
}

fn with_library<R>(f: impl FnOnce(&mut Library) -> R) -> Option<R> {
    LIBRARY.with(|library| {
        library
            .try_borrow_mut()
            .ok()
            .and_then(|mut library| library.as_mut().map(f))
    })
}

fn unavailable() -> StorageError {
    StorageError::Unavailable("localStorage could not be opened".into())
}

/// Opens the library (at start-up): reads the index, or rebuilds it from the entries when it
/// is missing or cannot be read. Opening again starts over.
pub fn open() -> Result<(), StorageError> {
    let store = Store::open()?;
    let index = load_index(&store);
    let last_open = store.get(keys::LAST_OPEN).ok().flatten();
    // A browser without sessionStorage only loses the per-tab memory: the tab reopens the
    // document open last in any tab, as before.
    let tab_open = adapter::tab_get(keys::TAB_OPEN).ok().flatten();
    LIBRARY.with(|library| {
        if let Ok(mut library) = library.try_borrow_mut() {
            *library = Some(Library {
                store,
                index,
                last_open,
                tab_open,
            });
        }
    });
    Ok(())
}

fn load_index(store: &Store) -> LibraryIndex {
    if let Ok(Some(raw)) = store.get(keys::INDEX)
        && let Ok(index) = read_index(&raw)
    {
        assume_sizes(&index);
        return index;
    }
    let scan = scan_store(store);
    let mut index = LibraryIndex::rebuild(&scan.entries);
    fill_sizes(store, &mut index);
    index
}

fn assume_sizes(index: &LibraryIndex) {
    for row in &index.documents {
        if let Some(chars) = row.stored_chars {
            adapter::assume_size(&keys::document(&row.id), chars);
        }
    }
}

/// Gives rows from an older index the sizes this page has measured since.
fn fill_sizes(store: &Store, index: &mut LibraryIndex) {
    for row in index.documents.iter_mut() {
        if row.stored_chars.is_none() {
            row.stored_chars = store.known_size(&keys::document(&row.id));
        }
    }
}

fn scan_store(store: &Store) -> Scan {
    let mut scan = Scan::default();
    for key in store.keys(keys::document_prefix()) {
        let Ok(Some(raw)) = store.get(&key) else {
            continue;
        };
        match read_entry(&raw) {
            Ok(entry) => scan.entries.push(entry),
            Err(error) => scan.unreadable.push(Unreadable { key, error }),
        }
    }
    scan
}

pub fn is_available() -> bool {
    with_library(|_| ()).is_some()
}

// ---------------------------------------------------------------------------------------------
// Reading.

/// The rows of the index: what the Library list shows (no entry is read).
pub fn listing() -> Vec<IndexEntry> {
    // Without storage there is no index to list; start-up has already said storage is missing.
    with_library(|library| library.index.documents.clone()).unwrap_or_default()
}

/// The revision the library holds for document `id` (what this or another tab last saved).
pub fn stored_revision(id: &str) -> Option<u64> {
    with_library(|library| library.index.get(id).map(|row| row.revision)).flatten()
}

/// One stored document; `None` when nothing is stored under its key.
pub fn read(id: &str) -> Option<Result<StoredEntry, EntryError>> {
    // A read that fails (the browser refused storage) is not "nothing stored": it comes back
    // as an entry that could not be read, with the reason, so the reader can say so.
    match with_library(|library| library.store.get(&keys::document(id)))? {
        Ok(raw) => Some(read_entry(&raw?)),
        Err(error) => Some(Err(EntryError::Unreadable {
            reason: format!("the browser would not read it ({error})"),
            raw: String::new(),
        })),
    }
}

/// The text stored under a library key, as it is (for "Download raw data").
pub fn raw(key: &str) -> Option<String> {
    if !keys::is_document(key) {
        return None;
    }
    with_library(|library| library.store.get(key).ok().flatten()).flatten()
}

/// The id of the document to reopen: the one this tab had open before a reload, else the
/// one open last in any tab.
pub fn last_open() -> Option<String> {
    with_library(|library| {
        library
            .tab_open
            .clone()
            .or_else(|| library.last_open.clone())
    })
    .flatten()
}

/// Every stored document, and those that could not be read. Reads every entry: for the
/// Library screen, "Export library" and imports.
pub fn scan() -> Scan {
    // Without storage nothing is stored to scan; start-up has already said storage is missing.
    with_library(|library| scan_store(&library.store)).unwrap_or_default()
}

/// Characters used on the origin and the assumed quota, in bytes (two a character, as
/// browsers count).
pub fn usage_bytes() -> Option<(usize, usize)> {
    with_library(|library| {
        (
            library.store.used_chars_except(None) * 2,
            ASSUMED_QUOTA_CHARS * 2,
        )
    })
}

/// Used and assumed-available space, as text for the Library screen.
pub fn usage() -> Option<String> {
    let (used, quota) = usage_bytes()?;
    Some(format!(
        "{} of about {} used",
        human_size(used),
        human_size(quota)
    ))
}

/// The stored entry of the document open last, as it is: `(file name, raw text)` for the
/// panic screen. Opens storage afresh, since the app may have stopped half-way through a
/// library call.
pub fn last_open_entry_for_panic() -> Option<(String, String)> {
    let store = Store::open().ok()?;
    let id = store.get(keys::LAST_OPEN).ok()??;
    let raw = store.get(&keys::document(&id)).ok()??;
    Some((format!("article-annotator-{id}.json"), raw))
}

// ---------------------------------------------------------------------------------------------
// Writing. `tests/architecture.rs` names the modules allowed to call each of these.

impl Library {
    /// Writes `document` at `revision`, then its index row.
    fn write(&mut self, document: &Document, revision: u64) -> Result<(), StorageError> {
        let key = keys::document(&document.id.0);
        let now = clock::now_iso();
        let entry = write_entry(document, revision, &now);
        let needed = utf16_len(&key) + utf16_len(&entry);
        let available =
            ASSUMED_QUOTA_CHARS.saturating_sub(self.store.used_chars_except(Some(&key)));
        // Room for the index to grow too, so the entry is never written without it.
        if needed + INDEX_MARGIN_CHARS > available {
            return Err(StorageError::DoesNotFit { needed, available });
        }
        self.store.set(&key, &entry)?;
        let mut row = IndexEntry::for_document(document, revision, &now);
        row.stored_chars = Some(needed);
        self.index.upsert(row);
        self.write_index()
    }

    fn write_index(&mut self) -> Result<(), StorageError> {
        fill_sizes(&self.store, &mut self.index);
        let written = self.store.set(keys::INDEX, &write_index(&self.index));
        if written.is_err() {
            // Keep in memory what storage holds.
            self.index = load_index(&self.store);
        }
        written
    }

    fn set_last_open(&mut self, id: &str) -> Result<(), StorageError> {
        if self.tab_open.as_deref() != Some(id) {
            adapter::tab_set(keys::TAB_OPEN, id)?;
            self.tab_open = Some(id.to_string());
        }
        if self.last_open.as_deref() != Some(id) {
            self.store.set(keys::LAST_OPEN, id)?;
            self.last_open = Some(id.to_string());
        }
        Ok(())
    }

    fn read_document(&self, id: &str) -> Option<Document> {
        let raw = self.store.get(&keys::document(id)).ok()??;
        read_entry(&raw).ok().map(|entry| entry.document)
    }

    fn save_other(&mut self, document: &Document) -> Result<u64, StorageError> {
        let revision = next_revision(self.index.get(&document.id.0).map(|row| row.revision));
        self.write(document, revision)?;
        Ok(revision)
    }
}

/// Writes the open document at `revision` (the saver's), and remembers it as open last.
pub fn save_open_document(document: &Document, revision: u64) -> Result<(), StorageError> {
    with_library(|library| {
        library.write(document, revision)?;
        // The work is stored; failing to note it as open last only means a reload opens the
        // most recently modified document, which this one now is.
        let _ = library.set_last_open(&document.id.0);
        Ok(())
    })
    .unwrap_or_else(|| Err(unavailable()))
}

/// Writes a document that is not the open one (imported into, created, restored) at the
/// revision after the stored one; returns that revision.
pub fn save_other_document(document: &Document) -> Result<u64, StorageError> {
    with_library(|library| library.save_other(document)).unwrap_or_else(|| Err(unavailable()))
}

/// Gives stored document `id` a new title. Nothing happens when it is not stored (or cannot
/// be read: a damaged entry is never overwritten).
pub fn rename_document(id: &str, title: &str) -> Result<(), StorageError> {
    with_library(|library| {
        let Some(mut document) = library.read_document(id) else {
            return Ok(());
        };
        document.metadata.title = title.to_string();
        library.save_other(&document).map(|_| ())
    })
    .unwrap_or_else(|| Err(unavailable()))
}

/// Stores a copy of document `id` as `new_id`, titled "… (copy)"; returns the copy, or
/// `None` when `id` is not stored or cannot be read.
pub fn duplicate_document(id: &str, new_id: DocumentId) -> Result<Option<Document>, StorageError> {
    with_library(|library| {
        let Some(mut document) = library.read_document(id) else {
            return Ok(None);
        };
        document.id = new_id;
        document.metadata.title = format!("{} (copy)", document.metadata.title);
        library.save_other(&document)?;
        Ok(Some(document))
    })
    .unwrap_or_else(|| Err(unavailable()))
}

/// Deletes document `id`; returns it (for undo), or `None` when it is not stored or cannot be
/// read (then nothing is deleted).
pub fn delete_document(id: &str) -> Result<Option<Document>, StorageError> {
    with_library(|library| {
        let Some(document) = library.read_document(id) else {
            return Ok(None);
        };
        library.store.remove(&keys::document(id))?;
        library.index.remove(id);
        library.write_index()?;
        Ok(Some(document))
    })
    .unwrap_or_else(|| Err(unavailable()))
}

/// Remembers `id` as the document this tab has open and the one open last, so a reload of
/// this tab comes back to it and a new tab starts with it.
pub fn set_last_open(id: &str) -> Result<(), StorageError> {
    with_library(|library| library.set_last_open(id)).unwrap_or_else(|| Err(unavailable()))
}

// ---------------------------------------------------------------------------------------------
// Other tabs.

/// Follows another tab's write (a `storage` event): keeps sizes right and replaces the
/// index in memory with the one the event carries, without reading storage.
pub fn other_tab_wrote(event: &web_sys::StorageEvent) -> OtherTabWrite {
    let Some(key) = event.key() else {
        // `localStorage.clear()` elsewhere: everything must be measured and read again.
        adapter::forget_sizes();
        with_library(|library| {
            library.index = load_index(&library.store);
            library.last_open = None;
        });
        return OtherTabWrite::Index;
    };
    adapter::note_other_tab(&key, adapter::event_value_chars(event));
    match key.as_str() {
        keys::INDEX => {
            let index = event.new_value().and_then(|raw| read_index(&raw).ok());
            with_library(|library| {
                library.index = match index {
                    Some(index) => {
                        assume_sizes(&index);
                        index
                    }
                    // Removed, or written by a newer build: what the entries say.
                    None => load_index(&library.store),
                }
            });
            OtherTabWrite::Index
        }
        keys::LAST_OPEN => {
            with_library(|library| library.last_open = event.new_value());
            OtherTabWrite::Other
        }
        _ => OtherTabWrite::Other,
    }
}
