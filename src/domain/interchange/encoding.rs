//! Text encodings the formats share: percent-encoding where a format cannot hold a
//! character, and UTF-8 decoding with a message a person can act on.
use crate::domain::sorting;

/// Percent-encodes every character for which `keep` is false, and `%` itself, as UTF-8
/// bytes. Used wherever a format cannot hold a character (spaces in brat values, ids in IRIs).
pub(crate) fn percent_encode(text: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '%' && keep(c) {
            out.push(c);
            continue;
        }
        let mut buffer = [0u8; 4];
        for byte in c.encode_utf8(&mut buffer).bytes() {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Undoes [`percent_encode`]; a `%` not followed by two hex digits is kept as it is, and
/// bytes that do not form UTF-8 become U+FFFD, so no input makes it fail.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut position = 0;
    while let Some(&byte) = bytes.get(position) {
        let high = bytes
            .get(position + 1)
            .and_then(|b| (*b as char).to_digit(16));
        let low = bytes
            .get(position + 2)
            .and_then(|b| (*b as char).to_digit(16));
        match (byte, high, low) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                position += 3;
            }
            _ => {
                out.push(byte);
                position += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes UTF-8, dropping a leading byte-order mark (JSON and CSV readers only: brat's
/// `.txt` keeps its BOM because brat offsets count it).
pub(crate) fn decode_utf8_without_bom(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    let text = std::str::from_utf8(bytes)?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// The message for a file that is not UTF-8, naming the first bad byte.
pub(crate) fn not_utf8_message(error: &std::str::Utf8Error, bytes: &[u8]) -> String {
    let position = error.valid_up_to();
    match bytes.get(position) {
        Some(byte) => format!(
            "the file is not valid UTF-8 (byte 0x{byte:02X} at position {position}); save it as UTF-8 and try again"
        ),
        None => "the file is not valid UTF-8; save it as UTF-8 and try again".to_string(),
    }
}

/// Annotation attributes as a JSON object in one line. Built by hand from strings, so
/// printing it cannot fail and nothing is dropped.
pub fn attributes_json(attributes: &std::collections::BTreeMap<String, String>) -> String {
    serde_json::Value::Object(sorting::object_of(
        attributes
            .iter()
            .map(|(key, value)| (key.clone(), serde_json::Value::String(value.clone()))),
    ))
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_round_trips_and_tolerates_junk() {
        let keep = |c: char| c.is_ascii_alphanumeric();
        for text in ["a b%c", "😃 x\ny", "", "%%"] {
            assert_eq!(percent_decode(&percent_encode(text, keep)), text);
        }
        assert_eq!(percent_encode("a b", keep), "a%20b");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%FF"), "\u{fffd}");
    }
}
