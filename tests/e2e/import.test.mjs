// Importing annotation files through the "Import annotations" control: every interchange
// format the app exports comes back in, a second import of the same file adds nothing, an
// import is one undo step, and broken files are refused with a clear message while the
// stored annotations stay exactly as they were.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, expectNoConsoleErrors, marks, openApp, screenshot, useHarness } from './harness.mjs';
import {
  download,
  file,
  importFiles,
  lastNotice,
  storedDocuments,
  annotationsOf,
  tagText,
  waitSaved,
} from './library-helpers.mjs';

const FIXTURES = path.resolve(ROOT, '../shared/fixtures');
const FIRST = 'clandestine meetings';
const SECOND = 'New York Times report';
const ARTICLE_SELECTOR = '[data-article-text]';

useHarness();

/** A page with two tagged annotations, saved; returns it. */
async function annotatedPage() {
  const page = await openApp();
  await tagText(page, FIRST, 'Claim');
  await tagText(page, SECOND, 'Source');
  await waitSaved(page);
  return page;
}

/**
 * The files of a store-only zip (what "Export brat (zip)" downloads), read from its central
 * directory the way unzip tools do: `[{ name, text }]` in the archive's order.
 */
function unzipStored(bytes) {
  const end = bytes.length - 22;
  assert.equal(bytes.readUInt32LE(end), 0x06054b50, 'end of central directory');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const files = [];
  for (let i = 0; i < count; i++) {
    assert.equal(bytes.readUInt32LE(at), 0x02014b50, 'central directory entry');
    assert.equal(bytes.readUInt16LE(at + 10), 0, 'stored, not compressed');
    const size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const skip = nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const data = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    files.push({ name, text: bytes.subarray(data, data + size).toString('utf8') });
    at += 46 + skip;
  }
  return files;
}

/** brat's one download, unzipped; checks the names inside match the zip's stem. */
async function bratFiles(page) {
  const [zip] = await download(page, 'Export brat (zip)');
  assert.match(zip.name, /\.brat\.zip$/);
  const files = unzipStored(zip.bytes);
  const stem = zip.name.slice(0, -'.brat.zip'.length);
  assert.deepEqual(
    files.map((f) => f.name),
    [`${stem}.txt`, `${stem}.ann`],
  );
  return files;
}

function markTexts(list) {
  return list.map((m) => m.text).sort();
}

test('the import control is labelled, reachable with the keyboard, and takes several files', async () => {
  const page = await openApp();
  const input = page.getByLabel('Import annotations');
  assert.equal(await input.count(), 1);
  assert.equal(await input.getAttribute('type'), 'file');
  assert.equal(await input.evaluate((i) => i.multiple), true);
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await input.evaluate((i) => document.activeElement === i);
  }
  assert.ok(reached, 'Tab never reached the Import annotations input');
  expectNoConsoleErrors(page);
});

for (const [format, exportFiles] of [
  ['W3C Web Annotation', (page) => download(page, 'Export W3C Web Annotation')],
  ['doccano JSONL', (page) => download(page, 'Export doccano JSONL')],
  ['CSV', (page) => download(page, 'Export CSV')],
  ['brat (one zip; its .ann + .txt in one pick)', bratFiles],
]) {
  test(`a ${format} export imports into a fresh browser; importing it again adds nothing`, async () => {
    const source = await annotatedPage();
    const files = await exportFiles(source);
    const expected = markTexts(await marks(source));

    const page = await openApp();
    assert.deepEqual(await marks(page), []);
    const notice = await importFiles(
      page,
      files.map((f) => file(f.name, f.text)),
    );
    assert.notEqual(notice.kind, 'error', JSON.stringify(notice));
    assert.match(notice.text, /2 annotations imported/, JSON.stringify(notice));
    assert.deepEqual(markTexts(await marks(page)), expected);
    await waitSaved(page);

    const again = await importFiles(
      page,
      files.map((f) => file(f.name, f.text)),
    );
    assert.match(again.text, /0 annotations imported/, JSON.stringify(again));
    assert.ok(
      again.details.some((d) => /0 imported, 2 merged/.test(d)),
      `details: ${JSON.stringify(again.details)}`,
    );
    assert.deepEqual(markTexts(await marks(page)), expected);
    if (format.startsWith('W3C')) {
      await page.locator('.ann-notice').last().locator('summary', { hasText: 'Details' }).click();
      await screenshot(page, 'import-summary-notice');
    }
    expectNoConsoleErrors(page);
  });
}

