// scripts/short-imports.mjs, which renames the main wasm's imports from its glue in a release
// build, on a small wasm and glue of the same shape: the renamed wasm still links against the
// renamed glue, the split loader's imports keep their names, and a glue that does not match
// stops the build with the name and leaves both files as they were. (Every browser test runs
// the app built with it.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = new URL('../../scripts/short-imports.mjs', import.meta.url).pathname;

const name = (text) => [text.length, ...new TextEncoder().encode(text)];
const section = (id, body) => [id, body.length, ...body];
// One function type, () -> (); two function imports of it.
const wasm = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [0x01, 0x60, 0x00, 0x00]),
  ...section(2, [
    0x02,
    ...name('./x_bg.js'), ...name('__wbg_log_0123456789abcdef'), 0x00, 0x00,
    ...name('./__wasm_split.js'), ...name('__wasm_split_load_part'), 0x00, 0x00,
  ]),
]);

const glue = (key) => `function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        ${key}: function() { return 1; },
    };
    return {
        __proto__: null,
        "./x_bg.js": import0,
        "./__wasm_split.js": import1,
    };
}
`;

function run(glueText) {
  const dir = mkdtempSync(join(tmpdir(), 'short-imports-'));
  const gluePath = join(dir, 'x.js');
  const wasmPath = join(dir, 'x_bg.wasm');
  writeFileSync(gluePath, glueText);
  writeFileSync(wasmPath, wasm);
  const result = spawnSync(process.execPath, [script, gluePath, wasmPath], { encoding: 'utf8' });
  const out = { result, glue: readFileSync(gluePath, 'utf8'), wasm: readFileSync(wasmPath) };
  rmSync(dir, { recursive: true });
  return out;
}

test('the glue\'s imports get short names in the wasm and the glue together', () => {
  const { result, glue: renamed, wasm: renamedWasm } = run(glue('__wbg_log_0123456789abcdef'));
  assert.equal(result.status, 0, result.stderr);
  const module = new WebAssembly.Module(renamedWasm);
  assert.deepEqual(WebAssembly.Module.imports(module), [
    { module: 'a', name: 'a', kind: 'function' },
    { module: './__wasm_split.js', name: '__wasm_split_load_part', kind: 'function' },
  ]);
  assert.match(renamed, /^ {8}a: function\(\) \{ return 1; \},$/m);
  assert.match(renamed, /^ {8}"a": import0,$/m);
  assert.match(renamed, /^ {8}"\.\/__wasm_split\.js": import1,$/m);
  assert.doesNotMatch(renamed, /0123456789abcdef|x_bg/);
  // The renamed module links against what the renamed glue provides.
  const imports = { a: { a: () => {} }, './__wasm_split.js': { __wasm_split_load_part: () => {} } };
  assert.ok(new WebAssembly.Instance(module, imports));
});

test('a glue without the import stops the build and changes nothing', () => {
  const before = glue('__wbg_log_fedcba9876543210');
  const { result, glue: after, wasm: afterWasm } = run(before);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /the import __wbg_log_0123456789abcdef appears 0 times in the glue/);
  assert.equal(after, before);
  assert.deepEqual(new Uint8Array(afterWasm), wasm);
});
