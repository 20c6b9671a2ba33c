//! The native file format (version 1): what "Export" writes and "Import" reads back, and
//! what the browser stores (see `library`).
//!
//! Why by hand: stored files outlive app versions, so the serde types below mirror the file,
//! not the domain, and are converted explicitly. The writer borrows from the `Document`; the
//! reader walks a `serde_json::Value` field by field so that one bad annotation costs only
//! itself, and every problem names its JSON path. Offsets are code points; they are *not*
//! checked against the text here: placing candidates in a text is the anchoring step's job.
//!
//! Versioning: `version` is a whole number. A file from a newer build is read as far as the
//! fields are understood and reported; an older one goes through [`migrate`] first, one step
//! per version. Version 0 is the pre-release layout (no `offset_unit`, `label` instead of
//! `tag` on annotations) and exists so the migration chain is exercised by tests.

use crate::domain::annotation::{
    AnchorStatus, Annotation, AnnotationId, CONTEXT_LEN, Relation, RelationId, RelationKind,
};
use crate::domain::document::{Document, DocumentId, Metadata};
use crate::domain::format::{json_kind, to_pretty_json};
use crate::domain::import::{
    CandidateAnnotation, CandidateRelation, ImportBatch, OffsetUnit, Problem,
};
use crate::domain::sorting;
use crate::domain::tag::{Tag, TagId, Taxonomy, validate_color};
use crate::domain::text::{Text, TextRange, sha256_hex};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The value of the `format` field.
pub const FORMAT_NAME: &str = "article-annotator";
/// The format's name for people, used in `ImportBatch::format`.
pub const FORMAT_LABEL: &str = "Article Annotator JSON";
/// The `format` of a whole-library backup, recognised here to point the user to the right import.
pub const LIBRARY_FORMAT_NAME: &str = "article-annotator-library";
/// The newest version this build writes and reads.
pub const CURRENT_VERSION: u32 = 1;

// ---------------------------------------------------------------------------------------------
// Classroom fields: optional, used by the exercise feature.

/// What a classroom file is: the teacher's exercise, the answer key, or a student's attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassroomRole {
    Exercise,
    Key,
    Attempt,
}

impl ClassroomRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ClassroomRole::Exercise => "exercise",
            ClassroomRole::Key => "key",
            ClassroomRole::Attempt => "attempt",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "exercise" => Some(ClassroomRole::Exercise),
            "key" => Some(ClassroomRole::Key),
            "attempt" => Some(ClassroomRole::Attempt),
            _ => None,
        }
    }
}

/// The teacher's instructions: what to do, which tags students may use, and hints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exercise {
    pub instructions: String,
    /// Tag ids students may use; empty means all.
    pub tags: Vec<String>,
    pub hints: Vec<String>,
    /// The class library (a database on the sharing server) attempts are handed in to;
    /// `None` for an exercise handed in as files.
    pub class: Option<String>,
}

/// The optional top-level fields of the classroom feature.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassroomFields {
    pub role: Option<ClassroomRole>,
    pub annotator: Option<String>,
    pub exercise: Option<Exercise>,
}

impl ClassroomFields {
    /// Recovers the typed fields from `ImportBatch::extra`, where the reader keeps them as
    /// `role`, `annotator` and `exercise` (the exercise as compact JSON).
    pub fn from_extra(extra: &BTreeMap<String, String>) -> Self {
        let exercise = extra
            .get("exercise")
            .and_then(|json| serde_json::from_str::<Value>(json).ok())
            .and_then(|value| read_exercise(&value, "$.exercise", &mut Vec::new()));
        ClassroomFields {
            role: extra
                .get("role")
                .and_then(|name| ClassroomRole::parse(name)),
            annotator: extra.get("annotator").cloned(),
            exercise,
        }
    }
}

/// What the writer includes besides the document itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteOptions {
    /// Whether to include the article's text (users may leave it out for copyright).
    pub include_text: bool,
    pub classroom: ClassroomFields,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            include_text: true,
            classroom: ClassroomFields::default(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The serde types: the file's layout, key order = field order.

#[derive(Serialize)]
pub(crate) struct NativeFile<'a> {
    format: &'static str,
    version: u32,
    offset_unit: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    annotator: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exercise: Option<NativeExercise<'a>>,
    document: NativeDocument<'a>,
    tags: Vec<NativeTag<'a>>,
    annotations: Vec<NativeAnnotation<'a>>,
    relations: Vec<NativeRelation<'a>>,
}

#[derive(Serialize)]
struct NativeExercise<'a> {
    instructions: &'a str,
    tags: &'a [String],
    hints: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    class: Option<&'a str>,
}

#[derive(Serialize)]
struct NativeDocument<'a> {
    id: &'a str,
    title: Option<&'a str>,
    url: Option<&'a str>,
    publisher: Option<&'a str>,
    author: Option<&'a str>,
    published: Option<&'a str>,
    /// Optional: written only when known, so files without it stay byte-identical.
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    text_sha256: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
}

#[derive(Serialize)]
struct NativeTag<'a> {
    id: &'a str,
    label: &'a str,
    color: &'a str,
    key: Option<String>,
    description: &'a str,
}

#[derive(Serialize)]
struct NativeAnnotation<'a> {
    id: &'a str,
    tag: &'a str,
    start: usize,
    end: usize,
    // The optional fields are always written by `write_document`; only the compact stored
    // entry (see `library`) leaves out what the stored text already says.
    #[serde(skip_serializing_if = "Option::is_none")]
    quote: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suffix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "str::is_empty")]
    creator: &'a str,
    created: &'a str,
    modified: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    anchor: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    anchor_score: Option<f64>,
}

#[derive(Serialize)]
struct NativeRelation<'a> {
    id: &'a str,
    kind: &'a str,
    from: &'a str,
    to: &'a str,
}

fn null_if_empty(field: &str) -> Option<&str> {
    if field.is_empty() { None } else { Some(field) }
}

impl<'a> NativeFile<'a> {
    pub(crate) fn from_document(doc: &'a Document, options: &'a WriteOptions) -> Self {
        let mut file = NativeFile::without_annotations(doc, options);
        file.annotations = doc
            .annotations_in_text_order()
            .into_iter()
            .map(native_annotation)
            .collect();
        file
    }