test('an import is one undo step', async () => {
  const source = await annotatedPage();
  const [w3c] = await download(source, 'Export W3C Web Annotation');
  const page = await openApp();
  await tagText(page, 'several meetings', 'Entity');
  await importFiles(page, [file(w3c.name, w3c.text)]);
  assert.equal((await marks(page)).length, 3);
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  assert.deepEqual(markTexts(await marks(page)), ['several meetings']);
  await page.getByRole('button', { name: 'Redo', exact: true }).click();
  assert.equal((await marks(page)).length, 3);
});

test('a native file without the text is anchored by quote to the open document', async () => {
  const source = await annotatedPage();
  await source.locator('summary', { hasText: 'Export' }).click();
  await source.getByLabel('Include the article text').uncheck();
  await source.locator('summary', { hasText: 'Export' }).click();
  const [native] = await download(source, 'Export JSON');
  assert.match(native.name, /annotations-only/);
  const articleLength = (await source.locator('[data-article-text]').textContent()).length;
  assert.ok(native.text.length < articleLength, 'the annotations-only export should not carry the text');

  const page = await openApp();
  const notice = await importFiles(page, [file(native.name, native.text)]);
  assert.match(notice.text, /2 annotations imported/, JSON.stringify(notice));
  assert.deepEqual(markTexts(await marks(page)), markTexts(await marks(source)));
});

test('a garbage file is refused with a clear message and changes nothing', async () => {
  const page = await annotatedPage();
  const before = await storedDocuments(page);
  const garbage = Buffer.from([0x00, 0x9f, 0x92, 0x96, 0xff, 0x10, 0x42, 0x13, 0x37]);
  const notice = await importFiles(page, [file('mystery.bin', garbage)]);
  assert.equal(notice.kind, 'error');
  assert.match(notice.text, /^Nothing imported: /);
  assert.ok(notice.text.length > 'Nothing imported: '.length + 10, notice.text);
  assert.equal((await marks(page)).length, 2);
  assert.deepEqual(await storedDocuments(page), before);
  expectNoConsoleErrors(page);
});

for (const name of ['invalid-utf8.txt', 'lone-surrogate.json']) {
  test(`unicode fixture ${name} is refused with a clear error`, async () => {
    const page = await annotatedPage();
    const before = await storedDocuments(page);
    const notice = await importFiles(page, [path.join(FIXTURES, 'unicode/files', name)]);
    assert.equal(notice.kind, 'error', JSON.stringify(notice));
    assert.match(notice.text, /^Nothing imported: /);
    assert.match(notice.text + notice.details.join(' '), /UTF-8|surrogate|encod/i, JSON.stringify(notice));
    assert.deepEqual(await storedDocuments(page), before);
  });
}

for (const [name, rule] of [
  ['no-target.json', /target/i],
  ['position-negative-start.json', /start|position|negative/i],
]) {
  test(`invalid W3C file ${name} is refused with the rule named; stored annotations unchanged`, async () => {
    const page = await annotatedPage();
    const before = await storedDocuments(page);
    const notice = await importFiles(page, [path.join(FIXTURES, 'w3c/local-examples/invalid', name)]);
    const all = [notice.text, ...notice.details].join('\n');
    assert.notEqual(notice.kind, 'info', all);
    assert.match(all, rule, all);
    assert.equal((await marks(page)).length, 2);
    const after = await storedDocuments(page);
    for (const id of Object.keys(before)) {
      assert.deepEqual(annotationsOf(after[id]), annotationsOf(before[id]), `document ${id}`);
    }
  });
}

