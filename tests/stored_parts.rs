//! The stored entry in parts (`domain/format/parts.rs`): putting the parts back together
//! gives exactly what the single-key entry gives, after any sequence of edits saved one by
//! one; one edit writes one part; entries of the single-key layout still read.

use annotator::domain::annotation::AnnotationId;
use annotator::domain::change::Touched;
use annotator::domain::command::Command;
use annotator::domain::document::Document;
use annotator::domain::format::library::{EntryError, READER, read_entry, write_entry};
use annotator::domain::format::parts::{
    Head, MAX_PARTS, Piece, SavePlan, Stored, StoredLayout, assemble, base_document, part_of,
    parts_for, plan_save, read_stored,
};
use annotator::domain::history::{EDIT_LOG_LENGTH, Editor};
use annotator::domain::text::TextRange;
use proptest::prelude::*;
use std::collections::HashMap;
#[path = "support/synthetic.rs"]
mod synthetic;
use synthetic::news_document;

/// Keys as the browser edge names them: the piece and the revision it was written at.
#[derive(Default)]
struct FakeStore {
    head: Option<String>,
    pieces: HashMap<(String, u64), String>,
}

fn piece_name(piece: Piece) -> String {
    match piece {
        Piece::Text => "text".into(),
        Piece::Annotations(part) => format!("part{part}"),
    }
}

impl FakeStore {
    /// Carries `plan` out as `web/storage/library.rs` does: pieces, head, then removals.
    fn carry_out(&mut self, plan: &SavePlan) {
        for (piece, value) in &plan.writes {
            self.pieces
                .insert((piece_name(*piece), plan.revision), value.clone());
        }
        self.head = Some(plan.head.clone());
        for (piece, revision) in &plan.remove {
            if *revision != plan.revision {
                self.pieces.remove(&(piece_name(*piece), *revision));
            }
        }
    }

    fn read(&self) -> (Document, StoredLayout) {
        let Stored::Head(head) =
            read_stored(self.head.as_deref().expect("a head"), READER).expect("head")
        else {
            panic!("not a head")
        };
        let (entry, layout) = assemble_from(&head, |piece, revision| {
            self.pieces.get(&(piece_name(piece), revision)).cloned()
        });
        (entry, layout)
    }
}

/// The text and the annotation parts `head` lists, as `get` finds them stored.
fn listed_pieces(
    head: &Head,
    get: impl Fn(Piece, u64) -> Option<String>,
) -> (String, Vec<Option<String>>) {
    let text = get(Piece::Text, head.list.text).expect("the text is stored");
    let parts = head
        .list
        .annotations
        .iter()
        .enumerate()
        .map(|(part, &revision)| {
            (revision != 0).then(|| get(Piece::Annotations(part), revision).expect("listed part"))
        })
        .collect();
    (text, parts)
}

fn assemble_from(
    head: &Head,
    get: impl Fn(Piece, u64) -> Option<String>,
) -> (Document, StoredLayout) {
    let (text, parts) = listed_pieces(head, get);
    let (entry, layout) = assemble(head.clone(), text, parts, READER).expect("assembles");
    (entry.document, layout)
}

/// What the single-key entry gives back for `doc`.
fn single_key(doc: &Document) -> Document {
    read_entry(&write_entry(doc, 1, "s"))
        .expect("entry")
        .document
}

#[test]
fn the_split_aims_at_a_hundred_annotations_a_part() {
    assert_eq!(parts_for(0), 1);
    assert_eq!(parts_for(100), 1);
    assert_eq!(parts_for(101), 2);
    assert_eq!(parts_for(20_000), 256);
    assert_eq!(parts_for(10_000_000), MAX_PARTS);
    // Ids spread evenly: no part of 20,000 synthetic ids holds more than twice its share.
    let mut counts = vec![0usize; 256];
    for n in 0..20_000 {
        counts[part_of(&format!("a{n}"), 256)] += 1;
    }
    let most = counts.iter().max().copied().unwrap_or(0);
    assert!(most < 2 * 20_000 / 256, "fullest part holds {most}");
    assert!(counts.iter().all(|&c| c > 0));
}

