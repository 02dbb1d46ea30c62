/**
 * A bounded worker pool over hosts (p-limit), with cancellation: once `signal` aborts, hosts not
 * yet started are reported as skipped while hosts in flight run to their end. A run never leaves
 * a host half-started, and never starts one after Ctrl-C.
 */
import pLimit from 'p-limit';

export type PoolResult<R> = { started: true; value: R } | { started: false };

export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
  opts: { signal?: AbortSignal; shouldStart?: () => boolean } = {},
): Promise<PoolResult<R>[]> {
  const limit = pLimit(Math.max(1, Math.floor(concurrency)));
  return Promise.all(
    items.map((item, index) =>
      limit(async (): Promise<PoolResult<R>> => {
        if (opts.signal?.aborted) return { started: false };
        if (opts.shouldStart && !opts.shouldStart()) return { started: false };
        return { started: true, value: await work(item, index) };
      }),
    ),
  );
}
