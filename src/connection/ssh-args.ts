/**
 * The ssh command line Ansible's ssh plugin builds for a host, as config lines in ssh's own
 * order: inventory vars first (`-o Port=`, `-o IdentityFile=`, `-o User=`), then
 * ansible_ssh_common_args, then ansible_ssh_extra_args (both split with shlex, as Ansible does).
 * Of ssh's options, `-o`, `-l`, `-p`, `-i`, `-J` and `-F` shape the connection; other flags are
 * skipped (with their argument). First value wins, as in ssh. Pure.
 */
import { shlexSplit, ShlexError } from '../parse/shlex.js';
import type { ModelError } from '../parse/errors.js';
import { parseSshConfigLines, type SshConfigLine } from './ssh-config-lines.js';

/** ssh(1) options that take an argument (from its getopt string). */
const WITH_ARG = new Set('bcDeEFiIJlLmOopPQRSwWB'.split(''));

export interface SshCommandLine {
  lines: SshConfigLine[];
  /** `-F file` (the first one). */
  configFile?: string;
  /** Every argument, for the OpenSSH transport to pass on. */
  args: string[];
  errors: ModelError[];
}

/** A config line given on the command line (`-o Keyword=value` or an equivalent flag). */
function cmdLine(text: string, file: string, errors: ModelError[]): SshConfigLine[] {
  const p = parseSshConfigLines(text, file);
  errors.push(...p.errors);
  return p.lines;
}

/** Parses ssh arguments (already split) into config lines. */
export function parseSshArgs(argv: readonly string[], file: string): SshCommandLine {
  const out: SshCommandLine = { lines: [], args: [...argv], errors: [] };
  const add = (text: string) => out.lines.push(...cmdLine(text, file, out.errors));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-' || a === '--') continue;
    // Bundled flags (-4Cv); the first flag taking an argument takes the rest or the next word.
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      if (!WITH_ARG.has(f)) continue;
      let v = a.slice(j + 1);
      if (v === '') v = argv[++i] ?? '';
      if (f === 'o') add(v);
      else if (f === 'l') add(`User ${JSON.stringify(v)}`);
      else if (f === 'p') add(`Port ${v}`);
      else if (f === 'i') add(`IdentityFile ${JSON.stringify(v)}`);
      else if (f === 'J') add(`ProxyJump ${v}`);
      else if (f === 'F') out.configFile ??= v;
      break;
    }
  }
  return out;
}

/** Splits an ansible_ssh_*_args string like Ansible (shlex); errors name the variable. */
export function splitAnsibleArgs(
  value: string,
  file: string,
): { argv: string[]; error?: ModelError } {
  try {
    return { argv: shlexSplit(value) };
  } catch (e) {
    if (!(e instanceof ShlexError)) throw e;
    return { argv: [], error: { file, line: 0, col: 0, message: `${e.message} in ${value}` } };
  }
}
