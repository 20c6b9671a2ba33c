//! The documents a shared library holds on the server, and the checks every one of them
//! passes before it is used. A server (or anyone who can write to its database) may send
//! anything: wrong types, huge strings, offsets outside the text, a quote that is not the
//! text's. Each such document is refused with a reason the person can read; it never
//! becomes an annotation and its content is only ever shown as text.

use super::digest::Digest;
use super::pieces::{Fields, Piece, PieceKind, piece_doc_id};
use crate::domain::annotation::{AnchorStatus, Annotation, AnnotationId, CONTEXT_LEN};
use crate::domain::document::{Document, DocumentId, Metadata};
use crate::domain::sorting;
use crate::domain::tag::{Tag, TagId, Taxonomy};
use crate::domain::text::{Text, TextRange};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// The version of the server documents this build writes and reads.
pub const VERSION: u32 = 1;
/// The attribute earlier builds recorded who made an annotation under (it has a field of its
/// own now, `Annotation::creator`); still read from documents stored before.
pub const CREATOR_ATTRIBUTE: &str = "creator";
/// The attribute a kept conflicting version carries: the id of the annotation it competes with.
pub const CONFLICT_ATTRIBUTE: &str = "conflict_of";
/// Longest note, quote or attribute value accepted from the server (code points).
pub const MAX_FIELD_CHARS: usize = 20_000;
/// Most attributes accepted on one annotation from the server.
pub const MAX_ATTRIBUTES: usize = 64;
/// Longest id (document, annotation, tag, creator) accepted from the server.
pub const MAX_ID_CHARS: usize = 200;

pub fn article_doc_id(document: &DocumentId) -> String {
    format!("art:{}", document.0)
}

pub fn annotation_doc_id(document: &DocumentId, annotation: &AnnotationId) -> String {
    format!("ann:{}:{}", document.0, annotation.0)
}

/// The prefix of every annotation document of `document` (for listing them).
pub fn annotation_prefix(document: &DocumentId) -> String {
    format!("ann:{}:", document.0)
}

/// Why a document cannot be shared, or a server document was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncDocError {
    /// The document's id cannot name a server document (it holds ':' or is too long).
    UnshareableId(String),
    NotAnObject,
    MissingField(&'static str),
    WrongType {
        field: &'static str,
    },
    /// Written by a newer build of the app.
    NewerVersion(u64),
    UnknownKind(String),
    TooLong {
        field: &'static str,
        chars: usize,
    },
    /// `_id` does not name the document and annotation the body says.
    IdMismatch(String),
    OffsetsOutsideText {
        start: usize,
        end: usize,
        len: usize,
    },
    QuoteMismatch(String),
    UnknownTag(String),
    TextHashMismatch,
    BadTag(String),
}

impl fmt::Display for SyncDocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncDocError::UnshareableId(id) => write!(
                f,
                "the document id \"{id}\" cannot be shared (it contains ':' or is longer than {MAX_ID_CHARS} characters); duplicate it in the Library and share the copy"
            ),
            SyncDocError::NotAnObject => write!(f, "it is not a JSON object"),
            SyncDocError::MissingField(field) => write!(f, "it has no \"{field}\""),
            SyncDocError::WrongType { field } => write!(f, "its \"{field}\" has the wrong type"),
            SyncDocError::NewerVersion(v) => write!(
                f,
                "it was written by a newer version of the app (version {v}); update the app to read it"
            ),
            SyncDocError::UnknownKind(kind) => write!(f, "it is of an unknown type \"{kind}\""),
            SyncDocError::TooLong { field, chars } => {
                write!(f, "its \"{field}\" is too long ({chars} characters)")
            }
            SyncDocError::IdMismatch(id) => {
                write!(f, "its id \"{id}\" does not match what it contains")
            }
            SyncDocError::OffsetsOutsideText { start, end, len } => write!(
                f,
                "its offsets {start}–{end} lie outside the article ({len} characters)"
            ),
            SyncDocError::QuoteMismatch(id) => write!(
                f,
                "annotation \"{id}\" quotes words that are not in the shared article at its offsets"
            ),
            SyncDocError::UnknownTag(tag) => write!(
                f,
                "its tag \"{tag}\" is not one of this document's tags (add the tag, then open the document again)"
            ),
            SyncDocError::TextHashMismatch => {
                write!(f, "its text does not match its SHA-256; it was damaged")
            }
            SyncDocError::BadTag(why) => write!(f, "one of its tags is not valid: {why}"),
        }
    }
}

