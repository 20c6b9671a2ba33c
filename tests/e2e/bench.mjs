// The browser benchmark: `scripts/bench` runs it after writing the documents and building the
// release app. Not a test (no file name *.test.mjs): it measures and REPORTS, never asserts a
// budget. Usage:
//
//   node bench.mjs --docs <dir> --out <file.json> [--dist <dir>] [--reps 5] [--smoke]
//
// How a document gets into the app: the stored library entry that `write_entry` produces
// (bench_documents writes it) is put into localStorage by an init script before the page
// loads, exactly as if the user had opened it last time; the app opens it on start. Nothing
// in the app exists for the benchmark.
//
// What is timed, all inside the page with performance.now():
// - load: from the moment the wasm module is instantiated (wasm-bindgen's start function
//   runs right after) to the first frame after the first `mark` appeared in the article,
//   i.e. read the entry, build the document, segment, render, lay out and paint. The time
//   from navigation start is reported too (adds fetching and compiling the wasm).
// - interactions (real mouse and keyboard through playwright): from the input event (a
//   capture listener on window, the first to see it) to the first frame in which the
//   expected DOM change is visible (a task queued from requestAnimationFrame, so the frame's
//   paint is included).
// - save: the main-thread time of the timer task that writes localStorage after an edit.
// - export: from the click on "Export JSON" to the Blob's object URL being made.
// - long tasks: the Long Tasks API, during the interactions of the big case.
// - memory: JS heap after a forced GC (CDP) + the wasm memory's size.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { serve, launch, newPage, selectByOffsets, DIST } from './harness.mjs';

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

const INDEX_KEY = 'article-annotator:v1:index';
const LAST_OPEN_KEY = 'article-annotator:v1:last-open';
const DOC_PREFIX = 'article-annotator:v1:doc:';

function stats(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

// Runs in the page before any of its scripts.
function instrumentPage(seed) {
  if (seed) {
    localStorage.clear();
    localStorage.setItem(seed.docKey, seed.entry);
    localStorage.setItem(seed.indexKey, seed.index);
    localStorage.setItem(seed.lastOpenKey, seed.id);
  }
  const bench = (window.__bench = { longTasks: [], saveTasks: [], objectUrls: [], wasmReady: null, firstMarkFrame: null });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  // The wasm is instantiated, then wasm-bindgen runs main() at once: start of the app's work.
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...a) {
      return original.apply(this, a).then((result) => {
        bench.wasmReady ??= performance.now();
        return result;
      });
    };
  }
  addEventListener('TrunkApplicationStarted', (event) => (bench.wasm = event.detail?.wasm));
  // A timer task that writes localStorage is a save; time all of it.
  let writing = false;
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (...a) {
    writing = true;
    return setItem.apply(this, a);
  };
  const setTimeoutOriginal = window.setTimeout;
  window.setTimeout = function (callback, ...rest) {
    if (typeof callback !== 'function') return setTimeoutOriginal.call(this, callback, ...rest);
    return setTimeoutOriginal.call(this, function (...a) {
      writing = false;
      const started = performance.now();
      try {
        return callback.apply(this, a);
      } finally {
        if (writing) bench.saveTasks.push(performance.now() - started);
        writing = false;
      }
    }, ...rest);
  };
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = function (...a) {
    bench.objectUrls.push(performance.now());
    return createObjectURL.apply(this, a);
  };
  // The first frame with a mark in the article, and the task after it (the paint is done).
  const marks = document.getElementsByTagName('mark');
  const watch = () => {
    if (marks.length > 0) {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => (bench.firstMarkFrame = performance.now());
      channel.port2.postMessage(0);
      return;
    }
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
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
          const poll = () => {
            if (condition()) {
              const channel = new MessageChannel();
              channel.port1.onmessage = () => resolve({ frame: performance.now() - started, work });
              channel.port2.postMessage(0);
              return;
            }
            if (performance.now() - started > 10_000) return resolve({ frame: NaN, work });
            requestAnimationFrame(poll);
          };
          requestAnimationFrame(poll);
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
  // Seed only on the first navigation of this context: a reload must find what the app saved.
  await page.addInitScript(instrumentPage, seed);
  await page.goto(server.url);
  await page.waitForFunction(() => window.__bench?.firstMarkFrame !== null, null, { timeout: 120_000 });
  const timing = await page.evaluate(() => ({
    fromWasm: window.__bench.firstMarkFrame - window.__bench.wasmReady,
    fromNavigation: window.__bench.firstMarkFrame,
    marks: document.getElementsByTagName('mark').length,
  }));
  return { page, timing, caseInfo };
}

