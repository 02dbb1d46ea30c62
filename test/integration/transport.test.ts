/**
 * The transport against real OpenSSH sshd hosts of the lab (network namespaces, loopback only).
 * Two labs: `lab` (h01..h04, direct; h01 general use, h02 stopped/blackholed, h03 gets its host
 * key rotated, h04 has password sudo) and `jumpLab` (a bastion with hosts reachable only through
 * it, by ProxyJump).
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailable, labUp, type Lab } from './support/lab.js';
import { expectConversation, expectKilledAtTimeout } from './support/connection-contract.js';
import type { HostConnection } from '../../src/connection/types.js';
import {
  createTransport,
  envSecrets,
  noSecrets,
  TransportError,
  type Connection,
  type ConnectOptions,
  type TransportEvent,
} from '../../src/transport/index.js';

let lab: Lab;
let jumpLab: Lab;
let work: string;

beforeAll(async () => {
  if (!labAvailable) return;
  work = mkdtempSync(join(tmpdir(), 'sf-transport-'));
  // Owned by this test run: global teardown removes them even if this file crashes.
  lab = await labUp({ hosts: 4, sudoPasswordHosts: 1 });
  jumpLab = await labUp({ hosts: 2, bastion: true, sudoPasswordHosts: 0 });
});

afterAll(async () => {
  await lab?.down();
  await jumpLab?.down();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Direct connection to a host of `lab` as `user`. */
function direct(name: string, user = 'root', become = false, of: Lab = lab): HostConnection {
  const h = of.host(name);
  return {
    name,
    connection: 'ssh',
    address: '127.0.0.1',
    port: h.port,
    user,
    identityFiles: [of.keyPath],
    jump: [],
    become,
    becomeUser: 'root',
    knownHostsFiles: [of.knownHostsPath],
  };
}

/** N commands at once on CONN, each sleeping SLEEP seconds then printing its index: the outputs. */
async function concurrentEchoes(conn: Connection, n: number, sleep: string): Promise<string[]> {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      conn.exec(`sleep ${sleep}; echo ${i}`, { timeoutMs: 20_000 }),
    ),
  );
  return results.map((r) => r.stdout.trim());
}

const indexes = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i));

/** A host of `jumpLab`, reached through its bastion. */
function viaBastion(name: string): HostConnection {
  const b = jumpLab.bastion;
  if (!b) throw new Error('lab without bastion');
  return {
    ...direct(name, 'root', false, jumpLab),
    jump: [{ address: '127.0.0.1', port: b.port, user: 'root', identityFiles: [jumpLab.keyPath] }],
  };
}

const base: ConnectOptions = { connectTimeoutMs: 5000, agentSocket: '', secrets: noSecrets };

function freshKnownHosts(content = ''): string {
  const f = join(work, `kh-${randomBytes(4).toString('hex')}`);
  writeFileSync(f, content);
  return f;
}

describe.skipIf(!labAvailable)('exec', () => {
  it('round-trips large binary stdin and reports exit codes', async () => {
    const t = createTransport(base);
    const conn = await t.connect(direct('h01'));
    try {
      const data = randomBytes(8 * 1024 * 1024);
      // ~11 MiB come back: past the 1 MiB default cap the command is killed...
      await expect(conn.exec('base64 -w0', { stdin: data, timeoutMs: 60_000 })).rejects.toThrow(
        /h01: output exceeded 1 MiB \(stdout; the command was killed\)/,
      );
      // ...and with a cap set for the call it round-trips
      const r = await conn.exec('base64 -w0', {
        stdin: data,
        timeoutMs: 60_000,
        maxOutputBytes: 16 * 1024 * 1024,
      });
      expect(r.code).toBe(0);
      expect(r.stdout.length).toBe(Math.ceil(data.length / 3) * 4);
      expect(r.stdout === data.toString('base64')).toBe(true);
      const fail = await conn.exec('echo nope >&2; exit 7');
      expect(fail).toEqual({ stdout: '', stderr: 'nope\n', code: 7 });
    } finally {
      await conn.close();
    }
  });

  it('runs more concurrent commands than sshd MaxSessions (10) allows channels, by queueing', async () => {
    const conn = await createTransport(base).connect(direct('h01'));
    try {
      expect(await concurrentEchoes(conn, 16, '0.3')).toEqual(indexes(16));
    } finally {
      await conn.close();
    }
  });

  it('runs 8 concurrent commands on a host whose sshd allows only 2 sessions (hardened MaxSessions)', async () => {
    // sshd -i reads its config per connection: the next connection to h01 allows 2 sessions.
    const config = '/etc/ssh/sshd_config';
    await lab.exec('h01', [
      'sh',
      '-c',
      `cp ${config} ${config}.orig && echo 'MaxSessions 2' >> ${config}`,
    ]);
    try {
      const conn = await createTransport(base).connect(direct('h01'));
      try {
        expect(await concurrentEchoes(conn, 8, '0.1')).toEqual(indexes(8));
      } finally {
        await conn.close();
      }
    } finally {
      await lab.exec('h01', ['sh', '-c', `mv ${config}.orig ${config}`]);
    }
  });

  it('kills a command at its timeout', async () => {
    const conn = await createTransport(base).connect(direct('h01'));
    try {
      await expectKilledAtTimeout(conn, lab, 'h01', 3000 + (process.pid % 1000));
    } finally {
      await conn.close();
    }
  });

  it('streams a conversation with spawn', async () => {
    const conn = await createTransport(base).connect(direct('h01'));
    try {
      await expectConversation(conn);
    } finally {
      await conn.close();
    }
  });
});