test('dropping an article file opens it; dropping an annotation file imports it', async () => {
  const source = await annotatedPage();
  const [w3c] = await download(source, 'Export W3C Web Annotation');
  const page = await openApp();
  const drop = async (name, text) => {
    const handle = await page.evaluateHandle(
      ([name, text]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], name));
        return dt;
      },
      [name, text],
    );
    await page.dispatchEvent('body', 'dragenter', { dataTransfer: handle });
    await page.locator('.ann-drop-overlay', { hasText: 'Drop to import' }).waitFor();
    await page.dispatchEvent('body', 'drop', { dataTransfer: handle });
  };
  await drop(w3c.name, w3c.text);
  await page.locator('.ann-notice', { hasText: '2 annotations imported' }).waitFor();
  assert.equal((await marks(page)).length, 2);
  assert.equal(await page.locator('.ann-drop-overlay').count(), 0);

  await drop('letter.txt', 'A short letter.\n\nIt has two paragraphs.');
  await page.locator('[data-article-text]', { hasText: 'It has two paragraphs.' }).waitFor();
  assert.deepEqual(await marks(page), []);

  // On every screen: an article dropped on the Library opens too.
  await page.getByRole('button', { name: 'Library', exact: true }).click();
  await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
  await drop('note.txt', 'A note dropped on the Library.\n\nIt opens all the same.');
  await page.locator('[data-article-text]', { hasText: 'It opens all the same.' }).waitFor();
});

test('fuzzy and orphaned imports are listed for review: accept, re-select, delete', async () => {
  // The app's own annotations-only export, with one quote misspelled (found only
  // approximately) and one that is nowhere in the article (orphaned).
  const source = await annotatedPage();
  await source.locator('summary', { hasText: 'Export' }).click();
  await source.getByLabel('Include the article text').uncheck();
  await source.locator('summary', { hasText: 'Export' }).click();
  const [exported] = await download(source, 'Export JSON');
  const native = JSON.parse(exported.text);
  const list = native.annotations;
  assert.equal(list.length, 2, exported.text);
  const byQuote = (q) => list.find((a) => JSON.stringify(a).includes(q));
  const fuzzy = byQuote(FIRST);
  const orphan = byQuote(SECOND);
  const rewrite = (annotation, from, to) => {
    const json = JSON.stringify(annotation).split(from).join(to);
    Object.assign(annotation, JSON.parse(json));
  };
  rewrite(fuzzy, FIRST, 'clandestine meetinsg');
  rewrite(orphan, SECOND, 'a sentence that is nowhere in this article at all');
  const clearContext = (value) => {
    if (value && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        if (key === 'prefix' || key === 'suffix') value[key] = '';
        else clearContext(value[key]);
      }
    }
  };
  clearContext(orphan);
  const page = await openApp();
  const notice = await importFiles(page, [file('review.json', JSON.stringify(native))]);
  const review = page.locator('.ann-review');
  await review.waitFor();
  await screenshot(page, 'import-review-list');
  const items = review.locator('.ann-review__item');
  const statuses = await review.locator('.ann-review__status').allTextContents();
  assert.ok(statuses.some((s) => /Orphaned/.test(s)), `${JSON.stringify(statuses)} ${JSON.stringify(notice)}`);
  assert.ok(await items.count() >= 1);

  // Re-select the orphan: select new text, then "Use selection".
  const orphanItem = items.filter({ hasText: 'nowhere in this article' });
  await orphanItem.getByRole('button', { name: 'Re-select' }).click();
  const { dragSelect } = await import('./harness.mjs');
  await dragSelect(page, 'several meetings');
  await orphanItem.getByRole('button', { name: 'Use selection' }).click();
  await page.locator('mark', { hasText: 'several meetings' }).first().waitFor();
  assert.equal(await items.filter({ hasText: 'nowhere in this article' }).count(), 0);

  // Whatever is left (a fuzzy match) can be accepted; then the section disappears.
  while ((await items.count()) > 0) {
    const first = items.first();
    const accept = first.getByRole('button', { name: 'Accept' });
    if (await accept.count()) await accept.click();
    else await first.getByRole('button', { name: 'Delete' }).click();
  }
  assert.equal(await review.count(), 0);
  // Undo brings the last decision back into review.
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await review.waitFor();
  expectNoConsoleErrors(page);
});

