//! What the classroom views draw and the files they exchange: overlay pieces, heat pieces
//! and levels, check statuses, and classroom files written and read back.

use annotator::domain::annotation::{AnchorStatus, Annotation, AnnotationId};
use annotator::domain::classroom::class::{Submission, review_class};
use annotator::domain::classroom::exercise::{Role, start_attempt};
use annotator::domain::classroom::files::{
    ClassroomFileError, hints_from_lines, name_for_file, read_classroom_file, write_classroom_file,
};
use annotator::domain::classroom::matching::{MatchRule, match_attempt};
use annotator::domain::classroom::present::{
    CheckStatus, check_statuses, combined_status, heat_level, heat_pieces, overlay_pieces, percent,
};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::format::native;
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn span(id: &str, tag: &str, start: usize, end: usize) -> Annotation {
    Annotation {
        id: AnnotationId(id.to_string()),
        tag: TagId(tag.to_string()),
        range: TextRange::from_code_points(start, end).unwrap(),
        quote: String::new(),
        prefix: String::new(),
        suffix: String::new(),
        note: String::new(),
        attributes: BTreeMap::new(),
        creator: String::new(),
        created: String::new(),
        modified: String::new(),
        anchor: AnchorStatus::Exact,
    }
}

fn spans(prefix: &str, triples: &[(&str, usize, usize)]) -> Vec<Annotation> {
    triples
        .iter()
        .enumerate()
        .map(|(i, &(tag, start, end))| span(&format!("{prefix}{i}"), tag, start, end))
        .collect()
}

// ---------------------------------------------------------------- overlay

/// (start, end, in_key, in_attempt) for each piece.
fn check_overlay(
    name: &str,
    len: usize,
    key: &[(&str, usize, usize)],
    attempt: &[(&str, usize, usize)],
    expected: &[(usize, usize, bool, bool)],
) {
    let pieces = overlay_pieces(len, &spans("k", key), &spans("s", attempt));
    let actual: Vec<_> = pieces
        .iter()
        .map(|p| (p.range.start().0, p.range.end().0, p.in_key, p.in_attempt))
        .collect();
    assert_eq!(actual, expected, "{name}");
}

