//! The wasm splitter (scripts/build-wasm) moves the code behind each on-demand boundary into a
//! module of its own, and needs the linker's relocations to do so: every WebAssembly build of
//! the app keeps them (`--emit-relocs`). Only the app's binary; the wasm-bindgen test
//! binaries are not split. Native builds are untouched.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-bins=--emit-relocs");
    }
}
