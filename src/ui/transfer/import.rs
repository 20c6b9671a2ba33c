//! Importing annotation files: picked with the "Import annotations" input in the header or
//! dropped anywhere on the page. The domain's import pipeline reads the files and decides
//! where each batch goes; this module only reads the bytes, applies the items and reports.
//!
//! Applying is atomic per document: every target is built in memory first
//! (`domain::import_apply`, run on the open document by the action layer, so the import is
//! one undo step there), then each other document is written here once. The person gets ONE
//! notice: the summary line, with every problem, unit note and per-file outcome in its details.
//!
//! A dropped `.txt`, `.md` or `.html` that is not an annotation format (and not the text half
//! of a brat pair) opens as an article instead, as the person meant.

use crate::domain::document::Document;
use crate::domain::import_apply::{ReportKind, StoredDocument, import_report, name_stored_targets};
use crate::domain::import_pipeline::{
    ImportPreparation, InputFile, LibraryDocRef, UnitChoice, VersionChoice, prepare_import,
};
use crate::domain::interchange::sniff::{Sniffed, sniff};
use crate::domain::text::sha256_hex;
use crate::ui::actions;
use crate::ui::dialog::Dialog;
use crate::ui::library::persistence;
use crate::ui::notices;
use crate::ui::on_demand::{self, NotLoaded, OnDemand};
use crate::ui::progress;
use crate::ui::state::{AppState, NoticeKind, WaitingImport, use_app};
use crate::ui::view_signal::ViewSignal;
use crate::web::storage::library;
use crate::web::{clock, files};
use leptos::prelude::*;

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
        let bytes: usize = opened.iter().map(|file| file.bytes.len()).sum();
        let large = bytes >= progress::ANNOUNCE_FROM_BYTES;
        if large {
            let label = match opened.as_slice() {
                [only] => format!("Importing “{}”", only.name),
                _ => format!("Importing {} files", opened.len()),
            };
            progress::begin_work(label).await;
        }
        let importing = import_opened_on_demand(state, opened, unread, from_drop);
        on_demand::run(state, "the import formats", "imported", importing).await;
        if large {
            progress::end_work();
        }
    });
}

/// What the files are and everything after (the classroom's files routed, an article dropped
/// opened, the foreign formats read, placed and applied) is fetched on the first import
/// (ui::on_demand), as the readers' part.
#[leptos::wasm_split::wasm_split(interchange_readers, wasm_split_path = ::leptos::wasm_split, fallible)]
fn import_opened_on_demand(
    state: AppState,
    opened: Vec<files::OpenedFile>,
    unread: Vec<String>,
    from_drop: bool,
) -> Result<(), NotLoaded> {
    import_opened(state, opened, unread, from_drop);
    Ok(())
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
        let file = (*article).clone();
        leptos::task::spawn_local(crate::ui::library::load_article::open_article(state, file));
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
    // The import reads every stored document, the open one as saved.
    persistence::after_saving(
        state,
        "Nothing was imported",
        Box::new(move || import_inputs(state, inputs, unread)),
    );
}

/// Prepares and applies `inputs`; ends with one notice.
fn import_inputs(state: AppState, inputs: Vec<InputFile>, unread: Vec<String>) {
    persistence::flush(state);
    let stored: Vec<StoredDocument> = library::scan()
        .entries
        .into_iter()
        .map(|e| StoredDocument {
            document: e.document,
            revision: e.revision,
        })
        .collect();
    let library: Vec<LibraryDocRef> = stored
        .iter()
        .map(|s| LibraryDocRef {
            id: s.document.id.clone(),
            text_sha256: sha256_hex(s.document.text.as_str()),
        })
        .collect();
    let now = clock::now_iso();
    let mut preparation = state.editor.with_untracked(|e| {
        prepare_import(
            &inputs,
            &library,
            Some(e.document()),
            &mut |prefix| clock::new_id(prefix),
            &now,
        )
    });
    name_stored_targets(&mut preparation, &stored);
    if preparation.needs_version_choice() || preparation.needs_unit_choice() {
        actions::ask_import_version(
            state,
            WaitingImport {
                preparation,
                stored,
                unread,
                now,
            },
        );
        return;
    }
    finish_import(state, &preparation, &stored, unread, &now);
}

/// The person's answer to the version question: the waiting import goes on as chosen, or
/// (`None`, Escape or Cancel) is dropped with a word that nothing was imported.
pub fn answer_version_question(state: AppState, choice: Option<VersionChoice>) {
    let Some((mut waiting, choice)) = take_answer(state, choice) else {
        return;
    };
    waiting.preparation.choose(choice);
    if waiting.preparation.needs_unit_choice() {
        // The unit question comes next, about the items still read from their own text.
        actions::ask_import_version(state, waiting);
        return;
    }
    finish_waiting(state, waiting);
}