#[test]
fn a_whole_write_assembles_to_what_the_single_key_entry_gives() {
    for (size, count) in [(2_000, 0), (10_000, 40), (50_000, 700)] {
        let doc = news_document(size, count, 7);
        let plan = plan_save(
            None,
            &doc,
            &Touched::everything(),
            3,
            "2026-01-01T00:00:00Z",
        );
        assert!(plan.whole);
        let mut store = FakeStore::default();
        store.carry_out(&plan);
        let (back, layout) = store.read();
        assert_eq!(back, single_key(&doc), "{size} bytes, {count} annotations");
        assert_eq!(
            Some(layout.clone()),
            plan.clone().stored(None),
            "what is stored is what the plan said"
        );
        assert_eq!(layout.revision, 3);
    }
}

#[test]
fn a_single_key_entry_reads_as_whole() {
    let doc = news_document(5_000, 20, 3);
    match read_stored(&write_entry(&doc, 4, "s"), READER).expect("reads") {
        Stored::Whole(entry) => {
            assert_eq!(entry.revision, 4);
            assert_eq!(entry.document, single_key(&doc));
        }
        Stored::Head(_) => panic!("a single-key entry is not a head"),
    }
}

/// The reader of stored entries is a part in the browser (fetched before a returning visit
/// mounts): without it, every entry says it needs it (nothing is guessed, nothing is lost),
/// also one the careful reader alone takes, and with it the entry reads. A head is read
/// without it (it is small, and tells the layout), but its parts are not put together.
/// Text that is not JSON needs no reader to be called unreadable.
#[test]
fn every_entry_waits_for_the_reader_and_reads_with_it() {
    let doc = news_document(5_000, 20, 3);
    let written = write_entry(&doc, 4, "s");
    let mut value: serde_json::Value = serde_json::from_str(&written).expect("JSON");
    // A field this version does not write: the typed reader refuses the whole entry.
    value["annotations"][0]["colour"] = serde_json::json!("red");
    let edited = value.to_string();
    for entry in [&written, &edited] {
        match read_stored(entry, None) {
            Err(EntryError::NeedsReader { raw }) => assert_eq!(&raw, entry),
            other => panic!("expected NeedsReader, got {other:?}"),
        }
    }
    match read_stored(&edited, READER).expect("the careful reader reads it") {
        Stored::Whole(entry) => {
            assert_eq!(entry.revision, 4);
            assert_eq!(entry.document.annotations, single_key(&doc).annotations);
        }
        Stored::Head(_) => panic!("not a head"),
    }
    assert!(matches!(
        read_stored(&written, READER),
        Ok(Stored::Whole(_))
    ));
    // In parts: the head reads without the reader; its parts wait for it.
    let mut store = FakeStore::default();
    store.carry_out(&plan_save(None, &doc, &Touched::everything(), 1, "s"));
    let Ok(Stored::Head(head)) = read_stored(store.head.as_deref().expect("a head"), None) else {
        panic!("a head reads without the reader")
    };
    let (text, parts) = listed_pieces(&head, |piece, revision| {
        store.pieces.get(&(piece_name(piece), revision)).cloned()
    });
    assert!(matches!(
        assemble(head.clone(), text.clone(), parts.clone(), None),
        Err(EntryError::NeedsReader { .. })
    ));
    let (entry, _) = assemble(head, text, parts, READER).expect("assembles with the reader");
    assert_eq!(entry.document, single_key(&doc));
    assert!(matches!(
        read_stored("{\"document\": [ not json", None),
        Err(EntryError::Unreadable { .. })
    ));
}

#[test]
fn the_merge_base_is_assembled_from_the_stored_parts() {
    let doc = news_document(10_000, 60, 5);
    let plan = plan_save(None, &doc, &Touched::everything(), 1, "s");
    let base = base_document(&plan.stored(None).expect("parts"), &doc.text, READER).expect("base");
    assert_eq!(base, single_key(&doc));
}

