// Trunk post_build hook (see Trunk.toml): finishes the build in $TRUNK_STAGING_DIR before
// Trunk moves it to dist/.
//  1. Content-Security-Policy: Trunk writes an inline module script into index.html to start
//     the wasm. The policy in index.html names it with the placeholder
//     'sha256-TRUNK-INLINE-SCRIPTS'; this replaces it with the sha256 of every inline script in
//     the built page, so no other inline script can ever run. (Under `trunk serve`, Trunk's
//     auto-reload script is moved to a file, trunk-autoreload.js.)
//  2. Worker loaders: hashed names for each worker's files (the page finds its loader through
//     a meta tag), and the worker's wasm started the way wasm-bindgen asks (no console warning).
//  3. Service worker: writes sw.js, which precaches every built file under a cache named by a
//     hash of all their names and contents, so each build gets a fresh cache.
//  0. (First, release builds only.) The app's wasm is optimised here rather than by Trunk
//     (index.html: data-wasm-opt="0"), because Trunk 0.21 cannot pass wasm-opt a flag:
//     `-Oz --low-memory-unused` (Rust's wasm never uses the first kilobyte of its memory: the
//     stack lies below its data and grows down towards it) makes it 2.2 KB gzip smaller. Then
//     every wasm loses the custom sections no browser reads.
// Usage: node scripts/pwa-post-build.mjs [staging-dir]   (default: $TRUNK_STAGING_DIR)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile, readdir, rename, rm } from 'node:fs/promises';
import { join, relative, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const PLACEHOLDER = "'sha256-TRUNK-INLINE-SCRIPTS'";
const staging = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('usage: pwa-post-build.mjs <staging dir> (or set TRUNK_STAGING_DIR)');

const sha256 = (data, encoding = 'base64') => createHash('sha256').update(data).digest(encoding);

// 0. The app's wasm, optimised (wasm-opt is binaryen@132's, on PATH as Trunk needs it).
if (process.env.TRUNK_PROFILE === 'release') {
  const apps = (await readdir(staging)).filter((n) => /^glossa-[0-9a-f]+_bg\.wasm$/.test(n));
  if (apps.length !== 1) throw new Error(`expected one app wasm in ${staging}, found ${apps.join(', ') || 'none'}`);
  const wasm = join(staging, apps[0]);
  // Leptos always brings server_fn, whose browser half exports wasm-streams' stream adapters
  // (IntoUnderlyingSource, …Sink, …ByteSource) to JS: Glossa never makes one, and as exports
  // they are kept whole. Their JS classes stay in the glue, which calls them only if used.
  // Removing them saves 1.2 KB gzip.
  const unused = ['--remove-exports', '--pass-arg=remove-exports@*intounderlying*'];
  execFileSync('wasm-opt', [...unused, '-Oz', '--low-memory-unused', wasm, '-o', wasm], { stdio: 'inherit' });
  // Custom sections no browser reads, in every wasm shipped: the compiler's name and version,
  // its target features, and wasm_split's notes for a splitting tool (Leptos brings it) — about
  // 0.25 KB gzip off the app's wasm.
  for (const name of (await readdir(staging)).filter((n) => n.endsWith('_bg.wasm'))) {
    const file = join(staging, name);
    await writeFile(file, withoutSections(await readFile(file), ['producers', 'target_features', '__wasm_split_unstable']));
  }
}

/** The wasm module `bytes` without its custom sections named in `names`. */
function withoutSections(bytes, names) {
  let at = 8; // past the magic number and version
  const leb = () => { let n = 0; let shift = 0; let b; do { b = bytes[at++]; n += (b & 127) * 2 ** shift; shift += 7; } while (b & 128); return n; };
  const kept = [bytes.subarray(0, 8)];
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++];
    const size = leb();
    const body = at;
    let name = null;
    if (id === 0) { const length = leb(); name = bytes.subarray(at, at + length).toString(); }
    at = body + size;
    if (!names.includes(name)) kept.push(bytes.subarray(start, at));
  }
  return Buffer.concat(kept);
}

