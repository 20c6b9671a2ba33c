//! Every W3C export must pass the W3C test suite's JSON Schemas and the selector check
//! against the article text, as `../shared/fixtures/w3c/validate.py` runs them. Missing
//! Python or packages fail the test (never skip), saying how to install them.

use annotator::domain::annotation::{Annotation, AnnotationId, Relation, RelationId, RelationKind};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::interchange::{ExportFormat, export};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use std::path::PathBuf;
use std::process::Command;

const VALIDATOR: &str = "../shared/fixtures/w3c/validate.py";
const INSTALL: &str = "pip install -r ../shared/fixtures/w3c/requirements.txt";

fn document(
    text: &str,
    url: &str,
    spans: &[(&str, &str, &str, &str)],
    relations: &[(&str, &str, &str)],
) -> Document {
    let text = Text::new(text);
    let mut document = Document::new(
        DocumentId("w3c test".into()),
        Metadata {
            url: url.into(),
            title: "T".into(),
            ..Metadata::default()
        },
        text.clone(),
    );
    for (id, tag, quote, note) in spans {
        let byte = text.as_str().find(quote).expect("quote in text");
        let start = text.as_str()[..byte].chars().count();
        let range =
            TextRange::from_code_points(start, start + quote.chars().count()).expect("range");
        let mut annotation = Annotation::new(
            AnnotationId((*id).into()),
            TagId((*tag).into()),
            &text,
            range,
            "2024-05-01T10:00:00Z",
        )
        .expect("annotation");
        annotation.note = (*note).into();
        if !note.is_empty() {
            annotation
                .attributes
                .insert("checked by".into(), "Zoë 100%".into());
            annotation.modified = "yesterday".into();
        }
        document.annotations.push(annotation);
    }
    for (id, (kind, from, to)) in relations.iter().enumerate() {
        document.relations.push(Relation {
            id: RelationId(format!("r{id}")),
            kind: RelationKind::parse(kind),
            from: AnnotationId((*from).into()),
            to: AnnotationId((*to).into()),
        });
    }
    document
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aa-w3c-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes the exports of `documents` (which share one text) and the text to a temp dir and
/// runs the validator on them all at once. The validator reads the text with Python's
/// universal newlines (`\r\n` becomes `\n`), so a text with `\r` is checked against the
/// schemas only.
fn check(name: &str, documents: &[Document]) {
    let dir = temp_dir();
    let text = documents.first().map(|d| d.text.as_str()).unwrap_or("");
    let text_path = dir.join(format!("{name}.txt"));
    std::fs::write(&text_path, text).expect("write text");
    let mut command = Command::new("python3");
    command.arg(VALIDATOR);
    if !text.contains('\r') {
        command.arg("--source-text").arg(&text_path);
    }
    let mut paths = Vec::new();
    for (i, document) in documents.iter().enumerate() {
        assert_eq!(document.text.as_str(), text, "one text per check");
        let path = dir.join(format!("{name}-{i}.jsonld"));
        let files = export(document, ExportFormat::W3cWebAnnotation);
        std::fs::write(&path, &files[0].contents).expect("write export");
        command.arg(&path);
        paths.push(path);
    }
    let output = command.output().unwrap_or_else(|error| {
        panic!("python3 could not be run ({error}); install Python 3 and run: {INSTALL}")
    });
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_ne!(
        output.status.code(),
        Some(3),
        "the validator's packages are missing; run: {INSTALL}\n{report}"
    );
    assert!(
        output.status.success(),
        "{name}: a W3C export is not valid:\n{report}"
    );
    assert_eq!(
        report.matches("VALID").count(),
        documents.len(),
        "{name}: one verdict per file:\n{report}"
    );
    for path in paths.into_iter().chain([text_path]) {
        let _ = std::fs::remove_file(path);
    }
}

#[test]
fn w3c_exports_pass_the_w3c_schemas_and_selector_check() {
    let article = "Mayor Zoë Núñez said on Monday that crime fell 12% last year 📉, citing police data.\r\nThe claim was disputed\nby the Tribune 🇫🇷.";
    let spans = [
        (
            "a1",
            "claim",
            "crime fell 12% last year 📉",
            "Check \"this\"\nplease",
        ),
        ("a 2/é", "source", "police data", ""),
        ("a3", "entity", "Zoë Núñez", ""),
        ("a4", "claim", "disputed\nby the Tribune 🇫🇷", ""),
    ];
    let relations = [
        ("supported_by", "a1", "a 2/é"),
        ("my custom kind", "a4", "a3"),
    ];
    let urls = ["https://example.org/a?b=1", "", "http://exa mple.org/x"];
    for (name, text) in [
        ("crlf", article.to_string()),
        ("lf", article.replace("\r\n", "\n")),
    ] {
        let documents: Vec<Document> = urls
            .iter()
            .map(|url| document(&text, url, &spans, &relations))
            .collect();
        check(name, &documents);
    }
    check("empty", &[document("", "", &[], &[])]);
    check(
        "no-relations",
        &[document(
            "Just one claim.",
            "",
            &[("x", "claim", "one claim", "")],
            &[],
        )],
    );
}

/// All texts of the Unicode fixture (those without `\r`, see [`check`]) joined into one
/// article, with every valid span: one validator run checks code points on all of them.
#[test]
fn w3c_export_of_the_unicode_fixture_passes_the_selector_check() {
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("../shared/fixtures/unicode/unicode_cases.json")
            .expect("unicode fixture"),
    )
    .expect("json");
    let mut article = String::new();
    let mut spans = Vec::new();
    for case in fixture["cases"].as_array().expect("cases") {
        let text = case["text"].as_str().expect("text");
        if text.contains('\r') {
            continue;
        }
        let base = article.chars().count();
        article.push_str(text);
        article.push_str("\n\n");
        let case_text = Text::new(text);
        for span in case["annotations"].as_array().expect("annotations") {
            let (Some(start), Some(end)) = (
                span["code_points"]["start"].as_u64(),
                span["code_points"]["end"].as_u64(),
            ) else {
                continue;
            };
            let Ok(range) = TextRange::from_code_points(start as usize, end as usize) else {
                continue;
            };
            if case_text.slice(range).ok() == span["quote"].as_str() {
                spans.push((
                    base + start as usize,
                    base + end as usize,
                    span["label"].as_str().unwrap_or("claim").to_string(),
                ));
            }
        }
    }
    let text = Text::new(article);
    let mut document = Document::new(
        DocumentId("unicode".into()),
        Metadata::default(),
        text.clone(),
    );
    for (i, (start, end, tag)) in spans.iter().enumerate() {
        let range = TextRange::from_code_points(*start, *end).expect("range");
        let annotation = Annotation::new(
            AnnotationId(format!("u{i}")),
            TagId(tag.clone()),
            &text,
            range,
            "2024-05-01T10:00:00Z",
        )
        .expect("annotation");
        document.annotations.push(annotation);
    }
    assert!(
        document.annotations.len() >= 40,
        "{}",
        document.annotations.len()
    );
    check("unicode", &[document]);
}
