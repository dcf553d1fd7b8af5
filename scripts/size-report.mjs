// Prints the release bundle's size (wasm, JS, CSS: raw and gzip -9) and fails if a wasm is over
// its budget: 372 KB gzip for the app's wasm, which every start-up loads, and 200 KB for the
// formats worker's, fetched the first time a file in another tool's format is read or written.
// Also the single-file build's size, if it is there. (KB = 1024 bytes.)
// scripts/test.sh runs it after every release build.
// Usage: node scripts/size-report.mjs [dist dir]   (default: $GLOSSA_DIST or dist/)
import { readdir, readFile } from 'node:fs/promises';
import { join, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGETS = [
  { what: "The app's wasm", test: (name) => !name.startsWith('glossa-formats'), gzip: 372 * 1024 },
  { what: "The formats worker's wasm", test: (name) => name.startsWith('glossa-formats'), gzip: 200 * 1024 },
];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.argv[2] ?? process.env.GLOSSA_DIST ?? join(root, 'dist');

const kinds = { '.wasm': 'wasm', '.js': 'js', '.css': 'css' };
const totals = { wasm: [0, 0], js: [0, 0], css: [0, 0] };
const rows = [];
for (const name of (await readdir(dist)).sort()) {
  const kind = kinds[extname(name)];
  if (!kind) continue;
  const body = await readFile(join(dist, name));
  const gz = gzipSync(body, { level: 9 }).length;
  totals[kind][0] += body.length;
  totals[kind][1] += gz;
  rows.push([name, body.length, gz]);
}
if (totals.wasm[0] === 0) throw new Error(`no .wasm in ${dist}: build first (trunk build --release --offline)`);

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const line = (a, b, c) => console.log(`${a.padEnd(40)} ${b.padStart(10)} ${c.padStart(10)}`);
console.log(`Release bundle in ${dist}`);
line('file', 'raw', 'gzip');
for (const [name, raw, gz] of rows) line(name, kb(raw), kb(gz));
const all = Object.values(totals).reduce(([r, g], [r2, g2]) => [r + r2, g + g2], [0, 0]);
for (const [kind, [raw, gz]] of Object.entries(totals)) line(`total ${kind}`, kb(raw), kb(gz));
line('total wasm + js + css', kb(all[0]), kb(all[1]));
try {
  const single = await readFile(join(dist, 'glossa.html'));
  line('single file glossa.html', kb(single.length), kb(gzipSync(single, { level: 9 }).length));
} catch { /* scripts/single-file.mjs has not run */ }
let over = false;
for (const budget of BUDGETS) {
  const gz = rows.filter(([name]) => name.endsWith('.wasm') && budget.test(name)).reduce((n, [, , g]) => n + g, 0);
  if (gz === 0) continue;
  if (gz > budget.gzip) {
    console.error(`${budget.what} is ${kb(gz)} gzip, over its budget of ${kb(budget.gzip)}.`);
    over = true;
  } else console.log(`${budget.what}: ${kb(gz)} of its ${kb(budget.gzip)} gzip budget`);
}
if (over) process.exit(1);
