//! The one call the browser makes when the person drops or picks annotation files: it turns
//! raw files into import items, each with the document it goes into, so the UI only shows
//! the result and applies it.
//!
//! Why a separate step: reading (formats), placing (anchoring) and merging (`merge`) are
//! each pure and tested on their own, but deciding *which document* a file belongs to needs
//! all of them plus the library. Doing that here keeps the UI free of business rules.
//!
//! For every batch read, the target is decided from the text it carries:
//! - text whose SHA-256 equals a library document's text → merge into that document;
//! - text not in the library → a new document made from it;
//! - no text → placed by quote and context in the *open* document's text.
//!
//! Merging is not done here: the caller applies [`PreparedImport::incoming`] with
//! `history::Editor::import` against the document as it is at apply time (for a new
//! document, against [`ImportTarget::New`]'s empty document), then reports with
//! [`describe_outcome`] and [`ImportPreparation::summary_line`]. Items are applied in order:
//! an `Existing` target may name a document that an earlier `New` item creates (two files
//! with the same new text make one document, not twins).

use crate::domain::anchor::unit_evidence;
use crate::domain::anchor::{self, PlacementCounts};
use crate::domain::annotation::{AnchorStatus, Annotation, Relation, RelationId};
use crate::domain::article_input::limits::{
    check_annotation_count, check_article, check_file_size, check_json_nesting,
};
use crate::domain::document::{Document, DocumentId};
use crate::domain::format::decode_utf8;
use crate::domain::format::library::read_library_backup_detailed;
use crate::domain::format::native::{
    ClassroomFields, ClassroomRole, Exercise, NativeRead, document_from_native,
    read_native_detailed,
};
use crate::domain::import::{ImportBatch, OffsetUnit, Problem, Severity};
use crate::domain::interchange::sniff::{ACCEPTED_FORMATS, NotRecognised, Sniffed, sniff};
use crate::domain::interchange::{brat, jsonl, label_studio, sniff::read_or_defer};
use crate::domain::merge::{ImportSummary, IncomingBatch};
use crate::domain::tag::Taxonomy;
use crate::domain::text::{Text, sha256_hex};
use std::collections::BTreeSet;

/// How many times the id generator is asked for an unused document id.
const FRESH_DOCUMENT_ID_ATTEMPTS: usize = 64;

/// One file as the browser read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What the importer needs to know of each stored document: its id and its text's SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LibraryDocRef {
    pub id: DocumentId,
    pub text_sha256: String,
}

/// Where one import item goes.
#[derive(Clone, Debug, PartialEq)]
// A preparation holds a handful of items; boxing the new document would only add noise.
#[allow(clippy::large_enum_variant)]
pub enum ImportTarget {
    /// Merge into this stored (or open) document, as it is when the import is applied.
    Existing(DocumentId),
    /// Create this document (text, metadata and tags, no annotations yet), then apply the
    /// item's `incoming` to it like any other import.
    New(Document),
}

/// One batch, read and placed, waiting to be merged.
#[derive(Clone, Debug, PartialEq)]
pub struct PreparedImport {
    /// Where it came from: `notes.json`, `data.jsonl line 3`, `backup.json $.documents[1]`,
    /// `article.ann + article.txt`.
    pub source: String,
    /// The format's name, for messages.
    pub format: String,
    pub target: ImportTarget,
    /// The title to name the target by in messages (the id when there is no title).
    pub target_title: String,
    /// The annotations placed in the target's text, with the relations and tags.
    pub incoming: IncomingBatch,
    /// Set when the offsets were not in the unit the file declared.
    pub unit_note: Option<String>,
    pub counts: PlacementCounts,
    /// Reading and placing problems, located as `source: location`.
    pub problems: Vec<Problem>,
    /// The classroom fields of a native file (empty for other formats), so the UI can route
    /// a student's attempt to the exercise it answers.
    pub classroom: ClassroomFields,
    /// Set when the file carries a text that differs from the open article's but looks like
    /// a version of it ([`is_version_of`]): the same annotations placed on the open text by
    /// their quotes. The person chooses ([`ImportPreparation::choose`]); until then the item
    /// opens as its own document, named apart from the open one.
    pub on_open_text: Option<Box<PreparedImport>>,
    /// Set when the file's quote-less offsets could be code points or UTF-16 units and
    /// nothing in them decided (`anchor::unit_evidence`): the same item read the other way.
    /// The person chooses ([`ImportPreparation::choose_unit`]); until then the format's
    /// unit is taken. The unit is the other reading's.
    pub in_other_unit: Option<(OffsetUnit, Box<PreparedImport>)>,
}

