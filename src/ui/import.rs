//! Importing annotation files: picked with the "Import annotations" input in the header or
//! dropped anywhere on the page. The domain's import pipeline reads the files and decides
//! where each batch goes; this module only reads the bytes, applies the items and reports.
//!
//! Applying is atomic per document: every target is built in memory first (the open document
//! through its `Editor`, so the import is one undo step; stored and new documents in a
//! temporary `Editor`), then each stored entry is written once. The person gets ONE notice:
//! the summary line, with every problem, unit note and per-file outcome in its details.
//!
//! A dropped `.txt`, `.md` or `.html` that is not an annotation format (and not the text half
//! of a brat pair) opens as an article instead, as the person meant.

use crate::domain::document::{Document, DocumentId};
use crate::domain::history::Editor;
use crate::domain::import::{Problem, Severity};
use crate::domain::import_pipeline::{
    ImportTarget, InputFile, LibraryDocRef, describe_outcome, has_errors, prepare_import,
};
use crate::domain::interchange::sniff::{Sniffed, sniff};
use crate::domain::merge::ImportSummary;
use crate::domain::text::sha256_hex;
use crate::ui::actions;
use crate::ui::notices;
use crate::ui::persistence;
use crate::ui::state::{AppState, NoticeKind, use_app};
use crate::web::storage::library;
use crate::web::{clock, files};
use leptos::prelude::*;
use std::collections::BTreeMap;

const ARTICLE_EXTENSIONS: [&str; 5] = ["txt", "md", "markdown", "html", "htm"];

fn extension(name: &str) -> Option<String> {
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
}

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(name)
}

/// Whether a file is an article to open rather than annotations to import: an article
/// extension, no annotation format recognised in it, and no `.ann` beside it (brat's text).
fn is_article(file: &files::OpenedFile, all: &[files::OpenedFile]) -> bool {
    let Some(ext) = extension(&file.name) else {
        return false;
    };
    if !ARTICLE_EXTENSIONS.contains(&ext.as_str()) {
        return false;
    }
    let brat_text = ext == "txt"
        && all.iter().any(|other| {
            extension(&other.name).as_deref() == Some("ann")
                && stem(&other.name) == stem(&file.name)
        });
    !brat_text && matches!(sniff(&file.bytes), Sniffed::NotRecognised(_))
}

/// Reads the files (each refused over the size limit), then imports them.
pub fn import_file_list(state: AppState, list: Vec<web_sys::File>, from_drop: bool) {
    if list.is_empty() {
        return;
    }
    leptos::task::spawn_local(async move {
        let limit = crate::domain::article_input::limits::MAX_FILE_BYTES as f64;
        let mut opened = Vec::new();
        let mut unread = Vec::new();
        for file in &list {
            match files::read_file(file, limit).await {
                Ok(file) => opened.push(file),
                Err(error) => unread.push(notices::capitalise(&error.to_string())),
            }
        }
        import_opened(state, opened, unread, from_drop);
    });
}

fn import_opened(
    state: AppState,
    opened: Vec<files::OpenedFile>,
    unread: Vec<String>,
    from_drop: bool,
) {
    // Exercises, keys and students' attempts go to the classroom.
    let opened = crate::ui::classroom::files::route_imported(state, opened);
    if opened.is_empty() && unread.is_empty() {
        return;
    }
    // Only a drop may be an article: the "Import annotations" input means annotations.
    let (articles, annotation_files): (Vec<_>, Vec<_>) = opened
        .iter()
        .partition(|f| from_drop && is_article(f, &opened));
    if let Some(article) = articles.first() {
        open_article(state, article);
        for extra in articles.iter().skip(1) {
            notices::notify(
                state,
                NoticeKind::Warning,
                format!(
                    "“{}” was not opened: drop one article at a time",
                    extra.name
                ),
                Vec::new(),
            );
        }
    }
    if annotation_files.is_empty() {
        if !unread.is_empty() {
            notices::notify(state, NoticeKind::Error, "Nothing imported", unread);
        }
        return;
    }
    let inputs: Vec<InputFile> = annotation_files
        .iter()
        .map(|f| InputFile {
            name: f.name.clone(),
            bytes: f.bytes.clone(),
        })
        .collect();
    import_inputs(state, &inputs, unread);
}

