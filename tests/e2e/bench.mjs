// The browser benchmark: `scripts/bench` runs it after writing the documents and building the
// release app. Not a test (no file name *.test.mjs): it measures and REPORTS, never asserts a
// budget. Usage:
//
//   node bench.mjs --docs <dir> --out <file.json> [--dist <dir>] [--reps 5] [--smoke]
//     [--interactive <case>|none] [--no-edits] [--no-scroll] [--no-peer]
//     [--scroll-step <px>] [--scroll-every <ms>] [--floor <dir>]
//
// How a document gets into the app: the stored library entry that `write_entry` produces
// (bench_documents writes it) is put into localStorage from a page of the same origin before
// the app loads, exactly as if the user had opened it last time; the app opens it on start. Nothing
// in the app exists for the benchmark.
//
// What is timed, all inside the page with performance.now():
// - load: from the moment the wasm module is instantiated (wasm-bindgen's start function
//   runs right after) to the first frame after the first `mark` appeared in the article,
//   i.e. read the entry, build the document, segment, render, lay out and paint. The time
//   from navigation start is reported too (adds fetching and compiling the wasm).
// - reload with the service worker installed: the same from navigation, after one visit of
//   the case, when the worker answers the build's files from its copy (the smallest case and
//   the interactive one).
// - interactions (real mouse and keyboard through playwright): from the input event (a
//   capture listener on window, the first to see it) to the first frame in which the
//   expected DOM change is visible (a task queued from requestAnimationFrame, so the frame's
//   paint is included).
// - save: the main-thread time of every task (timer or idle callback) that writes localStorage
//   after an edit: the worst one and their total.
// - export: from the click on "Export JSON" (without the article text) to the Blob's object
//   URL being made; the peer: getAnnotations serialised into a Blob's URL.
// - long tasks: the Long Tasks API, during the interactions of the big case.
// - memory: JS heap after a forced GC (CDP) + the wasm memory's size.
// - the floor (`--floor <dir>`, a build of tests/bench/floor: the smallest Leptos annotator,
//   the article and its marks only): memory after load by the same code on the documents
//   under 200 KB, the least any app on this project's stack holds there.
// - scrolling (the interactive case, ours and the peer's): real mouse-wheel events from the
//   top of the page to its bottom at a steady pace (--scroll-step px every --scroll-every
//   ms), every frame's requestAnimationFrame delta and the Long Animation Frames API's
//   entries recorded in the page. A frame "over 16 ms" is one that missed the 60 Hz frame
//   after it (delta over 16.7 ms + 4 ms of the clock's jitter).

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { serve, launch, newPage, selectByOffsets, DIST } from './harness.mjs';
import { buildPeerSite, installFrameClock, peerEdit, peerExport, peerLoad, peerVersion } from './peer.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
};
const smoke = args.includes('--smoke');
const docsDir = path.resolve(option('--docs', 'bench-results/docs'));
const outFile = path.resolve(option('--out', 'bench-results/latest.json'));
const dist = path.resolve(option('--dist', DIST));
const reps = Number(option('--reps', smoke ? '1' : '5'));
const interactionCase = option('--interactive', smoke ? null : '1MB-20000');
// The peer (@recogito/text-annotator) on the same documents, one after the other. Every peer
// measurement is bounded, so a peer that freezes cannot hang the benchmark.
const withPeer = !args.includes('--no-peer');
const PEER_LOAD_TIMEOUT_MS = Number(option('--peer-timeout', '90000'));
const PEER_EDIT_TIMEOUT_MS = 10_000;
const SCROLL_STEP_PX = Number(option('--scroll-step', '400'));
const SCROLL_EVERY_MS = Number(option('--scroll-every', '40'));
const withScroll = !args.includes('--no-scroll');
// Only open, memory and scrolling: the edits of the interactive case are left out.
const withEdits = !args.includes('--no-edits');
// `--trace-step delete@2#1`: a Chromium trace (garbage collection and the timeline) of that
// interaction step, from its start to the next step's, written next to --out.
const traceStep = option('--trace-step', null);
const floorDir = option('--floor', null);
const FLOOR_MAX_BYTES = 200_000;

const INDEX_KEY = 'article-annotator:v1:index';
const LAST_OPEN_KEY = 'article-annotator:v1:last-open';
const DOC_PREFIX = 'article-annotator:v1:doc:';

