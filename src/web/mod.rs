//! Thin browser edges: each module wraps one browser facility in a small function that
//! returns a typed error. No business rules live here; they are in `domain`.

pub mod caret;
pub mod clock;
pub mod dom_focus;
pub mod dom_selection;
pub mod files;
pub mod focus_trap;
pub mod header_height;
pub mod idle;
pub mod js_error;
pub mod later_styles;
pub mod near_screen;
pub mod service_worker;
pub mod storage;
pub mod sync;