#[test]
fn overlay_pieces_split_at_every_boundary() {
    check_overlay("empty text", 0, &[("c", 0, 0)], &[], &[]);
    check_overlay("nothing marked", 5, &[], &[], &[(0, 5, false, false)]);
    check_overlay(
        "student inside key",
        10,
        &[("c", 2, 8)],
        &[("c", 4, 6)],
        &[
            (0, 2, false, false),
            (2, 4, true, false),
            (4, 6, true, true),
            (6, 8, true, false),
            (8, 10, false, false),
        ],
    );
    check_overlay(
        "touching key spans merge",
        6,
        &[("c", 0, 3), ("s", 3, 6)],
        &[],
        &[(0, 6, true, false)],
    );
    check_overlay(
        "spans past the end are cut",
        4,
        &[],
        &[("c", 2, 9)],
        &[(0, 2, false, false), (2, 4, false, true)],
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn overlay_pieces_tile_the_text(
        len in 0usize..60,
        key in prop::collection::vec((0usize..70, 0usize..70), 0..5),
        attempt in prop::collection::vec((0usize..70, 0usize..70), 0..5),
    ) {
        let to_spans = |prefix: &str, list: &[(usize, usize)]| -> Vec<Annotation> {
            list.iter().enumerate().map(|(i, &(a, b))| span(&format!("{prefix}{i}"), "c", a.min(b), a.max(b))).collect()
        };
        let pieces = overlay_pieces(len, &to_spans("k", &key), &to_spans("s", &attempt));
        let mut position = 0;
        for (i, piece) in pieces.iter().enumerate() {
            prop_assert_eq!(piece.range.start().0, position);
            prop_assert!(!piece.range.is_empty());
            if let Some(next) = pieces.get(i + 1) {
                prop_assert!((piece.in_key, piece.in_attempt) != (next.in_key, next.in_attempt));
            }
            position = piece.range.end().0;
        }
        prop_assert_eq!(position, len);
    }
}

// ---------------------------------------------------------------- heat

#[test]
fn heat_levels_step_by_quarters() {
    // (students, total, level)
    let cases = [
        (0, 10, 0),
        (1, 10, 1), // 10% rounds up to the first step
        (2, 8, 1),  // exactly 25%
        (3, 8, 2),
        (6, 8, 3),
        (8, 8, 4),
        (9, 8, 4), // more than the class: clamped
        (3, 0, 0), // no students counted
    ];
    for (students, total, level) in cases {
        assert_eq!(heat_level(students, total), level, "{students} of {total}");
    }
}

#[test]
fn heat_pieces_are_words_and_gaps_with_counts() {
    let text = Text::new("Cats eat. Dogs bark!");
    // Word ranges: Cats 0..4, eat 5..8, Dogs 10..14, bark 15..19.
    let key = spans("k", &[("claim", 0, 8)]);
    let anna = spans("a", &[("claim", 0, 4), ("source", 10, 14)]);
    let ben = spans("b", &[("claim", 2, 6)]);
    let submissions = [
        Submission {
            annotator: "Anna",
            text_sha256: text.sha256(),
            annotations: &anna,
        },
        Submission {
            annotator: "Ben",
            text_sha256: text.sha256(),
            annotations: &ben,
        },
    ];
    let review = review_class(&text, &key, &submissions, MatchRule::default());
    let pieces = heat_pieces(text.len(), &review.heat_map, &TagId("claim".into()));
    let actual: Vec<_> = pieces
        .iter()
        .map(|p| (text.slice(p.range).unwrap(), p.students, p.in_key))
        .collect();
    assert_eq!(
        actual,
        vec![
            ("Cats", Some(2), true), // Anna covers it, Ben touches "ts"
            (" ", None, false),
            ("eat", Some(1), true), // Ben's 2..6 reaches "e"
            (". ", None, false),
            ("Dogs", Some(0), false), // Anna tagged it, but as a source
            (" ", None, false),
            ("bark", Some(0), false),
            ("!", None, false),
        ]
    );
}

// ---------------------------------------------------------------- check statuses

#[test]
fn check_statuses_mark_hits_and_extras() {
    let key = spans("k", &[("claim", 0, 10), ("source", 20, 30)]);
    let attempt = spans(
        "s",
        &[("claim", 1, 10), ("claim", 20, 30), ("source", 40, 45)],
    );
    let matching = match_attempt(&key, &attempt, MatchRule::default());
    let statuses = check_statuses(&matching);
    let id = |s: &str| AnnotationId(s.to_string());
    // s0 overlaps k0 by 9/10: a hit. s1 has the wrong tag for k1, s2 matches nothing.
    assert_eq!(statuses.get(&id("s0")), Some(&CheckStatus::Hit));
    assert_eq!(statuses.get(&id("s1")), Some(&CheckStatus::Extra));
    assert_eq!(statuses.get(&id("s2")), Some(&CheckStatus::Extra));
    assert_eq!(statuses.len(), 3);
    // A mark over an extra and a hit shows the hit; over unknown ids, nothing.
    assert_eq!(
        combined_status(&statuses, [&id("s1"), &id("s0")]),
        Some(CheckStatus::Hit)
    );
    assert_eq!(
        combined_status(&statuses, [&id("s2")]),
        Some(CheckStatus::Extra)
    );
    assert_eq!(combined_status(&statuses, [&id("zz")]), None);
    assert_eq!(CheckStatus::Hit.as_str(), "hit");
    assert_eq!(CheckStatus::Extra.as_str(), "extra");
}

#[test]
fn percents_round_and_clamp() {
    for (value, shown) in [
        (0.0, "0%"),
        (2.0 / 3.0, "67%"),
        (1.0, "100%"),
        (1.5, "100%"),
        (f64::NAN, "–"),
    ] {
        assert_eq!(percent(value), shown, "{value}");
    }
}

// ---------------------------------------------------------------- files

fn sample_document() -> Document {
    let mut document = Document::new(
        DocumentId("doc-1".into()),
        Metadata {
            title: "Rain in Spain".into(),
            ..Metadata::default()
        },
        Text::new("The rain in Spain falls mainly on the plain."),
    );
    let mut claim = span("k0", "claim", 4, 17);
    claim.quote = "rain in Spain".into();
    document.annotations = vec![claim];
    document
}

#[test]
fn classroom_files_round_trip_role_annotator_and_exercise() {
    let exercise = native::Exercise {
        instructions: "Find the claims.".into(),
        tags: vec!["claim".into()],
        hints: vec!["Look at the weather.".into()],
        class: Some("class-7b".into()),
    };
    let document = sample_document();
    for role in Role::ALL {
        let json = write_classroom_file(&document, role, " Anna ", &exercise);
        let read = read_classroom_file(&json).unwrap();
        assert_eq!(read.role, Some(role), "{role}");
        assert_eq!(read.annotator, "Anna", "{role}");
        assert_eq!(read.exercise, exercise, "{role}");
        assert_eq!(read.document.text, document.text, "{role}");
        assert_eq!(read.document.annotations.len(), 1, "{role}");
        assert!(read.problems.is_empty(), "{role}: {:?}", read.problems);
    }
}

#[test]
fn an_exercise_file_starts_an_attempt_for_a_student() {
    let mut handout = sample_document();
    handout.annotations.clear();
    let exercise = native::Exercise {
        instructions: "Mark claims.".into(),
        tags: vec!["claim".into()],
        hints: Vec::new(),
        class: None,
    };
    let json = write_classroom_file(&handout, Role::Exercise, "", &exercise);
    let file = read_classroom_file(&json).unwrap();
    let attempt = start_attempt(
        &file.to_classroom_document(),
        "  Ben ",
        DocumentId("d2".into()),
    )
    .unwrap();
    assert_eq!(attempt.role, Role::Attempt);
    assert_eq!(attempt.annotator, "Ben");
    assert_eq!(attempt.exercise.allowed_tags, vec![TagId("claim".into())]);
    assert_eq!(attempt.document.text, handout.text);
}

#[test]
fn unreadable_files_are_refused_with_a_reason() {
    let cases = ["", "not json", "{\"format\": \"something-else\"}", "[1, 2]"];
    for input in cases {
        match read_classroom_file(input) {
            Err(ClassroomFileError::NotNative(reason)) => assert!(!reason.is_empty(), "{input:?}"),
            Err(ClassroomFileError::Incomplete(reason)) => assert!(!reason.is_empty(), "{input:?}"),
            Ok(file) => panic!("{input:?} was read as {file:?}"),
        }
    }
}

#[test]
fn hints_and_names_for_files() {
    assert_eq!(hints_from_lines(" one \n\n two\n  "), vec!["one", "two"]);
    assert!(hints_from_lines("\n \n").is_empty());
    for (name, file) in [
        ("Anna Smith", "anna-smith"),
        ("  José  Ñúñez!! ", "josé-ñúñez"),
        ("../etc/passwd", "etc-passwd"),
        ("", "student"),
        ("???", "student"),
    ] {
        assert_eq!(name_for_file(name), file, "{name:?}");
    }
    assert!(name_for_file(&"x".repeat(100)).chars().count() <= 40);
}
