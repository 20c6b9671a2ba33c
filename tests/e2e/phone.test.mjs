// A person on a phone: the header is one row with a menu, and while a selection waits for
// its tag the article keeps most of the screen and the tag toolbar never covers the
// selection. Screenshots at 360 and 390 px, light and dark, land in tests/e2e/artifacts/.
// On wider screens the header's controls wrap to one or two rows under the title: what
// sticks below it (notices, the sidebar) follows its real height.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ARTICLE, expectNoConsoleErrors, marks, openApp, screenshot, useHarness } from './harness.mjs';

useHarness();

const PHONE = { width: 390, height: 844 };

test('on a phone the header is one row, and its menu holds every other control', async () => {
  const page = await openApp({ viewport: PHONE });
  const header = await page.locator('.ann-header').boundingBox();
  assert.ok(header.height <= 64, `the header is one row (${header.height}px high)`);
  const library = page.getByRole('button', { name: 'Library', exact: true });
  assert.equal(await library.isVisible(), false, 'the rarer controls are folded away');
  assert.equal(await page.getByRole('button', { name: 'Undo' }).isVisible(), true, 'undo stays at hand');

  const menu = page.getByRole('button', { name: 'Menu' });
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  for (const group of ['Articles', 'Fact-check', 'Classroom', 'Files', 'View']) {
    assert.equal(await page.getByRole('group', { name: group }).isVisible(), true, `the ${group} group shows`);
  }
  await screenshot(page, 'phone-390-menu');
  // Escape closes the menu and gives focus back to its button.
  await page.getByRole('button', { name: 'Claims report' }).focus();
  await page.keyboard.press('Escape');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'ann-header-menu-button');
  assert.equal(await library.isVisible(), false);
  // Choosing an item does it and folds the menu.
  await menu.click();
  await library.click();
  await page.locator('.ann-library').waitFor();
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await library.isVisible(), false);
  expectNoConsoleErrors(page);
});

/** Page-relative box of the first occurrence of `phrase` in the article. */
async function phraseBox(page, phrase) {
  return page.locator(ARTICLE).evaluate((article, phrase) => {
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(phrase);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + phrase.length);
      const rects = [...range.getClientRects()];
      const first = rects[0];
      const last = rects[rects.length - 1];
      return { top: first.top, bottom: last.bottom, left: first.left, right: last.right, firstBottom: first.bottom };
    }
    return null;
  }, phrase);
}

for (const width of [360, 390]) {
  for (const scheme of ['light', 'dark']) {
    test(`${width} px, ${scheme}: while tagging the article keeps 60% of the screen and the toolbar never covers the selection`, async () => {
      const viewport = { width, height: 844 };
      const page = await openApp({ viewport, context: { colorScheme: scheme } });
      await screenshot(page, `phone-${width}-${scheme}-start`);
      // Folded sheet: the article reaches down to the sheet's handle, so a selection can
      // lie exactly where the docked toolbar appears.
      await page.getByRole('button', { name: 'Hide annotations' }).click();
      const phrase = 'authoritarian tendencies';
      const before = await phraseBox(page, phrase);
      await page.evaluate((dy) => window.scrollBy(0, dy), before.top - (viewport.height - 130));
      const box = await phraseBox(page, phrase);
      assert.ok(box.top > viewport.height - 200, `the phrase sits low on the screen (${box.top}px)`);
      // A real drag over the phrase's first line.
      await page.mouse.move(box.left + 1, (box.top + box.firstBottom) / 2);
      await page.mouse.down();
      await page.mouse.move(box.left + 60, (box.top + box.firstBottom) / 2, { steps: 6 });
      await page.mouse.up();
      const toolbar = page.getByRole('toolbar', { name: 'Tag the selection' });
      await toolbar.waitFor();
      // The page scrolls the selection above the docked toolbar (after a frame).
      await page.waitForFunction(() => {
        const bar = document.querySelector('.ann-toolbar')?.getBoundingClientRect();
        const selection = window.getSelection();
        if (!bar || !selection || selection.rangeCount === 0) return false;
        return selection.getRangeAt(0).getBoundingClientRect().bottom <= bar.top;
      }, null, { timeout: 3000 });
      const bar = await toolbar.boundingBox();
      const headerBottom = Math.max(0, (await page.locator('.ann-header').boundingBox()).y + (await page.locator('.ann-header').boundingBox()).height);
      const article = (bar.y - headerBottom) / viewport.height;
      assert.ok(article >= 0.6, `article share of the screen while tagging: ${(article * 100).toFixed(0)}%`);
      await screenshot(page, `phone-${width}-${scheme}-tagging`);
      await page.getByRole('button', { name: 'Claim', exact: true }).click();
      await page.locator(`${ARTICLE} mark`).first().waitFor();
      assert.equal((await marks(page)).length, 1);
      expectNoConsoleErrors(page);
    });
  }
}

