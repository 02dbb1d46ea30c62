/** Parser for the `@@os-release` section: `= KEY=value` lines from /etc/os-release (shell quoting). */
import type { HostFacts } from './types.js';

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0]) {
    return t.slice(1, -1).replace(/\\(["$`\\])/g, '$1');
  }
  return t;
}

export function parseOsRelease(lines: readonly string[]): HostFacts['distro'] {
  const vars: Record<string, string> = {};
  for (const line of lines) {
    const m = /^= ([A-Z_]+)=(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) vars[m[1]] = unquote(m[2]);
  }
  const distro: HostFacts['distro'] = {};
  if (vars.ID) distro.id = vars.ID;
  if (vars.VERSION_ID) distro.versionId = vars.VERSION_ID;
  if (vars.PRETTY_NAME) distro.prettyName = vars.PRETTY_NAME;
  return distro;
}
