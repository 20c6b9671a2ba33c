//! The fact-checking workflow's few signals, in their own context beside `AppState`, and
//! the small lookups its views share. A leaf of `ui/factcheck/`: the views use it, it uses
//! none of them.

use crate::domain::annotation::AnnotationId;
use crate::domain::describe::shorten;
use crate::domain::document::Document;
use crate::domain::factcheck::FactCheckSettings;
use crate::domain::factcheck::linking::LinkOption;
use crate::domain::factcheck::rating::RatingScale;
use crate::ui::page_signal::PageSignal;
use crate::ui::view_value::ViewValue;

/// A link being made: from which annotation, and the kind menu when a click left a choice.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkMode {
    pub start: AnnotationId,
    pub menu: Option<KindMenu>,
}

/// The small menu of relation kinds shown where the target highlight was clicked.
#[derive(Clone, Debug, PartialEq)]
pub struct KindMenu {
    pub options: Vec<LinkOption>,
    pub x: f64,
    pub y: f64,
}

#[derive(Clone, Copy)]
pub struct FactCheck {
    pub link: PageSignal<Option<LinkMode>>,
    pub report_open: PageSignal<bool>,
    /// The organisation that signs exported ClaimReviews (kept in localStorage).
    pub organisation: PageSignal<String>,
    pub scale: ViewValue<RatingScale>,
}

impl FactCheck {
    pub fn settings(&self) -> FactCheckSettings {
        FactCheckSettings {
            rating_scale: self.scale.get_value(),
            organisation_name: self.organisation.get_untracked(),
        }
    }
}

/// Creates the workflow's state and keeps it for `use_fact_check`; call once, after `AppState`
/// is provided.
pub fn provide() {
    let fact_check = FactCheck {
        link: PageSignal::new(None),
        report_open: PageSignal::new(false),
        organisation: PageSignal::new(crate::web::storage::settings::organisation()),
        scale: ViewValue::new(RatingScale::default()),
    };
    FACT_CHECK.with(|kept| kept.set(Some(fact_check)));
}

thread_local! {
    /// The page's one workflow state, kept by `provide` (a page-wide cell, as `ui::state`'s).
    static FACT_CHECK: std::cell::Cell<Option<FactCheck>> = const { std::cell::Cell::new(None) };
}

pub fn use_fact_check() -> FactCheck {
    FACT_CHECK
        .with(std::cell::Cell::get)
        .expect("the fact-checking state is provided as the app starts")
}

/// The quote of an annotation, shortened for a list or a menu.
pub fn short_quote(document: &Document, id: &AnnotationId) -> String {
    document
        .annotation(id)
        .map(|a| shorten(&a.quote, 60))
        .unwrap_or_default()
}

/// The label of an annotation's tag, for lists.
pub fn tag_label(document: &Document, id: &AnnotationId) -> String {
    document
        .annotation(id)
        .map(|a| {
            document
                .tags
                .get(&a.tag)
                .map(|t| t.label.clone())
                .unwrap_or_else(|| a.tag.0.clone())
        })
        .unwrap_or_default()
}
