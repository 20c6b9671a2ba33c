//! Starting a document: paste an article with its details, open a `.txt`, `.md` or `.html`
//! file, or open the bundled sample. Files go straight to the article (a textarea would
//! rewrite their line endings); pasted text goes through the form.

use crate::domain::article_input::{OpenedArticle, open_article_file, paste_article};
use crate::domain::document::{Document, DocumentId, Metadata};
use crate::domain::sample;
use crate::domain::text::Text;
use crate::ui::library::persistence::{self, StoredOpen};
use crate::ui::notices;
use crate::ui::on_demand::NotLoaded;
use crate::ui::progress;
use crate::ui::state::{AppState, NoticeKind, Screen, use_app};
use crate::ui::view_signal::ViewSignal;
use crate::web::{clock, files};
use leptos::prelude::*;

/// A new document from an article, with the suggested metadata filling what the user left
/// empty.
pub fn document_from(opened: OpenedArticle, mut metadata: Metadata) -> Document {
    opened.suggestion.fill_empty(&mut metadata);
    Document::new(
        DocumentId(clock::new_id("d")),
        metadata,
        Text::new(opened.text),
    )
}

/// The sample article's library id. One id, not a new one per start: tabs that open the
/// sample on a first visit share one library entry (and merge their work like two tabs on
/// any document), and "Open sample article" comes back to it instead of making a copy.
pub const SAMPLE_ID: &str = "sample";

/// The sample, with its details written out (`domain::sample`): reading them from its first
/// lines would put the metadata reader in the first paint.
pub fn sample_document() -> Document {
    Document::new(
        DocumentId(SAMPLE_ID.to_string()),
        sample::metadata(),
        Text::new(sample::TEXT.to_owned()),
    )
}

/// Opens the sample: the library's sample entry with the work done on it, or a fresh one.
/// The entry is read with the reader of stored entries, a part that fetching saving's part
/// fetches first (opening waits for saving's part anyway).
pub fn open_sample(state: AppState) {
    crate::ui::library::writer::when_here(
        state,
        "Nothing was opened",
        Box::new(move || open_sample_now(state)),
    );
}

fn open_sample_now(state: AppState) {
    let fresh_id = match persistence::open_stored_by_id(state, SAMPLE_ID) {
        StoredOpen::Opened => return,
        StoredOpen::NotStored => None,
        // The damaged entry keeps its key; the fresh sample gets one of its own.
        StoredOpen::Unreadable => Some(DocumentId(clock::new_id("d"))),
    };
    let mut document = sample_document();
    if let Some(id) = fresh_id {
        document.id = id;
    }
    persistence::open_document(state, document);
}

pub fn open_files(state: AppState, list: Option<web_sys::FileList>) {
    let Some(file) = files::files_of(list).into_iter().next() else {
        return;
    };
    leptos::task::spawn_local(async move {
        let limit = crate::domain::article_input::limits::MAX_FILE_BYTES as f64;
        let opened = match files::read_file(&file, limit).await {
            Ok(opened) => opened,
            Err(error) => {
                notices::notify(
                    state,
                    NoticeKind::Error,
                    notices::capitalise(&error.to_string()),
                    Vec::new(),
                );
                return;
            }
        };
        let large = opened.bytes.len() >= progress::ANNOUNCE_FROM_BYTES;
        if large {
            progress::begin_work(format!("Opening “{}”", opened.name)).await;
        }
        open_article(state, opened).await;
        if large {
            progress::end_work();
        }
    });
}

/// Opens an article file as a new document ("Open article", or an article dropped on the
/// page), with the reader's warnings as notices.
///
/// The reader (encodings, HTML to text) stays in the main module: it is called from the main
/// module (a drop) and from two parts (the Library and New article), and a part that calls
/// another part cannot be linked into the wasm-bindgen tests (see ARCHITECTURE.md).
pub async fn open_article(state: AppState, file: files::OpenedFile) {
    let name = file.name;
    let result = open_article_file(&name, &file.bytes);
    match result {
        Ok(article) => {
            let warnings = article.notices.clone();
            let document = document_from(article, Metadata::default());
            // Said once the article is shown: a refused open says only why.
            let warn = move || {
                for warning in warnings {
                    notices::notify(
                        state,
                        NoticeKind::Warning,
                        format!("{name}: {warning}"),
                        Vec::new(),
                    );
                }
            };
            persistence::open_document_then(state, document, Box::new(warn));
        }
        Err(error) => notices::notify(
            state,
            NoticeKind::Error,
            format!("“{name}” cannot be opened: {error}"),
            Vec::new(),
        ),
    }
}

