/**
 * What `ssh -G [-F file] [-o ...] host` prints, computed without OpenSSH (ssh.c main's order):
 * command-line options first, then the user config, then /etc/ssh/ssh_config (not with -F);
 * HostName (%h %%) taken into use and lower-cased; CanonicalizeHostname; a final pass when
 * canonicalisation is on or a `Match final` asked for one (Host lines then match the final host
 * name); defaults filled in (port 22, the local user, OpenSSH's IdentityFile and known_hosts
 * lists). Pure given the SshConfig hooks. The test suite compares it with `ssh -G`.
 */
import type { ModelError } from '../parse/errors.js';
import type { StrictHostKeyChecking } from './types.js';
import type { SshConfigLine } from './ssh-config-lines.js';
import {
  applyCommandLine,
  emptyOptions,
  opt,
  readConfigFiles,
  type RawOptions,
  type SshConfig,
  type SshConfigFile,
} from './ssh-config-eval.js';
import {
  canonicalDomains,
  canonicalizeHost,
  canonicalizeMode,
  permittedCnames,
  type AddressFamily,
  type CanonResult,
} from './ssh-canonical.js';
import {
  clientTokens,
  dollarExpand,
  expandClientPath,
  percentExpand,
  tildeExpand,
  TokenError,
  type TokenInputs,
} from './ssh-tokens.js';

/** ssh's defaults (readconf.c fill_default_options, pathnames.h). */
export const DEFAULT_IDENTITY_FILES = [
  '~/.ssh/id_rsa',
  '~/.ssh/id_ecdsa',
  '~/.ssh/id_ecdsa_sk',
  '~/.ssh/id_ed25519',
  '~/.ssh/id_ed25519_sk',
  '~/.ssh/id_xmss',
  '~/.ssh/id_dsa',
];
export const DEFAULT_USER_KNOWN_HOSTS = ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
export const DEFAULT_GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

/** How ssh is invoked for one host. */
export interface SshInvocation {
  /** The host as typed (`ssh HOST`). */
  hostArg: string;
  /** Command-line options in order (-o, -l, -p, -i, -J as config lines). */
  cmdline?: SshConfigLine[];
  /** `-F`: this file is the user config and /etc/ssh/ssh_config is not read; `none` = no file. */
  configFile?: string;
}

/** The resolved options, as `ssh -G` prints them (paths of IdentityFile raw, like -G). */
export interface ResolvedSsh {
  hostArg: string;
  hostname: string;
  port: number;
  user: string;
  /** Raw, as ssh -G prints them (`~` and tokens are expanded when keys load). */
  identityFiles: string[];
  identityFilesDefault: boolean;
  certificateFiles: string[];
  /** Expanded (tilde, ${ENV}, tokens), as ssh -G prints them. */
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  /** Raw ProxyCommand (tokens expanded at connect time); absent when unset or `none`. */
  proxyCommand?: string;
  /** Raw ProxyJump; absent when unset or `none`. */
  proxyJump?: string;
  strictHostKeyChecking: StrictHostKeyChecking;
  /** Other options as configured, raw (first value), keyed by lower-case keyword. */
  options: Map<string, SshConfigLine>;
  /** Inputs of the client tokens (%h %p %r %n %C ...). */
  tokens: TokenInputs;
  /** `Match exec` commands that ran. */
  execs: string[];
  /** Options of a later OpenSSH than the resolver's 9.2 that apply to this host. */
  newerOptions: string[];
  /** How canonicalisation changed the name (CanonicalizeHostname, a numeric address). */
  canonical?: CanonicalName;
  /**
   * ssh would stop before connecting: a name canonicalisation could not resolve
   * (CanonicalizeFallbackLocal no, or CanonicalizePermittedCNAMEs and no such name). ssh -G fails
   * there too; the options are those of the first pass.
   */
  nameError?: string;
  /** Name lookups that could not be done as ssh does them (only OpenSSH can then decide). */
  lookupUnsure: string[];
}

