//! The classroom: a teacher makes an exercise and an answer key from an annotated article,
//! students open the exercise (a file or a link), annotate, hand in and check their work,
//! and the teacher reviews the whole class.
//!
//! Its state lives here, in [`Classroom`] (its own context), not in `AppState`: the app
//! only knows the header controls, the exercise panel and the layer of dialogs. All
//! comparisons are the domain's (`domain::classroom`); this module reads files, keeps the
//! signals and draws.

pub mod class_results;
pub mod files;
pub mod make_exercise;
pub mod student;

use crate::domain::annotation::{Annotation, AnnotationId};
use crate::domain::classroom::files::ClassroomFile;
use crate::domain::classroom::matching::{MatchRule, Matching, match_attempt};
use crate::domain::classroom::present::{CheckStatus, check_statuses};
use crate::domain::document::{Document, DocumentId};
use crate::domain::format::native;
use crate::ui::state::AppState;
use leptos::prelude::*;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use files::{add_attempts, open_classroom_files};

/// A student working on an exercise: the attempt's document id, their name, the instructions.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub document_id: DocumentId,
    pub annotator: String,
    pub exercise: native::Exercise,
}

/// One attempt the teacher imported.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassAttempt {
    pub file_name: String,
    pub annotator: String,
    pub document_id: String,
    pub text_sha256: String,
    pub annotations: Vec<Annotation>,
}

/// The answer key the teacher loaded for reviewing.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassKey {
    pub file_name: String,
    pub document: Document,
}

/// The check view's result, compared by identity so memos downstream re-run only on change.
#[derive(Clone)]
pub struct CheckResult(pub Arc<(Matching, BTreeMap<AnnotationId, CheckStatus>)>);

impl PartialEq for CheckResult {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Clone, Copy)]
pub struct Classroom {
    /// The student's session, when the open document is an attempt.
    pub session: RwSignal<Option<Session>>,
    /// The answer key the student loaded to check their work.
    pub student_key: RwSignal<Option<Document>>,
    pub checking: RwSignal<bool>,
    /// Exact boundaries instead of overlap (shared by the check and class views).
    pub strict: RwSignal<bool>,
    pub make_open: RwSignal<bool>,
    /// An exercise waiting for the student's name.
    pub waiting_exercise: RwSignal<Option<ClassroomFile>>,
    pub class_open: RwSignal<bool>,
    pub class_key: RwSignal<Option<ClassKey>>,
    pub class_attempts: RwSignal<Vec<ClassAttempt>>,
    /// The student's spans against the key, while checking.
    pub check: Memo<Option<CheckResult>>,
}

thread_local! {
    static CLASSROOM: Cell<Option<Classroom>> = const { Cell::new(None) };
}

/// The classroom context, from anywhere (event handlers and tasks included) once the app runs.
pub fn classroom() -> Option<Classroom> {
    CLASSROOM.with(Cell::get)
}

impl Classroom {
    pub fn rule(&self) -> MatchRule {
        if self.strict.get() {
            MatchRule::Strict
        } else {
            MatchRule::default()
        }
    }

    /// The session if it belongs to the open document.
    pub fn active_session(&self, state: AppState) -> Option<Session> {
        let session = self.session.get()?;
        let open = state.editor.with(|e| e.document().id.clone());
        (session.document_id == open).then_some(session)
    }
}

/// Creates the classroom's signals, provides them as context, and restores a session kept
/// in this browser for the open document.
pub fn provide_classroom(state: AppState) -> Classroom {
    let session = RwSignal::new(None::<Session>);
    let student_key = RwSignal::new(None::<Document>);
    let checking = RwSignal::new(false);
    let strict = RwSignal::new(false);
    let check = Memo::new(move |_| {
        if !checking.get() {
            return None;
        }
        let rule = if strict.get() {
            MatchRule::Strict
        } else {
            MatchRule::default()
        };
        student_key.with(|key| {
            let key = key.as_ref()?;
            state.editor.with(|e| {
                let document = e.document();
                if key.text.sha256() != document.text.sha256() {
                    return None;
                }
                let matching = match_attempt(&key.annotations, &document.annotations, rule);
                let statuses = check_statuses(&matching);
                Some(CheckResult(Arc::new((matching, statuses))))
            })
        })
    });
    let classroom = Classroom {
        session,
        student_key,
        checking,
        strict,
        make_open: RwSignal::new(false),
        waiting_exercise: RwSignal::new(None),
        class_open: RwSignal::new(false),
        class_key: RwSignal::new(None),
        class_attempts: RwSignal::new(Vec::new()),
        check,
    };
    provide_context(classroom);
    CLASSROOM.with(|cell| cell.set(Some(classroom)));
    // Follow the open document: restore a stored session, stop checking on another text.
    Effect::new(move |_| {
        let id = state.editor.with(|e| e.document().id.clone());
        if classroom
            .session
            .with_untracked(|s| s.as_ref().is_some_and(|s| s.document_id == id))
        {
            return;
        }
        classroom.checking.set(false);
        classroom.student_key.set(None);
        classroom.session.set(student::restore_session(&id));
    });
    classroom
}

/// The header's classroom controls: make an exercise, open one, review a class.
#[component]
pub fn HeaderControls() -> impl IntoView {
    let state = crate::ui::state::use_app();
    let classroom = expect_context::<Classroom>();
    view! {
        <button type="button" class="ann-button" on:click=move |_| classroom.make_open.set(true)>
            "Make exercise"
        </button>
        <label class="ann-file">
            <span class="ann-button">"Open exercise"</span>
            <input
                type="file"
                class="ann-file__input"
                aria-label="Open exercise"
                accept=".json,application/json"
                on:change=move |ev| {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    files::read_then(state, input.files(), move |opened| {
                        let rest = open_classroom_files(state, opened);
                        files::report_unrecognised(state, &rest);
                    });
                    input.set_value("");
                }
            />
        </label>
        <button
            type="button"
            class="ann-button"
            aria-pressed=move || classroom.class_open.get().to_string()
            on:click=move |_| classroom.class_open.update(|open| *open = !*open)
        >
            "Class results"
        </button>
    }
}

/// The dialogs and the class view, above whatever screen is shown.
#[component]
pub fn ClassroomLayer() -> impl IntoView {
    let classroom = expect_context::<Classroom>();
    let state = crate::ui::state::use_app();
    student::open_fragment_on_start(state, classroom);
    view! {
        <Show when=move || classroom.make_open.get()>
            <make_exercise::MakeExerciseDialog />
        </Show>
        <Show when=move || classroom.waiting_exercise.with(Option::is_some)>
            <student::NameDialog />
        </Show>
        <Show when=move || classroom.class_open.get()>
            <class_results::ClassResults />
        </Show>
    }
}

pub use student::ExercisePanel;
