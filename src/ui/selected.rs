//! The selected annotation as it is now, for the details panel and its fact-checking fields.
//!
//! Each part of the panel used to look the annotation up by id for itself: about fifteen
//! passes over every annotation per edit on a 20,000-annotation article. One memo reads it
//! once per change of the document or the selection and the parts share it; an equal value
//! wakes none of them.

use crate::domain::annotation::{Annotation, AnnotationId};
use crate::ui::state::AppState;
use crate::ui::view_memo::ViewMemo;
use crate::ui::view_value::ViewValue;

/// The selected annotation (a copy), or `None` when nothing is selected or it is gone.
pub type Shown = ViewMemo<Option<Annotation>>;

/// The memo of the selected annotation.
pub fn read(state: AppState) -> Shown {
    // Where it was last found: most edits leave it there, so the next read is one
    // comparison instead of a pass.
    let last_at = ViewValue::new(0usize);
    ViewMemo::new(move |_| {
        let id = state.selected.get()?;
        state.editor.with(|e| {
            let all = &e.document().annotations;
            let hint = last_at.get_value();
            let at = match all.get(hint) {
                Some(a) if a.id == id => hint,
                _ => all.iter().position(|a| a.id == id)?,
            };
            last_at.set_value(at);
            all.get(at).cloned()
        })
    })
}

/// `read` of the annotation `id` as it is now (tracked), or the default once it is gone or
/// another one is selected.
pub fn field<T: Default>(shown: Shown, id: &AnnotationId, read: impl Fn(&Annotation) -> T) -> T {
    shown.with(|a| {
        a.as_ref()
            .filter(|a| &a.id == id)
            .map(read)
            .unwrap_or_default()
    })
}