test('a file whose text is another stored document goes into that document, written once', async () => {
  const page = await annotatedPage();
  const files = await bratFiles(page);
  const sampleId = await page.evaluate(() => localStorage.getItem('article-annotator:v1:last-open'));
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await waitSaved(page);
  assert.equal(annotationsOf((await storedDocuments(page))[sampleId]).length, 0);
  // Open another article, then import the brat pair made on the first one.
  const handle = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['A short letter.\n\nIt has two paragraphs.'], 'letter.txt'));
    return dt;
  });
  await page.dispatchEvent('body', 'drop', { dataTransfer: handle });
  await page.locator('[data-article-text]', { hasText: 'It has two paragraphs.' }).waitFor();
  await waitSaved(page);
  const notice = await importFiles(
    page,
    files.map((f) => file(f.name, f.text)),
  );
  assert.match(notice.text, /2 annotations imported into “Trump admin/, JSON.stringify(notice));
  assert.deepEqual(await marks(page), [], 'the open article is not the target');
  const stored = (await storedDocuments(page))[sampleId];
  assert.equal(annotationsOf(stored).length, 2);
  assert.ok(stored.revision >= 2);
});

test('imported attributes are shown as names and values, whatever characters they hold', async () => {
  const source = await annotatedPage();
  const [exported] = await download(source, 'Export JSON');
  const native = JSON.parse(exported.text);
  // The record and unit separators once packed these pairs into one string: a value holding
  // them must still show as one value, under its own name.
  const attributes = {
    'origin\u001fsystem': 'wire\u001eservice\u001fdesk',
    plain: 'value',
  };
  let given = 0;
  for (const annotation of native.annotations) {
    annotation.attributes = attributes;
    given += 1;
  }
  assert.equal(given, 2);

  const page = await openApp();
  const notice = await importFiles(page, [file('with-attributes.json', JSON.stringify(native), 'application/json')]);
  assert.notEqual(notice.kind, 'error', JSON.stringify(notice));
  await page.locator('.ann-list__items li button').first().click();
  const list = page.locator('dl.ann-details__attributes');
  await list.waitFor();
  const names = await list.locator('dt').allTextContents();
  const values = await list.locator('dd').allTextContents();
  assert.deepEqual(names, Object.keys(attributes).sort());
  assert.deepEqual(
    values,
    Object.keys(attributes)
      .sort()
      .map((name) => attributes[name]),
  );
  expectNoConsoleErrors(page);
});

