/**
 * A running lab, as tests and the CLI use it: where things are, a way to run commands inside a
 * host's namespaces without SSH, and the fault knobs. Built from state.json (`openLab`) or
 * returned by `labUp`.
 */
import { spawn } from 'node:child_process';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { LabFiles } from './lab-files.js';
import { join } from 'node:path';
import { labScripts, socketsAgentPath } from './agent-install.js';
import { control } from './control.js';
import { labDown } from './down.js';
import { labDir as labDirOf } from './layout.js';
import { validateLabName } from './names.js';
import { killOurs, run, runOk, type RunResult } from './proc.js';
import { keygen } from './keygen.js';
import { LabError, readState, writeState } from './state.js';
import type { LabHost, LabState } from './types.js';

export interface ExecOptions {
  stdin?: string | Buffer;
  timeoutMs?: number;
}

export class Lab extends LabFiles<LabState> {
  /** Target hosts (never the bastion). */
  get hosts(): LabHost[] {
    return this.state.hosts;
  }
  get bastion(): LabHost | undefined {
    return this.state.bastion;
  }

  host(name: string): LabHost {
    const h =
      this.state.hosts.find((x) => x.name === name) ??
      (this.state.bastion?.name === name ? this.state.bastion : undefined);
    if (!h) throw new LabError(`no host "${name}" in lab ${this.name}`);
    return h;
  }

  /** Run argv inside the host's network and mount namespaces, directly (no SSH). */
  exec(host: string, argv: string[], opts: ExecOptions = {}): Promise<RunResult> {
    const h = this.host(host);
    return run('nsenter', [`--net=${h.netnsPath}`, `--mount=${h.mntnsPath}`, '--', ...argv], opts);
  }

  async down(): Promise<void> {
    await labDown(this.name, { root: this.dir.slice(0, -this.name.length - 1) });
  }

  private ctl(req: Parameters<typeof control>[1]): Promise<Record<string, unknown>> {
    return control(join(this.dir, 'control.sock'), req);
  }

  /** The supervisor's view: per host port, mode, blackhole, latency, live sessions. */
  status(): Promise<Record<string, unknown>> {
    return this.ctl({ op: 'status' });
  }

  /**
   * Close the host's port (behind a bastion: its port inside the bastion's netns): new
   * connections are refused. Live sessions are ended.
   */
  async stop(host: string): Promise<void> {
    const h = this.host(host);
    await this.ctl({ op: 'stop', host: h.name });
    if (h.behindBastion)
      await control(join(this.dir, 'forwarder.sock'), { op: 'stop', host: h.name });
  }
  async start(host: string): Promise<void> {
    const h = this.host(host);
    await this.ctl({ op: 'start', host: h.name });
    if (h.behindBastion) {
      await control(join(this.dir, 'forwarder.sock'), { op: 'start', host: h.name });
    }
  }
  /** Accept TCP but never start sshd (no banner): a hung host. `on=false` undoes. */
  async blackhole(host: string, on = true): Promise<void> {
    await this.ctl({ op: 'blackhole', host: this.host(host).name, on });
  }
  /** Delay every relayed chunk of NEW connections by `ms` each way; 0 undoes. */
  async latency(host: string, ms: number): Promise<void> {
    await this.ctl({ op: 'latency', host: this.host(host).name, ms });
  }

  /**
   * At most `n` simultaneous connections to the host (0 = unlimited); extra ones are accepted and
   * closed before the banner, as sshd does past MaxStartups. Each lab connection is its own
   * `sshd -i`, so sshd's own MaxStartups never triggers: this knob stands in for it (a bastion!).
   */
  async maxConnections(host: string, n: number): Promise<void> {
    await this.ctl({ op: 'maxconn', host: this.host(host).name, n });
  }

  /** Remount the host's /etc/sysctl.d read-only (writes fail with EROFS), or writable again. */
  async sysctlDirReadOnly(host: string, readOnly = true): Promise<void> {
    const h = this.host(host);
    await runOk('nsenter', [
      `--mount=${h.mntnsPath}`,
      '--',
      'mount',
      '-n',
      '-o',
      `remount,bind,${readOnly ? 'ro' : 'rw'}`,
      '/etc/sysctl.d',
    ]);
  }

  /**
   * Give the host a new ed25519 host key. known_hosts is NOT updated, so strict checking fails
   * from now on (sshd reads the key at each connection). Returns the new public key line.
   */
  async rotateHostKey(host: string): Promise<string> {
    const h = this.host(host);
    const key = join(h.backing.etcSsh, 'ssh_host_ed25519_key');
    const tmp = join(h.dir, 'rotated_key');
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.pub`, { force: true });
    await keygen(tmp, `${h.name}-rotated`);
    renameSync(`${tmp}.pub`, `${key}.pub`);
    renameSync(tmp, key);
    return readFileSync(`${key}.pub`, 'utf8').trim();
  }

  /** Make `count` TIME_WAIT sockets inside the host's netns (they last tcp_fin_timeout-ish 60 s). */
  async timeWait(host: string, count: number): Promise<void> {
    const h = this.host(host);
    await runOk(
      'nsenter',
      [
        `--net=${h.netnsPath}`,
        '--',
        process.execPath,
        socketsAgentPath(this.dir),
        'tw',
        String(count),
      ],
      { timeoutMs: 60_000 },
    );
  }

  /**
   * Make `count` CLOSE_WAIT sockets inside the host's netns, held by a process (PID recorded in
   * state.json) until `clearCloseWait` or `down`. Returns the holder's PID.
   */
  async closeWait(host: string, count: number): Promise<number> {
    const h = this.host(host);
    const child = spawn(
      'nsenter',
      [
        `--net=${h.netnsPath}`,
        '--',
        process.execPath,
        socketsAgentPath(this.dir),
        'closewait',
        String(count),
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const pid = child.pid;
    if (pid === undefined) throw new LabError('could not start the CLOSE_WAIT holder');
    this.state.processes.push({ pid, role: 'close-wait', host: h.name });
    writeState(this.state);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new LabError('CLOSE_WAIT holder not ready in 30 s')),
        30_000,
      );
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        if (out.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new LabError(`CLOSE_WAIT holder exited early (${String(code)})`));
      });
    });
    child.stdout.destroy();
    child.removeAllListeners('exit');
    child.unref();
    return pid;
  }

  /** Kill the host's CLOSE_WAIT holders (the sockets close with them). */
  async clearCloseWait(host: string): Promise<void> {
    const name = this.host(host).name;
    const mine = this.state.processes.filter((p) => p.role === 'close-wait' && p.host === name);
    for (const p of mine) await killOurs(p.pid, labScripts(this.dir));
    this.state.processes = this.state.processes.filter((p) => !mine.includes(p));
    writeState(this.state);
  }
}

/** The lab called `name`, from its state.json. */
export function openLab(name: string, root?: string): Lab {
  const dir = labDirOf(validateLabName(name), root);
  const state = readState(dir);
  if (!state)
    throw new LabError(`no lab "${name}" (no ${dir}/state.json): sysfleet lab up --name ${name}`);
  return new Lab(state);
}
