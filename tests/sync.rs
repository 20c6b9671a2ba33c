//! Sharing through a CouchDB server, decided natively: the server documents and their
//! checks against hostile input, the ledger's pending changes, what arriving documents do to
//! the open document (including conflicts that keep both versions), and the server's answers.

use annotator::domain::annotation::{Annotation, AnnotationId, Relation, RelationId, RelationKind};
use annotator::domain::change::Touched;
use annotator::domain::command::Command;
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::history::Editor;
use annotator::domain::sync::docs::{
    AnnotationBody, ArticleBody, CONFLICT_ATTRIBUTE, CREATOR_ATTRIBUTE, ServerDoc, SyncDocError,
    to_server_json,
};
use annotator::domain::sync::feed::{
    BulkResult, Session, parse_articles, parse_bulk_results, parse_changes, parse_databases,
    parse_session, seq_number, valid_library_name,
};
use annotator::domain::sync::incoming::{
    RemoteEdit, SyncNotice, apply_edits, conflict_pairs, receive, stamp_creators, touched,
};
use annotator::domain::sync::ledger::{Ledger, LedgerError, Outgoing, bulk_docs_json};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use serde_json::{Value, json};

const TEXT: &str = "Der Bürgermeister 😃 sagte, die Kriminalität sei um 12 % gesunken.";

fn document() -> Document {
    let metadata = Metadata {
        title: "Crime fell".into(),
        ..Metadata::default()
    };
    Document::new(DocumentId("doc1".into()), metadata, Text::new(TEXT))
}

fn annotation(doc: &Document, id: &str, start: usize, end: usize) -> Annotation {
    let range = TextRange::from_code_points(start, end).expect("ordered");
    Annotation::new(
        AnnotationId(id.into()),
        TagId("claim".into()),
        &doc.text,
        range,
        "2026-01-01T00:00:00Z",
    )
    .expect("in the text")
}

fn server_annotation(doc: &Document, a: &Annotation, rev: &str, creator: &str) -> Value {
    let body = AnnotationBody::from_annotation(&doc.id, a, creator);
    to_server_json(&format!("ann:doc1:{}", a.id), Some(rev), &body)
}

/// A ledger that knows `document()`'s details and tags as shared (the tests of annotations
/// leave them alone).
fn ledger() -> Ledger {
    let mut ledger = Ledger::new("desk", &DocumentId("doc1".into()));
    for change in ledger.pending(&document(), "ana") {
        ledger.pushed(&change, "1-p");
    }
    ledger
}

// ---------------------------------------------------------------------------------------------
// Server documents.

#[test]
fn an_article_round_trips_with_its_text_and_tags() {
    let doc = document();
    let body = ArticleBody::from_document(&doc, "ana").expect("shareable");
    let json = to_server_json("art:doc1", None, &body);
    let Ok(ServerDoc::Article { body: read, .. }) = ServerDoc::parse(&json_with_rev(json)) else {
        panic!("the article should read back");
    };
    let back = read.to_document().expect("valid");
    assert_eq!(back.text.as_str(), TEXT);
    assert_eq!(back.metadata.title, "Crime fell");
    assert_eq!(back.tags, doc.tags);
}

fn json_with_rev(mut value: Value) -> Value {
    value["_rev"] = json!("1-a");
    value
}

#[test]
fn an_annotation_round_trips_in_code_points_with_its_creator() {
    let doc = document();
    // "😃" is one code point: the offsets after it are code points, not UTF-16 units.
    let a = annotation(&doc, "a1", 18, 19);
    assert_eq!(a.quote, "😃");
    let value = server_annotation(&doc, &a, "1-x", "ana");
    assert_eq!(value["start"], 18);
    assert_eq!(value["creator"], "ana");
    let Ok(ServerDoc::Annotation { rev, body }) = ServerDoc::parse(&value) else {
        panic!("reads back");
    };
    assert_eq!(rev, "1-x");
    let back = body.to_annotation(&doc).expect("fits the text");
    assert_eq!(back.range, a.range);
    assert_eq!(back.creator, "ana");
    assert!(
        back.attributes.is_empty(),
        "the creator is a field, not an attribute"
    );
}

