//! Deterministic synthetic documents for benchmarks (native and in the browser).
//!
//! Benchmarks need big, realistic, reproducible inputs without shipping megabytes of
//! fixtures: news-like prose with some accents and an emoji every few hundred characters,
//! paragraphs separated by blank lines, and annotations of the three default tags of which
//! about one in five overlaps (nests in or crosses) the one before. The same seed always gives
//! the same document; there is no real randomness (xorshift with the caller's seed).
//!
//! Test and benchmark support, not part of the app: each test or bench that needs it includes
//! this file with `#[path = "…/support/synthetic.rs"] mod synthetic;`, so it is never compiled
//! into the WebAssembly build. Not every includer uses every item.

#![allow(dead_code)]

use annotator::domain::annotation::{Annotation, AnnotationId};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};

const WORDS: [&str; 40] = [
    "the",
    "minister",
    "said",
    "on",
    "Tuesday",
    "that",
    "inflation",
    "would",
    "fall",
    "below",
    "two",
    "percent",
    "according",
    "to",
    "figures",
    "published",
    "by",
    "agency",
    "in",
    "Zürich",
    "café",
    "owners",
    "naïve",
    "reports",
    "São",
    "Paulo",
    "officials",
    "denied",
    "claim",
    "that",
    "Kraków",
    "résumé",
    "spokesperson",
    "confirmed",
    "data",
    "from",
    "Reuters",
    "2024",
    "study",
    "élite",
];
const EMOJI: [&str; 5] = ["🦀", "📈", "👍🏽", "🇫🇷", "❤️"];
const TAGS: [&str; 3] = ["claim", "source", "entity"];
/// The fixed time stamped on synthetic annotations.
pub const SYNTHETIC_TIME: &str = "2026-01-01T00:00:00Z";

/// xorshift64*: tiny, fast and good enough to vary synthetic text.
#[derive(Clone, Debug)]
pub struct Xorshift(u64);

impl Xorshift {
    pub fn new(seed: u64) -> Self {
        // A zero state would stay zero forever.
        Xorshift(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            return 0;
        }
        (self.next_u64() % bound as u64) as usize
    }
}

fn pick<'a>(choices: &[&'a str], random: &mut Xorshift) -> &'a str {
    choices
        .get(random.below(choices.len()))
        .copied()
        .unwrap_or("")
}

/// About `size_bytes` of news-like text, and the code point range of every word in it.
pub fn news_text(size_bytes: usize, seed: u64) -> (String, Vec<(usize, usize)>) {
    let mut random = Xorshift::new(seed);
    let mut content = String::with_capacity(size_bytes + 64);
    let mut words = Vec::with_capacity(size_bytes / 6);
    let mut code_points = 0;
    let mut words_left_in_sentence = 0;
    let mut sentences_left_in_paragraph = 4;
    while content.len() < size_bytes {
        if words_left_in_sentence == 0 {
            if !content.is_empty() {
                content.push('.');
                code_points += 1;
                sentences_left_in_paragraph -= 1;
                let separator = if sentences_left_in_paragraph == 0 {
                    "\n\n"
                } else {
                    " "
                };
                if sentences_left_in_paragraph == 0 {
                    sentences_left_in_paragraph = 3 + random.below(5);
                }
                content.push_str(separator);
                code_points += separator.chars().count();
            }
            words_left_in_sentence = 8 + random.below(13);
        } else {
            content.push(' ');
            code_points += 1;
        }
        let word = pick(&WORDS, &mut random);
        let word_length = word.chars().count();
        words.push((code_points, code_points + word_length));
        content.push_str(word);
        code_points += word_length;
        words_left_in_sentence -= 1;
        if random.below(50) == 0 {
            let emoji = pick(&EMOJI, &mut random);
            content.push(' ');
            content.push_str(emoji);
            code_points += 1 + emoji.chars().count();
        }
    }
    (content, words)
}

/// A document of about `size_bytes` with `annotation_count` annotations (fewer if the text
/// has fewer words), ids `a00000`, `a00001`, …, tags cycling over claim, source, entity.
pub fn news_document(size_bytes: usize, annotation_count: usize, seed: u64) -> Document {
    let (content, words) = news_text(size_bytes, seed);
    let text = Text::new(content);
    let mut random = Xorshift::new(seed.wrapping_add(1));
    let mut annotations = Vec::with_capacity(annotation_count);
    let stride = (words.len() / annotation_count.max(1)).max(1);
    let last_word = words.len().saturating_sub(1);
    let mut previous: Option<(usize, usize)> = None;
    for number in 0..annotation_count {
        let (first, last) = match previous {
            Some((first, last)) if random.below(5) == 0 => {
                let start = first + random.below(last - first + 1);
                if random.below(2) == 0 {
                    (start, start + random.below(last - start + 1))
                } else {
                    (start, (last + 1 + random.below(3)).min(last_word))
                }
            }
            _ => {
                let base = number * stride;
                if base > last_word || words.is_empty() {
                    break;
                }
                (
                    base,
                    (base + random.below(3))
                        .min(base + stride - 1)
                        .min(last_word),
                )
            }
        };
        previous = Some((first, last));
        let (Some(&(start, _)), Some(&(_, end))) = (words.get(first), words.get(last)) else {
            continue;
        };
        let Ok(range) = TextRange::from_code_points(start, end) else {
            continue;
        };
        let tag = TagId(
            TAGS.get(number % TAGS.len())
                .copied()
                .unwrap_or("claim")
                .to_string(),
        );
        let id = AnnotationId(format!("a{number:05}"));
        if let Ok(annotation) = Annotation::new(id, tag, &text, range, SYNTHETIC_TIME) {
            annotations.push(annotation);
        }
    }
    let metadata = Metadata {
        title: format!("Synthetic news ({size_bytes} bytes, seed {seed})"),
        ..Metadata::default()
    };
    let mut document = Document::new(DocumentId(format!("synthetic-{seed}")), metadata, text);
    document.annotations = annotations;
    document
}
