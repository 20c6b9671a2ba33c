//! Metadata suggestions from a plain text, date-line parsing, and export file names.
//!
//! Why suggestions and not values: a guess from the first lines of a text is often right
//! (news copied from a page starts with a date line and the headline) but the user decides;
//! [`MetadataSuggestion::fill_empty`] never overwrites what the user typed.

use crate::domain::document::Metadata;

/// What the start of an article suggests about it. `None` means no suggestion.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetadataSuggestion {
    pub title: Option<String>,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub author: Option<String>,
    /// Always `YYYY-MM-DD`.
    pub published: Option<String>,
}

impl MetadataSuggestion {
    /// Copies each suggestion into `metadata` where that field is still empty.
    pub fn fill_empty(&self, metadata: &mut Metadata) {
        let pairs = [
            (&mut metadata.title, &self.title),
            (&mut metadata.url, &self.url),
            (&mut metadata.publisher, &self.publisher),
            (&mut metadata.author, &self.author),
            (&mut metadata.published, &self.published),
        ];
        for (field, suggestion) in pairs {
            if let (true, Some(value)) = (field.trim().is_empty(), suggestion) {
                field.clone_from(value);
            }
        }
    }
}

/// How many non-empty lines at the start are looked at.
const LINES_EXAMINED: usize = 6;
/// A longer first line is a paragraph, not a headline.
pub const MAX_TITLE_CHARS: usize = 150;
/// A longer line is not a date line (nor a byline).
const MAX_SHORT_LINE_CHARS: usize = 80;

/// Suggestions from the first lines of a plain text: a date line gives `published`, a bare
/// `http(s)` address gives `url`, a short "By …" line gives `author`, and the first other
/// line gives `title` when it looks like a headline ([`looks_like_headline`]); otherwise the
/// title is left empty rather than filled with a paragraph.
pub fn suggest_metadata_from_text(text: &str) -> MetadataSuggestion {
    let mut suggestion = MetadataSuggestion::default();
    let mut title_decided = false;
    let lines = text
        .lines()
        .map(|line| {
            line.trim_matches(|character: char| {
                character.is_whitespace() || character == '\u{FEFF}'
            })
        })
        .filter(|line| !line.is_empty())
        .take(LINES_EXAMINED);
    for line in lines {
        if let Some(date) = parse_date_line(line) {
            suggestion.published.get_or_insert(date);
        } else if let Some(address) = bare_web_address(line) {
            suggestion.url.get_or_insert(address.to_owned());
        } else if let Some(author) = byline_author(line) {
            suggestion.author.get_or_insert(author.to_owned());
        } else if !title_decided {
            title_decided = true;
            if looks_like_headline(line) {
                suggestion.title = Some(line.to_owned());
            }
        }
    }
    suggestion
}

/// A headline is short (at most [`MAX_TITLE_CHARS`] characters) and does not end with a
/// full stop, as sentences of a paragraph do (an ellipsis, `?` or `!` may end one).
pub fn looks_like_headline(line: &str) -> bool {
    let line = line.trim();
    let ends_as_sentence = (line.ends_with('.') && !line.ends_with("...")) || line.ends_with('。');
    !line.is_empty() && line.chars().count() <= MAX_TITLE_CHARS && !ends_as_sentence
}

fn bare_web_address(line: &str) -> Option<&str> {
    let lower_start = line.get(..8).unwrap_or(line).to_ascii_lowercase();
    let is_address = (lower_start.starts_with("https://") || lower_start.starts_with("http://"))
        && !line.contains(char::is_whitespace);
    is_address.then_some(line)
}

