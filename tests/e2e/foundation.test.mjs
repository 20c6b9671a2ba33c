// The foundation every feature test stands on: the release build loads and its wasm really
// runs (a build that ships a dead page fails here), the article is shown character for
// character, the harness's server, network blocker and mouse selection do what they claim.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  ARTICLE,
  ROOT,
  articleText,
  dragSelect,
  marks,
  expectNoConsoleErrors,
  expectNothingLeftTheMachine,
  newPage,
  openApp,
  screenshot,
  selectByOffsets,
  selection,
  serve,
  useHarness,
} from './harness.mjs';

const SAMPLE = fs.readFileSync(path.join(ROOT, 'src/ui/sample-article.txt'));
const HEADLINE = 'Trump admin held secret talks with Venezuelan military officers to discuss Maduro coup: report';

const harness = useHarness();

test('the release build loads, its wasm runs and renders the app without console errors', async () => {
  const page = await openApp();
  // Only Rust renders anything in <body> (index.html has just a <noscript>), so an element
  // here proves the wasm was fetched, instantiated and ran.
  await page.locator('header .ann-header__name').waitFor({ state: 'visible' });
  assert.equal(await page.locator('header .ann-header__name').textContent(), 'Article Annotator');
  // The page itself fetches one wasm file before the first paint, and the annotation list's
  // part, the annotating tools', the header menu's and saving's writer (with the reader of
  // stored entries, which it fetches first) after it (the other parts wait until their
  // feature is used). The service worker
  // copies every file of the build, parts included, to keep the app for offline use, so the
  // server's log is not the page's: the page's own fetches are its resource timings.
  await page.locator('#ann-list-heading').waitFor();
  await page.locator('#ann-main[aria-busy="false"]').waitFor();
  await page.locator('#ann-header-menu[aria-busy="false"]').waitFor();
  // The writer draws nothing: its module's answer is awaited.
  await page.waitForFunction(() => performance.getEntriesByType('resource')
    .some((entry) => /\/split_library_writer-/.test(entry.name)));
  // The splitter's shared chunks are merged (scripts/build-wasm; ARCHITECTURE.md, "Few shared
  // chunks"): these five parts need two chunk files, the reader's and the other four's. Both
  // are fetched with the parts, so wait for two before counting them all.
  await page.waitForFunction(() => performance.getEntriesByType('resource')
    .filter((entry) => /\/chunk_\d+-/.test(entry.name)).length >= 2);
  const pageWasm = await page.evaluate(() =>
    performance.getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => path.endsWith('.wasm')));
  const main = pageWasm.filter((path) => /article-annotator_bg-/.test(path));
  const parts = pageWasm.filter((path) => /\/split_/.test(path)).map((path) => path.match(/split_[a-z_]+/)[0]);
  const others = pageWasm.filter((path) => !/article-annotator_bg-|\/split_|\/chunk_\d+-/.test(path));
  assert.equal(new Set(main).size, 1, `expected the page to fetch one main .wasm file, got ${JSON.stringify(pageWasm)}`);
  assert.deepEqual([...new Set(parts)].sort(), ['split_annotating_tools', 'split_annotation_list', 'split_app_menu', 'split_entry_reader', 'split_library_writer'], JSON.stringify(pageWasm));
  assert.deepEqual(others, []);
  const chunks = pageWasm.filter((path) => /\/chunk_\d+-/.test(path));
  assert.equal(new Set(chunks).size, 2, `expected two shared chunks, got ${JSON.stringify(chunks)}`);
  // Nothing is stored on a first visit, so boot.js preloads no part: the reader of stored
  // entries comes after the first paint, with saving's part.
  const preloadedParts = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((entry) => entry.initiatorType === 'link' && /\/(split_|chunk_)/.test(entry.name))
    .map((entry) => entry.name));
  assert.deepEqual(preloadedParts, []);
  // The service worker's copy of the same file may still be on its way when the page is
  // drawn, so wait for every answer before judging them: each must be a 200.
  const served = (await harness.server.answered()).filter((r) => r.path === main[0]);
  assert.ok(served.length >= 1 && served.every((r) => r.status === 200), JSON.stringify(served));
  assert.deepEqual(page.failedRequests, []);
  // Warnings too: a clean build logs nothing at all (no SRI or preload complaints).
  expectNoConsoleErrors(page, { warnings: true });
  expectNothingLeftTheMachine(page);
});

test('the article text equals the bundled sample article byte for byte', async () => {
  const page = await openApp();
  const shown = Buffer.from(await articleText(page), 'utf8');
  assert.ok(
    shown.equals(SAMPLE),
    `article textContent (${shown.length} bytes) differs from the file (${SAMPLE.length} bytes) ` +
      `first at byte ${[...SAMPLE].findIndex((byte, i) => shown[i] !== byte)}`,
  );
  expectNoConsoleErrors(page);
});

test('the headline is visible and a screenshot is written', async () => {
  const page = await openApp();
  await page.locator(ARTICLE).getByText(HEADLINE).waitFor({ state: 'visible', timeout: 5000 });
  const file = await screenshot(page, 'foundation-loaded');
  const png = fs.readFileSync(file);
  assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'not a PNG');
  assert.ok(png.length > 5000, `screenshot suspiciously small (${png.length} bytes): blank page?`);
  expectNoConsoleErrors(page);
});

