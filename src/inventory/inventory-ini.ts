/**
 * Ansible INI inventories, parsed as ansible's `ini` inventory plugin (2.14) parses them:
 * `[group]`, `[group:vars]`, `[group:children]`, hosts before any section are ungrouped, host
 * lines split like shlex with `key=value` vars literal-evaluated (`ansible_port=22` is a number,
 * `x=True` a boolean, `x=yes` a string), `[group:vars]` lines `key = value` also
 * literal-evaluated (Ansible's docs say "strings", its code evaluates), host ranges and
 * `host:port`. A child group or vars section naming a group never declared is an error.
 */
import type { ModelError } from '../parse/errors.js';
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
import { bundledSchema } from '../parse/files.js';
import { pyLiteral } from './py-literal.js';
import { schemaIssues } from '../parse/schema-check.js';
import { shlexSplit, ShlexError } from '../parse/shlex.js';
import { skipTemplated } from './vars-schema.js';

const SECTION_RE = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME_RE = /^[^:\]\s[]+$/;

interface Pending {
  line: number;
  state: 'children' | 'vars';
  /** For children: the parents waiting for this group. */
  parents: string[];
}

/** Adds the INI inventory in `text` to `data`; returns every error found (empty = ok). */
export function parseIniInventory(text: string, file: string, data: InventoryData): ModelError[] {
  const errors: ModelError[] = [];
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' = 'hosts';
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    const col = raw.length - raw.trimStart().length + 1;
    const err = (message: string, hint?: string): void => {
      errors.push({ file, line: lineNo, col, message, ...(hint ? { hint } : {}) });
    };
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    const sec = SECTION_RE.exec(line);
    if (sec) {
      group = sec[1]!;
      const kind = sec[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        err(`section [${group}:${kind}] has unknown type "${kind}"`, 'expected :vars or :children');
        state = 'hosts';
        group = '\0invalid';
        return;
      }
      state = kind;
      if (!data.groups.has(group) && state === 'vars' && !pending.has(group)) {
        pending.set(group, { line: lineNo, state: 'vars', parents: [] });
      }
      addGroup(data, group);
      const p = pending.get(group);
      if (p && state !== 'vars') {
        pending.delete(group);
        for (const parent of p.parents) {
          try {
            addChild(data, parent, group);
          } catch (e) {
            if (e instanceof InventoryStructureError) err(e.message);
            else throw e;
          }
        }
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      err(
        `invalid section "${line}"`,
        'a section is [group], [group:vars] or [group:children], without spaces',
      );
      return;
    }
    if (group === '\0invalid') return;
    if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq === -1) {
        err(`expected "key=value" in [${group}:vars], got "${line}"`);
        return;
      }
      const k = line.slice(0, eq).trim();
      const v = line.slice(eq + 1).trim();
      const vars = { [k]: pyLiteral(v) };
      const issues = schemaIssues(
        vars,
        bundledSchema('inventory-vars.schema.json'),
        skipTemplated(vars),
      );
      for (const i of issues) err(i.message, i.hint);
      if (issues.length > 0) return;
      noteTemplates(data, vars, () => ({ file, line: lineNo, col: raw.indexOf(v) + 1 }));
      try {
        setGroupVars(data, group, vars);
      } catch (e) {
        if (e instanceof InventoryStructureError) err(e.message);
        else throw e;
      }
      return;
    }
    if (state === 'children') {
      const child = line.split(/\s+/)[0]!.replace(/#.*$/, '');
      if (!GROUP_NAME_RE.test(child)) {
        err(`invalid group name "${child}" in [${group}:children]`);
        return;
      }
      if (!data.groups.has(child)) {
        const p = pending.get(child) ?? { line: lineNo, state: 'children', parents: [] };
        p.parents.push(group);
        pending.set(child, p);
        return;
      }
      try {
        addChild(data, group, child);
      } catch (e) {
        if (e instanceof InventoryStructureError) err(e.message);
        else throw e;
      }
      return;
    }
    // hosts
    let tokens: string[];
    try {
      tokens = shlexSplit(line);
    } catch (e) {
      if (e instanceof ShlexError) {
        err(`cannot parse host line: ${e.message}`);
        return;
      }
      throw e;
    }
    if (tokens.length === 0) return;
    const found = hostsOf(tokens[0]!);
    if ('error' in found) {
      err(found.error);
      return;
    }
    const { names, port } = found;
    const vars: Record<string, unknown> = {};
    for (const t of tokens.slice(1)) {
      const eq = t.indexOf('=');
      if (eq <= 0) {
        err(`expected key=value host variable, got "${t}"`);
        return;
      }
      Object.defineProperty(vars, t.slice(0, eq), {
        value: pyLiteral(t.slice(eq + 1)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    const issues = schemaIssues(
      vars,
      bundledSchema('inventory-vars.schema.json'),
      skipTemplated(vars),
    );
    noteTemplates(data, vars, (path) => {
      const at = raw.indexOf(`${path[0] ?? ''}=`);
      return { file, line: lineNo, col: at >= 0 ? at + 1 : col };
    });
    for (const i of issues) {
      const at = raw.indexOf(`${i.path[0] ?? ''}=`);
      errors.push({
        file,
        line: lineNo,
        col: at >= 0 ? at + 1 : col,
        message: i.message,
        ...(i.hint ? { hint: i.hint } : {}),
      });
    }
    if (issues.length > 0) return;
    for (const n of names) {
      addHost(data, n, group, port);
      setHostVars(data, n, vars);
    }
  });
  for (const [name, p] of pending) {
    if (p.state === 'children') {
      for (const parent of p.parents) {
        errors.push({
          file,
          line: p.line,
          col: 1,
          message: `section [${parent}:children] includes undefined group "${name}"`,
          hint: `declare it with [${name}] or [${name}:children]`,
        });
      }
    } else {
      errors.push({
        file,
        line: p.line,
        col: 1,
        message: `section [${name}:vars] is for a group that is never declared`,
        hint: `declare it with [${name}] or list it under a [...:children] section`,
      });
    }
  }
  return errors;
}
