//! The import pipeline: from dropped files to import items with their target document.
//! Table-driven through one `check` helper, then the cases that apply the result, then a
//! property: no bytes make it panic.

use annotator::domain::annotation::{Annotation, AnnotationId, Relation, RelationId, RelationKind};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::format::library::write_library_backup;
use annotator::domain::format::native::{ClassroomRole, WriteOptions, write_document};
use annotator::domain::history::Editor;
use annotator::domain::import::Severity;
use annotator::domain::import_pipeline::{
    ImportPreparation, ImportTarget, InputFile, LibraryDocRef, PreparedImport, describe_outcome,
    prepare_import,
};
use annotator::domain::interchange::{ExportFormat, brat, export};
use annotator::domain::merge::ImportSummary;
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use proptest::prelude::*;
use std::path::Path;

const NOW: &str = "2026-01-01T00:00:00Z";

fn annotate(doc: &mut Document, id: &str, tag: &str, start: usize, end: usize) {
    let range = TextRange::from_code_points(start, end).expect("test ranges are ordered");
    let annotation = Annotation::new(
        AnnotationId(id.into()),
        TagId(tag.into()),
        &doc.text,
        range,
        "2024-05-02T09:00:00Z",
    )
    .expect("test ranges lie in the text");
    doc.annotations.push(annotation);
}

/// "The mayor said crime fell 12% last year. Police data shows otherwise." with three
/// annotations and a relation.
fn mayor_document() -> Document {
    let text = "The mayor said crime fell 12% last year. Police data shows otherwise.";
    let metadata = Metadata {
        title: "Mayor claims crime fell".into(),
        ..Metadata::default()
    };
    let mut doc = Document::new(DocumentId("doc-mayor".into()), metadata, Text::new(text));
    annotate(&mut doc, "a1", "claim", 15, 39);
    annotate(&mut doc, "a2", "source", 41, 52);
    annotate(&mut doc, "a3", "entity", 4, 9);
    doc.relations.push(Relation {
        id: RelationId("r1".into()),
        kind: RelationKind::SupportedBy,
        from: AnnotationId("a1".into()),
        to: AnnotationId("a2".into()),
    });
    doc
}

fn other_document() -> Document {
    let text = "A different article about rainfall in Lisbon, which rose in March.";
    let metadata = Metadata {
        title: "Rain in Lisbon".into(),
        ..Metadata::default()
    };
    let mut doc = Document::new(DocumentId("doc-rain".into()), metadata, Text::new(text));
    annotate(&mut doc, "b1", "entity", 38, 44);
    annotate(&mut doc, "b2", "claim", 52, 65);
    doc
}

fn library_of(documents: &[&Document]) -> Vec<LibraryDocRef> {
    documents
        .iter()
        .map(|doc| LibraryDocRef {
            id: doc.id.clone(),
            text_sha256: doc.text.sha256().to_string(),
        })
        .collect()
}

fn file(name: &str, bytes: impl Into<Vec<u8>>) -> InputFile {
    InputFile {
        name: name.into(),
        bytes: bytes.into(),
    }
}

fn native(doc: &Document, include_text: bool) -> Vec<u8> {
    let options = WriteOptions {
        include_text,
        ..WriteOptions::default()
    };
    write_document(doc, &options).into_bytes()
}

fn fresh_ids() -> impl FnMut(&str) -> String {
    let mut counter = 0;
    move |prefix: &str| {
        counter += 1;
        format!("{prefix}-fresh-{counter}")
    }
}

fn prepare(
    files: &[InputFile],
    library: &[LibraryDocRef],
    open: Option<&Document>,
) -> ImportPreparation {
    let mut ids = fresh_ids();
    prepare_import(files, library, open, &mut ids, NOW)
}

/// Applies an item to `document` as the UI does; returns the summary.
fn apply(document: &Document, item: &PreparedImport) -> (Document, ImportSummary) {
    let start = match &item.target {
        ImportTarget::Existing(id) => {
            assert_eq!(
                id, &document.id,
                "{}: applied to the wrong document",
                item.source
            );
            document.clone()
        }
        ImportTarget::New(new) => new.clone(),
    };
    let mut editor = Editor::new(start);
    let mut ids = fresh_ids();
    let summary = editor
        .import(item.incoming.clone(), &mut || ids("a"), 0, NOW)
        .expect("a prepared import applies");
    (editor.into_document(), summary)
}

