//! What the server is known to hold for one shared document: each annotation's last seen
//! revision and content, and how far the changes feed has been read. The changes waiting to
//! be pushed are never kept in a queue of their own: they are the difference between this
//! ledger and the open document, both stored in the browser, so closing the tab while the
//! server is unreachable loses nothing and the count shown is always exact.

use super::docs::{AnnotationBody, annotation_doc_id};
use super::pieces::{Piece, PieceKind, local_pieces};
use crate::domain::annotation::AnnotationId;
use crate::domain::document::{Document, DocumentId};
use crate::domain::sorting;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The stored ledger format's version.
pub const LEDGER_VERSION: u32 = 1;

/// What the ledger remembers of one annotation on the server: its revision, who made it,
/// and a digest of its content (not the content itself, so the ledger stays a small part of
/// what localStorage holds even with thousands of annotations).
#[derive(Clone, Debug, PartialEq)]
pub struct Known {
    pub rev: String,
    pub creator: String,
    pub digest: String,
}

impl Known {
    pub fn of(rev: &str, body: &AnnotationBody) -> Self {
        Known {
            rev: rev.to_string(),
            creator: body.creator.clone(),
            digest: body.digest(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ledger {
    pub version: u32,
    /// The server database (shared library) the document lives in.
    pub library: String,
    pub document: String,
    /// The changes feed's `last_seq` as read so far ("0" before the first read).
    pub since: String,
    pub known: BTreeMap<String, Known>,
    /// The details, tags and relations as the server last had them, by server id (stored
    /// whole, not as a digest: they are small, and merging an edit needs what both sides
    /// started from).
    pub pieces: BTreeMap<String, KnownPiece>,
}

/// A piece as the server last had it.
#[derive(Clone, Debug, PartialEq)]
pub struct KnownPiece {
    pub rev: String,
    pub base: Piece,
    /// False for a relation whose annotations have not arrived yet: it is added to the
    /// document when they do (a relation may come before an annotation edited after it).
    pub placed: bool,
}

/// One change to push, as one entry of a `_bulk_docs` request.
#[derive(Clone, Debug, PartialEq)]
pub enum Outgoing {
    Put {
        annotation: AnnotationId,
        rev: Option<String>,
        body: Box<AnnotationBody>,
    },
    Delete {
        annotation: AnnotationId,
        rev: String,
    },
    /// The details, a tag or a relation, new or changed (`id`: its server id).
    PutPiece {
        id: String,
        rev: Option<String>,
        piece: Piece,
        creator: String,
    },
    DeletePiece {
        id: String,
        rev: String,
    },
}

impl Outgoing {
    /// The server id of the document this change writes.
    pub fn server_id(&self, ledger: &Ledger) -> String {
        match self {
            Outgoing::Put { annotation, .. } | Outgoing::Delete { annotation, .. } => {
                ledger.doc_id(annotation)
            }
            Outgoing::PutPiece { id, .. } | Outgoing::DeletePiece { id, .. } => id.clone(),
        }
    }
}

/// Why a stored ledger was not used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LedgerError {
    Damaged(String),
    Newer(u32),
}

impl std::fmt::Display for LedgerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LedgerError::Damaged(why) => write!(
                f,
                "the sharing record of this document is damaged ({why}); share it again"
            ),
            LedgerError::Newer(v) => write!(
                f,
                "the sharing record of this document was written by a newer app (version {v}); update the app"
            ),
        }
    }
}

impl Ledger {
    pub fn new(library: &str, document: &DocumentId) -> Self {
        Ledger {
            version: LEDGER_VERSION,
            library: library.to_string(),
            document: document.0.clone(),
            since: "0".to_string(),
            known: BTreeMap::new(),
            pieces: BTreeMap::new(),
        }
    }

    pub fn document_id(&self) -> DocumentId {
        DocumentId(self.document.clone())
    }

