//! The library: every document stored in this browser, with its annotation counts. Open,
//! rename, duplicate and delete (asked first, and undoable for the session). Unreadable
//! entries are listed with their raw data to download, never overwritten.

use crate::domain::command::Command;
use crate::domain::document::{Document, DocumentId};
use crate::domain::format::library::{IndexEntry, StoredEntry};
use crate::domain::library_rows::{RowWords, row_words, short_time};
use crate::domain::sorting;
use crate::ui::actions;
use crate::ui::library::{persistence, reader};
use crate::ui::notices;
use crate::ui::state::{AppState, NoticeKind, Screen, use_app};
use crate::ui::view_memo::ViewMemo;
use crate::ui::view_signal::ViewSignal;
use crate::web::storage::keys;
use crate::web::storage::library::{self, Unreadable};
use crate::web::{clock, files};
use leptos::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone, PartialEq)]
struct Listing {
    documents: Vec<IndexEntry>,
    /// What each row says beyond its title, by document id.
    words: BTreeMap<String, RowWords>,
    unreadable: Vec<Unreadable>,
    /// Bytes the library uses and localStorage's quota, counted with the rows.
    usage: (usize, usize),
}

/// The index's rows, and the entries that cannot be read: opening the Library is when every
/// entry is read, so this is where damaged ones are found.
fn read_listing() -> Option<Listing> {
    let usage = library::usage_bytes()?;
    let unreadable = library::scan().unreadable;
    let mut documents = library::listing();
    // A damaged entry is listed only as unreadable, never as a document to open.
    documents.retain(|d| {
        let key = keys::document(&d.id);
        !unreadable.iter().any(|bad| bad.key == key)
    });
    sorting::sort_by(&mut documents, |a, b| b.modified.cmp(&a.modified));
    Some(Listing {
        words: row_words(&documents),
        documents,
        unreadable,
        usage,
    })
}

fn open(state: AppState, id: &str) {
    if !library::is_available() {
        return;
    }
    match library::read(id) {
        Some(Ok(StoredEntry {
            document, revision, ..
        })) => persistence::open_stored(state, document, revision),
        Some(Err(error)) => notices::notify(
            state,
            NoticeKind::Error,
            notices::capitalise(&error.to_string()),
            Vec::new(),
        ),
        None => notices::notify(
            state,
            NoticeKind::Error,
            "That document is no longer stored",
            Vec::new(),
        ),
    }
}

/// The Library reads every stored entry, with the reader of stored entries, a part
/// (`reader`; saving's brings it too): usually here long before, but a person quick to open
/// the Library on a first visit may be quicker than its fetch, and then the screen waits for
/// it rather than list every document as unreadable.
#[component]
pub fn Library() -> impl IntoView {
    let state = use_app();
    let reader_here = ViewSignal::new(reader::here());
    if !reader_here.get_untracked() {
        // `false` (not installed) only in the tests of the parts, which read no library.
        let waits = reader::wait(Box::new(move |fetched| match fetched {
            Ok(_) => {
                // `None`: the person left the Library meanwhile.
                let _ = reader_here.try_set(true);
            }
            Err(error) => notices::notify(
                state,
                NoticeKind::Error,
                format!(
                    "The Library cannot list your documents. {}",
                    error.message("the reader of saved documents")
                ),
                Vec::new(),
            ),
        }));
        if !waits {
            reader_here.set(true);
        }
    }
    view! {
        <Show
            when=move || reader_here.get()
            fallback=|| view! { <p class="ann-loading" role="status">"Reading your documents…"</p> }
        >
            <LibraryScreen />
        </Show>
    }
}

