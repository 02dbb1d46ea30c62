/** Parser for the `@@sysctl` section: one `value|absent|unreadable<TAB>key[<TAB>text]` per key. */
import type { SysctlReading } from './types.js';
import { normalizeValue } from '../sysctl/value.js';

export function parseSysctls(lines: readonly string[]): Record<string, SysctlReading> {
  const out: Record<string, SysctlReading> = {};
  for (const line of lines) {
    const [state, key, ...rest] = line.split('\t');
    if (!key) continue;
    const text = rest.join('\t');
    if (state === 'value') out[key] = { state: 'value', value: normalizeValue(text) };
    else if (state === 'absent') out[key] = { state: 'absent' };
    else if (state === 'unreadable') out[key] = { state: 'unreadable', error: text.trim() };
  }
  return out;
}
