// Where a tag's time goes: opens a generated document in headless Chromium (frames not held to
// 60 Hz), tags words by mouse selection and the `1` key with Chromium's tracing on, and prints,
// for the time from each key press to the second frame after it, the median milliseconds per
// kind of main-thread work (script, style, layout, pre-paint, paint, ...).
//
//   node bench/trace.mjs [bytes] [spans]     (after a release build in dist/; default 1 MB;
//                                             BENCH_KEY=Shift: a key Glossa ignores;
//                                             BENCH_SEARCH=the: with a search open)
//
// BENCH_PROFILE=1 prints a CPU profile of the same tags instead, by function (self time, then
// Glossa's by inclusive time, ms per tag); the wasm's functions have names only in a build that keeps them (cargo's
// CARGO_PROFILE_RELEASE_STRIP=none, then `wasm-bindgen --keep-debug` over Trunk's output).
// BENCH_SAMPLE=1 adds to the trace the sampling profiler's samples and prints, after the
// kinds of work, the functions that ran in the key's own task (ms per tag; BENCH_SAMPLE=frames:
// from the key to the second frame, microtasks and frames too): the profile of
// BENCH_PROFILE also counts whatever ran after the frame until the page answered.
// BENCH_THREADS=1 adds, for every thread of every process (the compositor, raster workers, the
// GPU process's display compositor), the median ms per tag of its outermost events by name: where
// the time goes that is not the page's main thread.
// BENCH_CSS='.details { display: none }' adds a style sheet to the page: what a part of it costs.
// A diagnosis aid beside bench/run.mjs, not a test.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { serveDist, launch, dragSelect, root } from '../tests/e2e/harness.mjs';
import { untaggedWords } from './words.mjs';
import { SAMPLED, samplesOf, samplesOfProfile, timesIn, printTimes } from './samples.mjs';
import { outermost } from './events.mjs';

const [bytes = '1000000', spans = '10000'] = process.argv.slice(2);
const median = (v) => { const s = [...v].sort((x, y) => x - y); return Math.round(s[Math.floor(s.length / 2)] * 100) / 100; };
const TAGS = Number(process.env.BENCH_TAGS ?? 15);
// BENCH_KEY=Shift traces a key Glossa ignores instead: the floor under every key.
const KEY = process.env.BENCH_KEY ?? '1';
const json = execFileSync('cargo', ['run', '--release', '-q', '-p', 'glossa-core', '--example', 'workload', '--', bytes, spans],
  { cwd: root, maxBuffer: 64 << 20 }).toString();
const doc = JSON.parse(json);

