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
import { serveDist, screenshot, shared } from './harness.mjs';
import { HARD_ARTICLE, tagHardArticle, exportHardArticle, keepOffered, spanned, button, storageFullKeepsTheEdit } from './engines.mjs';
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
  // Local storage is per origin, and this session's pages share it: start from none.
  await page.goto(server.url);
  await page.waitForSelector('.app-header');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForSelector('#open-file');
  await watch();
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
