//! The claims report: one row per claim, for the table in the UI and for CSV and Markdown.
//!
//! Rows are plain data resolved once (labels looked up, claimant and sources followed), so the
//! UI's sorting and filtering and both exports agree on every cell.

use crate::domain::annotation::{AnnotationId, RelationKind};
use crate::domain::csv::CsvWriter;
use crate::domain::document::{Document, Metadata};
use crate::domain::factcheck::CLAIM_TAG;
use crate::domain::factcheck::fields::{
    self, CANONICAL_NAME, CHECKWORTHINESS, CLAIM_TYPE, CLAIM_TYPE_OPTIONS, ClaimStatus, STATEMENT,
    STATUS, VERDICT,
};
use crate::domain::factcheck::rating::RatingScale;
use crate::domain::factcheck::relations::{claimant, sources};
use crate::domain::sorting;
use std::cmp::Ordering;
use std::collections::BTreeSet;

/// A source linked to a claim, as the report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceCell {
    pub kind: RelationKind,
    pub quote: String,
}

/// The verdict of a claim, resolved against the scale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictCell {
    /// As stored on the claim.
    pub id: String,
    /// The scale's label; the id itself when the scale does not know it.
    pub label: String,
    pub value: Option<u32>,
    /// Where the verdict stands in the scale's list; `None` when unknown.
    pub scale_position: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimRow {
    pub annotation_id: AnnotationId,
    /// Where the claim's span starts and ends in the text, in code points.
    pub start: usize,
    pub end: usize,
    /// 1-based position among the claims in text order.
    pub number: usize,
    pub statement: String,
    pub quote: String,
    pub verdict: Option<VerdictCell>,
    pub status: ClaimStatus,
    /// The claim type's label (the stored value when unknown), empty when not set.
    pub claim_type: String,
    pub checkworthiness: Option<u32>,
    /// The claimant's canonical name, else its quote.
    pub claimant: Option<String>,
    pub sources: Vec<SourceCell>,
    pub note: String,
}

impl ClaimRow {
    pub fn verdict_label(&self) -> &str {
        self.verdict
            .as_ref()
            .map(|v| v.label.as_str())
            .unwrap_or("")
    }

    pub fn verdict_id(&self) -> Option<&str> {
        self.verdict.as_ref().map(|v| v.id.as_str())
    }
}

/// The rows of every claim of `doc`, in text order.
pub fn claim_rows(doc: &Document, scale: &RatingScale) -> Vec<ClaimRow> {
    doc.annotations_in_text_order()
        .into_iter()
        .filter(|a| a.tag.as_str() == CLAIM_TAG)
        .enumerate()
        .map(|(index, claim)| {
            let attribute = |key: &str| {
                claim
                    .attributes
                    .get(key)
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty())
            };
            let verdict = attribute(VERDICT).map(|id| {
                let rating = scale.get(id);
                VerdictCell {
                    id: id.to_string(),
                    label: rating
                        .map(|r| r.label.clone())
                        .unwrap_or_else(|| id.to_string()),
                    value: rating.and_then(|r| r.value),
                    scale_position: scale.position(id),
                }
            });
            let claim_type = attribute(CLAIM_TYPE)
                .map(|value| fields::option_label(CLAIM_TYPE_OPTIONS, value).unwrap_or(value))
                .unwrap_or("");
            let claimant_name = claimant(doc, &claim.id).map(|entity| {
                let canonical = entity.attributes.get(CANONICAL_NAME).map(|v| v.trim());
                match canonical {
                    Some(name) if !name.is_empty() => name.to_string(),
                    _ => entity.quote.clone(),
                }
            });
            ClaimRow {
                annotation_id: claim.id.clone(),
                start: claim.start().0,
                end: claim.end().0,
                number: index + 1,
                statement: attribute(STATEMENT).unwrap_or("").to_string(),
                quote: claim.quote.clone(),
                verdict,
                status: ClaimStatus::from_attribute(attribute(STATUS)),
                claim_type: claim_type.to_string(),
                checkworthiness: attribute(CHECKWORTHINESS)
                    .and_then(|value| fields::parse_in_range(value, 1, 5).ok()),
                claimant: claimant_name,
                sources: sources(doc, &claim.id)
                    .into_iter()
                    .map(|(kind, source)| SourceCell {
                        kind,
                        quote: source.quote.clone(),
                    })
                    .collect(),
                note: claim.note.clone(),
            }
        })
        .collect()
}

/// The orders the report can be shown in. Every order ends with text order, so it is total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimSort {
    TextOrder,
    /// Best verdict first (by rating value), then verdicts without a number in scale order,
    /// then unknown verdicts, then claims without a verdict.
    Verdict,
    /// Unchecked first, then in progress, then checked: what still needs work on top.
    Status,
    /// Most worth checking first; claims without a score last.
    Checkworthiness,
}

pub fn sort_rows(rows: &mut [ClaimRow], by: ClaimSort) {
    sorting::sort_by(rows, |a, b| compare(a, b, by).then(a.number.cmp(&b.number)));
}

