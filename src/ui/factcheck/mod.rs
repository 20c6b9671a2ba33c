//! The fact-checking workflow on top of the annotating screen: claim, source and entity
//! fields in the details panel, links between annotations (made with the mouse or the
//! keyboard, drawn over the article), and the claims report with its exports and settings.
//!
//! Its few signals live in [`context::FactCheck`], provided as context beside `AppState`;
//! every change to the document still goes through `actions::execute`, so it is undoable.
//! This module only puts the parts together: none of them imports it.

pub mod connections;
pub mod context;
pub mod fields;
pub mod link_mode;
pub mod relations;
pub mod report;

use crate::domain::annotation::AnnotationId;
use crate::ui::on_demand::{NotLoaded, OnDemand};
use context::use_fact_check;
use leptos::prelude::*;

pub use context::provide;

/// Everything the workflow draws outside the sidebar: the link banner and kind menu, the
/// connections over the article, the report. Mounted once, beside the screens.
#[component]
pub fn FactCheckLayer() -> impl IntoView {
    let state = crate::ui::state::use_app();
    // Link mode and the connections work on the selected annotation, so they are in the
    // details panel's part and mounted once it is here (the panel reports a failed fetch).
    view! {
        <Show when=move || state.details_here.get()>
            <OnDemand what="link mode" load=linking_on_demand quiet=true />
        </Show>
        <report::ClaimsReport />
    }
}

#[leptos::wasm_split::wasm_split(details_panel, wasm_split_path = ::leptos::wasm_split, fallible)]
fn linking_on_demand() -> Result<AnyView, NotLoaded> {
    Ok(view! {
        <link_mode::LinkModeLayer />
        <connections::Connections />
    }
    .into_any())
}

/// The details panel's fact-checking part for one annotation: its fields and its links.
#[component]
pub fn FactCheckDetails(id: AnnotationId, annotation: crate::ui::selected::Shown) -> impl IntoView {
    view! {
        <fields::AnnotationFields id=id.clone() annotation=annotation />
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
