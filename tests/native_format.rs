//! The native format, stored entries, the index and the library backup: golden files,
//! table-driven problem cases, shared malformed fixtures and round-trip properties.

use annotator::domain::annotation::{
    AnchorStatus, Annotation, AnnotationId, Relation, RelationId, RelationKind,
};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::format::library::{
    EntryError, IndexEntry, IndexError, LibraryIndex, read_entry, read_index, read_library_backup,
    read_library_backup_detailed, write_entry, write_entry_with, write_index, write_library_backup,
};
use annotator::domain::format::native::{
    ClassroomFields, ClassroomRole, Exercise, NativeRead, WriteOptions, document_from_native,
    migrate, read_native, read_native_bytes, read_native_detailed, write_document,
};
use annotator::domain::import::{ImportBatch, OffsetUnit, Severity};
use annotator::domain::tag::{Tag, TagId, Taxonomy};
use annotator::domain::text::{Text, TextRange};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// Building documents.

fn annotate(
    doc: &mut Document,
    id: &str,
    tag: &str,
    start: usize,
    end: usize,
    now: &str,
) -> Annotation {
    let range = TextRange::from_code_points(start, end).expect("test ranges are ordered");
    let annotation = Annotation::new(
        AnnotationId(id.into()),
        TagId(tag.into()),
        &doc.text,
        range,
        now,
    )
    .expect("test ranges lie in the text");
    doc.annotations.push(annotation.clone());
    annotation
}

/// A small document with a BOM as first character, CRLF, an emoji with ZWJ, a relation,
/// attributes and a note.
fn sample_document() -> Document {
    let text = "\u{feff}The mayor said crime fell 12% 😃.\r\nSource: police data 👮‍♀️, Zürich.";
    let metadata = Metadata {
        title: "Mayor claims crime fell".into(),
        url: "https://example.org/mayor".into(),
        publisher: String::new(),
        author: "A. Writer".into(),
        published: "2024-05-01".into(),
        language: String::new(),
    };
    let mut doc = Document::new(DocumentId("doc-1".into()), metadata, Text::new(text));
    // Added out of text order on purpose: the writer sorts.
    annotate(&mut doc, "a2", "source", 43, 54, "2024-05-02T10:00:00Z");
    let claim = annotate(&mut doc, "a1", "claim", 16, 30, "2024-05-02T09:00:00Z");
    annotate(&mut doc, "a3", "entity", 5, 10, "2024-05-02T09:30:00Z");
    if let Some(claim) = doc.annotation_mut(&claim.id) {
        claim.note = "Check against the \"official\" statistics.\nSecond line.".into();
        claim.attributes.insert("verdict".into(), "unproven".into());
        claim.attributes.insert("checked_by".into(), "Ana".into());
        claim.modified = "2024-05-03T08:00:00Z".into();
    }
    doc.relations.push(Relation {
        id: RelationId("r1".into()),
        kind: RelationKind::SupportedBy,
        from: AnnotationId("a1".into()),
        to: AnnotationId("a2".into()),
    });
    doc
}

/// The classroom variant: exercise fields, no text, non-exact anchors.
fn exercise_document() -> (Document, WriteOptions) {
    let mut doc = sample_document();
    for (annotation, anchor) in doc.annotations.iter_mut().zip([
        AnchorStatus::Moved,
        AnchorStatus::Fuzzy(0.75),
        AnchorStatus::Orphaned,
    ]) {
        annotation.anchor = anchor;
    }
    let classroom = ClassroomFields {
        role: Some(ClassroomRole::Exercise),
        annotator: Some("Ms Ngata".into()),
        exercise: Some(Exercise {
            instructions: "Mark every claim and its source.".into(),
            tags: vec!["claim".into(), "source".into()],
            hints: vec!["Numbers are often claims.".into()],
            class: Some("class-7b".into()),
        }),
    };
    (
        doc,
        WriteOptions {
            include_text: false,
            classroom,
        },
    )
}

/// The order the writer puts annotations in.
fn in_text_order(mut doc: Document) -> Document {
    doc.annotations = doc
        .annotations_in_text_order()
        .into_iter()
        .cloned()
        .collect();
    doc
}

