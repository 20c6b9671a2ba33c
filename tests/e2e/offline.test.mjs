// Offline use, the Content-Security-Policy and the web app manifest, checked in headless
// Chromium against the release build in ../../dist (`trunk build --release` first).
//
// Self-contained for now (its own static server and browser launch); to be folded into the
// shared harness. The server serves dist/ under a path prefix, /app/, to prove the build
// works from any folder, and can "go offline" itself (it then drops every connection),
// because Chromium's offline emulation does not reliably cover a service worker's own fetches.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { DIST, selectByOffsets } from './harness.mjs';
import { storedEntry } from './library-helpers.mjs';

const PREFIX = '/app/';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The app has started when the article text is on screen. */
const APP_STARTED = () => {
  const article = document.querySelector('[data-article-text]');
  return article !== null && article.textContent.trim().length > 0;
};

let browser;
let server;

before(async () => {
  server = await startStaticServer(DIST);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the release build is stamped: sw.js names this build and lists every other file', async () => {
  const serviceWorker = await readFile(path.join(DIST, 'sw.js'), 'utf8');
  const version = serviceWorker.match(/^const BUILD_VERSION = '([0-9a-f]{16})';$/m);
  assert.ok(version, 'BUILD_VERSION is not a stamped hash: did the post_build hook run?');
  const listed = serviceWorker.match(/^const BUILD_FILES = \[(.*)\];$/m);
  assert.ok(listed, 'BUILD_FILES was not stamped');
  const listedFiles = [...listed[1].matchAll(/'([^']+)'/g)].map((match) => match[1]).sort();
  const distFiles = (await listFiles(DIST)).filter((file) => file !== 'sw.js').sort();
  assert.deepEqual(listedFiles, distFiles);
});

test('starts under the CSP with no console errors and no request to another origin', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = collectProblems(page);
  const foreignRequests = [];
  page.on('request', (request) => {
    if (new URL(request.url()).origin !== server.origin) foreignRequests.push(request.url());
  });

  await page.goto(server.url);
  await page.waitForFunction(APP_STARTED);
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  const inlineScripts = await page.$$eval('script:not([src])', (scripts) => scripts.length);
  await page.evaluate(() => navigator.serviceWorker.ready);

  const directives = new Map(csp.split(';').map((directive) => {
    const [name, ...sources] = directive.trim().split(/\s+/);
    return [name, sources.join(' ')];
  }));
  assert.equal(directives.get('script-src'), "'self' 'wasm-unsafe-eval'");
  assert.equal(directives.get('connect-src'), "'self'");
  for (const name of ['object-src', 'base-uri', 'form-action']) {
    assert.equal(directives.get(name), "'none'", name);
  }
  assert.deepEqual(problems, []);
  assert.equal(inlineScripts, 0, 'an inline <script> would be blocked by the CSP');
  assert.deepEqual(foreignRequests, []);
  await context.close();
});

test('the web app manifest parses without errors and its icon is local', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  const devtools = await context.newCDPSession(page);
  const manifest = await devtools.send('Page.getAppManifest');

  assert.deepEqual(manifest.errors, []);
  const parsed = JSON.parse(manifest.data);
  assert.equal(parsed.name, 'Article Annotator');
  assert.equal(new URL(parsed.start_url, manifest.url).href, server.url);
  for (const icon of parsed.icons) {
    const response = await page.request.get(new URL(icon.src, manifest.url).href);
    assert.equal(response.status(), 200, `icon ${icon.src}`);
  }
  await context.close();
});

test('after one visit the app opens with the network off', async () => {
  const { context, page, problems } = await openWithWorker();

  server.offline = true;
  await context.setOffline(true);
  try {
    await page.reload();
    await page.waitForFunction(APP_STARTED, null, { timeout: 15_000 });
    // A fresh tab, too, and a navigation to a URL never visited (falls back to index.html).
    const freshPage = await context.newPage();
    await freshPage.goto(server.url + '?never-visited');
    await freshPage.waitForFunction(APP_STARTED, null, { timeout: 15_000 });
  } finally {
    server.offline = false;
  }
  assert.deepEqual(problems, []);
  await context.close();
});

// The parts of the app fetched on demand (src/ui/on_demand.rs): each separate .wasm module of
// the build that is not the main one.
const PARTS = async () => (await listFiles(DIST)).filter((file) => file.endsWith('.wasm') && !file.includes('_bg'));

