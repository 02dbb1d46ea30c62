/**
 * One pass of readconf.c over the command-line options and the config files: `Host` (case-
 * sensitive, on the name as typed, or on the final host name in the final pass), `Match` (every
 * criterion; see ssh-config-match.ts), `Include` (globbed at load time; the Host/Match state is
 * restored after it, and an Include reached in an inactive block never applies, however its file
 * starts). The first value of each option wins; IdentityFile and CertificateFile accumulate;
 * ProxyCommand and ProxyJump exclude each other (the first one set wins). Pure: files, the shell
 * and the resolver come in through SshEnv.
 */
import type { ModelError } from '../parse/errors.js';
import type { SshConfigLine } from './ssh-config-lines.js';
import { didYouMean } from '../parse/suggest.js';
import { hostLineMatches, matchCondition, MatchError } from './ssh-config-match.js';
import { KNOWN_KEYWORDS, keywordVerdict } from './ssh-keywords.js';
import { checkCanonicalLine, type AddressFamily, type NameLookup } from './ssh-canonical.js';

/** A config file as loaded: its lines, each Include with the files its globs matched. */
export interface SshConfigFile {
  path: string;
  lines: Array<SshConfigLine & { include?: SshConfigFile[] }>;
}

/** What resolution needs from the machine (injected: load-ssh-config.ts gives the real ones). */
export interface SshEnv {
  home: string;
  localUser: string;
  uid: number;
  /** gethostname(). */
  localHostName: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Runs a `Match exec` command with the user's shell: exit status, undefined if it died. */
  exec: (cmd: string) => number | undefined;
  /** getservbyname(name, "tcp") for `Port name`; default: only `ssh` (22). */
  servicePort?: (name: string) => number | undefined;
  /**
   * getaddrinfo(name) with AI_CANONNAME in the given family, as ssh's resolve_host asks it
   * (CanonicalizeHostname, CanonicalizePermittedCNAMEs): found with the canonical name, missing,
   * or unknown when it cannot be asked here as ssh would.
   */
  lookupName: (name: string, family: AddressFamily) => NameLookup;
  /** Loads a user config named by `-F` in ansible ssh args (undefined when unreadable). */
  loadUserConfig?: (path: string) => SshConfigFile | undefined;
}

/** The loaded configuration: the user file (~/.ssh/config or -F) and /etc/ssh/ssh_config. */
export interface SshConfig extends SshEnv {
  user?: SshConfigFile;
  /** Read after the user file; not read when `-F` names the user file. */
  system?: SshConfigFile;
  /** The user file's path (also when missing), for `ssh -F`. */
  userPath?: string;
  /** Every file read, for messages. */
  files: string[];
}

/** Option values gathered so far (first wins), raw: tokens not expanded. */
export interface RawOptions {
  /** keyword → the line that set it. */
  first: Map<string, SshConfigLine>;
  identityFiles: string[];
  certificateFiles: string[];
  wantFinal: boolean;
  /** `Match exec` commands run (for the connections listing). */
  execs: string[];
  /** Active options of a later OpenSSH than 9.2 (`Tag (9.4)`): ssh2 cannot honour them. */
  newer: string[];
  errors: ModelError[];
}

export function emptyOptions(): RawOptions {
  return {
    first: new Map(),
    identityFiles: [],
    certificateFiles: [],
    wantFinal: false,
    execs: [],
    newer: [],
    errors: [],
  };
}

/** The value of a single-argument option (its first argument), if set. */
export function opt(o: RawOptions, keyword: string): string | undefined {
  const l = o.first.get(keyword);
  if (!l) return undefined;
  return l.args[0] ?? l.rest.replace(/^[\s=]+/, '');
}

export interface PassContext {
  /** The name Host lines match (as typed; the final host name in the final pass). */
  host: string;
  originalHost: string;
  final: boolean;
  /** Expands Match exec tokens with the options so far. */
  expandExec: (cmd: string, o: RawOptions) => string;
  /** Host for Match host: HostName (%h expanded) so far, or the final host name. */
  matchHost: (o: RawOptions) => string;
}

const MAX_LIST = 100;

/** The first active IgnoreUnknown's pattern list, if one came before. */
function ignoreUnknownOf(o: RawOptions): string | undefined {
  const l = o.first.get('ignoreunknown');
  return l ? l.args.join(',') : undefined;
}