#[test]
fn the_edit_log_names_what_changed_and_forgets_old_edits() {
    let doc = news_document(10_000, 50, 9);
    let mut editor = Editor::new(doc);
    let first = editor.document().annotations[0].id.clone();
    let start = editor.log().sequence();
    editor
        .execute(
            Command::EditNote {
                id: first.clone(),
                note: "checked".into(),
            },
            1,
            "t",
        )
        .expect("edits");
    let touched = editor.log().touched_since(start);
    assert_eq!(touched.annotations.iter().collect::<Vec<_>>(), vec![&first]);
    assert!(!touched.everything && !touched.rest);
    assert!(
        editor
            .log()
            .touched_since(editor.log().sequence())
            .is_empty()
    );
    for n in 0..EDIT_LOG_LENGTH as u64 {
        editor
            .execute(
                Command::EditNote {
                    id: first.clone(),
                    note: format!("note {n}"),
                },
                10_000 * (n + 2),
                "t",
            )
            .expect("edits");
    }
    assert!(editor.log().touched_since(start).everything);
    assert!(
        editor
            .log()
            .touched_since(editor.log().sequence() + 1)
            .everything
    );
    editor.change_outside_history(Touched::everything(), |_| false);
    assert!(
        editor
            .log()
            .touched_since(editor.log().sequence() - 1)
            .everything
    );
}

#[derive(Clone, Debug)]
enum Edit {
    Create(usize, usize),
    Delete(usize),
    Note(usize),
    Undo,
    Redo,
    Save,
}

fn any_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), 1usize..40).prop_map(|(at, len)| Edit::Create(at, len)),
        2 => any::<usize>().prop_map(Edit::Delete),
        2 => any::<usize>().prop_map(Edit::Note),
        1 => Just(Edit::Undo),
        1 => Just(Edit::Redo),
        2 => Just(Edit::Save),
    ]
}

