/**
 * The host side of apply/rollback, run for real (no SSH): each test gets a throwaway network
 * namespace + private mount namespace where /etc/sysctl.d and /var/lib are bind mounts of temp
 * dirs. net.* writes hit only that netns; files land only in the temp dirs. Every host program
 * runs through a test-only Connection (nsenter into that namespace, `sh -s` on stdin) under dash,
 * under busybox (sh AND its applets first on PATH) and under bash as sh.
 * Needs root; skipped when not root outside CI, and FAILS in CI when not root or busybox missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import {
  chmod,
  chown,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyHost,
  collectResult,
  collectRollbackResult,
  listHostSnapshots,
  readHostSnapshot,
  rollbackHost,
} from '../../src/apply/host-apply.js';
import { newRunId } from '../../src/apply/run-id.js';
import { HOST_COMMAND, renderApplyScript } from '../../src/apply/script.js';
import { openStore, type SnapshotStore } from '../../src/apply/store.js';
import type { HostPlan, KeyChange } from '../../src/plan/types.js';
import type {
  Connection,
  ExecOptions,
  ExecResult,
  RemoteProcess,
} from '../../src/transport/types.js';
import { inCi, runsAsRoot, SHELL_BINARIES } from './support/shells.js';

const root = runsAsRoot;
const { dash: DASH, busybox: BUSYBOX, bash: BASH } = SHELL_BINARIES;

/** dash (Debian/Ubuntu /bin/sh), busybox (Alpine, embedded), bash (RHEL family /bin/sh). */
type Shell = 'dash' | 'busybox' | 'bash';

/** One throwaway "host": a sleeping process that holds a private netns + mount ns. */
class NsHost {
  holder!: ChildProcess;
  pid = 0;
  constructor(
    readonly base: string,
    readonly shell: Shell,
  ) {}
  get etc(): string {
    return join(this.base, 'etc-sysctl.d');
  }
  get varLib(): string {
    return join(this.base, 'var-lib');
  }
  get sfDir(): string {
    return join(this.varLib, 'sysfleet');
  }
  get binDir(): string {
    return join(this.base, 'bin');
  }

  static async create(shell: Shell): Promise<NsHost> {
    const h = new NsHost(await mkdtemp(join(tmpdir(), 'sf-applytest-')), shell);
    await mkdir(h.etc);
    await mkdir(h.varLib);
    await mkdir(h.binDir);
    if (shell === 'busybox') {
      const r = spawnSync(BUSYBOX as string, ['--install', '-s', h.binDir]);
      if (r.status !== 0) throw new Error(`busybox --install failed: ${r.stderr.toString()}`);
    } else {
      await symlink((shell === 'bash' ? BASH : DASH) as string, join(h.binDir, 'sh'));
    }
    const setup =
      'mount --bind "$1" /etc/sysctl.d && mount --bind "$2" /var/lib && echo ready && exec sleep 900';
    h.holder = spawn(
      'unshare',
      ['--net', '--mount', '--propagation', 'private', 'sh', '-c', setup, 'sh', h.etc, h.varLib],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    h.pid = h.holder.pid ?? 0;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('namespace holder did not start')), 10_000);
      let err = '';
      h.holder.stderr?.on('data', (c: Buffer) => (err += c.toString()));
      h.holder.stdout?.on('data', (c: Buffer) => {
        if (c.toString().includes('ready')) {
          clearTimeout(t);
          resolve();
        }
      });
      h.holder.on('exit', () => {
        clearTimeout(t);
        reject(new Error(`namespace holder exited: ${err}`));
      });
    });
    return h;
  }

  /** argv that runs `sh -c command` inside the namespaces, with the shell under test first on PATH. */
  argv(command: string): string[] {
    const path = `${this.binDir}:/usr/sbin:/usr/bin:/sbin:/bin`;
    return [
      '-t',
      String(this.pid),
      '-n',
      '-m',
      '--',
      '/usr/bin/env',
      `PATH=${path}`,
      'sh',
      '-c',
      command,
    ];
  }

  /** Run a command inside as the test itself (inspection, setup): not through the programs. */
  run(command: string): string {
    const r = spawnSync('nsenter', this.argv(command), { encoding: 'utf8', timeout: 20_000 });
    if (r.status !== 0) throw new Error(`ns command failed (${r.status}): ${command}: ${r.stderr}`);
    return r.stdout;
  }

  sysctl(key: string): string {
    return this.run(`cat /proc/sys/${key.replace(/\./g, '/')}`)
      .trim()
      .split(/\s+/)
      .join(' ');
  }

  setSysctl(key: string, value: string): void {
    this.run(`printf '%s\\n' '${value}' > /proc/sys/${key.replace(/\./g, '/')}`);
  }

  async destroy(): Promise<void> {
    if (this.holder.exitCode === null && this.holder.signalCode === null) {
      const exited = new Promise((r) => this.holder.once('exit', r));
      process.kill(this.pid, 'SIGKILL');
      await exited;
    }
    // Detached workers of a test may still run for a moment inside; they die with their work
    // done (bounded), the mounts go with the last process in the namespace.
    await rm(this.base, { recursive: true, force: true });
  }

  connection(name = 'nshost'): NsConnection {
    return new NsConnection(name, this);
  }
}

