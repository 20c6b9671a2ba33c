// Annotating in the browser with a real mouse and keyboard: select, tag, see, edit, undo.
// After every action the article's textContent must still be the document text exactly,
// and every annotation's marks must concatenate to its quote.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  ARTICLE,
  ROOT,
  articleText,
  dragSelect,
  expectNoConsoleErrors,
  marks,
  newPage,
  openApp,
  screenshot,
  selectByOffsets,
  selection,
  useHarness,
  waitForApp,
} from './harness.mjs';

const SAMPLE = fs.readFileSync(path.join(ROOT, 'src/ui/sample-article.txt'), 'utf8');
const CASES = JSON.parse(
  fs.readFileSync(path.join(ROOT, '../shared/fixtures/unicode/unicode_cases.json'), 'utf8'),
).cases;

useHarness();

/** The text each annotation id covers, from the flat marks. */
async function quotesById(page) {
  const byId = new Map();
  for (const mark of await marks(page)) {
    for (const id of mark.ids) byId.set(id, (byId.get(id) ?? '') + mark.text);
  }
  return byId;
}

/** Tags the current selection with the toolbar button `label`; returns the new id. */
async function tagWith(page, label) {
  const before = new Set((await quotesById(page)).keys());
  await page.getByRole('toolbar', { name: 'Tag the selection' }).getByRole('button', { name: label, exact: true }).click();
  await page.waitForFunction(
    ([selector, count]) => new Set([...document.querySelectorAll(`${selector} mark`)].flatMap((m) => m.dataset.ids.split(' '))).size > count,
    [ARTICLE, before.size],
  );
  const added = [...(await quotesById(page)).keys()].filter((id) => !before.has(id));
  assert.equal(added.length, 1, `one new annotation, got ${added}`);
  return added[0];
}

async function assertTextIntact(page, expected) {
  assert.equal(await articleText(page), expected, 'the article textContent must equal the document text');
  const nested = await page.locator(`${ARTICLE} mark mark`).count();
  assert.equal(nested, 0, 'marks are never nested');
}

async function openArticleFile(page, name, content) {
  await page.getByRole('button', { name: 'New article', exact: true }).click();
  await page.getByLabel('Open article').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(content, 'utf8') });
  await page.locator(ARTICLE).waitFor();
  await page.waitForFunction(([selector, text]) => document.querySelector(selector)?.textContent === text, [ARTICLE, content]);
}

test('a claim on the sample: drag, toolbar, highlight, list entry', async () => {
  const page = await openApp();
  await dragSelect(page, 'The Trump administration', 'clandestine meetings');
  const toolbar = page.getByRole('toolbar', { name: 'Tag the selection' });
  await toolbar.waitFor();
  const id = await tagWith(page, 'Claim');
  const quotes = await quotesById(page);
  assert.equal(quotes.get(id), 'The Trump administration held a series of clandestine meetings');
  const claimMarks = (await marks(page)).filter((m) => m.ids.includes(id));
  assert.ok(claimMarks.every((m) => m.tags.includes('claim')));
  await assert.doesNotReject(toolbar.waitFor({ state: 'detached' }));
  const item = page.locator('.ann-list__items li');
  assert.equal(await item.count(), 1);
  assert.match(await item.first().textContent(), /The Trump administration held a series of clandestine meetings/);
  await assertTextIntact(page, SAMPLE);
  await screenshot(page, 'annotate-claim');
  expectNoConsoleErrors(page);
});

test('word snapping completes partial words; whitespace is trimmed', async () => {
  const page = await openApp();
  const text = await articleText(page);
  const start = text.indexOf('dministration held') ; // inside "administration"
  await selectByOffsets(page, start - 1, start + 'dministration he'.length + 1); // " …he" -> ends inside "held"
  const id = await tagWith(page, 'Source');
  assert.equal((await quotesById(page)).get(id), 'administration held');
  await assertTextIntact(page, SAMPLE);
});

test('a selection across two paragraphs covers the paragraph break exactly', async () => {
  const page = await openApp();
  await dragSelect(page, 'Story continues below', 'The military officials');
  const id = await tagWith(page, 'Source');
  assert.equal((await quotesById(page)).get(id), 'Story continues below\n\nThe military officials');
  await assertTextIntact(page, SAMPLE);
});

