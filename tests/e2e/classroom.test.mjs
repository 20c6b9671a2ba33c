// The classroom, end to end: a teacher makes an exercise from the sample, two students in
// their own browsers (one from the file, one from the link) annotate differently and hand
// in, and the teacher reviews the class: table, per-span counts, heat view, grades CSV.
// Every selection is a real mouse drag; every file goes through a real download and upload.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  useHarness,
  openApp,
  newPage,
  waitForApp,
  dragSelect,
  marks,
  articleText,
  screenshot,
  expectNoConsoleErrors,
  expectNothingLeftTheMachine,
} from './harness.mjs';

const harness = useHarness();
const DOWNLOADS = fs.mkdtempSync(path.join(os.tmpdir(), 'classroom-e2e-'));

// The teacher's key, and what each student marks (start text, end text, tag button).
const KEY = [
  ['The Trump administration', 'clandestine meetings', 'Claim'],
  ['New York Times', 'New York Times', 'Source'],
  ['Current and former', 'were held', 'Claim'],
];
const ANNA = [
  ['The Trump administration', 'clandestine meetings', 'Claim'], // = key span 1: hit
  ['New York Times', 'New York Times', 'Source'], // = key span 2: hit
  ['Nicolas Maduro', 'Nicolas Maduro', 'Entity'], // nothing in the key: extra
]; // misses key span 3
const BEN = [
  ['Current and former', 'were held', 'Claim'], // = key span 3: hit
  ['Trump administration held', 'Trump administration held', 'Claim'], // too little of span 1: extra
]; // misses key spans 1 and 2

async function annotate(page, spans) {
  for (const [start, end, tag] of spans) {
    await dragSelect(page, start, end);
    const button = page.getByRole('button', { name: tag, exact: true });
    await button.click();
    await button.waitFor({ state: 'hidden' });
  }
}

async function download(page, click) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const target = path.join(DOWNLOADS, file.suggestedFilename());
  await file.saveAs(target);
  return target;
}

/** Precision, recall and F1 as the app rounds them ("67%"), from hits, misses and extras. */
function expected(hits, misses, extras) {
  const keySize = hits + misses;
  const marked = hits + extras;
  if (keySize === 0 && marked === 0) return ['100%', '100%', '100%'];
  const p = marked === 0 ? 0 : hits / marked;
  const r = keySize === 0 ? 0 : hits / keySize;
  const f1 = p + r === 0 ? 0 : (2 * p * r) / (p + r);
  return [p, r, f1].map((v) => `${Math.round(v * 100)}%`);
}

