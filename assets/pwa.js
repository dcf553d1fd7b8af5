// Glossa's service worker registration and "Update available" prompt. The worker (sw.js) is
// generated at build time by scripts/pwa-post-build.mjs and precaches every built file, so the
// app starts with the network off. A new build installs beside the old one and waits; this
// script then offers to reload into it instead of leaving a stale app running.
(() => {
  const sw = navigator.serviceWorker;
  // file:// (the single-file build) and plain http on other hosts have no service workers.
  if (!sw || !window.isSecureContext || location.protocol === 'file:') return;

  let asked = false;
  sw.addEventListener('controllerchange', () => {
    // The first install also takes control, and must not reload the page under the user.
    if (asked) { asked = false; location.reload(); }
  });

  const offer = (worker) => {
    // Nothing to replace on the first install: this page already runs the newest build.
    if (!worker || !sw.controller || document.querySelector('.pwa-update')) return;
    const bar = document.createElement('div');
    bar.className = 'pwa-update';
    bar.setAttribute('role', 'status');
    const text = document.createElement('span');
    text.textContent = 'Update available — reload to use the new version.';
    const reload = document.createElement('button');
    reload.type = 'button';
    reload.className = 'primary';
    reload.textContent = 'Reload';
    reload.addEventListener('click', () => {
      reload.disabled = true;
      asked = true;
      worker.postMessage({ type: 'skip-waiting' });
    });
    const later = document.createElement('button');
    later.type = 'button';
    later.textContent = 'Later';
    later.addEventListener('click', () => bar.remove());
    bar.append(text, reload, later);
    document.body.append(bar);
  };

  // Installing the worker fetches and caches every built file. On a first visit that would run
  // beside the app's own start (wasm compile, first layout) and slow it, so registering waits
  // until the app has drawn its first screen (it says so with a `glossa-mounted` event) and the
  // browser is idle (or 5 s after load, should it not start).
  const started = new Promise((ok) => {
    window.addEventListener('glossa-mounted', ok, { once: true });
    window.addEventListener('load', () => setTimeout(ok, 5000), { once: true });
  });
  const idle = () => new Promise((ok) => (window.requestIdleCallback
    ? requestIdleCallback(ok, { timeout: 2000 })
    : setTimeout(ok, 500)));

  started.then(idle).then(async () => {
    let reg;
    try {
      reg = await sw.register('./sw.js', { scope: './' });
    } catch (e) {
      console.warn('Glossa: the service worker did not register, so the app will not work offline.', e);
      return;
    }
    if (reg.waiting) offer(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const worker = reg.installing;
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed') offer(worker);
      });
    });
    // A tab left open for days still hears about a new build.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') reg.update().catch(() => {});
    });
  });
})();
