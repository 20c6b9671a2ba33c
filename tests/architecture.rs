//! Architecture invariant: the domain knows nothing of the browser, the clock or randomness,
//! so it can be tested natively and reasoned about as plain data. This test reads every
//! source file under `src/domain/` and fails on a forbidden name.

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
    for entry in fs::read_dir(dir).expect("src/domain is readable").flatten() {
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
