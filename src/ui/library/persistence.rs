//! Keeping the work: the open document is saved after every change (debounced, flushed when
//! the tab is hidden or closed), restored on reload, and followed across tabs. What to write
//! and when to merge is decided by `domain::saving`; this module keeps the timer, asks the
//! storage owner (`web::storage::library`) to read and write, and tells the person.
//!
//! Opening a document lives here too, not in `actions`: the document open before must be
//! flushed (which may merge another tab's revision into it) and saving told the new one's
//! revision before `actions::replace_document` shows it. `actions` never calls back here.

use crate::domain::change::Touched;
use crate::domain::document::Document;
use crate::domain::format::library::{EntryError, StoredEntry, write_library_backup};
use crate::domain::saving::{Flush, Saver, TheirRevision};
use crate::domain::sorting;
use crate::ui::actions::{self, Replacement};
use crate::ui::library::{reader, writer};
use crate::ui::notices::{announce, capitalise, notify};
use crate::ui::state::{AppState, NoticeKind, SaveState};
use crate::web::storage::library::{self, OtherTabWrite, Unreadable};
use crate::web::storage::{keys, manager};
use crate::web::{clock, files, idle};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::BTreeSet;

const SAVE_DELAY_MS: u64 = 300;

/// How long a save may wait for the browser to be idle once the pause after a change is over.
const SAVE_IDLE_TIMEOUT_MS: u32 = 1000;

/// What saving remembers between changes (not reactive).
#[derive(Default)]
struct Saving {
    saver: Saver,
    timer: Option<TimeoutHandle>,
    /// The open editor's edit number at its last save (or opening), so a save writes only
    /// the parts of what changed since (`Editor::log`); `None`: compare everything.
    saved_edit: Option<u64>,
    /// Keys of stored documents the person was already warned about this page load.
    warned: BTreeSet<String>,
}

thread_local! {
    static SAVING: RefCell<Saving> = RefCell::new(Saving::default());
}

/// Runs `f` on the saving state; `None` only if it is already in use (a re-entrant call),
/// which the callers treat as "nothing to do".
fn with_saving<R>(f: impl FnOnce(&mut Saving) -> R) -> Option<R> {
    SAVING.with(|saving| saving.try_borrow_mut().ok().map(|mut s| f(&mut s)))
}

fn open_id(state: AppState) -> String {
    state.editor.with_untracked(|e| e.document().id.0.clone())
}

/// Warns once per page load about each stored document that cannot be opened; the Library
/// lists them with their raw data to download.
pub fn warn_unreadable(state: AppState, unreadable: &[Unreadable]) {
    for bad in unreadable {
        let new = with_saving(|s| s.warned.insert(bad.key.clone())).unwrap_or(false);
        if new {
            notify(
                state,
                NoticeKind::Warning,
                format!("A saved document could not be opened: {}", bad.error),
                vec![format!("Storage key: {}", bad.key)],
            );
        }
    }
}

/// The document to start with: the one open last time, else the most recently modified one
/// that opens, else `fallback` (the sample, on first start). Reads the index and, normally,
/// one entry.
///
/// The reader of stored entries is a part (`reader`), which a returning visit fetches before
/// the app mounts (`reader::before_start`). If it is not here even so (its fetch failed, or
/// the visit did not look like a returning one), the entry to open (`EntryError::NeedsReader`)
/// is opened once it is: meanwhile an empty page says it is opening, and nothing is saved
/// over anything. If the part cannot be fetched, the person reads why (the entry waits in the
/// Library) and the next document, or `fallback`, opens.
pub fn initial_document(state: AppState, fallback: fn() -> Document) -> Document {
    // The parts saving reaches are reachable from here on, and the reader of stored entries,
    // which the start may wait for.
    merge_part::install();
    writer::install();
    reader::install();
    if let Err(error) = library::open() {
        state.save_state.set(SaveState::NotSaved(error.to_string()));
        return fallback();
    }
    start_document(state, fallback, true)
}