    /// The file with no annotations (and the text only if `options` says so): the head of a
    /// stored entry kept in parts (`format::parts`), which keeps those under keys of their own.
    pub(crate) fn without_annotations(doc: &'a Document, options: &'a WriteOptions) -> Self {
        let classroom = &options.classroom;
        NativeFile {
            format: FORMAT_NAME,
            version: CURRENT_VERSION,
            offset_unit: OffsetUnit::CodePoint.name(),
            role: classroom.role.map(ClassroomRole::as_str),
            annotator: classroom.annotator.as_deref(),
            exercise: classroom.exercise.as_ref().map(|exercise| NativeExercise {
                instructions: &exercise.instructions,
                tags: &exercise.tags,
                hints: &exercise.hints,
                class: exercise.class.as_deref(),
            }),
            document: NativeDocument {
                id: &doc.id.0,
                title: null_if_empty(&doc.metadata.title),
                url: null_if_empty(&doc.metadata.url),
                publisher: null_if_empty(&doc.metadata.publisher),
                author: null_if_empty(&doc.metadata.author),
                published: null_if_empty(&doc.metadata.published),
                language: null_if_empty(&doc.metadata.language),
                text_sha256: doc.text.sha256(),
                text: options.include_text.then(|| doc.text.as_str()),
            },
            tags: doc.tags.tags().iter().map(native_tag).collect(),
            annotations: Vec::new(),
            relations: doc
                .relations
                .iter()
                .map(|relation| NativeRelation {
                    id: &relation.id.0,
                    kind: relation.kind.as_str(),
                    from: relation.from.as_str(),
                    to: relation.to.as_str(),
                })
                .collect(),
        }
    }
}

impl<'a> NativeFile<'a> {
    /// Like [`NativeFile::from_document`] for storage next to the text: an annotation's
    /// quote, prefix and suffix are left out when the text at its offsets gives exactly them
    /// (the reader derives them again), and an empty note or attribute map is left out. A
    /// 1 MB article with 20,000 annotations then fits the browser's storage.
    pub(crate) fn from_document_compact(doc: &'a Document, options: &'a WriteOptions) -> Self {
        let mut file = NativeFile::from_document(doc, options);
        for annotation in &mut file.annotations {
            omit_derivable(annotation, &doc.text);
        }
        file
    }
}

/// `annotations` as a compact JSON array, each written as the compact stored entry writes it
/// (what `text` gives at its offsets left out), in the order given.
pub(crate) fn compact_annotations_json(annotations: &[&Annotation], text: &Text) -> String {
    let records: Vec<NativeAnnotation<'_>> = annotations
        .iter()
        .map(|annotation| {
            let mut record = native_annotation(annotation);
            omit_derivable(&mut record, text);
            record
        })
        .collect();
    // As in `library`: the format types cannot fail to serialise.
    serde_json::to_string(&records).unwrap_or_default()
}

fn omit_derivable(annotation: &mut NativeAnnotation<'_>, text: &Text) {
    let Ok(range) = TextRange::from_code_points(annotation.start, annotation.end) else {
        return;
    };
    if annotation.quote.is_some() && annotation.quote == text.slice(range).ok() {
        annotation.quote = None;
    }
    if annotation.prefix == Some(text.before(range.start(), CONTEXT_LEN)) {
        annotation.prefix = None;
    }
    if annotation.suffix == Some(text.after(range.end(), CONTEXT_LEN)) {
        annotation.suffix = None;
    }
    if annotation.note == Some("") {
        annotation.note = None;
    }
    if annotation.attributes.is_some_and(BTreeMap::is_empty) {
        annotation.attributes = None;
    }
}

fn native_tag(tag: &Tag) -> NativeTag<'_> {
    NativeTag {
        id: tag.id.as_str(),
        label: &tag.label,
        color: &tag.color,
        key: tag.key.map(String::from),
        description: &tag.description,
    }
}

fn native_annotation(annotation: &Annotation) -> NativeAnnotation<'_> {
    let (anchor, anchor_score) = match annotation.anchor {
        AnchorStatus::Exact => (None, None),
        AnchorStatus::Fuzzy(score) => (Some("fuzzy"), Some(score)),
        ref other => (Some(other.name()), None),
    };
    NativeAnnotation {
        id: annotation.id.as_str(),
        tag: annotation.tag.as_str(),
        start: annotation.start().0,
        end: annotation.end().0,
        quote: Some(&annotation.quote),
        prefix: Some(&annotation.prefix),
        suffix: Some(&annotation.suffix),
        note: Some(&annotation.note),
        attributes: Some(&annotation.attributes),
        creator: &annotation.creator,
        created: &annotation.created,
        modified: &annotation.modified,
        anchor,
        anchor_score,
    }
}

/// The document as native JSON: pretty, UTF-8 without BOM, annotations in text order.
pub fn write_document(doc: &Document, options: &WriteOptions) -> String {
    to_pretty_json(&NativeFile::from_document(doc, options))
}

/// "Export JSON" of `doc`: the file's name (the publication date and title, as every download
/// of one document is named; "-annotations-only" without the text) and its JSON.
pub fn native_download(doc: &Document, include_text: bool) -> (String, String) {
    let metadata = &doc.metadata;
    let stem = crate::domain::article_input::metadata::suggested_file_stem(
        &metadata.title,
        &metadata.published,
    );
    let suffix = if include_text {
        ""
    } else {
        "-annotations-only"
    };
    let options = WriteOptions {
        include_text,
        ..Default::default()
    };
    (
        format!("{stem}{suffix}.json"),
        write_document(doc, &options),
    )
}

// ---------------------------------------------------------------------------------------------
// Reading.

/// A native file as read: the batch every format produces, plus what only this format carries.
#[derive(Clone, Debug, PartialEq)]
pub struct NativeRead {
    pub batch: ImportBatch,
    /// The stored anchor status of each of `batch.annotations`, in the same order.
    pub anchors: Vec<AnchorStatus>,
    pub classroom: ClassroomFields,
    /// The `version` the file declared, when it declared a whole number.
    pub declared_version: Option<u64>,
}

impl NativeRead {
    fn empty() -> Self {
        NativeRead {
            batch: ImportBatch::new(FORMAT_LABEL),
            anchors: Vec::new(),
            classroom: ClassroomFields::default(),
            declared_version: None,
        }
    }

    /// Whether the file came from a newer build than this one.
    pub fn is_from_newer_version(&self) -> bool {
        self.declared_version
            .is_some_and(|version| version > u64::from(CURRENT_VERSION))
    }
}

/// Reads a native file; never panics, keeps whatever is readable.
pub fn read_native(input: &str) -> ImportBatch {
    read_native_detailed(input).batch
}

/// Reads a native file from bytes: refuses anything but UTF-8, tolerates a leading BOM.
pub fn read_native_bytes(bytes: &[u8]) -> ImportBatch {
    match crate::domain::format::decode_utf8(bytes) {
        Ok(input) => read_native(input),
        Err(message) => {
            let mut batch = ImportBatch::new(FORMAT_LABEL);
            batch.problems.push(Problem::error("", message));
            batch
        }
    }
}

