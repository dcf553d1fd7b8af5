// Offline first: the service worker precaches the build, so after one visit the app loads,
// annotates and saves with the network off; the manifest makes it installable; and a new build
// waits behind an "Update available" prompt instead of leaving a stale app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, writeFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { dist, launch, watchErrors, screenshot, dragSelect, confirmImport } from './harness.mjs';
import { watchRequests, foreign, watchCsp } from './security-helpers.mjs';

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.webmanifest': 'application/manifest+json',
};

/** Serves a copy of the build that a test may change, and can play a dead network. */
async function serveCopy() {
  const dir = await mkdtemp(join(tmpdir(), 'glossa-offline-'));
  await cp(dist, dir, { recursive: true });
  const state = { down: false, hits: [] };
  const server = createServer(async (req, res) => {
    if (state.down) { req.socket.destroy(); return; }
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    state.hits.push(path);
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}/`;
  return {
    url, dir, state,
    close: async () => { server.closeAllConnections(); await new Promise((ok) => server.close(ok)); await rm(dir, { recursive: true }); },
  };
}

/** Waits until the service worker has installed, activated and taken control of the page. */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, { timeout: 30_000 });
}

// Chromium's own complaint when its update check for sw.js cannot reach the server.
const offlineNoise = (e) => /Failed to update a ServiceWorker|ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e);

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('every script and wasm the page loads is named by its content, the formats worker too', async () => {
  const { readdir } = await import('node:fs/promises');
  const { createHash } = await import('node:crypto');
  const names = await readdir(dist);
  // Unhashed names could be served from a browser's HTTP cache beside a newer page.
  const code = names.filter((n) => /\.(js|wasm)$/.test(n) && n !== 'sw.js');
  // Trunk writes its 64-bit hash without leading zeros: one build in sixteen has 15 digits.
  for (const n of code) assert.match(n, /-[0-9a-f]{1,16}(_bg)?\.(js|wasm)$/, n);
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const [, loader, h] = html.match(/<meta name="glossa-worker-glossa-formats" content="\.\/(glossa-formats_loader-([0-9a-f]{16})\.js)">/);
  assert.ok(names.includes(loader));
  const digest = createHash('sha256');
  for (const f of [`glossa-formats-${h}.js`, `glossa-formats-${h}_bg.wasm`]) digest.update(await readFile(join(dist, f)));
  assert.equal(digest.digest('hex').slice(0, 16), h);
  assert.equal(await readFile(join(dist, loader), 'utf8'),
    `importScripts("./glossa-formats-${h}.js");wasm_bindgen({ module_or_path: "./glossa-formats-${h}_bg.wasm" });`);
  // And the service worker precaches them by those names.
  const sw = await readFile(join(dist, 'sw.js'), 'utf8');
  for (const n of code) assert.ok(sw.includes(`"${n}"`), n);
});

test('installable: the manifest is linked, valid, and Chromium finds nothing missing', async (t) => {
  const server = await serveCopy();
  t.after(() => server.close());
  // A real profile: Chromium never offers to install from an incognito-like context.
  const profile = await mkdtemp(join(tmpdir(), 'glossa-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  t.after(async () => { await context.close(); await rm(profile, { recursive: true, force: true }); });
  const page = context.pages()[0] ?? await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await controlled(page);

  const manifest = await page.evaluate(async () => {
    const link = document.querySelector('link[rel=manifest]');
    const response = await fetch(link.href);
    return { type: response.headers.get('content-type'), body: await response.json(), href: link.href };
  });
  assert.equal(manifest.body.name, 'Glossa');
  assert.equal(manifest.body.theme_color, '#0b5cad');
  assert.equal(manifest.body.display, 'standalone');
  // Every icon loads, and each PNG is the size the manifest says.
  for (const icon of manifest.body.icons) {
    const got = await page.evaluate(async (src) => {
      const response = await fetch(src);
      const blob = await response.blob();
      if (!response.ok || blob.type === 'image/svg+xml') return { status: response.status, type: blob.type };
      const bitmap = await createImageBitmap(blob);
      return { status: response.status, type: blob.type, size: `${bitmap.width}x${bitmap.height}` };
    }, new URL(icon.src, manifest.href).href);
    assert.equal(got.status, 200, icon.src);
    assert.equal(got.type, icon.type, icon.src);
    if (icon.sizes !== 'any') assert.equal(got.size, icon.sizes, icon.src);
  }
  assert.ok(manifest.body.icons.some((i) => i.sizes === '512x512' && i.type === 'image/png'));

  const cdp = await context.newCDPSession(page);
  const parsed = await cdp.send('Page.getAppManifest');
  assert.deepEqual(parsed.errors, [], JSON.stringify(parsed.errors));
  assert.equal(parsed.url, manifest.href);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('before the wasm arrives the page draws its header and says it is opening; the app takes the note away as it mounts', async (t) => {
  const server = await serveCopy();
  t.after(() => server.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  // The app's wasm is held back until the first frame has been looked at.
  let release;
  const held = new Promise((ok) => { release = ok; });
  await page.route(/\/glossa-[0-9a-f]+_bg\.wasm$/, async (route) => { await held; await route.continue(); });
  await page.goto(server.url);
  // Painted with the wasm held (the entry comes once the frame is on screen).
  await page.evaluate(() => new Promise((ok, no) => {
    new PerformanceObserver((list) => {
      if (list.getEntriesByName('first-contentful-paint').length) ok();
    }).observe({ type: 'paint', buffered: true });
    setTimeout(() => no(new Error('nothing was painted while the wasm was held')), 10_000);
  }));
  assert.equal(await page.evaluate(() => performance.getEntriesByName('glossa-start').length), 0, 'the wasm started: nothing was held');
  assert.equal(await page.locator('.app-header h1').textContent(), 'Glossa');
  // Only "Opening…": the sentence for a start that never comes waits.
  assert.equal(await page.locator('#opening').innerText(), 'Opening…');
  assert.equal(await page.locator('main').count(), 0);
  const header = await page.locator('.app-header').boundingBox();
  await screenshot(page, 'opening-before-wasm');
  // Ten seconds on, it says what to do.
  await page.evaluate(() => document.getAnimations().find((a) => a.animationName === 'still-opening').currentTime = 10_000);
  assert.match(await page.locator('#opening').innerText(), /Opening…\s+Still nothing\? Reload the page\./);
  release();
  await page.waitForSelector('main #article');
  assert.equal(await page.locator('#opening').count(), 0);
  assert.equal(await page.locator('.app-header').count(), 1);
  assert.deepEqual(await page.locator('.app-header').boundingBox(), header, 'the header moved as the app mounted');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the worker registers only after the app has started, so its precache does not slow the first visit', async (t) => {
  const server = await serveCopy();
  t.after(() => server.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    const register = ServiceWorkerContainer.prototype.register;
    ServiceWorkerContainer.prototype.register = function (...args) {
      window.__registeredAt = performance.now();
      return register.apply(this, args);
    };
  });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await controlled(page);
  const t0 = await page.evaluate(() => ({
    registered: window.__registeredAt,
    load: performance.getEntriesByType('navigation')[0].loadEventEnd,
    mounted: performance.getEntriesByName('glossa-mounted')[0]?.startTime,
  }));
  assert.ok(Number.isFinite(t0.mounted), 'the app did not mark its first render');
  assert.ok(t0.registered > t0.mounted, `registered at ${t0.registered} ms, before the app's first render at ${t0.mounted} ms`);
  assert.ok(t0.load < t0.mounted, 'load came after the first render, so this test proves nothing');
  assert.deepEqual(errors, []);
  await context.close();
});

