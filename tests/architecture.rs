//! The rules ARCHITECTURE.md states, checked on the sources themselves:
//! - the domain knows nothing of the browser, the clock or randomness, so it can be tested
//!   natively and reasoned about as plain data;
//! - only the action layer (`ui/actions`) changes the open document and what is proposed or
//!   selected in it; components may set only the view-only signals ARCHITECTURE.md lists;
//! - no two modules depend on each other, directly or in a longer circle;
//! - no component is longer than a screenful or two;
//! - one place writes storage: only the storage adapter reaches localStorage, and only named
//!   modules call the storage owner's writing functions;
//! - ARCHITECTURE.md's code map names every module of the domain, the browser edges and the
//!   app's screens, so a newcomer finds every room.
//!
//! Each check reads every file under `src/` as code (comments and strings blanked), and each
//! has a planted case of its own, so a check that could no longer fail would be noticed.

use std::collections::{BTreeMap, BTreeSet};
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
    for entry in fs::read_dir(dir).expect("src is readable").flatten() {
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
// Reading the sources: every file under src/ as code only (comments, strings and characters
// blanked, so a path or a name in a message never counts), with its module path.

/// One source file: its path, its module (`["ui", "classroom", "files"]`) and its code.
struct Source {
    path: String,
    module: Vec<String>,
    code: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files
        .into_iter()
        .map(|file| {
            let relative = file
                .strip_prefix(&root)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            let text = fs::read_to_string(&file).expect("source is UTF-8");
            source(&relative, &text)
        })
        .collect()
}

/// A source from its path under src/ and its text.
fn source(relative: &str, text: &str) -> Source {
    let mut module: Vec<String> = relative
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(
        module.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        module.pop();
    }
    Source {
        path: format!("src/{relative}"),
        module,
        code: without_test_modules(&code_only(text)),
    }
}

/// `text` with comments, string and character literals replaced by spaces (line breaks kept,
/// so line numbers stay right).
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let previous_is_ident = i > 0 && ident(chars[i - 1]);
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && !previous_is_ident && matches!(next, Some('"' | '#')) {
            // A raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                match chars.get(j) {
                    None => break,
                    Some('"') if (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) => {
                        j += 1 + hashes;
                        break;
                    }
                    Some(_) => j += 1,
                }
            }
            out.extend(chars[i..j.min(chars.len())].iter().map(|&c| blank(c)));
            i = j;
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(chars.len());
            out.extend(chars[i..end].iter().map(|&c| blank(c)));
            i = end;
        } else if c == '\'' && next == Some('\\') {
            // An escaped character literal: '\n', '\'', '\u{1e}'.
            let mut j = i + 2;
            while j < chars.len() && chars[j] != '\'' {
                j += 1;
            }
            let end = (j + 1).min(chars.len());
            out.extend(chars[i..end].iter().map(|&c| blank(c)));
            i = end;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push_str("   ");
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `code` without its `#[cfg(test)] mod … { … }` blocks: unit tests may use anything.
fn without_test_modules(code: &str) -> String {
    let mut out = code.to_string();
    while let Some(at) = out.find("#[cfg(test)]") {
        let after = &out[at..];
        let is_module = after["#[cfg(test)]".len()..]
            .trim_start()
            .starts_with("mod ");
        let Some(open) = after.find('{').filter(|_| is_module) else {
            // Not a module: blank the attribute alone and look further.
            out.replace_range(at..at + "#[cfg(test)]".len(), &" ".repeat(12));
            continue;
        };
        let mut depth = 0;
        let mut end = after.len();
        for (offset, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + offset + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        let blanked: String = after[..end]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        out.replace_range(at..at + end, &blanked);
    }
    out
}

fn line_of(code: &str, byte: usize) -> usize {
    code[..byte].matches('\n').count() + 1
}

/// `code` with the spaces and line breaks around `.` and `::` removed, and where each byte of
/// the result came from in `code` (for line numbers).
fn joined(code: &str) -> (String, Vec<usize>) {
    let chars: Vec<(usize, char)> = code.char_indices().collect();
    let mut out = String::with_capacity(code.len());
    let mut origin = Vec::with_capacity(code.len());
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].1.is_whitespace() {
                j += 1;
            }
            let touches_dot = out.ends_with('.')
                || out.ends_with("::")
                || chars.get(j).is_some_and(|&(_, n)| n == '.' || n == ':');
            if !touches_dot {
                out.push(' ');
                origin.push(at);
            }
            i = j;
            continue;
        }
        let mut buffer = [0; 4];
        for _ in c.encode_utf8(&mut buffer).bytes() {
            origin.push(at);
        }
        out.push(c);
        i += 1;
    }
    (out, origin)
}