fn apply(editor: &mut Editor, edit: &Edit, n: usize) {
    let doc = editor.document();
    let pick = |at: usize| {
        let all = &doc.annotations;
        (!all.is_empty()).then(|| all[at % all.len()].id.clone())
    };
    let command = match *edit {
        Edit::Create(at, len) => {
            let size = doc.text.len();
            let start = at % size.saturating_sub(len).max(1);
            let Ok(range) = TextRange::from_code_points(start, (start + len).min(size)) else {
                return;
            };
            Command::CreateAnnotation {
                id: AnnotationId(format!("new-{n}")),
                tag: doc.tags.tags()[0].id.clone(),
                range,
            }
        }
        Edit::Delete(at) => match pick(at) {
            Some(id) => Command::DeleteAnnotation { id },
            None => return,
        },
        Edit::Note(at) => match pick(at) {
            Some(id) => Command::EditNote {
                id,
                note: format!("note {n}"),
            },
            None => return,
        },
        Edit::Undo => {
            editor.undo();
            return;
        }
        Edit::Redo => {
            editor.redo();
            return;
        }
        Edit::Save => return,
    };
    // A command the document refuses (a span that is not allowed) changes nothing.
    let _ = editor.execute(
        command,
        10_000 * n as u64,
        &format!("2026-01-01T00:00:{n:02}Z"),
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Saved after random edits, each save writing only the parts the edit log names,
    /// the parts always assemble to exactly the single-key entry of the document.
    #[test]
    fn saving_only_touched_parts_keeps_the_document(
        count in 0usize..400,
        edits in prop::collection::vec(any_edit(), 1..30),
    ) {
        let doc = news_document(20_000, count, 11);
        prop_assume!(!doc.tags.tags().is_empty());
        let mut editor = Editor::new(doc);
        let mut store = FakeStore::default();
        let first = plan_save(None, editor.document(), &Touched::everything(), 1, "s");
        store.carry_out(&first);
        let mut layout = first.clone().stored(None).expect("parts");
        let mut saved_at = editor.log().sequence();
        let mut revision = 1;
        for (n, edit) in edits.iter().chain([&Edit::Save]).enumerate() {
            apply(&mut editor, edit, n);
            if !matches!(edit, Edit::Save) {
                continue;
            }
            revision += 1;
            let touched = editor.log().touched_since(saved_at);
            let plan = plan_save(Some(&layout), editor.document(), &touched, revision, "s");
            let parts_written = plan.writes.len();
            prop_assert!(
                plan.whole || parts_written <= touched.annotations.len(),
                "{} parts written for {} annotations touched", parts_written, touched.annotations.len()
            );
            store.carry_out(&plan);
            layout = plan.stored(Some(layout)).expect("parts");
            saved_at = editor.log().sequence();
            let (back, read_layout) = store.read();
            prop_assert_eq!(&back, &single_key(editor.document()));
            prop_assert_eq!(&read_layout, &layout);
            // Nothing stored but what the head lists.
            let listed = layout.pieces().len();
            prop_assert_eq!(store.pieces.len(), listed);
        }
    }
}

#[test]
fn one_edit_on_twenty_thousand_writes_one_part_of_about_a_hundred() {
    let doc = news_document(1_000_000, 20_000, 1);
    let mut editor = Editor::new(doc);
    let first = plan_save(None, editor.document(), &Touched::everything(), 1, "s");
    let whole_chars: usize = first.writes.iter().map(|(_, v)| v.len()).sum();
    let start = editor.log().sequence();
    let id = editor.document().annotations[10_000].id.clone();
    editor
        .execute(Command::DeleteAnnotation { id }, 1, "t")
        .expect("deletes");
    let touched = editor.log().touched_since(start);
    let layout = first.clone().stored(None).expect("parts");
    let plan = plan_save(Some(&layout), editor.document(), &touched, 2, "s");
    assert!(!plan.whole);
    assert_eq!(plan.writes.len(), 1);
    assert_eq!(plan.remove.len(), 1);
    let part_chars: usize = plan.writes.iter().map(|(_, v)| v.len()).sum();
    println!(
        "whole: {whole_chars} chars in {} pieces; one deletion: {part_chars} chars + head {}",
        first.writes.len(),
        plan.head.len()
    );
    assert!(
        part_chars * 100 < whole_chars,
        "{part_chars} of {whole_chars}"
    );
    assert!(plan.head.len() < 10_000, "head {}", plan.head.len());
}

/// An entry in parts is read on the typed path (no tree of 20,000 annotations), like one
/// stored whole: its parts put together are a text the typed reader takes.
#[test]
fn an_entry_in_parts_is_read_on_the_typed_path() {
    let doc = news_document(50_000, 700, 11);
    let plan = plan_save(
        None,
        &doc,
        &Touched::everything(),
        2,
        "2026-01-01T00:00:00Z",
    );
    let mut store = FakeStore::default();
    store.carry_out(&plan);
    let Stored::Head(head) =
        read_stored(store.head.as_deref().expect("a head"), READER).expect("head")
    else {
        panic!("not a head")
    };
    let (text, parts) = listed_pieces(&head, |piece, revision| {
        store.pieces.get(&(piece_name(piece), revision)).cloned()
    });
    let whole = head
        .whole_text(text.clone(), parts.clone())
        .expect("put together");
    let typed = annotator::domain::format::native::read_native_typed(&whole)
        .expect("the typed reader takes an entry put together from parts");
    assert_eq!(typed.batch.annotations.len(), 700);
    // It is an entry stored whole (what the panic screen offers for download): the library
    // reads it as one, and finds the same document as the parts give.
    let Stored::Whole(entry) = read_stored(&whole, READER).expect("read as an entry stored whole")
    else {
        panic!("read as a head")
    };
    let (assembled, _) = assemble(head, text, parts, READER).expect("assembled");
    let mut annotations = entry.document.annotations.clone();
    annotations.sort_by_key(|a| a.id.clone());
    let mut expected = assembled.document.annotations.clone();
    expected.sort_by_key(|a| a.id.clone());
    assert_eq!(annotations, expected);
    assert_eq!(entry.document.text, assembled.document.text);
    assert_eq!(entry.document.metadata, assembled.document.metadata);
    assert_eq!(entry.revision, 2);
}