function stats(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

// Runs in the page before any of its scripts.
function instrumentPage() {
  const bench = (window.__bench = { longTasks: [], steps: [], saveTasks: [], objectUrls: [], wasmReady: null, firstMarkFrame: null });
  new PerformanceObserver((list) => {
    // Each long task is named after the interaction step it fell in (the last step begun).
    for (const entry of list.getEntries()) {
      bench.longTasks.push({ start: entry.startTime, duration: entry.duration, step: bench.steps.at(-1)?.name ?? 'before' });
    }
  }).observe({ type: 'longtask', buffered: true });
  // Long animation frames (task + style, layout and paint records on the main thread), named
  // the same way, with the scripts they ran: a slow "painted" with no long task, whose long
  // frame lists no script, waited off the main thread (raster, the compositor).
  bench.longFrames = [];
  if (PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame')) {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const render = entry.renderStart ? entry.startTime + entry.duration - entry.renderStart : 0;
        // The scripts the frame ran (the browser lists those over 5 ms): what held it.
        const scripts = [...(entry.scripts ?? [])].map((x) => `${x.invoker || x.invokerType} ${Math.round(x.duration)}`);
        bench.longFrames.push({ duration: entry.duration, render, scripts, step: bench.steps.at(-1)?.name ?? 'before' });
      }
    }).observe({ type: 'long-animation-frame' });
  }
  // The wasm is instantiated, then wasm-bindgen runs main() at once: start of the app's work.
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...a) {
      return original.apply(this, a).then((result) => {
        bench.wasmReady ??= performance.now();
        // The linear memory is neither in the JS heap nor in the DOM's: read it from the module.
        bench.wasmMemory ??= (result.instance ?? result).exports?.memory ?? null;
        return result;
      });
    };
  }
  // A task that writes localStorage is a save: a timer or an idle callback (the save may be
  // split over several). Each is timed whole; the interactions report the worst one after an
  // edit and their total.
  let writing = false;
  for (const name of ['setItem', 'removeItem']) {
    const original = Storage.prototype[name];
    Storage.prototype[name] = function (...a) {
      writing = true;
      return original.apply(this, a);
    };
  }
  const timed = (callback) =>
    function (...a) {
      writing = false;
      const started = performance.now();
      try {
        return callback.apply(this, a);
      } finally {
        if (writing) bench.saveTasks.push(performance.now() - started);
        writing = false;
      }
    };
  const setTimeoutOriginal = window.setTimeout;
  window.setTimeout = function (callback, ...rest) {
    if (typeof callback !== 'function') return setTimeoutOriginal.call(this, callback, ...rest);
    return setTimeoutOriginal.call(this, timed(callback), ...rest);
  };
  if (window.requestIdleCallback) {
    const idleOriginal = window.requestIdleCallback;
    window.requestIdleCallback = function (callback, ...rest) {
      return idleOriginal.call(this, timed(callback), ...rest);
    };
  }
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = function (...a) {
    bench.objectUrls.push(performance.now());
    return createObjectURL.apply(this, a);
  };
  // The first painted frame with a mark in the article (the frame rule of peer.mjs).
  const marks = document.getElementsByTagName('mark');
  window.__frames.paintedWhen(() => marks.length > 0, 600_000).then((at) => (bench.firstMarkFrame = at));
}

// Page-side helper: resolves with ms from the latest `eventType` (captured on window) to the
// first painted frame in which `condition` holds.
async function timeUntil(page, eventType, conditionSource, act) {
  await page.evaluate(
    ([eventType, conditionSource]) => {
      const bench = window.__bench;
      bench.pending = new Promise((resolve) => {
        const condition = new Function(`return (${conditionSource})`)();
        let started = null;
        let work = NaN;
        const onEvent = () => {
          started = performance.now();
          removeEventListener(eventType, onEvent, true);
          // Runs after this event's handlers and their microtasks (Leptos' effects).
          const idle = new MessageChannel();
          idle.port1.onmessage = () => (work = performance.now() - started);
          idle.port2.postMessage(0);
          window.__frames.paintedWhen(condition, 10_000).then((at) => resolve({ frame: at - started, work }));
        };
        addEventListener(eventType, onEvent, true);
      });
    },
    [eventType, conditionSource],
  );
  await act();
  return page.evaluate(() => window.__bench.pending);
}

async function openCase(browser, server, name, docs) {
  const caseInfo = docs.cases.find((c) => c.name === name);
  const seed = {
    docKey: DOC_PREFIX + caseInfo.id,
    indexKey: INDEX_KEY,
    lastOpenKey: LAST_OPEN_KEY,
    id: caseInfo.id,
    entry: fs.readFileSync(path.join(docsDir, `${name}.entry.json`), 'utf8'),
    index: fs.readFileSync(path.join(docsDir, `${name}.index.json`), 'utf8'),
  };
  const page = await newPage({ browser, server, viewport: { width: 1280, height: 900 } });
  // The stored entry goes into localStorage from a page of the same origin that is not the
  // app, before the app is opened. (Passed to an init script, the 3.5 M-character entry was
  // part of that script's source, which the page keeps while the script's functions live:
  // it counted in the app's JS heap, and the peer's page has no such thing.)
  await page.goto(new URL('icon.svg', server.url).href);
  await page.evaluate((seed) => {
    localStorage.clear();
    localStorage.setItem(seed.docKey, seed.entry);
    localStorage.setItem(seed.indexKey, seed.index);
    localStorage.setItem(seed.lastOpenKey, seed.id);
  }, seed);
  await page.addInitScript(installFrameClock);
  await page.addInitScript(instrumentPage);
  await page.goto(server.url);
  await page.waitForFunction(() => window.__bench?.firstMarkFrame !== null, null, { timeout: 120_000 });
  const timing = await page.evaluate(() => ({
    fromWasm: window.__bench.firstMarkFrame - window.__bench.wasmReady,
    fromNavigation: window.__bench.firstMarkFrame,
    marks: document.getElementsByTagName('mark').length,
  }));
  return { page, timing, caseInfo };
}

// A returning visit with the service worker installed (every visit after the first, online
// or not): one visit of the case, until the worker controls the page (its install copied the
// whole build), then `reps` reloads, each timed from navigation to the first painted frame
// with a mark, as the load rows are. Also counts what each reload asked the server for among
// the build's hashed files (the worker answers those from its copy).
async function reloadWithWorker(browser, server, name, docs) {
  const { page } = await openCase(browser, server, name, docs);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
  const hashed = /-[0-9a-f]{16}\.(?:wasm|js|css)$/;
  const fromNavigation = [];
  let fromServer = 0;
  for (let rep = 0; rep < reps; rep++) {
    const before = server.requests.length;
    await page.reload();
    await page.waitForFunction(() => window.__bench?.firstMarkFrame !== null, null, { timeout: 120_000 });
    fromNavigation.push(await page.evaluate(() => window.__bench.firstMarkFrame));
    // The parts fetched after the first paint count too.
    await page.locator('.ann-list').waitFor({ timeout: 60_000 });
    fromServer += server.requests.slice(before).filter((r) => hashed.test(r.path.split('?')[0])).length;
  }
  await page.context().close();
  return { fromNavigation: stats(fromNavigation), hashedFromServerPerReload: fromServer / reps };
}