/// One annotation as the server stores it (besides CouchDB's `_id`, `_rev`, `_deleted`).
#[derive(Clone, Debug, PartialEq)]
pub struct AnnotationBody {
    pub kind: String,
    pub version: u32,
    pub document: String,
    pub id: String,
    pub tag: String,
    pub start: usize,
    pub end: usize,
    pub quote: String,
    pub note: String,
    pub attributes: BTreeMap<String, String>,
    pub created: String,
    pub modified: String,
    pub creator: String,
    /// Kept with its quote but without a place in the text.
    pub orphaned: bool,
}

impl AnnotationBody {
    /// `annotation` of `document` as the server should hold it; `creator` is used when the
    /// annotation does not name one yet.
    pub fn from_annotation(document: &DocumentId, annotation: &Annotation, creator: &str) -> Self {
        let mut attributes = annotation.attributes.clone();
        // Documents from before the creator had a field of its own carry it as an attribute.
        let old = attributes.remove(CREATOR_ATTRIBUTE);
        let creator = Some(annotation.creator.clone())
            .filter(|c| !c.is_empty())
            .or(old)
            .unwrap_or_else(|| creator.to_string());
        AnnotationBody {
            kind: "annotation".to_string(),
            version: VERSION,
            document: document.0.clone(),
            id: annotation.id.0.clone(),
            tag: annotation.tag.0.clone(),
            start: annotation.start().0,
            end: annotation.end().0,
            quote: annotation.quote.clone(),
            note: annotation.note.clone(),
            attributes,
            created: annotation.created.clone(),
            modified: annotation.modified.clone(),
            creator,
            orphaned: annotation.is_orphan(),
        }
    }

    /// The annotation this body describes in `document`, after checking it against the
    /// document's text and tags.
    pub fn to_annotation(&self, document: &Document) -> Result<Annotation, SyncDocError> {
        self.to_annotation_in(&document.text, &document.tags)
    }

    /// The same, against `text` and the tags `tags` (those of the document with the tags
    /// arriving in the same batch).
    pub fn to_annotation_in(
        &self,
        text: &Text,
        tags: &Taxonomy,
    ) -> Result<Annotation, SyncDocError> {
        if !tags.contains(&TagId(self.tag.clone())) {
            return Err(SyncDocError::UnknownTag(self.tag.clone()));
        }
        let attributes = self.attributes.clone();
        let (range, anchor, prefix, suffix) = if self.orphaned {
            (TextRange::default(), AnchorStatus::Orphaned, "", "")
        } else {
            let len = text.index().len_code_points();
            let outside = SyncDocError::OffsetsOutsideText {
                start: self.start,
                end: self.end,
                len,
            };
            let range = TextRange::from_code_points(self.start, self.end)
                .ok()
                .filter(|r| r.end().0 <= len && !r.is_empty())
                .ok_or(outside)?;
            if text.slice(range).ok() != Some(self.quote.as_str()) {
                return Err(SyncDocError::QuoteMismatch(self.id.clone()));
            }
            let prefix = text.before(range.start(), CONTEXT_LEN);
            let suffix = text.after(range.end(), CONTEXT_LEN);
            (range, AnchorStatus::Exact, prefix, suffix)
        };
        Ok(Annotation {
            id: AnnotationId(self.id.clone()),
            tag: TagId(self.tag.clone()),
            range,
            quote: self.quote.clone(),
            prefix: prefix.to_string(),
            suffix: suffix.to_string(),
            note: self.note.clone(),
            attributes,
            creator: self.creator.clone(),
            created: self.created.clone(),
            modified: self.modified.clone(),
            anchor,
        })
    }
}

/// A tag as the article document carries it.
#[derive(Clone, Debug, PartialEq)]
pub struct TagBody {
    pub id: String,
    pub label: String,
    pub color: String,
    pub key: Option<String>,
    pub description: String,
}

/// The article: its text, what is known about it and its tags.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleBody {
    pub kind: String,
    pub version: u32,
    pub document: String,
    pub title: String,
    pub url: String,
    pub publisher: String,
    pub author: String,
    pub published: String,
    pub language: String,
    pub text: String,
    pub text_sha256: String,
    pub tags: Vec<TagBody>,
    pub creator: String,
}