/// [`initial_document`]'s choice, once the library is open; `may_wait`: whether an entry that
/// needs the reader of stored entries waits for it (else it is reported like any entry that
/// cannot be opened, and the next one is tried).
fn start_document(state: AppState, fallback: fn() -> Document, may_wait: bool) -> Document {
    let mut candidates = library::listing();
    sorting::sort_by(&mut candidates, |a, b| b.modified.cmp(&a.modified));
    let last = library::last_open();
    let order = last
        .iter()
        .cloned()
        .chain(candidates.into_iter().map(|row| row.id))
        .filter({
            let mut seen = BTreeSet::new();
            move |id| seen.insert(id.clone())
        });
    for id in order {
        // A damaged entry is never opened (so never overwritten): it waits in the Library.
        match library::read(&id) {
            Some(Ok(entry)) => {
                opened_stored(&entry.document, entry.revision);
                return entry.document;
            }
            Some(Err(EntryError::NeedsReader { .. })) if may_wait => {
                return open_when_reader_is_here(state, fallback);
            }
            Some(Err(EntryError::WrittenByNewerVersion {
                read_only: Some(entry),
                ..
            })) => {
                with_saving(|s| s.saver.opened_read_only());
                state.save_state.set(SaveState::ReadOnly(
                    "this document was saved by a newer version of Article Annotator; changes here are not saved".into(),
                ));
                return entry.document;
            }
            Some(Err(error)) => warn_unreadable(
                state,
                &[Unreadable {
                    key: keys::document(&id),
                    error,
                }],
            ),
            None => {}
        }
    }
    let document = fallback();
    // Not stored yet: what another tab stores under the same id (the sample) is merged
    // against the document as it started.
    opened_new(&document);
    document
}

/// Start-up found that the document to open needs the reader of stored entries (a part): an
/// empty, unsaved page says it is opening until the part is here, then start-up chooses
/// again. If the part could not be fetched, that entry is reported as not opened (its error
/// says it needs the part) and the next one, or `fallback`, opens.
fn open_when_reader_is_here(state: AppState, fallback: fn() -> Document) -> Document {
    if reader::here() {
        // Here after all: it could not be read even so, and is reported like any other.
        return start_document(state, fallback, false);
    }
    with_saving(|s| s.saver.opened_read_only());
    state.save_state.set(SaveState::Opening);
    crate::ui::notices::show_loading(state, "Opening your document…");
    let waits = reader::wait(Box::new(move |_fetched| {
        // A failed fetch is said by the entry's own error, which names what it needs.
        crate::ui::notices::done_loading(state);
        // What the start chooses now says how it is saved (read-only, not saved) where it differs.
        state.save_state.set(SaveState::Saved);
        let document = start_document(state, fallback, false);
        actions::replace_document(state, document, Replacement::StartUp);
    }));
    if !waits {
        // Not installed: only the tests of the parts, which start with no library.
        return fallback();
    }
    Document::new(
        crate::domain::document::DocumentId(String::new()),
        Default::default(),
        crate::domain::text::Text::new(""),
    )
}

/// The saver starts on a document read from the library at `revision`, about to be shown
/// in a new editor. Its merge base is the parts the library read (no copy), or for an entry
/// of the single-key layout a copy, until its first save writes it in parts.
fn opened_stored(document: &Document, revision: u64) {
    let in_parts = library::adopt_layout(&document.id.0, revision);
    with_saving(|s| {
        s.saver
            .opened(revision, (!in_parts).then(|| document.clone()));
        s.saved_edit = Some(0);
    });
}

/// The saver starts on a document not stored yet (its merge base is itself).
fn opened_new(document: &Document) {
    library::adopt_layout(&document.id.0, u64::MAX);
    with_saving(|s| {
        s.saver.opened(0, Some(document.clone()));
        s.saved_edit = None;
    });
}

