// Long work says it is working: opening a multi-megabyte article shows a progress indicator
// (role="progressbar") that goes once the article is whole, the page answers input while the
// article is still being drawn, and a reload with that article open draws it in steps again.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ARTICLE, articleText, expectNoConsoleErrors, openApp, useHarness } from './harness.mjs';
import { waitSaved } from './library-helpers.mjs';

useHarness();

/** About `bytes` of plain text in paragraphs (ASCII: code points are UTF-16 units). */
function bigText(bytes) {
  const paragraphs = [];
  let size = 0;
  for (let p = 0; size < bytes; p++) {
    const sentence = `Paragraph ${p} says the harbour budget grew by ${p % 97} percent, according to report ${p}. `;
    const paragraph = sentence.repeat(5).trim();
    paragraphs.push(paragraph);
    size += paragraph.length + 2;
  }
  return paragraphs.join('\n\n');
}

// Runs in the page before its scripts: records every progress indicator shown (its name, and
// whether it said how far it was) and whether the article was ever marked busy.
function recordProgress() {
  const seen = (window.__progress = { labels: [], withValue: false, busy: false, boot: null });
  const look = () => {
    for (const bar of document.querySelectorAll('[role="progressbar"]')) {
      const label = bar.getAttribute('aria-label');
      if (!seen.labels.includes(label)) seen.labels.push(label);
      if (bar.hasAttribute('aria-valuenow')) seen.withValue = true;
    }
    if (document.querySelector('[data-article-text][aria-busy="true"]')) seen.busy = true;
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true });
  document.addEventListener('DOMContentLoaded', () => {
    seen.boot = document.querySelector('.ann-boot[role="progressbar"]') !== null;
    look();
  });
}

const indicatorGone = (page) =>
  page.waitForFunction(
    (selector) =>
      document.querySelector('[role="progressbar"]') === null &&
      document.querySelector(selector)?.getAttribute('aria-busy') === null,
    ARTICLE,
    { timeout: 60_000 },
  );

test('opening a multi-megabyte article shows progress, answers input meanwhile, and ends whole', async () => {
  const page = await openApp();
  await page.evaluate(recordProgress);
  const text = bigText(3_000_000);
  await page.getByRole('button', { name: 'New article', exact: true }).click();
  await page
    .getByLabel('Open article')
    .setInputFiles({ name: 'harbour.txt', mimeType: 'text/plain', buffer: Buffer.from(text, 'utf8') });

  // The article is drawn in steps: the first screenful is there, the indicator says how far.
  const drawing = page.getByRole('progressbar', { name: 'Drawing the article' });
  await drawing.waitFor({ timeout: 30_000 });
  assert.equal(await page.locator(ARTICLE).getAttribute('aria-busy'), 'true');
  assert.ok((await page.locator(`${ARTICLE} .ann-para`).count()) > 0, 'the first paragraphs are drawn at once');

  // The page answers a real key press while the rest is drawn: the input event is handled
  // while the indicator is still up (a page busy to the end would handle it afterwards).
  const search = page.getByPlaceholder('Search quotes and notes');
  await search.evaluate((input) => {
    input.addEventListener('input', () => (window.__answeredWhileDrawing ??= document.querySelector('[role="progressbar"]') !== null), {
      once: true,
    });
  });
  await search.focus();
  await page.keyboard.press('h');
  await page.waitForFunction(() => window.__answeredWhileDrawing !== undefined, null, { timeout: 30_000 });
  assert.equal(await page.evaluate(() => window.__answeredWhileDrawing), true, 'input was answered while drawing');
  await search.fill('');

  // Then the indicator goes, and the article is the whole text.
  await indicatorGone(page);
  assert.equal(await articleText(page), text, 'the whole text is drawn');
  const seen = await page.evaluate(() => window.__progress);
  assert.ok(seen.labels.includes('Opening “harbour.txt”'), `reading the file was announced: ${seen.labels}`);
  assert.ok(seen.labels.includes('Drawing the article'), `drawing was shown: ${seen.labels}`);
  assert.ok(seen.withValue, 'the drawing indicator says how far it is');
  assert.ok(seen.busy, 'the article was marked busy while incomplete');

  // A reload with that article open: the start-up indicator, then drawing in steps again.
  await waitSaved(page);
  await page.addInitScript(recordProgress);
  await page.reload();
  await page.locator(ARTICLE).waitFor();
  await indicatorGone(page);
  assert.equal(await articleText(page), text, 'the reopened article is whole');
  const reopened = await page.evaluate(() => window.__progress);
  assert.equal(reopened.boot, true, 'the page shows an indicator while the app starts');
  assert.ok(reopened.labels.includes('Drawing the article'), `drawing after the reload was shown: ${reopened.labels}`);
  assert.equal(await page.locator('.ann-boot').count(), 0, 'the start-up indicator is gone');
  expectNoConsoleErrors(page);
});

test('a short article is drawn whole at once, with no indicator', async () => {
  const page = await openApp();
  await page.evaluate(recordProgress);
  const text = bigText(20_000);
  await page.getByRole('button', { name: 'New article', exact: true }).click();
  await page
    .getByLabel('Open article')
    .setInputFiles({ name: 'short.txt', mimeType: 'text/plain', buffer: Buffer.from(text, 'utf8') });
  await page.waitForFunction(([selector, text]) => document.querySelector(selector)?.textContent === text, [ARTICLE, text]);
  const seen = await page.evaluate(() => window.__progress);
  assert.deepEqual(seen.labels, [], 'no indicator for a short article');
  assert.equal(seen.busy, false);
  assert.equal(await page.locator('.ann-boot').count(), 0);
});
