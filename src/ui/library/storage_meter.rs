//! How much of the browser's storage the library uses, and whether the browser promised to
//! keep it. localStorage has its own small quota (about 10 MB), which `navigator.storage.estimate()`
//! does not report, so the meter shows our count against that quota and, when the browser
//! offers it, the origin's overall estimate beside it (`web::storage::manager`).

use crate::ui::view_memo::ViewMemo;
use crate::ui::view_signal::ViewSignal;
use crate::web::storage::{human_size, manager};
use leptos::prelude::*;

/// `usage` is the library's bytes and localStorage's quota, `None` when nothing can be stored;
/// the Library counts it again after every action, so the meter follows a duplicate or a delete.
#[component]
pub fn StorageMeter(usage: ViewMemo<Option<(usize, usize)>>) -> impl IntoView {
    let origin = ViewSignal::new(None::<(f64, f64)>);
    let persistent = ViewSignal::new(None::<bool>);
    leptos::task::spawn_local(async move {
        if let Some(found) = manager::estimate().await {
            origin.try_set(Some(found));
        }
        if let Some(found) = manager::persisted().await {
            persistent.try_set(Some(found));
        }
    });
    // The library's own use beside its meter, then the browser's estimate and its promise in
    // smaller type (on a phone each on a line of its own, never squeezed into columns).
    view! {
        <div class="ann-storage-meter" data-storage-meter="">
            {move || match usage.get() {
                Some((used, quota)) => view! {
                    <label class="ann-storage-meter__main">
                        <span class="ann-storage-meter__name">"Library storage: "</span>
                        <meter min="0" max=quota.to_string() value=used.to_string() low=(quota * 7 / 10).to_string() high=(quota * 9 / 10).to_string() optimum="0"></meter>
                        " "
                        <span class="ann-storage-meter__used">
                            {format!("{} used, about {} available", human_size(used), human_size(quota.saturating_sub(used)))}
                        </span>
                    </label>
                }
                .into_any(),
                None => view! { <span>"Nothing is stored: this browser does not allow it"</span> }.into_any(),
            }}
            <span class="ann-storage-meter__more">
                {move || origin.get().map(|(usage, quota)| view! {
                    <span class="ann-storage-meter__fact">
                        {format!(
                            "Site storage (browser estimate): {} of {}",
                            human_size(usage as usize),
                            human_size(quota as usize)
                        )}
                    </span>
                })}
                {move || persistent.get().map(|p| view! {
                    <span class="ann-storage-meter__fact">
                        {if p {
                            "Kept until you delete it"
                        } else {
                            "The browser may clear it when space runs low; export backups"
                        }}
                    </span>
                })}
            </span>
        </div>
    }
}
