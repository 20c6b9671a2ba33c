//! How documents from the server change the open document. An annotation nobody changed
//! here since the server last had it simply takes the server's version. One changed here too
//! is a conflict, and a conflict loses nothing: the local version stays (and is pushed over
//! the server's), the server's is kept beside it as its own annotation marked `conflict_of`,
//! and a notice says so. A document the checks refuse is skipped with a notice.

use super::docs::{CONFLICT_ATTRIBUTE, CREATOR_ATTRIBUTE, ServerDoc};
use super::ledger::{Known, Ledger};
use crate::domain::annotation::{Annotation, AnnotationId};
use crate::domain::document::Document;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// One change to the open document that came from the server.
#[derive(Clone, Debug, PartialEq)]
pub enum RemoteEdit {
    /// Insert the annotation, or replace the one with its id where it stands.
    Upsert(Box<Annotation>),
    Remove(AnnotationId),
}

/// Something the person should know about what arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncNotice {
    /// A server document was refused; the text says which and why.
    Skipped(String),
    /// Two versions of one annotation are both kept.
    ConflictKept { annotation: String, by: String },
    /// Someone deleted an annotation changed here; the local one is kept.
    DeletedButKept { annotation: String },
    /// Someone changed an annotation deleted here; theirs is back.
    EditedButDeleted { annotation: String, by: String },
}

impl std::fmt::Display for SyncNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncNotice::Skipped(why) => write!(f, "A shared change was skipped: {why}."),
            SyncNotice::ConflictKept { annotation, by } => write!(
                f,
                "Annotation “{annotation}” (made by {by}) was changed elsewhere while you changed it: both versions are kept, the other one marked “{CONFLICT_ATTRIBUTE}”; delete the one you do not want."
            ),
            SyncNotice::DeletedButKept { annotation } => write!(
                f,
                "Someone deleted annotation “{annotation}” that you changed: your version is kept and shared again."
            ),
            SyncNotice::EditedButDeleted { annotation, by } => write!(
                f,
                "{by} changed annotation “{annotation}” that you deleted: their version is back."
            ),
        }
    }
}

/// What a batch of server documents does to the open document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Incoming {
    pub edits: Vec<RemoteEdit>,
    pub notices: Vec<SyncNotice>,
}

/// Reads `docs` (as the server sent them) against the open `document` and `ledger`, updates
/// the ledger, and returns the edits for the document and the notices; `me` names this
/// person for annotations that name nobody yet.
pub fn receive(ledger: &mut Ledger, document: &Document, docs: &[Value], me: &str) -> Incoming {
    let mut incoming = Incoming::default();
    let prefix = super::docs::annotation_prefix(&ledger.document_id());
    let local = Local::of(document);
    for value in docs {
        match ServerDoc::parse(value) {
            Ok(ServerDoc::Annotation { rev, body }) => {
                if body.document != ledger.document {
                    continue;
                }
                match body.to_annotation(document) {
                    Ok(annotation) => {
                        receive_annotation(ledger, &local, annotation, rev, body, me, &mut incoming)
                    }
                    Err(error) => incoming.notices.push(SyncNotice::Skipped(format!(
                        "annotation “{}”: {error}",
                        body.id
                    ))),
                }
            }
            Ok(ServerDoc::Deleted { id, rev }) => {
                if let Some(annotation) = id.strip_prefix(&prefix) {
                    receive_deletion(ledger, &local, annotation, &rev, me, &mut incoming);
                }
            }
            Ok(ServerDoc::Article { .. } | ServerDoc::Other { .. }) => {}
            Err(error) => {
                let id = value
                    .get("_id")
                    .and_then(Value::as_str)
                    .unwrap_or("(no id)");
                // Another document's annotations are not ours to judge.
                if id.starts_with(&prefix) || !id.starts_with("ann:") {
                    let shown: String = id.chars().take(80).collect();
                    incoming
                        .notices
                        .push(SyncNotice::Skipped(format!("“{shown}”: {error}")));
                }
            }
        }
    }
    incoming
}

/// The open document's annotations by id, built once per batch (a lookup per arriving
/// document through the list would be quadratic on long feeds).
struct Local<'a>(BTreeMap<&'a str, &'a Annotation>);

impl<'a> Local<'a> {
    fn of(document: &'a Document) -> Self {
        Local(
            document
                .annotations
                .iter()
                .map(|a| (a.id.as_str(), a))
                .collect(),
        )
    }

    fn annotation(&self, id: &AnnotationId) -> Option<&'a Annotation> {
        self.0.get(id.as_str()).copied()
    }
}

/// Whether the local annotation `id` differs from what the server last had.
fn changed_here(ledger: &Ledger, document: &Local, id: &AnnotationId, me: &str) -> bool {
    let local = document.annotation(id);
    match (ledger.known.get(id.as_str()), local) {
        (Some(known), Some(local)) => ledger.local_body(local, me).digest() != known.digest,
        (Some(_), None) | (None, Some(_)) => true,
        (None, None) => false,
    }
}

