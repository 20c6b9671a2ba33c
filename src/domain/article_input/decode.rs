//! Bytes of an opened file → the article text, never silently wrong.
//!
//! Offsets in every format count code points of the exact text, so decoding must not guess
//! quietly: a wrong guess would shift every annotation made by another tool. The rules:
//!
//! - Valid UTF-8 is kept exactly, byte for byte. A leading UTF-8 byte-order mark (`EF BB BF`)
//!   stays in the text as character U+FEFF at offset 0, because tools that made offsets on
//!   the same file (PTC, Python's `utf-8` codec, brat) count it.
//! - UTF-16 with a byte-order mark (`FF FE` little-endian, `FE FF` big-endian) is decoded; the
//!   mark is the encoding's signature, not text, so it is dropped (as every UTF-16 decoder
//!   does). The result carries a notice naming the encoding.
//! - Invalid UTF-8 that reads plausibly as Windows-1252 (a superset of Latin-1) is decoded as
//!   Windows-1252 with a notice asking the reader to check accented letters. "Plausibly"
//!   means: no byte that Windows-1252 leaves undefined, no well-formed multi-byte UTF-8
//!   sequence anywhere (that would be damaged UTF-8, not a legacy file), and every run of
//!   non-ASCII letters sits inside a word (touches an ASCII letter or digit) unless it is one
//!   of the one-letter words à, è, é. Stray `FF FE` between spaces or a lone `Ã` fail this.
//! - Anything else is a [`DecodeError`] naming the byte position of the first invalid sequence.
//! - NUL characters are kept (offsets made by other tools count them) with a notice saying
//!   where the first one is; a text that is mostly NULs is refused, as it is almost certainly
//!   a binary file or UTF-16 saved without a byte-order mark.

use std::fmt;

/// The encoding a file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl SourceEncoding {
    pub fn name(self) -> &'static str {
        match self {
            SourceEncoding::Utf8 => "UTF-8",
            SourceEncoding::Utf16Le => "UTF-16LE",
            SourceEncoding::Utf16Be => "UTF-16BE",
            SourceEncoding::Windows1252 => "Windows-1252",
        }
    }
}

/// A decoded file: its text, the encoding it was read in, and what the reader should know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: SourceEncoding,
    /// Set whenever the text is not simply the file's UTF-8 bytes, or holds invisible NULs.
    pub notice: Option<String>,
}

/// Why a file cannot be turned into text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Neither UTF-8 nor plausibly Windows-1252.
    InvalidUtf8 { byte_position: usize, byte: u8 },
    /// A UTF-16 file whose length is odd: its last character is cut in half.
    Utf16OddLength {
        encoding: SourceEncoding,
        byte_length: usize,
    },
    /// A UTF-16 surrogate without its other half.
    Utf16UnpairedSurrogate {
        encoding: SourceEncoding,
        byte_position: usize,
    },
    /// More than a quarter of the characters are NUL.
    MostlyNul { nul_count: usize, char_count: usize },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::InvalidUtf8 {
                byte_position,
                byte,
            } => write!(
                f,
                "The file is not valid UTF-8: the first invalid byte sequence is at byte \
                 {byte_position} (0x{byte:02X}). Save the file as UTF-8 and open it again."
            ),
            DecodeError::Utf16OddLength {
                encoding,
                byte_length,
            } => write!(
                f,
                "The file looks like {} but has an odd number of bytes ({byte_length}), so its \
                 last character is cut off. The file may be truncated.",
                encoding.name()
            ),
            DecodeError::Utf16UnpairedSurrogate {
                encoding,
                byte_position,
            } => write!(
                f,
                "The file looks like {} but has half a character at byte {byte_position}. \
                 Save the file as UTF-8 and open it again.",
                encoding.name()
            ),
            DecodeError::MostlyNul {
                nul_count,
                char_count,
            } => write!(
                f,
                "The file is mostly NUL bytes ({nul_count} of {char_count} characters): it is \
                 probably not a text file, or UTF-16 saved without a byte-order mark. Save it \
                 as UTF-8 text and open it again."
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes an opened file following the rules in the module documentation.
pub fn decode_article(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let (text, encoding, encoding_notice) = decode_by_encoding(bytes)?;
    let nul_notice = check_nul_characters(&text)?;
    let notice = match (encoding_notice, nul_notice) {
        (Some(first), Some(second)) => Some(format!("{first}; {second}")),
        (first, second) => first.or(second),
    };
    Ok(Decoded {
        text,
        encoding,
        notice,
    })
}

fn decode_by_encoding(
    bytes: &[u8],
) -> Result<(String, SourceEncoding, Option<String>), DecodeError> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let text = decode_utf16(rest, SourceEncoding::Utf16Le)?;
        return Ok((
            text,
            SourceEncoding::Utf16Le,
            Some(utf16_notice(SourceEncoding::Utf16Le)),
        ));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let text = decode_utf16(rest, SourceEncoding::Utf16Be)?;
        return Ok((
            text,
            SourceEncoding::Utf16Be,
            Some(utf16_notice(SourceEncoding::Utf16Be)),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_owned(), SourceEncoding::Utf8, None)),
        Err(utf8_error) => {
            let byte_position = utf8_error.valid_up_to();
            if looks_like_windows_1252(bytes) {
                let notice = "the file was not UTF-8; decoded as Windows-1252 — check accented \
                              letters"
                    .to_owned();
                Ok((
                    decode_windows_1252(bytes),
                    SourceEncoding::Windows1252,
                    Some(notice),
                ))
            } else {
                let byte = bytes.get(byte_position).copied().unwrap_or(0);
                Err(DecodeError::InvalidUtf8 {
                    byte_position,
                    byte,
                })
            }
        }
    }
}

