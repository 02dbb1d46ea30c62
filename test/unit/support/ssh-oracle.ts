/**
 * Test support for the OpenSSH oracle tests: runs a shell script in a private network + mount
 * namespace (`unshare --net --mount`, /etc/hosts bind-mounted from `hostsFile`), so ssh can
 * resolve names but no packet can leave; the namespace ends with the shell. Also parses ssh -G.
 */
import { spawnSync } from 'node:child_process';

export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const have = (cmd: string, args: string[]) =>
  spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

/** ssh and an unprivileged-enough unshare are here (CI must have both: it runs as root). */
export const oracleAvailable = have('ssh', ['-V']) && have('unshare', ['--net', '--mount', 'true']);
if (process.env['CI'] && !oracleAvailable)
  throw new Error('CI needs ssh and unshare (root) for the ssh -G oracle tests');

/** Runs `script` in the sandbox; stdout, or throws with stderr. Bounded to 60 s. */
export function inSandbox(hostsFile: string, script: string): string {
  const full = `mount --bind ${shq(hostsFile)} /etc/hosts || exit 97\n${script}`;
  const r = spawnSync('unshare', ['--net', '--mount', 'sh', '-c', full], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`sandboxed ssh run failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/**
 * getaddrinfo as sysfleet asks it (load-ssh-config.ts runGetent: `getent DB -- NAME`), but in
 * the sandbox, so it sees the same /etc/hosts as the sandboxed ssh and nothing leaves. Bounded.
 */
export function getentInSandbox(
  hostsFile: string,
  db: string,
  name: string,
): { status: number | null; stdout: string } {
  const full = `mount --bind ${shq(hostsFile)} /etc/hosts || exit 97\nexec getent ${shq(db)} -- ${shq(name)}`;
  const r = spawnSync('unshare', ['--net', '--mount', 'sh', '-c', full], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (r.status === 97) throw new Error(`sandbox: cannot bind-mount ${hostsFile}: ${r.stderr}`);
  return { status: r.status, stdout: r.stdout };
}

/** `ssh -G` output as keyword → values (repeated keywords keep every value, in order). */
export function parseSshG(out: string): Record<string, string[]> {
  const v: Record<string, string[]> = {};
  for (const line of out.split('\n')) {
    const m = /^(\S+) (.*)$/.exec(line);
    if (m) (v[m[1]!] ??= []).push(m[2]!);
  }
  return v;
}
