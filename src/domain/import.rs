//! What every reader of a file hands on: annotations as the file described them, not yet
//! placed in any text, plus the problems met while reading.
//!
//! Readers (native JSON, W3C, brat, JSONL, Label Studio, CSV) only parse; placing the
//! candidates in a document's text (checking offsets against quotes, re-anchoring, orphaning)
//! is one shared step, so every format gets the same guarantees.

use crate::domain::document::Metadata;
use crate::domain::tag::{Tag, TagId};
use std::collections::BTreeMap;
use std::fmt;

/// How serious a problem is: a warning still imported something, an error dropped it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Warning,
    Error,
}

/// One thing that went wrong while reading, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// A JSON path (`$.annotations[3].start`), a line (`line 12`) or an annotation id.
    pub location: String,
    pub message: String,
}

impl Problem {
    pub fn error(location: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Error,
            location: location.into(),
            message: message.into(),
        }
    }

    pub fn warning(location: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.location, self.message)
        }
    }
}

/// The unit a file counted its offsets in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffsetUnit {
    CodePoint,
    Utf16,
    Utf8Byte,
}

impl OffsetUnit {
    pub fn name(self) -> &'static str {
        match self {
            OffsetUnit::CodePoint => "codepoint",
            OffsetUnit::Utf16 => "utf16",
            OffsetUnit::Utf8Byte => "utf8",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            OffsetUnit::CodePoint => "Unicode code points",
            OffsetUnit::Utf16 => "UTF-16 units",
            OffsetUnit::Utf8Byte => "UTF-8 bytes",
        }
    }
}

/// An annotation as a file described it. Offsets are in `ImportBatch::offset_unit` (or
/// unknown), and any field may be missing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CandidateAnnotation {
    /// Where in the file it came from, for problems: `$.annotations[3]`, `line 12`, `T4`.
    pub location: String,
    pub id: Option<String>,
    pub tag: String,
    pub start: Option<usize>,
    pub end: Option<usize>,
    pub quote: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub note: String,
    pub attributes: BTreeMap<String, String>,
    /// Who made it, when the file says (W3C `creator`, native `creator`, CSV `creator`).
    pub creator: Option<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
}

/// The attribute name earlier builds recorded the creator under, before it had a field.
pub const OLD_CREATOR_ATTRIBUTE: &str = "creator";

impl CandidateAnnotation {
    /// The creator and the attributes to keep: the file's `creator`, or for files written
    /// before the creator had a field of its own, the attribute `creator` (then moved out of
    /// the attributes, so it is not kept twice).
    pub fn creator_and_attributes(&self) -> (String, BTreeMap<String, String>) {
        split_creator(self.creator.clone(), self.attributes.clone())
    }
}

/// The creator and the attributes to keep, from a file's `creator` and its attributes: for
/// files written before the creator had a field of its own, the attribute `creator` (then
/// moved out of the attributes, so it is not kept twice).
pub fn split_creator(
    creator: Option<String>,
    mut attributes: BTreeMap<String, String>,
) -> (String, BTreeMap<String, String>) {
    let old = attributes.remove(OLD_CREATOR_ATTRIBUTE);
    match creator.as_ref().filter(|c| !c.trim().is_empty()) {
        Some(creator) => {
            // A file with both keeps the attribute as it was: it is not the creator then.
            if let Some(old) = old {
                attributes.insert(OLD_CREATOR_ATTRIBUTE.to_string(), old);
            }
            (creator.trim().to_string(), attributes)
        }
        None => (
            old.map(|c| c.trim().to_string()).unwrap_or_default(),
            attributes,
        ),
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CandidateRelation {
    pub location: String,
    pub id: Option<String>,
    pub kind: String,
    /// Ids as the file gave them (resolved against the batch's candidates).
    pub from: String,
    pub to: String,
}

/// Everything one file held, read as far as it could be.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportBatch {
    /// The name of the format, for messages: "Article Annotator JSON", "brat standoff", …
    pub format: String,
    pub metadata: Option<Metadata>,
    /// The document id the file carried, if any.
    pub document_id: Option<String>,
    /// The text the annotations were made on, if the file carries it.
    pub text: Option<String>,
    pub text_sha256: Option<String>,
    pub tags: Vec<Tag>,
    pub annotations: Vec<CandidateAnnotation>,
    pub relations: Vec<CandidateRelation>,
    /// The unit the offsets are in, when the file declares or the reader detected it.
    pub offset_unit: Option<OffsetUnit>,
    pub problems: Vec<Problem>,
    /// Fields of the native format that other features use (role, annotator, …), kept as is.
    pub extra: BTreeMap<String, String>,
    /// The same file read with its quote-less offsets in the other unit (UTF-16 units instead
    /// of code points, or the reverse), when nothing in the spans decided between the two:
    /// the person chooses (`import_pipeline::UnitChoice`). The unit is the other reading's.
    pub other_reading: Option<(OffsetUnit, Box<ImportBatch>)>,
}

impl ImportBatch {
    /// Gives every tag name of the file the id [`TagId::from_name`] maps it to, once: the
    /// annotations name their tag by that id, and a name that had to change is declared as
    /// a tag labelled with the name (so it is shown, and exported back, as the file had it).
    pub fn map_tag_names(&mut self) {
        for tag in &mut self.tags {
            let id = TagId::from_name(tag.id.as_str());
            if id != tag.id {
                if tag.label.trim().is_empty() || tag.label == tag.id.0 {
                    tag.label = tag.id.0.clone();
                }
                tag.id = id;
            }
        }
        for candidate in &mut self.annotations {
            let id = TagId::from_name(&candidate.tag);
            if id.0 == candidate.tag {
                continue;
            }
            if !self.tags.iter().any(|tag| tag.id == id) {
                self.tags.push(Tag {
                    id: id.clone(),
                    label: candidate.tag.trim().to_string(),
                    color: String::new(),
                    key: None,
                    description: String::new(),
                });
            }
            candidate.tag = id.0;
        }
    }

    pub fn new(format: impl Into<String>) -> Self {
        ImportBatch {
            format: format.into(),
            metadata: None,
            document_id: None,
            text: None,
            text_sha256: None,
            tags: Vec::new(),
            annotations: Vec::new(),
            relations: Vec::new(),
            offset_unit: None,
            problems: Vec::new(),
            extra: BTreeMap::new(),
            other_reading: None,
        }
    }
}
