//! The one place that changes the open document and what is proposed or selected in it.
//! Components call these; each runs a domain command through the open document's `Editor`,
//! then tells the user what happened (the live region for screen readers, a notice for
//! anything that went wrong). Which view-only signals components may set themselves is listed
//! in ARCHITECTURE.md; `tests/architecture.rs` checks that nothing else writes these.

use crate::domain::annotation::AnnotationId;
use crate::domain::command::Command;
use crate::domain::document::Document;
use crate::domain::history::Editor;
use crate::domain::import_apply::{AppliedImport, StoredDocument};
use crate::domain::import_pipeline::ImportPreparation;
use crate::domain::selection::{SelectionError, SelectionOptions, trimmed_selection};
use crate::domain::sync::incoming::{RemoteEdit, apply_edits, touched};
use crate::domain::tag::TagId;
use crate::ui::notices::{announce, notify};
use crate::ui::snapping::{self, Snap};
use crate::ui::state::{AppState, NoticeKind, PendingSelection, Screen, WaitingImport};
use crate::web::clock;
use crate::web::dom_selection::{self, RawSelection, ScreenRect};
use leptos::prelude::*;

pub use crate::domain::describe::capitalise;

fn changed(state: AppState) {
    state.changes.update(|n| *n += 1);
}

/// Tells saving that the open document changed outside `execute` (an import applied through
/// the `Editor` directly, as one undo step per item).
pub fn document_changed(state: AppState) {
    forget_missing_selection(state);
    changed(state);
}

/// Runs one command; returns whether it was applied.
pub fn execute(state: AppState, command: Command) -> bool {
    let result = state
        .editor
        .update(|editor| editor.execute(command, clock::now_ms(), &clock::now_iso()));
    match result {
        Ok(description) => {
            announce(state, description);
            changed(state);
            true
        }
        Err(error) => {
            notify(
                state,
                NoticeKind::Error,
                capitalise(&error.to_string()),
                Vec::new(),
            );
            false
        }
    }
}

pub fn undo(state: AppState) {
    let done = state.editor.update(|editor| editor.undo());
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
    let done = state.editor.update(|editor| editor.redo());
    match done {
        Some(description) => {
            forget_missing_selection(state);
            announce(state, description);
            changed(state);
        }
        None => announce(state, "Nothing to redo"),
    }
}

/// Runs `commit` with the proposal once it is snapped (at once unless it is provisional,
/// `ui::snapping`): what tags or moves to a selection uses the range it would have had with
/// the snapping's part already here. `done` names the commit in a failed fetch's notice
/// ("Nothing tagged: …"). Without a proposal, `missing` is announced.
pub fn with_proposal(
    state: AppState,
    done: &'static str,
    missing: &'static str,
    commit: impl FnOnce(PendingSelection) + 'static,
) {
    let Some(pending) = state.pending.get_untracked() else {
        announce(state, missing);
        return;
    };
    if pending.provisional.is_none() {
        commit(pending);
        return;
    }
    let asked = (pending.anchor, pending.focus);
    snapping::when_here(
        state,
        done,
        Box::new(move |snap| {
            snap_provisional(state, snap);
            // The same selection, snapped: not one the person made meanwhile, nor none (dropped,
            // or already committed by an earlier wait).
            if let Some(pending) = state.pending.get_untracked()
                && pending.provisional.is_none()
                && (pending.anchor, pending.focus) == asked
            {
                commit(pending);
            }
        }),
    );
}

/// The snapping's part arrived: a provisional proposal is snapped in place (or dropped, as
/// [`propose`] would, if snapping finds nothing to annotate).
fn snap_provisional(state: AppState, snap: Snap) {
    let Some(pending) = state.pending.get_untracked() else {
        return;
    };
    let Some(options) = pending.provisional else {
        return;
    };
    let range = state
        .editor
        .with_untracked(|e| snap(&e.document().text, pending.anchor, pending.focus, options));
    state.pending.set(range.ok().map(|range| PendingSelection {
        range,
        provisional: None,
        ..pending
    }));
}

/// A person starts selecting in the article (a pointer pressed there, or the article
/// focused): the snapping's part is fetched now, so that the selection is snapped as soon as
/// it is made.
pub fn selecting(state: AppState) {
    snapping::prefetch(state, snap_provisional);
}

/// Tags the pending selection (from the toolbar or a number key).
pub fn tag_selection(state: AppState, tag: TagId) {
    with_proposal(
        state,
        "tagged",
        "Select some text in the article first",
        move |pending| tag_snapped(state, tag, pending),
    );
}

