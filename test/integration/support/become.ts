/**
 * What the become tests (su, doas) build alike: a one-host inventory logging in as the lab user
 * with a become method, and the OpenSSH transport's view of a lab host.
 */
import { writeFileSync } from 'node:fs';
import type { OpenSshTarget } from '../../../src/connection/types.js';
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
