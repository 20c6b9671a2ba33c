//! The pure core: text and offsets, tags, annotations, relations, commands with undo,
//! segmentation for rendering, re-anchoring and file formats.
//!
//! Architecture invariant: nothing here knows of the browser (no leptos, web-sys, js-sys,
//! wasm-bindgen or gloo), reads a clock or draws a random number. Ids and times come in from
//! the caller. Nothing here panics on input: readers return what they could read plus
//! problems. `tests/architecture.rs` enforces the imports.

pub mod anchor;
pub mod annotation;
pub mod article_input;
pub mod change;
pub mod classroom;
pub mod command;
pub mod csv;
pub mod describe;
pub mod document;
pub mod factcheck;
pub mod format;
pub mod highlight;
pub mod history;
pub mod import;
pub mod import_apply;
pub mod import_pipeline;
pub mod interchange;
pub mod layout;
pub mod library_rows;
pub mod list_filter;
pub mod merge;
pub mod sample;
pub mod saving;
pub mod segment;
pub mod selection;
pub mod sorting;
pub mod sync;
pub mod tab_sync;
pub mod tag;
pub mod text;
pub mod validate;
