// The peer the benchmark compares with: @recogito/text-annotator (version pinned in
// package.json), loaded with its public API on the same generated documents
// (`<case>.peer.json`, written by tests/bench/bench_documents.rs) and timed by the same
// in-page rule as the app (`installFrameClock` / `paintedWhen`). Used by bench.mjs only.
//
// Fairness (see the notes in docs/benchmarks.md):
// - only createTextAnnotator is bundled (esbuild, minified IIFE) with its stylesheet;
// - annotations are loaded with setAnnotations(list, false) on a fresh annotator: with 4.1.1
//   and @annotorious/core ≥ 3.8.3 the `true` path revives no DOM range and draws nothing;
// - paragraphs are <p> elements joined by text nodes holding the line breaks, so UTF-16
//   offsets into the text are its offsets;
// - "painted" is one rule for both: the frame a DOM change lands in (inside a
//   requestAnimationFrame callback: that frame; in a task: the next one), then a task
//   posted from the following frame's first callback. Recogito draws in rAF callbacks, the
//   app in ordinary tasks; polling once per frame would favour one of them.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PEER_PACKAGE = '@recogito/text-annotator';

export function peerVersion() {
  const manifest = JSON.parse(fs.readFileSync(path.join(HERE, 'node_modules', PEER_PACKAGE, 'package.json'), 'utf8'));
  return manifest.version;
}

/** Writes the peer's page (index.html, peer.js, peer.css) and the documents into `dir`. */
export async function buildPeerSite(dir, docsDir, caseNames) {
  const esbuild = await import('esbuild');
  fs.mkdirSync(dir, { recursive: true });
  const entry = path.join(dir, 'entry.js');
  fs.writeFileSync(entry, `import { createTextAnnotator } from '${PEER_PACKAGE}';\nwindow.__peer = { createTextAnnotator };\n`);
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    outfile: path.join(dir, 'peer.js'),
    nodePaths: [path.join(HERE, 'node_modules')],
    logLevel: 'error',
  });
  fs.copyFileSync(path.join(HERE, 'node_modules', PEER_PACKAGE, 'dist', 'text-annotator.css'), path.join(dir, 'peer.css'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>peer</title>' +
      '<link rel="stylesheet" href="peer.css"><style>body{font:16px/1.7 Georgia,serif;margin:0}' +
      '#article{max-width:42rem;margin:0 auto;padding:1rem;white-space:pre-wrap}#article p{display:inline}</style>' +
      '</head><body><div id="article"></div><script src="peer.js"></script></body></html>',
  );
  for (const name of caseNames) {
    fs.copyFileSync(path.join(docsDir, `${name}.peer.json`), path.join(dir, `${name}.peer.json`));
  }
  return { bytes: fs.statSync(path.join(dir, 'peer.js')).size + fs.statSync(path.join(dir, 'peer.css')).size };
}

// Runs in every page (app and peer) before its scripts: a frame counter whose callback is
// the first of every frame, and requestAnimationFrame callbacks marked as such.
export function installFrameClock() {
  const clock = (window.__frames = { frame: 0, inFrame: false, onFrame: [], checks: new Set() });
  const raf = window.requestAnimationFrame.bind(window);
  const tick = () => {
    raf(tick);
    clock.frame++;
    const waiting = clock.onFrame;
    clock.onFrame = [];
    for (const f of waiting) f();
  };
  raf(tick);
  const runChecks = () => {
    for (const check of [...clock.checks]) check();
  };
  window.requestAnimationFrame = (callback) =>
    raf((time) => {
      clock.inFrame = true;
      try {
        callback(time);
      } finally {
        runChecks();
        clock.inFrame = false;
      }
    });
  new MutationObserver(runChecks).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  // Resolves with performance.now() once `condition` holds and the frame showing it is painted.
  clock.paintedWhen = (condition, timeoutMs) =>
    new Promise((resolve) => {
      const started = performance.now();
      const done = (value) => {
        clock.checks.delete(check);
        clearTimeout(timer);
        resolve(value);
      };
      const check = () => {
        if (!condition()) return;
        clock.checks.delete(check);
        const landed = clock.inFrame ? clock.frame : clock.frame + 1;
        const wait = () => {
          if (clock.frame < landed + 1) return clock.onFrame.push(wait);
          const channel = new MessageChannel();
          channel.port1.onmessage = () => done(performance.now());
          channel.port2.postMessage(0);
        };
        wait();
      };
      const timer = setTimeout(() => done(NaN), timeoutMs);
      clock.checks.add(check);
      check();
      void started;
    });
}

