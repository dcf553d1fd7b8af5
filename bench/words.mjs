// The words the benchmarks tag: distinct untagged words of the text, each with which occurrence
// of it in the text's content it is, so `dragSelect` can find it.

/** Up to `count` untagged words ("meant", "that", "said", "stated"), from the text's top, or
 *  with `nearEnd` from its last drawn blocks up. */
export async function untaggedWords(page, count, nearEnd = false) {
  const targets = await page.evaluate(({ count, nearEnd }) => {
    const found = [];
    const blocks = [...document.querySelectorAll('.doc-text .block')];
    for (const block of nearEnd ? blocks.reverse().filter((b) => !b.hasAttribute('data-plain')) : blocks) {
      let offset = Number(block.dataset.u16);
      for (const piece of block.children) {
        const m = piece.dataset.spans ? null : piece.textContent.match(/\b(meant|that|said|stated)\b/);
        if (m) found.push({ word: m[0], at: offset + m.index });
        offset += piece.textContent.length;
        if (found.length >= count) return found;
      }
    }
    return found;
  }, { count, nearEnd });
  const text = await page.locator('.doc-text').textContent();
  return targets.map(({ word, at }) => {
    let occurrence = 0;
    for (let k = text.indexOf(word); k >= 0 && k < at; k = text.indexOf(word, k + 1)) occurrence++;
    return { word, occurrence };
  });
}
