//! The documents a shared library holds on the server, and the checks every one of them
//! passes before it is used. A server (or anyone who can write to its database) may send
//! anything: wrong types, huge strings, offsets outside the text, a quote that is not the
//! text's. Each such document is refused with a reason the person can read; it never
//! becomes an annotation and its content is only ever shown as text.

use crate::domain::annotation::{AnchorStatus, Annotation, AnnotationId, CONTEXT_LEN};
use crate::domain::document::{Document, DocumentId, Metadata};
use crate::domain::tag::{Tag, TagId, Taxonomy};
use crate::domain::text::{Text, TextRange};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The version of the server documents this build writes and reads.
pub const VERSION: u32 = 1;
/// The attribute that holds who made an annotation, in the open document and every export.
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnotationBody {
    #[serde(rename = "type")]
    pub kind: String,
    pub version: u32,
    pub document: String,
    pub id: String,
    pub tag: String,
    pub start: usize,
    pub end: usize,
    pub quote: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub modified: String,
    #[serde(default)]
    pub creator: String,
    /// Kept with its quote but without a place in the text.
    #[serde(default)]
    pub orphaned: bool,
}

impl AnnotationBody {
    /// `annotation` of `document` as the server should hold it; `creator` is used when the
    /// annotation does not name one yet.
    pub fn from_annotation(document: &DocumentId, annotation: &Annotation, creator: &str) -> Self {
        let mut attributes = annotation.attributes.clone();
        let creator = attributes
            .remove(CREATOR_ATTRIBUTE)
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
        if !document.tags.contains(&TagId(self.tag.clone())) {
            return Err(SyncDocError::UnknownTag(self.tag.clone()));
        }
        let mut attributes = self.attributes.clone();
        if !self.creator.is_empty() {
            attributes.insert(CREATOR_ATTRIBUTE.to_string(), self.creator.clone());
        }
        let text = &document.text;
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
            created: self.created.clone(),
            modified: self.modified.clone(),
            anchor,
        })
    }
}

/// A tag as the article document carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TagBody {
    pub id: String,
    pub label: String,
    pub color: String,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub description: String,
}

/// The article: its text, what is known about it and its tags.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleBody {
    #[serde(rename = "type")]
    pub kind: String,
    pub version: u32,
    pub document: String,
    pub title: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub publisher: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub published: String,
    #[serde(default)]
    pub language: String,
    pub text: String,
    pub text_sha256: String,
    pub tags: Vec<TagBody>,
    #[serde(default)]
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
        if !(id.starts_with("art:") || id.starts_with("ann:")) {
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
        match kind.as_str() {
            "annotation" => {
                let body: AnnotationBody = typed(value, &ANNOTATION_FIELDS)?;
                check_annotation(&id, &body)?;
                Ok(ServerDoc::Annotation { rev, body })
            }
            "article" => {
                let body: ArticleBody = typed(value, &ARTICLE_FIELDS)?;
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

/// Checks each field's presence and JSON type (so the message names the field), then reads
/// the body.
fn typed<T: for<'de> Deserialize<'de>>(
    value: &Value,
    fields: &[(&'static str, Kind, bool)],
) -> Result<T, SyncDocError> {
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
    T::deserialize(value).map_err(|_| SyncDocError::WrongType { field: "body" })
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

/// The JSON to write for a server document: `body`'s fields plus `_id` and, when updating,
/// `_rev`.
pub fn to_server_json<T: Serialize>(id: &str, rev: Option<&str>, body: &T) -> Value {
    let mut value = serde_json::to_value(body).unwrap_or(Value::Null);
    if let Some(object) = value.as_object_mut() {
        object.insert("_id".to_string(), Value::String(id.to_string()));
        if let Some(rev) = rev {
            object.insert("_rev".to_string(), Value::String(rev.to_string()));
        }
    }
    value
}

/// The JSON that deletes server document `id` at revision `rev`.
pub fn deletion_json(id: &str, rev: &str) -> Value {
    serde_json::json!({ "_id": id, "_rev": rev, "_deleted": true })
}
