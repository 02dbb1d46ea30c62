/**
 * Ansible host patterns (`--limit`), evaluated as Ansible's InventoryManager does:
 * terms separated by `,` (or `:` when there is no comma, brackets respected); plain terms are
 * unions, `&term` intersections and `!term` exclusions, applied in that order whatever their
 * position (only `&`/`!` terms start from `all`). A term is a group or host name, a glob
 * (`web*`, `db-?`), a regex (`~web\d+`), `all` or `*`, optionally with a subscript
 * (`web[0]`, `web[-1]`, `web[1:3]`, `web[2:]`). Unlike Ansible, a term that matches nothing is
 * an error with a did-you-mean, not a warning: a typo in --limit must not silently shrink a
 * rollout. `@file` terms must be expanded first (load-limit.ts).
 */
import { closest } from '../parse/suggest.js';
import type { Inventory, InventoryHost } from './types.js';

export class HostPatternError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(hint ? `${message} — ${hint}` : message);
    this.name = 'HostPatternError';
  }
}

/** Splits a pattern into terms: on commas if there are any, else on colons outside brackets. */
export function splitPattern(pattern: string): string[] {
  // A bare IPv6 address is one host, not colon-separated terms (Ansible's parse_address).
  if (/^[!&]?[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*$/.test(pattern.trim()))
    return [pattern.trim()];
  const parts = pattern.includes(',')
    ? pattern.split(',')
    : (pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? []);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

function matcher(term: string): (name: string) => boolean {
  if (term.startsWith('~')) {
    let re: RegExp;
    try {
      re = new RegExp(term.slice(1));
    } catch (e) {
      throw new HostPatternError(
        `invalid regular expression in host pattern "${term}": ${(e as Error).message}`,
      );
    }
    return (n) => re.test(n);
  }
  if (/[*?[]/.test(term)) {
    const re = globToRegExp(term);
    return (n) => re.test(n);
  }
  return (n) => n === term;
}

const SUBSCRIPT_RE = /^(.+)\[(?:(-?\d+)|(\d+)([:-])(\d*))\]$/;

function splitSubscript(term: string): { base: string; sub?: [number, number | undefined] } {
  if (term.startsWith('~')) return { base: term };
  const m = SUBSCRIPT_RE.exec(term);
  if (!m) return { base: term };
  if (m[2] !== undefined) return { base: m[1]!, sub: [Number(m[2]), undefined] };
  const start = Number(m[3]);
  const end = m[5] === '' ? -1 : Number(m[5]);
  return { base: m[1]!, sub: [start, end] };
}

/** Hosts of a group, depth-first through children, each once, `all` in inventory order. */
function groupHosts(
  inv: Inventory,
  group: string,
  byName: Map<string, InventoryHost>,
): InventoryHost[] {
  if (group === 'all') return inv.hosts;
  const out: InventoryHost[] = [];
  const seen = new Set<string>();
  const visited = new Set<string>();
  const walk = (g: string): void => {
    if (visited.has(g)) return;
    visited.add(g);
    const grp = inv.groups[g];
    if (!grp) return;
    for (const h of grp.hosts) {
      const host = byName.get(h);
      if (host && !seen.has(h)) {
        seen.add(h);
        out.push(host);
      }
    }
    for (const c of grp.children) walk(c);
  };
  walk(group);
  return out;
}

function matchTerm(
  inv: Inventory,
  term: string,
  byName: Map<string, InventoryHost>,
): InventoryHost[] {
  const { base, sub } = splitSubscript(term);
  const m = matcher(base);
  const results: InventoryHost[] = [];
  const seen = new Set<string>();
  const add = (h: InventoryHost): void => {
    if (!seen.has(h.name)) {
      seen.add(h.name);
      results.push(h);
    }
  };
  const groups = Object.keys(inv.groups).filter(m);
  for (const g of groups) groupHosts(inv, g, byName).forEach(add);
  if (groups.length === 0 || base.startsWith('~') || /[.?*[]/.test(base)) {
    for (const h of inv.hosts) if (m(h.name)) add(h);
  }
  if (results.length === 0 && groups.length === 0 && base !== 'all') {
    const candidates = [...Object.keys(inv.groups), ...inv.hosts.map((h) => h.name)];
    const guess = base.startsWith('~') ? undefined : closest(base, candidates);
    throw new HostPatternError(
      `host pattern "${term}" matches no host or group`,
      guess ? `did you mean "${guess}"?` : undefined,
    );
  }
  if (!sub) return results;
  const [start, end] = sub;
  if (end === undefined) {
    const h = results.at(start);
    if (!h) {
      throw new HostPatternError(
        `subscript in "${term}" is out of range (${results.length} hosts)`,
      );
    }
    return [h];
  }
  return results.slice(start, end === -1 ? undefined : end + 1);
}

/**
 * The hosts `pattern` selects, in inventory order. Undefined, empty, `all` and `*` select all.
 * Throws HostPatternError when a term matches nothing (with a did-you-mean).
 */
export function selectHosts(inv: Inventory, pattern?: string): InventoryHost[] {
  if (pattern === undefined || pattern.trim() === '') return [...inv.hosts];
  const terms = splitPattern(pattern);
  const at = terms.find((t) => t.replace(/^[!&]/, '').startsWith('@'));
  if (at) {
    throw new HostPatternError(
      `"${at}" reads a file`,
      'expand @file terms with expandLimitFiles() first',
    );
  }
  const regular = terms.filter((t) => !t.startsWith('!') && !t.startsWith('&'));
  const inter = terms.filter((t) => t.startsWith('&'));
  const excl = terms.filter((t) => t.startsWith('!'));
  const byName = new Map(inv.hosts.map((h) => [h.name, h]));
  const selected = new Set<string>();
  for (const t of regular.length ? regular : ['all']) {
    for (const h of matchTerm(inv, t, byName)) selected.add(h.name);
  }
  for (const t of inter) {
    const keep = new Set(matchTerm(inv, t.slice(1), byName).map((h) => h.name));
    for (const n of [...selected]) if (!keep.has(n)) selected.delete(n);
  }
  for (const t of excl) {
    for (const h of matchTerm(inv, t.slice(1), byName)) selected.delete(h.name);
  }
  return inv.hosts.filter((h) => selected.has(h.name));
}