/// Like [`read_native`], with the anchor statuses, classroom fields and declared version.
pub fn read_native_detailed(input: &str) -> NativeRead {
    read_native_typed(input).unwrap_or_else(|| read_native_by_fields(input))
}

pub(crate) fn not_json_problem(error: &serde_json::Error) -> Problem {
    Problem::error(
        format!("line {}, column {}", error.line(), error.column()),
        format!("the file is not valid JSON: {error}"),
    )
}

/// Why an older layout could not be brought up to date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MigrationError {
    /// No migration step starts at this version.
    UnknownVersion(u64),
    /// The layout is not what that version wrote.
    NotAnObject,
}

impl fmt::Display for MigrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MigrationError::UnknownVersion(version) => {
                write!(
                    f,
                    "format version {version} was never written by Article Annotator"
                )
            }
            MigrationError::NotAnObject => write!(f, "the file is not a JSON object"),
        }
    }
}

impl std::error::Error for MigrationError {}

/// Brings a file written as `from_version` up to [`CURRENT_VERSION`], one step per version.
/// A current file comes back unchanged.
pub fn migrate(mut value: Value, from_version: u64) -> Result<Value, MigrationError> {
    let mut version = from_version;
    while version < u64::from(CURRENT_VERSION) {
        value = match version {
            0 => migrate_0_to_1(value)?,
            other => return Err(MigrationError::UnknownVersion(other)),
        };
        version += 1;
    }
    Ok(value)
}

/// Version 0 had no `offset_unit` (always code points) and called the annotation's tag `label`.
fn migrate_0_to_1(value: Value) -> Result<Value, MigrationError> {
    let Value::Object(mut object) = value else {
        return Err(MigrationError::NotAnObject);
    };
    object.insert("version".into(), Value::from(1));
    object
        .entry("offset_unit")
        .or_insert_with(|| Value::from("codepoint"));
    if let Some(Value::Array(annotations)) = object.get_mut("annotations") {
        for annotation in annotations.iter_mut() {
            if let Value::Object(fields) = annotation
                && !fields.contains_key("tag")
                && let Some(label) = fields.remove("label")
            {
                fields.insert("tag".into(), label);
            }
        }
    }
    Ok(Value::Object(object))
}

/// Reads one native document from a parsed value; `root` is its JSON path (`$` or
/// `$.documents[2]`), the prefix of every problem's location.
pub(crate) fn read_native_value(value: Value, root: &str) -> NativeRead {
    let mut read = NativeRead::empty();
    let problems = &mut read.batch.problems;
    let Value::Object(object) = value else {
        problems.push(Problem::error(
            root,
            format!(
                "expected an Article Annotator document (a JSON object), found {}",
                json_kind(&value)
            ),
        ));
        return read;
    };
    if !check_format(&object, root, problems) {
        return read;
    }
    let version = read_version(&object, root, problems);
    read.declared_version = version;
    let version = version.unwrap_or(u64::from(CURRENT_VERSION));
    let object = if version < u64::from(CURRENT_VERSION) {
        let migrated = migrate(Value::Object(object), version).and_then(|value| match value {
            Value::Object(migrated) => Ok(migrated),
            _ => Err(MigrationError::NotAnObject),
        });
        match migrated {
            Ok(migrated) => migrated,
            Err(error) => {
                let location = format!("{root}.version");
                read.batch
                    .problems
                    .push(Problem::error(location, error.to_string()));
                return read;
            }
        }
    } else {
        object
    };
    read_body(&object, root, &mut read);
    read
}

/// Whether `format` names this format (a missing one is tolerated with a warning).
fn check_format(object: &Map<String, Value>, root: &str, problems: &mut Vec<Problem>) -> bool {
    let location = format!("{root}.format");
    match object.get("format") {
        None => {
            problems.push(Problem::warning(
                location,
                "no \"format\" field; reading it as an Article Annotator document",
            ));
            true
        }
        Some(Value::String(name)) if name == FORMAT_NAME => true,
        Some(Value::String(name)) if name == LIBRARY_FORMAT_NAME => {
            problems.push(Problem::error(
                location,
                "this is a whole-library backup, not one document; use \"Import library\"",
            ));
            false
        }
        Some(other) => {
            problems.push(Problem::error(
                location,
                format!("format is {other}, not \"{FORMAT_NAME}\": this is not an Article Annotator document"),
            ));
            false
        }
    }
}

fn read_version(
    object: &Map<String, Value>,
    root: &str,
    problems: &mut Vec<Problem>,
) -> Option<u64> {
    let location = format!("{root}.version");
    let current = CURRENT_VERSION;
    match object.get("version") {
        None => {
            problems.push(Problem::warning(
                location,
                format!("no \"version\"; reading it as version {current}"),
            ));
            None
        }
        Some(value) => match value.as_u64() {
            Some(version) if version > u64::from(current) => {
                problems.push(Problem::error(
                    location,
                    format!(
                        "written by a newer Article Annotator (format version {version}); this build \
                         reads up to version {current}. What could be read is shown; update the app to read the rest"
                    ),
                ));
                Some(version)
            }
            Some(version) => Some(version),
            None => {
                problems.push(Problem::warning(
                    location,
                    format!("version should be a whole number, found {value}; reading it as version {current}"),
                ));
                None
            }
        },
    }
}

fn read_body(object: &Map<String, Value>, root: &str, read: &mut NativeRead) {
    let batch = &mut read.batch;
    batch.offset_unit = read_offset_unit(object, root, &mut batch.problems);
    read.classroom = read_classroom(object, root, &mut batch.problems);
    store_classroom_in_extra(&read.classroom, &mut batch.extra);
    read_document(object, root, batch);
    let mut taxonomy = read_tags(object, root, &mut batch.problems);
    let (annotations, anchors) = read_annotations(object, root, &mut taxonomy, &mut batch.problems);
    batch.annotations = annotations;
    read.anchors = anchors;
    batch.tags = taxonomy.tags().to_vec();
    batch.relations = read_relations(object, root, &batch.annotations, &mut batch.problems);
}

