//! The article's segmentation carried from one version of the document to the next, so that
//! an edit costs the paragraphs it touches instead of the whole article.
//!
//! Why: segmenting a 1 MB article with 20,000 annotations takes tens of milliseconds, and
//! every add, undo or delete used to do it whole. A version remembers one small entry per
//! annotation (a hash of its id and tag, its drawn range). The next version is compared with
//! it from both ends; the annotations in between (one for an add, a delete or a change of
//! tag) name the paragraphs to segment again, together with the paragraphs of annotations
//! whose underline lane moved (lanes only move inside a cluster of overlapping spans). Every
//! other paragraph is shared with the version before.
//!
//! Runs name annotations by their index in the document's list, and a deletion shifts every
//! later index. Rewriting every later paragraph would cost as much as segmenting them, so a
//! version keeps the shifts made since each paragraph was segmented and applies them when a
//! paragraph is read ([`ArticleLayout::paragraph`]); after [`MAX_SHIFTS`] shifts the stale
//! paragraphs are rewritten once. A new text, or a change of more than [`MAX_WINDOW`]
//! annotations (an import, another tab's merge), is segmented whole.

use crate::domain::annotation::Annotation;
use crate::domain::segment::{
    Lanes, Paragraph, lanes_after_change, paragraphs_touching, segment, segment_paragraph,
};
use crate::domain::sorting;
use crate::domain::text::{Text, TextRange};
use std::borrow::Cow;
use std::sync::Arc;

/// More changed annotations than this between two versions: segment the whole article.
pub const MAX_WINDOW: usize = 512;
/// Shifts kept before the paragraphs segmented before them are rewritten.
pub const MAX_SHIFTS: usize = 32;

/// What an annotation contributes to the rendering, enough to tell whether it changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Entry {
    /// FNV-1a of the id and the tag.
    signature: u64,
    /// The range drawn, `None` for annotations that are not drawn (orphans, empty, past the
    /// end of the text).
    drawn: Option<TextRange>,
}

fn entry(annotation: &Annotation, text_len: usize) -> Entry {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = annotation
        .id
        .as_str()
        .bytes()
        .chain(std::iter::once(0xff))
        .chain(annotation.tag.as_str().bytes());
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let drawn =
        (!annotation.is_orphan() && annotation.end().0 <= text_len && !annotation.range.is_empty())
            .then_some(annotation.range);
    Entry {
        signature: hash,
        drawn,
    }
}

/// Indices at or after `from` (in the numbering before the version `epoch`) moved by `delta`.
#[derive(Clone, Copy, Debug)]
struct Shift {
    epoch: u64,
    from: usize,
    delta: isize,
}

/// A paragraph and the version it was segmented in.
#[derive(Clone, Debug)]
struct Stamped {
    epoch: u64,
    paragraph: Arc<Paragraph>,
}

/// Which paragraphs a new version segmented again: the ones whose view may differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Touched {
    /// Everything was segmented (a new text, a large change, the first version).
    All,
    /// Only these paragraph indices, ascending.
    Some(Vec<usize>),
}

impl Touched {
    /// Whether paragraph `index` was segmented again.
    pub fn contains(&self, index: usize) -> bool {
        match self {
            Touched::All => true,
            Touched::Some(list) => list.binary_search(&index).is_ok(),
        }
    }
}

/// One version's segmentation: paragraphs (shared with earlier versions where unchanged),
/// lanes, and what the next version is compared with.
#[derive(Clone, Debug, Default)]
pub struct ArticleLayout {
    text_sha256: String,
    ranges: Vec<TextRange>,
    paragraphs: Vec<Stamped>,
    lanes: Lanes,
    entries: Vec<Entry>,
    shifts: Vec<Shift>,
    epoch: u64,
}

impl ArticleLayout {
    /// Segments the whole article.
    pub fn new(text: &Text, annotations: &[Annotation]) -> Self {
        let segmentation = segment(text, annotations);
        let len = text.len();
        Self {
            text_sha256: text.sha256().to_string(),
            ranges: segmentation.paragraphs.iter().map(|p| p.range).collect(),
            paragraphs: segmentation
                .paragraphs
                .into_iter()
                .map(|paragraph| Stamped {
                    epoch: 0,
                    paragraph: Arc::new(paragraph),
                })
                .collect(),
            lanes: segmentation.lanes,
            entries: annotations.iter().map(|a| entry(a, len)).collect(),
            shifts: Vec::new(),
            epoch: 0,
        }
    }