impl PreparedImport {
    pub fn role(&self) -> Option<ClassroomRole> {
        self.classroom.role
    }

    pub fn annotator(&self) -> Option<&str> {
        self.classroom.annotator.as_deref()
    }

    pub fn exercise(&self) -> Option<&Exercise> {
        self.classroom.exercise.as_ref()
    }
}

/// Everything a set of files gave: the items to apply and the problems of files (or parts of
/// files) that gave no item.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportPreparation {
    /// How many files were given (a brat pair counts as two).
    pub file_count: usize,
    pub items: Vec<PreparedImport>,
    pub problems: Vec<Problem>,
}

/// One file whose offsets could be read either way: what each reading places.
#[derive(Clone, Copy, Debug)]
pub struct OfferedReading<'a> {
    pub source: &'a str,
    /// The item read in the format's unit.
    pub as_read: &'a PreparedImport,
    /// The unit of the other reading.
    pub other_unit: OffsetUnit,
    pub other: &'a PreparedImport,
}

impl OfferedReading<'_> {
    /// The unit the file was read in as the format counts.
    pub fn formats_unit(&self) -> OffsetUnit {
        unit_evidence::other_unit(self.other_unit)
    }
}

/// Which reading of quote-less offsets to take when nothing in them decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitChoice {
    /// The unit the format counts in (as read).
    FormatsUnit,
    /// The other unit (UTF-16 units for code points, or the reverse).
    OtherUnit,
}

/// What to do with files whose text is another version of the open article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VersionChoice {
    /// Place the annotations on the open text, re-anchored by their quotes.
    PlaceOnOpenText,
    /// Open the file's text as its own document (named apart from the open one).
    OwnDocument,
}

impl ImportPreparation {
    /// Whether some file's text is another version of the open article, so the person should
    /// choose where its annotations go.
    pub fn needs_version_choice(&self) -> bool {
        self.items.iter().any(|item| item.on_open_text.is_some())
    }

    /// Whether some file's quote-less offsets could be read in either unit, nothing in them
    /// deciding, so the person should choose (asked after the version question).
    pub fn needs_unit_choice(&self) -> bool {
        self.items.iter().any(|item| item.in_other_unit.is_some())
    }

