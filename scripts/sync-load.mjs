#!/usr/bin/env node
// A bounded load test of a shared library, on loopback only: starts its own shared-library
// server (scripts/shared-server.mjs, in memory), shares one article, then CLIENTS simulated
// people each add ANNOTATIONS annotations through the same HTTP API the app uses (one
// `_bulk_docs` request per annotation, like the app pushing after each change) while
// following the changes feed (long-poll, pages of 500, like the app). It reports the time
// until every client has seen every annotation, and stops by itself (after --timeout
// seconds at the latest, failing).
//
//   node scripts/sync-load.mjs [--clients 50] [--annotations 200] [--timeout 300]

import { spawn } from 'node:child_process';
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
const TEXT = 'The mayor said crime fell by 12 percent last year. '.repeat(40);

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
  type: 'article', version: 1, document: 'doc1', title: 'Load', text: TEXT,
  text_sha256: '', tags: [], creator: 'load',
});

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
    const start = (i * 7) % (TEXT.length - 10);
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
clearTimeout(watchdog);
server.kill('SIGTERM');
