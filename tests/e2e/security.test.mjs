// Nothing leaves, nothing runs: every request stays on the app's origin, the Content-Security-
// Policy is in force and never trips during normal use, and hostile pasted text (markup,
// scripts, javascript: URLs, bidi overrides, a megabyte on one line) is shown as plain text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serveDist, launch, watchErrors, screenshot, dragSelect, readSample } from './harness.mjs';
import { watchRequests, foreign, watchCsp } from './security-helpers.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** A fresh page that records requests, CSP violations, errors and dialogs. */
async function open() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const requests = watchRequests(context);
  const csp = await watchCsp(context);
  const page = await context.newPage();
  const errors = watchErrors(page);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  await page.goto(server.url);
  return { context, page, requests, csp, errors, dialogs };
}

/** Tag names of every element in the page. */
const elements = (page) => page.evaluate(() => [...document.querySelectorAll('*')].map((e) => e.localName));

test('every request goes to the app itself, and the policy never trips', async () => {
  const { context, page, requests, csp, errors } = await open();
  await page.getByLabel('Title').fill('Qatar truce talks');
  await page.getByLabel('Article text').fill(await readSample());
  await page.getByRole('button', { name: 'Start annotating' }).click();
  assert.equal(await dragSelect(page, 'Sheikh Mohammed'), 'Sheikh Mohammed');
  await page.keyboard.press('1');
  await page.waitForSelector('.doc-text .spanned');
  // Selecting a span writes the outline rule; that must pass the policy too.
  await page.locator('.doc-text .spanned').first().click();
  await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  await page.reload();
  await page.waitForSelector('.doc-text .spanned');
  // Let the service worker install and fetch its precache: those requests count too.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });

  const origin = new URL(server.url).origin;
  assert.ok(requests.some((u) => u.endsWith('.wasm')), 'requests were not recorded');
  assert.deepEqual(foreign(requests, origin), []);
  assert.deepEqual(csp, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the policy is in force: no inline script, no request to another origin', async () => {
  const { context, page, csp } = await open();
  await page.getByLabel('Article text').waitFor();
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(policy, /default-src 'self'/);
  assert.match(policy, /connect-src 'self'/);
  const scriptSrc = policy.match(/script-src ([^;]*)/)[1];
  assert.doesNotMatch(scriptSrc, /'unsafe-inline'|'unsafe-eval'|\*|https?:|data:|blob:/);

  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.head.append(s);
    return window.__injected === true;
  });
  assert.equal(ran, false, 'an injected inline script ran');
  assert.doesNotMatch(policy.match(/style-src ([^;]*)/)[1], /'unsafe-inline'/);
  const hidden = await page.evaluate(() => {
    const s = document.createElement('style');
    s.textContent = 'body { display: none }';
    document.head.append(s);
    return getComputedStyle(document.body).display === 'none';
  });
  assert.equal(hidden, false, 'an injected style sheet applied');
  const fetched = await page.evaluate(() => fetch('https://example.com/').then(() => 'fetched', (e) => e.name));
  assert.equal(fetched, 'TypeError');
  // Violation reports arrive as events, a moment later.
  for (let i = 0; i < 50 && csp.length < 3; i++) await page.waitForTimeout(50);
  assert.ok(csp.some((v) => v.startsWith('script-src-elem blocked inline')), csp.join('\n'));
  assert.ok(csp.some((v) => v.startsWith('style-src-elem blocked inline')), csp.join('\n'));
  assert.ok(csp.some((v) => v.startsWith('connect-src blocked https://example.com')), csp.join('\n'));
  await context.close();
});

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror="alert(2)"> <svg onload=alert(3)><circle r=5 /></svg>',
  '<a href="javascript:alert(4)">click me</a> and javascript:alert(5)',
  '<iframe srcdoc="<script>alert(6)</script>"></iframe><b onmouseover=alert(7)>bold</b>',
  '<style>body{display:none}</style> &lt;escaped&gt; &amp;amp; {{7*7}} ${alert(8)}',
  'Bidi: \u202Eevil.exe\u202C txt, unterminated \u202E override and \u2067isolate',
  '</div></span><div class="spanned">fake span</div>',
].join('\n');

