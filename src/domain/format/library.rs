//! What the browser stores, and the whole-library backup.
//!
//! A stored entry is the native version-1 document (text always included; compact, see
//! [`ENTRY_VERSION`]) plus a `revision` counter and a `saved` time, so the browser edge can tell that another tab saved a newer
//! revision. Stored data is ours, so it is placed at its stored offsets without re-anchoring,
//! but still checked: a bad annotation becomes a problem, never a panic or a lost document.
//! An entry that cannot be read at all comes back as an error carrying the raw text, so the
//! user can still download it. The index lists the documents for the library view and carries
//! what start-up and saving need without reading an entry (see [`INDEX_VERSION`]); it is
//! derived data, so a bad index is an error the caller answers by rebuilding it from entries.

use crate::domain::document::Document;
use crate::domain::format::native::{
    self, CURRENT_VERSION, ClassroomFields, LIBRARY_FORMAT_NAME, NativeFile, NativeRead,
    WriteOptions,
};
use crate::domain::format::{json_kind, to_pretty_json};
use crate::domain::import::{ImportBatch, Problem};
use crate::domain::sorting;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The version of the backup layout.
pub const LIBRARY_VERSION: u32 = 1;

/// The version of the index layout.
///
/// - 1: one row per document with what the library list shows: title, publisher, published
///   date, annotations per tag, last modified, revision.
/// - 2: each row also carries the SHA-256 of the document's text and the size of its stored
///   entry, so start-up reads the index and the one open entry, and a save checks the space
///   left without reading anything. A version-1 index still reads (those two are unknown
///   until the document is saved again); a build that only knows version 1 rebuilds the
///   index from the entries, as it does for any index it cannot read.
pub const INDEX_VERSION: u32 = 2;

// ---------------------------------------------------------------------------------------------
// One stored document.

/// The layout of a stored entry, in its `entry_version` field (apart from the native
/// document's own `version`).
///
/// - 1 (no `entry_version` field): the native document exactly as "Export" writes it, pretty.
/// - 2: compact JSON, and an annotation's `quote`, `prefix` and `suffix` are left out when the
///   stored text at its offsets gives exactly them (likewise an empty `note` or
///   `attributes`); the reader derives them again. A 1 MB article with 20,000 annotations
///   is about 3.4 M characters instead of 7 M, so it fits the ~5 M characters a browser
///   gives an origin. A build that only knows version 1 still opens it (the quotes come
///   from the offsets), losing only the context strings, which anchoring re-creates.
pub const ENTRY_VERSION: u64 = 2;

#[derive(Serialize)]
struct EntryFile<'a> {
    #[serde(flatten)]
    document: NativeFile<'a>,
    entry_version: u64,
    revision: u64,
    saved: &'a str,
}

fn write_compact_entry(
    doc: &Document,
    options: &WriteOptions,
    revision: u64,
    saved: &str,
) -> String {
    // serde_json only fails on non-string map keys or a failing `Serialize`; the format
    // types have neither, so the empty fallback is never taken.
    serde_json::to_string(&EntryFile {
        document: NativeFile::from_document_compact(doc, options),
        entry_version: ENTRY_VERSION,
        revision,
        saved,
    })
    .unwrap_or_default()
}

/// The stored form of `doc` (entry version 2): compact native JSON with the text, its
/// revision and the time it was saved.
pub fn write_entry(doc: &Document, revision: u64, saved: &str) -> String {
    write_compact_entry(doc, &WriteOptions::default(), revision, saved)
}

/// Like [`write_entry`], keeping the classroom fields (role, annotator, exercise).
pub fn write_entry_with(
    doc: &Document,
    classroom: &ClassroomFields,
    revision: u64,
    saved: &str,
) -> String {
    let options = WriteOptions {
        include_text: true,
        classroom: classroom.clone(),
    };
    write_compact_entry(doc, &options, revision, saved)
}

/// The version-1 stored form (pretty, every quote and context written out): what earlier
/// builds stored. Kept so tests can prove such entries still open.
pub fn write_entry_version_1(doc: &Document, revision: u64, saved: &str) -> String {
    #[derive(Serialize)]
    struct EntryFileVersion1<'a> {
        #[serde(flatten)]
        document: NativeFile<'a>,
        revision: u64,
        saved: &'a str,
    }
    let options = WriteOptions::default();
    to_pretty_json(&EntryFileVersion1 {
        document: NativeFile::from_document(doc, &options),
        revision,
        saved,
    })
}

