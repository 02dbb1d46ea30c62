/**
 * The inventory in the shapes `ansible-inventory` (2.14) prints, so sysfleet's view can be
 * diffed against Ansible's: `--list` JSON and the `--graph` tree. Rules copied from Ansible:
 * `all` lists only children (groups with no other parent, `ungrouped` first); a group with
 * neither hosts nor children gets no entry of its own; hosts with no variables are left out of
 * `_meta.hostvars`; keys are sorted (Ansible dumps with sort_keys).
 */
import type { Inventory } from './types.js';

export interface AnsibleListJson {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
  [group: string]:
    | { hosts?: string[]; children?: string[] }
    | { hostvars: Record<string, Record<string, unknown>> };
}

function sortedObject<T>(entries: Array<[string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    Object.defineProperty(out, k, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** What `ansible-inventory --list` prints (optionally restricted to `only` hosts, for --limit). */
export function toAnsibleList(inv: Inventory, only?: ReadonlySet<string>): AnsibleListJson {
  const keep = (h: string): boolean => !only || only.has(h);
  const entries: Array<[string, { hosts?: string[]; children?: string[] }]> = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const g = inv.groups[name];
    if (!g) return;
    const body: { hosts?: string[]; children?: string[] } = {};
    const hosts = g.hosts.filter(keep);
    // Key order as Ansible's sort_keys prints it: children, then hosts.
    if (g.children.length > 0) body.children = [...g.children];
    if (name !== 'all' && hosts.length > 0) body.hosts = hosts;
    if (body.hosts || body.children) entries.push([name, body]);
    for (const c of g.children) visit(c);
  };
  visit('all');
  const hostvars = sortedObject(
    inv.hosts
      .filter((h) => keep(h.name) && Object.keys(h.vars).length > 0)
      .map((h): [string, Record<string, unknown>] => [
        h.name,
        sortedObject(Object.entries(h.vars)),
      ]),
  );
  // Ansible dumps with sort_keys: `_meta` sorts among the group names like any key.
  return sortedObject<unknown>([['_meta', { hostvars }], ...entries]) as AnsibleListJson;
}

/** What `ansible-inventory --graph` prints, one line per array item. */
export function toAnsibleGraph(inv: Inventory, root = 'all', only?: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  const name = (s: string, depth: number): string => (depth ? `${'  |'.repeat(depth)}--${s}` : s);
  const walk = (group: string, depth: number, path: Set<string>): void => {
    const g = inv.groups[group];
    if (!g || path.has(group)) return;
    lines.push(name(`@${group}:`, depth));
    const next = new Set(path).add(group);
    for (const c of g.children) walk(c, depth + 1, next);
    if (group !== 'all')
      for (const h of g.hosts) if (!only || only.has(h)) lines.push(name(h, depth + 1));
  };
  walk(root, 0, new Set());
  return lines;
}