/** Test-only Connection: kill() behaves like a dropped SSH channel (pipes closed, SIGHUP). */
class NsConnection implements Connection {
  constructor(
    readonly host: string,
    private readonly ns: NsHost,
  ) {}

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const p = await this.spawn(command, options);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.stdin.end(options.stdin ?? '');
    const r = await p.done;
    return { stdout, stderr, code: r.code, ...(r.signal ? { signal: r.signal } : {}) };
  }

  async spawn(command: string, options: Omit<ExecOptions, 'stdin'> = {}): Promise<RemoteProcess> {
    const child = spawn('nsenter', this.ns.argv(command), { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => undefined);
    const timeoutMs = options.timeoutMs ?? 60_000;
    const done = new Promise<{ code: number | null; signal?: string }>((resolve, reject) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`timeout after ${timeoutMs} ms`));
      }, timeoutMs);
      child.on('close', (code, signal) => {
        clearTimeout(t);
        resolve({ code, ...(signal ? { signal } : {}) });
      });
    });
    done.catch(() => undefined);
    return {
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      done,
      kill: () => {
        child.stdin.destroy();
        child.stdout.destroy();
        child.stderr.destroy();
        if (child.exitCode === null) child.kill('SIGHUP');
      },
    };
  }

  async close(): Promise<void> {}
}

const KEEPALIVE = 'net.ipv4.tcp_keepalive_time';
const INTVL = 'net.ipv4.tcp_keepalive_intvl';
const PORTS = 'net.ipv4.ip_local_port_range';
const FILE = '/etc/sysctl.d/60-sysfleet-test.conf';
/** Global (read-only outside the initial netns): writing it from our netns must fail EACCES. */
const WMEM = 'net.core.wmem_max';

function planOf(changes: KeyChange[], content?: string): HostPlan {
  return {
    host: 'nshost',
    verdicts: [],
    changes,
    ...(content !== undefined ? { persistFile: { path: FILE, content } } : {}),
    findings: [],
    shadowWarnings: [],
  };
}

const change = (key: string, to: string, runtime = true): KeyChange => ({ key, to, runtime });
const fileOnHost = (h: NsHost): string => join(h.etc, '60-sysfleet-test.conf');

async function fileFacts(
  path: string,
): Promise<{ content: string; mode: number; uid: number; gid: number } | 'absent'> {
  if (!existsSync(path)) return 'absent';
  const s = await stat(path);
  return { content: await readFile(path, 'utf8'), mode: s.mode & 0o7777, uid: s.uid, gid: s.gid };
}

