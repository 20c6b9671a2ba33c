#!/usr/bin/env node
// A bounded load test of a shared library, on loopback only: starts its own shared-library
// server (scripts/shared-server.mjs, in memory), shares one article, then CLIENTS simulated
// people each add ANNOTATIONS annotations through the same HTTP API the app uses (one
// `_bulk_docs` request per annotation, like the app pushing after each change) while
// following the changes feed (long-poll, pages of 500, like the app). It reports the time
// until every client has seen every annotation, and stops by itself (after --timeout
// seconds at the latest, failing).
//
//   node scripts/sync-load.mjs [--clients 50] [--annotations 200] [--timeout 300] [--browser]
//
// --browser also opens the app (release build in dist/, headless Chromium through the
// browser tests' playwright-core) as one more person following the shared document, and
// reports its frame times (requestAnimationFrame intervals) while the annotations arrive and
// when it has them all.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const CLIENTS = option('clients', 50);
const ANNOTATIONS = option('annotations', 200);
const TIMEOUT_S = option('timeout', 300);
const TOTAL = CLIENTS * ANNOTATIONS;
const BROWSER = process.argv.includes('--browser');
// About 20 KB in 80 paragraphs, like a long article (the app renders per paragraph).
const TEXT = Array.from({ length: 80 }, () => 'The mayor said crime fell by 12 percent last year. '.repeat(5).trim()).join('\n\n');

const watchdog = setTimeout(() => {
  console.error(`sync-load: not done after ${TIMEOUT_S} s; stopping`);
  process.exit(1);
}, TIMEOUT_S * 1000);

const server = spawn(process.execPath, [path.join(here, 'shared-server.mjs'), '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const origin = await new Promise((resolve, reject) => {
  let out = '';
  server.once('exit', (code) => reject(new Error(`the shared server exited (${code})`)));
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const match = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    if (match) resolve(match[1]);
  });
});

async function call(method, pathname, body) {
  const response = await fetch(`${origin}/db/${pathname}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

await call('PUT', 'load');
await call('PUT', 'load/art:doc1', {
  type: 'article', version: 1, document: 'doc1', title: 'Load test', text: TEXT,
  text_sha256: createHash('sha256').update(TEXT, 'utf8').digest('hex'),
  tags: [{ id: 'claim', label: 'Claim', color: '#d55e00', key: '1', description: '' }],
  creator: 'load',
});
const watcher = BROWSER ? await openWatcher() : null;

/** The app, signed in as "watcher", following doc1 of library "load", recording frames. */
async function openWatcher() {
  const require = createRequire(path.join(here, '..', 'tests', 'e2e', 'package.json'));
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(origin + '/');
  await page.getByRole('button', { name: 'Sharing', exact: true }).click();
  await page.getByLabel('Your name').fill('watcher');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Shared library').fill('load');
  await page.getByLabel('Shared library').press('Tab');
  await page.getByRole('listitem').filter({ hasText: 'Load test' }).getByRole('button', { name: 'Open' }).click();
  await page.locator('[data-sharing-status]', { hasText: 'Shared · live' }).waitFor();
  await page.evaluate(() => {
    window.frames_ms = [];
    let last = performance.now();
    const tick = (now) => {
      window.frames_ms.push(now - last);
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return { browser, page };
}

/** Resolves with the ms until the app's stored ledger knows all `TOTAL` annotations. */
async function watcherSawAll(started) {
  const { page } = watcher;
  for (;;) {
    const known = await page.evaluate(() => {
      const ledger = localStorage.getItem('article-annotator:v1:sync:doc1');
      return ledger ? Object.keys(JSON.parse(ledger).known).length : 0;
    });
    if (known >= TOTAL) return Date.now() - started;
    await page.waitForTimeout(100);
  }
}

/** Follows the changes feed like the app; resolves with the ms until it saw `TOTAL`. */
async function follow(started) {
  const seen = new Set();
  let since = '0';
  while (seen.size < TOTAL) {
    const page = await call(
      'GET',
      `load/_changes?include_docs=true&limit=500&feed=longpoll&timeout=25000&since=${encodeURIComponent(since)}`,
    );
    for (const row of page.results) if (row.id.startsWith('ann:')) seen.add(row.id);
    since = String(page.last_seq);
  }
  return Date.now() - started;
}

async function write(client) {
  for (let i = 0; i < ANNOTATIONS; i++) {
    const id = `c${client}n${i}`;
    const start = ((client * ANNOTATIONS + i) * 13) % (TEXT.length - 10);
    const result = await call('POST', 'load/_bulk_docs', {
      docs: [{
        _id: `ann:doc1:${id}`, type: 'annotation', version: 1, document: 'doc1', id, tag: 'claim',
        start, end: start + 5, quote: TEXT.slice(start, start + 5), creator: `client ${client}`,
      }],
    });
    if (!result[0]?.ok) throw new Error(`client ${client}: push refused: ${JSON.stringify(result)}`);
  }
}

const started = Date.now();
const followers = Array.from({ length: CLIENTS }, () => follow(started));
const appSawAll = watcher ? watcherSawAll(started) : null;
const writers = Array.from({ length: CLIENTS }, (_, c) => write(c));
await Promise.all(writers);
const written = Date.now() - started;
const seenAfter = await Promise.all(followers);
const slowest = Math.max(...seenAfter);
console.log(
  `sync-load: ${CLIENTS} clients × ${ANNOTATIONS} annotations = ${TOTAL}; ` +
    `all written after ${written} ms; every client saw all ${TOTAL} after ${slowest} ms ` +
    `(fastest ${Math.min(...seenAfter)} ms)`,
);
if (watcher) {
  const appMs = await appSawAll;
  const frames = (await watcher.page.evaluate(() => window.frames_ms)).slice(1).sort((a, b) => a - b);
  const at = (q) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))].toFixed(1);
  console.log(
    `sync-load: the app had all ${TOTAL} after ${appMs} ms; frames while they arrived: ${frames.length}, ` +
      `median ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms, longest ${frames.at(-1).toFixed(1)} ms, ` +
      `over 50 ms: ${frames.filter((f) => f > 50).length}`,
  );
  await watcher.browser.close();
}
clearTimeout(watchdog);
server.kill('SIGTERM');
