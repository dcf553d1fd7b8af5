// The single-file build (scripts/single-file.mjs): one HTML file opened from file://, with no
// server, works end to end and asks for nothing but itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dist, launch, watchErrors, screenshot, dragSelect, confirmImport } from './harness.mjs';
import { watchRequests, watchCsp } from './security-helpers.mjs';

const file = process.env.GLOSSA_SINGLE_FILE ?? join(dist, 'glossa.html');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the single file is self-contained', async () => {
  const html = await readFile(file, 'utf8');
  assert.ok((await stat(file)).size > 100_000, 'too small to hold the wasm');
  // No reference to another file: every src and href is a data: URL.
  assert.deepEqual(html.match(/\b(?:src|href)\s*=\s*"(?!data:)[^"]*"/gi) ?? [], []);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
  // One script runs; the other is the formats worker's source, a data block the app starts.
  assert.deepEqual(html.match(/<script\b[^>]*>/g), ['<script type="text/plain" id="glossa-formats-worker">', '<script type="module">']);
  assert.match(html, /worker-src blob:/);
});

test('opened from file://: paste, tag, reload, export, import', async () => {
  const url = pathToFileURL(file).href;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const requests = watchRequests(context);
  const csp = await watchCsp(context);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(url);

  const article = 'The ministry said 1,200 families were moved.\n\nIt gave no source.';
  await page.getByLabel('Title').fill('From disk');
  await page.getByLabel('Article text').fill(article);
  await page.getByRole('button', { name: 'Start annotating' }).click();
  assert.equal(await dragSelect(page, '1,200 families'), '1,200 families');
  await page.keyboard.press('2');
  await page.waitForSelector('.doc-text .spanned');
  assert.deepEqual(await page.locator('.doc-text .spanned').allTextContents(), ['1,200 families']);
  await screenshot(page, 'single-file-01-tagged');

  // Saved in the file:// origin's local storage like any other build.
  await page.reload();
  await page.waitForSelector('.doc-text .spanned');
  assert.equal(await page.locator('.doc-text').evaluate((el) => el.textContent), article);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export JSON' }).click(),
  ]);
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.deepEqual(exported.document.spans.map((s) => [s.label, s.quote]), [['figure', '1,200 families']]);

  // Another tool's format goes through the formats worker, started from the page itself.
  await page.getByLabel('Export format').selectOption('doccano');
  const [doccano] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export', exact: true }).click(),
  ]);
  assert.equal(doccano.suggestedFilename(), 'From disk.doccano.jsonl');
  const line = JSON.parse(await readFile(await doccano.path(), 'utf8'));
  assert.deepEqual(line.label.map(([s, e, l]) => [l, line.text.slice(s, e)]), [['figure', '1,200 families']]);
  // And reads it back, as any import, in that worker.
  await page.getByRole('button', { name: 'New document' }).click();
  await page.locator('#open-file').setInputFiles({ name: 'back.jsonl', mimeType: 'application/x-ndjson', buffer: await readFile(await doccano.path()) });
  await page.getByRole('alertdialog', { name: 'Import documents?' }).waitFor();
  await confirmImport(page);
  await page.waitForSelector('.doc-text .spanned');
  assert.deepEqual(await page.locator('.doc-text .spanned').allTextContents(), ['1,200 families']);

  // It asked for nothing but itself (data: URLs never leave the browser).
  assert.deepEqual(requests.filter((u) => u !== url && !u.startsWith('data:') && !u.startsWith('blob:')), []);
  assert.deepEqual(csp, []);
  assert.deepEqual(errors, []);
  await context.close();
});