fn open_article(state: AppState, file: &files::OpenedFile) {
    use crate::domain::article_input::open_article_file;
    match open_article_file(&file.name, &file.bytes) {
        Ok(article) => {
            let notices = article.notices.clone();
            persistence::open_document(
                state,
                crate::ui::load_article::document_from(article, Default::default()),
            );
            for notice in notices {
                notices::notify(
                    state,
                    NoticeKind::Warning,
                    format!("{}: {notice}", file.name),
                    Vec::new(),
                );
            }
        }
        Err(error) => notices::notify(
            state,
            NoticeKind::Error,
            format!("“{}” cannot be opened: {error}", file.name),
            Vec::new(),
        ),
    }
}

/// A document being imported into that is not the open one.
struct Pending {
    editor: Editor,
}

fn problem_line(problem: &Problem) -> String {
    let severity = match problem.severity {
        Severity::Error => "Error",
        _ => "Warning",
    };
    if problem.location.is_empty() {
        format!("{severity}: {}", problem.message)
    } else {
        format!("{severity}: {}: {}", problem.location, problem.message)
    }
}

/// Prepares and applies `inputs`; ends with one notice.
pub fn import_inputs(state: AppState, inputs: &[InputFile], unread: Vec<String>) {
    persistence::flush(state);
    let stored: Vec<(DocumentId, u64, Document)> = library::scan()
        .entries
        .into_iter()
        .map(|e| (e.document.id.clone(), e.revision, e.document))
        .collect();
    let library: Vec<LibraryDocRef> = stored
        .iter()
        .map(|(id, _, doc)| LibraryDocRef {
            id: id.clone(),
            text_sha256: sha256_hex(doc.text.as_str()),
        })
        .collect();
    let open_id = state.editor.with_untracked(|e| e.document().id.clone());
    let now = clock::now_iso();
    let now_ms = clock::now_ms();
    let mut preparation = state.editor.with_untracked(|e| {
        prepare_import(
            inputs,
            &library,
            Some(e.document()),
            &mut |prefix| clock::new_id(prefix),
            &now,
        )
    });

    // The pipeline knows stored documents only by id and text hash: name them by title.
    for item in &mut preparation.items {
        if let ImportTarget::Existing(id) = &item.target
            && let Some((_, _, doc)) = stored.iter().find(|(sid, _, _)| sid == id)
            && !doc.metadata.title.trim().is_empty()
        {
            item.target_title = doc.metadata.title.trim().to_string();
        }
    }
    let mut outcomes: Vec<Option<ImportSummary>> = Vec::new();
    let mut details: Vec<String> = unread;
    let mut others: BTreeMap<DocumentId, Pending> = BTreeMap::new();
    let mut created_order: Vec<DocumentId> = Vec::new();
    let mut open_changed = false;
    let next_id = |prefix: &str| clock::new_id(prefix);
    for item in &preparation.items {
        let incoming = item.incoming.clone();
        let mut next = || next_id("a");
        let result = match &item.target {
            ImportTarget::Existing(id) if *id == open_id => {
                let result = state
                    .editor
                    .try_update(|e| e.import(incoming, &mut next, now_ms, &now));
                if matches!(result, Some(Ok(_))) {
                    open_changed = true;
                }
                result.unwrap_or_else(|| {
                    Err(crate::domain::command::CommandError::StaleImport(
                        "the open document is gone".into(),
                    ))
                })
            }
            ImportTarget::Existing(id) => {
                if let std::collections::btree_map::Entry::Vacant(slot) = others.entry(id.clone())
                    && let Some((_, _, doc)) = stored.iter().find(|(sid, _, _)| sid == id)
                {
                    slot.insert(Pending {
                        editor: Editor::new(doc.clone()),
                    });
                }
                match others.get_mut(id) {
                    Some(pending) => pending.editor.import(incoming, &mut next, now_ms, &now),
                    None => Err(crate::domain::command::CommandError::StaleImport(
                        "that document is no longer stored".into(),
                    )),
                }
            }
            ImportTarget::New(document) => {
                let id = document.id.clone();
                created_order.push(id.clone());
                let pending = others.entry(id).or_insert_with(|| Pending {
                    editor: Editor::new(document.clone()),
                });
                pending.editor.import(incoming, &mut next, now_ms, &now)
            }
        };
        match result {
            Ok(summary) => {
                details.push(format!(
                    "{} ({}) → “{}”: {}",
                    item.source,
                    item.format,
                    item.target_title,
                    describe_outcome(item, &summary)
                ));
                outcomes.push(Some(summary));
            }
            Err(error) => {
                details.push(format!(
                    "{}: not imported: {}",
                    item.source,
                    notices::capitalise(&error.to_string())
                ));
                outcomes.push(None);
            }
        }
        if let Some(note) = &item.unit_note {
            details.push(format!("{}: {note}", item.source));
        }
    }
    details.extend(preparation.all_problems().into_iter().map(problem_line));

    // Write each other document once, now that all of its items are in.
    let mut write_failed = false;
    let mut saved_new: Vec<(Document, u64)> = Vec::new();
    for (id, pending) in &others {
        let document = pending.editor.document().clone();
        // Without storage the documents live in this tab only (a new one is opened).
        let saved = library::is_available().then(|| library::save_other_document(&document));
        match saved {
            Some(Ok(revision)) => {
                if created_order.contains(id) {
                    saved_new.push((document, revision));
                }
            }
            Some(Err(error)) => {
                write_failed = true;
                details.insert(
                    0,
                    format!(
                        "“{}” was not saved: {error}",
                        document.metadata.title.trim()
                    ),
                );
                if created_order.contains(id) {
                    saved_new.push((document, 0));
                }
            }
            None => {
                if created_order.contains(id) {
                    saved_new.push((document, 0));
                }
            }
        }
    }
    if open_changed {
        actions::document_changed(state);
    }
    // Open the first new document (in the order the files gave them).
    let first_new = created_order
        .iter()
        .find_map(|id| saved_new.iter().find(|(doc, _)| &doc.id == id).cloned());
    if let Some((document, revision)) = first_new {
        if revision > 0 {
            persistence::open_stored(state, document, revision);
        } else {
            persistence::open_document(state, document);
        }
    }

    let applied = outcomes.iter().filter(|o| o.is_some()).count();
    let text = if applied == 0 {
        let first = preparation
            .all_problems()
            .first()
            .map(|p| p.message.clone())
            .or_else(|| details.first().cloned())
            .unwrap_or_else(|| "no annotations were found".into());
        format!("Nothing imported: {first}")
    } else {
        let mut line = preparation.summary_line(&outcomes);
        let merged: usize = outcomes.iter().flatten().map(|s| s.already_present).sum();
        if merged > 0 {
            line.push_str(&format!(" ({merged} already present)"));
        }
        line
    };
    let orphaned: usize = outcomes.iter().flatten().map(|s| s.orphaned).sum();
    let kind = if applied == 0 {
        NoticeKind::Error
    } else if write_failed || has_errors(&preparation) || orphaned > 0 {
        NoticeKind::Warning
    } else {
        NoticeKind::Info
    };
    notices::notify(state, kind, text, details);
}