impl ArticleBody {
    pub fn from_document(document: &Document, creator: &str) -> Result<Self, SyncDocError> {
        check_shareable_id(&document.id.0)?;
        let m = &document.metadata;
        Ok(ArticleBody {
            kind: "article".to_string(),
            version: VERSION,
            document: document.id.0.clone(),
            title: m.title.clone(),
            url: m.url.clone(),
            publisher: m.publisher.clone(),
            author: m.author.clone(),
            published: m.published.clone(),
            language: m.language.clone(),
            text: document.text.as_str().to_string(),
            text_sha256: document.text.sha256().to_string(),
            tags: document.tags.tags().iter().map(tag_body).collect(),
            creator: creator.to_string(),
        })
    }

    /// The document this article starts, without annotations; its text checked against its
    /// hash and its tags against the taxonomy's rules.
    pub fn to_document(&self) -> Result<Document, SyncDocError> {
        check_shareable_id(&self.document)?;
        let text = Text::new(self.text.clone());
        if text.sha256() != self.text_sha256 {
            return Err(SyncDocError::TextHashMismatch);
        }
        let mut tags = Taxonomy::empty();
        for body in &self.tags {
            let mut key = body.key.as_deref().unwrap_or("").chars();
            let tag = Tag {
                id: TagId(body.id.clone()),
                label: body.label.clone(),
                color: body.color.clone(),
                key: key.next().filter(|_| key.next().is_none()),
                description: body.description.clone(),
            };
            tags.add(tag)
                .map_err(|e| SyncDocError::BadTag(e.to_string()))?;
        }
        let metadata = Metadata {
            title: self.title.clone(),
            url: self.url.clone(),
            publisher: self.publisher.clone(),
            author: self.author.clone(),
            published: self.published.clone(),
            language: self.language.clone(),
        };
        let mut document = Document::new(DocumentId(self.document.clone()), metadata, text);
        document.tags = tags;
        Ok(document)
    }
}

fn tag_body(tag: &Tag) -> TagBody {
    TagBody {
        id: tag.id.0.clone(),
        label: tag.label.clone(),
        color: tag.color.clone(),
        key: tag.key.map(String::from),
        description: tag.description.clone(),
    }
}

/// Whether `id` can name a document on the server: no ':' (it separates the parts of an
/// annotation's server id) and not too long.
pub fn check_shareable_id(id: &str) -> Result<(), SyncDocError> {
    if id.is_empty() || id.contains(':') || id.chars().count() > MAX_ID_CHARS {
        return Err(SyncDocError::UnshareableId(id.to_string()));
    }
    Ok(())
}

/// A server document after its checks.
#[derive(Clone, Debug, PartialEq)]
pub enum ServerDoc {
    Article {
        rev: String,
        body: ArticleBody,
    },
    Annotation {
        rev: String,
        body: AnnotationBody,
    },
    /// The details, a tag or a relation of a shared document (`pieces.rs`).
    Piece {
        rev: String,
        piece: super::pieces::Piece,
        document: String,
        creator: String,
    },
    /// Deleted on the server (`_deleted`), with the id it had.
    Deleted {
        id: String,
        rev: String,
    },
    /// Not ours: a design document or another app's data in the same database.
    Other {
        id: String,
    },
}

impl ServerDoc {
    /// Reads and checks one document as the server sent it (structure and sizes; offsets
    /// and tags are checked against the document in `AnnotationBody::to_annotation`).
    pub fn parse(value: &Value) -> Result<ServerDoc, SyncDocError> {
        let object = value.as_object().ok_or(SyncDocError::NotAnObject)?;
        let id = string_field(object, "_id")?;
        let rev = string_field(object, "_rev")?;
        if object.get("_deleted").and_then(Value::as_bool) == Some(true) {
            return Ok(ServerDoc::Deleted { id, rev });
        }
        let piece = super::pieces::is_piece_id(&id);
        if !(piece || id.starts_with("art:") || id.starts_with("ann:")) {
            return Ok(ServerDoc::Other { id });
        }
        let version = object
            .get("version")
            .ok_or(SyncDocError::MissingField("version"))?
            .as_u64()
            .ok_or(SyncDocError::WrongType { field: "version" })?;
        if version > u64::from(VERSION) {
            return Err(SyncDocError::NewerVersion(version));
        }
        let kind = string_field(object, "type")?;
        if piece {
            let piece_kind = super::pieces::PieceKind::from_name(&kind)
                .ok_or_else(|| SyncDocError::UnknownKind(kind.clone()))?;
            let (piece, document, creator) = read_piece(object, piece_kind, &id)?;
            return Ok(ServerDoc::Piece {
                rev,
                piece,
                document,
                creator,
            });
        }
        match kind.as_str() {
            "annotation" => {
                check_types(value, &ANNOTATION_FIELDS)?;
                let body = AnnotationBody::read(object)?;
                check_annotation(&id, &body)?;
                Ok(ServerDoc::Annotation { rev, body })
            }
            "article" => {
                check_types(value, &ARTICLE_FIELDS)?;
                let body = ArticleBody::read(object)?;
                if id != format!("art:{}", body.document) {
                    return Err(SyncDocError::IdMismatch(id));
                }
                check_len("title", &body.title, MAX_FIELD_CHARS)?;
                Ok(ServerDoc::Article { rev, body })
            }
            _ => Err(SyncDocError::UnknownKind(kind)),
        }
    }
}