fn compare(a: &ClaimRow, b: &ClaimRow, by: ClaimSort) -> Ordering {
    match by {
        ClaimSort::TextOrder => Ordering::Equal,
        ClaimSort::Verdict => verdict_rank(a).cmp(&verdict_rank(b)),
        ClaimSort::Status => a.status.cmp(&b.status),
        ClaimSort::Checkworthiness => {
            let rank = |row: &ClaimRow| row.checkworthiness.map(std::cmp::Reverse);
            // `Some` sorts after `None` by default; flip so unscored rows go last.
            match (rank(a), rank(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }
    }
}

/// Lower ranks sort first.
fn verdict_rank(row: &ClaimRow) -> (u8, std::cmp::Reverse<u32>, usize) {
    match &row.verdict {
        Some(VerdictCell {
            value: Some(value),
            scale_position,
            ..
        }) => (
            0,
            std::cmp::Reverse(*value),
            scale_position.unwrap_or(usize::MAX),
        ),
        Some(VerdictCell {
            value: None,
            scale_position: Some(position),
            ..
        }) => (1, std::cmp::Reverse(0), *position),
        Some(VerdictCell {
            value: None,
            scale_position: None,
            ..
        }) => (2, std::cmp::Reverse(0), 0),
        None => (3, std::cmp::Reverse(0), 0),
    }
}

/// Which rows to keep. `None` keeps all; in `verdicts`, `None` stands for "no verdict yet".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimFilter {
    pub verdicts: Option<BTreeSet<Option<String>>>,
    pub statuses: Option<BTreeSet<ClaimStatus>>,
}

impl ClaimFilter {
    pub fn matches(&self, row: &ClaimRow) -> bool {
        let verdict_ok = self
            .verdicts
            .as_ref()
            .is_none_or(|set| set.contains(&row.verdict_id().map(str::to_string)));
        let status_ok = self
            .statuses
            .as_ref()
            .is_none_or(|set| set.contains(&row.status));
        verdict_ok && status_ok
    }
}

pub fn filter_rows(rows: &[ClaimRow], filter: &ClaimFilter) -> Vec<ClaimRow> {
    rows.iter()
        .filter(|row| filter.matches(row))
        .cloned()
        .collect()
}

pub const CSV_HEADER: [&str; 14] = [
    "number",
    "annotation_id",
    "start",
    "end",
    "statement",
    "quote",
    "verdict",
    "verdict_id",
    "status",
    "claim_type",
    "checkworthiness",
    "claimant",
    "sources",
    "note",
];

/// The rows as CSV with a header row. Sources are one per line in their cell, written
/// `kind: quote`.
pub fn to_csv(rows: &[ClaimRow]) -> String {
    let mut csv = CsvWriter::new();
    csv.row(CSV_HEADER);
    for row in rows {
        let sources: Vec<String> = row
            .sources
            .iter()
            .map(|s| format!("{}: {}", s.kind.as_str(), s.quote))
            .collect();
        csv.row([
            row.number.to_string(),
            row.annotation_id.to_string(),
            row.start.to_string(),
            row.end.to_string(),
            row.statement.clone(),
            row.quote.clone(),
            row.verdict_label().to_string(),
            row.verdict_id().unwrap_or("").to_string(),
            row.status.label().to_string(),
            row.claim_type.clone(),
            row.checkworthiness
                .map(|n| n.to_string())
                .unwrap_or_default(),
            row.claimant.clone().unwrap_or_default(),
            sources.join("\n"),
            row.note.clone(),
        ]);
    }
    csv.finish()
}

/// The report as Markdown: a heading with the article's title, its metadata, then one section
/// per claim with a list of its fields. Every piece of user text is escaped and kept on one
/// line, so nothing in an article or a note can change the document's structure.
pub fn to_markdown(metadata: &Metadata, rows: &[ClaimRow]) -> String {
    let mut out = String::new();
    let title = metadata.title.trim();
    let title = if title.is_empty() {
        "Untitled article"
    } else {
        title
    };
    out.push_str(&format!("# Claims report: {}\n\n", escape_markdown(title)));
    let facts = [
        ("URL", metadata.url.as_str()),
        ("Publisher", metadata.publisher.as_str()),
        ("Author", metadata.author.as_str()),
        ("Published", metadata.published.as_str()),
    ];
    for (label, value) in facts {
        if !value.trim().is_empty() {
            out.push_str(&format!(
                "- **{label}:** {}\n",
                escape_markdown(value.trim())
            ));
        }
    }
    out.push_str(&format!("- **Claims:** {}\n", rows.len()));
    for row in rows {
        let heading = if row.statement.is_empty() {
            &row.quote
        } else {
            &row.statement
        };
        out.push_str(&format!(
            "\n## {}. {}\n\n",
            row.number,
            escape_markdown(heading)
        ));
        let mut item = |label: &str, value: &str| {
            if !value.trim().is_empty() {
                out.push_str(&format!(
                    "- **{label}:** {}\n",
                    escape_markdown(value.trim())
                ));
            }
        };
        item("Quote", &row.quote);
        item("Verdict", row.verdict_label());
        item("Status", row.status.label());
        item("Claim type", &row.claim_type);
        item(
            "Check-worthiness",
            &row.checkworthiness
                .map(|n| format!("{n}/5"))
                .unwrap_or_default(),
        );
        item("Claimant", row.claimant.as_deref().unwrap_or(""));
        item("Note", &row.note);
        if !row.sources.is_empty() {
            out.push_str("- **Sources:**\n");
            for source in &row.sources {
                out.push_str(&format!(
                    "  - {}: {}\n",
                    escape_markdown(&source.kind.label()),
                    escape_markdown(source.quote.trim())
                ));
            }
        }
    }
    out
}

/// `text` on one line with every character that Markdown could read as syntax escaped by a
/// backslash (CommonMark allows escaping any ASCII punctuation). Line breaks become spaces.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous_was_break = false;
    for c in text.chars() {
        let is_break = matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}');
        if is_break {
            if !previous_was_break {
                out.push(' ');
            }
            previous_was_break = true;
            continue;
        }
        previous_was_break = false;
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '|'
                | '~'
                | '&'
                | '#'
                | '!'
                | '('
                | ')'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
