/**
 * OpenSSH's pattern matching (match.c) and `Match` conditions (readconf.c match_cfg_line).
 * Pure except `Match exec`, which runs through the injected `exec` — and only when reached: a
 * criterion that already failed skips the exec after it, as ssh does.
 */
import { nextMatchWord } from './ssh-config-lines.js';

/** match_pattern(): `*` and `?` wildcards, case-sensitive. */
export function matchPattern(s: string, pattern: string): boolean {
  let re = '^';
  for (const c of pattern)
    re += c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  return new RegExp(`${re}$`, 's').test(s);
}

/** match_pattern_list(): comma list with `!negation`; true = a positive match and no negated. */
export function matchPatternList(s: string, list: string, lower: boolean): boolean {
  let positive = false;
  for (const raw of list.split(',')) {
    const neg = raw.startsWith('!');
    const p = lower ? (neg ? raw.slice(1) : raw).toLowerCase() : neg ? raw.slice(1) : raw;
    if (matchPattern(s, p)) {
      if (neg) return false;
      positive = true;
    }
  }
  return positive;
}

/** A `Host` line: active when some pattern matches and no `!pattern` does (case-sensitive). */
export function hostLineMatches(patterns: readonly string[], host: string): boolean {
  let active = false;
  for (const arg of patterns) {
    const neg = arg.startsWith('!');
    if (matchPattern(host, neg ? arg.slice(1) : arg)) {
      if (neg) return false;
      active = true;
    }
  }
  return active;
}

export interface MatchContext {
  /** HostName with %h expanded (first pass) or the final hostname (final pass). */
  host: string;
  originalHost: string;
  /** Remote user so far (configured User, else the local user). */
  user: string;
  localUser: string;
  final: boolean;
  /** Expands the tokens of a `Match exec` command (C L d h k l n p r u i). */
  expand: (cmd: string) => string;
  /** Runs a command with the user's shell; its exit status, or undefined when it died. */
  exec: (cmd: string) => number | undefined;
}

export class MatchError extends Error {}

/** Evaluates one Match condition; `wantFinal` is set when it names `final`. */
export function matchCondition(
  condition: string,
  ctx: MatchContext,
): { matched: boolean; wantFinal: boolean; execs: string[] } {
  let rest = condition;
  let result = true;
  let attributes = 0;
  let wantFinal = false;
  const execs: string[] = [];
  for (let w = nextMatchWord(rest); w && w.word !== ''; w = nextMatchWord(rest)) {
    rest = w.rest;
    if (w.word.startsWith('#')) break;
    const neg = w.word.startsWith('!');
    const attr = (neg ? w.word.slice(1) : w.word).toLowerCase();
    if (attr === 'all') {
      const next = nextMatchWord(rest);
      if (attributes > 1 || (next && next.word !== '' && !next.word.startsWith('#')))
        throw new MatchError(`'${w.word}' cannot be combined with other Match attributes`);
      if (result) result = !neg;
      return { matched: result, wantFinal, execs };
    }
    attributes++;
    if (attr === 'canonical' || attr === 'final') {
      if (attr === 'final') wantFinal = true;
      if (ctx.final === neg) result = false;
      continue;
    }
    const arg = nextMatchWord(rest);
    if (!arg || arg.word === '' || arg.word.startsWith('#'))
      throw new MatchError(`missing Match criteria for ${attr}`);
    rest = arg.rest;
    let r: boolean;
    if (attr === 'host') r = matchPatternList(ctx.host.toLowerCase(), arg.word, true);
    else if (attr === 'originalhost')
      r = matchPatternList(ctx.originalHost.toLowerCase(), arg.word, true);
    else if (attr === 'user') r = matchPatternList(ctx.user, arg.word, false);
    else if (attr === 'localuser') r = matchPatternList(ctx.localUser, arg.word, false);
    else if (attr === 'exec') {
      if (!result) continue; // ssh skips the command when an earlier criterion failed
      const cmd = ctx.expand(arg.word);
      execs.push(cmd);
      const code = ctx.exec(cmd);
      if (code === undefined) throw new MatchError(`match exec '${cmd}' error`);
      r = code === 0;
    } else throw new MatchError(`unsupported Match attribute ${attr}`);
    if (r === neg) result = false;
  }
  if (attributes === 0) throw new MatchError('one or more attributes required for Match');
  return { matched: result, wantFinal, execs };
}
