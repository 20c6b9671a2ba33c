//! Which relations make sense between fact-checking tags, and the lookups that follow them.
//!
//! The built-in kinds carry meaning the exports rely on (a claim's `attributed_to` entity is
//! its claimant in `ClaimReview`; its `supported_by` sources fill the report), so they are only
//! offered where that meaning holds:
//!
//! | from → to        | built-in kinds                      |
//! |------------------|-------------------------------------|
//! | claim → source   | `supported_by`, `contradicted_by`   |
//! | claim → entity   | `attributed_to` (the claimant), `about` |
//! | source → entity  | `attributed_to`, `about`            |
//!
//! A custom kind (any other non-empty name) may link any two annotations: the user knows what
//! it means, we do not interpret it.

use crate::domain::annotation::{Annotation, AnnotationId, RelationKind};
use crate::domain::document::Document;
use crate::domain::factcheck::{CLAIM_TAG, ENTITY_TAG, SOURCE_TAG};
use crate::domain::sorting;
use crate::domain::tag::TagId;
use std::fmt;

/// Why a relation may not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RelationRuleError {
    UnknownAnnotation {
        id: AnnotationId,
    },
    ToItself {
        id: AnnotationId,
    },
    EmptyCustomKind,
    KindNotAllowed {
        kind: RelationKind,
        from_tag: TagId,
        to_tag: TagId,
        allowed: Vec<RelationKind>,
    },
    AlreadyLinked {
        kind: RelationKind,
    },
}

impl fmt::Display for RelationRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RelationRuleError::UnknownAnnotation { id } => {
                write!(f, "there is no annotation \"{id}\" in this document")
            }
            RelationRuleError::ToItself { id } => {
                write!(f, "annotation \"{id}\" cannot be linked to itself")
            }
            RelationRuleError::EmptyCustomKind => write!(f, "a relation needs a name"),
            RelationRuleError::KindNotAllowed {
                kind,
                from_tag,
                to_tag,
                allowed,
            } => {
                write!(
                    f,
                    "a {from_tag} cannot be \"{}\" a {to_tag}; ",
                    kind.label()
                )?;
                if allowed.is_empty() {
                    write!(f, "use a custom relation name")
                } else {
                    let names: Vec<String> = allowed.iter().map(RelationKind::label).collect();
                    write!(f, "choose {} or a custom relation name", names.join(", "))
                }
            }
            RelationRuleError::AlreadyLinked { kind } => {
                write!(f, "these two are already linked as \"{}\"", kind.label())
            }
        }
    }
}

impl std::error::Error for RelationRuleError {}

/// The built-in kinds allowed from a `from_tag` annotation to a `to_tag` one, in the order the
/// UI offers them. Custom kinds are always allowed in addition.
pub fn allowed_kinds(from_tag: &TagId, to_tag: &TagId) -> Vec<RelationKind> {
    match (from_tag.as_str(), to_tag.as_str()) {
        (CLAIM_TAG, SOURCE_TAG) => vec![RelationKind::SupportedBy, RelationKind::ContradictedBy],
        (CLAIM_TAG, ENTITY_TAG) | (SOURCE_TAG, ENTITY_TAG) => {
            vec![RelationKind::AttributedTo, RelationKind::About]
        }
        _ => Vec::new(),
    }
}

/// Whether a relation of `kind` from `from` to `to` may be added to `doc`: both exist, are not
/// the same annotation, the kind suits their tags, and the same link does not exist yet.
pub fn check_relation(
    doc: &Document,
    from: &AnnotationId,
    to: &AnnotationId,
    kind: &RelationKind,
) -> Result<(), RelationRuleError> {
    let from_annotation = doc
        .annotation(from)
        .ok_or_else(|| RelationRuleError::UnknownAnnotation { id: from.clone() })?;
    let to_annotation = doc
        .annotation(to)
        .ok_or_else(|| RelationRuleError::UnknownAnnotation { id: to.clone() })?;
    if from == to {
        return Err(RelationRuleError::ToItself { id: from.clone() });
    }
    match kind {
        RelationKind::Custom(name) if name.trim().is_empty() => {
            return Err(RelationRuleError::EmptyCustomKind);
        }
        RelationKind::Custom(_) => {}
        built_in => {
            let allowed = allowed_kinds(&from_annotation.tag, &to_annotation.tag);
            if !allowed.contains(built_in) {
                return Err(RelationRuleError::KindNotAllowed {
                    kind: built_in.clone(),
                    from_tag: from_annotation.tag.clone(),
                    to_tag: to_annotation.tag.clone(),
                    allowed,
                });
            }
        }
    }
    let exists = doc
        .relations
        .iter()
        .any(|r| &r.from == from && &r.to == to && &r.kind == kind);
    if exists {
        return Err(RelationRuleError::AlreadyLinked { kind: kind.clone() });
    }
    Ok(())
}

/// Who made the claim: the first entity (in relation order) the claim is `attributed_to`.
pub fn claimant<'a>(doc: &'a Document, claim_id: &AnnotationId) -> Option<&'a Annotation> {
    doc.relations
        .iter()
        .filter(|r| &r.from == claim_id && r.kind == RelationKind::AttributedTo)
        .filter_map(|r| doc.annotation(&r.to))
        .find(|target| target.tag.as_str() == ENTITY_TAG)
}

/// The sources the claim is linked to, with the kind of each link, in text order of the
/// sources (then relation order). Custom kinds to a source are included.
pub fn sources<'a>(
    doc: &'a Document,
    claim_id: &AnnotationId,
) -> Vec<(RelationKind, &'a Annotation)> {
    let mut linked: Vec<(RelationKind, &Annotation)> = doc
        .relations
        .iter()
        .filter(|r| &r.from == claim_id)
        .filter_map(|r| doc.annotation(&r.to).map(|target| (r.kind.clone(), target)))
        .filter(|(_, target)| target.tag.as_str() == SOURCE_TAG)
        .collect();
    sorting::sort_by(&mut linked, |(_, a), (_, b)| {
        a.start().cmp(&b.start()).then(a.end().cmp(&b.end()))
    });
    linked
}