/// A stored document read back.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEntry {
    pub document: Document,
    pub revision: u64,
    pub saved: String,
    pub classroom: ClassroomFields,
    /// What was wrong but could be kept (orphaned annotations, skipped relations…).
    pub problems: Vec<Problem>,
}

/// Why a stored entry cannot be opened normally.
#[derive(Clone, Debug, PartialEq)]
pub enum EntryError {
    /// Not JSON, or not a stored document; `raw` is kept so the user can download it.
    Unreadable { reason: String, raw: String },
    /// Written by a newer Article Annotator. `read_only` is what this build could read of it,
    /// to show without saving over it.
    WrittenByNewerVersion {
        found: u64,
        supported: u32,
        read_only: Option<Box<StoredEntry>>,
        raw: String,
    },
    /// A stored entry to read, and the reader of stored entries ([`EntryReader`]) was not
    /// given: in the browser it is a part of its own, not here yet or not fetched.
    NeedsReader { raw: String },
}

/// The readers of a stored entry's document: the typed one, for what this app writes (one
/// pass, no tree of the annotations), and the careful one, field by field, for what it
/// refuses (written by hand, or by an older build). The readers of stored entries take them
/// as a value, `None` when they are not at hand: in the browser they are a part of their own
/// (`ui::library::reader`), fetched before a returning visit mounts the app, and after the
/// first paint of a first visit (with saving's part), which opens the sample and reads
/// nothing stored.
#[derive(Clone, Copy)]
pub struct EntryReader {
    /// The entry JSON read on the typed path; `None` when the typed reader refuses it
    /// ([`read_typed_entry`]).
    pub typed: fn(&str, &str, u64) -> Option<Result<StoredEntry, EntryError>>,
    /// The entry JSON already parsed, read field by field ([`read_entry_value`]).
    pub careful: fn(Value, &str, u64) -> Result<StoredEntry, EntryError>,
}

/// The readers, for callers that always have them (the domain's own tests and tools). The
/// part that brings them to the browser names the two functions itself: a constant of them
/// would be data, which stays in the main module with what it points to.
pub const READER: Option<EntryReader> = Some(EntryReader {
    typed: read_typed_entry,
    careful: read_entry_value,
});

impl EntryError {
    /// The stored text, for a "download the raw data" button.
    pub fn raw(&self) -> &str {
        match self {
            EntryError::Unreadable { raw, .. }
            | EntryError::WrittenByNewerVersion { raw, .. }
            | EntryError::NeedsReader { raw } => raw,
        }
    }
}

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryError::Unreadable { reason, .. } => {
                write!(
                    f,
                    "this saved document cannot be read ({reason}); you can download its raw data"
                )
            }
            EntryError::WrittenByNewerVersion {
                found, supported, ..
            } => write!(
                f,
                "this document was saved by a newer Article Annotator (format version {found}); this build \
                 reads up to version {supported}, so it is opened read-only"
            ),
            EntryError::NeedsReader { .. } => write!(
                f,
                "this saved document needs the app's reader of saved documents, which could \
                 not be fetched (this browser may be offline and has not kept it from an \
                 earlier visit); connect to the network and reload the page"
            ),
        }
    }
}

impl std::error::Error for EntryError {}

/// Reads a stored entry; never panics. An entry this app wrote is read on the typed path
/// (see `native::read_native_typed`); anything else field by field.
pub fn read_entry(raw: &str) -> Result<StoredEntry, EntryError> {
    read_entry_text(raw, raw, ENTRY_VERSION, READER)
}

/// Reads the entry JSON `input` (`raw`, what is stored, is kept in errors for downloading),
/// written in an entry layout up to `supported`: on the typed path when it takes it, else
/// field by field.
pub(crate) fn read_entry_text(
    input: &str,
    raw: &str,
    supported: u64,
    reader: Option<EntryReader>,
) -> Result<StoredEntry, EntryError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let Some(reader) = reader else {
        return Err(EntryError::NeedsReader {
            raw: raw.to_string(),
        });
    };
    if let Some(entry) = (reader.typed)(input, raw, supported) {
        return entry;
    }
    (reader.careful)(parse_entry_json(input)?, raw, supported)
}

