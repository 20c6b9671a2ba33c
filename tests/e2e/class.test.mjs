// A class without files, through a CouchDB-compatible server with real accounts
// (scripts/shared-server.mjs --admin/--user: sessions with passwords, each database's
// _security, validate_doc_update). The teacher sets up the class from Make exercise; three
// students in their own browsers open the link, sign in and hand in; the teacher's Class
// results follows the class library and shows each attempt as it arrives. The server, not
// the app, refuses a student who writes another's attempt or reads the key.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  DIST,
  ROOT,
  dragSelect,
  expectNoConsoleErrors,
  marks,
  newPage,
  openApp,
  screenshot,
  useHarness,
  waitForApp,
} from './harness.mjs';

useHarness();

const TEACHER = { name: 'teacher', password: 'teacher-pw' };
const STUDENTS = {
  ana: 'ana-pw',
  ben: 'ben-pw',
  cai: 'cai-pw',
};
const CLASS = 'class-7b';
let shared = null;
/** The exercise link the teacher hands out (set by the first test). */
let link = null;

function startServer() {
  const args = [path.join(ROOT, 'scripts/shared-server.mjs'), '--port', '0', '--dist', DIST];
  args.push('--admin', `${TEACHER.name}:${TEACHER.password}`);
  for (const [name, password] of Object.entries(STUDENTS)) args.push('--user', `${name}:${password}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`shared server exited (${code}): ${out}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/listening on (http:\/\/127\.0\.0\.1:(\d+))/);
      if (match) {
        child.removeAllListeners('exit');
        resolve({ child, origin: match[1], url: `${match[1]}/` });
      }
    });
  });
}

before(async () => {
  shared = await startServer();
});
after(async () => {
  if (!shared) return;
  await new Promise((resolve) => {
    shared.child.once('exit', resolve);
    shared.child.kill('SIGTERM');
  });
});

/** The server's API as the teacher (basic auth), for checking what it holds. */
async function asTeacher(pathname) {
  const auth = Buffer.from(`${TEACHER.name}:${TEACHER.password}`).toString('base64');
  const response = await fetch(`${shared.origin}/db/${pathname}`, { headers: { authorization: `Basic ${auth}` } });
  return { status: response.status, body: await response.json() };
}

const KEY = [
  ['The Trump administration', 'clandestine meetings', 'Claim'],
  ['New York Times', 'New York Times', 'Source'],
  ['Current and former', 'were held', 'Claim'],
];
const WORK = {
  ana: [
    ['The Trump administration', 'clandestine meetings', 'Claim'],
    ['New York Times', 'New York Times', 'Source'],
  ],
  ben: [['Current and former', 'were held', 'Claim']],
  cai: [['Nicolas Maduro', 'Nicolas Maduro', 'Entity']],
};

async function annotate(page, spans) {
  for (const [start, end, tag] of spans) {
    await dragSelect(page, start, end);
    const button = page.getByRole('button', { name: tag, exact: true });
    await button.click();
    await button.waitFor({ state: 'hidden' });
  }
}

