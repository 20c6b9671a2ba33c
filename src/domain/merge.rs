//! Merging annotations from a file into a document that may already hold some of them.
//!
//! Importing is two steps. [`plan_import`] decides, without touching the document, what is
//! new: content already present is not duplicated (its relations are redirected to the
//! existing annotation), an id that collides with a different annotation is never
//! overwritten but replaced by a fresh one (and relations follow), relations whose ends are
//! missing are rejected with a reason, unknown tags are added. The resulting [`ImportPlan`]
//! is then carried out as one `Command::Import` (in `command`), so
//! one undo removes exactly what the import added. Importing the same file twice adds
//! nothing the second time.
//!
//! The domain draws no random numbers, so fresh ids come from a generator the caller passes.

use crate::domain::annotation::{Annotation, AnnotationId, Relation, RelationId};
use crate::domain::change::ChangeBuilder;
use crate::domain::document::Document;
use crate::domain::tag::{Tag, TagError, TagId, Taxonomy};
use crate::domain::text::OffsetError;
use crate::domain::validate::{
    CommandError, RelationEnd, check_new_annotation_id, check_new_relation, check_range,
};
use std::collections::BTreeMap;
use std::fmt;

/// How many times the id generator is asked for an unused id before giving up on an item.
const FRESH_ID_ATTEMPTS: usize = 64;

/// What a file held, already placed in the document's text (each annotation's `anchor` says
/// how well). Relations refer to annotations by the ids the file gave them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IncomingBatch {
    pub annotations: Vec<Annotation>,
    pub relations: Vec<Relation>,
    /// The tags the file declared (those of the document with the same id win).
    pub tags: Vec<Tag>,
}

/// An item of the batch, named by the id the file gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportItem {
    Annotation(AnnotationId),
    Relation(RelationId),
}

impl fmt::Display for ImportItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportItem::Annotation(id) => write!(f, "annotation \"{id}\""),
            ImportItem::Relation(id) => write!(f, "relation \"{id}\""),
        }
    }
}

/// Why an item of the batch was left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RejectReason {
    /// A placed (not orphaned) annotation whose range is not inside the text.
    RangeOutsideText(OffsetError),
    /// A placed annotation that covers no character.
    EmptyRange,
    /// The id generator kept returning ids already in use.
    NoFreshId,
    /// A relation end that is neither in the batch nor kept from it.
    RelationEndMissing { end: RelationEnd, id: AnnotationId },
    /// Both ends of a relation are (or were merged into) the same annotation.
    SelfRelation(AnnotationId),
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RejectReason::RangeOutsideText(error) => write!(f, "it lies outside the text: {error}"),
            RejectReason::EmptyRange => write!(f, "it covers no text"),
            RejectReason::NoFreshId => write!(f, "no unused id could be found for it"),
            RejectReason::RelationEndMissing { end, id } => {
                let end = match end {
                    RelationEnd::From => "start",
                    RelationEnd::To => "end",
                };
                write!(
                    f,
                    "its {end} annotation \"{id}\" is not in the file or was left out"
                )
            }
            RejectReason::SelfRelation(id) => {
                write!(f, "it would link annotation \"{id}\" to itself")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub item: ImportItem,
    pub reason: RejectReason,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} was not imported: {}", self.item, self.reason)
    }
}

/// What an import did (or will do), for the report shown after it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Annotations added to the document.
    pub added: usize,
    /// Annotations whose content the document (or the batch before them) already held.
    pub already_present: usize,
    /// Annotations that got a fresh id because theirs was taken: (file's id, new id).
    pub renamed: Vec<(AnnotationId, AnnotationId)>,
    /// Added annotations that could not be placed in the text.
    pub orphaned: usize,
    pub relations_added: usize,
    /// Relations skipped because the same link already exists.
    pub relations_already_present: usize,
    /// Relations that got a fresh id because theirs was taken: (file's id, new id).
    pub relations_renamed: Vec<(RelationId, RelationId)>,
    pub tags_added: Vec<TagId>,
    pub rejected: Vec<Rejected>,
}

/// What an import will add, decided against one state of the document. Carry it out with
/// `Command::Import`; it is refused if the document has since changed so that it no longer
/// fits (for example an id it planned to use was taken meanwhile).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportPlan {
    tags: Vec<Tag>,
    annotations: Vec<Annotation>,
    relations: Vec<Relation>,
    summary: ImportSummary,
}

impl ImportPlan {
    pub fn summary(&self) -> &ImportSummary {
        &self.summary
    }