/** Code point offset of `needle` in `text` (JSONL formats count code points). */
function codePointIndex(text, needle) {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} not in the article`);
  return Array.from(text.slice(0, at)).length;
}

test('a Prodigy span whose text differs from its offsets is moved or left for review, never highlighted wrong', async () => {
  const page = await openApp();
  const text = await page.locator('[data-article-text]').textContent();
  const first = codePointIndex(text, FIRST);
  const second = codePointIndex(text, SECOND);
  const span = (start, end, quote) => ({ start, end, label: 'CLAIM', text: quote });
  const record = {
    text,
    answer: 'accept',
    spans: [
      // Right offsets and text.
      span(first, first + Array.from(FIRST).length, FIRST),
      // Text of the second passage at offsets 0–5: found by its text, elsewhere.
      span(0, 5, SECOND),
      // Offsets of the second passage, with a text the article does not hold.
      span(second, second + 5, 'a sentence that is nowhere in this article'),
    ],
  };
  const notice = await importFiles(page, [file('prodigy.jsonl', `${JSON.stringify(record)}\n`)]);
  assert.match(notice.text, /3 annotations imported/, JSON.stringify(notice));
  assert.match(notice.text, /1 moved/, JSON.stringify(notice));
  assert.match(notice.text, /1 orphaned/, JSON.stringify(notice));
  assert.ok(
    notice.details.some((d) => /spans\[2\].*not the span's "a sentence that is nowhere/.test(d)),
    JSON.stringify(notice.details),
  );
  // Only the two passages whose text was found are highlighted; nothing at the offsets whose
  // text did not match.
  assert.deepEqual(markTexts(await marks(page)), [FIRST, SECOND].sort());
  const review = page.locator('.ann-review');
  await review.waitFor();
  const items = review.locator('.ann-review__item', { hasText: 'nowhere in this article' });
  assert.equal(await items.count(), 1);
  expectNoConsoleErrors(page);
});

test('a Hypothesis API file is placed on the open article with its note and tags', async () => {
  const page = await openApp();
  const text = await page.locator('[data-article-text]').textContent();
  const start = text.indexOf(FIRST); // Hypothesis counts UTF-16 units, as JavaScript does.
  const annotation = {
    id: 'hyp-1',
    created: '2024-05-02T09:00:00.000000+00:00',
    updated: '2024-05-02T09:00:00.000000+00:00',
    user: 'acct:reader@hypothes.is',
    uri: 'https://example.org/article',
    text: 'Who was at these meetings?',
    tags: ['question', 'follow-up'],
    group: '__world__',
    permissions: { read: ['group:__world__'] },
    target: [
      {
        source: 'https://example.org/article',
        selector: [
          { type: 'RangeSelector', startContainer: '/main[1]/p[2]', startOffset: 4, endContainer: '/main[1]/p[2]', endOffset: 24 },
          { type: 'TextPositionSelector', start, end: start + FIRST.length },
          { type: 'TextQuoteSelector', exact: FIRST, prefix: text.slice(Math.max(0, start - 10), start), suffix: '' },
        ],
      },
    ],
    document: { title: ['Article'] },
    links: { html: 'https://hypothes.is/a/hyp-1' },
  };
  const search = { total: 1, rows: [annotation] };
  const notice = await importFiles(page, [file('hypothesis.json', JSON.stringify(search))]);
  assert.notEqual(notice.kind, 'error', JSON.stringify(notice));
  assert.match(notice.text, /1 annotation imported/, JSON.stringify(notice));
  assert.ok(notice.details.some((d) => /Hypothesis JSON/.test(d)), JSON.stringify(notice.details));
  assert.deepEqual(markTexts(await marks(page)), [FIRST]);
  expectNoConsoleErrors(page);
});

test('importing a file made on another version of the open article asks where its annotations go', async () => {
  const original =
    'Harbour council approves the new ferry line\n\nThe harbour council approved the new ferry line on Monday. ' +
    'The mayor said the line would cut travel times by half. Critics said the budget was far too small.';
  const edited = original.replace('far too small', 'much too small');
  const openText = async (page, name, text) => {
    await page.getByRole('button', { name: 'New article', exact: true }).click();
    await page.getByLabel('Open article').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text, 'utf8') });
    await page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [ARTICLE_SELECTOR, text]);
  };
  const source = await openApp();
  await openText(source, 'ferry.txt', original);
  await tagText(source, 'cut travel times by half', 'Claim');
  await tagText(source, 'The mayor', 'Source');
  await waitSaved(source);
  const [native] = await download(source, 'Export JSON');

  const ask = async () => {
    const page = await openApp();
    await openText(page, 'ferry-edited.txt', edited);
    await page.getByLabel('Import annotations').setInputFiles([file(native.name, native.text)]);
    const dialog = page.getByRole('dialog', { name: 'This file was made on another version of the article' });
    await dialog.waitFor();
    return { page, dialog };
  };

  // Place on the open text: the edited article gets the annotations, re-anchored.
  const first = await ask();
  await screenshot(first.page, 'import-version-question');
  await first.dialog.getByRole('button', { name: 'Place on the open text' }).click();
  await first.dialog.waitFor({ state: 'detached' });
  assert.equal(await first.page.locator(ARTICLE_SELECTOR).textContent(), edited, 'the open article stays open');
  assert.deepEqual(markTexts(await marks(first.page)), ['The mayor', 'cut travel times by half']);
  expectNoConsoleErrors(first.page);

  // Open as its own document: a new document, named apart from the open one.
  const second = await ask();
  await second.dialog.getByRole('button', { name: 'Open as its own document' }).click();
  await second.page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [ARTICLE_SELECTOR, original]);
  await waitSaved(second.page);
  const titles = Object.values(await storedDocuments(second.page)).map((e) => e?.document?.title ?? '');
  assert.ok(titles.some((t) => /\(version from .+\.json\)$/.test(t)), JSON.stringify(titles));
  expectNoConsoleErrors(second.page);
});

test('notices about a document go when another opens; errors stay until dismissed', async () => {
  const page = await openApp();
  const garbage = Buffer.from([0x00, 0x9f, 0x92, 0x96, 0xff, 0x10, 0x42, 0x13, 0x37]);
  const error = await importFiles(page, [file('mystery.bin', garbage)]);
  assert.equal(error.kind, 'error');
  // A Windows-1252 article opens with a warning about how it was read.
  const openText = async (name, buffer, text) => {
    await page.getByRole('button', { name: 'New article', exact: true }).click();
    await page.getByLabel('Open article').setInputFiles({ name, mimeType: 'text/plain', buffer });
    await page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent.startsWith(t), [ARTICLE_SELECTOR, text]);
  };
  await openText('cafe.txt', Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x65, 0x77, 0x73, 0x2e]), 'Caf');
  const warning = page.locator('.ann-notice--warning', { hasText: 'cafe.txt' });
  await warning.waitFor();
  await openText('other.txt', Buffer.from('Another article entirely.', 'utf8'), 'Another');
  await warning.waitFor({ state: 'detached' });
  assert.equal(await page.locator('.ann-notice--error').count(), 1, 'the error stays until dismissed');
});

test('offsets that could count code points or UTF-16 units, nothing deciding, ask which', async () => {
  // "b c" is code points 4–7; counted in UTF-16 units (the chart emoji counts twice) 4–7 is
  // " b ". Both fit and neither splits a character: the person chooses.
  const record = { text: '📉 a b c d e', label: [[4, 7, 'X']] };
  const ask = async () => {
    const page = await openApp();
    await page.getByLabel('Import annotations').setInputFiles([file('units.jsonl', `${JSON.stringify(record)}\n`)]);
    const dialog = page.getByRole('dialog', { name: 'Which unit do this file’s offsets count in?' });
    await dialog.waitFor();
    return { page, dialog };
  };

  const first = await ask();
  assert.match(await first.dialog.textContent(), /As Unicode code points \(what the format says\): “b c”/);
  await screenshot(first.page, 'import-unit-question');
  const before = await first.page.locator('.ann-notice').count();
  await first.dialog.getByRole('button', { name: 'Read as UTF-16 units' }).click();
  await first.dialog.waitFor({ state: 'detached' });
  await first.page.waitForFunction((n) => document.querySelectorAll('.ann-notice').length > n, before);
  const notice = await lastNotice(first.page);
  assert.ok(notice.details.some((d) => /read as UTF-16 units, as chosen/.test(d)), JSON.stringify(notice));
  await first.page.waitForFunction((s) => document.querySelector(s)?.textContent === '📉 a b c d e', ARTICLE_SELECTOR);
  assert.deepEqual(markTexts(await marks(first.page)), [' b ']);
  expectNoConsoleErrors(first.page);

  const second = await ask();
  await second.dialog.getByRole('button', { name: 'Read as Unicode code points' }).click();
  await second.dialog.waitFor({ state: 'detached' });
  await second.page.waitForFunction((s) => document.querySelector(s)?.textContent === '📉 a b c d e', ARTICLE_SELECTOR);
  assert.deepEqual(markTexts(await marks(second.page)), ['b c']);
  expectNoConsoleErrors(second.page);
});
