/**
 * The one grammar of sysctl keys. Every stage (playbook loader, gather script, apply and
 * rollback programs, reports) validates and converts keys through this module, so a key the
 * playbook accepts is a key every later stage accepts.
 *
 * Canonical form is dotted, as `sysctl -a` prints it: `net.ipv4.tcp_keepalive_time`. A dot that
 * belongs to a name (an interface such as the VLAN `eth0.100`) is written `/` in dotted form:
 * `net.ipv4.conf.eth0/100.rp_filter` is `/proc/sys/net/ipv4/conf/eth0.100/rp_filter`. The slash
 * form (`net/ipv4/conf/eth0.100/rp_filter`) is the same key with the separators swapped; procps
 * sysctl(8) and systemd-sysctl accept both and so does normalizeKey.
 *
 * The alphabet is deliberately small: keys end up in /proc paths, sysctl.d lines and host
 * programs, so only letters, digits, `_` and `-` make up a name part. (Linux interface names may
 * hold more; such a name cannot be targeted, and validation says so.)
 */
import type { SysctlKey } from './types.js';

export const MAX_KEY_LENGTH = 255;

/** A part of a segment: what a /proc/sys file or directory name may be made of here. */
const PART = '[A-Za-z0-9_-]+';
/** A canonical dotted key: a lower-case top level, then segments whose name dots are `/`. */
export const KEY_PATTERN = new RegExp(`^[a-z][a-z0-9_]*(?:\\.${PART}(?:/${PART})*)+$`);
/** The same with sysctl.d globs (`*`, `?`) allowed in name parts: for files and patterns only. */
export const KEY_GLOB_PATTERN = /^[a-z][a-z0-9_]*(?:\.[A-Za-z0-9_*?-]+(?:\/[A-Za-z0-9_*?-]+)*)+$/;

const GLOBAL_PREFIXES = ['vm.', 'kernel.', 'fs.', 'dev.', 'abi.', 'debug.', 'crypto.'];

/**
 * `net/ipv4/tcp_fin_timeout` → `net.ipv4.tcp_fin_timeout`; `net/ipv4/conf/eth0.100/rp_filter` →
 * `net.ipv4.conf.eth0/100.rp_filter`. As procps and systemd-sysctl do: when the first separator
 * is `/`, the key is in slash form and its dots are literal, so the two separators swap.
 */
export function normalizeKey(key: string): SysctlKey {
  const k = key.trim();
  const firstSep = k.search(/[./]/);
  if (firstSep < 0 || k[firstSep] === '.') return k;
  return swapSeparators(k);
}

/** True for a canonical (dotted) key naming one sysctl: no globs. */
export function isSysctlKey(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && KEY_PATTERN.test(key);
}

/** True for a canonical key that may hold sysctl.d globs (`net.ipv4.conf.*.rp_filter`). */
export function isSysctlKeyPattern(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && KEY_GLOB_PATTERN.test(key);
}

/** What a key must look like, for error messages. */
export const KEY_GRAMMAR =
  'dotted segments of letters, digits, "_" or "-" (e.g. net.ipv4.tcp_keepalive_time); a dot inside an interface name is written "/" (net.ipv4.conf.eth0/100.rp_filter) or the whole key in slash form (net/ipv4/conf/eth0.100/rp_filter)';

/** The /proc/sys path of a canonical dotted key. */
export function procPath(key: SysctlKey): string {
  return '/proc/sys/' + swapSeparators(normalizeKey(key));
}

/** vm.*, kernel.*, fs.* (and other non-net trees) are global: not per network namespace. */
export function isGlobalKey(key: SysctlKey): boolean {
  return GLOBAL_PREFIXES.some((p) => key.startsWith(p));
}

function swapSeparators(k: string): string {
  return k.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}
