import { serveDist, launch } from './harness.mjs';
const server = await serveDist(); const browser = await launch();
const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
const page = await context.newPage(); await page.goto(server.url);
await page.getByLabel('Article text').fill('Hamas said 100 captives were freed on Friday.');
await page.getByRole('button', { name: 'Start annotating' }).tap();
await page.waitForSelector('.doc-text .block');
// What a long press and the handles leave: a selection over "100 captives".
await page.evaluate(() => {
  const t = document.querySelector('.doc-text'); const w = document.createTreeWalker(t, NodeFilter.SHOW_TEXT); const n = w.nextNode();
  const r = document.createRange(); r.setStart(n, 11); r.setEnd(n, 23); const s = getSelection(); s.removeAllRanges(); s.addRange(r);
});
console.log('selected', await page.evaluate(() => getSelection().toString()), 'menu', await page.locator('.label-menu').count());
await page.getByRole('button', { name: /^Figure/ }).first().tap();
await page.waitForTimeout(300);
console.log('spans', await page.locator('.doc-text .spanned').allTextContents(), 'status', await page.locator('.status').textContent());
await page.screenshot({ path: '/tmp/prof/touch.png' });
await browser.close(); await server.close();
