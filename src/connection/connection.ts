/**
 * Connection parameters for one inventory host, resolved as Ansible + OpenSSH would: inventory
 * variables (ansible_host, ansible_port, ansible_user, ansible_ssh_private_key_file,
 * ansible_become*, ansible_connection, sysfleet_jump, ProxyJump in ansible_ssh_*_args) win over
 * ~/.ssh/config (HostName, Port, User, IdentityFile, ProxyJump, UserKnownHostsFile), which wins
 * over defaults (port 22, the local user). Jump hosts are resolved through ssh_config too,
 * including their own ProxyJump. Pure: the ssh_config comes in parsed (load-ssh-config.ts).
 */
import { ModelErrors, type ModelError } from '../parse/errors.js';
import {
  jumpFromSshArgs,
  sshOptionFromArgs,
  JumpSpecError,
  parseJumpChain,
  type JumpSpec,
} from './jump.js';
import { emptySshConfig, expandSshPath, sshConfigFor, type SshConfig } from './ssh-config.js';
import type { HostConnection, JumpHost, OpenSshTarget } from './types.js';
import { shlexSplit } from '../parse/shlex.js';
import type { InventoryHost } from '../inventory/types.js';

const MAX_JUMP_DEPTH = 8;

/** Ansible's boolean conversion for become & co. */
export function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string')
    return ['yes', 'on', '1', 'true', 'y', 't'].includes(v.trim().toLowerCase());
  return false;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number') return String(v);
  return undefined;
}