/// Writes the open document now, as after a change but without the save's pause.
pub fn save_now(state: AppState) {
    with_saving(|s| {
        s.saver.changed();
    });
    flush(state);
}

/// Saves now if anything is waiting.
pub fn flush(state: AppState) {
    let id = open_id(state);
    let decision = with_saving(|s| {
        if let Some(timer) = s.timer.take() {
            timer.clear();
        }
        s.saver.flush(library::stored_revision(&id))
    });
    match decision {
        None | Some(Flush::Nothing) => {}
        Some(Flush::TakeTheirs) => take_their_revision(state),
        Some(Flush::Write { revision }) => write(state, revision),
    }
}

fn write(state: AppState, revision: u64) {
    let Some(writer) = writer::here() else {
        // The document stays unsaved (the header says "Saving…") until the part is here.
        writer::save_when_here(state, flush);
        return;
    };
    if !library::is_available() {
        remember_for_panic(state, writer);
        return;
    }
    let since = with_saving(|s| s.saved_edit).flatten();
    let (result, edit) = state.editor.with_untracked(|e| {
        let touched = match since {
            Some(since) => e.log().touched_since(since),
            None => Touched::everything(),
        };
        (
            (writer.save_open)(e.document(), revision, &touched),
            e.log().sequence(),
        )
    });
    match result {
        Ok(()) => {
            let id = open_id(state);
            // The parts just written are the merge base; a copy is kept only when the
            // library holds none (it had to write the single-key entry).
            let copy = (!library::has_layout(&id))
                .then(|| state.editor.with_untracked(|e| e.document().clone()));
            with_saving(|s| {
                s.saver.saved_at(revision, copy);
                s.saved_edit = Some(edit);
            });
            state.save_state.set(SaveState::Saved);
            // Saved: the panic screen offers the stored entry itself, so nothing to copy.
            crate::ui::shell::panic_screen::forget_work();
        }
        Err(error) => {
            state.save_state.set(SaveState::NotSaved(error.to_string()));
            remember_for_panic(state, writer);
        }
    }
}

/// Keeps the open document's native file for the panic screen: it could not be saved.
fn remember_for_panic(state: AppState, writer: writer::Writer) {
    let (name, json) = state
        .editor
        .with_untracked(|e| (writer.native_file)(e.document()));
    crate::ui::shell::panic_screen::remember_work(name, json);
}

/// Another tab stored a newer revision of the open document: show it, with this tab's
/// unsaved changes merged in (then written over it). The merge is a part fetched on demand
/// (`tab_merge`): when it is needed before it is here, this waits for it, and this tab's
/// changes stay unsaved (in the open document) meanwhile.
fn take_their_revision(state: AppState) {
    let id = open_id(state);
    // The base as this tab last stored it (needed only to merge unsaved changes), before
    // reading theirs replaces what the library knows.
    let Some(dirty_base) = with_saving(|s| s.saver.is_dirty().then(|| s.saver.base_revision()))
    else {
        return;
    };
    if dirty_base.is_some() && !merge_part::ready(state) {
        return;
    }
    let base = dirty_base.and_then(|revision| {
        state
            .editor
            .with_untracked(|e| library::merge_base(&id, revision, &e.document().text))
    });
    let (theirs, revision) = match library::read(&id) {
        Some(Ok(StoredEntry {
            document, revision, ..
        })) => (document, revision),
        Some(Err(EntryError::NeedsReader { .. })) if !reader::here() => {
            // The reader is a part (a first visit, just after its first paint, before
            // saving's part fetched it): theirs is taken once it is here. A failed fetch is
            // said by the save that needs saving's part, which fetches the reader first; `false`
            // (not installed) only in the tests of the parts.
            let _ = reader::wait(Box::new(move |fetched| {
                if fetched.is_ok() {
                    take_their_revision(state);
                }
            }));
            return;
        }
        _ => return,
    };
    let merged = match dirty_base {
        Some(_) => {
            let Some(base) = with_saving(|s| s.saver.merge_base(base.as_ref(), &theirs).clone())
            else {
                return;
            };
            let ours = state.editor.with_untracked(|e| e.document().clone());
            match merge_part::merge_now(state, base, ours, theirs.clone()) {
                Some(merged) => Some(merged),
                None => return,
            }
        }
        None => {
            // Another tab writes this document: a merge may be needed soon, perhaps as
            // this tab closes, when there is no time to fetch it.
            merge_part::prefetch();
            None
        }
    };
    let in_parts = library::adopt_layout(&id, revision);
    let taken = with_saving(|s| {
        let taken = s.saver.took_theirs(revision, theirs, merged, !in_parts);
        // A new editor shows what is stored, or the merge, which differs from it anywhere.
        s.saved_edit = (!taken.merged).then_some(0);
        taken
    });
    let Some(taken) = taken else { return };
    actions::replace_document(state, taken.document, Replacement::FromOtherTab);
    if taken.merged {
        for conflict in taken.conflicts {
            notify(state, NoticeKind::Warning, conflict, Vec::new());
        }
        announce(state, "Merged with changes from another tab");
        flush(state);
    } else {
        announce(state, "Updated from another tab");
    }
}

