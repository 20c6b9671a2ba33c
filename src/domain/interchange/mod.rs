//! Exchanging annotations with other tools: one file per format, each with an exporter that
//! turns a [`Document`] into text and a reader that turns text back into an [`ImportBatch`].
//!
//! Why here and not in the UI: every format is pure string work, so it is tested natively,
//! round-trip by round-trip. Readers never place annotations in a text; they report the
//! file's offsets, quotes and fields as candidates, and `offset_unit` when the format fixes
//! it. Placement (checking offsets against quotes, re-anchoring) is one shared later step.
//!
//! Every export counts offsets in Unicode code points and says so where the format has room.

pub mod brat;
pub mod csv_export;
pub mod jsonl;
pub mod label_studio;
pub mod sniff;
pub mod w3c;

use crate::domain::document::Document;
use crate::domain::import::{ImportBatch, OffsetUnit, Problem};

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

/// One batch from a file that may hold several documents: the first document read (with
/// the problems of every part that could not be read), and a warning for each further
/// document, which the caller imports separately.
pub(crate) fn first_document(batches: Vec<(String, ImportBatch)>, format: &str) -> ImportBatch {
    let mut chosen: Option<ImportBatch> = None;
    let mut problems = Vec::new();
    for (location, batch) in batches {
        let is_document = batch.text.is_some() || !batch.annotations.is_empty();
        match &chosen {
            None if is_document => chosen = Some(batch),
            Some(_) if is_document => problems.push(Problem::warning(
                location,
                format!(
                    "another document ({} annotations) in the same file was not imported with the first; import it on its own",
                    batch.annotations.len()
                ),
            )),
            _ => problems.extend(batch.problems),
        }
    }
    let mut batch = chosen.unwrap_or_else(|| {
        let mut empty = ImportBatch::new(format);
        empty.offset_unit = Some(OffsetUnit::CodePoint);
        empty
    });
    batch.problems.extend(problems);
    batch
}

/// Percent-encodes every character for which `keep` is false, and `%` itself, as UTF-8
/// bytes. Used wherever a format cannot hold a character (spaces in brat values, ids in IRIs).
pub(crate) fn percent_encode(text: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '%' && keep(c) {
            out.push(c);
            continue;
        }
        let mut buffer = [0u8; 4];
        for byte in c.encode_utf8(&mut buffer).bytes() {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Undoes [`percent_encode`]; a `%` not followed by two hex digits is kept as it is, and
/// bytes that do not form UTF-8 become U+FFFD, so no input makes it fail.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut position = 0;
    while let Some(&byte) = bytes.get(position) {
        let high = bytes
            .get(position + 1)
            .and_then(|b| (*b as char).to_digit(16));
        let low = bytes
            .get(position + 2)
            .and_then(|b| (*b as char).to_digit(16));
        match (byte, high, low) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                position += 3;
            }
            _ => {
                out.push(byte);
                position += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes UTF-8, dropping a leading byte-order mark (JSON and CSV readers only: brat's
/// `.txt` keeps its BOM because brat offsets count it).
pub(crate) fn decode_utf8_without_bom(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    let text = std::str::from_utf8(bytes)?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// The message for a file that is not UTF-8, naming the first bad byte.
pub(crate) fn not_utf8_message(error: &std::str::Utf8Error, bytes: &[u8]) -> String {
    let position = error.valid_up_to();
    match bytes.get(position) {
        Some(byte) => format!(
            "the file is not valid UTF-8 (byte 0x{byte:02X} at position {position}); save it as UTF-8 and try again"
        ),
        None => "the file is not valid UTF-8; save it as UTF-8 and try again".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_round_trips_and_tolerates_junk() {
        let keep = |c: char| c.is_ascii_alphanumeric();
        for text in ["a b%c", "😃 x\ny", "", "%%"] {
            assert_eq!(percent_decode(&percent_encode(text, keep)), text);
        }
        assert_eq!(percent_encode("a b", keep), "a%20b");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%FF"), "\u{fffd}");
    }
}
