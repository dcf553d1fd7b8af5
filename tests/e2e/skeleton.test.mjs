// The walking skeleton, end to end: paste the sample article, tag an actor inside a claim with
// the real mouse and keyboard, reload, and check the exported JSON slices to every quote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, watchErrors, screenshot, dragSelect, readSample, exportJson, assertExactOffsets } from './harness.mjs';

const ACTOR = 'Sheikh Mohammed bin Abdulrahman bin Jassim al Thani';
const CLAIM = "Qatar's Prime Minister, Sheikh Mohammed bin Abdulrahman bin Jassim al Thani, stated that the meeting was successful";

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('paste, tag an actor inside a claim, reload, export exact offsets', async () => {
  const article = await readSample();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);

  await page.getByLabel('Title').fill('Qatar truce talks');
  await page.getByLabel('Article text').fill(article);
  await screenshot(page, '01-paste');
  await page.getByRole('button', { name: 'Start annotating' }).click();

  // The article shows exactly as pasted, paragraphs and all.
  const shown = await page.locator('.doc-text').evaluate((el) => el.textContent);
  assert.equal(shown, article);

  assert.equal(await dragSelect(page, ACTOR), ACTOR);
  await page.keyboard.press('1');
  await page.waitForSelector('.doc-text .spanned');
  assert.match(await page.locator('.status').textContent(), /actor “Sheikh Mohammed/);

  assert.equal(await dragSelect(page, CLAIM), CLAIM);
  await page.keyboard.press('3');
  await screenshot(page, '02-tagged');

  // Both spans are drawn: the actor's pieces carry two spans, the claim's rest one.
  const depths = await page.locator('.doc-text .spanned').evaluateAll((els) =>
    els.map((e) => e.getAttribute('style').split('inset').length - 1));
  assert.ok(depths.includes(2), `nested piece missing: ${depths}`);

  await page.reload();
  await page.waitForSelector('.doc-text .spanned');
  await screenshot(page, '03-after-reload');

  const { name, file } = await exportJson(page);
  assert.equal(name, 'Qatar truce talks.glossa.json');
  assert.equal(file.format, 'glossa');
  assert.match(file.offset_unit, /code points/);
  assert.equal(file.document.text, article);
  const quotes = file.document.spans.map((s) => [s.label, s.quote]).sort();
  assert.deepEqual(quotes, [['actor', ACTOR], ['claim', CLAIM]]);
  assertExactOffsets(file.document, assert);
  assert.deepEqual(errors, []);
  await context.close();
});

test('with no title given, the title is the first line with words, cut with … only past 120 characters', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  const headline = 'Qatar hints progress in Israel-Hamas truce talks, Haniyeh to visit Cairo for talks';
  await page.getByLabel('Article text').fill(`\n  \n${headline}\n\nDOHA (Reuters) - Qatar said on Tuesday.`);
  await page.getByRole('button', { name: 'Start annotating' }).click();
  assert.equal(await page.locator('.doc-title').textContent(), headline);
  await page.getByRole('button', { name: 'New document' }).click();
  await page.getByLabel('Article text').fill(`${'word '.repeat(30)}\nrest`);
  await page.getByRole('button', { name: 'Start annotating' }).click();
  const title = await page.locator('.doc-title').textContent();
  assert.equal(title, `${'word '.repeat(23)}word…`);
  assert.equal([...title].length, 120);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a clicked span is selected and Delete removes it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await page.getByLabel('Article text').fill('Hamas said 100 captives 😀 were freed.\r\nمرحبا بكم');
  await page.getByRole('button', { name: 'Start annotating' }).click();

  assert.equal(await dragSelect(page, '100 captives'), '100 captives');
  // The label menu floats beside the selection.
  await page.getByRole('toolbar', { name: 'Tag the selection' }).getByRole('button', { name: 'figure', exact: true }).click();
  assert.equal(await dragSelect(page, 'Hamas'), 'Hamas');
  await page.keyboard.press('1');
  assert.equal(await page.locator('.doc-text .spanned').count(), 2);

  await page.keyboard.press('Escape');
  await page.locator('.doc-text .spanned', { hasText: '100 captives' }).click();
  assert.match(await page.locator('.status').textContent(), /figure “100 captives”/);
  await page.keyboard.press('Delete');
  assert.equal(await page.locator('.doc-text .spanned').count(), 1);
  await screenshot(page, '04-after-delete');

  await page.reload();
  await page.waitForSelector('.doc-text .spanned');
  assert.equal(await page.locator('.doc-text .spanned').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});
