//! Leptos components. State lives in a few signals in [`state::AppState`], provided as
//! context; components read them and call [`actions`] (the one place that changes the open
//! document and what is proposed or selected in it). ARCHITECTURE.md lists the view-only
//! signals components set themselves.

pub mod actions;
pub mod annotation_list;
pub mod app;
pub mod article;
pub mod classroom;
pub mod details;
pub mod dialog;
pub mod document_details;
pub mod export_menu;
pub mod factcheck;
pub mod header;
pub mod import;
pub mod library;
pub mod load_article;
pub mod notices;
pub mod panic_screen;
pub mod persistence;
pub mod print_notes;
pub mod reading_cursor;
pub mod review;
pub mod shortcuts;
pub mod state;
pub mod storage_meter;
pub mod strings;
pub mod tag_manager;
pub mod theme;
pub mod toolbar;

/// Installs the panic screen and mounts the app on `<body>`.
pub fn start() {
    panic_screen::install();
    crate::web::service_worker::register_service_worker_in_background();
    leptos::mount::mount_to_body(app::App);
}
