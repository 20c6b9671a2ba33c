//! What the classroom views draw, computed without a browser: the pieces of text a student's
//! attempt and the key cover (for the overlay), the pieces of the heat view, how dark each
//! word is, and how each of the student's spans fared (for the check view).
//!
//! The views only turn these pieces into elements, so everything that could be wrong about
//! them (a gap, an overlap, a piece past the end) is tested here.

use crate::domain::annotation::{Annotation, AnnotationId};
use crate::domain::classroom::class::HeatMap;
use crate::domain::classroom::matching::Matching;
use crate::domain::sorting;
use crate::domain::tag::TagId;
use crate::domain::text::TextRange;
use std::collections::BTreeMap;

/// A stretch of text with the same coverage by the key and by the attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverlayPiece {
    pub range: TextRange,
    pub in_key: bool,
    pub in_attempt: bool,
}

/// Splits `0..text_len` at every boundary of the (placed, non-empty) key and attempt spans:
/// the pieces tile the text in order, and adjacent pieces differ in coverage.
pub fn overlay_pieces(
    text_len: usize,
    key: &[Annotation],
    attempt: &[Annotation],
) -> Vec<OverlayPiece> {
    let spans = |list: &[Annotation]| -> Vec<(usize, usize)> {
        list.iter()
            .filter(|a| !a.is_orphan() && !a.range.is_empty())
            .map(|a| {
                (
                    a.range.start().0.min(text_len),
                    a.range.end().0.min(text_len),
                )
            })
            .filter(|(start, end)| start < end)
            .collect()
    };
    let key_spans = spans(key);
    let attempt_spans = spans(attempt);
    // +1 at a start, -1 at an end, per side.
    let mut key_delta = vec![0i64; text_len + 1];
    let mut attempt_delta = vec![0i64; text_len + 1];
    for &(start, end) in &key_spans {
        bump(&mut key_delta, start, end);
    }
    for &(start, end) in &attempt_spans {
        bump(&mut attempt_delta, start, end);
    }
    let mut pieces: Vec<OverlayPiece> = Vec::new();
    let (mut key_depth, mut attempt_depth) = (0i64, 0i64);
    let mut piece_start = 0;
    let mut current = (false, false);
    for position in 0..text_len {
        key_depth += key_delta.get(position).copied().unwrap_or(0);
        attempt_depth += attempt_delta.get(position).copied().unwrap_or(0);
        let coverage = (key_depth > 0, attempt_depth > 0);
        if position == 0 {
            current = coverage;
        } else if coverage != current {
            push_piece(&mut pieces, piece_start, position, current);
            piece_start = position;
            current = coverage;
        }
    }
    if text_len > 0 {
        push_piece(&mut pieces, piece_start, text_len, current);
    }
    pieces
}

fn bump(delta: &mut [i64], start: usize, end: usize) {
    if let Some(value) = delta.get_mut(start) {
        *value += 1;
    }
    if let Some(value) = delta.get_mut(end) {
        *value -= 1;
    }
}

fn push_piece(pieces: &mut Vec<OverlayPiece>, start: usize, end: usize, coverage: (bool, bool)) {
    if let Ok(range) = TextRange::from_code_points(start, end) {
        pieces.push(OverlayPiece {
            range,
            in_key: coverage.0,
            in_attempt: coverage.1,
        });
    }
}

/// A stretch of a student's view of the key with the same outcome: inside a key span the
/// student found, one they missed, one of their spans that matched nothing. Built from the
/// matching, span by span, so a miss nested inside a found claim shows as a miss.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReviewPiece {
    pub range: TextRange,
    pub found: bool,
    pub missed: bool,
    pub extra: bool,
}

/// Splits `0..text_len` at every boundary of the matching's found, missed and extra spans;
/// the pieces tile the text in order.
pub fn review_pieces(text_len: usize, matching: &Matching) -> Vec<ReviewPiece> {
    let mut deltas = [
        vec![0i64; text_len + 1],
        vec![0i64; text_len + 1],
        vec![0i64; text_len + 1],
    ];
    let mut add = |side: usize, range: TextRange| {
        let (start, end) = (range.start().0.min(text_len), range.end().0.min(text_len));
        if start < end
            && let Some(delta) = deltas.get_mut(side)
        {
            bump(delta, start, end);
        }
    };
    for hit in &matching.hits {
        add(0, hit.key.range);
    }
    for miss in &matching.misses {
        add(1, miss.range);
    }
    for extra in &matching.extras {
        add(2, extra.range);
    }
    let mut pieces: Vec<ReviewPiece> = Vec::new();
    let mut depth = [0i64; 3];
    let mut piece_start = 0;
    let mut current = [false; 3];
    for position in 0..text_len {
        let mut coverage = [false; 3];
        for side in 0..3 {
            let step = deltas
                .get(side)
                .and_then(|d| d.get(position))
                .copied()
                .unwrap_or(0);
            if let Some(d) = depth.get_mut(side) {
                *d += step;
            }
            if let (Some(c), Some(d)) = (coverage.get_mut(side), depth.get(side)) {
                *c = *d > 0;
            }
        }
        if position == 0 {
            current = coverage;
        } else if coverage != current {
            push_review_piece(&mut pieces, piece_start, position, current);
            piece_start = position;
            current = coverage;
        }
    }
    if text_len > 0 {
        push_review_piece(&mut pieces, piece_start, text_len, current);
    }
    pieces
}

