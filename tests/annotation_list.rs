//! The annotation list's filter: hidden tags, a case-insensitive search over quotes and
//! notes, text order, and a page of what matches with the count of all that match.

use annotator::domain::annotation::{Annotation, AnnotationId};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::list_filter::{ListFilter, filter_annotations};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use proptest::prelude::*;

const ARTICLE: &str = "Die Ministerin sagte, die Arbeitslosigkeit sei in Zürich gefallen. \
Kritiker ÄUSSERTEN Zweifel. The office published figures on Tuesday.";

fn document_with(annotations: &[(&str, &str, &str, &str)]) -> Document {
    let text = Text::new(ARTICLE);
    let mut document = Document::new(DocumentId("d".into()), Metadata::default(), text);
    for (id, tag, quote, note) in annotations {
        let byte = ARTICLE.find(quote).expect("quote is in the article");
        let start = ARTICLE[..byte].chars().count();
        let range = TextRange::from_code_points(start, start + quote.chars().count())
            .expect("ordered range");
        let mut annotation = Annotation::new(
            AnnotationId(id.to_string()),
            TagId(tag.to_string()),
            &document.text,
            range,
            "2026-01-01T00:00:00Z",
        )
        .expect("range in text");
        annotation.note = note.to_string();
        document.annotations.push(annotation);
    }
    document
}

fn ids(list: &[&Annotation]) -> Vec<String> {
    list.iter().map(|a| a.id.0.clone()).collect()
}

fn sample() -> Document {
    // Stored out of text order on purpose: the list is in text order.
    document_with(&[
        ("a3", "source", "The office published figures", ""),
        (
            "a1",
            "claim",
            "die Arbeitslosigkeit sei in Zürich gefallen",
            "Check the statistics",
        ),
        ("a2", "entity", "Kritiker", "who exactly?"),
        ("a4", "entity", "Zürich", ""),
    ])
}

#[test]
fn no_filter_lists_everything_in_text_order() {
    let document = sample();
    let list = filter_annotations(&document, &ListFilter::default(), 100);
    assert_eq!(ids(&list.shown), ["a1", "a4", "a2", "a3"]);
    assert_eq!(list.matching, 4);
}

#[test]
fn hidden_tags_leave_the_list() {
    let document = sample();
    let mut filter = ListFilter::default();
    filter.toggle_tag(TagId("entity".into()));
    assert!(!filter.shows_tag(&TagId("entity".into())));
    let list = filter_annotations(&document, &filter, 100);
    assert_eq!(ids(&list.shown), ["a1", "a3"]);
    assert_eq!(list.matching, 2);
    filter.toggle_tag(TagId("entity".into()));
    assert_eq!(filter, ListFilter::default());
}

#[test]
fn search_finds_quotes_and_notes_ignoring_case_and_surrounding_space() {
    let document = sample();
    let search = |text: &str| {
        let filter = ListFilter {
            hidden_tags: Vec::new(),
            search: text.to_string(),
        };
        ids(&filter_annotations(&document, &filter, 100).shown)
    };
    assert_eq!(search("zürich"), ["a1", "a4"]);
    assert_eq!(search("  ZÜRICH "), ["a1", "a4"]);
    assert_eq!(search("statistics"), ["a1"], "a note matches");
    assert_eq!(search("WHO EXACTLY"), ["a2"]);
    assert_eq!(search("nowhere"), Vec::<String>::new());
    assert_eq!(search("   "), ["a1", "a4", "a2", "a3"], "blank finds all");
}

#[test]
fn search_and_hidden_tags_combine() {
    let document = sample();
    let filter = ListFilter {
        hidden_tags: vec![TagId("claim".into())],
        search: "zürich".into(),
    };
    let list = filter_annotations(&document, &filter, 100);
    assert_eq!(ids(&list.shown), ["a4"]);
}

#[test]
fn a_page_is_shown_and_every_match_counted() {
    let document = sample();
    let list = filter_annotations(&document, &ListFilter::default(), 2);
    assert_eq!(ids(&list.shown), ["a1", "a4"]);
    assert_eq!(list.matching, 4);
    let none = filter_annotations(&document, &ListFilter::default(), 0);
    assert!(none.shown.is_empty());
    assert_eq!(none.matching, 4);
}

proptest! {
    /// Whatever the filter and the page size, the page is the first matches in text order
    /// and the count is every annotation the filter lets through.
    #[test]
    fn the_page_is_a_prefix_of_all_matches(
        hide in proptest::collection::vec(prop_oneof!["claim", "source", "entity"], 0..3),
        search in prop_oneof!["", "z", "Ü", "the", "e", "who", "xyz"],
        limit in 0usize..6,
    ) {
        let document = sample();
        let filter = ListFilter {
            hidden_tags: hide.into_iter().map(TagId).collect(),
            search: search.to_string(),
        };
        let all = filter_annotations(&document, &filter, usize::MAX);
        let page = filter_annotations(&document, &filter, limit);
        prop_assert_eq!(page.matching, all.shown.len());
        prop_assert_eq!(page.matching, all.matching);
        prop_assert_eq!(&page.shown[..], &all.shown[..limit.min(all.shown.len())]);
        for annotation in &all.shown {
            prop_assert!(!filter.hidden_tags.contains(&annotation.tag));
        }
    }
}

proptest! {
    /// Only the page is put in order (not every annotation): it is still exactly the first
    /// `limit` annotations of the document's text order that match, whatever order they are
    /// stored in, ties on the start included.
    #[test]
    fn the_page_is_the_text_order_prefix(
        spans in proptest::collection::vec((0usize..60, 1usize..8, 0usize..3), 0..40),
        limit in 0usize..12,
        hide_claims in any::<bool>(),
    ) {
        let text = Text::new(ARTICLE);
        let mut document = Document::new(DocumentId("d".into()), Metadata::default(), text);
        for (n, (start, length, tag)) in spans.iter().enumerate() {
            let range = TextRange::from_code_points(*start, start + length).expect("ordered range");
            let tag = ["claim", "source", "entity"][*tag];
            document.annotations.push(
                Annotation::new(
                    AnnotationId(format!("a{}", 97 - n)),
                    TagId(tag.to_string()),
                    &document.text,
                    range,
                    "2026-01-01T00:00:00Z",
                )
                .expect("range in text"),
            );
        }
        let filter = ListFilter {
            hidden_tags: if hide_claims { vec![TagId("claim".into())].into_iter().collect() } else { Default::default() },
            search: String::new(),
        };
        let expected: Vec<&Annotation> = document
            .annotations_in_text_order()
            .into_iter()
            .filter(|a| !(hide_claims && a.tag.as_str() == "claim"))
            .collect();
        let page = filter_annotations(&document, &filter, limit);
        prop_assert_eq!(page.matching, expected.len());
        prop_assert_eq!(ids(&page.shown), ids(&expected[..limit.min(expected.len())]));
    }
}

#[test]
fn counts_by_tag_match_counting_each_tag() {
    let document = sample();
    let counts = document.counts_by_tag();
    for tag in ["claim", "source", "entity", "unused"] {
        let tag = TagId(tag.to_string());
        assert_eq!(
            counts.get(&tag).copied().unwrap_or(0),
            document.count_by_tag(&tag)
        );
    }
    assert_eq!(counts.get(&TagId("entity".into())), Some(&2));
}