// 1. The policy.
const indexPath = join(staging, 'index.html');
let html = await readFile(indexPath, 'utf8');
let autoreload;
if (!html.includes(PLACEHOLDER)) throw new Error(`index.html has no CSP placeholder ${PLACEHOLDER}`);
// Under `trunk serve`, Trunk adds its auto-reload client as an inline script whose address it
// fills in as it serves the page, so its hash cannot be known here: it becomes a file instead,
// which finds the address itself.
const publicUrl = process.env.TRUNK_PUBLIC_URL ?? '/';
html = html.replace(/<script>([^<]*'\{\{__TRUNK_ADDRESS__\}\}'[\s\S]*?)<\/script>/, (_, body) => {
  autoreload = body
    .replace("'{{__TRUNK_ADDRESS__}}'", 'window.location.host')
    .replace("'{{__TRUNK_WS_BASE__}}'", JSON.stringify(publicUrl));
  return `<script src="${publicUrl}trunk-autoreload.js"></script>`;
});
if (autoreload !== undefined) {
  if (autoreload.includes('{{__TRUNK_')) throw new Error('Trunk auto-reload script has a placeholder this script does not know');
  await writeFile(join(staging, 'trunk-autoreload.js'), autoreload);
}
// Chromium ignores `integrity` on a `preload ... as="fetch"` (the wasm) and warns so in the
// console on every start; the wasm-bindgen glue's own fetch of it never had one.
html = html.replace(/<link\b[^>]*\brel="preload"[^>]*>/g, (link) => link.replace(/\s+integrity="[^"]*"/, ''));
// Trunk puts the wasm's preloads at the end of <head>, after the CSS and the classic scripts:
// Chromium then asked for the wasm only once those were in (from navigation, 88 ms rather than
// 47 on loopback; 261 rather than 83 with 9 Mbit/s and 40 ms of latency, where the page was
// drawn 12-81 ms sooner with them first: bench/open-network.mjs). Right after the policy, which
// must come before any load it governs, they start the biggest download first.
const preloads = html.match(/<link\b[^>]*\brel="(?:module)?preload"[^>]*>/g) ?? [];
if (preloads.length !== 2) throw new Error(`expected the wasm's two preload links, found ${preloads.length}`);
for (const link of preloads) html = html.replace(link, '');
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, (meta) => `${meta}\n    ${preloads.join('\n    ')}`);
const hashes = [];
for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
  if (/\bsrc\s*=/i.test(attrs)) continue;
  hashes.push(`'sha256-${sha256(body)}'`);
}
if (hashes.length === 0) throw new Error('no inline script found: did Trunk change how it starts the wasm?');
const cspAt = html.indexOf('http-equiv="Content-Security-Policy"');
const firstScript = html.search(/<script\b/i);
if (cspAt < 0 || cspAt > firstScript) throw new Error('the CSP meta tag must come before every script');
html = html.replace(PLACEHOLDER, [...new Set(hashes)].join(' '));
await writeFile(indexPath, html);

// 2. Worker loaders: Trunk names a worker's files after its binary, with no hash, so a
//    browser could keep an older build's worker in its HTTP cache beside a newer page (and the
//    two would not understand each other's messages). Each worker's glue, wasm and loader get
//    a hash of the glue and wasm in their names, and the page learns its loader's name from a
//    <meta name="glossa-worker-<binary>"> (browser::formats_worker reads it). Trunk's shim also
//    starts the wasm with a bare path, which the wasm-bindgen glue warns about in the console
//    each time; it takes an object now.
for (const name of await readdir(staging)) {
  const bin = name.match(/^(.+)_loader\.js$/)?.[1];
  if (!bin) continue;
  const shim = await readFile(join(staging, name), 'utf8');
  const [glue, wasm] = [`${bin}.js`, `${bin}_bg.wasm`];
  if (shim !== `importScripts("./${glue}");wasm_bindgen("./${wasm}");`) throw new Error(`${name}: not the loader shim this script knows`);
  const hash = createHash('sha256');
  for (const file of [glue, wasm]) hash.update(await readFile(join(staging, file)));
  const h = hash.digest('hex').slice(0, 16);
  const [hashedGlue, hashedWasm, hashedLoader] = [`${bin}-${h}.js`, `${bin}-${h}_bg.wasm`, `${bin}_loader-${h}.js`];
  await rename(join(staging, glue), join(staging, hashedGlue));
  await rename(join(staging, wasm), join(staging, hashedWasm));
  await rm(join(staging, name));
  await writeFile(join(staging, hashedLoader), `importScripts("./${hashedGlue}");wasm_bindgen({ module_or_path: "./${hashedWasm}" });`);
  const meta = `<meta name="glossa-worker-${bin}" content="./${hashedLoader}">`;
  if (!html.includes('</head>')) throw new Error('index.html has no </head>');
  html = html.replace('</head>', () => `  ${meta}\n  </head>`);
}
await writeFile(indexPath, html);

// 3. The service worker.
async function files(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await files(path));
    else out.push(path);
  }
  return out;
}
const built = (await files(staging))
  .map((path) => relative(staging, path).split(sep).join('/'))
  .filter((path) => path !== 'sw.js')
  .sort();
const digest = createHash('sha256');
for (const path of built) digest.update(`${path}\0${sha256(await readFile(join(staging, path)), 'hex')}\n`);
const version = digest.digest('hex').slice(0, 16);
const template = await readFile(join(dirname(fileURLToPath(import.meta.url)), 'sw-template.js'), 'utf8');
await writeFile(join(staging, 'sw.js'),
  `const VERSION = ${JSON.stringify(version)};\nconst PRECACHE = ${JSON.stringify(built, null, 1)};\n${template}`);
console.log(`pwa-post-build: CSP allows ${hashes.length} inline script(s); sw.js precaches ${built.length} files as glossa-${version}`);
