//! JSON Lines for training tools: doccano and spaCy/Prodigy, one document per line, offsets
//! in code points (Python `str` indices).
//!
//! doccano export writes both of doccano's shapes on the one line: `label` (`[[start, end,
//! tag]]`, sequence-labelling projects) and `entities` + `relations` (relation projects);
//! doccano keeps unknown keys as metadata, and our reader prefers `entities`. Notes and
//! attributes ride along as `note` / `attributes` on each entity. spaCy/Prodigy export
//! writes `spans` (`start`, `end`, `label`, plus `id`, `note`, `attributes`) and relations as
//! Prodigy does (`head_span`, `child_span`, `label`). Both put `offset_unit: "codepoint"` at
//! the top level (doccano) or in `meta` (Prodigy, which shows `meta`). Orphaned annotations
//! have no offsets and are left out, never written at made-up positions.

use crate::domain::anchor::unit_evidence;
use crate::domain::annotation::Annotation;
use crate::domain::document::Document;
use crate::domain::import::{
    CandidateAnnotation, CandidateRelation, ImportBatch, OffsetUnit, Problem,
};
use crate::domain::interchange::batches::{both_ends_placed, first_document};
use crate::domain::sorting;
use crate::domain::text::{Text, TextRange};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

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

/// The annotations an offset-only format can hold: every one with a place in the text.
fn placed(document: &Document) -> Vec<&Annotation> {
    document
        .annotations_in_text_order()
        .into_iter()
        .filter(|a| !a.is_orphan())
        .collect()
}

/// One JSONL record with its newline. JSON lets U+0085, U+2028 and U+2029 stand unescaped
/// in strings, but Python's `str.splitlines` (and other line readers) break lines on them,
/// cutting a record in two; they can only occur inside strings, so escaping them keeps the
/// JSON the same value and every record on one line by anyone's count.
fn jsonl_line(value: &Value) -> String {
    // A JSON value always prints (`Display` cannot fail), so nothing is lost.
    let json = value.to_string();
    let mut line = String::with_capacity(json.len() + 1);
    for character in json.chars() {
        match character {
            '\u{0085}' => line.push_str("\\u0085"),
            '\u{2028}' => line.push_str("\\u2028"),
            '\u{2029}' => line.push_str("\\u2029"),
            other => line.push(other),
        }
    }
    line.push('\n');
    line
}

pub fn export_doccano(document: &Document) -> String {
    let annotations = placed(document);
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
        .filter(|r| both_ends_placed(document, r))
        .map(|r| json!({ "id": r.id.0, "from_id": r.from.as_str(), "to_id": r.to.as_str(), "type": r.kind.as_str() }))
        .collect();
    let line = json!({
        "id": document.id.0, "text": document.text.as_str(), "offset_unit": "codepoint",
        "text_sha256": document.text.sha256(),
        "label": label, "entities": entities, "relations": relations,
    });
    jsonl_line(&line)
}

