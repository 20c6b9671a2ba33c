//! JSON Lines for training tools: doccano and spaCy/Prodigy, one document per line, offsets
//! in code points (Python `str` indices).
//!
//! doccano export writes both of doccano's shapes on the one line: `label` (`[[start, end,
//! tag]]`, sequence-labelling projects) and `entities` + `relations` (relation projects);
//! doccano keeps unknown keys as metadata, and our reader prefers `entities`. Notes and
//! attributes ride along as `note` / `attributes` on each entity. spaCy/Prodigy export
//! writes `spans` (`start`, `end`, `label`, plus `id`, `note`, `attributes`) and relations as
//! Prodigy does (`head_span`, `child_span`, `label`). Both put `offset_unit: "codepoint"` at
//! the top level (doccano) or in `meta` (Prodigy, which shows `meta`).

use crate::domain::annotation::Annotation;
use crate::domain::document::Document;
use crate::domain::import::{
    CandidateAnnotation, CandidateRelation, ImportBatch, OffsetUnit, Problem,
};
use crate::domain::interchange::batches::first_document;
use crate::domain::text::{Text, TextRange};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const DOCCANO_FORMAT_NAME: &str = "doccano JSONL";
pub const SPACY_FORMAT_NAME: &str = "spaCy/Prodigy JSONL";

fn extras(annotation: &Annotation, object: &mut Map<String, Value>) {
    if !annotation.note.is_empty() {
        object.insert("note".into(), Value::String(annotation.note.clone()));
    }
    if !annotation.attributes.is_empty() {
        object.insert("attributes".into(), json!(annotation.attributes));
    }
}

pub fn export_doccano(document: &Document) -> String {
    let annotations = document.annotations_in_text_order();
    let label: Vec<Value> = annotations
        .iter()
        .map(|a| json!([a.start().0, a.end().0, document.tags.export_name(&a.tag)]))
        .collect();
    let entities: Vec<Value> = annotations
        .iter()
        .map(|a| {
            let mut entity = json!({
                "id": a.id.as_str(), "label": document.tags.export_name(&a.tag),
                "start_offset": a.start().0, "end_offset": a.end().0,
            });
            if let Some(object) = entity.as_object_mut() {
                extras(a, object);
            }
            entity
        })
        .collect();
    let relations: Vec<Value> = document
        .relations
        .iter()
        .map(|r| json!({ "id": r.id.0, "from_id": r.from.as_str(), "to_id": r.to.as_str(), "type": r.kind.as_str() }))
        .collect();
    let line = json!({
        "id": document.id.0, "text": document.text.as_str(), "offset_unit": "codepoint",
        "text_sha256": document.text.sha256(),
        "label": label, "entities": entities, "relations": relations,
    });
    // A JSON value always prints (`Display` cannot fail), so nothing is lost.
    format!("{line}\n")
}

pub fn export_spacy(document: &Document) -> String {
    let span_json = |a: &Annotation| {
        let mut span = json!({ "start": a.start().0, "end": a.end().0, "label": document.tags.export_name(&a.tag), "id": a.id.as_str() });
        if let Some(object) = span.as_object_mut() {
            extras(a, object);
        }
        span
    };
    let spans: Vec<Value> = document
        .annotations_in_text_order()
        .into_iter()
        .map(span_json)
        .collect();
    let relations: Vec<Value> = document
        .relations
        .iter()
        .filter_map(|r| {
            let from = document.annotation(&r.from)?;
            let to = document.annotation(&r.to)?;
            Some(json!({ "head_span": span_json(from), "child_span": span_json(to), "label": r.kind.as_str(), "id": r.id.0 }))
        })
        .collect();
    let line = json!({
        "text": document.text.as_str(), "spans": spans, "relations": relations,
        "meta": { "offset_unit": "codepoint", "document_id": document.id.0, "text_sha256": document.text.sha256() },
    });
    format!("{line}\n")
}

fn text_of(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_string)
}

fn offset(value: Option<&Value>) -> Option<usize> {
    value
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

fn read_extras(object: &Value, candidate: &mut CandidateAnnotation) {
    candidate.note = text_of(object.get("note")).unwrap_or_default();
    if let Some(Value::Object(attributes)) = object.get("attributes") {
        for (key, value) in attributes {
            let value = value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            candidate.attributes.insert(key.clone(), value);
        }
    }
}

/// A quote from the line's text, when both offsets fit.
fn quote(text: Option<&Text>, start: Option<usize>, end: Option<usize>) -> Option<String> {
    let range = TextRange::from_code_points(start?, end?).ok()?;
    text?.slice(range).ok().map(str::to_string)
}

/// Reads doccano or spaCy/Prodigy JSONL: one batch per line, each line one document. A line
/// that is not a JSON object gives a batch holding only that problem.
pub fn read_documents(text: &str) -> Vec<(String, ImportBatch)> {
    let mut batches = Vec::new();
    for (number, line) in text.split('\n').enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let location = format!("line {}", number + 1);
        let mut batch = ImportBatch::new(DOCCANO_FORMAT_NAME);
        batch.offset_unit = Some(OffsetUnit::CodePoint);
        match serde_json::from_str(line.trim()) {
            Ok(value @ Value::Object(_)) => {
                if value.get("spans").is_some() && value.get("entities").is_none() {
                    batch.format = SPACY_FORMAT_NAME.to_string();
                }
                batch.text = text_of(value.get("text"));
                batch.text_sha256 = text_of(
                    value
                        .get("text_sha256")
                        .or(value.pointer("/meta/text_sha256")),
                );
                batch.document_id = text_of(value.get("id").or(value.pointer("/meta/document_id")));
                read_line(&value, &location, &mut batch);
            }
            Ok(_) => batch.problems.push(Problem::error(
                location.clone(),
                "this line is not a JSON object",
            )),
            Err(error) => batch.problems.push(Problem::error(
                location.clone(),
                format!("this line is not valid JSON ({error})"),
            )),
        }
        batches.push((location, batch));
    }
    batches
}

