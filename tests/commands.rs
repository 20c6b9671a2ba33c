//! Commands, undo history and import merging: every command is checked to reach the expected
//! document, to undo to exactly the document before it and to redo to exactly the one after.

use annotator::domain::annotation::{
    AnchorStatus, Annotation, AnnotationId, Relation, RelationId, RelationKind,
};
use annotator::domain::command::{Command, CommandError, RelationEnd, TagRemoval, apply};
use annotator::domain::describe::shorten;
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::history::{Editor, History};
use annotator::domain::merge::{ImportItem, IncomingBatch, RejectReason, plan_import};
use annotator::domain::tag::{Tag, TagError, TagId};
use annotator::domain::text::{OffsetError, Text, TextRange};
use proptest::prelude::*;
use std::collections::BTreeMap;

const ARTICLE: &str = "The minister said unemployment fell by 12% last year, citing the national \
statistics office. Critics in Zürich 🦀 disagreed.";
const CREATED: &str = "2026-01-01T00:00:00Z";
const NOW: &str = "2026-02-02T10:00:00Z";

fn annotation_id(id: &str) -> AnnotationId {
    AnnotationId(id.to_string())
}

fn relation_id(id: &str) -> RelationId {
    RelationId(id.to_string())
}

fn tag_id(id: &str) -> TagId {
    TagId(id.to_string())
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::from_code_points(start, end).expect("test ranges are ordered")
}

/// The range of the first occurrence of `quote` in the article, in code points.
fn range_of(quote: &str) -> TextRange {
    let byte_start = ARTICLE.find(quote).expect("quote is in the article");
    let start = ARTICLE[..byte_start].chars().count();
    range(start, start + quote.chars().count())
}

fn annotation(document: &Document, id: &str, tag: &str, quote: &str) -> Annotation {
    Annotation::new(
        annotation_id(id),
        tag_id(tag),
        &document.text,
        range_of(quote),
        CREATED,
    )
    .expect("quote is in the article")
}

fn relation(id: &str, kind: RelationKind, from: &str, to: &str) -> Relation {
    Relation {
        id: relation_id(id),
        kind,
        from: annotation_id(from),
        to: annotation_id(to),
    }
}

/// Three annotations and three relations; a1 is linked twice, a3 once more to a2.
fn base() -> Document {
    let mut document = Document::new(
        DocumentId("doc-1".into()),
        Metadata {
            title: "Jobs".into(),
            ..Metadata::default()
        },
        Text::new(ARTICLE),
    );
    document.annotations = vec![
        annotation(&document, "a1", "claim", "unemployment fell by 12%"),
        annotation(&document, "a2", "source", "the national statistics office"),
        annotation(&document, "a3", "entity", "minister"),
    ];
    document.relations = vec![
        relation("r1", RelationKind::SupportedBy, "a1", "a2"),
        relation("r2", RelationKind::About, "a3", "a2"),
        relation("r3", RelationKind::AttributedTo, "a1", "a3"),
    ];
    document
}

/// `document` changed by `edit`: the expected state, written out by hand.
fn edited(document: &Document, edit: impl FnOnce(&mut Document)) -> Document {
    let mut expected = document.clone();
    edit(&mut expected);
    expected
}

fn at<'a>(document: &'a mut Document, id: &str) -> &'a mut Annotation {
    document
        .annotation_mut(&annotation_id(id))
        .expect("annotation exists")
}

fn quote_tag() -> Tag {
    Tag {
        id: tag_id("quote"),
        label: "Quote".into(),
        color: "#123abc".into(),
        key: Some('4'),
        description: "Words reported verbatim.".into(),
    }
}

/// Applies `command` to `before` and expects `expected`; then undo must give back `before`
/// exactly and redo `expected` exactly. An error must leave the document untouched.
fn check(
    name: &str,
    before: &Document,
    command: Command,
    expected: Result<Document, CommandError>,
) {
    let mut editor = Editor::new(before.clone());
    let result = editor.execute(command, 1_000, NOW);
    match expected {
        Err(error) => {
            assert_eq!(result, Err(error), "{name}: error");
            assert_eq!(
                editor.document(),
                before,
                "{name}: refused command changed the document"
            );
            assert!(!editor.can_undo(), "{name}: refused command was recorded");
        }
        Ok(after) => {
            assert!(result.is_ok(), "{name}: refused with {result:?}");
            assert_eq!(editor.document(), &after, "{name}: after apply");
            if &after == before {
                assert!(
                    !editor.can_undo(),
                    "{name}: a command that changed nothing was recorded"
                );
                return;
            }
            assert!(editor.undo().is_some(), "{name}: nothing to undo");
            assert_eq!(editor.document(), before, "{name}: after undo");
            assert!(editor.redo().is_some(), "{name}: nothing to redo");
            assert_eq!(editor.document(), &after, "{name}: after redo");
        }
    }
}

