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
use super::error::{ASSUMED_QUOTA_CHARS, StorageError};
use super::keys;
use crate::domain::change::Touched;
use crate::domain::document::{Document, DocumentId};
use crate::domain::format::library::{
    EntryError, EntryReader, IndexEntry, LibraryIndex, StoredEntry, read_index, write_index,
};
use crate::domain::format::parts::{
    Head, Piece, SavePlan, Stored, StoredLayout, assemble, base_document, plan_save, read_stored,
};
use crate::domain::saving::next_revision;
use crate::domain::text::Text;
use crate::web::clock;
use std::cell::{Cell, RefCell};

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
    /// What is stored in parts for the open document, as this tab last read or wrote it: what
    /// the next save compares with, and the merge base when another tab saved meanwhile.
    open_layout: Option<StoredLayout>,
    /// The parts of the entry read or written last, taken as the open document's when that
    /// entry is opened ([`adopt_layout`]).
    recent: Option<StoredLayout>,
}

thread_local! {
    static LIBRARY: RefCell<Option<Library>> = const { RefCell::new(None) };
    /// The reader of stored entries, once its part is here (`ui::library::reader`).
    static ENTRY_READER: Cell<Option<EntryReader>> = const { Cell::new(None) };
}

/// The reader of stored entries is here (its two functions, see [`EntryReader`]): documents
/// can be read from now on.
pub fn entry_reader_arrived(
    typed: fn(&str, &str, u64) -> Option<Result<StoredEntry, EntryError>>,
    careful: fn(serde_json::Value, &str, u64) -> Result<StoredEntry, EntryError>,
) {
    // Opaque to the optimiser: seeing that only one function is ever stored in a field, it
    // would call that function directly from here, and so keep it in the main module.
    let reader = std::hint::black_box(EntryReader { typed, careful });
    ENTRY_READER.with(|slot| slot.set(Some(reader)));
}

/// The reader of stored entries, if its part is here.
fn reader() -> Option<EntryReader> {
    ENTRY_READER.with(Cell::get)
}

/// Whether stored entries can be read: the reader's part is here.
pub fn reads_entries() -> bool {
    reader().is_some()
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
                open_layout: None,
                recent: None,
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
        let (Some(id), Ok(Some(raw))) = (keys::document_id(&key), store.get(&key)) else {
            continue;
        };
        match read_entry_from(store, id, &raw) {
            Ok((entry, _)) => scan.entries.push(entry),
            Err(error) => scan.unreadable.push(Unreadable { key, error }),
        }
    }
    scan
}

/// Reads what document `id`'s key holds (`raw`): a whole entry, or the head of one in parts,
/// whose text and parts are read next and put together (with what is stored, for saving).
fn read_entry_from(
    store: &Store,
    id: &str,
    raw: &str,
) -> Result<(StoredEntry, Option<StoredLayout>), EntryError> {
    let head = match read_stored(raw, reader())? {
        Stored::Whole(entry) => return Ok((*entry, None)),
        Stored::Head(head) => head,
    };
    let (text, parts) = stored_pieces(store, id, &head)?;
    let (entry, layout) = assemble(head, text, parts, reader())?;
    Ok((entry, Some(layout)))
}

/// The text and the annotation parts `head` lists, as stored (`None` for an empty part).
fn stored_pieces(
    store: &Store,
    id: &str,
    head: &Head,
) -> Result<(String, Vec<Option<String>>), EntryError> {
    let raw = head.raw();
    let get = |piece: Piece, revision: u64| {
        let key = keys::piece(id, piece, revision);
        match store.get(&key) {
            Ok(Some(value)) => Ok(value),
            Ok(None) => Err(EntryError::Unreadable {
                reason: format!("{key}, one of its parts, is missing"),
                raw: raw.to_string(),
            }),
            Err(error) => Err(EntryError::Unreadable {
                reason: format!("the browser would not read {key} ({error})"),
                raw: raw.to_string(),
            }),
        }
    };
    let text = get(Piece::Text, head.list.text)?;
    let mut parts = Vec::with_capacity(head.list.annotations.len());
    for (index, &revision) in head.list.annotations.iter().enumerate() {
        parts.push(match revision {
            0 => None,
            revision => Some(get(Piece::Annotations(index), revision)?),
        });
    }
    Ok((text, parts))
}

