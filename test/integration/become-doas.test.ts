/**
 * ansible_become_method: doas (opendoas) against real lab hosts (OpenSSH sshd, loopback only).
 * Each lab host has its own /etc/doas.conf: `permit nopass <lab user> as root` on h01, plain
 * `permit` (the lab user's own password, which doas reads from a terminal only) on h02. Over doas
 * the fixed command and the data on stdin reach root intact, a whole check/apply/rollback works,
 * where doas would ask and no password is known the host fails with the reason and never hangs,
 * and with the password (over ssh2 and the system ssh) it goes to a terminal only while the
 * command's data keep their own channel; a wrong one fails fast; no FIFO directory is left.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostConnection } from '../../src/connection/types.js';
import { createTransport, noSecrets, type TransportError } from '../../src/transport/index.js';
import { controlNode } from './support/fleet-state.js';
import {
  becomeLeftovers,
  becomeRoundTrip,
  becomeTransport,
  labOpenSsh,
  writeBecomeInventory,
} from './support/become.js';
import { labAvailable, labUp, type Lab } from './support/lab.js';

const haveDoas = existsSync('/usr/bin/doas');
if (process.env['CI'] && labAvailable && !haveDoas)
  throw new Error('CI needs opendoas for the doas become tests (scripts/setup.sh --test)');

let lab: Lab;
let work: string;

beforeAll(async () => {
  if (!labAvailable || !haveDoas) return;
  work = mkdtempSync(join(tmpdir(), 'sf-doas-'));
  lab = await labUp({ hosts: 2, sudoPasswordHosts: 1 });
}, 120_000);

afterAll(async () => {
  await lab?.down();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

function target(i: number): HostConnection {
  const h = lab.hosts[i]!;
  return {
    name: h.name,
    connection: 'ssh',
    address: '127.0.0.1',
    port: h.port,
    user: lab.users.nonRoot,
    identityFiles: [lab.keyPath],
    jump: [],
    become: true,
    becomeUser: 'root',
    becomeMethod: 'doas',
    knownHostsFiles: [lab.knownHostsPath],
  };
}

const transport = () =>
  createTransport({ hostKeyPolicy: 'strict', secrets: noSecrets, connectTimeoutMs: 10_000 });

describe.skipIf(!labAvailable || !haveDoas)('become with doas', () => {
  it('the lab user becomes root with doas (permit nopass); command and stdin arrive intact', async () => {
    expect(lab.hosts[0]!.sudo).toBe('nopasswd');
    const t = transport();
    try {
      const conn = await t.connect(target(0));
      const r = await conn.exec(`id -u; printf '%s|' "it's"; cat`, {
        become: true,
        stdin: 'line 1\nline "2"\n',
        timeoutMs: 20_000,
      });
      expect(r).toEqual({ stdout: `0\nit's|line 1\nline "2"\n`, stderr: '', code: 0 });
    } finally {
      await t.close();
    }
  });

  it('where doas would ask for a password and none is known, the host fails with the reason', async () => {
    expect(lab.hosts[1]!.sudo).toBe('password');
    const t = transport();
    try {
      const conn = await t.connect(target(1));
      await expect(conn.exec('id -u', { become: true, timeoutMs: 20_000 })).rejects.toThrow(
        /doas on .* needs a password \(the login user's\): set SYSFLEET_BECOME_PASSWORD or use --ask-become-pass/,
      );
    } finally {
      await t.close();
    }
  });

  it('check, apply and rollback as the lab user with ansible_become_method=doas', async () => {
    const h = lab.hosts[0]!;
    const inv = join(work, 'doas.yaml');
    writeBecomeInventory(inv, lab, h, 'doas');
    const ctl = await controlNode(lab);
    try {
      const common = ['-i', inv, '--known-hosts', lab.knownHostsPath];
      await becomeRoundTrip(ctl, lab, h.name, common);
    } finally {
      await ctl.cleanup();
    }
  }, 120_000);
});

describe.skipIf(!labAvailable || !haveDoas).each(['ssh2', 'openssh'] as const)(
  'doas with a password over %s',
  (via) => {
    const withPassword = (p: string) => becomeTransport(p, via);
    const viaTarget = (): HostConnection => {
      const t = target(1);
      return via === 'openssh'
        ? {
            ...t,
            openssh: labOpenSsh(lab, t.port, t.user),
          }
        : t;
    };
    const leftovers = () => becomeLeftovers(lab, lab.hosts[1]!.name);

    it("the lab user becomes root with its own password; the command's data arrive intact", async () => {
      const t = withPassword(lab.sudoPassword());
      try {
        const conn = await t.connect(viaTarget());
        const r = await conn.exec(`id -u; printf '%s|' "it's"; cat; echo err >&2; exit 5`, {
          become: true,
          stdin: 'line 1\r\nline "2"\n\u0004 end',
          timeoutMs: 30_000,
        });
        expect(r).toEqual({
          stdout: `0\nit's|line 1\r\nline "2"\n\u0004 end`,
          stderr: 'err\n',
          code: 5,
        });
        const p = await conn.spawn('echo snapshot; read w; echo "got $w"', {
          become: true,
          timeoutMs: 30_000,
        });
        let out = '';
        p.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out === 'snapshot\n') p.stdin.end('go\n');
        });
        await expect(p.done).resolves.toMatchObject({ code: 0 });
        expect(out).toBe('snapshot\ngot go\n');
        expect(await leftovers()).toBe('');
      } finally {
        await t.close();
      }
    }, 60_000);

    it("a wrong password fails fast with doas's words and leaves nothing behind", async () => {
      const t = withPassword('not-the-password');
      try {
        const conn = await t.connect(viaTarget());
        const started = Date.now();
        const err = (await conn
          .exec('id -u', { become: true, timeoutMs: 30_000 })
          .catch((e: unknown) => e)) as TransportError;
        expect(err.kind).toBe('become');
        expect(err.message).toMatch(
          /doas on h02 rejected the become password \(the login password\): doas: Authentication failed/,
        );
        expect(Date.now() - started).toBeLessThan(15_000);
        expect(await leftovers()).toBe('');
      } finally {
        await t.close();
      }
    }, 60_000);
  },
);
