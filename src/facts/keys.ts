/**
 * Sysctl key syntax. Keys reach a host only as data (a quoted heredoc), and even then only after
 * they match this strict pattern: letters, digits, `_` and `-`, segments joined by `.` or `/`.
 * No globs, no empty segments (so no `..`), no leading separator.
 */
export const SYSCTL_KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]*(?:[./][A-Za-z0-9_-]+)*$/;
const MAX_KEY_LENGTH = 256;

export function isValidKey(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && SYSCTL_KEY_PATTERN.test(key);
}

/**
 * Canonical dotted form, the way systemd-sysctl and procps normalise: when the first separator
 * is a `/`, slashes and dots swap (`net/ipv4/conf/eth0.100/rp_filter` becomes
 * `net.ipv4.conf.eth0/100.rp_filter`, the dot of a VLAN interface surviving as `/`).
 */
export function normalizeKey(key: string): string {
  const trimmed = key.trim();
  const firstSep = trimmed.search(/[./]/);
  if (firstSep < 0 || trimmed[firstSep] === '.') return trimmed;
  return trimmed.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}

/** The /proc/sys path of a canonical dotted key (the inverse swap of normalizeKey). */
export function procPath(key: string): string {
  return '/proc/sys/' + normalizeKey(key).replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
}

/** Whitespace-separated fields joined by one space (the kernel prints tabs for multi-value keys). */
export function normalizeValue(value: string): string {
  return value.trim().split(/\s+/).filter(Boolean).join(' ');
}
