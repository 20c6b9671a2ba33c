//! The record of what one command did to a document, precise enough to undo and redo it.
//!
//! A command is validated against the document and then carried out as a short list of
//! primitive edits (insert, remove or replace one annotation, relation or tag; replace the
//! metadata). Each edit keeps the index it happened at and the values before and after, so
//! reverting restores the vectors in their exact former order and reapplying reproduces the
//! exact later state: `revert` then `reapply` is the identity, which the undo history relies
//! on. Commands never touch the document except through [`ChangeBuilder`], so every mutation
//! is recorded.

use crate::domain::annotation::{Annotation, AnnotationId, Relation, RelationId};
use crate::domain::document::{Document, Metadata};
use crate::domain::tag::{Tag, TagId};
use std::collections::BTreeSet;

/// One primitive, invertible edit, with the index it happened at.
#[derive(Clone, Debug, PartialEq)]
enum Edit {
    InsertAnnotation {
        index: usize,
        annotation: Box<Annotation>,
    },
    RemoveAnnotation {
        index: usize,
        annotation: Box<Annotation>,
    },
    ReplaceAnnotation {
        index: usize,
        before: Box<Annotation>,
        after: Box<Annotation>,
    },
    InsertRelation {
        index: usize,
        relation: Relation,
    },
    RemoveRelation {
        index: usize,
        relation: Relation,
    },
    ReplaceMetadata {
        before: Box<Metadata>,
        after: Box<Metadata>,
    },
    InsertTag {
        index: usize,
        tag: Tag,
    },
    RemoveTag {
        index: usize,
        tag: Tag,
    },
    ReplaceTag {
        index: usize,
        before: Tag,
        after: Tag,
    },
}

impl Edit {
    fn inverse(&self) -> Edit {
        match self.clone() {
            Edit::InsertAnnotation { index, annotation } => {
                Edit::RemoveAnnotation { index, annotation }
            }
            Edit::RemoveAnnotation { index, annotation } => {
                Edit::InsertAnnotation { index, annotation }
            }
            Edit::ReplaceAnnotation {
                index,
                before,
                after,
            } => Edit::ReplaceAnnotation {
                index,
                before: after,
                after: before,
            },
            Edit::InsertRelation { index, relation } => Edit::RemoveRelation { index, relation },
            Edit::RemoveRelation { index, relation } => Edit::InsertRelation { index, relation },
            Edit::ReplaceMetadata { before, after } => Edit::ReplaceMetadata {
                before: after,
                after: before,
            },
            Edit::InsertTag { index, tag } => Edit::RemoveTag { index, tag },
            Edit::RemoveTag { index, tag } => Edit::InsertTag { index, tag },
            Edit::ReplaceTag {
                index,
                before,
                after,
            } => Edit::ReplaceTag {
                index,
                before: after,
                after: before,
            },
        }
    }

    /// Carries the edit out. Indexes come from the builder that recorded them, so they fit the
    /// document they are replayed on; should they not (a document changed behind the
    /// history's back), the edit falls back to finding the item by id and never panics.
    fn perform(&self, document: &mut Document) {
        match self {
            Edit::InsertAnnotation { index, annotation } => {
                let index = (*index).min(document.annotations.len());
                document
                    .annotations
                    .insert(index, annotation.as_ref().clone());
            }
            Edit::RemoveAnnotation { index, annotation } => {
                if let Some(found) = annotation_index(document, *index, &annotation.id) {
                    document.annotations.remove(found);
                }
            }
            Edit::ReplaceAnnotation { index, after, .. } => {
                if let Some(found) = annotation_index(document, *index, &after.id)
                    && let Some(slot) = document.annotations.get_mut(found)
                {
                    *slot = after.as_ref().clone();
                }
            }
            Edit::InsertRelation { index, relation } => {
                let index = (*index).min(document.relations.len());
                document.relations.insert(index, relation.clone());
            }
            Edit::RemoveRelation { index, relation } => {
                if let Some(found) = relation_index(document, *index, &relation.id) {
                    document.relations.remove(found);
                }
            }
            Edit::ReplaceMetadata { after, .. } => document.metadata = after.as_ref().clone(),
            Edit::InsertTag { index, tag } => document.tags.insert_at(*index, tag.clone()),
            Edit::RemoveTag { tag, .. } => {
                document.tags.remove(&tag.id);
            }
            Edit::ReplaceTag {
                index,
                before,
                after,
            } => {
                let position = document
                    .tags
                    .remove(&before.id)
                    .map_or(*index, |(at, _)| at);
                document.tags.insert_at(position, after.clone());
            }
        }
    }
}

fn annotation_index(document: &Document, index: usize, id: &AnnotationId) -> Option<usize> {
    match document.annotations.get(index) {
        Some(found) if &found.id == id => Some(index),
        _ => document.annotations.iter().position(|a| &a.id == id),
    }
}

fn relation_index(document: &Document, index: usize, id: &RelationId) -> Option<usize> {
    match document.relations.get(index) {
        Some(found) if &found.id == id => Some(index),
        _ => document.relations.iter().position(|r| &r.id == id),
    }
}

/// Which parts of a document changed over some edits: what saving needs to write again.
/// Annotations are named by id (stored in parts chosen by id); metadata, tags and relations
/// are small and stored together, so they count as one `rest`. `everything` means the edits
/// are not known (a change made outside the history, a log that forgot its oldest edits).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touched {
    pub annotations: BTreeSet<AnnotationId>,
    pub rest: bool,
    pub everything: bool,
}

impl Touched {
    /// Nothing known: everything must be compared.
    pub fn everything() -> Self {
        Touched {
            everything: true,
            ..Touched::default()
        }
    }

