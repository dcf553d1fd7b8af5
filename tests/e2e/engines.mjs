// The flows every engine's test runs alike (Firefox over puppeteer-core, WebKit over classic
// WebDriver): a page here needs only puppeteer's evaluate, mouse, keyboard.type and
// waitForFunction, plus `press`, which presses keys held together ("Control+Shift+z").
import assert from 'node:assert/strict';
import { dragSelect, assertExactOffsets, fillStorage } from './harness.mjs';

/** A CRLF article with a skin-toned ZWJ emoji, a flag, a combining accent, CJK and Arabic. */
export const HARD_ARTICLE = 'Qatar’s Prime Minister 👩🏽‍⚖️ said 100 captives 🇶🇦 were freed in Doha.\r\n'
  + 'Le ministre a dit café e\u0301tait prêt; 東京 reported 3.5 million.\r\n'
  + 'قال المتحدث إن 42 رهينة 👍🏽 أفرج عنهم.';

/** The quotes tagHardArticle leaves, in the order of the text. */
const HARD_QUOTES = [
  '100 captives', 'Doha.\r\nLe ministre', 'Prime Minister', 'Prime Minister 👩🏽‍⚖️ said 100 captives',
  'Qatar’s Prime', 'café e\u0301tait', 'المتحدث', '東京 reported 3.5 million',
];

export const status = (page) => page.evaluate(() => document.querySelector('.status').textContent);
export const spanned = (page) => page.evaluate(() => [...document.querySelectorAll('.span-list .row .quote')].map((r) => r.textContent));
/** Clicks the button whose text is `name`. */
export const button = (page, name) => page.evaluate((name) => {
  const found = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === name);
  if (!found) throw new Error(`no button ${name}`);
  found.click();
}, name);