fn string_field(
    object: &serde_json::Map<String, Value>,
    field: &'static str,
) -> Result<String, SyncDocError> {
    let value = object.get(field).ok_or(SyncDocError::MissingField(field))?;
    let text = value.as_str().ok_or(SyncDocError::WrongType { field })?;
    check_len(field, text, MAX_FIELD_CHARS)?;
    Ok(text.to_string())
}

/// The JSON type a field must have.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Number,
    Bool,
    Object,
    List,
}

const ANNOTATION_FIELDS: [(&str, Kind, bool); 12] = [
    ("document", Kind::Str, true),
    ("id", Kind::Str, true),
    ("tag", Kind::Str, true),
    ("start", Kind::Number, true),
    ("end", Kind::Number, true),
    ("quote", Kind::Str, true),
    ("note", Kind::Str, false),
    ("attributes", Kind::Object, false),
    ("created", Kind::Str, false),
    ("modified", Kind::Str, false),
    ("creator", Kind::Str, false),
    ("orphaned", Kind::Bool, false),
];

const ARTICLE_FIELDS: [(&str, Kind, bool); 5] = [
    ("document", Kind::Str, true),
    ("title", Kind::Str, true),
    ("text", Kind::Str, true),
    ("text_sha256", Kind::Str, true),
    ("tags", Kind::List, true),
];