/// Whether start-up will read a stored document: the name of the document open last, or the
/// index, is stored (a returning visit). Reads one key (the short one first) and parses
/// nothing; the library is not opened.
pub fn holds_documents() -> bool {
    let Ok(store) = Store::open() else {
        return false;
    };
    [keys::LAST_OPEN, keys::INDEX]
        .iter()
        .any(|key| matches!(store.get(key), Ok(Some(_))))
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
    with_library(|library| {
        let raw = match library.store.get(&keys::document(id)) {
            Ok(raw) => raw?,
            Err(error) => {
                return Some(Err(EntryError::Unreadable {
                    reason: format!("the browser would not read it ({error})"),
                    raw: String::new(),
                }));
            }
        };
        Some(
            read_entry_from(&library.store, id, &raw).map(|(entry, layout)| {
                library.recent = layout;
                entry
            }),
        )
    })
    .flatten()
}

/// The document `id` is opened at `revision`: the parts read or written last become what its
/// saves compare with, if they are that entry; returns whether they were (when not, the
/// saver keeps a copy of the document as its merge base until the first save).
pub fn adopt_layout(id: &str, revision: u64) -> bool {
    with_library(|library| {
        let recent = library.recent.take();
        library.open_layout =
            recent.filter(|layout| layout.id == id && layout.revision == revision);
        library.open_layout.is_some()
    })
    .unwrap_or(false)
}

/// Whether the open document's saves know what is stored in parts (then no copy of the
/// document is needed as the merge base).
pub fn has_layout(id: &str) -> bool {
    with_library(|library| library.open_layout.as_ref().is_some_and(|l| l.id == id))
        .unwrap_or(false)
}

