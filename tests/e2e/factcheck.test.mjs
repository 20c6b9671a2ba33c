// The fact-checking workflow end to end, with real mouse and keyboard input: a claim made by
// dragging, its verdict, status, statement and fact-check URL set in the details panel (an
// invalid URL refused beside its field), a source and an entity tagged, links made with the
// mouse (Link…, then a click on the highlight) and with the keyboard only, the links shown in
// both annotations' details and drawn over the article, the claims report with its
// Organisation setting and its ClaimReview and CSV downloads parsed, and undo of a verdict.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { dragSelect, expectNoConsoleErrors, localStorageEntries, openApp, screenshot, useHarness } from './harness.mjs';

useHarness();

const STATEMENT = 'The US secretly met Venezuelan officers who planned a coup';
const FACTCHECK_URL = 'https://factcheck.example/venezuela-talks';
const ORGANISATION = 'Example Fact Check';

/** RFC 4180: quoted cells may hold commas, quotes ("") and line breaks. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

async function download(page, buttonName) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: buttonName, exact: true }).click(),
  ]);
  return { name: file.suggestedFilename(), text: fs.readFileSync(await file.path(), 'utf8') };
}

const details = (page) => page.locator('section.ann-details');
const markOf = (page, tag) => page.locator(`[data-article-text] mark[data-tags="${tag}"]`).first();

async function detailsHeading(page) {
  return (await page.locator('#ann-details-heading').textContent())?.trim();
}

/** Presses J or K until the details panel shows an annotation tagged `label`. */
async function stepTo(page, label, key = 'j') {
  for (let i = 0; i < 6; i++) {
    if ((await details(page).count()) > 0 && (await detailsHeading(page)) === label) return;
    await page.keyboard.press(key);
    await page.waitForTimeout(30);
  }
  assert.equal(await detailsHeading(page), label, `could not reach a ${label} with ${key}`);
}

