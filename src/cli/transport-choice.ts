/**
 * `--transport ssh2|openssh|auto`: read what the choice needs from disk (known_hosts, the keys'
 * .pub and -cert.pub files, whether `ssh` is installed), then let the pure chooser decide per
 * host (src/transport/select.ts). Before any host is touched.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { SshConfig } from '../connection/ssh-config.js';
import type { HostConnection } from '../connection/types.js';
import { expandHome } from '../transport/auth.js';
import { DEFAULT_KNOWN_HOSTS } from '../transport/known-hosts-store.js';
import { KnownHostsIndex, parseKnownHosts } from '../transport/known-hosts.js';
import { chooseTransport, type TransportRequest } from '../transport/select.js';
import { sshProgram } from '../transport/openssh/run-ssh.js';

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Is the ssh client (or SYSFLEET_SSH) an executable on PATH? */
export function opensshInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  const prog = sshProgram(env);
  const dirs = prog.includes('/') ? [''] : (env['PATH'] ?? '').split(delimiter);
  return dirs.some((d) => {
    try {
      accessSync(d ? join(d, prog) : prog, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface ChoiceOptions {
  transport: TransportRequest;
  knownHosts: string[];
  key?: string;
}

/** Sets `connection.transport` on every ssh host. */
export function chooseTransports(
  conns: HostConnection[],
  opts: ChoiceOptions,
  sshConfig: SshConfig,
): void {
  const indexes = new Map<string, KnownHostsIndex>();
  const indexFor = (files: string[]) => {
    const id = JSON.stringify(files);
    let ix = indexes.get(id);
    if (!ix) {
      const entries = files.flatMap((f) => {
        const p = expandHome(f);
        const text = readText(p);
        return text === undefined ? [] : parseKnownHosts(text, p).entries;
      });
      ix = new KnownHostsIndex(entries);
      indexes.set(id, ix);
    }
    return ix;
  };
  const files = {
    exists: (p: string) => existsSync(expandHome(p)),
    read: (p: string) => readText(expandHome(p)),
  };
  const opensshAvailable = opensshInstalled();
  for (const c of conns) {
    if (c.connection !== 'ssh') continue;
    const khFiles = opts.knownHosts.length
      ? opts.knownHosts
      : c.knownHostsFiles?.length
        ? c.knownHostsFiles
        : DEFAULT_KNOWN_HOSTS;
    c.transport = chooseTransport(opts.transport, c, {
      sshConfig,
      knownHosts: indexFor(khFiles),
      ...(opts.key ? { keyFiles: [opts.key] } : {}),
      files,
      opensshAvailable,
    });
  }
}
