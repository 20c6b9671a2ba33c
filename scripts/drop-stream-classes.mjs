// Leaves out of the release build's glue three classes nothing in the app uses: wasm-streams'
// IntoUnderlyingSource, IntoUnderlyingSink and IntoUnderlyingByteSource. Leptos links
// server_fn's browser client, which links wasm-streams, whose #[wasm_bindgen] classes are
// exported whether or not anything makes one: their methods' code stayed in the main module
// (about 1.5 KiB gzip) and their classes in the glue, both fetched before the first paint. The
// app has no server functions and makes no stream (the glue imports nothing that creates one),
// so scripts/build-wasm has wasm-opt remove their exports from the main module
// (`--remove-exports` with `*intounderlying*`), which lets it drop their code, and this script
// removes the classes and their finalization registries from the glue.
//
// Nothing is guessed: each class must be written exactly as wasm-bindgen 0.2 writes it (the
// class, its `Symbol.dispose` line, its three-line registry), and afterwards the glue may name
// none of the removed exports; otherwise the build stops and says which, and the glue stays as
// it was.
//
// Usage: node scripts/drop-stream-classes.mjs <glue.js>
import { readFileSync, writeFileSync } from 'node:fs';

const CLASSES = ['IntoUnderlyingByteSource', 'IntoUnderlyingSink', 'IntoUnderlyingSource'];
/** The removed exports, as wasm-opt's wildcard in scripts/build-wasm names them. */
const EXPORTS = /intounderlying/i;

function fail(message) {
  console.error(`drop-stream-classes: ${message}`);
  process.exit(1);
}

/** `text` without the one match of `pattern`; fails unless there is exactly one. */
function removeOnce(text, pattern, what) {
  const matches = text.match(new RegExp(pattern.source, 'gm')) ?? [];
  if (matches.length !== 1) fail(`expected ${what} once in the glue, found it ${matches.length} times`);
  return text.replace(new RegExp(pattern.source, 'm'), '');
}

const file = process.argv[2] ?? fail('usage: node scripts/drop-stream-classes.mjs <glue.js>');
let glue = readFileSync(file, 'utf8');
for (const name of CLASSES) {
  // The class: from its line to the first line that is only "}" (its methods are indented).
  glue = removeOnce(glue, new RegExp(`^export class ${name} \\{\\n(?:(?:    .*)?\\n)*?\\}\\n`), `class ${name}`);
  glue = removeOnce(
    glue,
    new RegExp(`^if \\(Symbol\\.dispose\\) ${name}\\.prototype\\[Symbol\\.dispose\\] = ${name}\\.prototype\\.free;\\n`),
    `the Symbol.dispose line of ${name}`,
  );
  glue = removeOnce(
    glue,
    new RegExp(`^const ${name}Finalization = \\(typeof FinalizationRegistry === 'undefined'\\)\\n.*\\n.*\\n`),
    `the finalization registry of ${name}`,
  );
}
const left = glue.split('\n').filter((line) => EXPORTS.test(line));
if (left.length > 0) fail(`the glue still names a removed export:\n${left.join('\n')}`);
writeFileSync(file, glue);
