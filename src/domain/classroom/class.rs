//! The teacher's review of a whole class: one answer key, many attempts.
//!
//! Every attempt made on the key's text (same `text_sha256`) is matched and scored; attempts
//! made on another text are listed, never scored, because their offsets mean nothing here.
//! From the scored attempts come:
//! - a class table (student × tag: precision, recall, F1, hits, misses, extras; overall),
//!   sortable by any column ([`sort_rows`]);
//! - for each key annotation, how many students found it;
//! - a word-level heat map: for each word and tag, how many students covered it, as
//!   ranges with counts so the view can shade them;
//! - the grades as CSV ([`grades_csv`]).
//!
//! Words are Unicode word-bound segments that contain a letter or digit (spaces and
//! punctuation are not words). A student "tagged" a word with a tag when any of their spans
//! of that tag covers at least one of its code points; each student counts once per word
//! and tag however many spans they drew there.

use crate::domain::annotation::{Annotation, AnnotationId};
use crate::domain::classroom::matching::{Ignored, MatchRule, match_attempt};
use crate::domain::classroom::scores::{
    Score, ScoreCard, character_scores, coverage_by_tag, score_matching,
};
use crate::domain::csv::CsvWriter;
use crate::domain::sorting;
use crate::domain::tag::TagId;
use crate::domain::text::{Text, TextRange};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use unicode_segmentation::UnicodeSegmentation;

/// One student's work as handed in.
#[derive(Clone, Copy, Debug)]
pub struct Submission<'a> {
    pub annotator: &'a str,
    /// The `text_sha256` the attempt was made on.
    pub text_sha256: &'a str,
    pub annotations: &'a [Annotation],
}

/// One scored student: a row of the class table.
#[derive(Clone, Debug, PartialEq)]
pub struct StudentRow {
    pub annotator: String,
    /// Position of the submission in the list given to [`review_class`].
    pub submission: usize,
    /// Span-level scores: what the grades are.
    pub scores: ScoreCard,
    /// Code-point-level scores: partial credit for near misses, shown beside the grades.
    pub character_scores: ScoreCard,
    /// The student's orphaned and empty annotations, left out of the scores.
    pub ignored: Ignored,
}

/// An attempt that was not scored because it was made on another text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherText {
    pub annotator: String,
    pub submission: usize,
    pub text_sha256: String,
}

/// How many students found one key annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySpanFound {
    pub id: AnnotationId,
    pub tag: TagId,
    pub range: TextRange,
    /// Names of the students whose attempt matched it, in submission order.
    pub found_by: Vec<String>,
}

