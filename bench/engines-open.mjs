// A long text's open in the three engines: opens a generated document (default 1 MB, 10,000
// spans) in WebKit (WebKitGTK over classic WebDriver, as tests/e2e/webkit.test.mjs), Firefox
// (puppeteer-core over WebDriver BiDi) and Chromium, reloading it RUNS times each (default 5:
// the code cache warm after the first), and prints one JSON line per engine: ms from the wasm's
// start to the spans in the DOM ("mounted") and to the second frame after ("painted"), median
// and p95, and how many paragraph blocks the browser rendered at open.
//
//   node bench/engines-open.mjs [bytes] [spans]     (after a release build in dist/, or GLOSSA_DIST;
//                                                    ENGINES=webkit,firefox to pick)
//
// Classic WebDriver has no script that runs before the page's own, so the timing script goes
// into a copy of dist/index.html (and the page's Content-Security-Policy, which would refuse
// it, out of the copy). Not a test: timings move with the machine.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { serveDist, root, dist } from '../tests/e2e/harness.mjs';
import { launchWebKit } from '../tests/e2e/webkit.mjs';
import { OPENED_TIMING, opened } from './opened.mjs';
import { stats } from './stats.mjs';

const [bytes = '1000000', spans = '10000'] = process.argv.slice(2);
const RUNS = Number(process.env.RUNS ?? 5);
const ENGINES = (process.env.ENGINES ?? 'webkit,firefox,chromium').split(',');
const json = execFileSync('cargo', ['run', '--release', '-q', '-p', 'glossa-core', '--example', 'workload', '--', bytes, spans],
  { cwd: root, maxBuffer: 64 << 20 }).toString();
const doc = JSON.parse(json);

// Times the open as every benchmark of an open does (bench/opened.mjs), and counts the blocks
// the browser says it renders (`contentvisibilityautostatechange`).
const TIMING = `<script>${OPENED_TIMING}
window.__rendered = 0;
document.addEventListener('contentvisibilityautostatechange', (e) => { if (!e.skipped && e.target.classList.contains('block')) window.__rendered++; }, true);
</script>`;
const dir = await mkdtemp(join(tmpdir(), 'glossa-engines-'));
await cp(dist, dir, { recursive: true });
const index = join(dir, 'index.html');
await writeFile(index, (await readFile(index, 'utf8'))
  .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
  .replace(/ integrity="[^"]*"/g, '')
  .replace('<head>', '<head>' + TIMING));
const server = await serveDist(dir);

async function measure(engine, page) {
  await page.goto(server.url);
  await page.waitForFunction(() => document.querySelector('main'));
  await page.evaluate((d) => {
    localStorage.setItem('glossa.doc.' + d.id, '{"schema":1,"document":' + d.json + '}');
    localStorage.setItem('glossa.current', d.id);
  }, { id: doc.id, json });
  const mounted = [], painted = [], rendered = [];
  for (let i = 0; i < RUNS; i++) {
    await page.reload();
    const t = await opened(page);
    // Blocks rendered at open: what the browser laid out in the first frames.
    await new Promise((ok) => setTimeout(ok, 300));
    mounted.push(t.mounted - t.started);
    painted.push(t.painted - t.started);
    rendered.push(await page.evaluate(() => window.__rendered));
  }
  console.log(JSON.stringify({ engine, bytes: doc.text.length, spans: doc.spans.length, runs: RUNS,
    mounted_ms: stats(mounted), painted_ms: stats(painted), blocks_rendered_at_open: stats(rendered).median }));
}

const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
try {
  for (const engine of ENGINES) {
    if (engine === 'webkit') {
      const page = await launchWebKit();
      try { await measure(engine, page); } finally { await page.close(); }
    } else {
      const browser = engine === 'firefox'
        ? await puppeteer.launch({ browser: 'firefox', executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr', headless: true, defaultViewport: null, args: ['--width=1400', '--height=986'] })
        : await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, defaultViewport: { width: 1400, height: 900 }, args: CHROMIUM_FLAGS });
      try { await measure(engine, await browser.newPage()); } finally { await browser.close(); }
    }
  }
} finally {
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
