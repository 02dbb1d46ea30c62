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
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

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
    .option('-k, --ask-pass', 'prompt for the SSH password (or set SYSFLEET_SSH_PASSWORD)', false);
}