/// How many students tagged one word with one tag (only cells with at least one student,
/// or covered by the key, are listed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeatCell {
    pub word: TextRange,
    pub tag: TagId,
    pub students: usize,
    /// Whether the key covers this word with this tag.
    pub in_key: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeatMap {
    /// Every word of the text, in order.
    pub words: Vec<TextRange>,
    /// By word position, then tag.
    pub cells: Vec<HeatCell>,
    /// How many students were counted: the denominator for shading.
    pub students: usize,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClassReview {
    /// The key's text: attempts on any other text are in `other_text`.
    pub text_sha256: String,
    pub rule: Option<MatchRule>,
    /// The key's orphaned and empty annotations, which nobody can find.
    pub key_ignored: Ignored,
    /// The table's tag columns: every tag of the key or a scored attempt, sorted by id.
    pub tags: Vec<TagId>,
    pub rows: Vec<StudentRow>,
    pub other_text: Vec<OtherText>,
    /// Key annotations (orphans left out) in text order.
    pub key_found: Vec<KeySpanFound>,
    pub heat_map: HeatMap,
}

/// Reviews every submission against the key made on `text`.
pub fn review_class(
    text: &Text,
    key: &[Annotation],
    submissions: &[Submission<'_>],
    rule: MatchRule,
) -> ClassReview {
    let mut review = ClassReview {
        text_sha256: text.sha256().to_string(),
        rule: Some(rule),
        ..ClassReview::default()
    };
    review.key_ignored = Ignored {
        orphaned: key.iter().filter(|a| a.is_orphan()).count(),
        empty: key
            .iter()
            .filter(|a| !a.is_orphan() && a.range.is_empty())
            .count(),
    };
    let mut tags: BTreeSet<&TagId> = sorting::set_of(key.iter().map(|a| &a.tag));
    let mut found_by: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut scored: Vec<&[Annotation]> = Vec::new();
    for (position, submission) in submissions.iter().enumerate() {
        if submission.text_sha256 != text.sha256() {
            review.other_text.push(OtherText {
                annotator: submission.annotator.to_string(),
                submission: position,
                text_sha256: submission.text_sha256.to_string(),
            });
            continue;
        }
        let matching = match_attempt(key, submission.annotations, rule);
        for hit in &matching.hits {
            found_by
                .entry(hit.key.index)
                .or_default()
                .push(submission.annotator.to_string());
        }
        tags.extend(submission.annotations.iter().map(|a| &a.tag));
        review.rows.push(StudentRow {
            annotator: submission.annotator.to_string(),
            submission: position,
            scores: score_matching(&matching),
            character_scores: character_scores(key, submission.annotations),
            ignored: matching.ignored_in_attempt,
        });
        scored.push(submission.annotations);
    }
    review.tags = tags.into_iter().cloned().collect();
    review.key_found = key_spans_found(key, found_by);
    review.heat_map = heat_map(text, key, &scored, &review.tags);
    review
}

fn key_spans_found(
    key: &[Annotation],
    mut found_by: BTreeMap<usize, Vec<String>>,
) -> Vec<KeySpanFound> {
    let mut found: Vec<(usize, &Annotation)> = key
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.is_orphan())
        .collect();
    sorting::sort_by(&mut found, |(_, a), (_, b)| {
        a.range.cmp(&b.range).then_with(|| a.id.cmp(&b.id))
    });
    found
        .into_iter()
        .map(|(index, annotation)| KeySpanFound {
            id: annotation.id.clone(),
            tag: annotation.tag.clone(),
            range: annotation.range,
            found_by: found_by.remove(&index).unwrap_or_default(),
        })
        .collect()
}

/// The words of `text` as code point ranges: word-bound segments holding a letter or digit.
pub fn word_ranges(text: &str) -> Vec<TextRange> {
    let mut words = Vec::new();
    let mut position = 0;
    for segment in text.split_word_bounds() {
        let length = segment.chars().count();
        let is_word = segment.chars().any(char::is_alphanumeric);
        if let (true, Ok(range)) = (
            is_word,
            TextRange::from_code_points(position, position + length),
        ) {
            words.push(range);
        }
        position += length;
    }
    words
}

/// For each word, the tags whose coverage touches it, as one walk over sorted ranges.
/// `on_word(word_index, tag)` is called once per (word, tag) pair covered.
pub(crate) fn for_each_covered_word(
    words: &[TextRange],
    annotations: &[Annotation],
    mut on_word: impl FnMut(usize, &TagId),
) {
    for (tag, ranges) in coverage_by_tag(annotations) {
        let mut next_range = 0;
        for (word_index, word) in words.iter().enumerate() {
            while ranges
                .get(next_range)
                .is_some_and(|r| r.end() <= word.start())
            {
                next_range += 1;
            }
            if ranges.get(next_range).is_some_and(|r| r.overlap(word) > 0) {
                on_word(word_index, tag);
            }
        }
    }
}

/// Students per (word, tag column), and whether the key covers it. Dense (fast) for ordinary
/// texts; sparse when a file brings so many tags that words × tags would not fit in memory.
enum HeatCounts {
    Dense {
        columns: usize,
        counts: Vec<(usize, bool)>,
    },
    Sparse {
        counts: BTreeMap<(usize, usize), (usize, bool)>,
    },
}

/// Beyond this many cells the heat map counts sparsely.
const DENSE_HEAT_CELLS: usize = 1 << 22;

impl HeatCounts {
    fn new(words: usize, columns: usize) -> Self {
        match words.checked_mul(columns) {
            Some(cells) if cells <= DENSE_HEAT_CELLS => HeatCounts::Dense {
                columns,
                counts: vec![(0, false); cells],
            },
            _ => HeatCounts::Sparse {
                counts: BTreeMap::new(),
            },
        }
    }

    fn cell(&mut self, word: usize, column: usize) -> Option<&mut (usize, bool)> {
        match self {
            HeatCounts::Dense { columns, counts } => counts.get_mut(word * *columns + column),
            HeatCounts::Sparse { counts } => Some(counts.entry((word, column)).or_default()),
        }
    }

    /// `(word, column, students, in_key)` of every cell touched, word-major.
    fn touched(self) -> Vec<(usize, usize, usize, bool)> {
        match self {
            HeatCounts::Dense { columns, counts } => counts
                .into_iter()
                .enumerate()
                .filter(|(_, (students, in_key))| *students > 0 || *in_key)
                .map(|(at, (students, in_key))| {
                    (at / columns.max(1), at % columns.max(1), students, in_key)
                })
                .collect(),
            HeatCounts::Sparse { counts } => counts
                .into_iter()
                .map(|((word, column), (students, in_key))| (word, column, students, in_key))
                .collect(),
        }
    }
}

fn heat_map(
    text: &Text,
    key: &[Annotation],
    attempts: &[&[Annotation]],
    tags: &[TagId],
) -> HeatMap {
    let words = word_ranges(text.as_str());
    let mut counts = HeatCounts::new(words.len(), tags.len());
    let column_of = |tag: &TagId| tags.binary_search(tag).ok();
    for attempt in attempts {
        for_each_covered_word(&words, attempt, |word, tag| {
            if let Some(cell) = column_of(tag).and_then(|column| counts.cell(word, column)) {
                cell.0 += 1;
            }
        });
    }
    for_each_covered_word(&words, key, |word, tag| {
        if let Some(cell) = column_of(tag).and_then(|column| counts.cell(word, column)) {
            cell.1 = true;
        }
    });
    let cells = counts
        .touched()
        .into_iter()
        .filter_map(|(word, column, students, in_key)| {
            let (word, tag) = (words.get(word)?, tags.get(column)?);
            Some(HeatCell {
                word: *word,
                tag: tag.clone(),
                students,
                in_key,
            })
        })
        .collect();
    HeatMap {
        words,
        cells,
        students: attempts.len(),
    }
}

/// Which number of a score a column shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Precision,
    Recall,
    F1,
    Hits,
    Misses,
    Extras,
}

