// The summary every benchmark prints of its repeated timings.

/** Median and p95 (nearest rank; one decimal) and how many values there were. */
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (x) => Math.round(x * 10) / 10;
  return { median: round(at(0.5)), p95: round(at(0.95)), n: sorted.length };
}
