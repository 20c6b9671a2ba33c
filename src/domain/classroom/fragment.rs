//! Packing an exercise into a link: `https://…/#ex1.<data>`.
//!
//! The exercise's JSON (as the native writer produces it) is compressed with raw DEFLATE
//! (`miniz_oxide`, pure Rust) and written in URL-safe base64 without padding
//! (`A–Z a–z 0–9 - _`), behind the version prefix `ex1.`. The fragment is never sent to a
//! server, so the exercise stays between teacher and students.
//!
//! Cost in the wasm build (measured on a bare cdylib at `opt-level = "z"`, LTO): compressing
//! and decompressing together add 44 KB to the `.wasm`, 18 KB once gzipped.
//!
//! Limits: a fragment may be at most [`MAX_FRAGMENT_LEN`] characters (64 KiB; browsers
//! accept far longer URLs, but chat apps and mail clients cut or refuse long links) and may
//! unpack to at most [`MAX_UNPACKED_LEN`] bytes, so a crafted link cannot exhaust memory.
//!
//! How much article fits (level 9, JSON `{"role":"exercise","text":…}`, measured):
//! - news prose (the brat tutorial's news texts, 8.9 K characters, a small sample that packs
//!   worse than a long one): 2.0 article characters per link character, so 32 KiB of link
//!   carries at least ~64 K characters (~10,000 words) and 64 KiB at least ~128 K;
//! - long English prose (137 K characters of licence texts): 32 KiB of link carried 89.8 K
//!   characters (14,400 words); 64 KiB carried all 137 K characters (21,700 words).
//!
//! At the news rate, a typical 2,000-word article (about 12 K characters) needs about 6 K
//! characters of link.
//!
//! Decoding never panics: every malformed input is a [`FragmentError`].

use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec_with_limit;
use std::fmt;

/// The version prefix of every fragment this module writes.
pub const FRAGMENT_PREFIX: &str = "ex1.";
/// The longest fragment written or read, in characters (prefix included).
pub const MAX_FRAGMENT_LEN: usize = 64 * 1024;
/// The most bytes a fragment may unpack to.
pub const MAX_UNPACKED_LEN: usize = 4 * 1024 * 1024;
/// DEFLATE level: the best ratio; articles are small, so the time does not matter.
const COMPRESSION_LEVEL: u8 = 9;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FragmentError {
    /// The packed exercise would exceed the limit.
    TooLong { length: usize, limit: usize },
    /// The link does not hold an exercise of a version this app reads.
    UnknownFormat,
    /// A character that URL-safe base64 does not use, at this position of the data.
    BadCharacter { position: usize },
    /// The data was cut short (a length no base64 text can have).
    Truncated,
    /// The data does not unpack: the link was damaged or cut.
    Corrupt,
    /// The data unpacks to more than the limit.
    TooLargeWhenUnpacked { limit: usize },
    /// It unpacked, but not to text.
    NotText,
}

impl fmt::Display for FragmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FragmentError::TooLong { length, limit } => write!(
                f,
                "the exercise makes a link of {length} characters, more than the {limit} allowed: \
                 share it as a file instead"
            ),
            FragmentError::UnknownFormat => {
                write!(
                    f,
                    "this link does not hold an exercise (or was made by a newer version)"
                )
            }
            FragmentError::BadCharacter { position } => {
                write!(
                    f,
                    "the link is damaged: unexpected character at position {position}"
                )
            }
            FragmentError::Truncated => write!(f, "the link was cut short: copy the whole link"),
            FragmentError::Corrupt => {
                write!(f, "the link is damaged and the exercise cannot be read")
            }
            FragmentError::TooLargeWhenUnpacked { limit } => {
                write!(f, "the exercise in this link is larger than {limit} bytes")
            }
            FragmentError::NotText => write!(f, "the link is damaged: it does not hold text"),
        }
    }
}

impl std::error::Error for FragmentError {}

/// `json` packed into a fragment (without the `#`).
pub fn encode_fragment(json: &str) -> Result<String, FragmentError> {
    let packed = compress_to_vec(json.as_bytes(), COMPRESSION_LEVEL);
    let length = FRAGMENT_PREFIX.len() + base64_length(packed.len());
    if length > MAX_FRAGMENT_LEN {
        return Err(FragmentError::TooLong {
            length,
            limit: MAX_FRAGMENT_LEN,
        });
    }
    let mut fragment = String::with_capacity(length);
    fragment.push_str(FRAGMENT_PREFIX);
    push_base64(&mut fragment, &packed);
    Ok(fragment)
}

/// The JSON held by a fragment; a leading `#` is accepted.
pub fn decode_fragment(fragment: &str) -> Result<String, FragmentError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.len() > MAX_FRAGMENT_LEN {
        return Err(FragmentError::TooLong {
            length: fragment.len(),
            limit: MAX_FRAGMENT_LEN,
        });
    }
    let data = fragment
        .strip_prefix(FRAGMENT_PREFIX)
        .ok_or(FragmentError::UnknownFormat)?;
    let packed = decode_base64(data)?;
    let bytes =
        decompress_to_vec_with_limit(&packed, MAX_UNPACKED_LEN).map_err(|error| {
            match error.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                    FragmentError::TooLargeWhenUnpacked {
                        limit: MAX_UNPACKED_LEN,
                    }
                }
                _ => FragmentError::Corrupt,
            }
        })?;
    String::from_utf8(bytes).map_err(|_| FragmentError::NotText)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64_length(bytes: usize) -> usize {
    bytes / 3 * 4 + [0, 2, 3][bytes % 3]
}

fn push_base64(out: &mut String, bytes: &[u8]) {
    for chunk in bytes.chunks(3) {
        let group = chunk
            .iter()
            .enumerate()
            .fold(0u32, |group, (i, &b)| group | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            let sextet = (group >> (18 - 6 * i)) & 63;
            out.push(ALPHABET[sextet as usize] as char);
        }
    }
}

fn sextet(byte: u8) -> Option<u32> {
    let value = match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(value as u32)
}

/// URL-safe base64 without padding; trailing `=` are tolerated (some tools add them).
fn decode_base64(data: &str) -> Result<Vec<u8>, FragmentError> {
    let data = data.trim_end_matches('=').as_bytes();
    if data.len() % 4 == 1 {
        return Err(FragmentError::Truncated);
    }
    let mut bytes = Vec::with_capacity(data.len() / 4 * 3 + 2);
    for (chunk_index, chunk) in data.chunks(4).enumerate() {
        let mut group = 0u32;
        for (i, &byte) in chunk.iter().enumerate() {
            let position = chunk_index * 4 + i;
            let value = sextet(byte).ok_or(FragmentError::BadCharacter { position })?;
            group |= value << (18 - 6 * i);
        }
        let byte_count = chunk.len() - 1;
        for i in 0..byte_count {
            bytes.push((group >> (16 - 8 * i)) as u8);
        }
    }
    Ok(bytes)
}
