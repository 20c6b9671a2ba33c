//! The classroom's signals, in their own context beside `AppState`: the student's session
//! and key, the teacher's class, which dialog is open. A leaf of `ui/classroom/`: the views
//! and the file handling read and set these; this module depends on none of them.

use crate::domain::annotation::{Annotation, AnnotationId};
use crate::domain::classroom::files::ClassroomFile;
use crate::domain::classroom::matching::{MatchRule, Matching};
use crate::domain::classroom::present::CheckStatus;
use crate::domain::classroom::session::Session;
use crate::domain::document::Document;
use crate::ui::page_signal::PageSignal;
use crate::ui::state::AppState;
use crate::ui::view_memo::ViewMemo;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

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
    pub session: PageSignal<Option<Session>>,
    /// The answer key the student loaded to check their work.
    pub student_key: PageSignal<Option<Document>>,
    pub checking: PageSignal<bool>,
    /// Exact boundaries instead of overlap (shared by the check and class views).
    pub strict: PageSignal<bool>,
    pub make_open: PageSignal<bool>,
    /// An exercise waiting for the student's name.
    pub waiting_exercise: PageSignal<Option<ClassroomFile>>,
    pub class_open: PageSignal<bool>,
    pub class_key: PageSignal<Option<ClassKey>>,
    pub class_attempts: PageSignal<Vec<ClassAttempt>>,
    /// The class library Class results follows live, when it does.
    pub following: PageSignal<Option<String>>,
    /// The student's spans against the key, while checking.
    pub check: ViewMemo<Option<CheckResult>>,
}

/// Matches a student's document against the answer key and grades each span.
pub type Checker = fn(key: &Document, attempt: &Document, rule: MatchRule) -> CheckResult;

thread_local! {
    static CLASSROOM: Cell<Option<Classroom>> = const { Cell::new(None) };
    /// Installed by the student's exercise panel, the only place checking is turned on: so
    /// the matching's code is fetched with the student's part, not before the first paint.
    static CHECKER: Cell<Option<Checker>> = const { Cell::new(None) };
}

/// Makes `checker` the one the check follows; the exercise panel calls it when it is drawn,
/// before its "Check my work" can be pressed.
pub fn install_checker(checker: Checker) {
    CHECKER.set(Some(checker));
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

    /// Fresh signals (nothing open, no session), the check following the open document.
    pub fn new(state: AppState) -> Self {
        let student_key = PageSignal::new(None::<Document>);
        let checking = PageSignal::new(false);
        let strict = PageSignal::new(false);
        let check = ViewMemo::new(move |_| {
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
                    // Always installed by now: only the exercise panel, which installs it,
                    // turns checking on.
                    let checker = CHECKER.get()?;
                    Some(checker(key, document, rule))
                })
            })
        });
        Classroom {
            session: PageSignal::new(None),
            student_key,
            checking,
            strict,
            make_open: PageSignal::new(false),
            waiting_exercise: PageSignal::new(None),
            class_open: PageSignal::new(false),
            class_key: PageSignal::new(None),
            class_attempts: PageSignal::new(Vec::new()),
            following: PageSignal::new(None),
            check,
        }
    }

    /// Makes this the classroom [`classroom`] returns from anywhere.
    pub fn install(self) {
        CLASSROOM.with(|cell| cell.set(Some(self)));
    }
}

/// The classroom state; provided (`install`) before the app's first view is made.
pub fn use_classroom() -> Classroom {
    classroom().expect("the classroom state is provided as the app starts")
}
