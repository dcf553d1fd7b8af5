// Turns the release build into one self-contained HTML file that works when opened from disk
// (file://), with no server and no network: the wasm is embedded as base64 and instantiated from
// those bytes, and the JS glue, CSS and icon are inlined. A strict Content-Security-Policy names
// the one inline script and the one inline style by their sha256 and allows no requests at all.
// (Style attributes stay allowed, as in index.html: the text view draws spans with them.)
// The formats worker rides along as a data block that the app starts from a Blob URL. The
// service worker and manifest are left out: they need a served origin.
// Usage: node scripts/single-file.mjs [dist dir] [output]
//   (defaults: $GLOSSA_DIST or dist/, and glossa.html inside it)
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.argv[2] ?? process.env.GLOSSA_DIST ?? join(root, 'dist');
const output = process.argv[3] ?? join(dist, 'glossa.html');

const fail = (why) => { throw new Error(`single-file: ${why}`); };
const sha256 = (text) => createHash('sha256').update(text).digest('base64');
const built = (href) => join(dist, decodeURIComponent(href.replace(/^\//, '').split(/[?#]/)[0]));
const attr = (tag, name) => tag.match(new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`, 'i'))?.[1];

let html = await readFile(join(dist, 'index.html'), 'utf8');
html = html.replace(/<!--[\s\S]*?-->/g, '');

// Trunk's start-up script names the glue and the wasm.
let glueHref, wasmHref;
const dropped = [];
// assets/mirror.js (opens the IndexedDB copy as the page starts) runs first in the one script.
let mirrorHref;
html = html.replace(/<script\b([^>]*)>([\s\S]*?)<\/script>\s*/gi, (whole, attrs, body) => {
  const src = attr(`<x ${attrs}>`, 'src');
  if (src && /\/pwa-[0-9a-f]+\.js$/.test(src)) { dropped.push(src); return ''; }
  if (src && /\/mirror-[0-9a-f]+\.js$/.test(src)) { mirrorHref = src; return ''; }
  if (src) fail(`does not know how to inline <script src="${src}">`);
  glueHref = body.match(/import\s+init\s*,[^;]*?from\s+'([^']+)'/)?.[1];
  wasmHref = body.match(/module_or_path:\s*'([^']+)'/)?.[1];
  if (!glueHref || !wasmHref) fail(`an inline script that is not Trunk's wasm start-up:\n${body}`);
  return '';
});
if (!glueHref) fail('no Trunk start-up script in index.html');
if (!mirrorHref) fail('no assets/mirror.js in index.html');
const mirror = await readFile(built(mirrorHref), 'utf8');

// Links: styles are inlined, the icon becomes a data: URL, the rest only make sense when served.
const styles = [];
let icon = '';
for (const tag of html.match(/<link\b[^>]*>/gi) ?? []) {
  const rel = attr(tag, 'rel');
  const href = attr(tag, 'href');
  if (rel === 'stylesheet') styles.push(await readFile(built(href), 'utf8'));
  else if (rel === 'icon') {
    const type = href.endsWith('.svg') ? 'image/svg+xml' : href.endsWith('.png') ? 'image/png' : fail(`icon type of ${href}`);
    icon = `<link rel="icon" href="data:${type};base64,${(await readFile(built(href))).toString('base64')}">`;
  } else if (!['manifest', 'apple-touch-icon', 'modulepreload', 'preload'].includes(rel)) {
    fail(`does not know what to do with ${tag}`);
  } else dropped.push(href);
  html = html.replace(tag, '');
}

// The glue is an ES module; inline, its exports are plain declarations.
let glue = await readFile(built(glueHref), 'utf8');
if (/^\s*import\b/m.test(glue)) fail(`${glueHref} imports other files (wasm-bindgen snippets?); inline them first`);
glue = glue
  .replace(/^export\s*\{[^}]*\};?\s*$/gm, '')
  .replace(/^export\s+(?=(?:async\s+)?(?:class|function|const|let|var)\b)/gm, '');
if (/^\s*export\b/m.test(glue)) fail(`${glueHref} has an export this script cannot inline`);
if (!/async function __wbg_init\(/.test(glue)) fail(`${glueHref} has no __wbg_init: did wasm-bindgen change?`);

const wasm = await readFile(built(wasmHref));
const script = `${mirror}
${glue}
{
  const text = atob("${wasm.toString('base64')}");
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const wasm = await __wbg_init({ module_or_path: bytes });
  dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
}
`;
const style = styles.join('\n');

// The formats worker (every interchange format) goes in as a data block: the app makes a Blob
// URL of it, as a page from file:// may not start a worker from a file.
// The post-build hook names the worker's loader (and so its glue and wasm) in a meta tag.
const loader = html.match(/<meta name="glossa-worker-glossa-formats" content="\.\/glossa-formats_loader-([0-9a-f]+)\.js">/);
if (!loader) fail('index.html does not name the formats worker (the post-build hook adds it)');
const workerGlue = await readFile(join(dist, `glossa-formats-${loader[1]}.js`), 'utf8');
if (!/\bwasm_bindgen\b/.test(workerGlue)) fail('the worker glue is not a no-modules wasm-bindgen glue');
const workerWasm = await readFile(join(dist, `glossa-formats-${loader[1]}_bg.wasm`));
html = html.replace(loader[0], '');
const workerSource = `${workerGlue}
{
  const text = atob("${workerWasm.toString('base64')}");
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  wasm_bindgen({ module_or_path: bytes });
}
`;
if (/<\/script/i.test(script) || /<\/style/i.test(style) || /<\/script/i.test(workerSource)) fail('a closing tag inside the inlined code');

const csp = [
  "default-src 'none'",
  `script-src 'sha256-${sha256(script)}' 'wasm-unsafe-eval'`,
  `style-src 'sha256-${sha256(style)}'`,
  "style-src-attr 'unsafe-inline'",
  'img-src data:',
  "connect-src 'none'",
  'worker-src blob:',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
const cspTag = /<meta\s+http-equiv="Content-Security-Policy"[^>]*>/i;
if (!cspTag.test(html)) fail('index.html has no Content-Security-Policy to replace');
html = html
  .replace(/\n\s*\n+/g, '\n')
  .replace(cspTag, `<meta http-equiv="Content-Security-Policy" content="${csp}" />`);
if (/\b(?:src|href)\s*=\s*"/i.test(html)) fail('a reference to another file is left in the page');
// Inserted last, so nothing touches the code after its hash was taken.
html = html.replace('</head>', () => `  ${icon}\n    <style>${style}</style>\n    <script type="text/plain" id="glossa-formats-worker">${workerSource}</script>\n    <script type="module">${script}</script>\n  </head>`);

await writeFile(output, html);
console.log(`single-file: ${output} (${(html.length / 1024).toFixed(1)} KB; left out ${dropped.join(', ')})`);
