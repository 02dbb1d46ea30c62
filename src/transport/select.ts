/**
 * Which transport reaches a host (`--transport ssh2|openssh|auto`), decided before any host is
 * touched. Pure: the ssh_config, known_hosts and key files come in already read. `auto` takes
 * ssh2 (in-process, fastest) when it does everything the configuration asks, else the system
 * ssh, and refuses the host when neither can: never a connection different from what the
 * configuration says. Each choice carries its reason (--detail, the JSON report).
 */
import type { HostConnection, TransportChoice } from '../connection/types.js';
import type { SshConfig } from '../connection/ssh-config.js';
import { hostFieldMatches, knownHostsName, type KnownHostsIndex } from './known-hosts.js';

export type TransportRequest = 'ssh2' | 'openssh' | 'auto';

/** Key exchanges ssh2 (1.16) implements (ssh2/lib/protocol/constants.js SUPPORTED_KEX). */
export const SSH2_KEX = new Set([
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'ecdh-sha2-nistp256',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256',
  'diffie-hellman-group14-sha256',
  'diffie-hellman-group15-sha512',
  'diffie-hellman-group16-sha512',
  'diffie-hellman-group17-sha512',
  'diffie-hellman-group18-sha512',
  'diffie-hellman-group-exchange-sha1',
  'diffie-hellman-group14-sha1',
  'diffie-hellman-group1-sha1',
]);

/**
 * Options ssh2 honours (hostname .. userknownhostsfile, read by src/connection) or that change
 * nothing for sysfleet's non-interactive commands (host-key policy is sysfleet's own flag).
 */
const SSH2_HONOURS_CONFIG = new Set([
  'hostname',
  'port',
  'user',
  'identityfile',
  'proxyjump',
  'userknownhostsfile',
  'stricthostkeychecking',
  'globalknownhostsfile',
  'identitiesonly',
  'batchmode',
  'connecttimeout',
  'connectionattempts',
  'serveraliveinterval',
  'serveralivecountmax',
  'tcpkeepalive',
  'controlmaster',
  'controlpath',
  'controlpersist',
  'loglevel',
  'compression',
  'forwardagent',
  'forwardx11',
  'forwardx11trusted',
  'requesttty',
  'sendenv',
  'addkeystoagent',
  'hashknownhosts',
  'updatehostkeys',
  'visualhostkey',
  'checkhostip',
  'passwordauthentication',
  'pubkeyauthentication',
  'kbdinteractiveauthentication',
  'challengeresponseauthentication',
  'preferredauthentications',
  'numberofpasswordprompts',
  'escapechar',
  'exitonforwardfailure',
  'gssapidelegatecredentials',
]);
/** In ansible_ssh_*_args src/connection reads only these (and -J). */
const SSH2_HONOURS_ARGS = new Set(
  [...SSH2_HONOURS_CONFIG].filter((k) => !['hostname', 'port', 'user', 'identityfile'].includes(k)),
);
/** ssh flags without a value that change nothing here. */
const HARMLESS_FLAGS = /^-[46AaCGgKkMNnqsTtVvXxYy]+$/;

/** What the selection reads from disk, given to it (pure). */
export interface SelectFiles {
  exists(path: string): boolean;
  /** File text, undefined when unreadable. */
  read(path: string): string | undefined;
}

export interface SelectContext {
  sshConfig?: SshConfig;
  /** known_hosts the ssh2 transport would check this host against. */
  knownHosts?: KnownHostsIndex;
  /** --key files (they replace the host's own). */
  keyFiles?: readonly string[];
  files: SelectFiles;
  /** The system ssh exists. */
  opensshAvailable: boolean;
}

function optionGap(key: string, value: string, where: string): string | undefined {
  if (key === 'kexalgorithms') {
    const list = value.replace(/^[+^-]/, '').split(',');
    if (/^[+-]/.test(value) || list.some((k) => SSH2_KEX.has(k))) return undefined;
    return `${where} KexAlgorithms ${value}: no key exchange ssh2 has`;
  }
  if (key === 'gssapiauthentication') {
    return /^(yes|true)$/i.test(value)
      ? `${where} GSSAPIAuthentication (Kerberos): not in ssh2`
      : undefined;
  }
  if (key === 'certificatefile')
    return `${where} CertificateFile ${value}: ssh2 has no certificates`;
  return `${where} ${key}: ssh2 does not implement it`;
}

/** The `-o`/flag options of an ssh argument vector, as [keyword, value] (flags as `-x`). */
function argOptions(args: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const opt = a === '-o' ? args[++i] : a.startsWith('-o') ? a.slice(2) : undefined;
    if (opt !== undefined) {
      const m = /^\s*(\w+)\s*[= ]\s*(.*)$/.exec(opt);
      if (m) out.push([m[1]!.toLowerCase(), m[2]!]);
      continue;
    }
    if (HARMLESS_FLAGS.test(a)) continue;
    const flag = /^-([A-Za-z])(.*)$/.exec(a);
    if (flag) {
      const v = flag[2] || args[++i] || '';
      out.push([`-${flag[1]}`, v]);
    }
  }
  return out;
}

