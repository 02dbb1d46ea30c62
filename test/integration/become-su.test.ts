/**
 * ansible_become_method: su against real lab hosts (OpenSSH sshd, loopback only). h01: root's
 * password is `*`, so su works from root (pam_rootok) and nowhere else; where su would ask and no
 * password is known the host fails with the reason, never hangs. h02: root has a password of its
 * own (`rootPasswordHosts`), and the lab user su's to root WITH it, over ssh2 and over the system
 * ssh: the password goes to a terminal only, the command's stdin/stdout/stderr/exit status
 * travel on a second, plain channel intact (binary, and a live back-and-forth like apply's
 * snapshot/go), a wrong password fails fast with su's words, and no FIFO directory is left in
 * /tmp, whatever the outcome. Then a real `sysfleet apply` and `rollback` through it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostConnection } from '../../src/connection/types.js';
import type { TransportError } from '../../src/transport/index.js';
import { controlNode } from './support/fleet-state.js';
import {
  becomeLeftovers,
  becomeRoundTrip,
  becomeTransport,
  labOpenSsh,
  writeBecomeInventory,
} from './support/become.js';
import { labAvailable, labUp, type Lab } from './support/lab.js';

let lab: Lab;
let work: string;

beforeAll(async () => {
  if (!labAvailable) return;
  work = mkdtempSync(join(tmpdir(), 'sf-su-'));
  lab = await labUp({ hosts: 2, sudoPasswordHosts: 0, rootPasswordHosts: 1 });
}, 120_000);

afterAll(async () => {
  await lab?.down();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

type Via = 'ssh2' | 'openssh';

function target(user: string, becomeUser: string, i = 0, via: Via = 'ssh2'): HostConnection {
  const h = lab.hosts[i]!;
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
    ...(via === 'openssh'
      ? {
          openssh: labOpenSsh(lab, h.port, user),
        }
      : {}),
  };
}

const transport = (password?: string, via: Via = 'ssh2') => becomeTransport(password, via);
const leftovers = (host: string) => becomeLeftovers(lab, host);

/** Bounded wait (5 s) for the host to have removed every FIFO directory. */
async function noLeftovers(host: string): Promise<void> {
  let left = '';
  for (let i = 0; i < 50; i++) {
    left = await leftovers(host);
    if (left === '') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(left).toBe('');
}

describe.skipIf(!labAvailable)('become with su', () => {
  it('root becomes the lab user with su; command and stdin arrive intact', async () => {
    const t = transport();
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
  it('where su would ask for a password and none is known, the host fails with the reason', async () => {
    const t = transport();
    try {
      const conn = await t.connect(target(lab.users.nonRoot, 'root'));
      await expect(conn.exec('id -u', { become: true, timeoutMs: 20_000 })).rejects.toThrow(
        /su on .* needs a password \(the become user's\): set SYSFLEET_BECOME_PASSWORD or use --ask-become-pass/,
      );
    } finally {
      await t.close();
    }
  });
});

describe.skipIf(!labAvailable).each(['ssh2', 'openssh'] as const)(
  'su with a password over %s',
  (via) => {
    const h02 = () => lab.hosts[1]!.name;

    it("the lab user becomes root with root's password: stdin, stdout, stderr, exit code intact", async () => {
      expect(lab.hosts[1]!.rootPassword).toBe(true);
      const t = transport(lab.rootPassword(), via);
      try {
        const conn = await t.connect(target(lab.users.nonRoot, 'root', 1, via));
        const r = await conn.exec(`id -u; printf '%s|' "it's"; cat; echo 'to stderr' >&2; exit 3`, {
          become: true,
          stdin: 'line 1\r\nline "2"\n\u0004\u0003 end',
          timeoutMs: 30_000,
        });
        expect(r).toEqual({
          stdout: `0\nit's|line 1\r\nline "2"\n\u0004\u0003 end`,
          stderr: 'to stderr\n',
          code: 3,
        });
        // the next command of the same connection needs no new probe, and sees EOF on stdin
        const again = await conn.exec('cat; echo done', { become: true, timeoutMs: 30_000 });
        expect(again).toEqual({ stdout: 'done\n', stderr: '', code: 0 });
        await noLeftovers(h02());
      } finally {
        await t.close();
      }
    }, 60_000);

    it('binary data both ways, byte for byte (every byte value, 1 MiB)', async () => {
      const t = transport(lab.rootPassword(), via);
      try {
        const conn = await t.connect(target(lab.users.nonRoot, 'root', 1, via));
        const block = Buffer.alloc(256);
        for (let i = 0; i < 256; i++) block[i] = i;
        const data = Buffer.concat([block, randomBytes(1024 * 1024 - 512), block]);
        const p = await conn.spawn('cat; printf "\\0\\377" >&2', {
          become: true,
          timeoutMs: 60_000,
          maxOutputBytes: 2 * 1024 * 1024,
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        p.stdout.on('data', (c: Buffer) => out.push(c));
        p.stderr.on('data', (c: Buffer) => err.push(c));
        p.stdin.end(data);
        await expect(p.done).resolves.toMatchObject({ code: 0 });
        const got = Buffer.concat(out);
        expect(got.length).toBe(data.length);
        expect(createHash('sha256').update(got).digest('hex')).toBe(
          createHash('sha256').update(data).digest('hex'),
        );
        expect(Buffer.concat(err)).toEqual(Buffer.from([0, 255]));
      } finally {
        await t.close();
      }
    }, 90_000);

    it("a live back-and-forth like apply's: the host speaks first, then waits for the answer", async () => {
      const t = transport(lab.rootPassword(), via);
      try {
        const conn = await t.connect(target(lab.users.nonRoot, 'root', 1, via));
        const p = await conn.spawn(
          'echo "snapshot $(id -u)"; read w; echo "got $w"; read x; echo "then $x"; exit 4',
          { become: true, timeoutMs: 30_000 },
        );
        let out = '';
        p.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out === 'snapshot 0\n') p.stdin.write('go\n');
          if (out === 'snapshot 0\ngot go\n') p.stdin.end('more\n');
        });
        await expect(p.done).resolves.toMatchObject({ code: 4 });
        expect(out).toBe('snapshot 0\ngot go\nthen more\n');
        await noLeftovers(h02());
      } finally {
        await t.close();
      }
    }, 60_000);

    it('a wrong password fails fast with su’s words; the lab user’s own password is wrong too', async () => {
      for (const wrong of ['not-the-password', lab.sudoPassword()]) {
        const t = transport(wrong, via);
        try {
          const conn = await t.connect(target(lab.users.nonRoot, 'root', 1, via));
          const started = Date.now();
          const err = (await conn
            .exec('id -u', { become: true, timeoutMs: 30_000 })
            .catch((e: unknown) => e)) as TransportError;
          expect(err.kind).toBe('become');
          expect(err.message).toMatch(
            /su on h02 rejected the become password \(root's password\): .*Authentication failure/,
          );
          expect(err.message).not.toContain(wrong);
          // pam_unix waits ~2 s after a failure; far below the 30 s timeout
          expect(Date.now() - started).toBeLessThan(15_000);
          await noLeftovers(h02());
        } finally {
          await t.close();
        }
      }
    }, 60_000);

    it('a command past its timeout is killed, and leaves no directory behind', async () => {
      const t = transport(lab.rootPassword(), via);
      try {
        const conn = await t.connect(target(lab.users.nonRoot, 'root', 1, via));
        // settle become first, so the timeout below is the command's own
        expect((await conn.exec('echo ok', { become: true, timeoutMs: 30_000 })).stdout).toBe(
          'ok\n',
        );
        const started = Date.now();
        const err = (await conn
          .exec('sleep 47', { become: true, timeoutMs: 1500 })
          .catch((e: unknown) => e)) as TransportError;
        expect(err.kind).toBe('timeout');
        expect(Date.now() - started).toBeLessThan(6000);
        await noLeftovers(h02());
        // the connection still works through su
        expect((await conn.exec('id -u', { become: true, timeoutMs: 30_000 })).stdout).toBe('0\n');
        const ac = new AbortController();
        // (the command itself ends on the host by its remote timeout, as any aborted command)
        const aborted = conn.exec('sleep 48', {
          become: true,
          timeoutMs: 5_000,
          signal: ac.signal,
        });
        setTimeout(() => ac.abort(new Error('stop now')), 300);
        await expect(aborted).rejects.toThrow(/stop now/);
        await noLeftovers(h02());
      } finally {
        await t.close();
      }
    }, 60_000);

    it('check, apply and rollback as the lab user with ansible_become_method=su and a password', async () => {
      const h = lab.hosts[1]!;
      const inv = join(work, `su-${via}.yaml`);
      writeBecomeInventory(inv, lab, h, 'su');
      const ctl = await controlNode(lab);
      ctl.env['SYSFLEET_BECOME_PASSWORD'] = lab.rootPassword();
      try {
        const common = ['-i', inv, '--known-hosts', lab.knownHostsPath, '--transport', via];
        const runs = await becomeRoundTrip(ctl, lab, h.name, common);
        expect(await leftovers(h.name)).toBe('');
        for (const r of runs) expect(r.stdout + r.stderr).not.toContain(lab.rootPassword());
      } finally {
        await ctl.cleanup();
      }
    }, 180_000);
  },
);
