//! How documents from the server change the open document. An annotation nobody changed
//! here since the server last had it simply takes the server's version. One changed here too
//! is a conflict, and a conflict loses nothing: the local version stays (and is pushed over
//! the server's), the server's is kept beside it as its own annotation marked `conflict_of`,
//! and a notice says so. A document the checks refuse is skipped with a notice.

use super::docs::{CONFLICT_ATTRIBUTE, CREATOR_ATTRIBUTE, ServerDoc, SyncDocError};
use super::ledger::{Known, KnownPiece, Ledger};
use super::pieces::{Piece, PieceKind, is_piece_id, local_pieces, merge};
use crate::domain::annotation::{Annotation, AnnotationId, Relation, RelationId};
use crate::domain::change::Touched;
use crate::domain::document::{Document, Metadata};
use crate::domain::sorting;
use crate::domain::tag::{Tag, TagId, Taxonomy};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One change to the open document that came from the server.
#[derive(Clone, Debug, PartialEq)]
pub enum RemoteEdit {
    /// Insert the annotation, or replace the one with its id where it stands.
    Upsert(Box<Annotation>),
    Remove(AnnotationId),
    Details(Box<Metadata>),
    /// Add the tag, or replace the one with its id where it stands.
    UpsertTag(Tag),
    RemoveTag(TagId),
    UpsertRelation(Relation),
    RemoveRelation(RelationId),
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
    /// The details or a tag were changed here and elsewhere in the same field: the local
    /// value stays, theirs is named.
    FieldKept {
        what: String,
        field: String,
        theirs: String,
        by: String,
    },
    /// Someone removed a tag or relation that is still used or changed here: it is kept.
    RemovedButKept { what: String },
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
            SyncNotice::FieldKept {
                what,
                field,
                theirs,
                by,
            } => write!(
                f,
                "{by} changed the {field} of {what} to “{theirs}” while you changed it too: yours is kept; set theirs again if it was right."
            ),
            SyncNotice::RemovedButKept { what } => write!(
                f,
                "Someone removed {what}, which is still used or changed here: it is kept and shared again."
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
/// person for annotations that name nobody yet. Tags and details come first (an annotation
/// in the same batch may use a tag that arrives with it), relations after the annotations
/// they link.
pub fn receive(ledger: &mut Ledger, document: &Document, docs: &[Value], me: &str) -> Incoming {
    let mut incoming = Incoming::default();
    let prefix = super::docs::annotation_prefix(&ledger.document_id());
    let local = Local::of(document);
    let mut batch = Batch {
        local_pieces: local_pieces(document),
        tags: document.tags.clone(),
    };
    let parsed: Vec<(&Value, Result<ServerDoc, SyncDocError>)> =
        docs.iter().map(|v| (v, ServerDoc::parse(v))).collect();
    let own = ledger.document.clone();
    let ours = |d: &str| d == own;
    for (_, doc) in &parsed {
        if let Ok(ServerDoc::Piece {
            rev,
            piece,
            document: d,
            creator,
        }) = doc
            && piece.kind != PieceKind::Relation
            && ours(d)
        {
            receive_piece(ledger, &mut batch, piece, rev, creator, &mut incoming);
        }
    }
    for (value, doc) in &parsed {
        match doc {
            Ok(ServerDoc::Annotation { rev, body }) => {
                if body.document != ledger.document {
                    continue;
                }
                match body.to_annotation_in(&document.text, &batch.tags) {
                    Ok(annotation) => receive_annotation(
                        ledger,
                        &local,
                        annotation,
                        rev.clone(),
                        body.clone(),
                        me,
                        &mut incoming,
                    ),
                    Err(error) => incoming.notices.push(SyncNotice::Skipped(format!(
                        "annotation “{}”: {error}",
                        body.id
                    ))),
                }
            }
            Ok(ServerDoc::Deleted { id, rev }) => {
                if let Some(annotation) = id.strip_prefix(&prefix) {
                    receive_deletion(ledger, &local, annotation, rev, me, &mut incoming);
                }
            }
            Ok(ServerDoc::Article { .. } | ServerDoc::Other { .. } | ServerDoc::Piece { .. }) => {}
            Err(error) => {
                let id = value
                    .get("_id")
                    .and_then(Value::as_str)
                    .unwrap_or("(no id)");
                // Another document's annotations and pieces are not ours to judge.
                let foreign = (id.starts_with("ann:") && !id.starts_with(&prefix))
                    || (is_piece_id(id) && !id.contains(&format!(":{}", ledger.document)));
                if !foreign {
                    let shown: String = id.chars().take(80).collect();
                    incoming
                        .notices
                        .push(SyncNotice::Skipped(format!("“{shown}”: {error}")));
                }
            }
        }
    }
    let mut present = local.ids();
    for edit in &incoming.edits {
        match edit {
            RemoteEdit::Upsert(a) => present.insert(a.id.0.clone()),
            RemoteEdit::Remove(id) => present.remove(id.as_str()),
            _ => false,
        };
    }
    for (_, doc) in &parsed {
        if let Ok(ServerDoc::Piece {
            rev,
            piece,
            document: d,
            creator,
        }) = doc
            && piece.kind == PieceKind::Relation
            && ours(d)
        {
            let placed = relation_fits(piece, &present);
            receive_relation(ledger, &batch, piece, rev, creator, placed, &mut incoming);
        }
    }
    for (_, doc) in &parsed {
        if let Ok(ServerDoc::Deleted { id, rev }) = doc
            && is_piece_id(id)
        {
            receive_piece_deletion(ledger, &batch, document, id, rev, &mut incoming);
        }
    }
    place_waiting(ledger, &batch, &present, &mut incoming);
    incoming
}

/// The open document's annotations by id, built once per batch (a lookup per arriving
/// document through the list would be quadratic on long feeds).
struct Local<'a>(BTreeMap<&'a str, &'a Annotation>);

impl<'a> Local<'a> {
    fn ids(&self) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        for id in self.0.keys() {
            ids.insert(id.to_string());
        }
        ids
    }

    fn of(document: &'a Document) -> Self {
        Local(sorting::map_of(
            document.annotations.iter().map(|a| (a.id.as_str(), a)),
        ))
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

/// What a batch knows besides the ledger: the open document's pieces, and its tags with
/// those arriving in the batch.
struct Batch {
    local_pieces: BTreeMap<String, Piece>,
    tags: Taxonomy,
}

fn describe(piece: &Piece) -> String {
    match piece.kind {
        PieceKind::Details => "the article's details".to_string(),
        PieceKind::Tag => format!("tag “{}”", piece.field("label")),
        PieceKind::Relation => format!("a link ({})", piece.field("kind")),
    }
}

fn by_name(creator: &str) -> String {
    if creator.is_empty() {
        "Someone".to_string()
    } else {
        creator.to_string()
    }
}

/// The edit that makes the open document hold `piece`.
fn piece_edit(piece: &Piece) -> RemoteEdit {
    match piece.kind {
        PieceKind::Details => RemoteEdit::Details(Box::new(piece.metadata())),
        PieceKind::Tag => RemoteEdit::UpsertTag(piece.tag()),
        PieceKind::Relation => RemoteEdit::UpsertRelation(piece.relation()),
    }
}

/// Details or a tag from the server: taken when unchanged here (or never shared from here),
/// merged field by field when both sides changed it.
fn receive_piece(
    ledger: &mut Ledger,
    batch: &mut Batch,
    theirs: &Piece,
    rev: &str,
    creator: &str,
    incoming: &mut Incoming,
) {
    let id = super::pieces::piece_doc_id(theirs.kind, &ledger.document, &theirs.id);
    let known = ledger.pieces.get(&id);
    if known.is_some_and(|k| k.rev == rev) {
        return;
    }
    let local = batch.local_pieces.get(&id);
    let wanted = match (local, known) {
        (Some(local), _) if local == theirs => None,
        (Some(local), Some(known)) => {
            let (merged, both) = merge(&known.base, local, theirs);
            for (field, value) in both {
                incoming.notices.push(SyncNotice::FieldKept {
                    what: describe(local),
                    field,
                    theirs: value,
                    by: by_name(creator),
                });
            }
            (merged != *local).then_some(merged)
        }
        // Never shared from here (just joined, or the first time pieces are shared): the
        // server's version; removed here since: theirs is back.
        _ => Some(theirs.clone()),
    };
    if let Some(piece) = wanted {
        if piece.kind == PieceKind::Tag {
            let tag = piece.tag();
            let exists = batch.tags.contains(&tag.id);
            if let Err(error) = batch.tags.validate(&tag, exists) {
                incoming
                    .notices
                    .push(SyncNotice::Skipped(format!("tag “{}”: {error}", theirs.id)));
                return;
            }
            // Just validated: neither can fail.
            if exists {
                batch.tags.replace(tag).ok();
            } else {
                batch.tags.add(tag).ok();
            }
        }
        incoming.edits.push(piece_edit(&piece));
    }
    let known = KnownPiece {
        rev: rev.to_string(),
        base: theirs.clone(),
        placed: true,
    };
    ledger.pieces.insert(id, known);
}

/// Whether both ends of relation `piece` are annotations of the document.
fn relation_fits(piece: &Piece, present: &BTreeSet<String>) -> bool {
    present.contains(piece.field("from")) && present.contains(piece.field("to"))
}

/// A relation from the server. Relations are only added and removed, never changed, so
/// one either is here already or is added; one whose annotations have not arrived yet
/// waits in the ledger (`placed: false`).
fn receive_relation(
    ledger: &mut Ledger,
    batch: &Batch,
    theirs: &Piece,
    rev: &str,
    creator: &str,
    placed: bool,
    incoming: &mut Incoming,
) {
    let id = super::pieces::piece_doc_id(theirs.kind, &ledger.document, &theirs.id);
    if ledger.pieces.get(&id).is_some_and(|k| k.rev == rev) {
        return;
    }
    let local = batch.local_pieces.get(&id);
    if placed && local != Some(theirs) {
        if local.is_some() {
            incoming.notices.push(SyncNotice::FieldKept {
                what: describe(theirs),
                field: "kind".into(),
                theirs: theirs.field("kind").to_string(),
                by: by_name(creator),
            });
        } else {
            incoming.edits.push(piece_edit(theirs));
        }
    }
    let known = KnownPiece {
        rev: rev.to_string(),
        base: theirs.clone(),
        placed: placed || local.is_some(),
    };
    ledger.pieces.insert(id, known);
}

/// Relations that waited for their annotations, added once both are here.
fn place_waiting(
    ledger: &mut Ledger,
    batch: &Batch,
    present: &BTreeSet<String>,
    incoming: &mut Incoming,
) {
    for (id, known) in ledger.pieces.iter_mut() {
        if known.placed || !relation_fits(&known.base, present) {
            continue;
        }
        known.placed = true;
        if !batch.local_pieces.contains_key(id) {
            incoming.edits.push(piece_edit(&known.base));
        }
    }
}

/// A tag or relation deleted on the server: removed here unless changed here since, or a
/// tag still used by an annotation here (then kept, and shared again).
fn receive_piece_deletion(
    ledger: &mut Ledger,
    batch: &Batch,
    document: &Document,
    id: &str,
    rev: &str,
    incoming: &mut Incoming,
) {
    let Some(known) = ledger.pieces.get(id) else {
        return;
    };
    if known.rev == rev {
        return;
    }
    let placed = known.placed;
    let base = known.base.clone();
    ledger.pieces.remove(id);
    let Some(local) = batch.local_pieces.get(id) else {
        return;
    };
    if !placed {
        return;
    }
    let in_use = local.kind == PieceKind::Tag && {
        let tag = TagId(local.id.clone());
        document.annotations.iter().any(|a| a.tag == tag)
            || incoming
                .edits
                .iter()
                .any(|e| matches!(e, RemoteEdit::Upsert(a) if a.tag == tag))
    };
    if *local != base || in_use || local.kind == PieceKind::Details {
        incoming.notices.push(SyncNotice::RemovedButKept {
            what: describe(local),
        });
        return;
    }
    incoming.edits.push(match local.kind {
        PieceKind::Tag => RemoteEdit::RemoveTag(TagId(local.id.clone())),
        _ => RemoteEdit::RemoveRelation(RelationId(local.id.clone())),
    });
}

/// What `edits` change, for the next save to write only those parts.
pub fn touched(edits: &[RemoteEdit]) -> Touched {
    let mut touched = Touched::default();
    for edit in edits {
        match edit {
            RemoteEdit::Upsert(a) => {
                touched.annotations.insert(a.id.clone());
            }
            RemoteEdit::Remove(id) => {
                touched.annotations.insert(id.clone());
                touched.rest = true; // its relations go with it
            }
            _ => touched.rest = true,
        }
    }
    touched
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
            RemoteEdit::Details(metadata) => document.metadata = (**metadata).clone(),
            RemoteEdit::UpsertTag(tag) => {
                // Checked against the taxonomy when it arrived; one that no longer fits leaves
                // the tag as it was: the ledger then differs, and the local version is pushed.
                if document.tags.contains(&tag.id) {
                    document.tags.replace(tag.clone()).ok();
                } else {
                    document.tags.add(tag.clone()).ok();
                }
            }
            RemoteEdit::RemoveTag(id) => {
                removed |= document.tags.remove(id).is_some();
            }
            RemoteEdit::UpsertRelation(relation) => {
                match document.relations.iter_mut().find(|r| r.id == relation.id) {
                    Some(existing) => *existing = relation.clone(),
                    None => document.relations.push(relation.clone()),
                }
            }
            RemoteEdit::RemoveRelation(id) => {
                let before = document.relations.len();
                document.relations.retain(|r| &r.id != id);
                removed |= document.relations.len() != before;
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