    /// True when the import would add nothing at all.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.annotations.is_empty() && self.relations.is_empty()
    }

    pub fn annotations(&self) -> &[Annotation] {
        &self.annotations
    }

    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }

    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }

    /// "Imported 3 annotations, 1 link and 1 tag (2 already present)".
    pub fn describe(&self) -> String {
        self.summary.describe()
    }
}

impl ImportSummary {
    /// "Imported 3 annotations, 1 link and 1 tag (2 already present)".
    pub fn describe(&self) -> String {
        let summary = self;
        let mut parts = vec![count(summary.added, "annotation", "annotations")];
        if summary.relations_added > 0 {
            parts.push(count(summary.relations_added, "link", "links"));
        }
        if !summary.tags_added.is_empty() {
            parts.push(count(summary.tags_added.len(), "tag", "tags"));
        }
        let mut notes = Vec::new();
        if summary.already_present > 0 {
            notes.push(format!("{} already present", summary.already_present));
        }
        if summary.orphaned > 0 {
            notes.push(format!("{} not found in the text", summary.orphaned));
        }
        if !summary.rejected.is_empty() {
            notes.push(format!("{} rejected", summary.rejected.len()));
        }
        let nothing_added =
            summary.added == 0 && summary.relations_added == 0 && summary.tags_added.is_empty();
        let mut sentence = match nothing_added {
            true => "Nothing new to import".to_string(),
            false => format!("Imported {}", join_with_and(&parts)),
        };
        if !notes.is_empty() {
            sentence.push_str(&format!(" ({})", notes.join(", ")));
        }
        sentence
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        _ => format!("{n} {many}"),
    }
}

fn join_with_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Decides what importing `incoming` into `document` adds. `next_id` yields candidate ids
/// for annotations and relations whose own id is taken or empty; used ids are skipped.
pub fn plan_import(
    document: &Document,
    incoming: IncomingBatch,
    next_id: &mut dyn FnMut() -> String,
) -> ImportPlan {
    let mut planner = Planner {
        document,
        taxonomy: document.tags.clone(),
        plan: ImportPlan::default(),
        id_map: BTreeMap::new(),
        next_id,
    };
    for tag in incoming.tags {
        planner.add_declared_tag(tag);
    }
    for annotation in incoming.annotations {
        planner.add_annotation(annotation);
    }
    for relation in incoming.relations {
        planner.add_relation(relation);
    }
    let mut plan = planner.plan;
    plan.summary.added = plan.annotations.len();
    plan.summary.orphaned = plan.annotations.iter().filter(|a| a.is_orphan()).count();
    plan.summary.relations_added = plan.relations.len();
    plan.summary.tags_added = plan.tags.iter().map(|t| t.id.clone()).collect();
    plan
}

struct Planner<'a> {
    document: &'a Document,
    /// The document's tags plus those the plan adds.
    taxonomy: Taxonomy,
    plan: ImportPlan,
    /// File id → id in the merged document (kept, renamed, or the existing duplicate's).
    id_map: BTreeMap<AnnotationId, AnnotationId>,
    next_id: &'a mut dyn FnMut() -> String,
}