// ---------------------------------------------------------------------------------------------
// The action layer: which files may write which of AppState's signals.

/// Reading a signal; every other use of a guarded signal (a method that writes, or handing the
/// signal itself on) is a write.
const READS: [&str; 7] = [
    "with",
    "with_untracked",
    "get",
    "get_untracked",
    "read",
    "read_untracked",
    "track",
];

/// The signals of `AppState` that only some modules may write, and which. Every module path is
/// a prefix: `ui/actions` covers `ui/actions.rs` and `ui/actions/…`. The view-only signals
/// (`screen`, `filter`, `show_help`) are not listed: components set them (ARCHITECTURE.md).
const GUARDED: [(&str, &[&str]); 10] = [
    ("editor", &["ui/actions"]),
    ("changes", &["ui/actions"]),
    ("pending", &["ui/actions"]),
    ("selected", &["ui/actions"]),
    ("chooser", &["ui/actions"]),
    ("flash", &["ui/actions"]),
    ("snap_to_words", &["ui/actions"]),
    ("notices", &["ui/notices"]),
    ("announcement", &["ui/notices"]),
    ("loading", &["ui/notices"]),
];

/// Each write of a guarded signal outside its writers: "file:line: writes state.editor (set)".
fn signal_writes(sources: &[Source]) -> Vec<String> {
    let mut offences = Vec::new();
    for source in sources {
        if source.module.first().map(String::as_str) == Some("domain") {
            continue; // the domain has no signals (its `Editor` has an `editor` field elsewhere)
        }
        let module = source.module.join("/");
        let (code, origin) = joined(&source.code);
        for (field, writers) in GUARDED {
            if writers
                .iter()
                .any(|w| module == *w || module.starts_with(&format!("{w}/")))
            {
                continue;
            }
            let needle = format!("state.{field}");
            for (at, _) in code.match_indices(&needle) {
                let before = code[..at].chars().last();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue; // another binding: `fact_state.editor`
                }
                let rest = &code[at + needle.len()..];
                if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                    continue; // a longer name: `.editor_height`
                }
                let method = rest.strip_prefix('.').map(|r| {
                    r.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or("")
                });
                if method.is_some_and(|m| READS.contains(&m)) {
                    continue;
                }
                let line = line_of(&source.code, origin[at]);
                offences.push(format!(
                    "{}:{line}: writes `state.{field}` ({})",
                    source.path,
                    method.map_or("hands the signal on".to_string(), |m| format!(".{m}"))
                ));
            }
        }
    }
    offences
}

/// The identifier `text` ends with (`"let app"` → `"app"`).
fn trailing_name(text: &str) -> &str {
    let text = text.trim_end();
    let start = text
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || c == '_')
        .last()
        .map_or(text.len(), |(at, _)| at);
    &text[start..]
}

/// Where an `AppState` is given a name other than `state`: the writer check follows
/// `state.…`, so the app's state always goes by that name.
fn app_state_names(sources: &[Source]) -> Vec<String> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut offences = Vec::new();
    for source in sources {
        if source.module.first().map(String::as_str) == Some("domain") {
            continue;
        }
        let (code, origin) = joined(&source.code);
        let mut check = |at: usize, name: &str| {
            if name != "state" {
                offences.push(format!(
                    "{}:{}: the app state is named `{name}`; call it `state`",
                    source.path,
                    line_of(&source.code, origin[at])
                ));
            }
        };
        // `name: AppState` (an argument or a field).
        for (at, _) in code.match_indices("AppState") {
            let before = code[..at].chars().last();
            let after = code[at + "AppState".len()..].chars().next();
            if before.is_some_and(|c| ident(c) || c == ':' && !code[..at].ends_with("::"))
                && !code[..at].ends_with(": ")
                || after.is_some_and(ident)
            {
                continue;
            }
            let head = code[..at].trim_end_matches("crate::ui::state::").trim_end();
            if let Some(binding) = head.strip_suffix(':').filter(|h| !h.ends_with(':')) {
                check(at, trailing_name(binding));
            }
        }
        // `let name = use_app()` and the like.
        for maker in [
            "use_app()",
            "AppState::new(",
            "expect_context::<AppState>()",
            "use_context::<AppState>()",
        ] {
            for (at, _) in code.match_indices(maker) {
                let head = code[..at].trim_end_matches("crate::ui::state::").trim_end();
                // Its definition, a path to it, or a function returning it (`use_app` itself).
                if head.ends_with("fn") || head.ends_with("::") || head.ends_with('{') {
                    continue;
                }
                let Some(binding) = head.strip_suffix('=') else {
                    check(at, "(unnamed)");
                    continue;
                };
                check(at, trailing_name(binding));
            }
        }
    }
    offences
}

