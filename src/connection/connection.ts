/**
 * Connection parameters for one inventory host, resolved as Ansible + OpenSSH would: Ansible's
 * ssh command line (inventory vars as `-o` options, then ansible_ssh_common_args and
 * ansible_ssh_extra_args: ssh-args.ts) is resolved against ssh_config exactly as `ssh -G` would
 * (ssh-resolve.ts), and so is each ProxyJump hop (jump-chain.ts). Pure given the SshConfig.
 */
import { ModelErrors, type ModelError } from '../parse/errors.js';
import { JumpSpecError, parseJumpChain, str } from './jump.js';
import { resolveJumpChain, type HopResolver } from './jump-chain.js';
import { parseSshArgs, splitAnsibleArgs } from './ssh-args.js';
import { emptySshConfig, type SshConfig } from './ssh-config.js';
import { optionLine, type SshConfigLine } from './ssh-config-lines.js';
import {
  expandIdentityPath,
  proxyCommandLine,
  resolveSsh,
  SshResolveError,
  type ResolvedSsh,
} from './ssh-resolve.js';
import type { BecomeMethod, HostConnection, JumpHost, OpenSshTarget } from './types.js';
import { shlexSplit } from '../parse/shlex.js';
import type { InventoryHost } from '../inventory/types.js';

/** Ansible's boolean conversion for become & co. */
export function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string')
    return ['yes', 'on', '1', 'true', 'y', 't'].includes(v.trim().toLowerCase());
  return false;
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

/** A HostLookup over an inventory's hosts. */
export function inventoryLookup(inv: { hosts: readonly InventoryHost[] }): HostLookup {
  const byName = new Map(inv.hosts.map((h) => [h.name, h]));
  return (name) => byName.get(name);
}

/** What ssh2 cannot do of what the resolved options ask (auto sends such hosts to OpenSSH). */
export function ssh2LimitsOf(r: ResolvedSsh): string[] {
  const out: string[] = [];
  if (r.certificateFiles.length) out.push('CertificateFile (ssh2 has no certificate support)');
  const set = (k: string) => {
    const v = r.options.get(k)?.args[0]?.toLowerCase();
    return v !== undefined && v !== 'none' && v !== 'no' && v !== 'internal';
  };
  if (set('pkcs11provider')) out.push('PKCS11Provider');
  if (set('securitykeyprovider')) out.push('SecurityKeyProvider');
  if (set('proxyusefdpass')) out.push('ProxyUseFdpass');
  if (r.identityFiles.some((f) => !r.identityFilesDefault && /_sk(\.pub)?$|-sk/.test(f)))
    out.push('FIDO (sk) IdentityFile');
  for (const o of r.newerOptions) out.push(`${o}, newer than the resolver's OpenSSH 9.2`);
  for (const u of r.lookupUnsure)
    out.push(`host name canonicalisation (${u}: only ssh's own lookup can decide)`);
  return out;
}

/** `-o` lines for the inventory's own connection vars (Ansible puts them before the args). */
function inventoryLines(v: Record<string, unknown>, file: string): SshConfigLine[] {
  const port =
    portOf(v['ansible_port'], 'ansible_port') ?? portOf(v['ansible_ssh_port'], 'ansible_ssh_port');
  const key = str(v['ansible_ssh_private_key_file']) ?? str(v['ansible_private_key_file']);
  const user = str(v['ansible_user']) ?? str(v['ansible_ssh_user']);
  const mk = (keyword: string, arg: string) => optionLine(keyword, arg, file);
  return [
    ...(port !== undefined ? [mk('port', String(port))] : []),
    ...(key ? [mk('identityfile', key)] : []),
    ...(user ? [mk('user', user)] : []),
  ];
}

/** Host names and users spliced into a ProxyCommand must not carry shell syntax (OpenSSH 9.6). */
const SAFE_NAME = /^[A-Za-z0-9_.:%@[\]-]+$/;

