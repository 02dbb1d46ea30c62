/**
 * Rollout shape, pure: split hosts into waves (canary, then batches) and decide when a failure
 * threshold trips. `--batch 25%` and `--max-fail 10%` are fractions of the whole run's hosts.
 */

/** A count given as hosts (`5`) or as a share of the run's hosts (`25%`). */
export type CountSpec = { hosts: number } | { percent: number };

export function parseCountSpec(text: string, flag: string): CountSpec {
  const m = /^(\d+)(%?)$/.exec(text.trim());
  if (!m)
    throw new Error(`${flag}: expected a number of hosts (5) or a percentage (25%), got "${text}"`);
  const n = Number(m[1]);
  if (m[2] === '%') {
    if (n <= 0 || n > 100)
      throw new Error(`${flag}: a percentage must be within 1%..100%, got ${text}`);
    return { percent: n };
  }
  return { hosts: n };
}

/** Resolve a spec against the run size; percentages round up so `25%` of 6 hosts is 2, never 0. */
export function resolveCount(spec: CountSpec, total: number): number {
  if ('hosts' in spec) return spec.hosts;
  return Math.ceil((spec.percent / 100) * total);
}

export interface WaveOptions {
  /** Hosts in the first wave alone (0 = no canary). */
  canary: number;
  /** Hosts per wave after the canary; undefined = all remaining hosts in one wave. */
  batch?: CountSpec;
}

export function computeWaves<T>(hosts: readonly T[], opts: WaveOptions): T[][] {
  const waves: T[][] = [];
  let rest = hosts.slice();
  if (opts.canary > 0 && rest.length > 0) {
    waves.push(rest.slice(0, opts.canary));
    rest = rest.slice(opts.canary);
  }
  const size = opts.batch ? Math.max(1, resolveCount(opts.batch, hosts.length)) : rest.length;
  for (let i = 0; i < rest.length; i += size) waves.push(rest.slice(i, i + size));
  return waves;
}

/**
 * The run stops starting hosts once failures exceed the threshold (`--max-fail 1` tolerates one
 * failure and stops at the second; `--max-fail 0` stops at the first).
 */
export function maxFailTripped(
  failed: number,
  total: number,
  maxFail: CountSpec | undefined,
): boolean {
  if (!maxFail) return false;
  return failed > resolveCount(maxFail, total);
}
