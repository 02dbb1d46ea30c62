/**
 * Sysctl key and value rules shared by every stage: canonical form, strict validation (keys and
 * values may end up in file names and sysctl.d lines on a host, so nothing outside a small
 * alphabet gets through), and numeric field-by-field comparison.
 */
import type { SysctlKey, SysctlValue } from './types.js';

/**
 * Canonical dotted key: first segment lower-case, then `.`-separated segments of
 * `[A-Za-z0-9_*-]`; a segment may hold `/` (an interface name with a dot, e.g. VLAN `eth0.100`
 * is `net.ipv4.conf.eth0/100.rp_filter` in dotted form). `*` is a sysctl.d glob.
 * No `..`, no leading or trailing separator, no shell metacharacters, at most 255 characters.
 */
const KEY_RE = /^[a-z][a-z0-9_]*(\.[A-Za-z0-9_*-]+(\/[A-Za-z0-9_*-]+)*)+$/;

/** Values: numbers, words and separators only (`10240 65535`, `bbr`, `fq_codel`, `1,2`). */
const VALUE_RE = /^[0-9A-Za-z _.,:-]+$/;

const GLOBAL_PREFIXES = ['vm.', 'kernel.', 'fs.', 'dev.', 'abi.', 'debug.', 'crypto.'];

/**
 * `net/ipv4/tcp_fin_timeout` → `net.ipv4.tcp_fin_timeout`. As procps does: when the first
 * separator is `/`, the key is in slash form and its dots are literal (they become `/`).
 */
export function normalizeKey(key: string): SysctlKey {
  const k = key.trim();
  const firstDot = k.indexOf('.');
  const firstSlash = k.indexOf('/');
  if (firstSlash === -1 || (firstDot !== -1 && firstDot < firstSlash)) return k;
  return k.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}

/** True for a canonical (dotted) key that is safe to use in file names and commands. */
export function isValidSysctlKey(key: string): boolean {
  return key.length <= 255 && KEY_RE.test(key) && !key.includes('..');
}

/** `60` → `"60"`, `"10240\t65535 "` → `"10240 65535"` (fields joined by one space). */
export function normalizeValue(value: string | number): SysctlValue {
  return String(value).trim().split(/\s+/).join(' ');
}

/** True for a normalised value made only of `[0-9A-Za-z _.,:-]`. */
export function isValidSysctlValue(value: string): boolean {
  return value.length <= 4096 && VALUE_RE.test(value);
}

const INT_RE = /^[-+]?\d+$/;

/**
 * Compares two values as the kernel means them: same number of whitespace-separated fields,
 * integer fields compared as numbers (`"010"` equals `"10"`), other fields as strings.
 */
export function valuesEqual(a: string, b: string): boolean {
  const fa = normalizeValue(a).split(' ');
  const fb = normalizeValue(b).split(' ');
  if (fa.length !== fb.length) return false;
  return fa.every((x, i) => {
    const y = fb[i]!;
    if (INT_RE.test(x) && INT_RE.test(y)) return BigInt(x) === BigInt(y);
    return x === y;
  });
}

/** vm.*, kernel.*, fs.* (and other non-net trees) are global: not per network namespace. */
export function isGlobalKey(key: SysctlKey): boolean {
  return GLOBAL_PREFIXES.some((p) => key.startsWith(p));
}

/** The single integer a one-field value holds, or undefined. */
export function intValue(value: SysctlValue): number | undefined {
  return INT_RE.test(value) ? Number(value) : undefined;
}
