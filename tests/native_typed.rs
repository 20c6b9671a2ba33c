//! The native format's two readers agree: the typed one (the fast path for files this app
//! writes, no `serde_json::Value` tree) gives exactly what the field-by-field one gives for
//! every file it accepts, and gives way to it for every file it cannot read that exactly.

use annotator::domain::format::library::{read_entry, write_entry, write_entry_version_1};
use annotator::domain::format::native::{
    WriteOptions, read_native_by_fields, read_native_detailed, read_native_typed, write_document,
};
#[path = "support/synthetic.rs"]
mod synthetic;
use serde_json::{Value, json};
use synthetic::news_document;

/// The typed reading of `input`, checked against the field-by-field one.
fn typed_agrees(input: &str) -> bool {
    let fields = read_native_by_fields(input);
    match read_native_typed(input) {
        Some(typed) => {
            assert_eq!(typed, fields, "the readers disagree on {input:.300}");
            assert_eq!(read_native_detailed(input), fields);
            true
        }
        None => {
            assert_eq!(read_native_detailed(input), fields);
            false
        }
    }
}

/// A small current-version file with one annotation made of `annotation`.
fn file_with(annotation: Value) -> String {
    json!({
        "format": "article-annotator",
        "version": 1,
        "offset_unit": "codepoint",
        "document": { "id": "d1", "title": "T", "text": "Alpha beta gamma delta.\n\nSecond \"para\"." },
        "tags": [{ "id": "claim", "label": "Claim", "color": "#d62728", "key": "c", "description": "" }],
        "annotations": [annotation],
        "relations": []
    })
    .to_string()
}

#[test]
fn what_the_app_writes_is_read_on_the_typed_path_with_the_same_result() {
    for (size, count) in [(10_000, 100), (10_000, 1_000), (100_000, 5_000)] {
        let document = news_document(size, count, 7);
        let entry = write_entry(&document, 3, "2026-01-01T00:00:00Z");
        assert!(typed_agrees(&entry), "a stored entry takes the typed path");
        let exported = write_document(&document, &WriteOptions::default());
        assert!(typed_agrees(&exported), "an export takes the typed path");
        // Version-1 entries (everything written out, pretty) too.
        let old = write_entry_version_1(&document, 3, "2026-01-01T00:00:00Z");
        assert!(typed_agrees(&old), "a version-1 entry takes the typed path");
        let stored = read_entry(&entry).expect("reads");
        let mut in_text_order = document.clone();
        in_text_order.annotations = document
            .annotations_in_text_order()
            .into_iter()
            .cloned()
            .collect();
        assert_eq!(
            stored.document, in_text_order,
            "the stored entry opens as written"
        );
        assert_eq!(stored.revision, 3);
    }
}

