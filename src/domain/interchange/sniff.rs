//! Recognising an annotation file from its content, never its name: people rename files,
//! and browsers hand us `.json` for three different formats.
//!
//! [`read_any`] dispatches to the readers here. The native format and library backups are
//! read elsewhere (`format::native`): for those, [`read_or_defer`] hands back the
//! [`Sniffed`] kind so the caller dispatches.

use crate::domain::import::{ImportBatch, Problem};
use crate::domain::interchange::csv_export::HEADER;
use crate::domain::interchange::encoding::{decode_utf8_without_bom, not_utf8_message};
use crate::domain::interchange::{brat, csv_export, hypothesis, jsonl, label_studio, w3c};
use serde_json::Value;
use std::fmt;

/// What a file turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sniffed {
    NativeJson,
    LibraryBackup,
    W3cWebAnnotation,
    Hypothesis,
    LabelStudio,
    DoccanoJsonl,
    SpacyJsonl,
    BratAnn,
    Csv,
    NotRecognised(NotRecognised),
}

impl Sniffed {
    /// Read by `format::native`, not here.
    pub fn is_native(&self) -> bool {
        matches!(self, Sniffed::NativeJson | Sniffed::LibraryBackup)
    }

    pub fn name(&self) -> &'static str {
        match self {
            Sniffed::NativeJson => "Article Annotator JSON",
            Sniffed::LibraryBackup => "Article Annotator library backup",
            Sniffed::W3cWebAnnotation => w3c::FORMAT_NAME,
            Sniffed::Hypothesis => hypothesis::FORMAT_NAME,
            Sniffed::LabelStudio => label_studio::FORMAT_NAME,
            Sniffed::DoccanoJsonl => jsonl::DOCCANO_FORMAT_NAME,
            Sniffed::SpacyJsonl => jsonl::SPACY_FORMAT_NAME,
            Sniffed::BratAnn => brat::FORMAT_NAME,
            Sniffed::Csv => csv_export::FORMAT_NAME,
            Sniffed::NotRecognised(_) => "unrecognised file",
        }
    }
}

/// Why a file was not recognised; its message lists what is accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotRecognised {
    NotUtf8(String),
    Empty,
    UnknownContent,
    /// JSON or JSON Lines that no format reads: which line, and why.
    UnreadableJson(String),
}

pub const ACCEPTED_FORMATS: &str = "Article Annotator JSON or library backup, W3C Web Annotation JSON-LD, Hypothesis JSON, Label Studio JSON, doccano or spaCy/Prodigy JSONL, brat standoff (.ann with its .txt), or Article Annotator CSV";

impl fmt::Display for NotRecognised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotRecognised::NotUtf8(why) => write!(f, "{why}. Accepted formats: {ACCEPTED_FORMATS}"),
            NotRecognised::Empty => {
                write!(f, "the file is empty. Accepted formats: {ACCEPTED_FORMATS}")
            }
            NotRecognised::UnreadableJson(why) => write!(
                f,
                "not a recognised annotation file: {why}. Accepted formats: {ACCEPTED_FORMATS}"
            ),
            NotRecognised::UnknownContent => {
                write!(
                    f,
                    "not a recognised annotation file. Accepted formats: {ACCEPTED_FORMATS}"
                )
            }
        }
    }
}

impl std::error::Error for NotRecognised {}

/// Where and why a JSON or JSON Lines file that matched no format fails: the first line
/// that is not JSON, or what the first record lacks.
fn explain_json(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => describe_record("the file", &value),
        Err(whole_error) => {
            let lines: Vec<(usize, &str)> = text
                .split('\n')
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .collect();
            // One JSON value per line (JSONL) if the first line is JSON on its own.
            let first_is_json = lines
                .first()
                .is_some_and(|(_, line)| serde_json::from_str::<Value>(line.trim()).is_ok());
            if !first_is_json {
                return format!(
                    "line {}: the JSON breaks here ({whole_error})",
                    whole_error.line()
                );
            }
            for (number, line) in &lines {
                match serde_json::from_str::<Value>(line.trim()) {
                    Err(error) => {
                        return format!("line {}: not valid JSON ({error})", number + 1);
                    }
                    Ok(value) if sniff_record(&value).is_none() => {
                        return describe_record(&format!("line {}", number + 1), &value);
                    }
                    Ok(_) => {}
                }
            }
            format!("the JSON breaks ({whole_error})")
        }
    }
}

fn describe_record(location: &str, value: &Value) -> String {
    let keys: Vec<String> = match value {
        Value::Object(object) => object.keys().take(8).cloned().collect(),
        Value::Array(items) => {
            return match items.first() {
                Some(first) => describe_record(&format!("{location}, first item"), first),
                None => format!("{location} is an empty list"),
            };
        }
        _ => return format!("{location} is a single JSON value, not an object or a list"),
    };
    let has_text = keys.iter().any(|key| key == "text");
    let why = if has_text {
        "it has \"text\" but none of \"label\", \"entities\", \"annotations\" (doccano) or \"spans\" (Prodigy)"
    } else {
        "it has no \"text\" (doccano, Prodigy), no \"data\" (Label Studio), no \"@context\" (W3C) and no \"target\" (Hypothesis)"
    };
    format!(
        "{location} is a JSON object with keys {}: {why}",
        keys.join(", ")
    )
}

