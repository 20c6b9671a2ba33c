//! Keeping the work: the open document is saved after every change (debounced, flushed when
//! the tab is hidden or closed), restored on reload, and followed across tabs. This is the
//! only code that writes the library.

use crate::domain::format::library::{EntryError, write_library_backup};
use crate::domain::format::native::{WriteOptions, write_document};
use crate::domain::history::Editor;
use crate::ui::actions;
use crate::ui::state::{AppState, NoticeKind, SaveState};
use crate::web::library_store::{LibraryStore, document_id_of_key};
use crate::web::{clock, files};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

const SAVE_DELAY_MS: u64 = 300;

/// What saving needs to remember between changes (not reactive).
#[derive(Default)]
struct Saver {
    store: Option<LibraryStore>,
    /// The revision of the open document this tab last loaded or saved, and that document
    /// as it was then (the common base when another tab saved in between).
    base_revision: u64,
    base_document: Option<crate::domain::document::Document>,
    timer: Option<leptos::prelude::TimeoutHandle>,
    dirty: bool,
    read_only: bool,
}

thread_local! {
    static SAVER: Rc<RefCell<Saver>> = Rc::new(RefCell::new(Saver::default()));
}

fn saver() -> Rc<RefCell<Saver>> {
    SAVER.with(Rc::clone)
}

/// The document to start with: the one open last time, or the sample on first start.
pub fn initial_editor(state: AppState) -> Editor {
    let store = match LibraryStore::open() {
        Ok(store) => Some(store),
        Err(error) => {
            state.save_state.set(SaveState::NotSaved(error.to_string()));
            None
        }
    };
    let mut opened = None;
    if let Some(store) = &store {
        let (index, _) = store.index();
        let unreadable = store.unreadable();
        for bad in &unreadable {
            actions::notify(
                state,
                NoticeKind::Warning,
                format!("A saved document could not be opened: {}", bad.error),
                vec![format!("Storage key: {}", bad.key)],
            );
        }
        let is_readable = |id: &str| {
            let key = crate::web::library_store::document_key(id);
            !unreadable.iter().any(|bad| bad.key == key)
        };
        // The document open last time, else the most recent readable one; a damaged entry is
        // never opened (so never overwritten), it waits in the Library to be downloaded.
        let mut candidates = index.documents.clone();
        candidates.sort_by(|a, b| b.modified.cmp(&a.modified));
        let last = store.last_open().filter(|id| is_readable(id)).or_else(|| {
            candidates
                .iter()
                .find(|d| is_readable(&d.id) && store.entry(&d.id).is_some())
                .map(|d| d.id.clone())
        });
        if let Some(id) = last {
            match store.entry(&id) {
                Some(Ok(entry)) => {
                    saver().borrow_mut().base_revision = entry.revision;
                    saver().borrow_mut().base_document = Some(entry.document.clone());
                    opened = Some(entry.document);
                }
                Some(Err(EntryError::WrittenByNewerVersion {
                    read_only: Some(entry),
                    ..
                })) => {
                    saver().borrow_mut().read_only = true;
                    state.save_state.set(SaveState::ReadOnly(
                        "this document was saved by a newer version of Article Annotator; changes here are not saved".into(),
                    ));
                    opened = Some(entry.document);
                }
                Some(Err(error)) => actions::notify(
                    state,
                    NoticeKind::Warning,
                    actions::capitalise(&error.to_string()),
                    Vec::new(),
                ),
                None => {}
            }
        }
    }
    saver().borrow_mut().store = store;
    let document = opened
        .or_else(crate::ui::load_article::sample_document)
        .unwrap_or_else(|| {
            crate::domain::document::Document::new(
                crate::domain::document::DocumentId(clock::new_id("d")),
                Default::default(),
                crate::domain::text::Text::new(""),
            )
        });
    Editor::new(document)
}

/// Saves now if anything is waiting.
pub fn flush(state: AppState) {
    let saver = saver();
    let mut s = saver.borrow_mut();
    if let Some(timer) = s.timer.take() {
        timer.clear();
    }
    if !s.dirty || s.read_only {
        return;
    }
    let Some(store) = s.store.clone() else {
        remember_for_panic(state);
        return;
    };
    let now = clock::now_iso();
    let revision = s.base_revision + 1;
    let result = state.editor.with_untracked(|e| {
        let doc = e.document();
        if let Some(stored) = store.stored_revision(&doc.id.0)
            && stored > s.base_revision
        {
            return Err(None::<crate::web::storage::StorageError>);
        }
        store.save(doc, revision, &now).map_err(Some)?;
        store.set_last_open(&doc.id.0);
        Ok(())
    });
    match result {
        Ok(()) => {
            s.base_revision = revision;
            s.base_document = Some(state.editor.with_untracked(|e| e.document().clone()));
            s.dirty = false;
            state.save_state.set(SaveState::Saved);
            // Saved: the panic screen offers the stored entry itself, so nothing to copy.
            crate::ui::panic_screen::forget_work();
        }
        Err(Some(error)) => {
            state.save_state.set(SaveState::NotSaved(error.to_string()));
            drop(s);
            remember_for_panic(state);
        }
        Err(None) => {
            drop(s);
            adopt_newer_revision(state, true);
        }
    }
}

