//! A class handed in through the sharing server: names, the roster, the security objects and
//! the attempt and key documents as the server sends them back.

use annotator::domain::annotation::{AnchorStatus, Annotation, AnnotationId};
use annotator::domain::classroom::class_library::{
    ClassDoc, ClassError, DESIGN_ID, VALIDATE_ATTEMPTS, attempt_document, attempt_id,
    check_class_name, class_security, design_document, key_document, key_library, parse_roster,
    read_class_doc, read_key_doc,
};
use annotator::domain::classroom::exercise::Role;
use annotator::domain::classroom::files::write_classroom_file;
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::format::native;
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use serde_json::json;
use std::collections::BTreeMap;

fn file_json(role: Role, annotator: &str) -> String {
    let mut document = Document::new(
        DocumentId("d-1".into()),
        Metadata::default(),
        Text::new("The rain in Spain falls mainly on the plain."),
    );
    document.annotations = vec![Annotation {
        id: AnnotationId("a1".into()),
        tag: TagId("claim".into()),
        range: TextRange::from_code_points(4, 8).unwrap(),
        quote: "rain".into(),
        prefix: String::new(),
        suffix: String::new(),
        note: String::new(),
        attributes: BTreeMap::new(),
        creator: String::new(),
        created: String::new(),
        modified: String::new(),
        anchor: AnchorStatus::Exact,
    }];
    let exercise = native::Exercise {
        class: Some("class-7b".into()),
        ..native::Exercise::default()
    };
    write_classroom_file(&document, role, annotator, &exercise)
}

fn attempt_json(annotator: &str) -> String {
    file_json(Role::Attempt, annotator)
}

#[test]
fn class_names_follow_couchdb_database_names() {
    assert_eq!(check_class_name("  class-7b ").unwrap(), "class-7b");
    for bad in ["", "7b", "Class", "class 7b", "_users", "klasse-ä"] {
        let error = check_class_name(bad).unwrap_err();
        assert!(matches!(error, ClassError::BadClassName(_)), "{bad}");
        assert!(
            error
                .to_string()
                .starts_with("the class name cannot be used"),
            "{error}"
        );
    }
    assert_eq!(key_library("class-7b"), "class-7b-key");
}

#[test]
fn a_roster_is_names_by_comma_or_line_each_once() {
    assert_eq!(
        parse_roster("ana, ben\ncai\n\nben").unwrap(),
        vec!["ana", "ben", "cai"]
    );
    assert!(matches!(
        parse_roster(" , \n"),
        Err(ClassError::BadRoster(_))
    ));
    assert!(matches!(
        parse_roster("ana, _admin"),
        Err(ClassError::BadRoster(_))
    ));
    assert!(matches!(parse_roster("a:b"), Err(ClassError::BadRoster(_))));
}

#[test]
fn students_are_members_of_the_class_and_not_of_the_key() {
    let students = vec!["ana".to_string(), "ben".to_string()];
    let class = class_security("teacher", &students);
    assert_eq!(class["admins"]["names"], json!(["teacher"]));
    assert_eq!(class["members"]["names"], json!(["ana", "ben", "teacher"]));
    let key = annotator::domain::classroom::class_library::key_security("teacher");
    assert_eq!(key["members"]["names"], json!(["teacher"]));
    assert_eq!(key["admins"]["names"], json!(["teacher"]));
}

#[test]
fn the_design_document_carries_the_validation_and_its_revision() {
    let fresh = design_document(None);
    assert_eq!(fresh["_id"], DESIGN_ID);
    assert_eq!(fresh["validate_doc_update"], VALIDATE_ATTEMPTS);
    assert!(fresh.get("_rev").is_none());
    assert_eq!(design_document(Some("1-a"))["_rev"], "1-a");
    // The rule the server runs: the id must be the writer's own attempt, owned by them.
    assert!(VALIDATE_ATTEMPTS.contains("'attempt:' + userCtx.name"));
    assert!(VALIDATE_ATTEMPTS.contains("newDoc.owner !== userCtx.name"));
}

#[test]
fn an_attempt_round_trips_under_its_owner() {
    let doc = attempt_document(
        "ana",
        &attempt_json("Ana Lopez"),
        "2026-12-03T10:00:00Z",
        Some("2-x"),
    );
    assert_eq!(doc["_id"], attempt_id("ana"));
    assert_eq!(doc["_rev"], "2-x");
    match read_class_doc(&doc).unwrap() {
        ClassDoc::Attempt { owner, file } => {
            assert_eq!(owner, "ana");
            // The server checked the owner; the name inside the file is not trusted.
            assert_eq!(file.annotator, "ana");
            assert_eq!(file.document.annotations.len(), 1);
            assert_eq!(file.exercise.class.as_deref(), Some("class-7b"));
        }
        other => panic!("not an attempt: {other:?}"),
    }
}

#[test]
fn documents_that_are_not_usable_attempts_are_refused_or_passed_over() {
    let mut stolen = attempt_document("ben", &attempt_json("ana"), "t", None);
    stolen["owner"] = json!("ana");
    assert!(matches!(
        read_class_doc(&stolen),
        Err(ClassError::BadDocument(_))
    ));

    let not_json = json!({"_id": "attempt:ana", "owner": "ana", "file": "<script>"});
    let error = read_class_doc(&not_json).unwrap_err();
    assert!(error.to_string().contains("attempt:ana"), "{error}");

    let key_inside = json!({"_id": "attempt:ana", "owner": "ana", "file": key_json()});
    assert!(matches!(
        read_class_doc(&key_inside),
        Err(ClassError::BadDocument(_))
    ));

    assert_eq!(
        read_class_doc(&design_document(None)).unwrap(),
        ClassDoc::Other
    );
    assert_eq!(
        read_class_doc(&json!({"_id": "attempt:ben", "_deleted": true})).unwrap(),
        ClassDoc::Withdrawn {
            owner: "ben".into()
        }
    );
    assert!(read_class_doc(&json!({"owner": "ana"})).is_err());
}

fn key_json() -> String {
    file_json(Role::Key, "")
}

#[test]
fn the_key_document_holds_the_key_file() {
    let doc = key_document(&key_json(), None);
    assert_eq!(doc["_id"], "key");
    let file = read_key_doc(&doc).unwrap();
    assert_eq!(file.role, Some(Role::Key));
    let attempt = key_document(&attempt_json("ana"), None);
    assert!(read_key_doc(&attempt).is_err());
}
