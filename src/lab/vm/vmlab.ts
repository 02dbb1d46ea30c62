/**
 * A running VM lab as tests and the CLI use it: the same paths as a namespace `Lab`, a way to run
 * a script in a guest over OpenSSH (on stdin, never in the command line), reboot, status, down.
 */
import { join } from 'node:path';
import { LabFiles } from '../lab-files.js';
import { LabError } from '../state.js';
import type { RunResult } from '../proc.js';
import { alive } from '../proc.js';
import { labDir as labDirOf } from '../layout.js';
import { validateLabName } from '../names.js';
import { DISTROS } from './distros.js';
import { vmLabDown } from './down.js';
import {
  DEFAULT_BOOT_TIMEOUT_MS,
  rssKiB,
  sshGuest,
  startQemu,
  stopQemu,
  waitExit,
  waitForSsh,
} from './guest.js';
import { guestProcessName } from './qemu-args.js';
import { readVmState, writeVmState } from './state.js';
import type { VmGuest, VmLabState } from './types.js';

export interface GuestStatus {
  name: string;
  distro: string;
  port: number;
  pid: number;
  running: boolean;
  rssKiB?: number;
}

export class VmLab extends LabFiles<VmLabState> {
  get hosts(): VmGuest[] {
    return this.state.hosts;
  }

  host(name: string): VmGuest {
    const h = this.state.hosts.find((x) => x.name === name);
    if (!h) throw new LabError(`no host "${name}" in VM lab ${this.name}`);
    return h;
  }

  /** Run a shell script in the guest as root (`sh -s`, the script on stdin). */
  sh(host: string, script: string, opts: { timeoutMs?: number } = {}): Promise<RunResult> {
    const h = this.host(host);
    return sshGuest(
      { port: h.port, keyPath: this.keyPath, knownHostsPath: this.knownHostsPath },
      script,
      opts,
    );
  }

  /** Like sh, but a non-zero exit is an error naming the host and stderr. */
  async shOk(host: string, script: string, opts: { timeoutMs?: number } = {}): Promise<string> {
    const r = await this.sh(host, script, opts);
    if (r.code !== 0) {
      throw new LabError(`${host}: guest script exited ${String(r.code)}: ${r.stderr.trim()}`);
    }
    return r.stdout;
  }

  /**
   * Reboot through the guest's own init (systemd runs its shutdown, systemd-sysctl runs at the
   * next boot), then, since qemu runs with -no-reboot and exits, start the same command line on
   * the same overlay and wait until sshd answers. Returns the milliseconds to sshd.
   */
  async reboot(host: string, timeoutMs = DEFAULT_BOOT_TIMEOUT_MS): Promise<number> {
    const h = this.host(host);
    const started = Date.now();
    const cmd = DISTROS[h.distro].full ? 'systemctl reboot' : 'reboot';
    await this.sh(host, `(sleep 1; ${cmd}) >/dev/null 2>&1 &\n`, { timeoutMs: 20_000 });
    if (!(await waitExit(h.pid, 300_000))) {
      await stopQemu(h.pid, guestProcessName(this.name, h.name));
      throw new LabError(
        `${host}: the guest did not reboot within 300 s (qemu pid ${h.pid} killed)`,
      );
    }
    h.pid = await startQemu(h.argv, h.dir);
    writeVmState(this.state);
    await waitForSsh(
      { port: h.port, keyPath: this.keyPath, knownHostsPath: this.knownHostsPath },
      h.pid,
      h.dir,
      timeoutMs,
    );
    return Date.now() - started;
  }

  status(): GuestStatus[] {
    return this.state.hosts.map((h) => {
      const running = alive(h.pid);
      const rss = running ? rssKiB(h.pid) : undefined;
      return {
        name: h.name,
        distro: h.distro,
        port: h.port,
        pid: h.pid,
        running,
        ...(rss !== undefined ? { rssKiB: rss } : {}),
      };
    });
  }

  down(): Promise<void> {
    return vmLabDown(this.name, { root: this.dir.slice(0, -this.name.length - 1) });
  }
}

export function openVmLab(name: string, root?: string): VmLab {
  const dir = labDirOf(validateLabName(name), root);
  const state = readVmState(dir);
  if (!state) throw new LabError(`no VM lab "${name}" (no ${join(dir, 'state.json')} of kind vm)`);
  return new VmLab(state);
}
