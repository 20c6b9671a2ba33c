//! The saver's state machine (`domain::saving`): when the open document is written, at which
//! revision, and what happens when another tab stored a newer revision. Each test plays a
//! sequence of events a tab can see and checks the decisions, then a property checks the
//! rule the module exists for: a tab never writes at or below a revision it has not seen.

use annotator::domain::annotation::{Annotation, AnnotationId};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::saving::{Flush, Saver, TheirRevision, next_revision};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use proptest::prelude::*;

const TEXT: &str = "The mayor said crime fell 12% last year. Police data shows otherwise.";

fn annotation(id: &str, start: usize, end: usize, modified: &str) -> Annotation {
    let text = Text::new(TEXT);
    let range = TextRange::from_code_points(start, end).expect("ordered test range");
    let mut annotation = Annotation::new(
        AnnotationId(id.into()),
        TagId("claim".into()),
        &text,
        range,
        "2024-01-01T00:00:00Z",
    )
    .expect("test ranges lie in the text");
    annotation.modified = modified.into();
    annotation
}

fn document(ids: &[&str]) -> Document {
    let mut doc = Document::new(
        DocumentId("doc".into()),
        Metadata::default(),
        Text::new(TEXT),
    );
    for (n, id) in ids.iter().enumerate() {
        doc.annotations.push(annotation(
            id,
            n * 5,
            n * 5 + 4,
            &format!("2024-01-0{}T00:00:00Z", n + 1),
        ));
    }
    doc
}

fn ids(doc: &Document) -> Vec<String> {
    let mut ids: Vec<String> = doc.annotations.iter().map(|a| a.id.0.clone()).collect();
    ids.sort();
    ids
}

fn opened_at(revision: u64, doc: &Document) -> Saver {
    let mut saver = Saver::default();
    saver.opened(revision, Some(doc.clone()));
    saver
}

#[test]
fn revisions_count_up_from_one() {
    assert_eq!(next_revision(None), 1);
    assert_eq!(next_revision(Some(0)), 1);
    assert_eq!(next_revision(Some(41)), 42);
    assert_eq!(next_revision(Some(u64::MAX)), u64::MAX);
}

#[test]
fn nothing_is_written_until_something_changes() {
    let saver = opened_at(3, &document(&["a1"]));
    assert_eq!(saver.flush(Some(3)), Flush::Nothing);
    assert!(!saver.is_dirty());
}

#[test]
fn a_change_is_written_at_the_next_revision_and_then_is_clean() {
    let doc = document(&["a1"]);
    let mut saver = opened_at(3, &doc);
    assert!(saver.changed(), "a change schedules a write");
    assert_eq!(saver.flush(Some(3)), Flush::Write { revision: 4 });
    saver.saved(4, doc.clone());
    assert_eq!(saver.base_revision(), 4);
    assert!(!saver.is_dirty());
    assert_eq!(saver.flush(Some(4)), Flush::Nothing);
    saver.changed();
    assert_eq!(saver.flush(Some(4)), Flush::Write { revision: 5 });
}

#[test]
fn a_new_document_is_first_written_at_revision_one() {
    let mut saver = Saver::default();
    saver.opened(0, None);
    saver.changed();
    assert_eq!(saver.flush(None), Flush::Write { revision: 1 });
}

#[test]
fn a_failed_write_stays_dirty_and_is_retried_at_the_same_revision() {
    let mut saver = opened_at(7, &document(&["a1"]));
    saver.changed();
    assert_eq!(saver.flush(Some(7)), Flush::Write { revision: 8 });
    // The write failed (storage full): the UI does not report `saved`.
    assert!(saver.is_dirty());
    assert_eq!(saver.flush(Some(7)), Flush::Write { revision: 8 });
}

#[test]
fn a_read_only_document_is_never_written() {
    let mut saver = Saver::default();
    saver.opened_read_only();
    assert!(!saver.changed(), "no write is scheduled");
    assert!(saver.is_read_only());
    assert_eq!(saver.flush(None), Flush::Nothing);
    // Opening another document makes saving work again.
    saver.opened(2, Some(document(&[])));
    assert!(!saver.is_read_only());
    assert!(saver.changed());
    assert_eq!(saver.flush(Some(2)), Flush::Write { revision: 3 });
}

