// Shared pieces of the end-to-end tests: serve dist/ on 127.0.0.1, start headless Chromium,
// select text with the real mouse, and keep screenshots. dragSelect and screenshot take a
// Playwright page or a puppeteer one (firefox.test.mjs): the calls they make are the same.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
// GLOSSA_DIST lets several builds be tested side by side (trunk build --dist DIR).
export const dist = process.env.GLOSSA_DIST ?? join(root, 'dist');
export const artifacts = join(here, 'artifacts');
export const shared = join(root, '..', 'shared');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/** Serves dist/ (or another built `dir`) on a free port of 127.0.0.1; resolves to { url, close }. */
export async function serveDist(dir = dist) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = normalize(join(dir, path.endsWith('/') ? path + 'index.html' : path));
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** How to start headless Debian Chromium with the flags this closed network needs. */
export const chromiumOptions = (extraArgs = []) => ({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', ...extraArgs],
});

export async function launch(extraArgs = []) {
  return chromium.launch(chromiumOptions(extraArgs));
}

/** A `waitForFunction(fn, options, arg, timeout)` that asks `evaluate(fn, arg)` again every
 *  50 ms until it gives a truthy value, and returns it: for drivers with no waiting of their
 *  own that the app's CSP lets run (WebKit over WebDriver, Firefox over BiDi). */
export function pollingWait(evaluate, defaultTimeout) {
  return async (fn, options = {}, arg, timeout = options.timeout ?? defaultTimeout) => {
    const until = Date.now() + timeout;
    for (;;) {
      const value = await evaluate(fn, arg);
      if (value) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${fn}`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
  };
}

/** Collects console errors and warnings and uncaught exceptions, so a test can insist there
 *  were none. */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`); });
  return errors;
}

/** Waits until every edit is in its document's own value: edits go to a journal at once, and
 *  each document is written whole (its journal removed) after a pause. */
export function writtenWhole(page, timeout = 5000) {
  return page.waitForFunction(
    () => !Object.keys(localStorage).some((k) => k.startsWith('glossa.journal.')), null, { timeout });
}

/** Starts keeping each text the element `selector` shows, in order, however briefly: read
 *  them back with `said(page)`. */
export async function watchSaid(page, selector) {
  await page.evaluate((selector) => {
    window.__said = [];
    new MutationObserver(() => {
      const text = document.querySelector(selector)?.textContent;
      if (text && text !== window.__said.at(-1)) window.__said.push(text);
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  }, selector);
}

export const said = (page) => page.evaluate(() => window.__said);

export async function screenshot(page, name) {
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });
}

/** Runs axe-core in the page and returns its serious and critical violations. */
export async function axeViolations(page) {
  // Evaluated through the DevTools protocol: the app's CSP rightly refuses inline scripts.
  await page.evaluate(await readFile(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
}

/**
 * Drags the real mouse across the first occurrence of `quote` in the article text, from just
 * inside its first character to just inside its last.
 */
export async function dragSelect(page, quote, occurrence = 0, { rtl = false } = {}) {
  const box = await page.evaluate(async ([quote, occurrence, rtl]) => {
    const container = document.querySelector('.doc-text');
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let text = '';
    for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push([n, text.length]); text += n.data; }
    let at = -1;
    for (let i = 0; i <= occurrence; i++) at = text.indexOf(quote, at + 1);
    if (at < 0) throw new Error(`not in the text: ${quote}`);
    const locate = (offset) => {
      for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i][1] <= offset) return [nodes[i][0], offset - nodes[i][1]];
    };
    const rectOf = (offset) => {
      const r = document.createRange();
      const [n, o] = locate(offset);
      r.setStart(n, o);
      r.setEnd(n, o + 1);
      return r.getClientRects()[0];
    };
    // Bring the quote's first line to the upper third of the window (the text may be long),
    // and let a frame render there: a block that was off screen (content-visibility: auto)
    // takes no clicks until it has been drawn, as for a person scrolling to it. WebKit gives
    // text in a block not drawn yet no boxes at all, so its element is scrolled to first.
    const frames = () => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
    if (!rectOf(at)) {
      locate(at)[0].parentElement.scrollIntoView({ block: 'center' });
      await frames();
    }
    window.scrollBy(0, rectOf(at).top - window.innerHeight / 3);
    await frames();
    const first = rectOf(at);
    const last = rectOf(at + quote.length - 1);
    // Right to left, a character starts at its right edge.
    const [x1, x2] = rtl ? [first.right - 1, last.left + 1] : [first.left + 1, last.right - 1];
    return { x1, y1: first.top + first.height / 2, x2, y2: last.top + last.height / 2 };
  }, [quote, occurrence, rtl]);
  if (process.env.DEBUG_DRAG) console.log(box);
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move((box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2, { steps: 5 });
  await page.mouse.move(box.x2, box.y2, { steps: 5 });
  await page.mouse.up();
  const selected = await page.evaluate(() => window.getSelection().toString());
  return selected;
}

/** Fills local storage to the last character with `junk<n>` values; returns how many. */
export const fillStorage = (page) => page.evaluate(() => {
  let n = 0;
  for (let size = 1 << 21; size > 0;) {
    try { localStorage.setItem(`junk${n}`, 'x'.repeat(size)); n++; } catch { size = Math.floor(size / 2); }
  }
  return n;
});

/** Confirms the import preview with Enter, as a keyboard user does, once the preview has the
 *  focus (it takes it just after it is drawn). Playwright or puppeteer page. */
export async function confirmImport(page) {
  await page.waitForFunction(() => document.activeElement?.closest('[role=alertdialog]') != null);
  await page.keyboard.press('Enter');
}

/** Slices `text` by code points, UTF-16 units and UTF-8 bytes. */
export function slices(text, span) {
  const cps = Array.from(text);
  return {
    codePoints: cps.slice(span.start, span.end).join(''),
    utf16: text.slice(span.utf16.start, span.utf16.end),
    utf8: Buffer.from(text, 'utf8').subarray(span.utf8.start, span.utf8.end).toString('utf8'),
  };
}

export async function readSample(name = 'qatar-truce-talks.txt') {
  return readFile(join(shared, 'sample', name), 'utf8');
}

/** Presses **Export JSON** and returns the downloaded file's name and parsed contents. */
export async function exportJson(page) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export JSON' }).click(),
  ]);
  return { name: download.suggestedFilename(), file: JSON.parse(await readFile(await download.path(), 'utf8')) };
}

/** Fails unless every span of an exported document slices to its quote in all three units. */
export function assertExactOffsets(document, assert) {
  for (const span of document.spans) {
    const cut = slices(document.text, span);
    assert.equal(cut.codePoints, span.quote);
    assert.equal(cut.utf16, span.quote);
    assert.equal(cut.utf8, span.quote);
  }
}