pub fn export_spacy(document: &Document) -> String {
    let span_json = |a: &Annotation| {
        let mut span = json!({ "start": a.start().0, "end": a.end().0, "label": document.tags.export_name(&a.tag), "id": a.id.as_str() });
        if let Some(object) = span.as_object_mut() {
            extras(a, object);
        }
        span
    };
    let spans: Vec<Value> = placed(document).into_iter().map(span_json).collect();
    let relations: Vec<Value> = document
        .relations
        .iter()
        .filter(|r| both_ends_placed(document, r))
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
    jsonl_line(&line)
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

/// Settles the unit of the spans that carry no quote (doccano never does, Prodigy may not):
/// the unit the record declares (`offset_unit`, as our exports write), else code points, as
/// both formats count, unless the spans themselves show UTF-16 (see `anchor::unit_evidence`);
/// the reading taken is reported whenever the two would differ.
/// Then each such span gets its quote from the text, in code points.
fn settle_units(location: &str, declared: Option<&str>, batch: &mut ImportBatch) {
    let Some(text) = batch.text.clone().map(Text::new) else {
        return;
    };
    // A file that says its unit (our own exports do) is taken at its word.
    let declared = match declared {
        Some("codepoint") => Some(OffsetUnit::CodePoint),
        Some("utf16") => Some(OffsetUnit::Utf16),
        _ => None,
    };
    let quoteless: Vec<(usize, usize)> = batch
        .annotations
        .iter()
        .filter(|candidate| candidate.quote.is_none())
        .filter_map(|candidate| candidate.start.zip(candidate.end))
        .collect();
    let decision = match declared {
        Some(unit) => unit_evidence::UnitDecision {
            unit,
            note: None,
            undecided: false,
        },
        None => unit_evidence::decide(&text, OffsetUnit::CodePoint, &quoteless),
    };
    if decision.undecided {
        // Nothing decided: the other reading is prepared too, for the person to choose.
        let other = unit_evidence::other_unit(decision.unit);
        let mut other_reading = batch.clone();
        read_quoteless_in(&text, other, &mut other_reading);
        other_reading.problems.push(Problem::warning(
            location,
            format!(
                "offsets read as {}, as chosen, instead of {}, the unit this format counts in",
                other.describe(),
                decision.unit.describe()
            ),
        ));
        batch.other_reading = Some((other, Box::new(other_reading)));
    }
    if let Some(note) = decision.note {
        batch.problems.push(Problem::warning(location, note));
    }
    read_quoteless_in(&text, decision.unit, batch);
}

/// Converts the quote-less spans of `batch` from `unit` to code points and gives each its
/// quote from the text.
fn read_quoteless_in(text: &Text, unit: OffsetUnit, batch: &mut ImportBatch) {
    for candidate in &mut batch.annotations {
        if candidate.quote.is_some() {
            continue;
        }
        let convert = |offset: Option<usize>| {
            offset.and_then(|offset| unit_evidence::to_code_points(text, unit, offset))
        };
        if unit != OffsetUnit::CodePoint
            && let (Some(start), Some(end)) = (convert(candidate.start), convert(candidate.end))
        {
            candidate.start = Some(start);
            candidate.end = Some(end);
        }
        candidate.quote = quote(Some(text), candidate.start, candidate.end);
    }
}

/// A quote from the line's text, when both offsets fit.
fn quote(text: Option<&Text>, start: Option<usize>, end: Option<usize>) -> Option<String> {
    let range = TextRange::from_code_points(start?, end?).ok()?;
    text?.slice(range).ok().map(str::to_string)
}

/// The records of a JSONL file, or of a JSON file holding one record (pretty-printed) or an
/// array of them, each with its location (`line 3`, `$[2]`). A line that is not JSON gives
/// an error saying which line and why.
fn records(text: &str) -> Vec<(String, Result<Value, String>)> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    // One JSON value over several lines, or a list: not JSON Lines.
    let whole_file = trimmed.contains('\n') || trimmed.starts_with('[');
    if whole_file && let Ok(whole) = serde_json::from_str::<Value>(trimmed) {
        return match whole {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| (format!("$[{i}]"), Ok(item)))
                .collect(),
            other => vec![("$".to_string(), Ok(other))],
        };
    }
    text.split('\n')
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(number, line)| {
            let parsed = serde_json::from_str::<Value>(line.trim().trim_start_matches('\u{feff}'))
                .map_err(|error| format!("this line is not valid JSON ({error})"));
            (format!("line {}", number + 1), parsed)
        })
        .collect()
}

