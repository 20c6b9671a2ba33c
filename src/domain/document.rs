//! One article with everything made on it: metadata, tags, annotations and relations.
//!
//! This is plain data with lookups. Changes go through `command` so that each one is
//! validated and can be undone.

use crate::domain::annotation::{Annotation, AnnotationId, Relation, RelationId};
use crate::domain::sorting;
use crate::domain::tag::{TagId, Taxonomy};
use crate::domain::text::Text;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocumentId(pub String);

/// What a reader knows about where the article comes from. Every field is free text as the
/// user typed it; empty means unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    pub title: String,
    pub url: String,
    pub publisher: String,
    pub author: String,
    /// As written in the article or by the user, ideally `YYYY-MM-DD`.
    pub published: String,
    /// The article's language as a BCP 47 tag ("en", "fr-CA", "ar"), or empty when unknown.
    /// Screen readers pick their voice by it; browsers hyphenate and spell-check by it.
    pub language: String,
}

impl Metadata {
    /// The language, if it looks like a BCP 47 tag (letters, then letter/digit subtags of up
    /// to 8 characters joined by hyphens); anything else is ignored rather than handed to the
    /// browser as an invalid `lang`.
    pub fn language_tag(&self) -> Option<&str> {
        let tag = self.language.trim();
        let mut parts = tag.split('-');
        let primary = parts.next()?;
        let primary_ok =
            (2..=8).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
        let rest_ok = parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
        (primary_ok && rest_ok).then_some(tag)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub id: DocumentId,
    pub metadata: Metadata,
    pub text: Text,
    pub tags: Taxonomy,
    pub annotations: Vec<Annotation>,
    pub relations: Vec<Relation>,
}

impl Document {
    pub fn new(id: DocumentId, metadata: Metadata, text: Text) -> Self {
        Document {
            id,
            metadata,
            text,
            tags: Taxonomy::default(),
            annotations: Vec::new(),
            relations: Vec::new(),
        }
    }

    pub fn annotation(&self, id: &AnnotationId) -> Option<&Annotation> {
        self.annotations.iter().find(|a| &a.id == id)
    }

    pub fn annotation_mut(&mut self, id: &AnnotationId) -> Option<&mut Annotation> {
        self.annotations.iter_mut().find(|a| &a.id == id)
    }

    pub fn relation(&self, id: &RelationId) -> Option<&Relation> {
        self.relations.iter().find(|r| &r.id == id)
    }

    /// Relations that start or end at `id`.
    pub fn relations_of<'a>(&'a self, id: &'a AnnotationId) -> impl Iterator<Item = &'a Relation> {
        self.relations
            .iter()
            .filter(move |r| &r.from == id || &r.to == id)
    }

    /// Annotations in reading order (start, then longer first, then id).
    pub fn annotations_in_text_order(&self) -> Vec<&Annotation> {
        let mut sorted: Vec<&Annotation> = self.annotations.iter().collect();
        sorting::sort_by(&mut sorted, |a, b| text_order(a, b));
        sorted
    }

    pub fn count_by_tag(&self, tag: &TagId) -> usize {
        self.annotations.iter().filter(|a| &a.tag == tag).count()
    }

    /// How many annotations each tag has, in one pass (a tag without any is absent).
    pub fn counts_by_tag(&self) -> std::collections::HashMap<&TagId, usize> {
        let mut counts = std::collections::HashMap::new();
        for annotation in &self.annotations {
            *counts.entry(&annotation.tag).or_insert(0) += 1;
        }
        counts
    }
}

/// Text order: by start, the longer of two starting together first, then by id (a total
/// order: ids are unique).
pub fn text_order(a: &Annotation, b: &Annotation) -> std::cmp::Ordering {
    a.start()
        .cmp(&b.start())
        .then(b.end().cmp(&a.end()))
        .then(a.id.cmp(&b.id))
}