test('after one visit every part fetched on demand works with the network off', async () => {
  assert.ok((await PARTS()).length >= 5, 'the build has fewer on-demand parts than the app has boundaries');
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const problems = collectProblems(page);
  const fetchedParts = [];
  page.on('request', (request) => {
    if (request.url().endsWith('.wasm') && !request.url().includes('_bg')) fetchedParts.push(request.url());
  });
  await page.goto(server.url);
  await page.waitForFunction(APP_STARTED);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  // Only the worker's copy of the build fetched the parts: the page itself used none yet but
  // the annotation list's, the annotating tools', the header menu's and saving's writer (with
  // the reader of stored entries, which it fetches first), which it fetches once the article
  // is painted (the writer with the tools).
  await page.locator('#ann-list-heading').waitFor();
  await page.locator('#ann-main[aria-busy="false"]').waitFor();
  await page.locator('#ann-header-menu[aria-busy="false"]').waitFor();
  // The writer draws nothing: its module is asked for after its chunks came.
  await waitUntil(() => fetchedParts.some((url) => /\/split_library_writer-/.test(url)),
    "saving's writer was not fetched after the first paint");
  assert.deepEqual(fetchedParts.map((url) => new URL(url).pathname.match(/(split_[a-z_]+)-/)?.[1])
    .filter(Boolean).sort(), ['split_annotating_tools', 'split_annotation_list', 'split_app_menu', 'split_entry_reader', 'split_library_writer'],
  'a part was fetched before its feature was used');

  server.offline = true;
  await context.setOffline(true);
  try {
    await page.reload();
    await page.waitForFunction(APP_STARTED, null, { timeout: 15_000 });

    await page.getByRole('button', { name: 'Sharing', exact: true }).click();
    await page.getByLabel('Your name').waitFor();
    await page.getByRole('button', { name: 'Sharing', exact: true }).click();

    await page.getByRole('button', { name: 'Claims report' }).click();
    await page.getByRole('dialog', { name: 'Claims report' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Claims report' }).waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Make exercise' }).click();
    const makeExercise = page.getByRole('dialog', { name: 'Make exercise' });
    await makeExercise.waitFor();
    const exerciseLink = await makeExercise.getByLabel('Link to the exercise').inputValue();
    await page.keyboard.press('Escape');
    await makeExercise.waitFor({ state: 'detached' });

    // The Library and the New article screen.
    await page.getByRole('button', { name: 'Library', exact: true }).click();
    await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New article', exact: true }).click();
    await page.getByRole('heading', { name: 'Open an article' }).waitFor();
    // The article reader: an HTML file becomes the article's text.
    await page.getByLabel('Open article').setInputFiles({
      name: 'offline.html', mimeType: 'text/html',
      buffer: Buffer.from('<html><body><p>Read without a network.</p></body></html>', 'utf8'),
    });
    await page.waitForFunction(() =>
      document.querySelector('[data-article-text]')?.textContent.includes('Read without a network.'));

    await page.getByRole('button', { name: 'Class results' }).click();
    const classResults = page.getByRole('dialog', { name: 'Class results' });
    await classResults.waitFor();
    await classResults.getByRole('button', { name: 'Close', exact: true }).click();
    await classResults.waitFor({ state: 'detached' });

    // The writers: an export to a foreign format downloads.
    await page.locator('summary', { hasText: 'Export' }).click();
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV', exact: true }).click(),
    ]);
    assert.match(csv.suggestedFilename(), /\.csv$/);
    // The readers: the sample has no annotations yet, so its CSV is read and found empty (the
    // reader's own words; a part that failed to load would say "Could not load").
    const csvText = await readFile(await csv.path(), 'utf8');
    await page.getByLabel('Import annotations').setInputFiles({
      name: csv.suggestedFilename(), mimeType: 'text/csv', buffer: Buffer.from(csvText, 'utf8'),
    });
    await page.locator('.ann-notice', { hasText: 'Nothing imported: the file holds no annotations' }).waitFor();
    assert.doesNotMatch(await page.textContent('body'), /Could not load|Loading the import formats/);
    // Needs review: a span whose text is nowhere in the article is kept there, orphaned.
    const articleText = await page.evaluate(() => document.querySelector('[data-article-text]').textContent);
    const record = {
      text: articleText, answer: 'accept',
      spans: [{ start: 0, end: 4, label: 'CLAIM', text: 'a sentence that is nowhere in this article' }],
    };
    await page.getByLabel('Import annotations').setInputFiles({
      name: 'orphan.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(`${JSON.stringify(record)}\n`, 'utf8'),
    });
    await page.locator('.ann-review__item', { hasText: 'nowhere in this article' }).waitFor();
    // The details panel: the annotation chosen in the list, with its note and fields.
    await page.locator('.ann-list__button', { hasText: 'nowhere in this article' }).click();
    await page.locator('section.ann-details').getByLabel('Note').waitFor();
    // The merge of another tab's changes: a second tab on the same document edits the note
    // and, before it saves (after a pause of 300 ms), this tab writes its own edit of it (as
    // on closing); the second tab then merges this tab's revision into its unsaved change.
    const other = await context.newPage();
    other.on('request', (request) => {
      if (request.url().endsWith('.wasm') && !request.url().includes('_bg')) fetchedParts.push(request.url());
    });
    await other.goto(server.url);
    await other.waitForFunction(APP_STARTED, null, { timeout: 15_000 });
    await other.locator('.ann-list__button', { hasText: 'nowhere in this article' }).click();
    await other.locator('section.ann-details').getByLabel('Note').fill('Checked in the second tab');
    await page.locator('section.ann-details').getByLabel('Note').fill('Checked in the first tab');
    await page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
    await other.waitForFunction(() => /Merged with changes from another tab|was edited in both tabs/
      .test(document.body.textContent));
    await other.close();
    // The annotation list's part (fetched after the first paint), with its search's case
    // folding: a search in capitals finds the annotation.
    const search = page.getByPlaceholder('Search quotes and notes');
    await search.fill('NOWHERE IN THIS');
    await page.locator('.ann-list__button', { hasText: 'nowhere in this article' }).waitFor();
    assert.equal(await page.locator('.ann-list__button').count(), 1);
    await search.fill('');
    // Snapping a selection: a drag over part of a word proposes the whole word, tagged with 1
    // (the notices above the short article go first: the drag would start on them).
    const dismiss = page.getByRole('button', { name: 'Dismiss message' });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
    const opened = await page.evaluate(() => document.querySelector('[data-article-text]').textContent);
    const word = opened.indexOf('network');
    await selectByOffsets(page, word + 1, word + 5);
    await page.getByRole('toolbar', { name: 'Tag the selection' }).waitFor();
    await page.keyboard.press('1');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-article-text] mark')]
      .some((mark) => mark.textContent === 'network'));
    // The tags' list and the keyboard help.
    await page.getByText('Tags', { exact: true }).click();
    await page.getByLabel('New tag name').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Keyboard shortcuts', exact: true }).click();
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached' });

    // The student's side: the exercise link starts an attempt (the link is read on start).
    await page.goto(exerciseLink);
    await page.reload();
    const start = page.getByRole('dialog', { name: 'Start the exercise' });
    await start.getByLabel('Your name').fill('Offline student');
    await start.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('heading', { name: /^Exercise/ }).waitFor();
    assert.doesNotMatch(await page.textContent('body'), /Could not load/);
  } finally {
    server.offline = false;
  }
  // Every boundary's module was used above (a new boundary needs a visit here).
  const boundary = (file) => file.match(/(split_[a-z_]+)-[0-9a-f]+\.wasm$/)?.[1];
  const used = new Set(fetchedParts.map((url) => boundary(new URL(url).pathname)).filter(Boolean));
  const built = (await PARTS()).map(boundary).filter(Boolean);
  assert.deepEqual(built.filter((part) => !used.has(part)), [], 'parts the test never used');
  assert.deepEqual(problems, []);
  await context.close();
});