    pub fn to_json(&self) -> String {
        let known = sorting::object_of(self.known.iter().map(|(id, k)| {
            let mut entry = Map::new();
            entry.insert("rev".into(), Value::String(k.rev.clone()));
            entry.insert("creator".into(), Value::String(k.creator.clone()));
            entry.insert("digest".into(), Value::String(k.digest.clone()));
            (id.clone(), Value::Object(entry))
        }));
        let mut o = Map::new();
        o.insert("version".into(), Value::from(self.version));
        o.insert("library".into(), Value::String(self.library.clone()));
        o.insert("document".into(), Value::String(self.document.clone()));
        o.insert("since".into(), Value::String(self.since.clone()));
        o.insert("known".into(), Value::Object(known));
        // Inserted one by one (collecting into a map brings a sort's code along).
        let mut pieces = Map::new();
        for (id, k) in &self.pieces {
            let mut fields = Map::new();
            for (name, value) in &k.base.fields {
                fields.insert(name.clone(), Value::String(value.clone()));
            }
            let entry = serde_json::json!({
                "rev": k.rev, "kind": k.base.kind.name(), "id": k.base.id,
                "fields": fields, "placed": k.placed,
            });
            pieces.insert(id.clone(), entry);
        }
        o.insert("pieces".into(), Value::Object(pieces));
        Value::Object(o).to_string()
    }

    pub fn from_json(json: &str) -> Result<Self, LedgerError> {
        let damaged = |why: &str| LedgerError::Damaged(why.to_string());
        let value: Value = serde_json::from_str(json).map_err(|e| damaged(&e.to_string()))?;
        let version = value.get("version").and_then(Value::as_u64).unwrap_or(0);
        if version > u64::from(LEDGER_VERSION) {
            return Err(LedgerError::Newer(
                u32::try_from(version).unwrap_or(u32::MAX),
            ));
        }
        let field = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| damaged(&format!("no \"{name}\"")))
        };
        let mut known = BTreeMap::new();
        let entries = value
            .get("known")
            .and_then(Value::as_object)
            .ok_or_else(|| damaged("no \"known\""))?;
        for (id, entry) in entries {
            let rev = entry
                .get("rev")
                .and_then(Value::as_str)
                .ok_or_else(|| damaged("an entry has no revision"))?;
            let text = |name: &str| {
                entry
                    .get(name)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| damaged(&format!("an entry has no \"{name}\"")))
            };
            known.insert(
                id.clone(),
                Known {
                    rev: rev.to_string(),
                    creator: text("creator")?,
                    digest: text("digest")?,
                },
            );
        }
        Ok(Ledger {
            version: LEDGER_VERSION,
            library: field("library")?,
            document: field("document")?,
            since: field("since")?,
            known,
            pieces: read_pieces(value.get("pieces")).ok_or_else(|| damaged("a bad piece"))?,
        })
    }

    /// The server id of annotation `id` of this ledger's document.
    pub fn doc_id(&self, id: &AnnotationId) -> String {
        annotation_doc_id(&self.document_id(), id)
    }

    /// The annotation `annotation` of the open document as it should be on the server; the
    /// creator it names, else the one the server knows, else `me`.
    pub fn local_body(
        &self,
        annotation: &crate::domain::annotation::Annotation,
        me: &str,
    ) -> AnnotationBody {
        let creator = self
            .known
            .get(annotation.id.as_str())
            .map_or(me, |k| k.creator.as_str());
        AnnotationBody::from_annotation(&self.document_id(), annotation, creator)
    }

    /// Everything in `document` the server does not have yet: new and edited annotations
    /// (with the revision they replace) and deleted ones, in a stable order.
    pub fn pending(&self, document: &Document, me: &str) -> Vec<Outgoing> {
        let mut out = Vec::new();
        for annotation in &document.annotations {
            let body = self.local_body(annotation, me);
            match self.known.get(annotation.id.as_str()) {
                Some(known) if known.digest == body.digest() => {}
                known => out.push(Outgoing::Put {
                    annotation: annotation.id.clone(),
                    rev: known.map(|k| k.rev.clone()),
                    body: Box::new(body),
                }),
            }
        }
        // A set, not a lookup per known annotation: that would be quadratic, seconds at
        // 10,000 annotations.
        let present: std::collections::BTreeSet<&str> =
            sorting::set_of(document.annotations.iter().map(|a| a.id.as_str()));
        for (id, known) in &self.known {
            if !present.contains(id.as_str()) {
                out.push(Outgoing::Delete {
                    annotation: AnnotationId(id.clone()),
                    rev: known.rev.clone(),
                });
            }
        }
        self.pending_pieces(document, me, &mut out);
        out
    }

    /// The details, tags and relations of `document` the server does not have yet, and
    /// those it has that are gone here.
    fn pending_pieces(&self, document: &Document, me: &str, out: &mut Vec<Outgoing>) {
        let local = local_pieces(document);
        for (id, piece) in &local {
            let known = self.pieces.get(id);
            if known.is_some_and(|k| k.base == *piece) {
                continue;
            }
            out.push(Outgoing::PutPiece {
                id: id.clone(),
                rev: known.map(|k| k.rev.clone()),
                piece: piece.clone(),
                creator: me.to_string(),
            });
        }
        for (id, known) in &self.pieces {
            if known.placed && !local.contains_key(id) {
                out.push(Outgoing::DeletePiece {
                    id: id.clone(),
                    rev: known.rev.clone(),
                });
            }
        }
    }

    /// The server accepted `change` at revision `rev`.
    pub fn pushed(&mut self, change: &Outgoing, rev: &str) {
        match change {
            Outgoing::Put {
                annotation, body, ..
            } => {
                self.known
                    .insert(annotation.0.clone(), Known::of(rev, body));
            }
            Outgoing::Delete { annotation, .. } => {
                self.known.remove(annotation.as_str());
            }
            Outgoing::PutPiece { id, piece, .. } => {
                let known = KnownPiece {
                    rev: rev.to_string(),
                    base: piece.clone(),
                    placed: true,
                };
                self.pieces.insert(id.clone(), known);
            }
            Outgoing::DeletePiece { id, .. } => {
                self.pieces.remove(id);
            }
        }
    }
}

