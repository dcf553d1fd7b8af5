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
import { serveDist, dragSelect, screenshot, assertExactOffsets, fillStorage, shared } from './harness.mjs';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
let server, browser;
before(async () => {
  server = await serveDist();
  browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true,
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

const status = (page) => page.$eval('.status', (s) => s.textContent);
const spanned = (page) => page.$$eval('.span-list .row .quote', (rows) => rows.map((r) => r.textContent));
const button = (page, name) => page.evaluate((name) => {
  const found = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === name);
  if (!found) throw new Error(`no button ${name}`);
  found.click();
}, name);

/** A page in a fresh profile (its own local storage), on the app's first screen. */
async function newPage() {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`); });
  // What Export offers for download, read back from the Blob the app makes.
  await page.evaluateOnNewDocument(() => {
    const create = URL.createObjectURL;
    window.__offered = [];
    URL.createObjectURL = function (blob) { window.__offered.push(blob); return create.call(this, blob); };
  });
  await page.goto(server.url);
  await page.waitForSelector('#open-file');
  return { page, problems, context };
}

test('Firefox: tag a CRLF article with emoji and Arabic by mouse and keyboard; reload and export exact offsets', async () => {
  const { page, problems, context } = await newPage();
  const text = 'Qatar’s Prime Minister 👩🏽‍⚖️ said 100 captives 🇶🇦 were freed in Doha.\r\n'
    + 'Le ministre a dit café e\u0301tait prêt; 東京 reported 3.5 million.\r\n'
    + 'قال المتحدث إن 42 رهينة 👍🏽 أفرج عنهم.';
  const dir = await mkdtemp(join(tmpdir(), 'glossa-firefox-'));
  await writeFile(join(dir, 'Doha talks.txt'), text);
  const input = await page.$('#open-file');
  await input.uploadFile(join(dir, 'Doha talks.txt'));
  await page.waitForSelector('.doc-text .block');
  assert.equal(await page.$eval('.doc-title', (t) => t.textContent), 'Doha talks');

  // Mouse: a claim, an actor and a figure inside it, one after a skin-toned ZWJ emoji.
  assert.equal(await dragSelect(page, 'Prime Minister 👩🏽‍⚖️ said 100 captives'), 'Prime Minister 👩🏽‍⚖️ said 100 captives');
  await page.keyboard.press('3');
  await dragSelect(page, 'Prime Minister');
  await page.keyboard.press('1');
  assert.match(await status(page), /actor “Prime Minister”/);
  await dragSelect(page, '100 captives');
  await page.keyboard.press('2');
  // Across the CRLF line break, and after a flag.
  await dragSelect(page, 'Doha.\r\nLe ministre');
  await page.keyboard.press('3');
  // A combining accent, then CJK with a number.
  await dragSelect(page, 'café e\u0301tait');
  await page.keyboard.press('1');
  await dragSelect(page, '東京 reported 3.5 million');
  await page.keyboard.press('3');
  // Right to left.
  await dragSelect(page, 'المتحدث', 0, { rtl: true });
  await page.keyboard.press('1');
  assert.match(await status(page), /actor “المتحدث”/);

  // Keyboard: a caret at the start, Shift+arrows, a label key, grow by a word.
  await page.keyboard.press('Escape');
  await page.focus('.doc-text');
  await chord(page, 'Control+Home');
  for (let i = 0; i < 5; i++) await chord(page, 'Shift+ArrowRight');
  await page.keyboard.press('1');
  // Snapped to the whole word.
  assert.match(await status(page), /actor “Qatar’s”/);
  await chord(page, 'Alt+Shift+ArrowRight');
  assert.match(await status(page), /actor “Qatar’s Prime”/);
  // Typing never changes the text.
  await page.focus('.doc-text');
  await page.keyboard.type('x');
  await page.keyboard.press('Enter');

  // Undo takes the growth back, redo returns it.
  await chord(page, 'Control+z');
  assert.match(await status(page), /actor “Qatar’s”/);
  await chord(page, 'Control+Shift+z');
  assert.match(await status(page), /actor “Qatar’s Prime”/);
  const listed = await spanned(page);
  assert.equal(listed.length, 8, listed.join(' | '));
  await screenshot(page, 'firefox-01-tagged');

  // Everything is still there after a reload.
  await page.reload();
  await page.waitForSelector('.doc-text .spanned');
  assert.deepEqual(await spanned(page), listed);

  await button(page, 'Export JSON');
  await page.waitForFunction(() => window.__offered.length > 0);
  const file = JSON.parse(await page.evaluate(() => window.__offered.at(-1).text()));
  assert.equal(file.document.text, text);
  assert.equal(file.document.spans.length, 8);
  assertExactOffsets(file.document, assert);
  assert.deepEqual(file.document.spans.map((s) => s.quote).sort(), [
    '100 captives', 'Doha.\r\nLe ministre', 'Prime Minister', 'Prime Minister 👩🏽‍⚖️ said 100 captives',
    'Qatar’s Prime', 'café e\u0301tait', 'المتحدث', '東京 reported 3.5 million',
  ].sort());
  // Another tool's format comes from the formats worker, its bytes handed over: spaCy counts
  // code points.
  const offered = await page.evaluate(() => window.__offered.length);
  await page.select('#export-format', 'spacy');
  await button(page, 'Export');
  await page.waitForFunction((n) => window.__offered.length > n, {}, offered);
  const spacy = JSON.parse((await page.evaluate(() => window.__offered.at(-1).text())).trim().split('\n')[0]);
  assert.equal(spacy.text, text);
  const cps = Array.from(text);
  assert.deepEqual(spacy.spans.map((s) => cps.slice(s.start, s.end).join('')).sort(),
    file.document.spans.map((s) => s.quote).sort());
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
  assert.match(await status(page), /^Select text, then press 1 or 2 \(or a label button\)/);
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
  await page.$eval('textarea', (t) => {
    t.value = 'Hamas said 100 captives were freed, Qatar said.';
    t.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await button(page, 'Start annotating');
  await page.waitForSelector('.doc-text .block');
  await dragSelect(page, 'Hamas');
  await page.keyboard.press('1');
  // Local storage filled to the last character.
  const junk = await fillStorage(page);
  assert.ok(junk > 0);
  await dragSelect(page, '100 captives');
  await page.keyboard.press('2');
  assert.equal((await spanned(page)).length, 2);
  assert.equal(await page.$eval('.save-state', (s) => s.textContent), '⚠ Not saved');
  assert.match(await page.$eval('.not-saved-banner', (b) => b.textContent), /storage for Glossa is full.*Export.*delete documents/);
  await button(page, 'Download this document');
  await page.waitForFunction(() => window.__offered.length > 0);
  assert.equal(JSON.parse(await page.evaluate(() => window.__offered.at(-1).text())).document.spans.length, 2);
  await screenshot(page, 'firefox-03-storage-full');
  // Room again: the next edit saves everything held in memory.
  await page.evaluate((n) => { for (let i = 0; i < n; i++) localStorage.removeItem(`junk${i}`); }, junk);
  await dragSelect(page, 'Qatar');
  await page.keyboard.press('1');
  assert.equal(await page.$eval('.save-state', (s) => s.textContent), '✓ Saved');
  await page.reload();
  await page.waitForSelector('.doc-text .spanned');
  assert.equal((await spanned(page)).length, 3);
  assert.deepEqual(problems, []);
  await context.close();
});