#[test]
fn the_app_state_always_goes_by_one_name() {
    let offences = app_state_names(&sources());
    assert!(offences.is_empty(), "{}", offences.join("\n"));
    let planted = source(
        "ui/header.rs",
        "fn f(state: AppState, s: crate::ui::state::AppState) {}\nfn g() {\n    \
         let state = use_app();\n    let app = crate::ui::state::use_app();\n    \
         let x: fn(AppState) = h;\n    let st = AppState::new(e);\n}\npub fn use_app() -> AppState {}\n",
    );
    assert_eq!(
        app_state_names(&[planted]),
        [
            "src/ui/header.rs:1: the app state is named `s`; call it `state`",
            "src/ui/header.rs:4: the app state is named `app`; call it `state`",
            "src/ui/header.rs:6: the app state is named `st`; call it `state`",
        ]
    );
}

#[test]
fn only_the_action_layer_changes_the_document_and_what_is_selected() {
    let all = sources();
    assert!(
        all.iter().any(|s| s.path == "src/ui/actions.rs"),
        "expected src/ui/actions.rs"
    );
    let offences = signal_writes(&all);
    assert!(
        offences.is_empty(),
        "only ui/actions may change these signals (call an action instead):\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_writer_check_sees_writes_however_they_are_written() {
    let planted = source(
        "ui/header.rs",
        "fn f(state: AppState) {\n    state.editor.with(|e| e.document().id.clone());\n    \
         let note = \"state.editor.set(x)\"; // state.editor.set(y)\n    state\n        .editor\n        \
         .try_update(|e| e.undo());\n    give(state.selected);\n    state.editor.get_untracked();\n}\n",
    );
    let allowed = source(
        "ui/actions.rs",
        "fn g(state: AppState) { state.editor.set(x); }\n",
    );
    let offences = signal_writes(&[planted, allowed]);
    assert_eq!(
        offences,
        [
            "src/ui/header.rs:4: writes `state.editor` (.try_update)",
            "src/ui/header.rs:7: writes `state.selected` (hands the signal on)",
        ]
    );
}

/// The modules that make the page's signals, once per page (`ui::page_signal`: never freed).
const PAGE_SIGNAL_MAKERS: &[&str] = &[
    "ui/state",
    "ui/progress",
    "ui/factcheck/context",
    "ui/classroom/context",
    "ui/sharing/context",
    "ui/annotate/print_notes",
];

/// Each `PageSignal::new` outside [`PAGE_SIGNAL_MAKERS`]: "file:line".
fn page_signals_made_elsewhere(sources: &[Source]) -> Vec<String> {
    let mut offences = Vec::new();
    for source in sources {
        let module = source.module.join("/");
        if PAGE_SIGNAL_MAKERS.contains(&module.as_str()) {
            continue;
        }
        let (code, origin) = joined(&source.code);
        for (at, _) in code.match_indices("PageSignal::new(") {
            offences.push(format!(
                "{}:{}",
                source.path,
                line_of(&source.code, origin[at])
            ));
        }
    }
    offences
}

/// Each use of a Leptos context (a provision, a lookup): "file:line". The app's page-wide
/// states are kept by the modules that make them; a context's lookup is compiled again for
/// each type in each module that reads one.
fn leptos_contexts(sources: &[Source]) -> Vec<String> {
    let mut offences = Vec::new();
    for source in sources {
        let (code, origin) = joined(&source.code);
        for lookup in ["expect_context::<", "use_context::<", "provide_context("] {
            for (at, _) in code.match_indices(lookup) {
                offences.push(format!(
                    "{}:{}",
                    source.path,
                    line_of(&source.code, origin[at])
                ));
            }
        }
    }
    offences.sort();
    offences
}

#[test]
fn the_pages_state_is_kept_by_its_module_not_in_a_leptos_context() {
    let offences = leptos_contexts(&sources());
    assert!(
        offences.is_empty(),
        "the app's states are one per page: provided and read through their modules' page-wide \
         cells (`provide_app`/`use_app`, `print_notes::printing` and the like), not Leptos \
         contexts:\n{}",
        offences.join("\n")
    );
    let planted = source(
        "ui/annotate/details.rs",
        "fn f() {\n    let c = expect_context::<Classroom>();\n    let s = use_context::<crate::ui::state::AppState>();\n    provide_context(state);\n    provide_context(Printing(x));\n    let p = use_context::<Printing>();\n}\n",
    );
    assert_eq!(
        leptos_contexts(&[planted]),
        [
            "src/ui/annotate/details.rs:2",
            "src/ui/annotate/details.rs:3",
            "src/ui/annotate/details.rs:4",
            "src/ui/annotate/details.rs:5",
            "src/ui/annotate/details.rs:6"
        ]
    );
}

/// Each line of code (comments aside) that names Leptos's `RwSignal`: "file:line".
/// Leptos's signal, memo and stored-value types, each compiled again for every value type it
/// holds, and the modules that wrap one over a single boxed type (none for the signals).
const PER_TYPE_REACTIVE: [(&str, &[&str]); 5] = [
    ("RwSignal", &[]),
    ("ArcRwSignal", &[]),
    ("Memo", &["src/ui/view_memo.rs"]),
    ("ArcMemo", &[]),
    (
        "StoredValue",
        &["src/ui/view_signal.rs", "src/ui/view_value.rs"],
    ),
];

fn per_type_reactive_types(sources: &[Source]) -> Vec<String> {
    let mut offences = Vec::new();
    for source in sources {
        for (index, line) in source.code.lines().enumerate() {
            let code = line.trim_start();
            let named = code
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|word| {
                    PER_TYPE_REACTIVE.iter().any(|(name, wrappers)| {
                        word == *name && !wrappers.contains(&source.path.as_str())
                    })
                });
            if !code.starts_with("//") && named {
                offences.push(format!("{}:{}", source.path, index + 1));
            }
        }
    }
    offences
}

