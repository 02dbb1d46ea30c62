/**
 * ProxyCommand over the ssh2 transport against real sshd hosts of a namespace lab (loopback
 * only): `busybox nc %h %p` to the bastion, `ssh -W %h:%p` through the bastion to a host that is
 * reachable only from there, a failing command, and the command ended by PID on close. Each host
 * is resolved from inventory vars by resolveConnection, as the CLI does.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailable, labUp, type Lab } from './support/lab.js';
import { resolveConnection } from '../../src/connection/connection.js';
import { loadSshConfig } from '../../src/connection/load-ssh-config.js';
import { createTransport, noSecrets, TransportError } from '../../src/transport/index.js';
import type { InventoryHost } from '../../src/inventory/types.js';

let lab: Lab;
let work: string;

beforeAll(async () => {
  if (!labAvailable) return;
  work = mkdtempSync(join(tmpdir(), 'sf-proxycmd-'));
  lab = await labUp({ hosts: 1, bastion: true, sudoPasswordHosts: 0 });
});

afterAll(async () => {
  await lab?.down();
  if (work) rmSync(work, { recursive: true, force: true });
});

const q = (s: string) => `'${s}'`;

/** An inventory host as the lab writes it, with a ProxyCommand in ansible_ssh_common_args. */
function proxied(port: number, proxyCommand: string): InventoryHost {
  return {
    name: 'proxied',
    groups: ['all'],
    vars: {
      ansible_host: '127.0.0.1',
      ansible_port: port,
      ansible_user: 'root',
      ansible_ssh_private_key_file: lab.keyPath,
      ansible_ssh_common_args: `-o UserKnownHostsFile=${lab.knownHostsPath} -o StrictHostKeyChecking=yes -o ${q(`ProxyCommand=${proxyCommand}`)}`,
    },
  };
}

/** Whether PID is still alive, waiting up to 3 s for it to go. */
async function aliveAfterClose(pid: number): Promise<boolean> {
  for (let i = 0; i < 30; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    await sleep(100);
  }
  return true;
}

describe.skipIf(!labAvailable)('ProxyCommand (ssh2 transport)', () => {
  it('connects through `nc %h %p` and ends the command by PID on close', async () => {
    const pidFile = join(work, 'nc.pid');
    const host = proxied(
      lab.bastion!.port,
      `sh -c "echo \\$\\$ > ${pidFile}; exec busybox nc %h %p"`,
    );
    const conn = resolveConnection(host, await loadSshConfig('/nonexistent'));
    expect(conn.proxyCommand).toBe(
      `exec sh -c "echo \\$\\$ > ${pidFile}; exec busybox nc 127.0.0.1 ${lab.bastion!.port}"`,
    );
    const t = createTransport({ secrets: noSecrets, agentSocket: '' });
    try {
      const c = await t.connect(conn);
      const r = await c.exec('echo via-proxy; hostname', { timeoutMs: 10_000 });
      expect(r.stdout.split('\n')[0]).toBe('via-proxy');
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, 0); // running while the connection is open
      await c.close();
      expect(await aliveAfterClose(pid)).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('reaches a host behind the bastion with `ssh -W %h:%p` and checks its host key', async () => {
    const h = lab.host('h01');
    const cmd = `ssh -F ${lab.sshConfigPath} -p ${lab.bastion!.port} -W %h:%p 127.0.0.1`;
    const conn = resolveConnection(proxied(h.port, cmd), await loadSshConfig('/nonexistent'));
    expect(conn.jump).toEqual([]);
    const t = createTransport({ secrets: noSecrets, agentSocket: '' });
    try {
      const c = await t.connect(conn);
      const r = await c.exec('echo behind-bastion', { timeoutMs: 10_000 });
      expect(r.stdout.trim()).toBe('behind-bastion');
      await c.close();
      // Without the bastion, the host's port is closed in the machine's namespace.
      const direct = { ...conn, proxyCommand: undefined };
      delete direct.proxyCommand;
      const err = await t.connect(direct).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
    } finally {
      await t.close();
    }
  });

  it('a failing ProxyCommand is a network error that says how it ended and what it said', async () => {
    const conn = resolveConnection(
      // ssh runs `exec <command>`: the failing command is the shell here.
      proxied(lab.bastion!.port, 'sh -c "echo no route to %h >&2; exit 3"'),
      await loadSshConfig('/nonexistent'),
    );
    const t = createTransport({ secrets: noSecrets, agentSocket: '', retries: 0 });
    try {
      const err = await t.connect(conn).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).kind).toBe('network');
      expect((err as TransportError).message).toMatch(/ProxyCommand exited with 3/);
      expect((err as TransportError).message).toMatch(/stderr: no route to 127\.0\.0\.1/);
    } finally {
      await t.close();
    }
  });
});
