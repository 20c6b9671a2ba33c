// Helpers shared by the persistence and import tests: tagging with the real mouse, waiting for
// autosave, reading the stored library, downloading exports and importing files.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { dragSelect } from './harness.mjs';

export const INDEX_KEY = 'article-annotator:v1:index';
export const LAST_OPEN_KEY = 'article-annotator:v1:last-open';
export const DOC_PREFIX = 'article-annotator:v1:doc:';

/** Selects `text` in the article with the mouse and tags it with the tag button `label`. */
export async function tagText(page, text, label = 'Claim') {
  await dragSelect(page, text);
  await page.getByRole('button', { name: label, exact: true }).click();
  await page.locator(`mark`).filter({ hasText: text.slice(0, 12) }).first().waitFor();
}

/** Waits until the header says the open document is saved. */
export async function waitSaved(page) {
  await page.locator('.ann-save-state', { hasText: 'Saved in this browser' }).waitFor({ timeout: 10_000 });
}

/**
 * The stored entries of our documents, parsed: `{ id: entryJson }`. An entry kept in parts
 * (entry version 3: a head under the document's key, its text and annotation parts under keys
 * of their own) is put together the way the app reads it, so every test sees one entry.
 */
export async function storedDocuments(page) {
  return page.evaluate(([prefix, assembleSource]) => {
    const assemble = new Function(`return (${assembleSource})`)();
    const out = {};
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key.startsWith(prefix)) {
        const id = key.slice(prefix.length);
        try {
          out[id] = assemble(id, JSON.parse(localStorage.getItem(key)));
        } catch {
          out[id] = localStorage.getItem(key);
        }
      }
    }
    return out;
  }, [DOC_PREFIX, assembleEntry.toString()]);
}

/** The stored entry of document `id`, put together (see `storedDocuments`); null if none. */
export async function storedEntry(page, id) {
  return (await storedDocuments(page))[id] ?? null;
}

/** Runs in the page: a head and its pieces → one entry, as `domain/format/parts.rs` does. */
function assembleEntry(id, entry) {
  if (entry?.entry_version !== 3 || !entry.parts) return entry;
  const piece = (key) => {
    const value = localStorage.getItem(key);
    if (value === null) throw new Error(`missing piece ${key}`);
    return value;
  };
  const text = piece(`article-annotator:v1:text:${id}:${entry.parts.text}`);
  const annotations = entry.parts.annotations.flatMap((revision, part) =>
    revision ? JSON.parse(piece(`article-annotator:v1:part:${id}:${part}:${revision}`)) : [],
  );
  annotations.sort((a, b) => a.start - b.start || b.end - a.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const { parts, ...rest } = entry;
  return { ...rest, document: { ...entry.document, text }, annotations };
}

/** The annotations of a stored entry. */
export function annotationsOf(entry) {
  // A stored entry is a native file (annotations at the top) plus revision and time.
  assert.ok(Array.isArray(entry?.annotations), `not a stored entry: ${JSON.stringify(entry)?.slice(0, 200)}`);
  return entry.annotations;
}

/** Opens the Export menu and clicks `button`; returns the downloads' `{ name, text }`. */
export async function download(page, button, count = 1) {
  const summary = page.locator('summary', { hasText: 'Export' });
  const open = await page.locator('details.ann-menu').evaluate((d) => d.open);
  if (!open) await summary.click();
  const waits = [];
  const results = [];
  const listener = (d) => waits.push(d);
  page.on('download', listener);
  await page.getByRole('button', { name: button, exact: true }).click();
  const deadline = Date.now() + 10_000;
  while (waits.length < count && Date.now() < deadline) await page.waitForTimeout(20);
  page.off('download', listener);
  assert.equal(waits.length, count, `expected ${count} download(s) from “${button}”`);
  for (const d of waits) {
    const file = await d.path();
    const bytes = fs.readFileSync(file);
    results.push({ name: d.suggestedFilename(), text: bytes.toString('utf8'), bytes });
  }
  await summary.click();
  return results;
}

/** Gives files to the "Import annotations" input: paths or `{ name, mimeType, buffer }`. */
export async function importFiles(page, files) {
  const before = await page.locator('.ann-notice').count();
  await page.getByLabel('Import annotations').setInputFiles(files);
  await page.waitForFunction((n) => document.querySelectorAll('.ann-notice').length > n, before, {
    timeout: 10_000,
  });
  return lastNotice(page);
}

/** The newest notice: `{ kind, text, details }`. */
export async function lastNotice(page) {
  const notice = page.locator('.ann-notice').last();
  const kind = (await notice.getAttribute('class')).match(/ann-notice--(\w+)/)?.[1];
  const text = (await notice.locator('p').first().textContent()).trim();
  const details = await notice.locator('details li').allTextContents();
  return { kind, text, details };
}

export function file(name, contents, mimeType = 'application/octet-stream') {
  return { name, mimeType, buffer: Buffer.isBuffer(contents) ? contents : Buffer.from(contents, 'utf8') };
}

/** A native export without the times that differ between two saves of the same work. */
export function withoutTimes(json) {
  return JSON.parse(json, (key, value) =>
    ['created', 'modified', 'exported', 'saved', 'exportedAt', 'savedAt'].includes(key) ? undefined : value,
  );
}
