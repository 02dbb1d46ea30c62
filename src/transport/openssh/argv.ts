/**
 * The `ssh` command lines of the OpenSSH transport, as pure functions. Order matters: OpenSSH
 * keeps the FIRST value of each option, so sysfleet's own settings (host-key policy, BatchMode,
 * timeouts, the control socket) come first, then the inventory's explicit port/user/key, then
 * ansible_ssh_common_args/extra_args, as Ansible's ssh plugin orders them. Nothing secret and no
 * user data is ever put here: commands are fixed strings, data goes on stdin.
 */
import type { OpenSshTarget } from '../../connection/types.js';
import type { HostKeyPolicy } from '../types.js';

export interface SshSettings {
  policy: HostKeyPolicy;
  /** --known-hosts: replaces what ssh_config / the inventory say. */
  knownHostsFiles?: string[];
  /** --key: replaces the inventory's key (ssh_config IdentityFile lines still apply: ssh has no way to drop them). */
  keyFiles?: string[];
  /** --ssh-config: handed to ssh as -F (its ProxyJump hops read it too). */
  sshConfigFile?: string;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** '' disables the agent (IdentityAgent none). */
  agentSocket?: string;
}

/** `destination[:port]`, as messages name what ssh was asked to reach. */
export function endpointOf(t: OpenSshTarget): string {
  return `${t.destination}${t.port !== undefined ? `:${t.port}` : ''}`;
}

/** StrictHostKeyChecking for each policy; `off` also records nothing. */
export function hostKeyOptions(policy: HostKeyPolicy): string[] {
  if (policy === 'strict') return ['-o', 'StrictHostKeyChecking=yes'];
  if (policy === 'accept-new') return ['-o', 'StrictHostKeyChecking=accept-new'];
  return ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'];
}

/** ssh_config values with spaces are quoted the way ssh's own -o parser reads them. */
function quoted(v: string): string {
  return /[\s"]/.test(v) ? `"${v.replace(/"/g, '')}"` : v;
}

/** Options every ssh invocation of one host shares (master, commands, control requests). */
export function commonOptions(s: SshSettings, t: OpenSshTarget): string[] {
  const o: string[] = [];
  if (s.sshConfigFile) o.push('-F', s.sshConfigFile);
  o.push(...hostKeyOptions(s.policy));
  if (s.policy !== 'off' && s.knownHostsFiles?.length) {
    o.push('-o', `UserKnownHostsFile=${s.knownHostsFiles.map(quoted).join(' ')}`);
  }
  o.push(
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${Math.max(1, Math.ceil(s.connectTimeoutMs / 1000))}`,
    '-o',
    `ServerAliveInterval=${Math.max(1, Math.round(s.keepaliveIntervalMs / 1000))}`,
    '-o',
    `ServerAliveCountMax=${s.keepaliveCountMax}`,
  );
  if (s.agentSocket === '') o.push('-o', 'IdentityAgent=none');
  for (const k of s.keyFiles ?? []) o.push('-o', `IdentityFile=${quoted(k)}`);
  if (t.port !== undefined) o.push('-o', `Port=${t.port}`);
  if (t.identityFile !== undefined && !s.keyFiles?.length)
    o.push('-o', `IdentityFile=${quoted(t.identityFile)}`);
  if (t.user !== undefined) o.push('-o', `User=${t.user}`);
  return [...o, ...t.args];
}

/**
 * The master: authenticates, binds the control socket and stays in the foreground, our child
 * (ControlPersist=no: a user's `ControlPersist yes` would send it to the background).
 */
export function masterArgv(s: SshSettings, t: OpenSshTarget, controlPath: string): string[] {
  return [
    '-o',
    'ControlMaster=yes',
    '-o',
    `ControlPath=${controlPath}`,
    '-o',
    'ControlPersist=no',
    '-N',
    '-T',
    ...commonOptions(s, t),
    '--',
    t.destination,
  ];
}

/**
 * One command over the master's socket. ControlMaster=no: if the master is gone, ssh connects
 * on its own with exactly the same options (never differently).
 */
export function execArgv(
  s: SshSettings,
  t: OpenSshTarget,
  controlPath: string,
  command: string,
  /** Force a remote pseudo-terminal (`-tt`: our stdin is a pipe) for su/doas with a password. */
  pty = false,
): string[] {
  return [
    '-o',
    'ControlMaster=no',
    '-o',
    `ControlPath=${controlPath}`,
    '-o',
    'LogLevel=ERROR',
    pty ? '-tt' : '-T',
    ...commonOptions(s, t),
    '--',
    t.destination,
    command,
  ];
}

/**
 * Direct mode: one `ssh` that connects, runs one command and ends — execArgv with no socket
 * (ControlPath=none: a user's ControlMaster/ControlPath in ssh_config are overridden, as our
 * options come first).
 */
export function directArgv(
  s: SshSettings,
  t: OpenSshTarget,
  command: string,
  /** `-tt`, as execArgv's. */
  pty = false,
): string[] {
  return execArgv(s, t, 'none', command, pty);
}
