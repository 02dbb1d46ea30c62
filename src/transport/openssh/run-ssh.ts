/**
 * Running the system `ssh`: a child in its own session (setsid: no controlling terminal, so
 * ssh can never prompt on the operator's tty), stdin a pipe, a scrubbed askpass environment.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The ssh client program; SYSFLEET_SSH overrides (tests, a newer OpenSSH in /usr/local). */
export function sshProgram(env: NodeJS.ProcessEnv = process.env): string {
  return env['SYSFLEET_SSH'] || 'ssh';
}

export function sshEnv(agentSocket: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SSH_ASKPASS_REQUIRE: 'never' };
  delete env['SSH_ASKPASS'];
  delete env['DISPLAY'];
  if (agentSocket) env['SSH_AUTH_SOCK'] = agentSocket;
  return env;
}

/** util-linux setpriv, which can give ssh a parent-death signal before it execs it. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'];
let setpriv: string | null | undefined;

export function spawnSsh(
  argv: string[],
  agentSocket: string | undefined,
  opts: { pdeathsig?: boolean } = {},
): ChildProcessWithoutNullStreams {
  const env = sshEnv(agentSocket);
  if (opts.pdeathsig) {
    setpriv ??= SETPRIV.find((p) => existsSync(p)) ?? null;
    // setpriv execs ssh in the same process: same pid, same group, one exec more
    if (setpriv)
      return spawn(setpriv, ['--pdeathsig', 'KILL', '--', sshProgram(), ...argv], {
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        env,
      });
  }
  return spawn(sshProgram(), argv, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env });
}

/** Run ssh to completion (bounded by timeoutMs: killed after it), collecting stderr. */
export function runSsh(
  argv: string[],
  agentSocket: string | undefined,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnSsh(argv, agentSocket);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => undefined);
    child.stdin.end();
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const finish = (code: number | null, extra = '') => {
      clearTimeout(t);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + extra,
      });
    };
    child.once('error', (e) => finish(null, `cannot run ${sshProgram()}: ${e.message}`));
    child.once('close', (code) => finish(code));
  });
}
