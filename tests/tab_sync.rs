//! Merging two tabs' revisions of one document: one table case per rule, through one `check`
//! helper, then the identity properties merge(base, x, base) == x == merge(base, base, x).

use annotator::domain::annotation::{Annotation, AnnotationId, Relation, RelationId, RelationKind};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::tab_sync::merge_revisions;
use annotator::domain::tag::{Tag, TagId, Taxonomy};
use annotator::domain::text::{Text, TextRange};
use proptest::prelude::*;

const TEXT: &str = "The mayor said crime fell 12% last year. Police data shows otherwise.";

fn annotation(id: &str, tag: &str, start: usize, end: usize, modified: &str) -> Annotation {
    let text = Text::new(TEXT);
    let range = TextRange::from_code_points(start, end).expect("test ranges are ordered");
    let mut annotation = Annotation::new(
        AnnotationId(id.into()),
        TagId(tag.into()),
        &text,
        range,
        "2024-01-01T00:00:00Z",
    )
    .expect("test ranges lie in the text");
    annotation.modified = modified.into();
    annotation
}

fn relation(id: &str, from: &str, to: &str) -> Relation {
    Relation {
        id: RelationId(id.into()),
        kind: RelationKind::SupportedBy,
        from: AnnotationId(from.into()),
        to: AnnotationId(to.into()),
    }
}

fn base_document() -> Document {
    let mut doc = Document::new(
        DocumentId("doc".into()),
        Metadata {
            title: "Mayor".into(),
            ..Metadata::default()
        },
        Text::new(TEXT),
    );
    doc.annotations = vec![
        annotation("a1", "claim", 15, 39, "2024-01-01T00:00:00Z"),
        annotation("a2", "source", 41, 52, "2024-01-01T00:00:00Z"),
    ];
    doc.relations = vec![relation("r1", "a1", "a2")];
    doc
}

/// The document with items sorted by id, so order does not matter in comparisons.
fn normalised(doc: &Document) -> Document {
    let mut doc = doc.clone();
    doc.annotations.sort_by(|a, b| a.id.cmp(&b.id));
    doc.relations.sort_by(|a, b| a.id.0.cmp(&b.id.0));
    let mut tags: Vec<Tag> = doc.tags.tags().to_vec();
    tags.sort_by(|a, b| a.id.cmp(&b.id));
    let mut taxonomy = Taxonomy::empty();
    for tag in tags {
        taxonomy.insert_at(taxonomy.tags().len(), tag);
    }
    doc.tags = taxonomy;
    doc
}

fn edit(doc: &mut Document, id: &str, note: &str, modified: &str) {
    if let Some(annotation) = doc.annotation_mut(&AnnotationId(id.into())) {
        annotation.note = note.into();
        annotation.modified = modified.into();
    }
}

fn delete(doc: &mut Document, id: &str) {
    doc.annotations.retain(|a| a.id.0 != id);
    doc.relations.retain(|r| r.from.0 != id && r.to.0 != id);
}

struct Case {
    name: &'static str,
    ours: fn(&mut Document),
    theirs: fn(&mut Document),
    /// The expected result, made from the base.
    expected: fn(&mut Document),
    /// One substring per expected conflict, in order.
    conflicts: &'static [&'static str],
}

fn check(case: Case) {
    let base = base_document();
    let mut ours = base.clone();
    (case.ours)(&mut ours);
    let mut theirs = base.clone();
    (case.theirs)(&mut theirs);
    let mut expected = base.clone();
    (case.expected)(&mut expected);
    let merged = merge_revisions(&base, &ours, &theirs);
    assert_eq!(
        normalised(&merged.document),
        normalised(&expected),
        "{}: document",
        case.name
    );
    assert_eq!(
        merged.conflicts.len(),
        case.conflicts.len(),
        "{}: conflicts {:?}",
        case.name,
        merged.conflicts
    );
    for (conflict, wanted) in merged.conflicts.iter().zip(case.conflicts) {
        assert!(
            conflict.contains(wanted),
            "{}: conflict «{conflict}» should mention «{wanted}»",
            case.name
        );
    }
}

