//! CSV for spreadsheets: one row per annotation, with a header row. The offset unit is in
//! the column names (`start_codepoint`, `start_utf16`) because CSV has no room for a comment.
//!
//! Who made each annotation has its own column, `creator` (empty when unknown).
//!
//! Relations are listed on the row of the annotation they start from, as
//! `kind:target-id; kind:target-id`, with `%`, `:` and `;` percent-encoded in kinds and ids.
//! The reader reads our own CSV back (RFC 4180, hand-written: quoted fields, doubled quotes,
//! line breaks inside quotes, CRLF or LF), and undoes the writer's `'` guard on cells that
//! would start a spreadsheet formula.

use crate::domain::csv::CsvWriter;
use crate::domain::document::Document;
use crate::domain::import::{
    CandidateAnnotation, CandidateRelation, ImportBatch, OffsetUnit, Problem,
};
use crate::domain::interchange::encoding::{percent_decode, percent_encode};
use crate::domain::sorting;
use std::collections::BTreeMap;

pub const FORMAT_NAME: &str = "CSV";

pub const HEADER: [&str; 15] = [
    "document_sha256",
    "id",
    "tag",
    "start_codepoint",
    "end_codepoint",
    "start_utf16",
    "end_utf16",
    "quote",
    "prefix",
    "suffix",
    "note",
    "creator",
    "attributes_json",
    "relations",
    "anchor_status",
];

fn relation_safe(c: char) -> bool {
    !matches!(c, ':' | ';')
}

pub fn export(document: &Document) -> String {
    let mut csv = CsvWriter::new();
    csv.row(HEADER);
    let index = document.text.index();
    for annotation in document.annotations_in_text_order() {
        let utf16 = |offset| {
            index
                .to_utf16(offset)
                .map(|o| o.0.to_string())
                .unwrap_or_default()
        };
        let relations: Vec<String> = document
            .relations
            .iter()
            .filter(|r| r.from == annotation.id)
            .map(|r| {
                format!(
                    "{}:{}",
                    percent_encode(r.kind.as_str(), relation_safe),
                    percent_encode(r.to.as_str(), relation_safe)
                )
            })
            .collect();
        let attributes = if annotation.attributes.is_empty() {
            String::new()
        } else {
            crate::domain::interchange::encoding::attributes_json(&annotation.attributes)
        };
        csv.row([
            document.text.sha256().to_string(),
            annotation.id.0.clone(),
            document.tags.export_name(&annotation.tag).to_string(),
            annotation.start().0.to_string(),
            annotation.end().0.to_string(),
            utf16(annotation.start()),
            utf16(annotation.end()),
            annotation.quote.clone(),
            annotation.prefix.clone(),
            annotation.suffix.clone(),
            annotation.note.clone(),
            annotation.creator.clone(),
            attributes,
            relations.join("; "),
            annotation.anchor.name().to_string(),
        ]);
    }
    csv.finish()
}

/// One field: its text and whether it was quoted (only quoted fields can carry the guard).
type Field = (String, bool);

/// Splits RFC 4180 text into records. An unclosed quote runs to the end of the input.
pub fn parse_records(text: &str) -> Vec<Vec<Field>> {
    let mut records = Vec::new();
    let mut record: Vec<Field> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                other => field.push(other),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !quoted => {
                quoted = true;
                in_quotes = true;
            }
            ',' => record.push((
                std::mem::take(&mut field),
                std::mem::replace(&mut quoted, false),
            )),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push((
                    std::mem::take(&mut field),
                    std::mem::replace(&mut quoted, false),
                ));
                records.push(std::mem::take(&mut record));
            }
            other => field.push(other),
        }
    }
    if !field.is_empty() || quoted || !record.is_empty() {
        record.push((field, quoted));
        records.push(record);
    }
    records
}

fn unguard((text, quoted): &Field) -> String {
    crate::domain::csv::unguard(text, *quoted).to_string()
}

/// Reads a CSV written by [`export`]; rows that cannot be read are problems.
pub fn read(text: &str) -> ImportBatch {
    let mut batch = ImportBatch::new(FORMAT_NAME);
    batch.offset_unit = Some(OffsetUnit::CodePoint);
    let mut records = parse_records(text).into_iter();
    let Some(header) = records.next() else {
        batch.problems.push(Problem::error(
            "line 1",
            "the CSV is empty: expected a header row",
        ));
        return batch;
    };
    let columns: BTreeMap<String, usize> = sorting::map_of(
        header
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.trim().to_string(), i)),
    );
    if !columns.contains_key("tag") || !columns.contains_key("start_codepoint") {
        batch.problems.push(Problem::error(
            "line 1",
            format!(
                "this CSV lacks our columns (tag, start_codepoint, …): expected the header {}",
                HEADER.join(",")
            ),
        ));
        return batch;
    }
    for (row, record) in records.enumerate() {
        let location = format!("row {}", row + 2);
        let cell = |name: &str| {
            columns
                .get(name)
                .and_then(|i| record.get(*i))
                .map(unguard)
                .unwrap_or_default()
        };
        let optional = |name: &str| Some(cell(name)).filter(|value| !value.is_empty());
        let offset = |name: &str| cell(name).trim().parse::<usize>().ok();
        if record.iter().all(|(text, _)| text.is_empty()) {
            continue;
        }
        if batch.text_sha256.is_none() {
            batch.text_sha256 = optional("document_sha256");
        }
        let mut candidate = CandidateAnnotation {
            location: location.clone(),
            id: optional("id"),
            tag: cell("tag"),
            start: offset("start_codepoint"),
            end: offset("end_codepoint"),
            quote: columns.contains_key("quote").then(|| cell("quote")),
            prefix: optional("prefix"),
            suffix: optional("suffix"),
            note: cell("note"),
            creator: optional("creator"),
            ..CandidateAnnotation::default()
        };
        if candidate.start.is_none() || candidate.end.is_none() {
            batch.problems.push(Problem::warning(
                location.clone(),
                "start_codepoint/end_codepoint are not whole numbers; placed by quote",
            ));
        }
        let attributes = cell("attributes_json");
        if !attributes.trim().is_empty() {
            match serde_json::from_str::<BTreeMap<String, String>>(&attributes) {
                Ok(read) => candidate.attributes = read,
                Err(error) => batch.problems.push(Problem::warning(
                    location.clone(),
                    format!("attributes_json is not a JSON object of strings ({error}); attributes skipped"),
                )),
            }
        }
        let from = candidate.id.clone().unwrap_or_default();
        for link in cell("relations")
            .split(';')
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            match link.split_once(':') {
                Some((kind, to)) if !from.is_empty() => batch.relations.push(CandidateRelation {
                    location: location.clone(),
                    id: None,
                    kind: percent_decode(kind),
                    from: from.clone(),
                    to: percent_decode(to),
                }),
                _ => batch.problems.push(Problem::warning(
                    location.clone(),
                    format!("relation \"{link}\" is not kind:id on a row with an id"),
                )),
            }
        }
        batch.annotations.push(candidate);
    }
    batch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rfc_4180_fields() {
        let records = parse_records("a,\"b,\"\"c\"\"\",\"x\r\ny\"\r\n,\n");
        let texts: Vec<Vec<&str>> = records
            .iter()
            .map(|r| r.iter().map(|(t, _)| t.as_str()).collect())
            .collect();
        assert_eq!(texts, vec![vec!["a", "b,\"c\"", "x\r\ny"], vec!["", ""]]);
    }
}
