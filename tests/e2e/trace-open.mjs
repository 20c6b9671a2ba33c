// Ad-hoc (not a test): a trace of opening a document, summarised by main-thread event.
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, newPage } from './harness.mjs';
const [dist, docs, name] = process.argv.slice(2);
const seed = {
  entry: fs.readFileSync(path.join(docs, `${name}.entry.json`), 'utf8'),
  index: fs.readFileSync(path.join(docs, `${name}.index.json`), 'utf8'),
};
const server = await serve(dist);
const browser = await launch();
const page = await newPage({ browser, server, viewport: { width: 1280, height: 900 } });
await page.goto(server.url);
await page.evaluate((seed) => {
  localStorage.clear();
  const id = JSON.parse(seed.index).documents?.[0]?.id ?? 'synthetic-42';
  localStorage.setItem('article-annotator:v1:doc:synthetic-42', seed.entry);
  localStorage.setItem('article-annotator:v1:index', seed.index);
  localStorage.setItem('article-annotator:v1:last-open', 'synthetic-42');
}, seed);
await page.waitForTimeout(1500);
for (let rep = 0; rep < 3; rep++) {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'loading'] });
  await page.addInitScript(() => {
    window.__firstMark = null;
    const tick = () => { if (document.querySelector('[data-article-text] mark')) { performance.mark('first-mark-frame'); return; } requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName('first-mark-frame').length > 0, null, { timeout: 60000 });
  await page.waitForTimeout(300);
  const buf = await browser.stopTracing();
  const trace = JSON.parse(buf.toString());
  const events = trace.traceEvents ?? trace;
  const mark = events.find((e) => e.name === 'first-mark-frame');
  const nav = events.find((e) => e.name === 'navigationStart' || e.name === 'fetchStart');
  const main = mark?.tid; const pid = mark?.pid;
  const t0 = nav?.ts ?? 0; const t1 = mark?.ts ?? Infinity;
  const sums = {};
  for (const e of events) {
    if (e.pid !== pid || e.tid !== main || e.ph !== 'X' || e.ts < t0 || e.ts > t1) continue;
    sums[e.name] = (sums[e.name] ?? 0) + (e.dur ?? 0) / 1000;
  }
  const tasks = events.filter((e) => e.pid === pid && e.tid === main && e.name === 'RunTask' && e.ts >= t0 && e.ts <= t1);
  const busy = tasks.reduce((s, e) => s + e.dur / 1000, 0);
  console.log(`rep ${rep}: nav→first mark frame ${((t1 - t0) / 1000).toFixed(1)} ms, main thread busy ${busy.toFixed(1)} ms in ${tasks.length} tasks; longest tasks ${tasks.map((e) => e.dur / 1000).sort((a, b) => b - a).slice(0, 6).map((x) => x.toFixed(1)).join(', ')}`);
  console.log('  ' + Object.entries(sums).sort((a, b) => b[1] - a[1]).slice(0, 22).map(([k, v]) => `${k} ${v.toFixed(1)}`).join('; '));
  const big = tasks.filter((e) => e.dur > 5000).map((e) => `${((e.ts - t0) / 1000).toFixed(0)}+${(e.dur / 1000).toFixed(0)}`);
  console.log('  tasks >5ms at (ms from nav + dur):', big.join(' '));
}
await browser.close();
await server.close?.();
process.exit(0);
