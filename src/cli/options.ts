/**
 * Options shared by the commands that talk to hosts (check, facts, apply, rollback), defined once
 * so every command spells and documents them the same way.
 */
import { Command, Option } from 'commander';

export interface HostOptions {
  inventory: string[];
  limit?: string;
  forks: number;
  timeout: number;
  commandTimeout: number;
  deadline: number;
  hostKeyChecking: 'strict' | 'accept-new' | 'off';
  /** Default auto. */
  transport?: 'ssh2' | 'openssh' | 'auto';
  knownHosts: string[];
  key?: string;
  sshConfig?: string;
  become: boolean;
  askBecomePass: boolean;
  askPass: boolean;
  /** Cap on what one command on a host may print (stdout and stderr each), bytes. */
  maxOutput?: number;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
};

/** `--max-output 1MiB`: a byte count with an optional binary unit (K, KiB, M, MiB, G, GiB). */
export function parseSize(flag: string, value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? SIZE_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(n) || n < 1024) {
    throw new Error(
      `${flag}: expected a size of at least 1KiB such as 512KiB or 4MiB, got "${value}"`,
    );
  }
  return n;
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`${flag}: expected a positive number, got "${value}"`);
    return n;
  };
}

export function addHostOptions(
  cmd: Command,
  defaults: { deadline: number; inventoryOptional?: boolean },
): Command {
  const inventoryHelp = 'inventory file, directory, script or "h1,h2," list (repeatable)';
  return (
    defaults.inventoryOptional
      ? cmd.option('-i, --inventory <source>', inventoryHelp, collect, [])
      : cmd.requiredOption('-i, --inventory <source>', inventoryHelp, collect)
  )
    .option('-l, --limit <pattern>', "Ansible host pattern, e.g. 'web:&prod:!web03' or @retry-file")
    .option('-f, --forks <n>', 'hosts worked on in parallel', positiveNumber('--forks'), 200)
    .option(
      '-t, --timeout <s>',
      'connect timeout per host, seconds',
      positiveNumber('--timeout'),
      10,
    )
    .option(
      '--command-timeout <s>',
      'timeout of each remote command, seconds',
      positiveNumber('--command-timeout'),
      60,
    )
    .option(
      '--deadline <s>',
      'deadline of the whole run, seconds',
      positiveNumber('--deadline'),
      defaults.deadline,
    )
    .addOption(
      new Option('--host-key-checking <policy>', 'known_hosts policy; accept-new and off are loud')
        .choices(['strict', 'accept-new', 'off'])
        .default('strict'),
    )
    .addOption(
      new Option(
        '--transport <kind>',
        'ssh2 (in-process), openssh (the system ssh, ControlMaster per host), or auto: ssh2 unless the configuration needs OpenSSH',
      )
        .choices(['ssh2', 'openssh', 'auto'])
        .default('auto'),
    )
    .option(
      '--known-hosts <file>',
      'known_hosts file (repeatable; default ~/.ssh/known_hosts)',
      collect,
      [],
    )
    .option('--key <file>', 'private key file, overrides the inventory and ssh_config')
    .option(
      '--ssh-config <file>',
      'ssh_config to read, like ssh -F (default ~/.ssh/config then /etc/ssh/ssh_config)',
    )
    .option('-b, --become', 'run as root through sudo on hosts not logged in as root', false)
    .option(
      '-K, --ask-become-pass',
      'prompt for the sudo password (or set SYSFLEET_BECOME_PASSWORD)',
      false,
    )
    .option('-k, --ask-pass', 'prompt for the SSH password (or set SYSFLEET_SSH_PASSWORD)', false)
    .option(
      '--max-output <size>',
      'most a host may print per command, stdout and stderr each (default 1MiB); beyond it the host fails',
      (v: string) => parseSize('--max-output', v),
    );
}