test('hostile text is shown as plain text and never runs', async () => {
  const { context, page, csp, errors, dialogs } = await open();
  const title = '<img src=x onerror=alert(9)>\u202E title';
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Article text').fill(HOSTILE);
  const before = await elements(page);
  await page.getByRole('button', { name: 'Start annotating' }).click();
  await page.locator('.doc-text').waitFor();

  const text = page.locator('.doc-text');
  assert.equal(await text.evaluate((el) => el.textContent), HOSTILE);
  assert.equal(await page.locator('.doc-title').textContent(), title);
  // Only the view's own elements: blocks of spans, nothing parsed out of the text.
  const inside = await text.evaluate((el) => [...new Set([...el.querySelectorAll('*')].map((e) => e.localName))]);
  assert.deepEqual(inside.filter((t) => !['div', 'span'].includes(t)), []);
  assert.equal(await text.locator('.spanned').count(), 0, 'the pasted "spanned" div became an element');
  for (const tag of ['img', 'iframe', 'svg', 'a', 'b', 'circle']) {
    assert.equal((await elements(page)).filter((t) => t === tag).length, before.filter((t) => t === tag).length, tag);
  }

  // Tag the script and the javascript: link (exactly: snapping to words would trim the < and >),
  // hover over everything, reload: still just text.
  await page.getByLabel('Snap to words').uncheck();
  assert.equal(await dragSelect(page, '<script>alert(1)</script>'), '<script>alert(1)</script>');
  await page.keyboard.press('3');
  assert.equal(await dragSelect(page, '<a href="javascript:alert(4)">click me</a>'), '<a href="javascript:alert(4)">click me</a>');
  await page.keyboard.press('1');
  assert.deepEqual(await text.locator('.spanned').allTextContents(),
    ['<script>alert(1)</script>', '<a href="javascript:alert(4)">click me</a>']);
  await text.locator('.spanned').nth(1).click();
  for (const word of ['bold', 'click me', 'evil']) await page.getByText(word, { exact: false }).first().hover();
  await screenshot(page, 'security-01-hostile-text');
  await page.reload();
  await page.locator('.doc-text .spanned').first().waitFor();
  assert.equal(await page.locator('.doc-text').evaluate((el) => el.textContent), HOSTILE);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(exported.document.text, HOSTILE);
  assert.equal(exported.document.title, title);

  await page.waitForTimeout(200);
  assert.deepEqual(dialogs, []);
  assert.equal(await page.evaluate(() => document.body.style.display), '');
  assert.deepEqual(csp, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a megabyte on one line is shown whole, as text', async () => {
  const { context, page, errors, dialogs } = await open();
  const unit = 'lorem <b>ipsum</b> <img src=x onerror=alert(1)> dolor \u202Esit\u202C amet, ';
  let line = '';
  while (line.length < 1_000_000) line += unit;
  line = `START ${line} END`;
  await page.getByLabel('Article text').fill(line);
  const started = Date.now();
  await page.getByRole('button', { name: 'Start annotating' }).click();
  await page.locator('.doc-text').waitFor({ timeout: 60_000 });
  const shownAfter = Date.now() - started;
  const shown = await page.locator('.doc-text').evaluate((el) => ({
    length: el.textContent.length, parsed: el.querySelectorAll('img, b').length,
  }));
  assert.equal(shown.length, line.length);
  assert.equal(shown.parsed, 0);
  assert.ok(await page.locator('.doc-text').evaluate((el, line) => el.textContent === line, line));
  assert.equal(await dragSelect(page, 'START'), 'START');
  await page.keyboard.press('1');
  await page.waitForSelector('.doc-text .spanned');
  console.log(`# a 1 MB line: shown in ${shownAfter} ms, shown and tagged in ${Date.now() - started} ms`);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, []);
  await context.close();
});

// An unterminated U+202E in a quote must not reverse the interface's own words around it
// ("Delete removes it" read backwards): every quote the UI shows sits in an isolating element.
test('a bidi override in a quote does not reverse the interface around it', async () => {
    const { context, page } = await open();
    const article = 'Open the attachment \u202Eexe.txt at once.';
    await page.getByLabel('Article text').fill(article);
    await page.getByRole('button', { name: 'Start annotating' }).click();
    await page.getByLabel('Snap to words').uncheck();
    // Select "\u202Eexe.txt" through the DOM (the mouse cannot aim at reversed text) and tag it.
    await page.locator('.doc-text').evaluate((el, quote) => {
      const node = [...el.querySelectorAll('span')].map((s) => s.firstChild).find((n) => n?.data.includes(quote));
      const at = node.data.indexOf(quote);
      el.focus();
      getSelection().setBaseAndExtent(node, at, node, at + quote.length);
    }, '\u202Eexe.txt');
    await page.keyboard.press('1');
    await page.locator('.doc-text .spanned').first().click();
    // Wherever the interface shows the override outside the article, it must be in a text of the
    // user's own (not mixed into a sentence of the interface), in a block or an isolating element.
    const leaks = await page.evaluate((article) => {
      const out = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.data.includes('\u202E') || n.parentElement.closest('.doc-text, textarea, input')) continue;
        const el = n.parentElement;
        const style = getComputedStyle(el);
        const contained = el.localName === 'bdi' || /isolate|plaintext/.test(style.unicodeBidi) || !style.display.startsWith('inline');
        if (!article.includes(n.data) || !contained) out.push(`${el.className || el.localName}: ${n.data}`);
      }
      return out;
    }, article);
    assert.deepEqual(leaks, []);
    await context.close();
  });