#[component]
fn LibraryScreen() -> impl IntoView {
    let state = use_app();
    persistence::flush(state);
    let refresh = ViewSignal::new(0u32);
    let listing = ViewMemo::new(move |_| {
        refresh.track();
        read_listing()
    });
    Effect::new(move |_| {
        listing.with(|l| {
            if let Some(l) = l {
                persistence::warn_unreadable(state, &l.unreadable);
            }
        })
    });
    let usage = ViewMemo::new(move |_| listing.with(|l| l.as_ref().map(|l| l.usage)));
    let deleted = ViewSignal::new(Vec::<Document>::new());
    let confirm = ViewSignal::new(None::<String>);

    let rename = move |id: String, title: String| {
        let open_id = state.editor.with_untracked(|e| e.document().id.0.clone());
        if open_id == id {
            let mut metadata = state
                .editor
                .with_untracked(|e| e.document().metadata.clone());
            metadata.title = title;
            actions::execute(state, Command::EditMetadata { metadata });
            persistence::flush(state);
        } else {
            match library::rename_document(&id, &title) {
                Ok(true) => {}
                Ok(false) => no_longer_stored(state, "renamed"),
                Err(e) => notices::notify(state, NoticeKind::Error, e.to_string(), Vec::new()),
            }
        }
        refresh.update(|n| *n += 1);
    };
    let duplicate = move |id: String| {
        persistence::flush(state);
        let copy_id = DocumentId(clock::new_id("d"));
        // The open document is copied as the page holds it: its last change may still be
        // waiting for saving's part ("Saving…"), and its stored entry would lack it.
        let open = state
            .editor
            .with_untracked(|e| (e.document().id.0 == id).then(|| e.document().clone()));
        let copied = match open {
            Some(document) => library::store_copy(document, copy_id).map(Some),
            None => library::duplicate_document(&id, copy_id),
        };
        match copied {
            Ok(Some(copy)) => {
                notices::announce(state, format!("Duplicated as “{}”", copy.metadata.title))
            }
            Ok(None) => no_longer_stored(state, "duplicated"),
            Err(e) => notices::notify(state, NoticeKind::Error, e.to_string(), Vec::new()),
        }
        refresh.update(|n| *n += 1);
    };
    let delete = move |id: String| {
        confirm.set(None);
        let open_id = state.editor.with_untracked(|e| e.document().id.0.clone());
        match library::delete_document(&id) {
            Ok(Some(doc)) => {
                notices::announce(state, format!("Deleted “{}”", doc.metadata.title));
                deleted.update(|d| d.push(doc));
                if open_id == id {
                    crate::ui::library::load_article::open_sample(state);
                    state.screen.set(Screen::Library);
                }
            }
            Ok(None) => no_longer_stored(state, "deleted"),
            Err(e) => notices::notify(state, NoticeKind::Error, e.to_string(), Vec::new()),
        }
        refresh.update(|n| *n += 1);
    };
    let undo_delete = move || {
        let Some(doc) = deleted.try_update(|d| d.pop()).flatten() else {
            return;
        };
        if library::is_available() {
            match library::save_other_document(&doc) {
                Ok(_) => notices::announce(state, format!("Restored “{}”", doc.metadata.title)),
                Err(e) => notices::notify(state, NoticeKind::Error, e.to_string(), Vec::new()),
            }
        }
        refresh.update(|n| *n += 1);
    };

    let handlers = RowHandlers {
        open: Callback::new(move |id: String| open(state, &id)),
        rename: Callback::new(move |(id, title): (String, String)| rename(id, title)),
        duplicate: Callback::new(duplicate),
        delete: Callback::new(delete),
    };

    view! {
        <main class="ann-library" id="main">
            <div class="ann-library__head">
                <h1>"Library"</h1>
                <crate::ui::library::storage_meter::StorageMeter usage=usage />
                <button type="button" class="ann-button" on:click=move |_| state.screen.set(Screen::Annotate)>
                    "Back to the open document"
                </button>
            </div>
            <Show when=move || deleted.with(|d| !d.is_empty())>
                <p class="ann-notice ann-notice--info" role="status">
                    {move || deleted.with(|d| d.last().map(|doc| format!("Deleted “{}”.", doc.metadata.title)))}
                    " "
                    <button type="button" class="ann-button" on:click=move |_| undo_delete()>"Undo delete"</button>
                </p>
            </Show>
            <div class="ann-library__table">
            <table class="ann-table">
                <thead>
                    <tr>
                        <th scope="col">"Title"</th>
                        <th scope="col">"Publisher"</th>
                        <th scope="col">"Published"</th>
                        <th scope="col">"Annotations"</th>
                        <th scope="col">"Last modified"</th>
                        <th scope="col"><span class="ann-visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || listing.with(|l| l.as_ref().map(|l| l.documents.iter().map(|d| d.id.clone()).collect::<Vec<_>>()).unwrap_or_default())
                        key=|id| id.clone()
                        let:id
                    >
                        <LibraryRow id=id listing=listing confirm=confirm handlers=handlers />
                    </For>
                </tbody>
            </table>
            </div>
            <UnreadableEntries listing=listing />
        </main>
    }
}

/// A row's action found no stored document to act on: another tab deleted it, or its entry
/// can no longer be read (then the listing, read again after every action, moves it to the
/// entries that could not be read).
fn no_longer_stored(state: AppState, action_done: &str) {
    notices::notify(
        state,
        NoticeKind::Error,
        format!(
            "Nothing {action_done}: this document can no longer be read from this browser's storage. Another tab may have deleted it."
        ),
        Vec::new(),
    );
}

/// What a row's buttons do (the library's own functions, above).
#[derive(Clone, Copy)]
struct RowHandlers {
    open: Callback<String>,
    rename: Callback<(String, String)>,
    duplicate: Callback<String>,
    delete: Callback<String>,
}

/// One stored document, as the current listing describes it.
#[component]
fn LibraryRow(
    id: String,
    listing: ViewMemo<Option<Listing>>,
    confirm: ViewSignal<Option<String>>,
    handlers: RowHandlers,
) -> impl IntoView {
    let state = use_app();
    let entry = ViewMemo::new(move |_| {
        listing.with(|l| {
            let l = l.as_ref()?;
            let doc = l.documents.iter().find(|d| d.id == id)?.clone();
            let words = l.words.get(&id).cloned()?;
            Some((doc, words))
        })
    });
    let is_open = ViewMemo::new(move |_| {
        let open_id = state.editor.with(|e| e.document().id.0.clone());
        entry.with(|e| e.as_ref().is_some_and(|(doc, _)| doc.id == open_id))
    });
    move || {
        entry.get().map(|(doc, words)| {
            view! { <EntryRow doc=doc words=words is_open=is_open confirm=confirm handlers=handlers /> }
        })
    }
}

