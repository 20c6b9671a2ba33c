//! The app's state: a handful of signals, provided once as context. The open document and
//! its undo history live together in one `Editor`; everything shown is derived from it.

use crate::domain::annotation::AnnotationId;
use crate::domain::history::Editor;
use crate::domain::list_filter::ListFilter;
use crate::domain::selection::SelectionOptions;
use crate::domain::text::{TextRange, Utf16Offset};
use crate::web::dom_selection::ScreenRect;
use leptos::prelude::*;

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
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub editor: RwSignal<Editor>,
    /// Bumped by every change to the document, so saving can follow it.
    pub changes: RwSignal<u64>,
    pub screen: RwSignal<Screen>,
    pub pending: RwSignal<Option<PendingSelection>>,
    pub selected: RwSignal<Option<AnnotationId>>,
    /// Several annotations under one click: the chooser lists them near the click.
    pub chooser: RwSignal<Option<(Vec<AnnotationId>, ScreenRect)>>,
    pub filter: RwSignal<ListFilter>,
    pub notices: RwSignal<Vec<Notice>>,
    /// Text for the polite live region that screen readers announce.
    pub announcement: RwSignal<String>,
    /// "Loading the import formats…" while a part of the app is fetched for an import or a
    /// merge with another tab (ui::on_demand); apart from the notices, so a notice is always a
    /// result.
    pub loading: RwSignal<Option<String>>,
    pub save_state: RwSignal<SaveState>,
    pub snap_to_words: RwSignal<bool>,
    pub flash: RwSignal<Option<AnnotationId>>,
    pub show_help: RwSignal<bool>,
    /// An import waiting for the person to say where a file made on another version of the
    /// open article goes (written by `ui/actions`).
    pub import_question: RwSignal<Option<WaitingImport>>,
    /// The details panel's part is here (set by `ui/annotate/details.rs` once fetched): link
    /// mode and the links drawn in the gutter come with it and are mounted then.
    pub details_here: RwSignal<bool>,
    /// The annotating tools' part is here (set by `ui/annotate/tools.rs`): the endnotes for
    /// print come with it and are mounted then.
    pub tools_here: RwSignal<bool>,
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
            editor: RwSignal::new(editor),
            changes: RwSignal::new(0),
            screen: RwSignal::new(Screen::Annotate),
            pending: RwSignal::new(None),
            selected: RwSignal::new(None),
            chooser: RwSignal::new(None),
            filter: RwSignal::new(ListFilter::default()),
            notices: RwSignal::new(Vec::new()),
            announcement: RwSignal::new(String::new()),
            loading: RwSignal::new(None),
            save_state: RwSignal::new(SaveState::Saved),
            snap_to_words: RwSignal::new(true),
            flash: RwSignal::new(None),
            show_help: RwSignal::new(false),
            import_question: RwSignal::new(None),
            details_here: RwSignal::new(false),
            tools_here: RwSignal::new(false),
        }
    }
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
