/**
 * What integration tests import to use the lab (API: src/lab/README.md). `labUp` here tags the
 * lab with this test run, so global teardown removes it even when a test file crashes.
 */
import { inject } from 'vitest';
import { labUp as labUpCore, type Lab, type LabUpOptions } from '../../../src/lab/index.js';
import { run, type RunResult } from '../../../src/lab/proc.js';

export * from '../../../src/lab/index.js';
export type { RunResult };

/** False when the machine cannot host a lab (not root, tools missing); use with skipIf. */
export const labAvailable: boolean = inject('labAvailable');

export function labUp(opts: Omit<LabUpOptions, 'owner'>): Promise<Lab> {
  return labUpCore({ ...opts, owner: inject('labOwner') });
}

export interface SshOptions {
  user?: string;
  stdin?: string;
  /** Extra ssh arguments (e.g. ['-J', 'root@127.0.0.1:PORT']). */
  extra?: string[];
  timeoutMs?: number;
  /** Use this port instead of the host's (e.g. a host behind the bastion). */
  port?: number;
}

/**
 * System OpenSSH to a lab host with strict host key checking against the lab's known_hosts:
 * `ssh -F <lab ssh_config> -o StrictHostKeyChecking=yes -o UserKnownHostsFile=... -i <key>`.
 */
export function ssh(
  lab: Lab,
  host: string,
  command: string,
  opts: SshOptions = {},
): Promise<RunResult> {
  const h = lab.host(host);
  return run(
    'ssh',
    [
      '-F',
      lab.sshConfigPath,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${lab.knownHostsPath}`,
      '-o',
      'ConnectTimeout=5',
      '-i',
      lab.keyPath,
      '-p',
      String(opts.port ?? h.port),
      ...(opts.extra ?? []),
      `${opts.user ?? 'root'}@127.0.0.1`,
      command,
    ],
    {
      timeoutMs: opts.timeoutMs ?? 20_000,
      ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
    },
  );
}