fn tag_snapped(state: AppState, tag: TagId, pending: PendingSelection) {
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

/// Proposes the browser's selection `raw` to the tag toolbar, snapped to words unless `exact`
/// (Alt held) or the person turned snapping off; a selection that gives no range to annotate
/// drops the proposal. The mouse, touch and the keyboard's reading cursor all come here.
pub fn propose_selection(state: AppState, raw: RawSelection, exact: bool) {
    // A drag over nothing but spaces shows no toolbar; a screen reader hears why. A collapsed
    // selection is a click, and an offset past the text a selection outside it: nothing to say.
    if let Err(SelectionError::OnlyWhitespace) = propose(state, raw, exact) {
        announce(
            state,
            crate::ui::notices::capitalise(&SelectionError::OnlyWhitespace.to_string()),
        );
    }
}

/// Like [`propose_selection`], for the keyboard's reading cursor: a selection of only spaces
/// or line breaks says why it cannot be tagged (once while it stays on screen).
pub fn propose_keyboard_selection(state: AppState, raw: RawSelection, exact: bool) {
    if let Err(SelectionError::OnlyWhitespace) = propose(state, raw, exact) {
        let why = crate::ui::notices::capitalise(&SelectionError::OnlyWhitespace.to_string());
        announce(state, why.clone());
        let shown = state
            .notices
            .with_untracked(|n| n.last().is_some_and(|n| n.text == why));
        if !shown {
            notify(state, NoticeKind::Info, why, Vec::new());
        }
    }
}

fn propose(state: AppState, raw: RawSelection, exact: bool) -> Result<(), SelectionError> {
    let options = if exact || !state.snap_to_words.get_untracked() {
        SelectionOptions::exact()
    } else {
        SelectionOptions::default()
    };
    // Without the snapping's part, the trimmed selection is shown (provisional) while it is
    // fetched; it fails exactly when the snapped one would.
    let snap = snapping::here();
    let range = state.editor.with_untracked(|e| {
        let text = &e.document().text;
        match snap {
            Some(snap) => snap(text, raw.anchor, raw.focus, options),
            None => trimmed_selection(text, raw.anchor, raw.focus),
        }
    });
    match range {
        Ok(range) => {
            state.pending.set(Some(PendingSelection {
                range,
                rect: raw.rect,
                anchor: raw.anchor,
                focus: raw.focus,
                provisional: snap.is_none().then_some(options),
            }));
            if snap.is_none() {
                snapping::prefetch(state, snap_provisional);
            }
            Ok(())
        }
        Err(error) => {
            state.pending.set(None);
            Err(error)
        }
    }
}

/// Drops the proposed selection (the browser's own selection is left as it is).
pub fn drop_proposal(state: AppState) {
    if state.pending.with_untracked(Option::is_some) {
        state.pending.set(None);
    }
}

/// Several annotations lie under one click: offers them in the chooser at `rect`.
pub fn offer_choice(state: AppState, ids: Vec<AnnotationId>, rect: ScreenRect) {
    state.chooser.set(Some((ids, rect)));
}

/// Closes the chooser without choosing.
pub fn close_chooser(state: AppState) {
    state.chooser.set(None);
}

/// Turns snapping to whole words on or off, and snaps a waiting proposal again.
pub fn set_snap_to_words(state: AppState, on: bool) {
    state.snap_to_words.set(on);
    if let Some(pending) = state.pending.get_untracked() {
        let raw = RawSelection {
            anchor: pending.anchor,
            focus: pending.focus,
            rect: pending.rect,
        };
        propose_selection(state, raw, false);
    }
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
    let utf16_start = state.editor.with_untracked(|e| {
        let document = e.document();
        let start = document.annotation(&id)?.start();
        document.text.index().to_utf16(start).ok().map(|o| o.0)
    });
    crate::web::dom_focus::scroll_to_annotation(id.as_str(), utf16_start);
    set_timeout(
        move || {
            if state.flash.get_untracked() == Some(id) {
                state.flash.set(None);
            }
        },
        std::time::Duration::from_millis(1200),
    );
}

/// Applies what arrived from a shared library (decided by `domain::sync`): outside the undo
/// history (see `Editor::change_outside_history`), then saved like any change; each notice is
/// shown as text.
pub fn apply_remote(state: AppState, edits: &[RemoteEdit], notices: Vec<String>) {
    if !edits.is_empty() {
        state.editor.update(|editor| {
            editor.change_outside_history(touched(edits), |d| apply_edits(d, edits))
        });
        forget_missing_selection(state);
        changed(state);
        let n = edits.len();
        announce(
            state,
            if n == 1 {
                "1 shared change arrived".to_string()
            } else {
                format!("{n} shared changes arrived")
            },
        );
    }
    for notice in notices {
        notify(state, NoticeKind::Warning, notice, Vec::new());
    }
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

/// Applies a prepared import (see `domain::import_apply`): its items for the open document
/// go into it, each as one undo step; the other documents it touched come back, for the
/// caller to store. `None` only when the app is being torn down (the document is gone).
pub fn apply_import(
    state: AppState,
    preparation: &ImportPreparation,
    stored: &[StoredDocument],
    now: &str,
) -> Option<AppliedImport> {
    let now_ms = clock::now_ms();
    // Untracked, then notified only if the open document changed: an import into other
    // documents must not re-render this one.
    let applied = state.editor.update_untracked(|open| {
        crate::domain::import_apply::apply_import(
            preparation,
            open,
            stored,
            &mut |prefix| clock::new_id(prefix),
            now_ms,
            now,
        )
    });
    if applied.open_changed {
        state.editor.notify();
        document_changed(state);
    }
    Some(applied)
}

/// Holds a prepared import until the person says where its other-version files go.
pub fn ask_import_version(state: AppState, waiting: WaitingImport) {
    state.import_question.set(Some(waiting));
}

/// The import waiting for an answer, taken (the question closes).
pub fn take_import_question(state: AppState) -> Option<WaitingImport> {
    let mut taken = None;
    state.import_question.update(|q| taken = q.take());
    taken
}

/// Replaces the open document and its undo history. Saving is told separately (it opens the
/// document at its stored revision first: `persistence::open_document`).
pub fn replace_document(state: AppState, document: Document, why: Replacement) {
    match why {
        Replacement::StartUp => state.editor.set(Editor::new(document)),
        Replacement::Opened => {
            crate::ui::notices::clear_for_another_document(state);
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