#[test]
fn hostile_server_documents_are_refused_with_a_reason() {
    let doc = document();
    let good = server_annotation(&doc, &annotation(&doc, "a1", 0, 3), "1-x", "ana");
    let cases: Vec<(Value, &str)> = vec![
        (json!("just a string"), "not a JSON object"),
        (json!({"_id": "ann:doc1:a1"}), "\"_rev\""),
        (with(&good, "version", json!(7)), "newer version"),
        (with(&good, "type", json!("script")), "unknown type"),
        (
            with(&good, "start", json!("0")),
            "\"start\" has the wrong type",
        ),
        (with(&good, "note", json!("x".repeat(20_001))), "too long"),
        (
            with(&good, "_id", json!("ann:doc1:other")),
            "does not match",
        ),
    ];
    for (value, expected) in cases {
        let error = ServerDoc::parse(&value).expect_err(expected).to_string();
        assert!(
            error.contains(expected),
            "{error:?} should say {expected:?}"
        );
    }
}

#[test]
fn annotations_that_do_not_fit_the_shared_text_are_refused() {
    let doc = document();
    let body = |start, end, quote: &str, tag: &str| AnnotationBody {
        kind: "annotation".into(),
        version: 1,
        document: "doc1".into(),
        id: "a1".into(),
        tag: tag.into(),
        start,
        end,
        quote: quote.into(),
        note: "<img src=x onerror=alert(1)>".into(),
        attributes: Default::default(),
        created: String::new(),
        modified: String::new(),
        creator: String::new(),
        orphaned: false,
    };
    assert!(matches!(
        body(0, 9999, "Der", "claim").to_annotation(&doc),
        Err(SyncDocError::OffsetsOutsideText { .. })
    ));
    assert!(matches!(
        body(0, 3, "Das", "claim").to_annotation(&doc),
        Err(SyncDocError::QuoteMismatch(_))
    ));
    assert!(matches!(
        body(0, 3, "Der", "nope").to_annotation(&doc),
        Err(SyncDocError::UnknownTag(_))
    ));
    // Markup in a note is kept as the characters it is (the app renders it as text).
    let ok = body(0, 3, "Der", "claim")
        .to_annotation(&doc)
        .expect("fits");
    assert_eq!(ok.note, "<img src=x onerror=alert(1)>");
}

#[test]
fn a_damaged_article_text_and_unshareable_ids_are_refused() {
    let doc = document();
    let mut body = ArticleBody::from_document(&doc, "ana").expect("shareable");
    body.text.push('!');
    assert_eq!(body.to_document(), Err(SyncDocError::TextHashMismatch));
    let mut odd = document();
    odd.id = DocumentId("a:b".into());
    assert!(matches!(
        ArticleBody::from_document(&odd, "ana"),
        Err(SyncDocError::UnshareableId(_))
    ));
}

fn with(value: &Value, field: &str, new: Value) -> Value {
    let mut value = value.clone();
    value[field] = new;
    value
}

// ---------------------------------------------------------------------------------------------
// The ledger: what waits to be pushed.

#[test]
fn pending_changes_are_the_difference_between_document_and_ledger() {
    let mut doc = document();
    let mut ledger = ledger();
    let a1 = annotation(&doc, "a1", 0, 3);
    doc.annotations.push(a1.clone());
    let pending = ledger.pending(&doc, "ana");
    assert_eq!(pending.len(), 1);
    let Outgoing::Put {
        rev: None, body, ..
    } = &pending[0]
    else {
        panic!("a new annotation is put without a revision");
    };
    assert_eq!(body.creator, "ana");
    ledger.pushed(&pending[0], "1-a");
    assert!(ledger.pending(&doc, "ana").is_empty());
    // Signing in under another name does not make others' work look changed.
    assert!(ledger.pending(&doc, "ben").is_empty());

    doc.annotations[0].note = "checked".into();
    let pending = ledger.pending(&doc, "ana");
    assert!(matches!(&pending[0], Outgoing::Put { rev: Some(r), .. } if r == "1-a"));
    ledger.pushed(&pending[0], "2-b");
    assert!(ledger.pending(&doc, "ana").is_empty());

    doc.annotations.clear();
    let pending = ledger.pending(&doc, "ana");
    assert_eq!(
        pending,
        vec![Outgoing::Delete {
            annotation: AnnotationId("a1".into()),
            rev: "2-b".into()
        }]
    );
    let bulk = bulk_docs_json(&ledger, &pending);
    assert_eq!(bulk["docs"][0]["_deleted"], true);
    assert_eq!(bulk["docs"][0]["_id"], "ann:doc1:a1");
    ledger.pushed(&pending[0], "3-c");
    assert!(ledger.known.is_empty());
}

