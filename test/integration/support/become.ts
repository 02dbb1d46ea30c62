/**
 * What the become tests (su, doas) share: a one-host inventory logging in as the lab user with a
 * become method, the OpenSSH transport's view of a lab host, and the CLI round trip through it.
 */
import { writeFileSync } from 'node:fs';
import type { OpenSshTarget } from '../../../src/connection/types.js';
import { expect } from 'vitest';
import {
  createTransport,
  envSecrets,
  noSecrets,
  type Transport,
} from '../../../src/transport/index.js';
import {
  PERSIST_FILE,
  PLAYBOOK,
  PLAYBOOK_VALUES,
  cli,
  hostState,
  type CliResult,
  type ControlNode,
} from './fleet-state.js';
import type { Lab } from './lab.js';

/** Writes PATH: HOST reached as the lab user, becoming root with METHOD. */
export function writeBecomeInventory(
  path: string,
  lab: Lab,
  host: { name: string; port: number },
  method: 'su' | 'doas' | 'sudo',
): string {
  writeFileSync(
    path,
    [
      'all:',
      '  hosts:',
      `    ${host.name}:`,
      '      ansible_host: 127.0.0.1',
      `      ansible_port: ${host.port}`,
      `      ansible_user: ${lab.users.nonRoot}`,
      `      ansible_ssh_private_key_file: ${lab.keyPath}`,
      '      ansible_become: true',
      `      ansible_become_method: ${method}`,
      '',
    ].join('\n'),
  );
  return path;
}

/** How the OpenSSH transport reaches a lab host: its port, the lab key and known_hosts only. */
export function labOpenSsh(lab: Lab, port: number, user: string): OpenSshTarget {
  return {
    destination: '127.0.0.1',
    port,
    user,
    identityFile: lab.keyPath,
    args: [
      '-o',
      `UserKnownHostsFile=${lab.knownHostsPath}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
    ],
  };
}

/**
 * The CLI round trip every become method must survive on HOST: check finds drift (2), apply
 * changes it (0; the playbook's values live and its file written), rollback restores the host
 * exactly (0). Returns the three runs, for what a test checks beyond that.
 */
export async function becomeRoundTrip(
  ctl: ControlNode,
  lab: Lab,
  host: string,
  common: string[],
): Promise<CliResult[]> {
  const before = await hostState(lab, host);
  const drift = await cli(ctl, ['check', ...common, PLAYBOOK]);
  expect(drift.code, drift.stdout + drift.stderr).toBe(2);
  const apply = await cli(ctl, ['apply', ...common, PLAYBOOK, '--yes', '--plain']);
  expect(apply.code, apply.stdout + apply.stderr).toBe(0);
  const during = await hostState(lab, host);
  expect(during.runtime).toEqual(PLAYBOOK_VALUES);
  expect(during.files[PERSIST_FILE]).toMatch(/^file 644 0:0 sha256:/);
  const rb = await cli(ctl, ['rollback', '--yes', 'latest', ...common]);
  expect(rb.code, rb.stdout + rb.stderr).toBe(0);
  expect(await hostState(lab, host)).toEqual(before);
  return [drift, apply, rb];
}

/** A transport for the become tests: strict host keys, no agent, no retries, PASSWORD if given. */
export function becomeTransport(password?: string, via: 'ssh2' | 'openssh' = 'ssh2'): Transport {
  return createTransport({
    hostKeyPolicy: 'strict',
    secrets:
      password === undefined ? noSecrets : envSecrets({ SYSFLEET_BECOME_PASSWORD: password }),
    connectTimeoutMs: 10_000,
    transport: via,
    agentSocket: '',
    retries: 0,
  });
}

/** The FIFO directories su/doas with a password left in HOST's /tmp, read without SSH. */
export async function becomeLeftovers(lab: Lab, host: string): Promise<string> {
  const r = await lab.exec(host, ['sh', '-c', 'ls -d /tmp/sysfleet-become.* 2>/dev/null; true']);
  return r.stdout.trim();
}