/// The entry JSON `input` read on the typed path; `None` when the typed reader refuses it.
pub fn read_typed_entry(
    input: &str,
    raw: &str,
    supported: u64,
) -> Option<Result<StoredEntry, EntryError>> {
    native::read_typed_with_entry_fields(input)
        .map(|typed| entry_from_fields(typed.read, typed.entry_fields, raw, supported))
}

/// An entry the typed reader refused (or was not at hand for), parsed: read field by field
/// by `reader`, if it is at hand.
pub(crate) fn read_refused_entry(
    value: Value,
    raw: &str,
    supported: u64,
    reader: Option<EntryReader>,
) -> Result<StoredEntry, EntryError> {
    match reader {
        Some(reader) => (reader.careful)(value, raw, supported),
        None => Err(EntryError::NeedsReader {
            raw: raw.to_string(),
        }),
    }
}

/// `raw` as JSON, or why it is not.
pub(crate) fn parse_entry_json(raw: &str) -> Result<Value, EntryError> {
    let input = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    serde_json::from_str(input).map_err(|error| EntryError::Unreadable {
        reason: format!("not valid JSON: {error}"),
        raw: raw.to_string(),
    })
}

/// Reads a stored entry already parsed (`raw` is kept in errors for downloading), written
/// in an entry layout up to `supported`, field by field.
pub fn read_entry_value(
    value: Value,
    raw: &str,
    supported: u64,
) -> Result<StoredEntry, EntryError> {
    let Value::Object(fields) = value else {
        return Err(EntryError::Unreadable {
            reason: format!("expected an object, found {}", json_kind(&value)),
            raw: raw.to_string(),
        });
    };
    // Inserted, not collected: collecting sorts first (see domain/sorting.rs).
    let mut entry_fields = serde_json::Map::new();
    entry_fields.extend(
        ["entry_version", "revision", "saved"]
            .into_iter()
            .filter_map(|name| Some((name.to_string(), fields.get(name)?.clone()))),
    );
    entry_from_fields(
        native::read_native_value(Value::Object(fields), "$"),
        entry_fields,
        raw,
        supported,
    )
}

/// The entry from a native reading and the entry's own fields (`entry_version`,
/// `revision`, `saved`).
fn entry_from_fields(
    read: NativeRead,
    fields: serde_json::Map<String, Value>,
    raw: &str,
    supported: u64,
) -> Result<StoredEntry, EntryError> {
    let unreadable = |reason: String| EntryError::Unreadable {
        reason,
        raw: raw.to_string(),
    };
    let mut problems = Vec::new();
    let revision = match fields.get("revision").map(|value| (value, value.as_u64())) {
        Some((_, Some(revision))) => revision,
        Some((value, None)) => {
            return Err(unreadable(format!(
                "revision should be a whole number, found {value}"
            )));
        }
        None => {
            problems.push(Problem::warning(
                "$.revision",
                "no revision stored; counting from 0",
            ));
            0
        }
    };
    let saved = fields
        .get("saved")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let entry_version = match fields
        .get("entry_version")
        .map(|value| (value, value.as_u64()))
    {
        None => 1,
        Some((_, Some(version))) => version,
        Some((value, None)) => {
            return Err(unreadable(format!(
                "entry_version should be a whole number, found {value}"
            )));
        }
    };
    let newer = read
        .declared_version
        .filter(|_| read.is_from_newer_version())
        .or((entry_version > supported).then_some(entry_version));
    let entry = entry_from_read(read, revision, saved, problems);
    match (newer, entry) {
        (Some(found), entry) => Err(EntryError::WrittenByNewerVersion {
            found,
            supported: if entry_version > supported {
                supported as u32
            } else {
                CURRENT_VERSION
            },
            read_only: entry.ok().map(Box::new),
            raw: raw.to_string(),
        }),
        (None, entry) => entry.map_err(unreadable),
    }
}

fn entry_from_read(
    read: NativeRead,
    revision: u64,
    saved: String,
    mut problems: Vec<Problem>,
) -> Result<StoredEntry, String> {
    if let Some(fatal) = read
        .batch
        .problems
        .iter()
        .find(|problem| is_fatal_for_entry(problem))
    {
        return Err(fatal.to_string());
    }
    // A left-out quote is already taken from the text by the native reader; a left-out
    // prefix or suffix (entry version 2) is derived here, as the writer compared it.
    let opened =
        native::document_from_native_owned(read, true).map_err(|error| error.to_string())?;
    problems.extend(opened.read_problems);
    problems.extend(opened.problems);
    Ok(StoredEntry {
        document: opened.document,
        revision,
        saved,
        classroom: opened.classroom,
        problems,
    })
}

