/** One line of a sysctl.d file, as systemd-sysctl and procps read it. */
import type { SysctlFileLine } from './types.js';
import { normalizeKey } from '../sysctl/key.js';
import { normalizeValue } from '../sysctl/value.js';

/**
 * Returns undefined for comments, blank lines and lines without `=` (both loaders skip those),
 * except `-key` alone: an exclusion, which keeps globs off the key.
 */
export function parseSysctlLine(text: string, line: number): SysctlFileLine | undefined {
  let t = text.trim();
  if (t === '' || t.startsWith('#') || t.startsWith(';')) return undefined;
  const dash = t.startsWith('-');
  if (dash) t = t.slice(1);
  const eq = t.indexOf('=');
  if (eq < 0) {
    const key = dash ? normalizeKey(t) : '';
    return key === '' ? undefined : { line, key, exclude: true };
  }
  const key = normalizeKey(t.slice(0, eq));
  if (key === '') return undefined;
  return { line, key, value: normalizeValue(t.slice(eq + 1)), ignoreFailure: dash };
}
