// The same app in headless Firefox (Debian's firefox-esr, driven over WebDriver BiDi by
// puppeteer-core): selections, carets and the DOM's offsets differ between engines, and
// journalists use both. Opens a CRLF article with emoji, flags, combining marks, CJK and
// Arabic from a file, tags it with the real mouse and keyboard (nested spans, right to left,
// across a line break), undoes and redoes, reloads, exports (Glossa JSON on the page, spaCy
// through the formats worker) and checks every offset in every unit, imports a brat pair through the formats worker, and fills local storage to see an
// edit kept on screen and saved once there is room.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { serveDist, dragSelect, screenshot, shared, pollingWait } from './harness.mjs';
import { HARD_ARTICLE, tagHardArticle, exportHardArticle, keepOffered, status, spanned, button, storageFullKeepsTheEdit, startAnnotating, farParagraphsDrawnWhenNear } from './engines.mjs';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
let server, browser;
before(async () => {
  server = await serveDist();
  // The window's size, not puppeteer's viewport emulation: Debian's Firefox 140 ESR does not
  // know the command that sets the screen's orientation with it (setViewport fails there).
  browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true,
    defaultViewport: null, args: ['--width=1400', '--height=986'],
    // Firefox asks the user before it keeps a site's storage; here the answer is yes.
    extraPrefsFirefox: { 'dom.storageManager.prompt.testing': true, 'dom.storageManager.prompt.testing.allow': true } });
});
after(async () => { await browser?.close(); await server?.close(); });

/** Presses keys held together, as "Control+Shift+z" (puppeteer takes one key at a time). */
async function chord(page, keys) {
  const parts = keys.split('+');
  const key = parts.pop();
  for (const k of parts) await page.keyboard.down(k);
  await page.keyboard.press(key);
  for (const k of parts.reverse()) await page.keyboard.up(k);
}


/** A page in a fresh profile (its own local storage), on the app's first screen. */
async function newPage() {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  // Firefox 140 ESR holds puppeteer's waitForFunction to the page's Content-Security-Policy (it
  // makes its test with Function(), which the policy blocks); evaluate is not held to it, so
  // waiting asks again every 50 ms.
  page.waitForFunction = pollingWait((fn, arg) => page.evaluate(fn, arg), 30_000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`); });
  await page.goto(server.url);
  await page.waitForSelector('#open-file');
  // What Export offers for download, read back from the Blob the app makes. Put in after each
  // load rather than as a script run before the page's own: Firefox 140 ESR then now and
  // again reports "Permission denied to access property "length"" as the page's error, on
  // builds that had passed.
  await page.evaluate(keepOffered);
  return { page, problems, context };
}

test('Firefox: tag a CRLF article with emoji and Arabic by mouse and keyboard; reload and export exact offsets', async () => {
  const { page, problems, context } = await newPage();
  const dir = await mkdtemp(join(tmpdir(), 'glossa-firefox-'));
  await writeFile(join(dir, 'Doha talks.txt'), HARD_ARTICLE);
  const input = await page.$('#open-file');
  await input.uploadFile(join(dir, 'Doha talks.txt'));
  await page.waitForSelector('.doc-text .block');
  assert.equal(await page.$eval('.doc-title', (t) => t.textContent), 'Doha talks');
  const listed = await tagHardArticle(page, (keys) => chord(page, keys));
  await screenshot(page, 'firefox-01-tagged');

  // Everything is still there after a reload.
  await page.reload();
  await page.waitForSelector('.doc-text .spanned');
  await page.evaluate(keepOffered);
  assert.deepEqual(await spanned(page), listed);
  await exportHardArticle(page);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Firefox: a brat pair imports through the formats worker; the hint names its labels\' keys; storage is kept', async () => {
  const { page, problems, context } = await newPage();
  const input = await page.$('#open-file');
  await input.uploadFile(join(shared, 'interop', 'brat', '060-relation_annotation.ann'), join(shared, 'interop', 'brat', '060-relation_annotation.txt'));
  await page.waitForSelector('[role=alertdialog]');
  assert.match(await page.$eval('[role=alertdialog]', (d) => d.textContent), /1 document, 10 spans/);
  await button(page, 'Import it');
  await page.waitForSelector('.doc-text .spanned');
  assert.equal((await spanned(page)).length, 10);
  // Its two labels have two keys, and the hint says so.
  assert.match(await status(page), /^Select text, then choose a label\. Or press 1 or 2;/);
  // With a document open, Glossa asked Firefox to keep its storage, and says it will.
  await page.waitForFunction(async () => await navigator.storage.persisted());
  await button(page, 'New document');
  await page.waitForFunction(() => /This browser keeps it until you delete it\./.test(document.querySelector('.usage')?.textContent ?? ''));
  await screenshot(page, 'firefox-02-imported');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Firefox: a full storage keeps the edit on screen, says so, and saves it once there is room', async () => {
  const { page, problems, context } = await newPage();
  await startAnnotating(page, 'Hamas said 100 captives were freed, Qatar said.');
  await dragSelect(page, 'Hamas');
  await page.keyboard.press('1');
  // Local storage filled to the last character: the next edit stays on screen, and says so.
  const spans = await storageFullKeepsTheEdit(page, (keys) => chord(page, keys), '100 captives', 'Qatar',
    () => screenshot(page, 'firefox-03-storage-full'));
  await page.reload();
  await page.waitForSelector('.doc-text .spanned');
  assert.equal((await spanned(page)).length, spans);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Firefox: a long text draws far paragraphs as they are scrolled near', async () => {
  const { page, problems, context } = await newPage();
  await farParagraphsDrawnWhenNear(page);
  // The text's end, its chapters all laid out by now and the last paragraphs drawn.
  await page.evaluate(() => document.querySelector('.doc-text .chapter:last-child .block:last-child').scrollIntoView({ block: 'end' }));
  await screenshot(page, 'firefox-04-long-text-end');
  assert.deepEqual(problems, []);
  await context.close();
});