#[test]
fn problems_of_well_typed_files_are_the_same_on_both_paths() {
    let typed = [
        json!({ "id": "a1", "tag": "claim", "start": 0, "end": 5 }),
        json!({ "tag": "claim", "start": 0, "end": 5 }),
        json!({ "id": "", "tag": "claim", "start": 0, "end": 5 }),
        json!({ "id": "a1", "start": 0, "end": 5 }),
        json!({ "id": "a1", "tag": "", "start": 0, "end": 5 }),
        json!({ "id": "a1", "tag": "claim", "start": 9, "end": 5 }),
        json!({ "id": "a1", "tag": "claim", "end": 5 }),
        json!({ "id": "a1", "tag": "claim", "start": null, "end": null }),
        json!({ "id": "a1", "tag": "claim", "start": 0, "end": 500 }),
        json!({ "id": "a1", "tag": "source", "start": 0, "end": 5 }),
        json!({ "id": "a1", "tag": "claim", "start": 0, "end": 5, "quote": "Wrong" }),
        json!({ "id": "a1", "tag": "claim", "start": 25, "end": 40, "quote": "Second \"para\"", "prefix": "\n\n", "suffix": "." }),
        json!({ "id": "a1", "tag": "claim", "start": 0, "end": 5, "anchor": "fuzzy" }),
        json!({ "id": "a1", "tag": "claim", "start": 0, "end": 5, "anchor": "fuzzy", "anchor_score": 0.5 }),
        json!({ "id": "a1", "tag": "claim", "start": 0, "end": 5, "anchor": "fuzzy", "anchor_score": 7 }),
        json!({ "id": "a1", "tag": "claim", "start": 0, "end": 5, "anchor": "sideways" }),
        json!({ "id": "a1", "tag": "claim", "start": 0, "end": 5, "anchor": "orphaned" }),
        json!({ "id": "a1", "tag": "claim", "start": 0, "end": 5, "note": "said \"so\"\nthen", "attributes": { "n": 3, "b": true, "s": "x", "l": [1], "z": null } }),
        json!({ "id": "a1", "tag": "claim", "start": 0, "end": 5, "attributes": null, "note": null, "created": "2026-01-01T00:00:00Z" }),
    ];
    for annotation in typed {
        assert!(
            typed_agrees(&file_with(annotation.clone())),
            "typed path for {annotation}"
        );
    }
    // Two annotations with one id, and the file-level warnings (no format, version, unit).
    let twice = json!({
        "document": { "id": "d1", "text": "Alpha beta" },
        "annotations": [
            { "id": "a1", "tag": "claim", "start": 0, "end": 5 },
            { "id": "a1", "tag": "claim", "start": 6, "end": 10 }
        ]
    })
    .to_string();
    assert!(typed_agrees(&twice));
    let fields = read_native_by_fields(&twice);
    assert!(
        fields
            .batch
            .problems
            .iter()
            .any(|p| p.message.contains("used twice"))
    );
    for header in [
        json!({ "format": "something-else", "version": 1 }),
        json!({ "format": "article-annotator-library", "version": 1 }),
        json!({ "format": "article-annotator", "version": 9, "document": { "id": "d", "text": "x" } }),
        json!({ "format": "article-annotator", "version": "1", "offset_unit": "utf16", "document": { "id": "d", "text": "x" } }),
        json!({ "format": "article-annotator", "version": 1, "offset_unit": "furlongs", "document": "nope" }),
        json!({ "format": null, "tags": [{ "id": "claim", "color": "red" }, { "id": "claim" }, 4], "relations": [{ "id": "r", "kind": "supports", "from": "a", "to": "b" }] }),
    ] {
        assert!(typed_agrees(&header.to_string()), "typed path for {header}");
    }
}

#[test]
fn files_the_typed_path_cannot_read_exactly_go_field_by_field() {
    let other = [
        // Values of another kind, which only the field-by-field reader names.
        file_with(json!({ "id": 7, "tag": "claim", "start": 0, "end": 5 })),
        file_with(json!({ "id": "a1", "tag": "claim", "start": -1, "end": 5 })),
        file_with(json!({ "id": "a1", "tag": "claim", "start": 1.5, "end": 5 })),
        file_with(json!({ "id": "a1", "tag": "claim", "start": "0", "end": 5 })),
        file_with(json!({ "id": "a1", "tag": "claim", "start": 0, "end": 5, "attributes": "x" })),
        file_with(json!({ "id": "a1", "tag": "claim", "start": 0, "end": 5, "anchor_score": "high" })),
        file_with(json!(["a1", "claim", 0, 5])),
        file_with(json!("a1")),
        // A field this version does not write, anywhere.
        file_with(json!({ "id": "a1", "tag": "claim", "start": 0, "end": 5, "colour": "red" })),
        json!({ "format": "article-annotator", "version": 1, "extra": true }).to_string(),
        // An older version, migrated as values.
        json!({ "format": "article-annotator", "version": 0, "document": { "id": "d", "text": "Alpha" }, "annotations": [{ "id": "a", "label": "claim", "start": 0, "end": 5 }] }).to_string(),
        // Not an object, not JSON, a lone surrogate where a typed reader would skip it.
        "[]".to_string(),
        "{\"format\": ".to_string(),
        "{\"text\": \"broken \\ud83d emoji\", \"start\": 0, \"end\": 6}".to_string(),
        "{\"format\": \"article-annotator\", \"format\": \"article-annotator\"}".to_string(),
    ];
    for input in other {
        assert!(!typed_agrees(&input), "field by field: {input}");
    }
}
