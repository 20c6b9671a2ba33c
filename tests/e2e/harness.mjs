// The browser test harness: a static server for the release build in dist/, Debian's
// headless Chromium driven by playwright-core, and helpers that act like a person (a real
// mouse drag to select text) and read the article back (its text, its marks).
//
// Why each part exists:
// - The server is ours (node:http), not `trunk serve`: tests run against exactly the files a
//   user downloads (`trunk build --release`, wasm-opt included), and every path it serves is
//   recorded, so a test can prove the app fetched nothing unexpected.
// - Every page gets a fresh browser context (fresh localStorage), and every request that is
//   not for our server is blocked and recorded: "nothing leaves the machine" is testable.
// - Console errors, warnings and uncaught page errors are collected on the page object, so a
//   test can insist the app ran cleanly.
// - Selection helpers drive the real mouse, because the app reads the DOM selection the way a
//   user makes it; setting a Range by script would skip the code paths that matter.
//
// A feature test usually looks like:
//
//   import { test } from 'node:test';
//   import assert from 'node:assert/strict';
//   import { useHarness, openApp, dragSelect, marks, expectNoConsoleErrors } from './harness.mjs';
//   useHarness();
//   test('tagging a claim', async () => {
//     const page = await openApp();
//     await dragSelect(page, 'Trump administration');
//     await page.getByRole('button', { name: 'Claim' }).click();
//     assert.deepEqual(await marks(page), [{ text: 'Trump administration', ids: [...], tags: ['claim'] }]);
//     expectNoConsoleErrors(page);
//   });