fn read_back(json: &str) -> (Document, NativeRead) {
    let read = read_native_detailed(json);
    assert_eq!(read.batch.problems, vec![], "problems reading back");
    let (doc, problems) = document_from_native(&read).expect("a complete document");
    assert_eq!(problems, vec![], "problems placing annotations");
    (doc, read)
}

// ---------------------------------------------------------------------------------------------
// Golden files.

fn check_golden(name: &str, actual: &str) {
    let path = Path::new("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("golden file writable");
    }
    let expected =
        std::fs::read(&path).expect("golden file exists (run with UPDATE_GOLDEN=1 to create)");
    assert!(
        expected == actual.as_bytes(),
        "{name} differs from the writer's output:\n{actual}"
    );
}

#[test]
fn golden_document_is_written_byte_for_byte_and_reads_back() {
    let doc = sample_document();
    let written = write_document(&doc, &WriteOptions::default());
    check_golden("sample-document.json", &written);
    assert!(
        !written.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]),
        "no BOM before the JSON"
    );
    assert!(
        written.contains("\"publisher\": null"),
        "empty metadata is null"
    );

    let golden =
        std::fs::read_to_string("tests/golden/sample-document.json").expect("golden readable");
    let (read, _) = read_back(&golden);
    assert_eq!(read, in_text_order(doc));
    assert!(
        read.text.as_str().starts_with('\u{feff}'),
        "the BOM is the text's first character"
    );
}

