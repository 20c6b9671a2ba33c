//! A class through the sharing server, the network half: the teacher's "Set up class"
//! (class library, its `_security` and validation, the teacher-only key library), a
//! student's "Hand in" (their attempt document), and Class results following the class
//! library's changes feed. What the documents hold and what the server may send back is
//! decided by `domain::classroom::class_library`; the server itself enforces who may write
//! and read, so nothing here is a security check.

use crate::domain::classroom::class_library::{
    ClassDoc, ClassError, DESIGN_ID, KEY_ID, attempt_document, attempt_id, check_class_name,
    class_security, design_document, key_document, key_library, key_security, parse_roster,
    read_class_doc, read_key_doc,
};
use crate::domain::sync::feed::{PAGE_SIZE, Session};
use crate::ui::classroom::context::{ClassAttempt, ClassKey, Classroom};
use crate::ui::notices::{self, notify};
use crate::ui::state::{AppState, NoticeKind};
use crate::web::clock;
use crate::web::sync::{self as http, HttpError};
use serde_json::Value;
use std::fmt;

/// Why a class could not be set up, an attempt handed in, or a class followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassServerError {
    /// Nobody is signed in to the server.
    NotSignedIn,
    /// The server lets everyone in ("admin party"): it could not keep the key from students.
    OpenServer,
    /// The class's name or list of students cannot be used.
    Class(ClassError),
    /// The server refused or could not be reached at this step.
    Server(&'static str, HttpError),
}

impl fmt::Display for ClassServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClassServerError::NotSignedIn => write!(
                f,
                "sign in to the server first (Sharing → Sign in), as the teacher who runs the class"
            ),
            ClassServerError::OpenServer => write!(
                f,
                "this server lets everyone in without a password, so it cannot keep the answer key \
                 from students: use a server with accounts (for a trial, scripts/serve --class)"
            ),
            ClassServerError::Class(error) => write!(f, "{error}"),
            ClassServerError::Server(step, HttpError::Forbidden(reason))
                if reason.starts_with(http::NOT_MEMBER) =>
            {
                write!(f, "{step}: {reason}")
            }
            ClassServerError::Server(step, HttpError::Forbidden(reason)) => {
                write!(f, "{step}: the server refused (403): {reason}")
            }
            ClassServerError::Server(step, HttpError::Unauthorized) => write!(
                f,
                "{step}: the server does not let this account in (401); sign in (Sharing → Sign in) \
                 with an account of the class"
            ),
            ClassServerError::Server(step, error) => write!(f, "{step}: {error}"),
        }
    }
}

impl std::error::Error for ClassServerError {}

fn at(step: &'static str) -> impl Fn(HttpError) -> ClassServerError {
    move |error| ClassServerError::Server(step, error)
}

/// The revision of `id` in `library`, if it exists.
async fn revision(
    library: &str,
    id: &str,
    step: &'static str,
) -> Result<Option<String>, ClassServerError> {
    http::revision(library, id).await.map_err(at(step))
}

/// What "Set up class" made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassReady {
    pub class: String,
    pub teacher: String,
    pub students: Vec<String>,
}

/// Creates (or updates) the class library and the key library for `class`: students
/// `roster` may hand in, the signed-in teacher keeps `key_json`.
pub async fn set_up_class(
    class: &str,
    roster: &str,
    key_json: &str,
) -> Result<ClassReady, ClassServerError> {
    let class = check_class_name(class).map_err(ClassServerError::Class)?;
    let students = parse_roster(roster).map_err(ClassServerError::Class)?;
    let teacher = match http::session()
        .await
        .map_err(at("Asking who is signed in"))?
    {
        Session::Named(name) => name,
        Session::AdminParty => return Err(ClassServerError::OpenServer),
        Session::Anonymous => return Err(ClassServerError::NotSignedIn),
    };
    let key = key_library(&class);
    http::create_library(&class)
        .await
        .map_err(at("Creating the class library"))?;
    http::put_security(&class, &class_security(&teacher, &students))
        .await
        .map_err(at("Naming the class's students"))?;
    let rev = revision(&class, DESIGN_ID, "Reading the class's rules").await?;
    http::put(&class, DESIGN_ID, &design_document(rev.as_deref()))
        .await
        .map_err(at("Installing the class's rules"))?;
    http::create_library(&key)
        .await
        .map_err(at("Creating the key library"))?;
    http::put_security(&key, &key_security(&teacher))
        .await
        .map_err(at("Keeping the key library to the teacher"))?;
    let rev = revision(&key, KEY_ID, "Reading the stored key").await?;
    http::put(&key, KEY_ID, &key_document(key_json, rev.as_deref()))
        .await
        .map_err(at("Storing the answer key"))?;
    Ok(ClassReady {
        class,
        teacher,
        students,
    })
}

/// Writes `student`'s attempt (`file_json`) to `class`, over their earlier hand-in.
async fn write_attempt(
    class: &str,
    student: &str,
    file_json: &str,
) -> Result<(), ClassServerError> {
    let id = attempt_id(student);
    // One retry: a hand-in from another tab of the same student can move the revision between.
    for _ in 0..2 {
        let rev = revision(class, &id, "Reading your earlier hand-in").await?;
        let doc = attempt_document(student, file_json, &clock::now_iso(), rev.as_deref());
        match http::put(class, &id, &doc).await {
            Ok(_) => return Ok(()),
            Err(HttpError::Conflict) => continue,
            Err(error) => return Err(ClassServerError::Server("Handing in", error)),
        }
    }
    Err(ClassServerError::Server("Handing in", HttpError::Conflict))
}