#[test]
fn annotation_commands() {
    let base = base();
    let cases: Vec<(&str, Command, Result<Document, CommandError>)> = vec![
        (
            "create over an astral character",
            Command::CreateAnnotation {
                id: annotation_id("a4"),
                tag: tag_id("entity"),
                range: range_of("Zürich 🦀"),
            },
            Ok(edited(&base, |d| {
                let mut new = annotation(d, "a4", "entity", "Zürich 🦀");
                new.created = NOW.into();
                new.modified = NOW.into();
                d.annotations.push(new);
            })),
        ),
        (
            "create past the end",
            Command::CreateAnnotation {
                id: annotation_id("a4"),
                tag: tag_id("claim"),
                range: range(10, 500),
            },
            Err(CommandError::RangeOutsideText(OffsetError::PastEnd {
                offset: 500,
                len: ARTICLE.chars().count(),
            })),
        ),
        (
            "create empty",
            Command::CreateAnnotation {
                id: annotation_id("a4"),
                tag: tag_id("claim"),
                range: range(5, 5),
            },
            Err(CommandError::EmptyRange),
        ),
        (
            "create with unknown tag",
            Command::CreateAnnotation {
                id: annotation_id("a4"),
                tag: tag_id("quote"),
                range: range(0, 3),
            },
            Err(CommandError::UnknownTag(tag_id("quote"))),
        ),
        (
            "create with taken id",
            Command::CreateAnnotation {
                id: annotation_id("a2"),
                tag: tag_id("claim"),
                range: range(0, 3),
            },
            Err(CommandError::DuplicateAnnotationId(annotation_id("a2"))),
        ),
        (
            "create with empty id",
            Command::CreateAnnotation {
                id: annotation_id(""),
                tag: tag_id("claim"),
                range: range(0, 3),
            },
            Err(CommandError::EmptyAnnotationId),
        ),
        (
            "delete removes its relations",
            Command::DeleteAnnotation {
                id: annotation_id("a1"),
            },
            Ok(edited(&base, |d| {
                d.annotations.remove(0);
                d.relations.retain(|r| r.id == relation_id("r2"));
            })),
        ),
        (
            "delete unknown",
            Command::DeleteAnnotation {
                id: annotation_id("zz"),
            },
            Err(CommandError::UnknownAnnotation(annotation_id("zz"))),
        ),
        (
            "retag",
            Command::Retag {
                id: annotation_id("a3"),
                tag: tag_id("source"),
            },
            Ok(edited(&base, |d| {
                at(d, "a3").tag = tag_id("source");
                at(d, "a3").modified = NOW.into();
            })),
        ),
        (
            "retag to unknown tag",
            Command::Retag {
                id: annotation_id("a3"),
                tag: tag_id("nope"),
            },
            Err(CommandError::UnknownTag(tag_id("nope"))),
        ),
        (
            "retag to the same tag changes nothing",
            Command::Retag {
                id: annotation_id("a3"),
                tag: tag_id("entity"),
            },
            Ok(base.clone()),
        ),
        (
            "edit note",
            Command::EditNote {
                id: annotation_id("a1"),
                note: "Check the ONS series.".into(),
            },
            Ok(edited(&base, |d| {
                at(d, "a1").note = "Check the ONS series.".into();
                at(d, "a1").modified = NOW.into();
            })),
        ),
        (
            "edit note of unknown annotation",
            Command::EditNote {
                id: annotation_id("zz"),
                note: "x".into(),
            },
            Err(CommandError::UnknownAnnotation(annotation_id("zz"))),
        ),
        (
            "set attribute",
            Command::SetAttribute {
                id: annotation_id("a1"),
                name: "verdict".into(),
                value: "false".into(),
            },
            Ok(edited(&base, |d| {
                at(d, "a1")
                    .attributes
                    .insert("verdict".into(), "false".into());
                at(d, "a1").modified = NOW.into();
            })),
        ),
        (
            "set attribute without name",
            Command::SetAttribute {
                id: annotation_id("a1"),
                name: " ".into(),
                value: "x".into(),
            },
            Err(CommandError::EmptyAttributeName),
        ),
        (
            "remove missing attribute",
            Command::RemoveAttribute {
                id: annotation_id("a1"),
                name: "verdict".into(),
            },
            Err(CommandError::UnknownAttribute {
                id: annotation_id("a1"),
                name: "verdict".into(),
            }),
        ),
        (
            "set several attributes",
            Command::SetAttributes {
                id: annotation_id("a2"),
                attributes: BTreeMap::from([
                    ("kind".to_string(), "official".to_string()),
                    ("url".to_string(), "https://example.org".to_string()),
                ]),
            },
            Ok(edited(&base, |d| {
                let a2 = at(d, "a2");
                a2.attributes.insert("kind".into(), "official".into());
                a2.attributes
                    .insert("url".into(), "https://example.org".into());
                a2.modified = NOW.into();
            })),
        ),
    ];
    for (name, command, expected) in cases {
        check(name, &base, command, expected);
    }
}

#[test]
fn removing_an_attribute_restores_it_on_undo() {
    let with_attribute = edited(&base(), |d| {
        at(d, "a1")
            .attributes
            .insert("verdict".into(), "false".into());
    });
    check(
        "remove attribute",
        &with_attribute,
        Command::RemoveAttribute {
            id: annotation_id("a1"),
            name: "verdict".into(),
        },
        Ok(edited(&with_attribute, |d| {
            at(d, "a1").attributes.clear();
            at(d, "a1").modified = NOW.into();
        })),
    );
}

