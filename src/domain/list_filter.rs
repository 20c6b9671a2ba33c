//! Which annotations the annotation list shows: the tags the person hid, and a search over
//! quotes and notes. The list renders only a page of what matches, but says how many match in
//! all, so both come from one pass here, tested natively rather than only through the browser.

use crate::domain::annotation::Annotation;
use crate::domain::document::{Document, text_order};
use crate::domain::sorting;
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

    /// The filter ready to test annotations (the search folded once). The search ignores
    /// case as Unicode's lower case sees it.
    pub fn matcher(&self) -> Matcher<'_> {
        let search = self.search.trim();
        Matcher {
            hidden_tags: &self.hidden_tags,
            needle: if search.is_empty() {
                String::new()
            } else {
                search.to_lowercase()
            },
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
    let mut shown: Vec<&Annotation> = document
        .annotations
        .iter()
        .filter(|a| matcher.matches(a))
        .collect();
    let matching = shown.len();
    // Only the first `limit` are put in order: the list is rebuilt after every edit, and
    // sorting 20,000 annotations to show a page of them cost milliseconds each time.
    if limit < shown.len() {
        shown.select_nth_unstable_by(limit, |a, b| text_order(a, b));
        shown.truncate(limit);
    }
    sorting::sort_by(&mut shown, |a, b| text_order(a, b));
    FilteredList { shown, matching }
}
