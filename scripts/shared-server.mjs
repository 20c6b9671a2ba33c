#!/usr/bin/env node
// A shared-library server for tests and local trials: serves the app (dist/) at / and a
// CouchDB-compatible API (PouchDB Server's express-pouchdb, databases in memory) at /db/, on
// one loopback port, so the app's strict CSP (connect-src 'self') holds as it does behind the
// reverse proxy of a real deployment. Without accounts nobody signs in ("admin party"):
// every visitor may read and write; never expose it beyond 127.0.0.1.
//
//   node scripts/shared-server.mjs [--port 8090] [--dist dist] [--data FILE]
//                                  [--admin NAME:PASSWORD]... [--user NAME:PASSWORD]...
//
// --admin and --user create accounts at start (a server admin, such as a teacher, and
// ordinary users, such as students) and turn on what a class needs, as Apache CouchDB has
// it: cookie sessions with passwords (`_session`, `_users`), each database's `_security`
// (members read and write, others are refused) and `validate_doc_update` design documents
// (express-pouchdb's full CouchDB mode: pouchdb-auth, pouchdb-security, pouchdb-validation).
// Passwords on the command line are for tests and trials on one's own machine only.
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

/** Every `--name VALUE` given, as NAME:PASSWORD pairs. */
function accounts(name) {
  const found = [];
  process.argv.forEach((arg, at) => {
    if (arg !== `--${name}`) return;
    const value = process.argv[at + 1] ?? '';
    const colon = value.indexOf(':');
    if (colon < 1 || colon === value.length - 1) {
      console.error(`shared server: --${name} wants NAME:PASSWORD, got "${value}"`);
      process.exit(2);
    }
    found.push({ name: value.slice(0, colon), password: value.slice(colon + 1) });
  });
  return found;
}
const admins = accounts('admin');
const users = accounts('user');
const withAccounts = admins.length > 0 || users.length > 0;

// Each database's _security (who may read and write it) is a local document, which
// allDocs leaves out: the data file keeps them apart, under a key no database name can have.
const SECURITY_KEY = '#security';
const SECURITY_DOC = '_local/_security';
const SEQUENCE_KEY = '#sequence';
const FILLER_ID = '~sequence';

async function load() {
  if (!dataFile || !existsSync(dataFile)) return;
  const saved = JSON.parse(readFileSync(dataFile, 'utf8'));
  for (const [name, docs] of Object.entries(saved)) {
    if (name === SECURITY_KEY || name === SEQUENCE_KEY) continue;
    // new_edits: false keeps every revision as it was, so clients' revisions stay valid.
    const db = new MemoryDB(name);
    await db.bulkDocs(docs, { new_edits: false });
    // A restarted CouchDB keeps its sequence; restored in memory, the documents are numbered
    // anew from 1. Moving the sequence on to where it was (one document written again and
    // again, which clients pass over as not theirs) keeps every client's place in the
    // changes feed valid, as with CouchDB.
    const before = saved[SEQUENCE_KEY]?.[name] ?? 0;
    let filler = await db.get(FILLER_ID).catch(() => ({ _id: FILLER_ID }));
    for (let seq = Number((await db.info()).update_seq); seq < before; seq++) {
      filler = { ...filler, _rev: (await db.put(filler)).rev };
    }
  }
  for (const [name, security] of Object.entries(saved[SECURITY_KEY] ?? {})) {
    await new MemoryDB(name).put({ _id: SECURITY_DOC, security });
  }
}

async function save() {
  if (!dataFile) return;
  const out = { [SECURITY_KEY]: {}, [SEQUENCE_KEY]: {} };
  for (const name of await MemoryDB.allDbs()) {
    const db = new MemoryDB(name);
    out[SEQUENCE_KEY][name] = Number((await db.info()).update_seq);
    const all = await db.allDocs({ include_docs: true });
    out[name] = all.rows.map((row) => row.doc);
    const local = await db.get(SECURITY_DOC).catch(() => null);
    if (local?.security) out[SECURITY_KEY][name] = local.security;
  }
  writeFileSync(dataFile, JSON.stringify(out));
}

const app = express();
const pouch = expressPouchDB(MemoryDB, {
  // With accounts: CouchDB's users, sessions, _security and validation, without the parts
  // a shared library does not use (Fauxton's files, replication, the log routes, vhosts).
  mode: withAccounts ? 'fullCouchDB' : 'minimumForPouchDB',
  overrideMode: withAccounts
    ? {
        exclude: [
          'routes/fauxton',
          'replicator',
          'routes/replicate',
          'routes/vhosts',
          'routes/http-log',
          'routes/log',
          'disk-size',
        ],
      }
    : {},
  inMemoryConfig: true,
  logPath: join(tmpdir(), `article-annotator-shared-server-${process.pid}.log`),
});
app.use('/db', pouch);

/** The accounts given on the command line, through the server's own API (as an admin would). */
async function createAccounts() {
  const base = `http://127.0.0.1:${await listening}/db`;
  const send = async (method, path, body, auth) => {
    const response = await fetch(`${base}/${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok && response.status !== 409) {
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    }
  };
  for (const { name, password } of admins) {
    // In admin party anyone may name the first admin; after it, only an admin may add one.
    const first = admins[0];
    const auth = name === first.name ? null : basic(first);
    await send('PUT', `_config/admins/${encodeURIComponent(name)}`, password, auth);
  }
  for (const { name, password } of users) {
    const doc = { _id: `org.couchdb.user:${name}`, name, password, roles: [], type: 'user' };
    await send('PUT', `_users/${encodeURIComponent(doc._id)}`, doc, admins[0] ? basic(admins[0]) : null);
  }
}

function basic({ name, password }) {
  return `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
}
app.use(
  express.static(dist, {
    setHeaders(res, path) {
      if (path.endsWith('.wasm')) res.setHeader('Content-Type', 'application/wasm');
    },
  }),
);

let listened;
const listening = new Promise((resolve) => {
  listened = resolve;
});
// express-pouchdb adds allDbs() to MemoryDB; load after it so restored databases are listed,
// and before listening: a client asking for a database still being restored would be told it
// does not exist (404), and the app takes that as the shared library gone for good.
await load();
const server = app.listen(port, '127.0.0.1', () => listened(server.address().port));
if (withAccounts) await createAccounts();
console.log(`shared server listening on http://127.0.0.1:${await listening}`);

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
