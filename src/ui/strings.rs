//! The interface's words in one place, so they can be reviewed, kept consistent and one day
//! translated. Keys and labels that tests and assistive technology rely on ("Claim",
//! "Undo"...) come from the document's taxonomy or stay where they are named.

pub const ARTICLE_LABEL: &str = "Article to annotate";
pub const ARTICLE_HELP: &str = "Arrow keys move the reading cursor (Ctrl+arrows by word, ( and ) by sentence, Ctrl+Up and Down by paragraph, Home and End to the line's ends). Shift+arrows or Space then arrows select; 1, 2 or 3 tags the selection; Enter opens the highlight under the cursor; ? lists every shortcut.";
pub const SELECTION_STARTED: &str =
    "Selection started: move with the arrow keys, then press Space to finish";
pub const SELECTION_CANCELLED: &str = "Selection cancelled";
pub const NO_HIGHLIGHT_HERE: &str = "No highlight at the cursor";
pub const SIDEBAR_LABEL: &str = "Annotations";
pub const SHEET_SHOW: &str = "Show annotations";
pub const SHEET_HIDE: &str = "Hide annotations";
pub const THEME: &str = "Theme";
pub const THEME_SYSTEM: &str = "System";
pub const THEME_LIGHT: &str = "Light";
pub const THEME_DARK: &str = "Dark";
pub const PRINT_NOTES_HEADING: &str = "Annotations";
pub const PRINT_NO_NOTES: &str = "No annotations.";
pub const LANGUAGE: &str = "Language";
pub const LANGUAGE_HINT: &str = "A language tag such as en, fr or ar: sets the article's language for screen readers, hyphenation and spelling.";

/// What a selection says when finished: "Selected: “…”. Press 1, 2 or 3 to tag it".
pub fn selection_ready(quote: &str) -> String {
    format!("Selected: “{quote}”. Press a tag's key (1, 2, 3…) or Tab to the tag buttons")
}

/// The name of the theme switch, saying the current choice.
pub fn theme_button(choice: &str) -> String {
    format!("{THEME}: {choice}")
}