    /// The items that offer the other reading, for the question.
    pub fn unit_choices(&self) -> Vec<OfferedReading<'_>> {
        self.items
            .iter()
            .filter_map(|item| {
                let (unit, other) = item.in_other_unit.as_ref()?;
                Some(OfferedReading {
                    source: &item.source,
                    as_read: item,
                    other_unit: *unit,
                    other,
                })
            })
            .collect()
    }

    /// Applies the person's choice of unit to every item that offered one.
    pub fn choose_unit(&mut self, choice: UnitChoice) {
        for item in &mut self.items {
            let Some((_, other)) = item.in_other_unit.take() else {
                continue;
            };
            if choice == UnitChoice::OtherUnit {
                *item = *other;
            }
        }
    }

    /// Applies the person's choice to every item that offered one.
    pub fn choose(&mut self, choice: VersionChoice) {
        for item in &mut self.items {
            let Some(on_open_text) = item.on_open_text.take() else {
                continue;
            };
            if choice == VersionChoice::PlaceOnOpenText {
                *item = *on_open_text;
            }
        }
    }

    /// Every problem: those of the preparation, then each item's.
    pub fn all_problems(&self) -> Vec<&Problem> {
        self.problems
            .iter()
            .chain(self.items.iter().flat_map(|item| item.problems.iter()))
            .collect()
    }

    /// One line for the status bar, once the items have been applied. `outcomes[i]` is the
    /// summary of applying `items[i]` (`None` if it was not applied). For example
    /// "2 files: 12 annotations imported into “Title”, 3 orphaned, 1 rejected — details".
    /// Zero orphaned or rejected are left out; "— details" is added when there is anything
    /// more to read (problems, orphans, rejections, a unit note).
    pub fn summary_line(&self, outcomes: &[Option<ImportSummary>]) -> String {
        let files = plural(self.file_count, "file", "files");
        let mut added = 0;
        let mut orphaned = 0;
        let mut rejected = 0;
        let mut moved = 0;
        let mut fuzzy = 0;
        let mut titles: Vec<&str> = Vec::new();
        for (item, outcome) in self.items.iter().zip(outcomes) {
            let Some(summary) = outcome else { continue };
            added += summary.added;
            moved += item.counts.moved;
            fuzzy += item.counts.fuzzy;
            orphaned += summary.orphaned;
            rejected += item.counts.rejected + summary.rejected.len();
            if !titles.contains(&item.target_title.as_str()) {
                titles.push(&item.target_title);
            }
        }
        let into = match titles.as_slice() {
            [] => String::new(),
            [only] => format!(" into “{only}”"),
            many => format!(" into {} documents", many.len()),
        };
        let mut line = format!(
            "{files}: {} imported{into}",
            plural(added, "annotation", "annotations")
        );
        if moved > 0 {
            line.push_str(&format!(", {moved} moved"));
        }
        if fuzzy > 0 {
            line.push_str(&format!(", {fuzzy} fuzzy"));
        }
        if orphaned > 0 {
            line.push_str(&format!(", {orphaned} orphaned"));
        }
        if rejected > 0 {
            line.push_str(&format!(", {rejected} rejected"));
        }
        let has_details = orphaned > 0
            || rejected > 0
            || moved > 0
            || fuzzy > 0
            || !self.all_problems().is_empty()
            || self.items.iter().any(|item| item.unit_note.is_some());
        if has_details {
            line.push_str(" — details");
        }
        line
    }
}

