// Opens Glossa's IndexedDB copy of the documents and reads each document's count of writes
// (src/browser/mirror.rs compares them with local storage's before anything reads it). Run as
// the page starts, beside the wasm's download and compile: start-up waited 6-7 ms for this at
// each visit, about 15 at a first one (the database is made then), after the wasm had started.
// The first call of glossaMirror() takes this first opening; later calls open afresh (tests).
(() => {
  const open = () => new Promise((ok, fail) => {
    const request = indexedDB.open('glossa-mirror', 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore('values');
      request.result.createObjectStore('seq');
    };
    request.onsuccess = () => ok(request.result);
    request.onerror = () => fail(request.error);
  }).then((db) => new Promise((ok, fail) => {
    // Until the app takes the connection: a page deleting the copy waits for it to close.
    db.onversionchange = () => db.close();
    const transaction = db.transaction('seq', 'readonly');
    const ids = transaction.objectStore('seq').getAllKeys();
    const counts = transaction.objectStore('seq').getAll();
    transaction.oncomplete = () => ok({ db, ids: ids.result, counts: counts.result });
    transaction.onabort = () => fail(transaction.error);
  }));
  // Settled or not, an opening nobody takes (site data blocked) is no uncaught error.
  const begin = () => {
    const opening = open();
    opening.catch(() => {});
    return opening;
  };
  let first = begin();
  globalThis.glossaMirror = () => {
    const opening = first ?? begin();
    first = null;
    return opening;
  };
})();