/// Document `id` as this tab last stored or read it at `revision`, over `text`: the base of a
/// three-way merge with another tab's newer revision. `None` when this tab holds no parts
/// of that revision (the saver's own copy is the base then).
pub fn merge_base(id: &str, revision: u64, text: &Text) -> Option<Document> {
    with_library(|library| {
        let layout = library
            .open_layout
            .as_ref()
            .filter(|layout| layout.id == id && layout.revision == revision)?;
        base_document(layout, text, reader()).ok()
    })
    .flatten()
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

/// The stored entry of the document open last, as it is: `(file name, raw text)` for the
/// panic screen. Opens storage afresh, since the app may have stopped half-way through a
/// library call.
pub fn last_open_entry_for_panic() -> Option<(String, String)> {
    let store = Store::open().ok()?;
    let id = store.get(keys::LAST_OPEN).ok()??;
    let raw = store.get(&keys::document(&id)).ok()??;
    // An entry in parts is put together into one file, from the stored strings (the native
    // writer is a part, and nothing can be fetched after a panic); one that cannot be is
    // offered as stored.
    // Only whether it is a head matters: an entry stored whole is offered as stored.
    let whole = match read_stored(&raw, None) {
        Ok(Stored::Head(head)) => whole_text_of(&store, &id, &head).unwrap_or(raw),
        _ => raw,
    };
    Some((format!("article-annotator-{id}.json"), whole))
}

/// The entry in parts `head` lists, as the one text of an entry stored whole.
fn whole_text_of(store: &Store, id: &str, head: &Head) -> Option<String> {
    let (text, parts) = stored_pieces(store, id, head).ok()?;
    head.whole_text(text, parts).ok()
}

// ---------------------------------------------------------------------------------------------
// Writing. `tests/architecture.rs` names the modules allowed to call each of these.

/// What a failed write left stored.
enum Failure {
    /// What was stored before: the write undid itself.
    Unchanged,
    /// Nothing: the write in place failed, and so did writing the old entry back.
    Nothing,
}

/// What is stored for a document after a write.
enum After {
    /// These parts.
    Parts(StoredLayout),
    /// What was stored before (the write failed and undid itself).
    Unchanged(Option<StoredLayout>),
    /// Nothing: the write in place failed, and so did writing the old entry back.
    Nothing,
}

impl Library {
    /// Writes `document` at `revision` in parts (only those `touched` changed since
    /// `previous`, what is stored), then its index row. Returns what is stored afterwards
    /// (`None`: the single-key entry), also when only the index could not be written.
    fn write(
        &mut self,
        document: &Document,
        revision: u64,
        previous: Option<StoredLayout>,
        touched: &Touched,
    ) -> (After, Result<(), StorageError>) {
        let now = clock::now_iso();
        let plan = plan_save(previous.as_ref(), document, touched, revision, &now);
        let stored = match self.carry_out(&document.id.0, &plan) {
            Ok(()) => plan.stored(previous),
            Err((Failure::Unchanged, error)) => return (After::Unchanged(previous), Err(error)),
            Err((Failure::Nothing, error)) => return (After::Nothing, Err(error)),
        };
        let mut row = IndexEntry::for_document(document, revision, &now);
        row.stored_chars = Some(self.stored_chars(&document.id.0, stored.as_ref()));
        self.index.upsert(row);
        let after = match stored {
            Some(layout) => After::Parts(layout),
            None => After::Nothing,
        };
        (after, self.write_index())
    }

    /// Characters document `id` takes: its key and every piece its layout lists.
    fn stored_chars(&self, id: &str, layout: Option<&StoredLayout>) -> usize {
        let key = keys::document(id);
        let pieces = layout.map(StoredLayout::pieces).unwrap_or_default();
        pieces
            .into_iter()
            .map(|(piece, revision)| keys::piece(id, piece, revision))
            .chain(std::iter::once(key))
            .filter_map(|key| self.store.known_size(&key))
            .sum()
    }

    /// Writes the plan's pieces under new keys, then the head, then removes the keys it
    /// replaced, so the stored entry is always whole: a failed write removes what it wrote
    /// and leaves the entry as it was. A whole new entry (first save, a migration from the
    /// single-key layout, a new text) that fits only in place of the old one is written in
    /// place: the old keys are read, removed, and written back if the new entry still does
    /// not fit (only this rare write reads anything).
    fn carry_out(&mut self, id: &str, plan: &SavePlan) -> Result<(), (Failure, StorageError)> {
        let key = keys::document(id);
        let new: Vec<(String, &str)> = plan
            .writes
            .iter()
            .map(|(piece, value)| (keys::piece(id, *piece, plan.revision), value.as_str()))
            .collect();
        let mut old: Vec<String> = plan
            .remove
            .iter()
            .filter(|(_, revision)| *revision != plan.revision)
            .map(|(piece, revision)| keys::piece(id, *piece, *revision))
            .collect();
        if plan.whole {
            // Pieces a failed or interrupted write left behind go too.
            for stray in self.store.keys(keys::PREFIX) {
                if keys::is_piece_of(&stray, id)
                    && !new.iter().any(|(key, _)| key == &stray)
                    && !old.contains(&stray)
                {
                    old.push(stray);
                }
            }
        }
        let needed = new
            .iter()
            .map(|(key, value)| utf16_len(key) + utf16_len(value))
            .sum::<usize>()
            + utf16_len(&key)
            + utf16_len(&plan.head);
        let replaced: Vec<&str> = std::iter::once(key.as_str())
            .chain(old.iter().map(String::as_str))
            .collect();
        let available =
            ASSUMED_QUOTA_CHARS.saturating_sub(self.store.used_chars_except_keys(&replaced));
        // Room for the index to grow too, so the entry is never written without it.
        if needed + INDEX_MARGIN_CHARS > available {
            return Err((
                Failure::Unchanged,
                StorageError::DoesNotFit { needed, available },
            ));
        }
        let mut beside =
            self.store.used_chars_except_keys(&[key.as_str()]) + needed + INDEX_MARGIN_CHARS
                <= ASSUMED_QUOTA_CHARS;
        if beside {
            match self.write_pieces(&new) {
                Ok(()) => {}
                // The browser gives less room than assumed: a whole entry may still fit in
                // place of the old one.
                Err(StorageError::QuotaExceeded { .. }) if plan.whole => {
                    self.remove_quietly(new.iter().map(|(key, _)| key.as_str()));
                    beside = false;
                }
                Err(error) => {
                    self.remove_quietly(new.iter().map(|(key, _)| key.as_str()));
                    return Err((Failure::Unchanged, error));
                }
            }
        }
        if !beside {
            // Room only in place of the old entry. Its keys are read first and kept in
            // memory, so that if the new entry does not fit after all (the browser gives
            // less than assumed) the old one is written back: the store never loses it.
            let kept: Vec<(&str, String)> = replaced
                .iter()
                .filter_map(|key| Some((*key, self.store.get(key).ok()??)))
                .collect();
            self.remove_quietly(replaced.iter().copied());
            let written = self
                .write_pieces(&new)
                .and_then(|()| self.store.set(&key, &plan.head));
            if let Err(error) = written {
                self.remove_quietly(new.iter().map(|(key, _)| key.as_str()));
                let restored = kept
                    .iter()
                    .try_for_each(|(key, value)| self.store.set(key, value));
                let left = match restored {
                    Ok(()) => Failure::Unchanged,
                    Err(_) => Failure::Nothing,
                };
                return Err((left, error));
            }
            return Ok(());
        }
        if let Err(error) = self.store.set(&key, &plan.head) {
            self.remove_quietly(new.iter().map(|(key, _)| key.as_str()));
            return Err((Failure::Unchanged, error));
        }
        self.remove_quietly(old.iter().map(String::as_str));
        Ok(())
    }

    fn write_pieces(&self, pieces: &[(String, &str)]) -> Result<(), StorageError> {
        for (key, value) in pieces {
            self.store.set(key, value)?;
        }
        Ok(())
    }

    /// Removes keys no head lists (any more); one that stays only takes space until the
    /// document's next whole write removes it.
    fn remove_quietly<'a>(&self, keys: impl Iterator<Item = &'a str>) {
        for key in keys {
            // Nothing is lost: no head lists this key; it only takes space.
            let _ = self.store.remove(key);
        }
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
        read_entry_from(&self.store, id, &raw)
            .ok()
            .map(|(entry, _)| entry.document)
    }

    fn save_other(&mut self, document: &Document) -> Result<u64, StorageError> {
        let revision = next_revision(self.index.get(&document.id.0).map(|row| row.revision));
        let (after, result) = self.write(document, revision, None, &Touched::everything());
        if !matches!(after, After::Unchanged(_))
            && self
                .open_layout
                .as_ref()
                .is_some_and(|l| l.id == document.id.0)
        {
            // Written anew: what the open document's next save compared with is gone.
            self.open_layout = None;
        }
        if let After::Parts(layout) = after {
            self.recent = Some(layout);
        }
        result.map(|()| revision)
    }

    /// Removes every key of document `id`: its entry and its pieces.
    fn remove_document(&mut self, id: &str) -> Result<(), StorageError> {
        self.store.remove(&keys::document(id))?;
        let pieces: Vec<String> = self
            .store
            .keys(keys::PREFIX)
            .into_iter()
            .filter(|key| keys::is_piece_of(key, id))
            .collect();
        self.remove_quietly(pieces.iter().map(String::as_str));
        if self.open_layout.as_ref().is_some_and(|l| l.id == id) {
            self.open_layout = None;
        }
        Ok(())
    }
}