#[test]
fn relation_commands() {
    let base = base();
    let add = |id: &str, kind: RelationKind, from: &str, to: &str| Command::AddRelation {
        id: relation_id(id),
        kind,
        from: annotation_id(from),
        to: annotation_id(to),
    };
    let cases: Vec<(&str, Command, Result<Document, CommandError>)> = vec![
        (
            "add relation",
            add("r4", RelationKind::ContradictedBy, "a1", "a3"),
            Ok(edited(&base, |d| {
                d.relations
                    .push(relation("r4", RelationKind::ContradictedBy, "a1", "a3"))
            })),
        ),
        (
            "add custom relation",
            add("r4", RelationKind::Custom("quotes".into()), "a3", "a1"),
            Ok(edited(&base, |d| {
                d.relations.push(relation(
                    "r4",
                    RelationKind::Custom("quotes".into()),
                    "a3",
                    "a1",
                ))
            })),
        ),
        (
            "missing start",
            add("r4", RelationKind::About, "zz", "a1"),
            Err(CommandError::RelationEndMissing {
                end: RelationEnd::From,
                id: annotation_id("zz"),
            }),
        ),
        (
            "missing end",
            add("r4", RelationKind::About, "a1", "zz"),
            Err(CommandError::RelationEndMissing {
                end: RelationEnd::To,
                id: annotation_id("zz"),
            }),
        ),
        (
            "self relation",
            add("r4", RelationKind::About, "a1", "a1"),
            Err(CommandError::SelfRelation(annotation_id("a1"))),
        ),
        (
            "exact duplicate",
            add("r4", RelationKind::SupportedBy, "a1", "a2"),
            Err(CommandError::DuplicateRelation {
                kind: RelationKind::SupportedBy,
                from: annotation_id("a1"),
                to: annotation_id("a2"),
            }),
        ),
        (
            "taken relation id",
            add("r1", RelationKind::About, "a2", "a1"),
            Err(CommandError::DuplicateRelationId(relation_id("r1"))),
        ),
        (
            "remove middle relation",
            Command::RemoveRelation {
                id: relation_id("r2"),
            },
            Ok(edited(&base, |d| {
                d.relations.remove(1);
            })),
        ),
        (
            "remove unknown relation",
            Command::RemoveRelation {
                id: relation_id("r9"),
            },
            Err(CommandError::UnknownRelation(relation_id("r9"))),
        ),
    ];
    for (name, command, expected) in cases {
        check(name, &base, command, expected);
    }
}

#[test]
fn metadata_and_tag_commands() {
    let base = base();
    let metadata = Metadata {
        title: "Jobs report".into(),
        url: "https://example.org/jobs".into(),
        publisher: "Example Times".into(),
        author: "A. Writer".into(),
        published: "2026-01-31".into(),
        language: String::new(),
    };
    let renamed_claim = Tag {
        label: "Statement".into(),
        color: "#000000".into(),
        ..base.tags.tags()[0].clone()
    };
    let cases: Vec<(&str, Command, Result<Document, CommandError>)> = vec![
        (
            "edit metadata",
            Command::EditMetadata {
                metadata: metadata.clone(),
            },
            Ok(edited(&base, |d| d.metadata = metadata.clone())),
        ),
        (
            "add tag",
            Command::AddTag { tag: quote_tag() },
            Ok(edited(&base, |d| {
                d.tags.add(quote_tag()).expect("valid tag")
            })),
        ),
        (
            "add tag with taken key",
            Command::AddTag {
                tag: Tag {
                    key: Some('1'),
                    ..quote_tag()
                },
            },
            Err(CommandError::InvalidTag(TagError::DuplicateKey('1'))),
        ),
        (
            "edit tag keeps its place",
            Command::EditTag {
                tag: renamed_claim.clone(),
            },
            Ok(edited(&base, |d| {
                d.tags.replace(renamed_claim.clone()).expect("valid tag");
            })),
        ),
        (
            "edit tag to a taken label",
            Command::EditTag {
                tag: Tag {
                    label: "source".into(),
                    ..renamed_claim.clone()
                },
            },
            Err(CommandError::InvalidTag(TagError::DuplicateLabel(
                "source".into(),
            ))),
        ),
        (
            "edit unknown tag",
            Command::EditTag { tag: quote_tag() },
            Err(CommandError::UnknownTag(tag_id("quote"))),
        ),
        (
            "remove tag, reassigning its annotations",
            Command::RemoveTag {
                id: tag_id("claim"),
                annotations: TagRemoval::ReassignTo(tag_id("entity")),
            },
            Ok(edited(&base, |d| {
                at(d, "a1").tag = tag_id("entity");
                at(d, "a1").modified = NOW.into();
                d.tags.remove(&tag_id("claim"));
            })),
        ),
        (
            "remove tag, deleting its annotations and their relations",
            Command::RemoveTag {
                id: tag_id("claim"),
                annotations: TagRemoval::DeleteAnnotations,
            },
            Ok(edited(&base, |d| {
                d.annotations.remove(0);
                d.relations.retain(|r| r.id == relation_id("r2"));
                d.tags.remove(&tag_id("claim"));
            })),
        ),
        (
            "remove tag, reassigning to itself",
            Command::RemoveTag {
                id: tag_id("claim"),
                annotations: TagRemoval::ReassignTo(tag_id("claim")),
            },
            Err(CommandError::ReassignToRemovedTag(tag_id("claim"))),
        ),
        (
            "remove tag, reassigning to unknown tag",
            Command::RemoveTag {
                id: tag_id("claim"),
                annotations: TagRemoval::ReassignTo(tag_id("nope")),
            },
            Err(CommandError::UnknownTag(tag_id("nope"))),
        ),
        (
            "remove unknown tag",
            Command::RemoveTag {
                id: tag_id("nope"),
                annotations: TagRemoval::DeleteAnnotations,
            },
            Err(CommandError::UnknownTag(tag_id("nope"))),
        ),
    ];
    for (name, command, expected) in cases {
        check(name, &base, command, expected);
    }
}

#[test]
fn deleting_restores_interleaved_relations_at_their_places() {
    let mut document = base();
    document
        .relations
        .insert(1, relation("r0", RelationKind::About, "a2", "a3"));
    document
        .relations
        .push(relation("r5", RelationKind::ContradictedBy, "a3", "a1"));
    check(
        "delete a1 among interleaved relations",
        &document,
        Command::DeleteAnnotation {
            id: annotation_id("a1"),
        },
        Ok(edited(&document, |d| {
            d.annotations.remove(0);
            d.relations
                .retain(|r| r.from != annotation_id("a1") && r.to != annotation_id("a1"));
        })),
    );
}