async function memory(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize, embedderHeapUsedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  const wasm = await page.evaluate(() => window.__bench?.wasmMemory?.buffer?.byteLength ?? null);
  const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
  return { jsHeap: usedSize, dom: embedderHeapUsedSize ?? null, wasm, domNodes };
}

// Scrolls the page from its top to its bottom with the mouse wheel over `point` at a steady
// pace, and records every frame in the page: rAF deltas, and long animation frames (the
// Performance API's 'long-animation-frame' entries, 50 ms and over, with their blocking time).
async function scrolling(page, point) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(500);
  await page.mouse.move(point.x, point.y);
  // The frame cadence of this browser on this machine with nothing happening (headless
  // Chromium without a GPU under load may not reach 60 Hz): frames are judged against it too.
  const idle = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const deltas = [];
        let last = null;
        const frame = (time) => {
          if (last !== null) deltas.push(time - last);
          last = time;
          if (deltas.length < 60) requestAnimationFrame(frame);
          else resolve(deltas.sort((a, b) => a - b)[30]);
        };
        requestAnimationFrame(frame);
      }),
  );
  await page.evaluate(() => {
    const record = (window.__scroll = { deltas: [], loaf: [], running: true });
    let last = null;
    const frame = (time) => {
      if (last !== null) record.deltas.push(time - last);
      last = time;
      if (record.running) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    if (PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame')) {
      record.observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) record.loaf.push({ duration: e.duration, blocking: e.blockingDuration });
      });
      record.observer.observe({ type: 'long-animation-frame' });
    }
  });
  const started = Date.now();
  let wheels = 0;
  for (;;) {
    if (wheels % 10 === 0) {
      const { y, max } = await page.evaluate(() => ({ y: window.scrollY, max: document.documentElement.scrollHeight - innerHeight }));
      if (y >= max - 1 || wheels > 20_000) break;
    }
    await page.mouse.wheel(0, SCROLL_STEP_PX);
    wheels++;
    const next = started + wheels * SCROLL_EVERY_MS;
    const wait = next - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await page.waitForTimeout(500);
  const record = await page.evaluate(() => {
    const r = window.__scroll;
    r.running = false;
    r.observer?.disconnect();
    return { deltas: r.deltas, loaf: r.loaf, height: document.documentElement.scrollHeight };
  });
  const sorted = [...record.deltas].sort((a, b) => a - b);
  const over = record.deltas.filter((d) => d > 16.7 + 4);
  return {
    idleFrame: idle,
    dropped: record.deltas.filter((d) => d > idle * 1.5).length,
    wheels,
    pageHeight: record.height,
    seconds: (Date.now() - started) / 1000,
    frames: sorted.length,
    over16: over.length,
    longest: sorted.at(-1) ?? NaN,
    p95: sorted[Math.floor(sorted.length * 0.95)] ?? NaN,
    median: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    longAnimationFrames: record.loaf.length,
    longestAnimationFrame: record.loaf.reduce((m, e) => Math.max(m, e.duration), 0),
    blocking: record.loaf.reduce((sum, e) => sum + e.blocking, 0),
  };
}

// A plain (unmarked) stretch of the article, as UTF-16 offsets of whole words, the `n`th one
// found after `from` (a fraction of the text), so repetitions tag different places.
async function plainWords(page, from) {
  return page.evaluate((from) => {
    const article = document.querySelector('[data-article-text]');
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    const total = article.textContent.length;
    let offset = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = node.data.length;
      if (offset >= total * from && node.parentElement.tagName !== 'MARK' && length > 40) {
        const match = /\s([A-Za-z]{3,}) ([A-Za-z]{3,})\s/.exec(node.data.slice(5, length - 5));
        if (match) {
          const start = offset + 5 + match.index + 1;
          return { start, end: start + match[1].length + 1 + match[2].length };
        }
      }
      offset += length;
    }
    return null;
  }, from);
}

const MARK_COUNT = 'document.getElementsByTagName("mark").length';

// Where in the text an edit is made: an edit near the start must not cost more than one
// near the end (each paragraph after it used to re-render).
const POSITIONS = smoke ? [0.5] : [0.02, 0.5, 0.98];
const INTERACTIONS = ['toolbar', 'add', 'save', 'saveTotal', 'undo', 'redo', 'select', 'delete'];

