//! Applying a prepared import: each item goes into the open document (one undo step each),
//! a stored document (written once, at the next revision, with all of its items in) or a
//! document the import creates (revision 1, opened afterwards); and the one notice that
//! reports it all, with its kind, summary line and details.

use annotator::domain::annotation::{Annotation, AnnotationId};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::format::native::{WriteOptions, write_document};
use annotator::domain::history::Editor;
use annotator::domain::import_apply::{
    AppliedImport, ReportKind, StoredDocument, apply_import, import_report, name_stored_targets,
};
use annotator::domain::import_pipeline::{
    ImportPreparation, ImportTarget, InputFile, LibraryDocRef, prepare_import,
};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use annotator::domain::validate::CommandError;

const NOW: &str = "2026-01-01T00:00:00Z";

fn document(id: &str, title: &str, text: &str, spans: &[(&str, &str, usize, usize)]) -> Document {
    let metadata = Metadata {
        title: title.into(),
        ..Metadata::default()
    };
    let mut doc = Document::new(DocumentId(id.into()), metadata, Text::new(text));
    for (id, tag, start, end) in spans {
        let range = TextRange::from_code_points(*start, *end).expect("ordered");
        doc.annotations.push(
            Annotation::new(
                AnnotationId(id.to_string()),
                TagId(tag.to_string()),
                &doc.text,
                range,
                NOW,
            )
            .expect("in the text"),
        );
    }
    doc
}

const MAYOR: &str = "The mayor said crime fell 12% last year. Police data shows otherwise.";
const RAIN: &str = "A different article about rainfall in Lisbon, which rose in March.";
const SNOW: &str = "Snow closed the pass for three days, the regional office said.";

fn mayor() -> Document {
    document(
        "doc-mayor",
        "Mayor claims crime fell",
        MAYOR,
        &[("a1", "claim", 15, 39), ("a2", "source", 41, 52)],
    )
}

fn rain() -> Document {
    document(
        "doc-rain",
        "  Rain in Lisbon ",
        RAIN,
        &[("b1", "entity", 38, 44)],
    )
}

fn file(name: &str, doc: &Document, include_text: bool) -> InputFile {
    let options = WriteOptions {
        include_text,
        ..WriteOptions::default()
    };
    InputFile {
        name: name.into(),
        bytes: write_document(doc, &options).into_bytes(),
    }
}

fn ids() -> impl FnMut(&str) -> String {
    let mut counter = 0;
    move |prefix: &str| {
        counter += 1;
        format!("{prefix}-fresh-{counter}")
    }
}

fn stored(documents: &[(Document, u64)]) -> Vec<StoredDocument> {
    documents
        .iter()
        .map(|(document, revision)| StoredDocument {
            document: document.clone(),
            revision: *revision,
        })
        .collect()
}

/// Prepares `files` against `library` and the open document, as the UI does.
fn prepare(files: &[InputFile], library: &[StoredDocument], open: &Editor) -> ImportPreparation {
    let refs: Vec<LibraryDocRef> = library
        .iter()
        .map(|s| LibraryDocRef {
            id: s.document.id.clone(),
            text_sha256: s.document.text.sha256().to_string(),
        })
        .collect();
    let mut next = ids();
    let mut preparation = prepare_import(files, &refs, Some(open.document()), &mut next, NOW);
    name_stored_targets(&mut preparation, library);
    preparation
}

fn apply(
    preparation: &ImportPreparation,
    open: &mut Editor,
    library: &[StoredDocument],
) -> AppliedImport {
    let mut next = ids();
    apply_import(preparation, open, library, &mut next, 1_000, NOW)
}

fn annotation_ids(document: &Document) -> Vec<&str> {
    document.annotations.iter().map(|a| a.id.as_str()).collect()
}