// The annotation list and the selection's snapping are parts too, used from the annotating
// screen itself: the article does not wait for them, and without them nothing is guessed and
// nothing is lost.
test('the article is shown before the annotation list\'s part; a list or a tag whose part cannot be fetched says so, and works once online', async () => {
  const listPart = /split_annotation_list-[0-9a-f]+\.wasm$/;
  const { context, page, release } = await openHolding(listPart, 'abort');
  await page.getByRole('status').filter({ hasText: 'Loading the annotation list…' }).waitFor();
  release();
  await page.getByRole('alert').filter({ hasText: 'Could not load the annotation list' }).waitFor();
  await page.unroute(listPart);
  const text = await page.evaluate(() => document.querySelector('[data-article-text]').textContent);
  const word = text.indexOf('craziness');
  await page.locator('#ann-main[aria-busy="false"]').waitFor();
  server.offline = true;
  try {
    // The selection is shown as the browser made it; the tag waits for the snapping, which
    // cannot come: nothing is stored, and the selection stays proposed.
    await selectByOffsets(page, word + 1, word + 5);
    const toolbar = page.getByRole('toolbar', { name: 'Tag the selection' });
    await toolbar.waitFor();
    await page.keyboard.press('1');
    await page.locator('.ann-notice', { hasText: "Nothing tagged: Could not load the selection's snapping" }).waitFor();
    assert.equal(await page.locator('[data-article-text] mark').count(), 0);
    assert.ok(await toolbar.isVisible(), 'the selection is still proposed');
  } finally {
    server.offline = false;
  }
  await page.keyboard.press('1');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-article-text] mark')]
    .some((mark) => mark.textContent === 'craziness'));
  await page.getByRole('button', { name: 'Try again' }).click();
  const search = page.getByPlaceholder('Search quotes and notes');
  await search.fill('CRAZINESS');
  await page.locator('.ann-list__button', { hasText: 'craziness' }).waitFor();
  assert.equal(await page.getByText('Could not load the annotation list').count(), 0);
  await context.close();
});