/// "By Jane Doe" or "By Jane Doe and John Roe": two to eight words, no sentence ending.
fn byline_author(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("By ")
        .or_else(|| line.strip_prefix("by "))?
        .trim();
    let words = rest.split_whitespace().count();
    let short = line.chars().count() <= MAX_SHORT_LINE_CHARS && (1..=8).contains(&words);
    (short && !rest.ends_with('.')).then_some(rest)
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const PREFIXES: [&str; 5] = ["published", "updated", "posted", "date", "on"];

fn month_number(word: &str) -> Option<u32> {
    let index = MONTHS
        .iter()
        .position(|month| word.len() >= 3 && month.starts_with(word))?;
    u32::try_from(index + 1).ok()
}

/// A weekday, full or abbreviated to at least three letters ("Sat", "Thurs").
fn is_weekday(word: &str) -> bool {
    WEEKDAYS
        .iter()
        .any(|day| word.len() >= 3 && day.starts_with(word))
}

fn day_number(word: &str) -> Option<u32> {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix))
        .unwrap_or(word);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn year_number(word: &str) -> Option<u32> {
    (word.len() == 4 && word.bytes().all(|byte| byte.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
        .filter(|year| *year >= 1000)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

fn format_date(year: u32, month: u32, day: u32) -> Option<String> {
    let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
    valid.then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// `2019-02-23` or `2019/02/23`.
fn parse_iso_date(word: &str) -> Option<String> {
    let mut parts = word.split(['-', '/']);
    let year = year_number(parts.next()?)?;
    let month_text = parts.next()?;
    let day_text = parts.next()?;
    if parts.next().is_some() || month_text.len() != 2 || day_text.len() != 2 {
        return None;
    }
    let month = day_number(month_text)?;
    let day = day_number(day_text)?;
    format_date(year, month, day)
}

/// A line that is only a date in a common English form → `YYYY-MM-DD`.
///
/// Accepts an optional "Published"/"Updated"/"Posted"/"On" and weekday before
/// "23 February 2019", "February 23, 2019", "23 Feb. 2019", "Feb 23rd 2019" or "2019-02-23".
pub fn parse_date_line(line: &str) -> Option<String> {
    if line.chars().count() > MAX_SHORT_LINE_CHARS {
        return None;
    }
    // The words it knows are English and ASCII, and no character outside ASCII lower-cases
    // to a letter of them (only "İ" and the Kelvin sign reach ASCII, as "i" with a combining
    // dot and "k"), so ASCII's lower case finds what Unicode's would, without its table.
    let lowered = line.to_ascii_lowercase();
    let mut words: Vec<&str> = lowered
        .split(|character: char| character.is_whitespace() || character == ',')
        .map(|word| word.trim_end_matches(['.', ':']))
        .filter(|word| !word.is_empty())
        .collect();
    while words.first().is_some_and(|word| PREFIXES.contains(word)) {
        words.remove(0);
    }
    if words.first().is_some_and(|word| is_weekday(word)) {
        words.remove(0);
    }
    match words.as_slice() {
        [iso] => parse_iso_date(iso),
        [first, second, year] => {
            let year = year_number(year)?;
            if let (Some(day), Some(month)) = (day_number(first), month_number(second)) {
                format_date(year, month, day)
            } else {
                format_date(year, month_number(first)?, day_number(second)?)
            }
        }
        _ => None,
    }
}

/// Longest file stem [`suggested_file_stem`] returns.
pub const MAX_FILE_STEM_CHARS: usize = 60;

/// A file name stem for exports: `2019-02-23-trump-admin-held-secret-talks-with-venezuelan`.
///
/// ASCII lowercase letters, digits and single hyphens; accented Latin letters folded
/// (é → e, ß → ss), apostrophes dropped, anything else a word break; cut at a word break to at
/// most [`MAX_FILE_STEM_CHARS`]. The date comes first when `published` is a date. Never empty
/// (`article`), never a path separator, a control character or a reserved Windows name.
pub fn suggested_file_stem(title: &str, published: &str) -> String {
    let date = parse_date_line(published.trim());
    let mut stem = String::new();
    let mut pending_hyphen = false;
    let words = date
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(title));
    for part in words {
        pending_hyphen |= !stem.is_empty();
        for character in part.chars() {
            if matches!(character, '\'' | '’' | '‘' | '`') {
                continue;
            }
            match ascii_fold(character) {
                Some(folded) => {
                    if pending_hyphen && !stem.is_empty() {
                        stem.push('-');
                    }
                    pending_hyphen = false;
                    stem.push_str(folded);
                }
                None => pending_hyphen = true,
            }
            if stem.len() > MAX_FILE_STEM_CHARS {
                break;
            }
        }
    }
    if stem.len() > MAX_FILE_STEM_CHARS {
        let minimum_kept = date.as_ref().map_or(0, String::len);
        let cut_in_word = stem
            .as_bytes()
            .get(MAX_FILE_STEM_CHARS)
            .is_some_and(|byte| *byte != b'-');
        stem.truncate(MAX_FILE_STEM_CHARS);
        if cut_in_word
            && let Some(last_hyphen) = stem.rfind('-')
            && last_hyphen > minimum_kept
        {
            stem.truncate(last_hyphen);
        }
        let kept = stem.trim_end_matches('-').len();
        stem.truncate(kept);
    }
    if stem.is_empty() {
        return "article".to_owned();
    }
    if is_reserved_windows_name(&stem) {
        stem.push_str("-article");
    }
    stem
}

fn is_reserved_windows_name(stem: &str) -> bool {
    matches!(stem, "con" | "prn" | "aux" | "nul")
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && stem
                .as_bytes()
                .get(3)
                .is_some_and(|byte| (b'1'..=b'9').contains(byte)))
}

/// The ASCII spelling of a letter or digit, lowercased; `None` for everything else.
fn ascii_fold(character: char) -> Option<&'static str> {
    const ASCII: [&str; 36] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f", "g", "h",
        "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
    ];
    if character.is_ascii_alphanumeric() {
        let digit = character.to_ascii_lowercase().to_digit(36)?;
        return ASCII.get(usize::try_from(digit).ok()?).copied();
    }
    Some(match character {
        'À'..='Å' | 'à'..='å' | 'Ā'..='ą' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'Ć'..='č' => "c",
        'Ð' | 'ð' | 'Ď'..='đ' => "d",
        'È'..='Ë' | 'è'..='ë' | 'Ē'..='ě' => "e",
        'Ĝ'..='ģ' => "g",
        'Ì'..='Ï' | 'ì'..='ï' | 'Ĩ'..='ı' => "i",
        'Ł' | 'ł' => "l",
        'Ñ' | 'ñ' | 'Ń'..='ň' => "n",
        'Ò'..='Ö' | 'ò'..='ö' | 'Ø' | 'ø' | 'Ō'..='ő' => "o",
        'Œ' | 'œ' => "oe",
        'Ŕ'..='ř' => "r",
        'ß' => "ss",
        'Ś'..='š' => "s",
        'Ţ'..='ť' => "t",
        'Þ' | 'þ' => "th",
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ'..='ų' => "u",
        'Ý' | 'ý' | 'ÿ' | 'Ÿ' => "y",
        'Ź'..='ž' => "z",
        _ => return None,
    })
}
