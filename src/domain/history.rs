//! Undo and redo, kept as plain data next to the document rather than in any view.
//!
//! Each step is the [`Change`] one command made plus its description, so undoing replays the
//! change backwards and can say what it undid. A new command clears the redo stack; the
//! undo stack is bounded and forgets its oldest steps. Rapid edits of the same kind on the
//! same annotation (typing a note) merge into one step when they come within a window the
//! caller chooses: the domain has no clock, so each command arrives with a millisecond time.
//!
//! [`Editor`] pairs one document with its history; the UI holds one per open document and
//! changes the document only through it.

use crate::domain::change::{Change, Touched};
use crate::domain::command::{Applied, CoalesceKey, Command, CommandError, apply};
use crate::domain::document::Document;
use crate::domain::merge::{ImportSummary, IncomingBatch, plan_import};
use std::collections::VecDeque;

/// How many steps can be undone by default.
pub const DEFAULT_MAX_DEPTH: usize = 500;

/// Edits of the same kind on the same annotation this close together (in ms) merge by default.
pub const DEFAULT_COALESCE_WINDOW_MS: u64 = 1000;

#[derive(Clone, Debug, PartialEq)]
struct Step {
    change: Change,
    description: String,
}

/// The last recorded step's merge key and time, while it may still absorb the next edit.
#[derive(Clone, Debug, PartialEq)]
struct OpenStep {
    key: CoalesceKey,
    at_ms: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct History {
    undo: VecDeque<Step>,
    redo: Vec<Step>,
    max_depth: usize,
    coalesce_window_ms: u64,
    open: Option<OpenStep>,
}

impl Default for History {
    fn default() -> Self {
        History::with_limits(DEFAULT_MAX_DEPTH, DEFAULT_COALESCE_WINDOW_MS)
    }
}

impl History {
    pub fn new() -> Self {
        History::default()
    }

    /// A history keeping at most `max_depth` undo steps and merging quick edits that come
    /// within `coalesce_window_ms` of the previous one (0 merges only edits at the same ms).
    pub fn with_limits(max_depth: usize, coalesce_window_ms: u64) -> Self {
        History {
            undo: VecDeque::new(),
            redo: Vec::new(),
            max_depth,
            coalesce_window_ms,
            open: None,
        }
    }

    /// Records a command just applied at `now_ms`. Empty changes are not recorded.
    pub fn record(&mut self, applied: Applied, now_ms: u64) {
        let Applied {
            change,
            description,
            coalesce,
        } = applied;
        if change.is_empty() {
            return;
        }
        self.redo.clear();
        if let Some(key) = &coalesce
            && self.may_merge(key, now_ms)
            && let Some(top) = self.undo.back_mut()
            && top.change.absorb(&change)
        {
            top.description = description;
            self.open = Some(OpenStep {
                key: key.clone(),
                at_ms: now_ms,
            });
            return;
        }
        self.undo.push_back(Step {
            change,
            description,
        });
        while self.undo.len() > self.max_depth {
            self.undo.pop_front();
        }
        self.open = coalesce.map(|key| OpenStep { key, at_ms: now_ms });
    }

    fn may_merge(&self, key: &CoalesceKey, now_ms: u64) -> bool {
        match &self.open {
            Some(open) => {
                &open.key == key
                    && now_ms >= open.at_ms
                    && now_ms - open.at_ms <= self.coalesce_window_ms
            }
            None => false,
        }
    }

    /// Undoes the latest step on `document`; returns "Undone: …" to announce.
    pub fn undo(&mut self, document: &mut Document) -> Option<String> {
        self.undo_touching(document)
            .map(|(announcement, _)| announcement)
    }

    /// Like [`History::undo`], also saying what the step touched.
    fn undo_touching(&mut self, document: &mut Document) -> Option<(String, Touched)> {
        let step = self.undo.pop_back()?;
        step.change.revert(document);
        let announcement = format!("Undone: {}", step.description);
        let touched = step.change.touched();
        self.redo.push(step);
        self.open = None;
        Some((announcement, touched))
    }

    /// Redoes the latest undone step on `document`; returns "Redone: …" to announce.
    pub fn redo(&mut self, document: &mut Document) -> Option<String> {
        self.redo_touching(document)
            .map(|(announcement, _)| announcement)
    }

