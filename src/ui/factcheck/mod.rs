//! The fact-checking workflow on top of the annotating screen: claim, source and entity
//! fields in the details panel, links between annotations (made with the mouse or the
//! keyboard, drawn over the article), and the claims report with its exports and settings.
//!
//! Its few signals live in [`FactCheck`], provided as context beside `AppState`; every change
//! to the document still goes through `actions::execute`, so it is undoable.

pub mod connections;
pub mod fields;
pub mod link_mode;
pub mod relations;
pub mod report;

use crate::domain::annotation::AnnotationId;
use crate::domain::factcheck::FactCheckSettings;
use crate::domain::factcheck::linking::LinkOption;
use crate::domain::factcheck::rating::RatingScale;
use crate::ui::state::AppState;
use leptos::prelude::*;

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
    pub link: RwSignal<Option<LinkMode>>,
    pub report_open: RwSignal<bool>,
    /// The organisation that signs exported ClaimReviews (kept in localStorage).
    pub organisation: RwSignal<String>,
    pub scale: StoredValue<RatingScale>,
}

impl FactCheck {
    pub fn settings(&self) -> FactCheckSettings {
        FactCheckSettings {
            rating_scale: self.scale.get_value(),
            organisation_name: self.organisation.get_untracked(),
        }
    }
}

/// Creates the workflow's state and provides it; call once, after `AppState` is provided.
pub fn provide() {
    let fact_check = FactCheck {
        link: RwSignal::new(None),
        report_open: RwSignal::new(false),
        organisation: RwSignal::new(crate::web::storage::settings::organisation()),
        scale: StoredValue::new(RatingScale::default()),
    };
    provide_context(fact_check);
}

pub fn use_fact_check() -> FactCheck {
    expect_context::<FactCheck>()
}

/// Everything the workflow draws outside the sidebar: the link banner and kind menu, the
/// connections over the article, the report. Mounted once, beside the screens.
#[component]
pub fn FactCheckLayer() -> impl IntoView {
    view! {
        <link_mode::LinkModeLayer />
        <connections::Connections />
        <report::ClaimsReport />
    }
}

/// The details panel's fact-checking part for one annotation: its fields and its links.
#[component]
pub fn FactCheckDetails(id: AnnotationId) -> impl IntoView {
    view! {
        <fields::AnnotationFields id=id.clone() />
        <relations::RelationsSection id=id />
    }
}

/// The header's way into the report.
#[component]
pub fn ReportButton() -> impl IntoView {
    let state = crate::ui::state::use_app();
    let fact_check = use_fact_check();
    view! {
        <button
            type="button"
            class="ann-button"
            aria-pressed=move || fact_check.report_open.get().to_string()
            on:click=move |_| report::open_report(state, fact_check)
        >
            "Claims report"
        </button>
    }
}

/// The quote of an annotation, shortened for a list or a menu.
pub fn short_quote(state: AppState, id: &AnnotationId) -> String {
    state.editor.with_untracked(|e| {
        e.document()
            .annotation(id)
            .map(|a| shorten(&a.quote, 60))
            .unwrap_or_default()
    })
}

pub fn shorten(text: &str, max_chars: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max_chars {
        return text;
    }
    let kept: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// The label of an annotation's tag, for lists.
pub fn tag_label(state: AppState, id: &AnnotationId) -> String {
    state.editor.with_untracked(|e| {
        let doc = e.document();
        doc.annotation(id)
            .map(|a| {
                doc.tags
                    .get(&a.tag)
                    .map(|t| t.label.clone())
                    .unwrap_or_else(|| a.tag.0.clone())
            })
            .unwrap_or_default()
    })
}