const FLAG_KEYWORD: Record<string, string> = {
  '-i': 'identityfile',
  '-l': 'user',
  '-p': 'port',
  '-F': 'ssh_config file (-F)',
  '-c': 'ciphers',
  '-m': 'macs',
  '-J': 'proxyjump',
  '-S': 'controlpath',
};

/** Options src/connection resolves itself for ssh2 (from ssh_config and the args alike). */
const RESOLVED = new Set([
  'hostname',
  'port',
  'user',
  'identityfile',
  'proxyjump',
  'proxycommand',
  'certificatefile',
  'kexalgorithms',
  'hostkeyalgorithms',
  'userknownhostsfile',
  'globalknownhostsfile',
  'stricthostkeychecking',
  'ssh_config file (-F)',
]);

/**
 * Why ssh2 cannot connect to this host as the configuration asks (empty: it can). The
 * configuration is already resolved as OpenSSH resolves it (src/connection: Match, Include,
 * ProxyCommand, -F/-o/-l/-p/-i/-J), which also lists what ssh2 lacks (`ssh2Limits`); what is left
 * here is what needs files or known_hosts: certificates beside keys, FIDO keys, hosts known only
 * by @cert-authority, a key exchange list with nothing ssh2 has, and ssh options in the
 * inventory's args that ssh2 does not implement.
 */
export function ssh2Gaps(target: HostConnection, ctx: SelectContext): string[] {
  const gaps: string[] = [...(target.ssh2Limits ?? []).map((l) => `${l}: not in ssh2`)];
  if (target.kexAlgorithms) {
    const gap = optionGap('kexalgorithms', target.kexAlgorithms, 'ssh_config');
    if (gap) gaps.push(gap);
  }
  for (const hop of target.jump) {
    if (!hop.kexAlgorithms) continue;
    const gap = optionGap('kexalgorithms', hop.kexAlgorithms, `jump ${hop.address}`);
    if (gap) gaps.push(gap);
  }
  const args = target.openssh?.args ?? [];
  for (const [key0, value] of argOptions(args)) {
    const key = FLAG_KEYWORD[key0] ?? key0;
    if (RESOLVED.has(key) || SSH2_HONOURS_ARGS.has(key)) continue;
    if (key.startsWith('-')) {
      gaps.push(`ansible_ssh_*_args ${key0}: ssh2 does not implement it`);
      continue;
    }
    const gap = optionGap(key, value, 'ansible_ssh_*_args');
    if (gap) gaps.push(gap);
  }
  if (target.certificateFiles?.length && !gaps.some((g) => g.includes('Certificate')))
    gaps.push(`CertificateFile ${target.certificateFiles.join(', ')}: ssh2 has no certificates`);
  const keys = ctx.keyFiles?.length ? ctx.keyFiles : target.identityFiles;
  for (const k of keys) {
    if (ctx.files.exists(`${k}-cert.pub`)) {
      gaps.push(`identity ${k} has a certificate (${k}-cert.pub): ssh2 has no certificates`);
    }
    const pub = ctx.files.read(`${k}.pub`);
    if (pub && /^sk-/.test(pub.trim()))
      gaps.push(`identity ${k} is a FIDO key: ssh2 cannot use it`);
  }
  if (ctx.knownHosts) {
    const name = knownHostsName(target.address, target.port);
    const entries = ctx.knownHosts.candidates(name).filter((e) => hostFieldMatches(e.hosts, name));
    if (entries.length > 0 && entries.every((e) => e.marker === 'cert-authority')) {
      gaps.push(
        `known_hosts knows the host only by @cert-authority: ssh2 cannot verify host certificates`,
      );
    }
  }
  return [...new Set(gaps)];
}

export function chooseTransport(
  requested: TransportRequest,
  target: HostConnection,
  ctx: SelectContext,
): TransportChoice {
  if (requested === 'openssh') {
    return ctx.opensshAvailable
      ? { transport: 'openssh', reason: '--transport openssh' }
      : {
          transport: 'refused',
          reason: '--transport openssh, but no ssh client is installed (openssh-client)',
        };
  }
  const gaps = ssh2Gaps(target, ctx);
  if (gaps.length === 0) {
    return {
      transport: 'ssh2',
      reason: requested === 'ssh2' ? '--transport ssh2' : 'ssh2 does all the configuration asks',
    };
  }
  const why = gaps.join('; ');
  if (requested === 'ssh2') {
    return {
      transport: 'refused',
      reason: `--transport ssh2, but ${why} (use --transport openssh or auto)`,
    };
  }
  return ctx.opensshAvailable
    ? { transport: 'openssh', reason: why }
    : { transport: 'refused', reason: `${why}, and no ssh client is installed (openssh-client)` };
}
