// Hostile input through the real UI: nothing runs, nothing leaves, nothing panics.
//
// Payload files go through the three ways text enters the app ("Open article" on the New
// article screen, "Import annotations" in the header, the "Article text" paste form). For
// each: no dialog opens, `window.__pwned` stays undefined, no request leaves the machine, the
// page logs no error, and where the input is refused a readable message says why.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  ARTICLE,
  articleText,
  expectNoConsoleErrors,
  expectNothingLeftTheMachine,
  openApp,
  useHarness,
} from './harness.mjs';
import { download, file, importFiles, lastNotice, tagText, waitSaved } from './library-helpers.mjs';

useHarness();

const PWN = 'window.__pwned=1';
const HOSTILE_HTML = `<!doctype html><html><head><title>Hostile</title>
<script>${PWN}</script></head><body>
<p>Visible words before.</p>
<img src=x onerror="${PWN}">
<a href="javascript:${PWN}">a javascript link</a>
<svg><script>${PWN}</script></svg>
<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>
<p onclick="${PWN}">Visible words after.</p>
</body></html>`;

/** A page of the app that records every dialog; `hostile(page)` then checks it stayed clean. */
async function guardedApp() {
  const page = await openApp();
  page.dialogs = [];
  page.on('dialog', async (dialog) => {
    page.dialogs.push(dialog.message());
    await dialog.dismiss().catch(() => {});
  });
  return page;
}

/** Nothing ran, nothing left, nothing failed; no active content inside the app's DOM. */
async function assertNothingHappened(page) {
  // Give an onerror / srcdoc that slipped through the time to fire.
  await page.waitForTimeout(300);
  assert.deepEqual(page.dialogs, [], 'a dialog opened');
  assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined', 'a payload ran');
  const active = await page.evaluate(() =>
    [...document.body.querySelectorAll('script, iframe, object, embed, img, [onerror], [onclick], [srcdoc]')].map(
      (element) => element.outerHTML.slice(0, 120),
    ),
  );
  assert.deepEqual(active, [], 'active content in the page');
  const links = await page.evaluate(() =>
    [...document.querySelectorAll('a[href]')].map((a) => ({ href: a.getAttribute('href'), rel: a.rel })),
  );
  for (const link of links) {
    assert.ok(!/^\s*javascript:/i.test(link.href), `javascript: link rendered: ${link.href}`);
    if (/^https?:/i.test(link.href)) assert.match(link.rel, /noopener/);
    if (/^https?:/i.test(link.href)) assert.match(link.rel, /noreferrer/);
  }
  expectNothingLeftTheMachine(page);
  expectNoConsoleErrors(page);
}

/** Shows the New article screen (unless it is showing already). */
async function newArticleScreen(page) {
  if ((await page.getByLabel('Article text', { exact: true }).count()) === 0) {
    await page.getByRole('button', { name: 'New article', exact: true }).click();
  }
}

async function openArticle(page, name, buffer) {
  const before = await page.locator('.ann-notice').count();
  await newArticleScreen(page);
  await page.getByLabel('Open article').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
  return before;
}

/** Waits for a new notice after `before` notices; returns it. */
async function newNotice(page, before) {
  await page.waitForFunction((n) => document.querySelectorAll('.ann-notice').length > n, before, {
    timeout: 20_000,
  });
  return lastNotice(page);
}

async function paste(page, text) {
  await newArticleScreen(page);
  const field = page.getByLabel('Article text', { exact: true });
  await field.fill(text);
  await page.getByRole('button', { name: 'Start annotating' }).click();
}

test('an HTML article full of scripts opens as its visible text only', async () => {
  const page = await guardedApp();
  await openArticle(page, 'hostile.html', Buffer.from(HOSTILE_HTML));
  await page.waitForFunction((s) => document.querySelector(s)?.textContent.includes('Visible words after.'), ARTICLE);
  const text = await articleText(page);
  assert.match(text, /Visible words before\./);
  assert.match(text, /a javascript link/);
  assert.doesNotMatch(text, /__pwned/);
  await assertNothingHappened(page);
});