/// The person's answer to the unit question: offsets read in the format's unit or the
/// other, or (`None`, Escape or Cancel) nothing imported.
pub fn answer_unit_question(state: AppState, choice: Option<UnitChoice>) {
    let Some((mut waiting, choice)) = take_answer(state, choice) else {
        return;
    };
    waiting.preparation.choose_unit(choice);
    finish_waiting(state, waiting);
}

/// Applies an import that waited for the person's answer.
fn finish_waiting(state: AppState, waiting: WaitingImport) {
    finish_import(
        state,
        &waiting.preparation,
        &waiting.stored,
        waiting.unread,
        &waiting.now,
    );
}

/// The waiting import and the person's answer to its question; with no answer (Escape or
/// Cancel) the import is dropped with a word that nothing was imported.
fn take_answer<C>(state: AppState, choice: Option<C>) -> Option<(WaitingImport, C)> {
    let waiting = actions::take_import_question(state)?;
    let Some(choice) = choice else {
        notices::announce(state, "Import cancelled; nothing was imported");
        return None;
    };
    Some((waiting, choice))
}

/// Applies a prepared import (the open document through the action layer, each other
/// document written once) and reports it in one notice.
fn finish_import(
    state: AppState,
    preparation: &ImportPreparation,
    stored: &[StoredDocument],
    unread: Vec<String>,
    now: &str,
) {
    // The open document is changed by the action layer; the app is being torn down if not.
    let Some(applied) = actions::apply_import(state, preparation, stored, now) else {
        return;
    };

    // Write each other document once, now that all of its items are in. The storage owner
    // gives it its next revision; without storage it lives in this tab only.
    let mut not_saved: Vec<String> = Vec::new();
    let mut first_new: Option<(Document, u64)> = None;
    for write in &applied.writes {
        let saved_at =
            match library::is_available().then(|| library::save_other_document(&write.document)) {
                Some(Ok(revision)) => Some(revision),
                Some(Err(error)) => {
                    not_saved.push(format!(
                        "“{}” was not saved: {error}",
                        write.document.metadata.title.trim()
                    ));
                    None
                }
                None => None,
            };
        if applied.first_new.as_ref() == Some(&write.document.id) {
            first_new = Some((write.document.clone(), saved_at.unwrap_or(0)));
        }
    }
    // Open the first new document (in the order the files gave them).
    if let Some((document, revision)) = first_new {
        if revision > 0 {
            persistence::open_stored(state, document, revision);
        } else {
            persistence::open_document(state, document);
        }
    }
    let report = import_report(preparation, &applied, unread, &not_saved);
    let kind = match report.kind {
        ReportKind::Info => NoticeKind::Info,
        ReportKind::Warning => NoticeKind::Warning,
        ReportKind::Error => NoticeKind::Error,
    };
    notices::notify(state, kind, report.text, report.details);
}

/// Reading files and importing them ([`import_file_list`]; `true` when they were dropped).
pub type ImportFiles = fn(AppState, Vec<web_sys::File>, bool);

/// The header control: a file input labelled "Import annotations" (several files, any
/// format; the content decides). `import` is [`import_file_list`], handed over by the main
/// module: the header's menu is a part, and a part may not cross the readers' boundary.
#[component]
pub fn ImportControl(import: ImportFiles) -> impl IntoView {
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
                    import(state, list, false);
                }
            />
            "Import annotations"
        </label>
    }
}

/// The question an import may ask, above every screen (not inside the header, whose menu
/// is folded away on phones).
#[component]
pub fn ImportQuestionLayer() -> impl IntoView {
    let state = use_app();
    view! {
        <Show when=move || state.import_question.with(Option::is_some)>
            <OnDemand what="the import formats" load=question_on_demand quiet=true />
        </Show>
    }
}

/// The question's dialog and its answers are in the readers' part: an import asks only after
/// that part has read its files, so it is here by then and the dialog shows in the same turn.
#[leptos::wasm_split::wasm_split(interchange_readers, wasm_split_path = ::leptos::wasm_split, fallible)]
fn question_on_demand() -> Result<AnyView, NotLoaded> {
    Ok(view! { <PendingQuestion /> }.into_any())
}

/// What an import question shows: a title, what it is about, what each answer would do
/// (one line each, or none), and the answers (the first is the suggested one).
struct Question {
    title: &'static str,
    text: String,
    readings: Vec<String>,
    answers: Vec<(String, Callback<()>)>,
    on_cancel: Callback<()>,
}

