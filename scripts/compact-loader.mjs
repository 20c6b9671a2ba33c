// The split loader (`__wasm_split.js`, written by wasm-split-cli) in fewer bytes: scripts/
// build-wasm runs it after the build's hash is in the file names, before terser.
//
// The loader is fetched before the first paint. It spells out the same seven lines for each of
// the chunks the parts share (22 since they are merged, 290 before), and lists each part's
// chunks by variable name. Here the chunks are made by one function from their numbers, and
// each part lists its chunks as numbers: the same `makeLoad` for each chunk and each part,
// created once, so a chunk's fetch is still shared by every part that needs it, and fetched
// only when one of them is.
//
// Nothing is guessed: after the loader's own functions, every line must be one of the two
// shapes below, every chunk a part lists must be defined, and every file name must carry the
// same hash; otherwise the build stops with the line that did not match, and the file stays as
// it was.
//
// Usage: node scripts/compact-loader.mjs <__wasm_split-HASH.js>
import { readFileSync, writeFileSync } from 'node:fs';

function fail(message) {
  console.error(`compact-loader: ${message}`);
  process.exit(1);
}

const path = process.argv[2];
if (!path) fail('usage: node scripts/compact-loader.mjs <loader.js>');
const source = readFileSync(path, 'utf8');

// Where the definitions of the chunks begin: the loader's own functions come before.
const firstChunk = source.search(/^const __chunk_\d+ = makeLoad\(/m);
if (firstChunk < 0) fail('no chunk is defined; is this the split loader?');
const functions = source.slice(0, firstChunk);
for (const needed of ['function makeLoad(fetcher, deps)', 'function wrapAsyncCb(callee)']) {
  if (!functions.includes(needed)) fail(`the loader has no "${needed}"`);
}

const FETCHER = String.raw`makeLoad\(\(\) => \{
    const src = fetch\(new URL\("\./(chunk_\d+|split_\w+)-([0-9a-f]{16})\.wasm", import\.meta\.url\)\);
    src\.catch\(\(\) => \{\}\);
    return async \(imports\) => \(WebAssembly\.instantiateStreaming\(src, imports\)\);
\}
, \[([^\]\n]*)\]\)`;
const CHUNK = new RegExp(String.raw`^const __chunk_(\d+) = ${FETCHER};\n`);
const PART = new RegExp(String.raw`^export const __wasm_split_load_(\w+) = wrapAsyncCb\(${FETCHER}\);\n`);

const chunks = [];
const parts = [];
let hash = null;
const sameHash = (found) => {
  if (hash !== null && found !== hash) fail(`two hashes in the file names: ${hash} and ${found}`);
  hash = found;
};
let rest = source.slice(firstChunk);
while (rest.length > 0) {
  const chunk = rest.match(CHUNK);
  const part = chunk ? null : rest.match(PART);
  const entry = chunk ?? part;
  if (!entry) fail(`a line of unknown shape: ${JSON.stringify(rest.split('\n')[0])}`);
  const [whole, name, file, fileHash, deps] = entry;
  sameHash(fileHash);
  if (chunk) {
    if (file !== `chunk_${name}` || deps !== '') fail(`chunk ${name} is not the plain shape`);
    chunks.push(Number(name));
  } else {
    if (file !== `split_${name}`) fail(`part ${name} fetches ${file}`);
    const listed = deps === '' ? [] : deps.split(', ');
    const numbers = listed.map((dep) => {
      const number = dep.match(/^__chunk_(\d+)$/);
      if (!number) fail(`part ${name} lists ${dep}`);
      return Number(number[1]);
    });
    parts.push({ name, numbers });
  }
  rest = rest.slice(whole.length);
}
const defined = new Set(chunks);
for (const { name, numbers } of parts) {
  for (const number of numbers) {
    if (!defined.has(number)) fail(`part ${name} lists chunk ${number}, which is not defined`);
  }
}
if (parts.length === 0) fail('no part is defined');

// A list of numbers as the gaps between them ([20, 21, 22, 25] as [20, 1, 1, 3]): mostly 1s
// and small numbers, which compress better (the parts' lists alone: −0.24 KiB gzip).
const gaps = (numbers) => numbers.map((number, index) => number - (index === 0 ? 0 : numbers[index - 1]));

const lines = [
  functions.trimEnd(),
  'function fetchingModule(file) {',
  '    return () => {',
  '        const src = fetch(new URL(file, import.meta.url));',
  '        src.catch(() => {});',
  '        return async (imports) => WebAssembly.instantiateStreaming(src, imports);',
  '    };',
  '}',
  'const chunks = new Map();',
  'let chunkNumber = 0;',
  `for (const gap of ${JSON.stringify(gaps(chunks))}) {`,
  '    chunkNumber += gap;',
  `    chunks.set(chunkNumber, makeLoad(fetchingModule(\`./chunk_\${chunkNumber}-${hash}.wasm\`), []));`,
  '}',
  'function partLoad(file, chunkGaps) {',
  '    let number = 0;',
  '    return wrapAsyncCb(makeLoad(fetchingModule(file), chunkGaps.map((gap) => chunks.get(number += gap))));',
  '}',
  ...parts.map(({ name, numbers }) =>
    `export const __wasm_split_load_${name} = partLoad("./split_${name}-${hash}.wasm", ${JSON.stringify(gaps(numbers))});`),
  '',
];
writeFileSync(path, lines.join('\n'));
console.log(`compact-loader: ${chunks.length} chunks and ${parts.length} parts, ${source.length} -> ${lines.join('\n').length} bytes`);
