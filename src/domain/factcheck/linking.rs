//! What the fact-checking UI offers when a person links two annotations, and how a relation
//! reads from either end.
//!
//! A link is started from one annotation and finished on another, in whichever order the
//! person finds natural: starting from an entity and clicking a claim still makes the claim
//! `attributed_to` the entity. So the options for a pair look both ways, keep only the kinds
//! [`allowed_kinds`] gives, and drop links that already exist ([`check_relation`]).
//!
//! Editing a field is decided here too ([`attribute_command`]): the value is checked against
//! its [`FieldSpec`] before any command is made, so an invalid value is never stored, and
//! clearing a field removes the attribute rather than storing an empty string.

use crate::domain::annotation::{AnnotationId, RelationId, RelationKind};
use crate::domain::command::Command;
use crate::domain::describe::capitalise_name;
use crate::domain::document::Document;
use crate::domain::factcheck::fields::{FieldError, FieldKind, FieldSpec};
use crate::domain::factcheck::rating::RatingScale;
use crate::domain::factcheck::relations::{allowed_kinds, check_relation};
use crate::domain::factcheck::{CLAIM_TAG, ENTITY_TAG};

/// One relation the person may make between two annotations.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LinkOption {
    pub kind: RelationKind,
    pub from: AnnotationId,
    pub to: AnnotationId,
}

/// The relations that may be made between `start` and `target`, in either direction:
/// first those from `start`, then those from `target`, each in [`allowed_kinds`] order.
/// Empty when the two are the same, unknown, or every allowed link exists already.
pub fn link_options(
    doc: &Document,
    start: &AnnotationId,
    target: &AnnotationId,
) -> Vec<LinkOption> {
    let (Some(a), Some(b)) = (doc.annotation(start), doc.annotation(target)) else {
        return Vec::new();
    };
    if start == target {
        return Vec::new();
    }
    let forward = allowed_kinds(&a.tag, &b.tag)
        .into_iter()
        .map(|kind| LinkOption {
            kind,
            from: start.clone(),
            to: target.clone(),
        });
    let backward = allowed_kinds(&b.tag, &a.tag)
        .into_iter()
        .map(|kind| LinkOption {
            kind,
            from: target.clone(),
            to: start.clone(),
        });
    forward
        .chain(backward)
        .filter(|option| check_relation(doc, &option.from, &option.to, &option.kind).is_ok())
        .filter(|option| !second_claimant(doc, option))
        .collect()
}

/// A claim has at most one claimant: "Claimant" (a claim attributed to an entity) is offered
/// only while the claim has none; the claimant field in the details replaces it.
fn second_claimant(doc: &Document, option: &LinkOption) -> bool {
    option.kind == RelationKind::AttributedTo
        && doc
            .annotation(&option.from)
            .is_some_and(|from| from.tag.as_str() == CLAIM_TAG)
        && doc
            .relations
            .iter()
            .any(|r| r.from == option.from && r.kind == RelationKind::AttributedTo)
}

/// Every annotation `start` can still be linked to, in text order, with its options.
pub fn link_candidates(
    doc: &Document,
    start: &AnnotationId,
) -> Vec<(AnnotationId, Vec<LinkOption>)> {
    doc.annotations_in_text_order()
        .into_iter()
        .map(|other| (other.id.clone(), link_options(doc, start, &other.id)))
        .filter(|(_, options)| !options.is_empty())
        .collect()
}

/// A relation seen from one of its two annotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationEnd {
    pub relation_id: RelationId,
    pub kind: RelationKind,
    /// The annotation at the other end.
    pub other: AnnotationId,
    /// Whether the relation starts at the annotation we look from.
    pub outgoing: bool,
    /// How the relation reads from here: "Supported by", "Supports", "Claimant of"...
    pub phrase: String,
}

/// The relations that start or end at `id`, in the document's relation order.
pub fn relations_of(doc: &Document, id: &AnnotationId) -> Vec<RelationEnd> {
    doc.relations
        .iter()
        .filter_map(|relation| {
            let outgoing = &relation.from == id;
            if !outgoing && &relation.to != id {
                return None;
            }
            let other = if outgoing {
                &relation.to
            } else {
                &relation.from
            };
            let from_tag = doc.annotation(&relation.from).map(|a| a.tag.as_str());
            Some(RelationEnd {
                relation_id: relation.id.clone(),
                kind: relation.kind.clone(),
                other: other.clone(),
                outgoing,
                phrase: relation_phrase(&relation.kind, outgoing, from_tag.unwrap_or("")),
            })
        })
        .collect()
}