#[test]
fn golden_exercise_without_text_keeps_classroom_fields_and_anchors() {
    let (doc, options) = exercise_document();
    let written = write_document(&doc, &options);
    check_golden("exercise-without-text.json", &written);

    let read = read_native_detailed(&written);
    assert_eq!(read.batch.problems, vec![]);
    assert_eq!(read.batch.text, None);
    assert_eq!(read.batch.text_sha256.as_deref(), Some(doc.text.sha256()));
    assert_eq!(read.classroom, options.classroom);
    assert_eq!(
        ClassroomFields::from_extra(&read.batch.extra),
        options.classroom
    );
    let expected: Vec<AnchorStatus> = in_text_order(doc)
        .annotations
        .iter()
        .map(|annotation| annotation.anchor.clone())
        .collect();
    assert_eq!(read.anchors, expected);
    assert_eq!(
        document_from_native(&read)
            .map(|_| ())
            .map_err(|error| error.to_string()),
        Err(
            "the file does not include the article's text, so it cannot be opened on its own"
                .to_string()
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Problems: one table, one check.

fn base() -> Value {
    serde_json::from_str(&write_document(
        &sample_document(),
        &WriteOptions::default(),
    ))
    .expect("writer output is JSON")
}

fn edited(edit: impl FnOnce(&mut Value)) -> String {
    let mut value = base();
    edit(&mut value);
    value.to_string()
}

/// Reads `input`, expects `annotations` kept and each `(severity, location, fragment)` among
/// the problems (and no error that is not listed).
fn check(
    name: &str,
    input: &str,
    annotations: usize,
    expected: &[(Severity, &str, &str)],
) -> ImportBatch {
    let batch = read_native(input);
    assert_eq!(
        batch.annotations.len(),
        annotations,
        "{name}: annotations kept; problems {:#?}",
        batch.problems
    );
    for (severity, location, fragment) in expected {
        assert!(
            batch
                .problems
                .iter()
                .any(|problem| problem.severity == *severity
                    && problem.location == *location
                    && problem.message.contains(fragment)),
            "{name}: expected {severity:?} at {location} containing {fragment:?}, got {:#?}",
            batch.problems
        );
    }
    for problem in batch
        .problems
        .iter()
        .filter(|problem| problem.severity == Severity::Error)
    {
        assert!(
            expected
                .iter()
                .any(|(_, location, _)| problem.location == *location),
            "{name}: unexpected error {problem}"
        );
    }
    batch
}

#[test]
fn problems_name_where_and_what() {
    use Severity::{Error, Warning};
    check("valid", &base().to_string(), 3, &[]);
    check(
        "not JSON",
        "{\"format\": ",
        0,
        &[(Error, "line 1, column 11", "not valid JSON")],
    );
    check("top-level list", "[]", 0, &[(Error, "$", "found a list")]);
    check(
        "wrong format",
        &edited(|v| v["format"] = json!("brat")),
        0,
        &[(Error, "$.format", "not an Article Annotator")],
    );
    check(
        "library backup",
        &edited(|v| v["format"] = json!("article-annotator-library")),
        0,
        &[(Error, "$.format", "Import library")],
    );
    check(
        "newer version",
        &edited(|v| v["version"] = json!(2)),
        3,
        &[(
            Error,
            "$.version",
            "written by a newer Article Annotator (format version 2); this build reads up to version 1",
        )],
    );
    check(
        "no version",
        &edited(|v| _ = v.as_object_mut().map(|o| o.remove("version"))),
        3,
        &[(Warning, "$.version", "no \"version\"")],
    );
    check(
        "negative start",
        &edited(|v| v["annotations"][0]["start"] = json!(-4)),
        3,
        &[(Warning, "$.annotations[0].start", "is -4")],
    );
    check(
        "start as text",
        &edited(|v| v["annotations"][1]["start"] = json!("15")),
        3,
        &[(Warning, "$.annotations[1].start", "not a number")],
    );
    check(
        "fraction",
        &edited(|v| v["annotations"][2]["end"] = json!(1.5)),
        3,
        &[(
            Warning,
            "$.annotations[2].end",
            "is 1.5, not a whole number",
        )],
    );
    check(
        "missing end",
        &edited(|v| _ = v["annotations"][0].as_object_mut().map(|o| o.remove("end"))),
        3,
        &[(Warning, "$.annotations[0].end", "missing")],
    );
    check(
        "start after end",
        &edited(|v| v["annotations"][0]["start"] = json!(99)),
        3,
        &[(Warning, "$.annotations[0].start", "after its end")],
    );
    check(
        "duplicate id",
        &edited(|v| v["annotations"][0]["id"] = json!("a1")),
        2,
        &[(Error, "$.annotations[1].id", "\"a1\" is used twice")],
    );
    check(
        "not an object",
        &edited(|v| v["annotations"][0] = json!(5)),
        2,
        &[(Error, "$.annotations[0]", "found a number")],
    );
    check(
        "no tag",
        &edited(|v| v["annotations"][0]["tag"] = json!(null)),
        2,
        &[(Error, "$.annotations[0].tag", "has no tag")],
    );
    check(
        "dangling relation",
        &edited(|v| v["relations"][0]["to"] = json!("zz")),
        3,
        &[(
            Error,
            "$.relations[0].to",
            "\"zz\", which is not in the file",
        )],
    );
    check(
        "sha mismatch",
        &edited(|v| v["document"]["text"] = json!("changed")),
        3,
        &[(Warning, "$.document.text_sha256", "does not match")],
    );
    check(
        "no document",
        &edited(|v| _ = v.as_object_mut().map(|o| o.remove("document"))),
        3,
        &[(Error, "$.document", "found nothing")],
    );
    let batch = check(
        "unknown tag",
        &edited(|v| v["annotations"][0]["tag"] = json!("person")),
        3,
        &[(Warning, "$.annotations[0].tag", "added as a new tag")],
    );
    assert!(
        batch.tags.iter().any(|tag| tag.id.as_str() == "person"),
        "unknown tag kept as a new tag"
    );
    let batch = check(
        "utf16 offsets",
        &edited(|v| v["offset_unit"] = json!("utf16")),
        3,
        &[(Warning, "$.offset_unit", "UTF-16 units")],
    );
    assert_eq!(batch.offset_unit, Some(OffsetUnit::Utf16));
    let batch = check(
        "bad colour",
        &edited(|v| v["tags"][1]["color"] = json!("blue")),
        3,
        &[(Warning, "$.tags[1].color", "\"blue\"")],
    );
    assert_eq!(batch.tags.len(), 3);
    check(
        "bad role",
        &edited(|v| v["role"] = json!("teacher")),
        3,
        &[(Warning, "$.role", "unknown role")],
    );
    check(
        "version as text",
        &edited(|v| v["version"] = json!("1")),
        3,
        &[(Warning, "$.version", "should be a whole number")],
    );
    let batch = check(
        "unknown offset unit",
        &edited(|v| v["offset_unit"] = json!("graphemes")),
        3,
        &[(
            Warning,
            "$.offset_unit",
            "unknown offset unit \"graphemes\"",
        )],
    );
    assert_eq!(batch.offset_unit, None);
    let batch = check(
        "empty annotation id",
        &edited(|v| v["annotations"][0]["id"] = json!("")),
        3,
        &[(Warning, "$.annotations[0].id", "no id")],
    );
    assert_eq!(batch.annotations[0].id, None);
    let batch = check(
        "attribute kinds",
        &edited(|v| v["annotations"][1]["attributes"] = json!({"n": 3, "deep": {"x": 1}})),
        3,
        &[(
            Warning,
            "$.annotations[1].attributes.deep",
            "found an object",
        )],
    );
    assert_eq!(
        batch.annotations[1].attributes.get("n").map(String::as_str),
        Some("3")
    );
}

#[test]
fn version_zero_layout_migrates_to_version_one() {
    let mut old = base();
    old["version"] = json!(0);
    if let Some(fields) = old.as_object_mut() {
        fields.remove("offset_unit");
    }
    for annotation in old["annotations"].as_array_mut().into_iter().flatten() {
        if let Some(fields) = annotation.as_object_mut()
            && let Some(tag) = fields.remove("tag")
        {
            fields.insert("label".into(), tag);
        }
    }
    let migrated = migrate(old.clone(), 0).expect("version 0 migrates");
    assert_eq!(migrated, base(), "migration rebuilds the version 1 layout");
    assert_eq!(
        migrate(base(), 1),
        Ok(base()),
        "a current file is unchanged"
    );
    let (doc, _) = read_back(&old.to_string());
    assert_eq!(doc, in_text_order(sample_document()));
}

// ---------------------------------------------------------------------------------------------
// Bytes and shared malformed fixtures.

#[test]
fn bytes_are_utf8_with_an_optional_bom() {
    let json = write_document(&sample_document(), &WriteOptions::default());
    let with_bom = [&[0xEF, 0xBB, 0xBF][..], json.as_bytes()].concat();
    assert_eq!(read_native_bytes(&with_bom), read_native(&json));

    let check_refused = |name: &str, bytes: &[u8], fragment: &str| {
        let batch = read_native_bytes(bytes);
        assert!(
            batch
                .problems
                .iter()
                .any(|problem| problem.severity == Severity::Error
                    && problem.message.contains(fragment)),
            "{name}: {:#?}",
            batch.problems
        );
    };
    check_refused(
        "latin-1",
        b"{\"format\": \"Caf\xe9\"}",
        "not valid UTF-8 (byte 15",
    );
    check_refused("utf-16", &[0xFF, 0xFE, b'{', 0], "UTF-16");
    check_refused(
        "fixture invalid-utf8",
        &fixture("unicode/files/invalid-utf8.txt"),
        "not valid UTF-8",
    );
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(Path::new("../shared/fixtures").join(path))
        .unwrap_or_else(|error| panic!("fixture {path}: {error}"))
}

#[test]
fn lone_surrogate_is_a_clear_problem_and_line_separators_read() {
    let batch = read_native_bytes(&fixture("unicode/files/lone-surrogate.json"));
    let problem = batch.problems.first().expect("a problem");
    assert_eq!(problem.location, "line 1, column 24");
    assert!(problem.message.contains("not valid JSON"), "{problem}");

    let raw = fixture("unicode/files/line-separator.json");
    let batch = read_native_bytes(&raw);
    assert!(
        batch
            .problems
            .iter()
            .all(|problem| !problem.message.contains("not valid JSON")),
        "{:#?}",
        batch.problems
    );
    // The same raw U+2028/U+2029 text, as a document's text, survives a round trip.
    let value: Value = serde_json::from_slice(&raw).expect("valid JSON");
    let text = value["text"].as_str().expect("text").to_string();
    assert!(text.contains('\u{2028}') && text.contains('\u{2029}'));
    let mut doc = Document::new(
        DocumentId("ls".into()),
        Metadata::default(),
        Text::new(text),
    );
    annotate(&mut doc, "a1", "claim", 3, 9, "t");
    let (read, _) = read_back(&write_document(&doc, &WriteOptions::default()));
    assert_eq!(read, doc);
}

#[test]
fn w3c_invalid_examples_all_give_problems() {
    let folder = Path::new("../shared/fixtures/w3c/local-examples/invalid");
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .expect("fixture folder")
        .flatten()
        .map(|entry| entry.path())
        .collect();
    files.sort();
    assert!(files.len() >= 13, "fixtures present");
    for path in files {
        let bytes = std::fs::read(&path).expect("fixture readable");
        let batch = read_native_bytes(&bytes);
        assert!(
            batch
                .problems
                .iter()
                .any(|problem| problem.severity == Severity::Error),
            "{path:?}: {:#?}",
            batch.problems
        );
        assert_eq!(batch.annotations.len(), 0, "{path:?}");
        assert!(
            read_entry(&String::from_utf8_lossy(&bytes)).is_err(),
            "{path:?} is no stored entry"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Stored entries.

#[test]
fn entries_round_trip_with_revision_and_saved() {
    let doc = sample_document();
    let raw = write_entry(&doc, 7, "2024-06-01T12:00:00Z");
    let entry = read_entry(&raw).expect("own entry reads");
    assert_eq!(entry.document, in_text_order(doc.clone()));
    assert_eq!(
        (entry.revision, entry.saved.as_str()),
        (7, "2024-06-01T12:00:00Z")
    );
    assert_eq!(entry.problems, vec![]);

    let (exercise, options) = exercise_document();
    let raw = write_entry_with(&exercise, &options.classroom, 1, "s");
    let entry = read_entry(&raw).expect("classroom entry reads");
    assert_eq!(entry.classroom, options.classroom);
    assert_eq!(
        entry.document,
        in_text_order(exercise),
        "anchor statuses kept"
    );
}

fn entry_error(raw: &str) -> EntryError {
    match read_entry(raw) {
        Ok(entry) => panic!("expected an error, read {entry:?}"),
        Err(error) => error,
    }
}

#[test]
fn bad_entries_are_errors_that_keep_the_raw_text() {
    for raw in [
        "",
        "{",
        "[1, 2]",
        "\"text\"",
        "{\"format\": \"brat\", \"revision\": 1}",
        "{\"revision\": -1}",
    ] {
        let error = entry_error(raw);
        assert!(
            matches!(error, EntryError::Unreadable { .. }),
            "{raw:?}: {error:?}"
        );
        assert_eq!(error.raw(), raw);
    }
    let mut newer: Value =
        serde_json::from_str(&write_entry(&sample_document(), 3, "s")).expect("json");
    newer["version"] = json!(5);
    let raw = newer.to_string();
    match entry_error(&raw) {
        EntryError::WrittenByNewerVersion {
            found,
            supported,
            read_only,
            ..
        } => {
            assert_eq!((found, supported), (5, 1));
            assert_eq!(
                read_only.map(|entry| entry.document.annotations.len()),
                Some(3)
            );
        }
        other => panic!("expected a newer-version error, got {other:?}"),
    }
}

#[test]
fn stored_annotations_that_no_longer_fit_become_orphans_with_problems() {
    let mut value: Value =
        serde_json::from_str(&write_entry(&sample_document(), 1, "s")).expect("json");
    value["annotations"][0]["end"] = json!(500);
    value["annotations"][1]["quote"] = json!("something else");
    let entry = read_entry(&value.to_string()).expect("still opens");
    let anchors: Vec<_> = entry
        .document
        .annotations
        .iter()
        .map(|annotation| annotation.anchor.clone())
        .collect();
    assert_eq!(
        anchors,
        [
            AnchorStatus::Orphaned,
            AnchorStatus::Orphaned,
            AnchorStatus::Exact
        ]
    );
    let messages: Vec<String> = entry.problems.iter().map(ToString::to_string).collect();
    assert!(
        messages
            .iter()
            .any(|message| message.contains("outside the text")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|message| message.contains("quote no longer matches")),
        "{messages:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Index and backup.

#[test]
fn index_round_trips_and_bad_ones_are_errors() {
    let doc = sample_document();
    let mut index = LibraryIndex::default();
    index.upsert(IndexEntry::for_document(&doc, 4, "2024-06-01"));
    let entry = &index.documents[0];
    assert_eq!(entry.counts.get("claim"), Some(&1));
    assert_eq!(
        (entry.annotation_count, entry.revision, entry.title.as_str()),
        (3, 4, "Mayor claims crime fell")
    );
    assert_eq!(read_index(&write_index(&index)), Ok(index.clone()));

    let stored = read_entry(&write_entry(&doc, 4, "2024-06-01")).expect("entry");
    assert_eq!(LibraryIndex::rebuild(&[stored]), index);

    assert!(matches!(
        read_index("{\"version\": 1}"),
        Err(IndexError::Unreadable(_))
    ));
    assert!(matches!(
        read_index("nonsense"),
        Err(IndexError::Unreadable(_))
    ));
    assert_eq!(
        read_index("{\"version\": 3, \"documents\": []}"),
        Err(IndexError::WrittenByNewerVersion {
            found: 3,
            supported: 2
        })
    );
}

#[test]
fn the_index_carries_the_text_hash_and_stored_size_and_still_reads_version_1() {
    let doc = sample_document();
    let mut row = IndexEntry::for_document(&doc, 4, "2024-06-01T10:00:00Z");
    assert_eq!(row.text_sha256, doc.text.sha256());
    assert_eq!(
        row.stored_chars, None,
        "only the storage edge knows the size"
    );
    row.stored_chars = Some(1234);
    let mut index = LibraryIndex::default();
    index.upsert(row.clone());
    let written = write_index(&index);
    assert!(written.contains("\"version\": 2"), "{written}");
    let read = read_index(&written).expect("version 2 reads");
    assert_eq!(read.get(&row.id), Some(&row));

    // What a build before version 2 wrote: no hash, no size. It reads, and is written back
    // as version 2 with those left unknown.
    let version_1 = r#"{
      "version": 1,
      "documents": [
        { "id": "d1", "title": "Old", "publisher": "", "published": "",
          "counts": { "claim": 2 }, "annotation_count": 2,
          "modified": "2024-01-01T00:00:00Z", "revision": 7 }
      ]
    }"#;
    let old = read_index(version_1).expect("version 1 still reads");
    let old_row = old.get("d1").expect("the row");
    assert_eq!(
        (
            old_row.revision,
            old_row.annotation_count,
            old_row.title.as_str()
        ),
        (7, 2, "Old")
    );
    assert_eq!(old_row.text_sha256, "");
    assert_eq!(old_row.stored_chars, None);
    let upgraded = read_index(&write_index(&old)).expect("rewritten");
    assert_eq!(upgraded.version, 2);
    assert_eq!(upgraded.documents, old.documents);
}

#[test]
fn backup_reads_each_document_with_its_own_problems() {
    let first = sample_document();
    let mut second = Document::new(
        DocumentId("doc-2".into()),
        Metadata::default(),
        Text::new("Zweiter Text ✓"),
    );
    annotate(&mut second, "b1", "entity", 0, 7, "t");
    let written = write_library_backup(&[first.clone(), second.clone()]);
    let (batches, problems) = read_library_backup(&written);
    assert_eq!(problems, vec![]);
    assert_eq!(batches.len(), 2);
    assert!(batches.iter().all(|batch| batch.problems.is_empty()));
    assert_eq!(batches[1].text.as_deref(), Some("Zweiter Text ✓"));

    let mut value: Value = serde_json::from_str(&written).expect("json");
    value["documents"][1]["annotations"][0]["start"] = json!(-1);
    let (batches, _) = read_library_backup(&value.to_string());
    assert_eq!(
        batches[1].problems[0].location,
        "$.documents[1].annotations[0].start"
    );

    let (reads, _) = read_library_backup_detailed(&write_library_backup(&[exercise_document().0]));
    let restored = reads
        .iter()
        .map(|read| document_from_native(read).map(|(doc, _)| doc))
        .collect::<Vec<_>>();
    assert_eq!(
        restored,
        vec![Ok(in_text_order(exercise_document().0))],
        "backups keep anchor statuses"
    );

    let (batches, problems) = read_library_backup("{\"format\": \"other\"}");
    assert!(batches.is_empty() && problems[0].location == "$.format");
    let (_, problems) = read_library_backup("[");
    assert!(problems[0].message.contains("not valid JSON"));
}

// ---------------------------------------------------------------------------------------------
// Properties.

const ALPHABET: &[char] = &[
    'a', 'b', ' ', '\r', '\n', '\t', 'é', 'ß', '😃', '\u{200d}', '\u{feff}', '\u{2028}', '中', 'ש',
    '"', '\\',
];

fn any_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..max)
        .prop_map(|chars| chars.into_iter().collect())
}

fn any_anchor() -> impl Strategy<Value = AnchorStatus> {
    prop_oneof![
        Just(AnchorStatus::Exact),
        Just(AnchorStatus::Moved),
        (0u32..=100).prop_map(|score| AnchorStatus::Fuzzy(f64::from(score) / 100.0)),
        Just(AnchorStatus::Orphaned),
    ]
}

#[derive(Debug, Clone)]
struct AnnotationSeed {
    start: usize,
    end: usize,
    tag: usize,
    note: String,
    attributes: BTreeMap<String, String>,
    anchor: AnchorStatus,
    created: String,
}

fn any_annotation_seed() -> impl Strategy<Value = AnnotationSeed> {
    (
        any::<usize>(),
        any::<usize>(),
        0usize..4,
        any_text(12),
        prop::collection::btree_map(any_text(6), any_text(6), 0..3),
        any_anchor(),
        any_text(8),
    )
        .prop_map(
            |(start, end, tag, note, attributes, anchor, created)| AnnotationSeed {
                start,
                end,
                tag,
                note,
                attributes,
                anchor,
                created,
            },
        )
}

fn any_document() -> impl Strategy<Value = Document> {
    (
        any_text(60),
        prop::collection::vec(any_text(10), 5),
        any::<bool>(),
        prop::collection::vec(any_annotation_seed(), 0..6),
        prop::collection::vec((any::<usize>(), any::<usize>(), 0usize..5), 0..4),
    )
        .prop_map(|(text, metadata, custom_tag, seeds, relation_seeds)| {
            let [title, url, publisher, author, published] =
                <[String; 5]>::try_from(metadata).expect("five fields");
            let metadata = Metadata {
                title,
                url,
                publisher,
                author,
                published,
                language: String::new(),
            };
            let mut doc = Document::new(DocumentId("d".into()), metadata, Text::new(text));
            let mut taxonomy = Taxonomy::default();
            if custom_tag {
                let quote_tag = Tag {
                    id: TagId("quote".into()),
                    label: "Quote ✓".into(),
                    color: "#123abc".into(),
                    key: None,
                    description: "Said by someone.\r\n".into(),
                };
                taxonomy.add(quote_tag).expect("valid custom tag");
            }
            let tag_ids: Vec<String> = taxonomy.tags().iter().map(|tag| tag.id.0.clone()).collect();
            doc.tags = taxonomy;
            let len = doc.text.len();
            for (index, seed) in seeds.into_iter().enumerate() {
                let (a, b) = (seed.start % (len + 1), seed.end % (len + 1));
                let tag = &tag_ids[seed.tag % tag_ids.len()];
                let mut annotation = annotate(
                    &mut doc,
                    &format!("a{index}"),
                    tag,
                    a.min(b),
                    a.max(b),
                    &seed.created,
                );
                annotation.note = seed.note;
                annotation.attributes = seed.attributes;
                annotation.anchor = seed.anchor;
                annotation.modified = format!("{}+", seed.created);
                if let Some(slot) = doc.annotation_mut(&annotation.id) {
                    *slot = annotation;
                }
            }
            let count = doc.annotations.len();
            if count > 0 {
                for (index, (from, to, kind)) in relation_seeds.into_iter().enumerate() {
                    let kind = RelationKind::BUILT_IN
                        .get(kind)
                        .cloned()
                        .unwrap_or_else(|| RelationKind::Custom("quotes_from".into()));
                    doc.relations.push(Relation {
                        id: RelationId(format!("r{index}")),
                        kind,
                        from: AnnotationId(format!("a{}", from % count)),
                        to: AnnotationId(format!("a{}", to % count)),
                    });
                }
            }
            doc
        })
}

/// JSON-shaped values built from the format's own field names, to reach deep into the reader.
fn any_json() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec![
        "format",
        "version",
        "offset_unit",
        "document",
        "id",
        "text",
        "text_sha256",
        "tags",
        "annotations",
        "relations",
        "start",
        "end",
        "tag",
        "quote",
        "attributes",
        "from",
        "to",
        "kind",
        "anchor",
        "anchor_score",
        "role",
        "exercise",
        "hints",
        "revision",
        "saved",
        "label",
        "key",
        "color",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(
            |number| serde_json::Number::from_f64(number).map_or(Value::Null, Value::Number)
        ),
        prop::sample::select(vec![
            "article-annotator",
            "codepoint",
            "utf16",
            "claim",
            "a0",
            "fuzzy",
            "orphaned"
        ])
        .prop_map(Value::from),
        any_text(8).prop_map(Value::from),
        (0u64..4).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((names.clone(), inner), 0..6).prop_map(|fields| Value::Object(
                fields
                    .into_iter()
                    .map(|(name, value)| (name.to_string(), value))
                    .collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn documents_round_trip(doc in any_document()) {
        let written = write_document(&doc, &WriteOptions::default());
        let read = read_native_detailed(&written);
        prop_assert_eq!(&read.batch.problems, &vec![]);
        let (back, problems) = document_from_native(&read).map_err(|error| TestCaseError::fail(error.to_string()))?;
        prop_assert_eq!(problems, vec![]);
        prop_assert_eq!(back, in_text_order(doc.clone()));

        let entry = read_entry(&write_entry(&doc, 9, "now")).map_err(|error| TestCaseError::fail(error.to_string()))?;
        prop_assert_eq!(entry.document, in_text_order(doc));
        prop_assert_eq!(entry.revision, 9);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = read_native_bytes(&bytes);
        let text = String::from_utf8_lossy(&bytes);
        let _ = read_entry(&text);
        let _ = read_library_backup(&text);
        let _ = read_index(&text);
    }

    #[test]
    fn json_like_strings_never_panic(text in "[\\[\\]{}\",:0-9a-z\\\\ .eE+\\-]{0,120}") {
        let _ = read_native(&text);
        let _ = read_entry(&text);
        let _ = read_library_backup(&text);
        let _ = read_index(&text);
    }

    #[test]
    fn json_shaped_input_never_panics(value in any_json()) {
        let text = value.to_string();
        let read = read_native_detailed(&text);
        let _ = document_from_native(&read);
        let _ = read_entry(&text);
        let _ = read_library_backup(&text);
    }

    #[test]
    fn mutated_documents_never_panic(doc in any_document(), path in 0usize..64, replacement in any_json()) {
        // Replace one value somewhere in a real document with arbitrary JSON.
        let mut value: Value = serde_json::from_str(&write_entry(&doc, 1, "s")).map_err(|error| TestCaseError::fail(error.to_string()))?;
        replace_nth(&mut value, &mut path.clone(), replacement);
        let text = value.to_string();
        let read = read_native_detailed(&text);
        let _ = document_from_native(&read);
        let _ = read_entry(&text);
    }
}

/// Replaces the `n`th value in depth-first order, if there is one.
fn replace_nth(value: &mut Value, n: &mut usize, replacement: Value) -> Option<Value> {
    if *n == 0 {
        *value = replacement;
        return None;
    }
    *n -= 1;
    let mut replacement = Some(replacement);
    let children: Vec<&mut Value> = match value {
        Value::Array(items) => items.iter_mut().collect(),
        Value::Object(fields) => fields.values_mut().collect(),
        _ => Vec::new(),
    };
    for child in children {
        match replacement.take() {
            Some(current) => replacement = replace_nth(child, n, current),
            None => break,
        }
    }
    replacement
}

/// The article's language travels as the optional `document.language`: written only when
/// set (files without it are unchanged), read back as it was.
#[test]
fn document_language_is_optional_and_round_trips() {
    let without = write_document(&sample_document(), &WriteOptions::default());
    assert!(!without.contains("\"language\""), "absent when unknown");

    let mut doc = sample_document();
    doc.metadata.language = "fr-CA".into();
    let written = write_document(&doc, &WriteOptions::default());
    assert!(written.contains("\"language\": \"fr-CA\""));
    let (read, _) = read_back(&written);
    assert_eq!(read.metadata.language, "fr-CA");
    assert_eq!(read, in_text_order(doc));
}

#[test]
fn language_tag_accepts_bcp47_shapes_only() {
    let cases: [(&str, Option<&str>); 9] = [
        ("en", Some("en")),
        (" ar ", Some("ar")),
        ("fr-CA", Some("fr-CA")),
        ("zh-Hant-TW", Some("zh-Hant-TW")),
        ("", None),
        ("e", None),
        ("en_US", None),
        ("en-", None),
        ("english language", None),
    ];
    for (input, expected) in cases {
        let metadata = Metadata {
            language: input.into(),
            ..Metadata::default()
        };
        assert_eq!(metadata.language_tag(), expected, "{input:?}");
    }
}
