//! The theme switch: System (follow the operating system), Light or Dark, remembered in this
//! browser and applied as the app starts. The choice is `data-theme` on `<html>`;
//! style/base.css defines both palettes.

use crate::ui::strings;
use crate::ui::view_signal::ViewSignal;
use crate::web::storage::settings;
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    fn stored_name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    fn from_stored(name: &str) -> Theme {
        match name {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Theme::System => strings::THEME_SYSTEM,
            Theme::Light => strings::THEME_LIGHT,
            Theme::Dark => strings::THEME_DARK,
        }
    }

    fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }
}

fn stored() -> Theme {
    settings::theme()
        .map(|name| Theme::from_stored(&name))
        .unwrap_or(Theme::System)
}

/// `<html>`, where the theme is.
fn root() -> Option<web_sys::Element> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
}

fn apply(theme: Theme) {
    let Some(root) = root() else {
        return;
    };
    // A theme attribute the browser refuses leaves the page in the system theme; nothing is stored here.
    let _ = match theme {
        Theme::System => root.remove_attribute("data-theme"),
        other => root.set_attribute("data-theme", other.stored_name()),
    };
}

/// Puts the remembered theme on the page. The app calls it as it starts, before the first
/// paint: the switch is in the header's menu, a part fetched after it.
pub fn apply_stored() {
    apply(stored());
}

/// The theme on the page (put there by [`apply_stored`] as the app started, or by the switch):
/// read from `<html>`, so that storage is read once per start.
fn applied() -> Theme {
    root()
        .and_then(|root| root.get_attribute("data-theme"))
        .map(|name| Theme::from_stored(&name))
        .unwrap_or(Theme::System)
}

/// The switch in the header: each press moves System → Light → Dark → System.
#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let theme = ViewSignal::new(applied());
    let cycle = move |_| {
        let next = theme.get_untracked().next();
        theme.set(next);
        apply(next);
        // Not being able to remember the choice is no reason to bother the user: the theme
        // still applies to this visit.
        let _ = settings::set_theme(next.stored_name());
    };
    view! {
        <button
            type="button"
            class="ann-button ann-theme-switch"
            title="Theme: System, Light or Dark"
            on:click=cycle
        >
            {move || strings::theme_button(theme.get().label())}
        </button>
    }
}