#[test]
fn the_apps_signals_and_memos_are_its_own() {
    let offences = per_type_reactive_types(&sources());
    assert!(
        offences.is_empty(),
        "Leptos's `RwSignal`, `Memo` and `StoredValue` are compiled once per value type; a \
         component's own signal is a `ui::view_signal::ViewSignal`, the page's state a \
         `PageSignal`, a derived value a `ui::view_memo::ViewMemo`, a kept value a \
         `ui::view_value::ViewValue`:\n{}",
        offences.join("\n")
    );
    let planted = source(
        "ui/annotate/details.rs",
        "//! Not an `RwSignal`.\nfn f() {\n    // an RwSignal here would be compiled again\n    let open = RwSignal::new(false);\n    let rows = ViewMemo::new(|_| 1);\n    let n: Memo<usize> = rows;\n    let kept = StoredValue::new(0);\n}\n",
    );
    let allowed = source(
        "ui/view_memo.rs",
        "struct ViewMemo<T> { memo: Memo<Boxed> }\n",
    );
    let elsewhere = source("ui/view_value.rs", "struct V { memo: Memo<Boxed> }\n");
    assert_eq!(
        per_type_reactive_types(&[planted, allowed, elsewhere]),
        [
            "src/ui/annotate/details.rs:4",
            "src/ui/annotate/details.rs:6",
            "src/ui/annotate/details.rs:7",
            "src/ui/view_value.rs:1"
        ]
    );
}

#[test]
fn only_the_pages_state_makes_page_signals() {
    let offences = page_signals_made_elsewhere(&sources());
    assert!(
        offences.is_empty(),
        "a page signal is never freed, so only {PAGE_SIGNAL_MAKERS:?} make one; a component's own \
         signal is a `ViewSignal`:\n{}",
        offences.join("\n")
    );
    let planted = source(
        "ui/annotate/details.rs",
        "fn f() {\n    let open = PageSignal::new(false);\n    let x = crate::ui::page_signal::\n        PageSignal::new(1);\n}\n",
    );
    let allowed = source("ui/state.rs", "fn g() { PageSignal::new(0); }\n");
    assert_eq!(
        page_signals_made_elsewhere(&[planted, allowed]),
        [
            "src/ui/annotate/details.rs:2",
            "src/ui/annotate/details.rs:4"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Module cycles: every module's references to other modules, as a graph.

/// The module a path names: the longest prefix of it that is a module.
fn resolve<'a>(modules: &'a BTreeSet<Vec<String>>, path: &[String]) -> Option<&'a Vec<String>> {
    (1..=path.len())
        .rev()
        .find_map(|n| modules.get(&path[..n].to_vec()))
}

/// The paths of one `use` tree (`crate::ui::{a, b::{c, d}}` → `ui::a`, `ui::b::c`, `ui::b::d`),
/// each under `prefix`.
fn use_tree(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let mut base = prefix.to_vec();
        base.extend(segments(&tree[..open]));
        let inner = tree[open + 1..].trim_end();
        let inner = inner.strip_suffix('}').unwrap_or(inner);
        let mut depth = 0;
        let mut start = 0;
        for (at, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    use_tree(&inner[start..at], &base, out);
                    start = at + 1;
                }
                _ => {}
            }
        }
        use_tree(&inner[start..], &base, out);
    } else {
        let mut path = prefix.to_vec();
        path.extend(segments(tree.split(" as ").next().unwrap_or("")));
        out.push(path);
    }
}