/// A student's "Hand in" to a class library; the outcome is a notice. The attempt stays in
/// this browser whatever the server answers.
pub async fn hand_in(state: AppState, class: String, student: String, file_json: String) {
    match write_attempt(&class, &student, &file_json).await {
        Ok(()) => notify(
            state,
            NoticeKind::Info,
            format!("Handed in to class “{class}” as {student}"),
            Vec::new(),
        ),
        Err(error) => {
            // The step is the whole action here: say what the server said.
            let why = match &error {
                ClassServerError::Server(_, HttpError::Forbidden(reason)) => {
                    format!("the server refused (403): {reason}")
                }
                other => other.to_string(),
            };
            notify(
                state,
                NoticeKind::Error,
                format!(
                    "Not handed in to class “{class}”: {}. Your work is kept in this browser; hand in again when it is fixed.",
                    why.trim_end_matches('.')
                ),
                Vec::new(),
            );
        }
    }
}

/// Loads the class's key from its key library (the teacher's own).
async fn load_key(
    state: AppState,
    classroom: Classroom,
    class: &str,
) -> Result<(), ClassServerError> {
    let library = key_library(class);
    let doc = http::get(&library, KEY_ID)
        .await
        .map_err(at("Reading the answer key"))?;
    match doc.map(|d| read_key_doc(&d)) {
        Some(Ok(file)) => {
            let count = file.document.annotations.len();
            classroom.class_key.set(Some(ClassKey {
                file_name: format!("{library}/{KEY_ID}"),
                document: file.document,
            }));
            notices::announce(
                state,
                format!("Answer key loaded from “{library}”: {count} spans"),
            );
        }
        Some(Err(error)) => notify(
            state,
            NoticeKind::Warning,
            format!(
                "{}; load the answer key file instead",
                notices::capitalise(&error.to_string())
            ),
            Vec::new(),
        ),
        None => notify(
            state,
            NoticeKind::Warning,
            format!("“{library}” holds no answer key: load the answer key file"),
            Vec::new(),
        ),
    }
    Ok(())
}

/// One page of the class's changes: attempts join (or replace, or leave) the class results.
fn take_page(state: AppState, classroom: Classroom, class: &str, docs: &[Value]) {
    let mut arrived = Vec::new();
    for doc in docs {
        match read_class_doc(doc) {
            Ok(ClassDoc::Attempt { owner, file }) => {
                let attempt = ClassAttempt {
                    file_name: format!("{class}/{}", attempt_id(&owner)),
                    annotator: owner.clone(),
                    document_id: file.document.id.0.clone(),
                    text_sha256: file.document.text.sha256().to_string(),
                    annotations: file.document.annotations,
                };
                classroom.class_attempts.update(|list| {
                    list.retain(|a| a.annotator != owner);
                    list.push(attempt);
                });
                arrived.push(owner);
            }
            Ok(ClassDoc::Withdrawn { owner }) => {
                classroom
                    .class_attempts
                    .update(|list| list.retain(|a| a.annotator != owner));
            }
            Ok(ClassDoc::Other) => {}
            Err(error) => notify(
                state,
                NoticeKind::Warning,
                notices::capitalise(&error.to_string()),
                Vec::new(),
            ),
        }
    }
    if !arrived.is_empty() {
        notices::announce(state, format!("Handed in: {}", arrived.join(", ")));
    }
}

thread_local! {
    /// Bumped by every start of following a class.
    static FOLLOWING: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Follows `class` until another class is followed or following stops: the key once, then
/// every attempt as it arrives (the changes feed, long-polled). A server that cannot be
/// reached is retried with backoff; a refusal stops and says why.
pub async fn follow(state: AppState, classroom: Classroom, class: String) {
    // Following again right after stopping starts a new loop while the old one may still wait
    // in its long-poll: each loop keeps its generation and ends when a newer one exists, so
    // only one ever follows.
    let generation = FOLLOWING.with(|g| {
        g.set(g.get() + 1);
        g.get()
    });
    let still = move |class: &str| {
        FOLLOWING.with(std::cell::Cell::get) == generation
            && classroom
                .following
                .with_untracked(|f| f.as_deref() == Some(class))
    };
    if let Err(error) = load_key(state, classroom, &class).await {
        if still(&class) {
            stop(state, classroom, &class, &error);
        }
        return;
    }
    let mut since = "0".to_string();
    let mut caught_up = false;
    let mut backoff = 1_000;
    while still(&class) {
        match http::changes(&class, &since, caught_up).await {
            Ok(page) => {
                backoff = 1_000;
                if !still(&class) {
                    return;
                }
                take_page(state, classroom, &class, &page.docs);
                caught_up = page.docs.len() < PAGE_SIZE;
                since = page.last_seq;
            }
            Err(HttpError::Unreachable(_)) => {
                http::sleep_ms(backoff).await;
                backoff = (backoff * 2).min(30_000);
            }
            Err(error) => {
                if still(&class) {
                    let error = ClassServerError::Server("Following the class", error);
                    stop(state, classroom, &class, &error);
                }
                return;
            }
        }
    }
}

fn stop(state: AppState, classroom: Classroom, class: &str, error: &ClassServerError) {
    if classroom
        .following
        .with_untracked(|f| f.as_deref() == Some(class))
    {
        classroom.following.set(None);
    }
    notify(
        state,
        NoticeKind::Error,
        format!("Class “{class}” is not followed: {error}"),
        Vec::new(),
    );
}