async function interactions(page, rows, repetitions) {
  await page.evaluate(() => {
    window.__bench.longTasks = [];
    window.__bench.longFrames = [];
  });
  const measured = { export: [], rerendered: {} };
  const record = (what, at, value) => ((measured[`${what}@${Math.round(at * 100)}`] ??= []).push(value));
  let tracing = false;
  let traced = false;
  // Marks the step about to begin, so a long task can be told apart by what it followed;
  // traces it when it is the --trace-step (until the next step begins).
  const step = async (what, at, rep) => {
    const name = `${what}@${Math.round(at * 100)}#${rep + 1}`;
    const browser = page.context().browser();
    if (tracing) {
      await browser.stopTracing();
      tracing = false;
    }
    if (name === traceStep) {
      const file = outFile.replace(/\.json$/, '') + `.trace-${name.replace(/[@#]/g, '-')}.json`;
      await browser.startTracing(page, {
        path: file,
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.gc', 'blink_gc', 'blink.user_timing'],
      });
      tracing = traced = true;
      console.log(`tracing ${name} into ${file}`);
    }
    await page.evaluate((n) => window.__bench.steps.push({ name: n, at: performance.now() }), name);
  };
  // Paragraphs (re)created in the article by an edit: the cost that grows with the article.
  await page.evaluate(() => {
    const bench = window.__bench;
    bench.paragraphsAdded = 0;
    const article = document.querySelector('[data-article-text]');
    new MutationObserver((records) => {
      // Paragraphs sit in groups of paragraphs: a paragraph added to its group, or a group
      // added with its paragraphs.
      for (const r of records) for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        if (n.classList.contains('ann-para')) bench.paragraphsAdded++;
        else if (n.classList.contains('ann-group')) bench.paragraphsAdded += n.getElementsByClassName('ann-para').length;
      }
    }).observe(article, { childList: true, subtree: true });
  });
  const rerendered = async (what, at) => {
    const count = await page.evaluate(() => window.__bench.paragraphsAdded);
    (measured.rerendered[`${what}@${Math.round(at * 100)}`] ??= []).push(count);
  };
  const resetCount = () => page.evaluate(() => (window.__bench.paragraphsAdded = 0));
  for (const at of POSITIONS) {
    for (let rep = 0; rep < repetitions; rep++) {
      const words = (await plainWords(page, at + 0.003 * rep)) ?? (await plainWords(page, at - 0.01));
      if (!words) throw new Error(`no plain words to tag at ${at}`);
      await step('toolbar', at, rep);
      // Mouse-up → tag toolbar shown.
      await page.evaluate(() => window.getSelection()?.removeAllRanges());
      record('toolbar', at,
        await timeUntil(page, 'mouseup', '() => document.querySelector(".ann-toolbar") !== null', () =>
          selectByOffsets(page, words.start, words.end),
        ),
      );
      // The marks of the paragraph being edited: drawing only near the screen makes the
      // article's total change as it scrolls, so every condition looks at this paragraph.
      const paragraphStart = await page.evaluate((start) => {
        let found = 0;
        for (const p of document.querySelectorAll('[data-article-text] .ann-para[data-u16]')) {
          const at = Number(p.dataset.u16);
          if (at <= start) found = at;
          else break;
        }
        return found;
      }, words.start);
      const MARK_COUNT = `(document.querySelector('[data-article-text] .ann-para[data-u16="${paragraphStart}"]')?.getElementsByTagName("mark").length ?? -1)`;
      const before = await page.evaluate(MARK_COUNT);
      await step('add', at, rep);
      // Tag button click → highlight painted.
      await page.evaluate(() => (window.__bench.saveTasks = []));
      await resetCount();
      record('add', at,
        await timeUntil(page, 'click', `() => ${MARK_COUNT} > ${before}`, () =>
          page.getByRole('button', { name: 'Claim', exact: true }).click(),
        ),
      );
      await rerendered('add', at);
      const added = await page.evaluate(MARK_COUNT);
      await step('save', at, rep);
      // The save after the edit (debounced, then timer or idle tasks): wait for its first
      // task, then until no storage write came for a second; the worst task and the total.
      await page.waitForFunction(() => window.__bench.saveTasks.length > 0, null, { timeout: 30_000 });
      for (let seen = -1; ; ) {
        const now = await page.evaluate(() => window.__bench.saveTasks.length);
        if (now === seen) break;
        seen = now;
        await page.waitForTimeout(1000);
      }
      const saveTasks = await page.evaluate(() => window.__bench.saveTasks);
      record('save', at, Math.max(...saveTasks));
      record('saveTotal', at, saveTasks.reduce((sum, t) => sum + t, 0));
      await step('undo', at, rep);
      // Undo, redo, then delete the re-created annotation (still selected) with the Delete key.
      await resetCount();
      record('undo', at,
        await timeUntil(page, 'keydown', `() => ${MARK_COUNT} === ${before}`, () => page.keyboard.press('Control+z')),
      );
      await rerendered('undo', at);
      await step('redo', at, rep);
      record('redo', at,
        await timeUntil(page, 'keydown', `() => ${MARK_COUNT} === ${added}`, () => page.keyboard.press('Control+Shift+z')),
      );
      // Select it by clicking its highlight (the details panel opens), then delete it.
      const markPoint = await page.evaluate(({ start }) => {
        const article = document.querySelector('[data-article-text]');
        const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
        let offset = 0;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (offset + node.data.length > start && node.parentElement.tagName === 'MARK') {
            node.parentElement.scrollIntoView({ block: 'center' });
            const rect = node.parentElement.getBoundingClientRect();
            return { x: rect.left + Math.min(4, rect.width / 2), y: rect.top + rect.height / 2 };
          }
          offset += node.data.length;
        }
        return null;
      }, words);
      await step('select', at, rep);
      if (markPoint) {
        record('select', at,
          await timeUntil(page, 'mouseup', '() => document.querySelector(".ann-mark--selected") !== null', () =>
            page.mouse.click(markPoint.x, markPoint.y),
          ),
        );
      }
      await resetCount();
      await step('delete', at, rep);
      record('delete', at,
        await timeUntil(page, 'keydown', `() => ${MARK_COUNT} === ${before}`, () => page.keyboard.press('Delete')),
      );
      await rerendered('delete', at);
      await page.waitForTimeout(400);
    }
  }
  if (tracing) await page.context().browser().stopTracing();
  if (traceStep && !traced) console.warn(`--trace-step ${traceStep}: no such step (they are named like delete@2#1)`);
  const longTasks = await page.evaluate(() => window.__bench.longTasks);
  const longFrames = await page.evaluate(() => window.__bench.longFrames);
  // Export native JSON without the text (the budget's row; the peer has no text to export):
  // open the menu, untick "Include the article text", click "Export JSON", time to the Blob's URL.
  for (let rep = 0; rep < repetitions; rep++) {
    const summary = page.locator('summary', { hasText: 'Export' }).first();
    if (!(await page.locator('details:has(> summary:text-is("Export"))').evaluate((d) => d.open).catch(() => false))) {
      await summary.click();
    }
    const withText = page.getByRole('checkbox', { name: 'Include the article text' });
    if (await withText.isChecked()) await withText.uncheck();
    const count = await page.evaluate(() => window.__bench.objectUrls.length);
    await page.evaluate(() => {
      window.__bench.exportClick = null;
      addEventListener('click', () => (window.__bench.exportClick = performance.now()), { capture: true, once: true });
    });
    await page.getByRole('button', { name: 'Export JSON', exact: true }).click();
    await page.waitForFunction((count) => window.__bench.objectUrls.length > count, count);
    measured.export.push(await page.evaluate(() => window.__bench.objectUrls.at(-1) - window.__bench.exportClick));
  }
  rows.rerendered = Object.fromEntries(Object.entries(measured.rerendered).map(([k, v]) => [k, stats(v)]));
  delete measured.rerendered;
  rows.interactions = Object.fromEntries(
    Object.entries(measured).map(([k, v]) => [
      k,
      typeof v[0] === 'object'
        ? { frame: stats(v.map((x) => x.frame)), work: stats(v.map((x) => x.work)) }
        : { frame: stats(v), work: null },
    ]),
  );
  rows.longTasks = { count: longTasks.length, max: longTasks.reduce((m, t) => Math.max(m, t.duration), 0), all: longTasks.map((t) => Math.round(t.duration)), steps: longTasks.map((t) => t.step) };
  rows.longFrames = longFrames.map((f) => ({ duration: Math.round(f.duration), render: Math.round(f.render), scripts: f.scripts, step: f.step }));
}

