// Chromium trace events, as bench/trace.mjs and bench/open-trace.mjs read them.

/** The complete ('X') events among `events` that no earlier one of them encloses, in time
 *  order: summing their durations counts nested work once. */
export function outermost(events) {
  const out = [];
  let until = 0;
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    if (e.ts < until) continue;
    out.push(e);
    until = e.ts + (e.dur ?? 0);
  }
  return out;
}