test('on a phone with the sheet open, a selection folds the sheet while it waits for its tag', async () => {
  const page = await openApp({ viewport: PHONE });
  const sheetOpen = await page.locator('.ann-sidebar').boundingBox();
  const box = await phraseBox(page, 'clandestine meetings');
  assert.ok(box.bottom < sheetOpen.y, 'the phrase is above the open sheet');
  await page.mouse.move(box.left + 1, (box.top + box.firstBottom) / 2);
  await page.mouse.down();
  await page.mouse.move(box.right - 1, (box.top + box.firstBottom) / 2, { steps: 6 });
  await page.mouse.up();
  const toolbar = page.getByRole('toolbar', { name: 'Tag the selection' });
  await toolbar.waitFor();
  const folded = await page.locator('.ann-sidebar').boundingBox();
  assert.ok(folded.height < 90, `the sheet folds while tagging (${folded.height}px)`);
  const bar = await toolbar.boundingBox();
  assert.ok(bar.y / PHONE.height >= 0.6, `the toolbar starts ${bar.y}px down`);
  assert.ok(box.bottom <= bar.y, 'the selection stays above the toolbar');
  await page.keyboard.press('1');
  const handle = page.getByRole('button', { name: 'Hide annotations' });
  await handle.waitFor();
  assert.equal(await handle.getAttribute('aria-expanded'), 'true', 'the sheet comes back with the new annotation');
  expectNoConsoleErrors(page);
});

test('on a wide screen a selection near the bottom gets its toolbar above it, not over it', async () => {
  const page = await openApp({ viewport: { width: 1280, height: 800 } });
  const phrase = 'authoritarian tendencies';
  // A window just tall enough to show the phrase at its bottom edge.
  const first = await phraseBox(page, phrase);
  await page.setViewportSize({ width: 1280, height: Math.round(first.bottom + 30) });
  const box = await phraseBox(page, phrase);
  assert.ok(box.top > 300 && box.bottom + 130 > page.viewportSize().height, `no room under the phrase (${box.top}px)`);
  await page.mouse.move(box.left + 1, (box.top + box.firstBottom) / 2);
  await page.mouse.down();
  await page.mouse.move(box.right - 1, (box.top + box.firstBottom) / 2, { steps: 6 });
  await page.mouse.up();
  const toolbar = page.getByRole('toolbar', { name: 'Tag the selection' });
  await toolbar.waitFor();
  const bar = await toolbar.boundingBox();
  assert.ok(bar.y >= 0, 'the toolbar is on screen');
  assert.ok(bar.y + bar.height <= box.top, `the toolbar (ends ${bar.y + bar.height}px) is above the selection (${box.top}px)`);
  expectNoConsoleErrors(page);
});

for (const width of [360, 390]) {
  for (const scheme of ['light', 'dark']) {
    test(`${width} px, ${scheme}: the Library's storage meter reads as two lines, not squeezed columns`, async () => {
      const page = await openApp({ viewport: { width, height: 844 }, context: { colorScheme: scheme } });
      await page.getByRole('button', { name: 'Menu' }).click();
      await page.getByRole('button', { name: 'Library', exact: true }).click();
      const meter = page.locator('[data-storage-meter]');
      await meter.waitFor();
      await page.waitForTimeout(200); // the browser's estimate arrives a moment later
      const layout = await meter.evaluate((box) => {
        const lines = (el) => {
          const range = document.createRange();
          range.selectNodeContents(el);
          return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
        };
        const rect = box.getBoundingClientRect();
        const used = box.querySelector('.ann-storage-meter__used') ?? [...box.querySelectorAll('label')].pop();
        return {
          width: rect.width,
          meterWidth: box.querySelector('meter')?.getBoundingClientRect().width ?? 0,
          usedLines: lines(used),
          overflow: document.documentElement.scrollWidth - window.innerWidth,
        };
      });
      // The meter takes the width of the page, its figures stay on one line, nothing scrolls sideways.
      assert.ok(layout.width >= width - 48, `the meter box is ${layout.width}px wide`);
      assert.ok(layout.meterWidth >= 96, `the meter bar is ${layout.meterWidth}px wide`);
      assert.equal(layout.usedLines, 1, 'the used/available figures stay on one line');
      assert.ok(layout.overflow <= 0, `the page scrolls sideways by ${layout.overflow}px`);
      await meter.scrollIntoViewIfNeeded();
      await screenshot(page, `phone-${width}-${scheme}-library`);
      expectNoConsoleErrors(page);
    });
  }
}

for (const width of [1000, 1280]) {
  test(`${width} px wide, scrolled: a notice and the sidebar start below the header, whose controls take ${width < 1100 ? 'two rows' : 'one row'}`, async () => {
    const page = await openApp({ viewport: { width, height: 800 } });
    await page.evaluate(() => window.scrollBy(0, 700));
    await page.getByLabel('Import annotations', { exact: true }).setInputFiles({
      name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{ not json'),
    });
    // The refusal names the formats read, so it runs to two or three lines.
    const notice = page.locator('.ann-notices > *', { hasText: 'W3C Web Annotation' }).first();
    await notice.waitFor();
    const box = async (selector) => page.locator(selector).first().evaluate((e) => e.getBoundingClientRect().toJSON());
    const header = await box('.ann-header');
    assert.ok(header.height > 80, `the controls wrapped under the title: header ${header.height} px`);
    const sidebar = await box('.ann-sidebar');
    const heading = await box('.ann-sidebar h2');
    const shown = await notice.evaluate((e) => e.getBoundingClientRect().toJSON());
    assert.ok(sidebar.top >= header.bottom, `sidebar top ${sidebar.top} below the header's bottom ${header.bottom}`);
    assert.ok(heading.top >= header.bottom, `the sidebar's heading (${heading.top}) is not under the header (${header.bottom})`);
    assert.ok(sidebar.bottom <= 800, `the sidebar fits the window: bottom ${sidebar.bottom}`);
    assert.ok(shown.top >= header.bottom - 1, `the notice's top ${shown.top} below the header's bottom ${header.bottom}`);
    await screenshot(page, `wide-${width}-scrolled-notice`);
    expectNoConsoleErrors(page);
  });
}