#[test]
fn the_ledger_is_stored_versioned_and_damage_is_reported() {
    let mut ledger = ledger();
    ledger.since = "42".into();
    let back = Ledger::from_json(&ledger.to_json()).expect("round trip");
    assert_eq!(back, ledger);
    assert!(matches!(
        Ledger::from_json("{"),
        Err(LedgerError::Damaged(_))
    ));
    let newer = ledger.to_json().replace("\"version\":1", "\"version\":9");
    assert_eq!(Ledger::from_json(&newer), Err(LedgerError::Newer(9)));
}

// ---------------------------------------------------------------------------------------------
// Receiving.

#[test]
fn another_persons_new_edited_and_deleted_annotations_arrive() {
    let mut doc = document();
    let mut ledger = ledger();
    let theirs = annotation(&doc, "b1", 4, 17);
    let got = receive(
        &mut ledger,
        &doc,
        &[server_annotation(&doc, &theirs, "1-b", "ben")],
        "ana",
    );
    assert!(got.notices.is_empty());
    apply_edits(&mut doc, &got.edits);
    let arrived = doc.annotation(&AnnotationId("b1".into())).expect("arrived");
    assert_eq!(arrived.creator, "ben");
    assert!(
        ledger.pending(&doc, "ana").is_empty(),
        "nothing to push back"
    );

    let mut edited = theirs.clone();
    edited.note = "false".into();
    let got = receive(
        &mut ledger,
        &doc,
        &[server_annotation(&doc, &edited, "2-b", "ben")],
        "ana",
    );
    apply_edits(&mut doc, &got.edits);
    assert_eq!(doc.annotations[0].note, "false");

    let deleted = json!({"_id": "ann:doc1:b1", "_rev": "3-b", "_deleted": true});
    let got = receive(&mut ledger, &doc, &[deleted], "ana");
    assert!(apply_edits(&mut doc, &got.edits), "a removal is reported");
    assert!(doc.annotations.is_empty());
    assert!(ledger.pending(&doc, "ana").is_empty());
}

#[test]
fn our_own_push_coming_back_changes_nothing() {
    let mut doc = document();
    let mut ledger = ledger();
    doc.annotations.push(annotation(&doc, "a1", 0, 3));
    let pending = ledger.pending(&doc, "ana");
    ledger.pushed(&pending[0], "1-a");
    let echo = server_annotation(&doc, &doc.annotations[0], "1-a", "ana");
    let got = receive(&mut ledger, &doc, &[echo], "ana");
    assert_eq!(got, Default::default());
}

#[test]
fn a_conflict_keeps_both_versions_and_says_so() {
    let mut doc = document();
    let mut ledger = ledger();
    let a1 = annotation(&doc, "a1", 0, 3);
    doc.annotations.push(a1.clone());
    let pending = ledger.pending(&doc, "ana");
    ledger.pushed(&pending[0], "1-a");
    // Both edit a1 while apart.
    doc.annotations[0].note = "mine".into();
    let mut theirs = a1.clone();
    theirs.note = "theirs".into();
    let got = receive(
        &mut ledger,
        &doc,
        &[server_annotation(&doc, &theirs, "2-z", "ben")],
        "ana",
    );
    assert!(matches!(&got.notices[..], [SyncNotice::ConflictKept { by, .. }] if by == "ben"));
    apply_edits(&mut doc, &got.edits);
    assert_eq!(doc.annotations.len(), 2);
    assert_eq!(doc.annotations[0].note, "mine");
    let copy = &doc.annotations[1];
    assert_eq!(copy.note, "theirs");
    assert_eq!(
        copy.attributes.get(CONFLICT_ATTRIBUTE).map(String::as_str),
        Some("a1")
    );
    assert_eq!(
        conflict_pairs(&doc),
        vec![(copy.id.clone(), AnnotationId("a1".into()))]
    );
    // Ours goes over theirs at their revision; the copy is pushed as a new annotation.
    let pending = ledger.pending(&doc, "ana");
    assert_eq!(pending.len(), 2);
    assert!(matches!(&pending[0], Outgoing::Put { rev: Some(r), .. } if r == "2-z"));
    assert!(matches!(&pending[1], Outgoing::Put { rev: None, body, .. } if body.creator == "ben"));
}