    /// Like [`History::redo`], also saying what the step touched.
    fn redo_touching(&mut self, document: &mut Document) -> Option<(String, Touched)> {
        let step = self.redo.pop()?;
        step.change.reapply(document);
        let announcement = format!("Redone: {}", step.description);
        let touched = step.change.touched();
        self.undo.push_back(step);
        self.open = None;
        Some((announcement, touched))
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    pub fn redo_len(&self) -> usize {
        self.redo.len()
    }

    /// What undo would undo, for a button's label: "Note edited".
    pub fn next_undo(&self) -> Option<&str> {
        self.undo.back().map(|step| step.description.as_str())
    }

    /// What redo would redo.
    pub fn next_redo(&self) -> Option<&str> {
        self.redo.last().map(|step| step.description.as_str())
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.open = None;
    }
}

/// How many edits the [`EditLog`] remembers; a save that comes later than that many edits
/// after the previous one compares everything.
pub const EDIT_LOG_LENGTH: usize = 1024;

/// What each edit of an [`Editor`] touched, numbered from the editor's start, so saving can
/// write only what changed since the edit number it last wrote: it never needs a copy of the
/// document as saved to find out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EditLog {
    /// The number of the oldest edit still in `edits`.
    first: u64,
    edits: VecDeque<Touched>,
}

impl EditLog {
    fn push(&mut self, touched: Touched) {
        self.edits.push_back(touched);
        while self.edits.len() > EDIT_LOG_LENGTH {
            self.edits.pop_front();
            self.first += 1;
        }
    }

    /// The number the next edit gets (edits so far).
    pub fn sequence(&self) -> u64 {
        self.first + self.edits.len() as u64
    }

    /// What the edits from number `since` on touched; everything when the log no longer
    /// holds them all (or `since` is not one of this log's numbers).
    pub fn touched_since(&self, since: u64) -> Touched {
        if since < self.first || since > self.sequence() {
            return Touched::everything();
        }
        let skip = usize::try_from(since - self.first).unwrap_or(usize::MAX);
        let mut touched = Touched::default();
        for edit in self.edits.iter().skip(skip) {
            touched.extend(edit);
            if touched.everything {
                break;
            }
        }
        touched
    }
}

/// One open document and its undo history: the only way the UI changes a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Editor {
    document: Document,
    history: History,
    log: EditLog,
}

impl Editor {
    pub fn new(document: Document) -> Self {
        Editor::with_history(document, History::default())
    }

    pub fn with_history(document: Document, history: History) -> Self {
        Editor {
            document,
            history,
            log: EditLog::default(),
        }
    }

    /// What each edit touched (for saving only what changed).
    pub fn log(&self) -> &EditLog {
        &self.log
    }

    pub fn document(&self) -> &Document {
        &self.document
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn into_document(self) -> Document {
        self.document
    }

    /// Applies `command` at `now_ms` (for merging quick edits) and `now_iso` (stored as the
    /// annotations' `modified`); returns the description to announce.
    pub fn execute(
        &mut self,
        command: Command,
        now_ms: u64,
        now_iso: &str,
    ) -> Result<String, CommandError> {
        let applied = apply(&mut self.document, command, now_iso)?;
        let description = applied.description.clone();
        self.log.push(applied.change.touched());
        self.history.record(applied, now_ms);
        Ok(description)
    }

    /// Plans and applies an import as one undo step; returns what it did.
    pub fn import(
        &mut self,
        incoming: IncomingBatch,
        next_id: &mut dyn FnMut() -> String,
        now_ms: u64,
        now_iso: &str,
    ) -> Result<ImportSummary, CommandError> {
        let plan = plan_import(&self.document, incoming, next_id);
        let summary = plan.summary().clone();
        self.execute(Command::Import(plan), now_ms, now_iso)?;
        Ok(summary)
    }

    /// Changes the document outside the undo history (what other people did, arriving from
    /// a shared library): `change` returns whether it moved annotations to other positions,
    /// in which case the history, recorded by position, is cleared rather than left wrong.
    /// `touched` says what it changes, so the next save writes only those parts (with
    /// `Touched::everything()` it compares them all).
    pub fn change_outside_history(
        &mut self,
        touched: Touched,
        change: impl FnOnce(&mut Document) -> bool,
    ) {
        self.log.push(touched);
        if change(&mut self.document) {
            self.history.clear();
        }
    }

    pub fn undo(&mut self) -> Option<String> {
        let (announcement, touched) = self.history.undo_touching(&mut self.document)?;
        self.log.push(touched);
        Some(announcement)
    }

    pub fn redo(&mut self) -> Option<String> {
        let (announcement, touched) = self.history.redo_touching(&mut self.document)?;
        self.log.push(touched);
        Some(announcement)
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }
}
