/**
 * Cut a fleet (hosts in inventory order) into one shard's slice, keeping each host's position in
 * the whole fleet, so that `report merge` can put the shards back in the order one unsharded run
 * reports them.
 */
import { shardOf } from './hrw.js';
import type { ShardSpec } from './spec.js';

export interface ShardSlice<T> {
  hosts: T[];
  /** positions[i]: the index of hosts[i] in the whole fleet. */
  positions: number[];
}

export function selectShard<T extends { name: string }>(
  fleet: readonly T[],
  spec: ShardSpec,
): ShardSlice<T> {
  const hosts: T[] = [];
  const positions: number[] = [];
  fleet.forEach((h, i) => {
    if (shardOf(h.name, spec.count) === spec.index) {
      hosts.push(h);
      positions.push(i);
    }
  });
  return { hosts, positions };
}
