/**
 * sysctl.d(5) files (`/etc/sysctl.d/*.conf`, `/etc/sysctl.conf`) as systemd-sysctl and procps
 * read them: `key = value` lines, `#`/`;` comments, `/` or `.` as separators, a leading `-`
 * (ignore a failure to set it). A glob key (`net.ipv4.conf.*.rp_filter`) cannot be a target:
 * it is reported as not carried over. Pure.
 */
import { normalizeKey } from '../../sysctl/key.js';
import { persistNameOf, type Imported } from './types.js';

export function importSysctlConf(text: string, file: string): Imported {
  const out: Imported = { targets: [], skipped: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const from = { file, line: i + 1, col: raw.length - raw.trimStart().length + 1 };
    const eq = line.indexOf('=');
    if (eq === -1) {
      out.skipped.push({
        from,
        what: line,
        why: 'not a "key = value" line (sysctl ignores it too)',
      });
      return;
    }
    const rawKey = line.slice(0, eq).trim().replace(/^-/, '');
    const value = line.slice(eq + 1).trim();
    const key = normalizeKey(rawKey);
    if (key.includes('*') || key.includes('?')) {
      out.skipped.push({
        from,
        what: `${rawKey} = ${value}`,
        why: 'a glob sets every matching key; name each key as a target',
      });
      return;
    }
    out.targets.push({ key, value, from, via: 'sysctl.d' });
  });
  const persist = persistNameOf(file);
  if (persist) out.persist = persist;
  return out;
}