#[test]
fn a_deletion_against_a_local_edit_keeps_the_edit_and_vice_versa() {
    let mut doc = document();
    let mut ledger = ledger();
    doc.annotations.push(annotation(&doc, "a1", 0, 3));
    let pending = ledger.pending(&doc, "ana");
    ledger.pushed(&pending[0], "1-a");
    doc.annotations[0].note = "mine".into();
    let deleted = json!({"_id": "ann:doc1:a1", "_rev": "2-d", "_deleted": true});
    let got = receive(&mut ledger, &doc, &[deleted], "ana");
    assert!(got.edits.is_empty());
    assert!(matches!(
        &got.notices[..],
        [SyncNotice::DeletedButKept { .. }]
    ));
    assert!(matches!(
        &ledger.pending(&doc, "ana")[..],
        [Outgoing::Put { rev: None, .. }]
    ));

    // We deleted b1; ben edits it meanwhile: his version comes back.
    let b1 = annotation(&doc, "b1", 4, 17);
    doc.annotations.push(b1.clone());
    let pending = ledger.pending(&doc, "ana");
    for change in &pending {
        ledger.pushed(change, "1-x");
    }
    doc.annotations.retain(|a| a.id.as_str() != "b1");
    let mut theirs = b1.clone();
    theirs.note = "his".into();
    let got = receive(
        &mut ledger,
        &doc,
        &[server_annotation(&doc, &theirs, "2-b", "ben")],
        "ana",
    );
    assert!(matches!(
        &got.notices[..],
        [SyncNotice::EditedButDeleted { .. }]
    ));
    apply_edits(&mut doc, &got.edits);
    assert_eq!(
        doc.annotation(&AnnotationId("b1".into()))
            .map(|a| a.note.as_str()),
        Some("his")
    );
}

#[test]
fn malformed_documents_are_skipped_with_a_notice_and_others_still_arrive() {
    let mut doc = document();
    let mut ledger = ledger();
    let good = annotation(&doc, "b1", 4, 17);
    let docs = vec![
        json!({"_id": "ann:doc1:x", "_rev": "1-x", "type": "annotation", "version": 1, "document": "doc1", "id": "x", "tag": "claim", "start": 0, "end": 3, "quote": "<b>Das</b>"}),
        json!({"_id": "_design/app", "_rev": "1-d", "validate_doc_update": "function(){}"}),
        json!({"_id": "ann:other:y", "_rev": "1-y", "garbage": true}),
        server_annotation(&doc, &good, "1-b", "ben"),
    ];
    let got = receive(&mut ledger, &doc, &docs, "ana");
    assert_eq!(got.notices.len(), 1, "{:?}", got.notices);
    assert!(
        got.notices[0]
            .to_string()
            .contains("quotes words that are not in the shared article")
    );
    apply_edits(&mut doc, &got.edits);
    assert_eq!(doc.annotations.len(), 1);
}

#[test]
fn creators_are_stamped_into_the_document_without_making_changes_to_push() {
    let mut doc = document();
    let mut ledger = ledger();
    doc.annotations.push(annotation(&doc, "a1", 0, 3));
    let pending = ledger.pending(&doc, "ana");
    ledger.pushed(&pending[0], "1-a");
    let edits = stamp_creators(&ledger, &doc);
    assert_eq!(edits.len(), 1);
    apply_edits(&mut doc, &edits);
    assert_eq!(doc.annotations[0].creator, "ana");
    assert!(ledger.pending(&doc, "ben").is_empty());
    assert!(stamp_creators(&ledger, &doc).is_empty());
}