/// Reads doccano (current and 1.x) or spaCy/Prodigy JSONL, or the same records as a JSON
/// array or one pretty-printed object: one batch per record, each record one document. A
/// record that is not a JSON object gives a batch holding only that problem. Prodigy records
/// answered "ignore" or "reject", and records with no spans, give a batch with only a
/// warning, not an empty document.
pub fn read_documents(text: &str) -> Vec<(String, ImportBatch)> {
    let mut batches = Vec::new();
    for (location, record) in records(text) {
        let mut batch = ImportBatch::new(DOCCANO_FORMAT_NAME);
        batch.offset_unit = Some(OffsetUnit::CodePoint);
        match record {
            Ok(value @ Value::Object(_)) => {
                let is_prodigy = ["spans", "answer", "_input_hash"]
                    .iter()
                    .any(|key| value.get(*key).is_some())
                    && value.get("entities").is_none()
                    && value.get("label").is_none()
                    && value.get("annotations").is_none();
                if is_prodigy {
                    batch.format = SPACY_FORMAT_NAME.to_string();
                    if let Some(skipped) = prodigy_skip(&value) {
                        batch
                            .problems
                            .push(Problem::warning(location.clone(), skipped));
                        batches.push((location, batch));
                        continue;
                    }
                }
                batch.text = text_of(value.get("text"));
                batch.text_sha256 = text_of(
                    value
                        .get("text_sha256")
                        .or(value.pointer("/meta/text_sha256")),
                );
                batch.document_id = text_of(value.get("id").or(value.pointer("/meta/document_id")));
                if batch.text.is_none() {
                    batch.problems.push(Problem::error(
                        location.clone(),
                        "this record has no \"text\" string: doccano and Prodigy records carry the text their spans count in",
                    ));
                }
                read_line(&value, &location, &mut batch);
                let declared = value
                    .get("offset_unit")
                    .or(value.pointer("/meta/offset_unit"))
                    .and_then(Value::as_str);
                settle_units(&location, declared, &mut batch);
            }
            Ok(_) => batch.problems.push(Problem::error(
                location.clone(),
                "this record is not a JSON object",
            )),
            Err(why) => batch.problems.push(Problem::error(location.clone(), why)),
        }
        batches.push((location, batch));
    }
    batches
}

/// Why a Prodigy record makes no document: answered "ignore" or "reject", or no spans.
fn prodigy_skip(value: &Value) -> Option<String> {
    if let Some(answer @ ("ignore" | "reject")) = value.get("answer").and_then(Value::as_str) {
        return Some(format!(
            "a record answered \"{answer}\" in Prodigy; skipped"
        ));
    }
    let no_spans = value
        .get("spans")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    let no_relations = value
        .get("relations")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    (no_spans && no_relations)
        .then(|| "a record with no spans; skipped (it would be an empty document)".to_string())
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
        let covered = quote(text, start, end);
        // Prodigy and spaCy write the span's own text: that, not the slice, is the quote, so
        // placing checks the offsets against it instead of trusting them.
        let file_quote = text_of(extra.get("text"));
        if let Some(in_file) = &file_quote
            && covered.as_deref() != Some(in_file.as_str())
        {
            let at = match (&covered, start, end) {
                (Some(found), Some(s), Some(e)) => format!("the text at {s}-{e} is \"{found}\""),
                _ => "its offsets do not fit the text".to_string(),
            };
            batch.problems.push(Problem::warning(
                item_location.clone(),
                format!("{at}, not the span's \"{in_file}\"; it was placed by its quote"),
            ));
        }
        let mut candidate = CandidateAnnotation {
            location: item_location,
            id,
            tag,
            start,
            end,
            // Without a quote in the file, the quote is taken from the text once the unit of
            // the offsets is settled (`settle_units`).
            quote: file_quote,
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
    } else if value.get("annotations").is_some() {
        // doccano 1.x: `annotations` with numeric `label` ids; the names, when the record
        // carries them, in each annotation's `label_name` or in `labels`
        // (`[{"id": 1, "text": "PER"}]`).
        let names: BTreeMap<String, String> =
            sorting::map_of(list("labels").iter().filter_map(|label| {
                let id = label.get("id")?;
                let id = id
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| id.to_string());
                let name = text_of(label.get("text").or(label.get("name")))?;
                Some((id, name))
            }));
        let mut unnamed = BTreeSet::new();
        for (i, annotation) in list("annotations").iter().enumerate() {
            let label = annotation.get("label").map(|label| {
                label
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| label.to_string())
            });
            let own_name = text_of(annotation.get("label_name"));
            let tag = label.map(|label| match own_name.as_ref().or(names.get(&label)) {
                Some(name) => name.clone(),
                None => {
                    if label.parse::<u64>().is_ok() {
                        unnamed.insert(label.clone());
                    }
                    label
                }
            });
            push(
                batch,
                format!("{location}, annotations[{i}]"),
                None,
                tag,
                offset(annotation.get("start_offset")),
                offset(annotation.get("end_offset")),
                annotation,
            );
        }
        if !unnamed.is_empty() {
            batch.problems.push(Problem::warning(
                location,
                format!(
                    "label ids {} have no names in this file (doccano 1.x keeps them in the project's label list); they were used as tag names, rename the tags to fix",
                    unnamed.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
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
