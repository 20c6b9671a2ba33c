//! Writing CSV as RFC 4180 says, so spreadsheets open our exports cleanly: every field that
//! holds a comma, quote, or line break is quoted, quotes are doubled, lines end in CRLF.
//!
//! Cells that start with `=`, `+`, `-`, `@`, TAB or CR are prefixed with `'` so that a spreadsheet
//! never runs a formula from an article or a note. A cell that already starts with `'` before
//! such a character gets one more, so [`unguard`] can always undo the guard exactly.

/// A CSV document built row by row.
#[derive(Clone, Debug, Default)]
pub struct CsvWriter {
    out: String,
}

impl CsvWriter {
    pub fn new() -> Self {
        CsvWriter::default()
    }

    pub fn row<I, S>(&mut self, fields: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut first = true;
        for field in fields {
            if !first {
                self.out.push(',');
            }
            first = false;
            push_field(&mut self.out, field.as_ref());
        }
        self.out.push_str("\r\n");
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Whether a cell needs the formula guard: it starts with a formula character, possibly
/// after apostrophes.
pub fn needs_formula_guard(field: &str) -> bool {
    field
        .trim_start_matches('\'')
        .starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Undoes the writer's guard on a quoted cell read back from CSV.
pub fn unguard(field: &str, was_quoted: bool) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if was_quoted && needs_formula_guard(rest) => rest,
        _ => field,
    }
}

fn push_field(out: &mut String, field: &str) {
    let guarded = needs_formula_guard(field);
    let needs_quotes = guarded || field.contains([',', '"', '\r', '\n']);
    if !needs_quotes {
        out.push_str(field);
        return;
    }
    out.push('"');
    if guarded {
        out.push('\'');
    }
    out.push_str(&field.replace('"', "\"\""));
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_quoting() {
        let mut csv = CsvWriter::new();
        csv.row(["plain", "a,b", "say \"hi\"", "two\nlines", "=SUM(A1)", ""]);
        assert_eq!(
            csv.finish(),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"'=SUM(A1)\",\r\n"
        );
    }

    #[test]
    fn the_guard_is_undone_exactly() {
        for value in [
            "=1", "'=1", "''@x", "'plain", "plain", "-", "'", "\t=1", "\r=1", "'\t",
        ] {
            let guarded = if needs_formula_guard(value) {
                format!("'{value}")
            } else {
                value.to_string()
            };
            assert_eq!(unguard(&guarded, true), value, "{value:?}");
        }
    }
}