impl Planner<'_> {
    /// Keeps the file's tag when it is valid here, else the same tag with a free key, else a
    /// tag made from the id and label ([`Taxonomy::adopt`]).
    fn add_declared_tag(&mut self, tag: Tag) {
        if self.taxonomy.contains(&tag.id) {
            return;
        }
        let id = tag.id.clone();
        self.taxonomy.adopt(tag);
        self.record_new_tag(&id);
    }

    fn ensure_tag(&mut self, id: &TagId) {
        if !self.taxonomy.contains(id) {
            self.taxonomy.ensure(id);
            self.record_new_tag(id);
        }
    }

    fn record_new_tag(&mut self, id: &TagId) {
        if let Some(tag) = self.taxonomy.get(id) {
            self.plan.tags.push(tag.clone());
        }
    }

    fn reject(&mut self, item: ImportItem, reason: RejectReason) {
        self.plan.summary.rejected.push(Rejected { item, reason });
    }

    fn add_annotation(&mut self, mut annotation: Annotation) {
        let file_id = annotation.id.clone();
        if !annotation.is_orphan() {
            let reason = match check_range(self.document, annotation.range) {
                Err(CommandError::RangeOutsideText(error)) => {
                    Some(RejectReason::RangeOutsideText(error))
                }
                Err(_) => Some(RejectReason::EmptyRange),
                Ok(()) => None,
            };
            if let Some(reason) = reason {
                self.reject(ImportItem::Annotation(file_id), reason);
                return;
            }
        }
        let existing = self
            .document
            .annotations
            .iter()
            .chain(self.plan.annotations.iter())
            .find(|other| other.same_content(&annotation))
            .map(|other| other.id.clone());
        if let Some(existing) = existing {
            self.plan.summary.already_present += 1;
            self.id_map.entry(file_id).or_insert(existing);
            return;
        }
        if self.annotation_id_taken(&file_id) {
            let Some(fresh) = self
                .fresh_id(|planner, id| planner.annotation_id_taken(&AnnotationId(id.to_string())))
            else {
                self.reject(ImportItem::Annotation(file_id), RejectReason::NoFreshId);
                return;
            };
            annotation.id = AnnotationId(fresh);
            if !file_id.0.is_empty() {
                self.plan
                    .summary
                    .renamed
                    .push((file_id.clone(), annotation.id.clone()));
            }
        }
        self.ensure_tag(&annotation.tag);
        self.id_map
            .entry(file_id)
            .or_insert_with(|| annotation.id.clone());
        self.plan.annotations.push(annotation);
    }

    fn add_relation(&mut self, mut relation: Relation) {
        let file_id = relation.id.clone();
        for (end, id) in [
            (RelationEnd::From, &mut relation.from),
            (RelationEnd::To, &mut relation.to),
        ] {
            match self.id_map.get(id) {
                Some(mapped) => *id = mapped.clone(),
                None => {
                    let id = id.clone();
                    self.reject(
                        ImportItem::Relation(file_id),
                        RejectReason::RelationEndMissing { end, id },
                    );
                    return;
                }
            }
        }
        if relation.from == relation.to {
            let id = relation.from.clone();
            self.reject(
                ImportItem::Relation(file_id),
                RejectReason::SelfRelation(id),
            );
            return;
        }
        let duplicate = self
            .document
            .relations
            .iter()
            .chain(self.plan.relations.iter())
            .any(|r| r.kind == relation.kind && r.from == relation.from && r.to == relation.to);
        if duplicate {
            self.plan.summary.relations_already_present += 1;
            return;
        }
        if self.relation_id_taken(&file_id) {
            let Some(fresh) =
                self.fresh_id(|planner, id| planner.relation_id_taken(&RelationId(id.to_string())))
            else {
                self.reject(ImportItem::Relation(file_id), RejectReason::NoFreshId);
                return;
            };
            relation.id = RelationId(fresh);
            if !file_id.0.is_empty() {
                self.plan
                    .summary
                    .relations_renamed
                    .push((file_id, relation.id.clone()));
            }
        }
        self.plan.relations.push(relation);
    }

    fn annotation_id_taken(&self, id: &AnnotationId) -> bool {
        id.0.is_empty()
            || self.document.annotation(id).is_some()
            || self.plan.annotations.iter().any(|a| &a.id == id)
    }

    fn relation_id_taken(&self, id: &RelationId) -> bool {
        id.0.is_empty()
            || self.document.relation(id).is_some()
            || self.plan.relations.iter().any(|r| &r.id == id)
    }

    fn fresh_id(&mut self, taken: impl Fn(&Self, &str) -> bool) -> Option<String> {
        for _ in 0..FRESH_ID_ATTEMPTS {
            let candidate = (self.next_id)();
            if !taken(self, &candidate) {
                return Some(candidate);
            }
        }
        None
    }
}

/// Carries out a plan through `builder`, checking each item against the document as it is
/// now; the first item that no longer fits fails the whole import (the caller reverts).
pub(crate) fn apply_import_plan(
    document: &mut Document,
    builder: &mut ChangeBuilder,
    plan: ImportPlan,
) -> Result<(), CommandError> {
    for tag in plan.tags {
        if document.tags.contains(&tag.id) {
            return Err(CommandError::InvalidTag(TagError::DuplicateId(tag.id.0)));
        }
        builder.push_tag(document, tag);
    }
    for annotation in plan.annotations {
        check_new_annotation_id(document, &annotation.id)?;
        if !document.tags.contains(&annotation.tag) {
            return Err(CommandError::UnknownTag(annotation.tag));
        }
        if !annotation.is_orphan() {
            check_range(document, annotation.range)?;
        }
        builder.push_annotation(document, annotation);
    }
    for relation in plan.relations {
        check_new_relation(document, &relation)?;
        builder.push_relation(document, relation);
    }
    Ok(())
}
