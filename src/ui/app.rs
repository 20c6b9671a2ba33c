//! The page: header, notices, and the screen the user is on (annotating, loading an article,
//! the library). On first start the sample article is open.

use crate::ui::annotation_list::AnnotationList;
use crate::ui::article::ArticleView;
use crate::ui::details::DetailsPanel;
use crate::ui::document_details::DocumentDetails;
use crate::ui::header::Header;
use crate::ui::library::Library;
use crate::ui::load_article::LoadArticle;
use crate::ui::notices::{LiveRegion, Notices};
use crate::ui::persistence::{Autosave, initial_editor};
use crate::ui::shortcuts::{HelpSheet, Shortcuts};
use crate::ui::state::{AppState, Screen};
use crate::ui::toolbar::{AnnotationChooser, TagToolbar};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new(crate::domain::history::Editor::new(
        crate::domain::document::Document::new(
            crate::domain::document::DocumentId(String::new()),
            Default::default(),
            crate::domain::text::Text::new(""),
        ),
    ));
    provide_context(state);
    state.editor.set(initial_editor(state));
    view! {
        <a class="ann-skip" href="#ann-main">"Skip to the article"</a>
        <Header />
        <Notices />
        <LiveRegion />
        <Shortcuts />
        <Autosave />
        {move || match state.screen.get() {
            Screen::Annotate => view! { <AnnotateScreen /> }.into_any(),
            Screen::LoadArticle => view! { <LoadArticle /> }.into_any(),
            Screen::Library => view! { <Library /> }.into_any(),
        }}
        <HelpSheet />
        <crate::ui::import::DropImport />
    }
}

#[component]
fn AnnotateScreen() -> impl IntoView {
    view! {
        <div class="ann-workspace">
            <main class="ann-main" id="ann-main">
                <ArticleHeading />
                <ArticleView />
                <TagToolbar />
                <AnnotationChooser />
            </main>
            <aside class="ann-sidebar" aria-label="Annotations">
                <crate::ui::review::ReviewList />
                <DetailsPanel />
                <AnnotationList />
                <crate::ui::tag_manager::TagManager />
                <DocumentDetails />
            </aside>
        </div>
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