    /// Adds what `other` touched.
    pub fn extend(&mut self, other: &Touched) {
        self.everything |= other.everything;
        self.rest |= other.rest;
        if !self.everything {
            self.annotations.extend(other.annotations.iter().cloned());
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.everything && !self.rest && self.annotations.is_empty()
    }
}

/// What one command did: replayable forwards (`reapply`) and backwards (`revert`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Change {
    edits: Vec<Edit>,
}

impl Change {
    /// True when the command changed nothing (for example a note set to the text it had).
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// The annotations it inserted, removed or replaced, and whether it changed anything else.
    pub fn touched(&self) -> Touched {
        let mut touched = Touched::default();
        for edit in &self.edits {
            match edit {
                Edit::InsertAnnotation { annotation, .. }
                | Edit::RemoveAnnotation { annotation, .. } => {
                    touched.annotations.insert(annotation.id.clone());
                }
                Edit::ReplaceAnnotation { before, after, .. } => {
                    touched.annotations.insert(before.id.clone());
                    touched.annotations.insert(after.id.clone());
                }
                _ => touched.rest = true,
            }
        }
        touched
    }

    /// How many primitive edits the change consists of.
    pub fn edit_count(&self) -> usize {
        self.edits.len()
    }

    /// Undoes the change on the document it was made on (in its later state).
    pub fn revert(&self, document: &mut Document) {
        for edit in self.edits.iter().rev() {
            edit.inverse().perform(document);
        }
    }

    /// Redoes the change on the document it was made on (in its earlier state).
    pub fn reapply(&self, document: &mut Document) {
        for edit in &self.edits {
            edit.perform(document);
        }
    }

    /// Folds a later change into this one when both replace the same single annotation, so
    /// a burst of typing becomes one undo step. Returns false (and changes nothing) otherwise.
    pub(crate) fn absorb(&mut self, later: &Change) -> bool {
        let (
            [Edit::ReplaceAnnotation { index, after, .. }],
            [
                Edit::ReplaceAnnotation {
                    index: later_index,
                    before: later_before,
                    after: later_after,
                },
            ],
        ) = (self.edits.as_mut_slice(), later.edits.as_slice())
        else {
            return false;
        };
        if index != later_index || after != later_before {
            return false;
        }
        *after = later_after.clone();
        true
    }
}

/// Performs primitive edits on a document and records each, building a [`Change`].
///
/// Commands validate first and mutate through the builder; should a later step of a command
/// fail, [`ChangeBuilder::abandon`] puts the document back, so a failing command is atomic.
#[derive(Debug, Default)]
pub(crate) struct ChangeBuilder {
    change: Change,
}

impl ChangeBuilder {
    pub(crate) fn new() -> Self {
        ChangeBuilder::default()
    }

    fn record(&mut self, document: &mut Document, edit: Edit) {
        edit.perform(document);
        self.change.edits.push(edit);
    }

    pub(crate) fn finish(self) -> Change {
        self.change
    }

    /// Reverts everything recorded so far.
    pub(crate) fn abandon(self, document: &mut Document) {
        self.change.revert(document);
    }

    pub(crate) fn push_annotation(&mut self, document: &mut Document, annotation: Annotation) {
        let index = document.annotations.len();
        self.record(
            document,
            Edit::InsertAnnotation {
                index,
                annotation: Box::new(annotation),
            },
        );
    }

    pub(crate) fn remove_annotation(&mut self, document: &mut Document, index: usize) {
        if let Some(annotation) = document.annotations.get(index).cloned() {
            self.record(
                document,
                Edit::RemoveAnnotation {
                    index,
                    annotation: Box::new(annotation),
                },
            );
        }
    }

    /// Replaces the annotation at `index`; records nothing when `after` equals it.
    pub(crate) fn replace_annotation(
        &mut self,
        document: &mut Document,
        index: usize,
        after: Annotation,
    ) {
        if let Some(before) = document.annotations.get(index).cloned()
            && before != after
        {
            self.record(
                document,
                Edit::ReplaceAnnotation {
                    index,
                    before: Box::new(before),
                    after: Box::new(after),
                },
            );
        }
    }

    pub(crate) fn push_relation(&mut self, document: &mut Document, relation: Relation) {
        let index = document.relations.len();
        self.record(document, Edit::InsertRelation { index, relation });
    }

    pub(crate) fn remove_relation(&mut self, document: &mut Document, index: usize) {
        if let Some(relation) = document.relations.get(index).cloned() {
            self.record(document, Edit::RemoveRelation { index, relation });
        }
    }

    pub(crate) fn replace_metadata(&mut self, document: &mut Document, after: Metadata) {
        if document.metadata != after {
            let before = Box::new(document.metadata.clone());
            let after = Box::new(after);
            self.record(document, Edit::ReplaceMetadata { before, after });
        }
    }

    /// Appends a tag that the caller has already validated.
    pub(crate) fn push_tag(&mut self, document: &mut Document, tag: Tag) {
        let index = document.tags.tags().len();
        self.record(document, Edit::InsertTag { index, tag });
    }

    pub(crate) fn remove_tag(&mut self, document: &mut Document, id: &TagId) {
        if let Some(index) = document.tags.position(id)
            && let Some(tag) = document.tags.tags().get(index).cloned()
        {
            self.record(document, Edit::RemoveTag { index, tag });
        }
    }

    /// Replaces a tag of the same id that the caller has already validated.
    pub(crate) fn replace_tag(&mut self, document: &mut Document, after: Tag) {
        if let Some(index) = document.tags.position(&after.id)
            && let Some(before) = document.tags.tags().get(index).cloned()
            && before != after
        {
            self.record(
                document,
                Edit::ReplaceTag {
                    index,
                    before,
                    after,
                },
            );
        }
    }
}
