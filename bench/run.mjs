// Glossa's benchmark: builds the release app, imports generated documents of three sizes in
// headless Chromium through the real UI (Or open a file, the preview, Enter), reopens them at
// start-up (in a new profile, then reloaded with the wasm in the code cache), tags spans (mouse
// selection, then a hotkey; again in a browser whose frames are not held to 60 Hz), searches
// and scrolls, and prints one JSON line per workload with medians and p95 over repeated runs.
//
//   node bench/run.mjs            (after `bash scripts/setup.sh`; builds unless --no-build;
//                                  BENCH_ONLY="1 MB", BENCH_OPENS, BENCH_TAGS narrow it)
//
// Timings are not tests: this is never part of the test command.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { serveDist, launch, dragSelect, root, writtenWhole } from '../tests/e2e/harness.mjs';
import { untaggedWords } from './words.mjs';
import { openedScript, opened } from './opened.mjs';
import { stats } from './stats.mjs';

const WORKLOADS = [
  { name: '3 kB article, 30 spans', bytes: 3000, spans: 30 },
  { name: '100 kB, 1,000 spans', bytes: 100_000, spans: 1000 },
  { name: '1 MB, 10,000 spans', bytes: 1_000_000, spans: 10_000 },
];
// BENCH_ONLY="1 MB" runs only the workloads whose name starts with it.
const ONLY = process.env.BENCH_ONLY;
const OPENS = Number(process.env.BENCH_OPENS ?? 5);
const TAGS = Number(process.env.BENCH_TAGS ?? 20);

// A machine with no colour emoji font is not one a user has: Chromium looks for the glyphs
// again (a tag's layout on the 3 kB text took 3.4-4.2 ms, not 2.6). scripts/test.sh installs one.
try {
  if (!execFileSync('fc-list', [':color=true', 'family']).toString().trim()) {
    console.error('bench: no colour emoji font on this machine (apt-get install fonts-noto-color-emoji): layouts will be slower than a desktop\'s');
  }
} catch { /* no fontconfig: nothing to tell */ }

