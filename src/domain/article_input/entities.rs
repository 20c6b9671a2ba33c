//! HTML character references (`&amp;`, `&#8217;`, `&#x1F600;`) → characters.
//!
//! Why only a few hundred names instead of the spec's 2,231: the full table would add tens of
//! kilobytes to the wasm for names no article uses. We know every Latin-1 name (which HTML
//! also accepts without the `;`) and the typographic ones news pages use; an unknown name is
//! left as written, exactly as a browser leaves an unknown one. Numeric references follow the
//! spec: 0x80–0x9F mean their Windows-1252 characters, and a number naming no character
//! (zero, a surrogate, beyond U+10FFFF) becomes U+FFFD.

use crate::domain::article_input::decode::windows_1252_char;

/// Names of U+00A0..=U+00FF in order.
const LATIN_1_NAMES: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

fn latin_1_entity(name: &str) -> Option<char> {
    let index = LATIN_1_NAMES
        .iter()
        .position(|candidate| *candidate == name)?;
    char::from_u32(0xA0 + u32::try_from(index).ok()?)
}

fn other_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "zwnj" => '\u{200C}',
        "zwj" => '\u{200D}',
        "lrm" => '\u{200E}',
        "rlm" => '\u{200F}',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "lsaquo" => '‹',
        "rsaquo" => '›',
        "hellip" => '…',
        "bull" => '•',
        "prime" => '′',
        "Prime" => '″',
        "dagger" => '†',
        "Dagger" => '‡',
        "permil" => '‰',
        "trade" | "TRADE" => '™',
        "euro" => '€',
        "OElig" => 'Œ',
        "oelig" => 'œ',
        "Scaron" => 'Š',
        "scaron" => 'š',
        "Yuml" => 'Ÿ',
        "fnof" => 'ƒ',
        "circ" => 'ˆ',
        "tilde" => '˜',
        "minus" => '−',
        "le" => '≤',
        "ge" => '≥',
        "ne" => '≠',
        "asymp" => '≈',
        "infin" => '∞',
        "larr" => '←',
        "rarr" => '→',
        "uarr" => '↑',
        "darr" => '↓',
        "harr" => '↔',
        "loz" => '◊',
        "hearts" => '♥',
        "check" => '✓',
        "star" => '☆',
        "starf" => '★',
        "numsp" => '\u{2007}',
        "hairsp" => '\u{200A}',
        "nbhy" | "dash" | "hyphen" => '‐',
        "horbar" => '―',
        "Alpha" => 'Α',
        "alpha" => 'α',
        "beta" => 'β',
        "gamma" => 'γ',
        "delta" => 'δ',
        "Delta" => 'Δ',
        "pi" => 'π',
        "Omega" => 'Ω',
        "omega" => 'ω',
        "mu" => 'μ',
        "sigma" => 'σ',
        "Sigma" => 'Σ',
        _ => return None,
    })
}

/// A named reference, with its terminating `;` or (for the legacy names) without it.
fn named_entity(name: &str, has_semicolon: bool) -> Option<char> {
    const LEGACY_ASCII: [&str; 8] = ["amp", "lt", "gt", "quot", "AMP", "LT", "GT", "QUOT"];
    let is_legacy = LEGACY_ASCII.contains(&name) || latin_1_entity(name).is_some();
    if !has_semicolon && !is_legacy {
        return None;
    }
    latin_1_entity(name).or_else(|| other_entity(name))
}

fn numeric_character(value: u32) -> char {
    match value {
        0x80..=0x9F => u8::try_from(value)
            .ok()
            .and_then(windows_1252_char)
            .or_else(|| char::from_u32(value))
            .unwrap_or('\u{FFFD}'),
        0 => '\u{FFFD}',
        _ => char::from_u32(value).unwrap_or('\u{FFFD}'),
    }
}

/// Longest name we look up; the longest known name is 6 letters.
const MAX_NAME_LENGTH: usize = 8;

/// Appends `raw` to `out` with character references decoded. Linear in `raw`.
pub fn decode_entities_into(raw: &str, out: &mut String) {
    let bytes = raw.as_bytes();
    let mut copied_up_to = 0usize;
    let mut index = 0usize;
    while let Some(offset) = bytes
        .get(index..)
        .and_then(|rest| rest.iter().position(|&b| b == b'&'))
    {
        let ampersand = index + offset;
        index = ampersand + 1;
        let Some((character, end)) = reference_at(bytes, ampersand + 1) else {
            continue;
        };
        out.push_str(raw.get(copied_up_to..ampersand).unwrap_or(""));
        out.push(character);
        copied_up_to = end;
        index = end;
    }
    out.push_str(raw.get(copied_up_to..).unwrap_or(""));
}

/// The reference starting just after an `&`: its character and the index after it.
fn reference_at(bytes: &[u8], start: usize) -> Option<(char, usize)> {
    let byte_at = |index: usize| bytes.get(index).copied();
    if byte_at(start) == Some(b'#') {
        let hexadecimal = matches!(byte_at(start + 1), Some(b'x' | b'X'));
        let digits_start = if hexadecimal { start + 2 } else { start + 1 };
        let radix = if hexadecimal { 16 } else { 10 };
        let mut value: u32 = 0;
        let mut index = digits_start;
        while let Some(digit) = byte_at(index).and_then(|byte| char::from(byte).to_digit(radix)) {
            value = value
                .saturating_mul(radix)
                .saturating_add(digit)
                .min(0x11_0000);
            index += 1;
        }
        if index == digits_start {
            return None;
        }
        if byte_at(index) == Some(b';') {
            index += 1;
        }
        return Some((numeric_character(value), index));
    }
    let mut index = start;
    while byte_at(index).is_some_and(|byte| byte.is_ascii_alphanumeric())
        && index - start <= MAX_NAME_LENGTH
    {
        index += 1;
    }
    let name = std::str::from_utf8(bytes.get(start..index)?).ok()?;
    if name.is_empty() {
        return None;
    }
    if byte_at(index) == Some(b';') {
        return named_entity(name, true).map(|character| (character, index + 1));
    }
    if byte_at(index).is_some_and(|byte| byte.is_ascii_alphanumeric() || byte == b'=') {
        return None;
    }
    named_entity(name, false).map(|character| (character, index))
}