test('with the network off: reload, paste, tag, reload again', async (t) => {
  const server = await serveCopy();
  t.after(() => server.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const requests = watchRequests(context);
  const csp = await watchCsp(context);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await controlled(page);
  assert.deepEqual(await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('glossa-')).length), 1);

  await context.setOffline(true);
  server.state.down = true;
  await page.reload();
  await page.getByLabel('Article text').waitFor();
  // Really offline: a file that is not in the cache cannot be fetched.
  assert.equal(await page.evaluate(() => fetch('not-built.txt').then(() => 'fetched', () => 'failed')), 'failed');
  // And the app came from the cache: every file the page loaded was answered by the worker.
  const fromWorker = [];
  page.on('response', (r) => fromWorker.push([r.url(), r.fromServiceWorker()]));
  await page.reload();
  await page.getByLabel('Article text').waitFor();
  assert.ok(fromWorker.some(([u]) => u.endsWith('.wasm')), 'the wasm was not loaded');
  assert.deepEqual(fromWorker.filter(([, sw]) => !sw), []);

  const article = 'Offline, the minister said 40 trucks crossed.\n\nNothing was sent anywhere.';
  await page.getByLabel('Title').fill('Offline note');
  await page.getByLabel('Article text').fill(article);
  await page.getByRole('button', { name: 'Start annotating' }).click();
  assert.equal(await dragSelect(page, 'the minister'), 'the minister');
  await page.keyboard.press('1');
  await page.waitForSelector('.doc-text .spanned');
  assert.equal(await page.locator('.doc-text .spanned').first().textContent(), 'the minister');

  await page.reload();
  await page.waitForSelector('.doc-text .spanned');
  assert.equal(await page.locator('.doc-text').evaluate((el) => el.textContent), article);
  assert.deepEqual(await page.locator('.doc-text .spanned').allTextContents(), ['the minister']);
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null));
  await screenshot(page, 'offline-01-tagged-offline');

  // The formats worker was precached too: another tool's format exports offline.
  await page.getByLabel('Export format').selectOption('w3c');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export', exact: true }).click(),
  ]);
  const w3c = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(JSON.stringify(w3c).includes('"exact":"the minister"'), true);
  // And imports, which the worker reads (Glossa JSON too): a copy of this document comes back.
  const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  const copy = JSON.parse(await readFile(await saved.path(), 'utf8'));
  copy.document.id = 'offline-copy';
  copy.document.title = 'Offline copy';
  await page.getByRole('button', { name: 'New document' }).click();
  await page.locator('#open-file').setInputFiles({ name: 'copy.glossa.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(copy)) });
  await page.getByRole('alertdialog', { name: 'Import documents?' }).waitFor();
  await confirmImport(page);
  await page.locator('.doc-title', { hasText: 'Offline copy' }).waitFor();
  assert.deepEqual(await page.locator('.doc-text .spanned').allTextContents(), ['the minister']);

  assert.deepEqual(foreign(requests, new URL(server.url).origin), []);
  assert.deepEqual(csp, []);
  assert.deepEqual(errors.filter((e) => !offlineNoise(e)), []);
  await context.close();
});

