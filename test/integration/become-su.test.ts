/**
 * ansible_become_method: su against real lab hosts (OpenSSH sshd, loopback only). su reads a
 * password from a terminal only, so sysfleet uses it where none is asked: from root (pam_rootok)
 * to another user. The fixed command and the data on stdin must reach the become user intact;
 * where su would ask (the lab user becoming root), the host fails with the reason, never hangs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostConnection } from '../../src/connection/types.js';
import { createTransport, noSecrets } from '../../src/transport/index.js';
import { labAvailable, labUp, type Lab } from './support/lab.js';

let lab: Lab;
let work: string;

beforeAll(async () => {
  if (!labAvailable) return;
  work = mkdtempSync(join(tmpdir(), 'sf-su-'));
  lab = await labUp({ hosts: 1, sudoPasswordHosts: 0 });
}, 120_000);

afterAll(async () => {
  await lab?.down();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

function target(user: string, becomeUser: string): HostConnection {
  const h = lab.hosts[0]!;
  return {
    name: h.name,
    connection: 'ssh',
    address: '127.0.0.1',
    port: h.port,
    user,
    identityFiles: [lab.keyPath],
    jump: [],
    become: true,
    becomeUser,
    becomeMethod: 'su',
    knownHostsFiles: [lab.knownHostsPath],
  };
}

describe.skipIf(!labAvailable)('become with su', () => {
  it('root becomes the lab user with su; command and stdin arrive intact', async () => {
    const t = createTransport({
      hostKeyPolicy: 'strict',
      secrets: noSecrets,
      connectTimeoutMs: 10_000,
    });
    try {
      const conn = await t.connect(target('root', lab.users.nonRoot));
      const r = await conn.exec(`id -un; printf '%s|' "it's"; cat`, {
        become: true,
        stdin: 'line 1\nline "2"\n',
        timeoutMs: 20_000,
      });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(`${lab.users.nonRoot}\nit's|line 1\nline "2"\n`);
      expect(r.code).toBe(0);
    } finally {
      await t.close();
    }
  });
  it('where su would ask for a password, the host fails with the reason', async () => {
    const t = createTransport({
      hostKeyPolicy: 'strict',
      secrets: noSecrets,
      connectTimeoutMs: 10_000,
    });
    try {
      const conn = await t.connect(target(lab.users.nonRoot, 'root'));
      await expect(conn.exec('id -u', { become: true, timeoutMs: 20_000 })).rejects.toThrow(
        /su on .* needs a password, which su reads from a terminal only/,
      );
    } finally {
      await t.close();
    }
  });
});
