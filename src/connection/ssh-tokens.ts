/**
 * OpenSSH's token expansion (misc.c percent_expand / dollar_expand, ssh.c's client token set).
 * `%%` is a literal `%`, an unknown `%x` or an unset `${VAR}` is an error (ssh refuses it too).
 * Pure: the environment comes in.
 */
import { createHash } from 'node:crypto';

export class TokenError extends Error {}

/** Replaces `%x` by tokens[x]; throws TokenError on an unknown token or a trailing `%`. */
export function percentExpand(s: string, tokens: Readonly<Record<string, string>>): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const k = s[++i];
    if (k === '%') out += '%';
    else if (k === undefined) throw new TokenError(`invalid format: "${s}" ends in %`);
    else if (Object.hasOwn(tokens, k)) out += tokens[k];
    else throw new TokenError(`unknown key %${k} in "${s}"`);
  }
  return out;
}

/** Replaces `${VAR}` from env; throws TokenError when unset or unterminated. */
export function dollarExpand(s: string, env: Readonly<Record<string, string | undefined>>): string {
  return s.replace(/\$\{([^}]*)(\}?)/g, (_m, name: string, close: string) => {
    if (!close) throw new TokenError(`unterminated variable in "${s}"`);
    const v = env[name];
    if (v === undefined) throw new TokenError(`environment variable "${name}" is not set ("${s}")`);
    return v;
  });
}

/** `~` or `~/...` (the user's home; ssh uses the passwd entry). `~user` is left as is. */
export function tildeExpand(path: string, home: string): string {
  return path === '~' || path.startsWith('~/') ? home + path.slice(1) : path;
}

/** What the client tokens are made of (ssh.c cinfo). */
export interface TokenInputs {
  /** gethostname(). */
  localHostName: string;
  home: string;
  localUser: string;
  uid: number;
  /** The host as typed (%n). */
  hostArg: string;
  /** The remote host name after HostName (%h). */
  host: string;
  port: number;
  user: string;
  /** HostKeyAlias, else the host as typed (%k). */
  keyAlias?: string;
}

/** %C: SHA-1 of %l %h %p %r (OpenSSH 9.2 ssh_connection_hash). */
export function connectionHash(t: TokenInputs): string {
  return createHash('sha1').update(`${t.localHostName}${t.host}${t.port}${t.user}`).digest('hex');
}

/** DEFAULT_CLIENT_PERCENT_EXPAND_ARGS: the tokens IdentityFile, UserKnownHostsFile & co take. */
export function clientTokens(t: TokenInputs): Record<string, string> {
  return {
    C: connectionHash(t),
    L: t.localHostName.split('.')[0]!,
    i: String(t.uid),
    k: t.keyAlias ?? t.hostArg,
    l: t.localHostName,
    n: t.hostArg,
    p: String(t.port),
    d: t.home,
    h: t.host,
    r: t.user,
    u: t.localUser,
  };
}

/** A path option as ssh expands it: `~`, then `${ENV}` and the client tokens. */
export function expandClientPath(
  path: string,
  t: TokenInputs,
  env: Readonly<Record<string, string | undefined>>,
): string {
  return percentExpand(dollarExpand(tildeExpand(path, t.home), env), clientTokens(t));
}
