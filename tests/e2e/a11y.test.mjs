// Accessibility: the whole annotating loop works from the keyboard alone, axe-core finds no
// WCAG 2.2 A/AA violation in any main view or state (light and dark), and the page holds up
// at 360 px wide and on paper (screenshots in tests/e2e/artifacts/ for a person to look at).

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { ARTICLE, articleText, expectNoConsoleErrors, marks, openApp, screenshot, selection, useHarness } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

useHarness();

/** Runs axe-core on the page; fails listing every violation with its elements. */
async function expectNoAxeViolations(page, state) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.addScriptTag({ path: AXE });
  }
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: tags });
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.slice(0, 6).map((n) => `${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`),
    }));
  }, WCAG);
  const report = violations.map((v) => `${v.id}: ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');
  assert.equal(violations.length, 0, `axe found violations in "${state}":\n${report}`);
}

/** Counts pointer and mouse presses, to prove a test used none. */
async function countPointerPresses(page) {
  await page.evaluate(() => {
    window.__pointerPresses = 0;
    for (const type of ['pointerdown', 'mousedown', 'touchstart']) {
      window.addEventListener(type, () => window.__pointerPresses++, true);
    }
  });
}

const focused = (page) =>
  page.evaluate(() => {
    const e = document.activeElement;
    return {
      tag: e?.tagName.toLowerCase(),
      id: e?.id ?? '',
      text: (e?.textContent ?? '').trim().slice(0, 60),
      article: e?.hasAttribute('data-article-text') ?? false,
      annotation: e?.getAttribute('data-annotation-id') ?? null,
    };
  });

const live = (page) => page.locator('#ann-live').textContent();

async function waitForLive(page, pattern) {
  await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('#ann-live')?.textContent ?? ''), pattern.source);
  return live(page);
}

/** Presses `key` until `done()` says so (at most `max` times); returns how many presses. */
async function pressUntil(page, key, done, max = 12) {
  for (let i = 0; i < max; i++) {
    if (await done()) return i;
    await page.keyboard.press(key);
  }
  assert.ok(await done(), `pressing ${key} ${max} times did not get there`);
  return max;
}

async function focusArticleByKeyboard(page) {
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).text, 'Skip to the article', 'the first Tab reaches the skip link');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.hasAttribute('data-article-text'));
}

const markWith = async (page, tag) => (await marks(page)).filter((m) => m.tags.includes(tag));

test('keyboard only: move the reading cursor, tag a claim, a source and an entity, edit a note, delete, undo', async () => {
  const page = await openApp();
  await countPointerPresses(page);
  const text = await articleText(page);

  await focusArticleByKeyboard(page);
  const caret = page.locator('.ann-caret');
  await caret.waitFor({ state: 'visible' });
  assert.equal((await selection(page)).start, 0, 'the cursor starts at the beginning of the article');

  // Paragraph by paragraph to the lede.
  const lede = text.indexOf('The Trump administration held');
  await pressUntil(page, 'Control+ArrowDown', async () => (await selection(page)).start === lede);
  const caretBox = await caret.boundingBox();
  assert.ok(caretBox && caretBox.height > 10, 'the cursor is drawn at its place');
  // Where the selection's focus is, the drawn cursor is (its middle and its top).
  const focusBox = await page.evaluate(() => {
    const selected = getSelection();
    const range = document.createRange();
    range.setStart(selected.focusNode, selected.focusOffset);
    range.setEnd(selected.focusNode, selected.focusOffset + 1);
    const box = range.getBoundingClientRect();
    return { x: box.left, y: box.top };
  });
  const caretMiddle = caretBox.x + caretBox.width / 2;
  assert.ok(Math.abs(caretMiddle - focusBox.x) < 1 && Math.abs(caretBox.y - focusBox.y) < 1,
    `the cursor (${caretMiddle}, ${caretBox.y}) is drawn at the focus (${focusBox.x}, ${focusBox.y})`);

  // Claim: Shift+Ctrl+Right twice selects two words; 1 tags them.
  await page.keyboard.press('Control+Shift+ArrowRight');
  await page.keyboard.press('Control+Shift+ArrowRight');
  await page.getByRole('toolbar', { name: 'Tag the selection' }).waitFor();
  await page.keyboard.press('1');
  await waitForLive(page, /^Claim added: /);
  assert.deepEqual((await markWith(page, 'claim')).map((m) => m.text), ['The Trump']);
  assert.equal(await articleText(page), text, 'tagging never changes the article text');
  assert.equal((await focused(page)).article, true, 'focus stays in the article after tagging');

  // Source: Space starts a selection, Ctrl+Right extends it word by word, Space finishes.
  await page.keyboard.press('Control+ArrowRight'); // after "administration"
  await page.keyboard.press('Space');
  await waitForLive(page, /^Selection started/);
  for (let i = 0; i < 3; i++) await page.keyboard.press('Control+ArrowRight');
  await page.keyboard.press('Space');
  await waitForLive(page, /^Selected: /);
  await page.keyboard.press('2');
  await waitForLive(page, /^Source added: /);
  assert.deepEqual((await markWith(page, 'source')).map((m) => m.text), ['held a series']);

  // Entity: one more word along, then Shift-select two words and press 3.
  await page.keyboard.press('Control+ArrowRight');
  await page.keyboard.press('Control+Shift+ArrowRight');
  await page.keyboard.press('Control+Shift+ArrowRight');
  await page.keyboard.press('3');
  await waitForLive(page, /^Entity added: /);
  assert.deepEqual((await markWith(page, 'entity')).map((m) => m.text), ['clandestine meetings']);

  // Enter on a highlight opens its details and moves focus there; Tab reaches the note.
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'ann-details-heading');
  assert.equal((await focused(page)).text, 'Claim');
  await pressUntil(page, 'Tab', async () => (await focused(page)).tag === 'textarea', 5);
  await page.keyboard.type('Checked against the NYT story');
  await page.locator('.ann-list__note', { hasText: 'Checked against the NYT story' }).waitFor();

  // Shortcuts stay quiet while typing: "1" and Delete went into the note, not to the app.
  await page.keyboard.type(' 1');
  assert.equal((await marks(page)).length, 3);

  // Tab to "Delete annotation", press Enter: the claim goes, focus returns to the article.
  await pressUntil(page, 'Tab', async () => (await focused(page)).text === 'Delete annotation', 25);
  await page.keyboard.press('Enter');
  await waitForLive(page, /deleted/i);
  assert.deepEqual(await markWith(page, 'claim'), []);
  await page.waitForFunction(() => document.activeElement?.hasAttribute('data-article-text'));

  // Undo brings it back, note included, and says so.
  await page.keyboard.press('Control+z');
  const undone = await waitForLive(page, /^Undone: /);
  assert.match(undone, /^Undone: /);
  assert.deepEqual((await markWith(page, 'claim')).map((m) => m.text), ['The Trump']);
  await page.locator('.ann-list__note', { hasText: 'Checked against the NYT story 1' }).waitFor();

  // J selects the first annotation, Delete deletes it, Ctrl+Shift+Z... no: Ctrl+Z undoes it.
  await page.keyboard.press('j');
  await page.locator('.ann-details').waitFor();
  await page.keyboard.press('Delete');
  await waitForLive(page, /deleted/i);
  assert.equal((await marks(page)).length, 2);
  await page.keyboard.press('Control+z');
  await waitForLive(page, /^Undone: /);
  assert.equal((await marks(page)).length, 3);

  // Tab from the article into the annotation list; Enter on an item opens its details.
  await page.keyboard.press('Escape');
  await pressUntil(page, 'Tab', async () => (await focused(page)).annotation !== null, 25);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'ann-details-heading');

  // The help sheet opens with ?, keeps Tab inside, and gives focus back on Escape.
  const before = await focused(page);
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'ann-help-close');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).id, 'ann-help-close', 'Tab wraps inside the dialog');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  assert.deepEqual(await focused(page), before, 'focus returns where it was');

  assert.equal(await articleText(page), text);
  assert.equal(await page.evaluate(() => window.__pointerPresses), 0, 'no pointer was used');
  expectNoConsoleErrors(page);
});

test('highlights tell assistive technology their tag without changing the text', async () => {
  const page = await openApp();
  await focusArticleByKeyboard(page);
  const text = await articleText(page);
  await page.keyboard.press('Control+Shift+ArrowRight');
  await page.keyboard.press('1');
  await waitForLive(page, /^Claim added: /);
  const described = await page.locator(`${ARTICLE} mark`).first().evaluate((mark) =>
    mark
      .getAttribute('aria-describedby')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent),
  );
  assert.deepEqual(described, ['Claim highlight']);
  assert.equal(await articleText(page), text);
  const article = page.locator(ARTICLE);
  assert.equal(await article.getAttribute('tabindex'), '0');
  assert.equal(await article.getAttribute('contenteditable'), null);
  for (const [role, name] of [['banner', undefined], ['main', undefined], ['complementary', 'Annotations'], ['navigation', 'App']]) {
    assert.equal(await page.getByRole(role, name ? { name } : {}).count(), 1, `one ${role} landmark`);
  }
});

test('axe-core finds no WCAG 2.2 AA violation in any view, light or dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    // bypassCSP lets the test inject axe-core; the app itself runs under its CSP everywhere else.
    const page = await openApp({ context: { colorScheme, bypassCSP: true } });
    await expectNoAxeViolations(page, `${colorScheme}: sample loaded`);

    await focusArticleByKeyboard(page);
    const text = await articleText(page);
    const lede = text.indexOf('The Trump administration held');
    await pressUntil(page, 'Control+ArrowDown', async () => (await selection(page)).start === lede);
    await page.keyboard.press('Control+Shift+ArrowRight');
    await page.getByRole('toolbar', { name: 'Tag the selection' }).waitFor();
    await expectNoAxeViolations(page, `${colorScheme}: selection toolbar open`);

    for (const key of ['1', 'Control+ArrowRight', 'Control+Shift+ArrowRight', '2', 'Control+ArrowRight', 'Control+Shift+ArrowRight', '3']) {
      await page.keyboard.press(key);
    }
    await page.locator(`${ARTICLE} mark`).nth(2).waitFor();
    await page.keyboard.press('j');
    await page.locator('.ann-details').waitFor();
    await expectNoAxeViolations(page, `${colorScheme}: annotations and details open`);
    await screenshot(page, `a11y-${colorScheme}-details`);

    await page.keyboard.press('?');
    await page.getByRole('dialog').waitFor();
    await expectNoAxeViolations(page, `${colorScheme}: help sheet`);
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Library' }).press('Enter');
    await page.locator('.ann-library').waitFor();
    await expectNoAxeViolations(page, `${colorScheme}: library`);

    await page.getByRole('button', { name: 'New article' }).press('Enter');
    await page.locator('.ann-load').waitFor();
    await expectNoAxeViolations(page, `${colorScheme}: new article`);
    await page.context().close();
  }
});

test('the theme switch cycles System, Light, Dark and is remembered', async () => {
  const page = await openApp({ context: { colorScheme: 'light', bypassCSP: true } });
  const theme = page.getByRole('button', { name: /^Theme/ });
  assert.equal(await theme.textContent(), 'Theme: System');
  await theme.press('Enter');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  await theme.press('Enter');
  assert.equal(await theme.textContent(), 'Theme: Dark');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, 'rgb(23, 24, 26)');
  assert.equal(await page.evaluate(() => localStorage.getItem('article-annotator:theme')), 'dark');
  await expectNoAxeViolations(page, 'dark theme chosen in a light system');
  await page.reload();
  await page.locator(ARTICLE).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
});

test('360 px wide: the sidebar is a bottom sheet with a handle, the toolbar sits above it; print shows endnotes', async () => {
  const page = await openApp({ viewport: { width: 360, height: 740 }, context: { hasTouch: true, isMobile: true } });
  const text = await articleText(page);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'nothing scrolls sideways');
  await focusArticleByKeyboard(page);
  const lede = text.indexOf('The Trump administration held');
  await pressUntil(page, 'Control+ArrowDown', async () => (await selection(page)).start === lede);
  await page.keyboard.press('Control+Shift+ArrowRight');
  await page.keyboard.press('Control+Shift+ArrowRight');
  const toolbar = page.getByRole('toolbar', { name: 'Tag the selection' });
  await toolbar.waitFor();
  const sheet = await page.locator('.ann-sidebar').boundingBox();
  const bar = await toolbar.boundingBox();
  assert.ok(bar.y + bar.height <= sheet.y + 1, 'the tag toolbar sits above the sheet');
  const cursor = await page.locator('.ann-caret').boundingBox();
  assert.ok(cursor.y + cursor.height <= bar.y, 'the selection stays visible above the toolbar');
  await screenshot(page, 'a11y-360-toolbar');
  await page.keyboard.press('1');
  const handle = page.getByRole('button', { name: 'Hide annotations' });
  assert.equal(await handle.getAttribute('aria-expanded'), 'true');
  await handle.press('Enter');
  const shown = page.getByRole('button', { name: 'Show annotations' });
  assert.equal(await shown.getAttribute('aria-expanded'), 'false');
  const folded = await page.locator('.ann-sidebar').boundingBox();
  assert.ok(folded.height < 90, `the folded sheet is small (${folded.height}px)`);
  await screenshot(page, 'a11y-360-sheet-folded');
  await shown.press('Enter');
  await screenshot(page, 'a11y-360-sheet-open');

  // Paper: a note, then print emulation.
  await page.keyboard.press('j');
  await page.locator('.ann-details textarea').fill('Named in the NYT report');
  await page.setViewportSize({ width: 800, height: 1100 });
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.ann-header').isVisible(), false, 'no chrome on paper');
  const notes = page.locator('.ann-print-notes');
  assert.equal(await notes.isVisible(), true);
  assert.match(await notes.locator('li').first().textContent(), /Claim: “?The Trump”?\s*Named in the NYT report/);
  const marker = await page.locator(`${ARTICLE} mark[data-notes]`).first().evaluate((m) => getComputedStyle(m, '::after').content);
  assert.match(marker, /"\[" attr\(data-notes\) "\]"|"\[1\]"/, `print draws a marker after the highlight (${marker})`);
  assert.equal(await articleText(page), text, 'the endnote markers are not text');
  await screenshot(page, 'a11y-print', { fullPage: true });
  const between = await page.evaluate(() => {
    const low = document.querySelector('[data-article-text]').getBoundingClientRect().bottom;
    const high = document.querySelector('.ann-print-notes').getBoundingClientRect().top;
    return [...document.querySelectorAll('body *')]
      .filter((e) => { const r = e.getBoundingClientRect(); return r.height > 0 && r.top >= low && r.bottom <= high; })
      .map((e) => `${e.tagName}.${e.className} ${JSON.stringify(e.textContent.slice(0, 40))}`);
  });
  assert.deepEqual(between, [], 'nothing prints between the article and the endnotes');
});

test('the article language set in Article details becomes its lang; nonsense is ignored', async () => {
  const page = await openApp();
  const article = page.locator(ARTICLE);
  assert.equal(await article.getAttribute('lang'), null, 'unknown: the page language applies');
  await page.locator('.ann-doc-details > summary', { hasText: 'Article details' }).press('Enter');
  const language = page.getByLabel('Language', { exact: true });
  await language.fill('fr-CA');
  await language.press('Tab');
  await page.waitForFunction(() => document.querySelector('[data-article-text]').getAttribute('lang') === 'fr-CA');
  await language.fill('not a language');
  await language.press('Tab');
  await page.waitForFunction(() => !document.querySelector('[data-article-text]').hasAttribute('lang'));
  expectNoConsoleErrors(page);
});

test('right-to-left: arrows move the way they point, Shift+arrows select whole Arabic words', async () => {
  const page = await openApp();
  const arabic = 'قال الوزير إن البطالة انخفضت.\n\nمصدر: وزارة العمل.';
  await page.getByRole('button', { name: 'New article' }).press('Enter');
  const field = page.getByLabel('Article text', { exact: true });
  await field.focus();
  await page.keyboard.insertText(arabic);
  await page.getByRole('button', { name: 'Start annotating' }).press('Enter');
  await page.waitForFunction((t) => document.querySelector('[data-article-text]')?.textContent === t, arabic);
  await focusArticleByKeyboard(page);
  assert.equal((await selection(page)).start, 0);
  // In right-to-left text the first word is on the right: Left moves forward.
  await page.keyboard.press('ArrowLeft');
  assert.equal((await selection(page)).start, 1, 'ArrowLeft moves into right-to-left text');
  await page.keyboard.press('Home');
  await page.keyboard.press('Control+Shift+ArrowLeft');
  await page.keyboard.press('1');
  await waitForLive(page, /^Claim added: /);
  assert.deepEqual((await markWith(page, 'claim')).map((m) => m.text), ['قال']);
  assert.equal(await articleText(page), arabic);
  expectNoConsoleErrors(page);
});

test('every dialog takes focus, keeps it on Tab, closes on Escape and gives focus back to its opener', async () => {
  const page = await openApp();
  const inDialog = () => page.evaluate(() => document.activeElement?.closest('[role="dialog"]')?.getAttribute('aria-labelledby') ?? null);
  for (const [opener, name] of [
    [page.getByRole('button', { name: 'Make exercise', exact: true }), 'Make exercise'],
    [page.getByRole('button', { name: 'Class results', exact: true }), 'Class results'],
    [page.getByRole('button', { name: 'Keyboard shortcuts', exact: true }), 'Keyboard shortcuts'],
  ]) {
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name });
    await dialog.waitFor();
    await page.waitForFunction(() => document.activeElement?.closest('[role="dialog"]') != null, null, { timeout: 3_000 });
    const labelled = await inDialog();
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press(i % 7 === 6 ? 'Shift+Tab' : 'Tab');
      assert.equal(await inDialog(), labelled, `${name}: Tab press ${i + 1} left the dialog`);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await opener.evaluate((b) => document.activeElement === b), true, `${name}: focus is back on its opener`);
  }
  expectNoConsoleErrors(page);
});

test('a keyboard selection of only spaces says why it cannot be tagged', async () => {
  const page = await openApp();
  const text = await articleText(page);
  await focusArticleByKeyboard(page);
  const lede = text.indexOf('The Trump administration held');
  await pressUntil(page, 'Control+ArrowDown', async () => (await selection(page)).start === lede);
  await pressUntil(page, 'ArrowRight', async () => (await selection(page)).start === lede + 3);
  await page.keyboard.press('Shift+ArrowRight');
  assert.equal((await selection(page))?.text, ' ');
  await page.locator('.ann-notice', { hasText: 'only spaces or line breaks' }).waitFor({ timeout: 3_000 });
  await waitForLive(page, /only spaces or line breaks/);
  assert.equal(await page.getByRole('toolbar', { name: 'Tag the selection' }).count(), 0);
});

test('Ctrl+Down goes from paragraph start to paragraph start, never onto the blank line; Ctrl+Up comes back', async () => {
  const page = await openApp();
  const text = await articleText(page);
  await focusArticleByKeyboard(page);
  const starts = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Control+ArrowDown');
    starts.push((await selection(page)).start);
  }
  for (const at of starts) {
    assert.ok(at === 0 || text[at - 1] === '\n', `${at} follows a line break (${JSON.stringify(text.slice(at - 3, at + 10))})`);
    assert.match(text[at], /\S/, `${at} is on text, not on a blank line`);
  }
  assert.deepEqual([...starts].sort((a, b) => a - b), starts, 'each press moves on');
  assert.equal(new Set(starts).size, starts.length);
  await page.keyboard.press('Control+ArrowUp');
  assert.equal((await selection(page)).start, starts[4]);
  // Shift+Ctrl+Down selects to the next paragraph: the selection offered is the paragraph.
  await page.keyboard.press('Control+Shift+ArrowDown');
  await page.getByRole('toolbar', { name: 'Tag the selection' }).waitFor();
});