function connectionFor(
  name: string,
  r: ResolvedSsh,
  cfg: SshConfig,
  jump: JumpHost[],
  extra: Partial<HostConnection>,
): HostConnection {
  const expand = (p: string) => expandIdentityPath(r, p, cfg);
  if (r.proxyCommand && (!SAFE_NAME.test(r.tokens.host) || !SAFE_NAME.test(r.user)))
    throw new JumpSpecError(
      `host name ${JSON.stringify(r.tokens.host)} or user ${JSON.stringify(r.user)} has characters a ProxyCommand would pass to the shell`,
    );
  const lookedUp = r.canonical?.lookedUp;
  const unresolved = r.nameError ?? jump.find((h) => h.unresolved)?.unresolved;
  const conn: HostConnection = {
    name,
    connection: 'ssh',
    address: r.hostname,
    ...(lookedUp && lookedUp !== r.hostname && !r.proxyCommand && jump.length === 0
      ? { connectName: lookedUp }
      : {}),
    ...(r.canonical ? { canonical: r.canonical } : {}),
    port: r.port,
    user: r.user,
    identityFiles: [...new Set(r.identityFiles.map(expand))],
    ...(r.identityFilesDefault ? { identityFilesDefault: true } : {}),
    jump,
    ...(r.proxyCommand ? { proxyCommand: proxyCommandLine(r) } : {}),
    ...(r.certificateFiles.length ? { certificateFiles: r.certificateFiles.map(expand) } : {}),
    ...(r.options.get('kexalgorithms')
      ? { kexAlgorithms: r.options.get('kexalgorithms')!.args.join(',') }
      : {}),
    ...(r.options.get('hostkeyalgorithms')
      ? { hostKeyAlgorithms: r.options.get('hostkeyalgorithms')!.args.join(',') }
      : {}),
    strictHostKeyChecking: r.strictHostKeyChecking,
    become: false,
    becomeUser: 'root',
    knownHostsFiles: r.userKnownHostsFiles,
    globalKnownHostsFiles: r.globalKnownHostsFiles,
    ssh2Limits: [
      ...ssh2LimitsOf(r),
      ...jump.flatMap((h, i) =>
        h.certificateFiles?.length ? [`jump hop ${i + 1} CertificateFile`] : [],
      ),
      ...jump.flatMap((h, i) =>
        (h.lookupUnsure ?? []).map(
          (u) =>
            `jump hop ${i + 1} host name canonicalisation (${u}: only ssh's own lookup can decide)`,
        ),
      ),
    ],
    ...extra,
  };
  // ssh stops at a name canonicalisation cannot resolve: so does sysfleet, for this host only
  if (unresolved && !conn.unreachable) conn.unreachable = `ssh_config: ${unresolved}`;
  return conn;
}

/**
 * Resolves one host. Pass `lookup` (inventoryLookup(inv)) so that a jump hop naming an
 * inventory host is reached at that host's ansible_host/port/user/key, as an operator expects;
 * without it, hops resolve through ssh_config only, as plain OpenSSH would. Throws ModelErrors
 * (file = the ssh_config file:line:col, or `host <name>`) for anything ssh would refuse.
 */