/// "N imported, M merged, X moved, Y fuzzy, K orphaned, J rejected" for one applied item:
/// imported are the annotations added, merged those already present, moved and fuzzy those
/// placed by their quote away from their offsets (exactly or approximately), rejected those
/// the placing or the merge left out (relations included).
pub fn describe_outcome(prepared: &PreparedImport, summary: &ImportSummary) -> String {
    format!(
        "{} imported, {} merged, {} moved, {} fuzzy, {} orphaned, {} rejected",
        summary.added,
        summary.already_present,
        prepared.counts.moved,
        prepared.counts.fuzzy,
        summary.orphaned,
        prepared.counts.rejected + summary.rejected.len()
    )
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// Reads `files`, pairs brat `.ann`/`.txt` files with the same stem, and decides each
/// batch's target against `library` and `open_document`. `new_id(prefix)` yields fresh ids
/// ("a" annotation, "r" relation, "d" document); `now` fills missing times. Never panics.
pub fn prepare_import(
    files: &[InputFile],
    library: &[LibraryDocRef],
    open_document: Option<&Document>,
    new_id: &mut dyn FnMut(&str) -> String,
    now: &str,
) -> ImportPreparation {
    let mut preparer = Preparer {
        library,
        open_document,
        new_id,
        now,
        taken_document_ids: library
            .iter()
            .map(|entry| entry.id.clone())
            .chain(open_document.map(|doc| doc.id.clone()))
            .collect(),
        created: Vec::new(),
        preparation: ImportPreparation {
            file_count: files.len(),
            ..ImportPreparation::default()
        },
    };
    let paired_texts = brat_pairs(files);
    for (index, file) in files.iter().enumerate() {
        if paired_texts.iter().any(|(_, txt)| *txt == index) {
            continue;
        }
        let companion = paired_texts
            .iter()
            .find(|(ann, _)| *ann == index)
            .and_then(|(_, txt)| files.get(*txt));
        match companion {
            Some(txt) => preparer.brat_pair(file, txt),
            None => preparer.file(file),
        }
    }
    preparer.preparation
}

/// (index of `.ann`, index of `.txt`) for every `.ann` given with a `.txt` of the same stem.
fn brat_pairs(files: &[InputFile]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (ann_index, ann) in files.iter().enumerate() {
        let Some(stem) = stem_with_extension(&ann.name, "ann") else {
            continue;
        };
        let txt = files.iter().enumerate().find(|(txt_index, txt)| {
            stem_with_extension(&txt.name, "txt") == Some(stem)
                && !pairs.iter().any(|(_, taken)| taken == txt_index)
        });
        if let Some((txt_index, _)) = txt {
            pairs.push((ann_index, txt_index));
        }
    }
    pairs
}

fn stem_with_extension<'a>(name: &'a str, extension: &str) -> Option<&'a str> {
    let (stem, found) = name.rsplit_once('.')?;
    found.eq_ignore_ascii_case(extension).then_some(stem)
}

fn located(source: &str, problem: Problem) -> Problem {
    let location = if problem.location.is_empty() {
        source.to_string()
    } else {
        format!("{source}: {}", problem.location)
    };
    Problem {
        location,
        ..problem
    }
}

/// Where a batch's annotations are placed, and in which document they end up.
enum Placing<'a> {
    /// In the batch's own text, which is the text of `DocumentId` (library or open document).
    OwnTextOfExisting(DocumentId),
    /// In the batch's own text, which becomes a new document.
    OwnTextOfNew,
    /// In the open document's text, the batch having none.
    OpenDocument(&'a Document),
}

struct Preparer<'a, 'b> {
    library: &'a [LibraryDocRef],
    open_document: Option<&'a Document>,
    new_id: &'b mut dyn FnMut(&str) -> String,
    now: &'a str,
    taken_document_ids: BTreeSet<DocumentId>,
    /// (text SHA-256, id) of the documents earlier items create, so that a second batch
    /// with the same text merges into the first instead of making a twin.
    created: Vec<(String, DocumentId)>,
    preparation: ImportPreparation,
}

