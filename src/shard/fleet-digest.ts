/**
 * Fingerprints that tell whether shard reports belong together: the whole fleet a shard was cut
 * from (every selected host with its address, in order) and the playbook's bytes. Two shards
 * whose inventories, --limit or playbooks differ get different digests.
 */
import { createHash } from 'node:crypto';

export interface FleetMember {
  name: string;
  address: string;
  port: number;
}

export function fleetDigest(fleet: readonly FleetMember[]): string {
  const h = createHash('sha256');
  for (const m of fleet) h.update(`${m.name}\t${m.address}\t${m.port}\n`);
  return `sha256:${h.digest('hex')}`;
}

export function contentDigest(bytes: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
