/**
 * Jump hosts (ProxyJump chains) as users write them: `bastion`, `ops@bastion:2222`,
 * `a,b` (outermost first), `ssh://user@host:port`, `[2001:db8::1]:22`, and where Ansible users
 * put them: `-J ...`, `-o ProxyJump=...` or `-o ProxyCommand="ssh -W %h:%p [-p P] [-l U] host"`
 * in ansible_ssh_common_args / ansible_ssh_extra_args.
 */
import { shlexSplit } from './shlex.js';

export interface JumpSpec {
  host: string;
  port?: number;
  user?: string;
  identityFile?: string;
}

export class JumpSpecError extends Error {}

const HOST_RE = /^[A-Za-z0-9_.%-]+$/;
const USER_RE = /^[A-Za-z0-9_.-]+$/;

/** Parses one hop. */
export function parseJumpHop(spec: string): JumpSpec {
  let s = spec.trim();
  if (s.startsWith('ssh://')) s = s.slice(6);
  let user: string | undefined;
  const at = s.lastIndexOf('@');
  if (at !== -1) {
    user = s.slice(0, at);
    s = s.slice(at + 1);
  }
  let host = s;
  let port: number | undefined;
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1]!;
    if (v6[2]) port = Number(v6[2]);
  } else {
    const m = /^([^:]+):(\d+)$/.exec(s);
    if (m) {
      host = m[1]!;
      port = Number(m[2]);
    }
  }
  if (!v6 && !HOST_RE.test(host)) throw new JumpSpecError(`invalid jump host "${spec}"`);
  if (user !== undefined && !USER_RE.test(user))
    throw new JumpSpecError(`invalid user in jump host "${spec}"`);
  if (port !== undefined && (port < 1 || port > 65535)) {
    throw new JumpSpecError(`invalid port in jump host "${spec}"`);
  }
  return { host, ...(port !== undefined ? { port } : {}), ...(user !== undefined ? { user } : {}) };
}

/** Parses a chain `a,b,c` (outermost first); `none` is an empty chain. */
export function parseJumpChain(spec: string | readonly string[]): JumpSpec[] {
  const parts = (typeof spec === 'string' ? spec.split(',') : spec.flatMap((s) => s.split(',')))
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 1 && parts[0]!.toLowerCase() === 'none') return [];
  return parts.map(parseJumpHop);
}

/** The hop a `ssh ... -W %h:%p ... host` ProxyCommand goes through, if it is one. */
function fromProxyCommand(cmd: string): JumpSpec[] | undefined {
  const t = shlexSplit(cmd);
  if (!t[0] || !/(^|\/)ssh$/.test(t[0]) || !t.includes('-W')) return undefined;
  // Only what the translation below carries over: anything else (-J, -o, -F, -b ...) would
  // change where or how the proxy connects, so such a ProxyCommand is not followed at all.
  for (let i = 1; i < t.length; i++) {
    const a = t[i]!;
    if (a === '-p' || a === '-l' || a === '-i') i++;
    else if (a === '-W') {
      if (t[++i] !== '%h:%p') return undefined;
    } else if (a.startsWith('-') && !/^-[46AaCKkNnqTtvXxY]+$/.test(a)) return undefined;
  }
  let port: number | undefined;
  let user: string | undefined;
  let identityFile: string | undefined;
  let host: string | undefined;
  for (let i = 1; i < t.length; i++) {
    const a = t[i]!;
    if (a === '-p') port = Number(t[++i]);
    else if (a === '-l') user = t[++i];
    else if (a === '-i') identityFile = t[++i];
    else if (a === '-W' || a === '-o' || a === '-F' || a === '-J') i++;
    else if (a.startsWith('-')) continue;
    else host = a;
  }
  if (!host) return undefined;
  const hop = parseJumpHop(host);
  return [
    {
      ...hop,
      ...(port !== undefined ? { port } : {}),
      ...(user !== undefined ? { user } : {}),
      ...(identityFile !== undefined ? { identityFile } : {}),
    },
  ];
}

/** The jump chain an ssh argument string asks for; undefined when it names none. */
export function jumpFromSshArgs(args: string): JumpSpec[] | undefined {
  const t = shlexSplit(args);
  for (let i = 0; i < t.length; i++) {
    const a = t[i]!;
    if (a === '-J' && t[i + 1] !== undefined) return parseJumpChain(t[i + 1]!);
    if (a.startsWith('-J') && a.length > 2) return parseJumpChain(a.slice(2));
    let opt: string | undefined;
    if (a === '-o') opt = t[++i];
    else if (a.startsWith('-o')) opt = a.slice(2);
    if (opt === undefined) continue;
    const m = /^\s*(\w+)\s*[= ]\s*(.*)$/.exec(opt);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    if (key === 'proxyjump') return parseJumpChain(m[2]!);
    if (key === 'proxycommand') {
      const cmd = m[2]!.trim();
      if (cmd.toLowerCase() === 'none') continue;
      const hops = fromProxyCommand(cmd);
      if (hops) return hops;
      // Never connect somewhere other than where the configuration says: refuse the host.
      throw new JumpSpecError(
        `ansible_ssh_common_args/ansible_ssh_extra_args set ProxyCommand ${JSON.stringify(cmd)}, which sysfleet cannot follow yet ` +
          `(only "ssh -W %h:%p [-p PORT] [-l USER] [-i KEY] HOST" is, as a jump host); refusing to connect to this host — ` +
          'use ProxyJump (-J) or sysfleet_jump, or set sysfleet_skip: true for it',
      );
    }
  }
  return undefined;
}

/**
 * The value of one `-o Name=value` option in an ssh argument string (first one wins, as in
 * OpenSSH); undefined when absent. Used for UserKnownHostsFile in ansible_ssh_common_args.
 */
export function sshOptionFromArgs(args: string, name: string): string | undefined {
  const t = shlexSplit(args);
  for (let i = 0; i < t.length; i++) {
    const a = t[i]!;
    const opt = a === '-o' ? t[++i] : a.startsWith('-o') ? a.slice(2) : undefined;
    const m = opt === undefined ? null : /^\s*(\w+)\s*[= ]\s*(.*)$/.exec(opt);
    if (m && m[1]!.toLowerCase() === name.toLowerCase()) return m[2]!.trim();
  }
  return undefined;
}