fn read_offset_unit(
    object: &Map<String, Value>,
    root: &str,
    problems: &mut Vec<Problem>,
) -> Option<OffsetUnit> {
    let location = format!("{root}.offset_unit");
    let Some(value) = object.get("offset_unit") else {
        problems.push(Problem::warning(
            location,
            "no \"offset_unit\"; counting offsets in Unicode code points",
        ));
        return Some(OffsetUnit::CodePoint);
    };
    let unit = match value.as_str() {
        Some("codepoint") => return Some(OffsetUnit::CodePoint),
        Some("utf16") => OffsetUnit::Utf16,
        Some("utf8") | Some("byte") | Some("utf8byte") => OffsetUnit::Utf8Byte,
        _ => {
            problems.push(Problem::warning(
                location,
                format!("unknown offset unit {value}; offsets will be checked against the quotes"),
            ));
            return None;
        }
    };
    problems.push(Problem::warning(
        location,
        format!(
            "offsets are counted in {} (this app writes code points); they will be converted",
            unit.describe()
        ),
    ));
    Some(unit)
}

fn read_classroom(
    object: &Map<String, Value>,
    root: &str,
    problems: &mut Vec<Problem>,
) -> ClassroomFields {
    let role = optional_string(object, "role", root, problems).and_then(|name| {
        let role = ClassroomRole::parse(&name);
        if role.is_none() {
            problems.push(Problem::warning(
                format!("{root}.role"),
                format!("unknown role \"{name}\" (expected exercise, key or attempt); ignored"),
            ));
        }
        role
    });
    let annotator = optional_string(object, "annotator", root, problems);
    let exercise = match object.get("exercise") {
        None | Some(Value::Null) => None,
        Some(value) => read_exercise(value, &format!("{root}.exercise"), problems),
    };
    ClassroomFields {
        role,
        annotator,
        exercise,
    }
}

fn read_exercise(value: &Value, location: &str, problems: &mut Vec<Problem>) -> Option<Exercise> {
    let Value::Object(fields) = value else {
        problems.push(Problem::warning(
            location,
            format!(
                "exercise should be an object, found {}; ignored",
                json_kind(value)
            ),
        ));
        return None;
    };
    Some(Exercise {
        instructions: optional_string(fields, "instructions", location, problems)
            .unwrap_or_default(),
        tags: string_list(fields, "tags", location, problems),
        hints: string_list(fields, "hints", location, problems),
        class: optional_string(fields, "class", location, problems)
            .filter(|class| !class.is_empty()),
    })
}

fn store_classroom_in_extra(classroom: &ClassroomFields, extra: &mut BTreeMap<String, String>) {
    if let Some(role) = classroom.role {
        extra.insert("role".into(), role.as_str().into());
    }
    if let Some(annotator) = &classroom.annotator {
        extra.insert("annotator".into(), annotator.clone());
    }
    if let Some(exercise) = &classroom.exercise {
        let native = NativeExercise {
            instructions: &exercise.instructions,
            tags: &exercise.tags,
            hints: &exercise.hints,
            class: exercise.class.as_deref(),
        };
        if let Ok(json) = serde_json::to_string(&native) {
            extra.insert("exercise".into(), json);
        }
    }
}

fn read_document(object: &Map<String, Value>, root: &str, batch: &mut ImportBatch) {
    let location = format!("{root}.document");
    let problems = &mut batch.problems;
    let fields = match object.get("document") {
        Some(Value::Object(fields)) => fields,
        other => {
            let found = other.map_or("nothing", json_kind);
            problems.push(Problem::error(
                location,
                format!("expected the document (an object with id, title, text…), found {found}"),
            ));
            return;
        }
    };
    batch.document_id = optional_string(fields, "id", &location, problems);
    let mut field =
        |name: &str| optional_string(fields, name, &location, problems).unwrap_or_default();
    batch.metadata = Some(Metadata {
        title: field("title"),
        url: field("url"),
        publisher: field("publisher"),
        author: field("author"),
        published: field("published"),
        language: field("language"),
    });
    batch.text_sha256 = optional_string(fields, "text_sha256", &location, problems);
    batch.text = optional_string(fields, "text", &location, problems);
    if let (Some(text), Some(declared)) = (&batch.text, &batch.text_sha256)
        && !declared.eq_ignore_ascii_case(&sha256_hex(text))
    {
        problems.push(Problem::warning(
            format!("{location}.text_sha256"),
            "does not match the text: the text was changed after this file was written, \
             so annotations will be found again by their quotes",
        ));
    }
}

fn read_tags(object: &Map<String, Value>, root: &str, problems: &mut Vec<Problem>) -> Taxonomy {
    let mut taxonomy = Taxonomy::empty();
    for (_, value, location) in array_items(object, "tags", root, problems) {
        let Value::Object(fields) = value else {
            problems.push(Problem::error(
                location,
                format!(
                    "a tag should be an object, found {}; skipped",
                    json_kind(value)
                ),
            ));
            continue;
        };
        let Some(id) =
            optional_string(fields, "id", &location, problems).filter(|id| !id.is_empty())
        else {
            problems.push(Problem::error(
                format!("{location}.id"),
                "this tag has no id; skipped",
            ));
            continue;
        };
        let id = TagId(id);
        if taxonomy.contains(&id) {
            problems.push(Problem::error(
                format!("{location}.id"),
                format!("tag \"{id}\" appears twice; the first one is kept"),
            ));
            continue;
        }
        let label =
            optional_string(fields, "label", &location, problems).unwrap_or_else(|| id.0.clone());
        let color = match optional_string(fields, "color", &location, problems) {
            Some(color) if validate_color(&color).is_ok() => color,
            declared => {
                let chosen = taxonomy.next_color().to_string();
                if let Some(declared) = declared {
                    problems.push(Problem::warning(
                        format!("{location}.color"),
                        format!("colour \"{declared}\" is not of the form #rrggbb; using {chosen}"),
                    ));
                }
                chosen
            }
        };
        let key = optional_string(fields, "key", &location, problems).and_then(|key| {
            let mut chars = key.chars();
            match (chars.next(), chars.next()) {
                (Some(single), None) => Some(single),
                _ => {
                    problems.push(Problem::warning(
                        format!("{location}.key"),
                        format!("shortcut \"{key}\" should be one character; the tag gets none"),
                    ));
                    None
                }
            }
        });
        let description =
            optional_string(fields, "description", &location, problems).unwrap_or_default();
        taxonomy.insert_at(
            taxonomy.tags().len(),
            Tag {
                id,
                label,
                color,
                key,
                description,
            },
        );
    }
    taxonomy
}

fn read_annotations(
    object: &Map<String, Value>,
    root: &str,
    taxonomy: &mut Taxonomy,
    problems: &mut Vec<Problem>,
) -> (Vec<CandidateAnnotation>, Vec<AnchorStatus>) {
    let mut candidates = Vec::new();
    let mut anchors = Vec::new();
    let mut seen_ids = BTreeSet::new();
    for (_, value, location) in array_items(object, "annotations", root, problems) {
        let Some((candidate, anchor)) = read_annotation(value, location, problems) else {
            continue;
        };
        accept_candidate(
            candidate,
            anchor,
            &mut seen_ids,
            taxonomy,
            &mut candidates,
            &mut anchors,
            problems,
        );
    }
    (candidates, anchors)
}

