//! Thin browser edges.