// A part is fetched as several files (its module and the chunks it shares with other parts).
// Offline, one of them can fail at once while another is still on its way; the failure is
// reported only once every file of that fetch has ended, so that the press a person makes
// once the network is back starts a fetch of its own instead of sharing one made offline
// (which then fails too, and the press tags nothing).
test('a tag pressed offline reports the failed fetch once every file of it has ended, and the first press once online tags', async () => {
  const { context, page } = await openWithoutWorker();
  await page.locator('#ann-main[aria-busy="false"]').waitFor();
  // The parts fetched after the first paint (tools, annotation list, menu) are all here.
  await page.waitForLoadState('networkidle');
  const text = await page.evaluate(() => document.querySelector('[data-article-text]').textContent);
  const word = text.indexOf('craziness');
  // "Offline" for the snapping's files: the first chunk asked for hangs until released, then
  // fails; every other file fails at once.
  const snappingFiles = /\/(chunk_\d+|split_selection_snap)-[0-9a-f]+\.wasm$/;
  let releaseHanging;
  const hanging = new Promise((resolve) => { releaseHanging = resolve; });
  let hangingUrl = null;
  const failed = [];
  page.on('requestfailed', (request) => failed.push(new URL(request.url()).pathname));
  await page.route(snappingFiles, async (route) => {
    if (hangingUrl === null && /\/chunk_\d+-/.test(route.request().url())) {
      hangingUrl = route.request().url();
      await hanging;
    }
    await route.abort();
  });
  await selectByOffsets(page, word + 1, word + 5);
  const toolbar = page.getByRole('toolbar', { name: 'Tag the selection' });
  await toolbar.waitFor();
  await page.keyboard.press('1');
  const notice = page.locator('.ann-notice', { hasText: "Nothing tagged: Could not load the selection's snapping" });
  // The part's own module is asked for after its chunks: once it has failed, every file but
  // the hanging one has. Two frames later a report would be on screen.
  await waitUntil(() => failed.some((file) => /split_selection_snap-/.test(file)),
    "the snapping's own module was never asked for");
  assert.ok(hangingUrl, 'the snapping needs no chunk that is not here yet: nothing hung');
  await page.evaluate(() => new Promise((resolve) =>
    requestAnimationFrame(() => requestAnimationFrame(resolve))));
  assert.equal(await notice.count(), 0, 'the failure was reported while a file of it was still on its way');
  releaseHanging();
  await notice.waitFor();
  assert.equal(await page.locator('[data-article-text] mark').count(), 0);
  assert.ok(await toolbar.isVisible(), 'the selection is still proposed');
  // Online again: the next press tags.
  await page.unroute(snappingFiles);
  await page.keyboard.press('1');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-article-text] mark')]
    .some((mark) => mark.textContent === 'craziness'));
  await context.close();
});

// The toolbar, the chooser and the keyboard shortcuts come in a part fetched after the first
// paint too: until then (or if it cannot come) the article is shown and says it is busy, and
// a failed fetch is reported with a way to try again.
test('the annotating tools come after the article; if their part cannot be fetched the page says so, and they work once tried again', async () => {
  const toolsPart = /split_annotating_tools-[0-9a-f]+\.wasm$/;
  const { context, page, release } = await openHolding(toolsPart, 'abort');
  // Shown, tools on their way.
  assert.equal(await page.locator('#ann-main').getAttribute('aria-busy'), 'true');
  release();
  const failure = page.getByRole('alert')
    .filter({ hasText: 'Could not load the tag toolbar and the keyboard shortcuts' });
  await failure.waitFor();
  assert.equal(await page.locator('#ann-main').getAttribute('aria-busy'), 'false');
  // Without the shortcuts "?" opens nothing; the text can still be selected, and nothing is
  // tagged behind the person's back.
  await page.locator('[data-article-text]').click();
  await page.keyboard.press('?');
  await page.waitForTimeout(300);
  assert.equal(await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).count(), 0);
  await page.unroute(toolsPart);
  await failure.getByRole('button', { name: 'Try again' }).click();
  await page.locator('#ann-main[aria-busy="false"]').waitFor();
  assert.equal(await failure.count(), 0);
  await tagCraziness(page);
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await context.close();
});

// Saving's writer is a part fetched after the first paint too. A change made before it is here
// waits for it, unsaved: closing the tab asks the person to stay, and opening another article
// waits until the change is saved. If the part cannot be fetched the page says the work is not
// saved (with its export), opens nothing over it, and saves once the network is back.
test('a change made before saving\'s part is here is saved when it comes, before another article opens, and the tab asks before closing', async () => {
  const writerPart = /split_library_writer-[0-9a-f]+\.wasm$/;
  const { context, page, release } = await openHolding(writerPart, 'continue');
  await tagCraziness(page);
  // Past the save's pause (300 ms, then an idle moment): still waiting for the part.
  await page.waitForTimeout(1500);
  const status = page.locator('.ann-save-state');
  assert.equal(await status.textContent(), 'Saving…');
  assert.equal(await storedEntry(page, 'sample'), null, 'written without the writer');
  // Closing the tab now would lose the change: the browser asks first, and staying keeps it.
  const asked = new Promise((resolve) => page.once('dialog', async (dialog) => {
    resolve(dialog.type());
    await dialog.dismiss();
  }));
  await page.close({ runBeforeUnload: true });
  assert.equal(await Promise.race([asked, new Promise((resolve) => setTimeout(() => resolve('no question'), 5000))]),
    'beforeunload');
  assert.equal(page.isClosed(), false);
  // Another article waits for the save of this one.
  await openOtherArticle(page);
  await page.waitForTimeout(500);
  assert.equal(await page.locator('.ann-notice', { hasText: 'Nothing was opened' }).count(), 0);
  assert.ok(!(await articleShown(page)).includes('Another article.'), 'opened over the unsaved change');
  const converted = page.locator('.ann-notice', { hasText: 'other.html: converted from HTML' });
  assert.equal(await converted.count(), 0, 'what is said of an article before it is shown');
  release();
  await page.waitForFunction(() => document.querySelector('[data-article-text]')?.textContent
    .includes('Another article.'));
  // The reader's warning comes with the article it describes.
  await converted.waitFor();
  const sample = await storedEntry(page, 'sample');
  const stored = [...(sample?.document?.text ?? '')];
  assert.deepEqual(sample?.annotations?.map((a) => stored.slice(a.start, a.end).join('')), ['craziness']);
  await context.close();
});