#[test]
fn each_merge_rule() {
    let cases = [
        Case {
            name: "nothing changed",
            ours: |_| {},
            theirs: |_| {},
            expected: |_| {},
            conflicts: &[],
        },
        Case {
            name: "only ours edited",
            ours: |d| edit(d, "a1", "ours", "2024-02-01T00:00:00Z"),
            theirs: |_| {},
            expected: |d| edit(d, "a1", "ours", "2024-02-01T00:00:00Z"),
            conflicts: &[],
        },
        Case {
            name: "only theirs edited",
            ours: |_| {},
            theirs: |d| edit(d, "a2", "theirs", "2024-02-01T00:00:00Z"),
            expected: |d| edit(d, "a2", "theirs", "2024-02-01T00:00:00Z"),
            conflicts: &[],
        },
        Case {
            name: "each side edited a different annotation",
            ours: |d| edit(d, "a1", "ours", "2024-02-01T00:00:00Z"),
            theirs: |d| edit(d, "a2", "theirs", "2024-02-02T00:00:00Z"),
            expected: |d| {
                edit(d, "a1", "ours", "2024-02-01T00:00:00Z");
                edit(d, "a2", "theirs", "2024-02-02T00:00:00Z");
            },
            conflicts: &[],
        },
        Case {
            name: "both added different annotations",
            ours: |d| {
                d.annotations
                    .push(annotation("a3", "entity", 4, 9, "2024-02-01"))
            },
            theirs: |d| {
                d.annotations
                    .push(annotation("a4", "claim", 53, 68, "2024-02-01"))
            },
            expected: |d| {
                d.annotations
                    .push(annotation("a3", "entity", 4, 9, "2024-02-01"));
                d.annotations
                    .push(annotation("a4", "claim", 53, 68, "2024-02-01"));
            },
            conflicts: &[],
        },
        Case {
            name: "deleted on one side, unchanged on the other: deleted",
            ours: |d| delete(d, "a2"),
            theirs: |_| {},
            expected: |d| delete(d, "a2"),
            conflicts: &[],
        },
        Case {
            name: "deleted by theirs, unchanged by ours: deleted",
            ours: |_| {},
            theirs: |d| delete(d, "a1"),
            expected: |d| delete(d, "a1"),
            conflicts: &[],
        },
        Case {
            name: "deleted by ours, edited by theirs: kept as edited",
            ours: |d| delete(d, "a1"),
            theirs: |d| edit(d, "a1", "still true?", "2024-02-01T00:00:00Z"),
            expected: |d| {
                edit(d, "a1", "still true?", "2024-02-01T00:00:00Z");
                d.relations.clear();
            },
            conflicts: &["annotation \"a1\" was deleted in this tab but edited in the other"],
        },
        Case {
            name: "edited by ours, deleted by theirs: kept as edited",
            ours: |d| edit(d, "a2", "mine", "2024-02-01T00:00:00Z"),
            theirs: |d| delete(d, "a2"),
            expected: |d| {
                edit(d, "a2", "mine", "2024-02-01T00:00:00Z");
                d.relations.clear();
            },
            conflicts: &["annotation \"a2\" was deleted in the other tab but edited in this one"],
        },
        Case {
            name: "both edited the same way",
            ours: |d| edit(d, "a1", "same", "2024-02-01T00:00:00Z"),
            theirs: |d| edit(d, "a1", "same", "2024-02-01T00:00:00Z"),
            expected: |d| edit(d, "a1", "same", "2024-02-01T00:00:00Z"),
            conflicts: &[],
        },
        Case {
            name: "both edited differently, ours later: ours wins, both notes reported",
            ours: |d| edit(d, "a1", "ours note", "2024-02-02T00:00:00Z"),
            theirs: |d| edit(d, "a1", "theirs note", "2024-02-01T00:00:00Z"),
            expected: |d| edit(d, "a1", "ours note", "2024-02-02T00:00:00Z"),
            conflicts: &[
                "this tab's later edit was kept. This tab's note: “ours note”; the other tab's note: “theirs note”",
            ],
        },
        Case {
            name: "both edited differently, theirs later: theirs wins",
            ours: |d| edit(d, "a1", "ours note", "2024-02-01T00:00:00Z"),
            theirs: |d| edit(d, "a1", "theirs note", "2024-02-03T00:00:00Z"),
            expected: |d| edit(d, "a1", "theirs note", "2024-02-03T00:00:00Z"),
            conflicts: &["the other tab's later edit was kept"],
        },
        Case {
            name: "metadata fields changed on different sides",
            ours: |d| d.metadata.title = "Mayor (updated)".into(),
            theirs: |d| d.metadata.author = "A. Writer".into(),
            expected: |d| {
                d.metadata.title = "Mayor (updated)".into();
                d.metadata.author = "A. Writer".into();
            },
            conflicts: &[],
        },
        Case {
            name: "metadata field changed differently: the newer side wins",
            ours: |d| {
                d.metadata.title = "Ours".into();
                edit(d, "a1", "n", "2024-03-01T00:00:00Z");
            },
            theirs: |d| d.metadata.title = "Theirs".into(),
            expected: |d| {
                d.metadata.title = "Ours".into();
                edit(d, "a1", "n", "2024-03-01T00:00:00Z");
            },
            conflicts: &[
                "the title was changed differently in both tabs (“Ours” here, “Theirs” in the other tab); “Ours” was kept",
            ],
        },
        Case {
            name: "relation added to an annotation the other side deleted: dropped",
            ours: |d| d.relations.push(relation("r2", "a2", "a1")),
            theirs: |d| delete(d, "a2"),
            expected: |d| delete(d, "a2"),
            conflicts: &["relation \"r2\" was dropped"],
        },
        Case {
            name: "relation changed differently without times: the newer side wins",
            ours: |d| {
                d.relations = vec![Relation {
                    kind: RelationKind::ContradictedBy,
                    ..relation("r1", "a1", "a2")
                }];
            },
            theirs: |d| {
                d.relations = vec![relation("r1", "a2", "a1")];
                edit(d, "a2", "x", "2024-05-01T00:00:00Z");
            },
            expected: |d| {
                d.relations = vec![relation("r1", "a2", "a1")];
                edit(d, "a2", "x", "2024-05-01T00:00:00Z");
            },
            conflicts: &[
                "relation \"r1\" was changed differently in both tabs; the other tab's version was kept",
            ],
        },
        Case {
            name: "tags added and edited on different sides",
            ours: |d| {
                let _ = d.tags.add(Tag {
                    id: TagId("quote".into()),
                    label: "Quote".into(),
                    color: "#123456".into(),
                    key: Some('4'),
                    description: String::new(),
                });
            },
            theirs: |d| {
                if let Some(mut claim) = d.tags.get(&TagId("claim".into())).cloned() {
                    claim.label = "Checkable claim".into();
                    let _ = d.tags.replace(claim);
                }
            },
            expected: |d| {
                let _ = d.tags.add(Tag {
                    id: TagId("quote".into()),
                    label: "Quote".into(),
                    color: "#123456".into(),
                    key: Some('4'),
                    description: String::new(),
                });
                if let Some(mut claim) = d.tags.get(&TagId("claim".into())).cloned() {
                    claim.label = "Checkable claim".into();
                    let _ = d.tags.replace(claim);
                }
            },
            conflicts: &[],
        },
        Case {
            name: "tag deleted on one side while the other uses it: restored",
            ours: |d| {
                d.annotations
                    .push(annotation("a3", "entity", 4, 9, "2024-02-01"))
            },
            theirs: |d| {
                d.tags.remove(&TagId("entity".into()));
            },
            expected: |d| {
                d.annotations
                    .push(annotation("a3", "entity", 4, 9, "2024-02-01"))
            },
            conflicts: &["tag \"entity\" was restored"],
        },
        Case {
            name: "texts differ: the newer side unchanged",
            ours: |d| {
                d.text = Text::new("A corrected text.");
                d.annotations.clear();
                d.relations.clear();
            },
            theirs: |d| edit(d, "a1", "later", "2024-06-01T00:00:00Z"),
            expected: |d| edit(d, "a1", "later", "2024-06-01T00:00:00Z"),
            conflicts: &[
                "the article text was changed differently in two tabs; the newer version was kept and this tab's changes were not merged",
            ],
        },
    ];
    for case in cases {
        check(case);
    }
}

