// Chromium's sampling profiler as recorded in a trace (category
// 'disabled-by-default-v8.cpu_profiler'): which functions ran on the page's main thread
// within given stretches of time. Unlike a DevTools profile started and stopped around an
// action, it can be cut to exactly the work being studied (the key's task, an open).
//
// The wasm's functions have names only in a build that keeps them (see bench/trace.mjs).

export const SAMPLED = 'disabled-by-default-v8.cpu_profiler';

/** The samples of thread `pid`/`tid` in `events`: `{ t, ms, stack }` each, `t` on the trace's
 *  clock, `ms` the time until the next sample, `stack` the frames' names, innermost first. */
export function samplesOf(events, pid, tid) {
  const profile = events.find((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid);
  if (!profile) throw new Error('no sampled profile for the main thread in the trace');
  const nodes = new Map();
  const raw = [];
  // Chunks come from the sampler's own thread, tied to the profile by its id.
  for (const e of events.filter((e) => e.name === 'ProfileChunk' && e.pid === pid && e.id === profile.id)) {
    const { cpuProfile = {}, timeDeltas = [] } = e.args.data;
    for (const n of cpuProfile.nodes ?? []) nodes.set(n.id, n);
    (cpuProfile.samples ?? []).forEach((id, i) => raw.push({ id, delta: timeDeltas[i] }));
  }
  return samplesFrom(nodes, raw, profile.args.data.startTime);
}

/** The samples of a DevTools CPU profile (`Profiler.stop`'s `profile`), as `samplesOf` gives
 *  them, on the profile's clock. */
export function samplesOfProfile({ nodes, samples, timeDeltas, startTime }) {
  const byId = new Map();
  // A DevTools profile's nodes name their children; a trace's name their parent.
  for (const n of nodes) byId.set(n.id, { ...n });
  for (const n of nodes) for (const child of n.children ?? []) byId.get(child).parent = n.id;
  return samplesFrom(byId, samples.map((id, i) => ({ id, delta: timeDeltas[i] })), startTime);
}

function samplesFrom(nodes, raw, startTime) {
  const name = (n) => (n.callFrame.functionName || '(anonymous)').replace(/::h[0-9a-f]{16}$/, '');
  let t = startTime;
  return raw.map(({ id, delta }, i) => {
    t += delta;
    const stack = [];
    for (let n = nodes.get(id); n; n = nodes.get(n.parent)) stack.push(name(n));
    return { t, ms: (raw[i + 1]?.delta ?? 0) / 1000, stack };
  });
}

/** Self and inclusive ms per function over the samples inside `windows` ([from, to] on the
 *  trace's clock), divided by `per` (e.g. the number of tags): `{ total, self, inclusive }`,
 *  the last two sorted, largest first. */
export function timesIn(samples, windows, per = 1) {
  const self = new Map();
  const inclusive = new Map();
  let total = 0;
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
  for (const s of samples) {
    if (!windows.some(([from, to]) => s.t >= from && s.t < to)) continue;
    const ms = s.ms / per;
    total += ms;
    add(self, s.stack[0], ms);
    for (const f of new Set(s.stack)) add(inclusive, f, ms);
  }
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return { total, self: sorted(self), inclusive: sorted(inclusive) };
}

/** Prints the `top` functions by self time, then Glossa's own by inclusive time. */
export function printTimes({ total, self, inclusive }, top = 30) {
  console.log(`sampled ${total.toFixed(2)} ms`);
  for (const [f, ms] of self.slice(0, top)) console.log(ms.toFixed(3).padStart(8), f.slice(0, 160));
  console.log("Glossa's functions, with what they call:");
  for (const [f, ms] of inclusive.filter(([f]) => /^glossa/.test(f)).slice(0, top)) console.log(ms.toFixed(3).padStart(8), f.slice(0, 160));
}
