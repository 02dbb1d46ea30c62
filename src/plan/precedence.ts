/**
 * Which file sets a key at boot. Pure: works on HostFacts.sysctlFiles as gathered.
 *
 * Files (both loaders): *.conf in /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d,
 * /usr/lib/sysctl.d (and /lib/sysctl.d where it is a separate directory). A basename in an earlier
 * directory masks the same basename in later ones (a symlink to /dev/null masks and sets nothing).
 * The surviving files are applied sorted by basename. systemd-sysctl does not read
 * /etc/sysctl.conf unless linked in (e.g. /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf, which
 * then counts as that basename); procps `sysctl --system` reads it last.
 *
 * Lines, by dialect (each checked against the loader's source, and by test/vm/precedence.test.ts
 * against the real loaders after a reboot and after `sysctl --system`):
 * - systemd (systemd-sysctl 245+): one entry per key or glob, in first-seen order; a later line
 *   for the same key with another value replaces it (and moves it last), the same value keeps it.
 *   An explicit key (or its exclusion `-key`) beats every glob whatever their order; an exclusion
 *   after an assignment of the same key erases it. Of the globs, the last entry wins.
 * - procps (procps-ng 4, src/sysctl.c write_setting_list): every explicit line is written in
 *   order, so the last one wins; a glob skips every key that has an explicit line anywhere, or
 *   matches an exclusion (`-pattern`, matched by fnmatch without FNM_PATHNAME: `*` crosses dots).
 * - plain (procps 3.3, busybox): no globs: a glob line sets nothing, `-key` alone is invalid
 *   and skipped; explicit lines in order. (Fedora and RHEL 9 backport the glob rules into their
 *   3.3.17; their hosts boot with systemd, where this dialect is not used.)
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
  /** No value at boot because an exclusion line keeps the globs that match the key off it. */
  excludedBy?: Exclusion;
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

/**
 * Glob over canonical dotted keys: `*` and `?` never cross a `.` (a /proc/sys directory level),
 * as glob(3) on paths; with `crossDots` they do, as fnmatch(3) without FNM_PATHNAME.
 */
export function globToRegExp(pattern: string, crossDots = false): RegExp {
  const any = crossDots ? '.' : '[^.]';
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') re += `${any}*`;
    else if (c === '?') re += any;
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

export function keyMatches(pattern: string, key: string, crossDots = false): boolean {
  if (!GLOB_CHARS.test(pattern)) return pattern === key;
  const id = crossDots ? `\0${pattern}` : pattern;
  let re = globCache.get(id);
  if (!re) {
    if (globCache.size >= GLOB_CACHE_MAX) globCache.clear();
    re = globToRegExp(pattern, crossDots);
    globCache.set(id, re);
  }
  return re.test(key);
}

/** Which rules the loader applies to the lines (see the header). */
export type Dialect = 'systemd' | 'procps' | 'plain';

/**
 * The dialect of a host's boot loader. Without systemd, `sysctl` itself reads the files: procps-ng
 * 4 and later expand globs, procps 3.3 and busybox do not; an unknown tool is taken as modern.
 */
export function dialectOf(loader: Loader, sysctlTool?: string): Dialect {
  if (loader === 'systemd') return 'systemd';
  if (sysctlTool === undefined) return 'procps';
  const m = /^procps(?:-ng)? (\d+)\./.exec(sysctlTool);
  if (m) return Number(m[1]) >= 4 ? 'procps' : 'plain';
  return sysctlTool.startsWith('busybox') ? 'plain' : 'procps';
}

export const hostDialect = (f: Pick<HostFacts, 'sysctlLoader' | 'sysctlTool'>): Dialect =>
  dialectOf(f.sysctlLoader, f.sysctlTool);

/** An exclusion line that keeps globs off the key. */
export interface Exclusion {
  file: string;
  line: number;
  pattern: string;
}

type Entry = Assignment | (Exclusion & { exclude: true });

/** Every line of the applied files that concerns `key`, in apply order. */
function linesFor(order: LoadOrder, key: string, dialect: Dialect): Entry[] {
  const out: Entry[] = [];
  for (const f of order.applied) {
    for (const l of f.lines) {
      if (l.exclude) {
        // procps matches exclusions with fnmatch() on /proc/sys paths, without FNM_PATHNAME
        if (keyMatches(l.key, key, dialect === 'procps'))
          out.push({ file: f.path, line: l.line, pattern: l.key, exclude: true });
      } else if (keyMatches(l.key, key)) {
        out.push({
          value: l.value,
          file: f.path,
          line: l.line,
          pattern: l.key,
          glob: GLOB_CHARS.test(l.key),
          ignoreFailure: l.ignoreFailure,
        });
      }
    }
  }
  return out;
}

const isExclusion = (e: Entry): e is Exclusion & { exclude: true } => 'exclude' in e;

/** The winning entry: an assignment, an exclusion (nothing is set), or none. */
function winner(entries: readonly Entry[], dialect: Dialect): Entry | undefined {
  if (dialect === 'plain') {
    return entries.filter((e): e is Assignment => !isExclusion(e) && !e.glob).at(-1);
  }
  if (dialect === 'procps') {
    const explicit = entries.filter((e): e is Assignment => !isExclusion(e) && !e.glob);
    if (explicit.length > 0) return explicit.at(-1);
    const exclusion = entries.find(isExclusion);
    if (exclusion) return exclusion;
    return entries.filter((e): e is Assignment => !isExclusion(e)).at(-1);
  }
  // systemd: an ordered map from key or glob to its entry; `value` undefined for exclusions.
  const map = new Map<string, Entry>();
  const valueOf = (e: Entry): string | undefined => (isExclusion(e) ? undefined : e.value);
  for (const e of entries) {
    const prev = map.get(e.pattern);
    if (prev && valueOf(prev) === valueOf(e)) continue;
    map.delete(e.pattern);
    map.set(e.pattern, e);
  }
  const all = [...map.values()];
  const explicit = all.find((e) => !GLOB_CHARS.test(e.pattern));
  if (explicit) return explicit;
  return all.filter((e): e is Assignment => !isExclusion(e)).at(-1);
}

export function resolveKey(order: LoadOrder, key: string, dialect: Dialect): KeyResolution {
  const entries = linesFor(order, key, dialect);
  const assignments = entries.filter((e): e is Assignment => !isExclusion(e));
  const unknown = order.applied.filter((f) => f.error !== undefined).map((f) => f.path);
  const win = winner(entries, dialect);
  const res: KeyResolution = { assignments, unknown };
  if (win && isExclusion(win)) {
    const { file, line, pattern } = win;
    res.excludedBy = { file, line, pattern };
  } else if (win) res.boot = win;
  return res;
}

/** Convenience: resolve several keys against one host's files. */
export function resolveBoot(
  files: readonly SysctlFile[],
  loader: Loader,
  keys: readonly string[],
  dialect: Dialect = dialectOf(loader),
): Record<string, KeyResolution> {
  const order = loadOrder(files, loader);
  return Object.fromEntries(keys.map((k) => [k, resolveKey(order, k, dialect)]));
}
