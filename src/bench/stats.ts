/**
 * Summary statistics over repeated runs (pure): median with min–max, and the ratio of two
 * medians. The bench reports medians because the machine is shared and a single run is noise.
 */

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(values: readonly number[]): Summary | undefined {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return undefined;
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[n - 1]!, n };
}

/** `median (min–max)`, or the median alone for one sample; values divided by `scale`. */
export function formatSummary(s: Summary | undefined, digits: number, scale = 1): string {
  if (!s) return '—';
  const f = (v: number): string => (v / scale).toFixed(digits);
  return s.n === 1 ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/** numerator / denominator of the medians; undefined when either side is missing or zero. */
export function ratio(num: Summary | undefined, den: Summary | undefined): number | undefined {
  if (!num || !den || den.median === 0) return undefined;
  return num.median / den.median;
}

/**
 * Slope of a least-squares line through (x, y) points: used for "control RSS per host", so the
 * fixed cost of starting Node drops out.
 */
export function slope(points: readonly { x: number; y: number }[]): number | undefined {
  if (points.length < 2) return undefined;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? undefined : num / den;
}