/// A wrong `format` or a non-object document means this is not one of our entries at all.
fn is_fatal_for_entry(problem: &Problem) -> bool {
    problem.severity == crate::domain::import::Severity::Error
        && (problem.location == "$"
            || problem.location == "$.format"
            || problem.location == "$.document")
}

// ---------------------------------------------------------------------------------------------
// The index.

/// One line of the library view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub published: String,
    /// Annotations per tag id.
    pub counts: BTreeMap<String, usize>,
    pub annotation_count: usize,
    pub modified: String,
    pub revision: u64,
    /// SHA-256 of the text, hex (version 2; empty in a version-1 row).
    #[serde(default)]
    pub text_sha256: String,
    /// UTF-16 code units the stored entry takes, its key included, as browsers count
    /// storage (version 2; `None` in a version-1 row).
    #[serde(default)]
    pub stored_chars: Option<usize>,
    /// Where the article comes from (its URL as the person gave it), so look-alike rows can
    /// be told apart; empty when unknown or in an older row.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// The name of each counted tag (tag id → label), so the list shows names, not ids;
    /// empty in an older row, which then shows the ids.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tag_names: BTreeMap<String, String>,
}

impl IndexEntry {
    /// The row for `doc` stored at `revision`; `stored_chars` is for the storage edge to
    /// fill in once it knows the size of what it wrote.
    pub fn for_document(doc: &Document, revision: u64, modified: &str) -> Self {
        // Counted by reference: one allocation per tag, not per annotation (every save of
        // the open document builds this row).
        let mut by_tag: BTreeMap<&str, usize> = BTreeMap::new();
        for annotation in &doc.annotations {
            *by_tag.entry(annotation.tag.0.as_str()).or_insert(0) += 1;
        }
        let counts: BTreeMap<String, usize> = sorting::map_of(
            by_tag
                .into_iter()
                .map(|(tag, count)| (tag.to_string(), count)),
        );
        let tag_names = sorting::map_of(counts.keys().filter_map(|id| {
            let tag = doc.tags.get(&crate::domain::tag::TagId(id.clone()))?;
            Some((id.clone(), tag.label.clone()))
        }));
        IndexEntry {
            id: doc.id.0.clone(),
            title: doc.metadata.title.clone(),
            publisher: doc.metadata.publisher.clone(),
            published: doc.metadata.published.clone(),
            counts,
            annotation_count: doc.annotations.len(),
            modified: modified.to_string(),
            revision,
            text_sha256: doc.text.sha256().to_string(),
            stored_chars: None,
            url: doc.metadata.url.clone(),
            tag_names,
        }
    }
}

/// The list of stored documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryIndex {
    pub version: u32,
    pub documents: Vec<IndexEntry>,
}

impl Default for LibraryIndex {
    fn default() -> Self {
        LibraryIndex {
            version: INDEX_VERSION,
            documents: Vec::new(),
        }
    }
}

impl LibraryIndex {
    /// The index as it should be for these entries (used when the stored one is bad).
    pub fn rebuild(entries: &[StoredEntry]) -> Self {
        let documents = entries
            .iter()
            .map(|entry| IndexEntry::for_document(&entry.document, entry.revision, &entry.saved))
            .collect();
        LibraryIndex {
            version: INDEX_VERSION,
            documents,
        }
    }

    /// Adds or replaces the line for `entry.id`, keeping the order of the others.
    pub fn upsert(&mut self, entry: IndexEntry) {
        match self
            .documents
            .iter_mut()
            .find(|existing| existing.id == entry.id)
        {
            Some(existing) => *existing = entry,
            None => self.documents.push(entry),
        }
    }

    pub fn remove(&mut self, id: &str) {
        self.documents.retain(|entry| entry.id != id);
    }

    /// The row of document `id`.
    pub fn get(&self, id: &str) -> Option<&IndexEntry> {
        self.documents.iter().find(|entry| entry.id == id)
    }
}

/// The stored form of the index, always at [`INDEX_VERSION`] (a version-1 index read
/// earlier is written back upgraded, its unknown hashes and sizes left empty).
pub fn write_index(index: &LibraryIndex) -> String {
    #[derive(Serialize)]
    struct IndexFile<'a> {
        version: u32,
        documents: &'a [IndexEntry],
    }
    to_pretty_json(&IndexFile {
        version: INDEX_VERSION,
        documents: &index.documents,
    })
}

