/**
 * The inventory as parsers build it, before variables are merged: Ansible's InventoryData.
 * Parsers of every format (INI, YAML, JSON, ad-hoc lists) add to one `InventoryData` so several
 * sources merge as Ansible merges them; `reconcile` then applies Ansible's rules (groups without
 * parents become children of `all`, hosts in no group join `ungrouped`) and `finalize` turns
 * it into the `Inventory` contract with merged variables. Pure: no I/O.
 */
import { isTemplated } from './template/parse.js';
import type { Inventory, InventoryGroup, InventoryHost, VarOrigin } from './types.js';
import { mergeHostVars, sortGroups, type Vars } from './var-merge.js';

export interface DataGroup {
  name: string;
  hosts: string[];
  /** Same members as `hosts`, for O(1) membership on big fleets. */
  hostSet: Set<string>;
  children: string[];
  parents: string[];
  vars: Vars;
  priority: number;
}

export interface DataHost {
  name: string;
  vars: Vars;
  /** Direct groups, in the order the host joined them. */
  groups: string[];
}

export interface InventoryData {
  groups: Map<string, DataGroup>;
  hosts: Map<string, DataHost>;
  /** First place each templated string was written (see Inventory.templateAt). */
  templateAt: Map<string, VarOrigin>;
}

/** Records where the templated strings in `vars` were written; `posOf` maps a path in `vars`. */
export function noteTemplates(
  data: InventoryData,
  vars: unknown,
  posOf: (path: string[]) => VarOrigin,
  path: string[] = [],
): void {
  if (isTemplated(vars)) {
    if (!data.templateAt.has(vars)) data.templateAt.set(vars, posOf(path));
  } else if (typeof vars === 'object' && vars !== null && path.length < 16) {
    for (const [k, v] of Object.entries(vars)) noteTemplates(data, v, posOf, [...path, k]);
  }
}

/** Raised for structural errors (a group made its own ancestor); parsers attach positions. */
export class InventoryStructureError extends Error {}

export function newInventoryData(): InventoryData {
  const data: InventoryData = { groups: new Map(), hosts: new Map(), templateAt: new Map() };
  addGroup(data, 'all');
  addGroup(data, 'ungrouped');
  addChild(data, 'all', 'ungrouped');
  return data;
}

export function addGroup(data: InventoryData, name: string): DataGroup {
  let g = data.groups.get(name);
  if (!g) {
    g = { name, hosts: [], hostSet: new Set(), children: [], parents: [], vars: {}, priority: 1 };
    data.groups.set(name, g);
  }
  return g;
}

