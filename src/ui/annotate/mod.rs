//! The annotator's screen: the article with its highlights and reading cursor, the tag toolbar, the
//! annotation list, the details panels, the tag manager, Needs review and the printed notes.

pub mod annotation_list;
pub mod article;
pub mod details;
pub mod document_details;
pub mod filling;
pub mod print_notes;
pub mod reading_cursor;
pub mod review;
pub mod tag_manager;
pub mod toolbar;
pub mod tools;
