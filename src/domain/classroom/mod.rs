//! Classroom exercises: a teacher's answer key, students' attempts, and grades.
//!
//! A teacher annotates an article (the *key*), hands out the same text without annotations
//! (the *exercise*), and each student annotates their own copy (an *attempt*). Everything
//! here compares plain `&[Annotation]` lists made over one text (same `text_sha256`):
//!
//! - [`matching`] pairs student spans with key spans one-to-one (hits, misses, extras);
//! - [`scores`] turns those into precision, recall and F1 per tag and overall;
//! - [`class`] builds the teacher's review of a whole class (table, heat map, CSV);
//! - [`agreement`] measures how much the students agree with one another;
//! - [`exercise`] holds the roles and the pure steps from key to exercise to attempt;
//! - [`fragment`] packs an exercise into a link's `#fragment` and back;
//! - [`files`] reads and writes classroom files (native JSON with role, annotator, exercise);
//! - [`present`] computes what the classroom views draw (overlay, heat pieces, check marks);
//! - [`session`] is the student's session kept in the browser (typed, versioned);
//! - [`class_library`] is a class handed in through the sharing server: its security,
//!   validation, attempt and key documents.

pub mod agreement;
pub mod class;
pub mod class_library;
pub mod exercise;
pub mod files;
pub mod fragment;
pub mod matching;
pub mod present;
pub mod scores;
pub mod session;
