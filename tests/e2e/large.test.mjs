// A long article with thousands of annotations: marks are drawn near the screen only, the
// text is always complete, and everything still reaches every annotation (scrolling, the
// annotation list, tagging far down, picking a claimant among hundreds of entities).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ARTICLE, articleText, dragSelect, expectNoConsoleErrors, openApp, selection, useHarness } from './harness.mjs';

useHarness();

const PARAGRAPHS = 700;

function longDocument() {
  const paragraphs = [];
  const annotations = [];
  let offset = 0;
  for (let p = 0; p < PARAGRAPHS; p++) {
    const who = `Alice Example${p}`;
    const claim = `the budget grew by ${p} percent`;
    const source = `the council report number ${p}`;
    const paragraph = `Paragraph ${p}: ${who} said ${claim} in the harbour district, according to ${source}.`;
    const span = (id, tag, quote) => {
      const start = offset + paragraph.indexOf(quote);
      annotations.push({ id, tag, start, end: start + quote.length, quote });
    };
    span(`e${p}`, 'entity', who);
    span(`c${p}`, 'claim', claim);
    span(`s${p}`, 'source', source);
    paragraphs.push(paragraph);
    offset += paragraph.length + 2; // ASCII only: code points are UTF-16 units here.
  }
  const text = paragraphs.join('\n\n');
  return {
    text,
    json: {
      format: 'article-annotator', version: 1, offset_unit: 'codepoint',
      document: { id: 'd-long', title: 'Harbour budget, paragraph by paragraph', text },
      tags: [
        { id: 'claim', label: 'Claim', color: '#d55e00' },
        { id: 'source', label: 'Source', color: '#0072b2' },
        { id: 'entity', label: 'Entity', color: '#009e73' },
      ],
      annotations,
    },
  };
}

const marksOf = (page, id) => page.locator(`${ARTICLE} mark[data-ids~="${id}"]`);

test('a long article draws marks near the screen only, and every annotation is still reachable', async () => {
  const { text, json } = longDocument();
  assert.ok(json.annotations.length >= 2000);
  const page = await openApp();
  await page.getByLabel('Import annotations').setInputFiles({
    name: 'long.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)),
  });
  await page.waitForFunction(([selector, length]) => document.querySelector(selector)?.textContent.length === length, [ARTICLE, text.length], { timeout: 30_000 });
  assert.equal(await articleText(page), text, 'the whole text is there, marked or not');
  await marksOf(page, 'c0').waitFor();
  const drawn = await page.locator(`${ARTICLE} mark`).count();
  assert.ok(drawn > 0 && drawn < 900, `${drawn} of ${json.annotations.length} marks drawn near the top`);
  assert.equal(await marksOf(page, 'c699').count(), 0, 'nothing drawn at the far end yet');

  // Scrolling to the end draws the marks there.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await marksOf(page, 'c699').waitFor();
  assert.equal(await articleText(page), text);

  // Tagging far down works like anywhere else.
  await dragSelect(page, 'harbour district, according to the council report number 690');
  await page.getByRole('button', { name: 'Claim', exact: true }).click();
  await page.locator(`${ARTICLE} mark`, { hasText: 'harbour district' }).first().waitFor();

  // From the top, the list brings a far annotation into view, drawn and selected.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByPlaceholder('Search quotes and notes').fill('budget grew by 650 percent');
  await page.locator('.ann-list__button', { hasText: 'budget grew by 650 percent' }).click();
  await page.locator(`${ARTICLE} mark.ann-mark--selected[data-ids~="c650"]`).waitFor();
  const box = await marksOf(page, 'c650').first().boundingBox();
  const height = page.viewportSize().height;
  assert.ok(box && box.y >= 0 && box.y + box.height <= height, `the claim is on screen (${JSON.stringify(box)})`);

  // Hundreds of entities: the claimant list is built when the person goes to it.
  const claimant = page.getByLabel('Claimant');
  await claimant.waitFor();
  assert.equal(await claimant.locator('option').count(), 1, 'only "none" until the list is used');
  await claimant.focus();
  await page.waitForFunction(() => document.querySelectorAll('[id^="ann-fc-claimant-"] option').length === 701);
  await claimant.selectOption({ label: 'Alice Example650' });
  await page.waitForFunction(() => document.querySelector('[id^="ann-fc-claimant-"]')?.value === 'e650');
  expectNoConsoleErrors(page);
});

