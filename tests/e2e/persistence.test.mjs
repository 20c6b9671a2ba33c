// Never lose an annotation: every way localStorage can fail, checked in a real browser. Each
// fault must show a clear message and leave the stored library as it was (or newer), never
// half-written; and the normal paths (reload, close right after an edit, two tabs, export and
// import) must give back exactly what was there.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  expectNoConsoleErrors,
  instrument,
  marks,
  newPage,
  openApp,
  screenshot,
  useHarness,
  waitForApp,
} from './harness.mjs';
import {
  DOC_PREFIX,
  INDEX_KEY,
  LAST_OPEN_KEY,
  annotationsOf,
  download,
  file,
  importFiles,
  storedDocuments,
  storedEntry,
  tagText,
  waitSaved,
  withoutTimes,
} from './library-helpers.mjs';

useHarness();

/** Fills localStorage with a filler key until setItem throws; returns characters left free. */
async function fillStorage(page, leaveChars = 0) {
  return page.evaluate((leave) => {
    let size = 1 << 20;
    let n = 0;
    while (size >= 16) {
      try {
        localStorage.setItem(`filler-${n}`, 'x'.repeat(size));
        n += 1;
      } catch {
        size = Math.floor(size / 2);
      }
    }
    // Free `leave` characters again from the last filler written.
    if (leave > 0) {
      for (let i = n - 1; i >= 0 && leave > 0; i--) {
        const value = localStorage.getItem(`filler-${i}`);
        const cut = Math.min(leave, value.length);
        localStorage.setItem(`filler-${i}`, value.slice(cut));
        leave -= cut;
      }
    }
    return n;
  }, leaveChars);
}

async function openDocumentEntry(page) {
  const id = await page.evaluate((last) => localStorage.getItem(last), LAST_OPEN_KEY);
  return storedEntry(page, id);
}

async function exportJson(page) {
  const [native] = await download(page, 'Export JSON');
  return native.text;
}

test('reload restores everything exactly (ids, offsets, quotes, notes)', async () => {
  const page = await openApp();
  await tagText(page, 'clandestine meetings', 'Claim');
  await tagText(page, 'New York Times report', 'Source');
  await page.locator('mark', { hasText: 'clandestine meetings' }).first().click();
  await page.getByLabel('Note').fill('Check the NYT piece — “quoted” & <b>not html</b> 🦀');
  await page.waitForTimeout(50);
  await waitSaved(page);
  const before = await exportJson(page);
  await page.reload();
  await waitForApp(page);
  assert.equal(await exportJson(page), before);
  assert.equal((await marks(page)).length, 2);
  expectNoConsoleErrors(page);
});

test('an entry stored whole by an earlier build opens, and its first save stores it in parts', async () => {
  const page = await openApp();
  await tagText(page, 'clandestine meetings', 'Claim');
  await waitSaved(page);
  const id = await page.evaluate((last) => localStorage.getItem(last), LAST_OPEN_KEY);
  // What earlier builds kept: the whole entry (entry version 2) under the document's key alone.
  const whole = { ...(await storedEntry(page, id)), entry_version: 2 };
  await page.evaluate(
    ([key, id, value]) => {
      for (const k of Object.keys(localStorage)) {
        if (k.startsWith(`article-annotator:v1:text:${id}:`) || k.startsWith(`article-annotator:v1:part:${id}:`)) {
          localStorage.removeItem(k);
        }
      }
      localStorage.setItem(key, value);
    },
    [DOC_PREFIX + id, id, JSON.stringify(whole)],
  );
  await page.reload();
  await waitForApp(page);
  assert.deepEqual((await marks(page)).map((m) => m.text), ['clandestine meetings']);
  const pieces = () =>
    page.evaluate((id) => Object.keys(localStorage).filter((k) => /^article-annotator:v1:(text|part):/.test(k) && k.includes(`:${id}:`)), id);
  assert.deepEqual(await pieces(), [], 'opening writes nothing');

  await tagText(page, 'New York Times report', 'Source');
  await waitSaved(page);
  const head = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)), DOC_PREFIX + id);
  assert.equal(head.entry_version, 3);
  assert.ok(!('text' in head.document) && head.annotations.length === 0, 'the head carries no text and no annotations');
  assert.ok((await pieces()).length >= 2, 'the text and a part of annotations have keys of their own');
  const stored = await storedEntry(page, id);
  assert.equal(stored.document.text, whole.document.text);
  assert.equal(annotationsOf(stored).length, 2);
  const old = annotationsOf(whole)[0];
  assert.deepEqual(annotationsOf(stored).find((a) => a.id === old.id), old, 'the old annotation is stored as it was');
  const before = await exportJson(page);
  await page.reload();
  await waitForApp(page);
  assert.equal(await exportJson(page), before);
  expectNoConsoleErrors(page);
});

