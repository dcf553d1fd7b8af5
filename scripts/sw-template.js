// Glossa's service worker. scripts/pwa-post-build.mjs writes it to the build as sw.js, after
// two generated lines that set VERSION (a hash of every built file's name and contents) and
// PRECACHE (those files' names). Every build therefore has its own cache, installs beside the
// old one, waits until the page asks it to take over (the "Update available" prompt in
// assets/pwa.js), and then deletes the caches of older builds.
/* global VERSION, PRECACHE */
const CACHE = `glossa-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Straight from the server, never from the HTTP cache: a stale file would poison the build.
    await cache.addAll(PRECACHE.map((path) => new Request(path, { cache: 'reload' })));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('glossa-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const scope = new URL(self.registration.scope);
    // The app is one page: opening the scope (or index.html, with any query) is the cached page.
    if (request.mode === 'navigate' && (url.pathname === scope.pathname || url.pathname === `${scope.pathname}index.html`)) {
      const page = await cache.match('index.html');
      if (page) return page;
    }
    const hit = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
    if (hit) return hit;
    try {
      return await fetch(request);
    } catch (error) {
      // Offline and not a built file: any other page of the app falls back to the app itself.
      if (request.mode === 'navigate') {
        const page = await cache.match('index.html');
        if (page) return page;
      }
      throw error;
    }
  })());
});
