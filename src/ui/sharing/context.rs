//! The sharing panel's signals, provided next to `AppState` and written only by
//! `ui/sharing/` (a leaf: it imports nothing of the sharing modules).

use crate::domain::sync::feed::SharedArticle;
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
}

#[derive(Clone, Copy)]
pub struct Sharing {
    pub who: RwSignal<Option<Who>>,
    pub status: RwSignal<Status>,
    /// Changes of the open document the server does not have yet.
    pub waiting: RwSignal<usize>,
    /// The library the panel works with, and what it holds.
    pub library: RwSignal<String>,
    pub libraries: RwSignal<Vec<String>>,
    pub articles: RwSignal<Vec<SharedArticle>>,
    /// The library the open document is shared in, when it is.
    pub shared_in: RwSignal<Option<String>>,
    pub panel_open: RwSignal<bool>,
}

impl Sharing {
    pub fn new() -> Self {
        Sharing {
            who: RwSignal::new(None),
            status: RwSignal::new(Status::Off),
            waiting: RwSignal::new(0),
            library: RwSignal::new(String::new()),
            libraries: RwSignal::new(Vec::new()),
            articles: RwSignal::new(Vec::new()),
            shared_in: RwSignal::new(None),
            panel_open: RwSignal::new(false),
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

pub fn use_sharing() -> Sharing {
    expect_context::<Sharing>()
}