#[test]
fn descriptions_name_the_tag_and_a_short_quote() {
    let document = base();
    let long_quote = "unemployment fell by 12% last year, citing the national";
    let cases: Vec<(Command, String)> = vec![
        (
            Command::CreateAnnotation {
                id: annotation_id("a9"),
                tag: tag_id("claim"),
                range: range_of("12%"),
            },
            "Claim added: “12%”".into(),
        ),
        (
            Command::CreateAnnotation {
                id: annotation_id("a9"),
                tag: tag_id("claim"),
                range: range_of(long_quote),
            },
            format!("Claim added: “{}”", shorten(long_quote, 40)),
        ),
        (
            Command::DeleteAnnotation {
                id: annotation_id("a3"),
            },
            "Entity deleted: “minister”".into(),
        ),
        (
            Command::EditNote {
                id: annotation_id("a1"),
                note: "x".into(),
            },
            "Note edited".into(),
        ),
        (
            Command::Retag {
                id: annotation_id("a3"),
                tag: tag_id("source"),
            },
            "“minister” is now Source".into(),
        ),
        (
            Command::RemoveRelation {
                id: relation_id("r2"),
            },
            "Link removed: “minister” about “the national statistics office”".into(),
        ),
        (
            Command::RemoveTag {
                id: tag_id("claim"),
                annotations: TagRemoval::DeleteAnnotations,
            },
            "Tag “Claim” removed with its 1 annotation".into(),
        ),
    ];
    for (command, expected) in cases {
        assert_eq!(command.describe(&document), expected);
    }
    let shortened = shorten(long_quote, 40);
    assert_eq!(shortened.chars().count(), 40);
    assert!(shortened.ends_with('…'));
    assert_eq!(shorten("two\n\nlines", 40), "two lines");
}

#[test]
fn errors_tell_what_to_do() {
    let cases: Vec<(CommandError, &str)> = vec![
        (CommandError::EmptyRange, "select at least one character"),
        (CommandError::UnknownTag(tag_id("quote")), "\"quote\""),
        (
            CommandError::UnknownAnnotation(annotation_id("a7")),
            "\"a7\"",
        ),
        (
            CommandError::RelationEndMissing {
                end: RelationEnd::To,
                id: annotation_id("a7"),
            },
            "end annotation \"a7\"",
        ),
        (CommandError::SelfRelation(annotation_id("a7")), "to itself"),
        (
            CommandError::RangeOutsideText(OffsetError::PastEnd { offset: 9, len: 4 }),
            "past the end",
        ),
    ];
    for (error, fragment) in cases {
        let message = error.to_string();
        assert!(
            message.contains(fragment),
            "{message:?} should contain {fragment:?}"
        );
    }
}

#[test]
fn undo_and_redo_announce_what_they_did() {
    let mut editor = Editor::new(base());
    assert_eq!(editor.undo(), None);
    let said = editor.execute(
        Command::EditNote {
            id: annotation_id("a1"),
            note: "x".into(),
        },
        0,
        NOW,
    );
    assert_eq!(said, Ok("Note edited".to_string()));
    assert_eq!(editor.history().next_undo(), Some("Note edited"));
    assert_eq!(editor.undo(), Some("Undone: Note edited".to_string()));
    assert_eq!(editor.redo(), Some("Redone: Note edited".to_string()));
    assert_eq!(editor.redo(), None);
}

fn note(id: &str, text: &str) -> Command {
    Command::EditNote {
        id: annotation_id(id),
        note: text.into(),
    }
}

fn attribute(id: &str, name: &str, value: &str) -> Command {
    Command::SetAttribute {
        id: annotation_id(id),
        name: name.into(),
        value: value.into(),
    }
}

