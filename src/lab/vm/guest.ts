/**
 * One guest's qemu process: start it detached (it outlives the CLI that started it), wait until
 * its sshd answers, stop it by PID. Every wait is bounded; a qemu that dies while we wait is
 * reported with the tail of its console.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { alive, killOurs, run } from '../proc.js';

/** Boot to sshd, per guest: generous for TCG on a shared 2-core machine, but bounded. */
export const DEFAULT_BOOT_TIMEOUT_MS = 600_000;

/** Where a guest's logs live in its directory. */
export function guestFiles(dir: string): { console: string; qemuLog: string } {
  return { console: join(dir, 'console.log'), qemuLog: join(dir, 'qemu.log') };
}

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Is 127.0.0.1:port free to bind right now? */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Start qemu detached, stdout/stderr to qemu.log; returns its PID once it survived startup. */
export async function startQemu(argv: string[], dir: string): Promise<number> {
  const { qemuLog } = guestFiles(dir);
  const fd = openSync(qemuLog, 'a');
  try {
    const child = spawn(argv[0]!, argv.slice(1), {
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${argv[0]}: ${tail(qemuLog)}`);
    // A bad argument or a taken port makes qemu exit at once: look for that briefly.
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (!alive(pid)) throw new Error(`qemu exited at start:\n${tail(qemuLog)}`);
    }
    return pid;
  } finally {
    closeSync(fd);
  }
}

export interface SshTarget {
  port: number;
  keyPath: string;
  knownHostsPath: string;
}

/** OpenSSH to the guest as root with strict host key checking; the script goes on stdin. */
export function sshGuest(
  t: SshTarget,
  script: string,
  opts: { timeoutMs?: number; user?: string } = {},
): ReturnType<typeof run> {
  return run(
    'ssh',
    [
      '-F',
      '/dev/null',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=5',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${t.knownHostsPath}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'LogLevel=ERROR',
      '-i',
      t.keyPath,
      '-p',
      String(t.port),
      `${opts.user ?? 'root'}@127.0.0.1`,
      'sh -s',
    ],
    { stdin: script, timeoutMs: opts.timeoutMs ?? 30_000 },
  );
}

/** Poll until `ssh … true` succeeds; fail when qemu dies or `timeoutMs` passes. */
export async function waitForSsh(
  t: SshTarget,
  pid: number,
  dir: string,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  for (let attempt = 0; Date.now() - started < timeoutMs && attempt < 10_000; attempt++) {
    if (!alive(pid)) {
      throw new Error(
        `qemu (pid ${pid}) exited before sshd answered; console:\n${tail(guestFiles(dir).console)}`,
      );
    }
    const r = await sshGuest(t, 'true\n', { timeoutMs: 15_000 });
    if (r.code === 0) return Date.now() - started;
    await new Promise((res) => setTimeout(res, 1000));
  }
  throw new Error(
    `sshd on 127.0.0.1:${t.port} did not answer within ${timeoutMs / 1000} s; console:\n${tail(guestFiles(dir).console)}`,
  );
}

/** Wait (bounded) for a PID to be gone. */
export async function waitExit(pid: number, timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return !alive(pid);
}

/** Kill a qemu we started: only when its cmdline still names this guest (PIDs get reused). */
export function stopQemu(pid: number, processName: string): Promise<boolean> {
  return killOurs(pid, [`-name ${processName} `]);
}

/** The RSS of a process in KiB (VmRSS), or undefined when it is gone. */
export function rssKiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