/// Writes the open document at `revision` (the saver's): only the parts of what `touched`
/// names since its last save, and remembers it as open last.
pub fn save_open_document(
    document: &Document,
    revision: u64,
    touched: &Touched,
) -> Result<(), StorageError> {
    with_library(|library| {
        let previous = library
            .open_layout
            .take()
            .filter(|layout| layout.id == document.id.0);
        let (after, result) = library.write(document, revision, previous, touched);
        library.open_layout = match after {
            After::Parts(layout) => Some(layout),
            After::Unchanged(previous) => previous,
            After::Nothing => None,
        };
        result?;
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

/// Gives stored document `id` a new title; returns `false` when it is not stored (or cannot
/// be read: a damaged entry is never overwritten), and then nothing is written.
pub fn rename_document(id: &str, title: &str) -> Result<bool, StorageError> {
    with_library(|library| {
        let Some(mut document) = library.read_document(id) else {
            return Ok(false);
        };
        document.metadata.title = title.to_string();
        library.save_other(&document).map(|_| true)
    })
    .unwrap_or_else(|| Err(unavailable()))
}

/// Stores a copy of document `id` as `new_id`, titled "Copy of …"; returns the copy, or
/// `None` when `id` is not stored or cannot be read.
pub fn duplicate_document(id: &str, new_id: DocumentId) -> Result<Option<Document>, StorageError> {
    let stored = with_library(|library| library.read_document(id)).ok_or_else(unavailable)?;
    stored
        .map(|document| store_copy(document, new_id))
        .transpose()
}

/// Stores `document` as `new_id`, titled "Copy of …"; returns the copy. The Library copies the
/// open document from the page, not from its stored entry, which may not hold its last change.
/// The words go first: the Library ends a long title in an ellipsis, which would hide a suffix
/// and leave the copy and its original looking alike.
pub fn store_copy(mut document: Document, new_id: DocumentId) -> Result<Document, StorageError> {
    document.id = new_id;
    let title = document.metadata.title.trim();
    document.metadata.title = if title.is_empty() {
        "Copy of an untitled article".to_string()
    } else {
        format!("Copy of {title}")
    };
    save_other_document(&document)?;
    Ok(document)
}

/// Deletes document `id`; returns it (for undo), or `None` when it is not stored or cannot be
/// read (then nothing is deleted).
pub fn delete_document(id: &str) -> Result<Option<Document>, StorageError> {
    with_library(|library| {
        let Some(document) = library.read_document(id) else {
            return Ok(None);
        };
        library.remove_document(id)?;
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