test('if saving\'s part cannot be fetched the page says the work is not saved, opens nothing over it, and saves once online', async () => {
  const writerPart = /split_library_writer-[0-9a-f]+\.wasm$/;
  const { context, page, release } = await openHolding(writerPart, 'abort');
  await tagCraziness(page);
  release();
  const banner = page.locator('.ann-banner', { hasText: 'Not saved: Could not load the saving of your work' });
  await banner.waitFor();
  assert.ok(await banner.getByRole('button', { name: 'Export JSON now' }).isVisible());
  assert.equal(await page.locator('.ann-save-state').textContent(), 'Not saved');
  // Opening another article would replace the unsaved change: nothing is opened.
  await openOtherArticle(page);
  await page.locator('.ann-notice', { hasText: 'Nothing was opened: the open document must be saved first' }).waitFor();
  // The refused article is not described as if it had opened.
  assert.equal(await page.locator('.ann-notice', { hasText: 'converted from HTML' }).count(), 0);
  // The export comes with the same part: while it cannot be fetched the person reads why, and
  // the work stays open; once it can, the button downloads the open document with the change.
  await banner.getByRole('button', { name: 'Export JSON now' }).click();
  await page.locator('.ann-notice', { hasText: 'Nothing exported. Could not load the JSON export' }).waitFor();
  assert.ok(await banner.isVisible());
  await page.unroute(writerPart);
  const download = page.waitForEvent('download');
  await banner.getByRole('button', { name: 'Export JSON now' }).click();
  const exported = JSON.parse(await streamText(await (await download).createReadStream()));
  const exportedText = [...exported.document.text];
  assert.deepEqual(exported.annotations.map((a) => exportedText.slice(a.start, a.end).join('')), ['craziness']);
  // Online again: the change is saved, and a reload finds it.
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.locator('.ann-save-state', { hasText: 'Saved in this browser' }).waitFor();
  assert.equal(await banner.count(), 0);
  await page.reload();
  await page.waitForFunction(APP_STARTED);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-article-text] mark')]
    .some((mark) => mark.textContent === 'craziness'));
  await context.close();
});