async function startAttempt(page, name) {
  const dialog = page.getByRole('dialog', { name: 'Start the exercise' });
  await dialog.waitFor();
  await dialog.getByLabel('Your name').fill(name);
  await dialog.getByRole('button', { name: 'Start' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('heading', { name: /^Exercise/ }).waitFor();
}

test('a class: make an exercise, two students hand in, the teacher reviews', async () => {
  // ---- The teacher annotates the sample and makes the exercise.
  const teacher = await openApp();
  const text = await articleText(teacher);
  await annotate(teacher, KEY);
  assert.equal((await marks(teacher)).length, 3);
  await teacher.getByRole('button', { name: 'Make exercise' }).click();
  const dialog = teacher.getByRole('dialog', { name: 'Make exercise' });
  await dialog.getByLabel('Instructions').fill('Mark the claims and the sources.\nUse Entity for people.');
  for (const tag of ['Claim', 'Source', 'Entity']) {
    assert.equal(await dialog.getByRole('checkbox', { name: tag }).isChecked(), true, tag);
  }
  const link = await dialog.getByLabel('Link to the exercise').inputValue();
  assert.match(link, /#ex1\./);
  assert.ok(link.startsWith(harness.server.origin), link);
  const lengthNote = await dialog.getByText(/This link is [\d,]+ characters/).textContent();
  assert.equal(lengthNote.match(/This link is ([\d,]+)/)[1].replace(/,/g, ''), String(link.length));
  await screenshot(teacher, 'classroom-make-exercise');
  const exerciseFile = await download(teacher, () => dialog.getByRole('button', { name: 'Download exercise' }).click());
  const keyFile = await download(teacher, () => dialog.getByRole('button', { name: 'Download answer key' }).click());
  const exercise = JSON.parse(fs.readFileSync(exerciseFile, 'utf8'));
  const key = JSON.parse(fs.readFileSync(keyFile, 'utf8'));
  assert.equal(exercise.role, 'exercise');
  assert.equal(exercise.document.text, text);
  assert.deepEqual(exercise.annotations ?? [], []);
  assert.match(exercise.exercise.instructions, /Mark the claims/);
  assert.equal(key.role, 'key');
  assert.equal(key.annotations.length, 3);
  expectNoConsoleErrors(teacher);

  // ---- Anna opens the exercise file in her own browser.
  const anna = await openApp();
  await anna.getByLabel('Open exercise').setInputFiles(exerciseFile);
  await startAttempt(anna, 'Anna');
  assert.equal(await articleText(anna), text);
  assert.deepEqual(await marks(anna), [], 'an attempt starts empty');
  await anna.getByText('Use Entity for people.').first().waitFor();
  await annotate(anna, ANNA);
  const annaFile = await download(anna, () => anna.getByRole('button', { name: 'Hand in' }).click());
  const annaAttempt = JSON.parse(fs.readFileSync(annaFile, 'utf8'));
  assert.equal(annaAttempt.role, 'attempt');
  assert.equal(annaAttempt.annotator, 'Anna');
  assert.equal(annaAttempt.annotations.length, 3);

  // Anna checks her work against the key: hits and extras on the marks, the miss listed.
  await anna.getByLabel('Load answer key').setInputFiles(keyFile);
  const check = anna.getByRole('button', { name: 'Check my work' });
  await check.click(); // waits until the key is loaded and the button enabled
  await anna.locator('[data-check]').first().waitFor();
  const decorated = await anna.locator('[data-article-text] mark').evaluateAll((list) =>
    list.map((m) => [m.textContent, m.dataset.check ?? null]),
  );
  assert.deepEqual(decorated, [
    ['The Trump administration held a series of clandestine meetings', 'hit'],
    ['Nicolas Maduro', 'extra'],
    ['New York Times', 'hit'],
  ]);
  assert.equal(await articleText(anna), text, 'check mode keeps the article text');
  const misses = await anna.locator('.ann-checkwork__miss').allTextContents();
  assert.equal(misses.length, 1);
  assert.match(misses[0], /missed.*Claim.*Current and former U\.S\. officials confirmed to CNN that several meetings were held/);
  const overall = await anna.locator('.ann-checkwork__scores tr[data-tag="overall"] td').allTextContents();
  assert.deepEqual(overall, ['2', '1', '1', ...expected(2, 1, 1)]);
  await anna.getByText('How scoring works').click();
  await screenshot(anna, 'classroom-student-check', { fullPage: false });
  expectNoConsoleErrors(anna);

  // ---- Ben opens the link instead.
  const ben = await newPage();
  await ben.goto(link);
  await waitForApp(ben);
  await startAttempt(ben, 'Ben');
  assert.equal(await articleText(ben), text);
  assert.ok(!(await ben.evaluate(() => location.hash)).includes('ex1.'), 'the link is consumed');
  await annotate(ben, BEN);
  const benFile = await download(ben, () => ben.getByRole('button', { name: 'Hand in' }).click());
  assert.equal(JSON.parse(fs.readFileSync(benFile, 'utf8')).annotator, 'Ben');
  expectNoConsoleErrors(ben);

  // ---- The teacher, in a fresh browser, reviews the class.
  const review = await openApp();
  await review.getByRole('button', { name: 'Class results' }).click();
  const view = review.getByRole('dialog', { name: 'Class results' });
  await view.getByLabel('Import attempts').setInputFiles([keyFile, annaFile, benFile]);
  await view.locator('tr[data-student="Ben"]').waitFor();
  // Importing Anna's attempt again says it is already there, and adds no row.
  await view.getByLabel('Import attempts').setInputFiles([annaFile]);
  await review.locator('.ann-notice', { hasText: /Already in the class, unchanged: the attempt of “Anna”/ }).waitFor();
  assert.equal(await view.locator('tr[data-student="Anna"]').count(), 1);
  const cells = async (student, prefix) =>
    Promise.all(
      ['precision', 'recall', 'f1', 'counts'].map((c) =>
        view.locator(`tr[data-student="${student}"] td[data-col="${prefix}-${c}"]`).textContent(),
      ),
    );
  // Anna: claim 1 hit 1 miss; source 1 hit; entity 1 extra; overall 2/1/1.
  assert.deepEqual(await cells('Anna', 'claim'), [...expected(1, 1, 0), '1/1/0']);
  assert.deepEqual(await cells('Anna', 'source'), [...expected(1, 0, 0), '1/0/0']);
  assert.deepEqual(await cells('Anna', 'entity'), [...expected(0, 0, 1), '0/0/1']);
  assert.deepEqual(await cells('Anna', 'overall'), [...expected(2, 1, 1), '2/1/1']);
  // Ben: claim 1 hit 1 miss 1 extra; source 1 miss; entity nothing on either side.
  assert.deepEqual(await cells('Ben', 'claim'), [...expected(1, 1, 1), '1/1/1']);
  assert.deepEqual(await cells('Ben', 'source'), [...expected(0, 1, 0), '0/1/0']);
  assert.deepEqual(await cells('Ben', 'entity'), [...expected(0, 0, 0), '0/0/0']);
  assert.deepEqual(await cells('Ben', 'overall'), [...expected(1, 2, 1), '1/2/1']);

  // Sorting by overall F1: descending first (Anna 67% above Ben 40%), then ascending.
  const students = () => view.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.student));
  const f1Header = view.locator('th[data-col="overall-f1"]');
  await f1Header.getByRole('button').click();
  assert.equal(await f1Header.getAttribute('aria-sort'), 'descending');
  assert.deepEqual(await students(), ['Anna', 'Ben']);
  await f1Header.getByRole('button').click();
  assert.equal(await f1Header.getAttribute('aria-sort'), 'ascending');
  assert.deepEqual(await students(), ['Ben', 'Anna']);

  // Each key span was found by exactly one of the two students.
  const found = await view.locator('.ann-found__count').allTextContents();
  assert.deepEqual(found, ['1 of 2', '1 of 2', '1 of 2']);

  // The heat view: "Current" (key span 3) was tagged Claim by Ben only; "Trump" by both.
  const heatWord = (word) =>
    view.locator('.ann-class__heat .ann-heat', { hasText: new RegExp(`^${word}$`) }).first().getAttribute('data-students');
  assert.equal(await heatWord('Current'), '1');
  assert.equal(await heatWord('clandestine'), '1');
  assert.equal(await heatWord('administration'), '2');
  assert.match(await view.locator('[data-agreement="kappa"]').textContent(), /^-?\d\.\d\d$|raters|words/);

  // Click a student to see their attempt over the key.
  await view.locator('tr[data-student="Ben"]').getByRole('button', { name: 'Ben' }).click();
  await view.getByRole('heading', { name: 'Ben on the key' }).waitFor();
  // Span by span: Ben's extra span inside the claim he missed is his own, the rest of that
  // claim and the source he missed are the key's only.
  const overlay = (cls) => view.locator(`.ann-class__overlay .ann-overlay--${cls}`).allTextContents();
  assert.ok((await overlay('student')).includes('Trump administration held'), JSON.stringify(await overlay('student')));
  assert.ok((await overlay('key')).includes('New York Times'), JSON.stringify(await overlay('key')));
  assert.ok((await overlay('key')).some((t) => t.includes('clandestine meetings')), JSON.stringify(await overlay('key')));
  await screenshot(review, 'classroom-class-results', { fullPage: false });
  await view.locator('#ann-found-title').scrollIntoViewIfNeeded();
  await screenshot(review, 'classroom-found-and-agreement', { fullPage: false });
  await view.locator('.ann-class__heat').scrollIntoViewIfNeeded();
  await screenshot(review, 'classroom-heat-view', { fullPage: false });

  // Grades as CSV.
  const csvFile = await download(review, () => view.getByRole('button', { name: 'Export grades' }).click());
  const csv = fs.readFileSync(csvFile, 'utf8').trim().split(/\r?\n/).map((line) => line.split(','));
  const header = csv[0];
  const row = (student) => Object.fromEntries(header.map((name, i) => [name, csv.find((r) => r[0] === student)[i]]));
  assert.equal(csv.length, 3);
  assert.equal(row('Anna').overall_hits, '2');
  assert.equal(row('Anna').overall_f1, (200 / 3).toFixed(1));
  assert.equal(row('Ben').overall_misses, '2');
  assert.equal(row('Ben').overall_f1, '40.0');
  assert.equal(row('Ben').claim_precision, '50.0');
  expectNoConsoleErrors(review);
  for (const page of [teacher, anna, ben, review]) expectNothingLeftTheMachine(page);
});

test('attempts made on another text are listed, not scored', async () => {
  const page = await openApp();
  const other = {
    format: 'article-annotator', version: 1, offset_unit: 'codepoint', role: 'attempt', annotator: 'Cleo',
    document: { id: 'd-other', title: 'Other', text: 'A different article.' }, tags: [], annotations: [],
  };
  const key = {
    format: 'article-annotator', version: 1, offset_unit: 'codepoint', role: 'key',
    document: { id: 'd-key', title: 'Key', text: 'The key text.' }, tags: [], annotations: [],
  };
  await page.getByRole('button', { name: 'Class results' }).click();
  const view = page.getByRole('dialog', { name: 'Class results' });
  await view.getByLabel('Import attempts').setInputFiles([
    { name: 'key.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(key)) },
    { name: 'cleo.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(other)) },
  ]);
  await view.getByText(/made on another text and are not scored: Cleo/).waitFor();
  assert.equal(await view.locator('tbody tr').count(), 0);
});

test('40 attempts on a 2,000-word article are reviewed without a noticeable delay', async () => {
  // A made-up article of 2,000 words in 40 paragraphs; the key marks one claim per
  // paragraph; each student finds some of them and adds one extra.
  const words = Array.from({ length: 2000 }, (_, i) => `word${i}`);
  const paragraphs = [];
  for (let p = 0; p < 40; p++) paragraphs.push(words.slice(p * 50, p * 50 + 50).join(' '));
  const text = paragraphs.join('\n\n');
  const starts = [];
  let offset = 0;
  for (const paragraph of paragraphs) {
    starts.push(offset);
    offset += paragraph.length + 2;
  }
  const span = (id, tag, start, end) => ({ id, tag, start, end, quote: text.slice(start, end) });
  const claim = (p) => span(`k${p}`, 'claim', starts[p], starts[p] + 40);
  const base = (role, id) => ({
    format: 'article-annotator', version: 1, offset_unit: 'codepoint', role,
    document: { id, title: 'Long', text },
    tags: [{ id: 'claim', label: 'Claim', color: '#d55e00' }, { id: 'source', label: 'Source', color: '#0072b2' }],
  });
  const key = { ...base('key', 'key'), annotations: paragraphs.map((_, p) => claim(p)) };
  const attempts = Array.from({ length: 40 }, (_, s) => ({
    ...base('attempt', `attempt-${s}`),
    annotator: `Student ${String(s + 1).padStart(2, '0')}`,
    annotations: [
      ...paragraphs.map((_, p) => claim(p)).filter((_, p) => (p + s) % 3 !== 0).map((a) => ({ ...a, id: `s${s}-${a.id}` })),
      span(`s${s}-extra`, 'source', starts[s] + 45, starts[s] + 60),
    ],
  }));
  const files = [key, ...attempts].map((json, i) => ({
    name: `file-${i}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)),
  }));
  const page = await openApp();
  await page.getByRole('button', { name: 'Class results' }).click();
  const view = page.getByRole('dialog', { name: 'Class results' });
  const started = Date.now();
  await view.getByLabel('Import attempts').setInputFiles(files);
  await page.waitForFunction(() => document.querySelectorAll('.ann-class__table tbody tr').length === 40, null, {
    timeout: 10_000,
  });
  await view.locator('.ann-class__heat .ann-heat').first().waitFor();
  const importMs = Date.now() - started;
  // Re-sorting and switching the heat view's tag must feel immediate.
  const sortStarted = Date.now();
  await view.locator('th[data-col="overall-f1"]').getByRole('button').click();
  await page.waitForFunction(() => document.querySelector('th[data-col="overall-f1"]').getAttribute('aria-sort') === 'descending');
  await view.getByRole('button', { name: 'Source', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('.ann-class__heat .ann-heat[data-students]') !== null);
  const interactMs = Date.now() - sortStarted;
  console.log(`class review: import of 41 files + first render ${importMs} ms; sort + heat tag switch ${interactMs} ms`);
  assert.ok(importMs < 5000, `import and render took ${importMs} ms`);
  assert.ok(interactMs < 1500, `sorting and switching took ${interactMs} ms`);
  // Student 01 (s = 0) skips paragraphs 0, 3, …, 39: 26 of 40 found, 1 extra.
  const overall = await view.locator('tr[data-student="Student 01"] td[data-col="overall-counts"]').textContent();
  assert.equal(overall, '26/14/1');
  expectNoConsoleErrors(page);
});

test('an imported taxonomy (Organization, Loaded Language, PER) reaches the student as tag buttons', async () => {
  const TEXT = 'Acme Corp said the plan is a total disaster, Ann Lee wrote in a short note.';
  const region = (start, end, label) => ({
    from_name: 'label',
    to_name: 'text',
    type: 'labels',
    value: { start, end, text: TEXT.slice(start, end), labels: [label] },
  });
  const tasks = [
    {
      data: { text: TEXT, title: 'Acme and the plan' },
      annotations: [{ result: [region(0, 9, 'Organization'), region(27, 43, 'Loaded Language'), region(45, 52, 'PER')] }],
    },
  ];
  const teacher = await openApp();
  await teacher
    .getByLabel('Import annotations')
    .setInputFiles({ name: 'tasks.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(tasks)) });
  await teacher.waitForFunction((t) => document.querySelector('[data-article-text]')?.textContent === t, TEXT);
  await teacher.getByRole('button', { name: 'Make exercise' }).click();
  const dialog = teacher.getByRole('dialog', { name: 'Make exercise' });
  for (const tag of ['Organization', 'Loaded Language', 'PER']) {
    assert.equal(await dialog.getByRole('checkbox', { name: tag }).isChecked(), true, tag);
  }
  // The default instructions speak of this exercise's tags, and follow the choice.
  const instructions = dialog.getByLabel('Instructions');
  assert.equal(
    await instructions.inputValue(),
    'Mark every passage of the article that fits one of the tags “Loaded Language”, “Organization” or “PER”.',
  );
  await dialog.getByRole('checkbox', { name: 'PER' }).click();
  assert.doesNotMatch(await instructions.inputValue(), /PER|claim|source/);
  await dialog.getByRole('checkbox', { name: 'PER' }).click();
  const exerciseFile = await download(teacher, () => dialog.getByRole('button', { name: 'Download exercise' }).click());
  const exercise = JSON.parse(fs.readFileSync(exerciseFile, 'utf8'));
  assert.deepEqual(
    exercise.tags.map((t) => t.id).sort(),
    ['Loaded_Language', 'Organization', 'PER'],
    'the handout carries the imported tags',
  );
  expectNoConsoleErrors(teacher);

  const student = await openApp();
  await student.getByLabel('Open exercise').setInputFiles(exerciseFile);
  await startAttempt(student, 'Cleo');
  assert.equal(await articleText(student), TEXT);
  await dragSelect(student, 'Acme Corp');
  const button = student.getByRole('button', { name: 'Organization', exact: true });
  await button.click();
  await button.waitFor({ state: 'hidden' });
  await dragSelect(student, 'a total disaster');
  await student.getByRole('button', { name: 'PER', exact: true }).waitFor();
  await student.getByRole('button', { name: 'Loaded Language', exact: true }).click();
  await student.locator('[data-article-text] mark[data-tags="Loaded_Language"]').waitFor();
  const tagged = (await marks(student)).map((m) => [m.text, m.tags.join(' ')]);
  assert.deepEqual(tagged, [
    ['Acme Corp', 'Organization'],
    ['a total disaster', 'Loaded_Language'],
  ]);
  expectNoConsoleErrors(student);
});

/**
 * For each mark in the article: its check state, whether its text is struck through, whether
 * it is outlined or ringed, how many annotations cover it, and the contrast of its text
 * against the background it is actually drawn on (the page colour with the mark's tints laid
 * over it, all read from computed styles).
 */
async function markLooks(page) {
  return page.locator('[data-article-text]').evaluate((article) => {
    const probe = document.createElement('span');
    document.body.append(probe);
    const rgba = (css) => {
      probe.style.backgroundColor = '';
      probe.style.backgroundColor = css;
      const value = getComputedStyle(probe).backgroundColor;
      let m = value.match(/^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/);
      if (m) return [+m[1] / 255, +m[2] / 255, +m[3] / 255, m[4] === undefined ? 1 : +m[4]];
      m = value.match(/^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.e-]+))?\)$/);
      if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
      throw new Error(`cannot read the colour ${css} → ${value}`);
    };
    // Split a computed list at its top-level commas.
    const split = (list) => {
      const parts = [];
      let depth = 0;
      let part = '';
      for (const c of list) {
        if (c === '(') depth++;
        if (c === ')') depth--;
        if (c === ',' && depth === 0) { parts.push(part.trim()); part = ''; } else part += c;
      }
      if (part.trim()) parts.push(part.trim());
      return parts;
    };
    const over = (top, [r, g, b]) => [0, 1, 2].map((i) => top[i] * top[3] + [r, g, b][i] * (1 - top[3]));
    const luminance = (c) => {
      const [r, g, b] = c.map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const contrast = (a, b) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    let base = [1, 1, 1];
    for (let el = article; el; el = el.parentElement) {
      const c = rgba(getComputedStyle(el).backgroundColor);
      if (c[3] > 0) { base = c.slice(0, 3); break; }
    }
    const result = [...article.querySelectorAll('mark')].map((mark) => {
      const style = getComputedStyle(mark);
      const images = split(style.backgroundImage);
      const sizes = split(style.backgroundSize);
      let background = base;
      // The first layer is drawn on top: lay them from the last up.
      for (let i = images.length - 1; i >= 0; i--) {
        if (sizes[i] !== '100% 100%') continue; // underlines, not tints
        const inner = images[i].slice(images[i].indexOf('(') + 1, -1);
        background = over(rgba(split(inner)[0]), background);
      }
      background = over(rgba(style.backgroundColor), background);
      const text = rgba(style.color).slice(0, 3);
      return {
        text: mark.textContent,
        check: mark.dataset.check ?? null,
        covering: (mark.dataset.ids ?? '').split(' ').filter(Boolean).length,
        struck: style.textDecorationLine.includes('line-through'),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        ring: style.boxShadow !== 'none',
        contrast: contrast(text, background),
      };
    });
    probe.remove();
    return result;
  });
}

for (const scheme of ['light', 'dark']) {
  test(`check my work on a phone (${scheme}): extras are outlined, not struck through, and nested marks keep their contrast`, async () => {
    const teacher = await openApp();
    await annotate(teacher, KEY.slice(0, 1));
    await teacher.getByRole('button', { name: 'Make exercise' }).click();
    const dialog = teacher.getByRole('dialog', { name: 'Make exercise' });
    const exerciseFile = await download(teacher, () => dialog.getByRole('button', { name: 'Download exercise' }).click());
    const keyFile = await download(teacher, () => dialog.getByRole('button', { name: 'Download answer key' }).click());

    const student = await openApp({ viewport: { width: 390, height: 844 }, context: { colorScheme: scheme } });
    await student.getByLabel('Open exercise').setInputFiles(exerciseFile);
    await startAttempt(student, 'Cleo');
    // A hit, a source nested inside it, and an extra.
    await annotate(student, [
      ['The Trump administration', 'clandestine meetings', 'Claim'],
      ['clandestine meetings', 'clandestine meetings', 'Source'],
      ['Nicolas Maduro', 'Nicolas Maduro', 'Entity'],
    ]);
    await student.getByLabel('Load answer key').setInputFiles(keyFile);
    await student.getByRole('button', { name: 'Check my work' }).click();
    await student.locator('[data-check="extra"]').first().waitFor();
    // The claim selected: its runs, the nested one too, take the stronger tint.
    await student.locator('[data-article-text] mark', { hasText: 'The Trump administration' }).first().click();
    await student.locator('[data-article-text] mark.ann-mark--selected').first().waitFor();

    const looks = await markLooks(student);
    const extra = looks.find((m) => m.check === 'extra');
    assert.ok(extra, JSON.stringify(looks));
    assert.equal(extra.struck, false, 'an extra is not struck through');
    assert.equal(extra.outline, true, 'an extra is outlined');
    const nested = looks.filter((m) => m.covering > 1);
    assert.ok(nested.length > 0, JSON.stringify(looks));
    for (const m of nested) assert.equal(m.ring || m.outline, true, `the nested run “${m.text}” is outlined`);
    console.log(`${scheme}: contrast of nested runs ${nested.map((m) => m.contrast.toFixed(2)).join(', ')}; lowest of all ${Math.min(...looks.map((m) => m.contrast)).toFixed(2)}`);
    for (const m of looks) {
      assert.equal(m.struck, false, `“${m.text}” is not struck through`);
      assert.ok(m.contrast >= 4.5, `“${m.text}” (${m.covering} annotations): contrast ${m.contrast.toFixed(2)}:1`);
    }
    await student.locator('[data-article-text] mark', { hasText: 'Nicolas Maduro' }).first().scrollIntoViewIfNeeded();
    await screenshot(student, `classroom-check-390-${scheme}`);
    expectNoConsoleErrors(student);
  });
}
