//! The compact stored entry (entry version 2): what the text already says is left out and
//! derived again on reading, entries of version 1 still open, and a 1 MB article with
//! 20,000 annotations fits the browser's storage.

use annotator::domain::annotation::{AnchorStatus, Annotation, AnnotationId};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::format::library::{
    ENTRY_VERSION, EntryError, StoredEntry, read_entry, write_entry, write_entry_version_1,
};
#[path = "support/synthetic.rs"]
mod synthetic;
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use serde_json::{Value, json};
use synthetic::news_document;

/// What the browser gives an origin, in UTF-16 characters (web/storage/error.rs assumes the same).
const BROWSER_QUOTA_CHARS: usize = 5 * 1024 * 1024;

fn annotation(doc: &Document, id: &str, start: usize, end: usize) -> Annotation {
    let range = TextRange::from_code_points(start, end).expect("ordered");
    Annotation::new(
        AnnotationId(id.into()),
        TagId("claim".into()),
        &doc.text,
        range,
        "2024-05-02T09:00:00Z",
    )
    .expect("inside the text")
}

/// Exact annotations at the start, middle and end (empty and clipped contexts), one whose
/// context was changed by hand, one orphan whose quote no longer matches, a note and an
/// attribute: every case where a field may or may not be left out.
fn mixed_document() -> Document {
    let text = "Zürich 👍🏽 officials said on Tuesday that inflation would fall.\n\nSecond paragraph ends here";
    let mut doc = Document::new(
        DocumentId("doc-mixed".into()),
        Metadata {
            title: "Mixed".into(),
            ..Metadata::default()
        },
        Text::new(text),
    );
    let length = doc.text.len();
    let mut at_start = annotation(&doc, "a-start", 0, 6);
    at_start.note = "checked".into();
    let mut middle = annotation(&doc, "a-middle", 20, 24);
    middle.attributes.insert("verdict".into(), "false".into());
    let at_end = annotation(&doc, "a-end", length - 4, length);
    let mut hand_context = annotation(&doc, "a-context", 30, 37);
    hand_context.prefix = "something else before".into();
    hand_context.suffix = String::new();
    let mut orphan = annotation(&doc, "a-orphan", 40, 49);
    orphan.quote = "a quote the text lost".into();
    orphan.anchor = AnchorStatus::Orphaned;
    doc.annotations = vec![at_start, middle, at_end, hand_context, orphan];
    doc
}

fn in_text_order(mut doc: Document) -> Document {
    doc.annotations = doc
        .annotations_in_text_order()
        .into_iter()
        .cloned()
        .collect();
    doc
}

fn read_ok(raw: &str) -> StoredEntry {
    match read_entry(raw) {
        Ok(entry) => entry,
        Err(error) => panic!("entry does not read: {error}"),
    }
}

fn stored_annotation(raw: &str, id: &str) -> Value {
    let value: Value = serde_json::from_str(raw).expect("JSON");
    value["annotations"]
        .as_array()
        .and_then(|list| list.iter().find(|a| a["id"] == json!(id)).cloned())
        .unwrap_or(Value::Null)
}

/// Both layouts read back to the same document, with no problems.
#[test]
fn both_entry_versions_read_back_to_the_same_document() {
    let documents = [mixed_document(), news_document(20_000, 300, 3)];
    for doc in documents {
        for (layout, raw) in [
            ("version 1", write_entry_version_1(&doc, 4, "2026-01-01")),
            ("version 2", write_entry(&doc, 4, "2026-01-01")),
        ] {
            let entry = read_ok(&raw);
            assert_eq!(
                entry.document,
                in_text_order(doc.clone()),
                "{layout} of {}",
                doc.id.0
            );
            assert_eq!(entry.problems, vec![], "{layout} of {}", doc.id.0);
            assert_eq!((entry.revision, entry.saved.as_str()), (4, "2026-01-01"));
        }
    }
}

/// Which fields each annotation keeps in version 2: only what the text cannot give back.
#[test]
fn version_2_leaves_out_exactly_what_the_text_gives_back() {
    let raw = write_entry(&mixed_document(), 1, "s");
    let value: Value = serde_json::from_str(&raw).expect("JSON");
    assert_eq!(value["entry_version"], json!(ENTRY_VERSION));
    assert!(!raw.contains("\n  "), "compact, not pretty");
    let fields = ["quote", "prefix", "suffix", "note", "attributes"];
    let cases: [(&str, [bool; 5]); 5] = [
        ("a-start", [false, false, false, true, false]),
        ("a-middle", [false, false, false, false, true]),
        ("a-end", [false, false, false, false, false]),
        ("a-context", [false, true, true, false, false]),
        ("a-orphan", [true, false, false, false, false]),
    ];
    for (id, kept) in cases {
        let stored = stored_annotation(&raw, id);
        let present: Vec<bool> = fields.iter().map(|f| stored.get(*f).is_some()).collect();
        assert_eq!(present, kept, "{id}: fields {fields:?} in {stored}");
    }
    let hand = stored_annotation(&raw, "a-context");
    assert_eq!(
        (hand["prefix"].as_str(), hand["suffix"].as_str()),
        (Some("something else before"), Some(""))
    );
}

/// An entry of version 1 keeps its stored context even when the text would give another one
/// (it was never derived).
#[test]
fn version_1_context_is_taken_as_stored() {
    let doc = mixed_document();
    let mut value: Value =
        serde_json::from_str(&write_entry_version_1(&doc, 1, "s")).expect("JSON");
    assert!(value.get("entry_version").is_none());
    value["annotations"][0]["prefix"] = json!("stored prefix");
    let entry = read_ok(&value.to_string());
    let first = entry.document.annotations.first().expect("annotations");
    assert_eq!(
        (first.id.as_str(), first.prefix.as_str()),
        ("a-start", "stored prefix")
    );
}

#[test]
fn newer_and_broken_entry_versions_are_errors() {
    let doc = mixed_document();
    let mut value: Value = serde_json::from_str(&write_entry(&doc, 1, "s")).expect("JSON");
    value["entry_version"] = json!(ENTRY_VERSION + 1);
    match read_entry(&value.to_string()) {
        Err(EntryError::WrittenByNewerVersion {
            found, read_only, ..
        }) => {
            assert_eq!(found, ENTRY_VERSION + 1);
            assert_eq!(read_only.map(|e| e.document.annotations.len()), Some(5));
        }
        other => panic!("expected a newer-version error, got {other:?}"),
    }
    value["entry_version"] = json!("two");
    assert!(matches!(
        read_entry(&value.to_string()),
        Err(EntryError::Unreadable { .. })
    ));
}

/// The reason for version 2: the benchmark's biggest article fits the browser's storage.
#[test]
fn a_1_mb_article_with_20000_annotations_fits_the_browser_storage() {
    let doc = news_document(1 << 20, 20_000, 42);
    let utf16 = |raw: &str| raw.encode_utf16().count();
    let compact = write_entry(&doc, 1, "2026-01-01T00:00:00Z");
    let full = write_entry_version_1(&doc, 1, "2026-01-01T00:00:00Z");
    assert!(
        utf16(&full) > BROWSER_QUOTA_CHARS,
        "version 1 ({} chars) would fit after all",
        utf16(&full)
    );
    assert!(
        utf16(&compact) < BROWSER_QUOTA_CHARS * 3 / 4,
        "version 2 is {} chars",
        utf16(&compact)
    );
    assert_eq!(read_ok(&compact).document, in_text_order(doc));
}