const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` };
if (!process.argv.includes('--no-build')) {
  execFileSync('trunk', ['build', '--release', '--offline'], { cwd: root, env, stdio: 'inherit' });
}

function generate({ bytes, spans }, ...flags) {
  return execFileSync('cargo', ['run', '--release', '-q', '-p', 'glossa-core', '--example', 'workload', '--', String(bytes), String(spans), ...flags],
    { cwd: root, maxBuffer: 64 << 20 }).toString();
}

/** Imports a Glossa JSON file as a user does: file picker, preview, Enter. Returns the ms from
 *  picking the file to the preview painted, and from Enter to the text with its spans painted. */
async function importOnce(browser, url, name, json) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('Article text').waitFor();
  // From the file input's change (the user has picked the file) to the preview painted, on the
  // page's clock: the driver's own time handing over the file is not the user's wait.
  await page.evaluate(() => {
    window.__previewed = new Promise((ok) => {
      document.querySelector('#open-file').addEventListener('change', () => {
        const t0 = performance.now();
        const shown = new MutationObserver(() => {
          if (!document.querySelector('[role=alertdialog]')) return;
          shown.disconnect();
          requestAnimationFrame(() => requestAnimationFrame(() => ok(performance.now() - t0)));
        });
        shown.observe(document, { childList: true, subtree: true });
      }, { capture: true, once: true });
    });
  });
  await page.locator('#open-file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(json) });
  await page.getByRole('alertdialog', { name: 'Import documents?' }).waitFor();
  const preview = await page.evaluate(() => window.__previewed);
  await page.evaluate(() => {
    window.__imported = new Promise((ok) => {
      addEventListener('keydown', () => {
        const t0 = performance.now();
        const seen = () => {
          if (!document.querySelector('.doc-text .spanned')) return requestAnimationFrame(seen);
          requestAnimationFrame(() => requestAnimationFrame(() => ok(performance.now() - t0)));
        };
        requestAnimationFrame(seen);
      }, { capture: true, once: true });
    });
  });
  await page.keyboard.press('Enter');
  const open = await page.evaluate(() => window.__imported);
  await context.close();
  return { preview, open };
}

/** Types a search for a word that recurs through the text; returns the ms from the input to
 *  the hits highlighted (work) and to the frame after (painted), and the hit count. */
async function searchOnce(page, word) {
  const box = page.getByLabel('Search the text');
  await box.fill('');
  await page.evaluate(() => {
    window.__searched = new Promise((ok) => {
      addEventListener('input', () => {
        const t0 = performance.now();
        const work = new Promise((done) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => done(performance.now() - t0);
          channel.port2.postMessage(0);
        });
        const painted = new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0))));
        Promise.all([work, painted]).then(([work, painted]) => ok({ work, painted, ranges: CSS.highlights.get('glossa-search')?.size ?? 0 }));
      }, { capture: true, once: true });
    });
  });
  await box.fill(word);
  return page.evaluate(() => window.__searched);
}

// Counts storage writes and long tasks, puts the document in local storage (the app opens it at
// start) and times the open.
function seed(documentJson) {
  return `(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; });
    // How much of an edit is spent handing the document to local storage.
    const setItem = Storage.prototype.setItem;
    window.__storageMs = 0;
    Storage.prototype.setItem = function (k, v) {
      const t = performance.now();
      try { return setItem.call(this, k, v); } finally { window.__storageMs += performance.now() - t; }
    };
    // Long tasks (over 50 ms), to time the whole-document write that follows a pause.
    window.__long = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push(e.duration); })
      .observe({ type: 'longtask' });
  })();
  ${openedScript(documentJson)}`;
}

async function openOnce(browser, url, script) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(script);
  const page = await context.newPage();
  await page.goto(url);
  const { painted, started } = await opened(page);
  return { context, page, t: { fromNavigation: painted, fromWasmStart: painted - started } };
}

/** Tags `count` untagged words through the UI; returns key-press-to-painted times in ms. With
 *  `key` 'Shift', which Glossa ignores, the same selections and measures show the floor under
 *  every key: the browser's frames with nothing to draw but the page's own listeners. */
async function tagTimes(page, count, key = '1', { nearEnd = false } = {}) {
  if (nearEnd) {
    // The text's last blocks, drawn: a tag's cost must not grow with how far down it is.
    await page.evaluate(() => [...document.querySelectorAll('.doc-text .block')].at(-1).scrollIntoView({ block: 'end' }));
    await page.waitForTimeout(500);
  }
  const times = [];
  for (const { word, occurrence } of await untaggedWords(page, count, nearEnd)) {
    await dragSelect(page, word, occurrence);
    await page.evaluate(() => {
      // work: until the app's handler, its effects and their microtasks are done (the next
      // task); painted: until the frame after the one that shows the span.
      window.__tagged = new Promise((ok) => {
        window.addEventListener('keydown', () => {
          const t0 = performance.now();
          window.__storageMs = 0;
          const work = new Promise((done) => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => done(performance.now() - t0);
            channel.port2.postMessage(0);
          });
          const painted = new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0))));
          Promise.all([work, painted]).then(([work, painted]) => ok({ work, painted, storage: window.__storageMs }));
        }, { capture: true, once: true });
      });
    });
    const before = await page.locator('.doc-text .spanned').count();
    await page.keyboard.press(key);
    times.push(await page.evaluate(() => window.__tagged));
    const after = await page.locator('.doc-text .spanned').count();
    if (key === '1' ? after <= before : after !== before) {
      const status = await page.locator('.status').textContent();
      throw new Error(`${key} on "${word}" (occurrence ${occurrence}): ${before} -> ${after} spans: ${status}`);
    }
    await page.keyboard.press('Escape');
  }
  return times;
}

/** Scrolls through the text with the mouse wheel and returns frame intervals in ms. */
async function scrollFrames(page) {
  await page.mouse.move(400, 500);
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (now) => { window.__frames.push(now - last); last = now; if (window.__frames.length < 240) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  for (let i = 0; i < 60; i++) { await page.mouse.wheel(0, 1200); }
  await page.waitForFunction(() => window.__frames.length >= 240, null, { timeout: 30_000 });
  return page.evaluate(() => window.__frames.slice(1));
}

const server = await serveDist();
const browser = await launch();
// Frames as fast as they can be made, not at 60 Hz: "painted" then shows how long the work and
// the frame take, without the wait for the next vsync that puts a floor of 16.7 ms under it.
const unthrottled = await launch(['--disable-frame-rate-limit', '--disable-gpu-vsync']);
try {
  for (const w of WORKLOADS.filter((w) => !ONLY || w.name.startsWith(ONLY))) {
    const json = generate(w);
    const exported = generate(w, '--glossa');
    const imports = [];
    for (let i = 0; i < Math.max(1, Math.ceil(OPENS / 2)); i++) imports.push(await importOnce(browser, server.url, 'bench.glossa.json', exported));
    const script = seed(json);
    const opens = [];
    const fromStart = [];
    let page, context, heap;
    for (let i = 0; i < OPENS; i++) {
      ({ context, page, t: heap } = await openOnce(browser, server.url, script));
      opens.push(heap.fromNavigation);
      fromStart.push(heap.fromWasmStart);
      if (i < OPENS - 1) await context.close();
    }
    // Reopening in the same browser profile: the wasm comes compiled from the code cache, as
    // it does for a user who opened Glossa before.
    const warmOpens = [];
    const warmFromStart = [];
    for (let i = 0; i < OPENS; i++) {
      await page.waitForTimeout(300);
      await page.reload();
      const { painted, started } = await opened(page);
      warmOpens.push(painted);
      warmFromStart.push(painted - started);
    }
    const tags = await tagTimes(page, TAGS);
    const endTags = await tagTimes(page, TAGS, '1', { nearEnd: true });
    const fast = await openOnce(unthrottled, server.url, script);
    // With the wasm from the code cache, as for the tags above.
    await fast.page.waitForTimeout(300);
    await fast.page.reload();
    await fast.page.evaluate(() => window.__opened);
    const fastIdle = await tagTimes(fast.page, TAGS, 'Shift');
    const fastTags = await tagTimes(fast.page, TAGS);
    // With a search open that finds thousands of hits ("the"): a tag must not paint them all
    // again, only those in the pieces of text it redraws.
    await fast.page.keyboard.press('Control+f');
    await fast.page.getByLabel('Search the text').fill('the');
    const searchOpenHits = await fast.page.evaluate(() => CSS.highlights.get('glossa-search')?.size ?? 0);
    const searchOpenTags = await tagTimes(fast.page, TAGS);
    await fast.context.close();
    // One more tag, then the user pauses: the document is written whole (its journal goes).
    await writtenWhole(page, 10_000);
    await tagTimes(page, 1);
    await page.waitForTimeout(500);
    await page.evaluate(() => {
      window.__long = [];
      window.__storageMs = 0;
      // How long input would wait at worst: the longest gap between back-to-back tasks.
      window.__blocked = 0;
      let last = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const now = performance.now();
        window.__blocked = Math.max(window.__blocked, now - last);
        last = now;
        if (!window.__stopProbe) channel.port2.postMessage(0);
      };
      channel.port2.postMessage(0);
    });
    await writtenWhole(page, 10_000);
    await page.waitForTimeout(200);
    const wholeWrite = await page.evaluate(() => {
      window.__stopProbe = true;
      return { longest: Math.max(0, ...window.__long), blocked: window.__blocked, storage: window.__storageMs };
    });
    const searches = [];
    for (const word of ['said', 'minister', 'the', 'percent', 'talks']) searches.push(await searchOnce(page, word));
    await page.keyboard.press('Escape');
    const frames = await scrollFrames(page);
    // Export JSON is written on the page (the other formats in a worker): the click's own task,
    // the whole document made into JSON and handed to a download.
    const exports = [];
    for (let i = 0; i < 3; i++) {
      exports.push(await page.evaluate(() => {
        const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Export JSON');
        const t = performance.now();
        button.click();
        return performance.now() - t;
      }));
      await page.waitForTimeout(300);
    }
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const wasmBytes = await page.evaluate(() => window.__wasm?.memory?.buffer?.byteLength ?? 0);
    console.log(JSON.stringify({
      workload: w.name,
      text_bytes: Buffer.byteLength(JSON.parse(json).text, 'utf8'),
      spans: JSON.parse(json).spans.length,
      open_ms_from_navigation: stats(opens),
      open_ms_after_wasm_start: stats(fromStart),
      warm_open_ms_from_navigation: stats(warmOpens),
      warm_open_ms_after_wasm_start: stats(warmFromStart),
      import_preview_ms: stats(imports.map((t) => t.preview)),
      import_open_ms: stats(imports.map((t) => t.open)),
      tag_work_ms: stats(tags.map((t) => t.work)),
      tag_painted_ms: stats(tags.map((t) => t.painted)),
      tag_painted_unthrottled_frames_ms: stats(fastTags.map((t) => t.painted)),
      idle_key_work_unthrottled_frames_ms: stats(fastIdle.map((t) => t.work)),
      idle_key_painted_unthrottled_frames_ms: stats(fastIdle.map((t) => t.painted)),
      tag_work_unthrottled_frames_ms: stats(fastTags.map((t) => t.work)),
      tag_search_open_painted_unthrottled_frames_ms: stats(searchOpenTags.map((t) => t.painted)),
      tag_search_open_work_unthrottled_frames_ms: stats(searchOpenTags.map((t) => t.work)),
      tag_search_open_ranges_painted: searchOpenHits,
      tag_storage_set_item_ms: stats(tags.map((t) => t.storage)),
      tag_near_end_work_ms: stats(endTags.map((t) => t.work)),
      tag_near_end_painted_ms: stats(endTags.map((t) => t.painted)),
      // Writing the document whole after a pause: the longest task then (0: none over 50 ms),
      // the longest the page was busy at once (a probe's longest gap between two tasks), and
      // the time in localStorage.setItem.
      pause_whole_write_longest_task_ms: Math.round(wholeWrite.longest),
      pause_whole_write_longest_busy_ms: Math.round(wholeWrite.blocked * 10) / 10,
      pause_whole_write_set_item_ms: Math.round(wholeWrite.storage * 10) / 10,
      search_work_ms: stats(searches.map((t) => t.work)),
      search_painted_ms: stats(searches.map((t) => t.painted)),
      // Ranges painted: the hits in the paragraph blocks drawn so far.
      search_ranges_painted: searches.map((t) => t.ranges),
      scroll_frame_ms: stats(frames),
      export_json_click_ms: stats(exports),
      js_heap_mb: Math.round(usedSize / 1e5) / 10,
      wasm_memory_mb: Math.round(wasmBytes / 1e5) / 10 || null,
    }));
    await context.close();
  }
} finally {
  await unthrottled.close();
  await browser.close();
  await server.close();
}