// Page side: builds the article from the document and loads every annotation; resolves with
// { load, count } (ms from fetching the document's JSON to the first painted highlight).
export function peerLoad({ file, timeoutMs }) {
  const COLORS = { claim: '#d55e00', source: '#0072b2', entity: '#009e73' };
  return (async () => {
    const started = performance.now();
    const doc = await (await fetch(file)).json();
    const container = document.getElementById('article');
    const fragment = document.createDocumentFragment();
    const breaks = /(?:\r\n|\n|\r|\u2028|\u2029)+/g;
    let last = 0;
    for (const match of doc.text.matchAll(breaks)) {
      const p = document.createElement('p');
      p.textContent = doc.text.slice(last, match.index);
      fragment.append(p, document.createTextNode(match[0]));
      last = match.index + match[0].length;
    }
    if (last < doc.text.length) {
      const p = document.createElement('p');
      p.textContent = doc.text.slice(last);
      fragment.append(p);
    }
    container.append(fragment);
    const annotator = window.__peer.createTextAnnotator(container, {
      style: (a) => ({ fill: COLORS[a.bodies?.[0]?.value] ?? '#777777', fillOpacity: 0.25 }),
    });
    const toPeer = (a) => ({
      id: a.id,
      bodies: [{ id: `${a.id}-tag`, annotation: a.id, purpose: 'tagging', value: a.tag }],
      target: { annotation: a.id, selector: [{ quote: a.quote, start: a.start, end: a.end }], created: new Date(0) },
    });
    // Only the text stays referenced for the edits: the parsed file (20,000 plain objects on
    // the big case) is the harness's, not the peer's, and would count in its memory.
    window.__peerState = { annotator, text: doc.text, toPeer };
    const painted = window.__frames.paintedWhen(
      () => document.querySelector('.r6o-span-highlight-layer [data-annotation]') !== null,
      timeoutMs,
    );
    annotator.setAnnotations(doc.annotations.map(toPeer), false);
    const at = await painted;
    return { load: at - started, count: annotator.getAnnotations().length };
  })();
}

// Page side: adds one annotation over a word at `fraction` of the text (scrolled into view
// first, as a person would be looking at it), then removes it (the undo and the delete of
// the peer's API are both removeAnnotation). Resolves with { add, remove } in ms.
export function peerEdit({ fraction, serial, timeoutMs }) {
  return (async () => {
    const { annotator, text, toPeer } = window.__peerState;
    const re = /[A-Za-z]{4,}/g;
    re.lastIndex = Math.floor(text.length * fraction);
    const word = re.exec(text) ?? /[A-Za-z]{4,}/.exec(text);
    const start = word.index;
    const end = start + word[0].length;
    // Scroll the word into view.
    const walker = document.createTreeWalker(document.getElementById('article'), NodeFilter.SHOW_TEXT);
    let offset = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (offset + node.data.length > start) {
        const range = document.createRange();
        range.setStart(node, start - offset);
        range.setEnd(node, Math.min(node.data.length, start - offset + 1));
        window.scrollBy(0, range.getBoundingClientRect().top - innerHeight / 2);
        break;
      }
      offset += node.data.length;
    }
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
    const id = `peer-new-${serial}`;
    const selector = `.r6o-span-highlight-layer [data-annotation="${id}"]`;
    let started = performance.now();
    let painted = window.__frames.paintedWhen(() => document.querySelector(selector) !== null, timeoutMs);
    annotator.addAnnotation(toPeer({ id, tag: 'claim', quote: word[0], start, end }));
    const add = (await painted) - started;
    await new Promise((r) => setTimeout(r, 100));
    started = performance.now();
    painted = window.__frames.paintedWhen(() => document.querySelector(selector) === null, timeoutMs);
    annotator.removeAnnotation(id);
    const remove = (await painted) - started;
    return { add, remove };
  })();
}

// Page side: the peer's own export of every annotation: its store's annotations as JSON in a
// Blob with an object URL (what a "download JSON" button does; the text is not in it, as in
// ours). Resolves with { took, bytes } (ms from the API call to the URL).
export function peerExport() {
  const { annotator } = window.__peerState;
  const started = performance.now();
  const json = JSON.stringify(annotator.getAnnotations());
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const took = performance.now() - started;
  URL.revokeObjectURL(url);
  return { took, bytes: json.length };
}