#[test]
fn remote_edits_keep_the_undo_history_unless_annotations_move() {
    let doc = document();
    let mut editor = Editor::new(doc.clone());
    editor
        .execute(
            Command::CreateAnnotation {
                id: AnnotationId("a1".into()),
                tag: TagId("claim".into()),
                range: TextRange::from_code_points(0, 3).expect("ordered"),
            },
            0,
            "now",
        )
        .expect("valid");
    let theirs = annotation(&doc, "b1", 4, 17);
    let edits = [RemoteEdit::Upsert(Box::new(theirs.clone()))];
    editor.change_outside_history(touched(&edits), |d| apply_edits(d, &edits));
    assert_eq!(
        editor.log().touched_since(editor.log().sequence() - 1),
        Touched {
            annotations: [theirs.id.clone()].into(),
            ..Touched::default()
        },
        "only the arriving annotation's part is written again"
    );
    assert!(editor.can_undo());
    assert!(editor.undo().is_some());
    assert_eq!(
        editor.document().annotations.len(),
        1,
        "their annotation stays"
    );
    let edits = [RemoteEdit::Remove(theirs.id.clone())];
    editor.change_outside_history(touched(&edits), |d| apply_edits(d, &edits));
    assert!(!editor.can_undo() && !editor.can_redo());
}

// ---------------------------------------------------------------------------------------------
// The server's answers.

#[test]
fn the_changes_feed_is_read_in_pages_with_string_or_number_sequences() {
    let page = parse_changes(&json!({
        "results": [
            {"seq": 1, "id": "ann:doc1:a", "changes": [], "doc": {"_id": "ann:doc1:a"}},
            {"seq": 2, "id": "gone", "changes": [], "deleted": true, "doc": null}
        ],
        "last_seq": "2-g1AAAA", "pending": 99_998
    }))
    .expect("valid");
    assert_eq!(page.docs.len(), 1);
    assert_eq!(page.last_seq, "2-g1AAAA");
    assert_eq!(page.pending, Some(99_998));
    let numbered = parse_changes(&json!({"results": [], "last_seq": 7})).expect("valid");
    assert_eq!(numbered.last_seq, "7");
    assert!(parse_changes(&json!({"rows": []})).is_err());
}

#[test]
fn push_results_sessions_and_listings_are_read() {
    let results = parse_bulk_results(&json!([
        {"ok": true, "id": "ann:doc1:a", "rev": "1-a"},
        {"id": "ann:doc1:b", "error": "conflict", "reason": "Document update conflict."},
        {"id": "ann:doc1:c", "error": "forbidden", "reason": "only your own attempt"}
    ]))
    .expect("valid");
    assert_eq!(
        results,
        vec![
            BulkResult::Saved {
                id: "ann:doc1:a".into(),
                rev: "1-a".into()
            },
            BulkResult::Conflict {
                id: "ann:doc1:b".into()
            },
            BulkResult::Refused {
                id: "ann:doc1:c".into(),
                reason: "only your own attempt".into()
            },
        ]
    );
    assert_eq!(
        parse_session(&json!({"ok": true, "userCtx": {"name": "ana", "roles": []}})),
        Ok(Session::Named("ana".into()))
    );
    assert_eq!(
        parse_session(&json!({"ok": true, "userCtx": {"name": null, "roles": ["_admin"]}})),
        Ok(Session::AdminParty)
    );
    assert_eq!(
        parse_session(&json!({"ok": true, "userCtx": {"name": null, "roles": []}})),
        Ok(Session::Anonymous)
    );
    assert_eq!(
        parse_databases(&json!(["_users", "desk", "class-7b"])),
        Ok(vec!["desk".to_string(), "class-7b".to_string()])
    );
    let doc = document();
    let article = to_server_json(
        "art:doc1",
        Some("1-a"),
        &ArticleBody::from_document(&doc, "ana").expect("ok"),
    );
    let listed = parse_articles(&json!({"rows": [{"doc": article}, {"doc": {"_id": "art:bad"}}]}))
        .expect("valid");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].title, "Crime fell");
    assert!(valid_library_name("class-7b"));
    assert!(
        !valid_library_name("Desk") && !valid_library_name("_users") && !valid_library_name("")
    );
}

