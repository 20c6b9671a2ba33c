// Starts Article Annotator: loads the wasm-bindgen glue and the WebAssembly module.
//
// This replaces the inline <script type="module"> Trunk would write into index.html, which
// the page's Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval', nothing inline)
// blocks. Trunk.toml's pattern_script writes a <script src="./boot.js"> instead, carrying the
// build's hashed file names in two data attributes, so this file never changes between builds.

const loader = document.querySelector('script[data-annotator-js][data-annotator-wasm]');

// A returning visit (the library holds documents) reads one before anything shows, with the
// reader of stored entries, a part of its own (src/ui/library/reader.rs): its files download
// now, alongside the main module, instead of after it. The keys are web/storage/keys.rs's
// INDEX and LAST_OPEN (tests/architecture.rs checks they match).
try {
  // The short value first: the index, read only when nothing was open, is the long one.
  const stored = ['article-annotator:v1:last-open', 'article-annotator:v1:index'];
  if (stored.some((key) => localStorage.getItem(key) !== null)) {
    for (const file of (loader.dataset.annotatorReader || '').split(' ').filter(Boolean)) {
      const link = document.createElement('link');
      Object.assign(link, { rel: 'preload', as: 'fetch', crossOrigin: 'anonymous', href: file });
      link.type = 'application/wasm';
      document.head.append(link);
    }
  }
} catch {
  // No storage (a browser that refuses it): nothing stored to read, so nothing to download.
}

try {
  const glue = await import(new URL(loader.dataset.annotatorJs, document.baseURI).href);
  await glue.default({ module_or_path: new URL(loader.dataset.annotatorWasm, document.baseURI) });
} catch (error) {
  // The Rust panic screen is not installed yet: say it in plain text, then let the console
  // have the details.
  const message = document.createElement('p');
  message.setAttribute('role', 'alert');
  message.textContent =
    'Article Annotator could not start: ' + error + '. Reload the page; if this keeps ' +
    'happening, this browser may not support WebAssembly, or the files on the server are ' +
    'incomplete.';
  document.body.append(message);
  throw error;
}
