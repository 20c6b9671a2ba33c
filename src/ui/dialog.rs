//! The one modal dialog every screen uses (Make exercise, Class results, the shortcut sheet,
//! the student's name), so keyboard users meet the same behaviour everywhere: focus moves in
//! when it opens, Tab stays inside, Escape closes it, and focus goes back to the control that
//! opened it. The dialog is mounted only while open (inside a `Show`), so opening is mounting
//! and closing is clean-up.

use crate::web::focus_trap;
use leptos::prelude::*;

#[component]
pub fn Dialog(
    /// The id of the heading that names the dialog.
    labelled_by: &'static str,
    /// Closes the dialog: Escape, the backdrop (when `close_on_backdrop`), its own buttons.
    #[prop(into)]
    on_close: Callback<()>,
    #[prop(default = "ann-dialog")] class: &'static str,
    #[prop(default = "ann-dialog-backdrop")] backdrop_class: &'static str,
    /// A selector for what takes focus first; else the first focusable element.
    #[prop(optional)]
    initial_focus: Option<&'static str>,
    #[prop(default = true)] close_on_backdrop: bool,
    children: Children,
) -> impl IntoView {
    let dialog_ref = NodeRef::<leptos::html::Div>::new();
    // What has focus now (the opener) gets it back when the dialog goes.
    focus_trap::remember_focus();
    on_cleanup(focus_trap::restore_focus);
    set_timeout(
        move || {
            if let Some(dialog) = dialog_ref.get_untracked() {
                focus_trap::focus_first(&dialog, initial_focus);
            }
        },
        std::time::Duration::from_millis(0),
    );
    let keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            ev.stop_propagation();
            on_close.run(());
        } else if let Some(dialog) = dialog_ref.get_untracked() {
            focus_trap::keep_tab_inside(&dialog, &ev);
        }
    };
    view! {
        <div
            class=backdrop_class
            on:click=move |_| {
                if close_on_backdrop {
                    on_close.run(());
                }
            }
        >
            <div
                class=class
                role="dialog"
                aria-modal="true"
                aria-labelledby=labelled_by
                node_ref=dialog_ref
                on:click=|ev| ev.stop_propagation()
                on:keydown=keydown
            >
                {children()}
            </div>
        </div>
    }
}
