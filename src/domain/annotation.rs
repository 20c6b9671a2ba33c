//! Annotations (a tagged span of the text) and relations (a typed link between two of them).
//!
//! An annotation remembers its quote and a little context on both sides, so it can be found
//! again when the text it was made on changes (see `anchor`). Times are strings passed in by
//! the caller: the domain has no clock.

use crate::domain::tag::TagId;
use crate::domain::text::{CodePointOffset, OffsetError, Text, TextRange};
use std::collections::BTreeMap;
use std::fmt;

/// How many code points of context an annotation keeps on each side.
pub const CONTEXT_LEN: usize = 32;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AnnotationId(pub String);

impl AnnotationId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AnnotationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelationId(pub String);

impl fmt::Display for RelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether an annotation sits where it was made, or had to be found again.
#[derive(Clone, Debug, PartialEq)]
pub enum AnchorStatus {
    /// Its offsets and quote agree with the text.
    Exact,
    /// Found by its quote and context at another position.
    Moved,
    /// Found by approximate matching; the score is in 0..=1.
    Fuzzy(f64),
    /// Could not be found in this text; kept with its last known quote.
    Orphaned,
}

impl AnchorStatus {
    pub fn needs_review(&self) -> bool {
        matches!(self, AnchorStatus::Fuzzy(_) | AnchorStatus::Orphaned)
    }

    pub fn name(&self) -> &'static str {
        match self {
            AnchorStatus::Exact => "exact",
            AnchorStatus::Moved => "moved",
            AnchorStatus::Fuzzy(_) => "fuzzy",
            AnchorStatus::Orphaned => "orphaned",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Annotation {
    pub id: AnnotationId,
    pub tag: TagId,
    pub range: TextRange,
    pub quote: String,
    pub prefix: String,
    pub suffix: String,
    pub note: String,
    pub attributes: BTreeMap<String, String>,
    /// Who made it (a shared library records the signed-in name); empty when unknown.
    pub creator: String,
    pub created: String,
    pub modified: String,
    pub anchor: AnchorStatus,
}

impl Annotation {
    /// A new annotation over `range` of `text`, with its quote and context taken from the text.
    pub fn new(
        id: AnnotationId,
        tag: TagId,
        text: &Text,
        range: TextRange,
        now: &str,
    ) -> Result<Self, OffsetError> {
        let quote = text.slice(range)?.to_string();
        Ok(Annotation {
            id,
            tag,
            range,
            quote,
            prefix: text.before(range.start(), CONTEXT_LEN).to_string(),
            suffix: text.after(range.end(), CONTEXT_LEN).to_string(),
            note: String::new(),
            attributes: BTreeMap::new(),
            creator: String::new(),
            created: now.to_string(),
            modified: now.to_string(),
            anchor: AnchorStatus::Exact,
        })
    }

    pub fn start(&self) -> CodePointOffset {
        self.range.start()
    }

    pub fn end(&self) -> CodePointOffset {
        self.range.end()
    }

    /// An orphan keeps its quote but has no place in the text and is not rendered.
    pub fn is_orphan(&self) -> bool {
        self.anchor == AnchorStatus::Orphaned
    }

    /// The same span, tag, note, attributes and creator: what makes a re-import a duplicate.
    pub fn same_content(&self, other: &Annotation) -> bool {
        self.tag == other.tag
            && self.range == other.range
            && self.quote == other.quote
            && self.note == other.note
            && self.attributes == other.attributes
            && self.creator == other.creator
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RelationKind {
    SupportedBy,
    ContradictedBy,
    AttributedTo,
    About,
    Custom(String),
}

impl RelationKind {
    pub const BUILT_IN: [RelationKind; 4] = [
        RelationKind::SupportedBy,
        RelationKind::ContradictedBy,
        RelationKind::AttributedTo,
        RelationKind::About,
    ];

    pub fn parse(name: &str) -> Self {
        match name {
            "supported_by" => RelationKind::SupportedBy,
            "contradicted_by" => RelationKind::ContradictedBy,
            "attributed_to" => RelationKind::AttributedTo,
            "about" => RelationKind::About,
            other => RelationKind::Custom(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            RelationKind::SupportedBy => "supported_by",
            RelationKind::ContradictedBy => "contradicted_by",
            RelationKind::AttributedTo => "attributed_to",
            RelationKind::About => "about",
            RelationKind::Custom(name) => name,
        }
    }

    /// Words for people: "supported by".
    pub fn label(&self) -> String {
        self.as_str().replace('_', " ")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relation {
    pub id: RelationId,
    pub kind: RelationKind,
    pub from: AnnotationId,
    pub to: AnnotationId,
}
