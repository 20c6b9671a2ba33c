//! The bundled sample article, opened on a first visit. Its details are written out here
//! instead of read from its first lines at every start: the reader that finds them
//! (`article_input::suggest_metadata_from_text` and the plain-text reader's checks) then stays
//! out of the first paint, fetched with the screens that open other articles. The test below
//! keeps these details equal to what that reader finds in the text, and the text what the
//! plain-text reader accepts unchanged.

use crate::domain::document::Metadata;

pub const TEXT: &str = include_str!("../ui/sample-article.txt");

const TITLE: &str = "Trump admin held secret talks with Venezuelan military officers to \
                     discuss Maduro coup: report";
const PUBLISHED: &str = "2019-02-23";

/// The sample's details, as opening its text as a plain-text article suggests them.
pub fn metadata() -> Metadata {
    Metadata {
        title: TITLE.to_owned(),
        published: PUBLISHED.to_owned(),
        ..Metadata::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::article_input::plain_text_article;

    #[test]
    fn the_details_are_what_the_plain_text_reader_suggests() {
        let opened = plain_text_article(TEXT).unwrap_or_else(|error| panic!("sample: {error}"));
        let mut suggested = Metadata::default();
        opened.suggestion.fill_empty(&mut suggested);
        assert_eq!(metadata(), suggested);
        assert_eq!(
            opened.text, TEXT,
            "the reader keeps the sample's text as it is"
        );
        assert!(opened.notices.is_empty(), "{:?}", opened.notices);
    }
}
