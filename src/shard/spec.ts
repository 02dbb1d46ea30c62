/**
 * `--shard K/N` and `--shard auto`: which slice of the fleet this process works on. K is 0-based
 * (0..N-1), like the JOB_COMPLETION_INDEX Kubernetes gives each pod of an Indexed Job; the
 * count comes from SYSFLEET_SHARDS, which the manifests set to the Job's `completions`
 * (Kubernetes does not pass the completion count to a pod). Pure: the environment is an argument.
 */

export interface ShardSpec {
  /** 0-based shard number. */
  index: number;
  /** Number of shards the fleet is cut into. */
  count: number;
}

export const SHARD_INDEX_ENV = 'JOB_COMPLETION_INDEX';
export const SHARD_COUNT_ENV = 'SYSFLEET_SHARDS';
/** Generous, and keeps HRW's O(count) per host cheap. */
export const MAX_SHARDS = 4096;

export class ShardSpecError extends Error {}

function wholeNumber(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim()))
    throw new ShardSpecError(`${what}: expected a whole number, got "${text}"`);
  return Number(text.trim());
}

function checked(index: number, count: number, from: string): ShardSpec {
  if (count < 1 || count > MAX_SHARDS)
    throw new ShardSpecError(`${from}: the shard count must be 1..${MAX_SHARDS}, got ${count}`);
  if (index >= count)
    throw new ShardSpecError(
      `${from}: shard ${index} does not exist in ${count} shard(s) (shards are numbered 0..${count - 1})`,
    );
  return { index, count };
}

/** Parse `K/N` or `auto` (reads JOB_COMPLETION_INDEX and SYSFLEET_SHARDS from `env`). */
export function parseShardSpec(text: string, env: Record<string, string | undefined>): ShardSpec {
  if (text === 'auto') {
    const index = env[SHARD_INDEX_ENV];
    const count = env[SHARD_COUNT_ENV];
    if (index === undefined || index === '')
      throw new ShardSpecError(
        `--shard auto: ${SHARD_INDEX_ENV} is not set (Kubernetes sets it in the pods of an Indexed Job: completionMode: Indexed)`,
      );
    if (count === undefined || count === '')
      throw new ShardSpecError(
        `--shard auto: ${SHARD_COUNT_ENV} is not set (set it in the pod template to the Job's number of shards)`,
      );
    return checked(
      wholeNumber(index, SHARD_INDEX_ENV),
      wholeNumber(count, SHARD_COUNT_ENV),
      '--shard auto',
    );
  }
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m)
    throw new ShardSpecError(
      `--shard: expected K/N (e.g. 0/3, K from 0 to N-1) or auto, got "${text}"`,
    );
  return checked(Number(m[1]), Number(m[2]), `--shard ${text}`);
}

export function formatShard(s: ShardSpec): string {
  return `${s.index}/${s.count}`;
}