    /// The layout of the next version of the document, and which paragraphs it segmented
    /// again. Equal to [`ArticleLayout::new`] on the same input, paragraph by paragraph.
    pub fn update(&self, text: &Text, annotations: &[Annotation]) -> (Self, Touched) {
        if self.text_sha256 != text.sha256() {
            return (Self::new(text, annotations), Touched::All);
        }
        let len = text.len();
        let old = &self.entries;
        let new: Vec<Entry> = annotations.iter().map(|a| entry(a, len)).collect();
        let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
        let room = old.len().min(new.len()) - prefix;
        let suffix = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        let old_window = prefix..old.len() - suffix;
        let new_window = prefix..new.len() - suffix;
        if old_window.len() + new_window.len() > MAX_WINDOW {
            return (Self::new(text, annotations), Touched::All);
        }
        if old_window.is_empty() && new_window.is_empty() {
            return (self.clone(), Touched::Some(Vec::new()));
        }
        let delta = new_window.len() as isize - old_window.len() as isize;
        let mut dirty: Vec<TextRange> = old
            .get(old_window.clone())
            .unwrap_or_default()
            .iter()
            .chain(new.get(new_window.clone()).unwrap_or_default())
            .filter_map(|e| e.drawn)
            .collect();
        // The lanes before, by the new indices (the window's own are assigned again).
        let carried: Vec<Option<usize>> = (0..new.len())
            .map(|index| {
                if index < prefix {
                    self.lanes.lane(index)
                } else if new_window.contains(&index) {
                    None
                } else {
                    self.lanes.lane(index.saturating_add_signed(-delta))
                }
            })
            .collect();
        let lanes = lanes_after_change(text, annotations, carried, &dirty);
        // Annotations outside the window whose lane moved (their neighbours changed).
        for (index, current) in new.iter().enumerate() {
            if new_window.contains(&index) {
                continue;
            }
            let before = if index < prefix {
                index
            } else {
                index.saturating_add_signed(-delta)
            };
            if lanes.lane(index) != self.lanes.lane(before)
                && let Some(range) = current.drawn
            {
                dirty.push(range);
            }
        }
        let mut touched: Vec<usize> = dirty
            .iter()
            .flat_map(|range| paragraphs_touching(&self.ranges, *range))
            .collect();
        sorting::sort(&mut touched);
        touched.dedup();
        let epoch = self.epoch.wrapping_add(1);
        let mut shifts = self.shifts.clone();
        if delta != 0 {
            shifts.push(Shift {
                epoch,
                from: old_window.end,
                delta,
            });
        }
        let mut paragraphs = self.paragraphs.clone();
        for &index in &touched {
            if let (Some(slot), Some(range)) = (paragraphs.get_mut(index), self.ranges.get(index)) {
                *slot = Stamped {
                    epoch,
                    paragraph: Arc::new(segment_paragraph(text, *range, annotations)),
                };
            }
        }
        let mut next = Self {
            text_sha256: self.text_sha256.clone(),
            ranges: self.ranges.clone(),
            paragraphs,
            lanes,
            entries: new,
            shifts,
            epoch,
        };
        if next.shifts.len() > MAX_SHIFTS {
            next.settle();
        }
        (next, Touched::Some(touched))
    }

    /// How many paragraphs the article has.
    pub fn paragraph_count(&self) -> usize {
        self.paragraphs.len()
    }

    /// The ranges of the paragraphs, in order.
    pub fn ranges(&self) -> &[TextRange] {
        &self.ranges
    }

    /// Paragraph `index` with its runs naming annotations by their index in the current
    /// document (borrowed when no deletion happened since it was segmented).
    pub fn paragraph(&self, index: usize) -> Option<Cow<'_, Paragraph>> {
        let stamped = self.paragraphs.get(index)?;
        let pending: Vec<Shift> = self
            .shifts
            .iter()
            .filter(|s| s.epoch > stamped.epoch)
            .copied()
            .collect();
        if pending.is_empty() {
            return Some(Cow::Borrowed(stamped.paragraph.as_ref()));
        }
        Some(Cow::Owned(shifted(&stamped.paragraph, &pending)))
    }

    /// The lanes of the current version, by annotation index.
    pub fn lanes(&self) -> &Lanes {
        &self.lanes
    }

    /// Rewrites the paragraphs segmented before the shifts, then forgets the shifts.
    fn settle(&mut self) {
        let shifts = std::mem::take(&mut self.shifts);
        for stamped in &mut self.paragraphs {
            let pending: Vec<Shift> = shifts
                .iter()
                .filter(|s| s.epoch > stamped.epoch)
                .copied()
                .collect();
            if !pending.is_empty() {
                stamped.paragraph = Arc::new(shifted(&stamped.paragraph, &pending));
            }
            stamped.epoch = self.epoch;
        }
    }
}

fn shifted(paragraph: &Paragraph, shifts: &[Shift]) -> Paragraph {
    let mut paragraph = paragraph.clone();
    for run in &mut paragraph.runs {
        for index in &mut run.annotations {
            for shift in shifts {
                if *index >= shift.from {
                    *index = index.saturating_add_signed(shift.delta);
                }
            }
        }
    }
    paragraph
}