#[test]
fn annotations_for_the_open_document_go_into_it_as_one_undo_step() {
    let mut bare = mayor();
    bare.annotations.clear();
    let library = stored(&[(bare.clone(), 4)]);
    let mut open = Editor::new(bare);
    let preparation = prepare(&[file("mayor.json", &mayor(), false)], &library, &open);
    let applied = apply(&preparation, &mut open, &library);

    assert!(applied.open_changed);
    assert!(
        applied.writes.is_empty(),
        "the open document is saved by the UI's saver"
    );
    assert_eq!(applied.first_new, None);
    assert_eq!(annotation_ids(open.document()), ["a1", "a2"]);
    assert_eq!(applied.outcomes.len(), 1);
    assert_eq!(applied.outcomes[0].as_ref().map(|s| s.added), Ok(2));
    assert!(open.undo().is_some());
    assert!(
        open.document().annotations.is_empty(),
        "one undo removes the import"
    );

    let report = import_report(&preparation, &applied, Vec::new(), &[]);
    assert_eq!(report.kind, ReportKind::Info);
    assert_eq!(
        report.text,
        "1 file: 2 annotations imported into “Mayor claims crime fell”"
    );
    assert_eq!(
        report.details,
        [
            "mayor.json (Article Annotator JSON) → “Mayor claims crime fell”: 2 imported, 0 merged, 0 moved, 0 fuzzy, 0 orphaned, 0 rejected"
        ]
    );
}

#[test]
fn a_stored_document_is_written_once_at_the_next_revision_with_every_item_in() {
    let mut bare_rain = rain();
    bare_rain.annotations.clear();
    let library = stored(&[(mayor(), 2), (bare_rain, 7)]);
    let mut open = Editor::new(mayor());
    let before = open.clone();
    let mut second = rain();
    second.annotations = vec![
        document("x", "", RAIN, &[("b2", "claim", 52, 65)])
            .annotations
            .remove(0),
    ];
    let files = [
        file("rain.json", &rain(), true),
        file("rain-2.json", &second, true),
    ];
    let preparation = prepare(&files, &library, &open);
    assert!(
        preparation
            .items
            .iter()
            .all(|item| item.target == ImportTarget::Existing(DocumentId("doc-rain".into())))
    );
    assert_eq!(
        preparation.items[0].target_title, "Rain in Lisbon",
        "named by the stored title, trimmed"
    );
    let applied = apply(&preparation, &mut open, &library);

    assert!(!applied.open_changed);
    assert_eq!(open, before, "the open document is untouched");
    assert_eq!(applied.writes.len(), 1, "one write for two items");
    let write = &applied.writes[0];
    assert_eq!(write.document.id.0, "doc-rain");
    assert_eq!(write.revision, 8);
    assert!(!write.created);
    assert_eq!(annotation_ids(&write.document), ["b1", "b2"]);
    assert_eq!(applied.first_new, None);

    let report = import_report(&preparation, &applied, Vec::new(), &[]);
    assert_eq!(report.kind, ReportKind::Info);
    assert_eq!(
        report.text,
        "2 files: 2 annotations imported into “Rain in Lisbon”"
    );
}

#[test]
fn files_with_a_new_text_make_one_new_document_at_revision_one_opened_first() {
    let library = stored(&[(mayor(), 1)]);
    let mut open = Editor::new(mayor());
    let snow = document("doc-snow", "Snow", SNOW, &[("s1", "claim", 0, 15)]);
    let mut snow_again = snow.clone();
    snow_again.id = DocumentId("doc-snow-copy".into());
    snow_again.annotations = document("x", "", SNOW, &[("s2", "entity", 40, 55)]).annotations;
    let rain = rain();
    let files = [
        file("snow.json", &snow, true),
        file("rain.json", &rain, true),
        file("snow-again.json", &snow_again, true),
    ];
    let preparation = prepare(&files, &library, &open);
    let applied = apply(&preparation, &mut open, &library);

    assert!(!applied.open_changed);
    assert_eq!(applied.writes.len(), 2, "snow once (two files), rain once");
    assert!(applied.writes.iter().all(|w| w.created && w.revision == 1));
    let snow_write = applied
        .writes
        .iter()
        .find(|w| w.document.text.as_str() == SNOW)
        .expect("snow written");
    assert_eq!(snow_write.document.annotations.len(), 2);
    assert_eq!(
        applied.first_new.as_ref(),
        Some(&snow_write.document.id),
        "the first file's new document is the one opened"
    );
    let ids: Vec<&DocumentId> = applied.writes.iter().map(|w| &w.document.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "written in id order");

    let report = import_report(&preparation, &applied, Vec::new(), &[]);
    assert_eq!(
        report.text,
        "3 files: 3 annotations imported into 2 documents"
    );
}