/** A student opens the link in their own browser, signs in and starts the exercise. */
async function student(name, { wrongPasswordFirst = false } = {}) {
  const page = await newPage({ server: shared });
  await page.goto(link);
  await waitForApp(page);
  const dialog = page.getByRole('dialog', { name: 'Start the exercise' });
  await dialog.getByText(`handed in to class “${CLASS}”`).waitFor();
  await dialog.getByLabel('Your name').fill(name);
  if (wrongPasswordFirst) {
    await dialog.getByLabel('Password').fill('not-the-password');
    await dialog.getByRole('button', { name: 'Start' }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: `The server does not know this name and password: type your user name for class “${CLASS}”` })
      .waitFor();
    if (name === 'ana') await screenshot(page, 'class-student-wrong-password');
  }
  await dialog.getByLabel('Password').fill(STUDENTS[name]);
  await dialog.getByRole('button', { name: 'Start' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('heading', { name: /^Exercise/ }).waitFor();
  return page;
}

const notice = (page, text) => page.locator('.ann-notice', { hasText: text });

test('a class without files: the teacher sets it up, three students hand in, Class results updates live', async () => {
  const teacher = await openApp({ server: shared });
  await annotate(teacher, KEY);
  await teacher.getByRole('button', { name: 'Sharing', exact: true }).click();
  await teacher.getByLabel('Your name').fill(TEACHER.name);
  await teacher.getByLabel('Password').fill(TEACHER.password);
  await teacher.getByRole('button', { name: 'Sign in' }).click();
  await teacher.getByText(`Signed in as ${TEACHER.name}`).waitFor();
  await teacher.getByRole('button', { name: 'Sharing', exact: true }).click();

  await teacher.getByRole('button', { name: 'Make exercise' }).click();
  const dialog = teacher.getByRole('dialog', { name: 'Make exercise' });
  const linkBefore = await dialog.getByLabel('Link to the exercise').inputValue();
  await dialog.getByText('Hand in through a class library (server)').click();
  // A name the server cannot take is refused before anything is written.
  await dialog.getByLabel('Class library').fill('Class 7B');
  await dialog.getByLabel(/^Students/).fill('ana, ben\ncai');
  await dialog.getByRole('button', { name: 'Set up class' }).click();
  await dialog.getByRole('status').filter({ hasText: 'must start with a lowercase letter' }).waitFor();
  await dialog.getByLabel('Class library').fill(CLASS);
  await dialog.getByRole('button', { name: 'Set up class' }).click();
  await dialog.getByRole('status').filter({ hasText: `Class “${CLASS}” is ready: ana, ben, cai can hand in` }).waitFor();
  link = await dialog.getByLabel('Link to the exercise').inputValue();
  assert.notEqual(link, linkBefore, 'the link now names the class');
  await screenshot(teacher, 'class-set-up-1280');
  await teacher.setViewportSize({ width: 390, height: 844 });
  await dialog.getByRole('status').filter({ hasText: 'is ready' }).scrollIntoViewIfNeeded();
  await screenshot(teacher, 'class-set-up-390');
  await teacher.setViewportSize({ width: 1280, height: 800 });

  // The server holds what the app installed: members, the validation, the key apart.
  const security = await asTeacher(`${CLASS}/_security`);
  assert.deepEqual(security.body.members.names, ['ana', 'ben', 'cai', 'teacher']);
  assert.deepEqual(security.body.admins.names, ['teacher']);
  const design = await asTeacher(`${CLASS}/_design/class`);
  assert.match(design.body.validate_doc_update, /attempt:/);
  const keySecurity = await asTeacher(`${CLASS}-key/_security`);
  assert.deepEqual(keySecurity.body.members.names, ['teacher']);
  const keyDoc = await asTeacher(`${CLASS}-key/key`);
  assert.equal(JSON.parse(keyDoc.body.file).annotations.length, 3);
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The teacher follows the class in Class results.
  await teacher.getByRole('button', { name: 'Class results' }).click();
  const view = teacher.getByRole('dialog', { name: 'Class results' });
  await view.getByLabel('Class library').fill(CLASS);
  await view.getByRole('button', { name: 'Follow class' }).click();
  await view.getByText(`Following “${CLASS}” live`).waitFor();

  const rows = () => view.locator('tbody tr').evaluateAll((list) => list.map((r) => r.dataset.student));
  const cells = (name) =>
    view.locator(`tr[data-student="${name}"] td[data-col="overall-counts"]`).textContent();
  const pages = {};
  for (const name of ['ana', 'ben', 'cai']) {
    const page = await student(name, { wrongPasswordFirst: name === 'ana' });
    pages[name] = page;
    await annotate(page, WORK[name]);
    await page.getByRole('button', { name: 'Hand in' }).click();
    const started = Date.now();
    await notice(page, `Handed in to class “${CLASS}” as ${name}`).waitFor();
    await view.locator(`tr[data-student="${name}"]`).waitFor({ timeout: 2_000 });
    console.log(`${name}'s hand-in reached Class results in ${Date.now() - started} ms`);
    if (name === 'ana') await screenshot(page, 'class-hand-in-1280');
    if (name === 'ben') {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByRole('button', { name: 'Hand in' }).scrollIntoViewIfNeeded();
      await screenshot(page, 'class-hand-in-390');
    }
  }
  assert.deepEqual((await rows()).sort(), ['ana', 'ben', 'cai']);
  // Hits/misses/extras against the key the teacher's key library holds.
  assert.equal(await cells('ana'), '2/1/0');
  assert.equal(await cells('ben'), '1/2/0');
  assert.equal(await cells('cai'), '0/3/1');

  // Ana adds a span and hands in again: her row changes in place, no second row.
  await annotate(pages.ana, [['Current and former', 'were held', 'Claim']]);
  await pages.ana.getByRole('button', { name: 'Hand in' }).click();
  await view.locator('tr[data-student="ana"] td[data-col="overall-counts"]', { hasText: '3/0/0' }).waitFor({ timeout: 2_000 });
  assert.equal((await rows()).length, 3);
  await screenshot(teacher, 'class-results-live');
  await view.getByRole('button', { name: 'Stop following' }).click();
  await view.getByText(`Following “${CLASS}” live`).waitFor({ state: 'detached' });
  // Following again at once, while the stopped follower still waits in its long-poll: when the
  // next hand-in ends that wait, only one follower asks the server again.
  await view.getByRole('button', { name: 'Follow class' }).click();
  await view.getByText(`Following “${CLASS}” live`).waitFor();
  await teacher.waitForTimeout(1_000);
  const polls = [];
  teacher.on('request', (r) => {
    if (r.url().includes(`/db/${CLASS}/_changes`)) polls.push(r.url());
  });
  await annotate(pages.cai, [['Current and former', 'were held', 'Claim']]);
  await pages.cai.getByRole('button', { name: 'Hand in' }).click();
  await view.locator('tr[data-student="cai"] td[data-col="overall-counts"]', { hasText: '1/2/1' }).waitFor({ timeout: 2_000 });
  await teacher.waitForTimeout(1_500);
  assert.equal(polls.length, 1, `one follower asks again, not two: ${polls.join(' ')}`);
  await view.getByRole('button', { name: 'Stop following' }).click();
  // The browser logs the refused sign-in (401 from /db/_session) itself; anything else is a fault.
  const refusedSignIn = /status of 401 \(Unauthorized\) \(http:\/\/127\.0\.0\.1:\d+\/db\/_session/;
  assert.equal(pages.ana.consoleErrors.filter((e) => refusedSignIn.test(e)).length, 1);
  pages.ana.consoleErrors = pages.ana.consoleErrors.filter((e) => !refusedSignIn.test(e));
  for (const page of [teacher, ...Object.values(pages)]) expectNoConsoleErrors(page);
});

test('the server refuses a student writing another student attempt (403) and reading the key; nothing is lost', async () => {
  assert.ok(link, 'the first test set up the class');
  const before = await asTeacher(`${CLASS}/attempt:cai`);
  assert.equal(before.status, 200);

  const ben = await student('ben');
  await annotate(ben, [['Nicolas Maduro', 'Nicolas Maduro', 'Entity']]);
  // Straight through the API with Ben's own session: another's attempt is refused with 403.
  const forged = await ben.evaluate(async (rev) => {
    const response = await fetch('db/class-7b/attempt:cai', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ _rev: rev, owner: 'ben', type: 'attempt', file: '{}' }),
    });
    return { status: response.status, body: await response.json() };
  }, before.body._rev);
  assert.equal(forged.status, 403);
  assert.match(forged.body.reason, /only your own attempt/);

  // The key is out of reach: its library lets only the teacher in.
  const key = await ben.evaluate(async () => {
    const response = await fetch('db/class-7b-key/key');
    return { status: response.status, text: await response.text() };
  });
  assert.ok([401, 403].includes(key.status), `the key answered ${key.status}`);
  assert.doesNotMatch(key.text, /annotations/);
  const classDocs = await ben.evaluate(async () => (await fetch('db/class-7b/_all_docs?include_docs=true')).text());
  assert.doesNotMatch(classDocs, /"role":\s*"key"/, 'no key inside the class library');

  // In the Sharing panel the key library refuses Ben, signed in but not its member (PouchDB
  // Server answers 401 there where CouchDB answers 403): he is told so, not asked to sign in.
  await ben.getByRole('button', { name: 'Sharing', exact: true }).click();
  await ben.getByLabel('Your name').fill('ben');
  await ben.getByLabel('Password').fill('ben-pw');
  await ben.getByRole('button', { name: 'Sign in' }).click();
  await ben.getByLabel('Shared library').fill('class-7b-key');
  await ben.getByLabel('Shared library').press('Tab');
  const notMember = notice(ben, 'The shared articles cannot be listed');
  await notMember.waitFor();
  assert.match(await notMember.textContent(), /you are not a member of this library; ask its owner to add you \(you are signed in as ben\)/);
  assert.doesNotMatch(await notMember.textContent(), /sign in/i);
  await ben.getByRole('button', { name: 'Sharing', exact: true }).click();

  // Cai signs in on Ben's computer (the session cookie is Cai's now); Ben presses Hand in.
  await ben.evaluate(async () => {
    await fetch('db/_session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'cai', password: 'cai-pw' }),
    });
  });
  await ben.getByRole('button', { name: 'Hand in' }).click();
  const refusal = notice(ben, 'Not handed in');
  await refusal.waitFor();
  const message = await refusal.textContent();
  assert.match(message, /403/);
  assert.match(message, /signed in as cai: you can hand in only your own attempt \(attempt:cai\), not attempt:ben/);
  assert.match(message, /Your work is kept in this browser/);
  await screenshot(ben, 'class-hand-in-refused');

  // Nothing is lost: Ben's spans are still on his page, Cai's and Ben's attempts on the server unchanged.
  assert.equal((await marks(ben)).length, 1);
  const cai = await asTeacher(`${CLASS}/attempt:cai`);
  assert.equal(cai.body._rev, before.body._rev);
  const benOnServer = await asTeacher(`${CLASS}/attempt:ben`);
  assert.equal(JSON.parse(benOnServer.body.file).annotations.length, 1, 'the earlier hand-in stays');
});
