//! What makes a change to a document valid, and the error that says why one is not.
//!
//! Both `command` (every edit) and `merge` (an import planned, then applied as one command)
//! check the same rules: a range inside the text and not empty, a new id, a relation whose
//! ends exist. They live here, below both, so neither depends on the other for them.

use crate::domain::annotation::{AnnotationId, Relation, RelationId, RelationKind};
use crate::domain::document::Document;
use crate::domain::tag::{TagError, TagId};
use crate::domain::text::{OffsetError, TextRange};
use std::fmt;

/// Which end of a relation is meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelationEnd {
    From,
    To,
}

impl RelationEnd {
    fn name(self) -> &'static str {
        match self {
            RelationEnd::From => "start",
            RelationEnd::To => "end",
        }
    }
}

/// Why a command was refused. The document is unchanged whenever one is returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandError {
    /// The range does not lie inside the document text.
    RangeOutsideText(OffsetError),
    EmptyRange,
    EmptyAnnotationId,
    EmptyRelationId,
    UnknownTag(TagId),
    UnknownAnnotation(AnnotationId),
    DuplicateAnnotationId(AnnotationId),
    UnknownRelation(RelationId),
    DuplicateRelationId(RelationId),
    RelationEndMissing {
        end: RelationEnd,
        id: AnnotationId,
    },
    SelfRelation(AnnotationId),
    DuplicateRelation {
        kind: RelationKind,
        from: AnnotationId,
        to: AnnotationId,
    },
    EmptyAttributeName,
    UnknownAttribute {
        id: AnnotationId,
        name: String,
    },
    InvalidTag(TagError),
    /// A removed tag's annotations cannot be reassigned to that same tag.
    ReassignToRemovedTag(TagId),
    /// A prepared import no longer fits the document (it changed since the plan was made).
    StaleImport(String),
    /// An orphaned annotation has no place to accept; it must be moved to a selection.
    AcceptOrphan(AnnotationId),
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::RangeOutsideText(error) => {
                write!(f, "the selection is not inside the article: {error}")
            }
            CommandError::EmptyRange => write!(f, "select at least one character to annotate"),
            CommandError::EmptyAnnotationId => write!(f, "an annotation needs an id"),
            CommandError::EmptyRelationId => write!(f, "a relation needs an id"),
            CommandError::UnknownTag(id) => {
                write!(
                    f,
                    "there is no tag \"{id}\"; add it in the tag settings first"
                )
            }
            CommandError::UnknownAnnotation(id) => {
                write!(
                    f,
                    "there is no annotation \"{id}\"; it may have been deleted"
                )
            }
            CommandError::DuplicateAnnotationId(id) => {
                write!(f, "there is already an annotation with id \"{id}\"")
            }
            CommandError::UnknownRelation(id) => {
                write!(f, "there is no relation \"{id}\"; it may have been removed")
            }
            CommandError::DuplicateRelationId(id) => {
                write!(f, "there is already a relation with id \"{id}\"")
            }
            CommandError::RelationEndMissing { end, id } => write!(
                f,
                "the relation's {} annotation \"{id}\" does not exist; pick an existing annotation",
                end.name()
            ),
            CommandError::SelfRelation(id) => {
                write!(
                    f,
                    "annotation \"{id}\" cannot be linked to itself; pick another annotation"
                )
            }
            CommandError::DuplicateRelation { kind, from, to } => write!(
                f,
                "\"{from}\" is already linked to \"{to}\" as {}",
                kind.label()
            ),
            CommandError::EmptyAttributeName => write!(f, "an attribute needs a name"),
            CommandError::UnknownAttribute { id, name } => {
                write!(f, "annotation \"{id}\" has no attribute \"{name}\"")
            }
            CommandError::InvalidTag(error) => write!(f, "{error}"),
            CommandError::ReassignToRemovedTag(id) => write!(
                f,
                "the annotations of tag \"{id}\" must move to another tag, or be deleted"
            ),
            CommandError::StaleImport(reason) => write!(
                f,
                "the import no longer fits the document ({reason}); import the file again"
            ),
            CommandError::AcceptOrphan(id) => write!(
                f,
                "annotation \"{id}\" is not in the text; select where it belongs and use “Use selection”"
            ),
        }
    }
}

impl std::error::Error for CommandError {}

impl From<TagError> for CommandError {
    fn from(error: TagError) -> Self {
        CommandError::InvalidTag(error)
    }
}

pub(crate) fn require_tag(document: &Document, id: &TagId) -> Result<(), CommandError> {
    match document.tags.contains(id) {
        true => Ok(()),
        false => Err(CommandError::UnknownTag(id.clone())),
    }
}

pub(crate) fn require_attribute_name(name: &str) -> Result<(), CommandError> {
    match name.trim().is_empty() {
        true => Err(CommandError::EmptyAttributeName),
        false => Ok(()),
    }
}

pub(crate) fn check_range(document: &Document, range: TextRange) -> Result<(), CommandError> {
    document
        .text
        .check_range(range)
        .map_err(CommandError::RangeOutsideText)?;
    match range.is_empty() {
        true => Err(CommandError::EmptyRange),
        false => Ok(()),
    }
}

pub(crate) fn check_new_annotation_id(
    document: &Document,
    id: &AnnotationId,
) -> Result<(), CommandError> {
    if id.0.is_empty() {
        return Err(CommandError::EmptyAnnotationId);
    }
    match document.annotation(id) {
        Some(_) => Err(CommandError::DuplicateAnnotationId(id.clone())),
        None => Ok(()),
    }
}

/// Both ends exist, they differ, the id is new and no relation of the same kind links them.
pub(crate) fn check_new_relation(
    document: &Document,
    relation: &Relation,
) -> Result<(), CommandError> {
    if relation.id.0.is_empty() {
        return Err(CommandError::EmptyRelationId);
    }
    if document.relation(&relation.id).is_some() {
        return Err(CommandError::DuplicateRelationId(relation.id.clone()));
    }
    for (end, id) in [
        (RelationEnd::From, &relation.from),
        (RelationEnd::To, &relation.to),
    ] {
        if document.annotation(id).is_none() {
            return Err(CommandError::RelationEndMissing {
                end,
                id: id.clone(),
            });
        }
    }
    if relation.from == relation.to {
        return Err(CommandError::SelfRelation(relation.from.clone()));
    }
    let duplicate = document
        .relations
        .iter()
        .any(|r| r.kind == relation.kind && r.from == relation.from && r.to == relation.to);
    if duplicate {
        return Err(CommandError::DuplicateRelation {
            kind: relation.kind.clone(),
            from: relation.from.clone(),
            to: relation.to.clone(),
        });
    }
    Ok(())
}
