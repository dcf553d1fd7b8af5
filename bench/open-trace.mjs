// Where an open's time goes: opens a generated document at start-up in a new browser profile
// (frames at 60 Hz, as bench/run.mjs's opens) with Chromium's tracing on, and prints for each
// run the ms from the wasm's start to the first spans in the DOM ("mounted") and to the second
// frame after ("painted"), with the main thread's time per kind of work in between (nested kinds
// overlap). The traces stay in /tmp/glossa-open-<run>.json.
//
//   node bench/open-trace.mjs [bytes] [spans]   (after a release build in dist/; default 3 kB)
//
// RUNS=n runs (3); WARM=1 reloads a page opened before (the wasm from the code cache); ASCII=1
// replaces every other character with ASCII of the same UTF-8 length (no font fallback);
// BENCH_SAMPLE=1 also prints the functions that ran from the wasm's start to the painted frame
// (named in a build that keeps names: see bench/trace.mjs).
// A diagnosis aid beside bench/run.mjs, not a test.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { serveDist, launch, root } from '../tests/e2e/harness.mjs';
import { openedScript } from './opened.mjs';
import { SAMPLED, samplesOf, timesIn, printTimes } from './samples.mjs';
import { outermost } from './events.mjs';
const [bytes = '3000', spans = '30'] = process.argv.slice(2);
let json = execFileSync('cargo', ['run', '--release', '-q', '-p', 'glossa-core', '--example', 'workload', '--', bytes, spans], { cwd: root, maxBuffer: 64 << 20 }).toString();
if (process.env.ASCII) { const d = JSON.parse(json); d.text = [...d.text].map((c) => c.charCodeAt(0) < 128 ? c : 'x'.repeat(Buffer.byteLength(c))).join(''); json = JSON.stringify(d); }
const server = await serveDist();
const browser = await launch();
const RUNS = Number(process.env.RUNS ?? 3);
try {
  for (let r = 0; r < RUNS; r++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addInitScript(openedScript(json));
    const page = await context.newPage();
    const file = `/tmp/glossa-open-${r}.json`;
    if (process.env.WARM) { await page.goto(server.url); await page.evaluate(() => window.__opened); await page.waitForTimeout(300); }
    await browser.startTracing(page, { path: file, categories: ['devtools.timeline', 'blink.user_timing', 'v8.execute', 'v8.wasm', 'disabled-by-default-v8.compile', ...(process.env.BENCH_SAMPLE ? [SAMPLED] : [])] });
    if (process.env.WARM) await page.reload(); else await page.goto(server.url);
    await page.evaluate(() => window.__opened);
    await browser.stopTracing();
    const ev = JSON.parse(await readFile(file, 'utf8')).traceEvents;
    const mark = (n) => ev.find((e) => e.name === n && e.cat.includes('blink.user_timing'));
    const s = mark('glossa-start'), m = mark('mounted'), p = mark('painted');
    const { pid, tid } = s;
    const inside = ev.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.ts >= s.ts && e.ts < p.ts);
    const sum = new Map();
    for (const e of inside) sum.set(e.name, (sum.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
    const top = [...sum].sort((a, b) => b[1] - a[1]).slice(0, 18).map(([k, v]) => `${k} ${v.toFixed(1)}`);
    // The main thread's busy time, outermost events only, by the wall clock and by the thread's
    // own CPU clock: the latter leaves out time the machine gave to other work.
    let busy = 0, cpu = 0;
    for (const e of outermost(inside)) { busy += (e.dur ?? 0) / 1000; cpu += (e.tdur ?? 0) / 1000; }
    console.log(`run ${r}: mounted ${((m.ts - s.ts) / 1000).toFixed(1)} painted ${((p.ts - s.ts) / 1000).toFixed(1)} main thread busy ${busy.toFixed(1)} (CPU ${cpu.toFixed(1)})\n  ${top.join('\n  ')}`);
    if (process.env.BENCH_SAMPLE) printTimes(timesIn(samplesOf(ev, pid, tid), [[s.ts, p.ts]]), Number(process.env.BENCH_TOP ?? 30));
    await context.close();
  }
} finally { await browser.close(); await server.close(); }