test('fact-checking: fields, mouse and keyboard links, claims report, exports, undo', async () => {
  const page = await openApp({ viewport: { width: 1360, height: 900 } });

  // A claim, by a real mouse drag.
  await dragSelect(page, 'The Trump administration held', 'clandestine meetings');
  await page.getByRole('button', { name: 'Claim', exact: true }).click();
  await details(page).waitFor();
  assert.equal(await detailsHeading(page), 'Claim');

  await page.getByLabel('Verdict', { exact: true }).selectOption({ label: 'False' });
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Checked' });
  const statement = page.getByLabel('Claim statement', { exact: true });
  await statement.fill(STATEMENT);
  await statement.press('Tab');

  // An invalid URL is refused next to its field and not stored.
  const url = page.getByLabel('Fact-check URL', { exact: true });
  await url.fill('javascript:alert(1)');
  await url.press('Tab');
  const error = details(page).locator('.ann-fc-field__error:not([hidden])');
  await error.waitFor();
  assert.match(await error.textContent(), /not a web link/);
  assert.equal(await url.getAttribute('aria-invalid'), 'true');
  const errorId = await error.getAttribute('id');
  assert.ok((await url.getAttribute('aria-describedby')).split(' ').includes(errorId));
  await url.fill(FACTCHECK_URL);
  await url.press('Tab');
  await error.waitFor({ state: 'detached' }).catch(() => {});
  assert.equal(await details(page).locator('.ann-fc-field__error:not([hidden])').count(), 0);
  assert.equal(await url.getAttribute('aria-invalid'), 'false');
  await screenshot(page, 'factcheck-details-fields');

  // A source and an entity.
  await dragSelect(page, 'New York Times report');
  await page.getByRole('button', { name: 'Source', exact: true }).click();
  await page.getByLabel('Source kind', { exact: true }).selectOption({ label: 'Media' });
  await dragSelect(page, 'Donald Trump');
  await page.getByRole('button', { name: 'Entity', exact: true }).click();
  const canonical = page.getByLabel('Canonical name', { exact: true });
  await canonical.fill('Donald Trump');
  await canonical.press('Tab');

  // Mouse: select the claim, Link…, click the source's highlight, pick the kind.
  await markOf(page, 'claim').click();
  await page.waitForFunction(() => document.querySelector('#ann-details-heading')?.textContent === 'Claim');
  await details(page).getByRole('button', { name: 'Link…' }).click();
  const banner = page.getByText('Click the highlight to link to, or press Escape');
  await banner.waitFor();
  await screenshot(page, 'factcheck-link-mode');
  await markOf(page, 'source').click();
  const supported = page.getByRole('menuitem', { name: /^Supported by/ });
  await supported.waitFor();
  await screenshot(page, 'factcheck-kind-menu');
  await supported.click();
  await banner.waitFor({ state: 'detached' });
  // Mouse again: the claimant.
  await details(page).getByRole('button', { name: 'Link…' }).click();
  await banner.waitFor();
  await markOf(page, 'entity').click();
  await page.getByRole('menuitem', { name: /^Claimant/ }).click();
  await banner.waitFor({ state: 'detached' });

  const linkTexts = async () =>
    (await details(page).locator('.ann-fc-link').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
  const claimLinks = await linkTexts();
  assert.equal(claimLinks.length, 2, JSON.stringify(claimLinks));
  assert.ok(claimLinks.some((t) => t.startsWith('Supported by') && t.includes('New York Times report')), JSON.stringify(claimLinks));
  assert.ok(claimLinks.some((t) => t.startsWith('Claimant') && t.includes('Donald Trump')), JSON.stringify(claimLinks));
  const claimantSelect = page.getByLabel('Claimant', { exact: true });
  assert.equal(await claimantSelect.evaluate((s) => s.selectedOptions[0]?.textContent), 'Donald Trump');
  // The connection is drawn over the article for the selected claim.
  await page.locator('svg.ann-connections path.ann-connection__line').nth(1).waitFor({ state: 'attached' });
  assert.equal(await page.locator('svg.ann-connections path.ann-connection__line').count(), 2);
  await screenshot(page, 'factcheck-connections');

  // Keyboard only: J to the source, L to link, arrows to "Attributed to" the entity, Enter.
  await page.locator('#ann-details-heading').click(); // a neutral spot, outside any field
  await stepTo(page, 'Source');
  await page.keyboard.press('l');
  await banner.waitFor();
  const focusedText = () => page.evaluate(() => document.activeElement?.textContent ?? '');
  for (let i = 0; i < 6 && !(await focusedText()).startsWith('Attributed to'); i++) {
    await page.keyboard.press('ArrowDown');
  }
  assert.match(await focusedText(), /^Attributed to.*Donald Trump/);
  await screenshot(page, 'factcheck-keyboard-candidates');
  await page.keyboard.press('Enter');
  await banner.waitFor({ state: 'detached' });
  // Focus goes back to the details panel, not the page body.
  await page.waitForFunction(() => document.activeElement?.closest('.ann-details, #ann-sidebar') != null, null, {
    timeout: 3_000,
  });
  const sourceLinks = await linkTexts();
  assert.ok(sourceLinks.some((t) => t.startsWith('Supports') && t.includes('The Trump administration')), JSON.stringify(sourceLinks));
  assert.ok(sourceLinks.some((t) => t.startsWith('Attributed to') && t.includes('Donald Trump')), JSON.stringify(sourceLinks));

  // The entity's details show both links from the other end.
  await stepTo(page, 'Entity');
  const entityLinks = await linkTexts();
  assert.ok(entityLinks.some((t) => t.startsWith('Claimant of') && t.includes('The Trump administration')), JSON.stringify(entityLinks));
  assert.ok(entityLinks.some((t) => t.startsWith('Author of') && t.includes('New York Times report')), JSON.stringify(entityLinks));

  // The claims report.
  await page.getByRole('button', { name: 'Claims report' }).click();
  await page.getByRole('dialog', { name: 'Claims report' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Export CSV', exact: true }).count(), 1);
  const gaps = page.locator('.ann-report__gaps');
  assert.match(await gaps.textContent(), /Organisation/);
  // Nothing can be exported yet: "Export ClaimReview" is not styled as the main action.
  const claimReviewButton = page.getByRole('button', { name: 'Export ClaimReview', exact: true });
  const isPrimary = () => claimReviewButton.evaluate((b) => b.classList.contains('ann-button--primary'));
  assert.equal(await isPrimary(), false, 'not the main action while nothing can be exported');
  const organisation = page.getByLabel('Organisation', { exact: true });
  await organisation.fill(ORGANISATION);
  await organisation.press('Tab');
  await gaps.waitFor({ state: 'detached' });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Export ClaimReview' && b.classList.contains('ann-button--primary')),
  );
  const stored = await localStorageEntries(page);
  const organisationKey = Object.keys(stored).find((k) => k.startsWith('article-annotator:') && stored[k].includes(ORGANISATION));
  assert.ok(organisationKey, `organisation not stored: ${JSON.stringify(Object.keys(stored))}`);
  const rowText = (await page.locator('.ann-report__table tbody tr').first().textContent()).replace(/\s+/g, ' ');
  for (const expected of [STATEMENT, 'False', 'Checked', 'Donald Trump', 'New York Times report']) {
    assert.ok(rowText.includes(expected), `report row lacks ${expected}: ${rowText}`);
  }
  await screenshot(page, 'factcheck-report');

  const review = await download(page, 'Export ClaimReview');
  const reviews = JSON.parse(review.text);
  assert.equal(reviews.length, 1);
  assert.equal(reviews[0]['@type'], 'ClaimReview');
  assert.equal(reviews[0].claimReviewed, STATEMENT);
  assert.equal(reviews[0].reviewRating.alternateName, 'False');
  assert.equal(reviews[0].author.name, ORGANISATION);
  assert.equal(reviews[0].itemReviewed.author.name, 'Donald Trump');
  assert.equal(reviews[0].url, FACTCHECK_URL);

  const csv = await download(page, 'Export CSV');
  assert.match(csv.name, /\.csv$/);
  const [header, ...rows] = parseCsv(csv.text.replace(/^\uFEFF/, '')).filter((r) => r.length > 1);
  assert.deepEqual(header, ['number', 'annotation_id', 'start', 'end', 'statement', 'quote', 'verdict', 'verdict_id', 'status', 'claim_type', 'checkworthiness', 'claimant', 'sources', 'note']);
  assert.equal(rows.length, 1);
  const cell = (name) => rows[0][header.indexOf(name)];
  // start and end are code points into the article: they give back the claim's quote.
  const articleCodePoints = [...(await page.locator('[data-article-text]').textContent())];
  assert.equal(articleCodePoints.slice(Number(cell('start')), Number(cell('end'))).join(''), cell('quote'));
  assert.equal(cell('statement'), STATEMENT);
  assert.equal(cell('verdict'), 'False');
  assert.equal(cell('verdict_id'), 'false');
  assert.equal(cell('status'), 'Checked');
  assert.equal(cell('claimant'), 'Donald Trump');
  assert.equal(cell('sources'), 'supported_by: New York Times report');

  await page.getByRole('button', { name: 'Close report' }).click();
  await page.getByRole('dialog', { name: 'Claims report' }).waitFor({ state: 'detached' });

  // Undo brings a changed verdict back.
  await markOf(page, 'claim').click();
  await page.waitForFunction(() => document.querySelector('#ann-details-heading')?.textContent === 'Claim');
  const verdict = page.getByLabel('Verdict', { exact: true });
  await verdict.selectOption({ label: 'Mostly true' });
  assert.equal(await verdict.inputValue(), 'mostly-true');
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('section.ann-details select[id^="ann-fc-verdict"]')?.value === 'false');
  await page.getByRole('button', { name: 'Redo', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('section.ann-details select[id^="ann-fc-verdict"]')?.value === 'mostly-true');

  expectNoConsoleErrors(page);
});

test('fact-checking: Escape leaves link mode without linking, and a removed link can be undone', async () => {
  const page = await openApp();
  await dragSelect(page, 'The Trump administration held', 'clandestine meetings');
  await page.getByRole('button', { name: 'Claim', exact: true }).click();
  await dragSelect(page, 'New York Times report');
  await page.getByRole('button', { name: 'Source', exact: true }).click();
  await markOf(page, 'claim').click();
  await details(page).getByRole('button', { name: 'Link…' }).click();
  const banner = page.getByText('Click the highlight to link to, or press Escape');
  await banner.waitFor();
  await page.keyboard.press('Escape');
  await banner.waitFor({ state: 'detached' });
  assert.equal(await details(page).locator('.ann-fc-link').count(), 0);

  await details(page).getByRole('button', { name: 'Link…' }).click();
  await markOf(page, 'source').click();
  await page.getByRole('menuitem', { name: /^Contradicted by/ }).click();
  assert.equal(await details(page).locator('.ann-fc-link').count(), 1);
  await details(page).getByRole('button', { name: /^Remove link: Contradicted by/ }).click();
  assert.equal(await details(page).locator('.ann-fc-link').count(), 0);
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await details(page).locator('.ann-fc-link').waitFor();
  assert.match(await details(page).locator('.ann-fc-link').textContent(), /Contradicted by/);
  expectNoConsoleErrors(page);
});

test('link mode: the banner leaves the header free, and link mode ends on undo and on search', async () => {
  const page = await openApp();
  await dragSelect(page, 'The Trump administration held', 'clandestine meetings');
  await page.getByRole('button', { name: 'Claim', exact: true }).click();
  await dragSelect(page, 'New York Times report');
  await page.getByRole('button', { name: 'Source', exact: true }).click();
  const banner = page.locator('.ann-link-banner');
  const startLinking = async () => {
    await markOf(page, 'claim').click();
    await details(page).getByRole('button', { name: 'Link…' }).click();
    await banner.waitFor();
  };

  await startLinking();
  const header = await page.locator('.ann-header').boundingBox();
  const box = await banner.boundingBox();
  assert.ok(box.y >= header.y + header.height, `the banner (${box.y}px) is below the header (ends ${header.y + header.height}px)`);
  await screenshot(page, 'factcheck-link-banner');
  // Undo (the source just tagged goes away): link mode ends with it.
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await banner.waitFor({ state: 'detached' });

  await page.getByRole('button', { name: 'Redo', exact: true }).click();
  await startLinking();
  await page.getByPlaceholder('Search quotes and notes').fill('Times');
  await banner.waitFor({ state: 'detached' });
  assert.equal(await details(page).locator('.ann-fc-link').count(), 0, 'nothing was linked');
  expectNoConsoleErrors(page);
});

/**
 * The text lines of the article and its headline as viewport boxes (one per line fragment of
 * each text node), slightly shrunk so that touching edges do not count.
 */
async function textLines(page) {
  return page.evaluate(() => {
    const boxes = [];
    for (const root of document.querySelectorAll('[data-article-text], .ann-article-heading')) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.data.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) {
          if (r.width > 1 && r.height > 1) boxes.push({ left: r.left + 1, right: r.right - 1, top: r.top + 1, bottom: r.bottom - 1 });
        }
      }
    }
    return boxes;
  });
}

