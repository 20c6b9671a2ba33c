// Starts the app. Trunk's default loader is an inline <script>, which the page's Content
// Security Policy (script-src 'self', no 'unsafe-inline') refuses to run, leaving a blank
// page. Loaded from a file, the same three steps are allowed. Trunk.toml's `pattern_script`
// writes this file's <script> tag with the hashed file names in its data attributes.
const tag = document.querySelector('script[data-wasm-js]');
const { default: init } = await import(tag.dataset.wasmJs);
const wasm = await init({ module_or_path: tag.dataset.wasm });
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
