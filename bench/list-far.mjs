// A tag's cost with the span list read far down: opens a generated document (default 1 MB with
// 10,000 spans) in headless Chromium (frames not held to 60 Hz), presses the list's "Show more"
// until it reaches each of ROWS (default 50,500,2000), then tags words by mouse selection and
// the `1` key and prints, per depth, the rows drawn and the medians from the key to the next
// task (work) and to the second frame after it (painted), median and p95. The list draws at most a few pages
// however far down it is (src/components/span_list.rs): the cost should not grow with depth.
//
//   node bench/list-far.mjs [bytes] [spans]   (after a release build in dist/; GLOSSA_DIST,
//                                             ROWS, TAGS=8; PROF=1 also prints a CPU profile
//                                             by function, named in a build that keeps names:
//                                             see bench/trace.mjs)
// A diagnosis aid beside bench/run.mjs, not a test.
import { execFileSync } from 'node:child_process';
import { serveDist, launch, dragSelect, root } from '../tests/e2e/harness.mjs';
import { untaggedWords } from './words.mjs';
import { openedScript } from './opened.mjs';
import { samplesOfProfile, timesIn, printTimes } from './samples.mjs';
import { stats } from './stats.mjs';

const [bytes = '1000000', spans = '10000'] = process.argv.slice(2);
const TAGS = Number(process.env.TAGS ?? 8);
const json = execFileSync('cargo', ['run', '--release', '-q', '-p', 'glossa-core', '--example', 'workload', '--', bytes, spans], { cwd: root, maxBuffer: 64 << 20 }).toString();
const server = await serveDist(process.env.GLOSSA_DIST);
const browser = await launch(['--disable-frame-rate-limit', '--disable-gpu-vsync']);
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(openedScript(json));
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('.doc-text .spanned');
  await page.waitForTimeout(1000);
  const more = page.getByRole('button', { name: /^Show more/ });
  const reached = async () => Number((await more.textContent()).match(/\((\d+) of/)[1]);
  for (const depth of (process.env.ROWS ?? '50,500,2000').split(',').map(Number)) {
    while (await reached() < depth) await more.click();
    await page.evaluate(() => window.scrollTo(0, 0));
    const times = [];
    const profiled = [];
    for (const { word, occurrence } of await untaggedWords(page, TAGS)) {
      await dragSelect(page, word, occurrence);
      await page.evaluate(() => {
        window.__tagged = new Promise((ok) => addEventListener('keydown', () => {
          const t0 = performance.now();
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            const work = performance.now() - t0;
            requestAnimationFrame(() => requestAnimationFrame(() => ok({ work, painted: performance.now() - t0 })));
          };
          channel.port2.postMessage(0);
        }, { capture: true, once: true }));
      });
      const cdp = process.env.PROF ? await context.newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
        await cdp.send('Profiler.start');
      }
      await page.keyboard.press('1');
      times.push(await page.evaluate(() => window.__tagged));
      if (cdp) profiled.push(...samplesOfProfile((await cdp.send('Profiler.stop')).profile));
      await page.keyboard.press('Escape');
    }
    if (profiled.length) printTimes(timesIn(profiled, [[-Infinity, Infinity]], times.length), 25);
    console.log(JSON.stringify({
      list_reached: await reached(),
      rows_drawn: await page.locator('.span-list .row').count(),
      tag_work_ms: stats(times.map((t) => t.work)),
      tag_painted_ms: stats(times.map((t) => t.painted)),
    }));
  }
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
