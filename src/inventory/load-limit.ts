/**
 * `@file` terms of a --limit pattern (Ansible's retry files: one host a line) expanded into
 * host names, so selectHosts stays pure.
 */
import { resolve } from 'node:path';
import { readText } from '../parse/files.js';
import { HostPatternError, splitPattern } from './host-pattern.js';

/** Replaces each `@path` (also `!@path`, `&@path`) term by the hosts listed in the file. */
export async function expandLimitFiles(pattern: string, cwd = process.cwd()): Promise<string> {
  const terms = splitPattern(pattern);
  if (!terms.some((t) => /^[!&]?@/.test(t))) return pattern;
  const out: string[] = [];
  for (const t of terms) {
    const m = /^([!&]?)@(.+)$/.exec(t);
    if (!m) {
      out.push(t);
      continue;
    }
    if (m[1] === '&') {
      throw new HostPatternError(
        `"${t}": intersecting with a file is not supported`,
        'use "@file" or "!@file"',
      );
    }
    let text: string;
    try {
      text = await readText(resolve(cwd, m[2]!));
    } catch (e) {
      throw new HostPatternError(`cannot read limit file "${m[2]}": ${(e as Error).message}`);
    }
    const names = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    out.push(...names.map((n) => m[1] + n));
  }
  return out.join(',');
}
