//! Every change to a [`Document`] is a [`Command`]: validated against the document, carried
//! out completely or not at all, and recorded as a [`Change`] that undoes it exactly.
//!
//! The domain has no clock, so the caller passes the time (an ISO string) that touched
//! annotations get as `modified`. Each command also has a short sentence for people
//! (`describe`, in the `describe` module), which the UI announces in its live region and the
//! history shows on undo.

use crate::domain::annotation::{
    AnchorStatus, Annotation, AnnotationId, CONTEXT_LEN, Relation, RelationId, RelationKind,
};
use crate::domain::change::{Change, ChangeBuilder};
use crate::domain::document::{Document, Metadata};
use crate::domain::merge::{ImportPlan, apply_import_plan};
use crate::domain::tag::{Tag, TagId};
use crate::domain::text::TextRange;
use crate::domain::validate::{
    check_new_annotation_id, check_new_relation, check_range, require_attribute_name, require_tag,
};
use std::collections::BTreeMap;

/// The errors are defined with the rules, in `validate`; callers know them from here.
pub use crate::domain::validate::{CommandError, RelationEnd};

/// What happens to the annotations of a tag that is removed. There is no default: the caller
/// must choose, so no annotation is lost without being asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagRemoval {
    /// The annotations keep existing, tagged with this other tag.
    ReassignTo(TagId),
    /// The annotations are deleted, with their relations.
    DeleteAnnotations,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// A new annotation; quote and context are taken from the text.
    CreateAnnotation {
        id: AnnotationId,
        tag: TagId,
        range: TextRange,
    },
    /// Deletes the annotation and every relation that starts or ends at it.
    DeleteAnnotation {
        id: AnnotationId,
    },
    Retag {
        id: AnnotationId,
        tag: TagId,
    },
    EditNote {
        id: AnnotationId,
        note: String,
    },
    SetAttribute {
        id: AnnotationId,
        name: String,
        value: String,
    },
    RemoveAttribute {
        id: AnnotationId,
        name: String,
    },
    /// Sets several attributes at once; attributes not named keep their values.
    SetAttributes {
        id: AnnotationId,
        attributes: BTreeMap<String, String>,
    },
    AddRelation {
        id: RelationId,
        kind: RelationKind,
        from: AnnotationId,
        to: AnnotationId,
    },
    RemoveRelation {
        id: RelationId,
    },
    EditMetadata {
        metadata: Metadata,
    },
    AddTag {
        tag: Tag,
    },
    /// Changes a tag's label, colour, key or description; the id stays.
    EditTag {
        tag: Tag,
    },
    RemoveTag {
        id: TagId,
        annotations: TagRemoval,
    },
    /// Annotations, relations and tags from a file, prepared by `merge::plan_import`.
    Import(ImportPlan),
    /// The person checked a fuzzy, moved or orphaned anchor and accepts it where it is: the
    /// anchor becomes exact. An orphan has no place in the text, so it must be moved instead.
    AcceptAnchor {
        id: AnnotationId,
    },
    /// Moves an annotation to `range` (re-anchoring it by hand): the quote and context are
    /// taken from the text there and the anchor becomes exact.
    MoveAnnotation {
        id: AnnotationId,
        range: TextRange,
    },
}

/// Which edits may merge into one undo step when they follow each other quickly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoalesceKey {
    Note(AnnotationId),
    Attribute(AnnotationId, String),
}

/// A command that was carried out: how to undo it, and what to tell the user.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub change: Change,
    pub description: String,
    pub coalesce: Option<CoalesceKey>,
}

impl Command {
    /// Edits of this kind on this target merge with the previous one inside the window.
    pub fn coalesce_key(&self) -> Option<CoalesceKey> {
        match self {
            Command::EditNote { id, .. } => Some(CoalesceKey::Note(id.clone())),
            Command::SetAttribute { id, name, .. } => {
                Some(CoalesceKey::Attribute(id.clone(), name.clone()))
            }
            _ => None,
        }
    }
}