// ---------------------------------------------------------------------------------------------
// Table: what each kind of file becomes.

#[derive(Debug, PartialEq)]
enum Expect {
    /// Items, in order: merge into this document id, with this many placed annotations.
    Existing(&'static str, usize),
    /// A new document with this text start and this many placed annotations.
    New(&'static str, usize),
}

struct Case {
    name: &'static str,
    files: Vec<InputFile>,
    library: Vec<Document>,
    open: Option<Document>,
    expect: Vec<Expect>,
    /// Substrings each expected problem (of the preparation, not the items) must contain.
    problems: Vec<&'static str>,
}

fn check(case: Case) {
    let library: Vec<&Document> = case.library.iter().collect();
    let preparation = prepare(&case.files, &library_of(&library), case.open.as_ref());
    let actual: Vec<Expect> = preparation
        .items
        .iter()
        .map(|item| match &item.target {
            ImportTarget::Existing(id) => Expect::Existing(
                Box::leak(id.0.clone().into_boxed_str()),
                item.incoming.annotations.len(),
            ),
            ImportTarget::New(doc) => {
                let start: String = doc.text.as_str().chars().take(12).collect();
                Expect::New(
                    Box::leak(start.into_boxed_str()),
                    item.incoming.annotations.len(),
                )
            }
        })
        .collect();
    assert_eq!(actual, case.expect, "{}: items", case.name);
    assert_eq!(
        preparation.problems.len(),
        case.problems.len(),
        "{}: problems {:?}",
        case.name,
        preparation.problems
    );
    for (problem, wanted) in preparation.problems.iter().zip(&case.problems) {
        assert!(
            problem.to_string().contains(wanted),
            "{}: problem {problem} should mention {wanted}",
            case.name
        );
    }
}

#[test]
fn each_kind_of_file_finds_its_target() {
    let mayor = mayor_document();
    let rain = other_document();
    let brat_files = brat::export(&rain);
    let brat_txt = brat_files
        .iter()
        .find(|(ext, _)| ext == ".txt")
        .map(|(_, content)| content.clone())
        .expect("brat export has a .txt");
    let brat_ann = brat_files
        .iter()
        .find(|(ext, _)| ext == ".ann")
        .map(|(_, content)| content.clone())
        .expect("brat export has a .ann");
    let mayor_brat_ann = brat::export(&mayor)
        .into_iter()
        .find(|(ext, _)| ext == ".ann")
        .map(|(_, content)| content)
        .expect("brat export has a .ann");
    let w3c = export(&mayor, ExportFormat::W3cWebAnnotation)
        .into_iter()
        .next()
        .expect("W3C export is one file");
    let cases = vec![
        Case {
            name: "native export of a library document merges into it",
            files: vec![file("mayor.json", native(&mayor, true))],
            library: vec![mayor.clone()],
            open: None,
            expect: vec![Expect::Existing("doc-mayor", 3)],
            problems: vec![],
        },
        Case {
            name: "native export without text is placed in the open document",
            files: vec![file("mayor-notext.json", native(&mayor, false))],
            library: vec![],
            open: Some(mayor.clone()),
            expect: vec![Expect::Existing("doc-mayor", 3)],
            problems: vec![],
        },
        Case {
            name: "native export without text and nothing open",
            files: vec![file("mayor-notext.json", native(&mayor, false))],
            library: vec![mayor.clone()],
            open: None,
            expect: vec![],
            problems: vec![
                "mayor-notext.json: this file has no article text; open the article first",
            ],
        },
        Case {
            name: "native export of another text becomes a new document",
            files: vec![file("rain.json", native(&rain, true))],
            library: vec![mayor.clone()],
            open: Some(mayor.clone()),
            expect: vec![Expect::New("A different ", 2)],
            problems: vec![],
        },
        Case {
            name: "W3C export of the open document merges into it",
            files: vec![file("mayor.jsonld", w3c.contents.clone().into_bytes())],
            library: vec![mayor.clone()],
            open: Some(mayor.clone()),
            expect: vec![Expect::Existing("doc-mayor", 3)],
            problems: vec![],
        },
        Case {
            name: "brat .ann with its .txt becomes a new document with that text",
            files: vec![
                file("rain.txt", brat_txt.clone().into_bytes()),
                file("rain.ann", brat_ann.clone().into_bytes()),
            ],
            library: vec![mayor.clone()],
            open: Some(mayor.clone()),
            expect: vec![Expect::New("A different ", 2)],
            problems: vec![],
        },
        Case {
            name: "brat .ann alone uses the open document's text",
            files: vec![file("mayor.ann", mayor_brat_ann.clone().into_bytes())],
            library: vec![],
            open: Some(mayor.clone()),
            expect: vec![Expect::Existing("doc-mayor", 3)],
            problems: vec![],
        },
        Case {
            name: "brat .ann alone with nothing open",
            files: vec![file("mayor.ann", mayor_brat_ann.into_bytes())],
            library: vec![],
            open: None,
            expect: vec![],
            problems: vec!["import it together with its .txt (mayor.txt)"],
        },
        Case {
            name: "garbage bytes are refused with the accepted formats",
            files: vec![file(
                "photo.png",
                vec![0x89, b'P', b'N', b'G', 0, 1, 2, 0xff],
            )],
            library: vec![],
            open: Some(mayor.clone()),
            expect: vec![],
            problems: vec!["photo.png: "],
        },
        Case {
            name: "plain words are refused with the accepted formats",
            files: vec![file("notes.md", b"just some words\nand more".to_vec())],
            library: vec![],
            open: Some(mayor.clone()),
            expect: vec![],
            problems: vec!["notes.md: not a recognised annotation file. Accepted formats"],
        },
        Case {
            name: "a lone .txt is called an article",
            files: vec![file("rain.txt", brat_txt.into_bytes())],
            library: vec![],
            open: None,
            expect: vec![],
            problems: vec!["rain.txt: this looks like an article"],
        },
        Case {
            name: "JSON that is not UTF-8 is refused",
            files: vec![file(
                "latin1.json",
                b"{\"format\":\"article-annotator\",\"title\":\"Z\xfcrich\"}".to_vec(),
            )],
            library: vec![],
            open: Some(mayor.clone()),
            expect: vec![],
            problems: vec!["latin1.json: "],
        },
        Case {
            name: "a library backup gives one item per document",
            files: vec![file(
                "backup.json",
                write_library_backup(&[mayor.clone(), rain.clone()]).into_bytes(),
            )],
            library: vec![mayor.clone()],
            open: None,
            expect: vec![
                Expect::Existing("doc-mayor", 3),
                Expect::New("A different ", 2),
            ],
            problems: vec![],
        },
        Case {
            name: "JSON nested too deep is refused before reading",
            files: vec![file(
                "deep.json",
                format!("{}{}", "[".repeat(100), "]".repeat(100)),
            )],
            library: vec![],
            open: Some(mayor.clone()),
            expect: vec![],
            problems: vec!["deep.json: The JSON nests more than 64 levels deep"],
        },
        Case {
            name: "brat pair whose .txt is not UTF-8 gives a problem, not an empty item",
            files: vec![
                file("rain.ann", b"T1\tentity 0 3\tA d\n".to_vec()),
                file("rain.txt", b"A d\xfcfferent".to_vec()),
            ],
            library: vec![],
            open: Some(mayor.clone()),
            expect: vec![],
            problems: vec!["rain.ann + rain.txt: .txt: "],
        },
        Case {
            name: "an empty JSONL line set holds no annotations",
            files: vec![file(
                "empty.jsonl",
                b"{\"text\": \"x\", \"label\": []}\n".to_vec(),
            )],
            library: vec![],
            open: None,
            expect: vec![Expect::New("x", 0)],
            problems: vec![],
        },
        Case {
            name: "an empty file",
            files: vec![file("empty.json", Vec::new())],
            library: vec![],
            open: Some(mayor.clone()),
            expect: vec![],
            problems: vec!["empty.json: the file is empty"],
        },
    ];
    for case in cases {
        check(case);
    }
}

fn exported(doc: &Document, format: ExportFormat) -> String {
    export(doc, format)
        .into_iter()
        .map(|file| file.contents)
        .collect::<Vec<_>>()
        .join("")
}

#[test]
fn files_with_several_documents_give_one_item_each() {
    let mayor = mayor_document();
    let rain = other_document();
    let library = library_of(&[&mayor]);
    let jsonl = format!(
        "{}\n{}",
        exported(&mayor, ExportFormat::DoccanoJsonl).trim_end(),
        exported(&rain, ExportFormat::DoccanoJsonl)
    );
    let mayor_tasks = exported(&mayor, ExportFormat::LabelStudio);
    let rain_tasks = exported(&rain, ExportFormat::LabelStudio);
    let tasks = format!(
        "[{},{}]",
        mayor_tasks
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']'),
        rain_tasks
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
    );
    for (name, contents) in [("both.jsonl", jsonl), ("both.json", tasks)] {
        let preparation = prepare(&[file(name, contents.into_bytes())], &library, None);
        assert!(
            preparation.problems.is_empty(),
            "{name}: {:?}",
            preparation.problems
        );
        let targets: Vec<(bool, usize)> = preparation
            .items
            .iter()
            .map(|item| {
                (
                    item.target == ImportTarget::Existing(mayor.id.clone()),
                    item.incoming.annotations.len(),
                )
            })
            .collect();
        assert_eq!(targets, [(true, 3), (false, 2)], "{name}");
        assert!(
            preparation
                .items
                .iter()
                .all(|item| item.source.starts_with(name))
        );
    }
}

#[test]
fn the_same_new_text_twice_makes_one_document() {
    let rain = other_document();
    let preparation = prepare(
        &[
            file("rain.json", native(&rain, true)),
            file("rain-copy.json", native(&rain, true)),
        ],
        &[],
        None,
    );
    let [first, second] = preparation.items.as_slice() else {
        panic!("two items expected, got {:?}", preparation.items);
    };
    let ImportTarget::New(created) = &first.target else {
        panic!("the first creates the document");
    };
    assert_eq!(second.target, ImportTarget::Existing(created.id.clone()));
    let (after_first, _) = apply(created, first);
    let (after_second, summary) = apply(&after_first, second);
    assert_eq!((summary.added, summary.already_present), (0, 2));
    assert_eq!(after_second, after_first);
}

#[test]
fn generated_relation_ids_are_relation_ids() {
    let mayor = mayor_document();
    for format in ExportFormat::ALL {
        let contents = exported(&mayor, format);
        let name = format!("mayor.{}", format.extension());
        let preparation = prepare(&[file(&name, contents.into_bytes())], &[], Some(&mayor));
        for item in &preparation.items {
            for relation in &item.incoming.relations {
                assert!(
                    !relation.id.0.starts_with("a-fresh-"),
                    "{name}: relation got an annotation id {:?}",
                    relation.id
                );
            }
        }
    }
}

#[test]
fn refusals_of_unreadable_files_list_the_accepted_formats() {
    let preparation = prepare(
        &[
            file("photo.png", vec![0x89, b'P', b'N', b'G', 0, 1, 2, 0xff]),
            file("latin1.json", b"{\"a\":\"Z\xfcrich\"}".to_vec()),
        ],
        &[],
        Some(&mayor_document()),
    );
    assert_eq!(preparation.problems.len(), 2);
    for problem in &preparation.problems {
        assert_eq!(problem.severity, Severity::Error);
        assert!(problem.message.contains("Accepted formats"), "{problem}");
        assert!(problem.message.contains("UTF-8"), "{problem}");
    }
}

// ---------------------------------------------------------------------------------------------
// Applying what was prepared.

#[test]
fn importing_an_export_again_adds_nothing() {
    let mayor = mayor_document();
    let library = library_of(&[&mayor]);
    let preparation = prepare(&[file("mayor.json", native(&mayor, true))], &library, None);
    let [item] = preparation.items.as_slice() else {
        panic!("one item expected, got {:?}", preparation.items);
    };
    assert_eq!(item.target, ImportTarget::Existing(mayor.id.clone()));
    assert_eq!(item.counts.exact, 3);
    let (after, summary) = apply(&mayor, item);
    assert_eq!(summary.added, 0);
    assert_eq!(summary.already_present, 3);
    assert_eq!(summary.relations_added, 0);
    assert_eq!(after.annotations.len(), mayor.annotations.len());
    assert_eq!(
        describe_outcome(item, &summary),
        "0 imported, 3 merged, 0 moved, 0 fuzzy, 0 orphaned, 0 rejected"
    );

    // Into an empty copy of the document, then again: the second time adds nothing.
    let mut empty = mayor.clone();
    empty.annotations.clear();
    empty.relations.clear();
    let (once, first) = apply(&empty, item);
    assert_eq!((first.added, first.relations_added), (3, 1));
    let (twice, second) = apply(&once, item);
    assert_eq!((second.added, second.already_present), (0, 3));
    assert_eq!(once, twice);
    let line = preparation.summary_line(&[Some(first)]);
    assert_eq!(
        line,
        "1 file: 3 annotations imported into “Mayor claims crime fell”"
    );
}

#[test]
fn an_export_without_text_lands_on_the_open_document_quotes() {
    let mayor = mayor_document();
    let mut open = mayor.clone();
    open.annotations.clear();
    open.relations.clear();
    let preparation = prepare(
        &[file("notes.json", native(&mayor, false))],
        &[],
        Some(&open),
    );
    let [item] = preparation.items.as_slice() else {
        panic!("one item expected, got {:?}", preparation.items);
    };
    let (after, summary) = apply(&open, item);
    assert_eq!(summary.added, 3);
    let quotes = |doc: &Document| {
        let mut quotes: Vec<String> = doc.annotations.iter().map(|a| a.quote.clone()).collect();
        quotes.sort();
        quotes
    };
    assert_eq!(quotes(&after), quotes(&mayor));
    assert_eq!(after.relations.len(), 1);
}

#[test]
fn a_new_document_keeps_the_batch_id_unless_it_is_taken() {
    let rain = other_document();
    // Free: the file's id is kept, metadata and text come from the file.
    let preparation = prepare(&[file("rain.json", native(&rain, true))], &[], None);
    let [item] = preparation.items.as_slice() else {
        panic!("one item expected");
    };
    let ImportTarget::New(new) = &item.target else {
        panic!("a new document expected");
    };
    assert_eq!(new.id, rain.id);
    assert_eq!(new.metadata.title, "Rain in Lisbon");
    assert_eq!(new.text.as_str(), rain.text.as_str());
    let (created, summary) = apply(new, item);
    assert_eq!(summary.added, 2);
    assert_eq!(created.annotations.len(), 2);

    // Taken by a library document with another text: a fresh "d" id.
    let mut namesake = mayor_document();
    namesake.id = rain.id.clone();
    let preparation = prepare(
        &[file("rain.json", native(&rain, true))],
        &library_of(&[&namesake]),
        None,
    );
    let [item] = preparation.items.as_slice() else {
        panic!("one item expected");
    };
    let ImportTarget::New(new) = &item.target else {
        panic!("a new document expected");
    };
    assert!(new.id.0.starts_with("d-fresh-"), "{:?}", new.id);
}

#[test]
fn classroom_fields_travel_with_the_item() {
    let mayor = mayor_document();
    let options = WriteOptions {
        include_text: false,
        classroom: annotator::domain::format::native::ClassroomFields {
            role: Some(ClassroomRole::Attempt),
            annotator: Some("Student 7".into()),
            exercise: None,
        },
    };
    let bytes = write_document(&mayor, &options).into_bytes();
    let preparation = prepare(&[file("attempt.json", bytes)], &[], Some(&mayor));
    let [item] = preparation.items.as_slice() else {
        panic!("one item expected");
    };
    assert_eq!(item.role(), Some(ClassroomRole::Attempt));
    assert_eq!(item.annotator(), Some("Student 7"));
}

#[test]
fn summary_line_counts_every_file_and_names_many_documents() {
    let mayor = mayor_document();
    let rain = other_document();
    let preparation = prepare(
        &[
            file("mayor.json", native(&mayor, true)),
            file("rain.json", native(&rain, true)),
            file("junk.bin", vec![0, 159, 146, 150]),
        ],
        &library_of(&[&mayor]),
        None,
    );
    assert_eq!(preparation.items.len(), 2);
    let mut empty = mayor.clone();
    empty.annotations.clear();
    let outcomes: Vec<Option<ImportSummary>> = preparation
        .items
        .iter()
        .map(|item| match &item.target {
            ImportTarget::Existing(_) => Some(apply(&empty, item).1),
            ImportTarget::New(new) => Some(apply(new, item).1),
        })
        .collect();
    assert_eq!(
        preparation.summary_line(&outcomes),
        "3 files: 5 annotations imported into 2 documents — details"
    );
}

#[test]
fn w3c_local_examples_are_placed_in_their_article() {
    let fixtures = Path::new("../shared/fixtures/w3c/local-examples");
    let article = std::fs::read_to_string(fixtures.join("article.txt")).expect("article fixture");
    let open = Document::new(
        DocumentId("local-article".into()),
        Metadata::default(),
        Text::new(article),
    );
    let mut names: Vec<_> = std::fs::read_dir(fixtures.join("valid"))
        .expect("valid fixtures")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for path in names {
        let bytes = std::fs::read(&path).expect("fixture reads");
        let name = path.display().to_string();
        let preparation = prepare(&[file(&name, bytes)], &[], Some(&open));
        assert!(
            preparation.problems.is_empty(),
            "{name}: {:?}",
            preparation.problems
        );
        assert_eq!(preparation.items.len(), 1, "{name}");
        for item in &preparation.items {
            assert_eq!(
                item.target,
                ImportTarget::Existing(open.id.clone()),
                "{name}"
            );
            let placed = item.counts.exact + item.counts.moved + item.counts.fuzzy;
            assert!(placed > 0, "{name}: nothing placed: {:?}", item.counts);
            assert_eq!(item.counts.rejected, 0, "{name}");
            let (_, summary) = apply(&open, item);
            assert_eq!(summary.added, item.incoming.annotations.len(), "{name}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn prepare_import_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        name in "[a-z]{1,6}\\.(json|ann|txt|jsonl|csv)",
        with_open in any::<bool>(),
    ) {
        let open = mayor_document();
        let library = library_of(&[&open]);
        let files = [file(&name, bytes.clone()), file("x.txt", bytes)];
        let preparation = prepare(&files, &library, with_open.then_some(&open));
        let outcomes = vec![None; preparation.items.len()];
        let _ = preparation.summary_line(&outcomes);
    }

    #[test]
    fn prepare_import_never_panics_on_json_like_text(
        text in "[\\[\\]{}\":,a-z0-9 TR\\t\\n-]{0,200}",
    ) {
        let open = mayor_document();
        let files = [file("f.json", text.clone().into_bytes()), file("f.ann", text.into_bytes())];
        let _ = prepare(&files, &[], Some(&open));
    }
}

// ---------------------------------------------------------------------------------------------
// One rule for tag ids: what real files call their tags is kept through import, exercise and
// export.

#[test]
fn imported_tag_names_survive_import_exercise_and_export() {
    use annotator::domain::classroom::exercise::{Exercise, make_exercise};
    use annotator::domain::document::DocumentId;
    use annotator::domain::tag::{Taxonomy, validate_tag_id};
    let text = "Acme Corp said the plan is a total disaster, Ann Lee wrote.";
    let region = |start: usize, end: usize, label: &str| {
        serde_json::json!({
            "from_name": "label", "to_name": "text", "type": "labels",
            "value": { "start": start, "end": end, "labels": [label] },
        })
    };
    let task = serde_json::json!([{
        "data": { "text": text, "title": "Acme" },
        "annotations": [{ "result": [
            region(0, 9, "Organization"),
            region(29, 43, "Loaded Language"),
            region(45, 52, "PER"),
            region(19, 27, "Appeal_to_fear-prejudice"),
        ]}],
    }]);
    let bytes = serde_json::to_vec(&task).expect("json");
    let preparation = prepare(&[file("tasks.json", bytes)], &[], None);
    assert_eq!(preparation.items.len(), 1, "{:?}", preparation.problems);
    let ImportTarget::New(new) = &preparation.items[0].target else {
        panic!("a Label Studio task with text opens as its own document");
    };
    let (document, _) = apply(new, &preparation.items[0]);
    let ids: Vec<&str> = document.tags.tags().iter().map(|t| t.id.as_str()).collect();
    for id in [
        "Organization",
        "Loaded_Language",
        "PER",
        "Appeal_to_fear-prejudice",
    ] {
        assert!(ids.contains(&id), "tag {id} is among {ids:?}");
        assert_eq!(
            validate_tag_id(id),
            Ok(()),
            "{id} keeps the rule for tag ids"
        );
    }
    let label = |id: &str| {
        document
            .tags
            .get(&TagId(id.into()))
            .map(|t| t.label.clone())
    };
    assert_eq!(label("Loaded_Language").as_deref(), Some("Loaded Language"));
    assert_eq!(label("PER").as_deref(), Some("PER"));
    // Every tag keeps every rule a tag made in the app keeps.
    let mut rebuilt = Taxonomy::empty();
    for tag in document.tags.tags() {
        assert_eq!(rebuilt.add(tag.clone()), Ok(()), "{tag:?}");
    }

    let allowed: Vec<TagId> = document.tags.tags().iter().map(|t| t.id.clone()).collect();
    let exercise = Exercise {
        instructions: String::new(),
        allowed_tags: allowed.clone(),
        hints: Vec::new(),
    };
    let (handout, _) = make_exercise(&document, "Teacher", exercise, DocumentId("ex".into()));
    let handed: Vec<TagId> = handout
        .document
        .tags
        .tags()
        .iter()
        .map(|t| t.id.clone())
        .collect();
    assert_eq!(
        handed, allowed,
        "the student gets every tag of the exercise"
    );

    let out = exported(&document, ExportFormat::LabelStudio);
    assert!(out.contains("\"Loaded Language\""), "{out}");
    assert!(
        out.contains("\"PER\"") && out.contains("\"Organization\""),
        "{out}"
    );
    assert!(
        !out.contains("Loaded_Language"),
        "the original name goes back out: {out}"
    );
}

// ---------------------------------------------------------------------------------------------
// Importing onto an edited article: the person chooses where the annotations go.

#[test]
fn a_file_made_on_another_version_of_the_open_article_asks_where_to_go() {
    use annotator::domain::import_pipeline::VersionChoice;
    let original = mayor_document();
    let mut edited = mayor_document();
    edited.text = Text::new(
        "The mayor said crime fell 12% last year. Police figures show otherwise, say critics.",
    );
    edited.annotations.clear();
    edited.relations.clear();
    let files = [file("mayor.json", native(&original, true))];

    let preparation = prepare(&files, &[], Some(&edited));
    assert!(preparation.needs_version_choice());
    let item = &preparation.items[0];
    let ImportTarget::New(own) = &item.target else {
        panic!("until the person chooses, the file is its own document");
    };
    assert_eq!(
        own.metadata.title, "Mayor claims crime fell (version from mayor.json)",
        "named apart from the open article"
    );

    let mut placed = preparation.clone();
    placed.choose(VersionChoice::PlaceOnOpenText);
    assert!(!placed.needs_version_choice());
    let item = &placed.items[0];
    assert_eq!(item.target, ImportTarget::Existing(edited.id.clone()));
    let (after, _) = apply(&edited, item);
    let mut quotes: Vec<&str> = after
        .annotations
        .iter()
        .filter(|a| !a.anchor.needs_review())
        .map(|a| a.quote.as_str())
        .collect();
    quotes.sort_unstable();
    assert_eq!(
        quotes,
        ["crime fell 12% last year", "mayor"],
        "re-anchored by quote"
    );
    assert_eq!(
        after.annotations.len(),
        3,
        "the edited span is kept, to review"
    );
    assert_eq!(after.text, edited.text, "the open text is kept as it is");

    let mut own = preparation.clone();
    own.choose(VersionChoice::OwnDocument);
    assert!(matches!(own.items[0].target, ImportTarget::New(_)));
    assert!(own.items[0].on_open_text.is_none());

    // A file about another article does not ask.
    let other = prepare(
        &[file("rain.json", native(&other_document(), true))],
        &[],
        Some(&edited),
    );
    assert!(!other.needs_version_choice());
    // Nor does the same text.
    let same = prepare(&files, &[], Some(&original));
    assert!(!same.needs_version_choice());
}
