/**
 * The imperative shell of ssh_config resolution: reads the user config (~/.ssh/config, or the
 * file given, like `ssh -F`) and /etc/ssh/ssh_config (only when no file is given, as ssh does),
 * globs their `Include`s (relative paths under ~/.ssh for the user file, /etc/ssh for the system
 * one; sorted; dot files excluded, as glob(3) does), and supplies the machine's side: passwd
 * home and user, uid, hostname, environment, the shell for `Match exec`, the resolver for
 * CanonicalizeHostname. A missing file is an empty config; a malformed one is a ModelErrors.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ModelErrors, type ModelError } from '../parse/errors.js';
import { readTextSync } from '../parse/files.js';
import type { SshConfig, SshConfigFile, SshEnv } from './ssh-config-eval.js';
import type { AddressFamily, NameLookup } from './ssh-canonical.js';
import { parseSshConfigLines } from './ssh-config-lines.js';

export const SYSTEM_SSH_CONFIG = '/etc/ssh/ssh_config';
/** Bound on a `Match exec` command and a name lookup (ssh has none; a run must not hang). */
const EXEC_TIMEOUT_MS = 10_000;

const kind = (p: string): 'file' | 'dir' | 'missing' => {
  try {
    return statSync(p).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
};

function globToRe(glob: string): RegExp {
  let re = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}

/** glob(3) for Include: wildcards in any component, sorted, no dot files. */
export function globSync(pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) return kind(pattern) === 'missing' ? [] : [pattern];
  const parent = dirname(pattern);
  const parents = /[*?[]/.test(parent) ? globSync(parent) : [parent];
  const re = globToRe(basename(pattern));
  const out: string[] = [];
  for (const p of parents) {
    let names: string[] = [];
    try {
      names = readdirSync(p);
    } catch {
      continue;
    }
    for (const n of names) if (!n.startsWith('.') && re.test(n)) out.push(join(p, n));
  }
  return out.sort();
}

interface LoadCtx {
  home: string;
  files: string[];
  errors: ModelError[];
}

const MAX_INCLUDE_DEPTH = 16;

/** Reads one file and (recursively) the files its Includes name. */
function loadFile(path: string, user: boolean, ctx: LoadCtx, depth: number): SshConfigFile {
  ctx.files.push(path);
  let text: string;
  try {
    text = readTextSync(path);
  } catch (e) {
    ctx.errors.push({ file: path, line: 0, col: 0, message: (e as Error).message });
    return { path, lines: [] };
  }
  const parsed = parseSshConfigLines(text, path);
  ctx.errors.push(...parsed.errors);
  const lines: SshConfigFile['lines'] = parsed.lines;
  for (const l of lines) {
    if (l.keyword !== 'include') continue;
    const pos = { file: l.file, line: l.line, col: l.col };
    if (depth >= MAX_INCLUDE_DEPTH) {
      ctx.errors.push({ ...pos, message: 'too many recursive configuration includes' });
      continue;
    }
    l.include = [];
    for (const arg of l.args) {
      if (arg.startsWith('~') && !user) {
        ctx.errors.push({
          ...pos,
          message: `bad include path ${arg}`,
          hint: 'system files cannot use ~',
        });
        continue;
      }
      const abs = arg.startsWith('/')
        ? arg
        : arg.startsWith('~/') || arg === '~'
          ? ctx.home + arg.slice(1)
          : join(user ? join(ctx.home, '.ssh') : '/etc/ssh', arg);
      for (const f of globSync(abs)) {
        if (kind(f) === 'file') l.include.push(loadFile(f, user, ctx, depth + 1));
      }
    }
  }
  return { path, lines };
}

/** The user's shell, as ssh's execute_in_shell uses it. */
function runInShell(cmd: string, env: NodeJS.ProcessEnv): number | undefined {
  const shell = env['SHELL'] || '/bin/sh';
  const r = spawnSync(shell, ['-c', cmd], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: EXEC_TIMEOUT_MS,
    env,
  });
  return r.status === null ? undefined : r.status;
}

/** The getent database that asks getaddrinfo in a family (AI_CANONNAME is always set). */
const GETENT_DB: Record<AddressFamily, string> = {
  any: 'ahosts',
  inet: 'ahostsv4',
  inet6: 'ahostsv6',
};

/**
 * `getent ahosts NAME` output as getaddrinfo's answer: the first line's third column is the
 * canonical name (AI_CANONNAME: over /etc/hosts the first name of the line, over DNS the CNAME
 * target), the first column of each line an address (deduplicated, in order). For inet6, ahostsv6
 * maps IPv4 answers (AI_V4MAPPED), which ssh's AF_INET6 lookup would not: those do not count.
 */
export function parseGetentAhosts(stdout: string, family: AddressFamily): NameLookup {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const addresses: string[] = [];
  for (const l of lines) {
    const a = l.trim().split(/\s+/)[0]!;
    if (family === 'inet6' && /^::ffff:\d/i.test(a)) continue;
    if (!addresses.includes(a)) addresses.push(a);
  }
  if (addresses.length === 0) return { kind: 'missing' };
  const canonName = lines[0]!.trim().split(/\s+/)[2] ?? '';
  return { kind: 'found', canonName, addresses };
}

