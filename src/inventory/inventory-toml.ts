/**
 * TOML inventories, as ansible's `toml` inventory plugin (2.14) reads them: each top-level table
 * is a group with optional `vars` (a table), `children` (a list of group names) and `hosts` (a
 * table of host pattern → vars table; ranges and `:port` as elsewhere). Where Ansible only warns
 * (an unknown key, a group that is not a table) this is an error: those typos drop hosts.
 * smol-toml gives syntax errors their line and column; semantic errors point at the line that
 * names the key. Pure.
 */
import { parse, TomlError } from 'smol-toml';
import type { ModelError } from '../parse/errors.js';
import { bundledSchema } from '../parse/files.js';
import { schemaIssues } from '../parse/schema-check.js';
import { didYouMean } from '../parse/suggest.js';
import { hostsOf } from './host-range.js';
import {
  addChild,
  addGroup,
  addHost,
  InventoryStructureError,
  noteTemplates,
  setGroupVars,
  setHostVars,
  type InventoryData,
} from './inventory-data.js';
import { skipTemplated } from './vars-schema.js';

const GROUP_KEYS = ['hosts', 'vars', 'children'];

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * A TOML date/time as Python's isoformat() writes it (what Ansible prints in --list):
 * `+00:00` for Z, no fraction when it is zero, else six digits. smol-toml keeps milliseconds,
 * so microseconds beyond them are lost.
 */
export function pythonIsoDate(d: Date): string {
  return d
    .toISOString()
    .replace(/\.(\d+)/, (_, f: string) => (/^0+$/.test(f) ? '' : `.${f.padEnd(6, '0')}`))
    .replace(/Z$/, '+00:00');
}

/** TOML dates become their text, as Ansible prints them in --list. */
function plain(v: unknown): unknown {
  if (v instanceof Date) return pythonIsoDate(v);
  if (Array.isArray(v)) return v.map(plain);
  if (isTable(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      Object.defineProperty(out, k, {
        value: plain(x),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return v;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The line naming `key` (bare, quoted, or as a dotted/bracketed table part), 1-based: the
 * first at or after the table header of `group` when given, else the first in the file.
 */
function lineOf(
  lines: readonly string[],
  key: string,
  group?: string,
): { line: number; col: number } {
  const re = new RegExp(`(^|[\\s.\\[{,])(${esc(key)}|"${esc(key)}"|'${esc(key)}')\\s*[=.\\]]`);
  const header = group
    ? lines.findIndex((l) => new RegExp(`^\\s*\\[\\s*("?)${esc(group)}\\1\\s*[.\\]]`).test(l))
    : -1;
  for (let i = Math.max(header, 0); i < lines.length; i++) {
    const m = re.exec(lines[i]!);
    if (m) return { line: i + 1, col: m.index + m[1]!.length + 1 };
  }
  return header > 0 ? lineOf(lines, key) : { line: 1, col: 1 };
}

/** Adds the TOML inventory in `text` to `data`; returns every error found (empty = ok). */
export function parseTomlInventory(text: string, file: string, data: InventoryData): ModelError[] {
  const errors: ModelError[] = [];
  let root: unknown;
  try {
    root = plain(parse(text));
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      return [{ file, line: e.line, col: e.column, message: `TOML syntax: ${first}` }];
    }
    throw e;
  }
  const lines = text.split(/\r?\n/);
  let current: string | undefined;
  const at = (key: string, message: string, hint?: string): void => {
    errors.push({ file, ...lineOf(lines, key, current), message, ...(hint ? { hint } : {}) });
  };
  if (!isTable(root) || Object.keys(root).length === 0) {
    errors.push({ file, line: 1, col: 1, message: 'empty TOML inventory' });
    return errors;
  }
  if ('plugin' in root) {
    at('plugin', 'this is an inventory plugin configuration, not a TOML inventory');
    return errors;
  }
  const schema = bundledSchema('inventory-vars.schema.json');
  const checkVars = (vars: Record<string, unknown>): boolean => {
    const issues = schemaIssues(vars, schema, skipTemplated(vars));
    for (const i of issues) at(i.path[0] ?? '', i.message, i.hint);
    noteTemplates(data, vars, (p) => ({ file, ...lineOf(lines, p[0] ?? '', current) }));
    return issues.length === 0;
  };
  const structural = (key: string, f: () => void): void => {
    try {
      f();
    } catch (e) {
      if (e instanceof InventoryStructureError) at(key, e.message);
      else throw e;
    }
  };

  for (const [group, body] of Object.entries(root)) {
    current = group;
    if (!isTable(body)) {
      at(group, `group "${group}" must be a table with hosts, vars or children`);
      continue;
    }
    addGroup(data, group);
    for (const [key, value] of Object.entries(body)) {
      if (key === 'vars') {
        if (!isTable(value)) at(key, `"vars" of group "${group}" must be a table`);
        else if (checkVars(value)) structural(key, () => setGroupVars(data, group, value));
      } else if (key === 'children') {
        if (!Array.isArray(value) || !value.every((c) => typeof c === 'string')) {
          at(key, `"children" of group "${group}" must be a list of group names`);
          continue;
        }
        for (const child of value) {
          addGroup(data, child);
          structural(child, () => addChild(data, group, child));
        }
      } else if (key === 'hosts') {
        if (!isTable(value)) {
          at(
            key,
            `"hosts" of group "${group}" must be a table`,
            'write `[GROUP.hosts]` then `host = {}`',
          );
          continue;
        }
        for (const [pattern, hostVars] of Object.entries(value)) addHosts(pattern, hostVars, group);
      } else
        at(
          key,
          `unknown key "${key}" in group "${group}"`,
          didYouMean(key, GROUP_KEYS) ?? 'expected hosts, vars or children',
        );
    }
  }

  function addHosts(pattern: string, hostVars: unknown, group: string): void {
    const found = hostsOf(pattern);
    if ('error' in found) return at(pattern, found.error);
    const { names, port } = found;
    if (!isTable(hostVars))
      return at(
        pattern,
        `variables of host "${pattern}" must be a table`,
        'write `host = {}` for none',
      );
    if (!checkVars(hostVars)) return;
    for (const n of names) {
      addHost(data, n, group, port);
      setHostVars(data, n, hostVars);
    }
  }
  return errors;
}