test('closing the page right after an edit keeps the edit (flushed on pagehide)', async () => {
  const page = await openApp();
  await tagText(page, 'clandestine meetings', 'Claim');
  await waitSaved(page);
  await tagText(page, 'New York Times report', 'Source');
  const context = page.context();
  await page.close({ runBeforeUnload: true });
  const again = instrument(await context.newPage());
  await again.goto(page.server.origin + '/');
  await waitForApp(again);
  assert.deepEqual(
    (await marks(again)).map((m) => m.text).sort(),
    ['New York Times report', 'clandestine meetings'],
  );
});

test('two pages on the same document: edits cross over, an older tab never overwrites a newer revision', async () => {
  const first = await openApp();
  await tagText(first, 'clandestine meetings', 'Claim');
  await waitSaved(first);
  const second = instrument(await first.context().newPage());
  await second.goto(first.server.origin + '/');
  await waitForApp(second);
  assert.equal((await marks(second)).length, 1);

  await tagText(second, 'New York Times report', 'Source');
  await waitSaved(second);
  await first.locator('mark', { hasText: 'New York Times report' }).first().waitFor();

  await tagText(first, 'several meetings', 'Entity');
  await waitSaved(first);
  await second.locator('mark', { hasText: 'several meetings' }).first().waitFor();

  const stored = await openDocumentEntry(first);
  assert.equal(annotationsOf(stored).length, 3);
  const revision = stored.revision;
  // Both tabs flush again (as on hiding): nothing may go back to an older revision.
  for (const page of [first, second]) {
    await page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
  }
  const after = await openDocumentEntry(second);
  assert.ok(after.revision >= revision, `revision went from ${revision} to ${after.revision}`);
  assert.equal(annotationsOf(after).length, 3);
  expectNoConsoleErrors(first);
  expectNoConsoleErrors(second);
});

test('storage full: the not-saved banner offers an export, the stored entry stays the previous revision', async () => {
  const page = await openApp();
  await tagText(page, 'clandestine meetings', 'Claim');
  await waitSaved(page);
  const before = await openDocumentEntry(page);
  await fillStorage(page);
  await tagText(page, 'New York Times report', 'Source');
  const banner = page.locator('.ann-banner', { hasText: 'Not saved: ' });
  await banner.waitFor({ timeout: 10_000 });
  await screenshot(page, 'persistence-not-saved-banner');
  assert.match(await banner.textContent(), /storage/i);
  const stored = await openDocumentEntry(page);
  assert.deepEqual(stored, before, 'the stored entry changed while the storage was full');
  // Nothing is lost: "Export JSON now" downloads both annotations.
  const download = page.waitForEvent('download');
  await banner.getByRole('button', { name: 'Export JSON now' }).click();
  const json = JSON.parse(await (await download).createReadStream().then(streamText));
  assert.equal(json.annotations.length, 2);
});