// The floor's memory after load: its page fetches the case's text and spans, draws them
// and says when the first frame with marks is painted.
async function measureFloor(browser, server, caseInfo) {
  const page = await newPage({ browser, server, viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(`${server.url}index.html?article=${encodeURIComponent(`${caseInfo.name}.article.json`)}`);
    await page.waitForFunction(() => window.__bench?.painted === true, null, { timeout: 60_000 });
    return await memory(page);
  } finally {
    await page.context().close();
  }
}

// A copy of the floor's build with each case's article as `<case>.article.json`.
function floorSite(dir, cases) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(floorDir, dir, { recursive: true });
  for (const { name } of cases) {
    const native = JSON.parse(fs.readFileSync(path.join(docsDir, `${name}.native.json`), 'utf8'));
    const article = { text: native.document.text, spans: native.annotations.map((a) => [a.start, a.end]) };
    fs.writeFileSync(path.join(dir, `${name}.article.json`), JSON.stringify(article));
  }
}

// The peer on one case: load (fewer repetitions on the big documents, where one load takes
// tens of seconds), memory, and on the interactive case add/remove at each position.
async function measurePeer(browser, server, caseInfo, peer) {
  const peerReps = caseInfo.bytes > 200_000 ? 1 : reps;
  const loads = [];
  let count = null;
  for (let rep = 0; rep < peerReps; rep++) {
    const page = await newPage({ browser, server, viewport: { width: 1280, height: 900 } });
    try {
      await page.addInitScript(installFrameClock);
      await page.goto(server.url);
      const outcome = await Promise.race([
        page.evaluate(peerLoad, { file: `${caseInfo.name}.peer.json`, timeoutMs: PEER_LOAD_TIMEOUT_MS }),
        new Promise((resolve) => setTimeout(() => resolve({ load: NaN, timedOut: true }), PEER_LOAD_TIMEOUT_MS + 5_000)),
      ]);
      loads.push(outcome.load);
      count = outcome.count ?? count;
      if (outcome.timedOut || !Number.isFinite(outcome.load)) {
        peer.timeouts = [...(peer.timeouts ?? []), `${caseInfo.name} load over ${PEER_LOAD_TIMEOUT_MS} ms`];
        break;
      }
      if (rep === peerReps - 1) peer.memory[caseInfo.name] = await memory(page);
      if (rep === peerReps - 1 && (caseInfo.name === interactionCase || smoke)) {
        if (withScroll) {
          peer.scroll = await scrolling(page, { x: 640, y: 450 });
          process.stderr.write(`  peer scroll ${caseInfo.name}: ${JSON.stringify(peer.scroll)}\n`);
        }
        for (const at of withEdits ? POSITIONS : []) {
          const adds = [];
          const removes = [];
          for (let r = 0; r < reps; r++) {
            const edit = await Promise.race([
              page.evaluate(peerEdit, { fraction: at + 0.003 * r, serial: `${at}-${r}`, timeoutMs: PEER_EDIT_TIMEOUT_MS }),
              new Promise((resolve) => setTimeout(() => resolve({ add: NaN, remove: NaN }), 3 * PEER_EDIT_TIMEOUT_MS)),
            ]);
            adds.push(edit.add);
            removes.push(edit.remove);
          }
          peer.edits[`add@${Math.round(at * 100)}`] = stats(adds);
          peer.edits[`remove@${Math.round(at * 100)}`] = stats(removes);
        }
        const exports = [];
        for (let r = 0; r < reps; r++) exports.push((await page.evaluate(peerExport)).took);
        peer.export = stats(exports);
      }
    } finally {
      await page.context().close();
    }
  }
  peer.load[caseInfo.name] = { load: stats(loads), annotations: count };
  process.stderr.write(`  peer ${caseInfo.name}: ${stats(loads)?.median.toFixed(1) ?? 'n/a'} ms\n`);
}