fn segments(path: &str) -> Vec<String> {
    path.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "self" && *s != "*")
        .map(str::to_string)
        .collect()
}

/// For each module, the modules it refers to, each with the line of its first reference:
/// `crate::…` paths (in `use` trees or inline), `super::…`, and paths that start with one of
/// its own child modules. The crate root and the module itself are left out.
fn module_graph(sources: &[Source]) -> BTreeMap<Vec<String>, BTreeMap<Vec<String>, usize>> {
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut graph = BTreeMap::new();
    for source in sources {
        let (code, origin) = joined(&source.code);
        let line = |at: usize| line_of(&source.code, origin[at]);
        let mut found: Vec<(Vec<String>, usize)> = Vec::new();
        let children: Vec<&Vec<String>> = modules
            .iter()
            .filter(|m| m.len() == source.module.len() + 1 && m.starts_with(&source.module))
            .collect();
        let path_at = |at: usize| -> Vec<String> {
            code[at..]
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .next()
                .map(segments)
                .unwrap_or_default()
        };
        for (at, _) in code.match_indices("crate::") {
            let before = code[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let rest = &code[at + "crate::".len()..];
            if rest.starts_with('{') {
                let end = rest.find(';').unwrap_or(rest.len());
                let mut paths = Vec::new();
                use_tree(&rest[..end], &[], &mut paths);
                found.extend(paths.into_iter().map(|p| (p, line(at))));
            } else {
                found.push((path_at(at + "crate::".len()), line(at)));
            }
        }
        for (at, _) in code.match_indices("super::") {
            let before = code[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            // `super::super::x`: one level up per `super`.
            let mut rest = &code[at..];
            let mut path = source.module.clone();
            while let Some(after) = rest.strip_prefix("super::") {
                path.pop();
                rest = after;
            }
            path.extend(path_at(code.len() - rest.len()));
            found.push((path, line(at)));
        }
        for child in &children {
            let name = child.last().map(String::as_str).unwrap_or("");
            for pattern in [format!("{name}::"), format!("use {name}::")] {
                for (at, _) in code.match_indices(&pattern) {
                    let before = code[..at].chars().last();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                        continue;
                    }
                    found.push(((*child).clone(), line(at)));
                }
            }
        }
        let edges: &mut BTreeMap<Vec<String>, usize> =
            graph.entry(source.module.clone()).or_default();
        for (path, at) in found {
            if let Some(target) = resolve(&modules, &path)
                && *target != source.module
                && !target.is_empty()
            {
                let first = edges.entry(target.clone()).or_insert(at);
                *first = (*first).min(at);
            }
        }
    }
    graph
}

/// The strongly connected groups of more than one module (Tarjan), each sorted.
fn cycles(graph: &BTreeMap<Vec<String>, BTreeMap<Vec<String>, usize>>) -> Vec<Vec<Vec<String>>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<Vec<String>, BTreeMap<Vec<String>, usize>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        groups: Vec<Vec<Vec<String>>>,
    }
    fn visit<'a>(walk: &mut Walk<'a>, node: &'a Vec<String>) {
        let number = walk.index.len();
        walk.index.insert(node, number);
        walk.low.insert(node, number);
        walk.stack.push(node);
        let graph = walk.graph;
        for next in graph.get(node).into_iter().flat_map(|edges| edges.keys()) {
            if !walk.index.contains_key(next) {
                visit(walk, next);
                let low = walk.low[next].min(walk.low[node]);
                walk.low.insert(node, low);
            } else if walk.stack.contains(&next) {
                let low = walk.index[next].min(walk.low[node]);
                walk.low.insert(node, low);
            }
        }
        if walk.low[node] == walk.index[node] {
            let mut group = Vec::new();
            while let Some(member) = walk.stack.pop() {
                group.push(member.clone());
                if member == node {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                walk.groups.push(group);
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        groups: Vec::new(),
    };
    for node in graph.keys() {
        if !walk.index.contains_key(node) {
            visit(&mut walk, node);
        }
    }
    walk.groups
}

/// Each cycle as its modules and the references that close it.
fn describe_cycles(
    graph: &BTreeMap<Vec<String>, BTreeMap<Vec<String>, usize>>,
    groups: &[Vec<Vec<String>>],
    paths: &BTreeMap<Vec<String>, String>,
) -> String {
    let mut text = String::new();
    for group in groups {
        let names: Vec<String> = group.iter().map(|m| m.join("/")).collect();
        text.push_str(&format!("cycle: {}\n", names.join(" ↔ ")));
        for from in group {
            for (to, line) in graph.get(from).into_iter().flatten() {
                if group.contains(to) {
                    text.push_str(&format!(
                        "  {}:{line} uses {}\n",
                        paths.get(from).map_or("?", String::as_str),
                        to.join("/")
                    ));
                }
            }
        }
    }
    text
}

#[test]
fn no_two_modules_import_each_other() {
    let all = sources();
    let graph = module_graph(&all);
    assert!(
        graph.len() > 100,
        "expected every module, found {}",
        graph.len()
    );
    let paths: BTreeMap<Vec<String>, String> = all
        .iter()
        .map(|s| (s.module.clone(), s.path.clone()))
        .collect();
    let groups: Vec<Vec<Vec<String>>> = cycles(&graph);
    assert!(
        groups.is_empty(),
        "modules must not depend on each other in a circle; move what both need into a \
         module below them:\n{}",
        describe_cycles(&graph, &groups, &paths)
    );
}

#[test]
fn the_cycle_check_follows_every_kind_of_path() {
    let planted = [
        source(
            "ui/a.rs",
            "use crate::{ui::{b::thing, state}, web};\nfn f() {}\n",
        ),
        source("ui/b.rs", "fn g() { crate::ui::c::go(); }\n"),
        source(
            "ui/c/mod.rs",
            "mod d;\npub use d::Thing;\n// crate::ui::a is only named in a comment\n",
        ),
        source("ui/c/d.rs", "use super::super::a::run;\n"),
        source("ui/state.rs", "const S: &str = \"crate::ui::a\";\n"),
        source("web/mod.rs", "pub mod x;\n"),
        source(
            "domain/e.rs",
            "use crate::domain::f::X;\n#[cfg(test)]\nmod tests {\n    use crate::domain::f::Y;\n}\n",
        ),
        source(
            "domain/f.rs",
            "#[cfg(test)]\nmod tests { use crate::domain::e::Z; }\n",
        ),
    ];
    let graph = module_graph(&planted);
    let names = |m: &[&str]| m.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        cycles(&graph),
        vec![vec![
            names(&["ui", "a"]),
            names(&["ui", "b"]),
            names(&["ui", "c"]),
            names(&["ui", "c", "d"]),
        ]],
        "a → b (use tree) → c (inline path) → c/d (child) → a (super::super)"
    );
    assert_eq!(
        graph[&names(&["ui", "a"])]
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        [
            names(&["ui", "b"]),
            names(&["ui", "state"]),
            names(&["web"])
        ]
    );
    assert!(
        graph[&names(&["domain", "f"])].is_empty(),
        "unit tests may use anything"
    );
}

