// Short names for what the main wasm imports from its wasm-bindgen glue (scripts/build-wasm
// runs it on a release build, after wasm-opt).
//
// wasm-bindgen names each import after the JS it calls plus a 16-digit hash
// ("__wbg_appendChild_dbf7ad2f48413560") and writes every name twice: in the wasm's import
// section and as a key of the glue's table of imports. Both files are fetched before the first
// paint, and the hashes do not compress. Here each such import gets a short name ("a", "b", …,
// "aa", …) and the module they come from one letter, in the wasm and in the glue together.
//
// Nothing is guessed: every renamed import must appear exactly once in the glue, as a key of its
// table ("<name>: function"), and the module exactly once as that table's key; otherwise the
// build stops with the name that did not match, and both files stay as they were. The other
// imports (the split loader's, "./__wasm_split.js") keep their names: the loader is imported
// by that name.
//
// Usage: node scripts/short-imports.mjs <glue.js> <main.wasm>
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const SHORT_MODULE = 'a';

function fail(message) {
  console.error(`short-imports: ${message}`);
  process.exit(1);
}

// --- the wasm binary: LEB128 and sections ---------------------------------------------------

function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) fail('the wasm ends inside a number');
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

function leb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

function sections(bytes) {
  const magic = [0x00, 0x61, 0x73, 0x6d];
  if (!magic.every((b, i) => bytes[i] === b)) fail('not a wasm file');
  const list = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readLeb(bytes, at + 1);
    list.push({ id, body: bytes.subarray(start, start + size) });
    at = start + size;
  }
  return list;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encode = (text) => [...new TextEncoder().encode(text)];

function readName(body, at) {
  const [length, start] = readLeb(body, at);
  return [utf8.decode(body.subarray(start, start + length)), start + length];
}

// One import: its module, its name and the bytes of its description, copied as they are.
function readImports(body) {
  const [count, first] = readLeb(body, 0);
  const imports = [];
  let at = first;
  for (let i = 0; i < count; i++) {
    const [module, afterModule] = readName(body, at);
    const [name, afterName] = readName(body, afterModule);
    const descriptionStart = afterName;
    const kind = body[at = afterName];
    at += 1;
    if (kind === 0) {
      at = readLeb(body, at)[1]; // a function: its type
    } else if (kind === 1 || kind === 2) {
      if (kind === 1) at += 1; // a table: its element type
      const [flags, afterFlags] = readLeb(body, at);
      at = readLeb(body, afterFlags)[1];
      if (flags & 1) at = readLeb(body, at)[1];
    } else if (kind === 3) {
      at += 2; // a global: its type and mutability
    } else if (kind === 4) {
      at = readLeb(body, at + 1)[1]; // a tag
    } else {
      fail(`import ${module} ${name} has an unknown kind ${kind}`);
    }
    imports.push({ module, name, description: body.subarray(descriptionStart, at) });
  }
  if (at !== body.length) fail('the import section has bytes after its last import');
  return imports;
}

function writeImports(imports) {
  const out = leb(imports.length);
  for (const { module, name, description } of imports) {
    const m = encode(module);
    const n = encode(name);
    out.push(...leb(m.length), ...m, ...leb(n.length), ...n, ...description);
  }
  return out;
}

function writeModule(list) {
  const parts = [Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])];
  for (const { id, body } of list) parts.push(Uint8Array.from([id, ...leb(body.length)]), body);
  return Buffer.concat(parts);
}

// --- short names: letters first, then letters and digits, never a JS keyword's shape --------

const FIRST = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const REST = `${FIRST}0123456789`;
const RESERVED = new Set(['do', 'if', 'in', 'for', 'let', 'new', 'try', 'var']);

function* shortNames() {
  for (let length = 1; ; length++) {
    const total = FIRST.length * REST.length ** (length - 1);
    for (let i = 0; i < total; i++) {
      let rest = i;
      let name = FIRST[rest % FIRST.length];
      rest = Math.floor(rest / FIRST.length);
      for (let k = 1; k < length; k++) {
        name += REST[rest % REST.length];
        rest = Math.floor(rest / REST.length);
      }
      if (!RESERVED.has(name)) yield name;
    }
  }
}

// --- the glue: keys of the table of imports ---------------------------------------------------

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function replaceOnce(text, pattern, replacement, what) {
  const matches = text.match(new RegExp(pattern.source, `${pattern.flags}g`)) ?? [];
  if (matches.length !== 1) {
    fail(`${what} appears ${matches.length} times in the glue, not once as a key of its imports`);
  }
  return text.replace(pattern, replacement);
}

const [gluePath, wasmPath] = process.argv.slice(2);
if (!gluePath || !wasmPath) fail('usage: node scripts/short-imports.mjs <glue.js> <main.wasm>');
// wasm-bindgen links the main wasm against "./<glue's name>_bg.js".
const GLUE_MODULE = `./${basename(gluePath, '.js')}_bg.js`;

let glue = readFileSync(gluePath, 'utf8');
const list = sections(readFileSync(wasmPath));
const importSection = list.find((s) => s.id === 2);
if (!importSection) fail('the main wasm has no imports');
const imports = readImports(importSection.body);

const names = shortNames();
let renamed = 0;
for (const entry of imports) {
  if (entry.module !== GLUE_MODULE) continue;
  const short = names.next().value;
  glue = replaceOnce(
    glue,
    new RegExp(`(?<=^\\s*)${escape(entry.name)}(?=: function)`, 'm'),
    short,
    `the import ${entry.name}`,
  );
  entry.module = SHORT_MODULE;
  entry.name = short;
  renamed++;
}
if (renamed === 0) fail(`the main wasm imports nothing from ${GLUE_MODULE}`);
glue = replaceOnce(
  glue,
  new RegExp(`(?<=^\\s*)"${escape(GLUE_MODULE)}"(?=: import\\d+,)`, 'm'),
  `"${SHORT_MODULE}"`,
  `the module ${GLUE_MODULE}`,
);

importSection.body = Uint8Array.from(writeImports(imports));
writeFileSync(wasmPath, writeModule(list));
writeFileSync(gluePath, glue);
console.log(`short-imports: ${renamed} imports renamed in ${wasmPath.split('/').pop()} and its glue`);