impl<'a> Preparer<'a, '_> {
    fn problem(&mut self, source: &str, message: String) {
        self.preparation
            .problems
            .push(Problem::error(source, message));
    }

    /// The size limit, and for JSON the nesting limit, checked before any reading.
    fn fits(&mut self, file: &InputFile) -> bool {
        let looks_like_json = file
            .bytes
            .iter()
            .find(|byte| !byte.is_ascii_whitespace())
            .is_some_and(|first| *first == b'{' || *first == b'[');
        let checked = check_file_size(file.bytes.len()).and_then(|()| {
            if looks_like_json {
                check_json_nesting(&file.bytes)
            } else {
                Ok(())
            }
        });
        match checked {
            Ok(()) => true,
            Err(error) => {
                self.problem(&file.name, error.to_string());
                false
            }
        }
    }

    fn brat_pair(&mut self, ann: &InputFile, txt: &InputFile) {
        if !self.fits(ann) || !self.fits(txt) {
            return;
        }
        let source = format!("{} + {}", ann.name, txt.name);
        let batch = brat::read_files(&ann.bytes, &txt.bytes);
        self.batch(source, batch, None, false);
    }

    fn file(&mut self, file: &InputFile) {
        if !self.fits(file) {
            return;
        }
        let source = file.name.clone();
        let kind = sniff(&file.bytes);
        match kind {
            Sniffed::NativeJson => match decode_utf8(&file.bytes) {
                Ok(input) => {
                    let read = read_native_detailed(input);
                    let batch = read.batch.clone();
                    self.batch(source, batch, Some(&read), false);
                }
                Err(message) => self.problem(&source, message),
            },
            Sniffed::LibraryBackup => match decode_utf8(&file.bytes) {
                Ok(input) => {
                    let (reads, problems) = read_library_backup_detailed(input);
                    for problem in problems {
                        self.preparation.problems.push(located(&source, problem));
                    }
                    for (number, read) in reads.iter().enumerate() {
                        let part = format!("{source} $.documents[{number}]");
                        self.batch(part, read.batch.clone(), Some(read), false);
                    }
                }
                Err(message) => self.problem(&source, message),
            },
            Sniffed::DoccanoJsonl | Sniffed::SpacyJsonl | Sniffed::LabelStudio => {
                let text = decode_utf8(&file.bytes).unwrap_or("");
                let parts = if kind == Sniffed::LabelStudio {
                    label_studio::read_tasks(text)
                } else {
                    jsonl::read_documents(text)
                };
                for (location, batch) in parts {
                    self.batch(format!("{source} {location}"), batch, None, false);
                }
            }
            Sniffed::BratAnn => {
                let Some(open) = self.open_document else {
                    self.problem(
                        &source,
                        format!(
                            "a brat .ann file needs its article text: import it together with \
                             its .txt ({}), or open the article first, then import",
                            stem_with_extension(&source, "ann")
                                .map(|stem| format!("{stem}.txt"))
                                .unwrap_or_else(|| "same name, ending .txt".to_string())
                        ),
                    );
                    return;
                };
                let batch = brat::read(&file.bytes, Some(open.text.as_str()));
                self.batch(source, batch, None, true);
            }
            Sniffed::NotRecognised(NotRecognised::UnknownContent)
                if stem_with_extension(&source, "txt").is_some() =>
            {
                self.problem(
                    &source,
                    format!(
                        "this looks like an article, not an annotation file: open it as an \
                         article, or import it together with its brat .ann. Accepted formats: \
                         {ACCEPTED_FORMATS}"
                    ),
                );
            }
            Sniffed::NotRecognised(why) => self.problem(&source, why.to_string()),
            Sniffed::W3cWebAnnotation | Sniffed::Hypothesis | Sniffed::Csv => {
                match read_or_defer(&file.bytes, None) {
                    Ok(batch) => self.batch(source, batch, None, false),
                    Err(kind) => {
                        self.problem(&source, format!("{} could not be read here", kind.name()))
                    }
                }
            }
        }
    }

    /// Decides the target of one batch and places its annotations.
    fn batch(
        &mut self,
        source: String,
        batch: ImportBatch,
        native: Option<&NativeRead>,
        text_is_open_documents: bool,
    ) {
        let mut batch = batch;
        batch.map_tag_names();
        let mut problems: Vec<Problem> = batch
            .problems
            .iter()
            .cloned()
            .map(|problem| located(&source, problem))
            .collect();
        // A part that gave nothing but errors (a refused file, a broken record) makes no
        // document: only text read without complaint becomes an empty document.
        let refused = problems
            .iter()
            .any(|problem| problem.severity == Severity::Error);
        let nothing_to_import = batch.annotations.is_empty()
            && batch.relations.is_empty()
            && (batch.text.is_none() || refused);
        if nothing_to_import {
            if problems.is_empty() {
                problems.push(Problem::warning(&source, "the file holds no annotations"));
            }
            self.preparation.problems.extend(problems);
            return;
        }
        if let Err(error) = check_annotation_count(batch.annotations.len()) {
            self.problem(&source, error.to_string());
            return;
        }
        let placing = match (&batch.text, self.open_document) {
            (Some(_), Some(open)) if text_is_open_documents => {
                Placing::OwnTextOfExisting(open.id.clone())
            }
            (Some(text), open) => {
                let sha = sha256_hex(text);
                let in_library = self
                    .library
                    .iter()
                    .find(|entry| entry.text_sha256.eq_ignore_ascii_case(&sha))
                    .map(|entry| &entry.id)
                    .or_else(|| {
                        self.created
                            .iter()
                            .find(|(created, _)| *created == sha)
                            .map(|(_, id)| id)
                    });
                match (in_library, open) {
                    (Some(id), _) => Placing::OwnTextOfExisting(id.clone()),
                    (None, Some(open)) if open.text.sha256() == sha => {
                        Placing::OwnTextOfExisting(open.id.clone())
                    }
                    _ => {
                        if let Err(error) = check_article(text) {
                            self.preparation.problems.extend(problems);
                            self.problem(&source, error.to_string());
                            return;
                        }
                        Placing::OwnTextOfNew
                    }
                }
            }
            (None, Some(open)) => {
                if let Some(sha) = &batch.text_sha256
                    && !sha.eq_ignore_ascii_case(open.text.sha256())
                {
                    problems.push(Problem::warning(
                        &source,
                        "the file was made on a different version of the article than the one \
                         open; its annotations were placed by their quotes",
                    ));
                }
                Placing::OpenDocument(open)
            }
            (None, None) => {
                // Keep what the reader said: it explains an empty or broken file better.
                self.preparation.problems.extend(problems);
                self.problem(
                    &source,
                    "this file has no article text; open the article first, then import"
                        .to_string(),
                );
                return;
            }
        };
        let own_text = batch.text.clone().map(Text::new);
        let text = match (&placing, &own_text) {
            (Placing::OpenDocument(open), _) => &open.text,
            (_, Some(text)) => text,
            (_, None) => return,
        };
        // A file whose text is another version of the open article: also place it on the
        // open text, so the person can choose.
        let on_open_text = match (&placing, self.open_document) {
            (Placing::OwnTextOfNew, Some(open))
                if own_text.as_ref().is_some_and(|own| {
                    is_version_of(own, batch.document_id.as_deref(), &batch, open)
                }) =>
            {
                let placed = self.place(&open.text, &batch, native);
                let mut problems = problems.clone();
                problems.push(Problem::warning(
                    &source,
                    "the file was made on another version of the open article; its annotations \
                     were placed by their quotes",
                ));
                problems.extend(
                    placed
                        .problems
                        .into_iter()
                        .map(|problem| located(&source, problem)),
                );
                Some(Box::new(PreparedImport {
                    source: source.clone(),
                    format: batch.format.clone(),
                    target: ImportTarget::Existing(open.id.clone()),
                    target_title: title_or_id(&open.metadata.title, &open.id),
                    incoming: IncomingBatch {
                        annotations: placed.annotations,
                        relations: placed.relations,
                        tags: batch.tags.clone(),
                    },
                    unit_note: placed.unit_note,
                    counts: placed.counts,
                    problems,
                    classroom: native
                        .map(|read| read.classroom.clone())
                        .unwrap_or_default(),
                    on_open_text: None,
                    in_other_unit: None,
                }))
            }
            _ => None,
        };
        let placed = self.place(text, &batch, native);
        problems.extend(
            placed
                .problems
                .into_iter()
                .map(|problem| located(&source, problem)),
        );
        let (target, target_title) = match placing {
            Placing::OwnTextOfExisting(id) => {
                let title = self.title_of_existing(&id, &batch);
                (ImportTarget::Existing(id), title)
            }
            Placing::OpenDocument(open) => (
                ImportTarget::Existing(open.id.clone()),
                title_or_id(&open.metadata.title, &open.id),
            ),
            Placing::OwnTextOfNew => {
                let Some(id) = self.document_id_for(&batch) else {
                    self.preparation.problems.extend(problems);
                    self.problem(
                        &source,
                        "no unused document id could be found for the new document".to_string(),
                    );
                    return;
                };
                let mut metadata = batch.metadata.clone().unwrap_or_default();
                if on_open_text.is_some() {
                    metadata.title = version_title(&metadata.title, &source);
                }
                let mut document = Document::new(
                    id,
                    metadata,
                    own_text.clone().unwrap_or_else(|| Text::new("")),
                );
                if !batch.tags.is_empty() {
                    let mut taxonomy = Taxonomy::empty();
                    for tag in &batch.tags {
                        taxonomy.adopt(tag.clone());
                    }
                    document.tags = taxonomy;
                }
                let title = title_or_id(&document.metadata.title, &document.id);
                self.created
                    .push((document.text.sha256().to_string(), document.id.clone()));
                (ImportTarget::New(document), title)
            }
        };
        // Offsets that could be read either way: the other reading, placed on the same text.
        let in_other_unit = batch.other_reading.as_ref().map(|(unit, other)| {
            let mut other = other.clone();
            other.map_tag_names();
            let placed = self.place(text, &other, native);
            let problems = other
                .problems
                .iter()
                .cloned()
                .chain(placed.problems)
                .map(|problem| located(&source, problem))
                .collect();
            let item = PreparedImport {
                source: source.clone(),
                format: batch.format.clone(),
                target: target.clone(),
                target_title: target_title.clone(),
                incoming: IncomingBatch {
                    annotations: placed.annotations,
                    relations: placed.relations,
                    tags: other.tags.clone(),
                },
                unit_note: placed.unit_note,
                counts: placed.counts,
                problems,
                classroom: ClassroomFields::default(),
                on_open_text: None,
                in_other_unit: None,
            };
            (*unit, Box::new(item))
        });
        self.preparation.items.push(PreparedImport {
            source,
            format: batch.format.clone(),
            target,
            target_title,
            incoming: IncomingBatch {
                annotations: placed.annotations,
                relations: placed.relations,
                tags: batch.tags.clone(),
            },
            unit_note: placed.unit_note,
            counts: placed.counts,
            problems,
            classroom: native
                .map(|read| read.classroom.clone())
                .unwrap_or_default(),
            on_open_text,
            in_other_unit,
        });
    }

    /// A native file with its text and id is our own data: its offsets and stored anchor
    /// statuses are kept (orphans stay orphans). Everything else is placed by `anchor::place`.
    fn place(&mut self, text: &Text, batch: &ImportBatch, native: Option<&NativeRead>) -> Placed {
        if let Some(read) = native
            && batch.text.as_deref() == Some(text.as_str())
            && let Ok((document, problems)) = document_from_native(read)
        {
            let mut counts = PlacementCounts::default();
            for annotation in &document.annotations {
                match annotation.anchor {
                    AnchorStatus::Exact => counts.exact += 1,
                    AnchorStatus::Moved => counts.moved += 1,
                    AnchorStatus::Fuzzy(_) => counts.fuzzy += 1,
                    AnchorStatus::Orphaned => counts.orphaned += 1,
                }
            }
            counts.rejected = batch
                .annotations
                .len()
                .saturating_sub(document.annotations.len());
            return Placed {
                annotations: document.annotations,
                relations: document.relations,
                unit_note: None,
                counts,
                problems,
            };
        }
        // `anchor::place` draws annotation and relation ids from one generator: note which
        // ids it drew, and give relations that got one a relation id instead.
        let new_id = &mut *self.new_id;
        let mut drawn: BTreeSet<String> = BTreeSet::new();
        let placement = anchor::place(
            text,
            batch,
            &mut || {
                let id = new_id("a");
                drawn.insert(id.clone());
                id
            },
            self.now,
        );
        let relations = placement
            .relations
            .into_iter()
            .map(|relation| {
                if drawn.contains(&relation.id.0) {
                    Relation {
                        id: RelationId((self.new_id)("r")),
                        ..relation
                    }
                } else {
                    relation
                }
            })
            .collect();
        Placed {
            annotations: placement.annotations,
            relations,
            unit_note: placement.unit_note,
            counts: placement.counts,
            problems: placement.problems,
        }
    }

    fn title_of_existing(&self, id: &DocumentId, batch: &ImportBatch) -> String {
        let from_batch = batch
            .metadata
            .as_ref()
            .map(|metadata| metadata.title.as_str())
            .unwrap_or("");
        match self.open_document {
            Some(open) if &open.id == id && !open.metadata.title.is_empty() => {
                open.metadata.title.clone()
            }
            _ => title_or_id(from_batch, id),
        }
    }

    /// The batch's document id when it is free, else a fresh "d…" id; `None` if the generator
    /// keeps returning taken ids.
    fn document_id_for(&mut self, batch: &ImportBatch) -> Option<DocumentId> {
        let from_batch = batch
            .document_id
            .as_deref()
            .filter(|id| !id.trim().is_empty())
            .map(|id| DocumentId(id.to_string()))
            .filter(|id| !self.taken_document_ids.contains(id));
        let id = match from_batch {
            Some(id) => id,
            None => (0..FRESH_DOCUMENT_ID_ATTEMPTS)
                .map(|_| DocumentId((self.new_id)("d")))
                .find(|id| !id.0.is_empty() && !self.taken_document_ids.contains(id))?,
        };
        self.taken_document_ids.insert(id.clone());
        Some(id)
    }
}

