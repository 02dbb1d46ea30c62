/**
 * Resolves a host's templated inventory variables as Ansible does when it connects: each
 * `{{ }}` is rendered with the host's own vars, the magic vars (inventory_hostname,
 * inventory_hostname_short, group_names, groups, hostvars) and `lookup('env', ...)`, resolving
 * referenced templates in turn (a loop is an error). Pure given the environment.
 */
import type { Inventory, InventoryHost, VarOrigin } from '../types.js';
import { LazyMap, renderTemplate, UNDEFINED, type Scope } from './evaluate.js';
import { isTemplated, TemplateError } from './parse.js';

/** A variable of one host that could not be resolved, and why. */
export interface TemplateProblem {
  host: string;
  variable: string;
  message: string;
  /** Where the template text was written, when the loader recorded it. */
  origin?: VarOrigin;
}

const MAX_DEPTH = 20;

/** One human line: `host web1: ansible_host (group_vars/all.yml:3:15): "domain" is undefined`. */
export function describeProblem(p: TemplateProblem): string {
  const at = p.origin ? ` (${p.origin.file}:${p.origin.line}:${p.origin.col})` : '';
  return `variable ${p.variable}${at}: ${p.message}`;
}

export class HostVarResolver {
  private readonly byName: Map<string, InventoryHost>;
  private readonly cache = new Map<string, Map<string, unknown>>();
  private readonly active = new Set<string>();
  private readonly groupsMap: Record<string, string[]>;

  constructor(
    private readonly inv: Inventory,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {
    this.byName = new Map(inv.hosts.map((h) => [h.name, h]));
    this.groupsMap = {};
    for (const g of Object.keys(inv.groups)) this.groupsMap[g] = this.members(g);
  }

  private members(group: string): string[] {
    return this.inv.hosts.filter((h) => h.groups.includes(group)).map((h) => h.name);
  }

  /** The value of `name` for `host`, fully rendered; UNDEFINED when it has no such variable. */
  value(host: string, name: string, depth = 0): unknown {
    const h = this.byName.get(host);
    if (!h) return UNDEFINED;
    const magic = this.magic(h, name);
    if (magic !== UNDEFINED) return magic;
    if (!Object.prototype.hasOwnProperty.call(h.vars, name)) return UNDEFINED;
    const raw = h.vars[name];
    if (!containsTemplate(raw)) return raw;
    const cached = this.cache.get(host)?.get(name);
    if (cached !== undefined) return cached;
    const id = `${host}\0${name}`;
    if (this.active.has(id) || depth > MAX_DEPTH)
      throw new TemplateError(`"${name}" refers to itself (a template loop)`);
    this.active.add(id);
    try {
      const out = this.render(h, raw, depth);
      let m = this.cache.get(host);
      if (!m) this.cache.set(host, (m = new Map()));
      m.set(name, out);
      return out;
    } finally {
      this.active.delete(id);
    }
  }

  private render(h: InventoryHost, raw: unknown, depth: number): unknown {
    if (isTemplated(raw)) return renderTemplate(raw, this.scope(h, depth + 1));
    if (Array.isArray(raw)) return raw.map((x) => this.render(h, x, depth));
    if (typeof raw === 'object' && raw !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(raw))
        Object.defineProperty(out, k, {
          value: this.render(h, v, depth),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return out;
    }
    return raw;
  }

  private magic(h: InventoryHost, name: string): unknown {
    switch (name) {
      case 'inventory_hostname':
        return h.name;
      case 'inventory_hostname_short':
        return h.name.split('.')[0];
      case 'group_names':
        return h.groups.filter((g) => g !== 'all' && g !== 'ungrouped').sort();
      case 'groups':
        return this.groupsMap;
      case 'hostvars':
        return new LazyMap((other) =>
          this.byName.has(other)
            ? new LazyMap((k) => this.value(other, k, MAX_DEPTH / 2))
            : UNDEFINED,
        );
      default:
        return UNDEFINED;
    }
  }

  private scope(h: InventoryHost, depth: number): Scope {
    return { get: (n) => this.value(h.name, n, depth), env: this.env };
  }

  /**
   * `host`'s vars with every template in `names` (default: all templated vars) rendered, and a
   * problem for each one that cannot be; the others stay as written.
   */
  resolve(
    host: InventoryHost,
    names?: readonly string[],
  ): { vars: Record<string, unknown>; problems: TemplateProblem[] } {
    const vars: Record<string, unknown> = { ...host.vars };
    const problems: TemplateProblem[] = [];
    for (const name of names ?? Object.keys(host.vars)) {
      const raw = host.vars[name];
      if (!containsTemplate(raw)) continue;
      try {
        vars[name] = this.value(host.name, name);
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        const origin = typeof raw === 'string' ? this.inv.templateAt?.get(raw) : undefined;
        problems.push({
          host: host.name,
          variable: name,
          message: e.message,
          ...(origin ? { origin } : {}),
        });
      }
    }
    return { vars, problems };
  }
}

function containsTemplate(v: unknown, depth = 0): boolean {
  if (isTemplated(v)) return true;
  if (depth > 16 || typeof v !== 'object' || v === null) return false;
  return Object.values(v).some((x) => containsTemplate(x, depth + 1));
}

/** The variables src/connection reads: what sysfleet renders before it reaches a host. */
const CONNECTION_VARS = new Set([
  'ansible_host',
  'ansible_ssh_host',
  'ansible_port',
  'ansible_ssh_port',
  'ansible_user',
  'ansible_ssh_user',
  'ansible_ssh_private_key_file',
  'ansible_private_key_file',
  'ansible_become',
  'ansible_become_user',
  'ansible_become_method',
  'ansible_connection',
  'ansible_ssh_common_args',
  'ansible_ssh_extra_args',
]);

/** Connection-relevant variables of `vars` (others are passed through as written). */
export function connectionVarNames(vars: Record<string, unknown>): string[] {
  return Object.keys(vars).filter((k) => CONNECTION_VARS.has(k) || k.startsWith('sysfleet_'));
}