// The reader of stored entries (the typed one, and the careful one for what it refuses: written
// by hand or by an older build) is a part of its own. A returning visit downloads it alongside
// the main module (boot.js) and crosses its boundary before the app mounts, index.html's
// "Opening Article Annotator…" showing meanwhile; if that fetch fails the app mounts, an empty
// page says it is opening the document and asks once more; if the part cannot be fetched at
// all, the person reads why, the sample opens instead, and the entry is left as it is stored.
test('a returning visit opens its document once the reader of stored entries is here, and leaves it alone if it cannot be fetched', async () => {
  const readerPart = /split_entry_reader-[0-9a-f]+\.wasm$/;
  const writerPart = /split_library_writer-[0-9a-f]+\.wasm$/;
  const { context, page } = await openWithoutWorker();
  await openOtherArticle(page);
  await page.waitForFunction(() => document.querySelector('[data-article-text]')?.textContent
    .includes('Another article.'));
  await page.locator('#ann-main[aria-busy="false"]').waitFor();
  await selectByOffsets(page, 0, 'Another'.length);
  await page.getByRole('toolbar', { name: 'Tag the selection' }).waitFor();
  await page.keyboard.press('1');
  await page.locator('[data-article-text] mark', { hasText: 'Another' }).waitFor();
  await page.locator('.ann-save-state', { hasText: 'Saved in this browser' }).waitFor();
  // A field this version does not write: the typed reader refuses the entry, the careful one
  // reads it.
  const planted = await page.evaluate(() => {
    const prefix = 'article-annotator:v1:doc:';
    const keys = [...Array(localStorage.length).keys()].map((i) => localStorage.key(i))
      .filter((key) => key.startsWith(prefix) && key !== `${prefix}sample`);
    if (keys.length !== 1) throw new Error(`expected one stored article, found ${keys}`);
    const entry = JSON.parse(localStorage.getItem(keys[0]));
    entry.colour = 'red';
    localStorage.setItem(keys[0], JSON.stringify(entry));
    localStorage.setItem('article-annotator:v1:last-open', keys[0].slice(prefix.length));
    return { key: keys[0], stored: localStorage.getItem(keys[0]) };
  });
  const boot = page.locator('.ann-boot', { hasText: 'Opening Article Annotator…' });
  const opening = page.locator('.ann-loading', { hasText: 'Opening your document…' });
  // The part held: the app has not mounted, and the boot indicator says it is opening. Its
  // file is fetched once: boot.js's download is the one the app uses.
  const readerFetches = [];
  const countReader = (request) => {
    if (readerPart.test(request.url())) readerFetches.push(request.url());
  };
  page.on('request', countReader);
  let release = await hold(page, readerPart, 'continue');
  await page.reload();
  await boot.waitFor();
  await page.waitForTimeout(500);
  assert.ok(await boot.isVisible(), 'the app mounted before the reader was here');
  assert.equal(await page.locator('header .ann-header__name').count(), 0);
  release();
  await page.locator('[data-article-text] mark', { hasText: 'Another' }).waitFor();
  assert.equal(await boot.count(), 0);
  assert.equal(await opening.count(), 0, 'an empty page was shown although the reader was here');
  page.off('request', countReader);
  assert.equal(readerFetches.length, 1, `the reader was fetched ${readerFetches.length} times`);
  // boot.js started every file of the part (index.html lists them) as a preload, alongside
  // the main module, and that download is the one the loader used.
  const listed = await page.evaluate(() => document.querySelector('script[data-annotator-reader]')
    .dataset.annotatorReader.split(' ').map((file) => new URL(file, document.baseURI).href));
  assert.ok(listed.some((url) => readerPart.test(url)), JSON.stringify(listed));
  const initiators = await page.evaluate((urls) => urls.map((url) => performance
    .getEntriesByName(url).map((entry) => entry.initiatorType).join(',')), listed);
  assert.deepEqual(initiators, listed.map(() => 'link'), 'a file of the reader was not preloaded by boot.js');
  await page.unroute(readerPart);
  // The fetch before mounting fails and the next succeeds: an empty page says it is opening,
  // then the document opens.
  let fetches = 0;
  let releaseFirst;
  const firstHeld = new Promise((resolve) => { releaseFirst = resolve; });
  let releaseSecond;
  const secondHeld = new Promise((resolve) => { releaseSecond = resolve; });
  await page.route(readerPart, async (route) => {
    fetches += 1;
    if (fetches === 1) {
      await firstHeld;
      await route.abort();
    } else {
      await secondHeld;
      await route.continue();
    }
  });
  await page.reload();
  await boot.waitFor();
  releaseFirst();
  await opening.waitFor();
  assert.equal((await articleShown(page)).trim(), '', 'something shown before the entry is read');
  // The header says so too: the empty page is not an untitled article saved in this browser.
  assert.equal(await page.locator('header .ann-header__title').textContent(), 'Opening your document…');
  assert.equal((await page.locator('header .ann-save-state').textContent()).trim(), '');
  // Nor does the annotation list ask the person to select text in an article not shown yet.
  await page.locator('.ann-empty', { hasText: 'Your annotations appear here once the document is open.' }).waitFor();
  releaseSecond();
  await page.locator('[data-article-text] mark', { hasText: 'Another' }).waitFor();
  assert.equal(await opening.count(), 0);
  assert.notEqual(await page.locator('header .ann-header__title').textContent(), 'Opening your document…');
  assert.notEqual((await page.locator('header .ann-save-state').textContent()).trim(), '');
  await page.unroute(readerPart);
  // The part cannot be fetched: the entry is not opened, and says what it needs. (Saving's
  // part, which brings the reader too, cannot be fetched either.)
  release = await hold(page, readerPart, 'abort');
  const releaseWriter = await hold(page, writerPart, 'abort');
  await page.reload();
  await boot.waitFor();
  release();
  releaseWriter();
  await page.locator('.ann-notice', { hasText: 'needs the app\'s reader of saved documents' }).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-article-text]')?.textContent
    .includes('craziness'));
  assert.equal(await opening.count(), 0);
  assert.equal(await page.evaluate((key) => localStorage.getItem(key), planted.key), planted.stored,
    'the entry was written over');
  await context.close();
});

/** Tags "craziness" in the sample once the tools are here. */
async function tagCraziness(page) {
  await page.locator('#ann-main[aria-busy="false"]').waitFor();
  const text = await articleShown(page);
  const word = text.indexOf('craziness');
  await selectByOffsets(page, word, word + 'craziness'.length);
  await page.getByRole('toolbar', { name: 'Tag the selection' }).waitFor();
  await page.keyboard.press('1');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-article-text] mark')]
    .some((mark) => mark.textContent === 'craziness'));
}

/** Opens an HTML file as a new article through New article. */
async function openOtherArticle(page) {
  await page.getByRole('button', { name: 'New article', exact: true }).click();
  await page.getByRole('heading', { name: 'Open an article' }).waitFor();
  await page.getByLabel('Open article').setInputFiles({
    name: 'other.html', mimeType: 'text/html',
    buffer: Buffer.from('<html><body><p>Another article.</p></body></html>', 'utf8'),
  });
}

async function articleShown(page) {
  return page.evaluate(() => document.querySelector('[data-article-text]')?.textContent ?? '');
}

