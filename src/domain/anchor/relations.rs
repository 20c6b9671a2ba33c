//! Relations of an imported batch, pointed at the ids the annotations were given.
//!
//! Files name the ends of a relation by their own ids; a relation survives only when both
//! ends were placed (orphans count: they are kept), else a problem says which end is missing.

use crate::domain::annotation::{AnnotationId, Relation, RelationId, RelationKind};
use crate::domain::import::{ImportBatch, Problem};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) fn place_relations(
    batch: &ImportBatch,
    placed_ids: &BTreeMap<&str, AnnotationId>,
    rejected_ids: &BTreeSet<&str>,
    new_id: &mut dyn FnMut() -> String,
    relations: &mut Vec<Relation>,
    problems: &mut Vec<Problem>,
) {
    let mut used_ids: BTreeSet<String> = BTreeSet::new();
    for (number, relation) in batch.relations.iter().enumerate() {
        let location = if relation.location.is_empty() {
            format!("relation #{}", number + 1)
        } else {
            relation.location.clone()
        };
        let end = |file_id: &str| match placed_ids.get(file_id) {
            Some(id) => Ok(id.clone()),
            None if rejected_ids.contains(file_id) => Err(format!(
                "the relation's annotation {file_id} was skipped, so the relation is skipped too"
            )),
            None => Err(format!(
                "the relation points to annotation {file_id}, which is not in the file; skipped"
            )),
        };
        let (from, to) = match (end(&relation.from), end(&relation.to)) {
            (Ok(from), Ok(to)) => (from, to),
            (Err(message), _) | (_, Err(message)) => {
                problems.push(Problem::error(location, message));
                continue;
            }
        };
        let id = match &relation.id {
            Some(id) if !used_ids.contains(id) => id.clone(),
            _ => new_id(),
        };
        used_ids.insert(id.clone());
        relations.push(Relation {
            id: RelationId(id),
            kind: RelationKind::parse(&relation.kind),
            from,
            to,
        });
    }
}
