//! Turning what a user opens or pastes into an article text, with metadata suggestions.
//!
//! Why one module: opening a file is a pipeline — size check, bytes → text ([`decode`]),
//! HTML → text ([`html`]) when the name or content says so, length check ([`limits`]),
//! suggestions from the markup or the first lines ([`metadata`]) — and the UI should call
//! one function and show one error or the notices. Every step is also public on its own.
//!
//! Architecture invariant: the text this returns is stored exactly; offsets are counted over
//! it. Nothing here normalises line endings or Unicode; a UTF-8 byte-order mark stays as
//! character U+FEFF at offset 0 of a plain text (see [`decode`]).

pub mod decode;
mod entities;
pub mod html;
pub mod limits;
pub mod metadata;

pub use decode::{DecodeError, Decoded, SourceEncoding, decode_article};
pub use html::{HtmlArticle, html_text_content, html_to_text, looks_like_html};
pub use limits::{LimitError, check_annotation_count, check_article, check_file_size};
pub use metadata::{
    MetadataSuggestion, parse_date_line, suggest_metadata_from_text, suggested_file_stem,
};

use std::fmt;

/// What the text was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArticleSource {
    PlainText,
    Html,
}

/// An article ready to become a document's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedArticle {
    pub text: String,
    pub source: ArticleSource,
    /// Things the user should check (encoding guessed, HTML converted, NULs kept).
    pub notices: Vec<String>,
    pub suggestion: MetadataSuggestion,
}

/// Why a file or a paste cannot become an article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenError {
    Limit(LimitError),
    Decode(DecodeError),
    Empty,
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Limit(error) => error.fmt(f),
            OpenError::Decode(error) => error.fmt(f),
            OpenError::Empty => write!(f, "There is no text to annotate: the article is empty."),
        }
    }
}

impl std::error::Error for OpenError {}

impl From<LimitError> for OpenError {
    fn from(error: LimitError) -> Self {
        OpenError::Limit(error)
    }
}

impl From<DecodeError> for OpenError {
    fn from(error: DecodeError) -> Self {
        OpenError::Decode(error)
    }
}

/// Opens a file's bytes: size check, decoding, HTML conversion when `file_name` or the
/// content says HTML, length check, suggestions.
pub fn open_article_file(file_name: &str, bytes: &[u8]) -> Result<OpenedArticle, OpenError> {
    check_file_size(bytes.len())?;
    let decoded = decode_article(bytes)?;
    let notices = decoded.notice.into_iter().collect();
    article_from_text(file_name, decoded.text, notices)
}

/// Takes pasted text: HTML when its content is unmistakably HTML, plain text otherwise.
pub fn paste_article(pasted: &str) -> Result<OpenedArticle, OpenError> {
    // Nothing this long can convert to an article within the limit; refuse before working.
    if pasted.len() > limits::MAX_FILE_BYTES {
        return Err(LimitError::ArticleTooLarge {
            bytes: pasted.len(),
        }
        .into());
    }
    article_from_text("", pasted.to_owned(), Vec::new())
}

/// Text known to be plain (the bundled sample): read as pasted text is, without looking for
/// HTML, so a caller that never meets HTML does not carry the HTML reader.
pub fn plain_text_article(text: &str) -> Result<OpenedArticle, OpenError> {
    if text.len() > limits::MAX_FILE_BYTES {
        return Err(LimitError::ArticleTooLarge { bytes: text.len() }.into());
    }
    plain(text.to_owned(), Vec::new())
}

fn article_from_text(
    file_name: &str,
    text: String,
    mut notices: Vec<String>,
) -> Result<OpenedArticle, OpenError> {
    let opened = if looks_like_html(file_name, &text) {
        let article = html_to_text(&text);
        notices.push(
            "converted from HTML: scripts, styles and markup were dropped; check the paragraphs"
                .to_owned(),
        );
        // What the markup does not say, the first lines of the text may (a pasted fragment
        // has no <title> but often a date line and a headline).
        let from_text = suggest_metadata_from_text(&article.text);
        let suggestion = MetadataSuggestion {
            title: article.title.or(from_text.title),
            url: article.url.or(from_text.url),
            publisher: article.publisher.or(from_text.publisher),
            author: article.author.or(from_text.author),
            published: article.published.or(from_text.published),
        };
        OpenedArticle {
            text: article.text,
            source: ArticleSource::Html,
            notices,
            suggestion,
        }
    } else {
        return plain(text, notices);
    };
    checked(opened)
}

fn plain(text: String, notices: Vec<String>) -> Result<OpenedArticle, OpenError> {
    let suggestion = suggest_metadata_from_text(&text);
    checked(OpenedArticle {
        text,
        source: ArticleSource::PlainText,
        notices,
        suggestion,
    })
}

fn checked(opened: OpenedArticle) -> Result<OpenedArticle, OpenError> {
    if opened.text.trim().is_empty() {
        return Err(OpenError::Empty);
    }
    check_article(&opened.text)?;
    Ok(opened)
}