async function memory(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  const wasm = await page.evaluate(() => window.__bench.wasm?.memory?.buffer?.byteLength ?? null);
  return { jsHeap: usedSize, wasm };
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

async function interactions(page, rows, repetitions) {
  await page.evaluate(() => (window.__bench.longTasks = []));
  const measured = { toolbar: [], add: [], save: [], undo: [], redo: [], select: [], delete: [], export: [] };
  for (let rep = 0; rep < repetitions; rep++) {
    const words = await plainWords(page, 0.2 + 0.1 * rep);
    if (!words) throw new Error('no plain words to tag');
    const before = await page.evaluate(MARK_COUNT);
    // Mouse-up → tag toolbar shown.
    await page.evaluate(() => window.getSelection()?.removeAllRanges());
    measured.toolbar.push(
      await timeUntil(page, 'mouseup', '() => document.querySelector(".ann-toolbar") !== null', () =>
        selectByOffsets(page, words.start, words.end),
      ),
    );
    // Tag button click → highlight painted.
    await page.evaluate(() => (window.__bench.saveTasks = []));
    measured.add.push(
      await timeUntil(page, 'click', `() => ${MARK_COUNT} > ${before}`, () =>
        page.getByRole('button', { name: 'Claim', exact: true }).click(),
      ),
    );
    const added = await page.evaluate(MARK_COUNT);
    // The debounced save (300 ms) after the edit.
    await page.waitForFunction(() => window.__bench.saveTasks.length > 0, null, { timeout: 30_000 });
    measured.save.push(...(await page.evaluate(() => window.__bench.saveTasks)));
    // Undo, redo, then delete the re-created annotation (still selected) with the Delete key.
    measured.undo.push(
      await timeUntil(page, 'keydown', `() => ${MARK_COUNT} === ${before}`, () => page.keyboard.press('Control+z')),
    );
    measured.redo.push(
      await timeUntil(page, 'keydown', `() => ${MARK_COUNT} === ${added}`, () => page.keyboard.press('Control+Shift+z')),
    );
    // Select it by clicking its highlight (the details panel opens), then delete it.
    const markPoint = await page.evaluate(({ start }) => {
      const article = document.querySelector('[data-article-text]');
      const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
      let offset = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (offset + node.data.length > start && node.parentElement.tagName === 'MARK') {
          const rect = node.parentElement.getBoundingClientRect();
          return { x: rect.left + Math.min(4, rect.width / 2), y: rect.top + rect.height / 2 };
        }
        offset += node.data.length;
      }
      return null;
    }, words);
    if (markPoint) {
      measured.select.push(
        await timeUntil(page, 'mouseup', '() => document.querySelector(".ann-mark--selected") !== null', () =>
          page.mouse.click(markPoint.x, markPoint.y),
        ),
      );
    }
    measured.delete.push(
      await timeUntil(page, 'keydown', `() => ${MARK_COUNT} === ${before}`, () => page.keyboard.press('Delete')),
    );
    await page.waitForTimeout(400);
  }
  const longTasks = await page.evaluate(() => window.__bench.longTasks);
  // Export native JSON: open the menu, click "Export JSON", time to the Blob's URL.
  for (let rep = 0; rep < repetitions; rep++) {
    const summary = page.locator('summary', { hasText: 'Export' }).first();
    if (!(await page.locator('details:has(> summary:text-is("Export"))').evaluate((d) => d.open).catch(() => false))) {
      await summary.click();
    }
    const count = await page.evaluate(() => window.__bench.objectUrls.length);
    await page.evaluate(() => {
      window.__bench.exportClick = null;
      addEventListener('click', () => (window.__bench.exportClick = performance.now()), { capture: true, once: true });
    });
    await page.getByRole('button', { name: 'Export JSON', exact: true }).click();
    await page.waitForFunction((count) => window.__bench.objectUrls.length > count, count);
    measured.export.push(await page.evaluate(() => window.__bench.objectUrls.at(-1) - window.__bench.exportClick));
  }
  rows.interactions = Object.fromEntries(
    Object.entries(measured).map(([k, v]) => [
      k,
      typeof v[0] === 'object'
        ? { frame: stats(v.map((x) => x.frame)), work: stats(v.map((x) => x.work)) }
        : { frame: stats(v), work: null },
    ]),
  );
  rows.longTasks = { count: longTasks.length, max: longTasks.reduce((m, t) => Math.max(m, t.duration), 0), all: longTasks.map((t) => Math.round(t.duration)) };
}