function setVar(vars: Vars, key: string, value: unknown): void {
  // Plain data only: never let a YAML key reach the prototype.
  Object.defineProperty(vars, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Adds a host (and to `group`, when given); a `port` becomes `ansible_port` as in Ansible. */
export function addHost(
  data: InventoryData,
  name: string,
  group?: string,
  port?: number,
): DataHost {
  let h = data.hosts.get(name);
  if (!h) {
    h = { name, vars: {}, groups: [] };
    data.hosts.set(name, h);
  }
  if (group !== undefined) {
    const g = addGroup(data, group);
    if (!g.hostSet.has(name)) {
      g.hostSet.add(name);
      g.hosts.push(name);
    }
    if (!h.groups.includes(group)) h.groups.push(group);
  }
  if (port !== undefined) setVar(h.vars, 'ansible_port', port);
  return h;
}

export function setHostVars(data: InventoryData, host: string, vars: Vars): void {
  const h = addHost(data, host);
  for (const [k, v] of Object.entries(vars)) setVar(h.vars, k, v);
}

/** Group vars; `ansible_group_priority` sets the priority instead, as in Ansible. */
export function setGroupVars(data: InventoryData, group: string, vars: Vars): void {
  const g = addGroup(data, group);
  for (const [k, v] of Object.entries(vars)) {
    if (k === 'ansible_group_priority') {
      const p = Number(v);
      if (!Number.isInteger(p)) {
        throw new InventoryStructureError(
          `ansible_group_priority must be an integer, got ${JSON.stringify(v)}`,
        );
      }
      g.priority = p;
    } else setVar(g.vars, k, v);
  }
}

function isAncestor(data: InventoryData, maybeAncestor: string, of: string): boolean {
  const stack = [of];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const cur = stack.pop()!;
    if (cur === maybeAncestor) return true;
    if (seen.has(cur)) continue;
    seen.add(cur);
    stack.push(...(data.groups.get(cur)?.parents ?? []));
  }
  return false;
}

export function addChild(data: InventoryData, parent: string, child: string): void {
  const p = addGroup(data, parent);
  const c = addGroup(data, child);
  if (p.children.includes(child)) return;
  if (isAncestor(data, child, parent)) {
    throw new InventoryStructureError(
      `adding group "${child}" as child of "${parent}" creates a loop`,
    );
  }
  p.children.push(child);
  c.parents.push(parent);
}

/** Ansible's reconcile_inventory: top-level groups under `all`, lonely hosts in `ungrouped`. */
export function reconcile(data: InventoryData): void {
  for (const g of data.groups.values()) {
    if (g.name !== 'all' && g.parents.length === 0) addChild(data, 'all', g.name);
  }
  const ungrouped = data.groups.get('ungrouped')!;
  const leaving = new Set<string>();
  for (const h of data.hosts.values()) {
    const real = h.groups.filter((g) => g !== 'all' && g !== 'ungrouped');
    if (real.length > 0) {
      if (h.groups.includes('ungrouped')) {
        h.groups = h.groups.filter((g) => g !== 'ungrouped');
        leaving.add(h.name);
      }
    } else if (!h.groups.includes('ungrouped')) {
      addHost(data, h.name, 'ungrouped');
    }
  }
  if (leaving.size > 0) {
    ungrouped.hosts = ungrouped.hosts.filter((n) => !leaving.has(n));
    for (const n of leaving) ungrouped.hostSet.delete(n);
  }
}

/** Longest distance from `all` for every group reachable from it. */
export function groupDepths(data: InventoryData): Map<string, number> {
  const depth = new Map<string, number>([['all', 0]]);
  // Groups form a DAG (addChild refuses loops), so relaxing in BFS order terminates.
  const queue = ['all'];
  let guard = 0;
  while (queue.length > 0 && guard++ < 1_000_000) {
    const name = queue.shift()!;
    const d = depth.get(name)!;
    for (const c of data.groups.get(name)?.children ?? []) {
      if ((depth.get(c) ?? -1) < d + 1) {
        depth.set(c, d + 1);
        queue.push(c);
      }
    }
  }
  return depth;
}

/** Every group a host is in, transitively (direct groups and their ancestors). */
export function hostGroupClosure(data: InventoryData, host: string): string[] {
  const out = new Set<string>();
  const stack = [...(data.hosts.get(host)?.groups ?? [])];
  while (stack.length > 0) {
    const g = stack.pop()!;
    if (out.has(g)) continue;
    out.add(g);
    stack.push(...(data.groups.get(g)?.parents ?? []));
  }
  out.add('all');
  return [...out];
}

/** Variables read from group_vars/ and host_vars/ beside each source, in source order. */
export interface VarFiles {
  groupFiles: Array<Record<string, Vars>>;
  hostFiles: Array<Record<string, Vars>>;
}

/** Reconciled data + var files → the `Inventory` contract (hosts in first-seen order). */
export function finalize(
  data: InventoryData,
  sources: string[],
  files: VarFiles = { groupFiles: [], hostFiles: [] },
): Inventory {
  const depths = groupDepths(data);
  const groups: Record<string, InventoryGroup> = {};
  for (const g of data.groups.values()) {
    const fileVars: Vars = {};
    for (const src of files.groupFiles) Object.assign(fileVars, src[g.name] ?? {});
    groups[g.name] = {
      name: g.name,
      hosts: [...g.hosts],
      children: [...g.children],
      vars: { ...g.vars, ...fileVars },
    };
  }
  const hosts: InventoryHost[] = [];
  for (const h of data.hosts.values()) {
    const closure = hostGroupClosure(data, h.name);
    const layers = closure.map((name) => {
      const g = data.groups.get(name)!;
      return { name, depth: depths.get(name) ?? 1, priority: g.priority, inline: g.vars };
    });
    const vars = mergeHostVars({
      groups: layers,
      groupFiles: files.groupFiles,
      hostInline: h.vars,
      hostFiles: files.hostFiles.map((m) => m[h.name] ?? {}),
    });
    const ordered = [
      'all',
      ...sortGroups(layers.filter((l) => l.name !== 'all')).map((l) => l.name),
    ];
    hosts.push({ name: h.name, groups: ordered, vars });
  }
  return {
    sources,
    hosts,
    groups,
    ...(data.templateAt.size ? { templateAt: data.templateAt } : {}),
  };
}
