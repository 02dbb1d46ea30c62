/**
 * Rendezvous (highest random weight) hashing of host names onto N shards: a host goes to the
 * shard whose score for it is highest. The score depends on the host name and the shard number
 * only, so a host's shard never depends on the other hosts: adding or removing a host moves only
 * that host, and going from N to N+1 shards moves only hosts that land on the new shard.
 *
 * The hash is part of the contract (shards of one run must agree, across versions too): 32-bit
 * FNV-1a over the name's UTF-16 code units, then per shard murmur3's fmix32 of the name hash
 * mixed with the shard's constant; ties go to the lower shard. Changing it reshuffles fleets.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const GOLDEN = 0x9e3779b9;

export function fnv1a32(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finalizer: a bijection that spreads every input bit over the output. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The weight of shard `k` for a host whose name hashes to `nameHash`. */
export function score(nameHash: number, k: number): number {
  return fmix32(nameHash ^ fmix32(Math.imul(k + 1, GOLDEN)));
}

/** The shard (0..count-1) a host name belongs to. O(count). */
export function shardOf(name: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`shard count ${count}`);
  const h = fnv1a32(name);
  let best = 0;
  let bestScore = -1;
  for (let k = 0; k < count; k++) {
    const s = score(h, k);
    if (s > bestScore) {
      best = k;
      bestScore = s;
    }
  }
  return best;
}
