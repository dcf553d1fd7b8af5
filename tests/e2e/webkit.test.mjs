// The same app in WebKit, Safari's engine (Debian's WebKitGTK, see webkit.mjs): WebKit's
// selections, its UTF-16 DOM offsets around emoji and CRLF, its local storage and its workers
// are its own, and many journalists use Safari. Opens a CRLF article with emoji, flags,
// combining marks, CJK and Arabic from a file, tags it with the real mouse and keyboard
// (nested spans, right to left, across a line break), undoes and redoes, reloads, and exports
// Glossa JSON on the page and spaCy through the formats worker, every offset checked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, screenshot, shared, dragSelect } from './harness.mjs';
import { HARD_ARTICLE, tagHardArticle, exportHardArticle, keepOffered, spanned, button, storageFullKeepsTheEdit, startAnnotating, farParagraphsDrawnWhenNear } from './engines.mjs';
import { launchWebKit } from './webkit.mjs';

let server, page;
before(async () => {
  server = await serveDist();
  page = await launchWebKit();
});
after(async () => { await page?.close(); await server?.close(); });

// Errors the page reports, and what Export offers for download: set up after each load, as
// classic WebDriver has no script that runs before the page's own.
const watch = () => page.evaluate(`(() => {
  window.__problems = [];
  addEventListener('error', (e) => window.__problems.push('error: ' + e.message));
  addEventListener('unhandledrejection', (e) => window.__problems.push('rejection: ' + e.reason));
  (${keepOffered})();
})()`);
const press = (keys) => page.keyboard.press(keys);
// Local storage is per origin, and this session's pages share it: a test that needs none
// clears it, and the documents' copy in IndexedDB (which would put them back), and starts on
// the paste screen.
async function startEmpty() {
  await page.goto(server.url);
  await page.waitForSelector('main');
  await page.evaluate(() => new Promise((ok, no) => {
    localStorage.clear();
    const deleting = indexedDB.deleteDatabase('glossa-mirror');
    deleting.onsuccess = ok;
    deleting.onerror = no;
  }));
  await page.reload();
  await page.waitForSelector('#open-file');
  await watch();
}

test('WebKit: tag a CRLF article with emoji and Arabic by mouse and keyboard; reload and export exact offsets', async () => {
  await page.goto(server.url);
  await page.waitForSelector('#open-file');
  const dir = await mkdtemp(join(tmpdir(), 'glossa-webkit-'));
  await writeFile(join(dir, 'Doha talks.txt'), HARD_ARTICLE);
  await page.uploadFile('#open-file', join(dir, 'Doha talks.txt'));
  await page.waitForSelector('.doc-text .block');
  await watch();
  assert.equal(await page.$eval('.doc-title', (t) => t.textContent), 'Doha talks');
  const listed = await tagHardArticle(page, press);
  await screenshot(page, 'webkit-01-tagged');
  assert.deepEqual(await page.evaluate(() => window.__problems), []);

  // Everything is still there after a reload.
  await page.reload();
  await page.waitForSelector('.doc-text .spanned');
  await watch();
  assert.deepEqual(await spanned(page), listed);
  await exportHardArticle(page);
  assert.deepEqual(await page.evaluate(() => window.__problems), []);
});

test('WebKit: a brat pair imports through the formats worker; a full storage keeps the edit on screen and saves it once there is room', async () => {
  await startEmpty();
  await page.uploadFile('#open-file', join(shared, 'interop', 'brat', '060-relation_annotation.ann'), join(shared, 'interop', 'brat', '060-relation_annotation.txt'));
  await page.waitForSelector('[role=alertdialog]');
  assert.match(await page.$eval('[role=alertdialog]', (d) => d.textContent), /1 document, 10 spans/);
  await button(page, 'Import it');
  await page.waitForSelector('.doc-text .spanned');
  assert.equal((await spanned(page)).length, 10);

  // Local storage filled to the last character: the next edit stays on screen, and says so.
  const spans = await storageFullKeepsTheEdit(page, press, 'Troubleshooting', 'configuration',
    () => screenshot(page, 'webkit-02-storage-full'));
  assert.deepEqual(await page.evaluate(() => window.__problems), []);
  await page.reload();
  await page.waitForSelector('.doc-text .spanned');
  assert.equal((await spanned(page)).length, spans);
});

test('WebKit: a long text draws far paragraphs as they are scrolled near', async () => {
  await startEmpty();
  await farParagraphsDrawnWhenNear(page);
  // The text's end, its chapters all laid out by now and the last paragraphs drawn.
  await page.evaluate(() => document.querySelector('.doc-text .chapter:last-child .block:last-child').scrollIntoView({ block: 'end' }));
  await screenshot(page, 'webkit-05-long-text-end');
  assert.deepEqual(await page.evaluate(() => window.__problems), []);
});

test('WebKit: two windows on one document: one edits, the other follows read-only and can take over', async () => {
  await startEmpty();
  await startAnnotating(page, 'Hamas said 100 captives were freed, Qatar and Egypt said in Doha.');
  await dragSelect(page, 'Hamas');
  await press('1');

  const other = await page.openPage();
  try {
    await other.goto(server.url);
    const editHere = (p) => p.evaluate(() => [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Edit here'));
    const spans = (p, n) => p.waitForFunction((n) => document.querySelectorAll('.span-list .row').length === n, {}, n);
    await other.waitForFunction(() => document.querySelector('.save-state')?.textContent === 'Read-only');
    assert.ok(await editHere(other));
    await spans(other, 1);
    // The first window's edits appear in the second, which refuses its own and says why.
    await dragSelect(page, '100 captives');
    await press('2');
    await spans(other, 2);
    await dragSelect(other, 'Qatar');
    await other.keyboard.press('1');
    assert.match(await other.evaluate(() => document.querySelector('.problem').textContent), /Read-only here/);
    assert.equal((await spanned(other)).length, 2);
    await other.keyboard.press('Escape');
    // The second takes over; the first turns read-only and follows it.
    await button(other, 'Edit here');
    await page.waitForFunction(() => document.querySelector('.save-state')?.textContent === 'Read-only');
    await dragSelect(other, 'Qatar');
    await other.keyboard.press('1');
    assert.equal(await other.evaluate(() => document.querySelector('.save-state').textContent), '✓ Saved');
    await spans(page, 3);
    await dragSelect(page, 'Egypt');
    await press('1');
    assert.equal((await spanned(page)).length, 3);
    await screenshot(page, 'webkit-03-read-only');
    assert.deepEqual(await page.evaluate(() => window.__problems), []);
  } finally {
    await other.evaluate(() => window.close()).catch(() => {});
  }
});

test('WebKit: once the service worker has the app, it opens and edits with the server gone', async () => {
  // A server of its own (an origin of its own), to stop.
  const own = await serveDist();
  await page.goto(own.url);
  await page.waitForSelector('#open-file');
  await page.waitForFunction(() => navigator.serviceWorker.controller != null, {}, undefined, 20_000);
  await startAnnotating(page, 'Hamas said 100 captives were freed.');
  await own.close();
  await page.reload();
  await page.waitForSelector('.doc-text .block');
  await watch();
  await dragSelect(page, '100 captives');
  await press('2');
  assert.deepEqual(await spanned(page), ['100 captives']);
  assert.equal(await page.$eval('.save-state', (s) => s.textContent), '✓ Saved');
  await screenshot(page, 'webkit-04-offline');
  assert.deepEqual(await page.evaluate(() => window.__problems), []);
});
