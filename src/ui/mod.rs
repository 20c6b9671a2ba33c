//! Leptos components. State lives in a few signals in [`state::AppState`], provided as
//! context; components read them and call [`actions`] to change anything.

pub mod app;
pub mod panic_screen;

/// Installs the panic screen and mounts the app on `<body>`.
pub fn start() {
    panic_screen::install();
    crate::web::service_worker::register_service_worker_in_background();
    leptos::mount::mount_to_body(app::App);
}
