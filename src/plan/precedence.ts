/**
 * Which file sets a key at boot. Pure: works on HostFacts.sysctlFiles as gathered.
 *
 * systemd-sysctl: *.conf in /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d,
 * /usr/lib/sysctl.d (and /lib/sysctl.d where it is a separate directory). A basename in an earlier
 * directory masks the same basename in later ones (a symlink to /dev/null masks and sets nothing).
 * The surviving files are applied sorted by basename; the last assignment of a key wins, except
 * that an explicit key beats any glob that matches it, whatever their order (systemd skips a glob
 * match when an explicit setting exists). /etc/sysctl.conf is not read unless linked in (e.g.
 * /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf, which then counts as that basename).
 *
 * procps `sysctl --system`: the same directory family and masking, then /etc/sysctl.conf last;
 * every assignment (glob or not) applies in order, so the last one wins.
 */
import type { HostFacts, SysctlFile } from '../facts/types.js';
import type { BootValue } from './types.js';

export const SYSCTL_DIRS = [
  '/etc/sysctl.d',
  '/run/sysctl.d',
  '/usr/local/lib/sysctl.d',
  '/usr/lib/sysctl.d',
  '/lib/sysctl.d',
] as const;
export const SYSCTL_CONF = '/etc/sysctl.conf';

export type Loader = HostFacts['sysctlLoader'];

export interface Assignment extends BootValue {
  /** The line's key, possibly a glob. */
  pattern: string;
  glob: boolean;
  ignoreFailure: boolean;
}

export interface LoadOrder {
  /** Files the loader reads, in the order it applies them. */
  applied: SysctlFile[];
  /** Files it skips: masked by an earlier directory's same basename, or linked to /dev/null. */
  masked: { path: string; by: string }[];
}

export interface KeyResolution {
  /** The value the key gets at boot, or undefined when no file sets it. */
  boot?: Assignment;
  /** Every assignment that matches the key, in apply order (boot is the effective one). */
  assignments: Assignment[];
  /** Applied files the gather could not read: they might set the key too. */
  unknown: string[];
}

const dirRank = (dir: string): number => {
  const i = (SYSCTL_DIRS as readonly string[]).indexOf(dir);
  return i < 0 ? SYSCTL_DIRS.length : i;
};

export const isDevNull = (f: SysctlFile): boolean => f.symlink?.devNull === true;

export function loadOrder(files: readonly SysctlFile[], loader: Loader): LoadOrder {
  const confDirFiles = files
    .filter((f) => f.path !== SYSCTL_CONF && f.basename.endsWith('.conf'))
    .sort((a, b) => dirRank(a.dir) - dirRank(b.dir));
  const byBasename = new Map<string, SysctlFile>();
  const masked: LoadOrder['masked'] = [];
  for (const f of confDirFiles) {
    const first = byBasename.get(f.basename);
    if (first) masked.push({ path: f.path, by: first.path });
    else byBasename.set(f.basename, f);
  }
  const applied: SysctlFile[] = [];
  for (const f of [...byBasename.values()].sort((a, b) => cmp(a.basename, b.basename))) {
    if (isDevNull(f)) masked.push({ path: f.path, by: '/dev/null' });
    else applied.push(f);
  }
  if (loader === 'procps') {
    const conf = files.find((f) => f.path === SYSCTL_CONF);
    if (conf) applied.push(conf);
  }
  return { applied, masked };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const GLOB_CHARS = /[*?[]/;

/** Glob over canonical dotted keys: `*` and `?` never cross a `.` (a /proc/sys directory level). */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') re += '[^.]*';
    else if (c === '?') re += '[^.]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Compiled globs: every host's files repeat the same few patterns (Debian's `net.ipv4.conf.*`). */
const globCache = new Map<string, RegExp>();
const GLOB_CACHE_MAX = 10_000;

export function keyMatches(pattern: string, key: string): boolean {
  if (!GLOB_CHARS.test(pattern)) return pattern === key;
  let re = globCache.get(pattern);
  if (!re) {
    if (globCache.size >= GLOB_CACHE_MAX) globCache.clear();
    re = globToRegExp(pattern);
    globCache.set(pattern, re);
  }
  return re.test(key);
}

export function resolveKey(order: LoadOrder, key: string, loader: Loader): KeyResolution {
  const assignments: Assignment[] = [];
  for (const f of order.applied) {
    for (const l of f.lines) {
      if (!keyMatches(l.key, key)) continue;
      assignments.push({
        value: l.value,
        file: f.path,
        line: l.line,
        pattern: l.key,
        glob: GLOB_CHARS.test(l.key),
        ignoreFailure: l.ignoreFailure,
      });
    }
  }
  const unknown = order.applied.filter((f) => f.error !== undefined).map((f) => f.path);
  const explicit = assignments.filter((a) => !a.glob);
  const effective = loader === 'systemd' && explicit.length > 0 ? explicit : assignments;
  const boot = effective[effective.length - 1];
  return boot ? { boot, assignments, unknown } : { assignments, unknown };
}

/** Convenience: resolve several keys against one host's files. */
export function resolveBoot(
  files: readonly SysctlFile[],
  loader: Loader,
  keys: readonly string[],
): Record<string, KeyResolution> {
  const order = loadOrder(files, loader);
  return Object.fromEntries(keys.map((k) => [k, resolveKey(order, k, loader)]));
}