/// The `_bulk_docs` request body for `changes`.
pub fn bulk_docs_json(ledger: &Ledger, changes: &[Outgoing]) -> serde_json::Value {
    let docs: Vec<serde_json::Value> = changes
        .iter()
        .map(|change| {
            let id = change.server_id(ledger);
            match change {
                Outgoing::Put { rev, body, .. } => {
                    super::docs::to_server_json(&id, rev.as_deref(), body.as_ref())
                }
                Outgoing::Delete { rev, .. } | Outgoing::DeletePiece { rev, .. } => {
                    super::docs::deletion_json(&id, rev)
                }
                Outgoing::PutPiece {
                    rev,
                    piece,
                    creator,
                    ..
                } => super::docs::piece_json(piece, &ledger.document, rev.as_deref(), creator),
            }
        })
        .collect();
    serde_json::json!({ "docs": docs })
}

/// The stored pieces (absent in ledgers from before pieces were shared: none known yet).
fn read_pieces(value: Option<&Value>) -> Option<BTreeMap<String, KnownPiece>> {
    let Some(value) = value else {
        return Some(BTreeMap::new());
    };
    let mut pieces = BTreeMap::new();
    for (id, entry) in value.as_object()? {
        let text = |name: &str| entry.get(name).and_then(Value::as_str).map(str::to_string);
        let mut fields = super::pieces::Fields::new();
        for (name, value) in entry.get("fields")?.as_object()? {
            fields.insert(name.clone(), value.as_str()?.to_string());
        }
        let base = Piece {
            kind: PieceKind::from_name(&text("kind")?)?,
            id: text("id")?,
            fields,
        };
        let placed = entry.get("placed").and_then(Value::as_bool).unwrap_or(true);
        let rev = text("rev")?;
        pieces.insert(id.clone(), KnownPiece { rev, base, placed });
    }
    Some(pieces)
}
