//! Exchanging annotations with other tools: one file per format, each with an exporter that
//! turns a [`Document`] into text and a reader that turns text back into an [`ImportBatch`].
//!
//! Why here and not in the UI: every format is pure string work, so it is tested natively,
//! round-trip by round-trip. Readers never place annotations in a text; they report the
//! file's offsets, quotes and fields as candidates, and `offset_unit` when the format fixes
//! it. Placement (checking offsets against quotes, re-anchoring) is one shared later step.
//!
//! Every export counts offsets in Unicode code points and says so where the format has room.

mod batches;
pub mod brat;
pub mod csv_export;
mod encoding;
mod hypertext;
pub mod hypothesis;
pub mod jsonl;
pub mod label_studio;
pub mod sniff;
pub mod w3c;
pub mod zip;

use crate::domain::document::Document;

/// The formats a document can be exported to, in the order the export menu shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    W3cWebAnnotation,
    Brat,
    DoccanoJsonl,
    SpacyJsonl,
    LabelStudio,
    Csv,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::W3cWebAnnotation,
        ExportFormat::Brat,
        ExportFormat::DoccanoJsonl,
        ExportFormat::SpacyJsonl,
        ExportFormat::LabelStudio,
        ExportFormat::Csv,
    ];

    pub fn button_label(self) -> &'static str {
        match self {
            ExportFormat::W3cWebAnnotation => "Export W3C Web Annotation",
            ExportFormat::Brat => "Export brat (zip)",
            ExportFormat::DoccanoJsonl => "Export doccano JSONL",
            ExportFormat::SpacyJsonl => "Export spaCy JSONL",
            ExportFormat::LabelStudio => "Export Label Studio",
            ExportFormat::Csv => "Export CSV",
        }
    }

    /// The extension of the main file, without the dot (brat also writes a `.txt`).
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::W3cWebAnnotation => "jsonld",
            ExportFormat::Brat => "ann",
            ExportFormat::DoccanoJsonl | ExportFormat::SpacyJsonl => "jsonl",
            ExportFormat::LabelStudio => "json",
            ExportFormat::Csv => "csv",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ExportFormat::W3cWebAnnotation => {
                "application/ld+json;profile=\"http://www.w3.org/ns/anno.jsonld\""
            }
            ExportFormat::Brat => "text/plain;charset=utf-8",
            ExportFormat::DoccanoJsonl | ExportFormat::SpacyJsonl => "application/jsonl",
            ExportFormat::LabelStudio => "application/json",
            ExportFormat::Csv => "text/csv;charset=utf-8",
        }
    }
}

/// One file to hand to the browser for download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedFile {
    pub name: String,
    pub mime: String,
    pub contents: String,
}

/// What an export made, and what it could not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    pub files: Vec<ExportedFile>,
    /// One line per annotation the format could not hold and that was left out, with why
    /// ("a3 (“the mayor”): orphaned, it has no place in the text"). Empty when nothing was.
    pub left_out: Vec<String>,
    /// The name of the one download: the file's own name, or for brat the zip holding both.
    pub download_name: String,
}

/// What the browser is handed for one export: a single file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Download {
    pub name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

impl Exported {
    /// The export as one download: its only file as it is, or its files (brat's `.txt` and
    /// `.ann`) stored in a zip under their own names, so a person gets one file to keep.
    pub fn download(&self) -> Result<Download, zip::ZipError> {
        match self.files.as_slice() {
            [only] => Ok(Download {
                name: only.name.clone(),
                mime: only.mime.clone(),
                bytes: only.contents.clone().into_bytes(),
            }),
            files => {
                let entries: Vec<(&str, &[u8])> = files
                    .iter()
                    .map(|f| (f.name.as_str(), f.contents.as_bytes()))
                    .collect();
                Ok(Download {
                    name: self.download_name.clone(),
                    mime: "application/zip".to_string(),
                    bytes: zip::store(&entries)?,
                })
            }
        }
    }
}

impl ExportFormat {
    /// Whether the format holds only offsets (no quote without a position), so orphaned
    /// annotations cannot be written without inventing a place for them.
    pub fn offsets_only(self) -> bool {
        matches!(
            self,
            ExportFormat::Brat
                | ExportFormat::DoccanoJsonl
                | ExportFormat::SpacyJsonl
                | ExportFormat::LabelStudio
        )
    }

    /// The end of the main file's name: the two JSONL formats differ before the extension,
    /// so their downloads never take each other's name.
    fn name_suffix(self) -> &'static str {
        match self {
            ExportFormat::DoccanoJsonl => ".doccano.jsonl",
            ExportFormat::SpacyJsonl => ".spacy.jsonl",
            ExportFormat::W3cWebAnnotation => ".jsonld",
            ExportFormat::Brat => ".ann",
            ExportFormat::LabelStudio => ".label-studio.json",
            ExportFormat::Csv => ".csv",
        }
    }
}

/// Exports `document` in `format` under the file stem the native export uses (the
/// publication date and title, see `suggested_file_stem`): one file, or two for brat
/// (`.txt` and `.ann`, downloaded together as `….brat.zip`, see [`Exported::download`]). Orphaned annotations are left out of offset-only formats and listed.
pub fn export_with_report(document: &Document, format: ExportFormat) -> Exported {
    let stem = file_stem(document);
    let single = |contents: String| {
        vec![ExportedFile {
            name: format!("{stem}{}", format.name_suffix()),
            mime: format.mime().to_string(),
            contents,
        }]
    };
    let files = match format {
        ExportFormat::W3cWebAnnotation => single(w3c::export(document)),
        ExportFormat::DoccanoJsonl => single(jsonl::export_doccano(document)),
        ExportFormat::SpacyJsonl => single(jsonl::export_spacy(document)),
        ExportFormat::LabelStudio => single(label_studio::export(document)),
        ExportFormat::Csv => single(csv_export::export(document)),
        ExportFormat::Brat => brat::export(document)
            .into_iter()
            .map(|(name, contents)| ExportedFile {
                name: format!("{stem}{name}"),
                mime: format.mime().to_string(),
                contents,
            })
            .collect(),
    };
    let left_out = if format.offsets_only() {
        document
            .annotations
            .iter()
            .filter(|a| a.is_orphan())
            .map(|a| {
                format!(
                    "{} (“{}”): orphaned, it has no place in the text, so {} cannot hold it",
                    a.id.as_str(),
                    crate::domain::describe::shorten(&a.quote, 60),
                    format
                        .button_label()
                        .trim_start_matches("Export ")
                        .trim_end_matches(" (zip)")
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let download_name = match format {
        ExportFormat::Brat => format!("{stem}.brat.zip"),
        _ => format!("{stem}{}", format.name_suffix()),
    };
    Exported {
        files,
        left_out,
        download_name,
    }
}

/// Exports `document` in `format`: the files of [`export_with_report`].
pub fn export(document: &Document, format: ExportFormat) -> Vec<ExportedFile> {
    export_with_report(document, format).files
}

/// The native export's stem: publication date and title, cut at a word ("article" when
/// there is no title), so every download of one document shares one name.
fn file_stem(document: &Document) -> String {
    let metadata = &document.metadata;
    crate::domain::article_input::metadata::suggested_file_stem(
        &metadata.title,
        &metadata.published,
    )
}