#[test]
fn the_creator_of_a_shared_annotation_is_carried_by_the_exports() {
    let mut doc = document();
    let mut ledger = ledger();
    let theirs = annotation(&doc, "b1", 4, 17);
    let got = receive(
        &mut ledger,
        &doc,
        &[server_annotation(&doc, &theirs, "1-b", "Ben")],
        "ana",
    );
    apply_edits(&mut doc, &got.edits);
    let w3c: Value =
        serde_json::from_str(&annotator::domain::interchange::w3c::export(&doc)).expect("json");
    let item = &w3c["first"]["items"][0];
    assert_eq!(item["creator"], json!({"type": "Person", "name": "Ben"}));
    let native: Value = serde_json::from_str(&annotator::domain::format::native::write_document(
        &doc,
        &Default::default(),
    ))
    .expect("json");
    assert_eq!(native["annotations"][0]["creator"], "Ben");
    assert!(
        native["annotations"][0]["attributes"]
            .get("creator")
            .is_none()
    );
    let csv = annotator::domain::interchange::csv_export::export(&doc);
    let records = annotator::domain::interchange::csv_export::parse_records(&csv);
    let column = records[0]
        .iter()
        .position(|(name, _)| name == "creator")
        .expect("a creator column");
    assert_eq!(records[1][column].0, "Ben");
}

#[test]
fn a_document_stored_with_the_creator_as_an_attribute_still_shares_it_as_the_creator() {
    let doc = document();
    let mut old = annotation(&doc, "a1", 0, 3);
    old.attributes
        .insert(CREATOR_ATTRIBUTE.to_string(), "ana".to_string());
    let body = AnnotationBody::from_annotation(&doc.id, &old, "ben");
    assert_eq!(body.creator, "ana");
    assert!(body.attributes.is_empty());
    // Stamping moves it into the field.
    let mut ledger = ledger();
    let mut doc = doc;
    doc.annotations.push(annotation(&doc, "a2", 4, 8));
    let pending = ledger.pending(&doc, "cai");
    ledger.pushed(&pending[0], "1-a");
    let edits = stamp_creators(&ledger, &doc);
    apply_edits(&mut doc, &edits);
    assert_eq!(doc.annotations[0].creator, "cai");
}

#[test]
fn the_ledger_keeps_digests_that_are_stable_and_small() {
    let doc = document();
    let a = annotation(&doc, "a1", 0, 3);
    let body = AnnotationBody::from_annotation(&doc.id, &a, "ana");
    // Stored in every browser's ledger: a change here makes every shared annotation look
    // changed after an update, so the value is pinned.
    assert_eq!(body.digest(), PINNED_DIGEST);
    let mut edited = body.clone();
    edited.note = "x".into();
    assert_ne!(edited.digest(), body.digest());

    let mut big = document();
    let mut ledger = ledger();
    for i in 0..10_000 {
        big.annotations
            .push(annotation(&big, &format!("a{i:05}"), 4, 17));
    }
    for change in ledger.pending(&big, "ana") {
        ledger.pushed(&change, "1-0123456789abcdef0123456789abcdef");
    }
    let chars = ledger.to_json().chars().count();
    assert!(
        chars < 1_200_000,
        "10,000 annotations take {chars} characters"
    );
    assert_eq!(Ledger::from_json(&ledger.to_json()), Ok(ledger));
}
const PINNED_DIGEST: &str = "85b6c8e03e24017f";

#[test]
fn a_documents_revision_is_read_from_all_docs_and_none_when_missing_or_deleted() {
    use annotator::domain::sync::feed::parse_revision;
    let answer = json!({"total_rows": 2, "rows": [
        {"id": "attempt:ana", "key": "attempt:ana", "value": {"rev": "2-a"}}
    ]});
    assert_eq!(
        parse_revision(&answer, "attempt:ana"),
        Ok(Some("2-a".into()))
    );
    let missing = json!({"rows": [{"key": "attempt:ben", "error": "not_found"}]});
    assert_eq!(parse_revision(&missing, "attempt:ben"), Ok(None));
    let deleted = json!({"rows": [
        {"id": "key", "key": "key", "value": {"rev": "3-k", "deleted": true}}
    ]});
    assert_eq!(parse_revision(&deleted, "key"), Ok(None));
    assert!(parse_revision(&json!({}), "key").is_err());
}

// ---------------------------------------------------------------------------------------------
// Details, tags and relations: each its own server document.

/// What `from`'s pending changes look like on the server, as a changes page would bring them.
fn as_server_docs(ledger: &mut Ledger, doc: &Document, me: &str, rev: &str) -> Vec<Value> {
    let pending = ledger.pending(doc, me);
    let bulk = bulk_docs_json(ledger, &pending);
    for change in &pending {
        ledger.pushed(change, rev);
    }
    bulk["docs"]
        .as_array()
        .expect("docs")
        .iter()
        .map(|d| json_with_rev_of(d.clone(), rev))
        .collect()
}