test('a mouse drag over "Trump administration" selects exactly that text', async () => {
  const page = await openApp();
  const selected = await dragSelect(page, 'Trump administration');
  assert.equal(selected, 'Trump administration');
  assert.equal(await page.evaluate(() => window.getSelection().toString()), 'Trump administration');
  const start = SAMPLE.toString('utf8').indexOf('Trump administration');
  assert.deepEqual(await selection(page), { start, end: start + 'Trump administration'.length, text: 'Trump administration' });
  expectNoConsoleErrors(page);
});

test('a drag across paragraphs selects the requested UTF-16 range', async () => {
  const page = await openApp();
  const text = SAMPLE.toString('utf8');
  // From the headline into the next paragraph: several text nodes and block boundaries.
  const start = text.indexOf('Maduro coup');
  const end = text.indexOf('clandestine meetings') + 'clandestine meetings'.length;
  await selectByOffsets(page, start, end);
  assert.deepEqual(await selection(page), { start, end, text: text.slice(start, end) });
  // The tag toolbar now floats under that selection; Escape dismisses it, as a reader would,
  // so the next drag does not start on the toolbar.
  await page.keyboard.press('Escape');
  // Text with a non-ASCII character (the typographic apostrophe in "Maduro’s").
  const quoteStart = text.indexOf('Maduro’s');
  const selected = await dragSelect(page, 'Maduro’s', 'tendencies');
  assert.equal(selected, text.slice(quoteStart, text.indexOf('tendencies', quoteStart) + 'tendencies'.length));
  expectNoConsoleErrors(page);
});

test('marks() and the selection helpers work when marks split the text into many nodes', async () => {
  const page = await openApp();
  const text = SAMPLE.toString('utf8');
  // Stand-in for the app's highlighting: wrap article ranges in (nested) <mark>s by script.
  await page.locator(ARTICLE).evaluate((article) => {
    const wrap = (needle, attributes) => {
      const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf(needle);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + needle.length);
        const mark = document.createElement('mark');
        for (const [name, value] of Object.entries(attributes)) mark.setAttribute(name, value);
        range.surroundContents(mark);
        return;
      }
      throw new Error(`not found: ${needle}`);
    };
    wrap('Trump administration held', { 'data-ids': 'a1', 'data-tags': 'claim' });
    wrap('administration', { 'data-ids': 'a2 a3', 'data-tags': 'entity,organisation' });
    wrap('New York Times', { 'data-annotation-id': 'a4', 'data-tag': 'source' });
  });
  assert.deepEqual(await marks(page), [
    { text: 'Trump administration held', ids: ['a1'], tags: ['claim'] },
    { text: 'administration', ids: ['a2', 'a3'], tags: ['entity', 'organisation'] },
    { text: 'New York Times', ids: ['a4'], tags: ['source'] },
  ]);
  assert.equal(await articleText(page), text, 'marks change no character of the article');
  // From plain text, through the outer and the nested mark, out again.
  const selected = await dragSelect(page, 'The Trump', 'held a series');
  assert.equal(selected, 'The Trump administration held a series');
  const start = text.indexOf('The Trump');
  assert.deepEqual(await selection(page), { start, end: start + selected.length, text: selected });
  // Starting exactly inside the nested mark and ending inside another mark.
  const from = text.indexOf('administration');
  const to = text.indexOf('New York') + 'New York'.length;
  await selectByOffsets(page, from, to);
  assert.deepEqual(await selection(page), { start: from, end: to, text: text.slice(from, to) });
  expectNoConsoleErrors(page);
});

test('requests to other hosts are blocked and recorded', async () => {
  const page = await newPage();
  await page.goto('about:blank');
  await page.evaluate(() => fetch('http://tracker.example/pixel?x=1').catch(() => 'blocked'));
  assert.deepEqual(page.blockedRequests, ['http://tracker.example/pixel?x=1']);
});

test('the server sends the right MIME types, refuses paths outside dist/ and records requests', async () => {
  const server = harness.server;
  const before = server.requests.length;
  const files = fs.readdirSync(server.root);
  const expected = { '.wasm': 'application/wasm', '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };
  for (const [extension, type] of Object.entries(expected)) {
    const name = files.find((f) => f.endsWith(extension));
    assert.ok(name, `dist/ has no ${extension} file`);
    const response = await fetch(`${server.origin}/${name}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type').split(';')[0], type, name);
  }
  assert.equal((await fetch(`${server.origin}/no-such-file.txt`)).status, 404);
  assert.notEqual((await fetch(`${server.origin}/%2e%2e/Cargo.toml`)).status, 200);
  const recorded = server.paths().slice(before);
  assert.equal(recorded.length, Object.keys(expected).length + 2);
  assert.equal(recorded.at(-2), '/no-such-file.txt');
});

test('a missing release build fails with the command to run', async () => {
  await assert.rejects(serve(path.join(ROOT, 'no-such-dist')), /trunk build --release/);
});
