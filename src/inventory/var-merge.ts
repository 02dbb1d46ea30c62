/**
 * Ansible's variable precedence for one host, as one pure function (VariableManager.get_vars,
 * inventory part, `hash_behaviour = replace`: later layers replace whole top-level keys):
 *
 *   1. `all` inline vars            2. group_vars/all files (per source, in source order)
 *   3. other groups' inline vars, sorted by (depth, ansible_group_priority, name)
 *   4. group_vars/<group> files, per source, groups in that same order
 *   5. host inline vars             6. host_vars/<host> files (per source)
 *
 * So a group_vars file of a shallow group beats the inline vars of a deeper group, exactly as
 * Ansible does it.
 */

export type Vars = Record<string, unknown>;

export interface GroupLayer {
  name: string;
  /** Distance from `all` (all = 0, its children 1, ...), the longest path as Ansible computes it. */
  depth: number;
  /** ansible_group_priority (default 1). */
  priority: number;
  /** Vars declared in the inventory source itself. */
  inline: Vars;
}

export interface HostVarLayers {
  /** Every group the host belongs to, transitively, including `all`. */
  groups: GroupLayer[];
  /** group_vars files, one map per inventory source (source order): group name → vars. */
  groupFiles: Array<Record<string, Vars>>;
  hostInline: Vars;
  /** host_vars files for this host, one per inventory source (source order). */
  hostFiles: Vars[];
}

/** Ansible's sort_groups: by depth, then priority, then name. */
export function sortGroups<T extends { depth: number; priority: number; name: string }>(
  groups: readonly T[],
): T[] {
  return [...groups].sort(
    (a, b) =>
      a.depth - b.depth ||
      a.priority - b.priority ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

export function mergeHostVars(layers: HostVarLayers): Vars {
  const all = layers.groups.find((g) => g.name === 'all');
  const others = sortGroups(layers.groups.filter((g) => g.name !== 'all'));
  const out: Vars = {};
  const put = (v: Vars | undefined): void => {
    if (!v) return;
    for (const [k, val] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: val,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  };
  put(all?.inline);
  for (const src of layers.groupFiles) put(src['all']);
  for (const g of others) put(g.inline);
  for (const src of layers.groupFiles) for (const g of others) put(src[g.name]);
  put(layers.hostInline);
  for (const f of layers.hostFiles) put(f);
  return out;
}
