// An open timed from navigation rather than from the wasm's start: the page's first paint, when the wasm is asked for,
// when it has arrived, when it starts, and when the first spans are in the DOM and painted (two
// frames later; also each from the wasm's start), each the median over new browser profiles (a
// first visit; 3 kB, 30 spans, or BYTES and SPANS). Given several built dist directories, it
// serves each and interleaves their runs, so builds can be compared on one noisy machine.
//
//   node bench/open-network.mjs [dist ...]   (default: dist/; RUNS=n, 8)
//
// WARM=1 times a reload of a page opened before (the code cache warm). THROTTLE=1 has Chromium
// emulate a 9 Mbit/s link with 40 ms of latency (loopback hides what the order of downloads
// costs). A diagnosis aid beside bench/run.mjs, not a test.
import { resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveDist, launch, root, dist } from '../tests/e2e/harness.mjs';
import { openedScript, opened } from './opened.mjs';

const json = execFileSync('cargo', ['run', '--release', '-q', '-p', 'glossa-core', '--example', 'workload', '--', process.env.BYTES ?? '3000', process.env.SPANS ?? '30'],
  { cwd: root, maxBuffer: 64 << 20 }).toString();
const dirs = process.argv.length > 2 ? process.argv.slice(2).map((d) => resolve(d)) : [dist];
const servers = await Promise.all(dirs.map((dir) => serveDist(dir)));
const browser = await launch();
const RUNS = Number(process.env.RUNS ?? 8);
const times = dirs.map(() => []);
try {
  for (let r = 0; r < RUNS; r++) {
    for (let i = 0; i < dirs.length; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await context.addInitScript(openedScript(json));
      const page = await context.newPage();
      if (process.env.THROTTLE) {
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 40, downloadThroughput: 9e6 / 8, uploadThroughput: 1e6 / 8 });
      }
      await page.goto(servers[i].url);
      // WARM=1: a returning visit (the page opened before, reloaded; the wasm comes compiled).
      if (process.env.WARM) { await page.evaluate(() => window.__opened); await page.waitForTimeout(300); await page.reload(); }
      const { mounted, painted, started } = await opened(page);
      const [asked, arrived, firstPaint] = await page.evaluate(async () => {
        const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
        // The first paint's entry comes once the frame is on screen, which can be after "painted".
        const first = await new Promise((ok) => {
          new PerformanceObserver((list) => { const e = list.getEntriesByName('first-contentful-paint')[0]; if (e) ok(e.startTime); })
            .observe({ type: 'paint', buffered: true });
          setTimeout(() => ok(NaN), 2000);
        });
        return [wasm.startTime, wasm.responseEnd, first];
      });
      times[i].push([firstPaint, asked, arrived, started, mounted, painted, mounted - started, painted - started]);
      await context.close();
    }
  }
} finally { await browser.close(); await Promise.all(servers.map((s) => s.close())); }
const median = (values) => { const s = [...values].sort((a, b) => a - b); return s[s.length >> 1]; };
const names = ['first paint', 'wasm asked', 'wasm arrived', 'wasm started', 'mounted', 'painted', 'mounted after start', 'painted after start'];
// Beside the first build, each other's median difference within a round (rounds drift together).
const paired = (i, j) => Math.round(median(times[i].map((t, r) => t[j] - times[0][r][j])) * 10) / 10;
dirs.forEach((dir, i) => console.log(JSON.stringify({
  dist: dir,
  ...Object.fromEntries(names.map((n, j) => [n, Math.round(median(times[i].map((t) => t[j])) * 10) / 10])),
  ...(i > 0 ? { 'painted, paired difference': paired(i, 5), 'started, paired difference': paired(i, 3), 'first paint, paired difference': paired(i, 0) } : {}),
})));