#[test]
fn opening_another_document_forgets_what_was_unsaved_for_the_previous_one() {
    let mut saver = opened_at(5, &document(&["a1"]));
    saver.changed();
    saver.opened(2, Some(document(&[])));
    assert!(!saver.is_dirty());
    assert_eq!(saver.base_revision(), 2);
    assert_eq!(saver.flush(Some(2)), Flush::Nothing);
}

#[test]
fn a_newer_stored_revision_is_never_written_over() {
    let mut saver = opened_at(3, &document(&["a1"]));
    saver.changed();
    assert_eq!(saver.flush(Some(4)), Flush::TakeTheirs);
    // An older or equal stored revision (or none: deleted elsewhere) is written over.
    assert_eq!(saver.flush(Some(2)), Flush::Write { revision: 4 });
    assert_eq!(saver.flush(Some(3)), Flush::Write { revision: 4 });
    assert_eq!(saver.flush(None), Flush::Write { revision: 4 });
}

#[test]
fn another_tabs_revision_is_adopted_when_nothing_is_unsaved() {
    let base = document(&["a1"]);
    let mut saver = opened_at(3, &base);
    assert_eq!(saver.their_revision(Some(3)), TheirRevision::Ignore);
    assert_eq!(saver.their_revision(Some(2)), TheirRevision::Ignore);
    assert_eq!(saver.their_revision(None), TheirRevision::Ignore);
    assert_eq!(saver.their_revision(Some(4)), TheirRevision::Adopt);
    let theirs = document(&["a1", "b2"]);
    let taken = saver.take_theirs(&base, 4, theirs.clone());
    assert!(!taken.merged);
    assert_eq!(taken.document, theirs);
    assert!(taken.conflicts.is_empty());
    assert_eq!(saver.base_revision(), 4);
    assert!(!saver.is_dirty());
    assert_eq!(saver.flush(Some(4)), Flush::Nothing);
}

#[test]
fn unsaved_changes_are_merged_into_another_tabs_revision_then_written_over_it() {
    let base = document(&["a1"]);
    let mut saver = opened_at(3, &base);
    saver.changed();
    let ours = document(&["a1", "b2"]);
    let mut theirs = document(&["a1"]);
    theirs
        .annotations
        .push(annotation("c3", 30, 35, "2024-02-01T00:00:00Z"));
    assert_eq!(saver.their_revision(Some(5)), TheirRevision::Merge);
    let taken = saver.take_theirs(&ours, 5, theirs.clone());
    assert!(taken.merged);
    assert_eq!(ids(&taken.document), ["a1", "b2", "c3"]);
    // Theirs is the new base; the merge is unsaved and goes out over their revision.
    assert_eq!(saver.base_revision(), 5);
    assert!(saver.is_dirty());
    assert_eq!(saver.flush(Some(5)), Flush::Write { revision: 6 });
    // A later merge starts from theirs: deleting one of their annotations here is kept.
    saver.saved(6, taken.document.clone());
    let mut ours = taken.document.clone();
    ours.annotations.retain(|a| a.id.0 != "c3");
    saver.changed();
    let mut theirs = taken.document.clone();
    theirs
        .annotations
        .push(annotation("d4", 40, 45, "2024-03-01T00:00:00Z"));
    let taken = saver.take_theirs(&ours, 7, theirs);
    assert_eq!(ids(&taken.document), ["a1", "b2", "d4"]);
}

#[test]
fn without_a_remembered_base_their_revision_is_the_base() {
    // A tab that never loaded a stored revision (a new document another tab then saved):
    // everything only this tab has is kept, nothing of theirs is deleted.
    let mut saver = Saver::default();
    saver.opened(0, None);
    saver.changed();
    let ours = document(&["a1", "b2"]);
    let theirs = document(&["a1"]);
    let taken = saver.take_theirs(&ours, 1, theirs);
    assert!(taken.merged);
    assert_eq!(ids(&taken.document), ["a1", "b2"]);
}

#[derive(Clone, Debug)]
enum Event {
    Change,
    /// Flush, with another tab's write of `n` revisions happening first (0: none).
    Flush {
        other_tab_writes: u8,
    },
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        Just(Event::Change),
        (0u8..3).prop_map(|n| Event::Flush {
            other_tab_writes: n
        }),
    ]
}