/// Checks each field's presence and JSON type, so a refusal names the field.
fn check_types(value: &Value, fields: &[(&'static str, Kind, bool)]) -> Result<(), SyncDocError> {
    for &(field, kind, required) in fields {
        match value.get(field) {
            None if required => return Err(SyncDocError::MissingField(field)),
            None => {}
            Some(v) => {
                let ok = match kind {
                    Kind::Str => v.is_string(),
                    Kind::Number => v.is_u64(),
                    Kind::Bool => v.is_boolean(),
                    Kind::Object => v.is_object(),
                    Kind::List => v.is_array(),
                };
                if !ok {
                    return Err(SyncDocError::WrongType { field });
                }
            }
        }
    }
    Ok(())
}

fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), SyncDocError> {
    let chars = value.chars().count();
    if chars > max {
        return Err(SyncDocError::TooLong { field, chars });
    }
    Ok(())
}

fn check_annotation(id: &str, body: &AnnotationBody) -> Result<(), SyncDocError> {
    for (field, value) in [
        ("document", &body.document),
        ("id", &body.id),
        ("tag", &body.tag),
        ("creator", &body.creator),
        ("created", &body.created),
        ("modified", &body.modified),
    ] {
        check_len(field, value, MAX_ID_CHARS)?;
    }
    check_len("quote", &body.quote, MAX_FIELD_CHARS)?;
    check_len("note", &body.note, MAX_FIELD_CHARS)?;
    if body.attributes.len() > MAX_ATTRIBUTES {
        return Err(SyncDocError::TooLong {
            field: "attributes",
            chars: body.attributes.len(),
        });
    }
    for (name, value) in &body.attributes {
        check_len("attributes", name, MAX_ID_CHARS)?;
        check_len("attributes", value, MAX_FIELD_CHARS)?;
    }
    if body.id.is_empty() || id != format!("ann:{}:{}", body.document, body.id) {
        return Err(SyncDocError::IdMismatch(id.to_string()));
    }
    Ok(())
}

/// A server document's body as JSON. Written by hand rather than derived: the bodies are
/// read field by field anyway (to name the field a refusal is about), and hand-written
/// conversions keep what sharing adds to the app's download small.
pub trait Body {
    fn to_json(&self) -> Map<String, Value>;
}

/// The JSON to write for a server document: `body`'s fields plus `_id` and, when updating,
/// `_rev`.
pub fn to_server_json<T: Body>(id: &str, rev: Option<&str>, body: &T) -> Value {
    let mut object = body.to_json();
    object.insert("_id".to_string(), Value::String(id.to_string()));
    if let Some(rev) = rev {
        object.insert("_rev".to_string(), Value::String(rev.to_string()));
    }
    Value::Object(object)
}

fn text(object: &Map<String, Value>, field: &str) -> String {
    object
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn number(object: &Map<String, Value>, field: &str) -> usize {
    object
        .get(field)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or_default()
}

fn put(object: &mut Map<String, Value>, field: &str, value: impl Into<Value>) {
    object.insert(field.to_string(), value.into());
}

fn string_map(
    value: Option<&Value>,
    field: &'static str,
) -> Result<BTreeMap<String, String>, SyncDocError> {
    let Some(value) = value else {
        return Ok(BTreeMap::new());
    };
    let object = value.as_object().ok_or(SyncDocError::WrongType { field })?;
    let mut strings = BTreeMap::new();
    for (k, v) in object {
        let v = v.as_str().ok_or(SyncDocError::WrongType { field })?;
        strings.insert(k.clone(), v.to_string());
    }
    Ok(strings)
}

impl AnnotationBody {
    /// Reads a body whose field types `check_types` accepted.
    fn read(object: &Map<String, Value>) -> Result<Self, SyncDocError> {
        Ok(AnnotationBody {
            kind: text(object, "type"),
            version: VERSION,
            document: text(object, "document"),
            id: text(object, "id"),
            tag: text(object, "tag"),
            start: number(object, "start"),
            end: number(object, "end"),
            quote: text(object, "quote"),
            note: text(object, "note"),
            attributes: string_map(object.get("attributes"), "attributes")?,
            created: text(object, "created"),
            modified: text(object, "modified"),
            creator: text(object, "creator"),
            orphaned: object
                .get("orphaned")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        })
    }

    /// A digest of everything the body says (64-bit FNV-1a over each field, hex): equal
    /// digests mean the server already has this content. Stable across builds, since it is
    /// stored in the ledger.
    pub fn digest(&self) -> String {
        let mut digest = Digest::new();
        let mut feed = |bytes: &[u8]| digest.feed(bytes);
        for field in [
            &self.kind,
            &self.document,
            &self.id,
            &self.tag,
            &self.quote,
            &self.note,
        ] {
            feed(field.as_bytes());
        }
        feed(&u64::from(self.version).to_le_bytes());
        feed(&(self.start as u64).to_le_bytes());
        feed(&(self.end as u64).to_le_bytes());
        for (name, value) in &self.attributes {
            feed(name.as_bytes());
            feed(value.as_bytes());
        }
        for field in [&self.created, &self.modified, &self.creator] {
            feed(field.as_bytes());
        }
        feed(&[u8::from(self.orphaned)]);
        digest.hex()
    }
}

impl Body for AnnotationBody {
    fn to_json(&self) -> Map<String, Value> {
        let mut o = Map::new();
        put(&mut o, "type", self.kind.as_str());
        put(&mut o, "version", self.version);
        put(&mut o, "document", self.document.as_str());
        put(&mut o, "id", self.id.as_str());
        put(&mut o, "tag", self.tag.as_str());
        put(&mut o, "start", self.start);
        put(&mut o, "end", self.end);
        put(&mut o, "quote", self.quote.as_str());
        put(&mut o, "note", self.note.as_str());
        let attributes = sorting::object_of(
            self.attributes
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone()))),
        );
        put(&mut o, "attributes", attributes);
        put(&mut o, "created", self.created.as_str());
        put(&mut o, "modified", self.modified.as_str());
        put(&mut o, "creator", self.creator.as_str());
        put(&mut o, "orphaned", self.orphaned);
        o
    }
}