impl Metric {
    pub const ALL: [Metric; 6] = [
        Metric::Precision,
        Metric::Recall,
        Metric::F1,
        Metric::Hits,
        Metric::Misses,
        Metric::Extras,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::Precision => "precision",
            Metric::Recall => "recall",
            Metric::F1 => "f1",
            Metric::Hits => "hits",
            Metric::Misses => "misses",
            Metric::Extras => "extras",
        }
    }

    pub fn value(self, score: &Score) -> f64 {
        match self {
            Metric::Precision => score.precision,
            Metric::Recall => score.recall,
            Metric::F1 => score.f1,
            Metric::Hits => score.counts.hits as f64,
            Metric::Misses => score.counts.misses as f64,
            Metric::Extras => score.counts.extras as f64,
        }
    }
}

/// A column of the class table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    Annotator,
    Overall(Metric),
    Tag(TagId, Metric),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

/// Sorts rows by `column`; equal values keep name order (then submission order), whatever
/// the direction, so the table never jumps around between clicks.
pub fn sort_rows(rows: &mut [StudentRow], column: &Column, direction: Direction) {
    sorting::sort_by(rows, |a, b| {
        let primary = match column {
            Column::Annotator => a.annotator.to_lowercase().cmp(&b.annotator.to_lowercase()),
            Column::Overall(metric) => metric
                .value(&a.scores.overall)
                .total_cmp(&metric.value(&b.scores.overall)),
            Column::Tag(tag, metric) => metric
                .value(&a.scores.tag(tag))
                .total_cmp(&metric.value(&b.scores.tag(tag))),
        };
        let primary = match direction {
            Direction::Ascending => primary,
            Direction::Descending => primary.reverse(),
        };
        primary.then_with(|| tie_break(a, b))
    });
}

fn tie_break(a: &StudentRow, b: &StudentRow) -> Ordering {
    a.annotator
        .cmp(&b.annotator)
        .then(a.submission.cmp(&b.submission))
}

fn percent(value: f64) -> String {
    format!("{:.1}", value * 100.0)
}

/// The grades as CSV: one row per submission (scored rows in table order, then attempts on
/// another text with status `other text` and empty scores). Precision, recall and F1 are
/// percentages with one decimal.
pub fn grades_csv(review: &ClassReview) -> String {
    let mut csv = CsvWriter::new();
    let mut header: Vec<String> = ["student", "status", "text_sha256"]
        .map(String::from)
        .to_vec();
    let column_names = |prefix: &str| Metric::ALL.map(|m| format!("{prefix}{}", m.name()));
    header.extend(column_names("overall_"));
    for tag in &review.tags {
        header.extend(column_names(&format!("{tag}_")));
    }
    let width = header.len();
    csv.row(&header);
    let cells = |score: &Score| {
        Metric::ALL.map(|metric| match metric {
            Metric::Precision | Metric::Recall | Metric::F1 => percent(metric.value(score)),
            _ => format!("{}", metric.value(score)),
        })
    };
    for row in &review.rows {
        let mut line = vec![
            row.annotator.clone(),
            "scored".to_string(),
            review.text_sha256.clone(),
        ];
        line.extend(cells(&row.scores.overall));
        for tag in &review.tags {
            line.extend(cells(&row.scores.tag(tag)));
        }
        csv.row(&line);
    }
    for other in &review.other_text {
        let mut line = vec![
            other.annotator.clone(),
            "other text".to_string(),
            other.text_sha256.clone(),
        ];
        line.resize(width, String::new());
        csv.row(&line);
    }
    csv.finish()
}