fn remember_for_panic(state: AppState) {
    let (name, json) = state.editor.with_untracked(|e| {
        let doc = e.document();
        let stem = crate::domain::article_input::metadata::suggested_file_stem(
            &doc.metadata.title,
            &doc.metadata.published,
        );
        (
            format!("{stem}.json"),
            write_document(doc, &WriteOptions::default()),
        )
    });
    crate::ui::panic_screen::remember_work(name, json);
}

/// Another tab saved the open document: take its revision, merging ours into it when we
/// have unsaved changes.
fn adopt_newer_revision(state: AppState, ours_unsaved: bool) {
    let saver = saver();
    let Some(store) = saver.borrow().store.clone() else {
        return;
    };
    let id = state.editor.with_untracked(|e| e.document().id.0.clone());
    let Some(Ok(theirs)) = store.entry(&id) else {
        return;
    };
    if ours_unsaved {
        let base = saver.borrow().base_document.clone();
        let merged = state.editor.with_untracked(|e| {
            let base = base.as_ref().unwrap_or(&theirs.document);
            crate::domain::tab_sync::merge_revisions(base, e.document(), &theirs.document)
        });
        saver.borrow_mut().base_revision = theirs.revision;
        saver.borrow_mut().base_document = Some(theirs.document.clone());
        state.editor.set(Editor::new(merged.document));
        saver.borrow_mut().dirty = true;
        for conflict in merged.conflicts {
            actions::notify(state, NoticeKind::Warning, conflict, Vec::new());
        }
        actions::announce(state, "Merged with changes from another tab");
        drop(saver);
        flush(state);
    } else {
        saver.borrow_mut().base_revision = theirs.revision;
        saver.borrow_mut().base_document = Some(theirs.document.clone());
        state.editor.set(Editor::new(theirs.document));
        actions::announce(state, "Updated from another tab");
    }
}

/// Saves after each change, and follows other tabs.
#[component]
pub fn Autosave() -> impl IntoView {
    let state = crate::ui::state::use_app();
    if saver().borrow().store.is_some() {
        crate::ui::storage_meter::request_persistence();
    }
    Effect::new(move |previous: Option<u64>| {
        let changes = state.changes.get();
        if previous.is_some() {
            let saver = saver();
            let mut s = saver.borrow_mut();
            s.dirty = true;
            if s.read_only {
                return changes;
            }
            if let Some(timer) = s.timer.take() {
                timer.clear();
            }
            if s.store.is_some() {
                state.save_state.set(SaveState::Pending);
            }
            s.timer = set_timeout_with_handle(
                move || flush(state),
                std::time::Duration::from_millis(SAVE_DELAY_MS),
            )
            .ok();
        }
        changes
    });
    let hidden = window_event_listener(leptos::ev::visibilitychange, move |_| flush(state));
    let page_hide = window_event_listener(leptos::ev::pagehide, move |_| flush(state));
    let storage = window_event_listener(leptos::ev::storage, move |event| {
        let Some(key) = event.key() else { return };
        let Some(id) = document_id_of_key(&key) else {
            return;
        };
        let open = state.editor.with_untracked(|e| e.document().id.0 == id);
        if !open {
            return;
        }
        let base = saver().borrow().base_revision;
        let stored = saver()
            .borrow()
            .store
            .as_ref()
            .and_then(|s| s.entry(id))
            .and_then(|e| e.ok())
            .map(|e| e.revision);
        if stored.is_some_and(|r| r > base) {
            let dirty = saver().borrow().dirty;
            adopt_newer_revision(state, dirty);
        }
    });
    on_cleanup(move || {
        hidden.remove();
        page_hide.remove();
        storage.remove();
    });
}

/// Forgets the open document's saved revision (a different document was opened).
pub fn opened_new_document(revision: u64, document: Option<crate::domain::document::Document>) {
    let saver = saver();
    let mut s = saver.borrow_mut();
    s.base_revision = revision;
    s.base_document = document;
    s.read_only = false;
}

pub fn store() -> Option<LibraryStore> {
    saver().borrow().store.clone()
}

pub fn export_library(state: AppState) {
    flush(state);
    let Some(store) = store() else {
        actions::notify(
            state,
            NoticeKind::Warning,
            "Nothing is stored in this browser; use Export JSON for the open document",
            Vec::new(),
        );
        return;
    };
    let (entries, unreadable) = store.all_entries();
    let documents: Vec<_> = entries.into_iter().map(|e| e.document).collect();
    let json = write_library_backup(&documents);
    let name = format!("article-annotator-library-{}.json", clock::today());
    match files::download(&name, "application/json", &json) {
        Ok(()) => actions::announce(
            state,
            format!("Downloaded {name} ({} documents)", documents.len()),
        ),
        Err(e) => actions::notify(
            state,
            NoticeKind::Error,
            actions::capitalise(&e.to_string()),
            Vec::new(),
        ),
    }
    if !unreadable.is_empty() {
        actions::notify(
            state,
            NoticeKind::Warning,
            format!(
                "{} stored documents could not be read and are not in the backup; download them from the Library",
                unreadable.len()
            ),
            Vec::new(),
        );
    }
}

/// Remembers which document is open, so a reload comes back to it.
pub fn remember_last_open(state: AppState) {
    if let Some(store) = store() {
        store.set_last_open(&state.editor.with_untracked(|e| e.document().id.0.clone()));
    }
}