/** What a first visit fetches before its first paint (wasm + js + css); what it fetches after
 * (the parts fetched on demand: every .wasm but the main `_bg` one, see src/ui/on_demand.rs;
 * the parts' style sheet, src/web/later_styles.rs; the service worker) is listed apart, as
 * `later`. */
function transferSize(root) {
  let raw = 0;
  let gzip = 0;
  const files = [];
  const later = [];
  for (const name of fs.readdirSync(root)) {
    if (!/\.(wasm|js|css)$/.test(name)) continue;
    const bytes = fs.readFileSync(path.join(root, name));
    const z = zlib.gzipSync(bytes, { level: 9 }).length;
    if ((name.endsWith('.wasm') && !name.includes('_bg')) || /^later-styles-|^sw\.js$/.test(name)) {
      later.push({ name, raw: bytes.length, gzip: z });
      continue;
    }
    raw += bytes.length;
    gzip += z;
    files.push({ name, raw: bytes.length, gzip: z });
  }
  return { raw, gzip, files, later };
}

async function main() {
  const docs = { cases: JSON.parse(fs.readFileSync(path.join(docsDir, 'cases.json'), 'utf8')) };
  const server = await serve(dist);
  const browser = await launch();
  const result = {
    date: new Date().toISOString(),
    chromium: browser.version(),
    nproc: Number(execFileSync('nproc').toString().trim()),
    repetitions: reps,
    dist,
    transfer: transferSize(dist),
    load: {},
    memory: {},
    loadAverage: os.loadavg(),
    peer: null,
  };
  let peerServer = null;
  if (withPeer) {
    const peerDir = path.join(path.dirname(outFile), smoke ? 'peer-smoke' : 'peer');
    const site = await buildPeerSite(peerDir, docsDir, docs.cases.map((c) => c.name));
    peerServer = await serve(peerDir);
    result.peer = { name: '@recogito/text-annotator', version: peerVersion(), bytes: site.bytes, load: {}, memory: {}, edits: {} };
  }
  let floorServer = null;
  if (floorDir) {
    const site = path.join(path.dirname(outFile), 'floor');
    floorSite(site, docs.cases.filter((c) => c.bytes <= FLOOR_MAX_BYTES));
    floorServer = await serve(site);
    result.floor = { memory: {} };
  }
  try {
    for (const caseInfo of docs.cases) {
      const fromWasm = [];
      const fromNavigation = [];
      let marks = 0;
      for (let rep = 0; rep < reps; rep++) {
        const { page, timing } = await openCase(browser, server, caseInfo.name, docs);
        fromWasm.push(timing.fromWasm);
        fromNavigation.push(timing.fromNavigation);
        marks = timing.marks;
        // A long article is drawn in steps after its first screenful (aria-busy meanwhile):
        // memory and the interactions are measured on the whole article.
        await page.waitForFunction(
          () => document.querySelector('[data-article-text]')?.getAttribute('aria-busy') === null,
          null,
          { timeout: 120_000 },
        );
        // The annotation list is drawn by a part fetched after the first paint: memory counts
        // it too (builds before that part have the list at once).
        await page.locator('.ann-list').waitFor({ timeout: 60_000 });
        if (rep === reps - 1) result.memory[caseInfo.name] = await memory(page);
        if (rep === reps - 1 && (caseInfo.name === interactionCase || (smoke && rep === 0))) {
          result.interactive = caseInfo.name;
          if (withScroll) {
            const box = await page.locator('[data-article-text]').boundingBox();
            result.scroll = await scrolling(page, { x: box.x + box.width / 2, y: 450 });
            process.stderr.write(`  scroll ${caseInfo.name}: ${JSON.stringify(result.scroll)}\n`);
          }
          try {
            if (withEdits) await interactions(page, result, reps);
          } catch (error) {
            // Report what was measured; a broken interaction must not hide the load numbers.
            result.interactionError = String(error?.message ?? error).split('\n')[0];
            await page.screenshot({ path: path.join(path.dirname(outFile), 'interaction-failure.png') }).catch(() => {});
            process.stderr.write(`  interactions failed: ${result.interactionError}\n`);
          }
          const problems = [...page.pageErrors, ...page.consoleErrors];
          if (problems.length) result.pageProblems = problems;
        }
        await page.context().close();
      }
      result.load[caseInfo.name] = { ...caseInfo, marks, fromWasm: stats(fromWasm), fromNavigation: stats(fromNavigation) };
      process.stderr.write(`  ${caseInfo.name}: ${stats(fromWasm).median.toFixed(1)} ms\n`);
      if (peerServer) await measurePeer(browser, peerServer, caseInfo, result.peer);
      if (floorServer && caseInfo.bytes <= FLOOR_MAX_BYTES) result.floor.memory[caseInfo.name] = await measureFloor(browser, floorServer, caseInfo);
    }
    // The smallest case and the interactive one: the reload of a small document is all
    // start-up, the big one's all reading and drawing.
    result.reload = {};
    for (const name of new Set([docs.cases[0].name, interactionCase].filter((n) => docs.cases.some((c) => c.name === n)))) {
      result.reload[name] = await reloadWithWorker(browser, server, name, docs);
      process.stderr.write(`  reload with the worker ${name}: ${result.reload[name].fromNavigation.median.toFixed(1)} ms\n`);
    }
  } finally {
    await browser.close();
    await server.close();
    await peerServer?.close();
    await floorServer?.close();
  }
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(result, null, 2));
  process.stdout.write(table(result));
}

const BUDGETS = {
  '1MB-20000': 1000,
  '1MB-5000': 500,
  '10KB-100': 50,
};

