//! Leptos components. State lives in a few signals in [`state::AppState`], provided as
//! context; components read them and call [`actions`] (the one place that changes the open
//! document and what is proposed or selected in it). ARCHITECTURE.md lists the view-only
//! signals components set themselves.

pub mod actions;
pub mod annotate;
pub mod classroom;
pub mod dialog;
pub mod factcheck;
pub mod kept_part;
pub mod library;
pub mod notices;
pub mod on_demand;
pub mod page_signal;
pub mod progress;
pub mod selected;
pub mod sharing;
pub mod shell;
pub mod signal_cell;
pub mod snapping;
pub mod state;
pub mod strings;
pub mod transfer;
pub mod view_memo;
pub mod view_signal;
pub mod view_value;

/// Installs the panic screen and mounts the app on `<body>`: at once on a first visit, once
/// the reader of stored documents is here on a returning one (`library::reader::before_start`;
/// index.html's "Opening Article Annotator…" shows meanwhile).
pub fn start() {
    shell::panic_screen::install();
    crate::web::service_worker::register_service_worker_in_background();
    // The part's fetch is a task, and mounting sets Leptos's executor only later. `Err`: one
    // is set already (a second start), and it runs the task as well.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    library::reader::before_start(Box::new(|| {
        leptos::mount::mount_to_body(shell::app::App);
        // The notices, the sidebar and scrolled-to text start below the header, however many
        // rows its controls wrap to.
        crate::web::header_height::follow(".ann-header");
        progress::started();
    }));
}