impl ArticleBody {
    /// Reads a body whose field types `check_types` accepted.
    fn read(object: &Map<String, Value>) -> Result<Self, SyncDocError> {
        let tags = object
            .get("tags")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|tag| {
                let tag = tag
                    .as_object()
                    .ok_or(SyncDocError::WrongType { field: "tags" })?;
                for field in ["id", "label", "color"] {
                    if !tag.get(field).is_some_and(Value::is_string) {
                        return Err(SyncDocError::WrongType { field: "tags" });
                    }
                }
                Ok(TagBody {
                    id: text(tag, "id"),
                    label: text(tag, "label"),
                    color: text(tag, "color"),
                    key: tag.get("key").and_then(Value::as_str).map(str::to_string),
                    description: text(tag, "description"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ArticleBody {
            kind: text(object, "type"),
            version: VERSION,
            document: text(object, "document"),
            title: text(object, "title"),
            url: text(object, "url"),
            publisher: text(object, "publisher"),
            author: text(object, "author"),
            published: text(object, "published"),
            language: text(object, "language"),
            text: text(object, "text"),
            text_sha256: text(object, "text_sha256"),
            tags,
            creator: text(object, "creator"),
        })
    }
}

impl Body for ArticleBody {
    fn to_json(&self) -> Map<String, Value> {
        let mut o = Map::new();
        put(&mut o, "type", self.kind.as_str());
        put(&mut o, "version", self.version);
        for (field, value) in [
            ("document", &self.document),
            ("title", &self.title),
            ("url", &self.url),
            ("publisher", &self.publisher),
            ("author", &self.author),
            ("published", &self.published),
            ("language", &self.language),
            ("text", &self.text),
            ("text_sha256", &self.text_sha256),
            ("creator", &self.creator),
        ] {
            put(&mut o, field, value.as_str());
        }
        let tags: Vec<Value> = self
            .tags
            .iter()
            .map(|t| {
                let mut tag = Map::new();
                put(&mut tag, "id", t.id.as_str());
                put(&mut tag, "label", t.label.as_str());
                put(&mut tag, "color", t.color.as_str());
                put(
                    &mut tag,
                    "key",
                    t.key.clone().map_or(Value::Null, Value::String),
                );
                put(&mut tag, "description", t.description.as_str());
                Value::Object(tag)
            })
            .collect();
        put(&mut o, "tags", tags);
        o
    }
}

/// The JSON that deletes server document `id` at revision `rev`.
pub fn deletion_json(id: &str, rev: &str) -> Value {
    serde_json::json!({ "_id": id, "_rev": rev, "_deleted": true })
}

/// The server document for this piece of `document`, written by `creator`.
pub fn piece_json(piece: &Piece, document: &str, rev: Option<&str>, creator: &str) -> Value {
    let mut o = Map::new();
    let id = piece_doc_id(piece.kind, document, &piece.id);
    o.insert("_id".into(), Value::String(id));
    if let Some(rev) = rev {
        o.insert("_rev".into(), Value::String(rev.to_string()));
    }
    o.insert("type".into(), Value::String(piece.kind.name().into()));
    o.insert("version".into(), Value::from(VERSION));
    o.insert("document".into(), Value::String(document.to_string()));
    o.insert("id".into(), Value::String(piece.id.clone()));
    o.insert("creator".into(), Value::String(creator.to_string()));
    for (name, value) in &piece.fields {
        o.insert(name.clone(), Value::String(value.clone()));
    }
    Value::Object(o)
}

/// Reads and checks a piece as the server sent it (`_id` already read as `id`); returns it
/// with the document it belongs to and who wrote it.
pub fn read_piece(
    object: &Map<String, Value>,
    kind: PieceKind,
    server_id: &str,
) -> Result<(Piece, String, String), SyncDocError> {
    let text = |field: &'static str, max: usize| -> Result<String, SyncDocError> {
        match object.get(field) {
            None => Ok(String::new()),
            Some(Value::String(s)) => {
                let chars = s.chars().count();
                if chars > max {
                    return Err(SyncDocError::TooLong { field, chars });
                }
                Ok(s.clone())
            }
            Some(_) => Err(SyncDocError::WrongType { field }),
        }
    };
    let document = text("document", MAX_ID_CHARS)?;
    let id = text("id", MAX_ID_CHARS)?;
    let creator = text("creator", MAX_ID_CHARS)?;
    let mut fields = Fields::new();
    for &name in kind.fields() {
        let max = if kind == PieceKind::Relation {
            MAX_ID_CHARS
        } else {
            MAX_FIELD_CHARS
        };
        fields.insert(name.to_string(), text(name, max)?);
    }
    let named = (kind == PieceKind::Details) == id.is_empty();
    if document.is_empty() || !named || server_id != piece_doc_id(kind, &document, &id) {
        return Err(SyncDocError::IdMismatch(server_id.to_string()));
    }
    Ok((Piece { kind, id, fields }, document, creator))
}