/// Keeps a read annotation unless its id was seen before; a tag the file did not list is
/// added (both readers).
fn accept_candidate(
    candidate: CandidateAnnotation,
    anchor: AnchorStatus,
    seen_ids: &mut BTreeSet<String>,
    taxonomy: &mut Taxonomy,
    candidates: &mut Vec<CandidateAnnotation>,
    anchors: &mut Vec<AnchorStatus>,
    problems: &mut Vec<Problem>,
) {
    if let Some(id) = &candidate.id
        && !seen_ids.insert(id.clone())
    {
        problems.push(Problem::error(
            format!("{}.id", candidate.location),
            format!(
                "annotation id \"{id}\" is used twice; the first one is kept, this one skipped"
            ),
        ));
        return;
    }
    let tag = TagId(candidate.tag.clone());
    if !taxonomy.contains(&tag) {
        problems.push(Problem::warning(
            format!("{}.tag", candidate.location),
            format!("tag \"{tag}\" is not among the file's tags; it is added as a new tag"),
        ));
        taxonomy.ensure(&tag);
    }
    candidates.push(candidate);
    anchors.push(anchor);
}

fn read_annotation(
    value: &Value,
    location: String,
    problems: &mut Vec<Problem>,
) -> Option<(CandidateAnnotation, AnchorStatus)> {
    let Value::Object(fields) = value else {
        problems.push(Problem::error(
            location,
            format!(
                "an annotation should be an object, found {}; skipped",
                json_kind(value)
            ),
        ));
        return None;
    };
    let id = optional_string(fields, "id", &location, problems).filter(|id| !id.is_empty());
    let named = match &id {
        Some(id) => format!("annotation \"{id}\""),
        None => "this annotation".to_string(),
    };
    if id.is_none() {
        problems.push(Problem::warning(
            format!("{location}.id"),
            "this annotation has no id; it gets a new one",
        ));
    }
    let Some(tag) =
        optional_string(fields, "tag", &location, problems).filter(|tag| !tag.is_empty())
    else {
        problems.push(Problem::error(
            format!("{location}.tag"),
            format!("{named} has no tag; skipped"),
        ));
        return None;
    };
    let mut start = read_offset(fields, "start", &location, &named, problems);
    let mut end = read_offset(fields, "end", &location, &named, problems);
    if let (Some(first), Some(last)) = (start, end)
        && first > last
    {
        problems.push(Problem::warning(
            format!("{location}.start"),
            format!(
                "{named} starts at {first}, after its end at {last}; it will be found by its quote"
            ),
        ));
        start = None;
        end = None;
    }
    let anchor = read_anchor(fields, &location, &named, problems);
    let mut text = |name: &str| optional_string(fields, name, &location, problems);
    let candidate = CandidateAnnotation {
        id,
        tag,
        start,
        end,
        quote: text("quote"),
        prefix: text("prefix"),
        suffix: text("suffix"),
        note: text("note").unwrap_or_default(),
        created: text("created"),
        modified: text("modified"),
        creator: text("creator"),
        attributes: read_attributes(fields, &location, problems),
        location,
    };
    Some((candidate, anchor))
}

fn read_offset(
    fields: &Map<String, Value>,
    name: &str,
    location: &str,
    named: &str,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let location = format!("{location}.{name}");
    let complaint = match fields.get(name) {
        None | Some(Value::Null) => "is missing".to_string(),
        Some(Value::Number(number)) => match (number.as_u64(), number.as_i64(), number.as_f64()) {
            (Some(offset), _, _) => match usize::try_from(offset) {
                Ok(offset) => return Some(offset),
                Err(_) => format!("is {offset}, too large for any text"),
            },
            (None, Some(negative), _) => format!("is {negative}; offsets count from 0"),
            // The number as the file wrote it (serde_json's writer, not Rust's float formatting,
            // which nothing else fetched before the first paint needs).
            (None, None, _) => format!("is {number}, not a whole number"),
        },
        Some(other) => format!("is {}, not a number", json_kind(other)),
    };
    problems.push(Problem::warning(
        location,
        format!("the {name} of {named} {complaint}; it will be found by its quote"),
    ));
    None
}

fn read_anchor(
    fields: &Map<String, Value>,
    location: &str,
    named: &str,
    problems: &mut Vec<Problem>,
) -> AnchorStatus {
    let name = optional_string(fields, "anchor", location, problems);
    let score = fields.get("anchor_score").and_then(Value::as_f64);
    anchor_status(name, score, location, named, problems)
}

/// The stored anchor status (both readers): missing is exact.
fn anchor_status(
    name: Option<String>,
    score: Option<f64>,
    location: &str,
    named: &str,
    problems: &mut Vec<Problem>,
) -> AnchorStatus {
    let Some(name) = name else {
        return AnchorStatus::Exact;
    };
    match name.as_str() {
        "exact" => AnchorStatus::Exact,
        "moved" => AnchorStatus::Moved,
        "orphaned" => AnchorStatus::Orphaned,
        "fuzzy" => match score {
            Some(score) if (0.0..=1.0).contains(&score) => AnchorStatus::Fuzzy(score),
            _ => {
                problems.push(Problem::warning(
                    format!("{location}.anchor_score"),
                    format!(
                        "{named} was found approximately but has no score from 0 to 1; using 0"
                    ),
                ));
                AnchorStatus::Fuzzy(0.0)
            }
        },
        other => {
            problems.push(Problem::warning(
                format!("{location}.anchor"),
                format!("unknown anchor status \"{other}\" on {named}; it will be checked again"),
            ));
            AnchorStatus::Exact
        }
    }
}

fn read_attributes(
    fields: &Map<String, Value>,
    location: &str,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, String> {
    let location = format!("{location}.attributes");
    match fields.get("attributes") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Object(entries)) => attribute_entries(entries, &location, problems),
        Some(other) => {
            problems.push(Problem::warning(
                location,
                format!(
                    "attributes should be an object, found {}; skipped",
                    json_kind(other)
                ),
            ));
            BTreeMap::new()
        }
    }
}