fn json_with_rev_of(mut value: Value, rev: &str) -> Value {
    value["_rev"] = json!(rev);
    value
}

fn relation(id: &str, from: &str, to: &str) -> Relation {
    Relation {
        id: RelationId(id.into()),
        kind: RelationKind::SupportedBy,
        from: AnnotationId(from.into()),
        to: AnnotationId(to.into()),
    }
}

#[test]
fn a_relation_a_renamed_tag_and_a_new_title_arrive_as_separate_documents() {
    let (mut ana, mut ben) = (document(), document());
    let (mut ana_ledger, mut ben_ledger) = (ledger(), ledger());
    for doc in [&mut ana, &mut ben] {
        let (a1, a2) = (annotation(doc, "a1", 0, 3), annotation(doc, "a2", 4, 17));
        doc.annotations.extend([a1, a2]);
    }
    for (l, d) in [(&mut ana_ledger, &ana), (&mut ben_ledger, &ben)] {
        for change in l.pending(d, "x") {
            l.pushed(&change, "1-a");
        }
    }
    ana.relations.push(relation("r1", "a1", "a2"));
    let mut claim = ana
        .tags
        .get(&TagId("claim".into()))
        .expect("default")
        .clone();
    claim.label = "Assertion".into();
    claim.color = "#123456".into();
    ana.tags.replace(claim).expect("valid");
    ana.metadata.title = "Crime fell, said the mayor".into();

    let pending = ana_ledger.pending(&ana, "ana");
    let ids: Vec<String> = pending.iter().map(|c| c.server_id(&ana_ledger)).collect();
    assert_eq!(
        ids,
        ["meta:doc1", "rel:doc1:r1", "tag:doc1:claim"],
        "three documents, nothing else"
    );
    let docs = as_server_docs(&mut ana_ledger, &ana, "ana", "2-a");
    assert!(ana_ledger.pending(&ana, "ana").is_empty());

    let got = receive(&mut ben_ledger, &ben, &docs, "ben");
    assert!(got.notices.is_empty(), "{:?}", got.notices);
    assert!(
        touched(&got.edits).annotations.is_empty(),
        "no annotation part to write"
    );
    apply_edits(&mut ben, &got.edits);
    assert_eq!(ben.metadata, ana.metadata);
    assert_eq!(ben.tags, ana.tags);
    assert_eq!(ben.relations, ana.relations);
    assert!(
        ben_ledger.pending(&ben, "ben").is_empty(),
        "nothing to push back"
    );
    // Their own documents coming back change nothing for Ana.
    assert_eq!(
        receive(&mut ana_ledger, &ana, &docs, "ana"),
        Default::default()
    );

    // A relation removed there is removed here; a ledger with pieces round-trips.
    ana.relations.clear();
    let docs: Vec<Value> = as_server_docs(&mut ana_ledger, &ana, "ana", "3-a")
        .into_iter()
        .map(|d| json!({"_id": d["_id"], "_rev": "3-a", "_deleted": true}))
        .collect();
    let got = receive(&mut ben_ledger, &ben, &docs, "ben");
    assert!(apply_edits(&mut ben, &got.edits));
    assert!(ben.relations.is_empty());
    assert!(ben_ledger.pending(&ben, "ben").is_empty());
    assert_eq!(
        Ledger::from_json(&ana_ledger.to_json()).expect("reads"),
        ana_ledger
    );
}

