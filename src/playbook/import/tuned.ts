/**
 * TuneD profiles (`PROFILE/tuned.conf`): the `[sysctl]` section's `key=value` lines, and
 * `[main] include=` of other profiles (read first, so this profile's values win, as TuneD
 * merges them). Values with TuneD variables or functions (`${var}`, `${f:...}`) are not carried
 * over; other sections (cpu, disk, vm, bootloader...) are not sysctls. Pure: the loader reads
 * the included profiles and passes them in as `include`.
 */
import { normalizeKey } from '../../sysctl/key.js';
import type { Imported } from './types.js';

export interface TunedProfile {
  /** Profile names from `[main] include=`, in order, with the line that names them. */
  includes: { name: string; line: number }[];
  imported: Imported;
}

export function parseTunedProfile(text: string, file: string): TunedProfile {
  const imported: Imported = { targets: [], skipped: [] };
  const includes: TunedProfile['includes'] = [];
  let section = '';
  const others = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const from = { file, line: i + 1, col: raw.length - raw.trimStart().length + 1 };
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!.trim();
      if (section !== 'main' && section !== 'sysctl' && section !== 'variables')
        others.set(section, i + 1);
      return;
    }
    const eq = line.indexOf('=');
    if (eq === -1) return;
    const k = line.slice(0, eq).trim();
    const v = line.slice(eq + 1).trim();
    if (section === 'main' && k === 'include')
      for (const name of v.split(/[,;\s]+/).filter(Boolean)) includes.push({ name, line: i + 1 });
    if (section !== 'sysctl') return;
    if (k === 'replace_sysctl') return;
    if (/\$\{/.test(v)) {
      imported.skipped.push({
        from,
        what: `${k}=${v}`,
        why: 'TuneD computes this value (a ${variable} or ${f:function}) on each machine',
      });
      return;
    }
    imported.targets.push({ key: normalizeKey(k), value: v, from, via: 'TuneD [sysctl]' });
  });
  for (const [name, line] of others)
    imported.skipped.push({
      from: { file, line, col: 1 },
      what: `[${name}]`,
      why: 'not sysctls: sysfleet carries over the [sysctl] section only',
    });
  return { includes, imported };
}
