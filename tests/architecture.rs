//! The rules ARCHITECTURE.md states, checked by reading the source files. The domain knows
//! nothing of the browser, the clock or randomness, so it can be tested natively and reasoned
//! about as plain data. One place writes storage: only the storage adapter reaches
//! localStorage, and only named modules call the storage owner's writing functions.

use std::fs;
use std::path::Path;

const FORBIDDEN: [&str; 9] = [
    "leptos",
    "web_sys",
    "js_sys",
    "wasm_bindgen",
    "gloo",
    "SystemTime",
    "Instant::now",
    "rand::",
    "getrandom",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir)
        .expect("the source tree is readable")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_domain_imports_no_browser_crate_clock_or_randomness() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain"),
        &mut files,
    );
    assert!(
        files.len() > 10,
        "expected the domain's modules, found {}",
        files.len()
    );
    let mut offences = Vec::new();
    for file in &files {
        let source = fs::read_to_string(file).expect("source is UTF-8");
        for (number, line) in source.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for name in FORBIDDEN {
                if code.contains(name) {
                    offences.push(format!("{}:{}: uses {name}", file.display(), number + 1));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "the domain must stay pure:\n{}",
        offences.join("\n")
    );
}

#[test]
fn browser_crates_are_only_dependencies_of_the_webassembly_build() {
    let manifest = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .expect("Cargo.toml is readable");
    let host_dependencies = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("Cargo.toml has [dependencies]");
    for name in ["leptos", "web-sys", "js-sys", "wasm-bindgen", "gloo"] {
        assert!(
            !host_dependencies.contains(name),
            "{name} must be a wasm32-only dependency, not in [dependencies]"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// One place writes storage.

/// The storage owner: every key, format and revision (`src/web/storage/`).
const STORAGE_OWNER: &str = "src/web/storage/";
/// The only file that touches the browser's storage, through gloo-storage.
const STORAGE_ADAPTER: &str = "src/web/storage/adapter.rs";
/// Names that reach the browser's storage directly.
const BROWSER_STORAGE: [&str; 7] = [
    "gloo_storage",
    "local_storage",
    "session_storage",
    "get_item",
    "set_item",
    "remove_item",
    "web_sys::Storage",
];

/// The owner's functions that write, and the modules allowed to call each.
const STORAGE_WRITERS: [(&str, &[&str]); 9] = [
    ("save_open_document", &["src/ui/persistence.rs"]),
    ("set_last_open", &["src/ui/persistence.rs"]),
    (
        "save_other_document",
        &["src/ui/import.rs", "src/ui/library.rs"],
    ),
    ("rename_document", &["src/ui/library.rs"]),
    ("duplicate_document", &["src/ui/library.rs"]),
    ("delete_document", &["src/ui/library.rs"]),
    ("set_theme", &["src/ui/theme.rs"]),
    ("set_organisation", &["src/ui/factcheck/report.rs"]),
    ("set_classroom_session", &["src/ui/classroom/student.rs"]),
];

/// The owner's public functions that only read (or follow other tabs in memory).
const STORAGE_READERS: [&str; 15] = [
    "open",
    "is_available",
    "listing",
    "stored_revision",
    "read",
    "raw",
    "last_open",
    "scan",
    "usage_bytes",
    "usage",
    "last_open_entry_for_panic",
    "other_tab_wrote",
    "theme",
    "organisation",
    "classroom_session",
];

/// Every source file under `src/`, as (path relative to the crate, code without comments).
fn sources() -> Vec<(String, Vec<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files
        .iter()
        .map(|file| {
            let relative = file
                .strip_prefix(root)
                .expect("under the crate")
                .to_string_lossy()
                .replace('\\', "/");
            let source = fs::read_to_string(file).expect("source is UTF-8");
            let code = source
                .lines()
                .map(|line| line.split("//").next().unwrap_or("").to_string())
                .collect();
            (relative, code)
        })
        .collect()
}

/// Whether `line` uses `name` as a whole identifier (not as part of a longer one).
fn uses_identifier(line: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    line.match_indices(name).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + name.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

#[test]
fn only_the_storage_adapter_touches_the_browsers_storage() {
    let mut offences = Vec::new();
    for (file, code) in sources() {
        for (number, line) in code.iter().enumerate() {
            if file != STORAGE_ADAPTER {
                for name in BROWSER_STORAGE {
                    if uses_identifier(line, name) {
                        offences.push(format!("{file}:{}: uses {name}", number + 1));
                    }
                }
            }
            if !file.starts_with(STORAGE_OWNER) && uses_identifier(line, "adapter") {
                offences.push(format!("{file}:{}: uses the storage adapter", number + 1));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "only {STORAGE_ADAPTER} may reach localStorage, and only {STORAGE_OWNER} may use it:\n{}",
        offences.join("\n")
    );
}

#[test]
fn only_the_named_modules_call_the_storage_owners_writers() {
    let mut offences = Vec::new();
    let mut calls = 0;
    for (file, code) in sources() {
        if file.starts_with(STORAGE_OWNER) {
            continue;
        }
        for (number, line) in code.iter().enumerate() {
            for (writer, allowed) in STORAGE_WRITERS {
                if uses_identifier(line, writer) {
                    calls += 1;
                    if !allowed.contains(&file.as_str()) {
                        offences.push(format!("{file}:{}: calls {writer}", number + 1));
                    }
                }
            }
        }
    }
    assert!(calls >= STORAGE_WRITERS.len(), "found only {calls} calls");
    assert!(
        offences.is_empty(),
        "these modules may not write storage (see STORAGE_WRITERS):\n{}",
        offences.join("\n")
    );
}

#[test]
fn every_public_function_of_the_storage_owner_is_a_named_reader_or_writer() {
    let mut unnamed = Vec::new();
    for (file, code) in sources() {
        let owner_api = ["library.rs", "settings.rs"]
            .iter()
            .any(|name| file == format!("{STORAGE_OWNER}{name}"));
        if !owner_api {
            continue;
        }
        for line in &code {
            let Some(rest) = line.trim_start().strip_prefix("pub fn ") else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let named = STORAGE_READERS.contains(&name.as_str())
                || STORAGE_WRITERS.iter().any(|(writer, _)| *writer == name);
            if !named {
                unnamed.push(format!("{file}: {name}"));
            }
        }
    }
    assert!(
        unnamed.is_empty(),
        "name each in STORAGE_READERS or STORAGE_WRITERS (with the modules that may call it):\n{}",
        unnamed.join("\n")
    );
}
