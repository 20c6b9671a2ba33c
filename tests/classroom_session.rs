//! The student's session as it is kept in the browser: written with its version, read back
//! exactly, sessions stored before the format had a version still read, and damaged or newer
//! data refused with a reason instead of a guess.

use annotator::domain::classroom::session::{
    SESSION_VERSION, Session, SessionError, read_session, write_session,
};
use annotator::domain::document::DocumentId;
use annotator::domain::format::native::Exercise;
use proptest::prelude::*;

fn id() -> DocumentId {
    DocumentId("d-attempt-1".into())
}

fn session() -> Session {
    Session {
        document_id: id(),
        annotator: "Zoë \"Z\" Ndiaye".into(),
        exercise: Exercise {
            instructions: "Mark every claim.\nThen every source.".into(),
            tags: vec!["claim".into(), "source".into()],
            hints: vec!["Look at the second paragraph".into()],
            class: Some("class-7b".into()),
        },
    }
}

#[test]
fn a_session_is_written_with_its_version_and_reads_back_exactly() {
    let written = write_session(&session());
    let value: serde_json::Value = serde_json::from_str(&written).expect("JSON");
    assert_eq!(value["version"], SESSION_VERSION);
    assert_eq!(value["annotator"], "Zoë \"Z\" Ndiaye");
    assert_eq!(value["exercise"]["tags"][1], "source");
    assert_eq!(read_session(&id(), &written), Ok(session()));
}

#[test]
fn the_document_id_comes_from_the_key_not_the_value() {
    let other = DocumentId("d-other".into());
    let read = read_session(&other, &write_session(&session())).expect("reads");
    assert_eq!(read.document_id, other);
}

#[test]
fn a_session_stored_before_versions_still_reads() {
    // Exactly what earlier builds stored (serde_json::json! with sorted keys, no version).
    let old = r#"{"annotator":"Sam","exercise":{"hints":["h1","h2"],"instructions":"Do it","tags":["claim"]}}"#;
    assert_eq!(
        read_session(&id(), old),
        Ok(Session {
            document_id: id(),
            annotator: "Sam".into(),
            exercise: Exercise {
                instructions: "Do it".into(),
                tags: vec!["claim".into()],
                hints: vec!["h1".into(), "h2".into()],
                class: None,
            },
        })
    );
    // Missing exercise fields read as empty, as before.
    let sparse = r#"{"annotator":"Sam","exercise":{}}"#;
    let read = read_session(&id(), sparse).expect("reads");
    assert_eq!(read.exercise, Exercise::default());
    let no_exercise = r#"{"annotator":"Sam"}"#;
    assert_eq!(
        read_session(&id(), no_exercise).map(|s| s.annotator),
        Ok("Sam".to_string())
    );
}

#[test]
fn damaged_sessions_are_refused_with_a_reason() {
    for raw in [
        "",
        "not json",
        "[]",
        r#"{"exercise":{}}"#,
        r#"{"annotator":7}"#,
        r#"{"annotator":"Sam","version":"one"}"#,
        r#"{"annotator":"Sam","version":-1}"#,
    ] {
        match read_session(&id(), raw) {
            Err(SessionError::Unreadable(why)) => assert!(!why.is_empty(), "{raw}"),
            other => panic!("{raw}: expected Unreadable, got {other:?}"),
        }
    }
}

#[test]
fn a_session_from_a_newer_build_is_not_guessed_at() {
    let newer = format!(
        r#"{{"version":{},"annotator":"Sam","exercise":{{}}}}"#,
        SESSION_VERSION + 1
    );
    let error = read_session(&id(), &newer).expect_err("newer");
    assert_eq!(
        error,
        SessionError::WrittenByNewerVersion {
            found: SESSION_VERSION + 1,
            supported: SESSION_VERSION
        }
    );
    assert!(error.to_string().contains("newer Article Annotator"));
}

proptest! {
    #[test]
    fn any_session_round_trips(
        annotator in "\\PC{0,20}",
        instructions in "\\PC{0,60}",
        tags in proptest::collection::vec("[a-z-]{1,10}", 0..4),
        hints in proptest::collection::vec("\\PC{0,30}", 0..3),
        class in proptest::option::of("[a-z][a-z0-9-]{0,12}"),
    ) {
        let session = Session {
            document_id: id(),
            annotator,
            exercise: Exercise { instructions, tags, hints, class },
        };
        prop_assert_eq!(read_session(&id(), &write_session(&session)), Ok(session));
    }
}
