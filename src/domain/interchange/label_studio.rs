//! Label Studio task JSON: an array of tasks, each with `data.text` and `annotations` (and
//! `predictions`) whose `result` lists `labels` regions and `relation` links.
//! HyperText regions (an XPath `start` and `globalOffsets`) are read here and placed on the
//! article text made from the task's HTML by `interchange::hypertext`.
//!
//! Offsets are code points (Label Studio stores Python `str` indices). A region's note goes
//! in its `meta.text` (Label Studio's own per-region note), attributes in `meta.attributes`;
//! the task's `meta.offset_unit` says `codepoint`. The task has an `id` (1: one document,
//! one task), which label-studio-sdk's converters require. Orphaned annotations have no
//! offsets and are left out (listed by [`crate::domain::interchange::export_with_report`]).

use crate::domain::document::{Document, Metadata};
use crate::domain::import::{
    CandidateAnnotation, CandidateRelation, ImportBatch, OffsetUnit, Problem,
};
use crate::domain::interchange::batches::{both_ends_placed, first_document};
use crate::domain::interchange::hypertext;
use serde_json::{Map, Value, json};

pub const FORMAT_NAME: &str = "Label Studio";

pub fn export(document: &Document) -> String {
    let mut result: Vec<Value> = Vec::new();
    for annotation in document.annotations_in_text_order() {
        if annotation.is_orphan() {
            continue;
        }
        let mut region = json!({
            "id": annotation.id.as_str(), "from_name": "label", "to_name": "text", "type": "labels",
            "value": {
                "start": annotation.start().0, "end": annotation.end().0,
                "text": annotation.quote, "labels": [document.tags.export_name(&annotation.tag)],
            },
        });
        let mut meta = Map::new();
        if !annotation.note.is_empty() {
            meta.insert("text".into(), json!([annotation.note]));
        }
        if !annotation.attributes.is_empty() {
            meta.insert("attributes".into(), json!(annotation.attributes));
        }
        if !meta.is_empty()
            && let Some(object) = region.as_object_mut()
        {
            object.insert("meta".into(), Value::Object(meta));
        }
        result.push(region);
    }
    for relation in &document.relations {
        if !both_ends_placed(document, relation) {
            continue;
        }
        result.push(json!({
            "type": "relation", "from_id": relation.from.as_str(), "to_id": relation.to.as_str(),
            "direction": "right", "labels": [relation.kind.as_str()], "id": relation.id.0,
        }));
    }
    let task = json!([{
        "id": 1,
        "data": { "text": document.text.as_str(), "title": document.metadata.title, "url": document.metadata.url },
        "meta": { "offset_unit": "codepoint", "document_id": document.id.0, "text_sha256": document.text.sha256() },
        "annotations": [{ "result": result }],
    }]);
    // `{:#}` prints a JSON value indented; printing a value cannot fail.
    format!("{task:#}")
}

fn text_of(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_string)
}

fn id_of(value: Option<&Value>) -> Option<String> {
    value.map(|v| {
        v.as_str()
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string())
    })
}

/// Reads a Label Studio export (an array of tasks, or one task object): one batch per task,
/// each with its location (`$[2]`). A file that is not JSON gives one batch with the problem.
pub fn read_tasks(text: &str) -> Vec<(String, ImportBatch)> {
    let new_batch = || {
        let mut batch = ImportBatch::new(FORMAT_NAME);
        batch.offset_unit = Some(OffsetUnit::CodePoint);
        batch
    };
    let root: Value = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(error) => {
            let mut batch = new_batch();
            batch.problems.push(Problem::error(
                format!("line {}", error.line()),
                format!("this is not valid JSON ({error})"),
            ));
            return vec![("$".to_string(), batch)];
        }
    };
    let tasks: Vec<&Value> = match &root {
        Value::Array(tasks) => tasks.iter().collect(),
        task @ Value::Object(_) => vec![task],
        _ => Vec::new(),
    };
    if tasks.is_empty() {
        let mut batch = new_batch();
        batch.problems.push(Problem::error(
            "$",
            "no Label Studio task found: expected an array of tasks with \"data\"",
        ));
        return vec![("$".to_string(), batch)];
    }
    let mut batches = Vec::new();
    for (t, task) in tasks.into_iter().enumerate() {
        let task_path = format!("$[{t}]");
        let mut batch = new_batch();
        match task.get("data") {
            Some(data) => {
                batch.text = text_of(data.get("text"));
                batch.text_sha256 = text_of(task.pointer("/meta/text_sha256"));
                batch.document_id = text_of(task.pointer("/meta/document_id"));
                let title = text_of(data.get("title")).unwrap_or_default();
                let url = text_of(data.get("url")).unwrap_or_default();
                if !title.is_empty() || !url.is_empty() {
                    batch.metadata = Some(Metadata {
                        title,
                        url,
                        ..Metadata::default()
                    });
                }
                let hypertext_regions = read_task(task, &task_path, &mut batch);
                if !hypertext_regions.is_empty() {
                    hypertext::settle(data, &task_path, &mut batch, &hypertext_regions);
                }
            }
            None => batch
                .problems
                .push(Problem::error(task_path.clone(), "a task needs \"data\"")),
        }
        batches.push((task_path, batch));
    }
    batches
}

