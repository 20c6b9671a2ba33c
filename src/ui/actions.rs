//! The one place that changes the app's state. Components call these; each runs a domain
//! command through the open document's `Editor`, then tells the user what happened (the live
//! region for screen readers, a notice for anything that went wrong).

use crate::domain::annotation::AnnotationId;
use crate::domain::command::Command;
use crate::domain::document::Document;
use crate::domain::history::Editor;
use crate::domain::tag::TagId;
use crate::ui::notices::{announce, capitalise, notify};
use crate::ui::state::{AppState, NoticeKind, Screen};
use crate::web::{clock, dom_selection};
use leptos::prelude::*;

fn changed(state: AppState) {
    state.changes.update(|n| *n += 1);
}

/// Tells saving that the open document changed outside `execute` (an import applied through
/// the `Editor` directly, as one undo step).
pub fn document_changed(state: AppState) {
    forget_missing_selection(state);
    changed(state);
}

/// Runs one command; returns whether it was applied.
pub fn execute(state: AppState, command: Command) -> bool {
    let result = state
        .editor
        .try_update(|editor| editor.execute(command, clock::now_ms(), &clock::now_iso()));
    match result {
        Some(Ok(description)) => {
            announce(state, description);
            changed(state);
            true
        }
        Some(Err(error)) => {
            notify(
                state,
                NoticeKind::Error,
                capitalise(&error.to_string()),
                Vec::new(),
            );
            false
        }
        None => false,
    }
}

pub fn undo(state: AppState) {
    let done = state.editor.try_update(|editor| editor.undo()).flatten();
    match done {
        Some(description) => {
            forget_missing_selection(state);
            announce(state, description);
            changed(state);
        }
        None => announce(state, "Nothing to undo"),
    }
}

pub fn redo(state: AppState) {
    let done = state.editor.try_update(|editor| editor.redo()).flatten();
    match done {
        Some(description) => {
            forget_missing_selection(state);
            announce(state, description);
            changed(state);
        }
        None => announce(state, "Nothing to redo"),
    }
}

/// Tags the pending selection (from the toolbar or a number key).
pub fn tag_selection(state: AppState, tag: TagId) {
    let Some(pending) = state.pending.get_untracked() else {
        announce(state, "Select some text in the article first");
        return;
    };
    let id = AnnotationId(clock::new_id("a"));
    let applied = execute(
        state,
        Command::CreateAnnotation {
            id: id.clone(),
            tag,
            range: pending.range,
        },
    );
    if applied {
        state.pending.set(None);
        dom_selection::clear_selection();
        state.selected.set(Some(id));
    }
}

pub fn dismiss_selection(state: AppState) {
    state.pending.set(None);
    state.chooser.set(None);
    dom_selection::clear_selection();
}

pub fn delete_annotation(state: AppState, id: AnnotationId) {
    if execute(state, Command::DeleteAnnotation { id: id.clone() })
        && state.selected.get_untracked() == Some(id)
    {
        state.selected.set(None);
    }
}

pub fn select_annotation(state: AppState, id: Option<AnnotationId>) {
    state.chooser.set(None);
    state.selected.set(id);
}

/// Selects an annotation and brings it into view in the article, briefly flashing it.
pub fn reveal_annotation(state: AppState, id: AnnotationId) {
    select_annotation(state, Some(id.clone()));
    state.flash.set(Some(id.clone()));
    crate::web::dom_focus::scroll_to_annotation(id.as_str());
    set_timeout(
        move || {
            if state.flash.get_untracked() == Some(id) {
                state.flash.set(None);
            }
        },
        std::time::Duration::from_millis(1200),
    );
}

/// Why the open document is replaced as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replacement {
    /// The document to start with, before anything is shown.
    StartUp,
    /// The person opened a document: selection, chooser and filters start fresh and the
    /// annotating screen shows it.
    Opened,
    /// Another tab saved a newer revision of the open document (merged with this tab's
    /// unsaved changes when there were any).
    FromOtherTab,
}

/// Replaces the open document and its undo history. Saving is told separately (it opens the
/// document at its stored revision first: `persistence::open_document`).
pub fn replace_document(state: AppState, document: Document, why: Replacement) {
    match why {
        Replacement::StartUp => state.editor.set(Editor::new(document)),
        Replacement::Opened => {
            state.pending.set(None);
            state.chooser.set(None);
            state.selected.set(None);
            state.filter.set(Default::default());
            let title = document.metadata.title.clone();
            state.editor.set(Editor::new(document));
            state.screen.set(Screen::Annotate);
            announce(state, format!("Opened “{title}”"));
        }
        Replacement::FromOtherTab => {
            state.editor.set(Editor::new(document));
            forget_missing_selection(state);
        }
    }
}

fn forget_missing_selection(state: AppState) {
    if let Some(id) = state.selected.get_untracked() {
        let exists = state
            .editor
            .with_untracked(|e| e.document().annotation(&id).is_some());
        if !exists {
            state.selected.set(None);
        }
    }
}