async function openLong(page, json, text) {
  await page.getByLabel('Import annotations').setInputFiles({
    name: 'long.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)),
  });
  await page.waitForFunction(([selector, length]) => document.querySelector(selector)?.textContent.length === length, [ARTICLE, text.length], { timeout: 30_000 });
  await marksOf(page, 'c0').waitFor();
}

test('a long article prints every mark', async () => {
  const { text, json } = longDocument();
  const page = await openApp();
  await openLong(page, json, text);
  await page.emulateMedia({ media: 'print' });
  await marksOf(page, 'c699').waitFor();
  const ids = await page.locator(`${ARTICLE} mark`).evaluateAll((marks) => new Set(marks.flatMap((m) => m.dataset.ids.split(' '))).size);
  assert.equal(ids, json.annotations.length, 'on paper every annotation has its mark');
  await page.emulateMedia({ media: 'screen' });
  await page.waitForFunction((selector) => document.querySelectorAll(`${selector} mark`).length < 900, ARTICLE);
  expectNoConsoleErrors(page);
});

test('in a long article the reading cursor and a keyboard selection cross paragraphs not yet drawn', async () => {
  const { text, json } = longDocument();
  const page = await openApp();
  await openLong(page, json, text);
  await page.locator(ARTICLE).focus();
  // To the end (far from anything drawn), then a paragraph back: the cursor is where the
  // text says, though the paragraphs around it were drawn anew on the way.
  await page.keyboard.press('Control+End');
  await marksOf(page, 'c699').waitFor();
  await page.keyboard.press('Control+ArrowUp');
  assert.equal((await selection(page)).start, text.indexOf('Paragraph 699'));
  await page.keyboard.press('Control+ArrowUp');
  assert.equal((await selection(page)).start, text.indexOf('Paragraph 698'));

  // From the top, Shift+Ctrl+Down over 60 paragraphs: the selection runs from where it
  // started, across paragraphs drawn only as it reached them (and the first ones undrawn).
  await page.keyboard.press('Control+Home');
  assert.equal((await selection(page)).start, 0);
  for (let i = 0; i < 60; i++) await page.keyboard.press('Control+Shift+ArrowDown');
  await marksOf(page, 'c59').first().waitFor();
  const selected = await selection(page);
  assert.equal(selected.start, 0, 'the selection still starts at the top');
  assert.equal(selected.end, text.indexOf('Paragraph 60:'), 'and ends where the keys took it');
  await page.getByRole('toolbar', { name: 'Tag the selection' }).waitFor();
  expectNoConsoleErrors(page);
});

// Where the character at UTF-16 `offset` of the article is on screen (its left or right edge,
// half-way down its line), or null when it is not laid out.
async function pointAt(page, offset, side = 'left') {
  return page.locator(ARTICLE).evaluate((article, [offset, side]) => {
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    let from = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (offset < from + node.data.length) {
        const range = document.createRange();
        range.setStart(node, offset - from);
        range.setEnd(node, offset - from + 1);
        const rect = range.getBoundingClientRect();
        if (rect.width === 0) return null;
        return { x: side === 'left' ? rect.left + 1 : rect.right - 1, y: rect.top + rect.height / 2 };
      }
      from += node.data.length;
    }
    return null;
  }, [offset, side]);
}

// Where the first (or last) mark of annotation `id` now drawn starts (or ends), in UTF-16
// units of the article.
async function markEdge(page, id, which) {
  return page.locator(ARTICLE).evaluate((article, [id, which]) => {
    const marks = [...article.querySelectorAll('mark')].filter((m) => m.dataset.ids.split(' ').includes(id));
    if (marks.length === 0) return null;
    const mark = which === 'start' ? marks[0] : marks[marks.length - 1];
    const range = document.createRange();
    range.setStart(article, 0);
    if (which === 'start') range.setEndBefore(mark);
    else range.setEndAfter(mark);
    return range.toString().length;
  }, [id, which]);
}