/// The header control: a file input labelled "Import annotations" (several files, any
/// format; the content decides).
#[component]
pub fn ImportControl() -> impl IntoView {
    let state = use_app();
    view! {
        <label class="ann-button ann-import">
            <input
                type="file"
                multiple
                class="ann-import__input"
                on:change=move |ev| {
                    let input = event_target::<web_sys::HtmlInputElement>(&ev);
                    let list = files::files_of(input.files());
                    input.set_value("");
                    import_file_list(state, list, false);
                }
            />
            "Import annotations"
        </label>
    }
}

fn has_files(event: &web_sys::DragEvent) -> bool {
    event
        .data_transfer()
        .map(|dt| {
            let types = dt.types();
            (0..types.length()).any(|i| types.get(i).as_string().as_deref() == Some("Files"))
        })
        .unwrap_or(false)
}

/// Files dropped anywhere on the page are imported (or opened, for an article); an overlay
/// says so while they are dragged over.
#[component]
pub fn DropImport() -> impl IntoView {
    let state = use_app();
    let depth = RwSignal::new(0i32);
    let enter = window_event_listener(leptos::ev::dragenter, move |ev| {
        if has_files(&ev) {
            ev.prevent_default();
            depth.update(|d| *d += 1);
        }
    });
    let over = window_event_listener(leptos::ev::dragover, move |ev| {
        if has_files(&ev) {
            ev.prevent_default();
            if let Some(dt) = ev.data_transfer() {
                dt.set_drop_effect("copy");
            }
        }
    });
    let leave = window_event_listener(leptos::ev::dragleave, move |_| {
        depth.update(|d| *d = (*d - 1).max(0));
    });
    let drop = window_event_listener(leptos::ev::drop, move |ev| {
        depth.set(0);
        let list = ev.data_transfer().and_then(|dt| dt.files());
        let list = files::files_of(list);
        if list.is_empty() {
            return;
        }
        ev.prevent_default();
        import_file_list(state, list, true);
    });
    on_cleanup(move || {
        enter.remove();
        over.remove();
        leave.remove();
        drop.remove();
    });
    view! {
        <Show when=move || { depth.get() > 0 }>
            <div class="ann-drop-overlay" aria-hidden="true">
                <p class="ann-drop-overlay__text">"Drop to import"</p>
            </div>
        </Show>
    }
}
