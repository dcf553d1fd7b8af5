// What every benchmark of an open runs in the page before the app: puts a document in local
// storage as the app keeps it (so the app opens it at start), unless a document is already
// open there, and sets `window.__opened`, a promise of when the first spans were in the DOM
// ("mounted") and the second frame after ("painted"), in ms from navigation, each also marked
// with performance.mark for traces.

/** The script that sets `window.__opened` (for a page whose scripts cannot be run before its own,
 *  such as WebKit's over classic WebDriver, it goes into the page's HTML). */
export const OPENED_TIMING = `
  window.__opened = new Promise((ok) => {
    const observer = new MutationObserver(() => {
      if (!document.querySelector('.doc-text .spanned')) return;
      observer.disconnect();
      const mounted = performance.mark('mounted').startTime;
      requestAnimationFrame(() => requestAnimationFrame(() => ok({ mounted, painted: performance.mark('painted').startTime })));
    });
    observer.observe(document, { childList: true, subtree: true });
  });`;

/** The init script (a string for Playwright's addInitScript) for the document `documentJson`. */
export function openedScript(documentJson) {
  const doc = JSON.parse(documentJson);
  return `(() => {${OPENED_TIMING}
    if (localStorage.getItem('glossa.current')) return;
    const doc = ${JSON.stringify(documentJson)};
    localStorage.setItem('glossa.doc.${doc.id}', '{"schema":1,"document":' + doc + '}');
    localStorage.setItem('glossa.current', '${doc.id}');
  })()`;
}

/** The open just timed in `page`: `{ mounted, painted, started }`, ms from navigation
 *  (`started`: the wasm's start, NaN if it never marked it). */
export function opened(page) {
  return page.evaluate(async () => ({
    ...await window.__opened,
    started: performance.getEntriesByName('glossa-start')[0]?.startTime ?? NaN,
  }));
}