/** The lock is a symlink to a non-existent "file" (its record): existsSync would follow it. */
function lockExists(h: NsHost): boolean {
  try {
    lstatSync(join(h.sfDir, 'lock'));
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, tries = 50): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.skipIf(!root && !inCi)('apply/rollback host programs (real namespaces)', () => {
  it('runs as root with dash and busybox present (required in CI)', () => {
    expect(root).toBe(true);
    expect(DASH, 'dash is needed').toBeDefined();
    expect(BASH, 'bash is needed').toBeDefined();
    expect(BUSYBOX, 'busybox is needed: apt-get install -y busybox').toBeDefined();
  });

  const shells: Shell[] = ['dash', 'busybox', 'bash'];
  describe.each(shells)('under %s', (shell) => {
    let host: NsHost;
    let conn: NsConnection;
    let store: SnapshotStore;
    let stateDir: string;
    const opts = { become: false, timeoutMs: 60_000 };

    beforeEach(async () => {
      host = await NsHost.create(shell);
      conn = host.connection();
      stateDir = await mkdtemp(join(tmpdir(), 'sf-applytest-state-'));
      store = openStore(stateDir);
    });
    afterEach(async () => {
      await host?.destroy();
      await rm(stateDir, { recursive: true, force: true });
    });

    async function newRun(): Promise<string> {
      const id = newRunId();
      await store.createRun({ id, kind: 'apply', hosts: ['nshost'] });
      return id;
    }

    it('writes the file byte for byte: quotes, backslashes, $(...), tabs, trailing blanks', async () => {
      const content =
        '# playbook "it\'s" from /srv/o\'neil/$(id)/`id`/x.yaml\\n \\\\\n\tnet.ipv4.tcp_keepalive_time = 600  \n\n';
      const res = await applyHost(conn, planOf([change(KEEPALIVE, '600')], content), {
        ...opts,
        runId: await newRun(),
        store,
      });
      expect(res.state, JSON.stringify(res)).toBe('changed');
      expect(res.files[0]).toMatchObject({ path: FILE, action: 'written' });
      expect(await readFile(fileOnHost(host), 'utf8')).toBe(content);
      const st = await stat(fileOnHost(host));
      expect([(st.mode & 0o777).toString(8), st.uid, st.gid]).toEqual(['644', 0, 0]);
    });

    it('applies, then rollback restores byte-identical file (content, mode, owner) and values', async () => {
      const original = '# vendor tuning\nnet.ipv4.tcp_keepalive_time = 7000\n';
      await writeFile(fileOnHost(host), original);
      await chmod(fileOnHost(host), 0o640);
      await chown(fileOnHost(host), 1234, 5678);
      const before = await fileFacts(fileOnHost(host));
      const runId = await newRun();
      const plan = planOf(
        [change(KEEPALIVE, '600'), change(PORTS, '20000 60000'), change(INTVL, '75', false)],
        'net.ipv4.tcp_keepalive_time = 600\nnet.ipv4.ip_local_port_range = 20000 60000\n',
      );
      const res = await applyHost(conn, plan, { ...opts, runId, store, by: 'tester@ctl' });
      expect(res.state, JSON.stringify(res)).toBe('changed');
      expect(host.sysctl(KEEPALIVE)).toBe('600');
      expect(host.sysctl(PORTS)).toBe('20000 60000');
      expect(await readFile(fileOnHost(host), 'utf8')).toBe(plan.persistFile?.content);
      expect(((await stat(fileOnHost(host))).mode & 0o777).toString(8)).toBe('644');
      // the owner of the file it replaced is kept
      expect((await stat(fileOnHost(host))).uid).toBe(1234);
      expect((await stat(fileOnHost(host))).gid).toBe(5678);
      expect(res.keys.find((k) => k.key === KEEPALIVE)).toMatchObject({
        action: 'written',
        before: '7200',
        after: '600',
      });
      expect(res.keys.find((k) => k.key === INTVL)?.action).toBe('skipped');
      // the control node stored the snapshot before go; the host kept its own copy
      const rec = await store.loadHost(runId, 'nshost');
      expect(rec?.snapshot?.keys).toContainEqual({
        key: PORTS,
        state: 'value',
        value: '32768 60999',
        runValue: '20000 60000',
      });
      expect(rec?.result?.state).toBe('changed');
      expect(existsSync(join(host.sfDir, 'snapshots', `${runId}.snap`))).toBe(true);
      expect(lockExists(host)).toBe(false);

      const rb = await rollbackHost(conn, rec!.snapshot!, rec!.plan, { ...opts, by: 'tester@ctl' });
      expect(rb.state, JSON.stringify(rb)).toBe('rolled_back');
      expect(host.sysctl(KEEPALIVE)).toBe('7200');
      expect(host.sysctl(PORTS)).toBe('32768 60999');
      expect(await fileFacts(fileOnHost(host))).toEqual(before);

      const collected = await collectRollbackResult(conn, runId, opts);
      expect(collected?.state).toBe('rolled_back');
      expect(collected?.keys).toEqual(rb.keys);

      const again = await rollbackHost(conn, rec!.snapshot!, rec!.plan, {
        ...opts,
        by: 'tester@ctl',
      });
      expect(again.state).toBe('unchanged');
      expect(again.reason).toMatch(/already restored/);
      expect(
        again.keys.every((k) => k.action === 'already' || k.action === 'not_in_snapshot'),
      ).toBe(true);
      expect(again.files).toEqual([{ path: FILE, action: 'already' }]);
    });

    it('removes a file that did not exist before, on rollback', async () => {
      const runId = await newRun();
      const plan = planOf([change(KEEPALIVE, '300')], 'net.ipv4.tcp_keepalive_time = 300\n');
      const res = await applyHost(conn, plan, { ...opts, runId, store });
      expect(res.state, JSON.stringify(res.diagnostics)).toBe('changed');
      expect(res.snapshot?.files).toEqual([
        expect.objectContaining({ path: FILE, state: 'absent' }),
      ]);
      const rec = await store.loadHost(runId, 'nshost');
      const rb = await rollbackHost(conn, rec!.snapshot!, rec!.plan, { ...opts, by: 't' });
      expect(rb.files).toEqual([{ path: FILE, action: 'removed' }]);
      expect(existsSync(fileOnHost(host))).toBe(false);
      expect(host.sysctl(KEEPALIVE)).toBe('7200');
    });

    it('leaves a file it created but someone edited since, unless forced', async () => {
      const runId = await newRun();
      const content = 'net.ipv4.tcp_keepalive_time = 300\n# a \\ backslash and $(id)\n';
      const plan = planOf([change(KEEPALIVE, '300')], content);
      expect((await applyHost(conn, plan, { ...opts, runId, store })).state).toBe('changed');
      const rec = (await store.loadHost(runId, 'nshost'))!;
      // one byte more, then one byte less (no trailing newline): both are edits
      for (const edited of [`${content}x`, content.slice(0, -1)]) {
        await writeFile(fileOnHost(host), edited);
        const rb = await rollbackHost(conn, rec.snapshot!, rec.plan, { ...opts, by: 't' });
        expect(rb.files).toEqual([{ path: FILE, action: 'changed_since' }]);
        expect(await readFile(fileOnHost(host), 'utf8')).toBe(edited);
      }
      await writeFile(fileOnHost(host), content);
      const same = await rollbackHost(conn, rec.snapshot!, rec.plan, { ...opts, by: 't' });
      expect(same.files).toEqual([{ path: FILE, action: 'removed' }]);
      expect(existsSync(fileOnHost(host))).toBe(false);

      await writeFile(fileOnHost(host), 'edited\n');
      const forced = await rollbackHost(conn, rec.snapshot!, rec.plan, {
        ...opts,
        by: 't',
        force: true,
      });
      expect(forced.files).toEqual([{ path: FILE, action: 'removed' }]);
      expect(existsSync(fileOnHost(host))).toBe(false);
    });

    it('EINVAL on one key: the host ends as before, `reverted` with the reason', async () => {
      await writeFile(fileOnHost(host), 'old\n');
      const before = await fileFacts(fileOnHost(host));
      const runId = await newRun();
      const plan = planOf(
        [change(KEEPALIVE, '600'), change(PORTS, '60000 1000'), change(INTVL, '30')],
        'new\n',
      );
      const res = await applyHost(conn, plan, { ...opts, runId, store });
      expect(res.state, JSON.stringify(res)).toBe('reverted');
      expect(res.reason).toContain(PORTS);
      expect(res.reason).toContain('Invalid argument');
      expect(res.keys.find((k) => k.key === KEEPALIVE)?.action).toBe('reverted');
      expect(res.keys.find((k) => k.key === PORTS)).toMatchObject({
        action: 'failed',
        error: 'Invalid argument',
      });
      expect(res.keys.find((k) => k.key === INTVL)?.action).toBe('not_reached');
      expect(res.files).toEqual([{ path: FILE, action: 'restored' }]);
      expect(host.sysctl(KEEPALIVE)).toBe('7200');
      expect(host.sysctl(PORTS)).toBe('32768 60999');
      expect(host.sysctl(INTVL)).toBe('75');
      expect(await fileFacts(fileOnHost(host))).toEqual(before);
      expect(lockExists(host)).toBe(false);
    });

    it('a read-only key (EACCES) and an absent key (ENOENT) fail with the errno text', async () => {
      const res = await applyHost(
        conn,
        planOf([change(KEEPALIVE, '500'), change(WMEM, String(Number(host.sysctl(WMEM)) + 1))]),
        {
          ...opts,
          runId: await newRun(),
          store,
        },
      );
      expect(res.state, JSON.stringify(res.diagnostics)).toBe('reverted');
      expect(res.reason).toMatch(/net\.core\.wmem_max: Permission denied/);
      expect(host.sysctl(KEEPALIVE)).toBe('7200');
      const gone = await applyHost(conn, planOf([change('net.ipv4.tcp_tw_recycle', '0')]), {
        ...opts,
        runId: await newRun(),
        store,
      });
      expect(gone.state, gone.reason).toBe('failed');
      expect(gone.reason).toMatch(/tcp_tw_recycle: No such file or directory.*nothing was changed/);
      expect(gone.snapshot?.keys[0]).toMatchObject({ state: 'absent' });
    });

    it('read-only /etc/sysctl.d: clear error, nothing changed', async () => {
      host.run('mount -o remount,bind,ro /etc/sysctl.d');
      const res = await applyHost(conn, planOf([change(KEEPALIVE, '600')], 'x = 1\n'), {
        ...opts,
        runId: await newRun(),
        store,
      });
      expect(res.state, JSON.stringify(res.diagnostics)).toBe('failed');
      expect(res.reason).toMatch(/cannot write .*60-sysfleet-test\.conf.*Read-only file system/);
      expect(res.reason).toMatch(/nothing was changed/);
      expect(res.keys).toEqual([{ key: KEEPALIVE, action: 'not_reached', want: '600' }]);
      expect(host.sysctl(KEEPALIVE)).toBe('7200');
      expect(existsSync(fileOnHost(host))).toBe(false);
      expect(host.run('ls -A /etc/sysctl.d')).toBe('');
    });

    it('refuses a second run while the lock is held, naming the holder', async () => {
      await mkdir(host.sfDir, { recursive: true });
      // the namespace holder is a live process: a valid, live lock holder
      const start = (await readFile(`/proc/${host.pid}/stat`, 'utf8'))
        .replace(/^.*\) /, '')
        .split(' ')[19];
      await symlink(
        `run=20260101T000000Z-beef;by=alice@ws1;pid=${host.pid};start=${start};time=1767225600;mode=apply`,
        join(host.sfDir, 'lock'),
      );
      const res = await applyHost(conn, planOf([change(KEEPALIVE, '600')]), {
        ...opts,
        runId: await newRun(),
        store,
      });
      expect(res.state, JSON.stringify(res.diagnostics)).toBe('locked');
      expect(res.lock).toEqual({
        holder: {
          runId: '20260101T000000Z-beef',
          by: 'alice@ws1',
          pid: host.pid,
          time: 1767225600,
        },
        takenOver: false,
      });
      expect(res.reason).toContain('20260101T000000Z-beef (alice@ws1');
      expect(host.sysctl(KEEPALIVE)).toBe('7200');
      expect(lockExists(host)).toBe(true);
    });

    it('takes over a stale lock whose holder is dead, and says so', async () => {
      await mkdir(host.sfDir, { recursive: true });
      const dead = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
      await symlink(
        `run=20260101T000000Z-dead;by=bob@ws2;pid=${dead};start=1;time=1767225600;mode=apply`,
        join(host.sfDir, 'lock'),
      );
      const res = await applyHost(conn, planOf([change(KEEPALIVE, '650')]), {
        ...opts,
        runId: await newRun(),
        store,
      });
      expect(res.state, JSON.stringify(res)).toBe('changed');
      expect(res.lock?.takenOver).toBe(true);
      expect(res.lock?.holder.runId).toBe('20260101T000000Z-dead');
      expect(host.sysctl(KEEPALIVE)).toBe('650');
      expect(lockExists(host)).toBe(false);
    });

    it('connection dropped right after go: the detached part finishes; the result is collectable', async () => {
      const runId = await newRun();
      let dropped: (() => void) | undefined;
      const dropping: Connection = {
        host: conn.host,
        exec: (c, o) => conn.exec(c, o),
        spawn: async (c, o) => {
          const p = await conn.spawn(c, o);
          dropped = () => p.kill();
          return p;
        },
        close: () => conn.close(),
      };
      const plan = planOf([change(KEEPALIVE, '900'), change(PORTS, '10000 50000')], 'k = v\n');
      const res = await applyHost(dropping, plan, {
        ...opts,
        runId,
        store,
        afterGo: () => dropped?.(),
      });
      expect(res.state, JSON.stringify(res)).toBe('unknown');
      expect(res.reason).toMatch(/collect/);
      const collected = await until('the detached result', async () => {
        const c = await collectResult(conn, runId, opts);
        return c.state === 'done' ? c : undefined;
      });
      expect(collected.result?.state).toBe('changed');
      expect(collected.result?.keys.map((k) => k.action)).toEqual(['written', 'written']);
      expect(collected.result?.snapshot?.keys.map((k) => k.key)).toEqual([KEEPALIVE, PORTS]);
      expect(host.sysctl(KEEPALIVE)).toBe('900');
      expect(host.sysctl(PORTS)).toBe('10000 50000');
      expect(lockExists(host)).toBe(false);
      expect(existsSync(join(host.sfDir, 'work', `${runId}.apply.sh`))).toBe(false);
    });

    it('connection dropped BEFORE go: nothing changed, lock released', async () => {
      const runId = await newRun();
      const p = await conn.spawn(HOST_COMMAND, opts);
      let out = '';
      const sawAwait = new Promise<void>((resolve) => {
        p.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('@@sf\tawait-go')) resolve();
        });
      });
      p.stdin.write(
        renderApplyScript({
          runId,
          by: 't',
          changes: [change(KEEPALIVE, '111')],
          persistFile: { path: FILE, content: 'a\n' },
        }),
      );
      await sawAwait;
      p.kill();
      await p.done;
      await until('lock release', async () => (lockExists(host) ? undefined : true));
      expect(host.sysctl(KEEPALIVE)).toBe('7200');
      expect(existsSync(fileOnHost(host))).toBe(false);
      expect(existsSync(join(host.sfDir, 'work', `${runId}.apply.sh`))).toBe(false);
      expect(existsSync(join(host.sfDir, 'results', `${runId}.apply.result`))).toBe(false);
    });

    it('no answer within the go timeout: the host gives up on its own, nothing changed', async () => {
      const runId = await newRun();
      const p = await conn.spawn(HOST_COMMAND, opts);
      let out = '';
      p.stdout.on('data', (c: Buffer) => (out += c.toString()));
      p.stdin.write(
        renderApplyScript({ runId, by: 't', changes: [change(KEEPALIVE, '333')], goTimeoutSec: 1 }),
      );
      await p.done; // stdin is still open: only the host's own watchdog can end it
      expect(out).toMatch(
        /@@sf\tfinal\tstate=failed\treason=interrupted during await-go; nothing was changed/,
      );
      expect(host.sysctl(KEEPALIVE)).toBe('7200');
      expect(lockExists(host)).toBe(false);
      p.stdin.end();
    });

    it('aborted before go (Ctrl-C): the host is told abort and changes nothing', async () => {
      const ac = new AbortController();
      ac.abort();
      const res = await applyHost(conn, planOf([change(KEEPALIVE, '222')]), {
        ...opts,
        runId: await newRun(),
        store,
        signal: ac.signal,
      });
      expect(res.state, JSON.stringify(res.diagnostics)).toBe('failed');
      expect(res.reason).toMatch(/interrupted before the host was told to go: nothing was changed/);
      expect(host.sysctl(KEEPALIVE)).toBe('7200');
    });

    it('rollback skips keys changed again since the run unless forced; key globs filter', async () => {
      const runId = await newRun();
      const plan = planOf(
        [change(KEEPALIVE, '600'), change(INTVL, '30'), change(PORTS, '20000 60000')],
        'y = 1\n',
      );
      expect((await applyHost(conn, plan, { ...opts, runId, store })).state).toBe('changed');
      host.setSysctl(INTVL, '45'); // someone changed it since
      const rec = (await store.loadHost(runId, 'nshost'))!;

      const filtered = await rollbackHost(conn, rec.snapshot!, rec.plan, {
        ...opts,
        by: 't',
        keyGlobs: ['net.ipv4.tcp_keepalive_*'],
      });
      expect(filtered.keys.map((k) => [k.key, k.action])).toEqual([
        [KEEPALIVE, 'restored'],
        [INTVL, 'changed_since'],
      ]);
      expect(filtered.files[0]).toMatchObject({ path: FILE, action: 'skipped' });
      expect(filtered.state).toBe('partial');
      expect(host.sysctl(KEEPALIVE)).toBe('7200');
      expect(host.sysctl(INTVL)).toBe('45');
      expect(host.sysctl(PORTS)).toBe('20000 60000');
      expect(existsSync(fileOnHost(host))).toBe(true);

      const unforced = await rollbackHost(conn, rec.snapshot!, rec.plan, { ...opts, by: 't' });
      expect(unforced.state).toBe('partial');
      expect(unforced.keys.find((k) => k.key === INTVL)).toMatchObject({
        action: 'changed_since',
        before: '45',
        want: '75',
      });
      expect(host.sysctl(PORTS)).toBe('32768 60999');
      expect(existsSync(fileOnHost(host))).toBe(false);

      const forced = await rollbackHost(conn, rec.snapshot!, rec.plan, {
        ...opts,
        by: 't',
        force: true,
      });
      expect(forced.state).toBe('rolled_back');
      expect(forced.keys.find((k) => k.key === INTVL)?.action).toBe('restored');
      expect(host.sysctl(INTVL)).toBe('75');
    });

    it('--from-hosts: lists and reads the snapshot the host kept, and rolls back from it alone', async () => {
      const runId = await newRun();
      await writeFile(fileOnHost(host), 'before\n');
      const plan = planOf([change(KEEPALIVE, '700')], 'after\n');
      expect((await applyHost(conn, plan, { ...opts, runId, store })).state).toBe('changed');
      const list = await listHostSnapshots(conn, opts);
      expect(list).toEqual([expect.objectContaining({ runId, result: 'changed' })]);
      const snap = await readHostSnapshot(conn, runId, opts);
      expect(snap?.keys).toEqual([
        { key: KEEPALIVE, state: 'value', value: '7200', runValue: '700' },
      ]);
      expect(await readHostSnapshot(conn, '20200101T000000Z-0000', opts)).toBeUndefined();
      const rb = await rollbackHost(conn, snap!, undefined, { ...opts, by: 'other@ws' });
      expect(rb.state, JSON.stringify(rb)).toBe('rolled_back');
      expect(host.sysctl(KEEPALIVE)).toBe('7200');
      expect(await readFile(fileOnHost(host), 'utf8')).toBe('before\n');
    });

    it('a second apply of the same plan is `unchanged`', async () => {
      const plan = planOf([change(KEEPALIVE, '610')], 'z = 1\n');
      expect((await applyHost(conn, plan, { ...opts, runId: await newRun(), store })).state).toBe(
        'changed',
      );
      const secondId = await newRun();
      const second = await applyHost(conn, plan, { ...opts, runId: secondId, store });
      expect(second.state, JSON.stringify(second.diagnostics)).toBe('unchanged');
      expect(second.files).toEqual([{ path: FILE, action: 'same' }]);
      expect(second.keys[0]?.action).toBe('same');
      // the same run id again would overwrite its snapshot with the run's own values: refused
      const retry = await applyHost(conn, planOf([change(KEEPALIVE, '620')]), {
        ...opts,
        runId: secondId,
        store,
      });
      expect(retry.state).toBe('failed');
      expect(retry.reason).toMatch(/already has a snapshot for run/);
      expect(host.sysctl(KEEPALIVE)).toBe('610');
    });
  });
});
