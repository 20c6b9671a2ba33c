//! The page: header, notices, and the screen the user is on (annotating, loading an article,
//! the library). On first start the sample article is open.

use crate::domain::document::{Document, DocumentId};
use crate::domain::history::Editor;
use crate::domain::text::Text;
use crate::ui::actions::{self, Replacement};
use crate::ui::annotate::annotation_list::list_on_demand;
use crate::ui::annotate::article::ArticleView;
use crate::ui::annotate::details::DetailsPanel;
use crate::ui::library::load_article::load_article_on_demand;
use crate::ui::library::persistence::{Autosave, initial_document};
use crate::ui::library::screen::library_on_demand;
use crate::ui::notices::{LiveRegion, Notices};
use crate::ui::on_demand::OnDemand;
use crate::ui::shell::header::Header;
use crate::ui::shell::shortcuts::HelpSheet;
use crate::ui::state::{AppState, Screen};
use crate::ui::view_signal::ViewSignal;
use leptos::prelude::*;

fn empty_document(id: String) -> Document {
    Document::new(DocumentId(id), Default::default(), Text::new(""))
}

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new(Editor::new(empty_document(String::new())));
    crate::ui::state::provide_app(state);
    crate::ui::shell::theme::apply_stored();
    crate::ui::classroom::provide_classroom(state);
    crate::ui::factcheck::provide();
    crate::ui::annotate::print_notes::provide_printing();
    crate::ui::progress::provide_progress();
    crate::ui::on_demand::provide_later_styles(state);
    crate::ui::sharing::provide_sharing(state);
    crate::ui::snapping::install();
    let first = initial_document(state, crate::ui::library::load_article::sample_document);
    actions::replace_document(state, first, Replacement::StartUp);
    view! {
        <a class="ann-skip" href="#ann-article">"Skip to the article"</a>
        <Header />
        <crate::ui::sharing::SharingPanel />
        <Notices export_now=move |_| crate::ui::transfer::export_menu::export_now(state) />
        <LiveRegion />
        <crate::ui::progress::ProgressIndicator />
        <Autosave />
        {move || match state.screen.get() {
            Screen::Annotate => view! { <AnnotateScreen /> }.into_any(),
            Screen::LoadArticle => {
                view! { <OnDemand what="the New article screen" load=load_article_on_demand /> }
                    .into_any()
            }
            Screen::Library => {
                view! { <OnDemand what="the Library" load=library_on_demand /> }.into_any()
            }
        }}
        <HelpSheet />
        <crate::ui::classroom::ClassroomLayer />
        <crate::ui::factcheck::FactCheckLayer />
        <crate::ui::transfer::import::DropImport />
        <crate::ui::transfer::import::ImportQuestionLayer />
    }
}

#[component]
fn AnnotateScreen() -> impl IntoView {
    // On small screens the sidebar is a bottom sheet that can be folded away; while a
    // selection waits for its tag the sheet folds by itself, so the article keeps the screen.
    let sheet_open = ViewSignal::new(true);
    let state = crate::ui::state::use_app();
    let tagging = move || state.pending.with(Option::is_some);
    let shown = move || sheet_open.get() && !tagging();
    let painted = crate::ui::annotate::filling::after_first_paint();
    let tools_busy = ViewSignal::new(true);
    // Saving's writer comes with the tools, before anything can change the document.
    Effect::new(move |_| {
        if painted.get() {
            crate::ui::library::writer::prefetch();
        }
    });
    view! {
        <div
            class="ann-workspace"
            class:ann-workspace--sheet-closed=move || !sheet_open.get()
            class:ann-workspace--tagging=tagging
        >
            <main class="ann-main" id="ann-main" aria-busy=move || tools_busy.get().to_string()>
                // First in the column, so that a failed fetch is read above the article;
                // the toolbar and the chooser float where the selection is.
                <Show when=move || painted.get()>
                    <OnDemand
                        what="the tag toolbar and the keyboard shortcuts"
                        load=move || crate::ui::annotate::tools::tools_on_demand(state)
                        quiet=true
                        busy=tools_busy
                    />
                </Show>
                <ArticleHeading />
                <ArticleView />
            </main>
            <aside class="ann-sidebar" id="ann-sidebar" aria-label=crate::ui::strings::SIDEBAR_LABEL>
                <button
                    type="button"
                    class="ann-sheet-handle"
                    aria-controls="ann-sidebar"
                    aria-expanded=move || shown().to_string()
                    on:click=move |_| {
                        if tagging() {
                            // Asking for the sheet while a selection waits: the person
                            // chose the sheet over tagging.
                            crate::ui::actions::dismiss_selection(state);
                            sheet_open.set(true);
                        } else {
                            sheet_open.update(|open| *open = !*open);
                        }
                    }
                >
                    <span class="ann-sheet-handle__grip" aria-hidden="true"></span>
                    {move || {
                        if shown() {
                            crate::ui::strings::SHEET_HIDE
                        } else {
                            crate::ui::strings::SHEET_SHOW
                        }
                    }}
                </button>
                <crate::ui::classroom::ExercisePanel />
                <crate::ui::annotate::review::ReviewList />
                <DetailsPanel />
                <Show when=move || painted.get()>
                    <OnDemand
                        what="the annotation list"
                        load=|| list_on_demand(
                            view! { <crate::ui::annotate::tag_manager::TagManager /> }.into_any(),
                        )
                    />
                </Show>
            </aside>
        </div>
        <Show when=move || state.tools_here.get()>
            <OnDemand
                what="the endnotes for print"
                load=crate::ui::annotate::tools::endnotes_on_demand
                quiet=true
            />
        </Show>
    }
}

/// The article's title and date above the text, as the reader expects them.
#[component]
fn ArticleHeading() -> impl IntoView {
    let state = crate::ui::state::use_app();
    let meta = move || state.editor.with(|e| e.document().metadata.clone());
    view! {
        <header class="ann-article-heading">
            <p class="ann-article-heading__meta">
                {move || {
                    let m = meta();
                    [m.publisher, m.author]
                        .into_iter()
                        .filter(|s| !s.trim().is_empty())
                        .collect::<Vec<_>>()
                        .join(" · ")
                }}
            </p>
            <h1 class="ann-visually-hidden">
                {move || {
                    let t = meta().title;
                    if t.trim().is_empty() { "Untitled article".to_string() } else { t }
                }}
            </h1>
        </header>
    }
}
