/**
 * Ansible host ranges: `web[01:12]`, `db-[a:f]`, `node[0:20:5]`, several ranges in one name
 * (`r[1:2]n[01:02]`), and an optional `:port` suffix (`web[01:03]:2222`, `[2001:db8::1]:22`).
 * Same rules as ansible.inventory.expand_hostname_range, except that an empty numeric range
 * (begin > end), which Ansible silently expands to nothing, is an error here.
 */

export class HostRangeError extends Error {}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const MAX_HOSTS = 100_000;

/** Expands every `[begin:end(:step)]` in `pattern`, left to right, preserving zero padding. */
export function expandHostRange(pattern: string): string[] {
  const open = pattern.indexOf('[');
  if (open === -1) return [pattern];
  const close = pattern.indexOf(']', open);
  if (close === -1) throw new HostRangeError(`unclosed "[" in host range "${pattern}"`);
  const head = pattern.slice(0, open);
  const body = pattern.slice(open + 1, close);
  const tail = pattern.slice(close + 1);
  const bounds = body.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new HostRangeError(`host range "[${body}]" must be begin:end or begin:end:step`);
  }
  const [rawBeg, end, rawStep] = bounds as [string, string, string | undefined];
  const beg = rawBeg === '' ? '0' : rawBeg;
  if (end === '') throw new HostRangeError(`host range "[${body}]" must specify an end value`);
  const step = rawStep === undefined || rawStep === '' ? 1 : Number(rawStep);
  if (!Number.isInteger(step) || step < 1) {
    throw new HostRangeError(`host range "[${body}]" step must be a positive integer`);
  }
  let seq: string[];
  const ib = LETTERS.indexOf(beg);
  const ie = LETTERS.indexOf(end);
  if (beg.length === 1 && end.length === 1 && ib !== -1 && ie !== -1) {
    if (ib > ie) throw new HostRangeError(`host range "[${body}]" must have begin <= end`);
    seq = [];
    for (let i = ib; i <= ie; i += step) seq.push(LETTERS[i]!);
  } else {
    if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) {
      throw new HostRangeError(
        `host range "[${body}]" must be numbers (01:12) or single letters (a:f)`,
      );
    }
    const pad = beg.length > 1 && beg.startsWith('0') ? beg.length : 0;
    if (pad && pad !== end.length) {
      throw new HostRangeError(
        `host range "[${body}]" must specify equal-length begin and end formats`,
      );
    }
    const b = Number(beg);
    const e = Number(end);
    if (b > e) throw new HostRangeError(`host range "[${body}]" must have begin <= end`);
    if ((e - b) / step > MAX_HOSTS) {
      throw new HostRangeError(`host range "[${body}]" expands to more than ${MAX_HOSTS} hosts`);
    }
    seq = [];
    for (let i = b; i <= e; i += step) seq.push(pad ? String(i).padStart(pad, '0') : String(i));
  }
  const out: string[] = [];
  for (const s of seq) {
    out.push(...expandHostRange(head + s + tail));
    if (out.length > MAX_HOSTS) {
      throw new HostRangeError(`host pattern "${pattern}" expands to more than ${MAX_HOSTS} hosts`);
    }
  }
  return out;
}

/**
 * A host pattern as every parser reads it: `:port` split off, ranges expanded, each name
 * checked. The first problem is returned as `error`.
 */
export function hostsOf(pattern: string): { names: string[]; port?: number } | { error: string } {
  const { host, port } = splitHostPort(pattern);
  let names: string[];
  try {
    names = expandHostRange(host);
  } catch (e) {
    if (e instanceof HostRangeError) return { error: e.message };
    throw e;
  }
  const bad = names.map(hostNameProblem).find((p) => p !== undefined);
  if (bad) return { error: bad };
  return port === undefined ? { names } : { names, port };
}

/**
 * Splits an optional port off a host pattern as Ansible's parse_address does:
 * `web01:2222`, `web[01:03]:2222`, `192.0.2.1:22`, `[2001:db8::1]:22`. A bare IPv6 address
 * keeps its colons.
 */
export function splitHostPort(pattern: string): { host: string; port?: number } {
  const v6 = /^\[([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)\](?::(\d+))?$/.exec(pattern);
  if (v6) return v6[2] ? { host: v6[1]!, port: Number(v6[2]) } : { host: v6[1]! };
  const m = /^((?:[^:[\]]|\[[^\]]*\])+):(\d+)$/.exec(pattern);
  if (m) return { host: m[1]!, port: Number(m[2]) };
  return { host: pattern };
}

/**
 * Why a host name is unusable, or undefined. Names end up in snapshot paths, logs and reports:
 * no whitespace, control characters, slashes, quotes or shell metacharacters, no leading `-`
 * or `.`. Letters and digits of any script are fine (`příbor`, `münchen`), as in Ansible.
 */
export function hostNameProblem(name: string): string | undefined {
  if (name === '') return 'empty host name';
  if (name.length > 255) return `host name longer than 255 characters`;
  if (!/^[\p{L}\p{M}\p{N}_.:@%+=~-]+$/u.test(name) || /^[-.]/.test(name) || name.includes('..')) {
    return `invalid host name ${JSON.stringify(name)}: use letters, digits and _ . : @ % + = ~ - (no spaces, slashes, quotes, "..", or a leading - or .)`;
  }
  return undefined;
}
