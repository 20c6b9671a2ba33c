//! The Library's row words: counts by tag name with correct plurals, and what tells
//! look-alike rows apart.

use annotator::domain::format::library::IndexEntry;
use annotator::domain::library_rows::{RowWords, counted, row_words};
use std::collections::BTreeMap;

fn row(id: &str, title: &str, hash: &str, counts: &[(&str, usize)]) -> IndexEntry {
    IndexEntry {
        id: id.into(),
        title: title.into(),
        text_sha256: hash.into(),
        counts: counts.iter().map(|(t, n)| (t.to_string(), *n)).collect(),
        annotation_count: counts.iter().map(|(_, n)| n).sum(),
        modified: "2026-12-03T09:15:42Z".into(),
        ..IndexEntry::default()
    }
}

#[test]
fn counts_use_tag_names_and_say_one_or_many() {
    let mut one = row("a", "Budget", "h1", &[("claim", 1)]);
    one.tag_names = BTreeMap::from([("claim".to_string(), "Claim".to_string())]);
    let mut many = row("b", "Harbour", "h2", &[("claim", 2), ("src", 3)]);
    many.tag_names = BTreeMap::from([
        ("claim".to_string(), "Claim".to_string()),
        ("src".to_string(), "Source".to_string()),
    ]);
    let old = row("c", "Old row", "", &[("claim", 1)]);
    let none = row("d", "Empty", "h3", &[]);
    let words = row_words(&[one, many, old, none]);
    assert_eq!(words["a"].counts, "1 annotation: Claim 1");
    assert_eq!(words["b"].counts, "5 annotations: Source 3, Claim 2");
    assert_eq!(
        words["c"].counts, "1 annotation: claim 1",
        "an older row shows the id"
    );
    assert_eq!(words["d"].counts, "No annotations");
    assert!(
        words.values().all(|w| w.tells_apart.is_none()),
        "no titles shared"
    );
}

#[test]
fn look_alike_rows_say_where_they_come_from_and_how_their_text_compares() {
    let mut first = row("a", "Mayor claims crime fell", "same", &[]);
    first.url = "https://news.example/mayor/".into();
    let second = row("b", " mayor claims crime fell", "same", &[]);
    let edited = row("c", "Mayor claims crime fell", "edited", &[]);
    let unrelated = row("d", "Another", "same", &[]);
    let words = row_words(&[first, second, edited, unrelated]);
    assert_eq!(
        words["a"].tells_apart.as_deref(),
        Some("news.example/mayor · same text as 1 other")
    );
    assert_eq!(
        words["b"].tells_apart.as_deref(),
        Some("same text as 1 other")
    );
    assert_eq!(
        words["c"].tells_apart.as_deref(),
        Some("different text from the others with this title")
    );
    assert_eq!(words["d"].tells_apart, None);
}

#[test]
fn look_alikes_without_hashes_fall_back_to_when_they_were_saved() {
    let words = row_words(&[row("a", "Same", "", &[]), row("b", "Same", "", &[])]);
    assert_eq!(
        words["a"],
        RowWords {
            counts: "No annotations".into(),
            tells_apart: Some("saved 2026-12-03 09:15".into()),
        }
    );
    assert_eq!(counted(1, "other", "others"), "1 other");
    assert_eq!(counted(0, "other", "others"), "0 others");
}
