/**
 * ~/.ssh/config as OpenSSH applies it to one host alias: global lines and `Host` blocks whose
 * patterns match (with `!negation`), top to bottom, the FIRST value of each keyword winning
 * (IdentityFile accumulates). `Match` blocks are ignored (they can run commands: never here).
 * Lines are tokenised by the `ssh-config` package; `Include` is expanded by the loader
 * (load-ssh-config.ts) before this pure code sees the text.
 */
import SSHConfig from 'ssh-config';

export interface SshConfig {
  /** Parsed lines (Include already expanded). */
  lines: SshConfigLine[];
  /** Home directory for `~` and `%d`. */
  home: string;
  /** Local user name for `%u` and the default remote user. */
  localUser: string;
  /** Files read, for messages. */
  files: string[];
}

export interface SshConfigLine {
  keyword: string; // lower-case
  args: string[];
  /** Patterns of the Host block this line belongs to; undefined for global lines. */
  host?: string[];
  /** True when the line sits in a Match block (never applied). */
  inMatch?: boolean;
}

/** What ssh_config says about one alias (raw: tokens not yet expanded). */
export interface SshHostConfig {
  hostName?: string;
  port?: number;
  user?: string;
  identityFiles: string[];
  proxyJump?: string;
  userKnownHostsFiles?: string[];
}

export function emptySshConfig(home = '/root', localUser = 'root'): SshConfig {
  return { lines: [], home, localUser, files: [] };
}

type Parsed = Array<{ type: number; param?: string; value?: unknown; config?: Parsed }>;

function argsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String((v as { val: string }).val));
  if (typeof value === 'string') return value.trim() === '' ? [] : value.trim().split(/\s+/);
  return [];
}

/** Parses ssh_config text (Include lines already expanded). */
export function parseSshConfig(
  text: string,
  home: string,
  localUser: string,
  files: string[] = [],
): SshConfig {
  const parsed = SSHConfig.parse(text) as unknown as Parsed;
  const lines: SshConfigLine[] = [];
  for (const item of parsed) {
    if (item.type !== 1 || !item.param) continue;
    const keyword = item.param.toLowerCase();
    if (keyword === 'host' || keyword === 'match') {
      const patterns = argsOf(item.value);
      for (const sub of item.config ?? []) {
        if (sub.type !== 1 || !sub.param) continue;
        const line: SshConfigLine = { keyword: sub.param.toLowerCase(), args: argsOf(sub.value) };
        if (keyword === 'host') line.host = patterns;
        else line.inMatch = true;
        lines.push(line);
      }
    } else {
      lines.push({ keyword, args: argsOf(item.value) });
    }
  }
  return { lines, home, localUser, files };
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(name);
}

/** OpenSSH Host matching: any positive pattern matches and no negated one does. */
export function hostMatches(patterns: readonly string[], alias: string): boolean {
  let positive = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), alias)) return false;
    } else if (globMatch(p, alias)) positive = true;
  }
  return positive;
}

/** The settings that apply to `alias`, first value wins. */
export function sshConfigFor(cfg: SshConfig, alias: string): SshHostConfig {
  const out: SshHostConfig = { identityFiles: [] };
  for (const l of cfg.lines) {
    if (l.inMatch) continue;
    if (l.host && !hostMatches(l.host, alias)) continue;
    const v = l.args[0];
    if (v === undefined) continue;
    switch (l.keyword) {
      case 'hostname':
        out.hostName ??= v;
        break;
      case 'port':
        if (out.port === undefined && /^\d+$/.test(v)) out.port = Number(v);
        break;
      case 'user':
        out.user ??= v;
        break;
      case 'identityfile':
        if (!out.identityFiles.includes(v)) out.identityFiles.push(v);
        break;
      case 'proxyjump':
        out.proxyJump ??= v;
        break;
      case 'userknownhostsfile':
        out.userKnownHostsFiles ??= l.args;
        break;
    }
  }
  return out;
}

/** Expands `~` and ssh_config tokens in a path (`%h %r %u %p %n %d %%`). */
export function expandSshPath(
  path: string,
  t: { home: string; host: string; user: string; localUser: string; port: number; alias: string },
): string {
  const p = path.startsWith('~/') || path === '~' ? t.home + path.slice(1) : path;
  return p.replace(/%([hrupnd%])/g, (_, c: string) =>
    c === 'h'
      ? t.host
      : c === 'r'
        ? t.user
        : c === 'u'
          ? t.localUser
          : c === 'p'
            ? String(t.port)
            : c === 'n'
              ? t.alias
              : c === 'd'
                ? t.home
                : '%',
  );
}
