//! When the open document is written, at which revision, and what to do when another tab
//! stored a newer one. The browser side keeps only the timer and the storage calls: it tells
//! a [`Saver`] what happened (the document changed, a write succeeded, another tab stored a
//! revision, a document was opened) and does what the answer says. Kept here, as plain data,
//! so every path is tested natively (`tests/saving.rs`) instead of only in a browser.
//!
//! The one rule it exists for: a tab never writes over a revision it has not seen. Each tab
//! remembers its *base*, the revision it last loaded or saved and that document as it was.
//! A stored revision newer than the base means another tab saved meanwhile: with nothing
//! unsaved here, this tab takes theirs; with unsaved changes, it merges three ways
//! ([`crate::domain::tab_sync::merge_revisions`]) and writes the result over theirs.
//!
//! Revisions are counted here only ([`next_revision`]); the storage owner asks this module
//! for every revision it writes.

use crate::domain::document::Document;
use crate::domain::tab_sync::{MergedRevision, merge_revisions};

/// The revision to write after the one read (`None`: the document is not stored yet).
pub fn next_revision(read_at: Option<u64>) -> u64 {
    read_at.map_or(1, |revision| revision.saturating_add(1))
}

/// What a flush should do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flush {
    /// Nothing is waiting to be written (or the document is read-only).
    Nothing,
    /// Write the open document at this revision.
    Write { revision: u64 },
    /// Another tab stored a newer revision: read it and [`Saver::take_theirs`] before writing.
    TakeTheirs,
}

/// What to do about a revision another tab stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TheirRevision {
    /// Not newer than what this tab has: nothing to do.
    Ignore,
    /// Newer, and nothing is unsaved here: show theirs.
    Adopt,
    /// Newer, and this tab has unsaved changes: merge them into theirs, then write.
    Merge,
}

/// The result of taking another tab's revision.
#[derive(Clone, Debug, PartialEq)]
pub struct Taken {
    /// The document to show.
    pub document: Document,
    /// Whether this tab's unsaved changes were merged in (then it must be written again).
    pub merged: bool,
    /// A sentence for every choice the merge had to make.
    pub conflicts: Vec<String>,
}

/// What saving remembers about the open document between changes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Saver {
    base_revision: u64,
    base_document: Option<Document>,
    dirty: bool,
    read_only: bool,
}

impl Saver {
    /// A document was opened, stored at `revision` (`0` and `None` for one not stored yet).
    /// Whatever was unsaved belonged to the document before, which was flushed first.
    pub fn opened(&mut self, revision: u64, document: Option<Document>) {
        *self = Saver {
            base_revision: revision,
            base_document: document,
            dirty: false,
            read_only: false,
        };
    }

    /// A document written by a newer build was opened: it is shown and never written back.
    pub fn opened_read_only(&mut self) {
        *self = Saver {
            read_only: true,
            ..Saver::default()
        };
    }

    /// The open document changed; returns whether to schedule a write.
    pub fn changed(&mut self) -> bool {
        self.dirty = true;
        !self.read_only
    }

    /// Whether to write now, given the revision the library holds for the open document.
    pub fn flush(&self, stored: Option<u64>) -> Flush {
        if !self.dirty || self.read_only {
            return Flush::Nothing;
        }
        if stored.is_some_and(|stored| stored > self.base_revision) {
            return Flush::TakeTheirs;
        }
        Flush::Write {
            revision: next_revision(Some(self.base_revision)),
        }
    }

    /// The open document (`document`, as written) is stored at `revision`.
    pub fn saved(&mut self, revision: u64, document: Document) {
        self.saved_at(revision, Some(document));
    }

    /// The open document is stored at `revision`; `copy` is it as written, when the merge
    /// base cannot be had from what is stored (`None`: the storage owner keeps the stored
    /// parts, which are the base, so no second copy of the document is held).
    pub fn saved_at(&mut self, revision: u64, copy: Option<Document>) {
        self.base_revision = revision;
        self.base_document = copy;
        self.dirty = false;
    }

    /// Another tab stored `stored` (the revision the library now holds for the open
    /// document, `None` if it holds none).
    pub fn their_revision(&self, stored: Option<u64>) -> TheirRevision {
        match stored {
            Some(stored) if stored > self.base_revision => {
                if self.dirty {
                    TheirRevision::Merge
                } else {
                    TheirRevision::Adopt
                }
            }
            _ => TheirRevision::Ignore,
        }
    }

    /// Takes another tab's `theirs`, stored at `revision`: it becomes the base, and this
    /// tab's unsaved changes in `ours` (if any) are merged into it.
    pub fn take_theirs(&mut self, ours: &Document, revision: u64, theirs: Document) -> Taken {
        self.take_theirs_over(ours, revision, theirs, None, true)
    }

    /// Like [`Saver::take_theirs`], with the merge base given (`base`, this tab's revision as
    /// stored, when the storage owner has it; else the copy this saver kept), and keeping a
    /// copy of theirs as the next base only if `keep_copy` (the storage owner holds theirs
    /// in parts otherwise).
    pub fn take_theirs_over(
        &mut self,
        ours: &Document,
        revision: u64,
        theirs: Document,
        base: Option<Document>,
        keep_copy: bool,
    ) -> Taken {
        let merged = self
            .dirty
            .then(|| merge_revisions(self.merge_base(base.as_ref(), &theirs), ours, &theirs));
        self.took_theirs(revision, theirs, merged, keep_copy)
    }

    /// The revision to merge this tab's unsaved changes against: `base` (this tab's revision
    /// as stored, when the storage owner has it), else the copy this saver kept, else theirs.
    pub fn merge_base<'a>(
        &'a self,
        base: Option<&'a Document>,
        theirs: &'a Document,
    ) -> &'a Document {
        base.or(self.base_document.as_ref()).unwrap_or(theirs)
    }

    /// [`Saver::take_theirs_over`] in two steps, for a caller that merges elsewhere (the
    /// browser fetches the merge only when it is needed): another tab's `theirs`, stored at
    /// `revision`, becomes the base, and `merged` (this tab's unsaved changes merged into it
    /// against [`Saver::merge_base`]; `None` when nothing was unsaved) is what to show.
    pub fn took_theirs(
        &mut self,
        revision: u64,
        theirs: Document,
        merged: Option<MergedRevision>,
        keep_copy: bool,
    ) -> Taken {
        self.base_revision = revision;
        match merged {
            Some(merged) => {
                self.base_document = keep_copy.then_some(theirs);
                Taken {
                    document: merged.document,
                    merged: true,
                    conflicts: merged.conflicts,
                }
            }
            None => {
                self.base_document = keep_copy.then(|| theirs.clone());
                Taken {
                    document: theirs,
                    merged: false,
                    conflicts: Vec::new(),
                }
            }
        }
    }

    /// The revision this tab last loaded or saved.
    pub fn base_revision(&self) -> u64 {
        self.base_revision
    }

    /// Whether a change is waiting to be written.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }
}