test('nested and partly overlapping selections across existing highlights stay flat and exact', async () => {
  const page = await openApp();
  await dragSelect(page, 'The military officials', 'armed forces members');
  const outer = await tagWith(page, 'Claim');
  await dragSelect(page, 'a faction', 'few hundred');
  const nested = await tagWith(page, 'Entity');
  await dragSelect(page, 'forces members', 'authoritarian tendencies');
  const partial = await tagWith(page, 'Source');
  const quotes = await quotesById(page);
  assert.equal(quotes.get(outer), 'The military officials in question claimed to represent a faction of a few hundred armed forces members');
  assert.equal(quotes.get(nested), 'a faction of a few hundred');
  assert.equal(quotes.get(partial), 'forces members who were fed up with Maduro’s authoritarian tendencies');
  const deepest = (await marks(page)).filter((m) => m.ids.length === 2);
  assert.ok(deepest.some((m) => m.text === 'a faction of a few hundred'));
  assert.ok(deepest.some((m) => m.text === 'forces members'));
  await assertTextIntact(page, SAMPLE);

  // A click where two annotations overlap offers a chooser.
  await page.locator(`${ARTICLE} mark`, { hasText: 'forces members' }).first().click();
  const chooser = page.getByRole('menu', { name: 'Choose an annotation' });
  await chooser.waitFor();
  assert.equal(await chooser.getByRole('menuitem').count(), 2);
  await chooser.getByRole('menuitem').filter({ hasText: 'Source' }).click();
  await page.locator('.ann-details').waitFor();
  assert.match(await page.locator('.ann-details__quote').textContent(), /forces members who were fed up/);
  await screenshot(page, 'annotate-overlaps');
  expectNoConsoleErrors(page);
});

test('undo and redo by button and by keyboard restore the exact state', async () => {
  const page = await openApp();
  await dragSelect(page, 'Current and former U.S. officials');
  const id = await tagWith(page, 'Claim');
  const undo = page.getByRole('button', { name: 'Undo', exact: true });
  const redo = page.getByRole('button', { name: 'Redo', exact: true });
  await undo.click();
  await page.waitForFunction((s) => document.querySelectorAll(`${s} mark`).length === 0, ARTICLE);
  await assertTextIntact(page, SAMPLE);
  await redo.click();
  await page.locator(`${ARTICLE} mark[data-ids~="${id}"]`).first().waitFor();
  assert.equal((await quotesById(page)).get(id), 'Current and former U.S. officials');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await page.waitForFunction((s) => document.querySelectorAll(`${s} mark`).length === 0, ARTICLE);
  await page.keyboard.press('Control+Shift+z');
  await page.locator(`${ARTICLE} mark[data-ids~="${id}"]`).first().waitFor();
  await page.keyboard.press('Control+z');
  await page.waitForFunction((s) => document.querySelectorAll(`${s} mark`).length === 0, ARTICLE);
  await page.keyboard.press('Control+y');
  await page.locator(`${ARTICLE} mark[data-ids~="${id}"]`).first().waitFor();
  await assertTextIntact(page, SAMPLE);
  expectNoConsoleErrors(page);
});

test('number keys tag the selection; details edit tag and note; delete and undo', async () => {
  const page = await openApp();
  await dragSelect(page, 'Bloomberg reported');
  await page.getByRole('toolbar', { name: 'Tag the selection' }).waitFor();
  await page.keyboard.press('2');
  const mark = page.locator(`${ARTICLE} mark`).first();
  await mark.waitFor();
  assert.equal(await mark.getAttribute('data-tags'), 'source');
  await mark.click();
  const details = page.locator('.ann-details');
  await details.waitFor();
  await details.getByLabel('Tag').selectOption('entity');
  await page.waitForFunction((s) => document.querySelector(`${s} mark`)?.dataset.tags === 'entity', ARTICLE);
  await details.getByLabel('Note').fill('Check the original Bloomberg story.');
  await page.locator('.ann-list__note', { hasText: 'Check the original Bloomberg story.' }).waitFor();
  await details.getByRole('button', { name: 'Delete annotation' }).click();
  await page.waitForFunction((s) => document.querySelectorAll(`${s} mark`).length === 0, ARTICLE);
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await page.locator(`${ARTICLE} mark`).first().waitFor();
  assert.equal(await page.locator(`${ARTICLE} mark`).first().getAttribute('data-tags'), 'entity');
  assert.match(await page.locator('.ann-list__note').first().textContent(), /Check the original Bloomberg story/);
  await assertTextIntact(page, SAMPLE);
  expectNoConsoleErrors(page);
});