/// The three-way merge of this tab's unsaved changes with another tab's revision
/// (`domain::tab_sync`), fetched the first time another tab writes the open document
/// (ui::on_demand): most visits have one tab.
mod merge_part {
    use super::take_their_revision;
    use crate::domain::document::Document;
    use crate::domain::tab_sync::{MergedRevision, merge_revisions};
    use crate::ui::kept_part::{Kept, Slot};
    use crate::ui::notices;
    use crate::ui::on_demand::NotLoaded;
    use crate::ui::state::{AppState, NoticeKind};
    use std::cell::Cell;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    const WHAT: &str = "the merge of another tab's changes";

    type Merging = Pin<Box<dyn Future<Output = Result<MergedRevision, NotLoaded>>>>;
    type Merge = fn(Document, Document, Document) -> Merging;

    thread_local! {
        /// The part's keeping (`ui::kept_part`): fetching it gives nothing but its presence.
        static PART_SLOT: Slot<()> = const { Slot::new() };
        /// The boundary's way in, reached only through [`install`] as the fetch is: saving is
        /// called from other parts too (an import, an export of the library flush first).
        static MERGE: Cell<Option<Merge>> = const { Cell::new(None) };
        /// A revision waits for the merge to be taken.
        static WANTED: Cell<bool> = const { Cell::new(false) };
    }

    const PART: Kept<()> = Kept(&PART_SLOT);

    /// Makes the merge reachable; `initial_document` calls it once, at start.
    pub fn install() {
        MERGE.set(Some(|base, ours, theirs| {
            Box::pin(merge_on_demand(base, ours, theirs))
        }));
        PART.install(|| Box::pin(async { merge_preload().await.map_err(NotLoaded::from) }));
    }