/** On the paste screen: pastes `text` as the article and starts annotating it. */
export async function startAnnotating(page, text) {
  // The page's load event can come before the app has mounted its first screen.
  await page.waitForSelector('textarea');
  await page.evaluate((text) => {
    const article = document.querySelector('textarea');
    article.value = text;
    article.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
  await button(page, 'Start annotating');
  await page.waitForSelector('.doc-text .block');
}

/** Patches the page so every Blob offered for download is kept in `window.__offered`. */
export function keepOffered() {
  const create = URL.createObjectURL;
  window.__offered = [];
  URL.createObjectURL = function (blob) { window.__offered.push(blob); return create.call(this, blob); };
}
const offeredText = (page, n) => page.evaluate(async (n) => {
  while (window.__offered.length <= n) await new Promise((ok) => setTimeout(ok, 20));
  return window.__offered.at(-1).text();
}, n);

/** With HARD_ARTICLE open, tags it with the real mouse (nested spans, across the CRLF, right to
 *  left) and keyboard (caret, Shift+arrows, a label key, grow by a word), types into the text,
 *  and undoes and redoes. Returns the span list. */
export async function tagHardArticle(page, press) {
  // Mouse: a claim, an actor and a figure inside it, one after a skin-toned ZWJ emoji.
  assert.equal(await dragSelect(page, 'Prime Minister 👩🏽‍⚖️ said 100 captives'), 'Prime Minister 👩🏽‍⚖️ said 100 captives');
  await press('3');
  await dragSelect(page, 'Prime Minister');
  await press('1');
  assert.match(await status(page), /actor “Prime Minister”/);
  await dragSelect(page, '100 captives');
  await press('2');
  // Across the CRLF line break, and after a flag.
  await dragSelect(page, 'Doha.\r\nLe ministre');
  await press('3');
  // A combining accent, then CJK with a number.
  await dragSelect(page, 'café e\u0301tait');
  await press('1');
  await dragSelect(page, '東京 reported 3.5 million');
  await press('3');
  // Right to left.
  await dragSelect(page, 'المتحدث', 0, { rtl: true });
  await press('1');
  assert.match(await status(page), /actor “المتحدث”/);

  // Keyboard: a caret at the start, Shift+arrows, a label key, grow by a word. The caret a tag
  // leaves behind is where the keys go on from (WebKit moves none without it).
  await press('Escape');
  await page.evaluate(() => document.querySelector('.doc-text').focus());
  await press('Control+Home');
  for (let i = 0; i < 4; i++) await press('Shift+ArrowRight');
  await press('1');
  // Snapped to the whole word, which stops at the apostrophe; grown by a word twice.
  assert.match(await status(page), /actor “Qatar”/);
  await press('Alt+Shift+ArrowRight');
  assert.match(await status(page), /actor “Qatar’s”/);
  await press('Alt+Shift+ArrowRight');
  assert.match(await status(page), /actor “Qatar’s Prime”/);
  // Typing never changes the text.
  await page.evaluate(() => document.querySelector('.doc-text').focus());
  await page.keyboard.type('x');
  await press('Enter');
  // Enter on the selected span went to its note; back to the text.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'span-note');
  await page.evaluate(() => document.querySelector('.doc-text').focus());

  // Undo takes the growth back, redo returns it; the status line says so.
  const quote = () => page.evaluate(() => document.querySelector('.details blockquote').textContent);
  await press('Control+z');
  assert.match(await status(page), /^Undid 1 change\.$/);
  assert.equal(await quote(), 'Qatar’s');
  await press('Control+Shift+z');
  assert.match(await status(page), /^Redid 1 change\.$/);
  assert.equal(await quote(), 'Qatar’s Prime');
  const listed = await spanned(page);
  assert.equal(listed.length, 8, listed.join(' | '));
  return listed;
}

/** After tagHardArticle (and keepOffered): exports Glossa JSON on the page and spaCy through the
 *  formats worker, and checks every span's offsets in every unit. */
export async function exportHardArticle(page) {
  const before = await page.evaluate(() => window.__offered.length);
  await button(page, 'Export JSON');
  const file = JSON.parse(await offeredText(page, before));
  assert.equal(file.document.text, HARD_ARTICLE);
  assertExactOffsets(file.document, assert);
  assert.deepEqual(file.document.spans.map((s) => s.quote).sort(), [...HARD_QUOTES].sort());
  // Another tool's format comes from the formats worker, its bytes handed over: spaCy counts
  // code points.
  await page.evaluate(() => {
    const menu = document.querySelector('#export-format');
    menu.value = 'spacy';
    menu.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await button(page, 'Export');
  const spacy = JSON.parse((await offeredText(page, before + 1)).trim().split('\n')[0]);
  assert.equal(spacy.text, HARD_ARTICLE);
  const cps = Array.from(HARD_ARTICLE);
  assert.deepEqual(spacy.spans.map((s) => cps.slice(s.start, s.end).join('')).sort(), [...HARD_QUOTES].sort());
}

/** With a document open (and keepOffered): fills local storage to the last character, tags
 *  `first` as a figure and sees it kept on screen, said not saved, and downloadable; frees the
 *  storage, tags `second` as an actor and sees everything saved. `shot` takes the screenshot
 *  while it is full. Returns how many spans the document then has. */
export async function storageFullKeepsTheEdit(page, press, first, second, shot) {
  const junk = await fillStorage(page);
  assert.ok(junk > 0);
  const before = (await spanned(page)).length;
  await dragSelect(page, first);
  await press('2');
  assert.equal((await spanned(page)).length, before + 1);
  const text = (selector) => page.evaluate((s) => document.querySelector(s).textContent, selector);
  assert.equal(await text('.save-state'), '⚠ Not saved');
  assert.match(await text('.not-saved-banner'), /storage for Glossa is full.*Export.*delete documents/);
  // Said once, where the way out is.
  assert.equal(await page.evaluate(() => [...document.querySelectorAll('[role=alert]')]
    .filter((a) => a.textContent.includes('storage for Glossa is full')).length), 1);
  const offered = await page.evaluate(() => window.__offered.length);
  await button(page, 'Download this document');
  assert.equal(JSON.parse(await offeredText(page, offered)).document.spans.length, before + 1);
  await shot();
  // Room again: the next edit saves everything held in memory.
  await page.evaluate((n) => { for (let i = 0; i < n; i++) localStorage.removeItem(`junk${i}`); }, junk);
  await dragSelect(page, second);
  await press('1');
  assert.equal(await text('.save-state'), '✓ Saved');
  return before + 2;
}

/** On the first screen, opens a long text (40 paragraphs): far paragraphs stay plain text until
 *  the browser starts rendering them; scrolled far down, the paragraphs then on screen are drawn
 *  and those far from it stay plain. */
export async function farParagraphsDrawnWhenNear(page) {
  const paragraph = 'The minister said 1.2 million people would leave within 48 hours of the truce. '.repeat(30);
  // Whether a chapter (16 paragraphs) past the first ever waited unseen (not laid out).
  await page.evaluate(() => {
    window.__waited = false;
    new MutationObserver(() => {
      window.__waited ||= !!document.querySelector('.doc-text .chapter.unseen');
    }).observe(document.body, { childList: true, subtree: true });
  });
  await startAnnotating(page, Array.from({ length: 40 }, (_, i) => `${i + 1}. ${paragraph}`).join('\n'));
  const plain = () => page.evaluate(() => document.querySelectorAll('.doc-text .block[data-plain]').length);
  // Only what is near the first screen is drawn, once the first frames have settled: in
  // those frames a browser may say far paragraphs are rendered (WebKit says so of every one;
  // Chromium did of dozens while they were guessed 4em tall: drawn on that word alone, 26
  // blocks of a 1 MB text were).
  await page.evaluate(() => new Promise((ok) => setTimeout(ok, 300)));
  assert.ok(await plain() >= 35, `${40 - await plain()} paragraphs drawn at first`);
  // Where the style sheet cannot skip far chapters itself (it needs attr() to read numbers:
  // Firefox and WebKit, which lay out every paragraph at the first layout), the chapters past
  // the first wait unseen at open, then are all laid out once the page is idle, and still
  // without drawing their paragraphs.
  const skipsChapters = await page.evaluate(() => CSS.supports('(contain-intrinsic-size: auto calc(attr(data-lines type(<number>), 448) * 1lh))'));
  assert.equal(await page.evaluate(() => window.__waited), !skipsChapters);
  await page.waitForFunction(() => !document.querySelector('.doc-text .chapter.unseen'));
  await page.evaluate(() => new Promise((ok) => setTimeout(ok, 300)));
  assert.ok(await plain() >= 35, `${40 - await plain()} paragraphs drawn once the chapters are laid out`);
  // A paragraph never drawn is as tall as a guess from its length, near its real height: at
  // open the browser lays out every block it guesses is on the first screen, and a guess of
  // 4em (a tenth of this one) had Chromium lay out 30 blocks of the 1 MB text to fill one.
  const lastHeight = () => page.evaluate(() => document.querySelector('.doc-text .chapter:last-child .block:last-child').getBoundingClientRect().height);
  const guessed = await lastHeight();
  // The paragraphs below are still at their placeholder height: where the last one ends up
  // once those above it are laid out is wherever the browser's scroll anchoring puts it.
  await page.evaluate(() => document.querySelector('.doc-text .chapter:last-child .block:last-child').scrollIntoView());
  await page.waitForFunction(() => {
    const onScreen = [...document.querySelectorAll('.doc-text .block')].filter((b) => {
      const r = b.getBoundingClientRect();
      return r.bottom > 0 && r.top < innerHeight;
    });
    return onScreen.length > 0 && onScreen.every((b) => Number(b.dataset.i) >= 10 && !b.hasAttribute('data-plain'))
      && !document.querySelector('.doc-text .chapter:last-child .block:last-child[data-plain]');
  });
  assert.ok(await plain() > 10);
  const drawn = await lastHeight();
  assert.ok(guessed > drawn / 2 && guessed < drawn * 2, `the last paragraph guessed ${guessed}px tall, drawn ${drawn}px`);
}
