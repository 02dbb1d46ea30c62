/**
 * Names and ports of lab things, pure. Lab and host names are lower-case alphanumerics only, so
 * a namespace name `sf-<lab>-<host>` parses back unambiguously (lab `a` never matches `a1`'s).
 */

export const LAB_ROOT = '/run/sysfleet-lab';
export const NETNS_PREFIX = 'sf-';
const NAME = /^[a-z0-9]{1,16}$/;

export function validateLabName(name: string): string {
  if (!NAME.test(name)) {
    throw new Error(
      `invalid lab name "${name}": use 1-16 lower-case letters and digits (no '-', it separates the namespace name)`,
    );
  }
  return name;
}

/** `h01`..`h50`: zero-padded to at least two digits so names sort like numbers. */
export function hostNames(count: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new Error(`--hosts must be an integer from 1 to 1000, got ${count}`);
  }
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => `h${String(i + 1).padStart(width, '0')}`);
}

export function netnsName(lab: string, host: string): string {
  return `${NETNS_PREFIX}${lab}-${host}`;
}

/** The lab and host a namespace name belongs to, or undefined when it is not a lab namespace. */
export function parseNetnsName(ns: string): { lab: string; host: string } | undefined {
  const m = /^sf-([a-z0-9]{1,16})-([a-z0-9]+)$/.exec(ns);
  return m ? { lab: m[1]!, host: m[2]! } : undefined;
}

/**
 * Ports the supervisor tries, in order, for a lab: a window below the kernel's default ephemeral
 * range (32768-60999) so outgoing connections never take them, starting at an offset derived
 * from the lab name so two labs rarely probe the same ports. bind() is the real lock: a taken
 * port is skipped, so concurrent labs are safe.
 */
export const PORT_WINDOW = { from: 20000, to: 32767 } as const;

export function portCandidates(labName: string, attempt = 0): number[] {
  const size = PORT_WINDOW.to - PORT_WINDOW.from + 1;
  let hash = 2166136261;
  for (const ch of labName) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  const start = (hash + attempt * 7919) % size;
  return Array.from({ length: size }, (_, i) => PORT_WINDOW.from + ((start + i) % size));
}

/** A short random lab name for tests: `t` + 6 hex digits. */
export function randomLabName(random: () => number = Math.random): string {
  return `t${Math.floor(random() * 0xffffff)
    .toString(16)
    .padStart(6, '0')}`;
}