/// An annotation's attributes (both readers): text, numbers and true/false kept as text.
fn attribute_entries(
    entries: &Map<String, Value>,
    location: &str,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, String> {
    let mut attributes = BTreeMap::new();
    for (name, value) in entries {
        match value {
            Value::String(text) => {
                attributes.insert(name.clone(), text.clone());
            }
            Value::Number(_) | Value::Bool(_) => {
                attributes.insert(name.clone(), value.to_string());
            }
            other => problems.push(Problem::warning(
                format!("{location}.{name}"),
                format!(
                    "an attribute value should be text, found {}; skipped",
                    json_kind(other)
                ),
            )),
        }
    }
    attributes
}

fn read_relations(
    object: &Map<String, Value>,
    root: &str,
    annotations: &[CandidateAnnotation],
    problems: &mut Vec<Problem>,
) -> Vec<CandidateRelation> {
    let known: BTreeSet<&str> = sorting::set_of(annotations.iter().filter_map(|a| a.id.as_deref()));
    let mut seen_ids = BTreeSet::new();
    let mut relations = Vec::new();
    for (_, value, location) in array_items(object, "relations", root, problems) {
        let Value::Object(fields) = value else {
            problems.push(Problem::error(
                location,
                format!(
                    "a relation should be an object, found {}; skipped",
                    json_kind(value)
                ),
            ));
            continue;
        };
        let id = optional_string(fields, "id", &location, problems);
        if let Some(id) = &id
            && !seen_ids.insert(id.clone())
        {
            problems.push(Problem::error(
                format!("{location}.id"),
                format!(
                    "relation id \"{id}\" is used twice; the first one is kept, this one skipped"
                ),
            ));
            continue;
        }
        let mut end = |name: &str| -> Option<String> {
            let target = optional_string(fields, name, &location, problems);
            match target {
                Some(target) if known.contains(target.as_str()) => Some(target),
                Some(target) => {
                    problems.push(Problem::error(
                        format!("{location}.{name}"),
                        format!("the relation points to annotation \"{target}\", which is not in the file; skipped"),
                    ));
                    None
                }
                None => {
                    problems.push(Problem::error(
                        format!("{location}.{name}"),
                        format!("the relation has no \"{name}\"; skipped"),
                    ));
                    None
                }
            }
        };
        let (Some(from), Some(to)) = (end("from"), end("to")) else {
            continue;
        };
        let Some(kind) =
            optional_string(fields, "kind", &location, problems).filter(|kind| !kind.is_empty())
        else {
            problems.push(Problem::error(
                format!("{location}.kind"),
                "the relation has no kind; skipped",
            ));
            continue;
        };
        relations.push(CandidateRelation {
            location,
            id,
            kind,
            from,
            to,
        });
    }
    relations
}

// ---------------------------------------------------------------------------------------------
// Small field readers: each reports a wrong kind of value and carries on.

/// A string field; missing or null is `None`, any other kind is reported and ignored.
fn optional_string(
    fields: &Map<String, Value>,
    name: &str,
    location: &str,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    match fields.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(other) => {
            problems.push(Problem::warning(
                format!("{location}.{name}"),
                format!("should be text, found {}; ignored", json_kind(other)),
            ));
            None
        }
    }
}

fn string_list(
    fields: &Map<String, Value>,
    name: &str,
    location: &str,
    problems: &mut Vec<Problem>,
) -> Vec<String> {
    let location = format!("{location}.{name}");
    match fields.get(name) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| match item {
                Value::String(text) => Some(text.clone()),
                other => {
                    problems.push(Problem::warning(
                        format!("{location}[{index}]"),
                        format!("should be text, found {}; skipped", json_kind(other)),
                    ));
                    None
                }
            })
            .collect(),
        Some(other) => {
            problems.push(Problem::warning(
                location,
                format!("should be a list, found {}; ignored", json_kind(other)),
            ));
            Vec::new()
        }
    }
}

