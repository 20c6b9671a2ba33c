//! What each row of the Library says, beyond the title: the annotations by tag, and, for
//! rows that look alike (the same title), what tells them apart. People keep several
//! versions of one article (a copy per class, an import next to the original, two tabs'
//! first visits from before the sample had one entry); a list of identical rows makes them
//! guess which one holds their work.

use crate::domain::format::library::IndexEntry;
use crate::domain::sorting;
use std::collections::BTreeMap;

/// The words of one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowWords {
    /// "3 annotations: Claim 2, Source 1", or "No annotations".
    pub counts: String,
    /// For a row whose title another row shares: where it comes from and how its text
    /// compares ("harbour.example/budget · same text as 1 other"); `None` otherwise.
    pub tells_apart: Option<String>,
}

/// `count` and the noun, singular or plural.
pub fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

fn counts(row: &IndexEntry) -> String {
    if row.annotation_count == 0 {
        return "No annotations".to_string();
    }
    let mut by_tag: Vec<(String, usize)> = row
        .counts
        .iter()
        .map(|(id, n)| (row.tag_names.get(id).unwrap_or(id).clone(), *n))
        .collect();
    sorting::sort_by(&mut by_tag, |a, b| {
        b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
    });
    let tags = by_tag
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{}: {tags}",
        counted(row.annotation_count, "annotation", "annotations")
    )
}

/// The URL without its scheme and trailing slash: what a person recognises.
fn short_url(url: &str) -> &str {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .or_else(|| url.trim().strip_prefix("http://"))
        .unwrap_or(url.trim());
    rest.strip_suffix('/').unwrap_or(rest)
}

fn title_key(row: &IndexEntry) -> String {
    row.title.trim().to_lowercase()
}

/// The words of every row, by document id.
pub fn row_words(rows: &[IndexEntry]) -> BTreeMap<String, RowWords> {
    let mut by_title: BTreeMap<String, Vec<&IndexEntry>> = BTreeMap::new();
    for row in rows {
        by_title.entry(title_key(row)).or_default().push(row);
    }
    sorting::map_of(rows.iter().map(|row| {
        let alike = by_title
            .get(&title_key(row))
            .map(Vec::as_slice)
            .unwrap_or_default();
        let tells_apart = (alike.len() > 1).then(|| tells_apart(row, alike));
        (
            row.id.clone(),
            RowWords {
                counts: counts(row),
                tells_apart,
            },
        )
    }))
}

fn tells_apart(row: &IndexEntry, alike: &[&IndexEntry]) -> String {
    let mut parts = Vec::new();
    if !row.url.trim().is_empty() {
        parts.push(short_url(&row.url).to_string());
    }
    let others = alike.iter().filter(|other| other.id != row.id);
    let (same, known) = others.fold((0, 0), |(same, known), other| {
        if row.text_sha256.is_empty() || other.text_sha256.is_empty() {
            (same, known)
        } else {
            (
                same + usize::from(other.text_sha256 == row.text_sha256),
                known + 1,
            )
        }
    });
    if known > 0 {
        parts.push(if same == 0 {
            "different text from the others with this title".to_string()
        } else {
            format!("same text as {}", counted(same, "other", "others"))
        });
    }
    if parts.is_empty() {
        parts.push(format!("saved {}", short_time(&row.modified)));
    }
    parts.join(" · ")
}

/// "2024-06-01T10:00:00Z" → "2024-06-01 10:00".
pub fn short_time(time: &str) -> String {
    time.get(..16).unwrap_or(time).replace('T', " ")
}
