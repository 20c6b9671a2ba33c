//! Which annotations the annotation list shows: the tags the person hid, and a search over
//! quotes and notes. The list renders only a page of what matches, but says how many match in
//! all, so both come from one pass here, tested natively rather than only through the browser.

use crate::domain::annotation::Annotation;
use crate::domain::document::Document;
use crate::domain::tag::TagId;

/// The annotation list's filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Tags hidden from the list; empty shows all.
    pub hidden_tags: Vec<TagId>,
    /// Text to find in quotes and notes, case-insensitively; blank finds everything.
    pub search: String,
}

impl ListFilter {
    /// Shows the tag if it is hidden, hides it if it is shown.
    pub fn toggle_tag(&mut self, tag: TagId) {
        match self.hidden_tags.iter().position(|t| *t == tag) {
            Some(at) => {
                self.hidden_tags.remove(at);
            }
            None => self.hidden_tags.push(tag),
        }
    }

    pub fn shows_tag(&self, tag: &TagId) -> bool {
        !self.hidden_tags.contains(tag)
    }

    /// The filter ready to test annotations (the search lower-cased once).
    pub fn matcher(&self) -> Matcher<'_> {
        Matcher {
            hidden_tags: &self.hidden_tags,
            needle: self.search.trim().to_lowercase(),
        }
    }
}

/// A [`ListFilter`] prepared for testing many annotations.
pub struct Matcher<'a> {
    hidden_tags: &'a [TagId],
    needle: String,
}

impl Matcher<'_> {
    pub fn matches(&self, annotation: &Annotation) -> bool {
        !self.hidden_tags.contains(&annotation.tag)
            && (self.needle.is_empty()
                || annotation.quote.to_lowercase().contains(&self.needle)
                || annotation.note.to_lowercase().contains(&self.needle))
    }
}

/// What the list shows: the first matching annotations in text order, and how many match.
#[derive(Debug, PartialEq)]
pub struct FilteredList<'a> {
    /// At most the `limit` given, in text order.
    pub shown: Vec<&'a Annotation>,
    /// Every annotation the filter lets through, shown or not.
    pub matching: usize,
}

/// The annotations of `document` that `filter` lets through, in text order, the first
/// `limit` of them kept.
pub fn filter_annotations<'a>(
    document: &'a Document,
    filter: &ListFilter,
    limit: usize,
) -> FilteredList<'a> {
    let matcher = filter.matcher();
    let mut shown = Vec::with_capacity(limit.min(document.annotations.len()));
    let mut matching = 0;
    for annotation in document.annotations_in_text_order() {
        if !matcher.matches(annotation) {
            continue;
        }
        matching += 1;
        if shown.len() < limit {
            shown.push(annotation);
        }
    }
    FilteredList { shown, matching }
}