import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, afterEach, before } from 'node:test';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The repository root (two levels above tests/e2e). */
export const ROOT = path.resolve(HERE, '../..');
/** The release build under test. E2E_DIST points elsewhere (e.g. to check a broken build fails). */
export const DIST = path.resolve(process.env.E2E_DIST ?? path.join(ROOT, 'dist'));
/** Where screenshots go; ignored by git. */
export const ARTIFACTS = path.join(HERE, 'artifacts');
/** The selector of the element whose textContent is exactly the stored article text. */
export const ARTICLE = '[data-article-text]';
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
export const DEFAULT_VIEWPORT = { width: 1280, height: 800 };

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The Content-Type the server sends for a file name. */
export function mimeType(fileName) {
  return MIME_TYPES[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

// ---------------------------------------------------------------------------------------
// Static server

/**
 * Serves `root` (default: dist/) on 127.0.0.1 at a free port.
 * Returns `{ origin, url, root, requests, paths(), answered(), close() }`; `requests` holds
 * `{ method, path, status }` for every request received, in order.
 * Throws at once, with the command to run, if the release build is missing.
 */
export async function serve(root = DIST) {
  const index = path.join(root, 'index.html');
  if (!fs.existsSync(index)) {
    throw new Error(
      `no release build: ${index} does not exist. Run \`trunk build --release --locked\` first ` +
        '(scripts/test does it), then run the browser tests again.',
    );
  }
  const requests = [];
  const server = http.createServer((request, response) => {
    const entry = { method: request.method, path: request.url, status: 0 };
    requests.push(entry);
    const reply = (status, type, body) => {
      entry.status = status;
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return reply(405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    } catch {
      return reply(400, 'text/plain; charset=utf-8', 'bad request\n');
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    const file = path.resolve(root, '.' + pathname);
    if (file !== root && !file.startsWith(root + path.sep)) {
      return reply(403, 'text/plain; charset=utf-8', 'outside the served folder\n');
    }
    fs.readFile(file, (error, body) => {
      if (error) return reply(404, 'text/plain; charset=utf-8', `not found: ${pathname}\n`);
      reply(200, mimeType(file), body);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: `${origin}/`,
    root,
    requests,
    /** The request paths (with any query string), in order. */
    paths: () => requests.map((r) => r.path),
    /**
     * Waits until every request received so far has been answered (a request is recorded
     * with status 0 when it arrives: the service worker's copies of large files can still be
     * read from disk when a test looks), at most `timeout` ms; then returns `requests`.
     */
    answered: async (timeout = 10_000) => {
      const until = Date.now() + timeout;
      while (requests.some((r) => r.status === 0) && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return requests;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------
// Browser and pages

/** Starts Debian's Chromium headless. Never downloads a browser. */
export async function launch() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (scripts/test does it)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// The browser and server the convenience functions use when none is passed; set by
// useHarness() (or by serve()/launch() results passed to setDefaults()).
const defaults = { browser: null, server: null, contexts: new Set() };

/** Makes `browser` and `server` the ones newPage()/openApp() use by default. */
export function setDefaults({ browser, server }) {
  if (browser) defaults.browser = browser;
  if (server) defaults.server = server;
}

/**
 * Registers node:test hooks for one test file: before all, start the server and Chromium;
 * after each test, close every context it opened (screenshotting its pages first if the test
 * failed); after all, stop both. Returns `{ server, browser }` (filled once `before` ran).
 */
export function useHarness({ root = DIST } = {}) {
  const state = { server: null, browser: null };
  before(async () => {
    state.server = await serve(root);
    state.browser = await launch();
    setDefaults(state);
  });
  afterEach(async (t) => {
    const failed = t && t.passed === false;
    for (const context of [...defaults.contexts]) {
      if (failed) {
        for (const [i, page] of context.pages().entries()) {
          await screenshot(page, `FAILED ${t.name} ${i}`).catch(() => {});
        }
      }
      await context.close().catch(() => {});
      defaults.contexts.delete(context);
    }
  });
  after(async () => {
    await state.browser?.close();
    await state.server?.close();
  });
  return state;
}

/**
 * A page in a fresh browser context (fresh storage, no cookies). Options:
 * `viewport` ({width, height}, default 1280×800), `browser`, `server`, and `context`
 * (extra playwright context options, e.g. `{ colorScheme: 'dark', storageState }`).
 * The page carries `consoleErrors`, `consoleWarnings`, `pageErrors` (uncaught exceptions),
 * `failedRequests` and `blockedRequests` (every request not for our server, aborted).
 */
export async function newPage(options = {}) {
  const browser = options.browser ?? defaults.browser;
  const server = options.server ?? defaults.server;
  if (!browser || !server) {
    throw new Error('newPage needs a browser and a server: call useHarness() in the test file, or pass them');
  }
  const context = await browser.newContext({
    viewport: options.viewport ?? DEFAULT_VIEWPORT,
    locale: 'en-US',
    timezoneId: 'UTC',
    acceptDownloads: true,
    ...options.context,
  });
  defaults.contexts.add(context);
  context.on('close', () => defaults.contexts.delete(context));
  const blockedRequests = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(server.origin + '/')) return route.continue();
    blockedRequests.push(url);
    return route.abort('blockedbyclient');
  });
  // Web sockets do not go through route(); record and refuse them too.
  await context.routeWebSocket(/.*/, (socket) => {
    if (socket.url().startsWith(server.origin.replace('http', 'ws') + '/')) return socket.connectToServer();
    blockedRequests.push(socket.url());
    return socket.close();
  });
  const page = await context.newPage();
  instrument(page, { blockedRequests, server });
  return page;
}

/**
 * Attaches the collectors to a page (newPage does it; call it for a second page opened in
 * the same context, e.g. to check two tabs share storage).
 */
export function instrument(page, { blockedRequests = [], server = defaults.server } = {}) {
  page.consoleErrors = [];
  page.consoleWarnings = [];
  page.pageErrors = [];
  page.failedRequests = [];
  page.blockedRequests = blockedRequests;
  page.server = server;
  page.on('console', (message) => {
    const where = message.location();
    const text = `${message.text()}${where?.url ? ` (${where.url}:${where.lineNumber})` : ''}`;
    if (message.type() === 'error') page.consoleErrors.push(text);
    if (message.type() === 'warning') page.consoleWarnings.push(text);
  });
  page.on('pageerror', (error) => page.pageErrors.push(String(error?.stack ?? error)));
  page.on('requestfailed', (request) =>
    page.failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`),
  );
  return page;
}

/**
 * Waits until the app has rendered (`readySelector`, default the article) and the parts
 * fetched just after the first paint are here: the annotating tools (the toolbar and the
 * keyboard shortcuts), which the article's `<main>` says by leaving `aria-busy`, and the
 * header's menu, which says so the same way; fails early with the page's errors if the page
 * throws first (a dead wasm never renders anything) or logs a console error and still has not
 * rendered 2 s later.
 */
export async function waitForApp(page, { readySelector = ARTICLE, timeout = 15_000 } = {}) {
  const deadline = Date.now() + timeout;
  let firstConsoleError = null;
  while (Date.now() < deadline) {
    if (page.pageErrors.length > 0) break;
    // A console error during start-up (a CSP refusal, a 404) rarely heals: give it 2 s.
    if (page.consoleErrors.length > 0) firstConsoleError ??= Date.now();
    if (firstConsoleError !== null && Date.now() - firstConsoleError > 2000) break;
    if (
      (await page.locator(readySelector).count()) > 0 &&
      (await page.locator('#ann-main[aria-busy="true"]').count()) === 0 &&
      (await page.locator('#ann-header-menu[aria-busy="true"]').count()) === 0
    ) {
      return;
    }
    await page.waitForTimeout(25);
  }
  throw new Error(
    `the app did not render ${readySelector} within ${timeout} ms (is the wasm alive?)\n` +
      describeProblems(page),
  );
}

/** newPage + load the app (at `path`, default '/') + waitForApp. Same options as both. */
export async function openApp(options = {}) {
  const page = await newPage(options);
  await page.goto(page.server.origin + (options.path ?? '/'));
  await waitForApp(page, options);
  return page;
}

function describeProblems(page) {
  const lines = [];
  for (const [label, list] of [
    ['page errors', page.pageErrors],
    ['console errors', page.consoleErrors],
    ['failed requests', page.failedRequests],
    ['blocked requests', page.blockedRequests],
  ]) {
    if (list?.length) lines.push(`${label}:\n  ${list.join('\n  ')}`);
  }
  return lines.join('\n') || '(no errors were reported by the page)';
}

/** Fails with every collected error if the page logged a console error or threw. */
export function expectNoConsoleErrors(page, { warnings = false } = {}) {
  const problems = [...page.pageErrors, ...page.consoleErrors, ...(warnings ? page.consoleWarnings : [])];
  assert.equal(
    problems.length,
    0,
    `the page reported ${problems.length} problem(s):\n${describeProblems(page)}` +
      (warnings && page.consoleWarnings.length ? `\nconsole warnings:\n  ${page.consoleWarnings.join('\n  ')}` : ''),
  );
}

/** Fails if the page tried to reach anything but our server. */
export function expectNothingLeftTheMachine(page) {
  assert.deepEqual(page.blockedRequests, [], 'the page tried to reach other hosts');
}

/** Writes a PNG to tests/e2e/artifacts/<name>.png and returns its path. */
export async function screenshot(page, name, options = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '_').slice(0, 120)}.png`);
  await page.screenshot({ path: file, ...options });
  return file;
}

// ---------------------------------------------------------------------------------------
// Reading the article

/** The article element's textContent: exactly the stored text when the app is right. */
export async function articleText(page) {
  return page.locator(ARTICLE).first().evaluate((element) => element.textContent);
}

/**
 * Every `mark` in the article, in document order: `{ text, ids, tags }`. `ids` and `tags`
 * are the space- or comma-separated words of `data-ids` and `data-tags` (older spellings
 * `data-annotation-ids` / `data-annotation-id` and `data-tag-ids` / `data-tag` also work).
 */
export async function marks(page) {
  return page.locator(ARTICLE).first().evaluate((article) => {
    const words = (element, names) => {
      for (const name of names) {
        const value = element.getAttribute(name);
        if (value !== null) return value.split(/[\s,]+/).filter(Boolean);
      }
      return [];
    };
    return [...article.querySelectorAll('mark')].map((mark) => ({
      text: mark.textContent,
      ids: words(mark, ['data-ids', 'data-annotation-ids', 'data-annotation-id']),
      tags: words(mark, ['data-tags', 'data-tag-ids', 'data-tag']),
    }));
  });
}

/**
 * The window's selection as UTF-16 offsets into the article text:
 * `{ start, end, text }` (text = the article's own characters, not Selection.toString(), which
 * rewrites whitespace), or null when nothing in the article is selected.
 */
export async function selection(page) {
  return page.locator(ARTICLE).first().evaluate((article) => {
    const chosen = window.getSelection();
    if (!chosen || chosen.rangeCount === 0) return null;
    const range = chosen.getRangeAt(0);
    if (!article.contains(range.startContainer) || !article.contains(range.endContainer)) return null;
    const offsetOf = (container, offset) => {
      const before = document.createRange();
      before.setStart(article, 0);
      before.setEnd(container, offset);
      // Range.toString() concatenates the text nodes' data: UTF-16 units, whitespace intact.
      return before.toString().length;
    };
    const start = offsetOf(range.startContainer, range.startOffset);
    const end = offsetOf(range.endContainer, range.endOffset);
    return { start, end, text: article.textContent.slice(start, end) };
  });
}

// ---------------------------------------------------------------------------------------
// Selecting with the mouse

/**
 * Selects from the start of the first occurrence of `startText` in the article to the end of
 * the first occurrence of `endText` at or after it (default: `startText` itself) with a real
 * mouse drag. Returns what the window's selection then says (Selection.toString()).
 */
export async function dragSelect(page, startText, endText = startText, options = {}) {
  const text = await articleText(page);
  const start = text.indexOf(startText);
  if (start < 0) throw new Error(`dragSelect: ${JSON.stringify(startText)} is not in the article`);
  const endAt = text.indexOf(endText, start);
  if (endAt < 0) {
    throw new Error(`dragSelect: ${JSON.stringify(endText)} does not occur after ${JSON.stringify(startText)}`);
  }
  return selectByOffsets(page, start, endAt + endText.length, options);
}

/**
 * Selects the article's UTF-16 range [start, end) with a real mouse drag: press on the left
 * part of the first character, move in `steps`, release on the right part of the last one.
 * Works across text nodes, marks and paragraphs. Any earlier selection is removed first
 * (pressing inside it would start a drag and drop). Returns Selection.toString().
 */
export async function selectByOffsets(page, start, end, { steps = 12 } = {}) {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start < end)) {
    throw new Error(`selectByOffsets: need integers start < end, got ${start}, ${end}`);
  }
  const points = await page.locator(ARTICLE).first().evaluate(
    (article, [start, end]) => {
      // Pressing inside an existing selection would drag that text (drag and drop) instead
      // of starting a new selection, so drop any old selection first, as a click would.
      window.getSelection()?.removeAllRanges();
      // Map a UTF-16 offset to (text node, offset in it), walking text nodes in order.
      const nodes = [];
      const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
      let total = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        nodes.push({ node, from: total });
        total += node.data.length;
      }
      if (end > total) return { error: `offset ${end} is past the article's end (${total})` };
      // The node that holds the character at `offset` (skipping empty nodes).
      const at = (offset) => {
        for (const entry of nodes) {
          if (offset >= entry.from && offset < entry.from + entry.node.data.length) {
            return { node: entry.node, offset: offset - entry.from };
          }
        }
        return null;
      };
      // A surrogate pair is one character: measure both halves together.
      const characterRect = (offset, side) => {
        const first = at(offset);
        if (!first) return null;
        const range = document.createRange();
        range.setStart(first.node, first.offset);
        const code = first.node.data.charCodeAt(first.offset);
        const width = code >= 0xd800 && code <= 0xdbff && first.offset + 1 < first.node.data.length ? 2 : 1;
        range.setEnd(first.node, first.offset + width);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
        if (rects.length === 0) return null;
        const rect = side === 'first' ? rects[0] : rects[rects.length - 1];
        return { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom, element: first.node.parentElement };
      };
      // Leading/trailing characters without a box (a collapsed newline) are skipped: a drag
      // cannot start or end inside nothing, and the selection's edges snap past them anyway.
      const firstVisible = () => {
        for (let o = start; o < end; o++) {
          const r = characterRect(o, 'first');
          if (r) return r;
        }
        return null;
      };
      const lastVisible = () => {
        for (let o = end - 1; o >= start; o--) {
          const r = characterRect(o, 'last');
          if (r) return r;
        }
        return null;
      };
      let a = firstVisible();
      if (!a) return { error: `no visible character in [${start}, ${end})` };
      a.element.scrollIntoView({ block: 'center', inline: 'nearest' });
      a = firstVisible();
      let b = lastVisible();
      const inView = (r) => r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
      if (!inView(b)) {
        b.element.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        a = firstVisible();
        b = lastVisible();
      }
      if (!inView(a) || !inView(b)) {
        return { error: `[${start}, ${end}) does not fit in the viewport; open the page with a taller viewport` };
      }
      // In left-to-right text the left quarter of the first character puts the caret before
      // it and the right quarter of the last puts it after; in right-to-left text it is the
      // other way round. Ask the browser which side gives the wanted caret offset.
      const caretOffset = (x, y) => {
        const caret = document.caretRangeFromPoint(x, y);
        if (!caret || !article.contains(caret.startContainer)) return -1;
        const before = document.createRange();
        before.setStart(article, 0);
        before.setEnd(caret.startContainer, caret.startOffset);
        return before.toString().length;
      };
      const pick = (rect, wanted, leftFirst) => {
        const y = (rect.top + rect.bottom) / 2;
        const left = { x: rect.left + (rect.right - rect.left) * 0.25, y };
        const right = { x: rect.right - (rect.right - rect.left) * 0.25, y };
        const [first, second] = leftFirst ? [left, right] : [right, left];
        if (caretOffset(first.x, first.y) === wanted) return first;
        if (caretOffset(second.x, second.y) === wanted) return second;
        return first;
      };
      return { from: pick(a, start, true), to: pick(b, end, false) };
    },
    [start, end],
  );
  if (points.error) throw new Error(`selectByOffsets: ${points.error}`);
  await page.mouse.move(points.from.x, points.from.y);
  await page.mouse.down();
  await page.mouse.move(points.to.x, points.to.y, { steps });
  await page.mouse.up();
  return page.evaluate(() => window.getSelection()?.toString() ?? '');
}

/** Every localStorage entry of the page's origin, as an object. */
export async function localStorageEntries(page) {
  return page.evaluate(() => Object.fromEntries(Object.entries(window.localStorage)));
}
