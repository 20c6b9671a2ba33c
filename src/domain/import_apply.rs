//! Carrying out a prepared import (`import_pipeline`) against the open document and the
//! library, and the one notice that reports it.
//!
//! Why here and not in the UI: which document each item goes into, that every document is
//! changed in memory first and written once, with all of its items in, at the next revision,
//! and how the outcome reads, are rules; they are tested natively here. The UI only runs
//! [`apply_import`] against the open document (through its action layer, so the import is one
//! undo step there), writes each [`DocumentWrite`] to storage, opens
//! [`AppliedImport::first_new`], and shows [`import_report`].

use crate::domain::describe::capitalise;
use crate::domain::document::{Document, DocumentId};
use crate::domain::history::Editor;
use crate::domain::import::{Problem, Severity};
use crate::domain::import_pipeline::{
    ImportPreparation, ImportTarget, describe_outcome, has_errors,
};
use crate::domain::merge::ImportSummary;
use crate::domain::validate::CommandError;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

/// A document of the library the import may go into, at the revision it was read.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredDocument {
    pub document: Document,
    pub revision: u64,
}

/// A document other than the open one that the import changed or created, to be stored.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentWrite {
    pub document: Document,
    /// The revision to store it at: one past the one it was read at, 1 for a new document.
    pub revision: u64,
    /// Whether this import created it.
    pub created: bool,
}

/// What applying a preparation did.
#[derive(Clone, Debug, PartialEq)]
pub struct AppliedImport {
    /// `outcomes[i]` is what applying `preparation.items[i]` did.
    pub outcomes: Vec<Result<ImportSummary, CommandError>>,
    /// Whether the open document changed (then it has one more undo step).
    pub open_changed: bool,
    /// Every other document touched, once, in id order.
    pub writes: Vec<DocumentWrite>,
    /// The first document the import created, in the order the files gave them: the one to
    /// open afterwards.
    pub first_new: Option<DocumentId>,
}

/// How the import's notice should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportKind {
    Info,
    Warning,
    Error,
}

/// The one notice an import ends with: a summary line and every detail under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    pub kind: ReportKind,
    pub text: String,
    pub details: Vec<String>,
}

/// Names each item that goes into a stored document by that document's title (the pipeline
/// knows stored documents only by id and text hash).
pub fn name_stored_targets(preparation: &mut ImportPreparation, stored: &[StoredDocument]) {
    for item in &mut preparation.items {
        if let ImportTarget::Existing(id) = &item.target
            && let Some(found) = stored.iter().find(|s| &s.document.id == id)
            && !found.document.metadata.title.trim().is_empty()
        {
            item.target_title = found.document.metadata.title.trim().to_string();
        }
    }
}

/// A document being imported into that is not the open one.
struct Pending {
    editor: Editor,
    /// The stored revision it was read at; `None` for a document this import creates.
    revision: Option<u64>,
}