fn receive_annotation(
    ledger: &mut Ledger,
    document: &Local,
    annotation: Annotation,
    rev: String,
    body: super::docs::AnnotationBody,
    me: &str,
    incoming: &mut Incoming,
) {
    let id = annotation.id.clone();
    if ledger.known.get(id.as_str()).is_some_and(|k| k.rev == rev) {
        return; // our own push coming back, or already seen
    }
    let local = document.annotation(&id);
    let dirty = changed_here(ledger, document, &id, me);
    let converged = local.is_some_and(|l| ledger.local_body(l, me) == body);
    let by = if body.creator.is_empty() {
        "Someone".to_string()
    } else {
        body.creator.clone()
    };
    let known = Known::of(&rev, &body);
    if !dirty || converged {
        if !converged {
            incoming
                .edits
                .push(RemoteEdit::Upsert(Box::new(annotation)));
        }
        ledger.known.insert(id.0.clone(), known);
        return;
    }
    ledger.known.insert(id.0.clone(), known);
    if local.is_none() {
        incoming.notices.push(SyncNotice::EditedButDeleted {
            annotation: annotation.quote.clone(),
            by,
        });
        incoming
            .edits
            .push(RemoteEdit::Upsert(Box::new(annotation)));
        return;
    }
    // Both changed: ours stays (and goes to the server on the next push, over theirs);
    // theirs is kept beside it as a new annotation.
    let short: String = rev.chars().take(10).collect();
    let mut copy = annotation;
    copy.id = AnnotationId(format!("{}~{}", id.0, short.replace('-', "")));
    copy.attributes
        .insert(CONFLICT_ATTRIBUTE.to_string(), id.0.clone());
    if copy.creator.is_empty() {
        copy.creator = by.clone();
    }
    incoming.notices.push(SyncNotice::ConflictKept {
        annotation: copy.quote.clone(),
        by,
    });
    if document.annotation(&copy.id).is_none() {
        incoming.edits.push(RemoteEdit::Upsert(Box::new(copy)));
    }
}

fn receive_deletion(
    ledger: &mut Ledger,
    document: &Local,
    annotation: &str,
    rev: &str,
    me: &str,
    incoming: &mut Incoming,
) {
    let id = AnnotationId(annotation.to_string());
    let Some(known) = ledger.known.get(annotation) else {
        return; // never had it (or deleted it ourselves and already pushed)
    };
    if known.rev == rev {
        return;
    }
    let dirty = changed_here(ledger, document, &id, me);
    let local = document.annotation(&id);
    ledger.known.remove(annotation);
    match (dirty, local) {
        (false, Some(_)) => incoming.edits.push(RemoteEdit::Remove(id)),
        (true, Some(local)) => incoming.notices.push(SyncNotice::DeletedButKept {
            annotation: local.quote.clone(),
        }),
        (_, None) => {}
    }
}

/// Applies `edits` to `document`; returns whether any annotation was removed (which moves
/// the others, so an undo history recorded by position no longer fits).
pub fn apply_edits(document: &mut Document, edits: &[RemoteEdit]) -> bool {
    let mut removed = false;
    let mut position: HashMap<String, usize> = document
        .annotations
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.0.clone(), i))
        .collect();
    for edit in edits {
        match edit {
            RemoteEdit::Upsert(annotation) => {
                let at = position.get(annotation.id.as_str()).copied();
                match at.and_then(|i| document.annotations.get_mut(i)) {
                    Some(existing) => *existing = (**annotation).clone(),
                    None => {
                        position.insert(annotation.id.0.clone(), document.annotations.len());
                        document.annotations.push((**annotation).clone());
                    }
                }
            }
            RemoteEdit::Remove(id) => {
                let before = document.annotations.len();
                document.annotations.retain(|a| &a.id != id);
                document.relations.retain(|r| &r.from != id && &r.to != id);
                if document.annotations.len() != before {
                    removed = true;
                    // Positions after it moved: count them again.
                    position = document
                        .annotations
                        .iter()
                        .enumerate()
                        .map(|(i, a)| (a.id.0.clone(), i))
                        .collect();
                }
            }
        }
    }
    removed
}

/// Edits that write each annotation's creator, as the server records it, into the open
/// document where it is missing, so every export names who made it.
pub fn stamp_creators(ledger: &Ledger, document: &Document) -> Vec<RemoteEdit> {
    document
        .annotations
        .iter()
        .filter(|a| a.creator.is_empty())
        .filter_map(|a| {
            let known = ledger.known.get(a.id.as_str())?;
            if known.creator.is_empty() {
                return None;
            }
            let mut stamped = a.clone();
            // A document stored before the creator had a field names it as an attribute.
            stamped.attributes.remove(CREATOR_ATTRIBUTE);
            stamped.creator = known.creator.clone();
            Some(RemoteEdit::Upsert(Box::new(stamped)))
        })
        .collect()
}

/// The annotations kept as two versions after a conflict, as pairs of (the version marked
/// `conflict_of`, the one it competes with), for Needs review. A mark naming an annotation
/// that is gone is not a pair: the other version was already let go.
pub fn conflict_pairs(document: &Document) -> Vec<(AnnotationId, AnnotationId)> {
    document
        .annotations
        .iter()
        .filter_map(|a| {
            let other = AnnotationId(a.attributes.get(CONFLICT_ATTRIBUTE)?.clone());
            document.annotation(&other).map(|_| (a.id.clone(), other))
        })
        .collect()
}