/// What placing one batch gave, whichever way it was placed.
struct Placed {
    annotations: Vec<Annotation>,
    relations: Vec<Relation>,
    unit_note: Option<String>,
    counts: PlacementCounts,
    problems: Vec<Problem>,
}

/// Whether a file's `text` (with the document id and metadata it carried) is another version
/// of the `open` article rather than a different article: it names the open document's id,
/// or carries its title, or the two texts share at least half of the shorter one as a common
/// beginning plus end (a few words changed in one place).
pub fn is_version_of(
    text: &Text,
    document_id: Option<&str>,
    batch: &ImportBatch,
    open: &Document,
) -> bool {
    if text.as_str() == open.text.as_str() {
        return false;
    }
    if document_id.is_some_and(|id| id == open.id.0) {
        return true;
    }
    let title = batch
        .metadata
        .as_ref()
        .map(|m| m.title.trim())
        .unwrap_or("");
    if !title.is_empty() && title == open.metadata.title.trim() {
        return true;
    }
    let (a, b) = (text.as_str().as_bytes(), open.text.as_str().as_bytes());
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    // `prefix` is at most the shorter length, so both tails exist; `get` keeps that explicit.
    let suffix = a
        .get(prefix..)
        .unwrap_or_default()
        .iter()
        .rev()
        .zip(b.get(prefix..).unwrap_or_default().iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let shorter = a.len().min(b.len());
    shorter > 0 && (prefix + suffix) * 2 >= shorter
}

/// The title of a file's own document when it is another version of the open article: the
/// title with where it came from, so the two can be told apart in the Library.
fn version_title(title: &str, source: &str) -> String {
    let title = title.trim();
    if title.is_empty() {
        format!("Version from {source}")
    } else {
        format!("{title} (version from {source})")
    }
}

fn title_or_id(title: &str, id: &DocumentId) -> String {
    if title.trim().is_empty() {
        id.0.clone()
    } else {
        title.to_string()
    }
}

/// Whether any problem of the preparation is an error (something was not imported).
pub fn has_errors(preparation: &ImportPreparation) -> bool {
    preparation
        .all_problems()
        .iter()
        .any(|problem| problem.severity == Severity::Error)
}
