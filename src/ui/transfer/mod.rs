//! Moving work in and out: Import annotations (input and drop) and the export menu.

pub mod export_menu;
pub mod import;
