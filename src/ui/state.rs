//! The app's state: a handful of signals, provided once as context. The open document and
//! its undo history live together in one `Editor`; everything shown is derived from it.

use crate::domain::annotation::AnnotationId;
use crate::domain::history::Editor;
use crate::domain::list_filter::ListFilter;
use crate::domain::selection::SelectionOptions;
use crate::domain::text::{TextRange, Utf16Offset};
use crate::ui::page_signal::PageSignal;
use crate::web::dom_selection::ScreenRect;

/// A selection in the article waiting for a tag.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PendingSelection {
    pub range: TextRange,
    pub rect: ScreenRect,
    /// The raw selection it came from, to snap it again when the snapping option changes.
    pub anchor: Utf16Offset,
    pub focus: Utf16Offset,
    /// Not yet snapped, because the snapping's part is not here yet (`ui::snapping`): `range`
    /// is the browser's selection trimmed, to be snapped with these options before anything
    /// commits it.
    pub provisional: Option<SelectionOptions>,
}

/// Which screen fills the main area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Annotate,
    LoadArticle,
    Library,
}

/// A message that stays on screen until dismissed (errors, warnings, results of imports).
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub id: u64,
    pub kind: NoticeKind,
    pub text: String,
    pub details: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Warning,
    Error,
}

/// Whether the open document is safely stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    Saved,
    Pending,
    /// Stored nowhere but in this tab; the text says why.
    NotSaved(String),
    /// Opened from data a newer build wrote: shown, never written back.
    ReadOnly(String),
    /// The document to open waits for the reader of stored entries (a part): the page is empty
    /// and stores nothing until it is here, and the header says it is opening.
    Opening,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub editor: PageSignal<Editor>,
    /// Bumped by every change to the document, so saving can follow it.
    pub changes: PageSignal<u64>,
    pub screen: PageSignal<Screen>,
    pub pending: PageSignal<Option<PendingSelection>>,
    pub selected: PageSignal<Option<AnnotationId>>,
    /// Several annotations under one click: the chooser lists them near the click.
    pub chooser: PageSignal<Option<(Vec<AnnotationId>, ScreenRect)>>,
    pub filter: PageSignal<ListFilter>,
    pub notices: PageSignal<Vec<Notice>>,
    /// Text for the polite live region that screen readers announce.
    pub announcement: PageSignal<String>,
    /// "Loading the import formats…" while a part of the app is fetched for an import or a
    /// merge with another tab (ui::on_demand); apart from the notices, so a notice is always a
    /// result.
    pub loading: PageSignal<Option<String>>,
    pub save_state: PageSignal<SaveState>,
    pub snap_to_words: PageSignal<bool>,
    pub flash: PageSignal<Option<AnnotationId>>,
    pub show_help: PageSignal<bool>,
    /// An import waiting for the person to say where a file made on another version of the
    /// open article goes (written by `ui/actions`).
    pub import_question: PageSignal<Option<WaitingImport>>,
    /// The details panel's part is here (set by `ui/annotate/details.rs` once fetched): link
    /// mode and the links drawn in the gutter come with it and are mounted then.
    pub details_here: PageSignal<bool>,
    /// The annotating tools' part is here (set by `ui/annotate/tools.rs`): the endnotes for
    /// print come with it and are mounted then.
    pub tools_here: PageSignal<bool>,
}

/// A prepared import held until the person answers the version question.
#[derive(Clone)]
pub struct WaitingImport {
    pub preparation: crate::domain::import_pipeline::ImportPreparation,
    pub stored: Vec<crate::domain::import_apply::StoredDocument>,
    pub unread: Vec<String>,
    pub now: String,
}

impl AppState {
    pub fn new(editor: Editor) -> Self {
        AppState {
            editor: PageSignal::new(editor),
            changes: PageSignal::new(0),
            screen: PageSignal::new(Screen::Annotate),
            pending: PageSignal::new(None),
            selected: PageSignal::new(None),
            chooser: PageSignal::new(None),
            filter: PageSignal::new(ListFilter::default()),
            notices: PageSignal::new(Vec::new()),
            announcement: PageSignal::new(String::new()),
            loading: PageSignal::new(None),
            save_state: PageSignal::new(SaveState::Saved),
            snap_to_words: PageSignal::new(true),
            flash: PageSignal::new(None),
            show_help: PageSignal::new(false),
            import_question: PageSignal::new(None),
            details_here: PageSignal::new(false),
            tools_here: PageSignal::new(false),
        }
    }
}

thread_local! {
    /// The page's one `AppState`, kept by `provide_app` when the app starts. A page-wide cell
    /// rather than a Leptos context: there is one per page (its signals are never freed), and a
    /// context's lookup is compiled again for each type, in each module that reads it.
    static APP: std::cell::Cell<Option<AppState>> = const { std::cell::Cell::new(None) };
}

/// Keeps the page's state for `use_app`; called once, by the app as it starts.
pub fn provide_app(state: AppState) {
    APP.with(|app| app.set(Some(state)));
}

pub fn use_app() -> AppState {
    APP.with(std::cell::Cell::get)
        .expect("the app's state is provided as the app starts")
}