function transferSize(root) {
  let raw = 0;
  let gzip = 0;
  const files = [];
  for (const name of fs.readdirSync(root)) {
    if (!/\.(wasm|js|css)$/.test(name)) continue;
    const bytes = fs.readFileSync(path.join(root, name));
    const z = zlib.gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gzip += z;
    files.push({ name, raw: bytes.length, gzip: z });
  }
  return { raw, gzip, files };
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
  };
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
        if (rep === reps - 1 && (caseInfo.name === interactionCase || (smoke && rep === 0))) {
          result.memory[caseInfo.name] = await memory(page);
          result.interactive = caseInfo.name;
          try {
            await interactions(page, result, reps);
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
    }
  } finally {
    await browser.close();
    await server.close();
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

function table(result) {
  const f = (s) => (s ? `${s.median.toFixed(1)} | ${s.min.toFixed(1)} | ${s.max.toFixed(1)}` : 'n/a | n/a | n/a');
  // Interactions: main-thread work (event → handlers and effects done), then → painted frame.
  const g = (s) =>
    s ? `${s.work ? s.work.median.toFixed(1) + ' / ' : ''}${s.frame?.median.toFixed(1)} | ${s.work ? s.work.min.toFixed(1) + ' / ' : ''}${s.frame?.min.toFixed(1)} | ${s.work ? s.work.max.toFixed(1) + ' / ' : ''}${s.frame?.max.toFixed(1)}` : 'n/a | n/a | n/a';
  const lines = [];
  lines.push(`Chromium ${result.chromium}, nproc ${result.nproc}, ${result.repetitions} repetition(s), ${result.date}`);
  lines.push('');
  lines.push('| row | budget | median ms | min ms | max ms |');
  lines.push('|---|---|---|---|---|');
  for (const [name, load] of Object.entries(result.load)) {
    const budget = BUDGETS[name] ? `≤ ${BUDGETS[name]} ms` : '';
    lines.push(`| open + first paint ${name} (${load.annotations} ann., ${load.overlapping} overlapping, ${load.marks} marks) | ${budget} | ${f(load.fromWasm)} |`);
  }
  for (const [name, load] of Object.entries(result.load)) {
    lines.push(`| ↳ same from navigation start (fetch + compile wasm too) ${name} |  | ${f(load.fromNavigation)} |`);
  }
  const i = result.interactions ?? {};
  const on = result.interactive ?? '';
  lines.push('');
  lines.push('Interactions: "work / frame" = event → its handlers and effects done / event → first painted frame showing the result (frame-aligned: includes waiting for the next 60 Hz frame).');
  lines.push('');
  lines.push('| row | budget | median ms | min ms | max ms |');
  lines.push('|---|---|---|---|---|');
  lines.push(`| mouse-up → tag toolbar shown (${on}) | ≤ 16 ms | ${g(i.toolbar)} |`);
  lines.push(`| tag button click → highlight painted (${on}) | ≤ 16 ms | ${g(i.add)} |`);
  lines.push(`| undo (Ctrl+Z) → highlight gone (${on}) | ≤ 16 ms | ${g(i.undo)} |`);
  lines.push(`| redo (Ctrl+Shift+Z) → highlight back (${on}) |  | ${g(i.redo)} |`);
  lines.push(`| click highlight → shown selected (${on}) |  | ${g(i.select)} |`);
  lines.push(`| delete selected (Delete key) → highlight gone (${on}) | ≤ 16 ms | ${g(i.delete)} |`);
  lines.push(`| export native JSON (click → file ready) (${on}) | ≤ 50 ms | ${g(i.export)} |`);
  lines.push(`| save after one edit (main-thread task) (${on}) | ≤ 5 ms | ${g(i.save)} |`);
  lines.push('');
  for (const [name, m] of Object.entries(result.memory)) {
    const mb = (b) => (b / (1024 * 1024)).toFixed(1);
    lines.push(`Memory ${name}: JS heap ${mb(m.jsHeap)} MiB + wasm memory ${m.wasm === null ? 'n/a' : mb(m.wasm)} MiB = ${mb(m.jsHeap + (m.wasm ?? 0))} MiB (budget ≤ 15 MB)`);
  }
  if (result.longTasks) {
    lines.push(`Long tasks during the interactions (${on}): ${result.longTasks.count}, longest ${result.longTasks.max.toFixed(0)} ms (budget: none over 50 ms); all: [${result.longTasks.all.join(', ')}]`);
  }
  lines.push(`Transfer (wasm + js + css, gzip -9): ${(result.transfer.gzip / 1024).toFixed(1)} KiB (raw ${(result.transfer.raw / 1024).toFixed(1)} KiB; budget ≤ 200 KiB): ${result.transfer.files.map((x) => `${x.name.replace(/-[0-9a-f]{8,}/, '')} ${(x.gzip / 1024).toFixed(1)}`).join(', ')}`);
  if (result.interactionError) lines.push(`Interactions stopped early: ${result.interactionError}`);
  if (result.pageProblems) lines.push(`Page problems: ${result.pageProblems.join(' | ')}`);
  return lines.join('\n') + '\n';
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