/// The items of an array field with their index and JSON path; a missing array is empty,
/// another kind of value is reported.
fn array_items<'a>(
    object: &'a Map<String, Value>,
    name: &str,
    root: &str,
    problems: &mut Vec<Problem>,
) -> Vec<(usize, &'a Value, String)> {
    match object.get(name) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| (index, item, format!("{root}.{name}[{index}]")))
            .collect(),
        Some(other) => {
            problems.push(Problem::error(
                format!("{root}.{name}"),
                format!(
                    "should be a list, found {}; nothing read from it",
                    json_kind(other)
                ),
            ));
            Vec::new()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Typed reading: the fast path for well-formed files (what this app writes).
//
// A `serde_json::Value` tree of a stored 1 MB article with 20,000 annotations is about
// 200,000 maps and strings, built and dropped again on every start-up; its peak stays in the
// wasm memory, which never shrinks. Files of the current version whose every field has the
// kind it should are therefore read straight into typed annotations, borrowing strings from
// the input where they have no escapes. Anything else (another kind of value anywhere, an
// annotation that is not an object, a field given twice or not known, an older version that
// needs migrating) makes this path give up, and the file is read again by the field-by-field
// reader above, which reports each such problem and keeps the rest. Both readers give the
// same result for every file the typed one accepts (`tests/native_format.rs` compares them).

/// A string from the input: borrowed when it has no escapes, else owned.
struct InStr<'a>(std::borrow::Cow<'a, str>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for InStr<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = InStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(InStr(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(InStr(std::borrow::Cow::Owned(v.to_string())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(InStr(std::borrow::Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

fn owned(text: Option<InStr<'_>>) -> Option<String> {
    text.map(|text| text.0.into_owned())
}

/// One annotation as the current version writes it; every field optional, none of another
/// kind, no other field (ignored content would not be checked as the field-by-field reader
/// checks it, e.g. for a lone surrogate).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AnnotationIn<'a> {
    #[serde(borrow, default)]
    id: Option<InStr<'a>>,
    #[serde(borrow, default)]
    tag: Option<InStr<'a>>,
    #[serde(default)]
    start: Option<u64>,
    #[serde(default)]
    end: Option<u64>,
    #[serde(borrow, default)]
    quote: Option<InStr<'a>>,
    #[serde(borrow, default)]
    prefix: Option<InStr<'a>>,
    #[serde(borrow, default)]
    suffix: Option<InStr<'a>>,
    #[serde(borrow, default)]
    note: Option<InStr<'a>>,
    #[serde(borrow, default)]
    created: Option<InStr<'a>>,
    #[serde(borrow, default)]
    modified: Option<InStr<'a>>,
    #[serde(borrow, default)]
    creator: Option<InStr<'a>>,
    #[serde(borrow, default)]
    anchor: Option<InStr<'a>>,
    #[serde(default)]
    anchor_score: Option<f64>,
    /// Rare and small: read as values, then exactly as the field-by-field reader does.
    #[serde(default)]
    attributes: Option<Map<String, Value>>,
}

/// An annotation only when it is a JSON object (a derived struct would also take an array).
struct ObjectOnly<T>(T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = ObjectOnly<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(ObjectOnly)
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

/// A field kept as it was given, `null` included (a missing field is `None`).
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    <Value as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// A whole native document (or stored entry): the small fields as values, for the readers
/// above, and the annotations typed. No other field (see [`AnnotationIn`]).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NativeIn<'a> {
    #[serde(default, deserialize_with = "present")]
    format: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    version: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    offset_unit: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    role: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    annotator: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    exercise: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    document: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    tags: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    relations: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    entry_version: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    revision: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    saved: Option<Value>,
    #[serde(borrow, default)]
    annotations: Option<Vec<ObjectOnly<AnnotationIn<'a>>>>,
}

/// What the typed reader read: the native document, and the stored entry's own fields.
pub(crate) struct TypedRead {
    pub read: NativeRead,
    /// `entry_version`, `revision` and `saved`, for the library's reader.
    pub entry_fields: Map<String, Value>,
}

/// Reads `input` on the typed path alone; `None` when the file is not one the typed path
/// reads exactly as the field-by-field reader would (see above). [`read_native_detailed`]
/// tries it first.
pub fn read_native_typed(input: &str) -> Option<NativeRead> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    read_typed_with_entry_fields(input).map(|typed| typed.read)
}

/// Reads `input` field by field alone, as every file the typed path does not take is read.
pub fn read_native_by_fields(input: &str) -> NativeRead {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    match serde_json::from_str::<Value>(input) {
        Ok(value) => read_native_value(value, "$"),
        Err(error) => {
            let mut read = NativeRead::empty();
            read.batch.problems.push(not_json_problem(&error));
            read
        }
    }
}

/// [`read_native_typed`] for `input` without a BOM, with a stored entry's own fields.
pub(crate) fn read_typed_with_entry_fields(input: &str) -> Option<TypedRead> {
    let ObjectOnly(parsed): ObjectOnly<NativeIn<'_>> = serde_json::from_str(input).ok()?;
    let NativeIn {
        format,
        version,
        offset_unit,
        role,
        annotator,
        exercise,
        document,
        tags,
        relations,
        entry_version,
        revision,
        saved,
        annotations,
    } = parsed;
    let mut object = Map::new();
    for (name, value) in [
        ("format", format),
        ("version", version),
        ("offset_unit", offset_unit),
        ("role", role),
        ("annotator", annotator),
        ("exercise", exercise),
        ("document", document),
        ("tags", tags),
        ("relations", relations),
    ] {
        if let Some(value) = value {
            object.insert(name.to_string(), value);
        }
    }
    let mut entry_fields = Map::new();
    for (name, value) in [
        ("entry_version", entry_version),
        ("revision", revision),
        ("saved", saved),
    ] {
        if let Some(value) = value {
            entry_fields.insert(name.to_string(), value);
        }
    }
    let root = "$";
    let mut read = NativeRead::empty();
    if !check_format(&object, root, &mut read.batch.problems) {
        return Some(TypedRead { read, entry_fields });
    }
    let version = read_version(&object, root, &mut read.batch.problems);
    if version.is_some_and(|version| version < u64::from(CURRENT_VERSION)) {
        // An older layout is migrated as values first.
        return None;
    }
    read.declared_version = version;
    let batch = &mut read.batch;
    batch.offset_unit = read_offset_unit(&object, root, &mut batch.problems);
    read.classroom = read_classroom(&object, root, &mut batch.problems);
    store_classroom_in_extra(&read.classroom, &mut batch.extra);
    read_document(&object, root, batch);
    let mut taxonomy = read_tags(&object, root, &mut batch.problems);
    let items = annotations.unwrap_or_default();
    let mut candidates = Vec::with_capacity(items.len());
    let mut anchors = Vec::with_capacity(items.len());
    let mut seen_ids = BTreeSet::new();
    for (index, ObjectOnly(annotation)) in items.into_iter().enumerate() {
        let location = format!("{root}.annotations[{index}]");
        let Some((candidate, anchor)) = typed_annotation(annotation, location, &mut batch.problems)
        else {
            continue;
        };
        accept_candidate(
            candidate,
            anchor,
            &mut seen_ids,
            &mut taxonomy,
            &mut candidates,
            &mut anchors,
            &mut batch.problems,
        );
    }
    batch.annotations = candidates;
    read.anchors = anchors;
    batch.tags = taxonomy.tags().to_vec();
    batch.relations = read_relations(&object, root, &batch.annotations, &mut batch.problems);
    Some(TypedRead { read, entry_fields })
}

/// [`read_annotation`] for a typed annotation: the same problems in the same order.
fn typed_annotation(
    annotation: AnnotationIn<'_>,
    location: String,
    problems: &mut Vec<Problem>,
) -> Option<(CandidateAnnotation, AnchorStatus)> {
    let id = owned(annotation.id).filter(|id| !id.is_empty());
    let named = match &id {
        Some(id) => format!("annotation \"{id}\""),
        None => "this annotation".to_string(),
    };
    if id.is_none() {
        problems.push(Problem::warning(
            format!("{location}.id"),
            "this annotation has no id; it gets a new one",
        ));
    }
    let Some(tag) = owned(annotation.tag).filter(|tag| !tag.is_empty()) else {
        problems.push(Problem::error(
            format!("{location}.tag"),
            format!("{named} has no tag; skipped"),
        ));
        return None;
    };
    let offset = |name: &str, value: Option<u64>, problems: &mut Vec<Problem>| {
        let complaint = match value {
            None => "is missing".to_string(),
            Some(offset) => match usize::try_from(offset) {
                Ok(offset) => return Some(offset),
                Err(_) => format!("is {offset}, too large for any text"),
            },
        };
        problems.push(Problem::warning(
            format!("{location}.{name}"),
            format!("the {name} of {named} {complaint}; it will be found by its quote"),
        ));
        None
    };
    let mut start = offset("start", annotation.start, problems);
    let mut end = offset("end", annotation.end, problems);
    if let (Some(first), Some(last)) = (start, end)
        && first > last
    {
        problems.push(Problem::warning(
            format!("{location}.start"),
            format!(
                "{named} starts at {first}, after its end at {last}; it will be found by its quote"
            ),
        ));
        start = None;
        end = None;
    }
    let anchor = anchor_status(
        owned(annotation.anchor),
        annotation.anchor_score,
        &location,
        &named,
        problems,
    );
    let attributes = match annotation.attributes {
        Some(entries) => attribute_entries(&entries, &format!("{location}.attributes"), problems),
        None => BTreeMap::new(),
    };
    let candidate = CandidateAnnotation {
        id,
        tag,
        start,
        end,
        quote: owned(annotation.quote),
        prefix: owned(annotation.prefix),
        suffix: owned(annotation.suffix),
        note: owned(annotation.note).unwrap_or_default(),
        created: owned(annotation.created),
        modified: owned(annotation.modified),
        creator: owned(annotation.creator),
        attributes,
        location,
    };
    Some((candidate, anchor))
}

// ---------------------------------------------------------------------------------------------
// Back to a document: for our own stored data, where offsets are trusted but still checked.

/// Why a native reading cannot become a document at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NativeDocumentError {
    MissingDocumentId,
    MissingText,
}

impl fmt::Display for NativeDocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NativeDocumentError::MissingDocumentId => write!(f, "the document has no id"),
            NativeDocumentError::MissingText => {
                write!(
                    f,
                    "the file does not include the article's text, so it cannot be opened on its own"
                )
            }
        }
    }
}

impl std::error::Error for NativeDocumentError {}

/// Places every candidate at its stored offsets (no re-anchoring). An annotation whose offsets
/// fall outside the text or whose quote no longer matches is kept as an orphan, with a problem;
/// one without an id or offsets is dropped with a problem. Returns the new problems only.
pub fn document_from_native(
    read: &NativeRead,
) -> Result<(Document, Vec<Problem>), NativeDocumentError> {
    document_from_native_owned(read.clone(), false).map(|opened| (opened.document, opened.problems))
}

/// A native reading made a document by [`document_from_native_owned`].
#[derive(Clone, Debug, PartialEq)]
pub struct NativeOpened {
    pub document: Document,
    /// What placing the annotations found (new problems only).
    pub problems: Vec<Problem>,
    /// What reading the file found.
    pub read_problems: Vec<Problem>,
    pub classroom: ClassroomFields,
}

/// Like [`document_from_native`], taking the reading (its strings move into the document
/// instead of being copied: a stored 1 MB article would otherwise be held twice). With
/// `derive_context`, an annotation whose `prefix` or `suffix` was left out (a stored entry,
/// version 2) gets the context at its offsets in the text, exactly what the writer compared
/// it with; otherwise a left-out context stays empty.
pub fn document_from_native_owned(
    read: NativeRead,
    derive_context: bool,
) -> Result<NativeOpened, NativeDocumentError> {
    let NativeRead {
        batch,
        anchors,
        classroom,
        ..
    } = read;
    let id = batch
        .document_id
        .ok_or(NativeDocumentError::MissingDocumentId)?;
    let text = batch.text.ok_or(NativeDocumentError::MissingText)?;
    let mut document = Document::new(
        DocumentId(id),
        batch.metadata.unwrap_or_default(),
        Text::new(text),
    );
    let mut problems = Vec::new();
    let mut taxonomy = Taxonomy::empty();
    for tag in batch.tags {
        taxonomy.insert_at(taxonomy.tags().len(), tag);
    }
    document.tags = taxonomy;
    document.annotations.reserve(batch.annotations.len());
    let mut anchors = anchors.into_iter();
    for candidate in batch.annotations {
        let stored = anchors.next().unwrap_or(AnchorStatus::Exact);
        if let Some(annotation) = place_candidate(
            candidate,
            stored,
            &document.text,
            derive_context,
            &mut problems,
        ) {
            document.annotations.push(annotation);
        }
    }
    for candidate in batch.relations {
        let Some(id) = candidate.id else {
            problems.push(Problem::error(
                candidate.location,
                "this relation has no id; skipped",
            ));
            continue;
        };
        let from = AnnotationId(candidate.from);
        let to = AnnotationId(candidate.to);
        if document.annotation(&from).is_none() || document.annotation(&to).is_none() {
            problems.push(Problem::error(
                candidate.location,
                format!("relation \"{id}\" links an annotation that could not be read; skipped"),
            ));
            continue;
        }
        let kind = RelationKind::parse(&candidate.kind);
        document.relations.push(Relation {
            id: RelationId(id),
            kind,
            from,
            to,
        });
    }
    Ok(NativeOpened {
        document,
        problems,
        read_problems: batch.problems,
        classroom,
    })
}

fn place_candidate(
    candidate: CandidateAnnotation,
    stored: AnchorStatus,
    text: &Text,
    derive_context: bool,
    problems: &mut Vec<Problem>,
) -> Option<Annotation> {
    let CandidateAnnotation {
        location,
        id,
        tag,
        start,
        end,
        quote,
        prefix,
        suffix,
        note,
        attributes,
        creator,
        created,
        modified,
    } = candidate;
    let (creator, attributes) = crate::domain::import::split_creator(creator, attributes);
    let Some(id) = id else {
        problems.push(Problem::error(
            location,
            "this annotation has no id; skipped",
        ));
        return None;
    };
    let range = match (start, end) {
        (Some(start), Some(end)) => TextRange::from_code_points(start, end).ok(),
        _ => None,
    };
    let mut anchor = stored;
    let quote = match (range, quote) {
        (Some(range), quote) => {
            let slice = text.slice(range).ok();
            let matches = slice.is_some() && (quote.is_none() || quote.as_deref() == slice);
            if !matches && anchor != AnchorStatus::Orphaned {
                let why = match slice {
                    None => format!(
                        "its offsets {}–{} lie outside the text ({} characters)",
                        range.start().0,
                        range.end().0,
                        text.len()
                    ),
                    Some(_) => "its quote no longer matches the text at its offsets".to_string(),
                };
                problems.push(Problem::warning(
                    format!("{location} ({id})"),
                    format!("annotation \"{id}\": {why}; kept as an orphan to review"),
                ));
                anchor = AnchorStatus::Orphaned;
            }
            quote.or(slice.map(str::to_string)).unwrap_or_default()
        }
        (None, quote) => {
            problems.push(Problem::warning(
                format!("{location} ({id})"),
                format!("annotation \"{id}\" has no usable offsets; kept as an orphan to review"),
            ));
            anchor = AnchorStatus::Orphaned;
            quote.unwrap_or_default()
        }
    };
    let range = range.unwrap_or_default();
    let context = |given: Option<String>, derive: &dyn Fn() -> String| match given {
        Some(given) => given,
        None if derive_context => derive(),
        None => String::new(),
    };
    Some(Annotation {
        id: AnnotationId(id),
        tag: TagId(tag),
        range,
        quote,
        prefix: context(prefix, &|| {
            text.before(range.start(), CONTEXT_LEN).to_string()
        }),
        suffix: context(suffix, &|| text.after(range.end(), CONTEXT_LEN).to_string()),
        note,
        attributes,
        creator,
        created: created.unwrap_or_default(),
        modified: modified.unwrap_or_default(),
        anchor,
    })
}