test('find-in-page finds a quote far down a long article, and its marks come as it is shown', async () => {
  const { text, json } = longDocument();
  const page = await openApp();
  await openLong(page, json, text);
  const quote = 'the budget grew by 650 percent';
  assert.equal(await marksOf(page, 'c650').count(), 0, 'not drawn with its marks yet');
  // window.find is find-in-page's own search: it selects the match and scrolls it into view.
  assert.equal(await page.evaluate((quote) => window.find(quote, true), quote), true, 'the far quote is found');
  await marksOf(page, 'c650').first().waitFor();
  // Drawing the paragraph's marks replaced the text nodes the match was selected in: the
  // selection is still exactly the quote.
  await page.waitForTimeout(200);
  const found = await selection(page);
  assert.equal(found?.start, text.indexOf(quote));
  assert.equal(found?.text, quote);
  const box = await marksOf(page, 'c650').first().boundingBox();
  assert.ok(box && box.y >= 0 && box.y + box.height <= page.viewportSize().height, `the quote is on screen (${JSON.stringify(box)})`);
  expectNoConsoleErrors(page);
});

test('a selection from drawn text into paragraphs never drawn tags exactly what was selected', async () => {
  const { text, json } = longDocument();
  const page = await openApp();
  await openLong(page, json, text);
  const start = text.indexOf('Paragraph 3:');
  const last = 'the council report number 300';
  const end = text.indexOf(last) + last.length;
  // Press at the start of paragraph 3, drawn with its marks.
  await marksOf(page, 'c3').waitFor();
  const from = await pointAt(page, start, 'left');
  assert.ok(from, 'paragraph 3 is on screen');
  await page.mouse.click(from.x, from.y);
  assert.equal(await marksOf(page, 'c150').count(), 0, 'the paragraphs in between are not drawn with marks');
  // One turn of the wheel far down: the paragraphs passed over are never drawn with marks,
  // and paragraph 3 (far above now) is drawn anew as plain text.
  const distance = await page.evaluate((at) => {
    const target = [...document.querySelectorAll('[data-article-text] .ann-para[data-u16]')].filter((p) => Number(p.dataset.u16) <= at).at(-1);
    return Math.round(target.getBoundingClientRect().top - 300);
  }, text.indexOf('Paragraph 300:'));
  await page.mouse.wheel(0, distance);
  await marksOf(page, 'c300').waitFor();
  await page.waitForFunction((selector) => document.querySelector(`${selector} mark[data-ids~="c3"]`) === null, ARTICLE);
  assert.equal(await marksOf(page, 'c150').count(), 0, 'paragraph 150 was never drawn with marks');
  // Heights estimated for paragraphs not laid out yet settle as they are laid out: wheel
  // again until the end of the selection is on screen.
  let to = await pointAt(page, end - 1, 'right');
  for (let turn = 0; turn < 5 && !(to && to.y > 50 && to.y < page.viewportSize().height - 50); turn++) {
    await page.mouse.wheel(0, Math.round((to?.y ?? 400) - 400));
    await page.waitForTimeout(200);
    to = await pointAt(page, end - 1, 'right');
  }
  assert.ok(to && to.y > 0 && to.y < page.viewportSize().height, `paragraph 300 is on screen (${JSON.stringify(to)})`);
  await page.keyboard.down('Shift');
  await page.mouse.click(to.x, to.y);
  await page.keyboard.up('Shift');
  const selected = await selection(page);
  assert.equal(selected?.start, start, 'the selection starts where the mouse was pressed, in text drawn anew since');
  assert.equal(selected?.end, end, 'and ends where it was shift-clicked');
  await page.getByRole('toolbar', { name: 'Tag the selection' }).waitFor();
  await page.getByRole('button', { name: 'Claim', exact: true }).click();
  // The new annotation is selected: its marks here end where the selection did…
  const id = await page.locator(`${ARTICLE} mark.ann-mark--selected`).last().evaluate((m) => {
    const ids = m.dataset.ids.split(' ');
    return ids.find((i) => !/^[ecs]\d+$/.test(i));
  });
  assert.ok(id, 'the new annotation is drawn and selected');
  assert.equal(await markEdge(page, id, 'end'), end);
  assert.equal(await marksOf(page, 'c150').count(), 0, 'tagging drew nothing far from the screen');
  // …and at the top, its marks start where the selection did.
  await page.evaluate(() => window.scrollTo(0, 0));
  await marksOf(page, id).first().waitFor();
  // The paragraphs at the top are drawn in the frames after the scroll: wait for them.
  let first = await markEdge(page, id, 'start');
  for (let tries = 0; first !== start && tries < 50; tries++) {
    await page.waitForTimeout(100);
    first = await markEdge(page, id, 'start');
  }
  assert.equal(first, start);
  assert.equal(await articleText(page), text);
  expectNoConsoleErrors(page);
});
