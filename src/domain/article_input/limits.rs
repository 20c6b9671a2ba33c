//! The sizes Article Annotator accepts, checked up front with messages a person can act on.
//!
//! Why limits at all: everything runs in one browser tab; a 200 MB "article" or a million
//! annotations would freeze it or exhaust storage, and hostile files would do so on purpose.
//! Checking before the work starts turns a hang into a sentence. Sizes in messages use
//! decimal units (1 MB = 1,000,000 bytes) and round *up*, so a file over a limit never reads
//! as equal to it.

use std::fmt;

/// Longest article text, in UTF-8 bytes (so also at most this many code points).
pub const MAX_ARTICLE_BYTES: usize = 5_000_000;
/// Largest file the app opens (an article, an HTML page or an annotation file).
pub const MAX_FILE_BYTES: usize = 20_000_000;
/// Most annotations one document keeps.
pub const MAX_ANNOTATIONS: usize = 100_000;
/// Deepest nesting of arrays and objects accepted in a JSON file (serde_json stops at 128).
pub const MAX_JSON_NESTING: usize = 64;

/// A size over one of the limits above.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LimitError {
    ArticleTooLarge { bytes: usize },
    FileTooLarge { bytes: usize },
    TooManyAnnotations { count: usize },
    JsonTooDeep { byte_position: usize },
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitError::ArticleTooLarge { bytes } => write!(
                f,
                "This article is {}; Article Annotator opens articles up to {}. Split it into \
                 parts and annotate each on its own.",
                human_size(*bytes),
                human_size(MAX_ARTICLE_BYTES)
            ),
            LimitError::FileTooLarge { bytes } => write!(
                f,
                "This file is {}; Article Annotator opens files up to {}.",
                human_size(*bytes),
                human_size(MAX_FILE_BYTES)
            ),
            LimitError::TooManyAnnotations { count } => write!(
                f,
                "This document would have {} annotations; Article Annotator keeps up to {} per \
                 document.",
                with_thousands_separators(*count),
                with_thousands_separators(MAX_ANNOTATIONS)
            ),
            LimitError::JsonTooDeep { byte_position } => write!(
                f,
                "The JSON nests more than {MAX_JSON_NESTING} levels deep (at byte \
                 {byte_position}); no file Article Annotator reads needs that many, so it was \
                 not read."
            ),
        }
    }
}

impl std::error::Error for LimitError {}

/// The article text fits in [`MAX_ARTICLE_BYTES`].
pub fn check_article(text: &str) -> Result<(), LimitError> {
    if text.len() > MAX_ARTICLE_BYTES {
        return Err(LimitError::ArticleTooLarge { bytes: text.len() });
    }
    Ok(())
}

/// A file of `byte_length` bytes fits in [`MAX_FILE_BYTES`]; check before reading it.
pub fn check_file_size(byte_length: usize) -> Result<(), LimitError> {
    if byte_length > MAX_FILE_BYTES {
        return Err(LimitError::FileTooLarge { bytes: byte_length });
    }
    Ok(())
}

/// `count` annotations fit in [`MAX_ANNOTATIONS`].
pub fn check_annotation_count(count: usize) -> Result<(), LimitError> {
    if count > MAX_ANNOTATIONS {
        return Err(LimitError::TooManyAnnotations { count });
    }
    Ok(())
}

/// The JSON nests arrays and objects at most [`MAX_JSON_NESTING`] deep. A linear scan that
/// skips strings; it does not validate the JSON (the parser does that next).
pub fn check_json_nesting(json: &[u8]) -> Result<(), LimitError> {
    let mut depth = 0usize;
    let mut inside_string = false;
    let mut escaped = false;
    for (byte_position, &byte) in json.iter().enumerate() {
        if inside_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => inside_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => inside_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_NESTING {
                    return Err(LimitError::JsonTooDeep { byte_position });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// `999 bytes`, `1.5 kB`, `7.2 MB`, `5 MB`: one decimal, rounded up, `.0` left out.
pub fn human_size(bytes: usize) -> String {
    let (unit_bytes, unit) = match bytes {
        0..1_000 => return format!("{bytes} bytes"),
        1_000..1_000_000 => (1_000, "kB"),
        1_000_000..1_000_000_000 => (1_000_000, "MB"),
        _ => (1_000_000_000, "GB"),
    };
    let tenths = bytes.div_ceil(unit_bytes / 10);
    let (whole, tenth) = (tenths / 10, tenths % 10);
    if tenth == 0 {
        format!("{whole} {unit}")
    } else {
        format!("{whole}.{tenth} {unit}")
    }
}

/// `100000` → `100,000`.
pub fn with_thousands_separators(number: usize) -> String {
    let digits = number.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}