const mib = (b) => (b / (1024 * 1024)).toFixed(1);

// Ours next to the peer, row by row (medians), with the ratio ours / peer.
function sideBySide(result) {
  const peer = result.peer;
  const lines = [];
  const ms = (x) => (Number.isFinite(x) ? (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`) : 'n/a');
  const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
  lines.push(`Side by side with ${peer.name} ${peer.version} (bundle ${(peer.bytes / 1024).toFixed(1)} KiB raw): same documents, same in-page "painted" rule, one after the other.`);
  lines.push('Ours: from the wasm module instantiated (reads the stored entry) / from the input event; peer: from fetching the document / from the API call.');
  lines.push('');
  lines.push('| row | ours | Recogito | ratio | budget |');
  lines.push('|---|---|---|---|---|');
  for (const [name, load] of Object.entries(result.load)) {
    const theirs = peer.load[name];
    const budget = name.startsWith('10KB') ? '≤ 1× Recogito' : name === '1MB-20000' ? '≤ 300 ms first screenful' : '';
    lines.push(`| open → painted ${name} (ours ${load.annotations} ann. / Recogito ${theirs?.annotations ?? 'n/a'}) | ${ms(load.fromWasm?.median)} | ${ms(theirs?.load?.median)} | ${ratio(load.fromWasm?.median, theirs?.load?.median)} | ${budget} |`);
  }
  const i = result.interactions ?? {};
  for (const at of result.interactions ? POSITIONS : []) {
    const pct = Math.round(at * 100);
    const rows = [
      ['add one', i[`add@${pct}`], peer.edits[`add@${pct}`]],
      ['undo (Recogito: removeAnnotation)', i[`undo@${pct}`], peer.edits[`remove@${pct}`]],
      ['delete (Recogito: removeAnnotation)', i[`delete@${pct}`], peer.edits[`remove@${pct}`]],
    ];
    for (const [label, ours, theirs] of rows) {
      lines.push(`| ${label} at ${pct}% → painted (${result.interactive ?? ''}) | ${ms(ours?.frame?.median)} (work ${ms(ours?.work?.median)}) | ${ms(theirs?.median)} | ${ratio(ours?.frame?.median, theirs?.median)} | ≤ 16 ms; ≤ 0.5× |`);
    }
  }
  if (i.export || peer.export) {
    lines.push(`| export every annotation as JSON, no text (${result.interactive ?? ''}): click (Recogito: getAnnotations) → file ready | ${ms(i.export?.frame?.median)} | ${ms(peer.export?.median)} | ${ratio(i.export?.frame?.median, peer.export?.median)} | ≤ 0.5× |`);
  }
  for (const [name, m] of Object.entries(result.memory)) {
    const theirs = peer.memory[name];
    const ours = m.jsHeap + (m.dom ?? 0) + (m.wasm ?? 0);
    const peerTotal = theirs ? theirs.jsHeap + (theirs.dom ?? 0) : NaN;
    lines.push(`| memory after load ${name}: wasm + JS heap + DOM (DOM nodes) | ${mib(m.wasm ?? 0)} + ${mib(m.jsHeap)} + ${mib(m.dom ?? 0)} = ${mib(ours)} MiB (${m.domNodes}) | ${theirs ? `${mib(theirs.jsHeap)} + ${mib(theirs.dom ?? 0)} = ${mib(peerTotal)} MiB (${theirs.domNodes})` : 'n/a'} | ${ratio(ours, peerTotal)} | ≤ 1× |`);
    const floor = result.floor?.memory[name];
    if (floor) {
      const least = floor.jsHeap + floor.dom + floor.wasm;
      lines.push(`| memory after load ${name}, the floor (the smallest Leptos annotator: the article and its marks only) | ${mib(floor.wasm)} + ${mib(floor.jsHeap)} + ${mib(floor.dom)} = ${mib(least)} MiB (${floor.domNodes}) | ${theirs ? `${mib(peerTotal)} MiB` : 'n/a'} | ${ratio(least, peerTotal)} | ≤ 1× |`);
    }
  }
  if (result.scroll || peer.scroll) {
    const sc = (x) => (x ? `${x.over16} of ${x.frames} over 16 ms (${x.dropped} over 1.5× the idle frame, ${ms(x.idleFrame)}); longest ${ms(x.longest)}, p95 ${ms(x.p95)}; ${x.longAnimationFrames} long animation frames (longest ${ms(x.longestAnimationFrame)}, blocking ${ms(x.blocking)} in all)` : 'n/a');
    lines.push(`| scrolling top → bottom with the wheel (${SCROLL_STEP_PX} px / ${SCROLL_EVERY_MS} ms), ${result.interactive ?? ''}: frames over 16 ms; longest; p95 | ${sc(result.scroll)} | ${sc(peer.scroll)} | ${ratio(result.scroll?.over16, peer.scroll?.over16)} | no frame over 16 ms |`);
  }
  if (peer.timeouts) lines.push('', `Peer measurements stopped by their timeout: ${peer.timeouts.join('; ')}`);
  return lines;
}

function table(result) {
  const f = (s) => (s ? `${s.median.toFixed(1)} | ${s.min.toFixed(1)} | ${s.max.toFixed(1)}` : 'n/a | n/a | n/a');
  // Interactions: main-thread work (event → handlers and effects done), then → painted frame.
  const g = (s) =>
    s ? `${s.work ? s.work.median.toFixed(1) + ' / ' : ''}${s.frame?.median.toFixed(1)} | ${s.work ? s.work.min.toFixed(1) + ' / ' : ''}${s.frame?.min.toFixed(1)} | ${s.work ? s.work.max.toFixed(1) + ' / ' : ''}${s.frame?.max.toFixed(1)}` : 'n/a | n/a | n/a';
  const lines = [];
  lines.push(`Chromium ${result.chromium}, nproc ${result.nproc}, ${result.repetitions} repetition(s), ${result.date}`);
  lines.push(`Load average at the start (1, 5, 15 min): ${result.loadAverage.map((x) => x.toFixed(2)).join(', ')}`);
  lines.push('');
  if (result.peer) lines.push(...sideBySide(result), '');
  lines.push('| row | budget | median ms | min ms | max ms |');
  lines.push('|---|---|---|---|---|');
  for (const [name, load] of Object.entries(result.load)) {
    const budget = BUDGETS[name] ? `≤ ${BUDGETS[name]} ms` : '';
    lines.push(`| open + first paint ${name} (${load.annotations} ann., ${load.overlapping} overlapping, ${load.marks} marks) | ${budget} | ${f(load.fromWasm)} |`);
  }
  for (const [name, load] of Object.entries(result.load)) {
    lines.push(`| ↳ same from navigation start (fetch + compile wasm too) ${name} |  | ${f(load.fromNavigation)} |`);
  }
  for (const [name, reload] of Object.entries(result.reload ?? {})) {
    lines.push(`| reload with the service worker installed, from navigation ${name} (${reload.hashedFromServerPerReload} hashed files from the server per reload) |  | ${f(reload.fromNavigation)} |`);
  }
  const i = result.interactions ?? {};
  const on = result.interactive ?? '';
  lines.push('');
  lines.push('Interactions: "work / frame" = event → its handlers and effects done / event → first painted frame showing the result (frame-aligned: includes waiting for the next 60 Hz frame).');
  lines.push('');
  lines.push('| row | budget | median ms | min ms | max ms |');
  lines.push('|---|---|---|---|---|');
  const LABELS = {
    toolbar: ['mouse-up → tag toolbar shown', '≤ 16 ms'],
    add: ['tag button click → highlight painted', '≤ 16 ms'],
    undo: ['undo (Ctrl+Z) → highlight gone', '≤ 16 ms'],
    redo: ['redo (Ctrl+Shift+Z) → highlight back', '≤ 16 ms'],
    select: ['click highlight → shown selected', ''],
    delete: ['delete selected (Delete key) → highlight gone', '≤ 16 ms'],
    save: ['save after one edit (worst main-thread task writing storage)', '≤ 5 ms'],
    saveTotal: ['save after one edit (all its main-thread tasks together)', '≤ 5 ms'],
  };
  for (const what of result.interactions ? INTERACTIONS : []) {
    for (const at of POSITIONS) {
      const key = `${what}@${Math.round(at * 100)}`;
      const paragraphs = result.rerendered?.[key];
      const count = paragraphs ? `; paragraphs re-rendered ${paragraphs.median} (max ${paragraphs.max})` : '';
      lines.push(`| ${LABELS[what][0]} at ${Math.round(at * 100)}% of the text (${on}${count}) | ${LABELS[what][1]} | ${g(i[key])} |`);
    }
  }
  lines.push(`| export native JSON without the text (click → file ready) (${on}) | ≤ 0.5× Recogito | ${g(i.export)} |`);
  lines.push('');
  for (const [name, m] of Object.entries(result.memory)) {
    lines.push(`Memory ${name}: wasm memory ${m.wasm === null ? 'n/a' : mib(m.wasm)} MiB + JS heap ${mib(m.jsHeap)} MiB + DOM ${m.dom === null ? 'n/a' : mib(m.dom)} MiB; ${m.domNodes} elements`);
    const floor = result.floor?.memory[name];
    if (floor) lines.push(`Memory ${name}, the floor (the smallest Leptos annotator): wasm memory ${mib(floor.wasm)} MiB + JS heap ${mib(floor.jsHeap)} MiB + DOM ${mib(floor.dom)} MiB; ${floor.domNodes} elements`);
  }
  if (result.longFrames) {
    const frames = result.longFrames.map((f) => `${f.duration} (render ${f.render}; ${f.step}${f.scripts?.length ? `; ${f.scripts.join(', ')}` : ''})`);
    lines.push(`Long animation frames during the interactions (${on}): ${frames.length}${frames.length ? `: ${frames.join(', ')}` : ''}`);
  }
  if (result.longTasks) {
    lines.push(`Long tasks during the interactions (${on}): ${result.longTasks.count}, longest ${result.longTasks.max.toFixed(0)} ms (budget: none over 50 ms); all: [${result.longTasks.all.map((d, i) => (result.longTasks.steps ? `${d} (${result.longTasks.steps[i]})` : d)).join(', ')}]`);
  }
  lines.push(`Transfer (wasm + js + css, gzip -9): ${(result.transfer.gzip / 1024).toFixed(1)} KiB (raw ${(result.transfer.raw / 1024).toFixed(1)} KiB; budget ≤ 200 KiB): ${result.transfer.files.map((x) => `${x.name.replace(/-[0-9a-f]{8,}/, '')} ${(x.gzip / 1024).toFixed(1)}`).join(', ')}`);
  if (result.transfer.later?.length) {
    lines.push(`Fetched on demand (gzip -9 KiB): ${result.transfer.later.map((x) => `${x.name.replace(/-[0-9a-f]{8,}/, '')} ${(x.gzip / 1024).toFixed(1)}`).join(', ')}`);
  }
  if (result.interactionError) lines.push(`Interactions stopped early: ${result.interactionError}`);
  if (result.pageProblems) lines.push(`Page problems: ${result.pageProblems.join(' | ')}`);
  return lines.join('\n') + '\n';
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