/// Reads a task's results into `batch`; returns the indices of the HyperText regions.
fn read_task(task: &Value, task_path: &str, batch: &mut ImportBatch) -> Vec<usize> {
    let mut hypertext_regions = Vec::new();
    for key in ["annotations", "predictions"] {
        let Some(Value::Array(runs)) = task.get(key) else {
            continue;
        };
        for (r, run) in runs.iter().enumerate() {
            let Some(Value::Array(results)) = run.get("result") else {
                continue;
            };
            for (i, item) in results.iter().enumerate() {
                let location = format!("{task_path}.{key}[{r}].result[{i}]");
                read_result(item, &location, batch, &mut hypertext_regions);
            }
        }
    }
    hypertext_regions
}

/// Reads the first task, with a warning for each further one (see [`read_tasks`]).
pub fn read(text: &str) -> ImportBatch {
    first_document(read_tasks(text), FORMAT_NAME)
}

fn read_result(
    item: &Value,
    location: &str,
    batch: &mut ImportBatch,
    hypertext_regions: &mut Vec<usize>,
) {
    let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
    if kind == "relation" {
        let (Some(from), Some(to)) = (id_of(item.get("from_id")), id_of(item.get("to_id"))) else {
            batch.problems.push(Problem::error(
                location,
                "a relation needs from_id and to_id",
            ));
            return;
        };
        let kind = item
            .pointer("/labels/0")
            .and_then(Value::as_str)
            .unwrap_or("related");
        batch.relations.push(CandidateRelation {
            location: location.to_string(),
            id: id_of(item.get("id")),
            kind: kind.to_string(),
            from,
            to,
        });
        return;
    }
    let Some(value) = item.get("value") else {
        return;
    };
    if kind == "textarea" {
        let region_id = id_of(item.get("id"));
        let notes: Vec<&str> = value
            .get("text")
            .and_then(Value::as_array)
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(region) = batch
            .annotations
            .iter_mut()
            .find(|a| region_id.is_some() && a.id == region_id)
        {
            if !region.note.is_empty() {
                region.note.push_str("\n\n");
            }
            region.note.push_str(&notes.join("\n\n"));
            return;
        }
    }
    let offset = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let hypertext = hypertext::is_hypertext(value);
    let (start, end) = if hypertext {
        hypertext::global_offsets(value)
    } else {
        (offset("start"), offset("end"))
    };
    let has_quote = value.get("text").and_then(Value::as_str).is_some();
    // A HyperText region with a quote can be placed without offsets (by the quote).
    let placeable = (start.is_some() && end.is_some()) || (hypertext && has_quote);
    if !placeable {
        batch.problems.push(Problem::warning(
            location,
            format!("unsupported: a \"{kind}\" result without numeric start and end (only text spans can be placed)"),
        ));
        return;
    }
    let tag = value
        .get(kind)
        .or(value.get("labels"))
        .or(value.get("hypertextlabels"))
        .or(value.get("htmllabels"))
        .and_then(|labels| labels.get(0))
        .and_then(Value::as_str)
        .unwrap_or(kind);
    let mut candidate = CandidateAnnotation {
        location: location.to_string(),
        id: id_of(item.get("id")),
        tag: tag.to_string(),
        start,
        end,
        quote: text_of(value.get("text")),
        ..CandidateAnnotation::default()
    };
    if let Some(Value::Array(notes)) = item.pointer("/meta/text") {
        let notes: Vec<&str> = notes.iter().filter_map(Value::as_str).collect();
        candidate.note = notes.join("\n\n");
    }
    if let Some(Value::Object(attributes)) = item.pointer("/meta/attributes") {
        for (key, value) in attributes {
            let value = value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            candidate.attributes.insert(key.clone(), value);
        }
    }
    if !matches!(kind, "labels" | "hypertextlabels" | "") {
        batch.problems.push(Problem::warning(
            location,
            format!("a \"{kind}\" result read as a span tagged \"{tag}\""),
        ));
    }
    if hypertext {
        hypertext_regions.push(batch.annotations.len());
    }
    batch.annotations.push(candidate);
}
