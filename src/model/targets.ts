/**
 * The targets one host gets: the playbook's `targets`, then each override whose host pattern
 * selects the host, in order (a later override wins per key).
 */
import type { ModelError } from './errors.js';
import { HostPatternError, selectHosts } from './host-pattern.js';
import type { Inventory, InventoryHost, Playbook, SysctlKey, Target } from './types.js';

function selects(inv: Inventory, pattern: string, host: string): boolean {
  try {
    return selectHosts(inv, pattern).some((h) => h.name === host);
  } catch (e) {
    // A pattern naming a group this inventory lacks selects nothing here; checkOverrides reports it.
    if (e instanceof HostPatternError) return false;
    throw e;
  }
}

export function targetsForHost(
  pb: Playbook,
  host: InventoryHost,
  inv: Inventory,
): Record<SysctlKey, Target> {
  const out: Record<SysctlKey, Target> = { ...pb.targets };
  for (const o of pb.overrides) if (selects(inv, o.hosts, host.name)) Object.assign(out, o.targets);
  return out;
}

/** Overrides whose host pattern matches nothing in `inv` (a typo, or the wrong inventory). */
export function checkOverrides(pb: Playbook, inv: Inventory): ModelError[] {
  const out: ModelError[] = [];
  pb.overrides.forEach((o, i) => {
    try {
      selectHosts(inv, o.hosts);
    } catch (e) {
      if (!(e instanceof HostPatternError)) throw e;
      out.push({
        file: pb.source,
        line: 0,
        col: 0,
        message: `overrides[${i}].hosts: ${e.message}`,
      });
    }
  });
  return out;
}
