//! The benchmarks' synthetic documents (`tests/support/synthetic.rs`) are what they claim:
//! reproducible, not ASCII, annotations that quote the text, about one in five overlapping.

#[path = "support/synthetic.rs"]
mod synthetic;
use synthetic::news_document;

#[test]
fn documents_are_reproducible_and_consistent() {
    let document = news_document(20_000, 300, 7);
    assert_eq!(document, news_document(20_000, 300, 7));
    assert_ne!(document.text, news_document(20_000, 300, 8).text);
    let size = document.text.as_str().len();
    assert!((20_000..20_200).contains(&size), "size {size}");
    assert!(!document.text.as_str().is_ascii());
    assert_eq!(document.annotations.len(), 300);
    for annotation in &document.annotations {
        assert_eq!(
            document.text.slice(annotation.range),
            Ok(annotation.quote.as_str())
        );
    }
    let overlapping = document
        .annotations
        .windows(2)
        .filter(|pair| pair[0].range.overlap(&pair[1].range) > 0)
        .count();
    assert!(
        (30..=90).contains(&overlapping),
        "{overlapping} of 300 overlap"
    );
}