describe.skipIf(!labAvailable)('host keys', () => {
  it('strict: refuses an unknown host and runs nothing', async () => {
    const kh = freshKnownHosts();
    const err = await createTransport({ ...base, knownHostsFiles: [kh] })
      .connect(direct('h01'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).kind).toBe('host_key_unknown');
    expect((err as TransportError).message).toMatch(/SHA256:/);
  });

  it('accept-new: records the key once, then it is known', async () => {
    const kh = freshKnownHosts();
    const events: TransportEvent[] = [];
    const t = createTransport({
      ...base,
      hostKeyPolicy: 'accept-new',
      knownHostsFiles: [kh],
      onEvent: (e) => events.push(e),
    });
    const conn = await t.connect(direct('h01'));
    await conn.close();
    const lines = readFileSync(kh, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^\\[127\\.0\\.0\\.1\\]:${lab.host('h01').port} ssh-ed25519 `),
    );
    expect(events.filter((e) => e.type === 'host-key-recorded')).toHaveLength(1);
    // A new transport reading the file now connects under strict.
    const again = await createTransport({ ...base, knownHostsFiles: [kh] }).connect(direct('h01'));
    await again.close();
  });

  it('off: connects to an unknown host and says so on every connection', async () => {
    const events: TransportEvent[] = [];
    const t = createTransport({
      ...base,
      hostKeyPolicy: 'off',
      knownHostsFiles: [freshKnownHosts()],
      onEvent: (e) => events.push(e),
    });
    const conn = await t.connect(direct('h01'));
    await conn.close();
    expect(events.filter((e) => e.type === 'host-key-unverified')).toHaveLength(1);
  });

  it('changed key: refused under strict and accept-new, nothing ran', async () => {
    const kh = freshKnownHosts();
    copyFileSync(lab.knownHostsPath, kh);
    await lab.rotateHostKey('h03');
    const marker = `/tmp/sf-transport-ran-${process.pid}`;
    for (const policy of ['strict', 'accept-new'] as const) {
      const err = await createTransport({ ...base, hostKeyPolicy: policy, knownHostsFiles: [kh] })
        .connect(direct('h03'))
        .then((c) => c.exec(`touch ${marker}`))
        .catch((e: unknown) => e);
      expect((err as TransportError).kind).toBe('host_key_changed');
      expect((err as TransportError).message).toMatch(new RegExp(`SHA256:\\S+.*${kh}:\\d+`));
    }
    const check = await lab.exec('h03', [
      'sh',
      '-c',
      `test -e ${marker} && echo ran || echo clean`,
    ]);
    expect(check.stdout.trim()).toBe('clean');
    expect(readFileSync(kh, 'utf8')).toBe(readFileSync(lab.knownHostsPath, 'utf8'));
  });
});

describe.skipIf(!labAvailable)('failures', () => {
  it('refused port is reported as refused, quickly and without retries', async () => {
    const events: TransportEvent[] = [];
    await lab.stop('h02');
    try {
      const err = await createTransport({ ...base, onEvent: (e) => events.push(e) })
        .connect(direct('h02'))
        .catch((e: unknown) => e);
      expect((err as TransportError).kind).toBe('refused');
      expect(events.filter((e) => e.type === 'connect-attempt')).toHaveLength(1);
    } finally {
      await lab.start('h02');
    }
  });

  it('a host that accepts TCP but never speaks SSH times out within connectTimeout', async () => {
    await lab.blackhole('h02');
    try {
      const started = Date.now();
      const err = await createTransport({ ...base, connectTimeoutMs: 1500 })
        .connect(direct('h02'))
        .catch((e: unknown) => e);
      const took = Date.now() - started;
      expect((err as TransportError).kind).toBe('timeout');
      expect(took).toBeGreaterThanOrEqual(1400);
      expect(took).toBeLessThan(4000);
    } finally {
      await lab.blackhole('h02', false);
    }
  });

  it('auth failure is not retried and lists what was tried', async () => {
    const events: TransportEvent[] = [];
    const wrongKey = join(work, 'wrong_key');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
    const err = await createTransport({
      ...base,
      keyFiles: [wrongKey],
      onEvent: (e) => events.push(e),
    })
      .connect(direct('h01'))
      .catch((e: unknown) => e);
    expect((err as TransportError).kind).toBe('auth');
    expect((err as TransportError).message).toContain(`key ${wrongKey}`);
    expect(events.filter((e) => e.type === 'connect-attempt')).toHaveLength(1);
  });

  it('a TCP server that resets before the banner is retried, then reported as network', async () => {
    const server: Server = createServer((s) => s.resetAndDestroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const events: TransportEvent[] = [];
    try {
      const err = await createTransport({
        ...base,
        retries: 2,
        retryBaseMs: 10,
        onEvent: (e) => events.push(e),
      })
        .connect({ ...direct('h01'), port })
        .catch((e: unknown) => e);
      expect((err as TransportError).kind).toBe('network');
      expect(events.filter((e) => e.type === 'connect-attempt')).toHaveLength(3);
    } finally {
      server.close();
    }
  });

  it('abort closes promptly, mid-command', async () => {
    const conn = await createTransport(base).connect(direct('h01'));
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(new Error('deadline')), 300);
    await expect(conn.exec('sleep 30', { signal: ac.signal })).rejects.toThrow('deadline');
    expect(Date.now() - started).toBeLessThan(3000);
    await conn.close();
  });

  it('abort during connect to a hung host returns promptly', async () => {
    await lab.blackhole('h02');
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('deadline')), 300);
      const started = Date.now();
      await expect(
        createTransport({ ...base, connectTimeoutMs: 20_000 }).connect(direct('h02'), ac.signal),
      ).rejects.toThrow('deadline');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await lab.blackhole('h02', false);
    }
  });
});

describe.skipIf(!labAvailable)('run signal', () => {
  it('closes every connection, jump connections included, promptly', async () => {
    const ac = new AbortController();
    const t = createTransport({ ...base, signal: ac.signal });
    const a = await t.connect(direct('h01'));
    const b = await t.connect(viaBastion('h01'));
    expect(t.jumpPool.openCount).toBe(1);
    const running = [a, b].map((c) => c.exec('sleep 30').catch((e: unknown) => e));
    const started = Date.now();
    setTimeout(() => ac.abort(new Error('deadline')), 200);
    const results = await Promise.all(running);
    expect(Date.now() - started).toBeLessThan(3000);
    for (const r of results) expect(r).toBeInstanceOf(TransportError);
    await new Promise((r) => setTimeout(r, 100));
    expect(t.jumpPool.openCount).toBe(0);
    await expect(t.connect(direct('h01'))).rejects.toThrow('deadline');
  });
});

describe.skipIf(!labAvailable)('become', () => {
  const nonRoot = () => lab.users.nonRoot;
  const sudoHost = (mode: 'nopasswd' | 'password') => {
    const h = lab.hosts.find((x) => x.sudo === mode && x.name !== 'h03');
    if (!h) throw new Error(`no ${mode} host in the lab`);
    return h.name;
  };

  it('sudo -n works where sudo needs no password', async () => {
    const conn = await createTransport(base).connect(direct(sudoHost('nopasswd'), nonRoot(), true));
    try {
      expect((await conn.exec('id -un')).stdout.trim()).toBe(nonRoot());
      const r = await conn.exec('id -un; cat', { become: true, stdin: 'payload\n' });
      expect(r.stdout).toBe('root\npayload\n');
    } finally {
      await conn.close();
    }
  });

  it('with a password: sudo reads exactly the password line, the command gets the rest', async () => {
    const secrets = envSecrets({ SYSFLEET_BECOME_PASSWORD: lab.sudoPassword() });
    const conn = await createTransport({ ...base, secrets }).connect(
      direct(sudoHost('password'), nonRoot(), true),
    );
    try {
      const payload = randomBytes(256 * 1024);
      const r = await conn.exec('id -un >&2; sha256sum | cut -d" " -f1', {
        become: true,
        stdin: payload,
      });
      const { createHash } = await import('node:crypto');
      expect(r.stderr.trim()).toBe('root');
      expect(r.stdout.trim()).toBe(createHash('sha256').update(payload).digest('hex'));
      // Same for a streamed conversation.
      const p = await conn.spawn('id -un; cat', { become: true });
      let out = '';
      p.stdout.on('data', (c: Buffer) => (out += c.toString()));
      p.stdin.end('hello\n');
      await p.done;
      expect(out).toBe('root\nhello\n');
    } finally {
      await conn.close();
    }
  });

  it('password needed but not given: a clear become error', async () => {
    const conn = await createTransport(base).connect(direct(sudoHost('password'), nonRoot(), true));
    try {
      const err = await conn.exec('id -un', { become: true }).catch((e: unknown) => e);
      expect((err as TransportError).kind).toBe('become');
      expect((err as TransportError).message).toBe(
        `sudo requires a password on ${sudoHost('password')}: set SYSFLEET_BECOME_PASSWORD or use --ask-become-pass`,
      );
    } finally {
      await conn.close();
    }
  });

  it('wrong password: refused, and the password never reaches the command', async () => {
    const secrets = envSecrets({ SYSFLEET_BECOME_PASSWORD: 'not-the-password' });
    const conn = await createTransport({ ...base, secrets }).connect(
      direct(sudoHost('password'), nonRoot(), true),
    );
    try {
      const leak = `/tmp/sf-transport-leak-${process.pid}`;
      const err = await conn
        .exec(`cat > ${leak}`, { become: true, stdin: 'x' })
        .catch((e: unknown) => e);
      expect((err as TransportError).kind).toBe('become');
      expect((err as TransportError).message).toContain('rejected the become password');
      const after = await lab.exec(sudoHost('password'), [
        'sh',
        '-c',
        `test -e ${leak} && echo leaked || echo clean`,
      ]);
      expect(after.stdout.trim()).toBe('clean');
    } finally {
      await conn.close();
    }
  });

  it('a password given for a nopasswd host is not fed to the command', async () => {
    const secrets = envSecrets({ SYSFLEET_BECOME_PASSWORD: 'unused-secret' });
    const conn = await createTransport({ ...base, secrets }).connect(
      direct(sudoHost('nopasswd'), nonRoot(), true),
    );
    try {
      const r = await conn.exec('cat', { become: true, stdin: 'data\n' });
      expect(r.stdout).toBe('data\n');
    } finally {
      await conn.close();
    }
  });
});

describe.skipIf(!labAvailable)('ProxyJump', () => {
  it('shares one bastion connection across hosts and closes it after the last one', async () => {
    const events: TransportEvent[] = [];
    const t = createTransport({ ...base, onEvent: (e) => events.push(e), maxConcurrentPerJump: 2 });
    const names = jumpLab.hosts.filter((h) => h.behindBastion).map((h) => h.name);
    expect(names.length).toBeGreaterThanOrEqual(2);
    const conns = await Promise.all([...names, ...names].map((n) => t.connect(viaBastion(n))));
    const outs = await Promise.all(conns.map((c) => c.exec('cat /proc/sys/kernel/hostname')));
    expect(outs.every((o) => o.code === 0)).toBe(true);
    expect(t.jumpPool.opened).toBe(1);
    expect(t.jumpPool.openCount).toBe(1);
    await Promise.all(conns.map((c) => c.close()));
    await new Promise((r) => setTimeout(r, 200));
    expect(t.jumpPool.openCount).toBe(0);
    expect(events.filter((e) => e.type === 'jump-closed')).toHaveLength(1);
  });

  it('reports a stopped host behind the bastion by its path, a hung one as timeout', async () => {
    const t = createTransport({ ...base, connectTimeoutMs: 1500 });
    await jumpLab.stop('h01');
    try {
      const err = await t.connect(viaBastion('h01')).catch((e: unknown) => e);
      // The lab's bastion now refuses like a real network ("jump host X could not reach Y:
      // Connection refused"); a forwarder that accepts then drops gives "... via X". Either way
      // the message names the host and the jump host it went through.
      expect(['refused', 'network']).toContain((err as TransportError).kind);
      expect((err as TransportError).message).toMatch(
        /^h01: (jump host root@127\.0\.0\.1:\d+ could not reach 127\.0\.0\.1:\d+: .*refused|.*via root@127\.0\.0\.1:\d+)/i,
      );
    } finally {
      await jumpLab.start('h01');
    }
    await jumpLab.blackhole('h02');
    try {
      const started = Date.now();
      const err = await t.connect(viaBastion('h02')).catch((e: unknown) => e);
      expect((err as TransportError).kind).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      await jumpLab.blackhole('h02', false);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(t.jumpPool.openCount).toBe(0);
  });

  it('checks the jump host key too', async () => {
    const kh = freshKnownHosts(
      readFileSync(jumpLab.knownHostsPath, 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith(`[127.0.0.1]:${jumpLab.bastion?.port} `))
        .join('\n'),
    );
    const err = await createTransport({ ...base, knownHostsFiles: [kh] })
      .connect(viaBastion('h01'))
      .catch((e: unknown) => e);
    expect((err as TransportError).kind).toBe('host_key_unknown');
    expect((err as TransportError).host).toBe('h01');
    expect((err as TransportError).message).toMatch(/^h01: jump host 127\.0\.0\.1:\d+ is not in /);
  });
});