    #[leptos::wasm_split::wasm_split(
        tab_merge,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(merge_preload)
    )]
    fn merge_on_demand(
        base: Document,
        ours: Document,
        theirs: Document,
    ) -> Result<MergedRevision, NotLoaded> {
        Ok(merge_revisions(&base, &ours, &theirs))
    }

    /// Whether the merge is here; if not, it is fetched and the revision taken again once
    /// it is (or the person told it could not be).
    pub fn ready(state: AppState) -> bool {
        if PART.here().is_some() {
            return true;
        }
        // Not installed: no saver follows other tabs in this build (the tests of the parts).
        if WANTED.get() || !PART.installed() {
            return false;
        }
        WANTED.set(true);
        notices::show_loading(state, format!("Loading {WHAT}…"));
        PART.wait(Box::new(move |fetched| {
            WANTED.set(false);
            notices::done_loading(state);
            match fetched {
                Ok(()) => take_their_revision(state),
                Err(error) => {
                    // The changes stay in the open document, unsaved; the next save tries
                    // again.
                    let message = error.message(WHAT);
                    notices::notify(
                        state,
                        NoticeKind::Error,
                        format!("Nothing merged yet: {message}"),
                        Vec::new(),
                    );
                }
            }
        }));
        false
    }

    /// Fetches the merge in the background, if it is not here or on its way.
    pub fn prefetch() {
        PART.prefetch(Box::new(|_| {}));
    }

    /// The merge, now: only called once the part is here, when crossing the boundary does
    /// not wait (`None` if it would: then it is fetched again, as by [`ready`]).
    pub fn merge_now(
        state: AppState,
        base: Document,
        ours: Document,
        theirs: Document,
    ) -> Option<MergedRevision> {
        let merge = MERGE.get()?;
        let mut merging = merge(base, ours, theirs);
        match merging
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
        {
            Poll::Ready(Ok(merged)) => Some(merged),
            Poll::Ready(Err(NotLoaded)) | Poll::Pending => {
                // Not here after all: fetched again, and the revision taken once it is.
                PART.forget();
                ready(state);
                None
            }
        }
    }
}

/// Saves after each change, and follows other tabs.
#[component]
pub fn Autosave() -> impl IntoView {
    let state = crate::ui::state::use_app();
    if library::is_available() {
        manager::request_persistence();
    }
    Effect::new(move |previous: Option<u64>| {
        let changes = state.changes.get();
        if previous.is_some() {
            with_saving(|s| {
                if !s.saver.changed() {
                    return;
                }
                if let Some(timer) = s.timer.take() {
                    timer.clear();
                }
                if library::is_available() {
                    state.save_state.set(SaveState::Pending);
                }
                // After a quiet moment, and then when the browser is idle (within a second
                // even while it stays busy): a save never holds back the paint of the edit
                // that caused it, nor the next interaction.
                s.timer = set_timeout_with_handle(
                    move || idle::when_idle(SAVE_IDLE_TIMEOUT_MS, move || flush(state)),
                    std::time::Duration::from_millis(SAVE_DELAY_MS),
                )
                .ok();
            });
        }
        changes
    });
    let hidden = window_event_listener(leptos::ev::visibilitychange, move |_| flush(state));
    let page_hide = window_event_listener(leptos::ev::pagehide, move |_| flush(state));
    // Changes waiting for the writer's part cannot be saved as the tab closes: the browser
    // asks the person to stay. (Only in the moment after the first frame, before the part is
    // here, or when it could not be fetched.)
    let leaving = window_event_listener(leptos::ev::beforeunload, move |event| {
        if waits_for_writer() {
            event.prevent_default();
        }
    });
    let online = window_event_listener(leptos::ev::online, move |_| {
        if writer::failed() && waits_for_writer() {
            writer::save_when_here(state, flush);
        }
    });
    let storage = window_event_listener(leptos::ev::storage, move |event| {
        if library::other_tab_wrote(&event) != OtherTabWrite::Index {
            return;
        }
        let stored = library::stored_revision(&open_id(state));
        match with_saving(|s| s.saver.their_revision(stored)) {
            Some(TheirRevision::Adopt | TheirRevision::Merge) => take_their_revision(state),
            Some(TheirRevision::Ignore) | None => {}
        }
    });
    on_cleanup(move || {
        hidden.remove();
        page_hide.remove();
        leaving.remove();
        online.remove();
        storage.remove();
    });
}

/// Opens a new document (an article just loaded, a file dropped): the one open before is
/// saved first, then this one is shown and saved.
pub fn open_document(state: AppState, document: Document) {
    open_document_then(state, document, Box::new(|| {}));
}