// ---------------------------------------------------------------------------------------------
// Components a person can read.

/// How long a component may be, in lines: what fits on a screen or two. A longer one is
/// split into parts that each take an id and derive what they show.
const MAX_COMPONENT_LINES: usize = 150;

/// Every `#[component]` function with its length in lines, longest first.
fn component_lengths(sources: &[Source]) -> Vec<(usize, String)> {
    let mut lengths = Vec::new();
    for source in sources {
        let code = &source.code;
        for (at, _) in code.match_indices("#[component]") {
            let Some(open) = code[at..].find('{').map(|o| at + o) else {
                continue;
            };
            let name = code[at..open]
                .split("fn ")
                .nth(1)
                .and_then(|rest| rest.split(['(', '<']).next())
                .unwrap_or("?")
                .trim()
                .to_string();
            let mut depth = 0;
            let mut close = code.len();
            for (offset, c) in code[open..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            close = open + offset;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let lines = line_of(code, close) - line_of(code, at) + 1;
            lengths.push((
                lines,
                format!("{}:{} {name}", source.path, line_of(code, at)),
            ));
        }
    }
    lengths.sort_by(|a, b| b.cmp(a));
    lengths
}

#[test]
fn no_component_is_longer_than_a_screenful_or_two() {
    let lengths = component_lengths(&sources());
    assert!(
        lengths.len() > 50,
        "expected the app's components, found {}",
        lengths.len()
    );
    let long: Vec<String> = lengths
        .iter()
        .filter(|(lines, _)| *lines > MAX_COMPONENT_LINES)
        .map(|(lines, name)| format!("{name}: {lines} lines"))
        .collect();
    assert!(
        long.is_empty(),
        "split these into smaller components (at most {MAX_COMPONENT_LINES} lines):\n{}",
        long.join("\n")
    );
    let planted = source(
        "ui/x.rs",
        &format!(
            "#[component]\npub fn Big() -> impl IntoView {{\n{}    view! {{ <p>\"}}\"</p> }}\n}}\n",
            "    let a = 1;\n".repeat(MAX_COMPONENT_LINES)
        ),
    );
    assert_eq!(
        component_lengths(&[planted]),
        [(MAX_COMPONENT_LINES + 4, "src/ui/x.rs:1 Big".to_string())]
    );
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
const STORAGE_WRITERS: [(&str, &[&str]); 13] = [
    ("save_open_document", &["src/ui/library/writer.rs"]),
    ("set_last_open", &["src/ui/library/persistence.rs"]),
    (
        "save_other_document",
        &["src/ui/transfer/import.rs", "src/ui/library/screen.rs"],
    ),
    ("rename_document", &["src/ui/library/screen.rs"]),
    ("duplicate_document", &["src/ui/library/screen.rs"]),
    ("store_copy", &["src/ui/library/screen.rs"]),
    ("delete_document", &["src/ui/library/screen.rs"]),
    ("set_theme", &["src/ui/shell/theme.rs"]),
    ("set_organisation", &["src/ui/factcheck/report.rs"]),
    ("set_classroom_session", &["src/ui/classroom/student.rs"]),
    ("set_ledger", &["src/ui/sharing/memory.rs"]),
    ("forget_ledger", &["src/ui/sharing/memory.rs"]),
    ("set_sharing_name", &["src/ui/sharing/sign_in.rs"]),
];

/// The owner's public functions that only read (or follow other tabs in memory).
const STORAGE_READERS: [&str; 22] = [
    "open",
    "is_available",
    "listing",
    "stored_revision",
    "read",
    "raw",
    "last_open",
    "scan",
    "usage_bytes",
    "last_open_entry_for_panic",
    "other_tab_wrote",
    // What the open document's saves compare with and merge against (memory only).
    "adopt_layout",
    "has_layout",
    "merge_base",
    "theme",
    "organisation",
    "classroom_session",
    "ledger",
    "sharing_name",
    // The reader of stored entries, given once its part is here (memory only).
    "entry_reader_arrived",
    // Whether it is here (memory only).
    "reads_entries",
    // Whether start-up will read a stored document (two keys, nothing parsed).
    "holds_documents",
];

/// Every source file under `src/`, as (path relative to the crate, code without comments).
fn storage_sources() -> Vec<(String, Vec<String>)> {
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
    for (file, code) in storage_sources() {
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

/// boot.js, before the app starts, only asks whether the library holds documents (to download
/// the reader of stored entries alongside the main module): it reads the two keys start-up
/// reads first, by their names in `web/storage/keys.rs`, and writes nothing.
#[test]
fn boot_js_only_reads_the_two_keys_start_up_reads_first() {
    let boot = std::fs::read_to_string("src/web/static/boot.js").expect("boot.js");
    let keys = std::fs::read_to_string("src/web/storage/keys.rs").expect("keys.rs");
    let key = |name: &str| {
        let line = keys
            .lines()
            .find(|line| line.starts_with(&format!("pub const {name}: &str = ")))
            .unwrap_or_else(|| panic!("keys.rs has no {name}"));
        line.split('"').nth(1).expect("a quoted key").to_string()
    };
    let code: Vec<&str> = boot
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect();
    let code = code.join("\n");
    for name in ["INDEX", "LAST_OPEN"] {
        assert!(
            code.contains(&format!("'{}'", key(name))),
            "boot.js does not read keys::{name}"
        );
    }
    let storage_uses = code.matches("localStorage").count();
    let reads = code.matches("localStorage.getItem(").count();
    assert_eq!(
        (storage_uses, reads),
        (1, 1),
        "boot.js may only read keys with localStorage.getItem"
    );
    for other in [
        "sessionStorage",
        "indexedDB",
        "setItem",
        "removeItem",
        "clear()",
    ] {
        assert!(!code.contains(other), "boot.js uses {other}");
    }
}

#[test]
fn only_the_named_modules_call_the_storage_owners_writers() {
    let mut offences = Vec::new();
    let mut calls = 0;
    for (file, code) in storage_sources() {
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
    for (file, code) in storage_sources() {
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

// ---------------------------------------------------------------------------------------------
// The code map: a newcomer finds every room.

/// The folders whose every module (and sub-folder) ARCHITECTURE.md's code map names. Deeper
/// folders of the domain (its formats, anchoring, fact-checking and classroom parts) are named
/// as a whole.
const MAPPED_FOLDERS: [&str; 7] = [
    "domain",
    "web",
    "ui",
    "ui/annotate",
    "ui/library",
    "ui/shell",
    "ui/transfer",
];

/// The code map's rows: (the paths in the "where" cell, the whole row).
fn code_map_rows(architecture: &str) -> Vec<(Vec<String>, String)> {
    let map = architecture
        .split("## Code map")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or("");
    map.lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let first_cell = line.split('|').nth(1).unwrap_or("");
            let paths = first_cell
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            (paths, line.to_string())
        })
        .collect()
}

/// Each module or folder of `folders` ("folder", ["name.rs" | "name/"]) that no row names.
fn unmapped(architecture: &str, folders: &[(String, Vec<String>)]) -> Vec<String> {
    let rows = code_map_rows(architecture);
    let mut missing = Vec::new();
    for (folder, children) in folders {
        // A row is about `folder` when its "where" cell names the folder or one of its
        // direct children.
        let about = |paths: &Vec<String>| {
            paths.iter().any(|path| {
                path.strip_prefix(folder.as_str())
                    .and_then(|rest| rest.strip_prefix('/'))
                    .is_some_and(|rest| !rest.trim_end_matches('/').contains('/'))
            })
        };
        for child in children {
            let named = rows.iter().any(|(paths, row)| {
                about(paths)
                    && (row.contains(&format!("`{child}`"))
                        || row.contains(&format!("`{folder}/{child}`")))
            });
            if !named {
                missing.push(format!("src/{folder}/{child}"));
            }
        }
    }
    missing
}

fn folder_children(root: &Path, folder: &str) -> Vec<String> {
    let mut children: Vec<String> = fs::read_dir(root.join("src").join(folder))
        .expect("the folder is readable")
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_dir() {
                Some(format!("{name}/"))
            } else if name.ends_with(".rs") && name != "mod.rs" {
                Some(name)
            } else {
                None
            }
        })
        .collect();
    children.sort();
    children
}

#[test]
fn the_code_map_names_every_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let architecture =
        fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md is readable");
    let folders: Vec<(String, Vec<String>)> = MAPPED_FOLDERS
        .iter()
        .map(|folder| (folder.to_string(), folder_children(root, folder)))
        .collect();
    assert!(
        folders.iter().map(|(_, c)| c.len()).sum::<usize>() > 60,
        "expected the app's modules"
    );
    let missing = unmapped(&architecture, &folders);
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's code map does not name these (add them to the row of their folder):\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_code_map_check_wants_the_row_of_the_right_folder() {
    let architecture = "# A\n\n## Code map\n\n| where | what |\n| --- | --- |\n\
        | `ui/annotate/` | `article.rs`, `toolbar.rs` |\n\
        | `domain/tag.rs`, `text.rs` | the data |\n\
        | `ui/` | `state.rs` |\n\n## Invariants\n\n`import.rs` `lost.rs`\n";
    let folders = vec![
        (
            "ui".to_string(),
            vec![
                "state.rs".to_string(),
                "annotate/".to_string(),
                "transfer/".to_string(),
            ],
        ),
        (
            "ui/annotate".to_string(),
            vec!["article.rs".to_string(), "details.rs".to_string()],
        ),
        (
            "domain".to_string(),
            vec![
                "tag.rs".to_string(),
                "text.rs".to_string(),
                "import.rs".to_string(),
            ],
        ),
    ];
    assert_eq!(
        unmapped(architecture, &folders),
        [
            "src/ui/transfer/",
            "src/ui/annotate/details.rs",
            "src/domain/import.rs"
        ]
    );
}