/** What a getent run gave: its exit status (null: killed/timed out), stdout, a spawn error. */
export interface GetentRun {
  status: number | null;
  stdout: string;
  error?: Error;
}

/** getent's exit status (0 found, 2 not found) as a NameLookup; anything else is unknown. */
export function getentLookup(
  run: (db: string, name: string) => GetentRun,
): (name: string, family: AddressFamily) => NameLookup {
  const cache = new Map<string, NameLookup>();
  return (name, family) => {
    const key = `${family} ${name}`;
    let r = cache.get(key);
    if (!r) {
      const out = run(GETENT_DB[family], name);
      if (out.error)
        r = {
          kind: 'unknown',
          reason:
            (out.error as NodeJS.ErrnoException).code === 'ENOENT'
              ? 'getent is not installed (libc-bin)'
              : out.error.message,
        };
      else if (out.status === 0) r = parseGetentAhosts(out.stdout, family);
      else if (out.status === 2) r = { kind: 'missing' };
      else
        r = {
          kind: 'unknown',
          reason:
            out.status === null
              ? `getent did not answer within ${EXEC_TIMEOUT_MS / 1000} s`
              : `getent exit status ${out.status}`,
        };
      cache.set(key, r);
    }
    return r;
  };
}

/** getaddrinfo through NSS (getent), as ssh's resolver does (the name as ssh passes it). */
export function runGetent(db: string, name: string): GetentRun {
  const r = spawnSync('getent', [db, '--', name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: EXEC_TIMEOUT_MS,
  });
  return { status: r.status, stdout: r.stdout ?? '', ...(r.error ? { error: r.error } : {}) };
}

let services: Map<string, number> | undefined;
/** getservbyname(name, "tcp") from /etc/services (names and aliases). */
export function servicePort(name: string): number | undefined {
  if (!services) {
    services = new Map([['ssh', 22]]);
    try {
      for (const line of readFileSync('/etc/services', 'utf8').split('\n')) {
        const [n, pp, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
        const m = /^(\d+)\/tcp$/.exec(pp ?? '');
        if (n && m)
          for (const a of [n, ...aliases]) if (!services.has(a)) services.set(a, Number(m[1]));
      }
    } catch {
      // no /etc/services: numbers and `ssh` only
    }
  }
  return services.get(name);
}

export interface LoadSshConfigOptions {
  /** passwd home (ssh uses it, not $HOME). Default os.userInfo().homedir. */
  home?: string;
  localUser?: string;
  /** System config path; false = none. Default /etc/ssh/ssh_config when `path` is undefined. */
  system?: string | false;
  env?: NodeJS.ProcessEnv;
}

/** The machine's side of resolution (see SshEnv). */
export function machineSshEnv(opts: LoadSshConfigOptions = {}): SshEnv {
  const info = userInfo();
  const env = opts.env ?? process.env;
  const home = opts.home ?? info.homedir;
  const base: SshEnv = {
    home,
    localUser: opts.localUser ?? info.username,
    uid: info.uid,
    localHostName: hostname(),
    env,
    exec: (cmd) => runInShell(cmd, env),
    // one cache per loaded config: a run asks each name once
    lookupName: getentLookup(runGetent),
    servicePort,
  };
  const cache = new Map<string, SshConfigFile | undefined>();
  base.loadUserConfig = (path) => {
    if (!cache.has(path)) {
      const ctx: LoadCtx = { home, files: [], errors: [] };
      const f = kind(path) === 'file' ? loadFile(path, true, ctx, 0) : undefined;
      if (ctx.errors.length) throw new ModelErrors(ctx.errors);
      cache.set(path, f);
    }
    return cache.get(path);
  };
  return base;
}

/**
 * Loads `path` (like `ssh -F path`), or ~/.ssh/config then /etc/ssh/ssh_config. A missing file
 * yields an empty config. Throws ModelErrors (file:line:col) for a malformed file.
 */
export async function loadSshConfig(
  path?: string,
  opts: LoadSshConfigOptions = {},
): Promise<SshConfig> {
  const env = machineSshEnv(opts);
  const userPath = path ?? join(env.home, '.ssh', 'config');
  const systemPath = opts.system ?? (path === undefined ? SYSTEM_SSH_CONFIG : false);
  const ctx: LoadCtx = { home: env.home, files: [], errors: [] };
  const user = kind(userPath) === 'file' ? loadFile(userPath, true, ctx, 0) : undefined;
  const system =
    systemPath && kind(systemPath) === 'file' ? loadFile(systemPath, false, ctx, 0) : undefined;
  if (ctx.errors.length) throw new ModelErrors(ctx.errors);
  return {
    ...env,
    ...(user ? { user } : {}),
    ...(system ? { system } : {}),
    userPath,
    files: ctx.files,
  };
}