#[test]
fn a_document_gone_from_the_library_fails_its_item_and_the_rest_still_apply() {
    let mut bare = mayor();
    bare.annotations.clear();
    let library = stored(&[(bare.clone(), 1), (rain(), 3)]);
    let mut open = Editor::new(bare);
    let preparation = prepare(
        &[
            file("rain.json", &rain(), true),
            file("mayor.json", &mayor(), false),
        ],
        &library,
        &open,
    );
    // The rain document was deleted (in another tab) between preparing and applying.
    let now_stored = stored(&[(open.document().clone(), 1)]);
    let applied = apply(&preparation, &mut open, &now_stored);

    assert!(matches!(
        &applied.outcomes[0],
        Err(CommandError::StaleImport(why)) if why == "that document is no longer stored"
    ));
    assert!(applied.outcomes[1].is_ok());
    assert!(applied.open_changed);
    assert!(applied.writes.is_empty());

    let report = import_report(&preparation, &applied, Vec::new(), &[]);
    assert_eq!(report.kind, ReportKind::Info);
    assert!(
        report.details[0].starts_with("rain.json: not imported: The import no longer fits"),
        "{:?}",
        report.details
    );
}

#[test]
fn importing_the_same_annotations_again_counts_them_as_already_present() {
    let library = stored(&[(mayor(), 1)]);
    let mut open = Editor::new(mayor());
    let preparation = prepare(&[file("mayor.json", &mayor(), false)], &library, &open);
    let applied = apply(&preparation, &mut open, &library);
    let report = import_report(&preparation, &applied, Vec::new(), &[]);
    assert_eq!(
        report.text,
        "1 file: 0 annotations imported into “Mayor claims crime fell” (2 already present)"
    );
}

#[test]
fn the_report_puts_unsaved_documents_first_and_warns() {
    let library = stored(&[(mayor(), 1)]);
    let mut open = Editor::new(mayor());
    let preparation = prepare(&[file("rain.json", &rain(), true)], &library, &open);
    let applied = apply(&preparation, &mut open, &library);
    let report = import_report(
        &preparation,
        &applied,
        vec!["big.json is over the size limit".into()],
        &["“Rain in Lisbon” was not saved: storage is full".into()],
    );
    assert_eq!(report.kind, ReportKind::Warning);
    assert_eq!(
        report.details[..2],
        [
            "“Rain in Lisbon” was not saved: storage is full".to_string(),
            "big.json is over the size limit".to_string()
        ]
    );
}

#[test]
fn nothing_imported_is_an_error_naming_the_first_problem() {
    let library = stored(&[(mayor(), 1)]);
    let mut open = Editor::new(mayor());
    let files = [InputFile {
        name: "notes.json".into(),
        bytes: b"{ not json".to_vec(),
    }];
    let preparation = prepare(&files, &library, &open);
    let applied = apply(&preparation, &mut open, &library);
    assert!(applied.outcomes.is_empty());
    assert!(!applied.open_changed);
    let report = import_report(&preparation, &applied, Vec::new(), &[]);
    assert_eq!(report.kind, ReportKind::Error);
    let first = &preparation.all_problems()[0].message;
    assert_eq!(report.text, format!("Nothing imported: {first}"));
    assert!(
        report.details.iter().any(|d| d.starts_with("Error: ")),
        "{:?}",
        report.details
    );

    let nothing = import_report(&ImportPreparation::default(), &applied, Vec::new(), &[]);
    assert_eq!(nothing.text, "Nothing imported: no annotations were found");
    let unread = import_report(
        &ImportPreparation::default(),
        &applied,
        vec!["“a.json” is too big".into()],
        &[],
    );
    assert_eq!(unread.text, "Nothing imported: “a.json” is too big");
}