/// Runs timed commands through a history with a 1000 ms window; returns the undo depth and
/// checks that undoing everything gives back the base document.
fn check_coalescing(name: &str, timed: Vec<(u64, Command)>, expected_steps: usize) {
    let initial = base();
    let mut editor = Editor::with_history(initial.clone(), History::with_limits(500, 1000));
    for (now_ms, command) in timed {
        editor
            .execute(command, now_ms, NOW)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert_eq!(editor.history().undo_len(), expected_steps, "{name}: steps");
    while editor.undo().is_some() {}
    assert_eq!(editor.document(), &initial, "{name}: undo all");
}

/// A name, commands at their times in ms, and the undo steps they should make.
type CoalescingCase = (&'static str, Vec<(u64, Command)>, usize);

#[test]
fn quick_edits_of_one_field_merge_into_one_step() {
    let cases: Vec<CoalescingCase> = vec![
        (
            "typing a note",
            vec![
                (0, note("a1", "C")),
                (300, note("a1", "Ch")),
                (900, note("a1", "Che")),
            ],
            1,
        ),
        (
            "window slides with each keystroke",
            vec![
                (0, note("a1", "C")),
                (900, note("a1", "Ch")),
                (1800, note("a1", "Che")),
            ],
            1,
        ),
        (
            "a pause starts a new step",
            vec![(0, note("a1", "C")), (1001, note("a1", "Ch"))],
            2,
        ),
        (
            "another annotation",
            vec![(0, note("a1", "C")), (10, note("a2", "C"))],
            2,
        ),
        (
            "note then attribute",
            vec![(0, note("a1", "C")), (10, attribute("a1", "k", "v"))],
            2,
        ),
        (
            "one attribute typed",
            vec![
                (0, attribute("a1", "k", "v")),
                (10, attribute("a1", "k", "va")),
            ],
            1,
        ),
        (
            "two attributes",
            vec![
                (0, attribute("a1", "k", "v")),
                (10, attribute("a1", "j", "v")),
            ],
            2,
        ),
        (
            "clock going back",
            vec![(500, note("a1", "C")), (100, note("a1", "Ch"))],
            2,
        ),
        (
            "other command between",
            vec![
                (0, note("a1", "C")),
                (
                    10,
                    Command::Retag {
                        id: annotation_id("a2"),
                        tag: tag_id("claim"),
                    },
                ),
                (20, note("a1", "Ch")),
            ],
            3,
        ),
    ];
    for (name, timed, steps) in cases {
        check_coalescing(name, timed, steps);
    }
}

#[test]
fn an_edit_after_undo_does_not_merge_into_an_older_step() {
    let initial = base();
    let mut editor = Editor::new(initial.clone());
    editor.execute(note("a1", "first"), 0, NOW).expect("valid");
    editor
        .execute(note("a1", "second"), 5_000, NOW)
        .expect("valid");
    editor.undo();
    editor
        .execute(note("a1", "third"), 5_100, NOW)
        .expect("valid");
    assert!(!editor.can_redo(), "a new command clears redo");
    assert_eq!(editor.history().undo_len(), 2);
    editor.undo();
    let note_of_a1 = editor
        .document()
        .annotation(&annotation_id("a1"))
        .map(|a| a.note.clone());
    assert_eq!(note_of_a1.as_deref(), Some("first"));
}

#[test]
fn history_depth_is_bounded() {
    let initial = base();
    let mut editor = Editor::with_history(initial.clone(), History::with_limits(3, 0));
    for step in 0..5u64 {
        editor
            .execute(note("a1", &format!("v{step}")), step * 10_000, NOW)
            .expect("valid");
    }
    assert_eq!(editor.history().undo_len(), 3);
    while editor.undo().is_some() {}
    assert_eq!(
        editor
            .document()
            .annotation(&annotation_id("a1"))
            .map(|a| a.note.as_str()),
        Some("v1"),
        "the oldest steps are forgotten, the newest kept"
    );
}

// ---------------------------------------------------------------------------------------
// Import merging

fn counter(prefix: &'static str) -> impl FnMut() -> String {
    let mut next = 0;
    move || {
        next += 1;
        format!("{prefix}{next}")
    }
}

/// The base document's own annotations and relations, as a file exporting it would hold them.
fn exported_batch() -> IncomingBatch {
    let document = base();
    IncomingBatch {
        annotations: document.annotations,
        relations: document.relations,
        tags: Vec::new(),
    }
}

#[test]
fn importing_the_same_batch_twice_adds_nothing_the_second_time() {
    let empty = edited(&base(), |d| {
        d.annotations.clear();
        d.relations.clear();
    });
    let mut editor = Editor::new(empty.clone());
    let mut ids = counter("new-");
    let first = editor
        .import(exported_batch(), &mut ids, 0, NOW)
        .expect("fits");
    assert_eq!(
        (first.added, first.already_present, first.relations_added),
        (3, 0, 3)
    );
    assert_eq!(
        editor.document(),
        &base(),
        "the first import adds everything as it was"
    );
    let second = editor
        .import(exported_batch(), &mut ids, 10_000, NOW)
        .expect("fits");
    assert_eq!(
        (
            second.added,
            second.already_present,
            second.relations_added,
            second.relations_already_present
        ),
        (0, 3, 0, 3)
    );
    assert_eq!(
        editor.document(),
        &base(),
        "the second import changes nothing"
    );
    assert_eq!(first.describe(), "Imported 3 annotations and 3 links");
    assert_eq!(
        second.describe(),
        "Nothing new to import (3 already present)"
    );
    assert_eq!(
        editor.history().undo_len(),
        1,
        "an import that adds nothing is no undo step"
    );
    editor.undo();
    assert_eq!(
        editor.document(),
        &empty,
        "one undo removes the whole first import"
    );
    editor.redo();
    assert_eq!(editor.document(), &base());
}

#[test]
fn colliding_ids_get_fresh_ones_and_relations_follow() {
    let document = base();
    let incoming_a1 = annotation(&document, "a1", "claim", "last year");
    let incoming_b = annotation(&document, "b", "source", "Critics");
    let batch = IncomingBatch {
        annotations: vec![incoming_a1.clone(), incoming_b.clone()],
        relations: vec![relation("r1", RelationKind::AttributedTo, "a1", "b")],
        tags: Vec::new(),
    };
    let plan = plan_import(&document, batch, &mut counter("a"));
    let summary = plan.summary();
    // The generator first offers "a1", "a2", "a3" (taken) and then "a4".
    assert_eq!(
        summary.renamed,
        vec![(annotation_id("a1"), annotation_id("a4"))]
    );
    assert_eq!(
        summary.relations_renamed,
        vec![(relation_id("r1"), relation_id("a5"))]
    );
    let mut after = document.clone();
    let applied = apply(&mut after, Command::Import(plan), NOW).expect("fits");
    let expected = edited(&document, |d| {
        d.annotations.push(Annotation {
            id: annotation_id("a4"),
            ..incoming_a1
        });
        d.annotations.push(incoming_b);
        d.relations.push(Relation {
            id: relation_id("a5"),
            kind: RelationKind::AttributedTo,
            from: annotation_id("a4"),
            to: annotation_id("b"),
        });
    });
    assert_eq!(
        after, expected,
        "the existing a1 is untouched and the relation follows the rename"
    );
    applied.change.revert(&mut after);
    assert_eq!(after, document);
}

#[test]
fn content_already_present_is_merged_and_its_relations_redirected() {
    let document = base();
    let same_as_a2 = Annotation {
        id: annotation_id("file-2"),
        ..document.annotations[1].clone()
    };
    let new_one = annotation(&document, "file-9", "claim", "Critics in Zürich");
    let batch = IncomingBatch {
        annotations: vec![same_as_a2, new_one.clone()],
        relations: vec![
            relation("f1", RelationKind::AttributedTo, "file-9", "file-2"),
            relation("f2", RelationKind::About, "file-9", "missing"),
            relation("f3", RelationKind::SupportedBy, "file-2", "file-2"),
        ],
        tags: Vec::new(),
    };
    let plan = plan_import(&document, batch, &mut counter("n"));
    let summary = plan.summary().clone();
    assert_eq!((summary.added, summary.already_present), (1, 1));
    assert_eq!(
        plan.relations(),
        &[relation("f1", RelationKind::AttributedTo, "file-9", "a2")]
    );
    let rejected: Vec<_> = summary
        .rejected
        .iter()
        .map(|r| (r.item.clone(), r.reason.clone()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (
                ImportItem::Relation(relation_id("f2")),
                RejectReason::RelationEndMissing {
                    end: RelationEnd::To,
                    id: annotation_id("missing")
                }
            ),
            (
                ImportItem::Relation(relation_id("f3")),
                RejectReason::SelfRelation(annotation_id("a2"))
            ),
        ]
    );
    assert!(summary.rejected[0].to_string().contains("\"missing\""));
    check(
        "import with a duplicate",
        &document,
        Command::Import(plan),
        Ok(edited(&document, |d| {
            d.annotations.push(new_one);
            d.relations
                .push(relation("f1", RelationKind::AttributedTo, "file-9", "a2"));
        })),
    );
}

#[test]
fn import_adds_unknown_tags_and_undo_removes_them() {
    let document = base();
    let declared_bad_colour = Tag {
        id: tag_id("odd"),
        color: "red".into(),
        ..quote_tag()
    };
    let declared_taken_key = Tag {
        key: Some('1'),
        ..quote_tag()
    };
    let batch = IncomingBatch {
        annotations: vec![
            annotation(&document, "q", "quote", "disagreed"),
            annotation(&document, "o", "odd", "Critics"),
            annotation(&document, "u", "undeclared", "last year"),
        ],
        relations: Vec::new(),
        tags: vec![declared_taken_key, declared_bad_colour],
    };
    let plan = plan_import(&document, batch, &mut counter("n"));
    assert_eq!(
        plan.summary().tags_added,
        vec![tag_id("quote"), tag_id("odd"), tag_id("undeclared")]
    );
    let tags = plan.tags();
    assert_eq!(
        (tags[0].label.as_str(), tags[0].color.as_str()),
        ("Quote", "#123abc"),
        "the file's tag is kept"
    );
    assert_eq!(
        tags[0].key,
        Some('4'),
        "a taken key is replaced by a free one"
    );
    assert_eq!(
        tags[1].label, "odd",
        "an invalid tag falls back to one made from its id"
    );
    let mut editor = Editor::new(document.clone());
    editor.execute(Command::Import(plan), 0, NOW).expect("fits");
    assert_eq!(editor.document().tags.tags().len(), 6);
    editor.undo();
    assert_eq!(editor.document(), &document);
}

#[test]
fn import_counts_orphans_and_rejects_misplaced_annotations() {
    let document = base();
    let mut orphan = annotation(&document, "o", "claim", "Critics");
    orphan.anchor = AnchorStatus::Orphaned;
    orphan.range = range(900, 950);
    orphan.quote = "a sentence that was edited away".into();
    let mut misplaced = annotation(&document, "m", "claim", "Critics");
    misplaced.range = range(900, 950);
    let mut empty = annotation(&document, "e", "claim", "Critics");
    empty.range = range(3, 3);
    let batch = IncomingBatch {
        annotations: vec![orphan, misplaced, empty],
        relations: Vec::new(),
        tags: Vec::new(),
    };
    let plan = plan_import(&document, batch, &mut counter("n"));
    let summary = plan.summary();
    assert_eq!((summary.added, summary.orphaned), (1, 1));
    let reasons: Vec<_> = summary.rejected.iter().map(|r| r.reason.clone()).collect();
    assert_eq!(
        reasons,
        vec![
            RejectReason::RangeOutsideText(OffsetError::PastEnd {
                offset: 950,
                len: ARTICLE.chars().count()
            }),
            RejectReason::EmptyRange,
        ]
    );
    assert!(plan.describe().contains("1 not found in the text"));
}

#[test]
fn a_generator_that_only_offers_taken_ids_rejects_instead_of_looping() {
    let document = base();
    let batch = IncomingBatch {
        annotations: vec![annotation(&document, "a1", "claim", "Critics")],
        relations: Vec::new(),
        tags: Vec::new(),
    };
    let plan = plan_import(&document, batch, &mut || "a1".to_string());
    assert_eq!(plan.summary().rejected[0].reason, RejectReason::NoFreshId);
    assert!(plan.is_empty());
}

#[test]
fn a_plan_that_no_longer_fits_is_refused_whole() {
    let document = base();
    let batch = IncomingBatch {
        annotations: vec![
            annotation(&document, "b1", "claim", "Critics"),
            annotation(&document, "b2", "claim", "disagreed"),
        ],
        relations: Vec::new(),
        tags: vec![quote_tag()],
    };
    let plan = plan_import(&document, batch, &mut counter("n"));
    let mut editor = Editor::new(document);
    editor
        .execute(
            Command::CreateAnnotation {
                id: annotation_id("b2"),
                tag: tag_id("entity"),
                range: range(0, 3),
            },
            0,
            NOW,
        )
        .expect("valid");
    let before = editor.document().clone();
    let result = editor.execute(Command::Import(plan), 10_000, NOW);
    assert_eq!(
        result,
        Err(CommandError::DuplicateAnnotationId(annotation_id("b2")))
    );
    assert_eq!(
        editor.document(),
        &before,
        "the tag and b1 added before the clash are rolled back"
    );
}

// ---------------------------------------------------------------------------------------
// Properties

fn any_annotation_id() -> impl Strategy<Value = AnnotationId> {
    prop::sample::select(vec!["a1", "a2", "a3", "a4", "a5", ""]).prop_map(annotation_id)
}

fn any_tag_id() -> impl Strategy<Value = TagId> {
    prop::sample::select(vec!["claim", "source", "entity", "quote", "nope"]).prop_map(tag_id)
}

fn any_relation_kind() -> impl Strategy<Value = RelationKind> {
    prop::sample::select(vec!["supported_by", "about", "cites"]).prop_map(RelationKind::parse)
}

fn any_command() -> impl Strategy<Value = Command> {
    let len = ARTICLE.chars().count();
    let text_range =
        (0..len + 4, 0..12usize).prop_map(|(start, width)| range(start, start + width));
    prop_oneof![
        (any_annotation_id(), any_tag_id(), text_range)
            .prop_map(|(id, tag, range)| Command::CreateAnnotation { id, tag, range }),
        any_annotation_id().prop_map(|id| Command::DeleteAnnotation { id }),
        (any_annotation_id(), any_tag_id()).prop_map(|(id, tag)| Command::Retag { id, tag }),
        (any_annotation_id(), "[a-c]{0,3}").prop_map(|(id, note)| Command::EditNote { id, note }),
        (any_annotation_id(), "[kv ]{0,2}", "[xy]{0,2}")
            .prop_map(|(id, name, value)| Command::SetAttribute { id, name, value }),
        (any_annotation_id(), "[kv]{1}")
            .prop_map(|(id, name)| Command::RemoveAttribute { id, name }),
        (
            any_annotation_id(),
            prop::collection::btree_map("[kv]", "[xy]", 0..3)
        )
            .prop_map(|(id, attributes)| Command::SetAttributes { id, attributes }),
        (
            prop::sample::select(vec!["r1", "r2", "r7", "r8"]),
            any_relation_kind(),
            any_annotation_id(),
            any_annotation_id()
        )
            .prop_map(|(id, kind, from, to)| Command::AddRelation {
                id: relation_id(id),
                kind,
                from,
                to
            }),
        prop::sample::select(vec!["r1", "r2", "r3", "r7"]).prop_map(|id| Command::RemoveRelation {
            id: relation_id(id)
        }),
        "[A-Z]{0,3}".prop_map(|title| Command::EditMetadata {
            metadata: Metadata {
                title,
                ..Metadata::default()
            }
        }),
        prop::option::of(prop::sample::select(vec!['1', '4', '5'])).prop_map(|key| {
            Command::AddTag {
                tag: Tag { key, ..quote_tag() },
            }
        }),
        (any_tag_id(), "[A-Z][a-z]{0,4}").prop_map(|(id, label)| Command::EditTag {
            tag: Tag {
                id,
                label,
                color: "#445566".into(),
                key: None,
                description: String::new()
            }
        }),
        (any_tag_id(), prop::option::of(any_tag_id())).prop_map(|(id, target)| {
            Command::RemoveTag {
                id,
                annotations: target.map_or(TagRemoval::DeleteAnnotations, TagRemoval::ReassignTo),
            }
        }),
    ]
}

/// What every command must keep true: unique ids, relations between two distinct existing
/// annotations with no exact duplicate, every annotation's tag in the taxonomy.
fn check_invariants(document: &Document) -> Result<(), TestCaseError> {
    let mut annotation_ids: Vec<_> = document.annotations.iter().map(|a| &a.id).collect();
    annotation_ids.sort();
    annotation_ids.dedup();
    prop_assert_eq!(
        annotation_ids.len(),
        document.annotations.len(),
        "annotation ids unique"
    );
    let mut relation_ids: Vec<_> = document.relations.iter().map(|r| &r.id).collect();
    relation_ids.sort();
    relation_ids.dedup();
    prop_assert_eq!(
        relation_ids.len(),
        document.relations.len(),
        "relation ids unique"
    );
    for (at, relation) in document.relations.iter().enumerate() {
        prop_assert!(
            document.annotation(&relation.from).is_some(),
            "{:?} start exists",
            relation
        );
        prop_assert!(
            document.annotation(&relation.to).is_some(),
            "{:?} end exists",
            relation
        );
        prop_assert!(
            relation.from != relation.to,
            "{:?} links two annotations",
            relation
        );
        let duplicates = document.relations[at + 1..]
            .iter()
            .filter(|r| r.kind == relation.kind && r.from == relation.from && r.to == relation.to)
            .count();
        prop_assert_eq!(duplicates, 0, "{:?} is not duplicated", relation);
    }
    for annotation in &document.annotations {
        prop_assert!(
            document.tags.contains(&annotation.tag),
            "tag of {:?} exists",
            annotation.id
        );
    }
    Ok(())
}

/// Runs the commands; refused ones must leave the document as it was. Then undoing all steps
/// must give the initial document back and redoing all the final one.
fn check_undo_redo_round_trip(
    commands: Vec<(u64, Command)>,
    history: History,
) -> Result<(), TestCaseError> {
    let initial = base();
    let mut editor = Editor::with_history(initial.clone(), history);
    let mut now_ms = 0;
    for (gap_ms, command) in commands {
        now_ms += gap_ms;
        let before = editor.document().clone();
        if editor.execute(command, now_ms, NOW).is_err() {
            prop_assert_eq!(editor.document(), &before);
        }
        check_invariants(editor.document())?;
    }
    let last = editor.document().clone();
    let steps = editor.history().undo_len();
    while editor.undo().is_some() {}
    prop_assert_eq!(editor.document(), &initial);
    let mut redone = 0;
    while editor.redo().is_some() {
        redone += 1;
    }
    prop_assert_eq!(redone, steps);
    prop_assert_eq!(editor.document(), &last);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn undo_all_gives_back_the_initial_document(
        commands in prop::collection::vec((Just(5_000u64), any_command()), 0..30)
    ) {
        check_undo_redo_round_trip(commands, History::default())?;
    }

    #[test]
    fn undo_all_gives_back_the_initial_document_with_merged_edits(
        commands in prop::collection::vec((0..1_500u64, any_command()), 0..30)
    ) {
        check_undo_redo_round_trip(commands, History::default())?;
    }

    #[test]
    fn importing_twice_adds_nothing_the_second_time(
        picks in prop::collection::vec((any_annotation_id(), any_tag_id(), 0..60usize, 1..8usize), 0..8),
        links in prop::collection::vec((any_annotation_id(), any_annotation_id()), 0..6),
    ) {
        let document = base();
        let annotations = picks
            .into_iter()
            .filter_map(|(id, tag, start, width)| {
                Annotation::new(id, tag, &document.text, range(start, start + width), CREATED).ok()
            })
            .collect();
        let relations = links
            .into_iter()
            .enumerate()
            .map(|(n, (from, to))| Relation { id: relation_id(&format!("r{n}")), kind: RelationKind::About, from, to })
            .collect();
        let batch = IncomingBatch { annotations, relations, tags: vec![quote_tag()] };
        let mut editor = Editor::new(document.clone());
        let mut ids = counter("fresh-");
        editor.import(batch.clone(), &mut ids, 0, NOW).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let once = editor.document().clone();
        check_invariants(&once)?;
        let second = editor.import(batch, &mut ids, 10_000, NOW).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(second.added, 0);
        prop_assert_eq!(second.relations_added, 0);
        prop_assert_eq!(editor.document(), &once);
        while editor.undo().is_some() {}
        prop_assert_eq!(editor.document(), &document);
    }
}

#[test]
fn review_commands_accept_and_move_anchors() {
    let mut reviewed = base();
    at(&mut reviewed, "a1").anchor = AnchorStatus::Fuzzy(0.82);
    at(&mut reviewed, "a3").anchor = AnchorStatus::Orphaned;
    let moved_to = range_of("Critics in Zürich 🦀");
    let cases: Vec<(&str, Command, Result<Document, CommandError>)> = vec![
        (
            "accept a fuzzy anchor",
            Command::AcceptAnchor {
                id: annotation_id("a1"),
            },
            Ok(edited(&reviewed, |d| {
                let a = at(d, "a1");
                a.anchor = AnchorStatus::Exact;
                a.modified = NOW.into();
            })),
        ),
        (
            "accepting an exact anchor changes nothing",
            Command::AcceptAnchor {
                id: annotation_id("a2"),
            },
            Ok(reviewed.clone()),
        ),
        (
            "an orphan cannot be accepted in place",
            Command::AcceptAnchor {
                id: annotation_id("a3"),
            },
            Err(CommandError::AcceptOrphan(annotation_id("a3"))),
        ),
        (
            "accept an unknown annotation",
            Command::AcceptAnchor {
                id: annotation_id("zz"),
            },
            Err(CommandError::UnknownAnnotation(annotation_id("zz"))),
        ),
        (
            "move an orphan to a selection re-captures quote and context",
            Command::MoveAnnotation {
                id: annotation_id("a3"),
                range: moved_to,
            },
            Ok(edited(&reviewed, |d| {
                let fresh = annotation(d, "a3", "entity", "Critics in Zürich 🦀");
                let a = at(d, "a3");
                a.range = fresh.range;
                a.quote = fresh.quote;
                a.prefix = fresh.prefix;
                a.suffix = fresh.suffix;
                a.anchor = AnchorStatus::Exact;
                a.modified = NOW.into();
            })),
        ),
        (
            "move keeps tag, note, relations and id",
            Command::MoveAnnotation {
                id: annotation_id("a1"),
                range: range_of("fell by 12%"),
            },
            Ok(edited(&reviewed, |d| {
                let fresh = annotation(d, "a1", "claim", "fell by 12%");
                let a = at(d, "a1");
                a.range = fresh.range;
                a.quote = "fell by 12%".into();
                a.prefix = fresh.prefix;
                a.suffix = fresh.suffix;
                a.anchor = AnchorStatus::Exact;
                a.modified = NOW.into();
            })),
        ),
        (
            "move to an empty range",
            Command::MoveAnnotation {
                id: annotation_id("a1"),
                range: range(4, 4),
            },
            Err(CommandError::EmptyRange),
        ),
        (
            "move past the end",
            Command::MoveAnnotation {
                id: annotation_id("a1"),
                range: range(4, 900),
            },
            Err(CommandError::RangeOutsideText(OffsetError::PastEnd {
                offset: 900,
                len: ARTICLE.chars().count(),
            })),
        ),
        (
            "move an unknown annotation",
            Command::MoveAnnotation {
                id: annotation_id("zz"),
                range: range(0, 3),
            },
            Err(CommandError::UnknownAnnotation(annotation_id("zz"))),
        ),
    ];
    for (name, command, expected) in cases {
        check(name, &reviewed, command, expected);
    }
    assert_eq!(
        Command::MoveAnnotation {
            id: annotation_id("a3"),
            range: moved_to
        }
        .describe(&reviewed),
        "“minister” moved to “Critics in Zürich 🦀”"
    );
}