test('the header\'s menu comes after the article; if its part cannot be fetched the menu says so, and works once tried again', async () => {
  const menuPart = /split_app_menu-[0-9a-f]+\.wasm$/;
  const { context, page, release } = await openHolding(menuPart, 'abort');
  const menu = page.getByRole('navigation', { name: 'App' });
  await page.locator('[data-article-text]').waitFor();
  // The remembered theme is the page's from the start, though its switch is in the menu.
  await page.evaluate(() => localStorage.setItem('article-annotator:theme', 'dark'));
  await page.reload();
  // The article and the bar are shown; the menu's groups are on their way.
  await page.locator('[data-article-text]').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await menu.getAttribute('aria-busy'), 'true');
  assert.equal(await menu.getByRole('button').count(), 0);
  // The menu's row is kept for it: the article will not move when it comes.
  const articleTop = () => page.locator('[data-article-text]').evaluate((e) => e.getBoundingClientRect().top + window.scrollY);
  const topBefore = await articleTop();
  release();
  const failure = menu.getByRole('alert').filter({ hasText: "Could not load the app's menu" });
  await failure.waitFor();
  assert.equal(await menu.getAttribute('aria-busy'), 'false');
  // The keyboard's shortcuts are not the menu's: they work meanwhile (once the annotating
  // tools, which hold them, are here).
  await page.locator('#ann-main[aria-busy="false"]').waitFor();
  await page.locator('[data-article-text]').click();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.waitFor();
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'detached' });
  await page.unroute(menuPart);
  await failure.getByRole('button', { name: 'Try again' }).click();
  await menu.getByRole('button', { name: 'Claims report' }).waitFor();
  assert.equal(await failure.count(), 0);
  assert.ok(Math.abs(await articleTop() - topBefore) < 1, `the article moved from ${topBefore} to ${await articleTop()}`);
  assert.equal(await menu.getAttribute('aria-busy'), 'false');
  // What the menu starts in other parts is reached through the main module: the Export
  // menu's items (the writers' part) and an import (the readers' part).
  await menu.getByText('Export', { exact: true }).click();
  await menu.getByRole('button', { name: 'Export JSON' }).waitFor();
  await menu.getByLabel('Import annotations').setInputFiles({
    name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an annotation file'),
  });
  // Read by the readers' part, which says what it made of the file.
  await page.locator('.ann-notice--error').filter({ hasText: 'notes.txt' }).waitFor();
  await context.close();
});

// What only the parts draw is styled by a sheet fetched after the first paint: a part's view
// waits for it, and a sheet that cannot be fetched is reported, never silently missing.
test('a part\'s view waits for the parts\' style sheet, and a sheet that cannot be fetched says so', async () => {
  const sheet = /later-styles-[0-9a-f]+\.css$/;
  const { context, page, release } = await openHolding(sheet, 'abort');
  // The list's code arrives; its styles do not, so it is not drawn.
  await page.waitForFunction(() => performance.getEntriesByType('resource')
    .some((entry) => /split_annotation_list-/.test(entry.name) && entry.responseEnd > 0));
  await page.waitForTimeout(1000);
  await page.getByRole('status').filter({ hasText: 'Loading the annotation list…' }).waitFor();
  assert.equal(await page.locator('#ann-list-heading').count(), 0);
  release();
  await page.locator('.ann-notice', { hasText: "Some of the app's styles could not be fetched" }).waitFor();
  await page.locator('#ann-list-heading').waitFor();
  await page.unroute(sheet);
  // The next part asks for the sheet again, and is drawn with it.
  await page.getByRole('button', { name: 'Claims report' }).click();
  await page.getByRole('dialog', { name: 'Claims report' }).waitFor();
  assert.equal(await page.evaluate(() =>
    getComputedStyle(document.querySelector('.ann-report-backdrop')).position), 'fixed');
  await context.close();
});

test('a part that cannot be fetched says so, and loads when tried again online', async () => {
  // No service worker: offline before the first use of the report, nothing has a copy of it.
  const { context, page } = await openWithoutWorker();
  await page.locator('#ann-list-heading').waitFor();
  server.offline = true;
  try {
    await page.getByRole('button', { name: 'Claims report' }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not load the claims report' }).waitFor();
  } finally {
    server.offline = false;
  }
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('dialog', { name: 'Claims report' }).waitFor();
  assert.equal(await page.getByText('Could not load the claims report').count(), 0);
  // The app kept running: the article is still there and can still be worked on.
  assert.ok(await page.evaluate(APP_STARTED));
  await context.close();
});

test('while a part is fetched its place says "Loading…"', async () => {
  // Hold the report's module until the loading line has been seen.
  const { context, page, release } = await openHolding(/split_claims_report-[0-9a-f]+\.wasm$/, 'continue');
  await page.getByRole('button', { name: 'Claims report' }).click();
  await page.getByRole('status').filter({ hasText: 'Loading the claims report…' }).waitFor();
  assert.equal(await page.getByRole('dialog', { name: 'Claims report' }).count(), 0);
  release();
  await page.getByRole('dialog', { name: 'Claims report' }).waitFor();
  assert.equal(await page.getByText('Loading the claims report…').count(), 0);
  await context.close();
});

// The build's hashed files (the main module, the parts, the glue, the style sheets) never
// change under their name, so once the worker has its copy a returning visit asks the server
// for none of them: not the main module, nor the reader of stored entries that boot.js
// downloads alongside it when the library holds a document.
test('a returning visit with the worker installed fetches none of the build\'s hashed files again', async () => {
  const { context, page, problems } = await openWithWorker();
  await tagCraziness(page);
  await page.locator('.ann-save-state', { hasText: 'Saved in this browser' }).waitFor();
  const seenByPage = [];
  page.on('request', (request) => seenByPage.push(new URL(request.url()).pathname));
  const before = server.requested.length;
  await page.reload();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-article-text] mark')]
    .some((mark) => mark.textContent === 'craziness'));
  await page.locator('#ann-main[aria-busy="false"]').waitFor();
  const hashed = /-[0-9a-f]{16}\.(?:wasm|js|css)$/;
  // The page did ask for them (the main module, and the reader's part before the first paint),
  // and the worker answered from its copy.
  assert.ok(seenByPage.some((file) => /article-annotator_bg-[0-9a-f]{16}\.wasm$/.test(file)));
  assert.ok(seenByPage.some((file) => /split_entry_reader-[0-9a-f]{16}\.wasm$/.test(file)),
    'the reader of stored entries was not fetched before the document opened');
  const fromServer = server.requested.slice(before);
  assert.ok(fromServer.includes('index.html'), JSON.stringify(fromServer));
  assert.deepEqual(fromServer.filter((file) => hashed.test(file)), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a new build replaces the old copy: one cache, named after the new version', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cachesBefore = await page.evaluate(() => caches.keys());

  server.serviceWorkerVersionOverride = 'ffffffffffffffff';
  try {
    const newCache = 'article-annotator-ffffffffffffffff';
    await page.evaluate(async () => (await navigator.serviceWorker.ready).update());
    await waitUntil(async () => {
      const names = await page.evaluate(() => caches.keys());
      return names.length === 1 && names[0] === newCache;
    }, 'the old cache was not replaced by the new version\'s');
    await page.reload();
    await page.waitForFunction(APP_STARTED);
  } finally {
    server.serviceWorkerVersionOverride = null;
  }
  assert.equal(cachesBefore.length, 1);
  assert.notEqual(cachesBefore[0], 'article-annotator-ffffffffffffffff');
  await context.close();
});