/// Validates `command` against `document` and carries it out. On error the document is
/// unchanged; on success the returned [`Applied`] undoes it exactly.
pub fn apply(
    document: &mut Document,
    command: Command,
    now: &str,
) -> Result<Applied, CommandError> {
    let description = command.describe(document);
    let coalesce = command.coalesce_key();
    let mut builder = ChangeBuilder::new();
    match carry_out(document, &mut builder, command, now) {
        Ok(()) => Ok(Applied {
            change: builder.finish(),
            description,
            coalesce,
        }),
        Err(error) => {
            builder.abandon(document);
            Err(error)
        }
    }
}

fn carry_out(
    document: &mut Document,
    builder: &mut ChangeBuilder,
    command: Command,
    now: &str,
) -> Result<(), CommandError> {
    match command {
        Command::CreateAnnotation { id, tag, range } => {
            create_annotation(document, builder, id, tag, range, now)
        }
        Command::DeleteAnnotation { id } => {
            let index = annotation_index(document, &id)?;
            delete_annotation(document, builder, index);
            Ok(())
        }
        Command::Retag { id, tag } => {
            require_tag(document, &tag)?;
            edit_annotation(document, builder, &id, now, |annotation| {
                annotation.tag = tag;
                Ok(())
            })
        }
        Command::EditNote { id, note } => {
            edit_annotation(document, builder, &id, now, |annotation| {
                annotation.note = note;
                Ok(())
            })
        }
        Command::SetAttribute { id, name, value } => {
            require_attribute_name(&name)?;
            edit_annotation(document, builder, &id, now, |annotation| {
                annotation.attributes.insert(name, value);
                Ok(())
            })
        }
        Command::RemoveAttribute { id, name } => {
            edit_annotation(document, builder, &id, now, |annotation| {
                match annotation.attributes.remove(&name) {
                    Some(_) => Ok(()),
                    None => Err(CommandError::UnknownAttribute {
                        id: annotation.id.clone(),
                        name,
                    }),
                }
            })
        }
        Command::SetAttributes { id, attributes } => {
            attributes
                .keys()
                .try_for_each(|name| require_attribute_name(name))?;
            edit_annotation(document, builder, &id, now, |annotation| {
                annotation.attributes.extend(attributes);
                Ok(())
            })
        }
        Command::AddRelation { id, kind, from, to } => {
            let relation = Relation { id, kind, from, to };
            check_new_relation(document, &relation)?;
            builder.push_relation(document, relation);
            Ok(())
        }
        Command::RemoveRelation { id } => {
            let index = document
                .relations
                .iter()
                .position(|r| r.id == id)
                .ok_or(CommandError::UnknownRelation(id))?;
            builder.remove_relation(document, index);
            Ok(())
        }
        Command::EditMetadata { metadata } => {
            builder.replace_metadata(document, metadata);
            Ok(())
        }
        Command::AddTag { tag } => {
            document.tags.validate(&tag, false)?;
            builder.push_tag(document, tag);
            Ok(())
        }
        Command::EditTag { tag } => {
            require_tag(document, &tag.id)?;
            document.tags.validate(&tag, true)?;
            builder.replace_tag(document, tag);
            Ok(())
        }
        Command::RemoveTag { id, annotations } => {
            remove_tag(document, builder, id, annotations, now)
        }
        Command::Import(plan) => apply_import_plan(document, builder, plan),
        Command::AcceptAnchor { id } => {
            edit_annotation(document, builder, &id, now, |annotation| {
                if annotation.anchor == AnchorStatus::Orphaned {
                    return Err(CommandError::AcceptOrphan(annotation.id.clone()));
                }
                annotation.anchor = AnchorStatus::Exact;
                Ok(())
            })
        }
        Command::MoveAnnotation { id, range } => {
            check_range(document, range)?;
            let text = &document.text;
            let quote = text
                .slice(range)
                .map_err(CommandError::RangeOutsideText)?
                .to_string();
            let prefix = text.before(range.start(), CONTEXT_LEN).to_string();
            let suffix = text.after(range.end(), CONTEXT_LEN).to_string();
            edit_annotation(document, builder, &id, now, |annotation| {
                annotation.range = range;
                annotation.quote = quote;
                annotation.prefix = prefix;
                annotation.suffix = suffix;
                annotation.anchor = AnchorStatus::Exact;
                Ok(())
            })
        }
    }
}

