//! Everything of a shared document besides its text and its annotations: its details (title
//! and the rest of the metadata), each tag and each relation, each as a small server document
//! of its own (`meta:<document>`, `tag:<document>:<tag>`, `rel:<document>:<relation>`). So a
//! renamed tag, a new relation and an edited title are three different server documents and
//! never conflict with each other or with an annotation; only two edits of the same tag or of
//! the details can meet, and then they are merged field by field against the version both
//! started from (kept in the ledger), so only a field both changed is decided (the local value
//! stays, theirs is named in a notice). A piece is a flat map of strings, which keeps its
//! checks, its digest and the merge one piece of code for all three kinds.

use super::digest::Digest;
use crate::domain::annotation::{AnnotationId, Relation, RelationId, RelationKind};
use crate::domain::document::{Document, Metadata};
use crate::domain::tag::{Tag, TagId};
use std::collections::BTreeMap;

/// A piece's fields by name.
pub type Fields = BTreeMap<String, String>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PieceKind {
    Details,
    Tag,
    Relation,
}

const DETAIL_FIELDS: [&str; 6] = [
    "title",
    "url",
    "publisher",
    "author",
    "published",
    "language",
];
const TAG_FIELDS: [&str; 4] = ["label", "color", "key", "description"];
const RELATION_FIELDS: [&str; 3] = ["kind", "from", "to"];

impl PieceKind {
    /// The server document's `type`.
    pub fn name(self) -> &'static str {
        match self {
            PieceKind::Details => "details",
            PieceKind::Tag => "tag",
            PieceKind::Relation => "relation",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [PieceKind::Details, PieceKind::Tag, PieceKind::Relation]
            .into_iter()
            .find(|k| k.name() == name)
    }

    pub fn fields(self) -> &'static [&'static str] {
        match self {
            PieceKind::Details => &DETAIL_FIELDS,
            PieceKind::Tag => &TAG_FIELDS,
            PieceKind::Relation => &RELATION_FIELDS,
        }
    }
}

/// Whether server id `id` names a piece (of any document).
pub fn is_piece_id(id: &str) -> bool {
    id.starts_with("meta:") || id.starts_with("tag:") || id.starts_with("rel:")
}

/// The server id of piece `id` (empty for the details) of `document`.
pub fn piece_doc_id(kind: PieceKind, document: &str, id: &str) -> String {
    match kind {
        PieceKind::Details => format!("meta:{document}"),
        PieceKind::Tag => format!("tag:{document}:{id}"),
        PieceKind::Relation => format!("rel:{document}:{id}"),
    }
}

/// The details, one tag or one relation of a shared document.
#[derive(Clone, Debug, PartialEq)]
pub struct Piece {
    pub kind: PieceKind,
    /// The tag's or relation's id; empty for the details.
    pub id: String,
    pub fields: Fields,
}

fn fields<const N: usize>(names: [&str; N], values: [&str; N]) -> Fields {
    // Inserted one by one: collecting into a map sorts first, and that sort's code for these
    // pairs would add about 20 KiB to the download.
    let mut fields = Fields::new();
    for (name, value) in names.iter().zip(values) {
        fields.insert(name.to_string(), value.to_string());
    }
    fields
}

impl Piece {
    pub fn of_metadata(m: &Metadata) -> Self {
        Piece {
            kind: PieceKind::Details,
            id: String::new(),
            fields: fields(
                DETAIL_FIELDS,
                [
                    &m.title,
                    &m.url,
                    &m.publisher,
                    &m.author,
                    &m.published,
                    &m.language,
                ],
            ),
        }
    }

    pub fn of_tag(t: &Tag) -> Self {
        let key = t.key.map(String::from).unwrap_or_default();
        Piece {
            kind: PieceKind::Tag,
            id: t.id.0.clone(),
            fields: fields(TAG_FIELDS, [&t.label, &t.color, &key, &t.description]),
        }
    }

    pub fn of_relation(r: &Relation) -> Self {
        Piece {
            kind: PieceKind::Relation,
            id: r.id.0.clone(),
            fields: fields(RELATION_FIELDS, [r.kind.as_str(), &r.from.0, &r.to.0]),
        }
    }

    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    pub fn metadata(&self) -> Metadata {
        Metadata {
            title: self.field("title").to_string(),
            url: self.field("url").to_string(),
            publisher: self.field("publisher").to_string(),
            author: self.field("author").to_string(),
            published: self.field("published").to_string(),
            language: self.field("language").to_string(),
        }
    }

    /// The tag (its rules are checked against the document's taxonomy where it is applied).
    pub fn tag(&self) -> Tag {
        let mut key = self.field("key").chars();
        Tag {
            id: TagId(self.id.clone()),
            label: self.field("label").to_string(),
            color: self.field("color").to_string(),
            key: key.next().filter(|_| key.next().is_none()),
            description: self.field("description").to_string(),
        }
    }

    pub fn relation(&self) -> Relation {
        Relation {
            id: RelationId(self.id.clone()),
            kind: RelationKind::parse(self.field("kind")),
            from: AnnotationId(self.field("from").to_string()),
            to: AnnotationId(self.field("to").to_string()),
        }
    }

    /// A digest of the content (64-bit FNV-1a, hex): equal digests mean equal pieces.
    pub fn digest(&self) -> String {
        let mut digest = Digest::new();
        let mut feed = |bytes: &[u8]| digest.feed(bytes);
        feed(self.kind.name().as_bytes());
        feed(self.id.as_bytes());
        for (name, value) in &self.fields {
            feed(name.as_bytes());
            feed(value.as_bytes());
        }
        digest.hex()
    }
}

/// Every piece of `document`, by server id.
pub fn local_pieces(document: &Document) -> BTreeMap<String, Piece> {
    let id = &document.id.0;
    let mut pieces = BTreeMap::new();
    let details = Piece::of_metadata(&document.metadata);
    pieces.insert(piece_doc_id(PieceKind::Details, id, ""), details);
    for tag in document.tags.tags() {
        let piece = Piece::of_tag(tag);
        pieces.insert(piece_doc_id(PieceKind::Tag, id, &piece.id), piece);
    }
    for relation in &document.relations {
        let piece = Piece::of_relation(relation);
        pieces.insert(piece_doc_id(PieceKind::Relation, id, &piece.id), piece);
    }
    pieces
}

/// Merges `theirs` into `local`, both changed from `base`: each field changed on one side
/// only takes that side's value; a field both changed to different values keeps the local
/// one and is returned with their value, for a notice.
pub fn merge(base: &Piece, local: &Piece, theirs: &Piece) -> (Piece, Vec<(String, String)>) {
    let mut merged = local.clone();
    let mut both = Vec::new();
    for (name, value) in &theirs.fields {
        let was = base.field(name);
        let ours = local.field(name);
        if ours == was {
            merged.fields.insert(name.clone(), value.clone());
        } else if value != was && value != ours {
            both.push((name.clone(), value.clone()));
        }
    }
    (merged, both)
}