fn utf16_notice(encoding: SourceEncoding) -> String {
    format!(
        "decoded as {} (the file's byte-order mark is not part of the text)",
        encoding.name()
    )
}

/// `bytes` follow the byte-order mark; positions in errors count the mark's two bytes too.
fn decode_utf16(bytes: &[u8], encoding: SourceEncoding) -> Result<String, DecodeError> {
    const BOM_LENGTH: usize = 2;
    if !bytes.len().is_multiple_of(2) {
        return Err(DecodeError::Utf16OddLength {
            encoding,
            byte_length: bytes.len() + BOM_LENGTH,
        });
    }
    let units = bytes.chunks_exact(2).map(|pair| match (encoding, pair) {
        (SourceEncoding::Utf16Be, [high, low]) => u16::from_be_bytes([*high, *low]),
        (_, [low, high]) => u16::from_le_bytes([*low, *high]),
        _ => 0,
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut units_read = 0usize;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(character) => {
                units_read += character.len_utf16();
                text.push(character);
            }
            Err(_) => {
                return Err(DecodeError::Utf16UnpairedSurrogate {
                    encoding,
                    byte_position: BOM_LENGTH + units_read * 2,
                });
            }
        }
    }
    Ok(text)
}

/// Windows-1252 characters for bytes 0x80–0x9F; `None` where the encoding defines nothing.
const WINDOWS_1252_HIGH_CONTROLS: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The character a Windows-1252 byte stands for, or `None` for the five undefined bytes.
pub fn windows_1252_char(byte: u8) -> Option<char> {
    match byte {
        0x80..=0x9F => WINDOWS_1252_HIGH_CONTROLS
            .get(usize::from(byte - 0x80))
            .copied()
            .flatten(),
        _ => Some(char::from(byte)),
    }
}

fn decode_windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&byte| windows_1252_char(byte).unwrap_or('\u{FFFD}'))
        .collect()
}

fn is_windows_1252_letter(byte: u8) -> bool {
    matches!(byte, 0xC0..=0xFF if byte != 0xD7 && byte != 0xF7)
        || matches!(byte, 0x83 | 0x8A | 0x8C | 0x8E | 0x9A | 0x9C | 0x9E | 0x9F)
}

/// One-letter words written with a non-ASCII letter (French à, Italian è, Portuguese é).
fn is_one_letter_word(byte: u8) -> bool {
    matches!(byte, 0xE0 | 0xC0 | 0xE8 | 0xC8 | 0xE9 | 0xC9)
}

fn looks_like_windows_1252(bytes: &[u8]) -> bool {
    if bytes.iter().any(|&byte| windows_1252_char(byte).is_none()) {
        return false;
    }
    if contains_well_formed_multibyte_utf8(bytes) {
        return false;
    }
    let mut run_start = 0usize;
    while run_start < bytes.len() {
        let is_high = |index: usize| bytes.get(index).is_some_and(|&byte| byte >= 0x80);
        if !is_high(run_start) {
            run_start += 1;
            continue;
        }
        let mut run_end = run_start;
        while is_high(run_end) {
            run_end += 1;
        }
        let run = bytes.get(run_start..run_end).unwrap_or(&[]);
        if run.iter().any(|&byte| is_windows_1252_letter(byte)) {
            let touches_word = |index: Option<usize>| {
                index
                    .and_then(|index| bytes.get(index))
                    .is_some_and(|byte| byte.is_ascii_alphanumeric())
            };
            let inside_word = touches_word(run_start.checked_sub(1)) || touches_word(Some(run_end));
            let one_letter_word = matches!(run, [byte] if is_one_letter_word(*byte));
            if !inside_word && !one_letter_word {
                return false;
            }
        }
        run_start = run_end;
    }
    true
}

fn contains_well_formed_multibyte_utf8(bytes: &[u8]) -> bool {
    let mut remaining = bytes;
    loop {
        match std::str::from_utf8(remaining) {
            Ok(valid) => return !valid.is_ascii(),
            Err(error) => {
                let valid = remaining.get(..error.valid_up_to()).unwrap_or(&[]);
                if !valid.is_ascii() {
                    return true;
                }
                let skip = error.valid_up_to() + error.error_len().unwrap_or(remaining.len());
                match remaining.get(skip..) {
                    Some(rest) if !rest.is_empty() => remaining = rest,
                    _ => return false,
                }
            }
        }
    }
}

fn check_nul_characters(text: &str) -> Result<Option<String>, DecodeError> {
    let Some(first_nul_byte) = text.find('\0') else {
        return Ok(None);
    };
    let nul_count = text.chars().filter(|&character| character == '\0').count();
    let char_count = text.chars().count();
    if nul_count.saturating_mul(4) > char_count {
        return Err(DecodeError::MostlyNul {
            nul_count,
            char_count,
        });
    }
    let first_nul_character = text
        .get(..first_nul_byte)
        .map_or(0, |before| before.chars().count());
    let plural = if nul_count == 1 { "" } else { "s" };
    Ok(Some(format!(
        "the file contains {nul_count} NUL character{plural} (the first at character \
         {first_nul_character}); kept so that offsets match other tools, but invisible"
    )))
}
