// Import and export through the app: real files from other tools come in through a preview,
// exact to the character; the library goes out in every format (brat as one zip) and comes
// back; bad input changes nothing and says where it is wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launch, watchErrors, screenshot, root, assertExactOffsets, watchSaid, said, confirmImport, exportJson } from './harness.mjs';

const interop = join(root, '..', 'shared', 'interop');
let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function file(path) {
  return { name: path.split('/').pop(), mimeType: 'application/octet-stream', buffer: await readFile(join(interop, path)) };
}

const preview = (page) => page.getByRole('alertdialog', { name: 'Import documents?' });

/// Picks files in the library's Import…, checks the preview, confirms, waits for the message.
async function importFiles(page, files, { format, documents }) {
  // What the library says meanwhile: reading is announced before the page is busy with it.
  await watchSaid(page, '.library-message');
  await page.locator('#import-library').setInputFiles(files);
  const dialog = preview(page);
  await dialog.waitFor();
  assert.ok((await said(page)).includes('Reading the files…'));
  const text = await dialog.textContent();
  assert.ok(text.includes(`(${format}): ${documents} document${documents === 1 ? '' : 's'}`), text);
  await dialog.getByRole('button', { name: /^Import/ }).click();
  await page.getByRole('status').filter({ hasText: /^Imported/ }).waitFor();
  return text;
}

async function exportLibrary(page, format) {
  await page.getByLabel('Library export format').selectOption(format);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export library' }).click(),
  ]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}

/// (label, quote) pairs, sorted, for comparing span sets.
const pairs = (list) => list.map(([l, q]) => `${l}\t${q}`).sort();

test('files from brat, doccano, Label Studio and Prodigy come in through a preview, exact', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);

  // Prodigy/spaCy counts code points; its line 92 starts with an emoji.
  const prodigy = 'spacy-prodigy/fashion_brands_eval-lines85-100.jsonl';
  const prodigyLines = (await readFile(join(interop, prodigy), 'utf8')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  await importFiles(page, [await file(prodigy)], { format: 'spaCy / Prodigy JSONL', documents: prodigyLines.length });
  await screenshot(page, 'import-01-prodigy-done');

  // doccano counts UTF-16 code units.
  const doccano = 'doccano/relation_extraction-example.jsonl';
  const doccanoLines = (await readFile(join(interop, doccano), 'utf8')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  await page.locator('#import-library').setInputFiles([await file(doccano)]);
  await preview(page).waitFor();
  const entities = doccanoLines.reduce((n, l) => n + l.entities.length, 0);
  const relations = doccanoLines.reduce((n, l) => n + l.relations.length, 0);
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  assert.ok((await preview(page).textContent()).includes(`${plural(doccanoLines.length, 'document')}, ${plural(entities, 'span')}.`));
  await screenshot(page, 'import-02-doccano-preview');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: /^Imported/ }).waitFor();

  const ls = 'label-studio/named_entity-annotations-1.json';
  const lsTasks = [JSON.parse(await readFile(join(interop, ls), 'utf8'))].flat();
  await importFiles(page, [await file(ls)], { format: 'Label Studio JSON', documents: lsTasks.length });

  // brat: the .ann with its .txt, picked together.
  await importFiles(page, [await file('brat/060-relation_annotation.ann'), await file('brat/060-relation_annotation.txt')],
    { format: 'brat standoff (.txt + .ann)', documents: 1 });

  // Everything, out as Glossa JSON: every quote is exactly what its offsets slice, and the
  // spans are the source files' spans, unit for unit.
  const out = await exportLibrary(page, 'glossa');
  assert.equal(out.name, 'glossa-library.glossa.json');
  const library = JSON.parse(out.bytes.toString('utf8'));
  const total = prodigyLines.length + doccanoLines.length + lsTasks.length + 1;
  assert.equal(library.documents.length, total);
  for (const d of library.documents) assertExactOffsets(d, assert);
  const byText = (text) => library.documents.find((d) => d.text === text);
  for (const line of prodigyLines) {
    const d = byText(line.text);
    assert.ok(d, line.text);
    const cps = Array.from(line.text);
    assert.deepEqual(pairs(d.spans.map((s) => [s.label, s.quote])),
      pairs((line.spans ?? []).map((s) => [s.label, cps.slice(s.start, s.end).join('')])));
  }
  for (const line of doccanoLines) {
    const d = byText(line.text);
    assert.deepEqual(pairs(d.spans.map((s) => [s.label, s.quote])),
      pairs(line.entities.map((e) => [e.label, line.text.slice(e.start_offset, e.end_offset)])));
  }
  assert.equal(library.documents.reduce((n, d) => n + (d.relations ?? []).length, 0) >= relations, true);

  // The library as brat: one zip of .txt + .ann pairs, which comes back whole.
  const zip = await exportLibrary(page, 'brat');
  assert.equal(zip.name, 'glossa-library.brat.zip');
  assert.equal(zip.bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  const back = await importFiles(page, [{ name: zip.name, mimeType: 'application/zip', buffer: zip.bytes }],
    { format: 'brat standoff (.txt + .ann)', documents: total });
  assert.match(back, /“glossa-library\.brat\.zip”/);
  const again = JSON.parse((await exportLibrary(page, 'glossa')).bytes.toString('utf8'));
  assert.equal(again.documents.length, total * 2);
  // Every document came back with its text and spans (brat holds labels, offsets, notes).
  const spanSet = (d) => pairs(d.spans.map((s) => [s.label, `${s.start}-${s.end}`]));
  for (const d of library.documents) {
    const copies = again.documents.filter((c) => c.text === d.text);
    assert.equal(copies.length, 2, d.title);
    assert.deepEqual(spanSet(copies[0]), spanSet(copies[1]), d.title);
  }
  await screenshot(page, 'import-03-library');
  assert.deepEqual(errors, []);
  await context.close();
});

