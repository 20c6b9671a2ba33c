# Shared by scripts/serve, scripts/test and scripts/bench: install what is missing, quietly
# when it is already there. Every step says what it installs. Nothing here downloads a
# binary from outside the package registries (crates.io, npm, Debian, PyPI, rustup).

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="/usr/local/bin:$HOME/.cargo/bin:$PATH"

TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# The exact wasm-bindgen version Cargo.lock pins: the CLI must equal it.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "installing the Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_rust_components() {
  local missing=()
  rustup component list --installed | grep -q '^rustfmt' || missing+=(rustfmt)
  rustup component list --installed | grep -q '^clippy' || missing+=(clippy)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Rust components: ${missing[*]}"
    rustup component add "${missing[@]}"
  fi
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION from crates.io (about 7 minutes, once)"
    # --locked: newer unlocked dependencies of 0.21.14 do not compile.
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

ensure_wasm_bindgen() {
  local want; want="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ]; then
    say "installing wasm-bindgen-cli $want from crates.io (about 2 minutes, once)"
    # Not --locked: its lock file names a webpki-roots the registry mirror may not have yet.
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

ensure_wasm_opt() {
  # Debian's binaryen 108 writes a wasm that dies on load, so take binaryen from npm and put
  # it ahead of /usr/bin on PATH. Trunk.toml pins the version, so a wrong one fails loudly.
  if [ "$(wasm-opt --version 2>/dev/null)" != "wasm-opt version $BINARYEN_VERSION (version_$BINARYEN_VERSION)" ]; then
    say "installing wasm-opt (binaryen $BINARYEN_VERSION) from npm into /usr/local"
    as_root npm install -g --prefix /usr/local --no-audit --no-fund "binaryen@$BINARYEN_VERSION.0.0"
  fi
}

# The splitter scripts/build-wasm runs (Trunk build hook): cuts the wasm at its #[wasm_split]
# boundaries into the modules the app fetches on demand. It is the crate from crates.io with
# scripts/build-tools/wasm-split-merged-chunks.patch applied, which lets it merge its many small
# shared chunks into a few (ARCHITECTURE.md, "Loading on demand"); the patched build says so in
# its --version, which is how a machine with the crate's own build gets this one.
SPLITTER_VERSION="0.2.4"
SPLITTER_BUILD="wasm-split 0.2.4 with merged chunks (Article Annotator's patch 1)"
ensure_wasm_split() {
  if [ "$(wasm-split-cli --version 2>/dev/null)" = "$SPLITTER_BUILD" ]; then return 0; fi
  say "installing wasm-split-cli $SPLITTER_VERSION (crate wasm_split_cli_support from crates.io, patched by scripts/build-tools/wasm-split-merged-chunks.patch; about 2 minutes, once)"
  local work
  work="$(mktemp -d)"
  # In a subshell whose exit removes the temporary folder, whether the steps succeed or one
  # fails (set -e ends the subshell there, and its status ends the install).
  (
    trap 'rm -rf "$work"' EXIT
    # cargo downloads the crate's source from crates.io for a manifest that depends on it, and
    # says where it unpacked it.
    mkdir "$work/fetch"
    printf '[package]\nname = "fetch-splitter"\nversion = "0.0.0"\nedition = "2021"\n[lib]\npath = "lib.rs"\n[dependencies]\nwasm_split_cli_support = "=%s"\n' \
      "$SPLITTER_VERSION" > "$work/fetch/Cargo.toml"
    : > "$work/fetch/lib.rs"
    source="$(cargo metadata --manifest-path "$work/fetch/Cargo.toml" --format-version 1 |
      node -e '
        let json = "";
        process.stdin.on("data", (part) => { json += part; }).on("end", () => {
          const crate = JSON.parse(json).packages.find((p) => p.name === "wasm_split_cli_support");
          if (!crate) { console.error("cargo metadata lists no wasm_split_cli_support"); process.exit(1); }
          console.log(require("path").dirname(crate.manifest_path));
        });')"
    cp -R "$source" "$work/splitter"
    (cd "$work/splitter" && git apply "$ROOT/scripts/build-tools/wasm-split-merged-chunks.patch")
    cargo install --locked --force --path "$work/splitter" --features build-binary
  )
  if [ "$(wasm-split-cli --version 2>/dev/null)" != "$SPLITTER_BUILD" ]; then
    echo "the installed wasm-split-cli is not the patched build: $(command -v wasm-split-cli)" >&2
    return 1
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q chromium chromium-driver
  fi
}

# The size report's brotli column (browsers fetch brotli where the server offers it).
ensure_brotli() {
  if ! command -v brotli >/dev/null; then
    say "installing Debian's brotli (the size report's brotli column)"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q brotli
  fi
}

# Installs a folder's npm packages from its lock file into its node_modules (ignored by git,
# kept between runs), again only when the lock file changed: npm_from_lock <folder> <whose>.
npm_from_lock() {
  local dir="$1" stamp="$1/node_modules/.lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    say "installing $2 npm packages ($dir, from the lock file)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}

ensure_e2e_deps() {
  npm_from_lock tests/e2e "the browser tests'"
}

# The shared-library server's npm packages (PouchDB Server's express-pouchdb, in memory).
ensure_shared_server() {
  npm_from_lock scripts/shared-server "the shared-library server's"
}

ensure_w3c_validator() {
  local req=../shared/fixtures/w3c/requirements.txt
  [ -f "$req" ] || return 0
  if ! python3 -c 'import jsonschema, referencing, rfc3986_validator, rfc3339_validator' 2>/dev/null; then
    say "installing the W3C validator's Python packages ($req)"
    python3 -m pip install --quiet --disable-pip-version-check -r "$req"
  fi
}

# The release build's npm packages (terser, which shrinks the JavaScript fetched before the
# first paint).
ensure_build_npm() {
  npm_from_lock scripts/build-tools "the release build's"
}

ensure_build_tools() {
  ensure_wasm_target
  ensure_trunk
  ensure_wasm_bindgen
  ensure_wasm_opt
  ensure_wasm_split
  ensure_build_npm
}
