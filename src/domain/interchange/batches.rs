//! Files that hold several documents (JSONL, Label Studio): one import takes the first.

use crate::domain::import::{ImportBatch, OffsetUnit, Problem};

/// One batch from a file that may hold several documents: the first document read (with
/// the problems of every part that could not be read), and a warning for each further
/// document, which the caller imports separately.
pub(crate) fn first_document(batches: Vec<(String, ImportBatch)>, format: &str) -> ImportBatch {
    let mut chosen: Option<ImportBatch> = None;
    let mut problems = Vec::new();
    for (location, batch) in batches {
        let is_document = batch.text.is_some() || !batch.annotations.is_empty();
        match &chosen {
            None if is_document => chosen = Some(batch),
            Some(_) if is_document => problems.push(Problem::warning(
                location,
                format!(
                    "another document ({} annotations) in the same file was not imported with the first; import it on its own",
                    batch.annotations.len()
                ),
            )),
            _ => problems.extend(batch.problems),
        }
    }
    let mut batch = chosen.unwrap_or_else(|| {
        let mut empty = ImportBatch::new(format);
        empty.offset_unit = Some(OffsetUnit::CodePoint);
        empty
    });
    batch.problems.extend(problems);
    batch
}

/// Whether both ends of `relation` are annotations with a place in the text.
pub(crate) fn both_ends_placed(
    document: &crate::domain::document::Document,
    relation: &crate::domain::annotation::Relation,
) -> bool {
    [&relation.from, &relation.to].into_iter().all(|id| {
        document
            .annotation(id)
            .is_some_and(|annotation| !annotation.is_orphan())
    })
}