fn push_review_piece(
    pieces: &mut Vec<ReviewPiece>,
    start: usize,
    end: usize,
    [found, missed, extra]: [bool; 3],
) {
    if let Ok(range) = TextRange::from_code_points(start, end) {
        pieces.push(ReviewPiece {
            range,
            found,
            missed,
            extra,
        });
    }
}

/// A stretch of the heat view: a word (with how many students tagged it) or the text
/// between words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeatPiece {
    pub range: TextRange,
    /// `None` between words.
    pub students: Option<usize>,
    pub in_key: bool,
}

/// The text cut into words and gaps, each word with its count for `tag` (0 when nobody
/// tagged it). Pieces tile `0..text_len` in order.
pub fn heat_pieces(text_len: usize, heat_map: &HeatMap, tag: &TagId) -> Vec<HeatPiece> {
    let cells: BTreeMap<(usize, usize), (usize, bool)> = sorting::map_of(
        heat_map
            .cells
            .iter()
            .filter(|cell| &cell.tag == tag)
            .map(|cell| {
                (
                    (cell.word.start().0, cell.word.end().0),
                    (cell.students, cell.in_key),
                )
            }),
    );
    let mut pieces = Vec::with_capacity(heat_map.words.len() * 2 + 1);
    let mut position = 0;
    for word in &heat_map.words {
        let (start, end) = (word.start().0, word.end().0.min(text_len));
        if start < position || start >= end {
            continue;
        }
        if position < start
            && let Ok(range) = TextRange::from_code_points(position, start)
        {
            pieces.push(HeatPiece {
                range,
                students: None,
                in_key: false,
            });
        }
        let (students, in_key) = cells
            .get(&(start, word.end().0))
            .copied()
            .unwrap_or((0, false));
        if let Ok(range) = TextRange::from_code_points(start, end) {
            pieces.push(HeatPiece {
                range,
                students: Some(students),
                in_key,
            });
        }
        position = end;
    }
    if position < text_len
        && let Ok(range) = TextRange::from_code_points(position, text_len)
    {
        pieces.push(HeatPiece {
            range,
            students: None,
            in_key: false,
        });
    }
    pieces
}

/// How dark a word is in the heat view: 0 (nobody) to 4 (everyone), in equal steps of the
/// share of students; any student at all gives at least 1.
pub fn heat_level(students: usize, total: usize) -> u8 {
    if students == 0 || total == 0 {
        return 0;
    }
    let share = students.min(total) as f64 / total as f64;
    ((share * 4.0).ceil() as u8).clamp(1, 4)
}

/// How one of the student's spans fared against the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckStatus {
    Hit,
    Extra,
}

impl CheckStatus {
    /// The value of the mark's `data-check` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Hit => "hit",
            CheckStatus::Extra => "extra",
        }
    }
}

/// The status of every student span the matching looked at, by id.
pub fn check_statuses(matching: &Matching) -> BTreeMap<AnnotationId, CheckStatus> {
    let mut statuses = BTreeMap::new();
    for extra in &matching.extras {
        statuses.insert(extra.id.clone(), CheckStatus::Extra);
    }
    for hit in &matching.hits {
        statuses.insert(hit.attempt.id.clone(), CheckStatus::Hit);
    }
    statuses
}

/// What a mark covering several of the student's spans shows: a hit wins over an extra.
pub fn combined_status<'a>(
    statuses: &BTreeMap<AnnotationId, CheckStatus>,
    ids: impl IntoIterator<Item = &'a AnnotationId>,
) -> Option<CheckStatus> {
    let mut result = None;
    for id in ids {
        match statuses.get(id) {
            Some(CheckStatus::Hit) => return Some(CheckStatus::Hit),
            Some(CheckStatus::Extra) => result = Some(CheckStatus::Extra),
            None => {}
        }
    }
    result
}

/// A score as people read it: "67%"; 1.0 is "100%".
pub fn percent(value: f64) -> String {
    if value.is_nan() {
        return "–".to_string();
    }
    format!("{:.0}%", (value * 100.0).clamp(0.0, 100.0))
}
