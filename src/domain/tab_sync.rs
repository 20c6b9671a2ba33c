//! Placeholder until the three-way merge lands.
use crate::domain::document::Document;
pub struct MergedRevision {
    pub document: Document,
    pub conflicts: Vec<String>,
}
pub fn merge_revisions(_base: &Document, _ours: &Document, theirs: &Document) -> MergedRevision {
    MergedRevision {
        document: theirs.clone(),
        conflicts: Vec::new(),
    }
}