#[test]
fn details_edited_on_both_sides_merge_field_by_field_and_a_clash_keeps_ours_and_names_theirs() {
    let (mut ana, mut ben) = (document(), document());
    let (mut ana_ledger, mut ben_ledger) = (ledger(), ledger());
    ana.metadata.title = "Ana's title".into();
    ana.metadata.author = "R. Reporter".into();
    ben.metadata.title = "Ben's title".into();
    ben.metadata.publisher = "Daily".into();
    let docs = as_server_docs(&mut ana_ledger, &ana, "ana", "2-a");
    let got = receive(&mut ben_ledger, &ben, &docs, "ben");
    apply_edits(&mut ben, &got.edits);
    assert_eq!(
        ben.metadata.title, "Ben's title",
        "the field both changed keeps the local value"
    );
    assert_eq!(
        ben.metadata.author, "R. Reporter",
        "theirs where only they changed it"
    );
    assert_eq!(
        ben.metadata.publisher, "Daily",
        "ours where only we changed it"
    );
    assert!(
        matches!(&got.notices[..], [SyncNotice::FieldKept { field, theirs, by, .. }]
            if field == "title" && theirs == "Ana's title" && by == "ana"),
        "{:?}",
        got.notices
    );
    // The merged version goes to the server over theirs.
    let pending = ben_ledger.pending(&ben, "ben");
    assert!(matches!(&pending[..], [Outgoing::PutPiece { rev: Some(r), .. }] if r == "2-a"));
}

#[test]
fn a_relation_arriving_before_its_annotation_waits_for_it_and_is_never_deleted_meanwhile() {
    let mut ben = document();
    let mut ben_ledger = ledger();
    let mut ana = document();
    let (a1, a2) = (annotation(&ana, "a1", 0, 3), annotation(&ana, "a2", 4, 17));
    ana.annotations.extend([a1.clone(), a2.clone()]);
    ana.relations.push(relation("r1", "a1", "a2"));
    let mut ana_ledger = ledger();
    let docs = as_server_docs(&mut ana_ledger, &ana, "ana", "1-a");
    let (annotations, rest): (Vec<Value>, Vec<Value>) = docs
        .into_iter()
        .partition(|d| d["_id"].as_str().is_some_and(|id| id.starts_with("ann:")));
    let got = receive(&mut ben_ledger, &ben, &rest, "ben");
    apply_edits(&mut ben, &got.edits);
    assert!(ben.relations.is_empty(), "its annotations are not here yet");
    assert!(
        ben_ledger.pending(&ben, "ben").is_empty(),
        "a waiting relation is not deleted"
    );
    let got = receive(&mut ben_ledger, &ben, &annotations, "ben");
    apply_edits(&mut ben, &got.edits);
    assert_eq!(ben.relations, ana.relations);
    assert!(ben_ledger.pending(&ben, "ben").is_empty());
}

#[test]
fn a_tag_removed_elsewhere_but_used_here_is_kept_and_hostile_pieces_are_refused() {
    let mut ben = document();
    let mut ben_ledger = ledger();
    ben.annotations.push(annotation(&ben, "b1", 0, 3));
    let gone = json!({"_id": "tag:doc1:claim", "_rev": "2-a", "_deleted": true});
    let got = receive(&mut ben_ledger, &ben, &[gone], "ben");
    assert!(got.edits.is_empty());
    assert!(matches!(
        &got.notices[..],
        [SyncNotice::RemovedButKept { .. }]
    ));
    assert!(
        ben_ledger.pending(&ben, "ben").iter().any(
            |c| matches!(c, Outgoing::PutPiece { id, rev: None, .. } if id == "tag:doc1:claim")
        ),
        "shared again"
    );
    let hostile = [
        json!({"_id": "tag:doc1:x", "_rev": "1-a", "type": "tag", "version": 1, "document": "doc1", "id": "y", "label": "X", "color": "#000000"}),
        json!({"_id": "tag:doc1:x", "_rev": "1-a", "type": "tag", "version": 1, "document": "doc1", "id": "x", "label": 5, "color": "#000000"}),
        json!({"_id": "tag:doc1:x", "_rev": "1-a", "type": "tag", "version": 1, "document": "doc1", "id": "x", "label": "X", "color": "red"}),
        json!({"_id": "meta:doc1", "_rev": "1-a", "type": "details", "version": 1, "document": "doc1", "id": "", "title": "x".repeat(30_000)}),
    ];
    let got = receive(&mut ben_ledger, &ben, &hostile, "ben");
    assert!(got.edits.is_empty(), "{:?}", got.edits);
    assert_eq!(got.notices.len(), 4, "{:?}", got.notices);
}

#[test]
fn a_sequence_gives_its_number_for_progress_from_couchdb_and_pouchdb() {
    assert_eq!(seq_number("100001"), Some(100_001));
    assert_eq!(seq_number("42-g1AAAAFTeJzLYWBg"), Some(42));
    assert_eq!(seq_number("now"), None);
}
