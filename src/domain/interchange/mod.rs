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
pub mod jsonl;
pub mod label_studio;
pub mod sniff;
pub mod w3c;

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
            ExportFormat::Brat => "Export brat",
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

/// Exports `document` in `format`: one file, or two for brat (`.txt` and `.ann`).
pub fn export(document: &Document, format: ExportFormat) -> Vec<ExportedFile> {
    let stem = file_stem(document);
    let single = |contents: String| {
        vec![ExportedFile {
            name: format!("{stem}.{}", format.extension()),
            mime: format.mime().to_string(),
            contents,
        }]
    };
    match format {
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
    }
}

/// A file name from the title ("Mayor's claims" → "mayor-s-claims"), else the document id.
fn file_stem(document: &Document) -> String {
    let from_title = crate::domain::tag::id_from_label(&document.metadata.title);
    if !from_title.is_empty() {
        return from_title;
    }
    let from_id = crate::domain::tag::id_from_label(&document.id.0);
    if from_id.is_empty() {
        "annotations".to_string()
    } else {
        from_id
    }
}