/// How a relation of `kind` reads from its start (`outgoing`) or from its end. `from_tag` is
/// the tag of the annotation the relation starts at: an entity a claim is attributed to is
/// its claimant, one a source is attributed to is its author.
pub fn relation_phrase(kind: &RelationKind, outgoing: bool, from_tag: &str) -> String {
    let phrase = match (kind, outgoing) {
        (RelationKind::SupportedBy, true) => "Supported by",
        (RelationKind::SupportedBy, false) => "Supports",
        (RelationKind::ContradictedBy, true) => "Contradicted by",
        (RelationKind::ContradictedBy, false) => "Contradicts",
        (RelationKind::AttributedTo, true) if from_tag == CLAIM_TAG => "Claimant",
        (RelationKind::AttributedTo, true) => "Attributed to",
        (RelationKind::AttributedTo, false) if from_tag == CLAIM_TAG => "Claimant of",
        (RelationKind::AttributedTo, false) => "Author of",
        (RelationKind::About, true) => "About",
        (RelationKind::About, false) => "Subject of",
        (RelationKind::Custom(name), true) => return capitalise_name(name),
        (RelationKind::Custom(name), false) => return format!("{} (from)", capitalise_name(name)),
    };
    phrase.to_string()
}

/// The phrase for a [`LinkOption`] as seen from the annotation the link was started at.
pub fn option_phrase(doc: &Document, start: &AnnotationId, option: &LinkOption) -> String {
    let from_tag = doc
        .annotation(&option.from)
        .map(|a| a.tag.as_str())
        .unwrap_or("");
    relation_phrase(&option.kind, &option.from == start, from_tag)
}

/// The entities a claim may name as its claimant, in text order.
pub fn claimant_choices(doc: &Document) -> Vec<AnnotationId> {
    doc.annotations_in_text_order()
        .into_iter()
        .filter(|a| a.tag.as_str() == ENTITY_TAG)
        .map(|a| a.id.clone())
        .collect()
}

/// The commands that make `entity` the claim's only claimant (`None`: no claimant): every
/// other `attributed_to` link from the claim to an entity is removed, and the new one added
/// with `new_relation_id` unless it exists already.
pub fn claimant_commands(
    doc: &Document,
    claim: &AnnotationId,
    entity: Option<&AnnotationId>,
    new_relation_id: RelationId,
) -> Vec<Command> {
    let is_entity = |id: &AnnotationId| {
        doc.annotation(id)
            .is_some_and(|a| a.tag.as_str() == ENTITY_TAG)
    };
    let current: Vec<_> = doc
        .relations
        .iter()
        .filter(|r| &r.from == claim && r.kind == RelationKind::AttributedTo && is_entity(&r.to))
        .collect();
    let mut commands: Vec<Command> = current
        .iter()
        .filter(|r| Some(&r.to) != entity)
        .map(|r| Command::RemoveRelation { id: r.id.clone() })
        .collect();
    if let Some(entity) = entity {
        let exists = current.iter().any(|r| &r.to == entity);
        if !exists && check_relation(doc, claim, entity, &RelationKind::AttributedTo).is_ok() {
            commands.push(Command::AddRelation {
                id: new_relation_id,
                kind: RelationKind::AttributedTo,
                from: claim.clone(),
                to: entity.clone(),
            });
        }
    }
    commands
}

/// The value to store for what the person typed: trimmed, except multi-line text, which keeps
/// its inner layout and loses only surrounding blank space.
pub fn normalise_input(spec: &FieldSpec, input: &str) -> String {
    match spec.kind {
        FieldKind::Multiline => input
            .trim_end()
            .trim_start_matches(['\n', '\r'])
            .to_string(),
        _ => input.trim().to_string(),
    }
}

/// The command that stores `input` in field `spec` of annotation `id`, whose stored value is
/// `current`: `Ok(None)` when nothing changes, a removal when the field is cleared, and the
/// field's error (nothing stored) when the value does not fit.
pub fn attribute_command(
    id: &AnnotationId,
    spec: &FieldSpec,
    scale: &RatingScale,
    current: Option<&str>,
    input: &str,
) -> Result<Option<Command>, FieldError> {
    let value = normalise_input(spec, input);
    spec.validate_with_scale(&value, scale)?;
    if value.is_empty() {
        return Ok(current.map(|_| Command::RemoveAttribute {
            id: id.clone(),
            name: spec.key.to_string(),
        }));
    }
    if current == Some(value.as_str()) {
        return Ok(None);
    }
    Ok(Some(Command::SetAttribute {
        id: id.clone(),
        name: spec.key.to_string(),
        value,
    }))
}