/// The question the waiting import asks now: whether files made on another version of the
/// article go on the open text, then which unit undecided offsets count in. Escape, the
/// backdrop and Cancel drop the import.
#[component]
fn PendingQuestion() -> impl IntoView {
    let state = use_app();
    move || {
        let question = state.import_question.with(|q| {
            let preparation = &q.as_ref()?.preparation;
            Some(if preparation.needs_version_choice() {
                version_question(state, preparation)
            } else {
                unit_question(state, preparation)
            })
        })?;
        let buttons = question
            .answers
            .into_iter()
            .enumerate()
            .map(|(n, (label, answer))| {
                let class = if n == 0 { "ann-button ann-button--primary" } else { "ann-button" };
                view! { <button type="button" class=class on:click=move |_| answer.run(())>{label}</button> }
            })
            .collect_view();
        let readings = (!question.readings.is_empty()).then(|| {
            view! { <ul>{question.readings.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul> }
        });
        let on_cancel = question.on_cancel;
        Some(view! {
            <Dialog labelled_by="ann-import-question-title" class="ann-dialog ann-import-question" on_close=on_cancel>
                <h2 id="ann-import-question-title">{question.title}</h2>
                <p>{question.text}</p>
                {readings}
                <div class="ann-dialog__actions">
                    {buttons}
                    <button type="button" class="ann-button" on:click=move |_| on_cancel.run(())>
                        "Cancel"
                    </button>
                </div>
            </Dialog>
        })
    }
}

/// "This file was made on another version of the article": place its annotations on the
/// open text, or open it as its own document (named apart).
fn version_question(state: AppState, preparation: &ImportPreparation) -> Question {
    let files: Vec<&str> = preparation
        .items
        .iter()
        .filter(|item| item.on_open_text.is_some())
        .map(|item| item.source.as_str())
        .collect();
    let open_title = state
        .editor
        .with_untracked(|e| e.document().metadata.title.trim().to_string());
    let open_title = if open_title.is_empty() {
        String::new()
    } else {
        format!(" “{open_title}”")
    };
    let answer =
        move |choice| Callback::new(move |()| answer_version_question(state, Some(choice)));
    Question {
        title: "This file was made on another version of the article",
        text: format!(
            "{} has a text that differs from the open article{open_title}. Place its annotations on the open text (they are found again by their quotes; those that cannot be are kept for review), or open the file as its own document, named “… (version from the file)”.",
            files.join(", ")
        ),
        readings: Vec::new(),
        answers: vec![
            (
                "Place on the open text".to_string(),
                answer(VersionChoice::PlaceOnOpenText),
            ),
            (
                "Open as its own document".to_string(),
                answer(VersionChoice::OwnDocument),
            ),
        ],
        on_cancel: Callback::new(move |()| answer_version_question(state, None)),
    }
}

/// The first few quotes a reading places, for the person to compare: “Zoë”, “Bob”.
fn sample_quotes(item: &crate::domain::import_pipeline::PreparedImport) -> String {
    let quotes: Vec<String> = item
        .incoming
        .annotations
        .iter()
        .filter(|a| !a.is_orphan())
        .take(3)
        .map(|a| format!("“{}”", crate::domain::describe::shorten(&a.quote, 40)))
        .collect();
    if quotes.is_empty() {
        "nothing".to_string()
    } else {
        quotes.join(", ")
    }
}

/// "Which unit do the offsets count in?": quote-less offsets that could be code points or
/// UTF-16 units, nothing in them deciding; each reading shown by the quotes it gives.
fn unit_question(state: AppState, preparation: &ImportPreparation) -> Question {
    let offered = preparation.unit_choices();
    let files: Vec<&str> = offered.iter().map(|o| o.source).collect();
    let answer = move |choice| Callback::new(move |()| answer_unit_question(state, Some(choice)));
    let mut question = Question {
        title: "Which unit do this file’s offsets count in?",
        text: String::new(),
        readings: Vec::new(),
        answers: Vec::new(),
        on_cancel: Callback::new(move |()| answer_unit_question(state, None)),
    };
    if let Some(first) = offered.first() {
        let (mine, other) = (first.formats_unit().describe(), first.other_unit.describe());
        question.text = format!(
            "{}: offsets without quotes, over characters (such as emoji) that {mine} count once and {other} twice; nothing shows which the file used.",
            files.join(", ")
        );
        question.readings = vec![
            format!(
                "As {mine} (what the format says): {}",
                sample_quotes(first.as_read)
            ),
            format!("As {other}: {}", sample_quotes(first.other)),
        ];
        question.answers = vec![
            (format!("Read as {mine}"), answer(UnitChoice::FormatsUnit)),
            (format!("Read as {other}"), answer(UnitChoice::OtherUnit)),
        ];
    }
    question
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
    let depth = ViewSignal::new(0i32);
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