/** Opens the app in a new context and returns once the service worker controls the page;
 * `problems` collects its console errors. */
async function openWithWorker() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(server.url);
  await page.waitForFunction(APP_STARTED);
  // The worker copies the whole build while installing, then takes control of this page:
  // no second online visit is needed.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  return { context, page, problems };
}

/** Opens the app in a new context without a service worker (nothing has a copy of a part),
 * its requests matching `pattern` held as `hold` does; returns once the article is shown. */
async function openHolding(pattern, then) {
  let release;
  const { context, page } = await openWithoutWorker(async (page) => {
    release = await hold(page, pattern, then);
  });
  return { context, page, release };
}

/** Opens the app in a new context without a service worker (so nothing keeps a copy of a
 * part); `beforeOpening(page)` runs first (to hold a request). */
async function openWithoutWorker(beforeOpening = async () => {}) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await beforeOpening(page);
  await page.goto(server.url);
  await page.waitForFunction(APP_STARTED);
  return { context, page };
}

/** Holds the page's requests matching `pattern` until the returned function is called, then
 * answers them: `'continue'` (served) or `'abort'` (failed as if offline). */
async function hold(page, pattern, then) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(pattern, async (route) => {
    await held;
    await (then === 'abort' ? route.abort() : route.continue());
  });
  return release;
}

/** Console errors, uncaught exceptions, and warnings from our own code. */
function collectProblems(page) {
  const problems = [];
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' || (message.type() === 'warning' && /offline copy/.test(text))) {
      problems.push(`${message.type()}: ${text}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return problems;
}

async function waitUntil(condition, failure, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    assert.ok(Date.now() < deadline, failure);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function listFiles(directory, prefix = '') {
  const entries = await readdir(directory, { withFileTypes: true });
  const files = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const relative = prefix + entry.name;
    if (entry.isDirectory()) {
      files.push(...(await listFiles(path.join(directory, entry.name), relative + '/')));
    } else {
      files.push(relative);
    }
  }
  return files;
}

/**
 * Serves `root` at http://127.0.0.1:<free port>/app/ with real MIME types and no caching
 * headers. `offline = true` drops every connection; `serviceWorkerVersionOverride` serves a
 * sw.js whose BUILD_VERSION is that string, as a new build would; `requested` lists the
 * files asked for, in order.
 */
async function startStaticServer(root) {
  const state = { offline: false, serviceWorkerVersionOverride: null, requested: [] };
  const httpServer = createServer(async (request, response) => {
    if (state.offline) {
      request.socket.destroy();
      return;
    }
    const pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    if (!pathname.startsWith(PREFIX) || pathname.includes('..')) {
      response.writeHead(404).end();
      return;
    }
    const relative = pathname.slice(PREFIX.length) || 'index.html';
    state.requested.push(relative);
    try {
      let body = await readFile(path.join(root, relative));
      if (relative === 'sw.js' && state.serviceWorkerVersionOverride) {
        body = body
          .toString('utf8')
          .replace(/^const BUILD_VERSION = '[^']*';$/m,
            `const BUILD_VERSION = '${state.serviceWorkerVersionOverride}';`);
      }
      const type = MIME_TYPES[path.extname(relative)] ?? 'application/octet-stream';
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${httpServer.address().port}`;
  return Object.assign(state, {
    origin,
    url: origin + PREFIX,
    close: () => new Promise((resolve) => {
      httpServer.closeAllConnections();
      httpServer.close(resolve);
    }),
  });
}

async function streamText(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