/** Applies one line when active; returns the new `active` state for Host/Match lines. */
function applyLine(
  o: RawOptions,
  line: SshConfigFile['lines'][number],
  active: boolean,
  neverMatch: boolean,
  ctx: PassContext,
  env: SshEnv,
  depth: number,
): boolean {
  const errAt = (
    at: { file: string; line: number; col: number },
    message: string,
    hint?: string,
  ) => {
    // the final pass reads the same lines again: one error per line
    if (o.errors.some((e) => e.file === at.file && e.line === at.line && e.message === message))
      return;
    o.errors.push({
      file: at.file,
      line: at.line,
      col: at.col,
      message,
      ...(hint ? { hint } : {}),
    });
  };
  const err = (message: string) => errAt(line, message);
  // ssh refuses an unknown keyword wherever it stands, active block or not
  const verdict = keywordVerdict(line.keyword, ignoreUnknownOf(o));
  if (verdict.kind === 'bad') {
    const at = line.keywordCol > 0 ? { ...line, col: line.keywordCol } : line;
    errAt(
      at,
      `Bad configuration option: ${line.keyword}`,
      didYouMean(line.keyword, KNOWN_KEYWORDS) ??
        'OpenSSH 9.2 does not know it; IgnoreUnknown before it makes ssh skip it',
    );
    return active;
  }
  if (verdict.kind === 'ignored') return active;
  if (verdict.kind === 'newer') {
    const what = `${line.keyword} (OpenSSH ${verdict.since})`;
    if (active && !neverMatch && !o.newer.includes(what)) o.newer.push(what);
    return active;
  }
  if (verdict.keyword !== line.keyword) line = { ...line, keyword: verdict.keyword };
  // readconf.c checks these arguments on every line it reads, active or not
  const bad = checkCanonicalLine(line.keyword, line.args);
  if (bad !== undefined) {
    err(bad);
    return active;
  }
  switch (line.keyword) {
    case 'host':
      return neverMatch ? false : hostLineMatches(line.args, ctx.host);
    case 'match': {
      try {
        const r = matchCondition(line.rest, {
          host: ctx.matchHost(o),
          originalHost: ctx.originalHost,
          user: opt(o, 'user') ?? env.localUser,
          localUser: env.localUser,
          final: ctx.final,
          expand: (cmd) => ctx.expandExec(cmd, o),
          // ssh evaluates (and execs) a Match in an inactive Include too, then ignores it.
          exec: env.exec,
        });
        if (r.wantFinal) o.wantFinal = true;
        o.execs.push(...r.execs);
        return neverMatch ? false : r.matched;
      } catch (e) {
        if (!(e instanceof MatchError)) throw e;
        err(`bad Match condition: ${e.message}`);
        return false;
      }
    }
    case 'include':
      for (const f of line.include ?? [])
        readFile(o, f, ctx, env, neverMatch || !active, depth + 1);
      return active; // the state before the Include is restored after it
  }
  if (!active) return active;
  switch (line.keyword) {
    case 'identityfile':
    case 'certificatefile': {
      const list = line.keyword === 'identityfile' ? o.identityFiles : o.certificateFiles;
      const v = line.args[0];
      if (v !== undefined && !list.includes(v)) {
        if (list.length >= MAX_LIST) err(`too many ${line.keyword} entries (max ${MAX_LIST})`);
        else list.push(v);
      }
      break;
    }
    case 'proxycommand':
    case 'proxyjump':
      if (!o.first.has('proxycommand') && !o.first.has('proxyjump'))
        o.first.set(line.keyword, line);
      break;
    default:
      if (!o.first.has(line.keyword)) o.first.set(line.keyword, line);
  }
  return active;
}

const MAX_INCLUDE_DEPTH = 16;

/** read_config_file_depth(): the `active` state carries into an included file and back. */
function readFile(
  o: RawOptions,
  file: SshConfigFile,
  ctx: PassContext,
  env: SshEnv,
  neverMatch: boolean,
  depth: number,
  startActive = !neverMatch,
): void {
  if (depth > MAX_INCLUDE_DEPTH) {
    o.errors.push({ file: file.path, line: 0, col: 0, message: 'too many recursive includes' });
    return;
  }
  let active = startActive;
  for (const line of file.lines) active = applyLine(o, line, active, neverMatch, ctx, env, depth);
}

/** Command-line options (`-o`, `-l`, ...): always active, before any file. */
export function applyCommandLine(o: RawOptions, lines: readonly SshConfigLine[], env: SshEnv) {
  const ctx: PassContext = {
    host: '',
    originalHost: '',
    final: false,
    expandExec: (c) => c,
    matchHost: () => '',
  };
  for (const l of lines) {
    if (['host', 'match', 'include'].includes(l.keyword)) {
      o.errors.push({
        file: l.file,
        line: l.line,
        col: l.col,
        message: `${l.keyword} is not supported as a command-line option`,
      });
    } else applyLine(o, l, true, false, ctx, env, 0);
  }
}

/** One pass over the user file then (unless -F) the system file. */
export function readConfigFiles(
  o: RawOptions,
  files: { user?: SshConfigFile; system?: SshConfigFile },
  ctx: PassContext,
  env: SshEnv,
): void {
  if (files.user) readFile(o, files.user, ctx, env, false, 0);
  if (files.system) readFile(o, files.system, ctx, env, false, 0);
}
