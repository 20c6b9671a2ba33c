//! The three roles a classroom document can play, and the pure steps between them.
//!
//! The teacher annotates an article and calls [`make_exercise`]: out come the *key* (the
//! teacher's annotations, kept for grading) and the *exercise* (the same text and the allowed
//! tags, no annotations) to hand out. Each student calls [`start_attempt`] on the exercise to
//! get an empty *attempt* under their name. The native JSON format carries `role` (the
//! lowercase name of [`Role`]), `annotator` (a string) and an `exercise` object whose fields
//! map one to one onto [`Exercise`]: strings and lists only.

use crate::domain::annotation::AnnotationId;
use crate::domain::document::{Document, DocumentId};
use crate::domain::tag::TagId;
use crate::domain::text::TextRange;
use std::fmt;

/// What a classroom document is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Handed out to students: text, instructions, no annotations.
    Exercise,
    /// The teacher's answers.
    Key,
    /// One student's work on an exercise.
    Attempt,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Exercise, Role::Key, Role::Attempt];

    /// The name stored in files: `exercise`, `key`, `attempt`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Exercise => "exercise",
            Role::Key => "key",
            Role::Attempt => "attempt",
        }
    }

    /// Reads a stored name (exact, lowercase); `None` for anything else.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a hint points: a range of the text, or a quote to look for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HintAnchor {
    Range(TextRange),
    Quote(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    pub anchor: HintAnchor,
    pub text: String,
}

/// What a teacher tells students about the task.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exercise {
    pub instructions: String,
    /// The tags students may use; empty means every tag of the document.
    pub allowed_tags: Vec<TagId>,
    pub hints: Vec<Hint>,
}

/// A document together with its classroom role.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassroomDocument {
    pub role: Role,
    /// Who made it: the teacher for exercise and key, the student for an attempt.
    pub annotator: String,
    pub exercise: Exercise,
    pub document: Document,
}

/// Splits a teacher's annotated document into (exercise to hand out, key to keep).
///
/// The exercise keeps the text, metadata and the allowed tags (all tags when the list is
/// empty; allowed ids the document lacks are dropped from the list) and loses annotations and
/// relations. The key keeps everything. Both carry the same `exercise`. The exercise gets
/// `exercise_id`, the key keeps the document's id.
pub fn make_exercise(
    teacher_document: &Document,
    teacher: &str,
    exercise: Exercise,
    exercise_id: DocumentId,
) -> (ClassroomDocument, ClassroomDocument) {
    let mut exercise = exercise;
    exercise
        .allowed_tags
        .retain(|tag| teacher_document.tags.contains(tag));
    let mut handout = Document::new(
        exercise_id,
        teacher_document.metadata.clone(),
        teacher_document.text.clone(),
    );
    handout.tags = if exercise.allowed_tags.is_empty() {
        teacher_document.tags.clone()
    } else {
        teacher_document.tags.restricted_to(&exercise.allowed_tags)
    };
    let exercise_document = ClassroomDocument {
        role: Role::Exercise,
        annotator: teacher.to_string(),
        exercise: exercise.clone(),
        document: handout,
    };
    let key_document = ClassroomDocument {
        role: Role::Key,
        annotator: teacher.to_string(),
        exercise,
        document: teacher_document.clone(),
    };
    (exercise_document, key_document)
}

/// The instructions an exercise starts with, built from the labels of the tags students may
/// use (in the taxonomy's order), so they speak of what this exercise asks for.
pub fn default_instructions(labels: &[&str]) -> String {
    let quoted: Vec<String> = labels
        .iter()
        .map(|label| label.trim())
        .filter(|label| !label.is_empty())
        .map(|label| format!("“{label}”"))
        .collect();
    match quoted.as_slice() {
        [] => "Read the article and mark the passages you are asked about.".to_string(),
        [only] => format!("Mark every passage of the article that fits the tag {only}."),
        [first @ .., last] => format!(
            "Mark every passage of the article that fits one of the tags {} or {last}.",
            first.join(", ")
        ),
    }
}

/// Why an attempt cannot be started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttemptError {
    NotAnExercise { role: Role },
    EmptyStudentName,
}

impl fmt::Display for AttemptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttemptError::NotAnExercise { role } => write!(
                f,
                "this document is {} {role}, not an exercise: open the exercise the teacher handed out",
                if *role == Role::Attempt { "an" } else { "a" }
            ),
            AttemptError::EmptyStudentName => {
                write!(f, "type your name, so the teacher knows whose work this is")
            }
        }
    }
}

impl std::error::Error for AttemptError {}

/// A fresh attempt for `student` (name trimmed), with id `attempt_id`: the exercise's text,
/// metadata, tags and instructions, no annotations.
pub fn start_attempt(
    exercise: &ClassroomDocument,
    student: &str,
    attempt_id: DocumentId,
) -> Result<ClassroomDocument, AttemptError> {
    if exercise.role != Role::Exercise {
        return Err(AttemptError::NotAnExercise {
            role: exercise.role,
        });
    }
    let student = student.trim();
    if student.is_empty() {
        return Err(AttemptError::EmptyStudentName);
    }
    let mut document = exercise.document.clone();
    document.id = attempt_id;
    document.annotations.clear();
    document.relations.clear();
    Ok(ClassroomDocument {
        role: Role::Attempt,
        annotator: student.to_string(),
        exercise: exercise.exercise.clone(),
        document,
    })
}

/// Annotations of an attempt whose tag the exercise does not allow (none when all are allowed).
pub fn disallowed_annotations(attempt: &ClassroomDocument) -> Vec<AnnotationId> {
    let allowed = &attempt.exercise.allowed_tags;
    if allowed.is_empty() {
        return Vec::new();
    }
    attempt
        .document
        .annotations
        .iter()
        .filter(|annotation| !allowed.contains(&annotation.tag))
        .map(|annotation| annotation.id.clone())
        .collect()
}