#[component]
fn EntryRow(
    doc: IndexEntry,
    words: RowWords,
    is_open: ViewMemo<bool>,
    confirm: ViewSignal<Option<String>>,
    handlers: RowHandlers,
) -> impl IntoView {
    let id = doc.id.clone();
    let (id_open, id_rename, id_dup, id_del, id_confirm) =
        (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
    let title = if doc.title.trim().is_empty() {
        "Untitled article".to_string()
    } else {
        doc.title.clone()
    };
    let rename_title = title.clone();
    let duplicate_title = title.clone();
    let delete_title = title.clone();
    view! {
        <tr class:ann-library__open=move || is_open.get() aria-current=move || is_open.get().then_some("true")>
            <th scope="row">
                <button type="button" class="ann-link-button" title=title.clone() on:click=move |_| handlers.open.run(id_open.clone())>
                    {title.clone()}
                </button>
                <Show when=move || is_open.get()>
                    " "
                    <span class="ann-status ann-library__now">"Open now"</span>
                </Show>
                {words.tells_apart.map(|apart| view! { <span class="ann-library__apart">{apart}</span> })}
            </th>
            <td>{doc.publisher.clone()}</td>
            <td>{doc.published.clone()}</td>
            <td>{words.counts}</td>
            <td>{short_time(&doc.modified)}</td>
            <td><div class="ann-library__actions">
                <button
                    type="button"
                    class="ann-button"
                    aria-label=format!("Rename “{rename_title}”")
                    on:click=move |_| {
                        let current = rename_title.clone();
                        let answer = web_sys::window()
                            .and_then(|w| w.prompt_with_message_and_default("New title", &current).ok().flatten());
                        if let Some(answer) = answer.filter(|a| !a.trim().is_empty()) {
                            handlers.rename.run((id_rename.clone(), answer.trim().to_string()));
                        }
                    }
                >
                    "Rename"
                </button>
                <button
                    type="button"
                    class="ann-button"
                    aria-label=format!("Duplicate “{duplicate_title}”")
                    on:click=move |_| handlers.duplicate.run(id_dup.clone())
                >
                    "Duplicate"
                </button>
                {move || {
                    let asking = confirm.get().as_deref() == Some(id_confirm.as_str());
                    let id_del = id_del.clone();
                    let id_ask = id_confirm.clone();
                    let delete_title = delete_title.clone();
                    if asking {
                        view! {
                            <span class="ann-confirm" role="group" aria-label="Confirm delete">
                                {format!("Delete “{delete_title}”? ")}
                                <button type="button" class="ann-button ann-button--danger" on:click=move |_| handlers.delete.run(id_del.clone())>
                                    "Yes, delete"
                                </button>
                                <button type="button" class="ann-button" on:click=move |_| confirm.set(None)>
                                    "Keep"
                                </button>
                            </span>
                        }
                        .into_any()
                    } else {
                        view! {
                            <button
                                type="button"
                                class="ann-button"
                                aria-label=format!("Delete “{delete_title}”")
                                on:click=move |_| confirm.set(Some(id_ask.clone()))
                            >
                                "Delete"
                            </button>
                        }
                        .into_any()
                    }
                }}
            </div></td>
        </tr>
    }
}

/// Stored entries that could not be read, each with its raw data to download.
#[component]
fn UnreadableEntries(listing: ViewMemo<Option<Listing>>) -> impl IntoView {
    let state = use_app();
    view! {
        <Show when=move || listing.with(|l| l.as_ref().is_some_and(|l| !l.unreadable.is_empty()))>
            <h2>"Entries that could not be read"</h2>
            <ul class="ann-library__unreadable">
                {move || {
                    listing
                        .get()
                        .map(|l| l.unreadable)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|Unreadable { key, error }| {
                            let reason = error.to_string();
                            let key_for_download = key.clone();
                            view! {
                                <li>
                                    <code>{key.clone()}</code>
                                    ": "
                                    {reason}
                                    " "
                                    <button
                                        type="button"
                                        class="ann-button"
                                        on:click=move |_| {
                                            if let Some(raw) = library::raw(&key_for_download) {
                                                let name = format!(
                                                    "unreadable-{}.json",
                                                    keys::document_id(&key_for_download).unwrap_or("entry")
                                                );
                                                if let Err(e) = files::download(&name, "application/json", &raw) {
                                                    notices::notify(state, NoticeKind::Error, notices::capitalise(&e.to_string()), Vec::new());
                                                }
                                            }
                                        }
                                    >
                                        "Download raw data"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </Show>
    }
}

/// The Library is fetched the first time it is shown (ui::on_demand).
#[leptos::wasm_split::wasm_split(library_screen, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn library_on_demand() -> Result<AnyView, crate::ui::on_demand::NotLoaded> {
    Ok(view! { <Library /> }.into_any())
}