async function streamText(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

test('a document too large for the remaining space is refused before any write, saying how large it is', async () => {
  const page = await openApp();
  await tagText(page, 'clandestine meetings', 'Claim');
  await waitSaved(page);
  const keysBefore = Object.keys(await storedDocuments(page)).sort();
  await fillStorage(page, 100_000);
  // The app's own native export, turned into another (large) article.
  const native = JSON.parse(await exportJson(page));
  native.document.text = 'A long paragraph about nothing much. '.repeat(20_000);
  native.document.text_sha256 = await page.evaluate(async (text) => {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, native.document.text);
  native.document.id = 'big-document';
  native.document.title = 'A very long article';
  native.annotations = [];
  native.relations = [];
  const notice = await importFiles(page, [file('big.json', JSON.stringify(native))]);
  const all = [notice.text, ...notice.details].join('\n');
  assert.match(all, /needs \d+(\.\d)? (MB|KB)/, all);
  assert.match(all, /nothing was written/, all);
  assert.deepEqual(Object.keys(await storedDocuments(page)).sort(), keysBefore);
});

test('storage unavailable: the app runs in memory with a notice, and Export works', async () => {
  const page = await newPage();
  await page.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
  });
  await page.goto(page.server.origin + '/');
  await waitForApp(page);
  const banner = page.locator('.ann-banner', { hasText: 'Not saved: ' });
  await banner.waitFor();
  assert.match(await banner.textContent(), /does not let Article Annotator store anything/);
  await tagText(page, 'clandestine meetings', 'Claim');
  const json = JSON.parse(await exportJson(page));
  assert.equal(json.annotations.length, 1);
  assert.equal(page.pageErrors.length, 0, page.pageErrors.join('\n'));
});

test('localStorage that returns null also leaves the app working in memory', async () => {
  const page = await newPage();
  await page.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', { configurable: true, get: () => null });
  });
  await page.goto(page.server.origin + '/');
  await waitForApp(page);
  await page.locator('.ann-banner', { hasText: 'Not saved: ' }).waitFor();
  await tagText(page, 'clandestine meetings', 'Claim');
  assert.equal((await marks(page)).length, 1);
});

test('a corrupt stored entry: other documents load, the Library lists it as unreadable, it is never overwritten', async () => {
  const page = await openApp();
  await tagText(page, 'clandestine meetings', 'Claim');
  await waitSaved(page);
  const garbage = '{"document": {"annotations": [ this is not json';
  await page.evaluate(
    ([prefix, last, garbage]) => {
      localStorage.setItem(prefix + 'dbroken', garbage);
      // Even when it was the last one open, the app must not open (and later overwrite) it.
      localStorage.setItem(last, 'dbroken');
    },
    [DOC_PREFIX, LAST_OPEN_KEY, garbage],
  );
  await page.reload();
  await waitForApp(page);
  assert.deepEqual((await marks(page)).map((m) => m.text), ['clandestine meetings']);
  await page.getByRole('button', { name: 'Library', exact: true }).click();
  const unreadable = page.locator('.ann-library__unreadable li', { hasText: 'dbroken' });
  await unreadable.waitFor();
  const download = page.waitForEvent('download');
  await unreadable.getByRole('button', { name: 'Download raw data' }).click();
  assert.equal(await streamText(await (await download).createReadStream()), garbage);
  await page.getByRole('button', { name: 'Back to the open document' }).click();
  await tagText(page, 'New York Times report', 'Source');
  await waitSaved(page);
  assert.equal(await page.evaluate((key) => localStorage.getItem(key), DOC_PREFIX + 'dbroken'), garbage);
});

