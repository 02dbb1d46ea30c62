/**
 * The JSON `ansible-inventory --list` prints and inventory scripts print for `--list`:
 * `{"_meta": {"hostvars": {...}}, "<group>": {"hosts": [...], "vars": {...}, "children": [...]}}`
 * (a group may also be a bare list of hosts). Without `_meta`, the caller asks the script for
 * each host's vars with `--host H` (see load-inventory.ts).
 */
import type { ModelError } from '../parse/errors.js';
import { hostNameProblem } from './host-range.js';
import {
  addChild,
  addGroup,
  addHost,
  InventoryStructureError,
  setGroupVars,
  setHostVars,
  type InventoryData,
} from './inventory-data.js';

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when a parsed JSON document looks like `--list` output rather than a YAML-style inventory. */
export function isListFormat(doc: unknown): boolean {
  if (!isMapping(doc)) return false;
  if ('_meta' in doc) return true;
  return Object.values(doc).some(
    (g) =>
      Array.isArray(g) ||
      (isMapping(g) && (Array.isArray(g['hosts']) || Array.isArray(g['children']))),
  );
}

export interface ListParse {
  errors: ModelError[];
  /** True when `_meta.hostvars` was present (no per-host `--host` calls needed). */
  hasMeta: boolean;
  /** Hosts this source listed (for `--host H` calls when there is no `_meta`). */
  hosts: string[];
}

/** Adds `--list` JSON to `data`. `file` names the source in error messages. */
export function parseListInventory(doc: unknown, file: string, data: InventoryData): ListParse {
  const errors: ModelError[] = [];
  const err = (message: string, hint?: string): void => {
    errors.push({ file, line: 0, col: 0, message, ...(hint ? { hint } : {}) });
  };
  if (!isMapping(doc)) {
    err(
      'inventory JSON must be an object of groups',
      'expected the output of `ansible-inventory --list`',
    );
    return { errors, hasMeta: false, hosts: [] };
  }
  const meta = doc['_meta'];
  const hostvars = isMapping(meta) && isMapping(meta['hostvars']) ? meta['hostvars'] : undefined;
  const strings = (v: unknown, what: string): string[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      err(`${what} must be a list of names`);
      return [];
    }
    const bad = (v as string[]).map(hostNameProblem).find((p) => p !== undefined);
    if (bad) {
      err(`${what}: ${bad}`);
      return [];
    }
    return v as string[];
  };
  const children: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const [group, body] of Object.entries(doc)) {
    if (group === '_meta') continue;
    addGroup(data, group);
    if (Array.isArray(body)) {
      for (const h of strings(body, `group "${group}"`)) {
        addHost(data, h, group);
        seen.add(h);
      }
      continue;
    }
    if (!isMapping(body)) {
      err(`group "${group}" must be an object with hosts/vars/children or a list of hosts`);
      continue;
    }
    for (const k of Object.keys(body)) {
      if (!['hosts', 'vars', 'children'].includes(k))
        err(`unknown key "${k}" in group "${group}"`, 'expected hosts, vars or children');
    }
    for (const h of strings(body['hosts'], `"${group}".hosts`)) {
      addHost(data, h, group);
      seen.add(h);
    }
    if (body['vars'] !== undefined) {
      if (isMapping(body['vars'])) {
        try {
          setGroupVars(data, group, body['vars']);
        } catch (e) {
          if (e instanceof InventoryStructureError) err(`group "${group}": ${e.message}`);
          else throw e;
        }
      } else err(`"${group}".vars must be an object`);
    }
    for (const c of strings(body['children'], `"${group}".children`)) children.push([group, c]);
  }
  for (const [parent, child] of children) {
    try {
      addChild(data, parent, child);
    } catch (e) {
      if (e instanceof InventoryStructureError) err(e.message);
      else throw e;
    }
  }
  if (hostvars) {
    for (const [h, vars] of Object.entries(hostvars)) {
      if (!isMapping(vars)) {
        err(`_meta.hostvars."${h}" must be an object`);
        continue;
      }
      // As Ansible's script plugin: hostvars of hosts no group lists are ignored.
      if (seen.has(h)) setHostVars(data, h, vars);
    }
  }
  return { errors, hasMeta: hostvars !== undefined, hosts: [...seen] };
}