#[test]
fn merging_is_deterministic_and_keeps_order_of_ours() {
    let base = base_document();
    let mut ours = base.clone();
    ours.annotations.reverse();
    ours.annotations
        .push(annotation("a9", "entity", 4, 9, "2024-02-01"));
    let mut theirs = base.clone();
    theirs
        .annotations
        .push(annotation("a5", "claim", 53, 68, "2024-02-01"));
    let first = merge_revisions(&base, &ours, &theirs);
    let second = merge_revisions(&base, &ours, &theirs);
    assert_eq!(first, second);
    let ids: Vec<&str> = first
        .document
        .annotations
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(ids, ["a2", "a1", "a9", "a5"]);
}

// ---------------------------------------------------------------------------------------------
// Properties.

/// A consistent document over TEXT: unique annotation ids from a small pool (so base and a
/// revision share some), relations only between its annotations, tags the defaults plus
/// maybe one custom tag.
fn document_strategy() -> impl Strategy<Value = Document> {
    let annotation_strategy = (
        0..6usize,
        prop::sample::select(vec!["claim", "source", "entity"]),
        0..60usize,
        1..9usize,
        prop::sample::select(vec!["", "check", "note B"]),
        prop::sample::select(vec!["2024-01-01", "2024-02-01", "2024-03-01"]),
    )
        .prop_map(|(id, tag, start, length, note, modified)| {
            let mut a = annotation(&format!("a{id}"), tag, start, start + length, modified);
            a.note = note.into();
            a
        });
    (
        prop::collection::vec(annotation_strategy, 0..6),
        prop::collection::vec((0..4usize, 0..6usize, 0..6usize), 0..4),
        prop::sample::select(vec!["Mayor", "Mayor 2", ""]),
        any::<bool>(),
    )
        .prop_map(|(annotations, relations, title, custom_tag)| {
            let mut doc = base_document();
            doc.metadata.title = title.into();
            doc.annotations.clear();
            for a in annotations {
                if doc.annotation(&a.id).is_none() {
                    doc.annotations.push(a);
                }
            }
            doc.relations.clear();
            for (id, from, to) in relations {
                let (from, to) = (format!("a{from}"), format!("a{to}"));
                let id = format!("r{id}");
                let ends_exist = doc.annotation(&AnnotationId(from.clone())).is_some()
                    && doc.annotation(&AnnotationId(to.clone())).is_some();
                if ends_exist && doc.relations.iter().all(|r| r.id.0 != id) {
                    doc.relations.push(relation(&id, &from, &to));
                }
            }
            if custom_tag {
                doc.tags.insert_at(
                    0,
                    Tag {
                        id: TagId("custom".into()),
                        label: "Custom".into(),
                        color: "#abcdef".into(),
                        key: None,
                        description: String::new(),
                    },
                );
            }
            doc
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_change_on_ours_alone_is_the_result(base in document_strategy(), ours in document_strategy()) {
        let merged = merge_revisions(&base, &ours, &base);
        prop_assert_eq!(normalised(&merged.document), normalised(&ours));
        prop_assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    }

    #[test]
    fn a_change_on_theirs_alone_is_the_result(base in document_strategy(), theirs in document_strategy()) {
        let merged = merge_revisions(&base, &base, &theirs);
        prop_assert_eq!(normalised(&merged.document), normalised(&theirs));
        prop_assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    }

    #[test]
    fn merging_is_symmetric_up_to_order_without_conflicts(
        base in document_strategy(),
        ours in document_strategy(),
        theirs in document_strategy(),
    ) {
        let forward = merge_revisions(&base, &ours, &theirs);
        let backward = merge_revisions(&base, &theirs, &ours);
        if forward.conflicts.is_empty() && backward.conflicts.is_empty() {
            prop_assert_eq!(normalised(&forward.document), normalised(&backward.document));
        }
        // Whatever happened, the result is consistent.
        let doc = &forward.document;
        for r in &doc.relations {
            prop_assert!(doc.annotation(&r.from).is_some() && doc.annotation(&r.to).is_some());
        }
        for a in &doc.annotations {
            prop_assert!(doc.tags.contains(&a.tag), "tag {:?} missing", a.tag);
        }
    }
}