test('a new build waits behind an "Update available" prompt, then replaces the old cache', async (t) => {
  const server = await serveCopy();
  t.after(() => server.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await controlled(page);
  const [oldCache] = await page.evaluate(() => caches.keys());
  // No prompt on the first install: the page already runs the newest build.
  await page.waitForTimeout(300);
  assert.equal(await page.locator('.pwa-update').count(), 0);

  // "Deploy" a new build: a changed page, so a new precache version.
  const index = join(server.dir, 'index.html');
  await writeFile(index, (await readFile(index, 'utf8')).replace('<title>', '<meta name="glossa-build" content="2" />\n<title>'));
  const sw = join(server.dir, 'sw.js');
  const source = await readFile(sw, 'utf8');
  assert.match(source, /^const VERSION = "[0-9a-f]{16}";$/m);
  await writeFile(sw, source.replace(/^const VERSION = "[0-9a-f]{16}";$/m, 'const VERSION = "0000000000000002";'));

  await page.reload();
  const prompt = page.locator('.pwa-update');
  await prompt.waitFor({ timeout: 30_000 });
  assert.match(await prompt.textContent(), /Update available/);
  // The old build still runs until the user chooses.
  assert.equal(await page.locator('meta[name=glossa-build]').count(), 0);
  await screenshot(page, 'offline-02-update-prompt');

  await Promise.all([page.waitForEvent('load'), prompt.getByRole('button', { name: 'Reload' }).click()]);
  await page.locator('meta[name=glossa-build]').waitFor({ state: 'attached' });
  await page.getByLabel('Article text').waitFor();
  const caches = await page.evaluate(() => caches.keys());
  assert.equal(caches.length, 1);
  assert.notEqual(caches[0], oldCache);
  assert.deepEqual(errors, []);
  await context.close();
});
