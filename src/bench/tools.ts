/**
 * The command lines measured: sysfleet as a user runs it (the built binary, --plain, forks = N),
 * Ansible (`ansible-playbook`, forks = N, pipelining, Debian defaults otherwise: ssh -C with
 * ControlMaster=auto/ControlPersist=60s), and the ssh2 floor.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab } from '../lab/index.js';
import type { FloorConfig } from './floor.js';
import { floorReadCommand, floorWriteScript } from './workload.js';

export const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
export const FLOOR = fileURLToPath(new URL('./floor.js', import.meta.url));

/** Connect timeout, generous on both sides: 2 cores and up to 1000 handshakes at once. */
const CONNECT_TIMEOUT_S = 60;

export interface Command {
  argv: string[];
  env: NodeJS.ProcessEnv;
  daemonMarker?: string;
}

/**
 * An ssh_config for `--transport openssh` in the bench: the lab's own (key, known_hosts, strict)
 * plus the algorithms ssh2 negotiates (SAME_ALGORITHMS), so the comparison is like for like
 * (OpenSSH 9.2 would otherwise pick sntrup761x25519 and chacha20-poly1305).
 */
export function sameAlgorithmsSshConfig(lab: Lab, dir: string): string {
  const path = join(dir, 'ssh_config-same-algorithms');
  const own = readFileSync(lab.sshConfigPath, 'utf8');
  writeFileSync(
    path,
    `${own.trimEnd()}\n  KexAlgorithms curve25519-sha256@libssh.org\n  Ciphers aes128-gcm@openssh.com\n  HostKeyAlgorithms ssh-ed25519\n`,
  );
  return path;
}

export function sysfleet(
  op: 'check' | 'apply' | 'rollback',
  lab: Lab,
  playbook: string,
  stateDir: string,
  /** --transport openssh with this ssh_config; absent: --transport ssh2. */
  opensshConfig?: string,
): Command {
  const common = [
    '-i',
    lab.inventoryPath,
    '--known-hosts',
    lab.knownHostsPath,
    ...(opensshConfig
      ? ['--transport', 'openssh', '--ssh-config', opensshConfig]
      : ['--transport', 'ssh2']),
    '--forks',
    String(lab.hosts.length),
    '--timeout',
    String(CONNECT_TIMEOUT_S),
    '--deadline',
    '3600',
  ];
  const args =
    op === 'check'
      ? ['check', ...common, playbook, '--plain']
      : op === 'apply'
        ? ['apply', ...common, playbook, '--yes', '--plain']
        : // --yes: a rollback off a terminal needs it (it reviews and asks otherwise)
          ['rollback', 'latest', ...common, '--yes'];
  return {
    argv: [process.execPath, CLI, ...args],
    env: { ...process.env, SYSFLEET_STATE_DIR: stateDir },
  };
}

export function floor(op: 'check' | 'apply' | 'rollback', lab: Lab, dir: string): Command {
  const cfg: FloorConfig = {
    ports: lab.hosts.map((h) => h.port),
    keyPath: lab.keyPath,
    knownHostsPath: lab.knownHostsPath,
    user: 'root',
    timeoutMs: CONNECT_TIMEOUT_S * 1000,
    ...(op === 'check'
      ? { command: floorReadCommand() }
      : { command: 'sh -s', stdin: floorWriteScript() }),
  };
  const path = join(dir, `floor-${op === 'check' ? 'read' : 'write'}.json`);
  writeFileSync(path, JSON.stringify(cfg));
  return { argv: [process.execPath, FLOOR, path], env: process.env };
}

/** `run` numbers the ControlPath dir so every run starts without master connections. */
export function ansible(
  op: 'check' | 'apply',
  lab: Lab,
  playbook: string,
  dir: string,
  run: string,
): Command {
  const home = join(dir, 'ansible-home');
  const controlDir = join(dir, `cp-${run}`);
  mkdirSync(controlDir, { recursive: true });
  mkdirSync(join(home, 'tmp'), { recursive: true });
  return {
    argv: [
      'ansible-playbook',
      '-i',
      lab.inventoryPath,
      playbook,
      '-f',
      String(lab.hosts.length),
      '-e',
      'ansible_python_interpreter=/usr/bin/python3',
      ...(op === 'check' ? ['--check'] : []),
    ],
    env: {
      ...process.env,
      ANSIBLE_HOME: home,
      ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
      ANSIBLE_PIPELINING: 'True',
      ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
      ANSIBLE_TIMEOUT: String(CONNECT_TIMEOUT_S),
      ANSIBLE_RETRY_FILES_ENABLED: 'False',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_HOST_KEY_CHECKING: 'True',
    },
    daemonMarker: controlDir,
  };
}
