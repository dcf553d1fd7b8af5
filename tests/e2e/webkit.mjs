// WebKit, the engine of Safari, for the end-to-end tests: Debian's WebKitGTK MiniBrowser under
// a private Xvfb display, driven over classic WebDriver by WebKitWebDriver (no Playwright
// build of WebKit can be installed here). `launchWebKit` gives a page with the few calls of
// puppeteer's the shared helpers use (evaluate, mouse, keyboard, screenshot, waitForFunction),
// so dragSelect and the offset checks are the very same code as in Chromium and Firefox.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { root, pollingWait } from './harness.mjs';


/** Starts WebKitWebDriver on its own Xvfb display through scripts/with-webkit.sh (the same
 *  start the in-browser Rust tests use); returns its URL and a function that stops it all. */
async function startDriver() {
  const started = spawn('bash', [join(root, 'scripts', 'with-webkit.sh'), 'sh', '-c', 'echo "$WEBKIT_WEBDRIVER_URL"; exec sleep 86400'],
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const url = await new Promise((ok, fail) => {
    let out = '';
    started.once('error', fail);
    started.once('exit', (code) => fail(new Error(`scripts/with-webkit.sh exited (${code})`)));
    started.stdout.on('data', (d) => { out += d; if (out.includes('\n')) ok(out.trim()); });
  });
  // The whole process group: xvfb-run, Xvfb, the driver and its browser.
  return { url, stop: () => { try { process.kill(-started.pid, 'SIGTERM'); } catch { /* gone */ } } };
}

// The browser to start, as the in-browser Rust tests start it.
const CAPABILITIES = JSON.parse(readFileSync(join(root, 'tests', 'webdriver-webkit.json'), 'utf8'));

// WebDriver's codes for the keys the tests press (the rest are typed as themselves).
const KEYS = {
  Control: '\uE009', Shift: '\uE008', Alt: '\uE00A', Meta: '\uE03D', Enter: '\uE007', Escape: '\uE00C',
  Tab: '\uE004', Delete: '\uE017', Backspace: '\uE003', Home: '\uE011', End: '\uE010',
  ArrowLeft: '\uE012', ArrowUp: '\uE013', ArrowRight: '\uE014', ArrowDown: '\uE015',
};
const keyCode = (name) => KEYS[name] ?? name;

/** Starts the display, the driver and one browser session. Close it with `close()`. */
export async function launchWebKit() {
  const { url: base, stop } = await startDriver();
  const call = async (method, path, body) => {
    const res = await fetch(base + path, {
      method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const { value } = await res.json();
    if (value?.error) throw new Error(`WebDriver ${path}: ${value.error}: ${value.message}`);
    return value;
  };
  // The driver takes a moment to listen.
  let session;
  for (let tries = 0; !session; tries++) {
    try {
      session = await call('POST', '/session', { capabilities: { alwaysMatch: CAPABILITIES } });
    } catch (e) {
      if (tries > 50) throw e;
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
  const at = `/session/${session.sessionId}`;
  // The window size the other engines' tests use.
  await call('POST', `${at}/window/rect`, { width: 1400, height: 900 });
  // Every page is a window of this one session: each call first brings its own window forward
  // (WebDriver talks to one window at a time).
  const windows = { current: await call('GET', `${at}/window`) };
  const page = webdriverPage(call, at, windows, windows.current);
  page.version = session.capabilities.browserVersion;
  page.close = async () => {
    await call('DELETE', at).catch(() => {});
    stop();
  };
  return page;
}

/** A puppeteer-like page over one window of a WebDriver session. */
function webdriverPage(sessionCall, at, windows, handle) {
  const call = async (method, path, body) => {
    if (windows.current !== handle) {
      await sessionCall('POST', `${at}/window`, { handle });
      windows.current = handle;
    }
    return sessionCall(method, path, body);
  };
  const actions = (list) => call('POST', `${at}/actions`, { actions: list });
  const pointer = (steps) => actions([{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: steps }]);
  const typing = (steps) => actions([{ type: 'key', id: 'keyboard', actions: steps }]);
  let mouse = { x: 0, y: 0 };
  const page = {
    /** Runs `fn(arg)` (or an expression's source) in the page, awaits a promise it returns and
     *  gives back its result. Sent as source, never through eval, which the app's CSP refuses. */
    async evaluate(fn, arg) {
      const expression = typeof fn === 'function' ? `(${fn})(arguments[0])` : fn;
      const script = `const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => ${expression})
          .then((value) => done({ value }), (e) => done({ thrown: String(e) + '\\n' + ((e && e.stack) || '') }));`;
      const out = await call('POST', `${at}/execute/async`, { script, args: [arg ?? null] });
      if (out?.thrown) throw new Error(`in the page: ${out.thrown}`);
      return out?.value;
    },
    waitForFunction: pollingWait((fn, arg) => page.evaluate(fn, arg), 15_000),
    waitForSelector: (selector) => page.waitForFunction((s) => document.querySelector(s) != null, {}, selector),
    $eval: (selector, fn) => page.evaluate(`(${fn})(document.querySelector(${JSON.stringify(selector)}))`),
    $$eval: (selector, fn) => page.evaluate(`(${fn})([...document.querySelectorAll(${JSON.stringify(selector)})])`),
    goto: (url) => call('POST', `${at}/url`, { url }),
    /** Another page: a new window of the same browser, its storage shared as another tab's is. */
    async openPage() {
      const { handle: other } = await call('POST', `${at}/window/new`, { type: 'window' });
      return webdriverPage(sessionCall, at, windows, other);
    },
    reload: () => call('POST', `${at}/refresh`, {}),
    async screenshot({ path }) {
      await writeFile(path, Buffer.from(await call('GET', `${at}/screenshot`), 'base64'));
    },
    /** Gives a file input these files, as a person picking them does. */
    async uploadFile(selector, ...paths) {
      const { ['element-6066-11e4-a52e-4f735466cecf']: element } = await call('POST', `${at}/element`, { using: 'css selector', value: selector });
      await call('POST', `${at}/element/${element}/value`, { text: paths.join('\n') });
    },
    mouse: {
      async move(x, y, { steps = 1 } = {}) {
        const from = mouse;
        const moves = [];
        for (let i = 1; i <= steps; i++) {
          moves.push({ type: 'pointerMove', duration: 0, origin: 'viewport',
            x: Math.round(from.x + ((x - from.x) * i) / steps), y: Math.round(from.y + ((y - from.y) * i) / steps) });
        }
        mouse = { x, y };
        await pointer(moves);
      },
      down: () => pointer([{ type: 'pointerMove', duration: 0, origin: 'viewport', x: Math.round(mouse.x), y: Math.round(mouse.y) }, { type: 'pointerDown', button: 0 }]),
      up: () => pointer([{ type: 'pointerMove', duration: 0, origin: 'viewport', x: Math.round(mouse.x), y: Math.round(mouse.y) }, { type: 'pointerUp', button: 0 }]),
      async click(x, y) { mouse = { x, y }; await pointer([{ type: 'pointerMove', duration: 0, origin: 'viewport', x: Math.round(x), y: Math.round(y) }, { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }]); },
    },
    keyboard: {
      /** Presses a key or a chord such as "Control+Shift+z". */
      async press(chord) {
        const keys = chord === '+' ? ['+'] : chord.split('+').map(keyCode);
        await typing([...keys.map((value) => ({ type: 'keyDown', value })), ...keys.reverse().map((value) => ({ type: 'keyUp', value }))]);
      },
      type: (text) => typing([...text].flatMap((value) => [{ type: 'keyDown', value }, { type: 'keyUp', value }])),
    },
  };
  return page;
}
