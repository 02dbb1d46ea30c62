/**
 * Lab variants (`lab up --ssh-ca`, `--pq-only`, and the ProxyCommand half of `--bastion`): what
 * each changes, as data for the pure renderers, plus the ssh-keygen steps of the lab CA.
 *
 * --ssh-ca: a lab CA signs every host key (sshd HostCertificate) and the lab's client key
 * (`id_ed25519-cert.pub`, principals root and sflab); sshd trusts it for users
 * (TrustedUserCAKeys) and authorized_keys stay empty, so only the certificate logs in; known_hosts
 * holds only `@cert-authority`. --pq-only: sshd offers only post-quantum hybrid key exchanges.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keygen } from './keygen.js';
import { run, runOk } from './proc.js';
import type { LabHost, LabVariant } from './types.js';

/** What --pq-only asks sshd for, in preference order, where the installed OpenSSH has it. */
export const PQ_KEX = ['mlkem768x25519-sha256', 'sntrup761x25519-sha512@openssh.com'];

/** The PQ key exchanges of `ssh -Q kex`'s answer (OpenSSH 9.2 has sntrup761 only). */
export function pqKexOf(sshQKex: string): string[] {
  const have = new Set(sshQKex.split('\n').map((l) => l.trim()));
  return PQ_KEX.filter((k) => have.has(k));
}

export async function installedPqKex(): Promise<string[]> {
  const r = await run('ssh', ['-Q', 'kex'], { timeoutMs: 10_000 });
  const kex = pqKexOf(r.stdout);
  if (kex.length === 0)
    throw new Error('--pq-only: this OpenSSH offers no post-quantum key exchange');
  return kex;
}

/** Hosts behind the bastion: the first half by ProxyJump, the rest by ProxyCommand. */
export function bastionRoute(index: number, count: number): 'proxyjump' | 'proxycommand' {
  return count >= 2 && index >= Math.ceil(count / 2) ? 'proxycommand' : 'proxyjump';
}

/** known_hosts of a --ssh-ca lab: the CA alone, for every port on 127.0.0.1. */
export function renderCaKnownHosts(caPub: string): string {
  const [type, key] = caPub.trim().split(/\s+/);
  if (!type || !key) throw new Error(`not an OpenSSH public key: ${caPub}`);
  return `@cert-authority [127.0.0.1]:*,127.0.0.1 ${type} ${key}\n`;
}

/** Certificates valid from 5 minutes ago (clock skew) for 7 days: a lab lives hours. */
const VALIDITY = '-5m:+7d';

/** Make the CA, sign every host key and the client key; the CA's public key goes to each host. */
export async function signLab(
  dir: string,
  hosts: Array<Omit<LabHost, 'port'>>,
  clientKeyPath: string,
  labName: string,
): Promise<LabVariant['sshCa'] & object> {
  const ca = join(dir, 'lab_ca');
  await keygen(ca, `sysfleet-lab-${labName}-ca`);
  const caPub = readFileSync(`${ca}.pub`, 'utf8');
  for (const h of hosts) {
    const hostKey = join(h.backing.etcSsh, 'ssh_host_ed25519_key');
    await runOk('ssh-keygen', [
      '-q',
      '-s',
      ca,
      '-h',
      '-I',
      `${labName}-${h.name}`,
      '-n',
      '127.0.0.1',
      '-V',
      VALIDITY,
      `${hostKey}.pub`,
    ]);
    writeFileSync(join(h.backing.etcSsh, 'lab_ca.pub'), caPub);
    for (const user of ['root', 'sflab'])
      writeFileSync(join(h.backing.etcSsh, 'authorized_keys', user), '');
  }
  await runOk('ssh-keygen', [
    '-q',
    '-s',
    ca,
    '-I',
    `sysfleet-lab-${labName}-user`,
    '-n',
    'root,sflab',
    '-V',
    VALIDITY,
    `${clientKeyPath}.pub`,
  ]);
  return { caPubPath: `${ca}.pub` };
}