proptest! {
    /// Whatever the interleaving, every write is above every revision stored before it, and
    /// follows only after the newer stored revision was taken.
    #[test]
    fn a_tab_never_writes_at_or_below_the_stored_revision(events in prop::collection::vec(event(), 1..40)) {
        let doc = document(&["a1"]);
        let mut saver = opened_at(1, &doc);
        let mut stored = 1u64;
        for event in events {
            match event {
                Event::Change => { saver.changed(); }
                Event::Flush { other_tab_writes } => {
                    stored += u64::from(other_tab_writes);
                    loop {
                        match saver.flush(Some(stored)) {
                            Flush::Nothing => break,
                            Flush::Write { revision } => {
                                prop_assert!(revision > stored, "wrote {revision} over {stored}");
                                stored = revision;
                                saver.saved(revision, doc.clone());
                                break;
                            }
                            Flush::TakeTheirs => {
                                let taken = saver.take_theirs(&doc, stored, doc.clone());
                                prop_assert!(taken.merged);
                                prop_assert_eq!(saver.base_revision(), stored);
                            }
                        }
                    }
                    prop_assert!(!saver.is_dirty());
                }
            }
        }
    }
}

#[test]
fn with_the_stored_parts_as_base_no_copy_is_kept_and_the_merge_uses_that_base() {
    // Saved in parts: the saver keeps no copy, only the revision.
    let base = document(&["a1", "a2"]);
    let mut saver = Saver::default();
    saver.opened(1, None);
    saver.changed();
    saver.saved_at(2, None);
    assert_eq!(saver.base_revision(), 2);
    // This tab adds a3; the other tab deleted a2 meanwhile.
    let mut ours = base.clone();
    ours.annotations
        .push(annotation("a3", 20, 24, "2024-01-09T00:00:00Z"));
    let theirs = document(&["a1"]);
    saver.changed();
    assert_eq!(saver.flush(Some(3)), Flush::TakeTheirs);
    // The base assembled from the stored parts says a2 existed, so theirs deleted it.
    let taken = saver.take_theirs_over(&ours, 3, theirs.clone(), Some(base), false);
    assert!(taken.merged);
    assert_eq!(ids(&taken.document), vec!["a1", "a3"]);
    assert_eq!(saver.base_revision(), 3);
    // Without any base, theirs stands in for it: a2 would look added here and come back.
    let mut blind = Saver::default();
    blind.opened(2, None);
    blind.changed();
    let guessed = blind.take_theirs_over(&ours, 3, theirs, None, false);
    assert_eq!(ids(&guessed.document), vec!["a1", "a2", "a3"]);
}

#[test]
fn taking_theirs_in_two_steps_is_taking_theirs_in_one() {
    // The browser merges in a part fetched on demand: merge_base, the merge, took_theirs.
    let base = document(&["a1", "a2"]);
    let mut ours = base.clone();
    ours.annotations
        .push(annotation("a3", 20, 24, "2024-01-09T00:00:00Z"));
    let theirs = document(&["a1"]);
    for (stored_base, keep_copy) in [(Some(base.clone()), false), (None, true)] {
        let start = |saver: &mut Saver| {
            saver.opened(2, Some(base.clone()));
            saver.changed();
        };
        let mut one = Saver::default();
        start(&mut one);
        let at_once =
            one.take_theirs_over(&ours, 3, theirs.clone(), stored_base.clone(), keep_copy);
        let mut two = Saver::default();
        start(&mut two);
        assert!(two.is_dirty());
        let merged = annotator::domain::tab_sync::merge_revisions(
            two.merge_base(stored_base.as_ref(), &theirs),
            &ours,
            &theirs,
        );
        let in_steps = two.took_theirs(3, theirs.clone(), Some(merged), keep_copy);
        assert_eq!(in_steps, at_once);
        assert_eq!(two, one);
        assert_eq!(ids(&in_steps.document), vec!["a1", "a3"]);
    }
    // Nothing unsaved: theirs, with no merge.
    let mut clean = Saver::default();
    clean.opened(2, Some(base.clone()));
    let taken = clean.took_theirs(3, theirs.clone(), None, true);
    assert!(!taken.merged);
    assert_eq!(taken.document, theirs);
    assert_eq!(clean.base_revision(), 3);
}