test('keys of other apps on the same origin are ignored and left alone', async () => {
  const page = await openApp();
  const foreign = {
    'other-app:settings': '{"theme":"dark"}',
    'article-annotator-v0-notes': 'not ours either',
    'doc:d123': 'garbage from someone else',
  };
  await page.evaluate((entries) => {
    for (const [k, v] of Object.entries(entries)) localStorage.setItem(k, v);
  }, foreign);
  await page.reload();
  await waitForApp(page);
  await tagText(page, 'clandestine meetings', 'Claim');
  await waitSaved(page);
  await page.getByRole('button', { name: 'Library', exact: true }).click();
  await page.locator('.ann-table tbody tr').first().waitFor();
  assert.equal(await page.locator('.ann-library__unreadable').count(), 0);
  assert.equal(await page.locator('.ann-table tbody tr').count(), 1);
  const after = await page.evaluate((keys) => keys.map((k) => localStorage.getItem(k)), Object.keys(foreign));
  assert.deepEqual(after, Object.values(foreign));
  expectNoConsoleErrors(page);
});

test('export, clear storage, import: the same annotations come back (native exports equal minus times)', async () => {
  const page = await openApp();
  await tagText(page, 'clandestine meetings', 'Claim');
  await tagText(page, 'New York Times report', 'Source');
  await waitSaved(page);
  const before = await exportJson(page);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await waitForApp(page);
  assert.deepEqual(await marks(page), []);
  await importFiles(page, [file('backup.json', before)]);
  await waitSaved(page);
  const after = await exportJson(page);
  const strip = (json) => {
    const value = withoutTimes(json);
    delete value.id; // the sample opened after clearing is a new document with the same text
    if (value.document) delete value.document.id;
    return value;
  };
  assert.deepEqual(strip(after), strip(before));
});

// The Library's row actions with the real mouse and the browser's own prompt. The open document
// is duplicated as the page holds it: here saving's part cannot be fetched, so its last change
// is not in its stored entry, and the copy must have it all the same.
test('the Library duplicates the open document with its unsaved change, renames, deletes and undoes the delete', async () => {
  // No service worker: the page's own route decides whether saving's part arrives.
  const page = await openApp({ context: { serviceWorkers: 'block' } });
  await tagText(page, 'clandestine meetings', 'Claim');
  await waitSaved(page);
  const writerPart = /split_library_writer-[0-9a-f]+\.wasm$/;
  await page.route(writerPart, (route) => route.abort());
  await page.reload();
  await waitForApp(page);
  await page.locator('mark', { hasText: 'clandestine meetings' }).first().waitFor();
  await tagText(page, 'New York Times report', 'Source');
  await page.locator('.ann-save-state', { hasText: 'Not saved' }).waitFor();
  const openId = await page.evaluate((last) => localStorage.getItem(last), LAST_OPEN_KEY);
  const quotes = (entry) => {
    const text = [...entry.document.text];
    return annotationsOf(entry).map((a) => text.slice(a.start, a.end).join('')).sort();
  };
  assert.deepEqual(quotes(await storedEntry(page, openId)), ['clandestine meetings']);

  await page.getByRole('button', { name: 'Library', exact: true }).click();
  await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
  const title = (await storedEntry(page, openId)).document.title;
  const rows = page.locator('.ann-library__table tbody tr');
  const meterUsed = page.locator('[data-storage-meter] .ann-storage-meter__used');
  const usedBefore = await meterUsed.textContent();
  await page.getByRole('button', { name: `Duplicate “${title}”` }).click();
  // Said to a screen reader; the new row is what a sighted person sees.
  await page.locator('#ann-live', { hasText: `Duplicated as “Copy of ${title}”` }).waitFor({ state: 'attached' });
  await rows.nth(1).waitFor();
  // The storage meter counts the copy (it was counted once, when the Library opened).
  assert.notEqual(await meterUsed.textContent(), usedBefore);
  const copyId = Object.keys(await storedDocuments(page)).find((id) => id !== openId);
  const copy = await storedEntry(page, copyId);
  assert.equal(copy.document.title, `Copy of ${title}`);
  assert.deepEqual(quotes(copy), ['New York Times report', 'clandestine meetings'],
    'the copy was made from the stored entry, without the change waiting to be saved');
  assert.deepEqual(quotes(await storedEntry(page, openId)), ['clandestine meetings'],
    'the open document was written without saving\'s part');

  // Rename through the browser's prompt: the row and the stored entry take the new title.
  page.once('dialog', (dialog) => dialog.accept('  Copy for the class  '));
  await page.getByRole('button', { name: `Rename “Copy of ${title}”` }).click();
  await page.getByRole('button', { name: 'Copy for the class', exact: true }).waitFor();
  assert.equal((await storedEntry(page, copyId)).document.title, 'Copy for the class');

  // Delete asks first; Undo delete stores the document again, annotations and all.
  await page.getByRole('button', { name: 'Delete “Copy for the class”' }).click();
  await page.getByRole('group', { name: 'Confirm delete' }).getByRole('button', { name: 'Yes, delete' }).click();
  await page.getByText('Deleted “Copy for the class”.').waitFor();
  assert.equal(await rows.count(), 1);
  assert.equal(await storedEntry(page, copyId), null);
  await page.getByRole('button', { name: 'Undo delete' }).click();
  await page.getByRole('button', { name: 'Copy for the class', exact: true }).waitFor();
  assert.deepEqual(quotes(await storedEntry(page, copyId)), ['New York Times report', 'clandestine meetings']);

  // Once saving's part can come, the open document is saved, and the copy opens with both
  // annotations (until then, opening another document waits for that save).
  await page.unroute(writerPart);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await waitSaved(page);
  assert.deepEqual(quotes(await storedEntry(page, openId)), ['New York Times report', 'clandestine meetings']);
  await page.getByRole('button', { name: 'Copy for the class', exact: true }).click();
  await page.locator('mark', { hasText: 'New York Times report' }).first().waitFor();
  assert.equal((await marks(page)).length, 2);

  // A row whose document another tab deleted says so instead of doing nothing.
  await page.getByRole('button', { name: 'Library', exact: true }).click();
  await page.getByRole('button', { name: `Duplicate “${title}”` }).waitFor();
  await page.evaluate((key) => localStorage.removeItem(key), DOC_PREFIX + openId);
  await page.getByRole('button', { name: `Duplicate “${title}”` }).click();
  await page.locator('.ann-notice', { hasText: 'Nothing duplicated: this document can no longer be read from this browser\'s storage. Another tab may have deleted it.' }).waitFor();
});