/// The New article screen is fetched the first time it is shown (ui::on_demand).
#[leptos::wasm_split::wasm_split(new_article, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn load_article_on_demand() -> Result<AnyView, NotLoaded> {
    Ok(view! { <LoadArticle /> }.into_any())
}

#[component]
pub fn LoadArticle() -> impl IntoView {
    let state = use_app();
    let text = ViewSignal::new(String::new());
    let title = ViewSignal::new(String::new());
    let url = ViewSignal::new(String::new());
    let publisher = ViewSignal::new(String::new());
    let author = ViewSignal::new(String::new());
    let published = ViewSignal::new(String::new());
    let error = ViewSignal::new(None::<String>);

    let suggest = move || {
        if let Ok(opened) = paste_article(&text.get_untracked()) {
            let s = opened.suggestion;
            for (signal, value) in [
                (title, s.title),
                (url, s.url),
                (publisher, s.publisher),
                (author, s.author),
                (published, s.published),
            ] {
                if signal.get_untracked().trim().is_empty()
                    && let Some(value) = value
                {
                    signal.set(value);
                }
            }
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match paste_article(&text.get_untracked()) {
            Ok(opened) => {
                let metadata = Metadata {
                    title: title.get_untracked().trim().to_string(),
                    url: url.get_untracked().trim().to_string(),
                    publisher: publisher.get_untracked().trim().to_string(),
                    author: author.get_untracked().trim().to_string(),
                    published: published.get_untracked().trim().to_string(),
                    language: String::new(),
                };
                error.set(None);
                persistence::open_document(state, document_from(opened, metadata));
            }
            Err(e) => error.set(Some(notices::capitalise(&e.to_string()))),
        }
    };
    let field = move |label: &'static str, signal: ViewSignal<String>, kind: &'static str| {
        view! {
            <label class="ann-field">
                <span>{label}</span>
                <input
                    type=kind
                    prop:value=move || signal.get()
                    on:input=move |ev| signal.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <main class="ann-load" id="main">
            <h1 class="ann-load__heading">"Open an article"</h1>
            <div class="ann-load__quick">
                <button type="button" class="ann-button ann-button--primary" on:click=move |_| open_sample(state)>
                    "Open sample article"
                </button>
                <label class="ann-file">
                    <span class="ann-button">"Open article"</span>
                    <input
                        type="file"
                        class="ann-file__input"
                        aria-label="Open article"
                        accept=".txt,.md,.markdown,.html,.htm,text/plain,text/markdown,text/html"
                        on:change=move |ev| {
                            let input: web_sys::HtmlInputElement = event_target(&ev);
                            open_files(state, input.files());
                            input.set_value("");
                        }
                    />
                </label>
                <button type="button" class="ann-button" on:click=move |_| state.screen.set(Screen::Annotate)>
                    "Back to the open document"
                </button>
            </div>
            <p class="ann-load__or">"…or paste the article and its details. Your text is kept exactly as pasted."</p>
            <form class="ann-load__form" on:submit=submit>
                <label class="ann-field ann-field--wide">
                    <span>"Article text"</span>
                    <textarea
                        rows="12"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                        on:blur=move |_| suggest()
                    ></textarea>
                </label>
                <div class="ann-load__meta">
                    {field("Title", title, "text")}
                    {field("URL", url, "url")}
                    {field("Publisher", publisher, "text")}
                    {field("Author", author, "text")}
                    {field("Published date", published, "text")}
                </div>
                {move || error.get().map(|e| view! { <p class="ann-notice ann-notice--error" role="alert">{e}</p> })}
                <button type="submit" class="ann-button ann-button--primary">"Start annotating"</button>
            </form>
        </main>
    }
}