/// [`open_document`], then `shown` once the document is shown (what is said about it, such
/// as a reader's warnings); not when the open is refused.
pub fn open_document_then(state: AppState, document: Document, shown: Box<dyn FnOnce()>) {
    after_saving(
        state,
        "Nothing was opened",
        Box::new(move || {
            flush(state);
            opened_new(&document);
            actions::replace_document(state, document, Replacement::Opened);
            actions::document_changed(state);
            shown();
        }),
    );
}

/// Whether the open document has changes only the writer's part can save, and it is not here.
fn waits_for_writer() -> bool {
    writer::here().is_none()
        && library::is_available()
        && with_saving(|s| s.saver.is_dirty() && !s.saver.is_read_only()).unwrap_or(false)
}

/// Runs `then` (which saves the open document first, then opens another or reads every
/// stored one) now, or once the writer's part is here if the open document has changes only
/// it can save: nothing replaces or reads past unsaved work. `undone` is what the person reads
/// if the part cannot be fetched ("Nothing was opened").
pub fn after_saving(state: AppState, undone: &'static str, then: Box<dyn FnOnce()>) {
    if waits_for_writer() {
        writer::when_here(state, undone, then);
    } else {
        then();
    }
}

/// What [`open_stored_by_id`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoredOpen {
    Opened,
    NotStored,
    /// Stored but unreadable (reported): it waits in the Library and must not be written over.
    Unreadable,
}

/// Opens stored document `id` if the library holds a readable entry for it.
pub fn open_stored_by_id(state: AppState, id: &str) -> StoredOpen {
    match library::read(id) {
        Some(Ok(entry)) => {
            open_stored(state, entry.document, entry.revision);
            StoredOpen::Opened
        }
        Some(Err(error)) => {
            warn_unreadable(
                state,
                &[Unreadable {
                    key: keys::document(id),
                    error,
                }],
            );
            StoredOpen::Unreadable
        }
        None => StoredOpen::NotStored,
    }
}

/// Opens a document read from the library at its stored revision.
pub fn open_stored(state: AppState, document: Document, revision: u64) {
    after_saving(
        state,
        "Nothing was opened",
        Box::new(move || {
            flush(state);
            opened_stored(&document, revision);
            actions::replace_document(state, document, Replacement::Opened);
            remember_last_open(state);
        }),
    );
}

pub fn export_library(state: AppState) {
    after_saving(
        state,
        "The library was not exported",
        Box::new(move || export_library_now(state)),
    );
}

fn export_library_now(state: AppState) {
    flush(state);
    if !library::is_available() {
        notify(
            state,
            NoticeKind::Warning,
            "Nothing is stored in this browser; use Export JSON for the open document",
            Vec::new(),
        );
        return;
    }
    let scan = library::scan();
    let documents: Vec<_> = scan.entries.into_iter().map(|e| e.document).collect();
    let json = write_library_backup(&documents);
    let name = format!("article-annotator-library-{}.json", clock::today());
    match files::download(&name, "application/json", &json) {
        Ok(()) => announce(
            state,
            format!("Downloaded {name} ({} documents)", documents.len()),
        ),
        Err(e) => notify(
            state,
            NoticeKind::Error,
            capitalise(&e.to_string()),
            Vec::new(),
        ),
    }
    if !scan.unreadable.is_empty() {
        notify(
            state,
            NoticeKind::Warning,
            format!(
                "{} stored documents could not be read and are not in the backup; download them from the Library",
                scan.unreadable.len()
            ),
            Vec::new(),
        );
    }
}

/// Remembers which document is open, so a reload comes back to it.
fn remember_last_open(state: AppState) {
    if !library::is_available() {
        return;
    }
    if let Err(error) = library::set_last_open(&open_id(state)) {
        // Not fatal (the document itself is stored), but the person should know a reload
        // may open another document.
        notify(
            state,
            NoticeKind::Warning,
            format!("Could not remember which document is open: {error}"),
            Vec::new(),
        );
    }
}
