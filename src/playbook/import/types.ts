/**
 * What the importers (`sysfleet playbook import`) find in the files teams already keep: sysctl
 * targets with where each came from, and what could not be carried over and why. Pure data,
 * rendered into a playbook by render.ts.
 */
import type { VarOrigin } from '../../inventory/types.js';

/** One `key = value` found in an input, with the hosts it is for (default: every host). */
export interface FoundTarget {
  key: string;
  value: string;
  from: VarOrigin;
  /** How the source said it (`ansible.posix.sysctl`, `sysctl.d`, `TuneD [sysctl]`). */
  via: string;
  /** Ansible host pattern when the source limits it (a play's hosts:, a `when` on groups). */
  hosts?: string;
}

/** Something an input says that a sysfleet playbook cannot express. */
export interface NotCarried {
  from: VarOrigin;
  what: string;
  why: string;
}

/** The persist basename a sysctl.d path gives (`/etc/sysctl.d/60-x.conf` → `60-x`), if valid. */
export function persistNameOf(path: string): string | undefined {
  const base = /([^/]+)\.conf$/.exec(path)?.[1];
  return base && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(base) ? base : undefined;
}

export interface Imported {
  targets: FoundTarget[];
  skipped: NotCarried[];
  /** The /etc/sysctl.d basename the source writes to, when it names one (sysctl_file). */
  persist?: string;
}