/** A host name canonicalisation changed. */
export interface CanonicalName {
  /** The name before (HostName expanded, lower-cased). */
  from: string;
  how: NonNullable<CanonResult['how']>;
  /** The name as getaddrinfo was asked (`db.corp.example.`); ssh connects to its addresses. */
  lookedUp?: string;
  addresses?: string[];
  /** The CNAME target followed (CanonicalizePermittedCNAMEs). */
  cname?: string;
}

export class SshResolveError extends Error {
  constructor(readonly errors: ModelError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

const isAddr = (h: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(':');

/** a2port(): a number 1..65535 or a tcp service name. */
function parsePort(cfg: SshConfig, v: string): number | undefined {
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    return n >= 1 && n <= 65535 ? n : undefined;
  }
  return cfg.servicePort ? cfg.servicePort(v) : v === 'ssh' ? 22 : undefined;
}

const STRICT: Record<string, StrictHostKeyChecking> = {
  yes: 'yes',
  true: 'yes',
  no: 'no',
  false: 'no',
  off: 'no',
  ask: 'ask',
  'accept-new': 'accept-new',
};

function tokensOf(cfg: SshConfig, hostArg: string, host: string, o: RawOptions): TokenInputs {
  const port = parsePort(cfg, opt(o, 'port') ?? '') ?? 22;
  const alias = opt(o, 'hostkeyalias');
  return {
    localHostName: cfg.localHostName,
    home: cfg.home,
    localUser: cfg.localUser,
    uid: cfg.uid,
    hostArg,
    host,
    port,
    user: opt(o, 'user') ?? cfg.localUser,
    ...(alias ? { keyAlias: alias } : {}),
  };
}

/** Resolves one invocation as ssh would; throws SshResolveError with file:line:col. */
export function resolveSsh(cfg: SshConfig, inv: SshInvocation): ResolvedSsh {
  const o = emptyOptions();
  const { hostArg } = inv;
  applyCommandLine(o, inv.cmdline ?? [], cfg);
  let files: { user?: SshConfigFile; system?: SshConfigFile };
  if (inv.configFile === 'none') files = {};
  else if (inv.configFile !== undefined) {
    const user = cfg.loadUserConfig?.(inv.configFile);
    if (!user)
      throw new SshResolveError([
        { file: inv.configFile, line: 0, col: 0, message: `can't open user config file` },
      ]);
    files = { user };
  } else
    files = {
      ...(cfg.user ? { user: cfg.user } : {}),
      ...(cfg.system ? { system: cfg.system } : {}),
    };

  const expandHostName = (x: RawOptions) => {
    const hn = opt(x, 'hostname');
    return hn === undefined ? hostArg : percentExpand(hn, { h: hostArg });
  };
  const execTokens = (cmd: string, x: RawOptions, host: string) =>
    percentExpand(cmd, clientTokens(tokensOf(cfg, hostArg, host, x)));
  try {
    readConfigFiles(
      o,
      files,
      {
        host: hostArg,
        originalHost: hostArg,
        final: false,
        matchHost: expandHostName,
        expandExec: (cmd, x) => execTokens(cmd, x, expandHostName(x)),
      },
      cfg,
    );
    let host = expandHostName(o);
    // ssh lower-cases the name (not an address; the observed 9.2 behaviour keeps `%`/`:` names).
    let hostname = host;
    if (!isAddr(host) && !host.includes('%')) hostname = host = host.toLowerCase();
    const proxied = ['proxycommand', 'proxyjump'].some(
      (k) => (opt(o, k) ?? 'none').toLowerCase() !== 'none',
    );
    const mode = canonicalizeMode(opt(o, 'canonicalizehostname'));
    const fam = (opt(o, 'addressfamily') ?? 'any').toLowerCase();
    const canon = canonicalizeHost({
      host,
      mode,
      direct: !proxied,
      maxDots: Number(opt(o, 'canonicalizemaxdots') ?? '1'),
      domains: canonicalDomains(o.first.get('canonicaldomains')?.args),
      fallbackLocal: !/^(no|false)$/i.test(opt(o, 'canonicalizefallbacklocal') ?? 'yes'),
      permittedCnames: permittedCnames(o.first.get('canonicalizepermittedcnames')?.args),
      family: (fam === 'inet' || fam === 'inet6' ? fam : 'any') as AddressFamily,
      lookup: cfg.lookupName,
    });
    const from = host;
    hostname = host = canon.host;
    const canonical: CanonicalName | undefined = canon.how
      ? {
          from,
          how: canon.how,
          ...(canon.lookedUp ? { lookedUp: canon.lookedUp } : {}),
          ...(canon.addresses ? { addresses: canon.addresses } : {}),
          ...(canon.cname ? { cname: canon.cname } : {}),
        }
      : undefined;
    // ssh stops at a name it cannot resolve, before the final pass
    if (canon.fatal) o.wantFinal = false;
    else if (mode !== 'no') o.wantFinal = true;
    if (o.wantFinal) {
      hostname = host;
      const finalHost = host;
      readConfigFiles(
        o,
        files,
        {
          host: finalHost,
          originalHost: hostArg,
          final: true,
          matchHost: () => finalHost,
          expandExec: (cmd, x) => execTokens(cmd, x, finalHost),
        },
        cfg,
      );
    }
    if (o.errors.length) throw new SshResolveError(o.errors);

    const portRaw = opt(o, 'port');
    const port = portRaw === undefined ? 22 : parsePort(cfg, portRaw);
    if (port === undefined) {
      const l = o.first.get('port')!;
      throw new SshResolveError([
        { file: l.file, line: l.line, col: l.col, message: `bad port "${portRaw}"` },
      ]);
    }
    const tokens = tokensOf(cfg, hostArg, host, o);
    const listOf = (k: string, dflt: string[]) => {
      const a = o.first.get(k)?.args;
      return a && a.length ? a : dflt;
    };
    const userKnown = listOf('userknownhostsfile', DEFAULT_USER_KNOWN_HOSTS).map((p) =>
      expandClientPath(p, tokens, cfg.env),
    );
    const proxy = (k: string) => {
      const v = opt(o, k);
      return v === undefined || v.toLowerCase() === 'none' ? undefined : v;
    };
    const proxyCommand = proxy('proxycommand');
    const proxyJump = proxy('proxyjump');
    return {
      hostArg,
      hostname,
      port,
      user: tokens.user,
      identityFiles: o.identityFiles.length ? o.identityFiles : DEFAULT_IDENTITY_FILES,
      identityFilesDefault: o.identityFiles.length === 0,
      certificateFiles: o.certificateFiles,
      userKnownHostsFiles: userKnown,
      globalKnownHostsFiles: listOf('globalknownhostsfile', DEFAULT_GLOBAL_KNOWN_HOSTS),
      ...(proxyCommand ? { proxyCommand } : {}),
      ...(proxyJump ? { proxyJump } : {}),
      strictHostKeyChecking:
        STRICT[(opt(o, 'stricthostkeychecking') ?? 'ask').toLowerCase()] ?? 'ask',
      options: o.first,
      tokens: { ...tokens, port },
      execs: o.execs,
      newerOptions: o.newer,
      ...(canonical ? { canonical } : {}),
      ...(canon.fatal ? { nameError: canon.fatal } : {}),
      lookupUnsure: canon.unsure,
    };
  } catch (e) {
    if (e instanceof TokenError)
      throw new SshResolveError([
        ...o.errors,
        { file: `host ${hostArg}`, line: 0, col: 0, message: e.message },
      ]);
    throw e;
  }
}

/** An IdentityFile / CertificateFile path as ssh loads it: `~`, ${ENV}, client tokens. */
export function expandIdentityPath(r: ResolvedSsh, path: string, cfg: SshConfig): string {
  return expandClientPath(path, r.tokens, cfg.env);
}

/**
 * The ProxyCommand line ssh runs (sshconnect.c expand_proxy_command): `exec ` + the command with
 * %h (host name) %n (as typed) %p %r %k expanded. Like OpenSSH the values are inserted
 * verbatim; callers refuse names with shell metacharacters first (as OpenSSH 9.6 does).
 */
export function proxyCommandLine(r: ResolvedSsh): string {
  return `exec ${percentExpand(r.proxyCommand ?? '', {
    h: r.tokens.host,
    k: r.tokens.keyAlias ?? r.hostArg,
    n: r.hostArg,
    p: String(r.port),
    r: r.user,
  })}`;
}

export { dollarExpand, tildeExpand };
