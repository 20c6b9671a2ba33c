//! The sharing panel's signals, provided next to `AppState` and written only by
//! `ui/sharing/` (a leaf: it imports nothing of the sharing modules).

use crate::domain::sync::feed::SharedArticle;
use crate::ui::page_signal::PageSignal;
use crate::ui::view_value::ViewValue;
use leptos::prelude::*;

/// Who this browser is on the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Who {
    pub name: String,
    /// The server lets anyone in without a password ("admin party"): the name is a label.
    pub open_server: bool,
}

/// How the shared document is doing, for the header and the panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// The open document is not shared.
    Off,
    Connecting,
    Live,
    /// Reading a long changes feed: the text says how far.
    Receiving(String),
    /// The server cannot be reached; changes wait and are retried.
    Offline(String),
    /// The server wants a sign-in; changes are kept.
    SignIn,
    /// Something the person must act on (a library that is gone, a refusal).
    Stopped(String),
    /// The sharing engine could not be fetched (offline before it was ever used here): the
    /// header offers "Try again"; the document's changes wait in this browser.
    NotLoaded,
}

#[derive(Clone, Copy)]
pub struct Sharing {
    pub who: PageSignal<Option<Who>>,
    pub status: PageSignal<Status>,
    /// Changes of the open document the server does not have yet.
    pub waiting: PageSignal<usize>,
    /// The library the panel works with, and what it holds.
    pub library: PageSignal<String>,
    pub libraries: PageSignal<Vec<String>>,
    pub articles: PageSignal<Vec<SharedArticle>>,
    /// The library the open document is shared in, when it is.
    pub shared_in: PageSignal<Option<String>>,
    pub panel_open: PageSignal<bool>,
    /// The app's owner: the engine, fetched later and from any task, makes its effects here so
    /// they live as long as the app (and find its context).
    pub owner: ViewValue<Owner>,
}

impl Sharing {
    pub fn new() -> Self {
        Sharing {
            who: PageSignal::new(None),
            status: PageSignal::new(Status::Off),
            waiting: PageSignal::new(0),
            library: PageSignal::new(String::new()),
            libraries: PageSignal::new(Vec::new()),
            articles: PageSignal::new(Vec::new()),
            shared_in: PageSignal::new(None),
            panel_open: PageSignal::new(false),
            owner: ViewValue::new(Owner::current().unwrap_or_default()),
        }
    }

    /// The name annotations made here are recorded under.
    pub fn me(&self) -> String {
        self.who
            .with_untracked(|w| w.as_ref().map(|w| w.name.clone()))
            .unwrap_or_default()
    }
}

impl Default for Sharing {
    fn default() -> Self {
        Self::new()
    }
}

thread_local! {
    /// Whether the engine (fetched on demand) follows the open document in this page.
    static ENGINE_INSTALLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

pub fn engine_installed() -> bool {
    ENGINE_INSTALLED.with(std::cell::Cell::get)
}

/// Marks the engine installed; `true` if it already was.
pub fn mark_engine_installed() -> bool {
    ENGINE_INSTALLED.with(|installed| installed.replace(true))
}

thread_local! {
    /// The page's one sharing state, kept by `provide` (a page-wide cell, as `ui::state`'s).
    static SHARING: std::cell::Cell<Option<Sharing>> = const { std::cell::Cell::new(None) };
}

/// Keeps the page's sharing state for `use_sharing`; called once, as the app starts.
pub fn provide(sharing: Sharing) {
    SHARING.with(|kept| kept.set(Some(sharing)));
}

pub fn use_sharing() -> Sharing {
    SHARING
        .with(std::cell::Cell::get)
        .expect("the sharing state is provided as the app starts")
}