fn is_w3c(value: &Value) -> bool {
    let context_names_anno = |context: &Value| match context {
        Value::String(iri) => iri.contains("anno.jsonld"),
        Value::Array(items) => items
            .iter()
            .any(|i| i.as_str().is_some_and(|iri| iri.contains("anno.jsonld"))),
        _ => false,
    };
    let typed = |value: &Value| {
        ["Annotation", "AnnotationPage", "AnnotationCollection"]
            .iter()
            .any(|kind| match value.get("type") {
                Some(Value::String(t)) => t == kind,
                Some(Value::Array(types)) => types.iter().any(|t| t.as_str() == Some(kind)),
                _ => false,
            })
    };
    match value {
        Value::Array(items) => items.first().is_some_and(|first| {
            first.get("@context").is_some_and(context_names_anno) || typed(first)
        }),
        other => other.get("@context").is_some_and(context_names_anno) || typed(other),
    }
}

fn sniff_json(value: &Value) -> Option<Sniffed> {
    match value.get("format").and_then(Value::as_str) {
        Some("article-annotator") => return Some(Sniffed::NativeJson),
        Some("article-annotator-library") => return Some(Sniffed::LibraryBackup),
        _ => {}
    }
    if is_w3c(value) {
        return Some(Sniffed::W3cWebAnnotation);
    }
    if hypothesis::is_hypothesis(value) {
        return Some(Sniffed::Hypothesis);
    }
    let is_task = |task: &Value| task.get("data").is_some_and(Value::is_object);
    match value {
        Value::Array(tasks) if tasks.first().is_some_and(is_task) => Some(Sniffed::LabelStudio),
        task @ Value::Object(_) if is_task(task) => Some(Sniffed::LabelStudio),
        // doccano or Prodigy records as a JSON array or one pretty-printed object.
        Value::Array(records) => records.first().and_then(sniff_record),
        record @ Value::Object(_) => sniff_record(record),
        _ => None,
    }
}

fn sniff_jsonl_line(line: &str) -> Option<Sniffed> {
    let value: Value = serde_json::from_str(line.trim()).ok()?;
    sniff_record(&value)
}

/// A doccano (current or 1.x) or spaCy/Prodigy record.
fn sniff_record(value: &Value) -> Option<Sniffed> {
    value.get("text")?;
    if value.get("entities").is_some()
        || value.get("label").is_some()
        || value.get("annotations").is_some_and(Value::is_array)
    {
        Some(Sniffed::DoccanoJsonl)
    } else if value.get("spans").is_some() {
        Some(Sniffed::SpacyJsonl)
    } else {
        None
    }
}

fn is_brat_line(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('T') else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0
        && rest
            .get(digits..)
            .is_some_and(|after| after.starts_with('\t'))
}

/// Decides the format from the content alone.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    let text = match decode_utf8_without_bom(bytes) {
        Ok(text) => text,
        Err(error) => {
            return Sniffed::NotRecognised(NotRecognised::NotUtf8(not_utf8_message(&error, bytes)));
        }
    };
    if text.trim().is_empty() {
        return Sniffed::NotRecognised(NotRecognised::Empty);
    }
    if let Ok(value) = serde_json::from_str::<Value>(text)
        && let Some(kind) = sniff_json(&value)
    {
        return kind;
    }
    let first_line = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    if let Some(kind) = sniff_jsonl_line(first_line) {
        return kind;
    }
    if text.lines().any(is_brat_line) {
        return Sniffed::BratAnn;
    }
    let header: Vec<&str> = first_line.split(',').map(str::trim).collect();
    if header.first() == HEADER.first() && header.contains(&"start_codepoint") {
        return Sniffed::Csv;
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        // Broken JSON that names the W3C context is still most likely W3C: let its reader
        // say where the JSON breaks.
        if text.contains("anno.jsonld") {
            return Sniffed::W3cWebAnnotation;
        }
        return Sniffed::NotRecognised(NotRecognised::UnreadableJson(explain_json(text)));
    }
    Sniffed::NotRecognised(NotRecognised::UnknownContent)
}

/// Reads any interchange format, or hands back the kind for the native reader. `companion_text`
/// is the `.txt` beside a brat `.ann` (ignored by the other formats).
pub fn read_or_defer(bytes: &[u8], companion_text: Option<&str>) -> Result<ImportBatch, Sniffed> {
    let mut kind = sniff(bytes);
    // An empty `.ann` beside its `.txt` is a brat document with no annotations.
    if companion_text.is_some() && kind == Sniffed::NotRecognised(NotRecognised::Empty) {
        kind = Sniffed::BratAnn;
    }
    let text = decode_utf8_without_bom(bytes).unwrap_or("");
    let batch = match &kind {
        Sniffed::NativeJson | Sniffed::LibraryBackup => return Err(kind),
        Sniffed::W3cWebAnnotation => w3c::read(text),
        Sniffed::Hypothesis => hypothesis::read(text),
        Sniffed::LabelStudio => label_studio::read(text),
        Sniffed::DoccanoJsonl | Sniffed::SpacyJsonl => jsonl::read(text),
        Sniffed::BratAnn => brat::read(bytes, companion_text),
        Sniffed::Csv => csv_export::read(text),
        Sniffed::NotRecognised(why) => {
            let mut batch = ImportBatch::new("unrecognised file");
            batch.problems.push(Problem::error("", why.to_string()));
            batch
        }
    };
    Ok(batch)
}

/// Reads any interchange format. For native JSON and library backups, which `format::native`
/// reads, the batch is empty with one problem saying so: call [`read_or_defer`] to dispatch.
pub fn read_any(bytes: &[u8], companion_text: Option<&str>) -> ImportBatch {
    read_or_defer(bytes, companion_text).unwrap_or_else(|kind| {
        let mut batch = ImportBatch::new(kind.name());
        batch.problems.push(Problem::error(
            "",
            format!(
                "{} is read by the native reader (format::native)",
                kind.name()
            ),
        ));
        batch
    })
}