test('the same HTML pasted as article text opens as text, never as markup', async () => {
  const page = await guardedApp();
  await paste(page, HOSTILE_HTML);
  await page.waitForFunction((s) => document.querySelector(s)?.textContent.includes('Visible words after.'), ARTICLE);
  assert.doesNotMatch(await articleText(page), /Visible words after\.[\s\S]*__pwned/);
  await assertNothingHappened(page);
  // Markup inside plain prose stays visible as the characters typed.
  const prose = `Plain prose first. <img src=x onerror="${PWN}"> <svg><script>${PWN}</script></svg> end.`;
  await paste(page, prose);
  await page.waitForFunction((s) => document.querySelector(s)?.textContent.includes('Plain prose first.'), ARTICLE);
  await assertNothingHappened(page);
});

test('the HTML given to Import annotations is refused with a readable message', async () => {
  const page = await guardedApp();
  const notice = await importFiles(page, [file('hostile.html', HOSTILE_HTML, 'text/html')]);
  assert.equal(notice.kind, 'error', JSON.stringify(notice));
  assert.ok(notice.text.length > 10, JSON.stringify(notice));
  await assertNothingHappened(page);
});

test('a 2 MB article on one line opens whole', async () => {
  const page = await guardedApp();
  const line = 'word '.repeat(400_000).trimEnd();
  await openArticle(page, 'one-line.txt', Buffer.from(line));
  await page.waitForFunction(
    ([s, n]) => document.querySelector(s)?.textContent.length === n,
    [ARTICLE, line.length],
    { timeout: 30_000 },
  );
  await assertNothingHappened(page);
});

test('JSON nested 100,000 deep is refused by the importer with the nesting limit', async () => {
  const page = await guardedApp();
  const notice = await importFiles(page, [file('deep.json', '['.repeat(100_000))]);
  assert.equal(notice.kind, 'error', JSON.stringify(notice));
  assert.match(JSON.stringify(notice), /nests more than 64 levels/);
  await assertNothingHappened(page);
});

test('files over the limits are refused with their size and the limit', async () => {
  const page = await guardedApp();
  // 6 MB of text: a readable file, but over the 5 MB article limit.
  let before = await openArticle(page, 'big.txt', Buffer.alloc(6_000_000, 'a'));
  let notice = await newNotice(page, before);
  assert.equal(notice.kind, 'error', JSON.stringify(notice));
  assert.match(notice.text, /articles up to 5 MB/, JSON.stringify(notice));
  // 21 MB: over the 20 MB file limit, for an article and for an import.
  const huge = Buffer.alloc(21_000_000, 'a');
  before = await openArticle(page, 'huge.txt', huge);
  notice = await newNotice(page, before);
  assert.equal(notice.kind, 'error', JSON.stringify(notice));
  assert.match(notice.text, /is 21 MB; .*files up to 20 MB/, JSON.stringify(notice));
  notice = await importFiles(page, [file('huge.json', huge)]);
  assert.equal(notice.kind, 'error', JSON.stringify(notice));
  assert.match(JSON.stringify(notice), /up to 20 MB/);
  await assertNothingHappened(page);
});

test('NUL bytes and invalid UTF-8 opened or pasted as an article never break the app', async () => {
  const page = await guardedApp();
  const nul = Buffer.from('before\u0000after <script>window.__pwned=1</script>\u0000', 'utf8');
  const invalid = Buffer.from([0x61, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x62, 0x0a, 0x93, 0x81]);
  for (const [name, bytes] of [
    ['nul.txt', nul],
    ['invalid.txt', invalid],
  ]) {
    const before = await openArticle(page, name, bytes);
    // Either the article opens (decoded, with a notice) or a message says why not.
    await page.waitForFunction(
      (n) => document.querySelectorAll('.ann-notice').length > n || document.querySelector('[data-article-text]'),
      before,
    );
    const notices = await page.locator('.ann-notice').count();
    if (notices > before) assert.ok((await lastNotice(page)).text.length > 10);
  }
  await paste(page, 'text with a NUL \u0000 inside');
  await page.waitForFunction(
    (s) => document.querySelector(s)?.textContent.includes('text with a NUL') || document.querySelector('[role=alert]'),
    ARTICLE,
  );
  await assertNothingHappened(page);
});

