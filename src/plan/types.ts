/**
 * HostPlan: the pure verdict for one host, computed from HostFacts x Playbook by src/plan.
 * check reports it; apply carries out exactly its `changes` (a dry run *is* the plan).
 */
import type { SysctlKey, SysctlValue } from '../sysctl/types.js';
import type { Target } from '../playbook/types.js';

export type KeyStatus =
  | 'compliant'
  | 'runtime_differs' // runtime value is wrong (boot value may be right or wrong too)
  | 'not_persisted' // runtime right, but nothing sets it at boot: lost at reboot
  | 'persisted_differs' // runtime right, but the boot-time value differs
  | 'shadowed' // our/an intended file sets it right, but a later file wins at boot
  | 'absent_allowed' // key absent on this kernel and the target allows that
  | 'absent_required' // key absent but the target needs a value
  | 'unreadable';

/** Where the boot-time value of a key comes from, per the precedence resolver. */
export interface BootValue {
  value: SysctlValue;
  file: string; // path of the winning file
  line: number;
}

export interface KeyVerdict {
  key: SysctlKey;
  target: Target;
  status: KeyStatus;
  runtime?: SysctlValue; // undefined when absent/unreadable
  boot?: BootValue; // undefined when no file sets it
  /** The value sysfleet would write (runtime and persistent), when a change is needed. */
  want?: SysctlValue;
  /** For `shadowed`: the file that wins instead. */
  shadowedBy?: string;
  detail?: string;
}

export type Severity = 'ok' | 'warning' | 'critical';

export interface Finding {
  id: string; // e.g. 'time_wait_port_ratio'
  severity: Severity;
  /** Incident number in docs/incidents.md (1..6). */
  incident: number;
  message: string;
  value: number;
  warn?: number;
  crit?: number;
}

/** One change apply will make on a host. */
export interface KeyChange {
  key: SysctlKey;
  from?: SysctlValue; // current runtime value
  to: SysctlValue;
  /** Runtime write needed (false when only the persistent file is wrong). */
  runtime: boolean;
}

export interface HostPlan {
  host: string;
  verdicts: KeyVerdict[];
  changes: KeyChange[];
  /** Content of /etc/sysctl.d/<file> that apply writes, or undefined when nothing needs persisting. */
  persistFile?: {
    path: string;
    content: string;
    /**
     * Our own file under an earlier candidate name (e.g. 60-x.conf when we now need 99-zz-x.conf to
     * win at boot): apply removes it after writing `path` (and snapshots it like any change).
     */
    replaces?: string[];
  };
  findings: Finding[];
  /** Files that will still shadow our persistent file after apply (warn the operator). */
  shadowWarnings: string[];
}