test('the Library shows a storage meter', async () => {
  const page = await openApp();
  await tagText(page, 'clandestine meetings', 'Claim');
  await waitSaved(page);
  await page.getByRole('button', { name: 'Library', exact: true }).click();
  const meter = page.locator('[data-storage-meter]');
  await meter.waitFor();
  assert.match(await meter.textContent(), /Library storage: .*used, about .* available/);
  assert.equal(await meter.locator('meter').count(), 1);
  const index = await page.evaluate((k) => localStorage.getItem(k), INDEX_KEY);
  assert.ok(index, 'the index is stored');
});

test('with 20 stored documents, start-up reads one entry and a save reads no other key', async (t) => {
  const page = await newPage();
  // Every localStorage.getItem the app makes, with the size of what came back.
  await page.addInitScript(() => {
    const original = Storage.prototype.getItem;
    window.__reads = [];
    Storage.prototype.getItem = function (key) {
      const value = original.call(this, key);
      window.__reads.push([key, value === null ? 0 : value.length]);
      return value;
    };
  });
  await page.goto(page.server.origin + '/');
  await waitForApp(page);
  await tagText(page, 'clandestine meetings', 'Claim');
  await waitSaved(page);
  // Nineteen more documents: copies of this one under other ids, each listed in the index
  // the way the app lists it.
  await page.evaluate(
    ([indexKey, prefix, last]) => {
      const id = localStorage.getItem(last);
      const entry = JSON.parse(localStorage.getItem(prefix + id));
      const index = JSON.parse(localStorage.getItem(indexKey));
      const row = index.documents.find((d) => d.id === id);
      // The entry's own pieces (its text and annotation parts), copied under each copy's id.
      const pieces = [];
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i);
        for (const piecePrefix of ['article-annotator:v1:text:', 'article-annotator:v1:part:']) {
          if (key.startsWith(`${piecePrefix}${id}:`)) {
            pieces.push([piecePrefix, key.slice(piecePrefix.length + id.length), localStorage.getItem(key)]);
          }
        }
      }
      for (let n = 1; n < 20; n++) {
        const copy = `${id}-copy${n}`;
        entry.document.id = copy;
        const text = JSON.stringify(entry);
        localStorage.setItem(prefix + copy, text);
        let chars = (prefix + copy).length + text.length;
        for (const [piecePrefix, rest, value] of pieces) {
          localStorage.setItem(piecePrefix + copy + rest, value);
          chars += (piecePrefix + copy + rest).length + value.length;
        }
        const copyRow = { ...row, id: copy, modified: '2020-01-01T00:00:00.000Z' };
        if ('stored_chars' in row) copyRow.stored_chars = chars;
        index.documents.push(copyRow);
      }
      localStorage.setItem(indexKey, JSON.stringify(index));
    },
    [INDEX_KEY, DOC_PREFIX, LAST_OPEN_KEY],
  );
  await page.reload();
  await waitForApp(page);
  const startUp = await page.evaluate(() => window.__reads);
  const entriesRead = (reads) => reads.filter(([key]) => key.startsWith(DOC_PREFIX));
  const chars = (reads) => reads.reduce((sum, [, n]) => sum + n, 0);
  t.diagnostic(
    `start-up: ${startUp.length} getItem calls, ${chars(startUp)} characters, ` +
      `${entriesRead(startUp).length} document entries (${startUp.map(([k]) => k).join(', ')})`,
  );
  assert.equal(entriesRead(startUp).length, 1, 'start-up reads only the open entry');
  // The tab's own key (which document this tab had open) is the one sessionStorage read;
  // of the rest, one is whether the open document is shared (its ledger,
  // `web/storage/sync.rs`), absent here.
  const tabReads = startUp.filter(([key]) => key.endsWith(':tab-open'));
  assert.equal(tabReads.length, 1, 'start-up asks which document this tab had open, once');
  // Reading the open entry reads its pieces (text and annotation parts), and no other's.
  const openId = await page.evaluate((last) => localStorage.getItem(last), LAST_OPEN_KEY);
  const pieceReads = startUp.filter(([key]) => /^article-annotator:v1:(text|part):/.test(key));
  assert.ok(pieceReads.length >= 1, 'the open entry is in parts');
  for (const [key] of pieceReads) {
    assert.ok(key.startsWith(`article-annotator:v1:text:${openId}:`) || key.startsWith(`article-annotator:v1:part:${openId}:`), key);
  }
  // Two more ask whether this is a returning visit (the name of the document open last):
  // boot.js, to download the reader of stored entries alongside the main module, and the app,
  // to cross that part's boundary before it mounts (`reader::before_start`). Neither reads
  // the index, the one long value among them.
  const returning = startUp.slice(0, 2).map(([key, n]) => [key, n]);
  assert.deepEqual(returning.map(([key]) => key), [LAST_OPEN_KEY, LAST_OPEN_KEY], JSON.stringify(returning));
  const others = startUp.length - tabReads.length - pieceReads.length;
  assert.ok(others <= 9, `start-up made ${startUp.length} reads`);

  await page.evaluate(() => (window.__reads = []));
  await tagText(page, 'New York Times report', 'Source');
  await waitSaved(page);
  const save = await page.evaluate(() => window.__reads);
  t.diagnostic(`one save: ${save.length} getItem calls, ${chars(save)} characters`);
  assert.deepEqual(save, [], 'a save reads nothing');
  // The Library lists all twenty from the index.
  await page.getByRole('button', { name: 'Library', exact: true }).click();
  await page.locator('.ann-table tbody tr').nth(19).waitFor();
  assert.equal(await page.locator('.ann-table tbody tr').count(), 20);
  expectNoConsoleErrors(page);
});
