/**
 * ssh_config text split into lines exactly as OpenSSH's readconf.c reads them: the keyword
 * (case-insensitive) is separated from its arguments by whitespace and/or one `=`; arguments are
 * split like argv_split() ("..." and '...' quote, `\"` `\'` `\\` and `\ ` escape, `#` at the start
 * of an argument ends the line); ProxyCommand / LocalCommand / RemoteCommand keep the rest of the
 * line verbatim; Match keeps its raw condition (strdelim quoting). Pure.
 */
import type { ModelError } from '../parse/errors.js';

export interface SshConfigLine {
  /** Lower-case keyword. */
  keyword: string;
  /** Arguments, quotes removed. */
  args: string[];
  /** The argument text after the keyword and separator, verbatim (commands keep it all). */
  rest: string;
  file: string;
  line: number;
  /** 1-based column of the first argument. */
  col: number;
  /** 1-based column of the keyword (0 for lines sysfleet makes). */
  keywordCol: number;
}

/** A one-argument option line made by sysfleet (inventory vars, jump specs): no position. */
export const optionLine = (keyword: string, arg: string, file: string): SshConfigLine => ({
  keyword,
  args: [arg],
  rest: arg,
  file,
  line: 0,
  col: 0,
  keywordCol: 0,
});

/** Keywords whose value is the rest of the line, not split (readconf.c parse_command). */
const COMMAND_KEYWORDS = new Set(['proxycommand', 'localcommand', 'remotecommand']);

/** Keywords that take several arguments; any other keyword with more than one is refused. */
const MULTI_ARG = new Set([
  'host',
  'include',
  'userknownhostsfile',
  'globalknownhostsfile',
  'canonicaldomains',
  'canonicalizepermittedcnames',
  'sendenv',
  'setenv',
  'localforward',
  'remoteforward',
  'permitremoteopen',
  'logverbose',
  'channeltimeout',
  'ignoreunknown',
]);

export class SshArgvError extends Error {}

/** OpenSSH argv_split(s, terminate_on_comment = 1). Throws SshArgvError on an open quote. */
export function sshArgvSplit(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    if (i >= s.length || s[i] === '#') break;
    let arg = '';
    let quote = '';
    for (; i < s.length; i++) {
      const c = s[i]!;
      const n = s[i + 1];
      if (c === '\\' && (n === "'" || n === '"' || n === '\\' || (quote === '' && n === ' '))) {
        arg += n;
        i++;
      } else if (quote === '' && (c === ' ' || c === '\t')) break;
      else if (quote === '' && (c === '"' || c === "'")) quote = c;
      else if (quote !== '' && c === quote) quote = '';
      else arg += c;
    }
    if (quote !== '') throw new SshArgvError('invalid quotes');
    out.push(arg);
  }
  return out;
}

/** Splits `Keyword [=] rest` the way readconf.c's strdelim does; undefined for blank/comment. */
function splitKeyword(
  text: string,
): { keyword: string; rest: string; offset: number; keywordCol: number } | undefined {
  const m = /^([ \t\f]*)([^ \t\f=]+)[ \t\f]*(?:=[ \t\f]*)?/.exec(text);
  if (!m || m[2]!.startsWith('#')) return undefined;
  return {
    keyword: m[2]!.toLowerCase(),
    rest: text.slice(m[0].length),
    offset: m[0].length,
    keywordCol: m[1]!.length + 1,
  };
}

/** Parses one file's text; errors name file:line:col (OpenSSH refuses such a file). */
export function parseSshConfigLines(
  text: string,
  file: string,
): { lines: SshConfigLine[]; errors: ModelError[] } {
  const lines: SshConfigLine[] = [];
  const errors: ModelError[] = [];
  text.split(/\r?\n/).forEach((raw, idx) => {
    const kw = splitKeyword(raw.replace(/[ \t\f\r]+$/, ''));
    if (!kw) return;
    const pos = { file, line: idx + 1, col: kw.offset + 1 };
    if (kw.rest === '') {
      errors.push({ ...pos, message: `no argument after keyword "${kw.keyword}"` });
      return;
    }
    let args: string[];
    try {
      args =
        COMMAND_KEYWORDS.has(kw.keyword) || kw.keyword === 'match' ? [] : sshArgvSplit(kw.rest);
    } catch {
      errors.push({ ...pos, message: `invalid quotes in ${kw.keyword}`, hint: 'close the quote' });
      return;
    }
    if (args.length > 1 && !MULTI_ARG.has(kw.keyword)) {
      errors.push({
        ...pos,
        message: `keyword ${kw.keyword} extra arguments at end of line`,
        hint: 'quote a value that holds spaces ("...")',
      });
      return;
    }
    lines.push({ keyword: kw.keyword, args, rest: kw.rest, ...pos, keywordCol: kw.keywordCol });
  });
  return { lines, errors };
}

/**
 * The next word of a Match condition (readconf.c strdelim: whitespace or one `=` separates,
 * a "double-quoted" word may hold spaces). Returns the word and what is left.
 */
export function nextMatchWord(s: string): { word: string; rest: string } | undefined {
  const t = s.replace(/^[ \t]+/, '');
  if (t === '') return undefined;
  if (t.startsWith('"')) {
    const end = t.indexOf('"', 1);
    if (end === -1) return undefined;
    return { word: t.slice(1, end), rest: t.slice(end + 1).replace(/^[ \t]*=?/, '') };
  }
  const m = /^([^ \t=]*)[ \t]*=?/.exec(t)!;
  return { word: m[1]!, rest: t.slice(m[0].length) };
}
