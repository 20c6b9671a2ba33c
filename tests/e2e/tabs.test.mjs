// Two tabs of one person: each tab reopens the document it had open, the sample is one
// library entry however many tabs open it, and "Open sample article" comes back to it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ARTICLE, articleText, expectNoConsoleErrors, instrument, marks, openApp, useHarness, waitForApp } from './harness.mjs';
import { annotationsOf, storedDocuments, tagText, waitSaved } from './library-helpers.mjs';

useHarness();

const OTHER = 'A second article.\n\nIt has two paragraphs about the harbour budget.';

async function secondTab(first) {
  const second = instrument(await first.context().newPage());
  await second.goto(first.server.origin + '/');
  await waitForApp(second);
  return second;
}

async function openArticleFile(page, name, content) {
  await page.getByRole('button', { name: 'New article', exact: true }).click();
  await page.getByLabel('Open article').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(content, 'utf8') });
  await page.waitForFunction(([selector, text]) => document.querySelector(selector)?.textContent === text, [ARTICLE, content]);
}

async function reload(page) {
  await page.reload();
  await waitForApp(page);
}

test('first visit in two tabs: one sample entry, and both tabs keep the work of both', async () => {
  const first = await openApp();
  // The second tab starts before the first has stored anything.
  const second = await secondTab(first);
  await tagText(first, 'clandestine meetings', 'Claim');
  await waitSaved(first);
  await tagText(second, 'New York Times report', 'Source');
  await waitSaved(second);

  const documents = await storedDocuments(first);
  assert.deepEqual(Object.keys(documents), ['sample'], 'the sample is one library entry');
  assert.equal(annotationsOf(documents.sample).length, 2);
  for (const page of [first, second]) {
    await reload(page);
    const shown = (await marks(page)).map((mark) => mark.text).sort();
    assert.deepEqual(shown, ['New York Times report', 'clandestine meetings']);
  }
  expectNoConsoleErrors(first);
  expectNoConsoleErrors(second);
});

test('a reload brings each tab back to its own document', async () => {
  const first = await openApp();
  await tagText(first, 'clandestine meetings', 'Claim');
  await waitSaved(first);
  const second = await secondTab(first);
  await openArticleFile(second, 'harbour.txt', OTHER);
  await tagText(second, 'harbour budget', 'Claim');
  await waitSaved(second);

  // The second tab opened a document last; the first tab still has the sample.
  await reload(first);
  assert.notEqual(await articleText(first), OTHER, 'the first tab reopened the other tab\'s document');
  assert.deepEqual((await marks(first)).map((mark) => mark.text), ['clandestine meetings']);
  await reload(second);
  assert.equal(await articleText(second), OTHER);
  assert.deepEqual((await marks(second)).map((mark) => mark.text), ['harbour budget']);

  // A new tab starts with the document opened last in any tab.
  const third = await secondTab(first);
  assert.equal(await articleText(third), OTHER);
  expectNoConsoleErrors(first);
  expectNoConsoleErrors(second);
});

test('"Open sample article" reopens the sample entry with its work instead of copying it', async () => {
  const page = await openApp();
  await tagText(page, 'clandestine meetings', 'Claim');
  await waitSaved(page);
  await openArticleFile(page, 'harbour.txt', OTHER);
  await page.getByRole('button', { name: 'New article', exact: true }).click();
  await page.getByRole('button', { name: 'Open sample article' }).click();
  await page.locator(`${ARTICLE} mark`, { hasText: 'clandestine meetings' }).waitFor();
  await waitSaved(page);
  const ids = Object.keys(await storedDocuments(page)).sort();
  assert.equal(ids.length, 2, `expected the sample and the other article, found ${ids.join(', ')}`);
  assert.ok(ids.includes('sample'));
  expectNoConsoleErrors(page);
});

test('the library marks the open document, counts by tag name, and tells look-alike rows apart', async () => {
  const page = await openApp();
  await tagText(page, 'clandestine meetings', 'Claim');
  await waitSaved(page);
  // The same file opened twice: two entries with one title and one text.
  await openArticleFile(page, 'harbour.txt', OTHER);
  await waitSaved(page);
  await openArticleFile(page, 'harbour.txt', OTHER);
  await tagText(page, 'harbour budget', 'Claim');
  await tagText(page, 'two paragraphs', 'Source');
  await waitSaved(page);

  await page.getByRole('button', { name: 'Library', exact: true }).click();
  const rows = page.locator('.ann-library tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 3);
  const current = page.locator('.ann-library tbody tr[aria-current="true"]');
  assert.equal(await current.count(), 1, 'exactly one row is the open document');
  assert.match(await current.textContent(), /Open now/);
  assert.match(await current.textContent(), /2 annotations: Claim 1, Source 1/);
  const lookAlikes = page.locator('.ann-library tbody tr', { hasText: 'same text as 1 other' });
  assert.equal(await lookAlikes.count(), 2, 'both copies say they hold the same text');
  const sample = page.locator('.ann-library tbody tr', { hasText: '1 annotation: Claim 1' });
  assert.equal(await sample.count(), 1);
  assert.equal(await sample.locator('.ann-library__apart').count(), 0, 'a title of its own needs no telling apart');
  expectNoConsoleErrors(page);
});
