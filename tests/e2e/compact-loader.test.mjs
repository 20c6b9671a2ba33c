// scripts/compact-loader.mjs, which rewrites the split loader of a release build in fewer bytes,
// on a small loader of the shape wasm-split-cli writes (as scripts/build-wasm has it by then:
// hashed names, the wait for every chunk): the rewritten loader fetches the same files in the
// same order, shares a chunk between parts, reports a failure once every file has ended and
// fetches again only what failed; a loader of another shape stops the build and is left as it
// was. (Every browser test runs the app built with it.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const script = new URL('../../scripts/compact-loader.mjs', import.meta.url).pathname;
const HASH = '0123456789abcdef';

const loaderFunctions = `import { initSync } from "./article-annotator-${HASH}.js";

let sharedImports = undefined;
function getSharedImports() {
    if (sharedImports === undefined) {
        sharedImports = { __wasm_split: {  } };
        const { __indirect_function_table, __wasm_split_shared0, memory,  } = initSync(undefined, undefined);
        Object.assign(sharedImports.__wasm_split, { __indirect_function_table, __wasm_split_shared0, memory,  });
    }
    return sharedImports;
}
function wrapAsyncCb(callee) {
    return async (callbackIndex, callbackData) => {
        let success;
        try {
            await callee();
            success = true;
        } catch (e) {
            success = false;
        } finally {
            const sharedImports = getSharedImports();
            sharedImports.__wasm_split.__indirect_function_table.get(callbackIndex)(callbackData, success);
        }
    }
}
function makeLoad(fetcher, deps) {
    const loader = async () => {
        const parallelStuff = deps.map(d => d());
        const instantiate = fetcher();
        const ended = await Promise.allSettled(parallelStuff);
        const failed = ended.find((chunk) => chunk.status === "rejected");
        if (failed) throw failed.reason;
        const imports = getSharedImports();
        return instantiate(imports);
    };
    let loadingModule = undefined;
    return () => {
        if (loadingModule === undefined) {
            const thisLoad = loader();
            thisLoad.catch(() => {
                if (loadingModule === thisLoad) loadingModule = undefined;
            });
            loadingModule = thisLoad;
        }
        return loadingModule;
    }
}
`;

const entry = (file, deps) => `makeLoad(() => {
    const src = fetch(new URL("./${file}-${HASH}.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, [${deps.map((n) => `__chunk_${n}`).join(', ')}])`;
const chunk = (n) => `const __chunk_${n} = ${entry(`chunk_${n}`, [])};\n`;
const part = (name, deps) =>
  `export const __wasm_split_load_${name} = wrapAsyncCb(${entry(`split_${name}`, deps)});\n`;

const original = loaderFunctions + chunk(20) + chunk(21) + chunk(23) + chunk(24) +
  part('alpha', [20, 21]) + part('beta', [21, 23, 24]);

const dir = mkdtempSync(join(tmpdir(), 'compact-loader-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// The glue's table of callbacks: the loader calls back the Rust side with (data, success).
const calls = [];
let nextCall = null;
globalThis.loaderTestTable = {
  get: () => (data, success) => {
    calls.push({ data, success });
    nextCall?.();
  },
};
writeFileSync(join(dir, `article-annotator-${HASH}.js`),
  'export const initSync = () => ({ __indirect_function_table: globalThis.loaderTestTable, __wasm_split_shared0: 0, memory: 0 });\n');

// The network: each fetch is recorded and answered as `answer(file)` says (a promise).
const events = [];
let answer = () => Promise.resolve('module');
globalThis.fetch = (url) => {
  const file = url.pathname.split('/').pop();
  events.push(`fetch ${file}`);
  return answer(file).then(
    (value) => { events.push(`fetched ${file}`); return value; },
    (error) => { events.push(`failed ${file}`); throw error; },
  );
};
WebAssembly.instantiateStreaming = async (source) => ({ instance: await source });

/** Loads part `name` through `loader` and resolves with its callback's success. */
function loadPart(loader, name) {
  return new Promise((resolve) => {
    nextCall = () => { nextCall = null; resolve(calls.at(-1).success); };
    loader[`__wasm_split_load_${name}`](0, name);
  });
}

let loaded = 0;
async function importLoader(text) {
  const file = join(dir, `__wasm_split-${HASH}-${loaded++}.js`);
  writeFileSync(file, text);
  return import(pathToFileURL(file).href);
}

function compact(text) {
  const file = join(dir, 'loader.js');
  writeFileSync(file, text);
  const run = spawnSync(process.execPath, [script, file], { encoding: 'utf8' });
  return { run, text: readFileSync(file, 'utf8') };
}

/** The same visits through a loader: two parts sharing a chunk, then a failed chunk while
 * another is slow, and the retry. Returns the network's events and the callbacks. */
async function visit(loader) {
  events.length = 0;
  calls.length = 0;
  answer = () => Promise.resolve('module');
  assert.equal(await loadPart(loader, 'alpha'), true);
  // chunk 23 fails at once, chunk 24 answers later (and well): the failure is told after.
  answer = (file) => file.startsWith('chunk_23')
    ? Promise.reject(new Error('offline'))
    : new Promise((resolve) => setTimeout(() => resolve('module'), 30));
  events.push('beta asked');
  assert.equal(await loadPart(loader, 'beta'), false);
  events.push('beta failed');
  answer = () => Promise.resolve('module');
  assert.equal(await loadPart(loader, 'beta'), true);
  return { events: [...events], calls: [...calls] };
}

test('the compacted loader fetches what the original fetched, in the same order, and fails and retries alike', async () => {
  const { run, text } = compact(original);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /4 chunks and 2 parts/);
  assert.ok(text.length < original.length, 'not shorter');
  assert.doesNotMatch(text, /__chunk_/);

  const before = await visit(await importLoader(original));
  const compacted = await visit(await importLoader(text));
  assert.deepEqual(compacted, before);
  const { events: seen } = compacted;
  // Alpha's files; beta shares chunk 21, which is not fetched again.
  assert.deepEqual(seen.slice(0, seen.indexOf('beta asked')).filter((e) => e.startsWith('fetch ')),
    [`fetch chunk_20-${HASH}.wasm`, `fetch chunk_21-${HASH}.wasm`, `fetch split_alpha-${HASH}.wasm`]);
  // The failure is told once the slow chunk has ended, not when chunk 23 failed.
  assert.ok(seen.indexOf(`fetched chunk_24-${HASH}.wasm`) < seen.indexOf('beta failed'));
  // The retry fetches chunk 23 and the part again; chunk 24 came, and is not fetched again.
  const retry = seen.slice(seen.indexOf('beta failed')).filter((e) => e.startsWith('fetch '));
  assert.deepEqual(retry, [`fetch chunk_23-${HASH}.wasm`, `fetch split_beta-${HASH}.wasm`]);
});

test('a loader of another shape stops the build and is left as it was', () => {
  for (const changed of [
    original.replace('src.catch(() => {});', 'src.catch(() => null);'),
    original + 'export const other = 1;\n',
    original.replace(`split_beta-${HASH}`, 'split_beta-fedcba9876543210'),
    original.replace('__chunk_24]', '__chunk_25]'),
  ]) {
    const { run, text } = compact(changed);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^compact-loader: /);
    assert.equal(text, changed);
  }
});