test('attributes that came with a file are shown with their span, and a verdict left on a relabelled claim can be seen and cleared', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await page.locator('#open-file').setInputFiles([await file('brat/100-attribute_annotation.ann'), await file('brat/100-attribute_annotation.txt')]);
  await confirmImport(page);
  await page.waitForSelector('.doc-text .spanned');
  // brat's A4 "Individual T1" (a flag) on the first "Somebody".
  await page.locator('.doc-text .spanned', { hasText: 'Somebody' }).first().click();
  const details = page.getByRole('region', { name: 'Selected span' });
  assert.match(await details.textContent(), /Attributes\s*Individual: true/);
  await screenshot(page, 'import-05-attributes');
  await details.getByRole('button', { name: 'Remove attribute Individual' }).click();
  assert.doesNotMatch(await details.textContent(), /Attributes/);
  await page.keyboard.press('Control+z');
  assert.match(await details.textContent(), /Individual: true/);
  // A claim with a verdict, relabelled as an actor: the verdict still shows, and clears.
  await page.locator('.doc-text .spanned', { hasText: 'Somebody' }).first().click();
  await page.keyboard.press('Escape');
  await page.locator('.doc-text .spanned', { hasText: 'Somebody' }).first().click();
  const label = await page.locator('.details h3').textContent();
  assert.match(label, /^Person/);
  await page.getByRole('button', { name: 'Labels…' }).click();
  await page.getByLabel('Name of the new label').fill('claim');
  await page.getByRole('button', { name: 'Add label' }).click();
  const claimKey = await page.getByLabel('Key for claim').inputValue();
  await page.locator('.doc-text .spanned', { hasText: 'Somebody' }).first().click();
  await page.locator('.doc-text').press(claimKey);
  await page.getByLabel('Verdict').selectOption('false');
  await page.locator('.doc-text').press('1');
  assert.doesNotMatch(await page.locator('.details h3').textContent(), /^claim/);
  assert.equal(await page.getByLabel('Verdict').inputValue(), 'false');
  await page.getByLabel('Verdict').selectOption('');
  const { file: exported } = await exportJson(page);
  assert.ok(exported.document.spans.every((s) => !s.attributes?.verdict), 'no verdict left');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a broken or unknown file changes nothing and says where it is wrong', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await importFiles(page, [await file('brat/110-note_annotation.ann'), await file('brat/110-note_annotation.txt')],
    { format: 'brat standoff (.txt + .ann)', documents: 1 });
  const before = await page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort()));
  const alert = page.locator('.problem[role="alert"]');

  // A doccano line cut in the middle: the message names the line.
  const doccano = (await readFile(join(interop, 'doccano/relation_extraction-example.jsonl'), 'utf8')).split('\n');
  const cut = [doccano[0], doccano[0].slice(0, 40)].join('\n');
  await page.locator('#open-file').setInputFiles({ name: 'cut.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(cut) });
  await alert.waitFor();
  assert.match(await alert.textContent(), /Nothing was imported\. cut\.jsonl line 2: /);
  await screenshot(page, 'import-04-broken');

  // A span past the end of its text, in brat: named by line too.
  await page.locator('#open-file').setInputFiles([
    { name: 'x.ann', mimeType: 'text/plain', buffer: Buffer.from('T1\tactor 0 5\tHamas\nT2\tactor 90 95\tQatar\n') },
    { name: 'x.txt', mimeType: 'text/plain', buffer: Buffer.from('Hamas said so.') },
  ]);
  await page.waitForFunction(() => /x\.ann line 2/.test(document.querySelector('.problem')?.textContent ?? ''));

  // JSON that is no tool's format.
  await page.locator('#open-file').setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  await page.waitForFunction(() => /cannot tell the format/.test(document.querySelector('.problem')?.textContent ?? ''));
  // A Glossa file cut off: broken JSON, said where it breaks.
  await page.locator('#open-file').setInputFiles({ name: 'cut.glossa.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"glossa", "version":1, "document": {') });
  await page.waitForFunction(() => /cut\.glossa\.json: is not valid JSON \(EOF while parsing an object at line 1 column 46\): was it cut off/
    .test(document.querySelector('.problem')?.textContent ?? ''));
  // A Glossa file whose quote is not what its offsets slice: the JSON path is named.
  const glossa = { format: 'glossa', version: 1, document: { id: 'bad', title: 'Bad', text: 'Hamas said so.',
    labels: [{ name: 'actor', color: '#1f77b4', hotkey: '1' }],
    spans: [{ id: 1, label: 'actor', start: 0, end: 5, utf16: { start: 0, end: 5 }, utf8: { start: 0, end: 5 }, quote: 'Hamaz' }],
    relations: [] } };
  await page.locator('#open-file').setInputFiles({ name: 'bad.glossa.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(glossa)) });
  await page.waitForFunction(() => /Nothing was imported\. bad\.glossa\.json \$\.document\.spans\[0\]\.quote: is “Hamaz” but the text at code points 0\.\.5 is “Hamas”/
    .test(document.querySelector('.problem')?.textContent ?? ''));
  // A preview cancelled with Escape stores nothing either.
  await page.locator('#import-library').setInputFiles([await file('label-studio/named_entity-annotations-1.json')]);
  await preview(page).waitFor();
  await page.keyboard.press('Escape');
  await preview(page).waitFor({ state: 'detached' });

  assert.equal(await page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort())), before);
  assert.equal(await page.locator('.doc-row').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});