/** Points every 2 px along each drawn link, and each label's box. */
async function drawnLinks(page) {
  return page.evaluate(() => {
    const paths = [...document.querySelectorAll('svg.ann-connections path.ann-connection__line')].map((path) => {
      const length = path.getTotalLength();
      const points = [];
      for (let at = 0; at <= length; at += 2) {
        const p = path.getPointAtLength(at);
        points.push({ x: p.x, y: p.y });
      }
      return points;
    });
    const labels = [...document.querySelectorAll('svg.ann-connections .ann-connection__label-bg')].map((rect) => {
      const r = rect.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    });
    return { paths, labels };
  });
}

const inside = (p, box) => p.x > box.left && p.x < box.right && p.y > box.top && p.y < box.bottom;
const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

for (const width of [1280, 1000]) test(`${width} px: links run in the gutter beside the text, never over a line, and their labels do not overlap`, async () => {
  const page = await openApp({ viewport: { width, height: 1000 } });
  const tagAs = async (start, end, tag) => {
    await dragSelect(page, start, end);
    await page.getByRole('button', { name: tag, exact: true }).click();
  };
  // A claim in the middle, sources in three other paragraphs above and below it.
  await tagAs('several meetings', 'rebellious officers', 'Claim');
  await tagAs('New York Times report', 'New York Times report', 'Source');
  await tagAs('According to the New York Times', 'According to the New York Times', 'Source');
  await tagAs('defence minister', 'defence minister', 'Source');
  const markWith = (text) => page.locator('[data-article-text] mark', { hasText: text }).first();
  const link = async (target, kind) => {
    await markWith('several meetings').click();
    await page.waitForFunction(() => document.querySelector('#ann-details-heading')?.textContent === 'Claim');
    await details(page).getByRole('button', { name: 'Link…' }).click();
    await markWith(target).click();
    await page.getByRole('menuitem', { name: new RegExp(`^${kind}`) }).click();
    await page.locator('.ann-link-banner').waitFor({ state: 'detached' });
  };
  await link('New York Times report', 'Supported by');
  await link('According to the New York Times', 'Supported by');
  await link('defence minister', 'Contradicted by');
  assert.equal(await details(page).locator('.ann-fc-link').count(), 3);
  await page.locator('svg.ann-connections path.ann-connection__line').nth(2).waitFor({ state: 'attached' });
  await page.waitForTimeout(100); // the drawing follows in the next frame

  const lines = await textLines(page);
  const { paths, labels } = await drawnLinks(page);
  assert.equal(paths.length, 3);
  const textLeft = Math.min(...lines.map((l) => l.left));
  let inGutter = 0;
  for (const [i, points] of paths.entries()) {
    for (const p of points) {
      const hit = lines.find((box) => inside(p, box));
      assert.equal(hit, undefined, `link ${i} runs over a line of text at (${p.x.toFixed(0)}, ${p.y.toFixed(0)})`);
    }
    // The long vertical part of each link runs left of the text.
    const ys = points.map((p) => p.y);
    const vertical = points.filter((p) => p.x < textLeft - 4);
    assert.ok(vertical.length > 0 && Math.max(...vertical.map((p) => p.y)) - Math.min(...vertical.map((p) => p.y)) > (Math.max(...ys) - Math.min(...ys)) * 0.6,
      `link ${i} runs vertically in the gutter`);
    inGutter += 1;
  }
  assert.equal(inGutter, 3);
  // Each link has a lane of its own: their vertical parts never lie on top of each other.
  const laneXs = paths.map((points) => Math.min(...points.map((p) => p.x)));
  assert.equal(new Set(laneXs.map((x) => Math.round(x))).size, 3, `lanes at ${laneXs}`);
  // Labels: one per link, in the gutter, none over another or over the text.
  assert.equal(labels.length, 3);
  for (const [i, a] of labels.entries()) {
    assert.ok(a.right <= textLeft, `label ${i} is in the gutter`);
    for (const b of labels.slice(i + 1)) assert.ok(!overlap(a, b), `labels overlap: ${JSON.stringify([a, b])}`);
    assert.equal(lines.find((box) => overlap(a, box)), undefined, `label ${i} covers text`);
  }
  await screenshot(page, `factcheck-links-gutter-${width}`);

  // Dark: the same drawing, in the dark theme's colours.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(100);
  await screenshot(page, `factcheck-links-gutter-${width}-dark`);

  // A phone has no gutter: no curve over the article; the details panel lists the links.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(200);
  const visible = await page.locator('svg.ann-connections').evaluate((svg) => getComputedStyle(svg).display !== 'none' && svg.querySelectorAll('path').length > 0);
  assert.equal(visible, false, 'no curves on a phone');
  assert.equal(await details(page).locator('.ann-fc-link').count(), 3);
  expectNoConsoleErrors(page);
});
