/**
 * The targets one host gets: the playbook's `targets`, then each override whose host pattern
 * selects the host, in order (a later override wins per key).
 */
import type { ModelError } from '../parse/errors.js';
import { HostPatternError, selectHosts } from '../inventory/host-pattern.js';
import type { Inventory, InventoryHost } from '../inventory/types.js';
import type { Playbook, Target } from './types.js';
import type { SysctlKey } from '../sysctl/types.js';

// Pattern results per inventory, so targetsForHost over a whole fleet stays linear. Inventories
// are treated as immutable values once loaded.
const selections = new WeakMap<Inventory, Map<string, Set<string>>>();

function selects(inv: Inventory, pattern: string, host: string): boolean {
  let byPattern = selections.get(inv);
  if (!byPattern) {
    byPattern = new Map();
    selections.set(inv, byPattern);
  }
  let names = byPattern.get(pattern);
  if (!names) {
    try {
      names = new Set(selectHosts(inv, pattern).map((h) => h.name));
    } catch (e) {
      // A pattern naming a group this inventory lacks selects nothing here; checkOverrides reports it.
      if (!(e instanceof HostPatternError)) throw e;
      names = new Set();
    }
    byPattern.set(pattern, names);
  }
  return names.has(host);
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