test('NUL bytes and invalid UTF-8 given to the importer are refused with a message', async () => {
  const nul = Buffer.from('before\u0000after <script>window.__pwned=1</script>\u0000', 'utf8');
  const invalid = Buffer.from([0x61, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x62, 0x0a, 0x93, 0x81]);
  for (const [name, bytes] of [
    ['nul.json', nul],
    ['invalid.json', invalid],
    ['invalid.csv', invalid],
  ]) {
    // A fresh page each: the same message twice shows as one notice.
    const page = await guardedApp();
    const notice = await importFiles(page, [file(name, bytes)]);
    assert.equal(notice.kind, 'error', JSON.stringify(notice));
    assert.match(notice.text, /^Nothing imported: /, JSON.stringify(notice));
    await assertNothingHappened(page);
  }
});

/** Every string of a native export under a text-like key replaced by a payload. */
function poison(value, key = '') {
  if (Array.isArray(value)) return value.map((item) => poison(item, key));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = poison(v, k);
    if ('tags' in value && 'start' in value) {
      out.attributes = { '<img src=x onerror="window.__pwned=1">': '<script>window.__pwned=1</script>' };
    }
    return out;
  }
  if (typeof value !== 'string') return value;
  if (/url|href|link/i.test(key)) return `javascript:${PWN}`;
  if (/^(title|label|note|notes|comment|publisher|author|description)$/i.test(key)) {
    return `<img src=x onerror="${PWN}"><script>${PWN}</script> ${key}`;
  }
  return value;
}

test('a native file whose title, notes, tags and attributes carry payloads shows them as text', async () => {
  const source = await guardedApp();
  await tagText(source, 'clandestine meetings', 'Claim');
  await waitSaved(source);
  const [exported] = await download(source, 'Export JSON');
  const poisoned = JSON.stringify(poison(JSON.parse(exported.text)));
  assert.match(poisoned, /onerror/);

  const page = await guardedApp();
  const notice = await importFiles(page, [file('poisoned.json', poisoned, 'application/json')]);
  assert.ok(notice.text.length > 10, JSON.stringify(notice));
  // Show everything the import may have brought: the annotation list and its details.
  const item = page.locator('.ann-list__items li').first();
  if (await item.count()) await item.click();
  await assertNothingHappened(page);
  await assertNothingHappened(source);
});

test('a full session asks the server only for the app’s own files and nothing else', async () => {
  const page = await guardedApp();
  await tagText(page, 'clandestine meetings', 'Claim');
  await waitSaved(page);
  await page.getByRole('button', { name: 'Library', exact: true }).click();
  await page.getByRole('button', { name: 'Back to the open document' }).click();
  await page.locator(ARTICLE).waitFor();
  const [exported] = await download(page, 'Export JSON');
  const notice = await importFiles(page, [file(exported.name, exported.text, 'application/json')]);
  assert.notEqual(notice.kind, 'error', JSON.stringify(notice));
  await page.getByRole('button', { name: 'Claims report' }).click();
  await page.getByRole('dialog', { name: 'Claims report' }).waitFor();
  await page.keyboard.press('Escape');
  await assertNothingHappened(page);
  const root = page.server.root;
  const strays = page.server.requests
    .map((request) => decodeURIComponent(request.path.split(/[?#]/)[0]))
    .filter((p) => p !== '/' && !fs.existsSync(path.join(root, p)));
  assert.deepEqual(strays, [], 'requests for files that are not in dist/');
  const odd = (await page.server.answered()).filter((request) => request.method !== 'GET' || request.status !== 200);
  assert.deepEqual(odd, [], 'every request a GET the server answered with a file');
});