export function resolveConnection(
  host: InventoryHost,
  sshConfig: SshConfig = emptySshConfig(),
  lookup?: HostLookup,
): HostConnection {
  const v = host.vars;
  const where = `host ${host.name}`;
  try {
    const become = truthy(v['ansible_become']);
    const becomeUser = str(v['ansible_become_user']) ?? 'root';
    const { method: becomeMethod, problem: becomeProblem } = becomeMethodOf(v);
    const type = connectionType(v['ansible_connection']);
    const unreachable = type.problem ?? (become ? becomeProblem : undefined);
    const extra = {
      ...(becomeMethod !== 'sudo' ? { becomeMethod } : {}),
      ...(unreachable ? { unreachable } : {}),
    };
    if (type.kind === 'local') {
      return {
        ...extra,
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
    const hostArg = str(v['ansible_host']) ?? str(v['ansible_ssh_host']) ?? host.name;
    if (/^-|\s/.test(hostArg))
      throw new JumpSpecError(`invalid address ${JSON.stringify(hostArg)}`);
    const errors: ModelError[] = [];
    const argv: string[] = [];
    for (const k of ['ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
      const s = splitAnsibleArgs(str(v[k]) ?? '', `${where}: ${k}`);
      if (s.error) errors.push(s.error);
      argv.push(...s.argv);
    }
    const args = parseSshArgs(argv, `${where}: ssh args`);
    errors.push(...args.errors);
    const lines = [...inventoryLines(v, `${where}: inventory`), ...args.lines];
    const sj = v['sysfleet_jump'];
    if (typeof sj === 'string' || (Array.isArray(sj) && sj.every((x) => typeof x === 'string'))) {
      const chain = parseJumpChain(sj as string | string[]); // validates
      const spec = (Array.isArray(sj) ? sj.join(',') : sj) as string;
      lines.unshift({
        keyword: 'proxyjump',
        args: [chain.length ? spec : 'none'],
        rest: spec,
        file: `${where}: sysfleet_jump`,
        line: 0,
        col: 0,
        keywordCol: 0,
      });
    }
    if (errors.length) throw new ModelErrors(errors);
    const inv = {
      hostArg,
      cmdline: lines,
      ...(args.configFile ? { configFile: args.configFile } : {}),
    };
    const r = resolveSsh(sshConfig, inv);
    const hop: HopResolver = (i) =>
      resolveSsh(sshConfig, { ...i, ...(args.configFile ? { configFile: args.configFile } : {}) });
    const jump = r.proxyJump ? resolveJumpChain(r.proxyJump, hop, sshConfig, lookup) : [];
    const pwEnv = str(v['sysfleet_become_password_env']);
    const file = args.configFile ?? sshConfig.userPath;
    return connectionFor(host.name, r, sshConfig, jump, {
      ...extra,
      become,
      becomeUser,
      ...(file ? { sshConfigFile: file } : {}),
      ...(argv.length ? { sshArgs: argv } : {}),
      ...(pwEnv ? { becomePasswordEnv: pwEnv } : {}),
      openssh: opensshTarget(v, hostArg),
    });
  } catch (e) {
    if (e instanceof JumpSpecError)
      throw new ModelErrors([{ file: where, line: 0, col: 0, message: e.message }]);
    if (e instanceof SshResolveError)
      throw new ModelErrors(e.errors.map((x) => ({ ...x, message: `${host.name}: ${x.message}` })));
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

const SSH_TYPES = new Set(['ssh', 'smart', 'paramiko', 'paramiko_ssh']);
const LOCAL_TYPES = new Set(['local']);

/**
 * ansible_connection → how sysfleet reaches the host. Ansible's ssh-like types (ssh, smart,
 * paramiko, also as ansible.builtin.*) are SSH; `local` is this machine; any other type
 * (docker, mitogen_ssh, fakelocal, winrm, ...) is a host sysfleet cannot reach, with the reason.
 */
export function connectionType(v: unknown): { kind: 'ssh' | 'local'; problem?: string } {
  const raw = str(v) ?? 'ssh';
  const name = raw.replace(/^ansible\.(builtin|netcommon)\./, '');
  if (SSH_TYPES.has(name)) return { kind: 'ssh' };
  if (LOCAL_TYPES.has(name)) return { kind: 'local' };
  return {
    kind: 'ssh',
    problem: `ansible_connection "${raw}" is not supported: sysfleet connects over ssh or local only`,
  };
}

/** ansible_become_method → sudo, su or doas; another method is a per-host problem. */
export function becomeMethodOf(v: Record<string, unknown>): {
  method: BecomeMethod;
  problem?: string;
} {
  const raw = str(v['ansible_become_method']) ?? 'sudo';
  const name = raw.replace(/^ansible\.builtin\.|^community\.general\./, '');
  if (name === 'sudo' || name === 'su' || name === 'doas') return { method: name };
  return {
    method: 'sudo',
    problem: `ansible_become_method "${raw}" is not supported: sysfleet becomes with sudo, su or doas`,
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

export { portOf, str, inventoryLines };
