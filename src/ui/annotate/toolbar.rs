//! The tag toolbar that appears next to a selection: one button per tag, named exactly by
//! the tag's label (automation and screen readers rely on it), its shortcut shown beside.

use crate::ui::actions;
use crate::ui::state::use_app;
use leptos::prelude::*;

/// The widest screen on which the toolbar is docked at the bottom (the style sheet's
/// breakpoint for phones).
const PHONE_WIDTH: f64 = 860.0;
/// About how tall the toolbar is, to decide whether it fits under the selection.
const TOOLBAR_HEIGHT: f64 = 120.0;

/// The window's inner width and height in CSS pixels.
fn viewport() -> (f64, f64) {
    let window = web_sys::window();
    let size = |value: Option<wasm_bindgen::JsValue>, fallback| {
        value.and_then(|v| v.as_f64()).unwrap_or(fallback)
    };
    (
        size(window.as_ref().and_then(|w| w.inner_width().ok()), 1024.0),
        size(window.as_ref().and_then(|w| w.inner_height().ok()), 768.0),
    )
}

/// On a phone the toolbar is docked above the bottom edge: when the selection lies under
/// it, the page scrolls just enough to show the selection above the toolbar.
fn keep_selection_above_toolbar() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(toolbar) = window
        .document()
        .and_then(|d| d.query_selector(".ann-toolbar").ok().flatten())
    else {
        return;
    };
    let Some(range) = window
        .get_selection()
        .ok()
        .flatten()
        .filter(|s| s.range_count() > 0)
        .and_then(|s| s.get_range_at(0).ok())
    else {
        return;
    };
    let covered =
        range.get_bounding_client_rect().bottom() + 12.0 - toolbar.get_bounding_client_rect().top();
    if covered > 0.0 {
        window.scroll_by_with_x_and_y(0.0, covered);
    }
}

#[component]
pub fn TagToolbar() -> impl IntoView {
    let state = use_app();
    let tags = move || state.editor.with(|e| e.document().tags.tags().to_vec());
    let position = move || {
        state.pending.get().and_then(|p| {
            let (width, height) = viewport();
            if width <= PHONE_WIDTH {
                // Docked above the bottom sheet by the style sheet.
                return None;
            }
            let left = p.rect.left.clamp(8.0, (width - 320.0).max(8.0));
            let below = p.rect.top + p.rect.height + 8.0;
            Some(
                if below + TOOLBAR_HEIGHT > height && p.rect.top > TOOLBAR_HEIGHT + 8.0 {
                    // No room under the selection: above it, never over it.
                    format!("left:{left:.0}px;bottom:{:.0}px", height - p.rect.top + 8.0)
                } else {
                    format!("left:{left:.0}px;top:{below:.0}px")
                },
            )
        })
    };
    Effect::new(move |_| {
        if state.pending.with(Option::is_some) && viewport().0 <= PHONE_WIDTH {
            request_animation_frame(keep_selection_above_toolbar);
        }
    });
    let preview = move || {
        state.pending.get().map(|p| {
            state.editor.with(|e| {
                let quote = e.document().text.slice(p.range).unwrap_or("");
                crate::domain::describe::shorten(quote, 60)
            })
        })
    };
    view! {
        <Show when=move || state.pending.with(|p| p.is_some())>
            <div class="ann-toolbar" role="toolbar" aria-label="Tag the selection" style=position>
                <span class="ann-toolbar__preview" aria-live="polite">{preview}</span>
                <div class="ann-toolbar__buttons">
                    <For each=tags key=|t| (t.id.clone(), t.label.clone(), t.color.clone(), t.key) let:tag>
                        {
                            let id = tag.id.clone();
                            let shortcut = tag.key.map(|k| k.to_string()).unwrap_or_default();
                            let style = format!("--ann-tag:{}", tag.color);
                            let shortcut_label = shortcut.clone();
                            view! {
                                <button
                                    type="button"
                                    class="ann-tag-button"
                                    style=style
                                    aria-keyshortcuts=shortcut.clone()
                                    on:mousedown=|ev| ev.prevent_default()
                                    on:click=move |_| actions::tag_selection(state, id.clone())
                                >
                                    {tag.label.clone()}
                                    <kbd aria-hidden="true">{shortcut_label}</kbd>
                                </button>
                            }
                        }
                    </For>
                    <button
                        type="button"
                        class="ann-icon-button"
                        aria-label="Dismiss"
                        title="Dismiss (Esc)"
                        on:click=move |_| actions::dismiss_selection(state)
                    >
                        "×"
                    </button>
                </div>
                <label class="ann-check ann-toolbar__option" title="Hold Alt while selecting for exact characters">
                    <input
                        type="checkbox"
                        prop:checked=move || state.snap_to_words.get()
                        on:change=move |ev| actions::set_snap_to_words(state, event_target_checked(&ev))
                    />
                    "Snap to whole words"
                </label>
            </div>
        </Show>
    }
}

/// When several annotations cover a clicked point, a small list to pick one.
#[component]
pub fn AnnotationChooser() -> impl IntoView {
    let state = use_app();
    let items = move || {
        state.chooser.get().map(|(ids, _)| {
            state.editor.with(|e| {
                let doc = e.document();
                ids.iter()
                    .filter_map(|id| doc.annotation(id))
                    .map(|a| {
                        let label = doc
                            .tags
                            .get(&a.tag)
                            .map(|t| t.label.clone())
                            .unwrap_or_default();
                        (
                            a.id.clone(),
                            label,
                            crate::domain::describe::shorten(&a.quote, 50),
                        )
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let position = move || {
        state
            .chooser
            .get()
            .map(|(_, r)| format!("left:{:.0}px;top:{:.0}px", r.left.max(8.0), r.top + 12.0))
    };
    view! {
        <Show when=move || state.chooser.with(|c| c.is_some())>
            <div class="ann-chooser" role="menu" aria-label="Choose an annotation" style=position>
                {move || {
                    items()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(id, label, quote)| {
                            view! {
                                <button
                                    type="button"
                                    role="menuitem"
                                    class="ann-chooser__item"
                                    on:click=move |_| actions::select_annotation(state, Some(id.clone()))
                                >
                                    <span class="ann-badge">{label}</span>
                                    " "
                                    {quote}
                                </button>
                            }
                        })
                        .collect_view()
                }}
            </div>
        </Show>
    }
}
