/**
 * Ansible YAML inventories, as ansible's `yaml` inventory plugin (2.14) reads them: top-level
 * keys are groups (normally just `all`), each with optional `hosts`, `vars`, `children`, nested
 * to any depth; host keys may be ranges (`web[01:12]`) and carry `:port`. Where Ansible only
 * warns (an unknown key in a group, a list where a mapping belongs) this is an error with a
 * position and a did-you-mean: those are typos that silently drop hosts. Variables are checked
 * against schemas/inventory-vars.schema.json.
 */
import type { ModelError } from '../parse/errors.js';
import { bundledSchema } from '../parse/files.js';
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
import { schemaErrors } from '../parse/schema-check.js';
import { skipTemplated } from './vars-schema.js';
import { didYouMean } from '../parse/suggest.js';
import { nodeAt, posAt, toPlain, type ParsedYaml } from '../parse/yaml-pos.js';
import { isMap, isPair, isScalar } from 'yaml';

const GROUP_KEYS = ['hosts', 'vars', 'children'];

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys of the mapping at `path` that YAML reads as numbers (`123:`, `1.5:`), as text. */
function numericKeys(y: ParsedYaml, path: string[]): Set<string> {
  const node = nodeAt(y.doc, path);
  const out = new Set<string>();
  if (!isMap(node)) return out;
  for (const it of node.items) {
    if (isPair(it) && isScalar(it.key) && typeof it.key.value === 'number')
      out.add(String(it.key.value));
  }
  return out;
}

/** Adds the parsed YAML inventory `y` to `data`; returns every error found. */
export function parseYamlInventory(y: ParsedYaml, data: InventoryData): ModelError[] {
  const errors: ModelError[] = [...y.errors];
  if (errors.length > 0) return errors;
  const plain = toPlain(y);
  if ('error' in plain) return [plain.error];
  const root: unknown = plain.value;
  const at = (path: (string | number)[], message: string, hint?: string, key = false): void => {
    const p = posAt(y, path, key);
    errors.push({ file: y.file, line: p.line, col: p.col, message, ...(hint ? { hint } : {}) });
  };
  if (root === null || root === undefined) {
    at([], 'empty inventory', 'expected a mapping with top-level group names, usually "all:"');
    return errors;
  }
  if (!isMapping(root)) {
    at([], 'an inventory must be a mapping of group names (usually "all:")');
    return errors;
  }
  if ('plugin' in root) {
    at(
      ['plugin'],
      'this is an inventory plugin configuration, not a YAML inventory',
      'sysfleet reads static inventories; run `ansible-inventory --list > inv.json` and use that',
      true,
    );
    return errors;
  }
  const schema = bundledSchema('inventory-vars.schema.json');

  const parseGroup = (name: string, body: unknown, path: string[]): void => {
    addGroup(data, name);
    if (body === null || body === undefined) return;
    if (!isMapping(body)) {
      at(path, `group "${name}" must be a mapping with hosts/vars/children`);
      return;
    }
    for (const [key, value] of Object.entries(body)) {
      if (!GROUP_KEYS.includes(key)) {
        at(
          [...path, key],
          `unknown key "${key}" in group "${name}"`,
          didYouMean(key, GROUP_KEYS) ??
            'expected hosts, vars or children (a child group belongs under children:)',
          true,
        );
        continue;
      }
      if (value === null || value === undefined) continue;
      const v = typeof value === 'string' ? { [value]: null } : value;
      if (!isMapping(v)) {
        at(
          [...path, key],
          `"${key}" of group "${name}" must be a mapping`,
          key === 'hosts'
            ? 'write hosts as keys: `hosts: {web01: {}, web02: {}}` or one per line ending in ":"'
            : undefined,
        );
        continue;
      }
      if (key === 'vars') {
        errors.push(...schemaErrors(y, v, schema, [...path, key], skipTemplated(v)));
        noteTemplates(data, v, (p) => ({ file: y.file, ...posAt(y, [...path, key, ...p]) }));
        try {
          setGroupVars(data, name, v);
        } catch (e) {
          if (e instanceof InventoryStructureError) at([...path, key], e.message);
          else throw e;
        }
      } else if (key === 'children') {
        for (const [child, childBody] of Object.entries(v)) {
          parseGroup(child, childBody, [...path, key, child]);
          try {
            addChild(data, name, child);
          } catch (e) {
            if (e instanceof InventoryStructureError)
              at([...path, key, child], e.message, undefined, true);
            else throw e;
          }
        }
      } else {
        const numeric = numericKeys(y, [...path, key]);
        for (const [pattern, hostVars] of Object.entries(v)) {
          const hpath = [...path, key, pattern];
          if (numeric.has(pattern)) {
            // Ansible's yaml plugin: "Host pattern 123 must be a string."
            at(
              hpath,
              `host pattern ${pattern} must be a string`,
              `enclose integers/floats in quotation marks: "${pattern}":`,
              true,
            );
            continue;
          }
          const found = hostsOf(pattern);
          if ('error' in found) {
            at(hpath, found.error, undefined, true);
            continue;
          }
          const { names, port } = found;
          if (hostVars !== null && hostVars !== undefined && !isMapping(hostVars)) {
            at(
              hpath,
              `variables of host "${pattern}" must be a mapping`,
              'write `host: {var: value}` or leave it empty (`host:`)',
            );
            continue;
          }
          if (hostVars) {
            errors.push(...schemaErrors(y, hostVars, schema, hpath, skipTemplated(hostVars)));
            noteTemplates(data, hostVars, (p) => ({ file: y.file, ...posAt(y, [...hpath, ...p]) }));
          }
          for (const n of names) {
            addHost(data, n, name, port);
            if (hostVars) setHostVars(data, n, hostVars);
          }
        }
      }
    }
  };

  for (const [name, body] of Object.entries(root)) parseGroup(name, body, [name]);
  return errors;
}
