// The files one part fetches (its own and the chunks it shares), from the build's compacted
// split loader (scripts/compact-loader.mjs wrote it): scripts/finish-build gives the reader
// of stored entries' list to boot.js, which downloads them alongside the main module on a
// returning visit (src/ui/library/reader.rs).
//
// Nothing is guessed: the part must be defined once, in the loader's shape, with chunks
// that exist; otherwise the build stops.
//
// Usage: node scripts/part-files.mjs <dist dir> <part name>   (prints "./file ./file …")
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function fail(message) {
  console.error(`part-files: ${message}`);
  process.exit(1);
}

const [dir, part] = process.argv.slice(2);
if (!dir || !part) fail('usage: node scripts/part-files.mjs <dist dir> <part name>');
const loaders = readdirSync(dir).filter((name) => /^__wasm_split-[0-9a-f]{16}\.js$/.test(name));
if (loaders.length !== 1) fail(`expected one split loader in ${dir}, found ${loaders.length}`);
const source = readFileSync(join(dir, loaders[0]), 'utf8');
// terser names the loader's part function as it likes (`l`, `c`, …).
const shape = new RegExp(`__wasm_split_load_${part}=[A-Za-z_$][\\w$]*\\("\\./(split_${part}-([0-9a-f]{16})\\.wasm)",\\[([0-9,]*)\\]\\)`, 'g');
const found = [...source.matchAll(shape)];
if (found.length !== 1) fail(`the part ${part} is defined ${found.length} times in ${loaders[0]}`);
const [, own, hash, gaps] = found[0];
// The compacted loader lists a part's chunks as the gaps between their numbers.
let number = 0;
const files = [own];
for (const gap of gaps.split(',').filter(Boolean)) {
  number += Number(gap);
  files.push(`chunk_${number}-${hash}.wasm`);
}
for (const file of files) {
  if (!existsSync(join(dir, file))) fail(`${part} needs ${file}, which the build lacks`);
}
console.log(files.map((file) => `./${file}`).join(' '));
