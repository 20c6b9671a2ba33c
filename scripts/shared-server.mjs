#!/usr/bin/env node
// A shared-library server for tests and local trials: serves the app (dist/) at / and a
// CouchDB-compatible API (PouchDB Server's express-pouchdb, databases in memory) at /db/, on
// one loopback port, so the app's strict CSP (connect-src 'self') holds as it does behind the
// reverse proxy of a real deployment. Nobody signs in ("admin party"): every visitor may
// read and write; never expose it beyond 127.0.0.1.
//
//   node scripts/shared-server.mjs [--port 8090] [--dist dist] [--data FILE]
//
// --port 0 picks a free port. --data FILE loads the databases from FILE at start and writes
// them back when stopped (SIGTERM, SIGINT), so a stop and restart keeps what was shared.
// The server stops by itself when the process that started it ends. It prints one line,
// "shared server listening on http://127.0.0.1:PORT", once it accepts connections.
// Its npm packages are installed from scripts/shared-server/package-lock.json by
// `ensure_shared_server` in scripts/lib.sh.

import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'shared-server', 'package.json'));
const express = require('express');
const PouchDB = require('pouchdb-core')
  .plugin(require('pouchdb-adapter-memory'))
  .plugin(require('pouchdb-adapter-http'))
  .plugin(require('pouchdb-mapreduce'))
  .plugin(require('pouchdb-replication'));
const expressPouchDB = require('express-pouchdb');

// Every long-polling client adds a listener to its database's changes: dozens are normal.
EventEmitter.defaultMaxListeners = 1000;

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

const port = Number(option('port', '8090'));
const dist = resolve(option('dist', join(here, '..', 'dist')));
const dataFile = option('data', null);
const MemoryDB = PouchDB.defaults({ adapter: 'memory' });

async function load() {
  if (!dataFile || !existsSync(dataFile)) return;
  const saved = JSON.parse(readFileSync(dataFile, 'utf8'));
  for (const [name, docs] of Object.entries(saved)) {
    // new_edits: false keeps every revision as it was, so clients' revisions stay valid.
    await new MemoryDB(name).bulkDocs(docs, { new_edits: false });
  }
}

async function save() {
  if (!dataFile) return;
  const out = {};
  for (const name of await MemoryDB.allDbs()) {
    const all = await new MemoryDB(name).allDocs({ include_docs: true });
    out[name] = all.rows.map((row) => row.doc);
  }
  writeFileSync(dataFile, JSON.stringify(out));
}

const app = express();
app.use(
  '/db',
  expressPouchDB(MemoryDB, {
    mode: 'minimumForPouchDB',
    inMemoryConfig: true,
    logPath: join(tmpdir(), `article-annotator-shared-server-${process.pid}.log`),
  }),
);
// express-pouchdb adds allDbs() to MemoryDB; load after it so restored databases are listed.
await load();
app.use(
  express.static(dist, {
    setHeaders(res, path) {
      if (path.endsWith('.wasm')) res.setHeader('Content-Type', 'application/wasm');
    },
  }),
);

const server = app.listen(port, '127.0.0.1', () => {
  console.log(`shared server listening on http://127.0.0.1:${server.address().port}`);
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  try {
    await save();
  } catch (error) {
    console.error(`shared server: could not write ${dataFile}: ${error.message}`);
  }
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Stop with the process that started us (a test run, scripts/serve), however it ended.
const parent = process.ppid;
setInterval(() => {
  let alive = process.ppid === parent;
  try {
    process.kill(parent, 0);
  } catch {
    alive = false;
  }
  if (!alive) stop();
}, 500).unref();
