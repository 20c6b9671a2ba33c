//! Hypothesis API JSON: what `GET /api/annotations/{id}` (one annotation) and
//! `GET /api/search` (`{"rows": [...], "total": n}`) return, or an array of annotations.
//!
//! Why its own reader: Hypothesis writes W3C-like selectors but not W3C JSON-LD (no
//! `@context`, no `type`, `text` and `tags` instead of bodies), so the W3C reader would refuse
//! it. A TextPositionSelector from Hypothesis counts UTF-16 units of the browser's text, so
//! the batch declares UTF-16 and placement checks every offset against the quote anyway.
//! RangeSelectors (XPath into the page's DOM) cannot be placed in a plain text and are only
//! used when nothing else is there (then the annotation is refused with the reason).
//! `text` becomes the note, the first of `tags` the tag and the others the attribute `tags`;
//! the annotation carries no article text, so it is placed on the open article (its `uri`
//! is kept as the document's URL for the summary). Page notes and replies select no text and
//! are reported, not imported.

use crate::domain::document::Metadata;
use crate::domain::import::{CandidateAnnotation, ImportBatch, OffsetUnit, Problem};
use serde_json::Value;

pub const FORMAT_NAME: &str = "Hypothesis JSON";

/// Whether `value` looks like one Hypothesis annotation: a `target` list and the API's own
/// fields, and none of JSON-LD's.
fn is_annotation(value: &Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    object.get("target").is_some_and(Value::is_array)
        && !object.contains_key("@context")
        && !object.contains_key("type")
        && ["uri", "user", "tags", "permissions", "links", "document"]
            .iter()
            .any(|key| object.contains_key(*key))
}

/// Whether `value` is a Hypothesis file: one annotation, an array of them, or a search result.
pub fn is_hypothesis(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.first().is_some_and(is_annotation),
        Value::Object(object) => match object.get("rows") {
            Some(Value::Array(rows)) => rows.is_empty() || rows.first().is_some_and(is_annotation),
            _ => is_annotation(value),
        },
        _ => false,
    }
}

/// Reads a Hypothesis file into one batch, placed later on the open article.
pub fn read(text: &str) -> ImportBatch {
    let mut batch = ImportBatch::new(FORMAT_NAME);
    batch.offset_unit = Some(OffsetUnit::Utf16);
    let root: Value = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(error) => {
            batch.problems.push(Problem::error(
                format!("line {}", error.line()),
                format!("this is not valid JSON ({error})"),
            ));
            return batch;
        }
    };
    let items: Vec<(String, &Value)> = match &root {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("$[{i}]"), item))
            .collect(),
        Value::Object(object) => match object.get("rows") {
            Some(Value::Array(rows)) => rows
                .iter()
                .enumerate()
                .map(|(i, row)| (format!("$.rows[{i}]"), row))
                .collect(),
            _ => vec![("$".to_string(), &root)],
        },
        _ => Vec::new(),
    };
    let mut uris: Vec<String> = Vec::new();
    for (location, item) in items {
        if let Some(uri) = item.get("uri").and_then(Value::as_str)
            && !uris.iter().any(|known| known == uri)
        {
            uris.push(uri.to_string());
        }
        read_annotation(item, &location, &mut batch);
    }
    if let Some(first) = uris.first() {
        let metadata = batch.metadata.get_or_insert_with(Metadata::default);
        if first.starts_with("http://") || first.starts_with("https://") {
            metadata.url = first.clone();
        }
    }
    if uris.len() > 1 {
        batch.problems.push(Problem::warning(
            "$",
            format!(
                "the file holds annotations of {} different pages; all were placed on the open article by their quotes",
                uris.len()
            ),
        ));
    }
    batch
}

fn read_annotation(item: &Value, location: &str, batch: &mut ImportBatch) {
    let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_string);
    let tags: Vec<String> = item
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let mut candidate = CandidateAnnotation {
        location: location.to_string(),
        id: text("id"),
        tag: tags
            .first()
            .cloned()
            .unwrap_or_else(|| "annotation".to_string()),
        note: text("text").unwrap_or_default(),
        created: text("created"),
        modified: text("updated"),
        ..CandidateAnnotation::default()
    };
    if tags.len() > 1 {
        candidate
            .attributes
            .insert("tags".into(), tags.get(1..).unwrap_or_default().join(" "));
    }
    if let Some(user) = text("user") {
        candidate.attributes.insert("user".into(), user);
    }
    let mut kinds: Vec<String> = Vec::new();
    let targets = item
        .get("target")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for target in &targets {
        for selector in target
            .get("selector")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let kind = selector.get("type").and_then(Value::as_str).unwrap_or("");
            let field = |key: &str| selector.get(key).and_then(Value::as_str);
            let number = |key: &str| {
                selector
                    .get(key)
                    .and_then(Value::as_u64)
                    .and_then(|n| usize::try_from(n).ok())
            };
            match kind {
                "TextQuoteSelector" if candidate.quote.is_none() => {
                    candidate.quote = field("exact").map(str::to_string);
                    candidate.prefix = field("prefix").map(str::to_string);
                    candidate.suffix = field("suffix").map(str::to_string);
                }
                "TextPositionSelector" if candidate.start.is_none() => {
                    candidate.start = number("start");
                    candidate.end = number("end");
                }
                other => kinds.push(if other.is_empty() {
                    "an untyped selector".to_string()
                } else {
                    other.to_string()
                }),
            }
        }
    }
    if candidate.quote.is_some() || candidate.start.is_some() {
        batch.annotations.push(candidate);
        return;
    }
    let is_reply = item
        .get("references")
        .and_then(Value::as_array)
        .is_some_and(|references| !references.is_empty());
    let why = if is_reply {
        "a reply to another annotation selects no text; skipped".to_string()
    } else if kinds.is_empty() {
        "a page note selects no text; skipped".to_string()
    } else {
        format!(
            "its selectors ({}) point into the web page's layout, not its text, and there is no quote; skipped",
            kinds.join(", ")
        )
    };
    batch.problems.push(Problem::warning(location, why));
}