test('a custom tag gets a toolbar button and a key', async () => {
  const page = await openApp();
  await page.getByText('Tags', { exact: true }).click();
  await page.getByLabel('New tag name').fill('Quote');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await dragSelect(page, 'an act of craziness');
  const id = await tagWith(page, 'Quote');
  assert.equal((await quotesById(page)).get(id), 'an act of craziness');
  assert.ok((await marks(page)).some((m) => m.tags.includes('quote')));
  await dragSelect(page, 'an unprecedented threat to national sovereignty');
  await page.keyboard.press('4');
  await page.waitForFunction((s) => document.querySelectorAll(`${s} mark[data-tags="quote"]`).length === 2, ARTICLE);
  // A badge shows the label's first letter in capitals, in any script: the app keeps it as
  // written and the style sheet upper-cases it.
  await page.getByLabel('New tag name').fill('évidence');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.ann-badge')].some((b) => b.textContent === 'é' && b.innerText === 'É'));
});

// Snapping is a part fetched when a person starts selecting. Held back here, the first
// selection is proposed as the browser made it, and a tag chosen meanwhile waits: once the
// part arrives the annotation gets the whole words, as it would have with the part there.
test('a selection tagged before its snapping is fetched is snapped before it is stored', async () => {
  const page = await newPage({ context: { serviceWorkers: 'block' } });
  let release;
  const held = new Promise((resolve) => (release = resolve));
  let asked = 0;
  await page.route(/split_selection_snap-[0-9a-f]+\.wasm$/, async (route) => {
    asked += 1;
    await held;
    await route.continue();
  });
  await page.goto(page.server.origin + '/');
  await waitForApp(page);
  assert.equal(asked, 0, 'the snapping is fetched only once a person starts selecting');
  await dragSelect(page, 'act of crazin');
  const toolbar = page.getByRole('toolbar', { name: 'Tag the selection' });
  await toolbar.waitFor();
  assert.equal(asked, 1);
  await page.keyboard.press('1');
  await page.waitForTimeout(300);
  assert.equal((await marks(page)).length, 0, 'nothing is stored before the selection is snapped');
  release();
  await page.waitForFunction((s) => document.querySelectorAll(`${s} mark`).length > 0, ARTICLE);
  assert.deepEqual((await marks(page)).map((m) => m.text), ['act of craziness']);
  expectNoConsoleErrors(page);
});

const INVISIBLE_EDGE = /^[\s\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\s\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]$/u;

// The app must store exactly what the browser selected. Where a mouse drag cannot select the
// fixture's span (mixed-direction text is selected visually by browsers), the stored quote
// must still equal the browser's selection; most spans must come out as the fixture says.
test('the Unicode cases: a mouse selection of each quote is stored exactly', async () => {
  const page = await openApp({ viewport: { width: 1280, height: 900 } });
  let checked = 0;
  let asFixture = 0;
  for (const fixture of CASES) {
    const spans = fixture.annotations.filter(
      (a) => a.on_grapheme_boundaries && a.utf16.start < a.utf16.end && !INVISIBLE_EDGE.test(a.quote),
    );
    if (spans.length === 0) continue;
    await openArticleFile(page, `${fixture.id}.txt`, fixture.text);
    for (const span of spans) {
      await selectByOffsets(page, span.utf16.start, span.utf16.end);
      const selected = await selection(page);
      const toolbar = page.getByRole('toolbar', { name: 'Tag the selection' });
      await toolbar.waitFor();
      const snap = toolbar.getByLabel('Snap to whole words');
      if (await snap.isChecked()) await snap.uncheck();
      const id = await tagWith(page, 'Entity');
      const stored = (await quotesById(page)).get(id);
      assert.equal(stored, selected.text.trim(), `${fixture.id}: the stored quote is what the browser selected`);
      if (selected.text === span.quote) {
        assert.equal(stored, span.quote, `${fixture.id}: ${span.quote_escaped ?? span.quote}`);
        asFixture += 1;
      }
      await assertTextIntact(page, fixture.text);
      checked += 1;
    }
  }
  assert.ok(checked >= 40, `expected the fixture's visible spans to be tried, tried ${checked}`);
  assert.ok(asFixture >= 35, `expected most spans to be selected exactly by mouse, got ${asFixture} of ${checked}`);
  expectNoConsoleErrors(page);
});