/// Reads the first document of a JSONL file, with the problems of every bad line and a
/// warning for each further document (import those with [`read_documents`]).
pub fn read(text: &str) -> ImportBatch {
    first_document(read_documents(text), DOCCANO_FORMAT_NAME)
}

fn read_line(value: &Value, location: &str, batch: &mut ImportBatch) {
    let text = batch.text.clone().map(Text::new);
    let text = text.as_ref();
    let list = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let push = |batch: &mut ImportBatch,
                item_location: String,
                id: Option<String>,
                tag: Option<String>,
                start: Option<usize>,
                end: Option<usize>,
                extra: &Value| {
        let Some(tag) = tag else {
            batch
                .problems
                .push(Problem::error(item_location, "a span needs a label"));
            return;
        };
        if start.is_none() || end.is_none() {
            batch.problems.push(Problem::error(
                item_location,
                "a span needs start and end as non-negative whole numbers",
            ));
            return;
        }
        let mut candidate = CandidateAnnotation {
            location: item_location,
            id,
            tag,
            start,
            end,
            quote: quote(text, start, end),
            ..CandidateAnnotation::default()
        };
        read_extras(extra, &mut candidate);
        batch.annotations.push(candidate);
    };
    if value.get("entities").is_some() {
        for (i, entity) in list("entities").iter().enumerate() {
            let id = entity.get("id").map(|id| {
                id.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| id.to_string())
            });
            let start = offset(entity.get("start_offset"));
            let end = offset(entity.get("end_offset"));
            push(
                batch,
                format!("{location}, entities[{i}]"),
                id,
                text_of(entity.get("label")),
                start,
                end,
                entity,
            );
        }
        for (i, relation) in list("relations").iter().enumerate() {
            let field = |key: &str| {
                relation.get(key).map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                })
            };
            let (Some(from), Some(to)) = (field("from_id"), field("to_id")) else {
                batch.problems.push(Problem::error(
                    format!("{location}, relations[{i}]"),
                    "a relation needs from_id and to_id",
                ));
                continue;
            };
            batch.relations.push(CandidateRelation {
                location: format!("{location}, relations[{i}]"),
                id: field("id"),
                kind: field("type").unwrap_or_else(|| "related".to_string()),
                from,
                to,
            });
        }
    } else if value.get("spans").is_some() {
        let mut by_position: BTreeMap<(usize, usize, String), String> = BTreeMap::new();
        for (i, span) in list("spans").iter().enumerate() {
            let start = offset(span.get("start"));
            let end = offset(span.get("end"));
            let tag = text_of(span.get("label"));
            let id = text_of(span.get("id")).unwrap_or_else(|| format!("span{}", i + 1));
            if let (Some(s), Some(e), Some(t)) = (start, end, &tag) {
                by_position.insert((s, e, t.clone()), id.clone());
            }
            push(
                batch,
                format!("{location}, spans[{i}]"),
                Some(id),
                tag,
                start,
                end,
                span,
            );
        }
        for (i, relation) in list("relations").iter().enumerate() {
            let find = |key: &str| {
                let span = relation.get(key)?;
                let key = (
                    offset(span.get("start"))?,
                    offset(span.get("end"))?,
                    text_of(span.get("label"))?,
                );
                by_position.get(&key).cloned()
            };
            let here = format!("{location}, relations[{i}]");
            match (find("head_span"), find("child_span")) {
                (Some(from), Some(to)) => batch.relations.push(CandidateRelation {
                    location: here,
                    id: text_of(relation.get("id")),
                    kind: text_of(relation.get("label")).unwrap_or_else(|| "related".to_string()),
                    from,
                    to,
                }),
                _ => batch.problems.push(Problem::warning(
                    here,
                    "a relation whose head_span or child_span is not among the spans; skipped",
                )),
            }
        }
    } else {
        for (i, label) in list("label").iter().enumerate() {
            let item = label.as_array();
            let field = |n: usize| item.and_then(|item| item.get(n));
            let start = offset(field(0));
            let end = offset(field(1));
            push(
                batch,
                format!("{location}, label[{i}]"),
                None,
                text_of(field(2)),
                start,
                end,
                &Value::Null,
            );
        }
    }
}