const server = await serveDist();
const browser = await launch(['--disable-frame-rate-limit', '--disable-gpu-vsync']);
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(`(() => {
    if (localStorage.getItem('glossa.current')) return;
    localStorage.setItem('glossa.doc.${doc.id}', '{"schema":1,"document":' + ${JSON.stringify(json)} + '}');
    localStorage.setItem('glossa.current', '${doc.id}');
  })()`);
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('.doc-text .spanned');
  await page.waitForTimeout(300);
  await page.reload();
  await page.waitForSelector('.doc-text .spanned');
  await page.waitForTimeout(1000);
  if (process.env.BENCH_CSS) {
    // A constructed sheet: the page's Content-Security-Policy refuses a <style> element.
    await page.evaluate((css) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    }, process.env.BENCH_CSS);
  }
  if (process.env.BENCH_SEARCH) {
    // With a search open: its hits are painted again around each new span.
    await page.keyboard.press('Control+f');
    await page.getByLabel('Search the text').fill(process.env.BENCH_SEARCH);
    await page.waitForTimeout(300);
  }
  const targets = await untaggedWords(page, TAGS);
  const file = '/tmp/glossa-trace.json';
  // BENCH_PROFILE=1: a CPU profile of each tag instead, summed by function.
  const profile = process.env.BENCH_PROFILE ? await context.newCDPSession(page) : null;
  const profiled = [];
  if (profile) {
    await profile.send('Profiler.enable');
    await profile.send('Profiler.setSamplingInterval', { interval: 50 });
  } else {
    const threads = process.env.BENCH_THREADS ? ['cc', 'viz', 'gpu', 'benchmark', 'toplevel', 'disabled-by-default-devtools.timeline'] : [];
    await browser.startTracing(page, { path: file, categories: ['devtools.timeline', 'blink.user_timing', 'v8.execute', ...threads, ...(process.env.BENCH_SAMPLE ? [SAMPLED] : [])] });
  }
  for (const { word, occurrence } of targets) {
    await dragSelect(page, word, occurrence);
    await page.evaluate(() => {
      window.__tagged = new Promise((ok) => {
        addEventListener('keydown', () => {
          performance.mark('tag-start');
          requestAnimationFrame(() => requestAnimationFrame(() => { performance.mark('tag-end'); ok(); }));
        }, { capture: true, once: true });
      });
    });
    if (profile) await profile.send('Profiler.start');
    await page.keyboard.press(KEY);
    await page.evaluate(() => window.__tagged);
    if (profile) {
      const { profile: p } = await profile.send('Profiler.stop');
      profiled.push(...samplesOfProfile(p));
    }
    await page.keyboard.press('Escape');
    await page.waitForTimeout(100);
  }
  if (profile) {
    printTimes(timesIn(profiled, [[-Infinity, Infinity]], targets.length), Number(process.env.BENCH_TOP ?? 40));
    await context.close();
    process.exit(0);
  }
  await browser.stopTracing();
  const events = JSON.parse(await readFile(file, 'utf8')).traceEvents;
  const marks = (name) => events.filter((e) => e.name === name && e.cat.includes('blink.user_timing')).map((e) => e.ts).sort((a, b) => a - b);
  const starts = marks('tag-start');
  const ends = marks('tag-end');
  const main = events.find((e) => e.name === 'tag-start');
  const kinds = ['EventDispatch', 'FunctionCall', 'TimerFire', 'FireAnimationFrame', 'RunMicrotasks', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit', 'HitTest', 'IntersectionObserverController::computeIntersections', 'MajorGC', 'MinorGC', 'V8.GC_SCAVENGER'];
  const per = Object.fromEntries(kinds.map((k) => [k, []]));
  const spansMs = [];
  for (let i = 0; i < starts.length; i++) {
    const [a, b] = [starts[i], ends.find((t) => t > starts[i])];
    spansMs.push((b - a) / 1000);
    for (const k of kinds) {
      const inside = events.filter((e) => e.name === k && e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && e.ts >= a && e.ts < b);
      // Outermost only, so nested events of one kind are not counted twice.
      per[k].push(outermost(inside).reduce((sum, e) => sum + (e.dur ?? 0), 0) / 1000);
    }
  }
  const out = { key_to_second_frame_ms: median(spansMs) };
  for (const k of kinds) if (per[k].some((x) => x > 0)) out[k] = median(per[k]);
  console.log(JSON.stringify(out, null, 1));
  if (process.env.BENCH_THREADS) printThreads(events, starts.map((t) => [t, ends.find((e) => e > t)]));
  if (process.env.BENCH_SAMPLE) {
    // The functions that ran in the key's own task (its keydown and the effects after it).
    const keys = events.filter((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'keydown' && e.pid === main.pid && e.tid === main.tid
      && starts.some((t) => t >= e.ts && t < e.ts + e.dur));
    // BENCH_SAMPLE=frames: all the time from the key to the second frame instead.
    const windows = process.env.BENCH_SAMPLE === 'frames'
      ? starts.map((t) => [t, ends.find((e) => e > t)])
      : keys.map((e) => [e.ts, e.ts + e.dur]);
    printTimes(timesIn(samplesOf(events, main.pid, main.tid), windows, windows.length), Number(process.env.BENCH_TOP ?? 30));
  }
  await context.close();
} finally {
  await browser.close();
  await server.close();
}

/** For each thread busy inside `windows`, the median ms per window of its outermost events, by
 *  name (the top few), and of all of them. */
function printThreads(events, windows) {
  const names = new Map(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(e);
  }
  const rows = [];
  for (const [key, list] of byThread) {
    const per = windows.map(([a, b]) => outermost(list.filter((e) => e.ts >= a && e.ts < b)));
    const total = median(per.map((w) => w.reduce((sum, e) => sum + e.dur, 0) / 1000));
    if (total < 0.2) continue;
    const kinds = new Set(per.flat().map((e) => e.name));
    const top = [...kinds].map((k) => [k, median(per.map((w) => w.filter((e) => e.name === k).reduce((sum, e) => sum + e.dur, 0) / 1000))])
      .filter(([, ms]) => ms >= 0.1).sort((x, y) => y[1] - x[1]).slice(0, 6);
    rows.push({ thread: `${names.get(key) ?? '?'} (${key})`, total, top });
  }
  rows.sort((x, y) => y.total - x.total);
  for (const r of rows) console.log(`${r.thread}: ${r.total} ms  ${r.top.map(([k, ms]) => `${k} ${ms}`).join(', ')}`);
}
