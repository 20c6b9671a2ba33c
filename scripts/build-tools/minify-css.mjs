// Shrinks a joined style sheet of a release build in place (scripts/finish-build): csso
// without restructuring, so every rule stays where it was, in its order (which the cascade
// depends on); whitespace and what the sheet's comments left go, colours and numbers are
// written shorter. Stops the build if the sheet cannot be parsed, rather than ship it
// half-read.
import { readFileSync, writeFileSync } from 'node:fs';
import { minify, syntax } from 'csso';

const file = process.argv[2];
if (!file) {
  console.error('minify-css: usage: node scripts/build-tools/minify-css.mjs <sheet.css>');
  process.exit(2);
}
const source = readFileSync(file, 'utf8');
const errors = [];
// Parsed first, to see every error: csso itself keeps going past what it cannot read.
syntax.parse(source, { onParseError: (error) => errors.push(error.formattedMessage ?? error.message) });
if (errors.length > 0) {
  console.error(`minify-css: ${file} does not parse:\n${errors.join('\n')}`);
  process.exit(1);
}
const { css } = minify(source, { restructure: false, comments: false });
writeFileSync(file, css);
