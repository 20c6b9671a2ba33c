//! Classroom files coming in: exercises and keys the student opens, attempts and keys the
//! teacher imports. Each file is read by the domain; this decides where it goes.

use crate::domain::classroom::exercise::Role;
use crate::domain::classroom::files::ClassroomFile;
use crate::ui::classroom::context::{ClassAttempt, ClassKey, Classroom, classroom};
use crate::ui::classroom::file_io::{error_notice, load_key, parse};
use crate::ui::classroom::student::{reopen_attempt, use_key_for_checking};
use crate::ui::notices;
use crate::ui::state::{AppState, NoticeKind};
use crate::web::files::OpenedFile;

/// What a student does with classroom files: an exercise starts an attempt (after asking
/// their name), a key on the same text lets them check their work, an attempt reopens it.
/// Returns the files that are not classroom files, for the general import to handle.
pub fn open_classroom_files(state: AppState, files: Vec<OpenedFile>) -> Vec<OpenedFile> {
    let Some(classroom) = classroom() else {
        return files;
    };
    let mut rest = Vec::new();
    for file in files {
        let parsed = match parse(&file) {
            Ok(parsed) => parsed,
            Err(_) => {
                rest.push(file);
                continue;
            }
        };
        match parsed.role {
            Some(Role::Exercise) => classroom.waiting_exercise.set(Some(parsed)),
            Some(Role::Key) => use_key_for_checking(state, classroom, &file.name, parsed),
            Some(Role::Attempt) => reopen_attempt(state, classroom, parsed),
            None => rest.push(file),
        }
    }
    rest
}

/// The teacher's import: attempts join the class (one per student and document, the newest
/// file replacing an older one), a key becomes the class's key. Returns the files that are
/// neither, for the general import to handle.
pub fn add_attempts(state: AppState, files: Vec<OpenedFile>) -> Vec<OpenedFile> {
    let Some(classroom) = classroom() else {
        return files;
    };
    let mut rest = Vec::new();
    let mut added = 0;
    let mut already: Vec<String> = Vec::new();
    let mut replaced: Vec<String> = Vec::new();
    for file in files {
        let parsed = match parse(&file) {
            Ok(parsed) => parsed,
            Err(_) => {
                rest.push(file);
                continue;
            }
        };
        match parsed.role {
            Some(Role::Attempt) => {
                let attempt = ClassAttempt {
                    file_name: file.name.clone(),
                    annotator: if parsed.annotator.trim().is_empty() {
                        file.name.clone()
                    } else {
                        parsed.annotator.clone()
                    },
                    document_id: parsed.document.id.0.clone(),
                    text_sha256: parsed.document.text.sha256().to_string(),
                    annotations: parsed.document.annotations,
                };
                let (student, document) = (attempt.annotator.clone(), attempt.document_id.clone());
                let same_student =
                    move |a: &ClassAttempt| a.annotator == student && a.document_id == document;
                let earlier = classroom.class_attempts.with_untracked(|list| {
                    list.iter()
                        .find(|a| same_student(a))
                        .map(|a| a.annotations == attempt.annotations)
                });
                match earlier {
                    Some(true) => {
                        already.push(attempt.annotator.clone());
                        continue;
                    }
                    Some(false) => replaced.push(attempt.annotator.clone()),
                    None => {}
                }
                classroom.class_attempts.update(|list| {
                    list.retain(|a| !same_student(a));
                    list.push(attempt);
                });
                added += 1;
            }
            Some(Role::Key) => set_class_key(state, classroom, &file.name, parsed),
            Some(Role::Exercise) => error_notice(
                state,
                format!(
                    "“{}” is the exercise itself, with no answers: import the students' attempts",
                    file.name
                ),
            ),
            None => rest.push(file),
        }
    }
    if added > 0 {
        let total = classroom.class_attempts.with_untracked(Vec::len);
        notices::announce(
            state,
            format!("{added} attempts imported; {total} in the class"),
        );
    }
    let names = |list: &[String]| {
        list.iter()
            .map(|n| format!("“{n}”"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !already.is_empty() {
        notices::notify(
            state,
            NoticeKind::Info,
            format!(
                "Already in the class, unchanged: the attempt of {}",
                names(&already)
            ),
            Vec::new(),
        );
    }
    if !replaced.is_empty() {
        notices::notify(
            state,
            NoticeKind::Info,
            format!(
                "Replaced with the newer file: the attempt of {}",
                names(&replaced)
            ),
            Vec::new(),
        );
    }
    rest
}

pub fn set_class_key(state: AppState, classroom: Classroom, name: &str, key: ClassroomFile) {
    let count = key.document.annotations.len();
    classroom.class_key.set(Some(ClassKey {
        file_name: name.to_string(),
        document: key.document,
    }));
    notices::announce(state, format!("Answer key loaded: {count} spans"));
}

/// The class view's "Load answer key": any native file with annotations may serve as a key.
pub fn load_class_key(state: AppState, files: Vec<OpenedFile>) {
    load_key(state, files, set_class_key);
}

/// Classroom files given to the general "Import annotations" input or dropped on the page:
/// attempts (with their key, when one comes along) join the class results, an exercise or a
/// lone key goes to the student's side. Returns the files that are not classroom files.
pub fn route_imported(state: AppState, files: Vec<OpenedFile>) -> Vec<OpenedFile> {
    let roles: Vec<Option<Role>> = files
        .iter()
        .map(|f| parse(f).ok().and_then(|p| p.role))
        .collect();
    let has_attempts = roles.contains(&Some(Role::Attempt));
    let (class_files, other): (Vec<_>, Vec<_>) =
        files.into_iter().zip(roles).partition(|(_, role)| {
            matches!(role, Some(Role::Attempt)) || (has_attempts && matches!(role, Some(Role::Key)))
        });
    let (student_files, rest): (Vec<_>, Vec<_>) =
        other.into_iter().partition(|(_, role)| role.is_some());
    if !class_files.is_empty() {
        add_attempts(state, class_files.into_iter().map(|(f, _)| f).collect());
        if let Some(classroom) = classroom() {
            classroom.class_open.set(true);
        }
    }
    if !student_files.is_empty() {
        open_classroom_files(state, student_files.into_iter().map(|(f, _)| f).collect());
    }
    rest.into_iter().map(|(f, _)| f).collect()
}