/// Why a stored index cannot be used; the caller rebuilds it from the entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexError {
    Unreadable(String),
    WrittenByNewerVersion { found: u32, supported: u32 },
}

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexError::Unreadable(reason) => write!(
                f,
                "the library index cannot be read ({reason}); it will be rebuilt"
            ),
            IndexError::WrittenByNewerVersion { found, supported } => write!(
                f,
                "the library index was written by a newer Article Annotator (version {found}); this build reads up to version {supported}"
            ),
        }
    }
}

impl std::error::Error for IndexError {}

pub fn read_index(raw: &str) -> Result<LibraryIndex, IndexError> {
    let index: LibraryIndex =
        serde_json::from_str(raw).map_err(|error| IndexError::Unreadable(error.to_string()))?;
    if index.version > INDEX_VERSION {
        return Err(IndexError::WrittenByNewerVersion {
            found: index.version,
            supported: INDEX_VERSION,
        });
    }
    Ok(index)
}

// ---------------------------------------------------------------------------------------------
// The backup.

#[derive(Serialize)]
struct BackupFile<'a> {
    format: &'static str,
    version: u32,
    documents: Vec<NativeFile<'a>>,
}

/// "Export library": every document as native version 1, text included.
pub fn write_library_backup(documents: &[Document]) -> String {
    let options = WriteOptions::default();
    let documents = documents
        .iter()
        .map(|doc| NativeFile::from_document(doc, &options))
        .collect();
    to_pretty_json(&BackupFile {
        format: LIBRARY_FORMAT_NAME,
        version: LIBRARY_VERSION,
        documents,
    })
}

/// Reads a backup: one batch per document (each with its own problems, located as
/// `$.documents[2]…`), plus problems of the backup as a whole. Never panics.
pub fn read_library_backup(input: &str) -> (Vec<ImportBatch>, Vec<Problem>) {
    let (reads, problems) = read_library_backup_detailed(input);
    (reads.into_iter().map(|read| read.batch).collect(), problems)
}

/// Like [`read_library_backup`], keeping what only the native format carries (anchor
/// statuses, classroom fields), so a restore can rebuild each document with
/// [`native::document_from_native`].
pub fn read_library_backup_detailed(input: &str) -> (Vec<NativeRead>, Vec<Problem>) {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let value = match serde_json::from_str::<Value>(input) {
        Ok(value) => value,
        Err(error) => return (Vec::new(), vec![native::not_json_problem(&error)]),
    };
    let Value::Object(mut fields) = value else {
        let message = format!(
            "expected a library backup (a JSON object), found {}",
            json_kind(&value)
        );
        return (Vec::new(), vec![Problem::error("$", message)]);
    };
    let mut problems = Vec::new();
    match fields.get("format").and_then(Value::as_str) {
        Some(LIBRARY_FORMAT_NAME) => {}
        Some(native::FORMAT_NAME) => {
            problems.push(Problem::warning(
                "$.format",
                "this is a single document, not a library backup; reading it as one",
            ));
            return (
                vec![native::read_native_value(Value::Object(fields), "$")],
                problems,
            );
        }
        _ => {
            let message = format!(
                "this is not an Article Annotator library backup (format \"{LIBRARY_FORMAT_NAME}\")"
            );
            return (Vec::new(), vec![Problem::error("$.format", message)]);
        }
    }
    match fields.get("version").and_then(Value::as_u64) {
        Some(version) if version > u64::from(LIBRARY_VERSION) => problems.push(Problem::error(
            "$.version",
            format!(
                "written by a newer Article Annotator (backup version {version}); this build reads up to \
                 version {LIBRARY_VERSION}. What could be read is shown"
            ),
        )),
        Some(_) => {}
        None => problems.push(Problem::warning("$.version", "no whole-number version; reading it as version 1")),
    }
    let batches = match fields.remove("documents") {
        Some(Value::Array(documents)) => documents
            .into_iter()
            .enumerate()
            .map(|(index, document)| {
                native::read_native_value(document, &format!("$.documents[{index}]"))
            })
            .collect(),
        other => {
            let found = other.as_ref().map_or("nothing", json_kind);
            problems.push(Problem::error(
                "$.documents",
                format!("expected the list of documents, found {found}"),
            ));
            Vec::new()
        }
    };
    (batches, problems)
}