fn create_annotation(
    document: &mut Document,
    builder: &mut ChangeBuilder,
    id: AnnotationId,
    tag: TagId,
    range: TextRange,
    now: &str,
) -> Result<(), CommandError> {
    check_new_annotation_id(document, &id)?;
    require_tag(document, &tag)?;
    check_range(document, range)?;
    let annotation = Annotation::new(id, tag, &document.text, range, now)
        .map_err(CommandError::RangeOutsideText)?;
    builder.push_annotation(document, annotation);
    Ok(())
}

/// Removes the annotation at `index` and its relations (each remembered at its own index).
fn delete_annotation(document: &mut Document, builder: &mut ChangeBuilder, index: usize) {
    let Some(id) = document.annotations.get(index).map(|a| a.id.clone()) else {
        return;
    };
    let relation_indexes: Vec<usize> = document
        .relations
        .iter()
        .enumerate()
        .filter(|(_, r)| r.from == id || r.to == id)
        .map(|(at, _)| at)
        .collect();
    for relation_index in relation_indexes.into_iter().rev() {
        builder.remove_relation(document, relation_index);
    }
    builder.remove_annotation(document, index);
}

/// Changes one annotation through `edit`; `modified` is set only if something else changed.
fn edit_annotation(
    document: &mut Document,
    builder: &mut ChangeBuilder,
    id: &AnnotationId,
    now: &str,
    edit: impl FnOnce(&mut Annotation) -> Result<(), CommandError>,
) -> Result<(), CommandError> {
    let index = annotation_index(document, id)?;
    let Some(before) = document.annotations.get(index) else {
        return Err(CommandError::UnknownAnnotation(id.clone()));
    };
    let mut after = before.clone();
    edit(&mut after)?;
    if &after != before {
        after.modified = now.to_string();
        builder.replace_annotation(document, index, after);
    }
    Ok(())
}

fn remove_tag(
    document: &mut Document,
    builder: &mut ChangeBuilder,
    id: TagId,
    annotations: TagRemoval,
    now: &str,
) -> Result<(), CommandError> {
    require_tag(document, &id)?;
    match annotations {
        TagRemoval::ReassignTo(target) => {
            if target == id {
                return Err(CommandError::ReassignToRemovedTag(id));
            }
            require_tag(document, &target)?;
            let indexes: Vec<usize> = document
                .annotations
                .iter()
                .enumerate()
                .filter(|(_, a)| a.tag == id)
                .map(|(at, _)| at)
                .collect();
            for index in indexes {
                if let Some(annotation) = document.annotations.get(index) {
                    let mut after = annotation.clone();
                    after.tag = target.clone();
                    after.modified = now.to_string();
                    builder.replace_annotation(document, index, after);
                }
            }
        }
        TagRemoval::DeleteAnnotations => {
            while let Some(index) = document.annotations.iter().rposition(|a| a.tag == id) {
                delete_annotation(document, builder, index);
            }
        }
    }
    builder.remove_tag(document, &id);
    Ok(())
}

fn annotation_index(document: &Document, id: &AnnotationId) -> Result<usize, CommandError> {
    document
        .annotations
        .iter()
        .position(|a| &a.id == id)
        .ok_or_else(|| CommandError::UnknownAnnotation(id.clone()))
}
