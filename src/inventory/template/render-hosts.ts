/**
 * What a command that connects sees of each selected host: its connection variables
 * (ansible_*, sysfleet_*) with templates rendered, then checked against the inventory-vars
 * schema as literal values are when read. A host whose variables cannot be rendered keeps
 * them as written and carries the reason (variable, file:line:col): it is reported unreachable
 * and the other hosts are worked on. Pure given `env`.
 */
import { bundledSchema } from '../../parse/files.js';
import { schemaIssues } from '../../parse/schema-check.js';
import type { Inventory, InventoryHost } from '../types.js';
import { isTemplated } from './parse.js';
import { connectionVarNames, describeProblem, HostVarResolver } from './resolve.js';

export interface RenderedHost {
  /** Rendered; with a problem, the host without its templated variables. */
  host: InventoryHost;
  /** Why this host's connection variables cannot be used. */
  problem?: string;
}

export function renderHosts(
  inv: Inventory,
  hosts: readonly InventoryHost[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): RenderedHost[] {
  // Templates can come from any source (a script's JSON too), so look at the hosts themselves.
  if (!hosts.some((h) => connectionVarNames(h.vars).some((n) => isTemplated(h.vars[n]))))
    return hosts.map((host) => ({ host }));
  const resolver = new HostVarResolver(inv, env);
  const schema = bundledSchema('inventory-vars.schema.json');
  return hosts.map((h) => {
    const names = connectionVarNames(h.vars);
    const { vars, problems } = resolver.resolve(h, names);
    if (problems.length > 0)
      return {
        host: withoutTemplates(h),
        problem: `cannot resolve ${problems.map(describeProblem).join('; ')}`,
      };
    // src/connection trims what it reads; so does the check of the rendered text.
    for (const n of names) if (typeof vars[n] === 'string') vars[n] = (vars[n] as string).trim();
    const rendered = Object.fromEntries(
      names.filter((n) => vars[n] !== h.vars[n]).map((n) => [n, vars[n]]),
    );
    const issues = Object.keys(rendered).length ? schemaIssues(rendered, schema) : [];
    if (issues.length > 0) {
      const why = issues.map((i) => {
        const raw = h.vars[i.path[0] ?? ''];
        const at = typeof raw === 'string' ? inv.templateAt?.get(raw) : undefined;
        const where = at ? ` (from ${at.file}:${at.line}:${at.col})` : '';
        return `rendered ${i.message}${where}`;
      });
      return { host: withoutTemplates(h), problem: why.join('; ') };
    }
    return { host: { ...h, vars } };
  });
}

function withoutTemplates(h: InventoryHost): InventoryHost {
  return {
    ...h,
    vars: Object.fromEntries(Object.entries(h.vars).filter(([, v]) => !isTemplated(v))),
  };
}