/// Applies every item of `preparation` in order: into `open` when it targets the open
/// document (each as one undo step), else into an in-memory copy of the stored document, or
/// of the new document an item creates. A failed item changes nothing and the others still
/// apply. `next_id(prefix)` gives fresh ids; `now_ms` and `now` time the changes.
pub fn apply_import(
    preparation: &ImportPreparation,
    open: &mut Editor,
    stored: &[StoredDocument],
    next_id: &mut dyn FnMut(&str) -> String,
    now_ms: u64,
    now: &str,
) -> AppliedImport {
    let open_id = open.document().id.clone();
    let mut outcomes = Vec::with_capacity(preparation.items.len());
    let mut others: BTreeMap<DocumentId, Pending> = BTreeMap::new();
    let mut created_order: Vec<DocumentId> = Vec::new();
    let mut open_changed = false;
    for item in &preparation.items {
        let incoming = item.incoming.clone();
        let mut next = || next_id("a");
        let result = match &item.target {
            ImportTarget::Existing(id) if *id == open_id => {
                let result = open.import(incoming, &mut next, now_ms, now);
                open_changed |= result.is_ok();
                result
            }
            ImportTarget::Existing(id) => {
                if let Entry::Vacant(slot) = others.entry(id.clone())
                    && let Some(found) = stored.iter().find(|s| &s.document.id == id)
                {
                    slot.insert(Pending {
                        editor: Editor::new(found.document.clone()),
                        revision: Some(found.revision),
                    });
                }
                match others.get_mut(id) {
                    Some(pending) => pending.editor.import(incoming, &mut next, now_ms, now),
                    None => Err(CommandError::StaleImport(
                        "that document is no longer stored".into(),
                    )),
                }
            }
            ImportTarget::New(document) => {
                let id = document.id.clone();
                created_order.push(id.clone());
                let pending = others.entry(id).or_insert_with(|| Pending {
                    editor: Editor::new(document.clone()),
                    revision: None,
                });
                pending.editor.import(incoming, &mut next, now_ms, now)
            }
        };
        outcomes.push(result);
    }
    let writes = others
        .into_iter()
        .map(|(id, pending)| DocumentWrite {
            revision: pending.revision.map_or(1, |r| r + 1),
            created: created_order.contains(&id),
            document: pending.editor.into_document(),
        })
        .collect();
    AppliedImport {
        outcomes,
        open_changed,
        writes,
        first_new: created_order.into_iter().next(),
    }
}

/// One line per problem: "Error: notes.json $[2]: …".
pub fn problem_line(problem: &Problem) -> String {
    let severity = match problem.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    };
    if problem.location.is_empty() {
        format!("{severity}: {}", problem.message)
    } else {
        format!("{severity}: {}: {}", problem.location, problem.message)
    }
}

/// The notice for an applied import. `unread` are the files that could not be read at all,
/// `not_saved` a sentence for each document write that failed.
pub fn import_report(
    preparation: &ImportPreparation,
    applied: &AppliedImport,
    unread: Vec<String>,
    not_saved: &[String],
) -> ImportReport {
    let mut details = unread;
    for (item, outcome) in preparation.items.iter().zip(&applied.outcomes) {
        match outcome {
            Ok(summary) => details.push(format!(
                "{} ({}) → “{}”: {}",
                item.source,
                item.format,
                item.target_title,
                describe_outcome(item, summary)
            )),
            Err(error) => details.push(format!(
                "{}: not imported: {}",
                item.source,
                capitalise(&error.to_string())
            )),
        }
        if let Some(note) = &item.unit_note {
            details.push(format!("{}: {note}", item.source));
        }
    }
    details.extend(preparation.all_problems().into_iter().map(problem_line));
    // A document that could not be stored comes first: it is what the person must act on.
    for line in not_saved {
        details.insert(0, line.clone());
    }

    let summaries: Vec<Option<ImportSummary>> = applied
        .outcomes
        .iter()
        .map(|outcome| outcome.as_ref().ok().cloned())
        .collect();
    let applied_count = summaries.iter().flatten().count();
    let text = if applied_count == 0 {
        let first = preparation
            .all_problems()
            .first()
            .map(|p| p.message.clone())
            .or_else(|| details.first().cloned())
            .unwrap_or_else(|| "no annotations were found".into());
        format!("Nothing imported: {first}")
    } else {
        let mut line = preparation.summary_line(&summaries);
        let merged: usize = summaries.iter().flatten().map(|s| s.already_present).sum();
        if merged > 0 {
            line.push_str(&format!(" ({merged} already present)"));
        }
        line
    };
    let orphaned: usize = summaries.iter().flatten().map(|s| s.orphaned).sum();
    let kind = if applied_count == 0 {
        ReportKind::Error
    } else if !not_saved.is_empty() || has_errors(preparation) || orphaned > 0 {
        ReportKind::Warning
    } else {
        ReportKind::Info
    };
    ImportReport {
        kind,
        text,
        details,
    }
}