function portOf(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n =
    typeof v === 'number' ? v : /^\d+$/.test(String(v).trim()) ? Number(String(v).trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new JumpSpecError(`${what} must be a port 1..65535, got ${JSON.stringify(v)}`);
  return n;
}

/** Inventory hosts by name, so a jump hop naming one uses its ansible_host/port/user/key. */
export type HostLookup = (name: string) => InventoryHost | undefined;

function resolveJumps(
  chain: JumpSpec[],
  cfg: SshConfig,
  depth: number,
  lookup?: HostLookup,
): JumpHost[] {
  if (depth > MAX_JUMP_DEPTH)
    throw new JumpSpecError(`jump chain deeper than ${MAX_JUMP_DEPTH} hops (a ProxyJump loop?)`);
  const out: JumpHost[] = [];
  for (const hop of chain) {
    const inv = lookup?.(hop.host)?.vars ?? {};
    const alias = str(inv['ansible_host']) ?? hop.host;
    const c = sshConfigFor(cfg, alias);
    // A hop's own ProxyJump (from ssh_config) comes before it, as OpenSSH does.
    if (c.proxyJump && depth < MAX_JUMP_DEPTH)
      out.push(...resolveJumps(parseJumpChain(c.proxyJump), cfg, depth + 1, lookup));
    const port =
      hop.port ??
      portOf(inv['ansible_port'], `ansible_port of jump host ${hop.host}`) ??
      c.port ??
      22;
    const user = hop.user ?? str(inv['ansible_user']) ?? c.user;
    const address = c.hostName ? c.hostName.replace(/%h/g, alias) : alias;
    const tokens = {
      home: cfg.home,
      host: address,
      user: user ?? cfg.localUser,
      localUser: cfg.localUser,
      port,
      alias,
    };
    const key = str(inv['ansible_ssh_private_key_file']);
    const identityFiles = [
      ...(hop.identityFile ? [hop.identityFile] : []),
      ...(key ? [key] : []),
      ...c.identityFiles,
    ].map((p) => expandSshPath(p, tokens));
    out.push({
      address,
      port,
      ...(user !== undefined ? { user } : {}),
      identityFiles: [...new Set(identityFiles)],
    });
  }
  return out;
}

/** A HostLookup over an inventory's hosts. */
export function inventoryLookup(inv: { hosts: readonly InventoryHost[] }): HostLookup {
  const byName = new Map(inv.hosts.map((h) => [h.name, h]));
  return (name) => byName.get(name);
}

/**
 * Resolves one host. Pass `lookup` (inventoryLookup(inv)) so that a jump hop naming an
 * inventory host is reached at that host's ansible_host/port/user/key, as an operator expects;
 * without it, hops resolve through ssh_config only, as plain OpenSSH would. Throws ModelErrors (file = `host <name>`) for a malformed port or jump
 * specification. Without an ssh_config, defaults are those of emptySshConfig() (user root).
 */
export function resolveConnection(
  host: InventoryHost,
  sshConfig: SshConfig = emptySshConfig(),
  lookup?: HostLookup,
): HostConnection {
  const v = host.vars;
  try {
    const become = truthy(v['ansible_become']);
    const becomeUser = str(v['ansible_become_user']) ?? 'root';
    if (str(v['ansible_connection']) === 'local') {
      return {
        name: host.name,
        connection: 'local',
        address: 'localhost',
        port: 0,
        user: str(v['ansible_user']) ?? sshConfig.localUser,
        identityFiles: [],
        jump: [],
        become,
        becomeUser,
      };
    }
    const alias = str(v['ansible_host']) ?? str(v['ansible_ssh_host']) ?? host.name;
    const c = sshConfigFor(sshConfig, alias);
    const address = c.hostName ? c.hostName.replace(/%h/g, alias) : alias;
    if (/^-|\s/.test(address))
      throw new JumpSpecError(`invalid address ${JSON.stringify(address)}`);
    const port =
      portOf(v['ansible_port'], 'ansible_port') ??
      portOf(v['ansible_ssh_port'], 'ansible_ssh_port') ??
      c.port ??
      22;
    const user =
      str(v['ansible_user']) ?? str(v['ansible_ssh_user']) ?? c.user ?? sshConfig.localUser;
    const tokens = {
      home: sshConfig.home,
      host: address,
      user,
      localUser: sshConfig.localUser,
      port,
      alias,
    };
    const key = str(v['ansible_ssh_private_key_file']) ?? str(v['ansible_private_key_file']);
    const identityFiles = [...(key ? [key] : []), ...c.identityFiles].map((p) =>
      expandSshPath(p, tokens),
    );
    let chain: JumpSpec[] | undefined;
    const sj = v['sysfleet_jump'];
    if (typeof sj === 'string' || (Array.isArray(sj) && sj.every((x) => typeof x === 'string')))
      chain = parseJumpChain(sj as string | string[]);
    chain ??= jumpFromSshArgs(str(v['ansible_ssh_common_args']) ?? '');
    chain ??= jumpFromSshArgs(str(v['ansible_ssh_extra_args']) ?? '');
    chain ??= c.proxyJump ? parseJumpChain(c.proxyJump) : [];
    const jump = resolveJumps(chain, sshConfig, 1, lookup);
    const conn: HostConnection = {
      name: host.name,
      connection: 'ssh',
      address,
      port,
      user,
      identityFiles: [...new Set(identityFiles)],
      jump,
      become,
      becomeUser,
    };
    // Inventory ssh args win over ssh_config, as in Ansible (the lab's inventory sets this).
    const argsKnownHosts =
      sshOptionFromArgs(str(v['ansible_ssh_common_args']) ?? '', 'UserKnownHostsFile') ??
      sshOptionFromArgs(str(v['ansible_ssh_extra_args']) ?? '', 'UserKnownHostsFile');
    const knownHosts = argsKnownHosts ? argsKnownHosts.split(/\s+/) : c.userKnownHostsFiles;
    if (knownHosts) conn.knownHostsFiles = knownHosts.map((p) => expandSshPath(p, tokens));
    const pwEnv = str(v['sysfleet_become_password_env']);
    if (pwEnv) conn.becomePasswordEnv = pwEnv;
    conn.openssh = opensshTarget(v, alias);
    return conn;
  } catch (e) {
    if (e instanceof JumpSpecError)
      throw new ModelErrors([{ file: `host ${host.name}`, line: 0, col: 0, message: e.message }]);
    throw e;
  }
}

/** The inventory's raw ssh settings, as Ansible's ssh plugin passes them to `ssh`. */
function opensshTarget(v: Record<string, unknown>, destination: string): OpenSshTarget {
  const port =
    portOf(v['ansible_port'], 'ansible_port') ?? portOf(v['ansible_ssh_port'], 'ansible_ssh_port');
  const user = str(v['ansible_user']) ?? str(v['ansible_ssh_user']);
  const identityFile = str(v['ansible_ssh_private_key_file']) ?? str(v['ansible_private_key_file']);
  return {
    destination,
    ...(port !== undefined ? { port } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(identityFile !== undefined ? { identityFile } : {}),
    args: [
      ...shlexSplit(str(v['ansible_ssh_common_args']) ?? ''),
      ...shlexSplit(str(v['ansible_ssh_extra_args']) ?? ''),
    ],
  };
}

/** True when the inventory says never to connect to this host (`sysfleet_skip: true`). */
export function isSkipped(host: InventoryHost): boolean {
  return truthy(host.vars['sysfleet_skip']);
}

/** Resolves many hosts, collecting every error into one ModelErrors. */
export function resolveConnections(
  hosts: readonly InventoryHost[],
  sshConfig?: SshConfig,
  lookup?: HostLookup,
): HostConnection[] {
  const errors: ModelError[] = [];
  const out: HostConnection[] = [];
  for (const h of hosts) {
    try {
      out.push(resolveConnection(h, sshConfig, lookup));
    } catch (e) {
      if (e instanceof ModelErrors) errors.push(...e.errors);
      else throw e;
    }
  }
  if (errors.length) throw new ModelErrors(errors);
  return out;
}
